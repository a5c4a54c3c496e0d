// make bench: team sync on localhost (issue "Team sync"): the initial sync of the article
// with N annotations to a fresh client, and the delay from an edit in one browser context to
// its paint in another. Targets: initial sync of 100,000 annotations under 3 s, edit →
// remote paint p95 under 100 ms.
//
// The scenario starts its own sync server (sync/child.mjs: a temporary data folder, a free
// port, a secret of its own) and stops it however the run ends. For each size, context A
// (Ada) imports bench/data/spanmark-N.json and shares it through the real Share… dialog; once
// the server holds all of A's record (its state vector, read from a bare WebSocket to the
// room, covers A's), a fresh context B (Bea: its own storage, the demo articles a first visit
// gets) shares the same room and opens the article as soon as its document list has it.
// Then EDITS annotations are added in A by selection + hotkey, each timed
// from the key event in A to the next paint in B of a highlight holding the new annotation.
// Both pages stamp times as performance.timeOrigin + performance.now(): one machine, one clock.

import crypto from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { DATA, SIZES } from '../generate.mjs';
import { EDITS, log, mb, ms as f, pct } from '../lib.mjs';
import { startSyncServer } from '../../sync/child.mjs';

export const title = 'Team sync';
export const TARGETS = { initialSyncMs: 3000, editP95Ms: 100 };
/** The size the targets are about. */
const EDITS_ON = 100000;
// BENCH_TEAM_SIZES=100000 (comma-separated) limits the sizes, for working on one number.
const TEAM_SIZES = process.env.BENCH_TEAM_SIZES ? process.env.BENCH_TEAM_SIZES.split(',').map(Number) : SIZES;
const LONG = 300_000;

/**
 * In each page before its scripts: a trace of the WebSocket (open, every message sent and
 * received with its size and y-websocket kind, e.g. "0.1" = sync step 2) in
 * window.benchSync, times as performance.timeOrigin + performance.now().
 */
function traceSocket() {
  const at = () => performance.timeOrigin + performance.now();
  const trace = (window.benchSync = { opens: [], sends: [], messages: [], receives: [], marks: {} });
  const kind = (data) => {
    const b = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
    return `${b[0]}.${b[1]}`;
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('open', () => trace.opens.push(at()));
      this.addEventListener('message', (e) => trace.messages.push({ at: at(), bytes: e.data.byteLength, kind: kind(e.data) }));
    }

    send(data) {
      trace.sends.push({ at: at(), bytes: data.byteLength, kind: kind(data) });
      return super.send(data);
    }
  };
}

/**
 * In the page once it is ready: times the core's sync calls (shareStart, syncReceive) into
 * window.benchSync.receives, and stamps when the sync status changes and when the share
 * form is submitted; `autoOpen` opens that document the moment the page says Online.
 */
async function traceCore(autoOpen) {
  const { state } = await import('./state.js');
  const at = () => performance.timeOrigin + performance.now();
  const trace = window.benchSync;
  for (const name of ['shareStart', 'syncReceive']) {
    const own = state.core[name];
    state.core[name] = function (...args) {
      const start = at();
      try {
        return own.apply(this, args);
      } finally {
        trace.receives.push({ name, at: start, ms: at() - start, bytes: args[0]?.byteLength ?? 0 });
      }
    };
  }
  document.querySelector('#share-dialog form').addEventListener('submit', () => (trace.marks.submit ??= at()), { capture: true });
  new MutationObserver(() => {
    const status = document.body.dataset.sync;
    trace.marks[status] ??= at();
    if (status === 'online' && autoOpen && !trace.marks.click) {
      const button = document.querySelector(`.document-button[data-doc-id="${autoOpen}"]`);
      if (!button) return;
      trace.marks.click = at();
      button.click();
    }
  }).observe(document.body, { attributes: true, attributeFilter: ['data-sync'] });
}

/** A state vector from a y-websocket sync step 1 message: Map client → clock. */
function stateVector(bytes) {
  let pos = 0;
  const uint = () => {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[pos++];
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
  };
  if (uint() !== 0 || uint() !== 0) return null;
  uint(); // the payload's length
  const sv = new Map();
  for (let n = uint(); n > 0; n--) sv.set(uint(), uint());
  return sv;
}

