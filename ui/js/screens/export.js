// Export for the police: pack and period, progress, then where the bundle
// is and the key fingerprint to give the officer.

import { call } from '../ipc.js';
import { h, field, errorBox, announce, localInputValue } from '../dom.js';
import { withProgress } from '../progress.js';
import { shownQuery } from './timeline.js';

/** "SHA256:q0Vb8dP8..." as "SHA256: q0Vb 8dP8 ...": easier to read out and
 * compare by eye. The characters are case-sensitive. */
export function grouped(fingerprint) {
  const [kind, body] = fingerprint.includes(':') ? fingerprint.split(/:(.*)/s) : ['', fingerprint];
  return `${kind ? `${kind}: ` : ''}${body.match(/.{1,4}/g).join(' ')}`;
}

/** Copies `text`; says whether it worked (a webview may refuse). */
async function copy(text, said) {
  try {
    await navigator.clipboard.writeText(text);
    said.textContent = 'Copied.';
  } catch {
    said.textContent = 'This device did not allow copying: select the fingerprint and copy it.';
  }
}

// After an export: what to hand over and how, as a checklist.
function handover(result) {
  const said = h('p', { class: 'hint', role: 'status' });
  return h('div', { class: 'card stack', role: 'status', id: 'export-done' },
    h('h2', {}, 'Your evidence bundle is ready'),
    h('p', {}, `${result.incidents} incidents and ${result.exhibits} exhibits${result.left_out ? `; ${result.left_out} left out and counted` : ''}.`),
    h('p', {}, 'Saved as:'), h('p', { class: 'hash', id: 'export-path' }, result.path),
    h('h3', {}, 'What to give the officer'),
    h('ol', { class: 'checklist' },
      h('li', {}, 'The .zip file above, on a USB stick or by the way the officer asks. Do not email it unless they say so: it is not encrypted.'),
      h('li', {}, 'Separately, by phone or in person, the key fingerprint below. The officer checks that the bundle\'s fingerprint is the same, which shows it came from your diary and was not changed.'),
      h('li', {}, 'Keep this copy safe, or delete it once it has been handed over: anyone who has the file can read it.')),
    h('p', {}, 'Key fingerprint (capital and small letters matter):'),
    h('p', { class: 'hash fingerprint', id: 'export-fingerprint', 'aria-label': `Key fingerprint ${result.fingerprint}` }, grouped(result.fingerprint)),
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => copy(result.fingerprint, said) }, 'Copy the fingerprint')),
    said,
    openReport(),
    deleteCopy(result));
}

// The report as the officer will see it, in the device's PDF viewer (a
// copy in a private folder, deleted when the diary locks).
function openReport() {
  const said = h('p', { class: 'hint', role: 'status' });
  const open = h('button', { type: 'button', onclick: async () => {
    try {
      await call('open_report');
      said.textContent = 'The report opened in another app.';
    } catch (err) {
      said.textContent = err.message || String(err);
    }
  } }, 'Open the report');
  return h('div', { class: 'stack' }, h('div', { class: 'actions' }, open),
    h('p', { class: 'hint' }, 'It opens in this device\'s PDF app, which may list it in its recent files. The copy it opens is deleted when your diary locks.'), said);
}

// Once it is handed over, the copy on this device can go: only the file
// this export wrote, and only after a second press.
function deleteCopy(result) {
  const said = h('p', { class: 'hint', role: 'status', tabindex: '-1' });
  const sure = h('button', { type: 'button', class: 'danger', hidden: true, onclick: async () => {
    try {
      await call('delete_export');
      said.textContent = 'The copy on this device was deleted. Your diary still has everything.';
      sure.hidden = true;
      ask.hidden = true;
      // The button that had the focus is gone: the focus goes to what happened.
      said.focus();
    } catch (err) {
      said.textContent = err.message || String(err);
    }
  } }, 'Yes, delete it');
  const ask = h('button', { type: 'button', onclick: () => {
    sure.hidden = false;
    said.textContent = `This deletes ${result.path}. Only do it once the officer has the file.`;
    sure.focus();
  } }, 'Delete this copy');
  return h('div', { class: 'stack' }, h('div', { class: 'actions' }, ask, sure), said);
}

