// Building the page with DOM calls only: text is always set as text, never
// parsed as HTML, so nothing typed into the diary can become markup.

/** h('button', {type: 'button', onclick}, 'Save') */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

let ids = 0;
/** A unique id for label/field pairs. */
export const uid = (prefix) => `${prefix}-${++ids}`;

/** A labelled field: returns {wrap, input}. */
export function field(label, control, hint) {
  const id = control.id || uid('f');
  control.id = id;
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  const wrap = h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl);
  return { wrap, input: control };
}

/** Says something to screen readers without moving focus. */
export function announce(text) {
  // Nothing of the diary is said once it is locked or hidden (a save that
  // finishes after a quick exit).
  if (document.body.classList.contains('neutral')) return;
  const region = document.getElementById('announce');
  if (region) {
    region.textContent = '';
    region.textContent = text;
  }
}

/** An error line that screen readers read out. */
export function errorBox() {
  return h('p', { class: 'error', role: 'alert', hidden: true });
}

export function showError(box, err) {
  box.textContent = err && err.message ? err.message : String(err);
  box.hidden = false;
}

/** The time as recorded, in its own offset: "Sat 14 Mar 2026, 18:30 (+01:00)".
 * Shown as the wall-clock time where it happened, not converted to this
 * device's zone, as in the report. */
export function when(iso) {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::\d\d(?:\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.exec(iso);
  if (!m) return iso;
  const [, y, mo, d, hh, mm, zone] = m;
  const wall = new Date(Date.UTC(+y, +mo - 1, +d, +hh, +mm));
  const text = wall.toLocaleString(undefined, {
    weekday: 'short', day: 'numeric', month: 'short', year: 'numeric',
    hour: '2-digit', minute: '2-digit', timeZone: 'UTC',
  });
  return `${text} (${zone === 'Z' ? '+00:00' : zone})`;
}

/** The day only, for an entry whose time is not known: "Sat 14 Mar 2026". */
export function whenDay(iso) {
  const m = /^(\d{4})-(\d\d)-(\d\d)/.exec(iso);
  if (!m) return iso;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).toLocaleDateString(undefined, {
    weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC',
  });
}

/** Now as RFC 3339 with the device's offset, to the minute, for <input type=datetime-local>. */
export function localInputValue(date = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A datetime-local value to RFC 3339 with the device's offset for that moment. */
export function toRfc3339(local) {
  const d = new Date(local);
  const minutes = -d.getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  const pad = (n) => String(Math.abs(n)).padStart(2, '0');
  return `${local.length === 16 ? `${local}:00` : local}${sign}${pad(Math.trunc(minutes / 60))}:${pad(minutes % 60)}`;
}
