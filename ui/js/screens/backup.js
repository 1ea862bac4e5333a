// Back up now: one encrypted file with everything in the diary, exhibits
// included, saved where the victim chooses (a USB stick, a friend's
// device), with progress; the same core function and checks as `diary
// backup`.

import { call } from '../ipc.js';
import { h, field, errorBox, showError, announce, when } from '../dom.js';
import { withProgress } from '../progress.js';
import { problem } from './welcome.js';

/** "Your last backup was made ..., saved to ...", or that there is none. */
export function lastBackup(state) {
  if (!state || !state.last) return h('p', { id: 'last-backup' }, 'No backup yet.');
  return h('p', { id: 'last-backup' }, `Your last backup was made ${when(state.last)}`,
    state.place ? [', saved to ', h('span', { class: 'hash' }, state.place), '.'] : '.');
}

export async function render() {
  const state = await call('backup_state');
  const error = errorBox();
  const pass = field('Passphrase for the backup', h('input', { type: 'password', autocomplete: 'new-password' }),
    'It can be your diary passphrase. Without it the backup cannot be opened, by anyone.');
  const again = field('Type it again', h('input', { type: 'password', autocomplete: 'new-password' }));
  const holder = h('div', { class: 'stack' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Choose where to save, then back up');
  const form = h('form', { class: 'card stack', onsubmit: async (event) => {
    event.preventDefault();
    const issue = problem(pass.input.value, again.input.value);
    if (issue) return showError(error, { message: issue });
    error.hidden = true;
    const done = await withProgress({ task: 'backup', label: 'Backing up', holder, button, error },
      () => call('backup_now', { passphrase: pass.input.value }));
    if (!done) return;
    pass.input.value = '';
    again.input.value = '';
    announce('Backup saved.');
    holder.replaceChildren(h('div', { class: 'card stack', role: 'status', id: 'backup-done' },
      h('h2', {}, 'Backup saved'),
      h('p', {}, 'Saved as:'), h('p', { class: 'hash', id: 'backup-path' }, done.path),
      h('p', {}, `${done.log_entries} log entries and ${done.exhibits} exhibit${done.exhibits === 1 ? '' : 's'}, ${(done.bytes / 1e6).toFixed(1)} MB. Each exhibit was checked on the way in.`),
      h('p', {}, 'Move it somewhere away from this device. To bring your diary back on a new or reset device, install the app there, choose "I have a backup: restore it instead" and pick this file.')));
  } }, pass.wrap, again.wrap, error, button);
  return h('section', { class: 'stack', 'aria-labelledby': 'backup-title' },
    h('h1', { id: 'backup-title' }, 'Back up your diary'),
    h('p', {}, 'A backup is one encrypted file with everything in your diary, exhibits included. If this device is lost, taken or broken, the backup brings it all back. Keep it away from this device: on a USB stick, or with someone you trust.'),
    lastBackup(state),
    form, holder);
}
