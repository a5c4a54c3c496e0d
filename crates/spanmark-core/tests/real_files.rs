//! Files shaped like the ones brat, doccano, Label Studio, spaCy, flair, seqeval, the
//! W3C test suite and Recogito ship as their examples (written here from the formats'
//! documentation): each is detected by its content, imported, and exported again
//! without losing what the format can carry.

use std::collections::BTreeSet;

use proptest::prelude::*;
use spanmark_core::interchange::conll;
use spanmark_core::{
    detect_format, plan_intake, Diagnostic, DocumentKind, ExportOptions, Format, ImportOptions, ImportReport, InputFile, Severity, TagScheme, Workspace,
};

/// Stages and applies files into a workspace, returning the report.
fn import(ws: &mut Workspace, files: &[InputFile], options: &ImportOptions) -> ImportReport {
    let staged = ws.stage_import(files, options).unwrap_or_else(|e| panic!("{e}"));
    ws.apply_import(staged).unwrap()
}

fn with_code<'a>(report: &'a ImportReport, code: &str) -> Vec<&'a Diagnostic> {
    report.diagnostics.iter().filter(|d| d.code == code).collect()
}

/// Every annotation of every document as (quote, label), in position order.
fn quotes(ws: &Workspace) -> Vec<(String, String)> {
    ws.documents().iter().flat_map(|d| d.annotations().iter().map(|a| (a.quote(d.text()).to_owned(), a.label.clone())).collect::<Vec<_>>()).collect()
}

/// A news text full of titles, initials and abbreviations, with its names tagged.
pub const NEWS: &str = "WASHINGTON (AP) - Mr. Carlucci met Dr. Kim Jong-un and Gen. Colin L. Powell on Jan. 5 in the U.S. capital. \
Thomas E. Meador, a spokesman for the U.S. Army, said Stephen M. Wolf of UAL Corp. would attend. \
Mrs. Smith and Sen. Robert C. Byrd of the U.N. Security Council arrived on Sept. 12. \
Prof. J. R. R. Tolkien vs. St. Louis Inc. was no. 1 in the U.K. press, etc. Rev. Jesse L. Jackson Jr. agreed.";

/// The names in [`NEWS`], with their labels.
pub const NEWS_NAMES: [(&str, &str); 17] = [
    ("Mr. Carlucci", "PERSON"),
    ("Dr. Kim Jong-un", "PERSON"),
    ("Gen. Colin L. Powell", "PERSON"),
    ("Jan. 5", "DATE"),
    ("U.S.", "GPE"),
    ("Thomas E. Meador", "PERSON"),
    ("U.S. Army", "ORG"),
    ("Stephen M. Wolf", "PERSON"),
    ("UAL Corp.", "ORG"),
    ("Mrs. Smith", "PERSON"),
    ("Sen. Robert C. Byrd", "PERSON"),
    ("U.N. Security Council", "ORG"),
    ("Sept. 12", "DATE"),
    ("Prof. J. R. R. Tolkien", "PERSON"),
    ("St. Louis Inc.", "ORG"),
    ("U.K.", "GPE"),
    ("Rev. Jesse L. Jackson Jr.", "PERSON"),
];

fn news_workspace() -> Workspace {
    let mut ws = Workspace::default();
    let doc = ws.add_document("news.txt", NEWS).unwrap();
    let mut from = 0;
    for (name, label) in NEWS_NAMES {
        let at = from + NEWS[from..].find(name).unwrap_or_else(|| panic!("{name}"));
        ws.add_annotation(&doc, at..at + name.len(), label).unwrap();
        from = at + name.len();
    }
    ws
}

