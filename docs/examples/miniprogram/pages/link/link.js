// 绑定微信, once per WeChat user: the citizen signs in with their account (real name L2+) and links this WeChat.
const tongban = require('../../tongban');

const app = getApp();

Page({
  data: { username: '', password: '', error: '' },

  onUsername(e) {
    this.setData({ username: e.detail.value });
  },

  onPassword(e) {
    this.setData({ password: e.detail.value });
  },

  async link() {
    try {
      await tongban.linkWithAccount(wx, app.tongban, app.config, this.data.username, this.data.password);
      wx.navigateBack();
    } catch (e) {
      this.setData({ error: tongban.problemText(e) });
    }
  },
});
