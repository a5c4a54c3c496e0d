//! Suggestions: other occurrences of a tagged text, and a suggestion layer computed from the
//! corpus's own annotations, a gazetteer and patterns for OSINT identifiers.
//!
//! Everything here is a pure function of documents and settings: suggestions are values
//! the page draws and the analyst accepts (through the ordinary ops) or rejects. Offsets
//! are UTF-8 bytes of the document's text, half-open; the binding converts them.
//!
//! Every match begins and ends on grapheme cluster boundaries and, unless asked otherwise,
//! on UAX #29 word boundaries. Each source resolves its own matches leftmost-longest (at
//! each position the longest acceptable string wins, and matches do not overlap); the
//! sources are then merged the same way, keeping every label proposed for the chosen span.
//!
//! ```
//! use spanmark_core::suggest::{parse_gazetteer, Suggester, SuggestOptions};
//! use spanmark_core::Document;
//!
//! let (gazetteer, problems) = parse_gazetteer("Kim Jong Un\tPERSON\tQ56226\n").unwrap();
//! assert!(problems.is_empty());
//! let suggester = Suggester::new(SuggestOptions::default()).with_gazetteer(&gazetteer).unwrap().with_default_patterns();
//! let doc = Document::new("d1", "a.txt", "Kim Jong Un spoke on 12 September 2023.").unwrap();
//! let found = suggester.suggest(&doc, &Default::default());
//! let labels: Vec<_> = found.iter().map(|s| (&doc.text()[s.start_byte..s.end_byte], s.label.as_str())).collect();
//! assert_eq!(labels, [("Kim Jong Un", "PERSON"), ("12 September 2023", "DATE")]);
//! ```

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::document::Document;
use crate::matching::{fold_str, is_clean_hit, Folded};
use crate::search::{Search, SearchError, SearchMode, SearchOptions};

mod gazetteer;
mod patterns;

pub use gazetteer::{
    parse_gazetteer, Gazetteer, GazetteerDiagnostic, GazetteerEntry, GazetteerError, GazetteerProblem, MAX_GAZETTEER_BYTES, MAX_GAZETTEER_ENTRIES, MAX_GAZETTEER_TEXT_BYTES,
};
pub use patterns::{find_patterns, PatternKind, PatternLabels, PatternMatch};

/// Where a suggestion comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SuggestionSource {
    /// The corpus's own annotations: the string was tagged with this label `count` times
    /// out of `total` annotations of the same string.
    Corpus {
        /// How often the string carries this label.
        count: usize,
        /// How often the string is annotated at all.
        total: usize,
    },
    /// A gazetteer entry, with its entity id when the entry has one.
    Gazetteer {
        /// The entry's entity id (such as a Wikidata QID).
        entity: Option<String>,
    },
    /// A pattern for an identifier.
    Pattern {
        /// Which pattern matched.
        kind: PatternKind,
    },
}

impl SuggestionSource {
    /// Which source wins when two propose the same span and label with the same score.
    fn rank(&self) -> u8 {
        match self {
            SuggestionSource::Corpus { .. } => 0,
            SuggestionSource::Gazetteer { .. } => 1,
            SuggestionSource::Pattern { .. } => 2,
        }
    }
}

/// A proposed annotation: a span of a document's text with a label, not yet accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// First byte of the span (UTF-8 bytes, inclusive).
    pub start_byte: usize,
    /// End of the span (UTF-8 bytes, exclusive).
    pub end_byte: usize,
    /// The proposed label's id.
    pub label: String,
    /// Where it comes from.
    pub source: SuggestionSource,
    /// How confident the source is, from 0 to 1 (the corpus: `count / total`).
    pub score: f64,
}

impl Suggestion {
    /// The suggestion's byte range.
    pub fn range(&self) -> Range<usize> {
        self.start_byte..self.end_byte
    }
}

/// A rejected suggestion, which stays rejected: the document, the span and the label.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rejection {
    /// The document's id.
    pub doc_id: String,
    /// First byte of the span (UTF-8 bytes, inclusive).
    pub start_byte: usize,
    /// End of the span (UTF-8 bytes, exclusive).
    pub end_byte: usize,
    /// The rejected label.
    pub label: String,
}

/// Why suggestions or occurrences could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SuggestError {
    /// The text to look for could not be searched for.
    #[error(transparent)]
    Search(#[from] SearchError),
    /// No document has this id.
    #[error("there is no document {doc_id:?}")]
    UnknownDocument {
        /// The id that was given.
        doc_id: String,
    },
    /// The strings to match are too many or too long for one automaton.
    #[error("{strings} strings are too many to match at once: {message}")]
    TooManyStrings {
        /// How many distinct strings there were.
        strings: usize,
        /// What the matcher said.
        message: String,
    },
}

