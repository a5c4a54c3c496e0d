//! The one staging path of every import: the neutral form codecs read into, the
//! checks that turn it into ops (offsets in the file's unit, quotes, labels, ids),
//! and the step that applies it whole or refuses.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use smol_str::SmolStr;

use super::span_check::SpanChecker;
use super::{detect_format, read_files, w3c, Format, ImportOptions, InputFile, MAX_DOCUMENT_BYTES};
use crate::annotation::{Annotation, AnnotationExtra, AnnotationSet};
use crate::document::Document;
use crate::offsets::Unit;
use crate::ops::Op;
use crate::report::{short, Diagnostic, ImportError, ImportReport, SameText, SameTextDocument, Severity};
use crate::entity::Entity;
use crate::relation::Relation;
use crate::schema::{AttributeDef, LabelSchema, RelationType};
use crate::workspace::{fresh_id, Workspace};

/// A label as a file describes it.
#[derive(Debug, Clone, Default)]
pub struct LabelDef {
    /// Its id.
    pub id: String,
    /// Its display name.
    pub name: Option<String>,
    /// Its colour.
    pub color: Option<String>,
    /// Its hotkey.
    pub hotkey: Option<String>,
    /// Its description.
    pub description: Option<String>,
}

/// Where a read document's spans go.
#[derive(Debug, Clone)]
pub enum Target {
    /// A new document with this text.
    New {
        /// The id the file gives it, kept if it is free.
        id: Option<String>,
        /// Its name.
        name: String,
        /// Its text, exactly.
        text: String,
    },
    /// A document that is already open, found by name or id (W3C annotations
    /// point at their document instead of holding its text).
    Existing {
        /// The name or IRI by which the file refers to it.
        source: String,
    },
}

/// One span as a file gives it, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct SpanIn {
    /// Its id in the file.
    pub id: Option<String>,
    /// Start, in the document's unit.
    pub start: i64,
    /// End (exclusive), in the document's unit.
    pub end: i64,
    /// The text the file says the span covers, if it says.
    pub quote: Option<String>,
    /// Text just before the quote, if the file gives it (W3C `prefix`).
    pub prefix: Option<String>,
    /// Text just after the quote, if the file gives it (W3C `suffix`).
    pub suffix: Option<String>,
    /// The label id.
    pub label: String,
    /// Notes, references, attributes.
    pub extra: AnnotationExtra,
}

/// One relation as a file gives it, between two of its spans (by their ids in the file).
#[derive(Debug, Clone, Default)]
pub struct RelationIn {
    /// Its id in the file.
    pub id: Option<String>,
    /// The relation type's id.
    pub kind: String,
    /// The file's id of the source span.
    pub from: String,
    /// The file's id of the target span.
    pub to: String,
    /// A note and attributes.
    pub extra: AnnotationExtra,
}

/// One document as a file gives it.
#[derive(Debug, Clone)]
pub struct DocIn {
    /// How diagnostics name it (its id or name in the file, or its line).
    pub file_ref: String,
    /// Where its spans go.
    pub target: Target,
    /// What its offsets count.
    pub unit: Unit,
    /// Its spans.
    pub spans: Vec<SpanIn>,
    /// Its relations.
    pub relations: Vec<RelationIn>,
}

/// What a codec read: labels, documents and diagnostics about the file itself.
#[derive(Debug, Clone)]
pub struct Interchange {
    /// The format it was read as.
    pub format: Format,
    /// Labels the file defines (canonical only).
    pub labels: Vec<LabelDef>,
    /// Relation types the file defines.
    pub relation_types: Vec<RelationType>,
    /// Attributes the file defines.
    pub attributes: Vec<AttributeDef>,
    /// Registry entities the file holds (canonical only); spans link to them by id.
    pub entities: Vec<Entity>,
    /// Documents in file order.
    pub documents: Vec<DocIn>,
    /// Diagnostics found while reading.
    pub diagnostics: Vec<Diagnostic>,
}

