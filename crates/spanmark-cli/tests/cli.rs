//! The command line end to end: every conversion pair over the GUM news corpus and a
//! hostile-Unicode document with their loss reports, validate's findings and exit
//! codes, agree's figures against the core's agreement functions, merge, stats, and
//! stdin/stdout.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use spanmark_core::agreement::{alpha_u, cohen_kappa, compare, Mode, Study};
use spanmark_core::{ImportOptions, InputFile, LabelSchema, Workspace};

fn gum(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/gum-news").join(name)
}

fn spanmark() -> Command {
    Command::cargo_bin("spanmark").unwrap()
}

/// Reads files into a workspace of no labels with the core, as the command line does.
fn load(files: &[&Path]) -> Workspace {
    let mut ws = Workspace::new(LabelSchema::empty());
    let inputs: Vec<InputFile> = files.iter().map(|p| InputFile::new(p.display().to_string(), std::fs::read(p).unwrap())).collect();
    let staged = ws.stage_import(&inputs, &ImportOptions::default()).unwrap();
    ws.apply_import(staged).unwrap();
    ws
}

/// Every span of a workspace as (document number, start byte, end byte, label), the
/// documents numbered by their text in `texts`.
fn spans(ws: &Workspace, texts: &HashMap<String, usize>) -> BTreeSet<(usize, usize, usize, String)> {
    let mut out = BTreeSet::new();
    for d in ws.documents() {
        let n = *texts.get(d.text()).unwrap_or_else(|| panic!("document {} has a text the corpus does not have", d.name()));
        out.extend(d.annotations().iter().map(|a| (n, a.start_byte, a.end_byte, a.label.clone())));
    }
    out
}

const FORMATS: [&str; 6] = ["canonical", "jsonl", "brat", "conll", "w3c", "label-studio"];

