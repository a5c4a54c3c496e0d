//! Binding tests in headless Chromium: UTF-16 offsets at the JS boundary, and errors
//! that reach JavaScript as real `Error` objects.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Error, Reflect, Uint8Array};
use spanmark::{read_files, FileSet, Spanmark};
use spanmark_core::InputFile;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::File;

wasm_bindgen_test_configure!(run_in_browser);

/// "👨‍👩‍👧" is 5 code points and 8 UTF-16 units; "Путин" starts at UTF-16 unit 17, code point 14.
const TEXT: &str = "Kim 👨\u{200d}👩\u{200d}👧 met Путин – “Vladimir”\r\n김정은";

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).expect("property exists")
}

fn num(obj: &JsValue, key: &str) -> u32 {
    get(obj, key).as_f64().expect("a number") as u32
}

/// The UTF-16 offset of `needle` in TEXT, computed the way JS does.
fn utf16_find(needle: &str) -> u32 {
    let byte = TEXT.find(needle).unwrap();
    TEXT[..byte].encode_utf16().count() as u32
}

fn as_error(err: wasm_bindgen::JsError) -> Error {
    let value: JsValue = err.into();
    assert!(value.is_instance_of::<Error>(), "JS receives an Error, not a bare string: {value:?}");
    value.unchecked_into::<Error>()
}

#[wasm_bindgen_test]
fn annotations_round_trip_in_utf16_units() {
    let mut sm = Spanmark::new();
    let doc = sm.add_document("t.txt", TEXT).unwrap();
    let start = utf16_find("Путин");
    let added = sm.add_annotation(&doc, start, start + 5, "PERSON").unwrap();
    assert_eq!(get(&added, "changed"), JsValue::TRUE);
    let ann = get(&added, "annotation");
    assert_eq!(num(&ann, "startUtf16"), 17);
    assert_eq!(num(&ann, "endUtf16"), 22);
    assert_eq!(get(&ann, "text").as_string().unwrap(), "Путин");

    // The same span again is a no-op that says why.
    let again = sm.add_annotation(&doc, start, start + 5, "PERSON").unwrap();
    assert_eq!(get(&again, "changed"), JsValue::FALSE);
    assert_eq!(get(&again, "reason").as_string().unwrap(), "duplicate");

    // A span after the CRLF and the Hangul: JS offsets in, JS offsets out.
    let k = utf16_find("김정은");
    let added = sm.add_annotation(&doc, k, k + 3, "PERSON").unwrap();
    assert_eq!(num(&get(&added, "annotation"), "startUtf16"), k);

    // The export counts code points: the ZWJ family is 5 of them, not 8.
    let json = String::from_utf8(sm.export_as("canonical", Some(doc.clone())).unwrap().bytes().to_vec()).unwrap();
    let cp_start = TEXT[..TEXT.find("Путин").unwrap()].chars().count();
    assert_eq!(cp_start, 14);
    assert!(json.contains(&format!("\"start\": {cp_start}")), "{json}");
}

#[wasm_bindgen_test]
fn selection_snaps_to_words_and_whole_emoji_in_utf16() {
    let mut sm = Spanmark::new();
    let doc = sm.add_document("t.txt", TEXT).unwrap();
    // Drag from inside "Vladimir" (after "Vl") to its end, in word mode.
    let v = utf16_find("Vladimir");
    let r = sm.normalize_selection(&doc, v + 2, v + 6, true).unwrap();
    assert_eq!((num(&r, "startUtf16"), num(&r, "endUtf16")), (v, v + 8));
    // Character mode never splits the ZWJ sequence (UTF-16 units 4..12).
    let r = sm.normalize_selection(&doc, 4, 6, false).unwrap();
    assert_eq!((num(&r, "startUtf16"), num(&r, "endUtf16")), (4, 12));
    let segments: Array = sm.segments(&doc, 0, TEXT.encode_utf16().count() as u32).unwrap().unchecked_into();
    assert_eq!(segments.length(), 1);
}

