//! Agreement between layers: self-agreement, swap symmetry, hand-computed fixtures for
//! each mode, one-to-one overlap matching, Cohen's kappa, and Krippendorff's α_u on the
//! published worked example.

use proptest::prelude::*;
use spanmark_core::agreement::{alpha_u, alpha_u_continuum, cohen_kappa, compare, confusion, disagreements, matrix, ContinuumUnit, DisagreementKind, DocText, Mode, SpanRef, Study};
use spanmark_core::Workspace;

fn span(s: usize, e: usize, label: &str) -> SpanRef {
    SpanRef { doc: "d".to_owned(), start_byte: s, end_byte: e, label: label.to_owned() }
}

fn close(got: f64, want: f64, tolerance: f64) {
    assert!((got - want).abs() <= tolerance, "got {got}, want {want} ± {tolerance}");
}

/// A reference layer and a candidate layer that differ in every way a span can.
fn fixture() -> (Vec<SpanRef>, Vec<SpanRef>) {
    let a = vec![span(0, 5, "PER"), span(10, 15, "ORG"), span(20, 25, "LOC"), span(30, 35, "PER")];
    let b = vec![span(0, 5, "PER"), span(10, 14, "ORG"), span(20, 25, "PER"), span(40, 45, "LOC")];
    (a, b)
}

#[test]
fn exact_mode_needs_start_end_and_label() {
    let (a, b) = fixture();
    let s = compare(&a, &b, Mode::Exact);
    assert_eq!((s.micro.reference, s.micro.candidate, s.micro.matched_reference, s.micro.matched_candidate), (4, 4, 1, 1));
    close(s.micro.precision(), 0.25, 1e-12);
    close(s.micro.recall(), 0.25, 1e-12);
    close(s.micro.f1(), 0.25, 1e-12);
    let per = &s.per_label;
    close(per["PER"].f1(), 0.5, 1e-12);
    close(per["ORG"].f1(), 0.0, 1e-12);
    close(per["LOC"].f1(), 0.0, 1e-12);
    close(s.macro_f1(), 0.5 / 3.0, 1e-12);
    close(s.macro_precision(), 0.5 / 3.0, 1e-12);
}

#[test]
fn overlap_mode_accepts_other_bounds_with_the_same_label() {
    let (a, b) = fixture();
    let s = compare(&a, &b, Mode::Overlap);
    assert_eq!((s.micro.matched_reference, s.micro.matched_candidate), (2, 2));
    close(s.micro.f1(), 0.5, 1e-12);
    close(s.per_label["ORG"].f1(), 1.0, 1e-12);
    // LOC and PER over [20, 25) disagree on the label: no overlap match.
    close(s.per_label["LOC"].f1(), 0.0, 1e-12);
    close(s.macro_f1(), (0.5 + 1.0 + 0.0) / 3.0, 1e-12);
}

#[test]
fn boundary_mode_ignores_labels_and_counts_each_side_under_its_own_label() {
    let (a, b) = fixture();
    let s = compare(&a, &b, Mode::Boundary);
    assert_eq!((s.micro.matched_reference, s.micro.matched_candidate), (2, 2));
    close(s.micro.precision(), 0.5, 1e-12);
    // PER: A has [0,5) and [30,35), one matched; B has [0,5) and [20,25), both matched.
    let per = s.per_label["PER"];
    assert_eq!((per.reference, per.matched_reference, per.candidate, per.matched_candidate), (2, 1, 2, 2));
    close(per.precision(), 1.0, 1e-12);
    close(per.recall(), 0.5, 1e-12);
    let loc = s.per_label["LOC"];
    close(loc.precision(), 0.0, 1e-12);
    close(loc.recall(), 1.0, 1e-12);
}

#[test]
fn the_confusion_table_counts_boundary_matched_pairs_by_their_labels() {
    let (a, b) = fixture();
    let table = confusion(&a, &b);
    let got: Vec<(&str, &str, usize)> = table.iter().map(|((x, y), n)| (x.as_str(), y.as_str(), *n)).collect();
    assert_eq!(got, vec![("LOC", "PER", 1), ("PER", "PER", 1)]);
}

