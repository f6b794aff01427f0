// The platform's one form renderer: a published form's JSON Schema (2020-12) and UI schema (steps, widgets,
// help, order, visibleWhen) become labelled fields in steps. Client checks help the person typing; the
// server judges, and its violations are shown at their fields by JSON pointer (showViolations).
import { h, mount } from '/assets/js/dom.js';
import { creditCodeProblem, idNumberProblem, isCreditCodeField, isIdNumberField } from '/assets/js/idcheck.js';

let formCount = 0;

/** JSON pointer helpers (RFC 6901). */
const tokens = (pointer) => (pointer === '' || pointer === '/' ? [] : pointer.slice(1).split('/')
  .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~')));
const join = (pointer, key) => `${pointer}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;

function read(data, pointer) {
  let v = data;
  for (const t of tokens(pointer)) {
    if (v === undefined || v === null || typeof v !== 'object') return undefined;
    v = v[t];
  }
  return v;
}

function write(data, pointer, value) {
  const ts = tokens(pointer);
  let v = data;
  ts.slice(0, -1).forEach((t, i) => {
    if (v[t] === undefined || v[t] === null || typeof v[t] !== 'object') v[t] = /^\d+$/.test(ts[i + 1]) ? [] : {};
    v = v[t];
  });
  const last = ts[ts.length - 1];
  if (value === undefined) {
    if (Array.isArray(v)) v[last] = undefined; else delete v[last];
  } else v[last] = value;
}

/** The schema of the field at a data pointer (array indexes step into `items`). */
function schemaAt(schema, pointer) {
  let s = schema;
  for (const t of tokens(pointer)) {
    if (!s) return undefined;
    s = /^\d+$/.test(t) && s.items ? s.items : s.properties?.[t];
  }
  return s;
}

const isEmpty = (v) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/**
 * Whether `value` satisfies `schema`, for the keywords conditions use (visibleWhen, if/then): const, enum,
 * type, properties, required, not, anyOf, allOf, oneOf, minimum, maximum, minLength, maxLength, pattern.
 */
export function satisfies(schema, value) {
  if (schema === true || schema === undefined) return true;
  if (schema === false) return false;
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) return false;
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) return false;
  if (schema.type && value !== undefined && !typeMatches(schema.type, value)) return false;
  if (schema.required && (typeof value !== 'object' || value === null
    || schema.required.some((k) => value[k] === undefined))) return false;
  if (schema.properties && value && typeof value === 'object') {
    for (const [k, s] of Object.entries(schema.properties)) {
      if (value[k] !== undefined && !satisfies(s, value[k])) return false;
    }
  }
  if (schema.not && satisfies(schema.not, value)) return false;
  if (schema.anyOf && !schema.anyOf.some((s) => satisfies(s, value))) return false;
  if (schema.allOf && !schema.allOf.every((s) => satisfies(s, value))) return false;
  if (schema.oneOf && schema.oneOf.filter((s) => satisfies(s, value)).length !== 1) return false;
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return false;
    if (schema.maximum !== undefined && value > schema.maximum) return false;
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && [...value].length < schema.minLength) return false;
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength) return false;
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) return false;
  }
  return true;
}

function typeMatches(type, value) {
  const types = Array.isArray(type) ? type : [type];
  return types.some((t) => (t === 'integer' ? Number.isInteger(value)
    : t === 'array' ? Array.isArray(value)
      : t === 'null' ? value === null
        : t === 'object' ? value !== null && typeof value === 'object' && !Array.isArray(value)
          : typeof value === t));
}

/** Whether an if/then's `then` requires the field at the tokens `rel` (through nested properties and rows). */
function thenRequires(then, rel) {
  if (!then || !rel.length) return false;
  if (rel.length === 1) return (then.required || []).includes(rel[0]);
  if (/^\d+$/.test(rel[1])) return thenRequires(then.properties?.[rel[0]]?.items, rel.slice(2));
  return thenRequires(then.properties?.[rel[0]], rel.slice(1));
}

/** The choices of a field: `oneOf`/`anyOf` of {const, title}, or `enum`. */
function choicesOf(s) {
  const list = s.oneOf || s.anyOf;
  if (list && list.every((o) => 'const' in o)) return list.map((o) => ({ value: o.const, label: o.title || String(o.const) }));
  if (s.enum) return s.enum.map((e) => ({ value: e, label: String(e) }));
  if (s.type === 'array' && s.items) return choicesOf(s.items);
  return null;
}

/**
 * Property names of the object schema at `pointer` (rows' pointers without their index) in the UI schema's
 * `order` (JSON Pointers of fields), then the schema's own order.
 */
function propertyNames(s, order = [], pointer = '') {
  const names = Object.keys(s.properties || {});
  const base = pointer.replace(/\/\d+(?=\/|$)/g, '');
  const listed = order.filter((p) => p.startsWith(`${base}/`) && names.includes(p.slice(base.length + 1)))
    .map((p) => p.slice(base.length + 1));
  return [...listed, ...names.filter((n) => !listed.includes(n))];
}

// The renderer's own words: Chinese, and English for a reader who asked for it (`lang`).
const WORDS = {
  zh: {
    confirm: (t) => `请确认“${t}”`, atLeast: (n, t) => `请至少填写 ${n} 项“${t}”`, fill: (t) => `请填写“${t}”`,
    integer: (t) => `“${t}”请填写整数`, number: (t) => `“${t}”请填写数字`, min: (t, n) => `“${t}”不能小于 ${n}`,
    max: (t, n) => `“${t}”不能大于 ${n}`, minLength: (t, n) => `“${t}”至少 ${n} 个字`,
    maxLength: (t, n) => `“${t}”最多 ${n} 个字`, date: (t) => `“${t}”请填写日期，如 2026-12-06`,
    pattern: (t) => `“${t}”格式不正确`, idNumber: (t, p) => p, creditCode: (t, p) => p,
    choose: '请选择', yes: '是', no: '否', back: '上一步', next: '下一步', all: '显示全部', stepwise: '分步填写',
    hasErrors: '（有错误）', item: '一项', add: (t) => `添加${t}`, remove: (t, i) => `删除${t} ${i}`,
  },
  en: {
    confirm: (t) => `Please confirm "${t}".`, atLeast: (n, t) => `Add at least ${n} of "${t}".`,
    fill: (t) => `"${t}" is required.`, integer: (t) => `"${t}" must be a whole number.`,
    number: (t) => `"${t}" must be a number.`, min: (t, n) => `"${t}" must be at least ${n}.`,
    max: (t, n) => `"${t}" must be at most ${n}.`, minLength: (t, n) => `"${t}" needs at least ${n} characters.`,
    maxLength: (t, n) => `"${t}" takes at most ${n} characters.`, date: (t) => `"${t}" must be a date such as 2026-12-06.`,
    pattern: (t) => `"${t}" is not in the expected format.`,
    idNumber: (t) => `"${t}" is not a valid identity number (18 characters, check digit by GB 11643).`,
    creditCode: (t) => `"${t}" is not a valid unified social credit code (18 characters, check character by GB 32100).`,
    choose: 'Choose…', yes: 'Yes', no: 'No', back: 'Back', next: 'Next', all: 'Show all', stepwise: 'Step by step',
    hasErrors: ' (has errors)', item: 'item', add: (t) => `Add ${t}`, remove: (t, i) => `Remove ${t} ${i}`,
  },
};

/** Renders the form into `container`; answers a controller. */
export function renderForm(container, { schema, uiSchema = {}, data = {}, idPrefix, onChange, lang } = {}) {
  const prefix = idPrefix || `f${formCount++ ? formCount : ''}`;
  let ready = false; // rows draw before the steps exist; they refresh once everything does
  const state = { data: structuredClone(data || {}), step: 0, all: false };
  const fields = new Map(); // pointer → {wrap, error, label, schema}
  const widgets = uiSchema.widgets || {};
  const help = uiSchema.help || {};
  const visibleWhen = uiSchema.visibleWhen || {};
  const order = uiSchema.order || [];
  // Another language's titles, help and option labels (uiSchema.i18n.<lang>), falling back to the Chinese.
  const texts = (lang && !lang.startsWith('zh') && uiSchema.i18n?.[lang]) || {};
  const W = lang && !lang.startsWith('zh') ? WORDS.en : WORDS.zh;
  const generic = (pointer) => pointer.replace(/\/\d+(?=\/|$)/g, '');
  const titleOf = (pointer, s, name) => texts[generic(pointer)]?.title || s.title || name;
  const placeholders = uiSchema.placeholders || {};
  const messages = uiSchema.messages || {};
  const idOf = (pointer) => `${prefix}${pointer.replace(/[^A-Za-z0-9_]+/g, '-')}`;

  // Steps: the UI schema's, plus whatever top-level field no step lists.
  const steps = (uiSchema.steps && uiSchema.steps.length ? uiSchema.steps : [{ title: schema.title || '申请信息', fields: [] }])
    .map((s) => ({ ...s, fields: [...(s.fields || [])] }));
  const listed = steps.flatMap((s) => s.fields);
  const rest = propertyNames(schema, order).map((n) => join('', n))
    .filter((p) => !listed.some((l) => l === p || l.startsWith(`${p}/`)));
  if (rest.length) (uiSchema.steps?.length ? (steps.push({ title: '其他信息', fields: [] }), steps.at(-1)) : steps[0]).fields.push(...rest);

  // Requirement: the parent's `required`, `dependentRequired` and the `then.required` of `allOf` if/then that hold now.
  function requiredNow(pointer) {
    const ts = tokens(pointer);
    const parentPointer = ts.length > 1 ? `/${ts.slice(0, -1).join('/')}` : '';
    const name = ts[ts.length - 1];
    const parent = parentPointer ? schemaAt(schema, parentPointer) : schema;
    if (!parent || parent.type === 'array') return false;
    const value = (parentPointer ? read(state.data, parentPointer) : state.data) || {};
    if ((parent.required || []).includes(name)) return true;
    for (const [key, deps] of Object.entries(parent.dependentRequired || {})) {
      if (!isEmpty(value[key]) && deps.includes(name)) return true;
    }
    if ((parent.allOf || []).some((c) => c.if && c.then?.required?.includes(name) && satisfies(c.if, value))) return true;
    // An if/then further up (a condition whose choice sits outside this field's section or repeating group).
    for (let i = 0; i < ts.length - 1; i++) {
      const at = i ? `/${ts.slice(0, i).join('/')}` : '';
      const holder = at ? schemaAt(schema, at) : schema;
      if (!holder?.allOf || /^\d+$/.test(ts[i])) continue;
      const here = (at ? read(state.data, at) : state.data) || {};
      if (holder.allOf.some((c) => c.if && thenRequires(c.then, ts.slice(i)) && satisfies(c.if, here))) return true;
    }
    return false;
  }

  function visible(pointer) {
    const ts = tokens(pointer);
    for (let i = 1; i <= ts.length; i++) {
      const p = `/${ts.slice(0, i).join('/')}`;
      const when = visibleWhen[p] || visibleWhen[generic(p)]; // a row's field: keyed without the row number
      if (when && !satisfies(when, state.data)) return false;
    }
    return true;
  }

  function changed() {
    refresh();
    if (onChange) onChange(controller.getData());
  }

  // ---- Leaf fields ----
  function leaf(pointer, s, name) {
    const id = idOf(pointer);
    const widget = widgets[pointer] || widgets[pointer.replace(/\/\d+\//g, '/')];
    const choices = choicesOf(s)?.map((o) => ({ ...o, label: texts[generic(pointer)]?.options?.[o.value] || o.label }));
    if (read(state.data, pointer) === undefined && s.default !== undefined) write(state.data, pointer, structuredClone(s.default));
    const value = read(state.data, pointer);
    const error = h('div', { class: 'error', id: `${id}-error`, role: 'alert', hidden: true });
    const helpText = texts[generic(pointer)]?.help || help[pointer] || help[generic(pointer)] || s.description;
    const helpEl = helpText ? h('div', { class: 'help', id: `${id}-help` }, helpText) : null;
    const described = [helpEl ? `${id}-help` : null, `${id}-error`].filter(Boolean).join(' ');
    // A field showing an error is checked again as it changes, so the error goes as soon as it is fixed.
    const set = (v) => { write(state.data, pointer, v); changed(); if (!error.hidden) showProblem(pointer); };
    let control;
    const title = titleOf(pointer, s, name);
    let label = h('label', { for: id }, title);

    if (s.type === 'boolean' && (s.const === true || widget === 'checkbox' || (!widget && s.const !== undefined))) {
      control = h('input', { id, type: 'checkbox', checked: value === true, 'aria-describedby': described,
        onchange: (e) => set(e.target.checked ? true : (s.const === true ? undefined : false)) });
      label = h('label', { for: id, class: 'check' }, control, ` ${title}`);
      control = null;
    } else if (s.type === 'boolean' || (choices && (widget === 'radio' || widget === 'checkboxes'))) {
      const opts = s.type === 'boolean' ? [{ value: true, label: W.yes }, { value: false, label: W.no }] : choices;
      const multiple = s.type === 'array';
      const group = h('div', { class: 'choices', role: multiple ? 'group' : 'radiogroup', id, 'aria-labelledby': `${id}-label`,
        'aria-describedby': described },
      opts.map((o, i) => {
        const checked = multiple ? (value || []).includes(o.value) : value === o.value;
        return h('label', { for: `${id}-${i}` }, h('input', { type: multiple ? 'checkbox' : 'radio', name: id, id: `${id}-${i}`,
          checked, onchange: () => {
            if (!multiple) return set(o.value);
            const now = new Set(read(state.data, pointer) || []);
            if (now.has(o.value)) now.delete(o.value); else now.add(o.value);
            set(opts.map((x) => x.value).filter((x) => now.has(x)));
          } }), ` ${o.label}`);
      }));
      label = h('span', { class: 'label', id: `${id}-label` }, title);
      control = group;
    } else if (choices) {
      control = h('select', { id, 'aria-describedby': described, onchange: (e) => {
        const o = choices[Number(e.target.value)];
        set(o ? o.value : undefined);
      } }, h('option', { value: '' }, W.choose),
      choices.map((o, i) => h('option', { value: String(i), selected: value === o.value }, o.label)));
    } else if (widget === 'textarea') {
      control = h('textarea', { id, rows: 3, maxlength: s.maxLength, 'aria-describedby': described,
        placeholder: placeholders[generic(pointer)],
        oninput: (e) => set(e.target.value === '' ? undefined : e.target.value) });
      control.value = value ?? '';
    } else {
      const numeric = s.type === 'number' || s.type === 'integer';
      const type = s.format === 'date' || widget === 'date' ? 'date' : 'text';
      control = h('input', { id, type, maxlength: s.maxLength, 'aria-describedby': described,
        placeholder: placeholders[generic(pointer)],
        inputmode: numeric ? (s.type === 'integer' ? 'numeric' : 'decimal') : (isIdNumberField(name, s) ? 'text' : null),
        autocomplete: 'off', value: value ?? '',
        oninput: (e) => {
          const raw = e.target.value.trim();
          if (raw === '') return set(undefined);
          set(numeric && raw !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw);
        },
        onblur: () => { if (!isEmpty(read(state.data, pointer))) showProblem(pointer); } });
    }
    const wrap = h('div', { class: 'field', dataset: { pointer } }, label, control, helpEl, error);
    fields.set(pointer, { wrap, error, label, schema: s, name, kind: 'leaf' });
    return wrap;
  }

  // ---- Groups: nested objects and repeating rows ----
  function node(pointer, s, name) {
    if (!s) return null;
    if (s.type === 'object' && s.properties) {
      const box = h('fieldset', { class: 'group', dataset: { pointer } }, h('legend', {}, titleOf(pointer, s, name)),
        s.description ? h('p', { class: 'help' }, s.description) : null,
        propertyNames(s, order, pointer).map((n) => node(join(pointer, n), s.properties[n], n)));
      fields.set(pointer, { wrap: box, schema: s, name, kind: 'group', error: appendError(box, pointer) });
      return box;
    }
    if (s.type === 'array' && s.items?.type === 'object') return rows(pointer, s, name);
    return leaf(pointer, s, name);
  }

  function appendError(box, pointer) {
    const error = h('div', { class: 'error', id: `${idOf(pointer)}-error`, role: 'alert', hidden: true });
    box.append(error);
    return error;
  }

  function rows(pointer, s, name) {
    const box = h('fieldset', { class: 'group rows', dataset: { pointer } });
    const draw = () => {
      [...fields.keys()].filter((p) => p.startsWith(`${pointer}/`)).forEach((p) => fields.delete(p));
      const list = read(state.data, pointer) || [];
      const title = s.items.title || W.item;
      mount(box, h('legend', {}, titleOf(pointer, s, name)),
        help[pointer] || s.description ? h('p', { class: 'help' }, help[pointer] || s.description) : null,
        list.map((_, i) => h('fieldset', { class: 'row' }, h('legend', {}, `${title} ${i + 1}`),
          propertyNames(s.items, order, pointer).map((n) => node(join(join(pointer, i), n), s.items.properties[n], n)),
          h('button', { type: 'button', class: 'noprint', disabled: list.length <= (s.minItems || 0),
            onclick: () => { list.splice(i, 1); write(state.data, pointer, list); draw(); changed(); } }, W.remove(title, i + 1)))),
        h('button', { type: 'button', class: 'noprint', disabled: s.maxItems !== undefined && list.length >= s.maxItems,
          onclick: () => {
            list.push({});
            write(state.data, pointer, list);
            draw();
            changed();
            box.querySelectorAll('fieldset.row')[list.length - 1]?.querySelector('input, select, textarea')?.focus();
          } }, W.add(title)));
      fields.set(pointer, { wrap: box, schema: s, name, kind: 'rows', error: appendError(box, pointer) });
      if (ready) refresh();
    };
    if (!Array.isArray(read(state.data, pointer))) {
      write(state.data, pointer, Array.from({ length: Math.max(s.minItems || 0, 1) }, () => ({})));
    }
    box.redraw = draw;
    draw();
    return box;
  }

  // ---- Checks ----
  function problemOf(pointer) {
    const f = fields.get(pointer);
    if (!f || !visible(pointer)) return null;
    const s = f.schema;
    const v = read(state.data, pointer);
    const title = titleOf(pointer, s, f.name);
    // The form's own message for a keyword (uiSchema.messages, or its English in i18n), as the server uses it.
    const own = (keyword) => texts[generic(pointer)]?.messages?.[keyword] || messages[generic(pointer)]?.[keyword];
    if (isEmpty(v) || (s.const === true && v !== true)) {
      if (s.const === true && requiredNow(pointer)) return W.confirm(title);
      if (f.kind === 'rows' && (s.minItems || 0) > 0) return W.atLeast(s.minItems, s.items.title || title);
      return requiredNow(pointer) ? own('required') || W.fill(title) : null;
    }
    if (f.kind !== 'leaf') return null;
    if (s.type === 'integer' && !Number.isInteger(v)) return W.integer(title);
    if (s.type === 'number' && typeof v !== 'number') return W.number(title);
    if (typeof v === 'number') {
      if (s.minimum !== undefined && v < s.minimum) return own('minimum') || W.min(title, s.minimum);
      if (s.maximum !== undefined && v > s.maximum) return own('maximum') || W.max(title, s.maximum);
    }
    if (typeof v === 'string') {
      if (isIdNumberField(f.name, s)) {
        const p = idNumberProblem(v);
        if (p) return W.idNumber(title, p);
      }
      if (isCreditCodeField(f.name, s)) {
        const p = creditCodeProblem(v);
        if (p) return W.creditCode(title, p);
      }
      const n = [...v].length;
      if (s.minLength !== undefined && n < s.minLength) return own('minLength') || W.minLength(title, s.minLength);
      if (s.maxLength !== undefined && n > s.maxLength) return own('maxLength') || W.maxLength(title, s.maxLength);
      if (s.format === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(v)) return W.date(title);
      if (s.pattern && !new RegExp(s.pattern, 'u').test(v)) {
        return own('pattern') || W.pattern(title);
      }
    }
    return null;
  }

  function setError(pointer, message) {
    const f = fields.get(pointer);
    if (!f) return;
    f.error.textContent = message || '';
    f.error.hidden = !message;
    f.wrap.classList.toggle('invalid', Boolean(message));
    f.wrap.querySelectorAll(':scope > input, :scope > select, :scope > textarea, :scope > label > input')
      .forEach((c) => (message ? c.setAttribute('aria-invalid', 'true') : c.removeAttribute('aria-invalid')));
  }

  function showProblem(pointer) {
    setError(pointer, problemOf(pointer));
    markSteps();
  }

  // ---- Steps ----
  const stepOf = (pointer) => steps.findIndex((s) => s.fields.some((f) => pointer === f || pointer.startsWith(`${f}/`)
    || f.startsWith(`${pointer}/`)));
  const stepper = h('ol', { class: 'steps' });
  const pages = steps.map((s, i) => h('section', { class: 'form-step', dataset: { step: i } },
    h('h3', {}, `${i + 1}. ${s.title}`), s.description ? h('p', { class: 'help' }, s.description) : null,
    s.fields.map((p) => node(p, schemaAt(schema, p), tokens(p).at(-1)))));
  const back = h('button', { type: 'button', onclick: () => go(state.step - 1) }, W.back);
  const next = h('button', { type: 'button', onclick: () => go(state.step + 1) }, W.next);
  const toggle = h('button', { type: 'button', onclick: () => { state.all = !state.all; refresh(); } }, W.all);
  const nav = h('div', { class: 'actions step-nav noprint' }, back, next, toggle);

  function go(i, focus = true) {
    state.step = Math.max(0, Math.min(steps.length - 1, i));
    state.all = false;
    refresh();
    if (focus) pages[state.step].querySelector('input, select, textarea')?.focus();
  }

  function markSteps() {
    mount(stepper, steps.map((s, i) => {
      const bad = [...fields.entries()].some(([p, f]) => !f.error?.hidden && stepOf(p) === i);
      return h('li', { 'aria-current': !state.all && i === state.step ? 'step' : null, class: bad ? 'has-error' : null },
        h('a', { href: '#', onclick: (e) => { e.preventDefault(); go(i); } }, `${i + 1}. ${s.title}`, bad ? W.hasErrors : ''));
    }));
  }

  function refresh() {
    for (const [pointer, f] of fields) {
      f.wrap.hidden = !visible(pointer);
      if (f.label) f.label.classList.toggle('required', requiredNow(pointer) && f.kind === 'leaf');
    }
    pages.forEach((p, i) => { p.hidden = !state.all && i !== state.step; });
    back.disabled = state.all || state.step === 0;
    next.disabled = state.all || state.step === steps.length - 1;
    toggle.textContent = state.all ? W.stepwise : W.all;
    markSteps();
  }

  const element = h('div', { class: 'schema-form' }, steps.length > 1 ? stepper : null, pages, steps.length > 1 ? nav : null);
  mount(container, element);
  ready = true;
  refresh();

  /** Drops empty values, hidden fields and empty array slots, so the data sent is what the person gave. */
  function clean(value, pointer) {
    if (pointer && !visible(pointer)) return undefined;
    if (Array.isArray(value)) return value.filter((x) => x !== undefined).map((x, i) => clean(x, join(pointer, i)) ?? {});
    if (value && typeof value === 'object') {
      const out = {};
      for (const [k, v] of Object.entries(value)) {
        const c = clean(v, join(pointer, k));
        if (!isEmpty(c) && !(c && typeof c === 'object' && !Array.isArray(c) && Object.keys(c).length === 0)) out[k] = c;
      }
      return out;
    }
    return value;
  }

  const controller = {
    element,
    /** The data to submit. */
    getData: () => clean(state.data, ''),
    /** Sets one field's value (e.g. from the applicant's identity) and redraws it. */
    setValue(pointer, value) {
      write(state.data, pointer, value);
      const f = fields.get(pointer);
      const c = f && document.getElementById(idOf(pointer));
      if (c && 'value' in c && c.type !== 'checkbox') c.value = value ?? '';
      changed();
      if (f && !f.error.hidden) showProblem(pointer);
    },
    value: (pointer) => read(state.data, pointer),
    has: (pointer) => fields.has(pointer),
    idOf,
    /** Checks every visible field; shows each problem at its field; answers [{pointer, message}]. */
    validate() {
      const problems = [];
      for (const pointer of fields.keys()) {
        const message = problemOf(pointer);
        setError(pointer, message);
        if (message) problems.push({ pointer, message });
      }
      markSteps();
      if (problems.length) controller.focus(problems[0].pointer);
      return problems;
    },
    /**
     * Shows the server's violations (pointers into the form data) at their fields — a field on another step
     * switches to that step; answers the violations no field of the form holds.
     */
    showViolations(violations) {
      for (const pointer of fields.keys()) setError(pointer, null);
      const unmatched = [];
      let first = null;
      for (const v of violations) {
        // The field itself, else the first field inside it (a missing group), else the nearest group around it.
        let p = v.pointer || '';
        if (p && !fields.has(p)) p = [...fields.keys()].find((k) => k.startsWith(`${p}/`)) || p;
        while (p && !fields.has(p)) p = p.slice(0, p.lastIndexOf('/'));
        if (!p) { unmatched.push(v); continue; }
        const f = fields.get(p);
        setError(p, f.error.hidden ? v.message : `${f.error.textContent}；${v.message}`);
        first = first || p;
      }
      markSteps();
      if (first) controller.focus(first);
      return unmatched;
    },
    /** Shows the step holding a field and puts the cursor in it. */
    focus(pointer) {
      const i = stepOf(pointer);
      if (!state.all && i >= 0 && i !== state.step) go(i, false);
      const f = fields.get(pointer);
      (f?.wrap.querySelector('input, select, textarea') || f?.wrap)?.focus();
    },
    showAll() { state.all = true; refresh(); },
  };
  return controller;
}
