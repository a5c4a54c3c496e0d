// The details panel, above the annotation list: the selected annotation (its label, quote,
// note, attributes and relations) or a relation (its type, ends, note and attributes),
// edited in place. Each edit is one undoable step; a note is saved when its field is left
// or with Ctrl+Enter, never per keystroke. Esc in the panel goes back to the highlight.

import { changed, editable, redrawAfter, relabel, selectAnnotation } from './commands.js';
import { h, rebuildKeepingFocus } from './elements.js';
import { quote, setStatus } from './messages.js';
import { labels } from './palette.js';
import { state } from './state.js';

const $ = (id) => document.getElementById(id);

// What the panel shows: {kind: 'annotation' | 'relation', docId, id}, or null.
let shown = null;
// The last refusal of the core, shown until the next edit or another item.
let refusal = '';
let rendering = 0;

function reader() {
  return state.readOnly || document.body.dataset.role === 'reader';
}

/** Shows annotation `id` of the open document in the panel (null: hides what it shows, unless that is the selected relation). */
export function showAnnotationDetails(id) {
  if (id) show({ kind: 'annotation', docId: state.openDocId, id });
  else if (shown && !(shown.kind === 'relation' && shown.id === state.selectedRelationId)) show(null);
}

/** Shows relation `relId` of the open document in the panel: its type, ends, note and attributes (null: hides the relation shown, if one is). */
export function showRelationDetails(relId) {
  if (relId) show({ kind: 'relation', docId: state.openDocId, id: relId });
  else if (shown?.kind === 'relation') show(null);
}

/** Empties and hides the panel. */
export function clearDetails() {
  show(null);
}

function show(item) {
  if (item?.kind !== shown?.kind || item?.id !== shown?.id) refusal = '';
  shown = item;
  render();
}

/**
 * Shows the panel's item again after a change: `effects` of an undo or redo (or of an
 * edit made elsewhere), or none for an edit of the open document in place. Gone, or in
 * another document, the item goes. An undo or redo lets go of the selection: the item
 * stays (selected again) only when the step was about it (its details, the document's
 * relations, the schema).
 */
export function refreshDetails(effects = null) {
  if (!shown) return;
  const about = (e) => e.kind === 'schema' || (e.docId === shown.docId && (e.kind === 'relations' || (e.kind === 'details' && e.itemKind === shown.kind && e.id === shown.id)));
  const kept = !effects || effects.some(about) || (shown.kind === 'annotation' && state.view.selectedId === shown.id);
  if (shown.docId !== state.openDocId || !lookUp(shown) || !kept) {
    show(null);
    return;
  }
  if (shown.kind === 'annotation' && state.view.selectedId !== shown.id) {
    state.view.select(shown.id);
    state.annotationList.markSelected(shown.id);
  }
  later();
}

/** Moves the focus into the panel (its first control), if it shows something. Returns whether it did. */
export function focusDetails() {
  const panel = $('details-panel');
  if (panel.hidden) return false;
  const first = panel.querySelector('select:not([disabled]), textarea:not([disabled]), input:not([disabled]), button:not([disabled])');
  first?.focus();
  return Boolean(first);
}

function lookUp(item) {
  try {
    return item.kind === 'annotation' ? state.core.annotation(item.docId, item.id) : state.core.relation(item.docId, item.id);
  } catch {
    return null;
  }
}

// ---- Edits ----------------------------------------------------------------------------

/** Runs one edit of the shown item through the core; a refusal is quoted in the panel and changes nothing. */
function edit(failure, run, said, effects) {
  if (!editable()) return;
  try {
    run();
  } catch (err) {
    refusal = `${failure}: “${err.message}”. Nothing changed.`;
    later();
    return;
  }
  refusal = '';
  redrawAfter(effects);
  changed();
  setStatus(`${said} Undo (Ctrl+Z) takes it back.`);
  later();
}

