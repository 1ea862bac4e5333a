// One form for Add and Amend with every field of an incident: when (and how
// sure), what happened and who did it first; the rest under "More details"
// (the end time, witnesses, an order and condition breached, the police
// report, keeping it out of the police pack...). Amend opens it filled in.
//
// Every control has a `name`; the form's values are read and written by
// name (valuesOf / fill), which is also what a draft keeps, so a draft
// holds exactly what was on the screen.

import { h, field, localInputValue, toRfc3339, whenDay } from './dom.js';
import { orderTypeLabel } from './people_forms.js';
import { choices, checkboxes, lines } from './form_parts.js';

const PRECISIONS = [['exact', 'At this time'], ['approximate', 'About this time'], ['date_only', 'I only know the day']];
const YES_NO = [['yes', 'Yes'], ['no', 'No']];
const SEVERITY = [['', 'Not said'], ['0', 'Minor'], ['1', 'Moderate'], ['2', 'Serious'], ['3', 'Severe']];

const input = (name, attrs = {}) => h('input', { type: 'text', name, ...attrs });
const area = (name, rows = 3) => h('textarea', { name, rows });

/** The "when" group: date and time (or the day only), how sure, the end. */
function whenFields() {
  const at = field('When it happened', input('occurred', { type: 'datetime-local', value: localInputValue() }));
  const day = field('The day it happened', input('occurred_day', { type: 'date', value: localInputValue().slice(0, 10) }));
  // Nothing chosen for her: an entry written later must not claim an exact
  // time by default (a defence would attack it).
  const precision = choices('How sure are you of the time?', 'precision', PRECISIONS);
  const sync = () => {
    const dateOnly = precision.querySelector('input:checked')?.value === 'date_only';
    at.wrap.hidden = dateOnly;
    day.wrap.hidden = !dateOnly;
  };
  precision.addEventListener('change', sync);
  sync();
  return { at, day, precision, sync };
}

function peoplePicker(legend, name, people, hint) {
  if (!people.length) return h('p', { class: 'hint' }, hint);
  return checkboxes(legend, name, people.map((p) => [p.id, p.relationship ? `${p.name} (${p.relationship})` : p.name]));
}

/** An order and one of its conditions; the conditions follow the order. */
function breachFields(orders) {
  if (!orders.length) return { wrap: h('p', { class: 'hint' }, 'To record a breached court order or bail conditions, add the order in Case & people first.') };
  const order = field('Did this break a court order or bail conditions?', h('select', { name: 'breach_order' },
    h('option', { value: '' }, 'No, or I do not know'),
    orders.map((o) => h('option', { value: o.id }, orderLabel(o)))));
  const condition = field('Which condition', h('select', { name: 'breach_condition' }));
  const other = field('The condition, in your words', input('breach_other'));
  // The list is rebuilt only when the order changes, so a condition filled
  // in (a draft, an amendment) stays chosen; a new order starts at its first.
  let builtFor = null;
  const sync = () => {
    const chosen = orders.find((o) => o.id === order.input.value);
    if (order.input.value !== builtFor) {
      builtFor = order.input.value;
      // Nothing chosen for her: the officer reads the condition as hers.
      condition.input.replaceChildren(
        h('option', { value: '' }, 'Choose the condition'),
        ...(chosen ? chosen.conditions : []).map((c) => h('option', { value: c }, c)),
        h('option', { value: '*other' }, 'Another condition, or not listed'));
    }
    condition.wrap.hidden = !chosen;
    other.wrap.hidden = !chosen || condition.input.value !== '*other';
  };
  order.input.addEventListener('change', sync);
  condition.input.addEventListener('change', sync);
  sync();
  return { wrap: h('div', { class: 'stack' }, order.wrap, condition.wrap, other.wrap), sync };
}

export function orderLabel(o) {
  return `${orderTypeLabel(o.type)}${o.reference ? ` ${o.reference}` : ''}${o.expires ? `, until ${whenDay(o.expires)}` : ''}`;
}

function policeFields() {
  return h('fieldset', { class: 'stack' }, h('legend', {}, 'Police'),
    h('div', { class: 'check' }, h('input', { type: 'checkbox', name: 'police_reported', id: 'police-reported', value: 'yes' }),
      h('label', { for: 'police-reported' }, 'I reported it to the police')),
    field('Crime or incident reference', input('police_reference')).wrap,
    field('Police force', input('police_force')).wrap,
    field('Officer', input('police_officer')).wrap,
    field('Date reported', input('police_date', { type: 'date' })).wrap,
    field('What the police did', area('police_outcome', 2)).wrap);
}

