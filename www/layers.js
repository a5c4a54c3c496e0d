// Annotators' layers in the page: the analyst's name (shown in the top bar), a
// colleague's files loaded as their layer of the open documents with the same text,
// and the other layers shown read-only: over the article as a dashed band in the
// layer's colour under each span (an overlay out of the text's flow, so the text never
// moves), or side by side, the layer's own rendering of the document in a second column
// that scrolls with the article. The analyst's own layer is the one the page edits.

import { oncePerFrame } from './elements.js';
import { core } from './core.js';
import { changed, editable } from './commands.js';
import { openDocument, renderDocumentList } from './documents.js';
import { describeDiagnostic, quote, setStatus, showMessage } from './messages.js';
import { labels } from './palette.js';
import { state } from './state.js';
import { ui } from './ui.js';
import { DocView } from './view.js';

/** The core's name for an analyst who has not given theirs. */
export const DEFAULT_ANALYST = 'me';
// The layers' colours, in the order of the colleagues' names: 3:1 and more on the page.
const COLORS = ['#7c3aed', '#be185d', '#0f766e', '#c2410c', '#1d4ed8', '#854d0e'];
// Where the first layer's band lies below the text (under the own layer's bands), and the next ones.
const BAND_OFFSET_PX = 7;
const BAND_STEP_PX = 4;

/** Builds an element: `props` are properties (or `aria-*`/`data-*` attributes), then children. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('aria-') || k.startsWith('data-') || k === 'role' || k === 'for') node.setAttribute(k, v === true ? '' : String(v));
    else node[k] = v;
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** The layers shown over the article, and the one side by side (null: none). */
const shown = new Set();
let side = null;

// ---- The analyst's name ----------------------------------------------------------------

/** Whether the analyst has given their name. */
export function analystNamed() {
  return state.core.analyst() !== DEFAULT_ANALYST;
}

/** The analyst's name, or 'You' while they have not given one. */
export function analystName() {
  return analystNamed() ? state.core.analyst() : 'You';
}

function showAnalyst() {
  const b = document.getElementById('analyst');
  if (!b) return;
  b.textContent = analystNamed() ? `Analyst: ${state.core.analyst()}` : 'Analyst: set your name';
  b.title = 'Your name: your annotations are your layer, named so in the agreement view. Click to change it.';
}

/**
 * Asks for a name in a small dialog; `check(name)` returns an error message or null (it
 * may act, e.g. save the name). Resolves to the name, or null when cancelled.
 */
export function askName({ title, text, label, value = '', ok = 'Save', check = () => null }) {
  const input = el('input', { type: 'text', autocomplete: 'off', value, id: 'name-dialog-input', required: true });
  const error = el('p', { className: 'name-dialog-error', role: 'alert' });
  const okButton = el('button', { type: 'submit', className: 'primary', value: 'ok' }, ok);
  const form = el(
    'form',
    { method: 'dialog' },
    el('h2', { id: 'name-dialog-title' }, title),
    el('p', {}, text),
    el('label', { className: 'name-dialog-field' }, label, input),
    error,
    el('div', { className: 'dialog-actions' }, el('button', { type: 'submit', value: 'cancel', formNoValidate: true }, 'Cancel'), okButton),
  );
  const dialog = el('dialog', { className: 'name-dialog', 'aria-labelledby': 'name-dialog-title' }, form);
  document.body.append(dialog);
  return new Promise((resolve) => {
    form.addEventListener('submit', (e) => {
      if (e.submitter?.value !== 'ok') return;
      const name = input.value.trim();
      const problem = name ? check(name) : 'Give a name.';
      if (problem) {
        e.preventDefault();
        error.textContent = problem;
        input.focus();
        return;
      }
      dialog.returnValue = 'ok';
    });
    dialog.addEventListener('close', () => {
      const name = dialog.returnValue === 'ok' ? input.value.trim() : null;
      dialog.remove();
      resolve(name);
    });
    dialog.showModal();
    input.select();
  });
}

/** Asks for the analyst's name and saves it (a setting, not an undoable edit). Resolves to it or null. */
export async function setAnalystName() {
  if (!editable()) return null;
  const name = await askName({
    title: 'Your name',
    text: 'Your annotations are your layer: the agreement view and the curation name it so, and a colleague’s file loads as their layer beside it. It is saved with the workspace.',
    label: 'Name',
    value: analystNamed() ? state.core.analyst() : '',
    check: (n) => {
      try {
        state.core.setAnalyst(n);
        return null;
      } catch (err) {
        return `That name cannot be yours: ${err.message}.`;
      }
    },
  });
  if (name) {
    changed();
    showAnalyst();
    renderLayers();
    setStatus(`Your name is ${quote(name)}: your annotations are ${name}'s layer.`);
  }
  return name;
}

