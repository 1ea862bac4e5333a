// Restore a backup, offered where there is no diary yet (a new phone, a
// fresh install): the backup's passphrase, the file chosen in a native
// dialog, then the diary opens with its own passphrase. The same core
// function and checks as `diary restore`.

import { call } from '../ipc.js';
import { h, field, errorBox, showError, announce, when } from '../dom.js';
import { passwordForm } from './unlock.js';

export function restoreForm(ctx) {
  const error = errorBox();
  const pass = field('The backup\'s passphrase', h('input', { type: 'password', id: 'restore-pass', autocomplete: 'off' }),
    'The one chosen when the backup was made (often the diary passphrase).');
  const holder = h('div', { class: 'stack' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Choose the backup file, then restore');
  const form = h('form', { class: 'stack', 'aria-labelledby': 'restore-title', onsubmit: async (event) => {
    event.preventDefault();
    button.disabled = true;
    error.hidden = true;
    holder.replaceChildren(h('div', { class: 'progress' },
      h('progress', { 'aria-label': 'Restoring' }),
      h('p', { class: 'hint', 'aria-live': 'polite' }, 'Checking and restoring every file…')));
    try {
      const done = await call('restore_backup', { passphrase: pass.input.value });
      pass.input.value = '';
      announce('Backup restored.');
      await ctx.go('restored', { done });
    } catch (err) {
      holder.replaceChildren();
      button.disabled = false;
      if (err.code !== 'cancelled') {
        showError(error, err.code === 'wrong_secret' ? { message: 'That is not the backup\'s passphrase.' } : err);
      }
    }
  } }, h('h2', { id: 'restore-title' }, 'Restore a backup'),
  h('p', {}, 'If you made a backup of your diary before, bring it back here.'),
  pass.wrap, error, button, holder);
  return form;
}

/** After a restore: what came back, and the way in. */
export function render(ctx, params) {
  const { done } = params;
  return h('section', { class: 'card narrow stack', 'aria-labelledby': 'restored-title', id: 'restored' },
    h('h1', { id: 'restored-title' }, 'Your diary is back'),
    h('p', { role: 'status' }, `${done.log_entries} log entries and ${done.exhibits} exhibit${done.exhibits === 1 ? '' : 's'} from a backup made ${when(done.created_at)}, every one checked.`),
    h('p', {}, 'Open it with your diary passphrase.'),
    passwordForm(ctx));
}
