// ECharts from its webjar, loaded once as a classic script (the page CSP allows same-origin scripts only).
import { STATUS } from '/assets/js/dom.js';

let loading = null;

export function loadECharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = '/webjars/echarts/5.3.1/dist/echarts.min.js';
      script.onload = () => resolve(window.echarts);
      script.onerror = () => { loading = null; reject(new Error('图表组件加载失败')); };
      document.head.append(script);
    });
  }
  return loading;
}

const ORDER = Object.keys(STATUS);

/** Cases by status across departments: a bar per status, named in Chinese. */
export function statusOption(stats) {
  const totals = {};
  for (const d of stats.departments) {
    for (const [s, n] of Object.entries(d.byStatus)) totals[s] = (totals[s] || 0) + n;
  }
  const present = ORDER.filter((s) => totals[s]);
  return {
    title: { text: '各状态办件数', left: 'center', textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis' },
    grid: { left: 40, right: 16, top: 40, bottom: 50 },
    xAxis: { type: 'category', data: present.map((s) => STATUS[s]), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: 'value', minInterval: 1, name: '件' },
    series: [{ type: 'bar', name: '办件数', barMaxWidth: 48, data: present.map((s) => totals[s]), label: { show: true, position: 'top' } }],
  };
}

/** Cases by department, stacked by status. */
export function departmentOption(stats) {
  const names = stats.departments.map((d) => (d.name || d.code).replace(/^新密市/, ''));
  const present = ORDER.filter((s) => stats.departments.some((d) => d.byStatus[s]));
  return {
    title: { text: '各部门办件数（按状态）', left: 'center', textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { bottom: 0, type: 'scroll' },
    grid: { left: 40, right: 16, top: 40, bottom: 70 },
    xAxis: { type: 'category', data: names, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: 'value', minInterval: 1, name: '件' },
    series: present.map((s) => ({ type: 'bar', stack: 'cases', name: STATUS[s], barMaxWidth: 48,
      data: stats.departments.map((d) => d.byStatus[s] || 0) })),
  };
}
