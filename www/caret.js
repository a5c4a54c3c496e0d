// Keyboard-only annotation: a caret in the article that the shell draws, moved and
// extended with the keyboard, over a selection made with the browser's own Selection
// API, so that a label's hotkey tags it exactly as it tags a mouse selection (applyLabel).
//
// Two modes share the article, one at a time:
// - caret mode, when the article itself has the focus (Tab to it, click in its text, F2,
//   or Esc from a highlight): the caret is drawn; the arrows move it (Ctrl: by word, on a
//   Mac Option), Up and Down by visual line keeping the x position, Home and End to the
//   line's ends (Ctrl: the document's); Shift with any of them extends the selection.
//   Tab goes to the annotation at the caret or the next one after it (and selects it),
//   Shift+Tab to the one before it; with none there, Tab leaves the article as usual.
// - highlight mode, when a highlight has the focus (view.js's roving tab stop): the
//   arrows move between annotations as before, Enter selects. Esc lets go of the selected
//   annotation as before; Esc with none selected (or F2) returns to the caret, placed where
//   that annotation starts. Tab and Shift+Tab leave the article.
//
// The caret is a document offset (UTF-16, like every offset in the shell), never a DOM
// node: highlights re-render their blocks, so the DOM point is looked up each time
// (dom-offsets.js). It is drawn as an element over the text (pointer-events: none,
// positioned from a Range's client rect), so text never moves. Positions and the
// selection are announced in a polite live region; what a hotkey did is announced by the
// status line, which is a live region too.

import { removeSelected, selectAnnotation } from './commands.js';
import { pointToOffsetUtf16, rangeAtUtf16, textPointAt } from './dom-offsets.js';
import { quote, setStatus } from './messages.js';
import { state } from './state.js';
import { ui } from './ui.js';

// ---- Boundaries, from the core -----------------------------------------------------

/**
 * The grapheme (`unit` 'grapheme') or word ('word') boundary next to `atUtf16` in the
 * open document, going `direction` 'next' or 'previous': for graphemes, the other end of
 * the grapheme cluster after (before) the offset, a line break being one; for words, the
 * end of the next UAX #29 word that holds a letter or digit (the start of the previous
 * one). Clamped to the text; crosses line breaks.
 */
function boundary(atUtf16, direction, unit) {
  // The core finds grapheme clusters and UAX #29 words, as everywhere else.
  return state.core.caretStep(state.openDocId, atUtf16, unit, direction === 'next');
}

const IS_MAC = /Mac|iPhone|iPad/.test(navigator.platform);
// Selections longer than this are announced as "more than" it, not counted to the end.
const COUNT_LIMIT = 1000;

const caret = {
  docId: null,
  anchor: 0,
  focus: 0,
  // The x position kept by Up and Down, in client pixels (null after any other move).
  goalX: null,
  el: null,
  live: null,
  pointerDown: false,
  // Set while the caret, placed on purpose, gives the article the focus.
  placed: false,
  drawFrame: 0,
};

/** Creates the caret and the live region, makes the article focusable, and follows focus, pointer and selection. */
export function installCaret() {
  caret.el = document.createElement('div');
  caret.el.className = 'doc-caret';
  caret.el.hidden = true;
  caret.el.setAttribute('aria-hidden', 'true');
  caret.live = document.createElement('div');
  caret.live.id = 'caret-announcer';
  caret.live.className = 'visually-hidden';
  caret.live.setAttribute('aria-live', 'polite');
  caret.live.setAttribute('aria-atomic', 'true');
  document.body.append(caret.el, caret.live);
  ui.doc.tabIndex = 0;
  ui.doc.setAttribute('aria-keyshortcuts', 'F2');

  document.addEventListener('focusin', (e) => {
    if (e.target === ui.doc && state.openDocId) {
      if (!caret.pointerDown) {
        ensurePlaced();
        // Scrolled away from the caret meanwhile: it starts again at the first text on screen.
        if (!caret.placed && !onScreen(caret.focus)) caret.anchor = caret.focus = firstVisibleOffset();
        applySelection();
        announce(describe());
      }
    } else if (ui.doc.contains(e.target)) {
      dropSelection();
    }
    draw();
  });
  document.addEventListener('focusout', scheduleDraw);
  ui.doc.addEventListener('pointerdown', () => {
    caret.pointerDown = true;
  });
  document.addEventListener('pointerup', () => {
    if (!caret.pointerDown) return;
    caret.pointerDown = false;
    // After the browser has finished the selection (a click, a drag, a double-click).
    setTimeout(syncFromDom);
  });
  document.addEventListener('selectionchange', onSelectionChange);
  // After app.js's keydown (this listener comes later): an undo or redo redraws lines, and
  // the browser lets go of a selection whose text was redrawn: the caret's is drawn again.
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && /^[zy]$/i.test(e.key) && active()) {
      applySelection();
      scheduleDraw();
    }
  });
  window.addEventListener('scroll', scheduleDraw, { passive: true });
  window.addEventListener('resize', scheduleDraw);
}

