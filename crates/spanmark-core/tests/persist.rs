//! Stored records: migration from the previous layout, newer layouts, damaged records, backups.

use spanmark_core::{restore, Added, ImportError, MemoryStorage, RestoreError, StorageBackend, Store, StoredValue, Workspace, LAYOUT_VERSION};

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
fn one_edit_writes_one_annotation_record_and_the_settings_and_history_step() {
    let mut ws = workspace_with_work();
    let (mut store, mut storage) = saved(&mut ws);
    let doc = ws.documents()[0].id().to_owned();
    ws.add_annotation(&doc, 17..19, "ORG").unwrap(); // "me" of "met", in bytes after the emoji
    let batch = store.take_pending(&mut ws);
    let keys: Vec<&str> = batch.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, [r#"["meta"]"#, r#"["ann","d1","a4"]"#, r#"["undo",4]"#]);
    storage.write(&batch).unwrap();
    // Undo deletes the annotation record and moves the step to the redo stack.
    ws.undo().unwrap();
    let batch = store.take_pending(&mut ws);
    let ops: Vec<(&str, bool)> = batch.iter().map(|(k, v)| (k.as_str(), v.is_some())).collect();
    assert_eq!(ops, [(r#"["ann","d1","a4"]"#, false), (r#"["undo",4]"#, false), (r#"["redo",0]"#, true)]);
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
    storage.insert_raw(r#"["ann","d1","a2"]"#, "{not json");
    storage.insert_raw(r#"["ann","d1","x"]"#, r#"{"id":"x","start_byte":13,"end_byte":14,"label":"PERSON"}"#); // inside 👋
    storage.insert_raw(r#"["ann","ghost","g"]"#, r#"{"id":"g","start_byte":0,"end_byte":1,"label":"PERSON"}"#);
    storage.insert_raw(r#"["undo",1]"#, "garbage");
    storage.insert_raw("not a key", "{}");
    let restored = restore(storage.load().unwrap()).unwrap();
    let codes: Vec<&str> = restored.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["record-unreadable", "record-unknown", "annotation-unreadable", "orphan-annotations", "history-unreadable"]);
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
    // Found by `make fuzz` (fuzz/regressions/restore_records): the same annotation key
    // twice, or two ids on the same span and label, used to corrupt the annotation index.
    let mut ws = workspace_with_work();
    let (_, mut storage) = saved(&mut ws);
    storage.insert_raw(r#"["ann","d1","a9"]"#, r#"{"id":"a9","start_byte":0,"end_byte":11,"label":"PERSON"}"#);
    let mut records = storage.load().unwrap();
    records.push((r#"["ann","d1","a1"]"#.into(), r#"{"id":"a1","start_byte":0,"end_byte":3,"label":"ORG"}"#.into()));
    let restored = restore(records).unwrap();
    let messages: Vec<&str> = restored.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].contains("it repeats annotation \"a1\" (same span and label)"), "{messages:?}");
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
        .map(|(k, v)| if k == r#"["ann","d1","a2"]"# { (k, StoredValue::Other("an object".into())) } else { (k, StoredValue::Text(v)) })
        .collect();
    records.push(("5".into(), StoredValue::Other("the number 5".into())));
    records.push(("[1,2]".into(), StoredValue::Text("{}".into())));
    let restored = restore(records).unwrap();
    let codes: Vec<&str> = restored.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["record-unreadable", "record-unknown", "record-unknown"], "{:?}", restored.diagnostics);
    assert!(restored.diagnostics[0].message.contains(r#"record ["ann","d1","a2"] holds an object where Spanmark keeps text"#));
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
        .map(|(k, v)| if k == r#"["ann","d1","a3"]"# { (k, "{damaged".to_owned()) } else { (k, v) })
        .collect();
    let restored = restore(records).unwrap();
    let mut back = restored.workspace.unwrap();
    assert_eq!(back.document("d1").unwrap().annotations().len(), 2);
    let Added::New(a) = back.add_annotation("d1", 17..19, "ORG").unwrap() else { panic!() };
    assert_eq!(a.id, "a4", "the next id is above every id any record holds, kept or unreadable");
    assert_eq!(back.add_document("new.txt", "text").unwrap(), "d2");
}
