// 电子证照核验: a licence's QR code opens this page with its signed payload after '#' (the fragment never
// leaves the phone except in the POST below); a printed identifier can be typed instead.
import { post } from '/assets/js/api.js';
import { h, mount, errorBox, facts } from '/assets/js/dom.js';
import { navigation } from './common.js';

const VERDICT = { VALID: '有效', EXPIRED: '已过期', REVOKED: '已撤销', TAMPERED: '被篡改' };
// Not every TAMPERED is a forgery: no such licence, or a mistyped or unreadable code, say so.
const BY_REASON = { unknown: ['UNKNOWN', '未找到'], unreadable: ['UNKNOWN', '无法识别'], badCheck: ['UNKNOWN', '无法识别'] };

const form = document.getElementById('verify-form');
const input = document.getElementById('licence-input');
const result = document.getElementById('result');

/** A payload (TBL2.… of a QR code, TBL1.… signed) or a verification URL goes as payload; anything else is a printed identifier. */
function request(text) {
  const t = text.trim();
  return /^TBL[12]\./.test(t) || t.includes('#') || /^https?:\/\//i.test(t) ? { payload: t } : { identifier: t };
}

function render(v) {
  const [kind, word] = (v.status === 'TAMPERED' && BY_REASON[v.reasonCode]) || [v.status, VERDICT[v.status] || v.status];
  const l = v.licence || {};
  return h('section', { class: 'panel', id: 'verdict-panel' },
    h('div', { class: `verdict ${kind}`, id: 'verdict', role: 'status' }, word),
    h('p', { class: 'reason' }, v.reason),
    facts([
      ['证照名称', l.name],
      ['证照类型', l.typeName],
      ['证照编号', l.number],
      ['电子证照标识', l.identifier],
      ['颁发机构', l.issuerName],
      ['颁证日期', l.issueDate],
      ['有效期', l.validFrom ? `${l.validFrom} 至 ${l.validUntil || '长期'}` : null],
      ['持证人', l.holderName],
      ['持证主体代码', l.holderCode],
      ['撤销时间', v.revokedAt ? v.revokedAt.slice(0, 10) : null],
      ['撤销原因', v.revocationReason],
    ]),
    v.status === 'VALID' ? h('p', { class: 'muted' }, '持证人信息已按规定隐去部分内容，请与证件原件核对。') : null);
}

async function verify(text) {
  if (!text.trim()) {
    mount(result, h('div', { class: 'alert error', role: 'alert' }, '请输入证照标识或核验信息。'));
    input.focus();
    return;
  }
  mount(result, h('p', { class: 'muted' }, '正在核验…'));
  try {
    mount(result, render(await post('/api/v1/licences/verify', request(text))));
  } catch (e) {
    mount(result, errorBox(e));
  }
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  verify(input.value);
});
input.addEventListener('keydown', (e) => {
  // A one-line answer in a textarea: Enter submits, as in every other form.
  if (e.key === 'Enter' && !e.shiftKey) {
    e.preventDefault();
    form.requestSubmit();
  }
});

function fromHash() {
  const raw = location.hash.slice(1);
  let payload = raw;
  try {
    payload = decodeURIComponent(raw);
  } catch (e) {
    // Not percent-encoded after all: the API will say the payload is unreadable.
  }
  if (payload) {
    input.value = '';
    verify(payload);
  }
}
window.addEventListener('hashchange', fromHash);
navigation();
fromHash();
