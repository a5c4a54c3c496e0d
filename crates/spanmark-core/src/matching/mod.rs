//! Text matching shared by search and suggestions: full Unicode case folding with an exact
//! map back to the original bytes, and the boundary checks (character, grapheme cluster,
//! UAX #29 word) that every hit passes.
//!
//! Folding is done on a copy of the text. [`Folded`] remembers, for every byte of the copy
//! that begins the folding of an original character, where that character starts in the
//! original text, so a hit found in the folded copy maps back exactly, or not at all when
//! it would begin or end inside the folding of one character ("ß" folds to "ss": a hit on
//! the second "s" alone has no place in the original text and is dropped).

use std::ops::Range;

use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation};

mod fold_table;

/// Appends the full case folding of `c` (CaseFolding.txt, statuses C and F) to `out`.
pub(crate) fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    if let Ok(i) = fold_table::FOLD_EXCEPTIONS.binary_search_by_key(&c, |(from, _)| *from) {
        out.push_str(fold_table::FOLD_EXCEPTIONS[i].1);
        return;
    }
    // Cherokee folds to its uppercase letters, which have no folding of their own.
    let code = c as u32;
    let cherokee = match code {
        0x13A0..=0x13F5 => Some(code),
        0x13F8..=0x13FD => Some(code - 8),
        0xAB70..=0xABBF => Some(code - 0xAB70 + 0x13A0),
        _ => None,
    };
    match cherokee.and_then(char::from_u32) {
        Some(upper) => out.push(upper),
        None => out.extend(c.to_lowercase()),
    }
}

/// The full case folding of `s`.
pub(crate) fn fold_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// Marks a folded byte that does not begin the folding of an original character.
const INSIDE: u32 = u32::MAX;

/// A case-folded copy of a text with an exact map back to the original's byte offsets.
#[derive(Debug, Clone)]
pub(crate) struct Folded {
    /// The folded text.
    pub(crate) text: String,
    /// For each byte of `text`, and one past its end: the original byte offset where the
    /// folding of an original character begins there, or [`INSIDE`]. `None` when the
    /// original was ASCII, so that both texts have the same offsets.
    origin: Option<Vec<u32>>,
}

impl Folded {
    /// Folds `original`. Texts longer than `u32::MAX` bytes are refused earlier by
    /// `Document`, whose offset index has the same limit.
    pub(crate) fn new(original: &str) -> Self {
        if original.is_ascii() {
            return Folded { text: original.to_ascii_lowercase(), origin: None };
        }
        let mut text = String::with_capacity(original.len() + original.len() / 8);
        let mut origin = Vec::with_capacity(original.len() + original.len() / 8 + 1);
        for (byte, c) in original.char_indices() {
            let before = text.len();
            fold_char(c, &mut text);
            origin.push(byte as u32);
            origin.resize(text.len().max(before + 1), INSIDE);
            // A character whose folding is empty would leave no byte to start at; none is
            // (every folding in CaseFolding.txt is at least one character long).
        }
        origin.push(original.len() as u32);
        Folded { text, origin: Some(origin) }
    }

    /// The range of the original text that the folded range `folded_byte` (UTF-8 bytes of
    /// the folded copy) came from, or `None` if either end falls inside the folding of one
    /// original character.
    pub(crate) fn to_original(&self, folded_byte: Range<usize>) -> Option<Range<usize>> {
        let Some(origin) = &self.origin else { return Some(folded_byte) };
        let start = *origin.get(folded_byte.start)?;
        let end = *origin.get(folded_byte.end)?;
        (start != INSIDE && end != INSIDE).then_some(start as usize..end as usize)
    }
}

/// Whether `at` (UTF-8 bytes) is a grapheme cluster boundary of `text`.
pub(crate) fn is_grapheme_boundary(text: &str, at: usize) -> bool {
    if !text.is_char_boundary(at) {
        return false;
    }
    // Between two ASCII characters the only rule that joins is CR × LF (GB3).
    if let (Some(&before), Some(&after)) = (text.as_bytes().get(at.wrapping_sub(1)), text.as_bytes().get(at)) {
        if before.is_ascii() && after.is_ascii() {
            return !(before == b'\r' && after == b'\n');
        }
    }
    let mut cursor = GraphemeCursor::new(at, text.len(), true);
    cursor.is_boundary(text, 0).unwrap_or(false)
}

