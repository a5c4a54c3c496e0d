// Interchange formats through the real page: tag with the mouse, export in every format
// from the Export menu, check the files against Python's offsets, import them back
// through the picker and by drag and drop, and review a lossy import in its report.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, suite, openApp, dragSelect, annotationList, pythonFind, settled, saved } from './harness.mjs';

const env = suite();
const DEMO_2 = path.join(ROOT, 'www/demo/putin-seeks-north-korean-arms.txt');
const TITLE = /Russia uses up tons of ammunition/;

async function exportIn(page, value, button = 'Export') {
  await page.selectOption('#export-format', value);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button, exact: true }).click()]);
  return { name: download.suggestedFilename(), path: await download.path() };
}

async function tagged(page) {
  await page.getByRole('button', { name: TITLE }).click();
  await dragSelect(page, 'Vladimir Putin');
  await page.keyboard.press('1');
  await dragSelect(page, 'Pyongyang');
  await page.keyboard.press('3');
  assert.deepEqual(await annotationList(page), ['PERSON Vladimir Putin', 'GPE Pyongyang']);
}

async function importFiles(page, files) {
  await page.evaluate(() => (document.getElementById('status').textContent = ''));
  await page.setInputFiles('#import-input', files);
  await page.waitForFunction(() => /Imported|Nothing was imported|cancelled/.test(document.getElementById('status').textContent));
}

test('the Export menu writes every format, and each file holds Python’s offsets', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await tagged(page);
  const putin = pythonFind(DEMO_2, 'Vladimir Putin');
  const pyongyang = pythonFind(DEMO_2, 'Pyongyang');
  const options = await page.$$eval('#export-format option', (os) => os.map((o) => o.value));
  assert.deepEqual(options, ['canonical', 'jsonl', 'brat', 'conll:iob2', 'conll:iob1', 'conll:bioes', 'w3c', 'label-studio']);

  const jsonl = await exportIn(page, 'jsonl');
  assert.equal(jsonl.name, 'putin-seeks-north-korean-arms.jsonl');
  const line = JSON.parse(readFileSync(jsonl.path, 'utf8').trim());
  assert.deepEqual(line.label, [[putin.start, putin.end, 'PERSON'], [pyongyang.start, pyongyang.end, 'GPE']]);

  const ls = JSON.parse(readFileSync((await exportIn(page, 'label-studio')).path, 'utf8'));
  assert.deepEqual(
    ls[0].annotations[0].result.map((r) => [r.value.start, r.value.end, r.value.text, r.value.labels[0]]),
    [[putin.start, putin.end, 'Vladimir Putin', 'PERSON'], [pyongyang.start, pyongyang.end, 'Pyongyang', 'GPE']],
  );

  const w3c = JSON.parse(readFileSync((await exportIn(page, 'w3c')).path, 'utf8'));
  const sel = w3c.first.items[0].target.selector;
  assert.deepEqual(sel[1], { type: 'TextPositionSelector', start: putin.start, end: putin.end });
  assert.equal(sel[0].exact, 'Vladimir Putin');

  const brat = await exportIn(page, 'brat');
  assert.equal(brat.name, 'putin-seeks-north-korean-arms.brat.zip');
  const ann = execFileSync('python3', ['-c', 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read("putin-seeks-north-korean-arms.ann").decode())', brat.path]);
  assert.equal(String(ann).trim(), `T1\tPERSON ${putin.start} ${putin.end}\tVladimir Putin\nT2\tGPE ${pyongyang.start} ${pyongyang.end}\tPyongyang`);

  const conll = readFileSync((await exportIn(page, 'conll:bioes')).path, 'utf8');
  assert.match(conll, /^-DOCSTART- O\n/);
  assert.match(conll, /\nVladimir B-PERSON\nPutin E-PERSON\n/);
  assert.match(conll, /\nPyongyang S-GPE\n/);

  // Export all in the canonical format is still one Spanmark JSON file.
  const all = JSON.parse(readFileSync((await exportIn(page, 'canonical', 'Export all')).path, 'utf8'));
  assert.equal(all.documents.length, 2);
  await app.done();
});

