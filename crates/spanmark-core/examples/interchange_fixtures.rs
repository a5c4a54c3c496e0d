//! Builds the corpus that the real consumers check (tests/consumers/): the GUM news
//! articles imported from their JSONL, the two demo articles with overlapping tags,
//! and a document of hostile Unicode with notes, references and attributes, with
//! relations (MEETS between "Kim Jong-un" and "Vladimir Putin", LOCATED_IN, SUPPLIES
//! with a weapon, MEMBER_OF) that carry notes and attributes; then exports it in every
//! format, with each format's loss report and the canonical truth beside it, and the
//! schema as brat's configuration and a Label Studio labeling config. Beside the corpus: a news text full of titles and initials,
//! tagged and exported as CoNLL (`news.*`), and a Recogito-shaped W3C file (plain
//! highlights, comments, `refinedBy` selectors) imported and exported again
//! (`recogito.*`).
//!
//! Run: `cargo run -p spanmark-core --example interchange_fixtures -- <tests/data> <www/demo> <out dir>`

use std::fs;
use std::path::PathBuf;

use spanmark_core::interchange::labelstudio::labeling_config;
use spanmark_core::interchange::write_brat_conf;
use spanmark_core::{ExportOptions, Format, ImportOptions, InputFile, Item, RelationAdded, Severity, TagScheme, Workspace};

/// A span by its quote (first occurrence) and label.
type End = (&'static str, &'static str);

/// A relation on a demo article: the article, its ends and type, a note and attributes.
type DemoRelation = (&'static str, End, &'static str, End, Option<&'static str>, &'static [(&'static str, &'static str)]);

/// Relations on the demo articles.
const DEMO_RELATIONS: &[DemoRelation] = &[
    ("kim-jong-un-meets-putin-in-russia.txt", ("Kim Jong-un", "PERSON"), "MEETS", ("Vladimir Putin", "PERSON"), Some("Their first summit since 2019,\nat the cosmodrome"), &[("uncertain", "true")]),
    ("kim-jong-un-meets-putin-in-russia.txt", ("Vostochny Cosmodrome", "FAC"), "LOCATED_IN", ("Russia", "GPE"), None, &[]),
    ("kim-jong-un-meets-putin-in-russia.txt", ("Kim Jong-un", "PERSON"), "MEMBER_OF", ("North Korea", "GPE"), None, &[]),
    ("putin-seeks-north-korean-arms.txt", ("North Korea", "GPE"), "SUPPLIES", ("Russia", "GPE"), Some("artillery shells and rockets, per US officials"), &[("weapon", "artillery shells"), ("negated", "true")]),
    ("putin-seeks-north-korean-arms.txt", ("Vladimir Putin", "PERSON"), "MEMBER_OF", ("Kremlin", "ORG"), None, &[]),
];

/// Links two annotations of a document, found by quote (first occurrence) and label.
fn link(ws: &mut Workspace, doc: &str, from: (&str, &str), kind: &str, to: (&str, &str)) -> String {
    let d = ws.document(doc).unwrap();
    let find = |(quote, label): (&str, &str)| {
        let at = d.text().find(quote).unwrap_or_else(|| panic!("{quote}"));
        d.annotations().iter().find(|a| a.start_byte == at && a.end_byte == at + quote.len() && a.label == label).unwrap_or_else(|| panic!("{quote} {label}")).id.clone()
    };
    let (from, to) = (find(from), find(to));
    match ws.add_relation(doc, &from, &to, kind).unwrap() {
        RelationAdded::New(r) => r.id,
        other => panic!("{other:?}"),
    }
}

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


/// A news text full of titles, initials and abbreviations: a sentence splitter that
/// breaks after "Mr." or "E." cuts its names.
const NEWS_TEXT: &str = "WASHINGTON (AP) - Mr. Carlucci met Dr. Kim Jong-un and Gen. Colin L. Powell on Jan. 5 in the U.S. capital. \
Thomas E. Meador, a spokesman for the U.S. Army, said Stephen M. Wolf of UAL Corp. would attend. \
Mrs. Smith and Sen. Robert C. Byrd of the U.N. Security Council arrived on Sept. 12. \
Prof. J. R. R. Tolkien vs. St. Louis Inc. was no. 1 in the U.K. press, etc. Rev. Jesse L. Jackson Jr. agreed.\n\
Ms. Ann B. Lee of Acme Co. Ltd. and Lt. Col. James T. Kirk met Capt. Sgt. Bo Li on Aug. 30, Oct. 1, Nov. 9 and Dec. 31.\n";

