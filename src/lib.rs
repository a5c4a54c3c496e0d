//! Spanmark's WebAssembly binding: a thin `#[wasm_bindgen]` facade over `spanmark-core`.
//!
//! JavaScript sees one class, [`Spanmark`], with camelCase methods. Offsets cross
//! this boundary as UTF-16 code units (every such name ends in `Utf16`) and are
//! converted in [`units`] only. Every fallible method returns `Result<_, JsError>`,
//! so JS receives a real `Error` whose message says what was wrong, and a refused
//! call changes nothing.

pub mod units;

use serde::Serialize;
use spanmark_core::{
    Added, Change, Diagnostic, Effect, ExportOptions, Format, ImportOptions, InputFile, Relabelled, SnapMode, StagedImport, TagScheme, Unit, Workspace,
};
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
    /// Bidirectional control characters in the text, which can reorder how it displays.
    bidi_controls: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase", tag = "kind")]
enum EffectJs<'a> {
    /// Spans changed in this range of a document.
    Span { doc_id: &'a str, start_utf16: u32, end_utf16: u32 },
    /// Documents were added or removed.
    Documents,
    /// The label schema changed.
    Schema,
}

#[derive(Serialize)]
struct ChangeJs<'a> {
    summary: &'a str,
    effects: Vec<EffectJs<'a>>,
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
#[derive(Default)]
pub struct Spanmark {
    ws: Workspace,
    restore_diagnostics: Vec<Diagnostic>,
    /// Files handed over for the next `stageImport`.
    import_files: Vec<InputFile>,
    /// A checked import waiting for the analyst to accept it.
    staged: Option<StagedImport>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FormatJs {
    id: &'static str,
    title: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StagedJs<'a> {
    format: &'static str,
    format_title: &'static str,
    /// Whether the `.txt` files handed over were read as the documents' texts.
    uses_text_files: bool,
    needs_review: bool,
    #[serde(flatten)]
    report: &'a spanmark_core::ImportReport,
}

/// One exported file, with what the format could not carry.
#[wasm_bindgen]
pub struct ExportResult {
    name: String,
    mime: String,
    bytes: Vec<u8>,
    losses: Vec<Diagnostic>,
    annotations_written: usize,
}

#[wasm_bindgen]
impl ExportResult {
    /// A file name for the download.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.name.clone()
    }

    /// The file's media type.
    #[wasm_bindgen(getter)]
    pub fn mime(&self) -> String {
        self.mime.clone()
    }

    /// The file's bytes.
    #[wasm_bindgen(getter)]
    pub fn bytes(&self) -> Vec<u8> {
        self.bytes.clone()
    }

    /// How many annotations the file holds.
    #[wasm_bindgen(getter, js_name = annotationsWritten)]
    pub fn annotations_written(&self) -> usize {
        self.annotations_written
    }

    /// `[{severity, code, document, annotation, message}]`: every annotation, or part of
    /// one, that the file does not carry.
    #[wasm_bindgen(getter)]
    pub fn losses(&self) -> Result<JsValue, JsError> {
        to_js(&self.losses)
    }
}

impl Spanmark {
    fn change_to_js(&self, change: Option<Change>) -> Result<JsValue, JsError> {
        let Some(change) = change else { return Ok(JsValue::NULL) };
        let effects = change
            .effects
            .iter()
            .filter_map(|e| match e {
                Effect::Span { doc, range } => self.ws.document(doc).ok().map(|d| EffectJs::Span {
                    doc_id: d.id(),
                    start_utf16: units::byte_to_utf16(d, range.start),
                    end_utf16: units::byte_to_utf16(d, range.end),
                }),
                Effect::Documents => Some(EffectJs::Documents),
                Effect::Schema => Some(EffectJs::Schema),
            })
            .collect();
        to_js(&ChangeJs { summary: &change.summary, effects })
    }
}


