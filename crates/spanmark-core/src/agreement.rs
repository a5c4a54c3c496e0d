//! Agreement between annotators: span precision, recall and F1 per label (micro and
//! macro) in three modes, a label confusion table, the list of disagreements, Cohen's
//! kappa on token-level IOB2 tags, and Krippendorff's alpha for unitizing (α_u).
//!
//! Every annotator's work is a *layer*: a list of [`SpanRef`]s, each naming its
//! document by a key that all layers share (the page and the command line match
//! documents by text, see [`Study::from_workspaces`]). Offsets are UTF-8 bytes of the
//! document's text, half-open, as everywhere in the core; α_u counts code points.
//!
//! A pair is compared as reference (A) against candidate (B): precision is the share
//! of B's spans that A confirms, recall the share of A's spans that B found, so
//! swapping A and B swaps precision and recall.
//!
//! ```
//! use spanmark_core::agreement::{compare, Mode, SpanRef};
//!
//! let span = |s, e, l: &str| SpanRef { doc: "d".into(), start_byte: s, end_byte: e, label: l.into() };
//! let a = vec![span(0, 5, "PER"), span(10, 15, "ORG")];
//! let b = vec![span(0, 5, "PER"), span(10, 14, "ORG")];
//! assert_eq!(compare(&a, &b, Mode::Exact).micro.f1(), 0.5);
//! assert_eq!(compare(&a, &b, Mode::Overlap).micro.f1(), 1.0);
//! ```

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};

use crate::interchange::conll::{fit_to_tokens, tokenize};
use crate::workspace::Workspace;

/// One span of one annotator's layer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SpanRef {
    /// The document it belongs to, by a key every compared layer shares.
    pub doc: String,
    /// Its first byte (UTF-8 bytes of the document's text).
    pub start_byte: usize,
    /// Its end byte, exclusive.
    pub end_byte: usize,
    /// Its label id.
    pub label: String,
}

impl SpanRef {
    /// Its length in bytes (0 for an empty or reversed span).
    pub fn len_bytes(&self) -> usize {
        self.end_byte.saturating_sub(self.start_byte)
    }

    /// Whether it covers no text.
    pub fn is_empty(&self) -> bool {
        self.len_bytes() == 0
    }

    /// How many bytes it shares with `other` (0 for another document).
    pub fn overlap_bytes(&self, other: &SpanRef) -> usize {
        if self.doc != other.doc {
            return 0;
        }
        self.end_byte.min(other.end_byte).saturating_sub(self.start_byte.max(other.start_byte))
    }

    /// Position order within a document: start ascending, the longer first, then label.
    fn position_key(&self) -> (usize, Reverse<usize>, &str) {
        (self.start_byte, Reverse(self.end_byte), self.label.as_str())
    }
}

/// How two spans must correspond to count as the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Same start, same end, same label.
    Exact,
    /// Same label and at least one byte in common; each span matches at most one
    /// other, the largest overlaps first.
    Overlap,
    /// Same start and same end; the label is ignored.
    Boundary,
}

impl Mode {
    /// Every mode, in the order reports list them.
    pub const ALL: [Mode; 3] = [Mode::Exact, Mode::Overlap, Mode::Boundary];

    /// The stable id (`"exact"`, `"overlap"`, `"boundary"`).
    pub fn id(self) -> &'static str {
        match self {
            Mode::Exact => "exact",
            Mode::Overlap => "overlap",
            Mode::Boundary => "boundary",
        }
    }

    /// The mode with this id.
    pub fn from_id(id: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.id() == id)
    }
}

/// Counts behind precision and recall, for one label or for all.
///
/// In [`Mode::Boundary`] a matched pair may carry two labels: the pair counts for A's
/// label in `matched_reference` and for B's label in `matched_candidate`. In the other
/// modes the two are equal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Spans in A (the reference).
    pub reference: usize,
    /// Spans in B (the candidate).
    pub candidate: usize,
    /// Spans of A matched by a span of B.
    pub matched_reference: usize,
    /// Spans of B matched by a span of A.
    pub matched_candidate: usize,
}

/// `num / den`, with 0 for an empty denominator.
fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

impl Counts {
    /// Whether neither layer has a span here: two empty layers agree perfectly, so
    /// precision, recall and F1 are then 1.
    pub fn is_empty(&self) -> bool {
        self.reference == 0 && self.candidate == 0
    }