/// How far from an offset a word boundary check looks for the whitespace that restarts
/// the UAX #29 rules, in bytes. Runs of text longer than this without whitespace (long
/// CJK passages) are segmented from a character boundary this far away instead.
const WORD_WINDOW_BYTES: usize = 1024;

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// Whether `at` (UTF-8 bytes) is a UAX #29 word boundary of `text`.
///
/// Only the text from the last whitespace character before `at` to the first one after
/// it is segmented: no UAX #29 rule looks across a whitespace character, so the cost does
/// not grow with the line or the document.
pub(crate) fn is_word_boundary(text: &str, at: usize) -> bool {
    if at == 0 || at == text.len() {
        return true;
    }
    if at > text.len() || !text.is_char_boundary(at) {
        return false;
    }
    // An ASCII letter or digit beside a space always breaks (WB999): no rule joins them.
    let (before, after) = (text.as_bytes()[at - 1], text.as_bytes()[at]);
    if (before.is_ascii_alphanumeric() && after == b' ') || (before == b' ' && after.is_ascii_alphanumeric()) {
        return true;
    }
    let lo = floor_char_boundary(text, at.saturating_sub(WORD_WINDOW_BYTES));
    let start = text[lo..at].char_indices().rev().find(|(_, c)| c.is_whitespace()).map_or(lo, |(i, _)| lo + i);
    let hi = ceil_char_boundary(text, at + WORD_WINDOW_BYTES);
    let end = text[at..hi].char_indices().find(|(_, c)| c.is_whitespace()).map_or(hi, |(i, c)| at + i + c.len_utf8());
    let window = &text[start..end];
    window.split_word_bound_indices().any(|(i, _)| start + i == at)
}

/// Whether the hit `range` (UTF-8 bytes) of `text` is acceptable: it begins and ends on
/// grapheme cluster boundaries and, when `whole_word` is set, on UAX #29 word boundaries.
pub(crate) fn is_clean_hit(text: &str, range: &Range<usize>, whole_word: bool) -> bool {
    is_grapheme_boundary(text, range.start)
        && is_grapheme_boundary(text, range.end)
        && (!whole_word || (is_word_boundary(text, range.start) && is_word_boundary(text, range.end)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_folding_maps_back_exactly() {
        assert_eq!(fold_str("Straße"), "strasse");
        assert_eq!(fold_str("STRASSE"), "strasse");
        assert_eq!(fold_str("ﬁre ΣΑΣ ς"), "fire σασ σ");
        let folded = Folded::new("Maß");
        assert_eq!(folded.text, "mass");
        assert_eq!(folded.to_original(0..4), Some(0..4));
        assert_eq!(folded.to_original(2..3), None, "the first s of ß is not a character of the original");
        assert_eq!(folded.to_original(3..4), None);
        assert_eq!(folded.to_original(1..2), Some(1..2));
    }

    #[test]
    fn exceptions_are_sorted_for_binary_search() {
        assert!(fold_table::FOLD_EXCEPTIONS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn long_runs_without_whitespace_are_segmented_near_the_offset() {
        // A 3,000-letter word has no boundary inside; 3,000 ideographs break between each.
        let latin = "a".repeat(3000);
        assert!(!is_word_boundary(&latin, 1500));
        assert!(is_word_boundary(&latin, 3000));
        let han = "漢".repeat(3000);
        assert!(is_word_boundary(&han, 1500 * 3));
        assert!(!is_word_boundary(&han, 1500 * 3 + 1), "inside a character");
    }

    #[test]
    fn word_boundaries_follow_uax29() {
        let text = "Kim’s a\u{301}b  x\r\ny";
        let bounds: Vec<usize> = (0..=text.len()).filter(|&i| is_word_boundary(text, i)).collect();
        let expected: Vec<usize> = text.split_word_bound_indices().map(|(i, _)| i).chain([text.len()]).collect();
        assert_eq!(bounds, expected);
    }
}
