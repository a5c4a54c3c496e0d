//! The offset index: exact conversions between UTF-8 bytes, Unicode code points and UTF-16 code units.
//!
//! The core counts in UTF-8 bytes (the unit of Rust's `&str`). Exports count code
//! points and JavaScript counts UTF-16 code units, so every offset that crosses a
//! boundary goes through an [`OffsetIndex`].
//!
//! The index records one entry per non-ASCII character. Between two such entries
//! the text is ASCII, where all three units advance together, so a conversion is
//! one binary search: O(log w) for w non-ASCII characters, never a scan of the text.
//!
//! Rounding rule: there is none. An offset that falls inside a character (between
//! the bytes of a multi-byte character, or between the two halves of a surrogate
//! pair) is an error, [`OffsetError::InsideCharacter`], never silently rounded.

use std::fmt;

/// A unit in which a text offset can be counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// UTF-8 bytes: the unit of Rust's `&str`, used inside the core.
    Byte,
    /// Unicode code points (scalar values): the unit of every export and of Python's `str`.
    CodePoint,
    /// UTF-16 code units: the unit of JavaScript strings and DOM ranges.
    Utf16,
}

impl Unit {
    /// The unit's name for people, singular and plural: the one table of unit names.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Unit::Byte => ("UTF-8 byte", "UTF-8 bytes"),
            Unit::CodePoint => ("code point", "code points"),
            Unit::Utf16 => ("UTF-16 code unit", "UTF-16 code units"),
        }
    }

    /// The unit's plural name for messages ("code points").
    pub fn plural(self) -> &'static str {
        self.names().1
    }

    /// The unit that files most often confuse with this one: UTF-16 for code points
    /// (and bytes), code points for UTF-16.
    pub fn other(self) -> Unit {
        match self {
            Unit::Utf16 => Unit::CodePoint,
            _ => Unit::Utf16,
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.names().0)
    }
}

/// Why an offset could not be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OffsetError {
    /// The offset is past the end of the text.
    #[error("offset {index} ({unit}) is past the end of the text, which is {len} {unit}s long")]
    OutOfBounds {
        /// The unit the offset was counted in.
        unit: Unit,
        /// The offset that was tried.
        index: usize,
        /// The length of the text in that unit.
        len: usize,
    },
    /// The offset falls inside a character rather than between two characters.
    #[error("offset {index} ({unit}) falls inside a character; the character starts at {char_start}")]
    InsideCharacter {
        /// The unit the offset was counted in.
        unit: Unit,
        /// The offset that was tried.
        index: usize,
        /// Where the character that contains it starts, in the same unit.
        char_start: usize,
    },
}

/// One non-ASCII character: where it starts in each unit, and how long it is.
#[derive(Debug, Clone, Copy)]
struct WideChar {
    byte: u32,
    cp: u32,
    utf16: u32,
    len_utf8: u8,
    len_utf16: u8,
}

impl WideChar {
    fn start(&self, unit: Unit) -> usize {
        match unit {
            Unit::Byte => self.byte as usize,
            Unit::CodePoint => self.cp as usize,
            Unit::Utf16 => self.utf16 as usize,
        }
    }

    fn len(&self, unit: Unit) -> usize {
        match unit {
            Unit::Byte => self.len_utf8 as usize,
            Unit::CodePoint => 1,
            Unit::Utf16 => self.len_utf16 as usize,
        }
    }
}

/// Converts offsets between UTF-8 bytes, code points and UTF-16 code units for one text.
///
/// ```
/// use spanmark_core::OffsetIndex;
/// let text = "Kim 👋 Путин";
/// let index = OffsetIndex::new(text);
/// // "Путин" starts at byte 9, code point 6, UTF-16 unit 7 (the emoji is a surrogate pair).
/// assert_eq!(index.try_byte_to_cp(9), Ok(6));
/// assert_eq!(index.try_byte_to_utf16(9), Ok(7));
/// assert_eq!(index.try_utf16_to_byte(7), Ok(9));
/// // UTF-16 offset 5 is between the two halves of the emoji: an error, not a guess.
/// assert!(index.try_utf16_to_byte(5).is_err());
/// ```
#[derive(Debug, Clone)]
pub struct OffsetIndex {
    len_bytes: usize,
    len_cp: usize,
    len_utf16: usize,
    wide: Vec<WideChar>,
    /// The start of every [`STRIDE`]th wide character, in each unit (indexed by
    /// [`unit_slot`]): a search bisects these small arrays, which stay in the cache, and
    /// then at most `STRIDE` characters of `wide` (10 MB of Cyrillic is 5 million wide
    /// characters, 80 MB: bisecting them all missed the cache at every step).
    sample: [Vec<u32>; 3],
}

