// Renders one document: a block element per line, a text node or <mark> per highlight
// segment that the core computed. Article text only ever enters the DOM as Text nodes.

import { registerText } from './dom-offsets.js';

// Height in pixels of one stacked underline level.
const LEVEL_PX = 3;

// Blocks created per frame while opening a long document.
const BLOCKS_PER_CHUNK = 2000;
// How far outside the viewport highlights are drawn in advance.
const HIGHLIGHT_MARGIN = '1500px 0px';
// Milliseconds of highlighting per frame while scrolling.
const FRAME_BUDGET_MS = 6;
// Blocks per element that the IntersectionObserver watches.
const BLOCKS_PER_OBSERVED_CHUNK = 32;

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));

export class DocView {
  /** @param {HTMLElement} root the article element; @param {Map} labels id -> label */
  constructor(root, labels) {
    this.root = root;
    this.labels = labels;
    this.core = null;
    this.docId = null;
    this.text = '';
    this.blocks = [];
    this.blockEls = [];
    this.highlighted = new Uint8Array(0);
    this.selectedId = null;
    this.generation = 0;
    // Highlights are drawn only for blocks on or near the screen; the rest are plain
    // text. Blocks that come near are queued and drawn a few milliseconds' worth per
    // frame, so that scrolling never waits for highlighting.
    this.queue = new Set();
    this.pumping = false;
    // The observer watches chunks of blocks, not blocks: it recomputes every target on
    // each frame that changes layout, so thousands of targets would cost every edit and
    // every scrolled frame tens of milliseconds.
    this.observer = new IntersectionObserver((entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        for (let i = Number(e.target.dataset.first); i <= Number(e.target.dataset.last); i++) this.queue.add(i);
      }
      this.pump();
    }, { rootMargin: HIGHLIGHT_MARGIN });
  }

  pump() {
    // How many blocks still wait for their highlights (read by the end-to-end tests).
    this.root.dataset.pendingHighlights = this.queue.size;
    if (this.pumping || this.queue.size === 0) return;
    this.pumping = true;
    requestAnimationFrame(() => {
      const deadline = performance.now() + FRAME_BUDGET_MS;
      for (const i of this.queue) {
        this.queue.delete(i);
        this.ensureHighlighted(i);
        if (performance.now() > deadline) break;
      }
      this.pumping = false;
      this.pump();
    });
  }

  /**
   * Renders document `docId` of `core`: every block as plain text at once (in chunks
   * for long documents, reporting `onProgress(fraction)`), highlights as blocks near
   * the viewport. Resolves when the text is in place.
   */
  async open(core, docId, onProgress = () => {}) {
    const generation = ++this.generation;
    this.observer.disconnect();
    this.queue.clear();
    this.core = core;
    this.docId = docId;
    this.text = core.documentText(docId);
    const { blocks, titleBlock, kinds } = core.blocks(docId);
    this.blocks = blocks;
    this.highlighted = new Uint8Array(this.blocks.length);
    this.selectedId = null;
    this.blockEls = new Array(this.blocks.length);
    this.root.replaceChildren();
    for (let from = 0; from < this.blocks.length; from += BLOCKS_PER_CHUNK) {
      if (from > 0) {
        onProgress(from / this.blocks.length);
        await nextFrame();
        if (generation !== this.generation) return false; // another document was opened meanwhile
      }
      const frag = document.createDocumentFragment();
      const to = Math.min(this.blocks.length, from + BLOCKS_PER_CHUNK);
      let chunk = null;
      for (let i = from; i < to; i++) {
        if ((i - from) % BLOCKS_PER_OBSERVED_CHUNK === 0) {
          const last = Math.min(to, i + BLOCKS_PER_OBSERVED_CHUNK) - 1;
          chunk = document.createElement('div');
          chunk.className = 'chunk';
          chunk.dataset.first = i;
          chunk.dataset.last = last;
          chunk.dataset.startUtf16 = this.blocks[i].startUtf16;
          chunk.dataset.endUtf16 = this.blocks[last].endUtf16;
          frag.append(chunk);
          this.observer.observe(chunk);
        }
        const b = this.blocks[i];
        const el = document.createElement(i === titleBlock ? 'h2' : 'p');
        el.className = i === titleBlock ? 'block title' : 'block';
        if (b.startUtf16 === b.endUtf16) el.classList.add('blank');
        // Bylines, credits, datelines and sub-headings, as the core reads them: styling only.
        if (['dateline', 'byline', 'credit', 'subheading'].includes(kinds[i])) el.classList.add(kinds[i]);
        el.dataset.startUtf16 = b.startUtf16;
        el.dataset.endUtf16 = b.endUtf16;
        el.dataset.block = i;
        const node = document.createTextNode(this.text.slice(b.startUtf16, b.endUtf16));
        registerText(node, b.startUtf16);
        el.append(node);
        this.blockEls[i] = el;
        chunk.append(el);
      }
      this.root.append(frag);
    }
    onProgress(1);
    return true;
  }

  /** Draws the highlights of the blocks in (or just below) the viewport now, without waiting for the observer. */
  highlightVisible() {
    const limit = window.innerHeight * 2;
    for (let i = 0; i < this.blockEls.length; i++) {
      const rect = this.blockEls[i].getBoundingClientRect();
      if (rect.top > limit) break;
      if (rect.bottom >= -limit) this.ensureHighlighted(i);
    }
  }

  get lengthUtf16() {
    return this.text.length;
  }

  /** Draws the highlights of block `i` if they are not drawn yet. */
  ensureHighlighted(i) {
    if (this.highlighted[i]) return;
    this.renderBlock(i);
    this.highlighted[i] = 1;
  }

  /** Re-renders the highlighted blocks in `[firstBlock, endBlock)` (as the core reports them); the others are drawn fresh when they come near. */
  refresh(firstBlock, endBlock) {
    for (let i = firstBlock; i < endBlock; i++) if (this.highlighted[i]) this.renderBlock(i);
    if (this.selectedId) this.select(this.selectedId);
  }

  renderBlock(i) {
    const b = this.blocks[i];
    const el = this.blockEls[i];
    const segments = this.core.segments(this.docId, b.startUtf16, b.endUtf16);
    const frag = document.createDocumentFragment();
    for (const seg of segments) {
      const node = document.createTextNode(this.text.slice(seg.startUtf16, seg.endUtf16));
      registerText(node, seg.startUtf16);
      if (seg.spans.length === 0) {
        frag.append(node);
        continue;
      }
      frag.append(this.markFor(seg, node));
    }
    el.replaceChildren(frag);
  }

  markFor(seg, node) {
    const mark = document.createElement('mark');
    mark.className = 'hl';
    mark.dataset.startUtf16 = seg.startUtf16;
    mark.dataset.endUtf16 = seg.endUtf16;
    mark.spanIds = seg.spans.map((s) => s.id);
    const top = seg.spans[seg.spans.length - 1];
    mark.style.setProperty('--fill', this.color(top.label));
    // One underline band per level, stacked below the text; levels with no span
    // here are painted in the page colour so that each band keeps its place.
    const maxLevel = seg.spans[seg.spans.length - 1].level;
    const shadows = [];
    for (let level = 0; level <= maxLevel; level++) {
      const span = seg.spans.find((s) => s.level === level);
      const color = span ? this.color(span.label) : 'var(--paper)';
      shadows.push(`0 ${(level + 1) * LEVEL_PX}px 0 0 ${color}`);
    }
    mark.style.boxShadow = shadows.join(', ');
    if (seg.spans.length > 1) mark.classList.add('overlap');
    if (seg.spans.some((s) => s.startsHere)) mark.classList.add('starts');
    if (seg.spans.some((s) => s.endsHere)) mark.classList.add('ends');
    const ending = seg.spans.filter((s) => s.endsHere).map((s) => s.label);
    if (ending.length) mark.dataset.chip = ending.join(' · ');
    mark.title = seg.spans.map((s) => `${this.name(s.label)} (${s.label})`).join('\n');
    mark.append(node);
    return mark;
  }

  color(labelId) {
    return this.labels.get(labelId)?.color ?? '#888888';
  }

  name(labelId) {
    return this.labels.get(labelId)?.name ?? labelId;
  }

  /** The <mark> elements that draw annotation `id`. */
  marksOf(id) {
    let ann;
    try {
      ann = this.core.annotation(this.docId, id);
    } catch {
      return [];
    }
    const marks = [];
    for (let i = ann.firstBlock; i < ann.endBlock; i++) {
      this.ensureHighlighted(i);
      for (const m of this.blockEls[i].querySelectorAll('mark.hl')) if (m.spanIds.includes(id)) marks.push(m);
    }
    return marks;
  }

  /** Shows annotation `id` as selected (or none, for null). Returns its first mark. */
  select(id) {
    for (const m of this.root.querySelectorAll('mark.selected')) m.classList.remove('selected');
    this.selectedId = id;
    if (!id) return null;
    const marks = this.marksOf(id);
    for (const m of marks) m.classList.add('selected');
    return marks[0] ?? null;
  }
}
