// 数据导出: a supervisor or administrator exports one table in the national (up_pro_*) or provincial (PRE_*)
// shape for a period, as CSV or Excel; while the server streams it the page polls the export's progress
// (rows written of rows counted) and shows it, then offers the file to save.
import { ApiProblem, get, newKey } from '/assets/js/api.js';
import { errorBox, h, mount as fill, notice, today } from '/assets/js/dom.js';

const TABLES = [
  ['up_pro_accept', 'up_pro_accept 受理信息'], ['up_pro_process', 'up_pro_process 办理过程'],
  ['up_pro_special_procedure', 'up_pro_special_procedure 特别程序'], ['up_pro_result', 'up_pro_result 办结信息'],
  ['up_pro_material', 'up_pro_material 材料信息'], ['pre_apasinfo', 'PRE_APASINFO 办件基本信息（省）'],
  ['pre_accept', 'PRE_ACCEPT 受理（省）'], ['pre_node', 'PRE_NODE 环节（省）'], ['pre_attr', 'PRE_ATTR 材料（省）'],
  ['pre_transact', 'PRE_TRANSACT 办结（省）'],
];

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
let poll = null;
let fileUrl = null;

export function unmount() {
  clearTimeout(poll);
  if (fileUrl) URL.revokeObjectURL(fileUrl);
  fileUrl = null;
}

const field = (id, label, control) => h('div', { class: 'field' }, h('label', { for: id }, label), control);

function firstOfMonth() {
  return `${today().slice(0, 8)}01`;
}

export async function mount(main) {
  const status = h('div', { id: 'export-status', 'aria-live': 'polite' });
  const bar = h('progress', { id: 'export-progress', max: 1, value: 0 });
  const form = h('form', { class: 'panel', id: 'export-form' },
    h('div', { class: 'grid' },
      field('export-table', '数据表', h('select', { id: 'export-table', name: 'table' },
        TABLES.map(([value, label]) => h('option', { value }, label)))),
      field('export-from', '起始日期', h('input', { id: 'export-from', name: 'from', type: 'date', required: true, value: firstOfMonth() })),
      field('export-to', '截止日期', h('input', { id: 'export-to', name: 'to', type: 'date', required: true, value: today() })),
      field('export-format', '格式', h('select', { id: 'export-format', name: 'format' },
        h('option', { value: 'xlsx' }, 'Excel（.xlsx）'), h('option', { value: 'csv' }, 'CSV（UTF-8）')))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, '导出')));

  /** The server's progress report of the export, or null while the server has not started it (404). */
  async function progress(exportId) {
    try {
      return await get(`/api/v1/exports/progress/${encodeURIComponent(exportId)}`);
    } catch (err) {
      if (err instanceof ApiProblem && err.status === 404) return null;
      throw err;
    }
  }

  function showProgress(p) {
    bar.max = Math.max(p.total || 0, 1);
    bar.value = p.rows;
    fill(status, h('p', { id: 'export-rows' }, p.total == null ? '正在统计行数…' : `已写出 ${p.rows} 行，共 ${p.total} 行`), bar);
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    unmount();
    const q = Object.fromEntries(new FormData(form).entries());
    const exportId = `console-${newKey()}`;
    const path = `/api/v1/exports/${q.table}?from=${q.from}&to=${q.to}&format=${q.format}&exportId=${exportId}`;
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    fill(status, h('p', {}, '正在导出…'), bar);
    let running = true;
    const tick = async () => {
      const p = await progress(exportId).catch(() => null);
      if (!running) return;
      if (p) showProgress(p);
      poll = setTimeout(tick, 700);
    };
    poll = setTimeout(tick, 300);
    try {
      // A CSV comes back as text (its BOM read away): the saved file gets the BOM again, for spreadsheets.
      const body = await get(path, { accept: q.format === 'csv' ? 'text/csv' : XLSX });
      const blob = body instanceof Blob ? body : new Blob(['\uFEFF', body], { type: 'text/csv;charset=utf-8' });
      running = false;
      clearTimeout(poll);
      const name = `${q.table}_${q.from}_${q.to}.${q.format}`;
      const p = await progress(exportId);
      fileUrl = URL.createObjectURL(blob);
      fill(status, notice(`导出完成：${p ? p.rows : ''} 行。`),
        h('p', {}, h('a', { href: fileUrl, download: name, id: 'export-file' }, `保存 ${name}`)));
    } catch (err) {
      running = false;
      clearTimeout(poll);
      fill(status, errorBox(err));
    } finally {
      button.disabled = false;
    }
  });

  fill(main, h('h1', {}, '数据导出'),
    h('p', { class: 'muted' }, '按国家（up_pro_*）和省级（PRE_*）交换表结构导出一个期间的办件数据，供上报使用。'
      + '受理、办件基本信息表含申请人姓名和证件号码，办件基本信息表含查询密码（PROJPWD），仅供上报，请妥善保管导出的文件。'),
    form, status);
}
