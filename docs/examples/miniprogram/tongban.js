// The mini-program's use of Tongban, in one module its pages require (CommonJS, as mini-programs load modules).
// Everything here takes `wx` as a parameter, so the same code runs in WeChat and under Node's test runner
// (test/quickstart.test.js), which is how the build checks it against a live platform.
const sdk = require('@tongban/sdk');

const TOKEN = 'tongban.token';

/** A client for the mini-program: requests go through wx.request, the token comes from storage. */
function connect(wx, config) {
  return sdk.createClient({
    baseUrl: config.baseUrl,
    transport: sdk.wxTransport(wx),
    token: () => wx.getStorageSync(TOKEN) || undefined,
  });
}

/**
 * wx.login's code. On the demo platform (`java -jar tongban.jar`, which has no WeChat app) the code
 * `config.demoLoginCode` (`demo-<x>`) stands in for it: the same <x> is the same WeChat user.
 */
function loginCode(wx, config) {
  if (config.demoLoginCode) {
    return Promise.resolve(config.demoLoginCode);
  }
  return new Promise((resolve, reject) => wx.login({ success: (r) => resolve(r.code), fail: reject }));
}

/** Signs in as the citizen linked to this WeChat user; a 401 ApiProblem when none is linked yet (see needsLink). */
async function signInWithWeChat(wx, tongban, config) {
  const code = await loginCode(wx, config);
  const session = await tongban.auth.wechatSignIn({ weChatCode: { code } });
  wx.setStorageSync(TOKEN, session.accessToken);
  return session;
}

/** True when the WeChat sign-in was refused: this WeChat user is to be linked to a citizen first. */
function needsLink(error) {
  return error instanceof sdk.ApiProblem && error.status === 401;
}

/**
 * Once per WeChat user: the citizen signs in with their account (real-name level L2 or higher), this WeChat
 * user is linked to them, and from then on the WeChat sign-in alone is enough.
 */
async function linkWithAccount(wx, tongban, config, username, password) {
  const account = await tongban.auth.issueToken({ tokenRequest: { grantType: 'password', username, password } });
  wx.setStorageSync(TOKEN, account.accessToken);
  await tongban.auth.wechatLink({ weChatCode: { code: await loginCode(wx, config) } });
  return signInWithWeChat(wx, tongban, config);
}

/** A page of the catalogue (public). */
async function findMatters(tongban, q) {
  const page = await tongban.matters.listMatters({ q: q || undefined, limit: 20 });
  return page.items;
}

/**
 * The fields a page shows for a matter's form (matter.form: schema + uiSchema), in the order of its steps:
 * each text or number field, nested ones included (name: its path in data, e.g. mailingAddress/recipientName),
 * with its choices (enum, or oneOf consts with titles).
 */
function formFields(form) {
  const steps = (form.uiSchema && form.uiSchema.steps) || [];
  const pointers = steps.length ? [].concat(...steps.map((step) => step.fields))
    : Object.keys(form.schema.properties || {}).map((name) => '/' + name);
  return pointers.map((pointer) => field(form.schema, pointer)).filter((f) => f);
}

function field(schema, pointer) {
  const path = pointer.slice(1).split('/');
  let owner = schema;
  for (const step of path.slice(0, -1)) {
    owner = (owner.properties || {})[step] || {};
  }
  const name = path[path.length - 1];
  const p = (owner.properties || {})[name];
  if (!p || !['string', 'integer', 'number'].includes(p.type)) {
    return null;
  }
  return {
    name: path.join('/'),
    title: p.title || name,
    type: p.type,
    required: path.length === 1 && (schema.required || []).includes(name),
    options: p.enum ? p.enum.map((v) => ({ value: v, title: String(v) }))
      : p.oneOf ? p.oneOf.filter((o) => 'const' in o).map((o) => ({ value: o.const, title: o.title || String(o.const) }))
        : null,
  };
}

/** A field's value in the data (undefined when not filled). */
function valueOf(data, field) {
  return field.name.split('/').reduce((at, step) => (at === undefined || at === null ? undefined : at[step]), data);
}

/**
 * The draft of an application, kept in storage with its Idempotency-Key: the key is made once per form fill,
 * so a retry after a lost answer (even after the mini-program was closed) returns the same case.
 */
function draft(wx, matterCode, initialData) {
  const stored = wx.getStorageSync(draftKey(matterCode));
  if (stored) {
    return stored;
  }
  const fresh = { matterCode, idempotencyKey: sdk.newIdempotencyKey(), data: { ...(initialData || {}) } };
  wx.setStorageSync(draftKey(matterCode), fresh);
  return fresh;
}

/** A field's new text into the draft (an empty text removes the value). */
function setField(wx, application, field, text) {
  const path = field.name.split('/');
  let owner = application.data;
  for (const step of path.slice(0, -1)) {
    owner = owner[step] = owner[step] || {};
  }
  const name = path[path.length - 1];
  if (text === '' || text === undefined || text === null) {
    delete owner[name];
  } else {
    owner[name] = field.type === 'string' ? String(text) : Number(text);
  }
  wx.setStorageSync(draftKey(application.matterCode), application);
}

/**
 * Submits the draft. Retrying it unchanged is safe (same key, same data → the same case); a refused submission
 * (422) stores nothing, so the corrected draft goes with the same key. Once a case is made the draft is gone.
 */
async function submit(wx, tongban, application) {
  const made = await tongban.applications.submitApplication({
    idempotencyKey: application.idempotencyKey,
    submitApplicationRequest: { matterCode: application.matterCode, channel: 'MINI_PROGRAM', data: application.data },
  });
  wx.removeStorageSync(draftKey(application.matterCode));
  return made;
}

/** The case's progress by its number and query code (public, personal data masked). */
async function progress(tongban, number, queryCode) {
  return tongban.applications.getProgress({ number, queryCode });
}

/** The signed-in citizen's own cases, newest first, as a list shows them (no form data). */
async function myApplications(tongban) {
  const page = await tongban.applications.listApplicationSummaries({ limit: 20 });
  return page.items;
}

/**
 * Violations of a refused submission as {field name: message}, for showing next to the form's fields. The
 * pointers point into the request body, so a form field's is /data/<name>.
 */
function fieldErrors(error) {
  if (!(error instanceof sdk.ApiProblem)) {
    throw error;
  }
  const errors = {};
  for (const v of error.violations) {
    errors[v.pointer.replace(/^\/data\//, '').replace(/^\//, '')] = v.message;
  }
  return errors;
}

/** What to tell the user about a failure: the platform's own sentence (Chinese) when it sent one. */
function problemText(error) {
  return error instanceof sdk.ApiProblem ? error.detail || error.title : '网络不可用，请稍后再试';
}

function draftKey(matterCode) {
  return 'tongban.draft.' + matterCode;
}

module.exports = {
  connect, loginCode, signInWithWeChat, needsLink, linkWithAccount, findMatters, formFields, valueOf, draft, setField,
  submit, progress, myApplications, fieldErrors, problemText, ApiProblem: sdk.ApiProblem,
};
