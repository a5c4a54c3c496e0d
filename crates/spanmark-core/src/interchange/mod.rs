//! Interchange formats: one module per format behind one [`Codec`] interface, and
//! the one staging path that every import goes through.
//!
//! An import runs in two phases. [`Workspace::stage_import`] reads the files,
//! converts every span to UTF-8 bytes of its document, verifies it against its
//! quote, and returns a [`StagedImport`] with a full [`ImportReport`], changing
//! nothing. [`Workspace::apply_import`] then applies it as one undoable step, or
//! refuses if the workspace changed in between. Exports return the file to write
//! and a loss report: every annotation, or part of one, that the format cannot
//! carry.

pub mod brat;
pub mod canonical_codec;
pub mod conll;
pub mod jsonl;
pub mod labelstudio;
pub mod w3c;
mod zipfile;

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

use crate::annotation::{Annotation, AnnotationExtra};
use crate::canonical::{Diagnostic, ImportError, ImportReport, Severity};
use crate::document::Document;
use crate::offsets::Unit;
use crate::schema::LabelSchema;
use crate::workspace::{EditError, Op, Workspace};

pub use conll::TagScheme;

/// The largest document text an import takes (the shell opens no larger file).
pub const MAX_IMPORTED_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

/// The interchange formats Spanmark reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Canonical Spanmark JSON (lossless).
    Canonical,
    /// JSON Lines, doccano / spaCy style.
    Jsonl,
    /// brat standoff (`.txt` + `.ann`).
    Brat,
    /// CoNLL 2003 style token-per-line tags.
    Conll,
    /// W3C Web Annotation (JSON-LD).
    W3c,
    /// Label Studio tasks.
    LabelStudio,
}

impl Format {
    /// Every format, in menu order.
    pub const ALL: [Format; 6] = [Format::Canonical, Format::Jsonl, Format::Brat, Format::Conll, Format::W3c, Format::LabelStudio];

    /// The stable id used across the boundary (`"label-studio"`).
    pub fn id(self) -> &'static str {
        match self {
            Format::Canonical => "canonical",
            Format::Jsonl => "jsonl",
            Format::Brat => "brat",
            Format::Conll => "conll",
            Format::W3c => "w3c",
            Format::LabelStudio => "label-studio",
        }
    }

    /// The format with this id.
    pub fn from_id(id: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.id() == id)
    }

    /// Whether its import reads `.txt` files given with it as the documents' texts
    /// (otherwise `.txt` files are documents of their own).
    pub fn reads_text_files(self) -> bool {
        matches!(self, Format::Brat | Format::Conll | Format::W3c)
    }

    /// Its name for people.
    pub fn title(self) -> &'static str {
        match self {
            Format::Canonical => "Spanmark JSON",
            Format::Jsonl => "JSONL (doccano, spaCy)",
            Format::Brat => "brat standoff",
            Format::Conll => "CoNLL (IOB)",
            Format::W3c => "W3C Web Annotation",
            Format::LabelStudio => "Label Studio JSON",
        }
    }
}

/// Options for an export.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportOptions {
    /// The tagging scheme of a CoNLL export.
    pub scheme: TagScheme,
}

/// One file to hand to the analyst.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    /// A file name for it.
    pub name: String,
    /// Its media type.
    pub mime: &'static str,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// An export: the file, and everything the format could not carry.
#[derive(Debug, Clone)]
pub struct Export {
    /// The file.
    pub file: ExportFile,
    /// One diagnostic per annotation (or part of one) that the file does not carry.
    pub losses: Vec<Diagnostic>,
    /// How many annotations the file carries.
    pub annotations_written: usize,
}

/// One file handed to an import.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// Its name (only the extension and stem are used).
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

impl InputFile {
    /// A file from a name and text.
    pub fn new(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        InputFile { name: name.into(), bytes: bytes.into() }
    }

    pub(crate) fn extension(&self) -> String {
        self.name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default()
    }

    pub(crate) fn stem(&self) -> &str {
        let base = self.name.rsplit(['/', '\\']).next().unwrap_or(&self.name);
        base.rsplit_once('.').map_or(base, |(s, _)| s)
    }

    /// The text of the file: strict UTF-8, without a byte order mark.
    pub(crate) fn text(&self) -> Result<&str, ImportError> {
        let text = self.exact_text()?;
        Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
    }

