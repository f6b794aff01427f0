// One case at the window: what it is, its materials, and the actions its status allows — 受理 (with 容缺 or
// 告知承诺), 一次性补正告知, 不予受理, 补正提交 for a walk-in, 送达 — plus the printable notice and receipt.
import { api, get, post } from '/assets/js/api.js';
import { CHANNEL, errorBox, facts, h, mount, notice, statusBadge, when } from '/assets/js/dom.js';
import { renderForm } from '/assets/js/form.js';

const WARN = { REMINDER: '提醒', YELLOW: '黄牌', RED: '红牌' };

/** Shows case `number` in `root`; `flash` is a notice to show on top. */
export async function showCase(root, number, flash, profile) {
  // Village agents (代办) take cases in; accepting, correcting, refusing and delivering are the clerk's.
  const clerk = (profile?.roles || []).includes('CLERK');
  let c;
  let matter;
  try {
    c = await get(`/api/v1/applications/${encodeURIComponent(number)}`);
    matter = await get(`/api/v1/matters/${encodeURIComponent(c.matterCode)}`);
  } catch (err) {
    mount(root, errorBox(err));
    return;
  }
  const message = h('div', { id: 'case-message', 'aria-live': 'polite' }, flash ? notice(flash) : null);
  const doc = h('section', { id: 'document', class: 'print-doc', hidden: true });
  const materialsBox = h('div', { id: 'case-materials' });
  const names = Object.fromEntries((matter.materials || []).map((m) => [m.code, m.name]));

  /** Takes an action on the case as the clerk saw it (its version), then shows the case again. */
  async function act(body, done) {
    try {
      const after = await post(`/api/v1/applications/${encodeURIComponent(number)}/actions`, { ...body, version: c.version });
      await showCase(root, number, done(after), profile);
    } catch (err) {
      mount(message, errorBox(err));
      message.querySelector('[role=alert]')?.scrollIntoView({ block: 'nearest' });
      return err;
    }
    return null;
  }

  /** Fetches a printable document (it needs the token, so it cannot simply be opened) and shows it for printing. */
  async function printable(path, title) {
    try {
      const html = await api('GET', path, { accept: 'text/html' });
      // Parsed inert (nothing in it runs); its own <style> goes first, as the page's CSP refuses inline styles.
      const parsed = new DOMParser().parseFromString(html.replace(/<style[\s\S]*?<\/style>/gi, ''), 'text/html');
      parsed.querySelectorAll('script, style, link').forEach((x) => x.remove());
      mount(doc, h('div', { class: 'actions noprint' }, h('button', { type: 'button', class: 'primary', id: 'print', onclick: () => window.print() }, `打印${title}`),
        h('button', { type: 'button', onclick: () => { doc.hidden = true; document.body.classList.remove('printing'); } }, '关闭')),
      h('div', { class: 'paper' }, [...parsed.body.childNodes].map((n) => document.importNode(n, true))));
      doc.hidden = false;
      document.body.classList.add('printing');
      doc.scrollIntoView({ block: 'start' });
      doc.querySelector('#print').focus({ preventScroll: true });
    } catch (err) {
      mount(message, errorBox(err));
    }
  }

  const warnings = (c.warnings || []).map((w) => h('span', { class: `badge warn-${w.level}` }, WARN[w.level] || w.level, w.message ? `：${w.message}` : ''));
  const summary = h('section', { class: 'panel', id: 'case' },
    h('h2', {}, `办件 `, h('span', { id: 'case-number' }, c.number), ' ', statusBadge(c.status)),
    facts([
      ['事项', c.matterName],
      ['申请人', [c.applicant?.name, c.applicant?.idNumber, c.applicant?.phone].filter(Boolean).join(' ')],
      ['渠道', CHANNEL[c.channel] || c.channel],
      ['查询码', c.queryCode],
      ['提交时间', when(c.submittedAt)],
      ['受理告知期限', c.status === 'SUBMITTED' ? c.noticeDueDate : null],
      ['受理时间', when(c.acceptedAt)],
      ['承诺办结日期', c.dueDate],
      ['法定办结日期', c.legalDueDate],
      ['监察', warnings.length ? warnings : null],
    ]),
    c.correction ? h('div', { class: 'panel', id: 'correction' }, h('h3', {}, `补正告知（${when(c.correction.noticeAt)}）`),
      h('ol', {}, (c.correction.items || []).map((i) => h('li', {}, i.material || i.pointer ? `${names[i.material] || i.material || i.pointer}：` : '', i.message)))) : null,
    c.deficiency ? h('div', { class: 'panel' }, h('h3', {}, '容缺材料'), h('ul', {}, (c.deficiency.items || [])
      .map((i) => h('li', {}, `${names[i.material] || i.material}：${i.suppliedAt ? `已于 ${when(i.suppliedAt)} 补齐` : `限 ${i.deadline} 前补交`}`)))) : null);

  const actions = h('section', { class: 'panel noprint', id: 'case-actions' }, h('h3', {}, '办理'), actionsFor(c.status));
  mount(root, message, summary, actions, h('section', { class: 'panel' }, h('h3', {}, '材料'), materialsBox), doc);
  if (flash) window.scrollTo(0, 0); // the outcome of the action just taken is read first
  get(`/api/v1/applications/${encodeURIComponent(number)}/materials`).then((list) => mount(materialsBox,
    h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, '材料'), h('th', {}, '情况'))),
      h('tbody', {}, list.map((m) => h('tr', {}, h('td', {}, m.name, m.required ? h('span', { class: 'badge' }, '必需') : null),
        h('td', {}, m.satisfiedBy ? { LICENCE: '已从电子证照库调取', UPLOAD: '已上传', REUSED: '复用此前提交的材料' }[m.satisfiedBy.kind] || m.satisfiedBy.kind
          : '未提交')))))))
    .catch((err) => mount(materialsBox, errorBox(err)));

  function actionsFor(status) {
    const out = [];
    if (status === 'SUBMITTED' && c.sameCity?.forwarded) {
      out.push(h('p', { class: 'muted' }, '同城通办：本件已转归属地受理部门，由其受理、补正告知或不予受理。'));
    } else if (status === 'SUBMITTED' && clerk) out.push(acceptPanel(), correctionPanel(), refusePanel());
    else if (status === 'SUBMITTED') out.push(h('p', { class: 'muted' }, '待窗口工作人员受理。'));
    if (status === 'CORRECTION_REQUESTED') out.push(resubmitPanel());
    if (c.correction) out.push(h('button', { type: 'button', id: 'print-correction', onclick: () => printable(`/api/v1/applications/${number}/correction-notice`, '补正材料通知书') }, '打印补正材料通知书'));
    if (c.suspendedAt) out.push(h('button', { type: 'button', id: 'print-special-procedure', onclick: () => printable(`/api/v1/applications/${number}/special-procedure-notice`, '特别程序告知书') }, '打印特别程序告知书'));
    if (c.acceptedAt) out.push(h('button', { type: 'button', id: 'print-receipt', onclick: () => printable(`/api/v1/applications/${number}/receipt`, '受理回执') }, '打印受理回执'));
    if (clerk && (status === 'APPROVED' || status === 'DENIED')) out.push(deliverPanel());
    if (!out.length) out.push(h('p', { class: 'muted' }, '当前状态下窗口无需办理。'));
    return out;
  }

  function acceptPanel() {
    const tolerable = (matter.materials || []).filter((m) => m.tolerable);
    const replaceable = (matter.materials || []).filter((m) => m.commitment);
    const rows = tolerable.map((m) => ({ m, check: h('input', { type: 'checkbox', id: `missing-${m.code}` }), deadline: h('input', { type: 'date', id: `missing-${m.code}-deadline`, 'aria-label': `${m.name}补交期限` }) }));
    const commitment = h('textarea', { id: 'deficiency-commitment', rows: 2 });
    const promises = replaceable.map((m) => ({ m, check: h('input', { type: 'checkbox', id: `commit-${m.code}` }), statement: h('input', { id: `commit-${m.code}-statement`, 'aria-label': `${m.name}承诺内容` }) }));
    return h('form', { class: 'action', id: 'accept-form', onsubmit: (e) => {
      e.preventDefault();
      const missing = rows.filter((r) => r.check.checked).map((r) => ({ material: r.m.code, deadline: r.deadline.value }));
      const commits = promises.filter((p) => p.check.checked).map((p) => ({ material: p.m.code, statement: p.statement.value.trim() }));
      act({ action: 'accept', ...(missing.length ? { missingMaterials: missing, commitment: commitment.value.trim() } : {}),
        ...(commits.length ? { commitments: commits } : {}) },
      (a) => `已受理${missing.length ? '（容缺受理）' : commits.length ? '（告知承诺）' : ''}，承诺办结日期 ${a.dueDate || '—'}。`);
    } }, h('h4', {}, '受理'),
    rows.length ? h('fieldset', {}, h('legend', {}, '容缺受理：暂缺的次要材料'), rows.map((r) => h('div', { class: 'field' },
      h('label', { for: r.check.id, class: 'check' }, r.check, ` ${r.m.name}`), h('label', { for: r.deadline.id }, '补交期限'), r.deadline)),
    h('div', { class: 'field' }, h('label', { for: 'deficiency-commitment' }, '申请人书面承诺'), commitment)) : null,
    promises.length ? h('fieldset', {}, h('legend', {}, '告知承诺：以承诺代替证明'), promises.map((p) => h('div', { class: 'field' },
      h('label', { for: p.check.id, class: 'check' }, p.check, ` ${p.m.name}`), h('label', { for: p.statement.id }, '承诺内容'), p.statement))) : null,
    h('button', { type: 'submit', class: 'primary', id: 'accept' }, '受理'));
  }

  function correctionPanel() {
    const fromMaterials = (matter.materials || []).filter((m) => m.source === 'APPLICANT' || !m.source).map((m) => ({ m,
      check: h('input', { type: 'checkbox', id: `fix-${m.code}` }),
      text: h('input', { id: `fix-${m.code}-message`, 'aria-label': `${m.name}的补正要求`, placeholder: '补正要求，如：须申请人本人签字' }) }));
    const other = h('textarea', { id: 'fix-other', rows: 2, placeholder: '每行一项' });
    return h('form', { class: 'action', id: 'correction-form', onsubmit: (e) => {
      e.preventDefault();
      const items = [...fromMaterials.filter((x) => x.check.checked || x.text.value.trim())
        .map((x) => ({ material: x.m.code, message: x.text.value.trim() || `请补正${x.m.name}` })),
      ...other.value.split('\n').map((s) => s.trim()).filter(Boolean).map((message) => ({ message }))];
      act({ action: 'request-correction', items }, () => `已出具补正告知，共 ${items.length} 项；请打印补正材料通知书交申请人。`);
    } }, h('h4', {}, '一次性补正告知'), h('p', { class: 'help' }, '一次列明全部需要补正的内容。'),
    fromMaterials.map((x) => h('div', { class: 'field inline' }, h('label', { for: x.check.id, class: 'check' }, x.check, ` ${x.m.name}`), x.text)),
    h('div', { class: 'field' }, h('label', { for: 'fix-other' }, '其他补正事项'), other),
    h('button', { type: 'submit', id: 'request-correction' }, '出具补正告知'));
  }

  function refusePanel() {
    const reason = h('textarea', { id: 'refuse-reason', rows: 2 });
    return h('form', { class: 'action', id: 'refuse-form', onsubmit: (e) => {
      e.preventDefault();
      act({ action: 'not-accept', comment: reason.value.trim() }, () => '已作出不予受理决定。');
    } }, h('h4', {}, '不予受理'), h('div', { class: 'field' }, h('label', { for: 'refuse-reason', class: 'required' }, '不予受理的理由'), reason),
    h('button', { type: 'submit', class: 'danger', id: 'not-accept' }, '不予受理'));
  }

  function resubmitPanel() {
    const box = h('div');
    const form = renderForm(box, { schema: matter.form.schema, uiSchema: matter.form.uiSchema, data: c.data || {}, idPrefix: 'r' });
    return h('form', { class: 'action', id: 'resubmit-form', novalidate: true, onsubmit: async (e) => {
      e.preventDefault();
      if (form.validate().length) return;
      const err = await act({ action: 'resubmit', data: form.getData() }, () => '补正材料已提交，办件回到待受理。');
      if (err?.violations?.length) form.showViolations(err.violations.filter((v) => v.pointer?.startsWith('/data')).map((v) => ({ ...v, pointer: v.pointer.slice(5) })));
    } }, h('h4', {}, '代申请人补正提交'), h('p', { class: 'help' }, '申请人到窗口补正时，按补正告知修改后提交。'), box,
    h('button', { type: 'submit', class: 'primary', id: 'resubmit' }, '补正提交'));
  }

  function deliverPanel() {
    const method = h('select', { id: 'delivery-method' }, h('option', { value: 'WINDOW' }, '窗口领取'), h('option', { value: 'EXPRESS' }, '邮寄'), h('option', { value: 'ELECTRONIC' }, '电子送达'));
    return h('form', { class: 'action', id: 'deliver-form', onsubmit: (e) => {
      e.preventDefault();
      act({ action: 'deliver', deliveryMethod: method.value }, () => '已送达。');
    } }, h('h4', {}, '送达结果'), h('div', { class: 'field' }, h('label', { for: 'delivery-method' }, '送达方式'), method),
    h('button', { type: 'submit', class: 'primary', id: 'deliver' }, '送达'));
  }
}
