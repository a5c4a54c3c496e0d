//! Relations, notes and attributes through every interchange format: each round trip
//! gives back the relations the format carries, changed exactly as its loss report says;
//! brat's `*` lines and Label Studio's undirected relations come back as symmetric
//! types; brat's configuration and Label Studio's labeling config round-trip the schema.

mod common;

use std::collections::BTreeMap;

use proptest::prelude::*;

use spanmark_core::interchange::{parse_brat_conf, parse_labelstudio_config, write_brat_conf, write_labelstudio_config};
use spanmark_core::{AttributeKind, Export, ExportOptions, Format, ImportOptions, InputFile, Item, LabelSchema, Severity, TagScheme, Workspace};

/// A demo-like text: a ZWJ family, a flag, CRLF line ends.
const TEXT: &str = "👨\u{200d}👩\u{200d}👧 Kim Jong-un met Vladimir Putin at the Vostochny Cosmodrome in Russia.\r\nNorth Korea 🇰🇵 supplies Russia with shells, the Kremlin said.\r\n";

/// A span by its quote (the `nth` occurrence), in code points, with its label.
type End = (usize, usize, String);
/// A relation by its type and its two ends.
type Link = (String, End, End);
/// What a relation carries besides its link.
type Extra = (Option<String>, BTreeMap<String, String>);

fn at(quote: &str, nth: usize) -> usize {
    TEXT.match_indices(quote).nth(nth).unwrap_or_else(|| panic!("{quote}")).0
}

/// The workspace every round trip starts from: spans, four relations of four types
/// (one symmetric), notes (one over two lines) and attributes (values with spaces).
fn rich() -> (Workspace, String) {
    let mut ws = Workspace::default();
    let doc = ws.add_document("summit.txt", TEXT).unwrap();
    let mut add = |quote: &str, nth: usize, label: &str| {
        let s = at(quote, nth);
        ws.add_annotation(&doc, s..s + quote.len(), label).unwrap();
    };
    add("Kim Jong-un", 0, "PERSON");
    add("Vladimir Putin", 0, "PERSON");
    add("Vostochny Cosmodrome", 0, "FAC");
    add("Russia", 0, "GPE");
    add("North Korea", 0, "GPE");
    add("Russia", 1, "GPE");
    add("Kremlin", 0, "ORG");
    let id_of = |ws: &Workspace, quote: &str, nth: usize| {
        let d = &ws.documents()[0];
        let s = at(quote, nth);
        d.annotations().iter().find(|a| a.start_byte == s && a.end_byte == s + quote.len()).unwrap().id.clone()
    };
    let (kim, putin, cosmo, russia, nk, russia2, kremlin) = (
        id_of(&ws, "Kim Jong-un", 0),
        id_of(&ws, "Vladimir Putin", 0),
        id_of(&ws, "Vostochny Cosmodrome", 0),
        id_of(&ws, "Russia", 0),
        id_of(&ws, "North Korea", 0),
        id_of(&ws, "Russia", 1),
        id_of(&ws, "Kremlin", 0),
    );
    let mut link = |from: &str, to: &str, kind: &str| match ws.add_relation(&doc, from, to, kind).unwrap() {
        spanmark_core::RelationAdded::New(r) => r.id,
        other => panic!("{other:?}"),
    };
    let meets = link(&kim, &putin, "MEETS");
    link(&cosmo, &russia, "LOCATED_IN");
    let supplies = link(&nk, &russia2, "SUPPLIES");
    link(&putin, &kremlin, "MEMBER_OF");
    ws.set_note(&doc, Item::Relation(meets.clone()), Some("their first summit since 2019\nin the far east")).unwrap();
    ws.set_attribute(&doc, Item::Relation(meets), "negated", Some("true")).unwrap();
    ws.set_note(&doc, Item::Relation(supplies.clone()), Some("per the Kremlin")).unwrap();
    ws.set_attribute(&doc, Item::Relation(supplies), "weapon", Some("artillery shells")).unwrap();
    ws.set_attribute(&doc, Item::Annotation(kim.clone()), "role", Some("head of state")).unwrap();
    ws.set_note(&doc, Item::Annotation(kim), Some("Leader of the DPRK")).unwrap();
    (ws, doc)
}

