//! Spanmark's WebAssembly binding: a thin `#[wasm_bindgen]` facade over `spanmark-core`.
//!
//! JavaScript sees one class, [`Spanmark`], with camelCase methods. Offsets cross
//! this boundary as UTF-16 code units (every such name ends in `Utf16`) and are
//! converted in [`units`] only. Every fallible method returns `Result<_, JsError>`,
//! so JS receives a real `Error` whose message says what was wrong, and a refused
//! call changes nothing.

pub mod units;

use serde::Serialize;
use spanmark_core::{Added, Relabelled, SnapMode, Workspace};
use wasm_bindgen::prelude::*;

use units::{utf16_to_byte, AnnotationJs, RangeJs, SegmentJs};

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).map_err(|e| JsError::new(&e.to_string()))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DocumentInfoJs<'a> {
    id: &'a str,
    name: &'a str,
    title: &'a str,
    length_utf16: u32,
    annotation_count: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EditJs<'a> {
    /// Whether the workspace changed.
    changed: bool,
    /// Why nothing changed, when nothing did.
    reason: Option<&'static str>,
    annotation: AnnotationJs<'a>,
}

/// An annotation workspace: documents, the label schema and every annotation.
#[wasm_bindgen]
pub struct Spanmark {
    ws: Workspace,
}

impl Default for Spanmark {
    fn default() -> Self {
        Spanmark { ws: Workspace::default() }
    }
}

