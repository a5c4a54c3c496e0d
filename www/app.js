// Spanmark's shell: DOM events in, calls to the wasm core, DOM updates out.

import init, { Spanmark } from './pkg/spanmark.js';
import { DocView } from './view.js';
import { selectionRangeUtf16 } from './dom-offsets.js';
import { download, exportName, looksLikeJson, readTextFile } from './files.js';

const $ = (id) => document.getElementById(id);

const ui = {
  docList: $('document-list'),
  palette: $('palette'),
  doc: $('doc'),
  docEmpty: $('doc-empty'),
  annList: $('annotation-list'),
  annCount: $('annotation-count'),
  status: $('status'),
  message: $('message'),
  messageText: $('message-text'),
  messageDetails: $('message-details'),
  snapWords: $('snap-words'),
  exportDoc: $('export-doc'),
  exportAll: $('export-all'),
  importInput: $('import-input'),
  dropZone: $('drop-zone'),
};

let core;
let labels = new Map();
let view;
let openDocId = null;
let unsavedChanges = false;

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

function openDocument(docId) {
  openDocId = docId;
  view.open(core, docId);
  ui.doc.hidden = false;
  ui.docEmpty.hidden = true;
  ui.exportDoc.disabled = false;
  renderDocumentList();
  renderAnnotationList();
  window.scrollTo(0, 0);
}

// ---- Annotations --------------------------------------------------------------

function renderAnnotationList() {
  if (!openDocId) {
    ui.annList.replaceChildren();
    ui.annCount.textContent = '';
    return;
  }
  const anns = core.annotations(openDocId);
  ui.annCount.textContent = `(${anns.length})`;
  ui.annList.replaceChildren(
    ...anns.map((a) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'annotation-button';
      b.dataset.annotationId = a.id;
      if (a.id === view.selectedId) b.classList.add('selected');
      const chip = document.createElement('span');
      chip.className = 'chip';
      chip.style.setProperty('--label-color', view.color(a.label));
      chip.textContent = a.label;
      const q = document.createElement('span');
      q.className = 'quote';
      q.textContent = a.text;
      b.append(chip, q);
      li.append(b);
      return li;
    }),
  );
}

function selectAnnotation(id, { scroll = false } = {}) {
  const mark = view.select(id);
  for (const b of ui.annList.querySelectorAll('.annotation-button')) {
    b.classList.toggle('selected', b.dataset.annotationId === id);
  }
  if (mark && scroll) mark.scrollIntoView({ block: 'center' });
  if (id) {
    const a = core.annotation(openDocId, id);
    setStatus(`Selected ${a.label} ${quote(a.text)}: Delete removes it, a label hotkey relabels it.`);
  }
}

function afterEdit(ann) {
  unsavedChanges = true;
  view.refresh(ann.startUtf16, ann.endUtf16);
  renderAnnotationList();
  renderDocumentList();
}

/** Tags the text selection with `labelId`, or relabels the selected annotation. */
function applyLabel(labelId) {
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
  if (!id) return;
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

function exportDocument() {
  if (!openDocId) return;
  const doc = core.documents().find((d) => d.id === openDocId);
  download(exportName(doc.name), core.exportJson(openDocId));
  setStatus(`Exported ${doc.name}.`);
}

function exportAll() {
  download('spanmark-corpus.spanmark.json', core.exportJson(undefined));
  unsavedChanges = false;
  setStatus('Exported all documents.');
}

async function importFiles(files) {
  hideMessage();
  const lines = [];
  const problems = [];
  let firstNewDoc = null;
  for (const file of files) {
    try {
      const text = await readTextFile(file);
      if (looksLikeJson(file.name, text)) {
        const report = core.importJson(text);
        firstNewDoc ??= report.documentIds[0] ?? null;
        if (report.labelsAdded.length) loadLabels();
        lines.push(
          `${file.name}: ${report.documentIds.length} document(s), ${report.annotationsAdded} annotation(s)` +
            (report.labelsAdded.length ? `, new labels ${report.labelsAdded.join(', ')}` : ''),
        );
        for (const d of report.diagnostics) {
          problems.push(`${file.name} ${d.document ?? ''}${d.annotation ? `/${d.annotation}` : ''} [${d.severity}] ${d.message}`);
        }
      } else {
        const id = core.addDocument(file.name, text);
        firstNewDoc ??= id;
        lines.push(`${file.name}: opened as a new document`);
      }
      unsavedChanges = true;
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

// ---- Events --------------------------------------------------------------------------

function isTyping(target) {
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target?.isContentEditable;
}

function onKeyDown(e) {
  if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
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
    if (unsavedChanges) e.preventDefault();
  });
}

async function loadDemoDocuments() {
  const manifest = await (await fetch('demo/demo.json')).json();
  for (const entry of manifest.documents) {
    const response = await fetch(`demo/${entry.file}`);
    if (!response.ok) throw new Error(`demo/${entry.file}: HTTP ${response.status}`);
    core.addDocument(entry.file, await response.text());
  }
}

async function main() {
  await init();
  core = new Spanmark();
  view = new DocView(ui.doc, labels);
  loadLabels();
  wireEvents();
  try {
    await loadDemoDocuments();
  } catch (err) {
    showMessage('error', `The demo articles could not be loaded (${err.message}). Import a file to start.`);
  }
  renderDocumentList();
  document.body.dataset.ready = 'true';
  setStatus('Ready. Choose a document.');
}

main();