/// Every relation of the first document, by id, as a link and its extra.
fn relations(ws: &Workspace) -> BTreeMap<String, (Link, Extra)> {
    let d = &ws.documents()[0];
    let end = |id: &str| {
        let a = d.annotations().get(id).unwrap();
        let o = d.offsets();
        (o.try_byte_to_cp(a.start_byte).unwrap(), o.try_byte_to_cp(a.end_byte).unwrap(), a.label.clone())
    };
    d.relations()
        .iter()
        .map(|r| (r.id.clone(), ((r.kind.clone(), end(&r.from), end(&r.to)), (r.extra().note.clone(), r.extra().attributes.clone()))))
        .collect()
}

fn round_trip(ws: &Workspace, format: Format, back: Workspace) -> (Workspace, Export, spanmark_core::ImportReport) {
    common::round_trip_into(ws, format, ExportOptions { scheme: TagScheme::Iob2 }, back)
}

/// What a relation should be after a format's round trip, given that format's loss
/// report: `None` when the report says the relation is not in the file.
fn expected_after(export: &Export, id: &str, (link, (note, attributes)): &(Link, Extra)) -> Option<(Link, Extra)> {
    let about: Vec<_> = export.losses.iter().filter(|l| l.annotation.as_deref() == Some(id)).collect();
    if about.iter().any(|l| matches!(l.code, "relation-not-carried" | "relation-end-left-out")) {
        return None;
    }
    let mut note = note.clone();
    let mut attributes = attributes.clone();
    for l in &about {
        match l.code {
            "not-carried" if l.message.contains("its note") => note = None,
            "not-carried" if l.message.contains("attribute(s)") => attributes.clear(),
            "not-carried" => panic!("unexpected loss {l:?}"),
            "brat-changed" if l.message.contains("note's line breaks") => note = note.map(|n| n.replace(['\n', '\r', '\t'], " ")),
            "brat-changed" if l.message.contains("attribute") => {
                attributes = attributes.into_iter().map(|(k, v)| (k.replace(' ', "_"), v.replace(' ', "_"))).collect();
            }
            _ => panic!("unexpected loss {l:?}"),
        }
        if l.code == "not-carried" && l.message.contains("its note") && l.message.contains("attribute(s)") {
            attributes.clear();
        }
    }
    Some((link.clone(), (note, attributes)))
}

/// Checks a round trip: the relations back are exactly the ones expected from the loss report.
fn check(format: Format, ws: &Workspace, back: &Workspace, export: &Export) -> usize {
    let before = relations(ws);
    let mut want: Vec<(Link, Extra)> = before.iter().filter_map(|(id, r)| expected_after(export, id, r)).collect();
    let mut got: Vec<(Link, Extra)> = relations(back).into_values().collect();
    want.sort();
    got.sort();
    assert_eq!(got, want, "{format:?}: {:#?}", export.losses);
    assert_eq!(export.relations_written, want.len(), "{format:?}");
    got.len()
}

#[test]
fn every_format_gives_back_the_relations_it_carries_or_lists_them_as_lost() {
    let (ws, _) = rich();
    let mut carried = BTreeMap::new();
    for format in Format::ALL {
        let (back, export, report) = round_trip(&ws, format, Workspace::default());
        let n = check(format, &ws, &back, &export);
        assert_eq!(report.relations_added, n, "{format:?}");
        carried.insert(format.id(), n);
    }
    // Every format but CoNLL carries every link; CoNLL lists each one.
    let want: BTreeMap<&str, usize> = [("brat", 4), ("canonical", 4), ("conll", 0), ("jsonl", 4), ("label-studio", 4), ("w3c", 4)].into();
    assert_eq!(carried, want);
}

