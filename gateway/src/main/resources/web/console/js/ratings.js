// 好差评: the window's pad (#/ratings/pad/<case number>, or #/ratings/visit/<hall>/<day>/<queue number> for a
// hall visit: the clerk turns the screen to the applicant, who taps a grade), the bad-review worklist
// (#/ratings): the department (a visit's: the hall's clerks) verifies, rectifies, calls back or appeals;
// supervisors decide appeals; and the figures per department, matter, hall, window or staff member.
import { get, post } from '/assets/js/api.js';
import { errorBox, facts, h, mount as fill, notice, when } from '/assets/js/dom.js';
import { figuresTable, GROUP_LABEL, ratingForm, ratingSummary } from '/assets/js/rating.js';

const STATUS = {
  RECORDED: '已评价', VERIFYING: '待核实', RECTIFYING: '整改中', CALLING_BACK: '待回访', CLOSED: '已办结',
  APPEALED: '申诉中', APPEAL_UPHELD: '申诉成立',
};
const DEPARTMENT_ROLES = ['REVIEWER', 'APPROVER', 'DEPARTMENT_ADMIN'];
const OUTCOME = { SATISFIED: '满意', UNSATISFIED: '不满意', UNREACHABLE: '未联系上' };
const WARNING = { REMINDER: '提醒', YELLOW: '黄牌', RED: '红牌' };
let status = 'open';

export async function mount(main, profile) {
  const [, , view, number, day, ticket] = location.hash.split('/');
  if (view === 'pad' && number) return showPad(main, decodeURIComponent(number));
  if (view === 'visit' && ticket) return showVisitPad(main, decodeURIComponent(number), day, decodeURIComponent(ticket));
  return showList(main, profile);
}

export function unmount() {
  document.body.classList.remove('pad-mode');
}

// ------------------------------------------------------------------------------------------ the pad

async function showPad(main, number) {
  document.body.classList.add('pad-mode');
  const back = h('button', { type: 'button', id: 'pad-close', class: 'pad-close',
    onclick: () => { location.hash = '#/ratings'; } }, '结束评价（工作人员）');
  const body = h('div', { class: 'pad-body' });
  fill(main, h('section', { class: 'pad-screen', id: 'pad' }, back, body));
  try {
    const c = await get(`/api/v1/applications/${encodeURIComponent(number)}`);
    const head = [h('h1', {}, '请您为本次服务评价'), h('p', { class: 'pad-case' }, `${c.matterName} · 办件编号 ${c.number}`)];
    if (c.rating) {
      fill(body, head, ratingSummary(c.rating));
      return;
    }
    fill(body, head, await ratingForm(number, (r) => fill(body, h('h1', {}, '感谢您的评价！'), ratingSummary(r)), { pad: true }));
    body.querySelector('input[name=grade]')?.focus();
  } catch (e) {
    fill(body, errorBox(e));
  }
}

/** The pad for a hall visit: the queue number just served at this window. */
async function showVisitPad(main, hall, day, ticket) {
  document.body.classList.add('pad-mode');
  const back = h('button', { type: 'button', id: 'pad-close', class: 'pad-close',
    onclick: () => { location.hash = '#/ratings'; } }, '结束评价（工作人员）');
  const body = h('div', { class: 'pad-body' });
  fill(main, h('section', { class: 'pad-screen', id: 'pad' }, back, body));
  const head = [h('h1', {}, '请您为本次窗口服务评价'), h('p', { class: 'pad-case' }, `排队号 ${ticket} · ${day}`)];
  const url = `/api/v1/halls/${encodeURIComponent(hall)}/visits/${day}/${encodeURIComponent(ticket)}/rating`;
  try {
    fill(body, head, await ratingForm(ticket, (r) => fill(body, h('h1', {}, '感谢您的评价！'), ratingSummary(r)),
      { pad: true, url }));
    body.querySelector('input[name=grade]')?.focus();
  } catch (e) {
    fill(body, errorBox(e));
  }
}

