//! Persistence: the workspace as keyed records, written behind a [`StorageBackend`].
//!
//! The workspace is stored as small records so that one edit writes one or two of
//! them, never the whole corpus:
//!
//! | key (a JSON array) | value (JSON) |
//! | --- | --- |
//! | `["meta"]` | layout version, label schema, document order, id counters |
//! | `["doc", docId]` | `{id, name, text}`: written once, when the document is added |
//! | `["anns", docId, page]` | a page of annotations: those whose id hashes to `page` (UTF-8 byte offsets into the text) |
//! | `["rels", docId, page]` | a page of relations (type and the ids of their two annotations), the same way |
//! | `["damaged", key]` | the text a damaged page held, kept when the page was written again |
//! | `["undo", n]`, `["redo", n]` | one history step |
//! | `["ui"]` | the shell's own state (open document, toggles), opaque to the core |
//!
//! The workspace records what each op changed in its own terms ([`Changed`]); a
//! [`Store`] turns those into keys, and [`Store::take_pending`] into a batch of puts
//! and deletes computed from the current state, to be written in one transaction. If
//! the write fails, [`Store::requeue`] marks the keys again, and the next batch writes
//! their latest values: nothing is lost, nothing is written twice. The store also owns
//! the shell's UI-state record, which the workspace never sees.
//!
//! Layout 1 was one record, `["workspace"]`, holding the canonical JSON of the whole
//! workspace; [`restore`] migrates it. Layout 3 added relation records and the relation
//! types and attributes in the settings; a layout-2 workspace gains the default relation
//! types whose labels it has.
//!
//! Layouts 2 and 3 kept one record per annotation (`["ann", docId, annotationId]`) and
//! per relation (`["rel", docId, relationId]`): saving an import of 100,000 annotations
//! meant 100,000 puts. Layout 4 keeps them in [`PAGES`] pages per document, an annotation
//! on the page its id hashes to, so an import is about a thousand puts while one edit
//! still rewrites one small page. Restoring a layout-2 or -3 workspace writes the pages
//! and deletes the per-annotation records it read, in one transaction.
//!
//! A damaged page is reported and left as it is, like any damaged record; if an edit
//! later lands on that page, the page is written again and the damaged text is first
//! copied to `["damaged", key]` in the same transaction, so nothing is ever lost.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::annotation::Annotation;
use crate::document::Document;
use crate::offsets::Unit;
use crate::ops::{Changed, Stack, Step};
use crate::report::{Diagnostic, Severity};
use crate::entity::Entity;
use crate::relation::Relation;
use crate::schema::{AttributeDef, Label, LabelSchema, RelationType};
use crate::workspace::{Workspace, WorkspaceParts};

/// The record layout this build writes.
pub const LAYOUT_VERSION: u64 = 4;

/// How many pages a document's annotations, and its relations, are spread over.
pub const PAGES: u32 = 1024;

/// Pages whose values one pass over a document computes (see [`Store::take_pending_up_to`]).
const PAGE_GROUP: usize = 64;

/// About how many bytes of values one slice of [`Store::take_pending_up_to`] holds.
const SLICE_BYTES: usize = 1 << 20;

/// The page an annotation or relation id is kept on: FNV-1a of its UTF-8, modulo [`PAGES`].
pub fn page_of(id: &str) -> u32 {
    let hash = id.bytes().fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    hash % PAGES
}

/// What a page holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum PageKind {
    Annotations,
    Relations,
}

/// A storage key, ordered.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Key {
    Meta,
    Doc(String),
    Page(PageKind, String, u32),
    /// Layouts 2 and 3: one annotation; read, and deleted once its page is written.
    Ann(String, String),
    /// Layout 3: one relation, likewise.
    Rel(String, String),
    /// A damaged page's text, kept when the page was written again (the key it had).
    Damaged(String),
    Ent(String),
    Rej(String),
    Gazetteer,
    Layer(String, String),
    /// The replicated record of team sync (binary, the binding's own): skipped here.
    Replica,
    Step(Stack, usize),
    Ui,
    Legacy,
}

impl Key {
    fn encode(&self) -> String {
        let v = match self {
            Key::Meta => serde_json::json!(["meta"]),
            Key::Doc(d) => serde_json::json!(["doc", d]),
            Key::Page(PageKind::Annotations, d, p) => serde_json::json!(["anns", d, p]),
            Key::Page(PageKind::Relations, d, p) => serde_json::json!(["rels", d, p]),
            Key::Damaged(k) => serde_json::json!(["damaged", k]),
            Key::Ann(d, a) => serde_json::json!(["ann", d, a]),
            Key::Rel(d, r) => serde_json::json!(["rel", d, r]),
            Key::Ent(e) => serde_json::json!(["ent", e]),
            Key::Rej(d) => serde_json::json!(["rejected", d]),
            Key::Gazetteer => serde_json::json!(["gazetteer"]),
            Key::Layer(d, a) => serde_json::json!(["layer", d, a]),
            Key::Replica => serde_json::json!(["replica"]),
            Key::Step(Stack::Undo, n) => serde_json::json!(["undo", n]),
            Key::Step(Stack::Redo, n) => serde_json::json!(["redo", n]),
            Key::Ui => serde_json::json!(["ui"]),
            Key::Legacy => serde_json::json!(["workspace"]),
        };
        v.to_string()
    }

