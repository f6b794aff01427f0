// The form builder's model: the form definition itself ({schema, uiSchema, handlers, materialBindings}),
// changed in place by these functions. Nothing else is kept, so the JSON view round-trips exactly.
// A field is addressed by its path of property names: ['familyMembers', 'name'] is the `name` of each row of
// the repeating group `familyMembers`; its UI pointer (widgets, help, visibleWhen keys) is /familyMembers/name.

export const SCHEMA_URI = 'https://json-schema.org/draft/2020-12/schema';

/** The widgets the builder writes, and the field type each marks (see GET /api/v1/form-field-types). */
const BY_WIDGET = {
  textarea: 'longText', number: 'number', money: 'money', date: 'date', 'date-range': 'dateRange', radio: 'singleChoice',
  checkboxes: 'multipleChoice', 'id-number': 'idNumber', 'credit-code': 'creditCode', mobile: 'mobile', address: 'address',
  material: 'material', group: 'group', section: 'section',
};

export const pointerOf = (path) => `/${path.join('/')}`;

/** A new, empty definition for a matter. */
export function emptyDefinition(title) {
  return {
    schema: { $schema: SCHEMA_URI, title: `${title}申请表`, type: 'object', additionalProperties: false, properties: {}, required: [], examples: [] },
    uiSchema: { steps: [{ title: '申请信息', fields: [] }] },
    handlers: [],
    materialBindings: [],
  };
}

/** Fills in the parts a definition from elsewhere may lack, so the editor can rely on them. */
export function normalise(def) {
  def.schema ||= { type: 'object' };
  def.schema.properties ||= {};
  def.uiSchema ||= {};
  def.uiSchema.steps ||= [{ title: '申请信息', fields: Object.keys(def.schema.properties).map((k) => `/${k}`) }];
  def.handlers ||= [];
  def.materialBindings ||= [];
  // The stored draft (jsonb) does not keep the order of a schema's keys: `uiSchema.order` (pointers, written
  // at every save) puts each section's and group's fields back in the order the author gave them.
  const order = def.uiSchema.order || [];
  const sort = (holder, pointer) => {
    if (!holder?.properties) return;
    const rank = (k) => { const i = order.indexOf(`${pointer}/${k}`); return i < 0 ? order.length : i; };
    const keys = Object.keys(holder.properties);
    holder.properties = Object.fromEntries(keys.map((k, i) => [k, i]).sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1])
      .map(([k]) => [k, holder.properties[k]]));
    for (const [k, child] of Object.entries(holder.properties)) sort(child?.type === 'array' ? child.items : child, `${pointer}/${k}`);
  };
  if (order.length) sort(def.schema, '');
  return def;
}

/** Writes the fields' order into the UI schema (`order`: every field's pointer, as the builder lists them). */
export function keepOrder(def) {
  def.uiSchema.order = fieldOrder(def);
  return def;
}

/** The object schema whose `properties` hold the field at `path` (the root, a section, or a group's rows). */
export function containerOf(def, path) {
  let s = def.schema;
  for (const key of path.slice(0, -1)) {
    const child = s.properties?.[key];
    s = child?.type === 'array' ? child.items : child;
  }
  return s;
}

export const fieldAt = (def, path) => containerOf(def, path)?.properties?.[path.at(-1)];

/** The builder's type of a field: from its widget, else from the schema itself (forms written by hand). */
export function typeOf(def, path) {
  const s = fieldAt(def, path) || {};
  const widget = def.uiSchema.widgets?.[pointerOf(path)];
  if (BY_WIDGET[widget]) return BY_WIDGET[widget];
  if (s.type === 'array') return s.items?.type === 'object' ? 'group' : 'multipleChoice';
  if (s.type === 'object') return 'section';
  if (s.oneOf || s.enum) return 'singleChoice';
  if (s.type === 'number' || s.type === 'integer') return 'number';
  if (s.format === 'date') return 'date';
  if (s.type === 'boolean') return 'boolean';
  return 'text';
}

