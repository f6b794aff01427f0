// 好差评公示: the public figures per department or matter (GET /api/v1/ratings/statistics), no sign-in.
import { get } from '/assets/js/api.js';
import { errorBox, h, mount, today } from '/assets/js/dom.js';
import { figuresTable } from '/assets/js/rating.js';
import { navigation } from './common.js';

const form = document.getElementById('figures-form');
const groupBy = document.getElementById('group-by');
const from = document.getElementById('from');
const to = document.getElementById('to');
const out = document.getElementById('figures');

function table(stats) {
  return h('div', { class: 'panel' },
    h('p', { class: 'muted' }, `统计期间：${stats.from} 至 ${stats.to}`),
    figuresTable(stats),
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
