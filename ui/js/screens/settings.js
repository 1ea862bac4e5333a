// Settings: passphrase change, auto-lock delay, the disguise, and what the
// recovery key is for.

import { call } from '../ipc.js';
import { h, field, errorBox, showError, announce } from '../dom.js';
import * as safety from '../safety.js';
import { problem, strength, keptConfirm } from './welcome.js';
import { lastBackup } from './backup.js';

export async function render(ctx) {
  const [look, backupState] = await Promise.all([call('disguise'), call('backup_state')]);
  const error = errorBox();
  const current = field('Current passphrase', h('input', { type: 'password', autocomplete: 'current-password' }));
  const next = field('New passphrase', h('input', { type: 'password', autocomplete: 'new-password' }));
  const again = field('Type the new one again', h('input', { type: 'password', autocomplete: 'new-password' }));
  const hint = h('p', { class: 'strength', 'aria-live': 'polite' });
  next.input.addEventListener('input', () => { hint.textContent = strength(next.input.value); });
  const rotate = h('input', { type: 'checkbox', id: 'rotate-keys', 'aria-describedby': 'rotate-hint' });
  const rotateWrap = h('div', { class: 'stack' },
    h('div', { class: 'check' }, rotate, h('label', { for: 'rotate-keys' }, 'Someone else knows, or may know, my passphrase: also change the diary\'s key')),
    h('p', { class: 'hint', id: 'rotate-hint' }, 'Nothing you write from now on can be opened with your old passphrase or recovery key, even in a copy of the diary someone made. You get a new recovery key, and exports are signed with a new key. What someone already copied stays readable to them.'));
  const shown = h('div', { class: 'stack' });
  const form = h('form', { class: 'card stack', 'aria-labelledby': 'pass-title', onsubmit: async (event) => {
    event.preventDefault();
    const issue = problem(next.input.value, again.input.value);
    if (issue) return showError(error, { message: issue });
    const args = { current: current.input.value, new: next.input.value };
    try {
      const rotated = rotate.checked ? await call('rotate_keys', args) : await call('change_passphrase', args);
      for (const f of [current, next, again]) f.input.value = '';
      error.hidden = true;
      if (!rotated) {
        shown.replaceChildren();
        return announce('Passphrase changed.');
      }
      rotate.checked = false;
      shown.replaceChildren(
        h('p', { role: 'status' }, 'Passphrase and key changed. Your old passphrase and old recovery key no longer open anything written from now on.'),
        h('p', {}, 'Your new recovery key (shown only this once):'),
        h('p', { class: 'recovery-key', id: 'rotated-key', 'aria-label': 'New recovery key' }, rotated.recovery_key),
        h('p', { class: 'hint' }, 'Write it down and keep it somewhere safe, away from this device. Exports are now signed with a new key, fingerprint:'),
        h('p', { class: 'hash' }, rotated.fingerprint),
        keptConfirm());
    } catch (err) {
      showError(error, err.code === 'wrong_secret' ? { message: 'The current passphrase is not right.' } : err);
    }
  } }, h('h2', { id: 'pass-title' }, 'Change passphrase'), current.wrap, next.wrap, hint, again.wrap, rotateWrap, error,
  h('button', { type: 'submit', class: 'primary' }, 'Change passphrase'), shown);
  const delay = field('Lock after this many minutes without use', h('select', {},
    [1, 2, 5, 10, 15].map((m) => h('option', { value: m, selected: m === safety.autoLockMinutes() }, String(m)))));
  delay.input.addEventListener('change', () => {
    safety.setAutoLockMinutes(Number(delay.input.value));
    announce(`The diary now locks after ${delay.input.value} minutes without use.`);
  });
  return h('section', { class: 'stack', 'aria-labelledby': 'settings-title' },
    h('h1', { id: 'settings-title' }, 'Settings'),
    form,
    h('section', { class: 'card stack', 'aria-labelledby': 'lock-title' }, h('h2', { id: 'lock-title' }, 'Locking'), delay.wrap,
      h('p', { class: 'hint' }, 'The diary also locks when the app is hidden or minimised, and at once with Quick exit or the Shift key pressed three times.')),
    h('section', { class: 'card stack', 'aria-labelledby': 'backup-section-title' }, h('h2', { id: 'backup-section-title' }, 'Backup'),
      lastBackup(backupState),
      h('button', { type: 'button', onclick: () => ctx.go('backup') }, 'Back up now')),
    disguiseSection(look),
    recoverySection());
}

function recoverySection() {
  const error = errorBox();
  const pass = field('Your passphrase', h('input', { type: 'password', autocomplete: 'current-password' }));
  const shown = h('div', { class: 'stack' });
  const form = h('form', { class: 'stack', onsubmit: async (event) => {
    event.preventDefault();
    try {
      const { recovery_key: key } = await call('new_recovery_key', { passphrase: pass.input.value });
      pass.input.value = '';
      error.hidden = true;
      shown.replaceChildren(
        h('p', { class: 'recovery-key', 'aria-label': 'New recovery key' }, key),
        h('p', { class: 'hint' }, 'Write it down and keep it somewhere safe, away from this device. Your old recovery key no longer works.'),
        keptConfirm());
    } catch (err) {
      showError(error, err.code === 'wrong_secret' ? { message: 'That passphrase is not right.' } : err);
    }
  } }, pass.wrap, error, h('button', { type: 'submit' }, 'Make a new recovery key'));
  return h('section', { class: 'card stack', 'aria-labelledby': 'recovery-title' }, h('h2', { id: 'recovery-title' }, 'Recovery key'),
    h('p', {}, 'Your recovery key is never stored where it could be read, so it cannot be shown again. If you lost it, or someone else may have seen it, make a new one: the old one stops working at once.'),
    form, shown);
}

// What the app is called in the window title, the taskbar and the app
// switcher, and on the locked page. Applied at once, by Rust.
function disguiseSection(look) {
  const choices = h('fieldset', { class: 'choices' }, h('legend', {}, 'Name and icon'),
    look.choices.map((d) => h('div', { class: 'check' },
      h('input', { type: 'radio', name: 'disguise', value: d.key, id: `disguise-${d.key}`, checked: d.key === look.current.key,
        onchange: async () => {
          try {
            const now = await call('set_disguise', { key: d.key });
            announce(`The app is now called ${now.current.name}.`);
          } catch (err) {
            announce(err.message || String(err));
          }
        } }),
      h('label', { for: `disguise-${d.key}` }, d.name))));
  return h('section', { class: 'card stack', 'aria-labelledby': 'disguise-title' }, h('h2', { id: 'disguise-title' }, 'How the app looks'),
    h('p', {}, 'The app always shows this name and icon in the window title and the app switcher, and the locked page is a notes page under this name.'),
    choices);
}
