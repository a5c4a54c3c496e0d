//! Documents: an exact text, its offset index, its blocks (lines) and its annotations.

use std::ops::Range;

use crate::annotation::AnnotationSet;
use crate::offsets::{OffsetIndex, MAX_TEXT_BYTES};

/// Why a document could not be created.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// The text is larger than the offset index can address.
    #[error("the text is {len} bytes long; the largest document Spanmark can hold is {max} bytes")]
    TooLarge {
        /// The text's length in bytes.
        len: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// The text contains a NUL character, which no text file holds: it is binary data.
    #[error("the file contains NUL characters, so it looks like binary data, not text")]
    Binary,
}

/// One text with its annotations.
///
/// The text is kept exactly as given, byte for byte: line endings, a leading
/// space, every invisible character. Every offset anywhere in Spanmark points
/// into this text.
#[derive(Debug, Clone)]
pub struct Document {
    id: String,
    name: String,
    text: String,
    index: OffsetIndex,
    blocks: Vec<Range<usize>>,
    bidi_controls: usize,
    /// The document's annotations.
    pub(crate) annotations: AnnotationSet,
}

/// Whether `c` is a bidirectional control character, which can make text display in
/// another order than it is stored (the "Trojan Source" characters and marks).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The most characters of a title shown in lists and messages (a longer one is cut with `…`).
pub const MAX_TITLE_CHARS: usize = 200;

/// `text` as it may be shown in a name or a list: every bidirectional control character
/// made visible as `[U+202E]`, so that it cannot reorder what is shown around it.
pub fn with_visible_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_bidi_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_bidi_control(c) {
            out.push_str(&format!("[U+{:04X}]", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

impl Document {
    /// Creates a document with no annotations.
    ///
    /// Refuses texts larger than [`MAX_TEXT_BYTES`] and texts holding NUL
    /// characters (binary data).
    pub fn new(id: impl Into<String>, name: impl Into<String>, text: impl Into<String>) -> Result<Self, DocumentError> {
        let text = text.into();
        Document::check_text(&text)?;
        let index = OffsetIndex::new(&text);
        let blocks = line_blocks(&text);
        let bidi_controls = text.chars().filter(|c| is_bidi_control(*c)).count();
        Ok(Document { id: id.into(), name: name.into(), text, index, blocks, bidi_controls, annotations: AnnotationSet::new() })
    }

    /// Checks that `text` can become a document: not larger than [`MAX_TEXT_BYTES`],
    /// and free of NUL characters (which only binary data holds).
    pub fn check_text(text: &str) -> Result<(), DocumentError> {
        if text.len() > MAX_TEXT_BYTES {
            return Err(DocumentError::TooLarge { len: text.len(), max: MAX_TEXT_BYTES });
        }
        if text.as_bytes().contains(&0) {
            return Err(DocumentError::Binary);
        }
        Ok(())
    }

    /// The document's id, unique in its workspace.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The document's name, usually its file name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The exact text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The offset index of the text.
    pub fn offsets(&self) -> &OffsetIndex {
        &self.index
    }

    /// How many bidirectional control characters the text holds (counted once, on creation).
    pub fn bidi_controls(&self) -> usize {
        self.bidi_controls
    }

    /// The annotations, ordered by position.
    pub fn annotations(&self) -> &AnnotationSet {
        &self.annotations
    }

    /// The title: the first line that holds more than whitespace, trimmed,
    /// or the name if there is none.
    pub fn title(&self) -> &str {
        self.title_block().map_or(&self.name, |i| self.text[self.blocks[i].clone()].trim())
    }

    /// The title as lists show it: at most [`MAX_TITLE_CHARS`] characters, with its
    /// bidirectional controls made visible.
    pub fn shown_title(&self) -> String {
        let title = self.title();
        let mut chars = title.chars();
        let head: String = chars.by_ref().take(MAX_TITLE_CHARS).collect();
        let cut = if chars.next().is_some() { format!("{head}…") } else { head };
        with_visible_controls(&cut).into_owned()
    }

    /// The name as lists show it, with its bidirectional controls made visible.
    pub fn shown_name(&self) -> std::borrow::Cow<'_, str> {
        with_visible_controls(&self.name)
    }

    /// The blocks of the text: one per line, as UTF-8 byte ranges that exclude
    /// the line terminator (`\n`, `\r\n` or a lone `\r`). Empty lines are empty
    /// blocks. The blocks and the terminators between them tile the text.
    pub fn blocks(&self) -> &[Range<usize>] {
        &self.blocks
    }

    /// The indices of the blocks that the byte range `range` touches, half-open: from
    /// the first block that ends at or after `range.start` to the last that starts at
    /// or before `range.end`. A change to the spans over `range` shows in these blocks.
    pub fn blocks_touching(&self, range: Range<usize>) -> Range<usize> {
        let first = self.blocks.partition_point(|b| b.end < range.start);
        let end = self.blocks.partition_point(|b| b.start <= range.end);
        first..end.max(first)
    }

    /// The index of the title block (see [`Document::title`]), if a line holds more than whitespace.
    pub fn title_block(&self) -> Option<usize> {
        self.blocks.iter().position(|r| !self.text[r.clone()].trim().is_empty())
    }
}

/// Splits `text` into lines, as byte ranges without their terminators.
fn line_blocks(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut blocks = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                blocks.push(start..i);
                start = i + 1;
            }
            b'\r' => {
                blocks.push(start..i);
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    blocks.push(start..bytes.len());
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_split_on_lf_crlf_and_lone_cr_and_keep_empty_lines() {
        let doc = Document::new("d", "n", "Title\r\n\r\nOne\ntwo\rthree").unwrap();
        let lines: Vec<_> = doc.blocks().iter().map(|r| &doc.text()[r.clone()]).collect();
        assert_eq!(lines, ["Title", "", "One", "two", "three"]);
        assert_eq!(doc.title(), "Title");
        assert_eq!(doc.title_block(), Some(0));
        // The blocks a span touches: its own lines, and both neighbours of a terminator it covers.
        assert_eq!(doc.blocks_touching(0..5), 0..1);
        assert_eq!(doc.blocks_touching(9..12), 2..3);
        assert_eq!(doc.blocks_touching(10..15), 2..4);
        assert_eq!(doc.blocks_touching(5..7), 0..2);
        assert_eq!(doc.blocks_touching(17..22), 4..5);
    }

    #[test]
    fn title_skips_blank_lines_and_trims() {
        let doc = Document::new("d", "file.txt", "\n  date 2023 \nbody").unwrap();
        assert_eq!(doc.title(), "date 2023");
        assert_eq!(doc.title_block(), Some(1));
        let empty = Document::new("d", "file.txt", "").unwrap();
        assert_eq!(empty.title(), "file.txt");
        assert_eq!(empty.blocks(), &[0..0]);
    }

    #[test]
    fn names_and_titles_are_shown_bounded_and_with_visible_controls() {
        let doc = Document::new("d", "invoice\u{202E}fdp.exe", format!("{}\nbody", "x".repeat(10_000))).unwrap();
        assert_eq!(doc.shown_name(), "invoice[U+202E]fdp.exe");
        assert_eq!(doc.shown_title().chars().count(), MAX_TITLE_CHARS + 1);
        assert!(doc.shown_title().ends_with('…'));
        assert_eq!(with_visible_controls("plain"), "plain");
    }

    #[test]
    fn binary_text_is_refused() {
        assert_eq!(Document::new("d", "n", "PK\0\0").unwrap_err(), DocumentError::Binary);
    }
}
