// The import review dialog: what a staged import brings and leaves out, and the analyst's decision.

import { describeDiagnostic } from './messages.js';
import { ui } from './ui.js';

const $ = (id) => document.getElementById(id);

const dialog = {
  title: $('import-title'),
  summary: $('import-summary'),
  unitRow: $('import-unit-row'),
  unit: $('import-unit'),
  counts: $('import-counts'),
  diagnostics: $('import-diagnostics'),
  accept: $('import-accept'),
  cancel: $('import-cancel'),
};

// The most diagnostics the dialog lists.
const SHOWN = 300;

function show(names, s) {
  dialog.title.textContent = `Import ${names}`;
  dialog.summary.textContent =
    `Read as ${s.formatTitle}: ${s.documentsRead} document(s) and ${s.annotationsAdded} annotation(s) can be imported` +
    (s.labelsAdded.length ? `, with new labels ${s.labelsAdded.join(', ')}.` : '.');
  const bySeverity = (k) => s.diagnostics.filter((d) => d.severity === k).length;
  dialog.counts.textContent = `${bySeverity('error')} left out · ${bySeverity('warning')} warnings · ${bySeverity('info')} notes`;
  // Errors first, then warnings, then notes; file order within each.
  const rank = { error: 0, warning: 1, info: 2 };
  const sorted = [...s.diagnostics].sort((a, b) => rank[a.severity] - rank[b.severity]);
  const items = sorted.slice(0, SHOWN).map((d) => {
    const li = document.createElement('li');
    li.dataset.severity = d.severity;
    li.textContent = describeDiagnostic(d);
    return li;
  });
  if (s.diagnostics.length > SHOWN) {
    const li = document.createElement('li');
    li.textContent = `…and ${s.diagnostics.length - SHOWN} more.`;
    items.push(li);
  }
  dialog.diagnostics.replaceChildren(...items);
  dialog.unitRow.hidden = !s.unitChoice;
  dialog.accept.disabled = false;
}

/**
 * Shows the report of the staged import `staged` of files `names`; `restage(format, unit)`
 * reads the files again with another offset unit. Resolves to the (possibly re-read)
 * staged import when the analyst accepts it, or to null.
 */
export function reviewImport(names, staged, restage) {
  const { unit } = dialog;
  unit.value = 'codepoint';
  show(names, staged);
  return new Promise((resolve) => {
    const done = (result) => {
      ui.importDialog.removeEventListener('close', onClose);
      unit.onchange = null;
      dialog.accept.onclick = null;
      dialog.cancel.onclick = null;
      if (ui.importDialog.open) ui.importDialog.close();
      resolve(result);
    };
    const onClose = () => done(null);
    unit.onchange = () => {
      try {
        staged = restage(staged.format, unit.value);
        show(names, staged);
      } catch (err) {
        // Read this way the file is refused: there is nothing to import until the unit changes back.
        dialog.counts.textContent = err.message;
        dialog.diagnostics.replaceChildren();
        dialog.accept.disabled = true;
      }
    };
    dialog.accept.onclick = () => done(staged);
    dialog.cancel.onclick = () => done(null);
    ui.importDialog.addEventListener('close', onClose);
    ui.importDialog.showModal();
    dialog.cancel.focus();
  });
}
