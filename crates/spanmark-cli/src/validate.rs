//! `spanmark validate`: reads each file through the core's staging path, which checks
//! every span (offsets in range and on character boundaries, quotes against the text,
//! the offset unit, labels), and tells its findings. Nothing is written but the report.

use std::path::PathBuf;

use spanmark_core::{Diagnostic, LabelSchema, SameText, Severity, Workspace};

use crate::input::{self, ReadArgs};
use crate::output::{self, ReportArgs};
use crate::{Failure, Outcome};

/// `spanmark validate FILE...`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders to check (`-`: stdin); each file is checked on its own unless
    /// .txt texts come with it
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// The labels the files may use, comma-separated: any other is an error (unknown-label)
    #[arg(long, value_delimiter = ',')]
    labels: Option<Vec<String>>,
    /// Write the findings as JSON to stdout (one object per input group)
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    report: ReportArgs,
}

/// A core diagnostic as validate tells it: the unit the offsets seem to count and an
/// offset inside a character get their own codes, and a label outside `--labels` is an error.
fn finding(d: Diagnostic, labels_given: bool) -> Diagnostic {
    let retold = |severity, code| Diagnostic { severity, code, ..d.clone() };
    match d.code {
        "splits-character" => retold(Severity::Error, "offset-inside-character"),
        "out-of-range" => retold(Severity::Error, "offset-out-of-range"),
        // Spans whose quotes match only when counted in the other unit (UTF-16 code
        // units rather than code points): read that way, but the file says otherwise.
        "unit-detected" | "unit-suspected" => retold(Severity::Warning, "offset-unit"),
        "label-added" if labels_given => Diagnostic { message: d.message.replace("was not in the schema and was added", "is not one of --labels"), ..retold(Severity::Error, "unknown-label") },
        _ => d,
    }
}

/// The schema `--labels` names.
fn schema(labels: &[String]) -> Result<LabelSchema, Failure> {
    let mut schema = LabelSchema::empty();
    for id in labels.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
        if schema.get(id).is_none() {
            schema.add(schema.label_for_unknown_id(id)).map_err(|e| Failure::Usage(format!("--labels: {id:?}: {e}")))?;
        }
    }
    Ok(schema)
}

/// Runs the command.
pub fn run(args: Args) -> Result<Outcome, Failure> {
    let labels = args.labels.as_deref().map(schema).transpose()?;
    let options = args.read.options();
    let groups = input::groups(input::sources(&args.inputs)?, args.read.together);
    let bar = output::progress(groups.len(), "validating");
    let mut worst: Option<Failure> = None;
    let mut findings = false;
    let mut json = Vec::new();
    input::for_each_group(
        &groups,
        |g| -> Result<(usize, Vec<Diagnostic>), Failure> {
            let files = g.iter().map(input::read).collect::<Result<Vec<_>, _>>()?;
            let parsed = input::parse(files, &options)?;
            let mut ws = labels.clone().map_or_else(input::empty_workspace, Workspace::new);
            let notes = input::stage_into(&mut ws, parsed, SameText::Copy, labels.is_some())?;
            let annotations = ws.documents().iter().map(|d| d.annotations().len()).sum();
            Ok((annotations, notes.into_iter().map(|d| finding(d, labels.is_some())).collect()))
        },
        |g, result| {
            bar.inc(1);
            let name = g.iter().map(input::Source::name).collect::<Vec<_>>().join(" ");
            match result {
                Ok((annotations, notes)) => {
                    let bad = output::has_findings(&notes);
                    findings |= bad;
                    output::report(&name, &notes, &args.report);
                    if args.json {
                        json.push(serde_json::json!({
                            "input": name,
                            "ok": !bad,
                            "annotations": annotations,
                            "findings": notes.iter().map(|d| serde_json::json!({"severity": d.severity.id(), "code": d.code, "document": d.document, "annotation": d.annotation, "message": d.message})).collect::<Vec<_>>(),
                        }));
                    }
                }
                Err(failure) => {
                    if !args.report.quiet {
                        eprintln!("{name}: error: {}", failure.message());
                    }
                    if args.json {
                        json.push(serde_json::json!({"input": name, "ok": false, "error": failure.message()}));
                    }
                    // I/O errors outrank bad input: keep the worst to exit with.
                    if !matches!((&worst, &failure), (Some(Failure::Io(_)), _)) {
                        worst = Some(failure);
                    }
                }
            }
            Ok(())
        },
    )?;
    bar.finish_and_clear();
    if args.json {
        let mut sink = output::Sink::open(None)?;
        sink.write(serde_json::to_string_pretty(&json).unwrap_or_default().as_bytes())?;
        sink.write(b"\n")?;
        sink.finish()?;
    }
    match worst {
        Some(Failure::Io(_)) => Err(Failure::Io("some inputs could not be read (see above)".to_owned())),
        Some(_) => Err(Failure::BadInput("some inputs are not annotation files Spanmark reads (see above)".to_owned())),
        None if findings => Ok(Outcome::Findings),
        None => Ok(Outcome::Clean),
    }
}
