//! Documents: an exact text, its offset index, its blocks (lines) and its annotations.

use std::ops::Range;

use crate::annotation::AnnotationSet;
use crate::relation::RelationSet;
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
    /// The title the analyst gave, in place of the one read from the text.
    title_override: Option<String>,
    /// The document's annotations.
    pub(crate) annotations: AnnotationSet,
    /// The relations between its annotations.
    pub(crate) relations: RelationSet,
    /// Suggestions the analyst rejected: `(start_byte, end_byte, label)`.
    pub(crate) rejected: std::collections::BTreeSet<(usize, usize, String)>,
    /// Other annotators' layers of this text, by annotator, read-only: the analyst's own
    /// layer is `annotations`.
    pub(crate) layers: std::collections::BTreeMap<String, AnnotationSet>,
}

/// What a block (line) of an article is, as far as its words tell: the rules only style
/// how a line is shown; they never change the text or any offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// An empty or whitespace-only line.
    Blank,
    /// The article's headline: the first line that reads as one.
    Title,
    /// A date or a site's breadcrumb trail ("date 2023-09-06 Home page politics").
    Dateline,
    /// Who wrote it ("From: Christian Sturgeon", "By Jane Doe").
    Byline,
    /// A photo or image credit standing on its own line ("Photo: AFP", "© Valery Melnikov/TASS").
    Credit,
    /// A short line between paragraphs without a closing full stop: a sub-heading.
    Subheading,
    /// Any other line: the body text.
    Body,
}

impl BlockKind {
    /// The stable id (`"title"`, `"byline"`, …).
    pub fn id(self) -> &'static str {
        match self {
            BlockKind::Blank => "blank",
            BlockKind::Title => "title",
            BlockKind::Dateline => "dateline",
            BlockKind::Byline => "byline",
            BlockKind::Credit => "credit",
            BlockKind::Subheading => "subheading",
            BlockKind::Body => "body",
        }
    }
}

/// What a line reads as, before the title is chosen.
fn line_kind(line: &str) -> BlockKind {
    let line = line.trim();
    if line.is_empty() {
        return BlockKind::Blank;
    }
    // Only a line's start and its first few words decide: a long paragraph is never
    // lowercased or split whole (a 10 MB article has thousands of lines).
    let lower: String = line.chars().take(16).collect::<String>().to_lowercase();
    let words: Vec<&str> = line.split_whitespace().take(16).collect();
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| lower.starts_with(p));
    if starts(&["from:", "by:", "written by ", "text:", "author:"]) || (words.len() <= 6 && words[0] == "By" && words.len() >= 2) {
        return BlockKind::Byline;
    }
    if starts(&["photo:", "photo ", "photos:", "image:", "picture:", "credit:", "©", "(c) ", "foto:"]) && words.len() <= 12 {
        return BlockKind::Credit;
    }
    let sentence_end = line.ends_with(['.', '!', '?', '”', '"', '…']);
    let has_iso_date = || {
        line.as_bytes().windows(10).any(|w| w.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() }))
    };
    if words.len() <= 10 && !sentence_end && (starts(&["date ", "published ", "updated "]) || has_iso_date()) {
        return BlockKind::Dateline;
    }
    if words.len() <= 14 && !sentence_end && !line.ends_with([',', ';', ':']) {
        return BlockKind::Subheading;
    }
    BlockKind::Body
}

