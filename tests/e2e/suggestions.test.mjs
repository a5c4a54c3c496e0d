// Search, annotate-all and suggestions in the page: tag "Kim Jong-un" once and accept its
// other occurrences in both demo articles by keyboard; review suggestions (N, X, Y; a
// rejection survives a reload); a gazetteer the test writes; search across documents
// with counts checked against Python; a bad regex; axe-core; screenshots; and the frame
// times while the suggestions of a long document are drawn.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, suite, openApp, dragSelect, saved, settled, axeCheck } from './harness.mjs';

const env = suite();
const KIM_TITLE = /Kim Jong-un meets Putin in Russia/;
const SECOND_TITLE = /Russia uses up tons of ammunition/;
const DEMO = path.join(ROOT, 'www/demo');
const SHOTS = '/tmp/spanmark-shots';

/** Python's counts: `{file: n}` of `pattern` (a regex) in each demo article. */
function pythonCounts(pattern) {
  const out = execFileSync('python3', [
    '-c',
    `import glob, json, os, re, sys
print(json.dumps({os.path.basename(f): len(re.findall(sys.argv[2], open(f, encoding="utf-8", newline="").read())) for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.txt")))}))`,
    DEMO,
    pattern,
  ]);
  return JSON.parse(String(out));
}

/** The annotations of every document as "docName LABEL text" lines. */
async function allAnnotations(page) {
  return page.evaluate(async () => {
    const { state } = await import('./state.js');
    const lines = [];
    for (const d of state.core.documents()) for (const a of state.core.annotationsPage(d.id, 0, 10000)) lines.push(`${d.name} ${a.label} ${a.text}`);
    return lines;
  });
}

async function suggestions(page) {
  return page.evaluate(async () => (await import('./suggestions.js')).suggestionState());
}

/** Waits until the suggestions of the open document are computed (they are, lazily, when the page is idle). */
async function suggestionsReady(page) {
  await page.waitForFunction(() => {
    const c = document.getElementById('suggest-count');
    return c.dataset.docId && c.dataset.docId === document.body.dataset.openedDoc;
  });
}

/** Presses N until the status line announces a suggestion matching `re`. */
async function nextUntil(page, re) {
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('n');
    if (re.test(await page.textContent('#status'))) return;
  }
  assert.fail(`N never reached a suggestion matching ${re}`);
}

async function openDoc(page, title) {
  await page.getByRole('button', { name: title }).click();
  await page.waitForSelector('#doc .block.title');
  await settled(page);
}

test('annotate all: tag "Kim Jong-un" once, the page offers the others, accept them by keyboard in both articles', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  const counts = pythonCounts(String.raw`\bKim Jong-un\b`);
  assert.deepEqual(Object.values(counts), [7, 2], 'Python counts "Kim Jong-un" in the two articles');
  await openDoc(page, KIM_TITLE);
  await dragSelect(page, 'Kim Jong-un', { within: '.block.title' });
  await page.keyboard.press('1');
  await settled(page);
  // Undoing the tag takes its offer away; tagging again brings it back.
  await page.locator('#offer').waitFor({ state: 'visible' });
  await page.keyboard.press('Control+z');
  await page.locator('#offer').waitFor({ state: 'hidden' });
  await dragSelect(page, 'Kim Jong-un', { within: '.block.title' });
  await page.keyboard.press('1');
  await settled(page);
  // The offer, in the status bar: the other occurrences here and in the other article.
  await page.locator('#offer').waitFor({ state: 'visible' });
  assert.match(await page.textContent('#offer-text'), /“Kim Jong-un”: 6 more here, 2 in other documents\./);
  // Shift+A reviews them: every occurrence listed with its context, all checked.
  await page.keyboard.press('Shift+A');
  const dialog = page.locator('#annotate-all-dialog');
  await dialog.waitFor({ state: 'visible' });
  assert.equal(await dialog.locator('#aa-list input[type="checkbox"]:checked').count(), 8);
  assert.match(await dialog.locator('#aa-summary').textContent(), /8 occurrences not yet tagged PERSON: 6 here, 2 in other documents/);
  // The options ask the core again: this document only, then back to all.
  await dialog.locator('#aa-scope').selectOption('document');
  assert.equal(await dialog.locator('#aa-list input[type="checkbox"]').count(), 6);
  await dialog.locator('#aa-scope').selectOption('corpus');
  assert.equal(await dialog.locator('#aa-list input[type="checkbox"]').count(), 8);
  // By keyboard: Tab to the first occurrence's checkbox, Space leaves it out, and back in.
  await dialog.locator('#aa-list input[type="checkbox"]').first().focus();
  await page.keyboard.press('Space');
  assert.equal(await dialog.locator('#aa-accept').textContent(), 'Tag 7 occurrences');
  await page.keyboard.press('Space');
  assert.equal(await dialog.locator('#aa-accept').textContent(), 'Tag 8 occurrences');
  await dialog.locator('#aa-accept').focus();
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'hidden' });
  assert.match(await page.textContent('#status'), /Tagged 8 more occurrences of “Kim Jong-un” as PERSON in 2 documents, as one step/);
  const kims = (await allAnnotations(page)).filter((l) => l.endsWith('PERSON Kim Jong-un'));
  assert.deepEqual(
    kims.map((l) => l.split(' ')[0]),
    [...Array(7).fill('kim-jong-un-meets-putin-in-russia.txt'), ...Array(2).fill('putin-seeks-north-korean-arms.txt')],
  );
  // They are drawn in the open article, and one step: Undo takes the 8 back, Redo brings them again.
  await settled(page);
  assert.equal(await page.locator('#doc mark.hl[data-chip="PERSON"]').count(), 7);
  await page.keyboard.press('Control+z');
  assert.equal((await allAnnotations(page)).length, 1);
  await page.keyboard.press('Control+Shift+z');
  assert.equal((await allAnnotations(page)).length, 9);
  await openDoc(page, SECOND_TITLE);
  assert.equal(await page.locator('#doc mark.hl', { hasText: 'Kim Jong-un' }).count(), 2);
  await saved(page);
  await app.done();
});