/**
 * Builds the form's fields. `vocabulary` names behaviours and channels;
 * `profile` gives the people and orders to pick from. Returns the element
 * and `sync()` to call after `fill`.
 */
export function incidentFields(vocabulary, profile) {
  const when = whenFields();
  const breach = breachFields(profile.orders);
  const everyone = profile.people;
  const perpetrators = everyone.filter((p) => p.role === 'perpetrator');
  const more = h('details', { class: 'more' }, h('summary', {}, 'More details (optional)'),
    h('div', { class: 'stack' },
      field('When it ended (optional)', input('until', { type: 'datetime-local' })).wrap,
      field('Short title', input('title')).wrap,
      checkboxes('What they did', 'behaviours', vocabulary.behaviours.map((t) => [t.name, t.label])),
      checkboxes('How', 'channels', vocabulary.channels.map((t) => [t.name, t.label])),
      field('Where', input('location')).wrap,
      peoplePicker('Witnesses', 'witnesses', everyone, 'Witnesses can be picked here once they are added in Case & people.'),
      field('Other people there (one per line)', area('people_present', 2)).wrap,
      choices('Were children there?', 'children_present', YES_NO),
      field('Car registrations, phone numbers or accounts you saw (one per line)', area('identifiers_seen', 2)).wrap,
      field('How it affected you', area('impact')).wrap,
      choices('Did it make you afraid of violence?', 'fear_of_violence', YES_NO),
      field('How serious was it for you?', h('select', { name: 'severity' }, SEVERITY.map(([v, l]) => h('option', { value: v }, l)))).wrap,
      field('What you did', area('response', 2)).wrap,
      field('How you kept the evidence', area('preserved', 2)).wrap,
      breach.wrap,
      policeFields(),
      field('Reported to anyone else (employer, website, landlord)', area('other_reports', 2)).wrap,
      field('Tags (separated by commas)', input('tags')).wrap,
      h('div', { class: 'check' }, h('input', { type: 'checkbox', name: 'keep_back', id: 'keep-back', value: 'yes', 'aria-describedby': 'keep-back-hint' }),
        h('label', { for: 'keep-back' }, 'Keep this entry out of the police pack')),
      h('p', { class: 'hint', id: 'keep-back-hint' }, 'It stays in your diary and in a full export. The police pack says how many entries you kept back, not what they say.')));
  const element = h('div', { class: 'stack' },
    when.at.wrap, when.day.wrap, when.precision,
    field('What happened', area('narrative', 6), 'In your own words. Exact words said or written are useful.').wrap,
    peoplePicker('Who did it', 'perpetrators', perpetrators, 'Add the person doing this in Case & people to pick them here.'),
    more);
  return { element, more, sync: () => { when.sync(); breach.sync?.(); } };
}

/** What `incidentFields` shows for an incident (Amend); `orders` tell a
 * listed condition from one in her own words. */
export function valuesFrom(incident, orders = []) {
  const said = incident.breach?.condition || '';
  const listed = orders.find((o) => o.id === incident.breach?.order)?.conditions.includes(said);
  const local = incident.occurred_at.slice(0, 16);
  const police = incident.police || {};
  const yesNo = (b) => (b === true ? 'yes' : b === false ? 'no' : '');
  return {
    occurred: local, occurred_day: local.slice(0, 10), precision: incident.time_precision,
    until: incident.occurred_until ? incident.occurred_until.slice(0, 16) : '',
    narrative: incident.narrative, title: incident.title, location: incident.location,
    behaviours: incident.behaviours, channels: incident.channels,
    perpetrators: incident.perpetrators, witnesses: incident.witnesses,
    people_present: incident.people_present.join('\n'), identifiers_seen: incident.identifiers_seen.join('\n'),
    children_present: yesNo(incident.children_present), fear_of_violence: yesNo(incident.fear_of_violence),
    severity: incident.severity === null || incident.severity === undefined ? '' : String(incident.severity),
    impact: incident.impact, response: incident.response, preserved: incident.preserved, other_reports: incident.other_reports,
    breach_order: incident.breach?.order || '', breach_condition: listed ? said : said ? '*other' : '', breach_other: listed ? '' : said,
    police_reported: police.reported ? ['yes'] : [], police_reference: police.reference || '', police_force: police.force || '',
    police_officer: police.officer || '', police_date: police.date || '', police_outcome: police.outcome || '',
    tags: incident.tags.join(', '), keep_back: incident.exclude_from_officer_pack ? ['yes'] : [],
  };
}

const TEXTS = ['occurred', 'occurred_day', 'precision', 'until', 'narrative', 'title', 'location', 'people_present',
  'identifiers_seen', 'children_present', 'fear_of_violence', 'severity', 'impact', 'response', 'preserved',
  'other_reports', 'breach_order', 'breach_condition', 'breach_other', 'police_reference', 'police_force',
  'police_officer', 'police_date', 'police_outcome', 'tags'];