/// The kinds of the lines of a text: the first line that is not blank, a dateline, a
/// byline or a credit is the title; sub-headings only count between paragraphs.
fn block_kinds(text: &str, blocks: &[Range<usize>]) -> Vec<BlockKind> {
    let mut kinds: Vec<BlockKind> = blocks.iter().map(|b| line_kind(&text[b.clone()])).collect();
    if let Some(i) = kinds.iter().position(|k| matches!(k, BlockKind::Subheading | BlockKind::Body)) {
        kinds[i] = BlockKind::Title;
    }
    kinds
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
        Ok(Document { id: id.into(), name: name.into(), text, index, blocks, bidi_controls, title_override: None, annotations: AnnotationSet::new(), relations: RelationSet::new(), rejected: Default::default(), layers: Default::default() })
    }

    /// Checks that `text` can become a document: not larger than [`MAX_TEXT_BYTES`],
    /// and free of NUL characters (which only binary data holds).
    // On wasm32 no `&str` can be longer than the limit, so clippy there calls the test absurd.
    #[allow(clippy::absurd_extreme_comparisons)]
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

    /// The relations between its annotations.
    pub fn relations(&self) -> &RelationSet {
        &self.relations
    }

    /// Other annotators' layers of this text, by annotator (the analyst's own is
    /// [`Document::annotations`]).
    pub fn layers(&self) -> &std::collections::BTreeMap<String, AnnotationSet> {
        &self.layers
    }

    /// The suggestions the analyst rejected here: `(start_byte, end_byte, label)`.
    pub fn rejected(&self) -> &std::collections::BTreeSet<(usize, usize, String)> {
        &self.rejected
    }

    /// The title: the one the analyst gave, or else the first line that reads as a
    /// headline (see [`BlockKind`]), trimmed, or the name if there is none.
    pub fn title(&self) -> &str {
        if let Some(title) = &self.title_override {
            return title;
        }
        self.title_block().map_or(&self.name, |i| self.text[self.blocks[i].clone()].trim())
    }

    /// The title the analyst gave, if any.
    pub fn title_override(&self) -> Option<&str> {
        self.title_override.as_deref()
    }

    /// Sets or clears (with `None`) the title the analyst gave; returns the previous one.
    pub(crate) fn set_title_override(&mut self, title: Option<String>) -> Option<String> {
        std::mem::replace(&mut self.title_override, title)
    }

    /// Renames the document; returns the previous name.
    pub(crate) fn set_name(&mut self, name: String) -> String {
        std::mem::replace(&mut self.name, name)
    }

    /// What each block reads as (title, dateline, byline, credit, sub-heading, body):
    /// for styling only, never for offsets.
    pub fn block_kinds(&self) -> Vec<BlockKind> {
        block_kinds(&self.text, &self.blocks)
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

    /// The index of the block that reads as the headline (see [`BlockKind`]), if any.
    pub fn title_block(&self) -> Option<usize> {
        // The same rule as `block_kinds`, stopping at the first line that can be a title.
        self.blocks.iter().position(|b| matches!(line_kind(&self.text[b.clone()]), BlockKind::Subheading | BlockKind::Body))
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
    fn title_skips_blank_lines_datelines_and_bylines_and_trims() {
        let doc = Document::new("d", "file.txt", "\n  date 2023-09-06 Home page politics \n\nFrom: Christian Sturgeon\n\nRussia uses up tons of ammunition.").unwrap();
        assert_eq!(doc.title(), "Russia uses up tons of ammunition.");
        assert_eq!(doc.title_block(), Some(5));
        let kinds: Vec<&str> = doc.block_kinds().iter().map(|k| k.id()).collect();
        assert_eq!(kinds, ["blank", "dateline", "blank", "byline", "blank", "title"]);
        let empty = Document::new("d", "file.txt", "").unwrap();
        assert_eq!(empty.title(), "file.txt");
        assert_eq!(empty.blocks(), &[0..0]);
    }

    #[test]
    fn bylines_credits_and_subheadings_are_recognised() {
        let text = "Kim Jong-un meets Putin in Russia\n\nBy Jane Doe\n\nThe two leaders met on Wednesday.\n\nPhoto: AFP/AP\n\n© Valery Melnikov/TASS\n\nNorth Korea’s ruler reportedly wants to meet Putin\n\nAccording to the report, Kim could travel by train.";
        let doc = Document::new("d", "a.txt", text).unwrap();
        let kinds: Vec<&str> = doc.block_kinds().iter().filter(|k| **k != BlockKind::Blank).map(|k| k.id()).collect();
        assert_eq!(kinds, ["title", "byline", "body", "credit", "credit", "subheading", "body"]);
        // Styling never touches the text: the blocks still tile it exactly.
        assert_eq!(doc.blocks().len(), 13);
    }

    #[test]
    fn an_analyst_title_replaces_the_one_read_from_the_text() {
        let mut doc = Document::new("d", "a.txt", "date 2023-09-06\nBody text here.").unwrap();
        assert_eq!(doc.title(), "Body text here.");
        assert_eq!(doc.set_title_override(Some("Arms deal".into())), None);
        assert_eq!(doc.title(), "Arms deal");
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
