// The console shell: sign-in, the pages the signed-in role may use, and hash routing between them.
// Each page is a module exporting mount(main, profile) and optionally unmount().
import { ApiProblem, get, me, session, signIn, signOut } from '/assets/js/api.js';
import { errorBox, h, mount } from '/assets/js/dom.js';

export const PAGES = [
  {
    id: 'window', title: '窗口', roles: ['CLERK', 'AGENT'], module: './window.js',
    does: ['按中文搜索事项、查看办事指南', '为来窗办事群众填写申请表、上传或复用材料', '受理、容缺受理、告知承诺受理、一次性补正告知、不予受理',
      '打印受理回执，送达办理结果', '本厅办件清单：临近到期和超期办件标记'],
  },
  {
    id: 'review', title: '审批', roles: ['REVIEWER', 'APPROVER'], module: './review.js',
    does: ['本部门待办队列', '查看申请表、材料、办理步骤和并联审批意见', '审核通过或退回，准予或不予许可',
      '延期、中止（特别程序）和恢复，均须说明理由', '超时默认同意留痕可查'],
  },
  {
    id: 'ratings', title: '好差评', roles: ['CLERK', 'REVIEWER', 'APPROVER', 'DEPARTMENT_ADMIN', 'SUPERVISOR'],
    module: './ratings.js',
    does: ['窗口评价器：办结后由办事群众本人点选评价', '本部门差评：限期核实、整改、回访，提醒与黄牌、红牌',
      '对恶意或与本部门无关的评价提出申诉', '监察人员裁定申诉'],
  },
  {
    id: 'penalties', title: '行政处罚', roles: ['REVIEWER', 'APPROVER', 'DEPARTMENT_ADMIN'], module: './penalties.js',
    does: ['录入本部门的行政处罚、行政强制决定，录入即在双公示栏目公示（当事人脱敏）', 'CSV 或 Excel 批量导入：逐行报告问题，有误则一条不导入',
      '撤销决定，公示内容同步更新'],
  },
  {
    id: 'hall', title: '取号叫号', roles: ['CLERK', 'AGENT'], module: './hall.js',
    does: ['叫下一号到本窗口，预约号在预约时段内优先', '办结、过号、转窗，记录等候和办理用时', '按预登记号或身份证号查找预登记，核对后一步转为办件',
      '代群众取号', '本厅叫号屏'],
  },
  {
    id: 'projects', title: '项目跟办', roles: ['PROJECT_OFFICER', 'SUPERVISOR'], module: './projects.js',
    does: ['由本人跟踪跟办的重点项目（监察人员：全部项目）', '各审批阶段的并联办理、部门意见、超时默认和容缺情况',
      '阶段时限和各办件的提醒、黄牌、红牌', '记录与企业对接、协调部门的情况，项目时间线企业可见'],
  },
  {
    id: 'supervision', title: '监察', roles: ['SUPERVISOR', 'ADMIN'], module: './supervision.js',
    does: ['实时看板：各状态、各部门办件', '提醒、黄牌、红牌实时推送', '同城通办统计', '部门办件统计图表', '好差评统计'],
  },
  {
    id: 'accountability', title: '预警问责', roles: ['SUPERVISOR', 'ADMIN', 'REVIEWER', 'APPROVER', 'DEPARTMENT_ADMIN', 'CLERK'],
    module: './accountability.js',
    does: ['按级别、来源、部门、经办人、期间和是否超期查找预警办件、工单和差评整改', '办件时效：按期率、平均和 90% 用时、提前办结、延期、中止、超时默认',
      '红牌问责：经办人或部门负责人限期说明', '监察人员作出结论：理由成立、提醒告诫、移送追责'],
  },
  {
    id: 'intermediaries', title: '中介超市', roles: ['SUPERVISOR', 'ADMIN'], module: './intermediaries.js',
    does: ['登记入驻的中介机构：统一社会信用代码校验，资质及有效期，覆盖的中介服务', '查看信用分、评价和逾期情况',
      '列入或移出黑名单，理由留档公示'],
  },
  {
    id: 'exports', title: '数据导出', roles: ['SUPERVISOR', 'ADMIN'], module: './exports.js',
    does: ['按国家（up_pro_*）和省级（PRE_*）交换表结构导出一个期间的办件数据', 'Excel 或 CSV 格式，边查边写，显示已写出行数'],
  },
  {
    id: 'builder', title: '表单设计', roles: ['FORM_AUTHOR', 'ADMIN'], module: './builder.js',
    does: ['打开事项，或以已有事项为模板新建', '拖选字段类型搭表单：证件号、选项、重复组、材料、分步', '条件显示和条件必填（服务端同样校验）',
      '实时预览、试填校验、与已发布版本对比', '确认变更后发布，草稿自动保存'],
  },
  {
    id: 'hotline', title: '12345 热线', roles: ['HOTLINE'], module: './hotline.js',
    does: ['受理来电，按来电号码查看历史工单（首问负责）', '查询办事指南，咨询当场答复直接办结', '按办件编号和查询码查询办件进度',
      '派单、回访、办结、重办，审批延期', '工单队列：时限、超期和黄红牌'],
  },
  {
    id: 'workorders', title: '工单', roles: ['REVIEWER', 'APPROVER', 'DEPARTMENT_ADMIN', 'SUPERVISOR'], module: './workorders.js',
    does: ['12345 派给本部门的工单', '签收、答复、退单（须说明理由）', '申请延期（由派单人审批）', '监察人员：全部工单，超期督办'],
  },
];

