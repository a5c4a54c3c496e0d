//! Builds the corpus that the real consumers check (tests/consumers/): the GUM news
//! articles imported from their JSONL, the two demo articles with overlapping tags,
//! and a document of hostile Unicode with notes, references and attributes, with
//! relations (MEETS between "Kim Jong-un" and "Vladimir Putin", LOCATED_IN, SUPPLIES
//! with a weapon, MEMBER_OF) that carry notes and attributes; then exports it in every
//! format, with each format's loss report and the canonical truth beside it, and the
//! schema as brat's configuration and a Label Studio labeling config. Beside the corpus: a news text full of titles and initials,
//! tagged and exported as CoNLL (`news.*`), and a Recogito-shaped W3C file (plain
//! highlights, comments, `refinedBy` selectors) imported and exported again
//! (`recogito.*`). And in `agreement/`: two annotators' layers of the GUM news
//! articles (the named entities, and all mentions), each as CoNLL IOB2 and as span JSON,
//! with the core's agreement figures for them (`core.json`).
//!
//! Run: `cargo run -p spanmark-core --example interchange_fixtures -- <tests/data> <www/demo> <out dir>`

use std::fs;
use std::path::PathBuf;

use spanmark_core::agreement::{cohen_kappa, compare, Mode, SpanRef, Study};
use spanmark_core::interchange::labelstudio::labeling_config;
use spanmark_core::interchange::write_brat_conf;
use spanmark_core::{ExportOptions, Format, ImportOptions, InputFile, Item, LabelSchema, RelationAdded, Severity, TagScheme, Workspace};

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
    // Every "Vladimir Putin" of both demo articles links to one registry entity with a
    // Wikidata identifier: brat writes N lines, W3C identifying bodies, JSONL kb_ids.
    let mut putin: Option<String> = None;
    let docs: Vec<String> = ws.documents().iter().map(|d| d.id().to_owned()).collect();
    for d in docs {
        let ids: Vec<String> = {
            let doc = ws.document(&d).unwrap();
            doc.annotations().iter().filter(|a| a.quote(doc.text()) == "Vladimir Putin" && a.label == "PERSON").map(|a| a.id.clone()).collect()
        };
        for id in ids {
            match &putin {
                Some(e) => ws.link_entity(&d, &id, e).unwrap(),
                None => {
                    let e = ws.link_new_entity(&d, &id, None).unwrap();
                    let mut entity = ws.entity(&e).unwrap().clone();
                    entity.identifiers.push(spanmark_core::EntityRef { resource: "Wikidata".into(), id: "Q7747".into(), text: String::new() });
                    ws.update_entity(entity).unwrap();
                    putin = Some(e);
                }
            }
        }
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
    agreement_layers(&data, &out.join("agreement"));
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

/// One GUM layer as CoNLL IOB2 holds it: the JSONL imported, exported as CoNLL, and the
/// CoNLL read back with the texts (so offsets are exact). Token tags hold no nested or
/// overlapping spans, so the layer is flat: what seqeval and nervaluate compare.
fn conll_layer(jsonl: &std::path::Path, conll_out: &std::path::Path) -> Workspace {
    let mut ws = Workspace::new(LabelSchema::empty());
    let staged = ws.stage_import(&[InputFile::new("layer.jsonl", fs::read(jsonl).expect("GUM layer"))], &ImportOptions::default()).expect("GUM reads");
    ws.apply_import(staged).expect("GUM applies");
    let export = ws.export_as(Format::Conll, None, &ExportOptions { scheme: TagScheme::Iob2 }).expect("CoNLL export");
    fs::write(conll_out, &export.file.bytes).unwrap();
    let mut files = vec![InputFile::new("layer.iob2.conll", export.file.bytes)];
    files.extend(ws.documents().iter().enumerate().map(|(i, d)| InputFile::new(format!("{i:03}.txt"), d.text())));
    let mut flat = Workspace::new(LabelSchema::empty());
    let staged = flat.stage_import(&files, &ImportOptions::default()).expect("the CoNLL export reads");
    let problems: Vec<_> = staged.report.diagnostics.iter().filter(|d| d.severity != Severity::Info).collect();
    assert!(problems.is_empty(), "the CoNLL export reads back cleanly: {problems:?}");
    flat.apply_import(staged).unwrap();
    flat
}

/// A layer as span JSON, one entry per document in the study's order: offsets in code
/// points, half-open, with the label and the quote.
fn spans_json(study: &Study, layer: &[SpanRef]) -> serde_json::Value {
    let docs: Vec<serde_json::Value> = study
        .documents
        .iter()
        .map(|d| {
            let cp = |b: usize| d.text[..b].chars().count();
            let spans: Vec<serde_json::Value> = layer
                .iter()
                .filter(|s| s.doc == d.key)
                .map(|s| serde_json::json!({"start": cp(s.start_byte), "end": cp(s.end_byte), "label": s.label, "text": &d.text[s.start_byte..s.end_byte]}))
                .collect();
            serde_json::json!({"document": d.key, "spans": spans})
        })
        .collect();
    serde_json::Value::Array(docs)
}

/// The core's figures for layer `b` against reference layer `a` of the study in every
/// mode, as the consumer tests read them.
fn core_figures(study: &Study, a: usize, b: usize) -> serde_json::Value {
    let (x, y) = (&study.layers[a], &study.layers[b]);
    let counts = |c: &spanmark_core::Counts| {
        serde_json::json!({"precision": c.precision(), "recall": c.recall(), "f1": c.f1(), "reference": c.reference, "candidate": c.candidate, "matched_reference": c.matched_reference, "matched_candidate": c.matched_candidate})
    };
    let mut modes = serde_json::Map::new();
    for mode in Mode::ALL {
        let s = compare(x, y, mode);
        modes.insert(
            mode.id().to_owned(),
            serde_json::json!({
                "micro": counts(&s.micro),
                "macro_f1": s.macro_f1(),
                "per_label": s.per_label.iter().map(|(l, c)| (l.clone(), counts(c))).collect::<serde_json::Map<_, _>>(),
            }),
        );
    }
    // Overlap with labels ignored: the one-to-one overlap matches whatever their labels.
    let unlabelled = |layer: &[SpanRef]| layer.iter().map(|s| SpanRef { label: String::new(), ..s.clone() }).collect::<Vec<_>>();
    let any_label = compare(&unlabelled(x), &unlabelled(y), Mode::Overlap);
    let kappa = cohen_kappa(&study.texts(), x, y);
    serde_json::json!({
        "a": study.annotators[a], "b": study.annotators[b],
        "modes": modes,
        "overlap_any_label": counts(&any_label.micro),
        "kappa": {"kappa": kappa.kappa, "observed": kappa.observed, "expected": kappa.expected, "tokens": kappa.tokens},
    })
}

/// A third annotator who tagged the mentions of `all` with other labels now and then:
/// every third span (in each document's order) takes the next label in the schema.
fn relabelled(all: &Workspace) -> Workspace {
    let mut ws = all.clone();
    let labels: Vec<String> = ws.schema().labels().iter().map(|l| l.id.clone()).collect();
    let docs: Vec<String> = ws.documents().iter().map(|d| d.id().to_owned()).collect();
    for doc in docs {
        let every_third: Vec<(String, String)> = ws.document(&doc).unwrap().annotations().iter().step_by(3).map(|a| (a.id.clone(), a.label.clone())).collect();
        for (id, label) in every_third {
            let next = &labels[(labels.iter().position(|l| *l == label).unwrap() + 1) % labels.len()];
            ws.relabel_annotation(&doc, &id, next).unwrap();
        }
    }
    ws
}

/// Three annotators' layers of the GUM news articles: the named entities (the
/// reference), all mentions, and all mentions relabelled now and then, each as CoNLL
/// IOB2 holds it, written as CoNLL and as span JSON, with the core's figures for the
/// pairs (named, all), (named, relabelled) and (all, relabelled).
fn agreement_layers(data: &std::path::Path, out: &std::path::Path) {
    fs::create_dir_all(out).unwrap();
    let named = conll_layer(&data.join("gum-news/gum_news_named.jsonl"), &out.join("named.iob2.conll"));
    let all = conll_layer(&data.join("gum-news/gum_news_all_mentions.jsonl"), &out.join("all.iob2.conll"));
    let other = relabelled(&all);
    let export = other.export_as(Format::Conll, None, &ExportOptions { scheme: TagScheme::Iob2 }).unwrap();
    assert_eq!(export.annotations_left_out(), 0, "a flat layer fits CoNLL whole");
    fs::write(out.join("relabelled.iob2.conll"), &export.file.bytes).unwrap();
    let study = Study::from_workspaces(&[("named", &named), ("all", &all), ("relabelled", &other)]);
    assert_eq!(study.documents.len(), named.documents().len(), "the layers hold the same texts");
    for (i, name) in study.annotators.iter().enumerate() {
        fs::write(out.join(format!("{name}.spans.json")), serde_json::to_string_pretty(&spans_json(&study, &study.layers[i])).unwrap()).unwrap();
    }
    let pairs: Vec<serde_json::Value> = [(0, 1), (0, 2), (1, 2)].into_iter().map(|(a, b)| core_figures(&study, a, b)).collect();
    for p in &pairs {
        eprintln!("agreement {} vs {}: exact F1 {}, overlap F1 {}, boundary F1 {}, kappa {}", p["a"], p["b"], p["modes"]["exact"]["micro"]["f1"], p["modes"]["overlap"]["micro"]["f1"], p["modes"]["boundary"]["micro"]["f1"], p["kappa"]["kappa"]);
    }
    let figures = serde_json::json!({"documents": study.documents.len(), "layers": study.annotators, "pairs": pairs});
    fs::write(out.join("core.json"), serde_json::to_string_pretty(&figures).unwrap()).unwrap();
}
