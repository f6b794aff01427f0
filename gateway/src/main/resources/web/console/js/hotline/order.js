// One 12345 work order: its facts, history and warnings, and the actions the signed-in role may take on it
// now (docs/hotline.md). Shared by the hotline page and the department's 工单 page. The page does not
// second-guess the API: whatever it refuses (403, 409, 422) is shown as it says it.
import { get, post } from '/assets/js/api.js';
import { errorBox, facts, h, mount as fill, notice, when } from '/assets/js/dom.js';

export const TYPE = { CONSULTATION: '咨询', HELP: '求助', COMPLAINT: '投诉', REPORT: '举报', SUGGESTION: '建议', PRAISE: '表扬' };
export const STATE = { ACCEPTED: '已受理', DISPATCHED: '已派单', SIGNED: '办理中', RETURNED: '已退单', REPLIED: '已答复', CLOSED: '已办结' };
export const SATISFACTION = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' };
const LEVEL = { REMINDER: '提醒', YELLOW: '黄牌', RED: '红牌' };
const KIND = { SIGN_DUE: '签收时限', REPLY_DUE: '办理时限' };
const ACTION = {
  accept: '受理', dispatch: '派单', 'sign-for': '签收', return: '退单', reply: '答复', close: '办结', 'call-back': '回访',
  urge: '督办', reopen: '重办', extend: '申请延期', 'approve-extension': '延期审批', 'hand-over': '移交',
};

export const stateBadge = (s) => h('span', { class: `badge wo-${s}` }, STATE[s] || s);

/** Badges for an order: overdue first, then its warnings, worst first. */
export function deadlineBadges(order) {
  const levels = (order.warnings || []).map((w) => w.level);
  return [order.overdue ? h('span', { class: 'badge warn-RED' }, '已超期') : null,
    ...['RED', 'YELLOW', 'REMINDER'].filter((l) => levels.includes(l) && !(l === 'RED' && order.overdue))
      .map((l) => h('span', { class: `badge warn-${l}` }, LEVEL[l]))];
}

let departments = null;
const departmentList = async () => { departments = departments || await get('/api/v1/work-orders/departments'); return departments; };

/** The actions the role may take in this status, each a small form of what the API needs. */
async function offered(order, profile) {
  const roles = profile.roles || [];
  const s = order.status;
  const list = [];
  const text = (name, label, required = true) => ({ name, label, kind: 'textarea', required });
  if (roles.includes('HOTLINE')) {
    if (['ACCEPTED', 'RETURNED'].includes(s)) {
      const options = Object.fromEntries((await departmentList()).map((d) => [d.code, d.name]));
      list.push({ action: 'dispatch', label: '派单', fields: [{ name: 'departmentCode', label: '承办部门', kind: 'select', options, required: true },
        { name: 'deadline', label: '办理时限（选填，默认按工单类型的工作日时限）', kind: 'date' }] });
    }
    if (['REPLIED', 'CLOSED'].includes(s) && order.satisfaction == null) {
      list.push({ action: 'call-back', label: '回访', fields: [{ name: 'satisfaction', label: '来电人满意度', kind: 'select', options: SATISFACTION, number: true, required: true },
        text('comment', '回访记录', false)] });
    }
    if (s === 'REPLIED') list.push({ action: 'close', label: '办结', fields: [text('comment', '办结说明', false)] });
    if (['REPLIED', 'CLOSED'].includes(s)) list.push({ action: 'reopen', label: '重办', fields: [text('reason', '重办理由')] });
    if (s !== 'CLOSED') {
      // 首问负责: the owner hands the order on (e.g. at the end of a shift); the API refuses anyone else.
      list.push({ action: 'hand-over', label: '移交', fields: [{ name: 'toUsername', label: '接手坐席账号', kind: 'line', required: true },
        text('reason', '移交原因')] });
    }
    if (order.extension?.status === 'PENDING') {
      list.push({ action: 'approve-extension', label: '延期审批', fields: [{ name: 'approved', label: `申请延期至 ${order.extension.deadline}：${order.extension.reason}`, kind: 'select', options: { true: '同意延期', false: '不同意' }, boolean: true, required: true }] });
    }
  }
  const department = ['REVIEWER', 'APPROVER', 'DEPARTMENT_ADMIN'].some((r) => roles.includes(r)) && order.departmentCode === profile.departmentCode;
  if (department) {
    if (s === 'DISPATCHED') list.push({ action: 'sign-for', label: '签收', fields: [] });
    if (s === 'SIGNED') list.push({ action: 'reply', label: '答复', fields: [text('text', '答复内容')] });
    if (['DISPATCHED', 'SIGNED'].includes(s)) {
      list.push({ action: 'return', label: '退单', fields: [text('reason', '退单理由（如不属本部门职责）')] });
      if (order.extension?.status !== 'PENDING') {
        list.push({ action: 'extend', label: '申请延期', fields: [{ name: 'deadline', label: '延期至', kind: 'date', required: true }, text('reason', '延期理由')] });
      }
    }
  }
  if (roles.includes('SUPERVISOR') && ['DISPATCHED', 'SIGNED'].includes(s)) {
    list.push({ action: 'urge', label: '督办', fields: [text('comment', '督办意见', false)] });
  }
  return list;
}

