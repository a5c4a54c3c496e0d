//! Suggestions: other occurrences of a tagged text, the corpus string matcher, gazetteers
//! (with a property test against a naive matcher), identifier patterns, and how
//! suggestions are merged, deduplicated and rejected.

mod common;

use std::collections::BTreeSet;

use proptest::prelude::*;
use spanmark_core::suggest::{
    find_patterns, occurrences, parse_gazetteer, Gazetteer, GazetteerDiagnostic, GazetteerEntry, GazetteerError, GazetteerProblem, OccurrenceOptions, PatternKind, PatternLabels, Rejection, Scope, SuggestError,
    SuggestOptions, Suggester, Suggestion, SuggestionSource, MAX_GAZETTEER_BYTES,
};
use spanmark_core::{Added, Document, Workspace};
use unicode_segmentation::UnicodeSegmentation;

const FIRST: &str = "Kim Jong Un met Путин.\r\nKIM JONG UN smiled; Kim Jong Unification is not a name. 👩\u{200d}👩\u{200d}👧 Jose\u{301} Kim Jong Un";
const SECOND: &str = "Later, Kim Jong Un and 김정은 (Kim Jong Un) left. Straße.";

/// A workspace of the two fixtures, "Kim Jong Un" tagged PERSON at the start of the first.
fn workspace() -> (Workspace, String, String) {
    let mut ws = Workspace::default();
    let a = ws.add_document("first.txt", FIRST).unwrap();
    let b = ws.add_document("second.txt", SECOND).unwrap();
    let Added::New(_) = ws.add_annotation(&a, 0..11, "PERSON").unwrap() else { panic!("added") };
    (ws, a, b)
}

fn quoted<'t>(docs: &'t [Document], doc_id: &str, start: usize, end: usize) -> &'t str {
    &docs.iter().find(|d| d.id() == doc_id).unwrap().text()[start..end]
}

#[test]
fn occurrences_leave_out_the_tagged_span_and_respect_words_case_and_scope() {
    let (ws, a, b) = workspace();
    let docs = ws.documents();
    let options = OccurrenceOptions::default();
    let found = occurrences(docs, "Kim Jong Un", "PERSON", &options).unwrap();
    let places: Vec<_> = found.items.iter().map(|o| (o.doc_id.as_str(), o.start_byte)).collect();
    // Not the tagged span, not "Kim Jong Unification", not the upper-case one.
    assert_eq!(places, [(a.as_str(), FIRST.rfind("Kim Jong Un").unwrap()), (b.as_str(), 7), (b.as_str(), SECOND.rfind("Kim Jong Un").unwrap())]);
    assert!(found.items.iter().all(|o| quoted(docs, &o.doc_id, o.start_byte, o.end_byte) == "Kim Jong Un"));

    let ignore_case = OccurrenceOptions { ignore_case: true, scope: Scope::Document(a.clone()), ..OccurrenceOptions::default() };
    let here = occurrences(docs, "Kim Jong Un", "PERSON", &ignore_case).unwrap();
    let texts: Vec<_> = here.items.iter().map(|o| quoted(docs, &o.doc_id, o.start_byte, o.end_byte)).collect();
    assert_eq!(texts, ["KIM JONG UN", "Kim Jong Un"]);

    let parts = OccurrenceOptions { whole_word: false, scope: Scope::Document(a.clone()), ..OccurrenceOptions::default() };
    assert_eq!(occurrences(docs, "Kim Jong Un", "PERSON", &parts).unwrap().items.len(), 2, "Unification counts without whole words");

    // Another label does not exclude the tagged span.
    assert_eq!(occurrences(docs, "Kim Jong Un", "ORG", &OccurrenceOptions { scope: Scope::Document(a.clone()), ..options.clone() }).unwrap().items.len(), 2);
    let capped = occurrences(docs, "Kim Jong Un", "PERSON", &OccurrenceOptions { max_hits: 1, ..options.clone() }).unwrap();
    assert!(capped.truncated && capped.items.len() == 1);
    assert_eq!(
        occurrences(docs, "Kim", "PERSON", &OccurrenceOptions { scope: Scope::Document("nope".into()), ..options }).unwrap_err(),
        SuggestError::UnknownDocument { doc_id: "nope".into() }
    );
}

