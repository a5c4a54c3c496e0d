// IndexedDB persistence: the browser side of the core's StorageBackend (see
// crates/spanmark-core/src/persist.rs). The core decides what to write; this module
// writes each batch in one transaction and says clearly when it cannot.

const DB_NAME = 'spanmark';
const DB_VERSION = 1;
const STORE = 'records';

/** A storage failure with a message that tells the analyst what to do. */
export class StorageError extends Error {
  constructor(kind, message, cause) {
    super(message, { cause });
    this.name = 'StorageError';
    this.kind = kind;
  }
}

function describe(err) {
  const name = err?.name ?? '';
  if (name === 'QuotaExceededError') {
    return new StorageError('quota', "the browser's storage for this page is full", err);
  }
  if (name === 'InvalidStateError' || name === 'SecurityError') {
    return new StorageError('unavailable', 'this browser does not allow storage here (a private window, or storage turned off)', err);
  }
  return new StorageError('write', `the browser refused to store the data (${name || 'error'}: ${err?.message ?? err})`, err);
}

/**
 * Opens the database. Rejects with a StorageError when IndexedDB is unavailable;
 * calls `onBlocked` while an older Spanmark tab holds up an upgrade.
 */
export function openDatabase({ onBlocked = () => {}, onVersionChange = () => {} } = {}) {
  return new Promise((resolve, reject) => {
    let request;
    try {
      if (!globalThis.indexedDB) throw new DOMException('IndexedDB is missing', 'InvalidStateError');
      request = indexedDB.open(DB_NAME, DB_VERSION);
    } catch (err) {
      reject(describe(err));
      return;
    }
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE);
    };
    request.onblocked = () => onBlocked();
    request.onerror = () => reject(describe(request.error));
    request.onsuccess = () => {
      const db = request.result;
      db.onversionchange = () => {
        db.close();
        onVersionChange();
      };
      resolve(db);
    };
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(describe(tx.error));
    tx.onabort = () => reject(describe(tx.error ?? new DOMException('The write was aborted', 'AbortError')));
  });
}

/** Every stored record as `[[key, value], ...]`. */
export async function loadRecords(db) {
  const tx = db.transaction(STORE, 'readonly');
  const store = tx.objectStore(STORE);
  const keysRequest = store.getAllKeys();
  const valuesRequest = store.getAll();
  await done(tx);
  const values = valuesRequest.result;
  return keysRequest.result.map((key, i) => [key, values[i]]);
}

/**
 * Writes a batch `[[key, value or null], ...]` in one transaction, all or nothing.
 * Resolves once the browser reports it durable ('strict'), rejects with a StorageError.
 */
export async function writeRecords(db, batch) {
  let tx;
  let finished;
  try {
    tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
    finished = done(tx);
    const store = tx.objectStore(STORE);
    for (const [key, value] of batch) {
      if (value === null) store.delete(key);
      else store.put(value, key);
    }
    await finished;
  } catch (err) {
    try {
      tx?.abort();
    } catch {
      // The transaction had already ended.
    }
    // The abort settles `finished` too; the error that caused it is the one to report.
    finished?.catch(() => {});
    throw err instanceof StorageError ? err : describe(err);
  }
}

/**
 * Writes the core's changes in the background: batches what changed since the last
 * write, retries failures with growing delays, and never drops a change.
 */
export class Autosaver {
  /**
   * @param {() => object} getCore the current Spanmark instance
   * @param {(batch) => Promise} write writes one batch
   * @param {(state, detail) => void} onState 'saved' | 'saving' | 'error'
   * @param {(batch) => void} onWritten after each successful write
   */
  constructor({ getCore, write, onState, onWritten = () => {} }) {
    this.getCore = getCore;
    this.write = write;
    this.onState = onState;
    this.onWritten = onWritten;
    this.timer = null;
    this.writing = false;
    this.failures = 0;
    this.state = 'saved';
  }

  setState(state, detail) {
    this.state = state;
    this.onState(state, detail);
  }

  /** Asks for a write soon; edits made in the same task share one transaction. */
  schedule() {
    if (this.timer === null && !this.writing) this.timer = setTimeout(() => this.flush(), 0);
  }

  /** Whether some change is not yet acknowledged by the browser's storage. */
  get unsaved() {
    return this.writing || this.state === 'error' || this.getCore().hasChanges();
  }

  async flush() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.writing) return;
    const core = this.getCore();
    const batch = core.takeChanges();
    if (batch.length === 0) {
      this.setState('saved');
      return;
    }
    this.writing = true;
    this.setState('saving');
    try {
      await this.write(batch);
    } catch (err) {
      core.requeueChanges(batch.map(([key]) => key));
      this.writing = false;
      this.failures += 1;
      const retryMs = Math.min(30_000, 1000 * 2 ** (this.failures - 1));
      this.setState('error', { error: err, retryMs });
      this.timer = setTimeout(() => this.flush(), retryMs);
      return;
    }
    this.writing = false;
    this.failures = 0;
    this.onWritten(batch);
    if (this.getCore().hasChanges()) this.flush();
    else this.setState('saved');
  }
}

/**
 * Makes one tab the writer. Other tabs are read-only and follow the writer's changes;
 * when the writer closes, the next tab takes over.
 */
export function coordinateTabs({ onWriter, onReadOnly, onRemoteChange }) {
  const channel = 'BroadcastChannel' in globalThis ? new BroadcastChannel('spanmark') : null;
  if (channel) {
    channel.onmessage = (e) => {
      if (e.data?.type === 'changed') onRemoteChange();
    };
  }
  const hold = () => new Promise(() => {});
  if (!navigator.locks) {
    onWriter(false);
  } else {
    navigator.locks.request('spanmark-writer', { ifAvailable: true }, async (lock) => {
      if (lock) {
        await onWriter(false);
        return hold();
      }
      onReadOnly();
      navigator.locks.request('spanmark-writer', async () => {
        await onWriter(true);
        return hold();
      });
      return undefined;
    });
  }
  return { announce: () => channel?.postMessage({ type: 'changed' }) };
}
