// End-to-end harness: serves www/ exactly as `make run` does, drives Debian's Chromium
// through playwright-core, and fails a test on any console error or page error.

import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

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

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the same static server as `make run` on a free port. */
export async function startServer() {
  const port = await freePort();
  const proc = spawn('python3', ['-u', '-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', path.join(ROOT, 'www')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('static server did not start')), 10_000);
    proc.stdout.on('data', (d) => {
      if (String(d).includes('Serving HTTP')) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once('exit', (code) => reject(new Error(`static server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/`, close: () => proc.kill() };
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * Opens the app in a new page and records every console error and page error;
 * `done()` asserts there were none.
 */
export async function openApp(browser, url) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  return {
    page,
    errors,
    async done() {
      await context.close();
      assert.deepEqual(errors, [], 'the page logged errors');
    },
  };
}

/**
 * Selects `phrase` in the article by dragging the mouse from its first character
 * to its last, as a person would. The phrase must lie within one text run.
 */
export async function dragSelect(page, phrase, occurrence = 0) {
  const box = await page.evaluate(
    ([phrase, occurrence]) => {
      const root = document.getElementById('doc');
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      let seen = 0;
      for (let t = walker.nextNode(); t; t = walker.nextNode()) {
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
    [phrase, occurrence],
  );
  assert.ok(box, `phrase ${JSON.stringify(phrase)} is shown in the article`);
  await page.mouse.move(box.x1, box.y1);
  await page.mouse.down();
  await page.mouse.move(box.x2, box.y2, { steps: 10 });
  await page.mouse.up();
}

/** The highlighted text of annotation marks, joined per annotation chip run. */
export async function highlightedTexts(page) {
  return page.$$eval('#doc mark.hl', (marks) => marks.map((m) => m.textContent));
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
