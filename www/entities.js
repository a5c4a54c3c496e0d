// Entities in the page: the corpus dialog (the entity table, the selected entity's
// details and mentions, the document × entity matrix, co-occurrence, and the statistics
// of stats.js), and the `E` type-ahead that links the selected annotation. The core keeps
// the registry, suggests candidates and counts; every edit here is one undoable step.

import { changed, editable, selectAnnotation, travel } from './commands.js';
import { openDocument, renderDocumentList } from './documents.js';
import { quote, setStatus } from './messages.js';
import { labels } from './palette.js';
import { state } from './state.js';
import { csvButton, renderStats } from './stats.js';

// Pairs listed in the co-occurrence table.
const PAIRS_SHOWN = 50;

/** Makes an element: `h('button', {type: 'button', class: 'x'}, 'text', child…)`. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  el.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

function labelName(id) {
  return labels.get(id)?.shownId ?? id;
}

/** An entity's name, or its id if it is gone. */
export function entityName(id) {
  try {
    return state.core.entity(id).name;
  } catch {
    return id;
  }
}

function plural(n, one, many = `${one}s`) {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** After an entity edit: save, history buttons, the lists that show entities. */
function entitiesEdited() {
  changed();
  state.annotationList.render();
  renderDocumentList();
}

// ---- The corpus dialog ---------------------------------------------------------------------

const view = {
  dialog: null,
  tab: 'entities',
  sort: { key: 'mentions', dir: -1 },
  selected: null, // the entity whose details and mentions are shown
  ticked: new Set(), // entities ticked for a merge
  confirm: null, // the pending merge or removal: {kind, …}
  editOpen: false, // whether the edit form is unfolded
  topN: 10,
  scope: 'document',
};

const TABS = [
  ['entities', 'Entities'],
  ['matrix', 'Matrix and co-occurrence'],
  ['stats', 'Statistics'],
];

function buildDialog() {
  const tabs = h(
    'div',
    { class: 'corpus-tabs', role: 'tablist', 'aria-label': 'Corpus views' },
    ...TABS.map(([id, name]) =>
      h('button', { type: 'button', role: 'tab', id: `corpus-tab-${id}`, 'aria-controls': `corpus-panel-${id}`, dataset: { tab: id }, onclick: () => showTab(id) }, name),
    ),
  );
  tabs.addEventListener('keydown', (e) => {
    const ids = TABS.map(([id]) => id);
    const at = ids.indexOf(view.tab);
    const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: ids.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    showTab(ids[(next + ids.length) % ids.length]);
    document.getElementById(`corpus-tab-${view.tab}`).focus();
  });
  const panels = TABS.map(([id]) => h('section', { class: 'corpus-panel', role: 'tabpanel', id: `corpus-panel-${id}`, 'aria-labelledby': `corpus-tab-${id}`, tabindex: '-1' }));
  const dialog = h(
    'dialog',
    { id: 'corpus-dialog', class: 'corpus-dialog', 'aria-labelledby': 'corpus-title' },
    h(
      'div',
      { class: 'corpus-head' },
      h('h2', { id: 'corpus-title' }, 'Corpus'),
      tabs,
      h('button', { type: 'button', class: 'corpus-close', onclick: () => dialog.close() }, 'Close'),
    ),
    h('p', { id: 'corpus-status', class: 'corpus-status', role: 'status', 'aria-live': 'polite' }),
    ...panels,
  );
  // Undo and redo work here too (the page's own keys rest while a dialog is open; the
  // focus may be on the page's body after a redraw, so the listener is the document's).
  document.addEventListener('keydown', (e) => {
    if (!dialog.open || !(e.ctrlKey || e.metaKey) || e.altKey) return;
    const key = e.key.toLowerCase();
    if (key !== 'z' && key !== 'y') return;
    if (e.target instanceof HTMLInputElement && e.target.type !== 'checkbox' && e.target.type !== 'radio') return;
    if (e.target instanceof HTMLTextAreaElement) return;
    e.preventDefault();
    travel(key === 'y' || e.shiftKey ? 'redo' : 'undo');
    view.confirm = null;
    say(document.getElementById('status').textContent);
    render();
    if (!dialog.contains(document.activeElement)) document.getElementById(`corpus-tab-${view.tab}`).focus();
  });
  document.body.append(dialog);
  return dialog;
}

/** Says `text` in the dialog's own status line (and on the page's). */
function say(text) {
  document.getElementById('corpus-status').textContent = text;
  setStatus(text);
}

/** Opens the corpus dialog at tab `tab` ('entities', 'matrix' or 'stats'). */
export function openCorpus(tab = 'entities') {
  view.dialog ??= buildDialog();
  view.tab = tab;
  view.confirm = null;
  document.getElementById('corpus-status').textContent = '';
  render();
  if (!view.dialog.open) view.dialog.showModal();
  document.getElementById(`corpus-tab-${tab}`).focus();
}

function showTab(tab) {
  view.tab = tab;
  render();
}

/** Draws the corpus dialog again if it is open (a teammate changed the registry or the mentions). */
export function refreshCorpus() {
  if (view.dialog?.open) render();
}

/** Draws the dialog's current tab from the core. */
function render() {
  if (!view.dialog) return;
  for (const [id] of TABS) {
    const on = id === view.tab;
    const tab = document.getElementById(`corpus-tab-${id}`);
    tab.setAttribute('aria-selected', on ? 'true' : 'false');
    tab.tabIndex = on ? 0 : -1;
    const panel = document.getElementById(`corpus-panel-${id}`);
    panel.hidden = !on;
    if (!on) panel.replaceChildren();
  }
  const panel = document.getElementById(`corpus-panel-${view.tab}`);
  if (view.tab === 'entities') renderEntities(panel);
  else if (view.tab === 'matrix') renderMatrix(panel);
  else renderStats(panel);
}

// ---- The entity table ----------------------------------------------------------------------

const COLUMNS = [
  ['name', 'Name'],
  ['type', 'Type'],
  ['aliases', 'Aliases'],
  ['mentions', 'Mentions'],
  ['documents', 'Documents'],
];

function sortValue(e, key) {
  if (key === 'aliases') return (e.aliases ?? []).join(', ').toLocaleLowerCase();
  if (key === 'name') return e.name.toLocaleLowerCase();
  if (key === 'type') return labelName(e.type);
  return e[key];
}

function listedEntities(all, needle, type) {
  const shown = all.filter(
    (e) => (!type || e.type === type) && (!needle || [e.name, ...(e.aliases ?? [])].some((n) => n.toLocaleLowerCase().includes(needle))),
  );
  const { key, dir } = view.sort;
  shown.sort((a, b) => {
    const x = sortValue(a, key);
    const y = sortValue(b, key);
    return (typeof x === 'number' ? x - y : String(x).localeCompare(String(y))) * dir || a.name.localeCompare(b.name);
  });
  return shown;
}

function renderEntities(panel) {
  const keep = panel.querySelector('#entity-filter');
  const needleText = keep?.value ?? '';
  const typeValue = panel.querySelector('#entity-type-filter')?.value ?? '';
  const hadFocus = document.activeElement?.id;
  const all = state.core.entities();
  const known = new Set(all.map((e) => e.id));
  if (view.selected && !known.has(view.selected)) view.selected = null;
  for (const id of [...view.ticked]) if (!known.has(id)) view.ticked.delete(id);

  const filter = h('input', { id: 'entity-filter', type: 'search', autocomplete: 'off', value: needleText, oninput: () => renderEntities(panel) });
  const typeSelect = h(
    'select',
    { id: 'entity-type-filter', onchange: () => renderEntities(panel) },
    h('option', { value: '' }, 'every type'),
    ...[...new Set(all.map((e) => e.type))].sort().map((t) => h('option', { value: t, selected: t === typeValue }, labelName(t))),
  );
  const shown = listedEntities(all, needleText.trim().toLocaleLowerCase(), typeValue);

  const head = h(
    'tr',
    {},
    h('th', { scope: 'col', class: 'tick-col' }, h('span', { class: 'visually-hidden' }, 'Merge')),
    ...COLUMNS.map(([key, name]) => {
      const on = view.sort.key === key;
      return h(
        'th',
        { scope: 'col', 'aria-sort': on ? (view.sort.dir > 0 ? 'ascending' : 'descending') : 'none', class: ['mentions', 'documents'].includes(key) ? 'num' : '' },
        h(
          'button',
          {
            type: 'button',
            class: 'sort-button',
            dataset: { sort: key },
            onclick: () => {
              view.sort = on ? { key, dir: -view.sort.dir } : { key, dir: key === 'mentions' || key === 'documents' ? -1 : 1 };
              renderEntities(panel);
              panel.querySelector(`.sort-button[data-sort="${key}"]`)?.focus();
            },
          },
          name,
          h('span', { 'aria-hidden': 'true', class: 'sort-mark' }, on ? (view.sort.dir > 0 ? ' ▲' : ' ▼') : ''),
        ),
      );
    }),
  );
  const rows = shown.map((e) =>
    h(
      'tr',
      { class: e.id === view.selected ? 'selected' : '', dataset: { entityId: e.id } },
      h(
        'td',
        { class: 'tick-col' },
        h('input', {
          type: 'checkbox',
          'aria-label': `Tick ${e.name} to merge`,
          checked: view.ticked.has(e.id),
          onchange: (ev) => {
            if (ev.target.checked) view.ticked.add(e.id);
            else view.ticked.delete(e.id);
            view.confirm = null;
            renderEntities(panel);
          },
        }),
      ),
      h(
        'th',
        { scope: 'row' },
        h(
          'button',
          {
            type: 'button',
            class: 'entity-name',
            'aria-pressed': e.id === view.selected ? 'true' : 'false',
            onclick: () => {
              view.selected = e.id;
              view.confirm = null;
              renderEntities(panel);
              panel.querySelector('.entity-details h3')?.focus();
            },
          },
          e.shownName ?? e.name,
        ),
      ),
      h('td', {}, labelName(e.type)),
      h('td', { class: 'aliases' }, (e.aliases ?? []).join(', ')),
      h('td', { class: 'num' }, String(e.mentions)),
      h('td', { class: 'num' }, String(e.documents)),
    ),
  );
  const table = h(
    'table',
    { class: 'entity-table' },
    h('caption', { class: 'visually-hidden' }, 'Entities (click a column header to sort)'),
    h('thead', {}, head),
    h('tbody', {}, ...rows),
  );
  const ticked = [...view.ticked];
  const mergeButton = h(
    'button',
    {
      type: 'button',
      id: 'entity-merge',
      disabled: ticked.length !== 2 || state.readOnly,
      onclick: () => {
        view.confirm = { kind: 'merge', ids: ticked, keep: ticked[0] };
        renderEntities(panel);
        panel.querySelector('.entity-confirm input[type="radio"]:checked')?.focus();
      },
    },
    'Merge…',
  );
  const left = h(
    'div',
    { class: 'entity-list-side' },
    h(
      'div',
      { class: 'entity-tools' },
      h('label', {}, 'Filter ', filter),
      h('label', {}, 'Type ', typeSelect),
      h('span', { class: 'entity-count' }, shown.length === all.length ? plural(all.length, 'entity', 'entities') : `${shown.length} of ${plural(all.length, 'entity', 'entities')}`),
    ),
    all.length
      ? h('div', { class: 'table-scroll' }, table)
      : h('p', { class: 'hint' }, 'No entities yet. Select an annotation in a document and press E to link it to one.'),
    h('div', { class: 'entity-merge-bar' }, mergeButton, h('span', { class: 'hint' }, ticked.length === 2 ? 'Two ticked: merge them.' : 'Tick two entities to merge them.')),
    view.confirm?.kind === 'merge' ? mergeConfirm(panel, all) : null,
  );
  const right = h('div', { class: 'entity-details-side' }, view.selected ? entityDetails(panel, all.find((e) => e.id === view.selected)) : h('p', { class: 'hint' }, 'Choose an entity by its name to see its mentions and edit it.'));
  panel.replaceChildren(h('div', { class: 'entity-layout' }, left, right));
  if (hadFocus === 'entity-filter' || hadFocus === 'entity-type-filter') {
    const el = panel.querySelector(`#${hadFocus}`);
    el.focus();
    if (hadFocus === 'entity-filter') el.setSelectionRange(el.value.length, el.value.length);
  }
}

function describe(e) {
  const names = (e.aliases ?? []).length ? `; also ${(e.aliases ?? []).map((a) => quote(a)).join(', ')}` : '';
  return `${e.name} (${labelName(e.type)}): ${plural(e.mentions, 'mention')} in ${plural(e.documents, 'document')}${names}`;
}

function mergeConfirm(panel, all) {
  const [a, b] = view.confirm.ids.map((id) => all.find((e) => e.id === id));
  if (!a || !b) return null;
  const keep = view.confirm.keep === b.id ? b : a;
  const gone = keep === a ? b : a;
  const choice = (e) =>
    h(
      'label',
      { class: 'merge-choice' },
      h('input', {
        type: 'radio',
        name: 'merge-keep',
        value: e.id,
        checked: e === keep,
        onchange: () => {
          view.confirm.keep = e.id;
          renderEntities(panel);
          panel.querySelector('.entity-confirm input[type="radio"]:checked')?.focus();
        },
      }),
      ` Keep ${describe(e)}`,
    );
  const ids = (e) => (e.identifiers ?? []).map((r) => `${r.resource}:${r.id}`);
  const joining = [gone.name, ...(gone.aliases ?? [])].filter((n) => n !== keep.name && !(keep.aliases ?? []).includes(n));
  const newIds = ids(gone).filter((x) => !ids(keep).includes(x));
  return h(
    'section',
    { class: 'entity-confirm', 'aria-labelledby': 'merge-title' },
    h('h3', { id: 'merge-title' }, 'Merge two entities?'),
    h('fieldset', {}, h('legend', {}, 'Which one stays'), choice(a), choice(b)),
    h(
      'p',
      { id: 'merge-summary' },
      `${quote(gone.name)} joins ${quote(keep.name)}: its ${plural(gone.mentions, 'mention')} move over`,
      joining.length ? `, ${joining.map((n) => quote(n)).join(', ')} become${joining.length === 1 ? 's an alias' : ' aliases'}` : '',
      newIds.length ? `, and ${newIds.join(', ')} join${newIds.length === 1 ? 's' : ''} its identifiers` : '',
      `. ${quote(gone.name)} is removed. Undo (Ctrl+Z) takes it back.`,
    ),
    h(
      'div',
      { class: 'dialog-actions' },
      h('button', { type: 'button', onclick: () => { view.confirm = null; renderEntities(panel); } }, 'Cancel'),
      h('button', { type: 'button', class: 'primary', id: 'merge-confirm', onclick: () => merge(panel, keep, gone) }, `Merge into ${keep.name}`),
    ),
  );
}

function merge(panel, keep, gone) {
  if (!editable()) return;
  try {
    const moved = state.core.mergeEntities(keep.id, gone.id);
    view.ticked.clear();
    view.confirm = null;
    view.selected = keep.id;
    entitiesEdited();
    say(`Merged ${quote(gone.name)} into ${quote(keep.name)}: ${plural(moved, 'mention')} moved.`);
  } catch (err) {
    say(`Nothing merged: ${err.message}`);
  }
  renderEntities(panel);
  panel.querySelector('#entity-details-title')?.focus();
}

// ---- One entity: its details and mentions ------------------------------------------------

/** Reads "Wikidata:Q56226" lines into identifiers; returns null (and says why) on a bad line. */
function parseIdentifiers(text) {
  const out = [];
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const at = line.indexOf(':');
    if (at <= 0 || at === line.length - 1) {
      say(`${quote(line)} is not an identifier: write the registry, a colon and the id, as Wikidata:Q56226.`);
      return null;
    }
    out.push({ resource: line.slice(0, at).trim(), id: line.slice(at + 1).trim() });
  }
  return out;
}

