//! The entity registry: linking mentions, merging, splitting and renaming, each one
//! undoable step that persists and round-trips through canonical JSON.

use spanmark_core::{restore, Added, MemoryStorage, StorageBackend, Store, Workspace};

const KIM: &str = "Kim Jong-un met Putin. KIM Jong Un left; 김정은 waved. Kim Yo-jong stayed.";
const OTHER: &str = "Later, Kim Jong Un spoke in Pyongyang.";

fn tag(ws: &mut Workspace, doc: &str, text: &str, quote: &str) -> String {
    let s = text.find(quote).unwrap();
    match ws.add_annotation(doc, s..s + quote.len(), "PERSON").unwrap() {
        Added::New(a) | Added::Duplicate(a) => a.id,
    }
}

#[test]
fn link_merge_split_and_remove_undo_exactly_and_persist() {
    let mut ws = Workspace::default();
    let d1 = ws.add_document("kim.txt", KIM).unwrap();
    let d2 = ws.add_document("later.txt", OTHER).unwrap();
    let a = tag(&mut ws, &d1, KIM, "Kim Jong-un");
    let b = tag(&mut ws, &d1, KIM, "KIM Jong Un");
    let c = tag(&mut ws, &d1, KIM, "김정은");
    let d = tag(&mut ws, &d2, OTHER, "Kim Jong Un");
    let kim = ws.link_new_entity(&d1, &a, None).unwrap();
    assert_eq!(ws.entity(&kim).unwrap().name, "Kim Jong-un");
    assert_eq!(ws.entity(&kim).unwrap().kind, "PERSON");
    ws.link_entity(&d1, &b, &kim).unwrap();
    let other = ws.link_new_entity(&d2, &d, Some("Kim Jong Un")).unwrap();
    ws.link_entity(&d1, &c, &other).unwrap();
    let start = ws.export_canonical(None).unwrap();

    assert_eq!(ws.merge_entities(&kim, &other).unwrap(), 2);
    assert!(ws.entity(&other).is_err());
    let merged = ws.entity(&kim).unwrap();
    assert_eq!(merged.aliases, ["Kim Jong Un"]);
    assert_eq!(ws.entity_mentions(&kim).len(), 4);
    let summary = ws.entity_summaries();
    assert_eq!((summary[0].mentions, summary[0].documents), (4, 2));
    assert_eq!(ws.undo_summary(), Some("Merge “Kim Jong Un” into “Kim Jong-un”"));
    let merged_state = ws.export_canonical(None).unwrap();
    ws.undo().unwrap();
    assert_eq!(ws.export_canonical(None).unwrap(), start, "undoing a merge brings both entities and every link back");
    ws.redo().unwrap();
    assert_eq!(ws.export_canonical(None).unwrap(), merged_state);

    // Split the Hangul mention off again.
    let korean = ws.split_entity(&kim, &[(d1.clone(), c.clone())], "김정은").unwrap();
    assert_eq!(ws.entity_mentions(&korean).len(), 1);
    assert_eq!(ws.entity_mentions(&kim).len(), 3);
    // An entity still mentioned cannot be dropped by an op; remove_entity unlinks first.
    assert_eq!(ws.remove_entity(&korean).unwrap(), 1);
    ws.undo().unwrap();
    // Removing an annotation that mentions an entity keeps the entity.
    ws.remove_annotation(&d1, &b).unwrap();
    assert!(ws.entity(&kim).is_ok());

    // Saved and restored exactly, with the registry.
    let mut storage = MemoryStorage::default();
    Store::default().save_to(&mut ws, &mut storage).unwrap();
    let back = restore(storage.load().unwrap()).unwrap();
    assert!(back.diagnostics.is_empty(), "{:?}", back.diagnostics);
    let back = back.workspace.unwrap();
    assert_eq!(back.export_canonical(None).unwrap(), ws.export_canonical(None).unwrap());
    assert_eq!(back.entities().count(), 2);

    // Canonical JSON carries the registry and the links; importing it into a workspace
    // that already has an entity of that id takes fresh ids and never merges.
    let json = ws.export_canonical(None).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["entities"].as_array().unwrap().len(), 2);
    assert_eq!(v["documents"][0]["annotations"][0]["entity"], kim.as_str());
    let mut other_ws = Workspace::default();
    let od = other_ws.add_document("x.txt", "Someone else").unwrap();
    let oa = match other_ws.add_annotation(&od, 0..7, "PERSON").unwrap() {
        Added::New(a) | Added::Duplicate(a) => a.id,
    };
    let theirs = other_ws.link_new_entity(&od, &oa, None).unwrap();
    // Make the ids collide: the file's entity takes the id this workspace already uses.
    let json = json.replace(&format!("\"{kim}\""), &format!("\"{theirs}\""));
    let report = other_ws.import_canonical(&json).unwrap();
    assert!(report.diagnostics.iter().all(|d| d.code != "entity-missing"), "{:?}", report.diagnostics);
    assert_eq!(other_ws.entities().count(), 3);
    assert_eq!(other_ws.entity(&theirs).unwrap().name, "Someone");
}

#[test]
fn a_label_that_types_entities_is_not_removed_under_them() {
    let mut ws = Workspace::default();
    let d = ws.add_document("kim.txt", KIM).unwrap();
    let a = tag(&mut ws, &d, KIM, "Kim Jong-un");
    let e = ws.link_new_entity(&d, &a, None).unwrap();
    ws.remove_annotation(&d, &a).unwrap();
    assert!(ws.entity(&e).is_ok());
    let mut person = ws.schema().get("PERSON").unwrap().clone();
    person.name = "People".into();
    ws.update_label(person).unwrap();
    // PERSON is named by relation types too; the entity is one more reason it stays.
    assert!(ws.remove_label("PERSON").is_err());
}