/** The analyst's name, asked for first if they have not given it; null when they cancel. */
export async function ensureAnalyst() {
  if (analystNamed()) return state.core.analyst();
  return setAnalystName();
}

// ---- Which layers there are ---------------------------------------------------------------

/** The colleagues' layers, by name, with their colours. */
export function otherLayers() {
  const others = state.core.layers().filter((l) => !l.own);
  return others.map((l, i) => ({ ...l, color: COLORS[i % COLORS.length] }));
}

/** The colour of layer `name` (the analyst's own: the page's ink). */
export function layerColor(name) {
  return otherLayers().find((l) => l.name === name)?.color ?? '#1d2329';
}

// Layer annotations of the open document, read once per document and layer until a change.
const cache = new Map();

/** Layer `name`'s annotations in document `docId`, or null when it has no such layer. */
export function layerAnnotations(docId, name) {
  const key = `${docId}\u0000${name}`;
  if (!cache.has(key)) {
    let list = null;
    try {
      list = state.core.layerAnnotations(docId, name);
    } catch {
      list = null;
    }
    cache.set(key, list);
  }
  return cache.get(key);
}

// ---- Loading a colleague's layer ----------------------------------------------------------

/**
 * Loads the files the core took in (`intake`) as colleague `name`'s layer of the open
 * documents with the same text, as one undoable step; shows the report. `format`: the
 * format the files were read as (null: detected). Returns the report, or null.
 */
export async function loadColleagueLayer(name, format = null, files = 'the file') {
  if (!(await ensureAnalyst())) {
    setStatus('Nothing was loaded: give your name first, so that your layer and the colleague’s are told apart.');
    return null;
  }
  let report;
  try {
    report = state.core.loadLayer(name, format ? { format } : null);
  } catch (err) {
    showMessage('error', `${files} was not loaded as ${name}'s layer: ${err.message}.`, ['Nothing changed.']);
    setStatus(`Nothing was loaded as ${name}'s layer.`);
    return null;
  }
  cache.clear();
  shown.add(name);
  const docs = state.core.documents().filter((d) => layerAnnotations(d.id, name));
  const details = docs.map((d) => `${quote(d.shownTitle)}: ${layerAnnotations(d.id, name).length} annotation(s) of ${name}'s`);
  for (const d of report.diagnostics) details.push(describeDiagnostic(d));
  const differ = report.diagnostics.filter((d) => d.code === 'layer-text-differs').length;
  showMessage(
    differ ? 'info' : 'info',
    `Loaded ${name}'s layer: ${report.documentsRead} document(s) matched by text, ${report.annotationsAdded} annotation(s)` +
      (differ ? `; ${differ} document(s) of the file have another text and were not loaded.` : '.') +
      ' Undo takes it back.',
    details,
  );
  changed();
  renderDocumentList();
  if (!docs.some((d) => d.id === state.openDocId) && docs[0]) await openDocument(docs[0].id);
  else refreshLayers();
  setStatus(`Loaded ${name}'s layer (${report.annotationsAdded} annotation(s)), shown over the text: the Layers panel hides it or puts it side by side.`);
  return report;
}

/** "Load a colleague's file…" in the layers panel: the colleague's name, then the files. */
async function loadFromInput(files) {
  if (!editable() || !files.length) return;
  if (!(await ensureAnalyst())) return;
  const name = await askName({
    title: 'Load a colleague’s layer',
    text: `The file's annotations become this colleague's layer of the open documents with the same text; your own layer (${state.core.analyst()}) does not change.`,
    label: 'Colleague’s name',
    ok: 'Load',
    check: (n) => (n === state.core.analyst() ? 'That is your own name: give the colleague’s.' : null),
  });
  if (!name) return;
  try {
    state.core.discardImport();
    const intake = state.core.intake(await core().readFiles(files));
    if (!intake.annotationFiles.length) throw new Error('none of these files holds annotations Spanmark reads');
  } catch (err) {
    state.core.discardImport();
    showMessage('error', `Nothing was loaded: ${err.message}.`, []);
    return;
  }
  await loadColleagueLayer(name, null, files.map((f) => f.name).join(', '));
  state.core.discardImport();
}

// ---- The overlay: other layers under the article's text --------------------------------------