    /// The text of a document file, byte for byte: a byte order mark is part of it,
    /// as brat and Python's `utf-8` codec count it.
    pub(crate) fn exact_text(&self) -> Result<&str, ImportError> {
        std::str::from_utf8(&self.bytes).map_err(|e| {
            ImportError::Encoding(format!(
                "{} is not UTF-8: the bytes at offset {} are not valid UTF-8 (save it as UTF-8 and import it again)",
                self.name,
                e.valid_up_to()
            ))
        })
    }
}

/// Options for an import.
#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    /// The format, or `None` to detect it from the content.
    pub format: Option<Format>,
    /// What the file's offsets count, for formats that do not say (JSONL).
    /// Formats that carry quotes also try the other unit when a quote disagrees.
    pub unit: Unit,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions { format: None, unit: Unit::CodePoint }
    }
}

/// The one interface every format implements.
pub trait Codec {
    /// Which format this is.
    const FORMAT: Format;
    /// Writes these documents (in this order) under this schema.
    fn export(schema: &LabelSchema, docs: &[&Document], options: &ExportOptions) -> Export;
    /// Reads files into the neutral form that staging checks. An error means the
    /// files are not this format at all; problems with parts become diagnostics.
    fn read(files: &[InputFile], options: &ImportOptions) -> Result<Interchange, ImportError>;
    /// Whether the content looks like this format.
    fn sniff(file: &InputFile) -> bool;
}

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
}

/// What a codec read: labels, documents and diagnostics about the file itself.
#[derive(Debug, Clone)]
pub struct Interchange {
    /// The format it was read as.
    pub format: Format,
    /// Labels the file defines (canonical only).
    pub labels: Vec<LabelDef>,
    /// Documents in file order.
    pub documents: Vec<DocIn>,
    /// Diagnostics found while reading.
    pub diagnostics: Vec<Diagnostic>,
}

impl Interchange {
    pub(crate) fn new(format: Format) -> Self {
        Interchange { format, labels: Vec::new(), documents: Vec::new(), diagnostics: Vec::new() }
    }
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
        self.report.diagnostics.iter().any(|d| d.severity != Severity::Info)
    }
}

pub(crate) fn diag(severity: Severity, code: &'static str, document: Option<&str>, annotation: Option<&str>, message: String) -> Diagnostic {
    Diagnostic { severity, code, document: document.map(str::to_owned), annotation: annotation.map(str::to_owned), message }
}

/// Detects the format of these files from their content (and, to break ties, their names).
pub fn detect_format(files: &[InputFile]) -> Result<Format, ImportError> {
    let primary: Vec<&InputFile> = files.iter().filter(|f| !matches!(f.extension().as_str(), "txt")).collect();
    if primary.is_empty() {
        return Err(ImportError::UnknownFormat("only .txt files were given; open them as documents instead".to_owned()));
    }
    for f in &primary {
        if brat::Brat::sniff(f) {
            return Ok(Format::Brat);
        }
        // Spanmark's own files say so in their first field: no need to parse them twice.
        if canonical_codec::Canonical::sniff(f) {
            return Ok(Format::Canonical);
        }
        let body = f.bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&f.bytes);
        let first = body.iter().find(|b| !b.is_ascii_whitespace());
        if matches!(first, Some(b'{' | b'[')) {
            // Judge JSON by its structure when it parses; a broken file by its start,
            // so that the import can say what is wrong with it.
            if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
                if let Some(format) = classify_json(&value) {
                    return Ok(format);
                }
            }
        }
        for (sniff, format) in [
            (canonical_codec::Canonical::sniff as fn(&InputFile) -> bool, Format::Canonical),
            (labelstudio::LabelStudio::sniff, Format::LabelStudio),
            (w3c::W3c::sniff, Format::W3c),
            (jsonl::Jsonl::sniff, Format::Jsonl),
            (conll::Conll::sniff, Format::Conll),
        ] {
            if sniff(f) {
                return Ok(format);
            }
        }
    }
    let names: Vec<&str> = primary.iter().map(|f| f.name.as_str()).collect();
    Err(ImportError::UnknownFormat(format!(
        "{} is not Spanmark JSON, JSONL, brat standoff, CoNLL, W3C Web Annotation or Label Studio JSON",
        names.join(", ")
    )))
}

