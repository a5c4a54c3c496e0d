// The agreement view: the F1 of every pair of layers (a matrix of coloured cells with the
// number written), the mode (exact, overlap, boundary), and for a chosen pair A and B:
// precision, recall and F1 per label with the counts, micro and macro, Cohen's kappa on
// tokens, the label confusion table, and the disagreements with their context. A
// disagreement opens its document there with both layers shown; the pair can be
// curated into the gold layer (the analyst's own), its agreements accepted in one step,
// and any layer exported. Every figure comes from the core; this module only shows them.

import { acceptAgreements, openCuration } from './curation.js';
import { analystName, el, ensureAnalyst, layerColor, openAt } from './layers.js';
import { hideMessage, quote, setStatus, showMessage } from './messages.js';
import { state } from './state.js';
import { exportLayerFile } from './transfer.js';
import { ui } from './ui.js';

const MODES = [
  ['exact', 'exact', 'same start, end and label'],
  ['overlap', 'overlap', 'overlapping spans matched one to one, same label'],
  ['boundary', 'boundary', 'same start and end, any label'],
];
export const KINDS = {
  'missing-in-a': 'missing in A',
  'missing-in-b': 'missing in B',
  'boundary-differs': 'boundary differs',
  'label-differs': 'label differs',
};
// Disagreements listed at a time ("Show more" lists the next ones).
const PAGE = 100;

let dialog = null;
let mode = 'exact';
const pair = { a: null, b: null };
let listed = 0;
let disagreements = [];

/** A figure as the view writes it: two decimals. */
export function fixed(x) {
  return x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(2);
}

/** A light background for an F1 of `x` (red through amber to green), dark text on it. */
function heat(x) {
  const hue = Math.round(Math.max(0, Math.min(1, x)) * 120);
  return `hsl(${hue} 70% 86%)`;
}

function layerNames() {
  return state.core.layers().map((l) => l.name);
}

/** The name the view shows for layer `name` (the analyst's own says so). */
function shownName(name) {
  return name === state.core.analyst() ? `${analystName()} (yours)` : name;
}

function table(caption, head, rows, className = '') {
  return el(
    'table',
    { className: `agreement-table ${className}` },
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows),
  );
}

function build() {
  const close = el('button', { type: 'button', className: 'agreement-close', 'aria-label': 'Close the agreement view' }, '×');
  close.addEventListener('click', () => dialog.close());
  dialog = el(
    'dialog',
    { id: 'agreement-dialog', className: 'agreement-dialog', 'aria-labelledby': 'agreement-title' },
    el('h2', { id: 'agreement-title' }, 'Agreement between annotators'),
    close,
    el(
      'fieldset',
      { className: 'agreement-modes' },
      el('legend', {}, 'Mode'),
      MODES.map(([id, name, what]) =>
        el('label', { title: what }, el('input', { type: 'radio', name: 'agreement-mode', value: id, checked: id === mode }), ` ${name} `, el('span', { className: 'hint' }, `(${what})`)),
      ),
    ),
    el('section', { className: 'agreement-matrix', 'aria-labelledby': 'agreement-matrix-heading' }, el('h3', { id: 'agreement-matrix-heading' }, 'F1 of each pair'), el('div', { id: 'agreement-matrix' })),
    el(
      'section',
      { className: 'agreement-pair', 'aria-labelledby': 'agreement-pair-heading' },
      el('h3', { id: 'agreement-pair-heading' }, 'One pair'),
      el(
        'div',
        { className: 'agreement-pick' },
        el('label', {}, 'A (reference) ', el('select', { id: 'agreement-a' })),
        el('label', {}, 'B ', el('select', { id: 'agreement-b' })),
      ),
      el('p', { id: 'agreement-summary', className: 'agreement-summary' }),
      el('div', { className: 'agreement-tables' }, el('div', { id: 'agreement-labels' }), el('div', { id: 'agreement-confusion' })),
      el(
        'div',
        { className: 'agreement-actions' },
        el('button', { type: 'button', id: 'agreement-curate', className: 'primary' }, 'Curate A and B…'),
        el('button', { type: 'button', id: 'agreement-accept' }, 'Accept all agreements'),
        el('label', {}, 'Export the layer ', el('select', { id: 'agreement-export-layer' })),
        el('button', { type: 'button', id: 'agreement-export', title: 'Download the layer in the format chosen beside Export in the top bar (your own layer is the gold layer)' }, 'Export'),
      ),
    ),
    el(
      'section',
      { className: 'agreement-disagreements', 'aria-labelledby': 'agreement-dis-heading' },
      el('h3', { id: 'agreement-dis-heading' }, 'Disagreements'),
      el('p', { className: 'hint' }, 'Choose one to open its document there, with both layers shown.'),
      el('ol', { id: 'agreement-list', className: 'agreement-list' }),
      el('button', { type: 'button', id: 'agreement-more', hidden: true }, 'Show more'),
    ),
  );
  document.body.append(dialog);
  dialog.addEventListener('change', (e) => {
    if (e.target.name === 'agreement-mode') {
      mode = e.target.value;
      render();
    } else if (e.target.id === 'agreement-a' || e.target.id === 'agreement-b') {
      pair[e.target.id === 'agreement-a' ? 'a' : 'b'] = e.target.value;
      render();
    }
  });
  dialog.addEventListener('click', async (e) => {
    const cell = e.target.closest('button[data-pair-a]');
    if (cell) {
      pair.a = cell.dataset.pairA;
      pair.b = cell.dataset.pairB;
      render();
      // The matrix was drawn again: the focus goes to the chosen cell's new button.
      dialog.querySelector(`button[data-pair-a="${CSS.escape(pair.a)}"][data-pair-b="${CSS.escape(pair.b)}"]`)?.focus();
      return;
    }
    const item = e.target.closest('button[data-index]');
    if (item) {
      await showDisagreement(disagreements[Number(item.dataset.index)]);
      return;
    }
    if (e.target.id === 'agreement-more') {
      listMore();
      return;
    }
    if (e.target.id === 'agreement-curate') {
      const { a, b } = pair;
      dialog.close();
      await openCuration(a, b);
      return;
    }
    if (e.target.id === 'agreement-accept') {
      acceptAgreements(pair.a, pair.b);
      render();
      return;
    }
    if (e.target.id === 'agreement-export') exportLayerFile(dialog.querySelector('#agreement-export-layer').value);
  });
}

