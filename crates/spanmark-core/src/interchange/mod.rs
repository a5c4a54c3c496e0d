//! Interchange formats: one module per format behind one [`Codec`] interface, and
//! the one staging path that every import goes through.
//!
//! An import runs in two phases. [`Workspace::stage_import`] reads the files,
//! converts every span to UTF-8 bytes of its document, verifies it against its
//! quote, and returns a [`StagedImport`] with a full [`ImportReport`], changing
//! nothing. [`Workspace::apply_import`] then applies it as one undoable step, or
//! refuses if the workspace changed in between. Exports return the file to write
//! and a loss report: every annotation or relation, or part of one, that the format
//! cannot carry. `schema_conf` reads and writes a schema in brat's and Label Studio's
//! configuration files.

pub mod brat;
pub mod canonical_codec;
pub mod conll;
pub mod jsonl;
pub mod labelstudio;
pub mod schema_conf;
pub mod w3c;
mod zipfile;

pub mod backup;
mod input;
mod output;
mod span_check;
mod staging;

use crate::document::Document;
use crate::offsets::Unit;
use crate::ops::EditError;
use crate::report::ImportError;
use crate::schema::LabelSchema;
use crate::workspace::Workspace;

pub use conll::TagScheme;

pub use input::{plan_intake, DocumentKind, FileRefusal, InputFile, Intake, MAX_DATA_FILE_BYTES, MAX_DOCUMENT_BYTES};
pub(crate) use input::{base_name, strip_extension};
pub use output::{Export, ExportFile};
/// The files inside a zip, read within the zip limits (for a schema in a zip, say).
pub fn unzip_files(file: &InputFile) -> Result<Vec<InputFile>, ImportError> {
    zipfile::read(file)
}

pub use schema_conf::{parse_brat_conf, parse_labelstudio_config, schema_file, write_brat_conf, write_labelstudio_config, BratConf, SchemaDraft};
pub(crate) use output::{cp_span, export_name, extra_losses, extra_losses_except, file_stem, relation_losses, RelationCarry};
pub use crate::report::{SameText, SameTextDocument};
pub use staging::{DocIn, Interchange, LabelDef, RelationIn, SpanIn, StagedImport, Target};


/// The interchange formats Spanmark reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

/// One entry of an Export menu: a format, with its tagging scheme for CoNLL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportChoice {
    /// The format.
    pub format: Format,
    /// The options it is written with.
    pub options: ExportOptions,
}

impl ExportChoice {
    /// Every choice, in menu order: each format, and CoNLL once per tagging scheme.
    pub fn all() -> Vec<ExportChoice> {
        Format::ALL
            .into_iter()
            .flat_map(|format| {
                let schemes: &[TagScheme] = if format == Format::Conll { &TagScheme::ALL } else { &[TagScheme::Iob2] };
                schemes.iter().map(move |&scheme| ExportChoice { format, options: ExportOptions { scheme } })
            })
            .collect()
    }

    /// Its stable id: the format's, with `:scheme` for CoNLL (`"conll:bioes"`).
    pub fn id(self) -> String {
        match self.format {
            Format::Conll => format!("conll:{}", self.options.scheme.id()),
            f => f.id().to_owned(),
        }
    }

    /// The choice with this id.
    pub fn from_id(id: &str) -> Option<ExportChoice> {
        ExportChoice::all().into_iter().find(|c| c.id() == id)
    }

    /// Its name for people (`"CoNLL (BIOES)"`).
    pub fn title(self) -> String {
        match self.format {
            Format::Conll => format!("CoNLL ({})", self.options.scheme.title()),
            f => f.title().to_owned(),
        }
    }
}

/// Options for an export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// The tagging scheme of a CoNLL export.
    pub scheme: TagScheme,
}

