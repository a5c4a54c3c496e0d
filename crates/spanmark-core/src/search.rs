//! Search: find a text or a regular expression in a document and across the corpus.
//!
//! Hits are half-open UTF-8 byte ranges of the document's text (the core's unit; the
//! binding converts them for JavaScript). Every hit begins and ends on grapheme cluster
//! boundaries: a hit that would split a character, a letter from its combining marks or
//! an emoji ZWJ sequence is dropped, never rounded. The modes:
//!
//! - **plain**: the exact text;
//! - **whole word**: a hit must also begin and end on UAX #29 word boundaries;
//! - **ignore case**: plain search compares full Unicode case foldings ("Straße" finds
//!   "STRASSE"), mapped back exactly to the original bytes; regex search uses the
//!   `regex` crate's simple case folding, as Python's `re.IGNORECASE` does;
//! - **regex**: the `regex` crate's syntax, with a size limit on the compiled pattern.
//!
//! Hits do not overlap: each search resumes after the last hit (plain search resumes one
//! character after a hit it had to drop, so the next acceptable hit is still found).
//!
//! ```
//! use spanmark_core::search::{Search, SearchOptions};
//!
//! let options = SearchOptions { ignore_case: true, ..SearchOptions::default() };
//! let search = Search::new("strasse", options).unwrap();
//! let found = search.find("Die Straße, die STRASSE.");
//! let ranges: Vec<_> = found.hits.iter().map(|h| h.start_byte..h.end_byte).collect();
//! assert_eq!(ranges, [4..11, 17..24]);
//! ```

use std::ops::Range;

use crate::document::Document;
use crate::matching::{fold_str, is_clean_hit, Folded};

/// The longest pattern accepted, in UTF-8 bytes.
pub const MAX_PATTERN_BYTES: usize = 4096;
/// The largest compiled regular expression accepted, in bytes (the `regex` crate's size limit).
pub const MAX_REGEX_BYTES: usize = 1 << 20;
/// The default cap on the number of hits one search returns.
pub const DEFAULT_MAX_HITS: usize = 10_000;

/// How the pattern is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchMode {
    /// The pattern is a text to find as it is.
    #[default]
    Plain,
    /// The pattern is a regular expression (the `regex` crate's syntax).
    Regex,
}

/// What to search for, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchOptions {
    /// Plain text or regular expression.
    pub mode: SearchMode,
    /// Compare letters without regard to case (full folding for plain text, simple for regex).
    pub ignore_case: bool,
    /// Keep only hits that begin and end on UAX #29 word boundaries.
    pub whole_word: bool,
    /// Stop after this many hits (in a document, or in the corpus), and say so.
    pub max_hits: usize,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions { mode: SearchMode::Plain, ignore_case: false, whole_word: false, max_hits: DEFAULT_MAX_HITS }
    }
}

/// Why a search could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    /// The pattern is empty (or, ignoring case, folds to nothing).
    #[error("type something to search for")]
    EmptyPattern,
    /// The pattern is longer than [`MAX_PATTERN_BYTES`].
    #[error("the search pattern is {len_bytes} bytes long; the longest Spanmark accepts is {max_bytes} bytes")]
    PatternTooLong {
        /// The pattern's length in UTF-8 bytes.
        len_bytes: usize,
        /// The limit in UTF-8 bytes.
        max_bytes: usize,
    },
    /// The regular expression is not valid.
    #[error("the regular expression is not valid: {message}")]
    InvalidRegex {
        /// What the `regex` crate said.
        message: String,
    },
    /// The regular expression compiles to more than [`MAX_REGEX_BYTES`].
    #[error("the regular expression is too large once compiled (over {limit_bytes} bytes): make it simpler")]
    RegexTooBig {
        /// The limit in bytes.
        limit_bytes: usize,
    },
}

/// One hit: a half-open range of UTF-8 bytes of the text searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SearchHit {
    /// First byte of the hit (UTF-8 bytes, inclusive).
    pub start_byte: usize,
    /// End of the hit (UTF-8 bytes, exclusive).
    pub end_byte: usize,
}

impl SearchHit {
    /// The hit's byte range.
    pub fn range(&self) -> Range<usize> {
        self.start_byte..self.end_byte
    }
}

/// The hits in one text, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchHits {
    /// The hits, in text order, not overlapping.
    pub hits: Vec<SearchHit>,
    /// Whether the search stopped at `max_hits` with more text left to search.
    pub truncated: bool,
}

/// The hits in one document of the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentHits {
    /// The document's id.
    pub doc_id: String,
    /// The hits, in text order (UTF-8 bytes of the document's text).
    pub hits: Vec<SearchHit>,
}

impl DocumentHits {
    /// How many hits the document has (up to the cap).
    pub fn count(&self) -> usize {
        self.hits.len()
    }
}

/// The hits across the corpus: documents with at least one hit, in corpus order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CorpusHits {
    /// The documents with hits, in the order they were given.
    pub documents: Vec<DocumentHits>,
    /// The number of hits over all documents.
    pub total: usize,
    /// Whether the search stopped at `max_hits` before the end of the corpus.
    pub truncated: bool,
}

#[derive(Debug, Clone)]
enum Matcher {
    Exact(String),
    Folded(String),
    Regex(regex::Regex),
}

/// A compiled search, to run over one text or many.
#[derive(Debug, Clone)]
pub struct Search {
    matcher: Matcher,
    options: SearchOptions,
}

