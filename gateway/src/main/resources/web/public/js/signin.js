// 统一身份认证: the sign-in and consent page of the OpenID Connect provider (docs/oidc.md). A portal or
// mini-program sends the citizen to /oauth2/authorize, which checks the request and brings them here with
// ?req=…; the page signs them in (same rules and throttling as every sign-in), asks their consent once per
// portal, and sends the browser back to the portal with a one-time code.
import { api, ApiProblem } from '/assets/js/api.js';
import { errorBox, h, mount, notice } from '/assets/js/dom.js';

const main = document.getElementById('main');
const params = new URLSearchParams(location.search);
const req = params.get('req');

/** What each scope lets the portal do, in the citizen's words. */
const SCOPES = {
  openid: '确认您的通办账号身份和实名认证等级（不含身份证号）',
  profile: '读取您的姓名和部分隐去的身份证号',
  applications: '以您的名义查询和提交办事申请',
};

/** The OAuth endpoints answer {error, error_description}; shown like any other problem. */
async function call(method, path, body) {
  try {
    // With cookies: signing in sets the session cookie that spares the password next time.
    return await api(method, path, { body, cookies: true });
  } catch (err) {
    if (err.problem?.error) {
      throw new ApiProblem(err.status, { title: '无法完成登录', detail: err.problem.error_description || err.problem.error });
    }
    throw err;
  }
}

function go(answer, request) {
  if (answer.redirect) {
    mount(main, h('h1', {}, '登录成功'), notice(`正在返回“${request.clientName}”…`));
    location.assign(answer.redirect);
  } else {
    consent(request);
  }
}

function signInForm(request) {
  const login = h('input', { id: 'login', autocomplete: 'username', required: true, maxlength: 64 });
  const password = h('input', { id: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const problem = h('div', { id: 'sign-in-problem', 'aria-live': 'polite' });
  const button = h('button', { class: 'primary', type: 'submit', id: 'sign-in-button' }, '登录');
  mount(main, h('h1', {}, '登录通办账号'),
    h('p', { id: 'client-line' }, '“', h('strong', { id: 'client-name' }, request.clientName), '”请求使用您的通办账号登录。'),
    h('form', { class: 'panel', id: 'sign-in', onsubmit: async (e) => {
      e.preventDefault();
      mount(problem);
      button.disabled = true;
      try {
        go(await call('POST', `/oauth2/requests/${encodeURIComponent(req)}/sign-in`,
          { login: login.value.trim(), password: password.value }), request);
      } catch (err) {
        mount(problem, errorBox(err));
        password.value = '';
        password.focus();
      } finally {
        button.disabled = false;
      }
    } },
    h('div', { class: 'field' }, h('label', { for: 'login' }, '身份证号或手机号'), login),
    h('div', { class: 'field' }, h('label', { for: 'password' }, '密码'), password),
    problem, button),
    // Federation: the provincial unified identity signs the citizen in instead (docs/oidc.md).
    request.upstream ? h('p', { class: 'upstream' }, h('a', { class: 'button', id: 'upstream',
      href: `/oauth2/requests/${encodeURIComponent(req)}/upstream` }, `使用${request.upstream}登录`)) : null,
    h('p', { class: 'muted' }, '通办不会把您的密码和身份证号交给该网站。'));
  if (params.get('upstreamError')) {
    mount(problem, errorBox(new ApiProblem(400, { title: `${request.upstream || '省统一身份认证'}登录失败`,
      detail: params.get('upstreamError') })));
  }
  login.focus();
}

function consent(request) {
  const problem = h('div', { id: 'consent-problem', 'aria-live': 'polite' });
  const decide = async (allow) => {
    try {
      go(await call('POST', `/oauth2/requests/${encodeURIComponent(req)}/consent`, { allow }), request);
    } catch (err) { mount(problem, errorBox(err)); }
  };
  const allow = h('button', { class: 'primary', type: 'button', id: 'allow', onclick: () => decide(true) }, '同意授权');
  mount(main, h('h1', {}, '授权确认'),
    h('section', { class: 'panel', id: 'consent' },
      h('p', {}, '“', h('strong', {}, request.clientName), '”将获得以下权限：'),
      h('ul', { id: 'scopes' }, request.scopes.map((s) => h('li', {}, SCOPES[s] || s))),
      h('p', { class: 'muted' }, '授权会被记住，您可以随时在“我的提醒”页面的“我授权的门户”中取消。'),
      problem,
      h('div', { class: 'actions' }, allow,
        h('button', { type: 'button', id: 'deny', onclick: () => decide(false) }, '拒绝'))));
  allow.focus();
}

async function start() {
  if (params.get('error')) {
    mount(main, h('h1', {}, '无法登录'), errorBox(new ApiProblem(400, { title: '登录请求无效',
      detail: params.get('error_description') || params.get('error') })),
      h('p', {}, '请回到原网站重新发起登录。'));
    return;
  }
  if (!req) {
    mount(main, h('h1', {}, '统一身份认证'),
      params.get('signedOut') ? notice('您已退出登录。') : h('p', {}, '请从接入通办的网站或小程序发起登录。'));
    return;
  }
  try {
    const request = await call('GET', `/oauth2/requests/${encodeURIComponent(req)}`);
    if (request.signedIn) consent(request); else signInForm(request);
  } catch (err) {
    mount(main, h('h1', {}, '无法登录'), errorBox(err), h('p', {}, '请回到原网站重新发起登录。'));
  }
}

start();