function entityDetails(panel, e) {
  const field = (label, control) => h('label', { class: 'entity-field' }, h('span', {}, label), control);
  const name = h('input', { type: 'text', id: 'entity-edit-name', value: e.name, autocomplete: 'off' });
  const type = h('select', { id: 'entity-edit-type' }, ...[...labels.values()].map((l) => h('option', { value: l.id, selected: l.id === e.type }, l.shownId)));
  if (!labels.has(e.type)) type.append(h('option', { value: e.type, selected: true }, e.type));
  const aliases = h('textarea', { id: 'entity-edit-aliases', rows: '2' });
  aliases.value = (e.aliases ?? []).join('\n');
  const identifiers = h('textarea', { id: 'entity-edit-identifiers', rows: '2', placeholder: 'Wikidata:Q56226' });
  identifiers.value = (e.identifiers ?? []).map((r) => `${r.resource}:${r.id}`).join('\n');
  const note = h('textarea', { id: 'entity-edit-note', rows: '2' });
  note.value = e.note ?? '';
  const save = () => {
    if (!editable()) return;
    const ids = parseIdentifiers(identifiers.value);
    if (!ids) return;
    const newName = name.value.trim();
    if (!newName) {
      say('An entity needs a name.');
      return;
    }
    try {
      state.core.updateEntity({
        id: e.id,
        type: type.value,
        name: newName,
        aliases: aliases.value.split('\n').map((a) => a.trim()).filter(Boolean),
        identifiers: ids,
        note: note.value.trim() || null,
      });
      entitiesEdited();
      say(`Saved ${quote(newName)}.`);
    } catch (err) {
      say(`Not saved: ${err.message}`);
    }
    renderEntities(panel);
  };
  const form = h(
    'form',
    { class: 'entity-form', onsubmit: (ev) => { ev.preventDefault(); save(); } },
    field('Name', name),
    field('Type', type),
    field('Aliases (one a line)', aliases),
    field('Identifiers (one a line, as Wikidata:Q56226)', identifiers),
    field('Note', note),
    h('div', { class: 'dialog-actions' }, h('button', { type: 'submit', class: 'primary', disabled: state.readOnly }, 'Save')),
  );
  const remove = h(
    'button',
    {
      type: 'button',
      id: 'entity-remove',
      disabled: state.readOnly,
      onclick: () => {
        view.confirm = { kind: 'remove', id: e.id };
        renderEntities(panel);
        panel.querySelector('#remove-cancel')?.focus();
      },
    },
    'Remove…',
  );
  const confirmRemove =
    view.confirm?.kind === 'remove' && view.confirm.id === e.id
      ? h(
          'section',
          { class: 'entity-confirm', 'aria-label': 'Remove the entity?' },
          h('p', {}, `Remove ${quote(e.name)}? Its ${plural(e.mentions, 'mention')} stay as annotations, unlinked. Undo (Ctrl+Z) takes it back.`),
          h(
            'div',
            { class: 'dialog-actions' },
            h('button', { type: 'button', id: 'remove-cancel', onclick: () => { view.confirm = null; renderEntities(panel); } }, 'Cancel'),
            h('button', { type: 'button', class: 'primary', onclick: () => removeEntity(panel, e) }, 'Remove'),
          ),
        )
      : null;
  return h(
    'section',
    { class: 'entity-details', 'aria-labelledby': 'entity-details-title' },
    h('h3', { id: 'entity-details-title', tabindex: '-1' }, e.shownName ?? e.name, h('span', { class: 'entity-sub' }, ` ${labelName(e.type)} · ${plural(e.mentions, 'mention')} in ${plural(e.documents, 'document')}`)),
    h(
      'div',
      { class: 'entity-edit-row' },
      h('details', { class: 'entity-edit', open: view.editOpen, ontoggle: (ev) => { view.editOpen = ev.target.open; } }, h('summary', {}, 'Edit name, aliases, identifiers, note'), form),
      remove,
    ),
    confirmRemove,
    mentionsPanel(panel, e),
  );
}

