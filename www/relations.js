// Relations in the page: linking two annotations (by mouse and by keyboard), the arcs
// drawn over the article, and the relation list. The core checks every link against the
// schema and says why it refuses one; this module only asks and draws.
//
// Arcs live in one SVG over the workspace column and scroll with the text, so they stay
// on their spans without redrawing. They are drawn only for relations with an end on or
// near the screen: an arc between two spans of one line goes above that line; an arc
// between lines leaves each end upwards and runs through a gutter at the right of the
// text, in a slot of its own, so that it never crosses the words of the lines between.
// An end off the screen becomes a stub at the screen's edge that jumps to it.

import { oncePerFrame } from './elements.js';
import { quote, setStatus, showMessage } from './messages.js';
import { state } from './state.js';
import { ui } from './ui.js';

const SVG = 'http://www.w3.org/2000/svg';
// Drawing more arcs than this at once helps no one; the list has them all.
const MAX_ARCS = 300;
// Gutter slots: the first lies this far right of the text, the next ones this far apart.
const GUTTER_GAP_PX = 6;
const SLOT_PX = 7;
// Rows of the relation list, and how many beyond the visible ones are built.
const ROW_PX = 30;
const ROW_OVERSCAN = 8;

/** The relation types, in schema order, with the labels their ends take. */
let relationTypes = [];

export function relationTypesList() {
  return relationTypes;
}

/** Reads the relation types from the core and redraws their buttons. */
export function loadRelationTypes() {
  relationTypes = state.core.schema().relationTypes;
  renderTypeButtons();
  renderTypeFilters();
  state.arcs?.refresh();
}

/** The relation type whose hotkey is `key`, or undefined. */
export function relationTypeForKey(key) {
  return relationTypes.find((t) => t.hotkey === key);
}

function takes(list, label) {
  return list.length === 0 || list.includes(label);
}

/** Whether type `t` links an annotation labelled `from` to one labelled `to`. */
function fits(t, from, to) {
  return (takes(t.fromLabels, from) && takes(t.toLabels, to)) || (!t.directed && takes(t.fromLabels, to) && takes(t.toLabels, from));
}

function renderTypeButtons() {
  const row = document.getElementById('relation-palette');
  if (!row) return;
  const buttons = relationTypes.map((t) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'relation-button';
    b.dataset.relationType = t.id;
    b.style.setProperty('--relation-color', t.lineColor);
    b.title = `${t.shownName} (${t.id}): ${t.fromLabels.join('|') || 'any'} ${t.directed ? '→' : '↔'} ${t.toLabels.join('|') || 'any'}. Select the source annotation, then press this (or R) and pick the target.${t.description ? ` ${t.description}` : ''}`;
    b.setAttribute('aria-label', t.hotkey ? `${t.hotkey} ${t.id}` : t.id);
    if (t.hotkey) {
      b.setAttribute('aria-keyshortcuts', t.hotkey);
      const key = document.createElement('kbd');
      key.textContent = t.hotkey;
      b.append(key, ' ');
    }
    const name = document.createElement('span');
    name.textContent = t.id;
    b.append(name);
    return b;
  });
  const lead = document.createElement('span');
  lead.className = 'relation-lead';
  lead.innerHTML = '<kbd>R</kbd> link';
  row.replaceChildren(lead, ...buttons);
}

// ---- Linking ------------------------------------------------------------------------

/** The link being made: `{from, type}` while the analyst picks the target, else null. */
let pending = null;

export function linking() {
  return pending !== null;
}

