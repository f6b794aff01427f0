// Runs the quick start against a live platform: TONGBAN_URL (a started gateway in demo mode, whose WeChat
// code2session answers openid o-<x> for the code good-<x>, as the JUnit test that starts this one arranges).
const test = require('node:test');
const assert = require('node:assert/strict');
const tongbanModule = require('../tongban');
const sdk = require('@tongban/sdk');

const baseUrl = process.env.TONGBAN_URL || 'http://localhost:8080';

/** A stand-in for WeChat's wx in Node: wx.request over fetch, storage in a Map, wx.login with a fixed code. */
function fakeWx(code) {
  const storage = new Map();
  return {
    login: ({ success }) => success({ code }),
    getStorageSync: (k) => storage.get(k),
    setStorageSync: (k, v) => storage.set(k, v),
    request: ({ url, method, header, data, success, fail }) => {
      fetch(url, { method, headers: header, body: data })
        .then(async (r) => success({ statusCode: r.status, header: Object.fromEntries(r.headers), data: await r.text() }))
        .catch((e) => fail({ errMsg: String(e) }));
    },
  };
}

test('a citizen signs in with WeChat, finds a matter, submits once with a retried key and follows progress', async () => {
  const wx = fakeWx('good-quickstart');
  const tongban = tongbanModule.connect(wx, baseUrl);

  // Not linked yet: the sign-in is refused with a typed problem.
  await assert.rejects(tongbanModule.signInWithWeChat(wx, tongban), (e) => {
    assert.ok(e instanceof sdk.ApiProblem);
    assert.equal(e.status, 401);
    return true;
  });
  // Linking, once: the citizen signed in with a password (in a real mini-program: 实名认证 first).
  const password = await tongban.auth.issueToken({
    tokenRequest: { grantType: 'password', username: 'citizen', password: 'tongban-demo' },
  });
  wx.setStorageSync('tongban.token', password.accessToken);
  await tongbanModule.linkWeChat(wx, tongban);
  wx.setStorageSync('tongban.token', undefined);

  const session = await tongbanModule.signInWithWeChat(wx, tongban);
  assert.equal(session.tokenType, 'Bearer');
  const me = await tongban.auth.getMe();
  assert.equal(me.kind, 'CITIZEN');

  const matters = await tongbanModule.findMatters(tongban, '老年');
  assert.ok(matters.length > 0, 'the catalogue finds 老年 matters');
  const matter = await tongban.matters.getMatter({ code: matters[0].code });
  const sample = matter.form.schema.examples[0];

  // Invalid data: every wrong field at once, pointing into data.
  await assert.rejects(tongbanModule.submit(tongban, matter.code, {}, tongbanModule.newIdempotencyKey()), (e) => {
    assert.equal(e.status, 422);
    assert.equal(e.code, 'validation-failed');
    assert.ok(Object.keys(tongbanModule.fieldErrors(e)).length > 0);
    return true;
  });

  const key = tongbanModule.newIdempotencyKey();
  const first = await tongbanModule.submit(tongban, matter.code, sample, key);
  const retried = await tongbanModule.submit(tongban, matter.code, sample, key);
  assert.equal(retried.number, first.number, 'a retry with the same key is the same case');
  assert.equal(first.status, 'SUBMITTED');

  const shown = await tongbanModule.progress(tongban, first.number, first.queryCode);
  assert.equal(shown.status, 'SUBMITTED');
});

test('the same client runs on fetch (browser, Node)', async () => {
  const tongban = sdk.createClient({ baseUrl });
  const page = await tongban.matters.listMatters({ limit: 3 });
  assert.ok(page.items.length > 0);
  await assert.rejects(tongban.matters.getMatter({ code: 'no-such-matter' }), (e) => {
    assert.ok(e instanceof sdk.ApiProblem);
    assert.equal(e.status, 404);
    assert.ok(e.title.length > 0);
    return true;
  });
});
