// Hostile and broken input: nothing runs, nothing is misread, and a refused file changes nothing.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { suite, openApp, exportJson, saved } from './harness.mjs';

const env = suite();

let dir;
before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'spanmark-hostile-'));
});

function file(name, content) {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

const noScriptRan = (page) => page.evaluate(() => [window.__pwned, window.__inline, document.querySelectorAll('#doc *:not(.chunk):not(.block):not(mark)').length]);
const documentCount = (page) => page.$$eval('.document-button', (bs) => bs.length);

test('an HTML page imports as its visible text only; its scripts, handlers and links never run', async () => {
  const html = `<!doctype html><html><head><title>Leaked memo</title>
    <script>window.__pwned = 'script'</script><style>p { color: red }</style></head>
    <body onload="window.__pwned = 'onload'">
    <h1>Leaked memo</h1>
    <p>Kim met <b>Putin</b> at <a href="javascript:window.__pwned='link'">Vostochny</a>.</p>
    <img src="x" onerror="window.__pwned = 'img'">
    <!-- a comment that must not show -->
    <iframe srcdoc="<script>parent.__pwned='iframe'</script>"></iframe>
    <ul><li>Shoigu</li><li>Peskov</li></ul></body></html>`;
  // Chrome checks the page's Content-Security-Policy even while DOMParser parses the
  // imported page inertly, and reports the page's own inline handlers and styles as
  // refused. Those reports are expected here; nothing could run in any case (DOMParser
  // documents have no browsing context, and nothing of them is inserted into the page).
  const app = await openApp(env.browser, env.server.url, {
    allowed: [/Executing inline event handler violates/, /Applying inline style violates/],
  });
  const { page } = app;
  await page.setInputFiles('#import-input', file('memo.html', html));
  await page.waitForSelector('#doc .block.title');
  const shown = await page.$$eval('#doc .block', (els) => els.map((e) => e.textContent).join('\n'));
  assert.equal(shown, 'Leaked memo\n\nKim met Putin at Vostochny.\n\nShoigu\n\nPeskov');
  assert.deepEqual(await noScriptRan(page), [undefined, undefined, 0]);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await app.done();
});

test('markup, javascript: URLs, comments and bidi controls in a text file stay literal text and export unchanged', async () => {
  const text =
    'Report <img src=x onerror="window.__pwned=1"> <a href="javascript:window.__pwned=2">click</a> <!-- hidden? -->\n' +
    'Invoice for \u202Egnp.exe\u202C and user\u2066admin\u2069 done.';
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await page.setInputFiles('#import-input', file('hostile.txt', text));
  await page.waitForSelector('#doc .block.title');
  const shown = await page.$$eval('#doc .block', (els) => els.map((e) => e.textContent).join('\n'));
  assert.equal(shown, text);
  assert.deepEqual(await noScriptRan(page), [undefined, undefined, 0]);
  // The bidi controls are announced, and each line is isolated so they cannot spread.
  assert.match(await page.textContent('#message'), /4 bidirectional control character\(s\)/);
  assert.equal(await page.$eval('#doc .block', (el) => getComputedStyle(el).unicodeBidi), 'isolate');
  const { json } = await exportJson(page);
  assert.equal(json.documents[0].text, text);
  await app.done();
});

test('the Content-Security-Policy blocks an injected inline script', async () => {
  const app = await openApp(env.browser, env.server.url, { allowed: [/Content Security Policy/] });
  const { page } = app;
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inline = 1';
    document.body.append(s);
  });
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate(() => window.__inline), undefined);
  await app.done();
});

test('binary files, other encodings and oversized files are refused with a clear message, changing nothing', async () => {
  const app = await openApp(env.browser, env.server.url);
  const { page } = app;
  await saved(page);
  const before = await documentCount(page);
  const cases = [
    ['photo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]), /photo\.png is not UTF-8 text|photo\.png looks like binary data/],
    ['nul.txt', Buffer.from('text with a \u0000 NUL', 'utf8'), /nul\.txt looks like binary data, not text/],
    ['latin1.txt', Buffer.from('Gar\xe7on \xe0 Pyongyang', 'latin1'), /latin1\.txt is not UTF-8 text\. Save it as UTF-8/],
    ['huge.txt', Buffer.alloc(20 * 1024 * 1024, 'a'), /huge\.txt is 20\.0 MB; Spanmark opens documents up to 10\.0 MB/],
    ['trap.json', Buffer.from('{"format": "spanmark", "version": 1, "offsetUnit": "codepoint", "documents": [{"id": "x", "name": "x", "text": 12}]}'), /trap\.json: the file is not a valid Spanmark JSON file: invalid type: integer `12`, expected a string/],
  ];
  for (const [name, bytes, message] of cases) {
    await page.setInputFiles('#import-input', file(name, bytes));
    await page.waitForSelector('#message:not([hidden])');
    assert.match(await page.textContent('#message'), message, name);
    assert.match(await page.textContent('#message'), /Nothing from this file was imported/);
    assert.equal(await documentCount(page), before, `${name} changed nothing`);
    await page.click('#message-close');
  }
  assert.equal(await page.isDisabled('#undo'), true, 'no refused file left a history step');
  await app.done();
});
