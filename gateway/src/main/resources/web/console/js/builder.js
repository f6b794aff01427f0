// 表单设计: form authors open a matter (or create one from a bundled matter as a template), build its form
// from the field types the API lists, preview it with THE renderer, try examples (dry run), compare with the
// published version and publish. The working draft is saved as they go, with the API's revision check.
import { ApiProblem, get, post, put } from '/assets/js/api.js';
import { errorBox, h, mount as fill, notice } from '/assets/js/dom.js';
import { renderForm } from '/assets/js/form.js';
import { designer } from './builder/editor.js';
import * as M from './builder/model.js';

const STATUS = { DRAFT: '草稿', PUBLISHED: '已发布', RETIRED: '已停用' };
let state = null;
let timer = null;

export function unmount() {
  clearTimeout(timer);
  state = null;
}

export async function mount(main) {
  mountPicker(main);
}

// ---- choosing or creating a matter ----
async function mountPicker(main, error) {
  const matters = (await get('/api/v1/matters?limit=100')).items;
  const open = h('select', { id: 'builder-matter' }, matters.map((m) => h('option', { value: m.code }, `${m.name}（${m.code}）`)));
  const template = h('select', { id: 'builder-template' }, matters.map((m) => h('option', { value: m.code }, m.name)));
  const code = h('input', { id: 'builder-new-code', required: true, pattern: '[A-Za-z0-9][A-Za-z0-9_\\-]{0,63}', autocomplete: 'off' });
  const name = h('input', { id: 'builder-new-name', required: true, autocomplete: 'off' });
  const message = h('div', {}, error ? errorBox(error) : null);
  fill(main, h('h1', {}, '表单设计'),
    h('div', { class: 'columns' },
      h('form', { class: 'panel', id: 'builder-open', onsubmit: (e) => { e.preventDefault(); openMatter(main, open.value); } },
        h('h2', {}, '打开事项'), h('div', { class: 'field' }, h('label', { for: 'builder-matter' }, '事项'), open),
        h('button', { class: 'primary', type: 'submit' }, '打开')),
      h('form', { class: 'panel', id: 'builder-create', onsubmit: async (e) => {
        e.preventDefault();
        try {
          const exported = await get(`/api/v1/matters/${encodeURIComponent(template.value)}/export`);
          const doc = { ...exported.matter, code: code.value.trim(), name: name.value.trim() };
          await post('/api/v1/matters', doc);
          openMatter(main, doc.code, true);
        } catch (err) { fill(message, errorBox(err)); }
      } },
      h('h2', {}, '以已有事项为模板新建'),
      h('p', { class: 'muted' }, '新事项沿用模板的实施部门、办理时限、申请材料等全部要素（GB/T 39046），表单从空白开始设计。'),
      h('div', { class: 'field' }, h('label', { for: 'builder-template' }, '模板事项'), template),
      h('div', { class: 'field' }, h('label', { for: 'builder-new-code' }, '新事项代码'), code,
        h('div', { class: 'help' }, '以部门代码开头，如 mzj-elderly-meal-subsidy')),
      h('div', { class: 'field' }, h('label', { for: 'builder-new-name' }, '新事项名称'), name),
      message, h('button', { class: 'primary', type: 'submit' }, '新建并设计表单'))));
}

async function openMatter(main, code, fresh = false) {
  try {
    const [matter, types, draft, versions] = await Promise.all([get(`/api/v1/matters/${encodeURIComponent(code)}`),
      get('/api/v1/form-field-types'), get(`/api/v1/matters/${encodeURIComponent(code)}/draft`),
      get(`/api/v1/matters/${encodeURIComponent(code)}/forms`)]);
    const published = versions.find((v) => v.status === 'PUBLISHED');
    const start = draft.definition || (published && !fresh ? definitionOf(published) : M.emptyDefinition(matter.name));
    state = { main, matter, types, versions, revision: draft.revision, def: M.normalise(structuredClone(start)), frozen: null,
      tab: 'design' };
    layout();
  } catch (err) { mountPicker(main, err); }
}

