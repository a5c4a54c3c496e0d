//! The properties every importer must keep on any input, shared by the cargo-fuzz targets
//! (fuzz/) and by the regression test that replays the seed corpus and every finding.
#![allow(dead_code)]

use spanmark_core::{restore, Format, ImportOptions, InputFile, LabelSchema, MemoryStorage, StorageBackend, StoredValue, Unit, Workspace};

fn snapshot(ws: &Workspace) -> String {
    ws.export_canonical(None).expect("every document exists")
}

/// Canonical import: a refused file changes nothing; an accepted one exports and
/// re-imports to the same, and one undo takes it all back.
pub fn import_canonical(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut ws = Workspace::default();
    ws.add_document("mine.txt", "Kim 👋 met Путин.").unwrap();
    let before = snapshot(&ws);
    match ws.import_canonical(text) {
        Err(_) => assert_eq!(snapshot(&ws), before, "a refused import changed the workspace"),
        Ok(_) => {
            let exported = snapshot(&ws);
            let mut again = Workspace::new(LabelSchema::empty());
            let report = again.import_canonical(&exported).expect("Spanmark reads its own export");
            assert!(report.diagnostics.is_empty(), "own export gave diagnostics: {:?}", report.diagnostics);
            assert_eq!(snapshot(&again), exported, "export, import, export is not stable");
            ws.undo().expect("an import is undoable");
            assert_eq!(snapshot(&ws), before, "undoing an import did not restore the workspace");
        }
    }
}

/// Backup restore: replaces everything only when complete, and undo brings the old workspace back.
pub fn restore_backup(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut ws = Workspace::default();
    ws.add_document("mine.txt", "my work").unwrap();
    let before = snapshot(&ws);
    match ws.restore_backup(text) {
        Err(_) => assert_eq!(snapshot(&ws), before, "a refused backup changed the workspace"),
        Ok(_) => {
            ws.undo().expect("a restore is undoable");
            assert_eq!(snapshot(&ws), before);
        }
    }
}

/// Stored records, one per line as `key<TAB>value`: whatever restores can be saved and
/// restored again to the same workspace, and its history can be walked without panicking.
pub fn restore_records(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let records: Vec<(String, String)> =
        text.lines().filter_map(|l| l.split_once('\t')).map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
    let Ok(restored) = restore(records) else { return };
    let Some(mut ws) = restored.workspace else { return };
    let mut storage = MemoryStorage::default();
    let mut store = restored.store;
    store.mark_all(&ws);
    store.save_to(&mut ws, &mut storage).unwrap();
    let again = restore(storage.load().unwrap()).expect("own records restore").workspace.expect("a workspace");
    assert_eq!(snapshot(&again), snapshot(&ws), "save then restore is not stable");
    for _ in 0..256 {
        if let Ok(None) = ws.undo() {
            break;
        }
    }
    for _ in 0..256 {
        if let Ok(None) = ws.redo() {
            break;
        }
    }
}

