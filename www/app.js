// Spanmark's shell: DOM events in, calls to the wasm core, DOM updates out.

import init, { Spanmark } from './pkg/spanmark.js';
import { DocView } from './view.js';
import { selectionRangeUtf16 } from './dom-offsets.js';
import { download, htmlToText, looksLikeHtml, readFileBytes, readTextFile } from './files.js';
import { Autosaver, coordinateTabs, loadRecords, openDatabase, writePending } from './storage.js';

const $ = (id) => document.getElementById(id);

const ui = {
  docList: $('document-list'),
  palette: $('palette'),
  doc: $('doc'),
  docEmpty: $('doc-empty'),
  annList: $('annotation-list'),
  annPanel: $('annotations-panel'),
  annCount: $('annotation-count'),
  status: $('status'),
  message: $('message'),
  messageText: $('message-text'),
  messageDetails: $('message-details'),
  snapWords: $('snap-words'),
  exportDoc: $('export-doc'),
  exportAll: $('export-all'),
  exportFormat: $('export-format'),
  importDialog: $('import-dialog'),
  importInput: $('import-input'),
  dropZone: $('drop-zone'),
  saveStatus: $('save-status'),
  undo: $('undo'),
  redo: $('redo'),
  backup: $('backup'),
  restoreInput: $('restore-input'),
  readOnly: $('read-only'),
};

let core;
let labels = new Map();
let view;
let openDocId = null;
let db = null; // null: autosave is off
let autosave = null;
let tabs = null;
let readOnly = false;
// Set when autosave is off and something changed that was not exported.
let unexportedWithoutStorage = false;


function setStatus(text) {
  ui.status.textContent = text;
}

/** Shows a message the analyst must read; `kind` is 'error' or 'info'. */
function showMessage(kind, text, details = []) {
  ui.message.dataset.kind = kind;
  ui.messageText.textContent = text;
  ui.messageDetails.replaceChildren(
    ...details.map((d) => {
      const li = document.createElement('li');
      li.textContent = d;
      return li;
    }),
  );
  ui.message.hidden = false;
}

function hideMessage() {
  ui.message.hidden = true;
}

function quote(text) {
  return `“${text.length > 60 ? `${text.slice(0, 57)}…` : text}”`;
}

// ---- Labels -------------------------------------------------------------------

function loadLabels() {
  labels = new Map(core.labels().map((l) => [l.id, l]));
  if (view) view.labels = labels;
  renderPalette();
}

function renderPalette() {
  const buttons = [...labels.values()].map((label) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'label-button';
    b.dataset.label = label.id;
    b.setAttribute('aria-label', label.name);
    b.title = `${label.name} (${label.id}): ${label.description}`;
    if (label.hotkey) b.setAttribute('aria-keyshortcuts', label.hotkey);
    b.style.setProperty('--label-color', label.color);
    const key = document.createElement('kbd');
    key.textContent = label.hotkey ?? '';
    const name = document.createElement('span');
    name.textContent = label.id;
    b.append(key, name);
    return b;
  });
  ui.palette.replaceChildren(...buttons);
}

// ---- Documents ----------------------------------------------------------------

function renderDocumentList() {
  const items = core.documents().map((d) => {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'document-button';
    b.dataset.docId = d.id;
    if (d.id === openDocId) b.setAttribute('aria-current', 'true');
    const title = document.createElement('span');
    title.className = 'doc-title';
    title.textContent = d.title;
    const meta = document.createElement('span');
    meta.className = 'doc-meta';
    meta.textContent = `${d.name} · ${d.annotationCount} annotation${d.annotationCount === 1 ? '' : 's'}`;
    b.append(title, meta);
    li.append(b);
    return li;
  });
  ui.docList.replaceChildren(...items);
}

