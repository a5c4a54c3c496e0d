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

function commit(tx) {
  // Ask for the commit now rather than when the page next runs a task: the page may
  // be gone by then (a tab closing). Older browsers commit on their own.
  try {
    tx.commit?.();
  } catch {
    // Already committing or aborted: its outcome reaches `done`.
  }
}

/**
 * Writes the pending changes of `core` in one transaction, described by `job`:
 * `job.taken` receives every key taken from the core (to requeue them on failure);
 * `job.slice` is how many records to put per task (null: every pending change at once,
 * in this task); `job.issued` is set when the last slice is put and the commit asked
 * for; until then `job.cancel()` aborts the transaction. Resolves when the browser
 * reports the whole transaction durable (`oncomplete`, strict durability); rejects
 * with a StorageError.
 */
export function writePending(db, core, job) {
  const slice = job.slice === undefined ? SLICE : job.slice;
  return new Promise((resolve, reject) => {
    let tx;
    try {
      tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
    } catch (err) {
      reject(describe(err));
      return;
    }
    done(tx).then(resolve, reject);
    job.cancel = () => {
      try {
        tx.abort();
      } catch {
        // Already committing or finished.
      }
    };
    const store = tx.objectStore(STORE);
    // Puts (deletes, for a null value) `records` ([key, value] pairs); returns the last
    // request (null when there were none), or undefined after a failure, having aborted
    // the transaction and rejected.
    const putAll = (records) => {
      let last = null;
      try {
        for (const [key, value] of records) last = value === null ? store.delete(key) : store.put(value, key);
      } catch (err) {
        try {
          tx.abort();
        } catch {
          // The transaction had already ended.
        }
        reject(describe(err));
        return undefined;
      }
      return last;
    };
    const next = () => {
      const batch = core.takeChanges(slice);
      // Every key of the slice counts as taken before any is written, so that a
      // failure part-way requeues all of them.
      for (const [key] of batch) job.taken.push(key);
      const last = putAll(batch);
      if (last === undefined) return;
      // The core ends a slice at `slice` records or about a megabyte of values: more may
      // wait either way, and all of it belongs in this transaction.
      if (last && slice !== null && core.hasChanges()) {
        // More to write: continue once this slice is stored, in a later task.
        last.onsuccess = next;
      } else {
        // Team sync's record (bytes): the updates since the last write appended to its log,
        // or the whole record; in the same transaction.
        const replica = core.takeReplicaRecords();
        for (const [key] of replica) job.taken.push(key);
        if (putAll(replica) === undefined) return;
        job.issued = true;
        commit(tx);
      }
    };
    next();
  });
}

/**
 * Writes the core's changes in the background: batches what changed since the last
 * write, retries failures with growing delays, and never drops a change.
 *
 * The state it reports is true at every moment: 'saving' as soon as a change is noted
 * (in the same task), 'saved' only when the core holds no pending change and every
 * transaction holding a taken change has completed, 'error' from a failed write until
 * a later one succeeds.
 */
export class Autosaver {
  /**
   * @param {() => object} getCore the current Spanmark instance
   * @param {(core, job) => Promise} write writes pending changes as `writePending` does
   * @param {(state, detail) => void} onState 'saved' | 'saving' | 'error'
   * @param {() => void} onWritten after each successful write
   */
  constructor({ getCore, write, onState, onWritten = () => {} }) {
    this.getCore = getCore;
    this.write = write;
    this.onState = onState;
    this.onWritten = onWritten;
    // Writes whose transaction has not completed yet: normally at most one; a write
    // forced by the page being hidden or closed may start while another is running.
    this.writes = new Set();
    this.frame = 0;
    this.soon = null; // the task after the next frame
    this.timer = null; // the fallback where no frame comes
    this.retryTimer = null;
    this.failures = 0;
    this.state = null; // nothing reported yet: the page shows "Loading…"
    this.stopped = false;
  }

