// The import review dialog: what a staged import brings and leaves out, and the analyst's decision.

import { describeDiagnostic, describeGroup } from './messages.js';
import { ui } from './ui.js';

const $ = (id) => document.getElementById(id);

const dialog = {
  sameRow: $('import-same-row'),
  sameText: $('import-same-text'),
  same: $('import-same'),
  groups: $('import-groups'),
  more: $('import-more'),
  title: $('import-title'),
  summary: $('import-summary'),
  unitRow: $('import-unit-row'),
  unit: $('import-unit'),
  counts: $('import-counts'),
  diagnostics: $('import-diagnostics'),
  accept: $('import-accept'),
  cancel: $('import-cancel'),
};

// How many more diagnostics "Show more" lists at a time.
const PAGE = 200;

function diagnosticItem(d) {
  const li = document.createElement('li');
  li.dataset.severity = d.severity;
  li.textContent = describeDiagnostic(d);
  return li;
}

/** Adds the rows of `list` to the detailed list, one by one (never a spread: a report can hold 150,000). */
function appendDiagnostics(list) {
  const rows = document.createDocumentFragment();
  for (const d of list) rows.append(diagnosticItem(d));
  dialog.diagnostics.append(rows);
}

function show(names, s, nextPage) {
  dialog.title.textContent = `Import ${names}`;
  dialog.summary.textContent =
    `Read as ${s.formatTitle}: ${s.documentsRead} document(s) and ${s.annotationsAdded} annotation(s) can be imported` +
    (s.labelsAdded.length ? `, with new labels ${s.labelsAdded.join(', ')}.` : '.');
  const bySeverity = (k) => s.summary.filter((g) => g.severity === k).reduce((n, g) => n + g.count, 0);
  dialog.counts.textContent = `${bySeverity('error')} left out · ${bySeverity('warning')} warnings · ${bySeverity('info')} notes`;
  // A long report is summarised by kind first, with counts.
  const groups = document.createDocumentFragment();
  for (const g of s.summary) {
    const li = document.createElement('li');
    li.dataset.severity = g.severity;
    li.textContent = describeGroup(g);
    groups.append(li);
  }
  dialog.groups.replaceChildren(groups);
  dialog.groups.hidden = s.diagnosticCount <= s.diagnostics.length;
  // Then every diagnostic, errors first, then warnings, then notes, a page at a time.
  dialog.diagnostics.replaceChildren();
  appendDiagnostics(s.diagnostics);
  let shown = s.diagnostics.length;
  const updateMore = () => {
    dialog.more.hidden = shown >= s.diagnosticCount;
    dialog.more.textContent = `Show ${Math.min(PAGE, s.diagnosticCount - shown).toLocaleString('en')} more of ${(s.diagnosticCount - shown).toLocaleString('en')}`;
  };
  dialog.more.onclick = () => {
    const page = nextPage(shown, PAGE);
    appendDiagnostics(page);
    shown += page.length;
    updateMore();
  };
  updateMore();
  dialog.unitRow.hidden = !s.unitChoice;
  // Documents whose text is already open: merge, copy or skip, as the analyst chooses.
  dialog.sameRow.hidden = s.sameText.length === 0;
  if (s.sameText.length) {
    const titles = s.sameText.map((m) => `“${m.existingTitle}”`);
    const shown = titles.slice(0, 5).join(', ') + (titles.length > 5 ? ` and ${titles.length - 5} more` : '');
    dialog.sameText.textContent = `${s.sameText.length} document(s) in the file have the same text as ${shown}, already open.`;
  }
  dialog.accept.disabled = false;
}

/**
 * Shows the report of the staged import `staged` of files `names`; `restage(format, unit)`
 * reads the files again with another offset unit. Resolves to the (possibly re-read)
 * staged import when the analyst accepts it, or to null.
 */
export function reviewImport(names, staged, restage, nextPage) {
  const { unit, same } = dialog;
  unit.value = 'codepoint';
  same.value = 'merge';
  show(names, staged, nextPage);
  return new Promise((resolve) => {
    const done = (result) => {
      ui.importDialog.removeEventListener('close', onClose);
      unit.onchange = null;
      same.onchange = null;
      dialog.accept.onclick = null;
      dialog.more.onclick = null;
      dialog.cancel.onclick = null;
      if (ui.importDialog.open) ui.importDialog.close();
      resolve(result);
    };
    const onClose = () => done(null);
    // Reads the files again with the choices made in the report.
    same.onchange = unit.onchange = () => {
      try {
        staged = restage(staged.format, unit.value, same.value);
        show(names, staged, nextPage);
      } catch (err) {
        // Read this way the file is refused: there is nothing to import until the unit changes back.
        dialog.counts.textContent = err.message;
        dialog.diagnostics.replaceChildren();
        dialog.groups.replaceChildren();
        dialog.more.hidden = true;
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
