//! The canonical JSON format: exact code point offsets, lossless round trips, and imports
//! that verify quotes, report diagnostics, and leave the workspace untouched on a bad file.

mod common;

use proptest::prelude::*;
use serde_json::{json, Value};
use spanmark_core::{Added, ImportError, Severity, SnapMode, Workspace};

fn demo(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../../www/demo/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// What Python's `str.find` returns: a code point offset.
fn py_find(text: &str, phrase: &str) -> usize {
    text[..text.find(phrase).unwrap()].chars().count()
}

fn annotate(ws: &mut Workspace, doc: &str, phrase: &str, label: &str) {
    let text = ws.document(doc).unwrap().text().to_owned();
    let start = text.find(phrase).unwrap();
    let span = ws.normalize_selection(doc, start..start + phrase.len(), SnapMode::Characters).unwrap();
    assert!(matches!(ws.add_annotation(doc, span, label).unwrap(), Added::New(_)));
}

#[test]
fn demo_article_export_has_python_offsets_and_the_documented_shape() {
    let text = demo("kim-jong-un-meets-putin-in-russia.txt");
    let mut ws = Workspace::default();
    let doc = ws.add_document("kim.txt", &text).unwrap();
    // Phrases after typographic dashes and quotes, which shift UTF-8 offsets.
    let phrases = [("Vostochny Cosmodrome", "FAC"), ("KCNA", "ORG"), ("Sergei Shoigu", "PERSON"), ("July 26, 2023", "DATE"), ("anti-tank missiles", "WEAPON")];
    for (phrase, label) in phrases {
        annotate(&mut ws, &doc, phrase, label);
    }
    let out: Value = serde_json::from_str(&ws.export_canonical(None).unwrap()).unwrap();
    assert_eq!(out["format"], "spanmark");
    assert_eq!(out["version"], 1);
    assert_eq!(out["offsetUnit"], "codepoint");
    assert_eq!(out["labels"].as_array().unwrap().len(), 8);
    assert_eq!(out["labels"][0], json!({"id": "PERSON", "name": "Person", "color": "#2b5d8a", "hotkey": "1", "description": "People, real or fictional"}));
    let d = &out["documents"][0];
    assert_eq!(d["text"], text);
    let keys: Vec<&str> = d["annotations"][0].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["end", "id", "label", "start", "text"]);
    for (phrase, label) in phrases {
        let a = d["annotations"].as_array().unwrap().iter().find(|a| a["text"] == phrase).unwrap();
        let start = py_find(&text, phrase);
        assert_eq!((a["start"].as_u64().unwrap() as usize, a["end"].as_u64().unwrap() as usize), (start, start + phrase.chars().count()));
        assert_eq!(a["label"], label);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn export_then_import_gives_back_the_same_annotations((text, spans) in common::annotated_text(40, 10)) {
        let mut ws = Workspace::default();
        let doc = ws.add_document("t.txt", &text).unwrap();
        for (s, e, l) in spans {
            ws.add_annotation(&doc, s..e, l).unwrap();
        }
        let exported = ws.export_canonical(None).unwrap();

        // Offsets are code points with the quote beside them.
        let v: Value = serde_json::from_str(&exported).unwrap();
        let chars: Vec<char> = text.chars().collect();
        for a in v["documents"][0]["annotations"].as_array().unwrap() {
            let (s, e) = (a["start"].as_u64().unwrap() as usize, a["end"].as_u64().unwrap() as usize);
            prop_assert_eq!(chars[s..e].iter().collect::<String>(), a["text"].as_str().unwrap());
        }

        let mut back = Workspace::default();
        let report = back.import_canonical(&exported).unwrap();
        prop_assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
        let original: Vec<_> = ws.document(&doc).unwrap().annotations().iter().cloned().collect();
        let restored: Vec<_> = back.document(&report.document_ids[0]).unwrap().annotations().iter().cloned().collect();
        prop_assert_eq!(original, restored);
        prop_assert_eq!(back.document(&report.document_ids[0]).unwrap().text(), text.as_str());
        // And the second export is byte for byte the first.
        prop_assert_eq!(back.export_canonical(None).unwrap(), exported);
    }

    #[test]
    fn no_input_panics_and_a_refused_file_changes_nothing(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let mut ws = Workspace::default();
        ws.add_document("keep.txt", "keep me").unwrap();
        let before = ws.export_canonical(None).unwrap();
        let input = String::from_utf8_lossy(&bytes);
        if ws.import_canonical(&input).is_err() {
            prop_assert_eq!(ws.export_canonical(None).unwrap(), before);
        }
    }
}

fn file(docs: Value) -> String {
    json!({"format": "spanmark", "version": 1, "offsetUnit": "codepoint", "labels": [], "documents": docs}).to_string()
}

fn doc_with(annotations: Value) -> Value {
    json!([{"id": "x", "name": "x.txt", "text": "👋 Putin met Kim in Vladivostok.", "annotations": annotations}])
}

#[test]
fn broken_files_are_clear_errors_and_change_nothing() {
    let mut ws = Workspace::default();
    let doc = ws.add_document("keep.txt", "Kim").unwrap();
    ws.add_annotation(&doc, 0..3, "PERSON").unwrap();
    let before = ws.export_canonical(None).unwrap();
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let cases: Vec<(String, &str)> = vec![
        ("".into(), "not a valid Spanmark JSON file: EOF while parsing"),
        ("{\"format\": \"spanmark\", \"version\": 1, \"offsetUnit\": \"codepoint\", \"documents\": [".into(), "EOF while parsing"),
        ("[1, 2]".into(), "not a valid Spanmark JSON file"),
        (deep, "recursion limit exceeded"),
        (json!({"format": "doccano"}).to_string(), "not a Spanmark export (its \"format\" field is \"doccano\")"),
        (json!({"documents": []}).to_string(), "\"format\" field is missing"),
        (json!({"format": "spanmark", "version": 2, "offsetUnit": "codepoint", "documents": []}).to_string(), "format version 2; this Spanmark reads version 1"),
        (json!({"format": "spanmark", "version": 1, "offsetUnit": "utf16", "documents": []}).to_string(), "counts offsets in \"\\\"utf16\\\"\""),
        (json!({"format": "spanmark", "version": 1, "offsetUnit": "codepoint", "documents": {}}).to_string(), "invalid type: map, expected a sequence"),
        (file(json!([{"id": "x", "name": "x", "text": 5}])), "invalid type: integer `5`, expected a string"),
        (file(doc_with(json!([{"id": "a", "start": "0", "end": 5, "text": "👋", "label": "PERSON"}]))), "invalid type: string \"0\", expected i64"),
        (file(json!([{"id": "x", "name": "x", "text": "bin\u{0}ary"}])), "document \"x\": the file contains NUL characters"),
    ];
    for (input, expected) in cases {
        let err = ws.import_canonical(&input).unwrap_err();
        assert!(err.to_string().contains(expected), "{input:.80}: {err}");
        assert_eq!(ws.export_canonical(None).unwrap(), before, "the workspace is untouched after {input:.80}");
    }
    assert!(matches!(ws.import_canonical("{\"format\":1}"), Err(ImportError::NotSpanmark(_))));
}

#[test]
fn bad_annotations_become_diagnostics_and_the_good_ones_are_kept() {
    let mut ws = Workspace::default();
    let input = file(doc_with(json!([
        {"id": "ok", "start": 2, "end": 7, "text": "Putin", "label": "PERSON"},
        {"id": "utf16", "start": 3, "end": 8, "text": "Putin", "label": "PERSON"},
        {"id": "gone", "start": 0, "end": 4, "text": "Xi Jinping", "label": "PERSON"},
        {"id": "neg", "start": -1, "end": 4, "text": "nowhere", "label": "PERSON"},
        {"id": "past", "start": 30, "end": 900, "text": "far", "label": "GPE"},
        {"id": "empty", "start": 5, "end": 5, "text": "", "label": "GPE"},
        {"id": "nolabel", "start": 12, "end": 15, "text": "Kim", "label": ""},
        {"id": "new", "start": 19, "end": 30, "text": "Vladivostok", "label": "CITY"},
        {"id": "ok", "start": 12, "end": 15, "text": "Kim", "label": "PERSON"},
    ])));
    let report = ws.import_canonical(&input).unwrap();
    let codes: Vec<(&str, Option<&str>, Severity)> =
        report.diagnostics.iter().map(|d| (d.code, d.annotation.as_deref(), d.severity)).collect();
    assert_eq!(
        codes,
        [
            ("quote-mismatch", Some("gone"), Severity::Error),
            ("quote-mismatch", Some("neg"), Severity::Error),
            ("quote-mismatch", Some("past"), Severity::Error),
            ("quote-mismatch", Some("empty"), Severity::Error),
            ("missing-label", Some("nolabel"), Severity::Error),
            ("label-added", Some("new"), Severity::Info),
            ("unit-detected", None, Severity::Info),
            ("duplicate", Some("utf16"), Severity::Info),
        ]
    );
    assert_eq!(report.annotations_added, 3);
    assert_eq!(report.labels_added, ["CITY"]);
    assert!(ws.schema().get("CITY").is_some());
    let msg = &report.diagnostics[2].message;
    assert!(msg.contains("goes past the end of the text (31 code points)"), "{msg}");
    let doc = ws.document(&report.document_ids[0]).unwrap();
    let quotes: Vec<_> = doc.annotations().iter().map(|a| (a.id.as_str(), a.quote(doc.text()))).collect();
    assert_eq!(quotes, [("ok", "Putin"), ("ok~2", "Kim"), ("new", "Vladivostok")]);
}

#[test]
fn a_bom_is_ignored_and_document_ids_never_collide() {
    let mut ws = Workspace::default();
    ws.add_document("a.txt", "first").unwrap(); // takes d1
    let input = format!("\u{feff}{}", file(json!([{"id": "d1", "name": "b.txt", "text": "second\r\n"}])));
    let report = ws.import_canonical(&input).unwrap();
    assert_eq!(report.document_ids, ["d2"]);
    // Ids are internal: taking a fresh one is nothing the analyst needs to read about.
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(ws.documents().len(), 2);
    assert_eq!(ws.document("d2").unwrap().text(), "second\r\n");
    // New documents after an import get fresh ids too.
    assert_eq!(ws.add_document("c.txt", "third").unwrap(), "d3");
}

#[test]
fn re_importing_ones_own_export_offers_merge_copy_or_skip_and_never_piles_up() {
    use spanmark_core::{ImportOptions, InputFile, SameText};
    let mut ws = Workspace::default();
    let doc = ws.add_document("kim.txt", "Kim Jong-un met Vladimir Putin.").unwrap();
    ws.add_annotation(&doc, 0..11, "PERSON").unwrap();
    let export = ws.export_canonical(None).unwrap();
    // Elsewhere, a colleague added one more span to the same text.
    let mut other = Workspace::default();
    other.import_canonical(&export).unwrap();
    let id = other.documents()[0].id().to_owned();
    other.add_annotation(&id, 16..30, "PERSON").unwrap();
    let theirs = other.export_canonical(None).unwrap();
    let files = [InputFile::new("theirs.json", theirs)];

    // The default merges: the new span comes in, the one both have is skipped.
    let staged = ws.stage_import(&files, &ImportOptions::default()).unwrap();
    assert!(staged.needs_review(), "the analyst chooses what happens to a text already open");
    assert_eq!(staged.report.same_text.len(), 1);
    assert_eq!(staged.report.same_text[0].existing_title, "Kim Jong-un met Vladimir Putin.");
    let report = ws.apply_import(staged).unwrap();
    assert_eq!(report.annotations_added, 1);
    assert_eq!(ws.documents().len(), 1);
    let quotes: Vec<&str> = ws.documents()[0].annotations().iter().map(|a| a.quote(ws.documents()[0].text())).collect();
    assert_eq!(quotes, ["Kim Jong-un", "Vladimir Putin"]);
    // Importing the same again changes nothing.
    let again = ws.stage_import(&files, &ImportOptions::default()).unwrap();
    assert_eq!(again.report.annotations_added, 0);

    // A copy, named so.
    let staged = ws.stage_import(&files, &ImportOptions { same_text: SameText::Copy, ..ImportOptions::default() }).unwrap();
    ws.apply_import(staged).unwrap();
    let names: Vec<&str> = ws.documents().iter().map(|d| d.name()).collect();
    assert_eq!(names, ["kim.txt", "kim (copy).txt"]);
    // Skip: nothing comes in.
    let staged = ws.stage_import(&files, &ImportOptions { same_text: SameText::Skip, ..ImportOptions::default() }).unwrap();
    assert_eq!(staged.report.annotations_added, 0);
    assert_eq!(staged.report.diagnostics.iter().filter(|d| d.code == "same-text-skipped").count(), 1);
}

#[test]
fn rename_retitle_and_remove_are_undoable_steps_that_persist() {
    use spanmark_core::{restore, MemoryStorage, StorageBackend, Store};
    let mut ws = Workspace::default();
    let doc = ws.add_document("kim.txt", "date 2023-09-06\nKim met Putin.").unwrap();
    ws.add_annotation(&doc, 16..19, "PERSON").unwrap();
    ws.rename_document(&doc, "kim-2023.txt").unwrap();
    ws.set_document_title(&doc, Some("The Vostochny summit")).unwrap();
    assert_eq!(ws.undo_summary(), Some("Title “The Vostochny summit”"));
    let mut storage = MemoryStorage::default();
    let mut store = Store::default();
    store.save_to(&mut ws, &mut storage).unwrap();
    let back = restore(storage.load().unwrap()).unwrap().workspace.unwrap();
    let d = back.document(&doc).unwrap();
    assert_eq!((d.name(), d.title()), ("kim-2023.txt", "The Vostochny summit"));
    ws.remove_document(&doc).unwrap();
    assert_eq!(ws.undo_summary(), Some("Remove “The Vostochny summit” (1 annotations)"));
    ws.undo().unwrap();
    assert_eq!(ws.document(&doc).unwrap().title(), "The Vostochny summit", "undo brings back the title too");
    ws.undo().unwrap();
    ws.undo().unwrap();
    assert_eq!((ws.document(&doc).unwrap().name(), ws.document(&doc).unwrap().title()), ("kim.txt", "Kim met Putin."));
}
