//! Interchange formats: round trips as property tests over hostile Unicode, what each
//! format reports it cannot carry, unit detection, format detection, and broken files.

mod common;

use std::collections::BTreeSet;

use proptest::prelude::*;
use spanmark_core::interchange::{conll, read_files};
use spanmark_core::{
    detect_format, Annotation, AnnotationExtra, EntityRef, ExportOptions, Format, ImportOptions, InputFile, Severity, TagScheme, Unit, Workspace,
};

type Span = (usize, usize, String);

/// Every annotation of every document, by document order, in code points.
fn spans_of(ws: &Workspace) -> Vec<BTreeSet<Span>> {
    ws.documents()
        .iter()
        .map(|d| {
            d.annotations()
                .iter()
                .map(|a| {
                    let o = d.offsets();
                    (o.try_byte_to_cp(a.start_byte).unwrap(), o.try_byte_to_cp(a.end_byte).unwrap(), a.label.clone())
                })
                .collect()
        })
        .collect()
}

fn workspace_with(text: &str, spans: &[(usize, usize, &str)]) -> (Workspace, String) {
    let mut ws = Workspace::default();
    let doc = ws.add_document("article.txt", text).unwrap();
    for &(s, e, l) in spans {
        ws.add_annotation(&doc, s..e, l).unwrap();
    }
    (ws, doc)
}

/// Exports in a format and imports the file into a fresh workspace (with the
/// document's text beside it for formats that do not carry text).
fn round_trip(ws: &Workspace, format: Format, options: ExportOptions) -> (Workspace, spanmark_core::Export, spanmark_core::ImportReport) {
    common::round_trip_into(ws, format, options, Workspace::default())
}