/** Starts a link from the selected annotation, of type `typeId` (null: chosen at the target). */
export function startLink(typeId = null) {
  if (state.readOnly) {
    setStatus('This tab is read-only while Spanmark is open in another tab. Edit there, or close it.');
    return;
  }
  const from = state.view?.selectedId;
  if (!state.openDocId || !from) {
    setStatus('Select the annotation the relation starts from (click it, or Tab to it and press Enter), then press R or a relation hotkey.');
    return;
  }
  const a = state.core.annotation(state.openDocId, from);
  const type = typeId ? relationTypes.find((t) => t.id === typeId) : null;
  if (type && !relationTypes.some((t) => t.id === type.id && (takes(t.fromLabels, a.label) || !t.directed))) {
    setStatus(`${type.id} takes ${type.fromLabels.join('|')} as its source; ${quote(a.text)} is ${a.label}.`);
    return;
  }
  pending = { from, type: type?.id ?? null, text: a.text };
  ui.doc.classList.add('linking');
  setStatus(`Linking ${quote(a.text)}${type ? ` with ${type.id}` : ''}: click the target highlight, or move to it with Tab and the arrow keys and press Enter. Esc cancels.`);
  state.view.focusAnnotation(from, { scroll: false });
}

/** Cancels a link in progress. Returns whether there was one. */
export function cancelLink() {
  if (!pending) return false;
  pending = null;
  ui.doc.classList.remove('linking');
  setStatus('Linking cancelled.');
  return true;
}

/** Completes the link in progress at annotation `toId` (asking for the type if needed). */
export async function finishLink(toId) {
  if (!pending) return;
  const { from, type } = pending;
  pending = null;
  ui.doc.classList.remove('linking');
  if (toId === from) {
    setStatus('A relation links two different annotations: pick another one as the target (R starts again).');
    return;
  }
  let chosen = type;
  if (!chosen) {
    const a = state.core.annotation(state.openDocId, from);
    const b = state.core.annotation(state.openDocId, toId);
    const options = relationTypes.filter((t) => fits(t, a.label, b.label));
    if (options.length === 0) {
      showMessage('info', `No relation type links ${a.label} ${quote(a.text)} to ${b.label} ${quote(b.text)}.`, [
        'Add one in the schema, or pick other annotations.',
      ]);
      return;
    }
    chosen = options.length === 1 ? options[0].id : await chooseType(options, a, b);
    if (!chosen) {
      setStatus('No relation added.');
      return;
    }
  }
  let result;
  try {
    result = state.core.addRelation(state.openDocId, from, toId, chosen);
  } catch (err) {
    showMessage('info', `No relation added: ${err.message}.`, []);
    setStatus(`No relation added: ${err.message}.`);
    return;
  }
  if (!result.changed) {
    selectRelation(result.relation.id);
    setStatus(`${result.message}; nothing changed.`);
    return;
  }
  state.edited?.();
  selectRelation(result.relation.id);
  const r = result.relation;
  setStatus(`Linked ${quote(r.from.text)} ${r.type} ${quote(r.to.text)}.`);
}

/** Asks which of `options` to use; resolves with a type id or null. */
function chooseType(options, a, b) {
  const dialog = document.getElementById('relation-type-dialog');
  const list = dialog.querySelector('.relation-type-options');
  dialog.querySelector('.relation-type-question').textContent = `Which relation links ${quote(a.text)} (${a.label}) to ${quote(b.text)} (${b.label})?`;
  return new Promise((resolve) => {
    let answered = false;
    const answer = (value) => {
      if (answered) return;
      answered = true;
      dialog.close();
      resolve(value);
    };
    list.replaceChildren(
      ...options.map((t) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'relation-button';
        button.style.setProperty('--relation-color', t.lineColor);
        button.textContent = `${t.hotkey ? `${t.hotkey} · ` : ''}${t.id} (${t.shownName})`;
        button.addEventListener('click', () => answer(t.id));
        return button;
      }),
    );
    dialog.onkeydown = (e) => {
      const hit = options.find((t) => t.hotkey && t.hotkey === e.key);
      if (hit) {
        e.preventDefault();
        e.stopPropagation();
        answer(hit.id);
      }
    };
    dialog.onclose = () => answer(null);
    dialog.showModal();
    list.querySelector('button')?.focus();
  });
}

// ---- The selected relation ---------------------------------------------------------

