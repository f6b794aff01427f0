// 办事指南 of one matter: everything a citizen needs before going (or not going) to a hall.
import { get } from '/assets/js/api.js';
import { h, mount, errorBox, facts } from '/assets/js/dom.js';
import { MATTER_TYPE, workingDays, stars, sameCityBadge, navigation } from './common.js';

/** A 事项编码 with what it is: bundled demo matters carry local sample codes, not officially assigned ones. */
const codeWithStatus = (code, status) => (status === 'LOCAL_SAMPLE'
  ? h('span', { class: 'code-sample' }, code, ' ', h('span', { class: 'badge' }, '本地示例编码，非正式赋码'))
  : code);

const CASE_TYPE = { 1: '即办件', 2: '承诺件' };
const TARGET = { 1: '自然人', 2: '企业法人', 3: '事业法人', 4: '社会组织法人', 5: '非法人企业', 6: '行政机关', 7: '其他组织' };
const DEPTH = { 1: '信息公开', 2: '在线预审', 3: '在线受理', 4: '全程网办' };
const FORM = { ORIGINAL: '原件', COPY: '复印件', ELECTRONIC: '电子件', PAPER: '纸质' };
const CHANNEL = { online: '网上办理', appointment: '网上预约', onlinePayment: '网上缴费', express: '快递送达', kiosk: '自助终端', hall: '窗口办理' };
const LEVEL = { CITY: '市政务服务中心', TOWNSHIP: '乡镇（街道）便民服务中心', VILLAGE: '村（社区）便民服务站' };
const main = document.getElementById('main');

const section = (title, ...content) => h('section', { class: 'panel' }, h('h2', {}, title), ...content);
const text = (value) => h('p', { class: 'prose' }, value);

function material(m) {
  const how = [];
  if (m.source === 'LICENCE') how.push(`免提交（电子证照：${m.licenceType}）`);
  else if (m.source === 'GOVERNMENT_DATA') how.push('免提交（部门共享数据）');
  else how.push(`${FORM[m.form] || m.form}${m.copies > 0 ? ` ${m.copies} 份` : ''}`);
  return h('li', { class: 'material' },
    h('div', { class: 'material-head' }, h('strong', {}, m.name),
      h('span', { class: `badge ${m.required ? 'required-badge' : ''}` }, m.required ? '必要' : '按情形提交')),
    h('div', { class: 'muted' }, how.join('；'),
      m.tolerable ? h('span', { class: 'badge' }, '可容缺受理') : null,
      m.commitment ? h('span', { class: 'badge' }, '可告知承诺') : null),
    m.acceptanceStandard ? h('p', { class: 'note' }, m.acceptanceStandard) : null);
}

function sameCityScope(m, halls) {
  const scope = m.sameCityScope || {};
  const hall = (code) => halls.get(code) || code;
  const lines = [];
  if (scope.intakeLevels) lines.push(`收件地点：全市${scope.intakeLevels.map((l) => LEVEL[l] || l).join('、')}均可收件`);
  else lines.push('收件地点：全市各级政务服务大厅均可收件');
  if (scope.intakeHalls) lines.push(`指定收件大厅：${scope.intakeHalls.map(hall).join('、')}`);
  if (scope.homeHall) lines.push(`归属大厅：${hall(scope.homeHall)}`);
  return section('同城通办', h('ul', { class: 'plain' }, lines.map((l) => h('li', {}, l))),
    h('p', { class: 'muted' }, '可就近到任一收件地点提交，由承办部门审批，结果可邮寄或就近领取。'));
}

/** Hall names for the same-city scope, only when the scope names halls. */
async function hallNames(m) {
  const scope = m.sameCityScope || {};
  if (!scope.intakeHalls && !scope.homeHall) return new Map();
  const list = await get('/api/v1/halls');
  return new Map((Array.isArray(list) ? list : list.items || []).map((x) => [x.code, x.name]));
}

