// Search: the find bar (Ctrl+F or /), its options (plain or regex, ignore case, whole
// word, this document or all documents), the hits drawn over the article as a CSS
// highlight (highlight-layer.js: no box, so the text never moves), the count ("3 of
// 14"), next and previous (Enter, Shift+Enter, F3, Shift+F3), and the corpus results
// listed by document with their context. The core finds the hits (`search`), with
// offsets exact whatever the script; a pattern it cannot search for is reported with
// the core's message and changes nothing.

import { openDocument } from './documents.js';
import { HighlightLayer, onDocumentRendered, scrollToSpan } from './highlight-layer.js';
import { quote, setStatus } from './messages.js';
import { state } from './state.js';

const $ = (id) => document.getElementById(id);
// Rows the results list builds at most (the count tells the rest).
const LISTED_PER_DOCUMENT = 50;
const LISTED = 400;
// Milliseconds of quiet typing before a search runs.
const TYPING_MS = 150;

const find = {
  input: null,
  /** The last search that ran: `{pattern, options, scope, result}`, or null. */
  last: null,
  /** Every hit of the last search, in document order: `{docId, startUtf16, endUtf16, …}`. */
  hits: [],
  /** The index of the current hit in `hits`, or -1. */
  at: -1,
  hitLayer: null,
  currentLayer: null,
  timer: 0,
};

/** Wires the find bar once at start-up. */
export function wireSearch() {
  find.input = $('find-input');
  find.hitLayer = new HighlightLayer('spanmark-hit', 1);
  find.currentLayer = new HighlightLayer('spanmark-hit-current', 2, { eager: true });
  find.input.addEventListener('input', () => {
    clearTimeout(find.timer);
    find.timer = setTimeout(() => run(), TYPING_MS);
  });
  find.input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === 'F3') {
      e.preventDefault();
      if (find.timer || !find.last || find.last.pattern !== find.input.value) {
        clearTimeout(find.timer);
        run();
      }
      step(e.shiftKey ? -1 : 1);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      closeSearch();
    } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
      e.preventDefault();
      find.input.select();
    }
  });
  for (const id of ['find-regex', 'find-case', 'find-word', 'find-scope']) $(id).addEventListener('change', () => run());
  $('find-next').addEventListener('click', () => step(1));
  $('find-prev').addEventListener('click', () => step(-1));
  $('find-results-close').addEventListener('click', () => {
    $('find-results').hidden = true;
  });
  $('find-results').addEventListener('click', (e) => {
    const b = e.target.closest('[data-hit]');
    if (b) goTo(Number(b.dataset.hit));
  });
  onDocumentRendered(showOpenDocumentHits);
}

/** Focuses the find bar with its text selected (Ctrl+F, /). */
export function focusSearch() {
  // Below 1024 px the row shows only when asked for (style.css).
  find.input.closest('.find-row').classList.add('open');
  find.input.focus();
  find.input.select();
}

/**
 * The find bar's keys outside it: Ctrl+F and / focus it, F3 and Shift+F3 step through
 * the hits. Returns whether the key was used.
 */
export function searchKey(e) {
  const ctrl = e.ctrlKey || e.metaKey;
  if (ctrl && !e.altKey && e.key.toLowerCase() === 'f') {
    e.preventDefault();
    focusSearch();
    return true;
  }
  if (ctrl || e.altKey) return false;
  if (e.key === '/' && !e.shiftKey) {
    e.preventDefault();
    focusSearch();
    return true;
  }
  if (e.key === 'F3') {
    e.preventDefault();
    if (!find.last && find.input.value) run();
    step(e.shiftKey ? -1 : 1);
    return true;
  }
  return false;
}

function options() {
  return {
    regex: $('find-regex').checked,
    ignoreCase: $('find-case').checked,
    wholeWord: $('find-word').checked,
  };
}

/** Runs the search the find bar describes. */
function run() {
  find.timer = 0;
  const pattern = find.input.value;
  const scope = $('find-scope').value;
  const count = $('find-count');
  if (!pattern) {
    reset();
    count.textContent = '';
    delete count.dataset.error;
    find.input.removeAttribute('aria-invalid');
    return;
  }
  if (scope === 'document' && !state.openDocId) {
    count.textContent = 'Open a document, or search all documents.';
    return;
  }
  let result;
  try {
    result = state.core.search(scope === 'document' ? state.openDocId : null, pattern, options());
  } catch (err) {
    // A pattern the core cannot search for: say why, and leave the hits as they were.
    count.textContent = err.message;
    count.title = err.message;
    count.dataset.error = 'true';
    find.input.setAttribute('aria-invalid', 'true');
    setStatus(`Nothing searched: ${err.message}`);
    return;
  }
  delete count.dataset.error;
  count.removeAttribute('title');
  find.input.removeAttribute('aria-invalid');
  find.last = { pattern, scope, docId: scope === 'document' ? state.openDocId : null, result };
  find.hits = result.documents.flatMap((d) => d.hits);
  // Start from the first hit at or after the screen's top in the open document, as a browser's find does.
  find.at = -1;
  showOpenDocumentHits();
  renderResults();
  updateCount();
}

function reset() {
  find.last = null;
  find.hits = [];
  find.at = -1;
  find.hitLayer.clear();
  find.currentLayer.clear();
  $('find-results').hidden = true;
}

