//! The one place where offsets cross between JavaScript (UTF-16 code units) and the core (UTF-8 bytes).
//!
//! Every offset the binding takes from JS or gives to JS goes through these
//! functions; nothing else in the binding or the shell converts units.

use serde::Serialize;
use spanmark_core::{Annotation, Document, OffsetError, Segment};

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

/// An annotation as JS sees it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnnotationJs<'a> {
    pub id: &'a str,
    pub start_utf16: u32,
    pub end_utf16: u32,
    pub text: &'a str,
    pub label: &'a str,
    /// The note, entity references and attributes, if it has any (from brat and the like).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra: Option<&'a spanmark_core::AnnotationExtra>,
}

impl<'a> AnnotationJs<'a> {
    pub fn new(doc: &'a Document, a: &'a Annotation) -> Self {
        AnnotationJs {
            id: &a.id,
            start_utf16: byte_to_utf16(doc, a.start_byte),
            end_utf16: byte_to_utf16(doc, a.end_byte),
            text: a.quote(doc.text()),
            label: &a.label,
            extra: a.extra.as_deref(),
        }
    }
}

/// One annotation within a highlight segment, as JS sees it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentSpanJs<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub level: usize,
    pub starts_here: bool,
    pub ends_here: bool,
}

/// A highlight segment as JS sees it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentJs<'a> {
    pub start_utf16: u32,
    pub end_utf16: u32,
    pub spans: Vec<SegmentSpanJs<'a>>,
}

impl<'a> SegmentJs<'a> {
    pub fn new(doc: &Document, s: &'a Segment) -> Self {
        SegmentJs {
            start_utf16: byte_to_utf16(doc, s.start_byte),
            end_utf16: byte_to_utf16(doc, s.end_byte),
            spans: s
                .spans
                .iter()
                .map(|p| SegmentSpanJs {
                    id: &p.id,
                    label: &p.label,
                    level: p.level,
                    starts_here: p.starts_here,
                    ends_here: p.ends_here,
                })
                .collect(),
        }
    }
}

/// A UTF-16 range, as JS sees it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RangeJs {
    pub start_utf16: u32,
    pub end_utf16: u32,
}

impl RangeJs {
    pub fn new(doc: &Document, range: std::ops::Range<usize>) -> Self {
        RangeJs { start_utf16: byte_to_utf16(doc, range.start), end_utf16: byte_to_utf16(doc, range.end) }
    }
}