/// Where to look for other occurrences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Only in the document with this id.
    Document(String),
    /// In every document.
    Corpus,
}

/// How to look for other occurrences of a tagged text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OccurrenceOptions {
    /// Only occurrences that begin and end on UAX #29 word boundaries.
    pub whole_word: bool,
    /// Compare full Unicode case foldings.
    pub ignore_case: bool,
    /// One document or the corpus.
    pub scope: Scope,
    /// Stop after this many occurrences, and say so.
    pub max_hits: usize,
}

impl Default for OccurrenceOptions {
    fn default() -> Self {
        OccurrenceOptions { whole_word: true, ignore_case: false, scope: Scope::Corpus, max_hits: crate::search::DEFAULT_MAX_HITS }
    }
}

/// One occurrence of a text in a document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Occurrence {
    /// The document's id.
    pub doc_id: String,
    /// First byte (UTF-8 bytes, inclusive).
    pub start_byte: usize,
    /// End (UTF-8 bytes, exclusive).
    pub end_byte: usize,
}

/// The occurrences found, in corpus order then text order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Occurrences {
    /// The occurrences.
    pub items: Vec<Occurrence>,
    /// Whether the search stopped at `max_hits`.
    pub truncated: bool,
}

/// The occurrences of `text` (the text of a span just tagged with `label`) in the scope,
/// leaving out those already annotated with exactly that span and label (the tagged span
/// itself among them).
pub fn occurrences(documents: &[Document], text: &str, label: &str, options: &OccurrenceOptions) -> Result<Occurrences, SuggestError> {
    let search = Search::new(text, SearchOptions { mode: SearchMode::Plain, ignore_case: options.ignore_case, whole_word: options.whole_word, max_hits: options.max_hits })?;
    let scoped: Vec<&Document> = match &options.scope {
        Scope::Corpus => documents.iter().collect(),
        Scope::Document(id) => {
            let doc = documents.iter().find(|d| d.id() == id).ok_or_else(|| SuggestError::UnknownDocument { doc_id: id.clone() })?;
            vec![doc]
        }
    };
    let mut found = Occurrences::default();
    'documents: for doc in scoped {
        // Hits left out (already annotated) are at most the document's annotations, so
        // this many hits decide both the occurrences and whether there are more.
        let room = options.max_hits - found.items.len();
        let wanted = room.saturating_add(doc.annotations().len()).saturating_add(1);
        for hit in search.find_at_most(doc.text(), wanted).hits {
            if doc.annotations().find_exact(hit.start_byte, hit.end_byte, label).is_some() {
                continue;
            }
            if found.items.len() == options.max_hits {
                found.truncated = true;
                break 'documents;
            }
            found.items.push(Occurrence { doc_id: doc.id().to_owned(), start_byte: hit.start_byte, end_byte: hit.end_byte });
        }
    }
    Ok(found)
}

/// How suggestions are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuggestOptions {
    /// Compare full Unicode case foldings for corpus strings and gazetteer entries.
    pub ignore_case: bool,
    /// Keep only corpus and gazetteer matches that begin and end on UAX #29 word
    /// boundaries (identifier patterns have their own rules for what may touch them).
    pub whole_word: bool,
}

impl Default for SuggestOptions {
    fn default() -> Self {
        SuggestOptions { ignore_case: false, whole_word: true }
    }
}

/// The longest annotated string the corpus recommender learns, in UTF-8 bytes.
pub const MAX_LEARNED_TEXT_BYTES: usize = 512;

/// One label a string may get, from one source.
#[derive(Debug, Clone)]
struct Proposal {
    label: String,
    source: SuggestionSource,
    score: f64,
}

/// Many strings matched at once: an Aho-Corasick automaton over the strings (folded when
/// case is ignored), each string with the labels it proposes.
#[derive(Debug, Clone)]
struct StringMatcher {
    automaton: AhoCorasick,
    proposals: Vec<Vec<Proposal>>,
    ignore_case: bool,
}

