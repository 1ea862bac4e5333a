// After the diary is created: how to get out fast, and a practice run of
// the Quick exit button or Shift pressed three times that shows what
// happened instead of exiting.

import { h, announce } from '../dom.js';
import * as safety from '../safety.js';

export async function render(ctx) {
  const result = h('p', { class: 'notice', role: 'status', id: 'practice-result', hidden: true });
  safety.practise(() => {
    result.textContent = 'That worked. Next time, everything will disappear at once and the diary will lock.';
    result.hidden = false;
    announce(result.textContent);
  });
  return h('section', { class: 'card narrow stack', 'aria-labelledby': 'practice-title' },
    h('h1', { id: 'practice-title' }, 'Getting out fast'),
    h('p', {}, 'If someone comes near, press Quick exit at the top of every screen, or press the Shift key three times. Everything disappears at once and the diary locks.'),
    h('p', {}, 'What is left on the screen is a plain notes page called "Notes". You can write notes there; they are kept as ordinary text, not in your diary. You can change the name and icon in Settings.'),
    h('p', {}, 'To get back in, press and hold the word "Notes" at the top for a second, then type your passphrase.'),
    h('h2', {}, 'Try it now'),
    h('p', {}, 'Press the Quick exit button, or the Shift key three times. Nothing will close this time: this page only shows that it worked.'),
    result,
    h('p', {}, 'Staying safe, in the menu, says what to do in danger, who can help, and how to check your phone and accounts.'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', onclick: () => ctx.go('timeline') }, 'Continue to my diary'),
      h('button', { type: 'button', onclick: () => ctx.go('stayingSafe') }, 'Read Staying safe now')));
}
