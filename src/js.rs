//! The JS-shaped values of the binding: every type here is what JavaScript receives,
//! with camelCase names and offsets in UTF-16 code units (`startUtf16`). The core's
//! types know nothing of JavaScript; they are converted here and only here.

use serde::{Deserialize, Serialize};
use spanmark_core::{by_severity, summarize, Annotation, AnnotationExtra, Diagnostic, Document, Format, ImportReport, Segment, StagedImport};
use wasm_bindgen::prelude::*;

use crate::units::byte_to_utf16;

/// Turns a value into a plain JS object (JSON-compatible: objects and `null`, never Maps).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    // JSON text parsed by the engine: one serialiser (serde_json's, which persistence
    // needs anyway) instead of a second one per type that builds JS objects field by
    // field, which made the wasm module much larger and was no faster.
    let json = serde_json::to_string(value).map_err(|e| JsError::new(&e.to_string()))?;
    js_sys::JSON::parse(&json).map_err(|_| JsError::new("the core produced JSON the page could not read"))
}

/// A document in the document list.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentInfoJs<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub title: &'a str,
    /// The name and title as lists show them: bounded, bidirectional controls made visible.
    pub shown_name: std::borrow::Cow<'a, str>,
    pub shown_title: String,
    pub length_utf16: u32,
    pub annotation_count: usize,
    /// Bidirectional control characters in the text, which can reorder how it displays.
    pub bidi_controls: usize,
}

impl<'a> DocumentInfoJs<'a> {
    pub fn new(d: &'a Document) -> Self {
        DocumentInfoJs {
            id: d.id(),
            name: d.name(),
            title: d.title(),
            shown_name: d.shown_name(),
            shown_title: d.shown_title(),
            length_utf16: byte_to_utf16(d, d.text().len()),
            annotation_count: d.annotations().len(),
            bidi_controls: d.bidi_controls(),
        }
    }
}

/// A label, with its id and name as the page shows them (bidirectional controls made visible).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelJs<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub color: &'a str,
    pub hotkey: Option<&'a str>,
    pub description: &'a str,
    pub shown_id: std::borrow::Cow<'a, str>,
    pub shown_name: std::borrow::Cow<'a, str>,
    /// The text colour to write on `color` (black or white, at 4.5:1 or more).
    pub text_color: &'static str,
    /// The colour of the label's underline on the white page (3:1 or more).
    pub underline_color: String,
}

impl<'a> LabelJs<'a> {
    pub fn new(l: &'a spanmark_core::Label) -> Self {
        LabelJs {
            id: &l.id,
            name: &l.name,
            color: &l.color,
            hotkey: l.hotkey.as_deref(),
            description: &l.description,
            shown_id: spanmark_core::with_visible_controls(&l.id),
            shown_name: spanmark_core::with_visible_controls(&l.name),
            text_color: spanmark_core::text_color_on(&l.color),
            underline_color: spanmark_core::underline_color(&l.color),
        }
    }
}

/// How many annotations of one label a document has.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelCountJs<'a> {
    pub label: &'a str,
    pub shown_label: std::borrow::Cow<'a, str>,
    pub count: usize,
}

/// An imported document whose text is already open, and what the import does with it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SameTextJs<'a> {
    pub file_document: &'a str,
    pub existing_title: String,
    /// `merge`, `copy` or `skip`.
    pub action: &'static str,
}

/// What an op touched, for the view to redraw.
#[derive(Serialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase", tag = "kind")]
pub enum EffectJs<'a> {
    /// Spans changed in this range of a document, shown in blocks `[firstBlock, endBlock)`.
    Span { doc_id: &'a str, start_utf16: u32, end_utf16: u32, first_block: usize, end_block: usize },
    /// Relations of a document were added, removed or retyped.
    Relations { doc_id: &'a str },
    /// The note or attributes of an annotation (`itemKind: "annotation"`) or relation changed.
    Details { doc_id: &'a str, item_kind: &'static str, id: &'a str },
    /// Documents were added or removed.
    Documents,
    /// The label schema changed.
    Schema,
    /// The entity registry changed.
    Entities,
    /// What is suggested changed.
    Suggestions,
    /// Another annotator's layer of a document was added or removed.
    Layers { doc_id: &'a str },
}

/// What an undo or redo did.
#[derive(Serialize)]
pub struct ChangeJs<'a> {
    pub summary: &'a str,
    pub effects: Vec<EffectJs<'a>>,
}

/// What an edit did: whether it changed anything, why not, and the annotation.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EditJs<'a> {
    pub changed: bool,
    pub reason: Option<&'static str>,
    pub annotation: AnnotationJs<'a>,
}

/// An interchange format in the Export menu: one entry per variant (CoNLL once per scheme).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FormatJs {
    /// The value to hand back to `exportAs`: the format id, with `:scheme` for CoNLL.
    pub id: String,
    pub title: String,
}

