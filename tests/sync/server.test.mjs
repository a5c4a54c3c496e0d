// The team sync server (sync/server.mjs) as a y-websocket client sees it: real Yjs docs
// through the y-websocket client over real sockets, the server a child process on a free
// port with a temporary data folder and a known secret.

import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { test, after } from 'node:test';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { ROOT } from '../e2e/harness.mjs';
import { startSyncServer } from '../../sync/child.mjs';

const SERVER = path.join(ROOT, 'sync/server.mjs');
// Each y-websocket client adds a process 'exit' listener; these tests hold more than ten.
process.setMaxListeners(50);
const SECRET = 'test-secret-' + crypto.randomBytes(24).toString('hex');
const TIMEOUT = 15_000;

/** The documented token: HMAC-SHA256(key = secret, message = room), base64url. */
const tokenFor = (room, secret = SECRET) => crypto.createHmac('sha256', secret).update(room).digest('base64url');

const tmpDirs = [];
function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanmark-sync-'));
  tmpDirs.push(dir);
  return dir;
}

const servers = [];
const providers = [];
after(async () => {
  for (const p of providers) {
    p.destroy();
    p.doc.destroy(); // and its awareness, whose timer would keep the process alive
  }
  for (const s of servers) await s.stop('SIGKILL');
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

async function waitFor(check, what, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Starts `node sync/server.mjs` (sync/child.mjs) and resolves once it listens. */
async function startServer({ dataDir, port = 0 }) {
  const server = await startSyncServer({ dataDir, secret: SECRET, port, timeout: TIMEOUT });
  servers.push(server);
  return server;
}

/** A Yjs doc synced through the y-websocket client, with `params` as given. */
function client(server, room, params = { token: tokenFor(room) }, opts = {}) {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(server.url, room, doc, {
    WebSocketPolyfill: WebSocket,
    params,
    disableBc: true, // in one process, the BroadcastChannel would sync the docs without the server
    maxBackoffTime: 300,
    ...opts,
  });
  providers.push(provider);
  const errors = [];
  provider.on('connection-error', (event) => errors.push(String(event?.message ?? event)));
  return { doc, provider, errors };
}

const synced = (c) => waitFor(() => c.provider.synced, 'the client to sync');
/** A replica's content, with the map's keys sorted (each replica keeps its own arrival order). */
const state = (c) => {
  const map = c.doc.getMap('annotations').toJSON();
  const sorted = Object.fromEntries(Object.keys(map).sort().map((k) => [k, map[k]]));
  return JSON.stringify({ map: sorted, text: c.doc.getText('notes').toString() });
};

/** A raw WebSocket to the server, resolved on open or on a refused upgrade. */
function rawSocket(server, pathAndQuery, options = {}) {
  return new Promise((resolve) => {
    const ws = new WebSocket(server.url + pathAndQuery, options);
    const closed = new Promise((r) => ws.once('close', (code, reason) => r({ code, reason: String(reason) })));
    ws.on('error', () => {});
    ws.once('open', () => resolve({ ws, opened: true, closed }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ opened: false, status: res.statusCode, body }));
    });
  });
}

/** Sends each message on a fresh connection of a peer that holds a valid token; returns how each ended. */
async function hostile(server, room, message, { binary = true, wait = 3000 } = {}) {
  const s = await rawSocket(server, `/${room}?token=${tokenFor(room)}`);
  assert.ok(s.opened, 'the hostile peer has a valid token and is admitted');
  s.ws.send(message, { binary });
  const timeout = new Promise((r) => setTimeout(() => r({ code: 'still open' }), wait));
  const end = await Promise.race([s.closed, timeout]);
  s.ws.terminate();
  return end;
}

function syncMessage(subType, payload) {
  const enc = [0, subType, ...varUint(payload.length)];
  return Buffer.concat([Buffer.from(enc), Buffer.from(payload)]);
}

