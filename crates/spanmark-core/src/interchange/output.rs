//! What an export hands back: the file, its name, and the loss report; helpers that
//! every codec shares to name files and report what a format cannot carry.

use std::collections::HashSet;

use super::Format;
use crate::annotation::Annotation;
use crate::document::Document;
use crate::report::{Diagnostic, Severity};

/// One file to hand to the analyst.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    /// A file name for it.
    pub name: String,
    /// Its media type.
    pub mime: &'static str,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// An export: the file, and everything the format could not carry.
#[derive(Debug, Clone)]
pub struct Export {
    /// The file.
    pub file: ExportFile,
    /// One diagnostic per annotation (or part of one) that the file does not carry.
    pub losses: Vec<Diagnostic>,
    /// How many annotations the file carries.
    pub annotations_written: usize,
}

impl Export {
    /// Whether the analyst should read the loss report: an annotation was left out or
    /// written differently (notes alone need no review).
    pub fn needs_review(&self) -> bool {
        self.losses.iter().any(|l| l.severity != Severity::Info)
    }
}

/// Code point offsets of an annotation in its document.
pub(crate) fn cp_span(doc: &Document, a: &Annotation) -> (usize, usize) {
    let index = doc.offsets();
    (
        index.try_byte_to_cp(a.start_byte).expect("stored spans lie on boundaries"),
        index.try_byte_to_cp(a.end_byte).expect("stored spans lie on boundaries"),
    )
}

/// A loss diagnostic for the parts of an annotation's extra that a format drops.
pub(crate) fn extra_losses(format: Format, doc: &Document, a: &Annotation, note: bool, refs: bool, attributes: bool, out: &mut Vec<Diagnostic>) {
    let extra = a.extra();
    let mut lost = Vec::new();
    if !note && extra.note.is_some() {
        lost.push("its note".to_owned());
    }
    if !refs && !extra.refs.is_empty() {
        lost.push(format!("{} entity reference(s)", extra.refs.len()));
    }
    if !attributes && !extra.attributes.is_empty() {
        lost.push(format!("{} attribute(s)", extra.attributes.len()));
    }
    if !lost.is_empty() {
        out.push(Diagnostic::new(Severity::Warning, "not-carried", Some(doc.id()), Some(&a.id), format!("{} cannot carry {}", format.title(), lost.join(" and "))));
    }
}

/// The name of an export: `<document>.<extension>` for one document, else
/// `spanmark-corpus.<extension>`.
pub(crate) fn export_name(docs: &[&Document], extension: &str) -> String {
    match docs {
        [one] => format!("{}.{extension}", file_stem(one, &mut HashSet::new())),
        _ => format!("spanmark-corpus.{extension}"),
    }
}

/// A file-name stem for a document, unique among `used`.
pub(crate) fn file_stem(doc: &Document, used: &mut HashSet<String>) -> String {
    let name = doc.name();
    let base = name.rsplit_once('.').map_or(name, |(s, e)| if e.len() <= 5 && !s.is_empty() { s } else { name });
    let clean: String = base
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
        .collect();
    let clean = if clean.trim_matches('_').is_empty() { doc.id().to_owned() } else { clean };
    let mut stem = clean.clone();
    let mut k = 2;
    while !used.insert(stem.clone()) {
        stem = format!("{clean}-{k}");
        k += 1;
    }
    stem
}
