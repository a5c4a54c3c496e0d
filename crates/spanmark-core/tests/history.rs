//! Undo/redo and persistence properties over random sequences of an analyst's actions.

mod common;

use proptest::prelude::*;
use spanmark_core::{restore, Added, Item, MemoryStorage, StorageBackend, Store, Workspace};

/// One action an analyst can take, with indices resolved against the current state.
#[derive(Debug, Clone)]
enum Action {
    Tag { doc: usize, a: usize, b: usize, label: usize },
    Remove { doc: usize, which: usize },
    Relabel { doc: usize, which: usize, label: usize },
    Open { text: String },
    Close { doc: usize },
    Import { text: String },
    Link { doc: usize, from: usize, to: usize, kind: usize },
    Unlink { doc: usize, which: usize },
    Retype { doc: usize, which: usize, kind: usize },
    Note { doc: usize, which: usize, on_relation: bool, note: Option<String> },
    Attribute { doc: usize, which: usize, on_relation: bool, attribute: usize, value: Option<usize> },
    RemoveLabel { label: usize },
    RemoveRelationType { kind: usize },
    RemoveAttribute { attribute: usize },
    AddRelationType { symmetric: bool },
    LinkNewEntity { doc: usize, which: usize },
    LinkEntity { doc: usize, which: usize, entity: usize },
    UnlinkEntity { doc: usize, which: usize },
    MergeEntities { keep: usize, gone: usize },
    SplitEntity { entity: usize },
    RemoveEntity { entity: usize },
    RecolourLabel { label: usize, color: usize },
    Undo,
    Redo,
}

const KINDS: [&str; 5] = ["MEETS", "LOCATED_IN", "SUPPLIES", "MEMBER_OF", "ANY"];
const ATTRIBUTES: [&str; 4] = ["uncertain", "negated", "role", "weapon"];
const VALUES: [&str; 4] = ["true", "official", "Kh-101 missiles", "nonsense"];

const LABELS: [&str; 4] = ["PERSON", "ORG", "GPE", "WEAPON"];

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        6 => (0usize..4, 0usize..200, 0usize..200, 0usize..4).prop_map(|(doc, a, b, label)| Action::Tag { doc, a, b, label }),
        2 => (0usize..4, 0usize..20).prop_map(|(doc, which)| Action::Remove { doc, which }),
        2 => (0usize..4, 0usize..20, 0usize..4).prop_map(|(doc, which, label)| Action::Relabel { doc, which, label }),
        1 => common::text(12).prop_map(|text| Action::Open { text }),
        1 => (0usize..4).prop_map(|doc| Action::Close { doc }),
        1 => common::text(12).prop_map(|text| Action::Import { text }),
        4 => (0usize..4, 0usize..20, 0usize..20, 0usize..5).prop_map(|(doc, from, to, kind)| Action::Link { doc, from, to, kind }),
        1 => (0usize..4, 0usize..20).prop_map(|(doc, which)| Action::Unlink { doc, which }),
        1 => (0usize..4, 0usize..20, 0usize..5).prop_map(|(doc, which, kind)| Action::Retype { doc, which, kind }),
        2 => (0usize..4, 0usize..20, any::<bool>(), prop::option::of("[a-zé👋 ]{0,12}")).prop_map(|(doc, which, on_relation, note)| Action::Note { doc, which, on_relation, note }),
        2 => (0usize..4, 0usize..20, any::<bool>(), 0usize..4, prop::option::of(0usize..4)).prop_map(|(doc, which, on_relation, attribute, value)| Action::Attribute { doc, which, on_relation, attribute, value }),
        1 => (0usize..4).prop_map(|label| Action::RemoveLabel { label }),
        1 => (0usize..5).prop_map(|kind| Action::RemoveRelationType { kind }),
        1 => (0usize..4).prop_map(|attribute| Action::RemoveAttribute { attribute }),
        1 => any::<bool>().prop_map(|symmetric| Action::AddRelationType { symmetric }),
        2 => (0usize..4, 0usize..20).prop_map(|(doc, which)| Action::LinkNewEntity { doc, which }),
        2 => (0usize..4, 0usize..20, 0usize..8).prop_map(|(doc, which, entity)| Action::LinkEntity { doc, which, entity }),
        1 => (0usize..4, 0usize..20).prop_map(|(doc, which)| Action::UnlinkEntity { doc, which }),
        1 => (0usize..8, 0usize..8).prop_map(|(keep, gone)| Action::MergeEntities { keep, gone }),
        1 => (0usize..8).prop_map(|entity| Action::SplitEntity { entity }),
        1 => (0usize..8).prop_map(|entity| Action::RemoveEntity { entity }),
        1 => (0usize..4, 0usize..3).prop_map(|(label, color)| Action::RecolourLabel { label, color }),
        2 => Just(Action::Undo),
        1 => Just(Action::Redo),
    ]
}

