// The schema editor: a dialog to add, rename, recolour, re-hotkey and remove labels, relation
// types and attributes. Every edit is one undoable step of the core's; a refusal is shown in
// the dialog, quoting the core, and changes nothing. Removing something in use says first
// how much uses it, and asks.

import { changed, editable, redrawAfter, travel } from './commands.js';
import { count, h, rebuildKeepingFocus } from './elements.js';
import { setStatus, statusText } from './messages.js';
import { state } from './state.js';

const $ = (id) => document.getElementById(id);

// What the dialog shows besides the schema: the removal waiting for a yes ({kind, id,
// used}), the last refusal, and what is typed in the three "add" forms.
let pending = null;
let refusal = '';
let rendering = 0;
const drafts = { label: null, relationType: null, attribute: null };
// Attributes switched to "one of a list" whose values are still to be typed.
const choosing = new Set();

const NEW_COLOR = '#5b4b8a';
const KINDS = [
  ['boolean', 'Yes or no'],
  ['oneOf', 'One of a list'],
  ['text', 'Free text'],
];
const WHAT = { label: 'label', relationType: 'relation type', attribute: 'attribute' };

function freshDrafts() {
  drafts.label ??= { id: '', name: '', color: NEW_COLOR, hotkey: '' };
  drafts.relationType ??= { id: '', name: '', color: NEW_COLOR, hotkey: '', directed: true, fromLabels: [], toLabels: [] };
  drafts.attribute ??= { id: '', name: '', kind: 'boolean', values: '', appliesTo: [] };
}

function reader() {
  return state.readOnly || document.body.dataset.role === 'reader';
}

/** Opens the schema editor. */
export function openSchemaEditor() {
  if (!state.core) return;
  pending = null;
  refusal = '';
  $('schema-status').textContent = '';
  render();
  $('schema-dialog').showModal();
  $('schema-body').querySelector('input:not([disabled]), select, button')?.focus();
}

/** Shows the schema again if the editor is open (after an undo or redo, or an edit elsewhere), with what the status line says. */
export function refreshSchemaEditor() {
  if (!$('schema-dialog')?.open) return;
  refusal = '';
  pending = null;
  later(true);
}

/** Renders once the focus has moved on (a change event fires as a field is left), so that the focus can be kept. */
function later(mirrorStatus = false) {
  if (rendering) return;
  rendering = setTimeout(() => {
    rendering = 0;
    if (!$('schema-dialog').open) return;
    if (mirrorStatus) $('schema-status').textContent = statusText();
    render();
  });
}

// ---- Edits ----------------------------------------------------------------------------

/**
 * Runs one schema edit through the core. On success everything redraws (palette,
 * highlights, lists, details, this dialog) and `message` is said; a refusal is quoted in
 * the dialog and nothing changes.
 */
function edit(failure, run, message, effects = []) {
  if (!editable()) {
    refusal = 'This tab is read-only while Spanmark is open in another tab: nothing changed.';
    later();
    return false;
  }
  let result;
  try {
    result = run();
  } catch (err) {
    refusal = `${failure}: “${err.message}”. Nothing changed.`;
    $('schema-status').textContent = '';
    later();
    return false;
  }
  refusal = '';
  pending = null;
  const said = typeof message === 'function' ? message(result) : message;
  redrawAfter([{ kind: 'schema' }, ...effects]);
  changed();
  setStatus(`${said} Undo (Ctrl+Z) takes it back.`);
  later(true);
  return true;
}

/** The effects of removing annotations or relations in every document: the open one redraws whole. */
function removalEffects() {
  if (!state.openDocId) return [{ kind: 'documents' }];
  const blocks = state.view.blocks?.length ?? 0;
  return [
    { kind: 'span', docId: state.openDocId, startUtf16: 0, endUtf16: state.view.lengthUtf16, firstBlock: 0, endBlock: blocks },
    { kind: 'relations', docId: state.openDocId },
  ];
}

