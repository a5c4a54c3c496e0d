// The analyst's loop in a real browser: open, select with the mouse, tag, remove,
// tag again, export, and check the export against Python's own offsets.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, suite, openApp, dragSelect, doubleClickWord, highlightedTexts, exportJson, pythonFind, annotationList } from './harness.mjs';

const env = suite();

const DEMO_2 = path.join(ROOT, 'www/demo/putin-seeks-north-korean-arms.txt');



test('the page opens on a list of both demo articles, with their titles', async () => {
  const app = await openApp(env.browser, env.server.url);
  const titles = await app.page.$$eval('.document-button .doc-title', (els) => els.map((e) => e.textContent));
  assert.deepEqual(titles, [
    'Kim Jong-un meets Putin in Russia – news Norway – Overview of news from different parts of the country',
    'Russia uses up tons of ammunition in the Ukraine war. Now President Putin is probably seeking the help of North Korea’s ruler Kim. Is there an arms deal?',
  ]);
  // Opening one shows its title line as a heading and keeps its paragraphs.
  await app.page.getByRole('button', { name: /Russia uses up tons of ammunition/ }).click();
  const heading = await app.page.textContent('#doc .block.title');
  assert.equal(heading, 'Russia uses up tons of ammunition in the Ukraine war. Now President Putin is probably seeking the help of North Korea’s ruler Kim. Is there an arms deal?');
  // The breadcrumb and the byline read as such, not as the title (styling only).
  assert.equal(await app.page.textContent('#doc .block.dateline'), ' date 2023-09-06 Home page politics');
  assert.equal(await app.page.textContent('#doc .block.byline'), 'From: Christian Sturgeon');
  assert.ok((await app.page.$$eval('#doc .block.subheading', (els) => els.map((e) => e.textContent))).includes('North Korea’s ruler Kim Jong-un reportedly wants to meet with Vladimir Putin'));
  const paragraphs = await app.page.$$eval('#doc .block:not(.blank)', (els) => els.length);
  const fileLines = readFileSync(DEMO_2, 'utf8').split('\n').filter((l) => l !== '').length;
  assert.equal(paragraphs, fileLines);
  // Every character of the file is on the page, in order (line breaks become blocks).
  const shown = await app.page.$$eval('#doc .block', (els) => els.map((e) => e.textContent).join('\n'));
  assert.equal(shown, readFileSync(DEMO_2, 'utf8'));
  await app.done();
});

test('drag-select "Vladimir Putin", tag it PERSON by hotkey, remove it, tag it again, export exact code points', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await page.getByRole('button', { name: /Russia uses up tons of ammunition/ }).click();

  await dragSelect(page, 'Vladimir Putin');
  assert.equal(await page.evaluate(() => String(document.getSelection())), 'Vladimir Putin');
  await page.keyboard.press('1');
  assert.deepEqual(await highlightedTexts(page), ['Vladimir Putin']);
  assert.equal(await page.getAttribute('#doc mark.hl', 'data-chip'), 'PERSON');
  assert.match(await page.getAttribute('#doc mark.hl', 'title'), /Person/);
  assert.deepEqual(await annotationList(page), ['PERSON Vladimir Putin']);
  // The highlight is drawn in PERSON's colour.
  const shadow = await page.$eval('#doc mark.hl', (m) => getComputedStyle(m).boxShadow);
  assert.match(shadow, /rgb\(43, 93, 138\)/);

  // Click the highlight, Delete removes it.
  await page.click('#doc mark.hl');
  assert.equal(await page.getAttribute('#doc mark.hl', 'class'), 'hl starts ends selected');
  await page.keyboard.press('Delete');
  assert.deepEqual(await highlightedTexts(page), []);
  assert.deepEqual(await annotationList(page), []);

  // Tag it again, this time with the palette button (its accessible name is its visible text, hotkey and label).
  await dragSelect(page, 'Vladimir Putin');
  await page.getByRole('button', { name: '1 PERSON', exact: true }).click();
  assert.deepEqual(await highlightedTexts(page), ['Vladimir Putin']);

  const { name, json } = await exportJson(page);
  assert.equal(name, 'putin-seeks-north-korean-arms.spanmark.json');
  assert.equal(json.format, 'spanmark');
  assert.equal(json.version, 1);
  assert.equal(json.offsetUnit, 'codepoint');
  assert.deepEqual(json.labels.map((l) => l.id), ['PERSON', 'ORG', 'GPE', 'LOC', 'FAC', 'DATE', 'EVENT', 'WEAPON']);
  assert.equal(json.documents.length, 1);
  const [doc] = json.documents;
  assert.equal(doc.text, readFileSync(DEMO_2, 'utf8'));
  const expected = pythonFind(DEMO_2, 'Vladimir Putin');
  assert.equal(doc.annotations.length, 1);
  const [a] = doc.annotations;
  assert.deepEqual({ start: a.start, end: a.end, text: a.text, label: a.label }, { ...expected, text: 'Vladimir Putin', label: 'PERSON' });
  // Code points, not UTF-16: the same as slicing the text by code points.
  assert.equal([...doc.text].slice(a.start, a.end).join(''), 'Vladimir Putin');
  await app.done();
});