#[test]
fn the_corpus_string_matcher_scores_labels_by_their_share() {
    let mut ws = Workspace::default();
    let a = ws.add_document("a.txt", "Kim Jong Un, Kim Jong Un and Kim Jong Un. Kim").unwrap();
    let b = ws.add_document("b.txt", "Kim Jong Un again, and Kim Jong Unification.").unwrap();
    ws.add_annotation(&a, 0..11, "PERSON").unwrap();
    ws.add_annotation(&a, 13..24, "PERSON").unwrap();
    ws.add_annotation(&a, 29..40, "ORG").unwrap();
    ws.add_annotation(&a, 42..45, "PERSON").unwrap();
    let suggester = Suggester::new(SuggestOptions::default()).with_corpus(ws.documents()).unwrap();
    let none = BTreeSet::new();

    // In a, every "Kim Jong Un" is tagged with one label: the other label is suggested there.
    let in_a = suggester.suggest(ws.document(&a).unwrap(), &none);
    let got: Vec<_> = in_a.iter().map(|s| (s.start_byte, s.label.as_str(), s.score)).collect();
    assert_eq!(got, [(0, "ORG", 1.0 / 3.0), (13, "ORG", 1.0 / 3.0), (29, "PERSON", 2.0 / 3.0)]);

    // In b: the longest string wins over "Kim" where it is a whole word; before
    // "Unification" it is not, and "Kim" alone is suggested.
    let in_b = suggester.suggest(ws.document(&b).unwrap(), &none);
    let got: Vec<_> = in_b.iter().map(|s| (s.start_byte, s.end_byte, s.label.as_str(), s.source.clone())).collect();
    assert_eq!(
        got,
        [
            (0, 11, "PERSON", SuggestionSource::Corpus { count: 2, total: 3 }),
            (0, 11, "ORG", SuggestionSource::Corpus { count: 1, total: 3 }),
            (23, 26, "PERSON", SuggestionSource::Corpus { count: 1, total: 1 }),
        ]
    );

    // A rejected suggestion stays rejected, and does not uncover "Kim" inside it.
    let rejected: BTreeSet<_> = [
        Rejection { doc_id: b.clone(), start_byte: 0, end_byte: 11, label: "PERSON".into() },
        Rejection { doc_id: b.clone(), start_byte: 0, end_byte: 11, label: "ORG".into() },
    ]
    .into();
    let left = suggester.suggest(ws.document(&b).unwrap(), &rejected);
    assert_eq!(left.iter().map(|s| s.start_byte).collect::<Vec<_>>(), [23]);
    let per_doc = suggester.suggest_corpus(ws.documents(), &rejected);
    assert_eq!(per_doc.iter().map(|(id, s)| (id.as_str(), s.len())).collect::<Vec<_>>(), [(a.as_str(), 3), (b.as_str(), 1)]);
}

#[test]
fn a_shorter_string_wins_where_the_longest_is_not_a_whole_word() {
    let gazetteer = Gazetteer::from_entries(vec![entry("Kim", "PERSON", None), entry("Kim Jong", "PERSON", None)]);
    let suggester = Suggester::new(SuggestOptions::default()).with_gazetteer(&gazetteer).unwrap();
    let text = "Kim Jongil";
    let found = suggester.suggest_text(text);
    assert_eq!(found.iter().map(|s| &text[s.range()]).collect::<Vec<_>>(), ["Kim"]);
}

fn entry(text: &str, label: &str, entity: Option<&str>) -> GazetteerEntry {
    GazetteerEntry { text: text.into(), label: label.into(), entity: entity.map(Into::into) }
}

#[test]
fn matches_never_split_a_grapheme_cluster() {
    let gazetteer = Gazetteer::from_entries(vec![entry("👩", "EMOJI", None), entry("Jose", "PERSON", None), entry("김", "PERSON", None)]);
    let loose = Suggester::new(SuggestOptions { whole_word: false, ignore_case: false }).with_gazetteer(&gazetteer).unwrap();
    assert!(loose.suggest_text(FIRST).is_empty(), "no person of the ZWJ family, no Jose without its accent");
    let jamo = "\u{1100}\u{1175}\u{11b7}";
    let jamo_gazetteer = Gazetteer::from_entries(vec![entry("\u{1100}\u{1175}", "X", None)]);
    assert!(Suggester::new(SuggestOptions { whole_word: false, ignore_case: false }).with_gazetteer(&jamo_gazetteer).unwrap().suggest_text(jamo).is_empty());
}

