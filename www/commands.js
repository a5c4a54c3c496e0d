// What the analyst does to annotations: select, tag, relabel, remove, undo and redo, and the redraw after each.

import { refreshDetails, showAnnotationDetails } from './details.js';
import { selectionRangeUtf16 } from './dom-offsets.js';
import { closeDocument, documentInfo, openDocument, renderDocumentList, updateDocumentCount } from './documents.js';
import { quote, setStatus, showMessage } from './messages.js';
import { loadLabels } from './palette.js';
import { noteChange } from './saving.js';
import { refreshSchemaEditor } from './schema-editor.js';
import { state } from './state.js';
import { ui } from './ui.js';

/** Refuses an edit in a read-only tab, saying why. */
export function editable() {
  if (!state.readOnly) return true;
  setStatus('This tab is read-only while Spanmark is open in another tab. Edit there, or close it.');
  return false;
}

/** Everything that follows a change to the workspace: save it, update history buttons. */
export function changed() {
  noteChange();
  updateHistoryButtons();
  // Relations follow their annotations (removing one removes its relations).
  state.arcs?.refresh();
  state.relationList?.renderSoon();
  // The details panel follows edits made anywhere (an annotation or relation gone, a relation added).
  refreshDetails();
  // Team sync: the core records the change; it goes out now or on reconnect.
  state.afterLocalChange?.();
  // Other annotators' layers (a load, its undo) and the layers panel (layers.js).
  state.layers?.changed();
  // Suggestions are computed again lazily (suggestions.js).
  document.dispatchEvent(new Event('spanmark:changed'));
}

// ---- History ---------------------------------------------------------------------

export function updateHistoryButtons() {
  const undo = state.core.undoSummary();
  const redo = state.core.redoSummary();
  ui.undo.disabled = !undo || state.readOnly;
  ui.redo.disabled = !redo || state.readOnly;
  ui.undo.title = undo ? `Undo: ${undo} (Ctrl+Z)` : 'Nothing to undo';
  ui.redo.title = redo ? `Redo: ${redo} (Ctrl+Shift+Z or Ctrl+Y)` : 'Nothing to redo';
}