    fn decode(key: &str) -> Option<Key> {
        let parts: Vec<Value> = serde_json::from_str(key).ok()?;
        let s = |i: usize| parts.get(i).and_then(Value::as_str).map(str::to_owned);
        let n = |i: usize| parts.get(i).and_then(Value::as_u64).and_then(|n| usize::try_from(n).ok());
        let page = |i: usize| parts.get(i).and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok()).filter(|p| *p < PAGES);
        Some(match (s(0)?.as_str(), parts.len()) {
            ("meta", 1) => Key::Meta,
            ("ui", 1) => Key::Ui,
            ("workspace", 1) => Key::Legacy,
            ("doc", 2) => Key::Doc(s(1)?),
            ("anns", 3) => Key::Page(PageKind::Annotations, s(1)?, page(2)?),
            ("rels", 3) => Key::Page(PageKind::Relations, s(1)?, page(2)?),
            ("damaged", 2) => Key::Damaged(s(1)?),
            ("ann", 3) => Key::Ann(s(1)?, s(2)?),
            ("rel", 3) => Key::Rel(s(1)?, s(2)?),
            ("ent", 2) => Key::Ent(s(1)?),
            ("rejected", 2) => Key::Rej(s(1)?),
            ("gazetteer", 1) => Key::Gazetteer,
            ("layer", 3) => Key::Layer(s(1)?, s(2)?),
            // The record of team sync and its log entries (`["replica", n]`): the binding's.
            ("replica", 1) => Key::Replica,
            ("replica", 2) if n(1).is_some() => Key::Replica,
            ("undo", 2) => Key::Step(Stack::Undo, n(1)?),
            ("redo", 2) => Key::Step(Stack::Redo, n(1)?),
            _ => return None,
        })
    }
}