#[wasm_bindgen_test]
fn errors_reach_js_as_error_objects_with_clear_messages() {
    let mut sm = Spanmark::new();
    let doc = sm.add_document("t.txt", TEXT).unwrap();

    // UTF-16 offset 5 is between the halves of the 👨 surrogate pair.
    let err = as_error(sm.add_annotation(&doc, 5, 9, "PERSON").unwrap_err());
    let msg = String::from(err.message());
    assert!(msg.contains("inside a character"), "{msg}");

    let err = as_error(sm.add_annotation(&doc, 0, 9999, "PERSON").unwrap_err());
    assert!(String::from(err.message()).contains("past the end"));

    let err = as_error(sm.add_annotation(&doc, 0, 3, "NOPE").unwrap_err());
    assert_eq!(String::from(err.message()), "the schema has no label \"NOPE\"");

    let err = as_error(sm.normalize_selection(&doc, 3, 4, true).unwrap_err());
    assert!(String::from(err.message()).contains("empty"));

    take_in(&mut sm, vec![InputFile::new("broken.json", "{\"format\": \"spanmark\", \"version\": 1")]);
    let err = as_error(sm.stage_import(JsValue::UNDEFINED).unwrap_err());
    assert!(String::from(err.message()).contains("not a valid Spanmark JSON file"));

    // Nothing changed after all the refusals.
    let anns: Array = sm.annotations(&doc).unwrap().unchecked_into();
    assert_eq!(anns.length(), 0);
    let docs: Array = sm.documents().unwrap().unchecked_into();
    assert_eq!(docs.length(), 1);
}

#[wasm_bindgen_test]
fn undo_and_redo_report_what_changed_in_utf16_with_camel_case_names() {
    let mut sm = Spanmark::new();
    let doc = sm.add_document("t.txt", TEXT).unwrap();
    sm.clear_history();
    let start = utf16_find("Путин");
    sm.add_annotation(&doc, start, start + 5, "PERSON").unwrap();
    assert_eq!(sm.undo_summary().unwrap(), "Tag PERSON “Путин”");

    let change = sm.undo().unwrap();
    assert_eq!(get(&change, "summary").as_string().unwrap(), "Tag PERSON “Путин”");
    let effects: Array = get(&change, "effects").unchecked_into();
    assert_eq!(effects.length(), 1);
    let effect = effects.get(0);
    assert_eq!(get(&effect, "kind").as_string().unwrap(), "span");
    assert_eq!(get(&effect, "docId").as_string().unwrap(), doc);
    assert_eq!((num(&effect, "startUtf16"), num(&effect, "endUtf16")), (start, start + 5));
    let anns: Array = sm.annotations(&doc).unwrap().unchecked_into();
    assert_eq!(anns.length(), 0);

    assert!(sm.undo().unwrap().is_null(), "nothing more to undo");
    let change = sm.redo().unwrap();
    assert_eq!(get(&get(&change, "effects").unchecked_into::<Array>().get(0), "docId").as_string().unwrap(), doc);
    let anns: Array = sm.annotations(&doc).unwrap().unchecked_into();
    assert_eq!(anns.length(), 1);
}

#[wasm_bindgen_test]
fn records_round_trip_through_take_changes_and_from_records() {
    let mut sm = Spanmark::new();
    let doc = sm.add_document("t.txt", TEXT).unwrap();
    sm.add_annotation(&doc, 0, 3, "PERSON").unwrap();
    let batch: Array = sm.take_changes(None).unwrap().unchecked_into();
    assert!(!sm.has_changes());
    let (mut keys, mut values) = (Vec::new(), Vec::new());
    for record in batch.iter() {
        let pair: Array = record.unchecked_into();
        keys.push(pair.get(0));
        assert!(pair.get(1).is_string(), "only puts in a first batch");
        values.push(pair.get(1));
    }
    let restored = Spanmark::from_records(keys.clone(), values.clone()).unwrap().expect("a workspace");
    assert_eq!(canonical(&restored), canonical(&sm));
    // A value that is not a string and a numeric key are reported, never fatal.
    keys.push(JsValue::from_f64(5.0));
    values.push(JsValue::from_str("{}"));
    let at = keys.iter().position(|k| k.as_string().is_some_and(|k| k.starts_with("[\"anns\""))).unwrap();
    values[at] = js_sys::Object::new().into();
    let mut damaged = Spanmark::from_records(keys, values).unwrap().expect("a workspace");
    let problems = Array::from(&damaged.take_restore_diagnostics().unwrap());
    let messages: Vec<String> = problems.iter().map(|p| get(&p, "message").as_string().unwrap()).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("holds an object where Spanmark keeps text")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("saved record 5 is not one this Spanmark knows")), "{messages:?}");
    assert_eq!(Array::from(&damaged.documents().unwrap()).length(), 1, "the document is there all the same");
    assert_eq!(restored.undo_summary(), sm.undo_summary());
    // Mismatched arrays are an Error, not a panic.
    let err = Spanmark::from_records(vec![JsValue::from_str("[\"meta\"]")], vec![]).err().unwrap();
    assert!(String::from(as_error(err).message()).contains("1 stored keys but 0 values"));
}

