//! The replicated record: a workspace shared through Yjs (`yrs`), so that a team edits one
//! corpus from several browsers, offline first, and every replica converges.
//!
//! A [`Replica`] owns a `yrs::Doc` (inside a `yrs::sync::Awareness`, for presence) that
//! holds the shared state, and keeps one [`Workspace`] equal to the *view* of that state:
//!
//! - **Local edits.** The workspace journals the ops of the analyst's own actions (commit,
//!   undo, redo); [`Replica::record`] writes what they touched into one yrs transaction and
//!   returns the update to send. Undo stays per analyst: it undoes one's own steps, and the
//!   inverse ops it applies are recorded as new changes like any other.
//! - **Remote updates.** [`Replica::apply_update`] decodes a v1 update, applies it to the
//!   doc, collects the keys it touched (deep observers), works out the view of those keys
//!   and turns the difference into core ops, applied through the workspace's one `apply`
//!   path with no history step ([`Workspace::apply_remote`]).
//!
//! **The view** is a function of the shared state alone, the same on every replica, so
//! replicas that hold the same state show the same workspace whatever order updates came
//! in. An entry that does not fit (an annotation out of its text's range or inside a
//! character, an unknown label, a relation whose end is gone or whose type does not take
//! its ends' labels, a duplicate of an entry with a smaller id) stays in the doc but is not
//! shown; it comes back by itself if it fits again (the label is added back, the end
//! annotation restored). Concurrent writes to one field resolve as Yjs resolves them.
//!
//! Offsets in the doc are UTF-8 bytes, as everywhere in the core (`spanBytes`).
//!
//! ```
//! use spanmark_core::replica::Replica;
//! use spanmark_core::{LabelSchema, Workspace};
//!
//! // Alice starts a room from her workspace; Bob joins it with the room's state.
//! let mut alice = Workspace::default();
//! let doc = alice.add_document("kim.txt", "Kim Jong-un met Putin.").unwrap();
//! let mut alice_replica = Replica::from_workspace(&mut alice, "alice");
//! let mut bob = Workspace::new(LabelSchema::empty());
//! let (mut bob_replica, _) = Replica::join(&mut bob, "bob", &alice_replica.encode_state()).unwrap();
//!
//! // Alice tags a span; the update she sends becomes the same annotation at Bob's.
//! alice.add_annotation(&doc, 0..11, "PERSON").unwrap();
//! let update = alice_replica.record(&mut alice).unwrap().update;
//! let change = bob_replica.apply_update(&mut bob, &update).unwrap();
//! assert_eq!(change.effects.len(), 1);
//! assert_eq!(bob.export_canonical(None).unwrap(), alice.export_canonical(None).unwrap());
//! // Remote changes are not Bob's to undo.
//! assert!(bob.undo_summary().is_none());
//! ```

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use yrs::encoding::read::Cursor;
use yrs::sync::{Awareness, Clock, Message, MessageReader, SyncMessage};
use yrs::types::{EntryChange, Event, PathSegment};
use yrs::updates::decoder::{Decode, DecoderV1};
use yrs::updates::encoder::Encode;
use yrs::types::DeepObservable;
use yrs::{Any, Array, ArrayRef, Doc, Map, MapPrelim, MapRef, Options, Out, ReadTxn, StateVector, Transact, TransactionMut, Update, WriteTxn};

use crate::annotation::{Annotation, AnnotationExtra, EntityRef};
use crate::document::Document;
use crate::offsets::Unit;
use crate::ops::{EditError, Effect, Item, Op};
use crate::relation::Relation;
use crate::report::short;
use crate::schema::{AttributeDef, Label, LabelSchema, RelationType, MAX_NOTE_CHARS};
use crate::workspace::Workspace;

mod fields;
mod scan;
use fields::*;
use scan::decode_update;

/// The layout of the shared doc this build writes and reads.
pub const REPLICA_LAYOUT: u64 = 1;

/// Why a replica refused an update or a message. A refused update changes nothing in
/// the workspace.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    /// The bytes are not a Yjs update (v1 encoding) or a y-protocols message.
    #[error("the bytes are not a Yjs update or sync message ({0}); nothing changed")]
    Undecodable(String),
    /// yrs could not integrate the update.
    #[error("the update could not be applied ({0}); nothing changed")]
    Unappliable(String),
    /// A newer Spanmark wrote to the shared record, in a layout this one cannot read.
    #[error("the shared record has layout {found}, and this Spanmark reads up to layout {supported}: update Spanmark to keep syncing")]
    NewerLayout {
        /// The layout found.
        found: u64,
        /// The newest layout this build reads.
        supported: u64,
    },
    /// Everything the update brought fails to fit the schema or the texts; it is kept in
    /// the shared record (a replicated record cannot take it back) but never shown, on
    /// any replica.
    #[error("the update does not fit this workspace: {}", .0.iter().map(Refusal::to_string).collect::<Vec<_>>().join("; "))]
    DoesNotFit(Vec<Refusal>),
    /// The sync server refused access.
    #[error("the sync server refused access: {0}")]
    PermissionDenied(String),
    /// The workspace could not take the ops a local edit was turned into (a defect).
    #[error(transparent)]
    Edit(Box<EditError>),
}

impl From<EditError> for SyncError {
    fn from(e: EditError) -> Self {
        SyncError::Edit(Box::new(e))
    }
}

/// An entry of the shared record that is not shown because it does not fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The document's id, if the entry belongs to one.
    pub doc: Option<String>,
    /// What the entry is (`annotation`, `relation`, `document`, `label`…).
    pub kind: &'static str,
    /// Its id.
    pub id: String,
    /// Why it does not fit.
    pub reason: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.doc {
            Some(doc) => write!(f, "{} {:?} of document {doc:?}: {}", self.kind, short(&self.id, 40), self.reason),
            None => write!(f, "{} {:?}: {}", self.kind, short(&self.id, 40), self.reason),
        }
    }
}

/// Something the analyst should know about a change from another replica.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// Two analysts relabelled the same annotation at once; Yjs kept one label (`kept`), the
    /// same on every replica.
    Relabelled {
        /// The document's id.
        doc: String,
        /// The annotation's id.
        annotation: String,
        /// Who set which label, in the concurrent relabels: (analyst, label).
        labels: Vec<(String, String)>,
        /// The label the annotation has now.
        kept: String,
    },
    /// A relation is not shown because an annotation it links was removed (by someone else,
    /// at the same time as the relation was made or kept).
    RelationEndRemoved {
        /// The document's id.
        doc: String,
        /// The relation's id.
        relation: String,
        /// Its type.
        kind: String,
        /// The id of the annotation that is gone.
        end: String,
    },
}

impl Conflict {
    /// A sentence for the analyst.
    pub fn message(&self) -> String {
        match self {
            Conflict::Relabelled { labels, kept, .. } => {
                let who: Vec<String> = labels.iter().map(|(by, label)| format!("{by} chose {label}")).collect();
                format!("a span was relabelled by two people at once ({}); it is {kept} now", who.join(", "))
            }
            Conflict::RelationEndRemoved { kind, .. } => format!("a {kind} relation was removed: someone removed a span it linked"),
        }
    }
}

/// What a remote update (or the reconciliation after a local one) changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoteChange {
    /// What changed in the workspace, for the page to redraw.
    pub effects: Vec<Effect>,
    /// What the analyst should know.
    pub conflicts: Vec<Conflict>,
    /// Entries the update brought that are not shown because they do not fit.
    pub refused: Vec<Refusal>,
}

impl RemoteChange {
    fn merge(&mut self, other: RemoteChange) {
        self.effects.extend(other.effects);
        self.conflicts.extend(other.conflicts);
        self.refused.extend(other.refused);
    }
}

/// What recording the analyst's own edits produced.
#[derive(Debug, Clone, Default)]
pub struct LocalChange {
    /// The Yjs update (v1) to send to the other replicas; empty when nothing changed.
    pub update: Vec<u8>,
    /// Corrections the shared view made to the workspace (rare: e.g. an undo that brought
    /// back a span someone else had tagged the same way meanwhile).
    pub change: RemoteChange,
}

/// What handling a y-protocols message did.
#[derive(Debug, Clone, Default)]
pub struct Handled {
    /// Messages to send back to the peer (a sync step 2 answering a step 1, awareness
    /// answering a query).
    pub replies: Vec<Vec<u8>>,
    /// What the updates in it changed.
    pub change: RemoteChange,
    /// Whether presence (awareness) changed.
    pub presence_changed: bool,
}

/// A clock that counts: awareness only needs its timestamps to grow. A binding passes
/// the browser's clock instead (`SystemClock` does not exist on wasm32).
#[derive(Debug, Default)]
pub struct CountingClock(AtomicU64);