#[test]
fn conll_export_keeps_every_name_with_a_title_an_initial_or_an_abbreviation() {
    let ws = news_workspace();
    for scheme in TagScheme::ALL {
        let export = ws.export_as(Format::Conll, None, &ExportOptions { scheme }).unwrap();
        let lost: Vec<&Diagnostic> = export.losses.iter().filter(|l| l.severity != Severity::Info).collect();
        assert!(lost.is_empty(), "{scheme:?}: {lost:?}");
        assert_eq!(export.annotations_written, NEWS_NAMES.len());
        // Read back with its text: every name, exactly.
        let mut back = Workspace::default();
        let files = [InputFile::new("news.conll", export.file.bytes.clone()), InputFile::new("news.txt", NEWS)];
        import(&mut back, &files, &ImportOptions::default());
        let want: Vec<(String, String)> = NEWS_NAMES.iter().map(|(n, l)| ((*n).to_owned(), (*l).to_owned())).collect();
        assert_eq!(quotes(&back), want, "{scheme:?}");
    }
    // Real sentence ends still end sentences.
    let starts: Vec<&str> = conll::tokenize(NEWS).iter().filter(|t| t.sentence_start).map(|t| &NEWS[t.start_byte..t.end_byte]).collect();
    assert_eq!(starts, ["WASHINGTON", "Thomas", "Mrs", "Prof"]);
}

