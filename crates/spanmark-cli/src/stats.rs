//! `spanmark stats`: annotations per label and per document. Input files are read a few
//! at a time and only their counts are kept, so a large corpus needs little memory.

use std::collections::BTreeMap;
use std::path::PathBuf;

use spanmark_core::{SameText, Workspace};

use crate::input::{self, ReadArgs};
use crate::output::{self, ReportArgs, Shape, Sink, Tally};
use crate::{Failure, Outcome};

/// `spanmark stats FILE...`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders (`-`: stdin)
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// How to print the counts
    #[arg(long, value_enum, default_value = "table")]
    format: Shape,
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    report: ReportArgs,
}

/// One document's counts.
struct DocCounts {
    name: String,
    characters: usize,
    annotations: usize,
    /// Per label: annotations, code points covered.
    labels: BTreeMap<String, (usize, usize)>,
}

/// The counts of every document of a workspace. Lengths count code points.
fn count(ws: &Workspace) -> Vec<DocCounts> {
    ws.documents()
        .iter()
        .map(|d| {
            let mut labels: BTreeMap<String, (usize, usize)> = BTreeMap::new();
            for a in d.annotations().iter() {
                let e = labels.entry(a.label.clone()).or_default();
                e.0 += 1;
                e.1 += a.quote(d.text()).chars().count();
            }
            DocCounts { name: d.name().to_owned(), characters: d.text().chars().count(), annotations: d.annotations().len(), labels }
        })
        .collect()
}

/// Per label over all documents: annotations, documents holding it, code points covered.
fn by_label(docs: &[DocCounts]) -> BTreeMap<&str, (usize, usize, usize)> {
    let mut out: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for d in docs {
        for (label, &(n, cp)) in &d.labels {
            let e = out.entry(label).or_default();
            e.0 += n;
            e.1 += 1;
            e.2 += cp;
        }
    }
    out
}

fn mean(total: usize, n: usize) -> f64 {
    if n == 0 {
        0.0
    } else {
        total as f64 / n as f64
    }
}

fn render(docs: &[DocCounts], shape: Shape) -> String {
    let labels = by_label(docs);
    let annotations: usize = docs.iter().map(|d| d.annotations).sum();
    match shape {
        Shape::Json => {
            let value = serde_json::json!({
                "documents": docs.len(),
                "annotations": annotations,
                "labels": labels.iter().map(|(l, &(n, in_docs, cp))| serde_json::json!({"label": l, "annotations": n, "documents": in_docs, "mean_length_cp": mean(cp, n)})).collect::<Vec<_>>(),
                "per_document": docs.iter().map(|d| serde_json::json!({"name": d.name, "characters": d.characters, "annotations": d.annotations, "labels": d.labels.iter().map(|(l, &(n, _))| (l.clone(), n)).collect::<BTreeMap<_, _>>()})).collect::<Vec<_>>(),
            });
            format!("{}\n", serde_json::to_string_pretty(&value).unwrap_or_default())
        }
        Shape::Csv => {
            let mut rows = Vec::new();
            for (l, &(n, in_docs, cp)) in &labels {
                rows.push(vec!["label".to_owned(), String::new(), (*l).to_owned(), n.to_string(), in_docs.to_string(), cp.to_string()]);
            }
            for d in docs {
                rows.push(vec!["document".to_owned(), d.name.clone(), String::new(), d.annotations.to_string(), "1".to_owned(), d.characters.to_string()]);
                for (l, &(n, cp)) in &d.labels {
                    rows.push(vec!["document-label".to_owned(), d.name.clone(), l.clone(), n.to_string(), "1".to_owned(), cp.to_string()]);
                }
            }
            output::csv(&["scope", "document", "label", "annotations", "documents", "characters"], &rows)
        }
        Shape::Table => {
            let mut out = format!("{} document(s), {} annotation(s), {} label(s)\n\n", docs.len(), annotations, labels.len());
            let rows: Vec<Vec<String>> = labels.iter().map(|(l, &(n, in_docs, cp))| vec![(*l).to_owned(), n.to_string(), in_docs.to_string(), format!("{:.1}", mean(cp, n))]).collect();
            out.push_str(&output::table(&["label", "annotations", "documents", "mean length (chars)"], &rows));
            out.push('\n');
            let names: Vec<&str> = labels.keys().copied().collect();
            let mut header = vec!["document", "characters", "annotations"];
            header.extend(names.iter());
            let rows: Vec<Vec<String>> = docs
                .iter()
                .map(|d| {
                    let mut row = vec![d.name.clone(), d.characters.to_string(), d.annotations.to_string()];
                    row.extend(names.iter().map(|l| d.labels.get(*l).map_or(0, |c| c.0).to_string()));
                    row
                })
                .collect();
            out.push_str(&output::table(&header, &rows));
            out
        }
    }
}

/// Runs the command.
pub fn run(args: Args) -> Result<Outcome, Failure> {
    let options = args.read.options();
    let groups = input::groups(input::sources(&args.inputs)?, args.read.together);
    let bar = output::progress(groups.len(), "counting");
    let mut docs: Vec<DocCounts> = Vec::new();
    let mut notes = Tally::new("read", args.report);
    input::for_each_group(
        &groups,
        |g| input::load_group(g, &options, SameText::Copy).map(|(ws, n)| (count(&ws), n)),
        |_, result| {
            let (counted, n) = result?;
            docs.extend(counted);
            notes.add(n);
            bar.inc(1);
            Ok(())
        },
    )?;
    bar.finish_and_clear();
    notes.finish();
    let mut sink = Sink::open(None)?;
    sink.write(render(&docs, args.format).as_bytes())?;
    sink.finish()?;
    Ok(Outcome::Clean)
}