function input(id, f) {
  const attrs = { id, name: f.name, required: f.required || undefined };
  if (f.kind === 'textarea') return h('textarea', { ...attrs, maxlength: 1000 });
  if (f.kind === 'date') return h('input', { ...attrs, type: 'date' });
  if (f.kind === 'line') return h('input', { ...attrs, maxlength: 64, autocomplete: 'off' });
  return h('select', attrs, h('option', { value: '' }, '请选择'),
    Object.entries(f.options).sort(([a], [b]) => (f.number ? b - a : 0)).map(([v, t]) => h('option', { value: v }, t)));
}

function actionForm(order, a, done) {
  const message = h('div', { 'aria-live': 'polite' });
  const fields = a.fields.map((f) => ({ f, el: input(`wo-${a.action}-${f.name}`, f) }));
  return h('form', { class: 'panel wo-action', id: `wo-${a.action}`, onsubmit: async (e) => {
    e.preventDefault();
    const body = { action: a.action };
    for (const { f, el } of fields) {
      const v = el.value.trim();
      if (!v) continue;
      body[f.name] = f.number ? Number(v) : f.boolean ? v === 'true' : v;
    }
    try {
      const after = await post(`/api/v1/work-orders/${encodeURIComponent(order.number)}/actions`, body);
      done(after, `已${a.label}。`);
    } catch (err) {
      fill(message, errorBox(err));
    }
  } },
  h('h3', {}, a.label),
  fields.map(({ f, el }) => h('div', { class: 'field' }, h('label', { for: el.id, class: f.required ? 'required' : undefined }, f.label), el)),
  message,
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, `确认${a.label}`)));
}

/** Renders the order into {@code root}; {@code back} is the queue's hash. */
export async function showOrder(root, profile, number, back, flash) {
  let order;
  try {
    order = await get(`/api/v1/work-orders/${encodeURIComponent(number)}`);
  } catch (err) {
    fill(root, h('p', {}, h('a', { href: back }, '← 返回队列')), errorBox(err));
    return;
  }
  render(root, profile, order, back, flash);
}

async function render(root, profile, order, back, flash) {
  const c = order.caller || {};
  const actions = await offered(order, profile);
  const redraw = (after, text) => render(root, profile, after, back, text);
  fill(root,
    h('p', {}, h('a', { href: back }, '← 返回队列')),
    h('h1', { id: 'order-title' }, `工单 ${order.number} · ${TYPE[order.type] || order.type} · `, stateBadge(order.status), ' ', deadlineBadges(order)),
    h('div', { id: 'order-message', 'aria-live': 'polite' }, flash ? notice(flash) : null),
    h('div', { class: 'columns wo-columns' },
      h('section', { class: 'panel', id: 'order-facts' },
        h('h2', {}, '工单信息'),
        facts([['标题', order.subject], ['诉求内容', order.content], ['来电人', c.name], ['来电号码', c.phone],
          ['身份证号码', c.idNumber], ['事发网点', order.placeHallName], ['关联事项', order.matterCode], ['关联办件', order.caseNumber],
          ['首问负责人', order.owner?.name], ['承办部门', order.departmentName], ['签收时限', order.signDueDate],
          ['办理时限', order.dueDate], ['退单理由', order.returnReason], ['答复', order.reply],
          ['满意度', order.satisfaction ? SATISFACTION[order.satisfaction] : null], ['督办次数', order.urges || null],
          ['受理时间', when(order.createdAt)]])),
      h('section', {},
        h('div', { id: 'order-actions' }, actions.length ? actions.map((a) => actionForm(order, a, redraw))
          : h('p', { class: 'muted panel' }, '当前没有您可以办理的操作。')),
        h('section', { class: 'panel' }, h('h2', {}, '流转记录'),
          h('ol', { class: 'timeline', id: 'order-history' }, (order.history || []).map((s) => h('li', {},
            h('strong', {}, ACTION[s.action] || s.action), ` · ${when(s.at)} · ${s.actorName || ''}`,
            s.departmentName ? ` · ${s.departmentName}` : '', s.comment ? h('div', { class: 'muted' }, s.comment) : null)))),
        (order.warnings || []).length ? h('section', { class: 'panel' }, h('h2', {}, '预警'),
          h('ul', {}, order.warnings.map((w) => h('li', {}, `${LEVEL[w.level]} · ${KIND[w.kind]} ${w.dueDate}`)))) : null)));
  root.querySelector('#order-actions select, #order-actions textarea, #order-actions input')?.focus();
}