/** The server's state vector for `room`: the sync step 1 it sends a new peer first. */
function serverStateVector(server, room) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url}/${room}?token=${server.token(room)}`);
    ws.binaryType = 'arraybuffer';
    ws.on('message', (data) => {
      const sv = stateVector(new Uint8Array(data));
      if (!sv) return;
      ws.close();
      resolve(sv);
    });
    ws.on('error', reject);
  });
}

/** Waits until the server's record of `room` covers the record of `page` (its state vector). */
async function serverHolds(server, room, page) {
  const own = stateVector(new Uint8Array(await page.evaluate(async () => {
    const { state } = await import('./state.js');
    return [...state.core.syncStart()];
  })));
  const deadline = Date.now() + LONG;
  for (;;) {
    const held = await serverStateVector(server, room);
    if ([...own].every(([client, clock]) => (held.get(client) ?? 0) >= clock)) return;
    if (Date.now() > deadline) throw new Error(`the sync server did not get all of room ${room}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function openAnalyst(browser, url, contexts, errors, { autoOpen = null } = {}) {
  // Separate contexts: separate storage (IndexedDB, localStorage), as two browsers.
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, serviceWorkers: 'block' });
  contexts.push(context);
  await context.addInitScript(traceSocket);
  const page = await context.newPage();
  page.setDefaultTimeout(LONG);
  page.on('pageerror', (e) => errors.push(e.message));
  await page.bringToFront();
  await page.goto(`${url}www/index.html`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForSelector('#save-status[data-state="saved"]');
  await page.evaluate(traceCore, autoOpen);
  return { context, page };
}

/** Shares the workspace through the Share… dialog, as an analyst does. */
async function share(page, server, room, name) {
  await page.getByRole('button', { name: 'Share…' }).click();
  const dialog = page.locator('#share-dialog');
  await dialog.locator('input[name="server"]').fill(server.url);
  await dialog.locator('input[name="room"]').fill(room);
  await dialog.locator('input[name="token"]').fill(server.token(room));
  await dialog.locator('input[name="name"]').fill(name);
  await dialog.getByRole('button', { name: 'Share', exact: true }).click();
}

const trace = (page) => page.evaluate(() => window.benchSync);
const receive = (t, kind) => t.receives.find((r) => r.name === 'syncReceive' && r.at >= kind.at) ?? null;

/** One size: A imports and shares (to the server holding all of it), B joins and opens. */
async function initialSync(browser, url, server, n, contexts, errors) {
  const room = `bench-${n}`;
  const a = await openAnalyst(browser, url, contexts, errors);
  await a.page.setInputFiles('#import-input', path.join(DATA, `spanmark-${n}.json`));
  await a.page.waitForSelector('body[data-opened-doc="bench"]');
  await a.page.waitForSelector('#save-status[data-state="saved"]');
  await share(a.page, server, room, 'Ada');
  await a.page.waitForSelector('body[data-sync="online"]');
  await serverHolds(server, room, a.page);
  // Wall clock, as the pages' timeOrigin + now() are (to the 50 ms the polling takes).
  const holdsAt = Date.now();
  const ta = await trace(a.page);
  const aShare = ta.receives.find((r) => r.name === 'shareStart');
  // A's answer to the server's step 1 is its whole record (sync step 2, "0.1").
  const aStep2 = ta.sends.filter((s) => s.kind === '0.1').sort((x, y) => y.bytes - x.bytes)[0];
  await a.page.waitForSelector('#save-status[data-state="saved"]');

  const b = await openAnalyst(browser, url, contexts, errors, { autoOpen: 'bench' });
  await share(b.page, server, room, 'Bea');
  await b.page.waitForSelector('body[data-opened-doc="bench"]');
  const { count, openMs, openedAt } = await b.page.evaluate(async () => {
    const { state } = await import('./state.js');
    const last = (name) => performance.getEntriesByName(name).at(-1);
    return { count: state.core.annotationCount('bench'), openMs: last('spanmark:open').duration, openedAt: performance.timeOrigin + last('spanmark:opened').startTime };
  });
  if (count !== n) throw new Error(`B holds ${count} annotations of ${n}`);
  const tb = await trace(b.page);
  // The room comes as the server's sync step 2 ("0.1"): the largest message B gets.
  const step2 = tb.messages.filter((m) => m.kind === '0.1').sort((x, y) => y.bytes - x.bytes)[0];
  const apply = receive(tb, step2);
  const submit = tb.marks.submit;
  const result = {
    annotations: n,
    initialSyncMs: openedAt - submit,
    phases: {
      connectMs: tb.opens[0] - submit,
      serverAndTransferMs: step2.at - tb.opens[0],
      coreApplyMs: apply.ms,
      shellRedrawMs: tb.marks.online - (apply.at + apply.ms),
      openMs,
    },
    roomBytes: step2.bytes,
    // A: from its Share… submit to the server holding all (the core's shareStart builds the
    // replicated record from the workspace; A's sync step 2 sends all of it).
    upload: {
      serverHoldsMs: holdsAt - ta.marks.submit,
      coreShareStartMs: aShare?.ms ?? null,
      step2SentMs: aStep2 ? aStep2.at - ta.marks.submit : null,
      step2Bytes: aStep2?.bytes ?? null,
    },
  };
  log(`team ${n}: initial sync ${Math.round(result.initialSyncMs)} ms ${JSON.stringify(result.phases)}, room ${step2.bytes} bytes`);
  return { result, a, b };
}

