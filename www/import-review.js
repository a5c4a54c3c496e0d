// The import review dialog: what a staged import brings and leaves out, and the analyst's decision.

import { describeDiagnostic, describeGroup } from './messages.js';
import { ui } from './ui.js';

const $ = (id) => document.getElementById(id);

const dialog = {
  readRow: $('import-read-row'),
  format: $('import-format'),
  columnRow: $('import-column-row'),
  column: $('import-column'),
  keysRow: $('import-keys-row'),
  textKey: $('import-text-key'),
  labelKey: $('import-label-key'),
  sameRow: $('import-same-row'),
  sameText: $('import-same-text'),
  same: $('import-same'),
  layerRow: $('import-layer-row'),
  layerName: $('import-layer-name'),
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
  showChoices(s);
  // Documents whose text is already open: merge, copy or skip, as the analyst chooses.
  dialog.sameRow.hidden = s.sameText.length === 0;
  if (s.sameText.length) {
    const titles = s.sameText.map((m) => `“${m.existingTitle}”`);
    const shown = titles.slice(0, 5).join(', ') + (titles.length > 5 ? ` and ${titles.length - 5} more` : '');
    dialog.sameText.textContent = `${s.sameText.length} document(s) in the file have the same text as ${shown}, already open.`;
  }
  // Or they load as a colleague's layer of those documents (layers.js), named here.
  dialog.layerRow.hidden = dialog.sameRow.hidden || dialog.same.value !== 'layer';
  dialog.accept.disabled = false;
}

/** Fills a select with `[value, text]` options and selects `value`. */
function fill(select, options, value) {
  const items = document.createDocumentFragment();
  for (const [v, text] of options) {
    const o = document.createElement('option');
    o.value = v;
    o.textContent = text;
    items.append(o);
  }
  select.replaceChildren(items);
  select.value = value;
}

/** The other ways to read the files: another format, CoNLL's tag column, JSONL's fields. */
function showChoices(s) {
  dialog.readRow.hidden = s.readings.length < 2;
  fill(dialog.format, s.readings.map((r) => [r.id, r.title]), s.format);
  dialog.columnRow.hidden = !s.columns || s.columns.count < 3;
  if (s.columns) {
    const columns = Array.from({ length: s.columns.count - 1 }, (_, k) => k + 1).map((c) => [String(c), `${c + 1}${s.columns.tagColumns.includes(c) ? ' (tags)' : ''}`]);
    fill(dialog.column, columns, String(s.columns.chosen ?? ''));
  }
  dialog.keysRow.hidden = !s.keys || s.keys.available.length === 0;
  if (s.keys) {
    const keys = [['', 'as detected'], ...s.keys.available.map((k) => [k, k])];
    fill(dialog.textKey, keys, s.keys.text ?? '');
    fill(dialog.labelKey, keys, s.keys.label ?? '');
  }
}

/** The analyst's choices in the report, as `stageImport` takes them. */
function choices(staged) {
  const keys = !dialog.keysRow.hidden;
  return {
    format: dialog.format.value || staged.format,
    unit: dialog.unit.value,
    sameText: dialog.same.value === 'layer' ? 'merge' : dialog.same.value,
    tagColumn: dialog.columnRow.hidden ? undefined : Number(dialog.column.value),
    textKey: keys && dialog.textKey.value ? dialog.textKey.value : undefined,
    labelKey: keys && dialog.labelKey.value ? dialog.labelKey.value : undefined,
  };
}

/**
 * Shows the report of the staged import `staged` of files `names`; `restage(choices)`
 * reads the files again with the analyst's choices (format, offset unit, what to do with
 * a text already open, CoNLL's tag column, JSONL's fields). Resolves to the (possibly re-read)
 * staged import when the analyst accepts it, or to null.
 */
export function reviewImport(names, staged, restage, nextPage) {
  const { unit, same } = dialog;
  unit.value = 'codepoint';
  same.value = 'merge';
  dialog.layerName.value = '';
  show(names, staged, nextPage);
  return new Promise((resolve) => {
    const done = (result) => {
      ui.importDialog.removeEventListener('close', onClose);
      for (const select of [unit, same, dialog.format, dialog.column, dialog.textKey, dialog.labelKey]) select.onchange = null;
      dialog.accept.onclick = null;
      dialog.more.onclick = null;
      dialog.cancel.onclick = null;
      if (ui.importDialog.open) ui.importDialog.close();
      resolve(result);
    };
    const onClose = () => done(null);
    // Reads the files again with the choices made in the report.
    const reread = () => {
      try {
        staged = restage(choices(staged));
        show(names, staged, nextPage);
      } catch (err) {
        // Read this way the file is refused: there is nothing to import until a choice changes back.
        dialog.counts.textContent = err.message;
        dialog.diagnostics.replaceChildren();
        dialog.groups.replaceChildren();
        dialog.more.hidden = true;
        dialog.accept.disabled = true;
      }
    };
    for (const select of [unit, same, dialog.format, dialog.column, dialog.textKey, dialog.labelKey]) select.onchange = reread;
    dialog.accept.onclick = () => {
      if (dialog.sameRow.hidden || same.value !== 'layer') return done(staged);
      const asLayer = dialog.layerName.value.trim();
      if (!asLayer) {
        dialog.counts.textContent = 'Give the colleague’s name: their annotations load as their layer under it.';
        dialog.layerName.focus();
        return;
      }
      done({ ...staged, asLayer });
    };
    dialog.cancel.onclick = () => done(null);
    ui.importDialog.addEventListener('close', onClose);
    ui.importDialog.showModal();
    dialog.cancel.focus();
  });
}
