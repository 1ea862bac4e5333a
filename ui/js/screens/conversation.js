// One conversation: where it came from, its senders (each can be linked to
// someone in Case & people), and its messages 50 at a time, searchable,
// each with a box to pick it; picked messages become an incident, with
// their times, the app as the channel and the linked perpetrators.

import { call } from '../ipc.js';
import { h, field, when, whenDay, announce, errorBox, showError } from '../dom.js';
import { checkboxes, errorSummary, showProblems, clearProblems } from '../form_parts.js';
import * as safety from '../safety.js';

const PAGE = 50;

function provenance(c) {
  const s = c.source;
  const order = s.date_order ? `; dates read ${s.date_order === 'dmy' ? 'day first' : 'month first'} (${s.date_order_given ? 'as you said' : 'worked out from the file'})` : '';
  return h('details', { class: 'card' }, h('summary', {}, 'Where it came from'),
    h('ul', {},
      h('li', {}, `The exported file is exhibit ${c.original}, kept unchanged.`),
      h('li', {}, `Read as ${s.format} (${s.variant}) by ${s.parser}.`),
      h('li', {}, `Times in ${s.zone} (${s.zone_given ? 'as you said' : 'this device\'s zone'})${order}.`),
      h('li', {}, `${c.messages} messages.${c.flagged ? ` ${c.flagged} line${c.flagged === 1 ? ' was' : 's were'} not read as a message (each is listed with its reason in the import record, and kept in the exported file).` : ''}`),
      s.note ? h('li', {}, `You said: ${s.note}`) : null,
      s.looks_cut ? h('li', {}, s.looks_cut) : null));
}

function senders(c, profile) {
  const people = profile.people;
  if (!c.senders.length) return null;
  return h('details', { class: 'card' }, h('summary', {}, 'Who sent them'),
    h('p', { class: 'hint' }, 'Link a sender to someone in Case & people: an incident made from their messages then names them.'),
    h('ul', { class: 'items' }, c.senders.map((s) => {
      const status = h('p', { class: 'hint', role: 'status' });
      // What is saved: the select goes back to it when a change fails.
      let saved = s.person || '';
      const select = h('select', { onchange: async () => {
        try {
          await call('link_sender', { number: c.number, sender: s.number, person: select.value || null });
          saved = select.value;
          status.textContent = select.value ? 'Linked.' : 'No longer linked.';
        } catch (err) {
          select.value = saved;
          status.textContent = `Not changed: ${err.message || String(err)}`;
        }
      } }, h('option', { value: '' }, 'No one'),
      people.map((p) => h('option', { value: p.id, selected: p.id === s.person }, p.name)));
      const you = s.name === c.source.me ? ' (you)' : '';
      const f = field(`${s.name}${you} (${s.messages} message${s.messages === 1 ? '' : 's'}) is`, select);
      return h('li', {}, f.wrap, status);
    })),
    c.senders_total > c.senders.length ? h('p', { class: 'hint' }, `The ${c.senders.length} who sent the most are shown.`) : null);
}

function messageLine(m, picked, onPick) {
  const id = `message-${m.number}`;
  const box = h('input', { type: 'checkbox', id, value: m.number, checked: picked.has(m.number), onchange: () => onPick(m.number, box.checked) });
  const kind = { deleted: 'Deleted', media_omitted: 'File left out of the export', system: 'From the app' }[m.kind];
  const label = h('label', { class: 'message-text', for: id },
    h('span', { class: 'entry-when' }, `${m.number}. ${m.sender || 'The app'} · ${when(m.sent_at)}`),
    h('span', {}, m.text || (kind ? '' : '(no text)')),
    kind ? h('span', { class: 'hint' }, ` [${kind}]`) : null,
    m.cut ? h('span', { class: 'hint' }, ' (longer: the whole text is in the export)') : null,
    m.attachment_name ? h('span', { class: 'hint' }, m.attachment ? ` File: exhibit ${m.attachment} (${m.attachment_name})` : ` File not in the export: ${m.attachment_name}`) : null);
  return h('li', { class: `message${m.kind === 'text' ? '' : ' muted'}` }, h('div', { class: 'check' }, box, label));
}

