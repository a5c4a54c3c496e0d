// The workspace's labels, the palette of label buttons, and the hotkey lookup.

import { state } from './state.js';
import { loadRelationTypes } from './relations.js';
import { ui } from './ui.js';

/** The labels by id, in schema order: one Map for the page's life, which the document view reads too. */
export const labels = new Map();

/** Reads the labels from the core and redraws the palette. */
export function loadLabels() {
  labels.clear();
  for (const label of state.core.labels()) labels.set(label.id, label);
  renderPalette();
  loadRelationTypes();
}

function renderPalette() {
  const buttons = [...labels.values()].map((label) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'label-button';
    b.dataset.label = label.id;
    // The accessible name is the visible text ("3 GPE"); the full name and the
    // description are the button's description (its tooltip).
    b.setAttribute('aria-label', label.hotkey ? `${label.hotkey} ${label.shownId}` : label.shownId);
    b.title = `${label.shownName} (${label.shownId})${label.hotkey ? `, hotkey ${label.hotkey} (Shift+${label.hotkey} adds a second label)` : ''}${label.description ? `: ${label.description}` : ''}`;
    if (label.hotkey) b.setAttribute('aria-keyshortcuts', label.hotkey);
    b.style.setProperty('--label-color', label.color);
    b.style.setProperty('--label-underline', label.underlineColor ?? label.color);
    b.disabled = state.readOnly || document.body.dataset.role === 'reader';
    const name = document.createElement('span');
    name.className = 'label-id';
    name.textContent = label.shownId;
    if (label.hotkey) {
      const key = document.createElement('kbd');
      key.textContent = label.hotkey;
      // The space makes the visible text read "3 GPE", as the name says.
      b.append(key, ' ');
    }
    b.append(name);
    return b;
  });
  ui.palette.replaceChildren(...buttons);
}

/** The label whose hotkey is `key`, or undefined. */
export function labelForHotkey(key) {
  return [...labels.values()].find((l) => l.hotkey === key);
}

/**
 * The label a key press asks for, and whether it asks to add a second label: Shift with
 * a hotkey. Shift changes `e.key` ("!" for Shift+1 on US keyboards, "A" for Shift+a), so
 * the digit of `e.code` and the lower-case key are tried too. Null when it is no hotkey.
 */
export function labelForKeyEvent(e) {
  const exact = labelForHotkey(e.key);
  if (exact) return { label: exact, add: false };
  if (!e.shiftKey) return null;
  const digit = /^(?:Digit|Numpad)(\d)$/.exec(e.code)?.[1];
  const label = (digit && labelForHotkey(digit)) || labelForHotkey(e.key.toLowerCase());
  return label ? { label, add: true } : null;
}
