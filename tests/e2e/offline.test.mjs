// Offline and updates: the service worker (www/sw.js) keeps the app shell, so that with
// the server gone a reload still opens the workspace and its annotations; and when a new
// build is served, the page runs it after a reload (the worker that installs it says so).
//
// Both builds are copies of www/ (the wasm package copied in, as `make dist` does), each
// stamped by tools/version.mjs; the second has one module changed. They are served one
// after the other on the same port: the same origin, so the same worker, caches and IndexedDB.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, freePort, startServer, launchBrowser, newContext, watch, dragSelect, annotationList, highlightedTexts } from './harness.mjs';
import { writeVersion } from '../../tools/version.mjs';

let tmp;
let browser;
let server = null;

before(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'spanmark-offline-'));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A copy of www/ as a build to serve, with `change` applied to it, and its version. */
function build(name, change = () => {}) {
  const dir = path.join(tmp, name);
  cpSync(path.join(ROOT, 'www'), dir, { recursive: true, dereference: true });
  change(dir);
  return { dir, ...writeVersion(dir) };
}

/** Resolves once nothing answers on `url`. */
async function gone(url) {
  const answered = await fetch(url).then(
    () => true,
    () => false,
  );
  assert.equal(answered, false, `nothing answers on ${url}`);
}

const ready = (page) => page.waitForSelector('body[data-ready="true"]');

test('after the first load, a reload opens the workspace with the server gone; a new build runs after a reload', async () => {
  const first = build('v1');
  const second = build('v2', (dir) => appendFileSync(path.join(dir, 'messages.js'), "\nglobalThis.spanmarkTestBuild = 'second';\n"));
  assert.notEqual(first.version, second.version, 'a changed module changes the version');
  assert.ok(first.files.includes('pkg/spanmark_bg.wasm') && first.files.includes('manifest.webmanifest') && first.files.includes('demo/demo.json'));

  const port = await freePort();
  server = await startServer({ root: first.dir, port });
  const context = await newContext(browser);
  const page = await context.newPage();
  const errors = [];
  watch(page, errors);
  await page.goto(server.url);
  await ready(page);

  // The first load installs the worker, which precaches the shell and takes the page over.
  await page.waitForFunction(() => document.documentElement.dataset.offline === 'ready' && navigator.serviceWorker.controller !== null);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.version), first.version);
  assert.deepEqual(await page.evaluate(() => caches.keys()), [`spanmark-shell-${first.version}`]);
  // The manifest makes it installable: linked, served, with its icons.
  const manifest = await page.evaluate(async () => {
    const href = document.querySelector('link[rel="manifest"]').href;
    const response = await fetch(href);
    return { type: response.headers.get('content-type'), json: await response.json() };
  });
  assert.match(manifest.type, /^application\/manifest\+json/);
  assert.equal(manifest.json.display, 'standalone');
  assert.deepEqual(manifest.json.icons.map((i) => i.sizes).filter((s) => s !== 'any').sort(), ['192x192', '512x512', '512x512']);
  // Chromium's own verdict: nothing keeps the app from being installed (but the test's
  // incognito profile, which Chromium names and goes on checking past).
  const cdp = await context.newCDPSession(page);
  assert.deepEqual((await cdp.send('Page.getInstallabilityErrors')).installabilityErrors.filter((e) => e.errorId !== 'in-incognito'), []);
  await cdp.detach();

  await page.getByRole('button', { name: /Russia uses up tons of ammunition/ }).click();
  await dragSelect(page, 'Vladimir Putin');
  await page.keyboard.press('1');
  await page.waitForFunction(() => document.getElementById('save-status').textContent === 'Saved');
  assert.deepEqual(await annotationList(page), ['PERSON Vladimir Putin']);

  // The server is stopped: the reload is answered by the worker, the work by IndexedDB.
  await server.close();
  server = null;
  await gone(`http://127.0.0.1:${port}/`);
  await page.reload();
  await ready(page);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.version), first.version);
  assert.match(await page.textContent('#doc .block.title'), /^Russia uses up tons of ammunition/);
  assert.deepEqual(await annotationList(page), ['PERSON Vladimir Putin']);
  assert.ok((await highlightedTexts(page)).includes('Vladimir Putin'), 'the annotation is highlighted');
  assert.ok(await page.evaluate(() => document.body.dataset.coreInstance === '1'), 'the wasm core started from the cache');

  // A new build is served on the same address. The reload is still the cached version;
  // the browser's update check finds the new worker, which installs the new build,
  // takes over, drops the old cache, and the page offers a reload.
  server = await startServer({ root: second.dir, port });
  await page.reload();
  await ready(page);
  await page.waitForFunction((v) => document.documentElement.dataset.updateReady === v, second.version, { timeout: 30_000 });
  assert.match(await page.textContent('#message-text'), /new version of Spanmark/);
  assert.deepEqual(await page.evaluate(() => caches.keys()), [`spanmark-shell-${second.version}`]);

  await page.reload();
  await ready(page);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.version), second.version);
  assert.equal(await page.evaluate(() => globalThis.spanmarkTestBuild), 'second', 'the changed module runs');
  assert.deepEqual(await annotationList(page), ['PERSON Vladimir Putin']);
  assert.equal(await page.evaluate(() => document.getElementById('message').hidden), true, 'no update message once it runs');

  // And the new version works offline too.
  await server.close();
  server = null;
  await page.reload();
  await ready(page);
  assert.equal(await page.evaluate(() => globalThis.spanmarkTestBuild), 'second');
  assert.deepEqual(await annotationList(page), ['PERSON Vladimir Putin']);

  await context.close();
  assert.deepEqual(errors, [], 'the page logged errors');
});
