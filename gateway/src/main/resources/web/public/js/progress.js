// 办件进度查询: by case number and query code, no sign-in; the API masks the applicant.
// An SMS link carries ?number=…&code=… and the page looks the case up at once.
import { get, session, signIn } from '/assets/js/api.js';
import { h, mount, errorBox, facts, statusBadge, STATUS, when } from '/assets/js/dom.js';
import { ratingForm, ratingSummary } from '/assets/js/rating.js';
import { navigation } from './common.js';

const form = document.getElementById('progress-form');
const number = document.getElementById('number');
const code = document.getElementById('code');
const result = document.getElementById('result');

function fieldError(input, message) {
  const field = input.closest('.field');
  field.classList.toggle('invalid', Boolean(message));
  input.setAttribute('aria-invalid', message ? 'true' : 'false');
  field.querySelector('.error')?.remove();
  if (message) field.append(h('div', { class: 'error', id: `${input.id}-error` }, message));
  // Screen readers read the error with the field, after its help.
  input.setAttribute('aria-describedby', `${input.id}-help${message ? ` ${input.id}-error` : ''}`);
  return !message;
}

function render(p) {
  return h('section', { class: 'panel', id: 'progress' },
    h('h2', {}, p.matterName),
    h('p', { class: 'status-line' }, '当前状态：', statusBadge(p.status)),
    facts([
      ['办件编号', p.number],
      ['申请人', p.applicantName],
      ['提交时间', when(p.submittedAt)],
      ['办结期限', p.dueDate ? `${p.dueDate} 前` : '受理后计算'],
    ]),
    h('h3', {}, '办理过程'),
    h('ol', { class: 'timeline', id: 'steps' }, p.steps.map((s) => h('li', {},
      h('strong', {}, s.stepName), ' ', h('span', { class: 'muted' }, STATUS[s.status] || s.status),
      h('div', { class: 'muted' }, when(s.at))))));
}

// 好差评: once the case is decided or delivered, its applicant (signed in) rates it here.
const RATEABLE = ['APPROVED', 'DENIED', 'DELIVERED'];

function ratingSection(n) {
  const body = h('div', { id: 'rating-body' });
  const section = h('section', { class: 'panel', id: 'rating' }, h('h2', {}, '好差评'), body);
  showRating(n, body);
  return section;
}

async function showRating(n, body) {
  if (!session.token()) {
    mount(body, h('p', { class: 'muted' }, '请申请人本人登录后评价。'), signInForm(n, body));
    return;
  }
  try {
    const c = await get(`/api/v1/applications/${encodeURIComponent(n)}`);
    mount(body, c.rating ? ratingSummary(c.rating)
      : await ratingForm(n, (r) => mount(body, h('div', { class: 'alert ok', role: 'status' }, '感谢您的评价！'), ratingSummary(r)),
        { source: params.get('via') === 'sms' ? 'SMS' : null }));
  } catch (e) {
    session.clear();
    mount(body, e.status === 404 ? h('p', { class: 'alert error', role: 'alert' }, '只有申请人本人可以评价该办件，请用申请人的账号登录。')
      : errorBox(e), signInForm(n, body));
  }
}

function signInForm(n, body) {
  const user = h('input', { id: 'rating-user', autocomplete: 'username', required: true });
  const pass = h('input', { id: 'rating-password', type: 'password', autocomplete: 'current-password', required: true });
  const message = h('div', { 'aria-live': 'polite' });
  return h('form', { id: 'rating-sign-in', onsubmit: async (e) => {
    e.preventDefault();
    try {
      await signIn(user.value.trim(), pass.value);
      showRating(n, body);
    } catch (err) {
      mount(message, errorBox(err));
    }
  } },
  h('div', { class: 'field' }, h('label', { for: 'rating-user' }, '账号、身份证号或手机号'), user),
  h('div', { class: 'field' }, h('label', { for: 'rating-password' }, '密码'), pass),
  message,
  h('button', { type: 'submit', class: 'primary' }, '登录并评价'));
}

async function lookUp() {
  const n = number.value.replace(/\s+/g, '');
  const c = code.value.trim().toUpperCase();
  const ok = [fieldError(number, n ? '' : '请填写办件编号。'), fieldError(code, c ? '' : '请填写查询码。')].every(Boolean);
  if (!ok) {
    mount(result);
    (n ? code : number).focus();
    return;
  }
  mount(result, h('p', { class: 'muted' }, '正在查询…'));
  try {
    const p = await get(`/api/v1/applications/${encodeURIComponent(n)}/progress?queryCode=${encodeURIComponent(c)}`);
    mount(result, render(p));
    if (RATEABLE.includes(p.status)) result.append(ratingSection(p.number));
    // On a phone the answer is below the form: bring it into view.
    result.scrollIntoView({ block: 'start' });
  } catch (e) {
    mount(result, e.status === 404
      ? h('div', { class: 'alert error', role: 'alert', id: 'not-found' }, h('strong', {}, '没有查到该办件'),
        h('p', {}, '请核对办件编号和查询码是否填写正确。查询码在提交申请时发给申请人，可向受理窗口或拨打 12345 咨询。'))
      : errorBox(e));
  }
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  lookUp();
});

navigation();
// From the SMS's rating link the number and query code come in the fragment (never in a server's logs).
const params = new URLSearchParams(location.hash.length > 1 ? location.hash.slice(1) : location.search);
if (params.get('number')) number.value = params.get('number');
if (params.get('code')) code.value = params.get('code');
if (number.value && code.value) lookUp();
