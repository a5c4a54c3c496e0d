#!/usr/bin/env node
// Spanmark's team sync server: the stock y-websocket server's connection handler
// (`setupWSConnection` from @y/websocket-server, persistence to LevelDB through YPERSISTENCE)
// behind a small wrapper that owns the HTTP server and the upgrade:
//
// - a room is joined only with its token, HMAC-SHA256(key = server secret, message = room
//   name), base64url without padding, sent as `?token=` on the WebSocket URL; the upgrade is
//   refused (400 bad room name, 401 no token, 403 wrong token) before any WebSocket exists,
//   and the refusal is logged with the room, the remote address and the reason;
// - room names are 1-100 characters of A-Z a-z 0-9 . _ - starting with a letter or digit;
// - a message is at most 64 MiB (ws `maxPayload`); a message that is not a well-formed
//   y-websocket message (binary frame, known type, exact length), or whose update Yjs
//   refuses, closes that peer's connection with code 4400 and a log line: the room and the
//   other peers carry on;
// - a new peer is answered only once its room's stored state is loaded, so a client that is
//   synced holds what the server stored, also right after a restart.
//
//   node sync/server.mjs             start (HOST, PORT, YPERSISTENCE, SPANMARK_SYNC_SECRET,
//                                    SPANMARK_SYNC_URL: see README "Team sync")
//   node sync/server.mjs token ROOM  print ROOM's token, then its share URL

import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const MAX_ROOM_CHARS = 100;
const ROOM_PATTERN = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._-]{0,${MAX_ROOM_CHARS - 1}}$`);
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const MIN_SECRET_CHARS = 32;
// The close code for a peer that broke the protocol. y-websocket clients treat 4400-4499 as
// permanent ("reconnecting can't fix it") and stop retrying.
const CLOSE_MALFORMED = 4400;

const HOST = process.env.HOST || '127.0.0.1';
const PORT = process.env.PORT === undefined || process.env.PORT === '' ? 1234 : Number(process.env.PORT);
const DATA_DIR = path.resolve(process.env.YPERSISTENCE || path.join(ROOT, 'sync-data'));
const SECRET_FILE = path.join(DATA_DIR, 'secret');

/** One log line: an ISO time, an event, then key=value pairs (values JSON-quoted when text). */
function log(event, fields = {}) {
  const parts = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : v}`);
  console.log([new Date().toISOString(), event, ...parts].join(' '));
}

function fail(message) {
  console.error(`sync server: ${message}`);
  process.exit(2);
}

/** The room name's rule, as a reason to refuse it, or null when the name is allowed. */
function roomProblem(room) {
  if (ROOM_PATTERN.test(room)) return null;
  return `room name must be 1-${MAX_ROOM_CHARS} characters of A-Z a-z 0-9 . _ - starting with a letter or digit`;
}

/**
 * The secret: SPANMARK_SYNC_SECRET, else the file <data>/secret, created on first use with
 * 32 random bytes (base64url) and mode 0600. Its text (UTF-8) is the HMAC key either way.
 */
function loadSecret() {
  const fromEnv = process.env.SPANMARK_SYNC_SECRET;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < MIN_SECRET_CHARS) fail(`SPANMARK_SYNC_SECRET must be at least ${MIN_SECRET_CHARS} characters`);
    return { key: Buffer.from(fromEnv, 'utf8'), from: 'SPANMARK_SYNC_SECRET' };
  }
  fs.mkdirSync(DATA_DIR, { recursive: true, mode: 0o700 });
  try {
    const fd = fs.openSync(SECRET_FILE, 'wx', 0o600);
    fs.writeSync(fd, crypto.randomBytes(32).toString('base64url') + '\n');
    fs.closeSync(fd);
    console.error(`sync server: created a new secret in ${SECRET_FILE} (mode 0600)`);
  } catch (err) {
    if (err.code !== 'EEXIST') fail(`cannot create ${SECRET_FILE}: ${err.message}`);
  }
  const mode = fs.statSync(SECRET_FILE).mode & 0o777;
  if (mode & 0o077) console.error(`sync server: warning: ${SECRET_FILE} is readable by others (mode ${mode.toString(8)}): chmod 600 it`);
  const text = fs.readFileSync(SECRET_FILE, 'utf8').trim();
  if (text.length < MIN_SECRET_CHARS) fail(`${SECRET_FILE} must hold at least ${MIN_SECRET_CHARS} characters`);
  return { key: Buffer.from(text, 'utf8'), from: SECRET_FILE };
}