function labelRecord(l, patch = {}) {
  return { id: l.id, name: l.name, color: l.color, hotkey: l.hotkey ?? null, description: l.description ?? '', ...patch };
}

function relationTypeRecord(t, patch = {}) {
  return {
    id: t.id,
    name: t.name,
    color: t.color,
    hotkey: t.hotkey ?? null,
    directed: t.directed,
    fromLabels: [...t.fromLabels],
    toLabels: [...t.toLabels],
    description: t.description ?? '',
    ...patch,
  };
}

function attributeRecord(a, patch = {}) {
  return { id: a.id, name: a.name, kind: a.kind, values: [...(a.values ?? [])], appliesTo: [...a.appliesTo], ...patch };
}

/** What a change to an entry's fields says: "Recoloured PERSON to #123456." and the like. */
function describeChange(id, before, after) {
  if (before.name !== after.name) return `Renamed ${id} to “${after.name}”.`;
  if (before.color !== after.color) return `Recoloured ${id} to ${after.color}.`;
  if ((before.hotkey ?? null) !== (after.hotkey ?? null)) return after.hotkey ? `${id}'s hotkey is now ${after.hotkey}.` : `${id} has no hotkey now.`;
  if (before.directed !== after.directed) return after.directed ? `${id} is directed now.` : `${id} is symmetric now.`;
  if (before.kind !== after.kind) return `${id} is now ${KINDS.find(([k]) => k === after.kind)[1].toLowerCase()}.`;
  return `Changed ${id}.`;
}

function updateLabel(l, patch) {
  const next = labelRecord(l, patch);
  edit(`${l.id} was not changed`, () => state.core.updateLabel(next), describeChange(l.id, l, next));
}

function updateRelationType(t, patch) {
  const next = relationTypeRecord(t, patch);
  edit(`${t.id} was not changed`, () => state.core.updateRelationType(next), describeChange(t.id, t, next));
}

function updateAttribute(a, patch) {
  const next = attributeRecord(a, patch);
  if (edit(`${a.id} was not changed`, () => state.core.updateAttribute(next), describeChange(a.id, a, next))) choosing.delete(a.id);
}

function askRemoval(kind, id) {
  let used;
  try {
    used = state.core.usage(kind, id);
  } catch (err) {
    refusal = `${id} cannot be removed: “${err.message}”.`;
    render();
    return;
  }
  pending = { kind, id, used };
  refusal = '';
  render();
  $('schema-body').querySelector('[data-key="confirm-keep"]')?.focus();
}

function confirmRemoval() {
  const { kind, id } = pending;
  const run = {
    label: () => state.core.removeLabel(id),
    relationType: () => state.core.removeRelationType(id),
    attribute: () => state.core.removeAttribute(id),
  }[kind];
  const said = (n) =>
    ({
      label: `Removed label ${id} and ${count(n, 'annotation')}.`,
      relationType: `Removed relation type ${id} and ${count(n, 'relation')}.`,
      attribute: `Removed attribute ${id} and ${count(n, 'value')}.`,
    })[kind];
  const section = { label: 'labels', relationType: 'relation-types', attribute: 'attributes' }[kind];
  if (edit(`${id} was not removed`, run, said, removalEffects())) {
    // The row is gone: the focus goes to its section's heading.
    setTimeout(() => $(`schema-${section}-heading`)?.focus());
  } else {
    pending = null;
    render();
    $('schema-body').querySelector(`[data-key="${kind}:${CSS.escape(id)}:remove"]`)?.focus();
  }
}

function cancelRemoval() {
  const { kind, id } = pending;
  pending = null;
  render();
  $('schema-body').querySelector(`[data-key="${kind}:${CSS.escape(id)}:remove"]`)?.focus();
}