/// Options for an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    /// The format, or `None` to detect it from the content.
    pub format: Option<Format>,
    /// What the file's offsets count, for formats that do not say (JSONL).
    /// Formats that carry quotes also try the other unit when a quote disagrees.
    pub unit: Unit,
    /// What becomes of a document whose text equals one already open.
    pub same_text: SameText,
    /// CoNLL: the column the tags are read from, counted from 0 (the token is column
    /// 0; in spaCy's `word|POS|TAG` form, the part of each token). `None` reads the
    /// last column that holds IOB-like tags on every line.
    pub tag_column: Option<usize>,
    /// JSONL (doccano's `column_data`): the key of each record's text. `None` tries
    /// `text`, `data` and `content`, in that order.
    pub text_key: Option<String>,
    /// JSONL (doccano's `column_label`): the key of each record's spans. `None` reads
    /// `label`, `labels`, `entities` and `spans`.
    pub label_key: Option<String>,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions { format: None, unit: Unit::CodePoint, same_text: SameText::Merge, tag_column: None, text_key: None, label_key: None }
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

/// Detects the format of these files from their content, whatever their names: a
/// `.txt` whose every line is a token and a tag is CoNLL, a `.json` of JSON lines is
/// JSONL, a `.jsonl` holding one JSON array is read as what the array holds. Other
/// `.txt` files are texts (documents of their own, or the texts of brat, CoNLL or W3C
/// files beside them), never the file whose format is detected.
pub fn detect_format(files: &[InputFile]) -> Result<Format, ImportError> {
    let primary: Vec<&InputFile> = files.iter().filter(|f| conll::is_tag_file(f)).collect();
    if primary.is_empty() {
        return Err(ImportError::UnknownFormat(
            "only .txt files were given, and none of them holds CoNLL tags (one token and its tag a line); open them as documents instead".to_owned(),
        ));
    }
    // Say what refuses a file before guessing at its format: an encoding that is not
    // UTF-8, or a zip that is over the limits.
    for f in &primary {
        if let Some(encoding) = utf16_or_32(&f.bytes) {
            return Err(ImportError::Encoding(format!(
                "{} is {encoding} text (it starts with a {encoding} byte order mark), not UTF-8: save it as UTF-8 and import it again",
                f.name
            )));
        }
        if zipfile::is_zip(&f.bytes) {
            zipfile::names(f)?;
        }
    }
    for f in &primary {
        if let Some(format) = readings(f).first() {
            return Ok(*format);
        }
    }
    let names: Vec<&str> = primary.iter().map(|f| f.name.as_str()).collect();
    Err(ImportError::UnknownFormat(format!(
        "{} is not Spanmark JSON, JSONL, brat standoff, CoNLL, W3C Web Annotation or Label Studio JSON",
        names.join(", ")
    )))
}

/// Every format the content of `files` can be read as, the most likely first: the
/// readings the analyst can choose among in an import.
pub fn readings_of(files: &[InputFile]) -> Vec<Format> {
    let mut out: Vec<Format> = Vec::new();
    for f in files.iter().filter(|f| conll::is_tag_file(f)) {
        for format in readings(f) {
            if !out.contains(&format) {
                out.push(format);
            }
        }
    }
    out
}

/// Every format this file's content can be read as, the most likely first.
fn readings(f: &InputFile) -> Vec<Format> {
    let mut out = Vec::new();
    if brat::Brat::sniff(f) {
        out.push(Format::Brat);
    }
    // Spanmark's own files say so in their first field: no need to parse them twice.
    if canonical_codec::Canonical::sniff(f) {
        return vec![Format::Canonical];
    }
    let body = f.bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&f.bytes);
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if matches!(first, Some(b'{' | b'[')) {
        // Judge JSON by its structure when it parses; a broken file by its start,
        // so that the import can say what is wrong with it.
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
            if let Some(format) = classify_json(&value) {
                out.push(format);
            }
        }
    }
    for (sniff, format) in [
        (labelstudio::LabelStudio::sniff as fn(&InputFile) -> bool, Format::LabelStudio),
        (w3c::W3c::sniff, Format::W3c),
        (jsonl::Jsonl::sniff, Format::Jsonl),
        (conll::Conll::sniff, Format::Conll),
    ] {
        if !out.contains(&format) && sniff(f) {
            out.push(format);
        }
    }
    out
}

