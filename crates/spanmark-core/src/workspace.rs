//! The workspace: the corpus of documents, the label schema, and every edit an analyst makes.
//!
//! Every change goes through one function, `apply`, which performs one [`Op`] after
//! checking it, and returns the op that undoes it. An analyst's action (tagging a span,
//! importing a file) is one [`Step`] of ops, so undo and redo are unlimited and exact,
//! and every op also records which storage records it changed (see [`crate::persist`]).

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::annotation::Annotation;
use crate::document::{Document, DocumentError};
use crate::offsets::{OffsetError, Unit};
use crate::persist::Pending;
use crate::schema::{Label, LabelSchema, SchemaError};
use crate::segments::{segments, Segment};
use crate::selection::{normalize_selection, SelectionError, SnapMode};

/// Why an edit was refused. A refused edit changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// No document has this id.
    #[error("no document has id {0:?}")]
    NoSuchDocument(String),
    /// A document with this id already exists.
    #[error("a document with id {0:?} already exists")]
    DocumentExists(String),
    /// No annotation in the document has this id.
    #[error("no annotation has id {0:?} in this document")]
    NoSuchAnnotation(String),
    /// An annotation with this id already exists in the document.
    #[error("an annotation with id {0:?} already exists in this document")]
    AnnotationExists(String),
    /// The label is not in the schema.
    #[error("the schema has no label {0:?}")]
    NoSuchLabel(String),
    /// The label cannot be removed while annotations use it.
    #[error("label {0:?} is still used by annotations")]
    LabelInUse(String),
    /// The label could not be added to the schema.
    #[error(transparent)]
    Schema(#[from] SchemaError),
    /// A span offset is out of range or inside a character.
    #[error(transparent)]
    Offset(#[from] OffsetError),
    /// A span is empty or ends before it starts.
    #[error("a span must cover at least one character; got bytes {start_byte}..{end_byte}")]
    EmptySpan {
        /// Start, in UTF-8 bytes.
        start_byte: usize,
        /// End, in UTF-8 bytes.
        end_byte: usize,
    },
    /// The selection could not become a span.
    #[error(transparent)]
    Selection(#[from] SelectionError),
    /// The text could not become a document.
    #[error(transparent)]
    Document(#[from] DocumentError),
}

/// What adding an annotation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// A new annotation was added.
    New(Annotation),
    /// An annotation with the same span and label already exists, so nothing changed.
    Duplicate(Annotation),
}

/// What relabelling an annotation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relabelled {
    /// The annotation now has the new label.
    Changed(Annotation),
    /// It already had that label, so nothing changed.
    Unchanged(Annotation),
    /// Another annotation already has this span and the new label, so nothing changed.
    WouldDuplicate(Annotation),
}

/// A document with its annotations, as held by an op that can bring it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredDocument {
    /// The document's id.
    pub id: String,
    /// The document's name.
    pub name: String,
    /// The exact text.
    pub text: String,
    /// Its annotations (UTF-8 byte offsets).
    pub annotations: Vec<Annotation>,
}

/// One primitive change to a workspace. Offsets are UTF-8 bytes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Op {
    /// Add an annotation to a document.
    InsertAnnotation {
        /// The document's id.
        doc: String,
        /// The annotation, with its id.
        annotation: Annotation,
    },
    /// Remove an annotation.
    DeleteAnnotation {
        /// The document's id.
        doc: String,
        /// The annotation's id.
        id: String,
    },
    /// Give an annotation another label.
    SetLabel {
        /// The document's id.
        doc: String,
        /// The annotation's id.
        id: String,
        /// The new label's id.
        label: String,
    },
    /// Add a document (with annotations) at a position in the document list.
    InsertDocument {
        /// Position in the document list.
        index: usize,
        /// The document.
        document: StoredDocument,
    },
    /// Add a document that an importer has already built and checked, without building
    /// it again. Only ever applied forward: its inverse (`DeleteDocument`) is what history keeps.
    #[serde(skip)]
    InsertBuilt {
        /// Position in the document list.
        index: usize,
        /// The document, with its annotations.
        document: Box<Document>,
    },
    /// Remove a document and its annotations.
    DeleteDocument {
        /// The document's id.
        id: String,
    },
    /// Add a label at a position in the schema.
    InsertLabel {
        /// Position in the schema.
        index: usize,
        /// The label.
        label: Label,
    },
    /// Remove a label that no annotation uses.
    DeleteLabel {
        /// The label's id.
        id: String,
    },
}