/// The `i`-th relation of a document, if it has any.
fn nth_relation(ws: &Workspace, doc: &str, i: usize) -> Option<String> {
    let d = ws.document(doc).ok()?;
    d.relations().iter().nth(i % d.relations().len().max(1)).map(|r| r.id.clone())
}

/// The `i`-th entity of the registry, if it has any.
fn nth_entity(ws: &Workspace, i: usize) -> Option<String> {
    let n = ws.entities().count();
    ws.entities().nth(i % n.max(1)).map(|e| e.id.clone())
}

/// No relation points at an annotation that is not there.
fn assert_no_dangling_relation(ws: &Workspace) {
    for d in ws.documents() {
        for r in d.relations().iter() {
            assert!(d.annotations().contains_id(&r.from) && d.annotations().contains_id(&r.to), "relation {} of {} dangles", r.id, d.id());
        }
        for a in d.annotations().iter() {
            if let Some(e) = &a.extra().entity {
                assert!(ws.entity(e).is_ok(), "annotation {} links to missing entity {e}", a.id);
            }
        }
    }
}

/// Performs `action`; returns whether it was an edit that pushed a history step.
fn perform(ws: &mut Workspace, action: &Action) -> bool {
    let doc_id = |ws: &Workspace, i: usize| ws.documents().get(i % ws.documents().len().max(1)).map(|d| d.id().to_owned());
    let nth = |ws: &Workspace, doc: &str, i: usize| {
        let d = ws.document(doc).unwrap();
        d.annotations().iter().nth(i % d.annotations().len().max(1)).map(|a| a.id.clone())
    };
    match action {
        Action::Tag { doc, a, b, label } => {
            let Some(doc) = doc_id(ws, *doc) else { return false };
            let bounds = common::boundaries(ws.document(&doc).unwrap().text());
            let (s, e) = (bounds[a % bounds.len()], bounds[b % bounds.len()]);
            let (s, e) = (s.min(e), s.max(e));
            matches!(ws.add_annotation(&doc, s..e, LABELS[*label]), Ok(Added::New(_)))
        }
        Action::Remove { doc, which } => {
            let Some(doc) = doc_id(ws, *doc) else { return false };
            let Some(id) = nth(ws, &doc, *which) else { return false };
            ws.remove_annotation(&doc, &id).is_ok()
        }
        Action::Relabel { doc, which, label } => {
            let Some(doc) = doc_id(ws, *doc) else { return false };
            let Some(id) = nth(ws, &doc, *which) else { return false };
            matches!(ws.relabel_annotation(&doc, &id, LABELS[*label]), Ok(spanmark_core::Relabelled::Changed(_)))
        }
        Action::Open { text } => ws.add_document("new.txt", text).is_ok(),
        Action::Close { doc } => {
            let Some(doc) = doc_id(ws, *doc) else { return false };
            ws.remove_document(&doc).is_ok()
        }
        Action::Import { text } => {
            let mut other = Workspace::default();
            let d = other.add_document("imported.txt", text).unwrap();
            if !text.is_empty() {
                other.add_annotation(&d, 0..text.len(), "GPE").unwrap();
            }
            ws.import_canonical(&other.export_canonical(None).unwrap()).is_ok()
        }
        Action::Link { doc, from, to, kind } => {
            let Some(doc) = doc_id(ws, *doc) else { return false };
            let (Some(from), Some(to)) = (nth(ws, &doc, *from), nth(ws, &doc, *to)) else { return false };
            matches!(ws.add_relation(&doc, &from, &to, KINDS[*kind]), Ok(spanmark_core::RelationAdded::New(_)))
        }
        Action::Unlink { doc, which } => {
            let Some(doc) = doc_id(ws, *doc) else { return false };
            let Some(id) = nth_relation(ws, &doc, *which) else { return false };
            ws.remove_relation(&doc, &id).is_ok()
        }
        Action::Retype { doc, which, kind } => {
            let Some(doc) = doc_id(ws, *doc) else { return false };
            let Some(id) = nth_relation(ws, &doc, *which) else { return false };
            let before = ws.undo_summary().map(str::to_owned);
            ws.set_relation_type(&doc, &id, KINDS[*kind]).is_ok() && ws.undo_summary().map(str::to_owned) != before
        }
        Action::Note { doc, which, on_relation, note } => {
            let Some(doc) = doc_id(ws, *doc) else { return false };
            let item = if *on_relation { nth_relation(ws, &doc, *which).map(Item::Relation) } else { nth(ws, &doc, *which).map(Item::Annotation) };
            let Some(item) = item else { return false };
            let depth = ws.history(spanmark_core::Stack::Undo).len();
            ws.set_note(&doc, item, note.as_deref()).is_ok() && ws.history(spanmark_core::Stack::Undo).len() > depth
        }
        Action::Attribute { doc, which, on_relation, attribute, value } => {
            let Some(doc) = doc_id(ws, *doc) else { return false };
            let item = if *on_relation { nth_relation(ws, &doc, *which).map(Item::Relation) } else { nth(ws, &doc, *which).map(Item::Annotation) };
            let Some(item) = item else { return false };
            let depth = ws.history(spanmark_core::Stack::Undo).len();
            ws.set_attribute(&doc, item, ATTRIBUTES[*attribute], value.map(|v| VALUES[v])).is_ok() && ws.history(spanmark_core::Stack::Undo).len() > depth
        }
        Action::LinkNewEntity { doc, which } => {
            let Some(doc) = doc_id(ws, *doc) else { return false };
            let Some(id) = nth(ws, &doc, *which) else { return false };
            ws.link_new_entity(&doc, &id, None).is_ok()
        }
        Action::LinkEntity { doc, which, entity } => {
            let Some(doc) = doc_id(ws, *doc) else { return false };
            let Some(id) = nth(ws, &doc, *which) else { return false };
            let Some(e) = nth_entity(ws, *entity) else { return false };
            let depth = ws.history(spanmark_core::Stack::Undo).len();
            ws.link_entity(&doc, &id, &e).is_ok() && ws.history(spanmark_core::Stack::Undo).len() > depth
        }
        Action::UnlinkEntity { doc, which } => {
            let Some(doc) = doc_id(ws, *doc) else { return false };
            let Some(id) = nth(ws, &doc, *which) else { return false };
            let depth = ws.history(spanmark_core::Stack::Undo).len();
            ws.unlink_entity(&doc, &id).is_ok() && ws.history(spanmark_core::Stack::Undo).len() > depth
        }
        Action::MergeEntities { keep, gone } => {
            let (Some(k), Some(g)) = (nth_entity(ws, *keep), nth_entity(ws, *gone)) else { return false };
            k != g && ws.merge_entities(&k, &g).is_ok()
        }
        Action::SplitEntity { entity } => {
            let Some(e) = nth_entity(ws, *entity) else { return false };
            let first: Vec<(String, String)> = ws.entity_mentions(&e).into_iter().take(1).map(|(d, a)| (d.to_owned(), a.id.clone())).collect();
            ws.split_entity(&e, &first, "Split off").is_ok()
        }
        Action::RemoveEntity { entity } => {
            let Some(e) = nth_entity(ws, *entity) else { return false };
            ws.remove_entity(&e).is_ok()
        }
        Action::RemoveLabel { label } => ws.remove_label(LABELS[*label]).is_ok(),
        Action::RemoveRelationType { kind } => ws.remove_relation_type(KINDS[*kind]).is_ok(),
        Action::RemoveAttribute { attribute } => ws.remove_attribute(ATTRIBUTES[*attribute]).is_ok(),
        Action::AddRelationType { symmetric } => {
            let rt = spanmark_core::RelationType {
                id: "ANY".into(),
                name: "any".into(),
                color: "#444444".into(),
                hotkey: None,
                directed: !symmetric,
                from_labels: Vec::new(),
                to_labels: Vec::new(),
                description: String::new(),
            };
            ws.add_relation_type(rt).is_ok()
        }
        Action::RecolourLabel { label, color } => {
            let Some(mut l) = ws.schema().get(LABELS[*label]).cloned() else { return false };
            l.color = ["#123456", "#654321", "#2b5d8a"][*color].to_owned();
            let depth = ws.history(spanmark_core::Stack::Undo).len();
            ws.update_label(l).is_ok() && ws.history(spanmark_core::Stack::Undo).len() > depth
        }
        Action::Undo => {
            ws.undo().unwrap();
            false
        }
        Action::Redo => {
            ws.redo().unwrap();
            false
        }
    }
}

