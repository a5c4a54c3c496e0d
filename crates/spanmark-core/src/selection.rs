//! Selection normalisation: turn what the mouse selected into the span an analyst meant.
//!
//! The rules, in order:
//! 1. The range must lie on character boundaries within the text.
//! 2. It grows to whole grapheme clusters, so that a ZWJ emoji sequence, a flag
//!    or a letter with combining marks is never split.
//! 3. Whole grapheme clusters of whitespace are trimmed from both ends; if
//!    nothing is left, the selection is refused as empty.
//! 4. With [`SnapMode::Words`] (the default), each end that falls inside a word
//!    moves outward to the word's boundary (UAX #29 word boundaries).

use std::ops::Range;

use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation};

use crate::offsets::{OffsetError, OffsetIndex, Unit};

/// How a selection's ends are adjusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SnapMode {
    /// Grow each end to the boundary of the word it falls in (UAX #29).
    #[default]
    Words,
    /// Keep the selected characters (whole grapheme clusters only).
    Characters,
}

/// Why a selection cannot become a span.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectionError {
    /// An end of the selection is out of range or inside a character.
    #[error(transparent)]
    Offset(#[from] OffsetError),
    /// The selection ends before it starts.
    #[error("the selection ends (byte {end_byte}) before it starts (byte {start_byte})")]
    Reversed {
        /// Start, in UTF-8 bytes.
        start_byte: usize,
        /// End, in UTF-8 bytes.
        end_byte: usize,
    },
    /// Nothing but whitespace (or nothing at all) was selected.
    #[error("the selection is empty or only whitespace: select some text first")]
    Empty,
}

/// Normalises the selection `range` (UTF-8 bytes, half-open) of `text` by the rules above.
pub fn normalize_selection(
    text: &str,
    index: &OffsetIndex,
    range: Range<usize>,
    mode: SnapMode,
) -> Result<Range<usize>, SelectionError> {
    index.try_convert(range.start, Unit::Byte, Unit::Byte)?;
    index.try_convert(range.end, Unit::Byte, Unit::Byte)?;
    if range.end < range.start {
        return Err(SelectionError::Reversed { start_byte: range.start, end_byte: range.end });
    }
    let mut start = grapheme_floor(text, range.start);
    let mut end = grapheme_ceil(text, range.end);

    // Trim whole whitespace grapheme clusters from both ends.
    while start < end {
        let next = grapheme_next(text, start);
        if !is_blank(&text[start..next]) {
            break;
        }
        start = next;
    }
    while start < end {
        let prev = grapheme_prev(text, end);
        if !is_blank(&text[prev..end]) {
            break;
        }
        end = prev;
    }
    if start == end {
        return Err(SelectionError::Empty);
    }

    if mode == SnapMode::Words {
        if let Some(word) = word_around(text, start) {
            start = start.min(word.start);
        }
        let last_char = text[..end].char_indices().next_back().map_or(start, |(i, _)| i);
        if let Some(word) = word_around(text, last_char) {
            end = end.max(word.end);
        }
    }
    Ok(start..end)
}

/// How far a caret moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaretUnit {
    /// One grapheme cluster (an emoji sequence, a letter with its accents).
    Grapheme,
    /// To the end of the next word (forward) or the start of the previous one (backward),
    /// as UAX #29 finds words.
    Word,
}

/// Where a caret at byte `at` of `text` lands when it moves one `unit` forward or back.
/// Never inside a grapheme cluster; at the ends of the text it stays there. The cost is
/// bounded by the words it passes, not by the text's length.
pub fn caret_step(text: &str, at: usize, unit: CaretUnit, forward: bool) -> usize {
    let at = grapheme_floor(text, at.min(text.len()));
    let wordy = |w: &str| w.chars().any(char::is_alphanumeric);
    match (unit, forward) {
        (CaretUnit::Grapheme, true) => grapheme_next(text, at),
        (CaretUnit::Grapheme, false) => grapheme_prev(text, at),
        (CaretUnit::Word, true) => text[at..].split_word_bound_indices().find(|(_, w)| wordy(w)).map_or(text.len(), |(i, w)| at + i + w.len()),
        (CaretUnit::Word, false) => text[..at].split_word_bound_indices().rev().find(|(_, w)| wordy(w)).map_or(0, |(i, _)| i),
    }
}

fn is_blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

fn grapheme_floor(text: &str, at: usize) -> usize {
    let mut cursor = GraphemeCursor::new(at, text.len(), true);
    match cursor.is_boundary(text, 0) {
        Ok(true) => at,
        _ => cursor.prev_boundary(text, 0).ok().flatten().unwrap_or(0),
    }
}

fn grapheme_ceil(text: &str, at: usize) -> usize {
    let mut cursor = GraphemeCursor::new(at, text.len(), true);
    match cursor.is_boundary(text, 0) {
        Ok(true) => at,
        _ => cursor.next_boundary(text, 0).ok().flatten().unwrap_or(text.len()),
    }
}

fn grapheme_next(text: &str, at: usize) -> usize {
    let mut cursor = GraphemeCursor::new(at, text.len(), true);
    cursor.next_boundary(text, 0).ok().flatten().unwrap_or(text.len())
}

fn grapheme_prev(text: &str, at: usize) -> usize {
    let mut cursor = GraphemeCursor::new(at, text.len(), true);
    cursor.prev_boundary(text, 0).ok().flatten().unwrap_or(0)
}