#[test]
fn disagreements_name_their_kind_and_both_spans() {
    let (a, b) = fixture();
    let found = disagreements(&a, &b);
    type Bounds = Option<(usize, usize)>;
    let kinds: Vec<(DisagreementKind, Bounds, Bounds)> =
        found.iter().map(|d| (d.kind, d.a.as_ref().map(|s| (s.start_byte, s.end_byte)), d.b.as_ref().map(|s| (s.start_byte, s.end_byte)))).collect();
    assert_eq!(
        kinds,
        vec![
            (DisagreementKind::BoundaryDiffers, Some((10, 15)), Some((10, 14))),
            (DisagreementKind::LabelDiffers, Some((20, 25)), Some((20, 25))),
            (DisagreementKind::MissingInB, Some((30, 35)), None),
            (DisagreementKind::MissingInA, None, Some((40, 45))),
        ]
    );
    assert_eq!(found[0].kind.id(), "boundary-differs");
}

#[test]
fn overlap_matching_is_one_to_one() {
    // Two spans of B overlap the one span of A equally: only one of them matches.
    let a = vec![span(0, 10, "X")];
    let b = vec![span(0, 6, "X"), span(4, 10, "X")];
    let s = compare(&a, &b, Mode::Overlap);
    assert_eq!((s.micro.matched_reference, s.micro.matched_candidate), (1, 1));
    close(s.micro.precision(), 0.5, 1e-12);
    close(s.micro.recall(), 1.0, 1e-12);
    // The tie goes to the pair first in position order: [0, 6) is matched, [4, 10) is missing in A.
    let d = disagreements(&a, &b);
    assert_eq!(d.len(), 2);
    assert_eq!(d[1].kind, DisagreementKind::MissingInA);
    assert_eq!(d[1].b.as_ref().map(|s| s.start_byte), Some(4));
}

#[test]
fn overlap_matching_takes_the_largest_overlap_first() {
    // B's one span overlaps A's first span by 8 bytes and A's second by 4.
    let a = vec![span(0, 10, "X"), span(8, 20, "X")];
    let b = vec![span(2, 12, "X")];
    let s = compare(&a, &b, Mode::Overlap);
    close(s.micro.precision(), 1.0, 1e-12);
    close(s.micro.recall(), 0.5, 1e-12);
    let missing: Vec<_> = disagreements(&a, &b).into_iter().filter(|d| d.kind == DisagreementKind::MissingInB).collect();
    assert_eq!(missing[0].a.as_ref().map(|s| s.start_byte), Some(8));
    // Spans of other documents never overlap.
    let other = vec![SpanRef { doc: "e".to_owned(), ..b[0].clone() }];
    close(compare(&a, &other, Mode::Overlap).micro.f1(), 0.0, 1e-12);
}

#[test]
fn exact_twins_are_matched_before_overlaps() {
    // B's [0, 10) could overlap A's [0, 12) by 10 bytes, but it has an exact twin in A.
    let a = vec![span(0, 12, "X"), span(0, 10, "X")];
    let b = vec![span(0, 10, "X"), span(2, 12, "X")];
    let s = compare(&a, &b, Mode::Overlap);
    close(s.micro.f1(), 1.0, 1e-12);
}

#[test]
fn empty_layers_agree_and_one_empty_layer_scores_zero() {
    let (a, _) = fixture();
    let none: Vec<SpanRef> = Vec::new();
    close(compare(&none, &none, Mode::Exact).micro.f1(), 1.0, 0.0);
    let s = compare(&a, &none, Mode::Exact);
    assert_eq!((s.micro.precision(), s.micro.recall(), s.micro.f1()), (0.0, 0.0, 0.0));
}

#[test]
fn the_matrix_holds_every_ordered_pair() {
    let (a, b) = fixture();
    let m = matrix(&[&a, &b, &a], Mode::Exact);
    assert_eq!(m.len(), 3);
    close(m[0][0].micro.f1(), 1.0, 0.0);
    close(m[0][1].micro.f1(), 0.25, 1e-12);
    assert_eq!(m[0][1].micro.precision(), m[1][0].micro.recall());
    close(m[0][2].micro.f1(), 1.0, 0.0);
}

