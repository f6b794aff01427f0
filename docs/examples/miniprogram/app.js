// The mini-program's entry: one client for every page (getApp().tongban), on the platform of config.js.
const tongban = require('./tongban');
const config = require('./config');

App({
  config,
  tongban: tongban.connect(wx, config),

  /** Signs in with WeChat; false when this WeChat user is still to be linked (pages/link). */
  async signIn() {
    try {
      await tongban.signInWithWeChat(wx, this.tongban, config);
      return true;
    } catch (e) {
      if (tongban.needsLink(e)) {
        return false;
      }
      throw e;
    }
  },
});
