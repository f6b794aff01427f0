// 审批: the department's work queue (#/review) and one case (#/review/<number>), for reviewers and approvers.
import { get } from '/assets/js/api.js';
import { STATUS, errorBox, h, mount as fill, statusBadge, when } from '/assets/js/dom.js';
import { showCase } from './review/case.js';
import { warningBadges } from './review/labels.js';

const FILTERS = ['', 'ACCEPTED', 'IN_REVIEW', 'SUSPENDED', 'CORRECTION_REQUESTED', 'APPROVED', 'DENIED', 'DELIVERED'];
let status = '';

export async function mount(main, profile) {
  const number = decodeURIComponent(location.hash.split('/')[2] || '');
  if (number) return showCase(main, profile, number);
  return showQueue(main, profile);
}

/** A case's worst warning decides how its row is marked: red → overdue, yellow or reminder → near due. */
function rowClass(app) {
  const levels = (app.warnings || []).map((w) => w.level);
  if (levels.includes('RED')) return 'overdue';
  if (levels.includes('YELLOW') || levels.includes('REMINDER')) return 'near-due';
  return '';
}

function showQueue(main, profile) {
  const body = h('tbody', {});
  const message = h('div', {});
  const more = h('button', { type: 'button', id: 'queue-more', hidden: true }, '加载更多');
  let cursor = null;

  const select = h('select', { id: 'queue-status', onchange: () => { status = select.value; load(true); } },
    FILTERS.map((s) => h('option', { value: s, selected: s === status }, s ? STATUS[s] : '全部')));

  async function load(fresh) {
    if (fresh) { body.replaceChildren(); cursor = null; }
    fill(message);
    const query = new URLSearchParams({ limit: '50' });
    if (status) query.set('status', status);
    if (cursor) query.set('cursor', cursor);
    try {
      const page = await get(`/api/v1/application-summaries?${query}`);
      for (const app of page.items) body.append(row(app));
      cursor = page.nextCursor;
      more.hidden = !cursor;
      if (!body.children.length) fill(message, h('p', { class: 'muted' }, '没有符合条件的办件。'));
    } catch (e) {
      fill(message, errorBox(e));
    }
  }
  more.addEventListener('click', () => load(false));

  function row(app) {
    const open = () => { location.hash = `#/review/${encodeURIComponent(app.number)}`; };
    return h('tr', { class: `selectable ${rowClass(app)}`, onclick: open },
      h('td', {}, h('a', { href: `#/review/${encodeURIComponent(app.number)}` }, app.number)),
      h('td', {}, app.matterName || app.matterCode),
      h('td', {}, app.applicant?.name || ''),
      h('td', {}, statusBadge(app.status)),
      h('td', {}, when(app.submittedAt)),
      h('td', {}, app.dueDate || ''),
      h('td', {}, warningBadges(app.warnings)));
  }

  fill(main,
    h('h1', {}, `审批 · ${profile.departmentName || ''}办件队列`),
    h('div', { class: 'toolbar' },
      h('div', {}, h('label', { for: 'queue-status' }, '状态'), select),
      h('p', { class: 'muted grow' }, '左侧红色标记为已超期（红牌），黄色标记为临近到期（提醒、黄牌）。点击办件编号办理。')),
    h('table', { id: 'queue', class: 'responsive' },
      h('thead', {}, h('tr', {}, ['办件编号', '事项', '申请人', '状态', '收件时间', '承诺办结', '预警'].map((t) => h('th', {}, t)))),
      body),
    message, more);
  return load(true);
}