impl Clock for CountingClock {
    fn now(&self) -> u64 {
        self.0.fetch_add(1, Ordering::Relaxed) + 1
    }
}

/// What a transaction touched, in the record's terms.
#[derive(Debug, Default)]
struct Touch {
    /// Entities of the registry written by local ops (ids), or, for remote updates, whether
    /// the registry changed at all (it is compared whole: it is small).
    entities: BTreeSet<String>,
    registry: bool,
    schema: bool,
    /// Documents added, removed, or whose text or item maps were replaced.
    docs: BTreeSet<String>,
    /// Documents whose name or title changed.
    doc_meta: BTreeSet<String>,
    anns: BTreeMap<String, BTreeSet<String>>,
    rels: BTreeMap<String, BTreeSet<String>>,
    /// Relabel entries that arrived: (doc, annotation, key).
    relabels: Vec<(String, String, String)>,
    /// Whether the set of documents may have changed.
    docs_presence: bool,
    /// Whether the order of documents may have changed.
    order: bool,
    /// Documents whose set of annotations or relations may have changed: (doc, "anns"|"rels").
    presence: BTreeSet<(String, String)>,
}

impl Touch {
    fn is_empty(&self) -> bool {
        !self.schema && !self.registry && self.entities.is_empty() && !self.docs_presence && !self.order && self.docs.is_empty() && self.doc_meta.is_empty() && self.anns.is_empty() && self.rels.is_empty() && self.presence.is_empty()
    }
}

/// What one op touched. This is the one place that knows the list of [`Op`] variants:
/// a new variant gets its arm here (the compiler asks for it).
fn touch_of(op: &Op, touch: &mut Touch) {
    let ann = |t: &mut Touch, doc: &str, id: &str| {
        t.anns.entry(doc.to_owned()).or_default().insert(id.to_owned());
    };
    let rel = |t: &mut Touch, doc: &str, id: &str| {
        t.rels.entry(doc.to_owned()).or_default().insert(id.to_owned());
    };
    match op {
        Op::InsertAnnotation { doc, annotation } => ann(touch, doc, &annotation.id),
        Op::DeleteAnnotation { doc, id } | Op::SetLabel { doc, id, .. } => ann(touch, doc, id),
        Op::SetNote { doc, item, .. } | Op::SetAttribute { doc, item, .. } => match item {
            Item::Annotation(id) => ann(touch, doc, id),
            Item::Relation(id) => rel(touch, doc, id),
        },
        Op::InsertRelation { doc, relation } => rel(touch, doc, &relation.id),
        Op::DeleteRelation { doc, id } | Op::SetRelationType { doc, id, .. } => rel(touch, doc, id),
        Op::InsertDocument { document, .. } => {
            touch.docs.insert(document.id.clone());
        }
        Op::InsertBuilt { document, .. } => {
            touch.docs.insert(document.id().to_owned());
        }
        Op::DeleteDocument { id } => {
            touch.docs.insert(id.clone());
        }
        Op::SetDocumentName { doc, .. } | Op::SetDocumentTitle { doc, .. } => {
            touch.doc_meta.insert(doc.clone());
        }
        Op::InsertLabel { .. }
        | Op::DeleteLabel { .. }
        | Op::ReplaceLabel { .. }
        | Op::InsertRelationType { .. }
        | Op::DeleteRelationType { .. }
        | Op::ReplaceRelationType { .. }
        | Op::InsertAttribute { .. }
        | Op::DeleteAttribute { .. }
        | Op::ReplaceAttribute { .. } => touch.schema = true,
        // An entity link is a field of its annotation.
        Op::SetEntity { doc, annotation, .. } => ann(touch, doc, annotation),
        Op::InsertEntity { entity } | Op::ReplaceEntity { entity } => {
            touch.entities.insert(entity.id.clone());
        }
        Op::DeleteEntity { id } => {
            touch.entities.insert(id.clone());
        }
        // Not in the shared record: rejected suggestions, the gazetteer and colleagues'
        // imported layers stay with each analyst.
        Op::SetRejected { .. } | Op::SetGazetteer { .. } | Op::InsertLayer { .. } | Op::DeleteLayer { .. } => {}
    }
}

/// Entries of a document that are in the record but not shown, re-judged whenever the
/// document changes (they may come to fit).
#[derive(Debug, Default, Clone)]
struct Hidden {
    anns: BTreeSet<String>,
    rels: BTreeSet<String>,
}

/// One workspace shared through a Yjs doc. See the module docs.
pub struct Replica {
    awareness: Awareness,
    analyst: String,
    meta: MapRef,
    docs: MapRef,
    doc_order: ArrayRef,
    labels: MapRef,
    label_order: ArrayRef,
    relation_types: MapRef,
    relation_type_order: ArrayRef,
    attributes: MapRef,
    attribute_order: ArrayRef,
    /// The entity registry: entity id → the entity as JSON.
    entities: MapRef,
    touched: Rc<RefCell<Touch>>,
    hidden: BTreeMap<String, Hidden>,
    /// Documents in the record that are not shown (they do not fit).
    hidden_docs: BTreeSet<String>,
    /// Updates that arrived before what they build on, kept until it comes.
    waiting: Vec<Vec<u8>>,
    stamps: std::cell::Cell<u64>,
    /// Every update this record took in (local or remote) since [`Replica::take_log`]:
    /// what to append to the stored log instead of writing the whole record again.
    log: Vec<Vec<u8>>,
}

impl std::fmt::Debug for Replica {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replica").field("analyst", &self.analyst).field("client_id", &self.client_id()).field("waiting", &self.waiting.len()).finish_non_exhaustive()
    }
}

impl Replica {
    /// A replica with an empty record, for the analyst `analyst`, with a random Yjs client id
    /// and a counting clock.
    fn empty(analyst: &str, client_id: Option<u64>, clock: Arc<dyn Clock>) -> Replica {
        let doc = match client_id {
            Some(id) => Doc::with_options(Options::with_client_id(yrs::block::ClientID::new(id & ((1 << 53) - 1)))),
            None => Doc::new(),
        };
        let meta = doc.get_or_insert_map("meta");
        let docs = doc.get_or_insert_map("docs");
        let doc_order = doc.get_or_insert_array("docOrder");
        let labels = doc.get_or_insert_map("labels");
        let label_order = doc.get_or_insert_array("labelOrder");
        let relation_types = doc.get_or_insert_map("relationTypes");
        let relation_type_order = doc.get_or_insert_array("relationTypeOrder");
        let attributes = doc.get_or_insert_map("attributes");
        let attribute_order = doc.get_or_insert_array("attributeOrder");
        let entities = doc.get_or_insert_map("entities");
        let touched = Rc::new(RefCell::new(Touch::default()));
        let t = touched.clone();
        docs.observe_deep("spanmark", move |txn, events| collect_doc_events(txn, events, &mut t.borrow_mut()));
        for schema_part in [&labels, &relation_types, &attributes] {
            let t = touched.clone();
            schema_part.observe_deep("spanmark", move |_, _| t.borrow_mut().schema = true);
        }
        let t = touched.clone();
        doc_order.observe_deep("spanmark", move |_, _| t.borrow_mut().order = true);
        let t = touched.clone();
        entities.observe_deep("spanmark", move |_, _| t.borrow_mut().registry = true);
        for order in [&label_order, &relation_type_order, &attribute_order] {
            let t = touched.clone();
            order.observe_deep("spanmark", move |_, _| t.borrow_mut().schema = true);
        }
        Replica {
            awareness: Awareness::with_clock(doc, ArcClock(clock)),
            analyst: analyst.to_owned(),
            meta,
            docs,
            doc_order,
            labels,
            label_order,
            relation_types,
            relation_type_order,
            attributes,
            attribute_order,
            entities,
            touched,
            hidden: BTreeMap::new(),
            hidden_docs: BTreeSet::new(),
            waiting: Vec::new(),
            stamps: std::cell::Cell::new(0),
            log: Vec::new(),
        }
    }

    fn attach(&self, ws: &mut Workspace) {
        ws.start_journal(format!("-{}", base36(self.client_id())));
    }

    /// Starts a shared record from a workspace (a new room gets the workspace): its whole
    /// state is written as the first transaction. The workspace is attached: its fresh ids
    /// get a suffix unique to this replica, and its edits are journaled for [`Replica::record`].
    pub fn from_workspace(ws: &mut Workspace, analyst: &str) -> Replica {
        Self::from_workspace_with(ws, analyst, None, Arc::new(CountingClock::default()))
    }