class Overlay {
  /** @param {HTMLElement} container the workspace column, which holds the article */
  constructor(container) {
    this.container = container;
    this.box = el('div', { className: 'layer-overlay', 'aria-hidden': 'true' });
    container.append(this.box);
    this.spot = null;
    this.schedule = oncePerFrame(() => this.draw());
    window.addEventListener('scroll', () => this.schedule(), { passive: true });
    window.addEventListener('resize', () => this.schedule());
  }


  /** Line boxes of `[start, end)` (starting in block `firstBlock`), one per line, in the container's coordinates. */
  lines(start, end, firstBlock, origin) {
    const range = state.view.domRange(start, end, firstBlock);
    if (!range) return [];
    const byLine = new Map();
    for (const r of range.getClientRects()) {
      if (r.width === 0) continue;
      const key = Math.round(r.bottom);
      const line = byLine.get(key) ?? { left: Infinity, right: -Infinity, top: r.top, bottom: r.bottom };
      line.left = Math.min(line.left, r.left);
      line.right = Math.max(line.right, r.right);
      line.top = Math.min(line.top, r.top);
      byLine.set(key, line);
    }
    return [...byLine.values()].map((l) => ({ left: l.left - origin.left, right: l.right - origin.left, top: l.top - origin.top, bottom: l.bottom - origin.top }));
  }

  draw() {
    const docId = state.openDocId;
    const view = state.view;
    if (!docId || !view?.blockEls.length || view.docId !== docId) {
      this.box.replaceChildren();
      return;
    }
    const layers = shown.size ? otherLayers().filter((l) => shown.has(l.name) && layerAnnotations(docId, l.name)) : [];
    // Nothing to draw: the page's layout is not even read.
    if (!layers.length && this.spot?.docId !== docId) {
      if (this.box.firstChild) this.box.replaceChildren();
      return;
    }
    const range = state.arcs?.visibleBlocks?.() ?? [0, view.blockEls.length - 1];
    const origin = this.container.getBoundingClientRect();
    const frag = document.createDocumentFragment();
    let drawn = 0;
    layers.forEach((layer, k) => {
      const list = layerAnnotations(docId, layer.name);
      if (!list || !range) return;
      for (const a of list) {
        if (a.endBlock - 1 < range[0] || a.firstBlock > range[1]) continue;
        for (const line of this.lines(a.startUtf16, a.endUtf16, a.firstBlock, origin)) {
          const band = el('div', { className: 'layer-band', 'data-layer': layer.name, 'data-label': a.label });
          band.style.setProperty('--layer-color', layer.color);
          band.style.left = `${line.left}px`;
          band.style.width = `${line.right - line.left}px`;
          band.style.top = `${line.bottom + BAND_OFFSET_PX + k * BAND_STEP_PX}px`;
          frag.append(band);
          drawn++;
        }
      }
    });
    if (this.spot?.docId === docId) {
      for (const line of this.lines(this.spot.start, this.spot.end, this.spot.firstBlock, origin)) {
        const box = el('div', { className: 'layer-spot' });
        box.style.left = `${line.left - 3}px`;
        box.style.width = `${line.right - line.left + 6}px`;
        box.style.top = `${line.top - 3}px`;
        box.style.height = `${line.bottom - line.top + 6 + BAND_OFFSET_PX + layers.length * BAND_STEP_PX}px`;
        frag.append(box);
      }
    }
    this.box.replaceChildren(frag);
    this.box.dataset.drawn = String(drawn);
  }
}

// ---- Side by side: another layer's rendering of the document ------------------------------------

/** A read-only rendering of one layer: the article's view, fed that layer's segments. */
class LayerColumn extends DocView {
  constructor(root) {
    super(root, labels);
    this.layer = null;
  }

  /** Shows layer `layer` of document `docId`. */
  async show(docId, layer) {
    this.layer = layer;
    const real = state.core;
    const list = () => layerAnnotations(docId, layer) ?? [];
    const adapter = {
      documentText: (d) => real.documentText(d),
      blocks: (d) => real.blocks(d),
      annotationsPage: () => [],
      annotationCount: () => 0,
      segments: (d, s, e) => real.layerSegments(d, layer, s, e),
      annotation: (d, id) => {
        const a = list().find((x) => x.id === id);
        if (!a) throw new Error('no such annotation');
        return a;
      },
    };
    const opened = await this.open(adapter, docId);
    if (opened) this.highlightVisible();
  }

