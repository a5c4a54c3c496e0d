// Times the import of a large plain-text file through the real page: from choosing the
// file (the `spanmark:load:start` mark) to the opened document painted (`spanmark:opened`).
// Usage: node bench/import-text.mjs [www-dir] [runs]. Writes nothing; prints the times.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { freePort } from '../tests/e2e/harness.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const www = path.resolve(process.argv[2] ?? path.join(ROOT, 'www'));
const runs = Number(process.argv[3] ?? 5);
const BYTES = 10 * 1024 * 1024 - 4096;

/** A news-like text of about `bytes` bytes, with accents, Hangul, Cyrillic and emoji. */
function article(bytes) {
  const words = ['Kim', 'Jong-un', 'met', 'Vladimir', 'Putin', 'at', 'the', 'Vostochny', 'Cosmodrome', 'on', 'Wednesday,', 'Sergei', 'Shoigu',
    'said.', 'Pyongyang', '김정은', 'Путин', 'café', '👋', 'Russia’s', '“defence”', 'deal.'];
  const lines = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = Array.from({ length: 40 }, (_, k) => words[(i * 7 + k * 3) % words.length]).join(' ');
    lines.push(line);
    size += Buffer.byteLength(line) + 2;
  }
  return Buffer.from(lines.join('\n\n')).subarray(0, bytes);
}

const port = await freePort();
const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', www], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 800));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu'] });
const text = article(BYTES);
const times = [];
const reads = [];
try {
  for (let run = 0; run < runs; run++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForSelector('body[data-ready="true"]');
    const before = await page.evaluate(() => document.body.dataset.openedDoc ?? '');
    await page.setInputFiles('#import-input', { name: 'big.txt', mimeType: 'text/plain', buffer: text });
    await page.waitForFunction((b) => document.body.dataset.openedDoc && document.body.dataset.openedDoc !== b, before, { timeout: 120_000 });
    const [ms, read] = await page.evaluate(() => {
      const [m] = performance.getEntriesByName('spanmark:load:start');
      const [s] = performance.getEntriesByName('spanmark:open:start').slice(-1);
      const [o] = performance.getEntriesByName('spanmark:opened').slice(-1);
      return [o.startTime - m.startTime, s.startTime - m.startTime];
    });
    times.push(ms);
    reads.push(read);
    await context.close();
  }
} finally {
  await browser.close();
  server.kill();
}
const summary = (list) => {
  list.sort((a, b) => a - b);
  return `median ${list[list.length >> 1].toFixed(0)} ms (min ${list[0].toFixed(0)}, max ${list[list.length - 1].toFixed(0)})`;
};
console.log(`${www}: ${(text.length / 1048576).toFixed(2)} MiB text file over ${runs} runs`);
console.log(`  choose → document added (read, checked, indexed): ${summary(reads)}`);
console.log(`  choose → opened and painted: ${summary(times)}`);
