// What quick exit leaves on screen: an empty notes page that says nothing
// about a diary. "Open" leads to the passphrase screen.

import { h } from '../dom.js';

export function render(ctx) {
  return h('section', { class: 'neutral-page', 'aria-labelledby': 'neutral-title' },
    h('h1', { id: 'neutral-title' }, 'Notes'),
    h('p', {}, 'No notes yet.'),
    h('button', { type: 'button', class: 'quiet', onclick: () => ctx.go('unlock') }, 'Open'));
}
