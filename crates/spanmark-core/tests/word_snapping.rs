//! Word snapping at the edges of words: selections that start or end exactly on a word's first byte, after whitespace or punctuation.

use spanmark_core::{selection::normalize_selection, OffsetIndex, SnapMode};

/// The text that a selection of `selected` (its first occurrence in `text`) snaps to in words mode.
fn snap(text: &str, selected: &str) -> String {
    let start = text.find(selected).expect("the selected phrase is in the text");
    snap_range(text, start..start + selected.len())
}

fn snap_range(text: &str, range: std::ops::Range<usize>) -> String {
    let index = OffsetIndex::new(text);
    let r = normalize_selection(text, &index, range, SnapMode::Words).unwrap();
    text[r].to_owned()
}

#[test]
fn a_selection_ending_on_the_first_letter_of_a_word_takes_the_whole_word() {
    let text = "President Vladimir Putin spoke.";
    assert_eq!(snap(text, "President V"), "President Vladimir");
    assert_eq!(snap(text, "V"), "Vladimir");
    assert_eq!(snap(text, "Vladimir P"), "Vladimir Putin");
    assert_eq!(snap(text, "P"), "President");
    // Multi-byte first letters: the selection ends on the first character of "Путин".
    let text = "Владимир Путин";
    assert_eq!(snap(text, "Владимир П"), "Владимир Путин");
    assert_eq!(snap(text, "П"), "Путин");
}

#[test]
fn a_whole_word_right_after_punctuation_does_not_take_the_punctuation() {
    let text = "He said “all issues” – again.";
    assert_eq!(snap(text, "all"), "all");
    assert_eq!(snap(text, "all issues"), "all issues");
    assert_eq!(snap(text, "issues"), "issues");
    // Selecting the quotation mark itself keeps it, and grows to the word after it only if selected.
    assert_eq!(snap(text, "“a"), "“all");
    let text = "(Kim) met Putin.";
    assert_eq!(snap(text, "Kim"), "Kim");
    assert_eq!(snap(text, "Putin"), "Putin");
    assert_eq!(snap(text, "Pu"), "Putin");
}

#[test]
fn words_at_the_start_of_the_text_or_after_leading_whitespace_snap_exactly() {
    // The whitespace before the word is the first character of the text.
    assert_eq!(snap(" Putin spoke", "uti"), "Putin");
    assert_eq!(snap(" Putin spoke", "Putin"), "Putin");
    assert_eq!(snap("\u{3000}Путин", "ути"), "Путин");
    assert_eq!(snap("\tKim", "K"), "Kim");
    // The word before the whitespace ends with a multi-byte letter.
    assert_eq!(snap("José Martí", "art"), "Martí");
    assert_eq!(snap("Путин говорил", "ово"), "говорил");
    // The whitespace before the word is itself several bytes long (U+3000, U+00A0).
    assert_eq!(snap("Kim\u{3000}Путин", "Путин"), "Путин");
    assert_eq!(snap("Kim\u{3000}Путин", "ут"), "Путин");
    assert_eq!(snap("Jong\u{a0}Un said", "n sa"), "Un said");
    // No whitespace at all: the word starts at offset 0.
    assert_eq!(snap("Vladivostok", "vost"), "Vladivostok");
    assert_eq!(snap_range("Vladivostok", 0..1), "Vladivostok");
}