fn lost_ids(export: &spanmark_core::Export, codes: &[&str]) -> BTreeSet<String> {
    export.losses.iter().filter(|l| codes.contains(&l.code)).filter_map(|l| l.annotation.clone()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn jsonl_label_studio_and_w3c_round_trip_every_span((text, spans) in common::annotated_text(40, 10)) {
        let (ws, _) = workspace_with(&text, &spans);
        for format in [Format::Jsonl, Format::LabelStudio, Format::W3c, Format::Canonical] {
            let (back, export, report) = round_trip(&ws, format, ExportOptions::default());
            prop_assert_eq!(spans_of(&back), spans_of(&ws), "{:?}", format);
            prop_assert_eq!(back.documents()[0].text(), text.as_str());
            prop_assert!(export.losses.is_empty(), "{:?}: {:?}", format, export.losses);
            // Random spans may happen to line up with words only under UTF-16, which
            // JSONL's heuristic warns about; nothing else may be reported.
            prop_assert!(
                report.diagnostics.iter().all(|d| (d.severity == Severity::Info && d.code != "unit-detected") || d.code == "unit-suspected"),
                "{:?}: {:?}", format, report.diagnostics
            );
        }
    }

    #[test]
    fn brat_round_trips_spans_as_fragments_between_line_breaks((text, spans) in common::annotated_text(40, 10)) {
        let (ws, _) = workspace_with(&text, &spans);
        let (back, export, _) = round_trip(&ws, Format::Brat, ExportOptions::default());
        // What brat holds: each span's parts between line breaks.
        let doc = &ws.documents()[0];
        let mut expected = BTreeSet::new();
        for a in doc.annotations().iter() {
            let mut start = None;
            let bytes: Vec<(usize, char)> = a.quote(doc.text()).char_indices().collect();
            for &(i, c) in bytes.iter().chain([(a.end_byte - a.start_byte, '\n')].iter()) {
                let at = a.start_byte + i;
                if c == '\n' || c == '\r' {
                    if let Some(s) = start.take() {
                        let o = doc.offsets();
                        expected.insert((o.try_byte_to_cp(s).unwrap(), o.try_byte_to_cp(at).unwrap(), a.label.clone()));
                    }
                } else if start.is_none() {
                    start = Some(at);
                }
            }
        }
        prop_assert_eq!(&spans_of(&back)[0], &expected);
        let only_breaks = lost_ids(&export, &["brat-line-breaks-only"]);
        for a in doc.annotations().iter() {
            prop_assert_eq!(only_breaks.contains(&a.id), a.quote(doc.text()).chars().all(|c| c == '\n' || c == '\r'));
        }
    }

    #[test]
    fn conll_round_trips_exactly_what_its_loss_report_does_not_list((text, spans) in common::annotated_text(40, 10)) {
        // A text without a single token has nothing CoNLL can hold.
        prop_assume!(!conll::tokenize(&text).is_empty());
        let (ws, _) = workspace_with(&text, &spans);
        for scheme in [TagScheme::Iob2, TagScheme::Iob1, TagScheme::Bioes] {
            let (back, export, _) = round_trip(&ws, Format::Conll, ExportOptions { scheme });
            let lost = lost_ids(&export, &["conll-subtoken", "conll-overlap", "conll-crosses-sentence"]);
            let doc = &ws.documents()[0];
            let kept: BTreeSet<Span> = doc
                .annotations()
                .iter()
                .filter(|a| !lost.contains(&a.id))
                .map(|a| {
                    let o = doc.offsets();
                    (o.try_byte_to_cp(a.start_byte).unwrap(), o.try_byte_to_cp(a.end_byte).unwrap(), a.label.clone())
                })
                .collect();
            prop_assert_eq!(&spans_of(&back)[0], &kept, "{:?}", scheme);
            prop_assert_eq!(back.documents()[0].text(), text.as_str(), "with the .txt, the text is exact");
            prop_assert_eq!(export.annotations_written + lost.len(), doc.annotations().len());
        }
    }

    #[test]
    fn no_format_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400), name in prop::sample::select(&["a.jsonl", "a.ann", "a.conll", "a.json", "a.zip", "a.txt"][..])) {
        let mut ws = Workspace::default();
        ws.add_document("open.txt", "Kim met Putin.").unwrap();
        let before = ws.export_canonical(None).unwrap();
        let files = [InputFile::new(name, bytes)];
        for format in Format::ALL {
            let _ = ws.stage_import(&files, &ImportOptions { format: Some(format), ..ImportOptions::default() });
        }
        let _ = ws.stage_import(&files, &ImportOptions::default());
        prop_assert_eq!(ws.export_canonical(None).unwrap(), before);
    }
}

