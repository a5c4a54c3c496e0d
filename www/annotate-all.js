// Annotate all: after the analyst tags a span, the status bar offers the other
// occurrences of its text not yet tagged so ("2 more here, 3 in other documents:
// Review…", Shift+A), unobtrusively; reviewing them opens a dialog that lists each with
// its context and a checkbox (all checked), with the options whole word, ignore case
// and scope, which ask the core again; Accept tags the checked ones as one undoable step
// (`annotateAll`), linked to the tagged annotation's entity when it has one.

import { changed, editable } from './commands.js';
import { renderDocumentList, updateDocumentCount } from './documents.js';
import { quote, setStatus } from './messages.js';
import { labels } from './palette.js';
import { state } from './state.js';

// Rows the dialog lists at most (the count tells the rest; unlisted ones are accepted too).
const LISTED = 500;

const offer = {
  /** The annotation the offer is about: `{docId, id, text, label}`, or null. */
  about: null,
  el: null,
  text: null,
  dialog: null,
  /** The occurrences the dialog shows now. */
  found: null,
  idle: 0,
};

/** Builds the offer in the status bar and the review dialog, and listens for new tags, once at start-up. */
export function wireAnnotateAll() {
  const bar = document.querySelector('.statusbar');
  offer.el = document.createElement('div');
  offer.el.className = 'offer';
  offer.el.id = 'offer';
  offer.el.hidden = true;
  offer.text = document.createElement('span');
  offer.text.id = 'offer-text';
  const review = document.createElement('button');
  review.type = 'button';
  review.id = 'offer-review';
  review.textContent = 'Review…';
  review.setAttribute('aria-keyshortcuts', 'Shift+A');
  review.title = 'Review the other occurrences and tag them in one step (Shift+A)';
  review.addEventListener('click', openReview);
  const dismiss = document.createElement('button');
  dismiss.type = 'button';
  dismiss.className = 'offer-dismiss';
  dismiss.textContent = '×';
  dismiss.setAttribute('aria-label', 'Dismiss the offer');
  dismiss.addEventListener('click', hideOffer);
  offer.el.append(offer.text, review, dismiss);
  bar.append(offer.el);
  buildDialog();
  // An undo that takes the tag back takes the offer with it.
  document.addEventListener('spanmark:changed', () => {
    if (offer.el.hidden || !offer.about) return;
    try {
      state.core.annotation(offer.about.docId, offer.about.id);
    } catch {
      hideOffer();
    }
  });
  document.addEventListener('spanmark:tagged', (e) => {
    hideOffer();
    const { docId, annotation } = e.detail;
    offer.about = { docId, id: annotation.id, text: annotation.text, label: annotation.label };
    // Counted once the page is idle: never on the tag's way to the next paint.
    if (offer.idle) cancelIdleCallback(offer.idle);
    offer.idle = requestIdleCallback(() => {
      offer.idle = 0;
      showOffer();
    }, { timeout: 500 });
  });
}

function labelName(id) {
  return labels.get(id)?.shownId ?? id;
}

function occurrences(options) {
  return state.core.occurrences(offer.about.docId, offer.about.id, options);
}

function plural(n, one, many = `${one}s`) {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

function showOffer() {
  if (!offer.about) return;
  let found;
  try {
    found = occurrences({ wholeWord: true, ignoreCase: false, scope: 'corpus' });
  } catch {
    return; // the annotation is gone (undone meanwhile)
  }
  if (found.here + found.elsewhere === 0) return;
  const parts = [];
  if (found.here) parts.push(`${found.here.toLocaleString('en')}${found.truncated ? '+' : ''} more here`);
  if (found.elsewhere) parts.push(`${found.elsewhere.toLocaleString('en')}${found.truncated ? '+' : ''} in other documents`);
  offer.text.textContent = `${quote(offer.about.text)}: ${parts.join(', ')}.`;
  offer.el.dataset.here = String(found.here);
  offer.el.dataset.elsewhere = String(found.elsewhere);
  offer.el.hidden = false;
}

function hideOffer() {
  offer.el.hidden = true;
}

/** Shift+A with an offer shown opens its review. Returns whether the key was used. */
export function annotateAllKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey || !e.shiftKey || e.key.toLowerCase() !== 'a') return false;
  if (offer.el.hidden || !offer.about) return false;
  e.preventDefault();
  openReview();
  return true;
}

/** Esc: the offer goes. Returns whether there was one. */
export function dismissOffer() {
  if (offer.el.hidden) return false;
  hideOffer();
  return true;
}

// ---- The review dialog ---------------------------------------------------------------------

