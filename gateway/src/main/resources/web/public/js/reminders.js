// 我的提醒 (主动服务): the reminders the platform sent the signed-in citizen — a licence running out, a 年审
// due, a benefit they now qualify for — each with the link that opens the matter's form prefilled, and the
// topics they may opt out of (from the next scan on).
import { api, get, put, session, signIn, signOut } from '/assets/js/api.js';
import { errorBox, h, mount, notice } from '/assets/js/dom.js';
import { navigation } from './common.js';

const main = document.getElementById('main');

function signInPanel(error) {
  const login = h('input', { id: 'login', autocomplete: 'username', required: true });
  const password = h('input', { id: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const problem = h('div', { id: 'sign-in-problem' }, error ? errorBox(error) : null);
  mount(main, h('h1', {}, '我的提醒'),
    h('form', { class: 'panel', id: 'sign-in', onsubmit: async (e) => {
      e.preventDefault();
      try {
        await signIn(login.value.trim(), password.value);
        show();
      } catch (err) { mount(problem, errorBox(err)); }
    } }, h('h2', {}, '请先登录'),
    h('div', { class: 'field' }, h('label', { for: 'login' }, '身份证号或手机号'), login),
    h('div', { class: 'field' }, h('label', { for: 'password' }, '密码'), password),
    problem, h('button', { class: 'primary', type: 'submit' }, '登录')));
  login.focus();
}

function reminderItem(r) {
  // The link comes from the platform's configured public address; only its path and query are followed here.
  const target = new URL(r.link, location.origin);
  return h('li', { class: 'reminder' },
    h('h3', {}, r.title),
    h('p', {}, r.text),
    h('p', { class: 'muted' }, `事项：${r.matterName || r.matterCode} · 发送于 ${r.sentAt.slice(0, 10)}`),
    h('a', { class: 'button primary', href: target.pathname + target.search }, '在线办理（已预填）'));
}

function topicsForm(topics) {
  const message = h('div', { id: 'topics-message', 'aria-live': 'polite' });
  return h('form', { class: 'panel', id: 'reminder-topics', onsubmit: (e) => e.preventDefault() },
    h('h2', {}, '提醒设置'),
    h('p', { class: 'muted' }, '取消勾选即退订该类提醒，已发送的提醒仍保留。'),
    topics.map((t) => h('div', { class: 'field inline' },
      h('input', { type: 'checkbox', id: `topic-${t.topic}`, checked: !t.optedOut || undefined,
        onchange: async (e) => {
          try {
            const now = await put(`/api/v1/me/reminder-topics/${encodeURIComponent(t.topic)}`, { optedOut: !e.target.checked });
            mount(message, notice(now.optedOut ? `已退订“${now.name}”。` : `已恢复接收“${now.name}”。`));
          } catch (err) {
            e.target.checked = !e.target.checked;
            mount(message, errorBox(err));
          }
        } }),
      h('label', { for: `topic-${t.topic}` }, `接收${t.name}`))),
    message);
}

// 我授权的门户: the portals the citizen allowed to sign them in (docs/oidc.md); revoking ends their tokens at once.
function portalsPanel(portals) {
  const message = h('div', { id: 'portals-message', 'aria-live': 'polite' });
  const list = portals.length ? h('ul', { id: 'portal-list' }, portals.map((p) => h('li', { class: 'portal' },
    h('strong', {}, p.name), h('span', { class: 'muted' }, ` 授权于 ${p.grantedAt.slice(0, 10)} `),
    h('button', { type: 'button', class: 'link', onclick: async (e) => {
      try {
        await api('DELETE', `/api/v1/me/authorised-portals/${encodeURIComponent(p.clientId)}`);
        e.target.closest('li').remove();
        mount(message, notice(`已取消对“${p.name}”的授权。`));
      } catch (err) { mount(message, errorBox(err)); }
    } }, `取消授权“${p.name}”`))))
    : h('p', { class: 'muted', id: 'portal-list' }, '您还没有授权任何门户。');
  return h('section', { class: 'panel', id: 'authorised-portals' }, h('h2', {}, '我授权的门户'),
    h('p', { class: 'muted' }, '这些网站和小程序可以用您的通办账号登录；取消后它们须重新征得您的同意。'), list, message);
}

async function show() {
  try {
    const [reminders, topics, portals] = await Promise.all([get('/api/v1/me/reminders'),
      get('/api/v1/me/reminder-topics'), get('/api/v1/me/authorised-portals')]);
    mount(main, h('h1', {}, '我的提醒'),
      h('p', { class: 'muted' }, '政府部门在证照到期、年审到期或符合待遇条件时主动提醒您。',
        h('button', { type: 'button', class: 'link', onclick: async () => { await signOut(); signInPanel(); } }, '退出登录')),
      reminders.items.length ? h('ul', { class: 'reminders', id: 'reminder-list' }, reminders.items.map(reminderItem))
        : h('p', { class: 'muted', id: 'reminder-list' }, '暂无提醒。'),
      topicsForm(topics.items), portalsPanel(portals.items));
  } catch (err) {
    if (err.status === 401) signInPanel(); else mount(main, errorBox(err));
  }
}

navigation();
if (session.token()) show(); else signInPanel();
