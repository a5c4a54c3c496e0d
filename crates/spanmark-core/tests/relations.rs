//! Relations, notes, attributes and schema edits: what an analyst does with them, and
//! that each is one undoable step that persists and round-trips through canonical JSON.

use spanmark_core::{restore, Added, AttributeDef, AttributeKind, EditError, Item, MemoryStorage, RelationAdded, StorageBackend, Store, Workspace};

const TEXT: &str = "Kim Jong-un 👋 met Vladimir Putin at the Vostochny Cosmodrome in Russia.\r\nRussia supplies Пхеньян.";

fn tag(ws: &mut Workspace, doc: &str, quote: &str, label: &str) -> String {
    let start = TEXT.find(quote).unwrap();
    match ws.add_annotation(doc, start..start + quote.len(), label).unwrap() {
        Added::New(a) => a.id,
        Added::Duplicate(a) => a.id,
    }
}

struct Demo {
    ws: Workspace,
    doc: String,
    kim: String,
    putin: String,
    cosmodrome: String,
    russia: String,
}

fn demo() -> Demo {
    let mut ws = Workspace::default();
    let doc = ws.add_document("kim.txt", TEXT).unwrap();
    let kim = tag(&mut ws, &doc, "Kim Jong-un", "PERSON");
    let putin = tag(&mut ws, &doc, "Vladimir Putin", "PERSON");
    let cosmodrome = tag(&mut ws, &doc, "Vostochny Cosmodrome", "FAC");
    let russia = tag(&mut ws, &doc, "Russia", "GPE");
    ws.clear_history();
    Demo { ws, doc, kim, putin, cosmodrome, russia }
}

#[test]
fn meets_links_two_people_once_and_says_why_the_second_time() {
    let Demo { mut ws, doc, kim, putin, .. } = demo();
    let RelationAdded::New(r) = ws.add_relation(&doc, &kim, &putin, "MEETS").unwrap() else { panic!() };
    assert_eq!((r.from.as_str(), r.to.as_str(), r.kind.as_str()), (kim.as_str(), putin.as_str(), "MEETS"));
    assert_eq!(ws.undo_summary(), Some("Link “Kim Jong-un” MEETS “Vladimir Putin”"));
    // MEETS is symmetric: the other way round is the same link.
    let RelationAdded::Duplicate(same, why) = ws.add_relation(&doc, &putin, &kim, "MEETS").unwrap() else { panic!() };
    assert_eq!(same.id, r.id);
    assert!(why.contains("already linked by MEETS"), "{why}");
    assert_eq!(ws.document(&doc).unwrap().relations().len(), 1);
    // Another type between the same pair is allowed when the schema takes it.
    let err = ws.add_relation(&doc, &kim, &putin, "LOCATED_IN").unwrap_err();
    assert!(matches!(err, EditError::RelationDoesNotFit(_)));
    assert_eq!(err.to_string(), "LOCATED_IN links PERSON|FAC|EVENT|ORG → GPE|LOC|FAC; “Kim Jong-un” is PERSON and “Vladimir Putin” is PERSON");
    assert!(matches!(ws.add_relation(&doc, &kim, &kim, "MEETS"), Err(EditError::SelfRelation(_))));
    assert!(matches!(ws.add_relation(&doc, &kim, &putin, "LOVES"), Err(EditError::NoSuchRelationType(_))));
}

#[test]
fn removing_a_span_removes_its_relations_in_the_same_step_and_undo_brings_both_back() {
    let Demo { mut ws, doc, kim, putin, cosmodrome, .. } = demo();
    ws.add_relation(&doc, &kim, &putin, "MEETS").unwrap();
    ws.add_relation(&doc, &putin, &cosmodrome, "LOCATED_IN").unwrap();
    let before = ws.export_canonical(None).unwrap();
    ws.remove_annotation(&doc, &putin).unwrap();
    assert_eq!(ws.undo_summary(), Some("Remove PERSON “Vladimir Putin” and its 2 relation(s)"));
    assert!(ws.document(&doc).unwrap().relations().is_empty());
    ws.undo().unwrap();
    assert_eq!(ws.export_canonical(None).unwrap(), before);
    // Deleting the annotation alone (as a damaged step would) is refused.
    let relabel = ws.relabel_annotation(&doc, &putin, "ORG").unwrap_err();
    assert!(relabel.to_string().starts_with("MEETS links PERSON ↔ PERSON"), "{relabel}");
}

