// Relations in the page: linking two spans by mouse and by keyboard only, the arcs that
// stay on their spans, reload, undo, export; and 5,000 relations in a 1 MB document.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite, openApp, dragSelect, saved, settled, exportJson } from './harness.mjs';

const env = suite();

/** Waits until the relation list (drawn after the paint that follows an edit) shows `n` rows. */
async function relationRows(page, n) {
  await page.waitForFunction((n) => document.querySelectorAll('#relation-list .relation-row').length === n, n);
}

const KIM_TITLE = /Kim Jong-un meets Putin in Russia/;

async function tag(page, phrase, key, options = {}) {
  await dragSelect(page, phrase, options);
  await page.keyboard.press(key);
  await settled(page);
}

/** Where the drawn arcs start and end, and where their spans' first line boxes are. */
async function arcsAndSpans(page) {
  return page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const { state } = await import('./state.js');
    const arcs = state.arcs.geometry();
    const box = (end) => {
      const range = state.view.domRange(end.startUtf16, end.endUtf16, end.firstBlock);
      const r = range?.getClientRects()[0];
      return r ? { x: (r.left + r.right) / 2, y: r.top } : null;
    };
    return arcs.map((a) => {
      const rel = state.core.relation(state.openDocId, a.id);
      return { ...a, from: box(rel.from), to: box(rel.to), type: rel.type };
    });
  });
}

function near(a, b, what) {
  assert.ok(b, `${what}: the span is laid out`);
  assert.ok(Math.abs(a.x - b.x) < 1.5 && Math.abs(a.y - b.y) < 1.5, `${what}: arc end (${a.x.toFixed(1)}, ${a.y.toFixed(1)}) is on its span (${b.x.toFixed(1)}, ${b.y.toFixed(1)})`);
}

test('by mouse: link "Kim Jong-un" MEETS "Vladimir Putin", see the arc on both spans, reload, undo, export', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await page.getByRole('button', { name: KIM_TITLE }).click();
  await tag(page, 'Kim Jong-un', '1', { within: '.block.title' });
  await tag(page, 'Vladimir Putin', '1');
  // Select Kim, then click the MEETS button and Putin's highlight.
  await page.locator('#doc .block.title mark.hl').first().click();
  await page.getByRole('button', { name: 'm MEETS' }).click();
  assert.match(await page.textContent('#status'), /Linking “Kim Jong-un” with MEETS: click the target/);
  await page.locator('#doc mark.hl', { hasText: 'Vladimir Putin' }).first().scrollIntoViewIfNeeded();
  await page.locator('#doc mark.hl', { hasText: 'Vladimir Putin' }).first().click();
  assert.match(await page.textContent('#status'), /Linked “Kim Jong-un” MEETS “Vladimir Putin”/);
  // The selected relation's arc is drawn from one span to the other, through the gutter.
  let arcs = await arcsAndSpans(page);
  assert.equal(arcs.length, 1);
  near(arcs[0].start, arcs[0].from, 'source');
  near(arcs[0].end, arcs[0].to, 'target');
  // Linking them again (the other way: MEETS is symmetric) changes nothing, and says why.
  await page.locator('#doc mark.hl', { hasText: 'Vladimir Putin' }).first().click();
  await page.keyboard.press('m');
  await page.locator('#doc .block.title mark.hl').first().scrollIntoViewIfNeeded();
  await page.locator('#doc .block.title mark.hl').first().click();
  assert.match(await page.textContent('#status'), /already linked by MEETS.*nothing changed/);
  // A type the schema refuses for these labels is refused with the reason.
  await page.locator('#doc .block.title mark.hl').first().click();
  await page.keyboard.press('l');
  assert.match(await page.textContent('#status'), /LOCATED_IN takes PERSON\|FAC\|EVENT\|ORG as its source|Linking/);
  await page.keyboard.press('Escape');

  // The relation list shows it; after a reload it is still there.
  await page.locator('#relations-section > summary').click();
  await page.locator('#relation-list .relation-row').first().waitFor();
  assert.deepEqual(await page.$$eval('#relation-list .relation-row', (rows) => rows.map((r) => r.textContent)), ['MEETSKim Jong-un ↔ Vladimir Putin']);
  await saved(page);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  await settled(page);
  await page.locator('#relations-section > summary').click();
  await page.locator('#relation-list .relation-row').first().waitFor();
  await relationRows(page, 1);
  // Clicking it in the list selects it: its arc is drawn and Delete removes it; undo brings it back.
  await page.locator('#relation-list .relation-row').click();
  await page.keyboard.press('Delete');
  await relationRows(page, 0);
  await page.keyboard.press('Control+z');
  await relationRows(page, 1);

  // Export canonical JSON and brat, and read them in Python.
  const { json } = await exportJson(page);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spanmark-rel-'));
  const file = path.join(dir, 'export.json');
  writeFileSync(file, JSON.stringify(json));
  const out = execFileSync('python3', [
    '-c',
    `import json,sys
d = json.load(open(sys.argv[1], encoding="utf-8"))["documents"][0]
by = {a["id"]: a for a in d["annotations"]}
for r in d["relations"]:
    f, t = by[r["from"]], by[r["to"]]
    assert d["text"][f["start"]:f["end"]] == f["text"] and d["text"][t["start"]:t["end"]] == t["text"]
    print(r["type"], f["text"], "|", t["text"])`,
    file,
  ]);
  assert.equal(String(out).trim(), 'MEETS Kim Jong-un | Vladimir Putin');
  // Removing Kim removes the relation with it, in one step; undo brings both back.
  await page.locator('#doc .block.title mark.hl').first().click();
  await page.keyboard.press('Delete');
  await relationRows(page, 0);
  assert.match(await page.getAttribute('#undo', 'title'), /and its 1 relation/);
  await page.keyboard.press('Control+z');
  await relationRows(page, 1);
  await app.done();
});