impl Interchange {
    /// Nothing read yet, in `format`.
    pub fn new(format: Format) -> Self {
        Interchange { format, labels: Vec::new(), relation_types: Vec::new(), attributes: Vec::new(), entities: Vec::new(), documents: Vec::new(), diagnostics: Vec::new() }
    }

    /// Declares a symmetric relation type the file uses without defining it (brat's `*`
    /// lines, Label Studio's relations with direction `bi`), unless it defines it.
    pub(crate) fn add_symmetric_type(&mut self, id: &str, description: &str) {
        if self.relation_types.iter().any(|t| t.id == id) {
            return;
        }
        self.relation_types.push(RelationType {
            id: id.to_owned(),
            name: id.to_owned(),
            color: "#5c5c5c".to_owned(),
            hotkey: None,
            directed: false,
            from_labels: Vec::new(),
            to_labels: Vec::new(),
            description: description.to_owned(),
        });
    }
}

/// A name for a copy: `name (copy)`, or `name (copy 2)` … when that is taken.
fn copy_name(name: &str, taken: impl Fn(&str) -> bool) -> String {
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() && e.len() <= 5 => (s, format!(".{e}")),
        _ => (name, String::new()),
    };
    (1..)
        .map(|k| if k == 1 { format!("{stem} (copy){ext}") } else { format!("{stem} (copy {k}){ext}") })
        .find(|n| !taken(n))
        .expect("unbounded")
}

/// A checked import that has not been applied.
#[derive(Debug, Clone)]
pub struct StagedImport {
    /// The format it was read as.
    pub format: Format,
    /// What applying it will do, and every diagnostic.
    pub report: ImportReport,
    ops: Vec<Op>,
    next_document: u64,
    revision: u64,
}

impl StagedImport {
    /// Whether the report holds an error or a warning: something in the files
    /// will not be applied as the files put it, so the analyst should accept it.
    pub fn needs_review(&self) -> bool {
        // A file that could be read another way: the analyst sees the choice before it applies.
        self.report.needs_review() || self.report.diagnostics.iter().any(|d| d.code == "format-chosen")
    }
}

impl Workspace {
    /// Reads and checks files (detecting their format unless one is given) and
    /// returns what importing them would do. Changes nothing.
    pub fn stage_import(&self, files: &[InputFile], options: &ImportOptions) -> Result<StagedImport, ImportError> {
        let (format, notes) = match options.format {
            Some(f) => (f, Vec::new()),
            None => {
                let f = detect_format(files)?;
                (f, super::detection_notes(files, f))
            }
        };
        let mut read = read_files(format, files, options)?;
        read.diagnostics.splice(0..0, notes);
        self.stage_with(read, options.same_text)
    }

    /// Applies a staged import as one undoable step. Refuses, changing nothing,
    /// if the workspace changed since it was staged.
    pub fn apply_import(&mut self, staged: StagedImport) -> Result<ImportReport, ImportError> {
        if staged.revision != self.revision() {
            return Err(ImportError::Stale);
        }
        let summary = format!(
            "Import {} ({} document(s), {} annotation(s))",
            staged.format.title(),
            staged.report.document_ids.len(),
            staged.report.annotations_added
        );
        self.commit_import(summary, staged.ops, staged.next_document)?;
        Ok(staged.report)
    }

    /// Checks what a codec read against this workspace; a document whose text is already
    /// open merges into it.
    pub fn stage(&self, read: Interchange) -> Result<StagedImport, ImportError> {
        self.stage_with(read, SameText::Merge)
    }

