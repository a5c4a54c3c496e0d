// Suggestions: spans the core proposes for the open document (from the corpus's own
// annotations, the gazetteer, and OSINT identifier patterns), drawn apart from the
// annotations as a CSS highlight (a dashed underline on a faint tint, see
// highlight-layer.js: no box, so the text never moves), and reviewed by keyboard (N and
// Shift+N go from one to the next, Y or Enter accepts, X rejects, a label's hotkey
// accepts with that label, Shift+A accepts every one with the same text) or by mouse
// (a click opens a small popover with Accept and Reject). They are never annotations
// until accepted and never exported; a rejection is saved, so it stays rejected.
//
// They are computed for the open document only, and lazily: when a document is drawn,
// and after edits once the page is idle (never on an edit's way to the next paint), or
// at once when the analyst asks for the next one.

import { changed, editable } from './commands.js';
import { renderDocumentList, updateDocumentCount } from './documents.js';
import { core } from './core.js';
import { HighlightLayer, blockAt, offsetAtPoint, onDocumentRendered, scrollToSpan } from './highlight-layer.js';
import { quote, setStatus, showMessage } from './messages.js';
import { labelForKeyEvent, labels, loadLabels } from './palette.js';
import { state } from './state.js';
import { ui } from './ui.js';

const $ = (id) => document.getElementById(id);
// Quiet time after an edit before the suggestions are computed again.
const AFTER_EDIT_MS = 400;

const sug = {
  /** Whether the layer is shown (the "Suggestions" toggle). */
  enabled: true,
  /** Long documents whose suggestions the analyst turned on anyway. */
  longAllowed: new Set(),
  /** The open document's suggestions, sorted by start, for `docId`. */
  list: [],
  docId: null,
  /** Whether the workspace changed since `list` was computed. */
  stale: true,
  /** The current suggestion (N, Shift+N, a click): one of `list`, or null. */
  current: null,
  layer: null,
  currentLayer: null,
  timer: 0,
  idle: 0,
};

/** Wires the toggle, the gazetteer import and the article's clicks, once at start-up. */
export function wireSuggestions() {
  sug.layer = new HighlightLayer('spanmark-suggestion', 0);
  sug.currentLayer = new HighlightLayer('spanmark-suggestion-current', 3, { eager: true });
  const toggle = $('suggest-toggle');
  sug.enabled = toggle.checked;
  toggle.addEventListener('change', () => {
    sug.enabled = toggle.checked;
    if (sug.enabled && state.openDocId) sug.longAllowed.add(state.openDocId);
    setCurrent(null);
    if (sug.enabled) refreshNow();
    else {
      sug.layer.clear();
      sug.list = [];
      sug.docId = null;
      updateCount();
    }
  });
  $('gazetteer-input').addEventListener('change', async () => {
    const input = $('gazetteer-input');
    const [file] = input.files;
    input.value = '';
    if (file) await importGazetteer(file);
  });
  onDocumentRendered(() => {
    closePopover();
    if (sug.docId !== state.openDocId) setCurrent(null);
    // A long document's suggestions are one long call of the core (and its corpus matcher
    // holds every tagged string): they start off there, and the toggle turns them on.
    const docId = state.openDocId;
    if (sug.enabled && docId && !sug.longAllowed.has(docId) && isLong(docId)) {
      toggle.checked = false;
      sug.enabled = false;
      sug.layer.clear();
      sug.list = [];
      sug.docId = null;
      updateCount();
      // Said beside the toggle, not on the status line (which tells what the open did).
      const count = $('suggest-count');
      count.textContent = 'off: long document';
      count.title = 'Suggestions are off for this long document (they would take a moment to compute): tick Suggestions to see them.';
      toggle.title = count.title;
      return;
    }
    schedule(0);
  });
  document.addEventListener('spanmark:changed', () => {
    sug.stale = true;
    schedule(AFTER_EDIT_MS);
  });
  // A new tag (a selection and a hotkey) takes over from the current suggestion.
  document.addEventListener('spanmark:tagged', () => setCurrent(null));
  ui.doc.addEventListener('click', onClick);
  ui.doc.addEventListener('mousemove', onHover, { passive: true });
  document.addEventListener('pointerdown', (e) => {
    if (popover && !popover.contains(e.target)) closePopover();
  });
}

// ---- Computing and drawing ---------------------------------------------------------------

// Above these, suggestions start off (see onDocumentRendered).
const LONG_UTF16 = 500_000;
const LONG_ANNOTATIONS = 20_000;

function isLong(docId) {
  return state.view.lengthUtf16 > LONG_UTF16 || state.core.annotationCount(docId) > LONG_ANNOTATIONS;
}