test('by keyboard only: Tab to "Kim Jong-un", R, arrows to "Vladimir Putin", Enter, choose MEETS', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await page.getByRole('button', { name: KIM_TITLE }).click();
  await tag(page, 'Kim Jong-un', '1', { within: '.block.title' });
  await tag(page, 'Vladimir Putin', '1');
  await page.keyboard.press('Escape');
  // Focus the article's first highlight (Kim, in the title) from the keyboard.
  await page.locator('#doc mark.hl[tabindex="0"]').focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('Enter');
  assert.match(await page.textContent('#status'), /Selected PERSON “Kim Jong-un”/);
  await page.keyboard.press('r');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  // Two types fit PERSON and PERSON: the page asks which.
  const dialog = page.locator('#relation-type-dialog');
  await dialog.waitFor({ state: 'visible' });
  assert.deepEqual(await dialog.locator('.relation-type-options button').allTextContents(), ['m · MEETS (meets)', 's · SUPPLIES (supplies)']);
  await page.keyboard.press('m');
  await dialog.waitFor({ state: 'hidden' });
  assert.match(await page.textContent('#status'), /Linked “Kim Jong-un” MEETS “Vladimir Putin”/);
  // The arc is a button in the tab order; Delete on it removes the relation.
  const arc = page.locator('.arcs g.arc');
  await arc.first().waitFor();
  assert.equal(await arc.count(), 1);
  assert.match(await arc.getAttribute('aria-label'), /MEETS: “Kim Jong-un” ↔ “Vladimir Putin”/);
  await arc.focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('s');
  assert.match(await page.textContent('#status'), /now SUPPLIES/);
  await page.keyboard.press('Delete');
  // The arcs are redrawn in the frame after an edit.
  await page.waitForFunction(() => document.querySelectorAll('.arcs g.arc').length === 0);
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  await app.done();
});

