// A progress bar fed by the Rust side's `progress` events.

import { onProgress } from './ipc.js';
import { h } from './dom.js';

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
