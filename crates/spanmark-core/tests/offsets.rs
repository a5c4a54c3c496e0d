//! Offset index properties, with a plain `String` as the oracle for every unit.

mod common;

use proptest::prelude::*;
use spanmark_core::{OffsetError, OffsetIndex, Unit};

/// typst's fixture, extended with the characters our analysts meet.
const FIXTURE: &str = "ä😀\r\nb\rc – “Путин” 김정은 👨\u{200d}👩\u{200d}👧 Jose\u{301}\n";

fn oracle(text: &str, byte_idx: usize) -> (usize, usize) {
    (text[..byte_idx].chars().count(), text[..byte_idx].encode_utf16().count())
}

fn check_against_oracle(text: &str) {
    let index = OffsetIndex::new(text);
    assert_eq!(index.len(Unit::Byte), text.len());
    assert_eq!(index.len(Unit::CodePoint), text.chars().count());
    assert_eq!(index.len(Unit::Utf16), text.encode_utf16().count());
    let boundaries = common::boundaries(text);
    for &b in &boundaries {
        let (cp, u16) = oracle(text, b);
        assert_eq!(index.try_byte_to_cp(b), Ok(cp), "byte {b} -> cp in {text:?}");
        assert_eq!(index.try_byte_to_utf16(b), Ok(u16), "byte {b} -> utf16");
        assert_eq!(index.try_cp_to_byte(cp), Ok(b), "cp {cp} -> byte");
        assert_eq!(index.try_utf16_to_byte(u16), Ok(b), "utf16 {u16} -> byte");
        assert_eq!(index.try_cp_to_utf16(cp), Ok(u16));
        assert_eq!(index.try_utf16_to_cp(u16), Ok(cp));
    }
    // Every byte offset that is not a boundary is inside a character.
    for b in 0..text.len() {
        if !text.is_char_boundary(b) {
            assert!(matches!(index.try_byte_to_cp(b), Err(OffsetError::InsideCharacter { .. })), "byte {b}");
        }
    }
    // The second half of every surrogate pair is inside a character.
    let mut u16_pos = 0;
    for ch in text.chars() {
        if ch.len_utf16() == 2 {
            assert!(matches!(
                index.try_utf16_to_byte(u16_pos + 1),
                Err(OffsetError::InsideCharacter { unit: Unit::Utf16, .. })
            ));
        }
        u16_pos += ch.len_utf16();
    }
    // Past the end is out of bounds, in every unit.
    for unit in [Unit::Byte, Unit::CodePoint, Unit::Utf16] {
        let len = index.len(unit);
        assert_eq!(
            index.try_convert(len + 1, unit, Unit::Byte),
            Err(OffsetError::OutOfBounds { unit, index: len + 1, len })
        );
    }
}

#[test]
fn fixture_matches_the_string_oracle() {
    check_against_oracle(FIXTURE);
    check_against_oracle("");
    let index = OffsetIndex::new(FIXTURE);
    // "ä" is 2 bytes, "😀" 4 bytes and 2 UTF-16 units: "\r" is at byte 6, cp 2, utf16 3.
    assert_eq!(index.try_byte_to_cp(6), Ok(2));
    assert_eq!(index.try_byte_to_utf16(6), Ok(3));
}

#[test]
fn a_long_text_of_wide_characters_matches_the_string_oracle() {
    // Many more wide characters than one sample of the index stands for.
    check_against_oracle(&FIXTURE.repeat(40));
    check_against_oracle(&format!("{}{}", "a".repeat(500), "ж".repeat(300)));
}

#[test]
fn seeds_match_the_string_oracle() {
    for name in ["kim-jong-un-meets-putin-in-russia.txt", "putin-seeks-north-korean-arms.txt"] {
        let path = format!("{}/../../www/demo/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("demo article");
        check_against_oracle(&text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn conversions_agree_with_the_string_oracle(text in common::text(60)) {
        check_against_oracle(&text);
    }

    #[test]
    fn any_offset_either_converts_exactly_or_errs(text in common::text(30), raw in 0usize..400, from in 0u8..3, to in 0u8..3) {
        let unit = |u| [Unit::Byte, Unit::CodePoint, Unit::Utf16][u as usize];
        let index = OffsetIndex::new(&text);
        if let Ok(converted) = index.try_convert(raw, unit(from), unit(to)) {
            // A successful conversion round-trips.
            prop_assert_eq!(index.try_convert(converted, unit(to), unit(from)), Ok(raw));
        }
    }

    /// The search from a cursor gives what the whole search gives, for offsets asked in
    /// any order (mostly increasing, as a file's spans are, with jumps back).
    #[test]
    fn converting_near_a_cursor_agrees_with_bisecting(text in common::text(80), times in 1usize..40, asks in proptest::collection::vec((0usize..8000, 0u8..3, 0u8..3), 1..60)) {
        let unit = |u| [Unit::Byte, Unit::CodePoint, Unit::Utf16][u as usize];
        // Repeated: more wide characters than one sample of the index stands for.
        let text = text.repeat(times);
        let index = OffsetIndex::new(&text);
        let mut cursor = 0;
        for (raw, from, to) in asks {
            prop_assert_eq!(index.try_convert_near(raw, unit(from), unit(to), &mut cursor), index.try_convert(raw, unit(from), unit(to)));
        }
    }
}
