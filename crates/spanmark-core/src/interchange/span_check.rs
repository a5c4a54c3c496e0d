//! The checks of one document's spans as a file gives them: offsets converted from the
//! file's unit, quotes verified (in the other unit, then at the nearest occurrence), and
//! what the unit of quoteless spans must be; `staging` runs them for every import.

use std::collections::HashSet;

use unicode_segmentation::UnicodeSegmentation;

use super::staging::SpanIn;
use crate::annotation::Annotation;
use crate::document::Document;
use crate::offsets::Unit;
use crate::report::{short, Diagnostic, ImportReport, Severity};
use crate::schema::LabelSchema;

/// Checks the spans of one document: converts offsets from the file's unit, verifies
/// quotes (trying the other unit, then the nearest occurrence), and notices when
/// quoteless spans only line up with words under the other unit.
pub(super) struct SpanChecker<'d> {
    unit: Unit,
    file_ref: &'d str,
    other_unit_hits: usize,
    placed_by_quote: usize,
    fresh: u64,
    quoteless: Vec<(i64, i64)>,
    /// Where the last span's offsets were found in the text's offset index.
    cursor: usize,
}

impl<'d> SpanChecker<'d> {
    pub(super) fn new(unit: Unit, file_ref: &'d str) -> Self {
        SpanChecker { unit, file_ref, other_unit_hits: 0, placed_by_quote: 0, fresh: 0, quoteless: Vec::new(), cursor: 0 }
    }

    /// The byte range of `[start, end)` counted in `unit`, if both are boundaries. The
    /// search starts where the last span's was found (`cursor`): a file's spans come
    /// in about position order.
    fn to_bytes(doc: &Document, start: i64, end: i64, unit: Unit, cursor: &mut usize) -> Option<(usize, usize)> {
        if start < 0 || end <= start {
            return None;
        }
        let index = doc.offsets();
        let s = index.try_convert_near(usize::try_from(start).ok()?, unit, Unit::Byte, cursor).ok()?;
        let e = index.try_convert_near(usize::try_from(end).ok()?, unit, Unit::Byte, cursor).ok()?;
        Some((s, e))
    }

    pub(super) fn check(&mut self, doc: &Document, mut span: SpanIn, schema: &mut LabelSchema, id_taken: &dyn Fn(&str) -> bool, report: &mut ImportReport) -> Option<Annotation> {
        let file_id = span.id.take().unwrap_or_default();
        let d = |severity, code, message: String| Diagnostic::new(severity, code, Some(self.file_ref), Some(&file_id), message);
        if span.label.trim().is_empty() {
            report.diagnostics.push(d(Severity::Error, "missing-label", "the span has no label, so it was left out".to_owned()));
            return None;
        }
        let text = doc.text();
        let given = Self::to_bytes(doc, span.start, span.end, self.unit, &mut self.cursor);
        let unit_name = self.unit.plural();
        if span.quote.is_none() {
            self.quoteless.push((span.start, span.end));
        }
        let (start, end) = match (&span.quote, given) {
            (None, Some(r)) => r,
            (Some(q), Some((s, e))) if text[s..e] == *q => (s, e),
            (quote, _) => {
                let len = doc.offsets().len(self.unit) as i64;
                // An offset inside a character has its own code: a sign of another unit.
                let (code, problem) = if span.start < 0 || span.end <= span.start {
                    ("out-of-range", format!("its span [{}, {}) is not a valid half-open interval", span.start, span.end))
                } else if span.end > len {
                    ("out-of-range", format!("its span [{}, {}) goes past the end of the text ({len} {unit_name})", span.start, span.end))
                } else if given.is_none() {
                    ("splits-character", format!("its span [{}, {}) splits a character when counted in {unit_name}", span.start, span.end))
                } else {
                    ("quote-mismatch", format!("its quote {:?} is not the text at [{}, {})", quote.as_deref().unwrap_or(""), span.start, span.end))
                };
                let Some(quote) = quote else {
                    report.diagnostics.push(d(Severity::Error, code, format!("{problem}, so it was left out")));
                    return None;
                };
                let other = self.unit.other();
                match Self::to_bytes(doc, span.start, span.end, other, &mut self.cursor) {
                    Some((s, e)) if text[s..e] == **quote => {
                        self.other_unit_hits += 1;
                        (s, e)
                    }
                    _ => {
                        let hint = given.map_or(0, |(s, _)| s);
                        let quote_only = span.start < 0 && span.end < 0;
                        match best_occurrence(text, quote, hint, span.prefix.as_deref(), span.suffix.as_deref()) {
                            Some(s) if quote_only => {
                                self.placed_by_quote += 1;
                                (s, s + quote.len())
                            }
                            Some(s) => {
                                let cp = doc.offsets().try_byte_to_cp(s).expect("match starts on a boundary");
                                report.diagnostics.push(d(Severity::Warning, "quote-relocated", format!("{problem}; the quote was found at code point {cp} and the span moved there")));
                                (s, s + quote.len())
                            }
                            None => {
                                report.diagnostics.push(d(Severity::Error, "quote-mismatch", format!("{problem}, and the quote occurs nowhere in the text, so the span was left out")));
                                return None;
                            }
                        }
                    }
                }
            }
        };
        if schema.get(&span.label).is_none() {
            let label = schema.label_for_unknown_id(&span.label);
            match schema.add(label) {
                Ok(()) => {
                    report.labels_added.push(span.label.clone());
                    report.diagnostics.push(d(Severity::Info, "label-added", format!("label {:?} was not in the schema and was added", span.label)));
                }
                Err(why) => {
                    let label = short(&span.label, 40);
                    report.diagnostics.push(d(Severity::Error, "label-refused", format!("label {label:?} cannot be added ({why}), so the span was left out")));
                    return None;
                }
            }
        }
        let id = if file_id.is_empty() {
            loop {
                self.fresh += 1;
                let c = format!("i{}", self.fresh);
                if !id_taken(&c) {
                    break c;
                }
            }
        } else if id_taken(&file_id) {
            // Ids are internal: taking a fresh one is nothing to report.
            (2..).map(|k| format!("{file_id}~{k}")).find(|c| !id_taken(c)).expect("unbounded")
        } else {
            file_id
        };
        let extra = (!span.extra.is_empty()).then(|| Box::new(span.extra));
        Some(Annotation { id, start_byte: start, end_byte: end, label: span.label, extra })
    }

