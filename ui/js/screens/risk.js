// The 11 S-DASH screening questions: answered and dated, a note per
// question, who helped, and every earlier check listed. No answer is
// chosen for the victim (GOV.UK: never pre-select), an unanswered question
// is kept as "not answered", and nothing is added up: the questions are
// for the professional who reads them, not a score.

import { call } from '../ipc.js';
import { h, field, announce, localInputValue } from '../dom.js';
import * as drafts from '../drafts.js';
import { choices, valuesOf, fill, errorSummary, showProblems, clearProblems } from '../form_parts.js';

const ANSWERS = [['yes', 'Yes'], ['no', 'No'], ['unknown', 'Not sure']];

/** What follows "Are you very frightened? Yes": plain words, who to call. */
function frightened() {
  return h('div', { class: 'notice stack', role: 'status', id: 'very-frightened' },
    h('p', {}, 'Being very frightened is one of the strongest signs of danger that police and support services look for. Your fear is enough to act on.'),
    h('p', {}, 'If you are in danger now, call 999. From a mobile, if you cannot speak, call 999 and then press 55 when asked: the police will know it is a real call.'),
    h('p', {}, 'Otherwise, tell the officer in your case and call the National Stalking Helpline on 0808 802 0300, or see Staying safe in the menu for other services.'));
}

function question(q, i) {
  const note = field('Note (optional)', h('textarea', { name: `${q.name}-note`, rows: 2 }));
  const group = choices(`${i + 1}. ${q.label}`, q.name, ANSWERS);
  group.append(note.wrap);
  return group;
}

function pastChecks(vocabulary, checks) {
  if (!checks.length) return h('p', {}, 'No risk check recorded yet.');
  const label = (name) => vocabulary.risk_questions.find((q) => q.name === name)?.label || name;
  const said = (check, answer) => vocabulary.risk_questions
    .filter((q) => (check.answers[q.name]?.answer || 'unknown') === answer).map((q) => q.label);
  return h('ol', { class: 'history', reversed: true }, [...checks].reverse().map((c) => h('li', {},
    h('h3', {}, `Check of ${c.date}${c.completed_with ? `, with ${c.completed_with}` : ''}`),
    h('p', {}, h('strong', {}, 'Yes: '), said(c, 'yes').join('; ') || 'none'),
    h('p', {}, h('strong', {}, 'No: '), said(c, 'no').join('; ') || 'none'),
    h('p', {}, h('strong', {}, 'Not sure or not answered: '), said(c, 'unknown').join('; ') || 'none'),
    Object.entries(c.answers).filter(([, a]) => a.note).map(([name, a]) => h('p', { class: 'prewrap' }, h('strong', {}, `${label(name)}: `), a.note)))));
}

export async function render(ctx, params = {}) {
  const [profile, kept] = await Promise.all([call('profile'), drafts.find({ kind: 'risk' })]);
  const summary = errorSummary();
  // Today where she is (toISOString would give yesterday after midnight in summer time).
  const today = localInputValue().slice(0, 10);
  const date = field('Date', h('input', { type: 'date', name: 'date', value: today }));
  const helped = field('Completed with (optional)', h('input', { type: 'text', name: 'completed_with' }),
    'Who helped you answer, for example your IDVA or the officer in your case.');
  const after = h('div');
  const questions = ctx.vocabulary.risk_questions.map(question);
  const form = h('form', { class: 'stack', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    const v = valuesOf(form);
    if (!v.date) return showProblems(form, summary, [{ name: 'date', message: 'Enter the date of the check.' }]);
    const answers = {};
    for (const q of ctx.vocabulary.risk_questions) {
      const note = (v[`${q.name}-note`] || '').trim();
      // Not answered: left out, which the diary keeps as "not known".
      if (v[q.name] || note) answers[q.name] = { answer: v[q.name] || 'unknown', note };
    }
    clearProblems(form, summary);
    try {
      await call('add_risk_check', { check: { date: v.date, answers, completed_with: v.completed_with.trim() } });
      await drafts.discard({ kind: 'risk' });
      announce('Risk check saved.');
      await ctx.go('risk', { saved: true });
    } catch (err) {
      showProblems(form, summary, [{ name: null, message: err.message || String(err) }]);
    }
  } }, summary, date.wrap, helped.wrap, questions[0], after, questions.slice(1),
  h('button', { type: 'submit', class: 'primary' }, 'Save the answers'));
  const frightenedSaid = () => {
    const yes = form.querySelector('input[name="very_frightened"][value="yes"]')?.checked;
    after.replaceChildren(...(yes ? [frightened()] : []));
  };
  form.addEventListener('change', frightenedSaid);
  // Answers half given come back (a lock, or quick exit to copy something).
  const blank = JSON.stringify(valuesOf(form));
  if (kept?.values) {
    fill(form, kept.values);
    frightenedSaid();
  }
  drafts.keep(form, () => {
    const values = valuesOf(form);
    return JSON.stringify(values) === blank ? null : { kind: 'risk', values };
  });
  return h('section', { class: 'stack', 'aria-labelledby': 'risk-title' },
    h('h1', { id: 'risk-title' }, 'Risk check'),
    params.saved ? h('p', { class: 'notice', role: 'status' }, 'The risk check was saved. It is listed under Earlier checks.') : null,
    kept ? h('p', { class: 'notice', role: 'status' }, 'The answers you had started are back. Carry on where you left off.') : null,
    h('p', {}, 'These are the screening questions police and support services use for stalking (S-DASH). They are not a score: each answer helps the person assessing the risk. Answer what you can; leave out what you do not want to answer. Each check is dated and kept, none is overwritten.'),
    h('section', { class: 'card' }, form),
    h('section', { class: 'card stack', 'aria-labelledby': 'past-title' },
      h('h2', { id: 'past-title' }, 'Earlier checks'),
      pastChecks(ctx.vocabulary, profile.risk_checks)));
}