/** Selects relation `id` (null: none): its arc is emphasised and the details show it. */
export function selectRelation(id, { focus = false } = {}) {
  state.selectedRelationId = id;
  if (id) state.view?.select(null);
  state.arcs?.draw();
  state.relationList?.render();
  if (id) {
    const r = state.core.relation(state.openDocId, id);
    state.showRelationDetails?.(id);
    setStatus(`Selected relation ${r.type}: ${quote(r.from.text)} ${arrow(r)} ${quote(r.to.text)}. Delete removes it; a relation hotkey changes its type.`);
    if (focus) state.arcs?.focus(id);
  }
}

function arrow(r) {
  return relationTypes.find((t) => t.id === r.type)?.directed === false ? '↔' : '→';
}

/** Removes the selected relation. Returns whether there was one. */
export function removeSelectedRelation() {
  const id = state.selectedRelationId;
  if (!id || !state.openDocId) return false;
  if (state.readOnly) return true;
  try {
    const r = state.core.relation(state.openDocId, id);
    state.core.removeRelation(state.openDocId, id);
    state.selectedRelationId = null;
    state.edited?.();
    setStatus(`Removed relation ${r.type} between ${quote(r.from.text)} and ${quote(r.to.text)}.`);
  } catch (err) {
    setStatus(err.message);
  }
  return true;
}

/** Gives the selected relation the type `typeId`. */
export function retypeSelectedRelation(typeId) {
  const id = state.selectedRelationId;
  if (!id || state.readOnly) return;
  try {
    state.core.setRelationType(state.openDocId, id, typeId);
    state.edited?.();
    setStatus(`The relation is now ${typeId}.`);
  } catch (err) {
    setStatus(`The type did not change: ${err.message}.`);
  }
}

// ---- Arcs -----------------------------------------------------------------------------