/** The children of a section or group (property names), else []. */
export function childrenOf(def, path) {
  const s = fieldAt(def, path);
  const holder = s?.type === 'array' ? s.items : s;
  return s && (typeOf(def, path) === 'group' || typeOf(def, path) === 'section') ? Object.keys(holder?.properties || {}) : [];
}

/** Every field's pointer in the order the builder lists them: by steps, children after their section or group. */
export function fieldOrder(def) {
  const out = [];
  const walk = (path) => { out.push(pointerOf(path)); childrenOf(def, path).forEach((k) => walk([...path, k])); };
  def.uiSchema.steps.forEach((s) => s.fields.forEach((p) => walk(p.slice(1).split('/'))));
  return out;
}

function uniqueKey(container, base) {
  let key = base;
  for (let i = 2; container.properties[key]; i++) key = `${base}${i}`;
  return key;
}

/**
 * Adds a field of a catalogue type: at the top level after `after` (a top-level path) or at the end of step
 * `stepIndex`; or, with `into`, as a child of that section or group. Answers the new field's path.
 */
export function addField(def, type, { stepIndex = def.uiSchema.steps.length - 1, after, into } = {}) {
  if (type.type === 'step') {
    const step = structuredClone(type.uiSchema.step);
    step.title = `第 ${def.uiSchema.steps.length + 1} 步`;
    def.uiSchema.steps.push(step);
    return null;
  }
  const parentSchema = into ? fieldAt(def, into) : def.schema;
  const container = parentSchema?.type === 'array' ? parentSchema.items : parentSchema;
  container.properties ||= {};
  const key = uniqueKey(container, type.key);
  container.properties[key] = structuredClone(type.schema);
  const path = [...(into || []), key];
  const pointer = pointerOf(path);
  if (type.uiSchema.widget) (def.uiSchema.widgets ||= {})[pointer] = type.uiSchema.widget;
  if (!into) {
    const steps = def.uiSchema.steps;
    const at = after ? steps.findIndex((s) => s.fields.includes(pointerOf(after))) : -1;
    const step = steps[at >= 0 ? at : Math.max(0, Math.min(stepIndex, steps.length - 1))];
    const i = after ? step.fields.indexOf(pointerOf(after)) + 1 : step.fields.length;
    step.fields.splice(i, 0, pointer);
    if (type.check) setCheck(def, pointer, type.check.list, true);
  }
  return path;
}

/** Adds or removes a pointer in the identity-check handler's list (GB 11643 / GB 32100 / mobile checks). */
function setCheck(def, pointer, list, on) {
  let h = def.handlers.find((x) => x.id === 'identity-check');
  if (!h && !on) return;
  if (!h) def.handlers.push(h = { id: 'identity-check', config: {} });
  const now = (h.config[list] || []).filter((p) => p !== pointer);
  if (on) now.push(pointer);
  if (now.length) h.config[list] = now; else delete h.config[list];
  if (!Object.keys(h.config).length) def.handlers.splice(def.handlers.indexOf(h), 1);
}