    /// [`Replica::from_workspace`] with a chosen Yjs client id (unique among the replicas
    /// of a room; `None` draws one at random) and clock (for presence timestamps).
    pub fn from_workspace_with(ws: &mut Workspace, analyst: &str, client_id: Option<u64>, clock: Arc<dyn Clock>) -> Replica {
        let replica = Replica::empty(analyst, client_id, clock);
        replica.attach(ws);
        ws.take_journal();
        {
            let mut txn = replica.awareness.doc().transact_mut();
            replica.meta.insert(&mut txn, "layout", Any::from(REPLICA_LAYOUT as i64));
            replica.write_schema(&mut txn, ws);
            for e in ws.entities() {
                put_str(&replica.entities, &mut txn, &e.id, Some(&serde_json::to_string(e).unwrap_or_default()));
            }
            for d in ws.documents() {
                replica.write_document(&mut txn, d);
            }
            let order: Vec<String> = ws.documents().iter().map(|d| d.id().to_owned()).collect();
            sync_order(&mut txn, &replica.doc_order, &order);
        }
        replica.touched.borrow_mut().clone_from_default();
        replica
    }

    /// Joins a shared record: `state` is the room's state (a full update, as a sync step 2
    /// brings it, or one kept from an earlier session). The workspace becomes the view of
    /// it (its schema and documents are replaced; its history is kept).
    pub fn join(ws: &mut Workspace, analyst: &str, state: &[u8]) -> Result<(Replica, RemoteChange), SyncError> {
        Self::join_with(ws, analyst, state, None, Arc::new(CountingClock::default()))
    }

    /// [`Replica::join`] with a chosen Yjs client id and clock.
    pub fn join_with(ws: &mut Workspace, analyst: &str, state: &[u8], client_id: Option<u64>, clock: Arc<dyn Clock>) -> Result<(Replica, RemoteChange), SyncError> {
        let update = decode_update(state)?;
        let mut replica = Replica::empty(analyst, client_id, clock);
        {
            let mut txn = replica.awareness.doc().transact_mut();
            txn.apply_update(update).map_err(|e| SyncError::Unappliable(e.to_string()))?;
        }
        replica.touched.borrow_mut().clone_from_default();
        replica.check_layout()?;
        replica.attach(ws);
        ws.take_journal();
        let change = replica.rebuild(ws, Vec::new());
        Ok((replica, change))
    }

    /// The analyst this replica writes as (each annotation's `by`).
    pub fn analyst(&self) -> &str {
        &self.analyst
    }

    /// This replica's Yjs client id.
    pub fn client_id(&self) -> u64 {
        self.awareness.doc().client_id().get()
    }

    /// Who made an annotation (the analyst whose replica created it), if the record says.
    pub fn annotator(&self, doc: &str, annotation: &str) -> Option<String> {
        let txn = self.awareness.doc().transact();
        let d = get_map(&self.docs, &txn, doc)?;
        let a = get_map(&get_map(&d, &txn, "anns")?, &txn, annotation)?;
        get_str(&a, &txn, "by")
    }

    fn check_layout(&self) -> Result<(), SyncError> {
        let txn = self.awareness.doc().transact();
        match get_usize(&self.meta, &txn, "layout") {
            Some(found) if found as u64 > REPLICA_LAYOUT => Err(SyncError::NewerLayout { found: found as u64, supported: REPLICA_LAYOUT }),
            _ => Ok(()),
        }
    }

    // ---- Local edits ------------------------------------------------------------------------

    /// Records the analyst's own edits since the last call (the workspace's journal: the
    /// ops of commit, undo and redo) as one yrs transaction, and returns the update to
    /// send to the other replicas.
    pub fn record(&mut self, ws: &mut Workspace) -> Result<LocalChange, SyncError> {
        let ops = ws.take_journal();
        self.record_ops(ws, &ops)
    }

    /// Records `ops`, already applied to `ws`, as one yrs transaction: what each op touched
    /// is written as the workspace now has it (field by field, so that concurrent edits to
    /// different fields merge).
    pub fn record_ops(&mut self, ws: &mut Workspace, ops: &[Op]) -> Result<LocalChange, SyncError> {
        let mut touch = Touch::default();
        for op in ops {
            touch_of(op, &mut touch);
        }
        if touch.is_empty() {
            return Ok(LocalChange::default());
        }
        let before = self.awareness.doc().transact().state_vector();
        {
            let mut txn = self.awareness.doc().transact_mut();
            if touch.schema {
                self.write_schema(&mut txn, ws);
            }
            for id in &touch.entities {
                let json = ws.entity(id).ok().map(|e| serde_json::to_string(e).unwrap_or_default());
                put_str(&self.entities, &mut txn, id, json.as_deref());
            }
            for id in &touch.docs {
                match ws.document(id) {
                    Ok(d) => self.write_document(&mut txn, d),
                    Err(_) => {
                        self.docs.remove(&mut txn, id);
                    }
                }
            }
            if !touch.docs.is_empty() {
                let order: Vec<String> = ws.documents().iter().map(|d| d.id().to_owned()).collect();
                sync_order(&mut txn, &self.doc_order, &order);
            }
            for id in &touch.doc_meta {
                if let (Ok(d), Some(entry)) = (ws.document(id), get_map(&self.docs, &txn, id)) {
                    put_str(&entry, &mut txn, "name", Some(d.name()));
                    put_str(&entry, &mut txn, "title", d.title_override());
                }
            }
            for (doc, ids) in &touch.anns {
                let (Ok(d), Some(entry)) = (ws.document(doc), get_map(&self.docs, &txn, doc)) else { continue };
                let Some(anns) = get_map(&entry, &txn, "anns") else { continue };
                for id in ids {
                    match d.annotations().get(id) {
                        Some(a) => self.write_annotation(&mut txn, &anns, a),
                        None => {
                            anns.remove(&mut txn, id);
                        }
                    }
                }
            }
            for (doc, ids) in &touch.rels {
                let (Ok(d), Some(entry)) = (ws.document(doc), get_map(&self.docs, &txn, doc)) else { continue };
                let Some(rels) = get_map(&entry, &txn, "rels") else { continue };
                for id in ids {
                    match d.relations().get(id) {
                        Some(r) => self.write_relation(&mut txn, &rels, r),
                        None => {
                            rels.remove(&mut txn, id);
                        }
                    }
                }
            }
        }
        self.touched.borrow_mut().clone_from_default();
        let update = self.awareness.doc().transact().encode_state_as_update_v1(&before);
        if !update.is_empty() {
            self.log.push(update.clone());
        }
        // The view of what was written is the workspace, except in rare cases (an undo that
        // brings back what someone else has since duplicated): reconcile those.
        let change = self.reconcile(ws, touch)?;
        Ok(LocalChange { update, change })
    }

    fn next_stamp(&self) -> String {
        self.stamps.set(self.stamps.get() + 1);
        format!("{}.{}", base36(self.client_id()), self.stamps.get())
    }

    fn write_schema(&self, txn: &mut TransactionMut, ws: &Workspace) {
        let schema = ws.schema();
        fn part<T: serde::Serialize>(txn: &mut TransactionMut, map: &MapRef, order: &ArrayRef, items: &[T], id: impl Fn(&T) -> &str) {
            let ids: Vec<String> = items.iter().map(|i| id(i).to_owned()).collect();
            let keep: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
            let stale: Vec<String> = map.keys(txn).filter(|k| !keep.contains(k)).map(str::to_owned).collect();
            for k in stale {
                map.remove(txn, &k);
            }
            for item in items {
                let json = serde_json::to_string(item).unwrap_or_default();
                put_str(map, txn, id(item), Some(&json));
            }
            sync_order(txn, order, &ids);
        }
        part(txn, &self.labels, &self.label_order, schema.labels(), |l: &Label| &l.id);
        part(txn, &self.relation_types, &self.relation_type_order, schema.relation_types(), |t: &RelationType| &t.id);
        part(txn, &self.attributes, &self.attribute_order, schema.attributes(), |a: &AttributeDef| &a.id);
    }