export class Arcs {
  /** @param {HTMLElement} container the workspace column, which holds the article */
  constructor(container) {
    this.container = container;
    this.svg = document.createElementNS(SVG, 'svg');
    this.svg.setAttribute('class', 'arcs');
    this.svg.setAttribute('role', 'group');
    this.svg.setAttribute('aria-label', 'Relations');
    const defs = document.createElementNS(SVG, 'defs');
    this.svg.append(defs);
    this.defs = defs;
    container.append(this.svg);
    this.mode = 'selected';
    this.hidden = new Set();
    this.all = null;
    this.schedule = oncePerFrame(() => this.draw());
    window.addEventListener('scroll', () => this.schedule(), { passive: true });
    window.addEventListener('resize', () => this.schedule());
    this.svg.addEventListener('click', (e) => {
      const g = e.target.closest('[data-relation-id]');
      if (!g) return;
      e.stopPropagation();
      if (g.dataset.jump) this.jump(g.dataset.relationId, g.dataset.jump);
      else selectRelation(g.dataset.relationId);
    });
    this.svg.addEventListener('keydown', (e) => {
      const g = e.target.closest('[data-relation-id]');
      if (!g) return;
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        e.stopPropagation();
        if (g.dataset.jump) this.jump(g.dataset.relationId, g.dataset.jump);
        else selectRelation(g.dataset.relationId, { focus: true });
      }
    });
  }

  setMode(mode) {
    this.mode = mode;
    this.draw();
  }

  /** The relations changed (an edit, undo, another document): read them again and redraw. */
  refresh() {
    this.all = null;
    if (state.selectedRelationId && state.openDocId) {
      try {
        state.core.relation(state.openDocId, state.selectedRelationId);
      } catch {
        state.selectedRelationId = null;
      }
    }
    this.draw();
  }


  relations() {
    if (!state.openDocId) return [];
    this.all ??= state.core.relations(state.openDocId);
    return this.all;
  }

  /** The blocks on the screen, with a margin of half a screen: `[first, last]`, or null. */
  visibleBlocks() {
    const els = state.view?.blockEls ?? [];
    if (!els.length) return null;
    const margin = window.innerHeight / 2;
    const below = (i) => els[i].getBoundingClientRect().bottom >= -margin;
    let lo = 0;
    let hi = els.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (below(mid)) hi = mid;
      else lo = mid + 1;
    }
    const first = lo;
    const limit = window.innerHeight + margin;
    lo = first;
    hi = els.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (els[mid].getBoundingClientRect().top > limit) hi = mid;
      else lo = mid + 1;
    }
    return first < els.length ? [first, Math.max(first, lo - 1)] : null;
  }

  /** The relations to draw now. */
  wanted() {
    if (!state.openDocId || this.mode === 'none') return [];
    let list;
    if (this.mode === 'selected') {
      const sel = state.view?.selectedId;
      list = sel ? state.core.relationsOf(state.openDocId, sel) : [];
      if (state.selectedRelationId && !list.some((r) => r.id === state.selectedRelationId)) {
        try {
          list.push(state.core.relation(state.openDocId, state.selectedRelationId));
        } catch {
          // gone
        }
      }
    } else {
      const range = this.visibleBlocks();
      if (!range) return [];
      const [a, b] = range;
      const near = (end) => end.firstBlock >= a && end.firstBlock <= b;
      list = this.relations().filter((r) => near(r.from) || near(r.to));
    }
    return list.filter((r) => !this.hidden.has(r.type)).slice(0, MAX_ARCS);
  }

  /** The first line box of `end`'s text, in the container's coordinates, or null if it is not laid out near the screen. */
  boxOf(end, range, origin) {
    if (range && (end.firstBlock < range[0] || end.firstBlock > range[1])) return null;
    const dom = state.view.domRange(end.startUtf16, end.endUtf16, end.firstBlock);
    const rect = dom?.getClientRects()[0];
    if (!rect) return null;
    return { left: rect.left - origin.left, right: rect.right - origin.left, top: rect.top - origin.top, bottom: rect.bottom - origin.top };
  }

  draw() {
    const keep = document.activeElement?.closest?.('.arcs [data-relation-id]');
    const focusKey = keep ? `${keep.dataset.relationId}:${keep.dataset.jump ?? ''}` : null;
    const wanted = this.wanted();
    // Nothing to draw and nothing drawn: no layout is read (scrolling stays cheap).
    if (!wanted.length && !this.svg.querySelector('g')) return;
    const origin = this.container.getBoundingClientRect();
    this.svg.setAttribute('width', String(this.container.clientWidth));
    this.svg.setAttribute('height', String(this.container.scrollHeight));
    const frag = document.createDocumentFragment();
    const docRect = ui.doc.getBoundingClientRect();
    const padRight = parseFloat(getComputedStyle(ui.doc).paddingRight) || 0;
    const gutterX = docRect.right - padRight - origin.left + GUTTER_GAP_PX;
    const viewTop = -origin.top;
    const viewBottom = window.innerHeight - origin.top;
    const range = this.mode === 'selected' ? null : this.visibleBlocks();
    const slots = []; // per slot: the vertical intervals it holds
    const takeSlot = (y1, y2) => {
      const [lo, hi] = y1 < y2 ? [y1, y2] : [y2, y1];
      for (let k = 0; ; k++) {
        slots[k] ??= [];
        if (slots[k].every(([a, b]) => hi < a - 4 || lo > b + 4)) {
          slots[k].push([lo, hi]);
          return k;
        }
      }
    };
    const sameLine = [];
    for (const r of wanted) {
      const type = relationTypes.find((t) => t.id === r.type);
      const color = type?.lineColor ?? '#444444';
      const from = this.boxOf(r.from, range, origin);
      const to = this.boxOf(r.to, range, origin);
      const selected = r.id === state.selectedRelationId;
      const name = `${r.type}: ${quote(r.from.text)} ${type?.directed === false ? '↔' : '→'} ${quote(r.to.text)}`;
      if (!from && !to) continue;
      if (from && to && Math.abs(from.top - to.top) < 4) {
        sameLine.push({ r, from, to, color, selected, name, directed: type?.directed !== false });
        continue;
      }
      if (from && to) {
        const slot = takeSlot(from.top, to.top);
        const x = gutterX + slot * SLOT_PX;
        const fx = (from.left + from.right) / 2;
        const tx = (to.left + to.right) / 2;
        const fy = from.top - 5;
        const ty = to.top - 5;
        const d = `M ${fx} ${from.top} V ${fy} H ${x} V ${ty} H ${tx} V ${to.top}`;
        frag.append(this.arc(r, d, color, selected, name, type?.directed !== false, { x: x + 9, y: (fy + ty) / 2, vertical: true }, true));
        continue;
      }
      // One end is off the screen: a stub from the visible end to the screen's edge.
      const seen = from ?? to;
      const otherEnd = from ? r.to : r.from;
      const seenEnd = from ? r.from : r.to;
      const up = otherEnd.firstBlock < seenEnd.firstBlock;
      const edge = up ? Math.max(viewTop + 4, 0) : Math.min(viewBottom - 4, this.container.scrollHeight);
      const slot = takeSlot(seen.top, edge);
      const x = gutterX + slot * SLOT_PX;
      const sx = (seen.left + seen.right) / 2;
      const d = `M ${sx} ${seen.top} V ${seen.top - 5} H ${x} V ${edge}`;
      frag.append(this.arc(r, d, color, selected, name, false, null, false, true));
      frag.append(this.stub(r, x, edge, up, color, otherEnd.text, from ? 'to' : 'from'));
    }
    // Arcs within a line: nested ones higher, so that none hides another.
    sameLine.sort((a, b) => Math.abs(a.to.left - a.from.left) - Math.abs(b.to.left - b.from.left));
    const levels = [];
    for (const s of sameLine) {
      const lo = Math.min(s.from.left, s.to.left);
      const hi = Math.max(s.from.right, s.to.right);
      let level = 0;
      while ((levels[level] ??= []).some(([a, b, top]) => Math.abs(top - s.from.top) < 4 && !(hi < a || lo > b))) level++;
      levels[level].push([lo, hi, s.from.top]);
      const h = 10 + level * 7;
      const fx = (s.from.left + s.from.right) / 2;
      const tx = (s.to.left + s.to.right) / 2;
      const y = s.from.top;
      const d = `M ${fx} ${y} C ${fx} ${y - h} ${tx} ${y - h} ${tx} ${y}`;
      frag.append(this.arc(s.r, d, s.color, s.selected, s.name, s.directed, { x: (fx + tx) / 2, y: y - h * 0.75 - 2 }, true));
    }
    this.svg.replaceChildren(this.defs, frag);
    this.ensureMarkers(wanted);
    this.svg.dataset.drawn = String(this.svg.querySelectorAll('g.arc').length);
    if (focusKey) {
      const [id, jump] = focusKey.split(':');
      const again = this.svg.querySelector(`[data-relation-id="${CSS.escape(id)}"]${jump ? `[data-jump="${jump}"]` : ':not([data-jump])'}`);
      again?.focus({ preventScroll: true });
    }
  }

  ensureMarkers(wanted) {
    const colors = new Set(wanted.map((r) => relationTypes.find((t) => t.id === r.type)?.lineColor ?? '#444444'));
    this.defs.replaceChildren(
      ...[...colors].map((c) => {
        const m = document.createElementNS(SVG, 'marker');
        m.setAttribute('id', markerId(c));
        m.setAttribute('viewBox', '0 0 6 6');
        m.setAttribute('refX', '5');
        m.setAttribute('refY', '3');
        m.setAttribute('markerWidth', '6');
        m.setAttribute('markerHeight', '6');
        m.setAttribute('orient', 'auto');
        const p = document.createElementNS(SVG, 'path');
        p.setAttribute('d', 'M0,0 L6,3 L0,6 z');
        p.setAttribute('fill', c);
        m.append(p);
        return m;
      }),
    );
  }

  arc(r, d, color, selected, name, directed, labelAt, focusable, partial = false) {
    const g = document.createElementNS(SVG, 'g');
    g.setAttribute('class', `arc${selected ? ' selected' : ''}${partial ? ' partial' : ''}`);
    g.dataset.relationId = r.id;
    g.dataset.type = r.type;
    if (focusable) {
      g.setAttribute('tabindex', '0');
      g.setAttribute('role', 'button');
      g.setAttribute('aria-label', name);
      g.setAttribute('aria-pressed', selected ? 'true' : 'false');
    }
    const title = document.createElementNS(SVG, 'title');
    title.textContent = name;
    const hit = document.createElementNS(SVG, 'path');
    hit.setAttribute('d', d);
    hit.setAttribute('class', 'arc-hit');
    const line = document.createElementNS(SVG, 'path');
    line.setAttribute('d', d);
    line.setAttribute('class', 'arc-line');
    line.setAttribute('stroke', color);
    if (directed) line.setAttribute('marker-end', `url(#${markerId(color)})`);
    g.append(title, hit, line);
    if (labelAt) {
      const text = document.createElementNS(SVG, 'text');
      text.setAttribute('x', String(labelAt.x));
      text.setAttribute('y', String(labelAt.y));
      text.setAttribute('class', 'arc-label');
      // In the gutter the name runs along its line, so that it takes no room beside it.
      if (labelAt.vertical) {
        text.setAttribute('text-anchor', 'middle');
        text.setAttribute('transform', `rotate(-90 ${labelAt.x} ${labelAt.y})`);
      }
      text.setAttribute('fill', color);
      text.textContent = r.type;
      g.append(text);
    }
    return g;
  }

  stub(r, x, y, up, color, text, which) {
    const g = document.createElementNS(SVG, 'g');
    g.setAttribute('class', 'arc-stub');
    g.dataset.relationId = r.id;
    g.dataset.jump = which;
    g.setAttribute('tabindex', '0');
    g.setAttribute('role', 'button');
    const label = `${up ? '↑' : '↓'} ${r.type} ${quote(text.length > 40 ? `${text.slice(0, 39)}…` : text)}`;
    g.setAttribute('aria-label', `Go to the other end: ${label}`);
    const t = document.createElementNS(SVG, 'text');
    t.setAttribute('x', String(x + 4));
    t.setAttribute('y', String(up ? y + 12 : y - 4));
    t.setAttribute('class', 'stub-label');
    t.setAttribute('fill', color);
    t.textContent = label;
    g.append(t);
    return g;
  }

  /** Scrolls to end `which` ('from' or 'to') of relation `id` and selects that annotation. */
  jump(id, which) {
    const r = state.core.relation(state.openDocId, id);
    const end = which === 'to' ? r.to : r.from;
    state.selectAnnotationById?.(end.id, { scroll: true });
    state.view.focusAnnotation(end.id);
  }

  focus(id) {
    this.svg.querySelector(`g.arc[data-relation-id="${CSS.escape(id)}"]`)?.focus({ preventScroll: true });
  }

  /** The end points of the arcs drawn, in client coordinates (read by the end-to-end tests). */
  geometry() {
    return [...this.svg.querySelectorAll('g.arc:not(.partial)')].map((g) => {
      const path = g.querySelector('.arc-line');
      const len = path.getTotalLength();
      const ctm = path.getScreenCTM();
      const at = (l) => {
        const p = path.getPointAtLength(l).matrixTransform(ctm);
        return { x: p.x, y: p.y };
      };
      return { id: g.dataset.relationId, start: at(0), end: at(len) };
    });
  }
}