/// How many wide characters one entry of [`OffsetIndex`]'s sample stands for.
const STRIDE: usize = 64;

fn unit_slot(unit: Unit) -> usize {
    match unit {
        Unit::Byte => 0,
        Unit::CodePoint => 1,
        Unit::Utf16 => 2,
    }
}

/// The largest text, in bytes, that an [`OffsetIndex`] can hold (its entries are 32-bit).
pub const MAX_TEXT_BYTES: usize = u32::MAX as usize;

impl OffsetIndex {
    /// Builds the index of `text` in one pass. Texts longer than [`MAX_TEXT_BYTES`]
    /// are refused earlier, by [`crate::Document::new`].
    pub fn new(text: &str) -> Self {
        let mut wide = Vec::new();
        let (mut cp, mut utf16) = (0u32, 0u32);
        for (byte, ch) in text.char_indices() {
            let len_utf8 = ch.len_utf8();
            if len_utf8 > 1 {
                wide.push(WideChar {
                    byte: byte as u32,
                    cp,
                    utf16,
                    len_utf8: len_utf8 as u8,
                    len_utf16: ch.len_utf16() as u8,
                });
            }
            cp += 1;
            utf16 += ch.len_utf16() as u32;
        }
        let sample = [Unit::Byte, Unit::CodePoint, Unit::Utf16].map(|unit| wide.iter().step_by(STRIDE).map(|w| w.start(unit) as u32).collect());
        OffsetIndex {
            len_bytes: text.len(),
            len_cp: cp as usize,
            len_utf16: utf16 as usize,
            wide,
            sample,
        }
    }

    /// The length of the text in `unit`.
    pub fn len(&self, unit: Unit) -> usize {
        match unit {
            Unit::Byte => self.len_bytes,
            Unit::CodePoint => self.len_cp,
            Unit::Utf16 => self.len_utf16,
        }
    }

    /// Converts `index`, counted in `from`, to the same position counted in `to`.
    ///
    /// Fails if `index` is past the end of the text or falls inside a character.
    pub fn try_convert(&self, index: usize, from: Unit, to: Unit) -> Result<usize, OffsetError> {
        let len = self.len(from);
        if index > len {
            return Err(OffsetError::OutOfBounds { unit: from, index, len });
        }
        self.convert_after(self.wide_up_to(index, from), index, from, to)
    }

    /// How many wide characters start at or before `index` (counted in `unit`).
    fn wide_up_to(&self, index: usize, unit: Unit) -> usize {
        let sample = &self.sample[unit_slot(unit)];
        let k = sample.partition_point(|&start| start as usize <= index);
        if k == 0 {
            return 0;
        }
        // wide[low] starts at or before `index`; wide[high], if any, after it.
        let low = (k - 1) * STRIDE;
        let high = (k * STRIDE).min(self.wide.len());
        low + 1 + self.wide[low + 1..high].partition_point(|w| w.start(unit) <= index)
    }

    /// Like [`OffsetIndex::try_convert`], for offsets asked in about increasing order
    /// (the spans of a file): `cursor` remembers where the last one was found, and an
    /// offset a little after it is found from there. Start with 0.
    pub fn try_convert_near(&self, index: usize, from: Unit, to: Unit, cursor: &mut usize) -> Result<usize, OffsetError> {
        let len = self.len(from);
        if index > len {
            return Err(OffsetError::OutOfBounds { unit: from, index, len });
        }
        // Near the cursor (within STRIDE wide characters after it) a short search does;
        // elsewhere the sampled one.
        let before = |i: usize| self.wide[i].start(from) <= index;
        let at = (*cursor).min(self.wide.len());
        let window = (at + STRIDE).min(self.wide.len());
        let at = if (at == 0 || before(at - 1)) && (window == self.wide.len() || !before(window)) {
            at + self.wide[at..window].partition_point(|w| w.start(from) <= index)
        } else {
            self.wide_up_to(index, from)
        };
        *cursor = at;
        self.convert_after(at, index, from, to)
    }