    /// Writes a document whole: anew if the record lacks it or holds another text under its
    /// id, field by field otherwise.
    fn write_document(&self, txn: &mut TransactionMut, d: &Document) {
        let existing = get_map(&self.docs, txn, d.id()).filter(|e| get_str(e, txn, "text").as_deref() == Some(d.text()));
        let entry = match existing {
            Some(e) => e,
            None => {
                // Field by field, in a fixed order (a MapPrelim is a HashMap, whose order, and
                // so the items' clocks, would differ from run to run).
                let e = self.docs.insert(txn, d.id(), MapPrelim::default());
                e.insert(txn, "text", Any::from(d.text()));
                e.insert(txn, "anns", MapPrelim::default());
                e.insert(txn, "rels", MapPrelim::default());
                e
            }
        };
        put_str(&entry, txn, "name", Some(d.name()));
        put_str(&entry, txn, "title", d.title_override());
        let anns = match get_map(&entry, txn, "anns") {
            Some(m) => m,
            None => entry.insert(txn, "anns", MapPrelim::default()),
        };
        let rels = match get_map(&entry, txn, "rels") {
            Some(m) => m,
            None => entry.insert(txn, "rels", MapPrelim::default()),
        };
        let stale: Vec<String> = anns.keys(txn).filter(|k| !d.annotations().contains_id(k)).map(str::to_owned).collect();
        for k in stale {
            anns.remove(txn, &k);
        }
        for a in d.annotations().iter() {
            self.write_annotation(txn, &anns, a);
        }
        let stale: Vec<String> = rels.keys(txn).filter(|k| !d.relations().contains_id(k)).map(str::to_owned).collect();
        for k in stale {
            rels.remove(txn, &k);
        }
        for r in d.relations().iter() {
            self.write_relation(txn, &rels, r);
        }
    }

    fn write_annotation(&self, txn: &mut TransactionMut, anns: &MapRef, a: &Annotation) {
        let entry = match get_map(anns, txn, &a.id) {
            Some(e) => e,
            None => {
                let e = anns.insert(txn, a.id.as_str(), MapPrelim::default());
                e.insert(txn, "label", Any::from(a.label.as_str()));
                e.insert(txn, "by", Any::from(self.analyst.as_str()));
                e
            }
        };
        if get_span(&entry, txn) != Some((a.start_byte, a.end_byte)) {
            entry.insert(txn, "spanBytes", Any::from(vec![Any::from(a.start_byte as i64), Any::from(a.end_byte as i64)]));
        }
        if get_str(&entry, txn, "label").as_deref() != Some(a.label.as_str()) {
            let base = get_str(&entry, txn, "labelStamp").unwrap_or_default();
            let stamp = self.next_stamp();
            entry.insert(txn, "label", Any::from(a.label.as_str()));
            entry.insert(txn, "labelStamp", Any::from(stamp.as_str()));
            entry.insert(txn, format!("{RELABEL}{stamp}"), Any::from(format!("{base}{SEP}{}{SEP}{}", a.label, self.analyst)));
        }
        write_extra(&entry, txn, a.extra());
    }

    fn write_relation(&self, txn: &mut TransactionMut, rels: &MapRef, r: &Relation) {
        let entry = match get_map(rels, txn, &r.id) {
            Some(e) => e,
            None => {
                let e = rels.insert(txn, r.id.as_str(), MapPrelim::default());
                e.insert(txn, "by", Any::from(self.analyst.as_str()));
                e
            }
        };
        put_str(&entry, txn, "type", Some(&r.kind));
        put_str(&entry, txn, "from", Some(&r.from));
        put_str(&entry, txn, "to", Some(&r.to));
        write_extra(&entry, txn, r.extra());
    }

    // ---- Remote updates ---------------------------------------------------------------------

    /// Applies an update from another replica (v1 encoding): decodes it (undecodable bytes
    /// are refused before anything changes), integrates it into the record, and brings the
    /// workspace to the view of what it touched, with no history step.
    ///
    /// Content that does not fit (see [`Refusal`]) is kept in the record but not shown, on
    /// every replica alike; when nothing the update brought fits, it is refused with
    /// [`SyncError::DoesNotFit`] and the workspace is unchanged.
    pub fn apply_update(&mut self, ws: &mut Workspace, update: &[u8]) -> Result<RemoteChange, SyncError> {
        let decoded = decode_update(update)?;
        // Whatever of it the record takes in (even what is not shown) is in the log; an
        // update applied twice changes nothing, so logging one that is refused is harmless.
        self.log.push(update.to_vec());
        let mut touch = Touch::default();
        self.integrate(decoded, &mut touch)?;
        // What waited may go in now; retry while the record grows.
        loop {
            if self.waiting.is_empty() {
                break;
            }
            let before = self.awareness.doc().transact().state_vector();
            for waiting in std::mem::take(&mut self.waiting) {
                if let Ok(decoded) = Update::decode_v1(&waiting) {
                    self.integrate(decoded, &mut touch)?;
                }
            }
            if self.awareness.doc().transact().state_vector() == before {
                break;
            }
        }
        self.check_layout()?;
        let change = self.reconcile(ws, touch)?;
        if change.effects.is_empty() && change.conflicts.is_empty() && !change.refused.is_empty() {
            return Err(SyncError::DoesNotFit(change.refused));
        }
        Ok(change)
    }

    /// Integrates an update into the record, and files what it touched. What builds on
    /// something this replica has not seen yet waits in `waiting` (not in yrs: a map entry
    /// that comes in through yrs 0.28's own pending updates can leave its in-memory map
    /// pointing at a deleted item, so the record keeps no pending update).
    fn integrate(&mut self, update: Update, touch: &mut Touch) -> Result<(), SyncError> {
        self.touched.borrow_mut().clone_from_default();
        let rest = {
            let mut txn = self.awareness.doc().transact_mut();
            txn.apply_update(update).map_err(|e| SyncError::Unappliable(e.to_string()))?;
            txn.prune_pending()
        };
        touch.merge(std::mem::take(&mut *self.touched.borrow_mut()));
        if let Some(rest) = rest {
            self.waiting.push(rest.encode_v1());
        }
        Ok(())
    }

