// A new recovery key on a screen of its own (after the diary is created,
// or opened with the old recovery key): the diary is open, so quick exit
// and the idle lock work here as everywhere; see recoveryStep.

import { h } from '../dom.js';
import { recoveryStep } from './welcome.js';

export function render(ctx, params) {
  return h('section', { class: 'card narrow stack', 'aria-labelledby': 'key-title' },
    h('h1', { id: 'key-title' }, params.title || 'Your recovery key'),
    recoveryStep(ctx, params.key, params));
}