#[wasm_bindgen_test]
fn every_format_exports_and_stages_back_with_nothing_applied_until_accepted() {
    let mut sm = Spanmark::new();
    let doc = sm.add_document("t.txt", TEXT).unwrap();
    let start = utf16_find("Путин");
    sm.add_annotation(&doc, start, start + 5, "PERSON").unwrap();
    for format in ["canonical", "jsonl", "brat", "conll:iob2", "w3c", "label-studio"] {
        let export = sm.export_as(format, Some(doc.clone())).unwrap();
        assert_eq!(export.annotations_written(), 1, "{format}");
        let mut back = Spanmark::new();
        if format == "w3c" {
            back.add_document("t.txt", TEXT).unwrap();
        }
        let mut files = vec![InputFile::new(export.name(), export.bytes())];
        if format.starts_with("conll") {
            files.push(InputFile::new("t.txt", TEXT));
        }
        let intake = take_in(&mut back, files);
        assert_eq!(Array::from(&get(&intake, "documents")).length(), 0, "{format}: the .txt goes with the annotations");
        let staged = back.stage_import(JsValue::UNDEFINED).unwrap();
        assert_eq!(get(&staged, "format").as_string().as_deref(), format.split(':').next());
        assert_eq!(num(&staged, "annotationsAdded"), 1, "{format}");
        let before = canonical(&back);
        assert!(!before.contains("Путин\", \"label\""), "staging applies nothing");
        back.apply_import().unwrap();
        let docs: Array = back.documents().unwrap().unchecked_into();
        let id = get(&docs.get(0), "id").as_string().unwrap();
        let anns: Array = back.annotations(&id).unwrap().unchecked_into();
        let a = anns.get(0);
        assert_eq!((num(&a, "startUtf16"), num(&a, "endUtf16")), (start, start + 5), "{format}");
        assert_eq!(get(&a, "text").as_string().as_deref(), Some("Путин"));
    }
    // Nothing staged: applying is an Error, and a file in no known format says so.
    let mut sm = Spanmark::new();
    assert!(as_error(sm.apply_import().unwrap_err()).message().as_string().unwrap().contains("no import waiting"));
    // A file in no format that has no annotation file's name is a document of its own.
    let intake = take_in(&mut sm, vec![InputFile::new("notes.md", "# Notes\n\nKim met Putin.")]);
    assert_eq!(Array::from(&get(&intake, "annotationFiles")).length(), 0);
    assert_eq!(get(&Array::from(&get(&intake, "documents")).get(0), "kind").as_string().as_deref(), Some("text"));
    // The same bytes named .json are an annotation file, and staging says what is wrong.
    take_in(&mut sm, vec![InputFile::new("notes.json", "# Notes\n\nKim met Putin.")]);
    let msg = as_error(sm.stage_import(JsValue::UNDEFINED).unwrap_err()).message().as_string().unwrap();
    assert!(msg.contains("could not be recognised"), "{msg}");
}

/// Hands files to the workspace as the page does after `readFiles`, and returns the intake.
fn take_in(sm: &mut Spanmark, files: Vec<InputFile>) -> JsValue {
    sm.intake(FileSet::from_files(files)).unwrap()
}

/// The canonical export of the whole workspace.
fn canonical(sm: &Spanmark) -> String {
    String::from_utf8(sm.export_as("canonical", None).unwrap().bytes().to_vec()).unwrap()
}

/// A browser `File`, as an `<input type=file>` gives it.
fn browser_file(name: &str, bytes: &[u8]) -> File {
    let parts = Array::of1(&Uint8Array::from(bytes));
    File::new_with_u8_array_sequence(&parts, name).unwrap()
}

/// Reads browser `File`s through the binding, as the page does.
async fn read(files: &[File]) -> FileSet {
    let list: Array = files.iter().collect();
    read_files(list.into()).await.unwrap()
}

