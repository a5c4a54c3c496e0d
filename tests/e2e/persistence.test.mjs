// Never losing work: autosave to IndexedDB, reloads, an abrupt kill mid-burst, a save badge
// that is true at every moment (kills right after "Saved"), undo/redo across reloads, two
// tabs (a writer closed right after an edit), storage failures, backup and restore, and
// the previous layout.

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
  seedRecords,
  storedRecords,
} from './harness.mjs';

const env = suite();


const openSecondArticle = (page) => page.getByRole('button', { name: /Russia uses up tons of ammunition/ }).click();

async function tag(page, phrase, key) {
  await dragSelect(page, phrase);
  await page.keyboard.press(key);
}

/**
 * Installs `window.probe` in the page: it selects text and presses hotkeys in the
 * page's own task (so the badge can be read before anything else runs), follows every
 * readwrite transaction the app makes, and records each time the badge turns "Saved"
 * while one of them is still running (`probe.violations`).
 */
async function installProbe(page) {
  await page.evaluate(() => {
    const txs = [];
    const waiters = [];
    const probe = {
      txs,
      violations: [],
      open: () => txs.filter((t) => !t.finished).length,
      badge: () => {
        const el = document.getElementById('save-status');
        return { text: el.textContent, state: el.dataset.state };
      },
      /** Selects the first occurrence of `phrase` in the article, as a drag would. */
      select(phrase) {
        const walker = document.createTreeWalker(document.getElementById('doc'), NodeFilter.SHOW_TEXT);
        for (let t = walker.nextNode(); t; t = walker.nextNode()) {
          const i = t.data.indexOf(phrase);
          if (i < 0) continue;
          const r = document.createRange();
          r.setStart(t, i);
          r.setEnd(t, i + phrase.length);
          document.getSelection().removeAllRanges();
          document.getSelection().addRange(r);
          return;
        }
        throw new Error(`${phrase} is not in the article`);
      },
      /** Presses hotkey `key` and returns the badge as it is when the handler has returned. */
      press(key) {
        document.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
        return probe.badge();
      },
      /** The next readwrite transaction made from now on (its record: {finished, completed}). */
      nextTransaction: () => new Promise((resolve) => waiters.push(resolve)),
      /** Resolves when the badge next says "Saved". */
      saved: () =>
        new Promise((resolve) => {
          const check = () => (probe.badge().state === 'saved' ? resolve() : requestAnimationFrame(check));
          check();
        }),
    };
    const transaction = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (...args) {
      const tx = transaction.apply(this, args);
      if (tx.mode === 'readwrite') {
        const record = { finished: false, outcome: null };
        // Added before the app's own handlers, so `finished` is set before the app hears of it.
        record.completed = new Promise((resolve) => {
          for (const type of ['complete', 'abort']) {
            tx.addEventListener(type, () => {
              record.finished = true;
              record.outcome = type;
              resolve(type);
            });
          }
        });
        txs.push(record);
        waiters.splice(0).forEach((w) => w(record));
      }
      return tx;
    };
    new MutationObserver(() => {
      if (probe.badge().state === 'saved' && probe.open() > 0) {
        probe.violations.push(`"Saved" shown while ${probe.open()} write(s) were running`);
      }
    }).observe(document.getElementById('save-status'), { attributes: true, attributeFilter: ['data-state'] });
    window.probe = probe;
  });
}

