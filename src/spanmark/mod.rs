//! The `Spanmark` class: one workspace, its persistence state, and the import in
//! progress. Every method converts offsets through `units`, turns core values into the
//! JS shapes of `js`, and returns `Result<_, JsError>` so that JS receives real `Error`s.

use spanmark_core::{
    plan_intake, restore, Added, AttributeDef, Change, Item, Label, RelationAdded, RelationType, Diagnostic, DocumentKind, Effect, ExportChoice, FileRefusal, Format, ImportOptions, InputFile, Relabelled, SnapMode,
    SameText, StagedImport, Store, StoredValue, Unit, Workspace,
};
use wasm_bindgen::prelude::*;

use crate::export::ExportResult;
use crate::files::{self, FileSet};
use crate::js::{
    to_js, AnnotationJs, CandidateJs, ScoreJs, SideJs, DocumentHitsJs, HitJs, SearchJs, SearchOptionsJs, SuggestionJs, DocumentCountsJs, EntityJs, MatrixJs, MentionJs, PairJs, RelationEditJs, RelationJs, SchemaJs, BlocksJs, ChangeJs, DiagnosticJs, DocumentFileJs, DocumentInfoJs, EditJs, EffectJs, FormatJs, ImportReportJs, IntakeJs, LabelCountJs, LabelJs, RangeJs, RefusalJs,
    SegmentJs, SelectionJs, StageOptionsJs, StagedJs, StagedWithChoicesJs, ImportChoicesJs,
};
use crate::units::{byte_to_utf16, utf16_range_to_bytes, utf16_to_byte};

mod entities;
mod layers;
mod relations;
mod schema;
mod search;
mod stats;
mod sync;

/// `"annotation"` or `"relation"`: what a note or attribute is on, as JS names it.
fn item_kind(item: &Item) -> &'static str {
    match item {
        Item::Annotation(_) => "annotation",
        Item::Relation(_) => "relation",
    }
}

/// An item from its JS name (`"annotation"` or `"relation"`) and id.
fn item_of(kind: &str, id: &str) -> Result<Item, JsError> {
    match kind {
        "annotation" => Ok(Item::Annotation(id.to_owned())),
        "relation" => Ok(Item::Relation(id.to_owned())),
        other => Err(JsError::new(&format!("{other:?} is neither \"annotation\" nor \"relation\""))),
    }
}

/// A core value from a plain JS object.
fn from_js<T: serde::de::DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsError> {
    let json = js_sys::JSON::stringify(&value).map_err(|_| JsError::new(&format!("not a {what}: it cannot be written as JSON")))?;
    serde_json::from_str(&String::from(json)).map_err(|e| JsError::new(&format!("not a {what}: {e}")))
}

/// An annotation workspace: documents, the label schema and every annotation.
#[wasm_bindgen]
#[derive(Default)]
pub struct Spanmark {
    ws: Workspace,
    /// Records still to write, and the shell's UI state.
    store: Store,
    restore_diagnostics: Vec<Diagnostic>,
    /// Annotation files taken in for the next `stageImport`.
    import_files: Vec<InputFile>,
    /// Files taken in that are documents of their own, until opened or `discardImport`.
    document_files: Vec<Option<(InputFile, DocumentKind)>>,
    /// A checked import waiting for the analyst to accept it.
    staged: Option<StagedImport>,
    /// The suggester, built for the workspace revision it holds.
    suggester: Option<(u64, spanmark_core::suggest::Suggester)>,
    /// Team sync: the replicated record, once the analyst shares.
    replica: Option<spanmark_core::replica::Replica>,
    /// Whether the whole replicated record must be stored again (`takeReplicaRecords`):
    /// it was just shared or joined, a write of it failed, or its log grew long.
    replica_full: bool,
    /// How many log entries (`["replica", n]`) were given to store since the whole record.
    replica_log_next: u32,
}

/// The storage key of team sync's replicated record (a binary value beside the records);
/// the updates taken in since it was stored follow as `["replica", n]`, n = 0, 1, …
const REPLICA_KEY: &str = r#"["replica"]"#;

/// How many log entries may follow the stored record before it is stored whole again.
const REPLICA_LOG_LIMIT: u32 = 512;

