// 办事指南: signs in with WeChat (linking it once), then finds matters; a tap opens the form.
const tongban = require('../../tongban');

const app = getApp();

Page({
  data: { q: '', matters: [], error: '' },

  async onLoad() {
    try {
      if (!(await app.signIn())) {
        wx.navigateTo({ url: '/pages/link/link' });
      }
      await this.search();
    } catch (e) {
      this.setData({ error: tongban.problemText(e) });
    }
  },

  onInput(e) {
    this.setData({ q: e.detail.value });
  },

  async search() {
    try {
      this.setData({ matters: await tongban.findMatters(app.tongban, this.data.q), error: '' });
    } catch (e) {
      this.setData({ error: tongban.problemText(e) });
    }
  },

  open(e) {
    wx.navigateTo({ url: '/pages/submit/submit?code=' + encodeURIComponent(e.currentTarget.dataset.code) });
  },
});
