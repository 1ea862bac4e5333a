// An incident's fields as a list of labelled values, for the entry screen
// and each version in its history: only what was said, in the words the
// form asked it with, with people and orders by name.

import { h, when, whenDay } from './dom.js';
import { orderLabel } from './incident_form.js';

const TEXTS = [
  ['title', 'Title'], ['narrative', 'What happened'], ['location', 'Where'],
  ['impact', 'How it affected you'], ['response', 'What you did'], ['preserved', 'How the evidence was kept'],
  ['other_reports', 'Reported to others'],
];
const SEVERITY = ['Minor', 'Moderate', 'Serious', 'Severe'];

function labelOf(list, name) {
  const term = list.find((t) => t.name === name);
  return term ? term.label : name;
}

/** "Tue, 3 Mar 2026, 18:30 (+00:00)", said as exactly as it is known. */
export function whenText(incident) {
  const at = when(incident.occurred_at);
  if (incident.time_precision === 'date_only') return `${whenDay(incident.occurred_at)} (the day only)`;
  const about = incident.time_precision === 'approximate' ? 'About ' : '';
  return `${about}${at}${incident.occurred_until ? `, until ${when(incident.occurred_until)}` : ''}`;
}

const yesNo = (b) => (b === true ? 'Yes' : b === false ? 'No' : null);

function policeText(p) {
  if (!p) return null;
  const parts = [p.reference && `Reference ${p.reference}`, p.force, p.officer && `Officer ${p.officer}`,
    p.date && `reported ${p.date}`, p.outcome].filter(Boolean);
  return parts.length ? parts.join('; ') : (p.reported ? 'Reported' : null);
}

/** The rows to show for `incident`: [label, text]. */
export function rows(vocabulary, profile, incident) {
  const person = (id) => profile.people.find((p) => p.id === id)?.name || 'someone no longer listed';
  const order = (id) => {
    const o = profile.orders.find((x) => x.id === id);
    return o ? orderLabel(o) : 'an order no longer listed';
  };
  const out = [['When', whenText(incident)]];
  for (const [key, label] of TEXTS) if (incident[key]) out.push([label, incident[key]]);
  const list = (label, items) => { if (items.length) out.push([label, items.join('; ')]); };
  list('Who did it', incident.perpetrators.map(person));
  list('What they did', incident.behaviours.map((b) => labelOf(vocabulary.behaviours, b)));
  list('How', incident.channels.map((c) => labelOf(vocabulary.channels, c)));
  list('Witnesses', incident.witnesses.map(person));
  list('Other people there', incident.people_present);
  list('Registrations, numbers or accounts seen', incident.identifiers_seen);
  const flags = [['Children there', yesNo(incident.children_present)], ['Afraid of violence', yesNo(incident.fear_of_violence)],
    ['How serious', incident.severity === null || incident.severity === undefined ? null : SEVERITY[incident.severity]]];
  for (const [label, text] of flags) if (text) out.push([label, text]);
  if (incident.breach) out.push(['Order breached', `${order(incident.breach.order)}${incident.breach.condition ? `: ${incident.breach.condition}` : ''}`]);
  const police = policeText(incident.police);
  if (police) out.push(['Police', police]);
  list('Tags', incident.tags);
  if (incident.exclude_from_officer_pack) out.push(['Police pack', 'Kept out of the police pack (counted there)']);
  return out;
}

export function details(vocabulary, profile, incident) {
  return h('dl', { class: 'fields' }, rows(vocabulary, profile, incident).map(([k, v]) => [h('dt', {}, k), h('dd', { class: 'prewrap' }, v)]));
}
