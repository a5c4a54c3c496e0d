// The relation list: every relation of the open document, virtualised (only the rows in
// view are built), filterable by type and by the text of an end; a click selects one.

import { afterPaint } from './layout.js';
import { relationTypesList, selectRelation } from './relations.js';
import { state } from './state.js';

// Rows of the relation list, and how many beyond the visible ones are built.
const ROW_PX = 30;
const ROW_OVERSCAN = 8;

export class RelationList {
  constructor() {
    this.box = document.getElementById('relation-list');
    this.count = document.getElementById('relation-count');
    this.filterType = document.getElementById('relation-filter-type');
    this.filterText = document.getElementById('relation-filter-text');
    this.rows = [];
    // Renders after the next paint: an edit (or a selection) shows first, and the list,
    // which reads every relation of the document, follows.
    this.renderSoon = afterPaint(() => this.render());
    this.box.addEventListener('scroll', () => this.paint(), { passive: true });
    this.box.addEventListener('click', (e) => {
      const b = e.target.closest('[data-relation-id]');
      if (!b) return;
      selectRelation(b.dataset.relationId);
      state.arcs.jumpToRelation(b.dataset.relationId);
    });
    this.box.closest('details').addEventListener('toggle', () => this.render());
    this.filterType.addEventListener('change', () => this.render());
    this.filterText.addEventListener('input', () => this.render());
  }

  render() {
    // The list reads every relation of the document: only while it is open.
    if (!this.box.closest('details').open) return;
    const all = state.openDocId ? state.arcs.relations() : [];
    const type = this.filterType.value;
    const needle = this.filterText.value.trim().toLocaleLowerCase();
    this.rows = all.filter(
      (r) =>
        (!type || r.type === type) &&
        (!needle || r.from.text.toLocaleLowerCase().includes(needle) || r.to.text.toLocaleLowerCase().includes(needle)),
    );
    this.count.textContent = all.length ? `(${this.rows.length === all.length ? all.length : `${this.rows.length} of ${all.length}`})` : '';
    this.paint(true);
  }

  paint(force = false) {
    const list = this.box.querySelector('ol');
    list.style.height = `${this.rows.length * ROW_PX}px`;
    const first = Math.max(0, Math.floor(this.box.scrollTop / ROW_PX) - ROW_OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((this.box.scrollTop + this.box.clientHeight) / ROW_PX) + ROW_OVERSCAN);
    if (!force && this.painted && this.painted[0] === first && this.painted[1] === last) return;
    this.painted = [first, last];
    const items = [];
    for (let i = first; i < last; i++) {
      const r = this.rows[i];
      const li = document.createElement('li');
      li.style.top = `${i * ROW_PX}px`;
      const b = document.createElement('button');
      b.type = 'button';
      b.className = `relation-row${r.id === state.selectedRelationId ? ' selected' : ''}`;
      b.dataset.relationId = r.id;
      const t = relationTypesList().find((x) => x.id === r.type);
      const chip = document.createElement('span');
      chip.className = 'relation-chip';
      chip.style.setProperty('--relation-color', t?.lineColor ?? '#444444');
      chip.textContent = r.type;
      const text = document.createElement('span');
      text.className = 'quote';
      text.textContent = `${r.from.text} ${t?.directed === false ? '↔' : '→'} ${r.to.text}`;
      b.append(chip, text);
      b.setAttribute('aria-pressed', r.id === state.selectedRelationId ? 'true' : 'false');
      li.append(b);
      items.push(li);
    }
    list.replaceChildren(...items);
  }
}

