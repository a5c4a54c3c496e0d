//! Patterns for identifiers an OSINT analyst tags: e-mail addresses, URLs, phone numbers,
//! IBANs, coordinates and dates.
//!
//! The patterns are conservative: a phone number needs a leading `+` and 8 to 15 digits,
//! or a common national shape (`(212) 555-0147`, `212-555-0147`, `030 1234 5678`); an
//! IBAN must pass its mod-97 check; coordinates must lie within range; a date must have a
//! month from 1 to 12 and a day from 1 to 31. No match may begin or end inside a word.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

use crate::matching::is_clean_hit;

/// A kind of identifier that a pattern finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PatternKind {
    /// An e-mail address.
    Email,
    /// A web address starting with `http://`, `https://` or `www.`.
    Url,
    /// A phone number.
    Phone,
    /// An International Bank Account Number that passes its mod-97 check.
    Iban,
    /// Coordinates: decimal `lat, lon` or degrees, minutes and seconds with hemispheres.
    Coordinates,
    /// A date: ISO 8601 (`2023-09-13`) or written (`12 September 2023`, `Sept. 13, 2023`).
    Date,
}

impl PatternKind {
    /// Every kind, in the order they are matched.
    pub const ALL: [PatternKind; 6] = [PatternKind::Email, PatternKind::Url, PatternKind::Phone, PatternKind::Iban, PatternKind::Coordinates, PatternKind::Date];

    /// The kind's stable id (`email`, `url`, `phone`, `iban`, `coordinates`, `date`).
    pub fn id(self) -> &'static str {
        match self {
            PatternKind::Email => "email",
            PatternKind::Url => "url",
            PatternKind::Phone => "phone",
            PatternKind::Iban => "iban",
            PatternKind::Coordinates => "coordinates",
            PatternKind::Date => "date",
        }
    }

    /// The label it suggests unless told otherwise: `DATE` for dates, and the kind's id in
    /// capitals (`EMAIL`, `URL`, `PHONE`, `IBAN`, `COORDINATES`) for identifiers.
    pub fn default_label(self) -> &'static str {
        match self {
            PatternKind::Email => "EMAIL",
            PatternKind::Url => "URL",
            PatternKind::Phone => "PHONE",
            PatternKind::Iban => "IBAN",
            PatternKind::Coordinates => "COORDINATES",
            PatternKind::Date => "DATE",
        }
    }

    /// The score of its suggestions: checked or unmistakable shapes score 1, dates and
    /// coordinates 0.9, phone numbers (the most easily confused with other numbers) 0.7.
    pub fn score(self) -> f64 {
        match self {
            PatternKind::Email | PatternKind::Url | PatternKind::Iban => 1.0,
            PatternKind::Coordinates | PatternKind::Date => 0.9,
            PatternKind::Phone => 0.7,
        }
    }
}

/// Which label each kind suggests; a kind without a label is not matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternLabels {
    labels: BTreeMap<PatternKind, String>,
}

impl Default for PatternLabels {
    /// Every kind, with its [`PatternKind::default_label`].
    fn default() -> Self {
        PatternLabels { labels: PatternKind::ALL.iter().map(|k| (*k, k.default_label().to_owned())).collect() }
    }
}

impl PatternLabels {
    /// No kind at all.
    pub fn none() -> Self {
        PatternLabels { labels: BTreeMap::new() }
    }

    /// Sets the label `kind` suggests, or turns the kind off with `None`.
    pub fn set(&mut self, kind: PatternKind, label: Option<&str>) -> &mut Self {
        match label {
            Some(l) => self.labels.insert(kind, l.to_owned()),
            None => self.labels.remove(&kind),
        };
        self
    }

    /// The label `kind` suggests, if it is on.
    pub fn label(&self, kind: PatternKind) -> Option<&str> {
        self.labels.get(&kind).map(String::as_str)
    }
}

/// One identifier found by a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PatternMatch {
    /// First byte (UTF-8 bytes, inclusive).
    pub start_byte: usize,
    /// End (UTF-8 bytes, exclusive).
    pub end_byte: usize,
    /// What it is.
    pub kind: PatternKind,
}

const MONTH: &str = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)";

