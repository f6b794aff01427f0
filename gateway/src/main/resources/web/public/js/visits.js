// The booking page's other two ways to be served: 法定节假日订制 (a time asked for on a day the hall is closed,
// which the hall confirms or declines) and 上门服务 (a visit at home for those the matter's rules allow).
import { get, post } from '/assets/js/api.js';
import { h, mount, errorBox, notice, facts } from '/assets/js/dom.js';

export const HOLIDAY_STATUS = { REQUESTED: '待大厅答复', CONFIRMED: '大厅已确认', DECLINED: '大厅未能安排', CANCELLED: '已取消' };
export const VISIT_STATUS = { REQUESTED: '待安排', SCHEDULED: '已安排上门', TAKEN_IN: '已上门受理', DECLINED: '未能安排', CANCELLED: '已撤回' };
const REASON = { AGE: '高龄老人', DISABILITY: '残疾人', OTHER: '其他原因' };

function field(id, label, input, hint) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, hint ? h('p', { class: 'muted' }, hint) : null);
}

/** The form shown for a closed day: ask the hall for a time on it. */
export function holidayForm(box, { hallCode, matterCode, date, onDone }) {
  const time = h('input', { id: 'holiday-time', type: 'time', value: '10:00', required: true });
  const note = h('input', { id: 'holiday-note', maxlength: 500, placeholder: '例如：平时在外地工作，只有假期能来' });
  const out = h('div', { id: 'holiday-result', 'aria-live': 'polite' });
  mount(box, h('form', { id: 'holiday-form', class: 'panel inset', onsubmit: async (e) => {
    e.preventDefault();
    mount(out);
    try {
      const r = await post('/api/v1/holiday-requests', { hallCode, matterCode, date, time: time.value, ...(note.value.trim() ? { note: note.value.trim() } : {}) });
      mount(out, notice(`已提交节假日预约申请 ${r.number}（${r.date} ${r.time}），大厅答复后短信通知您。`));
      onDone?.();
    } catch (err) { mount(out, errorBox(err)); }
  } },
  h('h3', {}, '法定节假日订制服务'),
  h('p', { class: 'muted' }, '该日大厅不办公。确有需要的，可申请在这一天预约办理，由大厅确认是否安排。'),
  field('holiday-time', '希望的时间', time), field('holiday-note', '说明（可不填）', note),
  h('button', { type: 'submit', class: 'primary' }, '申请节假日办理'), out));
}

/** The applicant's holiday requests. */
export async function myHolidayRequests(box) {
  try {
    const list = await get('/api/v1/holiday-requests');
    mount(box, list.length ? h('ul', { class: 'plain' }, list.map((r) => h('li', { class: 'panel', dataset: { number: r.number } },
      facts([['节假日预约', `${r.hallName} · ${r.matterName}`], ['时间', `${r.date} ${r.time}`], ['申请号', r.number],
        ['状态', HOLIDAY_STATUS[r.status] || r.status], ...(r.reason ? [['大厅答复', r.reason]] : [])])))) : null);
  } catch (e) { mount(box, errorBox(e)); }
}

/** 上门服务: the request form and the applicant's visits. */
export function homeVisitPanel(box, { hallSelect, matterSelect }) {
  const reason = h('select', { id: 'visit-reason' }, Object.entries(REASON).map(([k, v]) => h('option', { value: k }, v)));
  const address = h('input', { id: 'visit-address', required: true, maxlength: 200, autocomplete: 'street-address' });
  const phone = h('input', { id: 'visit-phone', required: true, inputmode: 'tel', autocomplete: 'tel', maxlength: 20 });
  const certificate = h('input', { id: 'visit-certificate', maxlength: 32 });
  const note = h('input', { id: 'visit-note', maxlength: 500 });
  const certificateField = field('visit-certificate', '残疾人证号', certificate, '上门时核验证件。');
  const noteField = field('visit-note', '需要上门的原因', note);
  const out = h('div', { id: 'visit-result', 'aria-live': 'polite' });
  const list = h('div', { id: 'my-visits' });
  const sync = () => {
    certificateField.hidden = reason.value !== 'DISABILITY';
    noteField.hidden = reason.value !== 'OTHER';
  };
  reason.addEventListener('change', sync);
  sync();

  async function showVisits() {
    try {
      const visits = await get('/api/v1/home-visits');
      mount(list, visits.length ? h('ul', { class: 'plain' }, visits.map((v) => h('li', { class: 'panel', dataset: { number: v.number } },
        facts([['上门服务', `${v.hallName} · ${v.matterName}`], ['申请号', v.number], ['状态', VISIT_STATUS[v.status] || v.status],
          ...(v.scheduledAt ? [['上门时间', `${v.scheduledAt.slice(0, 10)} ${v.scheduledAt.slice(11, 16)}`], ['上门人员', v.assignedName || '']] : []),
          ...(v.declineReason ? [['大厅答复', v.declineReason]] : []),
          ...(v.applicationNumber ? [['办件编号', v.applicationNumber]] : []), ['最迟上门日期', v.dueDate]])))) : h('p', { class: 'muted' }, '暂无上门服务申请。'));
    } catch (e) { mount(list, errorBox(e)); }
  }

  mount(box, h('p', { class: 'muted' }, '行动不便的老年人、残疾人等，可申请工作人员上门受理（适用条件因事项而异）。'),
    h('form', { id: 'visit-form', onsubmit: async (e) => {
      e.preventDefault();
      mount(out);
      try {
        const v = await post('/api/v1/home-visits', {
          hallCode: hallSelect.value, matterCode: matterSelect.value, reason: reason.value, address: address.value.trim(), phone: phone.value.trim(),
          ...(reason.value === 'DISABILITY' ? { disabilityCertificate: certificate.value.trim() } : {}),
          ...(reason.value === 'OTHER' ? { note: note.value.trim() } : {}),
        });
        mount(out, notice(`已提交上门服务申请 ${v.number}，大厅将在 ${v.dueDate} 前安排工作人员上门，并短信通知您。`));
        showVisits();
      } catch (err) { mount(out, errorBox(err)); }
    } },
    h('p', {}, '办事大厅和事项：使用上方所选。'),
    field('visit-reason', '申请理由', reason), certificateField, noteField,
    field('visit-address', '上门地址', address), field('visit-phone', '联系电话', phone),
    h('button', { type: 'submit', class: 'primary' }, '申请上门服务'), out),
    h('h3', {}, '我的上门服务'), list);
  showVisits();
}
