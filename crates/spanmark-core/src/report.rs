//! The shared vocabulary of findings: [`Severity`], [`Diagnostic`], [`ImportError`] and
//! [`ImportReport`], used by every format, by restore and by the workspace's checks.

use crate::document::DocumentError;
use crate::ops::EditError;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Something in the file was not applied.
    Error,
    /// Something was applied differently from how the file put it.
    Warning,
    /// Something worth knowing; nothing was lost.
    Info,
}

impl Severity {
    /// The stable lower-case id (`"error"`, `"warning"`, `"info"`).
    pub fn id(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One finding about one part of an imported file, a stored record or an export.
#[derive(Debug, Clone, PartialEq, Eq)]
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

impl Diagnostic {
    /// A diagnostic about an annotation of a document, a document (`annotation` is
    /// `None`), or the whole file (both are `None`).
    pub fn new(severity: Severity, code: &'static str, document: Option<&str>, annotation: Option<&str>, message: impl Into<String>) -> Self {
        Diagnostic { severity, code, document: document.map(str::to_owned), annotation: annotation.map(str::to_owned), message: message.into() }
    }
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
    #[error("the file is Spanmark format version {found}; this Spanmark reads version {supported}")]
    UnsupportedVersion {
        /// The version the file gives (`missing` when it gives none).
        found: String,
        /// The version this build reads.
        supported: u64,
    },
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

/// What an import added.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportReport {
    /// How many documents of the file were read (new or already open).
    pub documents_read: usize,
    /// The ids the imported documents have in the workspace, in file order.
    pub document_ids: Vec<String>,
    /// How many annotations were added.
    pub annotations_added: usize,
    /// How many relations it added.
    pub relations_added: usize,
    /// The ids of labels that were added to the schema.
    pub labels_added: Vec<String>,
    /// Everything worth telling the analyst, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// Imported documents whose text equals one already open, and what becomes of them.
    pub same_text: Vec<SameTextDocument>,
}

/// What becomes of an imported document whose text equals one already open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SameText {
    /// Its spans go into the open document; spans it already has are skipped.
    #[default]
    Merge,
    /// It is added as a separate copy, named so.
    Copy,
    /// It is left out.
    Skip,
}

impl SameText {
    /// The stable id (`"merge"`, `"copy"`, `"skip"`).
    pub fn id(self) -> &'static str {
        match self {
            SameText::Merge => "merge",
            SameText::Copy => "copy",
            SameText::Skip => "skip",
        }
    }

    /// The choice with this id.
    pub fn from_id(id: &str) -> Option<SameText> {
        [SameText::Merge, SameText::Copy, SameText::Skip].into_iter().find(|s| s.id() == id)
    }
}

/// An imported document whose text equals one already open, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SameTextDocument {
    /// How the file names it.
    pub file_document: String,
    /// The open document's id.
    pub existing: String,
    /// The open document's title.
    pub existing_title: String,
    /// What the import does with it.
    pub action: SameText,
}

/// The most notes an import may bring before the analyst must see its report before
/// it applies: a few notes are listed afterwards, a flood is reviewed first.
pub const MAX_NOTES_WITHOUT_REVIEW: usize = 100;

impl ImportReport {
    /// Whether the analyst should see the report before it applies: something will not
    /// be applied as the files put it (an error or a warning), a document's text is
    /// already open (merge, copy or skip is the analyst's choice), or there are more
    /// than [`MAX_NOTES_WITHOUT_REVIEW`] notes.
    pub fn needs_review(&self) -> bool {
        !self.same_text.is_empty() || self.diagnostics.len() > MAX_NOTES_WITHOUT_REVIEW || self.diagnostics.iter().any(|d| d.severity != Severity::Info)
    }
}

/// Diagnostics of one kind (one code), counted, with the first as an example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagnosticGroup {
    /// How serious they are.
    pub severity: Severity,
    /// Their code.
    pub code: &'static str,
    /// How many there are.
    pub count: usize,
    /// The first of them.
    pub example: Diagnostic,
}

/// Groups diagnostics by code: errors first, then warnings, then notes, and within each
/// in the order each code first appears. However many diagnostics there are, the groups
/// are as many as the codes.
pub fn summarize(diagnostics: &[Diagnostic]) -> Vec<DiagnosticGroup> {
    let mut groups: Vec<DiagnosticGroup> = Vec::new();
    let mut at: std::collections::HashMap<(Severity, &'static str), usize> = std::collections::HashMap::new();
    for d in diagnostics {
        match at.get(&(d.severity, d.code)) {
            Some(&i) => groups[i].count += 1,
            None => {
                at.insert((d.severity, d.code), groups.len());
                groups.push(DiagnosticGroup { severity: d.severity, code: d.code, count: 1, example: d.clone() });
            }
        }
    }
    groups.sort_by_key(|g| g.severity);
    groups
}

/// Diagnostics in the order to read them: errors first, then warnings, then notes, in
/// their own order within each.
pub fn by_severity(diagnostics: &[Diagnostic]) -> Vec<&Diagnostic> {
    let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
    sorted.sort_by_key(|d| d.severity);
    sorted
}

/// A quote shortened to `max` characters for a summary line or a message, with `…`
/// when it was cut.
pub fn short(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}