/// One undoable action: the ops that undo (or redo) it, in the order to apply them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Step {
    /// What the action was, for the analyst ("Tag PERSON “Vladimir Putin”").
    pub summary: String,
    /// The ops to apply, in order.
    pub ops: Vec<Op>,
}

/// What an op touched, so a view can redraw just that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Spans changed within this byte range of a document.
    Span {
        /// The document's id.
        doc: String,
        /// The byte range that changed.
        range: Range<usize>,
    },
    /// Documents were added or removed.
    Documents,
    /// The label schema changed.
    Schema,
}

/// What an undo or redo did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The action that was undone or redone.
    pub summary: String,
    /// What it touched.
    pub effects: Vec<Effect>,
}

/// A corpus of documents under one label schema, with its history.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub(crate) schema: LabelSchema,
    pub(crate) documents: Vec<Document>,
    pub(crate) next_document: u64,
    pub(crate) next_annotation: u64,
    pub(crate) undo: Vec<Step>,
    pub(crate) redo: Vec<Step>,
    pub(crate) pending: Pending,
    /// The shell's own state, stored and restored but never interpreted.
    pub(crate) ui_state: Option<String>,
    /// Counts applied ops, so that a staged import can tell the workspace changed.
    pub(crate) revision: u64,
}

impl Default for Workspace {
    fn default() -> Self {
        Workspace::new(LabelSchema::default_news())
    }
}

impl Workspace {
    /// An empty workspace with this schema.
    pub fn new(schema: LabelSchema) -> Self {
        let mut ws = Workspace {
            schema,
            documents: Vec::new(),
            next_document: 1,
            next_annotation: 1,
            undo: Vec::new(),
            redo: Vec::new(),
            pending: Pending::default(),
            ui_state: None,
            revision: 0,
        };
        ws.pending.meta();
        ws
    }

    /// The label schema.
    pub fn schema(&self) -> &LabelSchema {
        &self.schema
    }

    /// The documents, in the order they were added.
    pub fn documents(&self) -> &[Document] {
        &self.documents
    }

    /// The document with this id.
    pub fn document(&self, id: &str) -> Result<&Document, EditError> {
        self.documents.iter().find(|d| d.id() == id).ok_or_else(|| EditError::NoSuchDocument(id.to_owned()))
    }

    fn document_index(&self, id: &str) -> Result<usize, EditError> {
        self.documents.iter().position(|d| d.id() == id).ok_or_else(|| EditError::NoSuchDocument(id.to_owned()))
    }

    fn document_mut(&mut self, id: &str) -> Result<&mut Document, EditError> {
        self.documents.iter_mut().find(|d| d.id() == id).ok_or_else(|| EditError::NoSuchDocument(id.to_owned()))
    }

    /// A document id that no document has yet (ids are never reused).
    pub(crate) fn fresh_document_id(&mut self, also_taken: &dyn Fn(&str) -> bool) -> String {
        self.pending.meta();
        loop {
            let id = format!("d{}", self.next_document);
            self.next_document += 1;
            if self.document(&id).is_err() && !also_taken(&id) {
                return id;
            }
        }
    }

    /// An annotation id that the document `doc_id` does not use yet (ids are never reused).
    fn fresh_annotation_id(&mut self, doc_id: &str) -> Result<String, EditError> {
        self.pending.meta();
        let at = self.document_index(doc_id)?;
        loop {
            let id = format!("a{}", self.next_annotation);
            self.next_annotation += 1;
            if !self.documents[at].annotations.contains_id(&id) {
                return Ok(id);
            }
        }
    }

    // ---- The one way to change a workspace -------------------------------------------

    /// Checks an annotation against a document: boundaries, non-empty, fresh id, known label.
    fn check_annotation(&self, doc: &Document, a: &Annotation) -> Result<(), EditError> {
        doc.offsets().try_convert(a.start_byte, Unit::Byte, Unit::Byte)?;
        doc.offsets().try_convert(a.end_byte, Unit::Byte, Unit::Byte)?;
        if a.start_byte >= a.end_byte {
            return Err(EditError::EmptySpan { start_byte: a.start_byte, end_byte: a.end_byte });
        }
        if doc.annotations.contains_id(&a.id) {
            return Err(EditError::AnnotationExists(a.id.clone()));
        }
        if self.schema.get(&a.label).is_none() {
            return Err(EditError::NoSuchLabel(a.label.clone()));
        }
        Ok(())
    }

