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
};
