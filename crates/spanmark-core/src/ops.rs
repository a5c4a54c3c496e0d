//! The vocabulary of change: every [`Op`] a workspace applies, the [`Step`] an action
//! makes of them, what they touched ([`Effect`], [`Changed`]) and why one is refused
//! ([`EditError`]). Offsets are UTF-8 bytes.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::annotation::Annotation;
use crate::document::{Document, DocumentError};
use crate::offsets::OffsetError;
use crate::entity::Entity;
use crate::relation::Relation;
use crate::schema::{AttributeDef, Label, RelationType, SchemaError};
use crate::selection::SelectionError;

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
    /// A document name cannot be blank.
    #[error("a document's name cannot be blank")]
    EmptyName,
    /// The workspace already holds the most documents it may.
    #[error("the workspace holds {0} documents, the most Spanmark keeps; remove some (or export them) first")]
    TooManyDocuments(usize),
    /// A document would hold more annotations than it may.
    #[error("a document holds at most {0} annotations")]
    TooManyAnnotations(usize),
    /// The text could not become a document.
    #[error(transparent)]
    Document(#[from] DocumentError),
    /// No relation in the document has this id.
    #[error("no relation has id {0:?} in this document")]
    NoSuchRelation(String),
    /// A relation with this id already exists in the document.
    #[error("a relation with id {0:?} already exists in this document")]
    RelationExists(String),
    /// The schema has no relation type with this id.
    #[error("the schema has no relation type {0:?}")]
    NoSuchRelationType(String),
    /// The schema has no attribute with this id.
    #[error("the schema has no attribute {0:?}")]
    NoSuchAttribute(String),
    /// The same two annotations are already linked by a relation of this type.
    #[error("“{from}” and “{to}” are already linked by {kind} (relation {existing})")]
    DuplicateRelation {
        /// The relation type.
        kind: String,
        /// The existing relation's id.
        existing: String,
        /// The source's quote.
        from: String,
        /// The target's quote.
        to: String,
    },
    /// A relation's ends do not take the labels they have.
    #[error("{0}")]
    RelationDoesNotFit(Box<RelationMisfit>),
    /// A relation cannot link an annotation to itself.
    #[error("a relation links two different annotations; “{0}” cannot be linked to itself")]
    SelfRelation(String),
    /// The annotation still has relations (they are removed with it by the edit that removes it).
    #[error("annotation {id:?} still has {count} relation(s)")]
    HasRelations {
        /// The annotation's id.
        id: String,
        /// How many relations it has.
        count: usize,
    },
    /// A label or relation type is still used, and the edit would break what uses it.
    #[error("{what} {id:?} is still used by {count} {by}")]
    InUse {
        /// What it is (`label`, `relation type`, `attribute`).
        what: &'static str,
        /// Its id.
        id: String,
        /// How many use it.
        count: usize,
        /// What uses it (`relations`, `relation types or attributes`).
        by: &'static str,
    },
    /// A note is too long.
    #[error("a note holds at most {0} characters")]
    NoteTooLong(usize),
    /// The document has no layer of this annotator.
    #[error("no layer of annotator {0:?} in this document")]
    NoSuchLayer(String),
    /// The registry has no entity with this id.
    #[error("the registry has no entity {0:?}")]
    NoSuchEntity(String),
    /// The registry already has an entity with this id.
    #[error("the registry already has an entity {0:?}")]
    EntityExists(String),
    /// An entity is still mentioned.
    #[error("entity {id:?} is still mentioned by {count} annotation(s)")]
    EntityInUse {
        /// The entity's id.
        id: String,
        /// How many annotations link to it.
        count: usize,
    },
    /// The attribute does not apply to this label or relation type.
    #[error("attribute {attribute:?} does not apply to {target}")]
    AttributeDoesNotApply {
        /// The attribute's id.
        attribute: String,
        /// The label or relation type it was set on.
        target: String,
    },
}

