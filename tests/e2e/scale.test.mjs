// A generated 1 MB article with 20,000 annotations (about 10% nested or crossing): tagging,
// clicking overlapping spans and removing, by mouse and keyboard, far down the document.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { article, annotations } from '../../bench/generate.mjs';
import { suite, openApp, settled, annotationList, exportJson, saved } from './harness.mjs';

const env = suite();

let file;
const N = 20000;

before(() => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spanmark-scale-'));
  const { text, tokens } = article();
  const spans = annotations(tokens, N, 7);
  const cp = (u16) => [...text.slice(0, u16)].length;
  // Code point offsets by one pass over the text (the spans come in no order).
  const table = new Uint32Array(text.length + 1);
  for (let i = 0, c = 0; i <= text.length; i++) {
    table[i] = c;
    const code = text.charCodeAt(i);
    if (!(code >= 0xd800 && code <= 0xdbff)) c++;
  }
  assert.equal(table[1000], cp(1000));
  const doc = {
    format: 'spanmark',
    version: 1,
    offsetUnit: 'codepoint',
    labels: [],
    documents: [{ id: 'big', name: 'generated-1mb.txt', text, annotations: spans.map((s, i) => ({ id: `g${i}`, start: table[s.startUtf16], end: table[s.endUtf16], text: text.slice(s.startUtf16, s.endUtf16), label: s.label })) }],
  };
  file = path.join(dir, 'generated-1mb.spanmark.json');
  writeFileSync(file, JSON.stringify(doc));
});

test('a 1 MB article with 20,000 annotations: tag, click overlapping spans and remove, deep in the document', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await page.setInputFiles('#import-input', file);
  await page.waitForSelector('body[data-opened-doc="big"]', { timeout: 60_000 });
  assert.equal(await page.textContent('#annotation-count'), `(${N})`);
  // The side list shows only the rows in view, not 20,000 elements.
  const rows = await page.$$eval('#annotation-list li', (li) => li.length);
  assert.ok(rows > 10 && rows < 200, `${rows} rows rendered`);

  // Go far down: three quarters into the article.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight * 0.75));
  await page.waitForFunction(() => {
    const marks = [...document.querySelectorAll('#doc mark.hl')];
    return marks.some((m) => {
      const r = m.getBoundingClientRect();
      return r.top > 100 && r.bottom < window.innerHeight - 100;
    });
  });

  // Click a highlight where spans overlap: innermost first, then the next one outward.
  const overlap = await page.evaluateHandle(() =>
    [...document.querySelectorAll('#doc mark.hl.overlap')].find((m) => {
      const r = m.getBoundingClientRect();
      return r.top > 150 && r.bottom < window.innerHeight - 150 && r.width > 8;
    }),
  );
  assert.ok(await overlap.evaluate((m) => !!m), 'an overlapping highlight is on screen');
  await overlap.click();
  const first = await page.textContent('#status');
  await overlap.click();
  const second = await page.textContent('#status');
  assert.match(first, /^Selected /);
  assert.match(second, /^Selected /);
  assert.notEqual(first, second, 'a second click selects another of the overlapping annotations');
  // The selected annotation's row is shown and marked in the list.
  assert.equal(await page.$$eval('#annotation-list .annotation-button.selected', (b) => b.length), 1);
  await page.keyboard.press('Delete');
  assert.equal(await page.textContent('#annotation-count'), `(${N - 1})`);

  // Tag a plain word on screen with the mouse and a hotkey: once the view has settled,
  // measure a word that is already in view and drag over it, with no scrolling between.
  await settled(page);
  const target = await page.evaluate(() => {
    const walker = document.createTreeWalker(document.getElementById('doc'), NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.parentElement.closest('mark')) continue;
      for (const m of n.data.matchAll(/\b[A-Za-z]{9,}\b/g)) {
        const r = document.createRange();
        r.setStart(n, m.index);
        r.setEnd(n, m.index + 1);
        const first = r.getBoundingClientRect();
        r.setStart(n, m.index + m[0].length - 1);
        r.setEnd(n, m.index + m[0].length);
        const last = r.getBoundingClientRect();
        // Only a word that is really on screen: content-visibility skips off-screen chunks,
        // whose ranges still measure as if laid out.
        const hit = document.elementFromPoint(first.left + 1, (first.top + first.bottom) / 2);
        if (first.top > document.getElementById('masthead').getBoundingClientRect().bottom + 60 && last.bottom < window.innerHeight - 100 && Math.abs(first.top - last.top) < 2 && hit === n.parentElement) {
          return { word: m[0], x1: first.left + 1, x2: last.right - 1, y: (first.top + first.bottom) / 2 };
        }
      }
    }
    return null;
  });
  assert.ok(target, 'an untagged long word is on screen');
  const { word } = target;
  await page.mouse.move(target.x1, target.y);
  await page.mouse.down();
  await page.mouse.move(target.x2, target.y, { steps: 10 });
  await page.mouse.up();
  assert.equal(await page.evaluate(() => String(document.getSelection())), word);
  await page.keyboard.press('8');
  assert.equal(await page.textContent('#annotation-count'), `(${N})`);
  assert.match(await page.textContent('#status'), new RegExp(`Tagged “${word}” as WEAPON`));
  assert.ok((await annotationList(page)).includes(`WEAPON ${word}`), 'the new annotation is shown in the list');

  // Undo and redo the tag.
  await page.keyboard.press('Control+z');
  assert.equal(await page.textContent('#annotation-count'), `(${N - 1})`);
  await page.keyboard.press('Control+Shift+Z');
  assert.equal(await page.textContent('#annotation-count'), `(${N})`);

  // The export is exact: every quote is the code point slice of the text (checked by Python).
  await saved(page);
  const { json } = await exportJson(page);
  const out = path.join(path.dirname(file), 'export.json');
  writeFileSync(out, JSON.stringify(json));
  const checked = execFileSync('python3', [
    '-c',
    'import json,sys; d=json.load(open(sys.argv[1]))["documents"][0]; t=d["text"]; a=d["annotations"]; ' +
      'bad=[x for x in a if t[x["start"]:x["end"]]!=x["text"]]; print(len(a), len(bad), sum(1 for x in a if x["label"]=="WEAPON" and x["text"]==sys.argv[2]))',
    out,
    word,
  ]).toString().trim();
  const [count, bad, tagged] = checked.split(' ').map(Number);
  assert.equal(count, N);
  assert.equal(bad, 0, 'every exported quote equals text[start:end] in Python');
  assert.ok(tagged >= 1, 'the new WEAPON annotation is exported');
  await app.done();
});