impl From<Changed> for Key {
    fn from(changed: Changed) -> Key {
        match changed {
            Changed::Settings => Key::Meta,
            Changed::Document(id) => Key::Doc(id),
            Changed::Annotation { doc, id } => {
                let page = page_of(&id);
                Key::Page(PageKind::Annotations, doc, page)
            }
            Changed::Relation { doc, id } => {
                let page = page_of(&id);
                Key::Page(PageKind::Relations, doc, page)
            }
            Changed::Entity(id) => Key::Ent(id),
            Changed::Rejections(doc) => Key::Rej(doc),
            Changed::Gazetteer => Key::Gazetteer,
            Changed::Layer { doc, annotator } => Key::Layer(doc, annotator),
            Changed::History { stack, index } => Key::Step(stack, index),
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    layout: u64,
    labels: Vec<Label>,
    /// Absent in layout 2, which had none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    relation_types: Option<Vec<RelationType>>,
    #[serde(default)]
    attributes: Vec<AttributeDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    analyst: Option<String>,
    documents: Vec<String>,
    next_document: u64,
    next_annotation: u64,
}

#[derive(Serialize, Deserialize)]
struct DocRecord {
    id: String,
    name: String,
    text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
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
    /// The UI state and the records that must be written again (a renumbered history).
    pub store: Store,
    /// Records that could not be used; they are left in storage untouched.
    pub diagnostics: Vec<Diagnostic>,
}

/// What persistence keeps beside a workspace: the records still to write, and the
/// shell's own UI state (which document is open, toggles), stored with the work but
/// never interpreted.
#[derive(Debug, Clone, Default)]
pub struct Store {
    keys: BTreeSet<Key>,
    ui_state: Option<String>,
    /// Pages that restore found damaged, with their text: before such a page is written
    /// again, its text is copied to `["damaged", key]`.
    damaged: BTreeMap<Key, String>,
    /// The damaged pages whose copy has been taken to write.
    preserved: BTreeSet<Key>,
}

impl Store {
    /// Moves what the workspace changed into the keys to write.
    fn collect(&mut self, ws: &mut Workspace) {
        let changes = ws.take_changes();
        self.keys.extend(changes.into_iter().map(Key::from));
    }

    /// Whether any record waits to be written.
    pub fn has_pending(&self, ws: &Workspace) -> bool {
        !self.keys.is_empty() || ws.has_changes()
    }

    /// The records changed since the last call, with their current values, to be
    /// written in one transaction. Marks them as taken.
    pub fn take_pending(&mut self, ws: &mut Workspace) -> Vec<Record> {
        self.take_pending_up_to(ws, usize::MAX)
    }

    /// Like [`Store::take_pending`], but at most `limit` records, and when `limit` is
    /// not `usize::MAX` about [`SLICE_BYTES`] of values: a large change (an import of
    /// 100,000 annotations) can be written in slices without blocking the page.
    pub fn take_pending_up_to(&mut self, ws: &mut Workspace, limit: usize) -> Vec<Record> {
        self.collect(ws);
        let budget = if limit == usize::MAX { usize::MAX } else { SLICE_BYTES };
        let mut taken: Vec<Record> = Vec::with_capacity(limit.min(self.keys.len()).min(4096));
        let mut bytes = 0usize;
        while taken.len() < limit && bytes < budget {
            let Some(key) = self.keys.pop_first() else { break };
            let values = match &key {
                // The pages of one document that follow this one are computed in the
                // same pass over its annotations.
                Key::Page(kind, doc, first) => {
                    let mut pages = vec![*first];
                    while pages.len() < PAGE_GROUP && taken.len() + pages.len() < limit {
                        match self.keys.first() {
                            Some(Key::Page(k, d, p)) if k == kind && d == doc => {
                                pages.push(*p);
                                self.keys.pop_first();
                            }
                            _ => break,
                        }
                    }
                    let values = page_values(ws, *kind, doc, &pages);
                    pages.into_iter().map(|p| Key::Page(*kind, doc.clone(), p)).zip(values).collect()
                }
                // A copy of a damaged page is only ever put, never deleted.
                Key::Damaged(_) => match self.record_value(ws, &key) {
                    Some(text) => vec![(key.clone(), Some(text))],
                    None => continue,
                },
                _ => vec![(key.clone(), self.record_value(ws, &key))],
            };
            for (key, value) in values {
                if let Some(text) = self.damaged.get(&key).filter(|_| !self.preserved.contains(&key)) {
                    bytes += text.len();
                    taken.push((Key::Damaged(key.encode()).encode(), Some(text.clone())));
                    self.preserved.insert(key.clone());
                }
                bytes += value.as_ref().map_or(0, String::len);
                taken.push((key.encode(), value));
            }
        }
        taken
    }

    /// Marks records again after their write failed, so the next batch writes them.
    /// Keys this build does not know are ignored.
    pub fn requeue<S: AsRef<str>>(&mut self, keys: &[S]) {
        self.keys.extend(keys.iter().filter_map(|k| Key::decode(k.as_ref())));
    }

    /// Marks every record of the workspace, so the next batch writes all of it.
    pub fn mark_all(&mut self, ws: &Workspace) {
        self.keys.insert(Key::Meta);
        for doc in ws.documents() {
            self.keys.insert(Key::Doc(doc.id().to_owned()));
            self.keys.extend(doc.annotations().iter().map(|a| Key::Page(PageKind::Annotations, doc.id().to_owned(), page_of(&a.id))));
            self.keys.extend(doc.relations().iter().map(|r| Key::Page(PageKind::Relations, doc.id().to_owned(), page_of(&r.id))));
        }
        self.keys.extend(ws.entities().map(|e| Key::Ent(e.id.clone())));
        self.keys.extend(ws.documents().iter().filter(|d| !d.rejected().is_empty()).map(|d| Key::Rej(d.id().to_owned())));
        if ws.gazetteer().is_some() {
            self.keys.insert(Key::Gazetteer);
        }
        for d in ws.documents() {
            self.keys.extend(d.layers().keys().map(|a| Key::Layer(d.id().to_owned(), a.clone())));
        }
        for stack in [Stack::Undo, Stack::Redo] {
            self.keys.extend((0..ws.history(stack).len()).map(|n| Key::Step(stack, n)));
        }
        if self.ui_state.is_some() {
            self.keys.insert(Key::Ui);
        }
    }

    /// Takes the pending records and writes them to `backend`. On failure the records
    /// stay pending, so a later call writes them.
    pub fn save_to<B: StorageBackend>(&mut self, ws: &mut Workspace, backend: &mut B) -> Result<(), B::Error> {
        let batch = self.take_pending(ws);
        if batch.is_empty() {
            return Ok(());
        }
        backend.write(&batch).inspect_err(|_| {
            let keys: Vec<&str> = batch.iter().map(|(k, _)| k.as_str()).collect();
            self.requeue(&keys);
        })
    }

    fn record_value(&self, ws: &Workspace, key: &Key) -> Option<String> {
        let json = |v: &dyn erased::Json| v.to_json();
        match key {
            Key::Meta => {
                let (next_document, next_annotation) = ws.id_counters();
                Some(json(&Meta {
                    layout: LAYOUT_VERSION,
                    labels: ws.schema().labels().to_vec(),
                    relation_types: Some(ws.schema().relation_types().to_vec()),
                    attributes: ws.schema().attributes().to_vec(),
                    analyst: Some(ws.analyst().to_owned()),
                    documents: ws.documents().iter().map(|d| d.id().to_owned()).collect(),
                    next_document,
                    next_annotation,
                }))
            }
            Key::Doc(id) => ws.document(id).ok().map(|d| json(&DocRecord { id: d.id().to_owned(), name: d.name().to_owned(), text: d.text().to_owned(), title: d.title_override().map(str::to_owned) })),
            Key::Page(kind, doc, page) => page_values(ws, *kind, doc, &[*page]).pop().flatten(),
            // Layouts 2 and 3's records: their annotations now live on pages.
            Key::Ann(..) | Key::Rel(..) => None,
            // Requeued after a failed write: the copy is written again.
            Key::Damaged(original) => self.damaged.get(&Key::decode(original)?).cloned(),
            Key::Ent(id) => ws.entity(id).ok().map(|e| json(e)),
            Key::Rej(doc) => ws.document(doc).ok().filter(|d| !d.rejected().is_empty()).map(|d| json(d.rejected())),
            Key::Gazetteer => ws.gazetteer().map(|g| json(&g)),
            Key::Layer(doc, annotator) => ws.document(doc).ok().and_then(|d| d.layers().get(annotator)).map(|set| json(&set.iter().collect::<Vec<_>>())),
            Key::Step(stack, n) => ws.history(*stack).get(*n).map(|s| json(s)),
            Key::Ui => self.ui_state.clone(),
            Key::Replica => None,
            Key::Legacy => None,
        }
    }

    /// The shell's own state, as it last stored it.
    pub fn ui_state(&self) -> Option<&str> {
        self.ui_state.as_deref()
    }

    /// Stores the shell's own state with the next batch. It is not part of the history.
    pub fn set_ui_state(&mut self, json: &str) {
        if self.ui_state.as_deref() != Some(json) {
            self.ui_state = Some(json.to_owned());
            self.keys.insert(Key::Ui);
        }
    }
}

/// Serialising the plain data of records, which cannot fail.
mod erased {
    pub(super) trait Json {
        fn to_json(&self) -> String;
    }

    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> String {
            serde_json::to_string(self).expect("plain data always serialises")
        }
    }
}

/// The values of `pages` of document `doc` (`None`: the page is empty, delete it), in
/// one pass over its annotations or relations.
fn page_values(ws: &Workspace, kind: PageKind, doc: &str, pages: &[u32]) -> Vec<Option<String>> {
    let Ok(d) = ws.document(doc) else { return vec![None; pages.len()] };
    let slot: BTreeMap<u32, usize> = pages.iter().enumerate().map(|(i, p)| (*p, i)).collect();
    fn bucket<'a, T: Serialize + 'a>(items: impl Iterator<Item = (&'a str, &'a T)>, slot: &BTreeMap<u32, usize>, n: usize) -> Vec<Option<String>> {
        let mut buckets: Vec<Vec<&T>> = (0..n).map(|_| Vec::new()).collect();
        for (id, item) in items {
            if let Some(&i) = slot.get(&page_of(id)) {
                buckets[i].push(item);
            }
        }
        buckets.into_iter().map(|b| (!b.is_empty()).then(|| serde_json::to_string(&b).expect("plain data always serialises"))).collect()
    }
    match kind {
        PageKind::Annotations => bucket(d.annotations().iter().map(|a| (a.id.as_str(), a)), &slot, pages.len()),
        PageKind::Relations => bucket(d.relations().iter().map(|r| (r.id.as_str(), r)), &slot, pages.len()),
    }
}

/// A stored value as storage gives it back: the text the workspace wrote, or something
/// else found in its place (storage edited under the page, another program's data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredValue {
    /// A text value, as the workspace writes them.
    Text(String),
    /// A value of another type, described for the analyst (`"an object"`, `"the number 7"`).
    Other(String),
    /// A value of another type, described, with its JSON text: kept under `["damaged", key]`
    /// if that key is a page written again.
    Foreign {
        /// How the analyst is told of it (`"an object"`).
        what: String,
        /// Its JSON text.
        json: String,
    },
}

