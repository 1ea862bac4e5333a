// An entry's exhibits: each with its reduced picture, what it is, and
// Remove (with a reason: the record stays, marked removed, and exports count
// it), the SHA-256 under "Technical details" (a screen reader does not read
// 64 hex digits unasked); and attaching more, with progress.

import { call } from '../ipc.js';
import { h, field, errorBox, showError, announce, when } from '../dom.js';
import { withProgress } from '../progress.js';
import { errorSummary, showProblems, clearProblems } from '../form_parts.js';
import { ticket, stillWanted, hold, drop } from '../media.js';

export { releaseMedia } from '../media.js';

function removeForm(ctx, entry, exhibit) {
  const summary = errorSummary();
  const reason = field('Why you are removing it', h('input', { type: 'text', name: 'reason' }),
    'The file is deleted from your diary. A note that it was removed, and why, stays in the record and is counted in exports.');
  const form = h('form', { class: 'stack', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    if (!reason.input.value.trim()) return showProblems(form, summary, [{ name: 'reason', message: 'Say why you are removing it.' }]);
    clearProblems(form, summary);
    try {
      await call('remove_exhibit', { number: exhibit.number, reason: reason.input.value.trim() });
      announce(`Exhibit ${exhibit.label} removed.`);
      await ctx.go('entry', { number: entry.number });
    } catch (err) {
      showProblems(form, summary, [{ name: 'reason', message: err.message || String(err) }]);
    }
  } }, summary, reason.wrap, h('button', { type: 'submit' }, 'Remove it'));
  return h('details', {}, h('summary', {}, 'Remove this file'), form);
}

// A photo full size, in the page's memory only (no copy on disk), inside
// the screen, so quick exit and the lock take it away with the rest.
function viewer(exhibit) {
  const error = errorBox();
  const holder = h('div', { class: 'stack' });
  const open = h('button', { type: 'button', onclick: async () => {
    error.hidden = true;
    try {
      const token = ticket();
      const b64 = await call('exhibit_picture', { number: exhibit.number });
      if (!stillWanted(token)) return;
      const close = h('button', { type: 'button', class: 'primary', onclick: () => {
        shown.remove();
        open.hidden = false;
        open.focus();
      } }, 'Close the picture');
      const shown = h('figure', { class: 'full-picture', id: `picture-${exhibit.number}` },
        h('img', { src: `data:${exhibit.media_type};base64,${b64}`, alt: `${exhibit.label}${exhibit.description ? `: ${exhibit.description}` : ''}, full size` }),
        h('figcaption', {}, `${exhibit.label} ${exhibit.original_name}`), close);
      open.hidden = true;
      holder.append(shown);
      close.focus();
    } catch (err) {
      showError(error, err);
    }
  } }, 'View full size');
  holder.append(open, error);
  return holder;
}

const MAX_MEDIA = 64e6;

/** "Photo", "Recording", "PDF"...: what the file is, in plain words. */
function kindOf(type) {
  if (type.startsWith('image/')) return 'Picture';
  if (type.startsWith('audio/')) return 'Recording';
  if (type.startsWith('video/')) return 'Video';
  if (type === 'application/pdf') return 'PDF document';
  if (type.startsWith('text/')) return 'Text';
  if (/word|document|rtf|opendocument/.test(type)) return 'Document';
  if (/sheet|excel|csv/.test(type)) return 'Spreadsheet';
  if (/zip|compressed|tar/.test(type)) return 'Archive';
  return 'File';
}
const isMedia = (e) => /^(audio|video)\//.test(e.media_type) && e.size <= MAX_MEDIA;

// A recording played inside the screen from the page's memory (decrypted
// and checked in Rust; no copy on disk), so quick exit takes it away too.
function player(exhibit) {
  const error = errorBox();
  const holder = h('div', { class: 'stack' });
  const kind = exhibit.media_type.startsWith('video/') ? 'video' : 'audio';
  const open = h('button', { type: 'button', onclick: async () => {
    error.hidden = true;
    try {
      const token = ticket();
      const bytes = await call('exhibit_media', { number: exhibit.number });
      // Locked or left while the bytes came: they are not played.
      if (!stillWanted(token)) return;
      const url = URL.createObjectURL(new Blob([bytes], { type: exhibit.media_type }));
      hold(url);
      const close = h('button', { type: 'button', class: 'primary', onclick: () => {
        shown.remove();
        drop(url);
        open.hidden = false;
        open.focus();
      } }, kind === 'video' ? 'Close the video' : 'Close the recording');
      const media = h(kind, { controls: true, src: url, preload: 'metadata', class: 'media' });
      const shown = h('figure', { class: 'full-picture', id: `media-${exhibit.number}` },
        media, h('figcaption', {}, `${exhibit.label} ${exhibit.original_name}${exhibit.description ? `: ${exhibit.description}` : ''}`), close);
      open.hidden = true;
      holder.append(shown);
      media.focus();
    } catch (err) {
      showError(error, err);
    }
  } }, kind === 'video' ? 'Play the video' : 'Play the recording');
  holder.append(open, error);
  return holder;
}

