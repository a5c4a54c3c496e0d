//! Search: exact byte hits in every script, whole words, full case folding, regex limits,
//! hit caps, and a property test against a plain scan of the text.

mod common;

use proptest::prelude::*;
use spanmark_core::search::{search_corpus, search_text, Search, SearchError, SearchHit, SearchMode, SearchOptions, MAX_PATTERN_BYTES};
use spanmark_core::Document;
use unicode_segmentation::UnicodeSegmentation;

/// Emoji, a ZWJ family, Hangul precomposed and as conjoining jamo, Cyrillic, a combining
/// acute and CRLF line endings.
const FIXTURE: &str = "Путин met 김정은 (\u{1100}\u{1175}\u{11b7}\u{110c}\u{1165}\u{11bc}\u{110b}\u{1173}\u{11ab}) 👋\r\n\
the 👩\u{200d}👩\u{200d}👧 family, Jose\u{301} and Jose; путин, ПУТИН.\r\nStraße STRASSE strasse Kim's Kim.";

fn plain() -> SearchOptions {
    SearchOptions::default()
}

fn quotes<'t>(text: &'t str, pattern: &str, options: SearchOptions) -> Vec<&'t str> {
    search_text(text, pattern, options).unwrap().hits.iter().map(|h| &text[h.range()]).collect()
}

fn starts(text: &str, pattern: &str, options: SearchOptions) -> Vec<usize> {
    search_text(text, pattern, options).unwrap().hits.iter().map(|h| h.start_byte).collect()
}

#[test]
fn plain_hits_are_exact_byte_ranges_in_every_script() {
    let found = search_text(FIXTURE, "Путин", plain()).unwrap();
    assert_eq!(found.hits, [SearchHit { start_byte: 0, end_byte: "Путин".len() }]);
    assert!(!found.truncated);
    assert_eq!(starts(FIXTURE, "김정은", plain()), [FIXTURE.find("김정은").unwrap()]);
    let jamo = "\u{1100}\u{1175}\u{11b7}\u{110c}\u{1165}\u{11bc}\u{110b}\u{1173}\u{11ab}";
    assert_eq!(quotes(FIXTURE, jamo, plain()), [jamo], "conjoining jamo are found as typed");
    assert_eq!(quotes(FIXTURE, "👋\r\n", plain()), ["👋\r\n"]);
}

#[test]
fn hits_never_split_a_grapheme_cluster() {
    // One person of the ZWJ family, a letter without its accent, a leading jamo alone and
    // half of CRLF would each cut a cluster in two.
    assert!(quotes(FIXTURE, "👩", plain()).is_empty());
    assert_eq!(quotes(FIXTURE, "Jose", plain()), ["Jose"], "only the Jose without a combining accent");
    assert_eq!(quotes(FIXTURE, "Jose\u{301}", plain()), ["Jose\u{301}"]);
    assert!(quotes(FIXTURE, "\u{1100}", plain()).is_empty());
    assert!(quotes(FIXTURE, "\r", plain()).is_empty());
    assert_eq!(quotes(FIXTURE, "👩\u{200d}👩\u{200d}👧", plain()).len(), 1);
}

#[test]
fn whole_words_follow_uax29() {
    let words = SearchOptions { whole_word: true, ..plain() };
    // "Kim's" is one word under UAX #29 (an apostrophe between letters), so only "Kim." counts.
    assert_eq!(starts(FIXTURE, "Kim", words), [FIXTURE.rfind("Kim").unwrap()]);
    assert_eq!(quotes("Kimchi, Kim, Kim-Jong", "Kim", words), ["Kim", "Kim"]);
    assert_eq!(quotes("김정은과 김정은", "김정은", words), ["김정은"], "Hangul particles are part of the word");
}

