// 网上中介超市 on the enterprise's project page: the project's selections (GET /api/v1/intermediary-selections)
// with their contract, promised day, result and the owner's evaluation, and a form to select an organisation for
// one of the services the project's matters need — direct choice, a random draw or competitive quotes. Only
// eligible organisations (qualified today, not blacklisted) are offered; the API checks it again.
import { get, post } from '/assets/js/api.js';
import { errorBox, facts, h, mount, notice } from '/assets/js/dom.js';

const METHOD = { DIRECT: '直接选取', DRAW: '随机抽取', QUOTES: '竞价选取' };
const STATUS = { SELECTED: '已选取', CONTRACTED: '已签合同', COMPLETED: '已完成' };
const GRADE = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' };

let seq = 0;
const uid = (name) => `im-${name}-${++seq}`;

function field(label, control, help) {
  const id = control.id || (control.id = uid('f'));
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, help ? h('div', { class: 'help' }, help) : null);
}

/** A small form of its own: Enter submits, problems shown under it, the panel redrawn after. */
function actionForm(title, fields, submitLabel, send, redraw) {
  const message = h('div', {});
  const form = h('form', { class: 'im-action', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    try {
      await send(form);
      await redraw(`${title}已保存。`);
    } catch (err) { mount(message, errorBox(err)); }
  } }, h('h4', {}, title), ...fields, message, h('button', { type: 'submit', class: 'primary' }, submitLabel));
  return form;
}

function selectionCard(s, redraw) {
  const act = (body) => post(`/api/v1/intermediaries/selections/${s.id}/actions`, body);
  const value = (form, name) => form.querySelector(`[name=${name}]`).value.trim();
  const owner = s.evaluations.find((e) => e.side === 'OWNER');
  let next = null;
  if (s.status === 'SELECTED') {
    next = actionForm('登记合同', [
      field('合同编号', h('input', { name: 'contractNo', maxlength: 100, autocomplete: 'off' })),
      field('合同金额（元）', h('input', { name: 'amount', inputmode: 'decimal', autocomplete: 'off' })),
      field('承诺完成日期', h('input', { name: 'promisedOn', type: 'date' }), '逾期完成计入中介机构信用分。'),
    ], '登记合同', (f) => act({ action: 'CONTRACT', contractNo: value(f, 'contractNo'), amount: value(f, 'amount'),
      promisedOn: value(f, 'promisedOn') }), redraw);
  } else if (s.status === 'CONTRACTED') {
    next = actionForm('登记服务结果', [
      field('服务结果', h('textarea', { name: 'result', rows: 2, maxlength: 2000 })),
      field('完成日期', h('input', { name: 'completedOn', type: 'date' }), '不填为今天。'),
    ], '登记服务结果', (f) => act({ action: 'COMPLETE', result: value(f, 'result'),
      ...(value(f, 'completedOn') ? { completedOn: value(f, 'completedOn') } : {}) }), redraw);
  } else if (!owner) {
    next = actionForm('评价中介服务', [
      field('评价等级', h('select', { name: 'grade' }, Object.entries(GRADE).reverse()
        .map(([g, name]) => h('option', { value: g }, `${g} 分 · ${name}`))), '不满意和非常不满意会扣减信用分，低于阈值自动列入黑名单。'),
      field('评价内容', h('textarea', { name: 'comment', rows: 2, maxlength: 2000 })),
    ], '提交评价', (f) => post(`/api/v1/intermediaries/${s.intermediary.id}/evaluations`, { selectionId: s.id,
      grade: Number(value(f, 'grade')), ...(value(f, 'comment') ? { comment: value(f, 'comment') } : {}) }), redraw);
  }
  const how = s.method === 'DRAW' ? `随机抽取（种子 ${s.seed}，从 ${s.candidates.length} 家符合条件的机构中抽取，可复核）`
    : s.method === 'QUOTES' ? `竞价选取（${s.quotes.length} 家报价，最低价中选）` : METHOD[s.method];
  return h('li', { class: 'im-selection', id: `selection-${s.id}` },
    h('div', { class: 'case-head' }, h('strong', {}, s.service), ' ', h('span', { class: `badge im-status-${s.status}` }, STATUS[s.status] || s.status),
      s.overdue ? h('span', { class: 'badge level-RED' }, '逾期') : null),
    facts([['中介机构', s.intermediary.name], ['选取方式', how],
      ...(s.contractNo ? [['合同', `${s.contractNo} · ${s.contractAmount} 元`], ['承诺完成', s.promisedOn]] : []),
      ...(s.completedOn ? [['完成日期', s.completedOn], ['服务结果', s.result]] : []),
      ...(owner ? [['我方评价', `${owner.grade} 分 · ${GRADE[owner.grade]}${owner.comment ? `：${owner.comment}` : ''}`]] : [])]),
    next);
}

