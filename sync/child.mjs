// The team sync server (sync/server.mjs) as a child process, for the tests (tests/sync/,
// tests/e2e/sync.test.mjs) and the benchmark (bench/scenarios/team.mjs): started as
// `make sync-server` starts it, on 127.0.0.1 with a data folder and a secret of the caller's,
// resolved once it listens; tokens made by its own `token` command, as `make sync-token` does.

import { spawn, execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'server.mjs');

function serverEnv({ dataDir, secret, port }) {
  return { ...process.env, HOST: '127.0.0.1', PORT: String(port), YPERSISTENCE: dataDir, SPANMARK_SYNC_SECRET: secret };
}

/** A room's token from the server's own `token` command (first line of what it prints). */
export function syncToken({ dataDir, secret }, room) {
  const out = execFileSync(process.execPath, [SERVER, 'token', room], { env: serverEnv({ dataDir, secret, port: 0 }), stdio: ['ignore', 'pipe', 'ignore'] });
  return String(out).split('\n')[0].trim();
}

/**
 * Starts `node sync/server.mjs` with YPERSISTENCE = `dataDir` and SPANMARK_SYNC_SECRET =
 * `secret` on `port` (0, the default: a free port the server picks itself), and resolves
 * once it listens: { port, url (ws://…), proc, exited (→ {code, signal}), log(), alive(),
 * stop(signal = 'SIGTERM') (→ exited; nothing when it has exited already), token(room) }.
 * A server that exits before it listens, or does not listen within `timeout` ms, rejects
 * (and is killed); one still running when this process exits is killed then.
 */
export async function startSyncServer({ dataDir, secret, port = 0, timeout = 15_000 }) {
  const proc = spawn(process.execPath, [SERVER], { env: serverEnv({ dataDir, secret, port }), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const alive = () => proc.exitCode === null && proc.signalCode === null;
  // However the caller ends (an uncaught error, process.exit), the server does not outlive it.
  const orphan = () => alive() && proc.kill('SIGKILL');
  process.on('exit', orphan);
  exited.then(() => process.off('exit', orphan));
  const listening = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the sync server did not start within ${timeout} ms: ${output}`)), timeout);
    const read = (d) => {
      output += d;
      const m = output.match(/listening on ws:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.stdout.on('data', read);
    proc.stderr.on('data', read);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the sync server exited with ${code ?? signal}: ${output}`));
    });
  });
  let bound;
  try {
    bound = await listening;
  } catch (err) {
    if (alive()) proc.kill('SIGKILL');
    throw err;
  }
  return {
    port: bound,
    url: `ws://127.0.0.1:${bound}`,
    proc,
    exited,
    log: () => output,
    alive,
    stop: (signal = 'SIGTERM') => {
      if (alive()) proc.kill(signal);
      return exited;
    },
    token: (room) => syncToken({ dataDir, secret }, room),
  };
}