/// The format of a parsed JSON document, judged by its structure.
fn classify_json(value: &serde_json::Value) -> Option<Format> {
    use serde_json::Value;
    let is_w3c_type = |v: &Value| {
        let t = v.get("type").or_else(|| v.get("@type"));
        let names = |s: &str| matches!(s, "Annotation" | "AnnotationPage" | "AnnotationCollection");
        match t {
            Some(Value::String(s)) => names(s),
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).any(names),
            _ => false,
        }
    };
    let is_task = |v: &Value| v.get("data").is_some_and(Value::is_object);
    match value {
        Value::Object(o) if o.get("format").and_then(Value::as_str) == Some(crate::canonical::FORMAT_NAME) => Some(Format::Canonical),
        Value::Object(_) if is_w3c_type(value) => Some(Format::W3c),
        Value::Object(_) if is_task(value) => Some(Format::LabelStudio),
        Value::Object(o) if o.get("text").is_some_and(Value::is_string) => Some(Format::Jsonl),
        Value::Array(items) => match items.first() {
            Some(first) if is_w3c_type(first) => Some(Format::W3c),
            Some(first) if is_task(first) => Some(Format::LabelStudio),
            _ => None,
        },
        _ => None,
    }
}

/// Reads files in a format, without checking them against any workspace.
pub fn read_files(format: Format, files: &[InputFile], options: &ImportOptions) -> Result<Interchange, ImportError> {
    match format {
        Format::Canonical => canonical_codec::Canonical::read(files, options),
        Format::Jsonl => jsonl::Jsonl::read(files, options),
        Format::Brat => brat::Brat::read(files, options),
        Format::Conll => conll::Conll::read(files, options),
        Format::W3c => w3c::W3c::read(files, options),
        Format::LabelStudio => labelstudio::LabelStudio::read(files, options),
    }
}

impl Workspace {
    /// Writes the documents with these ids (all if `None`) in a format.
    pub fn export_as(&self, format: Format, doc_ids: Option<&[&str]>, options: &ExportOptions) -> Result<Export, EditError> {
        let docs: Vec<&Document> = match doc_ids {
            None => self.documents.iter().collect(),
            Some(ids) => ids.iter().map(|id| self.document(id)).collect::<Result<_, _>>()?,
        };
        Ok(match format {
            Format::Canonical => canonical_codec::Canonical::export(&self.schema, &docs, options),
            Format::Jsonl => jsonl::Jsonl::export(&self.schema, &docs, options),
            Format::Brat => brat::Brat::export(&self.schema, &docs, options),
            Format::Conll => conll::Conll::export(&self.schema, &docs, options),
            Format::W3c => w3c::W3c::export(&self.schema, &docs, options),
            Format::LabelStudio => labelstudio::LabelStudio::export(&self.schema, &docs, options),
        })
    }

    /// Reads and checks files (detecting their format unless one is given) and
    /// returns what importing them would do. Changes nothing.
    pub fn stage_import(&self, files: &[InputFile], options: &ImportOptions) -> Result<StagedImport, ImportError> {
        let format = match options.format {
            Some(f) => f,
            None => detect_format(files)?,
        };
        let read = read_files(format, files, options)?;
        self.stage(read)
    }

    /// Applies a staged import as one undoable step. Refuses, changing nothing,
    /// if the workspace changed since it was staged.
    pub fn apply_import(&mut self, staged: StagedImport) -> Result<ImportReport, ImportError> {
        if staged.revision != self.revision {
            return Err(ImportError::Stale);
        }
        let summary = format!(
            "Import {} ({} document(s), {} annotation(s))",
            staged.format.title(),
            staged.report.document_ids.len(),
            staged.report.annotations_added
        );
        let next = staged.next_document.max(self.next_document);
        self.commit(summary, staged.ops)?;
        if next != self.next_document {
            self.next_document = next;
            self.pending.meta();
        }
        Ok(staged.report)
    }