test('a file that brings a relation type but no new label: its button and hotkey are there at once, and link with it', async () => {
  const text = 'Kim Jong-un met Vladimir Putin.';
  const file = {
    format: 'spanmark',
    version: 1,
    offsetUnit: 'codepoint',
    relationTypes: [{ id: 'GREETS', name: 'greets', color: '#444444', hotkey: 'g', directed: true, fromLabels: [], toLabels: [], description: '' }],
    documents: [{ id: 'greet', name: 'greet.json', text, annotations: [{ id: 'k', start: 0, end: 11, text: 'Kim Jong-un', label: 'PERSON' }, { id: 'p', start: 16, end: 30, text: 'Vladimir Putin', label: 'PERSON' }] }],
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spanmark-rel-type-'));
  const input = path.join(dir, 'greet.json');
  writeFileSync(input, JSON.stringify(file));
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await page.setInputFiles('#import-input', input);
  await page.waitForSelector('body[data-opened-doc="greet"]');
  await settled(page);
  await page.getByRole('button', { name: 'g GREETS' }).waitFor();
  await page.locator('#doc mark.hl', { hasText: 'Kim Jong-un' }).first().click();
  await page.keyboard.press('g');
  assert.match(await page.textContent('#status'), /Linking “Kim Jong-un” with GREETS/);
  await page.locator('#doc mark.hl', { hasText: 'Vladimir Putin' }).first().click();
  assert.match(await page.textContent('#status'), /Linked “Kim Jong-un” GREETS “Vladimir Putin”/);
  await app.done();
});

test('5,000 relations in a 1 MB document: arcs stay on their spans while scrolling and after an edit above', async () => {
  // A generated article: 2,500 paragraphs, each with two people and two relations.
  const paragraphs = [];
  const annotations = [];
  const relations = [];
  let offset = 0;
  const cp = (s) => [...s].length;
  for (let i = 0; i < 2500; i++) {
    const a = `Person${i} Alpha`;
    const b = `Person${i} Beta`;
    const text = `${a} met ${b} in the city of Vladivostok 🚂 on day ${i}, and spoke about ${'arms supplies and satellites, '.repeat(12)}the end.`;
    const ia = annotations.length;
    annotations.push({ id: `a${ia}`, start: offset, end: offset + cp(a), text: a, label: 'PERSON' });
    const bs = offset + cp(`${a} met `);
    annotations.push({ id: `a${ia + 1}`, start: bs, end: bs + cp(b), text: b, label: 'PERSON' });
    relations.push({ id: `r${relations.length}`, type: 'MEETS', from: `a${ia}`, to: `a${ia + 1}` });
    if (i > 0) relations.push({ id: `r${relations.length}`, type: 'SUPPLIES', from: `a${ia}`, to: `a${ia - 2}` });
    paragraphs.push(text);
    offset += cp(text) + 1;
  }
  const text = paragraphs.join('\n');
  assert.ok(text.length > 1_000_000);
  const file = {
    format: 'spanmark',
    version: 1,
    offsetUnit: 'codepoint',
    labels: [],
    documents: [{ id: 'big', name: 'big.json', text, annotations, relations }],
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spanmark-rel-'));
  const input = path.join(dir, 'big.json');
  writeFileSync(input, JSON.stringify(file));
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await page.setInputFiles('#import-input', input);
  await page.waitForFunction(() => document.body.dataset.openedDoc && document.querySelector('#doc .block')?.textContent.startsWith('Person0'), null, { timeout: 60_000 });
  await page.locator('#relations-section > summary').click();
  await page.locator('input[name="relation-mode"][value="all"]').check();
  for (const fraction of [0.1, 0.5, 0.9]) {
    await page.evaluate((f) => window.scrollTo(0, document.documentElement.scrollHeight * f), fraction);
    await settled(page);
    const arcs = await arcsAndSpans(page);
    assert.ok(arcs.length > 10, `arcs are drawn at ${fraction}: ${arcs.length}`);
    for (const a of arcs.filter((x) => x.from && x.to)) {
      near(a.start, a.from, `${a.id} source at ${fraction}`);
      near(a.end, a.to, `${a.id} target at ${fraction}`);
    }
  }
  // An edit above the arcs (tagging a word of a paragraph on screen) moves no arc off its span.
  const before = await arcsAndSpans(page);
  const k = await page.evaluate(async () => {
    const { state } = await import('./state.js');
    const i = state.view.blockEls.findIndex((el) => el.getBoundingClientRect().top > 150);
    return Number(/on day (\d+),/.exec(state.view.blockEls[i].textContent)[1]);
  });
  await dragSelect(page, `on day ${k},`);
  await page.keyboard.press('6');
  await settled(page);
  const after = await arcsAndSpans(page);
  assert.ok(after.length > 10);
  for (const a of after.filter((x) => x.from && x.to)) {
    near(a.start, a.from, `${a.id} source after the edit`);
    near(a.end, a.to, `${a.id} target after the edit`);
  }
  // …and those drawn before and after are where they were (the page did not move under them).
  const kept = after.filter((a) => before.some((b) => b.id === a.id));
  assert.ok(kept.length > 5, `${kept.length} arcs drawn before and after`);
  const shift = kept[0].start.y - before.find((b) => b.id === kept[0].id).start.y;
  for (const a of kept) {
    const b = before.find((x) => x.id === a.id);
    assert.ok(Math.abs(a.start.y - b.start.y - shift) < 1 && Math.abs(a.start.x - b.start.x) < 1, `${a.id} kept its place relative to the others`);
  }
  await app.done();
});
