// make bench: corpus scale (issue "Speed"): a workspace of 1 small document beside one of
// 10,000 (each a few sentences with a few annotations). Opening a small document,
// switching to another by clicking it in the document list, and tagging should cost the
// same in both (within noise), and the list should stay fluid while it scrolls.

import { smallDocumentsFile } from '../generate.mjs';
import { editTimes, emptyWorkspace, installFrameWatch, median, ms, openSpanmark, scrollLongestFrame, times } from '../lib.mjs';

export const title = 'Corpus scale';

const SIZES = [1, 10_000];
const REPS = 5;

/**
 * In the page: opens each of `ids` as the shell does (openDocument: after an import, an
 * undo, a search hit), each from the call to the paint with its highlights ('spanmark:opened').
 */
async function openTimes(ids) {
  const { openDocument } = await import('./documents.js');
  const idle = () => new Promise((resolve) => requestIdleCallback(resolve, { timeout: 2000 }));
  const out = [];
  for (const id of ids) {
    await idle();
    const t0 = performance.now();
    await openDocument(id);
    await new Promise((resolve) => {
      const check = () => ((performance.getEntriesByName('spanmark:opened').at(-1)?.startTime ?? 0) > t0 ? resolve() : setTimeout(check, 1));
      check();
    });
    out.push(performance.getEntriesByName('spanmark:opened').at(-1).startTime - t0);
  }
  return out;
}

/**
 * In the page: for each of `ids`, scrolls the document list to its row (the list builds
 * the rows in view), then clicks it: from the click to the paint with its highlights.
 */
async function switchTimes(ids) {
  const idle = () => new Promise((resolve) => requestIdleCallback(resolve, { timeout: 2000 }));
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const box = document.getElementById('document-scroller') ?? document.querySelector('.panel.documents');
  const out = [];
  for (const id of ids) {
    // The row's place in the list: the core's order is the list's ("as added").
    const { state } = await import('./state.js');
    const index = state.core.documents().findIndex((d) => d.id === id);
    const rowPx = document.querySelector('.document-list li')?.getBoundingClientRect().height || 52;
    box.scrollTop = Math.max(0, index * rowPx - box.clientHeight / 2);
    await frame();
    const button = document.querySelector(`.document-button[data-doc-id="${CSS.escape(id)}"]`);
    if (!button) throw new Error(`the document list shows no row for ${id} after scrolling to it`);
    button.scrollIntoView({ block: 'nearest' });
    await frame();
    await idle();
    const t0 = performance.now();
    button.click();
    await new Promise((resolve) => {
      const check = () => ((performance.getEntriesByName('spanmark:opened').at(-1)?.startTime ?? 0) > t0 && document.body.dataset.openedDoc === id ? resolve() : setTimeout(check, 1));
      check();
    });
    out.push(performance.getEntriesByName('spanmark:opened').at(-1).startTime - t0);
  }
  return out;
}

/**
 * In the page: the tags (selection + hotkey → next paint, each removed again by Delete) of
 * bench/lib.mjs editTimes, and the longest frame from the first tag to `settleMs` after the
 * last (with the work that follows a tag once the page is idle, such as the annotate-all
 * offer counting the word's occurrences across the corpus).
 */
async function tagTimes(page, count, settleMs = 600) {
  await page.evaluate(installFrameWatch);
  await page.evaluate(() => window.benchFrames.start());
  const edits = await page.evaluate(editTimes, count);
  await page.waitForTimeout(settleMs);
  const longest = await page.evaluate(() => window.benchFrames.stop());
  return { add: edits.add, longest };
}

async function measure(browser, url, n) {
  const file = smallDocumentsFile(n);
  const opened = await openSpanmark(browser, url, file, { docId: null, prepare: emptyWorkspace });
  const { page } = opened;
  // Saving 10,000 documents takes a while: measured once it is done.
  await page.waitForSelector('#save-status[data-state="saved"]', { timeout: 300_000 });
  const ids = Array.from({ length: REPS }, (_, k) => `s${n === 1 ? 0 : Math.floor(((k + 1) * (n - 1)) / REPS)}`);
  const open = await page.evaluate(openTimes, ids);
  const switchIds = Array.from({ length: REPS }, (_, k) => `s${n === 1 ? 0 : Math.floor(((2 * k + 1) * (n - 1)) / (2 * REPS))}`);
  const switching = await page.evaluate(switchTimes, switchIds);
  const tag = await tagTimes(page, REPS);
  // Before the list was virtualised, its panel scrolled it.
  const scrollFrameMs = await page.evaluate(scrollLongestFrame, (await page.$('#document-scroller')) ? '#document-scroller' : '.panel.documents');
  const rows = await page.$$eval('.document-button', (bs) => bs.length);
  await opened.context.close();
  opened.check();
  return {
    documents: n,
    openMs: median(open),
    switchMs: median(switching),
    tagMs: median(tag.add),
    tagFrameMs: tag.longest,
    // With a list too short to scroll, no frame to measure.
    scrollFrameMs: scrollFrameMs || null,
    rowsBuilt: rows,
    samples: { open, switching, tag: tag.add },
  };
}

export async function run(browser, url) {
  const result = { reps: REPS, sizes: {} };
  for (const n of SIZES) result.sizes[n] = await measure(browser, url, n);
  return result;
}

export function markdown(r) {
  const [one, many] = SIZES.map((n) => r.sizes[n]);
  const n = (v) => v.toLocaleString('en');
  const row = (name, key) => `| ${name} | ${ms(one[key])} | ${ms(many[key])} | ${one[key] && many[key] ? times(many[key] / one[key], 2) : '–'} |`;
  return [`**${title}** (small documents: a few sentences, a few annotations each; medians of ${r.reps}):`, '',
    `| | ${n(one.documents)} document | ${n(many.documents)} documents | ${n(many.documents)} ÷ ${n(one.documents)} |`, '| --- | ---: | ---: | ---: |',
    row('open a small document → paint', 'openMs'),
    row('switch: click in the list → paint', 'switchMs'),
    row('tag (selection + hotkey) → paint', 'tagMs'),
    row('longest frame while tagging (to 600 ms after)', 'tagFrameMs'),
    row('longest frame scrolling the document list top to bottom', 'scrollFrameMs'),
    `| document rows built (DOM) | ${n(one.rowsBuilt)} | ${n(many.rowsBuilt)} | – |`,
    '',
    'Open: openDocument as the shell calls it (after an import, an undo, a search hit) to the paint with highlights. Switch: the list scrolled to the row, then a click on it (with 1 document: its own row, which opens it again). Tag: as the sizes above (each tag removed again by Delete); its longest frame includes what the page does once idle, such as the annotate-all offer counting the word\'s occurrences across the corpus.'].join('\n');
}