/**
 * In A: selects a visible word that no highlight covers (the `k`-th such, as bench/lib.mjs
 * spanmarkRun does) and presses label hotkey 1-8; returns the key event's time and the new
 * annotation's id.
 */
function addInA(k) {
  return (async () => {
    const { state } = await import('./state.js');
    const texts = [];
    for (const b of document.querySelectorAll('#doc .block:not(.blank)')) {
      const r = b.getBoundingClientRect();
      if (r.bottom <= 0 || r.top >= window.innerHeight) continue;
      const walker = document.createTreeWalker(b, NodeFilter.SHOW_TEXT);
      for (let t = walker.nextNode(); t; t = walker.nextNode()) if (!t.parentElement.closest('mark') && /\p{L}{4,}/u.test(t.data)) texts.push(t);
    }
    const t = texts[(k * 7) % texts.length];
    const words = [...t.data.matchAll(/\p{L}{4,}/gu)];
    const word = words[k % words.length];
    const range = document.createRange();
    range.setStart(t, word.index);
    range.setEnd(t, word.index + word[0].length);
    document.getSelection().removeAllRanges();
    document.getSelection().addRange(range);
    const sentBefore = window.benchSync.sends.length;
    const at = performance.timeOrigin + performance.now();
    document.dispatchEvent(new KeyboardEvent('keydown', { key: String(1 + (k % 8)), bubbles: true }));
    const sent = window.benchSync.sends.slice(sentBefore).find((s) => s.kind === '0.2');
    return { at, id: state.view.selectedId, sentAt: sent?.at ?? null, visibility: document.visibilityState };
  })();
}

/** In B: records, for every highlight drawn, the next paint after it (rAF, then a task) and the annotations it holds. */
function watchPaintsInB() {
  const at = () => performance.timeOrigin + performance.now();
  window.benchPaints = [];
  new MutationObserver((records) => {
    const ids = [];
    for (const r of records) {
      for (const node of r.addedNodes) {
        if (node.nodeType !== 1) continue;
        const marks = node.matches('mark') ? [node] : [...node.querySelectorAll('mark')];
        for (const m of marks) ids.push(...(m.spanIds ?? []));
      }
    }
    if (!ids.length) return;
    const seen = at();
    // frame: the animation frame that draws it begins; painted: the first task after that
    // frame's rendering (a user-blocking task, run before the page's own queued work);
    // settled: a plain task after the frame, as bench/lib.mjs's "to the next paint" times
    // a local edit (it waits for whatever the page queued for that frame, such as autosave).
    requestAnimationFrame(() => {
      const entry = { seen, frame: at(), painted: null, settled: null, ids, visibility: document.visibilityState };
      scheduler.postTask(() => (entry.painted = at()), { priority: 'user-blocking' });
      setTimeout(() => {
        entry.settled = at();
        window.benchPaints.push(entry);
      });
    });
  }).observe(document.getElementById('doc'), { childList: true, subtree: true });
}