    /// The share of B's spans that match a span of A (0 when B has none but A has).
    pub fn precision(&self) -> f64 {
        if self.is_empty() {
            1.0
        } else {
            ratio(self.matched_candidate, self.candidate)
        }
    }

    /// The share of A's spans that match a span of B (0 when A has none but B has).
    pub fn recall(&self) -> f64 {
        if self.is_empty() {
            1.0
        } else {
            ratio(self.matched_reference, self.reference)
        }
    }

    /// The harmonic mean of precision and recall (0 when both are 0).
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    fn add(&mut self, other: &Counts) {
        self.reference += other.reference;
        self.candidate += other.candidate;
        self.matched_reference += other.matched_reference;
        self.matched_candidate += other.matched_candidate;
    }
}

/// Precision, recall and F1 of B against A in one mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scores {
    /// The mode they were computed in.
    pub mode: Mode,
    /// Counts per label (every label of either layer), by label id.
    pub per_label: BTreeMap<String, Counts>,
    /// Counts over all spans (micro average).
    pub micro: Counts,
}

impl Scores {
    fn macro_of(&self, f: impl Fn(&Counts) -> f64) -> f64 {
        if self.per_label.is_empty() {
            return f(&self.micro);
        }
        self.per_label.values().map(f).sum::<f64>() / self.per_label.len() as f64
    }

    /// The mean of the per-label precisions (macro average).
    pub fn macro_precision(&self) -> f64 {
        self.macro_of(Counts::precision)
    }

    /// The mean of the per-label recalls (macro average).
    pub fn macro_recall(&self) -> f64 {
        self.macro_of(Counts::recall)
    }

    /// The mean of the per-label F1 scores (macro average, as seqeval and
    /// scikit-learn compute it: not the F1 of the macro precision and recall).
    pub fn macro_f1(&self) -> f64 {
        self.macro_of(Counts::f1)
    }
}

/// The spans of a layer grouped by document, each group in position order.
fn by_document(layer: &[SpanRef]) -> BTreeMap<&str, Vec<&SpanRef>> {
    let mut out: BTreeMap<&str, Vec<&SpanRef>> = BTreeMap::new();
    for s in layer {
        out.entry(s.doc.as_str()).or_default().push(s);
    }
    for spans in out.values_mut() {
        spans.sort_by(|x, y| x.position_key().cmp(&y.position_key()));
    }
    out
}

/// One-to-one pairs `(index in a, index in b)` of spans with the same start, end and
/// (when `with_label`) label, in A's order; among equal spans the first meets the first.
fn pair_equal(a: &[&SpanRef], b: &[&SpanRef], taken_a: &mut [bool], taken_b: &mut [bool], with_label: bool) -> Vec<(usize, usize)> {
    let mut free: HashMap<(usize, usize, &str), std::collections::VecDeque<usize>> = HashMap::new();
    for (j, s) in b.iter().enumerate().filter(|(j, _)| !taken_b[*j]) {
        free.entry((s.start_byte, s.end_byte, if with_label { s.label.as_str() } else { "" })).or_default().push_back(j);
    }
    let mut out = Vec::new();
    for (i, s) in a.iter().enumerate() {
        if taken_a[i] {
            continue;
        }
        let key = (s.start_byte, s.end_byte, if with_label { s.label.as_str() } else { "" });
        if let Some(j) = free.get_mut(&key).and_then(|q| q.pop_front()) {
            taken_a[i] = true;
            taken_b[j] = true;
            out.push((i, j));
        }
    }
    out
}

