//! The replicated record: replicas that edit at once and exchange updates in any order,
//! with duplicates and delays, end with identical workspaces; bad updates are refused;
//! conflicts the analyst should know about are reported.

use std::sync::Arc;

use proptest::prelude::*;
use spanmark_core::replica::{Conflict, CountingClock, Replica, SyncError};
use spanmark_core::{Added, Item, LabelSchema, RelationAdded, Relabelled, Workspace};
use yrs::{Any, Doc, Map, MapPrelim, Out, ReadTxn, StateVector, Transact, Update, WriteTxn};
use yrs::updates::decoder::Decode;

const TEXT: &str = "Kim Jong-un 👋 met Путин at the Vostochny Cosmodrome.\r\n김정은 and Shoigu spoke.";
const LABELS: [&str; 5] = ["PERSON", "ORG", "GPE", "WEAPON", "NORP"];
const KINDS: [&str; 4] = ["MEETS", "LOCATED_IN", "SUPPLIES", "MEMBER_OF"];
const ATTRIBUTES: [&str; 4] = ["uncertain", "negated", "role", "weapon"];
const VALUES: [&str; 3] = ["true", "official", "Kh-101"];

/// One replica: its workspace and its record.
struct Peer {
    ws: Workspace,
    replica: Replica,
}

fn clock() -> Arc<CountingClock> {
    Arc::new(CountingClock::default())
}

/// The first replica, from a workspace with one document, and the others joining it.
fn room(n: usize) -> Vec<Peer> {
    let mut ws = Workspace::default();
    ws.add_document("kim.txt", TEXT).unwrap();
    ws.clear_history();
    let replica = Replica::from_workspace_with(&mut ws, "analyst0", Some(1), clock());
    let state = replica.encode_state();
    let mut peers = vec![Peer { ws, replica }];
    for i in 1..n {
        let mut ws = Workspace::new(LabelSchema::empty());
        let (replica, _) = Replica::join_with(&mut ws, &format!("analyst{i}"), &state, Some(1 + i as u64), clock()).unwrap();
        peers.push(Peer { ws, replica });
    }
    peers
}

/// The annotations and relations of a workspace, in short.
fn brief(ws: &Workspace) -> String {
    let docs: Vec<String> = ws.documents().iter().map(|d| format!("{}:{}", d.id(), d.name())).collect();
    let d = &ws.documents()[0];
    let anns: Vec<String> = d.annotations().iter().map(|a| format!("{}:{}..{}:{}:{:?}", a.id, a.start_byte, a.end_byte, a.label, a.extra)).collect();
    let rels: Vec<String> = d.relations().iter().map(|r| format!("{}:{}:{}->{}:{:?}", r.id, r.kind, r.from, r.to, r.extra)).collect();
    format!("{docs:?} {anns:?} {rels:?}")
}

fn state(ws: &Workspace) -> String {
    ws.export_canonical(None).unwrap()
}

fn doc_id(ws: &Workspace) -> String {
    ws.documents()[0].id().to_owned()
}

fn boundaries(s: &str) -> Vec<usize> {
    s.char_indices().map(|(i, _)| i).chain(std::iter::once(s.len())).collect()
}

