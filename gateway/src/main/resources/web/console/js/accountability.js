// 预警与问责 (电子监察): warned cases, work orders and rectifications with their filters; the timeliness of decided
// cases; and the accountability of red cards — the officer or the department head explains, the supervisor
// closes with a finding.
import { get, post } from '/assets/js/api.js';
import { errorBox, facts, h, mount as fill, notice, statusBadge, when } from '/assets/js/dom.js';
import { LEVEL, WARNING_KIND, levelBadge } from './review/labels.js';

const SOURCE = { CASE: '办件', WORK_ORDER: '12345 工单', RECTIFICATION: '差评整改' };
const KIND = {
  ...WARNING_KIND, CLOCK_RESTART: '撤回后重新申报（重启时限）', FEE_NOT_LISTED: '收费不在收费目录内', SIGN_DUE: '工单签收时限', REPLY_DUE: '工单答复时限',
  VERIFY_DUE: '差评核实时限', RECTIFY_DUE: '差评整改时限', CALLBACK_DUE: '差评回访时限',
};
const STATE = { OPEN: '待说明', EXPLAINED: '已说明', CLOSED: '已办结' };
const FINDING = { JUSTIFIED: '理由成立（不予问责）', WARNED: '提醒告诫', REPORTED: '移送追责' };
const GROUP = { department: '部门', hall: '大厅', matter: '事项', officer: '经办人' };
const percent = (r) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`);
const num = (x) => (x === null || x === undefined ? '—' : String(x));

export async function mount(main, profile) {
  const supervisor = profile.roles.includes('SUPERVISOR');
  const oversight = supervisor || profile.roles.includes('ADMIN');
  const departmentStaff = ['REVIEWER', 'APPROVER', 'DEPARTMENT_ADMIN'].some((r) => profile.roles.includes(r));
  const warnedBody = h('tbody', {});
  const warnedMessage = h('div', { 'aria-live': 'polite' });
  const warnedMore = h('button', { type: 'button', id: 'warned-more', hidden: true }, '加载更多');
  const timeliness = h('div', { id: 'timeliness' });
  const accBody = h('tbody', {});
  const accMessage = h('div', { 'aria-live': 'polite' });
  const detail = h('div', { id: 'accountability-detail' });
  let cursor = null;
  const loaded = new Map();

  const field = (id, label, control) => h('div', { class: 'field' }, h('label', { for: id }, label), control);
  const select = (id, options) => h('select', { id, name: id }, Object.entries(options).map(([v, t]) => h('option', { value: v }, t)));
  const level = select('filter-level', { '': '全部', RED: '红牌', YELLOW: '黄牌', REMINDER: '提醒' });
  const source = select('filter-source', { '': '全部', ...SOURCE });
  const department = select('filter-department', { '': '全部部门' });
  const officer = h('input', { id: 'filter-officer', autocomplete: 'off', placeholder: '登录名' });
  const from = h('input', { id: 'filter-from', type: 'date' });
  const to = h('input', { id: 'filter-to', type: 'date' });
  const overdue = select('filter-overdue', { '': '全部', true: '仍在办且已超期', false: '未超期或已办结' });
  const filters = h('form', { class: 'toolbar filters', id: 'warned-filters', onsubmit: (e) => { e.preventDefault(); loadWarned(true); } },
    field('filter-level', '预警级别', level), field('filter-source', '来源', source),
    oversight ? field('filter-department', '部门', department) : null,
    field('filter-officer', '经办人', officer), field('filter-from', '预警日期自', from), field('filter-to', '至', to),
    field('filter-overdue', '超期', overdue), h('button', { type: 'submit', class: 'primary' }, '查询'));

  async function loadWarned(fresh) {
    if (fresh) { warnedBody.replaceChildren(); cursor = null; }
    fill(warnedMessage);
    const q = new URLSearchParams({ limit: '50' });
    [['level', level], ['source', source], ['department', department], ['officer', officer], ['from', from], ['to', to],
      ['overdue', overdue]].forEach(([name, el]) => { if (el.value.trim()) q.set(name, el.value.trim()); });
    if (cursor) q.set('cursor', cursor);
    try {
      const page = await get(`/api/v1/supervision/cases?${q}`);
      page.items.forEach((i) => warnedBody.append(warnedRow(i)));
      cursor = page.nextCursor;
      warnedMore.hidden = !cursor;
      if (!warnedBody.children.length) fill(warnedMessage, h('p', { class: 'muted' }, '没有符合条件的预警。'));
    } catch (e) {
      fill(warnedMessage, errorBox(e));
    }
  }
  warnedMore.addEventListener('click', () => loadWarned(false));

  function warnedRow(i) {
    const kinds = [...new Set(i.warnings.map((w) => KIND[w.kind] || w.kind))].join('、');
    const due = i.warnings.filter((w) => w.kind !== 'CLOCK_RESTART').map((w) => w.dueDate).sort().pop();
    return h('tr', { class: i.overdue ? 'overdue' : i.level === 'RED' ? '' : 'near-due', dataset: { number: i.number } },
      h('td', {}, SOURCE[i.source]), h('td', {}, i.number), h('td', {}, i.matterName || i.matterCode || '—'),
      h('td', {}, i.departmentName || i.departmentCode || '—'), h('td', {}, i.officerName || i.officer || '—'),
      h('td', {}, i.source === 'CASE' ? statusBadge(i.status) : i.status),
      h('td', {}, levelBadge(i.level), ' ', kinds), h('td', {}, due || '—'),
      h('td', {}, i.overdue ? h('strong', {}, '超期') : '—'));
  }

  const groupBy = select('timeliness-group', GROUP);
  groupBy.addEventListener('change', () => loadTimeliness());
  async function loadTimeliness() {
    try {
      const t = await get(`/api/v1/supervision/timeliness?groupBy=${groupBy.value}`);
      const row = (g, name) => h('tr', {}, h('td', {}, name), h('td', {}, num(g.decided)), h('td', {}, percent(g.onTimeRate)),
        h('td', {}, num(g.averageWorkingDays)), h('td', {}, num(g.p90WorkingDays)), h('td', {}, num(g.averagePromisedDays)),
        h('td', {}, num(g.early)), h('td', {}, num(g.extended)), h('td', {}, num(g.suspended)), h('td', {}, num(g.deemedConsents)));
      fill(timeliness, h('p', { class: 'muted' }, `${t.from} 至 ${t.to} 办结（准予或不予）的办件；用时按工作日计，不含中止（特别程序）时间。`),
        h('table', { id: 'timeliness-table', class: 'responsive' },
          h('thead', {}, h('tr', {}, [GROUP[t.groupBy], '办结', '按期率', '平均用时', '90% 用时', '承诺时限', '提前办结', '延期', '中止', '超时默认']
            .map((x) => h('th', {}, x)))),
          h('tbody', {}, t.groups.map((g) => row(g, g.name || g.code || '（无）')), row(t.total, '合计'))));
    } catch (e) {
      fill(timeliness, errorBox(e));
    }
  }

  const accStatus = select('accountability-status', { OPEN: '待说明', EXPLAINED: '已说明（待结论）', CLOSED: '已办结', '': '全部' });
  accStatus.addEventListener('change', () => loadAccountability());
  async function loadAccountability() {
    fill(accMessage);
    accBody.replaceChildren();
    const q = new URLSearchParams({ limit: '100' });
    if (accStatus.value) q.set('status', accStatus.value);
    try {
      const page = await get(`/api/v1/supervision/accountability?${q}`);
      page.items.forEach((c) => { loaded.set(c.id, c); accBody.append(accountabilityRow(c)); });
      if (!page.items.length) fill(accMessage, h('p', { class: 'muted' }, '没有符合条件的问责记录。'));
    } catch (e) {
      fill(accMessage, errorBox(e));
    }
  }

  function accountabilityRow(c) {
    return h('tr', { class: `selectable ${c.overdueLevel === 'RED' ? 'overdue' : c.overdueLevel ? 'near-due' : ''}`, dataset: { id: c.id } },
      h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => showDetail(loaded.get(c.id)) }, c.number)),
      h('td', {}, c.matterName || c.matterCode), h('td', {}, c.departmentName || c.departmentCode),
      h('td', {}, c.officerName || '—'), h('td', {}, `${KIND[c.warning.kind] || c.warning.kind} 到期 ${c.warning.dueDate}`),
      h('td', {}, c.explainDueDate, c.overdueLevel ? [' ', levelBadge(c.overdueLevel)] : null),
      h('td', {}, STATE[c.status]));
  }

  function showDetail(c, done) {
    fill(detail, h('section', { class: 'panel', id: 'accountability-panel' },
      h('h2', {}, `问责 · 办件 ${c.number}`),
      done ? notice(done) : null,
      facts([
        ['事项', c.matterName], ['责任部门', c.departmentName], ['经办人', c.officerName],
        ['红牌', `${KIND[c.warning.kind] || c.warning.kind}，${c.warning.dueDate} 到期，${when(c.warning.raisedAt)} 亮牌`],
        ['说明期限', `${c.explainDueDate}${c.overdueLevel ? `（${LEVEL[c.overdueLevel]}）` : ''}`], ['状态', STATE[c.status]],
        ['情况说明', c.explanation], ['说明人', c.explainedByName], ['说明时间', c.explainedAt ? when(c.explainedAt) : null],
        ['结论', c.finding ? FINDING[c.finding] : null], ['结论意见', c.findingNote], ['办结时间', c.closedAt ? when(c.closedAt) : null],
      ]),
      h('div', { class: 'grid' }, c.status === 'OPEN' && !oversight ? explainForm(c) : null,
        supervisor && c.status !== 'CLOSED' ? closeForm(c) : null)));
    detail.querySelector('textarea, select')?.focus();
  }

  function form(id, title, fields, submit) {
    const message = h('div', { 'aria-live': 'polite' });
    const f = h('form', { class: 'card', id, onsubmit: async (e) => {
      e.preventDefault();
      try {
        await submit(f, message);
      } catch (err) {
        fill(message, errorBox(err));
      }
    } }, h('h3', {}, title), fields, message, h('button', { type: 'submit', class: 'primary' }, `提交${title}`));
    return f;
  }

  const explainForm = (c) => form('form-explain', '情况说明', [
    field('explanation-input', '未按期办结的原因和整改措施', h('textarea', { id: 'explanation-input', name: 'explanation', rows: 3 })),
  ], async (f) => {
    const after = await post(`/api/v1/supervision/accountability/${c.id}/explanation`, { explanation: f.elements.explanation.value });
    loaded.set(after.id, after);
    showDetail(after, '情况说明已提交，等待监察结论。');
    loadAccountability();
  });

  const closeForm = (c) => form('form-finding', '问责结论', [
    field('finding-input', '结论', h('select', { id: 'finding-input', name: 'finding' }, h('option', { value: '' }, '请选择'),
      Object.entries(FINDING).map(([v, t]) => h('option', { value: v }, t)))),
    field('note-input', '结论意见（理由成立时可不填）', h('textarea', { id: 'note-input', name: 'note', rows: 2 })),
  ], async (f) => {
    const body = { finding: f.elements.finding.value };
    if (f.elements.note.value.trim()) body.note = f.elements.note.value.trim();
    const after = await post(`/api/v1/supervision/accountability/${c.id}/finding`, body);
    loaded.set(after.id, after);
    showDetail(after, `问责已办结：${FINDING[after.finding]}。`);
    loadAccountability();
  });

  fill(main,
    h('h1', {}, `预警与问责${profile.departmentName && !oversight ? ` · ${profile.departmentName}` : ''}`),
    h('section', { class: 'panel', id: 'accountability-section' }, h('h2', {}, '问责'),
      h('div', { class: 'toolbar' }, field('accountability-status', '显示', accStatus),
        h('p', { class: 'muted grow' }, '每张红牌生成一条问责记录，由经办人或部门负责人（本部门审批人）限期说明，监察人员作出结论。')),
      h('table', { id: 'accountability', class: 'responsive' },
        h('thead', {}, h('tr', {}, ['办件编号', '事项', '部门', '经办人', '红牌', '说明期限', '状态'].map((t) => h('th', {}, t)))),
        accBody),
      accMessage, detail),
    h('section', { class: 'panel' }, h('h2', {}, '预警办件'), filters,
      h('table', { id: 'warned', class: 'responsive' },
        h('thead', {}, h('tr', {}, ['来源', '编号', '事项', '部门', '经办人', '状态', '预警', '时限', '超期'].map((t) => h('th', {}, t)))),
        warnedBody),
      warnedMessage, warnedMore),
    oversight || departmentStaff ? h('section', { class: 'panel' }, h('h2', {}, '时效统计（本月）'),
      h('div', { class: 'toolbar' }, field('timeliness-group', '按', groupBy)), timeliness) : null);

  if (oversight) {
    get('/api/v1/supervision/departments').then((s) => s.departments.forEach((d) =>
      department.append(h('option', { value: d.code }, d.name || d.code)))).catch(() => {});
  }
  await Promise.all([loadAccountability(), loadWarned(true), oversight || departmentStaff ? loadTimeliness() : null]);
}
