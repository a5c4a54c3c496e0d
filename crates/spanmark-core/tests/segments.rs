//! Highlight segmentation invariants, checked against brute force over generated annotations.

mod common;

use std::collections::{BTreeSet, HashMap};

use proptest::prelude::*;
use spanmark_core::{Added, Workspace};

fn workspace(text: &str, spans: &[(usize, usize, &str)]) -> (Workspace, String) {
    let mut ws = Workspace::default();
    let doc = ws.add_document("t.txt", text).unwrap();
    for &(s, e, label) in spans {
        ws.add_annotation(&doc, s..e, label).unwrap();
    }
    (ws, doc)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    #[test]
    fn segments_tile_the_text_and_carry_exactly_the_covering_annotations((text, spans) in common::annotated_text(40, 12)) {
        let (ws, doc_id) = workspace(&text, &spans);
        let doc = ws.document(&doc_id).unwrap();
        let segs = ws.segments(&doc_id, 0..text.len()).unwrap();

        // They tile [0, len) in order, with no empty segment.
        prop_assert_eq!(segs.first().map(|s| s.start_byte), Some(0));
        prop_assert_eq!(segs.last().map(|s| s.end_byte), Some(text.len()));
        for pair in segs.windows(2) {
            prop_assert_eq!(pair[0].end_byte, pair[1].start_byte);
        }
        prop_assert!(segs.iter().all(|s| s.start_byte < s.end_byte));

        let mut levels: HashMap<String, usize> = HashMap::new();
        for seg in &segs {
            // The active set is exactly the annotations covering the segment (brute force).
            let expected: BTreeSet<&str> = doc.annotations().iter()
                .filter(|a| a.start_byte <= seg.start_byte && seg.end_byte <= a.end_byte)
                .map(|a| a.id.as_str()).collect();
            let got: BTreeSet<&str> = seg.spans.iter().map(|s| s.id.as_str()).collect();
            prop_assert_eq!(&got, &expected);
            prop_assert_eq!(seg.depth(), expected.len());
            // No annotation is partly inside a segment: segments break at every span end.
            prop_assert!(doc.annotations().iter().all(|a|
                a.end_byte <= seg.start_byte || a.start_byte >= seg.end_byte
                || (a.start_byte <= seg.start_byte && seg.end_byte <= a.end_byte)));
            // Overlapping annotations sit on distinct rows, and a row never changes along a span.
            let rows: BTreeSet<usize> = seg.spans.iter().map(|s| s.level).collect();
            prop_assert_eq!(rows.len(), seg.spans.len());
            for s in &seg.spans {
                let level = *levels.entry(s.id.clone()).or_insert(s.level);
                prop_assert_eq!(level, s.level);
                let a = doc.annotations().get(&s.id).unwrap();
                prop_assert_eq!(s.starts_here, a.start_byte == seg.start_byte);
                prop_assert_eq!(s.ends_here, a.end_byte == seg.end_byte);
            }
        }
        // Each annotation is covered by exactly its segments.
        for a in doc.annotations().iter() {
            let covered: usize = segs.iter()
                .filter(|s| s.spans.iter().any(|p| p.id == a.id))
                .map(|s| s.end_byte - s.start_byte).sum();
            prop_assert_eq!(covered, a.end_byte - a.start_byte);
        }
    }

    #[test]
    fn per_block_segments_tile_each_block((text, spans) in common::annotated_text(40, 12)) {
        let (ws, doc_id) = workspace(&text, &spans);
        let doc = ws.document(&doc_id).unwrap();
        let mut total = 0;
        for block in doc.blocks() {
            let segs = ws.segments(&doc_id, block.clone()).unwrap();
            let mut at = block.start;
            for s in &segs {
                prop_assert_eq!(s.start_byte, at);
                at = s.end_byte;
            }
            prop_assert_eq!(at, block.end);
            total += block.len();
        }
        // Blocks and line terminators account for the whole text: every other byte is a \r or \n,
        // and there is one more block than there are terminators (\r\n counts once).
        let crlf = text.matches("\r\n").count();
        let cr_or_lf = text.bytes().filter(|b| *b == b'\r' || *b == b'\n').count();
        prop_assert_eq!(text.len() - total, cr_or_lf);
        prop_assert_eq!(doc.blocks().len(), 1 + cr_or_lf - crlf);
    }

    #[test]
    fn queries_by_position_agree_with_brute_force((text, spans) in common::annotated_text(30, 10), probe in 0usize..200) {
        let (ws, doc_id) = workspace(&text, &spans);
        let doc = ws.document(&doc_id).unwrap();
        let at = common::boundaries(&text)[probe % common::boundaries(&text).len()];
        let got: BTreeSet<String> = ws.annotations_at(&doc_id, at).unwrap().into_iter().map(|a| a.id.clone()).collect();
        let expected: BTreeSet<String> = doc.annotations().iter()
            .filter(|a| a.start_byte <= at && at < a.end_byte).map(|a| a.id.clone()).collect();
        prop_assert_eq!(got, expected);
    }
}

#[test]
#[allow(clippy::reversed_empty_ranges)] // a reversed span is one of the refused edits
fn duplicates_are_no_ops_and_relabel_keeps_the_id() {
    let (mut ws, doc) = workspace("Kim met Putin in Vladivostok", &[]);
    let Added::New(a) = ws.add_annotation(&doc, 8..13, "PERSON").unwrap() else { panic!("new") };
    let Added::Duplicate(d) = ws.add_annotation(&doc, 8..13, "PERSON").unwrap() else { panic!("duplicate") };
    assert_eq!(d.id, a.id);
    // The same span with another label is a separate, overlapping annotation.
    assert!(matches!(ws.add_annotation(&doc, 8..13, "ORG").unwrap(), Added::New(_)));
    assert_eq!(ws.document(&doc).unwrap().annotations().len(), 2);
    // Relabelling PERSON to ORG would duplicate the ORG one: nothing changes.
    assert!(matches!(ws.relabel_annotation(&doc, &a.id, "ORG").unwrap(), spanmark_core::Relabelled::WouldDuplicate(_)));
    assert!(matches!(ws.relabel_annotation(&doc, &a.id, "GPE").unwrap(), spanmark_core::Relabelled::Changed(_)));
    assert_eq!(ws.document(&doc).unwrap().annotations().get(&a.id).unwrap().label, "GPE");
    // Refused edits change nothing.
    assert!(ws.add_annotation(&doc, 13..8, "PERSON").is_err());
    assert!(ws.add_annotation(&doc, 0..99, "PERSON").is_err());
    assert!(ws.add_annotation(&doc, 0..3, "NOPE").is_err());
    assert!(ws.remove_annotation(&doc, "missing").is_err());
    assert_eq!(ws.document(&doc).unwrap().annotations().len(), 2);
    assert_eq!(ws.remove_annotation(&doc, &a.id).unwrap().id, a.id);
    assert_eq!(ws.document(&doc).unwrap().annotations().len(), 1);
}
