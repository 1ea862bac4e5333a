// Importing a chat: how to export one from each app, the file picked in
// Rust (the page learns its name only), then what the diary cannot tell
// from the file: the time zone of the phone, the victim's own name in it,
// where it came from; and, only when the dates cannot tell, whether the
// day or the month comes first.

import { call } from '../ipc.js';
import { h, field, errorBox, showError, announce } from '../dom.js';
import { choices, errorSummary, showProblems, clearProblems } from '../form_parts.js';
import * as safety from '../safety.js';

const HOW = [
  ['WhatsApp', 'Open the chat, tap the name at the top (or ⋮ > More), then Export chat. "Include media" keeps the photos and voice notes too. Save the file somewhere you can reach from here.'],
  ['Telegram', 'In Telegram Desktop: open the chat, ⋮ > Export chat history, choose "Machine-readable JSON". Import the result.json it makes; the photos and files beside it come too.'],
  ['Text messages', 'On Android, the app SMS Backup & Restore makes an .xml file of your texts and picture messages.'],
  ['Email', 'Save the email as a file (.eml), or export a mailbox (.mbox).'],
];

function howTo() {
  return h('details', { class: 'card' }, h('summary', {}, 'How to export a chat'),
    h('dl', { class: 'stack' }, HOW.flatMap(([app, text]) => [h('dt', {}, h('strong', {}, app)), h('dd', {}, text)])));
}

export async function render(ctx) {
  const zone = await call('device_zone');
  const summary = errorSummary();
  const picked = h('p', { id: 'picked-chat', class: 'hint', 'aria-live': 'polite' }, 'No file chosen yet.');
  const pickError = errorBox();
  let chosen = null;
  const choose = h('button', { type: 'button', name: 'choose', onclick: async () => {
    pickError.hidden = true;
    try {
      chosen = await call('pick_chat');
      picked.textContent = `Chosen: ${chosen.name} (${(chosen.size / 1e6).toFixed(1)} MB)`;
    } catch (err) {
      if (err.code !== 'cancelled') showError(pickError, err);
    }
  } }, 'Choose the exported file');
  // Zone names to choose from as she types ("Lon" offers Europe/London).
  const zones = h('datalist', { id: 'zone-names' }, (Intl.supportedValuesOf ? Intl.supportedValuesOf('timeZone') : [])
    .map((z) => h('option', { value: z })));
  const zoneField = field('Time zone of the phone that exported it', h('input', { type: 'text', name: 'zone', value: zone, list: 'zone-names', autocomplete: 'off', spellcheck: 'false' }),
    'WhatsApp writes times without a zone. This device\'s zone is filled in; change it (for example Europe/London, America/New_York) if the phone was set to another.');
  const me = field('Your own name in the chat (optional)', h('input', { type: 'text', name: 'me', autocomplete: 'off' }),
    'As the export writes it, so your messages are told apart from theirs.');
  const note = field('Where it came from (optional)', h('textarea', { name: 'note', rows: 2 }),
    'For example: my Android phone, WhatsApp, Export chat with media, on 14 March. It is kept with the import.');
  const order = h('div', { hidden: true, id: 'date-order', class: 'stack' },
    h('p', { class: 'hint' }, 'Every date in this chat could be read either way, so the diary will not guess. Look at a message you remember: "03/04" is the 3rd of April if the day comes first.'),
    choices('In this chat, does the day or the month come first?', 'date_order', [['dmy', 'Day first (31/12)'], ['mdy', 'Month first (12/31)']]));
  const holder = h('div', { class: 'stack' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Import');
  const form = h('form', { class: 'card stack', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const dateOrder = form.querySelector('input[name=date_order]:checked')?.value || null;
    if (!chosen) return showProblems(form, summary, [{ name: 'choose', message: 'Choose the exported file first.' }]);
    if (!order.hidden && !dateOrder) return showProblems(form, summary, [{ name: 'date_order', message: 'Say whether the day or the month comes first.' }]);
    clearProblems(form, summary);
    submit.disabled = true;
    holder.replaceChildren(h('p', { role: 'status' }, 'Importing…'));
    try {
      const done = await safety.whileBusy(call('import_chat', { request: {
        zone: zoneField.input.value.trim(), me: me.input.value.trim(), note: note.input.value, date_order: dateOrder,
      } }));
      announce(`Imported ${done.messages} messages.`);
      await ctx.go('conversation', { number: done.number, imported: done });
    } catch (err) {
      holder.replaceChildren();
      submit.disabled = false;
      if (err.field === 'date_order') {
        order.hidden = false;
        return showProblems(form, summary, [{ name: 'date_order', message: 'The dates in this chat could be day first or month first: say which.' }]);
      }
      const name = { zone: 'zone', timezone: 'zone', me: 'me' }[err.field] || 'choose';
      if (name !== 'choose') return showProblems(form, summary, [{ name, message: err.message || String(err) }]);
      // The file itself: said plainly, with what to do; the reader's own
      // words (the line, what it found) kept for whoever helps her.
      showProblems(form, summary, [{ name, message: 'This file could not be read as a chat export. Export the chat again from the app (see "How to export a chat") and choose the file it makes: a .txt, .zip, .json, .xml, .eml or .mbox.' }]);
      holder.replaceChildren(h('details', {}, h('summary', {}, 'What the diary found'), h('p', {}, err.message || String(err))));
    }
  } }, summary,
  h('div', { class: 'field' }, h('p', {}, h('strong', {}, 'The exported file')), h('div', { class: 'actions' }, choose), picked, pickError),
  zoneField.wrap, zones, me.wrap, note.wrap, order, submit, holder);
  return h('section', { class: 'stack', 'aria-labelledby': 'import-title' },
    h('button', { type: 'button', class: 'quiet back', onclick: () => ctx.go('messages') }, '← Back to messages'),
    h('h1', { id: 'import-title' }, 'Import a chat'),
    h('p', {}, 'The file you choose is kept in your diary exactly as it is, encrypted, as an exhibit. Every message is read from it with its time and sender; a line that is not part of a message is noted, never dropped.'),
    h('p', {}, 'Exporting a chat from WhatsApp or Telegram does not tell anyone in it. Once it is imported, you can delete the exported file from where you saved it.'),
    howTo(), form);
}
