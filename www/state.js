// The shell's shared state, owned here: the core, the open document, the tab's role and the two views.

export const state = {
  /** The workspace, a wasm Spanmark; session.js replaces it when it adopts another one. */
  core: null,
  /** The id of the document on screen, or null; documents.js sets it. */
  openDocId: null,
  /** Whether another tab is the writer, so that this one must not edit; session.js sets it. */
  readOnly: false,
  /** The article (a DocView) and the annotation list (an AnnotationList), created once at start-up. */
  view: null,
  annotationList: null,
  /** The relation arcs (an Arcs) and the relation list (a RelationList); relations.js makes them. */
  arcs: null,
  relationList: null,
  /** The selected relation's id, or null (an annotation and a relation are never both selected). */
  selectedRelationId: null,
  /** After a relation edit: save, update history, redraw arcs and lists (app.js sets it). */
  edited: null,
  /** Selects an annotation as commands.js does (app.js sets it; relations.js calls it). */
  selectAnnotationById: null,
  /** Other annotators' layers: `changed()` after a change, `opened()` after a document opens (layers.js). */
  layers: null,
  /** Shows a relation in the details panel, when there is one. */
  showRelationDetails: null,
};
