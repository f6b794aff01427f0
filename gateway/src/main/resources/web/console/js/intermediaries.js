// 中介超市: supervisors and administrators register intermediary organisations (credit code, one qualification
// with its expiry and the services it covers), edit them, renew their qualifications, and put them on the
// blacklist or lift it, with the reason on record.
import { get, post, put } from '/assets/js/api.js';
import { errorBox, h, mount as fill, notice, today, when } from '/assets/js/dom.js';

const field = (id, label, control) => h('div', { class: 'field' }, h('label', { for: id }, label), control);
// A violation's pointer → the field that shows it.
const FIELD_OF = {
  '/creditCode': 'im-creditCode', '/name': 'im-name', '/address': 'im-address',
  '/qualifications/0/name': 'im-q-name', '/qualifications/0/certificateNo': 'im-q-number',
  '/qualifications/0/level': 'im-q-level', '/qualifications/0/issuer': 'im-q-issuer',
  '/qualifications/0/validUntil': 'im-q-validUntil', '/qualifications/0/services': 'im-services',
};

export async function mount(main) {
  const result = h('div', { id: 'im-result', 'aria-live': 'polite' });
  // The registration's answer shows at the form, which sits below the list.
  const formResult = h('div', { id: 'im-form-result', 'aria-live': 'polite' });
  const list = h('div', { id: 'im-list' });
  const actionHolder = h('div', { id: 'im-action-holder' });
  const services = await get('/api/v1/intermediary-services');
  const input = (id, attrs = {}) => h('input', { id, ...attrs });
  const serviceBoxes = h('fieldset', { id: 'im-services', class: 'field checks' }, h('legend', {}, '资质覆盖的中介服务'),
    services.map((s, i) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', name: 'service', value: s.service, id: `im-service-${i}` }),
      ` ${s.service}`, h('span', { class: 'muted' }, `（${s.matters.map((m) => m.name).join('、')}）`))));
  const form = h('form', { class: 'panel', id: 'im-form' },
    h('h2', {}, '登记中介机构'),
    h('div', { class: 'grid' },
      field('im-name', '机构名称', input('im-name', { required: true, maxlength: 200 })),
      field('im-creditCode', '统一社会信用代码', input('im-creditCode', { required: true, maxlength: 18, autocomplete: 'off' })),
      field('im-address', '地址', input('im-address', { maxlength: 200 })),
      field('im-q-name', '资质名称', input('im-q-name', { required: true, placeholder: '如：测绘资质证书' })),
      field('im-q-number', '证书编号', input('im-q-number', { required: true })),
      field('im-q-level', '资质等级', input('im-q-level', { placeholder: '如：乙级' })),
      field('im-q-issuer', '发证机关', input('im-q-issuer')),
      field('im-q-validUntil', '资质有效期至', input('im-q-validUntil', { type: 'date', required: true, min: today() }))),
    serviceBoxes, formResult,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, '登记入驻')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    form.querySelectorAll('.invalid').forEach((f) => f.classList.remove('invalid'));
    const value = (id) => form.querySelector(`#${id}`).value.trim();
    const optional = (id) => value(id) || undefined;
    const body = {
      name: value('im-name'), creditCode: value('im-creditCode').toUpperCase(), address: optional('im-address'),
      qualifications: [{
        name: value('im-q-name'), certificateNo: value('im-q-number'), level: optional('im-q-level'),
        issuer: optional('im-q-issuer'), validUntil: value('im-q-validUntil'),
        services: [...form.querySelectorAll('input[name=service]:checked')].map((c) => c.value),
      }],
    };
    try {
      const o = await post('/api/v1/intermediaries', body);
      fill(formResult, notice(`已登记 ${o.name}（${o.creditCode}），已在中介超市公示。`));
      form.reset();
      await load();
    } catch (err) {
      fill(formResult, errorBox(err));
      (err.violations || []).forEach((v) => {
        const id = FIELD_OF[v.pointer] || FIELD_OF[v.pointer.replace(/\/\d+$/, '')];
        const at = id && form.querySelector(`#${id}`);
        (at?.closest('.field') || at)?.classList.add('invalid');
      });
    }
  });

  // 列入 / 移出黑名单: the reason is asked in a small form above the list (never a browser dialog).
  function decide(o) {
    const on = !o.blacklisted;
    const reason = h('input', { id: 'im-reason', required: true, maxlength: 1000 });
    const box = h('form', { class: 'panel', id: 'im-action-form' },
      field('im-reason', `将 ${o.name} ${on ? '列入黑名单' : '移出黑名单'}的理由`, reason),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, on ? '确认列入黑名单' : '确认移出黑名单'),
        h('button', { type: 'button', onclick: () => fill(actionHolder) }, '取消')));
    box.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await post(`/api/v1/intermediaries/${encodeURIComponent(o.id)}/blacklist`,
          { action: on ? 'BLACKLIST' : 'LIFT', reason: reason.value.trim() });
        fill(actionHolder);
        fill(result, notice(on ? `${o.name} 已列入黑名单，不能再被选取。` : `${o.name} 已移出黑名单，可以重新被选取。`));
        await load();
      } catch (err) {
        fill(actionHolder, box, errorBox(err));
      }
    });
    fill(actionHolder, box);
    reason.focus();
  }

  // A small form above the list (as the blacklist's): it answers at itself and reloads the list when done;
  // done() words the notice from what was sent.
  function action(box, send, done) {
    box.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await send();
        fill(actionHolder);
        fill(result, notice(done()));
        await load();
      } catch (err) {
        fill(actionHolder, box, errorBox(err));
      }
    });
    fill(actionHolder, box);
    box.querySelector('input, select')?.focus();
  }

  // 修改信息: name, address, introduction (the credit code names the organisation and stays).
  function edit(o) {
    const name = h('input', { id: 'im-edit-name', required: true, maxlength: 200, value: o.name });
    const address = h('input', { id: 'im-edit-address', maxlength: 200, value: o.address || '' });
    const intro = h('textarea', { id: 'im-edit-introduction', maxlength: 2000, rows: 2 }, o.introduction || '');
    const box = h('form', { class: 'panel', id: 'im-edit-form' }, h('h3', {}, `修改 ${o.name}（${o.creditCode}）`),
      h('div', { class: 'grid' }, field('im-edit-name', '机构名称', name), field('im-edit-address', '地址', address),
        field('im-edit-introduction', '简介', intro)),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, '保存修改'),
        h('button', { type: 'button', onclick: () => fill(actionHolder) }, '取消')));
    action(box, () => put(`/api/v1/intermediaries/${encodeURIComponent(o.id)}`, { name: name.value.trim(),
      address: address.value.trim(), introduction: intro.value.trim() }), () => `${name.value.trim()} 的信息已修改。`);
  }

  // 资质续期: the renewed certificate's expiry, and its number when it was reissued.
  function renew(o) {
    const which = h('select', { id: 'im-renew-qualification' }, o.qualifications.map((q) => h('option', { value: q.id },
      `${q.name} ${q.certificateNo}（有效期至 ${q.validUntil}${q.expired ? '，已过期' : ''}）`)));
    const until = h('input', { id: 'im-renew-validUntil', type: 'date', required: true, min: today() });
    const number = h('input', { id: 'im-renew-number', maxlength: 200, placeholder: '换发新证时填写' });
    const box = h('form', { class: 'panel', id: 'im-renew-form' }, h('h3', {}, `${o.name} 资质续期`),
      h('div', { class: 'grid' }, field('im-renew-qualification', '资质', which), field('im-renew-validUntil', '续期后有效期至', until),
        field('im-renew-number', '新证书编号', number)),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, '确认续期'),
        h('button', { type: 'button', onclick: () => fill(actionHolder) }, '取消')));
    action(box, () => post(`/api/v1/intermediaries/${encodeURIComponent(o.id)}/qualifications/${encodeURIComponent(which.value)}/renewals`,
      { validUntil: until.value, ...(number.value.trim() ? { certificateNo: number.value.trim() } : {}) }),
    () => `${o.name} 的资质已续期至 ${until.value}。`);
  }

  const row = (o) => h('tr', { dataset: { id: o.id } },
    h('td', {}, o.name), h('td', {}, o.creditCode), h('td', { class: 'num' }, String(o.creditScore)),
    h('td', {}, o.blacklisted ? h('span', { class: 'badge blacklist' }, '黑名单') : h('span', { class: 'badge ok' }, '正常'),
      o.blacklisted ? h('div', { class: 'muted' }, `${o.blacklistReason || ''}（${when(o.blacklistedAt)}）`) : null),
    h('td', {}, o.services.map((s) => `${s.service}${s.qualified ? '' : '（资质已过期）'}`).join('、')),
    h('td', {}, `${o.evaluations} 次${o.averageGrade ? `，均 ${o.averageGrade}` : ''}${o.overdue ? `；逾期 ${o.overdue}` : ''}`),
    h('td', { class: 'im-actions' }, h('button', { type: 'button', onclick: () => decide(o) }, o.blacklisted ? '移出黑名单' : '列入黑名单'),
      h('button', { type: 'button', onclick: () => edit(o) }, '修改信息'),
      h('button', { type: 'button', onclick: () => renew(o) }, '资质续期')));

  async function load() {
    try {
      const page = await get('/api/v1/intermediaries');
      fill(list, page.items.length
        ? h('div', { class: 'table-scroll' }, h('table', { id: 'im-table' },
          h('thead', {}, h('tr', {}, ['机构', '统一社会信用代码', '信用分', '状态', '中介服务', '评价', ''].map((t) => h('th', {}, t)))),
          h('tbody', {}, page.items.map(row))))
        : h('p', { class: 'muted' }, '尚无入驻的中介机构。'));
    } catch (err) {
      fill(list, errorBox(err));
    }
  }

  fill(main, h('h1', {}, '中介超市'),
    h('p', { class: 'muted' }, '登记入驻的中介服务机构；信用分由项目业主的评价和逾期情况算出，低于阈值自动列入黑名单。'
      + '监察人员也可依据核查结果列入或移出黑名单，理由留档公示。列入黑名单的机构不能被选取。'),
    h('p', {}, h('a', { href: '/public/intermediaries.html', target: '_blank', rel: 'noopener' }, '查看公开的中介超市名录')),
    result, h('h2', {}, '入驻机构'), actionHolder, list, form);
  return load();
}