    /// Brings the workspace to the view of what `touch` names.
    fn reconcile(&mut self, ws: &mut Workspace, mut touch: Touch) -> Result<RemoteChange, SyncError> {
        let mut change = RemoteChange::default();
        change.conflicts.extend(self.relabel_conflicts(&touch));
        if touch.is_empty() {
            return Ok(change);
        }
        if touch.schema {
            let (schema, refused) = self.view_schema();
            if &schema != ws.schema() {
                let mut rebuilt = self.rebuild(ws, Vec::new());
                rebuilt.conflicts.extend(change.conflicts);
                return Ok(rebuilt);
            }
            change.refused.extend(refused);
            // The same schema: what it hid may fit now (a label restored by an undo).
            // (Judging a document judges its hidden entries; they were reported when they came.)
            for (doc, hidden) in &self.hidden {
                if !hidden.anns.is_empty() || !hidden.rels.is_empty() {
                    touch.anns.entry(doc.clone()).or_default();
                }
            }
        }
        // The registry: new and changed entities go in before the annotations that link to
        // them; entities gone from the record go after the links to them are gone.
        // (A change of schema may let in an entity whose type was missing.)
        let registry_changed = std::mem::take(&mut touch.registry) || touch.schema;
        let (entity_ops, entity_deletes) = if registry_changed { self.registry_ops(ws, &mut change.refused) } else { (Vec::new(), Vec::new()) };
        if registry_changed {
            // Every link, in the record or shown, is judged again: one to an entity that
            // came or went shows or hides with it.
            let txn = self.awareness.doc().transact();
            for d in ws.documents() {
                let linked = touch.anns.entry(d.id().to_owned()).or_default();
                linked.extend(d.annotations().iter().filter(|a| a.extra().entity.is_some()).map(|a| a.id.clone()));
                if let Some(anns) = get_map(&self.docs, &txn, d.id()).and_then(|e| get_map(&e, &txn, "anns")) {
                    for (id, value) in anns.iter(&txn) {
                        if let Out::YMap(m) = value {
                            if get_str(&m, &txn, "entity").is_some() {
                                linked.insert(id.to_owned());
                            }
                        }
                    }
                }
            }
        }
        if !entity_ops.is_empty() {
            match ws.apply_remote(entity_ops) {
                Ok(effects) => change.effects.extend(effects),
                Err(_) => return Ok(self.rebuild(ws, change.refused)),
            }
        }
        // Documents added, removed or replaced.
        let mut doc_ops = Vec::new();
        let present: BTreeSet<String> = {
            let txn = self.awareness.doc().transact();
            self.docs.keys(&txn).map(str::to_owned).collect()
        };
        if std::mem::take(&mut touch.docs_presence) {
            let shown: BTreeSet<String> = ws.documents().iter().map(|d| d.id().to_owned()).collect();
            touch.docs.extend(present.symmetric_difference(&shown).filter(|id| !self.hidden_docs.contains(*id)).cloned());
        }
        for (doc, which) in std::mem::take(&mut touch.presence) {
            let Ok(d) = ws.document(&doc) else { continue };
            let txn = self.awareness.doc().transact();
            let Some(map) = get_map(&self.docs, &txn, &doc).and_then(|e| get_map(&e, &txn, &which)) else { continue };
            let keys: BTreeSet<String> = map.keys(&txn).map(str::to_owned).collect();
            let hidden = self.hidden.get(&doc);
            let (shown, set, hidden): (BTreeSet<String>, _, _) = if which == "anns" {
                (d.annotations().iter().map(|a| a.id.clone()).collect(), &mut touch.anns, hidden.map(|h| &h.anns))
            } else {
                (d.relations().iter().map(|r| r.id.clone()).collect(), &mut touch.rels, hidden.map(|h| &h.rels))
            };
            let known: BTreeSet<String> = shown.into_iter().chain(hidden.into_iter().flatten().cloned()).collect();
            set.entry(doc.clone()).or_default().extend(keys.symmetric_difference(&known).cloned());
        }
        let order = {
            let txn = self.awareness.doc().transact();
            view_order(&txn, &self.doc_order, &present)
        };
        let mut shown: Vec<String> = ws.documents().iter().map(|d| d.id().to_owned()).collect();
        let docs_touched = !touch.docs.is_empty();
        for id in std::mem::take(&mut touch.docs) {
            let view = self.view_document(&id, ws.schema());
            let current = ws.document(&id).ok();
            match (view, current) {
                (Err(refusal), current) => {
                    if refusal.is_some() {
                        self.hidden_docs.insert(id.clone());
                    } else {
                        self.hidden_docs.remove(&id);
                    }
                    change.refused.extend(refusal);
                    if current.is_some() {
                        doc_ops.push(Op::DeleteDocument { id: id.clone() });
                        shown.retain(|d| *d != id);
                    }
                    self.hidden.remove(&id);
                }
                (Ok((view, hidden, refused)), current) => {
                    self.hidden_docs.remove(&id);
                    change.refused.extend(refused);
                    if current.is_some_and(|c| c.text() == view.text()) {
                        // The same document: judge every entry of it.
                        touch.doc_meta.insert(id.clone());
                        let txn = self.awareness.doc().transact();
                        if let Some(e) = get_map(&self.docs, &txn, &id) {
                            touch.anns.entry(id.clone()).or_default().extend(get_map(&e, &txn, "anns").map(|m| m.keys(&txn).map(str::to_owned).collect::<Vec<_>>()).unwrap_or_default());
                            touch.rels.entry(id.clone()).or_default().extend(get_map(&e, &txn, "rels").map(|m| m.keys(&txn).map(str::to_owned).collect::<Vec<_>>()).unwrap_or_default());
                        }
                        let d = ws.document(&id)?;
                        touch.anns.entry(id.clone()).or_default().extend(d.annotations().iter().map(|a| a.id.clone()));
                        touch.rels.entry(id.clone()).or_default().extend(d.relations().iter().map(|r| r.id.clone()));
                        continue;
                    }
                    if current.is_some() {
                        doc_ops.push(Op::DeleteDocument { id: id.clone() });
                        shown.retain(|d| *d != id);
                    }
                    // Where it goes: after the shown documents that come before it in the view's order.
                    let rank: BTreeMap<&str, usize> = order.iter().enumerate().map(|(i, d)| (d.as_str(), i)).collect();
                    let mine = rank.get(id.as_str()).copied().unwrap_or(usize::MAX);
                    let index = shown.iter().take_while(|d| rank.get(d.as_str()).copied().unwrap_or(usize::MAX) < mine).count();
                    shown.insert(index, id.clone());
                    self.hidden.insert(id.clone(), hidden);
                    doc_ops.push(Op::InsertBuilt { index, document: Box::new(view) });
                }
            }
        }
        if !doc_ops.is_empty() {
            match ws.apply_remote(doc_ops) {
                Ok(effects) => change.effects.extend(effects),
                Err(_) => return Ok(self.rebuild(ws, change.refused)),
            }
        }
        // The order of documents follows the record's (an insertion placed before the
        // order array caught up, or concurrent insertions, may have put one elsewhere).
        if touch.order || docs_touched {
            let order = {
                let txn = self.awareness.doc().transact();
                let present: BTreeSet<String> = self.docs.keys(&txn).map(str::to_owned).collect();
                view_order(&txn, &self.doc_order, &present)
            };
            if ws.reorder_documents(&order) {
                change.effects.push(Effect::Documents);
            }
        }
        // Names and titles.
        let mut meta_ops = Vec::new();
        {
            let txn = self.awareness.doc().transact();
            for id in &touch.doc_meta {
                let (Ok(d), Some(e)) = (ws.document(id), get_map(&self.docs, &txn, id)) else { continue };
                // The same rule as `view_document`: a missing or blank name shows the id.
                let name = get_str(&e, &txn, "name").filter(|n| !n.trim().is_empty()).unwrap_or_else(|| id.clone());
                if name != d.name() {
                    meta_ops.push(Op::SetDocumentName { doc: id.clone(), name });
                }
                let title = get_str(&e, &txn, "title").map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
                if title.as_deref() != d.title_override() {
                    meta_ops.push(Op::SetDocumentTitle { doc: id.clone(), title });
                }
            }
        }
        // Annotations and relations.
        let docs: BTreeSet<String> = touch.anns.keys().chain(touch.rels.keys()).cloned().collect();
        let mut item_ops = meta_ops;
        let mut later = Vec::new();
        for doc in docs {
            if ws.document(&doc).is_err() {
                continue;
            }
            let anns = touch.anns.remove(&doc).unwrap_or_default();
            let rels = touch.rels.remove(&doc).unwrap_or_default();
            let (first, then, sub) = self.reconcile_items(ws, &doc, anns, rels);
            item_ops.extend(first);
            later.extend(then);
            change.merge(sub);
        }
        item_ops.extend(later);
        if !item_ops.is_empty() {
            match ws.apply_remote(item_ops) {
                Ok(effects) => change.effects.extend(effects),
                Err(_) => return Ok(self.rebuild(ws, change.refused)),
            }
        }
        for op in entity_deletes {
            // An entity still linked here (a link the record does not hold yet) stays until
            // the next change to the registry.
            if let Ok(effects) = ws.apply_remote(vec![op]) {
                change.effects.extend(effects);
            }
        }
        Ok(change)
    }

    /// The entities of the record's registry the view shows: valid, and of a known type.
    fn registry_ids<T: ReadTxn>(&self, txn: &T, schema: &LabelSchema) -> BTreeSet<String> {
        self.entities
            .keys(txn)
            .filter(|id| get_str(&self.entities, txn, id).and_then(|j| serde_json::from_str::<crate::entity::Entity>(&j).ok()).is_some_and(|e| e.id == *id && schema.get(&e.kind).is_some()))
            .map(str::to_owned)
            .collect()
    }

    /// The ops that bring the workspace's registry to the record's: inserts and replacements
    /// (to apply before the annotations), and deletions (after). An entry that is not a
    /// valid entity, or whose type is not a label, is refused.
    fn registry_ops(&self, ws: &Workspace, refused: &mut Vec<Refusal>) -> (Vec<Op>, Vec<Op>) {
        let txn = self.awareness.doc().transact();
        let mut view: BTreeMap<String, crate::entity::Entity> = BTreeMap::new();
        for id in self.entities.keys(&txn) {
            match get_str(&self.entities, &txn, id).map(|j| serde_json::from_str::<crate::entity::Entity>(&j)) {
                Some(Ok(e)) if e.id == id && ws.schema().get(&e.kind).is_some() => {
                    view.insert(id.to_owned(), e);
                }
                _ => refused.push(Refusal { doc: None, kind: "entity", id: id.to_owned(), reason: "it is not a valid entity of a known type".to_owned() }),
            }
        }
        let mut first = Vec::new();
        for (id, e) in &view {
            match ws.entity(id) {
                Ok(now) if now == e => {}
                Ok(_) => first.push(Op::ReplaceEntity { entity: e.clone() }),
                Err(_) => first.push(Op::InsertEntity { entity: e.clone() }),
            }
        }
        let then = ws.entities().filter(|e| !view.contains_key(&e.id)).map(|e| Op::DeleteEntity { id: e.id.clone() }).collect();
        (first, then)
    }

