// Team sync end to end: the sync server (sync/server.mjs, as `make sync-server` runs it)
// started by the test, two browser contexts with their own storage sharing one room.
// An interleaved burst of edits converges; a context cut off (an app-level disconnect:
// Playwright's offline mode leaves WebSockets open) catches up when it reconnects; the
// server killed and restarted mid-burst loses nothing; a wrong token is refused, and the
// page says why.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSyncServer, syncToken } from '../../sync/child.mjs';
import { suite, openApp, newContext } from './harness.mjs';

const env = suite();
// A socket to a server that is down or refuses shows in the console as the browser's own
// network errors: those, and only those, are expected here.
const NETWORK = [/WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/kim-putin\?token=[^']*' failed/, /Failed to load resource: (the server responded with a status of 403|net::ERR_CONNECTION_REFUSED)/];
const SECRET = 'spanmark-e2e-secret-0123456789-abcdefghijklmnop';
const DATA = mkdtempSync(path.join(os.tmpdir(), 'spanmark-sync-'));
let port = 0;
let server = null;

async function startSync() {
  // The same port after a restart: the pages reconnect to the address they shared.
  server = await startSyncServer({ dataDir: DATA, secret: SECRET, port });
  port = server.port;
  return server;
}

function stopSync(signal = 'SIGTERM') {
  const proc = server;
  server = null;
  return proc ? proc.stop(signal) : Promise.resolve();
}

after(() => stopSync());

function token(room) {
  return syncToken({ dataDir: DATA, secret: SECRET }, room);
}

async function share(page, room, name, tokenValue = token(room)) {
  await page.getByRole('button', { name: 'Share…' }).click();
  const dialog = page.locator('#share-dialog');
  await dialog.locator('input[name="server"]').fill(`ws://127.0.0.1:${port}`);
  await dialog.locator('input[name="room"]').fill(room);
  await dialog.locator('input[name="token"]').fill(tokenValue);
  await dialog.locator('input[name="name"]').fill(name);
  await dialog.getByRole('button', { name: 'Share', exact: true }).click();
}

async function online(page) {
  await page.waitForFunction(() => document.body.dataset.sync === 'online', null, { timeout: 20_000 });
}

/** The workspace as canonical JSON (what every replica must agree on). */
function canonical(page) {
  return page.evaluate(async () => {
    const { state } = await import('./state.js');
    return state.core.exportAs('canonical', null).blob().text();
  });
}

/** Tags the `n`-th word of the first demo article with `label`, as the page does. */
function tagWord(page, n, label) {
  return page.evaluate(
    async ([n, label]) => {
      const { state } = await import('./state.js');
      const { changed } = await import('./commands.js');
      const doc = state.core.documents()[0].id;
      const text = state.core.documentText(doc);
      const words = [...text.matchAll(/\p{L}{4,}/gu)];
      const w = words[n % words.length];
      try {
        state.core.addAnnotation(doc, w.index, w.index + w[0].length, label);
      } catch {
        return false;
      }
      changed();
      return true;
    },
    [n, label],
  );
}

async function converged(a, b, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  let x;
  let y;
  for (;;) {
    [x, y] = [await canonical(a), await canonical(b)];
    if (x === y) return JSON.parse(x);
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.equal(y, x, 'both replicas hold the same workspace');
}

function count(json) {
  return json.documents.reduce((n, d) => n + d.annotations.length, 0);
}

test('two analysts in one room: a burst of 200 interleaved edits converges; offline, both edit, reconnect, converge; the server killed mid-burst loses nothing', async () => {
  await startSync();
  const a = await openApp(env.browser, env.server.url, { allowed: NETWORK });
  const b = await openApp(env.browser, env.server.url, { context: await newContext(env.browser), allowed: NETWORK });
  await share(a.page, 'kim-putin', 'Ada');
  await online(a.page);
  await share(b.page, 'kim-putin', 'Bea');
  await online(b.page);
  // Presence: each sees the other by name.
  await a.page.waitForFunction(() => document.getElementById('sync-presence').textContent.includes('Bea'), null, { timeout: 15_000 });

  // An interleaved burst: Ada tags PERSON, Bea tags ORG, word by word.
  let made = 0;
  for (let i = 0; i < 100; i++) {
    made += (await tagWord(a.page, 2 * i, 'PERSON')) ? 1 : 0;
    made += (await tagWord(b.page, 2 * i + 1, 'ORG')) ? 1 : 0;
  }
  const after = await converged(a.page, b.page);
  assert.equal(count(after), made, 'every acknowledged edit is there');

  // Ada goes offline (the app cuts its socket); both edit; she reconnects.
  await a.page.evaluate(() => window.spanmarkSync.goOffline());
  for (let i = 200; i < 210; i++) {
    await tagWord(a.page, i, 'GPE');
    await tagWord(b.page, i + 20, 'LOC');
  }
  assert.match(await a.page.textContent('#sync-status'), /Offline, \d+ changes? waiting/);
  await a.page.evaluate(() => window.spanmarkSync.goOnline());
  await online(a.page);
  const caughtUp = await converged(a.page, b.page);
  assert.ok(count(caughtUp) > count(after));

  // The server is killed in the middle of a burst and comes back on the same data.
  for (let i = 300; i < 310; i++) await tagWord(a.page, i, 'DATE');
  await stopSync('SIGKILL');
  for (let i = 310; i < 320; i++) {
    await tagWord(a.page, i, 'DATE');
    await tagWord(b.page, i + 40, 'EVENT');
  }
  await startSync();
  await online(a.page);
  await online(b.page);
  const final = await converged(a.page, b.page);
  assert.ok(count(final) >= count(caughtUp) + 20, `${count(final)} annotations after the restart`);
  // Nothing of it is Bea's to undo but her own.
  assert.match(await b.page.getAttribute('#undo', 'title'), /Undo: Tag (ORG|LOC|EVENT)/);

  // The entity registry is shared too: Ada links a span to a new entity (E, Enter); Bea's
  // workspace has the entity and the link.
  await a.page.getByRole('button', { name: /Kim Jong-un meets Putin/ }).click();
  await a.page.locator('#doc mark.hl').first().click();
  await a.page.keyboard.press('e');
  await a.page.locator('#entity-link-dialog').waitFor({ state: 'visible' });
  await a.page.keyboard.press('Enter');
  await a.page.locator('#entity-link-dialog').waitFor({ state: 'hidden' });
  const linked = await converged(a.page, b.page);
  assert.equal(linked.entities?.length, 1, 'the new entity reached the other analyst');
  const mentions = linked.documents.flatMap((d) => d.annotations.filter((x) => x.entity === linked.entities[0].id));
  assert.equal(mentions.length, 1);
  await a.done();
  await b.done();
});

test('a wrong token is refused, and the page says why', async () => {
  if (!server) await startSync();
  const c = await openApp(env.browser, env.server.url, { allowed: NETWORK });
  await share(c.page, 'kim-putin', 'Cy', 'not-the-token');
  await c.page.waitForFunction(() => document.body.dataset.sync === 'refused', null, { timeout: 15_000 });
  assert.match(await c.page.textContent('#message-text'), /refused room “kim-putin” \(403: .*wrong token/);
  await c.done();
});
