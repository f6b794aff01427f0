// #/hall/visits: the hall's door-to-door visits (上门服务: assign staff and a time, decline, take the case in at
// the door), holiday service requests (法定节假日订制: confirm or decline) and today's duty roster (值班表).
import { get, post, put } from '/assets/js/api.js';
import { h, mount as fill, errorBox, notice, facts } from '/assets/js/dom.js';
import { renderForm } from '/assets/js/form.js';

const VISIT = { REQUESTED: '待安排', SCHEDULED: '已安排', TAKEN_IN: '已上门受理', DECLINED: '未能安排', CANCELLED: '申请人已撤回' };
const REASON = { AGE: '高龄老人', DISABILITY: '残疾人', OTHER: '其他原因' };
const HOLIDAY = { REQUESTED: '待答复', CONFIRMED: '已确认', DECLINED: '未能安排', CANCELLED: '已取消' };
const WARN = { REMINDER: '即将到期', YELLOW: '今日到期（黄牌）', RED: '已超期（红牌）' };
const field = (id, label, input) => h('div', { class: 'field' }, h('label', { for: id }, label), input);
const at = (iso) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : '');

export async function visits(view, hallCode, profile, windows) {
  const visitBox = h('div', { id: 'home-visits' });
  const holidayBox = h('div', { id: 'holiday-requests' });
  const dutyBox = h('div', { id: 'duty' });
  fill(view,
    h('section', { class: 'panel' }, h('h2', {}, '上门服务'), visitBox),
    h('section', { class: 'panel' }, h('h2', {}, '节假日预约申请'), holidayBox),
    h('section', { class: 'panel' }, h('h2', {}, '今日值班'), dutyBox));
  showVisits(visitBox, profile);
  showHolidays(holidayBox);
  showDuty(dutyBox, hallCode, windows);
}

async function showVisits(box, profile) {
  let list;
  try { list = await get('/api/v1/home-visits'); } catch (e) { fill(box, errorBox(e)); return; }
  if (!list.length) { fill(box, h('p', { class: 'muted' }, '暂无上门服务申请。')); return; }
  fill(box, h('ul', { class: 'plain visit-list' }, list.map((v) => {
    const out = h('div', { 'aria-live': 'polite' });
    const id = (name) => `${name}-${v.number}`;
    const warning = v.warnings?.[0];
    const open = v.status === 'REQUESTED' || v.status === 'SCHEDULED';
    const assignee = h('input', { id: id('assignee'), value: v.assignedTo || profile.username, required: true, autocomplete: 'off' });
    const when = h('input', { id: id('when'), type: 'datetime-local', required: true, value: v.scheduledAt ? v.scheduledAt.slice(0, 16) : '' });
    const reason = h('input', { id: id('decline-reason'), maxlength: 500 });
    const intake = h('div', {});
    return h('li', { class: 'panel', dataset: { number: v.number } },
      h('h3', {}, `${v.number} · ${v.matterName}`, warning ? h('span', { class: `badge warn-${warning.level}` }, WARN[warning.level]) : null),
      facts([['申请人', `${v.contact.name} ${v.contact.idNumber || ''}`], ['联系电话', v.contact.phone], ['上门地址', v.contact.address],
        ['理由', REASON[v.reason] + (v.contact.disabilityCertificate ? `（残疾人证 ${v.contact.disabilityCertificate}）` : '') + (v.contact.note ? `：${v.contact.note}` : '')],
        ['状态', VISIT[v.status] || v.status], ['最迟上门日期', v.dueDate],
        ...(v.scheduledAt ? [['上门时间', at(v.scheduledAt)], ['上门人员', `${v.assignedName || ''}（${v.assignedTo || ''}）`]] : []),
        ...(v.applicationNumber ? [['办件编号', v.applicationNumber]] : []), ...(v.declineReason ? [['未能安排的理由', v.declineReason]] : [])]),
      open ? h('form', { class: 'toolbar schedule-form', onsubmit: async (e) => {
        e.preventDefault();
        try {
          await post(`/api/v1/home-visits/${v.number}/schedule`, { assignee: assignee.value.trim(), scheduledAt: `${when.value}:00+08:00` });
          showVisits(box, profile);
        } catch (err) { fill(out, errorBox(err)); }
      } }, field(id('assignee'), '上门人员（工号）', assignee), field(id('when'), '上门时间', when),
      h('button', { type: 'submit', class: 'primary' }, v.status === 'SCHEDULED' ? '改期' : '安排上门')) : null,
      open ? h('form', { class: 'toolbar decline-form', onsubmit: async (e) => {
        e.preventDefault();
        try {
          await post(`/api/v1/home-visits/${v.number}/decline`, { reason: reason.value.trim() });
          showVisits(box, profile);
        } catch (err) { fill(out, errorBox(err)); }
      } }, field(id('decline-reason'), '不能安排的理由', reason), h('button', { type: 'submit' }, '不能安排')) : null,
      v.applicationNumber ? h('p', {}, h('a', { href: `#/window/case/${v.applicationNumber}` }, `打开办件 ${v.applicationNumber}`)) : null,
      v.status === 'SCHEDULED' && v.assignedTo === profile.username
        ? h('button', { type: 'button', class: 'primary take-in', onclick: () => takeIn(v, intake, out, () => showVisits(box, profile)) }, '上门受理') : null,
      intake, out);
  })));
}