function fillSelect(select, names, value) {
  select.replaceChildren(...names.map((n) => el('option', { value: n }, shownName(n))));
  select.value = value;
}

function renderMatrix() {
  const m = state.core.agreementMatrix(mode);
  const head = ['Reference ↓ · against →', ...m.layers.map(shownName)];
  const rows = m.layers.map((a, i) =>
    el(
      'tr',
      {},
      el('th', { scope: 'row' }, shownName(a)),
      m.layers.map((b, j) => {
        if (i === j) return el('td', { className: 'same' }, el('span', { 'aria-label': 'the same layer' }, '—'));
        const f1 = m.f1[i][j];
        const chosen = a === pair.a && b === pair.b;
        const td = el(
          'td',
          { className: chosen ? 'chosen' : '' },
          el('button', { type: 'button', className: 'matrix-cell', 'data-pair-a': a, 'data-pair-b': b, 'aria-pressed': chosen ? 'true' : 'false', title: `${b} against ${a}: F1 ${fixed(f1)} (${mode}). Choose to see this pair.` }, fixed(f1)),
        );
        td.style.setProperty('--heat', heat(f1));
        return td;
      }),
    ),
  );
  const host = dialog.querySelector('#agreement-matrix');
  host.replaceChildren(table(`F1 in ${mode} mode: each column's layer against the row's layer as the reference; choose a cell to see that pair below.`, head, rows, 'matrix'));
}

function renderPair() {
  const { a, b } = pair;
  const r = state.core.agreement(a, b, mode);
  const summary = dialog.querySelector('#agreement-summary');
  summary.replaceChildren(
    el('strong', {}, `${shownName(b)} against ${shownName(a)}`),
    ` over ${r.documents} document(s), ${mode}: `,
    `micro P ${fixed(r.micro.precision)} · R ${fixed(r.micro.recall)} · F1 ${fixed(r.micro.f1)} (${r.micro.matched} of ${r.micro.reference} in A matched, ${r.micro.candidate} in B); `,
    `macro P ${fixed(r.macro.precision)} · R ${fixed(r.macro.recall)} · F1 ${fixed(r.macro.f1)}; `,
    `Cohen's κ ${r.kappa === null ? '— (no tokens)' : fixed(r.kappa)} over ${r.tokens} token(s).`,
  );
  const labelRows = r.perLabel.map((l) =>
    el(
      'tr',
      {},
      el('th', { scope: 'row' }, l.label),
      [fixed(l.precision), fixed(l.recall), fixed(l.f1), String(l.reference), String(l.candidate), String(l.matched)].map((v) => el('td', {}, v)),
    ),
  );
  dialog
    .querySelector('#agreement-labels')
    .replaceChildren(table(`Per label (${mode})`, ['Label', 'Precision', 'Recall', 'F1', 'In A', 'In B', 'Matched'], labelRows, 'labels'));
  const confusionRows = r.confusion.map(([x, y, n]) =>
    el('tr', { className: x === y ? 'same' : 'differs' }, el('td', {}, x), el('td', {}, y), el('td', {}, String(n))),
  );
  dialog
    .querySelector('#agreement-confusion')
    .replaceChildren(
      confusionRows.length
        ? table('Label confusion: spans both marked with the same boundaries', [`A's label`, `B's label`, 'Spans'], confusionRows, 'confusion')
        : el('p', { className: 'hint' }, 'Label confusion: no span has the same boundaries in both layers.'),
    );
  dialog.querySelector('#agreement-curate').textContent = `Curate ${a} and ${b}…`;
  dialog.querySelector('#agreement-accept').textContent = `Accept all agreements of ${a} and ${b}`;
  fillSelect(dialog.querySelector('#agreement-export-layer'), layerNames(), dialog.querySelector('#agreement-export-layer').value || state.core.analyst());
  dialog.querySelector('#agreement-export').textContent = `Export (${ui.exportFormat.selectedOptions[0]?.textContent ?? 'the chosen format'})`;

  disagreements = state.core.disagreements(a, b);
  dialog.querySelector('#agreement-dis-heading').textContent = `Disagreements of ${a} (A) and ${b} (B): ${disagreements.length}`;
  dialog.querySelector('#agreement-list').replaceChildren();
  listed = 0;
  listMore();
}