function removeEntity(panel, e) {
  if (!editable()) return;
  try {
    const n = state.core.removeEntity(e.id);
    view.confirm = null;
    view.selected = null;
    view.ticked.delete(e.id);
    entitiesEdited();
    say(`Removed ${quote(e.name)}; ${plural(n, 'mention')} unlinked.`);
  } catch (err) {
    say(`Not removed: ${err.message}`);
  }
  renderEntities(panel);
}

function mentionsPanel(panel, e) {
  const mentions = state.core.entityMentions(e.id);
  const items = mentions.map((m, i) =>
    h(
      'li',
      { class: 'mention' },
      h('input', { type: 'checkbox', class: 'mention-tick', dataset: { doc: m.docId, ann: m.annotationId }, 'aria-label': `Tick the mention in ${m.docTitle}, ${i + 1} of ${mentions.length}` }),
      h(
        'button',
        { type: 'button', class: 'mention-open', dataset: { docId: m.docId, annotationId: m.annotationId }, onclick: () => openMention(m) },
        h('span', { class: 'mention-doc', title: m.docTitle }, m.docTitle),
        h('span', { class: 'mention-context' }, m.before ? `…${m.before}` : '', h('strong', {}, m.text), m.after ? `${m.after}…` : ''),
      ),
    ),
  );
  const ticked = () => [...panel.querySelectorAll('.mention-tick:checked')].map((b) => [b.dataset.doc, b.dataset.ann]);
  const splitName = h('input', { type: 'text', id: 'split-name', autocomplete: 'off', value: '' });
  const split = () => {
    if (!editable()) return;
    const list = ticked();
    const newName = splitName.value.trim();
    if (!list.length || !newName) {
      say('Tick the mentions to split off and name the new entity.');
      return;
    }
    try {
      const id = state.core.splitEntity(e.id, list, newName);
      view.selected = id;
      entitiesEdited();
      say(`Split ${plural(list.length, 'mention')} off ${quote(e.name)} into ${quote(newName)}.`);
    } catch (err) {
      say(`Nothing split: ${err.message}`);
    }
    renderEntities(panel);
  };
  const unlink = () => {
    if (!editable()) return;
    const list = ticked();
    if (!list.length) {
      say('Tick the mentions to unlink.');
      return;
    }
    try {
      // Several mentions: one step each (the binding unlinks one annotation at a time).
      for (const [doc, ann] of list) state.core.unlinkEntity(doc, ann);
      entitiesEdited();
      say(`Unlinked ${plural(list.length, 'mention')} from ${quote(e.name)}.`);
    } catch (err) {
      say(`Not unlinked: ${err.message}`);
    }
    renderEntities(panel);
  };
  return h(
    'section',
    { class: 'entity-mentions', 'aria-labelledby': 'mentions-title' },
    h('h4', { id: 'mentions-title' }, `Mentions (${mentions.length})`),
    mentions.length ? h('ol', { class: 'mention-list' }, ...items) : h('p', { class: 'hint' }, 'No annotation is linked to it.'),
    mentions.length
      ? h(
          'div',
          { class: 'mention-actions' },
          h('button', { type: 'button', id: 'mention-unlink', disabled: state.readOnly, onclick: unlink }, 'Unlink ticked'),
          h('label', {}, 'New entity ', splitName),
          h('button', { type: 'button', id: 'mention-split', disabled: state.readOnly, onclick: split }, 'Split ticked off'),
        )
      : null,
  );
}