/** Opens a document: its text at once (long ones in chunks, with progress), highlights near the screen. */
async function openDocument(docId) {
  openDocId = docId;
  performance.mark('spanmark:open:start');
  ui.doc.hidden = false;
  ui.docEmpty.hidden = true;
  ui.exportDoc.disabled = false;
  renderDocumentList();
  ui.annPanel.scrollTop = 0;
  renderAnnotationList();
  window.scrollTo(0, 0);
  const opened = await view.open(core, docId, (fraction) => {
    if (fraction < 1) setStatus(`Opening… ${Math.round(fraction * 100)}%`);
  });
  if (!opened || openDocId !== docId) return;
  if (ui.status.textContent.startsWith('Opening…')) setStatus('Opened.');
  view.highlightVisible();
  saveUiState();
  // The open is complete when the browser has painted the highlighted text.
  requestAnimationFrame(() =>
    setTimeout(() => {
      performance.mark('spanmark:opened');
      performance.measure('spanmark:open', 'spanmark:open:start');
      document.body.dataset.openedDoc = docId;
    }),
  );
  const info = core.documents().find((d) => d.id === docId);
  if (info?.bidiControls) {
    showMessage(
      'info',
      `This document contains ${info.bidiControls} bidirectional control character(s) (such as U+202E), which can make text display in another order than it is stored.`,
      ['Each line is shown isolated so the reordering cannot spread; offsets and exports follow the stored order.'],
    );
  }
}

function closeDocument() {
  openDocId = null;
  view.selectedId = null;
  ui.doc.replaceChildren();
  ui.doc.hidden = true;
  ui.docEmpty.hidden = false;
  ui.exportDoc.disabled = true;
  renderAnnotationList();
  saveUiState();
}

/** Stores which document is open and the toggles, with the work, in the same transactions. */
function saveUiState() {
  core.setUiState(JSON.stringify({ openDocId, snapWords: ui.snapWords.checked }));
  if (autosave) autosave.schedule();
}

function storedUiState() {
  try {
    return JSON.parse(core.uiState() ?? '{}') ?? {};
  } catch {
    return {};
  }
}

// ---- History ---------------------------------------------------------------------

function updateHistoryButtons() {
  const undo = core.undoSummary();
  const redo = core.redoSummary();
  ui.undo.disabled = !undo || readOnly;
  ui.redo.disabled = !redo || readOnly;
  ui.undo.title = undo ? `Undo: ${undo} (Ctrl+Z)` : 'Nothing to undo';
  ui.redo.title = redo ? `Redo: ${redo} (Ctrl+Shift+Z or Ctrl+Y)` : 'Nothing to redo';
}

function travel(direction) {
  if (!editable()) return;
  let change;
  try {
    change = direction === 'undo' ? core.undo() : core.redo();
  } catch (err) {
    showMessage('error', `That step could not be ${direction === 'undo' ? 'undone' : 'redone'}: ${err.message}`, [
      'The step was dropped from the history; nothing else changed.',
    ]);
    changed();
    return;
  }
  if (!change) {
    setStatus(direction === 'undo' ? 'Nothing to undo.' : 'Nothing to redo.');
    return;
  }
  view.select(null);
  redrawAfter(change.effects);
  setStatus(`${direction === 'undo' ? 'Undid' : 'Redid'}: ${change.summary}.`);
  changed();
}

/** Redraws what a change touched, switching to the document it happened in. */
function redrawAfter(effects) {
  if (effects.some((e) => e.kind === 'schema')) loadLabels();
  const docs = new Set(core.documents().map((d) => d.id));
  const spans = effects.filter((e) => e.kind === 'span');
  if (effects.some((e) => e.kind === 'documents')) {
    if (openDocId && !docs.has(openDocId)) closeDocument();
    const target = spans[0]?.docId ?? (openDocId || null);
    if (target && docs.has(target)) openDocument(target);
  } else if (spans.length) {
    if (spans[0].docId !== openDocId) openDocument(spans[0].docId);
    else for (const e of spans) if (e.docId === openDocId) view.refresh(e.startUtf16, e.endUtf16);
  }
  renderDocumentList();
  renderAnnotationList();
}