    /// Checks what a codec read against this workspace; `same_text` says what becomes of
    /// a document whose text equals one already open.
    pub fn stage_with(&self, read: Interchange, same_text: SameText) -> Result<StagedImport, ImportError> {
        let Interchange { format, labels, relation_types, attributes, entities, mut documents, diagnostics } = read;
        let mut report = ImportReport { diagnostics, ..ImportReport::default() };
        let mut schema = self.schema().clone();
        for label in labels {
            stage_label(&mut schema, label, &mut report);
        }
        for rt in relation_types {
            stage_relation_type(&mut schema, rt, &mut report);
        }
        for def in attributes {
            if schema.attribute(&def.id).is_some() {
                continue;
            }
            let id = def.id.clone();
            if let Err(why) = schema.add_attribute(usize::MAX, def) {
                report.diagnostics.push(Diagnostic::new(Severity::Warning, "attribute-refused", None, None, format!("attribute {:?} was not added to the schema ({why}); its values are still kept on the spans", short(&id, 40))));
            }
        }
        let new_entities = self.stage_entities(entities, &mut documents, &mut schema, &mut report);
        let mut taken: HashSet<String> = self.documents().iter().map(|d| d.id().to_owned()).collect();
        let mut next_document = self.id_counters().0;
        let mut built: Vec<Document> = Vec::new();
        let mut into_existing: Vec<Op> = Vec::new();
        let mut existing_ids: HashMap<String, HashSet<String>> = HashMap::new();
        let mut read_documents = 0usize;
        for doc_in in documents {
            let DocIn { file_ref, target, unit, spans, relations } = doc_in;
            // Where the spans go: a new document, or one that is already open (named by
            // the file, or holding exactly the same text).
            let into: &Document = match target {
                Target::New { id, name, text } => {
                    let same = self.documents().iter().find(|d| d.text().len() == text.len() && d.text() == text);
                    let mut name = name;
                    if let Some(existing) = same {
                        report.same_text.push(SameTextDocument { file_document: file_ref.clone(), existing: existing.id().to_owned(), existing_title: existing.title().to_owned(), action: same_text });
                        let title = short(existing.title(), 60);
                        match same_text {
                            SameText::Skip => {
                                report.diagnostics.push(Diagnostic::new(Severity::Info, "same-text-skipped", Some(&file_ref), None, format!("its text is the text of “{title}”, so it and its {} span(s) were skipped", spans.len())));
                                continue;
                            }
                            SameText::Merge => {
                                report.diagnostics.push(Diagnostic::new(Severity::Info, "same-text-merged", Some(&file_ref), None, format!("its text is the text of “{title}”, so its spans go into that document (spans it already has are skipped)")));
                                existing
                            }
                            SameText::Copy => {
                                name = copy_name(&name, |n| self.documents().iter().any(|d| d.name() == n) || built.iter().any(|d: &Document| d.name() == n));
                                report.diagnostics.push(Diagnostic::new(Severity::Info, "same-text-copied", Some(&file_ref), None, format!("its text is the text of “{title}”; it was added as a separate copy named “{name}”")));
                                if let Some(doc) = self.stage_new(format, id, name, text, unit, spans, relations, &file_ref, &mut taken, &mut next_document, &mut schema, &mut report)? {
                                    read_documents += 1;
                                    built.push(doc);
                                }
                                continue;
                            }
                        }
                    } else {
                        if let Some(doc) = self.stage_new(format, id, name, text, unit, spans, relations, &file_ref, &mut taken, &mut next_document, &mut schema, &mut report)? {
                            read_documents += 1;
                            built.push(doc);
                        }
                        continue;
                    }
                }
                Target::Existing { source } => match self.find_by_source(&source) {
                    Some(doc) => doc,
                    None => {
                        report.diagnostics.push(Diagnostic::new(Severity::Error, "document-not-open", Some(&file_ref), None, format!("the annotations point at {source:?}, which is not open; open that document (or import its .txt with this file) and import again. {} span(s) were left out", spans.len())));
                        continue;
                    }
                },
            };
            let doc = into;
            let used = existing_ids.entry(doc.id().to_owned()).or_default();
            let mut staged_spans: Vec<Annotation> = Vec::new();
            let mut checker = SpanChecker::new(unit, &file_ref);
            let mut ids_in_file: HashMap<String, String> = HashMap::new();
            for span in spans {
                let file_id = span.id.clone();
                let Some(a) = checker.check(doc, span, &mut schema, &|id| doc.annotations.contains_id(id) || used.contains(id), &mut report) else { continue };
                if let Some(existing) = doc.annotations.find_exact(a.start_byte, a.end_byte, &a.label) {
                    report.diagnostics.push(Diagnostic::new(Severity::Info, "duplicate", Some(&file_ref), Some(&a.id), format!("{} “{}” is already tagged so, and was skipped", a.label, short(existing.quote(doc.text()), 60))));
                    if let Some(f) = file_id {
                        ids_in_file.insert(f, existing.id.clone());
                    }
                    continue;
                }
                if let Some(same) = staged_spans.iter().find(|s| s.same_span_and_label(&a)) {
                    if let Some(f) = file_id {
                        ids_in_file.insert(f, same.id.clone());
                    }
                    continue;
                }
                if let Some(f) = file_id {
                    ids_in_file.insert(f, a.id.clone());
                }
                used.insert(a.id.clone());
                staged_spans.push(a);
            }
            let relation_ops = if relations.is_empty() {
                Vec::new()
            } else {
                // Relations are checked against the document as it will be.
                let mut after = doc.clone();
                for a in &staged_spans {
                    after.annotations.insert(a.clone());
                }
                stage_relations(&mut after, relations, &ids_in_file, &mut schema, &file_ref, &mut report)
                    .into_iter()
                    .map(|relation| Op::InsertRelation { doc: doc.id().to_owned(), relation })
                    .collect()
            };
            checker.finish(doc, &mut report);
            report.annotations_added += staged_spans.len();
            read_documents += 1;
            if !report.document_ids.iter().any(|d| d == doc.id()) {
                report.document_ids.push(doc.id().to_owned());
            }
            into_existing.extend(staged_spans.into_iter().map(|annotation| Op::InsertAnnotation { doc: doc.id().to_owned(), annotation }));
            into_existing.extend(relation_ops);
        }
        if read_documents == 0 && report.diagnostics.iter().any(|d| d.severity == Severity::Error) {
            let first = report.diagnostics.iter().find(|d| d.severity == Severity::Error).expect("checked");
            return Err(ImportError::Nothing(first.message.clone()));
        }
        report.documents_read = read_documents;
        let mut ops: Vec<Op> = schema
            .labels()
            .iter()
            .filter(|l| self.schema().get(&l.id).is_none())
            .map(|l| Op::InsertLabel { index: usize::MAX, label: l.clone() })
            .collect();
        ops.extend(schema.relation_types().iter().filter(|t| self.schema().relation_type(&t.id).is_none()).map(|t| Op::InsertRelationType { index: usize::MAX, relation_type: t.clone() }));
        ops.extend(schema.attributes().iter().filter(|a| self.schema().attribute(&a.id).is_none()).map(|a| Op::InsertAttribute { index: usize::MAX, attribute: a.clone() }));
        ops.extend(new_entities.into_iter().map(|entity| Op::InsertEntity { entity }));
        ops.extend(built.into_iter().map(|doc| Op::InsertBuilt { index: usize::MAX, document: Box::new(doc) }));
        ops.extend(into_existing);
        Ok(StagedImport { format, report, ops, next_document, revision: self.revision() })
    }

