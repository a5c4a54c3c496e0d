// `make bench`: drives the real Spanmark page, two floors and @recogito/text-annotator in
// headless Chromium on the same generated article, and writes results/latest.{json,md}
// and results/chart.svg. Timings are medians with min and max over BENCH_RUNS runs.
//
// The floors open the plain article with no annotation tool. The fair floor
// (pages/fair-floor.html) lays it out as Spanmark's view does: its stylesheet, one block
// per line in chunks of 8 with content-visibility, so "÷ fair floor" is what annotating
// costs. The plain floor (pages/floor.html) lays out every paragraph, as a page without
// content-visibility would: a second reference.

import { readFileSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { generate, SIZES } from './generate.mjs';
import { ARGS, log, serveRoot, summary, pct, ms, range, times, mb, spanmarkRun, floorRun, recogitoRun } from './lib.mjs';
import { SCENARIOS } from './scenarios/index.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');

const RESULTS = path.join(HERE, 'results');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function aggregate(runs) {
  const pick = (k) => runs.map((r) => r[k]).filter((v) => v !== null && v !== undefined);
  const out = {};
  for (const k of ['openMs', 'importMs', 'saveMs', 'exportMs', 'longestFrameMs', 'jsHeapBytes', 'wasmBytes']) {
    const s = summary(pick(k));
    if (s) out[k] = s;
  }
  for (const k of ['add', 'remove', 'handler']) {
    const all = runs.flatMap((r) => r[k] ?? []);
    if (all.length) out[k] = { p50: pct(all, 50), p95: pct(all, 95), max: Math.max(...all), samples: all.length };
  }
  return out;
}

/** The ratios of medians for `n` annotations: Spanmark's open against each floor, Recogito's against Spanmark's. */
function ratios(r, n) {
  const open = (x) => x?.openMs?.median ?? null;
  const over = (a, b) => (a === null || b === null ? null : a / b);
  return {
    spanmarkOverFairFloor: over(open(r.spanmark[n]), open(r.fairFloor)),
    spanmarkOverPlainFloor: over(open(r.spanmark[n]), open(r.plainFloor)),
    recogitoOverSpanmark: over(open(r.recogito[n]), open(r.spanmark[n])),
  };
}

function markdown(r) {
  const lines = [];
  lines.push(`Benchmark of ${r.date.slice(0, 10)} on ${r.machine.cpus} × ${r.machine.cpu}, headless ${r.machine.browser}; ` +
    `1 MB article (${r.article.bytes.toLocaleString('en')} bytes, ${r.article.tokens.toLocaleString('en')} words), ${r.runs} runs each; median (min–max). ` +
    `wasm: ${(r.wasm.rawBytes / 1024).toFixed(0)} KiB raw, ${(r.wasm.gzipBytes / 1024).toFixed(0)} KiB gzipped.`);
  lines.push('');
  lines.push('| annotations | fair floor: open | plain floor: open | Spanmark: open with highlights | Spanmark ÷ fair floor | Spanmark ÷ plain floor | Recogito: open | Recogito ÷ Spanmark |');
  lines.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const n of SIZES) {
    const s = r.spanmark[n];
    const p = r.recogito[n];
    const q = r.ratios[n];
    lines.push(`| ${n.toLocaleString('en')} | ${range(r.fairFloor.openMs)} | ${range(r.plainFloor.openMs)} | ${range(s.openMs)} | ${times(q.spanmarkOverFairFloor, 2)} | ${times(q.spanmarkOverPlainFloor, 2)} | ${range(p?.openMs)} | ${times(q.recogitoOverSpanmark, 1)} |`);
  }
  lines.push('');
  lines.push('| annotations | tool | add → paint p50 / p95 | remove → paint p50 / p95 | longest scroll frame | export | import | saved to IndexedDB | JS heap + wasm |');
  lines.push('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const n of SIZES) {
    for (const [name, x] of [['Spanmark', r.spanmark[n]], ['Recogito', r.recogito[n]]]) {
      if (!x) continue;
      const heap = x.jsHeapBytes ? x.jsHeapBytes.median + (x.wasmBytes?.median ?? 0) : null;
      lines.push(`| ${n.toLocaleString('en')} | ${name} | ${ms(x.add?.p50)} / ${ms(x.add?.p95)} | ${ms(x.remove?.p50)} / ${ms(x.remove?.p95)} | ${range(x.longestFrameMs)} | ${range(x.exportMs)} | ${range(x.importMs)} | ${range(x.saveMs)} | ${mb(heap)} |`);
    }
  }
  for (const [name, x] of [['fair floor', r.fairFloor], ['plain floor', r.plainFloor]]) {
    lines.push(`| – | ${name} | – | – | ${range(x.longestFrameMs)} | – | – | – | ${mb(x.jsHeapBytes?.median)} |`);
  }
  lines.push('');
  lines.push('Open: from choosing the file to the first paint with highlights (the floors: with the text, no highlights). ' +
    'Fair floor: the article laid out as Spanmark lays it out (its stylesheet, a block per line, chunks of 8 blocks with content-visibility), with no annotation tool, so Spanmark ÷ fair floor is what annotating costs; ' +
    'plain floor: the article as plain paragraphs, every one laid out. Add/remove: from the key event to the next paint. ' +
    'Export: canonical JSON for Spanmark (all documents, with quotes), W3C JSON for Recogito (its serializer without the container: quote and position selectors, no prefix/suffix). Import: Spanmark’s canonical JSON parse and check. ' +
    'Saved: from choosing the file until every annotation is committed to IndexedDB.');
  return lines.join('\n');
}