    /// Checks what a codec read against this workspace.
    pub fn stage(&self, read: Interchange) -> Result<StagedImport, ImportError> {
        let Interchange { format, labels, documents, diagnostics } = read;
        let mut report = ImportReport { diagnostics, ..ImportReport::default() };
        let mut schema = self.schema.clone();
        for label in labels {
            stage_label(&mut schema, label, &mut report);
        }
        let mut taken: HashSet<String> = self.documents.iter().map(|d| d.id().to_owned()).collect();
        let mut next_document = self.next_document;
        let mut built: Vec<Document> = Vec::new();
        let mut into_existing: Vec<Op> = Vec::new();
        let mut existing_ids: HashMap<String, HashSet<String>> = HashMap::new();
        let mut read_documents = 0usize;
        for doc_in in documents {
            match doc_in.target {
                Target::New { id, name, text } => {
                    let wanted = id.filter(|i| !i.is_empty() && !taken.contains(i.as_str()));
                    let id = match wanted {
                        Some(id) => id,
                        None => {
                            let fresh = loop {
                                let c = format!("d{next_document}");
                                next_document += 1;
                                if !taken.contains(&c) {
                                    break c;
                                }
                            };
                            if format == Format::Canonical {
                                report.diagnostics.push(diag(Severity::Info, "document-id-renamed", Some(&doc_in.file_ref), None, format!("document id {:?} is already in use, so it was imported as {fresh:?}", doc_in.file_ref)));
                            }
                            fresh
                        }
                    };
                    if text.len() > MAX_IMPORTED_DOCUMENT_BYTES {
                        report.diagnostics.push(diag(Severity::Error, "document-too-large", Some(&doc_in.file_ref), None, format!("its text is {:.1} MB; Spanmark opens documents of up to 10 MB, so it and its {} span(s) were left out", text.len() as f64 / 1048576.0, doc_in.spans.len())));
                        continue;
                    }
                    taken.insert(id.clone());
                    let mut doc = match Document::new(id, name, text) {
                        Ok(doc) => doc,
                        Err(source) => {
                            if format == Format::Canonical {
                                return Err(ImportError::Document { id: doc_in.file_ref, source });
                            }
                            report.diagnostics.push(diag(Severity::Error, "document-refused", Some(&doc_in.file_ref), None, format!("{source}; the document and its {} span(s) were left out", doc_in.spans.len())));
                            continue;
                        }
                    };
                    let mut checker = SpanChecker::new(doc_in.unit, &doc_in.file_ref);
                    let mut ids: HashSet<String> = HashSet::new();
                    let mut checked = Vec::with_capacity(doc_in.spans.len());
                    for span in doc_in.spans {
                        if let Some(a) = checker.check(&doc, span, &mut schema, &|id| ids.contains(id), &mut report) {
                            ids.insert(a.id.clone());
                            checked.push(a);
                        }
                    }
                    checker.finish(&doc, &mut report);
                    for a in checked {
                        if let Some(existing) = doc.annotations.find_exact(a.start_byte, a.end_byte, &a.label) {
                            report.diagnostics.push(diag(Severity::Info, "duplicate", Some(&doc_in.file_ref), Some(&a.id), format!("it repeats annotation {:?} (same span and label), so it was skipped", existing.id)));
                            continue;
                        }
                        doc.annotations.insert(a);
                        report.annotations_added += 1;
                    }
                    read_documents += 1;
                    report.document_ids.push(doc.id().to_owned());
                    built.push(doc);
                }
                Target::Existing { source } => {
                    let Some(doc) = self.find_by_source(&source) else {
                        report.diagnostics.push(diag(Severity::Error, "document-not-open", Some(&doc_in.file_ref), None, format!("the annotations point at {source:?}, which is not open; open that document (or import its .txt with this file) and import again. {} span(s) were left out", doc_in.spans.len())));
                        continue;
                    };
                    let used = existing_ids.entry(doc.id().to_owned()).or_default();
                    let mut staged_spans: Vec<Annotation> = Vec::new();
                    let mut checker = SpanChecker::new(doc_in.unit, &doc_in.file_ref);
                    for span in doc_in.spans {
                        let Some(a) = checker.check(doc, span, &mut schema, &|id| doc.annotations.contains_id(id) || used.contains(id), &mut report) else { continue };
                        if let Some(existing) = doc.annotations.find_exact(a.start_byte, a.end_byte, &a.label) {
                            report.diagnostics.push(diag(Severity::Info, "duplicate", Some(&doc_in.file_ref), Some(&a.id), format!("it repeats annotation {:?} (same span and label), so it was skipped", existing.id)));
                            continue;
                        }
                        if staged_spans.iter().any(|s| s.range() == a.range() && s.label == a.label) {
                            continue;
                        }
                        used.insert(a.id.clone());
                        staged_spans.push(a);
                    }
                    checker.finish(doc, &mut report);
                    report.annotations_added += staged_spans.len();
                    read_documents += 1;
                    if !report.document_ids.iter().any(|d| d == doc.id()) {
                        report.document_ids.push(doc.id().to_owned());
                    }
                    into_existing.extend(staged_spans.into_iter().map(|annotation| Op::InsertAnnotation { doc: doc.id().to_owned(), annotation }));
                }
            }
        }
        if read_documents == 0 && report.diagnostics.iter().any(|d| d.severity == Severity::Error) {
            let first = report.diagnostics.iter().find(|d| d.severity == Severity::Error).expect("checked");
            return Err(ImportError::Nothing(first.message.clone()));
        }
        report.documents_read = read_documents;
        let mut ops: Vec<Op> = schema
            .labels()
            .iter()
            .filter(|l| self.schema.get(&l.id).is_none())
            .map(|l| Op::InsertLabel { index: usize::MAX, label: l.clone() })
            .collect();
        ops.extend(built.into_iter().map(|doc| Op::InsertBuilt { index: usize::MAX, document: Box::new(doc) }));
        ops.extend(into_existing);
        Ok(StagedImport { format, report, ops, next_document, revision: self.revision })
    }