    /// Builds a new document from what a file gives and checks its spans; `None` when it
    /// is left out (the report says why).
    #[allow(clippy::too_many_arguments)]
    fn stage_new(
        &self,
        format: Format,
        id: Option<String>,
        name: String,
        text: String,
        unit: Unit,
        spans: Vec<SpanIn>,
        relations: Vec<RelationIn>,
        file_ref: &str,
        taken: &mut HashSet<String>,
        next_document: &mut u64,
        schema: &mut LabelSchema,
        report: &mut ImportReport,
    ) -> Result<Option<Document>, ImportError> {
        let wanted = id.filter(|i| !i.is_empty() && !taken.contains(i.as_str()));
        let id = match wanted {
            Some(id) => id,
            None => fresh_id("d", self.id_scope(), next_document, |c| taken.contains(c)),
        };
        if text.len() > MAX_DOCUMENT_BYTES {
            report.diagnostics.push(Diagnostic::new(Severity::Error, "document-too-large", Some(file_ref), None, format!("its text is {:.1} MB; Spanmark opens documents of up to 10 MB, so it and its {} span(s) were left out", text.len() as f64 / 1048576.0, spans.len())));
            return Ok(None);
        }
        taken.insert(id.clone());
        let mut doc = match Document::new(id, name, text) {
            Ok(doc) => doc,
            Err(source) => {
                if format == Format::Canonical {
                    return Err(ImportError::Document { id: file_ref.to_owned(), source });
                }
                report.diagnostics.push(Diagnostic::new(Severity::Error, "document-refused", Some(file_ref), None, format!("{source}; the document and its {} span(s) were left out", spans.len())));
                return Ok(None);
            }
        };
        let mut checker = SpanChecker::new(unit, file_ref);
        // The file's own ids matter only to the relations that name them.
        let keep_file_ids = !relations.is_empty();
        let mut ids: HashSet<SmolStr> = HashSet::with_capacity(spans.len());
        let mut checked: Vec<(Option<String>, Annotation)> = Vec::with_capacity(spans.len());
        for span in spans {
            let file_id = if keep_file_ids { span.id.clone() } else { None };
            if let Some(a) = checker.check(&doc, span, schema, &|id| ids.contains(id), report) {
                ids.insert(SmolStr::new(&a.id));
                checked.push((file_id, a));
            }
        }
        drop(ids);
        checker.finish(&doc, report);
        // In position order, the file's order among spans of the same span and label: the
        // first of those is kept, the others are duplicates. The set is built at once from
        // what is kept, already in its order.
        checked.sort_by(|(_, a), (_, b)| (a.start_byte, Reverse(a.end_byte), &a.label).cmp(&(b.start_byte, Reverse(b.end_byte), &b.label)));
        let mut ids_in_file: HashMap<String, String> = HashMap::new();
        let mut kept: Vec<Annotation> = Vec::with_capacity(checked.len());
        for (file_id, a) in checked {
            if let Some(existing) = kept.last().filter(|k| k.same_span_and_label(&a)) {
                report.diagnostics.push(Diagnostic::new(Severity::Info, "duplicate", Some(file_ref), Some(&a.id), format!("{} “{}” is tagged twice in the file, so the second was skipped", a.label, short(existing.quote(doc.text()), 60))));
                if let Some(f) = file_id {
                    ids_in_file.insert(f, existing.id.clone());
                }
                continue;
            }
            if let Some(f) = file_id {
                ids_in_file.insert(f, a.id.clone());
            }
            kept.push(a);
        }
        report.annotations_added += kept.len();
        doc.annotations = AnnotationSet::from_ordered(kept);
        if !relations.is_empty() {
            let staged = stage_relations(&mut doc, relations, &ids_in_file, schema, file_ref, report);
            for r in staged {
                doc.relations.insert(r);
            }
        }
        report.document_ids.push(doc.id().to_owned());
        Ok(Some(doc))
    }