/** Opens the document of mention `m` and selects its annotation there. */
async function openMention(m) {
  view.dialog.close();
  if (state.openDocId !== m.docId) await openDocument(m.docId);
  if (state.openDocId !== m.docId) return;
  selectAnnotation(m.annotationId, { scroll: true });
  state.view.focusAnnotation(m.annotationId);
}

// ---- The matrix and co-occurrence ----------------------------------------------------------

/** A small bar for a pair's weight (`share` of the heaviest), set through the CSSOM (the page's CSP has no inline styles). */
function weightBar(share) {
  const bar = h('span', { class: 'weight-bar', 'aria-hidden': 'true' });
  bar.style.width = `${Math.max(0.2, share * 4).toFixed(2)}rem`;
  return bar;
}

function renderMatrix(panel) {
  const m = state.core.entityMatrix();
  const docs = new Map(state.core.documents().map((d) => [d.id, d.shownTitle || d.shownName]));
  const all = new Map(state.core.entities().map((e) => [e.id, e]));
  const cols = m.entities.slice(0, view.topN);
  const top = h('input', {
    type: 'number',
    id: 'matrix-top',
    min: '1',
    max: String(Math.max(1, m.entities.length)),
    value: String(view.topN),
    onchange: (ev) => {
      const n = Math.max(1, Math.floor(Number(ev.target.value) || 1));
      view.topN = n;
      renderMatrix(panel);
      panel.querySelector('#matrix-top')?.focus();
    },
  });
  const head = h('tr', {}, h('th', { scope: 'col' }, 'Document'), ...cols.map((id) => h('th', { scope: 'col', class: 'num' }, all.get(id)?.shownName ?? all.get(id)?.name ?? id)));
  const body = m.documents.map((d, di) =>
    h('tr', {}, h('th', { scope: 'row' }, h('span', { class: 'doc-name', title: docs.get(d) ?? d }, docs.get(d) ?? d)), ...cols.map((_, ei) => {
      const n = m.counts[di][ei];
      return h('td', { class: `num${n ? ' hit' : ''}` }, String(n));
    })),
  );
  const matrix = m.entities.length
    ? h(
        'div',
        { class: 'table-scroll' },
        h('table', { class: 'matrix-table', id: 'entity-matrix' }, h('caption', {}, `Mentions per document of the ${plural(cols.length, 'entity', 'entities')} mentioned most`), h('thead', {}, head), h('tbody', {}, ...body)),
      )
    : h('p', { class: 'hint' }, 'No entities yet: select an annotation and press E to link it to one.');

  const pairs = state.core.pairs('entities', view.scope);
  const scope = h(
    'select',
    { id: 'pairs-scope', onchange: (ev) => { view.scope = ev.target.value; renderMatrix(panel); panel.querySelector('#pairs-scope')?.focus(); } },
    ...['document', 'sentence'].map((s) => h('option', { value: s, selected: s === view.scope }, s)),
  );
  const max = Math.max(1, ...pairs.map((p) => p.weight));
  const name = (id) => all.get(id)?.shownName ?? all.get(id)?.name ?? id;
  const pairRows = pairs.slice(0, PAIRS_SHOWN).map((p) =>
    h(
      'tr',
      {},
      h('td', {}, name(p.a)),
      h('td', {}, name(p.b)),
      h('td', { class: 'num' }, weightBar(p.weight / max), String(p.weight)),
    ),
  );
  const pairTable = pairs.length
    ? h(
        'table',
        { class: 'pairs-table', id: 'entity-pairs' },
        h('caption', {}, `Entities in the same ${view.scope}${pairs.length > PAIRS_SHOWN ? ` (the ${PAIRS_SHOWN} heaviest of ${pairs.length})` : ''}`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Entity'), h('th', { scope: 'col' }, 'With'), h('th', { scope: 'col', class: 'num' }, `${view.scope === 'document' ? 'Documents' : 'Sentences'} together`))),
        h('tbody', {}, ...pairRows),
      )
    : h('p', { class: 'hint' }, `No two entities share a ${view.scope} yet.`);
  panel.replaceChildren(
    h(
      'section',
      { class: 'matrix-section', 'aria-labelledby': 'matrix-title' },
      h('h3', { id: 'matrix-title' }, 'Documents × entities'),
      h('div', { class: 'chart-actions' }, h('label', {}, 'Entities shown (top N by mentions) ', top), csvButton('matrix')),
      matrix,
    ),
    h(
      'section',
      { class: 'matrix-section', 'aria-labelledby': 'pairs-title' },
      h('h3', { id: 'pairs-title' }, 'Co-occurrence'),
      h('div', { class: 'chart-actions' }, h('label', {}, 'Together in the same ', scope), csvButton(`entity-pairs-${view.scope}`)),
      pairTable,
    ),
  );
}

// ---- E: link the selected annotation ------------------------------------------------------

const link = { dialog: null, docId: null, annId: null, options: [], active: 0 };

function buildLinkDialog() {
  const input = h('input', {
    type: 'text',
    id: 'entity-link-input',
    role: 'combobox',
    autocomplete: 'off',
    'aria-autocomplete': 'list',
    'aria-expanded': 'true',
    'aria-controls': 'entity-link-options',
    oninput: () => renderLinkOptions({ fresh: true }),
  });
  const dialog = h(
    'dialog',
    { id: 'entity-link-dialog', class: 'entity-link-dialog', 'aria-labelledby': 'entity-link-title' },
    h('h2', { id: 'entity-link-title' }, 'Link to an entity'),
    h('p', { id: 'entity-link-what', class: 'entity-link-what' }),
    h('label', { class: 'entity-field' }, h('span', {}, 'Entity (type to filter by name or alias)'), input),
    h('ul', { id: 'entity-link-options', class: 'entity-link-options', role: 'listbox', 'aria-label': 'Entities' }),
    h('p', { class: 'hint' }, '↑ ↓ move, Enter links, Esc cancels.'),
  );
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = link.options.length;
      link.active = (link.active + (e.key === 'ArrowDown' ? 1 : -1) + n) % n;
      renderLinkOptions();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      pick(link.options[link.active]);
    }
  });
  dialog.querySelector('ul').addEventListener('mousedown', (e) => e.preventDefault());
  dialog.querySelector('ul').addEventListener('click', (e) => {
    const li = e.target.closest('li[data-index]');
    if (li) pick(link.options[Number(li.dataset.index)]);
  });
  dialog.addEventListener('close', () => {
    if (state.openDocId === link.docId && link.annId) state.view.focusAnnotation(link.annId, { scroll: false });
  });
  document.body.append(dialog);
  return dialog;
}

