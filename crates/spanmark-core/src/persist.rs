//! Persistence: the workspace as keyed records, written behind a [`StorageBackend`].
//!
//! The workspace is stored as small records so that one edit writes one or two of
//! them, never the whole corpus:
//!
//! | key (a JSON array) | value (JSON) |
//! | --- | --- |
//! | `["meta"]` | layout version, label schema, document order, id counters |
//! | `["doc", docId]` | `{id, name, text}`: written once, when the document is added |
//! | `["ann", docId, annotationId]` | one annotation (UTF-8 byte offsets into the text) |
//! | `["undo", n]`, `["redo", n]` | one history step |
//! | `["ui"]` | the shell's own state (open document, toggles), opaque to the core |
//!
//! Every change marks the keys it touched. [`Workspace::take_pending`] turns them into
//! a batch of puts and deletes computed from the current state, to be written in one
//! transaction. If the write fails, [`Workspace::requeue`] marks the keys again, and
//! the next batch writes their latest values: nothing is lost, nothing is written twice.
//!
//! Layout 1 was one record, `["workspace"]`, holding the canonical JSON of the whole
//! workspace; [`restore`] migrates it to layout 2.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::annotation::Annotation;
use crate::canonical::{Diagnostic, Severity};
use crate::document::Document;
use crate::schema::{Label, LabelSchema};
use crate::workspace::{Step, Workspace};

/// The record layout this build writes.
pub const LAYOUT_VERSION: u64 = 2;

/// A storage key, ordered.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Key {
    Meta,
    Doc(String),
    Ann(String, String),
    Step(&'static str, usize),
    Ui,
    Legacy,
}

impl Key {
    fn encode(&self) -> String {
        let v = match self {
            Key::Meta => serde_json::json!(["meta"]),
            Key::Doc(d) => serde_json::json!(["doc", d]),
            Key::Ann(d, a) => serde_json::json!(["ann", d, a]),
            Key::Step(kind, n) => serde_json::json!([kind, n]),
            Key::Ui => serde_json::json!(["ui"]),
            Key::Legacy => serde_json::json!(["workspace"]),
        };
        v.to_string()
    }

    fn decode(key: &str) -> Option<Key> {
        let parts: Vec<Value> = serde_json::from_str(key).ok()?;
        let s = |i: usize| parts.get(i).and_then(Value::as_str).map(str::to_owned);
        let n = |i: usize| parts.get(i).and_then(Value::as_u64).and_then(|n| usize::try_from(n).ok());
        Some(match (s(0)?.as_str(), parts.len()) {
            ("meta", 1) => Key::Meta,
            ("ui", 1) => Key::Ui,
            ("workspace", 1) => Key::Legacy,
            ("doc", 2) => Key::Doc(s(1)?),
            ("ann", 3) => Key::Ann(s(1)?, s(2)?),
            ("undo", 2) => Key::Step("undo", n(1)?),
            ("redo", 2) => Key::Step("redo", n(1)?),
            _ => return None,
        })
    }
}

/// The keys changed since the last batch was taken.
#[derive(Debug, Clone, Default)]
pub(crate) struct Pending {
    keys: BTreeSet<Key>,
}

impl Pending {
    pub(crate) fn meta(&mut self) {
        self.keys.insert(Key::Meta);
    }

    pub(crate) fn annotation(&mut self, doc: &str, id: &str) {
        self.keys.insert(Key::Ann(doc.to_owned(), id.to_owned()));
    }

    /// A document was added or removed: its record, its annotations, and the document order.
    pub(crate) fn document(&mut self, doc: &Document) {
        self.meta();
        self.keys.insert(Key::Doc(doc.id().to_owned()));
        for a in doc.annotations().iter() {
            self.annotation(doc.id(), &a.id);
        }
    }

    pub(crate) fn forget_document(&mut self, doc: &Document) {
        self.document(doc);
    }

    pub(crate) fn step(&mut self, kind: &'static str, n: usize) {
        self.keys.insert(Key::Step(kind, n));
    }
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    layout: u64,
    labels: Vec<Label>,
    documents: Vec<String>,
    next_document: u64,
    next_annotation: u64,
}

#[derive(Serialize, Deserialize)]
struct DocRecord {
    id: String,
    name: String,
    text: String,
}

/// One record to write: `(key, Some(value))` puts it, `(key, None)` deletes it.
pub type Record = (String, Option<String>);

/// Where records are kept. The browser implements it over IndexedDB in the binding;
/// [`MemoryStorage`] keeps them in memory for tests and tools.
pub trait StorageBackend {
    /// Why a read or write failed.
    type Error: std::error::Error;
    /// Every stored record, as `(key, value)`.
    fn load(&self) -> Result<Vec<(String, String)>, Self::Error>;
    /// Applies a batch of puts and deletes, all or nothing.
    fn write(&mut self, batch: &[Record]) -> Result<(), Self::Error>;
}