#[test]
fn gazetteers_parse_with_typed_line_diagnostics() {
    let tsv = "\u{feff}# a comment\r\nKim Jong Un\tPERSON\tQ56226\r\n\r\nPutin\n  \nВладимир Путин\tPERSON\n\tORG\nX\t\nA\tB\tC\tD\nKim Jong Un\tPERSON\tQ1\nKim Jong Un\tGPE\n";
    let (gazetteer, problems) = parse_gazetteer(tsv).unwrap();
    assert_eq!(
        gazetteer.entries(),
        [entry("Kim Jong Un", "PERSON", Some("Q56226")), entry("Владимир Путин", "PERSON", None), entry("Kim Jong Un", "GPE", None)]
    );
    assert_eq!(
        problems,
        [
            GazetteerDiagnostic { line: 4, problem: GazetteerProblem::MissingLabel },
            GazetteerDiagnostic { line: 7, problem: GazetteerProblem::EmptyText },
            GazetteerDiagnostic { line: 8, problem: GazetteerProblem::EmptyLabel },
            GazetteerDiagnostic { line: 9, problem: GazetteerProblem::TooManyColumns { columns: 4 } },
            GazetteerDiagnostic { line: 10, problem: GazetteerProblem::Duplicate { first_line: 2 } },
        ]
    );
    let long = format!("{}\tX\n", "a".repeat(600));
    assert!(matches!(parse_gazetteer(&long).unwrap().1[0].problem, GazetteerProblem::TextTooLong { len_bytes: 600, .. }));
    let huge = "a".repeat(MAX_GAZETTEER_BYTES + 1);
    assert_eq!(parse_gazetteer(&huge).unwrap_err(), GazetteerError::TooLarge { len_bytes: MAX_GAZETTEER_BYTES + 1, max_bytes: MAX_GAZETTEER_BYTES });

    // Matched with its entity, two labels for one text share the score.
    let suggester = Suggester::new(SuggestOptions::default()).with_gazetteer(&gazetteer).unwrap();
    let found = suggester.suggest_text(SECOND);
    let first: Vec<_> = found.iter().filter(|s| s.start_byte == 7).map(|s| (s.label.as_str(), s.source.clone(), s.score)).collect();
    assert_eq!(first, [("GPE", SuggestionSource::Gazetteer { entity: None }, 0.5), ("PERSON", SuggestionSource::Gazetteer { entity: Some("Q56226".into()) }, 0.5)]);
}

#[test]
fn ignoring_case_folds_entries_and_text_alike() {
    let gazetteer = Gazetteer::from_entries(vec![entry("путин", "PERSON", None), entry("STRASSE", "LOC", None)]);
    let exact = Suggester::new(SuggestOptions::default()).with_gazetteer(&gazetteer).unwrap();
    assert!(exact.suggest_text("ПУТИН in der Straße").is_empty());
    let folded = Suggester::new(SuggestOptions { ignore_case: true, whole_word: true }).with_gazetteer(&gazetteer).unwrap();
    let text = "ПУТИН in der Straße, Путин.";
    let found: Vec<_> = folded.suggest_text(text).iter().map(|s| (&text[s.range()], s.label.clone())).collect();
    assert_eq!(found, [("ПУТИН", "PERSON".to_owned()), ("Straße", "LOC".to_owned()), ("Путин", "PERSON".to_owned())]);
}

#[test]
fn entries_that_fold_alike_count_their_labels_once() {
    let gazetteer = Gazetteer::from_entries(vec![entry("Kim", "PERSON", Some("Q1")), entry("KIM", "PERSON", None), entry("kim", "ORG", None)]);
    let folded = Suggester::new(SuggestOptions { ignore_case: true, whole_word: true }).with_gazetteer(&gazetteer).unwrap();
    let got: Vec<_> = folded.suggest_text("kIm").iter().map(|s| (s.label.clone(), s.score)).collect();
    assert_eq!(got, [("ORG".to_owned(), 0.5), ("PERSON".to_owned(), 0.5)]);
}

fn kinds(text: &str) -> Vec<(&str, PatternKind)> {
    find_patterns(text).iter().map(|m| (&text[m.start_byte..m.end_byte], m.kind)).collect()
}

