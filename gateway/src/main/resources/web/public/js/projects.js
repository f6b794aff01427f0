// 工程建设项目 for the enterprise (signed in): its projects, registering one, a project's stages, cases,
// opinions, clocks, results and timeline, and applying for the next stage with the stage's ONE combined form
// (rendered by THE form renderer; the project's own facts are filled in by the platform).
// ?code=<project code> shows one project; no parameter lists the caller's projects.
import { get, newKey, post, session } from '/assets/js/api.js';
import { errorBox, h, mount, notice } from '/assets/js/dom.js';
import { renderForm } from '/assets/js/form.js';
import { PROJECT_TYPE, nextStage, projectFacts, stageList, timeline, warningList } from '/assets/js/project.js';
import { navigation, signInPanel } from './common.js';
import { intermediaryPanel } from './project-intermediaries.js';

const main = document.getElementById('main');
const params = new URLSearchParams(location.search);

function signInFirst() {
  const panel = signInPanel('project-sign-in', () => route());
  mount(main, h('h1', {}, '工程建设项目'), h('p', { class: 'muted' }, '企业法定代表人或经办人登录后查看和申报本企业的项目。'), panel.form);
  panel.focus();
}

function field(id, label, control, help) {
  return h('div', { class: 'field' }, h('label', { for: id, class: 'required' }, label), control,
    help ? h('div', { class: 'help', id: `${id}-help` }, help) : null);
}

/** 项目登记: the enterprise is one the caller acts for; the township list is the stage forms'. */
async function registerForm(holder) {
  const [enterprises, stages] = await Promise.all([get('/api/v1/enterprises'), get('/api/v1/project-stages')]);
  if (!enterprises.length) return;
  const townships = stages.items[0].form.schema.properties.township.enum;
  const input = (id, attrs = {}) => h('input', { id, name: id, autocomplete: 'off', ...attrs });
  const message = h('div', {});
  const key = newKey();
  const form = h('form', { class: 'panel', id: 'project-register', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    const v = (id) => form.querySelector(`#${id}`).value.trim();
    try {
      const p = await post('/api/v1/projects', {
        code: v('p-code'), name: v('p-name'), type: v('p-type'), investment: Number(v('p-investment')),
        township: v('p-township'), site: v('p-site'), creditCode: v('p-creditCode'),
        keyProject: form.querySelector('#p-keyProject').checked,
      }, { idempotencyKey: key });
      history.pushState(null, '', `?code=${encodeURIComponent(p.code)}`);
      show(p.code, '项目已登记。');
    } catch (err) { mount(message, errorBox(err)); }
  } }, h('h2', {}, '登记新项目'),
  field('p-creditCode', '建设单位', h('select', { id: 'p-creditCode' }, enterprises.map((x) => h('option', { value: x.creditCode }, x.name)))),
  field('p-code', '投资项目代码', input('p-code', { maxlength: 24, 'aria-describedby': 'p-code-help' }), '投资项目在线审批监管平台赋予的代码，如 2026-410183-59-03-004321。'),
  field('p-name', '项目名称', input('p-name', { maxlength: 100 })),
  field('p-type', '项目类型', h('select', { id: 'p-type' }, Object.entries(PROJECT_TYPE).map(([k, name]) => h('option', { value: k }, name)))),
  field('p-investment', '总投资（万元）', input('p-investment', { type: 'number', min: 0, step: 'any', inputmode: 'decimal' })),
  field('p-township', '所在乡镇（街道）', h('select', { id: 'p-township' }, townships.map((t) => h('option', { value: t }, t)))),
  field('p-site', '建设地点', input('p-site', { maxlength: 200 })),
  h('div', { class: 'field' }, h('label', { for: 'p-keyProject' }, h('input', { id: 'p-keyProject', type: 'checkbox' }), ' 申请列为重点项目（指定专人跟踪跟办）')),
  message, h('button', { class: 'primary', type: 'submit' }, '登记'));
  mount(holder, form);
}

async function list() {
  const { items } = await get('/api/v1/projects');
  const register = h('div', { id: 'project-register-holder' });
  mount(main, h('h1', {}, '工程建设项目'),
    h('p', { class: 'muted' }, '立项用地规划许可、工程建设许可、施工许可、竣工验收四个阶段，每个阶段一张表单、一套材料，多个部门并联审批，逾期未出具意见视为同意。'),
    h('h2', {}, '我的项目'),
    items.length ? h('ul', { class: 'matter-list', id: 'projects' }, items.map((p) => h('li', { class: 'matter' },
      h('a', { href: `/public/projects.html?code=${encodeURIComponent(p.code)}` }, p.name),
      h('div', { class: 'muted' }, `${p.code} · ${p.enterpriseName}`)))) : h('p', { class: 'muted', id: 'projects' }, '您的企业还没有登记项目。'),
    register);
  await registerForm(register);
}

