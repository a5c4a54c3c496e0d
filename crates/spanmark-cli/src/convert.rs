//! `spanmark convert`: any format the core reads to any it writes, with the import's
//! diagnostics and the export's loss report on stderr. JSONL and CoNLL are written a
//! few input files at a time (their files concatenate); the other formats are one
//! document, so the whole corpus is read first. A document whose text repeats one read
//! before is kept, as a copy: a conversion never merges documents.

use std::path::PathBuf;

use clap::ValueEnum;
use spanmark_core::{Diagnostic, ExportOptions, Format, SameText, TagScheme, Workspace};

use crate::input::{self, FormatArg, ReadArgs};
use crate::output::{self, ReportArgs, Sink, Tally};
use crate::{Failure, Outcome};

/// A CoNLL tagging scheme on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemeArg {
    /// B- begins every entity, I- continues it
    Iob2,
    /// I- everywhere; B- only between two entities of one type
    Iob1,
    /// S- for one-token entities, else B-, I- … E-
    Bioes,
}

impl SchemeArg {
    /// The core's scheme.
    pub fn scheme(self) -> TagScheme {
        match self {
            SchemeArg::Iob2 => TagScheme::Iob2,
            SchemeArg::Iob1 => TagScheme::Iob1,
            SchemeArg::Bioes => TagScheme::Bioes,
        }
    }
}

/// `spanmark convert IN... -t FORMAT [--scheme iob2|iob1|bioes] [-o OUT]`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Input files or folders (`-`: stdin)
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// The format to write (brat is written as a zip of .txt and .ann files)
    #[arg(short = 't', long = "to", value_enum, value_name = "FORMAT")]
    to: FormatArg,
    /// CoNLL: the tagging scheme
    #[arg(long, value_enum, default_value = "iob2")]
    scheme: SchemeArg,
    /// Where to write (`-` or absent: stdout)
    #[arg(short, long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    read: ReadArgs,
    #[command(flatten)]
    report: ReportArgs,
}

/// What one export wrote.
struct Written {
    documents: usize,
    annotations: usize,
    left_out: usize,
}

/// Exports a workspace, returning its bytes, what it wrote and its losses.
fn export(ws: &Workspace, format: Format, options: &ExportOptions) -> Result<(Vec<u8>, Written, Vec<Diagnostic>), Failure> {
    let export = ws.export_as(format, None, options).map_err(|e| Failure::BadInput(e.to_string()))?;
    let written = Written { documents: ws.documents().len(), annotations: export.annotations_written, left_out: export.annotations_left_out() };
    Ok((export.file.bytes, written, export.losses))
}

/// Runs the command.
pub fn run(args: Args) -> Result<Outcome, Failure> {
    let format = args.to.format();
    let options = ExportOptions { scheme: args.scheme.scheme() };
    let import = args.read.options();
    let groups = input::groups(input::sources(&args.inputs)?, args.read.together);
    let bar = output::progress(groups.len(), "converting");
    // Only counts are kept (unless --verbose prints as it goes): memory stays bounded.
    let mut read_notes = Tally::new("read", args.report);
    let mut losses = Tally::new("loss", args.report);
    let mut total = Written { documents: 0, annotations: 0, left_out: 0 };
    let mut sink = Sink::open(args.output.as_deref())?;
    if matches!(format, Format::Jsonl | Format::Conll) {
        // Files that concatenate: each group is read, written and dropped in turn.
        input::for_each_group(
            &groups,
            |g| {
                let (ws, notes) = input::load_group(g, &import, SameText::Copy)?;
                let (bytes, written, lost) = export(&ws, format, &options)?;
                Ok::<_, Failure>((bytes, written, notes, lost))
            },
            |_, result| {
                let (bytes, written, notes, lost) = result?;
                sink.write(&bytes)?;
                total.documents += written.documents;
                total.annotations += written.annotations;
                total.left_out += written.left_out;
                read_notes.add(notes);
                losses.add(lost);
                bar.inc(1);
                Ok(())
            },
        )?;
    } else {
        // One file for the whole corpus: the groups are parsed in parallel, then staged in order.
        let mut ws = input::empty_workspace();
        input::for_each_group(
            &groups,
            |g| g.iter().map(input::read).collect::<Result<Vec<_>, _>>().and_then(|files| input::parse(files, &import)),
            |_, parsed| {
                read_notes.add(input::stage_into(&mut ws, parsed?, SameText::Copy, false)?);
                bar.inc(1);
                Ok(())
            },
        )?;
        let (bytes, written, lost) = export(&ws, format, &options)?;
        sink.write(&bytes)?;
        total = written;
        losses.add(lost);
    }
    bar.finish_and_clear();
    sink.finish()?;
    if total.documents == 0 {
        return Err(Failure::BadInput("the inputs hold no document".to_owned()));
    }
    let findings = read_notes.findings() || losses.findings();
    read_notes.finish();
    losses.finish();
    if !args.report.quiet {
        eprintln!(
            "spanmark: {} document(s), {} annotation(s) written as {}; {} left out",
            total.documents,
            total.annotations,
            if format == Format::Conll { format!("CoNLL ({})", options.scheme.title()) } else { format.title().to_owned() },
            total.left_out
        );
    }
    Ok(if findings { Outcome::Findings } else { Outcome::Clean })
}