/// One-to-one pairs of spans with the same label that share at least one byte, chosen
/// greedily: the largest overlap first; among equal overlaps the pair whose starts and
/// ends differ least, then the pair of spans first in position order (compared as an
/// unordered pair, so that swapping A and B chooses the same pairs).
fn pair_overlapping(a: &[&SpanRef], b: &[&SpanRef], taken_a: &mut [bool], taken_b: &mut [bool]) -> Vec<(usize, usize)> {
    // B's free spans per label, by start, with the longest length of each label.
    let mut by_label: HashMap<&str, (Vec<usize>, usize)> = HashMap::new();
    for (j, s) in b.iter().enumerate().filter(|(j, _)| !taken_b[*j]) {
        let entry = by_label.entry(s.label.as_str()).or_default();
        entry.0.push(j);
        entry.1 = entry.1.max(s.len_bytes());
    }
    let mut candidates = Vec::new();
    for (i, x) in a.iter().enumerate().filter(|(i, _)| !taken_a[*i]) {
        let Some((js, longest)) = by_label.get(x.label.as_str()) else { continue };
        // A span of B that overlaps x starts after x.start - longest and before x.end.
        let from = js.partition_point(|&j| b[j].start_byte.saturating_add(*longest) <= x.start_byte);
        for &j in &js[from..] {
            let y = b[j];
            if y.start_byte >= x.end_byte {
                break;
            }
            let overlap = x.overlap_bytes(y);
            if overlap > 0 {
                let distance = x.start_byte.abs_diff(y.start_byte) + x.end_byte.abs_diff(y.end_byte);
                let (first, second) = if x.position_key() <= y.position_key() { (x.position_key(), y.position_key()) } else { (y.position_key(), x.position_key()) };
                candidates.push((Reverse(overlap), distance, first, second, i, j));
            }
        }
    }
    candidates.sort();
    let mut out = Vec::new();
    for (_, _, _, _, i, j) in candidates {
        if !taken_a[i] && !taken_b[j] {
            taken_a[i] = true;
            taken_b[j] = true;
            out.push((i, j));
        }
    }
    out
}

/// The one-to-one pairs of a mode for the spans of one document.
fn pairs(a: &[&SpanRef], b: &[&SpanRef], mode: Mode) -> Vec<(usize, usize)> {
    let mut taken_a = vec![false; a.len()];
    let mut taken_b = vec![false; b.len()];
    // Exact pairs come first in every mode: an overlap or a boundary match never takes
    // a span that has its exact twin.
    let mut out = pair_equal(a, b, &mut taken_a, &mut taken_b, true);
    match mode {
        Mode::Exact => {}
        Mode::Overlap => out.extend(pair_overlapping(a, b, &mut taken_a, &mut taken_b)),
        Mode::Boundary => out.extend(pair_equal(a, b, &mut taken_a, &mut taken_b, false)),
    }
    out
}

/// Precision, recall and F1 of layer `b` against reference layer `a` in `mode`, per
/// label and over all spans. Empty spans count like any other.
pub fn compare(a: &[SpanRef], b: &[SpanRef], mode: Mode) -> Scores {
    let (by_a, by_b) = (by_document(a), by_document(b));
    let mut per_label: BTreeMap<String, Counts> = BTreeMap::new();
    for s in a {
        per_label.entry(s.label.clone()).or_default().reference += 1;
    }
    for s in b {
        per_label.entry(s.label.clone()).or_default().candidate += 1;
    }
    let none = Vec::new();
    for (doc, xs) in &by_a {
        let ys = by_b.get(doc).unwrap_or(&none);
        for (i, j) in pairs(xs, ys, mode) {
            per_label.get_mut(&xs[i].label).expect("counted").matched_reference += 1;
            per_label.get_mut(&ys[j].label).expect("counted").matched_candidate += 1;
        }
    }
    let mut micro = Counts::default();
    per_label.values().for_each(|c| micro.add(c));
    Scores { mode, per_label, micro }
}

/// Every pair of layers compared in `mode`: `matrix[i][j]` is layer `j` against
/// reference layer `i` (the diagonal compares each layer with itself).
pub fn matrix(layers: &[&[SpanRef]], mode: Mode) -> Vec<Vec<Scores>> {
    layers.iter().map(|a| layers.iter().map(|b| compare(a, b, mode)).collect()).collect()
}

/// How many boundary-matched pairs carry each pair of labels: `(A's label, B's label)`
/// to a count. The diagonal holds the pairs whose labels agree.
pub fn confusion(a: &[SpanRef], b: &[SpanRef]) -> BTreeMap<(String, String), usize> {
    let (by_a, by_b) = (by_document(a), by_document(b));
    let mut out: BTreeMap<(String, String), usize> = BTreeMap::new();
    let none = Vec::new();
    for (doc, xs) in &by_a {
        let ys = by_b.get(doc).unwrap_or(&none);
        for (i, j) in pairs(xs, ys, Mode::Boundary) {
            *out.entry((xs[i].label.clone(), ys[j].label.clone())).or_default() += 1;
        }
    }
    out
}

