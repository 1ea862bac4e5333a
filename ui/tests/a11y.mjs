// Accessibility and layout checks of every screen in headless Chromium,
// with the Rust side replaced by mock-ipc.js (the only thing mocked).
// For each screen, at 390x844 (phone) and 1280x800 (desktop):
//   - axe-core (WCAG 2.0-2.2 A and AA rules): no serious or critical violation;
//   - every button, link, input, select and summary at least 44 px high
//     (phone size);
//   - no sideways scrolling at 320 px wide, nor at 390 px with text at 200%;
//   - nothing stored by the page (localStorage, sessionStorage, IndexedDB);
// then a keyboard-only run (Tab, Enter, typing; no pointer) from the diary
// to a saved entry and a quick exit, checking that focus is always visible.
// Screenshots go to target/ui-screens/. Exit code 1 on any failure.

import { mkdir } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { serveUi, launch, mock } from './serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const shots = join(here, '..', '..', 'target', 'ui-screens');
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const { url, server } = await serveUi();
const browser = await launch();

// A section in the menu is behind "Menu" on a phone: open it first.
const clickButton = (text) => async (page) => {
  const button = page.getByRole('button', { name: text, exact: true, includeHidden: true }).first();
  await button.waitFor({ state: 'attached' });
  if (!(await button.isVisible()) && await page.locator('#menu-toggle').isVisible()) {
    await page.locator('#menu-toggle').click();
  }
  await button.click();
};
// The discreet way in from the locked page: press and hold its title.
const holdTitle = async (page) => {
  await page.locator('#neutral-open').hover();
  await page.mouse.down();
  await page.waitForTimeout(1300);
  await page.mouse.up();
  await page.locator('#unlock-form').waitFor();
};
const screens = [
  { name: 'welcome', mode: 'welcome', ready: '#welcome-title' },
  { name: 'recovery-key', mode: 'welcome', ready: '#key-title', steps: async (page) => {
    await page.locator('input[autocomplete=new-password]').nth(0).fill('violet harbour lantern');
    await page.locator('input[autocomplete=new-password]').nth(1).fill('violet harbour lantern');
    await clickButton('Create my diary')(page);
  } },
  { name: 'practice', mode: 'welcome', ready: '#practice-result', steps: async (page) => {
    await page.locator('input[autocomplete=new-password]').nth(0).fill('violet harbour lantern');
    await page.locator('input[autocomplete=new-password]').nth(1).fill('violet harbour lantern');
    await clickButton('Create my diary')(page);
    await page.locator('#kept-key').check();
    await clickButton('Continue to my diary')(page);
    await page.locator('#practice-title').waitFor();
    // The button is a rehearsal here too (a phone has no Shift key).
    await page.locator('#quick-exit').click();
    await page.locator('#practice-result:not([hidden])').waitFor();
    if (await page.locator('#neutral-title').count()) throw new Error('the practice run exited for real');
    for (let i = 0; i < 3; i += 1) await page.keyboard.press('Shift');
    await page.locator('#practice-result').waitFor();
  } },
  { name: 'staying-safe-first', mode: 'welcome', ready: '#safe-title', steps: async (page) => {
    await page.locator('#welcome-safety').click();
    await page.locator('#safe-title').waitFor();
    if (await page.locator('#nav').isVisible()) throw new Error('the menu shows before a diary exists');
    await clickButton('Back to creating your diary')(page);
    await page.locator('#welcome-title').waitFor();
    await page.locator('#welcome-safety').click();
  } },
  { name: 'restore', mode: 'welcome', ready: '#restore-title', steps: clickButton('I have a backup: restore it instead') },
  { name: 'restored', mode: 'welcome', ready: '#restored', steps: async (page) => {
    await clickButton('I have a backup: restore it instead')(page);
    await page.locator('#restore-pass').fill('violet harbour lantern');
    await clickButton('Choose the backup file, then restore')(page);
  } },
  { name: 'locked', mode: 'unlock', ready: '#neutral-title' },
  { name: 'unlock', mode: 'unlock', ready: '#unlock-form', steps: holdTitle },
  { name: 'unlock-older-copy', mode: 'went_back', ready: '#accept-older', steps: async (page) => {
    await holdTitle(page);
    await page.locator('input[autocomplete=current-password]').fill('violet harbour lantern');
    await clickButton('Open')(page);
  } },
  { name: 'unlocked-after-guesses', mode: 'guessed', ready: '#key-unkept', steps: async (page) => {
    await holdTitle(page);
    await page.locator('input[autocomplete=current-password]').fill('violet harbour lantern');
    await clickButton('Open')(page);
  } },
  { name: 'draft-offered', mode: 'drafted', ready: '#draft-offer-4', steps: async (page) => {
    await holdTitle(page);
    await page.locator('input[autocomplete=current-password]').fill('violet harbour lantern');
    await clickButton('Open')(page);
    await page.locator('#draft-offer').waitFor();
  } },
  { name: 'people-draft-back', mode: 'drafted', ready: 'details[open] input[name=reason]', steps: async (page) => {
    await holdTitle(page);
    await page.locator('input[autocomplete=current-password]').fill('violet harbour lantern');
    await clickButton('Open')(page);
    await page.locator('#draft-offer-person-' + 'a'.repeat(32)).waitFor();
    await clickButton('Case & people')(page);
    const reason = await page.locator('details[open] input[name=reason]').inputValue();
    if (reason !== 'Saw a second car') throw new Error(`the correction did not come back: ${reason}`);
  } },
  { name: 'draft-back', mode: 'drafted', ready: '#add-title', steps: async (page) => {
    await holdTitle(page);
    await page.locator('input[autocomplete=current-password]').fill('violet harbour lantern');
    await clickButton('Open')(page);
    await clickButton('Carry on writing')(page);
    const text = await page.locator('textarea').first().inputValue();
    if (!text.startsWith('He was outside again')) throw new Error(`the draft did not come back: ${text}`);
  } },
  { name: 'still-there', mode: 'open', ready: '#still-there:not([hidden])', clock: true, steps: async (page) => {
    await page.locator('#timeline-title').waitFor();
    await page.clock.fastForward('04:35');
  } },
  { name: 'unlock-recover', mode: 'unlock', ready: '#recover-key-input', steps: async (page) => {
    await holdTitle(page);
    await clickButton('Forgotten your passphrase? Use your recovery key')(page);
  } },
  { name: 'recovered', mode: 'unlock', ready: '#kept-key', steps: async (page) => {
    await holdTitle(page);
    await clickButton('Forgotten your passphrase? Use your recovery key')(page);
    await page.locator('#recover-key-input').fill('EM6S-5QBU-YF7Z-O5H7-HABY-HHRB-4SNR-VWS6-SUA2-TX73-2X5T-D26J-NQJQ-XLMD');
    for (const input of await page.locator('input[autocomplete=new-password]').all()) await input.fill('amber meadow compass river');
    await clickButton('Open with the recovery key')(page);
  } },
  { name: 'timeline', mode: 'open', ready: '#timeline-title' },
  { name: 'timeline-warnings', mode: 'warnings', ready: '#last-saved' },
  { name: 'quick-add', mode: 'open', ready: '#add-title', steps: clickButton('Add an incident') },
  { name: 'entry', mode: 'open', ready: '#entry-title', steps: async (page) => {
    await page.locator('.entry-line').first().click();
  } },
  { name: 'attach-describe', mode: 'open', ready: '#describe-files', steps: async (page) => {
    await page.locator('.entry-line').first().click();
    await clickButton('Attach photos or files')(page);
  } },
  { name: 'exhibit-full-size', mode: 'open', ready: '.full-picture img', steps: async (page) => {
    await page.locator('.entry-line').first().click();
    await clickButton('View full size')(page);
  } },
  { name: 'exhibit-play', mode: 'open', ready: '#media-2 audio', steps: async (page) => {
    await page.locator('.entry-line').first().click();
    await clickButton('Play the recording')(page);
    await page.waitForFunction(() => document.querySelector('#media-2 audio')?.readyState >= 1);
    await page.getByRole('button', { name: 'Open in another app' }).last().click();
    await page.getByText('Its copy is deleted when your diary locks').waitFor();
  } },
  { name: 'withdraw-error', mode: 'open', ready: '.error-summary:not([hidden])', steps: async (page) => {
    await page.locator('.entry-line').first().click();
    await page.getByText('Withdraw this entry').click();
    await clickButton('Withdraw')(page);
    if (!(await page.title()).startsWith('Error: ')) throw new Error('the page title does not say there is an error');
  } },
  { name: 'exhibit-remove-error', mode: 'open', ready: '.exhibit .error-summary:not([hidden])', steps: async (page) => {
    await page.locator('.entry-line').first().click();
    await page.getByText('Remove this file').first().click();
    await clickButton('Remove it')(page);
  } },
  { name: 'exhibit-remove', mode: 'open', ready: '.exhibit input[name=reason]', steps: async (page) => {
    await page.locator('.entry-line').first().click();
    await page.getByText('Remove this file').first().click();
    await page.getByText('Technical details').first().click();
  } },
  { name: 'add-error', mode: 'open', ready: '.error-summary:not([hidden])', steps: async (page) => {
    await clickButton('Add an incident')(page);
    await page.locator('textarea[name=narrative]').fill('');
    await clickButton('Save')(page);
    const focused = await page.evaluate(() => document.activeElement.className);
    if (focused !== 'error-summary') throw new Error(`focus is on ${focused}, not the error summary`);
    const described = await page.locator('textarea[name=narrative]').getAttribute('aria-describedby');
    if (!described || !described.includes('err-')) throw new Error('the field is not tied to its error');
  } },
  { name: 'draft-refused', mode: 'open', ready: '#draft-problem[role=alert]', steps: async (page) => {
    await clickButton('Add an incident')(page);
    await page.evaluate(() => { window.__MOCK__.refuseDrafts = true; });
    await page.locator('textarea[name=narrative]').fill('He was at the gate again');
  } },
  { name: 'add-everything', mode: 'open', ready: '#add-title', steps: async (page) => {
    await clickButton('Add an incident')(page);
    await page.locator('details.more summary').click();
    await page.locator('select[name=breach_order]').selectOption({ index: 1 });
    await page.getByLabel('About this time').check();
  } },
  { name: 'amend', mode: 'open', ready: 'select[name=breach_order]', steps: async (page) => {
    await page.locator('.entry-line').first().click();
    await page.getByText('Amend this entry').click();
    const said = await page.locator('textarea[name=narrative]').inputValue();
    if (!said.startsWith('He followed me')) throw new Error(`Amend is not filled in: ${said}`);
    const condition = await page.locator('select[name=breach_condition]').inputValue();
    if (condition !== 'No contact') throw new Error(`the breached condition is not filled in: ${condition}`);
  } },
  { name: 'case-and-people', mode: 'open', ready: '#people-title', steps: clickButton('Case & people') },
  { name: 'person-change-error', mode: 'open', ready: '.error-summary:not([hidden])', steps: async (page) => {
    await clickButton('Case & people')(page);
    await page.getByText('Earlier versions (1)').click();
    await page.getByText("Change Mark Example's details").click();
    const name = await page.locator('li form input[name=name]').first().inputValue();
    if (name !== 'Mark Example') throw new Error(`the change form is not filled in: ${name}`);
    await page.getByRole('button', { name: 'Save the change' }).first().click();
    const described = await page.locator('li form input[name=reason]').first().getAttribute('aria-describedby');
    if (!described || !described.includes('err-')) throw new Error('the reason is not tied to its error');
  } },
  { name: 'order-add', mode: 'open', ready: '.error-summary:not([hidden])', steps: async (page) => {
    await clickButton('Case & people')(page);
    await page.getByText('Add an order or bail conditions').click();
    const form = page.locator('details.add form').last();
    await form.locator('input[name=made_on]').fill('2026-03-01');
    await form.locator('input[name=expires]').fill('2026-02-01');
    await form.getByRole('button', { name: 'Add order' }).click();
  } },
  { name: 'risk-check', mode: 'open', ready: '#risk-title', steps: async (page) => {
    await clickButton('Risk check')(page);
    if (await page.locator('#risk-title ~ section input[type=radio]:checked').count()) throw new Error('an answer is chosen for the victim');
  } },
  { name: 'risk-frightened', mode: 'open', ready: '#very-frightened', steps: async (page) => {
    await clickButton('Risk check')(page);
    await page.locator('input[name=very_frightened][value=yes]').check();
  } },
  { name: 'timeline-paged', mode: 'long', ready: '#show-more', steps: async (page) => {
    await page.locator('#timeline-title').waitFor();
    const lines = async () => page.locator('.entries > li').count();
    if (await lines() !== 50) throw new Error(`the first page has ${await lines()} lines, not 50`);
    await clickButton('Show 50 more')(page);
    await page.waitForFunction(() => document.querySelectorAll('.entries > li').length === 100);
    const focused = await page.evaluate(() => document.activeElement.dataset.number);
    if (focused !== '70') throw new Error(`after "Show more" the focus is on ${focused}, not the first line loaded (70)`);
    const said = await page.locator('#timeline-shown').innerText();
    if (!said.includes('Showing 100 of 120')) throw new Error(`the list does not say how many are shown: ${said}`);
    // Open one from the second page and come back: the same place, the same entry.
    await page.locator('.entry-line[data-number="60"]').click();
    await page.locator('#entry-title').waitFor();
    await clickButton('← Back to the diary')(page);
    await page.waitForFunction(() => document.activeElement?.dataset?.number === '60');
    if (await lines() !== 100) throw new Error(`back from the entry, ${await lines()} lines are loaded, not 100`);
    const y = await page.evaluate(() => window.scrollY);
    if (y < 500) throw new Error(`back from the entry, the page is scrolled to ${y}, not where it was`);
  } },
  { name: 'timeline-search', mode: 'long', ready: '#timeline-shown', steps: async (page) => {
    await page.locator('#timeline-title').waitFor();
    const box = page.locator('input[type=search]');
    await box.fill('bus stop');
    await page.waitForFunction(() => document.getElementById('timeline-shown').textContent.includes('of 20 matching'));
    if (!(await box.evaluate((el) => el === document.activeElement))) throw new Error('the search box lost the focus as results came');
  } },
  { name: 'messages', mode: 'open', ready: '#messages-title', steps: clickButton('Messages') },
  { name: 'import-chat', mode: 'open', ready: '#picked-chat', steps: async (page) => {
    await clickButton('Messages')(page);
    await clickButton('Import a chat')(page);
    await clickButton('Choose the exported file')(page);
    await page.getByText('Chosen: WhatsApp Chat with Mark Example.zip').waitFor();
  } },
  { name: 'import-date-order', mode: 'open', ready: '#date-order:not([hidden])', steps: async (page) => {
    await page.evaluate(() => { window.__MOCK__.askOrder = true; });
    await clickButton('Messages')(page);
    await clickButton('Import a chat')(page);
    await clickButton('Choose the exported file')(page);
    await page.getByText('Chosen: WhatsApp Chat with Mark Example.zip').waitFor();
    await clickButton('Import')(page);
    await page.locator('.error-summary:not([hidden])').waitFor();
  } },
  { name: 'conversation', mode: 'open', ready: '#messages-shown', steps: async (page) => {
    await clickButton('Messages')(page);
    await clickButton('Open WhatsApp chat with Mark Example')(page);
    await page.locator('.message input[type=checkbox]').nth(1).check();
    await page.locator('.message input[type=checkbox]').nth(2).check();
    const said = await page.locator('#picked-count').textContent();
    if (said !== '2 messages picked.') throw new Error(`picked count says ${said}`);
    await page.locator('#more-messages').click();
    const shown = await page.locator('.message').count();
    if (shown !== 100) throw new Error(`${shown} messages after Show more`);
    await page.getByLabel('Search these messages').fill('front door');
    await page.locator('#messages-shown', { hasText: 'Showing 21 of 21 messages that match' }).waitFor();
  } },
  { name: 'conversation-add-to', mode: 'open', ready: '.error-summary:not([hidden])', steps: async (page) => {
    await clickButton('Messages')(page);
    await clickButton('Open WhatsApp chat with Mark Example')(page);
    await page.locator('.message input[type=checkbox]').nth(4).check();
    await page.getByText('Or add them to an incident already in your diary').click();
    await clickButton('Add them to this incident')(page);
  } },
  { name: 'conversation-add-confirm', mode: 'open', ready: '#add-to-which:not([hidden])', steps: async (page) => {
    await clickButton('Messages')(page);
    await clickButton('Open WhatsApp chat with Mark Example')(page);
    await page.locator('.message input[type=checkbox]').nth(4).check();
    await page.getByText('Or add them to an incident already in your diary').click();
    await page.getByLabel('Incident number').fill('4');
    await page.getByLabel('Why you are adding them').fill('his next message');
    await clickButton('Add them to this incident')(page);
  } },
  { name: 'entry-quoting', mode: 'open', ready: '#quoted-title', steps: async (page) => {
    await page.locator('.entry-line').first().click();
  } },
  { name: 'export', mode: 'open', ready: '#export-title', steps: clickButton('Export') },
  { name: 'export-shown', mode: 'open', ready: '#scope-shown:checked', steps: async (page) => {
    await page.locator('input[type=search]').fill('bus stop');
    await clickButton('Show')(page);
    await clickButton('Export what is shown')(page);
    const label = await page.locator('label[for=scope-shown]').innerText();
    if (!label.includes('"bus stop"')) throw new Error(`the choice does not say what is shown: ${label}`);
    if (await page.locator('input[type=date]').first().isVisible()) throw new Error('the period is asked for although the filters give it');
  } },
  { name: 'exported', mode: 'open', ready: '#export-fingerprint', steps: async (page) => {
    await clickButton('Export')(page);
    await clickButton('Choose where to save, then export')(page);
    await clickButton('Open the report')(page);
    await page.getByText('The report opened in another app.').waitFor();
    await clickButton('Delete this copy')(page);
    await page.getByRole('button', { name: 'Yes, delete it' }).waitFor();
  } },
  { name: 'settings', mode: 'open', ready: '#settings-title', steps: clickButton('Settings') },
  { name: 'staying-safe', mode: 'open', ready: '#safe-title', steps: async (page) => {
    await clickButton('Staying safe')(page);
    const text = await page.locator('main').innerText();
    for (const must of ['999', '55', '0808 802 0300', '020 3866 4107', 'IDVA', 'press and hold the word "Notes"']) {
      if (!text.includes(must)) throw new Error(`Staying safe does not say ${must}`);
    }
  } },
  { name: 'backup', mode: 'open', ready: '#backup-title', steps: async (page) => {
    await clickButton('Settings')(page);
    await clickButton('Back up now')(page);
  } },
  { name: 'backup-done', mode: 'open', ready: '#backup-done', steps: async (page) => {
    await clickButton('Back up now')(page);
    for (const input of await page.locator('input[autocomplete=new-password]').all()) await input.fill('violet harbour lantern');
    await clickButton('Choose where to save, then back up')(page);
  } },
  { name: 'settings-key-changed', mode: 'open', ready: '#rotated-key', steps: async (page) => {
    await clickButton('Settings')(page);
    await page.locator('input[autocomplete=current-password]').first().fill('violet harbour lantern');
    for (const input of await page.locator('input[autocomplete=new-password]').all()) await input.fill('amber meadow compass river');
    await page.locator('#rotate-keys').check();
    await clickButton('Change passphrase')(page);
  } },
  { name: 'quick-exit', mode: 'open', ready: '#neutral-title', steps: async (page) => {
    await page.locator('#timeline-title').waitFor();
    await page.locator('#quick-exit').click();
    await page.locator('#neutral-title').waitFor();
    // Nothing left for a screen reader either: the live region is empty
    // and the Quick exit hint is gone with the button.
    const left = await page.evaluate(() => document.getElementById('announce').textContent
      + (document.getElementById('quick-exit-hint').offsetParent === null && getComputedStyle(document.getElementById('quick-exit-hint')).display === 'none' ? '' : 'hint shown'));
    if (left) throw new Error(`the locked page still says: ${left}`);
  } },
];