/** Starts Chromium on `profile`, opens the app and waits until it is ready (`timeout` ms at most). */
async function launchOnProfile(profile, errors, timeout = 15_000) {
  const run = await launchKillableBrowser(profile);
  const page = await run.context.newPage();
  watch(page, errors);
  await page.goto(env.server.url);
  await page.waitForSelector('body[data-ready="true"]', { timeout });
  return { run, page };
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

test('the badge says "Saving…" in the same task as a tag, and "Saved" only once the transaction holding it has completed', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await openSecondArticle(page);
  // Opened (which document is open is being saved), then saved.
  await page.waitForFunction(() => document.body.dataset.openedDoc);
  await saved(page);
  await installProbe(page);

  // The hotkey's handler has returned: the badge already says so, before any write.
  await dragSelect(page, 'Vladimir Putin');
  assert.deepEqual(await page.evaluate(() => window.probe.press('1')), { text: 'Saving…', state: 'saving' });
  await saved(page);
  assert.equal(await page.textContent('#save-status'), 'Saved');
  assert.deepEqual(await annotationList(page), ['PERSON Vladimir Putin']);

  // A tag made while a write is running: "Saving…" stays when that write completes,
  // until a later transaction holding the tag has completed.
  const seen = await page.evaluate(async () => {
    const { probe } = window;
    probe.select('Pyongyang');
    const first = probe.press('3');
    const tx1 = await probe.nextTransaction();
    probe.select('Moscow');
    const second = probe.press('3');
    const txsBefore = probe.txs.length;
    await tx1.completed;
    // Let the app hear of the completion.
    await new Promise((resolve) => setTimeout(resolve));
    const afterFirst = probe.badge();
    const laterWrites = probe.txs.length - txsBefore;
    await probe.saved();
    return { first, second, tx1: tx1.outcome, afterFirst, laterWrites, open: probe.open() };
  });
  assert.deepEqual(seen, {
    first: { text: 'Saving…', state: 'saving' },
    second: { text: 'Saving…', state: 'saving' },
    tx1: 'complete',
    afterFirst: { text: 'Saving…', state: 'saving' },
    laterWrites: 1,
    open: 0,
  });

  // Which document is open is saved through the same badge.
  const first = page.getByRole('button', { name: /Kim Jong-un meets Putin/ });
  const firstId = await first.getAttribute('data-doc-id');
  await first.click();
  // Set once the document is open, after its view state was handed to the autosaver.
  await page.waitForFunction((id) => document.body.dataset.openedDoc === id, firstId);
  await saved(page);
  assert.deepEqual(await page.evaluate(() => window.probe.violations), []);

  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.match(await page.textContent('#doc .block.title'), /Kim Jong-un meets Putin in Russia/);
  await openSecondArticle(page);
  assert.deepEqual(await annotationList(page), ['GPE Moscow', 'PERSON Vladimir Putin', 'GPE Pyongyang']);
  await app.done();
});

