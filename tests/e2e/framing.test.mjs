// Framing (clickjacking): the server's headers, a page of another origin that frames the
// app over a button of its own, and the page's own refusal where a host sends no headers.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import {
  ROOT,
  SERVE_CONFIG,
  suite,
  freePort,
  openApp,
  newContext,
  watch,
  saved,
  dragSelect,
  annotationList,
} from './harness.mjs';

const env = suite();

// What every response must carry: the page's own CSP (its meta tag) plus frame-ancestors.
const META_CSP = readFileSync(path.join(ROOT, 'www/index.html'), 'utf8').match(
  /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/,
)[1];
const HEADERS = {
  'content-security-policy': `${META_CSP}; frame-ancestors 'none'`,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const openSecondArticle = (page) => page.getByRole('button', { name: /Russia uses up tons of ammunition/ }).click();

async function tag(page, phrase, key) {
  await dragSelect(page, phrase);
  await page.keyboard.press(key);
}

/** The Web Locks of the page's storage: names held and names waited for. */
const locks = (pageOrFrame) =>
  pageOrFrame.evaluate(async () => {
    const { held, pending } = await navigator.locks.query();
    return { held: held.map((l) => l.name), pending: pending.map((l) => l.name) };
  });

const stopAfter = [];
after(async () => {
  for (const stop of stopAfter) await stop();
});

/**
 * The attacker: a page on another port of 127.0.0.1 (another origin, the same site, so
 * the frame would share the analyst's storage and locks) that shows `appUrl` in a frame
 * at 30% opacity over the whole window, above a button of its own placed at `bait`.
 */
async function startFramingPage(appUrl, bait) {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Claim your prize</title><link rel="icon" href="data:,">
<style>
  body { margin: 0; font: 16px sans-serif; }
  #bait { position: absolute; left: ${bait.x}px; top: ${bait.y}px; width: ${bait.width}px; height: ${bait.height}px; }
  #victim { position: fixed; inset: 0; width: 100%; height: 100%; border: 0; opacity: 0.3; }
</style></head>
<body>
  <button id="bait" type="button">Claim</button>
  <iframe id="victim" src="${appUrl}"></iframe>
  <script>
    document.getElementById('victim').addEventListener('load', () => { document.body.dataset.frameLoaded = 'true'; });
    document.getElementById('bait').addEventListener('click', () => { document.body.dataset.baitClicked = 'true'; });
  </script>
</body></html>`;
  const server = createServer((req, res) => {
    res.writeHead(req.url === '/' ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(req.url === '/' ? html : 'not here');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () => new Promise((resolve) => server.close(resolve));
  stopAfter.push(close);
  return { url: `http://127.0.0.1:${server.address().port}/`, close };
}

/** Python's http.server on www/: a host that sends none of the headers. */
async function startPlainServer() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const proc = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', path.join(ROOT, 'www')], {
    stdio: 'ignore',
  });
  const close = () => {
    proc.kill();
  };
  stopAfter.push(close);
  const deadline = Date.now() + 10_000;
  while (!(await fetch(url).then((r) => r.ok, () => false))) {
    assert.ok(Date.now() < deadline && proc.exitCode === null, 'python3 -m http.server answers');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, close };
}

/** The framed app's frame in the attacker's page, once the frame has loaded (or been refused). */
async function victimFrame(page) {
  await page.waitForSelector('body[data-frame-loaded="true"]', { state: 'attached' });
  return (await page.$('#victim')).contentFrame();
}

/** The middle of the analyst's Undo button: where the attacker puts its bait. */
async function undoBox(page) {
  const box = await page.locator('#undo').boundingBox();
  return { x: Math.round(box.x), y: Math.round(box.y), width: Math.round(box.width), height: Math.round(box.height) };
}