/// Token tags: "Kim met Putin in Moscow ." is six tokens.
///   A: B-PER O B-PER O B-LOC O
///   B: B-PER O B-ORG O O     O
/// Observed 4/6; expected (2/6)(1/6) + (3/6)(4/6) = 14/36; kappa = (2/3 − 7/18)/(1 − 7/18) = 5/11.
#[test]
fn cohen_kappa_on_iob2_tags_matches_the_hand_computation() {
    let text = "Kim met Putin in Moscow .";
    let docs = [DocText { doc: "d", text }];
    let a = vec![span(0, 3, "PER"), span(8, 13, "PER"), span(17, 23, "LOC")];
    let b = vec![span(0, 3, "PER"), span(8, 13, "ORG")];
    let k = cohen_kappa(&docs, &a, &b);
    assert_eq!(k.tokens, 6);
    close(k.observed, 4.0 / 6.0, 1e-12);
    close(k.expected, 14.0 / 36.0, 1e-12);
    close(k.kappa.unwrap(), 5.0 / 11.0, 1e-12);
    close(cohen_kappa(&docs, &a, &a).kappa.unwrap(), 1.0, 0.0);
    // B-PER I-PER against B-PER B-PER: a two-token span against two one-token spans.
    let a2 = vec![span(0, 7, "PER")];
    let b2 = vec![span(0, 3, "PER"), span(4, 7, "PER")];
    let k = cohen_kappa(&docs, &a2, &b2);
    close(k.observed, 5.0 / 6.0, 1e-12);
}

#[test]
fn cohen_kappa_leaves_out_what_token_tags_cannot_hold() {
    let text = "Kim met Putin in Moscow .";
    let docs = [DocText { doc: "d", text }];
    // Nested in [0, 13), and inside the token "Putin".
    let a = vec![span(0, 13, "EVENT"), span(8, 13, "PER"), span(9, 12, "X")];
    let k = cohen_kappa(&docs, &a, &a);
    assert_eq!((k.untagged_a, k.untagged_b), (2, 2));
    assert_eq!(k.kappa, Some(1.0));
    assert_eq!(cohen_kappa(&[], &a, &a).kappa, None);
    // Spans no file could hold: reversed, past the end, at the end of the offsets.
    let odd = vec![span(8, 3, "PER"), span(20, 99, "PER"), span(usize::MAX - 1, usize::MAX, "PER")];
    let k = cohen_kappa(&docs, &odd, &a);
    assert_eq!(k.untagged_a, 3);
    assert!(compare(&odd, &a, Mode::Overlap).micro.f1() < 1.0);
    assert_eq!(alpha_u(&docs, &[&odd, &odd]).alpha, None);
}

/// Krippendorff (2004: 254), as DKPro Statistics' `Krippendorff2004Test` states it: a
/// continuum of length 300 from position 150, two observers, categories c and k.
fn krippendorff_2004() -> Vec<ContinuumUnit> {
    let u = |annotator, begin, length, label: &str| ContinuumUnit { annotator, begin, length, label: label.to_owned() };
    vec![
        u(0, 225, 70, "c"),
        u(0, 370, 30, "c"),
        u(1, 220, 80, "c"),
        u(1, 355, 20, "c"),
        u(1, 400, 20, "c"),
        u(0, 180, 60, "k"),
        u(0, 300, 50, "k"),
        u(1, 180, 60, "k"),
        u(1, 300, 50, "k"),
    ]
}

#[test]
fn alpha_u_reproduces_krippendorffs_worked_example() {
    let alpha = alpha_u_continuum(150, 300, 2, &krippendorff_2004());
    let c = &alpha.per_label["c"];
    close(c.observed, 0.0144, 0.0001);
    close(c.expected, 0.0532, 0.0001);
    close(c.alpha.unwrap(), 0.7286, 0.0001);
    let k = &alpha.per_label["k"];
    close(k.observed, 0.0, 0.0001);
    close(k.expected, 0.0490, 0.0001);
    close(k.alpha.unwrap(), 1.0, 0.0001);
    close(alpha.alpha.unwrap(), 0.8591, 0.0005);
    assert_eq!(alpha.merged, 0);
}

#[test]
fn alpha_u_sums_the_published_distances() {
    // Krippendorff's distances as DKPro's tests state them: two units of c that overlap,
    // (225, 70) against (220, 80), cost 5² + 5² = 50; a unit of c inside a gap costs its
    // length squared. Here one observer has (225, 70) and the other (220, 80) on [0, 500):
    // D_o = 2·50 / (2·1·500²).
    let u = |annotator, begin, length| ContinuumUnit { annotator, begin, length, label: "c".to_owned() };
    let a = alpha_u_continuum(0, 500, 2, &[u(0, 225, 70), u(1, 220, 80)]);
    close(a.per_label["c"].observed, 100.0 / (2.0 * 500.0 * 500.0), 1e-15);
    // A unit of 20 that the other observer has nothing for: 20² both ways.
    let a = alpha_u_continuum(0, 500, 2, &[u(0, 225, 70), u(1, 225, 70), u(1, 400, 20)]);
    close(a.per_label["c"].observed, 2.0 * 400.0 / (2.0 * 500.0 * 500.0), 1e-15);
}

