// Export for the police: pack and period, progress, then where the bundle
// is and the key fingerprint to give the officer.

import { call } from '../ipc.js';
import { h, field, errorBox, announce } from '../dom.js';
import { withProgress } from '../progress.js';

export function render(ctx) {
  const error = errorBox();
  const pack = h('fieldset', { class: 'choices' }, h('legend', {}, 'What to include'),
    h('div', { class: 'check' }, h('input', { type: 'radio', name: 'pack', value: 'officer', id: 'pack-officer', checked: true }),
      h('label', { for: 'pack-officer' }, 'For the police: leaves out withdrawn entries and those you chose to keep back (they are counted)')),
    h('div', { class: 'check' }, h('input', { type: 'radio', name: 'pack', value: 'full', id: 'pack-full' }),
      h('label', { for: 'pack-full' }, 'Everything')));
  const today = new Date().toISOString().slice(0, 10);
  const name = field('File name', h('input', { type: 'text', id: 'export-name', value: `export-${today}`, autocomplete: 'off', spellcheck: 'false' }),
    'Choose a name that means nothing to anyone else who sees this device. The file is not encrypted: anyone who has it can read it, so keep it somewhere safe and hand it over in person.');
  const from = field('From (optional)', h('input', { type: 'date' }));
  const to = field('To (optional)', h('input', { type: 'date' }));
  const holder = h('div', { class: 'stack' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Choose where to save, then export');
  const form = h('form', { class: 'stack', onsubmit: async (event) => {
    event.preventDefault();
    const result = await withProgress({ task: 'export', label: 'Exporting', holder, button, error },
      () => call('export_bundle', { request: {
        pack: form.querySelector('input[name="pack"]:checked').value,
        from: from.input.value || null, to: to.input.value || null,
        file_name: name.input.value,
      } }));
    if (!result) return;
    announce('Export finished.');
    holder.replaceChildren(h('div', { class: 'card stack', role: 'status' },
      h('h2', {}, 'Your evidence bundle is ready'),
      h('p', {}, `${result.incidents} incidents and ${result.exhibits} exhibits${result.left_out ? `; ${result.left_out} left out and counted` : ''}.`),
      h('p', {}, 'Saved as:'), h('p', { class: 'hash', id: 'export-path' }, result.path),
      h('p', {}, 'Give the officer this key fingerprint, so they can check the bundle came from your diary:'),
      h('p', { class: 'hash', id: 'export-fingerprint' }, result.fingerprint)));
  } }, pack, h('div', { class: 'grid' }, from.wrap, to.wrap), name.wrap, error, button);
  return h('section', { class: 'stack', 'aria-labelledby': 'export-title' },
    h('h1', { id: 'export-title' }, 'Export for the police'),
    h('p', {}, 'Makes one .zip file: a PDF report that shows the pattern on its first page, the original exhibit files, and signed checksums anyone can verify.'),
    h('section', { class: 'card' }, form), holder);
}
