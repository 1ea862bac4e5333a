// The forms of Case & people: one form per kind (a person, an order) for
// adding and for correcting. A correction is an amendment with a reason,
// as an incident's is: the version it replaces stays in the history and
// goes to the police with the export, so nothing recorded is ever lost.

import { call } from './ipc.js';
import { h, field, announce } from './dom.js';
import { lines, valuesOf, fill, errorSummary, showProblems, clearProblems } from './form_parts.js';
import * as drafts from './drafts.js';

export const ROLES = [['perpetrator', 'The person doing this'], ['witness', 'Witness'], ['other', 'Someone else']];
export const ORDER_TYPES = [
  ['restraining_order', 'Restraining order'], ['non_molestation_order', 'Non-molestation order'],
  ['stalking_protection_order', 'Stalking protection order'], ['interim_stalking_protection_order', 'Interim stalking protection order'],
  ['injunction', 'Injunction'], ['bail_conditions', 'Bail conditions'], ['other', 'Other'],
];

export const roleLabel = (r) => (ROLES.find(([v]) => v === r) || [r, r])[1];
export const orderTypeLabel = (t) => (ORDER_TYPES.find(([v]) => v === t) || [t, t])[1];

const text = (name, attrs = {}) => h('input', { type: 'text', name, ...attrs });
const area = (name, rows = 2) => h('textarea', { name, rows });
// A list starts on "Choose", never on an answer she did not give.
const select = (name, options) => h('select', { name }, h('option', { value: '' }, 'Choose'),
  options.map(([v, l]) => h('option', { value: v }, l)));

/** The control a core error names: `aliases[2]` is the aliases box. */
const fieldOf = (err) => (err.field || '').replace(/[[.].*$/, '');

/** The reason asked for when correcting, as Amend asks for an incident. */
function reasonField(what) {
  return field('Why you are changing it', text('reason'), `Kept with the change: the earlier ${what} stays in the history and goes to the police with an export.`);
}

/**
 * A form that adds (`existing` null) or corrects an existing object.
 * `check(values)` lists problems found before sending; `save(values)`
 * sends; a core error naming a field is shown beside that field. What is
 * typed is kept as a draft of `kind` (one for each person or order, and
 * one for a new one) and comes back from `kept`; the form is marked
 * `data-restored` then, so its section opens.
 */
function savingForm(ctx, { kind, kept, existing, what, controls, values, check, save, button, done }) {
  const which = { kind, id: existing ? existing.id : 'new' };
  const summary = errorSummary();
  const reason = existing ? reasonField(what) : null;
  const submit = h('button', { type: 'submit', class: existing ? 'primary' : undefined }, button);
  const form = h('form', { class: 'stack', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const v = valuesOf(form);
    const found = check(v);
    if (existing && !v.reason.trim()) found.push({ name: 'reason', message: 'Say why you are changing it.' });
    if (found.length) return showProblems(form, summary, found);
    clearProblems(form, summary);
    submit.disabled = true;
    try {
      await save(v);
      await drafts.discard(which);
      announce(done);
      await ctx.go('people', { saved: done });
    } catch (err) {
      submit.disabled = false;
      showProblems(form, summary, [{ name: fieldOf(err), message: err.message || String(err) }]);
    }
  } }, summary, controls, reason?.wrap, submit);
  if (values) fill(form, values);
  const blank = JSON.stringify(valuesOf(form));
  const draft = drafts.pick(kept || [], which);
  if (draft?.values) {
    fill(form, draft.values);
    form.dataset.restored = 'yes';
  }
  drafts.keep(form, () => {
    const now = valuesOf(form);
    return JSON.stringify(now) === blank ? null : { ...which, values: now };
  });
  return form;
}

function personControls() {
  return h('div', { class: 'stack' },
    field('Who they are', select('role', ROLES)).wrap,
    field('Name', text('name'), 'The name you know them by; other names go below.').wrap,
    field('Relationship to you', text('relationship')).wrap,
    field('Description', area('description'), 'What they look like, where they live or work: what would help someone recognise them.').wrap,
    field('Other names they use (one per line)', area('aliases')).wrap,
    field('Car registrations, phone numbers, accounts (one per line)', area('identifiers'),
      'Anything that identifies them or what they use: AB12 CDE, 07700 900123, @handle.').wrap);
}

const personValues = (p) => ({
  role: p.role, name: p.name, relationship: p.relationship, description: p.description,
  aliases: p.aliases.join('\n'), identifiers: p.identifiers.join('\n'),
});

