//! Times suggestions over a generated corpus: 1,000 documents (about 5 MB) of news-like
//! text with names, dates, identifiers, Cyrillic and Hangul, 2,000 analyst annotations,
//! and a 10,000-entry gazetteer. Prints the time to build the suggester and to compute
//! every suggestion of every document, with case kept and ignored.
//!
//! Run: `cargo run --release -p spanmark-core --example suggest_bench` (the target: all
//! suggestions for 5 MB in under 300 ms).

use std::collections::BTreeSet;
use std::time::Instant;

use spanmark_core::search::{search_corpus, SearchOptions};
use spanmark_core::suggest::{parse_gazetteer, SuggestOptions, Suggester};
use spanmark_core::Workspace;

/// A small seeded generator (xorshift64*), so every run times the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const SYLLABLES: &[&str] = &["ka", "mi", "ro", "len", "dor", "vas", "ti", "an", "sel", "po", "gru", "ne", "zha", "ok", "bre", "li", "mon", "ta", "vi", "ush"];
const FILLER: &[&str] = &[
    "the", "said", "on", "a", "meeting", "with", "officials", "in", "and", "of", "reported", "that", "after", "talks", "state", "media", "visit", "to", "missile", "launch", "near",
    "border", "agency", "minister", "forces", "told", "reporters", "during", "week", "government",
];
const EXTRAS: &[&str] = &["Путин", "Москва", "김정은", "평양", "Jose\u{301}", "👍🏽", "👩\u{200d}👩\u{200d}👧", "“quoted”", "—"];
const IDENTIFIERS: &[&str] = &[
    "12 September 2023",
    "Sept. 13, 2023",
    "2023-09-13",
    "press@example.org",
    "https://example.org/news/1",
    "+44 20 7946 0958",
    "DE89 3704 0044 0532 0130 00",
    "39.0392, 125.7625",
];

fn name(rng: &mut Rng) -> String {
    let word = |rng: &mut Rng| {
        let n = 2 + rng.below(2);
        let w: String = (0..n).map(|_| rng.pick(SYLLABLES)).collect();
        let mut c = w.chars();
        c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
    };
    format!("{} {}", word(rng), word(rng))
}

fn main() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let names: Vec<String> = (0..10_000).map(|_| name(&mut rng)).collect();
    let labels = ["PERSON", "ORG", "GPE", "LOC", "FAC"];
    let tsv: String = names.iter().enumerate().map(|(i, n)| format!("{n}\t{}\tQ{i}\n", labels[i % labels.len()])).collect();
    let (gazetteer, problems) = parse_gazetteer(&tsv).expect("gazetteer within limits");

    let mut ws = Workspace::default();
    let mut total_bytes = 0;
    let mut annotations = 0;
    for d in 0..1_000 {
        let mut text = String::with_capacity(5_200);
        let mut to_tag = Vec::new();
        while text.len() < 5_000 {
            let roll = rng.below(100);
            let piece: String = match roll {
                // The first 300 names are the corpus's regulars; two a document are tagged.
                0..=2 => {
                    let regular = names[rng.below(300)].clone();
                    if to_tag.len() < 2 {
                        to_tag.push(text.len()..text.len() + regular.len());
                    }
                    regular
                }
                3..=6 => names[rng.below(names.len())].clone(),
                7..=8 => rng.pick(IDENTIFIERS).to_owned(),
                9..=11 => rng.pick(EXTRAS).to_owned(),
                12..=14 => name(&mut rng),
                _ => rng.pick(FILLER).to_owned(),
            };
            text.push_str(&piece);
            text.push_str(if rng.below(12) == 0 { ".\r\n" } else { " " });
        }
        total_bytes += text.len();
        let id = ws.add_document(&format!("doc{d}.txt"), text).expect("document");
        // About 2,000 analyst annotations: PERSON mostly, ORG for one in three.
        for range in to_tag {
            let label = if rng.below(3) == 0 { "ORG" } else { "PERSON" };
            if ws.add_annotation(&id, range, label).is_ok() {
                annotations += 1;
            }
        }
    }

    let docs = ws.documents();
    println!(
        "corpus: {} documents, {:.2} MB, {} annotations; gazetteer: {} entries ({} diagnostics)",
        docs.len(),
        total_bytes as f64 / 1e6,
        annotations,
        gazetteer.len(),
        problems.len()
    );
    let none = BTreeSet::new();
    for ignore_case in [false, true] {
        let started = Instant::now();
        let suggester = Suggester::new(SuggestOptions { ignore_case, whole_word: true }).with_corpus(docs).unwrap().with_gazetteer(&gazetteer).unwrap().with_default_patterns();
        let built = started.elapsed();
        let started = Instant::now();
        let found = suggester.suggest_corpus(docs, &none);
        let took = started.elapsed();
        let count: usize = found.iter().map(|(_, s)| s.len()).sum();
        println!(
            "ignore_case={ignore_case}: built in {:.1} ms; {count} suggestions in {} documents in {:.1} ms",
            built.as_secs_f64() * 1e3,
            found.len(),
            took.as_secs_f64() * 1e3
        );
    }
    // Each source alone, case kept.
    let sources: [(&str, Suggester); 3] = [
        ("corpus", Suggester::new(SuggestOptions::default()).with_corpus(docs).unwrap()),
        ("gazetteer", Suggester::new(SuggestOptions::default()).with_gazetteer(&gazetteer).unwrap()),
        ("patterns", Suggester::new(SuggestOptions::default()).with_default_patterns()),
    ];
    for (source, suggester) in sources {
        let started = Instant::now();
        let count: usize = suggester.suggest_corpus(docs, &none).iter().map(|(_, s)| s.len()).sum();
        println!("  {source} alone: {count} suggestions in {:.1} ms", started.elapsed().as_secs_f64() * 1e3);
    }
    // A gazetteer at the entry limit (200,000 entries, about 5 MB): parse and build.
    let big: String = (0..200_000).map(|i| format!("{} {i}\tORG\tQ{i}\n", name(&mut rng))).collect();
    let started = Instant::now();
    let (big, _) = parse_gazetteer(&big).expect("within limits");
    let parsed = started.elapsed();
    let started = Instant::now();
    let suggester = Suggester::new(SuggestOptions::default()).with_gazetteer(&big).expect("builds");
    let built = started.elapsed();
    let started = Instant::now();
    let count: usize = suggester.suggest_corpus(docs, &none).iter().map(|(_, s)| s.len()).sum();
    println!(
        "gazetteer of {} entries: parsed in {:.0} ms, built in {:.0} ms, {count} suggestions in {:.1} ms",
        big.len(),
        parsed.as_secs_f64() * 1e3,
        built.as_secs_f64() * 1e3,
        started.elapsed().as_secs_f64() * 1e3
    );
    for (pattern, ignore_case) in [("Путин", false), ("путин", true)] {
        let started = Instant::now();
        let hits = search_corpus(docs, pattern, SearchOptions { ignore_case, whole_word: true, max_hits: usize::MAX, ..SearchOptions::default() }).expect("search");
        println!("search {pattern:?} ignore_case={ignore_case}: {} hits in {:.1} ms", hits.total, started.elapsed().as_secs_f64() * 1e3);
    }
}
