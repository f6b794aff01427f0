// Runs the quick start against a live platform: TONGBAN_URL, the demo platform (`java -jar tongban.jar`, demo
// mode, no WeChat app), whose WeChat sign-in takes the login codes demo-<x>. Each run is a new WeChat user, so
// the test runs again and again on the same platform.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const sdk = require('@tongban/sdk');
const tongban = require('../tongban');

const baseUrl = process.env.TONGBAN_URL || 'http://localhost:8080';
const run = Date.now().toString(36) + Math.random().toString(36).slice(2, 8);

/** WeChat's wx in Node: wx.request over fetch, storage in a Map, the page navigation it was asked for. */
function fakeWx() {
  const storage = new Map();
  return {
    navigations: [],
    login: ({ fail }) => fail({ errMsg: 'no WeChat here: the demo login code stands in' }),
    getStorageSync: (k) => (storage.has(k) ? structuredClone(storage.get(k)) : ''),
    setStorageSync: (k, v) => storage.set(k, structuredClone(v)),
    removeStorageSync: (k) => storage.delete(k),
    request: ({ url, method, header, data, success, fail }) => {
      fetch(url, { method, headers: header, body: data })
        .then(async (r) => success({ statusCode: r.status, header: Object.fromEntries(r.headers), data: await r.text() }))
        .catch((e) => fail({ errMsg: String(e) }));
    },
    navigateTo({ url }) { this.navigations.push(url); },
    redirectTo({ url }) { this.navigations.push(url); },
    navigateBack() { this.navigations.push('back'); },
  };
}

test('the module: a new WeChat user links the citizen once, finds a matter, submits once with a retried key and follows progress', async () => {
  const wx = fakeWx();
  const config = { baseUrl, demoLoginCode: 'demo-module-' + run };
  const client = tongban.connect(wx, config);

  // A new WeChat user: the sign-in is refused with a typed problem, which says to link first.
  await assert.rejects(tongban.signInWithWeChat(wx, client, config), (e) => {
    assert.ok(e instanceof sdk.ApiProblem);
    assert.equal(e.status, 401);
    assert.ok(tongban.needsLink(e));
    return true;
  });
  // Linking, once: the demo citizen's account (real name L3), then the WeChat sign-in alone.
  const session = await tongban.linkWithAccount(wx, client, config, 'citizen', 'tongban-demo');
  assert.equal(session.tokenType, 'Bearer');
  wx.setStorageSync('tongban.token', '');
  await tongban.signInWithWeChat(wx, client, config);
  const me = await client.auth.getMe();
  assert.equal(me.kind, 'CITIZEN');
  assert.equal(me.username, 'citizen', 'the demo code signs in as the citizen it was linked to');

  const matters = await tongban.findMatters(client, '老年');
  assert.ok(matters.length > 0, 'the catalogue finds 老年 matters');
  const matter = await client.matters.getMatter({ code: matters[0].code });
  const fields = tongban.formFields(matter.form);
  assert.ok(fields.some((f) => f.required && f.type === 'string'), 'the form has required text fields');

  // Invalid data: every wrong field at once, by field name; nothing is stored under the draft's key.
  const application = tongban.draft(wx, matter.code);
  await assert.rejects(tongban.submit(wx, client, application), (e) => {
    assert.equal(e.status, 422);
    assert.equal(e.code, 'validation-failed');
    const errors = tongban.fieldErrors(e);
    assert.ok(fields.filter((f) => f.required).every((f) => errors[f.name]), JSON.stringify(errors));
    return true;
  });
  assert.equal(tongban.draft(wx, matter.code).idempotencyKey, application.idempotencyKey, 'the draft keeps its key');

  // Corrected, with the same key; the answer is "lost" and the same draft is sent again: one case.
  const sample = matter.form.schema.examples[0];
  for (const f of fields) {
    tongban.setField(wx, application, f, tongban.valueOf(sample, f));
  }
  const first = await tongban.submit(wx, client, application);
  const retried = await tongban.submit(wx, client, application);
  assert.equal(retried.number, first.number, 'a retry with the same key is the same case');
  assert.equal(first.status, 'SUBMITTED');
  assert.notEqual(tongban.draft(wx, matter.code).idempotencyKey, application.idempotencyKey,
    'after a case is made the next form fill has a new key');

  const shown = await tongban.progress(client, first.number, first.queryCode);
  assert.equal(shown.status, 'SUBMITTED');
  assert.ok((await tongban.myApplications(client)).some((a) => a.number === first.number));
});