function setNote(item, text) {
  const note = text.trim() ? text : null;
  const current = lookUp(item)?.extra?.note ?? null;
  if ((current ?? '') === (note ?? '')) return;
  edit('The note was not saved', () => state.core.setNote(item.docId, item.kind, item.id, note), note ? 'Note saved.' : 'Note cleared.', [{ kind: 'details', docId: item.docId, itemKind: item.kind, id: item.id }]);
}

function setAttribute(item, def, value) {
  edit(
    `${def.name} was not set`,
    () => state.core.setAttribute(item.docId, item.kind, item.id, def.id, value),
    value === null ? `Cleared ${def.name}.` : `${def.name}: ${def.kind === 'boolean' ? 'yes' : quote(value)}.`,
    [{ kind: 'details', docId: item.docId, itemKind: item.kind, id: item.id }],
  );
}

function setRelationType(docId, rel, type) {
  edit(`The relation stays ${rel.type}`, () => state.core.setRelationType(docId, rel.id, type), `The relation is ${type} now.`, [{ kind: 'relations', docId }]);
}

function removeRelation(docId, rel) {
  if (state.selectedRelationId === rel.id) state.selectedRelationId = null;
  edit('The relation was not removed', () => state.core.removeRelation(docId, rel.id), `Removed the relation ${rel.type} between ${quote(rel.from.text)} and ${quote(rel.to.text)}.`, [{ kind: 'relations', docId }]);
}

/** Selects the annotation at the other end of a relation and scrolls to it; the focus stays in the panel. */
function jumpTo(id) {
  selectAnnotation(id, { scroll: true });
}

// ---- Rendering ------------------------------------------------------------------------

/** Renders once the focus has moved on (a change event fires as a field is left), so that the focus can be kept. */
function later() {
  if (rendering) return;
  rendering = setTimeout(() => {
    rendering = 0;
    render();
  });
}

function render() {
  const panel = $('details-panel');
  const item = shown && shown.docId === state.openDocId ? lookUp(shown) : null;
  if (!item) shown = null;
  const wasHidden = panel.hidden;
  panel.hidden = !item;
  if (wasHidden !== panel.hidden) state.annotationList.scheduleAfterPaint();
  if (!item) {
    $('details-body').replaceChildren();
    return;
  }
  const schema = state.core.schema();
  rebuildKeepingFocus($('details-body'), () => [
    ...(shown.kind === 'annotation' ? annotationParts(item, schema) : relationParts(item, schema)),
    h('p', { className: 'details-error', role: 'alert', hidden: !refusal }, refusal),
  ]);
}

function chip(labelId) {
  const c = h('span', { className: 'chip' }, labels.get(labelId)?.shownId ?? labelId);
  c.style.setProperty('--label-color', state.view.color(labelId));
  c.style.setProperty('--label-text', state.view.textColor(labelId));
  return c;
}

function annotationParts(a, schema) {
  const item = { kind: 'annotation', docId: shown.docId, id: a.id };
  const label = h(
    'select',
    {
      id: 'details-label',
      dataset: { key: 'label' },
      disabled: reader(),
      on: {
        change: (e) => {
          relabel(a.id, e.target.value);
          later();
        },
      },
    },
    ...[...labels.values()].map((l) => h('option', { value: l.id, selected: l.id === a.label }, `${l.shownId} (${l.shownName})`)),
  );
  if (!labels.has(a.label)) label.prepend(h('option', { value: a.label, selected: true }, a.label));
  return [
    h('p', { className: 'details-what' }, chip(a.label), ' ', h('span', {}, 'Annotation'), a.suggested ? h('span', { className: 'badge' }, 'suggested') : null),
    h('div', { className: 'details-field' }, h('label', { htmlFor: 'details-label' }, 'Label'), label),
    h('p', { className: 'details-quote' }, h('q', {}, a.text)),
    noteField(item, a.extra?.note),
    attributeFields(item, a.label, a.extra?.attributes ?? {}, schema),
    relationsOf(a, schema),
  ];
}

