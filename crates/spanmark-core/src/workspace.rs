//! The workspace: the corpus of documents, the label schema, and every edit an analyst makes.

use std::ops::Range;

use crate::annotation::Annotation;
use crate::document::{Document, DocumentError};
use crate::offsets::{OffsetError, Unit};
use crate::schema::LabelSchema;
use crate::segments::{segments, Segment};
use crate::selection::{normalize_selection, SelectionError, SnapMode};

/// Why an edit was refused. A refused edit changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// No document has this id.
    #[error("no document has id {0:?}")]
    NoSuchDocument(String),
    /// No annotation in the document has this id.
    #[error("no annotation has id {0:?} in this document")]
    NoSuchAnnotation(String),
    /// The label is not in the schema.
    #[error("the schema has no label {0:?}")]
    NoSuchLabel(String),
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

/// A corpus of documents under one label schema.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub(crate) schema: LabelSchema,
    pub(crate) documents: Vec<Document>,
    next_document: u64,
    next_annotation: u64,
}

impl Default for Workspace {
    fn default() -> Self {
        Workspace::new(LabelSchema::default_news())
    }
}

impl Workspace {
    /// An empty workspace with this schema.
    pub fn new(schema: LabelSchema) -> Self {
        Workspace { schema, documents: Vec::new(), next_document: 1, next_annotation: 1 }
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

    fn document_mut(&mut self, id: &str) -> Result<&mut Document, EditError> {
        self.documents.iter_mut().find(|d| d.id() == id).ok_or_else(|| EditError::NoSuchDocument(id.to_owned()))
    }

    /// Inserts `annotation` into the document at `doc_at`, first giving it a fresh id
    /// if its own is empty or already taken in that document. Returns the id it got.
    pub(crate) fn insert_annotation(&mut self, doc_at: usize, mut annotation: Annotation) -> String {
        let doc = &mut self.documents[doc_at];
        if annotation.id.is_empty() || doc.annotations.contains_id(&annotation.id) {
            annotation.id = loop {
                let id = format!("a{}", self.next_annotation);
                self.next_annotation += 1;
                if !doc.annotations.contains_id(&id) {
                    break id;
                }
            };
        }
        let id = annotation.id.clone();
        doc.annotations.insert(annotation);
        id
    }

    /// A document id that no document has yet.
    pub(crate) fn fresh_document_id(&mut self) -> String {
        loop {
            let id = format!("d{}", self.next_document);
            self.next_document += 1;
            if self.document(&id).is_err() {
                return id;
            }
        }
    }

    /// Adds a document holding `text`, exactly as given, and returns its id.
    pub fn add_document(&mut self, name: &str, text: &str) -> Result<String, EditError> {
        let id = self.fresh_document_id();
        let doc = Document::new(id.clone(), name, text)?;
        self.documents.push(doc);
        Ok(id)
    }

    /// Adds a document that was built elsewhere (by an importer), keeping its id if it is free.
    pub(crate) fn push_document(&mut self, mut doc: Document) -> String {
        if self.document(doc.id()).is_ok() {
            let id = self.fresh_document_id();
            let mut renamed = Document::new(id, doc.name(), doc.text()).expect("text was accepted once already");
            renamed.annotations = std::mem::take(&mut doc.annotations);
            doc = renamed;
        }
        let id = doc.id().to_owned();
        self.documents.push(doc);
        id
    }

    /// Removes a document and its annotations, and returns it.
    pub fn remove_document(&mut self, doc_id: &str) -> Result<Document, EditError> {
        let at = self
            .documents
            .iter()
            .position(|d| d.id() == doc_id)
            .ok_or_else(|| EditError::NoSuchDocument(doc_id.to_owned()))?;
        Ok(self.documents.remove(at))
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
        let doc_at = self
            .documents
            .iter()
            .position(|d| d.id() == doc_id)
            .ok_or_else(|| EditError::NoSuchDocument(doc_id.to_owned()))?;
        let doc = &self.documents[doc_at];
        doc.offsets().try_convert(range.start, Unit::Byte, Unit::Byte)?;
        doc.offsets().try_convert(range.end, Unit::Byte, Unit::Byte)?;
        if range.start >= range.end {
            return Err(EditError::EmptySpan { start_byte: range.start, end_byte: range.end });
        }
        if let Some(existing) = doc.annotations.find_exact(range.start, range.end, label) {
            return Ok(Added::Duplicate(existing.clone()));
        }
        let mut annotation =
            Annotation { id: String::new(), start_byte: range.start, end_byte: range.end, label: label.to_owned() };
        annotation.id = self.insert_annotation(doc_at, annotation.clone());
        Ok(Added::New(annotation))
    }

    /// Removes an annotation and returns it.
    pub fn remove_annotation(&mut self, doc_id: &str, annotation_id: &str) -> Result<Annotation, EditError> {
        self.document_mut(doc_id)?
            .annotations
            .remove(annotation_id)
            .ok_or_else(|| EditError::NoSuchAnnotation(annotation_id.to_owned()))
    }

    /// Gives an annotation another label, keeping its id and span.
    pub fn relabel_annotation(&mut self, doc_id: &str, annotation_id: &str, label: &str) -> Result<Relabelled, EditError> {
        if self.schema.get(label).is_none() {
            return Err(EditError::NoSuchLabel(label.to_owned()));
        }
        let doc = self.document_mut(doc_id)?;
        let current = doc
            .annotations
            .get(annotation_id)
            .cloned()
            .ok_or_else(|| EditError::NoSuchAnnotation(annotation_id.to_owned()))?;
        if current.label == label {
            return Ok(Relabelled::Unchanged(current));
        }
        if let Some(other) = doc.annotations.find_exact(current.start_byte, current.end_byte, label) {
            return Ok(Relabelled::WouldDuplicate(other.clone()));
        }
        doc.annotations.remove(annotation_id);
        let changed = Annotation { label: label.to_owned(), ..current };
        doc.annotations.insert(changed.clone());
        Ok(Relabelled::Changed(changed))
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
