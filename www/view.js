// Renders one document: a block element per line, a text node or <mark> per highlight
// segment that the core computed. Article text only ever enters the DOM as Text nodes.
//
// Highlights never move text: a <mark> has no padding, border or margin, and the label
// chips are CSS generated content positioned above the line (data-chip, data-chip2), so
// adding or removing a span leaves every word where it was. The mark where an annotation
// starts is its one focusable element (role button, named "LABEL: text"); one of them at
// a time is in the tab order (a roving tab stop), and the arrow keys move between them.

import { domRangeUtf16, registerText } from './dom-offsets.js';

// Height in pixels of one stacked underline level.
const LEVEL_PX = 3;

// Blocks created per frame while opening a long document.
const BLOCKS_PER_CHUNK = 2000;
// How far outside the viewport highlights are drawn in advance.
const HIGHLIGHT_MARGIN = '1500px 0px';
// Milliseconds of highlighting per frame while scrolling.
const FRAME_BUDGET_MS = 6;
// Blocks per element that the IntersectionObserver watches.
const BLOCKS_PER_OBSERVED_CHUNK = 8;

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
    // The annotation whose first mark is the article's one tab stop.
    this.tabStopId = null;
    this.tabStopMark = null;
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
    this.tabStopId = null;
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
    // The first annotation is the tab stop until another takes it; it gets its tabindex
    // when its block is drawn (nothing is drawn here, for long documents open fast).
    this.tabStopId = core.annotationsPage(docId, 0, 1)[0]?.id ?? null;
    this.tabStopMark = null;
    return true;
  }

  /** Draws the highlights of the blocks in (or just below) the viewport now, without waiting for the observer. */
  highlightVisible() {
    const limit = window.innerHeight * 2;
    const near = [];
    for (let i = 0; i < this.blockEls.length; i++) {
      const rect = this.blockEls[i].getBoundingClientRect();
      if (rect.top > limit) break;
      if (rect.bottom >= -limit) near.push(i);
    }
    // All the reads first, then the drawing (which moves no text): a block drawn between
    // two reads made the next read lay the article out again (77 ms of a 100,000-annotation open).
    for (const i of near) this.ensureHighlighted(i);
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
    // A keyboard user editing the focused highlight keeps the focus in the article.
    const hadFocus = this.root.contains(document.activeElement) && document.activeElement !== this.root;
    for (let i = firstBlock; i < endBlock; i++) if (this.highlighted[i]) this.renderBlock(i);
    if (this.selectedId) this.select(this.selectedId);
    else if (!this.tabStopMark?.isConnected) this.setTabStop(this.tabStopId);
    if (hadFocus && !this.root.contains(document.activeElement)) this.focusAnnotation(this.tabStopId, { scroll: false });
  }

  renderBlock(i) {
    const b = this.blocks[i];
    const el = this.blockEls[i];
    const segments = this.core.segments(this.docId, b.startUtf16, b.endUtf16);
    // Where each span of this block starts and ends, for the names of the highlights.
    const extent = new Map();
    for (const seg of segments) {
      for (const s of seg.spans) {
        if (s.startsHere) extent.set(s.id, { start: seg.startUtf16, end: null });
        if (s.endsHere && extent.has(s.id)) extent.get(s.id).end = seg.endUtf16;
      }
    }
    const frag = document.createDocumentFragment();
    for (const seg of segments) {
      const node = document.createTextNode(this.text.slice(seg.startUtf16, seg.endUtf16));
      registerText(node, seg.startUtf16);
      if (seg.spans.length === 0) {
        frag.append(node);
        continue;
      }
      frag.append(this.markFor(seg, node, extent));
    }
    el.replaceChildren(frag);
  }

  markFor(seg, node, extent = new Map()) {
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
      const color = span ? this.underline(span.label) : 'var(--paper)';
      shadows.push(`0 ${(level + 1) * LEVEL_PX}px 0 0 ${color}`);
    }
    mark.style.boxShadow = shadows.join(', ');
    if (seg.spans.length > 1) mark.classList.add('overlap');
    if (seg.spans.some((s) => s.startsHere)) mark.classList.add('starts');
    if (seg.spans.some((s) => s.endsHere)) mark.classList.add('ends');
    // One chip per annotation, above the mark where it starts (outermost first).
    const starting = seg.spans.filter((s) => s.startsHere);
    if (starting.length) {
      const [first, ...rest] = starting;
      mark.dataset.chip = this.shownId(first.label);
      mark.style.setProperty('--chip-fill', this.color(first.label));
      mark.style.setProperty('--chip-text', this.textColor(first.label));
      if (rest.length) {
        mark.dataset.chip2 = rest.map((s) => this.shownId(s.label)).join(' · ');
        mark.style.setProperty('--chip2-fill', this.color(rest[0].label));
        mark.style.setProperty('--chip2-text', this.textColor(rest[0].label));
        mark.style.setProperty('--chip2-left', `${chipWidth(mark.dataset.chip) + 2}px`);
      }
      // The start of an annotation is where it takes focus.
      mark.startIds = starting.map((s) => s.id);
      mark.names = new Map(
        starting.map((s) => {
          const at = extent.get(s.id);
          const text = at?.end != null ? this.text.slice(at.start, at.end) : this.annotationText(s.id);
          return [s.id, `${this.shownId(s.label)}: ${text}`];
        }),
      );
      mark.setAttribute('role', 'button');
      mark.setAttribute('aria-roledescription', 'annotation');
      const current = mark.startIds.includes(this.tabStopId) ? this.tabStopId : mark.startIds[0];
      mark.setAttribute('aria-label', mark.names.get(current));
      mark.tabIndex = -1;
      if (current === this.tabStopId) {
        mark.tabIndex = 0;
        this.tabStopMark = mark;
      }
    }
    mark.title = seg.spans.map((s) => `${this.name(s.label)} (${s.label})`).join('\n');
    mark.append(node);
    return mark;
  }

  annotationText(id) {
    try {
      return this.core.annotation(this.docId, id).text;
    } catch {
      return '';
    }
  }

  color(labelId) {
    return this.labels.get(labelId)?.color ?? '#595959';
  }

  /** The colour for text on the label's colour (4.5:1 or more). */
  textColor(labelId) {
    return this.labels.get(labelId)?.textColor ?? '#ffffff';
  }

  /** The label's colour as an underline on the white page (3:1 or more). */
  underline(labelId) {
    return this.labels.get(labelId)?.underlineColor ?? '#595959';
  }

  shownId(labelId) {
    return this.labels.get(labelId)?.shownId ?? labelId;
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

  /** A DOM Range over `[startUtf16, endUtf16)`, which starts in block `firstBlock`, or null. */
  domRange(startUtf16, endUtf16, firstBlock) {
    const el = this.blockEls[firstBlock];
    return el ? domRangeUtf16(el, startUtf16, endUtf16) : null;
  }

  /** Shows annotation `id` as selected (or none, for null). Returns its first mark. */
  select(id) {
    for (const m of this.root.querySelectorAll('mark.selected')) m.classList.remove('selected');
    this.selectedId = id;
    if (!id) return null;
    const marks = this.marksOf(id);
    for (const m of marks) m.classList.add('selected');
    if (marks.length) this.setTabStop(id, marks);
    return marks[0] ?? null;
  }

  /**
   * Makes annotation `id`'s first mark the article's tab stop (for null or an annotation
   * that is gone: the selected one, or else the document's first). Returns that mark.
   */
  setTabStop(id, marks = null) {
    if (!this.docId) return null;
    let mark = id ? (marks ?? this.marksOf(id)).find((m) => m.startIds?.includes(id)) ?? null : null;
    if (!mark && this.selectedId && this.selectedId !== id) {
      id = this.selectedId;
      mark = this.startMark(id);
    }
    if (!mark) {
      id = this.core.annotationsPage(this.docId, 0, 1)[0]?.id ?? null;
      mark = id ? this.startMark(id) : null;
    }
    if (this.tabStopMark && this.tabStopMark !== mark) this.tabStopMark.tabIndex = -1;
    this.tabStopId = mark ? id : null;
    this.tabStopMark = mark;
    if (mark) {
      mark.tabIndex = 0;
      mark.setAttribute('aria-label', mark.names.get(id));
    }
    return mark;
  }

  /** The mark where annotation `id` starts (the one that takes focus), or null. */
  startMark(id) {
    return this.marksOf(id).find((m) => m.startIds?.includes(id)) ?? null;
  }

  /** Moves the keyboard focus to annotation `id`'s highlight. */
  focusAnnotation(id, { scroll = true } = {}) {
    const mark = this.setTabStop(id);
    if (!mark) return null;
    mark.focus({ preventScroll: !scroll });
    return mark;
  }

  /**
   * Moves the focus `step` annotations on (-1 back) from the focused one, in the
   * document's order; 'first' and 'last' jump to the ends. Returns the new id or null.
   */
  moveFocus(step) {
    const count = this.core.annotationCount(this.docId);
    if (!count) return null;
    let rank;
    if (step === 'first') rank = 0;
    else if (step === 'last') rank = count - 1;
    else {
      let at = 0;
      try {
        at = this.tabStopId ? this.core.annotationRank(this.docId, this.tabStopId) : 0;
      } catch {
        at = 0;
      }
      rank = Math.min(count - 1, Math.max(0, at + step));
    }
    const next = this.core.annotationsPage(this.docId, rank, 1)[0];
    if (!next) return null;
    this.focusAnnotation(next.id);
    return next.id;
  }
}

// The width in pixels of a chip showing `text` (as style.css draws it), for placing a
// second chip beside it without measuring the page's layout.
const CHIP_FONT = '700 11.5px system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif';
const CHIP_MAX_PX = 14 * 11.5;
let chipContext = null;
const chipWidths = new Map();
function chipWidth(text) {
  let width = chipWidths.get(text);
  if (width === undefined) {
    chipContext ??= new OffscreenCanvas(1, 1).getContext('2d');
    chipContext.font = CHIP_FONT;
    chipContext.letterSpacing = '0.115px';
    width = Math.min(CHIP_MAX_PX, Math.ceil(chipContext.measureText(text).width)) + 8;
    if (chipWidths.size < 1000) chipWidths.set(text, width);
  }
  return width;
}
