// The incidents-per-week chart: an SVG of bars with a text summary for
// screen readers, and the numbers as a table for anyone who wants them.
// Bars carry their count as text too, so colour is never the only signal.

import { h } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function dayLabel(iso) {
  return new Date(`${iso}T12:00:00`).toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}

/** A sentence describing the weeks. */
export function summary(weeks) {
  if (!weeks.length) return 'No incidents recorded yet.';
  const total = weeks.reduce((n, w) => n + w.count, 0);
  const busiest = weeks.reduce((a, b) => (b.count > a.count ? b : a));
  const recent = weeks.slice(-4).reduce((n, w) => n + w.count, 0);
  return `${total} incident${total === 1 ? '' : 's'} over ${weeks.length} week${weeks.length === 1 ? '' : 's'}, `
    + `from the week of ${dayLabel(weeks[0].start)}. Busiest: week of ${dayLabel(busiest.start)} with ${busiest.count}. `
    + `Last four weeks: ${recent}.`;
}

/** `before`: incidents in weeks older than those given (Rust sends five
 * years of weeks at most). */
export function chart(weeks, before = 0) {
  const older = before
    ? h('p', { class: 'hint' }, `${before} earlier incident${before === 1 ? ' is' : 's are'} not in these numbers, which cover the last five years of the diary.`)
    : null;
  const id = `chart-${Math.random().toString(36).slice(2)}`;
  const text = h('p', { id, class: 'chart-summary' }, summary(weeks));
  if (!weeks.length) return h('div', { class: 'chart' }, text);
  const shown = weeks.slice(-26);
  const max = Math.max(1, ...shown.map((w) => w.count));
  const barWidth = 24;
  const height = 120;
  // Room for at least 13 weeks, newest at the right, so a few weeks do not
  // stretch into wide slabs.
  const slots = Math.max(shown.length, 13);
  const width = slots * barWidth;
  const offset = slots - shown.length;
  const bars = shown.map((w, i) => {
    const barHeight = Math.round((w.count / max) * (height - 24));
    const x = (offset + i) * barWidth;
    return svg('g', {},
      svg('rect', { x: x + 3, y: height - barHeight, width: barWidth - 6, height: barHeight, class: 'bar' }),
      w.count ? svg('text', { x: x + barWidth / 2, y: height - barHeight - 4, 'text-anchor': 'middle', class: 'bar-label' }, w.count) : '');
  });
  // Dates under the bars: the month where one starts (and the first week's),
  // so a week can be found on a calendar.
  const months = shown.map((w, i) => {
    const start = new Date(`${w.start}T12:00:00`);
    const before = i ? new Date(`${shown[i - 1].start}T12:00:00`) : null;
    if (before && before.getMonth() === start.getMonth()) return '';
    const text = start.toLocaleDateString(undefined, i === 0 || start.getMonth() === 0 ? { month: 'short', year: '2-digit' } : { month: 'short' });
    return svg('text', { x: (offset + i) * barWidth + 3, y: height + 14, class: 'axis-label' }, text);
  });
  const picture = svg('svg', { viewBox: `0 0 ${width} ${height + 18}`, role: 'img', 'aria-labelledby': id, class: 'chart-svg', preserveAspectRatio: 'xMaxYMax meet' },
    svg('line', { x1: 0, y1: height + 0.5, x2: width, y2: height + 0.5, class: 'axis' }), ...bars, ...months);
  // Up to five years of weeks: the rows are made when the table is first
  // opened, not at every search and filter.
  const rows = h('tbody', {});
  const table = h('details', { class: 'chart-table', ontoggle: () => {
    if (table.open && !rows.firstChild) rows.append(...weeks.map((w) => h('tr', {}, h('td', {}, dayLabel(w.start)), h('td', {}, w.count))));
  } },
  h('summary', {}, 'Show the numbers'),
  h('table', {},
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Week of'), h('th', { scope: 'col' }, 'Incidents'))),
    rows));
  return h('div', { class: 'chart' }, text, picture, shown.length < weeks.length ? h('p', { class: 'hint' }, 'The chart shows the last 26 weeks.') : null, older, table);
}
