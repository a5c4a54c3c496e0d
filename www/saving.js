// Saving: the autosaver and its status badge, the stored view state, and whether leaving would lose work.

import { hideMessageOfKind, showMessage } from './messages.js';
import { state } from './state.js';
import { Autosaver, writePending } from './storage.js';
import { ui } from './ui.js';

let autosave = null; // null: nothing is saved automatically
// Set when autosave is off and something changed that was not exported.
let unexportedWithoutStorage = false;

/** Shows the save state in the top bar: 'saved', 'saving', 'error' (with `detail`) or 'off'. */
export function showSaveState(saveState, detail) {
  ui.saveStatus.dataset.state = saveState;
  if (saveState === 'saved') {
    ui.saveStatus.textContent = 'Saved';
    hideMessageOfKind('storage');
  } else if (saveState === 'saving') {
    ui.saveStatus.textContent = 'Saving…';
  } else if (saveState === 'error') {
    const seconds = Math.round(detail.retryMs / 1000);
    ui.saveStatus.textContent = 'Not saved';
    showMessage('storage', `Your latest changes are NOT saved: ${detail.error.message}.`, [
      'Use “Backup” or “Export all” now to keep a copy of your work.',
      `Everything is still here in this tab; Spanmark tries to save again in ${seconds} s.`,
    ]);
  } else if (saveState === 'off') {
    ui.saveStatus.textContent = 'Autosave off';
  }
}

/** Starts writing the core's changes to `db` in the background; `announce` follows each write. */
export function startAutosave(db, announce) {
  autosave = new Autosaver({
    getCore: () => state.core,
    write: (pending, job) => writePending(db, pending, job),
    onState: showSaveState,
    onWritten: () => {
      document.body.dataset.savedWrites = String(Number(document.body.dataset.savedWrites ?? 0) + 1);
      document.body.dataset.savedAnnotations = String(state.openDocId ? state.core.annotationCount(state.openDocId) : 0);
      announce();
    },
  });
  autosave.schedule();
}

/** Stops saving automatically: from now on, changes count as not exported. */
export function stopAutosave() {
  // A write still running must not report "Saved" over "Autosave off" when it completes.
  autosave?.stop();
  autosave = null;
}

/**
 * Notes a change to the workspace: the badge says "Saving…" at once (before the
 * handler that made the change returns) and the change is written soon; without
 * autosave, it is remembered as not exported.
 */
export function noteChange() {
  if (autosave) autosave.schedule();
  else unexportedWithoutStorage = true;
}

/** Notes that the whole workspace was just exported or backed up. */
export function noteExported() {
  unexportedWithoutStorage = false;
}

/**
 * Writes every change not yet saved now, in a transaction started in this task, with
 * every record put and the commit asked for before the handler returns: for the page
 * being hidden or closed (pagehide, visibilitychange, beforeunload), where a write
 * timed for later would never start. Chromium commits such a transaction unless the
 * page is discarded first; it aborts whatever is still running when the closed page's
 * connection goes, which an edit's few records are done well before (a write as large
 * as a big import may not be: the badge says "Saving…" until then, and beforeunload asks).
 */
export function saveNow() {
  if (autosave?.unsaved) autosave.flush({ urgent: true });
}

/** Whether closing the tab now would lose work. */
export function wouldLoseWork() {
  return autosave?.unsaved || unexportedWithoutStorage;
}

/**
 * Stores which document is open and the toggles, with the work, in the same
 * transactions, and through the same badge: "Saving…" until they are written.
 */
export function saveUiState() {
  state.core.setUiState(JSON.stringify({ openDocId: state.openDocId, snapWords: ui.snapWords.checked }));
  if (autosave) autosave.schedule();
}

/** The view state stored with the workspace, or {} when there is none (or it cannot be read). */
export function storedUiState() {
  try {
    return JSON.parse(state.core.uiState() ?? '{}') ?? {};
  } catch {
    return {};
  }
}