#[test]
fn canonical_carries_notes_references_and_attributes_and_brat_carries_them_too() {
    let (ws, _) = workspace_with("Kim Jong-un met Vladimir Putin in Vostochny.", &[(0, 11, "PERSON"), (16, 30, "PERSON")]);
    // Give the first annotation every extra field, as a brat import would.
    let mut spans = ws.export_canonical(None).unwrap();
    spans = spans.replacen(
        "\"label\": \"PERSON\"",
        "\"label\": \"PERSON\", \"note\": \"Leader of the DPRK\", \"refs\": [{\"resource\": \"Wikidata\", \"id\": \"Q56226\", \"text\": \"Kim Jong Un\"}], \"attributes\": {\"Negated\": \"true\", \"Confidence\": \"high\"}",
        1,
    );
    let mut rich = Workspace::default();
    rich.import_canonical(&spans).unwrap();
    let a: &Annotation = rich.documents()[0].annotations().iter().next().unwrap();
    let expected = AnnotationExtra {
        note: Some("Leader of the DPRK".into()),
        refs: vec![EntityRef { resource: "Wikidata".into(), id: "Q56226".into(), text: "Kim Jong Un".into() }],
        attributes: [("Confidence".to_owned(), "high".to_owned()), ("Negated".to_owned(), "true".to_owned())].into(),
        entity: None,
    };
    assert_eq!(a.extra(), &expected);

    // Canonical is lossless.
    let (back, export, _) = round_trip(&rich, Format::Canonical, ExportOptions::default());
    assert!(export.losses.is_empty());
    assert_eq!(back.documents()[0].annotations().iter().next().unwrap().extra(), &expected);

    // brat writes #, N and A lines and reads them back.
    let export = rich.export_as(Format::Brat, None, &ExportOptions::default()).unwrap();
    let (back, _, _) = round_trip(&rich, Format::Brat, ExportOptions::default());
    // Only what the schema's configuration cannot say (hotkeys, an unused free-text attribute).
    assert!(export.losses.iter().all(|l| l.severity == Severity::Info && l.annotation.is_none()), "{:?}", export.losses);
    assert_eq!(back.documents()[0].annotations().iter().find(|a| a.id == "T1").unwrap().extra(), &expected);

    // JSONL carries the reference as the span's kb_id (spaCy's Span.kb_id_), not the
    // note or the attributes, and says so for exactly that annotation.
    let export = rich.export_as(Format::Jsonl, None, &ExportOptions::default()).unwrap();
    assert_eq!(export.losses.len(), 1);
    assert_eq!(export.losses[0].code, "not-carried");
    assert!(export.losses[0].message.contains("its note and 2 attribute(s)"), "{}", export.losses[0].message);
    let line: serde_json::Value = serde_json::from_slice(&export.file.bytes).unwrap();
    assert_eq!(line["kb_ids"][0][2], "Wikidata:Q56226");

    // W3C carries the note and the reference, not the reference's name or the attributes.
    let (back, export, _) = round_trip(&rich, Format::W3c, ExportOptions::default());
    let got = back.documents()[0].annotations().iter().next().unwrap().extra().clone();
    assert_eq!(got.note.as_deref(), Some("Leader of the DPRK"));
    assert_eq!(got.refs, [EntityRef { resource: "Wikidata".into(), id: "Q56226".into(), text: String::new() }]);
    let codes: Vec<&str> = export.losses.iter().map(|l| l.code).collect();
    assert_eq!(codes, ["not-carried", "not-carried"]);
}

#[test]
fn jsonl_reads_utf16_offsets_when_asked_and_warns_when_they_look_like_utf16() {
    // doccano's browser counted UTF-16: "😀" is 2 units, so "Putin" is [9, 14) there and [8, 13) in code points.
    let line = r#"{"text": "😀 Hello Putin and Kim", "label": [[9, 14, "PERSON"], [19, 22, "PERSON"]]}"#;
    let files = [InputFile::new("doccano.jsonl", line)];
    let ws = Workspace::default();
    let as_cp = ws.stage_import(&files, &ImportOptions::default()).unwrap();
    let warning = as_cp.report.diagnostics.iter().find(|d| d.code == "unit-suspected").expect("the unit is suspected");
    assert_eq!(warning.severity, Severity::Warning);
    assert!(warning.message.contains("2 of 2 span(s) line up with words when counted in UTF-16 code units"), "{}", warning.message);
    assert!(as_cp.needs_review());

    let mut ws = Workspace::default();
    let as_utf16 = ws.stage_import(&files, &ImportOptions { unit: Unit::Utf16, ..ImportOptions::default() }).unwrap();
    assert!(as_utf16.report.diagnostics.is_empty(), "{:?}", as_utf16.report.diagnostics);
    ws.apply_import(as_utf16).unwrap();
    let doc = &ws.documents()[0];
    let quotes: Vec<&str> = doc.annotations().iter().map(|a| a.quote(doc.text())).collect();
    assert_eq!(quotes, ["Putin", "Kim"]);
}

#[test]
fn jsonl_reads_doccano_relation_exports_with_their_relations() {
    let line = r#"{"id": 7, "text": "Kim met Putin.", "entities": [{"id": 1, "label": "PERSON", "start_offset": 0, "end_offset": 3}, {"id": 2, "label": "PERSON", "start_offset": 8, "end_offset": 13}], "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "met"}]}
{"text": "not closed
{"text": "Second", "label": [[0, 6, "ORG"], [-1, 3, "ORG"], [0, 99, "ORG"], ["0", 3, "ORG"], [0, 3]], "cats": ["news"]}
"#;
    let ws = Workspace::default();
    let staged = ws.stage_import(&[InputFile::new("export.jsonl", line)], &ImportOptions::default()).unwrap();
    let codes: Vec<&str> = staged.report.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["bad-line", "bad-span", "bad-span", "relation-type-added", "out-of-range", "out-of-range"]);
    assert_eq!(staged.report.documents_read, 2);
    assert_eq!(staged.report.annotations_added, 3);
    assert_eq!(staged.report.relations_added, 1);
}

