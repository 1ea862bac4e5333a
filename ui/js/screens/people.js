// Case details, exhibit prefix, perpetrators and witnesses, orders.

import { call } from '../ipc.js';
import { h, field, errorBox, showError, announce } from '../dom.js';

const ROLES = [['perpetrator', 'The person doing this'], ['witness', 'Witness'], ['other', 'Someone else']];
const ORDER_TYPES = [
  ['restraining_order', 'Restraining order'], ['non_molestation_order', 'Non-molestation order'],
  ['stalking_protection_order', 'Stalking protection order'], ['interim_stalking_protection_order', 'Interim stalking protection order'],
  ['injunction', 'Injunction'], ['bail_conditions', 'Bail conditions'], ['other', 'Other'],
];

function submitter(ctx, error, action, message) {
  return async (event) => {
    event.preventDefault();
    try {
      await action();
      announce(message);
      await ctx.go('people');
    } catch (err) {
      showError(error, err);
    }
  };
}

function caseForm(ctx, profile) {
  const error = errorBox();
  const c = profile.case;
  const name = field('Your name, as it should appear on the report', h('input', { type: 'text', value: c.victim_name }));
  const prefix = field('Exhibit prefix', h('input', { type: 'text', value: c.exhibit_prefix, maxlength: 8, autocapitalize: 'characters' }), 'Usually your initials: JS gives exhibits JS/1, JS/2 and so on.');
  const force = field('Police force', h('input', { type: 'text', value: c.police_force }));
  const officer = field('Officer in the case', h('input', { type: 'text', value: c.officer }));
  const refs = field('Crime reference numbers (one per line)', h('textarea', { rows: 2 }));
  refs.input.value = c.crime_references.join('\n');
  return h('form', { class: 'card stack', 'aria-labelledby': 'case-title', onsubmit: submitter(ctx, error, () => call('set_case', { case: {
    victim_name: name.input.value.trim(), exhibit_prefix: prefix.input.value.trim().toUpperCase(),
    police_force: force.input.value.trim(), officer: officer.input.value.trim(),
    crime_references: refs.input.value.split('\n').map((r) => r.trim()).filter(Boolean),
  } }), 'Case details saved.') },
  h('h2', { id: 'case-title' }, 'Case details'), name.wrap, prefix.wrap, force.wrap, officer.wrap, refs.wrap, error,
  h('button', { type: 'submit', class: 'primary' }, 'Save case details'));
}

function personForm(ctx) {
  const error = errorBox();
  const role = field('Who they are', h('select', {}, ROLES.map(([v, l]) => h('option', { value: v }, l))));
  const name = field('Name', h('input', { type: 'text', required: true }));
  const relationship = field('Relationship to you', h('input', { type: 'text' }));
  const description = field('Description', h('textarea', { rows: 2 }), 'What they look like, where they live or work: what would help someone recognise them.');
  const aliases = field('Other names they use (one per line)', h('textarea', { rows: 2 }));
  const identifiers = field('Car registrations, phone numbers, accounts (one per line)', h('textarea', { rows: 2 }),
    'Anything that identifies them or what they use: AB12 CDE, 07700 900123, @handle.');
  const lines = (f) => f.input.value.split('\n').map((l) => l.trim()).filter(Boolean);
  return h('details', { class: 'card' }, h('summary', {}, 'Add a person'),
    h('form', { class: 'stack', onsubmit: submitter(ctx, error, () => call('add_person', { person: {
      role: role.input.value, name: name.input.value.trim(), relationship: relationship.input.value.trim(), description: description.input.value.trim(),
      aliases: lines(aliases), identifiers: lines(identifiers),
    } }), 'Person added.') }, role.wrap, name.wrap, relationship.wrap, description.wrap, aliases.wrap, identifiers.wrap, error, h('button', { type: 'submit' }, 'Add person')));
}

function orderForm(ctx) {
  const error = errorBox();
  const kind = field('Type of order', h('select', {}, ORDER_TYPES.map(([v, l]) => h('option', { value: v }, l))));
  const reference = field('Reference', h('input', { type: 'text' }));
  const court = field('Court', h('input', { type: 'text' }));
  const made = field('Made on', h('input', { type: 'date' }));
  const expires = field('Expires', h('input', { type: 'date' }));
  const conditions = field('Conditions (one per line)', h('textarea', { rows: 3 }));
  return h('details', { class: 'card' }, h('summary', {}, 'Add an order or bail conditions'),
    h('form', { class: 'stack', onsubmit: submitter(ctx, error, () => call('add_order', { order: {
      type: kind.input.value, reference: reference.input.value.trim(), court: court.input.value.trim(),
      made_on: made.input.value || null, expires: expires.input.value || null,
      conditions: conditions.input.value.split('\n').map((c) => c.trim()).filter(Boolean),
    } }), 'Order added.') }, kind.wrap, reference.wrap, court.wrap, made.wrap, expires.wrap, conditions.wrap, error, h('button', { type: 'submit' }, 'Add order')));
}

export async function render(ctx) {
  const profile = await call('profile');
  const roleLabel = (r) => (ROLES.find(([v]) => v === r) || [r, r])[1];
  const orderLabel = (t) => (ORDER_TYPES.find(([v]) => v === t) || [t, t])[1];
  return h('section', { class: 'stack', 'aria-labelledby': 'people-title' },
    h('h1', { id: 'people-title' }, 'Case and people'),
    caseForm(ctx, profile),
    h('section', { class: 'card', 'aria-labelledby': 'people-list-title' },
      h('h2', { id: 'people-list-title' }, 'People'),
      profile.people.length
        ? h('ul', { class: 'plain' }, profile.people.map((p) => h('li', {}, h('strong', {}, p.name), ` (${roleLabel(p.role)})`, p.relationship ? `, ${p.relationship}` : '',
          p.aliases.length ? h('p', { class: 'hint' }, `Also known as: ${p.aliases.join('; ')}`) : null,
          p.identifiers.length ? h('p', { class: 'hint' }, `Identifiers: ${p.identifiers.join('; ')}`) : null)))
        : h('p', {}, 'No one added yet.')),
    personForm(ctx),
    h('section', { class: 'card', 'aria-labelledby': 'orders-title' },
      h('h2', { id: 'orders-title' }, 'Orders'),
      profile.orders.length
        ? h('ul', { class: 'plain' }, profile.orders.map((o) => h('li', {}, h('strong', {}, orderLabel(o.type)), o.reference ? ` ${o.reference}` : '',
          o.court ? `, ${o.court}` : '', o.made_on ? `, made ${o.made_on}` : '', o.expires ? `, until ${o.expires}` : ', no end date given',
          o.conditions.length ? h('ul', {}, o.conditions.map((c) => h('li', {}, c))) : h('p', { class: 'hint' }, 'No conditions recorded.'))))
        : h('p', {}, 'No orders recorded.')),
    orderForm(ctx));
}