#[test]
fn notes_and_attributes_are_checked_undoable_and_saved() {
    let Demo { mut ws, doc, kim, putin, russia, .. } = demo();
    let RelationAdded::New(meets) = ws.add_relation(&doc, &kim, &putin, "MEETS").unwrap() else { panic!() };
    ws.set_note(&doc, Item::Relation(meets.id.clone()), Some("At the cosmodrome, 13 Sept 2023 👋")).unwrap();
    ws.set_attribute(&doc, Item::Annotation(kim.clone()), "role", Some("head of state")).unwrap();
    ws.set_attribute(&doc, Item::Annotation(kim.clone()), "uncertain", Some("true")).unwrap();
    assert!(matches!(ws.set_attribute(&doc, Item::Annotation(kim.clone()), "role", Some("king")), Err(EditError::Schema(_))));
    assert!(matches!(ws.set_attribute(&doc, Item::Annotation(russia.clone()), "role", Some("official")), Err(EditError::AttributeDoesNotApply { .. })));
    assert!(matches!(ws.set_attribute(&doc, Item::Annotation(kim.clone()), "colour", Some("x")), Err(EditError::NoSuchAttribute(_))));
    let d = ws.document(&doc).unwrap();
    assert_eq!(d.relations().get(&meets.id).unwrap().extra().note.as_deref(), Some("At the cosmodrome, 13 Sept 2023 👋"));
    assert_eq!(d.annotations().get(&kim).unwrap().extra().attributes.get("role").map(String::as_str), Some("head of state"));

    // Saved and restored exactly.
    let mut storage = MemoryStorage::default();
    let mut store = Store::default();
    store.save_to(&mut ws, &mut storage).unwrap();
    let back = restore(storage.load().unwrap()).unwrap();
    assert!(back.diagnostics.is_empty(), "{:?}", back.diagnostics);
    let mut back = back.workspace.unwrap();
    assert_eq!(back.export_canonical(None).unwrap(), ws.export_canonical(None).unwrap());
    // …and undone one by one on the restored workspace.
    for _ in 0..3 {
        back.undo().unwrap().unwrap();
    }
    let d = back.document(&doc).unwrap();
    assert!(d.relations().get(&meets.id).unwrap().extra.is_none());
    assert!(d.annotations().get(&kim).unwrap().extra.is_none());
}

#[test]
fn canonical_json_carries_relations_types_and_attributes_losslessly() {
    let Demo { mut ws, doc, kim, putin, russia, .. } = demo();
    let RelationAdded::New(r) = ws.add_relation(&doc, &russia, &putin, "SUPPLIES").unwrap() else { panic!() };
    ws.set_attribute(&doc, Item::Relation(r.id.clone()), "weapon", Some("artillery shells")).unwrap();
    ws.add_relation(&doc, &kim, &putin, "MEETS").unwrap();
    let json = ws.export_canonical(None).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["relationTypes"][0]["id"], "MEETS");
    assert_eq!(v["relationTypes"][0]["directed"], false);
    assert_eq!(v["attributes"][2]["kind"], "oneOf");
    let rels = v["documents"][0]["relations"].as_array().unwrap();
    assert_eq!(rels.len(), 2);
    assert!(rels.iter().any(|r| r["type"] == "SUPPLIES" && r["attributes"]["weapon"] == "artillery shells"));

    let mut fresh = Workspace::new(spanmark_core::LabelSchema::empty());
    let report = fresh.import_canonical(&json).unwrap();
    assert_eq!(report.relations_added, 2, "{:?}", report.diagnostics);
    assert_eq!(fresh.export_canonical(None).unwrap(), json);
    assert_eq!(fresh.schema(), ws.schema());
}

#[test]
fn a_relation_the_schema_refuses_in_a_file_is_reported_and_the_rest_imported() {
    let Demo { ws, .. } = demo();
    let json = ws.export_canonical(None).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let anns = v["documents"][0]["annotations"].as_array().unwrap().clone();
    let id_of = |q: &str| anns.iter().find(|a| a["text"] == q).unwrap()["id"].clone();
    v["documents"][0]["relations"] = serde_json::json!([
        {"id": "R1", "type": "MEETS", "from": id_of("Kim Jong-un"), "to": id_of("Vladimir Putin")},
        {"id": "R2", "type": "MEETS", "from": id_of("Kim Jong-un"), "to": id_of("Russia")},
        {"id": "R3", "type": "MEETS", "from": id_of("Kim Jong-un"), "to": "T99"},
        {"id": "R4", "type": "TRADES_WITH", "from": id_of("Russia"), "to": id_of("Vladimir Putin")},
    ]);
    let mut fresh = Workspace::default();
    let report = fresh.import_canonical(&v.to_string()).unwrap();
    assert_eq!(report.relations_added, 2);
    let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"relation-refused") && codes.contains(&"relation-end-missing") && codes.contains(&"relation-type-added"), "{codes:?}");
    let refused = report.diagnostics.iter().find(|d| d.code == "relation-refused").unwrap();
    assert!(refused.message.contains("“Russia” is GPE"), "{}", refused.message);
}

