//! Builds the corpus that the real consumers check (tests/consumers/): the GUM news
//! articles imported from their JSONL, the two demo articles with overlapping tags,
//! and a document of hostile Unicode with notes, references and attributes; then
//! exports it in every format, with each format's loss report and the canonical
//! truth beside it.
//!
//! Run: `cargo run -p spanmark-core --example interchange_fixtures -- <tests/data> <www/demo> <out dir>`

use std::fs;
use std::path::PathBuf;

use spanmark_core::interchange::labelstudio::labeling_config;
use spanmark_core::{ExportOptions, Format, ImportOptions, InputFile, Severity, TagScheme, Workspace};

/// Tags for the demo articles: every occurrence of each phrase. Some nest
/// ("Vostochny" inside "Vostochny Cosmodrome") and some overlap.
const DEMO_TAGS: &[(&str, &str)] = &[
    ("Kim Jong-un", "PERSON"),
    ("Kim Jong Un", "PERSON"),
    ("Vladimir Putin", "PERSON"),
    ("Putin", "PERSON"),
    ("North Korea", "GPE"),
    ("Russia", "GPE"),
    ("Vostochny Cosmodrome", "FAC"),
    ("Vostochny", "LOC"),
    ("Kremlin", "ORG"),
    ("Pyongyang", "GPE"),
    ("September", "DATE"),
];