function markerId(color) {
  return `arrow-${color.replace('#', '')}`;
}

// ---- The relation list ----------------------------------------------------------------

export class RelationList {
  constructor() {
    this.box = document.getElementById('relation-list');
    this.count = document.getElementById('relation-count');
    this.filterType = document.getElementById('relation-filter-type');
    this.filterText = document.getElementById('relation-filter-text');
    this.rows = [];
    this.box.addEventListener('scroll', () => this.paint(), { passive: true });
    this.box.addEventListener('click', (e) => {
      const b = e.target.closest('[data-relation-id]');
      if (!b) return;
      selectRelation(b.dataset.relationId);
      state.arcs.jumpToRelation(b.dataset.relationId);
    });
    this.box.closest('details').addEventListener('toggle', () => this.render());
    this.filterType.addEventListener('change', () => this.render());
    this.filterText.addEventListener('input', () => this.render());
  }

  render() {
    // The list reads every relation of the document: only while it is open.
    if (!this.box.closest('details').open) return;
    const all = state.openDocId ? state.arcs.relations() : [];
    const type = this.filterType.value;
    const needle = this.filterText.value.trim().toLocaleLowerCase();
    this.rows = all.filter(
      (r) =>
        (!type || r.type === type) &&
        (!needle || r.from.text.toLocaleLowerCase().includes(needle) || r.to.text.toLocaleLowerCase().includes(needle)),
    );
    this.count.textContent = all.length ? `(${this.rows.length === all.length ? all.length : `${this.rows.length} of ${all.length}`})` : '';
    this.paint(true);
  }