#[wasm_bindgen]
impl Spanmark {
    /// An empty workspace with the default news schema.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Spanmark {
        Spanmark::default()
    }

    /// Rebuilds a workspace from stored records (`keys[i]` holds `values[i]`), or returns
    /// `undefined` when there are none. Damaged records are skipped and reported by
    /// `takeRestoreDiagnostics()`; records from a newer Spanmark throw.
    #[wasm_bindgen(js_name = fromRecords)]
    pub fn from_records(keys: Vec<String>, values: Vec<String>) -> Result<Option<Spanmark>, JsError> {
        if keys.len() != values.len() {
            return Err(JsError::new(&format!("{} stored keys but {} values", keys.len(), values.len())));
        }
        let restored = spanmark_core::restore(keys.into_iter().zip(values).collect())?;
        Ok(restored.workspace.map(|ws| Spanmark { ws, restore_diagnostics: restored.diagnostics, ..Spanmark::default() }))
    }

    /// What was wrong with the stored records at restore: `[{severity, code, document, annotation, message}]`.
    #[wasm_bindgen(js_name = takeRestoreDiagnostics)]
    pub fn take_restore_diagnostics(&mut self) -> Result<JsValue, JsError> {
        to_js(&std::mem::take(&mut self.restore_diagnostics))
    }

    /// The records changed since the last call, `[[key, value or null], ...]`, at most
    /// `limit` of them (all when undefined), to write in one transaction (null deletes).
    #[wasm_bindgen(js_name = takeChanges)]
    pub fn take_changes(&mut self, limit: Option<usize>) -> Result<JsValue, JsError> {
        to_js(&self.ws.take_pending_up_to(limit.unwrap_or(usize::MAX)))
    }

    /// Marks records again after their write failed; the next `takeChanges` includes them.
    #[wasm_bindgen(js_name = requeueChanges)]
    pub fn requeue_changes(&mut self, keys: Vec<String>) {
        self.ws.requeue(&keys);
    }

    /// Marks every record, so that the next `takeChanges` writes the whole workspace.
    #[wasm_bindgen(js_name = markAllChanged)]
    pub fn mark_all_changed(&mut self) {
        self.ws.mark_all_pending();
    }

    /// The shell's own state (a JSON string) as last stored, if any.
    #[wasm_bindgen(js_name = uiState)]
    pub fn ui_state(&self) -> Option<String> {
        self.ws.ui_state().map(str::to_owned)
    }

    /// Stores the shell's own state (a JSON string) with the next write; not undoable.
    #[wasm_bindgen(js_name = setUiState)]
    pub fn set_ui_state(&mut self, json: &str) {
        self.ws.set_ui_state(json);
    }

    /// Whether changes are waiting for `takeChanges`.
    #[wasm_bindgen(js_name = hasChanges)]
    pub fn has_changes(&self) -> bool {
        self.ws.has_pending()
    }

    /// Undoes the last action: `{summary, effects}`, or null when there is none.
    pub fn undo(&mut self) -> Result<JsValue, JsError> {
        let change = self.ws.undo()?;
        self.change_to_js(change)
    }

    /// Redoes the last undone action: `{summary, effects}`, or null when there is none.
    pub fn redo(&mut self) -> Result<JsValue, JsError> {
        let change = self.ws.redo()?;
        self.change_to_js(change)
    }

    /// What the next undo would undo, if anything.
    #[wasm_bindgen(js_name = undoSummary)]
    pub fn undo_summary(&self) -> Option<String> {
        self.ws.undo_summary().map(str::to_owned)
    }

    /// What the next redo would redo, if anything.
    #[wasm_bindgen(js_name = redoSummary)]
    pub fn redo_summary(&self) -> Option<String> {
        self.ws.redo_summary().map(str::to_owned)
    }

    /// Forgets undo and redo history (used after loading the demo articles).
    #[wasm_bindgen(js_name = clearHistory)]
    pub fn clear_history(&mut self) {
        self.ws.clear_history();
    }

    /// The whole workspace as one backup file (canonical JSON with a manifest).
    #[wasm_bindgen(js_name = exportBackup)]
    pub fn export_backup(&self) -> String {
        self.ws.export_backup()
    }

    /// Replaces the workspace with a backup, as one undoable step. Throws, changing
    /// nothing, unless the backup is complete.
    #[wasm_bindgen(js_name = restoreBackup)]
    pub fn restore_backup(&mut self, json: &str) -> Result<JsValue, JsError> {
        let report = self.ws.restore_backup(json)?;
        to_js(&report)
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
                bidi_controls: d.bidi_controls(),
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

    /// How many annotations a document has.
    #[wasm_bindgen(js_name = annotationCount)]
    pub fn annotation_count(&self, doc_id: &str) -> Result<usize, JsError> {
        Ok(self.ws.document(doc_id)?.annotations().len())
    }

    /// `count` annotations from position `skip` on (position order), for a list that
    /// shows only what is on screen: `[{id, startUtf16, endUtf16, text, label}]`.
    #[wasm_bindgen(js_name = annotationsPage)]
    pub fn annotations_page(&self, doc_id: &str, skip: usize, count: usize) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        to_js(&doc.annotations().page(skip, count).map(|a| AnnotationJs::new(doc, a)).collect::<Vec<_>>())
    }

    /// The position of an annotation in the document's position order.
    #[wasm_bindgen(js_name = annotationRank)]
    pub fn annotation_rank(&self, doc_id: &str, annotation_id: &str) -> Result<usize, JsError> {
        let doc = self.ws.document(doc_id)?;
        doc.annotations()
            .iter()
            .position(|a| a.id == annotation_id)
            .ok_or_else(|| JsError::new(&format!("no annotation has id {annotation_id:?} in this document")))
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

    /// The interchange formats: `[{id, title}]`, in menu order.
    pub fn formats(&self) -> Result<JsValue, JsError> {
        to_js(&Format::ALL.iter().map(|f| FormatJs { id: f.id(), title: f.title() }).collect::<Vec<_>>())
    }

    /// Exports one document (or all when `docId` is undefined) in a format (`formats()`
    /// ids); `scheme` is the CoNLL tagging scheme (`iob2`, `iob1`, `bioes`).
    #[wasm_bindgen(js_name = exportAs)]
    pub fn export_as(&self, format: &str, doc_id: Option<String>, scheme: Option<String>) -> Result<ExportResult, JsError> {
        let format = Format::from_id(format).ok_or_else(|| JsError::new(&format!("there is no export format {format:?}")))?;
        let scheme = match scheme.as_deref() {
            None => TagScheme::default(),
            Some(id) => TagScheme::from_id(id).ok_or_else(|| JsError::new(&format!("there is no tagging scheme {id:?}")))?,
        };
        let ids = doc_id.as_deref().map(|id| vec![id]);
        let export = self.ws.export_as(format, ids.as_deref(), &ExportOptions { scheme })?;
        Ok(ExportResult {
            name: export.file.name,
            mime: export.file.mime.to_owned(),
            bytes: export.file.bytes,
            losses: export.losses,
            annotations_written: export.annotations_written,
        })
    }

    /// Hands over one file for the next `stageImport` (its bytes are copied).
    #[wasm_bindgen(js_name = addImportFile)]
    pub fn add_import_file(&mut self, name: &str, bytes: &[u8]) {
        self.import_files.push(InputFile::new(name, bytes));
    }

    /// Reads and checks the files handed over (detecting their format unless `format`
    /// is given; `unit` is what JSONL offsets count: `codepoint` or `utf16`). Changes
    /// nothing: returns `{format, formatTitle, usesTextFiles, needsReview, documentsRead, documentIds,
    /// annotationsAdded, labelsAdded, diagnostics}` and keeps the import for
    /// `applyImport`. Throws when the files cannot be read at all.
    #[wasm_bindgen(js_name = stageImport)]
    pub fn stage_import(&mut self, format: Option<String>, unit: Option<String>) -> Result<JsValue, JsError> {
        self.staged = None;
        let format = match format.as_deref() {
            None => None,
            Some(id) => Some(Format::from_id(id).ok_or_else(|| JsError::new(&format!("there is no import format {id:?}")))?),
        };
        let unit = match unit.as_deref() {
            None | Some("codepoint") => Unit::CodePoint,
            Some("utf16") => Unit::Utf16,
            Some(other) => return Err(JsError::new(&format!("offsets can count \"codepoint\" or \"utf16\", not {other:?}"))),
        };
        let staged = self.ws.stage_import(&self.import_files, &ImportOptions { format, unit })?;
        let js = to_js(&StagedJs { format: staged.format.id(), format_title: staged.format.title(), uses_text_files: staged.format.reads_text_files(), needs_review: staged.needs_review(), report: &staged.report })?;
        self.staged = Some(staged);
        Ok(js)
    }

    /// Applies the staged import as one undoable step and forgets the files. Throws,
    /// changing nothing, if there is none or the workspace changed since.
    #[wasm_bindgen(js_name = applyImport)]
    pub fn apply_import(&mut self) -> Result<JsValue, JsError> {
        let staged = self.staged.take().ok_or_else(|| JsError::new("there is no import waiting to be applied"))?;
        self.import_files.clear();
        let report = self.ws.apply_import(staged)?;
        to_js(&report)
    }

    /// Forgets the files handed over and any staged import.
    #[wasm_bindgen(js_name = discardImport)]
    pub fn discard_import(&mut self) {
        self.import_files.clear();
        self.staged = None;
    }
}