#[test]
fn w3c_import_finds_recogito_utf16_positions_and_says_so() {
    let text = "👋 President Vladimir Putin spoke to Kim Jong-un.";
    let mut ws = Workspace::default();
    ws.add_document("meeting.txt", text).unwrap();
    // As Recogito writes it: JavaScript string indices.
    let utf16_start = text[..text.find("Vladimir").unwrap()].encode_utf16().count();
    let anno = serde_json::json!([{
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "https://example.org/anno/1",
        "type": "Annotation",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": "PERSON"}],
        "target": {"source": "https://example.org/texts/meeting.txt", "selector": [
            {"type": "TextQuoteSelector", "exact": "Vladimir Putin"},
            {"type": "TextPositionSelector", "start": utf16_start, "end": utf16_start + 14}
        ]}
    }, {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "https://example.org/anno/2",
        "type": "Annotation",
        "body": {"type": "TextualBody", "purpose": "tagging", "value": "PERSON"},
        "target": {"source": "https://example.org/texts/meeting.txt", "selector": {"type": "TextQuoteSelector", "exact": "Kim Jong-un", "prefix": "to "}}
    }, {"type": "Annotation", "target": "https://example.org/texts/other.txt"}]);
    let staged = ws.stage_import(&[InputFile::new("recogito.json", anno.to_string())], &ImportOptions::default()).unwrap();
    let codes: Vec<&str> = staged.report.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["bad-annotation", "unit-detected", "placed-by-quote"]);
    assert!(staged.report.diagnostics[1].message.contains("UTF-16 code units"));
    ws.apply_import(staged).unwrap();
    let doc = &ws.documents()[0];
    let quotes: Vec<&str> = doc.annotations().iter().map(|a| a.quote(doc.text())).collect();
    assert_eq!(quotes, ["Vladimir Putin", "Kim Jong-un"]);
}

#[test]
fn w3c_annotations_for_a_document_that_is_not_open_are_refused_with_a_reason() {
    let ws = Workspace::default();
    let export = {
        let (ws, _) = workspace_with("Kim met Putin.", &[(0, 3, "PERSON")]);
        ws.export_as(Format::W3c, None, &ExportOptions::default()).unwrap()
    };
    let err = ws.stage_import(&[InputFile::new("a.jsonld", export.file.bytes)], &ImportOptions::default()).unwrap_err();
    assert!(err.to_string().contains("\"urn:x-spanmark:document:article.txt\", which is not open"), "{err}");
}

#[test]
fn brat_reads_discontinuous_spans_notes_and_relations() {
    let txt = "Kim Jong-un met\nVladimir Putin.\n";
    let ann = "T1\tPERSON 0 11\tKim Jong-un\nT2\tPERSON 16 24;25 30\tVladimir Putin\n#1\tAnnotatorNotes T2\tRussian president\nR1\tMet Arg1:T1 Arg2:T2\nA1\tNegated T1\nN1\tReference T1 Wikidata:Q56226\tKim Jong Un\nT3\tPERSON 5 x\tbad\ngarbage line\n";
    let ws = Workspace::default();
    let files = [InputFile::new("meet.txt", txt), InputFile::new("meet.ann", ann)];
    let staged = ws.stage_import(&files, &ImportOptions::default()).unwrap();
    let codes: Vec<&str> = staged.report.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["discontinuous", "bad-line", "bad-line", "relation-type-added"]);
    assert!(staged.report.diagnostics[0].message.contains("a relation that names T2 links the first fragment"), "{}", staged.report.diagnostics[0].message);
    let mut ws = ws;
    ws.apply_import(staged).unwrap();
    let doc = &ws.documents()[0];
    let got: Vec<(&str, &str, Option<&str>)> = doc.annotations().iter().map(|a| (a.id.as_str(), a.quote(doc.text()), a.extra().note.as_deref())).collect();
    assert_eq!(got, [("T1", "Kim Jong-un", None), ("T2", "Vladimir", Some("Russian president")), ("T2.2", "Putin", Some("Russian president"))]);
    let t1 = doc.annotations().get("T1").unwrap().extra();
    assert_eq!(t1.attributes.get("Negated").map(String::as_str), Some("true"));
    assert_eq!(t1.refs[0].id, "Q56226");
    let r: Vec<(&str, &str, &str)> = doc.relations().iter().map(|r| (r.kind.as_str(), r.from.as_str(), r.to.as_str())).collect();
    assert_eq!(r, [("Met", "T1", "T2")]);
}

