// The first hour of a new analyst, in a real browser: a layout that keeps the palette
// reachable at 1024 and 1440 pixels, highlights that never move text, readable chips,
// relabelling that does not double, a keyboard-only walk through the highlights, a status
// line and controls true to the tab's role, and axe-core on the pages a newcomer sees.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite, openApp, newContext, dragSelect, doubleClickWord, annotationList, settled, saved, axe } from './harness.mjs';

const env = suite();
const TITLE_2 = /Russia uses up tons of ammunition/;
const SIZES = [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
];
const SHOTS = '/tmp/spanmark-shots';

async function openSecond(page) {
  await page.getByRole('button', { name: TITLE_2 }).click();
  await page.waitForSelector('#doc .block.title');
  await settled(page);
}

/** WCAG contrast of two CSS colours "rgb(r, g, b)". */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

// ---- 1. Layout -------------------------------------------------------------------------

for (const size of SIZES) {
  test(`at ${size.width}x${size.height}, after scrolling the article, every palette button is the element at its centre and nothing shows between the bar and the palette`, async () => {
    const app = await openApp(env.browser, env.server.url);
    const { page } = app;
    await page.setViewportSize(size);
    await openSecond(page);
    for (const y of [300, 900, 2000]) {
      await page.evaluate((y) => window.scrollTo(0, y), y);
      await settled(page);
      assert.ok(await page.evaluate(() => window.scrollY > 0), 'the article scrolls');
      const misses = await page.evaluate(() => {
        const out = [];
        for (const b of document.querySelectorAll('#palette .label-button')) {
          const r = b.getBoundingClientRect();
          const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          if (!at || !b.contains(at)) out.push(`${b.dataset.label}: ${at?.outerHTML.slice(0, 60)}`);
        }
        return out;
      });
      assert.deepEqual(misses, [], `palette buttons covered at scrollY ${y}`);
      // Between the top bar's bottom and the palette's top, on the palette's column and the
      // page's middle, nothing of the article shows.
      const leaks = await page.evaluate(() => {
        const bar = document.querySelector('.topbar').getBoundingClientRect();
        const palette = document.getElementById('palette').getBoundingClientRect();
        const out = [];
        if (palette.top < bar.bottom - 0.5) out.push(`palette top ${palette.top} is under the bar (bottom ${bar.bottom})`);
        for (let y = Math.floor(bar.bottom); y < palette.bottom - 1; y++) {
          for (const x of [palette.left + 2, (palette.left + palette.right) / 2, window.innerWidth / 2]) {
            const at = document.elementFromPoint(x, y);
            if (at && document.getElementById('doc').contains(at)) out.push(`article at ${x},${y}`);
          }
        }
        return out;
      });
      assert.deepEqual(leaks, []);
    }
    await app.done();
  });
}

test('below 1024 pixels the page is one column and the palette still sits under the bar', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await page.setViewportSize({ width: 900, height: 700 });
  await openSecond(page);
  const cols = await page.$eval('.layout', (l) => getComputedStyle(l).gridTemplateColumns.split(' ').length);
  assert.equal(cols, 1);
  await page.evaluate(() => window.scrollTo(0, 1500));
  await settled(page);
  const covered = await page.$$eval('#palette .label-button', (bs) =>
    bs.filter((b) => {
      const r = b.getBoundingClientRect();
      return !b.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
    }).length,
  );
  assert.equal(covered, 0);
  await app.done();
});

// ---- 2. Text never moves ---------------------------------------------------------------