#[derive(Debug, Clone)]
enum Action {
    Tag { a: usize, b: usize, label: usize },
    Remove { which: usize },
    Relabel { which: usize, label: usize },
    Link { from: usize, to: usize, kind: usize },
    Unlink { which: usize },
    Retype { which: usize, kind: usize },
    Note { which: usize, on_relation: bool, note: Option<String> },
    Attribute { which: usize, on_relation: bool, attribute: usize, value: Option<usize> },
    AddLabel { hotkey: bool },
    RemoveLabel { label: usize },
    /// Link annotation `which` to a new entity, or to the registry's `existing`-th one.
    Entity { which: usize, existing: Option<usize> },
    /// Merge the registry's first two entities, or rename its `which`-th one.
    EntityEdit { which: usize, merge: bool },
    Rename { name: usize },
    Open,
    Close,
    Undo,
    Redo,
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        6 => (0usize..80, 0usize..80, 0usize..5).prop_map(|(a, b, label)| Action::Tag { a, b, label }),
        2 => (0usize..20).prop_map(|which| Action::Remove { which }),
        3 => (0usize..20, 0usize..5).prop_map(|(which, label)| Action::Relabel { which, label }),
        3 => (0usize..20, 0usize..20, 0usize..4).prop_map(|(from, to, kind)| Action::Link { from, to, kind }),
        1 => (0usize..20).prop_map(|which| Action::Unlink { which }),
        1 => (0usize..20, 0usize..4).prop_map(|(which, kind)| Action::Retype { which, kind }),
        2 => (0usize..20, any::<bool>(), prop::option::of("[a-zé👋 ]{1,8}")).prop_map(|(which, on_relation, note)| Action::Note { which, on_relation, note }),
        2 => (0usize..20, any::<bool>(), 0usize..4, prop::option::of(0usize..3)).prop_map(|(which, on_relation, attribute, value)| Action::Attribute { which, on_relation, attribute, value }),
        1 => any::<bool>().prop_map(|hotkey| Action::AddLabel { hotkey }),
        1 => (0usize..4).prop_map(|label| Action::RemoveLabel { label }),
        2 => (0usize..20, prop::option::of(0usize..3)).prop_map(|(which, existing)| Action::Entity { which, existing }),
        1 => (0usize..3, any::<bool>()).prop_map(|(which, merge)| Action::EntityEdit { which, merge }),
        1 => (0usize..3).prop_map(|name| Action::Rename { name }),
        1 => Just(Action::Open),
        1 => Just(Action::Close),
        2 => Just(Action::Undo),
        1 => Just(Action::Redo),
    ]
}

fn nth_annotation(ws: &Workspace, i: usize) -> Option<String> {
    let d = &ws.documents()[0];
    d.annotations().iter().nth(i % d.annotations().len().max(1)).map(|a| a.id.clone())
}

fn nth_relation(ws: &Workspace, i: usize) -> Option<String> {
    let d = &ws.documents()[0];
    d.relations().iter().nth(i % d.relations().len().max(1)).map(|r| r.id.clone())
}

/// Performs an action on a workspace (refusals are fine: the workspace stays as it was).
fn perform(ws: &mut Workspace, action: &Action) {
    let doc = doc_id(ws);
    match action {
        Action::Tag { a, b, label } => {
            let bounds = boundaries(TEXT);
            let (s, e) = (bounds[a % bounds.len()], bounds[b % bounds.len()]);
            let _ = ws.add_annotation(&doc, s.min(e)..s.max(e), LABELS[*label]);
        }
        Action::Remove { which } => {
            if let Some(id) = nth_annotation(ws, *which) {
                ws.remove_annotation(&doc, &id).unwrap();
            }
        }
        Action::Relabel { which, label } => {
            if let Some(id) = nth_annotation(ws, *which) {
                let _ = ws.relabel_annotation(&doc, &id, LABELS[*label]);
            }
        }
        Action::Link { from, to, kind } => {
            if let (Some(from), Some(to)) = (nth_annotation(ws, *from), nth_annotation(ws, *to)) {
                let _ = ws.add_relation(&doc, &from, &to, KINDS[*kind]);
            }
        }
        Action::Unlink { which } => {
            if let Some(id) = nth_relation(ws, *which) {
                ws.remove_relation(&doc, &id).unwrap();
            }
        }
        Action::Retype { which, kind } => {
            if let Some(id) = nth_relation(ws, *which) {
                let _ = ws.set_relation_type(&doc, &id, KINDS[*kind]);
            }
        }
        Action::Note { which, on_relation, note } => {
            let item = if *on_relation { nth_relation(ws, *which).map(Item::Relation) } else { nth_annotation(ws, *which).map(Item::Annotation) };
            if let Some(item) = item {
                ws.set_note(&doc, item, note.as_deref()).unwrap();
            }
        }
        Action::Attribute { which, on_relation, attribute, value } => {
            let item = if *on_relation { nth_relation(ws, *which).map(Item::Relation) } else { nth_annotation(ws, *which).map(Item::Annotation) };
            if let Some(item) = item {
                let _ = ws.set_attribute(&doc, item, ATTRIBUTES[*attribute], value.map(|v| VALUES[v]));
            }
        }
        Action::AddLabel { hotkey } => {
            let mut label = ws.schema().label_for_unknown_id("NORP");
            label.color = "#4a4a8a".into();
            label.hotkey = hotkey.then(|| "9".to_owned());
            let _ = ws.add_label(label);
        }
        Action::RemoveLabel { label } => {
            let _ = ws.remove_label(["NORP", "WEAPON", "GPE", "NORP"][*label]);
        }
        Action::Entity { which, existing } => {
            let Some(id) = nth_annotation(ws, *which) else { return };
            let entities: Vec<String> = ws.entities().map(|e| e.id.clone()).collect();
            let _ = match existing.and_then(|k| entities.get(k % entities.len().max(1))) {
                Some(e) => ws.link_entity(&doc, &id, e).map(|_| ()),
                None => ws.link_new_entity(&doc, &id, None).map(|_| ()),
            };
        }
        Action::EntityEdit { which, merge } => {
            let entities: Vec<spanmark_core::Entity> = ws.entities().cloned().collect();
            if *merge && entities.len() >= 2 {
                let _ = ws.merge_entities(&entities[0].id, &entities[1].id);
            } else if let Some(e) = entities.get(which % entities.len().max(1)) {
                let mut e = e.clone();
                e.name = format!("{} ({which})", e.name);
                let _ = ws.update_entity(e);
            }
        }
        Action::Rename { name } => {
            ws.rename_document(&doc, ["kim.txt", "vostochny.txt", "meeting.txt"][*name]).unwrap();
        }
        Action::Open => {
            let d = ws.add_document("more.txt", "Shoigu visited Pyongyang.").unwrap();
            ws.add_annotation(&d, 0..6, "PERSON").unwrap();
        }
        Action::Close => {
            if let Some(last) = ws.documents().get(1..).and_then(|rest| rest.last()).map(|d| d.id().to_owned()) {
                ws.remove_document(&last).unwrap();
            }
        }
        // A step that no longer applies (someone else changed what it undoes) is refused and dropped.
        Action::Undo => {
            let _ = ws.undo();
        }
        Action::Redo => {
            let _ = ws.redo();
        }
    }
}