test('files exported in each format import back through the picker, by drag and drop, and into the open document', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spanmark-formats-'));
  const source = await openApp(env.browser, env.server.url);
  await tagged(source.page);
  const files = {};
  for (const value of ['jsonl', 'label-studio', 'brat', 'conll:iob2', 'w3c']) {
    const { name, path: p } = await exportIn(source.page, value);
    files[value] = path.join(dir, name);
    copyFileSync(p, files[value]);
  }
  await source.done();
  const txt = path.join(dir, 'putin-seeks-north-korean-arms.txt');
  copyFileSync(DEMO_2, txt);

  for (const [value, inputs, expectedName] of [
    ['jsonl', [files.jsonl], 'putin-seeks-north-korean-arms.txt'],
    ['label-studio', [files['label-studio']], 'putin-seeks-north-korean-arms.txt'],
    ['brat', [files.brat], 'putin-seeks-north-korean-arms.txt'],
    ['conll:iob2', [files['conll:iob2'], txt], 'putin-seeks-north-korean-arms.txt'],
  ]) {
    const app = await openApp(env.browser, env.server.url);
    const { page } = app;
    const before = await page.$$eval('.document-button', (bs) => bs.length);
    // The demo article is open here already: the report offers to merge into it.
    await page.setInputFiles('#import-input', inputs);
    await page.locator('#import-dialog').waitFor({ state: 'visible' });
    assert.match(await page.textContent('#import-same-text'), /1 document\(s\) in the file have the same text as “Russia uses up tons/, value);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.waitForFunction(() => /Imported/.test(document.getElementById('status').textContent));
    assert.match(await page.textContent('#status'), /Imported .*1 document\(s\), 2 annotation\(s\)/, value);
    assert.equal(await page.$$eval('.document-button', (bs) => bs.length), before, value);
    // The imported document is open, with both spans highlighted on the exact text.
    await settled(page);
    assert.deepEqual(await annotationList(page), ['PERSON Vladimir Putin', 'GPE Pyongyang'], value);
    assert.deepEqual(await page.$$eval('#doc mark.hl', (ms) => ms.map((m) => m.textContent)), ['Vladimir Putin', 'Pyongyang'], value);
    // The document keeps the name it had where it was exported.
    const meta = await page.$$eval('.document-button .doc-meta', (ms) => ms[ms.length - 1].textContent);
    assert.equal(meta, `${expectedName} · 2 annotations`, value);
    await app.done();
  }

  // W3C annotations point at a document: dropped on a page where it is open, they land on it.
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await page.getByRole('button', { name: TITLE }).click();
  const w3c = readFileSync(files.w3c, 'utf8');
  await page.evaluate((content) => {
    const dt = new DataTransfer();
    dt.items.add(new File([content], 'annotations.w3c.jsonld', { type: 'application/ld+json' }));
    window.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true }));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, w3c);
  await page.waitForFunction(() => /Imported/.test(document.getElementById('status').textContent));
  await settled(page);
  assert.deepEqual(await annotationList(page), ['PERSON Vladimir Putin', 'GPE Pyongyang']);
  assert.equal(await page.$$eval('.document-button', (bs) => bs.length), 2, 'no document was added');
  // One undo takes the whole import back.
  await page.keyboard.press('Control+z');
  assert.deepEqual(await annotationList(page), []);
  await app.done();
});