#[test]
fn schema_edits_say_what_they_touch_and_undo_in_one_step() {
    let Demo { mut ws, doc, kim, putin, .. } = demo();
    ws.add_relation(&doc, &kim, &putin, "MEETS").unwrap();
    assert_eq!(ws.label_usage("PERSON"), 2);
    assert_eq!(ws.relation_type_usage("MEETS"), 1);
    // PERSON is named by relation types and attributes: they must change first.
    assert!(matches!(ws.remove_label("PERSON"), Err(EditError::InUse { by: "relation types or attributes", .. })));
    let before = ws.export_canonical(None).unwrap();
    assert_eq!(ws.remove_relation_type("MEETS").unwrap(), 1);
    assert!(ws.document(&doc).unwrap().relations().is_empty());
    ws.undo().unwrap();
    assert_eq!(ws.export_canonical(None).unwrap(), before);
    // A type narrowed so that a relation no longer fits is refused with the count.
    let mut meets = ws.schema().relation_type("MEETS").unwrap().clone();
    meets.from_labels = vec!["ORG".into()];
    meets.to_labels = vec!["ORG".into()];
    assert!(matches!(ws.update_relation_type(meets), Err(EditError::InUse { count: 1, .. })));
    // Hotkeys are one namespace for labels and relation types.
    let mut person = ws.schema().get("PERSON").unwrap().clone();
    person.hotkey = Some("m".into());
    assert!(ws.update_label(person.clone()).is_err());
    person.hotkey = Some("p".into());
    person.name = "Human".into();
    ws.update_label(person).unwrap();
    assert_eq!(ws.schema().by_hotkey("p").map(|l| l.name.as_str()), Some("Human"));
    ws.undo().unwrap();
    assert_eq!(ws.schema().get("PERSON").unwrap().hotkey.as_deref(), Some("1"));
    // Removing an attribute clears its values in the same step.
    ws.set_attribute(&doc, Item::Annotation(kim.clone()), "negated", Some("true")).unwrap();
    assert_eq!(ws.attribute_usage("negated"), 1);
    assert_eq!(ws.remove_attribute("negated").unwrap(), 1);
    assert!(ws.schema().attribute("negated").is_none());
    ws.undo().unwrap();
    assert_eq!(ws.attribute_usage("negated"), 1);
    // A choice attribute narrowed under a value in use is refused.
    ws.set_attribute(&doc, Item::Annotation(kim.clone()), "role", Some("official")).unwrap();
    let narrowed = AttributeDef { id: "role".into(), name: "Role".into(), kind: AttributeKind::OneOf { values: vec!["military".into()] }, applies_to: vec!["PERSON".into()] };
    assert!(matches!(ws.update_attribute(narrowed), Err(EditError::InUse { what: "attribute", count: 1, .. })));
}

#[test]
fn a_layout_2_workspace_gains_the_default_relation_types() {
    let mut storage = MemoryStorage::default();
    let meta = serde_json::json!({
        "layout": 2,
        "labels": spanmark_core::LabelSchema::default_news().labels(),
        "documents": ["d1"],
        "nextDocument": 2,
        "nextAnnotation": 2,
    });
    storage.insert_raw(r#"["meta"]"#, &meta.to_string());
    storage.insert_raw(r#"["doc","d1"]"#, &serde_json::json!({"id": "d1", "name": "kim.txt", "text": TEXT}).to_string());
    storage.insert_raw(r#"["ann","d1","a1"]"#, &serde_json::json!({"id": "a1", "start_byte": 0, "end_byte": 11, "label": "PERSON"}).to_string());
    let restored = restore(storage.load().unwrap()).unwrap();
    assert!(restored.diagnostics.is_empty(), "{:?}", restored.diagnostics);
    let ws = restored.workspace.unwrap();
    assert_eq!(ws.schema().relation_types().len(), 4);
    assert_eq!(ws.document("d1").unwrap().annotations().len(), 1);
}

#[test]
fn a_saved_relation_whose_end_is_gone_is_reported_not_restored() {
    let Demo { mut ws, doc, kim, putin, .. } = demo();
    let RelationAdded::New(r) = ws.add_relation(&doc, &kim, &putin, "MEETS").unwrap() else { panic!() };
    let mut storage = MemoryStorage::default();
    Store::default().save_to(&mut ws, &mut storage).unwrap();
    // Putin's annotation is taken off its page, as if it had been lost.
    let records: Vec<(String, String)> = storage
        .load()
        .unwrap()
        .into_iter()
        .map(|(k, v)| {
            if !k.starts_with(r#"["anns""#) {
                return (k, v);
            }
            let kept: Vec<serde_json::Value> = serde_json::from_str::<Vec<serde_json::Value>>(&v).unwrap().into_iter().filter(|a| a["id"] != putin.as_str()).collect();
            (k, serde_json::Value::Array(kept).to_string())
        })
        .collect();
    let restored = restore(records).unwrap();
    let d = restored.diagnostics.iter().find(|d| d.code == "relation-unreadable").expect("reported");
    assert_eq!(d.annotation.as_deref(), Some(r.id.as_str()));
    assert!(restored.workspace.unwrap().document(&doc).unwrap().relations().is_empty());
}