function buildDialog() {
  const d = document.createElement('dialog');
  d.className = 'annotate-all-dialog';
  d.id = 'annotate-all-dialog';
  d.setAttribute('aria-labelledby', 'annotate-all-title');
  d.innerHTML = `
    <h2 id="annotate-all-title"></h2>
    <div class="annotate-all-options">
      <label class="toggle"><input id="aa-word" type="checkbox" checked> Whole word</label>
      <label class="toggle"><input id="aa-case" type="checkbox"> Ignore case</label>
      <label>In <select id="aa-scope"><option value="corpus">all documents</option><option value="document">this document</option></select></label>
    </div>
    <p id="aa-summary" class="aa-summary" role="status" aria-live="polite"></p>
    <label class="toggle aa-all"><input id="aa-all" type="checkbox" checked> All</label>
    <ol id="aa-list" class="aa-list" aria-label="Occurrences"></ol>
    <div class="dialog-actions">
      <button id="aa-cancel" type="button">Cancel</button>
      <button id="aa-accept" type="button" class="primary">Tag them</button>
    </div>`;
  document.body.append(d);
  offer.dialog = d;
  for (const id of ['aa-word', 'aa-case', 'aa-scope']) d.querySelector(`#${id}`).addEventListener('change', recompute);
  d.querySelector('#aa-cancel').addEventListener('click', () => d.close());
  d.querySelector('#aa-accept').addEventListener('click', acceptChecked);
  d.querySelector('#aa-all').addEventListener('change', (e) => {
    for (const box of d.querySelectorAll('#aa-list input[type="checkbox"]')) box.checked = e.target.checked;
    updateAcceptButton();
  });
  d.querySelector('#aa-list').addEventListener('change', updateAcceptButton);
}

function openReview() {
  if (!offer.about || !editable()) return;
  const d = offer.dialog;
  d.querySelector('#annotate-all-title').textContent = `Tag other occurrences of ${quote(offer.about.text)} as ${labelName(offer.about.label)}`;
  if (!recompute()) return;
  d.showModal();
  d.querySelector('#aa-accept').focus();
}

/** Asks the core again with the dialog's options and lists what it finds. Returns whether it could. */
function recompute() {
  const d = offer.dialog;
  let found;
  try {
    found = occurrences({
      wholeWord: d.querySelector('#aa-word').checked,
      ignoreCase: d.querySelector('#aa-case').checked,
      scope: d.querySelector('#aa-scope').value,
    });
  } catch (err) {
    setStatus(`Nothing to review: ${err.message}`);
    hideOffer();
    if (d.open) d.close();
    return false;
  }
  offer.found = found;
  const titles = new Map(state.core.documents().map((doc) => [doc.id, doc.shownTitle || doc.shownName]));
  const rows = document.createDocumentFragment();
  found.items.slice(0, LISTED).forEach((item, i) => {
    const li = document.createElement('li');
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = true;
    box.dataset.index = String(i);
    const context = document.createElement('span');
    context.className = 'aa-context';
    const m = document.createElement('mark');
    m.textContent = item.text;
    context.append(item.before, m, item.after);
    const where = document.createElement('span');
    where.className = 'aa-doc';
    where.textContent = item.docId === offer.about.docId ? 'this document' : titles.get(item.docId) ?? item.docId;
    label.append(box, ' ', context, where);
    li.append(label);
    rows.append(li);
  });
  d.querySelector('#aa-list').replaceChildren(rows);
  d.querySelector('#aa-all').checked = true;
  const more = found.items.length > LISTED ? ` (the first ${LISTED} are listed; the others are tagged with them when All is checked)` : '';
  d.querySelector('#aa-summary').textContent = found.items.length
    ? `${plural(found.items.length, 'occurrence')}${found.truncated ? '+' : ''} not yet tagged ${labelName(found.label)}: ${found.here} here, ${found.elsewhere} in other documents${more}.${found.entity ? ' They will be linked to the same entity.' : ''}`
    : 'No other occurrence with these options.';
  updateAcceptButton();
  return true;
}

function checkedItems() {
  const d = offer.dialog;
  const items = offer.found?.items ?? [];
  const picked = [...d.querySelectorAll('#aa-list input[type="checkbox"]')].filter((b) => b.checked).map((b) => items[Number(b.dataset.index)]);
  if (d.querySelector('#aa-all').checked) picked.push(...items.slice(LISTED));
  return picked;
}

function updateAcceptButton() {
  const n = checkedItems().length;
  const button = offer.dialog.querySelector('#aa-accept');
  button.textContent = n ? `Tag ${plural(n, 'occurrence')}` : 'Tag them';
  button.disabled = n === 0;
}

/** Tags the checked occurrences as one undoable step, linked to the entity if the first one had one. */
function acceptChecked() {
  const items = checkedItems();
  const found = offer.found;
  if (!items.length || !found || !editable()) return;
  let added;
  try {
    added = state.core.annotateAll(found.label, found.entity ?? null, items.map((x) => [x.docId, x.startUtf16, x.endUtf16]));
  } catch (err) {
    setStatus(`Nothing tagged: ${err.message}`);
    return;
  }
  offer.dialog.close();
  hideOffer();
  const docs = new Set(items.map((x) => x.docId));
  if (docs.has(state.openDocId)) state.view.refresh(0, state.view.blocks.length);
  for (const id of docs) updateDocumentCount(id);
  state.annotationList.render();
  renderDocumentList();
  changed();
  setStatus(`Tagged ${plural(added, 'more occurrence')} of ${quote(offer.about.text)} as ${labelName(found.label)} in ${plural(docs.size, 'document')}, as one step (Undo takes them back).`);
}
