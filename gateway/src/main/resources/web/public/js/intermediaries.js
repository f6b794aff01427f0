// 网上中介超市: the public listing of intermediary organisations (GET /api/v1/intermediaries), no sign-in.
// ?matterCode=… (from a matter's guide) shows those offering a service that matter needs.
import { get } from '/assets/js/api.js';
import { errorBox, facts, h, mount, when } from '/assets/js/dom.js';
import { navigation } from './common.js';

const form = document.getElementById('search');
const service = document.getElementById('service');
const status = document.getElementById('status');
const list = document.getElementById('intermediaries');
const summary = document.getElementById('summary');
const problem = document.getElementById('problem');
const forMatter = document.getElementById('for-matter');
const scoreRule = document.getElementById('score-rule');
let matterCode = new URLSearchParams(location.search).get('matterCode');

/** The score as a coloured badge: 90 and above good, below 70 poor. */
const scoreBadge = (n) => h('span', { class: `badge score ${n >= 90 ? 'score-good' : n < 70 ? 'score-poor' : ''}` },
  `信用分 ${n}`);

function card(o) {
  const services = o.services.map((s) => h('li', {}, s.service, s.qualified ? null
    : h('span', { class: 'badge expired' }, '资质已过期')));
  return h('li', { class: `panel intermediary ${o.blacklisted ? 'blacklisted' : ''}`, dataset: { id: o.id } },
    h('div', { class: 'disclosure-head' },
      h('strong', {}, o.name), scoreBadge(o.creditScore),
      o.blacklisted ? h('span', { class: 'badge blacklist' }, '黑名单') : h('span', { class: 'badge ok' }, '正常')),
    o.blacklisted ? h('p', { class: 'reason' }, `列入黑名单：${o.blacklistReason || '—'}（${when(o.blacklistedAt)}）`) : null,
    facts([
      ['统一社会信用代码', o.creditCode],
      ['可承接的中介服务', h('ul', { class: 'plain services' }, services)],
      ['资质', h('ul', { class: 'plain' }, o.qualifications.map((q) => h('li', {},
        `${q.name}${q.level ? `（${q.level}）` : ''}，证书编号 ${q.certificateNo}，有效期至 ${q.validUntil}`,
        q.expired ? h('span', { class: 'badge expired' }, '已过期') : null)))],
      ['服务评价', o.evaluations ? `${o.evaluations} 次，平均 ${o.averageGrade} 分（满分 5 分）` : '暂无评价'],
      ['承接项目', `${o.selections} 次${o.overdue ? `，其中逾期 ${o.overdue} 次` : ''}`],
      ...(o.address ? [['地址', o.address]] : []),
    ]));
}

async function load() {
  const params = new URLSearchParams();
  if (service.value) params.set('service', service.value);
  if (status.value) params.set('blacklisted', status.value);
  if (matterCode) params.set('matterCode', matterCode);
  mount(problem);
  try {
    const page = await get(`/api/v1/intermediaries?${params}`);
    list.replaceChildren(...page.items.map(card));
    const black = page.items.filter((o) => o.blacklisted).length;
    summary.textContent = page.items.length === 0 ? '没有找到符合条件的中介机构。'
      : `共 ${page.items.length} 家机构${black ? `，其中 ${black} 家在黑名单中` : ''}`;
    scoreRule.textContent = `信用分满分 100：项目业主每次评价“非常满意”加 2 分、“满意”加 1 分、“不满意”扣 10 分、“非常不满意”扣 20 分，`
      + `每次逾期扣 10 分${page.blacklistBelow > 0 ? `；低于 ${page.blacklistBelow} 分自动列入黑名单` : ''}。`;
  } catch (e) {
    mount(problem, errorBox(e));
  }
}

async function start() {
  navigation();
  try {
    const services = await get('/api/v1/intermediary-services');
    service.append(...services.map((s) => h('option', { value: s.service }, s.service)));
    if (matterCode) {
      const needed = services.filter((s) => s.matters.some((m) => m.code === matterCode));
      const name = needed[0]?.matters.find((m) => m.code === matterCode)?.name || matterCode;
      forMatter.hidden = false;
      mount(forMatter, `“${name}”需要的中介服务：${needed.map((s) => s.service).join('、') || '无'}。`,
        h('a', { href: '/public/intermediaries.html', id: 'all-link' }, '查看全部机构'));
    }
  } catch (e) {
    mount(problem, errorBox(e));
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    load();
  });
  await load();
}

start();
