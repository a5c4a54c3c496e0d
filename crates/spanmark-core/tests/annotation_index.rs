//! Range queries of an `AnnotationSet` (`touching`, `at`, `page`) after adds and removals, against a linear scan, for spans of every length class.

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::ops::Range;

use proptest::prelude::*;
use spanmark_core::{Added, Annotation, AnnotationSet, Workspace};

/// The length of every generated document, in bytes: room for spans of 8,191 bytes.
const TEXT_LEN: usize = 10_000;

/// The largest length class generated: spans of 4,096 to 8,191 bytes.
const MAX_CLASS: u32 = 12;

const LABELS: &[&str] = &["PERSON", "ORG", "GPE", "WEAPON"];

/// An ASCII text of `len` bytes: words of five letters separated by spaces.
fn text_of(len: usize) -> String {
    "alpha bravo charlie delta echo ".chars().cycle().take(len).collect()
}

fn new_document(len: usize) -> (Workspace, String) {
    let mut ws = Workspace::default();
    let doc = ws.add_document("long.txt", &text_of(len)).unwrap();
    (ws, doc)
}

fn annotations<'w>(ws: &'w Workspace, doc: &str) -> &'w AnnotationSet {
    ws.document(doc).unwrap().annotations()
}

fn add(ws: &mut Workspace, doc: &str, range: Range<usize>, label: &str) -> String {
    match ws.add_annotation(doc, range, label).unwrap() {
        Added::New(a) => a.id,
        Added::Duplicate(a) => panic!("{} was added twice", a.id),
    }
}

fn ids<'a>(found: impl IntoIterator<Item = &'a Annotation>) -> Vec<String> {
    found.into_iter().map(|a| a.id.clone()).collect()
}

/// The annotations that share a byte with `range`, or for an empty range the ones
/// that hold the byte at its position, in the set's documented order: by start,
/// longer spans first, then by label and id.
fn scan_touching(model: &BTreeMap<String, (usize, usize, String)>, range: Range<usize>) -> Vec<String> {
    let mut found: Vec<(usize, Reverse<usize>, &str, &str)> = model
        .iter()
        .filter(|(_, (s, e, _))| {
            if range.is_empty() {
                *s <= range.start && range.start < *e
            } else {
                *s < range.end && range.start < *e
            }
        })
        .map(|(id, (s, e, label))| (*s, Reverse(*e), label.as_str(), id.as_str()))
        .collect();
    found.sort();
    found.into_iter().map(|(_, _, _, id)| id.to_owned()).collect()
}

/// The annotations that hold the byte at `byte`, innermost (shortest) first; among
/// spans of one length the one that starts later is the inner one.
fn scan_at(model: &BTreeMap<String, (usize, usize, String)>, byte: usize) -> Vec<String> {
    let mut found: Vec<(usize, Reverse<usize>, &str, &str)> = model
        .iter()
        .filter(|(_, (s, e, _))| *s <= byte && byte < *e)
        .map(|(id, (s, e, label))| (e - s, Reverse(*s), label.as_str(), id.as_str()))
        .collect();
    found.sort();
    found.into_iter().map(|(_, _, _, id)| id.to_owned()).collect()
}

/// A span length drawn from length class `class` (lengths `2^class ..= 2^(class+1) - 1`):
/// the shortest, the longest, or one in between, so that every window edge comes up.
fn length_in_class() -> impl Strategy<Value = usize> {
    (0..=MAX_CLASS, 0usize..3, any::<prop::sample::Index>()).prop_map(|(class, pick, index)| {
        let lowest = 1usize << class;
        match pick {
            0 => lowest,
            1 => 2 * lowest - 1,
            _ => lowest + index.index(lowest),
        }
    })
}

