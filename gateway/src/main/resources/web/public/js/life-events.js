// 一件事一次办: the life events (bundles of matters of several departments), one combined form rendered by
// THE form renderer, one submission, then the bundle's progress — each department's case and its status.
// ?code=<life event> applies for it; ?application=<id> follows one; no parameter lists them (and, signed
// in, the applicant's own).
import { get, newKey, post, session } from '/assets/js/api.js';
import { errorBox, facts, h, mount, statusBadge, when } from '/assets/js/dom.js';
import { renderForm } from '/assets/js/form.js';
import { navigation, signInPanel, workingDays } from './common.js';

const main = document.getElementById('main');
const params = new URLSearchParams(location.search);
const BUNDLE_STATUS = { INCOMPLETE: '未提交完整', IN_PROGRESS: '办理中', COMPLETED: '已全部办结' };

const departments = (e) => [...new Set(e.matters.map((m) => m.department.name))].join('、');

function card(e) {
  return h('li', { class: 'matter life-event' },
    h('a', { href: `/public/life-events.html?code=${encodeURIComponent(e.code)}` }, e.name),
    h('p', { class: 'muted' }, e.description),
    h('div', { class: 'meta' }, h('span', {}, `${e.matters.length} 个事项`), h('span', {}, departments(e))));
}

async function list() {
  const { items } = await get('/api/v1/bundles');
  const mine = h('div', { id: 'my-bundles' });
  mount(main, h('h1', {}, '一件事一次办'),
    h('p', { class: 'muted' }, '多个部门的事项，一张表、一套材料、一次提交，各部门分别办理，进度在一处查看。'),
    h('ul', { class: 'matter-list', id: 'life-events' }, items.map(card)), mine);
  if (session.token()) {
    try {
      const own = await get('/api/v1/bundle-applications');
      if (own.items.length) {
        mount(mine, h('h2', {}, '我的一件事'), h('ul', { class: 'matter-list' }, own.items.map((a) => h('li', { class: 'matter' },
          h('a', { href: `/public/life-events.html?application=${encodeURIComponent(a.id)}` }, a.lifeEventName),
          h('div', { class: 'muted' }, when(a.submittedAt), ' · ', BUNDLE_STATUS[a.status] || a.status)))));
      }
    } catch { session.clear(); }
  }
}

function guide(e) {
  return h('section', { class: 'panel', id: 'bundle-guide' },
    h('h2', {}, '包含的事项'),
    h('ul', { class: 'bundle-matters' }, e.matters.map((m) => h('li', {},
      h('a', { href: `/public/matter.html?code=${encodeURIComponent(m.code)}` }, m.name),
      h('span', { class: 'muted' }, ` ${m.department.name} · 承诺 ${workingDays(m.promisedDays)}`)))),
    e.acceptanceConditions ? h('p', {}, e.acceptanceConditions) : null,
    h('h2', {}, '材料（只需提交一次）'),
    h('ul', { class: 'bundle-materials' }, e.materials.map((m) => h('li', {}, m.name,
      h('span', { class: 'muted' }, m.source === 'LICENCE' ? ' · 电子证照调取，免提交' : m.required ? ' · 必交' : ' · 视情形提交')))));
}

function signInForm(e) {
  const panel = signInPanel('bundle-sign-in', () => applyForm(e));
  mount(main, h('h1', {}, e.name), guide(e), panel.form);
  panel.focus();
}

function applyForm(e) {
  const holder = h('div', {});
  const message = h('div', { id: 'bundle-message' });
  const key = newKey(); // one key for this application: a retry after a lost answer makes no second set of cases
  const form = renderForm(holder, { schema: e.form.schema, uiSchema: e.form.uiSchema, idPrefix: 'le' });
  mount(main, h('h1', {}, e.name), guide(e),
    h('form', { class: 'panel', id: 'bundle-form', novalidate: true, onsubmit: async (ev) => {
      ev.preventDefault();
      if (form.validate().length) return;
      try {
        const done = await post(`/api/v1/bundles/${encodeURIComponent(e.code)}/applications`,
          { channel: 'WEB', data: form.getData() }, { idempotencyKey: key });
        history.pushState(null, '', `?application=${encodeURIComponent(done.id)}`);
        progress(done, true);
      } catch (err) {
        const rest = err.violations?.length ? form.showViolations(err.violations.map((v) => ({ ...v, pointer: v.pointer.replace(/^\/data/, '') }))) : [];
        mount(message, errorBox(rest.length || !err.violations?.length ? err : { ...err, message: '请按标出的提示修改后再提交，各事项均未提交。', violations: [] }));
      }
    } }, h('h2', {}, '联办申请表'), holder, message,
    h('div', { class: 'actions' }, h('button', { class: 'primary', type: 'submit' }, `一次提交 ${e.matters.length} 个事项`))));
}

function progress(a, fresh) {
  mount(main, h('h1', {}, a.lifeEventName),
    fresh ? h('div', { class: 'alert ok', role: 'status' }, `已提交，${a.cases.length} 个事项由各部门分别办理。`) : null,
    h('section', { class: 'panel', id: 'bundle-progress' },
      h('p', { class: 'status-line' }, '总体进度：', h('strong', { id: 'bundle-status' }, BUNDLE_STATUS[a.status] || a.status)),
      facts([['提交时间', when(a.submittedAt)]]),
      h('ol', { class: 'bundle-cases' }, a.cases.map((c) => h('li', { class: 'bundle-case' },
        h('div', { class: 'case-head' }, h('strong', {}, c.matterName || c.matterCode), ' ', c.status ? statusBadge(c.status) : null),
        h('div', { class: 'muted' }, c.departmentName || c.departmentCode || ''),
        h('div', { class: 'muted' }, `办件编号 ${c.number}`, c.dueDate ? ` · ${c.dueDate} 前办结` : '')))),
      h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'bundle-refresh', onclick: () => follow(a.id) }, '刷新进度'),
        h('a', { href: '/public/life-events.html' }, '返回一件事列表'))));
}

async function follow(id) {
  if (!session.token()) {
    mount(main, h('p', { class: 'muted' }, '请申请人登录后查看一件事的进度。'));
    return;
  }
  progress(await get(`/api/v1/bundle-applications/${encodeURIComponent(id)}`), false);
}

navigation();
const failed = (err) => mount(main, errorBox(err), h('a', { href: '/public/life-events.html' }, '返回一件事列表'));
if (params.get('application')) {
  follow(params.get('application')).catch(failed);
} else if (params.get('code')) {
  get(`/api/v1/bundles/${encodeURIComponent(params.get('code'))}`)
    .then((e) => (session.token() ? applyForm(e) : signInForm(e))).catch(failed);
} else {
  list().catch(failed);
}
