// 12345 热线: the call-taking screen (#/hotline) — a new order with the caller's earlier orders and cases, the matter
// guide to answer a consultation at once (直接办结), a case looked up by number and query code, the queue
// with deadlines — and one order (#/hotline/<number>) to dispatch, call back, close or reopen.
import { get, post } from '/assets/js/api.js';
import { errorBox, facts, h, mount as fill, notice, when } from '/assets/js/dom.js';
import { STATE, TYPE, queueTable, showOrder, stateBadge, statisticsPanel } from './hotline/order.js';

let filter = { status: '', overdue: false };

export async function mount(main, profile) {
  const number = decodeURIComponent(location.hash.split('/')[2] || '');
  if (number) return showOrder(main, profile, number, '#/hotline');
  const queue = h('div', { id: 'wo-queue-holder' });
  fill(main, h('h1', {}, '12345 热线 · 受理来电'),
    h('div', { class: 'columns wo-columns' },
      h('section', {}, takeForm(() => loadQueue(queue))),
      // The guide and the case lookup beside the form, so an answer is quoted without scrolling.
      h('section', {}, guideSearch(), caseLookup(), queueTools(queue), queue, statisticsPanel())));
  main.querySelector('#wo-phone').focus();
  return loadQueue(queue);
}

function field(id, label, control, required, help) {
  return h('div', { class: 'field' }, h('label', { for: id, class: required ? 'required' : undefined }, label), control,
    help ? h('div', { class: 'help' }, help) : null);
}

/** The new-order form: Enter submits; the phone brings up the caller's earlier orders. */
function takeForm(taken) {
  const earlier = h('div', { id: 'wo-earlier', 'aria-live': 'polite' });
  const message = h('div', { id: 'wo-take-message', 'aria-live': 'polite' });
  const phone = h('input', { id: 'wo-phone', type: 'tel', required: true, maxlength: 20, autocomplete: 'off' });
  const lookup = async () => {
    const p = phone.value.trim();
    if (!/^[0-9+-]{5,20}$/.test(p)) { fill(earlier); return; }
    try {
      const { workOrders: orders, cases } = await get(`/api/v1/hotline/callers/${encodeURIComponent(p)}`);
      fill(earlier, orders.length === 0 && cases.length === 0 ? h('p', { class: 'muted' }, '该号码没有来电记录，也没有查到办件。')
        : h('div', { class: 'panel wo-earlier' },
          orders.length === 0 ? h('p', { class: 'muted' }, '该号码没有来电记录。') : [h('strong', {}, `该号码的来电记录（${orders.length}）`),
            h('ul', {}, orders.map((o) => h('li', {}, h('a', { href: `#/hotline/${o.number}` }, o.number), ` ${when(o.createdAt)} · ${TYPE[o.type]} · ${o.subject} · `,
              stateBadge(o.status), o.caseNumber ? ` · 办件 ${o.caseNumber}` : '')))],
          cases.length === 0 ? null : [h('strong', {}, `来电人的办件（${cases.length}）`),
            h('ul', { id: 'wo-earlier-cases' }, cases.map((c) => h('li', {}, `${c.number} · ${c.matterName} · 申请人 ${c.applicantName} · `,
              h('strong', {}, c.statusName), c.dueDate ? ` · 承诺办结 ${c.dueDate}` : '',
              ` · 最近：${c.steps.length ? c.steps[c.steps.length - 1].stepName : '—'} `,
              h('button', { type: 'button', class: 'link', onclick: () => {
                document.getElementById('wo-case').value = c.number;
                document.getElementById('wo-subject').focus();
              } }, '关联到新工单'))))]));
    } catch (e) {
      fill(earlier, errorBox(e));
    }
  };
  phone.addEventListener('change', lookup);
  const form = h('form', { class: 'panel', id: 'wo-take', onsubmit: async (e) => {
    e.preventDefault();
    const v = (id) => form.querySelector(id).value.trim();
    const body = { type: v('#wo-type'), subject: v('#wo-subject'), content: v('#wo-content'),
      caller: { name: v('#wo-name'), phone: v('#wo-phone') } };
    if (v('#wo-case')) body.caseNumber = v('#wo-case');
    if (v('#wo-matter')) body.matterCode = v('#wo-matter');
    if (v('#wo-answer')) body.answer = v('#wo-answer');
    try {
      const order = await post('/api/v1/work-orders', body);
      form.reset();
      fill(earlier);
      fill(message, h('div', { class: 'alert ok', role: 'status' }, `已受理，工单编号 `,
        h('a', { href: `#/hotline/${order.number}`, id: 'wo-created' }, order.number), `（${STATE[order.status]}）`));
      taken();
      phone.focus();
    } catch (err) {
      fill(message, errorBox(err));
    }
  } },
  h('h2', {}, '受理来电'),
  message,
  field('wo-phone', '来电号码', phone, true, '输入后自动查询该号码的来电记录和来电人的办件'),
  earlier,
  field('wo-name', '来电人姓名', h('input', { id: 'wo-name', required: true, maxlength: 50 }), true),
  field('wo-type', '工单类型', h('select', { id: 'wo-type', required: true }, Object.entries(TYPE).map(([v, t]) => h('option', { value: v }, t))), true),
  field('wo-subject', '标题', h('input', { id: 'wo-subject', required: true, maxlength: 200 }), true),
  field('wo-content', '诉求内容', h('textarea', { id: 'wo-content', required: true, maxlength: 4000 }), true),
  field('wo-case', '关联办件编号', h('input', { id: 'wo-case', maxlength: 64 }), false, '来电涉及已申请的办件时填写'),
  field('wo-matter', '关联事项编码', h('input', { id: 'wo-matter', maxlength: 64 }), false, '可在右侧“办事指南”中查找后引用'),
  field('wo-answer', '直接答复', h('textarea', { id: 'wo-answer', maxlength: 4000 }), false, '咨询类当场答复的，填写答复内容即直接办结；不填则待派单'),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, '受理')));
  return form;
}