    /// The open document a file refers to: by Spanmark IRI, id, or name (with or
    /// without its extension).
    fn find_by_source(&self, source: &str) -> Option<&Document> {
        let key = w3c::source_key(source);
        let stem = |n: &str| n.rsplit_once('.').map_or(n, |(s, _)| s).to_owned();
        self.documents
            .iter()
            .find(|d| d.name() == key)
            .or_else(|| self.documents.iter().find(|d| d.id() == key))
            .or_else(|| self.documents.iter().find(|d| stem(d.name()) == stem(&key)))
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
    if schema.add(new.clone()).is_err() {
        // Only the colour can still be wrong: fall back to a spare one.
        new.color = schema.label_for_unknown_id(&label.id).color;
        let _ = schema.add(new);
    }
    report.labels_added.push(label.id);
}

/// Checks the spans of one document: converts offsets from the file's unit, verifies
/// quotes (trying the other unit, then the nearest occurrence), and notices when
/// quoteless spans only line up with words under the other unit.
struct SpanChecker<'d> {
    unit: Unit,
    file_ref: &'d str,
    other_unit_hits: usize,
    placed_by_quote: usize,
    fresh: u64,
    quoteless: Vec<(i64, i64)>,
}

impl<'d> SpanChecker<'d> {
    fn new(unit: Unit, file_ref: &'d str) -> Self {
        SpanChecker { unit, file_ref, other_unit_hits: 0, placed_by_quote: 0, fresh: 0, quoteless: Vec::new() }
    }

    fn to_bytes(doc: &Document, start: i64, end: i64, unit: Unit) -> Option<(usize, usize)> {
        if start < 0 || end <= start {
            return None;
        }
        let index = doc.offsets();
        let s = index.try_convert(usize::try_from(start).ok()?, unit, Unit::Byte).ok()?;
        let e = index.try_convert(usize::try_from(end).ok()?, unit, Unit::Byte).ok()?;
        Some((s, e))
    }

