// The open document's annotation list, virtualised: a document may have 100,000, so only the rows in view exist.

import { afterPaint } from './layout.js';
import { labels } from './palette.js';
import { state } from './state.js';

// The height of one row in pixels (as in style.css), and how many rows are drawn beyond those in view on each side.
const ROW_PX = 32;
const ROWS_AROUND = 12;

export class AnnotationList {
  /**
   * @param {HTMLElement} list the list of rows; @param {HTMLElement} panel the panel that
   * scrolls it; @param {HTMLElement} count where the number of annotations is shown
   */
  constructor(list, panel, count) {
    this.list = list;
    this.panel = panel;
    this.count = count;
    // The rows are drawn at the next frame, at most once per frame: reading the list's
    // geometry right after an edit would force the browser to lay out the article synchronously.
    this.rowsFrame = 0;
    // Draws the rows in view after the next paint: an edit, or the document just opened,
    // shows first and the list follows a frame later. (Drawn in the edit's own frame, the
    // rows and the layout of the article that placing them forces made that frame longer.)
    this.scheduleAfterPaint = afterPaint(() => this.renderRows());
    // The annotation to scroll into view with the next rows, if it is still selected then.
    this.pendingReveal = null;
  }

  /** Sizes the list for the open document's annotations (or empties it) and draws its rows at the next frame. */
  render() {
    if (!state.openDocId) {
      this.list.replaceChildren();
      this.list.style.height = '0px';
      this.count.textContent = '';
      return;
    }
    const count = state.core.annotationCount(state.openDocId);
    this.count.textContent = `(${count})`;
    this.list.style.height = `${count * ROW_PX}px`;
    this.scheduleAfterPaint();
  }

  /** Scrolls back to the first row and renders the list, for a newly opened document. */
  showFromTop() {
    this.panel.scrollTop = 0;
    this.render();
  }

  /** Draws the rows in view at the next frame (the panel calls this as it scrolls). */
  schedule() {
    if (!this.rowsFrame) this.rowsFrame = requestAnimationFrame(() => this.renderRows());
  }

  renderRows() {
    this.rowsFrame = 0;
    if (!state.openDocId) return;
    const { view } = state;
    const top = this.panel.scrollTop - this.list.offsetTop;
    const first = Math.max(0, Math.floor(top / ROW_PX) - ROWS_AROUND);
    const count = Math.ceil(this.panel.clientHeight / ROW_PX) + 2 * ROWS_AROUND;
    const anns = state.core.annotationsPage(state.openDocId, first, count);
    // A row that has the keyboard focus keeps it when the rows are drawn again.
    const focused = this.list.contains(document.activeElement) ? document.activeElement.dataset.annotationId : null;
    this.list.replaceChildren(
      ...anns.map((a, k) => {
        const li = document.createElement('li');
        li.style.top = `${(first + k) * ROW_PX}px`;
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'annotation-button';
        b.dataset.annotationId = a.id;
        b.title = `${a.label}: ${a.text}${a.extra?.note ? ` (note: ${a.extra.note})` : ''}`;
        if (a.id === view.selectedId) {
          b.classList.add('selected');
          b.setAttribute('aria-current', 'true');
        }
        const chip = document.createElement('span');
        chip.className = 'chip';
        chip.style.setProperty('--label-color', view.color(a.label));
        chip.style.setProperty('--label-text', view.textColor(a.label));
        chip.textContent = labels.get(a.label)?.shownId ?? a.label;
        const q = document.createElement('span');
        q.className = 'quote';
        q.textContent = a.text;
        // Spaces between the parts, so that the visible text reads "GPE Moscow" (the flex row does not draw them).
        b.append(chip, ' ', q);
        // What imports bring along: a note (brat, W3C) and suggestions (Label Studio predictions).
        if (a.suggested) {
          const tag = document.createElement('span');
          tag.className = 'badge';
          tag.textContent = 'suggested';
          b.append(' ', tag);
        }
        if (a.extra?.note) {
          const note = document.createElement('span');
          note.className = 'badge';
          note.textContent = 'note';
          b.append(' ', note);
        }
        // The entity it is linked to (entities.js), by name.
        if (a.extra?.entity) {
          const entity = document.createElement('span');
          entity.className = 'badge entity-badge';
          try {
            entity.textContent = state.core.entity(a.extra.entity).name;
          } catch {
            entity.textContent = a.extra.entity;
          }
          b.append(' ', entity);
        }
        // The name is the row's visible text, in order.
        b.setAttribute('aria-label', b.textContent);
        li.append(b);
        return li;
      }),
    );
    if (focused) this.list.querySelector(`.annotation-button[data-annotation-id="${CSS.escape(focused)}"]`)?.focus({ preventScroll: true });
    // Reveal the selected annotation, if it is still selected (it may be gone by now).
    if (this.pendingReveal) {
      const id = this.pendingReveal;
      this.pendingReveal = null;
      if (id === view.selectedId) this.revealNow(id);
    }
  }

  /** Scrolls the list so that annotation `id` is in view (after the next paint). */
  reveal(id) {
    this.pendingReveal = id;
    this.scheduleAfterPaint();
  }

  revealNow(id) {
    const rank = state.core.annotationRank(state.openDocId, id);
    const rowTop = this.list.offsetTop + rank * ROW_PX;
    if (rowTop < this.panel.scrollTop || rowTop + ROW_PX > this.panel.scrollTop + this.panel.clientHeight) {
      this.panel.scrollTop = rowTop - this.panel.clientHeight / 2;
      this.renderRows();
    }
  }

  /** Marks the row of annotation `id` as selected (none, for null), among the rows drawn. */
  markSelected(id) {
    for (const b of this.list.querySelectorAll('.annotation-button')) {
      const selected = b.dataset.annotationId === id;
      b.classList.toggle('selected', selected);
      if (selected) b.setAttribute('aria-current', 'true');
      else b.removeAttribute('aria-current');
    }
  }
}