// ---- Annotations --------------------------------------------------------------

// The annotation list shows only the rows in view: a document may have 100,000.
const ROW_PX = 32;
const ROWS_AROUND = 12;

function renderAnnotationList() {
  if (!openDocId) {
    ui.annList.replaceChildren();
    ui.annList.style.height = '0px';
    ui.annCount.textContent = '';
    return;
  }
  const count = core.annotationCount(openDocId);
  ui.annCount.textContent = `(${count})`;
  ui.annList.style.height = `${count * ROW_PX}px`;
  scheduleAnnotationRows();
}

// The list's geometry, read once per frame at most: reading layout right after an
// edit would force the browser to lay out the article synchronously.
let rowsFrame = 0;
function scheduleAnnotationRows() {
  if (!rowsFrame) rowsFrame = requestAnimationFrame(renderAnnotationRows);
}

function renderAnnotationRows() {
  rowsFrame = 0;
  if (!openDocId) return;
  const top = ui.annPanel.scrollTop - ui.annList.offsetTop;
  const first = Math.max(0, Math.floor(top / ROW_PX) - ROWS_AROUND);
  const count = Math.ceil(ui.annPanel.clientHeight / ROW_PX) + 2 * ROWS_AROUND;
  const anns = core.annotationsPage(openDocId, first, count);
  ui.annList.replaceChildren(
    ...anns.map((a, k) => {
      const li = document.createElement('li');
      li.style.top = `${(first + k) * ROW_PX}px`;
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'annotation-button';
      b.dataset.annotationId = a.id;
      b.title = `${a.label}: ${a.text}${a.extra?.note ? ` (note: ${a.extra.note})` : ''}`;
      if (a.id === view.selectedId) b.classList.add('selected');
      const chip = document.createElement('span');
      chip.className = 'chip';
      chip.style.setProperty('--label-color', view.color(a.label));
      chip.textContent = a.label;
      const q = document.createElement('span');
      q.className = 'quote';
      q.textContent = a.text;
      b.append(chip, q);
      // What imports bring along: a note (brat, W3C) and suggestions (Label Studio predictions).
      if (a.extra?.attributes?.origin?.startsWith('prediction')) {
        const tag = document.createElement('span');
        tag.className = 'badge';
        tag.textContent = 'suggested';
        b.append(tag);
      }
      if (a.extra?.note) {
        const note = document.createElement('span');
        note.className = 'badge';
        note.textContent = 'note';
        b.append(note);
      }
      li.append(b);
      return li;
    }),
  );
  // Reveal the selected annotation, if it is still selected (it may be gone by now).
  if (pendingReveal) {
    const id = pendingReveal;
    pendingReveal = null;
    if (id === view.selectedId) revealNow(id);
  }
}

/** Scrolls the annotation list so that annotation `id` is in view (at the next frame). */
let pendingReveal = null;
function revealInList(id) {
  pendingReveal = id;
  scheduleAnnotationRows();
}

function revealNow(id) {
  const rank = core.annotationRank(openDocId, id);
  const rowTop = ui.annList.offsetTop + rank * ROW_PX;
  if (rowTop < ui.annPanel.scrollTop || rowTop + ROW_PX > ui.annPanel.scrollTop + ui.annPanel.clientHeight) {
    ui.annPanel.scrollTop = rowTop - ui.annPanel.clientHeight / 2;
    renderAnnotationRows();
  }
}

function selectAnnotation(id, { scroll = false } = {}) {
  const mark = view.select(id);
  if (id) revealInList(id);
  for (const b of ui.annList.querySelectorAll('.annotation-button')) {
    b.classList.toggle('selected', b.dataset.annotationId === id);
  }
  if (mark && scroll) mark.scrollIntoView({ block: 'center' });
  if (id) {
    const a = core.annotation(openDocId, id);
    setStatus(`Selected ${a.label} ${quote(a.text)}: Delete removes it, a label hotkey relabels it.`);
  }
}