/// Everything an analyst can see: documents, annotations with ids, labels.
fn state(ws: &Workspace) -> String {
    ws.export_canonical(None).unwrap()
}

fn start() -> Workspace {
    let mut ws = Workspace::default();
    ws.add_document("kim.txt", "Kim Jong-un 👋 met Путин at the Vostochny Cosmodrome.\r\n김정은").unwrap();
    ws.add_document("empty.txt", "").unwrap();
    ws.clear_history();
    ws
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn n_edits_then_n_undos_return_to_the_start_and_n_redos_to_the_end(actions in prop::collection::vec(action(), 0..30)) {
        let mut ws = start();
        let initial = state(&ws);
        // Only edits: undo/redo in the middle would make the count ambiguous.
        let mut edits = 0;
        for a in actions.iter().filter(|a| !matches!(a, Action::Undo | Action::Redo)) {
            if perform(&mut ws, a) {
                edits += 1;
            }
            assert_no_dangling_relation(&ws);
        }
        let finished = state(&ws);
        for _ in 0..edits {
            prop_assert!(ws.undo().unwrap().is_some());
            assert_no_dangling_relation(&ws);
        }
        prop_assert_eq!(state(&ws), initial);
        prop_assert!(ws.undo().unwrap().is_none());
        for _ in 0..edits {
            prop_assert!(ws.redo().unwrap().is_some());
        }
        prop_assert_eq!(state(&ws), finished);
        prop_assert!(ws.redo().unwrap().is_none());
    }

    #[test]
    fn what_is_saved_restores_exactly_even_through_failed_writes(
        actions in prop::collection::vec(action(), 0..30),
        failures in prop::collection::vec(any::<bool>(), 30),
    ) {
        let mut ws = start();
        let mut storage = MemoryStorage::default();
        let mut store = Store::default();
        store.save_to(&mut ws, &mut storage).unwrap();
        for (a, fail) in actions.iter().zip(failures) {
            perform(&mut ws, a);
            assert_no_dangling_relation(&ws);
            storage.failing = fail;
            let _ = store.save_to(&mut ws, &mut storage);
        }
        storage.failing = false;
        store.save_to(&mut ws, &mut storage).unwrap();
        prop_assert!(!store.has_pending(&ws));

        let restored = restore(storage.load().unwrap()).unwrap();
        prop_assert!(restored.diagnostics.is_empty(), "{:?}", restored.diagnostics);
        let mut back = restored.workspace.unwrap();
        prop_assert_eq!(state(&back), state(&ws));
        prop_assert_eq!(back.undo_summary(), ws.undo_summary());
        prop_assert_eq!(back.redo_summary(), ws.redo_summary());
        // The restored history undoes exactly as the original does, all the way back.
        loop {
            let (x, y) = (ws.undo().unwrap(), back.undo().unwrap());
            prop_assert_eq!(x.is_some(), y.is_some());
            prop_assert_eq!(state(&back), state(&ws));
            if x.is_none() {
                break;
            }
        }
    }
}

