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
  const form = h('form', { class: 'stack', onsubmit: async (event) => {
    event.preventDefault();
    button.disabled = true;
    button.textContent = 'Opening…';
    try {
      await call('unlock', { passphrase: pass.input.value });
      pass.input.value = '';
      await ctx.opened();
    } catch (err) {
      pass.input.value = '';
      button.disabled = false;
      button.textContent = 'Open';
      showError(error, err.code === 'wrong_secret' ? { message: 'That passphrase is not right.' } : err);
      pass.input.focus();
    }
  } }, pass.wrap, error, button);
  return h('section', { class: 'card narrow', 'aria-labelledby': 'unlock-title' },
    h('h1', { id: 'unlock-title' }, 'Open your diary'), form);
}
