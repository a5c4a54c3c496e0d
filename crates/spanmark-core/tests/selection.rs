//! Selection normalisation properties: whole grapheme clusters, trimmed, and never losing what was selected.

mod common;

use std::collections::BTreeSet;

use proptest::prelude::*;
use spanmark_core::{selection::normalize_selection, OffsetIndex, SelectionError, SnapMode};
use unicode_segmentation::UnicodeSegmentation;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn normalized_selections_are_whole_graphemes_trimmed_and_cover_the_selection(
        text in common::text(40), i in 0usize..400, j in 0usize..400, words in any::<bool>()
    ) {
        let b = common::boundaries(&text);
        let (s, e) = (b[i % b.len()].min(b[j % b.len()]), b[i % b.len()].max(b[j % b.len()]));
        let index = OffsetIndex::new(&text);
        let mode = if words { SnapMode::Words } else { SnapMode::Characters };
        let graphemes: BTreeSet<usize> = text.grapheme_indices(true).map(|(k, _)| k).chain([text.len()]).collect();
        match normalize_selection(&text, &index, s..e, mode) {
            Ok(r) => {
                prop_assert!(r.start < r.end);
                prop_assert!(graphemes.contains(&r.start) && graphemes.contains(&r.end), "{:?} splits a grapheme", r);
                let first = text[r.clone()].graphemes(true).next().unwrap();
                let last = text[r.clone()].graphemes(true).next_back().unwrap();
                prop_assert!(!first.chars().all(char::is_whitespace) && !last.chars().all(char::is_whitespace));
                // Every non-whitespace character that was selected is still inside.
                for (k, c) in text[s..e].char_indices() {
                    if !c.is_whitespace() {
                        prop_assert!(r.start <= s + k && s + k < r.end);
                    }
                }
                if !words {
                    // Character mode only grows to grapheme boundaries: never past the enclosing clusters.
                    let lo = graphemes.range(..=s).next_back().copied().unwrap_or(0);
                    let hi = graphemes.range(e..).next().copied().unwrap_or(text.len());
                    prop_assert!(lo <= r.start && r.end <= hi);
                }
            }
            Err(SelectionError::Empty) => {
                prop_assert!(text[s..e].chars().all(char::is_whitespace));
            }
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }
}