test('killing the browser right after "Saved" loses nothing: six tag-then-kill cycles', async () => {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'spanmark-profile-'));
  const tags = [
    ['Vladimir Putin', '1', 'PERSON Vladimir Putin'],
    ['Pyongyang', '3', 'GPE Pyongyang'],
    ['Sergei Shoigu', '1', 'PERSON Sergei Shoigu'],
    ['Washington', '3', 'GPE Washington'],
    ['Kremlin', '2', 'ORG Kremlin'],
    ['Vladivostok', '3', 'GPE Vladivostok'],
  ];
  const errors = [];
  let run = null;
  try {
    let page;
    ({ run, page } = await launchOnProfile(profile, errors));
    await openSecondArticle(page);
    await page.waitForFunction(() => document.body.dataset.openedDoc);
    await saved(page);
    const made = [];
    for (const [phrase, key, line] of tags) {
      await dragSelect(page, phrase);
      // Press the hotkey and wait for "Saved" in the page itself, so that the kill
      // follows the first moment the badge says "Saved" after the tag as closely as can be.
      const badge = await page.evaluate((key) => {
        document.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
        const el = document.getElementById('save-status');
        return new Promise((resolve) => {
          const observer = new MutationObserver(() => check());
          const check = () => {
            if (el.dataset.state !== 'saved') return false;
            observer.disconnect();
            resolve(el.textContent);
            return true;
          };
          if (!check()) observer.observe(el, { attributes: true, attributeFilter: ['data-state'] });
        });
      }, key);
      assert.equal(badge, 'Saved');
      made.push(line);
      await run.kill();
      run = null;

      ({ run, page } = await launchOnProfile(profile, errors));
      assert.equal((await page.textContent('#doc .block.title')).trim(), 'Russia uses up tons of ammunition in the Ukraine war. Now President Putin is probably seeking the help of North Korea’s ruler Kim. Is there an arms deal?');
      assert.deepEqual((await annotationList(page)).sort(), [...made].sort(), `after the kill that followed tagging ${phrase}`);
      await saved(page);
    }
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

test('two tabs: a tag made just before the writer tab closes is in the tab that takes over', async () => {
  const context = await newContext(env.browser);
  const apps = [];
  const open = async () => {
    const app = await openApp(env.browser, env.server.url, { context });
    apps.push(app);
    return app;
  };
  let writer = await open();
  await saved(writer.page);
  await openSecondArticle(writer.page);
  await saved(writer.page);
  const rounds = [
    ['Vladimir Putin', '1', 'PERSON Vladimir Putin', 'close'],
    ['Pyongyang', '3', 'GPE Pyongyang', 'close, running beforeunload'],
    ['Sergei Shoigu', '1', 'PERSON Sergei Shoigu', 'close'],
    ['Kremlin', '2', 'ORG Kremlin', 'close'],
    ['Vladivostok', '3', 'GPE Vladivostok', 'close'],
  ];
  const made = [];
  for (const [phrase, key, line, how] of rounds) {
    const reader = await open();
    assert.equal(await reader.page.getAttribute('body', 'data-role'), 'reader');
    // The writer is the tab in front, as when a person tags and then closes it.
    await writer.page.bringToFront();
    await dragSelect(writer.page, phrase);
    await writer.page.keyboard.press(key);
    made.push(line);
    if (how === 'close') {
      // Closed at once, without waiting for "Saved".
      await writer.page.close();
    } else {
      // As a person closing the tab: if the page asks whether to leave, leave.
      const { page } = writer;
      page.removeAllListeners('dialog');
      page.on('dialog', (dialog) => (dialog.type() === 'beforeunload' ? dialog.accept() : writer.errors.push(`dialog: ${dialog.message()}`)));
      const closed = new Promise((resolve) => page.once('close', resolve));
      await page.close({ runBeforeUnload: true });
      await closed;
    }
    await reader.page.waitForSelector('body[data-role="writer"]');
    // The list is drawn once the taken-over workspace is read; on a lost tag, the assertion below says which.
    await reader.page
      .waitForFunction((n) => document.querySelectorAll('#annotation-list .annotation-button').length === n, made.length, { timeout: 10_000 })
      .catch(() => {});
    assert.deepEqual((await annotationList(reader.page)).sort(), [...made].sort(), `the tag on ${phrase} survived the ${how}`);
    writer = reader;
  }
  // An export from the new writer holds them too.
  const { json } = await exportJson(writer.page, 'Export all');
  const doc = json.documents.find((d) => d.name === 'putin-seeks-north-korean-arms.txt');
  assert.deepEqual(doc.annotations.map((a) => a.text).sort(), ['Kremlin', 'Pyongyang', 'Sergei Shoigu', 'Vladimir Putin', 'Vladivostok']);
  await saved(writer.page);
  for (const app of apps) assert.deepEqual(app.errors, [], 'the page logged errors');
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
  await seedRecords(page, [['["workspace"]', JSON.stringify(legacy)]]);
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

test('a workspace saved in layout 3 (a record per annotation) opens, and its annotations move onto pages in one write', async () => {
  const context = await newContext(env.browser);
  const page = await context.newPage();
  await page.goto(`${env.server.url}favicon.svg`);
  const text = 'Kim Jong-un 👋 met Путин in Vladivostok.';
  const records = [
    ['["meta"]', JSON.stringify({ layout: 3, labels: [{ id: 'PERSON', name: 'Person', color: '#4e79a7', hotkey: '1', description: '' }, { id: 'GPE', name: 'Place', color: '#59a14f', hotkey: '2', description: '' }], relationTypes: [], attributes: [], documents: ['d1'], nextDocument: 2, nextAnnotation: 3 })],
    ['["doc","d1"]', JSON.stringify({ id: 'd1', name: 'layout3.txt', text })],
    ['["ann","d1","a1"]', JSON.stringify({ id: 'a1', start_byte: 0, end_byte: 11, label: 'PERSON' })],
    ['["ann","d1","a2"]', JSON.stringify({ id: 'a2', start_byte: 35, end_byte: 46, label: 'GPE' })],
  ];
  await seedRecords(page, records);
  await page.close();

  const app = await openApp(env.browser, env.server.url, { context });
  await app.page.getByRole('button', { name: /Kim Jong-un 👋 met/ }).click();
  assert.deepEqual((await annotationList(app.page)).sort(), ['GPE Vladivostok', 'PERSON Kim Jong-un']);
  await saved(app.page);
  const stored = await storedRecords(app.page);
  const keys = stored.map(([k]) => k);
  assert.ok(!keys.some((k) => k.startsWith('["ann",')), `the per-annotation records are gone: ${keys}`);
  const onPages = stored.filter(([k]) => k.startsWith('["anns","d1",')).flatMap(([, v]) => JSON.parse(v).map((a) => a.id));
  assert.deepEqual(onPages.sort(), ['a1', 'a2']);
  assert.equal(JSON.parse(stored.find(([k]) => k === '["meta"]')[1]).layout, 4);
  await app.done();
  await context.close();
});

test('killing the browser while 100,000 imported annotations are being saved loses nothing acknowledged: all or none', async () => {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'spanmark-profile-'));
  const words = Array.from({ length: 100_000 }, (_, i) => `w${String(i).padStart(5, '0')}`);
  const text = words.join(' ');
  const annotations = words.map((w, i) => ({ id: `x${i}`, start: i * 7, end: i * 7 + 6, text: w, label: 'PERSON' }));
  const file = path.join(profile, 'big.json');
  writeFileSync(file, JSON.stringify({ format: 'spanmark', version: 1, offsetUnit: 'codepoint', labels: [], documents: [{ id: 'big', name: 'big.txt', text, annotations }] }));
  const stored = async (page) => {
    const records = await storedRecords(page);
    return records.filter(([k]) => k.startsWith('["anns","big",')).reduce((n, [, v]) => n + JSON.parse(v).length, 0);
  };
  const errors = [];
  let run = null;
  try {
    // One tag saved first: it must survive whatever happens to the import.
    let page;
    ({ run, page } = await launchOnProfile(profile, errors, 120_000));
    await openSecondArticle(page);
    await tag(page, 'Kremlin', '1');
    await saved(page);
    // Import, and kill the browser while the save is under way.
    await page.setInputFiles('#import-input', file);
    await page.waitForSelector('body[data-opened-doc="big"]', { timeout: 120_000 });
    assert.equal(await page.getAttribute('#save-status', 'data-state'), 'saving');
    await run.kill();
    run = null;

    ({ run, page } = await launchOnProfile(profile, errors, 120_000));
    const afterKill = await stored(page);
    assert.ok(afterKill === 0 || afterKill === 100_000, `all or nothing of the import is stored, not ${afterKill}`);
    const kremlin = (await storedRecords(page)).filter(([k]) => k.startsWith('["anns",') && !k.startsWith('["anns","big",')).flatMap(([, v]) => JSON.parse(v).map((a) => a.label));
    assert.deepEqual(kremlin, ['PERSON'], 'the tag saved before the import is still there');

    // Import again (if it was lost), wait for "Saved", kill: all of it is back.
    if (afterKill === 0) {
      await page.setInputFiles('#import-input', file);
      await page.waitForSelector('body[data-opened-doc="big"]', { timeout: 120_000 });
    }
    await page.waitForSelector('#save-status[data-state="saved"]', { timeout: 120_000 });
    await run.kill();
    run = null;
    ({ run, page } = await launchOnProfile(profile, errors, 120_000));
    assert.equal(await stored(page), 100_000);
    // It opens (the open document is saved too, or by a click), with no error.
    if ((await page.getAttribute('body', 'data-opened-doc')) !== 'big') await page.locator('.document-button[data-doc-id="big"]').click({ timeout: 120_000 });
    await page.waitForSelector('body[data-opened-doc="big"]', { timeout: 120_000 });
    assert.deepEqual(errors, []);
  } finally {
    await run?.kill();
    rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
});