/** The services the project's matters need (all the catalogue's when none of them names one). */
async function servicesFor(project) {
  const all = await get('/api/v1/intermediary-services');
  const codes = new Set(project.stages.flatMap((s) => s.matters.map((m) => m.code)));
  const mine = all.filter((s) => s.matters.some((m) => codes.has(m.code)));
  return mine.length ? mine : all;
}

function selectForm(project, services, redraw) {
  const message = h('div', {});
  const choice = h('div', { id: 'im-choice' });
  const service = h('select', { id: 'im-service', name: 'service' }, services.map((s) => h('option', { value: s.service },
    `${s.service}（${s.matters.map((m) => m.name).join('、')}）`)));
  const method = h('select', { id: 'im-method', name: 'method' }, Object.entries(METHOD).map(([k, name]) => h('option', { value: k }, name)));
  let eligible = [];
  const redrawChoice = async () => {
    const { items } = await get(`/api/v1/intermediaries?service=${encodeURIComponent(service.value)}&blacklisted=false`);
    eligible = items.filter((o) => o.services.some((s) => s.service === service.value && s.qualified));
    if (!eligible.length) {
      mount(choice, h('p', { class: 'muted' }, '当前没有可承接该服务的中介机构（未列入黑名单且资质在有效期内）。'));
    } else if (method.value === 'DIRECT') {
      mount(choice, field('中介机构', h('select', { id: 'im-org', name: 'intermediaryId' }, eligible.map((o) => h('option', { value: o.id },
        `${o.name}（信用分 ${o.creditScore}）`)))));
    } else if (method.value === 'DRAW') {
      mount(choice, h('p', { class: 'muted' }, `在 ${eligible.length} 家符合条件的机构中随机抽取；抽取种子和候选名单存档，任何人可复核。`),
        field('随机种子（可不填）', h('input', { id: 'im-seed', name: 'seed', inputmode: 'numeric', autocomplete: 'off' }), '不填由系统随机生成。'));
    } else {
      mount(choice, h('p', { class: 'muted' }, '填写至少两家机构的报价，报价最低者中选（同价时承诺天数少者中选）。'),
        h('ul', { class: 'im-quotes' }, eligible.map((o, i) => h('li', {}, h('strong', {}, o.name),
          field('报价（元）', h('input', { id: `im-amount-${i}`, 'data-org': o.id, class: 'im-amount', inputmode: 'decimal', autocomplete: 'off' })),
          field('承诺天数', h('input', { id: `im-days-${i}`, class: 'im-days', inputmode: 'numeric', autocomplete: 'off' }))))));
    }
  };
  service.addEventListener('change', () => redrawChoice().catch((e) => mount(message, errorBox(e))));
  method.addEventListener('change', () => redrawChoice().catch((e) => mount(message, errorBox(e))));
  const form = h('form', { class: 'im-select', id: 'im-select', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    const body = { service: service.value, projectCode: project.code, ownerCreditCode: project.creditCode, method: method.value };
    if (method.value === 'DIRECT') body.intermediaryId = form.querySelector('#im-org')?.value;
    if (method.value === 'DRAW' && form.querySelector('#im-seed')?.value.trim()) body.seed = form.querySelector('#im-seed').value.trim();
    if (method.value === 'QUOTES') {
      body.quotes = [...form.querySelectorAll('.im-amount')].map((input, i) => ({ input, days: form.querySelector(`#im-days-${i}`).value.trim() }))
        .filter((q) => q.input.value.trim()).map((q) => ({ intermediaryId: q.input.dataset.org, amount: q.input.value.trim(),
          ...(q.days ? { days: Number(q.days) } : {}) }));
    }
    try {
      const s = await post('/api/v1/intermediaries/selections', body);
      await redraw(`已选取：${s.intermediary.name}（${METHOD[s.method]}）。`);
    } catch (err) { mount(message, errorBox(err)); }
  } }, h('h3', {}, '选取中介机构'), field('中介服务', service), field('选取方式', method), choice, message,
  h('button', { type: 'submit', class: 'primary' }, '选取'));
  redrawChoice().catch((e) => mount(message, errorBox(e)));
  return form;
}

/** Mounts the 中介服务 section of the enterprise's project page into {@code section}. */
export async function intermediaryPanel(section, project) {
  if (project.viewerRole !== 'ENTERPRISE') { section.remove(); return; }
  const redraw = async (done) => {
    const [{ items }, services] = await Promise.all([
      get(`/api/v1/intermediary-selections?projectCode=${encodeURIComponent(project.code)}&ownerCreditCode=${encodeURIComponent(project.creditCode)}`),
      servicesFor(project)]);
    mount(section, h('h2', {}, '中介服务（网上中介超市）'), done ? notice(done) : null,
      items.length ? h('ul', { class: 'im-selections', id: 'im-selections' }, items.map((s) => selectionCard(s, redraw)))
        : h('p', { class: 'muted', id: 'im-selections' }, '本项目还没有选取中介机构。'),
      selectForm(project, services, redraw),
      h('p', { class: 'muted' }, h('a', { href: '/public/intermediaries.html' }, '查看中介机构名录、信用分和黑名单')));
  };
  await redraw();
}
