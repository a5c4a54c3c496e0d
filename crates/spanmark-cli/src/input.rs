//! Reading inputs: paths (a folder stands for its files, `-` for stdin) become the
//! core's `InputFile`s, grouped into imports, read by the core's codecs in parallel,
//! and staged into workspaces by the core's one staging path.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use rayon::prelude::*;
use spanmark_core::interchange::{detection_notes, read_files, DocIn, Interchange, Target};
use spanmark_core::{detect_format, plan_intake, Diagnostic, DocumentKind, FileRefusal, Format, ImportOptions, InputFile, LabelSchema, SameText, Severity, Unit, Workspace};

use crate::Failure;

/// A format on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Canonical Spanmark JSON (lossless)
    Canonical,
    /// JSON Lines, doccano / spaCy style
    Jsonl,
    /// brat standoff (.txt + .ann; written as a zip)
    Brat,
    /// CoNLL 2003 style token tags
    Conll,
    /// W3C Web Annotation (JSON-LD)
    W3c,
    /// Label Studio tasks
    LabelStudio,
}

impl FormatArg {
    /// The core's format.
    pub fn format(self) -> Format {
        match self {
            FormatArg::Canonical => Format::Canonical,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Brat => Format::Brat,
            FormatArg::Conll => Format::Conll,
            FormatArg::W3c => Format::W3c,
            FormatArg::LabelStudio => Format::LabelStudio,
        }
    }
}

/// What offsets count in files that do not say (JSONL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UnitArg {
    /// Unicode code points (Python's str, spaCy, doccano's server)
    Codepoint,
    /// UTF-16 code units (JavaScript strings)
    Utf16,
}

/// How inputs are read: shared by every subcommand.
#[derive(Debug, Clone, clap::Args)]
pub struct ReadArgs {
    /// The input format (detected from the content when absent)
    #[arg(short = 'f', long = "from", value_enum, value_name = "FORMAT")]
    pub from: Option<FormatArg>,
    /// What the offsets of files that do not say count (JSONL)
    #[arg(long, value_enum, default_value = "codepoint")]
    pub unit: UnitArg,
    /// CoNLL: the column the tags are read from, counted from 0
    #[arg(long)]
    pub tag_column: Option<usize>,
    /// Read all the inputs as one import (as brat, CoNLL and W3C files are read with
    /// their .txt texts); the default when .txt files are given beside other files
    #[arg(long)]
    pub together: bool,
}

impl ReadArgs {
    /// The core's import options.
    pub fn options(&self) -> ImportOptions {
        ImportOptions {
            format: self.from.map(FormatArg::format),
            unit: match self.unit {
                UnitArg::Codepoint => Unit::CodePoint,
                UnitArg::Utf16 => Unit::Utf16,
            },
            tag_column: self.tag_column,
            ..ImportOptions::default()
        }
    }
}

/// Where one input comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Standard input (`-`).
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Source {
    /// Its name in messages.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "-".to_owned(),
            Source::File(p) => p.display().to_string(),
        }
    }

    fn extension(&self) -> String {
        match self {
            Source::Stdin => String::new(),
            Source::File(p) => p.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default(),
        }
    }
}

/// The inputs these paths name: `-` is stdin, a folder stands for the files in it (not
/// below it, hidden ones left out, in name order).
pub fn sources(paths: &[PathBuf]) -> Result<Vec<Source>, Failure> {
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            if out.contains(&Source::Stdin) {
                return Err(Failure::Usage("`-` (stdin) can be given only once".to_owned()));
            }
            out.push(Source::Stdin);
            continue;
        }
        let meta = std::fs::metadata(path).map_err(|e| Failure::Io(format!("{}: {e}", path.display())))?;
        if meta.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| Failure::Io(format!("{}: {e}", path.display())))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
                .collect();
            files.sort();
            out.extend(files.into_iter().map(Source::File));
        } else {
            out.push(Source::File(path.clone()));
        }
    }
    Ok(out)
}

/// Reads one input, refusing a file over the core's size limits before reading it.
pub fn read(source: &Source) -> Result<InputFile, Failure> {
    match source {
        Source::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin().lock().read_to_end(&mut bytes).map_err(|e| Failure::Io(format!("stdin: {e}")))?;
            FileRefusal::check_size("stdin", bytes.len() as u64).map_err(|r| Failure::BadInput(r.to_string()))?;
            Ok(InputFile::new("stdin", bytes))
        }
        Source::File(path) => {
            let name = path.display().to_string();
            let size = std::fs::metadata(path).map_err(|e| Failure::Io(format!("{name}: {e}")))?.len();
            FileRefusal::check_size(&name, size).map_err(|r| Failure::BadInput(r.to_string()))?;
            let bytes = std::fs::read(path).map_err(|e| Failure::Io(format!("{name}: {e}")))?;
            Ok(InputFile::new(name, bytes))
        }
    }
}