/// A [`StorageBackend`] in memory. It can be told to fail, to test failure handling.
#[derive(Debug, Clone, Default)]
pub struct MemoryStorage {
    records: BTreeMap<String, String>,
    /// While set, every write fails and changes nothing.
    pub failing: bool,
}

/// The error of a [`MemoryStorage`] told to fail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the storage refused the write (simulated quota exceeded)")]
pub struct MemoryStorageFull;

impl StorageBackend for MemoryStorage {
    type Error = MemoryStorageFull;

    fn load(&self) -> Result<Vec<(String, String)>, Self::Error> {
        Ok(self.records.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    }

    fn write(&mut self, batch: &[Record]) -> Result<(), Self::Error> {
        if self.failing {
            return Err(MemoryStorageFull);
        }
        for (key, value) in batch {
            match value {
                Some(v) => self.records.insert(key.clone(), v.clone()),
                None => self.records.remove(key),
            };
        }
        Ok(())
    }
}

impl MemoryStorage {
    /// Stores a record as given, bypassing the workspace (for tests of old layouts and damage).
    pub fn insert_raw(&mut self, key: &str, value: &str) {
        self.records.insert(key.to_owned(), value.to_owned());
    }
}

/// Why stored records could not be read at all. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RestoreError {
    /// The records were written by a newer Spanmark.
    #[error("the saved workspace was written by a newer Spanmark (layout {0}; this one reads up to {LAYOUT_VERSION}); open it there, or export it from there")]
    NewerLayout(u64),
    /// A layout-1 record could not be migrated.
    #[error("the saved workspace (layout 1) could not be read: {0}")]
    Legacy(String),
}

/// A workspace read back from storage, and what was wrong with the records.
#[derive(Debug)]
pub struct Restored {
    /// The workspace, or `None` when the storage held nothing.
    pub workspace: Option<Workspace>,
    /// Records that could not be used; they are left in storage untouched.
    pub diagnostics: Vec<Diagnostic>,
}

impl Workspace {
    /// Whether any change has not been taken for writing yet.
    pub fn has_pending(&self) -> bool {
        !self.pending.keys.is_empty()
    }

    /// The records changed since the last call, with their current values, to be
    /// written in one transaction. Marks them as taken.
    pub fn take_pending(&mut self) -> Vec<Record> {
        self.take_pending_up_to(usize::MAX)
    }

    /// Like [`Workspace::take_pending`], but at most `limit` records: a large change
    /// (an import of 100,000 annotations) can be written in slices without blocking.
    pub fn take_pending_up_to(&mut self, limit: usize) -> Vec<Record> {
        let mut taken = Vec::with_capacity(limit.min(self.pending.keys.len()));
        while taken.len() < limit {
            let Some(key) = self.pending.keys.pop_first() else { break };
            let value = self.record_value(&key);
            taken.push((key.encode(), value));
        }
        taken
    }

    /// Marks records again after their write failed, so the next batch writes them.
    /// Keys this build does not know are ignored.
    pub fn requeue<S: AsRef<str>>(&mut self, keys: &[S]) {
        self.pending.keys.extend(keys.iter().filter_map(|k| Key::decode(k.as_ref())));
    }

    /// Marks every record of the workspace, so the next batch writes all of it.
    pub fn mark_all_pending(&mut self) {
        self.pending.meta();
        for doc in &self.documents {
            self.pending.document(doc);
        }
        for n in 0..self.undo.len() {
            self.pending.step("undo", n);
        }
        for n in 0..self.redo.len() {
            self.pending.step("redo", n);
        }
        if self.ui_state.is_some() {
            self.pending.keys.insert(Key::Ui);
        }
    }

    /// Takes the pending records and writes them to `backend`. On failure the records
    /// stay pending, so a later call writes them.
    pub fn save_to<B: StorageBackend>(&mut self, backend: &mut B) -> Result<(), B::Error> {
        let batch = self.take_pending();
        if batch.is_empty() {
            return Ok(());
        }
        backend.write(&batch).inspect_err(|_| {
            let keys: Vec<&str> = batch.iter().map(|(k, _)| k.as_str()).collect();
            self.requeue(&keys);
        })
    }

