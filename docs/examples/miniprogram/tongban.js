// The mini-program's use of Tongban, in one module a page requires (CommonJS, as mini-programs load modules).
// In WeChat DevTools: npm install, then 工具 → 构建 npm, and require('./tongban') from a page.
const sdk = require('@tongban/sdk');

/** A client for the mini-program: requests go through wx.request, the token comes from storage. */
function connect(wx, baseUrl) {
  return sdk.createClient({
    baseUrl,
    transport: sdk.wxTransport(wx),
    token: () => wx.getStorageSync('tongban.token') || undefined,
  });
}

/** wx.login's code → a Tongban session for the citizen linked to this WeChat user (401 ApiProblem if none is). */
async function signInWithWeChat(wx, tongban) {
  const { code } = await new Promise((resolve, reject) => wx.login({ success: resolve, fail: reject }));
  const session = await tongban.auth.wechatSignIn({ weChatCode: { code } });
  wx.setStorageSync('tongban.token', session.accessToken);
  return session;
}

/** Once, for a citizen who signed in another way (real name L2+): links this WeChat user to them. */
async function linkWeChat(wx, tongban) {
  const { code } = await new Promise((resolve, reject) => wx.login({ success: resolve, fail: reject }));
  await tongban.auth.wechatLink({ weChatCode: { code } });
}

/** A page of the catalogue (public). */
async function findMatters(tongban, q) {
  const page = await tongban.matters.listMatters({ q, limit: 20 });
  return page.items;
}

/**
 * Submits an application from the mini-program. The key is made once per form fill and kept with the draft,
 * so a retry after a lost answer returns the same case instead of making a second one.
 */
async function submit(tongban, matterCode, data, idempotencyKey) {
  return tongban.applications.submitApplication({
    idempotencyKey,
    submitApplicationRequest: { matterCode, channel: 'MINI_PROGRAM', data },
  });
}

/** The case's progress by its number and query code (public, personal data masked). */
async function progress(tongban, number, queryCode) {
  return tongban.applications.getProgress({ number, queryCode });
}

/** Violations of a refused submission as {field pointer: message}, for showing next to the form's fields. */
function fieldErrors(error) {
  if (!(error instanceof sdk.ApiProblem)) {
    throw error;
  }
  const errors = {};
  for (const v of error.violations) {
    errors[v.pointer] = v.message;
  }
  return errors;
}

module.exports = { connect, signInWithWeChat, linkWeChat, findMatters, submit, progress, fieldErrors,
  newIdempotencyKey: sdk.newIdempotencyKey, ApiProblem: sdk.ApiProblem };