/// A name with a title, initials or an abbreviation, as news writes them.
fn name() -> impl Strategy<Value = String> {
    let title = prop::sample::select(vec!["", "Mr. ", "Mrs. ", "Ms. ", "Dr. ", "Prof. ", "Gen. ", "Col. ", "Lt. ", "Sgt. ", "Capt. ", "Gov. ", "Sen. ", "Rep. ", "Rev. ", "St. "]);
    let first = prop::sample::select(vec!["Thomas", "Kim", "Stephen", "Colin", "Jesse", "Anne", "Louis"]);
    let initials = prop::collection::vec(prop::sample::select(vec!["E.", "M.", "L.", "J.", "R."]), 0..3);
    let last = prop::sample::select(vec!["Meador", "Jong-un", "Wolf", "Powell", "Carlucci", "Smith"]);
    let suffix = prop::sample::select(vec!["", " Jr.", " Sr.", " Inc.", " Corp.", " Co.", " Ltd."]);
    let org = prop::sample::select(vec!["U.S. Army", "U.K. Treasury", "U.N. Council", "No. 10", "Jan. 5", "Aug. 30", "Oct. 1", "Nov. 9", "Dec. 31", "Feb. 2"]);
    prop_oneof![
        (title, first, initials, last, suffix).prop_map(|(t, f, i, l, s)| {
            let i: String = i.iter().map(|x| format!("{x} ")).collect();
            format!("{t}{f} {i}{l}{s}")
        }),
        org.prop_map(str::to_owned),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    /// No span inside one line is ever reported as crossing a sentence because of a
    /// period inside a name.
    #[test]
    fn a_name_inside_a_line_never_crosses_a_sentence(lines in prop::collection::vec(prop::collection::vec((name(), prop::sample::select(vec![" said.", " met", " and", " vs.", ", etc.", " left. Then"])), 1..5), 1..4)) {
        let mut text = String::new();
        let mut spans = Vec::new();
        for line in &lines {
            for (n, after) in line {
                if !text.is_empty() && !text.ends_with('\n') {
                    text.push(' ');
                }
                spans.push((text.len(), text.len() + n.len()));
                text.push_str(n);
                text.push_str(after);
            }
            text.push('\n');
        }
        let mut ws = Workspace::default();
        let doc = ws.add_document("gen.txt", &text).unwrap();
        for (s, e) in &spans {
            ws.add_annotation(&doc, *s..*e, "PERSON").unwrap();
        }
        let export = ws.export_as(Format::Conll, None, &ExportOptions::default()).unwrap();
        let crossing: Vec<&str> = export.losses.iter().filter(|l| l.code == "conll-crosses-sentence").map(|l| l.message.as_str()).collect();
        prop_assert!(crossing.is_empty(), "{text:?}: {crossing:?}");
        prop_assert_eq!(export.annotations_written, spans.len());
    }
}

/// A CoNLL 2003 training file, as `train.txt`: token POS chunk NER.
const TRAIN_TXT: &str = "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\ncall NN I-NP O\n. . O O\n\nPeter NNP B-NP B-PER\nBlackburn NNP I-NP I-PER\n";

#[test]
fn a_txt_of_conll_tags_is_an_annotation_file_and_other_txt_are_texts() {
    // Alone: an annotation file, not a document.
    let plan = plan_intake(&[InputFile::new("train.txt", TRAIN_TXT)]);
    assert_eq!((plan.format, plan.annotation_files.clone(), plan.documents.clone()), (Some(Format::Conll), vec![0], vec![]));
    // With others: train.txt and dev.txt are both annotation files.
    let plan = plan_intake(&[InputFile::new("train.txt", TRAIN_TXT), InputFile::new("dev.txt", "Kim B-PER\nmet O\n")]);
    assert_eq!((plan.annotation_files, plan.text_files), (vec![0, 1], vec![]));
    // With a plain text beside it: that text goes with it.
    let plan = plan_intake(&[InputFile::new("train.txt", TRAIN_TXT), InputFile::new("article.txt", "EU rejects German call.")]);
    assert_eq!((plan.annotation_files, plan.text_files), (vec![0], vec![1]));
    // Prose, and a single "word O" line, stay documents.
    for text in ["Kim met Putin.\nThey talked.", "Hello O", "O O\n"] {
        let plan = plan_intake(&[InputFile::new("notes.txt", text)]);
        assert_eq!(plan.documents, [(0, DocumentKind::Text)], "{text:?}");
        assert!(detect_format(&[InputFile::new("notes.txt", text)]).is_err());
    }
    // The import says which reading was chosen, and which columns.
    let mut ws = Workspace::default();
    let report = import(&mut ws, &[InputFile::new("train.txt", TRAIN_TXT)], &ImportOptions::default());
    let chosen = with_code(&report, "format-chosen");
    assert_eq!(chosen.len(), 1);
    assert!(chosen[0].message.contains("read as CoNLL (IOB), judged by its content") && chosen[0].message.contains("plain-text document"), "{}", chosen[0].message);
    let columns = with_code(&report, "conll-columns");
    assert!(columns[0].message.contains("tags from column 4 of 4") && columns[0].message.contains("IOB2") && columns[0].message.contains("column(s) 3 also"), "{}", columns[0].message);
    assert_eq!(quotes(&ws), [("EU".into(), "ORG".into()), ("German".into(), "MISC".into()), ("Peter Blackburn".into(), "PER".into())]);
}

#[test]
fn conll_reads_the_tag_column_it_is_given_or_the_last_that_holds_tags() {
    // flair's column format with the NER column before a POS column.
    let flair = "George B-PER NNP\nWashington E-PER NNP\nwent O VBD\nto O TO\nWashington S-LOC NNP\n";
    let mut ws = Workspace::default();
    let report = import(&mut ws, &[InputFile::new("flair.txt", flair)], &ImportOptions::default());
    assert!(with_code(&report, "conll-columns")[0].message.contains("column 2 of 3") && with_code(&report, "conll-columns")[0].message.contains("BIOES"));
    assert_eq!(quotes(&ws), [("George Washington".into(), "PER".into()), ("Washington".into(), "LOC".into())]);

    // The chunk column asked for instead of the NER column.
    let mut ws = Workspace::default();
    let report = import(&mut ws, &[InputFile::new("train.conll", TRAIN_TXT)], &ImportOptions { tag_column: Some(2), ..ImportOptions::default() });
    assert!(with_code(&report, "conll-columns")[0].message.contains("column 3 of 4 (as asked)"));
    assert!(quotes(&ws).contains(&("German call".into(), "NP".into())));

    // A column that some lines do not have says so, line by line.
    let mut ws = Workspace::default();
    let report = import(&mut ws, &[InputFile::new("short.conll", "Kim B-PER X\nmet O\n")], &ImportOptions { tag_column: Some(2), ..ImportOptions::default() });
    assert!(with_code(&report, "bad-line")[0].message.contains("no tag in column 3"));

    // IOB1 and BILOU are named.
    let mut ws = Workspace::default();
    let report = import(&mut ws, &[InputFile::new("iob1.conll", "Kim I-PER\nJong I-PER\nmet O\nPutin I-PER\n")], &ImportOptions::default());
    assert!(with_code(&report, "conll-columns")[0].message.contains("IOB1"));
    assert_eq!(quotes(&ws), [("Kim Jong".into(), "PER".into()), ("Putin".into(), "PER".into())]);
    let mut ws = Workspace::default();
    let report = import(&mut ws, &[InputFile::new("bilou.conll", "Kim B-PER\nJong L-PER\nmet O\nPutin U-PER\n")], &ImportOptions::default());
    assert!(with_code(&report, "conll-columns")[0].message.contains("BILOU"));
    assert_eq!(quotes(&ws), [("Kim Jong".into(), "PER".into()), ("Putin".into(), "PER".into())]);
}

#[test]
fn spacy_sentence_per_line_iob_reads_and_exports_back() {
    let iob = "Kim|NNP|B-PERSON Jong|NNP|I-PERSON met|VBD|O Putin|NNP|B-PERSON .|.|O\nThey|PRP|O flew|VBD|O to|TO|O Vladivostok|NNP|B-GPE\n";
    for name in ["train.iob", "train.txt"] {
        assert_eq!(detect_format(&[InputFile::new(name, iob)]).unwrap(), Format::Conll);
        let mut ws = Workspace::default();
        let report = import(&mut ws, &[InputFile::new(name, iob)], &ImportOptions::default());
        assert!(with_code(&report, "conll-columns")[0].message.contains("spaCy's sentence-per-line IOB"), "{:?}", report.diagnostics);
        assert_eq!(quotes(&ws), [("Kim Jong".into(), "PERSON".into()), ("Putin".into(), "PERSON".into()), ("Vladivostok".into(), "GPE".into())]);
        assert_eq!(ws.documents()[0].text(), "Kim Jong met Putin .\nThey flew to Vladivostok");
        // Exported as CoNLL, every span is kept.
        let export = ws.export_as(Format::Conll, None, &ExportOptions::default()).unwrap();
        assert_eq!(export.annotations_written, 3);
    }
}

#[test]
fn label_studio_top_level_tasks_and_0x_completions_with_inclusive_ends() {
    // Fields at the top level, as Label Studio imports them.
    let tasks = r#"[
  {"id": 1, "text": "Kim met Putin.", "annotations": [{"result": [{"id": "r1", "type": "labels", "from_name": "label", "to_name": "text", "value": {"start": 0, "end": 3, "text": "Kim", "labels": ["PER"]}}]}],
   "predictions": [{"model_version": "v1", "result": [{"id": "p1", "type": "labels", "from_name": "label", "to_name": "text", "value": {"start": 8, "end": 13, "text": "Putin", "labels": ["PER"]}}]}]},
  {"id": 2, "text": "Seoul and Moscow."}
]"#;
    assert_eq!(detect_format(&[InputFile::new("tasks.json", tasks)]).unwrap(), Format::LabelStudio);
    let mut ws = Workspace::default();
    let report = import(&mut ws, &[InputFile::new("tasks.json", tasks)], &ImportOptions::default());
    assert_eq!(report.documents_read, 2);
    assert_eq!(with_code(&report, "label-studio-top-level").len(), 1);
    assert_eq!(with_code(&report, "predictions").len(), 1);
    assert_eq!(quotes(&ws), [("Kim".into(), "PER".into()), ("Putin".into(), "PER".into())]);

    // Label Studio 0.x: completions whose end is inclusive.
    let old = r#"[{"id": 7, "data": {"text": "Kim met Putin in Vladivostok."}, "completions": [{"id": 1, "result": [
  {"id": "a", "type": "labels", "from_name": "label", "to_name": "text", "value": {"start": 0, "end": 2, "text": "Kim", "labels": ["PER"]}},
  {"id": "b", "type": "labels", "from_name": "label", "to_name": "text", "value": {"start": 17, "end": 27, "text": "Vladivostok", "labels": ["LOC"]}}]}]},
 {"id": 8, "data": {"text": "Seoul."}, "completions": [{"id": 2, "result": [
  {"id": "c", "type": "labels", "from_name": "label", "to_name": "text", "value": {"start": 0, "end": 4, "text": "Seoul", "labels": ["LOC"]}}]}]}]"#;
    let mut ws = Workspace::default();
    let report = import(&mut ws, &[InputFile::new("completions.json", old)], &ImportOptions::default());
    let inclusive = with_code(&report, "label-studio-inclusive-end");
    assert_eq!(inclusive.len(), 1, "one diagnostic for the file");
    assert!(inclusive[0].message.contains("of 2 task(s)") && inclusive[0].message.contains("their 3 span(s)"), "{}", inclusive[0].message);
    assert!(report.diagnostics.iter().all(|d| d.severity == Severity::Info), "no relocation warnings: {:?}", report.diagnostics);
    assert_eq!(quotes(&ws), [("Kim".into(), "PER".into()), ("Vladivostok".into(), "LOC".into()), ("Seoul".into(), "LOC".into())]);
    // Exported and read back: the same spans.
    let export = ws.export_as(Format::LabelStudio, None, &ExportOptions::default()).unwrap();
    let mut back = Workspace::default();
    import(&mut back, &[InputFile::new(export.file.name, export.file.bytes)], &ImportOptions::default());
    assert_eq!(quotes(&back), quotes(&ws));
}