/// The names in [`NEWS_TEXT`], in order, with their labels.
const NEWS_NAMES: &[(&str, &str)] = &[
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
    ("Ms. Ann B. Lee", "PERSON"),
    ("Acme Co. Ltd.", "ORG"),
    ("Lt. Col. James T. Kirk", "PERSON"),
    ("Capt. Sgt. Bo Li", "PERSON"),
    ("Aug. 30", "DATE"),
    ("Oct. 1", "DATE"),
    ("Nov. 9", "DATE"),
    ("Dec. 31", "DATE"),
];

/// A W3C file shaped like Recogito's: a plain highlight with no body, a comment
/// thread, tags whose selectors nest in `refinedBy`, positions beside quotes.
const RECOGITO: &str = r##"[
  {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "#h1", "type": "Annotation", "body": [],
   "target": {"source": "news.txt", "selector": [{"type": "TextQuoteSelector", "exact": "Mr. Carlucci"}, {"type": "TextPositionSelector", "start": 18, "end": 30}]}},
  {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "#c1", "type": "Annotation", "motivation": "commenting",
   "body": [{"type": "TextualBody", "purpose": "commenting", "value": "Who is he?"}, {"type": "TextualBody", "purpose": "commenting", "value": "The defence secretary."}],
   "target": {"source": "news.txt", "selector": {"type": "TextQuoteSelector", "exact": "Dr. Kim Jong-un", "prefix": "Carlucci met ", "suffix": " and Gen."}}},
  {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "#t1", "type": "Annotation",
   "body": [{"type": "TextualBody", "purpose": "tagging", "value": "PERSON"}],
   "target": [{"source": "news.txt", "selector": {"type": "FragmentSelector", "value": "par1", "refinedBy": {"type": "TextQuoteSelector", "exact": "Thomas E. Meador"}}}]},
  {"@context": "http://www.w3.org/ns/anno.jsonld", "id": "#t2", "type": "Annotation",
   "body": {"type": "TextualBody", "purpose": "tagging", "value": "ORG"},
   "target": {"source": "news.txt", "selector": {"type": "TextPositionSelector", "start": 145, "end": 200, "refinedBy": {"type": "TextPositionSelector", "start": 0, "end": 9, "refinedBy": {"type": "TextQuoteSelector", "exact": "U.S. Army"}}}}}
]"##;

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

    // Span attributes the schema defines (Label Studio carries these as per-region choices).
    let demo = ws.documents().iter().find(|d| d.name() == DEMO_RELATIONS[0].0).unwrap().id().to_owned();
    for (quote, attribute, value) in [("Kim Jong-un", "role", "head of state"), ("Vladimir Putin", "role", "head of state"), ("Vladimir Putin", "uncertain", "true")] {
        let d = ws.document(&demo).unwrap();
        let at = d.text().find(quote).unwrap();
        let id = d.annotations().iter().find(|a| a.start_byte == at && a.end_byte == at + quote.len()).unwrap().id.clone();
        ws.set_attribute(&demo, Item::Annotation(id), attribute, Some(value)).unwrap();
    }
    for (name, from, kind, to, note, attributes) in DEMO_RELATIONS {
        let doc = ws.documents().iter().find(|d| d.name() == *name).unwrap().id().to_owned();
        let r = link(&mut ws, &doc, *from, kind, *to);
        ws.set_note(&doc, Item::Relation(r.clone()), *note).unwrap();
        for (k, v) in *attributes {
            ws.set_attribute(&doc, Item::Relation(r.clone()), k, Some(v)).unwrap();
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
    let doc = ws.documents().last().unwrap().id().to_owned();
    let meets = link(&mut ws, &doc, ("김정은", "PERSON"), "MEETS", ("Путин", "PERSON"));
    ws.set_note(&doc, Item::Relation(meets.clone()), Some("met 👍🏽\r\nin Владивосток")).unwrap();
    ws.set_attribute(&doc, Item::Relation(meets), "negated", Some("true")).unwrap();
    link(&mut ws, &doc, ("Путин", "PERSON"), "LOCATED_IN", ("Владивосток", "GPE"));

    let total: usize = ws.documents().iter().map(|d| d.annotations().len()).sum();
    let relations: usize = ws.documents().iter().map(|d| d.relations().len()).sum();
    eprintln!("corpus: {} documents, {} annotations, {relations} relations", ws.documents().len(), total);
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
            "{file}: {} bytes, {} annotations and {} relations written, {} losses; re-imported {} documents, {} annotations and {} relations",
            export.file.bytes.len(),
            export.annotations_written,
            export.relations_written,
            export.losses.len(),
            report.documents_read,
            report.annotations_added,
            report.relations_added
        );
        assert_eq!(report.relations_added, export.relations_written, "{file}: every relation written is read back");
        summary.insert(
            file.to_owned(),
            serde_json::json!({"written": export.annotations_written, "relations_written": export.relations_written, "losses": export.losses.len(), "reimported": report.annotations_added, "relations_reimported": report.relations_added}),
        );
    }
    fs::write(out.join("summary.json"), serde_json::to_string_pretty(&summary).unwrap()).unwrap();
    news_and_recogito(&out);
    fs::write(out.join("label-studio-config.xml"), labeling_config(ws.schema(), &[])).unwrap();
    let conf = write_brat_conf(ws.schema());
    fs::write(out.join("schema.annotation.conf"), conf.annotation_conf).unwrap();
    fs::write(out.join("schema.visual.conf"), conf.visual_conf).unwrap();
}