/** Whether the caret is shown: the article itself has the focus, with a document open. */
function active() {
  return Boolean(state.openDocId) && document.activeElement === ui.doc && caret.docId === state.openDocId;
}

// ---- Keys -------------------------------------------------------------------------------

/**
 * A key pressed anywhere (app.js's keydown, outside dialogs and text fields): the caret's
 * keys in caret mode, Esc, F2 and Shift+Tab on a highlight, F2 anywhere. Returns true when
 * the key was the caret's (default prevented unless the browser is to move the focus).
 */
export function caretKey(e) {
  if (!state.openDocId) return false;
  const target = e.target instanceof Element ? e.target : null;
  const mark = target?.closest('#doc mark.hl[role="button"]') ?? null;
  const plain = !e.ctrlKey && !e.altKey && !e.metaKey;
  if (e.key === 'F2' && plain && !e.shiftKey) {
    e.preventDefault();
    if (mark) toCaretFrom(mark);
    else ui.doc.focus({ preventScroll: true });
    reveal();
    return true;
  }
  if (mark) {
    // Esc lets go of the selected annotation first (app.js); with none selected, it returns to the caret.
    if (e.key === 'Escape' && plain && !state.view.selectedId) {
      toCaretFrom(mark);
      return false;
    }
    if ((e.key === 'Delete' || e.key === 'Backspace') && plain && mark.matches(':focus-visible') && mark.spanIds?.includes(state.view.selectedId)) {
      // Reached by keyboard: remove the selected annotation here, then go on from the
      // caret where it was (Tab reaches the next one), not from the document's first highlight.
      e.preventDefault();
      const id = state.view.selectedId;
      const at = annotationStart(id);
      removeSelected();
      if (at !== null && annotationStart(id) === null) placeAndFocus(at);
      return true;
    }
    if ((e.key === 'Delete' || e.key === 'Backspace') && plain && state.view.selectedId) {
      // The arrows moved the focus on from the selected annotation: Delete would remove one out of sight.
      e.preventDefault();
      setStatus(`Nothing removed: another annotation is selected. Press Enter to select ${quote(mark.getAttribute('aria-label'))}, then Delete.`);
      return true;
    }
    if (e.key === 'Tab' && e.shiftKey && plain) {
      // Leave the article backwards: not to the article itself, which would Shift+Tab straight back here.
      skipFocusOnce(ui.doc);
      return true;
    }
    return false;
  }
  if (target !== ui.doc) return false;
  ensurePlaced(); // the open document may have changed under the focused article (undo)
  if (!active()) return false;
  if (e.key === 'Tab' && !e.ctrlKey && !e.altKey && !e.metaKey) return tabFromCaret(e);
  if (e.key === 'Escape' && plain && caret.anchor !== caret.focus) {
    e.preventDefault();
    moveTo(caret.focus, { extend: false });
    return true;
  }
  const to = targetOf(e);
  if (to === null) return false;
  e.preventDefault();
  moveTo(to, { extend: e.shiftKey, vertical: e.key === 'ArrowUp' || e.key === 'ArrowDown' });
  return true;
}