#[test]
fn what_each_format_drops_of_a_relation_is_in_its_loss_report() {
    let (ws, _) = rich();
    let codes = |format| {
        let export = ws.export_as(format, None, &ExportOptions::default()).unwrap();
        let mut c: Vec<(&'static str, bool)> = export.losses.iter().filter(|l| l.annotation.as_deref().is_some_and(|a| a.starts_with('r'))).map(|l| (l.code, l.message.contains("note"))).collect();
        c.sort();
        c
    };
    assert_eq!(codes(Format::Canonical), []);
    // brat carries notes and attributes; it writes the two-line note on one line and the
    // value with a space with an underscore.
    assert_eq!(codes(Format::Brat), [("brat-changed", false), ("brat-changed", true)]);
    // doccano's relations have no notes or attributes.
    assert_eq!(codes(Format::Jsonl), [("not-carried", true), ("not-carried", true)]);
    assert_eq!(codes(Format::LabelStudio), [("not-carried", true), ("not-carried", true)]);
    // W3C carries the note as a commenting body, not the attributes.
    assert_eq!(codes(Format::W3c), [("not-carried", false), ("not-carried", false)]);
    let conll = codes(Format::Conll);
    assert_eq!(conll.len(), 4);
    assert!(conll.iter().all(|(c, _)| *c == "relation-not-carried"));
    let export = ws.export_as(Format::Conll, None, &ExportOptions::default()).unwrap();
    let meets = export.losses.iter().find(|l| l.message.contains("MEETS")).unwrap();
    assert!(meets.message.contains("MEETS “Kim Jong-un” → “Vladimir Putin”, with its note and 1 attribute(s), is not in the file"), "{}", meets.message);
    assert!(export.needs_review());
}

#[test]
fn a_fresh_workspace_learns_symmetric_types_from_brat_conf_and_label_studio_directions() {
    let (ws, _) = rich();
    // brat: annotation.conf declares MEETS symmetric, and its argument labels.
    let (back, _, _) = round_trip(&ws, Format::Brat, Workspace::new(LabelSchema::empty()));
    let meets = back.schema().relation_type("MEETS").unwrap();
    assert!(!meets.directed);
    assert_eq!(meets.from_labels, ["PERSON"]);
    assert_eq!(back.schema().relation_type("LOCATED_IN").map(|t| t.directed), Some(true));
    assert_eq!(back.schema().get("PERSON").map(|l| l.color.as_str()), ws.schema().get("PERSON").map(|l| l.color.as_str()), "visual.conf carries colours");
    assert_eq!(back.schema().relation_type("MEETS").map(|t| t.color.as_str()), Some("#2b5d8a"));
    // Label Studio: MEETS is written with direction "bi".
    let (back, _, _) = round_trip(&ws, Format::LabelStudio, Workspace::new(LabelSchema::empty()));
    assert!(!back.schema().relation_type("MEETS").unwrap().directed);
    assert!(back.schema().relation_type("SUPPLIES").unwrap().directed);
    // JSONL and W3C say nothing of direction: a new type is directed.
    let (back, _, _) = round_trip(&ws, Format::Jsonl, Workspace::new(LabelSchema::empty()));
    assert!(back.schema().relation_type("MEETS").unwrap().directed);
}

#[test]
fn brat_reads_equivalences_as_symmetric_chains_and_notes_and_attributes_on_relations() {
    let txt = "Kim Jong-un, Kim and the DPRK leader met Putin.\r\n";
    let ann = "T1\tPERSON 0 11\tKim Jong-un\nT2\tPERSON 13 16\tKim\nT3\tPERSON 25 36\tDPRK leader\nT4\tPERSON 41 46\tPutin\n*\tEquiv T1 T2 T3\nR1\tMEETS Arg2:T4 Arg1:T3\t\n#1\tAnnotatorNotes R1\tin Vostochny\nA1\tnegated R1\nA2\tuncertain R1\nN1\tReference R1 Wikidata:Q1\tnothing\n";
    let mut ws = Workspace::new(LabelSchema::empty());
    let files = [InputFile::new("meet.txt", txt), InputFile::new("meet.ann", ann)];
    let staged = ws.stage_import(&files, &ImportOptions::default()).unwrap();
    let codes: Vec<&str> = staged.report.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["not-imported", "label-added", "relation-type-added"], "{:#?}", staged.report.diagnostics);
    assert_eq!(staged.report.relations_added, 3);
    ws.apply_import(staged).unwrap();
    assert!(!ws.schema().relation_type("Equiv").unwrap().directed);
    let d = &ws.documents()[0];
    let q = |id: &str| d.annotations().get(id).unwrap().quote(d.text()).to_owned();
    let mut got: Vec<(String, String, String, Option<String>, usize)> = d.relations().iter().map(|r| (r.kind.clone(), q(&r.from), q(&r.to), r.extra().note.clone(), r.extra().attributes.len())).collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("Equiv".into(), "Kim".into(), "DPRK leader".into(), None, 0),
            ("Equiv".into(), "Kim Jong-un".into(), "Kim".into(), None, 0),
            // Arg1 is the source whatever the order of the arguments.
            ("MEETS".into(), "DPRK leader".into(), "Putin".into(), Some("in Vostochny".into()), 2),
        ]
    );
}