function varUint(n) {
  const out = [];
  while (n > 0x7f) {
    out.push(0x80 | (n & 0x7f));
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** A seeded PRNG (mulberry32), so a failing garbage input can be replayed. */
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('two Yjs docs on one room converge after edits on both', async () => {
  const server = await startServer({ dataDir: tempDir() });
  const a = client(server, 'team-a');
  const b = client(server, 'team-a');
  await Promise.all([synced(a), synced(b)]);
  a.doc.getMap('annotations').set('a1', { label: 'PERSON', start: 0, end: 5 });
  b.doc.getMap('annotations').set('b1', { label: 'ORG', start: 10, end: 14 });
  // Concurrent: the same key from both, and text inserted at the same place.
  a.doc.getMap('annotations').set('same', 'from a');
  b.doc.getMap('annotations').set('same', 'from b');
  a.doc.getText('notes').insert(0, 'alpha ');
  b.doc.getText('notes').insert(0, 'beta ');
  for (let i = 0; i < 50; i++) (i % 2 ? a : b).doc.getMap('annotations').set(`burst-${i}`, i);
  await waitFor(() => state(a) === state(b) && a.doc.getMap('annotations').size === 53, 'the two docs to converge').catch((err) => {
    throw new Error(`${err.message}\na: ${state(a)}\nb: ${state(b)}\n${server.log()}`);
  });
  const map = a.doc.getMap('annotations');
  assert.deepEqual(map.get('a1'), { label: 'PERSON', start: 0, end: 5 });
  assert.deepEqual(map.get('b1'), { label: 'ORG', start: 10, end: 14 });
  assert.ok(['from a', 'from b'].includes(map.get('same')));
  assert.match(a.doc.getText('notes').toString(), /^(alpha beta |beta alpha )$/);
  assert.deepEqual(Y.encodeStateVector(a.doc), Y.encodeStateVector(b.doc));
  // Another room is another doc.
  const c = client(server, 'team-b');
  await synced(c);
  assert.equal(c.doc.getMap('annotations').size, 0);
  assert.match(server.log(), /joined room="team-a" from="127\.0\.0\.1:\d+"/);
});

test('a wrong token, a missing token and a bad room name are refused on the upgrade and logged', async () => {
  const server = await startServer({ dataDir: tempDir() });
  const good = client(server, 'team-a');
  await synced(good);
  good.doc.getMap('annotations').set('secret-work', 1);

  const wrong = client(server, 'team-a', { token: tokenFor('team-a', 'another-secret-of-at-least-32-chars') });
  const none = client(server, 'team-a', {});
  const otherRoom = client(server, 'team-a', { token: tokenFor('team-b') });
  await waitFor(() => wrong.errors.length && none.errors.length && otherRoom.errors.length, 'the refused clients to see errors');
  assert.match(wrong.errors[0], /403/);
  assert.match(none.errors[0], /401/);
  assert.match(otherRoom.errors[0], /403/);
  for (const c of [wrong, none, otherRoom]) {
    assert.equal(c.provider.wsconnected, false);
    assert.equal(c.provider.synced, false);
    assert.equal(c.doc.getMap('annotations').size, 0, 'a refused client receives nothing');
  }

  // The refusal as an HTTP answer: status and reason; no WebSocket was created.
  assert.deepEqual(await rawSocket(server, `/team-a?token=${'A'.repeat(43)}`), { opened: false, status: 403, body: 'wrong token\n' });
  assert.deepEqual(await rawSocket(server, '/team-a'), { opened: false, status: 401, body: 'missing token\n' });
  assert.deepEqual(await rawSocket(server, '/team-a?token='), { opened: false, status: 401, body: 'missing token\n' });
  for (const bad of ['/', '/..%2Fetc', '/a/b', '/-lead', '/' + 'x'.repeat(101), '/caf%C3%A9', '/.hidden']) {
    const room = bad.slice(1);
    const r = await rawSocket(server, `${bad}?token=${tokenFor(room)}`);
    assert.equal(r.status, 400, bad);
    assert.match(r.body, /room name must be 1-100 characters/);
  }
  // The longest name allowed is admitted.
  const longest = 'x'.repeat(100);
  const ok = await rawSocket(server, `/${longest}?token=${tokenFor(longest)}`);
  assert.ok(ok.opened);
  ok.ws.close();

  // The same verdict over plain HTTP, for a page that cannot read a refused upgrade's status.
  const check = async (q) => { const r = await fetch(`http://127.0.0.1:${server.port}${q}`); return [r.status, await r.text(), r.headers.get('access-control-allow-origin')]; };
  assert.deepEqual(await check(`/team-a?token=${tokenFor('team-a')}`), [200, 'ok\n', '*']);
  assert.deepEqual(await check('/team-a?token=nope'), [403, 'wrong token\n', '*']);
  assert.deepEqual(await check('/team-a'), [401, 'missing token\n', '*']);

  const log = server.log();
  assert.match(log, /refused room="team-a" from="127\.0\.0\.1:\d+" status=403 reason="wrong token"/);
  assert.match(log, /refused room="team-a" from="127\.0\.0\.1:\d+" status=401 reason="missing token"/);
  assert.match(log, /refused room="\.\.%2Fetc" from="127\.0\.0\.1:\d+" status=400 reason="room name must be/);
  assert.ok(!log.includes(SECRET), 'the log never holds the secret');
  assert.ok(!log.includes(tokenFor('team-a')), 'nor a valid token');
  assert.ok(server.alive());
});

test('a hostile peer with a valid token: garbage, truncated and huge messages close its connection, not the server', async (t) => {
  const server = await startServer({ dataDir: tempDir() });
  const room = 'team-a';
  const a = client(server, room);
  const b = client(server, room);
  await Promise.all([synced(a), synced(b)]);
  a.doc.getMap('annotations').set('before', 'the attack');
  await waitFor(() => state(a) === state(b), 'the first edit to reach b');

  // A real update, to cut and to corrupt.
  const src = new Y.Doc();
  src.getText('notes').insert(0, 'a real update from another peer, long enough to cut in half');
  const update = Y.encodeStateAsUpdate(src);

  const cases = [
    ['empty message', Buffer.alloc(0), /empty message/],
    ['a text frame', 'hello', /text frame/, { binary: false }],
    ['an unknown message type', Buffer.from([7, 1, 2, 3]), /unknown message type 7/],
    ['an unknown sync sub-type', Buffer.from([0, 9, 1, 0]), /unknown sync message type 9/],
    ['a varint that never ends', Buffer.alloc(16, 0xff), /unreadable message type/],
    ['a truncated sync message', syncMessage(2, update).subarray(0, 20), /truncated message: \d+ bytes announced, \d+ sent/],
    ['bytes after the message', Buffer.concat([syncMessage(2, update), Buffer.from([1, 2, 3])]), /3 bytes after the message/],
    ['a well-framed truncated update', syncMessage(2, update.subarray(0, Math.floor(update.length / 2))), /message refused by Yjs/],
    ['a well-framed update of 0xff bytes', syncMessage(1, Buffer.alloc(1000, 0xff)), /message refused by Yjs/],
    ['awareness that is not JSON', Buffer.from([1, ...varUint(7), 1, 5, 1, 2, '{'.charCodeAt(0), 'x'.charCodeAt(0), 0]), /message refused by Yjs|truncated|after the message/],
    ['a 16 MB well-framed garbage update', syncMessage(2, crypto.randomBytes(16 * 1024 * 1024)), /message refused by Yjs/],
  ];
  for (const [what, message, reason, opts] of cases) {
    const end = await hostile(server, room, message, opts);
    assert.equal(end.code, 4400, `${what}: closed with 4400 (got ${end.code})`);
    assert.match(end.reason, reason, what);
    assert.ok(server.alive(), `${what}: the server is alive`);
  }

  // Over the 64 MiB limit: ws refuses the frame (close 1009) and the server says so.
  const huge = await hostile(server, room, Buffer.alloc(64 * 1024 * 1024 + 1, 1));
  assert.equal(huge.code, 1009);
  await waitFor(() => {
    assert.ok(server.alive(), `the server is alive after a message over the limit:\n${server.log().slice(-1500)}`);
    return /connection error room="team-a" .*Max payload size exceeded/.test(server.log());
  }, 'the payload error in the log');

  // Seeded garbage, and real messages with random bytes flipped.
  const random = rng(20261201);
  const real = syncMessage(2, update);
  const ends = {};
  for (let i = 0; i < 40; i++) {
    let message;
    if (i % 2 === 0) {
      message = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 300) }, () => Math.floor(random() * 256)));
    } else {
      message = Buffer.from(real);
      for (let k = 0; k < 1 + Math.floor(random() * 4); k++) message[Math.floor(random() * message.length)] = Math.floor(random() * 256);
    }
    // A flipped byte in a string or a clock can leave a valid update, which stays open.
    const end = await hostile(server, room, message, { wait: 500 });
    const how = end.code === 4400 ? end.reason.replace(/\d+/g, 'N') : String(end.code);
    ends[how] = (ends[how] ?? 0) + 1;
    assert.ok(server.alive(), `garbage #${i}: the server is alive`);
  }
  t.diagnostic(`how the 40 garbage connections ended: ${JSON.stringify(ends)}`);

  // The good clients never left, and still sync both ways.
  assert.ok(a.provider.wsconnected && b.provider.wsconnected);
  a.doc.getMap('annotations').set('after', 'from a');
  b.doc.getText('notes').insert(0, 'from b ');
  await waitFor(() => state(a) === state(b) && a.doc.getMap('annotations').get('after') === 'from a' && a.doc.getText('notes').toString().includes('from b'), 'a and b to sync after the attack');
  // A fresh client gets the whole room.
  const c = client(server, room);
  await waitFor(() => c.provider.synced && state(c) === state(a), 'a fresh client to get the room');
  assert.match(server.log(), /dropped room="team-a" from="127\.0\.0\.1:\d+" reason="truncated message/);
  assert.ok(server.alive());
});