/** The timeline's filters in words: "Followed me; involving Mark; ...". */
function describe(q, vocabulary, people) {
  const parts = [];
  if (q.behaviour) parts.push(vocabulary.behaviours.find((b) => b.name === q.behaviour)?.label || q.behaviour);
  if (q.person) parts.push(`involving ${people.find((p) => p.id === q.person)?.name || 'the person chosen'}`);
  if (q.text) parts.push(`with the words "${q.text}"`);
  if (q.from || q.to) parts.push(q.from && q.to ? `${q.from} to ${q.to}` : q.from ? `from ${q.from}` : `up to ${q.to}`);
  return parts.join('; ');
}

/** "What the diary shows now" or "The whole diary", when the timeline is
 * filtered; what the choice leaves out is counted in the report. */
function scopeChoice(q, describeIt, shown, period) {
  const scope = h('fieldset', { class: 'choices' }, h('legend', {}, 'Which entries'),
    h('div', { class: 'check' }, h('input', { type: 'radio', name: 'scope', value: 'shown', id: 'scope-shown', checked: shown }),
      h('label', { for: 'scope-shown' }, `Only what your diary shows now: ${describeIt}`)),
    h('div', { class: 'check' }, h('input', { type: 'radio', name: 'scope', value: 'all', id: 'scope-all', checked: !shown }),
      h('label', { for: 'scope-all' }, 'The whole diary, or a period you choose')),
    h('p', { class: 'hint' }, 'The report says which entries were chosen and counts the ones left out.'));
  const sync = () => {
    period.hidden = scope.querySelector('input:checked')?.value === 'shown';
  };
  scope.addEventListener('change', sync);
  sync();
  return scope;
}

export async function render(ctx, params = {}) {
  const q = shownQuery();
  const filtered = Boolean(q.text || q.from || q.to || q.behaviour || q.person);
  const people = filtered ? (await call('profile')).people : [];
  const error = errorBox();
  const pack = h('fieldset', { class: 'choices' }, h('legend', {}, 'What to include'),
    h('div', { class: 'check' }, h('input', { type: 'radio', name: 'pack', value: 'officer', id: 'pack-officer', checked: true }),
      h('label', { for: 'pack-officer' }, 'For the police: leaves out withdrawn entries and those you chose to keep back (they are counted)')),
    h('div', { class: 'check' }, h('input', { type: 'radio', name: 'pack', value: 'full', id: 'pack-full' }),
      h('label', { for: 'pack-full' }, 'Everything, including withdrawn entries and those you kept back')));
  const today = localInputValue().slice(0, 10);
  const name = field('File name', h('input', { type: 'text', id: 'export-name', value: `export-${today}`, autocomplete: 'off', spellcheck: 'false' }),
    'Choose a name that means nothing to anyone else who sees this device. The file is not encrypted: anyone who has it can read it, so keep it somewhere safe and hand it over in person.');
  const from = field('From (optional)', h('input', { type: 'date' }));
  const to = field('To (optional)', h('input', { type: 'date' }));
  const period = h('div', { class: 'grid' }, from.wrap, to.wrap);
  const scope = filtered ? scopeChoice(q, describe(q, ctx.vocabulary, people), Boolean(params.shown), period) : null;
  const holder = h('div', { class: 'stack' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Choose where to save, then export');
  const form = h('form', { class: 'stack', onsubmit: async (event) => {
    event.preventDefault();
    const shown = scope && scope.querySelector('input:checked')?.value === 'shown';
    if (!shown && from.input.value && to.input.value && to.input.value < from.input.value) {
      error.textContent = 'The "To" date must be the same as or after the "From" date.';
      error.hidden = false;
      to.input.setAttribute('aria-invalid', 'true');
      to.input.focus();
      return;
    }
    to.input.removeAttribute('aria-invalid');
    const request = shown
      ? { from: q.from || null, to: q.to || null, only: { behaviours: q.behaviour ? [q.behaviour] : [], person: q.person || null, text: q.text || null } }
      : { from: from.input.value || null, to: to.input.value || null };
    const result = await withProgress({ task: 'export', label: 'Exporting', holder, button, error },
      () => call('export_bundle', { request: {
        pack: form.querySelector('input[name="pack"]:checked').value, ...request, file_name: name.input.value,
      } }));
    if (!result) return;
    announce('Export finished.');
    holder.replaceChildren(handover(result));
  } }, scope, pack, period, name.wrap, error, button);
  return h('section', { class: 'stack', 'aria-labelledby': 'export-title' },
    h('h1', { id: 'export-title' }, 'Export for the police'),
    h('p', {}, 'Makes one .zip file: a PDF report that shows the pattern on its first page, the original exhibit files, and signed checksums anyone can verify.'),
    h('section', { class: 'card' }, form), holder);
}
