// 取号叫号: the window's queue page. #/hall: call the next number to my window (Alt+J), serve, mark absent,
// transfer, take a number for a walk-in, and take a pre-registration in as a case in one step.
// #/hall/display: the hall's queue screen (叫号屏), live over the GraphQL subscription.
// #/hall/visits: door-to-door visits, holiday requests and today's duty roster (hall/visits.js).
import { get, post } from '/assets/js/api.js';
import { h, mount as fill, errorBox, notice, facts } from '/assets/js/dom.js';
import { subscribe } from '/assets/js/subscribe.js';
import { visits } from './hall/visits.js';

const WINDOW_KEY = 'tongban.window';
let timer = null;
let keys = null;
let stream = null;

const time = (iso) => (iso ? iso.slice(11, 16) : '');
const minutes = (s) => (s === null || s === undefined ? '' : `${Math.round(s / 60)} 分钟`);
const field = (id, label, input) => h('div', { class: 'field' }, h('label', { for: id }, label), input);

export async function mount(main, profile) {
  const sub = location.hash.replace(/^#\/?/, '').split('/')[1];
  const hallCode = profile.hallCode;
  if (!hallCode) { fill(main, h('div', { class: 'alert error', role: 'alert' }, '您的账号未分配大厅。')); return; }
  const view = h('div', { id: 'hall-view' });
  fill(main, h('nav', { class: 'toolbar noprint', 'aria-label': '取号叫号' },
    h('a', { href: '#/hall', 'aria-current': sub ? null : 'page' }, '叫号（Alt+J 叫下一号）'),
    h('a', { href: '#/hall/display', 'aria-current': sub === 'display' ? 'page' : null }, '叫号屏'),
    h('a', { href: '#/hall/visits', 'aria-current': sub === 'visits' ? 'page' : null }, '上门服务与值班'),
    h('span', { class: 'muted grow' }, profile.hallName || '')), view);
  if (sub === 'display') return display(view, hallCode, profile.hallName);
  const halls = await get('/api/v1/halls');
  const windows = (halls.find((x) => x.code === hallCode)?.windows) || [];
  if (sub === 'visits') return visits(view, hallCode, profile, windows);
  return desk(view, hallCode, windows);
}

async function display(view, hallCode, hallName) {
  const board = h('div', { id: 'queue-board', class: 'queue-board', 'aria-live': 'polite' });
  const state = h('span', { class: 'muted', id: 'display-state' });
  fill(view, h('div', { class: 'toolbar head' }, h('h1', { class: 'grow' }, `${hallName || hallCode} · 叫号屏`), state), board);
  const show = (q) => fill(board,
    h('section', { class: 'panel called' }, h('h2', {}, '正在办理'),
      q.called.length ? h('ul', { class: 'plain calls' }, q.called.map((t) => h('li', {},
        h('strong', { class: 'ticket-number' }, t.number), h('span', {}, `请到 ${t.windowName || t.windowCode}`))))
        : h('p', { class: 'muted' }, '暂无')),
    h('section', { class: 'panel' }, h('h2', {}, `等候中（${q.waiting.length} 人）`),
      h('p', { class: 'waiting-numbers' }, q.waiting.map((t) => h('span', { class: `badge${t.booked ? ' booked' : ''}` },
        t.number, t.windowCode ? `→${t.windowCode}` : '')))),
    h('p', { class: 'muted' }, `今日已办 ${q.finished} 人 · Y 开头为预约号，预约时段内优先叫号`));
  const read = () => get(`/api/v1/halls/${encodeURIComponent(hallCode)}/queue`).then(show).catch((e) => fill(board, errorBox(e)));
  await read();
  // Live over the GraphQL subscription; read again whenever the connection (re)opens, for what passed meanwhile.
  stream = subscribe('subscription($h: String!) { hallQueue(hallCode: $h) }', { h: hallCode }, {
    onNext: (data) => show(data.hallQueue),
    onStatus: (s) => {
      state.textContent = { open: '实时更新中', connecting: '连接中…', closed: '已断开，正在重连' }[s] || s;
      if (s === 'open') read();
    },
    onError: (errors) => { state.textContent = `实时更新出错：${errors?.[0]?.message || ''}`; },
  });
}

function desk(view, hallCode, windows) {
  const windowSelect = h('select', { id: 'window' }, windows.map((w) => h('option', { value: w.code }, w.name)));
  if (sessionStorage.getItem(WINDOW_KEY)) windowSelect.value = sessionStorage.getItem(WINDOW_KEY);
  windowSelect.addEventListener('change', () => sessionStorage.setItem(WINDOW_KEY, windowSelect.value));
  const current = h('div', { id: 'current-ticket', 'aria-live': 'polite' }, h('p', { class: 'muted' }, '尚未叫号。'));
  const waiting = h('p', { id: 'waiting-count', class: 'muted' });
  let ticket = null;
  const base = `/api/v1/halls/${encodeURIComponent(hallCode)}/tickets`;

  async function count() {
    try {
      const q = await get(`/api/v1/halls/${encodeURIComponent(hallCode)}/queue`);
      waiting.textContent = `等候 ${q.waiting.length} 人`;
    } catch (e) { /* the count is a hint; the next call says what is true */ }
  }

  function showTicket(message) {
    if (!ticket) { fill(current, message || h('p', { class: 'muted' }, '当前没有等候的号码。')); return; }
    const transferTo = h('select', { id: 'transfer-window' }, windows.filter((w) => w.code !== ticket.windowCode)
      .map((w) => h('option', { value: w.code }, w.name)));
    const done = ticket.status !== 'CALLED';
    fill(current, message || null, h('div', { class: 'ticket' },
      h('strong', { class: 'ticket-number', id: 'called-number' }, ticket.number),
      h('span', {}, ticket.booked ? `预约号（${time(ticket.slotStartsAt)} 时段）${ticket.bookedWindow ? `，预约窗口 ${ticket.bookedWindow}` : ''}` : '现场取号'),
      ticket.matterName ? h('span', { class: 'muted' }, ticket.matterName) : null),
    facts([['取号时间', time(ticket.takenAt)], ['叫号时间', time(ticket.calledAt)], ['等候', minutes(ticket.waitSeconds)],
      ['办理用时', minutes(ticket.serviceSeconds)], ['办件编号', ticket.applicationNumber || '']]),
    done ? null : h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'served', onclick: () => finish('SERVED') }, '办结'),
      h('button', { type: 'button', id: 'absent', onclick: () => finish('ABSENT') }, '过号'),
      transferTo.options.length ? h('span', { class: 'transfer' }, h('label', { for: 'transfer-window' }, '转到'), transferTo,
        h('button', { type: 'button', onclick: () => transfer(transferTo.value) }, '转窗')) : null));
  }

  async function callNext() {
    try {
      const r = await post(`${base}/call`, { windowCode: windowSelect.value });
      ticket = r.ticket;
      showTicket();
      if (ticket) document.getElementById('served')?.focus();
    } catch (e) { fill(current, errorBox(e)); }
    count();
  }

  async function finish(outcome) {
    try {
      ticket = await post(`${base}/${encodeURIComponent(ticket.number)}/finish`,
        { outcome, ...(converted ? { applicationNumber: converted } : {}) });
      converted = null;
      showTicket(notice(outcome === 'SERVED' ? `${ticket.number} 已办结` : `${ticket.number} 已过号`));
      document.getElementById('call-next').focus();
    } catch (e) { fill(current, errorBox(e)); }
    count();
  }

  async function transfer(windowCode) {
    try {
      const t = await post(`${base}/${encodeURIComponent(ticket.number)}/transfer`, { windowCode });
      ticket = null;
      showTicket(notice(`${t.number} 已转到 ${t.windowName || windowCode}`));
    } catch (e) { fill(current, errorBox(e)); }
    count();
  }

  // A number for a walk-in who has none (or for a phone-less applicant with a booking).
  const walkIn = h('input', { id: 'walk-in-booking', placeholder: '预约号（可不填）' });
  const walkInOut = h('div', { id: 'walk-in-result' });

  // 预登记: find by number or identity number, check with the applicant, take it in.
  const search = h('input', { id: 'pre-search', placeholder: 'YD… 或 18 位身份证号', autocomplete: 'off' });
  const found = h('div', { id: 'pre-found' });
  let converted = null;

  async function find() {
    const q = search.value.trim().toUpperCase();
    fill(found, h('p', { class: 'muted' }, '正在查找…'));
    try {
      const list = q.startsWith('YD') ? [await get(`/api/v1/pre-registrations/${encodeURIComponent(q)}`)]
        : await get(`/api/v1/pre-registrations?idNumber=${encodeURIComponent(q)}`);
      if (!list.length) { fill(found, h('p', { class: 'muted' }, '没有未办理的预登记。')); return; }
      // The form's own field titles, so the clerk checks 姓名, 联系电话 … rather than data keys.
      const titles = {};
      for (const code of new Set(list.map((p) => p.matterCode))) {
        const m = await get(`/api/v1/matters/${encodeURIComponent(code)}`).catch(() => ({}));
        titles[code] = m.form?.schema?.properties || {};
      }
      // A choice shows its title (窗口领取), not its code (WINDOW), as the applicant saw it on the form.
      const label = (prop, v) => (prop?.oneOf || prop?.anyOf || prop?.items?.oneOf || [])
        .find((o) => o.const === v)?.title ?? v;
      const shown = (prop, v) => (Array.isArray(v) ? v.map((x) => label(prop, x)).join('，')
        : v && typeof v === 'object' ? Object.values(v).join('，') : String(label(prop, v)));
      fill(found, h('ul', { class: 'plain pre-list' }, list.map((p) => {
        const out = h('div', {});
        return h('li', { class: 'panel', dataset: { number: p.number } },
          facts([['预登记号', p.number], ['事项', p.matterName], ['申请人', `${p.applicant.name} ${p.applicant.idNumber}`],
            ['状态', { OPEN: '待办理', CONVERTED: '已转办件', EXPIRED: '已过期' }[p.status] || p.status], ['有效期至', p.expiresAt.slice(0, 10)]]),
          h('details', {}, h('summary', {}, '核对申请表'), facts(Object.entries(p.data).map(([k, v]) => [titles[p.matterCode][k]?.title || k,
            shown(titles[p.matterCode][k], v)]))),
          p.status === 'OPEN' ? h('button', { type: 'button', class: 'primary convert', onclick: async (e) => {
            const button = e.currentTarget;
            try {
              const r = await post(`/api/v1/pre-registrations/${encodeURIComponent(p.number)}/convert`,
                ticket && ticket.status === 'CALLED' ? { ticketNumber: ticket.number } : {});
              converted = r.application.number;
              if (ticket) ticket.applicationNumber = converted;
              button.remove(); // taken in: converting again would only be refused
              fill(out, notice(`已受理，办件编号 ${converted}`), h('a', { href: `#/window/case/${converted}` }, '打开办件'));
            } catch (err) { fill(out, errorBox(err)); }
          } }, '转为办件') : null, out);
      })));
    } catch (e) { fill(found, errorBox(e)); }
  }

  fill(view,
    h('section', { class: 'panel' }, h('h2', {}, '叫号'),
      h('div', { class: 'toolbar' }, field('window', '我的窗口', windowSelect),
        h('button', { type: 'button', class: 'primary', id: 'call-next', onclick: callNext }, '叫下一号'), waiting),
      current),
    h('section', { class: 'panel' }, h('h2', {}, '预登记转办件'),
      h('form', { class: 'toolbar', id: 'pre-form', onsubmit: (e) => { e.preventDefault(); find(); } },
        field('pre-search', '预登记号或身份证号', search), h('button', { type: 'submit' }, '查找')), found),
    h('section', { class: 'panel' }, h('h2', {}, '代为取号'),
      h('form', { class: 'toolbar', id: 'take-form', onsubmit: async (e) => {
        e.preventDefault();
        try {
          const t = await post(base, walkIn.value.trim() ? { appointmentNumber: walkIn.value.trim() } : {});
          fill(walkInOut, notice(`已取号 ${t.number}`));
          walkIn.value = '';
        } catch (err) { fill(walkInOut, errorBox(err)); }
        count();
      } }, field('walk-in-booking', '预约号（无预约可不填）', walkIn), h('button', { type: 'submit' }, '取号')), walkInOut));
  keys = (e) => {
    if (e.altKey && !e.ctrlKey && !e.metaKey && e.key.toLowerCase() === 'j') { e.preventDefault(); callNext(); }
  };
  document.addEventListener('keydown', keys);
  count();
  timer = setInterval(count, 5000);
  document.getElementById('call-next').focus();
}

export function unmount() {
  stream?.close();
  stream = null;
  clearInterval(timer);
  timer = null;
  if (keys) document.removeEventListener('keydown', keys);
  keys = null;
}