test('a lossy import waits in its report: UTF-16 offsets are caught, re-read, and nothing applies on Cancel', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spanmark-review-'));
  // What doccano's browser wrote: UTF-16 offsets after an emoji.
  const text = '👋🏽 Kim Jong-un met Vladimir Putin at Vostochny.';
  const u16 = (phrase) => [text.indexOf(phrase), text.indexOf(phrase) + phrase.length];
  const doccano = path.join(dir, 'doccano.jsonl');
  writeFileSync(doccano, JSON.stringify({ text, label: [[...u16('Kim Jong-un'), 'PERSON'], [...u16('Vladimir Putin'), 'PERSON'], [...u16('Vostochny'), 'FAC']] }) + '\n');

  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  const before = await page.$$eval('.document-button', (bs) => bs.length);
  await page.setInputFiles('#import-input', doccano);
  const dialog = page.locator('#import-dialog');
  await dialog.waitFor({ state: 'visible' });
  // Read as code points, the last span runs past the end and the others are shifted.
  assert.match(await page.textContent('#import-summary'), /Read as JSONL \(doccano, spaCy\): 1 document\(s\) and 2 annotation\(s\)/);
  assert.match(await page.textContent('#import-diagnostics'), /3 of 3 span\(s\) line up with words when counted in UTF-16 code units/);
  // Hotkeys do nothing while the report is open.
  await page.keyboard.press('1');
  // Re-read as UTF-16: the warning goes.
  await page.selectOption('#import-unit', 'utf16');
  await page.waitForFunction(() => !/line up with words/.test(document.getElementById('import-diagnostics').textContent));
  assert.equal(await page.textContent('#import-counts'), '0 left out · 0 warnings · 0 notes');
  assert.match(await page.textContent('#import-summary'), /1 document\(s\) and 3 annotation\(s\)/);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.waitForFunction(() => /Imported/.test(document.getElementById('status').textContent));
  assert.deepEqual(await annotationList(page), ['PERSON Kim Jong-un', 'PERSON Vladimir Putin', 'FAC Vostochny']);
  assert.equal(await page.$$eval('.document-button', (bs) => bs.length), before + 1);

  // A broken brat file: the report lists what is wrong, and Cancel changes nothing.
  const bad = path.join(dir, 'bad.ann');
  writeFileSync(bad, 'T1\tPERSON 0 3\tKim\nT2\tPERSON 8 1300\tfar\nR1\tMet Arg1:T1 Arg2:T2\n');
  const badTxt = path.join(dir, 'bad.txt');
  writeFileSync(badTxt, 'Kim met Putin.');
  const count = await page.$$eval('.document-button', (bs) => bs.length);
  await page.setInputFiles('#import-input', [bad, badTxt]);
  await dialog.waitFor({ state: 'visible' });
  const diagnostics = await page.$$eval('#import-diagnostics li', (ls) => ls.map((l) => `${l.dataset.severity}: ${l.textContent}`));
  assert.equal(diagnostics.length, 2);
  assert.match(diagnostics[0], /^error: .*goes past the end of the text \(14 code points\)/);
  assert.match(diagnostics[1], /^error: .*the Met relation points at span "T2", which is not in the file or was left out/);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  assert.match(await page.textContent('#status'), /import cancelled, nothing changed/);
  assert.equal(await page.$$eval('.document-button', (bs) => bs.length), count);
  await app.done();
});

test('an unreadable file of a known format is refused with its reason, and the workspace is untouched', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spanmark-bad-'));
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  const before = await page.$$eval('.document-button', (bs) => bs.length);
  const cases = [
    ['truncated.json', '[{"data": {"text": "Kim met Putin."}, "annotations": [{"result": [', /is not valid Label Studio JSON|EOF while parsing/],
    ['latin1.jsonl', Buffer.from([0x7b, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]), /is not UTF-8/],
    ['empty.ann', '', /no \.ann|nothing could be imported|not a brat/i],
  ];
  for (const [name, content, reason] of cases) {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    await importFiles(page, file);
    assert.match(await page.textContent('#message'), reason, name);
    assert.equal(await page.$$eval('.document-button', (bs) => bs.length), before, name);
  }
  await app.done();
});

