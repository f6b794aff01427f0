// 工单: the orders 12345 dispatched to the signed-in member's department (#/workorders), and one order
// (#/workorders/<number>) to sign for, reply to, return or ask more time for.
import { get } from '/assets/js/api.js';
import { errorBox, h, mount as fill } from '/assets/js/dom.js';
import { STATE, queueTable, showOrder, statisticsPanel } from './hotline/order.js';

let status = '';
let overdueOnly = false;

export async function mount(main, profile) {
  const number = decodeURIComponent(location.hash.split('/')[2] || '');
  if (number) return showOrder(main, profile, number, '#/workorders');
  const list = h('div', { id: 'wo-queue-holder' });
  const select = h('select', { id: 'wo-status', onchange: () => { status = select.value; load(); } },
    h('option', { value: '' }, '全部'), ['DISPATCHED', 'SIGNED', 'REPLIED', 'CLOSED'].map((s) => h('option', { value: s, selected: s === status }, STATE[s])));
  // Supervisors see every order (the API's scope) and urge the overdue ones (督办); departments see theirs.
  const supervisor = profile.roles.includes('SUPERVISOR');
  const overdue = h('input', { type: 'checkbox', id: 'wo-overdue', checked: overdueOnly,
    onchange: () => { overdueOnly = overdue.checked; load(); } });
  async function load() {
    try {
      const orders = await get(`/api/v1/work-orders?limit=100${status ? `&status=${status}` : ''}${overdueOnly ? '&overdue=true' : ''}`);
      fill(list, orders.length ? queueTable('wo-queue', orders, '#/workorders')
        : h('p', { class: 'muted' }, supervisor ? '没有符合条件的工单。' : '没有派给本部门的工单。'));
    } catch (e) {
      fill(list, errorBox(e));
    }
  }
  fill(main, h('h1', {}, supervisor ? '工单 · 监察督办' : `工单 · ${profile.departmentName || ''}`),
    h('div', { class: 'toolbar' }, h('div', {}, h('label', { for: 'wo-status' }, '状态'), select),
      h('label', { for: 'wo-overdue' }, overdue, ' 只看超期'),
      h('p', { class: 'muted grow' }, supervisor
        ? '全部 12345 工单：打开已派单、已签收的工单可以督办，督办意见留痕，承办部门在工单里看到督办次数。来电人信息已脱敏。'
        : '12345 热线派给本部门的工单：请在 1 个工作日内签收，按时限答复；不属本部门职责的请退单并说明理由。来电人信息已脱敏。')),
    list, supervisor ? statisticsPanel() : null);
  return load();
}
