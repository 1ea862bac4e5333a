// Quick add: when (already set to now), what happened, save. Everything
// else is optional, under "More details".

import { call } from '../ipc.js';
import { h, field, errorBox, showError, localInputValue, toRfc3339, announce } from '../dom.js';
import * as drafts from '../drafts.js';

function checkboxes(legend, terms, name) {
  return h('fieldset', { class: 'choices' }, h('legend', {}, legend),
    terms.map((t) => {
      const id = `${name}-${t.name}`;
      return h('div', { class: 'check' }, h('input', { type: 'checkbox', id, name, value: t.name }), h('label', { for: id }, t.label));
    }));
}

export function render(ctx, params = {}) {
  const error = errorBox();
  const occurred = field('When it happened', h('input', { type: 'datetime-local', value: localInputValue(), required: true }));
  const narrative = field('What happened', h('textarea', { rows: 6, required: true }),
    'In your own words. Exact words said or written are useful.');
  const title = field('Short title (optional)', h('input', { type: 'text' }));
  const location = field('Where', h('input', { type: 'text' }));
  const impact = field('How it affected you', h('textarea', { rows: 3 }));
  const reference = field('Police reference, if you reported it', h('input', { type: 'text' }));
  const behaviours = checkboxes('What they did', ctx.vocabulary.behaviours, 'behaviour');
  const channels = checkboxes('How', ctx.vocabulary.channels, 'channel');
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save');
  const form = h('form', { class: 'stack', onsubmit: async (event) => {
    event.preventDefault();
    if (!narrative.input.value.trim()) return showError(error, { message: 'Write what happened first.' });
    const checked = (fs) => [...fs.querySelectorAll('input:checked')].map((i) => i.value);
    const incident = {
      occurred_at: toRfc3339(occurred.input.value),
      narrative: narrative.input.value,
      title: title.input.value.trim(),
      location: location.input.value.trim(),
      impact: impact.input.value.trim(),
      behaviours: checked(behaviours),
      channels: checked(channels),
    };
    if (reference.input.value.trim()) incident.police = { reported: true, reference: reference.input.value.trim() };
    save.disabled = true;
    try {
      const { number } = await call('add_incident', { incident });
      await drafts.discard();
      announce(`Saved as incident ${number}.`);
      await ctx.go('entry', { number, saved: true });
    } catch (err) {
      save.disabled = false;
      showError(error, err);
    }
  } },
  occurred.wrap, narrative.wrap,
  h('details', { class: 'more' }, h('summary', {}, 'More details (optional)'),
    h('div', { class: 'stack' }, title.wrap, behaviours, channels, location.wrap, impact.wrap, reference.wrap)),
  error, save);
  const texts = { occurred, narrative, title, location, impact, reference };
  const sets = { behaviours, channels };
  restore(params.draft, texts, sets);
  drafts.keep(form, () => {
    if (!narrative.input.value.trim() && !title.input.value.trim()) return null;
    const values = Object.fromEntries(Object.entries(texts).map(([k, f]) => [k, f.input.value]));
    for (const [k, fs] of Object.entries(sets)) values[k] = [...fs.querySelectorAll('input:checked')].map((i) => i.value);
    return { kind: 'add', values };
  });
  return h('section', { class: 'card narrow', 'aria-labelledby': 'add-title' },
    h('h1', { id: 'add-title' }, 'Add an incident'),
    params.draft ? h('p', { class: 'notice', role: 'status' }, 'Your draft is back. Carry on where you left off.') : null,
    form);
}

/** Puts a kept draft back into the form. */
function restore(draft, texts, sets) {
  if (!draft || draft.kind !== 'add' || !draft.values) return;
  for (const [k, f] of Object.entries(texts)) {
    if (typeof draft.values[k] === 'string') f.input.value = draft.values[k];
  }
  for (const [k, fs] of Object.entries(sets)) {
    const on = new Set(Array.isArray(draft.values[k]) ? draft.values[k] : []);
    for (const box of fs.querySelectorAll('input')) box.checked = on.has(box.value);
  }
}
