//! The canonical Spanmark JSON format (docs/format.md): lossless export, and an import
//! that verifies every quote and either applies whole or changes nothing.
//!
//! The wire types are private and separate from the domain types. Offsets on the
//! wire count Unicode code points, half-open, into the document's `text`.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::annotation::Annotation;
use crate::document::{Document, DocumentError};
use crate::offsets::Unit;
use crate::schema::{Label, LabelSchema};
use crate::workspace::{EditError, Op, Workspace};

/// The value of the `format` field.
pub const FORMAT_NAME: &str = "spanmark";
/// The format version this build writes and reads.
pub const FORMAT_VERSION: u64 = 1;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something in the file was not applied.
    Error,
    /// Something was applied differently from how the file put it.
    Warning,
    /// Something worth knowing; nothing was lost.
    Info,
}

/// One finding about one part of an imported file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// A stable machine-readable code, such as `quote-mismatch`.
    pub code: &'static str,
    /// The document it concerns, by its id in the file.
    pub document: Option<String>,
    /// The annotation it concerns, by its id in the file.
    pub annotation: Option<String>,
    /// What happened, in a sentence.
    pub message: String,
}

/// Why a file could not be imported at all. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The file is not well-formed JSON, or a field has the wrong type.
    #[error("the file is not a valid Spanmark JSON file: {0}")]
    Json(String),
    /// The JSON does not say it is a Spanmark file.
    #[error("the file is JSON but not a Spanmark export (its \"format\" field is {0})")]
    NotSpanmark(String),
    /// The file was written by a newer or unknown version.
    #[error("the file is Spanmark format version {0}; this Spanmark reads version {FORMAT_VERSION}")]
    UnsupportedVersion(String),
    /// The file counts offsets in a unit other than code points.
    #[error("the file counts offsets in {0:?}; canonical Spanmark files count code points (\"codepoint\")")]
    UnsupportedUnit(String),
    /// A document's text cannot be held.
    #[error("document {id:?}: {source}")]
    Document {
        /// The document's id in the file.
        id: String,
        /// What is wrong with it.
        source: DocumentError,
    },
    /// The file is a valid export but not a backup (it has no `backup` field).
    #[error("the file is a Spanmark export but not a backup; use Import to add its documents instead")]
    NotABackup,
    /// The backup does not hold everything its manifest lists, so nothing was replaced.
    #[error("the backup is incomplete: {0}; nothing was replaced")]
    IncompleteBackup(String),
    /// Applying the checked file failed; nothing was changed.
    #[error("the file could not be applied: {0}")]
    Apply(#[from] EditError),
}

/// The manifest of a backup file: what a complete restore must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupManifest {
    /// How many documents the backup holds.
    pub documents: usize,
    /// How many annotations it holds, over all documents.
    pub annotations: usize,
}

/// What an import added.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// The ids the imported documents have in the workspace, in file order.
    pub document_ids: Vec<String>,
    /// How many annotations were added.
    pub annotations_added: usize,
    /// The ids of labels that were added to the schema.
    pub labels_added: Vec<String>,
    /// Everything worth telling the analyst, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FileOut<'a> {
    format: &'static str,
    version: u64,
    offset_unit: &'static str,
    labels: &'a [Label],
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
}