/** A queue table of orders; a click opens one under {@code base}. */
export function queueTable(id, orders, base) {
  return h('table', { id, class: 'responsive' },
    h('thead', {}, h('tr', {}, ['工单编号', '类型', '标题', '来电人', '状态', '承办部门', '办理时限', '预警'].map((t) => h('th', {}, t)))),
    h('tbody', {}, orders.map((o) => h('tr', { class: `selectable${o.overdue ? ' overdue' : ''}`, onclick: () => { location.hash = `${base}/${o.number}`; } },
      h('td', {}, h('a', { href: `${base}/${o.number}` }, o.number)),
      h('td', {}, TYPE[o.type] || o.type), h('td', {}, o.subject), h('td', {}, `${o.caller?.name || ''} ${o.caller?.phone || ''}`),
      h('td', {}, stateBadge(o.status)), h('td', {}, o.departmentName || ''), h('td', {}, o.dueDate || ''),
      h('td', {}, deadlineBadges(o))))));
}

const percent = (rate) => (rate === null || rate === undefined ? '—' : `${Math.round(rate * 1000) / 10}%`);

/**
 * 工单统计: volume by type and department, on-time replies and the callers' satisfaction for a period (this
 * month by default); for the hotline and supervisors (the API refuses anyone else).
 */
export function statisticsPanel() {
  const out = h('div', { id: 'wo-stats-result', 'aria-live': 'polite' });
  // The first load takes the server's default period (this month to today, Beijing time) and shows it.
  const from = h('input', { id: 'wo-stats-from', type: 'date', required: true });
  const to = h('input', { id: 'wo-stats-to', type: 'date', required: true });
  const load = async () => {
    try {
      const s = await get(`/api/v1/work-orders/statistics${from.value ? `?from=${from.value}&to=${to.value}` : ''}`);
      from.value = s.from;
      to.value = s.to;
      fill(out, facts([['工单总量', `${s.total} 件`], ['按时答复率', `${percent(s.onTime.rate)}（${s.onTime.repliedOnTime}/${s.onTime.replied}）`],
        ['回访满意率', `${percent(s.satisfaction.satisfiedRate)}（已回访 ${s.satisfaction.rated} 件，平均 ${s.satisfaction.average ?? '—'} 分）`],
        ['按类型', s.byType.map((t) => `${t.typeName} ${t.count}`).join('、') || '—']]),
      s.byDepartment.length === 0 ? null : h('table', { id: 'wo-stats-departments', class: 'responsive' },
        h('thead', {}, h('tr', {}, ['承办部门', '派单', '已答复', '按时答复', '按时率', '超期未答复'].map((t) => h('th', {}, t)))),
        h('tbody', {}, s.byDepartment.map((d) => h('tr', {}, h('td', {}, d.departmentName), h('td', {}, d.count),
          h('td', {}, d.replied), h('td', {}, d.repliedOnTime), h('td', {}, percent(d.onTimeRate)), h('td', {}, d.overdue))))));
    } catch (e) {
      fill(out, errorBox(e));
    }
  };
  const form = h('form', { class: 'panel', id: 'wo-stats', onsubmit: (e) => { e.preventDefault(); load(); } },
    h('h2', {}, '工单统计'),
    h('div', { class: 'toolbar' }, h('div', {}, h('label', { for: 'wo-stats-from' }, '受理日期自'), from),
      h('div', {}, h('label', { for: 'wo-stats-to' }, '至'), to), h('button', { type: 'submit' }, '统计')),
    out);
  load();
  return form;
}
