// 收件: find a matter, read its guide, fill its published form for a walk-in applicant, hand in files, submit.
import { api, ApiProblem, get, newKey, post } from '/assets/js/api.js';
import { errorBox, facts, h, mount } from '/assets/js/dom.js';
import { renderForm } from '/assets/js/form.js';
import { idNumberProblem } from '/assets/js/idcheck.js';

const SOURCE = { LICENCE: '电子证照库调取，免提交', GOVERNMENT_DATA: '部门共享数据调取，免提交', APPLICANT: '申请人提交' };
const FORM = { ORIGINAL: '原件', COPY: '复印件', ELECTRONIC: '电子', ORIGINAL_AND_COPY: '原件及复印件' };

/** The intake view; `opened(number, notice)` is called with the new case. */
export function intake(root, profile, { opened }) {
  const q = h('input', { id: 'matter-q', type: 'search', placeholder: '如：低保、残疾人证、优待证', autocomplete: 'off' });
  const results = h('div', { id: 'matter-results' });
  const work = h('div', { id: 'intake' });
  const search = h('form', { id: 'matter-search', class: 'toolbar', role: 'search', onsubmit: async (e) => {
    e.preventDefault();
    try {
      const page = await get(`/api/v1/matters?limit=20&q=${encodeURIComponent(q.value.trim())}`);
      mount(results, page.items.length === 0 ? h('p', { class: 'muted' }, `没有找到“${q.value.trim()}”相关事项。`)
        : h('ul', { class: 'matter-list' }, page.items.map((m) => h('li', {},
          h('button', { type: 'button', class: 'link', dataset: { code: m.code }, onclick: () => choose(m.code) }, m.name),
          h('span', { class: 'muted' }, ` ${m.department.name} · 承诺 ${m.promisedDays} 个工作日${m.sameCity ? ' · 同城通办' : ''}`)))));
      results.querySelector('button')?.focus();
    } catch (err) {
      mount(results, errorBox(err));
    }
  } },
  h('label', { for: 'matter-q' }, '搜索事项'), q, h('button', { type: 'submit', class: 'primary' }, '搜索'));

  async function choose(code) {
    try {
      const matter = await get(`/api/v1/matters/${encodeURIComponent(code)}`);
      mount(results);
      fill(work, matter, profile, opened);
    } catch (err) {
      mount(work, errorBox(err));
    }
  }

  mount(root, h('section', { class: 'panel noprint' }, h('h2', {}, '新办件'), search, results), work);
  q.focus();
}

/** A compact 办事指南. */
function guide(m) {
  const fees = (m.fees || []).length ? m.fees.map((f) => [f.name, f.amount !== undefined ? `${f.amount} 元` : '', f.basis]
    .filter(Boolean).join(' ')).join('；') : '不收费';
  return h('details', { class: 'panel guide', open: true }, h('summary', {}, h('strong', {}, `办事指南：${m.name}`)),
    facts([
      ['实施部门', m.department?.name],
      ['办理时限', `承诺 ${m.promisedDays} 个工作日，法定 ${m.legalDays} 个工作日`],
      ['收费', fees],
      ['受理条件', m.acceptanceConditions],
      ['办理地点和时间', m.placeAndHours],
      ['咨询电话', m.enquiryPhone],
      ['设定依据', m.legalBasis],
    ]),
    h('table', { class: 'materials' }, h('thead', {}, h('tr', {}, h('th', {}, '材料'), h('th', {}, '要求'), h('th', {}, '来源'))),
      h('tbody', {}, (m.materials || []).map((x) => h('tr', {},
        h('td', {}, x.name, x.required ? h('span', { class: 'badge' }, '必需') : h('span', { class: 'muted' }, '（按需）'),
          x.tolerable ? h('span', { class: 'badge' }, '可容缺') : null, x.commitment ? h('span', { class: 'badge' }, '可承诺') : null),
        h('td', {}, [FORM[x.form] || x.form, x.copies ? `${x.copies} 份` : '', x.acceptanceStandard].filter(Boolean).join('，')),
        h('td', {}, SOURCE[x.source] || x.source))))));
}