/// The log entry's number, if `key` is one (`["replica", n]`).
fn replica_log_index(key: &str) -> Option<u32> {
    key.strip_prefix(r#"["replica","#)?.strip_suffix(']')?.parse().ok()
}

impl Spanmark {
    fn change_to_js(&self, change: Option<Change>) -> Result<JsValue, JsError> {
        let Some(change) = change else { return Ok(JsValue::NULL) };
        let effects = self.effects_js(&change.effects);
        to_js(&ChangeJs { summary: &change.summary, effects })
    }

    /// Effects as JS sees them (spans in UTF-16 units, with the blocks to redraw).
    fn effects_js<'e>(&'e self, effects: &'e [Effect]) -> Vec<EffectJs<'e>> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Span { doc, range, blocks } => self.ws.document(doc).ok().map(|d| EffectJs::Span {
                    doc_id: d.id(),
                    start_utf16: byte_to_utf16(d, range.start),
                    end_utf16: byte_to_utf16(d, range.end),
                    first_block: blocks.start,
                    end_block: blocks.end,
                }),
                Effect::Relations { doc } => Some(EffectJs::Relations { doc_id: doc }),
                Effect::Details { doc, item } => Some(EffectJs::Details { doc_id: doc, item_kind: item_kind(item), id: item.id() }),
                Effect::Documents => Some(EffectJs::Documents),
                Effect::Schema => Some(EffectJs::Schema),
                Effect::Entities => Some(EffectJs::Entities),
                Effect::Suggestions => Some(EffectJs::Suggestions),
                Effect::Layers { doc } => Some(EffectJs::Layers { doc_id: doc }),
            })
            .collect()
    }

    fn edit_to_js(&self, doc_id: &str, changed: bool, reason: Option<&'static str>, annotation: &spanmark_core::Annotation) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        to_js(&EditJs { changed, reason, annotation: AnnotationJs::new(doc, annotation) })
    }

    /// The document file taken in at `index`.
    fn document_file(&self, index: usize) -> Result<&(InputFile, DocumentKind), JsError> {
        self.document_files.get(index).and_then(Option::as_ref).ok_or_else(|| JsError::new(&format!("there is no document file {index} waiting to be opened")))
    }
}

