// Add: when (already set to now), what happened, save: three taps from the
// diary. Every other field of an incident is in the same form, under "More
// details" (incident_form.js, shared with Amend).

import { call } from '../ipc.js';
import { h, announce } from '../dom.js';
import { incidentFields, incidentFrom, problems, hasMore, FIELD_OF } from '../incident_form.js';
import { valuesOf, fill, errorSummary, showProblems, clearProblems } from '../form_parts.js';
import * as drafts from '../drafts.js';

export async function render(ctx, params = {}) {
  // A draft kept earlier (the victim went to another screen to check
  // something) comes back whenever Add opens, not only after an unlock.
  const [profile, kept] = await Promise.all([call('profile'), params.draft ? params.draft : drafts.find({ kind: 'add' })]);
  params = { ...params, draft: kept && kept.kind === 'add' ? kept : null };
  const fields = incidentFields(ctx.vocabulary, profile);
  const summary = errorSummary();
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save');
  const form = h('form', { class: 'stack', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const values = valuesOf(form);
    const found = problems(values);
    if (found.length) return showProblems(form, summary, found);
    clearProblems(form, summary);
    save.disabled = true;
    try {
      const { number } = await call('add_incident', { incident: incidentFrom(values) });
      await drafts.discard({ kind: 'add' });
      announce(`Saved as incident ${number}.`);
      await ctx.go('entry', { number, saved: true });
    } catch (err) {
      save.disabled = false;
      showProblems(form, summary, [{ name: FIELD_OF[err.field], message: err.message || String(err) }]);
    }
  } }, summary, fields.element, save);
  if (params.draft && params.draft.kind === 'add' && params.draft.values) {
    fill(form, params.draft.values);
    fields.sync();
    fill(form, params.draft.values);
    fields.sync();
    fields.more.open = hasMore(params.draft.values);
  }
  // Anything typed or chosen is kept, not only the words.
  const blank = params.draft ? null : JSON.stringify(valuesOf(form));
  drafts.keep(form, () => {
    const values = valuesOf(form);
    if (JSON.stringify(values) === blank) return null;
    return { kind: 'add', values };
  });
  return h('section', { class: 'card narrow', 'aria-labelledby': 'add-title' },
    h('h1', { id: 'add-title' }, 'Add an incident'),
    params.draft ? h('p', { class: 'notice', role: 'status' }, 'Your draft is back. Carry on where you left off.') : null,
    form);
}