/// What kind of disagreement a [`Disagreement`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DisagreementKind {
    /// B has a span that A has nothing like.
    MissingInA,
    /// A has a span that B has nothing like.
    MissingInB,
    /// Both have a span with the same label over overlapping text, with other bounds.
    BoundaryDiffers,
    /// Both have a span with the same bounds, with other labels.
    LabelDiffers,
}

impl DisagreementKind {
    /// The stable id (`"missing-in-a"`, `"missing-in-b"`, `"boundary-differs"`, `"label-differs"`).
    pub fn id(self) -> &'static str {
        match self {
            DisagreementKind::MissingInA => "missing-in-a",
            DisagreementKind::MissingInB => "missing-in-b",
            DisagreementKind::BoundaryDiffers => "boundary-differs",
            DisagreementKind::LabelDiffers => "label-differs",
        }
    }
}

/// One place where two layers disagree, with the spans of each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    /// What kind it is.
    pub kind: DisagreementKind,
    /// A's span (`None` for [`DisagreementKind::MissingInA`]).
    pub a: Option<SpanRef>,
    /// B's span (`None` for [`DisagreementKind::MissingInB`]).
    pub b: Option<SpanRef>,
}

/// Every disagreement between `a` and `b`, whatever the mode, for an adjudicator to
/// settle: spans that match exactly are set aside, then spans with the same bounds and
/// other labels are paired ([`DisagreementKind::LabelDiffers`]), then spans with the
/// same label over overlapping text, by the overlap rule of [`Mode::Overlap`]
/// ([`DisagreementKind::BoundaryDiffers`]); what is left is missing in the other
/// layer. Sorted by document, then by the position of the pair's first span.
pub fn disagreements(a: &[SpanRef], b: &[SpanRef]) -> Vec<Disagreement> {
    let (by_a, by_b) = (by_document(a), by_document(b));
    let mut docs: Vec<&str> = by_a.keys().chain(by_b.keys()).copied().collect();
    docs.sort_unstable();
    docs.dedup();
    let none = Vec::new();
    let mut out = Vec::new();
    for doc in docs {
        let xs = by_a.get(doc).unwrap_or(&none);
        let ys = by_b.get(doc).unwrap_or(&none);
        let mut taken_a = vec![false; xs.len()];
        let mut taken_b = vec![false; ys.len()];
        pair_equal(xs, ys, &mut taken_a, &mut taken_b, true);
        let mut found: Vec<Disagreement> = Vec::new();
        let label = pair_equal(xs, ys, &mut taken_a, &mut taken_b, false);
        let bounds = pair_overlapping(xs, ys, &mut taken_a, &mut taken_b);
        for (kind, pairs) in [(DisagreementKind::LabelDiffers, label), (DisagreementKind::BoundaryDiffers, bounds)] {
            found.extend(pairs.into_iter().map(|(i, j)| Disagreement { kind, a: Some(xs[i].clone()), b: Some(ys[j].clone()) }));
        }
        found.extend(xs.iter().zip(&taken_a).filter(|(_, t)| !**t).map(|(x, _)| Disagreement { kind: DisagreementKind::MissingInB, a: Some((*x).clone()), b: None }));
        found.extend(ys.iter().zip(&taken_b).filter(|(_, t)| !**t).map(|(y, _)| Disagreement { kind: DisagreementKind::MissingInA, a: None, b: Some((*y).clone()) }));
        found.sort_by(|p, q| {
            let first = |d: &Disagreement| {
                let spans = [d.a.as_ref(), d.b.as_ref()];
                spans.into_iter().flatten().map(|s| (s.start_byte, Reverse(s.end_byte))).min()
            };
            first(p).cmp(&first(q)).then(p.kind.cmp(&q.kind))
        });
        out.extend(found);
    }
    out
}

/// A document's text, by the key its spans name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocText<'t> {
    /// The key its spans name in [`SpanRef::doc`].
    pub doc: &'t str,
    /// Its text.
    pub text: &'t str,
}

/// Cohen's kappa between two layers' token tags.
#[derive(Debug, Clone, PartialEq)]
pub struct Kappa {
    /// How many tokens were compared.
    pub tokens: usize,
    /// The share of tokens whose tags agree.
    pub observed: f64,
    /// The agreement expected by chance from each layer's tag frequencies.
    pub expected: f64,
    /// `(observed − expected) / (1 − expected)`; 1 when every tag agrees (even if
    /// both layers use one tag only); `None` when there are no tokens.
    pub kappa: Option<f64>,
    /// Spans of A that token tags cannot hold (inside a token, nested or overlapping,
    /// across a sentence), left out as the CoNLL export leaves them out.
    pub untagged_a: usize,
    /// Spans of B that token tags cannot hold.
    pub untagged_b: usize,
}