const personFrom = (v) => ({
  role: v.role, name: v.name.trim(), relationship: v.relationship.trim(), description: v.description.trim(),
  aliases: lines(v.aliases), identifiers: lines(v.identifiers),
});

/** Adds a person, or corrects `person` (with a reason). */
export function personForm(ctx, person = null, kept = []) {
  return savingForm(ctx, {
    kind: 'person', kept, existing: person, what: 'version', controls: personControls(), values: person ? personValues(person) : null,
    check: (v) => [
      ...(v.role ? [] : [{ name: 'role', message: 'Choose who they are.' }]),
      ...(v.name.trim() ? [] : [{ name: 'name', message: 'Enter their name, or what you call them.' }]),
    ],
    save: (v) => (person
      ? call('amend_person', { id: person.id, person: personFrom(v), reason: v.reason.trim() })
      : call('add_person', { person: personFrom(v) })),
    button: person ? 'Save the change' : 'Add person',
    done: person ? 'Change saved.' : 'Person added.',
  });
}

function orderControls() {
  return h('div', { class: 'stack' },
    field('Type of order', select('type', ORDER_TYPES)).wrap,
    field('Reference', text('reference')).wrap,
    field('Court', text('court')).wrap,
    field('Made on', text('made_on', { type: 'date' })).wrap,
    field('Expires', text('expires', { type: 'date' }), 'Leave empty if it has no end date.').wrap,
    field('Conditions (one per line)', area('conditions', 3), 'As the order words them: a breach is recorded against one of these.').wrap);
}

const orderValues = (o) => ({
  type: o.type, reference: o.reference, court: o.court, made_on: o.made_on || '', expires: o.expires || '',
  conditions: o.conditions.join('\n'),
});

const orderFrom = (v) => ({
  type: v.type, reference: v.reference.trim(), court: v.court.trim(),
  made_on: v.made_on || null, expires: v.expires || null, conditions: lines(v.conditions),
});

function orderProblems(v) {
  return [
    ...(v.type ? [] : [{ name: 'type', message: 'Choose the type of order.' }]),
    ...(v.made_on && v.expires && v.expires < v.made_on
      ? [{ name: 'expires', message: 'The end date must be after the date it was made.' }] : []),
  ];
}

/** Adds an order, or corrects `order` (varied conditions, a new end date). */
export function orderForm(ctx, order = null, kept = []) {
  return savingForm(ctx, {
    kind: 'order', kept, existing: order, what: 'version', controls: orderControls(), values: order ? orderValues(order) : null,
    check: orderProblems,
    save: (v) => (order
      ? call('amend_order', { id: order.id, order: orderFrom(v), reason: v.reason.trim() })
      : call('add_order', { order: orderFrom(v) })),
    button: order ? 'Save the change' : 'Add order',
    done: order ? 'Change saved.' : 'Order added.',
  });
}

/** The case details: the name and exhibit prefix the report uses. */
export function caseForm(ctx, c) {
  const summary = errorSummary();
  const form = h('form', { class: 'card stack', novalidate: true, 'aria-labelledby': 'case-title', onsubmit: async (event) => {
    event.preventDefault();
    const v = valuesOf(form);
    clearProblems(form, summary);
    try {
      await call('set_case', { case: {
        victim_name: v.victim_name.trim(), exhibit_prefix: v.exhibit_prefix.trim().toUpperCase(),
        police_force: v.police_force.trim(), officer: v.officer.trim(), crime_references: lines(v.crime_references),
      } });
      announce('Case details saved.');
      await ctx.go('people', { saved: 'Case details saved.' });
    } catch (err) {
      showProblems(form, summary, [{ name: fieldOf(err), message: err.message || String(err) }]);
    }
  } },
  h('h2', { id: 'case-title' }, 'Case details'), summary,
  field('Your name, as it should appear on the report', text('victim_name')).wrap,
  field('Exhibit prefix', text('exhibit_prefix', { maxlength: 8, autocapitalize: 'characters' }), 'Usually your initials: JS gives exhibits JS/1, JS/2 and so on.').wrap,
  field('Police force', text('police_force')).wrap,
  field('Officer in the case', text('officer')).wrap,
  field('Crime reference numbers (one per line)', area('crime_references')).wrap,
  h('button', { type: 'submit', class: 'primary' }, 'Save case details'));
  fill(form, { ...c, crime_references: c.crime_references.join('\n') });
  return form;
}
