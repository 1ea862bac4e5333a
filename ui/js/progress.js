// A progress bar fed by the Rust side's `progress` events.

import { onProgress } from './ipc.js';
import { h, showError } from './dom.js';
import * as safety from './safety.js';

/** Returns {element, stop}: the bar follows events of `task` until stopped. */
export async function progressBar(task, label) {
  const bar = h('progress', { max: 1, value: 0, 'aria-label': label });
  const step = h('p', { class: 'hint', 'aria-live': 'polite' }, 'Starting…');
  const element = h('div', { class: 'progress' }, bar, step);
  const unlisten = await onProgress((p) => {
    if (p.task !== task) return;
    bar.max = Math.max(1, p.total);
    bar.value = p.done;
    const percent = p.total ? Math.round((p.done / p.total) * 100) : 0;
    step.textContent = `${p.step}: ${percent}%`;
  });
  return { element, stop: () => unlisten() };
}

/**
 * Runs `work()` (an IPC call) with a progress bar for `task` in `holder`:
 * the button is disabled meanwhile, the idle lock waits for it (quick exit
 * does not), and an error other than a cancelled dialog is shown in
 * `error`. Returns the result, or null when it failed or was cancelled.
 */
export async function withProgress({ task, label, holder, button, error }, work) {
  button.disabled = true;
  const bar = await progressBar(task, label);
  holder.replaceChildren(bar.element);
  try {
    return await safety.whileBusy(work());
  } catch (err) {
    holder.replaceChildren();
    if (err.code !== 'cancelled') showError(error, err);
    return null;
  } finally {
    bar.stop();
    button.disabled = false;
  }
}