    /// Applies one op after checking it completely, and returns the op that undoes it
    /// and what it touched. A refused op changes nothing.
    pub(crate) fn apply(&mut self, op: Op) -> Result<(Op, Effect), EditError> {
        self.revision += 1;
        match op {
            Op::InsertAnnotation { doc, annotation } => {
                let d = self.document(&doc)?;
                self.check_annotation(d, &annotation)?;
                let (id, range) = (annotation.id.clone(), annotation.range());
                self.pending.annotation(&doc, &id);
                self.document_mut(&doc)?.annotations.insert(annotation);
                Ok((Op::DeleteAnnotation { doc: doc.clone(), id }, Effect::Span { doc, range }))
            }
            Op::DeleteAnnotation { doc, id } => {
                let removed =
                    self.document_mut(&doc)?.annotations.remove(&id).ok_or_else(|| EditError::NoSuchAnnotation(id.clone()))?;
                self.pending.annotation(&doc, &id);
                let range = removed.range();
                Ok((Op::InsertAnnotation { doc: doc.clone(), annotation: removed }, Effect::Span { doc, range }))
            }
            Op::SetLabel { doc, id, label } => {
                if self.schema.get(&label).is_none() {
                    return Err(EditError::NoSuchLabel(label));
                }
                let d = self.document_mut(&doc)?;
                let mut a = d.annotations.remove(&id).ok_or_else(|| EditError::NoSuchAnnotation(id.clone()))?;
                let old = std::mem::replace(&mut a.label, label);
                let range = a.range();
                d.annotations.insert(a);
                self.pending.annotation(&doc, &id);
                Ok((Op::SetLabel { doc: doc.clone(), id, label: old }, Effect::Span { doc, range }))
            }
            Op::InsertDocument { index, document } => {
                if self.document(&document.id).is_ok() {
                    return Err(EditError::DocumentExists(document.id));
                }
                let mut doc = Document::new(document.id.clone(), document.name, document.text)?;
                for a in document.annotations {
                    self.check_annotation(&doc, &a)?;
                    doc.annotations.insert(a);
                }
                self.pending.document(&doc);
                let id = doc.id().to_owned();
                self.documents.insert(index.min(self.documents.len()), doc);
                Ok((Op::DeleteDocument { id }, Effect::Documents))
            }
            Op::InsertBuilt { index, document } => {
                if self.document(document.id()).is_ok() {
                    return Err(EditError::DocumentExists(document.id().to_owned()));
                }
                if let Some(a) = document.annotations.iter().find(|a| self.schema.get(&a.label).is_none()) {
                    return Err(EditError::NoSuchLabel(a.label.clone()));
                }
                self.pending.document(&document);
                let id = document.id().to_owned();
                self.documents.insert(index.min(self.documents.len()), *document);
                Ok((Op::DeleteDocument { id }, Effect::Documents))
            }
            Op::DeleteDocument { id } => {
                let index = self.document_index(&id)?;
                let doc = self.documents.remove(index);
                self.pending.forget_document(&doc);
                let document = StoredDocument {
                    id: doc.id().to_owned(),
                    name: doc.name().to_owned(),
                    text: doc.text().to_owned(),
                    annotations: doc.annotations.iter().cloned().collect(),
                };
                Ok((Op::InsertDocument { index, document }, Effect::Documents))
            }
            Op::InsertLabel { index, label } => {
                let id = label.id.clone();
                self.schema.insert(index, label)?;
                self.pending.meta();
                Ok((Op::DeleteLabel { id }, Effect::Schema))
            }
            Op::DeleteLabel { id } => {
                if self.documents.iter().any(|d| d.annotations.iter().any(|a| a.label == id)) {
                    return Err(EditError::LabelInUse(id));
                }
                let (index, label) = self.schema.remove(&id).ok_or_else(|| EditError::NoSuchLabel(id.clone()))?;
                self.pending.meta();
                Ok((Op::InsertLabel { index, label }, Effect::Schema))
            }
        }
    }