#[test]
fn doccano_relation_jsonl_is_written_with_integer_ids_and_read_back() {
    let (ws, _) = rich();
    let export = ws.export_as(Format::Jsonl, None, &ExportOptions::default()).unwrap();
    let line: serde_json::Value = serde_json::from_slice(&export.file.bytes).unwrap();
    let entities = line["entities"].as_array().unwrap();
    assert_eq!(entities.len(), 7);
    assert!(line.get("label").is_none(), "one shape a record");
    let ids: Vec<u64> = entities.iter().map(|e| e["id"].as_u64().unwrap()).collect();
    for r in line["relations"].as_array().unwrap() {
        assert!(r["id"].is_u64() && r["type"].is_string());
        assert!(ids.contains(&r["from_id"].as_u64().unwrap()) && ids.contains(&r["to_id"].as_u64().unwrap()));
    }
    let chars: Vec<char> = TEXT.chars().collect();
    let quotes: Vec<String> = entities.iter().map(|e| chars[e["start_offset"].as_u64().unwrap() as usize..e["end_offset"].as_u64().unwrap() as usize].iter().collect()).collect();
    assert!(quotes.contains(&"Vostochny Cosmodrome".to_owned()));
    // A document without relations keeps the plain shape.
    let mut plain = Workspace::default();
    let d = plain.add_document("a.txt", "Kim met Putin.").unwrap();
    plain.add_annotation(&d, 0..3, "PERSON").unwrap();
    let export = plain.export_as(Format::Jsonl, None, &ExportOptions::default()).unwrap();
    let line: serde_json::Value = serde_json::from_slice(&export.file.bytes).unwrap();
    assert_eq!(line["label"], serde_json::json!([[0, 3, "PERSON"]]));
    // Broken relations say which and why.
    let bad = r#"{"text": "Kim met Putin.", "entities": [{"id": 1, "label": "PERSON", "start_offset": 0, "end_offset": 3}], "relations": [{"id": 1, "from_id": 1, "to_id": 9, "type": "MEETS"}, {"id": 2, "from_id": 1}, 7]}"#;
    let staged = Workspace::default().stage_import(&[InputFile::new("a.jsonl", bad)], &ImportOptions::default()).unwrap();
    let codes: Vec<&str> = staged.report.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["bad-relation", "bad-relation", "relation-end-missing"]);
}