test('every response carries the headers, scripts and wasm their MIME types, and no folder is listed', async () => {
  const get = (p) => fetch(new URL(p, env.server.url));
  const types = {
    '/': 'text/html',
    '/index.html': 'text/html',
    '/app.js': 'text/javascript',
    '/session.js': 'text/javascript',
    '/pkg/spanmark.js': 'text/javascript',
    '/pkg/spanmark_bg.wasm': 'application/wasm',
    '/demo/demo.json': 'application/json',
  };
  for (const [p, type] of Object.entries(types)) {
    const r = await get(p);
    assert.equal(r.status, 200, p);
    assert.equal(r.headers.get('content-type').split(';')[0], type, `${p}: Content-Type`);
    for (const [name, value] of Object.entries(HEADERS)) assert.equal(r.headers.get(name), value, `${p}: ${name}`);
  }
  // The wasm arrives whole, through the www/pkg symlink.
  const wasm = Buffer.from(await (await get('/pkg/spanmark_bg.wasm')).arrayBuffer());
  assert.deepEqual(wasm, readFileSync(path.join(ROOT, 'pkg/spanmark_bg.wasm')));

  // Folders are not listed (with or without the slash), and the errors carry the headers too.
  const listed = { '/pkg/': 'spanmark_bg.wasm', '/pkg': 'spanmark_bg.wasm', '/demo/': 'demo.json', '/demo': 'demo.json', '/no-such-file': '' };
  for (const [p, name] of Object.entries(listed)) {
    const r = await get(p);
    assert.ok(r.status === 404 || r.status === 403, `${p}: ${r.status}`);
    if (name) assert.ok(!(await r.text()).includes(name), `${p} lists nothing`);
    for (const [header, value] of Object.entries(HEADERS)) assert.equal(r.headers.get(header), value, `${p}: ${header}`);
  }
  // Nothing outside www/ is served.
  for (const p of ['/../Makefile', '/%2e%2e/Makefile', '/../hosting/serve.json']) {
    const r = await fetch(`${env.server.url.slice(0, -1)}${p}`);
    assert.ok(r.status >= 400, `${p}: ${r.status}`);
  }
  // And the server is still up after all of that.
  assert.equal((await get('/')).status, 200);
});

test('hosting/_headers and hosting/serve.json give every path the same headers', () => {
  const serve = JSON.parse(readFileSync(SERVE_CONFIG, 'utf8'));
  const all = serve.headers.find((h) => h.source === '**');
  const fromServe = Object.fromEntries(all.headers.map(({ key, value }) => [key.toLowerCase(), value]));
  assert.deepEqual(fromServe, HEADERS);
  assert.equal(serve.directoryListing, false);

  // _headers (Netlify, Cloudflare Pages): blocks of a path line and indented "Name: value" lines.
  const blocks = {};
  let current = null;
  for (const line of readFileSync(path.join(ROOT, 'hosting/_headers'), 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      current = blocks[line.trim()] = {};
      continue;
    }
    const [, name, value] = line.trim().match(/^([^:]+):\s*(.*)$/);
    current[name.toLowerCase()] = value;
  }
  assert.deepEqual(blocks['/*'], HEADERS);
  assert.equal(blocks['/*.wasm']['content-type'], 'application/wasm');
  assert.match(blocks['/*.js']['content-type'], /^text\/javascript/);
});

test("a page of another origin cannot frame the app: Chromium refuses it, and the analyst's tab stays the writer with its work", async () => {
  const context = await newContext(env.browser);
  const analyst = await openApp(env.browser, env.server.url, { context });
  await openSecondArticle(analyst.page);
  await tag(analyst.page, 'Vladimir Putin', '1');
  await tag(analyst.page, 'Pyongyang', '3');
  await saved(analyst.page);
  const before = await annotationList(analyst.page);
  assert.equal(before.length, 2);
  assert.equal(await analyst.page.getAttribute('body', 'data-role'), 'writer');

  const attacker = await startFramingPage(env.server.url, await undoBox(analyst.page));
  const page = await context.newPage();
  const errors = [];
  // Chromium reports the refused frame as a console error: that refusal is what this test
  // wants to see, so it is allowed, and required below.
  const refusal = new RegExp(
    `^Framing '${env.server.url}' violates the following Content Security Policy directive: "frame-ancestors 'none'"`,
  );
  watch(page, errors, [refusal]);
  const refusals = [];
  page.on('console', (msg) => refusal.test(msg.text()) && refusals.push(msg.text()));
  await page.goto(attacker.url);
  const frame = await victimFrame(page);
  assert.equal(refusals.length, 1, 'Chromium refused the frame for its frame-ancestors');

  // The frame holds no Spanmark: an error page, or nothing that can be read at all.
  const inside = await frame
    .evaluate(() => ({ href: location.href, doc: !!document.getElementById('doc'), role: document.body?.dataset.role ?? null }))
    .catch(() => null);
  assert.ok(
    inside === null || (!inside.doc && inside.role === null && !inside.href.startsWith(env.server.url)),
    `the frame shows no app: ${JSON.stringify(inside)}`,
  );
  assert.ok(!frame.url().startsWith(env.server.url), `the frame did not load the app: ${frame.url()}`);

  // The click meant for Undo lands on nothing of Spanmark's.
  const bait = await undoBox(analyst.page);
  await page.mouse.click(bait.x + bait.width / 2, bait.y + bait.height / 2);
  await page.waitForTimeout(500);
  assert.deepEqual(await annotationList(analyst.page), before);
  assert.equal(await analyst.page.getAttribute('body', 'data-role'), 'writer');
  // Nobody else holds or waits for the writer lock...
  assert.deepEqual(await locks(analyst.page), { held: ['spanmark-writer'], pending: [] });
  // ...so the analyst's tab, reloaded, is the writer again, with its work.
  await analyst.page.reload();
  await analyst.page.waitForSelector('body[data-ready="true"]');
  assert.equal(await analyst.page.getAttribute('body', 'data-role'), 'writer');
  assert.deepEqual(await annotationList(analyst.page), before);

  await page.close();
  assert.deepEqual(errors, [], 'the framing page logged errors');
  await analyst.done();
  await context.close();
  await attacker.close();
});