#[test]
fn label_studio_reads_predictions_as_suggestions_and_skips_cancelled_work() {
    let tasks = serde_json::json!([{
        "id": 1,
        "data": {"text": "Kim met Putin in Vostochny."},
        "annotations": [
            {"result": [{"id": "r1", "type": "labels", "from_name": "label", "to_name": "text", "value": {"start": 8, "end": 13, "text": "Putin", "labels": ["PERSON"]}}]},
            {"was_cancelled": true, "result": [{"id": "x", "type": "labels", "value": {"start": 0, "end": 3, "text": "Kim", "labels": ["ORG"]}}]},
            {"result": [{"type": "relation", "from_id": "r1", "to_id": "p1", "direction": "right"}]}
        ],
        "predictions": [{"model_version": "ner-v2", "result": [{"id": "p1", "type": "labels", "from_name": "label", "to_name": "text", "value": {"start": 17, "end": 26, "text": "Vostochny", "labels": ["FAC"]}}]}]
    }]);
    let mut ws = Workspace::default();
    let staged = ws.stage_import(&[InputFile::new("project.json", tasks.to_string())], &ImportOptions::default()).unwrap();
    assert_eq!(staged.format, Format::LabelStudio);
    let codes: Vec<&str> = staged.report.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["predictions", "relation-type-added"]);
    ws.apply_import(staged).unwrap();
    let doc = &ws.documents()[0];
    // A relation without labels gets a type of its own.
    let r: Vec<(&str, &str)> = doc.relations().iter().map(|r| (r.kind.as_str(), doc.annotations().get(&r.to).unwrap().quote(doc.text()))).collect();
    assert_eq!(r, [("RELATED", "Vostochny")]);
    let got: Vec<(&str, &str, Option<&str>)> = doc.annotations().iter().map(|a| (a.quote(doc.text()), a.label.as_str(), a.extra().attributes.get("origin").map(String::as_str))).collect();
    assert_eq!(got, [("Putin", "PERSON", None), ("Vostochny", "FAC", Some("prediction:ner-v2"))]);
}

#[test]
fn conll_export_reports_nested_overlapping_and_subtoken_spans() {
    let text = "The Korean Central News Agency said Kim Jong-un arrived.";
    let find = |p: &str| text.find(p).unwrap();
    let (ws, _) = workspace_with(
        text,
        &[
            (find("Korean Central"), find(" said"), "ORG"),
            (find("Korean"), find("Korean") + 6, "GPE"),
            (find("Kim"), find("Kim") + 11, "PERSON"),
            (find("Jong"), find("Jong") + 2, "PERSON"),
        ],
    );
    let export = ws.export_as(Format::Conll, None, &ExportOptions { scheme: TagScheme::Bioes }).unwrap();
    let codes: Vec<&str> = export.losses.iter().map(|l| l.code).collect();
    assert_eq!(codes, ["conll-overlap", "conll-subtoken", "conll-text"]);
    let conll = String::from_utf8(export.file.bytes).unwrap();
    assert!(conll.starts_with("-DOCSTART- O\n\nThe O\nKorean B-ORG\nCentral I-ORG\nNews I-ORG\nAgency E-ORG\nsaid O\nKim B-PERSON\n"), "{conll}");
    // UAX #29 keeps "Jong-un" as three tokens: Jong, -, un.
    assert!(conll.contains("Jong I-PERSON\n- I-PERSON\nun E-PERSON\narrived O\n. O\n"), "{conll}");
}

