// 好差评公示: the public figures per department or matter (GET /api/v1/ratings/statistics), no sign-in.
import { get } from '/assets/js/api.js';
import { errorBox, h, mount, today } from '/assets/js/dom.js';
import { navigation } from './common.js';

const form = document.getElementById('figures-form');
const groupBy = document.getElementById('group-by');
const from = document.getElementById('from');
const to = document.getElementById('to');
const out = document.getElementById('figures');

const percent = (rate) => (rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`);

function table(stats) {
  const rows = [...stats.groups, { ...stats.total, name: '合计', code: 'total' }];
  return h('div', { class: 'panel' },
    h('p', { class: 'muted' }, `统计期间：${stats.from} 至 ${stats.to}`),
    h('div', { class: 'table-scroll' }, h('table', { class: 'figures', id: 'figures-table' },
      h('thead', {}, h('tr', {}, [groupBy.value === 'matter' ? '事项' : '部门', '评价数', '满意率', '差评率', '整改率', '按期整改率']
        .map((t) => h('th', {}, t)))),
      h('tbody', {}, rows.map((g) => h('tr', { dataset: { code: g.code || '' } },
        h('td', {}, g.name || g.code || '（未注明）'), h('td', { class: 'rate' }, g.ratings),
        h('td', { class: 'rate' }, percent(g.satisfactionRate)), h('td', { class: 'rate' }, percent(g.badRate)),
        h('td', { class: 'rate' }, percent(g.rectificationRate)),
        h('td', { class: 'rate' }, percent(g.onTimeRectificationRate))))))),
    h('p', { class: 'muted' }, '满意率＝“基本满意”及以上评价数÷评价数；整改率＝已整改差评数÷差评数；按期整改率＝按期整改数÷已整改数。'));
}

async function load() {
  const query = new URLSearchParams({ groupBy: groupBy.value });
  if (from.value) query.set('from', from.value);
  if (to.value) query.set('to', to.value);
  try {
    const stats = await get(`/api/v1/ratings/statistics?${query}`);
    mount(out, stats.total.ratings ? table(stats) : h('p', { class: 'panel muted' }, '该期间暂无评价。'));
  } catch (e) {
    mount(out, errorBox(e));
  }
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  load();
});
navigation();
to.value = today();
from.value = `${today().slice(0, 4)}-01-01`;
load();