    fn check(&mut self, doc: &Document, span: SpanIn, schema: &mut LabelSchema, id_taken: &dyn Fn(&str) -> bool, report: &mut ImportReport) -> Option<Annotation> {
        let file_id = span.id.clone().unwrap_or_default();
        let d = |severity, code, message: String| diag(severity, code, Some(self.file_ref), Some(&file_id), message);
        if span.label.trim().is_empty() {
            report.diagnostics.push(d(Severity::Error, "missing-label", "the span has no label, so it was left out".to_owned()));
            return None;
        }
        let text = doc.text();
        let given = Self::to_bytes(doc, span.start, span.end, self.unit);
        let unit_name = unit_name(self.unit);
        if span.quote.is_none() {
            self.quoteless.push((span.start, span.end));
        }
        let (start, end) = match (&span.quote, given) {
            (None, Some(r)) => r,
            (Some(q), Some((s, e))) if text[s..e] == *q => (s, e),
            (quote, _) => {
                let len = doc.offsets().len(self.unit) as i64;
                let problem = if span.start < 0 || span.end <= span.start {
                    format!("its span [{}, {}) is not a valid half-open interval", span.start, span.end)
                } else if span.end > len {
                    format!("its span [{}, {}) goes past the end of the text ({len} {unit_name})", span.start, span.end)
                } else if given.is_none() {
                    format!("its span [{}, {}) splits a character when counted in {unit_name}", span.start, span.end)
                } else {
                    format!("its quote {:?} is not the text at [{}, {})", quote.as_deref().unwrap_or(""), span.start, span.end)
                };
                let Some(quote) = quote else {
                    report.diagnostics.push(d(Severity::Error, "out-of-range", format!("{problem}, so it was left out")));
                    return None;
                };
                let other = other_unit(self.unit);
                match Self::to_bytes(doc, span.start, span.end, other) {
                    Some((s, e)) if text[s..e] == **quote => {
                        self.other_unit_hits += 1;
                        (s, e)
                    }
                    _ => {
                        let hint = given.map_or(0, |(s, _)| s);
                        let quote_only = span.start < 0 && span.end < 0;
                        match best_occurrence(text, quote, hint, span.prefix.as_deref(), span.suffix.as_deref()) {
                            Some(s) if quote_only => {
                                self.placed_by_quote += 1;
                                (s, s + quote.len())
                            }
                            Some(s) => {
                                let cp = doc.offsets().try_byte_to_cp(s).expect("match starts on a boundary");
                                report.diagnostics.push(d(Severity::Warning, "quote-relocated", format!("{problem}; the quote was found at code point {cp} and the span moved there")));
                                (s, s + quote.len())
                            }
                            None => {
                                report.diagnostics.push(d(Severity::Error, "quote-mismatch", format!("{problem}, and the quote occurs nowhere in the text, so the span was left out")));
                                return None;
                            }
                        }
                    }
                }
            }
        };
        if schema.get(&span.label).is_none() {
            let label = schema.label_for_unknown_id(&span.label);
            if schema.add(label).is_ok() {
                report.labels_added.push(span.label.clone());
                report.diagnostics.push(d(Severity::Info, "label-added", format!("label {:?} was not in the schema and was added", span.label)));
            }
        }
        let id = if file_id.is_empty() {
            loop {
                self.fresh += 1;
                let c = format!("i{}", self.fresh);
                if !id_taken(&c) {
                    break c;
                }
            }
        } else if id_taken(&file_id) {
            let id = (2..).map(|k| format!("{file_id}~{k}")).find(|c| !id_taken(c)).expect("unbounded");
            report.diagnostics.push(d(Severity::Info, "annotation-id-renamed", format!("annotation id {file_id:?} is already used in this document; this one is now {id:?}")));
            id
        } else {
            file_id.clone()
        };
        let extra = (!span.extra.is_empty()).then(|| Box::new(span.extra));
        Some(Annotation { id, start_byte: start, end_byte: end, label: span.label, extra })
    }

    fn finish(self, doc: &Document, report: &mut ImportReport) {
        if self.other_unit_hits > 0 {
            report.diagnostics.push(diag(
                Severity::Info,
                "unit-detected",
                Some(self.file_ref),
                None,
                format!(
                    "{} span(s) count their offsets in {} (their quotes only match that way), and were read that way",
                    self.other_unit_hits,
                    unit_name(other_unit(self.unit))
                ),
            ));
        }
        if self.placed_by_quote > 0 {
            report.diagnostics.push(diag(Severity::Info, "placed-by-quote", Some(self.file_ref), None, format!("{} span(s) give no position, so they were placed where their quote (and its context) occurs", self.placed_by_quote)));
        }
        // Quoteless spans: the unit can only be judged by whether spans line up with words.
        let text = doc.text();
        if self.quoteless.is_empty() || self.unit == Unit::Byte || text.chars().all(|c| (c as u32) < 0x10000) {
            return;
        }
        let bounds: HashSet<usize> = text.split_word_bound_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let aligned = |unit| {
            self.quoteless
                .iter()
                .filter(|&&(s, e)| Self::to_bytes(doc, s, e, unit).is_some_and(|(s, e)| bounds.contains(&s) && bounds.contains(&e)))
                .count()
        };
        let here = aligned(self.unit);
        let there = aligned(other_unit(self.unit));
        // Spans before the first astral character line up either way; a file in the
        // other unit lines up almost entirely there and visibly less here.
        if there > here && there * 10 >= self.quoteless.len() * 9 {
            report.diagnostics.push(diag(
                Severity::Warning,
                "unit-suspected",
                Some(self.file_ref),
                None,
                format!(
                    "{} of {} span(s) line up with words when counted in {}, but only {here} when counted in {}: the file probably counts {} (as doccano's browser did). Import it again with that unit if the highlights look shifted",
                    there,
                    self.quoteless.len(),
                    unit_name(other_unit(self.unit)),
                    unit_name(self.unit),
                    unit_name(other_unit(self.unit)),
                ),
            ));
        }
    }
}