#[test]
fn identifier_patterns_find_what_they_should_and_nothing_else() {
    use PatternKind::*;
    let text = "Write to press.office@example.org or see https://example.org/a_(b)/c?d=1. \
                Call +44 20 7946 0958, (212) 555-0147 or 030 1234 5678. \
                Pay DE89 3704 0044 0532 0130 00 AND not DE89 3704 0044 0532 0130 01. \
                Seen at 39.0392, 125.7625 and 39°02′N 125°45′E. \
                On 2023-09-13, 12 September 2023 and Sept. 13, 2023.";
    assert_eq!(
        kinds(text),
        [
            ("press.office@example.org", Email),
            ("https://example.org/a_(b)/c?d=1", Url),
            ("+44 20 7946 0958", Phone),
            ("(212) 555-0147", Phone),
            ("030 1234 5678", Phone),
            ("DE89 3704 0044 0532 0130 00", Iban),
            ("39.0392, 125.7625", Coordinates),
            ("39°02′N 125°45′E", Coordinates),
            ("2023-09-13", Date),
            ("12 September 2023", Date),
            ("Sept. 13, 2023", Date),
        ]
    );
    // Not identifiers: version numbers, out-of-range dates and coordinates, short numbers,
    // a word glued to an address.
    let not = "v1.2.3 on 2023-13-45, 12345, 95.1234, 200.5000, 0 0, x+44 20 7946 0958y, the 32 May 2023x";
    assert_eq!(kinds(not), []);
}

#[test]
fn pattern_labels_are_configurable_and_sources_merge_leftmost_longest() {
    let mut labels = PatternLabels::default();
    labels.set(PatternKind::Date, Some("TIME")).set(PatternKind::Phone, None);
    let gazetteer = Gazetteer::from_entries(vec![entry("12 September", "EVENT", None), entry("2023", "DATE", None)]);
    let suggester = Suggester::new(SuggestOptions::default()).with_gazetteer(&gazetteer).unwrap().with_patterns(labels);
    let text = "On 12 September 2023, call +44 20 7946 0958.";
    let found: Vec<_> = suggester.suggest_text(text).iter().map(|s| (&text[s.range()], s.label.clone())).collect();
    // The pattern's date is longer than the gazetteer's "12 September" at the same start.
    assert_eq!(found, [("12 September 2023", "TIME".to_owned())]);

    // The same span and label from two sources: one suggestion, the higher score.
    let same = Gazetteer::from_entries(vec![entry("2023-09-13", "DATE", None), entry("2023-09-13", "X", None)]);
    let suggester = Suggester::new(SuggestOptions::default()).with_gazetteer(&same).unwrap().with_default_patterns();
    let found: Vec<Suggestion> = suggester.suggest_text("2023-09-13");
    let got: Vec<_> = found.iter().map(|s| (s.label.as_str(), s.score)).collect();
    assert_eq!(got, [("DATE", 0.9), ("X", 0.5)]);
    assert_eq!(found[0].source, SuggestionSource::Pattern { kind: PatternKind::Date });
}

/// Pieces for the property test: a small alphabet with multibyte letters, a combining
/// mark, a ZWJ, Hangul and word separators.
const ALPHABET: &[&str] = &["a", "b", "ab", " ", "é", "e\u{301}", "한", "👩", "\u{200d}", "-", ".", "'", "\r\n"];

fn piece_string(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(ALPHABET), 1..=max).prop_map(|p| p.concat())
}

