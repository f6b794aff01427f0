// One case as a reviewer or approver sees it: facts, warnings, form data under the form's titles, materials,
// parallel opinions, 容缺 / 告知承诺, the steps, and the actions the role may take now.
import { api, get } from '/assets/js/api.js';
import { CHANNEL, errorBox, facts, h, mount as fill, statusBadge, when } from '/assets/js/dom.js';
import { actionPanel } from './actions.js';
import { LEVEL, OPINION, PROCEDURE, WARNING_KIND, levelBadge } from './labels.js';

export async function showCase(main, profile, number, done) {
  fill(main, h('p', { class: 'muted' }, '正在加载办件…'));
  const path = `/api/v1/applications/${encodeURIComponent(number)}`;
  let app;
  let steps;
  try {
    [app, steps] = await Promise.all([get(path), get(`${path}/steps`)]);
  } catch (e) {
    return fill(main, back(), errorBox(e));
  }
  // The matter and materials are context: the case still shows without them.
  const [matter, materials, orders] = await Promise.all([
    get(`/api/v1/matters/${encodeURIComponent(app.matterCode)}`).catch(() => null),
    get(`${path}/materials`).catch((e) => e),
    // 12345 work orders about this case that were dispatched to the department (none shown if not allowed).
    get(`/api/v1/work-orders?caseNumber=${encodeURIComponent(app.number)}`).catch(() => []),
  ]);
  const reload = (message) => showCase(main, profile, number, message);
  fill(main,
    back(),
    h('h1', { id: 'case-title' }, `办件 ${app.number} `, statusBadge(app.status)),
    h('div', { class: 'columns' },
      h('div', {},
        h('section', { class: 'panel' }, h('h2', {}, '基本情况'), summary(app)),
        warningsPanel(app.warnings),
        ordersPanel(orders),
        deficiencyPanel(app.deficiency),
        commitmentsPanel(app.commitments)),
      h('div', {},
        actionPanel(app, profile, steps, matter, reload, done),
        opinionsPanel(app),
        h('section', { class: 'panel', id: 'form-data' }, h('h2', {}, '申请表'), formData(app, matter)),
        h('section', { class: 'panel', id: 'materials' }, h('h2', {}, '申请材料'), materialList(materials)),
        h('section', { class: 'panel', id: 'steps' }, h('h2', {}, '办理过程'), timeline(steps)))));
}

// The hotline's orders about the case, beside it: the department answers the caller and the case together.
function ordersPanel(orders) {
  if (!orders.length) return null;
  return h('section', { class: 'panel', id: 'case-orders' }, h('h2', {}, '12345 工单'),
    h('ul', { class: 'plain' }, orders.map((o) => h('li', {},
      h('a', { href: `#/workorders/${encodeURIComponent(o.number)}` }, o.number), ` ${o.typeName} · ${o.subject} · ${o.statusName}`,
      o.dueDate ? ` · 答复时限 ${o.dueDate}` : ''))));
}

const back = () => h('p', {}, h('a', { href: '#/review' }, '← 返回办件队列'));

function summary(app) {
  return facts([
    ['事项', app.matterName || app.matterCode],
    ['申请人', app.applicant?.name],
    ['证件号码', app.applicant?.idNumber],
    ['渠道', CHANNEL[app.channel] || app.channel],
    ['收件时间', when(app.submittedAt)],
    ['受理时间', when(app.acceptedAt)],
    ['计时起算', app.clockStart],
    ['承诺办结', app.dueDate],
    ['法定办结', app.legalDueDate],
    ['中止时间', when(app.suspendedAt)],
    ['表单版本', `第 ${app.formVersion} 版`],
  ]);
}

function warningsPanel(warnings) {
  if (!warnings?.length) return null;
  return h('section', { class: 'panel', id: 'warnings' }, h('h2', {}, '电子监察预警'),
    h('ul', { class: 'feed' }, warnings.map((w) => h('li', {}, levelBadge(w.level), ' ',
      WARNING_KIND[w.kind] || w.kind, w.subject ? `（${w.subject}）` : '', ` 到期 ${w.dueDate || ''}`,
      h('span', { class: 'muted' }, ` · ${LEVEL[w.level] || ''}于 ${when(w.raisedAt)}`)))));
}

function opinionsPanel(app) {
  if (!app.opinions?.length) return null;
  return h('section', { class: 'panel', id: 'opinions' }, h('h2', {}, '并联审批意见'),
    h('table', {},
      h('thead', {}, h('tr', {}, ['部门', '审查内容', '意见期限', '意见'].map((t) => h('th', {}, t)))),
      h('tbody', {}, app.opinions.map((o) => h('tr', {},
        h('td', {}, (o.departmentName || o.department).replace(/^新密市/, '')),
        h('td', {}, o.task || ''),
        h('td', {}, o.dueDate || ''),
        h('td', {}, h('strong', {}, o.opinion ? OPINION[o.opinion] || o.opinion : '待提出意见'),
          o.comment ? h('div', {}, o.comment) : null,
          o.decidedAt ? h('div', { class: 'muted' }, when(o.decidedAt)) : null))))));
}

/** A list item for a 容缺 or 告知承诺 entry: its known fields in Chinese, anything else as it is. */
function item(x) {
  if (typeof x !== 'object' || x === null) return h('li', {}, String(x));
  const known = { material: '材料', name: '名称', deadline: '补齐期限', suppliedAt: '补齐时间', commitment: '承诺内容' };
  return h('li', {}, Object.entries(x).map(([k, v]) => `${known[k] || k}：${k.endsWith('At') ? when(v) : v}`).join('；'));
}