function render(m, halls) {
  document.title = `${m.name} · 办事指南`;
  const channels = Object.entries(m.channels || {}).filter(([, on]) => on).map(([k]) => CHANNEL[k] || k);
  const fees = m.fees || [];
  mount(main,
    h('p', { class: 'back' }, h('a', { href: '/public/' }, '‹ 返回事项列表')),
    h('h1', {}, m.name),
    h('div', { class: 'meta' }, h('span', { class: 'badge' }, MATTER_TYPE[m.type] || m.type),
      m.sameCity ? sameCityBadge() : null, stars(m.starLevel)),
    h('section', { class: 'panel limits', 'aria-label': '办理时限' },
      h('div', {}, h('span', { class: 'muted' }, '承诺办结时限'), h('strong', { id: 'promised' }, workingDays(m.promisedDays))),
      h('div', {}, h('span', { class: 'muted' }, '法定办结时限'), h('strong', { id: 'legal' }, workingDays(m.legalDays))),
      h('div', {}, h('span', { class: 'muted' }, '到现场次数'), h('strong', {}, `${m.visitsRequired} 次`))),
    m.extension ? h('p', { class: 'muted', id: 'extension' },
      `特殊情况下可延长 ${m.extension.workingDays} 个工作日。${m.extension.basis}`) : null,
    section('基本信息', facts([
      ['实施部门', m.department.name],
      ['联办部门', (m.jointDepartments || []).map((d) => d.name).join('、')],
      ['事项类型', MATTER_TYPE[m.type] || m.type],
      ['办件类型', CASE_TYPE[m.caseType]],
      ['服务对象', (m.serviceTargets || []).map((t) => TARGET[t] || t).join('、')],
      ['网上办理深度', DEPTH[m.onlineDepth]],
      ['办理渠道', channels.join('、')],
      ['基本编码', codeWithStatus(m.catalogueCode, m.codeStatus)],
      ['实施编码', codeWithStatus(m.implementationCode, m.codeStatus)],
    ])),
    section('受理条件', text(m.acceptanceConditions)),
    section('申请材料', h('ul', { id: 'materials', class: 'materials' }, (m.materials || []).map(material))),
    m.procedure?.length ? section('办理流程', h('ol', { class: 'timeline procedure' }, m.procedure.map((p) =>
      h('li', {}, h('strong', {}, p.name), h('div', { class: 'muted' }, p.role,
        p.limitDays !== undefined ? `，${workingDays(p.limitDays)}` : ''))))) : null,
    section('收费标准', fees.length ? h('ul', { class: 'plain' }, fees.map((f) =>
      h('li', {}, `${f.name}：${f.amount}`, f.basis ? h('div', { class: 'muted' }, `收费依据：${f.basis}`) : null)))
      : text('不收费')),
    m.intermediaryServices?.length ? section('中介服务', h('ul', { class: 'plain' }, m.intermediaryServices.map((s) =>
      h('li', {}, `${s.name}${s.required ? '' : '（按情形需要）'}`, h('div', { class: 'muted' }, s.provider)))),
      h('p', {}, h('a', { id: 'intermediaries-link', href: `/public/intermediaries.html?matterCode=${encodeURIComponent(m.code)}` },
        '到中介超市选择中介机构（信用分、黑名单）'))) : null,
    m.result ? section('办理结果', text(`${m.result.name}（${m.result.type}）`)) : null,
    m.sameCity ? sameCityScope(m, halls) : null,
    section('办理地点和时间', text(m.placeAndHours)),
    section('咨询与投诉', facts([
      ['咨询电话', m.enquiryPhone ? h('a', { href: `tel:${m.enquiryPhone}` }, m.enquiryPhone) : null],
      ['投诉电话', m.complaintPhone ? h('a', { href: `tel:${m.complaintPhone}` }, m.complaintPhone) : null],
    ])),
    section('设定依据', text(m.legalBasis)),
    m.form ? h('p', {}, h('a', { id: 'apply-link', href: `/public/apply.html?code=${encodeURIComponent(m.code)}` }, '在线申请')) : null,
    h('p', {}, h('a', { href: `/public/booking.html?matter=${encodeURIComponent(m.code)}`, id: 'book-link' }, '预约到大厅办理或在线预登记')),
    h('p', {}, '已提交申请？', h('a', { href: '/public/progress.html' }, '查询办理进度')));
}

navigation();
const code = new URLSearchParams(location.search).get('code');
if (!code) {
  mount(main, h('div', { class: 'alert error', role: 'alert' }, '没有指定事项。'), h('a', { href: '/public/' }, '返回事项列表'));
} else {
  get(`/api/v1/matters/${encodeURIComponent(code)}`)
    .then((m) => hallNames(m).catch(() => new Map()).then((halls) => render(m, halls)))
    .catch((e) => mount(main, e.status === 404
      ? h('div', { class: 'alert error', role: 'alert' }, '没有找到该事项，可能已调整或停止办理。') : errorBox(e),
    h('a', { href: '/public/' }, '返回事项列表')));
}