#[wasm_bindgen_test]
async fn files_are_read_in_rust_and_the_core_decides_what_each_is() {
    let mut sm = Spanmark::new();
    let big = vec![b'a'; spanmark_core::MAX_DOCUMENT_BYTES + 1];
    let set = read(&[
        browser_file("latin1.txt", b"Gar\xe7on \xe0 Pyongyang"),
        browser_file("nul.txt", b"text with a \0 NUL"),
        browser_file("huge.txt", &big),
        browser_file("page.html", b"<!DOCTYPE html><title>Leak</title><p>Kim met Putin.</p>"),
        browser_file("plain.txt", "Путин 👋".as_bytes()),
    ])
    .await;
    assert_eq!(set.length(), 4, "the oversized file is refused before it is read");
    let intake = sm.intake(set).unwrap();
    let refused = Array::from(&get(&intake, "refused"));
    assert_eq!(refused.length(), 1);
    assert_eq!(get(&refused.get(0), "kind").as_string().as_deref(), Some("too-large"));
    assert!(get(&refused.get(0), "message").as_string().unwrap().contains("huge.txt is 10.0 MB; Spanmark opens documents up to 10.0 MB"));
    let docs = Array::from(&get(&intake, "documents"));
    let kinds: Vec<String> = docs.iter().map(|d| get(&d, "kind").as_string().unwrap()).collect();
    assert_eq!(kinds, ["text", "text", "html", "text"]);
    // Invalid UTF-8 and NUL are refused with the file's name, and change nothing.
    let err = as_error(sm.open_document_file(0).unwrap_err());
    assert_eq!(String::from(err.message()), "latin1.txt is not UTF-8 text. Save it as UTF-8 and import it again.");
    let err = as_error(sm.open_document_file(1).unwrap_err());
    assert_eq!(String::from(err.message()), "nul.txt looks like binary data, not text.");
    assert_eq!(Array::from(&sm.documents().unwrap()).length(), 0);
    // The HTML page's text goes to the page's DOMParser; plain text opens exactly, bytes never decoded in JS.
    assert!(sm.document_file_text(2).unwrap().contains("<p>Kim met Putin.</p>"));
    let id = sm.open_document_file(3).unwrap();
    assert_eq!(sm.document_text(&id).unwrap(), "Путин 👋");
}

#[wasm_bindgen_test]
async fn a_download_holds_exactly_the_export_bytes() {
    let mut sm = Spanmark::new();
    let doc = sm.add_document("t.txt", TEXT).unwrap();
    let start = utf16_find("Путин");
    sm.add_annotation(&doc, start, start + 5, "PERSON").unwrap();
    for choice in ["canonical", "brat", "conll:bioes", "w3c"] {
        let export = sm.export_as(choice, Some(doc.clone())).unwrap();
        let blob = export.blob().unwrap();
        let bytes = gloo_file::futures::read_as_bytes(&gloo_file::Blob::from(blob.clone())).await.unwrap();
        assert_eq!(bytes, export.bytes(), "{choice}");
        assert_eq!(blob.type_(), export.mime());
        export.download().unwrap();
    }
}

#[wasm_bindgen_test]
fn relations_search_and_suggestions_speak_utf16() {
    let mut sm = Spanmark::new();
    let doc = sm.add_document("t.txt", TEXT).unwrap();
    let p = utf16_find("Путин");
    let v = utf16_find("Vladimir");
    let putin = get(&get(&sm.add_annotation(&doc, p, p + 5, "PERSON").unwrap(), "annotation"), "id").as_string().unwrap();
    let vlad = get(&get(&sm.add_annotation(&doc, v, v + 8, "PERSON").unwrap(), "annotation"), "id").as_string().unwrap();
    let added = sm.add_relation(&doc, &putin, &vlad, "MEETS").unwrap();
    assert_eq!(get(&added, "changed"), JsValue::TRUE);
    let rel = get(&added, "relation");
    assert_eq!(get(&rel, "type").as_string().unwrap(), "MEETS");
    assert_eq!(num(&get(&rel, "from"), "startUtf16"), 17);
    assert_eq!(num(&get(&rel, "to"), "startUtf16"), v);
    // A link the schema refuses reaches JS as an Error that says what the type takes.
    let err = as_error(sm.add_relation(&doc, &putin, &vlad, "LOCATED_IN").unwrap_err());
    assert!(String::from(err.message()).contains("LOCATED_IN links"), "{:?}", err.message());
    // Notes through the one apply path, undoable.
    sm.set_note(&doc, "relation", &get(&rel, "id").as_string().unwrap(), Some("at Vostochny".into())).unwrap();
    assert_eq!(sm.undo_summary().unwrap(), "Note");

    // Search hits come back in UTF-16 units, whatever precedes them (an emoji family).
    let opts = js_sys::Object::new();
    Reflect::set(&opts, &"ignoreCase".into(), &JsValue::TRUE).unwrap();
    let found = sm.search(Some(doc.clone()), "путин", opts.into()).unwrap();
    assert_eq!(num(&found, "total"), 1);
    let hit = Array::from(&get(&Array::from(&get(&found, "documents")).get(0), "hits")).get(0);
    assert_eq!((num(&hit, "startUtf16"), num(&hit, "endUtf16")), (17, 22));
    // A bad regex is an Error with the engine's reason.
    let regex = js_sys::Object::new();
    Reflect::set(&regex, &"regex".into(), &JsValue::TRUE).unwrap();
    assert!(sm.search(None, "(unclosed", regex.into()).is_err());
    // Suggestions from the corpus's own annotations leave out what is tagged already.
    let suggestions = Array::from(&sm.suggestions(&doc).unwrap());
    assert!(suggestions.iter().all(|s| num(&s, "startUtf16") != 17), "a tagged span is not suggested again");
}

