// 双公示: the public listing of licensing and penalty decisions (GET /api/v1/disclosures), no sign-in.
import { get } from '/assets/js/api.js';
import { errorBox, facts, h, mount } from '/assets/js/dom.js';
import { navigation } from './common.js';

const PAGE = 20;
const KIND = { LICENSING: '行政许可', PENALTY: '行政处罚' };
const STATE = { IN_FORCE: '有效', REVOKED: '已撤销', CHANGED: '已变更' };
const form = document.getElementById('search');
const party = document.getElementById('party');
const creditCode = document.getElementById('credit-code');
const kind = document.getElementById('kind');
const department = document.getElementById('department');
const list = document.getElementById('disclosures');
const summary = document.getElementById('summary');
const problem = document.getElementById('problem');
const more = document.getElementById('more');
let cursor = null;
let shown = 0;

function card(d) {
  const penalty = d.kind === 'PENALTY';
  return h('li', { class: `panel disclosure ${d.status === 'IN_FORCE' ? '' : 'struck'}`, dataset: { id: d.id } },
    h('div', { class: 'disclosure-head' },
      h('span', { class: `badge kind-${d.kind}` }, KIND[d.kind]),
      h('span', { class: `badge state-${d.status}` }, STATE[d.status] || d.status),
      h('strong', {}, d.title)),
    facts([
      [penalty ? '决定书文号' : '许可证号', d.documentNumber],
      [penalty ? '当事人' : '持证人', d.partyName],
      ...(d.creditCode ? [['统一社会信用代码', d.creditCode]] : []),
      ...(penalty && d.content ? [['违法事实', d.content]] : []),
      ...(penalty && d.amount ? [['罚款金额', `${d.amount} 元`]] : []),
      [penalty ? '处罚依据' : '许可依据', d.basis || '—'],
      ['决定部门', d.departmentName || d.departmentCode || '—'],
      ['决定日期', d.decisionDate],
      ...(d.status !== 'IN_FORCE' ? [[d.status === 'REVOKED' ? '撤销原因' : '变更原因', d.statusReason || '—']] : []),
    ]));
}

async function load(first) {
  const params = new URLSearchParams({ limit: PAGE });
  if (party.value.trim()) params.set('party', party.value.trim());
  if (creditCode.value.trim()) params.set('creditCode', creditCode.value.trim());
  if (kind.value) params.set('kind', kind.value);
  if (department.value) params.set('departmentCode', department.value);
  if (!first && cursor) params.set('cursor', cursor);
  mount(problem);
  more.disabled = true;
  try {
    const page = await get(`/api/v1/disclosures?${params}`);
    if (first) {
      list.replaceChildren();
      shown = 0;
    }
    page.items.forEach((d) => list.append(card(d)));
    shown += page.items.length;
    cursor = page.nextCursor;
    more.hidden = !cursor;
    summary.textContent = shown === 0 ? '没有找到相关公示。' : `共显示 ${shown} 条${cursor ? '，还有更多' : ''}`;
  } catch (e) {
    mount(problem, errorBox(e));
  } finally {
    more.disabled = false;
  }
}

/** The department filter: the departments that have matters (one small read of the catalogue). */
async function departments() {
  const seen = new Map();
  let next = null;
  do {
    const page = await get(`/api/v1/matters?limit=100${next ? `&cursor=${encodeURIComponent(next)}` : ''}`);
    page.items.forEach((m) => seen.set(m.department.code, m.department.name));
    next = page.nextCursor;
  } while (next);
  [...seen].sort((a, b) => a[1].localeCompare(b[1], 'zh-CN'))
    .forEach(([code, name]) => department.append(h('option', { value: code }, name)));
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  load(true);
});
more.addEventListener('click', () => load(false));
navigation();
departments().catch((e) => mount(problem, errorBox(e)));
load(true);
