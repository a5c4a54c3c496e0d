// End-to-end harness: serves www/ exactly as `make run` does (the same server, with the
// same headers), drives Debian's Chromium through playwright-core, and fails a test on
// any console error or page error.

import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { writeVersion } from '../../tools/version.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A TCP port on 127.0.0.1 that nothing listens on now. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// The server and config of `make run` (see the Makefile's `serve` target).
const SERVE_BIN = path.join(ROOT, 'node_modules/.bin/serve');
export const SERVE_CONFIG = path.join(ROOT, 'hosting/serve.json');

/**
 * Starts the same static server as `make run` (serve, with hosting/serve.json, so every
 * response carries the real headers) on a free port (or `port`), serving www/ (or
 * `root`), and resolves once it answers. Like `make serve`, it stamps www/version.js first.
 */
export async function startServer({ root = null, port = null } = {}) {
  if (!root) writeVersion(path.join(ROOT, 'www'));
  port ??= await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const proc = spawn(
    SERVE_BIN,
    ['--no-clipboard', '--no-port-switching', '--no-request-logging', '--config', SERVE_CONFIG, '--listen', `tcp://127.0.0.1:${port}`, root ?? path.join(ROOT, 'www')],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_UPDATE_CHECK: '1' } },
  );
  let stderr = '';
  proc.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`static server exited with ${proc.exitCode ?? proc.signalCode}: ${stderr}`);
    // Ours answers with its headers (and not some other server that took the port).
    const answer = await fetch(url).then(
      (r) => r.ok && r.headers.get('x-frame-options') === 'DENY',
      () => false,
    );
    if (answer) break;
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`static server did not answer on ${url}: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port,
    close: () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        // It closes gracefully; a connection still open must not keep it alive.
        setTimeout(() => proc.kill('SIGKILL'), 3000).unref();
      }
      return exited;
    },
  };
}

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/**
 * Starts the static server and Chromium before a test file's tests and stops them after.
 * Returns an object whose `server` and `browser` are set once the tests run.
 */
export function suite() {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * Starts Chromium as its own process on a profile directory, connected over CDP, so
 * that a test can kill it abruptly (SIGKILL) and start it again on the same profile.
 */
export async function launchKillableBrowser(profileDir) {
  const proc = spawn(CHROMIUM, [...CHROMIUM_ARGS, `--user-data-dir=${profileDir}`, '--remote-debugging-port=0', 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true, // its own process group, so a kill takes every Chromium process at once
  });
  const endpoint = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Chromium did not start')), 20_000);
    let buffered = '';
    proc.stderr.on('data', (d) => {
      buffered += d;
      const m = buffered.match(/DevTools listening on (ws:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.once('exit', (code) => reject(new Error(`Chromium exited with ${code}`)));
  });
  const browser = await chromium.connectOverCDP(endpoint);
  return {
    browser,
    context: browser.contexts()[0],
    kill: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', resolve);
        process.kill(-proc.pid, 'SIGKILL');
      }),
  };
}

export function newContext(browser) {
  return browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
}

/** Records every console error, page error and dialog of `page` into `errors`. */
export function watch(page, errors, allowed = []) {
  page.setDefaultTimeout(15_000);
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !allowed.some((re) => re.test(msg.text()))) errors.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  page.on('dialog', async (dialog) => {
    errors.push(`dialog: ${dialog.type()} ${dialog.message()}`);
    await dialog.dismiss();
  });
}

/**
 * Opens the app in a new page (of `context`, or of a new context) and records every
 * console error, page error and dialog; `done()` asserts there were none.
 * `allowed` lists console errors a test provokes on purpose (regular expressions).
 */
export async function openApp(browser, url, { context = null, allowed = [], init = null } = {}) {
  const ownContext = !context;
  context ??= await newContext(browser);
  const page = await context.newPage();
  const errors = [];
  watch(page, errors, allowed);
  if (init) await page.addInitScript(init);
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  return {
    page,
    context,
    errors,
    async done() {
      if (ownContext) await context.close();
      else await page.close();
      assert.deepEqual(errors, [], 'the page logged errors');
    },
  };
}

/** Waits until the page reports every change saved. */
export async function saved(page) {
  await page.waitForSelector('#save-status[data-state="saved"]');
}

/** The annotation list as "LABEL quote" lines, as shown at the next frame (when the list is drawn). */
export async function annotationList(page) {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve))));
  return page.$$eval('#annotation-list .annotation-button', (bs) =>
    bs.map((b) => `${b.querySelector('.chip').textContent} ${b.querySelector('.quote').textContent}`),
  );
}

/**
 * Finds the `occurrence`-th text run holding `phrase` in the article (only inside
 * elements matching `within`, if given), scrolls it to the middle of the viewport,
 * and returns the points just inside its first and last characters.
 */
async function phrasePoints(page, phrase, options = {}) {
  // Scroll the phrase into the middle, let off-screen blocks that came into view take
  // their real size (content-visibility), then scroll and measure again.
  await locatePhrase(page, phrase, options);
  await settled(page);
  return locatePhrase(page, phrase, options);
}

/**
 * Waits until the article stops changing under the pointer: two frames for layout, then
 * until every block near the viewport has its highlights (their chips take space).
 */
export async function settled(page) {
  const frames = () => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await frames();
  await page.waitForFunction(() => (document.getElementById('doc')?.dataset.pendingHighlights ?? '0') === '0');
  await frames();
}

async function locatePhrase(page, phrase, { occurrence = 0, within = null } = {}) {
  const box = await page.evaluate(
    ([phrase, occurrence, within]) => {
      const root = document.getElementById('doc');
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      let seen = 0;
      for (let t = walker.nextNode(); t; t = walker.nextNode()) {
        if (within && !t.parentElement.closest(within)) continue;
        let i = t.data.indexOf(phrase);
        while (i >= 0 && seen < occurrence) {
          seen++;
          i = t.data.indexOf(phrase, i + 1);
        }
        if (i < 0) continue;
        // Centre the phrase itself (not its paragraph) so no sticky bar covers it.
        const r = document.createRange();
        r.setStart(t, i);
        r.setEnd(t, i + phrase.length);
        window.scrollBy(0, r.getBoundingClientRect().top - window.innerHeight / 2);
        r.setStart(t, i);
        r.setEnd(t, i + 1);
        const first = r.getClientRects()[0];
        r.setStart(t, i + phrase.length - 1);
        r.setEnd(t, i + phrase.length);
        const rects = r.getClientRects();
        const last = rects[rects.length - 1];
        return { x1: first.left + 1, y1: first.top + first.height / 2, x2: last.right - 1, y2: last.top + last.height / 2 };
      }
      return null;
    },
    [phrase, occurrence, within],
  );
  assert.ok(box, `phrase ${JSON.stringify(phrase)} is shown in the article`);
  return box;
}

/**
 * Selects `phrase` in the article by dragging the mouse from its first character
 * to its last, as a person would. The phrase must lie within one text run.
 */
export async function dragSelect(page, phrase, options = {}) {
  const box = await phrasePoints(page, phrase, options);
  await page.mouse.move(box.x1, box.y1);
  await page.mouse.down();
  await page.mouse.move(box.x2, box.y2, { steps: 10 });
  await page.mouse.up();
}

/** Double-clicks the middle of `word` in the article. */
export async function doubleClickWord(page, word, options = {}) {
  const box = await phrasePoints(page, word, options);
  await page.mouse.dblclick((box.x1 + box.x2) / 2, box.y1);
}

/** The highlighted text of annotation marks, joined per annotation chip run. */
export async function highlightedTexts(page) {
  return page.$$eval('#doc mark.hl', (marks) => marks.map((m) => m.textContent));
}

const AXE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');

/**
 * Runs axe-core in the page (on the element matching `include`, or the whole document) and
 * fails on any serious or critical violation; the others are logged. The page's CSP
 * (script-src 'self') refuses an injected <script> (page.addScriptTag), so axe's source is
 * evaluated through the DevTools protocol (page.evaluate), which CSP does not govern; the
 * page itself keeps its CSP.
 */
export async function axe(page, what, include = null) {
  await page.evaluate(readFileSync(AXE, 'utf8'));
  const result = await page.evaluate(
    (include) => window.axe.run(include ? { include: [include] } : document, { resultTypes: ['violations'], rules: { 'label-content-name-mismatch': { enabled: true } } }),
    include,
  );
  const violations = result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = violations.filter((v) => !(v.impact === 'serious' || v.impact === 'critical'));
  console.log(`axe on ${what}: ${bad.length} serious/critical, ${minor.length} moderate/minor${minor.length ? `: ${JSON.stringify(minor)}` : ''}`);
  assert.deepEqual(bad, [], `axe on ${what}`);
}

/** Clicks "Export" (or the button named `button`) and returns the downloaded JSON. */
export async function exportJson(page, button = 'Export') {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  const file = await download.path();
  return { name: download.suggestedFilename(), json: JSON.parse(readFileSync(file, 'utf8')) };
}

/** Python's own answer: the code point offsets [start, end) of `phrase` in the file. */
export function pythonFind(file, phrase) {
  const out = execFileSync('python3', [
    '-c',
    'import sys; t = open(sys.argv[1], encoding="utf-8", newline="").read(); i = t.find(sys.argv[2]); print(i, i + len(sys.argv[2]) if i >= 0 else -1)',
    file,
    phrase,
  ]);
  const [start, end] = String(out).trim().split(' ').map(Number);
  assert.ok(start >= 0, `python finds ${JSON.stringify(phrase)} in ${file}`);
  return { start, end };
}

/**
 * Runs axe-core in the page and fails on a serious or critical violation. The page's CSP
 * refuses an injected <script>, so axe's source is evaluated through the DevTools
 * protocol (page.evaluate), which CSP does not govern.
 */
export async function axeCheck(page, what) {
  await page.evaluate(readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const violations = result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  console.log(`axe on ${what}: ${bad.length} serious/critical, ${violations.length - bad.length} moderate/minor`);
  assert.deepEqual(bad, [], `axe on ${what}`);
}

/** The key of the page that stores annotation `id` of document `doc` (the core's page_of: FNV-1a of the id's UTF-8, modulo 1024). */
export function pageKey(doc, id) {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(id)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return JSON.stringify(['anns', doc, h % 1024]);
}

/** In the page: every stored record of the app, as [key, value] pairs. */
export function storedRecords(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('spanmark', 1);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const store = open.result.transaction('records').objectStore('records');
          const keys = store.getAllKeys();
          const values = store.getAll();
          values.onsuccess = () => {
            const out = keys.result.map((k, i) => [k, values.result[i]]);
            open.result.close();
            resolve(out);
          };
        };
      }),
  );
}

/** In a page on the app's origin, before the app runs there: writes `records` ([key, value] pairs) as an older Spanmark would have. */
export function seedRecords(page, records) {
  return page.evaluate(
    (records) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('spanmark', 1);
        open.onupgradeneeded = () => open.result.createObjectStore('records');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('records', 'readwrite');
          for (const [k, v] of records) tx.objectStore('records').put(v, k);
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
        };
      }),
    records,
  );
}