/** The applicant block, the form, the materials and the submit button for one matter. */
function fill(root, matter, profile, opened) {
  if (!matter.form) {
    mount(root, guide(matter), h('div', { class: 'alert error', role: 'alert' }, '该事项尚未发布申请表，暂不能收件。'));
    return;
  }
  const top = h('div', { id: 'submit-errors' });
  const field = (id, label, attrs = {}) => {
    const input = h('input', { id, autocomplete: 'off', required: true, ...attrs });
    const error = h('div', { class: 'error', id: `${id}-error`, role: 'alert', hidden: true });
    const wrap = h('div', { class: 'field' }, h('label', { for: id, class: attrs.required === false ? null : 'required' }, label), input, error);
    input.setAttribute('aria-describedby', `${id}-error`);
    return { input, wrap, set(message) { error.textContent = message || ''; error.hidden = !message; wrap.classList.toggle('invalid', Boolean(message)); } };
  };
  const applicant = {
    name: field('applicant-name', '姓名'),
    idNumber: field('applicant-id', '公民身份号码', { maxlength: 18 }),
    phone: field('applicant-phone', '联系电话', { inputmode: 'tel', maxlength: 11, required: false }),
  };
  const problems = {
    name: (v) => (v.length < 2 ? '请填写申请人姓名' : null),
    idNumber: (v) => (v ? idNumberProblem(v) : '请填写申请人公民身份号码'),
    phone: (v) => (v && !/^1[3-9]\d{9}$/.test(v) ? '请填写11位手机号码' : null),
  };
  // The form usually asks again for who applies: fill those fields from the applicant block as the clerk types.
  const formTwin = { name: ['/applicantName', '/name'], idNumber: ['/idNumber'], phone: ['/mobile', '/phone'] };
  const copied = {};
  for (const [key, f] of Object.entries(applicant)) {
    f.input.addEventListener('input', () => {
      const v = f.input.value.trim().toUpperCase();
      const twin = formTwin[key].find((p) => form.has(p));
      if (twin && (form.value(twin) === undefined || form.value(twin) === copied[key])) {
        form.setValue(twin, key === 'name' ? f.input.value.trim() : v || undefined);
        copied[key] = key === 'name' ? f.input.value.trim() : v;
      }
      if (key === 'idNumber' && v.length === 18) f.set(problems.idNumber(v));
      else if (!f.wrap.classList.contains('invalid')) f.set(null);
      if (key === 'idNumber') library(v.length === 18 && !problems.idNumber(v) ? v : null);
    });
    f.input.addEventListener('blur', () => { if (f.input.value) f.set(problems[key](f.input.value.trim().toUpperCase())); });
  }

  const formBox = h('div', { id: 'application-form' });
  let key = null; // one Idempotency-Key per submission attempt, kept for a retry of that same attempt
  const form = renderForm(formBox, { schema: matter.form.schema, uiSchema: matter.form.uiSchema, idPrefix: 'f',
    onChange: () => { key = null; } });

  // Files handed in over the counter; licences and shared data are fetched by the platform.
  const uploaded = {};
  const upload = (m) => {
    const id = `material-${m.code}`;
    const status = h('span', { class: 'muted', id: `${id}-status` });
    const error = h('div', { class: 'error', id: `${id}-error`, role: 'alert', hidden: true });
    const input = h('input', { id, type: 'file', accept: '.pdf,.ofd,.jpg,.jpeg,.png', onchange: async () => {
      const file = input.files[0];
      if (!file) return;
      error.hidden = true;
      const idNumber = applicant.idNumber.input.value.trim().toUpperCase();
      if (problems.idNumber(idNumber)) {
        error.textContent = '请先填写申请人的公民身份号码，再上传材料';
        error.hidden = false;
        return;
      }
      const body = new FormData();
      body.append('kind', m.code);
      body.append('idNumber', idNumber);
      body.append('file', file);
      status.textContent = '正在上传…';
      try {
        const stored = await api('POST', '/api/v1/materials', { form: body });
        uploaded[m.code] = stored.id;
        key = null;
        status.textContent = `已上传：${stored.fileName}`;
        if (held[m.code].childNodes.length) mount(held[m.code], h('span', { class: 'muted' }, '已上传新文件，提交时用新文件。'));
      } catch (err) {
        status.textContent = '';
        error.textContent = err.message;
        error.hidden = false;
      }
    } });
    held[m.code] = h('div', { class: 'library', id: `${id}-library` });
    source[m.code] = h('span', { class: 'muted' }, SOURCE[m.source] || m.source);
    return h('tr', { dataset: { material: m.code } }, h('td', {}, h('label', { for: id }, m.name), m.required ? h('span', { class: 'badge' }, '必需') : null),
      h('td', {}, held[m.code], m.source === 'APPLICANT' ? [input, ' ', status, error] : source[m.code]));
  };
  // What the library would attach at submission (免提交, 复用), per material, for the applicant typed in.
  const held = {};
  const source = {}; // the generic "fetched, not handed in" note, replaced by what the library answered
  const libraryStatus = h('p', { class: 'help', id: 'library-status', 'aria-live': 'polite' },
    '填写申请人的公民身份号码后，这里列出电子证照库已有的证照和申请人此前提交、可以复用的材料。');
  let asked = 0;
  async function library(idNumber) {
    const ask = ++asked;
    Object.values(held).forEach((el) => mount(el));
    Object.values(source).forEach((el) => { el.hidden = false; });
    if (!idNumber) return;
    libraryStatus.textContent = '正在查询电子证照库和申请人此前提交的材料…';
    try {
      const found = await get(`/api/v1/matters/${encodeURIComponent(matter.code)}/reusable-materials?idNumber=${encodeURIComponent(idNumber)}`);
      if (ask !== asked) return; // the clerk typed another number meanwhile
      let count = 0;
      for (const m of found) {
        const by = m.satisfiedBy;
        if (!held[m.code]) continue;
        if (source[m.code] && (by || m.source === 'LICENCE')) source[m.code].hidden = true;
        if (by?.kind === 'LICENCE') {
          count++;
          mount(held[m.code], h('span', { class: 'badge status-APPROVED' }, '免提交'),
            ` 电子证照库已有：${by.licence.name || by.licence.typeName} ${by.licence.number}（免提交，`
            + `${by.licence.validUntil ? `有效期至 ${by.licence.validUntil}` : '长期有效'}）`);
        } else if (by?.kind === 'REUSED') {
          count++;
          mount(held[m.code], h('span', { class: 'badge status-ACCEPTED' }, '可复用'),
            uploaded[m.code] ? ` 已上传新文件，提交时用新文件，不再复用 ${by.material.fileName}。`
              : ` 已有 ${by.material.uploadedAt.slice(0, 10)} 提交的 ${by.material.fileName}，可复用：提交时自动附上；如需更换，请上传新文件。`);
        } else if (m.source === 'LICENCE') {
          mount(held[m.code], h('span', { class: 'muted' }, '电子证照库未查到该证照，请核验申请人出示的证件原件。'));
        }
      }
      libraryStatus.textContent = count ? `电子证照库和材料库中找到 ${count} 项材料，提交时由平台自动附上。`
        : '电子证照库和材料库中没有该申请人可用的材料。';
    } catch (err) {
      if (ask === asked) libraryStatus.textContent = `未能查询可复用材料：${err.message}`;
    }
  }
  const materials = h('section', { class: 'panel', id: 'materials' }, h('h3', {}, '申请材料'), libraryStatus,
    h('table', {}, h('tbody', {}, (matter.materials || []).map(upload))));

  const submitButton = h('button', { type: 'submit', class: 'primary', id: 'submit-application' }, '提交申请');
  const el = h('form', { id: 'intake-form', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    mount(top);
    const who = {};
    let bad = false;
    for (const [k, f] of Object.entries(applicant)) {
      who[k] = k === 'name' ? f.input.value.trim() : f.input.value.trim().toUpperCase();
      const p = problems[k](who[k]);
      f.set(p);
      if (p && !bad) { f.input.focus(); bad = true; }
    }
    const formProblems = form.validate();
    if (bad || formProblems.length) {
      mount(top, h('div', { class: 'alert error', role: 'alert' }, `还有 ${formProblems.length + (bad ? 1 : 0)} 处需要修改，已在对应位置标出。`));
      if (bad) applicant.idNumber.wrap.querySelector('input[aria-invalid], input')?.focus();
      return;
    }
    await submit(who);
  } },
  h('section', { class: 'panel', id: 'applicant' }, h('h3', {}, '来窗申请人'),
    h('p', { class: 'help' }, '核验申请人身份证件后填写；表中相同项目自动带入。'),
    h('div', { class: 'grid' }, applicant.name.wrap, applicant.idNumber.wrap, applicant.phone.wrap)),
  h('section', { class: 'panel' }, h('h3', {}, matter.form.schema.title || '申请表'), formBox),
  materials, top,
  h('div', { class: 'actions' }, submitButton, h('span', { class: 'muted' }, '回车提交；Alt+N 下一位')));

  async function submit(who) {
    const body = { matterCode: matter.code, channel: 'WINDOW', data: form.getData(),
      applicant: { name: who.name, idNumber: who.idNumber, ...(who.phone ? { phone: who.phone } : {}) },
      ...(profile.hallCode ? { hallCode: profile.hallCode } : {}),
      ...(Object.keys(uploaded).length ? { materials: Object.entries(uploaded).map(([code, materialId]) => ({ code, materialId })) } : {}) };
    key = key || newKey();
    submitButton.disabled = true;
    try {
      const created = await post('/api/v1/applications', body, { idempotencyKey: key });
      key = null;
      opened(created.number, `已提交，办件编号 ${created.number}，查询码 ${created.queryCode || '—'}。`);
    } catch (err) {
      showProblem(err);
    } finally {
      submitButton.disabled = false;
    }
  }

  /** Every server violation at its field: /data/… in the form, /applicant/… above it, the rest listed on top. */
  function showProblem(err) {
    if (!(err instanceof ApiProblem) || !err.violations.length) return mount(top, errorBox(err));
    const data = err.violations.filter((v) => v.pointer?.startsWith('/data'))
      .map((v) => ({ ...v, pointer: v.pointer.slice('/data'.length) }));
    const others = err.violations.filter((v) => !v.pointer?.startsWith('/data'));
    const rest = form.showViolations(data).map((v) => ({ ...v, pointer: `/data${v.pointer}` }));
    for (const v of others) {
      const k = v.pointer?.match(/^\/applicant\/?(\w*)/)?.[1];
      if (k !== undefined && applicant[k || 'name']) applicant[k || 'name'].set(v.message);
      else rest.push(v);
    }
    mount(top, h('div', { class: 'alert error', role: 'alert' }, h('strong', {}, err.problem?.title || '提交未通过'),
      h('p', {}, `共 ${err.violations.length} 处问题，已在对应位置标出。`),
      rest.length ? h('ul', { id: 'unplaced-violations' }, rest.map((v) => h('li', {}, v.message, v.pointer ? h('code', {}, ` ${v.pointer}`) : null))) : null));
  }

  mount(root, guide(matter), el);
  applicant.name.input.focus();
}