  // Read-only: its highlights are not buttons and take no focus; their titles name the labels.
  markFor(seg, node, extent) {
    const mark = super.markFor(seg, node, extent);
    if (mark.hasAttribute('role')) {
      mark.removeAttribute('role');
      mark.removeAttribute('aria-roledescription');
      mark.removeAttribute('aria-label');
      mark.removeAttribute('tabindex');
    }
    return mark;
  }
}

let overlay = null;
let column = null;
let columnRoot = null;
let columnFor = '';

function workspace() {
  return ui.doc.parentElement;
}

/** Shows the side-by-side column for the open document (or hides it). */
async function showSide() {
  const docId = state.openDocId;
  const want = docId && side && layerAnnotations(docId, side) ? side : null;
  workspace().classList.toggle('side-by-side', Boolean(want));
  columnRoot.hidden = !want;
  if (!want) {
    columnFor = '';
    columnRoot.replaceChildren();
    return;
  }
  // Drawn again only when the document, the layer or its spans changed (not on the analyst's own edits).
  const key = [docId, want, ...layerAnnotations(docId, want).map((a) => `${a.startUtf16}-${a.endUtf16}-${a.label}`)].join('\u0000');
  columnRoot.setAttribute('aria-label', `${want}'s layer, read-only`);
  columnRoot.style.setProperty('--layer-color', layerColor(want));
  columnRoot.dataset.layer = want;
  if (key === columnFor) return;
  columnFor = key;
  await column.show(docId, want);
  overlay?.schedule();
}

// ---- The layers panel -------------------------------------------------------------------------

function renderLayers() {
  const section = document.getElementById('layers-section');
  if (!section) return;
  showAnalyst();
  const docId = state.openDocId;
  const others = otherLayers();
  const own = state.core.layers().find((l) => l.own);
  const list = section.querySelector('.layer-list');
  const rows = [
    el(
      'li',
      { className: 'layer-row own' },
      el('span', { className: 'layer-swatch own', 'aria-hidden': 'true' }),
      el('span', { className: 'layer-name' }, analystName()),
      el('span', { className: 'layer-meta' }, `yours, editable · ${docId ? state.core.annotationCount(docId) : own?.annotations ?? 0}`),
    ),
  ];
  for (const l of others) {
    const here = docId ? layerAnnotations(docId, l.name) : null;
    const box = el('input', { type: 'checkbox', checked: shown.has(l.name), disabled: !here, 'data-layer': l.name });
    const swatch = el('span', { className: 'layer-swatch', 'aria-hidden': 'true' });
    swatch.style.setProperty('--layer-color', l.color);
    rows.push(
      el(
        'li',
        { className: 'layer-row', 'data-layer': l.name },
        el('label', { className: 'layer-toggle', title: here ? `Show ${l.name}'s annotations under the text (read-only)` : `${l.name} has no layer of this document` }, box, swatch, el('span', { className: 'layer-name' }, l.name)),
        el('span', { className: 'layer-meta' }, here ? `${here.length}` : docId ? 'not here' : `${l.documents} doc(s)`),
        here
          ? el('button', { type: 'button', className: 'layer-remove', 'data-remove': l.name, 'aria-label': `Remove ${l.name}'s layer from this document`, title: `Remove ${l.name}'s layer from this document (Undo brings it back)` }, '×')
          : null,
      ),
    );
  }
  list.replaceChildren(...rows);
  const select = section.querySelector('#layer-side-select');
  const options = [el('option', { value: '' }, 'none')].concat(
    others.filter((l) => docId && layerAnnotations(docId, l.name)).map((l) => el('option', { value: l.name }, `${l.name}'s layer`)),
  );
  select.replaceChildren(...options);
  select.value = side && options.some((o) => o.value === side) ? side : '';
  select.disabled = options.length < 2;
  section.querySelector('.layer-hint').hidden = others.length > 0;
}

/** Redraws what shows the layers: the panel, the overlay and the side column. */
export function refreshLayers() {
  renderLayers();
  overlay?.draw();
  showSide();
}

// What the colleagues' layers were at the last change: their counts, and a layer step
// next in the history (a load replaced by one of the same size, undone or redone).
let layersSeen = '';

