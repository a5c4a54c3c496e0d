// What the benchmark's runs share: the static server, the browser's arguments, the
// statistics, the scroll probe and the formatting of the table.

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATA } from './generate.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '..');
export const EDITS = 20;
export const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--enable-precise-memory-info', '--js-flags=--expose-gc'];

export const log = (...a) => console.log(...a);

export async function freePort() {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function serveRoot() {
  const port = await freePort();
  const proc = spawn('python3', ['-u', '-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', ROOT], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((resolve) => proc.stdout.on('data', (d) => String(d).includes('Serving') && resolve()));
  return { url: `http://127.0.0.1:${port}/`, close: () => proc.kill() };
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
export const summary = (xs) => (xs.length ? { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs.length } : null);

/**
 * In the page: scrolls the document (or the element `selector` names) from top to bottom,
 * nine tenths of its height a frame, and returns the longest frame (ms).
 */
export function scrollLongestFrame(selector = null) {
  return new Promise((resolve) => {
    const box = selector ? document.querySelector(selector) : document.scrollingElement;
    box.scrollTop = 0;
    let last = null;
    let longest = 0;
    const step = () => {
      const now = performance.now();
      if (last !== null) longest = Math.max(longest, now - last);
      last = now;
      const before = box.scrollTop;
      box.scrollTop += Math.round((selector ? box.clientHeight : window.innerHeight) * 0.9);
      if (box.scrollTop === before) resolve(longest);
      else requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
}

export async function memory(page) {
  return page.evaluate(() => {
    window.gc?.();
    return { jsHeapBytes: performance.memory?.usedJSHeapSize ?? null, wasmBytes: window.spanmarkDiagnostics?.wasmMemoryBytes() ?? 0 };
  });
}

/**
 * Opens the page in a fresh context (no service worker: each run is a first visit, and
 * installing one, precaching the app, would compete with what is measured), imports
 * `file` through the shell's import input and waits (up to `timeout` ms) until document
 * `docId` is open (null: the first one the import opens); `prepare(page)`, if given, runs
 * before the import. When the page refuses the import (an error message, nothing opened),
 * it throws that message at once, and the context is closed on any failure here.
 * Page errors are collected in `errors`; `check()` throws if there were any.
 */
export async function openSpanmark(browser, url, file, { docId = 'bench', acceptDownloads = false, prepare = null, timeout = 180_000 } = {}) {
  const context = await browser.newContext({ acceptDownloads, viewport: { width: 1400, height: 900 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    // A page in the background gets no animation frames: the measurements would wait forever.
    await page.bringToFront();
    await page.goto(`${url}www/index.html`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForSelector('#save-status[data-state="saved"]');
    if (prepare) await prepare(page);
    await page.setInputFiles('#import-input', file);
    const outcome = await page.waitForFunction(
      (docId) => {
        const opened = docId ? document.body.dataset.openedDoc === docId : performance.getEntriesByName('spanmark:import').length && document.body.dataset.openedDoc;
        if (opened) return { opened: true };
        const box = document.getElementById('message');
        if (box && !box.hidden && box.dataset.kind === 'error') return { refused: [box.querySelector('#message-text')?.textContent, ...[...box.querySelectorAll('li')].map((li) => li.textContent)].join(' ') };
        return null;
      },
      docId,
      { timeout },
    );
    const { refused } = await outcome.jsonValue();
    if (refused) throw new Error(`the page refused the import: ${refused}`);
  } catch (err) {
    await context.close().catch(() => {});
    throw err;
  }
  const check = () => {
    if (errors.length) throw new Error(`Spanmark page errors: ${errors.join('; ')}`);
  };
  return { context, page, errors, check };
}

/** In the page: removes every document (the demo's), so that an import makes the whole workspace. */
export async function emptyWorkspace(page) {
  await page.evaluate(async () => {
    const { state } = await import('./state.js');
    for (const d of state.core.documents()) state.core.removeDocument(d.id);
    state.core.clearHistory();
    state.closeDocument();
    state.renderDocumentList();
  });
}

/** From the import's start (the file chosen) to the first paint with highlights, in ms. */
export async function openedMs(page) {
  return page.evaluate(() => {
    const last = (name) => performance.getEntriesByName(name).at(-1);
    return last('spanmark:opened').startTime - last('spanmark:load:start').startTime;
  });
}

/** Waits until the highlights near the screen are drawn (the view draws them a few per frame). */
export async function highlightsDrawn(page) {
  const frames = () => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await frames();
  await page.waitForFunction(() => (document.getElementById('doc')?.dataset.pendingHighlights ?? '0') === '0', null, { timeout: 60_000 });
  await frames();
}

/**
 * In the page: adds `count` annotations by selection + hotkey (labels 1–8) on words in
 * visible text, each removed again by Delete; each from the event to the next paint
 * (`add`, `remove`) and the handlers alone (`handler`). The text nodes are looked up
 * again before each add: an edit redraws its block, and a node of the old one, no longer
 * in the page, would make a selection the page ignores (a key press that adds nothing).
 */
export async function editTimes(count) {
  const painted = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
  const add = [];
  const remove = [];
  const handler = [];
  const visibleTexts = () => {
    const visible = [...document.querySelectorAll('#doc .block:not(.blank)')].filter((b) => {
      const r = b.getBoundingClientRect();
      return r.bottom > 0 && r.top < window.innerHeight;
    });
    const texts = [];
    for (const b of visible) {
      const walker = document.createTreeWalker(b, NodeFilter.SHOW_TEXT);
      for (let t = walker.nextNode(); t; t = walker.nextNode()) if (!t.parentElement.closest('mark') && /\p{L}{4,}/u.test(t.data)) texts.push(t);
    }
    return texts;
  };
  for (let k = 0; k < count; k++) {
    const texts = visibleTexts();
    const t = texts[(k * 7) % texts.length];
    const m = [...t.data.matchAll(/\p{L}{4,}/gu)];
    const word = m[k % m.length];
    const range = document.createRange();
    range.setStart(t, word.index);
    range.setEnd(t, word.index + word[0].length);
    const sel = document.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    let t0 = performance.now();
    document.dispatchEvent(new KeyboardEvent('keydown', { key: String(1 + (k % 8)), bubbles: true }));
    handler.push(performance.now() - t0);
    await painted();
    add.push(performance.now() - t0);
    t0 = performance.now();
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Delete', bubbles: true }));
    handler.push(performance.now() - t0);
    await painted();
    remove.push(performance.now() - t0);
  }
  return { add, remove, handler };
}

/** In the page: `benchFrames.start()` watches every animation frame, `stop()` returns the longest. */
export function installFrameWatch() {
  let longest = 0;
  let last = null;
  let watching = false;
  const tick = (now) => {
    if (!watching) return;
    if (last !== null) longest = Math.max(longest, now - last);
    last = now;
    requestAnimationFrame(tick);
  };
  window.benchFrames = {
    start() {
      longest = 0;
      last = null;
      watching = true;
      requestAnimationFrame(tick);
    },
    stop() {
      watching = false;
      return longest;
    },
  };
}

export async function spanmarkRun(browser, url, n) {
  const { context, page, check } = await openSpanmark(browser, url, path.join(DATA, `spanmark-${n}.json`), { acceptDownloads: true });
  const timing = { openMs: await openedMs(page), importMs: await page.evaluate(() => performance.getEntriesByName('spanmark:import').at(-1).duration) };
  await page.waitForSelector('#save-status[data-state="saved"]', { timeout: 180_000 });
  const saveMs = await page.evaluate(() => performance.now() - performance.getEntriesByName('spanmark:load:start').at(-1).startTime);
  const mem = await memory(page);
  // Add one annotation by selection + hotkey, then remove it by Delete: each from the
  // event to the next paint, in visible text.
  const edits = await page.evaluate(editTimes, EDITS);
  const longestFrameMs = await page.evaluate(scrollLongestFrame);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-all')]);
  await download.path();
  const exportMs = await page.evaluate(() => performance.getEntriesByName('spanmark:export').at(-1).duration);
  await context.close();
  check();
  return { ...timing, saveMs, ...mem, add: edits.add, remove: edits.remove, handler: edits.handler, longestFrameMs, exportMs };
}

// The floors' pages (bench/pages/): the fair one with Spanmark's layout, the plain one.
const FLOOR_PAGES = { fair: 'fair-floor.html', plain: 'floor.html' };

export async function floorRun(browser, url, kind) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.bringToFront();
  await page.goto(`${url}bench/pages/${FLOOR_PAGES[kind]}`);
  await page.setInputFiles('#file', path.join(DATA, 'article.txt'));
  await page.waitForSelector('body[data-opened="true"]', { timeout: 120_000 });
  const openMs = await page.evaluate(() => window.benchOpenMs);
  const mem = await memory(page);
  const longestFrameMs = await page.evaluate(scrollLongestFrame);
  await page.close();
  return { openMs, ...mem, longestFrameMs };
}

export async function recogitoRun(browser, url, n) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.bringToFront();
  await page.goto(`${url}bench/pages/recogito.html`);
  await page.waitForFunction(() => window.benchReady);
  await page.setInputFiles('#file', path.join(DATA, `recogito-${n}.json`));
  await page.waitForSelector('body[data-opened="true"]', { timeout: 180_000 });
  const openMs = await page.evaluate(() => window.benchOpenMs);
  const mem = await memory(page);
  const add = [];
  const remove = [];
  for (let k = 0; k < EDITS; k++) {
    add.push(await page.evaluate((i) => window.bench.add(i), k));
    remove.push(await page.evaluate((i) => window.bench.remove(i), k));
  }
  const longestFrameMs = await page.evaluate(scrollLongestFrame);
  const exportMs = (await page.evaluate(() => window.bench.exportW3C())).ms;
  await page.close();
  return { openMs, ...mem, add, remove, longestFrameMs, exportMs };
}

export const ms = (v) => (v === undefined || v === null ? '–' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 1 : 0)} ms`);
export const range = (s) => (s ? `${ms(s.median)} (${ms(s.min)}–${ms(s.max)})` : '–');
export const times = (v, digits) => (v === null || v === undefined ? '–' : `${v.toFixed(digits)}×`);

export const mb = (b) => (b === undefined || b === null ? '–' : `${(b / 1024 / 1024).toFixed(1)} MB`);