const LISTS = ['behaviours', 'channels', 'perpetrators', 'witnesses', 'police_reported', 'keep_back'];

/** `values` with every name present ('' or []), whatever the form held
 * (a picker is absent when there is nobody to pick; a draft may be older). */
function complete(values) {
  const v = { ...values };
  for (const k of TEXTS) if (typeof v[k] !== 'string') v[k] = '';
  for (const k of LISTS) if (!Array.isArray(v[k])) v[k] = [];
  return v;
}

/**
 * The incident the values describe. `before` is the incident being
 * amended: a time left as it was keeps its recorded offset, so amending
 * on a device in another zone does not move it.
 */
export function incidentFrom(values, before = null) {
  const v = complete(values);
  const unchanged = (text, iso) => iso && iso.slice(0, 16) === text;
  const precision = v.precision || 'exact';
  const condition = v.breach_condition === '*other' ? v.breach_other : v.breach_condition;
  let occurred;
  if (precision === 'date_only') occurred = toRfc3339(`${v.occurred_day}T00:00`);
  else occurred = unchanged(v.occurred, before?.occurred_at) ? before.occurred_at : toRfc3339(v.occurred);
  const until = v.until ? (unchanged(v.until, before?.occurred_until) ? before.occurred_until : toRfc3339(v.until)) : null;
  const yesNo = (s) => (s === 'yes' ? true : s === 'no' ? false : null);
  const police = {
    reported: v.police_reported.length > 0, reference: v.police_reference.trim(), force: v.police_force.trim(),
    officer: v.police_officer.trim(), date: v.police_date || null, outcome: v.police_outcome.trim(),
  };
  const anyPolice = police.reported || police.reference || police.force || police.officer || police.date || police.outcome;
  if (anyPolice) police.reported = true;
  return {
    occurred_at: occurred, occurred_until: until, time_precision: precision,
    title: v.title.trim(), narrative: v.narrative, location: v.location.trim(),
    behaviours: v.behaviours, channels: v.channels, perpetrators: v.perpetrators, witnesses: v.witnesses,
    identifiers_seen: lines(v.identifiers_seen), people_present: lines(v.people_present),
    children_present: yesNo(v.children_present), fear_of_violence: yesNo(v.fear_of_violence),
    severity: v.severity === '' ? null : Number(v.severity),
    impact: v.impact.trim(), response: v.response.trim(), preserved: v.preserved.trim(), other_reports: v.other_reports.trim(),
    police: anyPolice ? police : null,
    breach: v.breach_order ? { order: v.breach_order, condition: condition.trim() } : null,
    tags: v.tags.split(',').map((t) => t.trim()).filter(Boolean),
    exclude_from_officer_pack: v.keep_back.length > 0,
    // The messages it quotes are not on the form: an amendment keeps them.
    messages: before?.messages || [],
  };
}

/** Whether `values` say anything kept under "More details" (so a draft
 * or an amendment opens it). */
export function hasMore(values) {
  const v = complete(values);
  const first = new Set(['occurred', 'occurred_day', 'precision', 'narrative', 'perpetrators', 'severity']);
  return [...TEXTS, ...LISTS].some((k) => !first.has(k) && v[k].length > 0) || v.severity !== '';
}

/** What is wrong before it is sent, as [{name, message}], in page order. */
export function problems(values) {
  const v = complete(values);
  const found = [];
  if (v.precision === 'date_only' ? !v.occurred_day : !v.occurred) {
    found.push({ name: v.precision === 'date_only' ? 'occurred_day' : 'occurred', message: 'Enter when it happened.' });
  }
  if (!v.precision) found.push({ name: 'precision', message: 'Select how sure you are of the time.' });
  if (!v.narrative.trim() && !v.title.trim() && !v.behaviours.length) {
    found.push({ name: 'narrative', message: 'Write what happened.' });
  }
  if (v.until && v.precision !== 'date_only' && v.occurred && v.until < v.occurred) {
    found.push({ name: 'until', message: 'The end must be after the start.' });
  }
  if (v.breach_order && !v.breach_condition) {
    found.push({ name: 'breach_condition', message: 'Choose which condition it broke, or "Another condition".' });
  }
  return found;
}

/** The field a core validation error names, as the form calls it. */
export const FIELD_OF = {
  occurred_at: 'occurred', occurred_until: 'until', narrative: 'narrative', title: 'title', severity: 'severity',
  perpetrators: 'perpetrators', witnesses: 'witnesses', breach: 'breach_order', police: 'police_reference',
};
