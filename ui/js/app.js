// Starts the UI: asks Rust what state the diary is in, shows the matching
// screen, and routes between screens. Nothing is stored in the browser:
// no localStorage, IndexedDB or caches; all state lives in Rust.

import { call, onLocked } from './ipc.js';
import { h } from './dom.js';
import * as safety from './safety.js';
import * as drafts from './drafts.js';
import * as neutral from './screens/neutral.js';
import * as welcome from './screens/welcome.js';
import * as timeline from './screens/timeline.js';
import * as quickAdd from './screens/quick_add.js';
import * as entry from './screens/entry.js';
import { releaseMedia } from './screens/entry_exhibits.js';
import * as people from './screens/people.js';
import * as risk from './screens/risk.js';
import * as exporting from './screens/export.js';
import * as settings from './screens/settings.js';
import * as practice from './screens/practice.js';
import * as backup from './screens/backup.js';
import * as restored from './screens/restore.js';
import * as stayingSafe from './screens/staying_safe.js';
import * as recoveryKey from './screens/recovery_key.js';
import * as messages from './screens/messages.js';
import * as importChat from './screens/import_chat.js';
import * as conversation from './screens/conversation.js';

// Every locked path ends on the one neutral page ("unlock" is its old name).
const screens = { neutral, unlock: neutral, welcome, timeline, quickAdd, entry, people, risk, exporting, settings, practice, backup, restored, stayingSafe, recoveryKey, messages, importChat, conversation };
const sections = [
  ['timeline', 'Diary'],
  ['quickAdd', 'Add'],
  ['messages', 'Messages'],
  ['people', 'Case & people'],
  ['risk', 'Risk check'],
  ['exporting', 'Export'],
  ['settings', 'Settings'],
  ['stayingSafe', 'Staying safe'],
];

let vocabulary = null;

async function lock(then = 'neutral') {
  safety.stop();
  try {
    await call('lock');
  } finally {
    await go(then);
  }
}

// `closed`: a screen shown before any diary is open (Staying safe from the
// first screen) has no menu.
function renderNav(current, closed) {
  const nav = document.getElementById('nav');
  const open = !closed && !['welcome', 'unlock', 'neutral', 'practice', 'restored', 'recoveryKey'].includes(current);
  nav.hidden = !open;
  // On a narrow screen the sections fold behind "Menu" (CSS shows the
  // button only there); every new screen starts with it folded.
  const toggle = document.getElementById('menu-toggle');
  toggle.hidden = !open;
  toggle.setAttribute('aria-expanded', 'false');
  nav.classList.remove('open');
  nav.replaceChildren(
    ...(open
      ? sections.map(([name, label]) =>
          h('button', {
            type: 'button',
            class: 'nav-item',
            'aria-current': name === current ? 'page' : undefined,
            onclick: () => go(name),
          }, label))
      : []),
  );
}

// Screens that show nothing of a diary, so may be shown when none is open.
const outside = new Set(['welcome', 'unlock', 'neutral', 'practice', 'restored', 'recoveryKey', 'stayingSafe']);
// Screens asked for so far: a screen whose data comes back after a later
// one was asked for is dropped.
let asked = 0;

/** Shows screen `name` with `params`. */
export async function go(name, params = {}) {
  // After a quick exit or a lock, a reply that comes back late (an import,
  // a save, a page of messages) cannot bring a diary screen back.
  const allowed = () => outside.has(name) || safety.isOpen();
  if (!allowed()) return;
  const mine = ++asked;
  const locked = name === 'neutral' || name === 'unlock';
  // Only the practice page turns Shift three times into a rehearsal.
  safety.practise(null);
  // A form that leaves the screen is no longer followed (what it kept stays).
  drafts.release();
  document.body.classList.toggle('neutral', locked);
  if (locked) timeline.forget();
  releaseMedia();
  const main = document.getElementById('screen');
  const holder = document.getElementById('view');
  renderNav(name, Boolean(params.back));
  const ctx = {
    go,
    vocabulary,
    // `unlocked`: what unlock said (the last entry, wrong passphrases
    // tried since the last open), shown once on the timeline.
    opened: async (autoLock, unlocked, next = 'timeline', extra = {}) => {
      vocabulary = await call('vocabulary');
      ctx.vocabulary = vocabulary;
      // The delay chosen in Settings holds across locks (it lives only in
      // this page and the shell, never on disk).
      safety.start(lock, autoLock ?? safety.autoLockMinutes());
      // An entry half-written when the diary locked is offered back.
      const kept = await call('draft').catch(() => []);
      await go(next, { unlocked, drafts: kept, ...extra });
    },
    lock,
  };
  try {
    const view = await screens[name].render(ctx, params);
    if (mine !== asked || !allowed()) return;
    holder.replaceChildren(view);
  } catch (err) {
    if (mine !== asked || !allowed()) return;
    if (err && err.code === 'locked') return go('neutral');
    holder.replaceChildren(h('p', { class: 'error', role: 'alert' }, err.message || String(err)));
  }
  window.scrollTo(0, 0);
  // Focus goes to <main>, not the heading, so that the first Tab on every
  // screen reaches Quick exit (the first thing in <main>); <main> is named
  // by the screen's heading, so a screen reader says which screen this is.
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    if (!heading.id) heading.id = 'screen-title';
    main.setAttribute('aria-labelledby', heading.id);
  } else {
    main.removeAttribute('aria-labelledby');
  }
  main.focus({ preventScroll: true });
  // A screen that puts the victim back where she was (the timeline, back
  // from an entry) does so once it is shown.
  if (holder.firstChild && typeof holder.firstChild.afterShow === 'function') holder.firstChild.afterShow();
  // Each screen its own title, its heading (the window's own title is the
  // disguise, set by Rust; this one is what assistive technology reads).
  if (!locked && heading) document.title = heading.textContent;
}

async function start() {
  safety.install(lock);
  const toggle = document.getElementById('menu-toggle');
  toggle.addEventListener('click', () => {
    const nav = document.getElementById('nav');
    const open = nav.classList.toggle('open');
    toggle.setAttribute('aria-expanded', String(open));
    if (open) nav.querySelector('button')?.focus();
  });
  onLocked(() => {
    safety.blank();
    safety.stop();
    go('neutral');
  });
  const status = await call('status');
  if (status.unlocked) {
    vocabulary = await call('vocabulary');
    safety.start(lock);
    return go('timeline');
  }
  return go(status.vault_exists ? 'neutral' : 'welcome');
}

start();
