// The 11 S-DASH screening questions, answered and dated.

import { call } from '../ipc.js';
import { h, errorBox, showError, announce } from '../dom.js';

const ANSWERS = [['yes', 'Yes'], ['no', 'No'], ['unknown', 'Not sure']];

export async function render(ctx) {
  const profile = await call('profile');
  const error = errorBox();
  const today = new Date().toISOString().slice(0, 10);
  const date = h('input', { type: 'date', id: 'risk-date', value: today, required: true });
  const questions = ctx.vocabulary.risk_questions.map((q, i) => h('fieldset', { class: 'choices' },
    h('legend', {}, `${i + 1}. ${q.label}`),
    h('div', { class: 'row' }, ANSWERS.map(([value, label]) => {
      const id = `q-${q.name}-${value}`;
      return h('div', { class: 'check' }, h('input', { type: 'radio', name: q.name, value, id, checked: value === 'unknown' }), h('label', { for: id }, label));
    }))));
  const form = h('form', { class: 'stack', onsubmit: async (event) => {
    event.preventDefault();
    const answers = {};
    for (const q of ctx.vocabulary.risk_questions) {
      answers[q.name] = { answer: form.querySelector(`input[name="${q.name}"]:checked`).value };
    }
    try {
      await call('add_risk_check', { check: { date: date.value, answers } });
      announce('Risk check saved.');
      await ctx.go('risk');
    } catch (err) {
      showError(error, err);
    }
  } }, h('div', { class: 'field' }, h('label', { for: 'risk-date' }, 'Date'), date), questions, error,
  h('button', { type: 'submit', class: 'primary' }, 'Save the answers'));
  const latest = profile.risk_checks[profile.risk_checks.length - 1];
  return h('section', { class: 'stack', 'aria-labelledby': 'risk-title' },
    h('h1', { id: 'risk-title' }, 'Risk check'),
    h('p', {}, 'These are the screening questions police and support services use (S-DASH). Your answers are dated and kept; each check is added, none is overwritten.'),
    latest ? h('p', { class: 'notice' }, `Last check: ${latest.date}, ${Object.values(latest.answers).filter((a) => a.answer === 'yes').length} of 11 answered yes.`) : null,
    h('section', { class: 'card' }, form));
}