/** The matter's form, filled in with the applicant at the door, sent as the visit's case (channel 上门受理). */
async function takeIn(v, box, out, done) {
  try {
    const m = await get(`/api/v1/matters/${encodeURIComponent(v.matterCode)}`);
    const formBox = h('div', {});
    // What the visit already knows (name, identity number, phone, address) fills the form's fields of those names.
    const props = m.form.schema.properties || {};
    const known = { name: v.contact.name, idNumber: v.contact.idNumber, mobile: v.contact.phone, phone: v.contact.phone, address: v.contact.address };
    const data = Object.fromEntries(Object.entries(known).filter(([k, x]) => props[k] && x));
    const form = renderForm(formBox, { schema: m.form.schema, uiSchema: m.form.uiSchema, data, idPrefix: 'v' });
    fill(box, h('form', { class: 'take-in-form', onsubmit: async (e) => {
      e.preventDefault();
      if (form.validate().length) return;
      try {
        await post(`/api/v1/home-visits/${v.number}/take-in`, { data: form.getData() });
        done(); // drawn again: 已上门受理, with the case's number and a link to it
      } catch (err) {
        const rest = err.violations?.length ? form.showViolations(err.violations.map((x) => ({ ...x, pointer: x.pointer.replace(/^\/data/, '') }))) : [];
        if (!err.violations?.length || rest.length) fill(out, errorBox(err));
      }
    } }, formBox, h('button', { type: 'submit', class: 'primary' }, '提交受理')));
  } catch (e) { fill(out, errorBox(e)); }
}

async function showHolidays(box) {
  let list;
  try { list = await get('/api/v1/holiday-requests'); } catch (e) { fill(box, errorBox(e)); return; }
  if (!list.length) { fill(box, h('p', { class: 'muted' }, '暂无节假日预约申请。')); return; }
  fill(box, h('ul', { class: 'plain holiday-list' }, list.map((r) => {
    const out = h('div', { 'aria-live': 'polite' });
    const reason = h('input', { id: `holiday-reason-${r.number}`, maxlength: 500 });
    const decide = async (decision) => {
      try {
        await post(`/api/v1/holiday-requests/${r.number}/decide`, { decision, ...(reason.value.trim() ? { reason: reason.value.trim() } : {}) });
        showHolidays(box);
      } catch (err) { fill(out, errorBox(err)); }
    };
    return h('li', { class: 'panel', dataset: { number: r.number } },
      facts([['申请号', r.number], ['申请人', r.applicantName], ['事项', r.matterName], ['希望时间', `${r.date} ${r.time}`],
        ...(r.note ? [['说明', r.note]] : []), ['状态', HOLIDAY[r.status] || r.status], ...(r.reason ? [['答复', r.reason]] : [])]),
      r.status === 'REQUESTED' ? h('form', { class: 'toolbar', onsubmit: (e) => { e.preventDefault(); decide('CONFIRM'); } },
        field(`holiday-reason-${r.number}`, '答复（不能安排时必填）', reason),
        h('button', { type: 'submit', class: 'primary' }, '确认安排'),
        h('button', { type: 'button', onclick: () => decide('DECLINE') }, '不能安排')) : null, out);
  })));
}

async function showDuty(box, hallCode, windows) {
  // The platform's today (the roster answers its date), not this computer's.
  let roster;
  try { roster = await get(`/api/v1/halls/${encodeURIComponent(hallCode)}/duty`); } catch (e) { fill(box, errorBox(e)); return; }
  const day = roster.date;
  const inputs = windows.map((w) => h('input', { id: `duty-${w.code}`, autocomplete: 'off', placeholder: '工号，多人用逗号分隔',
    value: roster.duty.filter((d) => d.windowCode === w.code).map((d) => d.username).join(',') }));
  const out = h('div', { id: 'duty-result', 'aria-live': 'polite' });
  fill(box, h('form', { id: 'duty-form', onsubmit: async (e) => {
    e.preventDefault();
    const duty = windows.flatMap((w, i) => inputs[i].value.split(/[,，\s]+/).filter(Boolean).map((username) => ({ windowCode: w.code, username })));
    try {
      const r = await put(`/api/v1/halls/${encodeURIComponent(hallCode)}/duty`, { date: day, duty });
      fill(out, notice(`已保存今日值班：${r.duty.map((d) => `${d.windowName} ${d.name}`).join('，') || '无'}`));
    } catch (err) { fill(out, errorBox(err)); }
  } }, h('p', { class: 'muted' }, `日期：${day}`), windows.map((w, i) => field(`duty-${w.code}`, w.name, inputs[i])), h('button', { type: 'submit', class: 'primary' }, '保存值班表'), out),
  h('p', { class: 'muted' }, '值班表和窗口信息对外公示（六统一），见 ', h('a', { href: `/public/hall.html?code=${encodeURIComponent(hallCode)}` }, '大厅公示页'), '。'));
}