/// The reference: at every character position, the entries longest first, the first one
/// there whose ends are grapheme (and, for whole words, word) boundaries; then go on after it.
fn naive(text: &str, entries: &[GazetteerEntry], whole_word: bool) -> Vec<(usize, usize, String)> {
    let graphemes: BTreeSet<usize> = text.grapheme_indices(true).map(|(i, _)| i).chain([text.len()]).collect();
    let words: BTreeSet<usize> = text.split_word_bound_indices().map(|(i, _)| i).chain([text.len()]).collect();
    let ok = |at: usize| graphemes.contains(&at) && (!whole_word || words.contains(&at));
    let mut by_length: Vec<&GazetteerEntry> = entries.iter().collect();
    by_length.sort_by_key(|e| std::cmp::Reverse(e.text.len()));
    let mut found = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let hit = by_length.iter().find(|e| text[i..].starts_with(&e.text) && ok(i) && ok(i + e.text.len()));
        match hit {
            Some(e) => {
                let end = i + e.text.len();
                for same in entries.iter().filter(|o| o.text == e.text) {
                    found.push((i, end, same.label.clone()));
                }
                i = end;
            }
            None => i += text[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    found.sort();
    found
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn the_gazetteer_matcher_agrees_with_a_naive_scan(
        text in prop::collection::vec(prop::sample::select(ALPHABET), 0..40).prop_map(|p| p.concat()),
        texts in prop::collection::btree_set(piece_string(3), 1..8),
        labels in prop::collection::vec(prop::sample::select(&["X", "Y"][..]), 8),
        whole_word: bool,
    ) {
        let entries: Vec<GazetteerEntry> = texts.into_iter().zip(labels).map(|(t, l)| entry(&t, l, None)).collect();
        let suggester = Suggester::new(SuggestOptions { whole_word, ignore_case: false }).with_gazetteer(&Gazetteer::from_entries(entries.clone())).unwrap();
        let mut got: Vec<_> = suggester.suggest_text(&text).into_iter().map(|s| (s.start_byte, s.end_byte, s.label)).collect();
        got.sort();
        prop_assert_eq!(got, naive(&text, &entries, whole_word));
    }
}

#[test]
fn the_fixture_pieces_hold_no_surprise() {
    // The shared generator's pieces never make the matcher panic, whatever is searched.
    let text: String = common::PIECES.concat();
    let entries: Vec<_> = common::PIECES.iter().map(|p| entry(p, "X", None)).collect();
    for whole_word in [true, false] {
        for ignore_case in [true, false] {
            let s = Suggester::new(SuggestOptions { whole_word, ignore_case }).with_gazetteer(&Gazetteer::from_entries(entries.clone())).unwrap().with_default_patterns();
            for found in s.suggest_text(&text) {
                assert!(text.is_char_boundary(found.start_byte) && text.is_char_boundary(found.end_byte));
            }
        }
    }
}

#[test]
fn accepting_a_pattern_whose_label_the_schema_lacks_adds_the_label_in_the_same_step() {
    let mut ws = spanmark_core::Workspace::default();
    let text = "Write to press@kremlin.ru or call.";
    let doc = ws.add_document("mail.txt", text).unwrap();
    ws.clear_history();
    assert!(ws.schema().get("EMAIL").is_none());
    let start = text.find("press@").unwrap();
    let range = start..start + "press@kremlin.ru".len();
    let spanmark_core::Added::New(a) = ws.accept_suggestion(&doc, range.clone(), "EMAIL", None).unwrap() else { panic!() };
    assert_eq!(a.label, "EMAIL");
    let label = ws.schema().get("EMAIL").expect("the label is added");
    assert!(label.hotkey.is_none());
    assert_eq!(ws.undo_summary(), Some("Add label EMAIL and tag “press@kremlin.ru”"));
    // One undo takes both back.
    ws.undo().unwrap();
    assert!(ws.schema().get("EMAIL").is_none());
    assert!(ws.document(&doc).unwrap().annotations().is_empty());
    // With the label there, it is a plain tag.
    ws.redo().unwrap();
    ws.remove_annotation(&doc, &a.id).unwrap();
    assert!(matches!(ws.accept_suggestion(&doc, range, "EMAIL", None).unwrap(), spanmark_core::Added::New(_)));
    assert_eq!(ws.schema().labels().iter().filter(|l| l.id == "EMAIL").count(), 1);
}

#[test]
fn accepting_a_gazetteer_suggestion_links_the_entity_with_its_identifier() {
    let mut ws = spanmark_core::Workspace::default();
    let text = "Vladimir Putin met Kim. Later, Vladimir Putin left.";
    let doc = ws.add_document("putin.txt", text).unwrap();
    ws.clear_history();
    let first = 0..14;
    let second = 31..45;
    assert_eq!(&text[second.clone()], "Vladimir Putin");
    let spanmark_core::Added::New(a) = ws.accept_suggestion(&doc, first, "PERSON", Some("Q7747")).unwrap() else { panic!() };
    let entity = a.extra().entity.clone().expect("linked");
    let e = ws.entity(&entity).unwrap();
    assert_eq!((e.name.as_str(), e.kind.as_str()), ("Vladimir Putin", "PERSON"));
    assert_eq!(e.identifiers.iter().map(|r| format!("{}:{}", r.resource, r.id)).collect::<Vec<_>>(), ["Wikidata:Q7747"]);
    // The second mention links to the same entity, found by its identifier.
    let spanmark_core::Added::New(b) = ws.accept_suggestion(&doc, second, "PERSON", Some("Q7747")).unwrap() else { panic!() };
    assert_eq!(b.extra().entity.as_deref(), Some(entity.as_str()));
    assert_eq!(ws.entities().count(), 1);
    // Undo takes back the second link, then the annotation and the entity together.
    ws.undo().unwrap();
    ws.undo().unwrap();
    assert_eq!(ws.entities().count(), 0);
    assert!(ws.document(&doc).unwrap().annotations().is_empty());
}