    /// Takes a file's registry entities in under ids the workspace does not use (never
    /// merging one into an existing entity: that is the analyst's call), and points the
    /// spans' links at them; a link to an entity the file does not hold is dropped and
    /// reported. Returns the entities to add.
    fn stage_entities(&self, entities: Vec<Entity>, documents: &mut [DocIn], schema: &mut LabelSchema, report: &mut ImportReport) -> Vec<Entity> {
        let mut ids: HashMap<String, String> = HashMap::new();
        let mut out: Vec<Entity> = Vec::new();
        for mut e in entities {
            if e.name.trim().is_empty() || ids.contains_key(&e.id) {
                continue;
            }
            if schema.get(&e.kind).is_none() {
                stage_label(schema, LabelDef { id: e.kind.clone(), ..LabelDef::default() }, report);
                if schema.get(&e.kind).is_none() {
                    continue;
                }
            }
            let taken = |c: &str| self.entity(c).is_ok() || out.iter().any(|x| x.id == c);
            let id = if taken(&e.id) { (2..).map(|k| format!("{}~{k}", e.id)).find(|c| !taken(c)).expect("unbounded") } else { e.id.clone() };
            ids.insert(std::mem::replace(&mut e.id, id.clone()), id);
            out.push(e);
        }
        let mut dropped = 0usize;
        for doc in documents.iter_mut() {
            for span in &mut doc.spans {
                if let Some(e) = span.extra.entity.take() {
                    match ids.get(&e) {
                        Some(id) => span.extra.entity = Some(id.clone()),
                        None => dropped += 1,
                    }
                }
            }
        }
        if dropped > 0 {
            report.diagnostics.push(Diagnostic::new(Severity::Warning, "entity-missing", None, None, format!("{dropped} span(s) link to an entity the file does not hold; they were imported without the link")));
        }
        out
    }

