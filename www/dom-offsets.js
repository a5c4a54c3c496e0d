// The one shell module that turns DOM positions into document offsets.
//
// Offsets here are UTF-16 code units into the document's exact text, the unit of
// JS strings and DOM ranges; the wasm binding converts them for the core. Every
// text node the view renders is registered with the offset where it starts.

const textStart = new WeakMap();

/** Records that `node` (a Text node) holds the document text starting at `startUtf16`. */
export function registerText(node, startUtf16) {
  textStart.set(node, startUtf16);
}

/** The offset where registered text node `node` starts, or undefined. */
export function textStartOf(node) {
  return textStart.get(node);
}

function firstTextIn(node) {
  if (textStart.has(node)) return node;
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) if (textStart.has(t)) return t;
  return null;
}

function lastTextIn(node) {
  if (textStart.has(node)) return node;
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  let last = null;
  for (let t = walker.nextNode(); t; t = walker.nextNode()) if (textStart.has(t)) last = t;
  return last;
}

// The offset just before `node`, or just after it when `after` is set.
function edgeOffset(node, after) {
  if (node.dataset && node.dataset.startUtf16 !== undefined) {
    return Number(after ? node.dataset.endUtf16 : node.dataset.startUtf16);
  }
  const t = after ? lastTextIn(node) : firstTextIn(node);
  if (t) return textStart.get(t) + (after ? t.length : 0);
  return null;
}

/**
 * Converts a DOM point (as in a Selection's Range) inside `root` to a UTF-16 offset
 * into the document text. Points before or after `root` clamp to 0 or `lengthUtf16`.
 */
export function pointToOffsetUtf16(root, node, offset, lengthUtf16) {
  if (!root.contains(node)) {
    const before = root.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_PRECEDING;
    return before ? 0 : lengthUtf16;
  }
  if (node.nodeType === Node.TEXT_NODE) {
    if (textStart.has(node)) return textStart.get(node) + offset;
    return pointToOffsetUtf16(root, node.parentNode, indexInParent(node), lengthUtf16);
  }
  // An element point: `offset` counts child nodes. Take the first text after the
  // point, or else the end of the last text before it.
  const children = node.childNodes;
  for (let i = offset; i < children.length; i++) {
    const at = edgeOffset(children[i], false);
    if (at !== null) return at;
  }
  for (let i = Math.min(offset, children.length) - 1; i >= 0; i--) {
    const at = edgeOffset(children[i], true);
    if (at !== null) return at;
  }
  if (node === root) return offset === 0 ? 0 : lengthUtf16;
  return pointToOffsetUtf16(root, node.parentNode, indexInParent(node) + (offset > 0 ? 1 : 0), lengthUtf16);
}

function indexInParent(node) {
  return Array.prototype.indexOf.call(node.parentNode.childNodes, node);
}

/**
 * The UTF-16 range `{startUtf16, endUtf16}` of the current selection within `root`,
 * or null when nothing in `root` is selected. Throws when the selection reaches
 * outside `root`, rather than guess which part the analyst meant.
 */
export function selectionRangeUtf16(root, lengthUtf16) {
  const sel = document.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  if (!range.intersectsNode(root)) return null;
  if (!root.contains(range.startContainer) || !root.contains(range.endContainer)) {
    throw new Error('The selection reaches outside the article: select text within the article only.');
  }
  const startUtf16 = pointToOffsetUtf16(root, range.startContainer, range.startOffset, lengthUtf16);
  const endUtf16 = pointToOffsetUtf16(root, range.endContainer, range.endOffset, lengthUtf16);
  if (endUtf16 <= startUtf16) return null;
  return { startUtf16, endUtf16 };
}

/**
 * A DOM Range over `[startUtf16, endUtf16)` of the document text, found in the block
 * element `blockEl` (and, for a span that goes on, the blocks after it), or null when the
 * text is not there. For measuring where a span is drawn.
 */
export function domRangeUtf16(blockEl, startUtf16, endUtf16) {
  let startPoint = null;
  let endPoint = null;
  for (let el = blockEl; el && !endPoint; el = el.nextElementSibling ?? el.parentElement?.nextElementSibling?.firstElementChild ?? null) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const at = textStart.get(t);
      if (at === undefined) continue;
      if (!startPoint && startUtf16 >= at && startUtf16 < at + t.length) startPoint = [t, startUtf16 - at];
      if (startPoint && endUtf16 > at && endUtf16 <= at + t.length) {
        endPoint = [t, endUtf16 - at];
        break;
      }
    }
    if (!startPoint) return null;
  }
  if (!startPoint || !endPoint) return null;
  const range = document.createRange();
  range.setStart(...startPoint);
  range.setEnd(...endPoint);
  return range;
}

/**
 * The other way round, for the keyboard caret (caret.js): the DOM point inside
 * `container` (an element the view rendered, such as a block) at document offset
 * `offsetUtf16`, as `{node, offset}` in a registered text node, or null when no text
 * node there holds it. Where two text nodes meet, the point is at the start of the
 * second (so it measures the character after it).
 */
export function textPointAt(container, offsetUtf16) {
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  let end = null;
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const start = textStart.get(t);
    if (start === undefined) continue;
    if (offsetUtf16 >= start && offsetUtf16 < start + t.length) return { node: t, offset: offsetUtf16 - start };
    if (offsetUtf16 === start + t.length) end = { node: t, offset: t.length };
  }
  return end;
}

/** A DOM Range over the document text `[startUtf16, endUtf16)` inside `container`, or null. */
export function rangeAtUtf16(container, startUtf16, endUtf16) {
  const from = textPointAt(container, startUtf16);
  const to = textPointAt(container, endUtf16);
  if (!from || !to) return null;
  const range = document.createRange();
  range.setStart(from.node, from.offset);
  range.setEnd(to.node, to.offset);
  return range;
}