    fn record_value(&self, key: &Key) -> Option<String> {
        match key {
            Key::Meta => Some(
                serde_json::to_string(&Meta {
                    layout: LAYOUT_VERSION,
                    labels: self.schema.labels().to_vec(),
                    documents: self.documents.iter().map(|d| d.id().to_owned()).collect(),
                    next_document: self.next_document,
                    next_annotation: self.next_annotation,
                })
                .expect("plain data"),
            ),
            Key::Doc(id) => self.document(id).ok().map(|d| {
                serde_json::to_string(&DocRecord { id: d.id().to_owned(), name: d.name().to_owned(), text: d.text().to_owned() })
                    .expect("plain data")
            }),
            Key::Ann(doc, id) => self
                .document(doc)
                .ok()
                .and_then(|d| d.annotations().get(id))
                .map(|a| serde_json::to_string(a).expect("plain data")),
            Key::Step(kind, n) => {
                let stack = if *kind == "undo" { &self.undo } else { &self.redo };
                stack.get(*n).map(|s| serde_json::to_string(s).expect("plain data"))
            }
            Key::Ui => self.ui_state.clone(),
            Key::Legacy => None,
        }
    }

    /// The shell's own state (which document is open, toggles), as it last stored it.
    pub fn ui_state(&self) -> Option<&str> {
        self.ui_state.as_deref()
    }

    /// Stores the shell's own state with the next batch. It is not part of the history.
    pub fn set_ui_state(&mut self, json: &str) {
        if self.ui_state.as_deref() != Some(json) {
            self.ui_state = Some(json.to_owned());
            self.pending.keys.insert(Key::Ui);
        }
    }
}

fn diag(severity: Severity, code: &'static str, document: Option<&str>, message: String) -> Diagnostic {
    Diagnostic { severity, code, document: document.map(str::to_owned), annotation: None, message }
}

