// The builder's design view: the palette of field types, the steps with their fields, and the properties of
// the selected field. Every edit changes the definition in place (model.js) and calls onChange.
import { h, mount } from '/assets/js/dom.js';
import * as M from './model.js';

const PREFILL = [['', '无'], ['name', '申请人姓名（申请人资料）'], ['idNumber', '公民身份号码（申请人资料）'],
  ['phone', '手机号码（申请人资料）'], ['creditCode', '统一社会信用代码（申请人资料）']];
const LEAF = ['text', 'longText', 'number', 'money', 'date', 'singleChoice', 'multipleChoice', 'idNumber', 'creditCode', 'mobile'];

/** Builds the design view into `root`; answers {render()} to redraw after the definition changed elsewhere. */
export function designer(root, { def, types, materials, onChange }) {
  const label = (t) => types.find((x) => x.type === t)?.label || (t === 'boolean' ? '是否' : t);
  let selected = null; // {path} of a field, or {step: i}
  const list = h('div', { class: 'builder-list', id: 'builder-fields' });
  const props = h('form', { class: 'builder-props panel', id: 'builder-props', onsubmit: (e) => e.preventDefault() });
  const target = h('select', { id: 'builder-target' });

  function changed(redrawProps = false) {
    drawList();
    if (redrawProps) drawProps();
    onChange();
  }

  function add(type) {
    const into = target.value.startsWith('/') ? target.value.slice(1).split('/') : undefined;
    const stepIndex = target.value.startsWith('step:') ? Number(target.value.slice(5)) : undefined;
    const after = !into && selected?.path?.length === 1 && M.typeOf(def(), selected.path) !== 'group'
      && stepIndex === stepOfSelected() ? selected.path : undefined;
    const path = M.addField(def(), type, { stepIndex, after, into });
    selected = path ? { path } : { step: def().uiSchema.steps.length - 1 };
    changed(true);
    document.getElementById(path ? 'prop-title' : 'step-title')?.focus();
  }

  const stepOfSelected = () => (selected?.step !== undefined ? selected.step
    : def().uiSchema.steps.findIndex((s) => s.fields.includes(M.pointerOf(selected?.path?.slice(0, 1) || []))));

  function drawTargets() {
    const d = def();
    const opts = d.uiSchema.steps.map((s, i) => h('option', { value: `step:${i}` }, `第 ${i + 1} 步“${s.title}”`));
    Object.keys(d.schema.properties).forEach((k) => {
      const t = M.typeOf(d, [k]);
      if (t === 'group' || t === 'section') {
        opts.push(h('option', { value: `/${k}` }, `${label(t)}“${d.schema.properties[k].title || k}”内`));
      }
    });
    const want = selected?.path && ['group', 'section'].includes(M.typeOf(d, selected.path.slice(0, 1)))
      ? `/${selected.path[0]}` : `step:${Math.max(0, stepOfSelected())}`;
    mount(target, opts);
    target.value = [...target.options].some((o) => o.value === want) ? want : `step:${d.uiSchema.steps.length - 1}`;
  }

  function item(path, depth) {
    const d = def();
    const s = M.fieldAt(d, path);
    const t = M.typeOf(d, path);
    const cond = depth === 0 ? M.conditionOf(d, path) : null;
    const on = selected?.path && M.pointerOf(selected.path) === M.pointerOf(path);
    return h('li', {},
      h('button', { type: 'button', class: `builder-item${on ? ' selected' : ''}`, 'aria-pressed': on ? 'true' : 'false',
        dataset: { pointer: M.pointerOf(path) }, onclick: () => { selected = { path }; drawList(); drawProps(); } },
      h('span', { class: 'builder-title' }, s?.title || path.at(-1), M.isRequired(d, path) ? h('span', { class: 'required' }) : null),
      h('span', { class: 'badge' }, label(t)), cond ? h('span', { class: 'badge' }, cond.required ? '条件必填' : '条件显示') : null),
      M.childrenOf(d, path).length ? h('ul', { class: 'plain builder-children' },
        M.childrenOf(d, path).map((k) => item([...path, k], depth + 1))) : null);
  }

  function drawList() {
    const d = def();
    mount(list, d.uiSchema.steps.map((step, i) => h('section', { class: 'builder-step' },
      h('button', { type: 'button', class: `builder-step-head${selected?.step === i ? ' selected' : ''}`,
        onclick: () => { selected = { step: i }; drawList(); drawProps(); } }, `第 ${i + 1} 步 · ${step.title}`),
      step.fields.length ? h('ul', { class: 'plain' }, step.fields.map((p) => item(p.slice(1).split('/'), 0)))
        : h('p', { class: 'muted' }, '还没有数据项：在上方选择类型添加。'))));
    drawTargets();
  }

  // ---- properties ----
  const input = (id, text, value, oninput, attrs = {}) => h('div', { class: 'field' }, h('label', { for: id }, text),
    h('input', { id, value: value ?? '', oninput: (e) => oninput(e.target.value), ...attrs }));
  const area = (id, text, value, oninput) => {
    const el = h('textarea', { id, rows: 4, oninput: (e) => oninput(e.target.value) });
    el.value = value ?? '';
    return h('div', { class: 'field' }, h('label', { for: id }, text), el);
  };
  const check = (id, text, checked, onchange) => h('div', { class: 'field' }, h('label', { for: id, class: 'check' },
    h('input', { id, type: 'checkbox', checked, onchange: (e) => onchange(e.target.checked) }), ` ${text}`));
  const select = (id, text, options, value, onchange) => h('div', { class: 'field' }, h('label', { for: id }, text),
    h('select', { id, onchange: (e) => onchange(e.target.value) },
      options.map(([v, l]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, l))));
  const num = (v) => (v === '' || Number.isNaN(Number(v)) ? undefined : Number(v));
  const setKw = (s, kw, v) => { if (v === undefined || v === '') delete s[kw]; else s[kw] = v; };

  function drawProps() {
    const d = def();
    if (selected?.step !== undefined && d.uiSchema.steps[selected.step]) {
      const i = selected.step;
      const step = d.uiSchema.steps[i];
      mount(props, h('h2', {}, `第 ${i + 1} 步`),
        input('step-title', '步骤标题', step.title, (v) => { step.title = v || '未命名步骤'; changed(); }),
        input('step-description', '步骤说明', step.description, (v) => { setKw(step, 'description', v); changed(); }),
        h('div', { class: 'actions' }, h('button', { type: 'button', disabled: d.uiSchema.steps.length < 2, onclick: () => {
          const to = d.uiSchema.steps[i === 0 ? 1 : i - 1];
          if (i === 0) to.fields.unshift(...step.fields); else to.fields.push(...step.fields);
          d.uiSchema.steps.splice(i, 1);
          selected = null;
          changed(true);
        } }, '删除此步骤（数据项并入相邻步骤）')));
      return;
    }
    const path = selected?.path;
    const s = path && M.fieldAt(d, path);
    if (!s) {
      mount(props, h('h2', {}, '属性'), h('p', { class: 'muted' }, '在左侧选择一个数据项或步骤，在这里设置它的标题、必填、校验规则和显示条件。'));
      return;
    }
    const t = M.typeOf(d, path);
    const top = path.length === 1;
    const keyProblem = h('div', { class: 'error', id: 'prop-key-error', role: 'alert', hidden: true });
    const parts = [h('h2', {}, `${label(t)} `, h('code', {}, M.pointerOf(path))),
      input('prop-title', '标题', s.title, (v) => { s.title = v; changed(); }),
      h('div', { class: 'field' }, h('label', { for: 'prop-key' }, '字段代码（数据中的名字）'),
        h('input', { id: 'prop-key', value: path.at(-1), autocomplete: 'off', 'aria-describedby': 'prop-key-error', onchange: (e) => {
          const problem = M.renameField(d, path, e.target.value.trim());
          keyProblem.textContent = problem || '';
          keyProblem.hidden = !problem;
          if (!problem) { selected = { path: [...path.slice(0, -1), e.target.value.trim()] }; changed(true); }
        } }), keyProblem),
      input('prop-title-en', '英文标题（可选）', M.english(d, path, 'title'), (v) => { M.setEnglish(d, path, 'title', v); changed(); }),
      input('prop-help', '填写提示', d.uiSchema.help?.[M.pointerOf(path)], (v) => { M.setUi(d, 'help', path, v); changed(); }),
      input('prop-help-en', '英文填写提示（可选）', M.english(d, path, 'help'), (v) => { M.setEnglish(d, path, 'help', v); changed(); })];
    if (LEAF.includes(t)) {
      parts.push(input('prop-placeholder', '占位文字', d.uiSchema.placeholders?.[M.pointerOf(path)],
        (v) => { M.setUi(d, 'placeholders', path, v); changed(); }));
    }
    parts.push(check('prop-required', '必填', M.isRequired(d, path), (on) => { M.setRequired(d, path, on); changed(true); }));
    if (t === 'text' || t === 'longText') {
      parts.push(h('div', { class: 'builder-row' },
        input('prop-minLength', '最少字数', s.minLength, (v) => { setKw(s, 'minLength', num(v)); changed(); }, { inputmode: 'numeric' }),
        input('prop-maxLength', '最多字数', s.maxLength, (v) => { setKw(s, 'maxLength', num(v)); changed(); }, { inputmode: 'numeric' })),
      input('prop-pattern', '格式（正则表达式，可选）', s.pattern, (v) => { setKw(s, 'pattern', v); changed(); }),
      input('prop-pattern-message', '格式不符时的提示（白话）', d.uiSchema.messages?.[M.pointerOf(path)]?.pattern, (v) => {
        const p = M.pointerOf(path);
        if (v) ((d.uiSchema.messages ||= {})[p] ||= {}).pattern = v;
        else if (d.uiSchema.messages?.[p]) { delete d.uiSchema.messages[p]; if (!Object.keys(d.uiSchema.messages).length) delete d.uiSchema.messages; }
        changed();
      }));
    }
    if (t === 'number' || t === 'money') {
      parts.push(h('div', { class: 'builder-row' },
        input('prop-minimum', '最小值', s.minimum, (v) => { setKw(s, 'minimum', num(v)); changed(); }, { inputmode: 'decimal' }),
        input('prop-maximum', '最大值', s.maximum, (v) => { setKw(s, 'maximum', num(v)); changed(); }, { inputmode: 'decimal' })));
    }
    if (t === 'singleChoice' || t === 'multipleChoice') {
      const holder = t === 'multipleChoice' ? s.items : s;
      parts.push(area('prop-options', '选项（每行一个：值=显示文字）', (holder.oneOf || []).map((o) => `${o.const}=${o.title}`).join('\n'), (v) => {
        const opts = v.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
          const [value, ...rest] = l.split('=');
          return { const: value.trim(), title: (rest.join('=') || value).trim() };
        }).filter((o) => /^[A-Za-z0-9_-]+$/.test(o.const));
        if (opts.length) holder.oneOf = opts;
        changed();
      }));
    }
    if (t === 'group') {
      parts.push(input('prop-item-title', '每一行叫作', s.items.title, (v) => { s.items.title = v || '一项'; changed(); }),
        h('div', { class: 'builder-row' },
          input('prop-minItems', '最少行数', s.minItems, (v) => { setKw(s, 'minItems', num(v)); changed(); }, { inputmode: 'numeric' }),
          input('prop-maxItems', '最多行数', s.maxItems, (v) => { setKw(s, 'maxItems', num(v)); changed(); }, { inputmode: 'numeric' })));
    }
    if (['text', 'longText', 'number', 'money', 'date', 'singleChoice'].includes(t)) {
      parts.push(input('prop-default', '默认值', s.default, (v) => {
        setKw(s, 'default', (t === 'number' || t === 'money') ? num(v) : v || undefined);
        changed();
      }));
    }
    if (top) {
      const choices = Object.keys(d.schema.properties).filter((k) => k !== path[0] && M.typeOf(d, [k]) === 'singleChoice');
      const cond = M.conditionOf(d, path);
      const whenField = cond?.field || '';
      const values = whenField ? (d.schema.properties[whenField].oneOf || []).map((o) => [o.const, o.title]) : [];
      const setCond = (c) => { M.setCondition(d, path, c); changed(true); };
      parts.push(h('fieldset', { class: 'builder-cond' }, h('legend', {}, '显示和必填条件（写成 if/then，由服务端校验）'),
        select('prop-when-field', '当', [['', '总是显示'], ...choices.map((k) => [k, d.schema.properties[k].title || k])], whenField,
          (k) => setCond(k ? { field: k, value: d.schema.properties[k].oneOf?.[0]?.const, required: true } : null)),
        whenField ? select('prop-when-value', '等于', values, cond.value, (v) => setCond({ ...cond, value: v })) : null,
        whenField ? check('prop-when-required', '此时必填', cond.required, (on) => setCond({ ...cond, required: on })) : null));
      if (LEAF.includes(t)) {
        parts.push(select('prop-prefill', '预填来源', PREFILL, M.prefillOf(d, path), (v) => { M.setPrefill(d, path, v); changed(); }));
      }
      if (t === 'material') {
        parts.push(select('prop-material', '对应的申请材料', [['', '请选择'], ...materials.map((m) => [m.code, m.name])], M.bindingOf(d, path), (v) => {
          M.setBinding(d, path, v);
          const m = materials.find((x) => x.code === v);
          if (m && (!s.title || s.title === '已备齐该材料' || s.title.startsWith('已备齐《'))) s.title = `已备齐《${m.name}》`;
          changed(true);
        }));
      }
    }
    parts.push(h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: () => { M.moveField(d, path, -1); changed(); } }, '上移'),
      h('button', { type: 'button', onclick: () => { M.moveField(d, path, 1); changed(); } }, '下移'),
      h('button', { type: 'button', class: 'danger', onclick: () => { M.deleteField(d, path); selected = null; changed(true); } }, '删除')));
    mount(props, parts);
  }

  const palette = h('div', { class: 'builder-palette', role: 'group', 'aria-label': '添加数据项' },
    h('div', { class: 'field inline' }, h('label', { for: 'builder-target' }, '添加到'), target),
    h('div', { class: 'builder-types' }, types.map((t) => h('button', { type: 'button', title: t.description || t.labelEn,
      dataset: { type: t.type }, onclick: () => add(t) }, `＋${t.label}`))));
  mount(root, h('div', { class: 'builder-left' }, palette, list), props);
  drawList();
  drawProps();
  return { render() { drawList(); drawProps(); }, select(path) { selected = { path }; drawList(); drawProps(); } };
}
