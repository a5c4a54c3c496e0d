// Annotators' layers in the page: the analyst's own layer made in the page ("Ada"), a
// colleague's file loaded as their layer ("Bea") through Import, both layers shown over
// the article and side by side, the agreement matrix and the disagreement list with the
// figures computed here by hand, a disagreement opened in its document, agreements
// accepted in one step, a curation pass by keyboard only, the gold layer exported and
// read in Python, reload, undo of the layer load, and axe-core on the new views.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, suite, openApp, dragSelect, saved, settled, annotationList } from './harness.mjs';

const env = suite();
const KIM_TITLE = /Kim Jong-un meets Putin in Russia/;
const SHOTS = '/tmp/spanmark-shots';
const AXE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');
const KIM_FILE = 'kim-jong-un-meets-putin-in-russia.txt';

/** axe-core in the page (evaluated over the DevTools protocol, which the page's CSP does not govern). */
async function axe(page, what) {
  await page.evaluate(readFileSync(AXE, 'utf8'));
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'], rules: { 'label-content-name-mismatch': { enabled: true } } }));
  const violations = result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = violations.filter((v) => !(v.impact === 'serious' || v.impact === 'critical'));
  console.log(`axe on ${what}: ${bad.length} serious/critical, ${minor.length} moderate/minor${minor.length ? `: ${JSON.stringify(minor)}` : ''}`);
  assert.deepEqual(bad, [], `axe on ${what}`);
}

/** Screenshots of the page as it is at 1440x900 and at 1024x700 (then back to 1440). */
async function shots(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  for (const size of [{ width: 1024, height: 700 }, { width: 1440, height: 900 }]) {
    await page.setViewportSize(size);
    await settled(page);
    await page.screenshot({ path: path.join(SHOTS, `layers-${name}-${size.width}x${size.height}.png`) });
  }
}

async function tag(page, phrase, key, options = {}) {
  await dragSelect(page, phrase, options);
  await page.keyboard.press(key);
  await settled(page);
}

/** A colleague's canonical JSON: the Kim article with their spans, and a text that matches nothing open. */
function colleagueFile(dir) {
  const text = readFileSync(path.join(ROOT, 'www/demo', KIM_FILE), 'utf8');
  const cp = (s) => [...s].length;
  const span = (id, phrase, label) => {
    const i = text.indexOf(phrase);
    assert.ok(i >= 0, phrase);
    const start = cp(text.slice(0, i));
    return { id, start, end: start + cp(phrase), text: phrase, label };
  };
  const file = {
    format: 'spanmark',
    version: 1,
    offsetUnit: 'codepoint',
    labels: [],
    documents: [
      // One span agrees with Ada's, one has another label, one Ada does not have.
      { id: 'k', name: KIM_FILE, text, annotations: [span('T1', 'Kim Jong-un', 'PERSON'), span('T2', 'Vostochny Cosmodrome', 'LOC'), span('T3', 'Pyongyang', 'GPE')] },
      // The other demo article's name, another text: reported, not loaded.
      { id: 'p', name: 'putin-seeks-north-korean-arms.txt', text: 'Putin was not here.', annotations: [{ id: 'T4', start: 0, end: 5, text: 'Putin', label: 'PERSON' }] },
    ],
  };
  const out = path.join(dir, 'bea.json');
  writeFileSync(out, JSON.stringify(file));
  return out;
}

/** Where `word` (its first occurrence in the article) is: page coordinates, and its box on the screen. */
function wordBox(page, word) {
  return page.evaluate((word) => {
    const walker = document.createTreeWalker(document.getElementById('doc'), NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const i = n.data.indexOf(word);
      if (i < 0) continue;
      const r = document.createRange();
      r.setStart(n, i);
      r.setEnd(n, i + word.length);
      const b = r.getBoundingClientRect();
      return { x: b.left + window.scrollX, y: b.top + window.scrollY, left: b.left, bottom: b.bottom };
    }
    return null;
  }, word);
}

const cells = (page) => page.$$eval('#agreement-matrix .matrix-cell', (bs) => bs.map((b) => [b.dataset.pairA, b.dataset.pairB, b.textContent]));