/** EDITS additions in A, each from its key event to B's paint of it (and where that went). */
async function editToRemotePaint(a, b) {
  await b.page.evaluate(watchPaintsInB);
  // B, which paints, is in front. (A page in the background of its window gets no animation
  // frames; separate contexts are separate windows, and both pages stay visible, with
  // animation frames, whichever is in front: a run with A in front painted in B alike.)
  await b.page.bringToFront();
  // BENCH_TEAM_PROFILE=folder: a JavaScript CPU profile of each page during the edits
  // (a.cpuprofile, b.cpuprofile) and a Chromium trace of B (b-trace.json): open them in
  // Chromium's DevTools, Performance panel.
  const profileDir = process.env.BENCH_TEAM_PROFILE;
  const profilers = [];
  if (profileDir) {
    mkdirSync(profileDir, { recursive: true });
    await b.context.browser().startTracing(b.page, { path: path.join(profileDir, 'b-trace.json'), categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'v8.execute'] });
    for (const [name, x] of [['a', a], ['b', b]]) {
      const cdp = await x.context.newCDPSession(x.page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
      profilers.push([name, cdp]);
    }
  }
  const samples = [];
  for (let k = 0; k < EDITS; k++) {
    // Each edit alone, as a person's edits come: both pages have saved the one before.
    await a.page.waitForSelector('#save-status[data-state="saved"]');
    await b.page.waitForSelector('#save-status[data-state="saved"]');
    const edit = await a.page.evaluate(addInA, k);
    if (!edit.id) throw new Error(`edit ${k} added nothing in A`);
    const handle = await b.page.waitForFunction((id) => window.benchPaints.find((p) => p.ids.includes(id)), edit.id, { timeout: 30_000 });
    const paint = await handle.jsonValue();
    const tb = await trace(b.page);
    const msg = tb.messages.filter((m) => m.kind === '0.2' && m.at >= edit.at).at(0);
    const apply = msg ? receive(tb, msg) : null;
    samples.push({
      ms: paint.painted - edit.at,
      frameMs: paint.frame - edit.at,
      settledMs: paint.settled - edit.at,
      handlerToSendMs: edit.sentAt === null ? null : edit.sentAt - edit.at,
      sendToArrivalMs: edit.sentAt === null || !msg ? null : msg.at - edit.sentAt,
      coreApplyMs: apply?.ms ?? null,
      applyToPaintMs: apply ? paint.painted - (apply.at + apply.ms) : null,
      aVisibility: edit.visibility,
      bVisibility: paint.visibility,
    });
  }
  if (profileDir) await b.context.browser().stopTracing();
  for (const [name, cdp] of profilers) {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(path.join(profileDir, `${name}.cpuprofile`), JSON.stringify(profile));
  }
  const ms = samples.map((s) => s.ms);
  const part = (k) => {
    const xs = samples.map((s) => s[k]).filter((v) => v !== null);
    return xs.length ? { p50: pct(xs, 50), p95: pct(xs, 95) } : null;
  };
  return {
    p50: pct(ms, 50),
    p95: pct(ms, 95),
    max: Math.max(...ms),
    samples: ms.length,
    frame: part('frameMs'),
    settled: part('settledMs'),
    phases: { handlerToSend: part('handlerToSendMs'), sendToArrival: part('sendToArrivalMs'), coreApply: part('coreApplyMs'), applyToPaint: part('applyToPaintMs') },
    visibility: { a: [...new Set(samples.map((s) => s.aVisibility))], b: [...new Set(samples.map((s) => s.bVisibility))] },
  };
}

