// The tab's session: the saved workspace, the writer and read-only roles between tabs, adopting another workspace.

import { core, guard, loadCore } from './core.js';
import { updateHistoryButtons } from './commands.js';
import { closeDocument, openDocument, renderDocumentList } from './documents.js';
import { showMessage } from './messages.js';
import { loadLabels } from './palette.js';
import { showSaveState, startAutosave, stopAutosave } from './saving.js';
import { state } from './state.js';
import { coordinateTabs, loadRecords, openDatabase } from './storage.js';
import { ui } from './ui.js';

let db = null; // null: autosave is off
// Set while the core is being restarted after a trap.
let stopped = false;
let tabs = null;
// A read-only tab reloads the stored workspace at most once a second, however often the writer saves.
let followTimer = null;

/**
 * Refuses to start inside a frame: returns true (and shows why) when this page is not the
 * top-level page of its tab, before anything opens storage, asks for the writer lock or
 * loads the workspace. A page that frames Spanmark (made transparent, over a button of its
 * own) could otherwise make the analyst click in it unseen: undo, delete, restore, while
 * it takes the writer role and saves (clickjacking). The server's headers
 * (`frame-ancestors 'none'`, `X-Frame-Options: DENY`, see hosting/) stop that where it
 * sends them; this check covers hosts that cannot send headers.
 *
 * Every frame is refused, one of Spanmark's own origin included: that is the simplest rule
 * and the same as the headers say, and no page of this origin has a reason to frame it.
 * `window.top` is compared, never read, so a cross-origin top cannot make this throw; if
 * it ever did, the page counts as framed.
 */
export function refuseFrames() {
  let framed;
  try {
    framed = window.top !== window.self;
  } catch {
    framed = true;
  }
  if (!framed) return false;
  document.body.dataset.framed = 'refused';
  const here = `${location.origin}${location.pathname}`;
  showMessage('error', `Spanmark does not run inside another page. Open it directly: ${here}`, [
    'This page was shown inside a frame, where another site can make you click in it without seeing it. It has opened no saved work and changes nothing here.',
  ]);
  for (const control of document.querySelectorAll('button, input, select, textarea')) control.disabled = true;
  for (const part of document.querySelectorAll('main, .actions')) part.inert = true;
  ui.saveStatus.dataset.state = 'off';
  ui.saveStatus.textContent = 'Not opened';
  return true;
}

function storageOff(reason) {
  db = null;
  stopAutosave();
  showSaveState('off');
  showMessage('error', `Autosave is off: ${reason}.`, [
    'You can work as usual, but nothing is kept when this tab closes: use “Backup” or “Export all” before you leave.',
  ]);
}

/**
 * Opens the browser's storage and reads the workspace saved there. Returns it (a
 * Spanmark), or null when storage holds nothing or cannot be used (then autosave is
 * off, and the analyst is told).
 */
export async function openSavedWorkspace() {
  try {
    db = await openDatabase({
      onBlocked: () => showMessage('info', 'Waiting for another Spanmark tab to close before the saved data can be opened…'),
      onVersionChange: () => storageOff('a newer Spanmark opened in another tab; reload this tab'),
    });
  } catch (err) {
    db = null;
    storageOff(err.message);
  }
  if (!db) return null;
  try {
    return await readStoredWorkspace();
  } catch (err) {
    // Never write over data that could not be read.
    storageOff(`the saved workspace could not be opened (${err.message}); it is left untouched`);
    return null;
  }
}

/** Reads the stored workspace; returns a Spanmark, or null when storage holds nothing. */
async function readStoredWorkspace() {
  const records = await loadRecords(db);
  const restored = core().Spanmark.fromRecords(
    records.map(([key]) => key),
    records.map(([, value]) => value),
  );
  if (!restored) return null;
  const problems = restored.takeRestoreDiagnostics();
  if (problems.length) {
    showMessage(
      problems.some((p) => p.severity === 'error') ? 'error' : 'info',
      'Some saved records could not be read; everything else was restored. The unreadable records are kept as they were.',
      problems.map((p) => `[${p.severity}] ${p.message}`),
    );
  }
  return restored;
}

