// 在线申请: a citizen signs in, fills in the matter's published form (THE renderer) and submits it; the answer
// is the case number and query code. Violations the server finds are shown at their fields.
import { get, newKey, post, session } from '/assets/js/api.js';
import { errorBox, facts, h, mount, notice } from '/assets/js/dom.js';
import { renderForm } from '/assets/js/form.js';
import { navigation, signInPanel } from './common.js';

const main = document.getElementById('main');
const code = new URLSearchParams(location.search).get('code');

function signInForm(matter, error) {
  const panel = signInPanel('apply-sign-in', () => startForm(matter), error);
  mount(main, h('h1', {}, `在线申请 · ${matter.name}`), panel.form);
  panel.focus();
}

// What the platform already knows (profile, shared data, licences) fills the form; if the prefill is slow or
// fails, the form opens empty and the applicant types it in (a department's answer never blocks applying).
async function startForm(matter) {
  let data = {};
  try {
    data = (await get(`/api/v1/matters/${encodeURIComponent(matter.code)}/prefill`)).data || {};
  } catch (err) { data = {}; }
  applyForm(matter, 'zh-CN', data);
}

function applyForm(matter, lang = 'zh-CN', data = {}) {
  const holder = h('div', {});
  const message = h('div', { id: 'apply-message' });
  const key = newKey(); // one key for this application: a retry after a lost answer is not a second case
  const form = renderForm(holder, { schema: matter.form.schema, uiSchema: matter.form.uiSchema, idPrefix: 'ap', lang, data });
  // Titles and help in English where the form has them (uiSchema.i18n.en); what is typed so far is kept.
  const languages = matter.form.uiSchema?.i18n?.en ? h('div', { class: 'field inline' },
    h('label', { for: 'apply-lang' }, '语言 Language'), h('select', { id: 'apply-lang', onchange: (e) => applyForm(matter, e.target.value, form.getData()) },
      h('option', { value: 'zh-CN', selected: lang === 'zh-CN' }, '中文'), h('option', { value: 'en', selected: lang === 'en' }, 'English'))) : null;
  mount(main, h('h1', {}, `在线申请 · ${matter.name}`), languages,
    h('form', { class: 'panel', id: 'apply-form', novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      if (form.validate().length) return;
      try {
        const done = await post('/api/v1/applications', { matterCode: matter.code, channel: 'WEB', data: form.getData() },
          { idempotencyKey: key, language: lang });
        mount(main, h('h1', {}, '申请已提交'), notice('请记下办件编号和查询码，凭它们查询办理进度。'),
          h('div', { class: 'panel', id: 'apply-done' }, facts([['事项', matter.name], ['办件编号', done.number],
            ['查询码', done.queryCode], ['表单版本', `第 ${done.formVersion} 版`]]),
          h('a', { href: `/public/progress.html?number=${encodeURIComponent(done.number)}&code=${encodeURIComponent(done.queryCode || '')}` }, '查询办理进度')));
      } catch (err) {
        const rest = err.violations?.length ? form.showViolations(err.violations.map((v) => ({ ...v, pointer: v.pointer.replace(/^\/data/, '') }))) : [];
        mount(message, errorBox(rest.length || !err.violations?.length ? err : { ...err, message: '请按标出的提示修改后再提交。', violations: [] }));
      }
    } }, holder, message, h('div', { class: 'actions' }, h('button', { class: 'primary', type: 'submit' }, '提交申请'))));
}

navigation();
if (!code) {
  mount(main, h('div', { class: 'alert error', role: 'alert' }, '没有指定事项。'), h('a', { href: '/public/' }, '返回事项列表'));
} else {
  get(`/api/v1/matters/${encodeURIComponent(code)}`).then((matter) => {
    if (!matter.form) {
      mount(main, h('div', { class: 'alert error', role: 'alert' }, '该事项暂未开放在线申请。'));
    } else if (session.token()) startForm(matter); else signInForm(matter);
  }).catch((err) => mount(main, errorBox(err)));
}
