// Placeholder until the page lands.
import { h, mount as fill } from '/assets/js/dom.js';

export function mount(main) {
  fill(main, h('p', {}, '页面建设中。'));
}
