// The actions a reviewer or approver may take on a case now (docs/case-lifecycle.md, CaseAction), each as a
// small form asking for what the API needs. The page does not second-guess the API: whatever it refuses
// (403, 409, 422) is shown as it says it.
import { newKey, post } from '/assets/js/api.js';
import { errorBox, h, mount as fill, notice } from '/assets/js/dom.js';
import { PROCEDURE } from './labels.js';

const comment = (label, help) => ({ kind: 'comment', label, help });

/** What the signed-in role may do on this case in its status, in the order a person would look for it. */
function offered(app, profile, steps, matter) {
  const roles = profile.roles || [];
  const reviewer = roles.includes('REVIEWER');
  const approver = roles.includes('APPROVER');
  const mine = app.departmentCode === profile.departmentCode;
  const parallel = (app.parallelDepartments || []).length > 0;
  const s = app.status;
  const list = [];
  if (reviewer && mine && s === 'ACCEPTED' && !parallel) {
    list.push({ action: 'review-pass', label: '审核通过', fields: [comment('审核意见', '选填')] });
    list.push({ action: 'review-return', label: '审核退回', fields: [{ kind: 'items' }, comment('说明', '选填')] });
  }
  const pending = (app.opinions || []).find((o) => o.department === profile.departmentCode && !o.opinion);
  if (reviewer && s === 'ACCEPTED' && pending) {
    list.push({ action: 'opinion', label: '提出部门意见', fields: [{ kind: 'opinion' }, comment('意见说明', '不同意时必须说明理由')] });
  }
  if (approver && mine && s === 'IN_REVIEW') {
    list.push({ action: 'approve', label: '准予许可', fields: [comment('审批意见', '选填')] });
  }
  const disagreed = (app.opinions || []).some((o) => o.opinion === 'DISAGREE');
  if (approver && mine && (s === 'IN_REVIEW' || (s === 'ACCEPTED' && disagreed))) {
    list.push({ action: 'deny', label: '不予许可', fields: [comment('不予许可的理由', '必须说明理由和依据')] });
  }
  const extended = steps.some((x) => x.action === 'extend');
  if (approver && mine && ['ACCEPTED', 'IN_REVIEW', 'SUSPENDED'].includes(s) && !extended) {
    const joint = parallel || (matter?.jointDepartments || []).length > 0;
    list.push({ action: 'extend', label: '延长期限', fields: [{ kind: 'days', options: joint ? [10, 15] : [10] }, comment('延期理由', '必须说明理由')] });
  }
  if ((reviewer || approver) && mine && ['ACCEPTED', 'IN_REVIEW'].includes(s)) {
    list.push({ action: 'suspend', label: '中止（特别程序）', fields: [{ kind: 'procedure' }, comment('事由及所需时间', '必填，写入特别程序告知书（行政许可法第四十五条）')] });
  }
  if ((reviewer || approver) && mine && s === 'SUSPENDED') {
    list.push({ action: 'resume', label: '恢复办理', fields: [comment('说明', '选填')] });
  }
  const verifiable = ['ACCEPTED', 'IN_REVIEW', 'SUSPENDED', 'APPROVED', 'DELIVERED'].includes(s);
  if (reviewer && mine && app.commitments && !app.commitments.verifiedAt && verifiable) {
    list.push({ action: 'verify-commitment', label: '承诺核查', fields: [{ kind: 'result' }, comment('核查说明', '核查不实时必须说明')] });
  }
  if (approver && mine && ['APPROVED', 'DENIED'].includes(s)) {
    list.push({ action: 'deliver', label: '送达', fields: [{ kind: 'delivery' }, comment('说明', '选填')] });
  }
  return list;
}

function choice(id, label, options) {
  return h('div', { class: 'field' }, h('label', { for: id }, label),
    h('select', { id }, Object.entries(options).map(([v, t]) => h('option', { value: v }, t))));
}

/** The inputs of one field kind, and how they go into the request body. */
const FIELDS = {
  comment: (f) => ({
    el: h('div', { class: 'field' }, h('label', { for: 'action-comment' }, f.label),
      h('textarea', { id: 'action-comment', maxlength: 2000, 'aria-describedby': 'action-comment-help' }),
      h('div', { class: 'help', id: 'action-comment-help' }, f.help)),
    read: (form, body) => { const v = form.querySelector('#action-comment').value.trim(); if (v) body.comment = v; },
  }),
  items: () => ({
    el: h('div', { class: 'field' }, h('label', { for: 'action-items' }, '需补正的事项（每行一项）'),
      h('textarea', { id: 'action-items' })),
    read: (form, body) => {
      body.items = form.querySelector('#action-items').value.split('\n').map((x) => x.trim()).filter(Boolean)
        .map((message) => ({ message }));
    },
  }),
  opinion: () => ({
    el: choice('action-opinion', '意见', { AGREE: '同意', DISAGREE: '不同意' }),
    read: (form, body) => { body.opinion = form.querySelector('#action-opinion').value; },
  }),
  days: (f) => ({
    el: choice('action-days', '延长工作日', Object.fromEntries(f.options.map((d) => [d, `${d} 个工作日`]))),
    read: (form, body) => { body.workingDays = Number(form.querySelector('#action-days').value); },
  }),
  procedure: () => ({
    el: choice('action-procedure', '特别程序', PROCEDURE),
    read: (form, body) => { body.procedure = form.querySelector('#action-procedure').value; },
  }),
  result: () => ({
    el: choice('action-result', '核查结果', { TRUE: '承诺属实', FALSE: '承诺不实（终止办理）' }),
    read: (form, body) => { body.result = form.querySelector('#action-result').value; },
  }),
  delivery: () => ({
    el: choice('action-delivery', '送达方式', { ELECTRONIC: '电子送达', WINDOW: '窗口领取', EXPRESS: '邮寄' }),
    read: (form, body) => { body.deliveryMethod = form.querySelector('#action-delivery').value; },
  }),
};

/** The panel of actions; done is a message to show after an action succeeded and the case was reloaded. */
export function actionPanel(app, profile, steps, matter, reload, done) {
  const list = offered(app, profile, steps, matter);
  const holder = h('div', { id: 'action-form' });
  const buttons = list.map((a) => h('button', { type: 'button', class: a.action === 'deny' ? 'danger' : null,
    onclick: () => open(a) }, a.label));

  function open(a) {
    const parts = a.fields.map((f) => FIELDS[f.kind](f));
    const message = h('div', { id: 'action-message' });
    const form = h('form', { onsubmit: async (e) => {
      e.preventDefault();
      const body = { action: a.action, version: app.version };
      parts.forEach((p) => p.read(form, body));
      const submit = form.querySelector('button[type=submit]');
      submit.disabled = true;
      try {
        await post(`/api/v1/applications/${encodeURIComponent(app.number)}/actions`, body, { idempotencyKey: newKey() });
        reload(`已${a.label}。`);
      } catch (err) {
        fill(message, errorBox(err));
        submit.disabled = false;
      }
    } },
    h('fieldset', {}, h('legend', {}, a.label), parts.map((p) => p.el), message,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary' }, `确认${a.label}`),
        h('button', { type: 'button', onclick: () => fill(holder) }, '取消'))));
    fill(holder, form);
    form.querySelector('textarea, select')?.focus();
  }

  return h('section', { class: 'panel', id: 'actions' }, h('h2', {}, '办理'),
    done ? notice(done) : null,
    list.length ? h('div', { class: 'actions' }, buttons)
      : h('p', { class: 'muted' }, '当前状态下，您的角色没有可办理的操作。'),
    holder);
}
