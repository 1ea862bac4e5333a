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

/** Keeps `draft` sealed in Rust. Never throws. */
export async function save(draft) {
  if (!draft) return;
  try {
    await call('save_draft', { draft });
  } catch {
    // Locked already, or the disk refused: the page is being wiped anyway.
  }
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
