// The timeline with N entries in headless Chromium, the Rust side replaced
// by mock-ipc.js (paging as Rust pages). Run by benches/timeline.sh:
//   node timeline-bench.mjs [N]
// Times, inside the page: the first drawn timeline after the page loads,
// "Show 50 more", a search (after the 300 ms pause), a behaviour filter.
// Best of 5 page loads. Figures only: nothing is asserted.

import { serveUi, launch, mock } from './serve.mjs';

const n = Number(process.argv[2] || 100000);
const { url, server } = await serveUi();
const browser = await launch();

// Runs `action`, resolves with the milliseconds until `done` holds (checked every frame).
const timed = (page, action, done) => page.evaluate(([a, d]) => new Promise((ok) => {
  const t0 = performance.now();
  new Function(a)();
  const check = () => (new Function(`return (${d});`)() ? ok(performance.now() - t0) : requestAnimationFrame(check));
  requestAnimationFrame(check);
}), [action, done]);

const best = {};
const keep = (name, ms) => { best[name] = Math.min(best[name] ?? Infinity, ms); };
for (let run = 0; run < 5; run++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(`window.__MOCK__ = ${JSON.stringify({ mode: 'long', entries: n })};\n${mock}`);
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => document.querySelectorAll('.entries > li').length > 0, null, { timeout: 60000 });
  keep('page load to a drawn timeline', await page.evaluate(() => performance.now()));
  keep('"Show 50 more" to the lines drawn', await timed(page, "document.getElementById('show-more').click();", "document.querySelectorAll('.entries > li').length > 50"));
  keep('search to a drawn page (after the 300 ms pause)', (await timed(page,
    "const b = document.querySelector('input[type=search]'); b.value = 'bus stop'; b.dispatchEvent(new Event('input', {bubbles: true}));",
    "document.getElementById('timeline-shown').textContent.includes('matching')")) - 300);
  keep('behaviour filter to a drawn page', await timed(page,
    "window.__before = document.getElementById('timeline-shown').textContent; const f = document.querySelector('form.filters'); f.querySelector('input[type=search]').value = ''; f.querySelectorAll('select')[0].value = 'following'; f.requestSubmit();",
    "document.getElementById('timeline-shown').textContent !== window.__before && document.querySelectorAll('.entries > li').length > 0"));
  await context.close();
}
for (const [name, ms] of Object.entries(best)) console.log(`| ${name} | ${ms.toFixed(0)} ms |`);
await browser.close();
server.close();
