// First run: choose a passphrase, then see the recovery key once.

import { call } from '../ipc.js';
import { h, field, errorBox, showError, uid } from '../dom.js';
import { restoreForm } from './restore.js';

/** A rough strength hint: length and variety, no dictionary. */
export function strength(text) {
  if (!text) return '';
  if (/^\d{1,8}$/.test(text)) return 'This looks like a PIN. Use something different from your phone PIN.';
  const kinds = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(text)).length;
  const words = text.trim().split(/\s+/).length;
  if (text.length >= 20 || (words >= 4 && text.length >= 16)) return 'Strong.';
  if (text.length >= 12 && kinds >= 2) return 'Good. Longer is stronger: four or more words work well.';
  return 'Weak: use at least 12 characters, or four or more words.';
}

export function problem(first, second) {
  if (first.length < 8) return 'Use at least 8 characters.';
  if (/^\d{1,8}$/.test(first)) return 'Use something different from your phone PIN.';
  if (first !== second) return 'The two passphrases differ.';
  return null;
}

export function render(ctx) {
  const error = errorBox();
  const pass = field('Passphrase', h('input', { type: 'password', autocomplete: 'new-password', required: true }),
    'Not your phone PIN. A few words you can remember are best.');
  const again = field('Type it again', h('input', { type: 'password', autocomplete: 'new-password', required: true }));
  const hint = h('p', { class: 'strength', 'aria-live': 'polite' });
  pass.input.addEventListener('input', () => { hint.textContent = strength(pass.input.value); });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Create my diary');
  const form = h('form', { class: 'stack', onsubmit: async (event) => {
    event.preventDefault();
    const issue = problem(pass.input.value, again.input.value);
    if (issue) return showError(error, { message: issue });
    button.disabled = true;
    button.textContent = 'Creating…';
    try {
      const { recovery_key: key } = await call('create_diary', { passphrase: pass.input.value });
      pass.input.value = '';
      again.input.value = '';
      await ctx.opened(undefined, undefined, 'recoveryKey', { key, next: 'practice' });
    } catch (err) {
      button.disabled = false;
      button.textContent = 'Create my diary';
      showError(error, err);
    }
  } }, pass.wrap, hint, again.wrap, error, button);
  const restore = h('div', { class: 'card narrow', hidden: true }, restoreForm(ctx));
  const toggle = h('button', { type: 'button', class: 'quiet', 'aria-expanded': 'false', onclick: () => {
    restore.hidden = !restore.hidden;
    toggle.setAttribute('aria-expanded', String(!restore.hidden));
    if (!restore.hidden) restore.querySelector('input').focus();
  } }, 'I have a backup: restore it instead');
  return h('div', { class: 'stack' },
    h('section', { class: 'card narrow', 'aria-labelledby': 'welcome-title' },
      h('h1', { id: 'welcome-title' }, 'Create your diary'),
      h('p', {}, 'Everything you record is encrypted on this device. Only your passphrase or your recovery key opens it.'),
      h('p', {}, h('button', { type: 'button', class: 'quiet', id: 'welcome-safety',
        onclick: () => ctx.go('stayingSafe', { back: 'welcome', backLabel: 'Back to creating your diary' }) },
      'Staying safe: what to do in danger, who can help, and checking your phone')),
      form),
    h('div', { class: 'narrow' }, toggle),
    restore);
}

// The recovery key, shown once, on its own screen with the diary open and
// every protection running (quick exit, the idle lock). Rust keeps a mark
// that it is not yet written down until the owner says so here, so a lock
// or quick exit that takes it off the screen is noticed at the next open
// and a new one is offered. `words.lead` replaces the first paragraph.
export function recoveryStep(ctx, key, words = {}) {
  const confirm = h('input', { type: 'checkbox', id: 'kept-key' });
  const go = h('button', { type: 'button', class: 'primary', disabled: true, onclick: async () => {
    code.textContent = '';
    await call('recovery_key_kept').catch(() => {});
    await ctx.go(words.next || 'timeline');
  } }, 'Continue to my diary');
  confirm.addEventListener('change', () => { go.disabled = !confirm.checked; });
  const code = h('p', { class: 'recovery-key', 'aria-label': 'Recovery key' }, key);
  return h('div', { class: 'stack' },
    h('p', {}, words.lead || 'If you forget your passphrase, this key is the only way back into your diary. It is shown only now.'),
    code,
    h('p', { class: 'hint' }, 'Write it down and keep it somewhere safe, away from this device, or give it to someone you trust, such as your support worker.'),
    h('div', { class: 'check' }, confirm, h('label', { for: 'kept-key' }, 'I have written it down and put it somewhere safe')),
    go);
}

/** "I have written it down" for a key shown in Settings: tells Rust. */
export function keptConfirm() {
  const id = uid('kept');
  const box = h('input', { type: 'checkbox', id });
  const said = h('p', { class: 'hint', role: 'status' });
  box.addEventListener('change', async () => {
    if (!box.checked) return;
    await call('recovery_key_kept').catch(() => {});
    said.textContent = 'Noted.';
  });
  return h('div', { class: 'stack' },
    h('div', { class: 'check' }, box, h('label', { for: id }, 'I have written it down and put it somewhere safe')), said);
}