/** Every word of block `n`: its rect relative to the block, and the block's height. */
async function wordBoxes(page, n) {
  return page.evaluate((n) => {
    const block = document.querySelector(`#doc .block[data-block="${n}"]`);
    const b = block.getBoundingClientRect();
    const texts = [];
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) texts.push(t);
    const words = [];
    let offset = 0;
    const full = texts.map((t) => t.data).join('');
    // Map a block offset to its text node and offset there.
    const at = (i) => {
      let start = 0;
      for (const t of texts) {
        if (i <= start + t.length) return [t, i - start];
        start += t.length;
      }
      return [texts[texts.length - 1], texts[texts.length - 1].length];
    };
    for (const m of full.matchAll(/\S+/g)) {
      const r = document.createRange();
      r.setStart(...at(m.index));
      r.setEnd(...at(m.index + m[0].length));
      // One box per line the word is on (the word's text may now lie in several marks).
      const lines = new Map();
      for (const x of r.getClientRects()) {
        if (x.width === 0) continue;
        const top = Math.round(x.top - b.top);
        const line = lines.get(top) ?? [Infinity, x.top - b.top, -Infinity];
        lines.set(top, [Math.min(line[0], x.left - b.left), line[1], Math.max(line[2], x.right - b.left)]);
      }
      const rects = [...lines.values()].map((x) => x.map((v) => Math.round(v * 100) / 100));
      words.push({ word: m[0], rects });
      offset = m.index;
    }
    return { height: b.height, words, offset };
  }, n);
}

function assertSameBoxes(before, after, what) {
  assert.ok(Math.abs(before.height - after.height) <= 0.5, `${what}: the paragraph's height stays ${before.height} (now ${after.height})`);
  assert.equal(after.words.length, before.words.length);
  const moved = [];
  before.words.forEach((w, i) => {
    const a = after.words[i];
    const same = w.rects.length === a.rects.length && w.rects.every((r, k) => r.every((v, j) => Math.abs(v - a.rects[k][j]) <= 0.5));
    if (!same) moved.push(`${w.word}: ${JSON.stringify(w.rects)} -> ${JSON.stringify(a.rects)}`);
  });
  assert.deepEqual(moved, [], `${what}: words moved`);
}

test('tagging ten spans in one paragraph (nested, ending together) moves no word, and each span has its own readable chip', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await openSecond(page);
  // Paragraph 6 (line 7 of the file): "Washington, DC/Moscow – The US threatens North Korea …"
  const n = 6;
  const within = `.block[data-block="${n}"]`;
  const before = await wordBoxes(page, n);
  const title = await wordBoxes(page, 0);
  const tags = [
    ['drag', 'North Korean ruler Kim Jong Un', '2'],
    ['drag', 'Kim Jong Un', '1'],
    ['dbl', 'Sullivan', '1'],
    ['drag', 'Washington, DC', '3'],
    ['dbl', 'Ukraine', '3'],
    ['dbl', 'arms', '8'],
    ['dbl', 'consequences', '7'],
    ['dbl', 'price', '7'],
    ['drag', 'international community', '2'],
    ['drag', 'North Korea', '3'],
  ];
  for (const [how, phrase, key] of tags) {
    if (how === 'drag') await dragSelect(page, phrase, { within });
    else await doubleClickWord(page, phrase, { within });
    await page.keyboard.press(key);
    await settled(page);
  }
  assert.equal((await annotationList(page)).length, 10);
  assertSameBoxes(before, await wordBoxes(page, n), 'after ten tags');
  assertSameBoxes(title, await wordBoxes(page, 0), 'the title');

  // Two spans ending together ("Kim Jong Un" in "North Korean ruler Kim Jong Un") each keep
  // their own chip; every chip is at least 11 px and reaches 4.5:1.
  const chips = await page.$$eval(`#doc ${within} mark.hl`, (ms) =>
    ms.flatMap((m) =>
      ['::before', '::after']
        .map((p) => ({ p, s: getComputedStyle(m, p) }))
        .filter(({ s }) => s.content && s.content !== 'none' && s.content !== 'normal')
        .map(({ s }) => ({ text: s.content.replace(/^"|"$/g, ''), size: parseFloat(s.fontSize), color: s.color, bg: s.backgroundColor, position: s.position })),
    ),
  );
  assert.equal(chips.length, 10, JSON.stringify(chips));
  assert.deepEqual(chips.map((c) => c.text).sort(), ['GPE', 'GPE', 'GPE', 'ORG', 'ORG', 'PERSON', 'PERSON', 'EVENT', 'EVENT', 'WEAPON'].sort());
  for (const c of chips) {
    assert.equal(c.position, 'absolute');
    assert.ok(c.size >= 11, `chip ${c.text} is ${c.size}px`);
    assert.ok(contrast(c.color, c.bg) >= 4.5, `chip ${c.text}: ${c.color} on ${c.bg}`);
  }
  // Removing spans moves nothing either.
  await page.locator('#annotation-list .annotation-button', { hasText: 'Sullivan' }).click();
  await page.keyboard.press('Delete');
  await page.locator('#annotation-list .annotation-button', { hasText: 'North Korean ruler' }).click();
  await page.keyboard.press('Delete');
  await settled(page);
  assert.equal((await annotationList(page)).length, 8);
  assertSameBoxes(before, await wordBoxes(page, n), 'after removing two');
  await saved(page);
  await app.done();
});