/// One diagnostic.
#[derive(Serialize)]
pub struct DiagnosticJs<'a> {
    pub severity: &'static str,
    pub code: &'static str,
    pub document: Option<&'a str>,
    pub annotation: Option<&'a str>,
    pub message: &'a str,
}

impl<'a> DiagnosticJs<'a> {
    pub fn new(d: &'a Diagnostic) -> Self {
        DiagnosticJs { severity: d.severity.id(), code: d.code, document: d.document.as_deref(), annotation: d.annotation.as_deref(), message: &d.message }
    }

    pub fn all(list: &'a [Diagnostic]) -> Vec<Self> {
        list.iter().map(DiagnosticJs::new).collect()
    }
}

/// The most diagnostics a report hands over at once; the rest come by pages.
pub const DIAGNOSTICS_SHOWN: usize = 200;

/// Diagnostics of one kind, counted.
#[derive(Serialize)]
pub struct DiagnosticGroupJs {
    pub severity: &'static str,
    pub code: &'static str,
    pub count: usize,
    /// The first of them, as the others read.
    pub example: String,
}

/// A long list of diagnostics, summarised: the count, one group per code, and the first
/// page in reading order (errors, then warnings, then notes).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiagnosticsJs<'a> {
    pub diagnostic_count: usize,
    pub summary: Vec<DiagnosticGroupJs>,
    pub diagnostics: Vec<DiagnosticJs<'a>>,
}

impl<'a> DiagnosticsJs<'a> {
    pub fn new(list: &'a [Diagnostic]) -> Self {
        DiagnosticsJs {
            diagnostic_count: list.len(),
            summary: summarize(list)
                .into_iter()
                .map(|g| DiagnosticGroupJs { severity: g.severity.id(), code: g.code, count: g.count, example: g.example.message })
                .collect(),
            diagnostics: page(list, 0, DIAGNOSTICS_SHOWN),
        }
    }
}

/// `count` diagnostics from position `skip` on, in reading order.
pub fn page(list: &[Diagnostic], skip: usize, count: usize) -> Vec<DiagnosticJs<'_>> {
    by_severity(list).into_iter().skip(skip).take(count).map(DiagnosticJs::new).collect()
}

/// What an import did or would do.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReportJs<'a> {
    pub documents_read: usize,
    pub document_ids: &'a [String],
    pub annotations_added: usize,
    pub relations_added: usize,
    pub labels_added: &'a [String],
    /// Imported documents whose text is already open.
    pub same_text: Vec<SameTextJs<'a>>,
    #[serde(flatten)]
    pub diagnostics: DiagnosticsJs<'a>,
}

impl<'a> ImportReportJs<'a> {
    pub fn new(r: &'a ImportReport) -> Self {
        ImportReportJs {
            documents_read: r.documents_read,
            document_ids: &r.document_ids,
            annotations_added: r.annotations_added,
            relations_added: r.relations_added,
            labels_added: &r.labels_added,
            same_text: r
                .same_text
                .iter()
                .map(|m| SameTextJs { file_document: &m.file_document, existing_title: spanmark_core::with_visible_controls(&m.existing_title).into_owned(), action: m.action.id() })
                .collect(),
            diagnostics: DiagnosticsJs::new(&r.diagnostics),
        }
    }
}

/// A staged import: its report, and what the shell must know to show it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StagedJs<'a> {
    pub format: &'static str,
    pub format_title: &'static str,
    /// Whether the `.txt` files handed over were read as the documents' texts.
    pub uses_text_files: bool,
    /// Whether the analyst must see the report before it applies.
    pub needs_review: bool,
    /// Whether the format's offsets may count UTF-16 code units instead (a choice in the report).
    pub unit_choice: bool,
    #[serde(flatten)]
    pub report: ImportReportJs<'a>,
}

impl<'a> StagedJs<'a> {
    pub fn new(s: &'a StagedImport) -> Self {
        StagedJs {
            format: s.format.id(),
            format_title: s.format.title(),
            uses_text_files: s.format.reads_text_files(),
            needs_review: s.needs_review(),
            unit_choice: s.format == Format::Jsonl,
            report: ImportReportJs::new(&s.report),
        }
    }
}

/// A refused file or import: a stable `kind` to act on, and the message to show.
#[derive(Serialize)]
pub struct RefusalJs<'a> {
    pub name: &'a str,
    pub kind: &'static str,
    pub message: String,
}

