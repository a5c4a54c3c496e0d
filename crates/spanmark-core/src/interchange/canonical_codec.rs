//! The canonical Spanmark JSON codec: the lossless format (docs/formats/canonical.md).
//! Offsets count code points, half-open, and every span carries its quote and its
//! note, entity references and attributes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Codec, DocIn, Export, ExportFile, ExportOptions, Format, ImportOptions, InputFile, Interchange, LabelDef, RelationIn, SpanIn, Target};
use crate::annotation::{AnnotationExtra, EntityRef};
use crate::document::Document;
use crate::offsets::Unit;
use crate::ops::EditError;
use crate::report::{ImportError, ImportReport};
use crate::entity::Entity;
use crate::relation::Relation;
use crate::schema::{AttributeDef, Label, LabelSchema, RelationType};
use crate::workspace::Workspace;

/// The value of the `format` field.
pub const FORMAT_NAME: &str = "spanmark";
/// The format version this build writes and reads.
pub const FORMAT_VERSION: u64 = 1;

/// The manifest of a backup file: what a complete restore must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupManifest {
    /// How many documents the backup holds.
    pub documents: usize,
    /// How many annotations it holds, over all documents.
    pub annotations: usize,
}

/// The canonical codec.
pub struct Canonical;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FileOut<'a> {
    format: &'static str,
    version: u64,
    offset_unit: &'static str,
    labels: &'a [Label],
    relation_types: &'a [RelationType],
    attributes: &'a [AttributeDef],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    entities: &'a [Entity],
    documents: Vec<DocumentOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    backup: Option<BackupManifest>,
}

#[derive(Serialize)]
struct DocumentOut<'a> {
    id: &'a str,
    name: &'a str,
    text: &'a str,
    annotations: Vec<AnnotationOut<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    relations: Vec<RelationOut<'a>>,
}

#[derive(Serialize)]
struct RelationOut<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    from: &'a str,
    to: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    attributes: &'a BTreeMap<String, String>,
}

impl<'a> From<&'a Relation> for RelationOut<'a> {
    fn from(r: &'a Relation) -> Self {
        let extra = r.extra();
        RelationOut { id: &r.id, kind: &r.kind, from: &r.from, to: &r.to, note: extra.note.as_deref(), attributes: &extra.attributes }
    }
}