/** Undoes (`direction` 'undo') or redoes ('redo') one step. */
export function travel(direction) {
  if (!editable()) return;
  let change;
  try {
    change = direction === 'undo' ? state.core.undo() : state.core.redo();
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
  state.view.select(null);
  redrawAfter(change.effects);
  setStatus(`${direction === 'undo' ? 'Undid' : 'Redid'}: ${change.summary}.`);
  changed();
}

/** Redraws what a change touched, switching to the document it happened in. */
export function redrawAfter(effects) {
  if (effects.some((e) => e.kind === 'schema')) {
    loadLabels();
    // Colours and chips come from the labels: the drawn highlights are drawn again.
    if (state.openDocId) state.view.refresh(0, state.view.blocks.length);
  }
  const spans = effects.filter((e) => e.kind === 'span');
  const documents = effects.some((e) => e.kind === 'documents');
  if (documents) {
    // Documents came or went (or were renamed): the list is read again first.
    renderDocumentList();
    if (state.openDocId && !documentInfo(state.openDocId)) closeDocument();
    const target = spans[0]?.docId ?? (state.openDocId || null);
    if (target && documentInfo(target)) openDocument(target);
  } else if (spans.length) {
    if (spans[0].docId !== state.openDocId) openDocument(spans[0].docId);
    else for (const e of spans) if (e.docId === state.openDocId) state.view.refresh(e.firstBlock, e.endBlock);
  }
  // The list is drawn again when the documents or the labels changed; otherwise only the
  // touched documents' counts (reading every document's would scale with the corpus).
  if (!documents && effects.some((e) => e.kind === 'schema')) renderDocumentList();
  else if (!documents) for (const id of new Set(effects.filter((e) => e.docId).map((e) => e.docId))) updateDocumentCount(id);
  state.annotationList.render();
  refreshDetails(effects);
  refreshSchemaEditor();
}

// ---- Selecting and editing annotations ----------------------------------------------

/** Selects annotation `id` (none, for null) in the article and the list; `scroll` brings its highlight into view. */
export function selectAnnotation(id, { scroll = false } = {}) {
  if (id) state.selectedRelationId = null;
  const mark = state.view.select(id);
  state.arcs?.draw();
  if (id) state.annotationList.reveal(id);
  state.annotationList.markSelected(id);
  showAnnotationDetails(id);
  if (mark && scroll) mark.scrollIntoView({ block: 'center' });
  if (id) {
    const a = state.core.annotation(state.openDocId, id);
    let entity = '';
    try {
      if (a.extra?.entity) entity = ` (entity ${quote(state.core.entity(a.extra.entity).name)})`;
    } catch {
      // an entity that is gone shows nothing
    }
    setStatus(`Selected ${a.label} ${quote(a.text)}${entity}: Delete removes it, a label hotkey relabels it, Shift with a hotkey adds a second label, E links it to an entity.`);
  }
}

/** A click on a highlight selects its innermost annotation; clicking again cycles outward. */
export function clickHighlight(mark) {
  const here = state.core.annotationsAt(state.openDocId, Number(mark.dataset.startUtf16)).map((a) => a.id);
  if (here.length === 0) return;
  const at = here.indexOf(state.view.selectedId);
  selectAnnotation(here[(at + 1) % here.length]);
}

function afterEdit(ann) {
  state.view.refresh(ann.firstBlock, ann.endBlock);
  state.annotationList.render();
  updateDocumentCount(state.openDocId);
  changed();
}

/**
 * Tags the text selection with `labelId`, or relabels: the selected annotation when no
 * text is selected, or the annotation whose span the selection is exactly. With `add`
 * (Shift with the hotkey) it adds a second annotation on that span instead.
 */
export function applyLabel(labelId, { add = false } = {}) {
  if (!editable()) return;
  if (!state.openDocId) {
    showMessage('info', 'Open a document first, then select the words to tag.');
    return;
  }
  let range;
  try {
    range = selectionRangeUtf16(ui.doc, state.view.lengthUtf16);
  } catch (err) {
    setStatus(err.message);
    return;
  }
  let span;
  if (!range) {
    const selected = state.view.selectedId;
    if (!selected) {
      setStatus('Select some text first (drag over it, or double-click a word).');
      return;
    }
    if (!add) {
      relabel(selected, labelId);
      return;
    }
    span = state.core.annotation(state.openDocId, selected);
  } else {
    try {
      span = state.core.normalizeSelection(state.openDocId, range.startUtf16, range.endUtf16, ui.snapWords.checked);
    } catch (err) {
      setStatus(err.message);
      return;
    }
    // A span lies within one paragraph: a selection across a break is refused, not guessed at.
    if (span.crossesLines) {
      showMessage('info', 'The selection crosses a paragraph break, so nothing was tagged.', [
        'An annotation lies within one paragraph: select the words again within one paragraph, then press the hotkey.',
      ]);
      setStatus('Nothing tagged: the selection crosses a paragraph break.');
      return;
    }
    // The selection is exactly an annotation's span (a double-click on a tagged word):
    // the hotkey relabels it, unless Shift asks for a second label.
    if (!add) {
      const same = state.core
        .annotationsAt(state.openDocId, span.startUtf16)
        .filter((a) => a.startUtf16 === span.startUtf16 && a.endUtf16 === span.endUtf16);
      if (same.length) {
        document.getSelection().removeAllRanges();
        const already = same.find((a) => a.label === labelId);
        if (already) {
          selectAnnotation(already.id);
          setStatus(`${quote(already.text)} is already tagged ${already.label}; nothing changed.`);
          return;
        }
        relabel((same.find((a) => a.id === state.view.selectedId) ?? same[0]).id, labelId);
        return;
      }
    }
  }
  let result;
  try {
    result = state.core.addAnnotation(state.openDocId, span.startUtf16, span.endUtf16, labelId);
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
  // The page offers the other occurrences of the text (annotate-all.js).
  document.dispatchEvent(new CustomEvent('spanmark:tagged', { detail: { docId: state.openDocId, annotation: a } }));
  setStatus(add ? `Added a second label: ${quote(a.text)} is also ${a.label}.` : `Tagged ${quote(a.text)} as ${a.label}.`);
}

export function relabel(id, labelId) {
  if (!editable()) return;
  let result;
  try {
    result = state.core.relabelAnnotation(state.openDocId, id, labelId);
  } catch (err) {
    setStatus(err.message);
    return;
  }
  const a = result.annotation;
  if (!result.changed) {
    selectAnnotation(a.id);
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

/** Removes the selected annotation. */
export function removeSelected() {
  const id = state.view.selectedId;
  if (!id || !editable()) return;
  let removed;
  try {
    removed = state.core.removeAnnotation(state.openDocId, id);
  } catch (err) {
    setStatus(err.message);
    return;
  }
  state.view.selectedId = null;
  afterEdit(removed);
  setStatus(`Removed ${removed.label} ${quote(removed.text)}.`);
}

// ---- Highlights from the keyboard ---------------------------------------------------

/**
 * A key pressed on a focused highlight: the arrows move to the next or previous
 * annotation (Home and End to the first and last), Enter or Space selects it as a click
 * does (again: the next annotation starting there). Returns whether the key was used.
 */
export function highlightKey(key, mark) {
  const { view } = state;
  const moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: 'first', End: 'last' };
  if (key in moves) {
    view.moveFocus(moves[key]);
    return true;
  }
  if (key === 'Enter' || key === ' ') {
    const ids = mark.startIds ?? [];
    let id = ids.includes(view.tabStopId) ? view.tabStopId : ids[0];
    if (id && id === view.selectedId && ids.length > 1) id = ids[(ids.indexOf(id) + 1) % ids.length];
    if (id) {
      selectAnnotation(id);
      view.focusAnnotation(id, { scroll: false });
    }
    return true;
  }
  return false;
}

/** A highlight took the focus (Tab, a click): it becomes the article's tab stop. */
export function highlightFocused(mark) {
  const { view } = state;
  if (mark.startIds && !mark.startIds.includes(view.tabStopId)) view.setTabStop(mark.startIds[0]);
}
