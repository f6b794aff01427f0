// 工程建设项目: the one view of a project — its stages with their cases, parallel opinions, clocks and
// results, the warnings and the timeline — shown alike to the enterprise (public pages) and to the tracking
// officer and supervisors (console).
import { facts, h, statusBadge, when } from './dom.js';

export const PROJECT_TYPE = {
  HOUSING: '房屋建筑', INDUSTRIAL: '工业厂房', MUNICIPAL: '市政基础设施', TRANSPORT: '交通', WATER: '水利', OTHER: '其他',
};
const STAGE_STATUS = { NOT_STARTED: '未申报', INCOMPLETE: '未提交完整', IN_PROGRESS: '办理中', COMPLETED: '已办结' };
const RESULT = { PASSED: '全部准予', NOT_PASSED: '未全部准予' };
const OPINION = { AGREE: '同意', DISAGREE: '不同意', DEEMED_CONSENT: '超时默认同意' };
const LEVEL = { REMINDER: '即将到期', YELLOW: '黄牌', RED: '红牌' };
const WARNING = {
  STAGE_DUE: '阶段时限', OPINION_DUE: '部门意见时限', DEFICIENCY_DUE: '容缺材料补齐时限', VERIFICATION_DUE: '承诺核查时限',
  DECISION_DUE: '承诺办结时限', LEGAL_DUE: '法定办结时限', NOTICE_DUE: '受理或补正告知时限', FORWARD_DUE: '通办转办时限',
};
const EVENT = {
  REGISTERED: '项目登记', OFFICER_ASSIGNED: '指定跟踪跟办人员', STAGE_APPLIED: '阶段申报', STAGE_REAPPLIED: '不予许可事项重新申报', CONTACT: '跟办人员与企业对接',
  COORDINATION: '跟办人员协调部门',
};

/**
 * The stage a project may apply for next: the first not started, every earlier one passed; or a decided stage
 * with refused matters, to apply for again ({reapply: true}); or none.
 */
export function nextStage(project) {
  for (const s of project.stages) {
    if (s.status === 'NOT_STARTED') return s.configured ? s : null;
    if (s.status === 'COMPLETED' && s.reapplicable) return { ...s, reapply: true };
    if (s.status !== 'COMPLETED' || s.result !== 'PASSED') return null;
  }
  return null;
}

export function projectFacts(p) {
  return facts([['投资项目代码', p.code], ['建设单位', p.enterpriseName], ['项目类型', PROJECT_TYPE[p.type] || p.type],
    ['总投资', `${p.investment} 万元`], ['建设地点', `${p.township} ${p.site}`],
    ['跟踪跟办', p.officer ? p.officer.name : (p.keyProject ? '重点项目，待指定' : '—')],
    ['累计审批用时', `${p.totalWorkingDays} 个工作日`]]);
}

const stageName = (p, code) => p.stages.find((s) => s.code === code)?.name || code;

function opinionList(c) {
  if (!c.opinions?.length) return null;
  return h('ul', { class: 'opinions' }, c.opinions.map((o) => h('li', { class: `opinion opinion-${o.opinion || 'PENDING'}` },
    h('strong', {}, o.departmentName), '：', o.opinion ? OPINION[o.opinion] || o.opinion : `待出具（${o.dueDate} 前）`,
    o.comment && o.opinion !== 'DEEMED_CONSENT' ? h('span', { class: 'muted' }, ` ${o.comment}`) : null)));
}

function deficiency(c) {
  const items = c.deficiency?.items || [];
  const promised = c.commitments?.items || [];
  if (!items.length && !promised.length) return null;
  return h('ul', { class: 'deficiency' },
    items.map((i) => h('li', {}, '容缺：', i.materialName || i.material, i.suppliedAt ? `，已于 ${when(i.suppliedAt)} 补齐` : `，须于 ${i.deadline} 前补齐`)),
    promised.map((i) => h('li', {}, '告知承诺：', i.materialName || i.material)));
}