#[test]
fn w3c_linking_annotations_target_the_two_span_annotations() {
    let (ws, _) = rich();
    let export = ws.export_as(Format::W3c, None, &ExportOptions::default()).unwrap();
    let file: serde_json::Value = serde_json::from_slice(&export.file.bytes).unwrap();
    let items = file["first"]["items"].as_array().unwrap();
    assert_eq!(file["total"].as_u64(), Some(items.len() as u64));
    let ids: Vec<&str> = items.iter().filter(|i| i["motivation"] != "linking").map(|i| i["id"].as_str().unwrap()).collect();
    let links: Vec<&serde_json::Value> = items.iter().filter(|i| i["motivation"] == "linking").collect();
    assert_eq!(links.len(), 4);
    for l in &links {
        let targets = l["target"].as_array().unwrap();
        assert_eq!(targets.len(), 2);
        assert!(targets.iter().all(|t| ids.contains(&t.as_str().unwrap())));
        assert_eq!(l["body"][0]["purpose"], "tagging");
    }
    // A linking annotation that is not two IRIs, or has no type, is refused with a reason.
    let mut ws2 = Workspace::default();
    ws2.add_document("summit.txt", TEXT).unwrap();
    let mut bad = file.clone();
    let items = bad["first"]["items"].as_array_mut().unwrap();
    let n = items.len();
    items[n - 1]["target"] = serde_json::json!(["urn:x:a"]);
    items[n - 2]["body"] = serde_json::json!([]);
    let staged = ws2.stage_import(&[InputFile::new("a.jsonld", bad.to_string())], &ImportOptions::default()).unwrap();
    let bad: Vec<&str> = staged.report.diagnostics.iter().filter(|d| d.code == "bad-annotation").map(|d| d.message.as_str()).collect();
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert!(bad.iter().any(|m| m.contains("no tagging body")) && bad.iter().any(|m| m.contains("links 1 target(s)")));
    assert_eq!(staged.report.relations_added, 2);
}

#[test]
fn brat_conf_round_trips_the_schema_with_what_it_cannot_say_listed() {
    let schema = LabelSchema::default_news();
    let conf = write_brat_conf(&schema);
    assert!(conf.annotation_conf.contains("\nMEETS\tArg1:PERSON, Arg2:PERSON, <REL-TYPE>:symmetric\n"), "{}", conf.annotation_conf);
    assert!(conf.annotation_conf.contains("\nLOCATED_IN\tArg1:PERSON|FAC|EVENT|ORG, Arg2:GPE|LOC|FAC\n"));
    assert!(conf.annotation_conf.contains("\nnegated\tArg:<ENTITY>|<RELATION>\n"));
    assert!(conf.annotation_conf.contains("\nrole\tArg:PERSON, Value:head_of_state|official|military|spokesperson|journalist|other\n"));
    assert!(conf.visual_conf.contains("\nPERSON\tbgColor:"));
    let codes: Vec<&str> = conf.losses.iter().map(|l| l.code).collect();
    assert_eq!(codes, ["brat-conf-text-attribute", "brat-conf-hotkeys", "brat-conf-changed", "brat-conf-descriptions"]);
    let draft = parse_brat_conf(&conf.annotation_conf, Some(&conf.visual_conf)).unwrap();
    assert!(draft.diagnostics.is_empty(), "{:?}", draft.diagnostics);
    // Labels: ids, names and colours; not hotkeys or descriptions.
    let strip = |s: &LabelSchema| s.labels().iter().map(|l| (l.id.clone(), l.name.clone(), l.color.clone())).collect::<Vec<_>>();
    assert_eq!(strip(&draft.to_schema()), strip(&schema));
    for (a, b) in draft.relation_types.iter().zip(schema.relation_types()) {
        assert_eq!((&a.id, &a.name, &a.color, a.directed, &a.from_labels, &a.to_labels), (&b.id, &b.name, &b.color, b.directed, &b.from_labels, &b.to_labels));
    }
    assert_eq!(draft.relation_types.len(), schema.relation_types().len());
    // Attributes: the free-text one is not declared; choice values lose their spaces.
    let ids: Vec<&str> = draft.attributes.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["uncertain", "negated", "role"]);
    assert_eq!(draft.attributes[0].applies_to, Vec::<String>::new());
    assert_eq!(draft.attributes[2].applies_to, ["PERSON"]);
    assert!(matches!(&draft.attributes[2].kind, AttributeKind::OneOf { values } if values[0] == "head_of_state"));
}