/// The inputs grouped into imports: all together when asked, or when `.txt` files come
/// with other files (brat, CoNLL and W3C read them as their texts); otherwise each
/// input is an import of its own, so that a corpus of many files is read a few at a time.
pub fn groups(sources: Vec<Source>, together: bool) -> Vec<Vec<Source>> {
    let texts = sources.iter().filter(|s| s.extension() == "txt").count();
    let standoff = sources.iter().any(|s| s.extension() == "ann");
    if together || standoff || (texts > 0 && texts < sources.len()) {
        vec![sources]
    } else {
        sources.into_iter().map(|s| vec![s]).collect()
    }
}

/// Reads a group's files with the core's codecs, changing no workspace: the annotation
/// files (with the texts they read) as one interchange, and files that are documents of
/// their own as another.
pub fn parse(files: Vec<InputFile>, options: &ImportOptions) -> Result<Vec<Interchange>, Failure> {
    let plan = plan_intake(&files);
    let mut out = Vec::new();
    let names = |idx: &[usize]| idx.iter().map(|&i| files[i].name.as_str()).collect::<Vec<_>>().join(", ");
    if !plan.annotation_files.is_empty() {
        let import: Vec<InputFile> = plan.annotation_files.iter().chain(&plan.text_files).map(|&i| files[i].clone()).collect();
        let bad = |e: spanmark_core::ImportError| Failure::BadInput(format!("{}: {e}", names(&plan.annotation_files)));
        let (format, notes) = match options.format {
            Some(f) => (f, Vec::new()),
            None => {
                let f = detect_format(&import).map_err(bad)?;
                (f, detection_notes(&import, f))
            }
        };
        let mut read = read_files(format, &import, options).map_err(bad)?;
        read.diagnostics.splice(0..0, notes);
        out.push(read);
    }
    if !plan.documents.is_empty() {
        let mut docs = Interchange::new(Format::Canonical);
        for &(i, kind) in &plan.documents {
            let file = &files[i];
            if kind == DocumentKind::Html {
                docs.diagnostics.push(Diagnostic::new(Severity::Error, "html-document", Some(&file.name), None, "HTML pages become text in the browser (open them in the page); it was left out"));
                continue;
            }
            let text = file.document_text().map_err(|r| Failure::BadInput(r.to_string()))?;
            docs.documents.push(DocIn { file_ref: file.name.clone(), target: Target::New { id: None, name: file.base_name().to_owned(), text: text.to_owned() }, unit: Unit::CodePoint, spans: Vec::new(), relations: Vec::new() });
        }
        out.push(docs);
    }
    Ok(out)
}

/// Stages what was read into `ws` and applies it, returning every diagnostic but the
/// notes that a label was added to the schema: the command line starts from no labels,
/// so every label is added (validate with `--labels` keeps them: `label_notes`).
pub fn stage_into(ws: &mut Workspace, read: Vec<Interchange>, same_text: SameText, label_notes: bool) -> Result<Vec<Diagnostic>, Failure> {
    let mut diagnostics = Vec::new();
    for one in read {
        let staged = ws.stage_with(one, same_text).map_err(|e| Failure::BadInput(e.to_string()))?;
        let report = ws.apply_import(staged).map_err(|e| Failure::BadInput(e.to_string()))?;
        diagnostics.extend(report.diagnostics.into_iter().filter(|d| label_notes || d.code != "label-added"));
    }
    // An import is never undone here: the history would only hold memory.
    ws.clear_history();
    Ok(diagnostics)
}

/// A workspace of no labels: the files bring theirs.
pub fn empty_workspace() -> Workspace {
    Workspace::new(LabelSchema::empty())
}

/// Reads and loads one group into a fresh workspace.
pub fn load_group(group: &[Source], options: &ImportOptions, same_text: SameText) -> Result<(Workspace, Vec<Diagnostic>), Failure> {
    let files = group.iter().map(read).collect::<Result<Vec<_>, _>>()?;
    let read = parse(files, options)?;
    let mut ws = empty_workspace();
    let diagnostics = stage_into(&mut ws, read, same_text, false)?;
    Ok((ws, diagnostics))
}

/// Runs `work` on every group, a few groups at a time in parallel (so that memory holds
/// only those), and hands each result to `then` in input order.
pub fn for_each_group<T: Send>(groups: &[Vec<Source>], work: impl Fn(&[Source]) -> T + Sync, mut then: impl FnMut(&[Source], T) -> Result<(), Failure>) -> Result<(), Failure> {
    let chunk = (rayon::current_num_threads() * 4).max(1);
    for batch in groups.chunks(chunk) {
        let results: Vec<T> = batch.par_iter().map(|g| work(g)).collect();
        for (g, r) in batch.iter().zip(results) {
            then(g, r)?;
        }
    }
    Ok(())
}

/// The name of an annotator's layer: its path's file name (`-` for stdin).
pub fn layer_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        return "stdin".to_owned();
    }
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}