function add(kind) {
  const d = drafts[kind];
  const id = d.id.trim();
  const name = d.name.trim() || id;
  const hotkey = d.hotkey?.trim() || null;
  let record;
  if (kind === 'label') record = { id, name, color: d.color, hotkey, description: '' };
  else if (kind === 'relationType') record = { id, name, color: d.color, hotkey, directed: d.directed, fromLabels: d.fromLabels, toLabels: d.toLabels, description: '' };
  else record = { id, name, kind: d.kind, values: d.kind === 'oneOf' ? splitValues(d.values) : [], appliesTo: d.appliesTo };
  const run = { label: () => state.core.addLabel(record), relationType: () => state.core.addRelationType(record), attribute: () => state.core.addAttribute(record) }[kind];
  if (edit(`The ${WHAT[kind]} was not added`, run, `Added ${WHAT[kind]} ${id}.`)) drafts[kind] = null;
}

function splitValues(text) {
  return text
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

// ---- Rendering ------------------------------------------------------------------------

function render() {
  freshDrafts();
  const schema = state.core.schema();
  const error = $('schema-error');
  error.textContent = refusal;
  error.hidden = !refusal;
  const undo = $('schema-undo');
  const summary = state.core.undoSummary();
  undo.disabled = !summary || reader();
  undo.title = summary ? `Undo: ${summary} (Ctrl+Z)` : 'Nothing to undo';
  rebuildKeepingFocus($('schema-body'), () => [labelsSection(schema), relationTypesSection(schema), attributesSection(schema)]);
}

function section(key, title, n, ...content) {
  return h(
    'section',
    { className: 'schema-section', 'aria-labelledby': `schema-${key}-heading` },
    h('h3', { id: `schema-${key}-heading`, tabIndex: -1 }, title, ' ', h('span', { className: 'count' }, `(${n})`)),
    ...content,
  );
}

/** A colour picker with its hex beside it, both committing on change; the picker updates the hex (and `preview`) as it moves. */
function colourFields(key, what, color, commit, preview = null) {
  const hex = h('input', {
    type: 'text',
    className: 'schema-hex',
    value: color,
    spellcheck: 'false',
    autocomplete: 'off',
    'aria-label': `Colour of ${what} as hex (#rrggbb)`,
    dataset: { key: `${key}:hex` },
    disabled: reader(),
    on: { change: () => commit(hex.value.trim()) },
  });
  const picker = h('input', {
    type: 'color',
    value: color,
    'aria-label': `Colour of ${what}`,
    dataset: { key: `${key}:color` },
    disabled: reader(),
    on: {
      input: () => {
        hex.value = picker.value;
        preview?.style.setProperty('--swatch', picker.value);
      },
      change: () => commit(picker.value),
    },
  });
  return h('span', { className: 'schema-colour' }, picker, hex);
}

function textField(key, label, value, commit, { size = null, className = '', draft = null } = {}) {
  const input = h('input', {
    type: 'text',
    className,
    value: value ?? '',
    size,
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-label': label,
    dataset: { key },
    disabled: reader(),
    on: { change: () => commit(input.value), input: draft ? () => draft(input.value) : undefined },
  });
  return input;
}

/** A field of an "add" form: what is typed goes to `draft[field]`, kept over a redraw. */
function draftField(key, label, draft, field, size, className = '') {
  return textField(key, label, draft[field], () => {}, { draft: (v) => (draft[field] = v), size, className });
}

/**
 * The "add" form of `kind`: its title, the id and name fields and `more` on one line, then
 * `below` (labels as a single line, the others as a card).
 */
function addForm(kind, title, more, below = null) {
  const draft = drafts[kind];
  const what = `the new ${WHAT[kind]}`;
  const line = [
    h('span', { id: `schema-add-${kind}-title`, className: 'schema-add-title' }, title),
    h('label', {}, 'Id ', draftField(`add-${kind}:id`, `Id of ${what}`, draft, 'id', kind === 'label' ? 10 : 12)),
    h('label', {}, 'Name ', draftField(`add-${kind}:name`, `Name of ${what}`, draft, 'name', 14)),
    ...more,
  ];
  const submit = h('button', { type: 'submit', dataset: { key: `add-${kind}:submit` }, disabled: reader() }, `Add ${WHAT[kind]}`);
  return h(
    'form',
    { className: below ? 'schema-add schema-card' : 'schema-add', 'aria-labelledby': `schema-add-${kind}-title`, on: { submit: (e) => (e.preventDefault(), add(kind)) } },
    ...(below ? [h('div', { className: 'schema-card-line' }, ...line), ...below, h('div', { className: 'schema-add-actions' }, submit)] : [...line, submit]),
  );
}

function removeButton(kind, id) {
  return h('button', { type: 'button', className: 'schema-remove', 'aria-label': `Remove ${id}`, dataset: { key: `${kind}:${id}:remove` }, disabled: reader(), on: { click: () => askRemoval(kind, id) } }, 'Remove');
}

/** The confirm step of a removal, inside the dialog: how much uses the entry, and the two choices. */
function confirmBlock(schema) {
  const { kind, id, used } = pending;
  const lines = [];
  if (kind === 'label') {
    lines.push(used ? `${count(used, 'annotation')} in all documents ${used === 1 ? 'has' : 'have'} the label ${id}. Removing ${id} removes ${used === 1 ? 'it' : 'them'} too, with their relations.` : `No annotation has the label ${id}.`);
    const types = schema.relationTypes.filter((t) => t.fromLabels.includes(id) || t.toLabels.includes(id)).map((t) => t.id);
    const attrs = schema.attributes.filter((a) => a.appliesTo.includes(id)).map((a) => a.id);
    if (types.length || attrs.length) {
      lines.push(`Named by ${[types.length ? `relation type${types.length === 1 ? '' : 's'} ${types.join(', ')}` : '', attrs.length ? `attribute${attrs.length === 1 ? '' : 's'} ${attrs.join(', ')}` : ''].filter(Boolean).join(' and ')}.`);
    }
  } else if (kind === 'relationType') {
    lines.push(used ? `${count(used, 'relation')} in all documents ${used === 1 ? 'has' : 'have'} the type ${id}. Removing ${id} removes ${used === 1 ? 'it' : 'them'} too.` : `No relation has the type ${id}.`);
  } else {
    lines.push(used ? `${count(used, 'annotation or relation', 'annotations and relations')} carry ${id}. Removing ${id} clears ${used === 1 ? 'its value' : 'those values'}.` : `No annotation or relation carries ${id}.`);
  }
  lines.push('Undo (Ctrl+Z) brings it all back.');
  return h(
    'div',
    { className: 'schema-confirm', role: 'group', 'aria-labelledby': 'schema-confirm-text' },
    h('p', { id: 'schema-confirm-text' }, `Remove ${WHAT[kind]} ${id}? `, lines.join(' ')),
    h(
      'div',
      { className: 'schema-confirm-actions' },
      h('button', { type: 'button', dataset: { key: 'confirm-keep' }, on: { click: cancelRemoval } }, `Keep ${id}`),
      h('button', { type: 'button', className: 'danger', dataset: { key: 'confirm-remove' }, on: { click: confirmRemoval } }, `Remove ${id}`),
    ),
  );
}

function isPending(kind, id) {
  return pending && pending.kind === kind && pending.id === id;
}

// Labels: a table, one row each.
function labelsSection(schema) {
  const rows = schema.labels.map((l) => {
    const key = `label:${l.id}`;
    const chip = h('span', { className: 'schema-chip', title: `Text on ${l.color} is ${l.textColor}; the underline is ${l.underlineColor}` }, l.shownId);
    chip.style.setProperty('--swatch', l.color);
    chip.style.setProperty('--swatch-text', l.textColor);
    chip.style.setProperty('--swatch-line', l.underlineColor);
    const tr = h(
      'tr',
      { dataset: { id: l.id } },
      h('th', { scope: 'row' }, chip),
      h('td', {}, textField(`${key}:name`, `Name of ${l.id}`, l.name, (v) => updateLabel(l, { name: v.trim() || l.id }))),
      h('td', {}, colourFields(key, l.id, l.color, (c) => updateLabel(l, { color: c }), chip)),
      h('td', {}, textField(`${key}:hotkey`, `Hotkey of ${l.id}`, l.hotkey, (v) => updateLabel(l, { hotkey: v.trim() || null }), { size: 3, className: 'schema-hotkey' })),
      h('td', {}, removeButton('label', l.id)),
    );
    if (!isPending('label', l.id)) return [tr];
    return [tr, h('tr', { className: 'schema-confirm-row' }, h('td', { colSpan: 5 }, confirmBlock(schema)))];
  });
  const form = addForm('label', 'New label', [
    h('span', { className: 'schema-field' }, 'Colour ', draftColour('add-label', 'the new label', drafts.label)),
    h('label', {}, 'Hotkey ', draftField('add-label:hotkey', 'Hotkey of the new label', drafts.label, 'hotkey', 3, 'schema-hotkey')),
  ]);
  const table = h(
    'table',
    { className: 'schema-table' },
    h('caption', { className: 'visually-hidden' }, 'Labels: the chip shows the label as highlights draw it'),
    h('thead', {}, h('tr', {}, ...['Label', 'Name', 'Colour', 'Hotkey'].map((t) => h('th', { scope: 'col' }, t)), h('th', { scope: 'col' }, h('span', { className: 'visually-hidden' }, 'Remove')))),
    h('tbody', {}, ...rows.flat()),
  );
  return section('labels', 'Labels', schema.labels.length, table, form);
}

function draftColour(key, what, d) {
  const hex = h('input', { type: 'text', className: 'schema-hex', value: d.color, 'aria-label': `Colour of ${what} as hex (#rrggbb)`, dataset: { key: `${key}:hex` }, disabled: reader(), on: { input: () => (d.color = hex.value.trim()) } });
  const picker = h('input', {
    type: 'color',
    value: /^#[0-9a-f]{6}$/i.test(d.color) ? d.color : NEW_COLOR,
    'aria-label': `Colour of ${what}`,
    dataset: { key: `${key}:color` },
    disabled: reader(),
    on: { input: () => (hex.value = d.color = picker.value) },
  });
  return h('span', { className: 'schema-colour' }, picker, hex);
}

/** Checkboxes for a set of ids: `checked` is the ticked ids; `toggle(id, on)` is called on change. */
function checkboxes(key, legend, options, checked, toggle) {
  return h(
    'fieldset',
    { className: 'schema-checks' },
    h('legend', {}, legend),
    ...options.map(([id, shown]) =>
      h('label', {}, h('input', { type: 'checkbox', checked: checked.includes(id), dataset: { key: `${key}:${id}` }, disabled: reader(), on: { change: (e) => toggle(id, e.target.checked) } }), ' ', shown),
    ),
  );
}

function toggled(list, id, on) {
  return on ? [...list, id] : list.filter((x) => x !== id);
}

function relationTypesSection(schema) {
  const labelOptions = schema.labels.map((l) => [l.id, l.shownId]);
  const cards = schema.relationTypes.map((t) => {
    const key = `relationType:${t.id}`;
    const chip = h('span', { className: 'schema-chip schema-line' }, t.id);
    chip.style.setProperty('--swatch', t.color);
    chip.style.setProperty('--swatch-line', t.lineColor);
    return h(
      'li',
      { className: 'schema-card', dataset: { id: t.id } },
      h(
        'div',
        { className: 'schema-card-line' },
        chip,
        h('label', {}, 'Name ', textField(`${key}:name`, `Name of ${t.id}`, t.name, (v) => updateRelationType(t, { name: v.trim() || t.id }), { size: 14 })),
        h('span', { className: 'schema-field' }, 'Colour ', colourFields(key, t.id, t.color, (c) => updateRelationType(t, { color: c }), chip)),
        h('label', {}, 'Hotkey ', textField(`${key}:hotkey`, `Hotkey of ${t.id}`, t.hotkey, (v) => updateRelationType(t, { hotkey: v.trim() || null }), { size: 3, className: 'schema-hotkey' })),
        h('label', {}, h('input', { type: 'checkbox', checked: t.directed, dataset: { key: `${key}:directed` }, disabled: reader(), on: { change: (e) => updateRelationType(t, { directed: e.target.checked }) } }), ' Directed'),
        removeButton('relationType', t.id),
      ),
      checkboxes(`${key}:from`, `${t.directed ? 'From' : 'One end'}: which labels (none ticked: any)`, labelOptions, t.fromLabels, (id, on) => updateRelationType(t, { fromLabels: toggled(t.fromLabels, id, on) })),
      checkboxes(`${key}:to`, `${t.directed ? 'To' : 'Other end'}: which labels (none ticked: any)`, labelOptions, t.toLabels, (id, on) => updateRelationType(t, { toLabels: toggled(t.toLabels, id, on) })),
      isPending('relationType', t.id) ? confirmBlock(schema) : null,
    );
  });
  const d = drafts.relationType;
  const form = addForm(
    'relationType',
    'New relation type',
    [
      h('span', { className: 'schema-field' }, 'Colour ', draftColour('add-relationType', 'the new relation type', d)),
      h('label', {}, 'Hotkey ', draftField('add-relationType:hotkey', 'Hotkey of the new relation type', d, 'hotkey', 3, 'schema-hotkey')),
      h('label', {}, h('input', { type: 'checkbox', checked: d.directed, dataset: { key: 'add-relationType:directed' }, disabled: reader(), on: { change: (e) => (d.directed = e.target.checked) } }), ' Directed'),
    ],
    [
      checkboxes('add-relationType:from', 'From: which labels (none ticked: any)', labelOptions, d.fromLabels, (id, on) => (d.fromLabels = toggled(d.fromLabels, id, on))),
      checkboxes('add-relationType:to', 'To: which labels (none ticked: any)', labelOptions, d.toLabels, (id, on) => (d.toLabels = toggled(d.toLabels, id, on))),
    ],
  );
  return section('relation-types', 'Relation types', schema.relationTypes.length, h('ul', { className: 'schema-cards' }, ...cards), form);
}

function kindSelect(key, what, kind, change) {
  return h(
    'select',
    { 'aria-label': `Kind of ${what}`, dataset: { key }, disabled: reader(), on: { change: (e) => change(e.target.value) } },
    ...KINDS.map(([k, shown]) => h('option', { value: k, selected: k === kind }, shown)),
  );
}

function attributesSection(schema) {
  const targets = [...schema.labels.map((l) => [l.id, l.shownId]), ...schema.relationTypes.map((t) => [t.id, `${t.id} (relation)`])];
  const cards = schema.attributes.map((a) => {
    const key = `attribute:${a.id}`;
    const kind = choosing.has(a.id) ? 'oneOf' : a.kind;
    const values = h(
      'label',
      { hidden: kind !== 'oneOf' },
      'Values ',
      textField(`${key}:values`, `Values of ${a.id}, separated by commas`, (a.values ?? []).join(', '), (v) => updateAttribute(a, { kind: 'oneOf', values: splitValues(v) }), { size: 28, className: 'schema-values' }),
    );
    return h(
      'li',
      { className: 'schema-card', dataset: { id: a.id } },
      h(
        'div',
        { className: 'schema-card-line' },
        h('span', { className: 'schema-id' }, a.id),
        h('label', {}, 'Name ', textField(`${key}:name`, `Name of ${a.id}`, a.name, (v) => updateAttribute(a, { name: v.trim() || a.id }), { size: 14 })),
        h(
          'label',
          {},
          'Kind ',
          kindSelect(`${key}:kind`, a.id, kind, (k) => {
            // A list needs its values first: the field shows, and the change waits for them.
            if (k === 'oneOf' && !(a.values ?? []).length) {
              choosing.add(a.id);
              render();
              $('schema-body').querySelector(`[data-key="${CSS.escape(key)}:values"]`)?.focus();
              $('schema-status').textContent = `Type the values of ${a.id}, separated by commas.`;
              return;
            }
            choosing.delete(a.id);
            updateAttribute(a, { kind: k, values: k === 'oneOf' ? a.values : [] });
          }),
        ),
        values,
        removeButton('attribute', a.id),
      ),
      checkboxes(`${key}:applies`, 'Applies to (none ticked: every label and relation type)', targets, a.appliesTo, (id, on) => updateAttribute(a, { appliesTo: toggled(a.appliesTo, id, on) })),
      isPending('attribute', a.id) ? confirmBlock(schema) : null,
    );
  });
  const d = drafts.attribute;
  const draftValues = h('label', { hidden: d.kind !== 'oneOf' }, 'Values ', draftField('add-attribute:values', 'Values of the new attribute, separated by commas', d, 'values', 28, 'schema-values'));
  const kind = kindSelect('add-attribute:kind', 'the new attribute', d.kind, (k) => {
    d.kind = k;
    draftValues.hidden = k !== 'oneOf';
  });
  const form = addForm('attribute', 'New attribute', [h('label', {}, 'Kind ', kind), draftValues], [
    checkboxes('add-attribute:applies', 'Applies to (none ticked: every label and relation type)', targets, d.appliesTo, (id, on) => (d.appliesTo = toggled(d.appliesTo, id, on))),
  ]);
  return section('attributes', 'Attributes', schema.attributes.length, h('ul', { className: 'schema-cards' }, ...cards), form);
}

// ---- Wiring ---------------------------------------------------------------------------

/** Wires the Schema… button and the dialog's own keys: Esc leaves a confirm step first, Ctrl+Z and Ctrl+Y undo and redo outside text fields. */
export function wireSchemaEditor() {
  const dialog = $('schema-dialog');
  $('schema-open').addEventListener('click', openSchemaEditor);
  // A tab that becomes the writer (or a reader) enables (or disables) the editor's controls.
  new MutationObserver(() => later()).observe(document.body, { attributes: true, attributeFilter: ['data-role'] });
  $('schema-done').addEventListener('click', () => dialog.close());
  // A schema from brat's or Label Studio's own files: what the schema lacks is added, one step.
  $('schema-import').addEventListener('change', async () => {
    const files = [...$('schema-import').files];
    $('schema-import').value = '';
    if (!files.length || !editable()) return;
    const error = $('schema-error');
    try {
      const { core } = await import('./core.js');
      const result = state.core.importSchemaFiles(await core().readFiles(files));
      error.hidden = result.diagnostics.length === 0;
      error.textContent = result.diagnostics.join(' ');
      // Said on the page's status line, which the dialog mirrors when it redraws.
      const said = result.added ? `Added ${count(result.added, 'entry', 'entries')} from ${files.map((f) => f.name).join(', ')}.` : 'The schema already has everything the file defines; nothing changed.';
      setStatus(said);
      $('schema-status').textContent = said;
      if (result.added) {
        changed();
        redrawAfter([{ kind: 'schema' }]);
        refreshSchemaEditor();
      }
    } catch (err) {
      error.hidden = false;
      error.textContent = `The schema was not imported: ${err.message}. Nothing changed.`;
    }
  });
  for (const [id, kind] of [['schema-export-brat', 'brat'], ['schema-export-ls', 'labelstudio']]) {
    $(id).addEventListener('click', () => {
      const losses = state.core.downloadSchema(kind);
      $('schema-status').textContent = losses.length ? `Downloaded; the file cannot say: ${losses.join(' ')}` : 'Downloaded.';
    });
  }
  $('schema-undo').addEventListener('click', () => travel('undo'));
  dialog.addEventListener('cancel', (e) => {
    if (!pending) return;
    e.preventDefault();
    cancelRemoval();
  });
  dialog.addEventListener('keydown', (e) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
    const key = e.key.toLowerCase();
    if (key !== 'z' && key !== 'y') return;
    const t = e.target;
    if (t instanceof HTMLTextAreaElement || (t instanceof HTMLInputElement && t.type === 'text')) return;
    e.preventDefault();
    travel(key === 'y' || e.shiftKey ? 'redo' : 'undo');
  });
}