/// Puts `batch` (`[[key, value or null], ...]`) into `records`, as IndexedDB would.
fn store_batch(records: &mut std::collections::BTreeMap<String, JsValue>, batch: &Array) {
    for record in batch.iter() {
        let pair: Array = record.unchecked_into();
        let key = pair.get(0).as_string().unwrap();
        if pair.get(1).is_null() {
            records.remove(&key);
        } else {
            records.insert(key, pair.get(1));
        }
    }
}

#[wasm_bindgen_test]
fn the_shared_record_is_stored_whole_once_then_as_a_log_and_read_back() {
    let mut sm = Spanmark::new();
    let doc = sm.add_document("t.txt", TEXT).unwrap();
    sm.share_start("ann");
    let mut records = std::collections::BTreeMap::new();
    store_batch(&mut records, &sm.take_changes(None).unwrap().unchecked_into());
    let first = sm.take_replica_records();
    assert_eq!(first.length(), 1);
    assert_eq!(Array::from(&first.get(0)).get(0).as_string().as_deref(), Some(r#"["replica"]"#));
    store_batch(&mut records, &first);
    // Two edits, each recorded as it would be sent: two log entries, not the whole record.
    sm.add_annotation(&doc, 0, 3, "PERSON").unwrap();
    sm.sync_local().unwrap().expect("an update to send");
    sm.add_annotation(&doc, utf16_find("Путин"), utf16_find("Путин") + 5, "PERSON").unwrap();
    sm.sync_local().unwrap().expect("an update to send");
    assert!(sm.has_changes());
    store_batch(&mut records, &sm.take_changes(None).unwrap().unchecked_into());
    let log = sm.take_replica_records();
    let keys: Vec<String> = log.iter().map(|p| Array::from(&p).get(0).as_string().unwrap()).collect();
    assert_eq!(keys, [r#"["replica",0]"#, r#"["replica",1]"#]);
    store_batch(&mut records, &log);
    assert!(!sm.has_changes());
    // Read back: the workspace and the record are both as they were.
    let (keys, values): (Vec<JsValue>, Vec<JsValue>) = records.iter().map(|(k, v)| (JsValue::from_str(k), v.clone())).unzip();
    let mut back = Spanmark::from_records(keys, values).unwrap().expect("a workspace");
    assert!(Array::from(&back.take_restore_diagnostics().unwrap()).length() == 0);
    assert!(back.sharing());
    assert_eq!(canonical(&back), canonical(&sm));
    // A failed write of a log entry: the whole record is stored next, and the log deleted.
    back.requeue_changes(vec![r#"["replica",1]"#.to_owned()]);
    let whole = back.take_replica_records();
    let keys: Vec<(String, bool)> = whole.iter().map(|p| { let p = Array::from(&p); (p.get(0).as_string().unwrap(), p.get(1).is_null()) }).collect();
    assert_eq!(keys, [(r#"["replica"]"#.to_owned(), false), (r#"["replica",0]"#.to_owned(), true), (r#"["replica",1]"#.to_owned(), true)]);
}
