// 企业认领核验: claims to be an enterprise's legal representative that 市场监管's registration data could not
// confirm wait here. The clerk checks the business licence (营业执照) and the claimant's identity card in
// person, then verifies the claim or refuses it with a reason. Until then the claimant cannot act for it.
import { get, post } from '/assets/js/api.js';
import { errorBox, h, mount, notice, when } from '/assets/js/dom.js';

/** One pending claim: who claims which enterprise, and the two decisions. */
function claimRow(c, decided) {
  const reasonId = `claim-reason-${c.id}`;
  const reason = h('input', { id: reasonId, name: 'reason', maxlength: 200, placeholder: '不予核验时必填' });
  const message = h('div', { class: 'claim-message' });
  const decide = async (decision) => {
    try {
      await post(`/api/v1/enterprise-claims/${encodeURIComponent(c.id)}/decision`,
        decision === 'REFUSE' ? { decision, reason: reason.value.trim() } : { decision });
      decided(decision === 'VERIFY' ? `已核验：${c.name}（${c.creditCode}）登记给 ${c.claimant.name}。`
        : `已不予核验：${c.name}（${c.creditCode}）。`);
    } catch (err) {
      mount(message, errorBox(err));
      if (decision === 'REFUSE') reason.focus();
    }
  };
  // Enter in the reason field refuses, the one decision that needs it.
  const form = h('form', { class: 'claim-decision', onsubmit: (e) => { e.preventDefault(); decide('REFUSE'); } },
    h('label', { for: reasonId }, '理由'), reason,
    h('button', { type: 'button', class: 'primary', dataset: { action: 'verify' }, onclick: () => decide('VERIFY') },
      '核验通过'),
    h('button', { type: 'submit', dataset: { action: 'refuse' } }, '不予核验'));
  return h('li', { class: 'claim', dataset: { claim: c.id } },
    h('div', { class: 'claim-head' }, h('strong', {}, c.name), h('span', { class: 'muted' }, c.creditCode)),
    h('dl', { class: 'facts' },
      h('dt', {}, '认领人（法定代表人）'), h('dd', {}, `${c.claimant.name}　${c.claimant.idNumber}`),
      h('dt', {}, '提交时间'), h('dd', {}, when(c.createdAt))),
    h('p', { class: 'muted' }, '请核对营业执照原件上的名称、统一社会信用代码和法定代表人，以及认领人的身份证件。'),
    form, message);
}

/** The pending claims, oldest first; each decision reloads the list with a note of what was done. */
export async function claimList(root) {
  const status = h('div', { id: 'claims-status' });
  const list = h('ul', { id: 'claim-list', class: 'claims' });
  async function load(done) {
    mount(status, done ? notice(done) : null);
    try {
      const { items } = await get('/api/v1/enterprise-claims');
      mount(list, ...(items.length ? items.map((c) => claimRow(c, load))
        : [h('li', { class: 'muted' }, '没有待核验的企业认领。')]));
    } catch (err) {
      mount(list, h('li', {}, errorBox(err)));
    }
  }
  mount(root, h('section', { class: 'panel' }, h('h2', {}, '企业认领核验'),
    h('p', { class: 'muted' }, '市场监管登记信息无法确认法定代表人的企业认领在此等候窗口核验；核验通过前，认领人不能以企业名义办理或授权经办人。'),
    status, list));
  await load(null);
}