/// Why a relation type does not take two annotations (boxed in [`EditError`], which
/// stays small).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} links {expected}; “{from}” is {from_label} and “{to}” is {to_label}")]
pub struct RelationMisfit {
    /// The relation type.
    pub kind: String,
    /// What the type takes, as `PERSON|FAC → GPE|LOC`.
    pub expected: String,
    /// The source's quote.
    pub from: String,
    /// The source's label.
    pub from_label: String,
    /// The target's quote.
    pub to: String,
    /// The target's label.
    pub to_label: String,
}

/// An annotation or a relation of a document: what a note or an attribute is set on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Item {
    /// The annotation with this id.
    Annotation(String),
    /// The relation with this id.
    Relation(String),
}

impl Item {
    /// The id of the annotation or relation.
    pub fn id(&self) -> &str {
        match self {
            Item::Annotation(id) | Item::Relation(id) => id,
        }
    }
}

/// What adding a relation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelationAdded {
    /// A new relation was added.
    New(Relation),
    /// The same two annotations are already linked so; nothing changed. The message says why.
    Duplicate(Relation, String),
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
    /// The title the analyst gave, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Its relations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<Relation>,
    /// The suggestions rejected in it: `(start_byte, end_byte, label)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected: Vec<(usize, usize, String)>,
    /// Other annotators' layers, by annotator.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub layers: std::collections::BTreeMap<String, Vec<Annotation>>,
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
    /// Rename a document.
    SetDocumentName {
        /// The document's id.
        doc: String,
        /// The new name.
        name: String,
    },
    /// Give a document a title of the analyst's, or (with `None`) go back to the one read from its text.
    SetDocumentTitle {
        /// The document's id.
        doc: String,
        /// The title.
        title: Option<String>,
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
    /// Remove a label that no annotation, relation type or attribute uses.
    DeleteLabel {
        /// The label's id.
        id: String,
    },
    /// Change a label's name, colour, hotkey or description (the id stays).
    ReplaceLabel {
        /// The label as it becomes, with the id of the one it replaces.
        label: Label,
    },
    /// Link two annotations of a document.
    InsertRelation {
        /// The document's id.
        doc: String,
        /// The relation, with its id.
        relation: Relation,
    },
    /// Remove a relation.
    DeleteRelation {
        /// The document's id.
        doc: String,
        /// The relation's id.
        id: String,
    },
    /// Give a relation another type.
    SetRelationType {
        /// The document's id.
        doc: String,
        /// The relation's id.
        id: String,
        /// The new type's id.
        kind: String,
    },
    /// Set or clear the note of an annotation or relation.
    SetNote {
        /// The document's id.
        doc: String,
        /// What the note is on.
        item: Item,
        /// The note; `None` clears it.
        note: Option<String>,
    },
    /// Set or clear an attribute of an annotation or relation.
    SetAttribute {
        /// The document's id.
        doc: String,
        /// What the attribute is on.
        item: Item,
        /// The attribute's id.
        name: String,
        /// The value; `None` clears it.
        value: Option<String>,
    },
    /// Add a relation type at a position in the schema.
    InsertRelationType {
        /// Position among the relation types.
        index: usize,
        /// The relation type.
        relation_type: RelationType,
    },
    /// Remove a relation type that no relation or attribute uses.
    DeleteRelationType {
        /// The type's id.
        id: String,
    },
    /// Change a relation type (the id stays); every relation of the type must still fit.
    ReplaceRelationType {
        /// The type as it becomes.
        relation_type: RelationType,
    },
    /// Add an attribute definition at a position in the schema.
    InsertAttribute {
        /// Position among the attributes.
        index: usize,
        /// The definition.
        attribute: AttributeDef,
    },
    /// Remove an attribute definition that no annotation or relation carries.
    DeleteAttribute {
        /// The attribute's id.
        id: String,
    },
    /// Change an attribute definition (the id stays); every value set must still fit.
    ReplaceAttribute {
        /// The definition as it becomes.
        attribute: AttributeDef,
    },
    /// Add an entity to the registry.
    InsertEntity {
        /// The entity.
        entity: Entity,
    },
    /// Remove an entity that no annotation mentions.
    DeleteEntity {
        /// The entity's id.
        id: String,
    },
    /// Change an entity (name, aliases, identifiers, note, type); the id stays.
    ReplaceEntity {
        /// The entity as it becomes.
        entity: Entity,
    },
    /// Mark a suggestion rejected (so it is not suggested again), or not.
    SetRejected {
        /// The document's id.
        doc: String,
        /// First byte of the suggested span.
        start_byte: usize,
        /// End of the suggested span.
        end_byte: usize,
        /// The suggested label.
        label: String,
        /// Whether it is rejected.
        rejected: bool,
    },
    /// Add another annotator's layer of a document (read-only: a colleague's annotations).
    InsertLayer {
        /// The document's id.
        doc: String,
        /// The annotator's name.
        annotator: String,
        /// Their annotations (UTF-8 byte offsets).
        annotations: Vec<Annotation>,
    },
    /// Remove another annotator's layer of a document.
    DeleteLayer {
        /// The document's id.
        doc: String,
        /// The annotator's name.
        annotator: String,
    },
    /// Set (or with `None` remove) the analyst's gazetteer (TSV: text, label, optional entity id).
    SetGazetteer {
        /// The gazetteer's text.
        text: Option<String>,
    },
    /// Link an annotation to an entity, or (with `None`) unlink it.
    SetEntity {
        /// The document's id.
        doc: String,
        /// The annotation's id.
        annotation: String,
        /// The entity's id.
        entity: Option<String>,
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
        /// The indices of the blocks (lines) that range touches, half-open: the ones to redraw.
        blocks: Range<usize>,
    },
    /// Relations of a document were added, removed or retyped.
    Relations {
        /// The document's id.
        doc: String,
    },
    /// The note or attributes of an annotation or relation changed.
    Details {
        /// The document's id.
        doc: String,
        /// What changed.
        item: Item,
    },
    /// Documents were added or removed.
    Documents,
    /// The label schema changed.
    Schema,
    /// The entity registry changed.
    Entities,
    /// What is suggested changed (a rejection, the gazetteer).
    Suggestions,
    /// Another annotator's layer of a document was added or removed.
    Layers {
        /// The document's id.
        doc: String,
    },
}