function caseItem(c) {
  return h('li', { class: c.current === false ? 'stage-case superseded' : 'stage-case' },
    h('div', { class: 'case-head' }, h('strong', {}, c.matterName || c.matterCode), ' ', c.status ? statusBadge(c.status) : null,
      c.attempt > 1 ? h('span', { class: 'badge' }, `第 ${c.attempt} 次申报`) : null,
      c.current === false ? h('span', { class: 'muted' }, ' 已重新申报') : null),
    h('div', { class: 'muted' }, `${c.departmentName || ''} · 办件编号 ${c.number}`, c.dueDate ? ` · ${c.dueDate} 前办结` : ''),
    opinionList(c), deficiency(c),
    c.licence ? h('div', { class: 'licence' }, `证照：${c.licence.name}（${c.licence.number}）`) : null);
}

function stageCard(s) {
  const clock = s.status === 'NOT_STARTED' ? `时限 ${s.limitDays} 个工作日`
    : `${s.clockStart} 申报 · 时限 ${s.limitDays} 个工作日（${s.dueDate} 前）· 已用 ${s.workingDays} 个工作日`;
  return h('li', { class: `stage stage-${s.status}`, id: `stage-${s.code}` },
    h('div', { class: 'stage-head' }, h('strong', {}, `${s.order}. ${s.name}`), ' ',
      h('span', { class: `badge stage-status-${s.status}` }, STAGE_STATUS[s.status] || s.status),
      s.result ? h('span', { class: `badge result-${s.result}` }, RESULT[s.result]) : null,
      s.warningLevel ? h('span', { class: `badge level-${s.warningLevel}` }, LEVEL[s.warningLevel]) : null),
    h('div', { class: 'muted' }, clock),
    s.configured ? null : h('div', { class: 'muted' }, '本阶段事项尚未在线配置，请到工程建设项目审批综合窗口咨询。'),
    s.status === 'NOT_STARTED' ? (s.matters.length ? h('div', { class: 'muted' }, '包含事项：', s.matters.map((m) => m.name).join('、')) : null)
      : h('ol', { class: 'stage-cases' }, s.cases.map(caseItem)));
}

export function stageList(p) {
  return h('ol', { class: 'stages', id: 'project-stages' }, p.stages.map(stageCard));
}

/** The departments the project's cases involve: code → name. */
export function departmentNames(p) {
  const out = new Map();
  for (const s of p.stages) {
    for (const c of s.cases) {
      if (c.departmentCode) out.set(c.departmentCode, c.departmentName);
      for (const o of c.opinions || []) out.set(o.department, o.departmentName);
    }
  }
  return out;
}

export function warningList(p) {
  const names = departmentNames(p);
  if (!p.warnings?.length) return h('p', { class: 'muted', id: 'project-warnings' }, '暂无超期预警。');
  return h('ul', { class: 'warnings', id: 'project-warnings' }, p.warnings.map((w) => h('li', { class: `warning level-${w.level}` },
    h('span', { class: `badge level-${w.level}` }, LEVEL[w.level] || w.level), ' ',
    WARNING[w.kind] || w.kind, w.subject ? `（${w.subjectName || names.get(w.subject) || w.subject}）` : '', ` ${w.dueDate} 到期`,
    w.caseNumber ? h('span', { class: 'muted' }, ` · 办件 ${w.caseNumber}`) : h('span', { class: 'muted' }, ` · ${stageName(p, w.stage)}`))));
}

function timelineText(p, t) {
  if (t.kind === 'CASE_STEP') return [h('strong', {}, t.title), ` ${t.departmentName || ''}`, t.actorName ? ` · ${t.actorName}` : ''];
  const about = [t.stage ? `（${stageName(p, t.stage)}）` : '', t.departmentName ? ` 协调：${t.departmentName}` : ''].join('');
  return [h('strong', {}, EVENT[t.kind] || t.kind), about, t.actorName ? ` · ${t.actorName}` : '',
    t.note ? h('div', { class: 'note' }, t.note) : null];
}

export function timeline(p) {
  return h('ol', { class: 'timeline', id: 'project-timeline' }, [...p.timeline].reverse().map((t) => h('li', { class: `event event-${t.kind}` },
    h('time', { datetime: t.at }, when(t.at)), ' ', timelineText(p, t))));
}