    /// Applies `ops` in order, all or nothing. Returns the ops that undo them (in the
    /// order to apply them) and their effects.
    fn apply_all(&mut self, ops: Vec<Op>) -> Result<(Vec<Op>, Vec<Effect>), EditError> {
        let mut inverses = Vec::with_capacity(ops.len());
        let mut effects = Vec::with_capacity(ops.len());
        for op in ops {
            match self.apply(op) {
                Ok((inverse, effect)) => {
                    inverses.push(inverse);
                    effects.push(effect);
                }
                Err(e) => {
                    // Roll back what this batch did, newest first.
                    while let Some(inverse) = inverses.pop() {
                        self.apply(inverse).expect("an inverse op always applies to the state it came from");
                    }
                    return Err(e);
                }
            }
        }
        inverses.reverse();
        Ok((inverses, effects))
    }

    /// Performs an analyst's action as one undoable step.
    pub(crate) fn commit(&mut self, summary: String, ops: Vec<Op>) -> Result<Vec<Effect>, EditError> {
        let (undo_ops, effects) = self.apply_all(ops)?;
        for n in 0..self.redo.len() {
            self.pending.step("redo", n);
        }
        self.redo.clear();
        self.pending.step("undo", self.undo.len());
        self.undo.push(Step { summary, ops: undo_ops });
        Ok(effects)
    }

    /// Undoes the last action. Returns `Ok(None)` when there is nothing to undo.
    ///
    /// A stored step that no longer applies (a damaged record) is an error; it is
    /// dropped so that the steps before it stay reachable, and nothing else changes.
    pub fn undo(&mut self) -> Result<Option<Change>, EditError> {
        self.travel(true)
    }

    /// Redoes the last undone action. Returns `Ok(None)` when there is nothing to redo.
    pub fn redo(&mut self) -> Result<Option<Change>, EditError> {
        self.travel(false)
    }

    fn travel(&mut self, backward: bool) -> Result<Option<Change>, EditError> {
        let (from, to) = if backward { ("undo", "redo") } else { ("redo", "undo") };
        let stack = if backward { &mut self.undo } else { &mut self.redo };
        let Some(step) = stack.pop() else { return Ok(None) };
        self.pending.step(from, stack.len());
        let (ops, effects) = self.apply_all(step.ops)?;
        let target = if backward { &mut self.redo } else { &mut self.undo };
        self.pending.step(to, target.len());
        target.push(Step { summary: step.summary.clone(), ops });
        Ok(Some(Change { summary: step.summary, effects }))
    }

    /// The action the next undo would undo.
    pub fn undo_summary(&self) -> Option<&str> {
        self.undo.last().map(|s| s.summary.as_str())
    }

    /// The action the next redo would redo.
    pub fn redo_summary(&self) -> Option<&str> {
        self.redo.last().map(|s| s.summary.as_str())
    }

    /// Forgets the history (undo and redo), keeping the documents as they are.
    pub fn clear_history(&mut self) {
        for n in 0..self.undo.len() {
            self.pending.step("undo", n);
        }
        for n in 0..self.redo.len() {
            self.pending.step("redo", n);
        }
        self.undo.clear();
        self.redo.clear();
    }

    // ---- Edits ----------------------------------------------------------------------------

    /// Adds a document holding `text`, exactly as given, and returns its id.
    pub fn add_document(&mut self, name: &str, text: &str) -> Result<String, EditError> {
        // Check the text before taking an id, so that a refusal changes nothing.
        Document::check_text(text)?;
        let id = self.fresh_document_id(&|_| false);
        let document = StoredDocument { id: id.clone(), name: name.to_owned(), text: text.to_owned(), annotations: Vec::new() };
        let index = self.documents.len();
        self.commit(format!("Open {name}"), vec![Op::InsertDocument { index, document }])?;
        Ok(id)
    }

    /// Removes a document and its annotations (undoable).
    pub fn remove_document(&mut self, doc_id: &str) -> Result<(), EditError> {
        let name = self.document(doc_id)?.name().to_owned();
        self.commit(format!("Close {name}"), vec![Op::DeleteDocument { id: doc_id.to_owned() }])?;
        Ok(())
    }

