//! Writes search cases for the consumer test (tests/consumers/test_search.py): texts with
//! emoji, a ZWJ sequence, Hangul (syllables and conjoining jamo), Cyrillic, combining
//! marks and CRLF; patterns and flags; and the core's hits converted to code points
//! through the document's offset index; and annotate-all cases (a text tagged once, the
//! other occurrences offered). Python checks both against `re.finditer`.
//!
//! Run: `cargo run -p spanmark-core --example search_fixtures -- <out dir>` (writes `search.json`).
//!
//! The cases are chosen where Python's `re` and the core mean the same thing: Python's
//! `\b` separates `\w` from `\W` where the core uses UAX #29 word boundaries, Python folds
//! case simply where plain search folds fully, and Python may split a grapheme cluster
//! where the core drops such a hit. Those differences are tested in Rust (tests/search.rs).

use std::path::PathBuf;

use serde_json::json;
use spanmark_core::search::{search_text, SearchMode, SearchOptions};
use spanmark_core::suggest::{occurrences, OccurrenceOptions, Scope};
use spanmark_core::{OffsetIndex, Workspace};

const TEXTS: &[&str] = &[
    "Путин met 김정은 in Pyongyang 👋\r\nthe 👩\u{200d}👩\u{200d}👧 family; Jose\u{301} said ПУТИН and путин.\r\n",
    "김정은 (\u{1100}\u{1175}\u{11b7}\u{110c}\u{1165}\u{11bc}\u{110b}\u{1173}\u{11ab}) 🇰🇵 Kim Jong-un, Kim Jong Un, KIM JONG UN.\r\nOn 12 September 2023 Kim met Путин. 👍🏽 kim 김정은 위원장",
];

/// `(text index, pattern, regex?, ignore case?, whole word?)`.
const CASES: &[(usize, &str, bool, bool, bool)] = &[
    (0, "Путин", false, false, false),
    (0, "Путин", false, true, false),
    (0, "путин", false, true, true),
    (0, "김정은", false, false, false),
    (0, "Jose\u{301}", false, false, false),
    (0, "👩\u{200d}👩\u{200d}👧", false, false, false),
    (0, "\r\n", false, false, false),
    (0, "👋\r\nthe", false, false, false),
    (0, " ", false, false, false),
    (1, "김정은", false, false, false),
    (1, "\u{1100}\u{1175}\u{11b7}", false, false, false),
    (1, "Kim Jong", false, false, false),
    (1, "kim jong un", false, true, false),
    (1, "Kim", false, false, true),
    (1, "kim", false, true, true),
    (1, "Jong", false, false, true),
    (1, "un", false, true, true),
    (1, "Путин", false, true, true),
    (1, "🇰🇵", false, false, false),
    (1, "👍🏽", false, false, false),
    (0, "[А-Яа-я]+", true, false, false),
    (0, "путин", true, true, false),
    (1, r"\d{1,2} [A-Z][a-z]+ \d{4}", true, false, false),
    (1, r"K\w+", true, false, false),
    (1, r"kim jong.un", true, true, false),
    (1, "[Kk]im", true, false, true),
    (1, r"\(.*?\)", true, false, false),
    (1, "[가-힣]+", true, false, false),
    (0, r"\r\n\S+", true, false, false),
];

/// Other occurrences of a tagged text: `(text index, text, ignore case?, whole word?)`.
const OCCURRENCES: &[(usize, &str, bool, bool)] = &[
    (0, "Путин", true, true),
    (1, "Jong", false, true),
    (1, "Kim", true, true),
    (1, "Kim Jong", false, false),
    (1, "김정은", false, true),
];

fn main() {
    let out = std::env::args().nth(1).map(PathBuf::from).unwrap_or_else(|| PathBuf::from("target/search"));
    let mut cases = Vec::new();
    for &(text_index, pattern, regex, ignore_case, whole_word) in CASES {
        let text = TEXTS[text_index];
        let index = OffsetIndex::new(text);
        let mode = if regex { SearchMode::Regex } else { SearchMode::Plain };
        let options = SearchOptions { mode, ignore_case, whole_word, ..SearchOptions::default() };
        let found = search_text(text, pattern, options).unwrap_or_else(|e| panic!("{pattern:?}: {e}"));
        let hits_cp: Vec<[usize; 2]> = found
            .hits
            .iter()
            .map(|h| [index.try_byte_to_cp(h.start_byte).expect("a hit starts on a character"), index.try_byte_to_cp(h.end_byte).expect("a hit ends on a character")])
            .collect();
        cases.push(json!({
            "text": text,
            "pattern": pattern,
            "mode": if regex { "regex" } else { "plain" },
            "ignore_case": ignore_case,
            "whole_word": whole_word,
            "hits_cp": hits_cp,
        }));
    }
    // Annotate-all: the first occurrence is tagged, and the others are offered.
    let mut others = Vec::new();
    for &(text_index, needle, ignore_case, whole_word) in OCCURRENCES {
        let text = TEXTS[text_index];
        let mut ws = Workspace::default();
        let doc = ws.add_document("case.txt", text).expect("document");
        let first = text.find(needle).expect("the needle is in the text");
        ws.add_annotation(&doc, first..first + needle.len(), "PERSON").expect("tagged");
        let options = OccurrenceOptions { ignore_case, whole_word, scope: Scope::Document(doc.clone()), ..OccurrenceOptions::default() };
        let found = occurrences(ws.documents(), needle, "PERSON", &options).unwrap_or_else(|e| panic!("{needle:?}: {e}"));
        let index = ws.document(&doc).expect("document").offsets();
        let cp = |byte: usize| index.try_byte_to_cp(byte).expect("on a character");
        let hits_cp: Vec<[usize; 2]> = found.items.iter().map(|o| [cp(o.start_byte), cp(o.end_byte)]).collect();
        others.push(json!({
            "text": text,
            "pattern": needle,
            "mode": "plain",
            "ignore_case": ignore_case,
            "whole_word": whole_word,
            "tagged_cp": [cp(first), cp(first + needle.len())],
            "hits_cp": hits_cp,
        }));
    }
    std::fs::create_dir_all(&out).expect("create the output folder");
    let json = serde_json::to_string_pretty(&json!({ "offset_unit": "code point", "cases": cases, "occurrences": others })).expect("serialise");
    std::fs::write(out.join("search.json"), json).expect("write search.json");
    println!("wrote {} search cases to {}", CASES.len(), out.join("search.json").display());
}
