// What the public pages share: the top navigation and the catalogue's codes in plain Chinese.
import { signIn } from '/assets/js/api.js';
import { errorBox, h, mount } from '/assets/js/dom.js';

/** 事项类型 (two-digit codes of the national catalogue standard). */
export const MATTER_TYPE = {
  '01': '行政许可', '02': '行政处罚', '03': '行政强制', '04': '行政征收', '05': '行政给付', '06': '行政检查',
  '07': '行政确认', '08': '行政奖励', '09': '行政裁决', '10': '其他行政权力', '20': '公共服务',
};

/** 10.0 → "10 个工作日" (limits come in steps of half a day). */
export const workingDays = (n) => (n === undefined || n === null ? '' : `${Number(n)} 个工作日`);

/** The star level (1–5) as ★★★☆☆, read out as "3 星". */
export const stars = (n) => h('span', { class: 'stars', title: `服务星级 ${n} 星`, 'aria-label': `服务星级 ${n} 星` },
  '★'.repeat(n), h('span', { class: 'off', 'aria-hidden': 'true' }, '★'.repeat(Math.max(0, 5 - n))));

export const sameCityBadge = () => h('span', { class: 'badge same-city' }, '同城通办');

const PAGES = [['/public/', '办事指南'], ['/public/progress.html', '进度查询'], ['/public/verify.html', '证照核验'], ['/public/booking.html', '预约办事'], ['/public/life-events.html', '一件事'], ['/public/projects.html', '工程项目'], ['/public/reminders.html', '我的提醒']];

/** The public pages' navigation, the current one marked (a matter's guide belongs to 办事指南). */
export function navigation() {
  const here = /\/(matter|apply)\.html$/.test(location.pathname) ? '/public/' : location.pathname;
  document.getElementById('topbar').append(h('nav', { 'aria-label': '公共服务' }, PAGES.map(([href, name]) =>
    h('a', { href, 'aria-current': href === here || (href === '/public/' && here === '/public/index.html') ? 'page' : null }, name))));
}

/** The public pages' sign-in panel (form `id`): signs in, then calls `then()`; an error shows in the panel. */
export function signInPanel(id, then, error) {
  const username = h('input', { id: 'username', autocomplete: 'username', required: true });
  const password = h('input', { id: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const message = h('div', {}, error ? errorBox(error) : null);
  const form = h('form', { class: 'panel', id, onsubmit: async (e) => {
    e.preventDefault();
    try {
      await signIn(username.value.trim(), password.value);
      then();
    } catch (err) { mount(message, errorBox(err)); }
  } }, h('h2', {}, '请先登录'),
  h('div', { class: 'field' }, h('label', { for: 'username' }, '账号（身份证号或手机号）'), username),
  h('div', { class: 'field' }, h('label', { for: 'password' }, '密码'), password),
  message, h('button', { class: 'primary', type: 'submit' }, '登录'));
  return { form, focus: () => username.focus() };
}