impl From<String> for StoredValue {
    fn from(text: String) -> Self {
        StoredValue::Text(text)
    }
}

impl From<&str> for StoredValue {
    fn from(text: &str) -> Self {
        StoredValue::Text(text.to_owned())
    }
}

/// Rebuilds a workspace from stored records.
///
/// Damaged records are reported and skipped, never fatal, and never deleted: the
/// workspace holds everything that could be read. Only records from a newer
/// Spanmark, or a layout-1 record that cannot be read, refuse the whole restore.
///
/// Every record is judged on its own: a key of an unknown shape or a value of the wrong
/// type is reported and left as it is, and everything else is restored.
pub fn restore<V: Into<StoredValue>>(records: impl IntoIterator<Item = (String, V)>) -> Result<Restored, RestoreError> {
    let mut diagnostics = Vec::new();
    let mut meta: Option<Meta> = None;
    let mut legacy: Option<String> = None;
    let mut docs: BTreeMap<String, DocRecord> = BTreeMap::new();
    // Each with where it was read: a page, or (layouts 2 and 3) a record of its own.
    let mut anns: BTreeMap<String, Vec<(Annotation, Source)>> = BTreeMap::new();
    let mut rels: BTreeMap<String, Vec<(Relation, Source)>> = BTreeMap::new();
    let mut damaged: BTreeMap<Key, String> = BTreeMap::new();
    let mut entities: BTreeMap<String, Entity> = BTreeMap::new();
    let mut rejected: BTreeMap<String, BTreeSet<(usize, usize, String)>> = BTreeMap::new();
    let mut gazetteer: Option<String> = None;
    let mut layers: BTreeMap<String, BTreeMap<String, Vec<Annotation>>> = BTreeMap::new();
    let mut analyst = crate::workspace::DEFAULT_ANALYST.to_owned();
    let mut steps: BTreeMap<(Stack, usize), String> = BTreeMap::new();
    let mut ui_state: Option<String> = None;
    // The highest numbered document and annotation ids any key holds.
    let mut seen_ids = (0u64, 0u64);

    for (key, value) in records {
        let unreadable = |what: &str, e: &dyn std::fmt::Display| {
            Diagnostic::new(Severity::Error, "record-unreadable", None, None, format!("the saved {what} record {key} could not be read ({e}) and was left as it is"))
        };
        let decoded = Key::decode(&key);
        // Every numbered id a key holds counts, readable or not: a fresh id must never
        // overwrite a kept record.
        match &decoded {
            Some(Key::Doc(d)) => seen_ids.0 = seen_ids.0.max(id_number(d, 'd')),
            Some(Key::Ann(d, a)) => seen_ids = (seen_ids.0.max(id_number(d, 'd')), seen_ids.1.max(id_number(a, 'a'))),
            Some(Key::Rel(d, r)) => seen_ids = (seen_ids.0.max(id_number(d, 'd')), seen_ids.1.max(id_number(r, 'r'))),
            Some(Key::Page(_, d, _)) => seen_ids.0 = seen_ids.0.max(id_number(d, 'd')),
            Some(Key::Ent(e)) => seen_ids.1 = seen_ids.1.max(id_number(e, 'e')),
            _ => {}
        }
        // Team sync's record is the binding's to read (binary): nothing here to judge.
        if decoded == Some(Key::Replica) {
            continue;
        }
        let value = match value.into() {
            StoredValue::Text(text) => text,
            other => {
                let (what, json) = match other {
                    StoredValue::Foreign { what, json } => (what, Some(json)),
                    StoredValue::Other(what) => (what, None),
                    StoredValue::Text(_) => unreachable!("matched above"),
                };
                let kind = if decoded.is_some() { "record-unreadable" } else { "record-unknown" };
                diagnostics.push(Diagnostic::new(Severity::Error, kind, None, None, format!("the saved record {key} holds {what} where Spanmark keeps text, so it could not be read; it was left as it is")));
                if let Some(page @ Key::Page(..)) = decoded {
                    seen_ids.1 = seen_ids.1.max(json.as_deref().map_or(0, ids_in));
                    damaged.insert(page, json.unwrap_or_else(|| format!("({what}, which could not be copied)")));
                }
                continue;
            }
        };
        match decoded {
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
            Some(Key::Page(PageKind::Annotations, ref doc, page)) => match serde_json::from_str::<Vec<Annotation>>(&value) {
                Ok(list) => {
                    for a in list {
                        seen_ids.1 = seen_ids.1.max(id_number(&a.id, 'a'));
                        anns.entry(doc.clone()).or_default().push((a, Source::Page(page)));
                    }
                }
                Err(e) => {
                    diagnostics.push(unreadable("annotation page", &e));
                    // The ids it held still count: a fresh one must never repeat them.
                    seen_ids.1 = seen_ids.1.max(ids_in(&value));
                    damaged.insert(Key::Page(PageKind::Annotations, doc.clone(), page), value);
                }
            },
            Some(Key::Page(PageKind::Relations, ref doc, page)) => match serde_json::from_str::<Vec<Relation>>(&value) {
                Ok(list) => {
                    for r in list {
                        seen_ids.1 = seen_ids.1.max(id_number(&r.id, 'r'));
                        rels.entry(doc.clone()).or_default().push((r, Source::Page(page)));
                    }
                }
                Err(e) => {
                    diagnostics.push(unreadable("relation page", &e));
                    // The ids it held still count: a fresh one must never repeat them.
                    seen_ids.1 = seen_ids.1.max(ids_in(&value));
                    damaged.insert(Key::Page(PageKind::Relations, doc.clone(), page), value);
                }
            },
            Some(Key::Damaged(original)) => diagnostics.push(Diagnostic::new(Severity::Warning, "record-damaged", None, None, format!("the saved record {key} keeps what the damaged record {original} held before it was written again; it was left as it is"))),
            Some(Key::Ann(doc, id)) => match serde_json::from_str::<Annotation>(&value) {
                Ok(a) if a.id == id => anns.entry(doc).or_default().push((a, Source::Own)),
                Ok(_) => diagnostics.push(unreadable("annotation", &"its id does not match its key")),
                Err(e) => diagnostics.push(unreadable("annotation", &e)),
            },
            Some(Key::Rej(doc)) => match serde_json::from_str::<BTreeSet<(usize, usize, String)>>(&value) {
                Ok(set) => {
                    rejected.insert(doc, set);
                }
                Err(e) => diagnostics.push(unreadable("rejected suggestions", &e)),
            },
            Some(Key::Layer(doc, annotator)) => match serde_json::from_str::<Vec<Annotation>>(&value) {
                Ok(list) => {
                    layers.entry(doc).or_default().insert(annotator, list);
                }
                Err(e) => diagnostics.push(unreadable("layer", &e)),
            },
            Some(Key::Gazetteer) => match serde_json::from_str::<String>(&value) {
                Ok(text) => gazetteer = Some(text),
                Err(e) => diagnostics.push(unreadable("gazetteer", &e)),
            },
            Some(Key::Ent(id)) => match serde_json::from_str::<Entity>(&value) {
                Ok(e) if e.id == id => {
                    entities.insert(id, e);
                }
                Ok(_) => diagnostics.push(unreadable("entity", &"its id does not match its key")),
                Err(e) => diagnostics.push(unreadable("entity", &e)),
            },
            Some(Key::Rel(doc, id)) => match serde_json::from_str::<Relation>(&value) {
                Ok(r) if r.id == id => rels.entry(doc).or_default().push((r, Source::Own)),
                Ok(_) => diagnostics.push(unreadable("relation", &"its id does not match its key")),
                Err(e) => diagnostics.push(unreadable("relation", &e)),
            },
            Some(Key::Step(kind, n)) => {
                steps.insert((kind, n), value);
            }
            Some(Key::Ui) => ui_state = Some(value),
            Some(Key::Replica) => {}
            None => diagnostics.push(Diagnostic::new(Severity::Warning, "record-unknown", None, None, format!("the saved record {key} is not one this Spanmark knows; it was left as it is"))),
        }
    }

    if meta.is_none() {
        if let Some(json) = legacy {
            return migrate_layout_1(&json, diagnostics);
        }
        if docs.is_empty() && anns.is_empty() && rels.is_empty() && entities.is_empty() && steps.is_empty() {
            return Ok(Restored { workspace: None, store: Store { keys: BTreeSet::new(), ui_state, ..Store::default() }, diagnostics });
        }
        diagnostics.push(Diagnostic::new(Severity::Warning, "meta-missing", None, None, "the saved settings record is missing: the default labels are used"));
    }

    let mut schema = LabelSchema::empty();
    let (mut next_document, mut next_annotation) = (1, 1);
    let meta_layout = meta.as_ref().map_or(0, |m| m.layout);
    let order = match meta {
        Some(m) => {
            for label in m.labels {
                let id = label.id.clone();
                let (label, changes) = label.fitted();
                for change in changes {
                    diagnostics.push(Diagnostic::new(Severity::Warning, "label-changed", None, None, format!("saved {change}")));
                }
                if let Err(e) = schema.add(label) {
                    diagnostics.push(Diagnostic::new(Severity::Warning, "label-unreadable", None, None, format!("saved label {id:?}: {e}")));
                }
            }
            let relation_types = match m.relation_types {
                Some(types) => types,
                // Layout 2 had no relations: it gains the default types whose labels it has.
                None => LabelSchema::default_news().relation_types().to_vec(),
            };
            for rt in relation_types {
                let id = rt.id.clone();
                if let Err(e) = schema.add_relation_type(usize::MAX, rt) {
                    diagnostics.push(Diagnostic::new(Severity::Warning, "relation-type-unreadable", None, None, format!("saved relation type {id:?}: {e}")));
                }
            }
            let attributes = if m.layout < 3 { LabelSchema::default_news().attributes().to_vec() } else { m.attributes };
            for def in attributes {
                let id = def.id.clone();
                if let Err(e) = schema.add_attribute(usize::MAX, def) {
                    diagnostics.push(Diagnostic::new(Severity::Warning, "attribute-unreadable", None, None, format!("saved attribute {id:?}: {e}")));
                }
            }
            (next_document, next_annotation) = (m.next_document, m.next_annotation);
            analyst = m.analyst.filter(|a| !a.trim().is_empty()).unwrap_or(analyst);
            m.documents
        }
        None => {
            schema = LabelSchema::default_news();
            docs.keys().cloned().collect()
        }
    };
    // Fresh ids must never reuse one that a record holds, readable or not: the
    // counters go past every numbered id in any key, whatever the settings said.
    next_document = next_document.max(seen_ids.0 + 1);
    next_annotation = next_annotation.max(seen_ids.1 + 1);
    let listed: BTreeSet<&String> = order.iter().collect();
    let unlisted: Vec<String> = docs.keys().filter(|id| !listed.contains(id)).cloned().collect();
    let mut documents = Vec::with_capacity(docs.len());
    // Records to write again (migrated or misplaced), and what each page held that does
    // not fit (kept under "damaged" if that page is written again).
    let mut rewrite: BTreeSet<Key> = BTreeSet::new();
    let mut refused: BTreeMap<Key, Vec<Value>> = BTreeMap::new();
    for id in order.iter().chain(unlisted.iter()) {
        let Some(record) = docs.remove(id) else {
            diagnostics.push(Diagnostic::new(Severity::Error, "document-missing", Some(id), None, format!("the saved text of document {id:?} is missing")));
            continue;
        };
        let mut doc = match Document::new(record.id, record.name, record.text) {
            Ok(mut d) => {
                d.set_title_override(record.title);
                d
            }
            Err(e) => {
                diagnostics.push(Diagnostic::new(Severity::Error, "document-unreadable", Some(id), None, format!("document {id:?}: {e}")));
                continue;
            }
        };
        for (a, source) in anns.remove(id).unwrap_or_default() {
            let mut bad = None;
            if schema.get(&a.label).is_none() {
                let label = schema.label_for_unknown_id(&a.label);
                match schema.add(label) {
                    Ok(()) => diagnostics.push(Diagnostic::new(Severity::Warning, "label-added", Some(id), None, format!("label {:?} was missing from the saved labels and was added with a spare colour and no hotkey: set them again if it had others", a.label))),
                    Err(why) => bad = Some(format!("its label cannot be added: {why}")),
                }
            }
            let offsets = doc.offsets();
            let bad = bad
                .or_else(|| offsets.check_boundary(a.start_byte, Unit::Byte).err().map(|e| e.to_string()))
                .or_else(|| offsets.check_boundary(a.end_byte, Unit::Byte).err().map(|e| e.to_string()))
                .or_else(|| (a.start_byte >= a.end_byte).then(|| "the span is empty".to_owned()))
                .or_else(|| doc.annotations.contains_id(&a.id).then(|| "its id is stored twice".to_owned()))
                .or_else(|| {
                    doc.annotations
                        .find_exact(a.start_byte, a.end_byte, &a.label)
                        .map(|other| format!("it repeats annotation {:?} (same span and label)", other.id))
                });
            match bad {
                Some(why) => {
                    diagnostics.push(Diagnostic::new(Severity::Error, "annotation-unreadable", Some(id), Some(&a.id), format!("saved annotation {:?} does not fit its text ({why}) and was left as it is", a.id)));
                    settle(&mut rewrite, &mut refused, PageKind::Annotations, id, &a.id, source, Some(serde_json::to_value(&a).expect("plain data always serialises")));
                }
                None => {
                    settle(&mut rewrite, &mut refused, PageKind::Annotations, id, &a.id, source, None);
                    doc.annotations.insert(a);
                }
            }
        }
        doc.rejected = rejected.remove(id).unwrap_or_default();
        for (annotator, list) in layers.remove(id).unwrap_or_default() {
            let mut set = crate::annotation::AnnotationSet::new();
            let mut bad = 0;
            for a in list {
                let fits = doc.offsets().check_boundary(a.start_byte, Unit::Byte).is_ok() && doc.offsets().check_boundary(a.end_byte, Unit::Byte).is_ok() && a.start_byte < a.end_byte && !set.contains_id(&a.id);
                if fits {
                    set.insert(a);
                } else {
                    bad += 1;
                }
            }
            if bad > 0 {
                diagnostics.push(Diagnostic::new(Severity::Error, "layer-unreadable", Some(id), None, format!("{bad} saved annotation(s) of {annotator}'s layer do not fit the text and were left out")));
            }
            doc.layers.insert(annotator, set);
        }
        for (r, source) in rels.remove(id).unwrap_or_default() {
            let bad = if doc.relations.contains_id(&r.id) { Some("its id is stored twice".to_owned()) } else { Workspace::check_relation_with(&schema, &doc, &r).err().map(|e| e.to_string()) };
            match bad {
                Some(why) => {
                    diagnostics.push(Diagnostic::new(Severity::Error, "relation-unreadable", Some(id), Some(&r.id), format!("saved relation {:?} does not fit its document ({why}) and was left as it is", r.id)));
                    settle(&mut rewrite, &mut refused, PageKind::Relations, id, &r.id, source, Some(serde_json::to_value(&r).expect("plain data always serialises")));
                }
                None => {
                    settle(&mut rewrite, &mut refused, PageKind::Relations, id, &r.id, source, None);
                    doc.relations.insert(r);
                }
            }
        }
        documents.push(doc);
    }
    for (doc, list) in anns {
        diagnostics.push(Diagnostic::new(Severity::Error, "orphan-annotations", Some(&doc), None, format!("{} saved annotation(s) belong to document {doc:?}, whose text is missing", list.len())));
    }
    for (doc, list) in rels {
        diagnostics.push(Diagnostic::new(Severity::Error, "orphan-relations", Some(&doc), None, format!("{} saved relation(s) belong to document {doc:?}, whose text is missing", list.len())));
    }

    // History: each stack must be a contiguous run 0..n of readable steps. After a
    // damaged step only the newer steps are reachable, so the older ones are dropped.
    for (key, items) in refused {
        damaged.entry(key).or_insert_with(|| Value::Array(items).to_string());
    }
    if !rewrite.is_empty() && meta_layout < LAYOUT_VERSION {
        rewrite.insert(Key::Meta);
    }
    let mut store = Store { keys: rewrite, ui_state, damaged, preserved: BTreeSet::new() };
    let mut stacks = [Vec::new(), Vec::new()];
    for (stack, kept) in [Stack::Undo, Stack::Redo].into_iter().zip(stacks.iter_mut()) {
        let kind = if stack == Stack::Undo { "undo" } else { "redo" };
        let mut rewrite = false;
        let mut expected = 0;
        for ((_, n), value) in steps.range((stack, 0)..=(stack, usize::MAX)) {
            match serde_json::from_str::<Step>(value) {
                Ok(step) if *n == expected => kept.push(step),
                Ok(step) => {
                    kept.clear();
                    kept.push(step);
                    rewrite = true;
                }
                Err(e) => {
                    diagnostics.push(Diagnostic::new(Severity::Warning, "history-unreadable", None, None, format!("{kind} step {n} could not be read ({e}); older {kind} steps were dropped")));
                    kept.clear();
                    rewrite = true;
                }
            }
            expected = n + 1;
        }
        // Restoring writes nothing unless the history had to be renumbered.
        if rewrite {
            store.keys.extend(steps.range((stack, 0)..=(stack, usize::MAX)).map(|((_, n), _)| Key::Step(stack, *n)));
            store.keys.extend((0..kept.len()).map(|n| Key::Step(stack, n)));
        }
    }
    let [undo, redo] = stacks;
    for e in entities.values() {
        if schema.get(&e.kind).is_none() {
            let _ = schema.add(schema.label_for_unknown_id(&e.kind));
        }
    }
    for doc in &mut documents {
        let lost: Vec<String> = doc.annotations.iter().filter(|a| a.extra().entity.as_ref().is_some_and(|e| !entities.contains_key(e))).map(|a| a.id.clone()).collect();
        for id in lost {
            if let Some(a) = doc.annotations.get_mut(&id) {
                let e = a.extra.as_mut().and_then(|x| x.entity.take()).unwrap_or_default();
                if a.extra.as_ref().is_some_and(|x| x.is_empty()) {
                    a.extra = None;
                }
                diagnostics.push(Diagnostic::new(Severity::Warning, "entity-missing", Some(doc.id()), Some(&id), format!("saved annotation {id:?} links to entity {e:?}, whose record is missing; the link was dropped (the annotation is kept)")));
                store.keys.insert(Key::Page(PageKind::Annotations, doc.id().to_owned(), page_of(&id)));
            }
        }
    }
    let ws = Workspace::from_parts(WorkspaceParts { schema, documents, entities: entities.into_values().collect(), gazetteer, analyst, next_document, next_annotation, undo, redo });
    Ok(Restored { workspace: Some(ws), store, diagnostics })
}

