// make bench: suggestions over a corpus (issue "Suggestions and annotate-all at corpus
// scale"), in the page: the GUM news corpus (24 Wikinews articles with their named
// entities) and the generated corpus of the core's suggestions example (1,000 documents,
// about 5 MB, with a 10,000-entry gazetteer). Targets: every suggestion of 5 MB computed
// in under 300 ms in wasm, and no frame over 50 ms while they are drawn.

import path from 'node:path';
import { suggestCorpus } from '../generate.mjs';
import { ROOT, installFrameWatch, ms, openSpanmark, pct } from '../lib.mjs';

export const title = 'Suggestions over a corpus';

// The GUM news subset's named entities as JSONL (tests/data/gum-news; BENCH_GUM names another copy).
const GUM = process.env.BENCH_GUM ?? path.join(ROOT, 'tests/data/gum-news/gum_news_named.jsonl');
const ACCEPTS = 1000;
// Documents opened one after another to watch the frames while their suggestions are drawn.
const DRAWN_DOCS = 20;
const TARGET_COMPUTE_MS = 300;
const TARGET_FRAME_MS = 50;

/**
 * In the page: every suggestion of every imported document (`state.core.suggestions`, the
 * binding the shell calls), twice: the first time the core builds its suggester (the
 * corpus's tagged strings, the gazetteer, the patterns), the second it has it.
 */
function computeAll(ids) {
  return import('./state.js').then(({ state }) => {
    const once = (name) => {
      performance.mark(`${name}:start`);
      let count = 0;
      for (const id of ids) count += state.core.suggestions(id).length;
      return { ms: performance.measure(name, `${name}:start`).duration, count };
    };
    return { cold: once('bench:suggest-corpus:cold'), warm: once('bench:suggest-corpus:warm') };
  });
}

/**
 * In the page: opens `ids` one after another through the shell, each until its
 * suggestions are drawn (the count beside the toggle names it), watching every frame.
 * Returns the longest frame and the shell's own 'spanmark:suggest' measures.
 */
