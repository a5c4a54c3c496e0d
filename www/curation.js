// Curation: building the gold layer (the analyst's own) from two layers A and B. The
// curation panel steps through their disagreements one by one, each shown in its
// document with both layers; one key decides each, and writes the gold layer as one
// undoable step (two when a span's boundaries change: the old span goes, the new one comes):
//
//   A  accept A's span      B  accept B's span      2  both      0  neither
//   → or N  next            ← or P  previous        Ctrl+Z / Ctrl+Shift+Z  undo / redo a decision
//   Esc  close
//
// Accepting one side makes the gold layer hold that side's span and not the other's;
// "both" holds both; "neither" removes from the gold layer the spans either side had.
// While the panel is open it owns the keyboard. "Accept all agreements" adds, in one
// step, every span A and B agree on exactly (same start, end and label).

import { changed, editable, travel } from './commands.js';
import { renderDocumentList, updateDocumentCount } from './documents.js';
import { KINDS, sideText } from './agreement.js';
import { clearSpot, el, openAt } from './layers.js';
import { hideMessage, quote, setStatus, showMessage } from './messages.js';
import { state } from './state.js';

const CHOICES = {
  a: 'accepted A’s',
  b: 'accepted B’s',
  both: 'kept both',
  neither: 'kept neither',
};

let panel = null;
let session = null; // {a, b, items, index, decided: Map, done: [], undone: []}

/** Layer `layer`'s annotations of document `docId`, or null where it has none. */
function annotationsOf(docId, layer) {
  try {
    return state.core.layerAnnotations(docId, layer);
  } catch {
    return null;
  }
}

/** The analyst's own annotations with exactly span `s` (start, end, label). */
function ownAt(docId, s) {
  return state.core.annotationsAt(docId, s.startUtf16).filter((x) => x.startUtf16 === s.startUtf16 && x.endUtf16 === s.endUtf16 && x.label === s.label);
}

/** After the gold layer changed outside undo/redo: redraw the open document and save. */
function redrawGold(docId) {
  if (state.openDocId === docId) {
    state.view.refresh(0, state.view.blocks.length);
    state.annotationList.render();
    updateDocumentCount(docId);
  }
  renderDocumentList();
  changed();
}

/**
 * Adds every span layers `a` and `b` agree on exactly to the gold layer, as one
 * undoable step. Returns how many were added.
 */
export function acceptAgreements(a, b) {
  if (!editable()) return 0;
  const items = [];
  for (const d of state.core.documents()) {
    const xs = annotationsOf(d.id, a);
    const ys = annotationsOf(d.id, b);
    if (!xs || !ys) continue;
    const key = (s) => `${s.startUtf16}:${s.endUtf16}:${s.label}`;
    const inB = new Set(ys.map(key));
    for (const x of xs) if (inB.has(key(x))) items.push([d.id, x.startUtf16, x.endUtf16, x.label]);
  }
  let added = 0;
  try {
    added = items.length ? state.core.addSpans(items, `Accept ${a} and ${b}'s agreements`) : 0;
  } catch (err) {
    showMessage('error', `The agreements were not accepted: ${err.message}.`, ['Nothing changed.']);
    return 0;
  }
  if (added) {
    if (state.openDocId) redrawGold(state.openDocId);
    else changed();
  }
  setStatus(
    added
      ? `Accepted ${added} span(s) ${a} and ${b} agree on into your layer, in one step (Undo takes it back); ${items.length - added} were there already.`
      : `Nothing to add: ${items.length ? `all ${items.length} span(s) ${a} and ${b} agree on are in your layer already` : `${a} and ${b} agree on no span`}.`,
  );
  return added;
}

/** Writes decision `choice` for disagreement `d` into the gold layer. Returns the number of undoable steps it took. */
function write(d, choice) {
  const wanted = (choice === 'a' ? [d.a] : choice === 'b' ? [d.b] : choice === 'both' ? [d.a, d.b] : []).filter(Boolean);
  const same = (x, y) => x.startUtf16 === y.startUtf16 && x.endUtf16 === y.endUtf16 && x.label === y.label;
  const dropped = [d.a, d.b].filter((s) => s && !wanted.some((w) => same(w, s)));
  const remove = dropped.flatMap((s) => ownAt(d.docId, s));
  const add = wanted.filter((s) => ownAt(d.docId, s).length === 0);
  const summary = `Curate: ${CHOICES[choice]}${d.title ? ` in ${quote(d.title)}` : ''}`;
  // The same span with the other label: one relabel.
  if (remove.length === 1 && add.length === 1 && remove[0].startUtf16 === add[0].startUtf16 && remove[0].endUtf16 === add[0].endUtf16) {
    const r = state.core.relabelAnnotation(d.docId, remove[0].id, add[0].label);
    if (r.changed) return 1;
  }
  let steps = 0;
  for (const r of remove) {
    state.core.removeAnnotation(d.docId, r.id);
    steps++;
  }
  if (add.length && state.core.addSpans(add.map((s) => [d.docId, s.startUtf16, s.endUtf16, s.label]), summary)) steps++;
  return steps;
}