/// What detection chose for each file where the choice was not plain: an info
/// diagnostic `format-chosen` for every file that other formats could read too, or
/// whose name suggests something else than its content (a `.txt` of CoNLL tags, a
/// `.json` of JSON lines, a `.jsonl` holding one JSON array), naming the other readings.
pub fn detection_notes(files: &[InputFile], chosen: Format) -> Vec<crate::report::Diagnostic> {
    use crate::report::{Diagnostic, Severity};
    let mut out = Vec::new();
    for f in files.iter().filter(|f| conll::is_tag_file(f)) {
        let found = readings(f);
        if !found.contains(&chosen) {
            continue;
        }
        let mut others: Vec<String> = found.iter().filter(|&&g| g != chosen).map(|g| g.title().to_owned()).collect();
        let body = f.bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&f.bytes);
        // Parsed only where the name's extension makes it matter: a whole file held as a
        // JSON value costs as much as the import itself (tens of MB for 100,000 spans).
        let one_value = || serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok();
        match f.extension().as_str() {
            "txt" => others.push("a plain-text document (as its .txt name suggests)".to_owned()),
            "jsonl" if body.iter().filter(|&&b| b == b'\n').count() > 1 && one_value() => others.push("JSON Lines, one record a line (as its .jsonl name suggests, but it is one JSON value over several lines)".to_owned()),
            "json" if chosen == Format::Jsonl && !one_value() => others.push("one JSON document (as its .json name suggests, but it holds one JSON value a line)".to_owned()),
            _ => {}
        }
        if !others.is_empty() {
            out.push(Diagnostic::new(
                Severity::Info,
                "format-chosen",
                Some(&f.name),
                None,
                format!("read as {}, judged by its content; it could also be taken as {} (choose the format in the import to read it otherwise)", chosen.title(), others.join(", or ")),
            ));
        }
    }
    out
}