#[test]
fn brat_conf_from_brat_itself_reads_hierarchies_macros_events_and_equivalences() {
    let annotation = "[entities]\nPerson\nOrganization\n!Place\n\tGPE\n\tLocation\n[relations]\n<LOC>=GPE|Location\nLocated\tArg1:Person, Arg2:<LOC>\nLocated\tArg1:Organization, Arg2:GPE\nEquiv\tArg1:Person, Arg2:Person, <REL-TYPE>:symmetric-transitive\nOwns\tArg1:Person, Arg2:Vehicle\n<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n[events]\nMeet\tParticipant+:Person\n[attributes]\nNegation\tArg:<EVENT>\nConfidence\tArg:<ENTITY>, Value:High|Low\nCertain\tArg:<RELATION>\n";
    let visual = "[labels]\nPerson | Person | Per\nLocated | located in\n[drawing]\nPerson\tbgColor:#ffccaa\nGPE\tbgColor:#7FE2FF\nLocation\tbgColor:lightgreen\nLocated\tcolor:#abc\n";
    let draft = parse_brat_conf(annotation, Some(visual)).unwrap();
    let labels: Vec<(&str, &str)> = draft.labels.iter().map(|l| (l.id.as_str(), l.color.as_str())).collect();
    assert_eq!(labels[0], ("Person", "#ffccaa"));
    assert_eq!(labels[2], ("GPE", "#7fe2ff"));
    assert_eq!(labels.iter().map(|l| l.0).collect::<Vec<_>>(), ["Person", "Organization", "GPE", "Location"]);
    let located = &draft.relation_types[0];
    assert_eq!((located.name.as_str(), located.color.as_str()), ("located in", "#aabbcc"));
    assert_eq!((located.from_labels.clone(), located.to_labels.clone()), (vec!["Person".to_owned(), "Organization".to_owned()], vec!["GPE".to_owned(), "Location".to_owned()]));
    assert!(!draft.relation_types[1].directed);
    assert_eq!(draft.relation_types[2].to_labels, Vec::<String>::new(), "Vehicle is no entity type");
    let attributes: Vec<(&str, Vec<String>)> = draft.attributes.iter().map(|a| (a.id.as_str(), a.applies_to.clone())).collect();
    assert_eq!(attributes[0].0, "Confidence");
    assert_eq!(attributes[0].1.len(), 4);
    assert_eq!(attributes[1], ("Certain", vec!["Located".to_owned(), "Equiv".to_owned(), "Owns".to_owned()]));
    let codes: Vec<&str> = draft.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["brat-conf-color", "brat-conf-relation", "brat-conf-relation", "brat-conf-events", "brat-conf-attribute"]);
    assert!(parse_brat_conf("just text", None).is_err());
}

