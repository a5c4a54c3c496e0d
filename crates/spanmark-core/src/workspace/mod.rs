//! The workspace: the corpus of documents, the label schema, and every edit an analyst makes.
//!
//! Every change goes through one function, `apply`, which performs one [`Op`] after
//! checking it, and returns the op that undoes it. An analyst's action (tagging a span,
//! importing a file) is one [`Step`] of ops, so undo and redo are unlimited and exact.
//! `apply` also records what it changed, in the workspace's own terms ([`Changed`]);
//! [`crate::persist`] turns that into storage records. The workspace's fields are
//! private: persistence and the interchange formats work through the methods below.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use crate::annotation::{Annotation, AnnotationExtra};
use crate::document::Document;
use crate::entity::Entity;
use crate::offsets::{OffsetError, Unit};
use crate::ops::{Added, Change, Changed, EditError, Effect, Item, Op, Relabelled, RelationAdded, Stack, Step, StoredDocument};
use crate::relation::Relation;
use crate::report::short;
use crate::schema::{AttributeDef, Label, LabelSchema, RelationType, MAX_NOTE_CHARS};
use crate::segments::{segments, Segment};
use crate::selection::{normalize_selection, SnapMode};

mod entities;
mod layers;
mod relations;
mod schema_edits;
mod suggestions;

/// An entity with how often the corpus mentions it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntitySummary<'w> {
    /// The entity.
    pub entity: &'w Entity,
    /// How many annotations link to it.
    pub mentions: usize,
    /// In how many documents.
    pub documents: usize,
}

/// A corpus of documents under one label schema, with its history.
#[derive(Debug, Clone)]
pub struct Workspace {
    schema: LabelSchema,
    documents: Vec<Document>,
    /// The entity registry, by id.
    entities: BTreeMap<String, Entity>,
    /// The analyst's gazetteer (TSV), if any.
    gazetteer: Option<String>,
    /// The analyst's name: whose layer the documents' own annotations are.
    analyst: String,
    next_document: u64,
    next_annotation: u64,
    undo: Vec<Step>,
    redo: Vec<Step>,
    /// What changed since [`Workspace::take_changes`] was last called.
    changes: BTreeSet<Changed>,
    /// Counts applied ops, so that a staged import can tell the workspace changed.
    revision: u64,
    /// Appended to every fresh id (`a12` + `-k3x`), so that ids made on different
    /// replicas of a shared workspace never collide; empty when not shared.
    id_scope: String,
    /// The ops the analyst's own actions applied (commit, undo, redo), kept for the
    /// replicated record ([`crate::replica`]) while it is attached; `None` otherwise.
    journal: Option<Vec<Op>>,
}

/// The analyst's name until they give theirs.
pub const DEFAULT_ANALYST: &str = "me";

/// The most documents a workspace holds.
pub const MAX_DOCUMENTS: usize = 10_000;
/// The most annotations one document holds.
pub const MAX_ANNOTATIONS_PER_DOCUMENT: usize = 1_000_000;

/// Everything a workspace is made of, for building one from stored parts.
#[derive(Debug, Clone)]
pub struct WorkspaceParts {
    /// The label schema.
    pub schema: LabelSchema,
    /// The documents, with their annotations, in list order.
    pub documents: Vec<Document>,
    /// The entity registry.
    pub entities: Vec<Entity>,
    /// The analyst's gazetteer.
    pub gazetteer: Option<String>,
    /// The analyst's name.
    pub analyst: String,
    /// The number in the next fresh document id (`d<n>`).
    pub next_document: u64,
    /// The number in the next fresh annotation id (`a<n>`).
    pub next_annotation: u64,
    /// The undo stack, oldest first.
    pub undo: Vec<Step>,
    /// The redo stack, oldest first.
    pub redo: Vec<Step>,
}

