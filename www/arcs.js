// The arcs of relations, drawn in one SVG over the workspace column. They scroll with the
// text, so they stay on their spans without redrawing; only relations with an end on or
// near the screen are drawn. Within a line an arc goes above it; between lines it leaves
// each end upwards and runs through a gutter at the right of the text, in a slot of its
// own, so that it never crosses the words of the lines between. An end off the screen
// becomes a stub at the screen's edge that jumps to it.

import { oncePerFrame } from './elements.js';
import { quote } from './messages.js';
import { relationTypesList, selectRelation } from './relations.js';
import { state } from './state.js';
import { ui } from './ui.js';

const SVG = 'http://www.w3.org/2000/svg';
// Drawing more arcs than this at once helps no one; the list has them all.
const MAX_ARCS = 300;
// Gutter slots: the first lies this far right of the text, the next ones this far apart.
const GUTTER_GAP_PX = 6;
const SLOT_PX = 7;

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
    // In the next frame, with its layout: read in the edit's handler, the positions of the
    // spans would force a layout of their own.
    this.schedule();
  }


  relations() {
    if (!state.openDocId) return [];
    this.all ??= state.core.relations(state.openDocId);
    return this.all;
  }

  /**
   * The blocks on the screen, with a margin of half a screen: `[first, last]`, or null.
   * It measures the chunks of blocks, not the blocks: a block in a chunk the browser skips
   * (content-visibility) would be laid out just to be measured, which cost each edit about
   * 100 ms at 100,000 annotations. The range is whole chunks.
   */
  visibleBlocks() {
    const els = state.view?.blockEls ?? [];
    if (!els.length) return null;
    // Read again while the document is still being put in place (its last block not yet).
    if (this.chunksOf !== els || !this.chunksComplete) {
      this.chunksOf = els;
      this.chunksComplete = Boolean(els[els.length - 1]);
      this.chunks = [...new Set(els.map((b) => b.parentElement))].filter((c) => c?.classList.contains('chunk'));
    }
    const chunks = this.chunks;
    if (!chunks.length) return null;
    const margin = window.innerHeight / 2;
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (chunks[mid].getBoundingClientRect().bottom >= -margin) hi = mid;
      else lo = mid + 1;
    }
    if (lo >= chunks.length) return null;
    const first = lo;
    const limit = window.innerHeight + margin;
    hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (chunks[mid].getBoundingClientRect().top > limit) hi = mid;
      else lo = mid + 1;
    }
    const last = Math.max(first, lo - 1);
    return [Number(chunks[first].dataset.first), Number(chunks[last].dataset.last)];
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
      // Only the relations near the screen cross from the core (not all of them, which
      // cost an edit about 90 ms with 10,000 relations).
      list = state.core.relationsNear(state.openDocId, range[0], range[1]);
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
      const type = relationTypesList().find((t) => t.id === r.type);
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
    const colors = new Set(wanted.map((r) => relationTypesList().find((t) => t.id === r.type)?.lineColor ?? '#444444'));
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

