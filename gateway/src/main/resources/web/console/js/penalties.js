// 行政处罚: a department records its own penalty and enforcement decisions (one by one, or a CSV or Excel file
// with a row-by-row report), revokes or changes them; each is published on the public 双公示 listing at once.
import { get, post } from '/assets/js/api.js';
import { errorBox, h, mount as fill, notice, today } from '/assets/js/dom.js';

const STATE = { IN_FORCE: '有效', REVOKED: '已撤销', CHANGED: '已变更' };
const FIELD = { decisionNumber: '决定书文号', kind: '类别', partyKind: '当事人类型', partyName: '当事人名称',
  partyCode: '证件号码', facts: '违法事实', legalBasis: '处罚依据', penaltyType: '处罚类型', amount: '罚款金额',
  decisionDate: '决定日期' };
const TYPES = ['警告', '通报批评', '罚款', '没收违法所得', '没收非法财物', '暂扣许可证件', '降低资质等级', '吊销许可证件',
  '限制开展生产经营活动', '责令停产停业', '责令关闭', '限制从业', '行政拘留', '查封场所、设施或者财物', '扣押财物'];

/** A file's bytes as base64 (an Excel workbook travels in the JSON body that way). */
async function base64(blob) {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

const field = (id, label, control) => h('div', { class: 'field' }, h('label', { for: id }, label), control);

/** The problems of an import, one line per bad row: 第 3 行 · 证件号码：… */
function importReport(e) {
  const rows = (e.violations || []).map((v) => {
    const [, , line, name] = (v.pointer || '').split('/');
    return h('li', {}, line ? `第 ${line} 行 · ${FIELD[name] || name}：${v.message}` : v.message);
  });
  return h('div', { class: 'alert error', role: 'alert', id: 'import-report' },
    h('strong', {}, `文件有 ${rows.length} 处问题，未导入任何一条。请改正后重新导入：`),
    h('ul', { class: 'import-report' }, rows));
}

export async function mount(main, profile) {
  const result = h('div', { id: 'penalty-result', 'aria-live': 'polite' });
  const list = h('div', { id: 'penalty-list' });
  const input = (id, attrs = {}) => h('input', { id, name: id, ...attrs });
  const form = h('form', { class: 'panel', id: 'penalty-form' },
    h('h2', {}, '录入处罚决定'),
    h('div', { class: 'grid' },
      field('decisionNumber', '决定书文号', input('decisionNumber', { required: true, placeholder: '如：新建罚决字〔2026〕12号' })),
      field('kind', '类别', h('select', { id: 'kind', name: 'kind' },
        h('option', { value: 'PENALTY' }, '行政处罚'), h('option', { value: 'ENFORCEMENT' }, '行政强制'))),
      field('partyKind', '当事人类型', h('select', { id: 'partyKind', name: 'partyKind' },
        h('option', { value: 'PERSON' }, '自然人'), h('option', { value: 'ORGANISATION' }, '法人及其他组织'))),
      field('partyName', '当事人名称', input('partyName', { required: true })),
      field('partyCode', '证件号码（身份证号或统一社会信用代码）', input('partyCode', { required: true, maxlength: 18 })),
      field('penaltyType', '处罚类型', input('penaltyType', { required: true, list: 'penalty-types' })),
      field('amount', '罚款金额（元，罚款时必填）', input('amount', { inputmode: 'decimal' })),
      field('decisionDate', '决定日期', input('decisionDate', { type: 'date', required: true, value: today(), max: today() }))),
    h('datalist', { id: 'penalty-types' }, TYPES.map((t) => h('option', { value: t }))),
    field('facts', '违法事实', h('textarea', { id: 'facts', name: 'facts', rows: 3, required: true })),
    field('legalBasis', '处罚依据', h('textarea', { id: 'legalBasis', name: 'legalBasis', rows: 2, required: true })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, '录入并公示')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    form.querySelectorAll('.field.invalid').forEach((f) => f.classList.remove('invalid'));
    const body = Object.fromEntries(new FormData(form).entries());
    if (!body.amount) delete body.amount;
    try {
      const p = await post('/api/v1/penalties', body);
      fill(result, notice(`已录入 ${p.decisionNumber}，已在双公示栏目公示（当事人信息已脱敏）。`));
      form.reset();
      form.elements.decisionDate.value = today();
      await load();
    } catch (err) {
      fill(result, errorBox(err));
      // Each problem also marks its field (the pointer is the field's id).
      (err.violations || []).forEach((v) => form.querySelector(`#${v.pointer.slice(1)}`)?.closest('.field')
        ?.classList.add('invalid'));
    }
  });

  const file = h('input', { id: 'import-file', type: 'file', accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
  const importResult = h('div', { id: 'import-result', 'aria-live': 'polite' });
  const importForm = h('form', { class: 'panel', id: 'import-form' },
    h('h2', {}, '批量导入（CSV 或 Excel）'),
    h('p', { class: 'muted' }, `第 1 行为表头：${Object.values(FIELD).join('，')}（类别可省略，默认行政处罚）；`
      + '从第 2 行起每行一条。Excel 文件读取第一个工作表。任何一行有误都不会导入，请按提示改正后重新导入。'),
    field('import-file', '选择 CSV 文件（UTF-8 编码）或 Excel 文件（.xlsx）', file),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, '导入')));
  importForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!file.files.length) {
      fill(importResult, h('div', { class: 'alert error', role: 'alert' }, '请先选择 CSV 或 Excel 文件。'));
      return;
    }
    try {
      const chosen = file.files[0];
      const xlsx = /\.xlsx$/i.test(chosen.name);
      const report = await post('/api/v1/penalties/import', xlsx
        ? { format: 'xlsx', content: await base64(chosen) } : { format: 'csv', content: await chosen.text() });
      fill(importResult, notice(`已导入 ${report.imported} 条处罚决定，均已公示。`));
      importForm.reset();
      await load();
    } catch (err) {
      fill(importResult, err.violations?.length ? importReport(err) : errorBox(err));
    }
  });

  // 撤销: the reason is asked in a small form above the list (never a browser dialog).
  const revokeHolder = h('div', { id: 'revoke-holder' });
  function revoke(p) {
    const reason = h('input', { id: 'revoke-reason', required: true, maxlength: 1000 });
    const box = h('form', { class: 'panel', id: 'revoke-form' },
      field('revoke-reason', `撤销 ${p.decisionNumber} 的理由`, reason),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, '确认撤销'),
        h('button', { type: 'button', onclick: () => fill(revokeHolder) }, '取消')));
    box.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await post(`/api/v1/penalties/${encodeURIComponent(p.id)}/status`, { status: 'REVOKED', reason: reason.value });
        fill(revokeHolder);
        fill(result, notice(`${p.decisionNumber} 已撤销，公示内容已同步更新。`));
        await load();
      } catch (err) {
        fill(revokeHolder, box, errorBox(err));
      }
    });
    fill(revokeHolder, box);
    reason.focus();
  }

  const row = (p) => h('tr', { dataset: { id: p.id } },
    h('td', {}, p.decisionNumber), h('td', {}, p.partyName), h('td', {}, p.penaltyType),
    h('td', {}, p.amount || '—'), h('td', {}, p.decisionDate), h('td', {}, STATE[p.status]),
    h('td', {}, p.status === 'IN_FORCE' ? h('button', { type: 'button', onclick: () => revoke(p) }, '撤销') : ''));

  async function load() {
    try {
      const page = await get('/api/v1/penalties?limit=100');
      fill(list, page.items.length
        ? h('div', { class: 'table-scroll' }, h('table', { id: 'penalty-table' },
          h('thead', {}, h('tr', {}, ['决定书文号', '当事人', '处罚类型', '金额（元）', '决定日期', '状态', ''].map((t) => h('th', {}, t)))),
          h('tbody', {}, page.items.map(row))))
        : h('p', { class: 'muted' }, '本部门尚未录入处罚决定。'));
    } catch (err) {
      fill(list, errorBox(err));
    }
  }

  fill(main, h('h1', {}, `行政处罚 · ${profile.departmentName || ''}`),
    h('p', { class: 'muted' }, '本部门作出的行政处罚、行政强制决定须在作出之日起 7 个工作日内公示；录入即公示，逾期录入的会被标记为逾期公示。'),
    h('p', {}, h('a', { href: '/public/disclosures.html', target: '_blank', rel: 'noopener' }, '查看公开的双公示栏目')),
    result, form, importForm, importResult, h('h2', {}, '本部门处罚决定'), revokeHolder, list);
  return load();
}
