// The help overlay (`?`): every key the page answers to, the labels' hotkeys read from the
// schema. Only keys that work are listed: other modules add theirs with `addHelpKeys`.

import { h, keys } from './elements.js';
import { state } from './state.js';

const $ = (id) => document.getElementById(id);

// Sections other modules added: {title, rows: () => [[combos, what]]} (and an optional `note` above the rows).
const added = [];

/**
 * Adds a section to the help overlay: `rows` is a list of `[combos, what]` (combos: a key
 * such as "R", or a list of them, "Ctrl+Z" style), or a function returning one, read each
 * time the overlay opens (so that keys read from the schema stay current); `note` is a
 * line shown above them.
 */
export function addHelpKeys(title, rows, note = '') {
  added.push({ title, note, rows: typeof rows === 'function' ? rows : () => rows });
}

function sections() {
  const schema = state.core.schema();
  const tagging = schema.labels.filter((l) => l.hotkey).map((l) => [[l.hotkey, `Shift+${l.hotkey}`], `${l.shownId} (${l.shownName})`]);
  return [
    {
      title: 'Labels',
      note: 'A label\'s hotkey tags the selected text, or relabels the selected annotation; with Shift it adds the label as a second one on the same span.',
      rows: tagging.length ? tagging : [[[], 'No label has a hotkey: give one in Schema….']],
    },
    {
      title: 'The caret (keyboard-only tagging)',
      note: 'Tab to the article, or press F2, and a caret appears; select with Shift and the moves below, then press a label\'s hotkey.',
      rows: [
        [['F2'], 'To the caret, from anywhere (from a highlight: where it starts)'],
        [['ArrowLeft', 'ArrowRight'], 'Move by character (a whole emoji or accented letter)'],
        [['Ctrl+ArrowLeft', 'Ctrl+ArrowRight'], 'Move by word (Option on a Mac)'],
        [['ArrowUp', 'ArrowDown'], 'Move by line'],
        [['Home', 'End'], 'To the line\'s start, end (with Ctrl: the document\'s)'],
        [['Shift'], 'With any move: select'],
        [['Esc'], 'Let go of the selected text'],
        [['Tab'], 'To the annotation under the caret or the next one, selected (none: out of the article)'],
        [['Shift+Tab'], 'To the annotation before the caret'],
      ],
    },
    {
      title: 'Highlights',
      rows: [
        [['ArrowRight', 'ArrowDown'], 'Next annotation'],
        [['ArrowLeft', 'ArrowUp'], 'Previous annotation'],
        [['Home', 'End'], 'First, last annotation'],
        [['Enter', 'Space'], 'Select the focused annotation (Space again: the next one starting there)'],
        [['Enter'], 'On the selected annotation: go to its details'],
        [['Delete', 'Backspace'], 'Remove the selected annotation'],
        [['Esc'], 'Let go of the selection; again (or F2): back to the caret'],
        [['Tab', 'Shift+Tab'], 'Leave the article'],
      ],
    },
    {
      title: 'Relations',
      note: 'A relation type\'s hotkey starts a relation of that type from the selected annotation, or changes the type of the selected relation.',
      rows: [
        ...schema.relationTypes.filter((t) => t.hotkey).map((t) => [[t.hotkey], `${t.id} (${t.shownName})${t.directed ? '' : ', symmetric'}`]),
        [['R'], 'Start a relation from the selected annotation (its type is asked for when several fit)'],
        [['Enter', 'Space'], 'While linking, on a highlight: make it the target'],
        [['Esc'], 'Cancel linking; let go of the selected relation'],
        [['Enter', 'Space'], 'On an arc: select its relation (on a stub: go to the other end)'],
        [['Delete', 'Backspace'], 'Remove the selected relation'],
      ],
    },
    {
      title: 'Document list',
      rows: [
        [['ArrowDown', 'ArrowUp'], 'Next, previous document'],
        [['PageDown', 'PageUp'], 'A screenful down, up'],
        [['Home', 'End'], 'First, last document'],
        [['Enter', 'Space'], 'Open the focused document'],
      ],
    },
    {
      title: 'Details panel',
      rows: [
        [['Esc'], 'Back to the highlight'],
        [['Ctrl+Enter'], 'Save the note (leaving the field saves it too)'],
      ],
    },
    ...added.map((s) => ({ title: s.title, note: s.note, rows: s.rows() })),
    {
      title: 'Everywhere',
      rows: [
        [['Ctrl+Z'], 'Undo (also in the schema editor)'],
        [['Ctrl+Shift+Z', 'Ctrl+Y'], 'Redo'],
        [['?'], 'This list'],
        [['Esc'], 'Close a dialog (in the schema editor, a removal question first)'],
      ],
    },
  ];
}

const SHOWN = { ArrowRight: '→', ArrowDown: '↓', ArrowLeft: '←', ArrowUp: '↑', 'Ctrl+ArrowLeft': 'Ctrl+←', 'Ctrl+ArrowRight': 'Ctrl+→' };

function render() {
  $('help-body').replaceChildren(
    ...sections().map((s, i) =>
      h(
        'section',
        { className: 'help-section', 'aria-labelledby': `help-section-${i}` },
        h('h3', { id: `help-section-${i}` }, s.title),
        s.note ? h('p', { className: 'help-note' }, s.note) : null,
        h(
          'table',
          { className: 'help-table' },
          h(
            'tbody',
            {},
            ...s.rows.map(([combos, what]) => {
              const list = (Array.isArray(combos) ? combos : [combos]).map((c) => SHOWN[c] ?? c);
              const cell = list.flatMap((c, k) => (k ? [' or ', ...keys(c)] : keys(c)));
              return h('tr', {}, h('th', { scope: 'row' }, ...cell), h('td', {}, what));
            }),
          ),
        ),
      ),
    ),
  );
}

/** Opens the help overlay. */
export function openHelp() {
  if (!state.core) return;
  render();
  $('help-dialog').showModal();
  $('help-close').focus({ preventScroll: true });
  $('help-body').scrollTop = 0;
}

/** Wires the Shortcuts button and the overlay's Close button (Esc closes it too, as any dialog). */
export function wireHelp() {
  $('help-open').addEventListener('click', openHelp);
  $('help-close').addEventListener('click', () => $('help-dialog').close());
}
