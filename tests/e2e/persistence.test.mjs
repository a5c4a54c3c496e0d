// Never losing work: autosave to IndexedDB, reloads, an abrupt kill mid-burst, undo/redo
// across reloads, two tabs, storage failures, backup and restore, and the previous layout.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  suite,
  launchKillableBrowser,
  openApp,
  newContext,
  watch,
  saved,
  dragSelect,
  annotationList,
  exportJson,
} from './harness.mjs';

const env = suite();


const openSecondArticle = (page) => page.getByRole('button', { name: /Russia uses up tons of ammunition/ }).click();

async function tag(page, phrase, key) {
  await dragSelect(page, phrase);
  await page.keyboard.press(key);
}

test('annotate, reload: the documents, annotations and the open document are all back', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await openSecondArticle(page);
  await tag(page, 'Vladimir Putin', '1');
  await tag(page, 'Pyongyang', '3');
  await tag(page, 'Sergei Shoigu', '1');
  // The status settles on "Saved" (a UI-state write may briefly follow the last tag).
  await page.waitForFunction(() => document.getElementById('save-status').textContent === 'Saved');
  const before = await annotationList(page);
  assert.equal(before.length, 3);

  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal((await page.textContent('#doc .block.title')).trim(), 'Russia uses up tons of ammunition in the Ukraine war. Now President Putin is probably seeking the help of North Korea’s ruler Kim. Is there an arms deal?');
  assert.deepEqual(await annotationList(page), before);
  // The demo articles were not added a second time.
  assert.equal(await page.$$eval('.document-button', (bs) => bs.length), 2);
  await app.done();
});

test('undo and redo by keyboard and buttons, across a reload', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await openSecondArticle(page);
  assert.equal(await page.isDisabled('#undo'), true, 'nothing to undo after opening');
  await tag(page, 'Vladimir Putin', '1');
  await tag(page, 'Moscow', '3');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+z');
  assert.deepEqual(await annotationList(page), ['PERSON Vladimir Putin']);
  assert.match(await page.textContent('#status'), /Undid: Tag GPE “Moscow”/);
  await saved(page);

  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.deepEqual(await annotationList(page), ['PERSON Vladimir Putin']);
  assert.match(await page.getAttribute('#redo', 'title'), /Redo: Tag GPE “Moscow”/);
  await page.keyboard.press('Control+Shift+Z');
  assert.deepEqual(await annotationList(page), ['GPE Moscow', 'PERSON Vladimir Putin']);
  await page.click('#undo');
  await page.click('#undo');
  assert.deepEqual(await annotationList(page), []);
  await page.keyboard.press('Control+y');
  assert.deepEqual(await annotationList(page), ['PERSON Vladimir Putin']);
  // Relabel and remove are undoable too.
  await page.click('#doc mark.hl');
  await page.keyboard.press('2');
  assert.deepEqual(await annotationList(page), ['ORG Vladimir Putin']);
  await page.keyboard.press('Delete');
  assert.deepEqual(await annotationList(page), []);
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  assert.deepEqual(await annotationList(page), ['PERSON Vladimir Putin']);
  // Undoing an edit elsewhere leaves no stale selection outline behind.
  await tag(page, 'Moscow', '3');
  await page.click('#doc mark.hl >> text=Vladimir Putin');
  assert.equal(await page.$$eval('#doc mark.hl.selected', (ms) => ms.length), 1);
  await page.keyboard.press('Control+z');
  assert.deepEqual(await annotationList(page), ['PERSON Vladimir Putin']);
  assert.equal(await page.$$eval('#doc mark.hl.selected', (ms) => ms.length), 0);
  await saved(page);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.deepEqual(await annotationList(page), ['PERSON Vladimir Putin']);
  await app.done();
});

