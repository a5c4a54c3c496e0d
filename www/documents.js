// The document list, and opening and closing a document.

import { clearDetails } from './details.js';
import { setStatus, showMessage, statusText } from './messages.js';
import { saveUiState } from './saving.js';
import { state } from './state.js';
import { ui } from './ui.js';

// The document list is virtualised: a workspace may hold 10,000 documents, so only the
// rows in view (and a few around them) exist, each ROW_PX high, in a scrolling box whose
// list is as tall as all the rows. The documents' information is read from the core once
// per real change (renderDocumentList), never on an open or a tag.
const ROW_PX = 52;
const ROWS_AROUND = 6;

const docs = {
  /** Every document's information (`state.core.documents()`), and by id. */
  all: [],
  byId: new Map(),
  /** The documents the list shows: filtered, in the chosen order. */
  shown: [],
  /** The range of `shown` whose rows are built, [first, last). */
  painted: null,
};

/** The documents as the list shows them: filtered by the filter box, in the chosen order. */
function listedDocuments() {
  const needle = ui.docFilter.value.trim().toLocaleLowerCase();
  const shown = needle
    ? docs.all.filter((d) => `${d.shownTitle} ${d.shownName}`.toLocaleLowerCase().includes(needle))
    : [...docs.all];
  const by = ui.docSort.value;
  if (by === 'title') shown.sort((a, b) => a.shownTitle.localeCompare(b.shownTitle));
  else if (by === 'annotations') shown.sort((a, b) => b.annotationCount - a.annotationCount);
  return shown;
}

/** Reads every document's information from the core again. */
function readDocuments() {
  docs.all = state.core.documents();
  docs.byId = new Map(docs.all.map((d) => [d.id, d]));
}

/**
 * Document `docId`'s information as the list has it (`{id, name, title, shownName,
 * shownTitle, annotationCount, bidiControls, …}`), or undefined: without asking the core
 * for every document's.
 */
export function documentInfo(docId) {
  if (!docs.byId.has(docId)) readDocuments();
  const info = docs.byId.get(docId);
  if (!info) return undefined;
  try {
    // Edits change the count without redrawing the list; the core has it at once.
    info.annotationCount = state.core.annotationCount(docId);
  } catch {
    // Gone since the list was read (its redraw follows): read them again.
    readDocuments();
    return docs.byId.get(docId);
  }
  return info;
}

/** Redraws the document list (after documents were added, removed or renamed) and the open document's details. */
export function renderDocumentList() {
  readDocuments();
  showListedDocuments();
}

/** Filters and orders the list again (the filter box or the order changed), from the documents as last read. */
export function showListedDocuments() {
  docs.shown = listedDocuments();
  ui.docNone.hidden = docs.shown.length > 0 || docs.all.length === 0;
  // The open document may be gone (an undo, a remote change): its caller closes it.
  if (!state.openDocId || docs.byId.has(state.openDocId)) renderDocumentDetails();
  ui.docList.style.height = `${docs.shown.length * ROW_PX}px`;
  // The box keeps a few rows' height while its panel shrinks (at most what the rows take).
  ui.docScroller.style.setProperty('--rows-px', `${docs.shown.length * ROW_PX}px`);
  paintDocumentRows(true);
}

function documentRow(d, index) {
  const li = document.createElement('li');
  li.style.top = `${index * ROW_PX}px`;
  li.dataset.index = String(index);
  // Screen readers tell where the row is among all of them, not among the built ones.
  li.setAttribute('aria-setsize', String(docs.shown.length));
  li.setAttribute('aria-posinset', String(index + 1));
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'document-button';
  b.dataset.docId = d.id;
  b.title = `${d.shownTitle}\n${d.shownName}`;
  if (d.id === state.openDocId) b.setAttribute('aria-current', 'true');
  const title = document.createElement('span');
  title.className = 'doc-title';
  title.textContent = d.shownTitle;
  const meta = document.createElement('span');
  meta.className = 'doc-meta';
  meta.textContent = documentMeta(d);
  b.append(title, meta);
  li.append(b);
  return li;
}

