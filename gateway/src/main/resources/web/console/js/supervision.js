// 监察: live warnings (reminders, yellow and red cards) over the applicationEvents subscription, open red
// cards to follow up, cases whose due dates are provisional (a year's holidays not loaded), cases by status and
// department, and same-city figures.
import { get } from '/assets/js/api.js';
import { errorBox, facts, h, mount as fill, statusBadge, when } from '/assets/js/dom.js';
import { figuresTable, GROUP_LABEL } from '/assets/js/rating.js';
import { subscribe } from '/assets/js/subscribe.js';
import { LEVEL, WARNING_KIND, levelBadge } from './review/labels.js';
import { departmentOption, loadECharts, statusOption } from './supervision/charts.js';

const EVENTS = `subscription { applicationEvents { id type number payload } }`;

let stream = null;
let charts = [];
let refreshTimer = null;
let onResize = null;

export function unmount() {
  stream?.close();
  stream = null;
  clearTimeout(refreshTimer);
  charts.forEach((c) => c.dispose());
  charts = [];
  window.removeEventListener('resize', onResize);
}

export async function mount(main) {
  const seen = new Set();
  let redsChanged = false;
  const counts = { REMINDER: 0, YELLOW: 0, RED: 0 };
  const departments = {};
  const counters = Object.fromEntries(Object.keys(counts).map((l) => [l, h('strong', { id: `count-${l}`, class: 'count' }, '0')]));
  const live = h('span', { id: 'live-status', class: 'muted' }, '实时推送：连接中…');
  const feed = h('ul', { class: 'feed', id: 'feed', 'aria-live': 'polite' }, h('li', { class: 'muted', id: 'feed-empty' }, '暂无新预警。'));
  const reds = h('div', { id: 'red-cards' }, h('p', { class: 'muted' }, '正在加载…'));
  const statusChart = h('div', { class: 'chart', id: 'chart-status', role: 'img', 'aria-label': '各状态办件数图表' });
  const departmentChart = h('div', { class: 'chart', id: 'chart-department', role: 'img', 'aria-label': '各部门办件数图表' });
  const figures = h('div', { id: 'figures' });
  const sameCity = h('div', { id: 'same-city' });
  const ratings = h('div', { id: 'ratings-figures' });
  const provisional = h('div', { id: 'provisional' }, h('p', { class: 'muted' }, '正在加载…'));

  fill(main,
    h('div', { class: 'toolbar head' }, h('h1', { class: 'grow' }, '电子监察看板'), live),
    h('div', { class: 'columns' },
      h('div', {},
        h('section', { class: 'panel' }, h('h2', {}, '实时预警'),
          h('div', { class: 'counters' }, Object.keys(counts).map((l) => h('span', { class: `counter warn-${l}` }, `${LEVEL[l]} `, counters[l]))),
          h('p', { class: 'muted' }, '本页打开以来收到的提醒、黄牌、红牌，最新的在上。'),
          feed)),
      h('div', {},
        h('section', { class: 'panel' }, h('h2', {}, '待跟进红牌'), reds),
        h('section', { class: 'panel' }, h('h2', {}, '到期日暂定的办件'), provisional),
        h('section', { class: 'panel' }, h('h2', {}, '办件总览'), figures,
          h('div', { class: 'chart-row' }, statusChart, departmentChart)),
        h('section', { class: 'panel' }, h('h2', {}, '同城通办（本月）'), sameCity),
        h('section', { class: 'panel' }, h('h2', {}, '好差评（本月）'), ratings))));

  async function refreshStatistics() {
    try {
      const stats = await get('/api/v1/supervision/departments');
      stats.departments.forEach((d) => { departments[d.code] = (d.name || d.code).replace(/^新密市/, ''); });
      fill(figures, facts([['办件总数', `${stats.total} 件`], ['在办', `${stats.open} 件`], ['涉及部门', `${stats.departments.length} 个`]]));
      const echarts = await loadECharts();
      if (!charts.length) {
        charts = [echarts.init(statusChart), echarts.init(departmentChart)];
        onResize = () => charts.forEach((c) => c.resize());
        window.addEventListener('resize', onResize);
      }
      charts[0].setOption(statusOption(stats), true);
      charts[1].setOption(departmentOption(stats), true);
    } catch (e) {
      fill(figures, errorBox(e));
    }
  }

  async function refreshSameCity() {
    try {
      const s = await get('/api/v1/supervision/same-city');
      fill(sameCity, facts([
        ['统计期间', `${s.from} 至 ${s.to}`], ['收件总数', `${s.total} 件`], ['异地收件（转办）', `${s.forwarded} 件`],
        ['同城通办占比', `${((s.sameCityShare || 0) * 100).toFixed(1)}%`],
        ['转办已受理 / 待受理 / 超时', `${s.forwarding?.answered ?? 0} / ${s.forwarding?.pending ?? 0} / ${s.forwarding?.late ?? 0}`],
        ['转办平均用时', s.forwarding?.averageHours != null ? `${Number(s.forwarding.averageHours).toFixed(1)} 小时` : '—'],
        ['代办件数', `${s.agentHandled ?? 0} 件`]]));
    } catch (e) {
      fill(sameCity, errorBox(e));
    }
  }

  // 好差评 figures of this month (upheld appeals left out): the total, and per department, hall, window or
  // staff member as the supervisor chooses.
  const ratingGroup = h('select', { id: 'ratings-group', onchange: () => refreshRatings() },
    ['department', 'hall', 'window', 'staff', 'matter'].map((g) => h('option', { value: g }, `按${GROUP_LABEL[g]}`)));
  async function refreshRatings() {
    const rate = (r) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`);
    try {
      const stats = await get(`/api/v1/ratings/statistics?groupBy=${ratingGroup.value}`);
      const t = stats.total;
      fill(ratings, facts([['评价数', `${t.ratings} 件（默认好评 ${t.defaults} 件）`], ['满意率', rate(t.satisfactionRate)],
        ['差评', `${t.bad} 件，差评率 ${rate(t.badRate)}`], ['整改率', rate(t.rectificationRate)],
        ['按期整改率', rate(t.onTimeRectificationRate)]]),
      h('div', { class: 'toolbar' }, h('label', { for: 'ratings-group' }, '分组'), ratingGroup),
      figuresTable(stats, 'ratings-figures-table'));
    } catch (e) {
      fill(ratings, errorBox(e));
    }
  }

  // Open red-carded cases, from the warned list (电子监察); accountability is on its own page.
  async function refreshReds() {
    let found;
    try {
      found = (await get('/api/v1/supervision/cases?source=CASE&level=RED&overdue=true&limit=100')).items;
    } catch (e) {
      return fill(reds, errorBox(e));
    }
    const more = h('p', {}, h('a', { href: '#/accountability' }, '全部预警办件与问责 →'));
    if (!found.length) return fill(reds, h('p', { class: 'muted' }, '没有未办结的红牌办件。'), more);
    fill(reds, h('table', {},
      h('thead', {}, h('tr', {}, ['办件编号', '事项', '部门', '状态', '红牌'].map((t) => h('th', {}, t)))),
      h('tbody', {}, found.map((a) => h('tr', { class: 'overdue' },
        h('td', {}, a.number), h('td', {}, a.matterName || a.matterCode), h('td', {}, departments[a.departmentCode] || a.departmentName || a.departmentCode),
        h('td', {}, statusBadge(a.status)),
        h('td', {}, a.warnings.filter((w) => w.level === 'RED').map((w) => `${WARNING_KIND[w.kind] || w.kind} 到期 ${w.dueDate}`).join('；')))))), more);
  }

  // A date in a year without its holiday notice is marked as tentative; one before it is final.
  const tentative = (date, a) => (a.provisionalYears.includes(Number(date.slice(0, 4))) ? `${date}（暂定）` : date);

  // Cases counted into a year whose holiday notice is not loaded: their due dates move when it is.
  async function refreshProvisional() {
    let found;
    try {
      found = await get('/api/v1/calendar/provisional-cases');
    } catch (e) {
      return fill(provisional, errorBox(e));
    }
    if (!found.items.length) return fill(provisional, h('p', { class: 'muted' }, '没有到期日暂定的办件：在办办件的期限都落在已录入节假日安排的年份内。'));
    fill(provisional,
      h('p', { id: 'provisional-note' }, `${found.years.join('、')} 年的节假日安排尚未录入：以下办件的到期日暂按周一至周五计算，录入该年后自动重算。`),
      h('table', { id: 'provisional-table' },
        h('thead', {}, h('tr', {}, ['办件编号', '事项', '部门', '状态', '承诺期限', '法定期限'].map((t) => h('th', {}, t)))),
        h('tbody', {}, found.items.map((a) => h('tr', {},
          h('td', {}, a.number), h('td', {}, a.matterName || a.matterCode),
          h('td', {}, departments[a.departmentCode] || a.departmentCode), h('td', {}, statusBadge(a.status)),
          h('td', {}, tentative(a.dueDate, a)), h('td', {}, tentative(a.legalDueDate, a)))))));
  }

  function warned(event) {
    const p = event.payload;
    counts[p.level] = (counts[p.level] || 0) + 1;
    if (counters[p.level]) counters[p.level].textContent = String(counts[p.level]);
    const matter = h('span', {}, '');
    const item = h('li', { class: `warning-${p.level}` }, levelBadge(p.level), ' ',
      h('strong', {}, p.number), ' ', matter,
      h('div', { class: 'muted' }, `${departments[p.departmentCode] || p.departmentCode || ''} · ${WARNING_KIND[p.kind] || p.kind}`,
        p.subject ? `（${departments[p.subject] || p.subject}）` : '', ` · 到期 ${p.dueDate || ''} · 收到于 ${when(new Date().toISOString())}`));
    feed.querySelector('#feed-empty')?.remove();
    feed.prepend(item);
    // The event names the case, not its matter: read it (supervisors may read every case).
    get(`/api/v1/applications/${encodeURIComponent(p.number)}`)
      .then((a) => { matter.textContent = a.matterName || a.matterCode; }).catch(() => {});
  }

  stream = subscribe(EVENTS, {}, {
    onStatus: (state) => {
      live.textContent = { connecting: '实时推送：连接中…', open: '实时推送：已连接', closed: '实时推送：已断开，正在重连…' }[state];
    },
    onError: (errors) => { live.textContent = `实时推送出错：${errors[0]?.message || ''}`; },
    onNext: (data) => {
      const event = data.applicationEvents;
      if (seen.has(event.id)) return; // at-least-once delivery
      seen.add(event.id);
      if (event.type === 'DeadlineWarning') warned(event);
      redsChanged ||= event.type === 'DeadlineWarning' ? event.payload.level === 'RED' : true;
      // Any change of a case moves the figures: refresh them at most once a second.
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(() => {
        refreshStatistics();
        if (redsChanged) refreshReds();
        redsChanged = false;
      }, 1000);
    },
  });

  await refreshStatistics();
  refreshSameCity();
  refreshRatings();
  refreshReds();
  refreshProvisional();
}