export async function run(browser, url) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'spanmark-bench-sync-'));
  const contexts = [];
  const errors = [];
  let server = null;
  try {
    server = await startSyncServer({ dataDir, secret: crypto.randomBytes(32).toString('base64url') });
    const initial = {};
    const edits = {};
    for (const n of TEAM_SIZES) {
      const { result, a, b } = await initialSync(browser, url, server, n, contexts, errors);
      initial[n] = result;
      edits[n] = await editToRemotePaint(a, b);
      log(`team ${n}: edit → remote paint p50 ${Math.round(edits[n].p50)} ms, p95 ${Math.round(edits[n].p95)} ms ${JSON.stringify(edits[n].phases)}`);
      await a.context.close();
      await b.context.close();
    }
    if (errors.length) throw new Error(`Spanmark page errors: ${errors.join('; ')}`);
    return { initial, edits, targets: TARGETS };
  } finally {
    for (const c of contexts) await c.close().catch(() => {});
    if (server) {
      // SIGTERM lets it close LevelDB; one that has not gone within 6 s is killed.
      const stopped = server.stop('SIGTERM');
      const late = setTimeout(() => server.stop('SIGKILL'), 6000);
      await stopped;
      clearTimeout(late);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const verdict = (v, target) => (v === null || v === undefined ? '' : v < target ? ' ✓' : ' ✗');

export function markdown(r) {
  const lines = [`**${title}** (localhost, the sync server started by the benchmark; targets: initial sync of 100,000 annotations under ${f(TARGETS.initialSyncMs)}, edit → remote paint p95 under ${f(TARGETS.editP95Ms)}):`, ''];
  lines.push('| annotations | initial sync to a fresh client | connect | server + transfer | core applies the room | shell redraws | open with highlights | room (sync step 2) | A: share until the server holds all (A’s shareStart; step 2 sent) |');
  lines.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [n, x] of Object.entries(r.initial)) {
    const target = Number(n) === EDITS_ON ? ` (target < ${f(TARGETS.initialSyncMs)}${verdict(x.initialSyncMs, TARGETS.initialSyncMs)})` : '';
    const up = x.upload;
    lines.push(`| ${Number(n).toLocaleString('en')} | ${f(x.initialSyncMs)}${target} | ${f(x.phases.connectMs)} | ${f(x.phases.serverAndTransferMs)} | ${f(x.phases.coreApplyMs)} | ${f(x.phases.shellRedrawMs)} | ${f(x.phases.openMs)} | ${mb(x.roomBytes)} | ${f(up.serverHoldsMs)} (${f(up.coreShareStartMs)}; ${f(up.step2SentMs)}) |`);
  }
  const ph = (p) => (p ? `${f(p.p50)} / ${f(p.p95)}` : '–');
  lines.push('');
  lines.push('| annotations | edit in A → paint in B p50 / p95 (max) | → B’s frame begins | → B’s next task (after its autosave) | A: key → sent | sent → B receives | B: core applies | B: applied → painted |');
  lines.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [n, e] of Object.entries(r.edits)) {
    const target = Number(n) === EDITS_ON ? ` (target p95 < ${f(TARGETS.editP95Ms)}${verdict(e.p95, TARGETS.editP95Ms)})` : '';
    lines.push(`| ${Number(n).toLocaleString('en')} | ${f(e.p50)} / ${f(e.p95)} (${f(e.max)})${target} | ${ph(e.frame)} | ${ph(e.settled)} | ${ph(e.phases.handlerToSend)} | ${ph(e.phases.sendToArrival)} | ${ph(e.phases.coreApply)} | ${ph(e.phases.applyToPaint)} |`);
  }
  lines.push('');
  lines.push('Initial sync: in a fresh browser context (its own storage, with the demo articles of a first visit), from submitting the Share… dialog for the room ' +
    'to the first paint of the shared article with its highlights, the article opened the moment the page says Online (the benchmark clicks it in the list then); ' +
    'connect: to the WebSocket open; server + transfer: to the arrival of the server’s sync step 2 holding the room; core applies: the core’s syncReceive of it; ' +
    'shell redraws: what the page redraws until it says Online; open: the document opened, to its first paint with highlights. ' +
    'A: from submitting its Share… dialog until the server’s state vector covers A’s (polled every 50 ms). ' +
    `Edit → remote paint: ${EDITS} annotations added in A by selection + hotkey, one at a time (both pages saved before each), each from the key event in A to the first task in B after the animation frame that draws a highlight holding it ` +
    '(“frame begins”: that frame’s callback; “next task”: a plain task after it, as the local add → paint above is timed, which also waits for the autosave B queued for that frame). ' +
    'Both pages stamp performance.timeOrigin + performance.now() on one machine. p50 / p95 of each phase are taken separately.');
  return lines.join('\n');
}