/// A file that is a document of its own.
#[derive(Serialize)]
pub struct DocumentFileJs<'a> {
    /// Its position in the intake, for `openDocumentFile` / `documentFileText`.
    pub index: usize,
    pub name: &'a str,
    /// `"text"` (opened as it is) or `"html"` (its visible text, through the page's DOMParser).
    pub kind: &'static str,
}

/// What the core decided about a set of files.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IntakeJs<'a> {
    /// The names of the annotation files taken in for `stageImport` (empty when there are
    /// none); the `.txt` files their format reads go along unnamed.
    pub annotation_files: Vec<&'a str>,
    /// The files to open as documents of their own.
    pub documents: Vec<DocumentFileJs<'a>>,
    /// Files refused before anything was read from them.
    pub refused: Vec<RefusalJs<'a>>,
}

/// An annotation as JS sees it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnnotationJs<'a> {
    pub id: &'a str,
    pub start_utf16: u32,
    pub end_utf16: u32,
    /// The blocks (lines) the annotation is drawn in: `[firstBlock, endBlock)`.
    pub first_block: usize,
    pub end_block: usize,
    pub text: &'a str,
    pub label: &'a str,
    /// Whether it is a model's suggestion (an imported prediction) rather than an analyst's tag.
    pub suggested: bool,
    /// The note, entity references and attributes, if it has any (from brat and the like).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra: Option<&'a AnnotationExtra>,
}

impl<'a> AnnotationJs<'a> {
    pub fn new(doc: &'a Document, a: &'a Annotation) -> Self {
        let blocks = doc.blocks_touching(a.range());
        AnnotationJs {
            id: &a.id,
            start_utf16: byte_to_utf16(doc, a.start_byte),
            end_utf16: byte_to_utf16(doc, a.end_byte),
            first_block: blocks.start,
            end_block: blocks.end,
            text: a.quote(doc.text()),
            label: &a.label,
            suggested: a.is_suggestion(),
            extra: a.extra.as_deref(),
        }
    }
}

/// One annotation within a highlight segment, as JS sees it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentSpanJs<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub level: usize,
    pub starts_here: bool,
    pub ends_here: bool,
}

/// A highlight segment as JS sees it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentJs<'a> {
    pub start_utf16: u32,
    pub end_utf16: u32,
    pub spans: Vec<SegmentSpanJs<'a>>,
}

impl<'a> SegmentJs<'a> {
    pub fn new(doc: &Document, s: &'a Segment) -> Self {
        SegmentJs {
            start_utf16: byte_to_utf16(doc, s.start_byte),
            end_utf16: byte_to_utf16(doc, s.end_byte),
            spans: s
                .spans
                .iter()
                .map(|p| SegmentSpanJs { id: &p.id, label: &p.label, level: p.level, starts_here: p.starts_here, ends_here: p.ends_here })
                .collect(),
        }
    }
}

/// A UTF-16 range, as JS sees it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RangeJs {
    pub start_utf16: u32,
    pub end_utf16: u32,
}

impl RangeJs {
    pub fn new(doc: &Document, range: std::ops::Range<usize>) -> Self {
        RangeJs { start_utf16: byte_to_utf16(doc, range.start), end_utf16: byte_to_utf16(doc, range.end) }
    }
}

/// A normalised selection, and whether it crosses a line break (a paragraph boundary).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectionJs {
    pub start_utf16: u32,
    pub end_utf16: u32,
    /// Whether the span runs over a line break, so that it lies in more than one block.
    pub crosses_lines: bool,
}

/// The blocks (lines) of a document, and which one is its title.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BlocksJs {
    pub blocks: Vec<RangeJs>,
    /// The index of the block shown as the title, or `null` when every line is blank.
    pub title_block: Option<usize>,
    /// What each block reads as, for styling only: `title`, `dateline`, `byline`,
    /// `credit`, `subheading`, `body` or `blank`.
    pub kinds: Vec<&'static str>,
}

/// What the analyst chose in an import report.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct StageOptionsJs {
    pub format: Option<String>,
    pub unit: Option<String>,
    pub same_text: Option<String>,
    pub tag_column: Option<usize>,
    pub text_key: Option<String>,
    pub label_key: Option<String>,
}

/// A reading the files can be imported as.
#[derive(Serialize)]
pub struct ReadingJs {
    pub id: &'static str,
    pub title: &'static str,
}

/// The columns of a CoNLL file, to choose the tag column from (counted from 0, the token being 0).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnsJs {
    pub count: usize,
    pub chosen: Option<usize>,
    pub tag_columns: Vec<usize>,
}