function chart(r) {
  // Grouped bars, log scale: time to open per annotation count.
  const W = 800;
  const H = 360;
  const left = 70;
  const bottom = 300;
  const top = 40;
  const series = [
    ['plain floor', '#c3cbd3', () => r.plainFloor.openMs.median],
    ['fair floor', '#7d8995', () => r.fairFloor.openMs.median],
    ['Spanmark', '#2f6b43', (n) => r.spanmark[n].openMs.median],
    ['@recogito/text-annotator', '#b3261e', (n) => r.recogito[n]?.openMs.median],
  ];
  const all = SIZES.flatMap((n) => series.map(([, , f]) => f(n)).filter(Boolean));
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...all))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...all))));
  const y = (v) => bottom - ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (bottom - top);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">Time to open a 1 MB article with highlights (log scale, median)</text>`];
  for (let v = lo; v <= hi; v *= 10) {
    parts.push(`<line x1="${left}" x2="${W - 10}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${ms(v)}</text>`);
  }
  const groupW = (W - left - 20) / SIZES.length;
  SIZES.forEach((n, g) => {
    series.forEach(([, color, f], k) => {
      const v = f(n);
      if (!v) return;
      const x = left + g * groupW + 20 + k * ((groupW - 40) / series.length);
      const bw = (groupW - 40) / series.length - 6;
      parts.push(`<rect x="${x}" y="${y(v)}" width="${bw}" height="${bottom - y(v)}" fill="${color}"/><text x="${x + bw / 2}" y="${y(v) - 4}" text-anchor="middle" font-size="11">${ms(v)}</text>`);
    });
    parts.push(`<text x="${left + g * groupW + groupW / 2}" y="${bottom + 18}" text-anchor="middle">${n.toLocaleString('en')} annotations</text>`);
  });
  series.forEach(([name, color], k) => {
    parts.push(`<rect x="${left + k * 170}" y="${H - 24}" width="12" height="12" fill="${color}"/><text x="${left + k * 170 + 18}" y="${H - 14}">${name}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * BENCH_QUICK=spanmark:100000 (tool:size,...) runs just that and only logs: for working on one
 * number. Tools: spanmark, recogito (with a size), floor (the fair floor), plain-floor.
 */
async function quick(spec) {
  generate();
  const server = await serveRoot();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
  try {
    for (const item of spec.split(',')) {
      const [tool, n] = item.split(':');
      const run =
        tool === 'floor' || tool === 'fair-floor' ? await floorRun(browser, server.url, 'fair')
        : tool === 'plain-floor' ? await floorRun(browser, server.url, 'plain')
        : tool === 'recogito' ? await recogitoRun(browser, server.url, Number(n))
        : SCENARIOS[tool] ? await SCENARIOS[tool].run(browser, server.url)
        : await spanmarkRun(browser, server.url, Number(n));
      if (SCENARIOS[tool]) {
        log(item, JSON.stringify(run));
        log(SCENARIOS[tool].markdown(run));
        continue;
      }
      const agg = aggregate([run]);
      log(item, JSON.stringify(Object.fromEntries(Object.entries(agg).map(([k, v]) => [k, v.median ?? v]))));
    }
  } finally {
    await browser.close();
    server.close();
  }
}

/**
 * Runs `fn`, giving up after three minutes and trying again (at most three times): a run
 * that waits on a frame that never comes (seen once in a full run, never alone) does not
 * stall the benchmark.
 */
async function attempt(what, fn) {
  for (let i = 1; ; i++) {
    let timer;
    try {
      return await Promise.race([fn(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('no result after 3 minutes')), 180_000)))]);
    } catch (err) {
      if (i === 3) throw new Error(`${what}: ${err.message}, three times`);
      log(`${what}: ${err.message}; once more`);
    } finally {
      clearTimeout(timer);
    }
  }
}

async function main() {
  if (process.env.BENCH_QUICK) return quick(process.env.BENCH_QUICK);
  log('generating the article and annotations…');
  const article = generate();
  mkdirSync(RESULTS, { recursive: true });
  const server = await serveRoot();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
  const wasm = readFileSync(path.join(ROOT, 'pkg/spanmark_bg.wasm'));
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model?.trim() ?? 'unknown', memoryBytes: os.totalmem(), browser: `Chromium ${browser.version()}` },
    article,
    runs: RUNS,
    wasm: { rawBytes: statSync(path.join(ROOT, 'pkg/spanmark_bg.wasm')).size, gzipBytes: gzipSync(wasm, { level: 9 }).length },
    fairFloor: null,
    plainFloor: null,
    spanmark: {},
    recogito: {},
    ratios: {},
    scenarios: {},
  };
  try {
    for (const kind of ['fair', 'plain']) {
      const floorRuns = [];
      for (let i = 0; i < RUNS; i++) floorRuns.push(await attempt(`${kind} floor`, () => floorRun(browser, server.url, kind)));
      results[`${kind}Floor`] = aggregate(floorRuns);
      log(`${kind} floor: open ${ms(results[`${kind}Floor`].openMs.median)}, frame ${ms(results[`${kind}Floor`].longestFrameMs.median)}`);
    }
    for (const n of SIZES) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await attempt(`spanmark ${n}`, () => spanmarkRun(browser, server.url, n)));
      results.spanmark[n] = aggregate(runs);
      log(`spanmark ${n}: open ${ms(results.spanmark[n].openMs.median)}, add p95 ${ms(results.spanmark[n].add.p95)}, remove p95 ${ms(results.spanmark[n].remove.p95)}, frame ${ms(results.spanmark[n].longestFrameMs.median)}`);
      const peer = [];
      for (let i = 0; i < RUNS; i++) peer.push(await attempt(`recogito ${n}`, () => recogitoRun(browser, server.url, n)));
      results.recogito[n] = aggregate(peer);
      log(`recogito ${n}: open ${ms(results.recogito[n].openMs.median)}, add p95 ${ms(results.recogito[n].add.p95)}, frame ${ms(results.recogito[n].longestFrameMs.median)}`);
      results.ratios[n] = ratios(results, n);
    }
    // The scenarios of the other issues (bench/scenarios/): one run each, after the sizes.
    for (const [name, scenario] of Object.entries(SCENARIOS)) {
      log(`${name}…`);
      results.scenarios[name] = await scenario.run(browser, server.url);
    }
  } finally {
    await browser.close();
    server.close();
  }
  writeFileSync(path.join(RESULTS, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  const table = [markdown(results), ...Object.entries(SCENARIOS).map(([name, s]) => s.markdown(results.scenarios[name]))].join('\n\n');
  writeFileSync(path.join(RESULTS, 'latest.md'), `${table}\n`);
  writeFileSync(path.join(RESULTS, 'chart.svg'), chart(results));
  // The README shows the latest table between its markers.
  const readmePath = path.join(ROOT, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const updated = readme.replace(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/, `<!-- bench:start -->\n${table}\n\n![Time to open](bench/results/chart.svg)\n<!-- bench:end -->`);
  writeFileSync(readmePath, updated);
  log(`\n${table}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
