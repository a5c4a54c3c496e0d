// The document list, and opening and closing a document.

import { clearDetails } from './details.js';
import { setStatus, showMessage, statusText } from './messages.js';
import { saveUiState } from './saving.js';
import { state } from './state.js';
import { ui } from './ui.js';

/** The documents as the list shows them: filtered by the filter box, in the chosen order. */
function listedDocuments() {
  const all = state.core.documents();
  const needle = ui.docFilter.value.trim().toLocaleLowerCase();
  const shown = needle
    ? all.filter((d) => `${d.shownTitle} ${d.shownName}`.toLocaleLowerCase().includes(needle))
    : all;
  const by = ui.docSort.value;
  if (by === 'title') shown.sort((a, b) => a.shownTitle.localeCompare(b.shownTitle));
  else if (by === 'annotations') shown.sort((a, b) => b.annotationCount - a.annotationCount);
  return { shown, total: all.length };
}

/** Redraws the document list, marking the open document, and the open document's details. */
export function renderDocumentList() {
  const { shown, total } = listedDocuments();
  ui.docNone.hidden = shown.length > 0 || total === 0;
  renderDocumentDetails();
  const items = shown.map((d) => {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'document-button';
    b.dataset.docId = d.id;
    if (d.id === state.openDocId) b.setAttribute('aria-current', 'true');
    const title = document.createElement('span');
    title.className = 'doc-title';
    title.textContent = d.shownTitle;
    const meta = document.createElement('span');
    meta.className = 'doc-meta';
    meta.textContent = `${d.shownName} · ${d.annotationCount} annotation${d.annotationCount === 1 ? '' : 's'}`;
    b.append(title, meta);
    li.append(b);
    return li;
  });
  ui.docList.replaceChildren(...items);
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
  const meta = ui.docList.querySelector(`.document-button[data-doc-id="${CSS.escape(docId)}"] .doc-meta`);
  if (!meta) return;
  const count = state.core.annotationCount(docId);
  meta.textContent = meta.textContent.replace(/ · \d+ annotations?$/, ` · ${count} annotation${count === 1 ? '' : 's'}`);
}

/** Opens a document: its text at once (long ones in chunks, with progress), highlights near the screen. */
export async function openDocument(docId) {
  state.openDocId = docId;
  clearDetails();
  performance.mark('spanmark:open:start');
  ui.doc.hidden = false;
  ui.docEmpty.hidden = true;
  ui.exportDoc.disabled = false;
  renderDocumentList();
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
  const info = state.core.documents().find((d) => d.id === docId);
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
  state.annotationList.render();
  saveUiState();
}
