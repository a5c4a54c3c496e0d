//! `spanmark merge`: several annotators' layers of the same documents (matched by text)
//! become one: the spans that at least one (union), every (intersection) or more than
//! half (majority) of them have, span and label exactly.

use std::collections::HashMap;
use std::path::PathBuf;

use clap::ValueEnum;
use rayon::prelude::*;
use spanmark_core::agreement::Study;
use spanmark_core::{Diagnostic, ExportOptions, LabelSchema, SameText, Severity, Workspace};

use crate::convert::SchemeArg;
use crate::input::{self, FormatArg, ReadArgs};
use crate::output::{self, ReportArgs, Sink};
use crate::{Failure, Outcome};

/// Which spans the merged layer keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Strategy {
    /// Spans that any annotator has
    Union,
    /// Spans that every annotator has
    Intersection,
    /// Spans that more than half of the annotators have
    Majority,
}

impl Strategy {
    fn keeps(self, votes: usize, annotators: usize) -> bool {
        match self {
            Strategy::Union => votes >= 1,
            Strategy::Intersection => votes == annotators,
            Strategy::Majority => 2 * votes > annotators,
        }
    }
}

/// `spanmark merge A B... --strategy union|intersection|majority -o OUT`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// One file or folder per annotator (`-`: stdin, once)
    #[arg(required = true, num_args = 2..)]
    layers: Vec<PathBuf>,
    /// Which spans to keep
    #[arg(long, value_enum)]
    strategy: Strategy,
    /// Where to write (`-`: stdout)
    #[arg(short, long)]
    output: PathBuf,
    /// The format to write
    #[arg(short = 't', long = "to", value_enum, value_name = "FORMAT", default_value = "canonical")]
    to: FormatArg,
    /// CoNLL: the tagging scheme
    #[arg(long, value_enum, default_value = "iob2")]
    scheme: SchemeArg,
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    report: ReportArgs,
}

/// Runs the command.
pub fn run(args: Args) -> Result<Outcome, Failure> {
    let options = args.read.options();
    let loaded: Vec<Result<(Workspace, Vec<Diagnostic>), Failure>> = args
        .layers
        .par_iter()
        .map(|p| input::load_group(&input::sources(std::slice::from_ref(p))?, &options, SameText::Merge))
        .collect();
    let names: Vec<String> = args.layers.iter().map(|p| p.display().to_string()).collect();
    let mut workspaces = Vec::new();
    let mut notes = Vec::new();
    for (name, result) in names.iter().zip(loaded) {
        let (ws, n) = result?;
        output::report(name, &n, &args.report);
        notes.extend(n);
        workspaces.push(ws);
    }
    // Every label of every layer, in first-seen order.
    let mut schema = LabelSchema::empty();
    for ws in &workspaces {
        for label in ws.schema().labels() {
            if schema.get(&label.id).is_none() {
                schema.add(label.clone()).map_err(|e| Failure::BadInput(format!("label {:?}: {e}", label.id)))?;
            }
        }
    }
    let with_names: Vec<(&str, &Workspace)> = names.iter().map(String::as_str).zip(&workspaces).collect();
    let study = Study::from_workspaces(&with_names);
    for (annotator, doc) in &study.left_out {
        notes.push(Diagnostic::new(Severity::Warning, "left-out", Some(doc), None, format!("{annotator}: not every annotator has this text, so it is not in the merge")));
    }
    let mut merged = Workspace::new(schema);
    let annotators = study.layers.len();
    for doc in &study.documents {
        let id = merged.add_document(&doc.key, doc.text.as_str()).map_err(|e| Failure::BadInput(format!("{}: {e}", doc.key)))?;
        let mut votes: HashMap<(usize, usize, &str), usize> = HashMap::new();
        for layer in &study.layers {
            for s in layer.iter().filter(|s| s.doc == doc.key) {
                *votes.entry((s.start_byte, s.end_byte, s.label.as_str())).or_default() += 1;
            }
        }
        let mut kept: Vec<(usize, usize, &str)> = votes.into_iter().filter(|&(_, v)| args.strategy.keeps(v, annotators)).map(|(k, _)| k).collect();
        kept.sort_unstable();
        for (s, e, label) in kept {
            merged.add_annotation(&id, s..e, label).map_err(|e| Failure::BadInput(format!("{}: {e}", doc.key)))?;
        }
        merged.clear_history();
    }
    let export = merged.export_as(args.to.format(), None, &ExportOptions { scheme: args.scheme.scheme() }).map_err(|e| Failure::BadInput(e.to_string()))?;
    let mut sink = Sink::open(Some(&args.output))?;
    sink.write(&export.file.bytes)?;
    sink.finish()?;
    output::report("loss", &export.losses, &args.report);
    let left: Vec<Diagnostic> = notes.iter().filter(|d| d.code == "left-out").cloned().collect();
    output::report("merge", &left, &args.report);
    if !args.report.quiet {
        eprintln!("spanmark: {} document(s), {} annotation(s) kept by {} of {annotators} layers", study.documents.len(), export.annotations_written, format!("{:?}", args.strategy).to_lowercase());
    }
    Ok(if output::has_findings(&notes) || output::has_findings(&export.losses) { Outcome::Findings } else { Outcome::Clean })
}