function deficiencyPanel(d) {
  if (!d) return null;
  return h('section', { class: 'panel', id: 'deficiency' }, h('h2', {}, '容缺受理'),
    facts([['申请人承诺', d.commitment], ['状态', d.fulfilled ? '已全部补齐' : '尚未补齐']]),
    h('ul', {}, (d.items || []).map(item)));
}

function commitmentsPanel(c) {
  if (!c) return null;
  return h('section', { class: 'panel', id: 'commitments' }, h('h2', {}, '告知承诺'),
    facts([['核查期限', c.verificationDueDate], ['核查时间', when(c.verifiedAt)],
      ['核查结果', c.result === 'TRUE' ? '属实' : c.result === 'FALSE' ? '不实' : c.result]]),
    h('ul', {}, (c.items || []).map(item)));
}

/**
 * The case's data under its form's titles. Staff can read only the published form (GET /api/v1/matters/{code});
 * when the case was submitted on another version, titles come from the published one where the field still
 * exists, and the field's name is shown otherwise.
 */
function formData(app, matter) {
  const form = matter?.form;
  const note = form && form.version !== app.formVersion
    ? h('p', { class: 'muted' }, `本件按第 ${app.formVersion} 版表单提交，现行为第 ${form.version} 版：字段名称取自现行版本，现行版本中没有的字段显示字段代码。`)
    : null;
  const schema = form?.schema || {};
  const data = app.data || {};
  const steps = form?.uiSchema?.steps || [];
  if (!steps.length) return [note, value(schema, data)];
  // The form's own steps give the order people filled it in (stored schemas do not keep key order).
  const placed = new Set();
  const sections = steps.map((step) => {
    const keys = [...new Set((step.fields || []).map((f) => f.split('/')[1]))].filter((k) => k in data && !placed.has(k));
    keys.forEach((k) => placed.add(k));
    return keys.length ? [h('h3', {}, step.title || ''), value(schema, pick(data, keys))] : null;
  });
  const rest = Object.keys(data).filter((k) => !placed.has(k));
  return [note, sections, rest.length ? [h('h3', {}, '其他'), value(schema, pick(data, rest))] : null];
}

const pick = (data, keys) => Object.fromEntries(keys.map((k) => [k, data[k]]));

function value(schema, data) {
  if (Array.isArray(data)) {
    return h('ol', {}, data.map((x) => h('li', {}, value(schema.items || {}, x))));
  }
  if (data !== null && typeof data === 'object') {
    const props = schema.properties || {};
    const keys = Object.keys(data);
    return facts(keys.map((k) => [props[k]?.title || k, value(props[k] || {}, data[k])]));
  }
  const choice = (schema.oneOf || schema.anyOf || []).find((o) => o.const === data);
  if (choice?.title) return choice.title;
  if (typeof data === 'boolean') return data ? '是' : '否';
  return String(data ?? '');
}

function materialList(materials) {
  if (materials instanceof Error) return errorBox(materials);
  if (!materials?.length) return h('p', { class: 'muted' }, '本事项无申请材料。');
  return h('table', {},
    h('thead', {}, h('tr', {}, ['材料', '必要', '提供方式'].map((t) => h('th', {}, t)))),
    h('tbody', {}, materials.map((m) => h('tr', {},
      h('td', {}, m.name), h('td', {}, m.required ? '必要' : '非必要'), h('td', {}, satisfied(m))))));
}

function satisfied(m) {
  const s = m.satisfiedBy;
  if (!s) return h('span', { class: 'muted' }, m.licenceType ? `可由电子证照（${m.licenceType}）调取` : '未提供');
  if (s.licenceIdentifier) return `电子证照 ${s.licenceIdentifier}`;
  const file = s.material;
  if (!file) return s.kind;
  return h('button', { type: 'button', onclick: () => openContent(file) }, `查看 ${file.fileName || '材料'}`);
}

/** Material content needs the bearer token, so it is fetched and opened as a blob, not linked. */
async function openContent(file) {
  const blob = await api('GET', `/api/v1/materials/${encodeURIComponent(file.id)}/content`, { accept: '*/*' });
  window.open(URL.createObjectURL(blob), '_blank', 'noopener');
}

const DETAIL = {
  procedure: (v) => `特别程序：${PROCEDURE[v] || v}`, workingDays: (v) => `延长 ${v} 个工作日`,
  dueDate: (v) => `承诺办结 ${v}`, legalDueDate: (v) => `法定办结 ${v}`, opinion: (v) => `意见：${OPINION[v] || v}`,
  department: (v) => `部门：${v}`, suspendedWorkingDays: (v) => `中止 ${v} 个工作日`,
  departments: (v) => `超时未提意见的部门：${v.map((d) => d.departmentName || d.department || d).join('、')}`,
};

/** Staff by name; the platform, channels and applicants by what they are (the API names staff only). */
function who(step) {
  if (step.handlerName) return step.handlerName;
  if (step.handler === 'system:deadline-scanner') return '系统（时限扫描）';
  return step.handler?.startsWith('client:') ? '第三方渠道' : '申请人';
}

function timeline(steps) {
  if (!steps.length) return h('p', { class: 'muted' }, '暂无办理记录。');
  return h('ol', { class: 'timeline' }, steps.map((s) => h('li', {},
    h('strong', {}, s.stepName || s.action), ' ',
    h('span', { class: 'muted' }, `${when(s.endedAt || s.startedAt)} · ${who(s)}`),
    s.opinion ? h('div', {}, `意见：${s.opinion}`) : null,
    h('div', { class: 'muted' }, Object.entries(s.detail || {}).filter(([k]) => DETAIL[k]).map(([k, v]) => DETAIL[k](v)).join('；')))));
}