#[test]
fn alpha_u_of_three_identical_layers_is_one_and_overlaps_are_merged() {
    let units: Vec<ContinuumUnit> = (0..3)
        .flat_map(|annotator| {
            [(10, 5, "c"), (12, 6, "c"), (40, 10, "k")].map(|(begin, length, label)| ContinuumUnit { annotator, begin, length, label: label.to_owned() })
        })
        .collect();
    let a = alpha_u_continuum(0, 100, 3, &units);
    close(a.alpha.unwrap(), 1.0, 1e-12);
    assert_eq!(a.merged, 3);
    assert_eq!(alpha_u_continuum(0, 100, 3, &[]).alpha, None);
}

#[test]
fn alpha_u_over_documents_counts_code_points() {
    // "Путин" is 10 bytes and 5 code points; the second document follows the first.
    let docs = [DocText { doc: "d", text: "Путин и Ким" }, DocText { doc: "e", text: "Kim" }];
    let a = vec![span(0, 10, "PER"), SpanRef { doc: "e".to_owned(), start_byte: 0, end_byte: 3, label: "PER".to_owned() }];
    let mut b = a.clone();
    b.pop();
    let got = alpha_u(&docs, &[&a, &b]);
    // Continuum 14 code points; A has units (0, 5) and (11, 3), B only (0, 5).
    let want = alpha_u_continuum(
        0,
        14,
        2,
        &[
            ContinuumUnit { annotator: 0, begin: 0, length: 5, label: "PER".into() },
            ContinuumUnit { annotator: 0, begin: 11, length: 3, label: "PER".into() },
            ContinuumUnit { annotator: 1, begin: 0, length: 5, label: "PER".into() },
        ],
    );
    assert_eq!(got, want);
    assert!(got.alpha.unwrap() < 1.0);
}

#[test]
fn a_study_matches_documents_by_text_and_lists_the_rest() {
    let mut one = Workspace::default();
    let d = one.add_document("a.txt", "Kim met Putin.").unwrap();
    one.add_annotation(&d, 0..3, "PERSON").unwrap();
    one.add_document("only-one.txt", "Nobody else has this.").unwrap();
    let mut two = Workspace::default();
    let d = two.add_document("renamed.txt", "Kim met Putin.").unwrap();
    two.add_annotation(&d, 8..13, "PERSON").unwrap();
    let study = Study::from_workspaces(&[("ann", &one), ("bob", &two)]);
    assert_eq!(study.documents.len(), 1);
    assert_eq!(study.documents[0].key, "a.txt");
    assert_eq!(study.layers[0], vec![SpanRef { doc: "a.txt".into(), start_byte: 0, end_byte: 3, label: "PERSON".into() }]);
    assert_eq!(study.layers[1][0].doc, "a.txt");
    assert_eq!(study.left_out, vec![("ann".to_owned(), "only-one.txt".to_owned())]);
    assert_eq!(study.texts()[0].text, "Kim met Putin.");
    close(compare(&study.layers[0], &study.layers[1], Mode::Exact).micro.f1(), 0.0, 0.0);
}

/// Two documents of 60 ASCII bytes, long enough for every span of [`layer`].
fn docs_of() -> Vec<DocText<'static>> {
    const TEXT: &str = "word word word word word word word word word word word word ";
    vec![DocText { doc: "d0", text: TEXT }, DocText { doc: "d1", text: TEXT }]
}

fn layer() -> impl Strategy<Value = Vec<SpanRef>> {
    prop::collection::vec((0..2usize, 0..40usize, 1..12usize, 0..3usize), 1..25).prop_map(|spans| {
        let mut out: Vec<SpanRef> = spans
            .into_iter()
            .map(|(doc, start, len, label)| SpanRef { doc: format!("d{doc}"), start_byte: start, end_byte: start + len, label: ["PER", "ORG", "LOC"][label].to_owned() })
            .collect();
        // A layer holds a span and label once (the workspace skips exact duplicates).
        out.sort_by_key(|s| (s.doc.clone(), s.start_byte, s.end_byte, s.label.clone()));
        out.dedup();
        out
    })
}