/** Esc in the find bar: the hits go away and the focus returns to the article. */
function closeSearch() {
  reset();
  find.input.closest('.find-row').classList.remove('open');
  $('find-count').textContent = '';
  state.view?.root.focus({ preventScroll: true });
}

/** Draws the hits of the open document (after a search, or when another document is drawn). */
function showOpenDocumentHits() {
  if (!find.last) {
    find.hitLayer.clear();
    find.currentLayer.clear();
    return;
  }
  if (find.last.scope === 'document' && find.last.docId !== state.openDocId && state.openDocId) {
    // Another document is open: search it instead.
    try {
      const result = state.core.search(state.openDocId, find.last.pattern, options());
      find.last = { ...find.last, docId: state.openDocId, result };
      find.hits = result.documents.flatMap((d) => d.hits);
      find.at = -1;
      updateCount();
    } catch {
      reset();
      return;
    }
  }
  const here = find.hits.filter((h) => h.docId === state.openDocId);
  find.hitLayer.set(here);
  const current = find.hits[find.at];
  find.currentLayer.set(current && current.docId === state.openDocId ? [current] : []);
}

function updateCount() {
  const count = $('find-count');
  const total = find.hits.length;
  const truncated = find.last?.result.truncated ? '+' : '';
  if (!find.last) count.textContent = '';
  else if (total === 0) count.textContent = 'No hits';
  else if (find.at < 0) count.textContent = `${total.toLocaleString('en')}${truncated} hit${total === 1 ? '' : 's'}${find.last.scope === 'corpus' ? ` in ${find.last.result.documents.length} document${find.last.result.documents.length === 1 ? '' : 's'}` : ''}`;
  else count.textContent = `${(find.at + 1).toLocaleString('en')} of ${total.toLocaleString('en')}${truncated}`;
  count.dataset.at = String(find.at + 1);
  count.dataset.total = String(total);
}

/** Moves `by` hits on (-1: back), wrapping around. */
function step(by) {
  if (!find.hits.length) return;
  let next;
  if (find.at < 0) {
    // The first step goes to the first hit of the open document (the last, backwards), or the corpus's first.
    const here = find.hits.map((h, i) => [h, i]).filter(([h]) => h.docId === state.openDocId);
    next = here.length ? (by > 0 ? here[0][1] : here[here.length - 1][1]) : by > 0 ? 0 : find.hits.length - 1;
  } else next = (find.at + by + find.hits.length) % find.hits.length;
  goTo(next);
}

/** Makes hit `index` the current one: opens its document if needed and scrolls it into view. */
async function goTo(index) {
  const hit = find.hits[index];
  if (!hit) return;
  find.at = index;
  updateCount();
  markListed();
  if (hit.docId !== state.openDocId) {
    try {
      await openDocument(hit.docId);
    } catch (err) {
      setStatus(`That document could not be opened: ${err.message}`);
      return;
    }
    if (find.hits[find.at] !== hit) return;
  }
  find.currentLayer.set([hit]);
  setStatus(`Hit ${find.at + 1} of ${find.hits.length}: ${quote(hit.text)} (Enter or F3 next, Shift+Enter or Shift+F3 previous).`);
  await scrollToSpan(hit.startUtf16, hit.endUtf16);
  // The view draws blocks as they come near: draw the current hit's ranges again on what is laid out now.
  if (find.hits[find.at] === hit) find.currentLayer.set([hit]);
}

/** Lists the corpus results by document, with each hit's context (a bounded number of rows). */
function renderResults() {
  const box = $('find-results');
  const list = $('find-results-list');
  if (!find.last || find.last.scope !== 'corpus' || find.hits.length === 0) {
    box.hidden = true;
    list.replaceChildren();
    return;
  }
  const { result } = find.last;
  $('find-results-title').textContent = `${result.total.toLocaleString('en')}${result.truncated ? '+' : ''} hits in ${result.documents.length} document${result.documents.length === 1 ? '' : 's'}`;
  const frag = document.createDocumentFragment();
  let index = 0;
  let listed = 0;
  for (const d of result.documents) {
    const section = document.createElement('li');
    const head = document.createElement('h3');
    head.textContent = `${d.title || d.docId} (${d.hits.length})`;
    const hits = document.createElement('ol');
    for (let k = 0; k < d.hits.length; k++, index++) {
      if (k >= LISTED_PER_DOCUMENT || listed >= LISTED) continue;
      listed++;
      const h = d.hits[k];
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'find-hit';
      b.dataset.hit = String(index);
      const m = document.createElement('mark');
      m.textContent = h.text;
      b.append(h.before, m, h.after);
      li.append(b);
      hits.append(li);
    }
    if (d.hits.length > LISTED_PER_DOCUMENT || listed >= LISTED) {
      const more = document.createElement('li');
      more.className = 'hint';
      more.textContent = 'More hits: step through them with Enter or F3.';
      hits.append(more);
    }
    section.append(head, hits);
    frag.append(section);
  }
  list.replaceChildren(frag);
  box.hidden = false;
}

function markListed() {
  for (const b of document.querySelectorAll('#find-results .find-hit[aria-current]')) b.removeAttribute('aria-current');
  document.querySelector(`#find-results .find-hit[data-hit="${find.at}"]`)?.setAttribute('aria-current', 'true');
}

/** What the end-to-end tests read: the hits' count, the current one, and the Ranges built. */
export function searchState() {
  return { total: find.hits.length, at: find.at, built: find.hitLayer.built, current: find.currentLayer.built };
}