/** Computes the suggestions again once the page is idle (after `delay` ms of quiet). */
function schedule(delay) {
  clearTimeout(sug.timer);
  if (sug.idle) cancelIdleCallback(sug.idle);
  sug.timer = setTimeout(() => {
    // Only when the page is really idle: a long document's first computation is one long call.
    sug.idle = requestIdleCallback(() => {
      sug.idle = 0;
      refreshNow();
    });
  }, delay);
}

/** Computes and draws the open document's suggestions now (if shown), unless they are up to date. */
function refreshNow() {
  clearTimeout(sug.timer);
  if (!sug.enabled || !state.openDocId) {
    sug.layer.clear();
    sug.list = [];
    sug.docId = null;
    updateCount();
    return;
  }
  const docId = state.openDocId;
  if (sug.docId === docId && !sug.stale && sug.layer.current()) return;
  performance.mark('spanmark:suggest:start');
  let list;
  try {
    list = state.core.suggestions(docId);
  } catch (err) {
    setStatus(`No suggestions: ${err.message}`);
    list = [];
  }
  performance.measure('spanmark:suggest', 'spanmark:suggest:start');
  sug.list = list;
  sug.docId = docId;
  sug.stale = false;
  sug.layer.set(list);
  // The current one stays current if it is still suggested.
  if (sug.current) setCurrent(list.find((s) => same(s, sug.current)) ?? null);
  updateCount();
}

function same(a, b) {
  return a.startUtf16 === b.startUtf16 && a.endUtf16 === b.endUtf16 && a.label === b.label;
}

function updateCount() {
  const count = $('suggest-count');
  count.textContent = sug.enabled && sug.docId ? `${sug.list.length.toLocaleString('en')}` : '';
  count.title = sug.enabled && sug.docId ? `${sug.list.length} suggestion(s) in this document: N goes to the next` : '';
  count.dataset.docId = sug.enabled ? (sug.docId ?? '') : '';
}

function setCurrent(s) {
  sug.current = s;
  sug.currentLayer.set(s && state.openDocId === sug.docId ? [s] : []);
}

/** Takes suggestions `gone` off the layer at once (the next computation agrees). */
function drop(gone) {
  sug.list = sug.list.filter((s) => !gone.some((g) => same(g, s)));
  sug.layer.set(sug.list);
  if (sug.current && gone.some((g) => same(g, sug.current))) setCurrent(null);
  updateCount();
}

// ---- Review by keyboard -------------------------------------------------------------------

/**
 * A key for the suggestions: N and Shift+N go to the next and previous one; with one
 * current, Y or Enter accepts it, X rejects it, a label's hotkey accepts it with that
 * label, Shift+A accepts every suggestion with its text. Returns whether the key was used.
 */
export function suggestionKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey || !state.openDocId) return false;
  // A focused menu keeps its type-ahead.
  if (e.target instanceof HTMLSelectElement) return false;
  const key = e.key.toLowerCase();
  if (key === 'n') {
    e.preventDefault();
    step(e.shiftKey ? -1 : 1);
    return true;
  }
  const s = sug.current;
  if (!s || sug.docId !== state.openDocId) return false;
  // A text selection or a selected annotation takes the label hotkeys as before.
  const free = document.getSelection().isCollapsed && !state.view.selectedId;
  if (key === 'y' && !e.shiftKey) {
    e.preventDefault();
    accept(s);
    return true;
  }
  if (e.key === 'Enter' && !e.shiftKey && (e.target === document.body || e.target === ui.doc)) {
    e.preventDefault();
    accept(s);
    return true;
  }
  if (key === 'x' && !e.shiftKey) {
    e.preventDefault();
    reject(s);
    return true;
  }
  if (key === 'a' && e.shiftKey) {
    e.preventDefault();
    acceptSameText(s);
    return true;
  }
  const hit = free && !e.shiftKey ? labelForKeyEvent(e) : null;
  if (hit) {
    e.preventDefault();
    accept(s, hit.label.id);
    return true;
  }
  return false;
}

/** Esc: no suggestion is current any more. */
export function leaveSuggestion() {
  closePopover();
  if (!sug.current) return false;
  setCurrent(null);
  return true;
}

/** The index of the first block whose bottom is below the masthead (the first on screen). */
function firstBlockOnScreen() {
  const els = state.view?.blockEls ?? [];
  const top = $('masthead')?.getBoundingClientRect().bottom ?? 0;
  let lo = 0;
  let hi = els.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (els[mid].getBoundingClientRect().bottom > top) hi = mid;
    else lo = mid + 1;
  }
  return Math.min(lo, Math.max(0, els.length - 1));
}