/// The IOB2 tag of each token of `tokens` for the spans of one document, and how many
/// spans could not be tagged. The rule is the CoNLL export's.
fn iob2_tags(tokens: &[crate::interchange::conll::Token], spans: Option<&Vec<&SpanRef>>) -> (Vec<String>, usize) {
    let mut tags = vec!["O".to_owned(); tokens.len()];
    let Some(spans) = spans else { return (tags, 0) };
    let bounds: Vec<(usize, usize)> = spans.iter().map(|s| (s.start_byte, s.end_byte)).collect();
    let mut untagged = 0;
    for (fit, s) in fit_to_tokens(tokens, &bounds).into_iter().zip(spans) {
        match fit {
            Ok((first, last)) => {
                for (k, tag) in tags[first..=last].iter_mut().enumerate() {
                    *tag = format!("{}-{}", if k == 0 { "B" } else { "I" }, s.label);
                }
            }
            Err(_) => untagged += 1,
        }
    }
    (tags, untagged)
}

/// Cohen's kappa between `a` and `b` on the IOB2 tag of every token of these documents,
/// tokenized as the CoNLL export tokenizes ([`crate::interchange::conll::tokenize`]).
/// Spans that tags cannot hold are left out, as the CoNLL export leaves them out.
pub fn cohen_kappa(docs: &[DocText<'_>], a: &[SpanRef], b: &[SpanRef]) -> Kappa {
    let (by_a, by_b) = (by_document(a), by_document(b));
    // Ordered maps: the sums below then add in one order, and the figures are reproducible.
    let mut pairs: BTreeMap<(String, String), usize> = BTreeMap::new();
    let (mut untagged_a, mut untagged_b) = (0, 0);
    for doc in docs {
        let tokens = tokenize(doc.text);
        let (ta, ua) = iob2_tags(&tokens, by_a.get(doc.doc));
        let (tb, ub) = iob2_tags(&tokens, by_b.get(doc.doc));
        untagged_a += ua;
        untagged_b += ub;
        for (x, y) in ta.into_iter().zip(tb) {
            *pairs.entry((x, y)).or_default() += 1;
        }
    }
    let n: usize = pairs.values().sum();
    if n == 0 {
        return Kappa { tokens: 0, observed: 0.0, expected: 0.0, kappa: None, untagged_a, untagged_b };
    }
    let agree: usize = pairs.iter().filter(|((x, y), _)| x == y).map(|(_, c)| c).sum();
    let (mut of_a, mut of_b): (BTreeMap<&str, usize>, BTreeMap<&str, usize>) = (BTreeMap::new(), BTreeMap::new());
    for ((x, y), c) in &pairs {
        *of_a.entry(x).or_default() += c;
        *of_b.entry(y).or_default() += c;
    }
    let nf = n as f64;
    let observed = agree as f64 / nf;
    let expected: f64 = of_a.iter().map(|(tag, &c)| (c as f64 / nf) * (of_b.get(tag).copied().unwrap_or(0) as f64 / nf)).sum();
    let kappa = if agree == n { 1.0 } else { (observed - expected) / (1.0 - expected) };
    Kappa { tokens: n, observed, expected, kappa: Some(kappa), untagged_a, untagged_b }
}

/// One annotator's unit on a continuum (Krippendorff's α_u): where it begins, how long
/// it is, and its category. Positions count whatever the continuum counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContinuumUnit {
    /// The annotator, counted from 0.
    pub annotator: usize,
    /// Where it begins.
    pub begin: u64,
    /// Its length.
    pub length: u64,
    /// Its category (label).
    pub label: String,
}

/// Krippendorff's α_u for one category.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryAlpha {
    /// The observed disagreement D_o.
    pub observed: f64,
    /// The disagreement expected by chance D_e.
    pub expected: f64,
    /// `1 − D_o / D_e`; `None` when D_e is 0 (no unit of the category).
    pub alpha: Option<f64>,
}

