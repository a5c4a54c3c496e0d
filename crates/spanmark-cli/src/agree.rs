//! `spanmark agree`: agreement between annotators, each given as one file or folder,
//! with documents matched by text: precision, recall and F1 per label (micro and
//! macro) for every pair, Cohen's kappa on IOB2 token tags, the disagreements, and
//! Krippendorff's α_u over all of them, all computed by the core's `agreement` module.

use std::path::PathBuf;

use clap::ValueEnum;
use rayon::prelude::*;
use spanmark_core::agreement::{alpha_u, cohen_kappa, compare, confusion, disagreements, AlphaU, Counts, Disagreement, DisagreementKind, Kappa, Mode, Scores, SpanRef, Study};
use spanmark_core::{LayerDocument, SameText};

use crate::input::{self, ReadArgs};
use crate::output::{self, figure, ReportArgs, Shape, Sink, Tally};
use crate::{Failure, Outcome};

/// A matching mode on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// Same start, end and label
    Exact,
    /// Same label and overlapping text, one-to-one, the largest overlaps first
    Overlap,
    /// Same start and end, label ignored
    Boundary,
}

impl ModeArg {
    fn mode(self) -> Mode {
        match self {
            ModeArg::Exact => Mode::Exact,
            ModeArg::Overlap => Mode::Overlap,
            ModeArg::Boundary => Mode::Boundary,
        }
    }
}

/// `spanmark agree A B [C...]`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// One file or folder per annotator (`-`: stdin, once); the first pair's A is the reference
    #[arg(required = true, num_args = 2..)]
    layers: Vec<PathBuf>,
    /// How spans must correspond to match
    #[arg(long, value_enum, default_value = "exact")]
    mode: ModeArg,
    /// How to print the figures
    #[arg(long, value_enum, default_value = "table")]
    format: Shape,
    /// List every disagreement (table and JSON)
    #[arg(long)]
    disagreements: bool,
    /// Exit with 1 when some pair's micro F1 is below this
    #[arg(long, value_name = "F1")]
    fail_under: Option<f64>,
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    report: ReportArgs,
}

/// One ordered pair's figures.
struct Pair {
    a: usize,
    b: usize,
    scores: Scores,
    kappa: Kappa,
    disagreements: Vec<Disagreement>,
    confusion: std::collections::BTreeMap<(String, String), usize>,
}

fn counts_json(c: &Counts) -> serde_json::Value {
    serde_json::json!({
        "precision": c.precision(), "recall": c.recall(), "f1": c.f1(),
        "reference": c.reference, "candidate": c.candidate,
        "matched_reference": c.matched_reference, "matched_candidate": c.matched_candidate,
    })
}

fn span_json(s: &Option<SpanRef>, study: &Study) -> serde_json::Value {
    let Some(s) = s else { return serde_json::Value::Null };
    let text = study.documents.iter().find(|d| d.key == s.doc).map_or("", |d| d.text.as_str());
    let cp = |b: usize| text.get(..b).map(|t| t.chars().count());
    serde_json::json!({"start": cp(s.start_byte), "end": cp(s.end_byte), "label": s.label, "text": text.get(s.start_byte..s.end_byte)})
}

fn kind_counts(d: &[Disagreement]) -> Vec<(&'static str, usize)> {
    [DisagreementKind::MissingInA, DisagreementKind::MissingInB, DisagreementKind::BoundaryDiffers, DisagreementKind::LabelDiffers].into_iter().map(|k| (k.id(), d.iter().filter(|x| x.kind == k).count())).collect()
}