test('persistence: a room survives SIGKILL; a fresh client after the restart gets it, and offline edits arrive', async () => {
  const dataDir = tempDir();
  const server = await startServer({ dataDir });
  const room = 'team-a';
  const a = client(server, room);
  const b = client(server, room);
  await Promise.all([synced(a), synced(b)]);
  const marker = `marker-${crypto.randomBytes(8).toString('hex')}`;
  for (let i = 0; i < 100; i++) a.doc.getMap('annotations').set(`span-${i}`, { label: 'GPE', start: i, end: i + 1 });
  b.doc.getText('notes').insert(0, marker);
  await waitFor(() => state(a) === state(b) && a.doc.getText('notes').toString() === marker && a.doc.getMap('annotations').size === 100, 'a and b to converge');
  // No message says "stored": the edits are on disk once LevelDB's log holds the last of them.
  // A second room, larger, whose writer has left: nobody will bring it back but the store.
  const big = client(server, 'team-big');
  await synced(big);
  big.doc.transact(() => {
    for (let i = 0; i < 20_000; i++) big.doc.getMap('annotations').set(`span-${i}`, { label: 'PERSON', start: i, end: i + 3 });
  });
  big.doc.getText('notes').insert(0, `${marker}-big`);
  await waitFor(() => fs.readdirSync(dataDir).filter((f) => f.endsWith('.log')).some((f) => {
    const bytes = fs.readFileSync(path.join(dataDir, f));
    return bytes.includes(marker) && bytes.includes(`${marker}-big`);
  }), 'both markers in LevelDB');
  big.provider.destroy();
  const expected = state(a);

  const killed = await server.stop('SIGKILL');
  assert.equal(killed.signal, 'SIGKILL');
  await waitFor(() => !a.provider.wsconnected && !b.provider.wsconnected, 'the clients to see the server gone');
  // While it is down, a keeps editing (offline).
  a.doc.getMap('annotations').set('offline', 'made while the server was down');

  const again = await startServer({ dataDir, port: server.port });
  // Synced means the stored room is in: the server loads it before it answers.
  const freshBig = client(again, 'team-big');
  await synced(freshBig);
  assert.equal(freshBig.doc.getMap('annotations').size, 20_000, 'synced with the whole stored room');
  assert.equal(freshBig.doc.getText('notes').toString(), `${marker}-big`);
  const fresh = client(again, room);
  await synced(fresh);
  const stored = JSON.parse(state(fresh));
  assert.equal(Object.keys(stored.map).filter((k) => k.startsWith('span-')).length, 100);
  assert.equal(stored.text, marker);
  // a and b reconnect by themselves; a's offline edit reaches everyone.
  await waitFor(() => state(fresh) === state(a) && state(b) === state(a) && fresh.doc.getMap('annotations').get('offline'), 'the offline edit to reach every client');
  assert.deepEqual(JSON.parse(state(fresh)).text, JSON.parse(expected).text);

  // SIGTERM: a clean stop that closes LevelDB.
  const stopped = await again.stop('SIGTERM');
  assert.equal(stopped.code, 0);
  assert.match(again.log(), /stopping signal="SIGTERM"/);
});