/// Krippendorff's α_u over a continuum, per category and overall.
#[derive(Debug, Clone, PartialEq)]
pub struct AlphaU {
    /// Per category, by label id.
    pub per_label: BTreeMap<String, CategoryAlpha>,
    /// `1 − ΣD_o / ΣD_e` over all categories (as DKPro Statistics computes it);
    /// `None` when there is no unit at all or fewer than two annotators.
    pub alpha: Option<f64>,
    /// Units of one annotator and one category that overlapped and were merged into one
    /// (α_u's continuum holds no overlapping units of one category per annotator).
    pub merged: usize,
}

/// One annotator's sections of the continuum for one category: `(begin, end, is_unit)`,
/// covering `[begin, end)` without gaps, and how many units were merged.
fn sections(units: &[&ContinuumUnit], begin: u64, end: u64) -> (Vec<(u64, u64, bool)>, usize) {
    let mut spans: Vec<(u64, u64)> = units.iter().map(|u| (u.begin.max(begin), u.begin.saturating_add(u.length).min(end))).filter(|(b, e)| b < e).collect();
    spans.sort_unstable();
    let mut merged_units: Vec<(u64, u64)> = Vec::new();
    let mut merged = 0;
    for (b, e) in spans {
        match merged_units.last_mut() {
            Some(last) if b < last.1 => {
                last.1 = last.1.max(e);
                merged += 1;
            }
            _ => merged_units.push((b, e)),
        }
    }
    let mut out = Vec::new();
    let mut at = begin;
    for (b, e) in merged_units {
        if b > at {
            out.push((at, b, false));
        }
        out.push((b, e, true));
        at = e;
    }
    if at < end {
        out.push((at, end, false));
    }
    (out, merged)
}

/// Krippendorff's squared distance δ² between two intersecting sections of two annotators.
fn distance_squared(g: (u64, u64, bool), h: (u64, u64, bool)) -> f64 {
    let sq = |x: f64| x * x;
    match (g.2, h.2) {
        (true, true) => sq(g.0 as f64 - h.0 as f64) + sq(g.1 as f64 - h.1 as f64),
        (true, false) if h.0 <= g.0 && g.1 <= h.1 => sq((g.1 - g.0) as f64),
        (false, true) if g.0 <= h.0 && h.1 <= g.1 => sq((h.1 - h.0) as f64),
        _ => 0.0,
    }
}

/// Krippendorff's α_u (Krippendorff 1995, 2004: 251–256) for `annotators` annotators
/// whose units lie on the continuum `[begin, begin + length)`; units reaching outside
/// are clipped to it. Every annotator is taken to have judged the whole continuum.
pub fn alpha_u_continuum(begin: u64, length: u64, annotators: usize, units: &[ContinuumUnit]) -> AlphaU {
    let end = begin.saturating_add(length);
    let mut labels: BTreeMap<&str, Vec<&ContinuumUnit>> = BTreeMap::new();
    for u in units.iter().filter(|u| u.annotator < annotators) {
        labels.entry(u.label.as_str()).or_default().push(u);
    }
    let (m, l) = (annotators as f64, length as f64);
    let mut per_label = BTreeMap::new();
    let mut merged = 0;
    let (mut sum_observed, mut sum_expected) = (0.0, 0.0);
    for (label, of_label) in labels {
        let per_annotator: Vec<Vec<(u64, u64, bool)>> = (0..annotators)
            .map(|r| {
                let mine: Vec<&ContinuumUnit> = of_label.iter().filter(|u| u.annotator == r).copied().collect();
                let (s, k) = sections(&mine, begin, end);
                merged += k;
                s
            })
            .collect();
        // Observed: every intersecting pair of sections of every two annotators.
        let mut observed = 0.0;
        for r1 in 0..annotators {
            for r2 in r1 + 1..annotators {
                let (xs, ys) = (&per_annotator[r1], &per_annotator[r2]);
                // Both lists cover the continuum: walk them together, always holding
                // one section of each that intersect.
                let (mut i, mut j) = (0, 0);
                while i < xs.len() && j < ys.len() {
                    observed += distance_squared(xs[i], ys[j]);
                    let (x_end, y_end) = (xs[i].1, ys[j].1);
                    if x_end <= y_end {
                        i += 1;
                    }
                    if y_end <= x_end {
                        j += 1;
                    }
                }
            }
        }
        let observed = if annotators < 2 || length == 0 { 0.0 } else { 2.0 * observed / (m * (m - 1.0) * l * l) };
        // Expected: each unit against every unit and every gap long enough to hold it.
        let unit_lengths: Vec<f64> = per_annotator.iter().flatten().filter(|s| s.2).map(|s| (s.1 - s.0) as f64).collect();
        let mut gaps: Vec<u64> = per_annotator.iter().flatten().filter(|s| !s.2).map(|s| s.1 - s.0).collect();
        gaps.sort_unstable();
        // suffix[k]: Σ over gaps[k..] of (gap + 1), to sum (gap − len + 1) over gaps ≥ len.
        let mut suffix = vec![0.0; gaps.len() + 1];
        for k in (0..gaps.len()).rev() {
            suffix[k] = suffix[k + 1] + gaps[k] as f64 + 1.0;
        }
        let n_c = unit_lengths.len() as f64;
        let mut numerator = 0.0;
        for &len in &unit_lengths {
            let from = gaps.partition_point(|&g| (g as f64) < len);
            let fitting = suffix[from] - len * (gaps.len() - from) as f64;
            numerator += (n_c - 1.0) * (2.0 * len * len * len - 3.0 * len * len + len) / 3.0 + len * len * fitting;
        }
        let squared: f64 = unit_lengths.iter().map(|len| len * (len - 1.0)).sum();
        let denominator = m * l * (m * l - 1.0) - squared;
        let expected = if annotators < 2 || length == 0 || denominator <= 0.0 { 0.0 } else { 2.0 / l * numerator / denominator };
        let alpha = (expected > 0.0).then(|| 1.0 - observed / expected);
        sum_observed += observed;
        sum_expected += expected;
        per_label.insert(label.to_owned(), CategoryAlpha { observed, expected, alpha });
    }
    let alpha = (sum_expected > 0.0).then(|| 1.0 - sum_observed / sum_expected);
    AlphaU { per_label, alpha, merged }
}

