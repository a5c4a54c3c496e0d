//! `spanmark`: Spanmark's core on the command line. Converts annotation files between
//! every format the page reads and writes, validates them, measures agreement between
//! annotators, merges their layers and counts what they hold.
//!
//! Data goes to stdout (or `-o FILE`), diagnostics to stderr. `-` names stdin or stdout.
//! The exit code says how it went ([`EXIT_CODES`]).

mod agree;
mod convert;
mod input;
mod merge;
mod output;
mod stats;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The exit codes, as `--help` and the README state them.
const EXIT_CODES: &str = "\
Exit codes:
  0  ok
  1  findings: validate found problems; convert or merge left annotations out or
     changed them; agree found a pair under --fail-under (see stderr)
  2  usage: the command line is wrong
  3  bad input: a file is in no format Spanmark reads, or cannot be read as one
  4  I/O error: a file could not be read or written";

#[derive(Parser)]
#[command(name = "spanmark", version, about = "Spanmark's annotation core on the command line: convert, validate, agree, merge, stats", after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Convert annotation files from any format Spanmark reads to any it writes; the loss report goes to stderr
    #[command(after_help = EXIT_CODES)]
    Convert(convert::Args),
    /// Check annotation files: offsets in range and on character boundaries, quotes, offset units, labels
    #[command(after_help = EXIT_CODES)]
    Validate(validate::Args),
    /// Agreement between annotators: one file (or folder) per annotator, documents matched by text
    #[command(after_help = EXIT_CODES)]
    Agree(agree::Args),
    /// Merge annotators' layers into one: union, intersection or majority of exact spans
    #[command(after_help = EXIT_CODES)]
    Merge(merge::Args),
    /// Count annotations per label and per document
    #[command(after_help = EXIT_CODES)]
    Stats(stats::Args),
}

/// How a command ended when it ran to the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to report.
    Clean,
    /// It ran, and found something worth a non-zero exit (exit code 1).
    Findings,
}

/// Why a command stopped, with the message for stderr.
#[derive(Debug)]
pub enum Failure {
    /// The command line asks for something that cannot be done (exit code 2).
    Usage(String),
    /// An input is in no format Spanmark reads, or cannot be read as one (exit code 3).
    BadInput(String),
    /// A file could not be read or written (exit code 4).
    Io(String),
}

impl Failure {
    fn code(&self) -> u8 {
        match self {
            Failure::Usage(_) => 2,
            Failure::BadInput(_) => 3,
            Failure::Io(_) => 4,
        }
    }

    /// The message for stderr.
    pub fn message(&self) -> &str {
        match self {
            Failure::Usage(m) | Failure::BadInput(m) | Failure::Io(m) => m,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Convert(args) => convert::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Agree(args) => agree::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Stats(args) => stats::run(args),
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(failure) => {
            eprintln!("spanmark: {}", failure.message());
            ExitCode::from(failure.code())
        }
    }
}