/** Everything that follows a change to the workspace: save it, update history buttons. */
function changed() {
  if (autosave) autosave.schedule();
  else unexportedWithoutStorage = true;
  updateHistoryButtons();
}

function afterEdit(ann) {
  view.refresh(ann.startUtf16, ann.endUtf16);
  renderAnnotationList();
  updateDocumentCount(openDocId);
  changed();
}

/** Updates one document's annotation count in the list, without rebuilding the list. */
function updateDocumentCount(docId) {
  const meta = ui.docList.querySelector(`.document-button[data-doc-id="${CSS.escape(docId)}"] .doc-meta`);
  if (!meta) return;
  const count = core.annotationCount(docId);
  meta.textContent = meta.textContent.replace(/ · \d+ annotations?$/, ` · ${count} annotation${count === 1 ? '' : 's'}`);
}

/** Refuses an edit in a read-only tab, saying why. */
function editable() {
  if (!readOnly) return true;
  setStatus('This tab is read-only while Spanmark is open in another tab. Edit there, or close it.');
  return false;
}

/** Tags the text selection with `labelId`, or relabels the selected annotation. */
function applyLabel(labelId) {
  if (!editable()) return;
  if (!openDocId) {
    showMessage('info', 'Open a document first, then select the words to tag.');
    return;
  }
  let range;
  try {
    range = selectionRangeUtf16(ui.doc, view.lengthUtf16);
  } catch (err) {
    setStatus(err.message);
    return;
  }
  if (!range) {
    if (view.selectedId) relabel(view.selectedId, labelId);
    else setStatus('Select some text first (drag over it, or double-click a word).');
    return;
  }
  let result;
  try {
    const span = core.normalizeSelection(openDocId, range.startUtf16, range.endUtf16, ui.snapWords.checked);
    result = core.addAnnotation(openDocId, span.startUtf16, span.endUtf16, labelId);
  } catch (err) {
    setStatus(err.message);
    return;
  }
  document.getSelection().removeAllRanges();
  const a = result.annotation;
  if (!result.changed) {
    selectAnnotation(a.id);
    setStatus(`${quote(a.text)} is already tagged ${a.label}; nothing changed.`);
    return;
  }
  afterEdit(a);
  selectAnnotation(a.id);
  setStatus(`Tagged ${quote(a.text)} as ${a.label}.`);
}

function relabel(id, labelId) {
  if (!editable()) return;
  let result;
  try {
    result = core.relabelAnnotation(openDocId, id, labelId);
  } catch (err) {
    setStatus(err.message);
    return;
  }
  const a = result.annotation;
  if (!result.changed) {
    setStatus(
      result.reason === 'duplicate'
        ? `${quote(a.text)} already has a ${labelId} annotation; nothing changed.`
        : `${quote(a.text)} is already ${labelId}.`,
    );
    return;
  }
  afterEdit(a);
  selectAnnotation(a.id);
  setStatus(`Relabelled ${quote(a.text)} as ${a.label}.`);
}

function removeSelected() {
  const id = view.selectedId;
  if (!id || !editable()) return;
  let removed;
  try {
    removed = core.removeAnnotation(openDocId, id);
  } catch (err) {
    setStatus(err.message);
    return;
  }
  view.selectedId = null;
  afterEdit(removed);
  setStatus(`Removed ${removed.label} ${quote(removed.text)}.`);
}

/** A click on a highlight selects its innermost annotation; clicking again cycles outward. */
function clickHighlight(mark) {
  const here = core.annotationsAt(openDocId, Number(mark.dataset.startUtf16)).map((a) => a.id);
  if (here.length === 0) return;
  const at = here.indexOf(view.selectedId);
  selectAnnotation(here[(at + 1) % here.length]);
}