#[test]
fn conll_without_the_text_is_rebuilt_from_tokens_and_every_tag_scheme_decodes() {
    let conll = "-DOCSTART- -X- -X- O\n\nEU B-ORG\nrejects O\nGerman B-MISC\ncall O\n\nPeter B-PER\nBlackburn I-PER\n";
    let mut ws = Workspace::default();
    let staged = ws.stage_import(&[InputFile::new("train.txt.conll", conll)], &ImportOptions::default()).unwrap();
    assert_eq!(staged.format, Format::Conll);
    ws.apply_import(staged).unwrap();
    let doc = &ws.documents()[0];
    assert_eq!(doc.text(), "EU rejects German call\nPeter Blackburn");
    let got: Vec<(&str, &str)> = doc.annotations().iter().map(|a| (a.quote(doc.text()), a.label.as_str())).collect();
    assert_eq!(got, [("EU", "ORG"), ("German", "MISC"), ("Peter Blackburn", "PER")]);
    assert_eq!(conll::decode_tags(&["I-PER", "B-PER", "O", "I-LOC", "I-LOC", "S-ORG", "B-X", "E-X"]), [(0, 0, "PER".into()), (1, 1, "PER".into()), (3, 4, "LOC".into()), (5, 5, "ORG".into()), (6, 7, "X".into())]);
}

#[test]
fn formats_are_detected_by_content_not_by_name() {
    let (ws, _) = workspace_with("Kim met Putin.", &[(0, 3, "PERSON")]);
    for format in Format::ALL {
        let export = ws.export_as(format, None, &ExportOptions::default()).unwrap();
        // A misleading name: everything is called "download".
        let mut files = vec![InputFile::new("download", export.file.bytes)];
        if matches!(format, Format::Conll | Format::W3c) {
            files.push(InputFile::new("article.txt", "Kim met Putin."));
        }
        assert_eq!(detect_format(&files).unwrap(), format);
        let read = read_files(format, &files, &ImportOptions::default()).unwrap();
        assert_eq!(read.documents.len(), 1, "{format:?}");
    }
    let err = detect_format(&[InputFile::new("notes.md", "# Meeting notes\n\nKim met Putin.")]).unwrap_err();
    assert!(err.to_string().contains("is not Spanmark JSON, JSONL, brat standoff, CoNLL, W3C Web Annotation or Label Studio JSON"), "{err}");
}