/** Makes `next` (a Spanmark of the current core module) the page's workspace, guarded against traps. */
export function adoptCore(next) {
  state.core = guard(next, (err) => restartCore(err));
}

/** Shows `next` as the workspace, keeping the open document if it still exists. */
function adopt(next) {
  // A core that trapped cannot even free its memory: the whole instance is dropped instead.
  if (next !== state.core && !stopped) state.core?.free();
  adoptCore(next);
  loadLabels();
  renderDocumentList();
  const ids = state.core.documents().map((d) => d.id);
  if (state.openDocId && ids.includes(state.openDocId)) openDocument(state.openDocId);
  else closeDocument();
  updateHistoryButtons();
}

/**
 * Makes this tab the writer, or a read-only follower while another tab is; resolves
 * once the role is known. A follower becomes the writer when that tab closes.
 */
export function joinTabs() {
  return new Promise((resolve) => {
    tabs = coordinateTabs({
      onWriter: async (takeover) => {
        await becomeWriter(takeover);
        resolve();
      },
      onReadOnly: () => {
        becomeReadOnly();
        resolve();
      },
      onRemoteChange: followRemoteChange,
    });
  });
}

async function becomeWriter(takeover) {
  clearTimeout(followTimer);
  followTimer = null;
  // Taking over from a writer tab that closed: read the stored records only now. Its
  // last write is in them, committed, because of this order:
  // 1. that tab starts its last transaction in its pagehide (or visibilitychange, or
  //    beforeunload) handler, synchronously, with every pending change put and the
  //    commit asked for (saveNow, Autosaver.flush with `urgent`);
  // 2. it holds the Web Lock until its page is gone, so the lock is released, and
  //    granted here, only after that transaction was created;
  // 3. so the read below creates its transaction after it, and IndexedDB runs a
  //    transaction only once every readwrite transaction created before it on the same
  //    store has finished, whichever connection (tab) made it: the read waits for the
  //    commit and sees the write.
  if (takeover && db) adopt((await readStoredWorkspace()) ?? state.core);
  state.readOnly = false;
  ui.readOnly.hidden = true;
  document.body.dataset.role = 'writer';
  updateHistoryButtons();
  if (db) startAutosave(db, () => tabs?.announce());
}

function becomeReadOnly() {
  state.readOnly = true;
  ui.readOnly.hidden = false;
  document.body.dataset.role = 'reader';
  // Nothing of this tab's own waits to be saved; without storage, "Autosave off" stays.
  if (db) showSaveState('saved');
  updateHistoryButtons();
}

function followRemoteChange() {
  if (!state.readOnly || !db || followTimer) return;
  followTimer = setTimeout(async () => {
    followTimer = null;
    if (!state.readOnly) return;
    const next = await readStoredWorkspace();
    // This tab became the writer during the read: the take-over read (not older than
    // this one) stands, and the writer's workspace must not be swapped under the autosaver.
    if (!state.readOnly) {
      next?.free();
      return;
    }
    if (next) adopt(next);
  }, 250);
}

/**
 * Restarts the core after a trap (its memory exhausted, or a bug): a fresh wasm
 * instance, the workspace read back from storage, and the analyst told what happened.
 * The instance that trapped is never called again.
 */
async function restartCore(err) {
  if (stopped) return;
  stopped = true;
  const unsavedLost = !db;
  const tell = () =>
    showMessage('error', `Spanmark's core stopped (${err.message}) and was restarted from your saved work.`, [
      unsavedLost
        ? 'Autosave is off in this tab, so the work since you last exported is not in the restarted workspace. Import your last export or backup.'
        : 'Everything the save badge had shown as Saved is back; a change made in the last moment before the stop may be missing.',
      'What you were doing when it stopped was not done. Large exports are refused before they can exhaust memory; if this happens again, please report it.',
    ]);
  tell();
  try {
    const m = await loadCore();
    const next = (db ? await readStoredWorkspace() : null) ?? new m.Spanmark();
    adopt(next);
    tell();
  } finally {
    stopped = false;
  }
}