/// The keys of a JSONL record, to choose the text and the spans from.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeysJs {
    pub available: Vec<String>,
    pub text: Option<String>,
    pub label: Option<String>,
}

/// The choices an import report offers: how else the files can be read.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportChoicesJs {
    /// Every format the files can be read as (the chosen one among them).
    pub readings: Vec<ReadingJs>,
    /// For CoNLL, its columns; else `null`.
    pub columns: Option<ColumnsJs>,
    /// For JSONL, its record keys; else `null`.
    pub keys: Option<KeysJs>,
}

impl ImportChoicesJs {
    pub fn new(files: &[spanmark_core::InputFile], staged: &StagedImport, options: &spanmark_core::ImportOptions) -> Self {
        let mut readings: Vec<ReadingJs> = spanmark_core::readings_of(files).into_iter().map(|f| ReadingJs { id: f.id(), title: f.title() }).collect();
        if !readings.iter().any(|r| r.id == staged.format.id()) {
            readings.insert(0, ReadingJs { id: staged.format.id(), title: staged.format.title() });
        }
        let columns = (staged.format == Format::Conll)
            .then(|| spanmark_core::interchange::conll::column_choice(files, options.tag_column))
            .flatten()
            .map(|c| ColumnsJs { count: c.columns, chosen: c.column, tag_columns: c.tag_columns });
        let keys = (staged.format == Format::Jsonl).then(|| KeysJs {
            available: spanmark_core::interchange::jsonl::record_keys(files),
            text: options.text_key.clone(),
            label: options.label_key.clone(),
        });
        ImportChoicesJs { readings, columns, keys }
    }
}

/// A staged import's report with the choices it offers.
#[derive(Serialize)]
pub struct StagedWithChoicesJs<'a> {
    #[serde(flatten)]
    pub staged: StagedJs<'a>,
    #[serde(flatten)]
    pub choices: ImportChoicesJs,
}

/// A relation as JS sees it, with where its two ends are, for drawing and listing.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationJs<'a> {
    pub id: &'a str,
    #[serde(rename = "type")]
    pub kind: &'a str,
    pub from: RelationEndJs<'a>,
    pub to: RelationEndJs<'a>,
    /// The note and attributes, if it has any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra: Option<&'a AnnotationExtra>,
}

/// One end of a relation: its annotation's id, label, text and place.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationEndJs<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub text: &'a str,
    pub start_utf16: u32,
    pub end_utf16: u32,
    pub first_block: usize,
}

impl<'a> RelationJs<'a> {
    pub fn new(doc: &'a Document, r: &'a spanmark_core::Relation) -> Self {
        let end = |id: &'a str| {
            let a = doc.annotations().get(id);
            RelationEndJs {
                id,
                label: a.map_or("", |a| a.label.as_str()),
                text: a.map_or("", |a| a.quote(doc.text())),
                start_utf16: a.map_or(0, |a| byte_to_utf16(doc, a.start_byte)),
                end_utf16: a.map_or(0, |a| byte_to_utf16(doc, a.end_byte)),
                first_block: a.map_or(0, |a| doc.blocks_touching(a.range()).start),
            }
        };
        RelationJs { id: &r.id, kind: &r.kind, from: end(&r.from), to: end(&r.to), extra: r.extra.as_deref() }
    }
}

/// What adding a relation did: `changed: false` with `reason: "duplicate"` and a message
/// when the two are already linked so.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationEditJs<'a> {
    pub changed: bool,
    pub reason: Option<&'static str>,
    pub message: Option<String>,
    pub relation: RelationJs<'a>,
}

/// A relation type as JS sees it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationTypeJs<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub color: &'a str,
    pub hotkey: Option<&'a str>,
    pub directed: bool,
    pub from_labels: &'a [String],
    pub to_labels: &'a [String],
    pub description: &'a str,
    pub shown_name: std::borrow::Cow<'a, str>,
    /// The colour of its arcs on the white page (3:1 or more).
    pub line_color: String,
}

/// The whole schema: labels, relation types and attributes.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaJs<'a> {
    pub labels: Vec<LabelJs<'a>>,
    pub relation_types: Vec<RelationTypeJs<'a>>,
    pub attributes: &'a [spanmark_core::AttributeDef],
}

impl<'a> SchemaJs<'a> {
    pub fn new(schema: &'a spanmark_core::LabelSchema) -> Self {
        SchemaJs {
            labels: schema.labels().iter().map(LabelJs::new).collect(),
            relation_types: schema
                .relation_types()
                .iter()
                .map(|t| RelationTypeJs {
                    id: &t.id,
                    name: &t.name,
                    color: &t.color,
                    hotkey: t.hotkey.as_deref(),
                    directed: t.directed,
                    from_labels: &t.from_labels,
                    to_labels: &t.to_labels,
                    description: &t.description,
                    shown_name: spanmark_core::with_visible_controls(&t.name), line_color: spanmark_core::underline_color(&t.color) })
                .collect(),
            attributes: schema.attributes(),
        }
    }
}