fn source(kind: PatternKind) -> String {
    match kind {
        PatternKind::Email => r"[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}".to_owned(),
        PatternKind::Url => r#"(?:[Hh][Tt][Tt][Pp][Ss]?://|www\.)[^\s<>"'`{}|\\^\[\]“”‘’«»]+"#.to_owned(),
        PatternKind::Phone => {
            r"\+[1-9](?:[ .\-]?(?:\([0-9]{1,4}\)|[0-9])){6,16}|\([0-9]{3}\) ?[0-9]{3}[\-.][0-9]{4}|[0-9]{3}[\-.][0-9]{3}[\-.][0-9]{4}|0[0-9]{1,4}(?:[ /][0-9]{2,4}){2,4}".to_owned()
        }
        PatternKind::Iban => r"[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?".to_owned(),
        PatternKind::Coordinates => {
            let dms = r#"[0-9]{1,3}(?:\.[0-9]+)?°\s?(?:[0-9]{1,2}(?:\.[0-9]+)?['′’]\s?(?:[0-9]{1,2}(?:\.[0-9]+)?(?:["″”]|'')\s?)?)?"#;
            format!(r"[\-+]?[0-9]{{1,2}}\.[0-9]{{2,8}},\s?[\-+]?[0-9]{{1,3}}\.[0-9]{{2,8}}|{dms}[NS],?\s?{dms}[EW]")
        }
        PatternKind::Date => format!(
            r"[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}|[0-9]{{1,2}}(?:st|nd|rd|th)?\s{MONTH},?\s[0-9]{{4}}|{MONTH}\s[0-9]{{1,2}}(?:st|nd|rd|th)?,?\s[0-9]{{4}}"
        ),
    }
}

/// The compiled patterns, in [`PatternKind::ALL`] order (`None` for one that failed to
/// compile, which a test rules out).
fn compiled() -> &'static [Option<Regex>; 6] {
    static COMPILED: OnceLock<[Option<Regex>; 6]> = OnceLock::new();
    COMPILED.get_or_init(|| PatternKind::ALL.map(|k| Regex::new(&source(k)).ok()))
}

/// Every identifier in `text`, by kind then position; matches of one kind do not overlap.
pub fn find_patterns(text: &str) -> Vec<PatternMatch> {
    let mut found = Vec::new();
    for (kind, re) in PatternKind::ALL.iter().zip(compiled()) {
        let Some(re) = re else { continue };
        for m in re.find_iter(text) {
            if let Some(range) = accept(*kind, text, m.start()..m.end()) {
                if is_clean_hit(text, &range, false) {
                    found.push(PatternMatch { start_byte: range.start, end_byte: range.end, kind: *kind });
                }
            }
        }
    }
    found
}

fn char_before(text: &str, at: usize) -> Option<char> {
    text[..at].chars().next_back()
}

fn char_after(text: &str, at: usize) -> Option<char> {
    text[at..].chars().next()
}

/// Whether the match is not glued to a word on either side (`glue` says which neighbours glue).
fn free_standing(text: &str, range: &std::ops::Range<usize>, glue: impl Fn(char) -> bool) -> bool {
    !char_before(text, range.start).is_some_and(&glue) && !char_after(text, range.end).is_some_and(&glue)
}

/// Checks (and for URLs and IBANs trims) one raw match of `kind`.
fn accept(kind: PatternKind, text: &str, range: std::ops::Range<usize>) -> Option<std::ops::Range<usize>> {
    let s = &text[range.clone()];
    let word = |c: char| c.is_alphanumeric() || c == '_';
    match kind {
        PatternKind::Email => {
            let local = |c: char| word(c) || ".%+-@".contains(c);
            free_standing(text, &range, local).then_some(range)
        }
        PatternKind::Url => {
            let end = range.start + trim_url(s).len();
            let host = s.find("://").map_or(4, |i| i + 3);
            (end > range.start + host && !char_before(text, range.start).is_some_and(word)).then_some(range.start..end)
        }
        PatternKind::Phone => {
            let digits = s.chars().filter(char::is_ascii_digit).count();
            let enough = if s.starts_with('+') { (8..=15).contains(&digits) } else { (9..=12).contains(&digits) };
            (enough && number_stands_alone(text, &range) && !followed_by_digit_group(text, range.end)).then_some(range)
        }
        PatternKind::Iban => iban_within(text, range),
        PatternKind::Coordinates => {
            let in_range = decimal_pair(s).is_none_or(|(lat, lon)| lat.abs() <= 90.0 && lon.abs() <= 180.0);
            (in_range && number_stands_alone(text, &range)).then_some(range)
        }
        PatternKind::Date => {
            let glue = |c: char| word(c) || c == '-';
            (date_in_range(s) && free_standing(text, &range, glue)).then_some(range)
        }
    }
}