#[test]
fn label_studio_config_round_trips_labels_relations_and_attributes() {
    let schema = LabelSchema::default_news();
    let xml = write_labelstudio_config(&schema);
    assert!(xml.contains("<Relation value=\"MEETS\" background=\"#2b5d8a\"/>"), "{xml}");
    assert!(xml.contains("<Choices name=\"role\" toName=\"text\" perRegion=\"true\" choice=\"single\" whenLabelValue=\"PERSON\">"), "{xml}");
    let draft = parse_labelstudio_config(&xml).unwrap();
    assert!(draft.diagnostics.is_empty(), "{:?}", draft.diagnostics);
    let labels = |s: &[spanmark_core::Label]| s.iter().map(|l| (l.id.clone(), l.color.clone(), l.hotkey.clone())).collect::<Vec<_>>();
    assert_eq!(labels(&draft.labels), labels(schema.labels()));
    // Label Studio's relation types have no direction or argument labels of their own.
    let types: Vec<(&str, &str, bool)> = draft.relation_types.iter().map(|t| (t.id.as_str(), t.color.as_str(), t.directed)).collect();
    assert_eq!(types, schema.relation_types().iter().map(|t| (t.id.as_str(), t.color.as_str(), true)).collect::<Vec<_>>());
    // Attributes keep their kinds; the labels they apply to, where Label Studio can say so.
    for (a, b) in draft.attributes.iter().zip(schema.attributes()) {
        assert_eq!((&a.id, &a.kind), (&b.id, &b.kind));
        let labels_only = b.applies_to.iter().all(|t| schema.get(t).is_some());
        assert_eq!(a.applies_to, if labels_only { b.applies_to.clone() } else { Vec::new() }, "{}", a.id);
    }
    assert_eq!(draft.attributes.len(), 4);
    // A config of Label Studio's own, with two Labels controls and a document-level choice.
    let theirs = r##"<View>
  <Labels name="ner" toName="text"><Label value="PER" background="red" hotkey="p"/><Label value="ORG" background="#0a0"/></Labels>
  <Labels name="ner2" toName="text"><Label value="LOC"/></Labels>
  <Relations><Relation value="works_for"/><Relation value="works_for"/></Relations>
  <Choices name="sentiment" toName="text"><Choice value="pos"/></Choices>
  <TextArea name="comment" toName="text" perRegion="true" whenLabelValue="PER,NOPE"/>
  <Text name="text" value="$text"/>
</View>"##;
    let draft = parse_labelstudio_config(theirs).unwrap();
    assert_eq!(draft.labels.iter().map(|l| (l.id.as_str(), l.hotkey.as_deref())).collect::<Vec<_>>(), [("PER", Some("p")), ("ORG", None), ("LOC", None)]);
    assert_eq!(draft.labels[1].color, "#00aa00");
    assert_eq!(draft.relation_types.len(), 1);
    assert_eq!(draft.attributes[0].applies_to, ["PER"]);
    let codes: Vec<&str> = draft.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["ls-config-color", "ls-config-controls", "ls-config-not-per-region", "ls-config-attribute"]);
    assert!(parse_labelstudio_config("<View><Labels").is_err());
    assert!(parse_labelstudio_config("<Panel/>").is_err());
}

#[test]
fn relation_losses_are_warnings_and_never_count_as_annotations_left_out() {
    let (ws, _) = rich();
    for format in Format::ALL {
        let export = ws.export_as(format, None, &ExportOptions::default()).unwrap();
        let relation_losses = export.losses.iter().filter(|l| l.annotation.as_deref().is_some_and(|a| a.starts_with('r'))).count();
        assert!(export.losses.iter().filter(|l| l.annotation.as_deref().is_some_and(|a| a.starts_with('r'))).all(|l| l.severity == Severity::Warning), "{format:?}");
        assert_eq!(export.annotations_left_out(), 0, "{format:?}: {relation_losses}");
    }
}

