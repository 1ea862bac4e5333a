// One entry: its fields, its history, its exhibits; amend, withdraw, attach.

import { call } from '../ipc.js';
import { h, field, when, announce } from '../dom.js';
import { exhibits } from './entry_exhibits.js';
import * as drafts from '../drafts.js';
import { incidentFields, incidentFrom, valuesFrom, problems, hasMore, FIELD_OF } from '../incident_form.js';
import { details, rows } from '../incident_view.js';
import { valuesOf, fill, errorSummary, showProblems, clearProblems } from '../form_parts.js';

/** What an amendment changed, by the names the entry shows: "When, What they did". */
function changed(vocabulary, profile, before, after) {
  const a = new Map(rows(vocabulary, profile, before));
  const b = new Map(rows(vocabulary, profile, after));
  const labels = [...new Set([...a.keys(), ...b.keys()])];
  return labels.filter((label) => a.get(label) !== b.get(label));
}

function history(ctx, profile, entry) {
  return h('section', { class: 'card', 'aria-labelledby': 'history-title' },
    h('h2', { id: 'history-title' }, 'History'),
    entry.versions > entry.history.length
      ? h('p', { class: 'hint' }, `Shown: the original and the latest ${entry.history.length - 1} amendments. The ${entry.versions - entry.history.length} in between are kept in the diary and in every export.`)
      : null,
    h('ol', { class: 'history' }, entry.history.map((v, i) => h('li', {},
      h('h3', {}, v.version === 1 ? `Original, recorded ${when(v.recorded_at)}` : `Amendment ${v.version - 1}, ${when(v.recorded_at)}`),
      v.reason ? h('p', {}, h('strong', {}, 'Reason: '), v.reason) : null,
      i > 0 ? h('p', {}, h('strong', {}, 'Changed: '),
        changed(ctx.vocabulary, profile, entry.history[i - 1].incident, v.incident).join(', ') || 'nothing shown here') : null,
      details(ctx.vocabulary, profile, v.incident)))),
    entry.withdrawn ? h('p', { class: 'notice' }, `Withdrawn ${when(entry.withdrawn.recorded_at)}: ${entry.withdrawn.reason}`) : null);
}

function amendForm(ctx, profile, entry, draft) {
  const fields = incidentFields(ctx.vocabulary, profile);
  const summary = errorSummary();
  const reason = field('Why you are changing it', h('input', { type: 'text', name: 'reason' }), 'Kept with the change: the original stays in the history.');
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save the amendment');
  const form = h('form', { class: 'stack', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const values = valuesOf(form);
    const found = problems(values);
    if (!values.reason.trim()) found.push({ name: 'reason', message: 'Say why you are changing it.' });
    if (found.length) return showProblems(form, summary, found);
    clearProblems(form, summary);
    save.disabled = true;
    try {
      await call('amend_incident', { number: entry.number, incident: incidentFrom(values, entry.current), reason: values.reason.trim() });
      await drafts.discard({ kind: 'amend', number: entry.number });
      announce('Amendment saved.');
      await ctx.go('entry', { number: entry.number, saved: 'The amendment was saved. The earlier version is in the history.' });
    } catch (err) {
      save.disabled = false;
      showProblems(form, summary, [{ name: FIELD_OF[err.field], message: err.message || String(err) }]);
    }
  } }, summary, fields.element, reason.wrap, save);
  const kept = draft && draft.kind === 'amend' && draft.number === entry.number ? draft.values || {} : null;
  const start = kept ? { ...valuesFrom(entry.current, profile.orders), ...kept } : valuesFrom(entry.current, profile.orders);
  fill(form, start);
  fields.sync();
  fill(form, start);
  fields.sync();
  fields.more.open = hasMore(start);
  const original = JSON.stringify(valuesOf(form));
  drafts.keep(form, () => {
    const values = valuesOf(form);
    if (JSON.stringify(values) === original) return null;
    return { kind: 'amend', number: entry.number, values };
  });
  return h('details', { class: 'card', open: kept ? true : undefined }, h('summary', {}, 'Amend this entry'), form);
}

function withdrawForm(ctx, entry) {
  const summary = errorSummary();
  const reason = field('Why you are withdrawing it', h('input', { type: 'text', name: 'reason' }), 'It stays in the record, marked withdrawn, and is counted in exports.');
  const form = h('form', { class: 'stack', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    if (!reason.input.value.trim()) return showProblems(form, summary, [{ name: 'reason', message: 'Say why you are withdrawing it.' }]);
    clearProblems(form, summary);
    try {
      await call('withdraw_incident', { number: entry.number, reason: reason.input.value.trim() });
      await ctx.go('entry', { number: entry.number });
    } catch (err) {
      showProblems(form, summary, [{ name: err.field, message: err.message || String(err) }]);
    }
  } }, summary, reason.wrap, h('button', { type: 'submit' }, 'Withdraw'));
  return h('details', { class: 'card' }, h('summary', {}, 'Withdraw this entry'), form);
}

/** The imported messages this entry quotes, with a way to their conversation. */
function quotedMessages(ctx, entry) {
  if (!entry.quoted_total) return null;
  const chats = [...new Map(entry.quoted.map((q) => [q.conversation, q.title])).entries()];
  return h('section', { class: 'card stack', 'aria-labelledby': 'quoted-title' },
    h('h2', { id: 'quoted-title' }, `Messages (${entry.quoted_total})`),
    entry.quoted_total > entry.quoted.length ? h('p', { class: 'hint' }, `The first ${entry.quoted.length} are shown; all of them are in the report.`) : null,
    h('ol', { class: 'quoted', 'aria-label': 'Messages this entry quotes' }, entry.quoted.map((q) => h('li', {},
      h('span', { class: 'entry-when' }, `${q.number}. ${q.sender || 'The app'} · ${when(q.sent_at)}`), '\n', q.text,
      { deleted: h('span', { class: 'hint' }, ' [Deleted]'), media_omitted: h('span', { class: 'hint' }, ' [File left out of the export]') }[q.kind] || null,
      q.cut ? h('span', { class: 'hint' }, ' (longer: the whole text is in the export and the report)') : null,
      q.attachment ? h('span', { class: 'hint' }, ` (file: exhibit ${q.attachment})`) : null))),
    h('div', { class: 'actions' }, chats.map(([number, title]) =>
      h('button', { type: 'button', onclick: () => ctx.go('conversation', { number }) }, `Open ${title}`))));
}

export async function render(ctx, params) {
  const [entry, profile, kept] = await Promise.all([call('incident', { number: params.number }), call('profile'),
    params.draft ? params.draft : drafts.find({ kind: 'amend', number: params.number })]);
  // An amendment being written comes back whenever its entry opens.
  params = { ...params, draft: kept };
  return h('article', { class: 'stack', 'aria-labelledby': 'entry-title' },
    h('button', { type: 'button', class: 'quiet back', onclick: () => ctx.go('timeline') }, '← Back to the diary'),
    h('h1', { id: 'entry-title' }, `Incident ${entry.number}${entry.withdrawn ? ' (withdrawn)' : ''}`),
    params.saved ? h('p', { class: 'notice', role: 'status' }, typeof params.saved === 'string' ? params.saved : 'Saved.') : null,
    h('section', { class: 'card' }, details(ctx.vocabulary, profile, entry.current)),
    quotedMessages(ctx, entry),
    exhibits(ctx, entry),
    history(ctx, profile, entry),
    entry.withdrawn ? null : amendForm(ctx, profile, entry, params.draft),
    entry.withdrawn ? null : withdrawForm(ctx, entry));
}
