// The workspace's labels, the palette of label buttons, and the hotkey lookup.

import { state } from './state.js';
import { ui } from './ui.js';

/** The labels by id, in schema order: one Map for the page's life, which the document view reads too. */
export const labels = new Map();

/** Reads the labels from the core and redraws the palette. */
export function loadLabels() {
  labels.clear();
  for (const label of state.core.labels()) labels.set(label.id, label);
  renderPalette();
}

function renderPalette() {
  const buttons = [...labels.values()].map((label) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'label-button';
    b.dataset.label = label.id;
    b.setAttribute('aria-label', label.shownName);
    b.title = `${label.shownName} (${label.shownId}): ${label.description}`;
    if (label.hotkey) b.setAttribute('aria-keyshortcuts', label.hotkey);
    b.style.setProperty('--label-color', label.color);
    const key = document.createElement('kbd');
    key.textContent = label.hotkey ?? '';
    const name = document.createElement('span');
    name.className = 'label-id';
    name.textContent = label.shownId;
    b.append(key, name);
    return b;
  });
  ui.palette.replaceChildren(...buttons);
}

/** The label whose hotkey is `key`, or undefined. */
export function labelForHotkey(key) {
  return [...labels.values()].find((l) => l.hotkey === key);
}