#[wasm_bindgen]
impl Spanmark {
    /// An empty workspace with the default news schema.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Spanmark {
        Spanmark::default()
    }

    /// The label schema: `[{id, name, color, hotkey, description}]`.
    pub fn labels(&self) -> Result<JsValue, JsError> {
        to_js(self.ws.schema().labels())
    }

    /// Adds a document holding `text` exactly, and returns its id.
    #[wasm_bindgen(js_name = addDocument)]
    pub fn add_document(&mut self, name: &str, text: &str) -> Result<String, JsError> {
        Ok(self.ws.add_document(name, text)?)
    }

    /// Removes a document and its annotations.
    #[wasm_bindgen(js_name = removeDocument)]
    pub fn remove_document(&mut self, doc_id: &str) -> Result<(), JsError> {
        self.ws.remove_document(doc_id)?;
        Ok(())
    }

    /// The documents: `[{id, name, title, lengthUtf16, annotationCount}]`.
    pub fn documents(&self) -> Result<JsValue, JsError> {
        let infos: Vec<DocumentInfoJs> = self
            .ws
            .documents()
            .iter()
            .map(|d| DocumentInfoJs {
                id: d.id(),
                name: d.name(),
                title: d.title(),
                length_utf16: units::byte_to_utf16(d, d.text().len()),
                annotation_count: d.annotations().len(),
            })
            .collect();
        to_js(&infos)
    }

    /// The exact text of a document.
    #[wasm_bindgen(js_name = documentText)]
    pub fn document_text(&self, doc_id: &str) -> Result<String, JsError> {
        Ok(self.ws.document(doc_id)?.text().to_owned())
    }

    /// The blocks (lines, without terminators) of a document: `[{startUtf16, endUtf16}]`.
    pub fn blocks(&self, doc_id: &str) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        let blocks: Vec<RangeJs> = doc.blocks().iter().map(|b| RangeJs::new(doc, b.clone())).collect();
        to_js(&blocks)
    }

    /// The highlight segments that tile `[startUtf16, endUtf16)` of a document:
    /// `[{startUtf16, endUtf16, spans: [{id, label, level, startsHere, endsHere}]}]`.
    pub fn segments(&self, doc_id: &str, start_utf16: u32, end_utf16: u32) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        let range = utf16_to_byte(doc, start_utf16)?..utf16_to_byte(doc, end_utf16)?;
        let segments = self.ws.segments(doc_id, range)?;
        to_js(&segments.iter().map(|s| SegmentJs::new(doc, s)).collect::<Vec<_>>())
    }

    /// Normalises a mouse selection `[startUtf16, endUtf16)`: whole grapheme clusters,
    /// whitespace trimmed, and snapped to word boundaries when `snapWords` is true.
    /// Returns `{startUtf16, endUtf16}`; throws if the selection is empty.
    #[wasm_bindgen(js_name = normalizeSelection)]
    pub fn normalize_selection(&self, doc_id: &str, start_utf16: u32, end_utf16: u32, snap_words: bool) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        let range = utf16_to_byte(doc, start_utf16)?..utf16_to_byte(doc, end_utf16)?;
        let mode = if snap_words { SnapMode::Words } else { SnapMode::Characters };
        let normalized = self.ws.normalize_selection(doc_id, range, mode)?;
        to_js(&RangeJs::new(doc, normalized))
    }

    /// Adds an annotation over exactly `[startUtf16, endUtf16)`. Returns
    /// `{changed, reason, annotation}`; an exact duplicate changes nothing and
    /// returns the existing annotation with `reason: "duplicate"`.
    #[wasm_bindgen(js_name = addAnnotation)]
    pub fn add_annotation(&mut self, doc_id: &str, start_utf16: u32, end_utf16: u32, label: &str) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        let range = utf16_to_byte(doc, start_utf16)?..utf16_to_byte(doc, end_utf16)?;
        let (changed, reason, annotation) = match self.ws.add_annotation(doc_id, range, label)? {
            Added::New(a) => (true, None, a),
            Added::Duplicate(a) => (false, Some("duplicate"), a),
        };
        let doc = self.ws.document(doc_id)?;
        to_js(&EditJs { changed, reason, annotation: AnnotationJs::new(doc, &annotation) })
    }

    /// Removes an annotation and returns it as it was.
    #[wasm_bindgen(js_name = removeAnnotation)]
    pub fn remove_annotation(&mut self, doc_id: &str, annotation_id: &str) -> Result<JsValue, JsError> {
        let removed = self.ws.remove_annotation(doc_id, annotation_id)?;
        to_js(&AnnotationJs::new(self.ws.document(doc_id)?, &removed))
    }

    /// Gives an annotation another label. Returns `{changed, reason, annotation}`;
    /// `reason` is `"unchanged"` or `"duplicate"` when nothing changed.
    #[wasm_bindgen(js_name = relabelAnnotation)]
    pub fn relabel_annotation(&mut self, doc_id: &str, annotation_id: &str, label: &str) -> Result<JsValue, JsError> {
        let (changed, reason, annotation) = match self.ws.relabel_annotation(doc_id, annotation_id, label)? {
            Relabelled::Changed(a) => (true, None, a),
            Relabelled::Unchanged(a) => (false, Some("unchanged"), a),
            Relabelled::WouldDuplicate(a) => (false, Some("duplicate"), a),
        };
        let doc = self.ws.document(doc_id)?;
        to_js(&EditJs { changed, reason, annotation: AnnotationJs::new(doc, &annotation) })
    }

    /// One annotation: `{id, startUtf16, endUtf16, text, label}`.
    pub fn annotation(&self, doc_id: &str, annotation_id: &str) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        let a = doc
            .annotations()
            .get(annotation_id)
            .ok_or_else(|| JsError::new(&format!("no annotation has id {annotation_id:?} in this document")))?;
        to_js(&AnnotationJs::new(doc, a))
    }

    /// All annotations of a document in position order: `[{id, startUtf16, endUtf16, text, label}]`.
    pub fn annotations(&self, doc_id: &str) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        to_js(&doc.annotations().iter().map(|a| AnnotationJs::new(doc, a)).collect::<Vec<_>>())
    }

    /// The annotations containing the character at `offsetUtf16`, innermost first.
    #[wasm_bindgen(js_name = annotationsAt)]
    pub fn annotations_at(&self, doc_id: &str, offset_utf16: u32) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        let at = self.ws.annotations_at(doc_id, utf16_to_byte(doc, offset_utf16)?)?;
        to_js(&at.into_iter().map(|a| AnnotationJs::new(doc, a)).collect::<Vec<_>>())
    }

    /// The canonical JSON of one document, or of all documents when `docId` is undefined.
    #[wasm_bindgen(js_name = exportJson)]
    pub fn export_json(&self, doc_id: Option<String>) -> Result<String, JsError> {
        let ids = doc_id.as_deref().map(|id| vec![id]);
        Ok(self.ws.export_canonical(ids.as_deref())?)
    }

    /// Imports a canonical JSON file. Throws, changing nothing, if the file cannot
    /// be read; otherwise returns `{documentIds, annotationsAdded, labelsAdded, diagnostics}`.
    #[wasm_bindgen(js_name = importJson)]
    pub fn import_json(&mut self, json: &str) -> Result<JsValue, JsError> {
        let report = self.ws.import_canonical(json)?;
        to_js(&report)
    }
}