#[test]
fn a_refused_edit_leaves_no_history_and_nothing_pending() {
    let mut ws = start();
    let mut storage = MemoryStorage::default();
    let mut store = Store::default();
    store.save_to(&mut ws, &mut storage).unwrap();
    let doc = ws.documents()[0].id().to_owned();
    assert!(ws.add_annotation(&doc, 0..999, "PERSON").is_err());
    assert!(ws.add_annotation(&doc, 0..3, "NOPE").is_err());
    assert!(ws.add_document("bin", "a\0b").is_err());
    assert!(ws.import_canonical("{").is_err());
    assert!(ws.undo_summary().is_none());
    assert!(!store.has_pending(&ws), "refused edits write nothing");
}

#[test]
fn undo_summaries_name_the_action() {
    let mut ws = start();
    let doc = ws.documents()[0].id().to_owned();
    let Added::New(a) = ws.add_annotation(&doc, 0..11, "PERSON").unwrap() else { panic!() };
    assert_eq!(ws.undo_summary(), Some("Tag PERSON “Kim Jong-un”"));
    ws.relabel_annotation(&doc, &a.id, "ORG").unwrap();
    assert_eq!(ws.undo_summary(), Some("Relabel “Kim Jong-un” PERSON → ORG"));
    let change = ws.undo().unwrap().unwrap();
    assert_eq!(change.summary, "Relabel “Kim Jong-un” PERSON → ORG");
    assert_eq!(change.effects, [spanmark_core::Effect::Span { doc: doc.clone(), range: 0..11, blocks: 0..1 }]);
    assert_eq!(ws.redo_summary(), Some("Relabel “Kim Jong-un” PERSON → ORG"));
    // A new edit clears the redo stack.
    ws.remove_annotation(&doc, &a.id).unwrap();
    assert!(ws.redo_summary().is_none());
}
