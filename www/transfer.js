// Getting work in and out: import (with its review), export, backup and restore.

import { changed, editable } from './commands.js';
import { closeDocument, openDocument, renderDocumentList } from './documents.js';
import { download, htmlToText, looksLikeHtml, readFileBytes, readTextFile } from './files.js';
import { reviewImport } from './import-review.js';
import { describeDiagnostic, hideMessage, setStatus, showMessage } from './messages.js';
import { loadLabels } from './palette.js';
import { noteExported } from './saving.js';
import { state } from './state.js';
import { ui } from './ui.js';

// ---- Export --------------------------------------------------------------------------

// CORE RULE: the tagging schemes that CoNLL is exported in, as [scheme, title], in menu order.
function conllSchemeTitles() {
  return [['iob2', 'IOB2'], ['iob1', 'IOB1'], ['bioes', 'BIOES']];
}

// CORE RULE: an export needs the analyst's attention when it loses more than notes (a loss whose severity is not 'info').
function exportNeedsReview(losses) {
  return losses.some((l) => l.severity !== 'info');
}

/** Fills the Export menu: every format, with CoNLL once per tagging scheme ("conll:bioes"). */
export function fillExportFormats() {
  const options = [];
  for (const f of state.core.formats()) {
    if (f.id === 'conll') {
      for (const [scheme, name] of conllSchemeTitles()) {
        options.push([`conll:${scheme}`, `CoNLL (${name})`]);
      }
    } else options.push([f.id, f.title]);
  }
  ui.exportFormat.replaceChildren(
    ...options.map(([value, title]) => {
      const o = document.createElement('option');
      o.value = value;
      o.textContent = title;
      return o;
    }),
  );
}

/** Exports one document (or all when `docId` is undefined) in the chosen format. */
function exportIn(docId, what) {
  const [format, scheme] = ui.exportFormat.value.split(':');
  performance.mark('spanmark:export:start');
  let result;
  try {
    result = state.core.exportAs(format, docId, scheme);
  } catch (err) {
    showMessage('error', `The export failed: ${err.message}`, ['Nothing was downloaded; your work is unchanged.']);
    return;
  }
  // Copy everything out of the wasm object, then free its memory (a corpus export can be megabytes).
  const file = { name: result.name, mime: result.mime, bytes: result.bytes, annotationsWritten: result.annotationsWritten, losses: result.losses };
  result.free();
  performance.measure('spanmark:export', 'spanmark:export:start');
  download(file.name, file.bytes, file.mime);
  const title = ui.exportFormat.selectedOptions[0]?.textContent ?? format;
  const losses = file.losses;
  const lost = losses.filter((l) => l.severity === 'error').length;
  if (exportNeedsReview(losses)) {
    showMessage(
      'info',
      `${file.name}: ${file.annotationsWritten} annotation(s) written. ${title} cannot carry everything` +
        (lost ? `: ${lost} annotation(s) are not in the file.` : '.'),
      losses.slice(0, 200).map(describeDiagnostic).concat(losses.length > 200 ? [`…and ${losses.length - 200} more.`] : []),
    );
  } else hideMessage();
  setStatus(`Exported ${what} as ${title} (${file.annotationsWritten} annotation(s)).`);
  return file;
}

/** Exports the open document in the chosen format. */
export function exportDocument() {
  if (!state.openDocId) return;
  const doc = state.core.documents().find((d) => d.id === state.openDocId);
  exportIn(state.openDocId, doc.name);
}

/** Exports every document in the chosen format. */
export function exportAll() {
  if (exportIn(undefined, 'all documents')) noteExported();
}

// ---- Backup and restore ----------------------------------------------------------------

/** Downloads the whole workspace as one backup file. */
export function exportBackup() {
  const day = new Date().toISOString().slice(0, 10);
  download(`spanmark-backup-${day}.json`, state.core.exportBackup());
  noteExported();
  setStatus('Downloaded a backup of the whole workspace.');
}