/// Krippendorff's α_u of two or more layers over these documents, per label: the
/// documents form one continuum in the order given, counted in code points. Spans of
/// documents not listed, or off their document's character boundaries, are left out.
pub fn alpha_u(docs: &[DocText<'_>], layers: &[&[SpanRef]]) -> AlphaU {
    let mut at: HashMap<&str, (u64, &str)> = HashMap::new();
    let mut length = 0u64;
    for d in docs {
        at.insert(d.doc, (length, d.text));
        length += d.text.chars().count() as u64;
    }
    let cp = |text: &str, byte: usize| text.get(..byte).map(|s| s.chars().count() as u64);
    let mut units = Vec::new();
    for (annotator, layer) in layers.iter().enumerate() {
        for s in layer.iter() {
            let Some(&(offset, text)) = at.get(s.doc.as_str()) else { continue };
            if let (Some(b), Some(e)) = (cp(text, s.start_byte), cp(text, s.end_byte)) {
                if e > b {
                    units.push(ContinuumUnit { annotator, begin: offset + b, length: e - b, label: s.label.clone() });
                }
            }
        }
    }
    alpha_u_continuum(0, length, layers.len(), &units)
}

/// One document of a [`Study`]: found in every annotator's workspace by its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudyDocument {
    /// The key its spans name in [`SpanRef::doc`] (its name in the first workspace,
    /// made unique).
    pub key: String,
    /// Its text.
    pub text: String,
}

/// Several annotators' layers of the same documents, matched by text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Study {
    /// The annotators' names, in the order given.
    pub annotators: Vec<String>,
    /// The documents every annotator has, in the first workspace's order.
    pub documents: Vec<StudyDocument>,
    /// Each annotator's spans on those documents, in the order of `annotators`.
    pub layers: Vec<Vec<SpanRef>>,
    /// Documents left out because some annotator does not have them:
    /// `(annotator, document name)` for each workspace that holds one.
    pub left_out: Vec<(String, String)>,
}

/// One document of one annotator's layer, as read from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerDocument {
    /// Its name.
    pub name: String,
    /// Its text.
    pub text: String,
    /// Its spans: `(start_byte, end_byte, label)`, UTF-8 bytes of `text`.
    pub spans: Vec<(usize, usize, String)>,
}

impl LayerDocument {
    /// The documents of a workspace, with their annotations.
    pub fn of_workspace(ws: &Workspace) -> Vec<LayerDocument> {
        ws.documents()
            .iter()
            .map(|d| LayerDocument { name: d.name().to_owned(), text: d.text().to_owned(), spans: d.annotations().iter().map(|a| (a.start_byte, a.end_byte, a.label.clone())).collect() })
            .collect()
    }
}