/** Removes a field and every mention of it (steps, widgets, help, conditions, handlers, material bindings). */
export function deleteField(def, path) {
  conditionsTouching(def, pointerOf(path)).forEach((c) => setCondition(def, c.path, null));
  const container = containerOf(def, path);
  const name = path.at(-1);
  const pointer = pointerOf(path);
  const mine = (p) => p === pointer || p.startsWith(`${pointer}/`);
  delete container.properties[name];
  container.required = (container.required || []).filter((r) => r !== name);
  def.uiSchema.steps.forEach((s) => { s.fields = s.fields.filter((f) => !mine(f)); });
  for (const part of ['widgets', 'help', 'visibleWhen', 'placeholders']) {
    Object.keys(def.uiSchema[part] || {}).filter(mine).forEach((k) => delete def.uiSchema[part][k]);
  }
  Object.values(def.uiSchema.i18n || {}).forEach((texts) => Object.keys(texts).filter(mine).forEach((k) => delete texts[k]));
  if (def.uiSchema.order) def.uiSchema.order = def.uiSchema.order.filter((p) => !mine(p));
  for (const h of [...def.handlers]) {
    for (const [k, v] of Object.entries(h.config || {})) {
      if (Array.isArray(v) && v.every((p) => typeof p === 'string')) h.config[k] = v.filter((p) => !mine(p));
      else if (v === pointer) delete h.config[k];
    }
    if (h.id === 'identity-check') {
      Object.keys(h.config).filter((k) => Array.isArray(h.config[k]) && !h.config[k].length).forEach((k) => delete h.config[k]);
      if (!Object.keys(h.config).length) def.handlers.splice(def.handlers.indexOf(h), 1);
    }
  }
  prefillMaps(def).forEach((m) => Object.keys(m).filter((k) => mine(m[k])).forEach((k) => delete m[k]));
  tidyPrefill(def);
  def.materialBindings = def.materialBindings.filter((b) => !mine(b.field));
  if (path.length === 1 && container.allOf) {
    // Conditions on the field, or requiring it, go with it.
    container.allOf = container.allOf.filter((c) => !(c.if?.properties?.[name]));
    container.allOf.forEach((c) => { if (c.then?.required) c.then.required = c.then.required.filter((r) => r !== name); });
    container.allOf = container.allOf.filter((c) => !c.then || c.then.required?.length || Object.keys(c.then).length > 1);
    if (!container.allOf.length) delete container.allOf;
    Object.entries(def.uiSchema.visibleWhen || {}).forEach(([k, v]) => { if (v.properties?.[name]) delete def.uiSchema.visibleWhen[k]; });
  }
  (def.schema.examples || []).forEach((e) => { if (path.length === 1) delete e[name]; });
}

/** Moves a field one place up (-1) or down (+1): among its siblings, and at the top level across steps. */
export function moveField(def, path, delta) {
  const container = containerOf(def, path);
  if (path.length > 1) {
    const keys = Object.keys(container.properties);
    const i = keys.indexOf(path.at(-1));
    const j = i + delta;
    if (j < 0 || j >= keys.length) return;
    [keys[i], keys[j]] = [keys[j], keys[i]];
    container.properties = Object.fromEntries(keys.map((k) => [k, container.properties[k]]));
    return;
  }
  const pointer = pointerOf(path);
  const steps = def.uiSchema.steps;
  const si = steps.findIndex((s) => s.fields.includes(pointer));
  if (si < 0) return;
  const fields = steps[si].fields;
  const i = fields.indexOf(pointer);
  fields.splice(i, 1);
  if (i + delta < 0) {
    if (si === 0) { fields.unshift(pointer); return; }
    steps[si - 1].fields.push(pointer);
  } else if (i + delta > fields.length) {
    if (si === steps.length - 1) { fields.push(pointer); return; }
    steps[si + 1].fields.unshift(pointer);
  } else fields.splice(i + delta, 0, pointer);
  // The schema's property order follows the steps, so the form reads the same without them.
  const order = steps.flatMap((s) => s.fields).filter((p) => p.split('/').length === 2).map((p) => p.slice(1));
  const props = def.schema.properties;
  def.schema.properties = Object.fromEntries([...order.filter((k) => props[k]),
    ...Object.keys(props).filter((k) => !order.includes(k))].map((k) => [k, props[k]]));
}

export function isRequired(def, path) {
  return (containerOf(def, path).required || []).includes(path.at(-1));
}

export function setRequired(def, path, on) {
  const c = containerOf(def, path);
  const name = path.at(-1);
  c.required = (c.required || []).filter((r) => r !== name);
  if (on) c.required.push(name);
}

/** A UI-schema map entry (help, placeholders) for a field; empty text removes it. */
export function setUi(def, part, path, text) {
  const pointer = pointerOf(path);
  if (text) (def.uiSchema[part] ||= {})[pointer] = text;
  else if (def.uiSchema[part]) {
    delete def.uiSchema[part][pointer];
    if (!Object.keys(def.uiSchema[part]).length) delete def.uiSchema[part];
  }
}

/**
 * The English text of a field: uiSchema.i18n.en[pointer].title|help (a string), .options ({value: label}) or
 * .messages ({keyword: message}); empty removes it.
 */
