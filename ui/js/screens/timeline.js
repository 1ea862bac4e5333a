// The timeline: the pattern at the top, then entries newest first, with
// filters and search.

import { call } from '../ipc.js';
import { h, field, when, announce } from '../dom.js';
import { chart } from '../chart.js';
import { whenText } from '../incident_view.js';

let lastQuery = {};
// Where the victim was when she opened an entry: the lines loaded, the
// scroll position and the entry, so coming back puts her there again.
let returnTo = null;
// The search waiting for typing to pause: cancelled by a lock, so no
// answer arrives after it.
let pause = null;

const PAGE = 50;
const MAX_PAGE = 200;

/** The filters the timeline shows now ({} when none), for "Export what is shown". */
export const shownQuery = () => lastQuery;

/** Forgets the filters and the place in the list (a lock: the page keeps
 * nothing the diary said). */
export function forget() {
  lastQuery = {};
  returnTo = null;
  clearTimeout(pause);
  pause = null;
}

const filtered = (q) => Boolean(q.text || q.from || q.to || q.behaviour || q.person);

/** Lines `offset` to `offset + count` of what `query` matches, newest first,
 * in pages Rust bounds; the pattern comes with the first page unless
 * `linesOnly`. */
async function fetchLines(query, offset, count, linesOnly) {
  let data = null;
  const lines = [];
  while (lines.length < count) {
    const page = await call('timeline', { query: { ...query, offset: offset + lines.length, limit: Math.min(MAX_PAGE, count - lines.length), lines_only: linesOnly || data !== null } });
    data = data || page;
    lines.push(...page.incidents);
    if (!page.incidents.length || offset + lines.length >= page.matching) break;
  }
  return { ...data, incidents: lines };
}

function lineOf(ctx, i, list) {
  return h('li', {},
    h('button', { type: 'button', class: `entry-line${i.withdrawn ? ' withdrawn' : ''}`, dataset: { number: i.number }, onclick: () => {
      returnTo = { number: i.number, scrollY: window.scrollY, loaded: list.children.length };
      ctx.go('entry', { number: i.number });
    } },
      h('span', { class: 'entry-when' }, `No. ${i.number} · ${whenText(i)}`),
      h('span', { class: 'entry-summary' }, i.summary || '(no text)'),
      h('span', { class: 'entry-meta' }, [
        i.behaviours.join(', '),
        i.exhibits ? `${i.exhibits} exhibit${i.exhibits === 1 ? '' : 's'}` : '',
        i.amendments ? `amended ${i.amendments}×` : '',
        i.withdrawn ? 'Withdrawn' : '',
      ].filter(Boolean).join(' · '))));
}

function pattern(data) {
  return [
    chart(data.weeks, data.weeks_before),
    data.behaviours.length
      ? h('ul', { class: 'counts', 'aria-label': 'Incidents by behaviour' },
        data.behaviours.map((b) => h('li', {}, h('span', { class: 'count' }, b.count), ` ${b.label}`)))
      : null,
  ];
}

const shownText = (shown, data) => (filtered(lastQuery)
  ? `Showing ${shown} of ${data.matching} matching incident${data.matching === 1 ? '' : 's'} (${data.total} in all)`
  : `Showing ${shown} of ${data.total} incident${data.total === 1 ? '' : 's'}`);

/**
 * The list and what goes with it, redrawn in place when the search changes
 * (the search box keeps the focus) and extended by "Show more".
 */
function results(ctx, first) {
  const list = h('ol', { class: 'entries', 'aria-label': 'Incidents, newest first' });
  const status = h('p', { class: 'hint', id: 'timeline-shown' });
  const more = h('button', { type: 'button', id: 'show-more' }, `Show ${PAGE} more`);
  const exportShown = h('button', { type: 'button', onclick: () => ctx.go('exporting', { shown: true }) }, 'Export what is shown');
  const empty = h('p', {});
  const patternBox = h('div', { class: 'stack' });
  let data = first;
  const update = () => {
    const shown = list.children.length;
    status.textContent = shownText(shown, data);
    more.hidden = shown >= data.matching;
    exportShown.hidden = !(filtered(lastQuery) && shown);
    empty.hidden = shown > 0;
    empty.textContent = data.total ? 'Nothing matches these filters.' : 'Nothing recorded yet. "Add an incident" takes a minute.';
  };
  const show = (next) => {
    data = next;
    patternBox.replaceChildren(...pattern(data).filter(Boolean));
    list.replaceChildren(...data.incidents.map((i) => lineOf(ctx, i, list)));
    update();
  };
  more.addEventListener('click', async () => {
    const from = list.children.length;
    more.disabled = true;
    try {
      const page = await fetchLines(lastQuery, from, PAGE, true);
      list.append(...page.incidents.map((i) => lineOf(ctx, i, list)));
      update();
      announce(status.textContent);
      // As GOV.UK's "show more": the focus goes to the first line loaded.
      list.children[from]?.querySelector('button')?.focus();
    } finally {
      more.disabled = false;
    }
  });
  show(first);
  return { patternBox, list, status, more, exportShown, empty, show };
}

