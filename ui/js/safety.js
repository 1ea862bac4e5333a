// Quick exit and auto-lock. Both wipe the page before anything else
// happens, then lock the diary in Rust: when lock returns, no decrypted
// content is left in the webview or in the app.
//
// Quick exit is the button, or Shift pressed three times (as GOV.UK's "Exit
// this page", which rejected Escape: Escape is pressed by accident, to close
// a menu or clear a search box, and it was). Each press shows on the button.

import { call } from './ipc.js';
import { h, announce } from './dom.js';
import * as drafts from './drafts.js';
import { releaseMedia } from './media.js';

const SHIFT_PRESSES = 3;
const SHIFT_WINDOW_MS = 5000;
// The shell keeps its own idle clock (src-tauri/src/idle.rs) and locks
// even if this page is frozen or throttled; signs of use reach it at most
// this often.
const STILL_HERE_EVERY_MS = 20000;
const DEFAULT_AUTO_LOCK_MINUTES = 5;
// "Still there?" this long before the idle lock (WCAG 2.2.1: warned, and
// one press to carry on).
const WARN_BEFORE_MS = 30000;
// The longest a lock waits for the draft to be saved.
const FLUSH_WAIT_MS = 1500;

let onLock = () => {};
let timer = null;
let warnTimer = null;
let busy = 0;
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
  const toggle = document.getElementById('menu-toggle');
  if (toggle) toggle.hidden = true;
  // What was said to screen readers (a count, "Saved as incident 7") goes too.
  const spoken = document.getElementById('announce');
  if (spoken) spoken.textContent = '';
  const box = document.getElementById('still-there');
  if (box) box.hidden = true;
  document.title = 'Notes';
  document.body.classList.add('neutral');
  releaseMedia();
}

/**
 * Reads what is being typed, blanks the page at once, keeps the draft
 * (waiting at most FLUSH_WAIT_MS for it), then locks: nothing is left on
 * screen while the draft is saved, and the last words typed are not lost.
 */
async function hideAndLock() {
  const draft = drafts.take();
  blank();
  stop();
  await Promise.race([drafts.save(draft), new Promise((ok) => setTimeout(ok, FLUSH_WAIT_MS))]);
  await onLock('neutral');
}

/** Quick exit: the button, Shift three times, or the app hidden. */
export async function quickExit() {
  await hideAndLock();
}

/** After a period of inactivity. */
async function autoLock() {
  if (busy) return arm();
  await hideAndLock();
}

function warning() {
  let box = document.getElementById('still-there');
  if (!box) {
    box = h('div', { id: 'still-there', class: 'still-there', role: 'alertdialog', 'aria-labelledby': 'still-there-text', hidden: true },
      h('p', { id: 'still-there-text' }, 'Still there? The diary locks in 30 seconds. An entry you are writing is kept.'),
      h('button', { type: 'button', class: 'primary', onclick: () => arm() }, 'I am still here'));
    document.body.append(box);
  }
  return box;
}

function warn() {
  if (busy || !active) return;
  const box = warning();
  box.hidden = false;
  box.querySelector('button').focus();
}

function arm() {
  clearTimeout(timer);
  clearTimeout(warnTimer);
  const box = document.getElementById('still-there');
  if (box) box.hidden = true;
  if (active) {
    const limit = minutes * 60 * 1000;
    timer = setTimeout(autoLock, limit);
    warnTimer = setTimeout(warn, Math.max(0, limit - WARN_BEFORE_MS));
    tellShell();
  }
}

/** While `work` runs (an export, an import), the idle lock waits; quick
 * exit does not. Its end counts as use. */
export async function whileBusy(work) {
  busy += 1;
  arm();
  try {
    return await work;
  } finally {
    busy -= 1;
    arm();
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
  clearTimeout(warnTimer);
  const box = document.getElementById('still-there');
  if (box) box.hidden = true;
}

export function setAutoLockMinutes(value) {
  minutes = value;
  call('set_auto_lock', { minutes }).catch(() => {});
  arm();
}

export const autoLockMinutes = () => minutes;

/** Whether a diary is open here: from its unlock to the next lock or
 * quick exit. */
export const isOpen = () => active;

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

/** While set, the button and Shift three times call `handler` instead of
 * exiting (the practice run after setup; phones have no Shift key). */
export function practise(handler) {
  practice = handler;
}

/** Wires the button, Shift three times, activity and hiding. Call once. */
export function install(lockFn) {
  onLock = lockFn;
  document.getElementById('quick-exit').addEventListener('click', () => (practice ? practice() : quickExit()));
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
    if (!document.hidden || !active) return;
    // Switching to another app to copy a message's exact words: the page
    // is blanked before the switcher's thumbnail is taken, and what was
    // being typed is kept.
    quickExit();
  });
}
