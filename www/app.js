// Spanmark's shell, started here: it loads the core, builds the page's parts and wires DOM events to them.

import { AnnotationList } from './annotation-list.js';
import { wireDocumentActions } from './document-actions.js';
import { caretKey, installCaret } from './caret.js';
import { applyLabel, changed, clickHighlight, highlightFocused, highlightKey, removeSelected, selectAnnotation, travel, updateHistoryButtons } from './commands.js';
import { focusDetails, wireDetails } from './details.js';
import { closeDocument, documentInfo, openDocument, renderDocumentList, updateDocumentCount, wireDocumentList } from './documents.js';
import { openHelp, wireHelp } from './help.js';
import { hideMessage, quote, setStatus, showMessage } from './messages.js';
import { labelForKeyEvent, labels, loadLabels } from './palette.js';
import { trackMastheadHeight } from './layout.js';
import { watchRole } from './roles.js';
import { noteChange, saveNow, saveUiState, storedUiState, wouldLoseWork } from './saving.js';
import { wireSchemaEditor } from './schema-editor.js';
import { adoptCore, joinTabs, openSavedWorkspace, refuseFrames } from './session.js';
import { state } from './state.js';
import { exportAll, exportBackup, exportDocument, fillExportFormats, importFiles, restoreBackup } from './transfer.js';
import { ui } from './ui.js';
import { DocView } from './view.js';
import { afterLocalChange, announcePresence, wireSync } from './sync.js';
import { cancelLink, finishLink, linking, relationTypeForKey, removeSelectedRelation, retypeSelectedRelation, selectRelation, startLink, wireRelations } from './relations.js';
import { core, loadCore, wasmMemoryBytes } from './core.js';
import { openEntityLink, wireEntities } from './entities.js';
import { wireLayers } from './layers.js';
import { wireAgreement } from './agreement.js';
import { searchKey, wireSearch } from './search.js';
import { leaveSuggestion, suggestionKey, wireSuggestions } from './suggestions.js';
import { annotateAllKey, dismissOffer, wireAnnotateAll } from './annotate-all.js';
import { keepOffline } from './offline.js';

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
  // Keys belong to a dialog while one is open.
  if (isTyping(e.target) || document.querySelector('dialog[open]')) return;
  // The keyboard caret's keys in the article, and Esc, F2 or Shift+Tab on a highlight (caret.js).
  if (caretKey(e)) return;
  // Ctrl+F or / find, F3 and Shift+F3 step through the hits (search.js).
  if (searchKey(e)) return;
  if ((e.ctrlKey || e.metaKey) && !e.altKey) {
    const key = e.key.toLowerCase();
    if (key === 'z' || key === 'y') {
      e.preventDefault();
      travel(key === 'y' || e.shiftKey ? 'redo' : 'undo');
    }
    return;
  }
  if (e.altKey) return;
  // Keys on a focused highlight: arrows move between annotations, Enter or Space selects
  // (or, while linking, makes it the relation's target).
  const mark = e.target instanceof Element ? e.target.closest('#doc mark.hl[role="button"]') : null;
  if (mark && linking() && (e.key === 'Enter' || e.key === ' ')) {
    e.preventDefault();
    const ids = mark.startIds ?? [];
    finishLink(ids.includes(state.view.tabStopId) ? state.view.tabStopId : ids[0]);
    return;
  }
  // Enter on the selected annotation's highlight goes to its details (Esc there comes back).
  if (mark && e.key === 'Enter' && !e.shiftKey && mark.startIds?.includes(state.view.selectedId) && focusDetails()) {
    e.preventDefault();
    return;
  }
  if (mark && !e.shiftKey && highlightKey(e.key, mark)) {
    e.preventDefault();
    return;
  }
  if (e.key === 'Delete' || e.key === 'Backspace') {
    if (state.selectedRelationId && !state.view.selectedId) {
      e.preventDefault();
      removeSelectedRelation();
      return;
    }
    if (state.view.selectedId) {
      e.preventDefault();
      removeSelected();
    }
    return;
  }
  if (e.key === 'Escape') {
    if (cancelLink()) return;
    if (leaveSuggestion()) return;
    dismissOffer();
    if (state.selectedRelationId) selectRelation(null);
    selectAnnotation(null);
    hideMessage();
    setStatus('');
    return;
  }
  if (e.key === '?') {
    e.preventDefault();
    openHelp();
    return;
  }
  // N, Shift+N, Y, X, Enter, Shift+A and the label hotkeys on the current suggestion
  // (suggestions.js); Shift+A also reviews the other occurrences of a new tag (annotate-all.js).
  if (suggestionKey(e) || annotateAllKey(e)) return;
  // R starts a relation from the selected annotation; a relation type's hotkey starts
  // one of that type, or retypes the selected relation.
  if (!e.shiftKey && (e.key === 'r' || e.key === 'R')) {
    e.preventDefault();
    startLink(null);
    return;
  }
  // E links the selected annotation to an entity (entities.js).
  if (!e.shiftKey && (e.key === 'e' || e.key === 'E')) {
    e.preventDefault();
    openEntityLink();
    return;
  }
  const relationType = relationTypeForKey(e.key);
  if (relationType) {
    e.preventDefault();
    if (state.selectedRelationId && !state.view.selectedId) retypeSelectedRelation(relationType.id);
    else startLink(relationType.id);
    return;
  }
  // A label's hotkey tags or relabels; Shift with it adds a second label on purpose.
  const hit = labelForKeyEvent(e);
  if (hit) {
    e.preventDefault();
    applyLabel(hit.label.id, { add: hit.add });
  }
}