/** The stage's combined form without the project's own facts, which the platform fills in. */
function stageForm(stage, definition, project) {
  const holder = h('div', {});
  const message = h('div', { id: 'stage-message' });
  const schema = structuredClone(definition.form.schema);
  for (const [name, s] of Object.entries(schema.properties)) if (s.readOnly) delete schema.properties[name];
  const key = newKey(); // one key for this application: a retry after a lost answer makes no second set of cases
  const form = renderForm(holder, { schema, uiSchema: definition.form.uiSchema, idPrefix: 'ps' });
  return h('form', { class: 'panel', id: 'stage-form', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    if (form.validate().length) return;
    try {
      const done = await post(`/api/v1/projects/${encodeURIComponent(project.code)}/stages/${stage.code}/applications`,
        { channel: 'WEB', data: form.getData() }, { idempotencyKey: key });
      const made = done.cases.filter((c) => c.current !== false && c.attempt === Math.max(...done.cases.map((x) => x.attempt || 1)));
      show(project.code, stage.reapply ? `“${stage.name}”阶段不予许可的 ${made.length} 个事项已重新申报。`
        : `“${stage.name}”已申报，${done.cases.length} 个事项由各部门并联办理。`);
    } catch (err) {
      const rest = err.violations?.length ? form.showViolations(err.violations.map((v) => ({ ...v, pointer: v.pointer.replace(/^\/data/, '') }))) : [];
      mount(message, errorBox(rest.length || !err.violations?.length ? err : { ...err, message: '请按标出的提示修改后再提交，各事项均未提交。', violations: [] }));
    }
  } }, h('h2', {}, `${stage.name}阶段联合申报表`),
  h('p', { class: 'muted' }, definition.description),
  h('p', { class: 'muted' }, '材料只需提交一次：', definition.materials.map((m) => m.name + (m.tolerable ? '（可容缺后补）' : m.commitment ? '（可告知承诺）' : '')).join('、')),
  stage.reapply ? h('p', { class: 'muted' }, '重新申报只为不予许可的事项办理新的办件，已准予的事项保持有效。') : null,
  holder, message, h('div', { class: 'actions' }, h('button', { class: 'primary', type: 'submit' },
    stage.reapply ? '重新申报不予许可的事项' : `一次申报 ${definition.matters.length} 个事项`)));
}

async function show(code, done) {
  const p = await get(`/api/v1/projects/${encodeURIComponent(code)}`);
  const next = nextStage(p);
  const apply = h('div', { id: 'stage-apply' });
  const intermediaries = h('section', { class: 'panel', id: 'project-intermediaries' });
  mount(main, h('h1', {}, p.name), done ? notice(done) : null,
    h('section', { class: 'panel', id: 'project-facts' }, projectFacts(p)),
    h('section', { class: 'panel' }, h('h2', {}, '审批阶段'), stageList(p), apply),
    h('section', { class: 'panel' }, h('h2', {}, '超期预警'), warningList(p)),
    intermediaries,
    h('section', { class: 'panel' }, h('h2', {}, '办理记录'), timeline(p)),
    h('div', { class: 'actions' }, h('button', { type: 'button', id: 'project-refresh', onclick: () => show(code).catch(failed) }, '刷新'),
      h('a', { href: '/public/projects.html' }, '返回我的项目')));
  if (next) {
    mount(apply, h('button', { type: 'button', class: 'primary', id: 'stage-open', onclick: async () => {
      const { items } = await get('/api/v1/project-stages');
      const form = stageForm(next, items.find((s) => s.code === next.code), p);
      mount(apply, form);
      form.querySelector('input, select, textarea')?.focus();
    } }, next.reapply ? `重新申报“${next.name}”阶段不予许可的事项` : `申报“${next.name}”阶段`));
  }
  await intermediaryPanel(intermediaries, p);
}

const failed = (err) => mount(main, errorBox(err), h('a', { href: '/public/projects.html' }, '返回我的项目'));

function route() {
  if (!session.token()) { signInFirst(); return; }
  (params.get('code') ? show(params.get('code')) : list()).catch(failed);
}

navigation();
route();
