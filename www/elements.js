// Building the panels' and dialogs' elements in JS (never innerHTML), and keeping the keyboard focus across a rebuild.

// Props set as properties; anything else becomes an attribute. `type` comes first where given, so that an input's value fits its type.
const PROPS = new Set(['type', 'id', 'className', 'value', 'checked', 'disabled', 'hidden', 'title', 'textContent', 'tabIndex', 'name', 'rows', 'htmlFor', 'selected']);

/**
 * A new element: `props` holds properties (`className`, `value`, …), attributes
 * (`aria-label`, …), `dataset` and `on` (event name → handler); `children` are nodes or
 * strings (null and false are skipped).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'on') for (const [event, fn] of Object.entries(v)) el.addEventListener(event, fn);
    else if (PROPS.has(k)) el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

/** `<kbd>` elements for a key combination such as "Ctrl+Shift+Z". */
export function keys(combo) {
  const parts = combo.split('+');
  // A "+" key: "+" alone, or at the end ("Shift++").
  if (combo.endsWith('+')) parts.splice(-2, 2, '+');
  return parts.flatMap((k, i) => (i ? ['+', h('kbd', {}, k)] : [h('kbd', {}, k)]));
}

/**
 * Rebuilds `root`'s content with `build()` and gives the focus back to the control that
 * had it (matched by `data-key`), with the text a focused field held.
 */
export function rebuildKeepingFocus(root, build) {
  const active = document.activeElement;
  const key = root.contains(active) ? active?.dataset?.key : null;
  const draft = key && (active instanceof HTMLTextAreaElement || (active instanceof HTMLInputElement && active.type === 'text')) ? { value: active.value, at: active.selectionStart } : null;
  root.replaceChildren(...build());
  if (!key) return;
  const again = root.querySelector(`[data-key="${CSS.escape(key)}"]`);
  if (!again) return;
  if (draft && again.value !== draft.value && again.dataset.keepDraft === 'true') again.value = draft.value;
  again.focus({ preventScroll: true });
  if (draft && typeof again.setSelectionRange === 'function') {
    const at = Math.min(draft.at ?? again.value.length, again.value.length);
    again.setSelectionRange(at, at);
  }
}

/** "1 annotation", "3 annotations". */
export function count(n, word, plural = `${word}s`) {
  return `${n.toLocaleString('en')} ${n === 1 ? word : plural}`;
}

/**
 * `draw`, run at most once a frame however often the result is called (scroll and resize
 * handlers of the overlays drawn over the article).
 */
export function oncePerFrame(draw) {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      draw();
    });
  };
}
