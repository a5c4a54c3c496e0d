// Layers of spans drawn over the article without touching it: search hits and
// suggestions. Each layer is a CSS Custom Highlight (`CSS.highlights`, styled in
// style.css with `::highlight(name)`). A highlight paints no box: the text never moves.
//
// A layer holds Ranges only for the blocks near the viewport (an IntersectionObserver on
// the view's chunks) and drops them as the blocks go away again, so a layer of thousands
// of spans over a long document costs only what is on the screen (Chromium revalidates
// every Range of a highlight when one changes). In a block with many spans (a document
// of one long line) only those near the screen have Ranges, again as it scrolls.
//
// The view replaces a block's text nodes when it draws or redraws its annotations; a
// MutationObserver on the article sees that and rebuilds the Ranges of that block (a
// Range on the old nodes would collapse), so no layer needs a hook in view.js.

import { blockAt } from './caret.js';
import { textStartOf } from './dom-offsets.js';
import { state } from './state.js';
import { ui } from './ui.js';

export { blockAt };

const layers = new Set();
// The blocks near the viewport (in chunks, as the view observes them), for which the layers hold Ranges.
const NEAR_MARGIN = '1200px 0px';
const near = new Set();
let nearObserver = null;
let observedGeneration = -1;
const observedChunks = new WeakSet();

function observeChunks() {
  nearObserver ??= new IntersectionObserver((entries) => {
    const entered = new Set();
    const left = new Set();
    for (const e of entries) {
      const first = Number(e.target.dataset.first);
      const last = Number(e.target.dataset.last);
      for (let i = first; i <= last; i++) {
        if (e.isIntersecting) {
          near.add(i);
          entered.add(i);
        } else {
          near.delete(i);
          left.add(i);
        }
      }
    }
    const t0 = performance.now();
    for (const layer of layers) {
      layer.dropBlocks(left);
      layer.rebuildBlocks(entered);
    }
    timed(t0);
  }, { rootMargin: NEAR_MARGIN });
  const generation = state.view?.generation ?? -1;
  if (generation !== observedGeneration) {
    nearObserver.disconnect();
    near.clear();
    observedGeneration = generation;
  }
  for (const chunk of ui.doc.querySelectorAll('.chunk')) {
    if (observedChunks.has(chunk)) continue;
    observedChunks.add(chunk);
    nearObserver.observe(chunk);
  }
}
const renderedListeners = [];
let observer = null;
let renderedScheduled = false;

/**
 * Calls `listener` after the article is rendered anew (another document opened, the
 * same one reopened after an undo, or closed), once the view's blocks are in place.
 */
export function onDocumentRendered(listener) {
  renderedListeners.push(listener);
  watch();
}

function documentRendered() {
  if (renderedScheduled) return;
  renderedScheduled = true;
  // After the open has drawn the blocks near the screen (documents.js: highlightVisible).
  setTimeout(() => {
    renderedScheduled = false;
    for (const listener of renderedListeners) listener();
  });
}

function blockOf(node) {
  const el = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
  const block = el?.closest?.('.block');
  return block ? Number(block.dataset.block) : null;
}

function watch() {
  if (observer) return;
  observer = new MutationObserver((records) => {
    const touched = new Set();
    for (const r of records) {
      if (r.target === ui.doc) {
        observeChunks();
        documentRendered();
        continue;
      }
      const i = blockOf(r.target);
      if (i !== null) touched.add(i);
    }
    if (!touched.size) return;
    const t0 = performance.now();
    for (const layer of layers) layer.rebuildBlocks(touched);
    timed(t0);
  });
  observer.observe(ui.doc, { childList: true, subtree: true });
}

// A block with more spans than this has Ranges only for those within WINDOW_UTF16 code
// units of what is on the screen.
const BIG_BLOCK_ITEMS = 400;
const WINDOW_UTF16 = 20_000;

/** The registered text nodes of a block that hold offsets `[from, to]`, in order: `[{node, start, end}]`. */
function textNodesOf(el, from, to) {
  const nodes = [];
  if (!el) return nodes;
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const start = textStartOf(t);
    if (start === undefined || start + t.length < from) continue;
    if (start > to) break;
    nodes.push({ node: t, start, end: start + t.length });
  }
  return nodes;
}