const definitionOf = (v) => ({ schema: v.schema, uiSchema: v.uiSchema, handlers: v.handlers || [], materialBindings: v.materialBindings || [] });

// ---- the page around the tabs ----
function layout() {
  const { main, matter } = state;
  state.saveStatus = h('span', { id: 'builder-saved', class: 'muted', role: 'status' }, state.revision ? `草稿第 ${state.revision} 稿` : '尚未保存');
  state.conflict = h('div', { id: 'builder-conflict' });
  const tabs = [['design', '设计'], ['test', '试填'], ['json', 'JSON'], ['publish', '对比与发布']];
  state.body = h('div', { id: 'builder-body' });
  fill(main,
    h('div', { class: 'toolbar head' }, h('h1', {}, `表单设计 · ${matter.name}`), h('span', { class: 'grow' }), state.saveStatus,
      h('button', { type: 'button', onclick: () => { unmount(); mountPicker(main); } }, '换一个事项')),
    h('p', { class: 'muted' }, `${matter.code} · ${matter.department?.name || ''} · 已有版本：`,
      state.versions.length ? state.versions.map((v) => `第 ${v.version} 版${STATUS[v.status]}`).join('，') : '无'),
    state.conflict,
    h('nav', { class: 'builder-tabs', role: 'tablist', 'aria-label': '表单设计' }, tabs.map(([id, text]) =>
      h('button', { type: 'button', role: 'tab', id: `tab-${id}`, 'aria-selected': state.tab === id ? 'true' : 'false',
        onclick: () => { state.tab = id; layout(); } }, text))),
    state.body);
  ({ design, test, json, publish })[state.tab]();
}

// ---- autosave with the revision check ----
function edited() {
  clearTimeout(timer);
  state.dirty = true;
  state.saveStatus.textContent = '有未保存的修改…';
  timer = setTimeout(save, 700);
}

/** Saves the draft with the revision it is based on; answers whether it was saved. One save at a time. */
function save() {
  const s = state;
  if (!s) return Promise.resolve(false);
  s.saving = (s.saving || Promise.resolve()).then(() => saveNow(s));
  return s.saving;
}

async function saveNow(s) {
  try {
    s.dirty = false;
    const saved = await put(`/api/v1/matters/${encodeURIComponent(s.matter.code)}/draft`, { definition: M.keepOrder(s.def), revision: s.revision });
    s.revision = saved.revision;
    s.saveStatus.textContent = `已自动保存（第 ${saved.revision} 稿）`;
    return true;
  } catch (err) {
    s.dirty = true;
    s.saveStatus.textContent = '未保存';
    if (err instanceof ApiProblem && err.status === 409) {
      fill(s.conflict, h('div', { class: 'alert error', role: 'alert' }, h('strong', {}, '另一位作者也在编辑这份草稿'),
        h('p', {}, err.message),
        h('button', { type: 'button', onclick: () => openMatter(s.main, s.matter.code) }, '载入最新草稿（放弃我的修改）')));
    } else fill(s.conflict, errorBox(err));
    return false;
  }
}

/** Saves what is pending now: tries and comparisons work on the working draft as saved (no version is made). */
async function flush() {
  clearTimeout(timer);
  await state.saving; // an autosave under way: what is compared or tried must include it
  if ((state.dirty || !state.revision) && !(await save())) throw new Error('草稿没有保存成功，请先处理页面上方的提示。');
}

/** A form version made from the current draft, only to publish it (once per saved revision). */
async function version() {
  await flush();
  if (state.frozen?.revision === state.revision) return state.frozen.version;
  const made = await post(`/api/v1/matters/${encodeURIComponent(state.matter.code)}/forms`, M.forVersion(state.def));
  state.frozen = { revision: state.revision, version: made.version };
  return made.version;
}

const draftPath = (rest) => `/api/v1/matters/${encodeURIComponent(state.matter.code)}/draft/${rest}`;