/// Stored records of any kind, one per line as `key<TAB>value`, where a value that starts
/// with `\u{1}` stands for a value of another type than text (an object, a number):
/// restore never fails for such records, never lets a fresh id land on a key it kept,
/// and what it restores saves and restores again to the same workspace.
pub fn restore_any(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let records: Vec<(String, StoredValue)> = text
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(k, v)| match v.strip_prefix('\u{1}') {
            Some(what) => (k.to_owned(), StoredValue::Other(what.to_owned())),
            None => (k.to_owned(), StoredValue::Text(v.to_owned())),
        })
        .collect();
    let kept: std::collections::BTreeSet<String> = records.iter().map(|(k, _)| k.clone()).collect();
    // Pages restore found damaged (their text is not a list): written again only after a copy.
    let damaged: std::collections::BTreeSet<String> = records
        .iter()
        .filter(|(k, v)| (k.starts_with("[\"anns\"") || k.starts_with("[\"rels\"")) && !matches!(v, StoredValue::Text(t) if serde_json::from_str::<Vec<serde_json::Value>>(t).is_ok()))
        .map(|(k, _)| k.clone())
        .collect();
    let Ok(restored) = restore(records) else { return };
    let Some(mut ws) = restored.workspace else { return };
    let mut store = restored.store;
    // A new document and a new annotation never take the key of a record that was found.
    let doc = ws.add_document("new.txt", "Kim 👋 met Путин.").unwrap();
    ws.add_annotation(&doc, 0..3, ws.schema().labels()[0].id.clone().as_str()).ok();
    let batch = store.take_pending(&mut ws);
    for (n, (key, value)) in batch.iter().enumerate() {
        let is_history = key.starts_with("[\"undo\"") || key.starts_with("[\"redo\"");
        let is_settings = key == "[\"meta\"]" || key == "[\"ui\"]";
        // A page holds many annotations: written again, it keeps what it held that was
        // read, and a damaged page is first copied to ["damaged", key].
        let is_page = key.starts_with("[\"anns\"") || key.starts_with("[\"rels\"");
        if is_page && damaged.contains(key) {
            let copy = serde_json::json!(["damaged", key]).to_string();
            assert!(batch[..n].iter().any(|(k, v)| *k == copy && v.is_some()), "the damaged page {key} was written again without a copy");
        }
        // Layouts 2 and 3 kept one record per annotation: migrated onto pages, each is
        // deleted once read (never one that was not read).
        let migrated = value.is_none() && (key.starts_with("[\"ann\"") || key.starts_with("[\"rel\""));
        if migrated {
            let parts: Vec<String> = serde_json::from_str(key).unwrap();
            let held = ws.document(&parts[1]).is_ok_and(|d| d.annotations().get(&parts[2]).is_some() || d.relations().get(&parts[2]).is_some());
            assert!(held, "the record {key} was deleted, but what it held was not restored");
        }
        assert!(is_history || is_settings || is_page || migrated || !kept.contains(key), "a fresh record overwrote the kept record {key}");
    }
    let mut storage = MemoryStorage::default();
    store.mark_all(&ws);
    store.save_to(&mut ws, &mut storage).unwrap();
    let again = restore(storage.load().unwrap()).expect("own records restore").workspace.expect("a workspace");
    assert_eq!(snapshot(&again), snapshot(&ws), "save then restore is not stable");
}

/// Any interchange format (the first byte picks it, the rest is the file): staging never
/// changes the workspace; what applies can be exported in the same format, and one undo
/// takes the import back.
pub fn import_interchange(data: &[u8]) {
    let Some((&pick, file)) = data.split_first() else { return };
    let format = Format::ALL[pick as usize % Format::ALL.len()];
    let name = match format {
        Format::Canonical | Format::LabelStudio => "in.json",
        Format::Jsonl => "in.jsonl",
        Format::Brat if file.starts_with(b"PK") => "in.zip",
        Format::Brat => "mine.ann",
        Format::Conll => "in.conll",
        Format::W3c => "in.jsonld",
    };
    let mut ws = Workspace::default();
    ws.add_document("mine.txt", "Kim 👋 met Путин.\r\nJose\u{301} 김정은").unwrap();
    let before = snapshot(&ws);
    let mut files = vec![InputFile::new(name, file)];
    if format == Format::Conll {
        files.push(InputFile::new("mine.txt", "Kim 👋 met Путин.\r\nJose\u{301} 김정은"));
    }
    for unit in [Unit::CodePoint, Unit::Utf16] {
        let _ = ws.stage_import(&files, &ImportOptions { format: None, unit, ..ImportOptions::default() });
        assert_eq!(snapshot(&ws), before, "staging changed the workspace");
    }
    let Ok(staged) = ws.stage_import(&files, &ImportOptions { format: Some(format), unit: Unit::CodePoint, ..ImportOptions::default() }) else { return };
    assert_eq!(snapshot(&ws), before, "staging changed the workspace");
    if ws.apply_import(staged).is_err() {
        assert_eq!(snapshot(&ws), before, "a refused apply changed the workspace");
        return;
    }
    ws.export_as(format, None, &Default::default()).expect("what imports, exports");
    ws.undo().expect("an import is undoable");
    assert_eq!(snapshot(&ws), before, "undoing an import did not restore the workspace");
}

