// Starts the UI: asks Rust what state the diary is in, shows the matching
// screen, and routes between screens. Nothing is stored in the browser:
// no localStorage, IndexedDB or caches; all state lives in Rust.

import { call, onLocked } from './ipc.js';
import { h } from './dom.js';
import * as safety from './safety.js';
import * as neutral from './screens/neutral.js';
import * as welcome from './screens/welcome.js';
import * as unlock from './screens/unlock.js';
import * as timeline from './screens/timeline.js';
import * as quickAdd from './screens/quick_add.js';
import * as entry from './screens/entry.js';
import * as people from './screens/people.js';
import * as risk from './screens/risk.js';
import * as exporting from './screens/export.js';
import * as settings from './screens/settings.js';

const screens = { neutral, welcome, unlock, timeline, quickAdd, entry, people, risk, exporting, settings };
const sections = [
  ['timeline', 'Diary'],
  ['quickAdd', 'Add'],
  ['people', 'Case & people'],
  ['risk', 'Risk check'],
  ['exporting', 'Export'],
  ['settings', 'Settings'],
];

let vocabulary = null;

async function lock(then = 'unlock') {
  safety.stop();
  try {
    await call('lock');
  } finally {
    await go(then);
  }
}

function renderNav(current) {
  const nav = document.getElementById('nav');
  const open = !['welcome', 'unlock', 'neutral'].includes(current);
  nav.hidden = !open;
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

/** Shows screen `name` with `params`. */
export async function go(name, params = {}) {
  document.body.classList.toggle('neutral', name === 'neutral');
  document.title = name === 'neutral' ? 'Notes' : 'Incident Diary';
  const main = document.getElementById('screen');
  renderNav(name);
  const ctx = {
    go,
    vocabulary,
    opened: async (autoLock) => {
      vocabulary = await call('vocabulary');
      ctx.vocabulary = vocabulary;
      // The delay chosen in Settings holds across locks (it lives only in
      // this page and the shell, never on disk).
      safety.start(lock, autoLock ?? safety.autoLockMinutes());
      await go('timeline');
    },
    lock,
  };
  try {
    const view = await screens[name].render(ctx, params);
    main.replaceChildren(view);
  } catch (err) {
    if (err && err.code === 'locked') return go('unlock');
    main.replaceChildren(h('p', { class: 'error', role: 'alert' }, err.message || String(err)));
  }
  window.scrollTo(0, 0);
  main.focus({ preventScroll: true });
  const heading = main.querySelector('h1');
  if (heading) heading.setAttribute('tabindex', '-1');
}

async function start() {
  safety.install(lock);
  onLocked(() => {
    safety.blank();
    safety.stop();
    go('unlock');
  });
  const status = await call('status');
  if (status.unlocked) {
    vocabulary = await call('vocabulary');
    safety.start(lock);
    return go('timeline');
  }
  return go(status.vault_exists ? 'unlock' : 'welcome');
}

start();