// ---- 3. Keyboard only ------------------------------------------------------------------

test('keyboard only: Tab reaches a highlight named "PERSON: Vladimir Putin" (selected), arrows move, Enter opens its details and Esc comes back, a hotkey relabels it', async () => {
  const context = await newContext(env.browser);
  const first = await openApp(env.browser, env.server.url, { context });
  let page = first.page;
  await openSecond(page);
  await dragSelect(page, 'Vladimir Putin');
  await page.keyboard.press('1');
  await dragSelect(page, 'Pyongyang');
  await page.keyboard.press('3');
  await page.waitForFunction(() => document.body.dataset.savedAnnotations === '2' && document.getElementById('save-status').dataset.state === 'saved');
  await first.done();
  // From the page's start (a new tab: the saved document opens again), by keyboard alone.
  const app = await openApp(env.browser, env.server.url, { context });
  page = app.page;
  await page.waitForSelector('body[data-role="writer"]');
  await settled(page);
  assert.match(await page.textContent('#status'), /^Opened “Russia uses up tons.*”: select words and press a label's hotkey/);
  let reached = null;
  const rings = {};
  for (let i = 0; i < 60 && !reached; i++) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const el = document.activeElement;
      const shown = el.id === 'import-input' || el.id === 'restore-input' ? el.closest('label') : el;
      const s = getComputedStyle(shown);
      const bg = getComputedStyle(shown.closest('.topbar') ?? document.body).backgroundColor;
      return { id: el.id, tag: el.tagName, name: el.getAttribute('aria-label'), outline: s.outlineStyle, color: s.outlineColor, width: parseFloat(s.outlineWidth), bg };
    });
    if (focus.id === 'import-input' || focus.id === 'restore-input') rings[focus.id] = focus;
    if (focus.tag === 'MARK') reached = focus;
  }
  assert.ok(reached, 'Tab reaches a highlight');
  // Import… and Restore… show a focus ring, at 3:1 against the bar.
  for (const id of ['import-input', 'restore-input']) {
    assert.ok(rings[id], `${id} is reached by Tab`);
    assert.equal(rings[id].outline, 'solid', `${id} shows a focus ring`);
    const bar = rings[id].bg === 'rgba(0, 0, 0, 0)' ? 'rgb(36, 50, 63)' : rings[id].bg;
    assert.ok(contrast(rings[id].color, bar) >= 3, `${id}'s ring contrasts: ${rings[id].color} on ${bar}`);
  }
  assert.equal(reached.name, 'PERSON: Vladimir Putin');
  assert.equal(reached.outline, 'solid');
  assert.ok(contrast(reached.color, 'rgb(255, 255, 255)') >= 3);
  assert.equal(await page.getByRole('button', { name: 'PERSON: Vladimir Putin', exact: true }).count(), 1);
  // The arrows move between highlights (in the document's order) and back.
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'GPE: Pyongyang');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'PERSON: Vladimir Putin');
  // Tab from the caret selected it, and the status line (aria-live) says so; Enter goes to its details, Esc comes back.
  assert.match(await page.textContent('#status'), /Selected PERSON “Vladimir Putin”/);
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'details-label');
  await page.keyboard.press('Escape');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'PERSON: Vladimir Putin');
  assert.equal(await page.getAttribute('#status', 'aria-live'), 'polite');
  assert.equal(await page.$$eval('#doc mark.hl.selected', (ms) => ms.map((m) => m.textContent).join('')), 'Vladimir Putin');
  // A hotkey relabels it: no second annotation; the focus stays on the highlight.
  await page.keyboard.press('2');
  const list = await annotationList(page);
  assert.equal(list.length, 2);
  assert.deepEqual(list, ['ORG Vladimir Putin', 'GPE Pyongyang']);
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'ORG: Vladimir Putin');
  // Space selects as well.
  await page.keyboard.press('Escape');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press(' ');
  assert.match(await page.textContent('#status'), /Selected GPE “Pyongyang”/);
  // Tab leaves the article for the side column: the details, the Relations section (closed), then the list.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'details-label');
  while (await page.evaluate(() => document.getElementById('details-panel').contains(document.activeElement))) await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.closest('summary')?.textContent.trim()), 'Relations');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'annotation-button', await page.evaluate(() => document.activeElement.outerHTML.slice(0, 200)));
  const row = await page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return { outline: s.outlineStyle, offset: parseFloat(s.outlineOffset), name: document.activeElement.getAttribute('aria-label') };
  });
  assert.equal(row.outline, 'solid');
  assert.ok(row.offset < 0, 'the row draws its ring inside, where the list cannot clip it');
  assert.match(row.name, /^(ORG Vladimir Putin|GPE Pyongyang)$/);
  await saved(page);
  await app.done();
  await context.close();
});

