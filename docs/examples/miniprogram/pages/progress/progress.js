// 办件进度: the case's progress by number and query code (public, masked), and the citizen's own cases.
const tongban = require('../../tongban');

const app = getApp();

Page({
  data: { progress: null, mine: [], error: '' },

  async onLoad({ number, queryCode }) {
    try {
      this.setData({ progress: await tongban.progress(app.tongban, number, queryCode),
        mine: await tongban.myApplications(app.tongban) });
    } catch (e) {
      this.setData({ error: tongban.problemText(e) });
    }
  },
});