/** A room's token: HMAC-SHA256 of the room name (UTF-8) with the secret, base64url, no padding. */
function roomToken(key, room) {
  return crypto.createHmac('sha256', key).update(room, 'utf8').digest('base64url');
}

function tokenMatches(key, room, token) {
  const expected = Buffer.from(roomToken(key, room), 'utf8');
  const given = Buffer.from(token, 'utf8');
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

/** The base URL to share: SPANMARK_SYNC_URL, else ws://HOST:PORT. */
function publicUrl(port) {
  if (process.env.SPANMARK_SYNC_URL) return process.env.SPANMARK_SYNC_URL.replace(/\/+$/, '');
  const host = HOST.includes(':') ? `[${HOST}]` : HOST;
  return `ws://${host}:${port}`;
}

/**
 * Reads `/ROOM?token=...` and decides: { ok, status, room, reason }. The path is checked as
 * it arrives (no percent-decoding, no normalisation), so a name means one thing only.
 */
function admit(key, url) {
  const q = url.indexOf('?');
  const pathPart = q < 0 ? url : url.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const room = pathPart.startsWith('/') ? pathPart.slice(1) : pathPart;
  const problem = roomProblem(room);
  if (problem) return { ok: false, status: 400, room: room.slice(0, 120), reason: problem };
  const token = params.get('token');
  if (token === null || token === '') return { ok: false, status: 401, room, reason: 'missing token' };
  if (!tokenMatches(key, room, token)) return { ok: false, status: 403, room, reason: 'wrong token' };
  return { ok: true, status: 200, room, reason: 'ok' };
}

function remoteOf(req) {
  const fields = { from: `${req.socket.remoteAddress}:${req.socket.remotePort}` };
  // Behind a reverse proxy the socket is the proxy's; what it says the client was is kept too.
  const forwarded = req.headers['x-forwarded-for'];
  if (typeof forwarded === 'string') fields.forwarded_for = forwarded.slice(0, 200);
  return fields;
}

const STATUS_TEXT = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden' };

/** Refuses an upgrade with a plain HTTP answer; no WebSocket is ever created. */
function refuseUpgrade(socket, status, reason) {
  const body = `${reason}\n`;
  socket.on('error', () => {});
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), 1000).unref();
}

/** Reads one lib0 varuint at `pos`: [value, next] or null when the bytes end first or it is too long. */
function readVarUint(bytes, pos) {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 8 && pos < bytes.length; i++) {
    const b = bytes[pos++];
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, pos];
    scale *= 128;
  }
  return null;
}

/**
 * Whether a message has the y-websocket envelope: sync (0) with sub-type step 1, step 2 or
 * update and one length-prefixed payload that ends exactly at the message's end; awareness (1)
 * with one length-prefixed payload; auth (2) and awareness query (3) pass (the stock handler
 * ignores them). Returns the problem, or null. What is inside a payload is for Yjs to judge.
 */
function envelopeProblem(bytes) {
  if (bytes.length === 0) return 'empty message';
  const type = readVarUint(bytes, 0);
  if (type === null) return 'unreadable message type';
  let [kind, pos] = type;
  if (kind === 2 || kind === 3) return null;
  if (kind !== 0 && kind !== 1) return `unknown message type ${kind}`;
  if (kind === 0) {
    const sub = readVarUint(bytes, pos);
    if (sub === null) return 'truncated sync message';
    if (sub[0] > 2) return `unknown sync message type ${sub[0]}`;
    pos = sub[1];
  }
  const len = readVarUint(bytes, pos);
  if (len === null) return 'truncated message length';
  const end = len[1] + len[0];
  if (end > bytes.length) return `truncated message: ${len[0]} bytes announced, ${bytes.length - len[1]} sent`;
  if (end < bytes.length) return `${bytes.length - end} bytes after the message`;
  return null;
}