// ---- 5. Relabel means relabel ----------------------------------------------------------

test('a hotkey on a double-clicked tagged word relabels it; Shift+hotkey adds a second label; a drag across a paragraph break is refused', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await openSecond(page);
  await doubleClickWord(page, 'Moscow');
  await page.keyboard.press('3');
  assert.deepEqual(await annotationList(page), ['GPE Moscow']);
  await page.keyboard.press('Escape');
  // Double-click the tagged word (its first click selects the highlight) and press another hotkey.
  await doubleClickWord(page, 'Moscow');
  await page.keyboard.press('4');
  assert.deepEqual(await annotationList(page), ['LOC Moscow']);
  assert.match(await page.textContent('#status'), /Relabelled “Moscow” as LOC/);
  // Without a selected highlight too: a fresh text selection that is exactly the span.
  await page.keyboard.press('Escape');
  await page.evaluate(() => document.getSelection().removeAllRanges());
  await dragSelect(page, 'Moscow');
  await page.keyboard.press('3');
  assert.deepEqual(await annotationList(page), ['GPE Moscow']);
  // Shift with the hotkey adds a second label on purpose (e.key is "%" for Shift+5 on US keyboards).
  await page.keyboard.press('Escape');
  await doubleClickWord(page, 'Moscow');
  await page.keyboard.press('Shift+Digit5');
  assert.deepEqual((await annotationList(page)).sort(), ['FAC Moscow', 'GPE Moscow']);
  assert.match(await page.textContent('#status'), /second label/);
  // Both labels show, each in its own chip.
  const chips = await page.$eval('#doc mark.hl', (m) => [getComputedStyle(m, '::before').content, getComputedStyle(m, '::after').content]);
  assert.deepEqual(chips.sort(), ['"FAC"', '"GPE"']);

  // A drag from the end of one paragraph into the next is refused with a message.
  const before = await annotationList(page);
  const points = await page.evaluate(() => {
    const blocks = [...document.querySelectorAll('#doc .block:not(.blank):not(.title)')];
    const [a, b] = [blocks[2], blocks[3]];
    a.scrollIntoView({ block: 'center' });
    const range = (node, i, j) => {
      const r = document.createRange();
      r.setStart(node, i);
      r.setEnd(node, j);
      return r.getClientRects()[0];
    };
    const ta = a.lastChild;
    const tb = b.firstChild;
    const ra = range(ta, ta.length - 8, ta.length - 7);
    const rb = range(tb, 2, 3);
    return { x1: ra.left + 1, y1: ra.top + ra.height / 2, x2: rb.right - 1, y2: rb.top + rb.height / 2 };
  });
  await page.mouse.move(points.x1, points.y1);
  await page.mouse.down();
  await page.mouse.move(points.x2, points.y2, { steps: 10 });
  await page.mouse.up();
  assert.ok((await page.evaluate(() => String(document.getSelection()))).includes('\n'), 'the selection crosses the break');
  await page.keyboard.press('1');
  await page.waitForSelector('#message:not([hidden])');
  assert.match(await page.textContent('#message'), /crosses a paragraph break, so nothing was tagged/);
  assert.match(await page.textContent('#status'), /Nothing tagged: the selection crosses a paragraph break/);
  assert.deepEqual(await annotationList(page), before);
  await saved(page);
  await app.done();
});