/// The UAX #29 word that holds the byte at `at`, if that byte is not whitespace.
///
/// Word boundaries always fall at whitespace, so only the run of non-whitespace
/// around `at` is segmented: the cost does not grow with the line or the document.
fn word_around(text: &str, at: usize) -> Option<Range<usize>> {
    let ch = text[at..].chars().next()?;
    if ch.is_whitespace() {
        return None;
    }
    let run_start = text[..at].rfind(char::is_whitespace).map_or(0, |i| i + text[i..].chars().next().map_or(1, char::len_utf8));
    let run_end = text[at..].find(char::is_whitespace).map_or(text.len(), |i| at + i);
    let run = &text[run_start..run_end];
    run.split_word_bound_indices()
        .map(|(i, w)| run_start + i..run_start + i + w.len())
        .find(|w| w.start <= at && at < w.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(text: &str, selected: &str, mode: SnapMode) -> Result<String, SelectionError> {
        let start = text.find(selected).expect("fixture phrase present");
        let index = OffsetIndex::new(text);
        normalize_selection(text, &index, start..start + selected.len(), mode).map(|r| text[r].to_owned())
    }

    #[test]
    fn the_caret_moves_by_whole_graphemes_and_words() {
        let text = "Kim Jong-un 👩‍👩‍👧 e\u{301}x, Путин.";
        let step = |at, unit, forward| caret_step(text, at, unit, forward);
        assert_eq!(step(0, CaretUnit::Word, true), 3);
        // UAX #29 parts "Jong-un" at its hyphen: two steps to its end.
        assert_eq!(&text[step(3, CaretUnit::Word, true)..], "-un 👩‍👩‍👧 e\u{301}x, Путин.");
        assert_eq!(&text[step(8, CaretUnit::Word, true)..], " 👩‍👩‍👧 e\u{301}x, Путин.");
        let family = text.find('👩').unwrap();
        assert_eq!(step(family, CaretUnit::Grapheme, true), family + "👩‍👩‍👧".len());
        assert_eq!(step(family + 4, CaretUnit::Grapheme, true), family + "👩‍👩‍👧".len(), "from inside a cluster it moves from the cluster's start");
        let e = text.find("e\u{301}").unwrap();
        assert_eq!(step(e, CaretUnit::Grapheme, true), e + 3);
        assert_eq!(step(text.len(), CaretUnit::Word, false), text.find("Путин").unwrap());
        assert_eq!(step(text.len(), CaretUnit::Word, true), text.len());
        assert_eq!(step(0, CaretUnit::Grapheme, false), 0);
    }

    #[test]
    fn words_mode_grows_partial_words_and_trims_whitespace() {
        let text = "President Vladimir Putin spoke.";
        assert_eq!(norm(text, "ladimir Pu", SnapMode::Words).unwrap(), "Vladimir Putin");
        assert_eq!(norm(text, " Vladimir ", SnapMode::Words).unwrap(), "Vladimir");
        assert_eq!(norm(text, "ladimir Pu", SnapMode::Characters).unwrap(), "ladimir Pu");
        assert_eq!(norm(text, "Putin spoke.", SnapMode::Words).unwrap(), "Putin spoke.");
    }

    #[test]
    fn typographic_quotes_and_apostrophes_follow_uax29() {
        let text = "North Korea’s ruler said “all issues” – again.";
        // U+2019 between letters is inside the word (WB6/WB7).
        assert_eq!(norm(text, "Kore", SnapMode::Words).unwrap(), "Korea’s");
        // Quotation marks are words of their own: selecting inside keeps them out.
        assert_eq!(norm(text, "ll issu", SnapMode::Words).unwrap(), "all issues");
    }

    #[test]
    fn grapheme_clusters_are_never_split() {
        let family = "👨\u{200d}👩\u{200d}👧";
        let text = format!("the {family} family");
        let index = OffsetIndex::new(&text);
        // Select only the first code point of the ZWJ sequence, in character mode.
        let start = 4;
        let r = normalize_selection(&text, &index, start..start + 4, SnapMode::Characters).unwrap();
        assert_eq!(&text[r], family);
        // A combining acute accent stays with its letter.
        let text = "Jose\u{301} Marti\u{301}";
        let index = OffsetIndex::new(text);
        let r = normalize_selection(text, &index, 0..4, SnapMode::Characters).unwrap();
        assert_eq!(&text[r], "Jose\u{301}");
    }

    #[test]
    #[allow(clippy::reversed_empty_ranges)] // a reversed selection is what this test feeds in
    fn empty_and_blank_and_reversed_selections_are_refused() {
        let text = "a \r\n b";
        let index = OffsetIndex::new(text);
        assert_eq!(normalize_selection(text, &index, 1..5, SnapMode::Words), Err(SelectionError::Empty));
        assert_eq!(normalize_selection(text, &index, 3..3, SnapMode::Words), Err(SelectionError::Empty));
        assert!(matches!(
            normalize_selection(text, &index, 4..2, SnapMode::Words),
            Err(SelectionError::Reversed { .. })
        ));
        assert!(matches!(
            normalize_selection(text, &index, 0..99, SnapMode::Words),
            Err(SelectionError::Offset(OffsetError::OutOfBounds { .. }))
        ));
    }

    #[test]
    fn hangul_and_cyrillic_words() {
        let text = "김정은 위원장과 Владимир Путин";
        assert_eq!(norm(text, "정", SnapMode::Words).unwrap(), "김정은");
        assert_eq!(norm(text, "ладимир Пу", SnapMode::Words).unwrap(), "Владимир Путин");
    }
}