#[test]
fn ignoring_case_uses_full_folding_and_maps_back_exactly() {
    let fold = SearchOptions { ignore_case: true, ..plain() };
    assert_eq!(quotes(FIXTURE, "strasse", fold), ["Straße", "STRASSE", "strasse"]);
    assert_eq!(quotes(FIXTURE, "STRAẞE", fold), ["Straße", "STRASSE", "strasse"]);
    assert_eq!(quotes(FIXTURE, "путин", fold), ["Путин", "путин", "ПУТИН"]);
    // Half of the folding of ß is no character of the text: no hit.
    assert!(quotes("Maß", "s", fold).is_empty());
    assert_eq!(quotes("Maß und Mass", "mass", fold), ["Maß", "Mass"]);
    // The folding of a ligature spans both letters.
    assert_eq!(quotes("ﬁle FILE", "file", fold), ["ﬁle", "FILE"]);
    assert!(quotes("ﬁle", "ile", fold).is_empty());
}

#[test]
fn regex_search_with_flags_limits_and_typed_errors() {
    let regex = SearchOptions { mode: SearchMode::Regex, ..plain() };
    assert_eq!(quotes(FIXTURE, r"\p{Cyrillic}+", regex), ["Путин", "путин", "ПУТИН"]);
    let ci = SearchOptions { ignore_case: true, ..regex };
    assert_eq!(quotes(FIXTURE, "пут[иы]н", ci), ["Путин", "путин", "ПУТИН"]);
    // Empty matches are not hits.
    assert!(quotes("abc", "x*", regex).is_empty());
    assert!(matches!(Search::new("(", regex), Err(SearchError::InvalidRegex { .. })));
    assert_eq!(Search::new(r"\w{1000}{1000}", regex).unwrap_err(), SearchError::RegexTooBig { limit_bytes: spanmark_core::search::MAX_REGEX_BYTES });
    assert_eq!(Search::new("", plain()).unwrap_err(), SearchError::EmptyPattern);
    let long = "a".repeat(MAX_PATTERN_BYTES + 1);
    assert_eq!(Search::new(&long, plain()).unwrap_err(), SearchError::PatternTooLong { len_bytes: MAX_PATTERN_BYTES + 1, max_bytes: MAX_PATTERN_BYTES });
    // A regex hit that ends inside a grapheme cluster is dropped.
    assert!(quotes("Jose\u{301}", "Jose", regex).is_empty());
}

#[test]
fn hits_are_capped_with_a_flag_per_text_and_across_the_corpus() {
    let text = "ab ab ab ab";
    let capped = search_text(text, "ab", SearchOptions { max_hits: 3, ..plain() }).unwrap();
    assert_eq!(capped.hits.len(), 3);
    assert!(capped.truncated);
    let exact = search_text(text, "ab", SearchOptions { max_hits: 4, ..plain() }).unwrap();
    assert!(!exact.truncated);

    let docs = vec![
        Document::new("d1", "one.txt", "Путин and Путин").unwrap(),
        Document::new("d2", "two.txt", "nothing here").unwrap(),
        Document::new("d3", "three.txt", "путин").unwrap(),
    ];
    let fold = SearchOptions { ignore_case: true, ..plain() };
    let all = search_corpus(&docs, "ПУТИН", fold).unwrap();
    let counts: Vec<_> = all.documents.iter().map(|d| (d.doc_id.as_str(), d.count())).collect();
    assert_eq!(counts, [("d1", 2), ("d3", 1)]);
    assert_eq!((all.total, all.truncated), (3, false));
    let two = search_corpus(&docs, "ПУТИН", SearchOptions { max_hits: 2, ..fold }).unwrap();
    assert_eq!((two.total, two.truncated, two.documents.len()), (2, true, 1));
    let three = search_corpus(&docs, "ПУТИН", SearchOptions { max_hits: 3, ..fold }).unwrap();
    assert_eq!((three.total, three.truncated), (3, false));
}

