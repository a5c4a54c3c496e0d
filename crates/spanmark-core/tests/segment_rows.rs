//! Stacking rows of highlight segments: a span that starts where another ends reuses its row and is drawn alone there.

use spanmark_core::{Added, Segment, Workspace};

/// Each segment as (start, end, [(id, level, starts here, ends here)]).
type Shape = Vec<(usize, usize, Vec<(String, usize, bool, bool)>)>;

fn shape(segments: &[Segment]) -> Shape {
    segments
        .iter()
        .map(|s| {
            let spans = s.spans.iter().map(|p| (p.id.clone(), p.level, p.starts_here, p.ends_here)).collect();
            (s.start_byte, s.end_byte, spans)
        })
        .collect()
}

fn add(ws: &mut Workspace, doc: &str, range: std::ops::Range<usize>, label: &str) -> String {
    let Added::New(a) = ws.add_annotation(doc, range, label).unwrap() else { panic!("a new annotation") };
    a.id
}

#[test]
fn a_span_that_starts_where_another_ends_takes_the_same_row() {
    let text = "Kim Jong Un Vladimir Putin";
    let mut ws = Workspace::default();
    let doc = ws.add_document("t.txt", text).unwrap();
    // "Kim Jong Un" is 0..11; "Kim Jong Un " and "Vladimir" meet at byte 12 with no gap.
    let kim = add(&mut ws, &doc, 0..12, "PERSON");
    let vladimir = add(&mut ws, &doc, 12..20, "PERSON");
    let putin = add(&mut ws, &doc, 21..26, "PERSON");
    let both = add(&mut ws, &doc, 12..26, "ORG");

    let s = |id: &str, level, starts, ends| (id.to_owned(), level, starts, ends);
    assert_eq!(
        shape(&ws.segments(&doc, 0..26).unwrap()),
        vec![
            (0, 12, vec![s(&kim, 0, true, true)]),
            // Row 0 is free again at byte 12, where the first span ended.
            (12, 20, vec![s(&both, 0, true, false), s(&vladimir, 1, true, true)]),
            (20, 21, vec![s(&both, 0, false, false)]),
            (21, 26, vec![s(&both, 0, false, true), s(&putin, 1, true, true)]),
        ]
    );
}

#[test]
fn back_to_back_spans_all_sit_on_the_first_row() {
    let mut ws = Workspace::default();
    let doc = ws.add_document("t.txt", "abcdefghij").unwrap();
    let ids: Vec<String> = (0..5).map(|i| add(&mut ws, &doc, 2 * i..2 * i + 2, "DATE")).collect();
    let segs = ws.segments(&doc, 0..10).unwrap();
    assert_eq!(segs.len(), 5);
    for (seg, id) in segs.iter().zip(&ids) {
        assert_eq!(seg.depth(), 1, "segment {}..{}", seg.start_byte, seg.end_byte);
        assert_eq!((&seg.spans[0].id, seg.spans[0].level), (id, 0));
    }
    // Segmenting from the middle of the text gives the same rows.
    let tail = ws.segments(&doc, 3..10).unwrap();
    assert_eq!(tail.iter().map(|s| (s.start_byte, s.spans[0].level)).collect::<Vec<_>>(), [(3, 0), (4, 0), (6, 0), (8, 0)]);
}