/** Where a caret key asks to go, or null when the key is none of them. */
function targetOf(e) {
  if (e.metaKey || (e.altKey && !IS_MAC)) return null;
  const byWord = IS_MAC ? e.altKey : e.ctrlKey;
  if (IS_MAC && e.ctrlKey) return null;
  const at = caret.focus;
  // With a selection, Left and Right alone let go of it at its start or end.
  if (caret.anchor !== caret.focus && !e.shiftKey && !byWord) {
    if (e.key === 'ArrowLeft') return Math.min(caret.anchor, caret.focus);
    if (e.key === 'ArrowRight') return Math.max(caret.anchor, caret.focus);
  }
  switch (e.key) {
    case 'ArrowRight':
      return clampToBlocks(boundary(at, 'next', byWord ? 'word' : 'grapheme'), 1);
    case 'ArrowLeft':
      return clampToBlocks(boundary(at, 'previous', byWord ? 'word' : 'grapheme'), -1);
    case 'ArrowDown':
      return byWord ? null : lineAway(1);
    case 'ArrowUp':
      return byWord ? null : lineAway(-1);
    case 'Home':
      return byWord ? 0 : lineEnd(-1);
    case 'End':
      return byWord ? state.view.lengthUtf16 : lineEnd(1);
    default:
      return null;
  }
}

function tabFromCaret(e) {
  const id = e.shiftKey ? annotationBefore(caret.focus) : annotationAtOrAfter(caret.focus);
  if (!id) {
    // None that way: the focus leaves the article as usual (past its own highlights).
    if (!e.shiftKey && state.view.tabStopMark) skipFocusOnce(state.view.tabStopMark);
    return true;
  }
  e.preventDefault();
  dropSelection();
  selectAnnotation(id);
  state.view.focusAnnotation(id);
  return true;
}

/** Keeps `el` out of the one focus move the current key press makes. */
function skipFocusOnce(el) {
  const before = el.tabIndex;
  el.tabIndex = -1;
  setTimeout(() => {
    if (el.isConnected && el.tabIndex === -1) el.tabIndex = before;
  });
}

/** From a focused highlight back to the caret, placed where its annotation starts. */
function toCaretFrom(mark) {
  const { view } = state;
  const ids = mark.startIds ?? [];
  const id = ids.includes(view.tabStopId) ? view.tabStopId : ids[0];
  placeAndFocus(annotationStart(id) ?? Number(mark.dataset.startUtf16));
}

/** Where annotation `id` starts, or null when there is no such annotation. */
function annotationStart(id) {
  try {
    return id ? state.core.annotation(state.openDocId, id).startUtf16 : null;
  } catch {
    return null;
  }
}

/** Puts the caret (collapsed) at `offset` and gives the article the focus. */
function placeAndFocus(offset) {
  caret.docId = state.openDocId;
  caret.anchor = caret.focus = offset;
  caret.goalX = null;
  if (document.activeElement === ui.doc) {
    applySelection();
    draw();
    announce(describe());
  } else {
    caret.placed = true;
    ui.doc.focus({ preventScroll: true });
    caret.placed = false;
  }
  reveal();
}

// ---- Annotations next to the caret ---------------------------------------------------