#[test]
fn broken_files_of_every_format_give_clear_diagnostics_and_change_nothing() {
    let (ws, _) = workspace_with("Kim met Putin in Vostochny.", &[(0, 3, "PERSON"), (8, 13, "PERSON")]);
    let mut target = Workspace::default();
    target.add_document("article.txt", "Kim met Putin in Vostochny.").unwrap();
    let before = target.export_canonical(None).unwrap();
    for format in Format::ALL {
        let good = ws.export_as(format, None, &ExportOptions::default()).unwrap().file.bytes;
        let text = String::from_utf8_lossy(&good).into_owned();
        let mut cases: Vec<(&str, Vec<u8>)> = vec![
            ("truncated", good[..good.len() / 2].to_vec()),
            ("invalid UTF-8", [&good[..good.len() / 3], &[0xff, 0xfe, 0xc3][..], &good[good.len() / 3..]].concat()),
            ("BOM", [&[0xef, 0xbb, 0xbf][..], &good].concat()),
            ("CRLF", text.replace('\n', "\r\n").into_bytes()),
            ("negative offsets", text.replace("\"start\": 0", "\"start\": -5").replace("[0,3,", "[-5,3,").replace("PERSON 0 3", "PERSON -5 3").into_bytes()),
            ("past the end", text.replace("\"end\": 13", "\"end\": 1300").replace("[8,13,", "[8,1300,").replace("PERSON 8 13", "PERSON 8 1300").into_bytes()),
            ("wrong types", text.replace("\"end\": 13", "\"end\": \"13\"").replace("[8,13,", "[8,\"13\",").replace("PERSON 8 13", "PERSON 8 x13").into_bytes()),
            ("quotes that disagree", text.replace("\"Putin\"", "\"Pyongyang\"").replace("\tPutin", "\tPyongyang").into_bytes()),
        ];
        if format != Format::Brat {
            cases.push(("a 10 MB line", [b"{\"text\": \"".as_slice(), &vec![b'a'; 10 * 1024 * 1024 + 10], b"\", \"label\": []}\n"].concat()));
        }
        for (what, bytes) in cases {
            let mut files = vec![InputFile::new("input", bytes)];
            if matches!(format, Format::Conll) {
                files.push(InputFile::new("article.txt", "Kim met Putin in Vostochny."));
            }
            match target.stage_import(&files, &ImportOptions { format: Some(format), ..ImportOptions::default() }) {
                Err(e) => assert!(!e.to_string().is_empty(), "{format:?} {what}"),
                Ok(staged) => {
                    for d in &staged.report.diagnostics {
                        assert!(!d.message.is_empty());
                    }
                    let has_quotes = !matches!(format, Format::Jsonl | Format::Conll);
                    let broken = matches!(what, "negative offsets" | "past the end" | "wrong types" | "a 10 MB line") || (what == "quotes that disagree" && has_quotes);
                    if broken && format != Format::Conll {
                        assert!(staged.needs_review(), "{format:?} {what}: {:?}", staged.report.diagnostics);
                    }
                }
            }
            assert_eq!(target.export_canonical(None).unwrap(), before, "{format:?} {what}: staging changes nothing");
        }
    }
}

#[test]
fn a_staged_import_is_refused_after_the_workspace_changed() {
    let (src, _) = workspace_with("Kim met Putin.", &[(0, 3, "PERSON")]);
    let file = src.export_as(Format::Jsonl, None, &ExportOptions::default()).unwrap().file;
    let mut ws = Workspace::default();
    let staged = ws.stage_import(&[InputFile::new(file.name, file.bytes)], &ImportOptions::default()).unwrap();
    ws.add_document("other.txt", "x").unwrap();
    let before = ws.export_canonical(None).unwrap();
    assert!(ws.apply_import(staged).unwrap_err().to_string().contains("the workspace changed"));
    assert_eq!(ws.export_canonical(None).unwrap(), before);
}

#[test]
fn a_hostile_zip_is_refused_before_it_is_unpacked() {
    // A zip bomb: one entry of 300 MB of zeros deflates to a few hundred kB.
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("bomb.ann", zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true)).unwrap();
    let chunk = vec![b'T'; 1 << 20];
    for _ in 0..300 {
        zip.write_all(&chunk).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    assert!(bytes.len() < 2 << 20);
    let file = InputFile::new("bomb.zip", bytes);
    let err = Workspace::default().stage_import(std::slice::from_ref(&file), &ImportOptions { format: Some(Format::Brat), ..ImportOptions::default() }).unwrap_err();
    assert!(err.to_string().contains("bomb.zip: it would unpack to 300 MB; Spanmark unpacks zips of at most 256 MB"), "{err}");
    // Detection says the same, instead of "the format could not be recognised".
    let err = Workspace::default().stage_import(&[file], &ImportOptions::default()).unwrap_err();
    assert!(err.to_string().contains("it would unpack to 300 MB"), "{err}");
}