fn render_json(study: &Study, mode: Mode, pairs: &[Pair], alpha: &AlphaU, list: bool) -> String {
    let names = &study.annotators;
    let value = serde_json::json!({
        "mode": mode.id(),
        "annotators": names,
        "documents": study.documents.len(),
        "left_out": study.left_out.iter().map(|(a, d)| serde_json::json!({"annotator": a, "document": d})).collect::<Vec<_>>(),
        "pairs": pairs.iter().map(|p| serde_json::json!({
            "a": names[p.a], "b": names[p.b],
            "micro": counts_json(&p.scores.micro),
            "macro": {"precision": p.scores.macro_precision(), "recall": p.scores.macro_recall(), "f1": p.scores.macro_f1()},
            "per_label": p.scores.per_label.iter().map(|(l, c)| (l.clone(), counts_json(c))).collect::<serde_json::Map<_, _>>(),
            "kappa": {"kappa": p.kappa.kappa, "observed": p.kappa.observed, "expected": p.kappa.expected, "tokens": p.kappa.tokens, "untagged_a": p.kappa.untagged_a, "untagged_b": p.kappa.untagged_b},
            "confusion": p.confusion.iter().map(|((x, y), n)| serde_json::json!({"a": x, "b": y, "count": n})).collect::<Vec<_>>(),
            "disagreement_counts": kind_counts(&p.disagreements).into_iter().map(|(k, n)| (k.to_owned(), serde_json::json!(n))).collect::<serde_json::Map<_, _>>(),
            "disagreements": if list {
                serde_json::Value::Array(p.disagreements.iter().map(|d| serde_json::json!({"kind": d.kind.id(), "document": d.a.as_ref().or(d.b.as_ref()).map(|s| &s.doc), "a": span_json(&d.a, study), "b": span_json(&d.b, study)})).collect())
            } else { serde_json::Value::Null },
        })).collect::<Vec<_>>(),
        "alpha_u": {
            "alpha": alpha.alpha,
            "merged": alpha.merged,
            "per_label": alpha.per_label.iter().map(|(l, c)| (l.clone(), serde_json::json!({"alpha": c.alpha, "observed": c.observed, "expected": c.expected}))).collect::<serde_json::Map<_, _>>(),
        },
    });
    format!("{}\n", serde_json::to_string_pretty(&value).unwrap_or_default())
}

fn render_csv(study: &Study, pairs: &[Pair]) -> String {
    let names = &study.annotators;
    let mut rows = Vec::new();
    for p in pairs {
        let mode = p.scores.mode.id();
        let row = |label: &str, pr: f64, r: f64, f: f64, c: Option<&Counts>| {
            let n = |x: Option<usize>| x.map_or(String::new(), |v| v.to_string());
            vec![names[p.a].clone(), names[p.b].clone(), mode.to_owned(), label.to_owned(), pr.to_string(), r.to_string(), f.to_string(), n(c.map(|c| c.reference)), n(c.map(|c| c.candidate)), n(c.map(|c| c.matched_reference)), n(c.map(|c| c.matched_candidate))]
        };
        for (label, c) in &p.scores.per_label {
            rows.push(row(label, c.precision(), c.recall(), c.f1(), Some(c)));
        }
        let m = &p.scores.micro;
        rows.push(row("(micro)", m.precision(), m.recall(), m.f1(), Some(m)));
        rows.push(row("(macro)", p.scores.macro_precision(), p.scores.macro_recall(), p.scores.macro_f1(), None));
    }
    output::csv(&["a", "b", "mode", "label", "precision", "recall", "f1", "reference", "candidate", "matched_reference", "matched_candidate"], &rows)
}

fn render_table(study: &Study, mode: Mode, pairs: &[Pair], alpha: &AlphaU, list: bool) -> String {
    let names = &study.annotators;
    let mut out = format!("{} annotators, {} document(s) compared, mode {}\n", names.len(), study.documents.len(), mode.id());
    for p in pairs {
        out.push_str(&format!("\n{} (reference) vs {}\n", names[p.a], names[p.b]));
        let row = |label: &str, c: &Counts| vec![label.to_owned(), c.reference.to_string(), c.candidate.to_string(), c.matched_reference.to_string(), figure(c.precision()), figure(c.recall()), figure(c.f1())];
        let mut rows: Vec<Vec<String>> = p.scores.per_label.iter().map(|(l, c)| row(l, c)).collect();
        rows.push(row("(micro)", &p.scores.micro));
        rows.push(vec!["(macro)".to_owned(), String::new(), String::new(), String::new(), figure(p.scores.macro_precision()), figure(p.scores.macro_recall()), figure(p.scores.macro_f1())]);
        out.push_str(&output::table(&["label", "in A", "in B", "matched", "precision", "recall", "F1"], &rows));
        let k = &p.kappa;
        out.push_str(&format!(
            "Cohen's kappa on IOB2 token tags: {} over {} tokens (spans tags cannot hold: {} in A, {} in B)\n",
            k.kappa.map_or("n/a".to_owned(), figure),
            k.tokens,
            k.untagged_a,
            k.untagged_b
        ));
        let counts: Vec<String> = kind_counts(&p.disagreements).into_iter().map(|(k, n)| format!("{k} {n}")).collect();
        out.push_str(&format!("disagreements: {}\n", counts.join(", ")));
        if list {
            for d in &p.disagreements {
                let show = |s: &Option<SpanRef>| s.as_ref().map_or("-".to_owned(), |s| {
                    let text = study.documents.iter().find(|x| x.key == s.doc).and_then(|x| x.text.get(s.start_byte..s.end_byte)).unwrap_or("");
                    format!("{} “{}” [{}, {}) bytes", s.label, spanmark_core::short(text, 40), s.start_byte, s.end_byte)
                });
                let doc = d.a.as_ref().or(d.b.as_ref()).map_or("", |s| s.doc.as_str());
                out.push_str(&format!("  {} {doc}: A {} | B {}\n", d.kind.id(), show(&d.a), show(&d.b)));
            }
        }
    }
    if names.len() > 2 {
        out.push_str("\nmicro F1 (row: reference, column: candidate)\n");
        let rows: Vec<Vec<String>> = (0..names.len())
            .map(|i| {
                let mut row = vec![names[i].clone()];
                row.extend((0..names.len()).map(|j| {
                    if i == j {
                        figure(1.0)
                    } else {
                        pairs.iter().find(|p| (p.a, p.b) == (i.min(j), i.max(j))).map_or(String::new(), |p| figure(p.scores.micro.f1()))
                    }
                }));
                row
            })
            .collect();
        let mut header = vec![""];
        header.extend(names.iter().map(String::as_str));
        out.push_str(&output::table(&header, &rows));
    }
    out.push_str(&format!("\nKrippendorff's alpha_u (code points, all {} annotators): {}\n", names.len(), alpha.alpha.map_or("n/a".to_owned(), figure)));
    let rows: Vec<Vec<String>> = alpha.per_label.iter().map(|(l, c)| vec![l.clone(), c.alpha.map_or("n/a".to_owned(), figure), format!("{:.6}", c.observed), format!("{:.6}", c.expected)]).collect();
    out.push_str(&output::table(&["label", "alpha_u", "D_o", "D_e"], &rows));
    out
}