/// A hash of a text, to find equal texts without holding them twice.
fn text_hash(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

impl Study {
    /// Matches the documents of several annotators' workspaces by their exact text.
    /// Documents that not every annotator has are left out and listed.
    pub fn from_workspaces(annotators: &[(&str, &Workspace)]) -> Study {
        Study::from_layers(annotators.iter().map(|(name, ws)| ((*name).to_owned(), LayerDocument::of_workspace(ws))).collect())
    }

    /// Matches several annotators' documents by their exact text, taking the texts over
    /// (each text is held once). Documents that not every annotator has are left out and
    /// listed; copies of one text in one layer are one document, their spans joined.
    pub fn from_layers(annotators: Vec<(String, Vec<LayerDocument>)>) -> Study {
        let n = annotators.len();
        let mut study = Study { annotators: annotators.iter().map(|(name, _)| name.clone()).collect(), ..Study::default() };
        // The first layer's texts, once each, in its order, found by hash.
        let mut texts: Vec<(String, String)> = Vec::new();
        let mut by_hash: HashMap<u64, Vec<usize>> = HashMap::new();
        let find = |texts: &[(String, String)], by_hash: &HashMap<u64, Vec<usize>>, text: &str| by_hash.get(&text_hash(text)).and_then(|c| c.iter().copied().find(|&i| texts[i].1 == text));
        // Each text's name and spans per layer (`None`: the layer does not have it), and
        // the documents left out, by layer.
        type Found = Option<(String, Vec<(usize, usize, String)>)>;
        let mut spans: Vec<Vec<Found>> = Vec::new();
        let mut elsewhere: Vec<(usize, String)> = Vec::new();
        for (layer, (_, docs)) in annotators.into_iter().enumerate() {
            for doc in docs {
                let at = match find(&texts, &by_hash, &doc.text) {
                    Some(i) => Some(i),
                    None if layer == 0 => {
                        by_hash.entry(text_hash(&doc.text)).or_default().push(texts.len());
                        texts.push((doc.name.clone(), doc.text));
                        spans.push(vec![None; n]);
                        Some(texts.len() - 1)
                    }
                    None => None,
                };
                match at {
                    Some(i) => spans[i][layer].get_or_insert_with(|| (doc.name, Vec::new())).1.extend(doc.spans),
                    None => elsewhere.push((layer, doc.name)),
                }
            }
        }
        study.layers = vec![Vec::new(); n];
        let mut keys: std::collections::HashSet<String> = std::collections::HashSet::new();
        for ((name, text), per_layer) in texts.into_iter().zip(spans) {
            if per_layer.iter().any(Option::is_none) {
                elsewhere.extend(per_layer.into_iter().enumerate().filter_map(|(layer, found)| found.map(|(own, _)| (layer, own))));
                continue;
            }
            let key = (1..).map(|k| if k == 1 { name.clone() } else { format!("{name} ({k})") }).find(|k| !keys.contains(k)).expect("unbounded");
            keys.insert(key.clone());
            for (layer, found) in study.layers.iter_mut().zip(per_layer) {
                let mut refs: Vec<SpanRef> = found.map(|(_, s)| s).unwrap_or_default().into_iter().map(|(start_byte, end_byte, label)| SpanRef { doc: key.clone(), start_byte, end_byte, label }).collect();
                refs.sort_by(|x, y| x.position_key().cmp(&y.position_key()));
                refs.dedup();
                layer.extend(refs);
            }
            study.documents.push(StudyDocument { key, text });
        }
        // Left out, listed by annotator in the order given.
        elsewhere.sort_by_key(|(layer, _)| *layer);
        study.left_out = elsewhere.into_iter().map(|(layer, name)| (study.annotators[layer].clone(), name)).collect();
        study
    }

    /// The texts of its documents, for [`cohen_kappa`] and [`alpha_u`].
    pub fn texts(&self) -> Vec<DocText<'_>> {
        self.documents.iter().map(|d| DocText { doc: &d.key, text: &d.text }).collect()
    }

    /// Its layers as slices, for [`matrix`] and [`alpha_u`].
    pub fn layer_slices(&self) -> Vec<&[SpanRef]> {
        self.layers.iter().map(Vec::as_slice).collect()
    }
}