/// Hostile Unicode: ZWJ families, flags, skin tones, Hangul, Cyrillic, combining
/// marks, CRLF, and spans that overlap, nest, cross a line break and cut a word.
const UNICODE_TEXT: &str = "👨\u{200d}👩\u{200d}👧 Family note 🇰🇵🇷🇺: 김정은 met Путин in Владивосток.\r\nJose\u{301} said “Kim Jong-un” — twice 👍🏽.\r\nThe Korean Central News Agency reported it.\n";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let data = PathBuf::from(args.get(1).map_or("tests/data", String::as_str));
    let demo = PathBuf::from(args.get(2).map_or("www/demo", String::as_str));
    let out = PathBuf::from(args.get(3).map_or("target/interchange", String::as_str));
    fs::create_dir_all(&out).expect("output directory");

    let mut ws = Workspace::default();

    // GUM: import the nested mentions through the JSONL codec, as an analyst would.
    let gum = fs::read(data.join("gum-news/gum_news_all_mentions.jsonl")).expect("GUM JSONL");
    let staged = ws.stage_import(&[InputFile::new("gum_news_all_mentions.jsonl", gum)], &ImportOptions::default()).expect("GUM reads");
    let errors: Vec<_> = staged.report.diagnostics.iter().filter(|d| d.severity != Severity::Info).collect();
    assert!(errors.is_empty(), "GUM imports cleanly: {errors:?}");
    let report = ws.apply_import(staged).expect("GUM applies");
    eprintln!("GUM: {} documents, {} annotations, labels added {:?}", report.documents_read, report.annotations_added, report.labels_added);

    // The demo articles, tagged by phrase.
    let mut names: Vec<_> = fs::read_dir(&demo).expect("demo dir").map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "txt")).collect();
    names.sort();
    for path in names {
        let text = fs::read_to_string(&path).expect("demo article");
        let doc = ws.add_document(path.file_name().unwrap().to_str().unwrap(), &text).unwrap();
        for (phrase, label) in DEMO_TAGS {
            for (at, _) in text.match_indices(phrase) {
                ws.add_annotation(&doc, at..at + phrase.len(), label).unwrap();
            }
        }
    }

    // The hostile document, with extras carried through canonical JSON.
    let doc = ws.add_document("unicode-stress.txt", UNICODE_TEXT).unwrap();
    let find = |p: &str| UNICODE_TEXT.find(p).unwrap_or_else(|| panic!("{p}"));
    let spans = [
        (find("김정은"), find("김정은") + "김정은".len(), "PERSON"),
        (find("Путин"), find("Путин") + "Путин".len(), "PERSON"),
        (find("Владивосток"), find("Владивосток") + "Владивосток".len(), "GPE"),
        (find("Jose\u{301}"), find("Jose\u{301}") + "Jose\u{301}".len(), "PERSON"),
        (find("Kim Jong-un"), find("Kim Jong-un") + 11, "PERSON"),
        (find("Jong"), find("Jong") + 2, "PERSON"),
        (find("Korean Central"), find(" reported"), "ORG"),
        (find("Korean"), find("Korean") + 6, "GPE"),
        (find("👨"), find(" Family"), "PERSON"),
        (find("🇰🇵"), find("🇷🇺"), "GPE"),
        (find("twice"), find("The Korean") + 3, "EVENT"),
        (find("Путин"), find(" in Влад") + 3, "EVENT"),
    ];
    for (s, e, l) in spans {
        ws.add_annotation(&doc, s..e, l).unwrap();
    }
    let mut canonical = ws.export_canonical(Some(&[doc.as_str()])).unwrap();
    canonical = canonical.replacen(
        "\"label\": \"PERSON\"",
        "\"label\": \"PERSON\", \"note\": \"Hangul name\", \"refs\": [{\"resource\": \"Wikidata\", \"id\": \"Q56226\", \"text\": \"Kim Jong Un\"}], \"attributes\": {\"Confidence\": \"high\", \"Negated\": \"true\"}",
        1,
    );
    ws.remove_document(&doc).unwrap();
    ws.import_canonical(&canonical).unwrap();

    let total: usize = ws.documents().iter().map(|d| d.annotations().len()).sum();
    eprintln!("corpus: {} documents, {} annotations", ws.documents().len(), total);
    fs::write(out.join("truth.spanmark.json"), ws.export_canonical(None).unwrap()).unwrap();

    let mut summary = serde_json::Map::new();
    let variants = [
        (Format::Jsonl, ExportOptions::default(), "corpus.jsonl"),
        (Format::Brat, ExportOptions::default(), "corpus.brat.zip"),
        (Format::Conll, ExportOptions { scheme: TagScheme::Iob2 }, "corpus.iob2.conll"),
        (Format::Conll, ExportOptions { scheme: TagScheme::Iob1 }, "corpus.iob1.conll"),
        (Format::Conll, ExportOptions { scheme: TagScheme::Bioes }, "corpus.bioes.conll"),
        (Format::W3c, ExportOptions::default(), "corpus.w3c.jsonld"),
        (Format::LabelStudio, ExportOptions::default(), "corpus.label-studio.json"),
        (Format::Canonical, ExportOptions::default(), "corpus.spanmark.json"),
    ];
    for (format, options, file) in variants {
        let export = ws.export_as(format, None, &options).unwrap();
        fs::write(out.join(file), &export.file.bytes).unwrap();
        let losses: Vec<_> = export
            .losses
            .iter()
            .map(|l| serde_json::json!({"document": l.document, "annotation": l.annotation, "code": l.code, "severity": l.severity.id(), "message": l.message}))
            .collect();
        fs::write(out.join(format!("{file}.losses.json")), serde_json::to_string_pretty(&losses).unwrap()).unwrap();

        // Round trip in the core too: import the file into a workspace with the texts open.
        let mut back = Workspace::default();
        let mut files = vec![InputFile::new(file, export.file.bytes.clone())];
        match format {
            Format::W3c => ws.documents().iter().for_each(|d| {
                back.add_document(d.name(), d.text()).unwrap();
            }),
            Format::Conll => files.extend(ws.documents().iter().enumerate().map(|(i, d)| InputFile::new(format!("{i:03}-{}.txt", d.name().trim_end_matches(".txt")), d.text()))),
            _ => {}
        }
        let staged = back.stage_import(&files, &ImportOptions::default()).unwrap();
        let report = back.apply_import(staged).unwrap();
        eprintln!(
            "{file}: {} bytes, {} annotations written, {} losses; re-imported {} documents and {} annotations",
            export.file.bytes.len(),
            export.annotations_written,
            export.losses.len(),
            report.documents_read,
            report.annotations_added
        );
        summary.insert(file.to_owned(), serde_json::json!({"written": export.annotations_written, "losses": export.losses.len(), "reimported": report.annotations_added}));
    }
    fs::write(out.join("summary.json"), serde_json::to_string_pretty(&summary).unwrap()).unwrap();
    fs::write(out.join("label-studio-config.xml"), labeling_config(ws.schema(), &[])).unwrap();
}
