// Managing documents in the page: rename, give a title, remove, undo each; filter and
// sort the list; counts by label for the open document.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, openApp, dragSelect, saved } from './harness.mjs';

const env = suite();
const TITLE_1 = /Kim Jong-un meets Putin in Russia/;

/** Answers the document dialog: types `text` (when given) and presses the button named `button`. */
async function answer(page, button, text = null) {
  const dialog = page.locator('#doc-dialog');
  await dialog.waitFor({ state: 'visible' });
  if (text !== null) await page.fill('#doc-dialog-input', text);
  const before = await page.textContent('#status');
  await dialog.getByRole('button', { name: button, exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  // The dialog's close event (and so the action) comes in a task after it hides.
  if (button !== 'Cancel') await page.waitForFunction((b) => document.getElementById('status').textContent !== b, before);
}

const titles = (page) => page.$$eval('.document-button .doc-title', (els) => els.map((e) => e.textContent));
const metas = (page) => page.$$eval('.document-button .doc-meta', (els) => els.map((e) => e.textContent));

test('rename, retitle and remove a document, each undone by Ctrl+Z, and all kept across a reload', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await page.getByRole('button', { name: TITLE_1 }).click();
  await dragSelect(page, 'Vladimir Putin');
  await page.keyboard.press('1');
  await dragSelect(page, 'Pyongyang');
  await page.keyboard.press('3');
  // The counts by label follow once the edits pause.
  await page.waitForFunction(() => document.getElementById('doc-label-counts').textContent === 'PERSON 1 · GPE 1');

  // Rename: the name shown under the title, and the one exports use.
  await page.getByRole('button', { name: 'Rename…' }).click();
  await answer(page, 'Rename', 'kim-putin-2023.txt');
  assert.equal((await metas(page))[0], 'kim-putin-2023.txt · 2 annotations');
  // Title: the analyst's own.
  await page.getByRole('button', { name: 'Title…' }).click();
  await answer(page, 'Save', 'The Vostochny summit');
  assert.equal((await titles(page))[0], 'The Vostochny summit');
  await saved(page);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal((await titles(page))[0], 'The Vostochny summit');
  assert.equal((await metas(page))[0], 'kim-putin-2023.txt · 2 annotations');

  // Remove asks, naming what goes with it; Cancel keeps it.
  await page.getByRole('button', { name: 'The Vostochny summit' }).click();
  await page.getByRole('button', { name: 'Remove…' }).click();
  assert.match(await page.textContent('#doc-dialog-text'), /Remove “The Vostochny summit” and its 2 annotations\? Undo \(Ctrl\+Z\) brings it back\./);
  await answer(page, 'Cancel');
  assert.equal((await titles(page)).length, 2);
  await page.getByRole('button', { name: 'Remove…' }).click();
  await answer(page, 'Remove');
  assert.equal((await titles(page)).length, 1);
  assert.match(await page.textContent('#status'), /Removed “The Vostochny summit” and its 2 annotations/);
  assert.equal(await page.isHidden('#doc-actions'), true, 'no document is open');

  // Undo brings it back with its annotations, then the title, then the name.
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => document.querySelectorAll('.document-button').length === 2);
  assert.equal((await metas(page))[0], 'kim-putin-2023.txt · 2 annotations');
  await page.keyboard.press('Control+z');
  assert.equal((await titles(page))[0], 'Kim Jong-un meets Putin in Russia – news Norway – Overview of news from different parts of the country');
  await page.keyboard.press('Control+z');
  assert.equal((await metas(page))[0], 'kim-jong-un-meets-putin-in-russia.txt · 2 annotations');
  await app.done();
});

test('the document list filters and sorts', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await page.getByRole('button', { name: /Russia uses up tons of ammunition/ }).click();
  await dragSelect(page, 'Sullivan');
  await page.keyboard.press('1');
  await page.fill('#doc-filter', 'vostochny');
  assert.deepEqual(await titles(page), [], 'no title or name holds it');
  assert.equal(await page.isVisible('#doc-none'), true);
  await page.fill('#doc-filter', 'putin');
  assert.equal((await titles(page)).length, 2);
  await page.fill('#doc-filter', 'north-korean');
  assert.deepEqual((await metas(page)).length, 1);
  await page.fill('#doc-filter', '');
  await page.selectOption('#doc-sort', 'annotations');
  assert.match((await titles(page))[0], /^Russia uses up tons/);
  await page.selectOption('#doc-sort', 'title');
  assert.match((await titles(page))[0], /^Kim Jong-un meets Putin/);
  await app.done();
});