/** The offsets `[from, to]` of block `i` near what is on the screen (the block's start or end when it is off the screen). */
function windowOf(i) {
  const el = state.view.blockEls[i];
  const block = state.view.blocks[i];
  const rect = el.getBoundingClientRect();
  // Where the screen's top and bottom fall in the block, in proportion to its height (no
  // hit test, which costs much in a line of many thousand highlights); the margin covers the error.
  const length = block.endUtf16 - block.startUtf16;
  const at = (y) => block.startUtf16 + Math.round(length * Math.min(1, Math.max(0, (y - rect.top) / Math.max(1, rect.height))));
  return [Math.max(block.startUtf16, at(0) - WINDOW_UTF16), Math.min(block.endUtf16, at(window.innerHeight) + WINDOW_UTF16)];
}

let scrollScheduled = false;
window.addEventListener(
  'scroll',
  () => {
    if (scrollScheduled) return;
    scrollScheduled = true;
    requestAnimationFrame(() => {
      scrollScheduled = false;
      const t0 = performance.now();
      for (const layer of layers) if (layer.windows.size && layer.current()) layer.followScroll();
      if (layers.size) timed(t0);
    });
  },
  { passive: true },
);

/** How long the layers' own work took: the longest callback and the total, in ms (read by the end-to-end tests). */
export const layerTimes = { max: 0, total: 0, calls: 0 };
function timed(t0) {
  const ms = performance.now() - t0;
  layerTimes.max = Math.max(layerTimes.max, ms);
  layerTimes.total += ms;
  layerTimes.calls++;
}

export class HighlightLayer {
  /**
   * @param {string} name the highlight's name (`::highlight(name)` in style.css)
   * @param {number} priority which layer paints on top where two overlap
   * @param {boolean} eager build Ranges for every item, drawn or not (for a layer of one: the current hit)
   */
  constructor(name, priority, { eager = false } = {}) {
    this.highlight = new Highlight();
    this.highlight.priority = priority;
    CSS.highlights.set(name, this.highlight);
    this.eager = eager;
    this.docId = null;
    this.generation = -1;
    /** Items sorted by start: `{startUtf16, endUtf16, …}`. */
    this.items = [];
    /** Block index → the items that start in it. */
    this.byBlock = new Map();
    /** Block index → the Ranges built for it. */
    this.ranges = new Map();
    /** Block index → the `[from, to]` offsets built, for long blocks with many spans. */
    this.windows = new Map();
    layers.add(this);
    watch();
  }

  /** Shows `items` (sorted by start) over the open document; an empty list clears the layer. */
  set(items) {
    const t0 = performance.now();
    this.setItems(items);
    timed(t0);
  }

  setItems(items) {
    this.highlight.clear();
    this.ranges.clear();
    this.byBlock.clear();
    this.items = items;
    this.docId = state.openDocId;
    this.generation = state.view?.generation ?? -1;
    for (const item of items) {
      const i = blockAt(item.startUtf16);
      let list = this.byBlock.get(i);
      if (!list) this.byBlock.set(i, (list = []));
      list.push(item);
    }
    for (const i of this.byBlock.keys()) this.buildBlock(i);
  }

  clear() {
    this.set([]);
  }

  /** Whether the layer's items belong to the document on screen as it is rendered now. */
  current() {
    return this.docId !== null && this.docId === state.openDocId && this.generation === state.view?.generation;
  }