  paint(force = false) {
    const list = this.box.querySelector('ol');
    list.style.height = `${this.rows.length * ROW_PX}px`;
    const first = Math.max(0, Math.floor(this.box.scrollTop / ROW_PX) - ROW_OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((this.box.scrollTop + this.box.clientHeight) / ROW_PX) + ROW_OVERSCAN);
    if (!force && this.painted && this.painted[0] === first && this.painted[1] === last) return;
    this.painted = [first, last];
    const items = [];
    for (let i = first; i < last; i++) {
      const r = this.rows[i];
      const li = document.createElement('li');
      li.style.top = `${i * ROW_PX}px`;
      const b = document.createElement('button');
      b.type = 'button';
      b.className = `relation-row${r.id === state.selectedRelationId ? ' selected' : ''}`;
      b.dataset.relationId = r.id;
      const t = relationTypes.find((x) => x.id === r.type);
      const chip = document.createElement('span');
      chip.className = 'relation-chip';
      chip.style.setProperty('--relation-color', t?.lineColor ?? '#444444');
      chip.textContent = r.type;
      const text = document.createElement('span');
      text.className = 'quote';
      text.textContent = `${r.from.text} ${t?.directed === false ? '↔' : '→'} ${r.to.text}`;
      b.append(chip, text);
      b.setAttribute('aria-pressed', r.id === state.selectedRelationId ? 'true' : 'false');
      li.append(b);
      items.push(li);
    }
    list.replaceChildren(...items);
  }
}

