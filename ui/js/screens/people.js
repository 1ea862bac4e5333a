// Case and people: the case details, everyone named in the diary, and the
// orders that bind them. Each person and order shows all it holds
// (aliases, identifiers, conditions, dates) and can be corrected; a
// correction keeps the earlier version, shown under "Earlier versions".

import { call } from '../ipc.js';
import { h, when } from '../dom.js';
import { personForm, orderForm, caseForm, roleLabel, orderTypeLabel } from '../people_forms.js';

const hint = (label, value) => (value ? h('p', { class: 'hint' }, `${label}: ${value}`) : null);

// `whole`: an earlier version, where the name and role are not in a heading.
function personLines(p, whole = false) {
  return [
    whole ? hint('Name', p.name) : null, whole ? hint('Who they are', roleLabel(p.role)) : null,
    hint('Relationship', p.relationship), p.description ? h('p', { class: 'prewrap' }, p.description) : null,
    hint('Also known as', p.aliases.join('; ')), hint('Identifiers', p.identifiers.join('; ')),
  ];
}

function orderLines(o, whole = false) {
  return [
    whole ? hint('Type', orderTypeLabel(o.type)) : null, whole ? hint('Reference', o.reference) : null,
    hint('Court', o.court),
    h('p', { class: 'hint' }, `${o.made_on ? `Made ${o.made_on}` : 'Date made not given'}, ${o.expires ? `until ${o.expires}` : 'no end date given'}`),
    o.conditions.length ? h('ul', {}, o.conditions.map((c) => h('li', {}, c))) : h('p', { class: 'hint' }, 'No conditions recorded.'),
  ];
}

/** "Earlier versions": each correction, why, and what it replaced. */
function earlier(item, describe) {
  if (!item.history.length) return null;
  const older = item.corrections - item.history.length;
  return h('details', {}, h('summary', {}, `Earlier versions (${item.corrections})`),
    older > 0 ? h('p', { class: 'hint' }, `The latest ${item.history.length} changes are shown here; all ${item.corrections} go to the police with an export.`) : null,
    h('ol', { class: 'history' }, item.history.map((c) => h('li', {},
      h('p', {}, h('strong', {}, `Changed ${when(c.recorded_at)}: `), c.reason),
      h('div', { class: 'hint' }, 'Before the change:', describe(c.replaced, true))))));
}

/** A form in a folded section, unfolded when a draft came back into it. */
function folded(label, form, attrs = {}) {
  return h('details', { ...attrs, open: form.dataset.restored ? true : undefined }, h('summary', {}, label), form);
}

function personItem(ctx, p, kept) {
  return h('li', { class: 'stack' },
    h('h3', {}, p.name, h('span', { class: 'hint' }, ` (${roleLabel(p.role)})`)),
    personLines(p), earlier(p, personLines),
    folded(`Change ${p.name}'s details`, personForm(ctx, p, kept)));
}

function orderItem(ctx, o, kept) {
  const title = `${orderTypeLabel(o.type)}${o.reference ? ` ${o.reference}` : ''}`;
  return h('li', { class: 'stack' },
    h('h3', {}, title), orderLines(o), earlier(o, orderLines),
    folded(`Change this ${orderTypeLabel(o.type).toLowerCase()}`, orderForm(ctx, o, kept)));
}

export async function render(ctx, params = {}) {
  const [profile, kept] = await Promise.all([call('profile'), call('draft').catch(() => [])]);
  return h('section', { class: 'stack', 'aria-labelledby': 'people-title' },
    h('h1', { id: 'people-title' }, 'Case and people'),
    params.saved ? h('p', { class: 'notice', role: 'status' }, params.saved) : null,
    caseForm(ctx, profile.case),
    h('section', { class: 'card stack', 'aria-labelledby': 'people-list-title' },
      h('h2', { id: 'people-list-title' }, 'People'),
      profile.people.length
        ? h('ul', { class: 'plain items' }, profile.people.map((p) => personItem(ctx, p, kept)))
        : h('p', {}, 'No one added yet.'),
      profile.people_total > profile.people.length ? h('p', { class: 'hint' }, `The first ${profile.people.length} of ${profile.people_total} people are shown.`) : null,
      folded('Add a person', personForm(ctx, null, kept), { class: 'add' })),
    h('section', { class: 'card stack', 'aria-labelledby': 'orders-title' },
      h('h2', { id: 'orders-title' }, 'Orders and bail conditions'),
      profile.orders.length
        ? h('ul', { class: 'plain items' }, profile.orders.map((o) => orderItem(ctx, o, kept)))
        : h('p', {}, 'No orders recorded.'),
      profile.orders_total > profile.orders.length ? h('p', { class: 'hint' }, `The first ${profile.orders.length} of ${profile.orders_total} orders are shown.`) : null,
      folded('Add an order or bail conditions', orderForm(ctx, null, kept), { class: 'add' })));
}