/// What an undo or redo did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The action that was undone or redone.
    pub summary: String,
    /// What it touched.
    pub effects: Vec<Effect>,
}

/// Which history stack a step is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stack {
    /// The steps that undo can take back.
    Undo,
    /// The steps that redo can take again.
    Redo,
}

/// A part of the workspace that changed, in the workspace's own terms. Persistence
/// turns each into the record that holds it; nothing in the workspace knows records.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Changed {
    /// The settings: the label schema, the document order, the id counters.
    Settings,
    /// A document's text and name (added or removed).
    Document(String),
    /// One annotation of a document (added, removed or changed).
    Annotation {
        /// The document's id.
        doc: String,
        /// The annotation's id.
        id: String,
    },
    /// Every annotation and relation of a document at once, by id: the document was
    /// added or removed whole (an import of 100,000 annotations is one of these, not
    /// 100,000 [`Changed::Annotation`]s).
    Contents {
        /// The document's id.
        doc: String,
        /// Its annotations' ids.
        annotations: Vec<String>,
        /// Its relations' ids.
        relations: Vec<String>,
    },
    /// One relation of a document (added, removed or changed).
    Relation {
        /// The document's id.
        doc: String,
        /// The relation's id.
        id: String,
    },
    /// One entity of the registry (added, removed or changed).
    Entity(String),
    /// The rejected suggestions of a document.
    Rejections(String),
    /// The gazetteer.
    Gazetteer,
    /// Another annotator's layer of a document.
    Layer {
        /// The document's id.
        doc: String,
        /// The annotator.
        annotator: String,
    },
    /// The step at `index` of a history stack (pushed or popped).
    History {
        /// Which stack.
        stack: Stack,
        /// The step's position, from the bottom.
        index: usize,
    },
}