    /// The open document a file refers to: by Spanmark IRI, id, or name (with or
    /// without its extension).
    fn find_by_source(&self, source: &str) -> Option<&Document> {
        let key = w3c::source_key(source);
        let stem = |n: &str| super::strip_extension(n).to_owned();
        self.documents()
            .iter()
            .find(|d| d.name() == key)
            .or_else(|| self.documents().iter().find(|d| d.id() == key))
            .or_else(|| self.documents().iter().find(|d| stem(d.name()) == stem(&key)))
    }
}

fn stage_label(schema: &mut LabelSchema, label: LabelDef, report: &mut ImportReport) {
    if label.id.trim().is_empty() || schema.get(&label.id).is_some() {
        return;
    }
    let mut new = schema.label_for_unknown_id(&label.id);
    new.name = label.name.filter(|n| !n.trim().is_empty()).unwrap_or(new.name);
    new.description = label.description.unwrap_or_default();
    if let Some(color) = label.color {
        new.color = color;
    }
    new.hotkey = label.hotkey.filter(|h| schema.by_hotkey(h).is_none());
    let (mut new, changes) = new.fitted();
    for change in changes {
        report.diagnostics.push(Diagnostic::new(Severity::Warning, "label-changed", None, None, change));
    }
    if !crate::schema::is_hex_color(&new.color) {
        new.color = schema.label_for_unknown_id(&label.id).color;
    }
    // A label that cannot be added stays unknown: its spans say why they are left out.
    if schema.add(new).is_ok() {
        report.labels_added.push(label.id);
    }
}

/// Adds a relation type a file defines (or uses) to the staged schema; one that cannot
/// be added as it is loses its hotkey, then its argument constraints.
fn stage_relation_type(schema: &mut LabelSchema, rt: RelationType, report: &mut ImportReport) {
    if rt.id.trim().is_empty() || schema.relation_type(&rt.id).is_some() {
        return;
    }
    let id = rt.id.clone();
    let mut rt = rt;
    if !crate::schema::is_hex_color(&rt.color) {
        rt.color = schema.label_for_unknown_id(&id).color;
    }
    if rt.hotkey.as_deref().is_some_and(|h| schema.by_hotkey(h).is_some() || schema.relation_type_by_hotkey(h).is_some() || crate::schema::check_hotkey(h).is_err()) {
        rt.hotkey = None;
    }
    if schema.add_relation_type(usize::MAX, rt.clone()).is_ok() {
        return;
    }
    rt.from_labels.clear();
    rt.to_labels.clear();
    match schema.add_relation_type(usize::MAX, rt) {
        Ok(()) => report.diagnostics.push(Diagnostic::new(Severity::Warning, "relation-type-changed", None, None, format!("relation type {:?} names labels the schema lacks, so it was added taking any label", short(&id, 40)))),
        Err(why) => report.diagnostics.push(Diagnostic::new(Severity::Warning, "relation-type-refused", None, None, format!("relation type {:?} cannot be added ({why}); its relations are left out", short(&id, 40)))),
    }
}

