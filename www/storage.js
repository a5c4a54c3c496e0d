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

// Records put per slice: a large change is written in slices, each its own task,
// so the page keeps painting, yet all in one transaction, so it lands all or nothing.
const SLICE = 5000;

/**
 * Writes every pending change of `core` in one transaction: slices of at most SLICE
 * records, the next slice issued when the previous one is stored (which keeps the
 * transaction alive). Resolves when the browser reports the whole transaction durable;
 * rejects with a StorageError. Returns the keys written (to requeue them on failure).
 */
export function writePending(db, core, taken) {
  return new Promise((resolve, reject) => {
    let tx;
    try {
      tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
    } catch (err) {
      reject(describe(err));
      return;
    }
    done(tx).then(resolve, reject);
    const store = tx.objectStore(STORE);
    const next = () => {
      const batch = core.takeChanges(SLICE);
      // Every key of the slice counts as taken before any is written, so that a
      // failure part-way requeues all of them.
      for (const [key] of batch) taken.push(key);
      let last = null;
      try {
        for (const [key, value] of batch) {
          last = value === null ? store.delete(key) : store.put(value, key);
        }
      } catch (err) {
        try {
          tx.abort();
        } catch {
          // The transaction had already ended.
        }
        reject(describe(err));
        return;
      }
      // More to write: continue once this slice is stored, in a later task.
      if (last && batch.length === SLICE) last.onsuccess = next;
    };
    next();
  });
}

/**
 * Writes the core's changes in the background: batches what changed since the last
 * write, retries failures with growing delays, and never drops a change.
 */
export class Autosaver {
  /**
   * @param {() => object} getCore the current Spanmark instance
   * @param {(core, taken) => Promise} write writes every pending change, pushing each key to `taken`
   * @param {(state, detail) => void} onState 'saved' | 'saving' | 'error'
   * @param {() => void} onWritten after each successful write
   */
  constructor({ getCore, write, onState, onWritten = () => {} }) {
    this.getCore = getCore;
    this.write = write;
    this.onState = onState;
    this.onWritten = onWritten;
    this.timer = null;
    this.frame = 0;
    this.writing = false;
    this.retrying = false;
    this.failures = 0;
    this.state = 'saved';
  }

  setState(state, detail) {
    this.state = state;
    this.onState(state, detail);
  }

  /**
   * Asks for a write soon: after the next paint (so an edit shows before it is saved),
   * or within half a second where no frame comes (a background tab).
   */
  schedule() {
    if (this.writing || this.retrying || this.timer !== null) return;
    const go = () => this.flush();
    this.frame = requestAnimationFrame(() => setTimeout(go));
    this.timer = setTimeout(go, 500);
  }

  /** Whether some change is not yet acknowledged by the browser's storage. */
  get unsaved() {
    return this.writing || this.state === 'error' || this.getCore().hasChanges();
  }

  async flush() {
    cancelAnimationFrame(this.frame);
    clearTimeout(this.timer);
    this.timer = null;
    this.retrying = false;
    if (this.writing) return;
    const core = this.getCore();
    if (!core.hasChanges()) {
      this.setState('saved');
      return;
    }
    this.writing = true;
    this.setState('saving');
    const taken = [];
    try {
      await this.write(core, taken);
    } catch (err) {
      core.requeueChanges(taken);
      this.writing = false;
      this.failures += 1;
      const retryMs = Math.min(30_000, 1000 * 2 ** (this.failures - 1));
      this.setState('error', { error: err, retryMs });
      this.retrying = true;
      this.timer = setTimeout(() => this.flush(), retryMs);
      return;
    }
    this.writing = false;
    this.failures = 0;
    this.onWritten();
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
