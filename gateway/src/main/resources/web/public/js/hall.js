// 大厅公示 (六统一): a hall's name, its opening hours, each window's sign, hours and matters, and who is on duty
// today — what the hall publishes about itself (GET /api/v1/halls/{code}/guide, public).
import { get } from '/assets/js/api.js';
import { h, mount, errorBox } from '/assets/js/dom.js';
import { navigation } from './common.js';

const main = document.getElementById('main');
const KIND = { REGULAR: '', NOON: '午间不间断服务', EVENING: '延时服务' };
const DAY = { WORKDAY: '工作日（含调休上班日）', SATURDAY: '周六' };
const LEVEL = { CITY: '市级政务服务中心', TOWNSHIP: '镇（街道）便民服务中心', VILLAGE: '村（社区）便民服务站' };
const TODAY = { WORKDAY: '今天是工作日', SATURDAY: '今天是周六', CLOSED: '今天不办公（周日或法定节假日，可在预约办事页申请节假日订制服务）' };

const hoursList = (hours) => h('dl', { class: 'facts hours' }, Object.entries(DAY).flatMap(([k, label]) => [
  h('dt', {}, label),
  h('dd', {}, (hours[k] || []).length ? (hours[k] || []).map((p) => h('span', { class: 'period' }, `${p.from}–${p.to}`,
    KIND[p.kind] ? h('span', { class: 'badge' }, KIND[p.kind]) : null)) : '不办公')]));

async function show(code) {
  const halls = await get('/api/v1/halls');
  const select = h('select', { id: 'hall-code' }, halls.map((x) => h('option', { value: x.code }, x.name)));
  select.value = code || halls[0]?.code;
  const box = h('div', { id: 'guide', 'aria-live': 'polite' });
  mount(main, h('h1', {}, '大厅公示'),
    h('form', { class: 'panel toolbar', onsubmit: (e) => { e.preventDefault(); load(); } },
      h('div', { class: 'field' }, h('label', { for: 'hall-code' }, '办事大厅'), select), h('button', { type: 'submit' }, '查看')), box);
  async function load() {
    history.replaceState(null, '', `?code=${encodeURIComponent(select.value)}`);
    try {
      const g = await get(`/api/v1/halls/${encodeURIComponent(select.value)}/guide`);
      mount(box, h('section', { class: 'panel' }, h('h2', {}, g.name), h('p', { class: 'muted' }, `${LEVEL[g.level] || ''} · ${TODAY[g.todayKind]}`),
        h('h3', {}, '服务时间'), hoursList(g.hours)),
      h('section', { class: 'panel' }, h('h2', {}, '窗口与今日值班'),
        g.windows.length ? h('ul', { class: 'plain window-guide' }, g.windows.map((w) => h('li', { class: 'panel', dataset: { window: w.windowCode } },
          h('h3', {}, h('span', { class: 'window-sign' }, w.sign), w.kind === 'COMPREHENSIVE' ? h('span', { class: 'badge' }, '综合窗口') : h('span', { class: 'badge' }, w.departmentName || '')),
          h('p', { class: 'on-duty' }, w.onDuty.length ? `今日值班：${w.onDuty.join('、')}` : '今日值班：未公示'),
          w.hoursOwn ? h('div', {}, h('p', { class: 'muted' }, '本窗口服务时间与大厅不同：'), hoursList(w.hours)) : null,
          h('p', { class: 'muted' }, w.allMatters ? '受理事项：全部事项（一窗受理）'
            : `受理事项：${w.matters.map((m) => m.name).join('、') || '无'}`)))) : h('p', { class: 'muted' }, '暂无窗口信息。')));
    } catch (e) { mount(box, errorBox(e)); }
  }
  select.addEventListener('change', load);
  load();
}

navigation();
show(new URLSearchParams(location.search).get('code')).catch((e) => mount(main, errorBox(e)));