test('where a host sends no headers, the app refuses to run in a frame: no storage, no writer lock, nothing to click', async () => {
  const plain = await startPlainServer();
  // This host really sends none of the headers: only the page's own check is left.
  const headers = (await fetch(plain.url)).headers;
  assert.equal(headers.get('x-frame-options'), null);
  assert.equal(headers.get('content-security-policy'), null);

  // The attacker's page comes first, so that a framed app would get the writer role.
  const context = await newContext(env.browser);
  const bait = { x: 560, y: 14, width: 70, height: 30 };
  const attacker = await startFramingPage(plain.url, bait);
  const page = await context.newPage();
  const errors = [];
  watch(page, errors);
  await page.goto(attacker.url);
  const frame = await victimFrame(page);
  await frame.waitForSelector('body[data-framed="refused"]', { state: 'attached' });

  // It says why and where to open it, and shows nothing else.
  const message = await frame.textContent('#message-text');
  assert.equal(message, `Spanmark does not run inside another page. Open it directly: ${plain.url}`);
  assert.equal(await frame.isVisible('#message'), true);
  for (const part of ['main', '.actions', '#doc', '#document-list', '#message-close']) {
    assert.equal(await frame.isVisible(part), false, `${part} is not shown`);
  }
  // Nothing in it can edit: every control is disabled, no document is loaded, no key does anything.
  assert.deepEqual(await frame.$$eval('button, input, select, textarea', (els) => els.filter((e) => !e.disabled).map((e) => e.id)), []);
  assert.equal(await frame.$$eval('.document-button', (els) => els.length), 0);
  assert.equal(await frame.textContent('#doc'), '');
  await page.mouse.click(bait.x + bait.width / 2, bait.y + bait.height / 2);
  await page.keyboard.press('Control+z');
  await page.keyboard.press('1');
  // It never started: no role, not ready, no database, no lock held or asked for.
  const started = await frame.evaluate(async () => ({
    role: document.body.dataset.role ?? null,
    ready: document.body.dataset.ready ?? null,
    databases: (await indexedDB.databases()).map((d) => d.name),
  }));
  assert.deepEqual(started, { role: null, ready: null, databases: [] });
  assert.deepEqual(await locks(frame), { held: [], pending: [] });

  // The analyst's own tab on the same host (same storage, same locks) is the writer and can tag.
  const analyst = await openApp(env.browser, plain.url, { context });
  assert.equal(await analyst.page.getAttribute('body', 'data-role'), 'writer');
  assert.equal(await analyst.page.isVisible('#read-only'), false);
  await openSecondArticle(analyst.page);
  await tag(analyst.page, 'Vladimir Putin', '1');
  await saved(analyst.page);
  assert.deepEqual(await annotationList(analyst.page), ['PERSON Vladimir Putin']);
  assert.deepEqual(await locks(analyst.page), { held: ['spanmark-writer'], pending: [] });

  // Clicks through the attacker's page still change nothing.
  await page.mouse.click(bait.x + bait.width / 2, bait.y + bait.height / 2);
  await page.waitForTimeout(300);
  assert.deepEqual(await annotationList(analyst.page), ['PERSON Vladimir Putin']);
  assert.equal(await frame.getAttribute('body', 'data-role'), null);

  await page.close();
  assert.deepEqual(errors, [], 'the framing page (and the app in its frame) logged errors');
  await analyst.done();
  await context.close();
  await attacker.close();
  plain.close();
});
