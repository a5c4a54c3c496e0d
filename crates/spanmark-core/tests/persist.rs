//! Stored records: migration from the previous layout, newer layouts, damaged records, backups.

use spanmark_core::{page_of, restore, Added, ImportError, MemoryStorage, RestoreError, StorageBackend, Store, StoredValue, Workspace, LAYOUT_VERSION};

/// The key of the page that holds annotation `id` of document `doc`.
fn page(doc: &str, id: &str) -> String {
    format!(r#"["anns","{doc}",{}]"#, page_of(id))
}

fn workspace_with_work() -> Workspace {
    let mut ws = Workspace::default();
    let doc = ws.add_document("kim.txt", "Kim Jong-un 👋 met Путин in Vladivostok.").unwrap();
    for (range, label) in [(0..11, "PERSON"), (21..31, "PERSON"), (35..46, "GPE")] {
        assert!(matches!(ws.add_annotation(&doc, range, label).unwrap(), Added::New(_)));
    }
    ws
}

fn saved(ws: &mut Workspace) -> (Store, MemoryStorage) {
    let mut storage = MemoryStorage::default();
    let mut store = Store::default();
    store.save_to(ws, &mut storage).unwrap();
    (store, storage)
}

#[test]
fn one_edit_writes_one_annotation_page_and_the_settings_and_history_step() {
    let mut ws = workspace_with_work();
    let (mut store, mut storage) = saved(&mut ws);
    let doc = ws.documents()[0].id().to_owned();
    ws.add_annotation(&doc, 17..19, "ORG").unwrap(); // "me" of "met", in bytes after the emoji
    let batch = store.take_pending(&mut ws);
    let keys: Vec<&str> = batch.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, [r#"["meta"]"#, page("d1", "a4").as_str(), r#"["undo",4]"#]);
    assert!(batch[1].1.as_deref().unwrap().contains(r#""id":"a4""#));
    storage.write(&batch).unwrap();
    // Undo rewrites (or deletes) that page and moves the step to the redo stack.
    ws.undo().unwrap();
    let batch = store.take_pending(&mut ws);
    let keys: Vec<&str> = batch.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, [page("d1", "a4").as_str(), r#"["undo",4]"#, r#"["redo",0]"#]);
    assert!(!batch[0].1.as_deref().unwrap_or("").contains(r#""a4""#));
    assert!(batch[1].1.is_none() && batch[2].1.is_some());
}

#[test]
fn the_previous_layout_is_migrated_and_the_old_record_removed() {
    // Layout 1 stored the whole workspace as one canonical JSON record.
    let mut old = workspace_with_work();
    let mut storage = MemoryStorage::default();
    storage.insert_raw(r#"["workspace"]"#, &old.export_canonical(None).unwrap());

    let restored = restore(storage.load().unwrap()).unwrap();
    assert_eq!(restored.diagnostics.last().unwrap().code, "migrated");
    let (mut ws, mut store) = (restored.workspace.unwrap(), restored.store);
    assert_eq!(ws.export_canonical(None).unwrap(), old.export_canonical(None).unwrap());
    store.save_to(&mut ws, &mut storage).unwrap();
    let keys: Vec<String> = storage.load().unwrap().into_iter().map(|(k, _)| k).collect();
    assert!(!keys.contains(&r#"["workspace"]"#.to_owned()), "{keys:?}");
    assert!(keys.contains(&r#"["meta"]"#.to_owned()));

    // And the migrated records restore to the same workspace, with no further writes.
    let again = restore(storage.load().unwrap()).unwrap();
    assert!(again.diagnostics.is_empty(), "{:?}", again.diagnostics);
    let (mut again, store) = (again.workspace.unwrap(), again.store);
    assert!(!store.has_pending(&again));
    assert_eq!(again.export_canonical(None).unwrap(), old.export_canonical(None).unwrap());
    // The old workspace's history is not carried over: the migration is not an undoable step.
    assert!(again.undo().unwrap().is_none());
    old.clear_history();
}

#[test]
fn records_from_a_newer_spanmark_are_refused_not_misread() {
    let mut storage = MemoryStorage::default();
    storage.insert_raw(r#"["meta"]"#, &format!(r#"{{"layout": {}, "labels": []}}"#, LAYOUT_VERSION + 1));
    let err = restore(storage.load().unwrap()).unwrap_err();
    assert_eq!(err, RestoreError::NewerLayout(LAYOUT_VERSION + 1));
    assert!(err.to_string().contains("written by a newer Spanmark"));
}

#[test]
fn empty_storage_is_a_fresh_start() {
    let restored = restore(Vec::<(String, String)>::new()).unwrap();
    assert!(restored.workspace.is_none());
    assert!(restored.diagnostics.is_empty());
}

#[test]
fn damaged_records_are_reported_and_everything_else_is_restored() {
    let mut ws = workspace_with_work();
    let (_, mut storage) = saved(&mut ws);
    // a2's page is damaged; x (on a page of its own) cuts 👋; g's document is missing.
    assert!([page_of("a1"), page_of("a3"), page_of("x")].iter().all(|p| *p != page_of("a2")) && page_of("x") != page_of("a1") && page_of("x") != page_of("a3"));
    storage.insert_raw(&page("d1", "a2"), "{not json");
    storage.insert_raw(&page("d1", "x"), r#"[{"id":"x","start_byte":13,"end_byte":14,"label":"PERSON"}]"#);
    storage.insert_raw(&page("ghost", "g"), r#"[{"id":"g","start_byte":0,"end_byte":1,"label":"PERSON"}]"#);
    storage.insert_raw(r#"["undo",1]"#, "garbage");
    storage.insert_raw("not a key", "{}");
    let restored = restore(storage.load().unwrap()).unwrap();
    let codes: Vec<&str> = restored.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["record-unreadable", "record-unknown", "annotation-unreadable", "orphan-annotations", "history-unreadable"], "{:?}", restored.diagnostics);
    let mut back = restored.workspace.unwrap();
    let doc = back.document("d1").unwrap();
    let ids: Vec<&str> = doc.annotations().iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["a1", "a3"]);
    // Only the undo steps newer than the damaged one remain.
    assert_eq!(back.undo_summary(), Some("Tag GPE “Vladivostok”"));
    assert!(back.undo().unwrap().is_some());
    // The next step untags a2, whose record was lost: a clear error, and the step is dropped.
    assert_eq!(back.undo().unwrap_err().to_string(), "no annotation has id \"a2\" in this document");
    assert!(back.undo().unwrap().is_none());
    assert_eq!(back.document("d1").unwrap().annotations().len(), 1);
}

#[test]
fn a_backup_restores_everything_and_is_one_undoable_step() {
    let mut source = workspace_with_work();
    let backup = source.export_backup();
    assert!(backup.contains(r#""backup": {"#));

    let mut ws = Workspace::default();
    ws.add_document("other.txt", "other work").unwrap();
    let before = ws.export_canonical(None).unwrap();
    let report = ws.restore_backup(&backup).unwrap();
    assert_eq!(report.document_ids, ["d1"]);
    assert_eq!(ws.export_canonical(None).unwrap(), source.export_canonical(None).unwrap());
    assert_eq!(ws.undo_summary(), Some("Restore backup (1 documents, 3 annotations)"));
    ws.undo().unwrap();
    assert_eq!(ws.export_canonical(None).unwrap(), before);
    source.clear_history();
}

#[test]
fn an_incomplete_or_plain_file_never_replaces_anything() {
    let source = workspace_with_work();
    let mut ws = Workspace::default();
    ws.add_document("mine.txt", "my work").unwrap();
    let before = ws.export_canonical(None).unwrap();

    // A plain export is not a backup.
    let plain = source.export_canonical(None).unwrap();
    assert_eq!(ws.restore_backup(&plain).unwrap_err(), ImportError::NotABackup);
    // A backup whose manifest lists more than it holds.
    let lying = source.export_backup().replace(r#""annotations": 3"#, r#""annotations": 4"#);
    let err = ws.restore_backup(&lying).unwrap_err();
    assert!(err.to_string().contains("lists 1 document(s) and 4 annotation(s) but holds 1 and 3"), "{err}");
    // A backup with a span that no longer fits its text.
    let damaged = source.export_backup().replace(r#""text": "Vladivostok""#, r#""text": "Moscow""#);
    assert!(matches!(ws.restore_backup(&damaged).unwrap_err(), ImportError::IncompleteBackup(_)));
    // Truncated.
    let backup = source.export_backup();
    assert!(ws.restore_backup(&backup[..backup.len() / 2]).is_err());
    assert_eq!(ws.export_canonical(None).unwrap(), before);
    assert_eq!(ws.undo_summary(), Some("Open mine.txt"));
}

#[test]
fn repeated_annotation_records_are_reported_not_inserted_twice() {
    // Found by `make fuzz` (fuzz/regressions/restore_records): the same annotation id
    // twice, or two ids on the same span and label, used to corrupt the annotation index.
    let mut ws = workspace_with_work();
    let (_, mut storage) = saved(&mut ws);
    assert!([page_of("a1"), page_of("a2"), page_of("a3")].iter().all(|p| *p != page_of("a9")));
    storage.insert_raw(&page("d1", "a9"), r#"[{"id":"a9","start_byte":0,"end_byte":11,"label":"PERSON"}]"#);
    let mut records = storage.load().unwrap();
    // A layout-3 record beside the pages, with an id a page holds too.
    records.push((r#"["ann","d1","a2"]"#.into(), r#"{"id":"a2","start_byte":0,"end_byte":3,"label":"ORG"}"#.into()));
    let restored = restore(records).unwrap();
    let mut messages: Vec<&str> = restored.diagnostics.iter().map(|d| d.message.as_str()).collect();
    messages.sort_by_key(|m| m.contains("stored twice"));
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].contains("(same span and label)"), "{messages:?}");
    assert!(messages[1].contains("its id is stored twice"), "{messages:?}");
    let back = restored.workspace.unwrap();
    assert_eq!(back.document("d1").unwrap().annotations().len(), 3);
}

#[test]
fn a_value_of_the_wrong_type_or_a_key_of_an_unknown_shape_is_reported_never_fatal() {
    let mut ws = workspace_with_work();
    let (_, storage) = saved(&mut ws);
    // Storage edited under the page: a2's value is an object, and two keys of unknown shapes.
    let mut records: Vec<(String, StoredValue)> = storage
        .load()
        .unwrap()
        .into_iter()
        .map(|(k, v)| if k == page("d1", "a2") { (k, StoredValue::Other("an object".into())) } else { (k, StoredValue::Text(v)) })
        .collect();
    records.push(("5".into(), StoredValue::Other("the number 5".into())));
    records.push(("[1,2]".into(), StoredValue::Text("{}".into())));
    let restored = restore(records).unwrap();
    let codes: Vec<&str> = restored.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["record-unreadable", "record-unknown", "record-unknown"], "{:?}", restored.diagnostics);
    assert!(restored.diagnostics[0].message.contains(&format!("record {} holds an object where Spanmark keeps text", page("d1", "a2"))));
    let mut back = restored.workspace.expect("everything readable is restored");
    let ids: Vec<&str> = back.document("d1").unwrap().annotations().iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["a1", "a3"]);
    // The unreadable a2 is kept in storage: a new tag never takes its id.
    let Added::New(a) = back.add_annotation("d1", 17..19, "ORG").unwrap() else { panic!() };
    assert_eq!(a.id, "a4");
}

#[test]
fn without_the_settings_record_fresh_ids_never_reuse_a_kept_one() {
    // The settings record (with the id counters) is lost and annotation a3's record is unreadable.
    let mut ws = workspace_with_work();
    let (_, storage) = saved(&mut ws);
    let records: Vec<(String, String)> = storage
        .load()
        .unwrap()
        .into_iter()
        .filter(|(k, _)| k != r#"["meta"]"#)
        .map(|(k, v)| if k == page("d1", "a3") { (k, format!("{{damaged {}", v)) } else { (k, v) })
        .collect();
    let restored = restore(records).unwrap();
    let mut back = restored.workspace.unwrap();
    assert_eq!(back.document("d1").unwrap().annotations().len(), 2);
    let Added::New(a) = back.add_annotation("d1", 17..19, "ORG").unwrap() else { panic!() };
    assert_eq!(a.id, "a4", "the next id is above every id any record holds, kept or unreadable");
    assert_eq!(back.add_document("new.txt", "text").unwrap(), "d2");
}

/// The records of `ws` as layout 3 wrote them: one record per annotation and relation.
fn layout_3(ws: &mut Workspace) -> MemoryStorage {
    let (_, saved) = saved(ws);
    let mut old = MemoryStorage::default();
    for (key, value) in saved.load().unwrap() {
        let parts: serde_json::Value = serde_json::from_str(&key).unwrap();
        match parts[0].as_str().unwrap() {
            kind @ ("anns" | "rels") => {
                let one = if kind == "anns" { "ann" } else { "rel" };
                for item in serde_json::from_str::<Vec<serde_json::Value>>(&value).unwrap() {
                    let k = serde_json::json!([one, parts[1], item["id"]]).to_string();
                    old.insert_raw(&k, &item.to_string());
                }
            }
            "meta" => {
                let mut meta: serde_json::Value = serde_json::from_str(&value).unwrap();
                meta["layout"] = 3.into();
                old.insert_raw(&key, &meta.to_string());
            }
            _ => old.insert_raw(&key, &value),
        }
    }
    old
}

#[test]
fn layout_3_records_move_onto_pages_in_one_write_and_the_damaged_ones_stay() {
    let mut ws = workspace_with_work();
    let mut storage = layout_3(&mut ws);
    storage.insert_raw(r#"["ann","d1","a7"]"#, "{damaged");
    let before = storage.load().unwrap();
    assert!(before.iter().any(|(k, _)| k == r#"["ann","d1","a1"]"#));

    let restored = restore(before).unwrap();
    let codes: Vec<&str> = restored.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["record-unreadable"], "{:?}", restored.diagnostics);
    let (mut back, mut store) = (restored.workspace.unwrap(), restored.store);
    assert_eq!(back.export_canonical(None).unwrap(), ws.export_canonical(None).unwrap());
    let batch = store.take_pending(&mut back);
    // The settings (now layout 4), a page per annotation, and the three records deleted.
    let deleted: Vec<&str> = batch.iter().filter(|(_, v)| v.is_none()).map(|(k, _)| k.as_str()).collect();
    assert_eq!(deleted, [r#"["ann","d1","a1"]"#, r#"["ann","d1","a2"]"#, r#"["ann","d1","a3"]"#]);
    assert!(batch.iter().any(|(k, v)| k == r#"["meta"]"# && v.as_deref().unwrap().contains(r#""layout":4"#)));
    for id in ["a1", "a2", "a3"] {
        assert!(batch.iter().any(|(k, v)| *k == page("d1", id) && v.as_deref().unwrap().contains(&format!(r#""id":"{id}""#))));
    }
    storage.write(&batch).unwrap();

    // Read again: the same workspace, nothing more to write, the damaged record still there.
    let again = restore(storage.load().unwrap()).unwrap();
    assert_eq!(again.diagnostics.len(), 1, "{:?}", again.diagnostics);
    let (again_ws, again_store) = (again.workspace.unwrap(), again.store);
    assert!(!again_store.has_pending(&again_ws));
    assert_eq!(again_ws.export_canonical(None).unwrap(), ws.export_canonical(None).unwrap());
    assert!(storage.load().unwrap().iter().any(|(k, v)| k == r#"["ann","d1","a7"]"# && v == "{damaged"));
    // a7 was unreadable, yet its id is never given again.
    let mut again_ws = again_ws;
    let Added::New(a) = again_ws.add_annotation("d1", 17..19, "ORG").unwrap() else { panic!() };
    assert_eq!(a.id, "a8");
}

#[test]
fn an_edit_on_a_damaged_page_copies_what_it_held_before_writing_it_again() {
    // A long text, so that fresh annotations land on many pages.
    let words: Vec<String> = (0..4000).map(|n| format!("w{n:04}")).collect();
    let text = words.join(" ");
    let mut ws = Workspace::default();
    let doc = ws.add_document("long.txt", &text).unwrap();
    ws.add_annotation(&doc, 0..5, "PERSON").unwrap();
    let (_, mut storage) = saved(&mut ws);
    // A page no annotation is on yet is damaged in storage.
    let target = (0..).map(|n| format!("a{n}")).map(|id| page_of(&id)).find(|p| *p != page_of("a1")).unwrap();
    let key = format!(r#"["anns","d1",{target}]"#);
    storage.insert_raw(&key, "[{\"id\":\"a5000\",\"start_byte\":0,\"end_byte\"");
    let restored = restore(storage.load().unwrap()).unwrap();
    assert_eq!(restored.diagnostics[0].code, "record-unreadable");
    let (mut back, mut store) = (restored.workspace.unwrap(), restored.store);
    // Tag word after word until a fresh annotation lands on the damaged page.
    let mut written = Vec::new();
    for n in 1..words.len() {
        let start = n * 6;
        let Added::New(a) = back.add_annotation(&doc, start..start + 5, "ORG").unwrap() else { panic!() };
        // The damaged page said a5000: fresh ids go past it.
        assert!(a.id.trim_start_matches('a').parse::<u64>().unwrap() > 5000, "{}", a.id);
        written = store.take_pending(&mut back);
        storage.write(&written).unwrap();
        if page_of(&a.id) == target {
            break;
        }
    }
    let copy = serde_json::json!(["damaged", key]).to_string();
    let at_copy = written.iter().position(|(k, _)| *k == copy).expect("the damaged page is copied");
    let at_page = written.iter().position(|(k, _)| *k == key).expect("the page is written again");
    assert!(at_copy < at_page);
    assert_eq!(written[at_copy].1.as_deref(), Some("[{\"id\":\"a5000\",\"start_byte\":0,\"end_byte\""));
    // Read back: the copy is reported and kept, everything else restored.
    let again = restore(storage.load().unwrap()).unwrap();
    assert!(again.diagnostics.iter().any(|d| d.code == "record-damaged" && d.message.contains(&key)), "{:?}", again.diagnostics);
    assert_eq!(again.workspace.unwrap().export_canonical(None).unwrap(), back.export_canonical(None).unwrap());
}

#[test]
fn saving_many_annotations_puts_pages_not_records() {
    let words: Vec<String> = (0..20_000).map(|n| format!("w{n:05}")).collect();
    let mut ws = Workspace::default();
    let doc = ws.add_document("long.txt", &words.join(" ")).unwrap();
    let spans: Vec<_> = (0..words.len()).map(|n| (doc.clone(), n * 7..n * 7 + 6, "PERSON".to_owned())).collect();
    ws.add_spans(&spans, "Tag all").unwrap();
    let mut store = Store::default();
    let batch = store.take_pending(&mut ws);
    let pages = batch.iter().filter(|(k, _)| k.starts_with(r#"["anns""#)).count();
    assert!(pages <= spanmark_core::PAGES as usize && pages > 900, "{pages} pages");
    assert!(batch.len() < pages + 10, "{} records", batch.len());
    let mut storage = MemoryStorage::default();
    storage.write(&batch).unwrap();
    let back = restore(storage.load().unwrap()).unwrap();
    assert!(back.diagnostics.is_empty());
    assert_eq!(back.workspace.unwrap().document(&doc).unwrap().annotations().len(), 20_000);
}

/// A save in slices groups the document's ids by page once; an edit between two slices
/// must be in what is written after it, whichever pages it touches.
#[test]
fn an_edit_between_the_slices_of_a_large_save_is_saved_too() {
    let words: Vec<String> = (0..20_000).map(|n| format!("w{n:05}")).collect();
    let mut ws = Workspace::default();
    let doc = ws.add_document("long.txt", &words.join(" ")).unwrap();
    let spans: Vec<_> = (0..words.len() - 10).map(|n| (doc.clone(), n * 7..n * 7 + 6, "PERSON".to_owned())).collect();
    ws.add_spans(&spans, "Tag all").unwrap();
    let mut store = Store::default();
    let mut storage = MemoryStorage::default();
    let first = store.take_pending_up_to(&mut ws, 5000);
    assert!(!first.is_empty() && store.has_pending(&ws), "the save takes more than one slice");
    storage.write(&first).unwrap();
    // Between the slices: one annotation removed (its page may be written already) and
    // ten added (on pages written or still waiting).
    let gone = ws.document(&doc).unwrap().annotations().iter().next().unwrap().id.clone();
    ws.remove_annotation(&doc, &gone).unwrap();
    for n in words.len() - 10..words.len() {
        assert!(matches!(ws.add_annotation(&doc, n * 7..n * 7 + 6, "GPE").unwrap(), Added::New(_)));
    }
    loop {
        let slice = store.take_pending_up_to(&mut ws, 5000);
        if slice.is_empty() {
            break;
        }
        storage.write(&slice).unwrap();
    }
    let back = restore(storage.load().unwrap()).unwrap();
    assert!(back.diagnostics.is_empty(), "{:?}", back.diagnostics.first());
    let ids = |w: &Workspace| w.document(&doc).unwrap().annotations().iter().map(|a| a.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&back.workspace.unwrap()), ids(&ws));
    assert_eq!(ids(&ws).len(), words.len() - 1);
}

#[test]
fn the_page_of_an_id_is_fnv_1a_of_its_utf8_modulo_1024() {
    // The same values as the end-to-end tests' pageKey and Python's FNV-1a.
    let pages: Vec<u32> = ["a1", "a2", "a3", "Путин👋"].iter().map(|id| page_of(id)).collect();
    assert_eq!(pages, [167, 570, 973, 961]);
}