const ROLE_NAMES = {
  ADMIN: '系统管理员', FORM_AUTHOR: '表单设计', CLERK: '综合窗口', AGENT: '村级代办员', REVIEWER: '部门审核',
  APPROVER: '部门审批', DEPARTMENT_ADMIN: '部门管理员', HOTLINE: '12345 热线', SUPERVISOR: '电子监察',
  PROJECT_OFFICER: '项目跟踪跟办', APPLICANT: '申请人', CHANNEL: '第三方渠道',
};

const main = document.getElementById('main');
let profile = null;
let current = null;

const allowed = () => PAGES.filter((p) => p.roles.some((r) => profile.roles.includes(r)));

function showSignIn(error) {
  document.getElementById('nav').replaceChildren();
  document.getElementById('who').textContent = '';
  document.getElementById('sign-out').hidden = true;
  const username = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const message = h('div', { id: 'sign-in-message' }, error ? errorBox(error) : null);
  const form = h('form', { class: 'panel', id: 'sign-in', onsubmit: async (e) => {
    e.preventDefault();
    try {
      profile = await signIn(username.value.trim(), password.value);
      render();
    } catch (err) {
      mount(message, errorBox(err));
      password.select();
    }
  } },
  h('h1', {}, '工作人员登录'),
  h('div', { class: 'field' }, h('label', { for: 'username' }, '账号'), username),
  h('div', { class: 'field' }, h('label', { for: 'password' }, '密码'), password),
  message,
  h('button', { class: 'primary', type: 'submit' }, '登录'),
  h('p', { class: 'muted', id: 'demo-hint', hidden: true },
    '演示账号：clerk、clerk.town、reviewer.mzj、approver.mzj、supervisor 等，密码 tongban-demo。'));
  get('/health').then((health) => { form.querySelector('#demo-hint').hidden = !health.demo; }).catch(() => {});
  mount(main, h('div', { class: 'narrow' }, form));
  username.focus();
}

function renderNav(active) {
  const links = [h('a', { href: '#/', 'aria-current': active === 'home' ? 'page' : null }, '首页'),
    ...allowed().map((p) => h('a', { href: `#/${p.id}`, 'aria-current': active === p.id ? 'page' : null }, p.title))];
  mount(document.getElementById('nav'), links);
  const where = [profile.departmentName, profile.hallName].filter(Boolean).join(' · ');
  document.getElementById('who').textContent = `${profile.displayName || profile.username}${where ? `（${where}）` : ''}`;
  document.getElementById('sign-out').hidden = false;
}

function home() {
  const pages = allowed();
  const roles = profile.roles.map((r) => ROLE_NAMES[r] || r).join('、');
  mount(main,
    h('h1', {}, `您好，${profile.displayName || profile.username}`),
    h('p', { class: 'muted' }, `角色：${roles}`),
    pages.length === 0
      ? h('div', { class: 'panel' }, '您的角色在工作台中暂无可用页面。')
      : h('div', { class: 'grid' }, pages.map((p) => h('section', { class: 'card' },
        h('h3', {}, h('a', { href: `#/${p.id}` }, p.title)),
        h('ul', {}, p.does.map((d) => h('li', {}, d)))))));
}

async function render() {
  if (!profile) return showSignIn();
  if (current?.unmount) current.unmount();
  current = null;
  const id = location.hash.replace(/^#\/?/, '').split('/')[0] || 'home';
  const page = allowed().find((p) => p.id === id);
  renderNav(page ? page.id : 'home');
  if (!page) return home();
  mount(main, h('p', { class: 'muted' }, '正在加载…'));
  const module = await import(page.module);
  current = module;
  await module.mount(main, profile);
  main.focus();
}

document.getElementById('sign-out').addEventListener('click', async () => {
  await signOut();
  profile = null;
  location.hash = '#/';
  showSignIn();
});
window.addEventListener('hashchange', render);
window.addEventListener('tongban:signed-out', () => {
  session.clear();
  profile = null;
  showSignIn(new ApiProblem(401, { title: '登录已过期', detail: '请重新登录。' }));
});

(async () => {
  if (session.token()) {
    try {
      profile = await me();
    } catch (e) {
      session.clear();
    }
  }
  render();
})();