test('killing the browser mid-burst loses no acknowledged annotation', async () => {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'spanmark-profile-'));
  const words = ['Russia', 'Ukraine', 'Putin', 'Pyongyang', 'Kim', 'arms', 'deal', 'Washington', 'Moscow', 'Sullivan', 'Kremlin', 'Vladivostok'];
  const errors = [];
  let run = null;
  try {
    run = await launchKillableBrowser(profile);
    let page = await run.context.newPage();
    watch(page, errors);
    await page.goto(env.server.url);
    await page.waitForSelector('body[data-ready="true"]');
    await openSecondArticle(page);
    await saved(page);
    for (const word of words) {
      await dragSelect(page, word);
      await page.keyboard.press('1');
    }
    // Kill at once: some writes may still be in flight.
    const acknowledged = Number(await page.evaluate(() => document.body.dataset.savedAnnotations ?? 0));
    const tagged = (await annotationList(page)).length;
    assert.equal(tagged, words.length);
    await run.kill();
    run = null;

    run = await launchKillableBrowser(profile);
    page = await run.context.newPage();
    watch(page, errors);
    await page.goto(env.server.url);
    await page.waitForSelector('body[data-ready="true"]');
    // The open document is part of the saved state too.
    assert.equal((await page.textContent('#doc .block.title')).trim(), 'Russia uses up tons of ammunition in the Ukraine war. Now President Putin is probably seeking the help of North Korea’s ruler Kim. Is there an arms deal?');
    const restored = await annotationList(page);
    assert.ok(acknowledged > 0, 'some writes were acknowledged before the kill');
    assert.ok(restored.length >= acknowledged, `${restored.length} restored, ${acknowledged} acknowledged`);
    // What is there is exactly the first annotations made, in order of creation.
    const expected = words.slice(0, restored.length).map((w) => `PERSON ${w}`).sort();
    assert.deepEqual([...restored].sort(), expected);
    assert.deepEqual(errors, []);
  } finally {
    await run?.kill();
    rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
});

test('two tabs: the second is read-only and follows the first; it takes over when the first closes', async () => {
  const context = await newContext(env.browser);
  const a = await openApp(env.browser, env.server.url, { context });
  await saved(a.page);
  const b = await openApp(env.browser, env.server.url, { context });
  assert.equal(await b.page.getAttribute('body', 'data-role'), 'reader');
  assert.equal(await b.page.isVisible('#read-only'), true);
  assert.equal(await a.page.getAttribute('body', 'data-role'), 'writer');

  await openSecondArticle(a.page);
  await openSecondArticle(b.page);
  await tag(a.page, 'Vladimir Putin', '1');
  await saved(a.page);
  await b.page.waitForFunction(() => document.querySelectorAll('#annotation-list .annotation-button').length === 1);
  assert.deepEqual(await annotationList(b.page), ['PERSON Vladimir Putin']);

  // The read-only tab refuses edits and says why.
  await tag(b.page, 'Moscow', '3');
  assert.match(await b.page.textContent('#status'), /read-only/);
  assert.deepEqual(await annotationList(b.page), ['PERSON Vladimir Putin']);

  await a.done();
  await b.page.waitForSelector('body[data-role="writer"]');
  assert.equal(await b.page.isVisible('#read-only'), false);
  await tag(b.page, 'Moscow', '3');
  assert.deepEqual(await annotationList(b.page), ['GPE Moscow', 'PERSON Vladimir Putin']);
  await saved(b.page);
  await b.done();
  await context.close();
});