function makeIncident(ctx, c, picked, count) {
  const summary = errorSummary();
  const narrative = field('What happened (optional)', h('textarea', { name: 'narrative', rows: 3 }),
    'In your own words: what the messages mean, how they made you feel. You can add more later.');
  const behaviours = checkboxes('What they did (optional)', 'behaviours', ctx.vocabulary.behaviours.map((b) => [b.name, b.label]));
  const save = h('button', { type: 'submit', class: 'primary' }, 'Make the incident');
  const form = h('form', { class: 'stack', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    if (!picked.size) return showProblems(form, summary, [{ name: 'narrative', message: 'Pick at least one message first.' }]);
    clearProblems(form, summary);
    save.disabled = true;
    try {
      const done = await call('incident_from_messages', {
        number: c.number, messages: [...picked].sort((a, b) => a - b), narrative: narrative.input.value,
        behaviours: [...form.querySelectorAll('input[name=behaviours]:checked')].map((b) => b.value),
      });
      announce(`Saved as incident ${done.number}.`);
      await ctx.go('entry', { number: done.number, saved: `Saved as incident ${done.number}, quoting ${picked.size} message${picked.size === 1 ? '' : 's'}.` });
    } catch (err) {
      save.disabled = false;
      showProblems(form, summary, [{ name: 'narrative', message: err.message || String(err) }]);
    }
  } }, summary, narrative.wrap, behaviours, save);
  return h('section', { class: 'card stack', id: 'make-incident', 'aria-labelledby': 'make-title' },
    h('h2', { id: 'make-title' }, 'Make an incident from the picked messages'), count, form,
    addToIncident(ctx, c, picked));
}

// The picked messages quoted by an incident already in the diary: an
// amendment, with its reason, as every change is. The first press says
// which entry the number is (a mistyped number is seen before anything
// changes); the second adds them, once.
function addToIncident(ctx, c, picked) {
  const summary = errorSummary();
  const number = field('Incident number', h('input', { type: 'text', name: 'incident', inputmode: 'numeric', autocomplete: 'off' }),
    'The number the diary shows beside it, such as 12.');
  const reason = field('Why you are adding them', h('input', { type: 'text', name: 'reason' }),
    'Kept with the change: the entry as it was stays in its history.');
  const confirm = h('p', { id: 'add-to-which', role: 'status', hidden: true });
  const add = h('button', { type: 'submit' }, 'Add them to this incident');
  let checked = null;
  number.input.addEventListener('input', () => {
    checked = null;
    confirm.hidden = true;
    add.textContent = 'Add them to this incident';
  });
  const form = h('form', { class: 'stack', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    if (add.disabled) return;
    const n = Number(number.input.value.trim());
    const found = [];
    if (!picked.size) found.push({ name: 'incident', message: 'Pick at least one message first.' });
    else if (!Number.isInteger(n) || n < 1) found.push({ name: 'incident', message: 'Give the incident\'s number, such as 12.' });
    if (!reason.input.value.trim()) found.push({ name: 'reason', message: 'Say why you are adding them.' });
    if (found.length) return showProblems(form, summary, found);
    clearProblems(form, summary);
    add.disabled = true;
    try {
      if (checked !== n) {
        const entry = await call('incident', { number: n });
        const words = (entry.current.title || entry.current.narrative || '').trim();
        confirm.textContent = `Incident ${n}, ${whenDay(entry.current.occurred_at)}: "${words.length > 80 ? `${words.slice(0, 80)}…` : words}". Is that the one?`;
        confirm.hidden = false;
        checked = n;
        add.textContent = `Yes, add ${picked.size} message${picked.size === 1 ? '' : 's'} to incident ${n}`;
        return;
      }
      await safety.whileBusy(call('quote_messages', { number: c.number, messages: [...picked].sort((a, b) => a - b), incident: n, reason: reason.input.value.trim() }));
      await ctx.go('entry', { number: n, saved: `Incident ${n} now quotes the ${picked.size} picked message${picked.size === 1 ? '' : 's'}. The entry as it was is in its history.` });
    } catch (err) {
      showProblems(form, summary, [{ name: err.field === 'reason' ? 'reason' : 'incident', message: err.message || String(err) }]);
    } finally {
      add.disabled = false;
    }
  } }, summary, number.wrap, reason.wrap, confirm, add);
  return h('details', {}, h('summary', {}, 'Or add them to an incident already in your diary'), form);
}