/** The choices for what is typed: candidates, then matching entities, then a new one (or unlinking). */
function linkOptions(query) {
  const a = state.core.annotation(link.docId, link.annId);
  const all = state.core.entities();
  const byId = new Map(all.map((e) => [e.id, e]));
  const q = query.trim().toLocaleLowerCase();
  const matches = (e) => !q || [e.name, ...(e.aliases ?? [])].some((n) => n.toLocaleLowerCase().includes(q));
  const current = a.extra?.entity ?? null;
  const out = [];
  const seen = new Set();
  for (const c of state.core.entityCandidates(link.docId, link.annId)) {
    const e = byId.get(c.entityId);
    if (!e || seen.has(e.id) || (q && !matches(e))) continue;
    seen.add(e.id);
    out.push({ kind: 'entity', entity: e, candidate: c });
  }
  const rest = all.filter((e) => !seen.has(e.id) && matches(e)).sort((x, y) => y.mentions - x.mentions || x.name.localeCompare(y.name));
  for (const e of rest.slice(0, 50)) out.push({ kind: 'entity', entity: e });
  out.push({ kind: 'new', name: query.trim() || a.text });
  if (current) out.push({ kind: 'unlink', entity: byId.get(current) });
  return out;
}

/**
 * The choice Enter takes before any arrow key: a candidate with the same name, else the
 * first entity matching what is typed, else a new entity (a candidate that only shares
 * words, or an unrelated entity of the registry, is never taken without a key press).
 */
