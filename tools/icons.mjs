// Renders the app's PNG icons from their SVG sources in www/icons/ with Debian's Chromium
// (playwright-core), for the web app manifest: `node tools/icons.mjs`. The PNGs are committed.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ICONS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'www', 'icons');
const RENDERS = [
  ['icon.svg', 'icon-192.png', 192],
  ['icon.svg', 'icon-512.png', 512],
  ['maskable.svg', 'maskable-512.png', 512],
];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu'] });
try {
  for (const [source, out, size] of RENDERS) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const svg = readFileSync(path.join(ICONS, source), 'base64');
    await page.setContent(`<style>html,body{margin:0;background:transparent}img{display:block;width:${size}px;height:${size}px}</style><img src="data:image/svg+xml;base64,${svg}">`);
    await page.waitForFunction(() => document.querySelector('img').complete);
    await page.screenshot({ path: path.join(ICONS, out), omitBackground: true });
    await page.close();
    console.log(`www/icons/${out}: ${size} × ${size}`);
  }
} finally {
  await browser.close();
}
