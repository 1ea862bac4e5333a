// Messages: the conversations imported from messaging apps, and the way
// to import another (an export made in WhatsApp, Telegram, an SMS backup
// app or an email program: the original is kept as an exhibit).

import { call } from '../ipc.js';
import { h, whenDay } from '../dom.js';

const formatName = { whatsapp: 'WhatsApp', telegram: 'Telegram', sms: 'Text messages (SMS)', email: 'Email' };

function conversationCard(ctx, c) {
  const span = c.first && c.last ? `${whenDay(c.first)} to ${whenDay(c.last)}` : 'no dated messages';
  return h('li', { class: 'card stack' },
    h('h2', {}, c.title),
    h('p', {}, `${c.messages} message${c.messages === 1 ? '' : 's'}, ${span}.`),
    h('p', { class: 'hint' }, `${formatName[c.format] || c.format} export, kept as exhibit ${c.original}. Times read in ${c.zone}.`
      + (c.flagged ? ` ${c.flagged} line${c.flagged === 1 ? ' was' : 's were'} not part of any message and ${c.flagged === 1 ? 'is' : 'are'} flagged.` : '')),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', dataset: { conversation: c.number }, onclick: () => ctx.go('conversation', { number: c.number }) },
        `Open ${c.title}`)));
}

export async function render(ctx, params = {}) {
  const { conversations: all, total } = await call('conversations');
  return h('section', { class: 'stack', 'aria-labelledby': 'messages-title' },
    h('div', { class: 'title-row' },
      h('h1', { id: 'messages-title' }, 'Messages'),
      h('button', { type: 'button', class: 'primary', onclick: () => ctx.go('importChat') }, 'Import a chat')),
    params.saved ? h('p', { class: 'notice', role: 'status' }, params.saved) : null,
    h('p', {}, 'Bring in a whole conversation instead of screenshots: export it from the app, then import the file here. Every message is kept with its time and sender, and the exported file is kept unchanged as an exhibit, so anyone can check it.'),
    total > all.length ? h('p', { class: 'hint' }, `The first ${all.length} of ${total} conversations are shown.`) : null,
    all.length
      ? h('ul', { class: 'items', 'aria-label': 'Imported conversations' }, all.map((c) => conversationCard(ctx, c)))
      : h('p', { class: 'hint' }, 'No conversations imported yet.'));
}