/// The workspace a sync update is fed to: one document with two annotations linked by a
/// relation, shared as a replica (fixed client ids, so that runs repeat).
fn sync_room() -> (Workspace, spanmark_core::replica::Replica) {
    use std::sync::Arc;
    let mut ws = Workspace::default();
    let doc = ws.add_document("kim.txt", "Kim Jong-un 👋 met Путин.").unwrap();
    ws.add_annotation(&doc, 0..11, "PERSON").unwrap();
    ws.add_annotation(&doc, 21..31, "PERSON").unwrap();
    let ids: Vec<String> = ws.documents()[0].annotations().iter().map(|a| a.id.clone()).collect();
    ws.add_relation(&doc, &ids[0], &ids[1], "MEETS").unwrap();
    let replica = spanmark_core::replica::Replica::from_workspace_with(&mut ws, "fuzz", Some(7), Arc::new(spanmark_core::replica::CountingClock::default()));
    (ws, replica)
}

/// Sync updates: any bytes given to `apply_update` never panic; a refused update changes
/// nothing in the workspace; an accepted one leaves no dangling relation, and the
/// workspace is the view of the record (a fresh replica joining it shows the same).
pub fn sync_update(data: &[u8]) {
    use std::sync::Arc;
    use spanmark_core::replica::{CountingClock, Replica};
    let (mut ws, mut replica) = sync_room();
    let before = snapshot(&ws);
    match replica.apply_update(&mut ws, data) {
        Err(_) => assert_eq!(snapshot(&ws), before, "a refused update changed the workspace"),
        Ok(_) => {
            for d in ws.documents() {
                for r in d.relations().iter() {
                    assert!(d.annotations().contains_id(&r.from) && d.annotations().contains_id(&r.to), "relation {} dangles", r.id);
                }
            }
            let mut fresh = Workspace::new(LabelSchema::empty());
            if let Ok((_, _)) = Replica::join_with(&mut fresh, "observer", &replica.encode_state(), Some(8), Arc::new(CountingClock::default())) {
                assert_eq!(snapshot(&fresh), snapshot(&ws), "the workspace is not the view of its record");
            }
        }
    }
    // The replica still records local edits after whatever it was fed.
    if let Some(doc) = ws.documents().first().map(|d| d.id().to_owned()) {
        let _ = ws.rename_document(&doc, "after.txt");
        let _ = replica.record(&mut ws);
    }
}

/// The update a second replica of [`sync_room`] sends after `edit`: seeds for the fuzzer.
pub fn sync_update_seed(edit: impl FnOnce(&mut Workspace)) -> Vec<u8> {
    use std::sync::Arc;
    use spanmark_core::replica::{CountingClock, Replica};
    let (_, replica) = sync_room();
    let mut ws = Workspace::new(LabelSchema::empty());
    let (mut other, _) = Replica::join_with(&mut ws, "seed", &replica.encode_state(), Some(9), Arc::new(CountingClock::default())).unwrap();
    edit(&mut ws);
    other.record(&mut ws).unwrap().update
}

/// A fuzz target's property check.
pub type Check = fn(&[u8]);

/// Every fuzz target by name, for the regression test.
pub const TARGETS: [(&str, Check); 6] = [
    ("import_canonical", import_canonical),
    ("restore_backup", restore_backup),
    ("restore_records", restore_records),
    ("import_interchange", import_interchange),
    ("restore_any", restore_any),
    ("sync_update", sync_update),
];