impl StringMatcher {
    /// Builds the matcher from `(string, proposal)` pairs; equal strings (after folding when
    /// case is ignored) share their proposals. `None` when there is no string.
    fn new(pairs: impl IntoIterator<Item = (String, Proposal)>, ignore_case: bool) -> Result<Option<Self>, SuggestError> {
        let mut by_key: BTreeMap<String, Vec<Proposal>> = BTreeMap::new();
        for (text, proposal) in pairs {
            let key = if ignore_case { fold_str(&text) } else { text };
            if !key.is_empty() {
                by_key.entry(key).or_default().push(proposal);
            }
        }
        if by_key.is_empty() {
            return Ok(None);
        }
        let (keys, proposals): (Vec<String>, Vec<Vec<Proposal>>) = by_key.into_iter().unzip();
        // Overlapping search reports every string at every position, so that a shorter
        // string still wins where the longest one fails a boundary check.
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&keys)
            .map_err(|e| SuggestError::TooManyStrings { strings: keys.len(), message: e.to_string() })?;
        Ok(Some(StringMatcher { automaton, proposals, ignore_case }))
    }

    /// The leftmost-longest acceptable matches in `text`: `(byte range, string index)`.
    fn find(&self, text: &str, folded: Option<&Folded>, whole_word: bool) -> Vec<(Range<usize>, usize)> {
        let haystack = match (self.ignore_case, folded) {
            (true, Some(f)) => f.text.as_str(),
            _ => text,
        };
        let mut raw: Vec<(usize, Reverse<usize>, usize)> =
            self.automaton.find_overlapping_iter(haystack).map(|m| (m.start(), Reverse(m.end()), m.pattern().as_usize())).collect();
        raw.sort_unstable();
        let mut chosen = Vec::new();
        let mut cursor = 0;
        for (start, Reverse(end), string) in raw {
            if start < cursor {
                continue;
            }
            let original = match (self.ignore_case, folded) {
                (true, Some(f)) => match f.to_original(start..end) {
                    Some(r) => r,
                    None => continue,
                },
                _ => start..end,
            };
            if original.is_empty() || !is_clean_hit(text, &original, whole_word) {
                continue;
            }
            cursor = end;
            chosen.push((original, string));
        }
        chosen
    }
}

/// Computes suggestions for documents from the sources it was given.
///
/// Build it once (the corpus's annotations, a gazetteer, the patterns) and ask for the
/// suggestions of a document whenever it is shown.
#[derive(Debug, Clone, Default)]
pub struct Suggester {
    options: SuggestOptions,
    corpus: Option<StringMatcher>,
    gazetteer: Option<StringMatcher>,
    patterns: Option<PatternLabels>,
}

impl Suggester {
    /// A suggester with no source yet.
    pub fn new(options: SuggestOptions) -> Self {
        Suggester { options, ..Suggester::default() }
    }

    /// Adds the string-matching recommender: every string annotated in `documents` (by an
    /// analyst: annotations that are themselves suggestions are skipped) proposes each of
    /// its labels, scored `count of that label / annotations of the string`, as INCEpTION's
    /// string matcher scores them. Strings longer than [`MAX_LEARNED_TEXT_BYTES`] are skipped.
    pub fn with_corpus(mut self, documents: &[Document]) -> Result<Self, SuggestError> {
        let mut counts: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        for doc in documents {
            for a in doc.annotations().iter() {
                if a.is_suggestion() {
                    continue;
                }
                let Some(quote) = doc.text().get(a.range()) else { continue };
                let quote = quote.trim();
                if quote.is_empty() || quote.len() > MAX_LEARNED_TEXT_BYTES {
                    continue;
                }
                let key = if self.options.ignore_case { fold_str(quote) } else { quote.to_owned() };
                *counts.entry(key).or_default().entry(a.label.clone()).or_default() += 1;
            }
        }
        let pairs = counts.into_iter().flat_map(|(text, labels)| {
            let total: usize = labels.values().sum();
            labels.into_iter().map(move |(label, count)| {
                let proposal = Proposal { label, source: SuggestionSource::Corpus { count, total }, score: count as f64 / total as f64 };
                (text.clone(), proposal)
            })
        });
        self.corpus = StringMatcher::new(pairs, self.options.ignore_case)?;
        Ok(self)
    }

    /// Adds a gazetteer: each entry proposes its label, scored `1 / the number of labels
    /// its text has` (after folding, when case is ignored).
    pub fn with_gazetteer(mut self, gazetteer: &Gazetteer) -> Result<Self, SuggestError> {
        let ignore_case = self.options.ignore_case;
        let key_of = |e: &GazetteerEntry| if ignore_case { fold_str(&e.text) } else { e.text.clone() };
        let mut labels_per_text: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
        for e in gazetteer.entries() {
            labels_per_text.entry(key_of(e)).or_default().insert(&e.label);
        }
        let pairs = gazetteer.entries().iter().map(|e| {
            let n = labels_per_text.get(&key_of(e)).map_or(1, BTreeSet::len).max(1);
            let proposal = Proposal { label: e.label.clone(), source: SuggestionSource::Gazetteer { entity: e.entity.clone() }, score: 1.0 / n as f64 };
            (e.text.clone(), proposal)
        });
        self.gazetteer = StringMatcher::new(pairs, ignore_case)?;
        Ok(self)
    }