/// The reference: every character position in turn, the pattern there if both ends are
/// grapheme boundaries (and word boundaries for whole words), non-overlapping.
fn naive(text: &str, pattern: &str, whole_word: bool) -> Vec<SearchHit> {
    let graphemes: Vec<usize> = text.grapheme_indices(true).map(|(i, _)| i).chain([text.len()]).collect();
    let words: Vec<usize> = text.split_word_bound_indices().map(|(i, _)| i).chain([text.len()]).collect();
    let ok = |at: usize| graphemes.contains(&at) && (!whole_word || words.contains(&at));
    let mut hits = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if text[i..].starts_with(pattern) && ok(i) && ok(i + pattern.len()) {
            hits.push(SearchHit { start_byte: i, end_byte: i + pattern.len() });
            i += pattern.len();
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    hits
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn plain_search_agrees_with_a_scan_of_the_text(text in common::text(40), pick in 0usize..1000, len in 1usize..4, whole_word: bool) {
        // A pattern taken from the text itself (so there is something to find), or from the pieces.
        let cuts = common::boundaries(&text);
        let pattern = if cuts.len() > len {
            let a = cuts[pick % (cuts.len() - len)];
            text[a..cuts[(pick % (cuts.len() - len)) + len]].to_owned()
        } else {
            common::PIECES[pick % common::PIECES.len()].to_owned()
        };
        let options = SearchOptions { whole_word, ..SearchOptions::default() };
        let found = search_text(&text, &pattern, options).unwrap();
        prop_assert_eq!(found.hits, naive(&text, &pattern, whole_word));
    }
}

/// Pieces whose case foldings change length or merge: ß, ẞ and SS; a ligature; final and
/// capital sigma; a dotted capital I (which folds to i and a combining dot); Cyrillic.
const FOLDING_PIECES: &[&str] = &["ß", "ẞ", "SS", "s", "ss", "ﬁ", "fi", "FI", "Σ", "ς", "σ", "İ", "i", "\u{307}", "Путин", "ПУТИН", " ", "e\u{301}", "👩\u{200d}👧", "-"];

fn fold(s: &str) -> String {
    // Independent of the core's table for the letters the pieces use: full folding by hand.
    s.chars()
        .map(|c| match c {
            'ß' | 'ẞ' => "ss".to_owned(),
            'ﬁ' => "fi".to_owned(),
            'ς' | 'Σ' => "σ".to_owned(),
            'İ' => "i\u{307}".to_owned(),
            other => other.to_lowercase().collect(),
        })
        .collect()
}

/// The reference for ignoring case: at every character position, the end where the
/// folding of the text equals the folding of the pattern, if its ends are grapheme (and
/// word) boundaries; non-overlapping.
fn naive_folded(text: &str, pattern: &str, whole_word: bool) -> Vec<SearchHit> {
    let graphemes: Vec<usize> = text.grapheme_indices(true).map(|(i, _)| i).chain([text.len()]).collect();
    let words: Vec<usize> = text.split_word_bound_indices().map(|(i, _)| i).chain([text.len()]).collect();
    let ok = |at: usize| graphemes.contains(&at) && (!whole_word || words.contains(&at));
    let wanted = fold(pattern);
    let cuts = common::boundaries(text);
    let mut hits = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let end = cuts.iter().copied().filter(|&j| j > i).find(|&j| fold(&text[i..j]) == wanted && ok(i) && ok(j));
        match end {
            Some(j) => {
                hits.push(SearchHit { start_byte: i, end_byte: j });
                i = j;
            }
            None => i += text[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    hits
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn case_folded_search_agrees_with_folding_every_substring(
        text in prop::collection::vec(prop::sample::select(FOLDING_PIECES), 0..24).prop_map(|p| p.concat()),
        pattern in prop::collection::vec(prop::sample::select(FOLDING_PIECES), 1..3).prop_map(|p| p.concat()),
        whole_word: bool,
    ) {
        let options = SearchOptions { ignore_case: true, whole_word, ..SearchOptions::default() };
        let found = search_text(&text, &pattern, options).unwrap();
        prop_assert_eq!(found.hits, naive_folded(&text, &pattern, whole_word));
    }
}