function noteField(item, note) {
  const area = h('textarea', {
    id: 'details-note',
    rows: 3,
    value: note ?? '',
    dataset: { key: 'note', keepDraft: 'true' },
    disabled: reader(),
    'aria-describedby': 'details-note-hint',
    on: { blur: (e) => setNote(item, e.target.value) },
  });
  return h(
    'div',
    { className: 'details-field' },
    h('label', { htmlFor: 'details-note' }, 'Note'),
    area,
    h('p', { id: 'details-note-hint', className: 'hint' }, 'Saved when you leave the field, or with Ctrl+Enter.'),
  );
}

/** The attributes that apply to `target` (a label or relation type id), as their kinds say, and any others the item carries. */
function attributeFields(item, target, values, schema) {
  const applies = schema.attributes.filter((d) => d.appliesTo.length === 0 || d.appliesTo.includes(target));
  const rows = applies.map((d) => {
    const key = `attr:${d.id}`;
    const value = values[d.id] ?? null;
    if (d.kind === 'boolean') {
      return h(
        'label',
        { className: 'details-check' },
        h('input', { type: 'checkbox', checked: value === 'true', dataset: { key }, disabled: reader(), on: { change: (e) => setAttribute(item, d, e.target.checked ? 'true' : null) } }),
        ' ',
        d.name,
      );
    }
    const id = `details-attr-${d.id}`;
    let control;
    if (d.kind === 'oneOf') {
      control = h(
        'select',
        { id, dataset: { key }, disabled: reader(), on: { change: (e) => setAttribute(item, d, e.target.value || null) } },
        h('option', { value: '', selected: value === null }, '(not set)'),
        ...(d.values ?? []).map((v) => h('option', { value: v, selected: v === value }, v)),
      );
      if (value !== null && !(d.values ?? []).includes(value)) control.append(h('option', { value, selected: true }, value));
    } else {
      control = h('input', { type: 'text', id, value: value ?? '', autocomplete: 'off', dataset: { key }, disabled: reader(), on: { change: (e) => setAttribute(item, d, e.target.value.trim() ? e.target.value : null) } });
    }
    return h('div', { className: 'details-field' }, h('label', { htmlFor: id }, d.name), control);
  });
  // Values of attributes that do not apply (any more): shown, and can be cleared.
  const known = new Set(applies.map((d) => d.id));
  const others = Object.entries(values)
    .filter(([name]) => !known.has(name))
    .map(([name, value]) =>
      h(
        'li',
        {},
        `${name}: ${value} `,
        h('button', { type: 'button', 'aria-label': `Clear ${name}`, dataset: { key: `attr-clear:${name}` }, disabled: reader(), on: { click: () => setAttribute(item, { id: name, name, kind: 'text' }, null) } }, 'Clear'),
      ),
    );
  if (!rows.length && !others.length) return null;
  return h('fieldset', { className: 'details-attributes' }, h('legend', {}, 'Attributes'), ...rows, others.length ? h('ul', { className: 'details-other' }, ...others) : null);
}

function typeSelect(rel, schema, label) {
  const select = h(
    'select',
    { 'aria-label': label, dataset: { key: `rel:${rel.id}:type` }, disabled: reader(), on: { change: (e) => setRelationType(shown.docId, rel, e.target.value) } },
    ...schema.relationTypes.map((t) => h('option', { value: t.id, selected: t.id === rel.type, title: t.shownName }, t.id)),
  );
  if (!schema.relationTypes.some((t) => t.id === rel.type)) select.prepend(h('option', { value: rel.type, selected: true }, rel.type));
  return select;
}

function endButton(rel, end, key) {
  const text = `${labels.get(end.label)?.shownId ?? end.label} “${end.text}”`;
  return h('button', { type: 'button', className: 'details-end', title: `Go to ${text}`, dataset: { key }, on: { click: () => jumpTo(end.id) } }, text);
}