/// Whether a number is not part of a longer one or of a word: no letter, digit, `+`, `-`,
/// `/` or `.` right before it, and none right after it except a full stop that ends the
/// sentence (one not followed by a digit).
fn number_stands_alone(text: &str, range: &std::ops::Range<usize>) -> bool {
    let glue = |c: char| c.is_alphanumeric() || "_+-/".contains(c);
    let decimal_after = text[range.end..].strip_prefix('.').is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()));
    free_standing(text, range, glue) && char_before(text, range.start) != Some('.') && !decimal_after
}

/// Whether a space and more digits follow `at` (the number goes on: not a phone number we know the end of).
fn followed_by_digit_group(text: &str, at: usize) -> bool {
    let rest = &text[at..];
    let rest = rest.strip_prefix(' ').unwrap_or("");
    rest.starts_with(|c: char| c.is_ascii_digit())
}

/// A URL without the punctuation that ends the sentence around it: trailing `.,;:!?`, and
/// a closing parenthesis that has no opening one inside the URL.
fn trim_url(url: &str) -> &str {
    let mut end = url.len();
    loop {
        let s = &url[..end];
        let Some(last) = s.chars().next_back() else { return s };
        let unbalanced = last == ')' && s.matches('(').count() < s.matches(')').count();
        if ".,;:!?".contains(last) || unbalanced {
            end -= last.len_utf8();
        } else {
            return s;
        }
    }
}

/// The longest prefix of the raw IBAN match, in whole groups, that is free-standing and
/// passes the mod-97 check (the pattern may have taken a capitalised word after it).
fn iban_within(text: &str, range: std::ops::Range<usize>) -> Option<std::ops::Range<usize>> {
    if char_before(text, range.start).is_some_and(char::is_alphanumeric) {
        return None;
    }
    let mut end = range.end;
    loop {
        let s = &text[range.start..end];
        let compact: String = s.chars().filter(|c| *c != ' ').collect();
        if (15..=34).contains(&compact.len()) && !char_after(text, end).is_some_and(char::is_alphanumeric) && iban_checks(&compact) {
            return Some(range.start..end);
        }
        // Drop the last group (or, without spaces, give up: the pattern's greed is all in groups).
        end = range.start + s.rfind(' ')?;
    }
}

/// The ISO 13616 mod-97 check: the first four characters moved to the end, letters as
/// 10 to 35, the number modulo 97 must be 1.
fn iban_checks(compact: &str) -> bool {
    let (head, tail) = compact.split_at(4.min(compact.len()));
    let mut rest: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        let Some(value) = c.to_digit(36) else { return false };
        rest = if value >= 10 { (rest * 100 + value) % 97 } else { (rest * 10 + value) % 97 };
    }
    rest == 1
}

/// The latitude and longitude of a decimal pair, or `None` for degrees-minutes-seconds.
fn decimal_pair(s: &str) -> Option<(f64, f64)> {
    if s.contains('°') {
        return None;
    }
    let (lat, lon) = s.split_once(',')?;
    Some((lat.trim().parse().ok()?, lon.trim().parse().ok()?))
}

/// Whether the month and day of a date are in range (1 to 12, 1 to 31).
fn date_in_range(s: &str) -> bool {
    if let [y, m, d] = s.split('-').collect::<Vec<_>>()[..] {
        if y.len() == 4 {
            let (m, d) = (m.parse::<u32>().unwrap_or(0), d.parse::<u32>().unwrap_or(0));
            return (1..=12).contains(&m) && (1..=31).contains(&d);
        }
    }
    // A written date: its day is the first number of one or two digits.
    let day = s.split(|c: char| !c.is_ascii_digit()).find(|n| !n.is_empty() && n.len() <= 2);
    day.and_then(|d| d.parse::<u32>().ok()).is_some_and(|d| (1..=31).contains(&d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        assert!(compiled().iter().all(Option::is_some));
    }

    #[test]
    fn iban_check_digits() {
        assert!(iban_checks("DE89370400440532013000"));
        assert!(iban_checks("GB82WEST12345698765432"));
        assert!(!iban_checks("GB82WEST12345698765433"));
    }

    #[test]
    fn urls_lose_sentence_punctuation() {
        assert_eq!(trim_url("https://example.org/a."), "https://example.org/a");
        assert_eq!(trim_url("https://en.wikipedia.org/wiki/Foo_(bar))"), "https://en.wikipedia.org/wiki/Foo_(bar)");
    }
}