#[derive(Serialize)]
struct AnnotationOut<'a> {
    id: &'a str,
    start: usize,
    end: usize,
    text: &'a str,
    label: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Header {
    format: Option<serde_json::Value>,
    version: Option<serde_json::Value>,
    offset_unit: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct BackupHeader {
    backup: Option<BackupManifest>,
}

#[derive(Deserialize)]
struct FileIn {
    #[serde(default)]
    labels: Vec<LabelIn>,
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
}

#[derive(Deserialize)]
struct AnnotationIn {
    id: String,
    start: i64,
    end: i64,
    text: String,
    label: String,
}

impl Workspace {
    /// Writes the canonical JSON of the documents with these ids (all documents if
    /// `doc_ids` is `None`), with the whole label schema.
    pub fn export_canonical(&self, doc_ids: Option<&[&str]>) -> Result<String, EditError> {
        self.export_with(doc_ids, None)
    }

    /// Writes a backup: the canonical JSON of every document, with a manifest of what
    /// it holds so that a restore can check it is complete.
    pub fn export_backup(&self) -> String {
        let manifest = BackupManifest {
            documents: self.documents.len(),
            annotations: self.documents.iter().map(|d| d.annotations().len()).sum(),
        };
        self.export_with(None, Some(manifest)).expect("every document exists")
    }

    fn export_with(&self, doc_ids: Option<&[&str]>, backup: Option<BackupManifest>) -> Result<String, EditError> {
        let docs: Vec<&Document> = match doc_ids {
            None => self.documents.iter().collect(),
            Some(ids) => ids.iter().map(|id| self.document(id)).collect::<Result<_, _>>()?,
        };
        let documents = docs
            .into_iter()
            .map(|doc| DocumentOut {
                id: doc.id(),
                name: doc.name(),
                text: doc.text(),
                annotations: doc
                    .annotations()
                    .iter()
                    .map(|a| AnnotationOut {
                        id: &a.id,
                        start: doc.offsets().try_byte_to_cp(a.start_byte).expect("stored spans lie on boundaries"),
                        end: doc.offsets().try_byte_to_cp(a.end_byte).expect("stored spans lie on boundaries"),
                        text: a.quote(doc.text()),
                        label: &a.label,
                    })
                    .collect(),
            })
            .collect();
        let file = FileOut {
            format: FORMAT_NAME,
            version: FORMAT_VERSION,
            offset_unit: "codepoint",
            labels: self.schema.labels(),
            documents,
            backup,
        };
        Ok(serde_json::to_string_pretty(&file).expect("plain data always serialises"))
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
        let json = json.strip_prefix('\u{feff}').unwrap_or(json);
        let header: Header = serde_json::from_str(json).map_err(|e| ImportError::Json(e.to_string()))?;
        match header.format {
            Some(serde_json::Value::String(f)) if f == FORMAT_NAME => {}
            Some(other) => return Err(ImportError::NotSpanmark(other.to_string())),
            None => return Err(ImportError::NotSpanmark("missing".to_owned())),
        }
        match header.version {
            Some(serde_json::Value::Number(n)) if n.as_u64() == Some(FORMAT_VERSION) => {}
            Some(other) => return Err(ImportError::UnsupportedVersion(other.to_string())),
            None => return Err(ImportError::UnsupportedVersion("missing".to_owned())),
        }
        match header.offset_unit {
            Some(serde_json::Value::String(u)) if u == "codepoint" => {}
            Some(other) => return Err(ImportError::UnsupportedUnit(other.to_string())),
            None => return Err(ImportError::UnsupportedUnit("missing".to_owned())),
        }
        let file: FileIn = serde_json::from_str(json).map_err(|e| ImportError::Json(e.to_string()))?;

        let mut report = ImportReport::default();
        let mut schema = self.schema.clone();
        for label in file.labels {
            stage_label(&mut schema, label, &mut report);
        }

        let mut taken_ids: HashSet<String> = self.documents.iter().map(|d| d.id().to_owned()).collect();
        let mut staged = Vec::with_capacity(file.documents.len());
        for doc_in in file.documents {
            let file_id = doc_in.id.clone();
            let id = if doc_in.id.is_empty() || taken_ids.contains(&doc_in.id) {
                let fresh = self.fresh_document_id(&|c| taken_ids.contains(c));
                report.diagnostics.push(Diagnostic {
                    severity: Severity::Info,
                    code: "document-id-renamed",
                    document: Some(file_id.clone()),
                    annotation: None,
                    message: format!("document id {file_id:?} is already in use, so it was imported as {fresh:?}"),
                });
                fresh
            } else {
                doc_in.id.clone()
            };
            taken_ids.insert(id.clone());
            let mut doc = Document::new(id, doc_in.name, doc_in.text)
                .map_err(|source| ImportError::Document { id: file_id.clone(), source })?;
            for ann in doc_in.annotations {
                if let Some(a) = stage_annotation(&doc, &mut schema, &file_id, ann, &mut report) {
                    doc.annotations.insert(a);
                    report.annotations_added += 1;
                }
            }
            staged.push(doc);
        }

        // Everything is checked: apply as one undoable step.
        let mut ops: Vec<Op> = schema
            .labels()
            .iter()
            .filter(|l| self.schema.get(&l.id).is_none())
            .map(|l| Op::InsertLabel { index: usize::MAX, label: l.clone() })
            .collect();
        for doc in staged.iter() {
            report.document_ids.push(doc.id().to_owned());
        }
        let count = staged.len();
        ops.extend(staged.into_iter().map(|doc| Op::InsertBuilt { index: usize::MAX, document: Box::new(doc) }));
        let summary = format!("Import {count} document(s) with {} annotation(s)", report.annotations_added);
        self.commit(summary, ops)?;
        Ok(report)
    }

    /// Replaces the whole workspace (documents, annotations, labels) with a backup,
    /// as one undoable step.
    ///
    /// The backup is read and checked against its manifest first: if a document or an
    /// annotation it lists cannot be restored exactly, nothing is replaced.
    pub fn restore_backup(&mut self, json: &str) -> Result<ImportReport, ImportError> {
        let mut staged = Workspace::new(LabelSchema::empty());
        let report = staged.import_canonical(json)?;
        let json = json.strip_prefix('\u{feff}').unwrap_or(json);
        let header: BackupHeader = serde_json::from_str(json).map_err(|e| ImportError::Json(e.to_string()))?;
        let manifest = header.backup.ok_or(ImportError::NotABackup)?;
        let annotations: usize = staged.documents.iter().map(|d| d.annotations().len()).sum();
        if let Some(problem) = report.diagnostics.iter().find(|d| d.severity == Severity::Error) {
            return Err(ImportError::IncompleteBackup(problem.message.clone()));
        }
        if staged.documents.len() != manifest.documents || annotations != manifest.annotations {
            return Err(ImportError::IncompleteBackup(format!(
                "it lists {} document(s) and {} annotation(s) but holds {} and {}",
                manifest.documents,
                manifest.annotations,
                staged.documents.len(),
                annotations
            )));
        }
        let mut ops: Vec<Op> = self.documents.iter().map(|d| Op::DeleteDocument { id: d.id().to_owned() }).collect();
        ops.extend(self.schema.labels().iter().map(|l| Op::DeleteLabel { id: l.id.clone() }));
        ops.extend(staged.schema.labels().iter().map(|l| Op::InsertLabel { index: usize::MAX, label: l.clone() }));
        ops.extend(std::mem::take(&mut staged.documents).into_iter().map(|d| Op::InsertBuilt { index: usize::MAX, document: Box::new(d) }));
        let summary = format!("Restore backup ({} documents, {} annotations)", manifest.documents, manifest.annotations);
        self.commit(summary, ops)?;
        Ok(ImportReport { labels_added: Vec::new(), ..report })
    }
}

fn stage_label(schema: &mut LabelSchema, label: LabelIn, report: &mut ImportReport) {
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

fn stage_annotation(
    doc: &Document,
    schema: &mut LabelSchema,
    file_doc_id: &str,
    ann: AnnotationIn,
    report: &mut ImportReport,
) -> Option<Annotation> {
    let ann_id = ann.id.clone();
    let diag = |severity, code, message: String| Diagnostic {
        severity,
        code,
        document: Some(file_doc_id.to_owned()),
        annotation: Some(ann_id.clone()),
        message,
    };
    if ann.label.trim().is_empty() {
        report.diagnostics.push(diag(Severity::Error, "missing-label", "the annotation has no label, so it was left out".to_owned()));
        return None;
    }
    let index = doc.offsets();
    let given = (ann.start >= 0 && ann.end > ann.start)
        .then(|| {
            let start = index.try_cp_to_byte(ann.start as usize).ok()?;
            let end = index.try_cp_to_byte(ann.end as usize).ok()?;
            Some((start, end))
        })
        .flatten();
    let (start, end) = match given {
        Some((s, e)) if doc.text()[s..e] == ann.text => (s, e),
        _ => {
            let len = index.len(Unit::CodePoint);
            let problem = if ann.start < 0 || ann.end <= ann.start {
                format!("its span [{}, {}) is not a valid half-open interval", ann.start, ann.end)
            } else if ann.end as u64 > len as u64 {
                format!("its span [{}, {}) goes past the end of the text ({len} code points)", ann.start, ann.end)
            } else {
                format!("its quote {:?} is not the text at [{}, {})", ann.text, ann.start, ann.end)
            };
            let hint = given.map_or(0, |(s, _)| s);
            match nearest_occurrence(doc.text(), &ann.text, hint) {
                Some(s) => {
                    let cp = index.try_byte_to_cp(s).expect("match starts on a boundary");
                    report.diagnostics.push(diag(Severity::Warning, "quote-relocated", format!("{problem}; the quote was found at code point {cp} and the span moved there")));
                    (s, s + ann.text.len())
                }
                None => {
                    report.diagnostics.push(diag(Severity::Error, "quote-mismatch", format!("{problem}, and the quote occurs nowhere in the text, so the annotation was left out")));
                    return None;
                }
            }
        }
    };
    if schema.get(&ann.label).is_none() {
        let label = schema.label_for_unknown_id(&ann.label);
        schema.add(label).expect("a fresh id with a spare colour and no hotkey is valid");
        report.labels_added.push(ann.label.clone());
        report.diagnostics.push(diag(Severity::Info, "label-added", format!("label {:?} was not in the schema and was added", ann.label)));
    }
    if let Some(existing) = doc.annotations.find_exact(start, end, &ann.label) {
        report.diagnostics.push(diag(Severity::Info, "duplicate", format!("it repeats annotation {:?} (same span and label), so it was skipped", existing.id)));
        return None;
    }
    let mut id = ann.id.clone();
    if id.is_empty() || doc.annotations.contains_id(&id) {
        id = (2..).map(|k| format!("{}~{k}", ann.id)).find(|c| !doc.annotations.contains_id(c)).expect("unbounded");
        report.diagnostics.push(diag(Severity::Info, "annotation-id-renamed", format!("annotation id {:?} is used twice in this document; this one is now {id:?}", ann.id)));
    }
    Some(Annotation { id, start_byte: start, end_byte: end, label: ann.label })
}

/// The byte offset of the occurrence of `quote` in `text` nearest to `hint`.
fn nearest_occurrence(text: &str, quote: &str, hint: usize) -> Option<usize> {
    if quote.is_empty() {
        return None;
    }
    text.match_indices(quote).map(|(i, _)| i).min_by_key(|&i| i.abs_diff(hint))
}
