// Where the platform is: the one place to edit.
module.exports = {
  // The demo platform on your machine (`java -jar gateway/target/tongban.jar`). In WeChat DevTools tick
  // 详情 → 本地设置 → 不校验合法域名 to reach it; a real platform's https address goes into the request domains.
  baseUrl: 'http://localhost:8080',
  // Only for the demo platform, which has no WeChat app: this code stands in for wx.login's (the same code is
  // the same WeChat user). Remove it for a platform with a WeChat app configured: there it is refused.
  demoLoginCode: 'demo-devtools',
};