test('suggestions: N goes to one, X rejects it (still rejected after a reload), Y accepts, a gazetteer, a click', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await openDoc(page, KIM_TITLE);
  await suggestionsReady(page);
  // The first article suggests a date (an identifier pattern), drawn as a highlight, not as an annotation.
  let s = await suggestions(page);
  assert.deepEqual(s.list.map((x) => `${x.label} ${x.text} ${x.source}`), ['DATE July 26, 2023 pattern']);
  assert.ok(s.built >= 1, 'its range is drawn');
  assert.equal(await page.evaluate(() => CSS.highlights.get('spanmark-suggestion').size), 1);
  assert.equal(await page.locator('#doc mark.hl').count(), 0, 'a suggestion is no annotation');
  // N goes to it and says why; X rejects it.
  await page.keyboard.press('n');
  assert.match(await page.textContent('#status'), /^Suggestion 1 of 1: DATE “July 26, 2023” — looks like date\./);
  await page.keyboard.press('x');
  assert.match(await page.textContent('#status'), /Rejected DATE “July 26, 2023”/);
  assert.equal((await suggestions(page)).list.length, 0);
  await saved(page);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  await settled(page);
  await suggestionsReady(page);
  assert.deepEqual((await suggestions(page)).list, [], 'the rejected suggestion stays rejected after a reload');
  // Undo brings it back; Redo rejects it again.
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => document.getElementById('suggest-count').textContent === '1');
  await page.keyboard.press('Control+Shift+z');
  await page.waitForFunction(() => document.getElementById('suggest-count').textContent === '0');

  // In the other article: N then Y accepts its date.
  await openDoc(page, SECOND_TITLE);
  await suggestionsReady(page);
  s = await suggestions(page);
  assert.deepEqual(s.list.map((x) => `${x.label} ${x.text}`), ['DATE 2023-09-06']);
  await page.keyboard.press('n');
  assert.match(await page.textContent('#status'), /Suggestion 1 of 1: DATE “2023-09-06”/);
  await page.keyboard.press('y');
  assert.match(await page.textContent('#status'), /Accepted DATE “2023-09-06”/);
  assert.ok((await allAnnotations(page)).includes('putin-seeks-north-korean-arms.txt DATE 2023-09-06'));

  // A gazetteer written here: one good line, one without a label, one more good line.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spanmark-gaz-'));
  const tsv = path.join(dir, 'osint.tsv');
  writeFileSync(tsv, 'Vladimir Putin\tPERSON\tQ7747\nno label on this line\nVostochny Cosmodrome\tFAC\tQ1187036\nPyongyang\tGPE\n');
  await page.setInputFiles('#gazetteer-input', tsv);
  await page.locator('#message').waitFor({ state: 'visible' });
  assert.match(await page.textContent('#message-text'), /Loaded the gazetteer osint\.tsv: 3 entries, 1 line\(s\) skipped/);
  assert.match(await page.textContent('#message-details'), /Line 2: no label: a line is the text, a tab, the label/);
  await page.click('#message-close');
  await suggestionsReady(page);
  s = await suggestions(page);
  const putins = s.list.filter((x) => x.text === 'Vladimir Putin');
  assert.equal(putins.length, 2, JSON.stringify(s.list));
  assert.deepEqual([putins[0].label, putins[0].source, putins[0].entity], ['PERSON', 'gazetteer', 'Q7747']);
  // By mouse: a click on the suggestion opens a popover with its reason; Accept tags it.
  await dragSelect(page, 'Vladimir Putin');
  await page.evaluate(() => document.getSelection().removeAllRanges());
  const box = await page.evaluate(async () => {
    const { state } = await import('./state.js');
    const { suggestionState } = await import('./suggestions.js');
    const first = suggestionState().list.find((x) => x.text === 'Vladimir Putin');
    const r = state.view.domRange(first.startUtf16, first.endUtf16, state.view.blocks.findIndex((b) => b.endUtf16 > first.startUtf16)).getClientRects()[0];
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  });
  await page.mouse.click(box.x, box.y);
  const popover = page.locator('.suggest-popover');
  await popover.waitFor({ state: 'visible' });
  assert.match(await popover.textContent(), /PERSON “Vladimir Putin” — in the gazetteer/);
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'suggestion-popover-1400.png') });
  await popover.getByRole('button', { name: 'Accept PERSON' }).click();
  await popover.waitFor({ state: 'detached' });
  assert.equal((await allAnnotations(page)).filter((l) => l.endsWith('PERSON Vladimir Putin')).length, 1);
  // The gazetteer's Q7747 came with it: the annotation mentions a registry entity that has it.
  const registry = await page.evaluate(async () => {
    const { state } = await import('./state.js');
    return JSON.parse(await state.core.exportAs('canonical', null).blob().text());
  });
  const putin = registry.entities.find((e) => e.identifiers?.some((r) => r.id === 'Q7747'));
  assert.ok(putin, JSON.stringify(registry.entities));
  assert.ok(registry.documents.some((d) => d.annotations.some((a) => a.text === 'Vladimir Putin' && a.entity === putin.id)));
  // Shift+A on the other accepts every suggestion with its text (one left).
  await page.keyboard.press('n');
  assert.match(await page.textContent('#status'), /Suggestion \d of \d: PERSON “Vladimir Putin”/);
  await page.keyboard.press('Shift+A');
  assert.match(await page.textContent('#status'), /Accepted 1 suggestion\(s\) of PERSON “Vladimir Putin” in one step/);
  assert.equal((await allAnnotations(page)).filter((l) => l.endsWith('PERSON Vladimir Putin')).length, 2);
  // A label's hotkey accepts the current suggestion with that label.
  await openDoc(page, KIM_TITLE);
  await suggestionsReady(page);
  assert.ok((await suggestions(page)).list.some((x) => x.text === 'Vostochny Cosmodrome'));
  await nextUntil(page, /FAC “Vostochny Cosmodrome” — in the gazetteer/);
  await page.keyboard.press('4');
  assert.match(await page.textContent('#status'), /Accepted LOC “Vostochny Cosmodrome”/);
  // Enter accepts too, even with a button of the document list focused before N.
  await page.getByRole('button', { name: KIM_TITLE }).focus();
  await nextUntil(page, /GPE “Pyongyang” — in the gazetteer/);
  await page.keyboard.press('Enter');
  assert.match(await page.textContent('#status'), /Accepted GPE “Pyongyang”/);
  assert.ok((await allAnnotations(page)).includes('kim-jong-un-meets-putin-in-russia.txt GPE Pyongyang'));
  await saved(page);
  await app.done();
});

