// Unlock with the passphrase; shows the wait after repeated wrong ones.

import { call } from '../ipc.js';
import { h, field, errorBox, showError } from '../dom.js';

export async function render(ctx) {
  const status = await call('status');
  const error = errorBox();
  const pass = field('Passphrase', h('input', { type: 'password', autocomplete: 'current-password', required: true }));
  const button = h('button', { type: 'submit', class: 'primary' }, 'Open');
  if (status.wait_seconds) {
    showError(error, { message: `Too many wrong passphrases. Wait ${status.wait_seconds} seconds, then try again.` });
  }
  // Shown only when the diary holds less than this device last saw: the
  // owner may have put an older copy back on purpose.
  const older = h('div', { class: 'stack', hidden: true },
    h('p', {}, 'Your diary holds less than this device last saw. Someone may have put back an older copy to remove entries. Only if you put this copy back yourself (for example from a backup), open it anyway.'),
    h('button', { type: 'button', id: 'accept-older', onclick: () => open(true) }, 'I put this copy back myself: open it'));
  async function open(acceptOlder) {
    button.disabled = true;
    button.textContent = 'Opening…';
    try {
      await call('unlock', { passphrase: pass.input.value, acceptOlder });
      pass.input.value = '';
      await ctx.opened();
    } catch (err) {
      // Kept only for the owner's answer to "is this the copy you want?".
      if (err.code !== 'went_back') pass.input.value = '';
      older.hidden = err.code !== 'went_back';
      button.disabled = false;
      button.textContent = 'Open';
      showError(error, err.code === 'wrong_secret' ? { message: 'That passphrase is not right.' } : err);
      pass.input.focus();
    }
  }
  const form = h('form', { class: 'stack', onsubmit: (event) => {
    event.preventDefault();
    open(false);
  } }, pass.wrap, error, older, button);
  return h('section', { class: 'card narrow', 'aria-labelledby': 'unlock-title' },
    h('h1', { id: 'unlock-title' }, 'Open your diary'), form);
}