/// The news text exported as CoNLL with its truth, and the Recogito-shaped file
/// imported and exported again as W3C.
fn news_and_recogito(out: &std::path::Path) {
    let mut ws = Workspace::default();
    let doc = ws.add_document("news.txt", NEWS_TEXT).unwrap();
    let mut from = 0;
    let mut truth = Vec::new();
    for (name, label) in NEWS_NAMES {
        let at = from + NEWS_TEXT[from..].find(name).unwrap_or_else(|| panic!("{name}"));
        ws.add_annotation(&doc, at..at + name.len(), label).unwrap();
        let cp = |b: usize| NEWS_TEXT[..b].chars().count();
        truth.push(serde_json::json!({"start": cp(at), "end": cp(at + name.len()), "label": label, "text": name}));
        from = at + name.len();
    }
    let export = ws.export_as(Format::Conll, None, &ExportOptions { scheme: TagScheme::Iob2 }).unwrap();
    let lost: Vec<_> = export.losses.iter().filter(|l| l.severity != Severity::Info).collect();
    assert!(lost.is_empty(), "every news name is exported: {lost:?}");
    fs::write(out.join("news.iob2.conll"), &export.file.bytes).unwrap();
    fs::write(out.join("news.truth.json"), serde_json::to_string_pretty(&serde_json::json!({"text": NEWS_TEXT, "names": truth})).unwrap()).unwrap();
    eprintln!("news.iob2.conll: {} names written, {} losses", export.annotations_written, export.losses.len());

    let mut ws = Workspace::default();
    ws.add_document("news.txt", NEWS_TEXT).unwrap();
    fs::write(out.join("recogito.json"), RECOGITO).unwrap();
    let staged = ws.stage_import(&[InputFile::new("recogito.json", RECOGITO)], &ImportOptions::default()).expect("the Recogito file reads");
    let problems: Vec<_> = staged.report.diagnostics.iter().filter(|d| d.severity != Severity::Info).collect();
    assert!(problems.is_empty(), "the Recogito file imports cleanly: {problems:?}");
    let report = ws.apply_import(staged).unwrap();
    let export = ws.export_as(Format::W3c, None, &ExportOptions::default()).unwrap();
    fs::write(out.join("recogito.w3c.jsonld"), &export.file.bytes).unwrap();
    eprintln!("recogito.json: {} annotations imported, {} exported again as W3C", report.annotations_added, export.annotations_written);
}
