// Drafts: the form being typed is kept sealed in Rust as it is typed (a
// second after the last key), so that a lock, a crash or the app being
// closed loses nothing; after unlock the diary offers it back. The page
// itself keeps nothing: the draft lives in Rust, under the diary's key.

import { call } from './ipc.js';

const QUIET_MS = 800;

let snapshot = null;
let timer = null;

/** Keeps what `take()` returns whenever `form` changes; `take` returns null
 * while there is nothing worth keeping. */
export function keep(form, take) {
  snapshot = take;
  // A screen with several forms (Case & people) keeps the one being typed in.
  const later = () => {
    snapshot = take;
    clearTimeout(timer);
    timer = setTimeout(flush, QUIET_MS);
  };
  form.addEventListener('input', later);
  form.addEventListener('change', later);
}

/** What the form on screen holds now, to keep (null when nothing is worth
 * keeping). Read before the page is blanked, saved after. */
export function take() {
  clearTimeout(timer);
  timer = null;
  try {
    return snapshot ? snapshot() : null;
  } catch {
    return null;
  }
}

/** Keeps `draft` sealed in Rust. Never throws: a draft that cannot be kept
 * (the disk is full, the form is too long) is said on screen, so she knows
 * to save the entry itself; after a lock there is nothing to say. */
export async function save(draft) {
  if (!draft) return;
  try {
    await call('save_draft', { draft });
    problem(null);
  } catch (err) {
    if (!err || err.code !== 'locked') problem(err);
  }
}

/** Shows (or, with null, takes away) the note that the draft was not kept. */
function problem(err) {
  const view = document.getElementById('view');
  const shown = document.getElementById('draft-problem');
  if (!err) {
    shown?.remove();
    return;
  }
  if (!view || document.body.classList.contains('neutral')) return;
  const note = document.createElement('p');
  note.id = 'draft-problem';
  note.className = 'notice';
  note.setAttribute('role', 'alert');
  note.textContent = `What you are typing could not be kept as a draft (${err.message || err}). Save it, or it may be lost if the diary locks.`;
  if (shown) shown.replaceWith(note);
  else view.prepend(note);
}

/** Saves the form now. Never throws. */
export async function flush() {
  await save(take());
}

/** The form left the screen: keep what was typed since the last save,
 * then stop following it. */
export function release() {
  if (timer !== null && snapshot) save(take());
  clearTimeout(timer);
  timer = null;
  snapshot = null;
}

/** Saved as an entry, or thrown away: the draft of that form goes
 * (`which`: {kind: 'add'} or {kind: 'amend', number}); others stay. */
export async function discard(which) {
  // Not release(): what was typed is saved already, and must not be kept
  // again after it is discarded.
  clearTimeout(timer);
  timer = null;
  snapshot = null;
  await call('discard_draft', { which }).catch(() => {});
}

/** The kept draft of the form `which` names, if any. */
export async function find(which) {
  const all = await call('draft').catch(() => []);
  return pick(all || [], which);
}

/** The draft in `all` of the form `which` names, if any. */
export function pick(all, which) {
  return all.find((d) => d.kind === which.kind && (which.kind !== 'amend' || d.number === which.number)
    && (which.id === undefined || d.id === which.id)) || null;
}