test('token ROOM prints the token and the share URL; the secret file is made once, mode 0600', () => {
  const dataDir = path.join(tempDir(), 'data');
  const env = { ...process.env, YPERSISTENCE: dataDir, PORT: '4321', HOST: '127.0.0.1' };
  delete env.SPANMARK_SYNC_SECRET;
  delete env.SPANMARK_SYNC_URL;
  const run = (args, extra = {}) => execFileSync(process.execPath, [SERVER, ...args], { env: { ...env, ...extra }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [token, url] = run(['token', 'team-a']).trim().split('\n');
  const secretFile = path.join(dataDir, 'secret');
  assert.equal(fs.statSync(secretFile).mode & 0o777, 0o600);
  const secret = fs.readFileSync(secretFile, 'utf8').trim();
  assert.ok(secret.length >= 40);
  assert.equal(token, tokenFor('team-a', secret));
  assert.equal(url, `ws://127.0.0.1:4321/team-a?token=${token}`);
  // The second run reads the same file.
  assert.equal(run(['token', 'team-a']).split('\n')[0], token);
  // The env secret wins; SPANMARK_SYNC_URL is the base of the share URL.
  const [envToken, envUrl] = run(['token', 'team-a'], { SPANMARK_SYNC_SECRET: SECRET, SPANMARK_SYNC_URL: 'wss://sync.example.org/' }).trim().split('\n');
  assert.equal(envToken, tokenFor('team-a'));
  assert.equal(envUrl, `wss://sync.example.org/team-a?token=${envToken}`);
  // Refusals: a bad room name, a short secret.
  assert.throws(() => run(['token', 'bad room']), (err) => err.status === 2 && /room name must be/.test(err.stderr));
  assert.throws(() => run(['token', 'team-a'], { SPANMARK_SYNC_SECRET: 'short' }), (err) => err.status === 2 && /at least 32 characters/.test(err.stderr));
});