// ---- 设计 ----
function design() {
  const editor = h('div', { class: 'builder-editor' });
  const preview = h('div', { class: 'builder-preview panel', id: 'builder-preview' });
  const lang = languageSwitch('builder-lang', () => drawPreview());
  const drawPreview = () => {
    try {
      renderForm(preview, { schema: state.def.schema, uiSchema: state.def.uiSchema, idPrefix: 'pv', lang: lang.value });
    } catch (err) { fill(preview, errorBox(err)); }
  };
  fill(state.body, h('div', { class: 'builder-design' }, editor,
    h('section', { class: 'builder-preview-wrap', 'aria-label': '实时预览' },
      h('div', { class: 'toolbar' }, h('h2', {}, '实时预览'), h('span', { class: 'grow' }),
        h('label', { for: 'builder-lang' }, '语言 '), lang), preview)));
  designer(editor, { def: () => state.def, types: state.types, materials: state.matter.materials || [],
    onChange: () => { drawPreview(); edited(); } });
  drawPreview();
}

/** 中文/English: the language the form is shown in (and, when trying it, the server answers in). */
function languageSwitch(id, onchange) {
  const select = h('select', { id, onchange: () => { state.lang = select.value; onchange(); } },
    h('option', { value: 'zh-CN' }, '中文'), h('option', { value: 'en' }, 'English'));
  select.value = state.lang || 'zh-CN';
  return select;
}

// ---- 试填 ----
function test() {
  const holder = h('div', { class: 'panel', id: 'builder-test-form' });
  const result = h('div', { id: 'builder-test-result' });
  const examples = h('div', { id: 'builder-examples' });
  let form;
  const draw = (data) => {
    form = renderForm(holder, { schema: state.def.schema, uiSchema: state.def.uiSchema, idPrefix: 'tf', lang: state.lang, data });
  };
  draw({});
  const drawExamples = () => {
    const list = state.def.schema.examples || [];
    fill(examples, h('h2', {}, `已保存的样例（${list.length} 份，发布时逐一校验）`),
      list.length ? h('ol', {}, list.map((e, i) => h('li', {}, h('code', {}, JSON.stringify(e).slice(0, 120)), ' ',
        h('button', { type: 'button', onclick: () => { list.splice(i, 1); edited(); drawExamples(); } }, `删除样例 ${i + 1}`))))
        : h('p', { class: 'muted' }, '至少要有一份样例才能发布。'));
  };
  const run = async () => {
    try {
      await flush();
      const answer = await post(draftPath('dry-run'), { data: form.getData() }, { language: state.lang });
      const violations = answer.violations.map((x) => ({ ...x, pointer: x.pointer.replace(/^\/data/, '') }));
      const rest = form.showViolations(violations);
      fill(result, answer.valid ? notice('试填通过：这份数据可以提交。') : h('div', { class: 'alert error', role: 'alert' },
        h('strong', {}, `试填未通过：${answer.violations.length} 处问题，已标在对应的数据项下。`),
        rest.length ? h('ul', {}, rest.map((x) => h('li', {}, x.message))) : null));
      return answer.valid;
    } catch (err) { fill(result, errorBox(err)); return false; }
  };
  fill(state.body, h('div', { class: 'toolbar' },
    h('p', { class: 'muted grow' }, '像申请人一样填写，再“试填校验”：服务端按这份草稿校验（不生成版本），问题标在数据项下。通过的数据可存为样例。'),
    h('label', { for: 'builder-test-lang' }, '语言 '), languageSwitch('builder-test-lang', () => draw(form.getData()))),
  holder, result,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'builder-dry-run', onclick: run }, '试填校验'),
      h('button', { type: 'button', id: 'builder-save-example', onclick: async () => {
        if (!(await run())) return;
        (state.def.schema.examples ||= []).push(form.getData());
        edited();
        drawExamples();
        fill(result, notice('试填通过，已存为样例。'));
      } }, '校验并存为样例')),
    examples);
  drawExamples();
}