#[wasm_bindgen]
impl Spanmark {
    /// An empty workspace with the default news schema.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Spanmark {
        Spanmark::default()
    }

    // ---- Persistence ------------------------------------------------------------------

    /// Rebuilds a workspace from stored records (`keys[i]` holds `values[i]`), or returns
    /// `undefined` when there are none. Each record is judged on its own: a damaged
    /// record, a value that is not a string or a key of an unknown shape is skipped,
    /// kept in storage, and reported by `takeRestoreDiagnostics()`; only records from a
    /// newer Spanmark throw.
    #[wasm_bindgen(js_name = fromRecords)]
    pub fn from_records(keys: Vec<JsValue>, values: Vec<JsValue>) -> Result<Option<Spanmark>, JsError> {
        if keys.len() != values.len() {
            return Err(JsError::new(&format!("{} stored keys but {} values", keys.len(), values.len())));
        }
        // Team sync's record and its log are binary: kept aside, and joined once the
        // workspace is back.
        let mut replica_state: Option<Vec<u8>> = None;
        let mut replica_log: std::collections::BTreeMap<u32, Vec<u8>> = std::collections::BTreeMap::new();
        let records: Vec<(String, StoredValue)> = keys.into_iter().zip(values).filter_map(|(key, value)| {
            let name = key.as_string();
            if name.as_deref() == Some(REPLICA_KEY) {
                if let Some(bytes) = value.dyn_ref::<js_sys::Uint8Array>() {
                    replica_state = Some(bytes.to_vec());
                }
                return None;
            }
            if let Some(n) = name.as_deref().and_then(replica_log_index) {
                if let Some(bytes) = value.dyn_ref::<js_sys::Uint8Array>() {
                    replica_log.insert(n, bytes.to_vec());
                }
                return None;
            }
            // IndexedDB keys may be numbers, dates or arrays too; name them as they are.
            let key = key.as_string().or_else(|| key.as_f64().map(|n| n.to_string())).unwrap_or_else(|| describe_js(&key));
            let value = match value.as_string() {
                Some(text) => StoredValue::Text(text),
                // Its JSON text, if it has one, is what a damaged page's copy keeps.
                None => match js_sys::JSON::stringify(&value).ok().and_then(|j| j.as_string()) {
                    Some(json) => StoredValue::Foreign { what: describe_js(&value), json },
                    None => StoredValue::Other(describe_js(&value)),
                },
            };
            Some((key, value))
        }).collect();
        let restored = restore(records)?;
        let Some(ws) = restored.workspace else { return Ok(None) };
        let mut sm = Spanmark { ws, store: restored.store, restore_diagnostics: restored.diagnostics, ..Spanmark::default() };
        sm.replica_log_next = replica_log.keys().next_back().map_or(0, |n| n + 1);
        // Without the whole record (its first write failed), the oldest entry stands for it.
        let state = replica_state.or_else(|| replica_log.pop_first().map(|(_, u)| u));
        if let Some(state) = state {
            let analyst = sm.ws.analyst().to_owned();
            match spanmark_core::replica::Replica::join(&mut sm.ws, &analyst, &state) {
                Ok((mut replica, _)) => {
                    let mut unreadable = 0;
                    for update in replica_log.values() {
                        if replica.apply_update(&mut sm.ws, update).is_err() {
                            unreadable += 1;
                        }
                    }
                    // What was read back is stored already.
                    replica.take_log();
                    if unreadable > 0 {
                        sm.restore_diagnostics.push(Diagnostic::new(
                            spanmark_core::Severity::Warning,
                            "replica-log-unreadable",
                            None,
                            None,
                            format!("{unreadable} saved team-sync change(s) could not be read; the next sync with the room brings back what others have"),
                        ));
                    }
                    sm.replica = Some(replica);
                }
                Err(e) => sm.restore_diagnostics.push(Diagnostic::new(
                    spanmark_core::Severity::Warning,
                    "replica-unreadable",
                    None,
                    None,
                    format!("the saved team-sync record could not be read ({e}); sharing again sends the workspace as it is"),
                )),
            }
        }
        Ok(Some(sm))
    }

    /// What was wrong with the stored records at restore: `[{severity, code, document, annotation, message}]`.
    #[wasm_bindgen(js_name = takeRestoreDiagnostics)]
    pub fn take_restore_diagnostics(&mut self) -> Result<JsValue, JsError> {
        let taken = std::mem::take(&mut self.restore_diagnostics);
        to_js(&DiagnosticJs::all(&taken))
    }

    /// The records changed since the last call, `[[key, value or null], ...]`, at most
    /// `limit` of them (all when undefined), to write in one transaction (null deletes).
    #[wasm_bindgen(js_name = takeChanges)]
    pub fn take_changes(&mut self, limit: Option<usize>) -> Result<JsValue, JsError> {
        to_js(&self.store.take_pending_up_to(&mut self.ws, limit.unwrap_or(usize::MAX)))
    }

    /// Marks records again after their write failed; the next `takeChanges` includes them.
    #[wasm_bindgen(js_name = requeueChanges)]
    pub fn requeue_changes(&mut self, keys: Vec<String>) {
        if keys.iter().any(|k| k == REPLICA_KEY || replica_log_index(k).is_some()) {
            self.replica_full = true;
        }
        self.store.requeue(&keys);
    }

    /// Team sync's records to write with the others, `[[key, Uint8Array or null], ...]`
    /// (null deletes): the updates taken in since the last call, each appended to the log
    /// as `["replica", n]`; or, when the record was just shared or joined, a write of it
    /// failed, or the log reached its limit, the whole record under `["replica"]` and every
    /// log entry deleted. A failed write gives the keys back through `requeueChanges`.
    #[wasm_bindgen(js_name = takeReplicaRecords)]
    pub fn take_replica_records(&mut self) -> js_sys::Array {
        let out = js_sys::Array::new();
        let Some(replica) = self.replica.as_mut() else { return out };
        let log = replica.take_log();
        let pair = |key: &str, value: JsValue| js_sys::Array::of2(&JsValue::from_str(key), &value);
        if self.replica_full || self.replica_log_next.saturating_add(log.len() as u32) > REPLICA_LOG_LIMIT {
            out.push(&pair(REPLICA_KEY, js_sys::Uint8Array::from(replica.encode_state().as_slice()).into()));
            for n in 0..self.replica_log_next {
                out.push(&pair(&format!(r#"["replica",{n}]"#), JsValue::NULL));
            }
            self.replica_full = false;
            self.replica_log_next = 0;
        } else {
            for update in log {
                out.push(&pair(&format!(r#"["replica",{}]"#, self.replica_log_next), js_sys::Uint8Array::from(update.as_slice()).into()));
                self.replica_log_next += 1;
            }
        }
        out
    }

    // ---- History ----------------------------------------------------------------------

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

    // ---- Documents and labels -----------------------------------------------------------

    /// The label schema: `[{id, name, color, hotkey, description, shownId, shownName}]`.
    pub fn labels(&self) -> Result<JsValue, JsError> {
        to_js(&self.ws.schema().labels().iter().map(LabelJs::new).collect::<Vec<_>>())
    }

    /// Adds a document holding `text` exactly, and returns its id.
    #[wasm_bindgen(js_name = addDocument)]
    pub fn add_document(&mut self, name: &str, text: &str) -> Result<String, JsError> {
        Ok(self.ws.add_document(name, text)?)
    }

    /// Removes a document and its annotations (undoable).
    #[wasm_bindgen(js_name = removeDocument)]
    pub fn remove_document(&mut self, doc_id: &str) -> Result<(), JsError> {
        self.ws.remove_document(doc_id)?;
        Ok(())
    }

    /// Renames a document (undoable). Throws, changing nothing, on a blank name.
    #[wasm_bindgen(js_name = renameDocument)]
    pub fn rename_document(&mut self, doc_id: &str, name: &str) -> Result<(), JsError> {
        self.ws.rename_document(doc_id, name)?;
        Ok(())
    }

    /// Gives a document the analyst's title, or with `null` (or a blank title) the one
    /// read from its text again (undoable).
    #[wasm_bindgen(js_name = setDocumentTitle)]
    pub fn set_document_title(&mut self, doc_id: &str, title: Option<String>) -> Result<(), JsError> {
        self.ws.set_document_title(doc_id, title.as_deref())?;
        Ok(())
    }

    /// How many annotations a document has per label, in schema order:
    /// `[{label, shownLabel, count}]` (labels it does not use are left out).
    #[wasm_bindgen(js_name = labelCounts)]
    pub fn label_counts(&self, doc_id: &str) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for a in doc.annotations().iter() {
            *counts.entry(a.label.as_str()).or_default() += 1;
        }
        let list: Vec<LabelCountJs> = self
            .ws
            .schema()
            .labels()
            .iter()
            .filter_map(|l| counts.get(l.id.as_str()).map(|&count| LabelCountJs { label: &l.id, shown_label: spanmark_core::with_visible_controls(&l.id), count }))
            .collect();
        to_js(&list)
    }

    /// The documents: `[{id, name, title, lengthUtf16, annotationCount, bidiControls}]`.
    pub fn documents(&self) -> Result<JsValue, JsError> {
        to_js(&self.ws.documents().iter().map(DocumentInfoJs::new).collect::<Vec<_>>())
    }

    /// The exact text of a document.
    #[wasm_bindgen(js_name = documentText)]
    pub fn document_text(&self, doc_id: &str) -> Result<String, JsError> {
        Ok(self.ws.document(doc_id)?.text().to_owned())
    }

    /// The blocks (lines, without terminators) of a document and its title block:
    /// `{blocks: [{startUtf16, endUtf16}], titleBlock}`.
    pub fn blocks(&self, doc_id: &str) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        let blocks = doc.blocks().iter().map(|b| RangeJs::new(doc, b.clone())).collect();
        let kinds = doc.block_kinds().into_iter().map(|k| k.id()).collect();
        to_js(&BlocksJs { blocks, title_block: doc.title_block(), kinds })
    }

    /// The highlight segments that tile `[startUtf16, endUtf16)` of a document:
    /// `[{startUtf16, endUtf16, spans: [{id, label, level, startsHere, endsHere}]}]`.
    pub fn segments(&self, doc_id: &str, start_utf16: u32, end_utf16: u32) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        let segments = self.ws.segments(doc_id, utf16_range_to_bytes(doc, start_utf16, end_utf16)?)?;
        to_js(&segments.iter().map(|s| SegmentJs::new(doc, s)).collect::<Vec<_>>())
    }

    // ---- Annotations ----------------------------------------------------------------------

    /// Normalises a mouse selection `[startUtf16, endUtf16)`: whole grapheme clusters,
    /// whitespace trimmed, and snapped to word boundaries when `snapWords` is true.
    /// Returns `{startUtf16, endUtf16, crossesLines}`; throws if the selection is empty.
    #[wasm_bindgen(js_name = normalizeSelection)]
    pub fn normalize_selection(&self, doc_id: &str, start_utf16: u32, end_utf16: u32, snap_words: bool) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        let mode = if snap_words { SnapMode::Words } else { SnapMode::Characters };
        let normalized = self.ws.normalize_selection(doc_id, utf16_range_to_bytes(doc, start_utf16, end_utf16)?, mode)?;
        let crosses_lines = doc.blocks_touching(normalized.clone()).len() > 1;
        let range = RangeJs::new(doc, normalized);
        to_js(&SelectionJs { start_utf16: range.start_utf16, end_utf16: range.end_utf16, crosses_lines })
    }

    /// Where a caret at `offsetUtf16` lands when it moves one `unit` (`"grapheme"` or
    /// `"word"`: to the end of the next word, or the start of the previous one) forward or
    /// back: never inside a grapheme cluster.
    #[wasm_bindgen(js_name = caretStep)]
    pub fn caret_step(&self, doc_id: &str, offset_utf16: u32, unit: &str, forward: bool) -> Result<u32, JsError> {
        let doc = self.ws.document(doc_id)?;
        let unit = match unit {
            "grapheme" => spanmark_core::CaretUnit::Grapheme,
            "word" => spanmark_core::CaretUnit::Word,
            other => return Err(JsError::new(&format!("{other:?} is neither \"grapheme\" nor \"word\""))),
        };
        let at = utf16_to_byte(doc, offset_utf16)?;
        Ok(byte_to_utf16(doc, spanmark_core::caret_step(doc.text(), at, unit, forward)))
    }

    /// Adds an annotation over exactly `[startUtf16, endUtf16)`. Returns
    /// `{changed, reason, annotation}`; an exact duplicate changes nothing and
    /// returns the existing annotation with `reason: "duplicate"`.
    #[wasm_bindgen(js_name = addAnnotation)]
    pub fn add_annotation(&mut self, doc_id: &str, start_utf16: u32, end_utf16: u32, label: &str) -> Result<JsValue, JsError> {
        let range = utf16_range_to_bytes(self.ws.document(doc_id)?, start_utf16, end_utf16)?;
        let (changed, reason, annotation) = match self.ws.add_annotation(doc_id, range, label)? {
            Added::New(a) => (true, None, a),
            Added::Duplicate(a) => (false, Some("duplicate"), a),
        };
        self.edit_to_js(doc_id, changed, reason, &annotation)
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
        self.edit_to_js(doc_id, changed, reason, &annotation)
    }

    /// One annotation: `{id, startUtf16, endUtf16, firstBlock, endBlock, text, label}`.
    pub fn annotation(&self, doc_id: &str, annotation_id: &str) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        let a = doc
            .annotations()
            .get(annotation_id)
            .ok_or_else(|| JsError::new(&format!("no annotation has id {annotation_id:?} in this document")))?;
        to_js(&AnnotationJs::new(doc, a))
    }

    /// All annotations of a document in position order.
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
    /// shows only what is on screen.
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

    // ---- Export -----------------------------------------------------------------------------

    /// The Export menu: `[{id, title}]`, every format and CoNLL once per tagging scheme.
    pub fn formats(&self) -> Result<JsValue, JsError> {
        to_js(&ExportChoice::all().into_iter().map(|c| FormatJs { id: c.id(), title: c.title() }).collect::<Vec<_>>())
    }

    /// Exports one document (or all when `docId` is undefined) as the Export menu's
    /// choice `choice` (`formats()` ids, such as `"w3c"` or `"conll:bioes"`).
    #[wasm_bindgen(js_name = exportAs)]
    pub fn export_as(&self, choice: &str, doc_id: Option<String>) -> Result<ExportResult, JsError> {
        let choice = ExportChoice::from_id(choice).ok_or_else(|| JsError::new(&format!("there is no export format {choice:?}")))?;
        let ids = doc_id.as_deref().map(|id| vec![id]);
        Ok(ExportResult::new(self.ws.export_as(choice.format, ids.as_deref(), &choice.options)?, &self.ws))
    }

    /// Downloads the whole workspace as one backup file named `name` (canonical JSON with a manifest).
    #[wasm_bindgen(js_name = downloadBackup)]
    pub fn download_backup(&self, name: &str) -> Result<(), JsError> {
        files::download(name, self.ws.export_backup().as_bytes(), "application/json")
    }

    // ---- Import -----------------------------------------------------------------------------

    /// Takes over the files of `set` (from `readFiles`) and decides what each is:
    /// annotation files (kept for `stageImport`), documents of their own (opened with
    /// `openDocumentFile`, or for HTML read with `documentFileText`), or refused.
    /// Returns `{annotationFiles, documents: [{index, name, kind}], refused: [{name, kind, message}]}`.
    pub fn intake(&mut self, set: FileSet) -> Result<JsValue, JsError> {
        self.discard_import();
        let FileSet { files, refused } = set;
        let plan = plan_intake(&files);
        let mut slots: Vec<Option<InputFile>> = files.into_iter().map(Some).collect();
        self.import_files = plan.annotation_files.iter().chain(&plan.text_files).filter_map(|&i| slots[i].take()).collect();
        self.document_files = plan.documents.iter().map(|&(i, kind)| slots[i].take().map(|f| (f, kind))).collect();
        let js = IntakeJs {
            annotation_files: self.import_files[..plan.annotation_files.len()].iter().map(|f| f.name.as_str()).collect(),
            documents: self
                .document_files
                .iter()
                .enumerate()
                .filter_map(|(index, slot)| slot.as_ref().map(|(f, kind)| DocumentFileJs { index, name: &f.name, kind: kind.id() }))
                .collect(),
            refused: refused.iter().map(|r| RefusalJs { name: refusal_name(r), kind: r.kind(), message: r.to_string() }).collect(),
        };
        to_js(&js)
    }

    /// Opens the text file taken in at `index` as a new document, and returns its id.
    /// Throws, changing nothing, if it is too large, not UTF-8, or binary.
    #[wasm_bindgen(js_name = openDocumentFile)]
    pub fn open_document_file(&mut self, index: usize) -> Result<String, JsError> {
        self.document_file(index)?;
        let (file, _) = self.document_files[index].take().expect("checked above");
        let name = file.name.clone();
        // The bytes read into wasm memory become the document's text without a copy.
        Ok(self.ws.add_document(&name, file.into_document_text()?)?)
    }

    /// The text of the document file taken in at `index` (an HTML page, for the
    /// page's DOMParser to reduce to its visible text). Throws if it is too large,
    /// not UTF-8, or binary.
    #[wasm_bindgen(js_name = documentFileText)]
    pub fn document_file_text(&self, index: usize) -> Result<String, JsError> {
        let (file, _) = self.document_file(index)?;
        Ok(file.document_text()?.to_owned())
    }

    /// Reads and checks the annotation files taken in, as `options` asks:
    /// `{format, unit, sameText, tagColumn, textKey, labelKey}`, every field optional
    /// (`format`: a `formats()` format id, detected by content when absent; `unit`: what
    /// JSONL offsets count, `codepoint` or `utf16`; `sameText`: what becomes of a
    /// document whose text is already open, `merge` (the default), `copy` or `skip`;
    /// `tagColumn`: CoNLL's tag column counted from 0; `textKey`, `labelKey`: the JSONL
    /// record keys of the text and the spans). Changes nothing: returns the report with
    /// the choices the analyst can make (`readings`, `columns`, `keys`) and keeps the
    /// import for `applyImport`. Throws when the files cannot be read at all.
    #[wasm_bindgen(js_name = stageImport)]
    pub fn stage_import(&mut self, options: JsValue) -> Result<JsValue, JsError> {
        self.staged = None;
        let asked: StageOptionsJs = if options.is_undefined() || options.is_null() {
            StageOptionsJs::default()
        } else {
            from_js(options, "set of import options")?
        };
        let format = match asked.format.as_deref() {
            None => None,
            Some(id) => Some(Format::from_id(id).ok_or_else(|| JsError::new(&format!("there is no import format {id:?}")))?),
        };
        let unit = match asked.unit.as_deref() {
            None | Some("codepoint") => Unit::CodePoint,
            Some("utf16") => Unit::Utf16,
            Some(other) => return Err(JsError::new(&format!("offsets can count \"codepoint\" or \"utf16\", not {other:?}"))),
        };
        let same_text = match asked.same_text.as_deref() {
            None => SameText::Merge,
            Some(id) => SameText::from_id(id).ok_or_else(|| JsError::new(&format!("a document already open can be merged, copied or skipped, not {id:?}")))?,
        };
        let options = ImportOptions { format, unit, same_text, tag_column: asked.tag_column, text_key: asked.text_key.clone(), label_key: asked.label_key.clone() };
        let staged = self.ws.stage_import(&self.import_files, &options)?;
        let choices = ImportChoicesJs::new(&self.import_files, &staged, &options);
        let js = to_js(&StagedWithChoicesJs { staged: StagedJs::new(&staged), choices })?;
        self.staged = Some(staged);
        Ok(js)
    }

    /// `count` diagnostics of the staged import from position `skip` on, in reading
    /// order (errors, then warnings, then notes): the report's later pages.
    #[wasm_bindgen(js_name = stagedDiagnostics)]
    pub fn staged_diagnostics(&self, skip: usize, count: usize) -> Result<JsValue, JsError> {
        let staged = self.staged.as_ref().ok_or_else(|| JsError::new("there is no import waiting to be applied"))?;
        to_js(&crate::js::page(&staged.report.diagnostics, skip, count))
    }

    /// Applies the staged import as one undoable step and forgets the files. Throws,
    /// changing nothing, if there is none or the workspace changed since.
    #[wasm_bindgen(js_name = applyImport)]
    pub fn apply_import(&mut self) -> Result<JsValue, JsError> {
        let staged = self.staged.take().ok_or_else(|| JsError::new("there is no import waiting to be applied"))?;
        self.import_files.clear();
        let report = self.ws.apply_import(staged)?;
        to_js(&ImportReportJs::new(&report))
    }

    /// Forgets the files taken in and any staged import.
    #[wasm_bindgen(js_name = discardImport)]
    pub fn discard_import(&mut self) {
        self.import_files.clear();
        self.document_files.clear();
        self.staged = None;
    }

    /// Replaces the workspace with the backup file in `set` (from `readFiles`), as one
    /// undoable step. Throws, changing nothing, unless the backup is complete.
    #[wasm_bindgen(js_name = restoreBackup)]
    pub fn restore_backup(&mut self, set: FileSet) -> Result<JsValue, JsError> {
        if let Some(refusal) = set.refused.first() {
            return Err(refusal.clone().into());
        }
        let file = set.files.first().ok_or_else(|| JsError::new("no backup file was given"))?;
        let json = std::str::from_utf8(&file.bytes).map_err(|e| FileRefusal::NotUtf8 { name: file.name.clone(), valid_up_to: e.valid_up_to() })?;
        let report = self.ws.restore_backup(json)?;
        to_js(&ImportReportJs::new(&report))
    }
}

/// What a JS value that should have been a string is, for a message (`an object`, `the number 5`).
fn describe_js(value: &JsValue) -> String {
    if let Some(n) = value.as_f64() {
        format!("the number {n}")
    } else if value.is_null() || value.is_undefined() {
        "nothing".to_owned()
    } else if js_sys::Array::is_array(value) {
        "an array".to_owned()
    } else if value.is_object() {
        "an object".to_owned()
    } else {
        format!("a value of type {}", value.js_typeof().as_string().unwrap_or_default())
    }
}

/// The name of the file a refusal is about.
fn refusal_name(r: &FileRefusal) -> &str {
    match r {
        FileRefusal::TooLarge { name, .. } | FileRefusal::NotUtf8 { name, .. } | FileRefusal::Binary { name } => name,
    }
}