/// Checks a document's relations as a file gives them, against the document (with its
/// staged spans) and the staged schema, and returns the ones to add, with fresh ids
/// where the file's are taken. `ids_in_file` maps the file's span ids to annotation ids.
fn stage_relations(doc: &mut Document, relations: Vec<RelationIn>, ids_in_file: &HashMap<String, String>, schema: &mut LabelSchema, file_ref: &str, report: &mut ImportReport) -> Vec<Relation> {
    let mut out: Vec<Relation> = Vec::new();
    let mut fresh = 0u64;
    for r in relations {
        let file_id = r.id.clone().unwrap_or_default();
        let d = |severity, code, message: String| Diagnostic::new(severity, code, Some(file_ref), Some(&file_id), message);
        let (Some(from), Some(to)) = (ids_in_file.get(&r.from), ids_in_file.get(&r.to)) else {
            let missing = if ids_in_file.contains_key(&r.from) { &r.to } else { &r.from };
            report.diagnostics.push(d(Severity::Error, "relation-end-missing", format!("the {} relation points at span {:?}, which is not in the file or was left out, so the relation was left out", short(&r.kind, 40), short(missing, 40))));
            continue;
        };
        if schema.relation_type(&r.kind).is_none() {
            let rt = RelationType {
                id: r.kind.clone(),
                name: r.kind.clone(),
                color: schema.label_for_unknown_id(&r.kind).color,
                hotkey: None,
                directed: true,
                from_labels: Vec::new(),
                to_labels: Vec::new(),
                description: "Added on import".to_owned(),
            };
            match schema.add_relation_type(usize::MAX, rt) {
                Ok(()) => report.diagnostics.push(d(Severity::Info, "relation-type-added", format!("relation type {:?} was not in the schema and was added, taking any label", short(&r.kind, 40)))),
                Err(why) => {
                    report.diagnostics.push(d(Severity::Error, "relation-type-refused", format!("relation type {:?} cannot be added ({why}), so the relation was left out", short(&r.kind, 40))));
                    continue;
                }
            }
        }
        let id = if file_id.is_empty() || doc.relations.contains_id(&file_id) {
            loop {
                fresh += 1;
                let c = if file_id.is_empty() { format!("ri{fresh}") } else { format!("{file_id}~{fresh}") };
                if !doc.relations.contains_id(&c) {
                    break c;
                }
            }
        } else {
            file_id.clone()
        };
        let extra = (!r.extra.is_empty()).then(|| Box::new(r.extra));
        let relation = Relation { id, kind: r.kind, from: from.clone(), to: to.clone(), extra };
        match Workspace::check_relation_with(schema, doc, &relation) {
            Ok(()) => {
                doc.relations.insert(relation.clone());
                report.relations_added += 1;
                out.push(relation);
            }
            Err(e @ crate::ops::EditError::DuplicateRelation { .. }) => report.diagnostics.push(d(Severity::Info, "duplicate-relation", format!("{e}, so it was skipped"))),
            Err(e) => report.diagnostics.push(d(Severity::Error, "relation-refused", format!("{e}, so the relation was left out"))),
        }
    }
    // The caller adds what is returned; the document itself must not hold them twice.
    for r in &out {
        doc.relations.remove(&r.id);
    }
    out
}
