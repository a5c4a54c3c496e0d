//! Annotators' layers: a colleague's file loaded as their layer of the documents with the
//! same text, agreement between layers, the layer exported like one's own, undo, restore.

use spanmark_core::agreement::{compare, disagreements, Mode};
use spanmark_core::{restore, Added, ExportOptions, Format, ImportOptions, InputFile, MemoryStorage, StorageBackend, Store, Workspace};

const TEXT: &str = "Kim Jong-un met Vladimir Putin at Vostochny 👋 in Russia.\r\nShoigu came too.";

fn tag(ws: &mut Workspace, doc: &str, quote: &str, label: &str) {
    let s = TEXT.find(quote).unwrap();
    assert!(matches!(ws.add_annotation(doc, s..s + quote.len(), label).unwrap(), Added::New(_)));
}

#[test]
fn a_colleagues_file_becomes_their_layer_and_agreement_is_computed() {
    let mut mine = Workspace::default();
    mine.set_analyst("Ada").unwrap();
    let d = mine.add_document("kim.txt", TEXT).unwrap();
    mine.add_document("other.txt", "Nothing here.").unwrap();
    tag(&mut mine, &d, "Kim Jong-un", "PERSON");
    tag(&mut mine, &d, "Vladimir Putin", "PERSON");
    tag(&mut mine, &d, "Russia", "GPE");

    let mut theirs = Workspace::default();
    let t = theirs.add_document("kim-colleague.txt", TEXT).unwrap();
    tag(&mut theirs, &t, "Kim Jong-un", "PERSON");
    tag(&mut theirs, &t, "Putin", "PERSON");
    tag(&mut theirs, &t, "Russia", "LOC");
    tag(&mut theirs, &t, "Shoigu", "PERSON");
    theirs.add_document("elsewhere.txt", "A text Ada does not have.").unwrap();
    let file = InputFile::new("colleague.json", theirs.export_canonical(None).unwrap().into_bytes());

    let before = mine.export_canonical(None).unwrap();
    let staged = mine.stage_layers(&[file], &ImportOptions::default()).unwrap();
    assert_eq!(staged.layers.len(), 1, "matched by text, whatever the name");
    assert!(staged.report.diagnostics.iter().any(|x| x.code == "layer-text-differs"), "{:?}", staged.report.diagnostics);
    mine.set_layers("Bea", staged.layers).unwrap();
    assert_eq!(mine.export_canonical(None).unwrap(), before, "a colleague's layer never enters one's own annotations");
    let infos = mine.layer_infos();
    assert_eq!((infos[0].name.as_str(), infos[0].own, infos[1].name.as_str(), infos[1].annotations), ("Ada", true, "Bea", 4));

    let (a, b, _) = mine.layer_pair("Ada", "Bea");
    let exact = compare(&a, &b, Mode::Exact);
    assert_eq!((exact.micro.matched_reference, exact.micro.reference, exact.micro.candidate), (1, 3, 4));
    let overlap = compare(&a, &b, Mode::Overlap);
    assert_eq!(overlap.micro.matched_reference, 2, "Putin overlaps Vladimir Putin with the same label");
    let kinds: Vec<&str> = disagreements(&a, &b).iter().map(|x| x.kind.id()).collect();
    assert_eq!(kinds.len(), 3, "{kinds:?}");

    // Bea's layer exports like one's own.
    let bea = mine.layer_workspace("Bea").unwrap();
    let export = bea.export_as(Format::Canonical, None, &ExportOptions::default()).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&export.file.bytes).unwrap();
    assert_eq!(v["documents"].as_array().unwrap().len(), 1);
    assert_eq!(v["documents"][0]["annotations"].as_array().unwrap().len(), 4);

    // Saved and restored with the layer; undo removes it in one step.
    let mut storage = MemoryStorage::default();
    Store::default().save_to(&mut mine, &mut storage).unwrap();
    let back = restore(storage.load().unwrap()).unwrap();
    assert!(back.diagnostics.is_empty(), "{:?}", back.diagnostics);
    let mut back = back.workspace.unwrap();
    assert_eq!(back.analyst(), "Ada");
    assert_eq!(back.layer_infos(), mine.layer_infos());
    back.undo().unwrap();
    assert_eq!(back.layer_infos().len(), 1);
    // One's own name cannot be a colleague's layer, nor the other way round.
    assert!(mine.set_analyst("Bea").is_err());
}