// ------------------------------------------------------------------------------------- the worklist

function showList(main, profile) {
  const handlesCases = DEPARTMENT_ROLES.some((r) => profile.roles.includes(r));
  const supervisor = profile.roles.includes('SUPERVISOR');
  const clerk = profile.roles.includes('CLERK');
  const body = h('tbody', {});
  const message = h('div', {});
  const detail = h('div', { id: 'rating-detail' });
  const more = h('button', { type: 'button', id: 'ratings-more', hidden: true }, '加载更多');
  let cursor = null;
  const loaded = new Map();
  const select = h('select', { id: 'ratings-status', onchange: () => { status = select.value; load(true); } },
    [['open', '待处理差评'], ['APPEALED', '申诉中'], ['bad', '全部差评'], ['', '全部评价']]
      .map(([v, t]) => h('option', { value: v, selected: v === status }, t)));

  async function load(fresh) {
    if (fresh) { body.replaceChildren(); cursor = null; }
    fill(message);
    const query = new URLSearchParams({ limit: '50' });
    if (status === 'open' || status === 'bad') query.set('bad', 'true');
    else if (status) query.set('status', status);
    if (cursor) query.set('cursor', cursor);
    try {
      const page = await get(`/api/v1/ratings?${query}`);
      const items = status === 'open' ? page.items.filter((r) => ['VERIFYING', 'RECTIFYING', 'CALLING_BACK', 'APPEALED'].includes(r.status))
        : page.items;
      for (const r of items) {
        loaded.set(r.id, r);
        body.append(row(r));
      }
      cursor = page.nextCursor;
      more.hidden = !cursor;
      if (!body.children.length) fill(message, h('p', { class: 'muted' }, '没有符合条件的评价。'));
    } catch (e) {
      fill(message, errorBox(e));
    }
  }
  more.addEventListener('click', () => load(false));

  function row(r) {
    const levels = (r.warnings || []).map((w) => w.level);
    const mark = levels.includes('RED') ? 'overdue' : levels.length ? 'near-due' : '';
    return h('tr', { class: `selectable ${mark}`, dataset: { id: r.id } },
      h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => open(r.id) }, subject(r))),
      h('td', {}, r.matterName || r.matterCode || '—'),
      h('td', {}, h('span', { class: `badge grade-${r.grade}` }, r.gradeName)),
      h('td', {}, (r.reasons || []).join('、')),
      h('td', {}, STATUS[r.status] || r.status),
      h('td', {}, due(r) || ''),
      h('td', {}, [...new Set(levels)].map((l) => h('span', { class: `badge warn-${l}` }, WARNING[l]))));
  }

  const open = (id) => showDetail(loaded.get(id));

  function showDetail(r, done) {
    fill(detail, h('section', { class: 'panel', id: 'rating-panel' },
      h('h2', {}, `${r.gradeName} · ${subject(r)}`),
      done ? notice(done) : null,
      facts([
        ['事项', r.matterName], [r.kind === 'VISIT' ? '责任大厅' : '责任部门', r.kind === 'VISIT' ? r.hallCode : r.departmentName],
        ['窗口', r.windowName], ['工作人员', r.staffName], ['评价渠道', SOURCE[r.source] || r.source],
        ['评价时间', when(r.ratedAt)], ['原因', (r.reasons || []).join('、')],
        ['评价意见', r.commentWithheld ? '（含个人信息，仅处理人员和监察人员可见）' : r.comment], ['状态', STATUS[r.status]],
        ['核实期限', r.verifyDue], ['核实情况', r.finding], ['整改期限', r.rectifyDue], ['整改措施', r.measures],
        ['按期整改', r.rectifiedOnTime === undefined ? null : r.rectifiedOnTime ? '是' : '否'],
        ['回访期限', r.callbackDue], ['回访结果', OUTCOME[r.callbackOutcome]], ['回访说明', r.callbackNote],
        ['申诉理由', r.appeal?.reason], ['申诉证据', r.appeal?.evidence?.join('；')],
        ['裁定', r.appeal?.decision ? `${r.appeal.decision === 'UPHOLD' ? '申诉成立' : '申诉不成立'}：${r.appeal.comment}` : null],
      ]),
      actions(r)));
    detail.querySelector('textarea, select, input')?.focus();
  }

  function actions(r) {
    const forms = [];
    // A visit's bad review is the hall's (its clerks); a case's, the department's.
    const department = r.kind === 'VISIT' ? clerk && profile.hallCode === r.hallCode : handlesCases;
    if (department && r.status === 'VERIFYING') {
      forms.push(actionForm(r, 'verify', '核实', [text('finding', '核实情况'), number('rectifyDays', '整改期限（工作日）', 5)]));
    }
    if (department && r.status === 'RECTIFYING') forms.push(actionForm(r, 'rectify', '整改', [text('measures', '整改措施')]));
    if (department && r.status === 'CALLING_BACK') {
      forms.push(actionForm(r, 'call-back', '回访', [choice('outcome', '回访结果', OUTCOME), text('note', '回访说明')]));
    }
    if (department && ['VERIFYING', 'RECTIFYING', 'CALLING_BACK'].includes(r.status) && !r.appeal) {
      forms.push(actionForm(r, 'appeal', '申诉', [text('reason', '申诉理由'), text('evidence', '申诉证据（每行一项）')]));
    }
    if (supervisor && r.status === 'APPEALED') {
      forms.push(actionForm(r, 'decide-appeal', '裁定申诉',
        [choice('decision', '裁定结果', { UPHOLD: '申诉成立（不计入统计）', REJECT: '申诉不成立' }), text('comment', '裁定意见')]));
    }
    return forms.length ? h('div', { class: 'grid' }, forms) : null;
  }

  function actionForm(r, action, title, fields) {
    const message = h('div', { 'aria-live': 'polite' });
    const form = h('form', { class: 'card', id: `form-${action}`, onsubmit: async (e) => {
      e.preventDefault();
      const body = { action };
      for (const el of form.elements) {
        if (!el.name || el.value === '') continue;
        body[el.name] = el.name === 'evidence' ? el.value.split('\n').map((x) => x.trim()).filter(Boolean)
          : el.type === 'number' ? Number(el.value) : el.value;
      }
      try {
        const after = await post(`/api/v1/ratings/${r.id}/actions`, body);
        showDetail(after, `已${title}。`);
        load(true);
      } catch (err) {
        fill(message, errorBox(err));
      }
    } }, h('h3', {}, title), fields, message, h('button', { type: 'submit', class: 'primary' }, `提交${title}`));
    return form;
  }

  const ids = (name) => `${name}-input`;
  const text = (name, label) => h('div', { class: 'field' }, h('label', { for: ids(name) }, label),
    h('textarea', { id: ids(name), name, rows: 2 }));
  const number = (name, label, value) => h('div', { class: 'field' }, h('label', { for: ids(name) }, label),
    h('input', { id: ids(name), name, type: 'number', min: 1, max: 60, value }));
  const choice = (name, label, options) => h('div', { class: 'field' }, h('label', { for: ids(name) }, label),
    h('select', { id: ids(name), name }, h('option', { value: '' }, '请选择'),
      Object.entries(options).map(([v, t]) => h('option', { value: v }, t))));

  const padNumber = h('input', { id: 'pad-number', inputmode: 'numeric', autocomplete: 'off' });
  const pad = clerk ? h('form', { class: 'panel toolbar', id: 'pad-open', onsubmit: (e) => {
    e.preventDefault();
    if (!padNumber.value.trim()) return;
    document.documentElement.requestFullscreen?.().catch(() => {});
    location.hash = `#/ratings/pad/${encodeURIComponent(padNumber.value.trim())}`;
  } }, h('div', {}, h('label', { for: 'pad-number' }, '评价器：办件编号'), padNumber),
  h('button', { type: 'submit', class: 'primary' }, '打开评价器'),
  h('p', { class: 'muted grow' }, '办结送达后，将屏幕转向办事群众，由其本人点选评价。')) : null;

  // A visit just served at this window: today's queue number (the hall's day as the server counts it).
  const ticketNumber = h('input', { id: 'pad-ticket', autocomplete: 'off', placeholder: '如 A001' });
  const visitMessage = h('div', { 'aria-live': 'polite' });
  const visitPad = clerk && profile.hallCode ? h('form', { class: 'panel toolbar', id: 'pad-visit', onsubmit: async (e) => {
    e.preventDefault();
    const ticket = ticketNumber.value.trim().toUpperCase();
    if (!ticket) return;
    try {
      const { day } = await get(`/api/v1/halls/${encodeURIComponent(profile.hallCode)}/queue`);
      document.documentElement.requestFullscreen?.().catch(() => {});
      location.hash = `#/ratings/visit/${encodeURIComponent(profile.hallCode)}/${day}/${encodeURIComponent(ticket)}`;
    } catch (err) {
      fill(visitMessage, errorBox(err));
    }
  } }, h('div', {}, h('label', { for: 'pad-ticket' }, '评价器：今日排队号'), ticketNumber),
  h('button', { type: 'submit', class: 'primary' }, '窗口服务评价'),
  h('p', { class: 'muted grow' }, '叫号办结后，请办事群众对本次窗口服务评价。'), visitMessage) : null;

  // Figures of this month: per window and staff member for supervisors and the hall's clerks.
  const figures = h('div', { id: 'rating-figures' });
  const groupBy = h('select', { id: 'figures-group', onchange: () => loadFigures() },
    ['window', 'staff', 'department', 'matter', 'hall'].map((g) => h('option', { value: g }, `按${GROUP_LABEL[g]}`)));
  async function loadFigures() {
    try {
      fill(figures, figuresTable(await get(`/api/v1/ratings/statistics?groupBy=${groupBy.value}`), 'rating-figures-table'));
    } catch (e) {
      fill(figures, errorBox(e));
    }
  }
  const figuresPanel = supervisor || clerk ? h('section', { class: 'panel', id: 'figures-panel' },
    h('div', { class: 'toolbar' }, h('h2', { class: 'grow' }, '评价统计（本月）'),
      h('div', {}, h('label', { for: 'figures-group' }, '统计维度'), groupBy)),
    figures) : null;

  fill(main,
    h('h1', {}, `好差评${profile.departmentName ? ` · ${profile.departmentName}` : ''}`),
    pad, visitPad,
    h('div', { class: 'toolbar' },
      h('div', {}, h('label', { for: 'ratings-status' }, '显示'), select),
      h('p', { class: 'muted grow' }, '差评须在期限内核实、整改并回访；红色为已超期（红牌），黄色为临近到期。')),
    h('table', { id: 'ratings', class: 'responsive' },
      h('thead', {}, h('tr', {}, ['办件 / 窗口服务', '事项', '评价', '原因', '状态', '当前期限', '预警'].map((t) => h('th', {}, t)))),
      body),
    message, more, detail, figuresPanel);
  if (figuresPanel) loadFigures();
  return load(true);
}

const SOURCE = {
  WEB: '网上', MINI_PROGRAM: '小程序', SMS: '短信', KIOSK: '自助终端', PAD: '窗口评价器', HOTLINE: '12345 热线',
  AGENT: '代办员代评', DEFAULT: '系统默认',
};

/** A case's number, or a hall visit's queue number and day. */
function subject(r) {
  return r.kind === 'VISIT' ? `窗口服务 ${r.visitNumber}（${r.visitDay}）` : r.number;
}

/** The limit of the step the review waits for. */
function due(r) {
  return { VERIFYING: r.verifyDue, RECTIFYING: r.rectifyDue, CALLING_BACK: r.callbackDue }[r.status];
}
