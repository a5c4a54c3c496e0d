//! Highlight segmentation: the flat run of segments that tiles a range of text,
//! each carrying the annotations active over it.
//!
//! The shell renders one element per segment and never does interval arithmetic
//! itself. Each annotation gets a *level*, a stacking row that is the same in every
//! segment of the range it is drawn in, so overlapping spans can be drawn as
//! stacked underlines that stay distinguishable.

use std::ops::Range;

use crate::annotation::{Annotation, AnnotationSet};

/// One annotation as seen from one segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentSpan {
    /// The annotation's id.
    pub id: String,
    /// The annotation's label id.
    pub label: String,
    /// Its stacking row: 0 for the first, and no two annotations that overlap
    /// within the segmented range share a row.
    pub level: usize,
    /// Whether the annotation starts where this segment starts.
    pub starts_here: bool,
    /// Whether the annotation ends where this segment ends.
    pub ends_here: bool,
}

/// A maximal piece of text over which the same annotations are active.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Start, in UTF-8 bytes (inclusive).
    pub start_byte: usize,
    /// End, in UTF-8 bytes (exclusive).
    pub end_byte: usize,
    /// The annotations active over the whole segment, by level.
    pub spans: Vec<SegmentSpan>,
}

impl Segment {
    /// How many annotations overlap here: 0 for plain text, 2 or more where spans nest or overlap.
    pub fn depth(&self) -> usize {
        self.spans.len()
    }
}

/// Segments `range` (UTF-8 bytes, half-open) of a text annotated by `set`.
///
/// The segments tile `range` exactly, in order, with no empty segment; an empty
/// `range` gives no segment. The cost is O(log n + k log k) for k annotations
/// touching the range, so a renderer can segment one block at a time.
pub fn segments(set: &AnnotationSet, range: Range<usize>) -> Vec<Segment> {
    if range.start >= range.end {
        return Vec::new();
    }
    let clip = |a: &Annotation| a.start_byte.max(range.start)..a.end_byte.min(range.end);
    let anns: Vec<(&Annotation, Range<usize>)> = set.touching(range.clone()).map(|a| (a, clip(a))).collect();

    // Greedy interval colouring in start order: each span takes the lowest free row.
    let mut levels = Vec::with_capacity(anns.len());
    let mut rows: Vec<(usize, usize)> = Vec::new(); // (clipped end, level) of open spans
    for (_, r) in &anns {
        rows.retain(|&(end, _)| end > r.start);
        let level = (0..).find(|l| rows.iter().all(|&(_, taken)| taken != *l)).unwrap_or(0);
        rows.push((r.end, level));
        levels.push(level);
    }

    let mut cuts: Vec<usize> = Vec::with_capacity(anns.len() * 2 + 2);
    cuts.push(range.start);
    cuts.push(range.end);
    for (_, r) in &anns {
        cuts.push(r.start);
        cuts.push(r.end);
    }
    cuts.sort_unstable();
    cuts.dedup();

    let mut out = Vec::with_capacity(cuts.len());
    let mut next = 0; // the next annotation (in start order) to open
    let mut active: Vec<usize> = Vec::new(); // indices into `anns`
    for pair in cuts.windows(2) {
        let (from, to) = (pair[0], pair[1]);
        active.retain(|&i| anns[i].1.end > from);
        while next < anns.len() && anns[next].1.start <= from {
            active.push(next);
            next += 1;
        }
        let mut spans: Vec<SegmentSpan> = active
            .iter()
            .map(|&i| {
                let (a, _) = anns[i];
                SegmentSpan {
                    id: a.id.clone(),
                    label: a.label.clone(),
                    level: levels[i],
                    starts_here: a.start_byte == from,
                    ends_here: a.end_byte == to,
                }
            })
            .collect();
        spans.sort_by_key(|s| s.level);
        out.push(Segment { start_byte: from, end_byte: to, spans });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(spans: &[(&str, usize, usize)]) -> AnnotationSet {
        let mut set = AnnotationSet::new();
        for (id, s, e) in spans {
            set.insert(Annotation::new(*id, *s..*e, "L"));
        }
        set
    }

    fn shape(segs: &[Segment]) -> Vec<(usize, usize, Vec<(String, usize)>)> {
        segs.iter()
            .map(|s| (s.start_byte, s.end_byte, s.spans.iter().map(|p| (p.id.clone(), p.level)).collect()))
            .collect()
    }

    #[test]
    fn nested_and_overlapping_spans_get_rows_and_tile_the_range() {
        // outer [0,10), inner [2,5), crossing [8,12)
        let set = set(&[("outer", 0, 10), ("inner", 2, 5), ("cross", 8, 12)]);
        let s = |v: &[(&str, usize)]| v.iter().map(|(a, b)| ((*a).to_owned(), *b)).collect::<Vec<_>>();
        assert_eq!(
            shape(&segments(&set, 0..14)),
            vec![
                (0, 2, s(&[("outer", 0)])),
                (2, 5, s(&[("outer", 0), ("inner", 1)])),
                (5, 8, s(&[("outer", 0)])),
                (8, 10, s(&[("outer", 0), ("cross", 1)])),
                (10, 12, s(&[("cross", 1)])),
                (12, 14, vec![]),
            ]
        );
    }

    #[test]
    fn a_range_inside_a_long_span_is_clipped() {
        let set = set(&[("long", 0, 100)]);
        let segs = segments(&set, 40..50);
        assert_eq!(segs.len(), 1);
        assert!(!segs[0].spans[0].starts_here && !segs[0].spans[0].ends_here);
        assert!(segments(&set, 7..7).is_empty());
    }
}