#[test]
fn label_studio_carries_span_attributes_as_per_region_controls() {
    let (ws, _) = rich();
    let (back, export, _) = round_trip(&ws, Format::LabelStudio, Workspace::default());
    let kim = |w: &Workspace| {
        let d = &w.documents()[0];
        d.annotations().iter().find(|a| a.quote(d.text()) == "Kim Jong-un").unwrap().extra().clone()
    };
    assert_eq!(kim(&back).attributes, kim(&ws).attributes);
    assert_eq!(kim(&back).note, None);
    let lost: Vec<&str> = export.losses.iter().filter(|l| l.annotation.as_deref().is_some_and(|a| a.starts_with('a'))).map(|l| l.message.as_str()).collect();
    assert_eq!(lost, ["Label Studio JSON cannot carry its note"]);
    let tasks: serde_json::Value = serde_json::from_slice(&export.file.bytes).unwrap();
    let role = tasks[0]["annotations"][0]["result"].as_array().unwrap().iter().find(|r| r["from_name"] == "role").unwrap().clone();
    assert_eq!(role["type"], "choices");
    assert_eq!(role["value"]["choices"], serde_json::json!(["head of state"]));
    // Label Studio's own shapes: a per-region choice and text area on a region, and a
    // choice about the whole task, which Spanmark does not hold.
    let theirs = serde_json::json!([{"data": {"text": "Kim met Putin."}, "annotations": [{"result": [
        {"id": "k", "type": "labels", "from_name": "ner", "to_name": "text", "value": {"start": 0, "end": 3, "text": "Kim", "labels": ["PERSON"]}},
        {"id": "k", "type": "choices", "from_name": "role", "to_name": "text", "value": {"start": 0, "end": 3, "text": "Kim", "choices": ["official"]}},
        {"id": "k", "type": "textarea", "from_name": "comment", "to_name": "text", "value": {"start": 0, "end": 3, "text": ["who", "is he"]}},
        {"id": "t", "type": "choices", "from_name": "sentiment", "to_name": "text", "value": {"choices": ["neutral"]}},
        {"type": "choices", "from_name": "topic", "to_name": "text", "value": {"choices": ["politics"]}}
    ]}]}]);
    let mut ws = Workspace::default();
    let staged = ws.stage_import(&[InputFile::new("ls.json", theirs.to_string())], &ImportOptions::default()).unwrap();
    let not_imported: Vec<&str> = staged.report.diagnostics.iter().filter(|d| d.code == "not-imported").map(|d| d.message.as_str()).collect();
    assert_eq!(not_imported.len(), 1);
    assert!(not_imported[0].contains("2 of type \"choices\""), "{}", not_imported[0]);
    ws.apply_import(staged).unwrap();
    let d = &ws.documents()[0];
    let attributes = d.annotations().iter().next().unwrap().extra().attributes.clone();
    assert_eq!(attributes, [("comment".to_owned(), "who\nis he".to_owned()), ("role".to_owned(), "official".to_owned())].into());
}

#[test]
fn a_relation_to_a_span_left_out_is_left_out_with_a_reason() {
    // As the end-to-end test's broken brat file: T2 runs past the end of the text.
    let files = [InputFile::new("bad.ann", "T1\tPERSON 0 3\tKim\nT2\tPERSON 8 1300\tfar\nR1\tMet Arg1:T1 Arg2:T2\n"), InputFile::new("bad.txt", "Kim met Putin.")];
    let staged = Workspace::default().stage_import(&files, &ImportOptions::default()).unwrap();
    let got: Vec<(Severity, &str)> = staged.report.diagnostics.iter().map(|d| (d.severity, d.code)).collect();
    assert_eq!(got, [(Severity::Error, "quote-mismatch"), (Severity::Error, "relation-end-missing")]);
    assert!(staged.report.diagnostics[1].message.contains("the Met relation points at span \"T2\", which is not in the file or was left out"), "{}", staged.report.diagnostics[1].message);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The schema readers take any text without panicking: a brat configuration cut and
    /// spliced with noise, and XML of any shape.
    #[test]
    fn schema_readers_never_panic(cut in 0usize..2000, noise in "[\\[\\]<>!|:,=\t\n a-zA-Z#-]{0,80}", xml in "[<>/=\" a-zA-Z]{0,120}") {
        let conf = write_brat_conf(&LabelSchema::default_news());
        let mut text = conf.annotation_conf.clone();
        let mut at = cut.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        text.insert_str(at, &noise);
        let _ = parse_brat_conf(&text, Some(&noise));
        let _ = parse_brat_conf(&noise, Some(&text));
        let ls = write_labelstudio_config(&LabelSchema::default_news());
        let _ = parse_labelstudio_config(&xml);
        let _ = parse_labelstudio_config(&ls.replacen("<Relations>", &xml, 1));
    }
}