test('a phrase after emoji, CRLF, Hangul and combining marks, in a file opened through the picker, exports Python offsets', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spanmark-e2e-'));
  const file = path.join(dir, 'emoji-briefing.txt');
  const text =
    'Briefing 👨‍👩‍👧‍👦 and 🇰🇵🇷🇺 flags: “Kim” met José\u0301 in Владивосток.\r\n' +
    'Then 김정은 and 👍🏽 toured the Vostochny Cosmodrome – again.\r\n';
  writeFileSync(file, text, 'utf8');

  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await page.setInputFiles('#import-input', file);
  await page.waitForSelector('#doc .block.title');
  const titles = await page.$$eval('.document-button .doc-meta', (els) => els.map((e) => e.textContent));
  assert.ok(titles.some((t) => t.startsWith('emoji-briefing.txt')));

  await dragSelect(page, 'Vostochny Cosmodrome');
  await page.keyboard.press('5');
  await dragSelect(page, 'Владивосток');
  await page.keyboard.press('3');
  assert.deepEqual(await annotationList(page), ['GPE Владивосток', 'FAC Vostochny Cosmodrome']);

  const { json } = await exportJson(page);
  const [doc] = json.documents;
  assert.equal(doc.text, text);
  const byLabel = Object.fromEntries(doc.annotations.map((a) => [a.label, a]));
  for (const [label, phrase] of [['FAC', 'Vostochny Cosmodrome'], ['GPE', 'Владивосток']]) {
    const expected = pythonFind(file, phrase);
    assert.deepEqual({ start: byLabel[label].start, end: byLabel[label].end, text: byLabel[label].text }, { ...expected, text: phrase }, label);
  }
  await app.done();
});

test('overlapping highlights stay distinguishable and each one is clickable; a hotkey relabels the selected one', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await page.getByRole('button', { name: /Russia uses up tons of ammunition/ }).click();

  // Outer: "North Korean ruler Kim Jong Un", inner: "Kim Jong Un" (double-click + drag).
  await dragSelect(page, 'North Korean ruler Kim Jong Un');
  await page.keyboard.press('2');
  await dragSelect(page, 'Kim Jong Un');
  await page.keyboard.press('1');
  assert.deepEqual(await annotationList(page), ['ORG North Korean ruler Kim Jong Un', 'PERSON Kim Jong Un']);
  const marks = await page.$$eval('#doc mark.hl', (ms) => ms.map((m) => ({ text: m.textContent, overlap: m.classList.contains('overlap'), shadows: (getComputedStyle(m).boxShadow.match(/rgb/g) || []).length })));
  assert.deepEqual(marks, [
    { text: 'North Korean ruler ', overlap: false, shadows: 1 },
    { text: 'Kim Jong Un', overlap: true, shadows: 2 },
  ]);

  // A click on the nested part picks the innermost annotation; a second click cycles outward.
  await page.keyboard.press('Escape');
  const inner = page.locator('#doc mark.hl', { hasText: 'Kim Jong Un' });
  await inner.click();
  assert.match(await page.textContent('#status'), /Selected PERSON “Kim Jong Un”/);
  await inner.click();
  assert.match(await page.textContent('#status'), /Selected ORG “North Korean ruler Kim Jong Un”/);
  // A click on the outer-only part selects the outer one; hotkey 1 would duplicate nothing: relabel to GPE.
  await page.locator('#doc mark.hl', { hasText: 'North Korean ruler' }).click();
  await page.keyboard.press('3');
  assert.deepEqual(await annotationList(page), ['GPE North Korean ruler Kim Jong Un', 'PERSON Kim Jong Un']);

  // Double-click selects one word; tagging it adds a third, nested annotation.
  await doubleClickWord(page, 'Kim', { within: 'mark.hl.overlap' });
  assert.equal(await page.evaluate(() => String(document.getSelection()).trim()), 'Kim');
  await page.keyboard.press('8');
  assert.equal((await annotationList(page)).length, 3);

  // Clicking an entry in the side list selects its highlight; Backspace removes it.
  await page.locator('#annotation-list .annotation-button', { hasText: 'GPE' }).click();
  assert.equal(await page.$$eval('#doc mark.hl.selected', (ms) => ms.map((m) => m.textContent).join('')), 'North Korean ruler Kim Jong Un');
  await page.keyboard.press('Backspace');
  assert.deepEqual(await annotationList(page), ['PERSON Kim Jong Un', 'WEAPON Kim']);
  await app.done();
});

