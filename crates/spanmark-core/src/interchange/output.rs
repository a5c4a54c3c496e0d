//! What an export hands back: the file, its name, and the loss report; helpers that
//! every codec shares to name files and report what a format cannot carry.

use std::collections::HashSet;

use super::Format;
use crate::annotation::Annotation;
use crate::document::Document;
use crate::relation::Relation;
use crate::report::{short, Diagnostic, Severity};

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
    /// How many relations the file carries.
    pub relations_written: usize,
}

impl Export {
    /// Whether the analyst should read the loss report: an annotation was left out or
    /// written differently (notes alone need no review).
    pub fn needs_review(&self) -> bool {
        self.losses.iter().any(|l| l.severity != Severity::Info)
    }

    /// How many annotations are not in the file at all (errors of the loss report).
    pub fn annotations_left_out(&self) -> usize {
        self.losses.iter().filter(|l| l.severity == Severity::Error).count()
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
    extra_losses_except(format, doc, a, note, refs, &|_| attributes, out);
}

/// [`extra_losses`] for a format that carries some attributes: those `carries` says.
pub(crate) fn extra_losses_except(format: Format, doc: &Document, a: &Annotation, note: bool, refs: bool, carries: &dyn Fn(&str) -> bool, out: &mut Vec<Diagnostic>) {
    let extra = a.extra();
    let dropped: Vec<&str> = extra.attributes.keys().filter(|k| !carries(k)).map(String::as_str).collect();
    let mut lost = Vec::new();
    if !note && extra.note.is_some() {
        lost.push("its note".to_owned());
    }
    if !refs && !extra.refs.is_empty() {
        lost.push(format!("{} entity reference(s)", extra.refs.len()));
    }
    if !dropped.is_empty() {
        lost.push(format!("{} attribute(s)", dropped.len()));
    }
    if !lost.is_empty() {
        out.push(Diagnostic::new(Severity::Warning, "not-carried", Some(doc.id()), Some(&a.id), format!("{} cannot carry {}", format.title(), lost.join(" and "))));
    }
}

/// What a format carries of a relation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RelationCarry {
    /// The relation itself (its type and ends).
    pub relations: bool,
    /// Its note.
    pub note: bool,
    /// Its attributes.
    pub attributes: bool,
}

impl RelationCarry {
    /// A format that holds no relation at all.
    pub const NONE: RelationCarry = RelationCarry { relations: false, note: false, attributes: false };
}

/// How a relation reads in a loss report: `MEETS “Kim Jong-un” → “Vladimir Putin”`.
pub(crate) fn describe_relation(doc: &Document, r: &Relation) -> String {
    let quote = |id: &str| doc.annotations().get(id).map_or_else(|| id.to_owned(), |a| short(a.quote(doc.text()), 40));
    format!("{} “{}” → “{}”", r.kind, quote(&r.from), quote(&r.to))
}

/// The loss diagnostics for the relations of `doc` that a format drops, whole or in
/// part (warnings, so that [`Export::annotations_left_out`] keeps counting annotations);
/// returns how many relations the file carries. `written` says whether an annotation
/// is in the file: a relation with an end that is not cannot be written either.
pub(crate) fn relation_losses(format: Format, doc: &Document, carry: RelationCarry, written: &dyn Fn(&str) -> bool, out: &mut Vec<Diagnostic>) -> usize {
    let mut carried = 0;
    for r in doc.relations().iter() {
        let extra = r.extra();
        if !carry.relations {
            let mut with = Vec::new();
            if extra.note.is_some() {
                with.push("its note".to_owned());
            }
            if !extra.attributes.is_empty() {
                with.push(format!("{} attribute(s)", extra.attributes.len()));
            }
            let with = if with.is_empty() { String::new() } else { format!(", with {},", with.join(" and ")) };
            out.push(Diagnostic::new(Severity::Warning, "relation-not-carried", Some(doc.id()), Some(&r.id), format!("{} cannot carry relations: {}{with} is not in the file", format.title(), describe_relation(doc, r))));
            continue;
        }
        if !written(&r.from) || !written(&r.to) {
            out.push(Diagnostic::new(Severity::Warning, "relation-end-left-out", Some(doc.id()), Some(&r.id), format!("{} is not in the file: an annotation it links is left out", describe_relation(doc, r))));
            continue;
        }
        carried += 1;
        let mut lost = Vec::new();
        if !carry.note && extra.note.is_some() {
            lost.push("its note".to_owned());
        }
        if !carry.attributes && !extra.attributes.is_empty() {
            lost.push(format!("{} attribute(s)", extra.attributes.len()));
        }
        if !lost.is_empty() {
            out.push(Diagnostic::new(Severity::Warning, "not-carried", Some(doc.id()), Some(&r.id), format!("{} cannot carry {} of relation {}", format.title(), lost.join(" and "), describe_relation(doc, r))));
        }
    }
    carried
}

/// The name of an export: `<document>.<extension>` for one document, else
/// `spanmark-corpus.<extension>`.
pub(crate) fn export_name(docs: &[&Document], extension: &str) -> String {
    match docs {
        [one] => format!("{}.{extension}", file_stem(one, &mut HashSet::new())),
        _ => format!("spanmark-corpus.{extension}"),
    }
}

/// The most bytes a file-name stem takes, before its extension: file systems take 255
/// bytes for a whole name, and browsers cancel downloads whose names are longer.
pub const MAX_STEM_BYTES: usize = 120;

/// A file-name stem for a document, unique among `used`: letters, digits, `-`, `_` and
/// inner dots only (never a path separator, never a leading dot that would hide the
/// file), at most [`MAX_STEM_BYTES`] bytes, cut on a character boundary.
pub(crate) fn file_stem(doc: &Document, used: &mut HashSet<String>) -> String {
    let name = doc.name();
    let base = name.rsplit_once('.').map_or(name, |(s, e)| if e.len() <= 5 && !s.is_empty() { s } else { name });
    let clean: String = base
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
        .collect();
    let clean = clean.trim_start_matches(['.', '_']).trim_end_matches('.');
    let clean = if clean.is_empty() { doc.id() } else { clean };
    // Room for a "-k" that makes it unique.
    let clean = cut(clean, MAX_STEM_BYTES - 8);
    let mut stem = clean.to_owned();
    let mut k = 2;
    while !used.insert(stem.clone()) {
        stem = format!("{clean}-{k}");
        k += 1;
    }
    stem
}

/// `text` cut to at most `max` bytes, on a character boundary.
fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stem(name: &str) -> String {
        file_stem(&Document::new("d7", name, "text").unwrap(), &mut HashSet::new())
    }

    #[test]
    fn names_are_bounded_visible_and_never_paths() {
        let hangul = "김".repeat(80);
        let long = stem(&format!("{hangul}.txt"));
        assert!(long.len() <= MAX_STEM_BYTES && long.starts_with('김') && long.chars().all(|c| c == '김'), "{long}");
        assert_eq!(stem("..."), "d7");
        assert_eq!(stem(".hidden.txt"), "hidden");
        assert_eq!(stem("../../etc/passwd"), "etc_passwd");
        assert_eq!(stem("a/b\\c.txt"), "a_b_c");
        assert_eq!(stem("report.final.txt"), "report.final");
    }
}