/// Unique annotator names from the paths.
fn names(paths: &[PathBuf]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in paths {
        let base = input::layer_name(p);
        let name = (1..).map(|k| if k == 1 { base.clone() } else { format!("{base}#{k}") }).find(|n| !out.contains(n)).expect("unbounded");
        out.push(name);
    }
    out
}

/// Runs the command.
pub fn run(args: Args) -> Result<Outcome, Failure> {
    let options = args.read.options();
    let mode = args.mode.mode();
    let names = names(&args.layers);
    // Each annotator's files are read a few at a time in parallel; only the documents'
    // names, texts and spans are kept, never a whole workspace.
    let mut layers = Vec::new();
    for (name, path) in names.iter().zip(&args.layers) {
        let groups = input::groups(input::sources(std::slice::from_ref(path))?, args.read.together);
        let mut docs: Vec<LayerDocument> = Vec::new();
        let mut notes = Tally::new(name, args.report);
        input::for_each_group(
            &groups,
            |g| input::load_group(g, &options, SameText::Merge).map(|(ws, n)| (LayerDocument::of_workspace(&ws), n)),
            |_, result| {
                let (read, n) = result.map_err(|f| match f {
                    Failure::BadInput(m) => Failure::BadInput(format!("{name}: {m}")),
                    other => other,
                })?;
                docs.extend(read);
                notes.add(n);
                Ok(())
            },
        )?;
        notes.finish();
        layers.push((name.clone(), docs));
    }
    let study = Study::from_layers(layers);
    if !args.report.quiet {
        for (annotator, doc) in &study.left_out {
            eprintln!("{annotator}: warning left-out [{doc}]: not every annotator has this text, so it is not compared");
        }
    }
    if study.documents.is_empty() {
        return Err(Failure::BadInput("the annotators have no document in common (documents are matched by their exact text)".to_owned()));
    }
    let texts = study.texts();
    let n = study.layers.len();
    let pair_ids: Vec<(usize, usize)> = (0..n).flat_map(|a| (a + 1..n).map(move |b| (a, b))).collect();
    let pairs: Vec<Pair> = pair_ids
        .par_iter()
        .map(|&(a, b)| {
            let (x, y) = (&study.layers[a], &study.layers[b]);
            Pair { a, b, scores: compare(x, y, mode), kappa: cohen_kappa(&texts, x, y), disagreements: disagreements(x, y), confusion: confusion(x, y) }
        })
        .collect();
    let alpha = alpha_u(&texts, &study.layer_slices());
    let text = match args.format {
        Shape::Table => render_table(&study, mode, &pairs, &alpha, args.disagreements),
        Shape::Json => render_json(&study, mode, &pairs, &alpha, args.disagreements),
        Shape::Csv => render_csv(&study, &pairs),
    };
    let mut sink = Sink::open(None)?;
    sink.write(text.as_bytes())?;
    sink.finish()?;
    let below = args.fail_under.is_some_and(|min| pairs.iter().any(|p| p.scores.micro.f1() < min));
    Ok(if below { Outcome::Findings } else { Outcome::Clean })
}
