// Getting work in and out: import (with its review), export, backup and restore. The
// binding reads the files and writes the downloads; the core decides what each file is.

import { core } from './core.js';
import { changed, editable } from './commands.js';
import { closeDocument, documentInfo, openDocument, renderDocumentList } from './documents.js';
import { htmlToText } from './files.js';
import { reviewImport } from './import-review.js';
import { describeDiagnostic, describeGroup, hideMessage, setStatus, showMessage } from './messages.js';
import { loadColleagueLayer } from './layers.js';
import { loadLabels } from './palette.js';
import { noteExported } from './saving.js';
import { state } from './state.js';
import { ui } from './ui.js';

// ---- Export --------------------------------------------------------------------------

/** Fills the Export menu from the core: every format, with CoNLL once per tagging scheme ("conll:bioes"). */
export function fillExportFormats() {
  ui.exportFormat.replaceChildren(
    ...state.core.formats().map(({ id, title }) => {
      const o = document.createElement('option');
      o.value = id;
      o.textContent = title;
      return o;
    }),
  );
}

/**
 * Exports one document (or all when `docId` is undefined) in the chosen format; `make`
 * (given the format) makes another export instead, such as a layer's.
 */
function exportIn(docId, what, make = (choice) => state.core.exportAs(choice, docId)) {
  const choice = ui.exportFormat.value;
  performance.mark('spanmark:export:start');
  let file;
  let result;
  try {
    result = make(choice);
    // The download is made in the binding, straight from wasm memory.
    result.download();
    file = {
      name: result.name,
      annotationsWritten: result.annotationsWritten,
      annotationsLeftOut: result.annotationsLeftOut,
      losses: result.losses,
      needsReview: result.needsReview,
    };
  } catch (err) {
    showMessage('error', `The export failed: ${err.message}`, ['Nothing was downloaded; your work is unchanged.']);
    return;
  } finally {
    // A corpus export can be megabytes: give its memory back at once.
    result?.free();
  }
  performance.measure('spanmark:export', 'spanmark:export:start');
  const title = ui.exportFormat.selectedOptions[0]?.textContent ?? choice;
  const { losses, annotationsLeftOut: lost } = file;
  if (file.needsReview) {
    const kinds = losses.summary.map(describeGroup);
    showMessage(
      'info',
      `${file.name}: ${file.annotationsWritten} annotation(s) written. ${title} cannot carry everything` +
        (lost ? `: ${lost} annotation(s) are not in the file.` : '.'),
      (losses.diagnosticCount > losses.diagnostics.length ? kinds : []).concat(losses.diagnostics.map(describeDiagnostic)),
      (losses.diagnosticCount > losses.diagnostics.length ? kinds.length : 0) + losses.diagnosticCount,
    );
  } else hideMessage();
  setStatus(`Exported ${what} as ${title} (${file.annotationsWritten} annotation(s)).`);
  return file;
}

/** Exports the open document in the chosen format. */
export function exportDocument() {
  if (!state.openDocId) return;
  const doc = documentInfo(state.openDocId);
  exportIn(state.openDocId, doc.name);
}

/** Exports every document in the chosen format. */
export function exportAll() {
  if (exportIn(undefined, 'all documents')) noteExported();
}

/** Exports annotator `layer`'s layer (the analyst's own: the gold layer) in the chosen format. */
export function exportLayerFile(layer) {
  const own = layer === state.core.analyst();
  if (exportIn(undefined, own ? `your layer (${layer})` : `${layer}'s layer`, (choice) => state.core.exportLayer(layer, choice)) && own) noteExported();
}

// ---- Backup and restore ----------------------------------------------------------------

/** Downloads the whole workspace as one backup file. */
export function exportBackup() {
  const day = new Date().toISOString().slice(0, 10);
  try {
    state.core.downloadBackup(`spanmark-backup-${day}.json`);
  } catch (err) {
    showMessage('error', `The backup failed: ${err.message}`, ['Nothing was downloaded; your work is unchanged.']);
    return;
  }
  noteExported();
  setStatus('Downloaded a backup of the whole workspace.');
}

/** Replaces the workspace with the backup in `file`, as one step that Undo takes back. */
export async function restoreBackup(file) {
  if (!editable()) return;
  hideMessage();
  let report;
  try {
    report = state.core.restoreBackup(await core().readFiles([file]));
  } catch (err) {
    showMessage('error', `${file.name} was not restored: ${err.message}`, ['Your workspace is unchanged.']);
    return;
  }
  loadLabels();
  closeDocument();
  renderDocumentList();
  if (report.documentIds[0]) openDocument(report.documentIds[0]);
  setStatus(`Restored ${report.documentIds.length} document(s) and ${report.annotationsAdded} annotation(s) from ${file.name}. Undo (Ctrl+Z) brings back what was there before.`);
  changed();
}