/// A Recogito-shaped W3C file: a plain highlight without a body, a comment, a tag,
/// and selectors nested in `refinedBy`.
pub const RECOGITO: &str = r##"[
  {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "#h1", "type": "Annotation", "body": [],
   "target": {"source": "news.txt", "selector": [{"type": "TextQuoteSelector", "exact": "Mr. Carlucci"}, {"type": "TextPositionSelector", "start": 18, "end": 30}]}},
  {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "#c1", "type": "Annotation", "motivation": "commenting",
   "body": [{"type": "TextualBody", "purpose": "commenting", "value": "Who is he?", "creator": {"id": "u1", "name": "A"}}, {"type": "TextualBody", "value": "A reply."}],
   "target": {"source": "news.txt", "selector": {"type": "TextPositionSelector", "start": 35, "end": 50}}},
  {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "#t1", "type": "Annotation",
   "body": {"type": "TextualBody", "purpose": "tagging", "value": "PERSON"},
   "target": [{"source": "news.txt", "selector": {"type": "FragmentSelector", "value": "par1", "refinedBy": {"type": "TextQuoteSelector", "exact": "Thomas E. Meador"}}}]},
  {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "#t2", "type": "Annotation",
   "body": {"type": "TextualBody", "purpose": "tagging", "value": "ORG"},
   "target": {"source": "news.txt", "selector": {"type": "TextPositionSelector", "start": 100, "end": 200, "refinedBy": {"type": "TextPositionSelector", "start": 0, "end": 0}}}},
  {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "#x1", "type": "Annotation", "body": [], "target": "news.txt"},
  {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "#x2", "type": "Annotation", "body": [], "target": {"source": "news.txt", "selector": {"type": "CssSelector", "value": "p", "refinedBy": {"type": "XPathSelector", "value": "/p[1]"}}}}
]"##;