export function setEnglish(def, path, key, text) {
  const pointer = pointerOf(path);
  const en = ((def.uiSchema.i18n ||= {}).en ||= {});
  if (text && (typeof text === 'string' || Object.keys(text).length)) (en[pointer] ||= {})[key] = text;
  else if (en[pointer]) {
    delete en[pointer][key];
    if (!Object.keys(en[pointer]).length) delete en[pointer];
  }
  if (!Object.keys(en).length) delete def.uiSchema.i18n.en;
  if (!Object.keys(def.uiSchema.i18n).length) delete def.uiSchema.i18n;
}

export const english = (def, path, key) => def.uiSchema.i18n?.en?.[pointerOf(path)]?.[key] || '';

/*
 * Conditions. "Show (and require) field P when single-choice field C equals v" is written once as standard JSON
 * Schema in two places: uiSchema.visibleWhen[P], a schema over the whole form's data (the renderer shows P only
 * while it holds), and, when required, an `allOf` entry {if, then} in the schema of the nearest object holding
 * both C and P (the root or a section), which the server enforces at submission. C may sit at the top or in
 * sections; P anywhere, also in the rows of a repeating group (then: every row needs it). A choice inside a
 * repeating group cannot drive a condition: visibleWhen is read against the whole form, not one row.
 */

/** A schema requiring the chain `path` to lead to a value matching `leaf`: {properties: {a: {…}}, required: [a]}. */
const chain = (path, leaf) => (path.length ? { properties: { [path[0]]: chain(path.slice(1), leaf) }, required: [path[0]] } : leaf);

/** The single-choice fields a condition may name (not inside a repeating group), as paths. */
export function conditionChoices(def) {
  const out = [];
  const walk = (s, path) => Object.keys(s?.properties || {}).forEach((k) => {
    const p = [...path, k];
    const t = typeOf(def, p);
    if (t === 'singleChoice') out.push(p);
    else if (t === 'section') walk(fieldAt(def, p), p);
  });
  walk(def.schema, []);
  return out;
}

const commonParent = (a, b) => {
  const out = [];
  for (let i = 0; i < Math.min(a.length, b.length) - 1 && a[i] === b[i]; i++) out.push(a[i]);
  return out;
};
const objectAt = (def, path) => (path.length ? fieldAt(def, path) : def.schema);

/** Whether `then` (at some object) requires the field at the relative path `rel` (through sections and group rows). */
function thenRequires(then, rel) {
  if (!then) return false;
  if (rel.length === 1) return (then.required || []).includes(rel[0]);
  const sub = then.properties?.[rel[0]];
  return thenRequires(sub?.items || sub, rel.slice(1));
}

/** Adds (on) or removes the requirement of `rel` to `then`, relative to object schema `at`; answers `then`. */
function requireIn(then, rel, at, on) {
  const [k, ...rest] = rel;
  if (!rest.length) {
    then.required = (then.required || []).filter((r) => r !== k);
    if (on) then.required.push(k);
    if (!then.required.length) delete then.required;
    return then;
  }
  const child = at?.properties?.[k];
  const rows = child?.type === 'array';
  then.properties ||= {};
  const holder = (then.properties[k] ||= {});
  const inner = rows ? (holder.items ||= {}) : holder;
  requireIn(inner, rest, rows ? child.items : child, on);
  if (rows) {
    if (!Object.keys(inner).length) delete holder.items;
  } else {
    // A missing section would skip the check inside it, so the section is required too while it requires something.
    then.required = (then.required || []).filter((r) => r !== k);
    if (Object.keys(inner).length) then.required.push(k);
    if (!then.required.length) delete then.required;
  }
  if (!Object.keys(holder).length) delete then.properties[k];
  if (!Object.keys(then.properties).length) delete then.properties;
  return then;
}