/// The encoding a byte order mark at the start of `bytes` names, when it is UTF-16 or UTF-32.
fn utf16_or_32(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        Some("UTF-32")
    } else if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        Some("UTF-16")
    } else {
        None
    }
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
    // A Label Studio task: its fields in `data`, or at the top level beside its
    // annotations (`completions` in Label Studio 0.x, `predictions`).
    let is_task = |v: &Value| {
        let holds = |k: &str| v.get(k).and_then(Value::as_array).is_some_and(|a| a.first().is_none_or(|e| e.get("result").is_some()));
        v.get("data").is_some_and(Value::is_object)
            || (v.get("text").is_some_and(Value::is_string) && ["annotations", "completions", "predictions"].iter().any(|k| v.get(*k).is_some() && holds(k)))
    };
    // A doccano record: a text under one of the keys doccano's import reads.
    let is_record = |v: &Value| jsonl::TEXT_KEYS.iter().any(|k| v.get(*k).is_some_and(Value::is_string));
    match value {
        Value::Object(o) if o.get("format").and_then(Value::as_str) == Some(canonical_codec::FORMAT_NAME) => Some(Format::Canonical),
        Value::Object(_) if is_w3c_type(value) => Some(Format::W3c),
        Value::Object(_) if is_task(value) => Some(Format::LabelStudio),
        Value::Object(_) if is_record(value) => Some(Format::Jsonl),
        Value::Array(items) => match items.first() {
            Some(first) if is_w3c_type(first) => Some(Format::W3c),
            Some(first) if is_task(first) => Some(Format::LabelStudio),
            Some(first) if is_record(first) => Some(Format::Jsonl),
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

/// The largest export Spanmark writes, in bytes: the file and the work of writing it
/// must fit in the page's memory beside the workspace.
pub const MAX_EXPORT_BYTES: usize = 200 * 1024 * 1024;

/// Why an export was refused. Nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// A document to export does not exist.
    #[error(transparent)]
    Edit(#[from] EditError),
    /// The file would be larger than [`MAX_EXPORT_BYTES`].
    #[error("this {format} export would be about {} MB; Spanmark writes exports of up to {} MB, so nothing was written: export fewer documents at a time, or a leaner format such as JSONL", estimated >> 20, limit >> 20)]
    TooLarge {
        /// The format's name.
        format: &'static str,
        /// About how many bytes the file would take.
        estimated: usize,
        /// The limit, in bytes.
        limit: usize,
    },
}

/// About how many bytes an export of `docs` in `format` takes: a generous estimate from
/// the text and the annotations (their quotes and each format's fixed cost per span).
pub fn estimate_export_bytes(format: Format, docs: &[&Document]) -> usize {
    // Bytes written per annotation besides its quote, and per byte of text.
    let (per_annotation, quote_copies, per_text_byte) = match format {
        Format::Canonical => (160, 1, 2),
        Format::Jsonl => (40, 0, 2),
        Format::Brat => (40, 1, 1),
        Format::Conll => (20, 0, 6),
        Format::W3c => (900, 1, 0),
        Format::LabelStudio => (360, 1, 2),
    };
    docs.iter()
        .map(|d| {
            let quotes: usize = d.annotations().iter().map(|a| a.end_byte - a.start_byte).sum();
            // A relation costs at most what an annotation does, in every format.
            d.text().len() * per_text_byte + (d.annotations().len() + d.relations().len()) * per_annotation + quotes * quote_copies
        })
        .sum()
}

impl Workspace {
    /// Copies of the documents (only when some annotation links to an entity with
    /// identifiers) whose linked annotations carry the entity's identifiers as references.
    fn with_entity_refs(&self, docs: &[&Document]) -> Vec<Document> {
        let has = |d: &Document| d.annotations().iter().any(|a| a.extra().entity.as_deref().and_then(|e| self.entity(e).ok()).is_some_and(|e| !e.identifiers.is_empty()));
        if !docs.iter().any(|d| has(d)) {
            return Vec::new();
        }
        docs.iter()
            .map(|d| {
                let mut copy = (*d).clone();
                let linked: Vec<(String, String)> = d.annotations().iter().filter_map(|a| a.extra().entity.clone().map(|e| (a.id.clone(), e))).collect();
                for (id, e) in linked {
                    let Ok(entity) = self.entity(&e) else { continue };
                    if let Some(a) = copy.annotations.get_mut(&id) {
                        let extra = a.extra.get_or_insert_with(Default::default);
                        for r in &entity.identifiers {
                            if !extra.refs.iter().any(|x| x.resource == r.resource && x.id == r.id) {
                                extra.refs.push(crate::annotation::EntityRef { resource: r.resource.clone(), id: r.id.clone(), text: if r.text.is_empty() { entity.name.clone() } else { r.text.clone() } });
                            }
                        }
                    }
                }
                copy
            })
            .collect()
    }

    /// Writes the documents with these ids (all if `None`) in a format. An export that
    /// would be larger than [`MAX_EXPORT_BYTES`] is refused before anything is written,
    /// so that memory never runs out halfway.
    pub fn export_as(&self, format: Format, doc_ids: Option<&[&str]>, options: &ExportOptions) -> Result<Export, ExportError> {
        let docs: Vec<&Document> = match doc_ids {
            None => self.documents().iter().collect(),
            Some(ids) => ids.iter().map(|id| self.document(id)).collect::<Result<_, _>>()?,
        };
        // An annotation linked to a registry entity carries the entity's identifiers as its
        // references in every format that writes references (brat N lines, W3C identifying
        // bodies, JSONL kb_ids); canonical JSON writes the registry itself.
        let resolved: Vec<Document> = if format == Format::Canonical { Vec::new() } else { self.with_entity_refs(&docs) };
        let docs: Vec<&Document> = if resolved.is_empty() { docs } else { resolved.iter().collect() };
        let estimated = estimate_export_bytes(format, &docs);
        if estimated > MAX_EXPORT_BYTES {
            return Err(ExportError::TooLarge { format: format.title(), estimated, limit: MAX_EXPORT_BYTES });
        }
        Ok(match format {
            Format::Canonical => canonical_codec::export_with_entities(self.schema(), &self.entities_of(&docs), &docs),
            Format::Jsonl => jsonl::Jsonl::export(self.schema(), &docs, options),
            Format::Brat => brat::Brat::export(self.schema(), &docs, options),
            Format::Conll => conll::Conll::export(self.schema(), &docs, options),
            Format::W3c => w3c::W3c::export(self.schema(), &docs, options),
            Format::LabelStudio => labelstudio::LabelStudio::export(self.schema(), &docs, options),
        })
    }
}