  buildBlock(i) {
    const old = this.ranges.get(i);
    if (old) for (const r of old) this.highlight.delete(r);
    this.ranges.delete(i);
    this.windows.delete(i);
    let items = this.byBlock.get(i);
    if (!items || !this.current()) return;
    if (!this.eager && !near.has(i)) return;
    if (items.length > BIG_BLOCK_ITEMS) {
      // A block longer than the screen with many spans (a document of one line): only
      // the spans near what is on the screen, again as it scrolls (`followScroll`).
      const win = windowOf(i);
      this.windows.set(i, win);
      items = items.filter((item) => item.endUtf16 >= win[0] && item.startUtf16 <= win[1]);
    }
    const built = [];
    const block = state.view.blocks[i];
    let last = 0;
    for (const item of items) last = Math.max(last, item.endUtf16);
    const nodes = textNodesOf(state.view.blockEls[i], items[0]?.startUtf16 ?? 0, last);
    let k = 0;
    for (const item of items) {
      let range = null;
      if (item.endUtf16 <= block.endUtf16) {
        // Items are sorted by start: walk the block's text nodes once for all of them.
        while (k < nodes.length - 1 && nodes[k].end <= item.startUtf16) k++;
        let e = k;
        while (e < nodes.length - 1 && nodes[e].end < item.endUtf16) e++;
        const from = nodes[k];
        const to = nodes[e];
        if (from && to && from.start <= item.startUtf16 && item.endUtf16 <= to.end) {
          range = document.createRange();
          range.setStart(from.node, item.startUtf16 - from.start);
          range.setEnd(to.node, item.endUtf16 - to.start);
        }
      } else range = state.view.domRange(item.startUtf16, item.endUtf16, i); // it runs on into the next block
      if (!range) continue;
      built.push(range);
      this.highlight.add(range);
    }
    if (built.length) this.ranges.set(i, built);
  }

  /** Builds again the long blocks whose window the screen has moved out of. */
  followScroll() {
    for (const [i, win] of this.windows) {
      const now = windowOf(i);
      if (now[0] < win[0] || now[1] > win[1]) this.buildBlock(i);
    }
  }

  dropBlocks(left) {
    if (this.eager) return;
    for (const i of left) {
      const old = this.ranges.get(i);
      if (!old) continue;
      for (const r of old) this.highlight.delete(r);
      this.ranges.delete(i);
    }
  }

  rebuildBlocks(touched) {
    if (!this.items.length || !this.current()) return;
    for (const i of touched) {
      this.buildBlock(i);
      // A span that started in the block before and runs on into this one.
      if (this.byBlock.has(i - 1)) this.buildBlock(i - 1);
    }
  }

  /** The item drawn under the point (x, y) of the window, or null. */
  itemAtPoint(x, y, at) {
    if (at === null) return null;
    for (const item of this.byBlock.get(blockAt(at)) ?? []) {
      if (item.startUtf16 > at || at > item.endUtf16) continue;
      const range = state.view.domRange(item.startUtf16, item.endUtf16, blockAt(item.startUtf16));
      for (const r of range?.getClientRects() ?? []) if (x >= r.left && x <= r.right && y >= r.top && y <= r.bottom) return item;
    }
    return null;
  }

  /** How many Ranges are built now (read by the end-to-end tests). */
  get built() {
    let n = 0;
    for (const list of this.ranges.values()) n += list.length;
    return n;
  }
}

/**
 * Scrolls the span `[startUtf16, endUtf16)` of the open document to the middle of the
 * window: its block first (blocks far away are laid out only once near, see `.chunk`
 * in style.css), then, once laid out, the span itself.
 */
export async function scrollToSpan(startUtf16, endUtf16) {
  const i = blockAt(startUtf16);
  const el = state.view.blockEls[i];
  if (!el) return;
  const measure = () => state.view.domRange(startUtf16, endUtf16, i)?.getBoundingClientRect();
  let rect = measure();
  const off = (r) => !r || r.top < 0 || r.bottom > window.innerHeight || (r.width === 0 && r.height === 0);
  if (off(rect)) {
    el.scrollIntoView({ block: 'center' });
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    rect = measure();
  }
  if (!rect) return;
  const header = document.getElementById('masthead')?.getBoundingClientRect().bottom ?? 0;
  const visibleTop = header + 8;
  const visibleBottom = window.innerHeight - 48;
  if (rect.top < visibleTop || rect.bottom > visibleBottom) window.scrollBy(0, rect.top - (visibleTop + visibleBottom) / 2);
}

/** The UTF-16 offset of the document text under the point (x, y), or null. */
export function offsetAtPoint(x, y) {
  const pos = document.caretPositionFromPoint?.(x, y);
  if (!pos || !ui.doc.contains(pos.offsetNode)) return null;
  const node = pos.offsetNode;
  if (node.nodeType !== Node.TEXT_NODE) return null;
  // The offset of the node's start comes from the block's text before it.
  const block = node.parentElement.closest('.block');
  if (!block) return null;
  const before = document.createRange();
  before.setStart(block, 0);
  before.setEnd(node, pos.offset);
  return Number(block.dataset.startUtf16) + before.toString().length;
}
