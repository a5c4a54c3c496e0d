// The page's elements that the shell's modules share, looked up once by id.

const $ = (id) => document.getElementById(id);

export const ui = {
  docList: $('document-list'),
  palette: $('palette'),
  doc: $('doc'),
  docEmpty: $('doc-empty'),
  annList: $('annotation-list'),
  annPanel: $('annotations-panel'),
  annCount: $('annotation-count'),
  status: $('status'),
  message: $('message'),
  messageText: $('message-text'),
  messageDetails: $('message-details'),
  messageClose: $('message-close'),
  snapWords: $('snap-words'),
  exportDoc: $('export-doc'),
  exportAll: $('export-all'),
  exportFormat: $('export-format'),
  importDialog: $('import-dialog'),
  importInput: $('import-input'),
  dropZone: $('drop-zone'),
  saveStatus: $('save-status'),
  undo: $('undo'),
  redo: $('redo'),
  backup: $('backup'),
  restoreInput: $('restore-input'),
  readOnly: $('read-only'),
};
