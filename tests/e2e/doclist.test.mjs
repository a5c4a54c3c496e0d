// A workspace of 10,000 small documents: the document list is virtualised (only the rows
// in view exist), the last document opens from it, the keyboard moves through it, and
// it stays accessible.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smallDocuments } from '../../bench/generate.mjs';
import { suite, openApp, axeCheck } from './harness.mjs';

const env = suite();
const N = 10_000;

/** The focused row's document id, or null. */
const focusedDoc = (page) => page.evaluate(() => document.activeElement?.closest?.('.document-button')?.dataset.docId ?? null);

test('10,000 documents: the list builds only the rows in view, opens the last one, and moves by keyboard', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  // The workspace holds at most 10,000 documents: the demo's two go first, through the page.
  for (let k = 0; k < 2; k++) {
    await page.locator('.document-button').first().click();
    await page.getByRole('button', { name: 'Remove…' }).click();
    const dialog = page.locator('#doc-dialog');
    await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
    await page.waitForFunction((left) => document.querySelectorAll('.document-button').length === left, 1 - k);
  }
  const buffer = Buffer.from(JSON.stringify(smallDocuments(N)));
  await page.setInputFiles('#import-input', { name: 'small-docs.json', mimeType: 'application/json', buffer });
  await page.waitForSelector('body[data-opened-doc="s0"]', { timeout: 60_000 });

  // Virtualised: a few rows built, each telling its place among all of them.
  const rows = await page.$$eval('.document-button', (bs) => bs.length);
  assert.ok(rows > 3 && rows < 100, `${rows} rows built for ${N} documents`);
  assert.equal(await page.getAttribute('#document-list li:first-child', 'aria-setsize'), String(N));
  assert.equal(await page.getAttribute('.document-button[data-doc-id="s0"]', 'aria-current'), 'true');

  // Scrolled to the end, the last document's row is there, and a click opens it.
  await page.evaluate(() => {
    const box = document.getElementById('document-scroller');
    box.scrollTop = box.scrollHeight;
  });
  const last = page.locator(`.document-button[data-doc-id="s${N - 1}"]`);
  await last.waitFor();
  assert.match(await last.locator('.doc-title').textContent(), new RegExp(`^Report ${N}: `));
  await last.click();
  await page.waitForSelector(`body[data-opened-doc="s${N - 1}"]`);
  assert.equal(await last.getAttribute('aria-current'), 'true');
  assert.equal(await page.$$eval('.document-button[aria-current="true"]', (bs) => bs.length), 1);
  assert.ok((await page.$$eval('.document-button', (bs) => bs.length)) < 100);

  // The keyboard: Home to the first row (the list scrolls back), the arrows, Tab, End.
  await last.focus();
  await page.keyboard.press('Home');
  assert.equal(await focusedDoc(page), 's0');
  assert.equal(await page.evaluate(() => document.getElementById('document-scroller').scrollTop), 0);
  await page.keyboard.press('ArrowDown');
  assert.equal(await focusedDoc(page), 's1');
  await page.keyboard.press('Tab');
  assert.equal(await focusedDoc(page), 's2', 'Tab goes to the next row');
  await page.keyboard.press('ArrowUp');
  assert.equal(await focusedDoc(page), 's1');
  await page.keyboard.press('Enter');
  await page.waitForSelector('body[data-opened-doc="s1"]');
  await page.keyboard.press('End');
  assert.equal(await focusedDoc(page), `s${N - 1}`);
  await page.keyboard.press('PageUp');
  const up = await focusedDoc(page);
  assert.ok(Number(up.slice(1)) < N - 2, `Page Up moved to ${up}`);
  // Scrolled far away and back, the focused row is still the focused element.
  await page.keyboard.press('ArrowDown');
  const focused = await focusedDoc(page);
  await page.evaluate(() => document.getElementById('document-scroller').scrollBy(0, -200));
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  assert.equal(await focusedDoc(page), focused);

  // The filter narrows the list to what matches, among all 10,000.
  await page.fill('#doc-filter', `Report ${N}:`);
  await page.waitForFunction(() => document.querySelectorAll('.document-button').length === 1);
  assert.equal(await page.getAttribute('.document-button', 'data-doc-id'), `s${N - 1}`);
  await page.fill('#doc-filter', '');
  await page.waitForFunction(() => document.querySelectorAll('.document-button').length > 3);

  await axeCheck(page, 'a 10,000-document list');
  await app.done();
});