export async function render(ctx, params) {
  let query = {};
  const [first, profile] = await Promise.all([
    call('conversation', { number: params.number, query: { offset: 0, limit: PAGE } }), call('profile')]);
  const c = first.conversation;
  const picked = new Set();
  const count = h('p', { id: 'picked-count', 'aria-live': 'polite' });
  // Once messages are picked, a way to the form from the top of the list
  // (the form itself is under the whole list).
  const jump = h('button', { type: 'button', class: 'primary', id: 'to-make-incident', onclick: () => {
    const form = document.getElementById('make-incident');
    form?.scrollIntoView({ block: 'start' });
    form?.querySelector('textarea')?.focus({ preventScroll: true });
  } });
  // Which are picked, wherever they are in the list or a search.
  const which = h('p', { class: 'hint', id: 'picked-which' });
  const clear = h('button', { type: 'button', class: 'quiet', id: 'clear-picks', onclick: () => {
    picked.clear();
    for (const box of list.querySelectorAll('input[type=checkbox]')) box.checked = false;
    showCount();
    announce('No messages picked.');
  } }, 'Clear picks');
  const bar = h('div', { class: 'stack', hidden: true }, h('div', { class: 'actions' }, jump, clear), which);
  const showCount = () => {
    const n = `${picked.size} message${picked.size === 1 ? '' : 's'}`;
    count.textContent = `${n} picked.`;
    const numbers = [...picked].sort((a, b) => a - b);
    which.textContent = `Picked: message${numbers.length === 1 ? '' : 's'} ${numbers.slice(0, 30).join(', ')}${numbers.length > 30 ? ` and ${numbers.length - 30} more` : ''}.`;
    jump.textContent = `Make an incident from ${n}`;
    bar.hidden = picked.size === 0;
  };
  const onPick = (n, on) => { if (on) picked.add(n); else picked.delete(n); showCount(); };
  showCount();
  const list = h('ol', { class: 'messages', 'aria-label': `Messages of ${c.title}` });
  const status = h('p', { class: 'hint', id: 'messages-shown' });
  const more = h('button', { type: 'button', id: 'more-messages' }, `Show ${PAGE} more`);
  const error = errorBox();
  let matching = first.matching;
  // Each search is numbered: a reply to an older one (or a "Show more"
  // asked before it) that comes back late is dropped.
  let asked = 0;
  const update = () => {
    status.textContent = `Showing ${list.children.length} of ${matching} message${matching === 1 ? '' : 's'}${query.text ? ' that match' : ''}`;
    more.hidden = list.children.length >= matching;
  };
  const fill = (page, append) => {
    const lines = page.messages.map((m) => messageLine(m, picked, onPick));
    if (append) list.append(...lines); else list.replaceChildren(...lines);
    matching = page.matching;
    update();
  };
  more.addEventListener('click', async () => {
    const from = list.children.length;
    const mine = asked;
    more.disabled = true;
    try {
      const page = await call('conversation', { number: c.number, query: { ...query, offset: from, limit: PAGE } });
      if (mine !== asked) return;
      fill(page, true);
      announce(status.textContent);
      list.children[from]?.querySelector('input')?.focus();
    } catch (err) {
      showError(error, err);
    } finally {
      // A search asked meanwhile enables it when its page is shown.
      if (mine === asked) more.disabled = false;
    }
  });
  const search = field('Search these messages', h('input', { type: 'search' }), 'Results follow as you type.');
  let pause = null;
  search.input.addEventListener('input', () => {
    clearTimeout(pause);
    pause = setTimeout(async () => {
      query = search.input.value.trim() ? { text: search.input.value.trim() } : {};
      const mine = ++asked;
      more.disabled = true;
      try {
        const page = await call('conversation', { number: c.number, query: { ...query, offset: 0, limit: PAGE } });
        if (mine !== asked) return;
        more.disabled = false;
        fill(page, false);
        announce(status.textContent);
      } catch (err) {
        if (mine !== asked) return;
        more.disabled = false;
        showError(error, err);
      }
    }, 300);
  });
  fill(first, false);
  const imported = params.imported;
  return h('section', { class: 'stack', 'aria-labelledby': 'conversation-title' },
    h('button', { type: 'button', class: 'quiet back', onclick: () => ctx.go('messages') }, '← Back to messages'),
    h('h1', { id: 'conversation-title' }, c.title),
    imported ? h('p', { class: 'notice', role: 'status', id: 'imported' },
      `Imported ${imported.messages} messages. The exported file is kept as exhibit ${imported.original}.`
      + (imported.flagged ? ` ${imported.flagged} line${imported.flagged === 1 ? ' was' : 's were'} not read as a message: see "Where it came from".` : '')
      + ' The diary has its own encrypted copy, so you can delete the exported file from where you saved it (Downloads, email, a cloud drive), where someone else could find it.') : null,
    provenance(c),
    senders(c, profile),
    search.wrap,
    h('div', { class: 'row' }, status),
    bar,
    list, error, more,
    makeIncident(ctx, c, picked, count));
}
