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
    /// Whether the replicated record changed since `takeReplicaState` last took it.
    replica_dirty: bool,
}

/// The storage key of team sync's replicated record (a binary value beside the records).
const REPLICA_KEY: &str = r#"["replica"]"#;

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
        // Team sync's record is binary: kept aside, and joined once the workspace is back.
        let mut replica_state: Option<Vec<u8>> = None;
        let records: Vec<(String, StoredValue)> = keys.into_iter().zip(values).filter_map(|(key, value)| {
            if key.as_string().as_deref() == Some(REPLICA_KEY) {
                if let Some(bytes) = value.dyn_ref::<js_sys::Uint8Array>() {
                    replica_state = Some(bytes.to_vec());
                }
                return None;
            }
            // IndexedDB keys may be numbers, dates or arrays too; name them as they are.
            let key = key.as_string().or_else(|| key.as_f64().map(|n| n.to_string())).unwrap_or_else(|| describe_js(&key));
            let value = value.as_string().map(StoredValue::Text).unwrap_or_else(|| StoredValue::Other(describe_js(&value)));
            Some((key, value))
        }).collect();
        let restored = restore(records)?;
        let Some(ws) = restored.workspace else { return Ok(None) };
        let mut sm = Spanmark { ws, store: restored.store, restore_diagnostics: restored.diagnostics, ..Spanmark::default() };
        if let Some(state) = replica_state {
            let analyst = sm.ws.analyst().to_owned();
            match spanmark_core::replica::Replica::join(&mut sm.ws, &analyst, &state) {
                Ok((replica, _)) => sm.replica = Some(replica),
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
        if keys.iter().any(|k| k == REPLICA_KEY) {
            self.replica_dirty = true;
        }
        self.store.requeue(&keys);
    }

    /// Team sync's replicated record to store under `["replica"]` (bytes), when it changed
    /// since it was last taken; null otherwise. A failed write gives the key back through
    /// `requeueChanges`.
    #[wasm_bindgen(js_name = takeReplicaState)]
    pub fn take_replica_state(&mut self) -> Option<js_sys::Uint8Array> {
        if !self.replica_dirty {
            return None;
        }
        self.replica_dirty = false;
        self.replica.as_ref().map(|r| js_sys::Uint8Array::from(r.encode_state().as_slice()))
    }

    // ---- Team sync --------------------------------------------------------------------------

    /// Whether the workspace is shared (has a replicated record).
    pub fn sharing(&self) -> bool {
        self.replica.is_some()
    }

    /// Starts sharing as `analyst`: the workspace becomes the replicated record's first
    /// state (nothing happens when it is shared already).
    #[wasm_bindgen(js_name = shareStart)]
    pub fn share_start(&mut self, analyst: &str) {
        if self.replica.is_none() {
            self.replica = Some(spanmark_core::replica::Replica::from_workspace(&mut self.ws, analyst));
            self.replica_dirty = true;
        }
    }

    /// The message that opens a sync with the server (sync step 1: this side's state vector).
    #[wasm_bindgen(js_name = syncStart)]
    pub fn sync_start(&self) -> Result<js_sys::Uint8Array, JsError> {
        let r = self.replica.as_ref().ok_or_else(|| JsError::new("the workspace is not shared"))?;
        Ok(js_sys::Uint8Array::from(r.sync_step1().as_slice()))
    }

    /// Handles a buffer from the sync server: `{reply: Uint8Array|null, effects,
    /// conflicts: [message], refused: [message], synced, presence}`. Remote changes come
    /// through the core's one apply path (saved like any change, not the analyst's to undo);
    /// a refused update changes nothing and throws.
    #[wasm_bindgen(js_name = syncReceive)]
    pub fn sync_receive(&mut self, data: &[u8]) -> Result<JsValue, JsError> {
        let replica = self.replica.as_mut().ok_or_else(|| JsError::new("the workspace is not shared"))?;
        let handled = replica.handle_message(&mut self.ws, data).map_err(|e| JsError::new(&e.to_string()))?;
        let changed = !handled.change.effects.is_empty();
        if changed || data.first() == Some(&0) {
            self.replica_dirty = true;
        }
        let reply: Vec<u8> = handled.replies.concat();
        // A sync step 2 (message 0, kind 1) answers this side's step 1: it is in step.
        let synced = data.len() > 1 && data[0] == 0 && data[1] == 1;
        #[derive(serde::Serialize)]
        struct Out<'a> {
            effects: Vec<EffectJs<'a>>,
            conflicts: Vec<String>,
            refused: Vec<String>,
            synced: bool,
            presence: bool,
        }
        let out = Out {
            effects: self.effects_js(&handled.change.effects),
            conflicts: handled.change.conflicts.iter().map(|c| c.message()).collect(),
            refused: handled.change.refused.iter().map(|r| format!("{r:?}")).collect(),
            synced,
            presence: handled.presence_changed,
        };
        let value = to_js(&out)?;
        let reply = if reply.is_empty() { JsValue::NULL } else { js_sys::Uint8Array::from(reply.as_slice()).into() };
        js_sys::Reflect::set(&value, &"reply".into(), &reply).map_err(|_| JsError::new("could not build the answer"))?;
        Ok(value)
    }

    /// After local edits: the update message to send (null when nothing changed). The
    /// change is in the replicated record either way: if it cannot be sent now, the next
    /// sync sends it.
    #[wasm_bindgen(js_name = syncLocal)]
    pub fn sync_local(&mut self) -> Result<Option<js_sys::Uint8Array>, JsError> {
        let Some(replica) = self.replica.as_mut() else { return Ok(None) };
        let local = replica.record(&mut self.ws).map_err(|e| JsError::new(&e.to_string()))?;
        if local.update.is_empty() {
            return Ok(None);
        }
        self.replica_dirty = true;
        Ok(Some(js_sys::Uint8Array::from(spanmark_core::replica::Replica::update_message(&local.update).as_slice())))
    }

    /// Sets this analyst's presence (`{name, doc}` as JSON) and returns the message announcing it.
    #[wasm_bindgen(js_name = presenceMessage)]
    pub fn presence_message(&mut self, json: &str) -> Result<js_sys::Uint8Array, JsError> {
        let replica = self.replica.as_mut().ok_or_else(|| JsError::new("the workspace is not shared"))?;
        replica.set_presence(json);
        Ok(js_sys::Uint8Array::from(replica.presence_message().map_err(|e| JsError::new(&e.to_string()))?.as_slice()))
    }

    /// Who is in the room: `[{clientId, own, name, doc}]`.
    pub fn presence(&self) -> Result<JsValue, JsError> {
        let Some(replica) = self.replica.as_ref() else { return to_js(&Vec::<()>::new()) };
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct P {
            client_id: String,
            own: bool,
            name: Option<String>,
            doc: Option<String>,
        }
        let own = replica.client_id();
        let list: Vec<P> = replica
            .presence()
            .into_iter()
            .map(|(id, json)| {
                let v: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
                P { client_id: id.to_string(), own: id == own, name: v.get("name").and_then(|x| x.as_str()).map(str::to_owned), doc: v.get("doc").and_then(|x| x.as_str()).map(str::to_owned) }
            })
            .collect();
        to_js(&list)
    }

    /// Whether changes are waiting for `takeChanges`.
    #[wasm_bindgen(js_name = hasChanges)]
    pub fn has_changes(&self) -> bool {
        self.store.has_pending(&self.ws) || (self.replica_dirty && self.replica.is_some())
    }

    /// The shell's own state (a JSON string) as last stored, if any.
    #[wasm_bindgen(js_name = uiState)]
    pub fn ui_state(&self) -> Option<String> {
        self.store.ui_state().map(str::to_owned)
    }

    /// Stores the shell's own state (a JSON string) with the next write; not undoable.
    #[wasm_bindgen(js_name = setUiState)]
    pub fn set_ui_state(&mut self, json: &str) {
        self.store.set_ui_state(json);
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

    // ---- Relations, notes, attributes ------------------------------------------------------

    /// The relations of a document: `[{id, type, from, to, extra}]`, each end
    /// `{id, label, text, startUtf16, endUtf16, firstBlock}`.
    pub fn relations(&self, doc_id: &str) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        to_js(&doc.relations().iter().map(|r| RelationJs::new(doc, r)).collect::<Vec<_>>())
    }

    /// The relations that have annotation `annotationId` as an end.
    #[wasm_bindgen(js_name = relationsOf)]
    pub fn relations_of(&self, doc_id: &str, annotation_id: &str) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        to_js(&doc.relations().of(annotation_id).map(|r| RelationJs::new(doc, r)).collect::<Vec<_>>())
    }

    /// How many relations a document has.
    #[wasm_bindgen(js_name = relationCount)]
    pub fn relation_count(&self, doc_id: &str) -> Result<usize, JsError> {
        Ok(self.ws.document(doc_id)?.relations().len())
    }

    /// One relation.
    pub fn relation(&self, doc_id: &str, relation_id: &str) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        let r = doc.relations().get(relation_id).ok_or_else(|| JsError::new(&format!("no relation has id {relation_id:?} in this document")))?;
        to_js(&RelationJs::new(doc, r))
    }

    /// Links annotation `fromId` to `toId` with a relation of type `type`. Returns
    /// `{changed, reason, message, relation}`: when the two are already linked so, nothing
    /// changes and `reason` is `"duplicate"`. Throws, changing nothing, when the schema
    /// refuses the link (the message says what the type takes).
    #[wasm_bindgen(js_name = addRelation)]
    pub fn add_relation(&mut self, doc_id: &str, from_id: &str, to_id: &str, kind: &str) -> Result<JsValue, JsError> {
        let (changed, reason, message, r) = match self.ws.add_relation(doc_id, from_id, to_id, kind)? {
            RelationAdded::New(r) => (true, None, None, r),
            RelationAdded::Duplicate(r, why) => (false, Some("duplicate"), Some(why), r),
        };
        let doc = self.ws.document(doc_id)?;
        let r = doc.relations().get(&r.id).expect("added or found");
        to_js(&RelationEditJs { changed, reason, message, relation: RelationJs::new(doc, r) })
    }

    /// Removes a relation.
    #[wasm_bindgen(js_name = removeRelation)]
    pub fn remove_relation(&mut self, doc_id: &str, relation_id: &str) -> Result<(), JsError> {
        self.ws.remove_relation(doc_id, relation_id)?;
        Ok(())
    }

    /// Gives a relation another type.
    #[wasm_bindgen(js_name = setRelationType)]
    pub fn set_relation_type(&mut self, doc_id: &str, relation_id: &str, kind: &str) -> Result<(), JsError> {
        self.ws.set_relation_type(doc_id, relation_id, kind)?;
        Ok(())
    }

    /// Sets (or with `null` or blank text clears) the note of an annotation or relation
    /// (`itemKind` is `"annotation"` or `"relation"`).
    #[wasm_bindgen(js_name = setNote)]
    pub fn set_note(&mut self, doc_id: &str, item_kind: &str, id: &str, note: Option<String>) -> Result<(), JsError> {
        self.ws.set_note(doc_id, item_of(item_kind, id)?, note.as_deref())?;
        Ok(())
    }

    /// Sets (or with `null` clears) an attribute of an annotation or relation.
    #[wasm_bindgen(js_name = setAttribute)]
    pub fn set_attribute(&mut self, doc_id: &str, item_kind: &str, id: &str, name: &str, value: Option<String>) -> Result<(), JsError> {
        self.ws.set_attribute(doc_id, item_of(item_kind, id)?, name, value.as_deref())?;
        Ok(())
    }

    // ---- The entity registry ------------------------------------------------------------------

    /// The registry: `[{id, type, name, aliases, identifiers, note, shownName, mentions, documents}]`.
    pub fn entities(&self) -> Result<JsValue, JsError> {
        let list: Vec<EntityJs> = self
            .ws
            .entity_summaries()
            .into_iter()
            .map(|s| EntityJs { entity: s.entity, shown_name: spanmark_core::with_visible_controls(&s.entity.name), mentions: s.mentions, documents: s.documents })
            .collect();
        to_js(&list)
    }

    /// One entity: `{id, type, name, aliases, identifiers, note}`.
    pub fn entity(&self, id: &str) -> Result<JsValue, JsError> {
        to_js(self.ws.entity(id)?)
    }

    /// Every mention of an entity with 60 characters of context on each side:
    /// `[{docId, docTitle, annotationId, label, startUtf16, endUtf16, text, before, after}]`.
    #[wasm_bindgen(js_name = entityMentions)]
    pub fn entity_mentions(&self, id: &str) -> Result<JsValue, JsError> {
        let mut out = Vec::new();
        for (doc_id, a) in self.ws.entity_mentions(id) {
            let doc = self.ws.document(doc_id)?;
            let text = doc.text();
            let before_start = text[..a.start_byte].char_indices().rev().nth(59).map_or(0, |(i, _)| i);
            let after_end = text[a.end_byte..].char_indices().nth(60).map_or(text.len(), |(i, _)| a.end_byte + i);
            out.push(MentionJs {
                doc_id: doc.id(),
                doc_title: doc.title(),
                annotation_id: &a.id,
                label: &a.label,
                start_utf16: byte_to_utf16(doc, a.start_byte),
                end_utf16: byte_to_utf16(doc, a.end_byte),
                text: a.quote(text),
                before: &text[before_start..a.start_byte],
                after: &text[a.end_byte..after_end],
            });
        }
        to_js(&out)
    }

    /// Adds an entity of type `type` (a label id) named `name`; returns its id.
    #[wasm_bindgen(js_name = addEntity)]
    pub fn add_entity(&mut self, kind: &str, name: &str) -> Result<String, JsError> {
        Ok(self.ws.add_entity(kind, name)?)
    }

    /// Links an annotation to an entity.
    #[wasm_bindgen(js_name = linkEntity)]
    pub fn link_entity(&mut self, doc_id: &str, annotation_id: &str, entity_id: &str) -> Result<(), JsError> {
        Ok(self.ws.link_entity(doc_id, annotation_id, entity_id)?)
    }

    /// Makes a new entity from an annotation (named `name`, or after its text) and links it; returns the entity's id.
    #[wasm_bindgen(js_name = linkNewEntity)]
    pub fn link_new_entity(&mut self, doc_id: &str, annotation_id: &str, name: Option<String>) -> Result<String, JsError> {
        Ok(self.ws.link_new_entity(doc_id, annotation_id, name.as_deref())?)
    }

    /// Unlinks an annotation from its entity.
    #[wasm_bindgen(js_name = unlinkEntity)]
    pub fn unlink_entity(&mut self, doc_id: &str, annotation_id: &str) -> Result<(), JsError> {
        Ok(self.ws.unlink_entity(doc_id, annotation_id)?)
    }

    /// Merges entity `goneId` into `keepId` (mentions, names, identifiers), as one step; returns how many mentions moved.
    #[wasm_bindgen(js_name = mergeEntities)]
    pub fn merge_entities(&mut self, keep_id: &str, gone_id: &str) -> Result<usize, JsError> {
        Ok(self.ws.merge_entities(keep_id, gone_id)?)
    }

    /// Splits mentions `[[docId, annotationId], …]` off entity `id` into a new entity named `name`; returns its id.
    #[wasm_bindgen(js_name = splitEntity)]
    pub fn split_entity(&mut self, id: &str, mentions: JsValue, name: &str) -> Result<String, JsError> {
        let mentions: Vec<(String, String)> = from_js(mentions, "list of [docId, annotationId] pairs")?;
        Ok(self.ws.split_entity(id, &mentions, name)?)
    }

    /// Changes an entity `{id, type, name, aliases, identifiers, note}`, found by its id.
    #[wasm_bindgen(js_name = updateEntity)]
    pub fn update_entity(&mut self, entity: JsValue) -> Result<(), JsError> {
        Ok(self.ws.update_entity(from_js(entity, "entity")?)?)
    }

    /// Removes an entity, unlinking its mentions, as one step; returns how many were unlinked.
    #[wasm_bindgen(js_name = removeEntity)]
    pub fn remove_entity(&mut self, id: &str) -> Result<usize, JsError> {
        Ok(self.ws.remove_entity(id)?)
    }

    // ---- Search, occurrences, suggestions -----------------------------------------------------

    /// Finds `pattern` in document `docId` (or, with `null`, in every document). Options:
    /// `{regex, ignoreCase, wholeWord, maxHits}`. Returns `{documents: [{docId, title,
    /// hits: [{docId, startUtf16, endUtf16, text, before, after}]}], total, truncated}`.
    /// Throws (a clear message) on a pattern that cannot be searched for.
    pub fn search(&self, doc_id: Option<String>, pattern: &str, options: JsValue) -> Result<JsValue, JsError> {
        use spanmark_core::search::{Search, SearchMode, SearchOptions, DEFAULT_MAX_HITS};
        let o: SearchOptionsJs = if options.is_undefined() || options.is_null() { SearchOptionsJs::default() } else { from_js(options, "set of search options")? };
        let search = Search::new(
            pattern,
            SearchOptions { mode: if o.regex { SearchMode::Regex } else { SearchMode::Plain }, ignore_case: o.ignore_case, whole_word: o.whole_word, max_hits: o.max_hits.unwrap_or(DEFAULT_MAX_HITS) },
        )
        .map_err(|e| JsError::new(&e.to_string()))?;
        let docs: Vec<&spanmark_core::Document> = match &doc_id {
            Some(id) => vec![self.ws.document(id)?],
            None => self.ws.documents().iter().collect(),
        };
        let mut total = 0;
        let mut truncated = false;
        let mut documents = Vec::new();
        let max = search.options().max_hits;
        for doc in docs {
            if total >= max {
                truncated = true;
                break;
            }
            let found = search.find_at_most(doc.text(), max - total);
            truncated |= found.truncated;
            if found.hits.is_empty() {
                continue;
            }
            total += found.hits.len();
            documents.push(DocumentHitsJs { doc_id: doc.id(), title: doc.title(), hits: found.hits.iter().map(|h| HitJs::new(doc, h.range())).collect() });
        }
        to_js(&SearchJs { documents, total, truncated })
    }

    /// The other occurrences of annotation `annotationId`'s text, not yet tagged with its
    /// label, in its document or the corpus (`{wholeWord, ignoreCase, scope}`): `{label,
    /// entity, here, elsewhere, items: [{docId, startUtf16, endUtf16, text, before, after}], truncated}`.
    pub fn occurrences(&self, doc_id: &str, annotation_id: &str, options: JsValue) -> Result<JsValue, JsError> {
        use spanmark_core::suggest::{occurrences, OccurrenceOptions, Scope};
        let o: SearchOptionsJs = if options.is_undefined() || options.is_null() { SearchOptionsJs { whole_word: true, ..Default::default() } } else { from_js(options, "set of options")? };
        let doc = self.ws.document(doc_id)?;
        let a = doc.annotations().get(annotation_id).ok_or_else(|| JsError::new(&format!("no annotation has id {annotation_id:?} in this document")))?;
        let scope = if o.scope.as_deref() == Some("document") { Scope::Document(doc_id.to_owned()) } else { Scope::Corpus };
        let found = occurrences(self.ws.documents(), a.quote(doc.text()), &a.label, &OccurrenceOptions { whole_word: o.whole_word, ignore_case: o.ignore_case, scope, max_hits: o.max_hits.unwrap_or(spanmark_core::search::DEFAULT_MAX_HITS) })
            .map_err(|e| JsError::new(&e.to_string()))?;
        let here = found.items.iter().filter(|x| x.doc_id == doc_id).count();
        let items: Vec<HitJs> = found.items.iter().filter_map(|x| self.ws.document(&x.doc_id).ok().map(|d| HitJs::new(d, x.start_byte..x.end_byte))).collect();
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Out<'a> {
            label: &'a str,
            entity: Option<&'a str>,
            here: usize,
            elsewhere: usize,
            items: Vec<HitJs<'a>>,
            truncated: bool,
        }
        to_js(&Out { label: &a.label, entity: a.extra().entity.as_deref(), here, elsewhere: items.len() - here, items, truncated: found.truncated })
    }

    /// Tags every span of `items` (`[[docId, startUtf16, endUtf16], …]`) with `label`,
    /// linked to entity `entityId` if given, as one undoable step (spans already tagged so
    /// are skipped). Returns how many were added.
    #[wasm_bindgen(js_name = annotateAll)]
    pub fn annotate_all(&mut self, label: &str, entity_id: Option<String>, items: JsValue) -> Result<usize, JsError> {
        let items: Vec<(String, u32, u32)> = from_js(items, "list of [docId, startUtf16, endUtf16]")?;
        let mut ranges = Vec::with_capacity(items.len());
        for (doc_id, s, e) in items {
            let doc = self.ws.document(&doc_id)?;
            ranges.push((doc_id, utf16_range_to_bytes(doc, s, e)?));
        }
        Ok(self.ws.annotate_all(&ranges, label, entity_id.as_deref())?.len())
    }

    /// The suggester for the workspace as it is now (built again after any change).
    fn suggester(&mut self) -> Result<&spanmark_core::suggest::Suggester, JsError> {
        use spanmark_core::suggest::{parse_gazetteer, SuggestOptions, Suggester};
        let revision = self.ws.revision();
        if self.suggester.as_ref().is_none_or(|(r, _)| *r != revision) {
            let mut s = Suggester::new(SuggestOptions::default()).with_corpus(self.ws.documents()).map_err(|e| JsError::new(&e.to_string()))?.with_default_patterns();
            if let Some(text) = self.ws.gazetteer() {
                if let Ok((g, _)) = parse_gazetteer(text) {
                    s = s.with_gazetteer(&g).map_err(|e| JsError::new(&e.to_string()))?;
                }
            }
            self.suggester = Some((revision, s));
        }
        Ok(&self.suggester.as_ref().expect("just built").1)
    }

    /// The suggestions for a document (never annotations: drawn apart, never exported):
    /// `[{startUtf16, endUtf16, text, label, source, why, entity, score}]`, without the
    /// rejected ones and those already tagged with that label.
    pub fn suggestions(&mut self, doc_id: &str) -> Result<JsValue, JsError> {
        use spanmark_core::suggest::{Rejection, SuggestionSource};
        self.ws.document(doc_id)?;
        self.suggester()?;
        let doc = self.ws.document(doc_id)?;
        let rejected: std::collections::BTreeSet<Rejection> =
            doc.rejected().iter().map(|(s, e, l)| Rejection { doc_id: doc_id.to_owned(), start_byte: *s, end_byte: *e, label: l.clone() }).collect();
        let list = self.suggester.as_ref().expect("built").1.suggest(doc, &rejected);
        let out: Vec<SuggestionJs> = list
            .iter()
            .filter(|s| doc.annotations().find_exact(s.start_byte, s.end_byte, &s.label).is_none())
            .map(|s| {
                let (source, why, entity) = match &s.source {
                    SuggestionSource::Corpus { count, total } => ("corpus", format!("tagged {} {count} of {total} time(s) in the corpus", s.label), None),
                    SuggestionSource::Gazetteer { entity } => ("gazetteer", "in the gazetteer".to_owned(), entity.as_deref()),
                    SuggestionSource::Pattern { kind } => ("pattern", format!("looks like {}", kind.id()), None),
                };
                SuggestionJs { start_utf16: byte_to_utf16(doc, s.start_byte), end_utf16: byte_to_utf16(doc, s.end_byte), text: &doc.text()[s.range()], label: &s.label, source, why, entity, score: s.score }
            })
            .collect();
        to_js(&out)
    }

    /// Rejects a suggestion: it is not suggested again (undoable, saved).
    #[wasm_bindgen(js_name = rejectSuggestion)]
    pub fn reject_suggestion(&mut self, doc_id: &str, start_utf16: u32, end_utf16: u32, label: &str) -> Result<(), JsError> {
        let range = utf16_range_to_bytes(self.ws.document(doc_id)?, start_utf16, end_utf16)?;
        Ok(self.ws.reject_suggestion(doc_id, range, label)?)
    }

    /// Reads a gazetteer (TSV: text, label, optional entity id) and, if any entry is
    /// usable, makes it the workspace's (undoable). Returns `{entries, problems: [{line,
    /// problem}]}`; throws when the file is refused whole.
    #[wasm_bindgen(js_name = loadGazetteer)]
    pub fn load_gazetteer(&mut self, text: &str) -> Result<JsValue, JsError> {
        let (g, problems) = spanmark_core::suggest::parse_gazetteer(text).map_err(|e| JsError::new(&e.to_string()))?;
        if g.is_empty() {
            return Err(JsError::new("the gazetteer holds no usable line (each line is: text, a tab, a label, and optionally a tab and an entity id)"));
        }
        self.ws.set_gazetteer(Some(text.to_owned()))?;
        let problems: Vec<(usize, String)> = problems.iter().map(|p| (p.line, p.problem.to_string())).collect();
        #[derive(serde::Serialize)]
        struct Out {
            entries: usize,
            problems: Vec<(usize, String)>,
        }
        to_js(&Out { entries: g.len(), problems })
    }

    /// Removes the gazetteer (undoable).
    #[wasm_bindgen(js_name = clearGazetteer)]
    pub fn clear_gazetteer(&mut self) -> Result<(), JsError> {
        Ok(self.ws.set_gazetteer(None)?)
    }

    /// Candidate entities for an annotation's text (same normalised name first, then
    /// names sharing words); never links anything. `[{entityId, name, matchedName, reason, score}]`.
    #[wasm_bindgen(js_name = entityCandidates)]
    pub fn entity_candidates(&self, doc_id: &str, annotation_id: &str) -> Result<JsValue, JsError> {
        use spanmark_core::fingerprint::{candidates, CandidateReason, KnownEntity};
        let doc = self.ws.document(doc_id)?;
        let a = doc.annotations().get(annotation_id).ok_or_else(|| JsError::new(&format!("no annotation has id {annotation_id:?} in this document")))?;
        let known: Vec<KnownEntity> = self.ws.entities().map(|e| KnownEntity { id: &e.id, name: &e.name, aliases: &e.aliases }).collect();
        let out: Vec<CandidateJs> = candidates(a.quote(doc.text()), &known, 10)
            .into_iter()
            .map(|c| CandidateJs {
                name: self.ws.entity(&c.entity_id).map(|e| e.name.clone()).unwrap_or_default(),
                entity_id: c.entity_id,
                matched_name: c.matched_name,
                reason: match c.reason {
                    CandidateReason::SameFingerprint => "same-name",
                    CandidateReason::SimilarWords => "similar-words",
                },
                score: c.score,
            })
            .collect();
        to_js(&out)
    }

    // ---- Annotators' layers, agreement, curation ------------------------------------------------

    /// The analyst's name (whose layer the document's own annotations are).
    pub fn analyst(&self) -> String {
        self.ws.analyst().to_owned()
    }

    /// Sets the analyst's name (a setting, saved; not an undoable edit).
    #[wasm_bindgen(js_name = setAnalyst)]
    pub fn set_analyst(&mut self, name: &str) -> Result<(), JsError> {
        Ok(self.ws.set_analyst(name)?)
    }

    /// The layers: `[{name, own, documents, annotations}]`, the analyst's own first.
    pub fn layers(&self) -> Result<JsValue, JsError> {
        #[derive(serde::Serialize)]
        struct L<'a> {
            name: &'a str,
            own: bool,
            documents: usize,
            annotations: usize,
        }
        let infos = self.ws.layer_infos();
        to_js(&infos.iter().map(|l| L { name: &l.name, own: l.own, documents: l.documents, annotations: l.annotations }).collect::<Vec<_>>())
    }

    /// Loads the files taken in by `intake` as `annotator`'s layer of the open documents
    /// with the same text (replacing one they had), as one undoable step. Returns the
    /// report; throws when no document of the files matches an open one.
    #[wasm_bindgen(js_name = loadLayer)]
    pub fn load_layer(&mut self, annotator: &str, options: JsValue) -> Result<JsValue, JsError> {
        let asked: StageOptionsJs = if options.is_undefined() || options.is_null() { StageOptionsJs::default() } else { from_js(options, "set of import options")? };
        let format = match asked.format.as_deref() {
            None => None,
            Some(id) => Some(Format::from_id(id).ok_or_else(|| JsError::new(&format!("there is no import format {id:?}")))?),
        };
        let options = ImportOptions { format, ..ImportOptions::default() };
        let staged = self.ws.stage_layers(&self.import_files, &options).map_err(|e| JsError::new(&e.to_string()))?;
        self.ws.set_layers(annotator, staged.layers)?;
        to_js(&ImportReportJs::new(&staged.report))
    }

    /// Removes `annotator`'s layer from a document (undoable).
    #[wasm_bindgen(js_name = removeLayer)]
    pub fn remove_layer(&mut self, doc_id: &str, annotator: &str) -> Result<(), JsError> {
        Ok(self.ws.remove_layer(doc_id, annotator)?)
    }

    /// The highlight segments of layer `layer` over `[startUtf16, endUtf16)` of a document
    /// (as `segments` gives the analyst's own), to show another annotator's layer.
    #[wasm_bindgen(js_name = layerSegments)]
    pub fn layer_segments(&self, doc_id: &str, layer: &str, start_utf16: u32, end_utf16: u32) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        let set = self.ws.layer(doc_id, layer)?;
        let segments = spanmark_core::segments::segments(set, utf16_range_to_bytes(doc, start_utf16, end_utf16)?);
        to_js(&segments.iter().map(|s| SegmentJs::new(doc, s)).collect::<Vec<_>>())
    }

    /// The annotations of layer `layer` in a document, in position order.
    #[wasm_bindgen(js_name = layerAnnotations)]
    pub fn layer_annotations(&self, doc_id: &str, layer: &str) -> Result<JsValue, JsError> {
        let doc = self.ws.document(doc_id)?;
        to_js(&self.ws.layer(doc_id, layer)?.iter().map(|a| AnnotationJs::new(doc, a)).collect::<Vec<_>>())
    }

    /// Layer `b` against reference layer `a` in `mode` (`exact`, `overlap`, `boundary`),
    /// over the documents where both exist: `{mode, documents, micro, macro: {precision,
    /// recall, f1}, perLabel: [{label, …score}], kappa, confusion: [[labelA, labelB, n]]}`.
    pub fn agreement(&self, a: &str, b: &str, mode: &str) -> Result<JsValue, JsError> {
        use spanmark_core::agreement::{cohen_kappa, compare, confusion, Mode};
        let mode = Mode::from_id(mode).ok_or_else(|| JsError::new(&format!("{mode:?} is not exact, overlap or boundary")))?;
        let (xs, ys, texts) = self.ws.layer_pair(a, b);
        let scores = compare(&xs, &ys, mode);
        let kappa = cohen_kappa(&texts, &xs, &ys);
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Label<'a> {
            label: &'a str,
            #[serde(flatten)]
            score: ScoreJs,
        }
        #[derive(serde::Serialize)]
        struct Macro {
            precision: f64,
            recall: f64,
            f1: f64,
        }
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Out<'a> {
            mode: &'static str,
            documents: usize,
            micro: ScoreJs,
            #[serde(rename = "macro")]
            macro_: Macro,
            per_label: Vec<Label<'a>>,
            kappa: Option<f64>,
            tokens: usize,
            confusion: Vec<(String, String, usize)>,
        }
        let out = Out {
            mode: mode.id(),
            documents: texts.len(),
            micro: ScoreJs::new(&scores.micro),
            macro_: Macro { precision: scores.macro_precision(), recall: scores.macro_recall(), f1: scores.macro_f1() },
            per_label: scores.per_label.iter().map(|(l, c)| Label { label: l, score: ScoreJs::new(c) }).collect(),
            kappa: kappa.kappa,
            tokens: kappa.tokens,
            confusion: confusion(&xs, &ys).into_iter().map(|((x, y), n)| (x, y, n)).collect(),
        };
        to_js(&out)
    }

    /// F1 of every pair of layers in `mode`: `{layers, f1: [[…]]}` (`f1[i][j]`: layer `j`
    /// against reference `i`, over the documents where both exist).
    #[wasm_bindgen(js_name = agreementMatrix)]
    pub fn agreement_matrix(&self, mode: &str) -> Result<JsValue, JsError> {
        use spanmark_core::agreement::{compare, Mode};
        let mode = Mode::from_id(mode).ok_or_else(|| JsError::new(&format!("{mode:?} is not exact, overlap or boundary")))?;
        let names: Vec<String> = self.ws.layer_infos().into_iter().map(|l| l.name).collect();
        let f1: Vec<Vec<f64>> = names
            .iter()
            .map(|a| {
                names
                    .iter()
                    .map(|b| {
                        let (xs, ys, _) = self.ws.layer_pair(a, b);
                        compare(&xs, &ys, mode).micro.f1()
                    })
                    .collect()
            })
            .collect();
        #[derive(serde::Serialize)]
        struct Out {
            layers: Vec<String>,
            f1: Vec<Vec<f64>>,
        }
        to_js(&Out { layers: names, f1 })
    }

    /// Where layers `a` and `b` disagree: `[{docId, title, kind: "missing-in-a" |
    /// "missing-in-b" | "boundary-differs" | "label-differs", a, b: {startUtf16, endUtf16,
    /// label, text} | null, before, after}]`, by document and position.
    pub fn disagreements(&self, a: &str, b: &str) -> Result<JsValue, JsError> {
        use spanmark_core::agreement::disagreements;
        let (xs, ys, _) = self.ws.layer_pair(a, b);
        let mut out = Vec::new();
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct D<'a> {
            doc_id: &'a str,
            title: &'a str,
            kind: &'static str,
            a: Option<SideJs<'a>>,
            b: Option<SideJs<'a>>,
            before: &'a str,
            after: &'a str,
        }
        for d in disagreements(&xs, &ys) {
            let Some(first) = d.a.as_ref().or(d.b.as_ref()) else { continue };
            let doc = self.ws.document(&first.doc)?;
            let side = |s: &Option<spanmark_core::agreement::SpanRef>| {
                s.as_ref().map(|s| SideJs { start_utf16: byte_to_utf16(doc, s.start_byte), end_utf16: byte_to_utf16(doc, s.end_byte), label: s.label.clone(), text: &doc.text()[s.start_byte..s.end_byte] })
            };
            let lo = [d.a.as_ref(), d.b.as_ref()].into_iter().flatten().map(|s| s.start_byte).min().unwrap_or(0);
            let hi = [d.a.as_ref(), d.b.as_ref()].into_iter().flatten().map(|s| s.end_byte).max().unwrap_or(lo);
            let context = HitJs::new(doc, lo..hi);
            out.push(D { doc_id: doc.id(), title: doc.title(), kind: d.kind.id(), a: side(&d.a), b: side(&d.b), before: context.before, after: context.after });
        }
        to_js(&out)
    }

    /// Adds spans `[[docId, startUtf16, endUtf16, label], …]` to the analyst's own (gold)
    /// layer as one undoable step, skipping those already there; returns how many were
    /// added. `summary` names the step ("Accept agreements").
    #[wasm_bindgen(js_name = addSpans)]
    pub fn add_spans(&mut self, items: JsValue, summary: &str) -> Result<usize, JsError> {
        let items: Vec<(String, u32, u32, String)> = from_js(items, "list of [docId, startUtf16, endUtf16, label]")?;
        let mut out = Vec::with_capacity(items.len());
        for (doc_id, s, e, label) in items {
            let doc = self.ws.document(&doc_id)?;
            out.push((doc_id, utf16_range_to_bytes(doc, s, e)?, label));
        }
        Ok(self.ws.add_spans(&out, summary)?)
    }

    /// Exports layer `layer` like the analyst's own, in the export format `choice`.
    #[wasm_bindgen(js_name = exportLayer)]
    pub fn export_layer(&self, layer: &str, choice: &str) -> Result<ExportResult, JsError> {
        let choice = ExportChoice::from_id(choice).ok_or_else(|| JsError::new(&format!("there is no export format {choice:?}")))?;
        let ws = self.ws.layer_workspace(layer)?;
        Ok(ExportResult::new(ws.export_as(choice.format, None, &choice.options)?, &ws))
    }

    // ---- Statistics ----------------------------------------------------------------------------

    /// Annotations per label over the corpus: `[[labelId, count]]`, in schema order.
    #[wasm_bindgen(js_name = labelTotals)]
    pub fn label_totals(&self) -> Result<JsValue, JsError> {
        to_js(&self.ws.label_totals())
    }

    /// Annotations per document and label: `[{docId, title, byLabel, total}]`.
    #[wasm_bindgen(js_name = documentCounts)]
    pub fn document_counts(&self) -> Result<JsValue, JsError> {
        let list: Vec<DocumentCountsJs> = self.ws.document_counts().into_iter().map(|c| DocumentCountsJs { doc_id: c.doc, title: c.title, by_label: c.by_label, total: c.total }).collect();
        to_js(&list)
    }

    /// Entities (`what: "entities"`) or labels (`"labels"`) that occur together in a
    /// `scope` (`"document"` or `"sentence"`): `[{a, b, weight}]`, heaviest first.
    pub fn pairs(&self, what: &str, scope: &str) -> Result<JsValue, JsError> {
        let scope = match scope {
            "document" => spanmark_core::Scope::Document,
            "sentence" => spanmark_core::Scope::Sentence,
            other => return Err(JsError::new(&format!("{other:?} is neither \"document\" nor \"sentence\""))),
        };
        let list = match what {
            "entities" => self.ws.entity_pairs(scope),
            "labels" => self.ws.label_pairs(scope),
            other => return Err(JsError::new(&format!("{other:?} is neither \"entities\" nor \"labels\""))),
        };
        to_js(&list.into_iter().map(|p| PairJs { a: p.a, b: p.b, weight: p.weight }).collect::<Vec<_>>())
    }

    /// The document × entity matrix: `{entities, documents, counts}` (`counts[d][e]`).
    #[wasm_bindgen(js_name = entityMatrix)]
    pub fn entity_matrix(&self) -> Result<JsValue, JsError> {
        let m = self.ws.entity_matrix();
        to_js(&MatrixJs { entities: m.entities, documents: m.documents, counts: m.counts })
    }

    /// A table as CSV text: `"matrix"` (document × entity), `"entity-pairs-document"`,
    /// `"entity-pairs-sentence"` or `"documents"` (annotations per document and label).
    #[wasm_bindgen(js_name = statsCsv)]
    pub fn stats_csv(&self, table: &str) -> Result<String, JsError> {
        match table {
            "matrix" => Ok(self.ws.entity_matrix_csv()),
            "entity-pairs-document" => Ok(self.ws.entity_pairs_csv(spanmark_core::Scope::Document)),
            "entity-pairs-sentence" => Ok(self.ws.entity_pairs_csv(spanmark_core::Scope::Sentence)),
            "documents" => Ok(self.ws.document_counts_csv()),
            other => Err(JsError::new(&format!("there is no table {other:?}"))),
        }
    }

    /// Downloads a table of `statsCsv` as `<table>.csv` (UTF-8 with a byte order mark, so
    /// that spreadsheets read the names right).
    #[wasm_bindgen(js_name = downloadCsv)]
    pub fn download_csv(&self, table: &str) -> Result<(), JsError> {
        let text = format!("\u{feff}{}", self.stats_csv(table)?);
        files::download(&format!("spanmark-{table}.csv"), text.as_bytes(), "text/csv;charset=utf-8")
    }

    // ---- The schema ---------------------------------------------------------------------------

    /// The whole schema: `{labels, relationTypes, attributes}`.
    pub fn schema(&self) -> Result<JsValue, JsError> {
        to_js(&SchemaJs::new(self.ws.schema()))
    }

    /// Adds a label `{id, name, color, hotkey, description}` (undoable).
    #[wasm_bindgen(js_name = addLabel)]
    pub fn add_label(&mut self, label: JsValue) -> Result<(), JsError> {
        self.ws.add_label(from_js::<Label>(label, "label")?)?;
        Ok(())
    }

    /// Changes a label's name, colour, hotkey or description, found by its id (undoable).
    #[wasm_bindgen(js_name = updateLabel)]
    pub fn update_label(&mut self, label: JsValue) -> Result<(), JsError> {
        self.ws.update_label(from_js::<Label>(label, "label")?)?;
        Ok(())
    }

    /// Removes a label and every annotation that has it, as one step; returns how many
    /// annotations went (ask first with `usage`).
    #[wasm_bindgen(js_name = removeLabel)]
    pub fn remove_label(&mut self, id: &str) -> Result<usize, JsError> {
        Ok(self.ws.remove_label(id)?)
    }

    /// Adds a relation type `{id, name, color, hotkey, directed, fromLabels, toLabels, description}`.
    #[wasm_bindgen(js_name = addRelationType)]
    pub fn add_relation_type(&mut self, relation_type: JsValue) -> Result<(), JsError> {
        self.ws.add_relation_type(from_js::<RelationType>(relation_type, "relation type")?)?;
        Ok(())
    }

    /// Changes a relation type, found by its id.
    #[wasm_bindgen(js_name = updateRelationType)]
    pub fn update_relation_type(&mut self, relation_type: JsValue) -> Result<(), JsError> {
        self.ws.update_relation_type(from_js::<RelationType>(relation_type, "relation type")?)?;
        Ok(())
    }

    /// Removes a relation type and its relations, as one step; returns how many relations went.
    #[wasm_bindgen(js_name = removeRelationType)]
    pub fn remove_relation_type(&mut self, id: &str) -> Result<usize, JsError> {
        Ok(self.ws.remove_relation_type(id)?)
    }

    /// Adds an attribute `{id, name, kind: "boolean"|"oneOf"|"text", values?, appliesTo}`.
    #[wasm_bindgen(js_name = addAttribute)]
    pub fn add_attribute(&mut self, attribute: JsValue) -> Result<(), JsError> {
        self.ws.add_attribute(from_js::<AttributeDef>(attribute, "attribute")?)?;
        Ok(())
    }

    /// Changes an attribute definition, found by its id.
    #[wasm_bindgen(js_name = updateAttribute)]
    pub fn update_attribute(&mut self, attribute: JsValue) -> Result<(), JsError> {
        self.ws.update_attribute(from_js::<AttributeDef>(attribute, "attribute")?)?;
        Ok(())
    }

    /// Removes an attribute definition and clears its values, as one step; returns how many values went.
    #[wasm_bindgen(js_name = removeAttribute)]
    pub fn remove_attribute(&mut self, id: &str) -> Result<usize, JsError> {
        Ok(self.ws.remove_attribute(id)?)
    }

    /// Reads a schema from a tool's own file, `kind` `"brat"` (`annotation.conf`, with
    /// `visualConf` for colours) or `"labelstudio"` (a labeling config), and adds what the
    /// workspace's schema lacks, as one undoable step: `{added, diagnostics: [message]}`.
    /// Throws (changing nothing) on a file that is not such a schema.
    #[wasm_bindgen(js_name = importSchema)]
    pub fn import_schema(&mut self, kind: &str, text: &str, visual_conf: Option<String>) -> Result<JsValue, JsError> {
        use spanmark_core::interchange::{parse_brat_conf, parse_labelstudio_config};
        let draft = match kind {
            "brat" => parse_brat_conf(text, visual_conf.as_deref()),
            "labelstudio" => parse_labelstudio_config(text),
            other => return Err(JsError::new(&format!("{other:?} is neither \"brat\" nor \"labelstudio\""))),
        }
        .map_err(|e| JsError::new(&e.to_string()))?;
        let (added, diagnostics) = self.ws.merge_schema(draft)?;
        #[derive(serde::Serialize)]
        struct Out {
            added: usize,
            diagnostics: Vec<String>,
        }
        to_js(&Out { added, diagnostics: diagnostics.into_iter().map(|d| d.message).collect() })
    }

    /// Reads a schema from files (`readFiles`): a Label Studio labeling config (XML), or
    /// brat's `annotation.conf` with `visual.conf` beside it (or a zip of them), told apart
    /// by content; adds what the schema lacks as one undoable step, like `importSchema`.
    #[wasm_bindgen(js_name = importSchemaFiles)]
    pub fn import_schema_files(&mut self, set: FileSet) -> Result<JsValue, JsError> {
        if let Some(refusal) = set.refused.first() {
            return Err(refusal.clone().into());
        }
        let mut files: Vec<InputFile> = Vec::new();
        for f in set.files {
            if f.extension() == "zip" {
                let inner = spanmark_core::interchange::unzip_files(&f).map_err(|e| JsError::new(&e.to_string()))?;
                files.extend(inner);
            } else {
                files.push(f);
            }
        }
        let text = |f: &InputFile| std::str::from_utf8(&f.bytes).map(str::to_owned).map_err(|e| JsError::from(FileRefusal::NotUtf8 { name: f.name.clone(), valid_up_to: e.valid_up_to() }));
        let base = |f: &InputFile| f.name.rsplit(['/', '\\']).next().unwrap_or(&f.name).to_owned();
        if let Some(xml) = files.iter().find(|f| f.extension() == "xml" || f.bytes.trim_ascii_start().starts_with(b"<")) {
            return self.import_schema("labelstudio", &text(xml)?, None);
        }
        let conf = files.iter().find(|f| base(f) == "annotation.conf").or_else(|| files.iter().find(|f| base(f) != "visual.conf")).ok_or_else(|| JsError::new("no annotation.conf or labeling config (.xml) among the files"))?;
        let visual = files.iter().find(|f| base(f) == "visual.conf").map(text).transpose()?;
        self.import_schema("brat", &text(conf)?, visual)
    }

    /// Downloads the schema in a tool's own form: `"brat"` (a zip of annotation.conf and
    /// visual.conf) or `"labelstudio"` (labeling-config.xml). Returns what it cannot carry.
    #[wasm_bindgen(js_name = downloadSchema)]
    pub fn download_schema(&self, kind: &str) -> Result<JsValue, JsError> {
        let (file, losses) = spanmark_core::interchange::schema_file(self.ws.schema(), kind).ok_or_else(|| JsError::new(&format!("{kind:?} is neither \"brat\" nor \"labelstudio\"")))?;
        files::download(&file.name, &file.bytes, file.mime)?;
        to_js(&losses.into_iter().map(|d| d.message).collect::<Vec<_>>())
    }

    /// How many annotations (`kind: "label"`), relations (`"relationType"`) or values
    /// (`"attribute"`) use the schema entry `id`, over every document.
    pub fn usage(&self, kind: &str, id: &str) -> Result<usize, JsError> {
        match kind {
            "label" => Ok(self.ws.label_usage(id)),
            "relationType" => Ok(self.ws.relation_type_usage(id)),
            "attribute" => Ok(self.ws.attribute_usage(id)),
            other => Err(JsError::new(&format!("{other:?} is not a kind of schema entry"))),
        }
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