function documentMeta(d) {
  return `${d.shownName} · ${d.annotationCount} annotation${d.annotationCount === 1 ? '' : 's'}`;
}

/**
 * Builds the rows in view. As the box scrolls, the rows that left are removed and the
 * ones that came are added, the others stay (a focused row keeps the focus); `force`
 * builds them all again (the documents or their order changed), keeping the focus on
 * the same document's row if it is still built.
 */
function paintDocumentRows(force = false) {
  const box = ui.docScroller;
  const n = docs.shown.length;
  const first = Math.max(0, Math.min(n, Math.floor(box.scrollTop / ROW_PX) - ROWS_AROUND));
  const last = Math.min(n, Math.ceil((box.scrollTop + box.clientHeight) / ROW_PX) + ROWS_AROUND);
  const was = docs.painted;
  if (!force && was && was[0] === first && was[1] === last) return;
  docs.painted = [first, last];
  const list = ui.docList;
  if (force || !was || last <= was[0] || first >= was[1]) {
    const focused = list.contains(document.activeElement) ? document.activeElement.dataset.docId : null;
    const rows = [];
    for (let i = first; i < last; i++) rows.push(documentRow(docs.shown[i], i));
    list.replaceChildren(...rows);
    if (focused) list.querySelector(`.document-button[data-doc-id="${CSS.escape(focused)}"]`)?.focus({ preventScroll: true });
    return;
  }
  // The ranges overlap: keep the rows in both, in order.
  for (const li of [...list.children]) {
    const i = Number(li.dataset.index);
    if (i < first || i >= last) li.remove();
  }
  const before = [];
  for (let i = first; i < Math.min(was[0], last); i++) before.push(documentRow(docs.shown[i], i));
  list.prepend(...before);
  const after = [];
  for (let i = Math.max(was[1], first); i < last; i++) after.push(documentRow(docs.shown[i], i));
  list.append(...after);
}

/** Marks the open document's row (only the built rows exist: the others are marked as they are built). */
function markOpenRow() {
  for (const b of ui.docList.querySelectorAll('.document-button[aria-current]')) b.removeAttribute('aria-current');
  const b = state.openDocId ? ui.docList.querySelector(`.document-button[data-doc-id="${CSS.escape(state.openDocId)}"]`) : null;
  b?.setAttribute('aria-current', 'true');
}

/** Scrolls the list so that row `index` is in view (only if it is not), and builds it. */
function revealRow(index) {
  const box = ui.docScroller;
  const top = index * ROW_PX;
  if (top < box.scrollTop) box.scrollTop = top;
  else if (top + ROW_PX > box.scrollTop + box.clientHeight) box.scrollTop = top + ROW_PX - box.clientHeight;
  paintDocumentRows();
}

/** The arrow keys, Home, End, Page Up and Page Down move the focus between the list's rows. */
function onListKey(e) {
  const b = e.target instanceof Element ? e.target.closest('.document-button') : null;
  if (!b || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey) return;
  const at = Number(b.parentElement.dataset.index);
  const page = Math.max(1, Math.floor(ui.docScroller.clientHeight / ROW_PX) - 1);
  const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: docs.shown.length - 1, PageDown: at + page, PageUp: at - page }[e.key];
  if (to === undefined) return;
  e.preventDefault();
  const index = Math.max(0, Math.min(docs.shown.length - 1, to));
  revealRow(index);
  ui.docList.querySelector(`li[data-index="${index}"] .document-button`)?.focus({ preventScroll: true });
}

/** Wires the list's scrolling and keys (once, at start). */
export function wireDocumentList() {
  ui.docScroller.addEventListener('scroll', () => paintDocumentRows(), { passive: true });
  ui.docList.addEventListener('keydown', onListKey);
  // The box's height follows the window's (the panel fits the viewport).
  new ResizeObserver(() => paintDocumentRows()).observe(ui.docScroller);
}

