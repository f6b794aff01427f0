// 办事指南 (the public catalogue): search by words and department, pages by cursor ("加载更多").
import { get } from '/assets/js/api.js';
import { h, mount, errorBox } from '/assets/js/dom.js';
import { MATTER_TYPE, workingDays, stars, sameCityBadge, navigation } from './common.js';

const PAGE = 10;
const form = document.getElementById('search');
const q = document.getElementById('q');
const department = document.getElementById('department');
const list = document.getElementById('matters');
const more = document.getElementById('more');
const summary = document.getElementById('summary');
const problem = document.getElementById('problem');
let cursor = null;
let shown = 0;

function card(m) {
  return h('li', { class: 'matter' },
    h('a', { href: `/public/matter.html?code=${encodeURIComponent(m.code)}` }, m.name),
    h('div', { class: 'muted' }, m.department.name, ' · ', MATTER_TYPE[m.type] || m.type),
    h('div', { class: 'meta' },
      h('span', {}, `承诺 ${workingDays(m.promisedDays)}`),
      h('span', {}, `法定 ${workingDays(m.legalDays)}`),
      m.sameCity ? sameCityBadge() : null,
      stars(m.starLevel)));
}

async function load(first) {
  const params = new URLSearchParams({ limit: PAGE });
  if (q.value.trim()) params.set('q', q.value.trim());
  if (department.value) params.set('department', department.value);
  if (!first && cursor) params.set('cursor', cursor);
  mount(problem);
  more.disabled = true;
  try {
    const page = await get(`/api/v1/matters?${params}`);
    if (first) {
      list.replaceChildren();
      shown = 0;
    }
    page.items.forEach((m) => list.append(card(m)));
    shown += page.items.length;
    cursor = page.nextCursor;
    more.hidden = !cursor;
    summary.textContent = shown === 0 ? '没有找到相关事项，请换个关键词试试。'
      : `找到 ${shown} 项${cursor ? '，还有更多' : ''}`;
  } catch (e) {
    mount(problem, errorBox(e));
  } finally {
    more.disabled = false;
  }
}

/** The department filter: the departments that have matters (the catalogue is small: one read). */
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

function remember() {
  const params = new URLSearchParams();
  if (q.value.trim()) params.set('q', q.value.trim());
  if (department.value) params.set('department', department.value);
  history.replaceState(null, '', params.size ? `?${params}` : location.pathname);
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  remember();
  load(true);
});
department.addEventListener('change', () => form.requestSubmit());
more.addEventListener('click', () => load(false));

navigation();
const start = new URLSearchParams(location.search);
q.value = start.get('q') || '';
departments().then(() => { department.value = start.get('department') || ''; })
  .catch((e) => mount(problem, errorBox(e)))
  .finally(() => load(true));