/** 办事指南: search the catalogue and quote a matter's guide into the answer. */
function guideSearch() {
  const results = h('div', { id: 'wo-guide', 'aria-live': 'polite' });
  const q = h('input', { id: 'wo-guide-q', type: 'search', required: true });
  const quote = async (code) => {
    try {
      const m = await get(`/api/v1/matters/${encodeURIComponent(code)}`);
      const materials = (m.materials || []).map((x) => x.name + (x.required === false ? '（选交）' : '')).join('、');
      const text = `${m.name}：由${m.department?.name || ''}办理，承诺 ${m.promisedDays} 个工作日办结。所需材料：${materials || '无'}。`;
      fill(results, h('div', { class: 'panel' }, h('strong', {}, m.name),
        facts([['办理部门', m.department?.name], ['承诺时限', `${m.promisedDays} 个工作日`], ['所需材料', materials]]),
        h('div', { class: 'actions' }, h('button', { type: 'button', id: 'wo-guide-quote', onclick: () => {
          document.getElementById('wo-matter').value = m.code;
          const answer = document.getElementById('wo-answer');
          answer.value = text;
          answer.focus();
        } }, '引用为答复'))));
    } catch (e) {
      fill(results, errorBox(e));
    }
  };
  return h('form', { class: 'panel', id: 'wo-guide-form', onsubmit: async (e) => {
    e.preventDefault();
    try {
      const page = await get(`/api/v1/matters?limit=8&q=${encodeURIComponent(q.value.trim())}`);
      fill(results, page.items.length === 0 ? h('p', { class: 'muted' }, `没有找到“${q.value.trim()}”相关事项。`)
        : h('ul', { class: 'matter-list' }, page.items.map((m) => h('li', {},
          h('button', { type: 'button', class: 'link', onclick: () => quote(m.code) }, m.name),
          h('span', { class: 'muted' }, ` ${m.department?.name || ''} · 承诺 ${m.promisedDays} 个工作日`)))));
    } catch (err) {
      fill(results, errorBox(err));
    }
  } },
  h('h2', {}, '办事指南'),
  h('div', { class: 'toolbar' }, h('div', { class: 'grow' }, h('label', { for: 'wo-guide-q' }, '事项名称或关键词'), q),
    h('button', { type: 'submit' }, '搜索')),
  results);
}

/** 办件查询: a case's status, steps and due date (masked) from its number and query code. */
function caseLookup() {
  const out = h('div', { id: 'wo-case-result', 'aria-live': 'polite' });
  const form = h('form', { class: 'panel', id: 'wo-case-form', onsubmit: async (e) => {
    e.preventDefault();
    const n = form.querySelector('#wo-case-number').value.trim();
    const code = form.querySelector('#wo-case-code').value.trim();
    try {
      const c = await get(`/api/v1/hotline/cases/${encodeURIComponent(n)}?queryCode=${encodeURIComponent(code)}`);
      fill(out, facts([['事项', c.matterName], ['申请人', c.applicantName], ['状态', c.statusName], ['承诺办结', c.dueDate],
        ['办理步骤', (c.steps || []).map((s) => `${s.stepName}（${when(s.at)}）`).join(' → ')],
        ['相关工单', (c.workOrders || []).map((o) => o.number).join('、') || '无']]),
      h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => {
        document.getElementById('wo-case').value = c.number;
        document.getElementById('wo-subject').focus();
      } }, '关联到新工单')));
    } catch (err) {
      fill(out, errorBox(err));
    }
  } },
  h('h2', {}, '办件查询'),
  h('div', { class: 'toolbar' },
    h('div', { class: 'grow' }, h('label', { for: 'wo-case-number' }, '办件编号'), h('input', { id: 'wo-case-number', required: true, maxlength: 64 })),
    h('div', {}, h('label', { for: 'wo-case-code' }, '查询码'), h('input', { id: 'wo-case-code', required: true, maxlength: 32 })),
    h('button', { type: 'submit' }, '查询')),
  out);
  return form;
}

function queueTools(queue) {
  const status = h('select', { id: 'wo-status', onchange: () => { filter.status = status.value; loadQueue(queue); } },
    h('option', { value: '' }, '全部'), Object.entries(STATE).map(([v, t]) => h('option', { value: v, selected: v === filter.status }, t)));
  const overdue = h('input', { id: 'wo-overdue', type: 'checkbox', checked: filter.overdue || undefined,
    onchange: () => { filter.overdue = overdue.checked; loadQueue(queue); } });
  return h('div', {}, h('h2', {}, '工单队列'),
    h('div', { class: 'toolbar' }, h('div', {}, h('label', { for: 'wo-status' }, '状态'), status),
      h('div', { class: 'choices' }, h('label', { for: 'wo-overdue' }, overdue, '只看超期')),
      h('p', { class: 'muted grow' }, '已退单的工单回到首问负责人，请重新派单。')));
}

async function loadQueue(queue) {
  const query = new URLSearchParams({ limit: '100' });
  if (filter.status) query.set('status', filter.status);
  if (filter.overdue) query.set('overdue', 'true');
  try {
    const orders = await get(`/api/v1/work-orders?${query}`);
    fill(queue, orders.length ? queueTable('wo-queue', orders, '#/hotline') : h('p', { class: 'muted' }, '没有符合条件的工单。'));
  } catch (e) {
    fill(queue, errorBox(e));
  }
}
