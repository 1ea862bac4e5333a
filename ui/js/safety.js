// Quick exit and auto-lock. Both wipe the page before anything else
// happens, then lock the diary in Rust: when lock returns, no decrypted
// content is left in the webview or in the app.

import { call } from './ipc.js';

const ESCAPE_WINDOW_MS = 800;
// The shell keeps its own idle clock (src-tauri/src/idle.rs) and locks
// even if this page is frozen or throttled; signs of use reach it at most
// this often.
const STILL_HERE_EVERY_MS = 20000;
const DEFAULT_AUTO_LOCK_MINUTES = 5;

let onLock = () => {};
let timer = null;
let minutes = DEFAULT_AUTO_LOCK_MINUTES;
let lastEscape = 0;
let active = false;
let lastStillHere = 0;

function tellShell() {
  const now = Date.now();
  if (now - lastStillHere < STILL_HERE_EVERY_MS) return;
  lastStillHere = now;
  call('still_here').catch(() => {});
}

/** Replaces everything on the page with a neutral screen. */
export function blank() {
  const screen = document.getElementById('screen');
  const nav = document.getElementById('nav');
  if (screen) screen.replaceChildren();
  if (nav) {
    nav.replaceChildren();
    nav.hidden = true;
  }
  document.title = 'Notes';
  document.body.classList.add('neutral');
}

/** Blanks the page, then locks, leaving the neutral screen up. */
export async function quickExit() {
  blank();
  stop();
  await onLock('neutral');
}

/** After a period of inactivity: blank, lock, and ask for the passphrase. */
async function autoLock() {
  blank();
  stop();
  await onLock('unlock');
}

function arm() {
  clearTimeout(timer);
  if (active) {
    timer = setTimeout(autoLock, minutes * 60 * 1000);
    tellShell();
  }
}

/** Starts watching while a diary is open. */
export function start(lockFn, autoLockMinutes = DEFAULT_AUTO_LOCK_MINUTES) {
  onLock = lockFn;
  minutes = autoLockMinutes;
  active = true;
  call('set_auto_lock', { minutes }).catch(() => {});
  arm();
}

/** Stops the inactivity timer (when locked). */
export function stop() {
  active = false;
  clearTimeout(timer);
}

export function setAutoLockMinutes(value) {
  minutes = value;
  call('set_auto_lock', { minutes }).catch(() => {});
  arm();
}

export const autoLockMinutes = () => minutes;

/** Wires the button, Escape twice, activity and hiding. Call once. */
export function install(lockFn) {
  onLock = lockFn;
  document.getElementById('quick-exit').addEventListener('click', quickExit);
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    const now = Date.now();
    if (now - lastEscape < ESCAPE_WINDOW_MS) {
      lastEscape = 0;
      quickExit();
    } else {
      lastEscape = now;
    }
  });
  for (const type of ['pointerdown', 'keydown', 'input', 'scroll', 'touchstart']) {
    document.addEventListener(type, arm, { passive: true, capture: true });
  }
  document.addEventListener('visibilitychange', () => {
    if (document.hidden && active) quickExit();
  });
}
