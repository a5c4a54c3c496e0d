//! The canonical Spanmark JSON format (docs/formats/canonical.md): lossless export, and an import
//! that verifies every quote and either applies whole or changes nothing.
//!
//! The wire types are private and separate from the domain types. Offsets on the
//! wire count Unicode code points, half-open, into the document's `text`.

use serde::{Deserialize, Serialize};

use crate::document::{Document, DocumentError};
use crate::interchange::canonical_codec;
use crate::schema::LabelSchema;
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
    /// The bytes are not UTF-8 text.
    #[error("{0}")]
    Encoding(String),
    /// The files are in no format Spanmark reads.
    #[error("the format could not be recognised: {0}")]
    UnknownFormat(String),
    /// The files are in the format, but are broken as a whole.
    #[error("the file is not valid {format}: {message}")]
    Malformed {
        /// The format's name.
        format: &'static str,
        /// What is wrong, with a line or position where there is one.
        message: String,
    },
    /// Nothing in the files could be imported.
    #[error("nothing could be imported: {0}")]
    Nothing(String),
    /// The workspace changed between staging an import and applying it.
    #[error("the workspace changed while the import report was open; nothing was imported, so import the file again")]
    Stale,
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
    /// How many documents of the file were read (new or already open).
    pub documents_read: usize,
    /// The ids the imported documents have in the workspace, in file order.
    pub document_ids: Vec<String>,
    /// How many annotations were added.
    pub annotations_added: usize,
    /// The ids of labels that were added to the schema.
    pub labels_added: Vec<String>,
    /// Everything worth telling the analyst, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Deserialize)]
struct BackupHeader {
    backup: Option<BackupManifest>,
}

impl Workspace {
    /// Writes the canonical JSON of the documents with these ids (all documents if
    /// `doc_ids` is `None`), with the whole label schema.
    pub fn export_canonical(&self, doc_ids: Option<&[&str]>) -> Result<String, EditError> {
        let docs: Vec<&Document> = match doc_ids {
            None => self.documents.iter().collect(),
            Some(ids) => ids.iter().map(|id| self.document(id)).collect::<Result<_, _>>()?,
        };
        Ok(canonical_codec::write(&self.schema, &docs, None))
    }

    /// Writes a backup: the canonical JSON of every document, with a manifest of what
    /// it holds so that a restore can check it is complete.
    pub fn export_backup(&self) -> String {
        let manifest = BackupManifest {
            documents: self.documents.len(),
            annotations: self.documents.iter().map(|d| d.annotations().len()).sum(),
        };
        let docs: Vec<&Document> = self.documents.iter().collect();
        canonical_codec::write(&self.schema, &docs, Some(manifest))
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
        let read = canonical_codec::read_str(json)?;
        let staged = self.stage(read)?;
        self.apply_import(staged)
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
