// Check characters of the numbers people mistype most: the resident identity number (GB 11643) and the
// unified social credit code (GB 32100). A convenience while typing; the server checks again and judges.

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** null when the 18-character identity number is well formed with the right check character, else the problem in Chinese. */
export function idNumberProblem(value) {
  const v = String(value || '').trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(v)) return '公民身份号码应为18位，前17位为数字，末位为数字或X';
  const sum = ID_WEIGHTS.reduce((s, w, i) => s + w * Number(v[i]), 0);
  if (ID_CHECK[sum % 11] !== v[17]) return '公民身份号码校验位不正确';
  return null;
}

const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** null when the unified social credit code is well formed with the right check character, else the problem in Chinese. */
export function creditCodeProblem(value) {
  const v = String(value || '').trim().toUpperCase();
  if (v.length !== 18 || [...v].some((c) => !CREDIT_CHARS.includes(c))) {
    return '统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）';
  }
  const sum = CREDIT_WEIGHTS.reduce((s, w, i) => s + w * CREDIT_CHARS.indexOf(v[i]), 0);
  if (CREDIT_CHARS[(31 - (sum % 31)) % 31] !== v[17]) return '统一社会信用代码校验位不正确';
  return null;
}

/** Whether a form field holds an identity number, told by its name or title. */
export function isIdNumberField(name, schema = {}) {
  const title = schema.title || '';
  return /^idNumber$|IdNumber$/.test(name || '') || /身份号码|身份证号/.test(title);
}

/** Whether a form field holds a unified social credit code. */
export function isCreditCodeField(name, schema = {}) {
  return /creditCode$|CreditCode$/.test(name || '') || /统一社会信用代码/.test(schema.title || '');
}