/** The condition of the field at `path`: {field: the choice's path, value, required}, or null. */
export function conditionOf(def, path) {
  const when = def.uiSchema.visibleWhen?.[pointerOf(path)];
  const field = [];
  let s = when;
  while (s?.properties && Object.keys(s.properties).length === 1) {
    const [k] = Object.keys(s.properties);
    field.push(k);
    s = s.properties[k];
  }
  if (!field.length || !s || !('const' in s)) return null;
  const parent = commonParent(field, path);
  const iff = chain(field.slice(parent.length), { const: s.const });
  const required = (objectAt(def, parent)?.allOf || []).some((c) => JSON.stringify(c.if) === JSON.stringify(iff)
    && thenRequires(c.then, path.slice(parent.length)));
  return { field, value: s.const, required };
}

/** Sets the field's condition ({field: path of a single choice, value, required}), or with null removes it. */
export function setCondition(def, path, condition) {
  const old = conditionOf(def, path);
  if (old) {
    const parent = commonParent(old.field, path);
    const holder = objectAt(def, parent);
    const iff = JSON.stringify(chain(old.field.slice(parent.length), { const: old.value }));
    (holder.allOf || []).filter((c) => JSON.stringify(c.if) === iff && c.then)
      .forEach((c) => requireIn(c.then, path.slice(parent.length), holder, false));
    if (holder.allOf) {
      holder.allOf = holder.allOf.filter((c) => !c.then || Object.keys(c.then).length);
      if (!holder.allOf.length) delete holder.allOf;
    }
  }
  setUi(def, 'visibleWhen', path, null);
  if (!condition) return;
  const { field, value } = condition;
  (def.uiSchema.visibleWhen ||= {})[pointerOf(path)] = chain(field, { const: value });
  if (condition.required) {
    const parent = commonParent(field, path);
    const holder = objectAt(def, parent);
    const iff = chain(field.slice(parent.length), { const: value });
    holder.allOf ||= [];
    let c = holder.allOf.find((x) => JSON.stringify(x.if) === JSON.stringify(iff) && x.then);
    if (!c) holder.allOf.push(c = { if: iff, then: {} });
    requireIn(c.then, path.slice(parent.length), holder, true);
    setRequired(def, path, false); // required only when the condition holds
  }
}

/** The conditions that name the field at `pointer` (as choice or as target, or inside it): [{path, condition}]. */
function conditionsTouching(def, pointer) {
  const mine = (p) => p === pointer || p.startsWith(`${pointer}/`);
  return Object.keys(def.uiSchema.visibleWhen || {}).map((k) => ({ path: k.slice(1).split('/'), key: k }))
    .map(({ path, key }) => ({ path, key, condition: conditionOf(def, path) }))
    .filter(({ key, condition }) => condition && (mine(key) || mine(pointerOf(condition.field))));
}

/**
 * The prefill handlers' maps of "item → top-level field": profile-prefill's config itself, each data-sharing
 * lookup's and each licence-prefill licence's `fields`. Renaming and deleting a field follow them.
 */
function prefillMaps(def) {
  const out = [];
  def.handlers.forEach((h) => {
    if (h.id === 'profile-prefill' && h.config) out.push(h.config);
    if (h.id === 'data-sharing') (h.config?.lookups || []).forEach((l) => l.fields && out.push(l.fields));
    if (h.id === 'licence-prefill') (h.config?.licences || []).forEach((l) => l.fields && out.push(l.fields));
  });
  return out;
}

/** Drops prefill entries left empty (the handlers' configuration schemas want at least one of each). */
function tidyPrefill(def) {
  def.handlers = def.handlers.filter((h) => {
    if (h.id === 'profile-prefill') return Object.keys(h.config || {}).length > 0;
    if (h.id === 'data-sharing' && h.config?.lookups) {
      h.config.lookups = h.config.lookups.filter((l) => Object.keys(l.fields || {}).length);
      return h.config.lookups.length > 0;
    }
    if (h.id === 'licence-prefill' && h.config?.licences) {
      h.config.licences = h.config.licences.filter((l) => Object.keys(l.fields || {}).length);
      return h.config.licences.length > 0;
    }
    return true;
  });
}