function build() {
  const button = (attrs, key, text) => el('button', { type: 'button', ...attrs, 'aria-keyshortcuts': key }, el('kbd', {}, key === 'ArrowLeft' ? '←' : key === 'ArrowRight' ? '→' : key), ` ${text}`);
  const close = el('button', { type: 'button', className: 'curation-close', 'aria-keyshortcuts': 'Escape' }, 'Close (Esc)');
  close.addEventListener('click', closeCuration);
  panel = el(
    'dialog',
    { id: 'curation', className: 'curation', 'aria-labelledby': 'curation-title' },
    el('div', { className: 'curation-head' }, el('h2', { id: 'curation-title' }, 'Curation'), close),
    el('p', { id: 'curation-progress', className: 'curation-progress', 'aria-live': 'polite' }),
    el('p', { id: 'curation-context', className: 'curation-context' }),
    el('div', { className: 'curation-sides' }, el('p', { id: 'curation-a', className: 'curation-side a' }), el('p', { id: 'curation-b', className: 'curation-side b' })),
    el(
      'div',
      { className: 'curation-actions', role: 'group', 'aria-label': 'Decision' },
      button({ 'data-choice': 'a' }, 'A', 'Accept A’s'),
      button({ 'data-choice': 'b' }, 'B', 'Accept B’s'),
      button({ 'data-choice': 'both' }, '2', 'Both'),
      button({ 'data-choice': 'neither' }, '0', 'Neither'),
      button({ 'data-move': '-1', className: 'curation-move' }, 'ArrowLeft', 'Previous'),
      button({ 'data-move': '1', className: 'curation-move' }, 'ArrowRight', 'Next'),
    ),
    el('p', { className: 'curation-keys hint' }, 'Keys: A, B, 2 (both), 0 (neither); ← → move; Ctrl+Z undoes a decision; Esc closes. Your layer is the gold layer: export it from the agreement view.'),
  );
  document.body.append(panel);
  panel.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-choice], button[data-move]');
    if (!b) return;
    if (b.dataset.choice) decide(b.dataset.choice);
    else move(Number(b.dataset.move));
  });
  panel.addEventListener('close', () => {
    document.removeEventListener('keydown', onKey, true);
    clearSpot();
    session = null;
  });
}

function render() {
  const { a, b, items, index, decided } = session;
  const d = items[index];
  const count = decided.size;
  panel.querySelector('#curation-title').textContent = `Curation of ${a} (A) and ${b} (B) into your gold layer`;
  panel.querySelector('#curation-progress').textContent =
    `${index + 1} of ${items.length} · ${KINDS[d.kind] ?? d.kind} · ${quote(d.title)}` +
    (decided.has(index) ? ` · decided: ${CHOICES[decided.get(index)]}` : '') +
    ` · ${count} decided`;
  const spans = [d.a, d.b].filter(Boolean);
  const text = spans.length === 2 && spans[0].startUtf16 === spans[1].startUtf16 && spans[0].endUtf16 === spans[1].endUtf16 ? [spans[0]] : spans;
  panel.querySelector('#curation-context').replaceChildren(`…${d.before}`, ...text.map((s) => el('mark', { className: 'dis-span' }, s.text)), `${d.after}…`);
  panel.querySelector('#curation-a').textContent = sideText('A', a, d.a);
  panel.querySelector('#curation-b').textContent = sideText('B', b, d.b);
  for (const btn of panel.querySelectorAll('button[data-choice]')) btn.setAttribute('aria-pressed', decided.get(index) === btn.dataset.choice ? 'true' : 'false');
}

async function show(index) {
  session.index = index;
  render();
  const d = session.items[index];
  const sides = [d.a, d.b].filter(Boolean);
  await openAt(d.docId, Math.min(...sides.map((s) => s.startUtf16)), Math.max(...sides.map((s) => s.endUtf16)), [session.a, session.b]);
}

