// Relations in the page: the relation types and their buttons, linking two annotations (by
// mouse and by keyboard), the selected relation (remove, retype), and the wiring of the
// arcs (arcs.js) and the relation list (relation-list.js). The core checks every link
// against the schema and says why it refuses one; this module only asks.

import { Arcs } from './arcs.js';
import { quote, setStatus, showMessage } from './messages.js';
import { RelationList } from './relation-list.js';
import { state } from './state.js';
import { ui } from './ui.js';

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
  state.relationList?.renderSoon();
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