    /// Converts `index`, given `after`: how many wide characters start at or before it.
    fn convert_after(&self, after: usize, index: usize, from: Unit, to: Unit) -> Result<usize, OffsetError> {
        let Some(w) = after.checked_sub(1).map(|i| self.wide[i]) else {
            // Everything before `index` is ASCII: all units agree.
            return Ok(index);
        };
        let char_start = w.start(from);
        let char_end = char_start + w.len(from);
        if index == char_start {
            Ok(w.start(to))
        } else if index < char_end {
            Err(OffsetError::InsideCharacter { unit: from, index, char_start })
        } else {
            Ok(w.start(to) + w.len(to) + (index - char_end))
        }
    }

    /// Checks that `index`, counted in `unit`, lies on a character boundary within
    /// the text: the one boundary check of the core.
    pub fn check_boundary(&self, index: usize, unit: Unit) -> Result<(), OffsetError> {
        self.try_convert(index, unit, unit).map(|_| ())
    }

    /// UTF-8 byte offset to code point offset.
    pub fn try_byte_to_cp(&self, byte_idx: usize) -> Result<usize, OffsetError> {
        self.try_convert(byte_idx, Unit::Byte, Unit::CodePoint)
    }

    /// Code point offset to UTF-8 byte offset.
    pub fn try_cp_to_byte(&self, cp_idx: usize) -> Result<usize, OffsetError> {
        self.try_convert(cp_idx, Unit::CodePoint, Unit::Byte)
    }

    /// UTF-8 byte offset to UTF-16 code unit offset.
    pub fn try_byte_to_utf16(&self, byte_idx: usize) -> Result<usize, OffsetError> {
        self.try_convert(byte_idx, Unit::Byte, Unit::Utf16)
    }

    /// UTF-16 code unit offset to UTF-8 byte offset.
    pub fn try_utf16_to_byte(&self, utf16_idx: usize) -> Result<usize, OffsetError> {
        self.try_convert(utf16_idx, Unit::Utf16, Unit::Byte)
    }

    /// Code point offset to UTF-16 code unit offset.
    pub fn try_cp_to_utf16(&self, cp_idx: usize) -> Result<usize, OffsetError> {
        self.try_convert(cp_idx, Unit::CodePoint, Unit::Utf16)
    }

    /// UTF-16 code unit offset to code point offset.
    pub fn try_utf16_to_cp(&self, utf16_idx: usize) -> Result<usize, OffsetError> {
        self.try_convert(utf16_idx, Unit::Utf16, Unit::CodePoint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_only_is_identity() {
        let idx = OffsetIndex::new("Putin");
        for i in 0..=5 {
            assert_eq!(idx.try_byte_to_cp(i), Ok(i));
            assert_eq!(idx.try_utf16_to_byte(i), Ok(i));
        }
        assert_eq!(
            idx.try_byte_to_cp(6),
            Err(OffsetError::OutOfBounds { unit: Unit::Byte, index: 6, len: 5 })
        );
    }

    #[test]
    fn inside_characters_are_errors_with_the_character_start() {
        // "–" is 3 bytes, 1 UTF-16 unit; "😀" is 4 bytes, 2 UTF-16 units.
        let idx = OffsetIndex::new("a–😀b");
        assert_eq!(
            idx.try_byte_to_cp(2),
            Err(OffsetError::InsideCharacter { unit: Unit::Byte, index: 2, char_start: 1 })
        );
        assert_eq!(
            idx.try_utf16_to_cp(3),
            Err(OffsetError::InsideCharacter { unit: Unit::Utf16, index: 3, char_start: 2 })
        );
        assert_eq!(idx.try_utf16_to_cp(4), Ok(3));
        assert_eq!(idx.try_byte_to_utf16(8), Ok(4));
        assert_eq!(idx.len(Unit::Byte), 9);
        assert_eq!(idx.len(Unit::CodePoint), 4);
        assert_eq!(idx.len(Unit::Utf16), 5);
    }

    #[test]
    fn error_messages_name_the_unit_and_limit() {
        let idx = OffsetIndex::new("ab");
        let err = idx.try_cp_to_byte(7).unwrap_err();
        assert_eq!(
            err.to_string(),
            "offset 7 (code point) is past the end of the text, which is 2 code points long"
        );
    }
}