const failures = [];
const fail = (screen, size, what) => failures.push(`${screen} at ${size}: ${what}`);

async function open(screen, viewport) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  await context.addInitScript(`window.__MOCK__ = ${JSON.stringify({ mode: screen.mode })};\n${mock}`);
  // A screen that waits on the idle timers gets a clock it can move.
  if (screen.clock) await context.clock.install();
  const page = await context.newPage();
  page.on('pageerror', (err) => fail(screen.name, `${viewport.width}px`, `script error: ${err.message}`));
  await page.goto(url);
  if (screen.steps) {
    await page.locator('main h1').first().waitFor();
    await screen.steps(page);
  }
  await page.locator(screen.ready).first().waitFor();
  return { context, page };
}

async function sidewaysScroll(page) {
  return page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
}

await mkdir(shots, { recursive: true });
for (const screen of screens) {
  for (const [size, viewport] of [['phone', { width: 390, height: 844 }], ['desktop', { width: 1280, height: 800 }]]) {
    const { context, page } = await open(screen, viewport);
    await page.addScriptTag({ path: axePath });
    const result = await page.evaluate(() => window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    }));
    for (const v of result.violations) {
      if (v.impact === 'serious' || v.impact === 'critical') {
        fail(screen.name, size, `axe ${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      }
    }
    await page.screenshot({ path: join(shots, `${screen.name}-${size}.png`), fullPage: true });
    if (size === 'phone') {
      const small = await page.evaluate(() => [...document.querySelectorAll('button, a[href], input:not([type=checkbox]):not([type=radio]), select, textarea, summary, .check')]
        .filter((el) => el.offsetParent !== null && !el.closest('.visually-hidden'))
        .map((el) => ({ el: el.outerHTML.slice(0, 80), h: el.getBoundingClientRect().height }))
        .filter((b) => b.h < 44));
      for (const s of small) fail(screen.name, size, `touch target ${Math.round(s.h)} px high: ${s.el}`);
      if (await sidewaysScroll(page) > 0) fail(screen.name, size, 'scrolls sideways at 390 px');
      await page.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
      if (await sidewaysScroll(page) > 0) fail(screen.name, size, 'scrolls sideways at 200% text');
      await page.screenshot({ path: join(shots, `${screen.name}-phone-200pct.png`), fullPage: true });
      await page.evaluate(() => { document.documentElement.style.fontSize = ''; });
      await page.setViewportSize({ width: 320, height: 640 });
      if (await sidewaysScroll(page) > 0) fail(screen.name, '320px', 'scrolls sideways');
    }
    const stored = await page.evaluate(async () => localStorage.length + sessionStorage.length
      + (indexedDB.databases ? (await indexedDB.databases()).length : 0));
    if (stored) fail(screen.name, size, `the page stored ${stored} item(s)`);
    await context.close();
  }
  console.log(`checked ${screen.name}`);
}

// Keyboard only: Tab to a control, Enter or Space to use it, and every
// focused control shows a visible outline.
async function tabTo(page, name, limit = 60) {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    const here = await page.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return {
        text: (el.textContent || el.getAttribute('aria-label') || '').trim(),
        label: el.labels && el.labels[0] ? el.labels[0].textContent.trim() : '',
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        style: `${style.outlineStyle} ${style.outlineWidth} ${el.type || ''} ${el.matches(':focus')}`,
        tag: el.tagName,
      };
    });
    if (here.tag !== 'BODY' && here.tag !== 'MAIN' && !here.outline) {
      fail('keyboard', 'phone', `no visible focus on ${here.tag} "${here.text || here.label}" (${here.style})`);
    }
    const hit = name instanceof RegExp ? name.test(here.text) || name.test(here.label) : here.text === name || here.label === name;
    if (hit) return;
  }
  fail('keyboard', 'phone', `could not reach "${name}" with Tab`);
}
{
  const { context, page } = await open({ name: 'keyboard', mode: 'open', ready: '#timeline-title' }, { width: 390, height: 844 });
  // On every screen the first Tab reaches Quick exit.
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => document.activeElement.id);
  if (first !== 'quick-exit') fail('keyboard', 'phone', `the first Tab stop is "${first}", not Quick exit`);
  await tabTo(page, 'Add an incident');
  await page.keyboard.press('Enter');
  await page.locator('#add-title').waitFor();
  // Save with nothing written: the error summary takes the focus, its link
  // leads to the field, and the entry is saved once it is corrected.
  await tabTo(page, 'Save');
  await page.keyboard.press('Enter');
  await page.locator('.error-summary:not([hidden])').waitFor();
  if (await page.evaluate(() => document.activeElement.className) !== 'error-summary') fail('keyboard', 'phone', 'the error summary did not take the focus');
  // The first link leads to "How sure are you of the time?" (nothing is
  // chosen for her), Space answers it, and Tab goes on to the next field.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  if (await page.evaluate(() => document.activeElement.name) !== 'precision') fail('keyboard', 'phone', 'the error link did not lead to the time question');
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  if (await page.evaluate(() => document.activeElement.name) !== 'narrative') fail('keyboard', 'phone', 'Tab did not lead on to "What happened"');
  await page.keyboard.type('Waited outside the gym for an hour.');
  await tabTo(page, 'Save');
  await page.keyboard.press('Enter');
  await page.locator('#entry-title').waitFor();
  const calls = await page.evaluate(() => window.__MOCK_CALLS__);
  if (!calls.includes('add_incident')) fail('keyboard', 'phone', 'the entry was not saved');
  // Escape no longer exits (it is pressed by accident); Shift three times does.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  if (await page.locator('#neutral-title').count()) fail('keyboard', 'phone', 'Escape twice exited');
  for (let i = 0; i < 3; i += 1) await page.keyboard.press('Shift');
  await page.locator('#neutral-title').waitFor();
  const left = await page.evaluate(() => document.body.textContent.includes('Followed me'));
  if (left) fail('keyboard', 'phone', 'diary text left after Shift three times');
  // The locked page opens by holding its title down with Enter, too.
  await page.locator('#neutral-open').focus();
  await page.keyboard.down('Enter');
  await page.waitForTimeout(1300);
  await page.keyboard.up('Enter');
  await page.locator('#unlock-form').waitFor();
  await context.close();
}
{
  // A long diary by keyboard: Tab to "Show 50 more", Enter, and the focus
  // is on the first line loaded; Enter on it opens that entry.
  const { context, page } = await open({ name: 'keyboard-long', mode: 'long', ready: '#show-more' }, { width: 390, height: 844 });
  await tabTo(page, 'Show 50 more', 200);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.dataset?.number === '70');
  await page.keyboard.press('Enter');
  await page.locator('#entry-title').waitFor();
  await context.close();
}
{
  // Quick exit while a chat is being imported: when the import finishes,
  // nothing of the diary comes back, on screen or to a screen reader.
  const { context, page } = await open({ name: 'exit-during-import', mode: 'open', ready: '#timeline-title' }, { width: 390, height: 844 });
  await page.evaluate(() => { window.__MOCK__.slowImport = 800; });
  await clickButton('Messages')(page);
  await clickButton('Import a chat')(page);
  await clickButton('Choose the exported file')(page);
  await page.getByText('Chosen: WhatsApp Chat with Mark Example.zip').waitFor();
  await clickButton('Import')(page);
  await page.locator('#quick-exit').click();
  await page.locator('#neutral-title').waitFor();
  await page.waitForTimeout(1500);
  const after = await page.evaluate(() => ({
    neutral: Boolean(document.getElementById('neutral-title')),
    nav: document.getElementById('nav').hidden ? '' : document.getElementById('nav').textContent,
    said: document.getElementById('announce').textContent,
    text: document.getElementById('view').textContent,
  }));
  if (!after.neutral || after.nav || after.said || /Mark|Imported|message/i.test(after.text)) {
    fail('exit-during-import', 'phone', `after the import finished: ${JSON.stringify(after)}`);
  }
  await context.close();
  console.log('checked exit-during-import');
}
{
  // Messages by keyboard: open a conversation, pick a message with Space,
  // jump to the form, write, make the incident; then the import form,
  // whose missing file is said and leads to the button that chooses it.
  const { context, page } = await open({ name: 'keyboard-messages', mode: 'open', ready: '#timeline-title' }, { width: 390, height: 844 });
  // On a phone the sections are behind "Menu".
  await tabTo(page, 'Menu');
  await page.keyboard.press('Enter');
  await tabTo(page, 'Messages');
  await page.keyboard.press('Enter');
  await page.locator('#messages-title').waitFor();
  await tabTo(page, 'Open WhatsApp chat with Mark Example');
  await page.keyboard.press('Enter');
  await page.locator('#messages-shown').waitFor();
  await tabTo(page, /^2\. Mark Example/, 120);
  await page.keyboard.press('Space');
  const said = await page.locator('#picked-count').textContent();
  if (said !== '1 message picked.') fail('keyboard', 'phone', `Space on a message: the count says "${said}"`);
  // The way to the form is just before the list, not after 50 messages.
  let back = 0;
  while (back < 5 && await page.evaluate(() => document.activeElement.id) !== 'to-make-incident') {
    await page.keyboard.press('Shift+Tab');
    back += 1;
  }
  if (await page.evaluate(() => document.activeElement.textContent) !== 'Make an incident from 1 message') {
    fail('keyboard', 'phone', 'Shift+Tab from the picked message did not reach "Make an incident from 1 message"');
  }
  await page.keyboard.press('Enter');
  if (await page.evaluate(() => document.activeElement.name) !== 'narrative') fail('keyboard', 'phone', '"Make an incident from 1 message" did not lead to "What happened"');
  await page.keyboard.type('He wrote all night.');
  await tabTo(page, 'Make the incident', 40);
  await page.keyboard.press('Enter');
  await page.locator('#entry-title').waitFor();
  if (!(await page.evaluate(() => window.__MOCK_CALLS__)).includes('incident_from_messages')) fail('keyboard', 'phone', 'the incident was not made');
  await tabTo(page, 'Menu');
  await page.keyboard.press('Enter');
  await tabTo(page, 'Messages');
  await page.keyboard.press('Enter');
  await page.locator('#messages-title').waitFor();
  await tabTo(page, 'Import a chat');
  await page.keyboard.press('Enter');
  await page.locator('#picked-chat').waitFor();
  await tabTo(page, 'Import');
  await page.keyboard.press('Enter');
  await page.locator('.error-summary:not([hidden])').waitFor();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  if (await page.evaluate(() => document.activeElement.name) !== 'choose') fail('keyboard', 'phone', 'the missing file did not lead to "Choose the exported file"');
  await page.keyboard.press('Enter');
  await page.getByText('Chosen: WhatsApp Chat with Mark Example.zip').waitFor();
  await tabTo(page, 'Import');
  await page.keyboard.press('Enter');
  await page.locator('#conversation-title').waitFor();
  await context.close();
  console.log('checked keyboard-only use');
}

await browser.close();
server.close();
if (failures.length) {
  console.error(`\n${failures.length} problem(s):\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  process.exit(1);
}
console.log(`all ${screens.length} screens pass at 390x844 and 1280x800, and keyboard-only use works (screenshots in ${shots})`);