test('the mini-program: its pages, as WeChat runs them, sign in, link, submit and show the progress', async () => {
  // WeChat's globals: App and Page register, getApp answers the app; pages are plain objects with setData.
  const wx = fakeWx();
  let app;
  const pages = {};
  let loading;
  Object.assign(globalThis, {
    wx,
    App: (definition) => { app = definition; },
    getApp: () => app,
    Page: (definition) => { pages[loading] = definition; },
  });
  const root = path.join(__dirname, '..');
  const config = require(path.join(root, 'config'));
  config.baseUrl = baseUrl;
  config.demoLoginCode = 'demo-pages-' + run;
  require(path.join(root, 'app'));
  for (const route of require(path.join(root, 'app.json')).pages) {
    loading = route;
    require(path.join(root, route));
  }
  const open = (route) => {
    const page = Object.create(pages[route]);
    page.data = structuredClone(pages[route].data);
    page.setData = (changes) => Object.assign(page.data, changes);
    return page;
  };

  // 办事指南: a new WeChat user is sent to link first; the catalogue shows meanwhile.
  const matters = open('pages/matters/matters');
  await matters.onLoad();
  assert.equal(matters.data.error, '');
  assert.deepEqual(wx.navigations, ['/pages/link/link']);
  const link = open('pages/link/link');
  link.onUsername({ detail: { value: 'citizen' } });
  link.onPassword({ detail: { value: 'wrong' } });
  await link.link();
  assert.ok(link.data.error.length > 0, 'a wrong password says so');
  link.onPassword({ detail: { value: 'tongban-demo' } });
  await link.link();
  assert.equal(wx.navigations.at(-1), 'back');
  assert.equal(await app.signIn(), true, 'linked: the WeChat sign-in alone is enough now');

  matters.onInput({ detail: { value: '老年人优待' } });
  await matters.search();
  assert.ok(matters.data.matters.length > 0);
  const code = matters.data.matters[0].code;
  matters.open({ currentTarget: { dataset: { code } } });
  assert.equal(wx.navigations.at(-1), '/pages/submit/submit?code=' + code);

  // 在线申请: sent empty, the required fields show their messages; with the example data, a case.
  const submit = open('pages/submit/submit');
  await submit.onLoad({ code });
  assert.equal(submit.data.matter.code, code);
  await submit.send();
  const required = submit.data.fields.filter((f) => f.required);
  assert.ok(required.every((f) => submit.data.errors[f.name]), JSON.stringify(submit.data.errors));
  submit.fillSample();
  assert.equal(submit.data.fields[0].title, '姓名', 'the fields come in the order of the form\'s steps');
  const chosen = submit.data.fields.filter((f) => f.titles && submit.data.values[f.name] >= 0);
  assert.ok(chosen.length > 0, 'a choice shows as its picker index');
  assert.ok(submit.data.fields.some((f) => f.name.includes('/')), 'nested fields are shown too');
  await submit.send();
  assert.equal(submit.data.error, '');
  const shown = wx.navigations.at(-1);
  assert.match(shown, /^\/pages\/progress\/progress\?number=.+&queryCode=.+$/);

  // 办件进度: the case just made, and it is among the citizen's own.
  const params = Object.fromEntries(new URLSearchParams(shown.split('?')[1]));
  const progress = open('pages/progress/progress');
  await progress.onLoad(params);
  assert.equal(progress.data.error, '');
  assert.equal(progress.data.progress.number, params.number);
  assert.ok(progress.data.progress.statusName.length > 0);
  assert.ok(progress.data.mine.some((a) => a.number === params.number));
});

test('the same client runs on fetch (browser, Node)', async () => {
  const client = sdk.createClient({ baseUrl });
  const page = await client.matters.listMatters({ limit: 3 });
  assert.ok(page.items.length > 0);
  await assert.rejects(client.matters.getMatter({ code: 'no-such-matter' }), (e) => {
    assert.ok(e instanceof sdk.ApiProblem);
    assert.equal(e.status, 404);
    assert.ok(e.title.length > 0);
    return true;
  });
});