/** What the status line says once document `docId` is open: what to do next. */
function openedStatus(docId) {
  const doc = documentInfo(docId);
  return `Opened ${quote(doc?.shownTitle || doc?.shownName || 'the document')}: select words and press a label's hotkey, or Tab to a highlight.`;
}

async function openFromList(docId) {
  await openDocument(docId);
  if (state.openDocId === docId) setStatus(openedStatus(docId));
}

function wireEvents() {
  document.addEventListener('keydown', onKeyDown);
  wireDocumentActions();
  wireDocumentList();
  wireSchemaEditor();
  wireDetails();
  wireHelp();
  // Keep the text selection when a label button is pressed.
  ui.palette.addEventListener('mousedown', (e) => e.preventDefault());
  ui.palette.addEventListener('click', (e) => {
    const b = e.target.closest('.label-button');
    if (b) applyLabel(b.dataset.label);
  });
  ui.docList.addEventListener('click', (e) => {
    const b = e.target.closest('.document-button');
    if (b) openFromList(b.dataset.docId);
  });
  ui.annPanel.addEventListener('scroll', () => state.annotationList.schedule(), { passive: true });
  ui.annList.addEventListener('click', (e) => {
    const b = e.target.closest('.annotation-button');
    if (b) selectAnnotation(b.dataset.annotationId, { scroll: true });
  });
  ui.doc.addEventListener('focusin', (e) => {
    const mark = e.target.closest?.('mark.hl[role="button"]');
    if (mark) highlightFocused(mark);
  });
  ui.doc.addEventListener('click', (e) => {
    if (!document.getSelection().isCollapsed) return;
    const mark = e.target.closest('mark.hl');
    if (mark && linking()) {
      const here = state.core.annotationsAt(state.openDocId, Number(mark.dataset.startUtf16));
      if (here.length) finishLink(here[0].id);
      return;
    }
    if (mark) clickHighlight(mark);
    else if (state.view.selectedId) {
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
  ui.messageClose.addEventListener('click', hideMessage);

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
  // Leaving: write what is not saved at once, in a transaction started in the handler
  // itself (a write timed for later would never start). A closing tab gets
  // visibilitychange and pagehide; a hidden tab may be discarded without another event.
  window.addEventListener('beforeunload', (e) => {
    if (!wouldLoseWork()) return;
    saveNow();
    e.preventDefault();
  });
  window.addEventListener('pagehide', saveNow);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') saveNow();
  });
}

async function loadDemoDocuments() {
  const manifest = await (await fetch('demo/demo.json')).json();
  for (const entry of manifest.documents) {
    const response = await fetch(`demo/${entry.file}`);
    if (!response.ok) throw new Error(`demo/${entry.file}: HTTP ${response.status}`);
    state.core.addDocument(entry.file, await response.text());
  }
  state.core.clearHistory();
}

async function main() {
  // First of all: inside a frame, nothing starts (no storage, no writer lock, no workspace).
  if (refuseFrames()) return;
  await loadCore();
  // Read by the benchmark (bench/run.mjs) and handy in the console.
  window.spanmarkDiagnostics = { wasmMemoryBytes };
  trackMastheadHeight(document.getElementById('masthead'));
  state.view = new DocView(ui.doc, labels);
  state.annotationList = new AnnotationList(ui.annList, ui.annPanel, ui.annCount);
  wireRelations();
  // After a relation edit: the open document's count and details, as after a tag (the
  // whole list would count every label of every document again).
  state.edited = () => {
    changed();
    updateDocumentCount(state.openDocId);
  };
  state.selectAnnotationById = selectAnnotation;
  // Team sync redraws remote changes through these, and records local ones.
  Object.assign(state, { afterLocalChange, announcePresence, loadLabels, renderDocumentList, closeDocument, noteChange });
  const stored = await openSavedWorkspace();
  adoptCore(stored ?? new (core().Spanmark)());
  const uiState = storedUiState();
  if (typeof uiState.snapWords === 'boolean') ui.snapWords.checked = uiState.snapWords;
  loadLabels();
  fillExportFormats();
  wireEvents();
  wireEntities();
  installCaret();
  wireLayers();
  wireAgreement();
  wireSearch();
  wireSuggestions();
  wireAnnotateAll();
  if (!stored) {
    try {
      await loadDemoDocuments();
    } catch (err) {
      showMessage('error', `The demo articles could not be loaded (${err.message}). Import a file to start.`);
    }
  }
  renderDocumentList();
  if (uiState.openDocId && documentInfo(uiState.openDocId)) openDocument(uiState.openDocId);
  updateHistoryButtons();
  watchRole();
  await joinTabs();
  wireSync();
  document.body.dataset.ready = 'true';
  keepOffline();
  setStatus(state.openDocId ? openedStatus(state.openDocId) : 'Ready. Choose a document on the left, or import one.');
}

main();