// ---- 6. Status and the read-only tab -------------------------------------------------------

test('the status line follows the page: opened document, read-only tab with its controls disabled, then the writer again', async () => {
  const context = await newContext(env.browser);
  const a = await openApp(env.browser, env.server.url, { context });
  await saved(a.page);
  assert.match(await a.page.textContent('#status'), /^Ready\. Choose a document/);
  await openSecond(a.page);
  assert.match(await a.page.textContent('#status'), /^Opened “Russia uses up tons.*”: select words and press a label's hotkey/);

  const b = await openApp(env.browser, env.server.url, { context });
  assert.equal(await b.page.getAttribute('body', 'data-role'), 'reader');
  const controls = (page) =>
    page.evaluate(() => ({
      palette: [...document.querySelectorAll('#palette .label-button')].map((x) => x.disabled),
      importInput: document.getElementById('import-input').disabled,
      restoreInput: document.getElementById('restore-input').disabled,
      undo: document.getElementById('undo').disabled,
      redo: document.getElementById('redo').disabled,
      exportAll: document.getElementById('export-all').disabled,
      importLook: getComputedStyle(document.getElementById('import-input').closest('label')).opacity,
    }));
  const ro = await controls(b.page);
  assert.ok(ro.palette.length === 8 && ro.palette.every(Boolean), 'palette disabled');
  assert.deepEqual({ ...ro, palette: undefined }, { palette: undefined, importInput: true, restoreInput: true, undo: true, redo: true, exportAll: false, importLook: '0.5' });
  // A hotkey in the read-only tab says why nothing happens.
  await openSecond(b.page);
  await dragSelect(b.page, 'Moscow');
  await b.page.keyboard.press('3');
  assert.match(await b.page.textContent('#status'), /read-only/);

  // The writer closes: this tab takes over, and the read-only message goes with the role.
  await a.done();
  await b.page.waitForSelector('body[data-role="writer"]');
  assert.doesNotMatch(await b.page.textContent('#status'), /read-only/);
  const rw = await controls(b.page);
  assert.ok(rw.palette.every((d) => !d), 'palette enabled');
  assert.equal(rw.importInput, false);
  assert.equal(rw.restoreInput, false);
  assert.equal(rw.importLook, '1');
  await dragSelect(b.page, 'Moscow');
  await b.page.getByRole('button', { name: '3 GPE', exact: true }).click();
  assert.deepEqual(await annotationList(b.page), ['GPE Moscow']);
  await saved(b.page);
  await b.done();
  await context.close();
});

// ---- 4. Accessible names and axe-core ----------------------------------------------------

test('every palette button is named by its visible text, with the full name as its description', async () => {
  const app = await openApp(env.browser, env.server.url);
  const names = await app.page.$$eval('#palette .label-button', (bs) => bs.map((b) => [b.getAttribute('aria-label'), b.textContent, b.title]));
  assert.equal(names.length, 8);
  for (const [name, text, title] of names) {
    assert.equal(name, text, `${name} shows ${text}`);
  }
  assert.deepEqual(names[2].slice(0, 2), ['3 GPE', '3 GPE']);
  assert.match(names[2][2], /^Geopolitical entity \(GPE\), hotkey 3/);
  assert.equal(await app.page.getByRole('button', { name: '3 GPE', exact: true }).count(), 1);
  await app.done();
});

test('axe-core finds no serious or critical violation on the landing page and an open tagged document', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await axe(page, 'the landing page');
  await openSecond(page);
  await dragSelect(page, 'North Korean ruler Kim Jong Un');
  await page.keyboard.press('2');
  await dragSelect(page, 'Kim Jong Un');
  await page.keyboard.press('1');
  await doubleClickWord(page, 'Moscow');
  await page.keyboard.press('3');
  await page.keyboard.press('Shift+Digit4');
  await settled(page);
  await axe(page, 'an open tagged document');
  await saved(page);
  await app.done();
});

