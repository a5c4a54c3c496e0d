// The status line and the message panel: what the analyst is told.

import { ui } from './ui.js';

/** Shows `text` on the status line. */
export function setStatus(text) {
  ui.status.textContent = text;
}

/** What the status line shows now. */
export function statusText() {
  return ui.status.textContent;
}

/**
 * Shows a message the analyst must read; `kind` is 'error', 'info', or 'storage' (a
 * failed save, which the next successful save takes away).
 */
export function showMessage(kind, text, details = [], total = details.length) {
  ui.message.dataset.kind = kind;
  ui.messageText.textContent = text;
  // However long the list, the page builds a bounded number of rows, one by one.
  const rows = document.createDocumentFragment();
  const shown = Math.min(details.length, DETAILS_SHOWN);
  for (let i = 0; i < shown; i++) rows.append(listItem(details[i]));
  if (total > shown) rows.append(listItem(`…and ${(total - shown).toLocaleString('en')} more.`));
  ui.messageDetails.replaceChildren(rows);
  ui.message.hidden = false;
}

// The most rows a message lists.
const DETAILS_SHOWN = 200;

function listItem(text) {
  const li = document.createElement('li');
  li.textContent = text;
  return li;
}

/** One line per kind of diagnostic: "1,234 × quote-mismatch (error), e.g. …". */
export function describeGroup(g) {
  return `${g.count.toLocaleString('en')} × ${g.code} (${g.severity}), e.g. ${g.example}`;
}

export function hideMessage() {
  ui.message.hidden = true;
}

/** Hides the message if it is one of `kind`, and leaves any other in place. */
export function hideMessageOfKind(kind) {
  if (ui.message.dataset.kind === kind) hideMessage();
}

/** `text` in quotation marks, shortened to 60 characters. */
export function quote(text) {
  return `“${text.length > 60 ? `${text.slice(0, 57)}…` : text}”`;
}

/** One line for a diagnostic of the core (an import problem or an export loss). */
export function describeDiagnostic(d) {
  const where = [d.document, d.annotation].filter(Boolean).join(' / ');
  return `[${d.severity}] ${where ? `${where}: ` : ''}${d.message}`;
}