// ---- Import --------------------------------------------------------------------------

/**
 * Imports `files` as the core decides: annotation files through its staging (with the
 * .txt files their format reads as texts), the others as new documents (HTML pages as
 * their visible text). Anything refused is named with the reason, and changes nothing.
 */
export async function importFiles(files) {
  if (!editable()) return;
  performance.mark('spanmark:load:start');
  hideMessage();
  const lines = [];
  const problems = [];
  let firstNewDoc = null;
  let intake;
  try {
    state.core.discardImport();
    intake = state.core.intake(await core().readFiles(files));
  } catch (err) {
    state.core.discardImport();
    showMessage('error', 'Import failed.', [`${err.message} Nothing was imported.`]);
    setStatus('Nothing was imported.');
    return;
  }
  for (const r of intake.refused) problems.push(`${r.message} Nothing from this file was imported.`);
  if (intake.annotationFiles.length) {
    const outcome = await importAnnotationFiles(intake.annotationFiles);
    for (const line of outcome.lines) lines.push(line);
    for (const problem of outcome.problems) problems.push(problem);
    firstNewDoc = outcome.firstDoc;
  }
  for (const file of intake.documents) {
    try {
      const html = file.kind === 'html';
      const id = html ? state.core.addDocument(file.name, htmlToText(state.core.documentFileText(file.index))) : state.core.openDocumentFile(file.index);
      firstNewDoc ??= id;
      lines.push(`${file.name}: opened as a new document${html ? ' (its visible text only)' : ''}`);
      changed();
    } catch (err) {
      problems.push(`${file.name}: ${err.message} Nothing from this file was imported.`);
    }
  }
  state.core.discardImport();
  renderDocumentList();
  if (firstNewDoc) openDocument(firstNewDoc);
  if (problems.length) {
    showMessage(lines.length ? 'info' : 'error', lines.length ? `Imported ${lines.join('; ')}.` : 'Import failed.', problems);
  }
  setStatus(lines.length ? `Imported ${lines.join('; ')}.` : 'Nothing was imported.');
}

/**
 * Imports the annotation files the core took in (any format it reads, with the .txt
 * files that go along). The core checks everything first; when its report holds errors
 * or warnings, the analyst sees it and decides.
 */
async function importAnnotationFiles(fileNames) {
  const names = fileNames.join(', ');
  const outcome = { lines: [], problems: [], firstDoc: null };
  setStatus(`Reading ${names}…`);
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
  performance.mark('spanmark:import:start');
  let staged;
  try {
    staged = state.core.stageImport({});
  } catch (err) {
    outcome.problems.push(`${names}: ${err.message} Nothing from ${fileNames.length > 1 ? 'these files' : 'this file'} was imported.`);
    return outcome;
  }
  if (staged.needsReview) {
    staged = await reviewImport(
      names,
      staged,
      (choices) => state.core.stageImport(choices),
      (skip, count) => state.core.stagedDiagnostics(skip, count),
    );
    if (!staged) {
      outcome.lines.push(`${names}: import cancelled, nothing changed`);
      return outcome;
    }
    // Chosen in the report: the files become a colleague's layer, not part of one's own (layers.js).
    if (staged.asLayer) {
      const report = await loadColleagueLayer(staged.asLayer, staged.format, names);
      outcome.lines.push(report ? `${names} as ${staged.asLayer}'s layer (${report.annotationsAdded} annotation(s))` : `${names}: not loaded as a layer`);
      return outcome;
    }
  }
  let report;
  try {
    report = state.core.applyImport();
  } catch (err) {
    outcome.problems.push(`${names}: ${err.message}`);
    return outcome;
  }
  performance.measure('spanmark:import', 'spanmark:import:start');
  // The report names the labels added, not the relation types: a file may bring relation
  // types alone (the palette, the hotkeys and linking read them from loadLabels).
  loadLabels();
  // The open document stays open when the import went into it (a merge); else the first imported one opens.
  outcome.firstDoc = report.documentIds.includes(state.openDocId) ? state.openDocId : (report.documentIds[0] ?? null);
  if (state.openDocId && report.documentIds.includes(state.openDocId)) openDocument(state.openDocId);
  outcome.lines.push(
    `${names} (${staged.formatTitle}): ${report.documentsRead} document(s), ${report.annotationsAdded} annotation(s)` +
      (report.labelsAdded.length ? `, new labels ${report.labelsAdded.join(', ')}` : ''),
  );
  // The report is short here (a long one was reviewed before it applied); never spread a list of unknown length.
  if (!staged.needsReview) for (const d of report.diagnostics) outcome.problems.push(describeDiagnostic(d));
  changed();
  return outcome;
}
