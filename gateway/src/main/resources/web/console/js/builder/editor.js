// The builder's design view: the palette of field types, the steps with their fields, and the properties of
// the selected field. Every edit changes the definition in place (model.js) and calls onChange.
import { h, mount } from '/assets/js/dom.js';
import * as M from './model.js';

const PROFILE = [['name', '申请人姓名'], ['idNumber', '公民身份号码'], ['phone', '手机号码'], ['creditCode', '统一社会信用代码']];
const LICENCE_TYPES = ['居民身份证', '居民户口簿', '居住证', '出生医学证明', '结婚证', '老年人优待证', '残疾人证', '学历证书', '学位证书',
  '职业资格证书', '职称证书', '不动产权证书', '建设用地规划许可证', '建设工程规划许可证', '建筑工程施工许可证', '营业执照', '企业投资项目备案证明'];
const LICENCE_ITEMS = [['/holderName', '持证人姓名'], ['/holderCode', '持证人证件号码'], ['/number', '证照编号'], ['/validUntil', '有效期至']];
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
    const cond = M.conditionOf(d, path);
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

  // 显示和必填条件: on any single choice outside repeating groups (model.js says how it is written).
  function conditionFields(d, path) {
    const here = M.pointerOf(path);
    // Not the field itself, nor a choice inside it (hiding it would hide its own condition).
    const choices = M.conditionChoices(d).filter((c) => M.pointerOf(c) !== here && !M.pointerOf(c).startsWith(`${here}/`));
    const cond = M.conditionOf(d, path);
    const whenField = cond ? M.pointerOf(cond.field) : '';
    const name = (c) => c.map((k, i) => M.fieldAt(d, c.slice(0, i + 1))?.title || k).join(' › ');
    const values = cond ? (M.fieldAt(d, cond.field)?.oneOf || []).map((o) => [o.const, o.title]) : [];
    const setCond = (c) => { M.setCondition(d, path, c); changed(true); };
    return h('fieldset', { class: 'builder-cond' }, h('legend', {}, '显示和必填条件（写成 if/then，由服务端校验）'),
      select('prop-when-field', '当', [['', '总是显示'], ...choices.map((c) => [M.pointerOf(c), name(c)])], whenField, (p) => {
        const field = p ? p.slice(1).split('/') : null;
        setCond(field ? { field, value: M.fieldAt(d, field).oneOf?.[0]?.const, required: true } : null);
      }),
      cond ? select('prop-when-value', '等于', values, cond.value, (v) => setCond({ ...cond, value: v })) : null,
      cond ? check('prop-when-required', '此时必填', cond.required, (on) => setCond({ ...cond, required: on })) : null);
  }

  // 预填来源: what fills a top-level field before the applicant types (a prefill handler of the form).
  let pending = null; // a source chosen whose item is not given yet: {pointer, kind, …}
  function prefillFields(d, path) {
    const pointer = M.pointerOf(path);
    const now = (pending?.pointer === pointer && pending) || M.prefillOf(d, path) || { kind: '' };
    const set = (next, redraw) => {
      pending = { ...next, pointer };
      M.setPrefill(d, path, next.kind ? next : null);
      changed(redraw);
    };
    const parts = [select('prop-prefill', '预填来源', [['', '无（申请人填写）'], ['profile', '申请人资料'], ['shared', '部门共享数据'],
      ['licence', '申请人的电子证照']], now.kind, (kind) => set({ kind, item: kind === 'profile' ? 'name' : '',
      source: kind === 'shared' ? M.SHARED_SOURCES[0][0] : undefined, licenceType: kind === 'licence' ? LICENCE_TYPES[0] : undefined }, true))];
    if (now.kind === 'profile') {
      parts.push(select('prop-prefill-item', '资料项', PROFILE, now.item, (item) => set({ ...now, item }, true)));
    }
    if (now.kind === 'shared') {
      parts.push(select('prop-prefill-source', '共享数据来源', M.SHARED_SOURCES.map(([v, l]) => [v, `${l}（${v}）`]), now.source,
        (source) => set({ ...now, source }, true)),
      input('prop-prefill-item', '记录中的数据项', now.item, (v) => set({ ...now, item: v.trim() }, false),
        { autocomplete: 'off', placeholder: '如 address' }));
    }
    if (now.kind === 'licence') {
      parts.push(select('prop-prefill-licence', '证照类型', LICENCE_TYPES.map((n) => [n, n]), now.licenceType,
        (licenceType) => set({ ...now, licenceType }, true)),
      input('prop-prefill-item', '证照中的项（照面信息写作 /surface/项名）', now.item, (v) => {
        const item = v.trim() && !v.trim().startsWith('/') ? `/surface/${v.trim()}` : v.trim();
        set({ ...now, item: /^\/[^/]+(\/[^/]+)?$/.test(item) ? item : '' }, false);
      }, { autocomplete: 'off', list: 'prefill-licence-items', placeholder: '/holderName' }),
      h('datalist', { id: 'prefill-licence-items' }, LICENCE_ITEMS.map(([v, l]) => h('option', { value: v }, l))));
    }
    return h('fieldset', { class: 'builder-cond' }, h('legend', {}, '预填来源（申请人打开表单时自动填入，可修改）'), parts);
  }

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
      }),
      input('prop-pattern-message-en', '格式不符时的英文提示（可选）', M.english(d, path, 'messages')?.pattern, (v) => {
        M.setEnglish(d, path, 'messages', v ? { ...(M.english(d, path, 'messages') || {}), pattern: v } : null);
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
      }),
      area('prop-options-en', '选项的英文文字（可选，每行一个：值=English）', Object.entries(M.english(d, path, 'options') || {})
        .map(([v, l]) => `${v}=${l}`).join('\n'), (v) => {
        const known = (holder.oneOf || []).map((o) => String(o.const));
        M.setEnglish(d, path, 'options', Object.fromEntries(v.split('\n').map((l) => l.split('=')).filter(([k, ...r]) => known
          .includes(k.trim()) && r.join('=').trim()).map(([k, ...r]) => [k.trim(), r.join('=').trim()])));
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
    parts.push(conditionFields(d, path));
    if (top && LEAF.includes(t)) parts.push(prefillFields(d, path));
    if (top) {
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