pub(crate) fn unit_name(unit: Unit) -> &'static str {
    match unit {
        Unit::Byte => "UTF-8 bytes",
        Unit::CodePoint => "code points",
        Unit::Utf16 => "UTF-16 code units",
    }
}

fn other_unit(unit: Unit) -> Unit {
    match unit {
        Unit::Utf16 => Unit::CodePoint,
        _ => Unit::Utf16,
    }
}

/// The byte offset of the occurrence of `quote` in `text` that best matches the
/// context (prefix before it, suffix after it), and of those the nearest to `hint`.
pub(crate) fn best_occurrence(text: &str, quote: &str, hint: usize, prefix: Option<&str>, suffix: Option<&str>) -> Option<usize> {
    if quote.is_empty() {
        return None;
    }
    let score = |i: usize| {
        usize::from(prefix.is_some_and(|p| !p.is_empty() && text[..i].ends_with(p)))
            + usize::from(suffix.is_some_and(|s| !s.is_empty() && text[i + quote.len()..].starts_with(s)))
    };
    text.match_indices(quote).map(|(i, _)| i).min_by_key(|&i| (std::cmp::Reverse(score(i)), i.abs_diff(hint)))
}

/// Code point offsets of an annotation in its document.
pub(crate) fn cp_span(doc: &Document, a: &Annotation) -> (usize, usize) {
    let index = doc.offsets();
    (
        index.try_byte_to_cp(a.start_byte).expect("stored spans lie on boundaries"),
        index.try_byte_to_cp(a.end_byte).expect("stored spans lie on boundaries"),
    )
}

/// A loss diagnostic for the parts of an annotation's extra that a format drops.
pub(crate) fn extra_losses(format: Format, doc: &Document, a: &Annotation, note: bool, refs: bool, attributes: bool, out: &mut Vec<Diagnostic>) {
    let extra = a.extra();
    let mut lost = Vec::new();
    if !note && extra.note.is_some() {
        lost.push("its note".to_owned());
    }
    if !refs && !extra.refs.is_empty() {
        lost.push(format!("{} entity reference(s)", extra.refs.len()));
    }
    if !attributes && !extra.attributes.is_empty() {
        lost.push(format!("{} attribute(s)", extra.attributes.len()));
    }
    if !lost.is_empty() {
        out.push(diag(Severity::Warning, "not-carried", Some(doc.id()), Some(&a.id), format!("{} cannot carry {}", format.title(), lost.join(" and "))));
    }
}

/// The name of an export: `<document>.<extension>` for one document, else
/// `spanmark-corpus.<extension>`.
pub(crate) fn export_name(docs: &[&Document], extension: &str) -> String {
    match docs {
        [one] => format!("{}.{extension}", file_stem(one, &mut HashSet::new())),
        _ => format!("spanmark-corpus.{extension}"),
    }
}

/// A file-name stem for a document, unique among `used`.
pub(crate) fn file_stem(doc: &Document, used: &mut HashSet<String>) -> String {
    let name = doc.name();
    let base = name.rsplit_once('.').map_or(name, |(s, e)| if e.len() <= 5 && !s.is_empty() { s } else { name });
    let clean: String = base
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
        .collect();
    let clean = if clean.trim_matches('_').is_empty() { doc.id().to_owned() } else { clean };
    let mut stem = clean.clone();
    let mut k = 2;
    while !used.insert(stem.clone()) {
        stem = format!("{clean}-{k}");
        k += 1;
    }
    stem
}