/// Rebuilds a workspace from stored records.
///
/// Damaged records are reported and skipped, never fatal, and never deleted: the
/// workspace holds everything that could be read. Only records from a newer
/// Spanmark, or a layout-1 record that cannot be read, refuse the whole restore.
pub fn restore(records: Vec<(String, String)>) -> Result<Restored, RestoreError> {
    let mut diagnostics = Vec::new();
    let mut meta: Option<Meta> = None;
    let mut legacy: Option<String> = None;
    let mut docs: BTreeMap<String, DocRecord> = BTreeMap::new();
    let mut anns: BTreeMap<String, Vec<Annotation>> = BTreeMap::new();
    let mut steps: BTreeMap<(&'static str, usize), String> = BTreeMap::new();
    let mut ui_state: Option<String> = None;

    for (key, value) in records {
        let unreadable = |what: &str, e: &dyn std::fmt::Display| {
            diag(Severity::Error, "record-unreadable", None, format!("the saved {what} record {key} could not be read ({e}) and was left as it is"))
        };
        match Key::decode(&key) {
            Some(Key::Meta) => match serde_json::from_str::<Value>(&value) {
                Ok(v) => {
                    let layout = v.get("layout").and_then(Value::as_u64).unwrap_or(0);
                    if layout > LAYOUT_VERSION {
                        return Err(RestoreError::NewerLayout(layout));
                    }
                    match serde_json::from_value::<Meta>(v) {
                        Ok(m) => meta = Some(m),
                        Err(e) => diagnostics.push(unreadable("settings", &e)),
                    }
                }
                Err(e) => diagnostics.push(unreadable("settings", &e)),
            },
            Some(Key::Legacy) => legacy = Some(value),
            Some(Key::Doc(id)) => match serde_json::from_str::<DocRecord>(&value) {
                Ok(d) if d.id == id => {
                    docs.insert(id, d);
                }
                Ok(_) => diagnostics.push(unreadable("document", &"its id does not match its key")),
                Err(e) => diagnostics.push(unreadable("document", &e)),
            },
            Some(Key::Ann(doc, id)) => match serde_json::from_str::<Annotation>(&value) {
                Ok(a) if a.id == id => anns.entry(doc).or_default().push(a),
                Ok(_) => diagnostics.push(unreadable("annotation", &"its id does not match its key")),
                Err(e) => diagnostics.push(unreadable("annotation", &e)),
            },
            Some(Key::Step(kind, n)) => {
                steps.insert((kind, n), value);
            }
            Some(Key::Ui) => ui_state = Some(value),
            None => diagnostics.push(diag(Severity::Warning, "record-unknown", None, format!("the saved record {key} is not one this Spanmark knows; it was left as it is"))),
        }
    }

    if meta.is_none() {
        if let Some(json) = legacy {
            return migrate_layout_1(&json, diagnostics);
        }
        if docs.is_empty() && anns.is_empty() && steps.is_empty() {
            return Ok(Restored { workspace: None, diagnostics });
        }
        diagnostics.push(diag(Severity::Warning, "meta-missing", None, "the saved settings record is missing: the default labels are used".to_owned()));
    }

    let mut ws = Workspace::new(LabelSchema::empty());
    ws.ui_state = ui_state;
    let order = match meta {
        Some(m) => {
            for label in m.labels {
                let id = label.id.clone();
                if let Err(e) = ws.schema.add(label) {
                    diagnostics.push(diag(Severity::Warning, "label-unreadable", None, format!("saved label {id:?}: {e}")));
                }
            }
            ws.next_document = m.next_document;
            ws.next_annotation = m.next_annotation;
            m.documents
        }
        None => {
            ws.schema = LabelSchema::default_news();
            docs.keys().cloned().collect()
        }
    };
    let listed: BTreeSet<&String> = order.iter().collect();
    let unlisted: Vec<String> = docs.keys().filter(|id| !listed.contains(id)).cloned().collect();
    for id in order.iter().chain(unlisted.iter()) {
        let Some(record) = docs.remove(id) else {
            diagnostics.push(diag(Severity::Error, "document-missing", Some(id), format!("the saved text of document {id:?} is missing")));
            continue;
        };
        let mut doc = match Document::new(record.id, record.name, record.text) {
            Ok(d) => d,
            Err(e) => {
                diagnostics.push(diag(Severity::Error, "document-unreadable", Some(id), format!("document {id:?}: {e}")));
                continue;
            }
        };
        for a in anns.remove(id).unwrap_or_default() {
            if ws.schema.get(&a.label).is_none() {
                let label = ws.schema.label_for_unknown_id(&a.label);
                let _ = ws.schema.add(label);
                diagnostics.push(diag(Severity::Warning, "label-added", Some(id), format!("label {:?} was missing from the saved labels and was added", a.label)));
            }
            let bad = doc.offsets().try_convert(a.start_byte, crate::Unit::Byte, crate::Unit::Byte).err().map(|e| e.to_string())
                .or_else(|| doc.offsets().try_convert(a.end_byte, crate::Unit::Byte, crate::Unit::Byte).err().map(|e| e.to_string()))
                .or_else(|| (a.start_byte >= a.end_byte).then(|| "the span is empty".to_owned()))
                .or_else(|| doc.annotations.contains_id(&a.id).then(|| "its id is stored twice".to_owned()))
                .or_else(|| {
                    doc.annotations
                        .find_exact(a.start_byte, a.end_byte, &a.label)
                        .map(|other| format!("it repeats annotation {:?} (same span and label)", other.id))
                });
            match bad {
                Some(why) => diagnostics.push(Diagnostic {
                    severity: Severity::Error,
                    code: "annotation-unreadable",
                    document: Some(id.clone()),
                    annotation: Some(a.id.clone()),
                    message: format!("saved annotation {:?} does not fit its text ({why}) and was left as it is", a.id),
                }),
                None => doc.annotations.insert(a),
            }
        }
        ws.documents.push(doc);
    }
    for (doc, list) in anns {
        diagnostics.push(diag(Severity::Error, "orphan-annotations", Some(&doc), format!("{} saved annotation(s) belong to document {doc:?}, whose text is missing", list.len())));
    }

    // History: each stack must be a contiguous run 0..n of readable steps. After a
    // damaged step only the newer steps are reachable, so the older ones are dropped.
    for kind in ["undo", "redo"] {
        let mut stack: Vec<Step> = Vec::new();
        let mut rewrite = false;
        let mut expected = 0;
        for ((k, n), value) in steps.range((kind, 0)..=(kind, usize::MAX)) {
            debug_assert_eq!(*k, kind);
            match serde_json::from_str::<Step>(value) {
                Ok(step) if *n == expected => stack.push(step),
                Ok(step) => {
                    stack.clear();
                    stack.push(step);
                    rewrite = true;
                }
                Err(e) => {
                    diagnostics.push(diag(Severity::Warning, "history-unreadable", None, format!("{kind} step {n} could not be read ({e}); older {kind} steps were dropped")));
                    stack.clear();
                    rewrite = true;
                }
            }
            expected = n + 1;
        }
        if rewrite {
            for (_, n) in steps.range((kind, 0)..=(kind, usize::MAX)).map(|(k, _)| *k) {
                ws.pending.step(kind, n);
            }
            for n in 0..stack.len() {
                ws.pending.step(kind, n);
            }
        }
        if kind == "undo" {
            ws.undo = stack;
        } else {
            ws.redo = stack;
        }
    }
    // Restoring writes nothing unless the history had to be renumbered.
    ws.pending.keys.retain(|k| matches!(k, Key::Step(..)));
    Ok(Restored { workspace: Some(ws), diagnostics })
}

fn migrate_layout_1(json: &str, mut diagnostics: Vec<Diagnostic>) -> Result<Restored, RestoreError> {
    let mut ws = Workspace::new(LabelSchema::empty());
    let report = ws.import_canonical(json).map_err(|e| RestoreError::Legacy(e.to_string()))?;
    diagnostics.extend(report.diagnostics);
    ws.clear_history();
    ws.mark_all_pending();
    ws.pending.keys.insert(Key::Legacy);
    diagnostics.push(diag(Severity::Info, "migrated", None, "the saved workspace was converted from layout 1 to layout 2".to_owned()));
    Ok(Restored { workspace: Some(ws), diagnostics })
}