/// The texts of a workspace's documents as .txt files, for the formats that do not
/// carry them: `NNN-name.txt` in document order for CoNLL, `name.txt` for W3C.
fn write_texts(ws: &Workspace, dir: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let (mut conll, mut w3c) = (Vec::new(), Vec::new());
    for sub in ["conll-texts", "w3c-texts"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    for (i, d) in ws.documents().iter().enumerate() {
        let stem = d.name().rsplit_once('.').map_or(d.name(), |(s, _)| s);
        let c = dir.join("conll-texts").join(format!("{i:03}-{stem}.txt"));
        let w = dir.join("w3c-texts").join(format!("{stem}.txt"));
        std::fs::write(&c, d.text()).unwrap();
        std::fs::write(&w, d.text()).unwrap();
        conll.push(c);
        w3c.push(w);
    }
    (conll, w3c)
}

/// The arguments that read a file of `format`: with its texts where the format needs them.
fn with_texts(file: &Path, format: &str, texts: &(Vec<PathBuf>, Vec<PathBuf>)) -> Vec<PathBuf> {
    let mut args = vec![file.to_path_buf()];
    match format {
        "conll" => args.extend(texts.0.iter().cloned()),
        "w3c" => args.extend(texts.1.iter().cloned()),
        _ => {}
    }
    args
}

/// Converts `from` (a corpus first written in every format) to every format, and each
/// result back to canonical JSON: the spans are the corpus's, less what CoNLL cannot
/// hold when CoNLL is on the way, with brat's split of a span across a line break into
/// fragments when brat is, and the loss report says what was left out or changed.
fn every_pair(dir: &Path, source: &Path, want_losses_in_conll: &str) {
    let original = load(&[source]);
    let texts_by_content: HashMap<String, usize> = original.documents().iter().enumerate().map(|(i, d)| (d.text().to_owned(), i)).collect();
    let all = spans(&original, &texts_by_content);
    let texts = write_texts(&original, &dir.join("texts"));
    // The corpus in every format, each written from the source.
    let mut files = HashMap::new();
    for f in FORMATS {
        let out = dir.join(format!("corpus.{f}"));
        let assert = spanmark().arg("convert").arg(source).args(["-t", f, "-o"]).arg(&out).assert();
        if f == "conll" {
            assert.code(1).stderr(predicate::str::contains(want_losses_in_conll));
        } else {
            assert.code(0).stderr(predicate::str::contains("0 left out"));
        }
        files.insert(f, out);
    }
    // What CoNLL and brat hold: the spans of their files read back with their texts.
    let held = |f: &str| spans(&load(&with_texts(&files[f], f, &texts).iter().map(PathBuf::as_path).collect::<Vec<_>>()), &texts_by_content);
    let (conll_held, brat_held) = (held("conll"), held("brat"));
    assert!(conll_held.len() < all.len() && conll_held.is_subset(&all));
    // brat has no span across a line break: such a span comes back as its fragments,
    // which CoNLL may then hold (written here by the core itself).
    let brat_splits = brat_held != all;
    let brat_as_conll = dir.join("brat-by-core.conll");
    let from_brat = load(&[&files["brat"]]);
    std::fs::write(&brat_as_conll, from_brat.export_as(spanmark_core::Format::Conll, None, &spanmark_core::ExportOptions::default()).unwrap().file.bytes).unwrap();
    let brat_conll_held = spans(&load(&with_texts(&brat_as_conll, "conll", &texts).iter().map(PathBuf::as_path).collect::<Vec<_>>()), &texts_by_content);
    for from in FORMATS {
        let read_from = with_texts(&files[from], from, &texts);
        // W3C files name their documents: the texts for them are named as `from` names them.
        let names_in_from = write_texts(&load(&read_from.iter().map(PathBuf::as_path).collect::<Vec<_>>()), &dir.join(format!("texts-{from}")));
        for to in FORMATS {
            let out = dir.join(format!("{from}-to.{to}"));
            let assert = spanmark().arg("convert").args(&read_from).args(["-t", to, "-o"]).arg(&out).assert();
            let loses = to == "conll" && from != "conll";
            let output = if loses {
                assert.code(1).stderr(predicate::str::contains("conll-overlap").or(predicate::str::contains("conll-subtoken")))
            } else if from == "brat" && brat_splits {
                assert.code(1).stderr(predicate::str::contains("discontinuous"))
            } else {
                assert.code(0)
            };
            let stderr = String::from_utf8_lossy(&output.get_output().stderr).into_owned();
            assert!(stderr.contains("document(s)") && stderr.contains("left out"), "{from} → {to}: the summary is on stderr: {stderr}");
            // Back to canonical, then compared span by span.
            let back = dir.join(format!("{from}-to-{to}.canonical"));
            let assert = spanmark().arg("convert").args(with_texts(&out, to, &names_in_from)).args(["-t", "canonical", "-o"]).arg(&back).assert();
            if to == "brat" && brat_splits && from != "conll" && from != "brat" {
                assert.code(1).stderr(predicate::str::contains("discontinuous"));
            } else {
                assert.code(0);
            }
            let got = spans(&load(&[&back]), &texts_by_content);
            let want = if from == "brat" && to == "conll" {
                &brat_conll_held
            } else if from == "conll" || to == "conll" {
                &conll_held
            } else if from == "brat" || to == "brat" {
                &brat_held
            } else {
                &all
            };
            assert_eq!(got.len(), want.len(), "{from} → {to}");
            assert!(&got == want, "{from} → {to}: the spans differ");
        }
    }
}

#[test]
fn every_conversion_pair_over_gum_keeps_every_span_the_target_can_hold() {
    let dir = tempfile::tempdir().unwrap();
    every_pair(dir.path(), &gum("gum_news_all_mentions.jsonl"), "conll-overlap ×2168");
}

/// Hostile Unicode: a ZWJ family, a flag pair, skin tones, Hangul, Cyrillic, a combining
/// mark, CRLF; spans that nest, overlap, cut a word and cross a line break.
const HOSTILE: &str = "👨\u{200d}👩\u{200d}👧 Family note 🇰🇵🇷🇺: 김정은 met Путин in Владивосток.\r\nJose\u{301} said “Kim Jong-un” — twice 👍🏽.\r\nThe Korean Central News Agency reported it.\n";

/// The spans of [`HOSTILE`], each at the first occurrence of its quote: they nest
/// ("Korean" in the agency's name), cut a word ("Jo" of "José"), cover a ZWJ sequence
/// and one flag of two, and cross a line break.
const HOSTILE_SPANS: &[(&str, &str)] = &[
    ("👨\u{200d}👩\u{200d}👧", "PERSON"),
    ("🇰🇵", "GPE"),
    ("김정은", "PERSON"),
    ("Путин", "PERSON"),
    ("Владивосток", "GPE"),
    ("Jose\u{301}", "PERSON"),
    ("Jo", "PERSON"),
    ("Kim Jong-un", "PERSON"),
    ("twice 👍🏽.\r\nThe", "EVENT"),
    ("Korean Central News Agency", "ORG"),
    ("Korean", "GPE"),
];

fn hostile_jsonl() -> String {
    let cp = |b: usize| HOSTILE[..b].chars().count();
    let label: Vec<serde_json::Value> = HOSTILE_SPANS
        .iter()
        .map(|&(quote, l)| {
            let at = HOSTILE.find(quote).unwrap();
            serde_json::json!([cp(at), cp(at + quote.len()), l])
        })
        .collect();
    format!("{}\n", serde_json::json!({"id": "unicode-stress", "text": HOSTILE, "label": label}))
}

#[test]
fn the_hostile_unicode_document_converts_every_way_with_its_loss_report() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("unicode.jsonl");
    std::fs::write(&source, hostile_jsonl()).unwrap();
    // CoNLL cannot hold the spans inside a token ("Jo" of "Jong-un"), the nested ones, or
    // the one across a line break: its loss report names each kind.
    spanmark()
        .arg("convert")
        .arg(&source)
        .args(["-t", "conll", "-v"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("conll-subtoken").and(predicate::str::contains("conll-overlap")).and(predicate::str::contains("conll-crosses-sentence")))
        .stdout(predicate::str::contains("김정은 B-PERSON").and(predicate::str::contains("Путин B-PERSON")));
    every_pair(dir.path(), &source, "conll-subtoken");
}

#[test]
fn dash_reads_stdin_and_writes_stdout() {
    let out = spanmark().args(["convert", "-", "-t", "jsonl"]).write_stdin(hostile_jsonl()).assert().code(0).get_output().stdout.clone();
    let line: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(line["text"], HOSTILE);
    assert_eq!(line["label"].as_array().unwrap().len(), 11);
}

#[test]
fn help_states_the_exit_codes() {
    for sub in [&["--help"][..], &["convert", "--help"], &["agree", "--help"]] {
        spanmark().args(sub).assert().code(0).stdout(predicate::str::contains("Exit codes:").and(predicate::str::contains("4  I/O error")));
    }
}

#[test]
fn usage_errors_exit_2_bad_input_3_and_io_errors_4() {
    spanmark().arg("convert").assert().code(2);
    spanmark().args(["convert", "x.jsonl", "-t", "docx"]).assert().code(2);
    spanmark().args(["agree", "only-one.jsonl"]).assert().code(2);
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, r#"{"what": "not annotations"}"#).unwrap();
    spanmark().arg("convert").arg(&junk).args(["-t", "jsonl"]).assert().code(3).stderr(predicate::str::contains("could not be recognised"));
    spanmark().arg("validate").arg(&junk).assert().code(3);
    spanmark().args(["convert", "/no/such/file.jsonl", "-t", "jsonl"]).assert().code(4);
    spanmark().arg("convert").arg(gum("gum_news_named.jsonl")).args(["-t", "jsonl", "-o", "/no/such/dir/out.jsonl"]).assert().code(4);
}

/// A Label Studio task whose one span is given by `start`, `end` (as the file counts
/// them) and the quote `text`.
fn label_studio(text: &str, start: usize, end: usize, quote: &str) -> String {
    serde_json::json!([{"data": {"text": text}, "annotations": [{"result": [{"id": "r1", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": start, "end": end, "text": quote, "labels": ["PERSON"]}}]}]}]).to_string()
}

#[test]
fn validate_passes_a_clean_file() {
    spanmark().arg("validate").arg(gum("gum_news_named.jsonl")).assert().code(0);
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("ok.json");
    std::fs::write(&f, label_studio("👍🏽 Kim met Putin.", 3, 6, "Kim")).unwrap();
    spanmark().arg("validate").arg(&f).assert().code(0).stderr(predicate::str::is_empty());
}

#[test]
fn validate_catches_utf16_offsets() {
    let dir = tempfile::tempdir().unwrap();
    // "👍🏽" is two code points and four UTF-16 code units: "Kim" is at [5, 8) in UTF-16.
    let quoted = dir.path().join("utf16.json");
    std::fs::write(&quoted, label_studio("👍🏽 Kim met Putin.", 5, 8, "Kim")).unwrap();
    spanmark().arg("validate").arg(&quoted).assert().code(1).stderr(predicate::str::contains("warning offset-unit").and(predicate::str::contains("UTF-16")));
    // Without quotes: spans that line up with words only when counted in UTF-16.
    let text = "👍🏽 Kim met Putin and 😀 Lee in Seoul.";
    let u16 = |s: &str| text[..text.find(s).unwrap()].encode_utf16().count();
    let spans: Vec<serde_json::Value> = ["Kim", "Putin", "Lee", "Seoul"].iter().map(|w| serde_json::json!([u16(w), u16(w) + w.len(), "X"])).collect();
    let bare = dir.path().join("utf16.jsonl");
    std::fs::write(&bare, format!("{}\n", serde_json::json!({"text": text, "label": spans}))).unwrap();
    spanmark().arg("validate").arg(&bare).assert().code(1).stderr(predicate::str::contains("offset-unit"));
    // Read as UTF-16, the same file is clean.
    spanmark().arg("validate").arg(&bare).args(["--unit", "utf16"]).assert().code(0);
}

#[test]
fn validate_catches_a_wrong_quote() {
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("nowhere.json");
    std::fs::write(&nowhere, label_studio("Kim met Putin.", 0, 3, "Obama")).unwrap();
    spanmark().arg("validate").arg(&nowhere).assert().code(1).stderr(predicate::str::contains("error quote-mismatch"));
    // The quote is in the text, elsewhere: the span would be moved there.
    let elsewhere = dir.path().join("elsewhere.json");
    std::fs::write(&elsewhere, label_studio("Kim met Putin.", 0, 3, "Putin")).unwrap();
    spanmark().arg("validate").arg(&elsewhere).assert().code(1).stderr(predicate::str::contains("warning quote-relocated"));
}

#[test]
fn validate_catches_an_offset_inside_a_character() {
    let dir = tempfile::tempdir().unwrap();
    // In UTF-16, offset 1 falls between the two halves of "😀".
    let f = dir.path().join("split.jsonl");
    std::fs::write(&f, "{\"text\": \"😀 Kim\", \"label\": [[1, 6, \"PERSON\"]]}\n").unwrap();
    spanmark().arg("validate").arg(&f).args(["--unit", "utf16"]).assert().code(1).stderr(predicate::str::contains("error offset-inside-character"));
    // And past the end of the text.
    let g = dir.path().join("past.jsonl");
    std::fs::write(&g, "{\"text\": \"Kim\", \"label\": [[0, 9, \"PERSON\"]]}\n").unwrap();
    spanmark().arg("validate").arg(&g).assert().code(1).stderr(predicate::str::contains("error offset-out-of-range"));
}

#[test]
fn validate_checks_labels_against_a_list_and_reports_json() {
    let named = gum("gum_news_named.jsonl");
    spanmark().arg("validate").arg(&named).args(["--labels", "ABSTRACT,ANIMAL,DATE,EVENT,LOC,OBJECT,ORG,PERSON,SUBSTANCE"]).assert().code(0);
    let out = spanmark().arg("validate").arg(&named).args(["--labels", "PERSON,ORG", "--json", "-q"]).assert().code(1).get_output().stdout.clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let codes: BTreeSet<&str> = report[0]["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(codes, BTreeSet::from(["unknown-label"]));
    assert_eq!(report[0]["ok"], false);
}

/// The core's figures for the two GUM layers, by the same matching of documents.
fn core_study() -> Study {
    let named = load(&[&gum("gum_news_named.jsonl")]);
    let all = load(&[&gum("gum_news_all_mentions.jsonl")]);
    Study::from_workspaces(&[("named", &named), ("all", &all)])
}

#[test]
fn agree_on_two_gum_layers_prints_the_cores_figures() {
    let study = core_study();
    assert_eq!(study.documents.len(), 24);
    let (a, b) = (&study.layers[0], &study.layers[1]);
    for mode in Mode::ALL {
        let out = spanmark().arg("agree").arg(gum("gum_news_named.jsonl")).arg(gum("gum_news_all_mentions.jsonl")).args(["--mode", mode.id(), "--format", "json"]).assert().code(0).get_output().stdout.clone();
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let pair = &json["pairs"][0];
        let want = compare(a, b, mode);
        assert_eq!(pair["micro"]["precision"].as_f64().unwrap(), want.micro.precision(), "{mode:?}");
        assert_eq!(pair["micro"]["recall"].as_f64().unwrap(), want.micro.recall());
        assert_eq!(pair["micro"]["f1"].as_f64().unwrap(), want.micro.f1());
        assert_eq!(pair["macro"]["f1"].as_f64().unwrap(), want.macro_f1());
        for (label, c) in &want.per_label {
            assert_eq!(pair["per_label"][label]["f1"].as_f64().unwrap(), c.f1(), "{mode:?} {label}");
            assert_eq!(pair["per_label"][label]["matched_reference"].as_u64().unwrap() as usize, c.matched_reference);
        }
        let kappa = cohen_kappa(&study.texts(), a, b);
        assert_eq!(pair["kappa"]["kappa"].as_f64(), kappa.kappa);
        let alpha = alpha_u(&study.texts(), &study.layer_slices());
        assert_eq!(json["alpha_u"]["alpha"].as_f64(), alpha.alpha);
    }
    // Every named entity is a mention: recall is 1 and nothing is missing in B.
    let exact = compare(a, b, Mode::Exact);
    assert_eq!((exact.micro.reference, exact.micro.candidate, exact.micro.matched_reference), (1576, 5018, 1576));
    spanmark()
        .arg("agree")
        .arg(gum("gum_news_named.jsonl"))
        .arg(gum("gum_news_all_mentions.jsonl"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains(format!("(micro)    1576  5018     1576     {:.4}  1.0000  {:.4}", exact.micro.precision(), exact.micro.f1())).and(predicate::str::contains("missing-in-b 0")));
}

#[test]
fn agree_writes_csv_lists_disagreements_and_fails_under_a_threshold() {
    let (named, all) = (gum("gum_news_named.jsonl"), gum("gum_news_all_mentions.jsonl"));
    let out = spanmark().arg("agree").args([&named, &all, &named]).args(["--format", "csv"]).assert().code(0).get_output().stdout.clone();
    let csv = String::from_utf8(out).unwrap();
    assert!(csv.starts_with("a,b,mode,label,precision,recall,f1,"));
    // Three annotators: three pairs, the third of them the named layer against itself.
    assert_eq!(csv.lines().filter(|l| l.contains(",(micro),")).count(), 3);
    assert!(csv.lines().any(|l| l.starts_with("gum_news_all_mentions.jsonl,gum_news_named.jsonl#2,exact,(micro),")));
    spanmark().arg("agree").args([&named, &named]).args(["--disagreements"]).assert().code(0).stdout(predicate::str::contains("micro").and(predicate::str::contains("missing-in-a 0")));
    spanmark().arg("agree").args([&named, &all]).args(["--fail-under", "0.9"]).assert().code(1);
    spanmark().arg("agree").args([&named, &all]).args(["--format", "json", "--disagreements"]).assert().code(0).stdout(predicate::str::contains("\"kind\": \"missing-in-a\""));
}

#[test]
fn merge_keeps_the_union_the_intersection_or_the_majority() {
    let dir = tempfile::tempdir().unwrap();
    let (named, all) = (gum("gum_news_named.jsonl"), gum("gum_news_all_mentions.jsonl"));
    let texts: HashMap<String, usize> = load(&[&all]).documents().iter().enumerate().map(|(i, d)| (d.text().to_owned(), i)).collect();
    for (strategy, layers, want) in [("union", vec![&named, &all], 5018), ("intersection", vec![&named, &all], 1576), ("majority", vec![&named, &all, &named], 1576), ("majority", vec![&all, &all, &named], 5018)] {
        let out = dir.path().join(format!("{strategy}.json"));
        spanmark().arg("merge").args(&layers).args(["--strategy", strategy, "-o"]).arg(&out).assert().code(0);
        assert_eq!(spans(&load(&[&out]), &texts).len(), want, "{strategy}");
    }
}

#[test]
fn stats_counts_per_label_and_per_document() {
    let out = spanmark().arg("stats").arg(gum("gum_news_named.jsonl")).args(["--format", "json"]).assert().code(0).get_output().stdout.clone();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["documents"], 24);
    assert_eq!(json["annotations"], 1576);
    let per_label: u64 = json["labels"].as_array().unwrap().iter().map(|l| l["annotations"].as_u64().unwrap()).sum();
    assert_eq!(per_label, 1576);
    assert_eq!(json["per_document"].as_array().unwrap().len(), 24);
    spanmark().arg("stats").arg(gum("gum_news_named.jsonl")).args(["--format", "csv"]).assert().code(0).stdout(predicate::str::starts_with("scope,document,label,annotations,documents,characters\nlabel,,ABSTRACT,95,15,"));
    // A folder stands for its files, read a few at a time.
    let dir = tempfile::tempdir().unwrap();
    for name in ["gum_news_named.jsonl", "gum_news_all_mentions.jsonl"] {
        std::fs::copy(gum(name), dir.path().join(name)).unwrap();
    }
    spanmark().arg("stats").arg(dir.path()).assert().code(0).stdout(predicate::str::starts_with("48 document(s), 6594 annotation(s)"));
}