test('Export all, then Import that file through drag and drop, brings every annotation back; a broken file changes nothing', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await page.getByRole('button', { name: /Kim Jong-un meets Putin/ }).click();
  await dragSelect(page, 'Vostochny Cosmodrome');
  await page.keyboard.press('5');
  const { json } = await exportJson(page, 'Export all');
  assert.equal(json.documents.length, 2);

  const drop = async (name, content) => {
    await page.evaluate(
      ([name, content]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([content], name, { type: 'application/json' }));
        window.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt }));
        window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
      },
      [name, content],
    );
  };

  // A broken file: a clear message, and the document list does not change.
  const before = await page.$$eval('.document-button', (bs) => bs.length);
  await drop('broken.json', '{"format": "spanmark", "version": 1, "offsetUnit": "codepoint", "documents": [');
  await page.waitForSelector('#message:not([hidden])');
  assert.match(await page.textContent('#message'), /broken\.json: the file is not a valid Spanmark JSON file: EOF while parsing/);
  assert.equal(await page.$$eval('.document-button', (bs) => bs.length), before);

  // The real export holds the same texts: the report offers to merge, and accepted, the
  // documents do not pile up and no annotation is doubled.
  await drop('corpus.spanmark.json', JSON.stringify(json));
  await page.locator('#import-dialog').waitFor({ state: 'visible' });
  assert.match(await page.textContent('#import-same-text'), /2 document\(s\) in the file have the same text as “Kim Jong-un meets Putin/);
  assert.equal(await page.inputValue('#import-same'), 'merge');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.waitForFunction(() => /Imported/.test(document.getElementById('status').textContent));
  assert.equal(await page.$$eval('.document-button', (bs) => bs.length), before);
  assert.deepEqual(await highlightedTexts(page), ['Vostochny Cosmodrome']);
  assert.deepEqual(await annotationList(page), ['FAC Vostochny Cosmodrome']);
  // Or as copies, named so: one more document each, with its annotation.
  await drop('corpus.spanmark.json', JSON.stringify(json));
  await page.locator('#import-dialog').waitFor({ state: 'visible' });
  await page.selectOption('#import-same', 'copy');
  await page.waitForFunction(() => /copy/.test(document.getElementById('import-diagnostics').textContent));
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.waitForFunction((n) => document.querySelectorAll('.document-button').length === n, before + 2);
  const names = await page.$$eval('.document-button .doc-meta', (ms) => ms.map((m) => m.textContent));
  assert.ok(names.includes('kim-jong-un-meets-putin-in-russia (copy).txt · 1 annotation'), JSON.stringify(names));
  await app.done();
});

test('article text is shown as text: markup in a document never runs', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spanmark-e2e-'));
  const file = path.join(dir, 'hostile.txt');
  const text = 'Report <script>window.__pwned = 1</script> and <img src=x onerror="window.__pwned = 2"> end\n<b>bold?</b>';
  writeFileSync(file, text, 'utf8');
  const app = await openApp(env.browser, env.server.url);
  await app.page.setInputFiles('#import-input', file);
  await app.page.waitForSelector('#doc .block.title');
  const shown = await app.page.$$eval('#doc .block', (els) => els.map((e) => e.textContent).join('\n'));
  assert.equal(shown, text);
  assert.equal(await app.page.$$eval('#doc script, #doc img, #doc b', (els) => els.length), 0);
  assert.equal(await app.page.evaluate(() => window.__pwned), undefined);
  await app.done();
});