/** The data-sharing sources of the provincial exchange (docs/proactive-service.md) and what keys their records. */
export const SHARED_SOURCES = [['gongan-population', '公安 人口信息', 'idNumber'], ['mzj-marriage', '民政 婚姻登记', 'idNumber'],
  ['rsj-social-insurance', '人社 社保参保', 'idNumber'], ['scjg-enterprise', '市场监管 企业登记', 'creditCode']];

const PREFILL_LISTS = { 'data-sharing': ['lookups', 'shared', 'source'], 'licence-prefill': ['licences', 'licence', 'licenceType'] };

/**
 * Where this top-level field is filled from before the applicant types: {kind: 'profile', item} (the applicant's
 * profile), {kind: 'shared', source, item} (a department's shared data) or {kind: 'licence', licenceType, item}
 * (an item of the applicant's e-licence, e.g. /holderName or /surface/householdAddress); null when typed.
 */
export function prefillOf(def, path) {
  const pointer = pointerOf(path);
  for (const h of def.handlers) {
    if (h.id === 'profile-prefill') {
      const item = Object.entries(h.config || {}).find(([, p]) => p === pointer)?.[0];
      if (item) return { kind: 'profile', item };
    }
    const [list, kind, key] = PREFILL_LISTS[h.id] || [];
    for (const l of (list && h.config?.[list]) || []) {
      const item = Object.entries(l.fields || {}).find(([, p]) => p === pointer)?.[0];
      if (item) return { kind, [key]: l[key], item };
    }
  }
  return null;
}

/** Sets (or with null removes) where a top-level field is filled from; see prefillOf. */
export function setPrefill(def, path, prefill) {
  const pointer = pointerOf(path);
  prefillMaps(def).forEach((m) => Object.keys(m).filter((k) => m[k] === pointer).forEach((k) => delete m[k]));
  const handler = (id, config) => {
    let h = def.handlers.find((x) => x.id === id);
    if (!h) def.handlers.push(h = { id, config });
    return h;
  };
  if (prefill?.kind === 'profile' && prefill.item) handler('profile-prefill', {}).config[prefill.item] = pointer;
  if (prefill?.kind === 'shared' && prefill.source && prefill.item) {
    const by = SHARED_SOURCES.find(([s]) => s === prefill.source)?.[2] || 'idNumber';
    const h = handler('data-sharing', { lookups: [] });
    let l = h.config.lookups.find((x) => x.source === prefill.source && x.by === by);
    if (!l) h.config.lookups.push(l = { source: prefill.source, by, fields: {} });
    l.fields[prefill.item] = pointer;
  }
  if (prefill?.kind === 'licence' && prefill.licenceType && prefill.item) {
    const h = handler('licence-prefill', { licences: [] });
    let l = h.config.licences.find((x) => x.licenceType === prefill.licenceType);
    if (!l) h.config.licences.push(l = { licenceType: prefill.licenceType, fields: {} });
    l.fields[prefill.item] = pointer;
  }
  tidyPrefill(def);
}

export const bindingOf = (def, path) => def.materialBindings.find((b) => b.field === pointerOf(path))?.material || '';

export function setBinding(def, path, material) {
  def.materialBindings = def.materialBindings.filter((b) => b.field !== pointerOf(path));
  if (material) def.materialBindings.push({ material, field: pointerOf(path) });
}

/**
 * What publishing would refuse that the builder can tell before asking (the server checks everything again):
 * answers Chinese sentences.
 */
export function problems(def) {
  const out = [];
  if (!Object.keys(def.schema.properties || {}).length) out.push('表单还没有数据项。');
  if (!(def.schema.examples || []).length) out.push('还没有样例数据：请在“试填”中填写一份并“存为样例”。');
  def.uiSchema.steps.forEach((s, i) => { if (!s.fields.length) out.push(`第 ${i + 1} 步“${s.title}”还没有数据项（发布时会略去）。`); });
  const walk = (s, path) => Object.entries(s?.properties || {}).forEach(([k, f]) => {
    if (!f.title) out.push(`数据项 ${pointerOf([...path, k])} 没有标题。`);
    if (f.type === 'array' && f.items?.type === 'object') {
      if (!Object.keys(f.items.properties || {}).length) out.push(`重复组“${f.title || k}”还没有数据项。`);
      walk(f.items, [...path, k]);
    } else if (f.type === 'object') walk(f, [...path, k]);
  });
  walk(def.schema, []);
  return out;
}

