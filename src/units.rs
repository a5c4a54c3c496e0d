//! The one place where offsets cross between JavaScript (UTF-16 code units) and the core (UTF-8 bytes).
//!
//! Every offset the binding takes from JS or gives to JS goes through these
//! functions; nothing else in the binding or the shell converts units.

use spanmark_core::{Document, OffsetError};

/// A UTF-16 offset from JS to a UTF-8 byte offset, or an error if it is out of
/// range or splits a surrogate pair.
pub fn utf16_to_byte(doc: &Document, utf16_idx: u32) -> Result<usize, OffsetError> {
    doc.offsets().try_utf16_to_byte(utf16_idx as usize)
}

/// A UTF-8 byte offset of the core to a UTF-16 offset for JS. Core offsets always
/// lie on character boundaries, so this cannot fail for them.
pub fn byte_to_utf16(doc: &Document, byte_idx: usize) -> u32 {
    doc.offsets().try_byte_to_utf16(byte_idx).expect("core offsets lie on character boundaries") as u32
}

/// A UTF-16 range from JS to a UTF-8 byte range.
pub fn utf16_range_to_bytes(doc: &Document, start_utf16: u32, end_utf16: u32) -> Result<std::ops::Range<usize>, OffsetError> {
    Ok(utf16_to_byte(doc, start_utf16)?..utf16_to_byte(doc, end_utf16)?)
}