function tokenCommand(room) {
  if (!room) fail('usage: node sync/server.mjs token ROOM');
  const problem = roomProblem(room);
  if (problem) fail(`${JSON.stringify(room)}: ${problem}`);
  const { key, from } = loadSecret();
  const token = roomToken(key, room);
  console.log(token);
  console.log(`${publicUrl(PORT)}/${room}?token=${token}`);
  console.error(`(token for room "${room}" from the secret in ${from}; the second line is the URL to share)`);
}

async function serve() {
  if (!Number.isInteger(PORT) || PORT < 0 || PORT > 65535) fail(`PORT must be a port number, not ${JSON.stringify(process.env.PORT)}`);
  const { key, from } = loadSecret();
  // The rooms are for the server's user only (LevelDB would make the folder with the umask).
  fs.mkdirSync(DATA_DIR, { recursive: true, mode: 0o700 });
  // The stock handler reads YPERSISTENCE when its module loads, so it is set first.
  process.env.YPERSISTENCE = DATA_DIR;
  const { WebSocketServer } = await import('ws');
  const yws = await import('@y/websocket-server/utils');

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });

  // The stock persistence loads a room from LevelDB asynchronously and keeps no handle on it,
  // so a client could be answered (and told it is synced) from a room still empty. The
  // promise of each load is kept on its doc, and a connection waits for it (see below).
  const stock = yws.getPersistence();
  yws.setPersistence({
    ...stock,
    bindState: (name, doc) => {
      doc.spanmarkLoaded = Promise.resolve(stock.bindState(name, doc)).catch((err) =>
        log('load error', { room: name, reason: err?.message ?? String(err) }),
      );
      return doc.spanmarkLoaded;
    },
  });

  /** The room's doc, once its stored state is in; null when the connection closed meanwhile. */
  async function loadedDoc(conn, room) {
    for (;;) {
      const doc = yws.getYDoc(room);
      await doc.spanmarkLoaded;
      if (conn.readyState !== conn.OPEN) {
        // Gone before it joined: unload the doc if no one else holds it, as the stock handler does.
        if (yws.docs.get(room) === doc && doc.conns.size === 0) {
          yws.docs.delete(room);
          doc.destroy();
        }
        return null;
      }
      // The last peer may have left while this one waited, unloading the doc: load it again.
      if (yws.docs.get(room) === doc) return doc;
    }
  }

  const server = http.createServer((req, res) => {
    // GET /ROOM?token=... answers whether that WebSocket URL would be admitted, and why not:
    // a browser cannot read the status of a refused upgrade, but it can read this.
    const headers = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end('method not allowed\n');
      return;
    }
    if (req.url === '/') {
      res.writeHead(200, headers).end('Spanmark sync server: connect a y-websocket client to /ROOM?token=TOKEN\n');
      return;
    }
    const verdict = admit(key, req.url);
    res.writeHead(verdict.status, headers).end(`${verdict.reason}\n`);
  });

  server.on('upgrade', (req, socket, head) => {
    const verdict = admit(key, req.url || '');
    if (!verdict.ok) {
      log('refused', { room: verdict.room, ...remoteOf(req), status: verdict.status, reason: verdict.reason });
      refuseUpgrade(socket, verdict.status, verdict.reason);
      return;
    }
    wss.handleUpgrade(req, socket, head, (conn) => wss.emit('connection', conn, req, verdict.room));
  });

  wss.on('connection', async (conn, req, room) => {
    const who = { room, ...remoteOf(req) };
    // Nothing is read from this peer until the room's stored state is loaded.
    conn.pause();
    let closing = false;
    const drop = (reason) => {
      if (closing) return;
      closing = true;
      log('dropped', { ...who, reason });
      // A close reason is at most 123 bytes (ws throws past that): printable ASCII, cut.
      conn.close(CLOSE_MALFORMED, reason.replace(/[^\x20-\x7e]/g, '?').slice(0, 120));
      setTimeout(() => conn.terminate(), 2000).unref();
    };
    // ws reports bad frames and messages over maxPayload as 'error' (then closes the socket);
    // the stock handler listens for none, and an unheard 'error' would stop the process.
    conn.on('error', (err) => log('connection error', { ...who, reason: err.message }));
    // Every message reaches the stock listener only once its envelope is sound. What Yjs
    // refuses inside a sound envelope (an update that does not decode, awareness that is not
    // JSON) is caught by the stock listener or by y-protocols' readSyncStep2, which only
    // console.error it: whatever they report during this synchronous call is taken as the
    // refusal, logged as one line with the room and the peer, and the peer is dropped.
    const on = conn.on.bind(conn);
    conn.on = (event, listener) => {
      if (event !== 'message') return on(event, listener);
      return on('message', (data, isBinary) => {
        if (closing) return;
        if (!isBinary) return drop('text frame: the protocol is binary');
        const problem = envelopeProblem(new Uint8Array(data));
        if (problem) return drop(problem);
        let refused = null;
        const consoleError = console.error;
        console.error = (...args) => {
          refused ??= args.find((a) => a instanceof Error) ?? args.join(' ');
        };
        try {
          listener(data, isBinary);
        } catch (err) {
          refused ??= err;
        } finally {
          console.error = consoleError;
        }
        if (refused) drop(`message refused by Yjs: ${refused?.message ?? refused}`);
      });
    };
    conn.on('close', (code) => log('left', { ...who, code }));
    try {
      if ((await loadedDoc(conn, room)) === null) return;
      yws.setupWSConnection(conn, req, { docName: room });
      log('joined', who);
      conn.resume();
    } catch (err) {
      log('connection error', { ...who, reason: `setup failed: ${err.message}` });
      conn.terminate();
    }
  });

  server.on('clientError', (err, socket) => socket.destroy());

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(PORT, HOST, resolve);
  }).catch((err) => fail(`cannot listen on ${HOST}:${PORT}: ${err.message}`));
  const port = server.address().port;
  const base = publicUrl(port);
  console.log(`Spanmark sync server listening on ${base}/ (Ctrl+C stops it)`);
  console.log(`  data (LevelDB): ${DATA_DIR}`);
  console.log(`  secret: ${from === SECRET_FILE ? SECRET_FILE : 'from SPANMARK_SYNC_SECRET'}`);
  console.log(`  a room's URL to share: ${base}/ROOM?token=TOKEN`);
  // The token command needs what this server was started with, to print the same URL and secret.
  const envForToken = [
    HOST !== '127.0.0.1' && `HOST=${HOST}`,
    port !== 1234 && `PORT=${port}`,
    process.env.SPANMARK_SYNC_URL && `SPANMARK_SYNC_URL=${process.env.SPANMARK_SYNC_URL}`,
    DATA_DIR !== path.join(ROOT, 'sync-data') && `YPERSISTENCE=${DATA_DIR}`,
  ].filter(Boolean);
  console.log(`  make a room's token:   ${[...envForToken, 'node sync/server.mjs token ROOM'].join(' ')}   (prints the token and the URL)`);
  if (!process.env.SPANMARK_SYNC_URL && (HOST === '0.0.0.0' || HOST === '::')) {
    console.log('  (listening on every interface: set SPANMARK_SYNC_URL to the address teammates use, e.g. wss://sync.example.org)');
  }

  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    log('stopping', { signal });
    setTimeout(() => process.exit(1), 5000).unref();
    for (const conn of wss.clients) conn.close(1001, 'server stopping');
    server.close();
    // Pending LevelDB writes are queued; closing waits for them.
    await yws.getPersistence()?.provider?.destroy();
    process.exit(0);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

const [command, arg] = process.argv.slice(2);
if (command === 'token') tokenCommand(arg);
else if (command === undefined) await serve();
else fail(`unknown command ${JSON.stringify(command)}: run with no argument to serve, or "token ROOM"`);