test('what imports bring along shows in the list: brat notes and Label Studio suggestions', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spanmark-extra-'));
  writeFileSync(path.join(dir, 'meet.txt'), 'Kim Jong-un met Vladimir Putin at the Vostochny Cosmodrome.\n');
  writeFileSync(path.join(dir, 'meet.ann'), 'T1\tPERSON 0 11\tKim Jong-un\n#1\tAnnotatorNotes T1\tLeader of the DPRK\nT2\tPERSON 16 30\tVladimir Putin\n');
  writeFileSync(
    path.join(dir, 'tasks.json'),
    JSON.stringify([{ data: { text: 'Talks at Vostochny ended.' }, predictions: [{ model_version: 'ner-v2', result: [{ type: 'labels', value: { start: 9, end: 18, text: 'Vostochny', labels: ['FAC'] } }] }] }]),
  );
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  const rows = () => page.$$eval('#annotation-list .annotation-button', (bs) => bs.map((b) => [b.querySelector('.quote').textContent, [...b.querySelectorAll('.badge')].map((s) => s.textContent).join(','), b.title]));
  await importFiles(page, [path.join(dir, 'meet.txt'), path.join(dir, 'meet.ann')]);
  await annotationList(page);
  assert.deepEqual(await rows(), [
    ['Kim Jong-un', 'note', 'PERSON: Kim Jong-un (note: Leader of the DPRK)'],
    ['Vladimir Putin', '', 'PERSON: Vladimir Putin'],
  ]);
  await importFiles(page, path.join(dir, 'tasks.json'));
  await annotationList(page);
  assert.deepEqual(await rows(), [['Vostochny', 'suggested', 'FAC: Vostochny']]);
  assert.match(await page.textContent('#message'), /1 predicted span\(s\) were imported as suggestions/);
  await app.done();
});

test('a CoNLL train.txt opens its report: the tag column can be chosen, and JSON lines named .json can be read another way', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await saved(page);
  // token POS chunk NER, as CoNLL-2003 lays it out; named train.txt as training sets are.
  const conll = ['EU NNP B-NP B-ORG', 'rejects VBZ B-VP O', 'German JJ B-NP B-MISC', 'call NN I-NP O', '. . O O', '', 'Peter NNP B-NP B-PER', 'Blackburn NNP I-NP I-PER', ''].join('\n');
  await page.setInputFiles('#import-input', { name: 'train.txt', mimeType: 'text/plain', buffer: Buffer.from(conll) });
  const dialog = page.locator('#import-dialog');
  await dialog.waitFor({ state: 'visible' });
  assert.match(await page.textContent('#import-summary'), /Read as CoNLL \(IOB\): 1 document\(s\) and 3 annotation\(s\)/);
  assert.equal(await page.isVisible('#import-column-row'), true);
  assert.equal(await page.inputValue('#import-column'), '3');
  assert.match(await page.textContent('#import-diagnostics'), /could also be taken as a plain-text document/);
  // The chunk column instead: NP and VP chunks.
  await page.selectOption('#import-column', { value: '2' });
  await page.waitForFunction(() => /4 annotation\(s\)/.test(document.getElementById('import-summary').textContent));
  await page.selectOption('#import-column', { value: '3' });
  await page.waitForFunction(() => /3 annotation\(s\)/.test(document.getElementById('import-summary').textContent));
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.waitForFunction(() => /Imported/.test(document.getElementById('status').textContent));
  assert.deepEqual(await annotationList(page), ['ORG EU', 'MISC German', 'PER Peter Blackburn']);

  // JSON lines in a file named .json: read by content, and the report offers the other reading and the fields.
  const lines = [{ content: 'Kim met Putin.', spans: [[0, 3, 'PERSON']] }, { content: 'Putin met Kim.', spans: [[0, 5, 'PERSON']] }].map((l) => JSON.stringify(l)).join('\n');
  await page.setInputFiles('#import-input', { name: 'records.json', mimeType: 'application/json', buffer: Buffer.from(lines) });
  await dialog.waitFor({ state: 'visible' });
  assert.match(await page.textContent('#import-summary'), /Read as JSONL \(doccano, spaCy\): 2 document\(s\) and 2 annotation\(s\)/);
  assert.equal(await page.isVisible('#import-keys-row'), true);
  assert.deepEqual(await page.$$eval('#import-text-key option', (os) => os.map((o) => o.value)), ['', 'content', 'spans']);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.waitForFunction(() => /Imported records\.json/.test(document.getElementById('status').textContent));
  await app.done();
});
