//! Spanmark's annotation core: documents, exact offsets, label schemas, annotations,
//! highlight segments, search and suggestions, name fingerprints, history (undo/redo),
//! persistence records, the interchange formats and agreement between annotators, in
//! pure Rust.
//!
//! Inside the core every offset counts **UTF-8 bytes** (the unit of `&str`), and
//! every name that holds one says so (`start_byte`). Code points (the unit of every
//! export) and UTF-16 code units (the unit of JavaScript) appear only through the
//! [`OffsetIndex`] of a [`Document`], which converts exactly or returns an error.
//!
//! ```
//! use spanmark_core::{Added, SnapMode, Workspace};
//!
//! let mut ws = Workspace::default();
//! let doc = ws.add_document("demo.txt", "👋 President Vladimir Putin spoke.").unwrap();
//! // The analyst dragged over "ladimir Puti" (bytes 16..28); the selection snaps to words.
//! let span = ws.normalize_selection(&doc, 16..28, SnapMode::Words).unwrap();
//! let Added::New(a) = ws.add_annotation(&doc, span, "PERSON").unwrap() else { panic!() };
//! assert_eq!(a.quote(ws.document(&doc).unwrap().text()), "Vladimir Putin");
//! // Exported offsets count code points: the emoji is one.
//! let json = ws.export_canonical(None).unwrap();
//! assert!(json.contains("\"start\": 12") && json.contains("\"end\": 26"));
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod agreement;
mod annotation;
pub mod curation;
mod document;
mod entity;
pub mod fingerprint;
pub mod interchange;
mod matching;
mod offsets;
mod ops;
pub mod persist;
mod relation;
pub mod replica;
mod report;
mod schema;
mod stats;
pub mod search;
pub mod segments;
pub mod selection;
pub mod suggest;
mod workspace;

pub use agreement::{compare, Counts, Disagreement, DisagreementKind, LayerDocument, Mode, Scores, SpanRef, Study};
pub use annotation::{Annotation, AnnotationExtra, AnnotationSet, EntityRef};
pub use document::{is_bidi_control, with_visible_controls, BlockKind, Document, DocumentError, MAX_TITLE_CHARS};
pub use interchange::canonical_codec::{BackupManifest, FORMAT_NAME, FORMAT_VERSION};
pub use interchange::{
    detect_format, estimate_export_bytes, plan_intake, readings_of, DocumentKind, Export, ExportChoice, ExportError, ExportFile, ExportOptions, FileRefusal, Format, ImportOptions, InputFile, Intake, StagedImport,
    TagScheme, MAX_DATA_FILE_BYTES, MAX_DOCUMENT_BYTES, MAX_EXPORT_BYTES,
};
pub use offsets::{OffsetError, OffsetIndex, Unit, MAX_TEXT_BYTES};
pub use ops::{RelationMisfit, Added, Change, Changed, EditError, Effect, Item, Op, Relabelled, RelationAdded, Stack, Step, StoredDocument};
pub use stats::{DocumentCounts, Matrix, Pair, Scope};
pub use workspace::EntitySummary;
pub use entity::Entity;
pub use relation::{Relation, RelationSet};
pub use persist::{page_of, restore, MemoryStorage, Record, RestoreError, Restored, StorageBackend, Store, StoredValue, LAYOUT_VERSION, PAGES};
pub use report::{by_severity, short, summarize, Diagnostic, DiagnosticGroup, ImportError, ImportReport, SameText, SameTextDocument, Severity, MAX_NOTES_WITHOUT_REVIEW};
pub use schema::{check_hotkey, AttributeDef, AttributeKind, RelationType, COMMAND_KEYS, MAX_ATTRIBUTES, MAX_NOTE_CHARS, MAX_RELATION_TYPES, contrast_ratio, text_color_on, underline_color, HotkeyError, Label, LabelSchema, SchemaError, MAX_LABELS, MAX_LABEL_ID_CHARS, MAX_LABEL_NAME_CHARS};
pub use segments::{Segment, SegmentSpan};
pub use selection::{caret_step, CaretUnit, SelectionError, SnapMode};
pub use workspace::{Workspace, DEFAULT_ANALYST, WorkspaceParts, MAX_ANNOTATIONS_PER_DOCUMENT, MAX_DOCUMENTS};
