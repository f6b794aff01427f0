// 重点项目跟办: the projects the signed-in officer tracks (supervisors: every project) (#/projects), and one
// project (#/projects/<code>) — its stages, cases, parallel opinions, clocks, warnings and timeline — with
// the forms to record a contact with the enterprise or a coordination with a department.
import { get, post } from '/assets/js/api.js';
import { errorBox, h, mount as fill, notice } from '/assets/js/dom.js';
import { departmentNames, projectFacts, stageList, timeline, warningList } from '/assets/js/project.js';

export async function mount(main, profile) {
  const code = decodeURIComponent(location.hash.split('/')[2] || '');
  return code ? showProject(main, code) : showList(main, profile);
}

async function showList(main, profile) {
  const supervisor = profile.roles.includes('SUPERVISOR');
  const { items } = await get('/api/v1/projects');
  fill(main, h('h1', {}, supervisor ? '重点项目跟办 · 全部项目' : '重点项目跟办'),
    h('p', { class: 'muted' }, supervisor
      ? '全部工程建设项目：打开项目可查看各阶段并联审批情况、超期预警和跟办记录。'
      : '由您跟踪跟办的项目：各阶段并联审批、部门意见、超期预警一览，记录与企业对接和部门协调情况。'),
    items.length ? h('table', { class: 'queue', id: 'project-list' },
      h('thead', {}, h('tr', {}, ['项目名称', '投资项目代码', '建设单位', '当前阶段', '跟办人员'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.map((p) => h('tr', {},
        h('td', {}, h('a', { href: `#/projects/${encodeURIComponent(p.code)}` }, p.name)), h('td', {}, p.code),
        h('td', {}, p.enterpriseName), h('td', {}, p.currentStageName), h('td', {}, p.officer?.name || '—')))))
      : h('p', { class: 'muted', id: 'project-list' }, supervisor ? '还没有登记的项目。' : '目前没有由您跟办的项目。'));
}

function recordForm(main, p, message) {
  const kind = h('select', { id: 'record-kind', onchange: () => { dept.disabled = kind.value !== 'COORDINATION'; } },
    h('option', { value: 'CONTACT' }, '与企业对接'), h('option', { value: 'COORDINATION' }, '协调部门'));
  const dept = h('select', { id: 'record-department', disabled: true }, h('option', { value: '' }, '请选择'),
    [...departmentNames(p)].map(([code, name]) => h('option', { value: code }, name)));
  const stage = h('select', { id: 'record-stage' }, h('option', { value: '' }, '不限阶段'),
    p.stages.map((s) => h('option', { value: s.code }, s.name)));
  const note = h('textarea', { id: 'record-note', rows: 3, maxlength: 2000 });
  const problems = h('div', {});
  return h('form', { class: 'panel', id: 'record-form', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    const body = { kind: kind.value, note: note.value.trim() };
    if (kind.value === 'COORDINATION' && dept.value) body.departmentCode = dept.value;
    if (stage.value) body.stage = stage.value;
    try {
      await post(`/api/v1/projects/${encodeURIComponent(p.code)}/records`, body);
      await showProject(main, p.code, kind.value === 'CONTACT' ? '对接情况已记录。' : '协调情况已记录。');
    } catch (err) { fill(problems, errorBox(err)); }
  } }, h('h2', {}, '跟办记录'),
  h('div', { class: 'field' }, h('label', { for: 'record-kind' }, '类型'), kind),
  h('div', { class: 'field' }, h('label', { for: 'record-department' }, '协调部门'), dept),
  h('div', { class: 'field' }, h('label', { for: 'record-stage' }, '所属阶段'), stage),
  h('div', { class: 'field' }, h('label', { for: 'record-note', class: 'required' }, '情况记录'), note),
  problems, message, h('button', { class: 'primary', type: 'submit' }, '保存记录'));
}

async function showProject(main, code, done) {
  try {
    const p = await get(`/api/v1/projects/${encodeURIComponent(code)}`);
    const officer = p.viewerRole === 'OFFICER';
    fill(main, h('h1', {}, p.name), done ? notice(done) : null,
      h('div', { class: 'project-columns' },
        h('div', {},
          h('section', { class: 'panel', id: 'project-facts' }, projectFacts(p)),
          h('section', { class: 'panel' }, h('h2', {}, '审批阶段'), stageList(p))),
        h('div', {},
          h('section', { class: 'panel' }, h('h2', {}, '超期预警'), warningList(p)),
          officer ? recordForm(main, p, h('div', {})) : null,
          h('section', { class: 'panel' }, h('h2', {}, '项目时间线'), timeline(p)))),
      h('div', { class: 'actions' }, h('a', { href: '#/projects' }, '返回项目列表')));
  } catch (err) {
    fill(main, errorBox(err), h('a', { href: '#/projects' }, '返回项目列表'));
  }
}
