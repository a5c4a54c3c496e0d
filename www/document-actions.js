// What the analyst does to documents: rename, give a title, remove; each one undoable step.

import { changed, editable } from './commands.js';
import { closeDocument, documentInfo, renderDocumentList, showListedDocuments } from './documents.js';
import { quote, setStatus, showMessage } from './messages.js';
import { state } from './state.js';
import { ui } from './ui.js';

const $ = (id) => document.getElementById(id);

/**
 * Asks in the document dialog: `field` is the input's label and value (or null for a
 * yes/no question). Resolves to the entered text (or true), or null when cancelled.
 */
function ask({ title, text, field = null, ok }) {
  const dialog = ui.docDialog;
  $('doc-dialog-title').textContent = title;
  $('doc-dialog-text').textContent = text;
  $('doc-dialog-field').hidden = !field;
  $('doc-dialog-label').textContent = field?.label ?? '';
  const input = $('doc-dialog-input');
  input.value = field?.value ?? '';
  $('doc-dialog-ok').textContent = ok;
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => resolve(dialog.returnValue === 'ok' ? (field ? input.value : true) : null),
      { once: true },
    );
    dialog.returnValue = '';
    dialog.showModal();
    (field ? input : $('doc-dialog-cancel')).focus();
    if (field) input.select();
  });
}

function openInfo() {
  return state.openDocId ? documentInfo(state.openDocId) : undefined;
}

/** Renames the open document. */
export async function renameOpenDocument() {
  const doc = openInfo();
  if (!doc || !editable()) return;
  const name = await ask({ title: 'Rename document', text: `The file name used for “${doc.shownTitle}” in exports.`, field: { label: 'Name', value: doc.name }, ok: 'Rename' });
  if (name === null) return;
  try {
    state.core.renameDocument(doc.id, name.trim());
  } catch (err) {
    showMessage('error', `“${doc.shownTitle}” was not renamed: ${err.message}.`);
    return;
  }
  renderDocumentList();
  changed();
  setStatus(`Renamed “${doc.shownTitle}” to ${quote(name.trim())}. Undo (Ctrl+Z) takes it back.`);
}

/** Gives the open document a title of the analyst's (an empty title goes back to the text's). */
export async function retitleOpenDocument() {
  const doc = openInfo();
  if (!doc || !editable()) return;
  const title = await ask({
    title: 'Document title',
    text: 'The title shown in the document list. Leave it empty to use the first line that reads as a headline.',
    field: { label: 'Title', value: doc.title },
    ok: 'Save',
  });
  if (title === null) return;
  state.core.setDocumentTitle(doc.id, title.trim() || null);
  renderDocumentList();
  changed();
  setStatus(`The title is now ${quote(openInfo().shownTitle)}. Undo (Ctrl+Z) takes it back.`);
}

/** Removes the open document, after saying how many annotations go with it. */
export async function removeOpenDocument() {
  const doc = openInfo();
  if (!doc || !editable()) return;
  const n = doc.annotationCount;
  const sure = await ask({
    title: 'Remove document',
    text: `Remove “${doc.shownTitle}” and its ${n} annotation${n === 1 ? '' : 's'}? Undo (Ctrl+Z) brings it back.`,
    ok: 'Remove',
  });
  if (!sure) return;
  state.core.removeDocument(doc.id);
  closeDocument();
  renderDocumentList();
  changed();
  setStatus(`Removed “${doc.shownTitle}” and its ${n} annotation${n === 1 ? '' : 's'}. Undo (Ctrl+Z) brings it back.`);
}

/** Wires the document list's tools and the open document's actions. */
export function wireDocumentActions() {
  ui.docFilter.addEventListener('input', () => showListedDocuments());
  ui.docSort.addEventListener('change', () => showListedDocuments());
  ui.docRename.addEventListener('click', renameOpenDocument);
  ui.docRetitle.addEventListener('click', retitleOpenDocument);
  ui.docRemove.addEventListener('click', removeOpenDocument);
}
