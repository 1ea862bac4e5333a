// One entry: its fields, its history, its exhibits; amend, withdraw, attach.

import { call } from '../ipc.js';
import { h, field, errorBox, showError, when, announce } from '../dom.js';
import { withProgress } from '../progress.js';
import * as drafts from '../drafts.js';

const FIELDS = [
  ['title', 'Title'], ['narrative', 'What happened'], ['location', 'Where'],
  ['impact', 'How it affected you'], ['response', 'What you did'], ['preserved', 'How the evidence was kept'],
  ['other_reports', 'Reported to others'],
];

function labelOf(list, name) {
  const term = list.find((t) => t.name === name);
  return term ? term.label : name;
}

function details(ctx, incident) {
  const rows = [['When', when(incident.occurred_at)]];
  for (const [key, label] of FIELDS) if (incident[key]) rows.push([label, incident[key]]);
  if (incident.behaviours.length) rows.push(['What they did', incident.behaviours.map((b) => labelOf(ctx.vocabulary.behaviours, b)).join('; ')]);
  if (incident.channels.length) rows.push(['How', incident.channels.map((c) => labelOf(ctx.vocabulary.channels, c)).join('; ')]);
  if (incident.police && incident.police.reference) rows.push(['Police reference', incident.police.reference]);
  return h('dl', { class: 'fields' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', { class: 'prewrap' }, v)]));
}

function history(ctx, entry) {
  return h('section', { class: 'card', 'aria-labelledby': 'history-title' },
    h('h2', { id: 'history-title' }, 'History'),
    h('ol', { class: 'history' }, entry.history.map((v) => h('li', {},
      h('h3', {}, v.version === 1 ? `Original, recorded ${when(v.recorded_at)}` : `Amendment ${v.version - 1}, ${when(v.recorded_at)}`),
      v.reason ? h('p', {}, h('strong', {}, 'Reason: '), v.reason) : null,
      details(ctx, v.incident)))),
    entry.withdrawn ? h('p', { class: 'notice' }, `Withdrawn ${when(entry.withdrawn.recorded_at)}: ${entry.withdrawn.reason}`) : null);
}

function exhibitItem(exhibit) {
  const item = h('li', { class: 'exhibit' },
    h('div', { class: 'thumb', 'aria-hidden': 'true' }),
    h('div', {},
      h('p', {}, h('strong', {}, exhibit.label), ` ${exhibit.original_name}`),
      h('p', { class: 'hint' }, `${exhibit.media_type}, ${(exhibit.size / 1e6).toFixed(2)} MB`, exhibit.captured_at ? `, taken ${exhibit.captured_at} (per the file)` : ''),
      exhibit.description ? h('p', {}, exhibit.description) : null,
      exhibit.deleted ? h('p', { class: 'notice' }, `Deleted: ${exhibit.deleted.reason}`) : null,
      h('p', { class: 'hash' }, `SHA-256 ${exhibit.sha256}`)));
  if (exhibit.is_photo) {
    call('exhibit_thumbnail', { number: exhibit.number }).then((b64) => {
      if (!b64) return;
      const img = h('img', { src: `data:image/jpeg;base64,${b64}`, alt: `Photo ${exhibit.label}, reduced copy`, class: 'thumb' });
      item.querySelector('.thumb').replaceWith(img);
    }).catch(() => {});
  }
  return item;
}

function exhibits(ctx, entry) {
  const error = errorBox();
  const description = field('Description of the files (optional)', h('input', { type: 'text' }));
  const holder = h('div');
  const button = h('button', { type: 'button', onclick: async () => {
    const added = await withProgress({ task: 'attach', label: 'Encrypting the files', holder, button, error },
      () => call('attach_files', { number: entry.number, description: description.input.value }));
    if (!added) return;
    announce(`${added.length} file${added.length === 1 ? '' : 's'} attached.`);
    await ctx.go('entry', { number: entry.number });
  } }, 'Attach photos or files');
  return h('section', { class: 'card', 'aria-labelledby': 'exhibits-title' },
    h('h2', { id: 'exhibits-title' }, 'Exhibits'),
    entry.exhibits.length ? h('ul', { class: 'exhibits' }, entry.exhibits.map(exhibitItem)) : h('p', {}, 'No files attached.'),
    entry.withdrawn ? null : h('div', { class: 'stack' }, description.wrap, button, holder, error));
}

function amendForm(ctx, entry, draft) {
  const error = errorBox();
  const inputs = {};
  const fields = FIELDS.map(([key, label]) => {
    const control = key === 'narrative' || key === 'impact'
      ? h('textarea', { rows: key === 'narrative' ? 6 : 3 })
      : h('input', { type: 'text' });
    control.value = entry.current[key] || '';
    inputs[key] = control;
    return field(label, control).wrap;
  });
  const reason = field('Why you are changing it', h('input', { type: 'text', required: true }), 'Kept with the change: the original stays in the history.');
  const form = h('form', { class: 'stack', onsubmit: async (event) => {
    event.preventDefault();
    if (!reason.input.value.trim()) return showError(error, { message: 'Give a reason for the change.' });
    const incident = { ...entry.current };
    for (const [key] of FIELDS) incident[key] = inputs[key].value;
    try {
      await call('amend_incident', { number: entry.number, incident, reason: reason.input.value.trim() });
      await drafts.discard();
      announce('Amendment saved.');
      await ctx.go('entry', { number: entry.number });
    } catch (err) {
      showError(error, err);
    }
  } }, fields, reason.wrap, error, h('button', { type: 'submit', class: 'primary' }, 'Save the amendment'));
  const kept = draft && draft.kind === 'amend' && draft.number === entry.number ? draft.values || {} : null;
  if (kept) {
    for (const [key] of FIELDS) if (typeof kept[key] === 'string') inputs[key].value = kept[key];
    if (typeof kept.reason === 'string') reason.input.value = kept.reason;
  }
  drafts.keep(form, () => {
    const changed = FIELDS.some(([key]) => inputs[key].value !== (entry.current[key] || '')) || reason.input.value.trim();
    if (!changed) return null;
    const values = Object.fromEntries(FIELDS.map(([key]) => [key, inputs[key].value]));
    values.reason = reason.input.value;
    return { kind: 'amend', number: entry.number, values };
  });
  return h('details', { class: 'card', open: kept ? true : undefined }, h('summary', {}, 'Amend this entry'), form);
}

function withdrawForm(ctx, entry) {
  const error = errorBox();
  const reason = field('Why you are withdrawing it', h('input', { type: 'text', required: true }), 'It stays in the record, marked withdrawn, and is counted in exports.');
  const form = h('form', { class: 'stack', onsubmit: async (event) => {
    event.preventDefault();
    if (!reason.input.value.trim()) return showError(error, { message: 'Give a reason.' });
    try {
      await call('withdraw_incident', { number: entry.number, reason: reason.input.value.trim() });
      await ctx.go('entry', { number: entry.number });
    } catch (err) {
      showError(error, err);
    }
  } }, reason.wrap, error, h('button', { type: 'submit' }, 'Withdraw'));
  return h('details', { class: 'card' }, h('summary', {}, 'Withdraw this entry'), form);
}

export async function render(ctx, params) {
  const entry = await call('incident', { number: params.number });
  return h('article', { class: 'stack', 'aria-labelledby': 'entry-title' },
    h('button', { type: 'button', class: 'quiet back', onclick: () => ctx.go('timeline') }, '← Back to the diary'),
    h('h1', { id: 'entry-title' }, `Incident ${entry.number}${entry.withdrawn ? ' (withdrawn)' : ''}`),
    params.saved ? h('p', { class: 'notice', role: 'status' }, 'Saved.') : null,
    h('section', { class: 'card' }, details(ctx, entry.current)),
    exhibits(ctx, entry),
    history(ctx, entry),
    entry.withdrawn ? null : amendForm(ctx, entry, params.draft),
    entry.withdrawn ? null : withdrawForm(ctx, entry));
}