    /// Adds the identifier patterns, labelled as `labels` says.
    pub fn with_patterns(mut self, labels: PatternLabels) -> Self {
        self.patterns = Some(labels);
        self
    }

    /// Adds the identifier patterns with their default labels.
    pub fn with_default_patterns(self) -> Self {
        self.with_patterns(PatternLabels::default())
    }

    /// The suggestions for `text` alone: every source, merged leftmost-longest, sorted by
    /// position (longer first) then score; no annotation or rejection is consulted.
    pub fn suggest_text(&self, text: &str) -> Vec<Suggestion> {
        let needs_folding = self.options.ignore_case && (self.corpus.is_some() || self.gazetteer.is_some());
        let folded = needs_folding.then(|| Folded::new(text));
        // Candidate spans from every source, each source already leftmost-longest.
        let mut candidates: Vec<Suggestion> = Vec::new();
        for matcher in [&self.corpus, &self.gazetteer].into_iter().flatten() {
            for (range, string) in matcher.find(text, folded.as_ref(), self.options.whole_word) {
                for p in &matcher.proposals[string] {
                    candidates.push(Suggestion { start_byte: range.start, end_byte: range.end, label: p.label.clone(), source: p.source.clone(), score: p.score });
                }
            }
        }
        if let Some(labels) = &self.patterns {
            for m in find_patterns(text) {
                if let Some(label) = labels.label(m.kind) {
                    let source = SuggestionSource::Pattern { kind: m.kind };
                    candidates.push(Suggestion { start_byte: m.start_byte, end_byte: m.end_byte, label: label.to_owned(), source, score: m.kind.score() });
                }
            }
        }
        resolve(candidates)
    }

    /// The suggestions for `doc`: [`Suggester::suggest_text`], leaving out spans already
    /// annotated with the same label and the `rejected` ones. A left-out suggestion still
    /// holds its place: rejecting one never uncovers a shorter one inside it.
    pub fn suggest(&self, doc: &Document, rejected: &BTreeSet<Rejection>) -> Vec<Suggestion> {
        let doc_id = doc.id();
        let lowest = Rejection { doc_id: doc_id.to_owned(), start_byte: 0, end_byte: 0, label: String::new() };
        let rejected_here: BTreeSet<(usize, usize, &str)> =
            rejected.range(lowest..).take_while(|r| r.doc_id == doc_id).map(|r| (r.start_byte, r.end_byte, r.label.as_str())).collect();
        let annotated: BTreeSet<(usize, usize, &str)> = doc.annotations().iter().map(|a| (a.start_byte, a.end_byte, a.label.as_str())).collect();
        let mut found = self.suggest_text(doc.text());
        found.retain(|s| {
            let key = (s.start_byte, s.end_byte, s.label.as_str());
            !rejected_here.contains(&key) && !annotated.contains(&key)
        });
        found
    }

    /// The suggestions for every document, as `(document id, suggestions)` in corpus order,
    /// leaving out documents with none.
    pub fn suggest_corpus(&self, documents: &[Document], rejected: &BTreeSet<Rejection>) -> Vec<(String, Vec<Suggestion>)> {
        documents
            .iter()
            .filter_map(|doc| {
                let found = self.suggest(doc, rejected);
                (!found.is_empty()).then(|| (doc.id().to_owned(), found))
            })
            .collect()
    }
}

/// Deduplicates (one suggestion per span and label: the best score, then the earlier
/// source), resolves overlaps leftmost-longest (keeping every label of a chosen span), and
/// sorts by position, longer first, then by score.
fn resolve(mut candidates: Vec<Suggestion>) -> Vec<Suggestion> {
    candidates.sort_by(|a, b| {
        (a.start_byte, Reverse(a.end_byte), &a.label)
            .cmp(&(b.start_byte, Reverse(b.end_byte), &b.label))
            .then(b.score.total_cmp(&a.score))
            .then(a.source.rank().cmp(&b.source.rank()))
    });
    candidates.dedup_by(|later, earlier| later.range() == earlier.range() && later.label == earlier.label);
    let mut kept: Vec<Suggestion> = Vec::with_capacity(candidates.len());
    let mut chosen: Option<Range<usize>> = None;
    for s in candidates {
        match &chosen {
            Some(r) if *r == s.range() => kept.push(s),
            Some(r) if s.start_byte < r.end => {}
            _ => {
                chosen = Some(s.range());
                kept.push(s);
            }
        }
    }
    kept.sort_by(|a, b| (a.start_byte, Reverse(a.end_byte)).cmp(&(b.start_byte, Reverse(b.end_byte))).then(b.score.total_cmp(&a.score)).then(a.label.cmp(&b.label)));
    kept
}
