// Chinese names for what the case API returns as codes: warnings, opinions, special procedures.
import { h } from '/assets/js/dom.js';

export const LEVEL = { REMINDER: '提醒', YELLOW: '黄牌', RED: '红牌' };

export const WARNING_KIND = {
  DECISION_DUE: '承诺办结时限', LEGAL_DUE: '法定办结时限', NOTICE_DUE: '一次性告知时限', FORWARD_DUE: '转办受理时限',
  OPINION_DUE: '部门意见时限', DEFICIENCY_DUE: '容缺补齐时限', VERIFICATION_DUE: '承诺核查时限',
  LICENCE_DUE: '证照制发时限',
};

export const OPINION = { AGREE: '同意', DISAGREE: '不同意', DEEMED_CONSENT: '超时默认同意' };

export const PROCEDURE = {
  HEARING: '听证', TENDER: '招标', AUCTION: '拍卖', INSPECTION: '检验', TESTING: '检测', QUARANTINE: '检疫',
  APPRAISAL: '鉴定', EXPERT_REVIEW: '专家评审', ON_SITE_CHECK: '现场核查', OTHER: '其他',
};

export const levelBadge = (level) => h('span', { class: `badge warn-${level}` }, LEVEL[level] || level);

/** One badge per warning level present (with a count when more than one), worst first. */
export function warningBadges(warnings = []) {
  return ['RED', 'YELLOW', 'REMINDER'].map((level) => {
    const n = warnings.filter((w) => w.level === level).length;
    return n ? h('span', { class: `badge warn-${level}` }, n > 1 ? `${LEVEL[level]}×${n}` : LEVEL[level]) : null;
  });
}
