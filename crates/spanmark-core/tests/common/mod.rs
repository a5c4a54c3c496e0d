//! Shared generators for the property tests: texts built from the characters that break offset code.
#![allow(dead_code)]

use proptest::prelude::*;

/// Pieces that exercise every width: ASCII, the seeds' typography, two-byte Latin and
/// Cyrillic, three-byte Hangul, four-byte emoji (surrogate pairs in UTF-16), ZWJ
/// sequences, flags, combining marks, and every line ending.
pub const PIECES: &[&str] = &[
    "a", "Kim", " ", "  ", ".", ",", "-", "\n", "\r\n", "\r", "\t",
    "–", "—", "“", "”", "’", "©", "…",
    "é", "e\u{301}", "Jose\u{301}", "ñ",
    "Путин", "Владивосток", "ё",
    "김정은", "한",
    "😀", "👍🏽", "👨\u{200d}👩\u{200d}👧\u{200d}👦", "🇰🇵", "🇷🇺",
    "\u{200b}", "\u{202e}", "\u{feff}",
];

/// A text of up to `max` pieces.
pub fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..max).prop_map(|p| p.concat())
}

/// The byte offsets of every character boundary of `s`, including its end.
pub fn boundaries(s: &str) -> Vec<usize> {
    s.char_indices().map(|(i, _)| i).chain(std::iter::once(s.len())).collect()
}

/// A text with spans on character boundaries: (text, [(start_byte, end_byte, label)]).
pub fn annotated_text(max_pieces: usize, max_spans: usize) -> impl Strategy<Value = (String, Vec<(usize, usize, &'static str)>)> {
    text(max_pieces).prop_filter("needs text", |t| !t.is_empty()).prop_flat_map(move |t| {
        let n = boundaries(&t).len();
        let span = (0..n, 0..n, prop::sample::select(&["PERSON", "ORG", "GPE", "WEAPON"][..]));
        (Just(t), prop::collection::vec(span, 0..max_spans))
    })
    .prop_map(|(t, raw)| {
        let b = boundaries(&t);
        let spans = raw
            .into_iter()
            .filter_map(|(i, j, l)| {
                let (s, e) = (b[i.min(j)], b[i.max(j)]);
                (s < e).then_some((s, e, l))
            })
            .collect();
        (t, spans)
    })
}