test('search: Putin across all documents, stepped with Enter, counted as Python counts; a bad regex; axe; screenshots', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  const counts = pythonCounts('Putin');
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  await openDoc(page, KIM_TITLE);
  await suggestionsReady(page);
  // Ctrl+F focuses the find bar (not the browser's find).
  await page.locator('#doc').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+f');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'find-input');
  await page.selectOption('#find-scope', 'corpus');
  await page.locator('#find-input').focus();
  await page.keyboard.type('Putin');
  await page.keyboard.press('Enter');
  assert.equal(await page.textContent('#find-count'), `1 of ${total}`);
  // Listed by document, with their counts.
  const heads = await page.$$eval('#find-results h3', (hs) => hs.map((h) => h.textContent));
  assert.deepEqual(heads.map((h) => Number(/\((\d+)\)$/.exec(h)[1])), Object.values(counts));
  // The open article's hits are drawn (only the blocks near the screen have ranges; this one is short).
  assert.equal(await page.evaluate(() => CSS.highlights.get('spanmark-hit').size), counts['kim-jong-un-meets-putin-in-russia.txt']);
  // Enter steps through them all, into the other article and round again.
  const seen = [];
  for (let i = 1; i < total; i++) {
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.getElementById('find-count').textContent.startsWith(`${n} of`), i + 1);
    seen.push(await page.evaluate(async () => (await import('./state.js')).state.openDocId));
  }
  assert.equal(seen.filter((d) => d === 'd2').length, counts['putin-seeks-north-korean-arms.txt']);
  // The current hit is scrolled onto the screen, below the masthead.
  await page.waitForFunction(() => {
    const [r] = CSS.highlights.get('spanmark-hit-current');
    const rect = r?.getBoundingClientRect();
    return rect && rect.height > 0 && rect.top > document.getElementById('masthead').getBoundingClientRect().bottom && rect.bottom < window.innerHeight;
  });
  await page.keyboard.press('Enter');
  assert.equal(await page.textContent('#find-count'), `1 of ${total}`);
  await page.keyboard.press('Shift+Enter');
  assert.equal(await page.textContent('#find-count'), `${total} of ${total}`);
  // Hits draw no box: the text does not move when they come and go.
  const where = () => page.evaluate(() => [...document.querySelectorAll('#doc .block')].slice(0, 6).map((b) => Math.round(b.getBoundingClientRect().top + window.scrollY)));
  const withHits = await where();
  // Whole word and case: "putin" ignoring case finds as many; a regex finds the possessive too.
  await page.check('#find-case');
  await page.waitForFunction((n) => document.getElementById('find-count').dataset.total === String(n), total);
  // A bad regex shows the core's message and changes nothing.
  await page.check('#find-regex');
  await page.locator('#find-input').fill('Putin(');
  await page.waitForFunction(() => document.getElementById('find-count').dataset.error === 'true');
  assert.match(await page.textContent('#find-count'), /the regular expression is not valid/);
  assert.equal(await page.getAttribute('#find-input', 'aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.getElementById('find-count').dataset.total), String(total), 'the hits stay as they were');
  await page.locator('#find-input').fill('Putin|Kim Jong.un');
  await page.keyboard.press('Enter');
  // The first step goes to the open article's first hit.
  const both = Object.values(pythonCounts('(?i)Putin|Kim Jong.un'));
  assert.equal(await page.textContent('#find-count'), `${both[0] + 1} of ${both[0] + both[1]}`);
  assert.deepEqual(await where(), withHits, 'the text did not move');

  // Hits and suggestions shown together: axe, and screenshots at two widths.
  await openDoc(page, SECOND_TITLE);
  await suggestionsReady(page);
  await page.keyboard.press('n');
  await axeCheck(page, 'hits and suggestions shown');
  mkdirSync(SHOTS, { recursive: true });
  for (const width of [1024, 1440]) {
    await page.setViewportSize({ width, height: width === 1024 ? 700 : 900 });
    await settled(page);
    await page.screenshot({ path: path.join(SHOTS, `search-suggestions-${width}.png`) });
  }
  await page.setViewportSize({ width: 1400, height: 900 });
  // The annotate-all review dialog, at 1024.
  await dragSelect(page, 'Kim Jong-un');
  await page.keyboard.press('1');
  await page.locator('#offer').waitFor({ state: 'visible' });
  await page.keyboard.press('Shift+A');
  await page.locator('#annotate-all-dialog').waitFor({ state: 'visible' });
  await axeCheck(page, 'the annotate-all dialog');
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.screenshot({ path: path.join(SHOTS, 'annotate-all-1024.png') });
  await page.keyboard.press('Escape');
  await app.done();
});