#[derive(Debug, Clone)]
enum Edit {
    /// Adds a span of this length starting at this fraction of the room left, with this label.
    Add { len: usize, at: prop::sample::Index, label: &'static str },
    /// Removes one of the annotations added so far.
    Remove(prop::sample::Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (length_in_class(), any::<prop::sample::Index>(), prop::sample::select(LABELS))
            .prop_map(|(len, at, label)| Edit::Add { len, at, label }),
        1 => any::<prop::sample::Index>().prop_map(Edit::Remove),
    ]
}

/// A query position: either anywhere, or within two bytes of an annotation's start or end,
/// where the windows of the index have their edges.
#[derive(Debug, Clone)]
enum Probe {
    Anywhere(prop::sample::Index),
    NearEdge { annotation: prop::sample::Index, end: bool, delta: i8 },
}

fn probe() -> impl Strategy<Value = Probe> {
    prop_oneof![
        any::<prop::sample::Index>().prop_map(Probe::Anywhere),
        (any::<prop::sample::Index>(), any::<bool>(), -2i8..=2)
            .prop_map(|(annotation, end, delta)| Probe::NearEdge { annotation, end, delta }),
    ]
}

/// The byte offset a probe stands for, in `0..TEXT_LEN`.
fn resolve(probe: &Probe, model: &BTreeMap<String, (usize, usize, String)>) -> usize {
    match probe {
        Probe::Anywhere(i) => i.index(TEXT_LEN),
        Probe::NearEdge { annotation, end, delta } => {
            if model.is_empty() {
                return 0;
            }
            let (s, e, _) = model.values().nth(annotation.index(model.len())).unwrap();
            let edge = if *end { *e } else { *s };
            edge.saturating_add_signed(isize::from(*delta)).min(TEXT_LEN - 1)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn range_queries_agree_with_a_linear_scan_after_adds_and_removals(
        edits in prop::collection::vec(edit(), 1..48),
        probes in prop::collection::vec((probe(), probe()), 1..24),
        pages in prop::collection::vec((0usize..60, 0usize..60), 1..6),
    ) {
        let (mut ws, doc) = new_document(TEXT_LEN);
        // The test's own record of what the set must hold: id -> (start, end, label).
        let mut model: BTreeMap<String, (usize, usize, String)> = BTreeMap::new();
        for edit in &edits {
            match edit {
                Edit::Add { len, at, label } => {
                    let start = at.index(TEXT_LEN - len + 1);
                    if annotations(&ws, &doc).find_exact(start, start + len, label).is_some() {
                        continue;
                    }
                    let id = add(&mut ws, &doc, start..start + len, label);
                    model.insert(id, (start, start + len, (*label).to_owned()));
                }
                Edit::Remove(which) => {
                    if model.is_empty() {
                        continue;
                    }
                    let id = model.keys().nth(which.index(model.len())).unwrap().clone();
                    let removed = ws.remove_annotation(&doc, &id).unwrap();
                    prop_assert_eq!(&removed.id, &id);
                    model.remove(&id);
                }
            }
        }
        let set = annotations(&ws, &doc);
        prop_assert_eq!(set.len(), model.len());
        prop_assert_eq!(set.is_empty(), model.is_empty());

        // The whole text touches every annotation, in position order.
        prop_assert_eq!(ids(set.touching(0..TEXT_LEN)), scan_touching(&model, 0..TEXT_LEN));
        prop_assert_eq!(ids(set.iter()), scan_touching(&model, 0..TEXT_LEN));

        for (a, b) in &probes {
            let (a, b) = (resolve(a, &model), resolve(b, &model));
            let range = a.min(b)..a.max(b);
            prop_assert_eq!(ids(set.touching(range.clone())), scan_touching(&model, range.clone()), "touching {:?}", range);
            // The empty range at each end, and the single bytes there.
            for p in [a, b] {
                prop_assert_eq!(ids(set.touching(p..p)), scan_touching(&model, p..p), "touching {}..{}", p, p);
                prop_assert_eq!(ids(set.at(p)), scan_at(&model, p), "at {}", p);
            }
        }

        let all = scan_touching(&model, 0..TEXT_LEN);
        for &(skip, count) in &pages {
            let expected: Vec<String> = all.iter().skip(skip).take(count).cloned().collect();
            prop_assert_eq!(ids(set.page(skip, count)), expected, "page({}, {})", skip, count);
        }
    }
}

/// For every length class, the shortest and the longest span of the class are found
/// from each of their bytes, and not from the bytes just outside them.
#[test]
fn spans_of_every_length_class_are_found_exactly_up_to_their_edges() {
    for class in 0..=MAX_CLASS {
        for len in [1usize << class, (2usize << class) - 1] {
            for start in [0, 1, 37, TEXT_LEN - len] {
                let (mut ws, doc) = new_document(TEXT_LEN);
                let id = add(&mut ws, &doc, start..start + len, "PERSON");
                let end = start + len;
                let set = annotations(&ws, &doc);
                let one = vec![id.clone()];
                let none: Vec<String> = Vec::new();
                let context = format!("span {start}..{end} of {len} bytes");

                assert_eq!(ids(set.at(start)), one, "{context}: its first byte");
                assert_eq!(ids(set.at(end - 1)), one, "{context}: its last byte");
                assert_eq!(ids(set.at(start + len / 2)), one, "{context}: its middle byte");
                if start > 0 {
                    assert_eq!(ids(set.at(start - 1)), none, "{context}: the byte before it");
                }
                if end < TEXT_LEN {
                    assert_eq!(ids(set.at(end)), none, "{context}: the byte after it");
                }

                // A range that starts on the span's last byte touches it; one that starts at its end does not.
                assert_eq!(ids(set.touching(end - 1..TEXT_LEN)), one, "{context}: from its last byte on");
                assert_eq!(ids(set.touching(end..TEXT_LEN)), none, "{context}: from its end on");
                // A range that ends at the span's start does not touch it; one byte more does.
                if start > 0 {
                    assert_eq!(ids(set.touching(0..start)), none, "{context}: up to its start");
                }
                assert_eq!(ids(set.touching(0..start + 1)), one, "{context}: up to its first byte");
                // An empty range touches the span at every position of its bytes, and not at its end.
                assert_eq!(ids(set.touching(start..start)), one, "{context}: empty range at its start");
                assert_eq!(ids(set.touching(end - 1..end - 1)), one, "{context}: empty range at its last byte");
                assert_eq!(ids(set.touching(end..end)), none, "{context}: empty range at its end");
            }
        }
    }
}

/// Nested spans are listed innermost first by `at`, and the byte at offset 0 works.
#[test]
fn at_lists_nested_spans_innermost_first() {
    let text = "President Vladimir Putin of Russia met Kim Jong Un.";
    let mut ws = Workspace::default();
    let doc = ws.add_document("news.txt", text).unwrap();
    let span = |phrase: &str| {
        let start = text.find(phrase).unwrap();
        start..start + phrase.len()
    };
    let title = add(&mut ws, &doc, span("President Vladimir Putin of Russia"), "PERSON");
    let name = add(&mut ws, &doc, span("Vladimir Putin"), "PERSON");
    let surname = add(&mut ws, &doc, span("Putin"), "PERSON");
    let country = add(&mut ws, &doc, span("Russia"), "GPE");
    let word = add(&mut ws, &doc, span("President"), "ORG");

    let set = annotations(&ws, &doc);
    assert_eq!(ids(set.at(text.find("Putin").unwrap() + 2)), [surname.as_str(), name.as_str(), title.as_str()]);
    assert_eq!(ids(set.at(text.find("Vladimir").unwrap())), [name.as_str(), title.as_str()]);
    assert_eq!(ids(set.at(text.find("Russia").unwrap())), [country.as_str(), title.as_str()]);
    assert_eq!(ids(set.at(0)), [word.as_str(), title.as_str()]);
    assert!(set.at(text.find("Kim").unwrap()).is_empty());
    // The workspace answers the same.
    assert_eq!(ids(ws.annotations_at(&doc, 0).unwrap()), [word.as_str(), title.as_str()]);
}

/// `page` hands out the annotations in position order, `count` at a time.
#[test]
fn pages_cover_the_annotations_in_position_order() {
    let (mut ws, doc) = new_document(200);
    assert!(annotations(&ws, &doc).is_empty());
    assert!(annotations(&ws, &doc).page(0, 10).next().is_none());
    let c = add(&mut ws, &doc, 40..50, "PERSON");
    let a = add(&mut ws, &doc, 0..5, "ORG");
    let e = add(&mut ws, &doc, 120..121, "GPE");
    let b = add(&mut ws, &doc, 0..30, "GPE");
    let d = add(&mut ws, &doc, 44..46, "PERSON");
    let set = annotations(&ws, &doc);
    assert!(!set.is_empty());
    assert_eq!(set.len(), 5);
    // By start; of two spans that start together, the longer comes first.
    assert_eq!(ids(set.page(0, 2)), [b.as_str(), a.as_str()]);
    assert_eq!(ids(set.page(2, 2)), [c.as_str(), d.as_str()]);
    assert_eq!(ids(set.page(4, 2)), [e.as_str()]);
    assert!(ids(set.page(5, 2)).is_empty());
    assert_eq!(ids(set.page(1, 100)), [a.as_str(), c.as_str(), d.as_str(), e.as_str()]);
    assert!(ids(set.page(0, 0)).is_empty());
}

/// After a removal the removed span is gone from every query and the others remain,
/// whatever their lengths, and undoing the removal brings it back to every query.
#[test]
fn removed_spans_leave_every_query_and_undo_restores_them() {
    let (mut ws, doc) = new_document(TEXT_LEN);
    // Spans that start far from 0, so that their end and their length fall in different classes.
    let long = add(&mut ws, &doc, 3000..3700, "PERSON");
    let short = add(&mut ws, &doc, 3300..3303, "ORG");
    let tiny = add(&mut ws, &doc, 5000..5001, "GPE");
    let huge = add(&mut ws, &doc, 1000..9000, "WEAPON");

    ws.remove_annotation(&doc, &long).unwrap();
    let set = annotations(&ws, &doc);
    assert_eq!(ids(set.touching(0..TEXT_LEN)), [huge.as_str(), short.as_str(), tiny.as_str()]);
    assert_eq!(ids(set.touching(3299..3301)), [huge.as_str(), short.as_str()]);
    assert_eq!(ids(set.at(3600)), [huge.as_str()]);
    assert_eq!(ids(set.at(3301)), [short.as_str(), huge.as_str()]);

    ws.remove_annotation(&doc, &tiny).unwrap();
    ws.remove_annotation(&doc, &huge).unwrap();
    let set = annotations(&ws, &doc);
    assert_eq!(ids(set.touching(0..TEXT_LEN)), [short.as_str()]);
    assert!(set.at(5000).is_empty());
    assert!(set.at(8000).is_empty());

    ws.undo().unwrap();
    ws.undo().unwrap();
    ws.undo().unwrap();
    let set = annotations(&ws, &doc);
    assert_eq!(ids(set.touching(0..TEXT_LEN)), [huge.as_str(), long.as_str(), short.as_str(), tiny.as_str()]);
    assert_eq!(ids(set.at(3600)), [long.as_str(), huge.as_str()]);
    assert_eq!(ids(set.at(5000)), [tiny.as_str(), huge.as_str()]);
}