/** A change to the workspace (an edit, undo, redo, a load): read the layers again if they changed. */
function layersChanged() {
  const steps = [state.core.undoSummary(), state.core.redoSummary()].filter((s) => /'s layer/.test(s ?? ''));
  const seen = JSON.stringify([otherLayers().map((l) => [l.name, l.documents, l.annotations]), steps]);
  // The analyst's own edits leave the others' layers as they were: a long layer is not read again.
  if (seen !== layersSeen) {
    layersSeen = seen;
    cache.clear();
  }
  refreshLayers();
}

/** Another document is open (or none, or a new workspace): its layers are read as needed. */
function documentOpened() {
  cache.clear();
  layersSeen = '';
  refreshLayers();
}

/**
 * Opens document `docId` at `[start, end)` (UTF-16) with layers `names` shown over it,
 * the place outlined until another is shown.
 */
export async function openAt(docId, start, end, names) {
  if (state.openDocId !== docId) await openDocument(docId);
  if (state.openDocId !== docId) return;
  // Exactly the layers compared are shown (the analyst's own always is).
  shown.clear();
  for (const n of names) if (n !== state.core.analyst()) shown.add(n);
  const blocks = state.view.blocks;
  let lo = 0;
  let hi = blocks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (blocks[mid].startUtf16 <= start) lo = mid;
    else hi = mid - 1;
  }
  overlay.spot = { docId, start, end, firstBlock: lo };
  state.view.ensureHighlighted(lo);
  const range = state.view.domRange(start, end, lo);
  const rect = range?.getBoundingClientRect();
  if (rect) window.scrollBy(0, rect.top - window.innerHeight * 0.35);
  refreshLayers();
  // Layout may settle (chunks coming into view take their real size): place it again.
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const again = state.view.domRange(start, end, lo)?.getBoundingClientRect();
  if (again && Math.abs(again.top - window.innerHeight * 0.35) > 40) window.scrollBy(0, again.top - window.innerHeight * 0.35);
  overlay.draw();
}

/** Forgets the outlined place. */
export function clearSpot() {
  if (overlay?.spot) {
    overlay.spot = null;
    overlay.draw();
  }
}

/** Builds the layers panel, the overlay, the side column and the top bar's name, once at start-up. */
export function wireLayers() {
  const status = document.getElementById('save-status');
  const analyst = el('button', { type: 'button', id: 'analyst', className: 'analyst-button' });
  status.after(analyst);
  analyst.addEventListener('click', setAnalystName);

  const input = el('input', { type: 'file', id: 'layer-input', className: 'visually-hidden', multiple: true, accept: ui.importInput.accept });
  const section = el(
    'section',
    { id: 'layers-section', className: 'layers-section', 'aria-labelledby': 'layers-heading' },
    el('h2', { id: 'layers-heading' }, 'Layers'),
    el('ul', { className: 'layer-list' }),
    el('p', { className: 'layer-hint hint' }, 'A colleague’s annotations of the same texts load as their layer: Import… their file and choose “Load as a colleague’s layer”, or load it here.'),
    el('label', { className: 'layer-side-pick' }, 'Side by side ', el('select', { id: 'layer-side-select' })),
    el(
      'div',
      { className: 'layer-buttons' },
      el('label', { className: 'button file-button', title: 'Load a colleague’s file (any format Spanmark reads) as their layer of the open documents with the same text' }, 'Load a colleague’s file…', input),
      el('button', { type: 'button', id: 'agreement-open' }, 'Agreement…'),
    ),
  );
  ui.docActions.after(section);
  section.addEventListener('change', (e) => {
    const box = e.target.closest('input[type="checkbox"][data-layer]');
    if (box) {
      if (box.checked) shown.add(box.dataset.layer);
      else shown.delete(box.dataset.layer);
      overlay.draw();
      setStatus(box.checked ? `${box.dataset.layer}'s annotations are shown under the text, dashed in their colour (read-only).` : `${box.dataset.layer}'s layer is hidden.`);
      return;
    }
    if (e.target.id === 'layer-side-select') {
      side = e.target.value || null;
      showSide();
      setStatus(side ? `${side}'s layer is shown side by side with yours (read-only; it scrolls with the article).` : 'Side by side is off.');
    }
  });
  section.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-remove]');
    if (!b || !editable() || !state.openDocId) return;
    const name = b.dataset.remove;
    try {
      state.core.removeLayer(state.openDocId, name);
    } catch (err) {
      setStatus(err.message);
      return;
    }
    changed();
    renderDocumentList();
    setStatus(`Removed ${name}'s layer from this document. Undo (Ctrl+Z) brings it back.`);
  });
  input.addEventListener('change', async () => {
    const files = [...input.files];
    input.value = '';
    await loadFromInput(files);
  });

  overlay = new Overlay(workspace());
  columnRoot = el('div', { className: 'doc layer-side', role: 'region', hidden: true });
  workspace().append(columnRoot);
  column = new LayerColumn(columnRoot);
  state.layers = { changed: layersChanged, opened: documentOpened };
  renderLayers();
}