test('two layers of a demo article: load a colleague’s, agreement, a disagreement in place, curation by keyboard, the gold layer exported, reload, undo', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spanmark-layers-'));
  const beaFile = colleagueFile(dir);
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await page.setViewportSize({ width: 1440, height: 900 });

  // 1. The analyst's name, set once in the top bar.
  assert.equal(await page.textContent('#analyst'), 'Analyst: set your name');
  await page.click('#analyst');
  await page.fill('#name-dialog-input', 'Ada');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.waitForFunction(() => document.getElementById('analyst').textContent === 'Analyst: Ada');

  // 2. Ada tags four spans of the Kim article.
  await page.getByRole('button', { name: KIM_TITLE }).click();
  await settled(page);
  await tag(page, 'Kim Jong-un', '1', { within: '.block.title' });
  await tag(page, 'Vladimir Putin', '1');
  await tag(page, 'Vostochny Cosmodrome', '5');
  await tag(page, 'Reuters', '2');
  await page.keyboard.press('Escape');
  assert.deepEqual(await annotationList(page), ['PERSON Kim Jong-un', 'FAC Vostochny Cosmodrome', 'ORG Reuters', 'PERSON Vladimir Putin']);

  // 3. Bea's file through Import: loaded as her layer, with the report.
  const before = await wordBox(page, 'Pyongyang');
  await page.setInputFiles('#import-input', beaFile);
  await page.locator('#import-dialog').waitFor({ state: 'visible' });
  await page.selectOption('#import-same', 'layer');
  await page.fill('#import-layer-name', 'Bea');
  await page.click('#import-accept');
  await page.waitForSelector('#message:not([hidden])');
  assert.match(await page.textContent('#message-text'), /Loaded Bea's layer: 1 document\(s\) matched by text, 3 annotation\(s\); 1 document\(s\) of the file have another text and were not loaded/);
  assert.match(await page.textContent('#message-details'), /text differs/);
  // Ada's own layer did not change.
  assert.deepEqual(await annotationList(page), ['PERSON Kim Jong-un', 'FAC Vostochny Cosmodrome', 'ORG Reuters', 'PERSON Vladimir Putin']);

  // 4. Bea's layer is shown under the text (dashed bands), and the text did not move.
  await settled(page);
  assert.equal(await page.isChecked('#layers-section input[data-layer="Bea"]'), true);
  // One band per line of each span (a span may wrap).
  const bands = await page.$$eval('.layer-band[data-layer="Bea"]', (bs) => [...new Set(bs.map((b) => b.dataset.label))].sort());
  assert.deepEqual(bands, ['GPE', 'LOC', 'PERSON']);
  const after = await wordBox(page, 'Pyongyang');
  const band = await page.$eval('.layer-band[data-label="GPE"]', (b) => b.getBoundingClientRect().toJSON());
  assert.ok(Math.abs(after.x - before.x) < 0.5 && Math.abs(after.y - before.y) < 0.5, 'the text stays where it was');
  assert.ok(band.top > after.bottom && band.top < after.bottom + 16 && Math.abs(band.left - after.left) < 1, 'the band lies under its word');

  // Hidden, then shown again.
  await page.uncheck('#layers-section input[data-layer="Bea"]');
  assert.equal(await page.locator('.layer-band').count(), 0);
  await page.check('#layers-section input[data-layer="Bea"]');
  assert.ok((await page.locator('.layer-band').count()) >= 3);

  // Side by side: Bea's rendering in a second column, its blocks level with the article's.
  await page.selectOption('#layer-side-select', 'Bea');
  await page.locator('.layer-side mark.hl').first().waitFor();
  await settled(page);
  assert.deepEqual(await page.$$eval('.layer-side mark.hl[data-chip]', (ms) => ms.map((m) => `${m.dataset.chip} ${m.textContent}`)), ['PERSON Kim Jong-un', 'LOC Vostochny Cosmodrome', 'GPE Pyongyang']);
  const level = await page.evaluate(() => {
    const a = document.querySelector('#doc .block[data-block="2"]').getBoundingClientRect();
    const b = document.querySelector('.layer-side .block[data-block="2"]').getBoundingClientRect();
    return [a.top, b.top, a.width, b.width];
  });
  assert.ok(Math.abs(level[0] - level[1]) < 1 && Math.abs(level[2] - level[3]) < 1, `the columns are level: ${level}`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shots(page, 'side-by-side');
  await axe(page, 'the layers panel and a layer side by side');
  await page.selectOption('#layer-side-select', '');
  assert.equal(await page.isHidden('.layer-side'), true);

  // 5. The agreement view. Reference A = Ada (4 spans), B = Bea (3): exact matches 1.
  const P = 1 / 3;
  const R = 1 / 4;
  const F1 = (2 * P * R) / (P + R); // 2/7
  // Boundaries only: Kim and the Cosmodrome match.
  const Pb = 2 / 3;
  const Rb = 2 / 4;
  const F1b = (2 * Pb * Rb) / (Pb + Rb); // 4/7
  await page.click('#agreement-open');
  await page.locator('#agreement-dialog').waitFor({ state: 'visible' });
  assert.deepEqual(await cells(page), [['Ada', 'Bea', F1.toFixed(2)], ['Bea', 'Ada', F1.toFixed(2)]]);
  const summary = await page.textContent('#agreement-summary');
  assert.match(summary, new RegExp(`micro P ${P.toFixed(2)} · R ${R.toFixed(2)} · F1 ${F1.toFixed(2)} \\(1 of 4 in A matched, 3 in B\\)`));
  assert.match(summary, /Cohen's κ -?\d\.\d\d over \d+ token/);
  const labelRows = await page.$$eval('#agreement-labels tbody tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
  assert.deepEqual(labelRows.find((r) => r[0] === 'PERSON'), ['PERSON', '1.00', '0.50', (2 / 3).toFixed(2), '2', '1', '1']);
  assert.deepEqual(labelRows.find((r) => r[0] === 'FAC'), ['FAC', '0.00', '0.00', '0.00', '1', '0', '0']);
  assert.deepEqual(labelRows.find((r) => r[0] === 'GPE'), ['GPE', '0.00', '0.00', '0.00', '0', '1', '0']);
  assert.deepEqual(
    await page.$$eval('#agreement-confusion tbody tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent).join(' '))).then((r) => r.sort()),
    ['FAC LOC 1', 'PERSON PERSON 1'],
  );
  await page.check('input[name="agreement-mode"][value="boundary"]');
  assert.deepEqual((await cells(page))[0], ['Ada', 'Bea', F1b.toFixed(2)]);
  await page.check('input[name="agreement-mode"][value="exact"]');
  // The disagreements, in the order of the text, with their context.
  const dis = await page.$$eval('#agreement-list .dis-item', (bs) => bs.map((b) => [b.querySelector('.dis-kind').textContent, b.querySelector('.dis-side.a').textContent, b.querySelector('.dis-side.b').textContent]));
  assert.deepEqual(dis, [
    ['label differs', 'A · Ada: FAC “Vostochny Cosmodrome”', 'B · Bea: LOC “Vostochny Cosmodrome”'],
    ['missing in B', 'A · Ada: ORG “Reuters”', 'B · Bea: —'],
    ['missing in A', 'A · Ada: —', 'B · Bea: GPE “Pyongyang”'],
    ['missing in B', 'A · Ada: PERSON “Vladimir Putin”', 'B · Bea: —'],
  ]);
  assert.match(await page.textContent('#agreement-list .dis-item >> nth=2'), /Pyongyang/);
  await axe(page, 'the agreement view');
  await shots(page, 'agreement');

  // 6. A disagreement opens its document there, with both layers shown.
  await page.locator('#agreement-list .dis-item').first().click();
  await page.locator('#agreement-dialog').waitFor({ state: 'hidden' });
  await settled(page);
  assert.match(await page.textContent('#status'), /label differs: A · Ada: FAC “Vostochny Cosmodrome”; B · Bea: LOC “Vostochny Cosmodrome”/);
  const spot = await page.evaluate(() => {
    const s = document.querySelector('.layer-spot').getBoundingClientRect();
    const band = document.querySelector('.layer-band[data-label="LOC"]').getBoundingClientRect();
    const mark = document.querySelector('#doc mark.hl.selected').getClientRects()[0];
    return { s, band, mark, h: window.innerHeight, text: document.querySelector('#doc mark.hl.selected').textContent };
  });
  assert.equal(spot.text, 'Vostochny Cosmodrome');
  assert.ok(spot.mark.top > 100 && spot.mark.bottom < spot.h, 'the place is on the screen');
  assert.ok(spot.band.top > spot.mark.bottom && spot.s.top <= spot.mark.top && spot.s.bottom >= spot.band.bottom, `both layers are outlined there: ${JSON.stringify(spot)}`);

  // 7. Accept all agreements in one step: a second colleague, Cy, with Bea's file.
  await page.setInputFiles('#layer-input', beaFile);
  await page.fill('#name-dialog-input', 'Cy');
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('#layers-section .layer-row[data-layer="Cy"]'));
  await page.click('#agreement-open');
  assert.deepEqual((await cells(page)).find(([a, b]) => a === 'Bea' && b === 'Cy'), ['Bea', 'Cy', '1.00']);
  await page.click('#agreement-matrix button[data-pair-a="Bea"][data-pair-b="Cy"]');
  assert.match(await page.textContent('#agreement-list'), /^$/);
  await page.click('#agreement-accept');
  assert.match(await page.textContent('#status'), /Accepted 2 span\(s\) Bea and Cy agree on into your layer, in one step/);
  await page.keyboard.press('Escape');
  await page.locator('#agreement-dialog').waitFor({ state: 'hidden' });
  assert.equal((await annotationList(page)).length, 6);
  await page.keyboard.press('Control+z');
  assert.deepEqual(await annotationList(page), ['PERSON Kim Jong-un', 'FAC Vostochny Cosmodrome', 'ORG Reuters', 'PERSON Vladimir Putin']);

  // 8. Curation of Ada and Bea by keyboard only.
  await page.focus('#agreement-open');
  await page.keyboard.press('Enter');
  await page.locator('#agreement-dialog').waitFor({ state: 'visible' });
  await page.focus('#agreement-matrix button[data-pair-a="Ada"][data-pair-b="Bea"]');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.pairB), 'Bea', 'the focus stays on the chosen cell');
  assert.equal(await page.inputValue('#agreement-a'), 'Ada');
  await page.focus('#agreement-curate');
  await page.keyboard.press('Enter');
  await page.locator('#curation').waitFor({ state: 'visible' });
  assert.match(await page.textContent('#curation-progress'), /^1 of 4 · label differs/);
  await page.keyboard.press('b'); // Bea's LOC for the Cosmodrome
  assert.match(await page.textContent('#curation-progress'), /^2 of 4 · missing in B/);
  await axe(page, 'the curation view');
  await shots(page, 'curation');
  await page.keyboard.press('a'); // Ada's Reuters stays
  await page.keyboard.press('2'); // Bea's Pyongyang comes in
  await page.keyboard.press('0'); // neither: Ada's Vladimir Putin goes
  assert.match(await page.textContent('#status'), /Every disagreement is decided/);
  const gold = ['PERSON Kim Jong-un', 'LOC Vostochny Cosmodrome', 'ORG Reuters', 'GPE Pyongyang'];
  assert.deepEqual(await annotationList(page), gold);
  // Each decision is undoable, from the panel too.
  await page.keyboard.press('Control+z');
  assert.deepEqual(await annotationList(page), [...gold, 'PERSON Vladimir Putin']);
  assert.match(await page.textContent('#curation-progress'), /^4 of 4/);
  await page.keyboard.press('Control+Shift+z');
  assert.deepEqual(await annotationList(page), gold);
  await page.keyboard.press('Escape');
  await page.locator('#curation').waitFor({ state: 'hidden' });

  // 9. The gold layer (Ada's own) exported as canonical JSON and read in Python.
  await page.selectOption('#export-format', 'canonical');
  await page.click('#agreement-open');
  await page.selectOption('#agreement-export-layer', 'Ada');
  assert.match(await page.textContent('#agreement-export'), /Export \(Spanmark JSON/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#agreement-export')]);
  const exported = path.join(dir, 'gold.json');
  writeFileSync(exported, readFileSync(await download.path()));
  const out = execFileSync('python3', [
    '-c',
    `import json, sys
d = next(d for d in json.load(open(sys.argv[1], encoding="utf-8"))["documents"] if d["name"] == sys.argv[2])
for a in d["annotations"]:
    assert d["text"][a["start"]:a["end"]] == a["text"], a
    print(a["label"], a["text"])`,
    exported,
    KIM_FILE,
  ]);
  assert.deepEqual(String(out).trim().split('\n'), gold);
  await page.keyboard.press('Escape');

  // 10. Reload: the name and the layers are back.
  await saved(page);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  await settled(page);
  assert.equal(await page.textContent('#analyst'), 'Analyst: Ada');
  assert.deepEqual(await page.$$eval('#layers-section .layer-row .layer-name', (ns) => ns.map((n) => n.textContent)), ['Ada', 'Bea', 'Cy']);
  await page.click('#agreement-open');
  assert.equal((await cells(page)).length, 6);
  await page.keyboard.press('Escape');

  // 11. Undo takes the layer load back (and redo brings it again).
  for (let i = 0; i < 12 && !/Load Bea's layer/.test(await page.getAttribute('#undo', 'title')); i++) await page.keyboard.press('Control+z');
  assert.match(await page.getAttribute('#undo', 'title'), /Load Bea's layer \(3 annotations\)/);
  await page.keyboard.press('Control+z');
  assert.equal(await page.locator('#layers-section .layer-row[data-layer="Bea"]').count(), 0);
  await page.keyboard.press('Control+Shift+z');
  assert.equal(await page.locator('#layers-section .layer-row[data-layer="Bea"]').count(), 1);
  await saved(page);
  await app.done();
});