#[test]
fn w3c_follows_refined_by_and_imports_highlights_and_comments_without_a_tag() {
    let mut ws = Workspace::default();
    ws.add_document("news.txt", NEWS).unwrap();
    // The empty refinement (0..0 within 100..200) is a span the checker refuses: change it to "U.S. Army".
    let army = NEWS.find("U.S. Army").unwrap() as i64;
    let file = RECOGITO.replace(r#""start": 100, "end": 200, "refinedBy": {"type": "TextPositionSelector", "start": 0, "end": 0}"#, &format!(r#""start": {}, "end": 200, "refinedBy": {{"type": "TextPositionSelector", "start": 0, "end": 9}}"#, army));
    assert_eq!(detect_format(&[InputFile::new("recogito.json", file.clone())]).unwrap(), Format::W3c);
    let report = import(&mut ws, &[InputFile::new("recogito.json", file)], &ImportOptions::default());
    let bad: Vec<(&str, &str)> = with_code(&report, "bad-annotation").iter().map(|d| (d.annotation.as_deref().unwrap(), d.message.as_str())).collect();
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert_eq!(bad[0].0, "#x1");
    assert!(bad[0].1.contains("its target is only an IRI, with no selector"), "{}", bad[0].1);
    assert!(bad[1].1.contains("selector(s) of type CssSelector, XPathSelector (refinedBy included), and none is a TextQuoteSelector or a TextPositionSelector"), "{}", bad[1].1);
    assert_eq!(with_code(&report, "w3c-unlabelled").len(), 1);
    let doc = &ws.documents()[0];
    let got: Vec<(String, String, Option<String>)> = doc.annotations().iter().map(|a| (a.quote(doc.text()).to_owned(), a.label.clone(), a.extra().note.clone())).collect();
    let meet = &NEWS[35..50];
    assert_eq!(
        got,
        [
            ("Mr. Carlucci".to_owned(), "UNLABELLED".to_owned(), None),
            (meet.to_owned(), "UNLABELLED".to_owned(), Some("Who is he?\nA reply.".to_owned())),
            ("Thomas E. Meador".to_owned(), "PERSON".to_owned(), None),
            ("U.S. Army".to_owned(), "ORG".to_owned(), None),
        ]
    );
    assert!(ws.schema().labels().iter().any(|l| l.id == "UNLABELLED"));

    // Exported again: highlights without a tagging body, the comment as a commenting body.
    let export = ws.export_as(Format::W3c, None, &ExportOptions::default()).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&export.file.bytes).unwrap();
    let items = value["first"]["items"].as_array().unwrap();
    assert_eq!(items[0]["motivation"], "highlighting");
    assert!(items[0].get("body").is_none());
    assert_eq!(items[1]["motivation"], "commenting");
    assert_eq!(items[1]["body"][0]["purpose"], "commenting");
    let mut back = Workspace::default();
    back.add_document("news.txt", NEWS).unwrap();
    import(&mut back, &[InputFile::new(export.file.name, export.file.bytes)], &ImportOptions::default());
    let again: Vec<(String, String, Option<String>)> = back.documents()[0].annotations().iter().map(|a| (a.quote(NEWS).to_owned(), a.label.clone(), a.extra().note.clone())).collect();
    assert_eq!(again, got);
}

