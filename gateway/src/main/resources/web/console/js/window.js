// 窗口: the window clerk's page. Routes under #/window: new case (search, guide, form), #/window/list the
// hall's cases, #/window/case/<number> one case with its actions, #/window/claims enterprise claims to check
// (clerks only). Alt+N starts the next walk-in, Alt+L the list.
import { h, mount as fill } from '/assets/js/dom.js';
import { showCase } from './window/case.js';
import { claimList } from './window/claims.js';
import { intake } from './window/intake.js';
import { workList } from './window/list.js';

let flash = null;

function onKey(e) {
  if (!e.altKey || e.ctrlKey || e.metaKey) return;
  const k = e.key.toLowerCase();
  const target = { n: '#/window/new', l: '#/window/list' }[k];
  if (!target) return;
  e.preventDefault();
  // The same hash again would not re-render: the next walk-in needs a blank form all the same.
  if (location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = target;
}

export async function mount(main, profile) {
  const [, sub, number] = location.hash.replace(/^#\/?/, '').split('/');
  const clerk = (profile.roles || []).includes('CLERK');
  const here = sub === 'list' ? 'list' : sub === 'case' ? 'case' : sub === 'claims' && clerk ? 'claims' : 'new';
  const view = h('div', { id: 'window-view' });
  fill(main, h('nav', { class: 'toolbar noprint', 'aria-label': '窗口' },
    h('a', { href: '#/window/new', 'aria-current': here === 'new' ? 'page' : null }, '新办件（Alt+N）'),
    h('a', { href: '#/window/list', 'aria-current': here === 'list' ? 'page' : null }, '办件清单（Alt+L）'),
    clerk ? h('a', { href: '#/window/claims', 'aria-current': here === 'claims' ? 'page' : null }, '企业认领核验') : null,
    h('span', { class: 'muted grow' }, profile.hallName ? `收件大厅：${profile.hallName}` : '')), view);
  document.addEventListener('keydown', onKey);
  const open = (n, message) => { flash = message || null; location.hash = `#/window/case/${n}`; };
  if (here === 'list') await workList(view, open);
  else if (here === 'claims') await claimList(view);
  else if (here === 'case' && number) {
    const message = flash;
    flash = null;
    await showCase(view, decodeURIComponent(number), message, profile);
  } else intake(view, profile, { opened: open });
  // The shell focuses <main> once a page is mounted; give the cursor back to the field the view chose.
  const chosen = document.activeElement;
  if (chosen && chosen !== main && view.contains(chosen)) setTimeout(() => chosen.focus());
}

export function unmount() {
  document.removeEventListener('keydown', onKey);
  document.body.classList.remove('printing');
}
