// The one locked screen, for every path: a cold start, quick exit, the
// idle lock, the app hidden or minimised. It is a working notes page under
// the disguise's name (kept by Rust as plain text, apart from the diary);
// nothing on it says "diary". The way in is discreet: press and hold the
// title for a second (touch, mouse, or Enter or Space held down), which
// shows a password field. Screen readers: double-tap and hold.

import { call } from '../ipc.js';
import { h, field, announce } from '../dom.js';
import { passwordForm } from './unlock.js';

const HOLD_MS = 1000;

/** Calls `then` when `el` is held down for HOLD_MS, by pointer or key. */
export function holdToOpen(el, then) {
  let timer = null;
  const start = () => {
    clearTimeout(timer);
    timer = setTimeout(then, HOLD_MS);
  };
  const cancel = () => clearTimeout(timer);
  el.addEventListener('pointerdown', start);
  for (const type of ['pointerup', 'pointercancel', 'pointerleave']) el.addEventListener(type, cancel);
  el.addEventListener('contextmenu', (event) => event.preventDefault());
  el.addEventListener('keydown', (event) => {
    if ((event.key === 'Enter' || event.key === ' ') && !event.repeat) start();
    if (event.key === 'Enter' || event.key === ' ') event.preventDefault();
  });
  el.addEventListener('keyup', cancel);
}

export async function render(ctx) {
  const [look, kept] = await Promise.all([call('disguise'), call('notes')]);
  const name = look.current.name;
  document.title = name;
  const note = field('Note', h('textarea', { rows: 10, id: 'note-text' }), 'Saved on this device as ordinary text.');
  note.input.value = kept;
  const saved = h('p', { class: 'hint', 'aria-live': 'polite' });
  const save = h('button', { type: 'button', onclick: async () => {
    try {
      await call('save_notes', { text: note.input.value });
      saved.textContent = 'Saved.';
    } catch (err) {
      saved.textContent = err.message || String(err);
    }
  } }, 'Save');
  const way = h('div', { class: 'stack', hidden: true });
  const title = h('button', { type: 'button', class: 'title-button', id: 'neutral-open' }, name);
  holdToOpen(title, async () => {
    if (!way.hidden) return;
    // Quick exit before any diary was made: the way in is the first screen.
    const status = await call('status').catch(() => null);
    if (status && !status.vault_exists) return ctx.go('welcome');
    way.replaceChildren(passwordForm(ctx));
    way.hidden = false;
    way.querySelector('input').focus();
    announce('Password');
  });
  return h('section', { class: 'neutral-page stack', 'aria-labelledby': 'neutral-title' },
    h('h1', { id: 'neutral-title' }, title),
    way,
    note.wrap, save, saved);
}