/** The definition as a version is made from it: steps without fields left out (the meta-schema wants ≥ 1). */
export function forVersion(def) {
  const copy = keepOrder(structuredClone(def));
  copy.uiSchema.steps = copy.uiSchema.steps.filter((s) => s.fields.length);
  if (!copy.uiSchema.steps.length) copy.uiSchema.steps = [{ title: '申请信息', fields: Object.keys(copy.schema.properties).map((k) => `/${k}`) }];
  return copy;
}

/**
 * Renames a field (its property name, the key of the data): every mention follows — steps, UI-schema maps,
 * conditions, handlers, material bindings and the examples. Answers a Chinese problem, or null when done.
 */
export function renameField(def, path, key) {
  const container = containerOf(def, path);
  const name = path.at(-1);
  if (key === name) return null;
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(key)) return '字段代码只能用英文字母和数字，以字母开头。';
  if (container.properties[key]) return `已有字段代码“${key}”。`;
  const from = pointerOf(path);
  const to = pointerOf([...path.slice(0, -1), key]);
  const mv = (p) => (p === from ? to : p.startsWith(`${from}/`) ? to + p.slice(from.length) : p);
  // Conditions naming the field are taken off and put back under the new name (they live in several places).
  const touching = conditionsTouching(def, from);
  touching.forEach((c) => setCondition(def, c.path, null));
  const rekey = (o, f) => Object.fromEntries(Object.entries(o).map(([k, v]) => [f(k), v]));
  container.properties = rekey(container.properties, (k) => (k === name ? key : k));
  if (container.required) container.required = container.required.map((r) => (r === name ? key : r));
  def.uiSchema.steps.forEach((s) => { s.fields = s.fields.map(mv); });
  if (def.uiSchema.order) def.uiSchema.order = def.uiSchema.order.map(mv);
  for (const part of ['widgets', 'help', 'visibleWhen', 'placeholders', 'messages']) {
    if (def.uiSchema[part]) def.uiSchema[part] = rekey(def.uiSchema[part], mv);
  }
  Object.keys(def.uiSchema.i18n || {}).forEach((lang) => { def.uiSchema.i18n[lang] = rekey(def.uiSchema.i18n[lang], mv); });
  def.handlers.forEach((h) => Object.entries(h.config || {}).forEach(([k, v]) => {
    h.config[k] = Array.isArray(v) ? v.map((p) => (typeof p === 'string' ? mv(p) : p)) : typeof v === 'string' ? mv(v) : v;
  }));
  prefillMaps(def).forEach((m) => Object.keys(m).forEach((k) => { m[k] = mv(m[k]); }));
  def.materialBindings.forEach((b) => { b.field = mv(b.field); });
  if (path.length === 1) {
    // Conditions name top-level fields inside standard JSON Schema: {properties: {name: …}, required: [name]}.
    const inCondition = (c) => {
      if (!c || typeof c !== 'object') return;
      if (c.properties?.[name]) c.properties = rekey(c.properties, (k) => (k === name ? key : k));
      if (c.required) c.required = c.required.map((r) => (r === name ? key : r));
    };
    (container.allOf || []).forEach((c) => { inCondition(c.if); inCondition(c.then); });
    Object.values(def.uiSchema.visibleWhen || {}).forEach(inCondition);
  }
  const moved = (p) => mv(pointerOf(p)).slice(1).split('/');
  touching.forEach((c) => setCondition(def, moved(c.path), { ...c.condition, field: moved(c.condition.field) }));
  // The examples' data: at the top, or in each row of a group / in a section.
  const parentKey = path.length > 1 ? path.at(-2) : null;
  (def.schema.examples || []).forEach((e) => {
    const holders = parentKey === null ? [e] : [].concat(e?.[parentKey] ?? []);
    holders.forEach((o) => { if (o && typeof o === 'object' && name in o) { o[key] = o[name]; delete o[name]; } });
  });
  return null;
}