test('axe-core finds no serious or critical violation on the import report and the loss report', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spanmark-axe-'));
  const jsonl = path.join(dir, 'past-end.jsonl');
  writeFileSync(jsonl, JSON.stringify({ text: 'Kim Jong Un met Vladimir Putin.', label: [[0, 11, 'PERSON'], [16, 90, 'PERSON']] }) + '\n');
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await page.setInputFiles('#import-input', jsonl);
  await page.locator('#import-dialog').waitFor({ state: 'visible' });
  assert.match(await page.textContent('#import-diagnostics'), /past the end/);
  await axe(page, 'the import report dialog');
  await page.getByRole('button', { name: 'Cancel' }).click();

  // Nested spans exported as CoNLL: the message panel lists what the format loses.
  await openSecond(page);
  await dragSelect(page, 'North Korean ruler Kim Jong Un');
  await page.keyboard.press('2');
  await dragSelect(page, 'Kim Jong Un');
  await page.keyboard.press('1');
  await page.selectOption('#export-format', 'conll:iob2');
  await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export', exact: true }).click()]);
  await page.waitForSelector('#message:not([hidden])');
  assert.ok((await page.$$eval('#message-details li', (li) => li.length)) > 0, 'the losses are listed');
  await axe(page, 'the loss report');
  await saved(page);
  await app.done();
});

// ---- Screenshots (to look at; written to /tmp/spanmark-shots) ----------------------------

test('screenshots of the landing page and a tagged document at 1024x700 and 1440x900', async () => {
  mkdirSync(SHOTS, { recursive: true });
  for (const size of SIZES) {
    const app = await openApp(env.browser, env.server.url);
    const { page } = app;
    await page.setViewportSize(size);
    await settled(page);
    await page.screenshot({ path: path.join(SHOTS, `landing-${size.width}x${size.height}.png`) });
    await openSecond(page);
    const within = '.block[data-block="6"]';
    for (const [phrase, key] of [['North Korean ruler Kim Jong Un', '2'], ['Kim Jong Un', '1'], ['Washington, DC', '3'], ['Sullivan', '1'], ['North Korea', '3'], ['arms', '8']]) {
      await dragSelect(page, phrase, { within });
      await page.keyboard.press(key);
    }
    await doubleClickWord(page, 'Moscow', { within });
    await page.keyboard.press('3');
    await page.keyboard.press('Shift+Digit4');
    await page.keyboard.press('Escape');
    // A highlight with the keyboard focus (its ring shows), reached with the arrows.
    await page.locator('#doc mark.hl[tabindex="0"]').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.evaluate(() => document.querySelector('#doc .block[data-block="6"]').scrollIntoView({ block: 'center' }));
    await settled(page);
    await page.screenshot({ path: path.join(SHOTS, `document-${size.width}x${size.height}.png`) });
    await page.evaluate(() => window.scrollBy(0, 600));
    await settled(page);
    await page.screenshot({ path: path.join(SHOTS, `document-scrolled-${size.width}x${size.height}.png`) });
    await saved(page);
    await app.done();
  }
});