export async function render(ctx, params = {}) {
  const query = params.query || lastQuery;
  lastQuery = query;
  const back = returnTo;
  returnTo = null;
  const [first, profile] = await Promise.all([fetchLines(query, 0, back ? Math.max(back.loaded, PAGE) : PAGE, false), call('profile')]);
  const parts = results(ctx, first);
  // Searches and filters are redrawn in place (the rest of the screen
  // stays); each is numbered, and an answer to an older one is dropped.
  let asked = 0;
  const redraw = async (next) => {
    lastQuery = next;
    const mine = ++asked;
    const data = await fetchLines(next, 0, PAGE, false);
    if (mine !== asked) return;
    parts.show(data);
    announce(parts.status.textContent);
  };
  const filters = filterForm(ctx, query, profile, (text) => {
    const next = { ...lastQuery, text: text || undefined };
    if (!text) delete next.text;
    return redraw(next);
  }, redraw);
  announce(parts.status.textContent);
  const view = h('section', { 'aria-labelledby': 'timeline-title', class: 'stack' },
    h('div', { class: 'title-row' },
      h('h1', { id: 'timeline-title' }, 'Your diary'),
      h('button', { type: 'button', class: 'primary', onclick: () => ctx.go('quickAdd') }, 'Add an incident')),
    (params.drafts || []).map((d) => draftOffer(ctx, d)),
    wrongTries(params.unlocked),
    keyUnkept(ctx, params.unlocked),
    lastSaved(first),
    backupNote(ctx, first.last_backup),
    h('section', { class: 'card', 'aria-labelledby': 'pattern-title' },
      h('h2', { id: 'pattern-title' }, 'The pattern'), parts.patternBox),
    filters,
    h('div', { class: 'row' }, parts.status, parts.exportShown),
    parts.list, parts.empty, parts.more);
  // Back from an entry: the same place in the list, the focus on that entry.
  if (back) {
    view.afterShow = () => {
      window.scrollTo(0, back.scrollY);
      parts.list.querySelector(`button[data-number="${back.number}"]`)?.focus({ preventScroll: true });
    };
  }
  return view;
}

// An entry half-written when the diary locked (kept sealed by Rust).
function draftOffer(ctx, draft) {
  if (!draft || !['add', 'amend', 'risk', 'person', 'order'].includes(draft.kind)) return null;
  const what = { add: 'You were writing an entry when the diary locked. It was kept.',
    amend: `You were changing incident ${draft.number} when the diary locked. It was kept.`,
    risk: 'You were answering a risk check when the diary locked. Your answers were kept.',
    person: 'You were adding or changing someone in Case & people when the diary locked. It was kept.',
    order: 'You were adding or changing an order in Case & people when the diary locked. It was kept.' }[draft.kind];
  const back = { add: () => ctx.go('quickAdd', { draft }), amend: () => ctx.go('entry', { number: draft.number, draft }),
    risk: () => ctx.go('risk'), person: () => ctx.go('people'), order: () => ctx.go('people') }[draft.kind];
  const id = { add: 'draft-offer', amend: `draft-offer-${draft.number}`, risk: 'draft-offer-risk',
    person: `draft-offer-person-${draft.id}`, order: `draft-offer-order-${draft.id}` }[draft.kind];
  const offer = h('div', { class: 'notice stack draft-offer', role: 'status', id },
    h('p', {}, what),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', onclick: back }, 'Carry on writing'),
      h('button', { type: 'button', onclick: async () => {
        await call('discard_draft', { which: { kind: draft.kind, number: draft.number, id: draft.id } }).catch(() => {});
        offer.replaceWith(h('p', { class: 'hint', role: 'status' }, 'The draft was thrown away.'));
      } }, 'Throw it away')));
  return offer;
}

// A recovery key was shown and the screen left before the owner said it
// was written down (a lock, quick exit): it may be lost, so say so.
function keyUnkept(ctx, unlocked) {
  if (!unlocked || !unlocked.recovery_key_unkept) return null;
  return h('div', { class: 'notice stack', role: 'status', id: 'key-unkept' },
    h('p', {}, 'The last recovery key you were shown was not marked as written down. If you do not have it, make a new one now: without it, a forgotten passphrase means losing your diary.'),
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => ctx.go('settings') }, 'Make a new recovery key')));
}

