// 好差评: the one rating form, used on the public progress page and on the window's pad. Grades as large
// radio buttons (keyboard: arrows choose, Enter submits), reasons when the grade is bad, a comment.
import { get, post, ApiProblem } from './api.js';
import { h, mount, errorBox } from './dom.js';

let settings = null;

/** The grades and the configured reasons (GET /api/v1/ratings/settings), read once. */
export async function ratingSettings() {
  settings = settings || await get('/api/v1/ratings/settings');
  return settings;
}

/** What the applicant sees once the case is rated. */
export function ratingSummary(r) {
  return h('div', { class: 'rating-done', id: 'rating-done' },
    h('p', {}, h('strong', {}, `您的评价：${r.gradeName}`), r.isDefault ? '（评价期限内未评价，系统默认）' : ''),
    r.reasons?.length ? h('p', { class: 'muted' }, `原因：${r.reasons.join('、')}`) : null,
    r.comment ? h('p', { class: 'muted' }, `意见：${r.comment}`) : null);
}

const percent = (rate) => (rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`);

/** What a figures group is called, per groupBy of GET /api/v1/ratings/statistics. */
export const GROUP_LABEL = { department: '部门', matter: '事项', hall: '大厅', window: '窗口', staff: '工作人员' };

/** The figures of GET /api/v1/ratings/statistics as a table, a row per group and the total last. */
export function figuresTable(stats, id = 'figures-table') {
  const rows = [...stats.groups, { ...stats.total, name: '合计', code: 'total' }];
  return h('div', { class: 'table-scroll' }, h('table', { class: 'figures', id },
    h('thead', {}, h('tr', {}, [GROUP_LABEL[stats.groupBy] || '分组', '评价数', '满意率', '差评率', '整改率', '按期整改率']
      .map((t) => h('th', {}, t)))),
    h('tbody', {}, rows.map((g) => h('tr', { dataset: { code: g.code || '' } },
      h('td', {}, g.name || g.code || (['window', 'staff'].includes(stats.groupBy) ? '（非窗口办理）' : '（未注明）')),
      h('td', { class: 'rate' }, g.ratings),
      h('td', { class: 'rate' }, percent(g.satisfactionRate)), h('td', { class: 'rate' }, percent(g.badRate)),
      h('td', { class: 'rate' }, percent(g.rectificationRate)),
      h('td', { class: 'rate' }, percent(g.onTimeRectificationRate)))))));
}

/**
 * A form that rates case {@code number}; {@code onRated(rating)} after a 201. {@code pad}: the big layout
 * for the window's pad; {@code url}: where to post instead (a hall visit's rating). Problems are shown at
 * their fields (by pointer) and in a box above the button. {@code source}: the channel to record (e.g. SMS
 * when the page was opened from the delivery message's link); the API's default otherwise.
 */
export async function ratingForm(number, onRated, { pad = false, url = null, source = null } = {}) {
  const s = await ratingSettings();
  const message = h('div', { id: 'rating-message', 'aria-live': 'polite' });
  const reasonsBox = h('fieldset', { class: 'rating-reasons', id: 'rating-reasons', hidden: true },
    h('legend', {}, '请选择不满意的原因（可多选）'),
    s.reasons.map((reason, i) => h('label', { class: 'check', for: `reason-${i}` },
      h('input', { type: 'checkbox', id: `reason-${i}`, name: 'reason', value: reason }), reason)));
  const comment = h('textarea', { id: 'rating-comment', name: 'comment', rows: pad ? 2 : 3, maxlength: 1000 });
  const grades = h('fieldset', { class: `rating-grades${pad ? ' pad' : ''}`, id: 'rating-grades' },
    h('legend', { class: 'required' }, url ? '请您对本次窗口服务作出评价' : '请您对本次办事服务作出评价'),
    s.grades.map((g) => h('label', { class: `grade grade-${g.grade}`, for: `grade-${g.grade}` },
      h('input', { type: 'radio', id: `grade-${g.grade}`, name: 'grade', value: g.grade,
        onchange: () => { reasonsBox.hidden = g.grade > 2; } }),
      h('span', { class: 'grade-name' }, g.name))));
  const form = h('form', { class: `rating-form${pad ? ' pad' : ''}`, id: 'rating-form', novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      const chosen = form.querySelector('input[name=grade]:checked');
      const body = { grade: chosen ? Number(chosen.value) : undefined };
      if (source) body.source = source;
      const reasons = [...form.querySelectorAll('input[name=reason]:checked')].map((c) => c.value);
      if (body.grade <= 2) body.reasons = reasons;
      if (comment.value.trim()) body.comment = comment.value.trim();
      form.querySelectorAll('.field-error').forEach((el) => el.remove());
      button.disabled = true;
      try {
        const rating = await post(url || `/api/v1/applications/${encodeURIComponent(number)}/rating`, body);
        onRated(rating);
      } catch (err) {
        // Each violation beside its field; the box repeats them for screen readers.
        for (const v of err instanceof ApiProblem ? err.violations : []) {
          const at = v.pointer.startsWith('/reasons') ? reasonsBox : v.pointer === '/grade' ? grades : comment.parentElement;
          at.append(h('div', { class: 'error field-error' }, v.message));
        }
        mount(message, errorBox(err));
      } finally {
        button.disabled = false;
      }
    } },
  grades, reasonsBox,
  h('div', { class: 'field' }, h('label', { for: 'rating-comment' }, '意见和建议（选填）'), comment),
  message);
  const button = h('button', { type: 'submit', class: 'primary', id: 'rating-submit' }, '提交评价');
  form.append(button);
  return form;
}