// ---- JSON ----
function json() {
  const text = h('textarea', { id: 'builder-json', rows: 28, spellcheck: 'false', class: 'builder-json' });
  text.value = JSON.stringify(state.def, null, 2);
  const message = h('div', {});
  fill(state.body, h('p', { class: 'muted' }, '表单定义的 JSON（JSON Schema 2020-12 加界面描述）。在这里改完“应用”，设计视图随之更新。'),
    h('label', { for: 'builder-json' }, '表单定义'), text, message,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', onclick: () => {
      try {
        const parsed = JSON.parse(text.value);
        if (!parsed || typeof parsed.schema !== 'object' || Array.isArray(parsed.schema)) throw new Error('需要一个含有 schema 对象的 JSON 对象。');
        state.def = M.normalise(parsed);
        edited();
        fill(message, notice('已应用。'));
      } catch (err) { fill(message, h('div', { class: 'alert error', role: 'alert' }, `无法应用：${err.message}`)); }
    } }, '应用')));
}

// ---- 对比与发布 ----
function publish() {
  const out = h('div', { id: 'builder-changes' });
  const lint = M.problems(state.def);
  const compare = async () => {
    try {
      await flush();
      const published = state.versions.find((x) => x.status === 'PUBLISHED');
      const changes = await get(draftPath('changes'));
      const next = Math.max(0, ...state.versions.map((x) => x.version)) + 1;
      const field = (c) => h('li', {}, `${c.title || ''} `, h('code', {}, c.field));
      // In the order the field list shows them (the stored draft does not keep the order of a schema's keys).
      const order = M.fieldOrder(state.def);
      const rank = (p) => (order.includes(p) ? order.indexOf(p) : order.length);
      const rows = (title, list, f) => (list.length ? [h('h3', {}, title),
        h('ul', {}, [...list].sort((a, b) => rank(a.field ?? a) - rank(b.field ?? b)).map(f))] : []);
      fill(out, h('div', { class: 'panel' },
        h('h2', {}, published ? `草稿第 ${changes.draftRevision} 稿与已发布的第 ${published.version} 版相比`
          : `草稿第 ${changes.draftRevision} 稿（首次发布，全部数据项）`),
        ...rows(published ? '新增' : '数据项', changes.added, field),
        ...rows('删除', changes.removed, field),
        ...rows('修改', changes.changed, (c) => h('li', {}, `${c.title || ''} `, h('code', {}, c.field), `（${c.keywords.join('、')}）`)),
        ...rows('改为必填', changes.nowRequired, (f) => h('li', {}, h('code', {}, f))),
        ...rows('改为选填', changes.nowOptional, (f) => h('li', {}, h('code', {}, f))),
        ['added', 'removed', 'changed', 'nowRequired', 'nowOptional'].every((k) => !changes[k].length) ? h('p', {}, '数据项没有变化。') : null,
        h('p', { class: 'muted' }, '已经提交的办件仍按提交时的版本办理；发布后新的申请使用这一版。'),
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'builder-publish', onclick: async () => {
          try {
            const v = await version();
            const done = await post(`/api/v1/matters/${encodeURIComponent(state.matter.code)}/forms/${v}/publish`, {});
            state.versions = await get(`/api/v1/matters/${encodeURIComponent(state.matter.code)}/forms`);
            state.frozen = null;
            layout();
            fill(state.conflict, notice(`已发布第 ${done.version} 版。`));
          } catch (err) {
            fill(out, errorBox(err));
            state.versions = await get(`/api/v1/matters/${encodeURIComponent(state.matter.code)}/forms`).catch(() => state.versions);
          }
        } }, `确认发布为第 ${next} 版`))));
    } catch (err) { fill(out, errorBox(err)); }
  };
  fill(state.body, lint.length ? h('div', { class: 'alert error', role: 'alert' }, h('strong', {}, '发布前还需处理：'),
    h('ul', {}, lint.map((p) => h('li', {}, p)))) : null,
  h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'builder-compare', onclick: compare }, '查看变更')),
  out, h('p', { class: 'muted' }, '发布时服务端再校验一遍全部内容：有问题不会发布，逐项标出位置。'));
}