/** Goes `by` suggestions on (-1: back) from the current one, or from the screen's top. */
async function step(by) {
  if (!sug.enabled) {
    setStatus('Suggestions are off: turn on "Suggestions" to review them.');
    return;
  }
  refreshNow();
  const { list } = sug;
  if (!list.length) {
    setCurrent(null);
    setStatus('No suggestions in this document.');
    return;
  }
  let index;
  const at = sug.current ? list.findIndex((s) => same(s, sug.current)) : -1;
  if (at >= 0) index = (at + by + list.length) % list.length;
  else {
    const from = sug.current?.startUtf16 ?? state.view.blocks[firstBlockOnScreen()]?.startUtf16 ?? 0;
    index = by > 0 ? list.findIndex((s) => s.startUtf16 >= from) : list.findLastIndex((s) => s.startUtf16 < from);
    if (index < 0) index = by > 0 ? 0 : list.length - 1;
  }
  const s = list[index];
  state.selectAnnotationById?.(null);
  document.getSelection().removeAllRanges();
  // Enter accepts it: a control focused elsewhere (the document list, say) lets go of the keys.
  const focused = document.activeElement;
  if (focused && focused !== document.body && !ui.doc.contains(focused)) focused.blur();
  setCurrent(s);
  setStatus(`Suggestion ${index + 1} of ${list.length}: ${describe(s)}. Y accepts, X rejects, a label's hotkey accepts with that label, Shift+A accepts all with this text.`);
  await scrollToSpan(s.startUtf16, s.endUtf16);
  if (sug.current === s) setCurrent(s);
}

function labelName(id) {
  return labels.get(id)?.shownId ?? id;
}

/** "PERSON “Kim Jong Un” — tagged PERSON 2 of 2 time(s) in the corpus". */
function describe(s) {
  return `${labelName(s.label)} ${quote(s.text)} — ${s.why}`;
}

// ---- Accepting and rejecting ----------------------------------------------------------------

function redrawAfterEdit(firstBlock, endBlock) {
  state.view.refresh(firstBlock, endBlock);
  state.annotationList.render();
  updateDocumentCount(state.openDocId);
  changed();
}

/** Accepts suggestion `s` as an annotation (with `labelId`, or its own label): one undoable step. */
function accept(s, labelId = s.label) {
  if (!editable()) return;
  closePopover();
  const hadLabel = labels.has(labelId);
  let result;
  try {
    result = state.core.acceptSuggestion(sug.docId, s.startUtf16, s.endUtf16, labelId, labelId === s.label ? (s.entity ?? null) : null);
  } catch (err) {
    setStatus(`Not accepted: ${err.message}`);
    return;
  }
  drop([s]);
  const a = result.annotation;
  // A pattern's label (EMAIL, URL, …) the schema lacked came with it: the labels bar shows it.
  if (!hadLabel) loadLabels();
  redrawAfterEdit(a.firstBlock, a.endBlock);
  const linked = result.changed && s.entity && labelId === s.label ? ` and linked it to the entity ${s.entity}` : '';
  setStatus(result.changed ? `Accepted ${labelName(a.label)} ${quote(a.text)}${linked}. N goes to the next suggestion.` : `${quote(a.text)} is already tagged ${a.label}; nothing changed.`);
}

/** Rejects suggestion `s`: it is not suggested again (saved; Undo takes it back). */
function reject(s) {
  if (!editable()) return;
  closePopover();
  try {
    state.core.rejectSuggestion(sug.docId, s.startUtf16, s.endUtf16, s.label);
  } catch (err) {
    setStatus(`Not rejected: ${err.message}`);
    return;
  }
  drop([s]);
  changed();
  setStatus(`Rejected ${labelName(s.label)} ${quote(s.text)}: it will not be suggested again. N goes to the next suggestion.`);
}

/** Accepts every suggestion of the document with `s`'s text and label, as one undoable step. */
function acceptSameText(s) {
  if (!editable()) return;
  closePopover();
  const all = sug.list.filter((x) => x.text === s.text && x.label === s.label);
  let added;
  try {
    added = state.core.annotateAll(s.label, null, all.map((x) => [sug.docId, x.startUtf16, x.endUtf16]));
  } catch (err) {
    setStatus(`Not accepted: ${err.message}`);
    return;
  }
  drop(all);
  redrawAfterEdit(blockAt(all[0].startUtf16), blockAt(all[all.length - 1].endUtf16) + 1);
  renderDocumentList();
  setStatus(`Accepted ${added} suggestion(s) of ${labelName(s.label)} ${quote(s.text)} in one step (Undo takes them back).`);
}

// ---- By mouse: the popover, and the reason on hover --------------------------------------

let popover = null;
let hovered = null;