/// The first id `<prefix><n>` with `n` from `*counter` on that `taken` refuses, moving
/// the counter past it: the one rule for fresh ids (ids are never reused).
pub(crate) fn fresh_id(prefix: &str, scope: &str, counter: &mut u64, taken: impl Fn(&str) -> bool) -> String {
    loop {
        let id = format!("{prefix}{counter}{scope}");
        *counter += 1;
        if !taken(&id) {
            return id;
        }
    }
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
            entities: BTreeMap::new(),
            gazetteer: None,
            analyst: DEFAULT_ANALYST.to_owned(),
            next_document: 1,
            next_annotation: 1,
            undo: Vec::new(),
            redo: Vec::new(),
            changes: BTreeSet::new(),
            revision: 0,
            id_scope: String::new(),
            journal: None,
        };
        ws.changes.insert(Changed::Settings);
        ws
    }

    /// A workspace made of stored parts, as they are (nothing is marked changed).
    pub fn from_parts(parts: WorkspaceParts) -> Self {
        let WorkspaceParts { schema, documents, entities, gazetteer, analyst, next_document, next_annotation, undo, redo } = parts;
        let entities = entities.into_iter().map(|e| (e.id.clone(), e)).collect();
        Workspace { schema, documents, entities, gazetteer, analyst, next_document, next_annotation, undo, redo, changes: BTreeSet::new(), revision: 0, id_scope: String::new(), journal: None }
    }

    /// Takes the workspace apart (what it changed but nobody took is dropped).
    pub fn into_parts(self) -> WorkspaceParts {
        let Workspace { schema, documents, entities, gazetteer, analyst, next_document, next_annotation, undo, redo, .. } = self;
        WorkspaceParts { schema, documents, entities: entities.into_values().collect(), gazetteer, analyst, next_document, next_annotation, undo, redo }
    }

    /// The numbers in the next fresh document and annotation ids.
    pub fn id_counters(&self) -> (u64, u64) {
        (self.next_document, self.next_annotation)
    }

    /// The steps of a history stack, oldest first.
    pub fn history(&self, stack: Stack) -> &[Step] {
        match stack {
            Stack::Undo => &self.undo,
            Stack::Redo => &self.redo,
        }
    }

    /// What changed since the last call, in the workspace's terms; clears the record.
    pub fn take_changes(&mut self) -> BTreeSet<Changed> {
        std::mem::take(&mut self.changes)
    }

    /// Whether anything changed since [`Workspace::take_changes`] was last called.
    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty()
    }

    /// Counts applied ops: a staged import checks it to know the workspace did not change.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Marks a document as changed: its text record, its annotations and the settings.
    fn note_document(&mut self, doc: &Document) {
        self.changes.insert(Changed::Settings);
        self.changes.insert(Changed::Document(doc.id().to_owned()));
        self.changes.insert(Changed::Contents {
            doc: doc.id().to_owned(),
            annotations: doc.annotations().iter().map(|a| a.id.clone()).collect(),
            relations: doc.relations().iter().map(|r| r.id.clone()).collect(),
        });
    }

    fn note_relation(&mut self, doc: &str, id: &str) {
        self.changes.insert(Changed::Relation { doc: doc.to_owned(), id: id.to_owned() });
    }

    fn note_annotation(&mut self, doc: &str, id: &str) {
        self.changes.insert(Changed::Annotation { doc: doc.to_owned(), id: id.to_owned() });
    }

    fn note_step(&mut self, stack: Stack, index: usize) {
        self.changes.insert(Changed::History { stack, index });
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
    fn fresh_document_id(&mut self) -> String {
        self.changes.insert(Changed::Settings);
        let mut counter = self.next_document;
        let id = fresh_id("d", &self.id_scope, &mut counter, |c| self.document(c).is_ok());
        self.next_document = counter;
        id
    }

    /// An annotation id that the document `doc_id` does not use yet (ids are never reused).
    fn fresh_annotation_id(&mut self, doc_id: &str) -> Result<String, EditError> {
        self.changes.insert(Changed::Settings);
        let doc = self.document(doc_id)?;
        let mut counter = self.next_annotation;
        let id = fresh_id("a", &self.id_scope, &mut counter, |c| doc.annotations().contains_id(c));
        self.next_annotation = counter;
        Ok(id)
    }

    /// A relation id that the document `doc_id` does not use yet (from the same counter
    /// as annotation ids, so ids are never reused).
    fn fresh_relation_id(&mut self, doc_id: &str) -> Result<String, EditError> {
        self.changes.insert(Changed::Settings);
        let doc = self.document(doc_id)?;
        let mut counter = self.next_annotation;
        let id = fresh_id("r", &self.id_scope, &mut counter, |c| doc.relations().contains_id(c));
        self.next_annotation = counter;
        Ok(id)
    }

    /// What a change to the spans over `range` of document `doc` touched.
    fn span_effect(&self, doc: String, range: Range<usize>) -> Effect {
        let blocks = self.document(&doc).map(|d| d.blocks_touching(range.clone())).unwrap_or(0..0);
        Effect::Span { doc, range, blocks }
    }

    // ---- The one way to change a workspace -------------------------------------------

    /// Checks an annotation against a document: boundaries, non-empty, fresh id, known label.
    fn check_annotation(&self, doc: &Document, a: &Annotation) -> Result<(), EditError> {
        doc.offsets().check_boundary(a.start_byte, Unit::Byte)?;
        doc.offsets().check_boundary(a.end_byte, Unit::Byte)?;
        if a.start_byte >= a.end_byte {
            return Err(EditError::EmptySpan { start_byte: a.start_byte, end_byte: a.end_byte });
        }
        if doc.annotations.contains_id(&a.id) {
            return Err(EditError::AnnotationExists(a.id.clone()));
        }
        if self.schema.get(&a.label).is_none() {
            return Err(EditError::NoSuchLabel(a.label.clone()));
        }
        if let Some(e) = &a.extra().entity {
            if !self.entities.contains_key(e) {
                return Err(EditError::NoSuchEntity(e.clone()));
            }
        }
        Ok(())
    }

    /// Checks that a relation type takes ends with these labels (in either order when it
    /// is symmetric).
    fn check_fit(rt: &RelationType, from: &Annotation, from_label: &str, to: &Annotation, to_label: &str, text: &str) -> Result<(), EditError> {
        let takes = |list: &[String], label: &str| list.is_empty() || list.iter().any(|l| l == label);
        let fits = |f: &str, t: &str| takes(&rt.from_labels, f) && takes(&rt.to_labels, t);
        if fits(from_label, to_label) || (!rt.directed && fits(to_label, from_label)) {
            return Ok(());
        }
        let side = |list: &[String]| if list.is_empty() { "anything".to_owned() } else { list.join("|") };
        let arrow = if rt.directed { "→" } else { "↔" };
        Err(EditError::RelationDoesNotFit(Box::new(crate::ops::RelationMisfit {
            kind: rt.id.clone(),
            expected: format!("{} {arrow} {}", side(&rt.from_labels), side(&rt.to_labels)),
            from: short(from.quote(text), 40),
            from_label: from_label.to_owned(),
            to: short(to.quote(text), 40),
            to_label: to_label.to_owned(),
        })))
    }

    /// Checks a relation against its document and the schema: its ends exist and differ,
    /// its type exists and takes their labels, and no relation (but itself) links them so.
    fn check_relation(&self, doc: &Document, r: &Relation) -> Result<(), EditError> {
        Self::check_relation_with(&self.schema, doc, r)
    }

    /// [`Workspace::check_relation`] against any schema (restore checks saved relations so).
    pub(crate) fn check_relation_with(schema: &LabelSchema, doc: &Document, r: &Relation) -> Result<(), EditError> {
        let rt = schema.relation_type(&r.kind).ok_or_else(|| EditError::NoSuchRelationType(r.kind.clone()))?;
        let from = doc.annotations.get(&r.from).ok_or_else(|| EditError::NoSuchAnnotation(r.from.clone()))?;
        let to = doc.annotations.get(&r.to).ok_or_else(|| EditError::NoSuchAnnotation(r.to.clone()))?;
        if r.from == r.to {
            return Err(EditError::SelfRelation(short(from.quote(doc.text()), 40)));
        }
        Self::check_fit(rt, from, &from.label, to, &to.label, doc.text())?;
        if let Some(existing) = doc.relations.of(&r.from).find(|o| o.id != r.id && o.same_link(r, !rt.directed)) {
            return Err(EditError::DuplicateRelation {
                kind: r.kind.clone(),
                existing: existing.id.clone(),
                from: short(from.quote(doc.text()), 40),
                to: short(to.quote(doc.text()), 40),
            });
        }
        Ok(())
    }

    /// The label of an annotation, or the type of a relation: what decides which attributes apply.
    fn item_class(doc: &Document, item: &Item) -> Result<String, EditError> {
        match item {
            Item::Annotation(id) => doc.annotations.get(id).map(|a| a.label.clone()).ok_or_else(|| EditError::NoSuchAnnotation(id.clone())),
            Item::Relation(id) => doc.relations.get(id).map(|r| r.kind.clone()).ok_or_else(|| EditError::NoSuchRelation(id.clone())),
        }
    }

    /// The extra fields of an annotation or relation, to change.
    fn extra_mut<'d>(doc: &'d mut Document, item: &Item) -> Result<&'d mut Option<Box<AnnotationExtra>>, EditError> {
        match item {
            Item::Annotation(id) => doc.annotations.get_mut(id).map(|a| &mut a.extra).ok_or_else(|| EditError::NoSuchAnnotation(id.clone())),
            Item::Relation(id) => doc.relations.get_mut(id).map(|r| &mut r.extra).ok_or_else(|| EditError::NoSuchRelation(id.clone())),
        }
    }

    /// Changes the extra fields of an item with `change`, dropping them when they end up empty.
    fn change_extra<T>(&mut self, doc_id: &str, item: &Item, change: impl FnOnce(&mut AnnotationExtra) -> T) -> Result<T, EditError> {
        let doc = self.document_mut(doc_id)?;
        let slot = Self::extra_mut(doc, item)?;
        let mut extra = slot.take().map(|b| *b).unwrap_or_default();
        let out = change(&mut extra);
        *slot = (!extra.is_empty()).then(|| Box::new(extra));
        match item {
            Item::Annotation(id) => self.note_annotation(doc_id, id),
            Item::Relation(id) => self.note_relation(doc_id, id),
        }
        Ok(out)
    }

    /// How many relations, over every document, satisfy `pred`.
    fn count_relations(&self, pred: impl Fn(&Relation) -> bool) -> usize {
        self.documents.iter().map(|d| d.relations.iter().filter(|r| pred(r)).count()).sum()
    }

    /// How many annotations and relations, over every document, carry the attribute `id`.
    pub fn attribute_usage(&self, id: &str) -> usize {
        let has = |e: &AnnotationExtra| e.attributes.contains_key(id);
        self.documents.iter().map(|d| d.annotations.iter().filter(|a| has(a.extra())).count() + d.relations.iter().filter(|r| has(r.extra())).count()).sum()
    }

    /// How many annotations, over every document, have the label `id`.
    pub fn label_usage(&self, id: &str) -> usize {
        self.documents.iter().map(|d| d.annotations.iter().filter(|a| a.label == id).count()).sum()
    }

    /// How many relations, over every document, have the type `id`.
    pub fn relation_type_usage(&self, id: &str) -> usize {
        self.count_relations(|r| r.kind == id)
    }

    /// Checks that every relation of every document still fits the schema, and every
    /// attribute value its definition; returns how many do not.
    fn misfits(&self, kind: Option<&str>, attribute: Option<&str>) -> usize {
        let mut bad = 0;
        for doc in &self.documents {
            if let Some(kind) = kind {
                bad += doc.relations.iter().filter(|r| r.kind == kind && self.check_relation(doc, r).is_err()).count();
            }
            if let Some(attr) = attribute {
                let def = self.schema.attribute(attr);
                let fits = |class: &str, e: &AnnotationExtra| match (e.attributes.get(attr), def) {
                    (None, _) => true,
                    (Some(v), Some(def)) => def.applies_to(class) && def.check_value(v).is_ok(),
                    (Some(_), None) => false,
                };
                bad += doc.annotations.iter().filter(|a| !fits(&a.label, a.extra())).count();
                bad += doc.relations.iter().filter(|r| !fits(&r.kind, r.extra())).count();
            }
        }
        bad
    }

    /// Checks that one more document, holding `annotations` annotations, fits the limits.
    fn check_room(&self, annotations: usize) -> Result<(), EditError> {
        if self.documents.len() >= MAX_DOCUMENTS {
            return Err(EditError::TooManyDocuments(MAX_DOCUMENTS));
        }
        if annotations > MAX_ANNOTATIONS_PER_DOCUMENT {
            return Err(EditError::TooManyAnnotations(MAX_ANNOTATIONS_PER_DOCUMENT));
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
                if d.annotations().len() >= MAX_ANNOTATIONS_PER_DOCUMENT {
                    return Err(EditError::TooManyAnnotations(MAX_ANNOTATIONS_PER_DOCUMENT));
                }
                let (id, range) = (annotation.id.clone(), annotation.range());
                self.note_annotation(&doc, &id);
                self.document_mut(&doc)?.annotations.insert(annotation);
                Ok((Op::DeleteAnnotation { doc: doc.clone(), id }, self.span_effect(doc, range)))
            }
            Op::DeleteAnnotation { doc, id } => {
                let count = self.document(&doc)?.relations.count_of(&id);
                if count > 0 {
                    return Err(EditError::HasRelations { id, count });
                }
                let removed =
                    self.document_mut(&doc)?.annotations.remove(&id).ok_or_else(|| EditError::NoSuchAnnotation(id.clone()))?;
                self.note_annotation(&doc, &id);
                let range = removed.range();
                Ok((Op::InsertAnnotation { doc: doc.clone(), annotation: removed }, self.span_effect(doc, range)))
            }
            Op::SetLabel { doc, id, label } => {
                if self.schema.get(&label).is_none() {
                    return Err(EditError::NoSuchLabel(label));
                }
                let d = self.document(&doc)?;
                let current = d.annotations.get(&id).ok_or_else(|| EditError::NoSuchAnnotation(id.clone()))?;
                for r in d.relations.of(&id) {
                    let rt = self.schema.relation_type(&r.kind).ok_or_else(|| EditError::NoSuchRelationType(r.kind.clone()))?;
                    let other_id = if r.from == id { &r.to } else { &r.from };
                    let other = d.annotations.get(other_id).ok_or_else(|| EditError::NoSuchAnnotation(other_id.clone()))?;
                    let (from_label, to_label) = if r.from == id { (label.as_str(), other.label.as_str()) } else { (other.label.as_str(), label.as_str()) };
                    let (from, to) = if r.from == id { (current, other) } else { (other, current) };
                    Self::check_fit(rt, from, from_label, to, to_label, d.text())?;
                }
                let d = self.document_mut(&doc)?;
                let mut a = d.annotations.remove(&id).ok_or_else(|| EditError::NoSuchAnnotation(id.clone()))?;
                let old = std::mem::replace(&mut a.label, label);
                let range = a.range();
                d.annotations.insert(a);
                self.note_annotation(&doc, &id);
                Ok((Op::SetLabel { doc: doc.clone(), id, label: old }, self.span_effect(doc, range)))
            }
            Op::InsertDocument { index, document } => {
                if self.document(&document.id).is_ok() {
                    return Err(EditError::DocumentExists(document.id));
                }
                self.check_room(document.annotations.len())?;
                let mut doc = Document::new(document.id.clone(), document.name, document.text)?;
                doc.set_title_override(document.title);
                for a in document.annotations {
                    self.check_annotation(&doc, &a)?;
                    doc.annotations.insert(a);
                }
                doc.rejected = document.rejected.into_iter().collect();
                for (annotator, list) in document.layers {
                    let mut set = crate::annotation::AnnotationSet::new();
                    for a in list {
                        doc.offsets().check_boundary(a.start_byte, Unit::Byte)?;
                        doc.offsets().check_boundary(a.end_byte, Unit::Byte)?;
                        if !set.contains_id(&a.id) {
                            set.insert(a);
                        }
                    }
                    doc.layers.insert(annotator, set);
                }
                for r in document.relations {
                    if doc.relations.contains_id(&r.id) {
                        return Err(EditError::RelationExists(r.id));
                    }
                    self.check_relation(&doc, &r)?;
                    doc.relations.insert(r);
                }
                self.note_document(&doc);
                let id = doc.id().to_owned();
                self.documents.insert(index.min(self.documents.len()), doc);
                Ok((Op::DeleteDocument { id }, Effect::Documents))
            }
            Op::InsertBuilt { index, document } => {
                if self.document(document.id()).is_ok() {
                    return Err(EditError::DocumentExists(document.id().to_owned()));
                }
                self.check_room(document.annotations().len())?;
                if let Some(a) = document.annotations.iter().find(|a| self.schema.get(&a.label).is_none()) {
                    return Err(EditError::NoSuchLabel(a.label.clone()));
                }
                if let Some(r) = document.relations.iter().find(|r| self.schema.relation_type(&r.kind).is_none()) {
                    return Err(EditError::NoSuchRelationType(r.kind.clone()));
                }
                if let Some(e) = document.annotations.iter().filter_map(|a| a.extra().entity.as_ref()).find(|e| !self.entities.contains_key(*e)) {
                    return Err(EditError::NoSuchEntity(e.clone()));
                }
                self.note_document(&document);
                let id = document.id().to_owned();
                self.documents.insert(index.min(self.documents.len()), *document);
                Ok((Op::DeleteDocument { id }, Effect::Documents))
            }
            Op::SetDocumentName { doc, name } => {
                if name.trim().is_empty() {
                    return Err(EditError::EmptyName);
                }
                let old = self.document_mut(&doc)?.set_name(name);
                self.changes.insert(Changed::Document(doc.clone()));
                Ok((Op::SetDocumentName { doc, name: old }, Effect::Documents))
            }
            Op::SetDocumentTitle { doc, title } => {
                let title = title.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
                let old = self.document_mut(&doc)?.set_title_override(title);
                self.changes.insert(Changed::Document(doc.clone()));
                Ok((Op::SetDocumentTitle { doc, title: old }, Effect::Documents))
            }
            Op::DeleteDocument { id } => {
                let index = self.document_index(&id)?;
                let doc = self.documents.remove(index);
                self.note_document(&doc);
                let document = StoredDocument {
                    id: doc.id().to_owned(),
                    name: doc.name().to_owned(),
                    text: doc.text().to_owned(),
                    annotations: doc.annotations.iter().cloned().collect(),
                    title: doc.title_override().map(str::to_owned),
                    relations: doc.relations.iter().cloned().collect(),
                    rejected: doc.rejected.iter().cloned().collect(),
                    layers: doc.layers.iter().map(|(k, set)| (k.clone(), set.iter().cloned().collect())).collect(),
                };
                Ok((Op::InsertDocument { index, document }, Effect::Documents))
            }
            Op::InsertLabel { index, label } => {
                let id = label.id.clone();
                self.schema.insert(index, label)?;
                self.changes.insert(Changed::Settings);
                Ok((Op::DeleteLabel { id }, Effect::Schema))
            }
            Op::DeleteLabel { id } => {
                if self.documents.iter().any(|d| d.annotations.iter().any(|a| a.label == id)) {
                    return Err(EditError::LabelInUse(id));
                }
                let references = self.schema.references_to(&id);
                if !references.is_empty() {
                    return Err(EditError::InUse { what: "label", id, count: references.len(), by: "relation types or attributes" });
                }
                let typed = self.entities.values().filter(|e| e.kind == id).count();
                if typed > 0 {
                    return Err(EditError::InUse { what: "label", id, count: typed, by: "entities of that type" });
                }
                let (index, label) = self.schema.remove(&id).ok_or_else(|| EditError::NoSuchLabel(id.clone()))?;
                self.changes.insert(Changed::Settings);
                Ok((Op::InsertLabel { index, label }, Effect::Schema))
            }
            Op::ReplaceLabel { label } => {
                let (index, old) = self.schema.remove(&label.id).ok_or_else(|| EditError::NoSuchLabel(label.id.clone()))?;
                if let Err(e) = self.schema.insert(index, label) {
                    self.schema.insert(index, old).expect("the label it replaced fits where it was");
                    return Err(e.into());
                }
                self.changes.insert(Changed::Settings);
                Ok((Op::ReplaceLabel { label: old }, Effect::Schema))
            }
            Op::InsertRelation { doc, relation } => {
                let d = self.document(&doc)?;
                if d.relations.contains_id(&relation.id) {
                    return Err(EditError::RelationExists(relation.id));
                }
                self.check_relation(d, &relation)?;
                let id = relation.id.clone();
                self.note_relation(&doc, &id);
                self.document_mut(&doc)?.relations.insert(relation);
                Ok((Op::DeleteRelation { doc: doc.clone(), id }, Effect::Relations { doc }))
            }
            Op::DeleteRelation { doc, id } => {
                let removed = self.document_mut(&doc)?.relations.remove(&id).ok_or_else(|| EditError::NoSuchRelation(id.clone()))?;
                self.note_relation(&doc, &id);
                Ok((Op::InsertRelation { doc: doc.clone(), relation: removed }, Effect::Relations { doc }))
            }
            Op::SetRelationType { doc, id, kind } => {
                let d = self.document(&doc)?;
                let current = d.relations.get(&id).ok_or_else(|| EditError::NoSuchRelation(id.clone()))?;
                let changed = Relation { kind: kind.clone(), ..current.clone() };
                self.check_relation(d, &changed)?;
                let r = self.document_mut(&doc)?.relations.get_mut(&id).expect("checked");
                let old = std::mem::replace(&mut r.kind, kind);
                self.note_relation(&doc, &id);
                Ok((Op::SetRelationType { doc: doc.clone(), id, kind: old }, Effect::Relations { doc }))
            }
            Op::SetNote { doc, item, note } => {
                let note = note.filter(|n| !n.trim().is_empty());
                if let Some(n) = &note {
                    if n.chars().count() > MAX_NOTE_CHARS {
                        return Err(EditError::NoteTooLong(MAX_NOTE_CHARS));
                    }
                }
                let old = self.change_extra(&doc, &item, |e| std::mem::replace(&mut e.note, note))?;
                Ok((Op::SetNote { doc: doc.clone(), item: item.clone(), note: old }, Effect::Details { doc, item }))
            }
            Op::SetAttribute { doc, item, name, value } => {
                if let Some(v) = &value {
                    let def = self.schema.attribute(&name).ok_or_else(|| EditError::NoSuchAttribute(name.clone()))?;
                    let class = Self::item_class(self.document(&doc)?, &item)?;
                    if !def.applies_to(&class) {
                        return Err(EditError::AttributeDoesNotApply { attribute: name, target: class });
                    }
                    def.check_value(v)?;
                }
                let key = name.clone();
                let old = self.change_extra(&doc, &item, |e| match value {
                    Some(v) => e.attributes.insert(key, v),
                    None => e.attributes.remove(&key),
                })?;
                Ok((Op::SetAttribute { doc: doc.clone(), item: item.clone(), name, value: old }, Effect::Details { doc, item }))
            }
            Op::InsertRelationType { index, relation_type } => {
                let id = relation_type.id.clone();
                self.schema.add_relation_type(index, relation_type)?;
                self.changes.insert(Changed::Settings);
                Ok((Op::DeleteRelationType { id }, Effect::Schema))
            }
            Op::DeleteRelationType { id } => {
                let used = self.relation_type_usage(&id);
                if used > 0 {
                    return Err(EditError::InUse { what: "relation type", id, count: used, by: "relations" });
                }
                let references = self.schema.references_to(&id);
                if !references.is_empty() {
                    return Err(EditError::InUse { what: "relation type", id, count: references.len(), by: "attributes" });
                }
                let (index, relation_type) = self.schema.remove_relation_type(&id).ok_or_else(|| EditError::NoSuchRelationType(id.clone()))?;
                self.changes.insert(Changed::Settings);
                Ok((Op::InsertRelationType { index, relation_type }, Effect::Schema))
            }
            Op::ReplaceRelationType { relation_type } => {
                let id = relation_type.id.clone();
                let (index, old) = self.schema.remove_relation_type(&id).ok_or_else(|| EditError::NoSuchRelationType(id.clone()))?;
                if let Err(e) = self.schema.add_relation_type(index, relation_type) {
                    self.schema.add_relation_type(index, old).expect("the type it replaced fits where it was");
                    return Err(e.into());
                }
                let misfits = self.misfits(Some(&id), None);
                if misfits > 0 {
                    self.schema.remove_relation_type(&id);
                    self.schema.add_relation_type(index, old).expect("the type it replaced fits where it was");
                    return Err(EditError::InUse { what: "relation type", id, count: misfits, by: "relations that would no longer fit it" });
                }
                self.changes.insert(Changed::Settings);
                Ok((Op::ReplaceRelationType { relation_type: old }, Effect::Schema))
            }
            Op::InsertEntity { entity } => {
                if self.entities.contains_key(&entity.id) {
                    return Err(EditError::EntityExists(entity.id));
                }
                Self::check_entity(&self.schema, &entity)?;
                let id = entity.id.clone();
                self.changes.insert(Changed::Entity(id.clone()));
                self.entities.insert(id.clone(), entity);
                Ok((Op::DeleteEntity { id }, Effect::Entities))
            }
            Op::DeleteEntity { id } => {
                let count = self.entity_mentions(&id).len();
                if count > 0 {
                    return Err(EditError::EntityInUse { id, count });
                }
                let entity = self.entities.remove(&id).ok_or_else(|| EditError::NoSuchEntity(id.clone()))?;
                self.changes.insert(Changed::Entity(id));
                Ok((Op::InsertEntity { entity }, Effect::Entities))
            }
            Op::ReplaceEntity { entity } => {
                Self::check_entity(&self.schema, &entity)?;
                let slot = self.entities.get_mut(&entity.id).ok_or_else(|| EditError::NoSuchEntity(entity.id.clone()))?;
                let old = std::mem::replace(slot, entity);
                self.changes.insert(Changed::Entity(old.id.clone()));
                Ok((Op::ReplaceEntity { entity: old }, Effect::Entities))
            }
            Op::SetRejected { doc, start_byte, end_byte, label, rejected } => {
                let d = self.document_mut(&doc)?;
                let key = (start_byte, end_byte, label);
                let was = if rejected { !d.rejected.insert(key.clone()) } else { d.rejected.remove(&key) };
                self.changes.insert(Changed::Rejections(doc.clone()));
                let (start_byte, end_byte, label) = key;
                Ok((Op::SetRejected { doc, start_byte, end_byte, label, rejected: was }, Effect::Suggestions))
            }
            Op::InsertLayer { doc, annotator, annotations } => {
                let d = self.document(&doc)?;
                if annotator.trim().is_empty() {
                    return Err(EditError::EmptyName);
                }
                if d.layers.contains_key(&annotator) {
                    return Err(EditError::NoSuchLayer(annotator));
                }
                if annotations.len() > MAX_ANNOTATIONS_PER_DOCUMENT {
                    return Err(EditError::TooManyAnnotations(MAX_ANNOTATIONS_PER_DOCUMENT));
                }
                let mut set = crate::annotation::AnnotationSet::new();
                for a in annotations {
                    d.offsets().check_boundary(a.start_byte, Unit::Byte)?;
                    d.offsets().check_boundary(a.end_byte, Unit::Byte)?;
                    if a.start_byte >= a.end_byte {
                        return Err(EditError::EmptySpan { start_byte: a.start_byte, end_byte: a.end_byte });
                    }
                    if set.contains_id(&a.id) {
                        return Err(EditError::AnnotationExists(a.id));
                    }
                    set.insert(a);
                }
                self.changes.insert(Changed::Layer { doc: doc.clone(), annotator: annotator.clone() });
                self.document_mut(&doc)?.layers.insert(annotator.clone(), set);
                Ok((Op::DeleteLayer { doc: doc.clone(), annotator }, Effect::Layers { doc }))
            }
            Op::DeleteLayer { doc, annotator } => {
                let set = self.document_mut(&doc)?.layers.remove(&annotator).ok_or_else(|| EditError::NoSuchLayer(annotator.clone()))?;
                self.changes.insert(Changed::Layer { doc: doc.clone(), annotator: annotator.clone() });
                Ok((Op::InsertLayer { doc: doc.clone(), annotator, annotations: set.iter().cloned().collect() }, Effect::Layers { doc }))
            }
            Op::SetGazetteer { text } => {
                let old = std::mem::replace(&mut self.gazetteer, text);
                self.changes.insert(Changed::Gazetteer);
                Ok((Op::SetGazetteer { text: old }, Effect::Suggestions))
            }
            Op::SetEntity { doc, annotation, entity } => {
                if let Some(e) = &entity {
                    if !self.entities.contains_key(e) {
                        return Err(EditError::NoSuchEntity(e.clone()));
                    }
                }
                let item = Item::Annotation(annotation.clone());
                let old = self.change_extra(&doc, &item, |x| std::mem::replace(&mut x.entity, entity))?;
                Ok((Op::SetEntity { doc: doc.clone(), annotation, entity: old }, Effect::Details { doc, item }))
            }
            Op::InsertAttribute { index, attribute } => {
                let id = attribute.id.clone();
                self.schema.add_attribute(index, attribute)?;
                self.changes.insert(Changed::Settings);
                Ok((Op::DeleteAttribute { id }, Effect::Schema))
            }
            Op::DeleteAttribute { id } => {
                let used = self.attribute_usage(&id);
                if used > 0 {
                    return Err(EditError::InUse { what: "attribute", id, count: used, by: "annotations or relations" });
                }
                let (index, attribute) = self.schema.remove_attribute(&id).ok_or_else(|| EditError::NoSuchAttribute(id.clone()))?;
                self.changes.insert(Changed::Settings);
                Ok((Op::InsertAttribute { index, attribute }, Effect::Schema))
            }
            Op::ReplaceAttribute { attribute } => {
                let id = attribute.id.clone();
                let (index, old) = self.schema.remove_attribute(&id).ok_or_else(|| EditError::NoSuchAttribute(id.clone()))?;
                if let Err(e) = self.schema.add_attribute(index, attribute) {
                    self.schema.add_attribute(index, old).expect("the attribute it replaced fits where it was");
                    return Err(e.into());
                }
                let misfits = self.misfits(None, Some(&id));
                if misfits > 0 {
                    self.schema.remove_attribute(&id);
                    self.schema.add_attribute(index, old).expect("the attribute it replaced fits where it was");
                    return Err(EditError::InUse { what: "attribute", id, count: misfits, by: "values that would no longer fit it" });
                }
                self.changes.insert(Changed::Settings);
                Ok((Op::ReplaceAttribute { attribute: old }, Effect::Schema))
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
        let journaled = self.journal.is_some().then(|| ops.clone());
        let (undo_ops, effects) = self.apply_all(ops)?;
        self.journal_extend(journaled);
        for n in 0..self.redo.len() {
            self.note_step(Stack::Redo, n);
        }
        self.redo.clear();
        self.note_step(Stack::Undo, self.undo.len());
        self.undo.push(Step { summary, ops: undo_ops });
        Ok(effects)
    }

    fn journal_extend(&mut self, ops: Option<Vec<Op>>) {
        if let (Some(journal), Some(ops)) = (self.journal.as_mut(), ops) {
            journal.extend(ops);
        }
    }

    // ---- For the replicated record (crate::replica) ---------------------------------------

    /// Starts keeping the ops of the analyst's own actions (see [`Workspace::take_journal`]),
    /// and gives fresh ids the suffix `scope` from now on.
    pub(crate) fn start_journal(&mut self, scope: String) {
        self.id_scope = scope;
        self.journal.get_or_insert_with(Vec::new);
    }

    /// The ops the analyst's own actions applied since the last call, in order.
    pub(crate) fn take_journal(&mut self) -> Vec<Op> {
        self.journal.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// The suffix of fresh ids (empty unless the workspace is shared).
    pub(crate) fn id_scope(&self) -> &str {
        &self.id_scope
    }

    /// Applies ops that came from another replica, all or nothing: what they change is
    /// recorded for persistence, but no history step is pushed (they are not the local
    /// analyst's to undo) and they are not journaled.
    #[allow(clippy::result_large_err)] // As every edit of the workspace returns an EditError.
    pub(crate) fn apply_remote(&mut self, ops: Vec<Op>) -> Result<Vec<Effect>, EditError> {
        let (_, effects) = self.apply_all(ops)?;
        Ok(effects)
    }

    /// Replaces the schema and every document at once (a replica rebuilding its view of a
    /// shared record), keeping the history and id counters; everything is marked changed.
    pub(crate) fn replace_content(&mut self, schema: LabelSchema, documents: Vec<Document>) -> Vec<Effect> {
        self.revision += 1;
        for doc in std::mem::take(&mut self.documents) {
            self.note_document(&doc);
        }
        for doc in &documents {
            self.note_document(doc);
        }
        self.schema = schema;
        self.documents = documents;
        vec![Effect::Schema, Effect::Documents]
    }

    /// Puts the documents in the order of `ids` (a replica following the shared record's
    /// order); documents `ids` does not name keep their places after those it does.
    /// Returns whether the order changed.
    pub(crate) fn reorder_documents(&mut self, ids: &[String]) -> bool {
        let rank: std::collections::HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
        let mut order: Vec<(usize, usize)> = self.documents.iter().enumerate().map(|(i, d)| (rank.get(d.id()).copied().unwrap_or(usize::MAX), i)).collect();
        order.sort();
        if order.iter().enumerate().all(|(i, (_, j))| i == *j) {
            return false;
        }
        let mut taken: Vec<Option<Document>> = std::mem::take(&mut self.documents).into_iter().map(Some).collect();
        self.documents = order.into_iter().filter_map(|(_, j)| taken[j].take()).collect();
        self.changes.insert(Changed::Settings);
        self.revision += 1;
        true
    }

    /// Performs an import as one undoable step, and moves the document id counter to
    /// at least `next_document` (staging took fresh ids below it).
    pub(crate) fn commit_import(&mut self, summary: String, ops: Vec<Op>, next_document: u64) -> Result<Vec<Effect>, EditError> {
        let effects = self.commit(summary, ops)?;
        if next_document > self.next_document {
            self.next_document = next_document;
            self.changes.insert(Changed::Settings);
        }
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
        let (from, to) = if backward { (Stack::Undo, Stack::Redo) } else { (Stack::Redo, Stack::Undo) };
        let stack = if backward { &mut self.undo } else { &mut self.redo };
        let Some(step) = stack.pop() else { return Ok(None) };
        let popped = stack.len();
        self.note_step(from, popped);
        let journaled = self.journal.is_some().then(|| step.ops.clone());
        let (ops, effects) = self.apply_all(step.ops)?;
        self.journal_extend(journaled);
        let target = if backward { &mut self.redo } else { &mut self.undo };
        let pushed = target.len();
        target.push(Step { summary: step.summary.clone(), ops });
        self.note_step(to, pushed);
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
            self.note_step(Stack::Undo, n);
        }
        for n in 0..self.redo.len() {
            self.note_step(Stack::Redo, n);
        }
        self.undo.clear();
        self.redo.clear();
    }

    // ---- Edits ----------------------------------------------------------------------------

    /// Adds a document holding `text`, exactly as given, and returns its id.
    /// The text is taken as given (a `String` is moved in, never copied).
    pub fn add_document(&mut self, name: &str, text: impl Into<String>) -> Result<String, EditError> {
        let text = text.into();
        // Check the text before taking an id, so that a refusal changes nothing.
        Document::check_text(&text)?;
        let id = self.fresh_document_id();
        let document = StoredDocument { id: id.clone(), name: name.to_owned(), text, annotations: Vec::new(), title: None, relations: Vec::new(), rejected: Vec::new(), layers: Default::default() };
        let index = self.documents.len();
        self.commit(format!("Open {name}"), vec![Op::InsertDocument { index, document }])?;
        Ok(id)
    }

    /// Removes a document and its annotations (undoable).
    pub fn remove_document(&mut self, doc_id: &str) -> Result<(), EditError> {
        let doc = self.document(doc_id)?;
        let summary = format!("Remove “{}” ({} annotations)", short(doc.title(), 40), doc.annotations().len());
        self.commit(summary, vec![Op::DeleteDocument { id: doc_id.to_owned() }])?;
        Ok(())
    }

    /// Renames a document (undoable).
    pub fn rename_document(&mut self, doc_id: &str, name: &str) -> Result<(), EditError> {
        let old = self.document(doc_id)?.name().to_owned();
        if old == name {
            return Ok(());
        }
        self.commit(format!("Rename “{}” → “{}”", short(&old, 40), short(name, 40)), vec![Op::SetDocumentName { doc: doc_id.to_owned(), name: name.to_owned() }])?;
        Ok(())
    }

    /// Gives a document a title of the analyst's, or (with `None` or a blank title) goes
    /// back to the one read from its text (undoable).
    pub fn set_document_title(&mut self, doc_id: &str, title: Option<&str>) -> Result<(), EditError> {
        let doc = self.document(doc_id)?;
        let title = title.map(str::trim).filter(|t| !t.is_empty());
        if title == doc.title_override() {
            return Ok(());
        }
        let summary = format!("Title “{}”", short(title.unwrap_or("(from the text)"), 40));
        self.commit(summary, vec![Op::SetDocumentTitle { doc: doc_id.to_owned(), title: title.map(str::to_owned) }])?;
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
        doc.offsets().check_boundary(range.start, Unit::Byte)?;
        doc.offsets().check_boundary(range.end, Unit::Byte)?;
        if range.start >= range.end {
            return Err(EditError::EmptySpan { start_byte: range.start, end_byte: range.end });
        }
        if let Some(existing) = doc.annotations.find_exact(range.start, range.end, label) {
            return Ok(Added::Duplicate(existing.clone()));
        }
        let summary = format!("Tag {label} “{}”", short(&doc.text()[range.clone()], 40));
        let id = self.fresh_annotation_id(doc_id)?;
        let annotation = Annotation::new(id, range.clone(), label);
        self.commit(summary, vec![Op::InsertAnnotation { doc: doc_id.to_owned(), annotation: annotation.clone() }])?;
        Ok(Added::New(annotation))
    }

    /// Removes an annotation and returns it.
    pub fn remove_annotation(&mut self, doc_id: &str, annotation_id: &str) -> Result<Annotation, EditError> {
        let doc = self.document(doc_id)?;
        let a = doc.annotations.get(annotation_id).cloned().ok_or_else(|| EditError::NoSuchAnnotation(annotation_id.to_owned()))?;
        let mut ops: Vec<Op> = doc.relations.of(annotation_id).map(|r| Op::DeleteRelation { doc: doc_id.to_owned(), id: r.id.clone() }).collect();
        let summary = match ops.len() {
            0 => format!("Remove {} “{}”", a.label, short(a.quote(doc.text()), 40)),
            n => format!("Remove {} “{}” and its {n} relation(s)", a.label, short(a.quote(doc.text()), 40)),
        };
        ops.push(Op::DeleteAnnotation { doc: doc_id.to_owned(), id: annotation_id.to_owned() });
        self.commit(summary, ops)?;
        Ok(a)
    }

}