#[test]
fn every_refusal_names_the_limit_or_the_encoding_that_refused_it() {
    let stage = |name: &str, bytes: Vec<u8>| Workspace::default().stage_import(&[InputFile::new(name, bytes)], &ImportOptions::default()).unwrap_err().to_string();
    // A zip of too many entries.
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..20_001 {
        zip.start_file(format!("{i}.ann"), zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored)).unwrap();
        zip.write_all(b"").unwrap();
    }
    let many = zip.finish().unwrap().into_inner();
    let err = stage("many.zip", many);
    assert!(err.contains("it holds 20001 entries; Spanmark reads zips of at most 20000 entries"), "{err}");
    // UTF-16 with a byte order mark, whatever the name says.
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("{\"text\": \"Kim\"}".encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let err = stage("export.json", utf16);
    assert!(err.contains("export.json is UTF-16 text (it starts with a UTF-16 byte order mark), not UTF-8"), "{err}");
    // JSONL nested too deep, and a number out of range.
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let err = stage("deep.jsonl", deep.into_bytes());
    assert!(err.contains("nests arrays or objects more than 128 deep"), "{err}");
    let err = stage("huge.jsonl", br#"{"text": "Kim", "n": 1e309}"#.to_vec());
    assert!(err.contains("a number too large for a 64-bit float, such as 1e309"), "{err}");
}

#[test]
fn sniffing_and_percent_decoding_never_split_a_character() {
    // Found by reading the code: a "%" before a multi-byte character, and a JSONL file
    // whose first non-blank line is not the first line.
    let w3c = serde_json::json!([{"type": "Annotation", "body": {"purpose": "tagging", "value": "PERSON"},
        "target": {"source": "urn:x-spanmark:document:%aé%zz%", "selector": {"type": "TextQuoteSelector", "exact": "Kim"}}}]);
    let err = Workspace::default().stage_import(&[InputFile::new("a.jsonld", w3c.to_string())], &ImportOptions::default()).unwrap_err();
    assert!(err.to_string().contains("which is not open"), "{err}");
    let jsonl = "\n\n   \n{\"text\": \"Путин и Ким\", \"label\": [[0, 5, \"PERSON\"]]}\n";
    assert_eq!(detect_format(&[InputFile::new("x", jsonl)]).unwrap(), Format::Jsonl);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The size estimate that guards memory is never below what an export writes, and
    /// never so far above that a reasonable export is refused.
    #[test]
    fn the_export_size_estimate_bounds_every_format((text, spans) in common::annotated_text(30, 25)) {
        let mut ws = Workspace::default();
        let doc = ws.add_document("a.txt", text.as_str()).unwrap();
        for (s, e, label) in spans {
            let _ = ws.add_annotation(&doc, s..e, label);
        }
        let docs: Vec<&spanmark_core::Document> = ws.documents().iter().collect();
        for format in Format::ALL {
            let written = ws.export_as(format, None, &ExportOptions::default()).unwrap().file.bytes.len();
            let estimate = spanmark_core::estimate_export_bytes(format, &docs);
            // Fixed headers (the schema, a collection, a zip's directory) are not per span: allow 4 KB.
            prop_assert!(written <= estimate + 4096, "{format:?}: wrote {written} bytes, estimated {estimate}");
        }
    }
}

#[test]
fn an_export_past_the_memory_limit_is_refused_with_the_limit_named() {
    // 1 MB of text tagged 260,000 times: a W3C export would pass 200 MB.
    let text = "Kim met Putin. ".repeat(70_000);
    let mut ws = Workspace::default();
    let doc = ws.add_document("big.txt", text.as_str()).unwrap();
    let ops: Vec<_> = (0..260_000usize).map(|i| (i % 70_000) * 15).collect();
    for (k, start) in ops.into_iter().enumerate() {
        let label = ["PERSON", "ORG", "GPE", "LOC"][k / 70_000];
        ws.add_annotation(&doc, start..start + 3, label).unwrap();
    }
    let err = ws.export_as(Format::W3c, None, &ExportOptions::default()).unwrap_err();
    assert!(err.to_string().contains("Spanmark writes exports of up to 200 MB, so nothing was written"), "{err}");
    // A leaner format still exports the same work.
    let jsonl = ws.export_as(Format::Jsonl, None, &ExportOptions::default()).unwrap();
    assert_eq!(jsonl.annotations_written, 260_000);
}