impl Search {
    /// Compiles `pattern` with `options`.
    pub fn new(pattern: &str, options: SearchOptions) -> Result<Self, SearchError> {
        if pattern.is_empty() {
            return Err(SearchError::EmptyPattern);
        }
        if pattern.len() > MAX_PATTERN_BYTES {
            return Err(SearchError::PatternTooLong { len_bytes: pattern.len(), max_bytes: MAX_PATTERN_BYTES });
        }
        let matcher = match (options.mode, options.ignore_case) {
            (SearchMode::Plain, false) => Matcher::Exact(pattern.to_owned()),
            (SearchMode::Plain, true) => Matcher::Folded(fold_str(pattern)),
            (SearchMode::Regex, ignore_case) => Matcher::Regex(compile_regex(pattern, ignore_case)?),
        };
        Ok(Search { matcher, options })
    }

    /// The options it was compiled with.
    pub fn options(&self) -> SearchOptions {
        self.options
    }

    /// The hits in `text`, at most `max_hits` of them.
    pub fn find(&self, text: &str) -> SearchHits {
        self.find_at_most(text, self.options.max_hits)
    }

    /// The hits in every document of `documents`, at most `max_hits` in all.
    pub fn find_in_corpus(&self, documents: &[Document]) -> CorpusHits {
        let mut corpus = CorpusHits::default();
        for (i, doc) in documents.iter().enumerate() {
            let room = self.options.max_hits - corpus.total;
            if room == 0 {
                // Whether any later document has a hit decides the flag; stop at the first.
                corpus.truncated = documents[i..].iter().any(|d| !self.find_at_most(d.text(), 1).hits.is_empty());
                break;
            }
            let found = self.find_at_most(doc.text(), room);
            corpus.total += found.hits.len();
            corpus.truncated |= found.truncated;
            if !found.hits.is_empty() {
                corpus.documents.push(DocumentHits { doc_id: doc.id().to_owned(), hits: found.hits });
            }
            if found.truncated {
                break;
            }
        }
        corpus
    }

    /// The hits in `text`, at most `max_hits` of them (whatever the options say).
    pub fn find_at_most(&self, text: &str, max_hits: usize) -> SearchHits {
        let mut found = SearchHits::default();
        self.find_into(text, max_hits, &mut found);
        found
    }

    fn find_into(&self, text: &str, max_hits: usize, found: &mut SearchHits) {
        let whole_word = self.options.whole_word;
        // Each hit is offered in order; `false` from `keep` means "stop here".
        let mut keep = |range: Range<usize>| -> bool {
            if found.hits.len() == max_hits {
                found.truncated = true;
                return false;
            }
            found.hits.push(SearchHit { start_byte: range.start, end_byte: range.end });
            true
        };
        match &self.matcher {
            Matcher::Exact(needle) => {
                scan_plain(text, needle, |r| is_clean_hit(text, &r, whole_word).then_some(r), &mut keep);
            }
            Matcher::Folded(needle) => {
                let folded = Folded::new(text);
                scan_plain(
                    &folded.text,
                    needle,
                    |r| folded.to_original(r).filter(|o| !o.is_empty() && is_clean_hit(text, o, whole_word)),
                    &mut keep,
                );
            }
            Matcher::Regex(re) => {
                for m in re.find_iter(text) {
                    let r = m.range();
                    if !r.is_empty() && is_clean_hit(text, &r, whole_word) && !keep(r) {
                        break;
                    }
                }
            }
        }
    }
}

/// Finds `needle` in `haystack` left to right; `accept` turns a raw hit into the range to
/// report (or refuses it, and the scan resumes one character later); `keep` takes it and
/// says whether to go on.
fn scan_plain(
    haystack: &str,
    needle: &str,
    accept: impl Fn(Range<usize>) -> Option<Range<usize>>,
    keep: &mut impl FnMut(Range<usize>) -> bool,
) {
    if needle.is_empty() {
        return;
    }
    let mut from = 0;
    while let Some(at) = haystack[from..].find(needle) {
        let start = from + at;
        let end = start + needle.len();
        match accept(start..end) {
            Some(hit) => {
                if !keep(hit) {
                    return;
                }
                from = end;
            }
            None => {
                // The needle starts with a whole character, so the next one is a boundary.
                from = start + haystack[start..].chars().next().map_or(1, char::len_utf8);
            }
        }
        if from >= haystack.len() {
            return;
        }
    }
}

fn compile_regex(pattern: &str, ignore_case: bool) -> Result<regex::Regex, SearchError> {
    regex::RegexBuilder::new(pattern)
        .case_insensitive(ignore_case)
        .size_limit(MAX_REGEX_BYTES)
        .dfa_size_limit(MAX_REGEX_BYTES * 2)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => SearchError::RegexTooBig { limit_bytes: MAX_REGEX_BYTES },
            other => SearchError::InvalidRegex { message: other.to_string() },
        })
}

/// Searches one text: [`Search::new`] then [`Search::find`].
pub fn search_text(text: &str, pattern: &str, options: SearchOptions) -> Result<SearchHits, SearchError> {
    Ok(Search::new(pattern, options)?.find(text))
}

/// Searches every document: [`Search::new`] then [`Search::find_in_corpus`].
pub fn search_corpus(documents: &[Document], pattern: &str, options: SearchOptions) -> Result<CorpusHits, SearchError> {
    Ok(Search::new(pattern, options)?.find_in_corpus(documents))
}