  setState(state, detail) {
    if (this.stopped || (state === this.state && state !== 'error')) return;
    this.state = state;
    this.onState(state, detail);
  }

  /** Whether some change is not yet in a completed transaction. */
  get unsaved() {
    return this.writes.size > 0 || this.state === 'error' || this.getCore().hasChanges();
  }

  /**
   * Notes a change (or that nothing may have changed): the badge says so at once, and
   * a write follows soon, after the next paint (so an edit shows before it is saved),
   * or within half a second where no frame comes (a background tab).
   */
  schedule() {
    // A failed write keeps saying "Not saved" until its retry (already timed) succeeds.
    if (this.stopped || this.state === 'error') return;
    if (!this.unsaved) {
      this.setState('saved');
      return;
    }
    this.setState('saving');
    // A running write looks for more changes when it completes.
    if (this.writes.size > 0 || this.timer !== null) return;
    const go = () => this.flush();
    this.frame = requestAnimationFrame(() => {
      this.soon = setTimeout(go);
    });
    this.timer = setTimeout(go, 500);
  }

  cancelTimers() {
    cancelAnimationFrame(this.frame);
    clearTimeout(this.soon);
    clearTimeout(this.timer);
    clearTimeout(this.retryTimer);
    this.frame = 0;
    this.soon = this.timer = this.retryTimer = null;
  }

  /**
   * Starts writing every pending change. Normally one write runs at a time (the next
   * starts when it completes). `urgent` (the page is being hidden or closed) starts
   * the transaction in this task, with every pending change put and its commit asked
   * for in this task, whatever is running. A write still putting slices is aborted and
   * its keys are taken again: its later slices would need tasks a closing page no
   * longer runs, and the browser would run the new transaction only after it (both
   * would be lost). A write whose commit was asked for is left to complete; the new
   * transaction runs after it, so the newer values land last.
   */
  flush({ urgent = false } = {}) {
    if (this.stopped) return;
    this.cancelTimers();
    const core = this.getCore();
    if (urgent) {
      for (const w of this.writes) {
        if (w.issued || w.superseded) continue;
        w.superseded = true;
        w.cancel?.();
        core.requeueChanges(w.taken);
      }
    } else if (this.writes.size > 0) {
      return; // its completion calls flush again
    }
    if (!core.hasChanges()) {
      if (this.writes.size === 0) this.setState('saved');
      return;
    }
    const job = { taken: [], slice: urgent ? null : undefined, issued: false, superseded: false, cancel: null };
    this.writes.add(job);
    this.setState('saving');
    let writing;
    try {
      writing = this.write(core, job);
    } catch (err) {
      writing = Promise.reject(err);
    }
    writing.then(
      () => this.written(job),
      (err) => this.failed(job, core, err),
    );
  }

  written(job) {
    this.writes.delete(job);
    if (this.stopped) return;
    this.failures = 0;
    this.onWritten();
    // Another transaction is still running: its completion decides.
    if (this.writes.size > 0) return;
    // Changes made meanwhile (or requeued by a failed write) are not saved yet.
    if (this.getCore().hasChanges()) this.flush();
    else this.setState('saved');
  }

  failed(job, core, err) {
    this.writes.delete(job);
    if (this.stopped) return;
    if (job.superseded) {
      // Aborted on purpose: a later transaction holds its changes and reports.
      if (this.writes.size === 0) this.flush();
      return;
    }
    core.requeueChanges(job.taken);
    this.failures += 1;
    const retryMs = Math.min(30_000, 1000 * 2 ** (this.failures - 1));
    this.setState('error', { error: err, retryMs });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.flush();
    }, retryMs);
  }

  /** Stops for good: no more writes, and no more reports (autosave is off). */
  stop() {
    this.cancelTimers();
    this.stopped = true;
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
    // The writer holds the lock as long as its page lives: a waiting tab gets it only
    // once the writer's page is gone, after its pagehide handler started its last write.
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