function defaultChoice(options, query) {
  if (options[0]?.candidate?.reason === 'same-name') return 0;
  const created = options.findIndex((o) => o.kind === 'new');
  return query.trim() && options[0]?.kind === 'entity' ? 0 : created;
}

function renderLinkOptions({ fresh = false } = {}) {
  const input = document.getElementById('entity-link-input');
  link.options = linkOptions(input.value);
  link.active = fresh ? defaultChoice(link.options, input.value) : Math.min(link.active, link.options.length - 1);
  const current = state.core.annotation(link.docId, link.annId).extra?.entity ?? null;
  const items = link.options.map((o, i) => {
    const li = h('li', { role: 'option', id: `entity-option-${i}`, dataset: { index: String(i), kind: o.kind }, 'aria-selected': i === link.active ? 'true' : 'false' });
    if (o.kind === 'entity') {
      const e = o.entity;
      li.append(h('span', { class: 'option-name' }, e.shownName ?? e.name), h('span', { class: 'option-meta' }, ` ${labelName(e.type)} · ${plural(e.mentions, 'mention')}`));
      if (o.candidate) {
        const why = o.candidate.reason === 'same-name' ? 'same name' : 'similar words';
        li.append(h('span', { class: 'badge suggestion' }, `suggested: ${why}${o.candidate.matchedName !== e.name ? ` (${o.candidate.matchedName})` : ''}`));
      }
      if (e.id === current) li.append(h('span', { class: 'badge' }, 'linked now'));
    } else if (o.kind === 'new') {
      li.append(h('span', { class: 'option-name' }, `Create new entity ${quote(o.name)}`));
    } else {
      li.append(h('span', { class: 'option-name' }, `Unlink from ${quote(o.entity?.name ?? 'its entity')}`));
    }
    return li;
  });
  const list = document.getElementById('entity-link-options');
  list.replaceChildren(...items);
  input.setAttribute('aria-activedescendant', `entity-option-${link.active}`);
  list.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
}

