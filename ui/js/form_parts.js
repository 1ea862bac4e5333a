// Parts the longer forms share: radio and checkbox groups, reading and
// writing a form's values by control name (what a draft keeps), and errors
// as GOV.UK shows them: a summary at the top whose links move to each
// field, and the message again beside the field, tied to it with
// aria-describedby and aria-invalid.

import { h, uid } from './dom.js';

/** Radios under a legend; none chosen unless `chosen` (GOV.UK: a default
 * answer is only given where the form already knows it). */
export function choices(legend, name, options, chosen = null) {
  return h('fieldset', { class: 'choices' }, h('legend', {}, legend),
    options.map(([value, label]) => {
      const id = uid(name);
      return h('div', { class: 'check' },
        h('input', { type: 'radio', name, value, id, checked: value === chosen }),
        h('label', { for: id }, label));
    }));
}

/** Checkboxes under a legend, from [value, label] pairs. */
export function checkboxes(legend, name, options) {
  return h('fieldset', { class: 'choices' }, h('legend', {}, legend),
    options.map(([value, label]) => {
      const id = uid(name);
      return h('div', { class: 'check' }, h('input', { type: 'checkbox', name, value, id }), h('label', { for: id }, label));
    }));
}

/** Non-empty trimmed lines of a text area. */
export const lines = (text) => (text || '').split('\n').map((l) => l.trim()).filter(Boolean);

/** Every named control's value: checkbox groups as lists of the checked
 * values, radio groups as the chosen value ('' when none). */
export function valuesOf(form) {
  const values = {};
  for (const el of form.querySelectorAll('[name]')) {
    if (el.type === 'checkbox') {
      values[el.name] = values[el.name] || [];
      if (el.checked) values[el.name].push(el.value);
    } else if (el.type === 'radio') {
      if (!(el.name in values)) values[el.name] = '';
      if (el.checked) values[el.name] = el.value;
    } else {
      values[el.name] = el.value;
    }
  }
  return values;
}

/** Puts `values` (as valuesOf returns them) back into the form's controls;
 * names it does not hold are left alone. */
export function fill(form, values) {
  for (const el of form.querySelectorAll('[name]')) {
    if (!(el.name in values)) continue;
    const v = values[el.name];
    if (el.type === 'checkbox') el.checked = Array.isArray(v) && v.includes(el.value);
    else if (el.type === 'radio') el.checked = el.value === v;
    else if (typeof v === 'string') el.value = v;
  }
}

/** The control (or first of a group) named `name`. */
function controlOf(form, name) {
  return form.querySelector(`[name="${CSS.escape(name)}"]`);
}

/** Removes the errors shown by `showProblems`. */
export function clearProblems(form, summary) {
  document.title = document.title.replace(/^Error: /, '');
  summary.hidden = true;
  summary.replaceChildren();
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    const ids = (el.getAttribute('aria-describedby') || '').split(' ').filter((id) => id && !id.startsWith('err-'));
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
    else el.removeAttribute('aria-describedby');
  }
}

/**
 * Shows `found` ([{name, message}]): a summary (focused, so it is read
 * first) with a link per problem, and each message beside its field. A
 * problem whose field is not on the form is listed in the summary only.
 */
export function showProblems(form, summary, found) {
  clearProblems(form, summary);
  const links = found.map(({ name, message }) => {
    const control = name ? controlOf(form, name) : null;
    if (!control) return h('li', {}, message);
    const errorId = `err-${uid(name)}`;
    const group = control.type === 'radio' || control.type === 'checkbox' ? control.closest('fieldset') : null;
    const holder = group || control.closest('.field') || control.parentElement;
    const anchor = group ? group.querySelector('legend') : holder.querySelector('label');
    (anchor || holder.firstChild).after(h('p', { class: 'field-error', id: errorId }, h('span', { class: 'visually-hidden' }, 'Error: '), message));
    const target = group ? group.querySelector('input') : control;
    for (const el of group ? group.querySelectorAll('input') : [control]) {
      el.setAttribute('aria-invalid', 'true');
      el.setAttribute('aria-describedby', `${el.getAttribute('aria-describedby') || ''} ${errorId}`.trim());
    }
    if (holder.closest('details')) holder.closest('details').open = true;
    return h('li', {}, h('a', { href: `#${target.id}`, onclick: (event) => {
      event.preventDefault();
      target.focus();
    } }, message));
  });
  summary.append(h('h2', { class: 'error-summary-title' }, 'There is a problem'), h('ul', {}, links));
  summary.hidden = false;
  // As GOV.UK does: the page title says there is an error, so it is heard first.
  if (!document.title.startsWith('Error: ')) document.title = `Error: ${document.title}`;
  summary.focus();
}

/** The summary box `showProblems` fills; place it at the top of the form. */
export function errorSummary() {
  return h('div', { class: 'error-summary', tabindex: '-1', role: 'alert', hidden: true });
}