function isDirected(type, schema) {
  return schema.relationTypes.find((t) => t.id === type)?.directed ?? true;
}

/** The relations of annotation `a`: type (a select), the other end (a button that goes there), and a remove button. */
function relationsOf(a, schema) {
  let rels;
  try {
    rels = state.core.relationsOf(shown.docId, a.id);
  } catch {
    rels = [];
  }
  const rows = rels.map((rel) => {
    const outgoing = rel.from.id === a.id;
    const other = outgoing ? rel.to : rel.from;
    const arrow = !isDirected(rel.type, schema) ? '↔' : outgoing ? '→' : '←';
    return h(
      'li',
      { className: 'details-relation' },
      typeSelect(rel, schema, `Type of the relation with “${other.text}”`),
      h('span', { className: 'details-arrow', 'aria-label': arrow === '↔' ? 'with' : outgoing ? 'to' : 'from' }, arrow),
      endButton(rel, other, `rel:${rel.id}:end`),
      h(
        'button',
        { type: 'button', className: 'details-remove', 'aria-label': `Remove the relation ${rel.type} with “${other.text}”`, dataset: { key: `rel:${rel.id}:remove` }, disabled: reader(), on: { click: () => removeRelation(shown.docId, rel) } },
        'Remove',
      ),
    );
  });
  return h(
    'section',
    { className: 'details-relations', 'aria-labelledby': 'details-relations-heading' },
    h('h3', { id: 'details-relations-heading' }, `Relations (${rels.length})`),
    rows.length ? h('ul', {}, ...rows) : h('p', { className: 'hint' }, 'No relations.'),
  );
}

function relationParts(rel, schema) {
  const item = { kind: 'relation', docId: shown.docId, id: rel.id };
  const directed = isDirected(rel.type, schema);
  return [
    h('p', { className: 'details-what' }, h('span', {}, 'Relation')),
    h('div', { className: 'details-field' }, h('label', { htmlFor: 'details-type' }, 'Type'), Object.assign(typeSelect(rel, schema, null), { id: 'details-type' })),
    h(
      'dl',
      { className: 'details-ends' },
      h('dt', {}, directed ? 'From' : 'Between'),
      h('dd', {}, endButton(rel, rel.from, 'end:from')),
      h('dt', {}, directed ? 'To' : 'and'),
      h('dd', {}, endButton(rel, rel.to, 'end:to')),
    ),
    noteField(item, rel.extra?.note),
    attributeFields(item, rel.type, rel.extra?.attributes ?? {}, schema),
    h(
      'p',
      {},
      h('button', { type: 'button', className: 'details-remove', dataset: { key: 'rel:remove' }, disabled: reader(), on: { click: () => removeRelation(shown.docId, rel) } }, 'Remove relation'),
    ),
  ];
}

// ---- Wiring ---------------------------------------------------------------------------

/**
 * The panel's own keys: Esc goes back to the highlight (the relation's first end), Ctrl+Enter
 * saves the note; other keys belong to the panel's controls, not to the article's hotkeys.
 */
export function wireDetails() {
  const panel = $('details-panel');
  // The relation view shows a selected relation here (relations.js, selectRelation).
  state.showRelationDetails = showRelationDetails;
  // A tab that becomes the writer (or a reader) enables (or disables) the panel's controls.
  new MutationObserver(later).observe(document.body, { attributes: true, attributeFilter: ['data-role'] });
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      const item = shown && lookUp(shown);
      if (!item) return;
      state.view.focusAnnotation(shown.kind === 'annotation' ? item.id : item.from.id);
      return;
    }
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && e.target.id === 'details-note') {
      e.preventDefault();
      if (shown) setNote({ ...shown }, e.target.value);
      return;
    }
    if (!e.ctrlKey && !e.metaKey && !e.altKey && e.key !== 'Tab') e.stopPropagation();
  });
}