/// No relation points at an annotation that is not there.
fn assert_no_dangling_relation(ws: &Workspace) {
    for d in ws.documents() {
        for r in d.relations().iter() {
            assert!(d.annotations().contains_id(&r.from) && d.annotations().contains_id(&r.to), "relation {} dangles", r.id);
        }
    }
}

/// The workspace is the view of the record: a fresh replica joining its state shows the same.
fn assert_is_view(peer: &Peer) {
    let mut fresh = Workspace::new(LabelSchema::empty());
    let (_, _) = Replica::join_with(&mut fresh, "observer", &peer.replica.encode_state(), Some(999), clock()).unwrap();
    let labels = |ws: &Workspace| ws.schema().labels().iter().map(|l| format!("{}:{:?}", l.id, l.hotkey)).collect::<Vec<_>>().join(",");
    assert!(state(&fresh) == state(&peer.ws), "the workspace of {} is not the view of its record:\nview {} {}\nws   {} {}", peer.replica.analyst(), labels(&fresh), brief(&fresh), labels(&peer.ws), brief(&peer.ws));
}

/// A step of the simulation: a peer acts, or a message is delivered (and maybe kept to be
/// delivered again, as a duplicate).
#[derive(Debug, Clone)]
enum Step {
    Act { peer: usize, action: Action },
    Deliver { peer: usize, which: usize, keep: bool },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0usize..4, action()).prop_map(|(peer, action)| Step::Act { peer, action }),
        2 => (0usize..4, 0usize..64, any::<bool>()).prop_map(|(peer, which, keep)| Step::Deliver { peer, which, keep }),
    ]
}

