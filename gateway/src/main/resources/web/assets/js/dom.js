// Small DOM helpers: elements are built, never parsed from strings, so nothing from the API becomes markup.

/** h('div', {class: 'x', onclick: fn}, 'text', child, [more]) → an element. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const STATUS = {
  SUBMITTED: '待受理',
  CORRECTION_REQUESTED: '待补正',
  ACCEPTED: '已受理',
  NOT_ACCEPTED: '不予受理',
  IN_REVIEW: '审查中',
  SUSPENDED: '特别程序中',
  APPROVED: '准予许可',
  DENIED: '不予许可',
  DELIVERED: '已送达',
  WITHDRAWN: '已撤回',
  TERMINATED: '已终止',
};

export const CHANNEL = {
  WINDOW: '窗口', WEB: '网上', MINI_PROGRAM: '小程序', KIOSK: '自助终端', HOTLINE: '热线', HOME_VISIT: '上门受理',
};

/** A status badge, coloured by stage. */
export const statusBadge = (status) => h('span', { class: `badge status-${status}` }, STATUS[status] || status);

// Times are the platform's: Beijing time, whatever zone the browser is in (the working-day calendar is Beijing's).
const BEIJING = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  hourCycle: 'h23',
});

function beijing(date) {
  const part = Object.fromEntries(BEIJING.formatToParts(date).map((p) => [p.type, p.value]));
  return { date: `${part.year}-${part.month}-${part.day}`, time: `${part.hour}:${part.minute}` };
}

/** 2026-12-06T01:30:00Z → 2026-12-06 09:30 (Beijing time); dates pass through. */
export function when(value) {
  if (!value) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  const b = beijing(d);
  return `${b.date} ${b.time}`;
}

/** Today in Beijing as YYYY-MM-DD. */
export const today = () => beijing(new Date()).date;

/** A message box (role=alert for errors) showing an ApiProblem or any error in plain Chinese. */
export function errorBox(error) {
  const same = (a, b) => (a || '').replace(/[。.]$/, '') === (b || '').replace(/[。.]$/, '');
  const items = (error.violations || []).map((v) => h('li', {}, v.message, v.pointer ? h('code', {}, ` ${v.pointer}`) : null));
  return h('div', { class: 'alert error', role: 'alert' },
    h('strong', {}, error.problem?.title || '操作失败'),
    error.message && !same(error.message, error.problem?.title) ? h('p', {}, error.message) : null,
    items.length ? h('ul', {}, items) : null);
}

/** A short success notice. */
export const notice = (text) => h('div', { class: 'alert ok', role: 'status' }, text);

/** A definition list from [label, value] pairs, skipping empty values. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}