test('a long document: suggestions drawn only near the screen, frame times while they are drawn and scrolled', async () => {
  // ~1 MB: 4,000 paragraphs, each with a date, an e-mail address and a name.
  const lines = [];
  for (let i = 0; i < 4000; i++) {
    lines.push(`On 2023-09-${String((i % 28) + 1).padStart(2, '0')} analyst${i}@example.org wrote that Kim Jong-un met officials in Vladivostok 🚂; ${'the talks covered arms, satellites and supplies. '.repeat(4)}`);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spanmark-long-'));
  const file = path.join(dir, 'long-report.txt');
  writeFileSync(file, lines.join('\n'));
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await page.setInputFiles('#import-input', file);
  await page.waitForFunction(() => document.querySelector('#doc .block')?.textContent.startsWith('On 2023-09-01'), null, { timeout: 60_000 });
  await settled(page);
  // A document this long starts with suggestions off (one long computation): the analyst turns them on.
  await page.waitForFunction(() => /off: long document/.test(document.getElementById('suggest-count').textContent));
  assert.equal(await page.isChecked('#suggest-toggle'), false);
  await page.check('#suggest-toggle');
  await suggestionsReady(page);
  const first = await suggestions(page);
  assert.ok(first.list.length >= 8000, `${first.list.length} suggestions`);
  assert.ok(first.built < first.list.length / 10, `only those near the screen are drawn: ${first.built} of ${first.list.length}`);
  // Frame times, by requestAnimationFrame: scrolling through the document with the layer
  // off (the baseline: the view alone), then switching it on (computed and drawn again)
  // and scrolling through again. Logged, not asserted: the machine's load decides them.
  const phases = await page.evaluate(async () => {
    const wait = (ms) => new Promise((r) => setTimeout(r, ms));
    const twoFrames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    async function framesDuring(work) {
      const times = [];
      let last = performance.now();
      let running = true;
      const tick = (t) => {
        times.push(t - last);
        last = t;
        if (running) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      await work();
      await wait(200);
      running = false;
      return times.slice(1);
    }
    const scrollThrough = async () => {
      const height = document.documentElement.scrollHeight;
      for (let k = 1; k <= 40; k++) {
        window.scrollTo(0, (height * k) / 41);
        await twoFrames();
      }
      window.scrollTo(0, 0);
      await twoFrames();
    };
    const toggle = document.getElementById('suggest-toggle');
    toggle.click();
    await wait(100);
    const off = await framesDuring(scrollThrough);
    const on = await framesDuring(async () => {
      toggle.click();
      await wait(300);
      await scrollThrough();
    });
    const compute = performance.getEntriesByName('spanmark:suggest').map((e) => Math.round(e.duration));
    const { layerTimes } = await import('./highlight-layer.js');
    return { off, on, compute, layer: { ...layerTimes } };
  });
  const summary = (times) => {
    const sorted = [...times].sort((a, b) => a - b);
    const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(1);
    return `${times.length} frames, median ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms, ${times.filter((t) => t > 50).length} over 50 ms`;
  };
  console.log(
    `long document (${(lines.join('\n').length / 1e6).toFixed(2)} M UTF-16 units, ${first.list.length} suggestions): ` +
      `scrolling with suggestions off: ${summary(phases.off)}; switched on and scrolling: ${summary(phases.on)}; ` +
      `suggestions computed (one wasm call each) in ${phases.compute.join(', ')} ms; ` +
      `the layers' own work: longest ${phases.layer.max.toFixed(1)} ms, ${phases.layer.total.toFixed(0)} ms in ${phases.layer.calls} callbacks`,
  );
  // Back at the top, the layer holds the ranges near the screen again, not all it drew on the way.
  const after = await suggestions(page);
  assert.ok(after.built > 0 && after.built < after.list.length / 10, `only those near the screen are drawn: ${after.built} of ${after.list.length}`);
  assert.ok(phases.layer.calls > 10, 'the layer followed the scrolling');
  await app.done();
});

test('accepting an e-mail address suggested by its pattern adds the EMAIL label with it, and one undo takes both back', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await page.setInputFiles('#import-input', { name: 'contacts.txt', mimeType: 'text/plain', buffer: Buffer.from('Press office of the Kremlin\nWrite to press@kremlin.ru before noon.\n') });
  await page.waitForSelector('#doc .block.title');
  await suggestionsReady(page);
  assert.deepEqual((await suggestions(page)).list.map((x) => `${x.label} ${x.text}`), ['EMAIL press@kremlin.ru']);
  assert.equal(await page.locator('.label-button[data-label="EMAIL"]').count(), 0);
  await page.keyboard.press('n');
  await page.keyboard.press('y');
  assert.match(await page.textContent('#status'), /Accepted EMAIL “press@kremlin\.ru”/);
  assert.equal(await page.locator('.label-button[data-label="EMAIL"]').count(), 1, 'the palette shows the new label');
  assert.ok((await allAnnotations(page)).includes('contacts.txt EMAIL press@kremlin.ru'));
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => !document.querySelector('.label-button[data-label="EMAIL"]'));
  assert.ok(!(await allAnnotations(page)).some((a) => a.includes('EMAIL')));
  await saved(page);
  await app.done();
});
