// 预约办事: a citizen signs in, picks a hall, a matter, a day and a slot, books it, takes a number with it at
// the hall on the day, and may pre-register (预登记) the matter's form so the window need not type it again.
// On a closed day it offers holiday service on request (法定节假日订制); eligible applicants ask for a visit (上门服务).
import { get, post, session, signIn, signOut } from '/assets/js/api.js';
import { h, mount, errorBox, notice, facts, today } from '/assets/js/dom.js';
import { renderForm } from '/assets/js/form.js';
import { navigation } from './common.js';
import { holidayForm, myHolidayRequests, homeVisitPanel } from './visits.js';

const main = document.getElementById('main');
const PERIOD = { REGULAR: '', NOON: '午间服务', EVENING: '延时服务' };
const STATUS = { BOOKED: '已预约', CHECKED_IN: '已取号', CANCELLED: '已取消', NO_SHOW: '未到' };
const params = new URLSearchParams(location.search);
const time = (iso) => iso.slice(11, 16);
const day = (iso) => iso.slice(0, 10);

function field(id, label, input) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), input);
}

/** Sign-in for citizens (identity number or phone, and password). */
function signInPanel() {
  const login = h('input', { id: 'login', autocomplete: 'username', required: true });
  const password = h('input', { id: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const problem = h('div', { id: 'sign-in-problem' });
  mount(main, h('h1', {}, '预约办事'),
    h('form', { class: 'panel', id: 'sign-in', onsubmit: async (e) => {
      e.preventDefault();
      mount(problem);
      try {
        await signIn(login.value.trim(), password.value);
        start();
      } catch (err) {
        mount(problem, errorBox(err));
      }
    } },
    h('h2', {}, '请先登录'),
    h('p', { class: 'muted' }, '预约和预登记需要本人登录（身份证号或手机号）。'),
    field('login', '身份证号或手机号', login), field('password', '密码', password), problem,
    h('button', { type: 'submit', class: 'primary' }, '登录')));
  login.focus();
}

async function start() {
  let profile;
  try {
    profile = await get('/api/v1/me');
  } catch (e) {
    session.clear();
    signInPanel();
    return;
  }
  if (profile.kind !== 'CITIZEN') {
    await signOut();
    signInPanel();
    return;
  }
  const [halls, matters] = await Promise.all([get('/api/v1/halls'), get('/api/v1/matters?limit=100')]);
  const hall = h('select', { id: 'hall' }, halls.map((x) => h('option', { value: x.code }, x.name)));
  const matter = h('select', { id: 'matter' }, (matters.items || []).map((m) => h('option', { value: m.code }, m.name)));
  if (params.get('matter')) matter.value = params.get('matter');
  const date = h('input', { id: 'date', type: 'date', value: params.get('date') || today() });
  const slots = h('div', { id: 'slots', 'aria-live': 'polite' });
  const result = h('div', { id: 'booking-result' });
  const mine = h('div', { id: 'my-appointments' });
  const ticketBox = h('div', { id: 'my-ticket', 'aria-live': 'polite' });
  const preBox = h('div', { id: 'pre-registration' });
  const holidayBox = h('div', { id: 'holiday' });
  const holidayMine = h('div', { id: 'my-holiday-requests' });
  const visitBox = h('div', { id: 'home-visit' });

  // Answers can arrive out of order: only the latest choice's slots are shown (the first day's answer, arriving
  // after the day was changed, used to replace the chosen day's slots).
  let asked = 0;
  async function showSlots() {
    const mine = ++asked;
    mount(slots, h('p', { class: 'muted' }, '正在查询可预约时段…'));
    mount(holidayBox);
    try {
      const d = await get(`/api/v1/halls/${encodeURIComponent(hall.value)}/slots?matterCode=${encodeURIComponent(matter.value)}&date=${date.value}`);
      if (mine !== asked) return;
      if (!d.slots.length) {
        mount(slots, h('p', { class: 'muted' }, d.dayKind === 'CLOSED' ? '该日大厅不办公（周日或法定节假日），请另选日期，或申请节假日订制服务。' : '该日没有可预约时段。'));
        // A past day is refused by the platform, whose clock counts, not this phone's.
        if (d.dayKind === 'CLOSED') {
          holidayForm(holidayBox, { hallCode: hall.value, matterCode: matter.value, date: date.value, onDone: () => myHolidayRequests(holidayMine) });
        }
        return;
      }
      // Each window serving the matter has slots of its own (its hours, its places): one list per window.
      const windows = [];
      for (const s of d.slots) {
        const w = windows.find((x) => x.code === s.windowCode);
        if (w) w.slots.push(s); else windows.push({ code: s.windowCode, name: s.windowName, slots: [s] });
      }
      mount(slots, ...windows.map((w) => h('section', { class: 'slot-window', dataset: { window: w.code || '' } },
        h('h4', {}, w.code ? `${w.code} ${w.name}` : '全厅'),
        h('ul', { class: 'slot-list' }, w.slots.map((s) => h('li', {},
          h('button', { type: 'button', class: `slot${s.bookable ? '' : ' full'}`, disabled: !s.bookable,
            dataset: { start: s.startsAt, window: s.windowCode || '' }, onclick: () => book(s),
            'aria-label': `${w.name || '全厅'} ${time(s.startsAt)}–${time(s.endsAt)} ${s.bookable ? `余 ${s.available} 个` : '不可预约'}` },
          h('strong', {}, `${time(s.startsAt)}–${time(s.endsAt)}`),
          PERIOD[s.period] ? h('span', { class: 'badge' }, PERIOD[s.period]) : null,
          h('span', { class: 'muted' }, s.bookable ? `余 ${s.available} 个` : (s.available ? '已过' : '已约满')))))))));
    } catch (e) {
      if (mine === asked) mount(slots, errorBox(e));
    }
  }

  async function book(s) {
    mount(result);
    try {
      const a = await post('/api/v1/appointments', { hallCode: hall.value, matterCode: matter.value, startsAt: s.startsAt, windowCode: s.windowCode });
      mount(result, notice(`预约成功：${a.hallName}${a.windowName ? ` ${a.windowCode} ${a.windowName}` : ''}，${day(a.startsAt)} ${time(a.startsAt)}–${time(a.endsAt)}，预约号 ${a.number}`));
      showSlots();
      showMine();
    } catch (e) {
      mount(result, errorBox(e));
      showSlots();
    }
  }

  async function takeNumber(a, box) {
    try {
      const t = await post(`/api/v1/halls/${encodeURIComponent(a.hallCode)}/tickets`, { appointmentNumber: a.number });
      // Shown above the list, which is drawn again (the booking is now 已取号).
      mount(ticketBox, h('div', { class: 'ticket', role: 'status' }, h('span', { class: 'muted' }, `${a.hallName} 排队号`),
        h('strong', { class: 'ticket-number', id: 'ticket-number' }, t.number), h('span', {}, `请留意叫号屏，预约号在预约时段内优先叫号${a.windowCode ? `，优先由 ${a.windowCode} ${a.windowName} 办理` : ''}。`)));
      showMine();
    } catch (e) {
      mount(box, errorBox(e));
    }
  }

  async function showMine() {
    try {
      const list = await get('/api/v1/appointments');
      const open = list.filter((a) => a.status === 'BOOKED' || a.status === 'CHECKED_IN');
      if (!open.length) { mount(mine, h('p', { class: 'muted' }, '暂无预约。')); return; }
      mount(mine, h('ul', { class: 'plain appointments' }, open.map((a) => {
        const box = h('div', {});
        return h('li', { class: 'panel', dataset: { number: a.number } },
          facts([['事项', a.matterName], ['大厅', a.hallName], ...(a.windowCode ? [['窗口', `${a.windowCode} ${a.windowName}`]] : []),
            ['时间', `${day(a.startsAt)} ${time(a.startsAt)}–${time(a.endsAt)}`],
            ['预约号', a.number], ['状态', STATUS[a.status] || a.status]]),
          a.status === 'BOOKED' ? h('div', { class: 'actions' },
            // Numbers are taken at the hall on the booking's day; the platform says so when it is not that day.
            h('button', { type: 'button', class: 'primary take-number', onclick: () => takeNumber(a, box) }, '到厅取号'),
            h('button', { type: 'button', onclick: async () => {
              try { await post(`/api/v1/appointments/${a.number}/cancel`); showMine(); showSlots(); } catch (e) { mount(box, errorBox(e)); }
            } }, '取消预约')) : null, box);
      })));
    } catch (e) {
      mount(mine, errorBox(e));
    }
  }

  async function showPreRegistration() {
    mount(preBox);
    const m = await get(`/api/v1/matters/${encodeURIComponent(matter.value)}`);
    if (!m.form) { mount(preBox, h('p', { class: 'muted' }, '该事项暂不支持预登记。')); return; }
    // What the platform already knows of the applicant (name, identity number, phone) is filled in for them.
    const known = await get(`/api/v1/matters/${encodeURIComponent(matter.value)}/prefill`).catch(() => ({ data: {} }));
    const formBox = h('div', {});
    const form = renderForm(formBox, { schema: m.form.schema, uiSchema: m.form.uiSchema, data: known.data || {}, idPrefix: 'p' });
    const out = h('div', { id: 'pre-registration-result' });
    mount(preBox, h('form', { id: 'pre-registration-form', onsubmit: async (e) => {
      e.preventDefault();
      mount(out);
      if (form.validate().length) return;
      try {
        const p = await post('/api/v1/pre-registrations', { matterCode: matter.value, data: form.getData() });
        mount(out, notice(`预登记成功，预登记号 ${p.number}（${day(p.expiresAt)} 前有效）。到窗口出示预登记号或身份证，无需重复填写。`));
      } catch (err) {
        const rest = err.violations?.length ? form.showViolations(err.violations.map((v) => ({ ...v, pointer: v.pointer.replace(/^\/data/, '') }))) : [];
        if (!err.violations?.length || rest.length) mount(out, errorBox(err));
      }
    } }, formBox, out, h('button', { type: 'submit', class: 'primary' }, '提交预登记')));
  }

  mount(main, h('h1', {}, '预约办事'),
    h('p', { class: 'muted' }, `${profile.displayName || ''}，您好。`, h('button', { type: 'button', class: 'link', onclick: async () => { await signOut(); signInPanel(); } }, '退出登录')),
    h('section', { class: 'panel' }, h('h2', {}, '选择大厅、事项和日期'),
      h('p', {}, h('a', { id: 'guide-link', href: '/public/hall.html' }, '大厅公示：服务时间、窗口和今日值班')),
      h('form', { id: 'slot-form', onsubmit: (e) => { e.preventDefault(); showSlots(); } },
        field('hall', '办事大厅', hall), field('matter', '办理事项', matter), field('date', '日期', date),
        h('button', { type: 'submit' }, '查询时段')),
      h('h3', {}, '可预约时段'), slots, result, holidayBox),
    h('section', { class: 'panel' }, h('h2', {}, '我的预约'), ticketBox, mine, holidayMine),
    h('section', { class: 'panel' }, h('h2', {}, '在线预登记'),
      h('p', { class: 'muted' }, '提前填好申请表，到窗口核对后直接受理。'),
      h('button', { type: 'button', id: 'open-pre-registration', onclick: showPreRegistration }, '填写预登记表'), preBox),
    h('section', { class: 'panel' }, h('h2', {}, '上门服务'), visitBox));
  homeVisitPanel(visitBox, { hallSelect: hall, matterSelect: matter });
  myHolidayRequests(holidayMine);
  for (const el of [hall, matter, date]) el.addEventListener('change', showSlots);
  const guideLink = document.getElementById('guide-link');
  const linkGuide = () => { guideLink.href = `/public/hall.html?code=${encodeURIComponent(hall.value)}`; };
  hall.addEventListener('change', linkGuide);
  linkGuide();
  showSlots();
  showMine();
}

navigation();
if (session.token()) start(); else signInPanel();
