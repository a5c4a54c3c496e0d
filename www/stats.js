// The statistics view: annotations per label and per document, the most mentioned
// entities and label co-occurrence, as charts (charts.js) with their numbers beside them
// and CSV downloads where the core writes the table. The core counts; this module draws.

import { barChart, figure, heatMap, numberTable, stackedBars } from './charts.js';
import { labels } from './palette.js';
import { state } from './state.js';

// Documents drawn one by one in the per-document chart; the rest are summed in one bar.
const TOP_DOCUMENTS = 20;
// Entities in the most-mentioned chart.
const TOP_ENTITIES = 15;

function labelName(id) {
  return labels.get(id)?.shownId ?? id;
}

function labelColor(id) {
  return labels.get(id)?.color ?? '#5f6b76';
}

/** A button that downloads the core's CSV table `table`. */
export function csvButton(table, text = 'Download CSV') {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'csv-button';
  b.dataset.csv = table;
  b.textContent = text;
  b.addEventListener('click', () => state.core.downloadCsv(table));
  return b;
}

function empty(text) {
  const p = document.createElement('p');
  p.className = 'hint';
  p.textContent = text;
  return p;
}

function perLabel() {
  const totals = state.core.labelTotals();
  const title = 'Annotations per label';
  if (!totals.length) return figure(title, empty('No annotations yet.'), numberTable(title, ['Label', 'Annotations'], []));
  const rows = totals.map(([id, n]) => ({ name: labelName(id), value: n, color: labelColor(id) }));
  return figure(title, barChart(rows, { title }), numberTable(title, ['Label', 'Annotations'], rows.map((r) => [r.name, r.value])));
}

function perDocument() {
  const counts = state.core.documentCounts().sort((a, b) => b.total - a.total);
  const title = `Annotations per document${counts.length > TOP_DOCUMENTS ? ` (the ${TOP_DOCUMENTS} with the most, the rest summed)` : ''}`;
  const shown = counts.slice(0, TOP_DOCUMENTS);
  const rest = counts.slice(TOP_DOCUMENTS);
  const rows = shown.map((d) => ({ name: d.title || d.docId, byLabel: d.byLabel, total: d.total }));
  if (rest.length) {
    const byLabel = {};
    for (const d of rest) for (const [l, n] of Object.entries(d.byLabel)) byLabel[l] = (byLabel[l] ?? 0) + n;
    rows.push({ name: `${rest.length} other documents`, byLabel, total: rest.reduce((s, d) => s + d.total, 0) });
  }
  const used = new Set(rows.flatMap((r) => Object.keys(r.byLabel)));
  const keys = [...labels.keys(), ...[...used].filter((l) => !labels.has(l))]
    .filter((l) => used.has(l))
    .map((l) => ({ key: l, name: labelName(l), color: labelColor(l) }));
  const chart = stackedBars(
    rows.map((r) => ({ name: r.name, parts: keys.map((k) => ({ key: k.key, value: r.byLabel[k.key] ?? 0 })) })),
    keys,
    { title: 'Annotations per document, by label' },
  );
  const table = numberTable(title, ['Document', 'Total', 'By label'], rows.map((r) => [r.name, r.total, keys.filter((k) => r.byLabel[k.key]).map((k) => `${k.name} ${r.byLabel[k.key]}`).join(' · ')]));
  return figure(title, chart, table, [csvButton('documents', 'Download CSV (per document and label)')]);
}

function topEntities() {
  const list = state.core
    .entities()
    .filter((e) => e.mentions > 0)
    .sort((a, b) => b.mentions - a.mentions || a.name.localeCompare(b.name))
    .slice(0, TOP_ENTITIES);
  const title = `The most mentioned entities (top ${TOP_ENTITIES})`;
  const table = numberTable(title, ['Entity', 'Type', 'Mentions', 'Documents'], list.map((e) => [e.shownName ?? e.name, labelName(e.type), e.mentions, e.documents]));
  if (!list.length) return figure(title, empty('No annotation is linked to an entity yet (select one and press E).'), table);
  const chart = barChart(list.map((e) => ({ name: e.shownName ?? e.name, value: e.mentions, color: labelColor(e.type) })), { title: 'Mentions per entity' });
  return figure(title, chart, table, [csvButton('matrix', 'Download CSV (document × entity)'), csvButton('entity-pairs-document', 'Download CSV (entity pairs)')]);
}

function labelPairs(scope) {
  const pairs = state.core.pairs('labels', scope);
  const title = `Labels that occur together in a ${scope}`;
  const ids = [...labels.keys()].filter((l) => pairs.some((p) => p.a === l || p.b === l));
  const weight = new Map(pairs.map((p) => [`${p.a}\u0000${p.b}`, p.weight]));
  const value = (i, j) => weight.get(`${ids[i]}\u0000${ids[j]}`) ?? weight.get(`${ids[j]}\u0000${ids[i]}`) ?? 0;
  const table = numberTable(title, ['Label', 'With', 'Weight'], pairs.map((p) => [labelName(p.a), labelName(p.b), p.weight]));
  const scopeSelect = document.createElement('label');
  scopeSelect.className = 'stats-scope';
  scopeSelect.textContent = 'Together in the same ';
  const select = document.createElement('select');
  select.id = 'stats-label-scope';
  for (const s of ['document', 'sentence']) select.append(Object.assign(document.createElement('option'), { value: s, textContent: s, selected: s === scope }));
  scopeSelect.append(select);
  const chart = ids.length ? heatMap(ids.map(labelName), value, { title: `Label co-occurrence per ${scope}` }) : empty('No two labels occur together yet.');
  const fig = figure(title, chart, table, [scopeSelect]);
  select.addEventListener('change', () => fig.replaceWith(labelPairs(select.value)));
  return fig;
}

/** Draws the statistics into `container` (read from the core now). */
export function renderStats(container) {
  container.replaceChildren(perLabel(), perDocument(), topEntities(), labelPairs(container.querySelector('#stats-label-scope')?.value ?? 'document'));
}
