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
use smol_str::SmolStr;

use crate::annotation::Annotation;
use crate::document::Document;
use crate::offsets::Unit;
use crate::ops::{Changed, Stack, Step};
use crate::report::{Diagnostic, Severity};
use crate::entity::Entity;
use crate::relation::Relation;
use crate::schema::{AttributeDef, Label, LabelSchema, RelationType};
use crate::workspace::{Workspace, WorkspaceParts};

mod restore;
pub use restore::restore;

/// The record layout this build writes.
pub const LAYOUT_VERSION: u64 = 4;

/// How many pages a document's annotations, and its relations, are spread over.
pub const PAGES: u32 = 1024;

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

impl Key {
    /// Adds the keys of the records that hold what `changed` names to `keys`.
    fn add_changed(keys: &mut BTreeSet<Key>, changed: Changed) {
        let key = match changed {
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
            // Each page once, however many of the document's items it holds.
            Changed::Contents { doc, annotations, relations } => {
                for (kind, ids) in [(PageKind::Annotations, annotations), (PageKind::Relations, relations)] {
                    let mut on = vec![false; PAGES as usize];
                    for id in &ids {
                        on[page_of(id) as usize] = true;
                    }
                    let pages = (0..PAGES).filter(|p| on[*p as usize]);
                    keys.extend(pages.map(|page| Key::Page(kind, doc.clone(), page)));
                }
                return;
            }
            Changed::Entity(id) => Key::Ent(id),
            Changed::Rejections(doc) => Key::Rej(doc),
            Changed::Gazetteer => Key::Gazetteer,
            Changed::Layer { doc, annotator } => Key::Layer(doc, annotator),
            Changed::History { stack, index } => Key::Step(stack, index),
        };
        keys.insert(key);
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
    /// The ids on each page of one document, from one pass over it, kept while the
    /// workspace does not change: a large save is written in many slices, and a pass over
    /// the document for each made saving 1,000,000 annotations quadratic (80 slices).
    page_ids: Option<PageIds>,
}

/// Which annotations or relations of document `doc` each page holds (by page number), in
/// position order.
#[derive(Debug, Clone)]
struct PageIds {
    kind: PageKind,
    doc: String,
    ids: Vec<Vec<SmolStr>>,
}

impl Store {
    /// Moves what the workspace changed into the keys to write.
    fn collect(&mut self, ws: &mut Workspace) {
        for changed in ws.take_changes() {
            // Any change may move an item onto another page.
            self.page_ids = None;
            Key::add_changed(&mut self.keys, changed);
        }
    }

    /// Like [`page_values`], through the ids on each page of the document, found once for
    /// all the slices of a save.
    fn grouped_page_values(&mut self, ws: &Workspace, kind: PageKind, doc: &str, pages: &[u32], budget: usize) -> Vec<Option<String>> {
        let Ok(d) = ws.document(doc) else { return vec![None; pages.len()] };
        if !self.page_ids.as_ref().is_some_and(|p| p.kind == kind && p.doc == doc) {
            let mut ids = vec![Vec::new(); PAGES as usize];
            let mut put = |id: &str| ids[page_of(id) as usize].push(SmolStr::new(id));
            match kind {
                PageKind::Annotations => d.annotations().iter_with_ids().for_each(|(id, _)| put(id)),
                PageKind::Relations => d.relations().iter().for_each(|r| put(&r.id)),
            }
            self.page_ids = Some(PageIds { kind, doc: doc.to_owned(), ids });
        }
        let on = &self.page_ids.as_ref().expect("just found").ids;
        fn value<T: Serialize>(items: Vec<&T>) -> Option<String> {
            (!items.is_empty()).then(|| serde_json::to_string(&items).expect("plain data always serialises"))
        }
        let mut bytes = 0;
        let mut out = Vec::with_capacity(pages.len());
        for &p in pages {
            if bytes >= budget && !out.is_empty() {
                break;
            }
            let ids = on[p as usize].iter();
            let v = match kind {
                PageKind::Annotations => value(ids.filter_map(|id| d.annotations().get(id)).collect()),
                PageKind::Relations => value(ids.filter_map(|id| d.relations().get(id)).collect()),
            };
            bytes += v.as_ref().map_or(0, String::len);
            out.push(v);
        }
        out
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
                // same pass over its annotations, and written as far as the slice's
                // bytes allow; the others wait for the next slice.
                Key::Page(kind, doc, first) => {
                    let mut pages = vec![*first];
                    while taken.len() + pages.len() < limit {
                        match self.keys.first() {
                            Some(Key::Page(k, d, p)) if k == kind && d == doc => {
                                pages.push(*p);
                                self.keys.pop_first();
                            }
                            _ => break,
                        }
                    }
                    let room = budget.saturating_sub(bytes);
                    let values = if pages.len() == 1 { page_values(ws, *kind, doc, &pages, room) } else { self.grouped_page_values(ws, *kind, doc, &pages, room) };
                    for later in &pages[values.len()..] {
                        self.keys.insert(Key::Page(*kind, doc.clone(), *later));
                    }
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
        // The ids on the pages are kept only while pages of their document wait.
        if let Some(p) = &self.page_ids {
            if !self.keys.iter().any(|k| matches!(k, Key::Page(kind, doc, _) if *kind == p.kind && *doc == p.doc)) {
                self.page_ids = None;
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
            Key::Page(kind, doc, page) => page_values(ws, *kind, doc, &[*page], usize::MAX).pop().flatten(),
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
/// one pass over its annotations or relations: those of the first pages, in order, until
/// their values hold `budget` bytes (at least one page's).
fn page_values(ws: &Workspace, kind: PageKind, doc: &str, pages: &[u32], budget: usize) -> Vec<Option<String>> {
    let Ok(d) = ws.document(doc) else { return vec![None; pages.len()] };
    // Where each page goes in `pages` (usize::MAX: not asked for).
    let mut slot = vec![usize::MAX; PAGES as usize];
    for (i, p) in pages.iter().enumerate() {
        slot[*p as usize] = i;
    }
    fn bucket<'a, T: Serialize + 'a>(items: impl Iterator<Item = (&'a str, &'a T)>, slot: &[usize], n: usize, budget: usize) -> Vec<Option<String>> {
        let mut buckets: Vec<Vec<&T>> = (0..n).map(|_| Vec::new()).collect();
        for (id, item) in items {
            let i = slot[page_of(id) as usize];
            if i != usize::MAX {
                buckets[i].push(item);
            }
        }
        let mut bytes = 0;
        let mut out = Vec::with_capacity(n);
        for b in buckets {
            if bytes >= budget && !out.is_empty() {
                break;
            }
            let value = (!b.is_empty()).then(|| serde_json::to_string(&b).expect("plain data always serialises"));
            bytes += value.as_ref().map_or(0, String::len);
            out.push(value);
        }
        out
    }
    match kind {
        PageKind::Annotations => bucket(d.annotations().iter_with_ids(), &slot, pages.len(), budget),
        PageKind::Relations => bucket(d.relations().iter().map(|r| (r.id.as_str(), r)), &slot, pages.len(), budget),
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