    pub(super) fn finish(self, doc: &Document, report: &mut ImportReport) {
        if self.other_unit_hits > 0 {
            report.diagnostics.push(Diagnostic::new(
                Severity::Info,
                "unit-detected",
                Some(self.file_ref),
                None,
                format!(
                    "{} span(s) count their offsets in {} (their quotes only match that way), and were read that way",
                    self.other_unit_hits,
                    self.unit.other().plural()
                ),
            ));
        }
        if self.placed_by_quote > 0 {
            report.diagnostics.push(Diagnostic::new(Severity::Info, "placed-by-quote", Some(self.file_ref), None, format!("{} span(s) give no position, so they were placed where their quote (and its context) occurs", self.placed_by_quote)));
        }
        // Quoteless spans: the unit can only be judged by whether spans line up with words.
        let text = doc.text();
        if self.quoteless.is_empty() || self.unit == Unit::Byte || text.chars().all(|c| (c as u32) < 0x10000) {
            return;
        }
        let bounds: HashSet<usize> = text.split_word_bound_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let aligned = |unit| {
            let mut cursor = 0;
            self.quoteless
                .iter()
                .filter(|&&(s, e)| Self::to_bytes(doc, s, e, unit, &mut cursor).is_some_and(|(s, e)| bounds.contains(&s) && bounds.contains(&e)))
                .count()
        };
        let here = aligned(self.unit);
        let there = aligned(self.unit.other());
        // Spans before the first astral character line up either way; a file in the
        // other unit lines up almost entirely there and visibly less here.
        if there > here && there * 10 >= self.quoteless.len() * 9 {
            report.diagnostics.push(Diagnostic::new(
                Severity::Warning,
                "unit-suspected",
                Some(self.file_ref),
                None,
                format!(
                    "{} of {} span(s) line up with words when counted in {}, but only {here} when counted in {}: the file probably counts {} (as doccano's browser did). Import it again with that unit if the highlights look shifted",
                    there,
                    self.quoteless.len(),
                    self.unit.other().plural(),
                    self.unit.plural(),
                    self.unit.other().plural(),
                ),
            ));
        }
    }
}

/// The byte offset of the occurrence of `quote` in `text` that best matches the
/// context (prefix before it, suffix after it), and of those the nearest to `hint`.
fn best_occurrence(text: &str, quote: &str, hint: usize, prefix: Option<&str>, suffix: Option<&str>) -> Option<usize> {
    if quote.is_empty() {
        return None;
    }
    let score = |i: usize| {
        usize::from(prefix.is_some_and(|p| !p.is_empty() && text[..i].ends_with(p)))
            + usize::from(suffix.is_some_and(|s| !s.is_empty() && text[i + quote.len()..].starts_with(s)))
    };
    text.match_indices(quote).map(|(i, _)| i).min_by_key(|&i| (std::cmp::Reverse(score(i)), i.abs_diff(hint)))
}