function move(step) {
  if (!session) return;
  const next = session.index + step;
  if (next < 0 || next >= session.items.length) {
    setStatus(step > 0 ? 'That was the last disagreement.' : 'That was the first disagreement.');
    return;
  }
  show(next);
}

function decide(choice) {
  if (!session || !editable()) return;
  const { index, items } = session;
  const d = items[index];
  let steps;
  try {
    steps = write(d, choice);
  } catch (err) {
    setStatus(`Nothing changed: ${err.message}.`);
    return;
  }
  session.decided.set(index, choice);
  session.done.push({ index, choice, steps });
  session.undone = [];
  if (steps) redrawGold(d.docId);
  const left = items.length - session.decided.size;
  setStatus(`${index + 1} of ${items.length}: ${CHOICES[choice]}${steps ? '' : ' (your layer had it so already)'}. ${left ? `${left} left.` : 'Every disagreement is decided: your layer is the gold layer.'}`);
  const next = items.findIndex((_, i) => i > index && !session.decided.has(i));
  if (next >= 0) show(next);
  else render();
}

/**
 * Ctrl+Z in the panel (`direction` 'undo'): the last decision's steps are undone and the
 * panel goes back to it; Ctrl+Shift+Z ('redo') does it again. Without one: the page's undo or redo.
 */
function replay(direction) {
  const [from, to] = direction === 'undo' ? [session.done, session.undone] : [session.undone, session.done];
  const last = from.pop();
  if (!last) {
    travel(direction);
    return;
  }
  for (let i = 0; i < last.steps; i++) travel(direction);
  if (direction === 'undo') session.decided.delete(last.index);
  else session.decided.set(last.index, last.choice);
  to.push(last);
  show(last.index);
  setStatus(`${direction === 'undo' ? 'Undid' : 'Redid'} the decision on ${last.index + 1} of ${session.items.length} (${CHOICES[last.choice]}).`);
}

const TEXT_INPUTS = new Set(['text', 'search', 'email', 'url', 'tel', 'password', 'number']);

// The panel owns the keyboard while it is open (in the capture phase, before the page's keys).
function onKey(e) {
  if (!session || e.altKey) return;
  if ((e.target instanceof HTMLInputElement && TEXT_INPUTS.has(e.target.type)) || e.target instanceof HTMLTextAreaElement) return;
  // Another dialog over the panel (the analyst's name) keeps its keys.
  if ([...document.querySelectorAll('dialog[open]')].some((d) => d !== panel)) return;
  const key = e.key.toLowerCase();
  let act = null;
  if (e.ctrlKey || e.metaKey) {
    if (key === 'z' && !e.shiftKey) act = () => replay('undo');
    else if ((key === 'z' && e.shiftKey) || key === 'y') act = () => replay('redo');
  } else if (!e.shiftKey || key === 'a' || key === 'b') {
    act = {
      a: () => decide('a'),
      b: () => decide('b'),
      2: () => decide('both'),
      0: () => decide('neither'),
      arrowright: () => move(1),
      n: () => move(1),
      arrowleft: () => move(-1),
      p: () => move(-1),
      escape: closeCuration,
    }[key];
  }
  if (!act) return;
  e.preventDefault();
  e.stopPropagation();
  act();
}

export function closeCuration() {
  if (panel?.open) panel.close();
  setStatus('Curation closed. Your layer holds the gold annotations: export it from the agreement view, or with Export.');
}

/** Opens the curation panel for layers `a` and `b`, at their first disagreement. */
export async function openCuration(a, b) {
  if (!editable()) return;
  const items = state.core.disagreements(a, b);
  if (!items.length) {
    showMessage('info', `${a} and ${b} do not disagree anywhere: there is nothing to curate.`, ['“Accept all agreements” in the agreement view adds what they agree on to your layer.']);
    return;
  }
  if (!panel) build();
  hideMessage();
  session = { a, b, items, index: 0, decided: new Map(), done: [], undone: [] };
  if (!panel.open) panel.show();
  document.removeEventListener('keydown', onKey, true);
  document.addEventListener('keydown', onKey, true);
  await show(0);
  panel.querySelector('button[data-choice="a"]').focus({ preventScroll: true });
  setStatus(`Curating ${a} and ${b}: ${items.length} disagreement(s). A, B, 2 (both) or 0 (neither) decides each.`);
}
