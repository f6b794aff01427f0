// 办件清单: the hall's cases, newest first, near-due and overdue rows marked in words as well as colour.
import { get } from '/assets/js/api.js';
import { errorBox, h, mount, STATUS, statusBadge, today, when } from '/assets/js/dom.js';

const OPEN = ['SUBMITTED', 'CORRECTION_REQUESTED', 'ACCEPTED', 'IN_REVIEW', 'SUSPENDED'];

/**
 * The last day that counts as "due within two working days": two working days after today by the platform's
 * official calendar (holidays and 调休 make-up days), asked of the public calendar API once per list load.
 */
async function nearDueCutoff() {
  // Without it only the warnings mark rows near due; the list itself still loads.
  return get(`/api/v1/calendar/due-date?from=${today()}&workingDays=2`).then((d) => d.dueDate, () => null);
}

/** How pressing a case is: 'overdue', 'near-due' or null, from its due date, its warnings and the cutoff. */
export function urgency(c, cutoff) {
  if (!OPEN.includes(c.status)) return null;
  const levels = (c.warnings || []).map((w) => w.level);
  const due = c.dueDate || c.noticeDueDate;
  if (levels.includes('RED') || (due && due < today())) return 'overdue';
  if (levels.includes('YELLOW') || levels.includes('REMINDER') || (due && cutoff && due <= cutoff)) return 'near-due';
  return null;
}

/** The work list; `open(number)` opens a case. */
export async function workList(root, open) {
  const status = h('select', { id: 'list-status' }, h('option', { value: '' }, '全部状态'),
    Object.entries(STATUS).map(([k, v]) => h('option', { value: k }, v)));
  const body = h('tbody');
  const more = h('button', { type: 'button', id: 'list-more', hidden: true }, '加载更多');
  let cursor = null;
  let cutoff = null;

  async function load(reset) {
    try {
      if (reset) cutoff = await nearDueCutoff();
      const params = new URLSearchParams({ limit: '50' });
      if (status.value) params.set('status', status.value);
      if (!reset && cursor) params.set('cursor', cursor);
      const page = await get(`/api/v1/application-summaries?${params}`);
      if (reset) body.replaceChildren();
      for (const c of page.items) {
        const u = urgency(c, cutoff);
        const row = h('tr', { class: ['selectable', u].filter(Boolean).join(' '), tabindex: 0, dataset: { number: c.number },
          onclick: () => open(c.number), onkeydown: (e) => { if (e.key === 'Enter') open(c.number); } },
        h('td', {}, c.number, u ? h('span', { class: `badge ${u === 'overdue' ? 'warn-RED' : 'warn-YELLOW'}` }, u === 'overdue' ? '已超期' : '临近到期') : null),
        h('td', {}, c.matterName), h('td', {}, c.applicant?.name || ''), h('td', {}, statusBadge(c.status)),
        h('td', {}, when(c.submittedAt)), h('td', {}, c.dueDate || (c.status === 'SUBMITTED' ? `受理告知 ${c.noticeDueDate || ''}` : '')));
        body.append(row);
      }
      if (reset && !page.items.length) body.append(h('tr', {}, h('td', { colspan: 6, class: 'muted' }, '没有办件。')));
      cursor = page.nextCursor;
      more.hidden = !cursor;
    } catch (err) {
      mount(body, h('tr', {}, h('td', { colspan: 6 }, errorBox(err))));
    }
  }
  status.addEventListener('change', () => load(true));
  more.addEventListener('click', () => load(false));
  mount(root, h('section', { class: 'panel' }, h('h2', {}, '本厅办件'),
    h('div', { class: 'toolbar noprint' }, h('label', { for: 'list-status' }, '状态'), status),
    h('table', { id: 'work-list' }, h('thead', {}, h('tr', {}, ['办件编号', '事项', '申请人', '状态', '提交时间', '办结期限'].map((t) => h('th', {}, t)))), body),
    more));
  await load(true);
  body.querySelector('tr.selectable')?.focus();
}