/** Replaces the workspace with the backup in `file`, as one step that Undo takes back. */
export async function restoreBackup(file) {
  if (!editable()) return;
  hideMessage();
  let report;
  try {
    report = state.core.restoreBackup(await readTextFile(file));
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

// CORE RULE: files that are documents themselves (opened as text) rather than annotation files: .txt, .htm, .html.
function isPlainDocument(file) {
  return /\.(txt|html?)$/i.test(file.name);
}

// CORE RULE: when the core could not recognise the format of files none of which has an
// annotation file's extension, they are not annotation files (say, a .md file) but documents.
function notAnnotationFiles(message, files) {
  return /could not be recognised/.test(message) && files.every((f) => !/\.(json|jsonl|jsonld|ann|zip|conll)$/i.test(f.name));
}

/** Imports `files`: annotation files through the core, documents (.txt, .html) as new documents. */
export async function importFiles(files) {
  if (!editable()) return;
  performance.mark('spanmark:load:start');
  hideMessage();
  const lines = [];
  const problems = [];
  let firstNewDoc = null;
  let plain = files.filter(isPlainDocument);
  const data = files.filter((f) => !isPlainDocument(f));
  if (data.length) {
    const outcome = await importAnnotationFiles(data, plain);
    if (outcome.usedTextFiles) plain = [];
    if (outcome.notAnnotations) plain = plain.concat(data);
    lines.push(...outcome.lines);
    problems.push(...outcome.problems);
    firstNewDoc = outcome.firstDoc;
  }
  for (const file of plain) {
    try {
      const text = await readTextFile(file);
      const html = looksLikeHtml(file.name, text);
      const id = state.core.addDocument(file.name, html ? htmlToText(text) : text);
      firstNewDoc ??= id;
      lines.push(`${file.name}: opened as a new document${html ? ' (its visible text only)' : ''}`);
      changed();
    } catch (err) {
      problems.push(`${file.name}: ${err.message} Nothing from this file was imported.`);
    }
  }
  renderDocumentList();
  if (firstNewDoc) openDocument(firstNewDoc);
  if (problems.length) {
    showMessage(lines.length ? 'info' : 'error', lines.length ? `Imported ${lines.join('; ')}.` : 'Import failed.', problems);
  }
  setStatus(lines.length ? `Imported ${lines.join('; ')}.` : 'Nothing was imported.');
}

/**
 * Imports annotation files (any format the core reads; .txt files go along as the
 * texts for brat, CoNLL and W3C). The core checks everything first; when its report
 * holds errors or warnings, the analyst sees it and decides.
 */
async function importAnnotationFiles(data, textFiles) {
  const names = data.map((f) => f.name).join(', ');
  const outcome = { lines: [], problems: [], firstDoc: null, usedTextFiles: false, notAnnotations: false };
  state.core.discardImport();
  try {
    for (const file of [...data, ...textFiles]) state.core.addImportFile(file.name, await readFileBytes(file));
  } catch (err) {
    state.core.discardImport();
    outcome.problems.push(`${err.message} Nothing was imported.`);
    return outcome;
  }
  setStatus(`Reading ${names}…`);
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
  performance.mark('spanmark:import:start');
  let staged;
  try {
    staged = state.core.stageImport(undefined, undefined);
  } catch (err) {
    state.core.discardImport();
    if (notAnnotationFiles(err.message, data)) {
      outcome.notAnnotations = true; // say, a .md file: open it as a document
    } else {
      outcome.problems.push(`${names}: ${err.message} Nothing from ${data.length > 1 ? 'these files' : 'this file'} was imported.`);
      outcome.usedTextFiles = true; // the .txt files came with it: they are not opened on their own
    }
    return outcome;
  }
  outcome.usedTextFiles = staged.usesTextFiles;
  if (staged.needsReview) {
    staged = await reviewImport(names, staged, (format, unit) => state.core.stageImport(format, unit));
    if (!staged) {
      state.core.discardImport();
      outcome.lines.push(`${names}: import cancelled, nothing changed`);
      outcome.usedTextFiles = true;
      return outcome;
    }
  }
  let report;
  try {
    report = state.core.applyImport();
  } catch (err) {
    state.core.discardImport();
    outcome.problems.push(`${names}: ${err.message}`);
    return outcome;
  }
  performance.measure('spanmark:import', 'spanmark:import:start');
  if (report.labelsAdded.length) loadLabels();
  outcome.firstDoc = report.documentIds.find((id) => id !== state.openDocId) ?? report.documentIds[0] ?? null;
  if (state.openDocId && report.documentIds.includes(state.openDocId)) openDocument(state.openDocId);
  outcome.lines.push(
    `${names} (${staged.formatTitle}): ${report.documentsRead} document(s), ${report.annotationsAdded} annotation(s)` +
      (report.labelsAdded.length ? `, new labels ${report.labelsAdded.join(', ')}` : ''),
  );
  if (!staged.needsReview) outcome.problems.push(...report.diagnostics.map(describeDiagnostic));
  changed();
  return outcome;
}