fn deliver(peer: &mut Peer, update: &[u8]) {
    let Peer { ws, replica } = peer;
    match replica.apply_update(ws, update) {
        Ok(_) => {}
        // A duplicate or a delayed update that brings nothing new that fits is fine.
        Err(SyncError::DoesNotFit(_)) => {}
        Err(e) => panic!("{e}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn replicas_that_exchange_every_update_in_any_order_converge(n in 2usize..5, steps in prop::collection::vec(step(), 0..60)) {
        let mut peers = room(n);
        // inbox[i]: updates waiting to be delivered to peer i.
        let mut inbox: Vec<Vec<Vec<u8>>> = vec![Vec::new(); n];
        for s in &steps {
            match s {
                Step::Act { peer, action } => {
                    let p = peer % n;
                    let Peer { ws, replica } = &mut peers[p];
                    perform(ws, action);
                    let local = replica.record(ws).unwrap();
                    if !local.update.is_empty() {
                        for (i, q) in inbox.iter_mut().enumerate() {
                            if i != p {
                                q.push(local.update.clone());
                            }
                        }
                    }
                    assert_no_dangling_relation(&peers[p].ws);
                }
                Step::Deliver { peer, which, keep } => {
                    let p = peer % n;
                    if inbox[p].is_empty() {
                        continue;
                    }
                    let i = which % inbox[p].len();
                    let update = if *keep { inbox[p][i].clone() } else { inbox[p].remove(i) };
                    deliver(&mut peers[p], &update);
                    assert_no_dangling_relation(&peers[p].ws);
                }
            }
        }
        // Everything is delivered in the end, newest first (the worst order).
        for p in 0..n {
            while let Some(update) = inbox[p].pop() {
                deliver(&mut peers[p], &update);
            }
        }
        let first = state(&peers[0].ws);
        let registry = |ws: &Workspace| ws.entities().cloned().collect::<Vec<_>>();
        for p in &peers {
            prop_assert!(state(&p.ws) == first, "{} differs from {}:\n{}\n{}", p.replica.analyst(), peers[0].replica.analyst(), brief(&p.ws), brief(&peers[0].ws));
            prop_assert_eq!(registry(&p.ws), registry(&peers[0].ws), "the entity registries differ");
            assert_no_dangling_relation(&p.ws);
            assert_is_view(p);
        }
    }
}

/// Two replicas, with a second annotation both can see.
fn pair() -> (Peer, Peer, String, String) {
    let mut peers = room(2);
    let b = peers.pop().unwrap();
    let mut a = peers.pop().unwrap();
    let doc = doc_id(&a.ws);
    let Added::New(x) = a.ws.add_annotation(&doc, 0..11, "PERSON").unwrap() else { panic!() };
    let update = a.replica.record(&mut a.ws).unwrap().update;
    let mut b = b;
    b.replica.apply_update(&mut b.ws, &update).unwrap();
    assert_eq!(state(&a.ws), state(&b.ws));
    (a, b, doc, x.id)
}

#[test]
fn garbage_is_refused_and_changes_nothing() {
    let (_, mut b, _, _) = pair();
    let before = (state(&b.ws), b.replica.state_vector());
    // (Three zero bytes would be a valid, empty update.)
    for garbage in [&b"\xff\xff\xff\xff\xff"[..], b"hello", &[1, 1, 200, 200, 200, 200, 200, 1][..]] {
        let err = b.replica.apply_update(&mut b.ws, garbage).unwrap_err();
        assert!(matches!(err, SyncError::Undecodable(_) | SyncError::Unappliable(_)), "{err:?}");
        assert!(err.to_string().contains("nothing changed"), "{err}");
    }
    assert_eq!((state(&b.ws), b.replica.state_vector()), before);
    assert!(b.ws.undo_summary().is_none(), "remote changes are no undo steps");
}

/// A peer that writes straight into the record (as a newer or broken Spanmark might).
fn rogue_update(state: &[u8], write: impl FnOnce(&Doc, &mut yrs::TransactionMut)) -> Vec<u8> {
    let doc = Doc::with_client_id(4242);
    doc.transact_mut().apply_update(Update::decode_v1(state).unwrap()).unwrap();
    let before = doc.transact().state_vector();
    {
        let mut txn = doc.transact_mut();
        write(&doc, &mut txn);
    }
    let update = doc.transact().encode_state_as_update_v1(&before);
    update
}

fn anns_of(txn: &mut yrs::TransactionMut, doc_id: &str) -> yrs::MapRef {
    let docs = txn.get_or_insert_map("docs");
    let Some(Out::YMap(d)) = docs.get(txn, doc_id) else { panic!("no document") };
    let Some(Out::YMap(anns)) = d.get(txn, "anns") else { panic!("no annotations") };
    anns
}

#[test]
fn content_that_does_not_fit_is_refused_the_same_way_everywhere() {
    let (mut a, mut b, doc, _) = pair();
    let before = state(&b.ws);
    let cases: [(&str, i64, i64, &str, &str); 4] = [
        ("out of range", 0, 9999, "PERSON", "past the end"),
        ("unknown label", 0, 3, "NOPE", "no label"),
        ("inside a character", 13, 15, "PERSON", "inside"),
        ("empty", 4, 4, "PERSON", "at least one character"),
    ];
    for (i, (what, start, end, label, says)) in cases.into_iter().enumerate() {
        let update = rogue_update(&b.replica.encode_state(), |_, txn| {
            let anns = anns_of(txn, &doc);
            anns.insert(txn, format!("bad{i}"), MapPrelim::from([("spanBytes", Any::from(vec![Any::from(start), Any::from(end)])), ("label", Any::from(label))]));
        });
        let err = b.replica.apply_update(&mut b.ws, &update).unwrap_err();
        let SyncError::DoesNotFit(refusals) = &err else { panic!("{what}: {err:?}") };
        assert_eq!(refusals.len(), 1, "{what}: {refusals:?}");
        assert!(refusals[0].reason.contains(says), "{what}: {}", refusals[0]);
        assert_eq!(state(&b.ws), before, "{what}: a refused update changed the workspace");
        // Another replica that receives the same content hides it the same way.
        assert!(a.replica.apply_update(&mut a.ws, &update).is_err());
        assert_eq!(state(&a.ws), before);
    }
    // A document field that is not a map, and a garbage label definition.
    let update = rogue_update(&b.replica.encode_state(), |_, txn| {
        anns_of(txn, &doc).insert(txn, "notamap", Any::from(12));
        txn.get_or_insert_map("labels").insert(txn, "BROKEN", Any::from("{not json"));
    });
    let err = b.replica.apply_update(&mut b.ws, &update).unwrap_err();
    assert!(matches!(err, SyncError::DoesNotFit(ref r) if r.len() == 2), "{err:?}");
    assert_eq!(state(&b.ws), before);
    assert_is_view(&b);
}

#[test]
fn a_newer_layout_is_refused() {
    let (_, mut b, _, _) = pair();
    let before = state(&b.ws);
    let update = rogue_update(&b.replica.encode_state(), |_, txn| {
        txn.get_or_insert_map("meta").insert(txn, "layout", Any::from(99));
    });
    let err = b.replica.apply_update(&mut b.ws, &update).unwrap_err();
    assert_eq!(err, SyncError::NewerLayout { found: 99, supported: 1 });
    assert!(err.to_string().contains("update Spanmark"));
    assert_eq!(state(&b.ws), before);
}

#[test]
fn a_span_relabelled_by_two_people_at_once_is_reported_on_both_sides() {
    let (mut a, mut b, doc, x) = pair();
    assert!(matches!(a.ws.relabel_annotation(&doc, &x, "ORG").unwrap(), Relabelled::Changed(_)));
    assert!(matches!(b.ws.relabel_annotation(&doc, &x, "GPE").unwrap(), Relabelled::Changed(_)));
    let from_a = a.replica.record(&mut a.ws).unwrap().update;
    let from_b = b.replica.record(&mut b.ws).unwrap().update;
    let at_a = a.replica.apply_update(&mut a.ws, &from_b).unwrap();
    let at_b = b.replica.apply_update(&mut b.ws, &from_a).unwrap();
    assert_eq!(state(&a.ws), state(&b.ws), "both keep the same label");
    let kept = a.ws.documents()[0].annotations().get(&x).unwrap().label.clone();
    for (side, change) in [("a", &at_a), ("b", &at_b)] {
        let [Conflict::Relabelled { annotation, labels, kept: k, .. }] = change.conflicts.as_slice() else { panic!("{side}: {:?}", change.conflicts) };
        assert_eq!((annotation, k), (&x, &kept), "{side}");
        let mut chosen: Vec<&str> = labels.iter().map(|(_, l)| l.as_str()).collect();
        chosen.sort();
        assert_eq!(chosen, ["GPE", "ORG"], "{side}");
        assert!(change.conflicts[0].message().contains("relabelled by two people at once"));
    }
    // One after the other is no conflict.
    let other = if kept == "ORG" { "GPE" } else { "ORG" };
    a.ws.relabel_annotation(&doc, &x, other).unwrap();
    let update = a.replica.record(&mut a.ws).unwrap().update;
    assert!(b.replica.apply_update(&mut b.ws, &update).unwrap().conflicts.is_empty());
    // Each analyst's undo takes back only their own relabel, as a new change.
    assert_eq!(state(&a.ws), state(&b.ws));
}

#[test]
fn a_relation_whose_end_someone_removed_is_dropped_everywhere_and_reported() {
    let (mut a, mut b, doc, x) = pair();
    let Added::New(y) = a.ws.add_annotation(&doc, 21..31, "PERSON").unwrap() else { panic!() };
    let update = a.replica.record(&mut a.ws).unwrap().update;
    b.replica.apply_update(&mut b.ws, &update).unwrap();
    // A links the two while B removes one of them.
    let RelationAdded::New(r) = a.ws.add_relation(&doc, &x, &y.id, "MEETS").unwrap() else { panic!() };
    b.ws.remove_annotation(&doc, &y.id).unwrap();
    let from_a = a.replica.record(&mut a.ws).unwrap().update;
    let from_b = b.replica.record(&mut b.ws).unwrap().update;
    let at_a = a.replica.apply_update(&mut a.ws, &from_b).unwrap();
    let at_b = b.replica.apply_update(&mut b.ws, &from_a);
    assert_eq!(state(&a.ws), state(&b.ws));
    assert!(a.ws.documents()[0].relations().is_empty());
    assert!(matches!(at_a.conflicts.as_slice(), [Conflict::RelationEndRemoved { relation, end, .. }] if *relation == r.id && *end == y.id), "{:?}", at_a.conflicts);
    let at_b = at_b.unwrap();
    assert!(matches!(at_b.conflicts.as_slice(), [Conflict::RelationEndRemoved { .. }]), "{:?}", at_b.conflicts);
    assert_is_view(&a);
    assert_is_view(&b);
    // B undoes the removal: the annotation comes back, and so does the relation, on both.
    b.ws.undo().unwrap().unwrap();
    let update = b.replica.record(&mut b.ws).unwrap();
    assert_eq!(b.ws.documents()[0].relations().len(), 1, "the relation fits again: {:?}", update.change);
    a.replica.apply_update(&mut a.ws, &update.update).unwrap();
    assert_eq!(state(&a.ws), state(&b.ws));
    assert_eq!(a.ws.documents()[0].relations().len(), 1);
}

#[test]
fn undo_is_per_analyst_and_remote_changes_are_not_undone() {
    let (mut a, mut b, doc, x) = pair();
    b.ws.set_note(&doc, Item::Annotation(x.clone()), Some("seen on TV")).unwrap();
    let update = b.replica.record(&mut b.ws).unwrap().update;
    a.replica.apply_update(&mut a.ws, &update).unwrap();
    assert_eq!(a.ws.documents()[0].annotations().get(&x).unwrap().extra().note.as_deref(), Some("seen on TV"));
    // A's undo takes back A's tag (A's only step), which removes the annotation with its note.
    assert_eq!(a.ws.undo_summary(), Some("Tag PERSON “Kim Jong-un”"));
    a.ws.undo().unwrap().unwrap();
    let update = a.replica.record(&mut a.ws).unwrap().update;
    b.replica.apply_update(&mut b.ws, &update).unwrap();
    assert!(b.ws.documents()[0].annotations().is_empty());
    assert_eq!(state(&a.ws), state(&b.ws));
    // Concurrent edits to different fields merge: a label and a note.
    a.ws.redo().unwrap().unwrap();
    let update = a.replica.record(&mut a.ws).unwrap().update;
    b.replica.apply_update(&mut b.ws, &update).unwrap();
    a.ws.relabel_annotation(&doc, &x, "ORG").unwrap();
    b.ws.set_note(&doc, Item::Annotation(x.clone()), Some("a person")).unwrap();
    let (ua, ub) = (a.replica.record(&mut a.ws).unwrap().update, b.replica.record(&mut b.ws).unwrap().update);
    a.replica.apply_update(&mut a.ws, &ub).unwrap();
    b.replica.apply_update(&mut b.ws, &ua).unwrap();
    let merged = a.ws.documents()[0].annotations().get(&x).unwrap().clone();
    assert_eq!((merged.label.as_str(), merged.extra().note.as_deref()), ("ORG", Some("a person")));
    assert_eq!(state(&a.ws), state(&b.ws));
    assert_eq!(a.replica.annotator(&doc, &x).as_deref(), Some("analyst0"));
}

#[test]
fn documents_and_the_schema_replicate() {
    let (mut a, mut b, _, _) = pair();
    let d2 = a.ws.add_document("second.txt", "Shoigu visited Pyongyang.").unwrap();
    a.ws.add_annotation(&d2, 0..6, "PERSON").unwrap();
    let mut label = a.ws.schema().label_for_unknown_id("NORP");
    label.hotkey = Some("9".into());
    a.ws.add_label(label).unwrap();
    a.ws.rename_document(&d2, "visit.txt").unwrap();
    let update = a.replica.record(&mut a.ws).unwrap().update;
    let change = b.replica.apply_update(&mut b.ws, &update).unwrap();
    assert!(!change.effects.is_empty());
    assert_eq!(state(&a.ws), state(&b.ws));
    assert!(d2.contains('-'), "fresh ids carry the replica's scope: {d2}");
    // B removes the label's user concurrently with A removing the label... then both converge.
    b.ws.remove_document(&d2).unwrap();
    a.ws.remove_label("NORP").unwrap();
    let (ua, ub) = (a.replica.record(&mut a.ws).unwrap().update, b.replica.record(&mut b.ws).unwrap().update);
    a.replica.apply_update(&mut a.ws, &ub).unwrap();
    b.replica.apply_update(&mut b.ws, &ua).unwrap();
    assert_eq!(state(&a.ws), state(&b.ws));
    assert_is_view(&a);
}

#[test]
fn the_sync_protocol_brings_a_new_replica_up_to_date() {
    let (mut a, _, doc, _) = pair();
    a.ws.add_annotation(&doc, 21..31, "PERSON").unwrap();
    a.replica.record(&mut a.ws).unwrap();
    // A new replica with an empty record asks with sync step 1; A answers with step 2.
    let mut ws = Workspace::new(LabelSchema::empty());
    let empty = Replica::from_workspace_with(&mut Workspace::new(LabelSchema::empty()), "c", Some(77), clock()).encode_state();
    let (mut c, _) = Replica::join_with(&mut ws, "c", &empty, Some(77), clock()).unwrap();
    let handled = a.replica.handle_message(&mut a.ws, &c.sync_step1()).unwrap();
    assert_eq!(handled.replies.len(), 1);
    let got = c.handle_message(&mut ws, &handled.replies[0]).unwrap();
    assert!(!got.change.effects.is_empty());
    assert_eq!(state(&ws), state(&a.ws));
    // What a peer lacks, by state vector.
    assert!(a.replica.diff(&a.replica.state_vector()).unwrap().len() < 10);
    assert!(matches!(a.replica.diff(b"\xff\xff"), Err(SyncError::Undecodable(_))));
    // Presence passes through.
    c.set_presence(r#"{"name":"c","doc":"d1"}"#);
    let message = c.presence_message().unwrap();
    let got = a.replica.handle_message(&mut a.ws, &message).unwrap();
    assert!(got.presence_changed);
    assert!(a.replica.presence().iter().any(|(id, json)| *id == 77 && json.contains("\"doc\":\"d1\"")));
    // A wrapped update is a sync message too.
    a.ws.add_annotation(&doc, 0..3, "ORG").unwrap();
    let update = a.replica.record(&mut a.ws).unwrap().update;
    c.handle_message(&mut ws, &Replica::update_message(&update)).unwrap();
    assert_eq!(state(&ws), state(&a.ws));
    assert!(matches!(c.handle_message(&mut ws, b"\x00\x09"), Err(SyncError::Undecodable(_))));
}

/// Release mode: `cargo test --release -p spanmark-core --test replica -- --ignored --nocapture`.
#[test]
#[ignore]
fn measure_a_100k_annotation_document() {
    use std::time::Instant;
    let text: String = (0..100_000).map(|i| format!("Name{i} met someone. ")).collect();
    let mut ws = Workspace::default();
    let doc = ws.add_document("big.txt", text.clone()).unwrap();
    let mut at = 0;
    let mut ops = Vec::new();
    for i in 0..100_000 {
        let len = format!("Name{i}").len();
        ops.push((at, at + len));
        at += format!("Name{i} met someone. ").len();
    }
    let t = Instant::now();
    for (s, e) in &ops {
        ws.add_annotation(&doc, *s..*e, "PERSON").unwrap();
    }
    ws.clear_history();
    assert_eq!(ws.documents()[0].annotations().len(), 100_000);
    eprintln!("built the workspace: {:?}", t.elapsed());
    let t = Instant::now();
    let replica = Replica::from_workspace_with(&mut ws, "a", Some(1), clock());
    eprintln!("from_workspace (write 100k annotations into the doc): {:?}", t.elapsed());
    let t = Instant::now();
    let state_bytes = replica.encode_state();
    eprintln!("encode the full state: {:?}, {} bytes", t.elapsed(), state_bytes.len());
    let t = Instant::now();
    let raw = Doc::new();
    raw.transact_mut().apply_update(Update::decode_v1(&state_bytes).unwrap()).unwrap();
    eprintln!("  of which decoding and integrating it into a bare yrs doc: {:?}", t.elapsed());
    let t = Instant::now();
    let mut fresh = Workspace::new(LabelSchema::empty());
    let (_joined, _) = Replica::join_with(&mut fresh, "b", &state_bytes, Some(2), clock()).unwrap();
    eprintln!("apply it into a fresh replica (decode, integrate, build the workspace): {:?}", t.elapsed());
    assert_eq!(fresh.documents()[0].annotations().len(), 100_000);
    // One edit on a replica of the big document, recorded there and applied at the other.
    let mut replica = replica;
    let mut joined = _joined;
    let doc = ws.documents()[0].id().to_owned();
    let mut times = Vec::new();
    for i in 0..20 {
        let t = Instant::now();
        ws.relabel_annotation(&doc, &format!("a{}", i * 7 + 1), "ORG").unwrap();
        let update = replica.record(&mut ws).unwrap().update;
        let recorded = t.elapsed();
        let t = Instant::now();
        let change = joined.apply_update(&mut fresh, &update).unwrap();
        assert_eq!(change.effects.len(), 1);
        times.push((recorded, t.elapsed()));
    }
    times.sort_by_key(|t| t.1);
    eprintln!("one relabel: record {:?}, apply remotely {:?} (median of 20)", times[10].0, times[10].1);
    let t = Instant::now();
    ws.add_annotation(&doc, 0..2, "GPE").unwrap();
    let update = replica.record(&mut ws).unwrap().update;
    let recorded = t.elapsed();
    let t = Instant::now();
    joined.apply_update(&mut fresh, &update).unwrap();
    eprintln!("one new annotation: record {recorded:?}, apply remotely {:?}", t.elapsed());
    assert_eq!(fresh.export_canonical(None).unwrap(), ws.export_canonical(None).unwrap());
    let _ = StateVector::default();
}

#[test]
fn the_state_kept_then_the_log_in_order_give_the_record_as_it_is() {
    // What the page stores: the whole record once, then each update taken in (local or
    // remote) as a log entry; a restart joins the state and applies the log.
    let (mut a, mut b, doc, x) = pair();
    let kept = a.replica.encode_state();
    a.replica.take_log();
    assert!(!a.replica.has_log());
    // A local tag, a remote relabel, a local note: three entries.
    a.ws.add_annotation(&doc, 21..31, "PERSON").unwrap();
    a.replica.record(&mut a.ws).unwrap();
    b.ws.relabel_annotation(&doc, &x, "ORG").unwrap();
    let remote = b.replica.record(&mut b.ws).unwrap().update;
    a.replica.apply_update(&mut a.ws, &remote).unwrap();
    a.ws.set_note(&doc, Item::Annotation(x.clone()), Some("met in Vladivostok")).unwrap();
    a.replica.record(&mut a.ws).unwrap();
    let log = a.replica.take_log();
    assert_eq!(log.len(), 3);

    let mut ws = Workspace::new(LabelSchema::empty());
    let (mut back, _) = Replica::join_with(&mut ws, "analyst0", &kept, Some(1), clock()).unwrap();
    for update in &log {
        back.apply_update(&mut ws, update).unwrap();
    }
    assert_eq!(state(&ws), state(&a.ws));
    assert_eq!(back.encode_state(), a.replica.encode_state());
}