/** One side of a disagreement as a line: "A · Ada: ORG “text”" or "A · Ada: —". */
export function sideText(which, name, s) {
  return `${which} · ${name}: ${s ? `${s.label} ${quote(s.text)}` : '—'}`;
}

function listMore() {
  const list = dialog.querySelector('#agreement-list');
  const rows = document.createDocumentFragment();
  const end = Math.min(disagreements.length, listed + PAGE);
  for (let i = listed; i < end; i++) {
    const d = disagreements[i];
    const span = (s, cls) => (s ? el('mark', { className: `dis-span ${cls}` }, s.text) : null);
    const text = d.a && d.b && d.a.startUtf16 === d.b.startUtf16 && d.a.endUtf16 === d.b.endUtf16 ? span(d.a, 'both') : span(d.a ?? d.b, d.a ? 'a' : 'b');
    const aTag = el('span', { className: 'dis-side a' }, sideText('A', pair.a, d.a));
    const bTag = el('span', { className: 'dis-side b' }, sideText('B', pair.b, d.b));
    bTag.style.setProperty('--layer-color', layerColor(pair.b));
    rows.append(
      el(
        'li',
        {},
        el(
          'button',
          { type: 'button', className: 'dis-item', 'data-index': i, 'data-kind': d.kind },
          el('span', { className: 'dis-kind' }, KINDS[d.kind] ?? d.kind),
          el('span', { className: 'dis-doc' }, d.title),
          el('span', { className: 'dis-context' }, `…${d.before}`, text, `${d.after}…`),
          aTag,
          bTag,
        ),
      ),
    );
  }
  list.append(rows);
  listed = end;
  const more = dialog.querySelector('#agreement-more');
  more.hidden = listed >= disagreements.length;
  more.textContent = `Show ${Math.min(PAGE, disagreements.length - listed)} more of ${disagreements.length - listed}`;
}

function render() {
  const names = layerNames();
  if (!names.includes(pair.a)) pair.a = names[0];
  if (!names.includes(pair.b) || pair.b === pair.a) pair.b = names.find((n) => n !== pair.a);
  for (const r of dialog.querySelectorAll('input[name="agreement-mode"]')) r.checked = r.value === mode;
  fillSelect(dialog.querySelector('#agreement-a'), names, pair.a);
  fillSelect(dialog.querySelector('#agreement-b'), names.filter((n) => n !== pair.a), pair.b);
  renderMatrix();
  renderPair();
}

/** Opens the document of disagreement `d` at its place, with both layers shown there. */
export async function showDisagreement(d, { a = pair.a, b = pair.b } = {}) {
  if (dialog?.open) dialog.close();
  const sides = [d.a, d.b].filter(Boolean);
  const start = Math.min(...sides.map((s) => s.startUtf16));
  const end = Math.max(...sides.map((s) => s.endUtf16));
  await openAt(d.docId, start, end, [a, b]);
  // The analyst's own annotation there, if any, is selected (Delete or a hotkey acts on it).
  const mine = a === state.core.analyst() ? d.a : b === state.core.analyst() ? d.b : null;
  if (mine) {
    const own = state.core.annotationsAt(d.docId, mine.startUtf16).find((x) => x.startUtf16 === mine.startUtf16 && x.endUtf16 === mine.endUtf16 && x.label === mine.label);
    if (own) state.selectAnnotationById?.(own.id);
  }
  setStatus(`${KINDS[d.kind] ?? d.kind}: ${sideText('A', a, d.a)}; ${sideText('B', b, d.b)}. Both layers are shown (${b}'s dashed under the text).`);
}

/** Opens the agreement view (asking for the analyst's name first, if need be). */
export async function openAgreement() {
  if (!(await ensureAnalyst())) return;
  if (state.core.layers().length < 2) {
    showMessage('info', 'There is only your layer so far: agreement needs a colleague’s.', [
      'Import… their file and choose “Load as a colleague’s layer”, or use “Load a colleague’s file…” in the Layers panel.',
    ]);
    return;
  }
  if (!dialog) build();
  hideMessage();
  render();
  dialog.showModal();
  dialog.querySelector('input[name="agreement-mode"]:checked')?.focus();
  setStatus('Agreement: choose a pair in the matrix, a disagreement to see it in its document, or Curate to build the gold layer.');
}

/** Wires the "Agreement…" button, once at start-up. */
export function wireAgreement() {
  document.getElementById('agreement-open')?.addEventListener('click', openAgreement);
}