function renderTypeFilters() {
  const select = document.getElementById('relation-filter-type');
  const hiding = document.getElementById('relation-hide');
  if (!select || !hiding) return;
  const current = select.value;
  const any = document.createElement('option');
  any.value = '';
  any.textContent = 'every type';
  select.replaceChildren(any, ...relationTypes.map((t) => Object.assign(document.createElement('option'), { value: t.id, textContent: t.id })));
  select.value = relationTypes.some((t) => t.id === current) ? current : '';
  hiding.replaceChildren(
    ...relationTypes.map((t) => {
      const label = document.createElement('label');
      label.className = 'relation-toggle';
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = !state.arcs?.hidden.has(t.id);
      box.dataset.relationType = t.id;
      label.append(box, ` ${t.id}`);
      return label;
    }),
  );
}

/** Wires the relation controls (mode, type hiding, filters, type buttons) once at start-up. */
export function wireRelations() {
  state.arcs = new Arcs(ui.doc.parentElement);
  state.relationList = new RelationList();
  state.arcs.jumpToRelation = (id) => {
    const r = state.core.relation(state.openDocId, id);
    state.view.focusAnnotation(r.from.id);
    state.arcs.draw();
  };
  for (const radio of document.querySelectorAll('input[name="relation-mode"]')) {
    radio.addEventListener('change', () => {
      if (radio.checked) state.arcs.setMode(radio.value);
    });
  }
  document.getElementById('relation-hide').addEventListener('change', (e) => {
    const box = e.target.closest('input[data-relation-type]');
    if (!box) return;
    if (box.checked) state.arcs.hidden.delete(box.dataset.relationType);
    else state.arcs.hidden.add(box.dataset.relationType);
    state.arcs.draw();
  });
  const row = document.getElementById('relation-palette');
  row.addEventListener('mousedown', (e) => e.preventDefault());
  row.addEventListener('click', (e) => {
    const b = e.target.closest('.relation-button');
    if (b) startLink(b.dataset.relationType);
  });
}