// Anything the page cannot show: opened in the device's own app from a
// private folder that is wiped when the diary locks.
function elsewhere(exhibit) {
  const said = h('p', { class: 'hint', role: 'status' });
  const open = h('button', { type: 'button', onclick: async () => {
    try {
      await call('open_exhibit', { number: exhibit.number });
      said.textContent = 'Opened in another app. Its copy is deleted when your diary locks.';
    } catch (err) {
      said.textContent = err.message || String(err);
    }
  } }, 'Open in another app');
  return h('div', { class: 'stack' }, open,
    h('p', { class: 'hint' }, 'That app may list the file in its own recent files, which someone else using this device could see.'), said);
}

function viewAction(exhibit) {
  if (exhibit.deleted) return null;
  // A photo up to 16 MB is shown in the page; a larger one opens elsewhere.
  if (exhibit.is_photo && exhibit.size <= 16e6) return viewer(exhibit);
  if (isMedia(exhibit)) return h('div', { class: 'stack' }, player(exhibit), elsewhere(exhibit));
  return elsewhere(exhibit);
}

function exhibitItem(ctx, entry, exhibit) {
  const removed = exhibit.deleted;
  const item = h('li', { class: 'exhibit' },
    h('div', { class: 'thumb', 'aria-hidden': 'true' }),
    h('div', { class: 'stack' },
      h('p', {}, h('strong', {}, exhibit.label), ` ${exhibit.original_name}`),
      h('p', { class: 'hint' }, `${kindOf(exhibit.media_type)}, ${(exhibit.size / 1e6).toFixed(2)} MB`, exhibit.captured_at ? `, taken ${exhibit.captured_at} (per the file)` : ''),
      exhibit.description ? h('p', {}, exhibit.description) : null,
      removed ? h('p', { class: 'notice' }, `Removed ${when(removed.recorded_at)}: ${removed.reason}`) : null,
      h('details', {}, h('summary', {}, 'Technical details'),
        h('p', { class: 'hash' }, `SHA-256 ${exhibit.sha256}`),
        h('p', { class: 'hint' }, `Attached ${when(exhibit.added_at)}. The SHA-256 is the file's fingerprint: the export lists it, and the officer checks the file against it.`)),
      viewAction(exhibit),
      removed || entry.withdrawn ? null : removeForm(ctx, entry, exhibit)));
  if (exhibit.is_photo) {
    call('exhibit_thumbnail', { number: exhibit.number }).then((b64) => {
      if (!b64) return;
      const img = h('img', { src: `data:image/jpeg;base64,${b64}`, alt: `Photo ${exhibit.label}, reduced copy`, class: 'thumb' });
      item.querySelector('.thumb').replaceWith(img);
    }).catch(() => {});
  }
  return item;
}

// The files chosen, each with its own description, then "Attach".
function describeStep(ctx, entry, picked, holder, error, reset) {
  const fields = picked.map((file, i) => field(`What is ${file.name}? (optional)`,
    h('input', { type: 'text', name: `description-${i}` }),
    `${(file.size / 1e6).toFixed(2)} MB. For example: "Screenshot of his message of 3 March".`));
  const attach = h('button', { type: 'button', class: 'primary', onclick: async () => {
    const descriptions = fields.map((f) => f.input.value);
    const added = await withProgress({ task: 'attach', label: 'Encrypting the files', holder, button: attach, error },
      () => call('attach_files', { number: entry.number, descriptions }));
    if (!added) return;
    announce(`${added.length} file${added.length === 1 ? '' : 's'} attached.`);
    await ctx.go('entry', { number: entry.number });
  } }, picked.length === 1 ? 'Attach it' : `Attach these ${picked.length} files`);
  return h('div', { class: 'stack', id: 'describe-files' },
    fields.map((f) => f.wrap),
    h('div', { class: 'actions' }, attach, h('button', { type: 'button', class: 'quiet', onclick: reset }, 'Cancel')));
}

export function exhibits(ctx, entry) {
  const error = errorBox();
  const holder = h('div');
  const step = h('div', { class: 'stack' });
  const choose = h('button', { type: 'button', onclick: async () => {
    error.hidden = true;
    try {
      const picked = await call('pick_files');
      choose.hidden = true;
      step.replaceChildren(describeStep(ctx, entry, picked, holder, error, () => {
        step.replaceChildren();
        choose.hidden = false;
        choose.focus();
      }));
      step.querySelector('input').focus();
    } catch (err) {
      if (err.code !== 'cancelled') showError(error, err);
    }
  } }, 'Attach photos or files');
  const list = h('ul', { class: 'exhibits' }, entry.exhibits.map((e) => exhibitItem(ctx, entry, e)));
  // Rust sends a hundred files at a time; more come on request.
  const more = h('button', { type: 'button', hidden: entry.exhibits.length >= entry.exhibits_total, onclick: async () => {
    const from = list.children.length;
    const next = await call('incident', { number: entry.number, exhibitsFrom: from });
    list.append(...next.exhibits.map((e) => exhibitItem(ctx, entry, e)));
    more.hidden = list.children.length >= next.exhibits_total;
    list.children[from]?.querySelector('button, summary')?.focus();
  } }, 'Show more files');
  return h('section', { class: 'card', 'aria-labelledby': 'exhibits-title' },
    h('h2', { id: 'exhibits-title' }, 'Exhibits'),
    entry.exhibits.length ? list : h('p', {}, 'No files attached.'),
    entry.exhibits_total > entry.exhibits.length ? h('p', { class: 'hint' }, `${entry.exhibits_total} files in all.`) : null,
    more,
    entry.withdrawn ? null : h('div', { class: 'stack' }, choose, step, holder, error));
}