/** Shows the open document's counts by label, and its actions. */
export function renderDocumentDetails() {
  const open = state.openDocId;
  ui.docActions.hidden = !open;
  if (!open) return;
  const counts = state.core.labelCounts(open);
  ui.docLabelCounts.textContent = counts.length ? counts.map((c) => `${c.shownLabel} ${c.count}`).join(' · ') : 'No annotations yet.';
  for (const b of [ui.docRename, ui.docRetitle, ui.docRemove]) b.disabled = state.readOnly;
}

// The counts by label go over every annotation of the document: they are redrawn once
// edits pause, never on an edit's way to the next paint.
let detailsTimer = 0;
function scheduleDocumentDetails() {
  clearTimeout(detailsTimer);
  detailsTimer = setTimeout(renderDocumentDetails, 400);
}

/** Updates one document's annotation count in the list, without rebuilding the list. */
export function updateDocumentCount(docId) {
  if (docId === state.openDocId) scheduleDocumentDetails();
  const info = docs.byId.get(docId);
  if (!info) return;
  info.annotationCount = state.core.annotationCount(docId);
  const meta = ui.docList.querySelector(`.document-button[data-doc-id="${CSS.escape(docId)}"] .doc-meta`);
  if (meta) meta.textContent = documentMeta(info);
}

/** Opens a document: its text at once (long ones in chunks, with progress), highlights near the screen. */
export async function openDocument(docId) {
  state.openDocId = docId;
  clearDetails();
  performance.mark('spanmark:open:start');
  ui.doc.hidden = false;
  ui.docEmpty.hidden = true;
  ui.exportDoc.disabled = false;
  // The list is drawn again only when documents change: here its mark moves, and a
  // document opened from elsewhere (undo, search, import) comes into view.
  if (!docs.byId.has(docId)) renderDocumentList();
  else renderDocumentDetails();
  markOpenRow();
  const index = docs.shown.findIndex((d) => d.id === docId);
  if (index >= 0) revealRow(index);
  state.annotationList.showFromTop();
  window.scrollTo(0, 0);
  const opened = await state.view.open(state.core, docId, (fraction) => {
    if (fraction < 1) setStatus(`Opening… ${Math.round(fraction * 100)}%`);
  });
  if (!opened || state.openDocId !== docId) return;
  if (statusText().startsWith('Opening…')) setStatus('Opened.');
  state.view.highlightVisible();
  state.selectedRelationId = null;
  state.arcs?.refresh();
  state.relationList?.render();
  state.announcePresence?.();
  state.layers?.opened();
  saveUiState();
  // The open is complete when the browser has painted the highlighted text.
  requestAnimationFrame(() =>
    setTimeout(() => {
      performance.mark('spanmark:opened');
      performance.measure('spanmark:open', 'spanmark:open:start');
      document.body.dataset.openedDoc = docId;
    }),
  );
  const info = documentInfo(docId);
  if (info?.bidiControls) {
    showMessage(
      'info',
      `This document contains ${info.bidiControls} bidirectional control character(s) (such as U+202E), which can make text display in another order than it is stored.`,
      ['Each line is shown isolated so the reordering cannot spread; offsets and exports follow the stored order.'],
    );
  }
}

/** Closes the open document, leaving the empty page with its hint. */
export function closeDocument() {
  state.openDocId = null;
  state.view.selectedId = null;
  clearDetails();
  ui.doc.replaceChildren();
  state.selectedRelationId = null;
  state.arcs?.refresh();
  state.relationList?.render();
  state.layers?.opened();
  ui.doc.hidden = true;
  ui.docEmpty.hidden = false;
  ui.exportDoc.disabled = true;
  ui.docActions.hidden = true;
  markOpenRow();
  state.annotationList.render();
  saveUiState();
}