test('a storage failure is loud, keeps the work exportable, and saves once storage works again', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await openSecondArticle(page);
  await saved(page);
  // Simulate a full disk: every write is refused with QuotaExceededError.
  await page.evaluate(() => {
    const put = IDBObjectStore.prototype.put;
    window.__restorePut = () => (IDBObjectStore.prototype.put = put);
    IDBObjectStore.prototype.put = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  await tag(page, 'Vladimir Putin', '1');
  await page.waitForSelector('#save-status[data-state="error"]');
  assert.equal(await page.textContent('#save-status'), 'Not saved');
  const message = await page.textContent('#message');
  assert.match(message, /NOT saved: the browser's storage for this page is full/);
  assert.match(message, /Backup.*Export all/);
  // The work is still here and exportable.
  assert.deepEqual(await annotationList(page), ['PERSON Vladimir Putin']);
  const { json } = await exportJson(page, 'Export all');
  const doc = json.documents.find((d) => d.name === 'putin-seeks-north-korean-arms.txt');
  assert.deepEqual(doc.annotations.map((a) => a.text), ['Vladimir Putin']);
  // More work while failing is kept too.
  await tag(page, 'Moscow', '3');

  await page.evaluate(() => window.__restorePut());
  await page.waitForSelector('#save-status[data-state="saved"]', { timeout: 20_000 });
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.deepEqual(await annotationList(page), ['GPE Moscow', 'PERSON Vladimir Putin']);
  await app.done();
});

test('without IndexedDB (a private window), autosave is off, says so, and the page still works', async () => {
  const app = await openApp(env.browser, env.server.url, {
    init: () => {
      Object.defineProperty(window, 'indexedDB', { value: undefined });
    },
  });
  const { page } = app;
  assert.equal(await page.textContent('#save-status'), 'Autosave off');
  assert.match(await page.textContent('#message'), /Autosave is off: this browser does not allow storage here/);
  await openSecondArticle(page);
  await tag(page, 'Vladimir Putin', '1');
  assert.deepEqual(await annotationList(page), ['PERSON Vladimir Putin']);
  await app.done();
});

test('backup, then restore it: a complete backup replaces the workspace as one undoable step', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await openSecondArticle(page);
  await tag(page, 'Vladimir Putin', '1');
  const { name, json } = await exportJson(page, 'Backup');
  assert.match(name, /^spanmark-backup-\d{4}-\d{2}-\d{2}\.json$/);
  assert.deepEqual(json.backup, { documents: 2, annotations: 1 });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spanmark-backup-'));
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(json));

  // An incomplete backup changes nothing.
  const broken = { ...json, backup: { documents: 2, annotations: 5 } };
  writeFileSync(path.join(dir, 'broken.json'), JSON.stringify(broken));
  await tag(page, 'Moscow', '3');
  await page.setInputFiles('#restore-input', path.join(dir, 'broken.json'));
  await page.waitForSelector('#message:not([hidden])');
  assert.match(await page.textContent('#message'), /incomplete: it lists 2 document\(s\) and 5 annotation\(s\) but holds 2 and 1/);
  assert.deepEqual(await annotationList(page), ['GPE Moscow', 'PERSON Vladimir Putin']);

  await page.setInputFiles('#restore-input', file);
  await page.waitForFunction(() => /Restored 2 document/.test(document.getElementById('status').textContent));
  await openSecondArticle(page);
  assert.deepEqual(await annotationList(page), ['PERSON Vladimir Putin']);
  await page.keyboard.press('Control+z');
  await openSecondArticle(page);
  assert.deepEqual(await annotationList(page), ['GPE Moscow', 'PERSON Vladimir Putin']);
  await saved(page);
  await app.done();
});

test('a workspace saved in the previous layout (one canonical JSON record) opens, migrated', async () => {
  const context = await newContext(env.browser);
  const page = await context.newPage();
  // Write a layout-1 record on the app's origin before the app ever runs there.
  await page.goto(`${env.server.url}favicon.svg`);
  const legacy = {
    format: 'spanmark',
    version: 1,
    offsetUnit: 'codepoint',
    labels: [{ id: 'PERSON', name: 'Person', color: '#4e79a7', hotkey: '1', description: '' }],
    documents: [{ id: 'd1', name: 'old.txt', text: 'Saved by an older Spanmark: Kim 👋 Jong-un.', annotations: [{ id: 'a1', start: 34, end: 41, text: 'Jong-un', label: 'PERSON' }] }],
  };
  await page.evaluate(async (json) => {
    await new Promise((resolve, reject) => {
      const open = indexedDB.open('spanmark', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('records');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const tx = open.result.transaction('records', 'readwrite');
        tx.objectStore('records').put(json, '["workspace"]');
        tx.oncomplete = () => {
          open.result.close();
          resolve();
        };
      };
    });
  }, JSON.stringify(legacy));
  await page.close();

  const app = await openApp(env.browser, env.server.url, { context });
  const titles = await app.page.$$eval('.document-button .doc-title', (els) => els.map((e) => e.textContent));
  assert.deepEqual(titles, ['Saved by an older Spanmark: Kim 👋 Jong-un.']);
  await app.page.getByRole('button', { name: /older Spanmark/ }).click();
  assert.deepEqual(await annotationList(app.page), ['PERSON Jong-un']);
  await saved(app.page);
  const keys = await app.page.evaluate(
    () =>
      new Promise((resolve) => {
        const open = indexedDB.open('spanmark', 1);
        open.onsuccess = () => {
          const req = open.result.transaction('records').objectStore('records').getAllKeys();
          req.onsuccess = () => resolve(req.result);
        };
      }),
  );
  assert.ok(!keys.includes('["workspace"]'), 'the layout-1 record is gone');
  assert.ok(keys.includes('["meta"]'));
  await app.done();
  await context.close();
});