    /// The conflicts among the relabel entries that arrived.
    fn relabel_conflicts(&self, touch: &Touch) -> Vec<Conflict> {
        let txn = self.awareness.doc().transact();
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for (doc, ann, key) in &touch.relabels {
            let Some(entry) = get_map(&self.docs, &txn, doc).and_then(|d| get_map(&d, &txn, "anns")).and_then(|a| get_map(&a, &txn, ann)) else { continue };
            let parse = |v: String| {
                let mut parts = v.splitn(3, SEP).map(str::to_owned);
                Some((parts.next()?, parts.next()?, parts.next()?))
            };
            let Some((base, _, _)) = get_str(&entry, &txn, key).and_then(parse) else { continue };
            let mut labels: Vec<(String, String, String)> = entry
                .iter(&txn)
                .filter_map(|(k, v)| match v {
                    Out::Any(Any::String(s)) if k.starts_with(RELABEL) => parse(s.to_string()).map(|p| (k.to_owned(), p)),
                    _ => None,
                })
                .filter(|(_, (b, _, _))| *b == base)
                .map(|(k, (_, label, by))| (k, by, label))
                .collect();
            if labels.len() > 1 && seen.insert((doc.clone(), ann.clone(), base.clone())) {
                labels.sort();
                let kept = get_str(&entry, &txn, "label").unwrap_or_default();
                out.push(Conflict::Relabelled { doc: doc.clone(), annotation: ann.clone(), labels: labels.into_iter().map(|(_, by, l)| (by, l)).collect(), kept });
            }
        }
        out
    }

    /// The ops that bring the touched annotations and relations of one document to their
    /// view: those to apply first (removals, relabels) and those to apply after every
    /// document's first ones (insertions).
    fn reconcile_items(&mut self, ws: &Workspace, doc_id: &str, touched_anns: BTreeSet<String>, touched_rels: BTreeSet<String>) -> (Vec<Op>, Vec<Op>, RemoteChange) {
        let mut change = RemoteChange::default();
        let Ok(d) = ws.document(doc_id) else { return (Vec::new(), Vec::new(), change) };
        let schema = ws.schema();
        let hidden = self.hidden.remove(doc_id).unwrap_or_default();
        let txn = self.awareness.doc().transact();
        let entry = get_map(&self.docs, &txn, doc_id);
        let anns_map = entry.as_ref().and_then(|e| get_map(e, &txn, "anns"));
        let rels_map = entry.as_ref().and_then(|e| get_map(e, &txn, "rels"));
        let registry = self.registry_ids(&txn, schema);
        let read_ann = |id: &str| read_annotation(&txn, id, anns_map.as_ref().and_then(|m| m.get(&txn, id)), d, schema, &registry);
        let read_rel = |id: &str| read_relation(&txn, id, rels_map.as_ref().and_then(|m| m.get(&txn, id)), schema);

        // Annotations: the touched, the hidden, and the shown ones they may duplicate.
        let mut cands: BTreeSet<String> = touched_anns.iter().chain(&hidden.anns).cloned().collect();
        let mut parsed: BTreeMap<String, Option<Annotation>> = BTreeMap::new();
        let mut present_but_hidden = BTreeSet::new();
        for id in cands.clone() {
            let a = match read_ann(&id) {
                Ok(a) => a,
                Err(reason) => {
                    present_but_hidden.insert(id.clone());
                    if touched_anns.contains(&id) {
                        change.refused.push(Refusal { doc: Some(doc_id.to_owned()), kind: "annotation", id: id.clone(), reason });
                    }
                    None
                }
            };
            if let Some(a) = &a {
                if let Some(other) = d.annotations().find_exact(a.start_byte, a.end_byte, &a.label) {
                    cands.insert(other.id.clone());
                }
            }
            parsed.insert(id, a);
        }
        for id in &cands {
            if !parsed.contains_key(id) {
                let a = read_ann(id).ok().flatten();
                parsed.insert(id.clone(), a);
            }
        }
        // Of duplicates (same span and label), the smallest id is shown.
        let mut first_of: BTreeMap<(usize, usize, String), String> = BTreeMap::new();
        for a in parsed.values().flatten() {
            first_of.entry(span_key(a)).and_modify(|id| if a.id < *id { a.id.clone_into(id) }).or_insert_with(|| a.id.clone());
        }
        let target_ann: BTreeMap<String, Option<Annotation>> = parsed
            .into_iter()
            .map(|(id, a)| {
                let a = a.filter(|a| first_of.get(&span_key(a)) == Some(&a.id));
                (id, a)
            })
            .collect();
        let mut new_hidden = Hidden::default();
        for (id, a) in &target_ann {
            if a.is_none() && (present_but_hidden.contains(id) || anns_map.as_ref().is_some_and(|m| m.contains_key(&txn, id))) {
                new_hidden.anns.insert(id.clone());
            }
        }
        // Annotations whose presence, span or label changes take their relations with them.
        let changes_shape = |id: &str| -> bool {
            let now = d.annotations().get(id);
            match (now, target_ann.get(id)) {
                (_, None) => false,
                (Some(n), Some(Some(t))) => n.start_byte != t.start_byte || n.end_byte != t.end_byte || n.label != t.label || n.extra().refs != t.extra().refs,
                (None, Some(None)) => false,
                _ => true,
            }
        };
        let end_now = |id: &str| -> Option<Annotation> {
            match target_ann.get(id) {
                Some(t) => t.clone(),
                None => d.annotations().get(id).cloned(),
            }
        };

        // Relations: the touched, the hidden, those of annotations that change shape.
        let mut rel_cands: BTreeSet<String> = touched_rels.iter().chain(&hidden.rels).cloned().collect();
        for id in target_ann.keys() {
            if changes_shape(id) || target_ann.get(id).is_some_and(Option::is_none) {
                rel_cands.extend(d.relations().of(id).map(|r| r.id.clone()));
            }
        }
        let mut rel_parsed: BTreeMap<String, Option<Relation>> = BTreeMap::new();
        for id in rel_cands.clone() {
            let r = match read_rel(&id) {
                Ok(r) => r,
                Err(reason) => {
                    new_hidden.rels.insert(id.clone());
                    if touched_rels.contains(&id) {
                        change.refused.push(Refusal { doc: Some(doc_id.to_owned()), kind: "relation", id: id.clone(), reason });
                    }
                    None
                }
            };
            let r = r.and_then(|r| {
                let (from, to) = (end_now(&r.from), end_now(&r.to));
                let missing = if from.is_none() { Some(&r.from) } else if to.is_none() { Some(&r.to) } else { None };
                if let Some(end) = missing {
                    new_hidden.rels.insert(id.clone());
                    let was_shown = d.relations().contains_id(&id);
                    if was_shown || touched_rels.contains(&id) {
                        change.conflicts.push(Conflict::RelationEndRemoved { doc: doc_id.to_owned(), relation: id.clone(), kind: r.kind.clone(), end: end.clone() });
                    }
                    return None;
                }
                let (from, to) = (from?, to?);
                let rt = schema.relation_type(&r.kind)?;
                let takes = |list: &[String], label: &str| list.is_empty() || list.iter().any(|l| l == label);
                let fits = |f: &str, t: &str| takes(&rt.from_labels, f) && takes(&rt.to_labels, t);
                let fit = fits(&from.label, &to.label) || (!rt.directed && fits(&to.label, &from.label));
                if r.from == r.to || !fit {
                    new_hidden.rels.insert(id.clone());
                    if touched_rels.contains(&id) {
                        change.refused.push(Refusal { doc: Some(doc_id.to_owned()), kind: "relation", id: id.clone(), reason: format!("{} does not take {} → {}", r.kind, from.label, to.label) });
                    }
                    return None;
                }
                Some(r)
            });
            if let Some(r) = &r {
                // Shown relations it may duplicate are judged with it.
                for other in d.relations().of(&r.from) {
                    if other.id != r.id && link_key(other, schema) == link_key(r, schema) {
                        rel_cands.insert(other.id.clone());
                    }
                }
            }
            rel_parsed.insert(id, r);
        }
        for id in &rel_cands {
            if !rel_parsed.contains_key(id) {
                let r = read_rel(id).ok().flatten().filter(|r| end_now(&r.from).is_some() && end_now(&r.to).is_some());
                rel_parsed.insert(id.clone(), r);
            }
        }
        let mut first_link: BTreeMap<(String, String, String), String> = BTreeMap::new();
        for r in rel_parsed.values().flatten() {
            first_link.entry(link_key(r, schema)).and_modify(|id| if r.id < *id { r.id.clone_into(id) }).or_insert_with(|| r.id.clone());
        }
        let target_rel: BTreeMap<String, Option<Relation>> = rel_parsed
            .into_iter()
            .map(|(id, r)| {
                let r = r.filter(|r| first_link.get(&link_key(r, schema)) == Some(&r.id));
                (id, r)
            })
            .collect();
        for (id, r) in &target_rel {
            if r.is_none() && rels_map.as_ref().is_some_and(|m| m.contains_key(&txn, id)) {
                new_hidden.rels.insert(id.clone());
            }
        }
        drop(txn);
        self.hidden.insert(doc_id.to_owned(), new_hidden);

        // The ops, in an order every check accepts.
        let doc = doc_id.to_owned();
        let mut first = Vec::new();
        let mut then = Vec::new();
        let mut readd_rels = Vec::new();
        for (id, target) in &target_rel {
            let now = d.relations().get(id);
            let ends_change = now.is_some_and(|n| changes_shape(&n.from) || changes_shape(&n.to));
            match (now, target) {
                (Some(_), None) => first.push(Op::DeleteRelation { doc: doc.clone(), id: id.clone() }),
                (Some(n), Some(t)) if ends_change || n.kind != t.kind || n.from != t.from || n.to != t.to => {
                    first.push(Op::DeleteRelation { doc: doc.clone(), id: id.clone() });
                    readd_rels.push(t.clone());
                }
                (Some(n), Some(t)) => details_ops(&doc, Item::Relation(id.clone()), n.extra(), t.extra(), &mut then),
                (None, Some(t)) => readd_rels.push(t.clone()),
                (None, None) => {}
            }
        }
        let mut readd_anns = Vec::new();
        let mut set_details = Vec::new();
        for (id, target) in &target_ann {
            let now = d.annotations().get(id);
            match (now, target) {
                (Some(_), None) => first.push(Op::DeleteAnnotation { doc: doc.clone(), id: id.clone() }),
                (Some(n), Some(t)) if n.start_byte != t.start_byte || n.end_byte != t.end_byte || n.extra().refs != t.extra().refs => {
                    first.push(Op::DeleteAnnotation { doc: doc.clone(), id: id.clone() });
                    readd_anns.push(t.clone());
                }
                (Some(n), Some(t)) => {
                    // Clear what the new label may not carry, relabel, then set the details.
                    let cleared = AnnotationExtra { note: n.extra().note.clone(), refs: n.extra().refs.clone(), attributes: n.extra().attributes.iter().filter(|(k, v)| t.extra().attributes.get(*k) == Some(*v)).map(|(k, v)| (k.clone(), v.clone())).collect(), entity: n.extra().entity.clone() };
                    details_ops(&doc, Item::Annotation(id.clone()), n.extra(), &cleared, &mut first);
                    if n.label != t.label {
                        first.push(Op::SetLabel { doc: doc.clone(), id: id.clone(), label: t.label.clone() });
                    }
                    details_ops(&doc, Item::Annotation(id.clone()), &cleared, t.extra(), &mut set_details);
                }
                (None, Some(t)) => readd_anns.push(t.clone()),
                (None, None) => {}
            }
        }
        then.splice(0..0, set_details);
        let inserts: Vec<Op> = readd_anns.into_iter().map(|annotation| Op::InsertAnnotation { doc: doc.clone(), annotation }).collect();
        let rel_inserts: Vec<Op> = readd_rels.into_iter().map(|relation| Op::InsertRelation { doc: doc.clone(), relation }).collect();
        first.extend(inserts);
        then.extend(rel_inserts);
        (first, then, change)
    }