/// An entity of the registry with how often the corpus mentions it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityJs<'a> {
    #[serde(flatten)]
    pub entity: &'a spanmark_core::Entity,
    pub shown_name: std::borrow::Cow<'a, str>,
    pub mentions: usize,
    pub documents: usize,
}

/// One mention of an entity, with its context, for the mentions panel.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MentionJs<'a> {
    pub doc_id: &'a str,
    pub doc_title: &'a str,
    pub annotation_id: &'a str,
    pub label: &'a str,
    pub start_utf16: u32,
    pub end_utf16: u32,
    pub text: &'a str,
    pub before: &'a str,
    pub after: &'a str,
}

/// A pair of entities or labels that occur together.
#[derive(Serialize)]
pub struct PairJs {
    pub a: String,
    pub b: String,
    pub weight: usize,
}

/// The document × entity matrix.
#[derive(Serialize)]
pub struct MatrixJs {
    pub entities: Vec<String>,
    pub documents: Vec<String>,
    pub counts: Vec<Vec<usize>>,
}

/// Annotations per document and label.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentCountsJs {
    pub doc_id: String,
    pub title: String,
    pub by_label: std::collections::BTreeMap<String, usize>,
    pub total: usize,
}

/// A stretch of a document, with context, for search hits and occurrences.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HitJs<'a> {
    pub doc_id: &'a str,
    pub start_utf16: u32,
    pub end_utf16: u32,
    pub text: &'a str,
    pub before: &'a str,
    pub after: &'a str,
}

impl<'a> HitJs<'a> {
    /// The hit `range` (UTF-8 bytes) of `doc`, with up to 40 characters of context each side.
    pub fn new(doc: &'a Document, range: std::ops::Range<usize>) -> Self {
        let text = doc.text();
        let before_start = text[..range.start].char_indices().rev().nth(39).map_or(0, |(i, _)| i);
        let after_end = text[range.end..].char_indices().nth(40).map_or(text.len(), |(i, _)| range.end + i);
        HitJs {
            doc_id: doc.id(),
            start_utf16: byte_to_utf16(doc, range.start),
            end_utf16: byte_to_utf16(doc, range.end),
            text: &text[range.clone()],
            before: &text[before_start..range.start],
            after: &text[range.end..after_end],
        }
    }
}

/// Hits in one document.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentHitsJs<'a> {
    pub doc_id: &'a str,
    pub title: &'a str,
    pub hits: Vec<HitJs<'a>>,
}

/// What a search found.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchJs<'a> {
    pub documents: Vec<DocumentHitsJs<'a>>,
    pub total: usize,
    pub truncated: bool,
}

/// Options of a search, as the page gives them.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct SearchOptionsJs {
    pub regex: bool,
    pub ignore_case: bool,
    pub whole_word: bool,
    pub max_hits: Option<usize>,
    /// For occurrences: `"document"` or `"corpus"`.
    pub scope: Option<String>,
}

/// A suggestion as the page draws it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SuggestionJs<'a> {
    pub start_utf16: u32,
    pub end_utf16: u32,
    pub text: &'a str,
    pub label: &'a str,
    /// `corpus`, `gazetteer` or `pattern`.
    pub source: &'static str,
    /// Why, for the analyst ("tagged PERSON 3 of 4 times", "gazetteer", "e-mail address").
    pub why: String,
    /// The gazetteer entry's entity id, if it has one.
    pub entity: Option<&'a str>,
    pub score: f64,
}

/// A candidate entity for a mention.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CandidateJs {
    pub entity_id: String,
    pub name: String,
    pub matched_name: String,
    /// `same-name` (same fingerprint) or `similar-words`.
    pub reason: &'static str,
    pub score: f64,
}

/// Precision, recall and F1 with their counts.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreJs {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub reference: usize,
    pub candidate: usize,
    pub matched: usize,
}

impl ScoreJs {
    pub fn new(c: &spanmark_core::agreement::Counts) -> Self {
        ScoreJs { precision: c.precision(), recall: c.recall(), f1: c.f1(), reference: c.reference, candidate: c.candidate, matched: c.matched_reference }
    }
}

/// One side of a disagreement.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SideJs<'a> {
    pub start_utf16: u32,
    pub end_utf16: u32,
    pub label: String,
    pub text: &'a str,
}