// ---- Import and export ----------------------------------------------------------

// The Export menu: every format, with CoNLL once per tagging scheme ("conll:bioes").
function fillExportFormats() {
  const options = [];
  for (const f of core.formats()) {
    if (f.id === 'conll') {
      for (const [scheme, name] of [['iob2', 'IOB2'], ['iob1', 'IOB1'], ['bioes', 'BIOES']]) {
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
    result = core.exportAs(format, docId, scheme);
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
  if (losses.some((l) => l.severity !== 'info')) {
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

function exportDocument() {
  if (!openDocId) return;
  const doc = core.documents().find((d) => d.id === openDocId);
  exportIn(openDocId, doc.name);
}

function exportAll() {
  if (exportIn(undefined, 'all documents')) unexportedWithoutStorage = false;
}

function describeDiagnostic(d) {
  const where = [d.document, d.annotation].filter(Boolean).join(' / ');
  return `[${d.severity}] ${where ? `${where}: ` : ''}${d.message}`;
}

function exportBackup() {
  const day = new Date().toISOString().slice(0, 10);
  download(`spanmark-backup-${day}.json`, core.exportBackup());
  unexportedWithoutStorage = false;
  setStatus('Downloaded a backup of the whole workspace.');
}

async function restoreBackup(file) {
  if (!editable()) return;
  hideMessage();
  let report;
  try {
    report = core.restoreBackup(await readTextFile(file));
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

// Files that are documents themselves (opened as text) rather than annotation files.
const isPlainDocument = (file) => /\.(txt|html?)$/i.test(file.name);

async function importFiles(files) {
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
      const id = core.addDocument(file.name, html ? htmlToText(text) : text);
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
  core.discardImport();
  try {
    for (const file of [...data, ...textFiles]) core.addImportFile(file.name, await readFileBytes(file));
  } catch (err) {
    core.discardImport();
    outcome.problems.push(`${err.message} Nothing was imported.`);
    return outcome;
  }
  setStatus(`Reading ${names}…`);
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
  performance.mark('spanmark:import:start');
  let staged;
  try {
    staged = core.stageImport(undefined, undefined);
  } catch (err) {
    core.discardImport();
    if (/could not be recognised/.test(err.message) && data.every((f) => !/\.(json|jsonl|jsonld|ann|zip|conll)$/i.test(f.name))) {
      outcome.notAnnotations = true; // say, a .md file: open it as a document
    } else {
      outcome.problems.push(`${names}: ${err.message} Nothing from ${data.length > 1 ? 'these files' : 'this file'} was imported.`);
      outcome.usedTextFiles = true; // the .txt files came with it: they are not opened on their own
    }
    return outcome;
  }
  outcome.usedTextFiles = staged.usesTextFiles;
  if (staged.needsReview) {
    staged = await reviewImport(names, staged);
    if (!staged) {
      core.discardImport();
      outcome.lines.push(`${names}: import cancelled, nothing changed`);
      outcome.usedTextFiles = true;
      return outcome;
    }
  }
  let report;
  try {
    report = core.applyImport();
  } catch (err) {
    core.discardImport();
    outcome.problems.push(`${names}: ${err.message}`);
    return outcome;
  }
  performance.measure('spanmark:import', 'spanmark:import:start');
  if (report.labelsAdded.length) loadLabels();
  outcome.firstDoc = report.documentIds.find((id) => id !== openDocId) ?? report.documentIds[0] ?? null;
  if (openDocId && report.documentIds.includes(openDocId)) openDocument(openDocId);
  outcome.lines.push(
    `${names} (${staged.formatTitle}): ${report.documentsRead} document(s), ${report.annotationsAdded} annotation(s)` +
      (report.labelsAdded.length ? `, new labels ${report.labelsAdded.join(', ')}` : ''),
  );
  if (!staged.needsReview) outcome.problems.push(...report.diagnostics.map(describeDiagnostic));
  changed();
  return outcome;
}

/** Shows the import report; resolves to the (possibly re-read) staged import, or null. */
function reviewImport(names, staged) {
  const dialog = ui.importDialog;
  const unitRow = $('import-unit-row');
  const unit = $('import-unit');
  unit.value = 'codepoint';
  const show = (s) => {
    $('import-title').textContent = `Import ${names}`;
    $('import-summary').textContent =
      `Read as ${s.formatTitle}: ${s.documentsRead} document(s) and ${s.annotationsAdded} annotation(s) can be imported` +
      (s.labelsAdded.length ? `, with new labels ${s.labelsAdded.join(', ')}.` : '.');
    const bySeverity = (k) => s.diagnostics.filter((d) => d.severity === k).length;
    $('import-counts').textContent = `${bySeverity('error')} left out · ${bySeverity('warning')} warnings · ${bySeverity('info')} notes`;
    // Errors first, then warnings, then notes; file order within each.
    const rank = { error: 0, warning: 1, info: 2 };
    const sorted = [...s.diagnostics].sort((a, b) => rank[a.severity] - rank[b.severity]);
    const items = sorted.slice(0, 300).map((d) => {
      const li = document.createElement('li');
      li.dataset.severity = d.severity;
      li.textContent = describeDiagnostic(d);
      return li;
    });
    if (s.diagnostics.length > 300) {
      const li = document.createElement('li');
      li.textContent = `…and ${s.diagnostics.length - 300} more.`;
      items.push(li);
    }
    $('import-diagnostics').replaceChildren(...items);
    unitRow.hidden = s.format !== 'jsonl';
    $('import-accept').disabled = false;
  };
  show(staged);
  return new Promise((resolve) => {
    const done = (result) => {
      dialog.removeEventListener('close', onClose);
      unit.onchange = null;
      $('import-accept').onclick = null;
      $('import-cancel').onclick = null;
      if (dialog.open) dialog.close();
      resolve(result);
    };
    const onClose = () => done(null);
    unit.onchange = () => {
      try {
        staged = core.stageImport(staged.format, unit.value);
        show(staged);
      } catch (err) {
        // Read this way the file is refused: there is nothing to import until the unit changes back.
        $('import-counts').textContent = err.message;
        $('import-diagnostics').replaceChildren();
        $('import-accept').disabled = true;
      }
    };
    $('import-accept').onclick = () => done(staged);
    $('import-cancel').onclick = () => done(null);
    dialog.addEventListener('close', onClose);
    dialog.showModal();
    $('import-cancel').focus();
  });
}

// ---- Events --------------------------------------------------------------------------

// Inputs whose keys are text: hotkeys stay off there (but not on checkboxes or file pickers).
const TEXT_INPUTS = new Set(['text', 'search', 'email', 'url', 'tel', 'password', 'number']);

function isTyping(target) {
  return (
    (target instanceof HTMLInputElement && TEXT_INPUTS.has(target.type)) ||
    target instanceof HTMLTextAreaElement ||
    target?.isContentEditable
  );
}

function onKeyDown(e) {
  if (isTyping(e.target) || ui.importDialog.open) return;
  if ((e.ctrlKey || e.metaKey) && !e.altKey) {
    const key = e.key.toLowerCase();
    if (key === 'z' || key === 'y') {
      e.preventDefault();
      travel(key === 'y' || e.shiftKey ? 'redo' : 'undo');
    }
    return;
  }
  if (e.altKey) return;
  if (e.key === 'Delete' || e.key === 'Backspace') {
    if (view.selectedId) {
      e.preventDefault();
      removeSelected();
    }
    return;
  }
  if (e.key === 'Escape') {
    selectAnnotation(null);
    hideMessage();
    setStatus('');
    return;
  }
  const label = [...labels.values()].find((l) => l.hotkey === e.key);
  if (label) {
    e.preventDefault();
    applyLabel(label.id);
  }
}

function wireEvents() {
  document.addEventListener('keydown', onKeyDown);
  // Keep the text selection when a label button is pressed.
  ui.palette.addEventListener('mousedown', (e) => e.preventDefault());
  ui.palette.addEventListener('click', (e) => {
    const b = e.target.closest('.label-button');
    if (b) applyLabel(b.dataset.label);
  });
  ui.docList.addEventListener('click', (e) => {
    const b = e.target.closest('.document-button');
    if (b) openDocument(b.dataset.docId);
  });
  ui.annPanel.addEventListener('scroll', scheduleAnnotationRows, { passive: true });
  ui.annList.addEventListener('click', (e) => {
    const b = e.target.closest('.annotation-button');
    if (b) selectAnnotation(b.dataset.annotationId, { scroll: true });
  });
  ui.doc.addEventListener('click', (e) => {
    if (!document.getSelection().isCollapsed) return;
    const mark = e.target.closest('mark.hl');
    if (mark) clickHighlight(mark);
    else if (view.selectedId) {
      selectAnnotation(null);
      setStatus('');
    }
  });
  ui.exportDoc.addEventListener('click', exportDocument);
  ui.exportAll.addEventListener('click', exportAll);
  ui.undo.addEventListener('click', () => travel('undo'));
  ui.redo.addEventListener('click', () => travel('redo'));
  ui.backup.addEventListener('click', exportBackup);
  ui.restoreInput.addEventListener('change', async () => {
    const [file] = ui.restoreInput.files;
    ui.restoreInput.value = '';
    if (file) await restoreBackup(file);
  });
  ui.snapWords.addEventListener('change', saveUiState);
  ui.importInput.addEventListener('change', async () => {
    const files = [...ui.importInput.files];
    ui.importInput.value = '';
    await importFiles(files);
  });
  $('message-close').addEventListener('click', hideMessage);

  let dragDepth = 0;
  const hasFiles = (e) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  window.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    dragDepth++;
    ui.dropZone.hidden = false;
  });
  window.addEventListener('dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) ui.dropZone.hidden = true;
  });
  window.addEventListener('dragover', (e) => {
    if (hasFiles(e)) e.preventDefault();
  });
  window.addEventListener('drop', async (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    dragDepth = 0;
    ui.dropZone.hidden = true;
    await importFiles([...e.dataTransfer.files]);
  });
  window.addEventListener('beforeunload', (e) => {
    if (autosave?.unsaved || unexportedWithoutStorage) e.preventDefault();
  });
}

async function loadDemoDocuments() {
  const manifest = await (await fetch('demo/demo.json')).json();
  for (const entry of manifest.documents) {
    const response = await fetch(`demo/${entry.file}`);
    if (!response.ok) throw new Error(`demo/${entry.file}: HTTP ${response.status}`);
    core.addDocument(entry.file, await response.text());
  }
  core.clearHistory();
}

// ---- Saving --------------------------------------------------------------------------

function showSaveState(state, detail) {
  ui.saveStatus.dataset.state = state;
  if (state === 'saved') {
    ui.saveStatus.textContent = 'Saved';
    if (ui.message.dataset.kind === 'storage') hideMessage();
  } else if (state === 'saving') {
    ui.saveStatus.textContent = 'Saving…';
  } else if (state === 'error') {
    const seconds = Math.round(detail.retryMs / 1000);
    ui.saveStatus.textContent = 'Not saved';
    showMessage('error', `Your latest changes are NOT saved: ${detail.error.message}.`, [
      'Use “Backup” or “Export all” now to keep a copy of your work.',
      `Everything is still here in this tab; Spanmark tries to save again in ${seconds} s.`,
    ]);
    ui.message.dataset.kind = 'storage';
  } else if (state === 'off') {
    ui.saveStatus.textContent = 'Autosave off';
  }
}

function storageOff(reason) {
  db = null;
  autosave = null;
  showSaveState('off');
  showMessage('error', `Autosave is off: ${reason}.`, [
    'You can work as usual, but nothing is kept when this tab closes: use “Backup” or “Export all” before you leave.',
  ]);
}

/** Reads the stored workspace; returns a Spanmark, or null when storage holds nothing. */
async function readStoredWorkspace() {
  const records = await loadRecords(db);
  const restored = Spanmark.fromRecords(
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

/** Shows `next` as the workspace, keeping the open document if it still exists. */
function adopt(next) {
  if (next !== core) core?.free();
  core = next;
  loadLabels();
  renderDocumentList();
  const ids = core.documents().map((d) => d.id);
  if (openDocId && ids.includes(openDocId)) openDocument(openDocId);
  else closeDocument();
  updateHistoryButtons();
}

async function becomeWriter(takeover) {
  if (takeover && db) adopt((await readStoredWorkspace()) ?? core);
  readOnly = false;
  ui.readOnly.hidden = true;
  document.body.dataset.role = 'writer';
  updateHistoryButtons();
  if (db) {
    autosave = new Autosaver({
      getCore: () => core,
      write: (pending, taken) => writePending(db, pending, taken),
      onState: showSaveState,
      onWritten: () => {
        document.body.dataset.savedWrites = String(Number(document.body.dataset.savedWrites ?? 0) + 1);
        document.body.dataset.savedAnnotations = String(openDocId ? core.annotationCount(openDocId) : 0);
        tabs?.announce();
      },
    });
    autosave.schedule();
  }
}

function becomeReadOnly() {
  readOnly = true;
  ui.readOnly.hidden = false;
  document.body.dataset.role = 'reader';
  showSaveState('saved');
  updateHistoryButtons();
}

// A read-only tab reloads the stored workspace at most once a second, however often the writer saves.
let followTimer = null;
function followRemoteChange() {
  if (!readOnly || !db || followTimer) return;
  followTimer = setTimeout(async () => {
    followTimer = null;
    if (!readOnly) return;
    const next = await readStoredWorkspace();
    if (next) adopt(next);
  }, 250);
}

async function main() {
  const wasm = await init();
  // Read by the benchmark (bench/run.mjs) and handy in the console.
  window.spanmarkDiagnostics = { wasmMemoryBytes: () => wasm.memory.buffer.byteLength };
  view = new DocView(ui.doc, labels);
  try {
    db = await openDatabase({
      onBlocked: () => showMessage('info', 'Waiting for another Spanmark tab to close before the saved data can be opened…'),
      onVersionChange: () => storageOff('a newer Spanmark opened in another tab; reload this tab'),
    });
  } catch (err) {
    db = null;
    storageOff(err.message);
  }
  let stored = null;
  if (db) {
    try {
      stored = await readStoredWorkspace();
    } catch (err) {
      // Never write over data that could not be read.
      storageOff(`the saved workspace could not be opened (${err.message}); it is left untouched`);
    }
  }
  core = stored ?? new Spanmark();
  const uiState = storedUiState();
  if (typeof uiState.snapWords === 'boolean') ui.snapWords.checked = uiState.snapWords;
  loadLabels();
  fillExportFormats();
  wireEvents();
  if (!stored) {
    try {
      await loadDemoDocuments();
    } catch (err) {
      showMessage('error', `The demo articles could not be loaded (${err.message}). Import a file to start.`);
    }
  }
  renderDocumentList();
  if (uiState.openDocId && core.documents().some((d) => d.id === uiState.openDocId)) openDocument(uiState.openDocId);
  updateHistoryButtons();
  await new Promise((resolve) => {
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
  document.body.dataset.ready = 'true';
  setStatus(openDocId ? 'Ready.' : 'Ready. Choose a document.');
}

main();
