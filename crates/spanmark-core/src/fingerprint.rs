//! Name fingerprints and entity-linking candidates: which known entities a mention may name.
//!
//! A fingerprint is a key that variants of one name share: case folded (full Unicode
//! folding), compatibility-decomposed with the combining marks removed (so diacritics go),
//! apostrophes and invisible joiners dropped, every other character that is not a letter or
//! a digit turned into a space (hyphens, full stops, commas), and the words sorted and
//! deduplicated (so word order does not count). Each word is put back in NFC, so Hangul
//! syllables typed as conjoining jamo and precomposed give the same key.
//!
//! ```
//! use spanmark_core::fingerprint::fingerprint;
//!
//! assert_eq!(fingerprint("Kim Jong-un"), fingerprint("KIM Jong Un"));
//! assert_eq!(fingerprint("Kim Jong-un"), fingerprint("Jong Un Kim"));
//! assert_ne!(fingerprint("Kim Jong-un"), fingerprint("Kim Yo-jong"));
//! assert_eq!(fingerprint("Zoë  Müller-Lüdenscheidt"), "ludenscheidt muller zoe");
//! ```
//!
//! Candidates are only ever proposed: nothing here merges or links anything.

use std::cmp::Reverse;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::matching::fold_char;

/// Characters that vanish from a name rather than split it: apostrophes, the soft hyphen
/// and invisible joiners.
fn vanishes(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02bc}' | '\u{00ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}')
}

/// The normalised words of a name, in order (not sorted, possibly repeated).
pub fn name_tokens(name: &str) -> Vec<String> {
    let mut folded = String::with_capacity(name.len());
    for c in name.nfkd() {
        if !is_combining_mark(c) && !vanishes(c) {
            fold_char(c, &mut folded);
        }
    }
    // Folding may bring back a mark (İ folds to i and a combining dot above).
    let plain: String = folded.nfkd().filter(|c| !is_combining_mark(*c)).map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    plain.split_whitespace().map(|t| t.nfc().collect()).collect()
}

/// The fingerprint of a name: its [`name_tokens`], sorted, deduplicated and joined by
/// single spaces. Empty for a name with no letter or digit.
pub fn fingerprint(name: &str) -> String {
    let mut tokens = name_tokens(name);
    tokens.sort_unstable();
    tokens.dedup();
    tokens.join(" ")
}

/// A known entity, as candidates are chosen from: its id, canonical name and aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownEntity<'a> {
    /// The entity's id.
    pub id: &'a str,
    /// Its canonical name.
    pub name: &'a str,
    /// Its other names.
    pub aliases: &'a [String],
}

/// Why an entity is a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CandidateReason {
    /// A name of the entity has the mention's fingerprint.
    SameFingerprint,
    /// A name of the entity shares words (or word beginnings) with the mention.
    SimilarWords,
}

/// One candidate entity for a mention.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The entity's id.
    pub entity_id: String,
    /// The entity's name (canonical or alias) that matched best.
    pub matched_name: String,
    /// Why it is a candidate.
    pub reason: CandidateReason,
    /// How similar: 1 for the same fingerprint, else the share of words in common, from 0 to 1.
    pub score: f64,
}

/// The lowest word similarity for which an entity is proposed at all.
pub const MIN_CANDIDATE_SCORE: f64 = 0.5;

/// How much one word counts toward another: 1 when equal, 0.75 when one of at least three
/// letters begins the other ("vlad", "vladimir"), else 0.
fn word_similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let (short, long) = if a.chars().count() <= b.chars().count() { (a, b) } else { (b, a) };
    if short.chars().count() >= 3 && long.starts_with(short) {
        0.75
    } else {
        0.0
    }
}

/// A soft Jaccard similarity of two word sets: each word of `a` is paired with its most
/// similar unpaired word of `b`, and the paired similarity `s` gives `s / (|a| + |b| - s)`.
fn similarity(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut used = vec![false; b.len()];
    let mut shared = 0.0;
    for word in a {
        let best = b.iter().enumerate().filter(|(j, _)| !used[*j]).map(|(j, other)| (word_similarity(word, other), j)).max_by(|x, y| x.0.total_cmp(&y.0));
        if let Some((s, j)) = best.filter(|(s, _)| *s > 0.0) {
            used[j] = true;
            shared += s;
        }
    }
    shared / ((a.len() + b.len()) as f64 - shared)
}

fn sorted_unique(mut tokens: Vec<String>) -> Vec<String> {
    tokens.sort_unstable();
    tokens.dedup();
    tokens
}

/// The entities that `mention` may name, best first, at most `max`: those with a name of
/// the same fingerprint (score 1), then those whose names share words with it (score at
/// least [`MIN_CANDIDATE_SCORE`]); ties in entity order. Each entity appears once, with its
/// best-matching name.
pub fn candidates(mention: &str, entities: &[KnownEntity<'_>], max: usize) -> Vec<Candidate> {
    let mention_words = sorted_unique(name_tokens(mention));
    if mention_words.is_empty() {
        return Vec::new();
    }
    let mut found: Vec<(usize, Candidate)> = Vec::new();
    for (order, entity) in entities.iter().enumerate() {
        let names = std::iter::once(entity.name).chain(entity.aliases.iter().map(String::as_str));
        let mut best: Option<Candidate> = None;
        for name in names {
            let words = sorted_unique(name_tokens(name));
            let (reason, score) = if words == mention_words { (CandidateReason::SameFingerprint, 1.0) } else { (CandidateReason::SimilarWords, similarity(&mention_words, &words)) };
            let better = best.as_ref().is_none_or(|b| (score, Reverse(reason)) > (b.score, Reverse(b.reason)));
            if score >= MIN_CANDIDATE_SCORE && better {
                best = Some(Candidate { entity_id: entity.id.to_owned(), matched_name: name.to_owned(), reason, score });
            }
        }
        if let Some(c) = best {
            found.push((order, c));
        }
    }
    found.sort_by(|(oa, a), (ob, b)| a.reason.cmp(&b.reason).then(b.score.total_cmp(&a.score)).then(oa.cmp(ob)));
    found.into_iter().take(max).map(|(_, c)| c).collect()
}