    /// The schema the record holds, built by the schema's own rules in the record's order
    /// (an entry that does not fit is left out; a hotkey already taken is dropped).
    fn view_schema(&self) -> (LabelSchema, Vec<Refusal>) {
        let txn = self.awareness.doc().transact();
        let mut schema = LabelSchema::empty();
        let mut refused = Vec::new();
        fn entries<T: serde::de::DeserializeOwned, R: ReadTxn>(txn: &R, map: &MapRef, order: &ArrayRef, kind: &'static str, refused: &mut Vec<Refusal>) -> Vec<T> {
            let present: BTreeSet<String> = map.keys(txn).map(str::to_owned).collect();
            view_order(txn, order, &present)
                .into_iter()
                .filter_map(|id| match get_str(map, txn, &id).map(|j| serde_json::from_str::<T>(&j)) {
                    Some(Ok(v)) => Some(v),
                    _ => {
                        refused.push(Refusal { doc: None, kind, id, reason: "it is not a valid definition".to_owned() });
                        None
                    }
                })
                .collect()
        }
        for label in entries::<Label, _>(&txn, &self.labels, &self.label_order, "label", &mut refused) {
            if let Err(e) = schema.add(label.clone()) {
                if schema.add(Label { hotkey: None, ..label.clone() }).is_err() {
                    refused.push(Refusal { doc: None, kind: "label", id: label.id, reason: e.to_string() });
                }
            }
        }
        for rt in entries::<RelationType, _>(&txn, &self.relation_types, &self.relation_type_order, "relation type", &mut refused) {
            if let Err(e) = schema.add_relation_type(usize::MAX, rt.clone()) {
                if schema.add_relation_type(usize::MAX, RelationType { hotkey: None, ..rt.clone() }).is_err() {
                    refused.push(Refusal { doc: None, kind: "relation type", id: rt.id, reason: e.to_string() });
                }
            }
        }
        for a in entries::<AttributeDef, _>(&txn, &self.attributes, &self.attribute_order, "attribute", &mut refused) {
            if let Err(e) = schema.add_attribute(usize::MAX, a.clone()) {
                refused.push(Refusal { doc: None, kind: "attribute", id: a.id, reason: e.to_string() });
            }
        }
        (schema, refused)
    }