proptest! {
    #[test]
    fn a_layer_agrees_with_itself_in_every_mode(a in layer()) {
        for mode in Mode::ALL {
            let s = compare(&a, &a, mode);
            prop_assert_eq!(s.micro.f1(), 1.0);
            prop_assert_eq!(s.macro_f1(), 1.0);
            for c in s.per_label.values() {
                prop_assert_eq!((c.precision(), c.recall()), (1.0, 1.0));
            }
        }
        prop_assert!(disagreements(&a, &a).is_empty());
        prop_assert!(confusion(&a, &a).keys().all(|(x, y)| x == y));
        let docs = docs_of();
        prop_assert_eq!(cohen_kappa(&docs, &a, &a).kappa, Some(1.0));
        let alpha = alpha_u(&docs, &[&a, &a, &a]).alpha.unwrap();
        prop_assert!((alpha - 1.0).abs() < 1e-12);
    }

    #[test]
    fn swapping_a_and_b_swaps_precision_and_recall(a in layer(), b in layer()) {
        for mode in Mode::ALL {
            let (ab, ba) = (compare(&a, &b, mode), compare(&b, &a, mode));
            prop_assert_eq!(ab.micro.precision(), ba.micro.recall());
            prop_assert_eq!(ab.micro.recall(), ba.micro.precision());
            prop_assert_eq!(ab.micro.f1(), ba.micro.f1());
            prop_assert_eq!(ab.per_label.len(), ba.per_label.len());
            for (label, c) in &ab.per_label {
                let d = &ba.per_label[label];
                prop_assert_eq!(c.precision(), d.recall());
                prop_assert_eq!(c.recall(), d.precision());
            }
        }
        // Exact pairs are matched first in every mode, so the other modes match at least as many.
        let matched = |mode| compare(&a, &b, mode).micro.matched_reference;
        prop_assert!(matched(Mode::Exact) <= matched(Mode::Overlap));
        prop_assert!(matched(Mode::Exact) <= matched(Mode::Boundary));
        let (x, y) = (alpha_u(&docs_of(), &[&a, &b]), alpha_u(&docs_of(), &[&b, &a]));
        prop_assert_eq!(x.per_label.len(), y.per_label.len());
        if let (Some(x), Some(y)) = (x.alpha, y.alpha) {
            prop_assert!((x - y).abs() < 1e-9, "alpha_u does not depend on the annotators' order: {} {}", x, y);
        }
        let count = |d: &[spanmark_core::Disagreement], k| d.iter().filter(|x| x.kind == k).count();
        let (ab, ba) = (disagreements(&a, &b), disagreements(&b, &a));
        prop_assert_eq!(count(&ab, DisagreementKind::MissingInA), count(&ba, DisagreementKind::MissingInB));
        prop_assert_eq!(count(&ab, DisagreementKind::BoundaryDiffers), count(&ba, DisagreementKind::BoundaryDiffers));
        prop_assert_eq!(count(&ab, DisagreementKind::LabelDiffers), count(&ba, DisagreementKind::LabelDiffers));
        let docs = docs_of();
        let (k1, k2) = (cohen_kappa(&docs, &a, &b).kappa.unwrap(), cohen_kappa(&docs, &b, &a).kappa.unwrap());
        prop_assert!((k1 - k2).abs() < 1e-12);
    }
}

#[test]
fn a_study_from_layers_joins_copies_and_names_what_each_layer_leaves_out() {
    use spanmark_core::LayerDocument;
    let doc = |name: &str, text: &str, spans: &[(usize, usize, &str)]| LayerDocument { name: name.into(), text: text.into(), spans: spans.iter().map(|&(s, e, l)| (s, e, l.to_owned())).collect() };
    let study = Study::from_layers(vec![
        ("a".into(), vec![doc("one", "Kim met Putin.", &[(0, 3, "PER")]), doc("two", "Only a and c.", &[])]),
        ("b".into(), vec![doc("uno", "Kim met Putin.", &[(8, 13, "PER")]), doc("uno copy", "Kim met Putin.", &[(0, 3, "PER"), (8, 13, "PER")]), doc("solo", "Only b.", &[])]),
        ("c".into(), vec![doc("eins", "Kim met Putin.", &[]), doc("zwei", "Only a and c.", &[])]),
    ]);
    assert_eq!(study.documents.len(), 1);
    assert_eq!(study.documents[0].key, "one");
    // b's two copies of the text are one document: their spans joined, once each.
    let b: Vec<(usize, usize)> = study.layers[1].iter().map(|s| (s.start_byte, s.end_byte)).collect();
    assert_eq!(b, vec![(0, 3), (8, 13)]);
    assert!(study.layers[2].is_empty());
    let left: Vec<(&str, &str)> = study.left_out.iter().map(|(a, d)| (a.as_str(), d.as_str())).collect();
    assert_eq!(left, vec![("a", "two"), ("b", "solo"), ("c", "zwei")]);
}
