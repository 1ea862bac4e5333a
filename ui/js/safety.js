// Quick exit and auto-lock. Both wipe the page before anything else
// happens, then lock the diary in Rust: when lock returns, no decrypted
// content is left in the webview or in the app.
//
// Quick exit is the button, or Shift pressed three times (as GOV.UK's "Exit
// this page", which rejected Escape: Escape is pressed by accident, to close
// a menu or clear a search box, and it was). Each press shows on the button.

import { call } from './ipc.js';
import { announce } from './dom.js';

const SHIFT_PRESSES = 3;
const SHIFT_WINDOW_MS = 5000;
// The shell keeps its own idle clock (src-tauri/src/idle.rs) and locks
// even if this page is frozen or throttled; signs of use reach it at most
// this often.
const STILL_HERE_EVERY_MS = 20000;
const DEFAULT_AUTO_LOCK_MINUTES = 5;

let onLock = () => {};
let timer = null;
let minutes = DEFAULT_AUTO_LOCK_MINUTES;
let shifts = 0;
let shiftTimer = null;
let otherKey = false;
let practice = null;
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
  const screen = document.getElementById('view');
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

/** After a period of inactivity: blank, lock, and show the locked page. */
async function autoLock() {
  blank();
  stop();
  await onLock('neutral');
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

function showShifts() {
  const dots = document.querySelectorAll('#quick-exit .presses span');
  dots.forEach((dot, i) => dot.classList.toggle('on', i < shifts));
}

function resetShifts() {
  shifts = 0;
  clearTimeout(shiftTimer);
  showShifts();
}

/** Counts Shift pressed and released on its own; three within five seconds exit. */
function onShiftUp() {
  if (otherKey || document.body.classList.contains('neutral')) return;
  shifts += 1;
  clearTimeout(shiftTimer);
  shiftTimer = setTimeout(resetShifts, SHIFT_WINDOW_MS);
  showShifts();
  if (shifts < SHIFT_PRESSES) {
    const left = SHIFT_PRESSES - shifts;
    announce(`Shift, press ${left} more time${left === 1 ? '' : 's'} to exit.`);
    return;
  }
  resetShifts();
  if (practice) practice();
  else quickExit();
}

/** While set, Shift three times calls `handler` instead of exiting (the practice run). */
export function practise(handler) {
  practice = handler;
}

/** Wires the button, Shift three times, activity and hiding. Call once. */
export function install(lockFn) {
  onLock = lockFn;
  document.getElementById('quick-exit').addEventListener('click', quickExit);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Shift') {
      if (!event.repeat) otherKey = false;
    } else {
      otherKey = true;
      if (shifts) resetShifts();
    }
  }, { capture: true });
  document.addEventListener('keyup', (event) => {
    if (event.key === 'Shift') onShiftUp();
  }, { capture: true });
  for (const type of ['pointerdown', 'keydown', 'input', 'scroll', 'touchstart']) {
    document.addEventListener(type, arm, { passive: true, capture: true });
  }
  document.addEventListener('visibilitychange', () => {
    if (document.hidden && active) quickExit();
  });
}