fn migrate_layout_1(json: &str, mut diagnostics: Vec<Diagnostic>) -> Result<Restored, RestoreError> {
    let mut ws = Workspace::new(LabelSchema::empty());
    let report = ws.import_canonical(json).map_err(|e| RestoreError::Legacy(e.to_string()))?;
    diagnostics.extend(report.diagnostics);
    ws.clear_history();
    ws.take_changes();
    let mut store = Store::default();
    store.mark_all(&ws);
    store.keys.insert(Key::Legacy);
    diagnostics.push(Diagnostic::new(Severity::Info, "migrated", None, None, format!("the saved workspace was converted from layout 1 to layout {LAYOUT_VERSION}")));
    Ok(Restored { workspace: Some(ws), store, diagnostics })
}

/// What restoring an annotation or relation `id` of document `doc`, read from `source`,
/// leaves to write: a layout-3 record moves onto its page (and is deleted), an item on the
/// wrong page moves to its own; an item that does not fit (`refused`, as read) is what
/// its page must keep under `["damaged", key]` if that page is written again.
fn settle(rewrite: &mut BTreeSet<Key>, refused: &mut BTreeMap<Key, Vec<Value>>, kind: PageKind, doc: &str, id: &str, source: Source, refused_item: Option<Value>) {
    let home = Key::Page(kind, doc.to_owned(), page_of(id));
    match (source, refused_item) {
        (Source::Page(p), Some(item)) => refused.entry(Key::Page(kind, doc.to_owned(), p)).or_default().push(item),
        // A layout-3 record that does not fit stays where it is.
        (Source::Own, Some(_)) => {}
        (Source::Own, None) => {
            rewrite.insert(match kind {
                PageKind::Annotations => Key::Ann(doc.to_owned(), id.to_owned()),
                PageKind::Relations => Key::Rel(doc.to_owned(), id.to_owned()),
            });
            rewrite.insert(home);
        }
        (Source::Page(p), None) if p != page_of(id) => {
            rewrite.insert(Key::Page(kind, doc.to_owned(), p));
            rewrite.insert(home);
        }
        (Source::Page(_), None) => {}
    }
}

/// Where a stored annotation or relation was read from.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// A page of layout 4.
    Page(u32),
    /// A record of its own (layouts 2 and 3).
    Own,
}

/// The highest number of a fresh-style annotation or relation id (`"a12"`, `"r7"`) quoted
/// anywhere in `text`: what a damaged page may still say about the ids it held.
fn ids_in(text: &str) -> u64 {
    let bytes = text.as_bytes();
    let mut highest = 0;
    for (i, w) in bytes.windows(2).enumerate() {
        if w[0] == b'"' && (w[1] == b'a' || w[1] == b'r') {
            let digits = bytes[i + 2..].iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > 0 && bytes.get(i + 2 + digits) == Some(&b'"') {
                highest = highest.max(text[i + 2..i + 2 + digits].parse().unwrap_or(0));
            }
        }
    }
    highest
}

/// The number in a fresh-style id (`d12` → 12), if it is one.
fn id_number(id: &str, prefix: char) -> u64 {
    id.strip_prefix(prefix).and_then(|n| n.parse().ok()).unwrap_or(0)
}