/** The rank of the first annotation that starts at or after `offset`. */
function firstRankFrom(offset) {
  const { core, openDocId } = state;
  let lo = 0;
  let hi = core.annotationCount(openDocId);
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (core.annotationsPage(openDocId, mid, 1)[0].startUtf16 < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The annotation holding the character before or after the caret (the first of them in the document), else the next one after it. */
function annotationAtOrAfter(offset) {
  const { core, openDocId } = state;
  const blk = state.view.blocks[blockAt(offset)];
  const here = [];
  if (offset < blk.endUtf16) here.push(...core.annotationsAt(openDocId, offset));
  if (offset > blk.startUtf16) here.push(...core.annotationsAt(openDocId, boundary(offset, 'previous', 'grapheme')));
  if (here.length) {
    here.sort((a, b) => a.startUtf16 - b.startUtf16 || b.endUtf16 - a.endUtf16);
    return here[0].id;
  }
  return core.annotationsPage(openDocId, firstRankFrom(offset), 1)[0]?.id ?? null;
}

/** The last annotation that starts before the caret. */
function annotationBefore(offset) {
  const rank = firstRankFrom(offset) - 1;
  return rank < 0 ? null : state.core.annotationsPage(state.openDocId, rank, 1)[0]?.id ?? null;
}

// ---- Blocks and geometry --------------------------------------------------------------

/** The index of the block holding `offset` (the one it falls after, between two). */
export function blockAt(offset) {
  const { blocks } = state.view;
  let lo = 0;
  let hi = blocks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (blocks[mid].startUtf16 <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** `offset` moved onto a block's text: past a line break it goes on in `direction`. */
function clampToBlocks(offset, direction) {
  const { blocks } = state.view;
  const b = blockAt(offset);
  const blk = blocks[b];
  if (offset <= blk.endUtf16) return Math.max(offset, blk.startUtf16);
  return direction > 0 && b + 1 < blocks.length ? blocks[b + 1].startUtf16 : blk.endUtf16;
}

/** The caret's rectangle at `offset`, in client pixels: `{left, top, height}`. */
function caretRect(offset) {
  const { view } = state;
  const b = blockAt(offset);
  const blk = view.blocks[b];
  const el = view.blockEls[b];
  if (blk.startUtf16 < blk.endUtf16) {
    if (offset < blk.endUtf16) {
      const r = rangeAtUtf16(el, offset, Math.min(blk.endUtf16, boundary(offset, 'next', 'grapheme')))?.getClientRects()[0];
      if (r) return { left: r.left, top: r.top, height: r.height };
    } else {
      const rects = rangeAtUtf16(el, boundary(offset, 'previous', 'grapheme'), offset)?.getClientRects();
      const r = rects?.[rects.length - 1];
      if (r) return { left: r.right, top: r.top, height: r.height };
    }
  }
  // A blank line: the block's own box, a line of text high.
  const r = el.getBoundingClientRect();
  const size = parseFloat(getComputedStyle(el).fontSize) * 1.2;
  return { left: r.left, top: r.top + (r.height - size) / 2, height: size };
}

/** The document offset at the client point (x, y), if it is on the article's text. */
function offsetAtPoint(x, y) {
  let node = null;
  let offset = 0;
  if (document.caretPositionFromPoint) {
    const p = document.caretPositionFromPoint(x, y);
    if (p) ({ offsetNode: node, offset } = p);
  } else {
    const r = document.caretRangeFromPoint?.(x, y);
    if (r) ({ startContainer: node, startOffset: offset } = r);
  }
  if (!node || !ui.doc.contains(node) || node === ui.doc) return null;
  return clampToBlocks(pointToOffsetUtf16(ui.doc, node, offset, state.view.lengthUtf16), 1);
}

/** The part of the window the article shows in: below the masthead, above the status bar. */
function visibleBand() {
  const top = document.getElementById('masthead')?.getBoundingClientRect().bottom ?? 0;
  const bottom = document.querySelector('.statusbar')?.getBoundingClientRect().top ?? window.innerHeight;
  return { top, bottom };
}

function onScreen(offset) {
  const r = caretRect(offset);
  const band = visibleBand();
  return r.top >= band.top && r.top + r.height <= band.bottom;
}

function lineHeightAt(offset) {
  const el = state.view.blockEls[blockAt(offset)];
  return parseFloat(getComputedStyle(el).lineHeight) || 40;
}

/** The offset one visual line up (-1) or down (1) from the caret, at the kept x position. */
function lineAway(direction) {
  const from = caret.focus;
  const lh = lineHeightAt(from);
  let r = caretRect(from);
  // The line to hit must be on screen: bring the caret towards the middle if it is near an edge.
  const band = visibleBand();
  if (r.top - 3 * lh < band.top || r.top + r.height + 3 * lh > band.bottom) {
    window.scrollBy(0, r.top + r.height / 2 - (band.top + band.bottom) / 2);
    r = caretRect(from);
  }
  caret.goalX ??= r.left;
  const mid = r.top + r.height / 2;
  for (const f of [0.75, 1, 1.25, 1.5, 2, 2.5, 3, 3.5]) {
    const at = offsetAtPoint(caret.goalX, mid + direction * f * lh);
    if (at === null) continue;
    const t = caretRect(at);
    const other = direction > 0 ? t.top > r.top + r.height / 2 : t.top + t.height < r.top + r.height / 2;
    if (other) return at;
  }
  // No line that way on the page: the ends of the block, then of the neighbouring one.
  const blk = state.view.blocks[blockAt(from)];
  if (direction > 0) return from < blk.endUtf16 ? blk.endUtf16 : clampToBlocks(boundary(from, 'next', 'grapheme'), 1);
  return from > blk.startUtf16 ? blk.startUtf16 : clampToBlocks(boundary(from, 'previous', 'grapheme'), -1);
}

/** The start (-1) or end (1) of the caret's visual line. */
function lineEnd(direction) {
  const from = caret.focus;
  reveal();
  const r = caretRect(from);
  const b = blockAt(from);
  const blk = state.view.blocks[b];
  const box = state.view.blockEls[b].getBoundingClientRect();
  const at = offsetAtPoint(direction < 0 ? box.left + 1 : box.right - 1, r.top + r.height / 2);
  if (at === null || at < blk.startUtf16 || at > blk.endUtf16) return direction < 0 ? blk.startUtf16 : blk.endUtf16;
  if (direction > 0 && at < blk.endUtf16) {
    // At a soft wrap the point past the line's last character starts the next line: stay before it.
    const t = caretRect(at);
    if (t.top > r.top + r.height / 2) return boundary(at, 'previous', 'grapheme');
  }
  return at;
}

// ---- Moving, selecting, drawing -----------------------------------------------------------

/** The first offset of the first block on screen, where a new caret starts. */
function firstVisibleOffset() {
  const { blocks, blockEls } = state.view;
  const { top } = visibleBand();
  let lo = 0;
  let hi = blocks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (blockEls[mid].getBoundingClientRect().bottom <= top) lo = mid + 1;
    else hi = mid;
  }
  return blocks[lo]?.startUtf16 ?? 0;
}

/** A caret for the open document: the one it had, else at the first text on screen. */
function ensurePlaced() {
  if (caret.docId === state.openDocId && caret.focus <= state.view.lengthUtf16 && caret.anchor <= state.view.lengthUtf16) return;
  caret.docId = state.openDocId;
  caret.anchor = caret.focus = firstVisibleOffset();
  caret.goalX = null;
}

function moveTo(offset, { extend = false, vertical = false } = {}) {
  caret.focus = offset;
  if (!extend) caret.anchor = offset;
  if (!vertical) caret.goalX = null;
  applySelection();
  draw();
  reveal();
  announce(describe());
}

/** The DOM point at `offset`, in a block whose highlights are drawn (so the point's node stays). */
function domPoint(offset) {
  const b = blockAt(offset);
  state.view.ensureHighlighted(b);
  return textPointAt(state.view.blockEls[b], offset);
}

/** Makes the browser's selection the caret's: anchor to focus, collapsed when they meet. */
function applySelection() {
  if (caret.docId !== state.openDocId) return;
  const anchor = domPoint(caret.anchor);
  const focus = domPoint(caret.focus);
  if (!anchor || !focus) return;
  document.getSelection().setBaseAndExtent(anchor.node, anchor.offset, focus.node, focus.offset);
}

/** Lets go of the selection the caret made (before a highlight takes the focus). */
function dropSelection() {
  if (caret.anchor === caret.focus || caret.docId !== state.openDocId) return;
  const sel = document.getSelection();
  const now = selectionOffsets(sel);
  if (now && now.anchor === caret.anchor && now.focus === caret.focus) sel.removeAllRanges();
  caret.anchor = caret.focus;
}

function selectionOffsets(sel) {
  if (!sel || sel.rangeCount === 0 || !ui.doc.contains(sel.anchorNode) || !ui.doc.contains(sel.focusNode)) return null;
  const len = state.view.lengthUtf16;
  return {
    anchor: pointToOffsetUtf16(ui.doc, sel.anchorNode, sel.anchorOffset, len),
    focus: pointToOffsetUtf16(ui.doc, sel.focusNode, sel.focusOffset, len),
  };
}

/**
 * The selection changed while the caret shows: gone (tagged: the caret stays at its focus
 * end), moved by the browser within the text (the caret follows), or left on an element
 * because its text was redrawn under it (an undo): then it is drawn again where it was.
 */
function onSelectionChange() {
  if (!active() || caret.pointerDown) return;
  const sel = document.getSelection();
  if (sel.rangeCount === 0) {
    if (caret.anchor !== caret.focus) {
      caret.anchor = caret.focus;
      applySelection();
      scheduleDraw();
    }
    return;
  }
  const now = selectionOffsets(sel);
  if (!now || (now.anchor === caret.anchor && now.focus === caret.focus)) return;
  if (sel.anchorNode.nodeType === Node.TEXT_NODE && sel.focusNode.nodeType === Node.TEXT_NODE) {
    caret.anchor = clampToBlocks(now.anchor, 1);
    caret.focus = clampToBlocks(now.focus, 1);
    caret.goalX = null;
  } else {
    applySelection();
  }
  scheduleDraw();
}

/** After a click or a drag in the article: the caret goes where the browser's selection is. */
function syncFromDom() {
  if (caret.pointerDown) return; // a second click (a double-click) is under way
  if (document.activeElement !== ui.doc || !state.openDocId) {
    scheduleDraw();
    return;
  }
  const now = selectionOffsets(document.getSelection());
  if (now) {
    caret.docId = state.openDocId;
    caret.anchor = clampToBlocks(now.anchor, 1);
    caret.focus = clampToBlocks(now.focus, 1);
    caret.goalX = null;
    announce(describe());
  } else {
    ensurePlaced();
  }
  draw();
}

function scheduleDraw() {
  if (caret.drawFrame) return;
  caret.drawFrame = requestAnimationFrame(() => {
    caret.drawFrame = 0;
    draw();
  });
}

function draw() {
  if (!caret.el) return;
  if (!active()) {
    caret.el.hidden = true;
    return;
  }
  const r = caretRect(caret.focus);
  caret.el.hidden = false;
  caret.el.style.left = `${r.left + window.scrollX}px`;
  caret.el.style.top = `${r.top + window.scrollY}px`;
  caret.el.style.height = `${r.height}px`;
  // Where the caret and the selection are, for tests and tools.
  caret.el.dataset.focusUtf16 = caret.focus;
  caret.el.dataset.anchorUtf16 = caret.anchor;
}

/** Scrolls the caret into view (clear of the masthead and the status bar). */
function reveal() {
  if (!active()) return;
  draw();
  caret.el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}

// ---- What is announced ----------------------------------------------------------------------

function announce(text) {
  if (caret.live && caret.live.textContent !== text) caret.live.textContent = text;
}

function graphemeName(g) {
  if (g === ' ' || g === '\u00a0') return 'space';
  if (g === '\t') return 'tab';
  return quote(g);
}

/** The caret's context: the selected text and its length, or the word the caret is in or before. */
function describe() {
  const { text } = state.view;
  if (caret.anchor !== caret.focus) {
    const start = Math.min(caret.anchor, caret.focus);
    const end = Math.max(caret.anchor, caret.focus);
    let count = 0;
    for (let at = start; at < end && count <= COUNT_LIMIT; at = boundary(at, 'next', 'grapheme')) count++;
    const n = count > COUNT_LIMIT ? `more than ${COUNT_LIMIT.toLocaleString('en')} characters` : `${count} character${count === 1 ? '' : 's'}`;
    const lines = blockAt(end) > blockAt(start) ? ', across a line break' : '';
    return `selected ${quote(text.slice(start, end))}, ${n}${lines}`;
  }
  const at = caret.focus;
  const blk = state.view.blocks[blockAt(at)];
  if (blk.startUtf16 === blk.endUtf16) return 'blank line';
  const wordEnd = boundary(at, 'next', 'word');
  const wordStart = boundary(wordEnd, 'previous', 'word');
  const word = wordEnd > at && wordEnd <= blk.endUtf16 && wordStart >= blk.startUtf16 ? text.slice(wordStart, wordEnd) : null;
  const next = at < blk.endUtf16 ? graphemeName(text.slice(at, boundary(at, 'next', 'grapheme'))) : null;
  if (word && wordStart < at) return `in ${quote(word)}, before ${next}`;
  if (word && wordStart === at) return `before ${quote(word)}`;
  if (word) return `before ${next}, then ${quote(word)}`;
  if (next) return `before ${next}, at the end of the line`;
  return at === state.view.lengthUtf16 ? 'end of document' : 'end of line';
}
