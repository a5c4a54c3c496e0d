//! Writing: data to stdout or a file, diagnostics to stderr (a summary by code, or
//! every one with `--verbose`), and a progress bar when stderr is a terminal.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};
use spanmark_core::{by_severity, summarize, Diagnostic, Severity};

use crate::Failure;

/// Where data goes: stdout (`-`, the default) or a file.
pub struct Sink {
    name: String,
    out: Box<dyn Write>,
}

impl Sink {
    /// Opens `path` for writing (`None` or `-`: stdout).
    pub fn open(path: Option<&Path>) -> Result<Sink, Failure> {
        match path {
            None => Ok(Sink { name: "stdout".to_owned(), out: Box::new(BufWriter::new(std::io::stdout().lock())) }),
            Some(p) if p.as_os_str() == "-" => Sink::open(None),
            Some(p) => {
                let file = File::create(p).map_err(|e| Failure::Io(format!("{}: {e}", p.display())))?;
                Ok(Sink { name: p.display().to_string(), out: Box::new(BufWriter::new(file)) })
            }
        }
    }

    /// Writes bytes.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        self.out.write_all(bytes).map_err(|e| Failure::Io(format!("{}: {e}", self.name)))
    }

    /// Flushes everything written.
    pub fn finish(mut self) -> Result<(), Failure> {
        self.out.flush().map_err(|e| Failure::Io(format!("{}: {e}", self.name)))
    }
}

/// How diagnostics are told on stderr.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct ReportArgs {
    /// Every diagnostic on its own line (by default: one line per kind, with a count and an example)
    #[arg(short, long)]
    pub verbose: bool,
    /// No diagnostics on stderr (the exit code still tells)
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
}

/// One diagnostic as a line: `severity code [document annotation]: message`.
pub fn line(d: &Diagnostic) -> String {
    let place = match (&d.document, &d.annotation) {
        (Some(doc), Some(a)) if !a.is_empty() => format!(" [{doc} {a}]"),
        (Some(doc), _) => format!(" [{doc}]"),
        _ => String::new(),
    };
    format!("{} {}{place}: {}", d.severity.id(), d.code, d.message)
}

/// Tells diagnostics on stderr under a heading (`what`): a summary by code, or all.
pub fn report(what: &str, diagnostics: &[Diagnostic], args: &ReportArgs) {
    let mut tally = Tally::new(what, *args);
    tally.add(diagnostics.to_vec());
    tally.finish();
}

/// Diagnostics told as they come, in bounded memory: with `--verbose` each is printed at
/// once; otherwise only a count and the first example of each code are kept, and
/// printed by [`Tally::finish`] (errors first, then warnings, then notes).
pub struct Tally {
    what: String,
    args: ReportArgs,
    groups: Vec<(Diagnostic, usize)>,
    findings: bool,
}

impl Tally {
    /// An empty tally under a heading.
    pub fn new(what: &str, args: ReportArgs) -> Tally {
        Tally { what: what.to_owned(), args, groups: Vec::new(), findings: false }
    }

    /// Counts (or prints) these diagnostics.
    pub fn add(&mut self, diagnostics: Vec<Diagnostic>) {
        self.findings |= has_findings(&diagnostics);
        if self.args.quiet {
            return;
        }
        if self.args.verbose {
            let mut err = std::io::stderr().lock();
            for d in by_severity(&diagnostics) {
                let _ = writeln!(err, "{}: {}", self.what, line(d));
            }
            return;
        }
        for g in summarize(&diagnostics) {
            match self.groups.iter_mut().find(|(d, _)| d.severity == g.severity && d.code == g.code) {
                Some((_, n)) => *n += g.count,
                None => self.groups.push((g.example, g.count)),
            }
        }
    }

    /// Whether any diagnostic counted was an error or a warning.
    pub fn findings(&self) -> bool {
        self.findings
    }

    /// Prints the summary: one line per code, with its count and first example.
    pub fn finish(mut self) {
        self.groups.sort_by_key(|(d, _)| d.severity);
        let mut err = std::io::stderr().lock();
        for (example, count) in &self.groups {
            if *count == 1 {
                let _ = writeln!(err, "{}: {}", self.what, line(example));
            } else {
                let _ = writeln!(err, "{}: {} {} ×{count} (e.g. {})", self.what, example.severity.id(), example.code, line(example));
            }
        }
    }
}

/// Whether any diagnostic is an error or a warning: something not carried as given.
pub fn has_findings(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity != Severity::Info)
}

/// A progress bar on stderr for `len` steps, drawn only when stderr is a terminal and
/// there is more than one step.
pub fn progress(len: usize, what: &str) -> ProgressBar {
    if len < 2 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) = ProgressStyle::with_template("{msg} {bar:30} {pos}/{len} ({per_sec}, {eta} left)") {
        bar.set_style(style);
    }
    bar.set_message(what.to_owned());
    bar
}

/// How a report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shape {
    /// Aligned columns for people
    Table,
    /// JSON, figures at full precision
    Json,
    /// Comma-separated values, one header row, figures at full precision
    Csv,
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// CSV text: a header row and the rows.
pub fn csv(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = header.join(",");
    out.push('\n');
    for row in rows {
        out.push_str(&row.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

/// Rows as aligned columns (widths in characters): text to the left, the rest to the right.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, f) in widths.iter_mut().zip(row) {
            *w = (*w).max(f.chars().count());
        }
    }
    let line = |fields: Vec<&str>| {
        let cells: Vec<String> = fields
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (f, &w))| {
                let pad = " ".repeat(w - f.chars().count());
                if i == 0 { format!("{f}{pad}") } else { format!("{pad}{f}") }
            })
            .collect();
        format!("{}\n", cells.join("  ").trim_end())
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// A figure with four decimals, for tables.
pub fn figure(x: f64) -> String {
    format!("{x:.4}")
}