function suggestionAt(e) {
  if (!sug.enabled || sug.docId !== state.openDocId || !sug.list.length) return null;
  return sug.layer.itemAtPoint(e.clientX, e.clientY, offsetAtPoint(e.clientX, e.clientY));
}

function onClick(e) {
  if (!document.getSelection().isCollapsed) return;
  const s = suggestionAt(e);
  if (!s) {
    setCurrent(null);
    return;
  }
  setCurrent(s);
  openPopover(s, e.clientX, e.clientY);
}

function onHover(e) {
  if (hovered) return;
  hovered = requestAnimationFrame(() => {
    hovered = null;
    const s = suggestionAt(e);
    const block = e.target.closest?.('.block');
    if (!block) return;
    const title = s ? `Suggested ${labelName(s.label)}: ${s.why}. Click to accept or reject.` : '';
    if (title) block.title = title;
    else block.removeAttribute('title');
  });
}

function openPopover(s, x, y) {
  closePopover();
  popover = document.createElement('div');
  popover.className = 'suggest-popover';
  popover.setAttribute('role', 'dialog');
  popover.setAttribute('aria-label', `Suggestion: ${labelName(s.label)} ${s.text}`);
  const why = document.createElement('p');
  why.textContent = describe(s);
  const accepting = document.createElement('button');
  accepting.type = 'button';
  accepting.className = 'primary';
  accepting.textContent = `Accept ${labelName(s.label)}`;
  accepting.setAttribute('aria-keyshortcuts', 'Y');
  accepting.addEventListener('click', () => accept(s));
  const rejecting = document.createElement('button');
  rejecting.type = 'button';
  rejecting.textContent = 'Reject';
  rejecting.setAttribute('aria-keyshortcuts', 'X');
  rejecting.addEventListener('click', () => reject(s));
  const row = document.createElement('div');
  row.className = 'dialog-actions';
  row.append(rejecting, accepting);
  popover.append(why, row);
  popover.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      closePopover();
      ui.doc.focus({ preventScroll: true });
    }
  });
  document.body.append(popover);
  const w = popover.offsetWidth;
  popover.style.left = `${Math.max(8, Math.min(x - w / 2, window.innerWidth - w - 8))}px`;
  popover.style.top = `${Math.min(y + 14, window.innerHeight - popover.offsetHeight - 48)}px`;
  accepting.focus({ preventScroll: true });
  setStatus(`Suggestion: ${describe(s)}.`);
}

function closePopover() {
  popover?.remove();
  popover = null;
}

// ---- The gazetteer ------------------------------------------------------------------------------

/** "TooManyColumns { columns: 4 }" → "too many columns (columns: 4)": the core's problem as words. */
/** A gazetteer line's problem, as the core words it. */
function problemText(p) {
  return p;
}

/**
 * Loads a gazetteer file (TSV: text, a tab, a label, optionally a tab and an entity id)
 * as one undoable step, and reports its problems by line. The binding reads the file
 * as it reads documents (strict UTF-8, the size limit, no binary), so the page never
 * decodes bytes itself: the file goes through `intake` under a document's name.
 */
export async function importGazetteer(file) {
  if (!editable()) return;
  let text;
  try {
    state.core.discardImport();
    const renamed = new File([file], `${file.name}.htm`, { type: 'text/html' });
    const intake = state.core.intake(await core().readFiles([renamed]));
    const refused = intake.refused[0];
    if (refused) throw new Error(refused.message);
    text = state.core.documentFileText(intake.documents[0].index);
  } catch (err) {
    showMessage('error', `${file.name} was not loaded as a gazetteer: ${String(err.message).replaceAll(`${file.name}.htm`, file.name)}`, ['The gazetteer is unchanged.']);
    return;
  } finally {
    state.core.discardImport();
  }
  let report;
  try {
    report = state.core.loadGazetteer(text);
  } catch (err) {
    showMessage('error', `${file.name} was not loaded as a gazetteer: ${err.message}.`, ['The gazetteer is unchanged.']);
    return;
  }
  changed();
  const problems = report.problems.map(([line, p]) => `Line ${line}: ${problemText(p)} (the line was skipped).`);
  const summary = `Loaded the gazetteer ${file.name}: ${report.entries.toLocaleString('en')} entr${report.entries === 1 ? 'y' : 'ies'}${problems.length ? `, ${problems.length} line(s) skipped` : ''}. Undo (Ctrl+Z) takes it back.`;
  if (problems.length) showMessage('info', summary, problems);
  setStatus(summary);
  sug.stale = true;
  refreshNow();
}

/** What the end-to-end tests read: the suggestions, the current one, and the Ranges built. */
export function suggestionState() {
  return { docId: sug.docId, list: sug.list, current: sug.current, built: sug.layer.built, enabled: sug.enabled };
}