/** `E`: opens the type-ahead that links the selected annotation to an entity. */
export function openEntityLink() {
  if (!editable()) return;
  const annId = state.view?.selectedId;
  if (!state.openDocId || !annId) {
    setStatus('Select an annotation first (click it, or Tab to it and press Enter), then press E to link it to an entity.');
    return;
  }
  link.dialog ??= buildLinkDialog();
  link.docId = state.openDocId;
  link.annId = annId;
  link.active = 0;
  const a = state.core.annotation(link.docId, annId);
  const now = a.extra?.entity ? ` (linked now to ${quote(entityName(a.extra.entity))})` : '';
  document.getElementById('entity-link-what').textContent = `${labelName(a.label)} ${quote(a.text)}${now}`;
  const input = document.getElementById('entity-link-input');
  input.value = '';
  renderLinkOptions({ fresh: true });
  link.dialog.showModal();
  input.focus();
}

function pick(option) {
  if (!option || !editable()) return;
  const { docId, annId } = link;
  const a = state.core.annotation(docId, annId);
  let text;
  try {
    if (option.kind === 'entity' && option.entity.id === a.extra?.entity) {
      link.dialog.close();
      setStatus(`${quote(a.text)} is already linked to ${quote(option.entity.name)}; nothing changed.`);
      return;
    }
    if (option.kind === 'entity') {
      state.core.linkEntity(docId, annId, option.entity.id);
      text = `Linked ${quote(a.text)} to ${quote(option.entity.name)}.`;
    } else if (option.kind === 'new') {
      state.core.linkNewEntity(docId, annId, option.name === a.text ? null : option.name);
      text = `Linked ${quote(a.text)} to a new entity, ${quote(option.name)}.`;
    } else {
      state.core.unlinkEntity(docId, annId);
      text = `Unlinked ${quote(a.text)} from ${quote(option.entity?.name ?? 'its entity')}.`;
    }
  } catch (err) {
    setStatus(`Not linked: ${err.message}`);
    link.dialog.close();
    return;
  }
  link.dialog.close();
  entitiesEdited();
  if (state.openDocId === docId) selectAnnotation(annId);
  setStatus(text);
}

/** Wires the top bar's Entities and Statistics buttons (once, at start-up). */
export function wireEntities() {
  document.getElementById('open-entities')?.addEventListener('click', () => openCorpus('entities'));
  document.getElementById('open-stats')?.addEventListener('click', () => openCorpus('stats'));
}