    /// One document of the record, whole, as the view shows it, with the entries it hides.
    fn view_document(&self, id: &str, schema: &LabelSchema) -> Result<(Document, Hidden, Vec<Refusal>), Option<Refusal>> {
        let txn = self.awareness.doc().transact();
        let entry = get_map(&self.docs, &txn, id).ok_or(None)?;
        let refuse = |reason: String| Some(Refusal { doc: None, kind: "document", id: id.to_owned(), reason });
        let text = get_str(&entry, &txn, "text").ok_or_else(|| refuse("it has no text".to_owned()))?;
        let name = get_str(&entry, &txn, "name").filter(|n| !n.trim().is_empty()).unwrap_or_else(|| id.to_owned());
        let mut doc = Document::new(id.to_owned(), name, text).map_err(|e| refuse(e.to_string()))?;
        doc.set_title_override(get_str(&entry, &txn, "title").map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()));
        let mut hidden = Hidden::default();
        let mut refused = Vec::new();
        let mut anns: Vec<Annotation> = Vec::new();
        let registry = self.registry_ids(&txn, schema);
        if let Some(m) = get_map(&entry, &txn, "anns") {
            for (key, value) in m.iter(&txn) {
                match read_annotation(&txn, key, Some(value), &doc, schema, &registry) {
                    Ok(Some(a)) => anns.push(a),
                    Ok(None) => {}
                    Err(reason) => {
                        hidden.anns.insert(key.to_owned());
                        refused.push(Refusal { doc: Some(id.to_owned()), kind: "annotation", id: key.to_owned(), reason });
                    }
                }
            }
        }
        anns.sort_by(|a, b| a.id.cmp(&b.id));
        for a in anns {
            if doc.annotations.find_exact(a.start_byte, a.end_byte, &a.label).is_some() {
                hidden.anns.insert(a.id.clone());
            } else {
                doc.annotations.insert(a);
            }
        }
        let mut rels: Vec<Relation> = Vec::new();
        if let Some(m) = get_map(&entry, &txn, "rels") {
            for (key, value) in m.iter(&txn) {
                match read_relation(&txn, key, Some(value), schema) {
                    Ok(Some(r)) => rels.push(r),
                    Ok(None) => {}
                    Err(reason) => {
                        hidden.rels.insert(key.to_owned());
                        refused.push(Refusal { doc: Some(id.to_owned()), kind: "relation", id: key.to_owned(), reason });
                    }
                }
            }
        }
        rels.sort_by(|a, b| a.id.cmp(&b.id));
        for r in rels {
            if Workspace::check_relation_with(schema, &doc, &r).is_ok() {
                doc.relations.insert(r);
            } else {
                hidden.rels.insert(r.id.clone());
            }
        }
        Ok((doc, hidden, refused))
    }

    /// Replaces the workspace's schema and documents with the whole view of the record.
    fn rebuild(&mut self, ws: &mut Workspace, mut refused: Vec<Refusal>) -> RemoteChange {
        let (schema, schema_refused) = self.view_schema();
        refused.extend(schema_refused);
        let order = {
            let txn = self.awareness.doc().transact();
            let present: BTreeSet<String> = self.docs.keys(&txn).map(str::to_owned).collect();
            view_order(&txn, &self.doc_order, &present)
        };
        self.hidden.clear();
        self.hidden_docs.clear();
        let mut documents = Vec::new();
        for id in order {
            match self.view_document(&id, &schema) {
                Ok((doc, hidden, r)) => {
                    refused.extend(r);
                    self.hidden.insert(id, hidden);
                    documents.push(doc);
                }
                Err(r) => {
                    self.hidden_docs.insert(id);
                    refused.extend(r);
                }
            }
        }
        let mut effects = ws.replace_content(schema, documents);
        // The registry follows the record's too.
        let (first, then) = self.registry_ops(ws, &mut refused);
        for op in first.into_iter().chain(then) {
            if let Ok(e) = ws.apply_remote(vec![op]) {
                effects.extend(e);
            }
        }
        RemoteChange { effects, conflicts: Vec::new(), refused }
    }

    // ---- The sync protocol (y-protocols, as y-websocket speaks it) ---------------------------

    /// The record's state vector (v1), to ask a peer for what this replica lacks.
    pub fn state_vector(&self) -> Vec<u8> {
        self.awareness.doc().transact().state_vector().encode_v1()
    }

    /// The update (v1) holding what a peer with state vector `remote_state_vector` lacks.
    pub fn diff(&self, remote_state_vector: &[u8]) -> Result<Vec<u8>, SyncError> {
        let sv = StateVector::decode_v1(remote_state_vector).map_err(|e| SyncError::Undecodable(e.to_string()))?;
        Ok(self.awareness.doc().transact().encode_state_as_update_v1(&sv))
    }

    /// The updates taken in since the last call, oldest first: applied in order to the
    /// state last kept, they give the record as it is now.
    pub fn take_log(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.log)
    }

    /// Whether updates wait for [`Replica::take_log`].
    pub fn has_log(&self) -> bool {
        !self.log.is_empty()
    }

    /// The whole record as one update (v1): what to keep locally, or to seed a new room.
    pub fn encode_state(&self) -> Vec<u8> {
        self.awareness.doc().transact().encode_state_as_update_v1(&StateVector::default())
    }

    /// The message that opens a sync: sync step 1, with this replica's state vector.
    pub fn sync_step1(&self) -> Vec<u8> {
        Message::Sync(SyncMessage::SyncStep1(self.awareness.doc().transact().state_vector())).encode_v1()
    }

    /// A local update wrapped as a y-protocols sync update message.
    pub fn update_message(update: &[u8]) -> Vec<u8> {
        Message::Sync(SyncMessage::Update(update.to_vec())).encode_v1()
    }

    /// Sets this analyst's presence (a JSON object, such as `{"name": …, "doc": …}`).
    pub fn set_presence(&mut self, json: &str) {
        self.awareness.set_local_state_raw(json);
    }

    /// The awareness message announcing this replica's presence.
    pub fn presence_message(&self) -> Result<Vec<u8>, SyncError> {
        let update = self.awareness.update().map_err(|e| SyncError::Undecodable(e.to_string()))?;
        Ok(Message::Awareness(update).encode_v1())
    }

    /// The presence of every replica known, as (client id, JSON).
    pub fn presence(&self) -> Vec<(u64, String)> {
        let mut out: Vec<(u64, String)> = self.awareness.iter().filter_map(|(id, state)| state.data.map(|d| (id.get(), d.to_string()))).collect();
        out.sort();
        out
    }

    /// Handles one buffer from the sync server (one or more y-protocols messages): answers
    /// a sync step 1 with a step 2, applies step 2s and updates through
    /// [`Replica::apply_update`], and takes in awareness.
    pub fn handle_message(&mut self, ws: &mut Workspace, data: &[u8]) -> Result<Handled, SyncError> {
        let mut decoder = DecoderV1::new(Cursor::new(data));
        let messages: Vec<Message> = MessageReader::new(&mut decoder).collect::<Result<_, _>>().map_err(|e| SyncError::Undecodable(e.to_string()))?;
        let mut handled = Handled::default();
        for message in messages {
            match message {
                Message::Sync(SyncMessage::SyncStep1(sv)) => {
                    let update = self.awareness.doc().transact().encode_state_as_update_v1(&sv);
                    handled.replies.push(Message::Sync(SyncMessage::SyncStep2(update)).encode_v1());
                }
                Message::Sync(SyncMessage::SyncStep2(update)) | Message::Sync(SyncMessage::Update(update)) => match self.apply_update(ws, &update) {
                    Ok(change) => handled.change.merge(change),
                    // Content that does not fit is listed; the messages after it still count.
                    Err(SyncError::DoesNotFit(refused)) => handled.change.refused.extend(refused),
                    Err(e) => return Err(e),
                },
                Message::Awareness(update) => {
                    self.awareness.apply_update(update).map_err(|e| SyncError::Undecodable(e.to_string()))?;
                    handled.presence_changed = true;
                }
                Message::AwarenessQuery => {
                    if let Ok(m) = self.presence_message() {
                        handled.replies.push(m);
                    }
                }
                Message::Auth(Some(reason)) => return Err(SyncError::PermissionDenied(reason)),
                Message::Auth(None) | Message::Custom(..) => {}
            }
        }
        Ok(handled)
    }
}

/// An `Arc` of a clock, as awareness takes one.
struct ArcClock(Arc<dyn Clock>);

impl Clock for ArcClock {
    fn now(&self) -> u64 {
        self.0.now()
    }
}

impl Touch {
    fn clone_from_default(&mut self) {
        *self = Touch::default();
    }

    fn merge(&mut self, other: Touch) {
        self.schema |= other.schema;
        self.registry |= other.registry;
        self.entities.extend(other.entities);
        self.docs_presence |= other.docs_presence;
        self.order |= other.order;
        self.docs.extend(other.docs);
        self.doc_meta.extend(other.doc_meta);
        for (doc, ids) in other.anns {
            self.anns.entry(doc).or_default().extend(ids);
        }
        for (doc, ids) in other.rels {
            self.rels.entry(doc).or_default().extend(ids);
        }
        self.relabels.extend(other.relabels);
        self.presence.extend(other.presence);
    }
}

/// The ops that take an item's note and attributes from `now` to `want`.
fn details_ops(doc: &str, item: Item, now: &AnnotationExtra, want: &AnnotationExtra, out: &mut Vec<Op>) {
    if let (Item::Annotation(id), true) = (&item, now.entity != want.entity) {
        out.push(Op::SetEntity { doc: doc.to_owned(), annotation: id.clone(), entity: want.entity.clone() });
    }
    if now.note != want.note {
        out.push(Op::SetNote { doc: doc.to_owned(), item: item.clone(), note: want.note.clone() });
    }
    for name in now.attributes.keys().filter(|k| !want.attributes.contains_key(*k)) {
        out.push(Op::SetAttribute { doc: doc.to_owned(), item: item.clone(), name: name.clone(), value: None });
    }
    for (name, value) in &want.attributes {
        if now.attributes.get(name) != Some(value) {
            out.push(Op::SetAttribute { doc: doc.to_owned(), item: item.clone(), name: name.clone(), value: Some(value.clone()) });
        }
    }
}

/// Files what a transaction changed under `docs` into `touch`.
fn collect_doc_events(txn: &TransactionMut, events: &yrs::types::Events, touch: &mut Touch) {
    for event in events.iter() {
        let Event::Map(e) = event else { continue };
        let path: Vec<String> = e.path().into_iter().filter_map(|s| if let PathSegment::Key(k) = s { Some(k.to_string()) } else { None }).collect();
        let keys = e.keys(txn);
        // yrs 0.28 left out of `keys` an entry whose item came in through a pending update
        // (one that had waited for another): when an event on a collection names no key,
        // the collection's keys are compared with the workspace (O(n), so only then).
        match path.as_slice() {
            [] => {
                touch.docs_presence = true;
                touch.docs.extend(keys.keys().map(|k| k.to_string()));
            }
            [doc] => {
                touch.doc_meta.insert(doc.clone());
                if keys.is_empty() || keys.keys().any(|k| !matches!(&**k, "name" | "title")) {
                    touch.docs.insert(doc.clone());
                }
            }
            [doc, which] if which == "anns" || which == "rels" => {
                if keys.is_empty() {
                    touch.presence.insert((doc.clone(), which.clone()));
                }
                let set = if which == "anns" { &mut touch.anns } else { &mut touch.rels };
                set.entry(doc.clone()).or_default().extend(keys.keys().map(|k| k.to_string()));
            }
            [_, _] => {}
            [doc, which, id, ..] => {
                if which == "anns" {
                    touch.anns.entry(doc.clone()).or_default().insert(id.clone());
                    for (k, change) in keys {
                        if k.starts_with(RELABEL) && matches!(change, EntryChange::Inserted(_)) {
                            touch.relabels.push((doc.clone(), id.clone(), k.to_string()));
                        }
                    }
                } else {
                    touch.rels.entry(doc.clone()).or_default().insert(id.clone());
                }
            }
        }
    }
}

/// A number in base 36 (short ids).
fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}