// Wrong passphrases tried since the diary was last opened: someone with the
// device may have been guessing. Said once, just after unlock.
function wrongTries(unlocked) {
  if (!unlocked || !unlocked.wrong_passphrases) return null;
  const n = unlocked.wrong_passphrases;
  const here = unlocked.tried_here || 0;
  const mine = here ? ` (${Math.min(here, n)} of them just now, on the locked page)` : '';
  const last = unlocked.last_wrong_at ? ` The last was ${new Date(unlocked.last_wrong_at).toLocaleString()}.` : '';
  return h('p', { class: 'notice', role: 'status', id: 'wrong-tries' },
    `${n} wrong passphrase${n === 1 ? ' was' : 's were'} tried since you last opened your diary${mine}.${last} If that was not you, someone may be trying to get in: think about changing your passphrase in Settings.`);
}

// The last saved change, so the owner notices when the diary holds less
// than they wrote (an older copy put back while they were away).
function lastSaved(data) {
  const trouble = data.anchor_trouble
    ? h('p', { class: 'notice', role: 'status' }, 'This device cannot keep its record of your diary, so it would not notice if an older copy were put back. Keep a backup somewhere safe.')
    : null;
  const newer = data.newer_copy_seen
    ? h('p', { class: 'notice', role: 'status' }, `A copy of your diary with ${data.newer_copy_seen} entries in its log was opened on this device before; this one has ${data.log_entries}. If you did not choose this copy yourself, some entries may be missing: tell someone you trust.`)
    : null;
  if (!data.last_saved) return [trouble, newer].filter(Boolean);
  // Nodes, not a wrapper: the screen's own spacing applies to each.
  return [trouble, newer, h('p', { class: 'hint', id: 'last-saved' },
    `Last saved ${when(data.last_saved)} (entry ${data.log_entries} in the log).`)].filter(Boolean);
}

function backupNote(ctx, last) {
  const days = last ? Math.floor((Date.now() - new Date(last)) / 86400000) : null;
  if (days !== null && days < 30) return null;
  return h('div', { class: 'notice stack' },
    h('p', {}, last
      ? `Your last backup was ${days} days ago. Make a new one so nothing is lost.`
      : 'No backup yet. A backup kept away from this device means nothing is lost if it is lost or taken.'),
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => ctx.go('backup') }, 'Back up now')));
}

function filterForm(ctx, query, profile, search, applyAll) {
  const text = field('Search', h('input', { type: 'search', value: query.text || '' }), 'Results follow as you type.');
  // The list follows the words as they are typed, once typing pauses.
  text.input.addEventListener('input', () => {
    clearTimeout(pause);
    pause = setTimeout(() => search(text.input.value.trim()), 300);
  });
  const from = field('From', h('input', { type: 'date', value: query.from || '' }));
  const to = field('To', h('input', { type: 'date', value: query.to || '' }));
  const behaviour = field('Behaviour', h('select', {},
    h('option', { value: '' }, 'Any'),
    ctx.vocabulary.behaviours.map((b) => h('option', { value: b.name, selected: query.behaviour === b.name }, b.label))));
  const person = field('Person', h('select', {},
    h('option', { value: '' }, 'Anyone'),
    profile.people.map((p) => h('option', { value: p.id, selected: query.person === p.id }, p.name))));
  const apply = (event) => {
    event.preventDefault();
    const q = {};
    if (text.input.value.trim()) q.text = text.input.value.trim();
    if (from.input.value) q.from = from.input.value;
    if (to.input.value) q.to = to.input.value;
    if (behaviour.input.value) q.behaviour = behaviour.input.value;
    if (person.input.value) q.person = person.input.value;
    clearTimeout(pause);
    applyAll(q);
  };
  return h('form', { class: 'filters card', role: 'search', onsubmit: apply },
    h('h2', { class: 'visually-hidden' }, 'Find entries'),
    text.wrap,
    h('details', {}, h('summary', {}, 'Filters'), h('div', { class: 'grid' }, from.wrap, to.wrap, behaviour.wrap, person.wrap)),
    h('div', { class: 'row' },
      h('button', { type: 'submit' }, 'Show'),
      h('button', { type: 'button', class: 'quiet', onclick: () => {
        clearTimeout(pause);
        for (const input of [text.input, from.input, to.input, behaviour.input, person.input]) input.value = '';
        applyAll({});
      } }, 'Clear')));
}