#[derive(Deserialize)]
struct RelationRecord {
    #[serde(default)]
    id: Option<String>,
    #[serde(rename = "type")]
    kind: String,
    from: String,
    to: String,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct AnnotationOut<'a> {
    id: &'a str,
    start: usize,
    end: usize,
    text: &'a str,
    label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    refs: &'a [EntityRef],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    attributes: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entity: Option<&'a str>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Header {
    format: Option<serde_json::Value>,
    version: Option<serde_json::Value>,
    offset_unit: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FileIn {
    #[serde(default)]
    labels: Vec<LabelIn>,
    #[serde(default)]
    relation_types: Vec<RelationType>,
    #[serde(default)]
    attributes: Vec<AttributeDef>,
    #[serde(default)]
    entities: Vec<Entity>,
    documents: Vec<DocumentIn>,
}

#[derive(Deserialize)]
struct LabelIn {
    id: String,
    name: Option<String>,
    color: Option<String>,
    hotkey: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
struct DocumentIn {
    id: String,
    name: String,
    text: String,
    #[serde(default)]
    annotations: Vec<AnnotationIn>,
    #[serde(default)]
    relations: Vec<RelationRecord>,
}

#[derive(Deserialize)]
struct AnnotationIn {
    id: String,
    start: i64,
    end: i64,
    text: String,
    label: String,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    refs: Vec<EntityRef>,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
    #[serde(default)]
    entity: Option<String>,
}

/// Writes canonical JSON for these documents, with a backup manifest if given.
pub(crate) fn write(schema: &LabelSchema, entities: &[Entity], docs: &[&Document], backup: Option<BackupManifest>) -> String {
    let documents = docs
        .iter()
        .map(|doc| DocumentOut {
            id: doc.id(),
            name: doc.name(),
            text: doc.text(),
            annotations: doc
                .annotations()
                .iter()
                .map(|a| {
                    let (start, end) = super::cp_span(doc, a);
                    let extra = a.extra();
                    AnnotationOut {
                        id: &a.id,
                        start,
                        end,
                        text: a.quote(doc.text()),
                        label: &a.label,
                        note: extra.note.as_deref(),
                        refs: &extra.refs,
                        attributes: &extra.attributes,
                        entity: extra.entity.as_deref(),
                    }
                })
                .collect(),
            relations: doc.relations().iter().map(RelationOut::from).collect(),
        })
        .collect();
    let file = FileOut {
        format: FORMAT_NAME,
        version: FORMAT_VERSION,
        offset_unit: "codepoint",
        labels: schema.labels(),
        relation_types: schema.relation_types(),
        attributes: schema.attributes(),
        entities,
        documents,
        backup,
    };
    serde_json::to_string_pretty(&file).expect("plain data always serialises")
}

/// Reads canonical JSON text.
pub(crate) fn read_str(json: &str) -> Result<Interchange, ImportError> {
    let json = json.strip_prefix('\u{feff}').unwrap_or(json);
    let header: Header = serde_json::from_str(json).map_err(|e| ImportError::Json(e.to_string()))?;
    match header.format {
        Some(serde_json::Value::String(f)) if f == FORMAT_NAME => {}
        Some(other) => return Err(ImportError::NotSpanmark(other.to_string())),
        None => return Err(ImportError::NotSpanmark("missing".to_owned())),
    }
    match header.version {
        Some(serde_json::Value::Number(n)) if n.as_u64() == Some(FORMAT_VERSION) => {}
        Some(other) => return Err(ImportError::UnsupportedVersion { found: other.to_string(), supported: FORMAT_VERSION }),
        None => return Err(ImportError::UnsupportedVersion { found: "missing".to_owned(), supported: FORMAT_VERSION }),
    }
    match header.offset_unit {
        Some(serde_json::Value::String(u)) if u == "codepoint" => {}
        Some(other) => return Err(ImportError::UnsupportedUnit(other.to_string())),
        None => return Err(ImportError::UnsupportedUnit("missing".to_owned())),
    }
    let file: FileIn = serde_json::from_str(json).map_err(|e| ImportError::Json(e.to_string()))?;
    let mut out = Interchange::new(Canonical::FORMAT);
    out.labels = file
        .labels
        .into_iter()
        .map(|l| LabelDef { id: l.id, name: l.name, color: l.color, hotkey: l.hotkey, description: l.description })
        .collect();
    out.relation_types = file.relation_types;
    out.entities = file.entities;
    out.attributes = file.attributes;
    out.documents = file
        .documents
        .into_iter()
        .map(|d| DocIn {
            file_ref: d.name.clone(),
            target: Target::New { id: Some(d.id), name: d.name, text: d.text },
            unit: Unit::CodePoint,
            spans: d
                .annotations
                .into_iter()
                .map(|a| SpanIn {
                    id: Some(a.id),
                    start: a.start,
                    end: a.end,
                    quote: Some(a.text),
                    label: a.label,
                    extra: AnnotationExtra { note: a.note, refs: a.refs, attributes: a.attributes, entity: a.entity },
                    ..SpanIn::default()
                })
                .collect(),
            relations: d
                .relations
                .into_iter()
                .map(|r| RelationIn { id: r.id, kind: r.kind, from: r.from, to: r.to, extra: AnnotationExtra { note: r.note, attributes: r.attributes, ..AnnotationExtra::default() } })
                .collect(),
        })
        .collect();
    Ok(out)
}

/// The canonical export of these documents with the registry entities they mention.
pub(crate) fn export_with_entities(schema: &LabelSchema, entities: &[Entity], docs: &[&Document]) -> Export {
    let name = super::export_name(docs, "spanmark.json");
    let annotations_written = docs.iter().map(|d| d.annotations().len()).sum();
    let bytes = write(schema, entities, docs, None).into_bytes();
    let relations_written = docs.iter().map(|d| d.relations().len()).sum();
    Export { file: ExportFile { name, mime: "application/json", bytes }, losses: Vec::new(), annotations_written, relations_written }
}

impl Codec for Canonical {
    const FORMAT: Format = Format::Canonical;

    fn export(schema: &LabelSchema, docs: &[&Document], _: &ExportOptions) -> Export {
        export_with_entities(schema, &[], docs)
    }

    fn read(files: &[InputFile], _: &ImportOptions) -> Result<Interchange, ImportError> {
        let mut all = Interchange::new(Self::FORMAT);
        for f in files.iter().filter(|f| f.extension() != "txt") {
            let one = read_str(f.text()?)?;
            all.labels.extend(one.labels);
            all.relation_types.extend(one.relation_types);
            all.entities.extend(one.entities);
            all.attributes.extend(one.attributes);
            all.documents.extend(one.documents);
        }
        Ok(all)
    }

    fn sniff(file: &InputFile) -> bool {
        let head = &file.bytes[..file.bytes.len().min(4096)];
        let head = String::from_utf8_lossy(head);
        head.trim_start_matches('\u{feff}').trim_start().starts_with('{') && head.contains("\"format\"") && head.contains("\"spanmark\"")
    }
}

impl Workspace {
    /// Writes the canonical JSON of the documents with these ids (all documents if
    /// `doc_ids` is `None`), with the whole label schema.
    pub fn export_canonical(&self, doc_ids: Option<&[&str]>) -> Result<String, EditError> {
        let docs: Vec<&Document> = match doc_ids {
            None => self.documents().iter().collect(),
            Some(ids) => ids.iter().map(|id| self.document(id)).collect::<Result<_, _>>()?,
        };
        Ok(write(self.schema(), &self.entities_of(&docs), &docs, None))
    }

    /// Reads a canonical JSON file and adds its documents, annotations and unknown
    /// labels to the workspace.
    ///
    /// The file is read and checked in full before anything changes: a file that
    /// cannot be read returns an error and leaves the workspace as it was. Problems
    /// with single annotations become diagnostics in the report (a span whose quote
    /// disagrees with the text is moved to the nearest place where the quote
    /// occurs, or left out if it occurs nowhere).
    pub fn import_canonical(&mut self, json: &str) -> Result<ImportReport, ImportError> {
        let read = read_str(json)?;
        let staged = self.stage(read)?;
        self.apply_import(staged)
    }
}