    /// Normalises a selection (UTF-8 bytes) of a document: see [`crate::selection`].
    pub fn normalize_selection(&self, doc_id: &str, range: Range<usize>, mode: SnapMode) -> Result<Range<usize>, EditError> {
        let doc = self.document(doc_id)?;
        Ok(normalize_selection(doc.text(), doc.offsets(), range, mode)?)
    }

    /// Adds an annotation over `range` (UTF-8 bytes, half-open, used as given).
    ///
    /// Adding the exact span with the exact label again changes nothing and
    /// returns [`Added::Duplicate`] with the existing annotation.
    pub fn add_annotation(&mut self, doc_id: &str, range: Range<usize>, label: &str) -> Result<Added, EditError> {
        if self.schema.get(label).is_none() {
            return Err(EditError::NoSuchLabel(label.to_owned()));
        }
        let doc = self.document(doc_id)?;
        doc.offsets().try_convert(range.start, Unit::Byte, Unit::Byte)?;
        doc.offsets().try_convert(range.end, Unit::Byte, Unit::Byte)?;
        if range.start >= range.end {
            return Err(EditError::EmptySpan { start_byte: range.start, end_byte: range.end });
        }
        if let Some(existing) = doc.annotations.find_exact(range.start, range.end, label) {
            return Ok(Added::Duplicate(existing.clone()));
        }
        let summary = format!("Tag {label} “{}”", short(&doc.text()[range.clone()]));
        let id = self.fresh_annotation_id(doc_id)?;
        let annotation = Annotation::new(id, range.clone(), label);
        self.commit(summary, vec![Op::InsertAnnotation { doc: doc_id.to_owned(), annotation: annotation.clone() }])?;
        Ok(Added::New(annotation))
    }

    /// Removes an annotation and returns it.
    pub fn remove_annotation(&mut self, doc_id: &str, annotation_id: &str) -> Result<Annotation, EditError> {
        let doc = self.document(doc_id)?;
        let a = doc.annotations.get(annotation_id).cloned().ok_or_else(|| EditError::NoSuchAnnotation(annotation_id.to_owned()))?;
        let summary = format!("Remove {} “{}”", a.label, short(a.quote(doc.text())));
        self.commit(summary, vec![Op::DeleteAnnotation { doc: doc_id.to_owned(), id: annotation_id.to_owned() }])?;
        Ok(a)
    }

    /// Gives an annotation another label, keeping its id and span.
    pub fn relabel_annotation(&mut self, doc_id: &str, annotation_id: &str, label: &str) -> Result<Relabelled, EditError> {
        if self.schema.get(label).is_none() {
            return Err(EditError::NoSuchLabel(label.to_owned()));
        }
        let doc = self.document(doc_id)?;
        let current =
            doc.annotations.get(annotation_id).cloned().ok_or_else(|| EditError::NoSuchAnnotation(annotation_id.to_owned()))?;
        if current.label == label {
            return Ok(Relabelled::Unchanged(current));
        }
        if let Some(other) = doc.annotations.find_exact(current.start_byte, current.end_byte, label) {
            return Ok(Relabelled::WouldDuplicate(other.clone()));
        }
        let summary = format!("Relabel “{}” {} → {label}", short(current.quote(doc.text())), current.label);
        let op = Op::SetLabel { doc: doc_id.to_owned(), id: annotation_id.to_owned(), label: label.to_owned() };
        self.commit(summary, vec![op])?;
        Ok(Relabelled::Changed(Annotation { label: label.to_owned(), ..current }))
    }

    /// The annotations that contain the character at `byte_idx`, innermost first.
    pub fn annotations_at(&self, doc_id: &str, byte_idx: usize) -> Result<Vec<&Annotation>, EditError> {
        Ok(self.document(doc_id)?.annotations.at(byte_idx))
    }

    /// The highlight segments tiling `range` (UTF-8 bytes) of a document: see [`crate::segments`].
    pub fn segments(&self, doc_id: &str, range: Range<usize>) -> Result<Vec<Segment>, EditError> {
        let doc = self.document(doc_id)?;
        let len = doc.text().len();
        if range.end > len {
            return Err(OffsetError::OutOfBounds { unit: Unit::Byte, index: range.end, len }.into());
        }
        Ok(segments(&doc.annotations, range))
    }
}

/// A quote shortened for a summary line.
fn short(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(40).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}