#[test]
fn doccano_arrays_pretty_printed_records_and_renamed_columns_read_as_jsonl() {
    let relation_export = r#"{
  "id": 1,
  "text": "Kim met Putin.",
  "entities": [
    {"id": 10, "label": "PER", "start_offset": 0, "end_offset": 3},
    {"id": 11, "label": "PER", "start_offset": 8, "end_offset": 13}
  ],
  "relations": [{"id": 5, "from_id": 10, "to_id": 11, "type": "met"}]
}
{
  "id": 2,
  "text": "Seoul.",
  "entities": [{"id": 12, "label": "LOC", "start_offset": 0, "end_offset": 5}],
  "relations": []
}
"#;
    let array = format!("[{}]", relation_export.trim().replace("}\n{", "},\n{"));
    for (name, file) in [("relations.json", relation_export.to_owned()), ("relations.jsonl", relation_export.to_owned()), ("relations.jsonl", array.clone()), ("relations.json", array)] {
        assert_eq!(detect_format(&[InputFile::new(name, file.clone())]).unwrap(), Format::Jsonl, "{name}");
        let mut ws = Workspace::default();
        let is_array = file.starts_with('[');
        let report = import(&mut ws, &[InputFile::new(name, file)], &ImportOptions::default());
        assert_eq!(quotes(&ws), [("Kim".into(), "PER".into()), ("Putin".into(), "PER".into()), ("Seoul".into(), "LOC".into())], "{name}");
        assert_eq!(report.relations_added, 1, "{name}");
        assert_eq!(with_code(&report, "jsonl-json").len(), 1);
        if name.ends_with(".jsonl") && is_array {
            assert!(with_code(&report, "format-chosen")[0].message.contains("JSON Lines, one record a line"), "{:?}", report.diagnostics);
        }
    }
    // A .json of JSON lines is JSONL, and says that it was read so.
    let lines = "{\"text\": \"Kim met Putin.\", \"label\": [[0, 3, \"PER\"]]}\n{\"text\": \"Seoul.\", \"label\": []}\n";
    let mut ws = Workspace::default();
    let report = import(&mut ws, &[InputFile::new("data.json", lines)], &ImportOptions::default());
    assert!(with_code(&report, "format-chosen")[0].message.contains("one JSON value a line"));
    assert_eq!(report.documents_read, 2);

    // doccano's import with renamed columns: detected, and named.
    let renamed = "{\"data\": \"Kim met Putin.\", \"entities\": [[0, 3, \"PER\"]]}\n{\"content\": \"Seoul.\", \"labels\": [[0, 5, \"LOC\"]]}\n";
    let mut ws = Workspace::default();
    let report = import(&mut ws, &[InputFile::new("import.jsonl", renamed)], &ImportOptions::default());
    let keys = with_code(&report, "jsonl-keys");
    assert!(keys[0].message.contains(r#"text from "data" and spans from "entities"; text from "content" and spans from "labels""#), "{}", keys[0].message);
    assert_eq!(quotes(&ws), [("Kim".into(), "PER".into()), ("Seoul".into(), "LOC".into())]);
    // Keys given in the options.
    let custom = "{\"sentence\": \"Kim met Putin.\", \"ner\": [[0, 3, \"PER\"]], \"text\": \"ignored\"}\n";
    let options = ImportOptions { text_key: Some("sentence".into()), label_key: Some("ner".into()), ..ImportOptions::default() };
    let mut ws = Workspace::default();
    let report = import(&mut ws, &[InputFile::new("custom.jsonl", custom)], &options);
    assert_eq!(ws.documents()[0].text(), "Kim met Putin.");
    assert_eq!(quotes(&ws), [("Kim".into(), "PER".into())]);
    assert!(with_code(&report, "jsonl-keys")[0].message.contains(r#"text from "sentence" and spans from "ner""#));
    let err = Workspace::default().stage_import(&[InputFile::new("custom.jsonl", custom)], &ImportOptions { text_key: Some("body".into()), ..options }).unwrap_err();
    assert!(err.to_string().contains("no text string under \"body\""), "{err}");
    // Exported as JSONL and read back.
    let export = ws.export_as(Format::Jsonl, None, &ExportOptions::default()).unwrap();
    let mut back = Workspace::default();
    import(&mut back, &[InputFile::new(export.file.name, export.file.bytes)], &ImportOptions::default());
    assert_eq!(quotes(&back), quotes(&ws));
}

#[test]
fn brat_notes_and_attributes_on_events_are_part_of_their_warning_and_relations_keep_theirs() {
    let ann = "T1\tPerson 0 3\tKim\nT2\tPerson 8 13\tPutin\nT3\tMeet 4 7\tmet\nE1\tMeet:T3 Agent:T1 Agent:T2\nR1\tKnows Arg1:T1 Arg2:T2\n\
A1\tNegation E1\nM1\tSpeculation E1\n#1\tAnnotatorNotes R1\tfrom the photo\n#2\tAnnotatorNotes T1\tleader\nA2\tConfidence T2 High\nA3\tNegation T9\n";
    let files = [InputFile::new("kim.ann", ann), InputFile::new("kim.txt", "Kim met Putin.")];
    let mut ws = Workspace::default();
    let report = import(&mut ws, &files, &ImportOptions::default());
    let dropped: Vec<&str> = with_code(&report, "not-imported").iter().map(|d| d.message.as_str()).collect();
    assert_eq!(dropped, ["1 event(s) (E lines), with the 2 note(s), attribute(s) and modification(s) on them, were not imported: Spanmark does not hold them yet"]);
    let knows: Vec<(&str, Option<&str>)> = ws.documents()[0].relations().iter().map(|r| (r.kind.as_str(), r.extra().note.as_deref())).collect();
    assert_eq!(knows, [("Knows", Some("from the photo"))]);
    // Only the attribute on an id that is nowhere is an error.
    let errors: Vec<&Diagnostic> = report.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].message.contains("\"T9\""));
    let doc = &ws.documents()[0];
    let kim = doc.annotations().iter().find(|a| a.quote(doc.text()) == "Kim").unwrap();
    assert_eq!(kim.extra().note.as_deref(), Some("leader"));
    // Exported back: the spans, the note and the attribute.
    let export = ws.export_as(Format::Brat, None, &ExportOptions::default()).unwrap();
    let mut back = Workspace::default();
    let mut files = vec![InputFile::new(export.file.name.clone(), export.file.bytes.clone())];
    if !export.file.name.ends_with(".zip") {
        files.push(InputFile::new("kim.txt", "Kim met Putin."));
    }
    import(&mut back, &files, &ImportOptions::default());
    assert_eq!(quotes(&back), quotes(&ws));
    let putin = back.documents()[0].annotations().iter().find(|a| a.quote("Kim met Putin.") == "Putin").unwrap().extra().attributes.clone();
    assert_eq!(putin.get("Confidence").map(String::as_str), Some("High"));
}

#[test]
fn forcing_any_plausible_format_reads_it_or_says_clearly_why_not() {
    // A CoNLL .txt forced as CoNLL reads; a prose .txt forced as CoNLL says what is wrong.
    let conll = ImportOptions { format: Some(Format::Conll), ..ImportOptions::default() };
    let staged = Workspace::default().stage_import(&[InputFile::new("train.txt", TRAIN_TXT)], &conll).unwrap();
    assert_eq!(staged.report.annotations_added, 3);
    let err = Workspace::default().stage_import(&[InputFile::new("notes.txt", "Kim met Putin today.")], &conll).unwrap_err();
    assert!(err.to_string().contains("no line with a token and a tag") || err.to_string().contains("CoNLL"), "{err}");
    // A JSON array of doccano records forced as Label Studio, and the reverse.
    let records = r#"[{"text": "Kim met Putin.", "label": [[0, 3, "PER"]]}]"#;
    let ls = ImportOptions { format: Some(Format::LabelStudio), ..ImportOptions::default() };
    let staged = Workspace::default().stage_import(&[InputFile::new("a.json", records)], &ls).unwrap();
    assert!(staged.report.diagnostics.iter().any(|d| d.code == "bad-task" && d.message.contains("neither a \"data\" object nor a \"text\" string")) || staged.report.documents_read == 1, "{:?}", staged.report.diagnostics);
    let jsonl = ImportOptions { format: Some(Format::Jsonl), ..ImportOptions::default() };
    let staged = Workspace::default().stage_import(&[InputFile::new("a.json", records)], &jsonl).unwrap();
    assert_eq!(staged.report.annotations_added, 1);
    // Every format forced on every other format's export: an error or a report, never a panic.
    let ws = news_workspace();
    for from in Format::ALL {
        let export = ws.export_as(from, None, &ExportOptions::default()).unwrap();
        for to in Format::ALL {
            let files = [InputFile::new(export.file.name.clone(), export.file.bytes.clone()), InputFile::new("news.txt", NEWS)];
            match Workspace::default().stage_import(&files, &ImportOptions { format: Some(to), ..ImportOptions::default() }) {
                Ok(_) => {}
                Err(e) => assert!(!e.to_string().is_empty()),
            }
        }
    }
    let names: BTreeSet<&str> = NEWS_NAMES.iter().map(|(n, _)| *n).collect();
    assert_eq!(names.len(), NEWS_NAMES.len());
}
