// The way into the diary from the locked page: the passphrase, the wait
// after repeated wrong ones, an older copy put back on purpose, and the
// recovery key when the passphrase is forgotten. Worded so that someone
// looking over a shoulder sees a password box, not a diary.

import { call } from '../ipc.js';
import { h, field, errorBox, showError } from '../dom.js';
import { problem, strength } from './welcome.js';

/** The password field and what goes with it; opens the diary. */
export function passwordForm(ctx) {
  const error = errorBox();
  const pass = field('Password', h('input', { type: 'password', autocomplete: 'current-password', required: true }));
  const button = h('button', { type: 'submit', class: 'primary' }, 'Open');
  let tried = 0;
  call('status').then((status) => {
    if (status.wait_seconds) {
      showError(error, { message: `Too many wrong tries. Wait ${status.wait_seconds} seconds, then try again.` });
    }
  }).catch(() => {});
  // Shown only when the diary holds less than this device last saw: the
  // owner may have put an older copy back on purpose.
  const older = h('div', { class: 'stack', hidden: true },
    h('p', {}, 'Your diary holds less than this device last saw. Someone may have put back an older copy to remove entries. Only if you put this copy back yourself (for example from a backup), open it anyway.'),
    h('button', { type: 'button', id: 'accept-older', onclick: () => open(true) }, 'I put this copy back myself: open it'));
  async function open(acceptOlder) {
    button.disabled = true;
    button.textContent = 'Opening…';
    try {
      const opened = await call('unlock', { passphrase: pass.input.value, acceptOlder });
      pass.input.value = '';
      await ctx.opened(undefined, { ...(opened || {}), tried_here: tried });
    } catch (err) {
      // Kept only for the owner's answer to "is this the copy you want?".
      if (err.code !== 'went_back') pass.input.value = '';
      if (err.code === 'wrong_secret') tried += 1;
      older.hidden = err.code !== 'went_back';
      button.disabled = false;
      button.textContent = 'Open';
      showError(error, err.code === 'wrong_secret' ? { message: 'That is not right.' } : err);
      pass.input.focus();
    }
  }
  const form = h('form', { class: 'stack', onsubmit: (event) => {
    event.preventDefault();
    open(false);
  } }, pass.wrap, error, older, button);
  const recovery = recoverForm(ctx);
  const forgot = h('button', { type: 'button', class: 'quiet', 'aria-expanded': 'false', onclick: () => {
    recovery.hidden = !recovery.hidden;
    forgot.setAttribute('aria-expanded', String(!recovery.hidden));
    if (!recovery.hidden) recovery.querySelector('input').focus();
  } }, 'Forgotten your passphrase? Use your recovery key');
  return h('div', { class: 'card stack', id: 'unlock-form' }, form, forgot, recovery);
}

// The way back in with the recovery key: a new passphrase, and with it a new
// key for the diary and a new recovery key (whoever knew the old passphrase
// can read nothing written from now on), shown once.
function recoverForm(ctx) {
  const error = errorBox();
  const key = field('Recovery key', h('input', { type: 'text', id: 'recover-key-input', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false' }));
  const next = field('New passphrase', h('input', { type: 'password', autocomplete: 'new-password' }));
  const again = field('Type the new one again', h('input', { type: 'password', autocomplete: 'new-password' }));
  const hint = h('p', { class: 'strength', 'aria-live': 'polite' });
  next.input.addEventListener('input', () => { hint.textContent = strength(next.input.value); });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Open with the recovery key');
  const form = h('form', { class: 'stack', 'aria-labelledby': 'recover-title', hidden: true, onsubmit: async (event) => {
    event.preventDefault();
    const issue = problem(next.input.value, again.input.value);
    if (issue) return showError(error, { message: issue });
    button.disabled = true;
    button.textContent = 'Opening…';
    try {
      const done = await call('recover', { recoveryKey: key.input.value, new: next.input.value });
      for (const f of [key, next, again]) f.input.value = '';
      await ctx.opened(undefined, undefined, 'recoveryKey', {
        key: done.recovery_key,
        title: 'Your new recovery key',
        lead: 'Your diary is open with your new passphrase. Its key was changed too: your old passphrase and old recovery key no longer open anything written from now on. This new recovery key is shown only now.',
      });
    } catch (err) {
      button.disabled = false;
      button.textContent = 'Open with the recovery key';
      showError(error, err.code === 'wrong_secret' ? { message: 'That recovery key is not right. Check each group of four.' } : err);
    }
  } }, h('h2', { id: 'recover-title' }, 'Open with your recovery key'),
  h('p', {}, 'You choose a new passphrase, and you get a new recovery key.'),
  key.wrap, next.wrap, hint, again.wrap, error, button);
  return form;
}
