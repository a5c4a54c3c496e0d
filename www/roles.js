// Keeps the controls and the status line true to the tab's role: session.js marks the
// role on <body data-role="writer|reader">; a read-only tab disables what cannot act.

import { updateHistoryButtons } from './commands.js';
import { setStatus, statusText } from './messages.js';
import { state } from './state.js';
import { ui } from './ui.js';

// The start of the status line that commands.js shows when a read-only tab refuses an edit.
const READ_ONLY_STATUS = 'This tab is read-only';

function isReader() {
  return document.body.dataset.role === 'reader';
}

/** Enables or disables the controls that edit the workspace, for the tab's role now. */
export function applyRole() {
  const reader = isReader();
  for (const b of ui.palette.querySelectorAll('.label-button')) b.disabled = reader;
  ui.importInput.disabled = reader;
  ui.restoreInput.disabled = reader;
  if (state.core) updateHistoryButtons();
  // A message about the old role goes with it.
  if (!reader && statusText().startsWith(READ_ONLY_STATUS)) setStatus('This tab can edit now: the other Spanmark tab closed.');
}

/** Watches the tab's role and applies it at every change. */
export function watchRole() {
  new MutationObserver(applyRole).observe(document.body, { attributes: true, attributeFilter: ['data-role'] });
  applyRole();
}