async function drawEach(ids) {
  const { openDocument } = await import('./documents.js');
  window.benchFrames.start();
  performance.clearMeasures('spanmark:suggest');
  const count = document.getElementById('suggest-count');
  for (const id of ids) {
    await openDocument(id);
    const t0 = performance.now();
    while (count.dataset.docId !== id) {
      if (performance.now() - t0 > 30_000) throw new Error(`the suggestions of ${id} were not drawn within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  }
  const longestFrameMs = window.benchFrames.stop();
  const computed = performance.getEntriesByName('spanmark:suggest').map((e) => e.duration);
  return { longestFrameMs, suggestMaxMs: Math.max(...computed), documents: ids.length };
}

/**
 * In the page: accepts `count` suggestions by keyboard, N (the next one) then Y (accept),
 * each from the key to the next paint, opening the next document when one has none
 * left; the frames meanwhile are watched. Returns the times and the longest frame.
 */
async function acceptByKeyboard([ids, count]) {
  const { openDocument } = await import('./documents.js');
  const { state } = await import('./state.js');
  const painted = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
  const key = (k) => document.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
  window.benchFrames.start();
  const annotations = () => ids.reduce((n, id) => n + state.core.annotationCount(id), 0);
  const before = annotations();
  const times = [];
  const status = document.getElementById('status');
  let doc = 0;
  let switching = 0;
  const refused = new Set();
  while (times.length < count && doc < ids.length) {
    if (state.openDocId !== ids[doc]) {
      const t = performance.now();
      await openDocument(ids[doc]);
      await painted();
      switching += performance.now() - t;
    }
    const t0 = performance.now();
    key('n');
    if (/^No suggestions in this document/.test(status.textContent)) {
      doc++;
      continue;
    }
    key('y');
    // A pattern's suggestion whose label the schema lacks (URL, say) is offered but cannot
    // be accepted: X rejects it, so that N does not come back to it, and it is counted apart.
    if (/^Not accepted: the schema has no label/.test(status.textContent)) {
      refused.add(/label "(.*)"/.exec(status.textContent)[1]);
      key('x');
      await painted();
      continue;
    }
    await painted();
    times.push(performance.now() - t0);
    if (!/^Accepted /.test(status.textContent)) throw new Error(`Y did not accept: ${status.textContent}`);
  }
  const longestFrameMs = window.benchFrames.stop();
  const added = annotations() - before;
  if (added !== times.length) throw new Error(`${times.length} accepted, but ${added} annotations added`);
  return { times, totalMs: times.reduce((a, b) => a + b, 0), documents: Math.min(doc + 1, ids.length), switchingMs: switching, refusedLabels: [...refused], longestFrameMs };
}

/** One corpus: import it (and the gazetteer), compute, draw, accept. */
async function measure(browser, url, { name, file, gazetteer = null }) {
  const { context, page, check } = await openSpanmark(browser, url, file, { docId: null });
  // The imported documents come after those of the workspace the page starts with.
  const imported = Number(await page.evaluate(() => /Imported .*?: (\d+) document/.exec(document.getElementById('status').textContent)?.[1] ?? 0));
  const docIds = (await page.evaluate(async () => (await import('./state.js')).state.core.documents().map((d) => d.id))).slice(-imported);
  if (!imported) throw new Error(`${name}: nothing imported`);
  await page.evaluate(installFrameWatch);
  const bytes = await page.evaluate(async (docIds) => {
    const { state } = await import('./state.js');
    return docIds.reduce((n, id) => n + new TextEncoder().encode(state.core.documentText(id)).length, 0);
  }, docIds);
  let entries = null;
  if (gazetteer) {
    await page.setInputFiles('#gazetteer-input', gazetteer);
    await page.waitForFunction(() => /^Loaded the gazetteer/.test(document.getElementById('status').textContent), null, { timeout: 120_000 });
    entries = Number(await page.evaluate(() => /: ([\d,]+) entr/.exec(document.getElementById('status').textContent)[1].replaceAll(',', '')));
  }
  await page.waitForSelector('#save-status[data-state="saved"]', { timeout: 180_000 });
  const compute = await page.evaluate(computeAll, docIds);
  const drawn = await page.evaluate(drawEach, docIds.slice(0, DRAWN_DOCS));
  const accepted = await page.evaluate(acceptByKeyboard, [docIds, ACCEPTS]);
  await context.close();
  check();
  return {
    name,
    documents: docIds.length,
    bytes,
    gazetteerEntries: entries,
    compute,
    drawn,
    accept: { count: accepted.times.length, totalMs: accepted.totalMs, p50: pct(accepted.times, 50), p95: pct(accepted.times, 95), max: Math.max(...accepted.times), documents: accepted.documents, refusedLabels: accepted.refusedLabels, longestFrameMs: accepted.longestFrameMs },
  };
}

export async function run(browser, url) {
  const generated = suggestCorpus();
  return {
    corpora: [
      await measure(browser, url, { name: 'GUM news', file: GUM }),
      await measure(browser, url, { name: `generated, ${generated.documents.toLocaleString('en')} documents`, file: generated.corpus, gazetteer: generated.gazetteer }),
    ],
  };
}

export function markdown(r) {
  const mb = (b) => `${(b / 1e6).toFixed(2)} MB`;
  const mark = (v, target) => `${ms(v)} ${v <= target ? '✓' : '✗'}`;
  const lines = [`**${title}** (in the page; targets: all suggestions of 5 MB in under ${TARGET_COMPUTE_MS} ms in wasm, no frame over ${TARGET_FRAME_MS} ms while they are drawn):`, '',
    '| corpus | documents | text | gazetteer | suggestions | all computed (suggester built / already built) | longest frame opening documents, suggestions drawn | 1 accept, N then Y → paint p50 / p95 | accepted | their total | longest frame accepting (with opening the next document) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
  for (const c of r.corpora) {
    lines.push(`| ${c.name} | ${c.documents.toLocaleString('en')} | ${mb(c.bytes)} | ${c.gazetteerEntries ? `${c.gazetteerEntries.toLocaleString('en')} entries` : '–'} | ${c.compute.cold.count.toLocaleString('en')} | ` +
      `${ms(c.compute.cold.ms)} / ${ms(c.compute.warm.ms)} (target ${TARGET_COMPUTE_MS} ms for 5 MB) | ${mark(c.drawn.longestFrameMs, TARGET_FRAME_MS)} (${c.drawn.documents} documents; the shell's compute ≤ ${ms(c.drawn.suggestMaxMs)}) | ` +
      `${ms(c.accept.p50)} / ${ms(c.accept.p95)} | ${c.accept.count.toLocaleString('en')} in ${c.accept.documents} documents | ${ms(c.accept.totalMs)} | ${mark(c.accept.longestFrameMs, TARGET_FRAME_MS)} |`);
  }
  lines.push('', 'All computed: `suggestions(docId)` of the binding, the call the shell makes, for every imported document in turn; the first pass builds the suggester (the corpus’s tagged strings, the gazetteer, the patterns), the second finds it built. ' +
    'Opening: each document through the shell until its suggestions are drawn (the shell’s own measure is `spanmark:suggest`). ' +
    'Accepting: N then Y as key events, the keyboard’s path, each from the keys to the next paint; each accept changes the workspace, so the next N computes the document’s suggestions again. The GUM corpus has fewer than 1,000 suggestions: all of them are accepted. ' +
    'Suggestions of a label the schema lacks cannot be accepted (the page says so): they are rejected with X and not counted' +
    `${r.corpora.some((c) => c.accept.refusedLabels.length) ? ` (${[...new Set(r.corpora.flatMap((c) => c.accept.refusedLabels))].join(', ')})` : ''}.`);
  return lines.join('\n');
}
