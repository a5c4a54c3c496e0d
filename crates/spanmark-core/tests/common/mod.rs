//! Shared generators for the property tests: texts built from the characters that break
//! offset code; and the round trip of an export into another workspace.
#![allow(dead_code)]

use proptest::prelude::*;
use spanmark_core::{detect_format, Export, ExportOptions, Format, ImportOptions, ImportReport, InputFile, Workspace};

/// Exports `ws` in a format and imports the file into `back`, with the documents' texts
/// beside it (CoNLL) or open (W3C) where the format does not carry them; checks that the
/// export is recognised by its content.
pub fn round_trip_into(ws: &Workspace, format: Format, options: ExportOptions, mut back: Workspace) -> (Workspace, Export, ImportReport) {
    let export = ws.export_as(format, None, &options).unwrap();
    let mut files = vec![InputFile::new(export.file.name.clone(), export.file.bytes.clone())];
    match format {
        // CoNLL is imported with its .txt beside it.
        Format::Conll => files.extend(ws.documents().iter().map(|d| InputFile::new(d.name(), d.text()))),
        // W3C annotations point at documents that are already open.
        Format::W3c => {
            for d in ws.documents() {
                back.add_document(d.name(), d.text()).unwrap();
            }
        }
        _ => {}
    }
    assert_eq!(detect_format(&files).unwrap(), format, "the export is recognised by its content");
    let staged = back.stage_import(&files, &ImportOptions::default()).unwrap();
    let report = back.apply_import(staged).unwrap();
    (back, export, report)
}

/// Pieces that exercise every width: ASCII, the seeds' typography, two-byte Latin and
/// Cyrillic, three-byte Hangul, four-byte emoji (surrogate pairs in UTF-16), ZWJ
/// sequences, flags, combining marks, and every line ending.
pub const PIECES: &[&str] = &[
    "a", "Kim", " ", "  ", ".", ",", "-", "\n", "\r\n", "\r", "\t",
    "–", "—", "“", "”", "’", "©", "…",
    "é", "e\u{301}", "Jose\u{301}", "ñ",
    "Путин", "Владивосток", "ё",
    "김정은", "한",
    "😀", "👍🏽", "👨\u{200d}👩\u{200d}👧\u{200d}👦", "🇰🇵", "🇷🇺",
    "\u{200b}", "\u{202e}", "\u{feff}",
];

/// A text of up to `max` pieces.
pub fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..max).prop_map(|p| p.concat())
}

/// The byte offsets of every character boundary of `s`, including its end.
pub fn boundaries(s: &str) -> Vec<usize> {
    s.char_indices().map(|(i, _)| i).chain(std::iter::once(s.len())).collect()
}

/// A text with spans on character boundaries: (text, [(start_byte, end_byte, label)]).
pub fn annotated_text(max_pieces: usize, max_spans: usize) -> impl Strategy<Value = (String, Vec<(usize, usize, &'static str)>)> {
    text(max_pieces).prop_filter("needs text", |t| !t.is_empty()).prop_flat_map(move |t| {
        let n = boundaries(&t).len();
        let span = (0..n, 0..n, prop::sample::select(&["PERSON", "ORG", "GPE", "WEAPON"][..]));
        (Just(t), prop::collection::vec(span, 0..max_spans))
    })
    .prop_map(|(t, raw)| {
        let b = boundaries(&t);
        let spans = raw
            .into_iter()
            .filter_map(|(i, j, l)| {
                let (s, e) = (b[i.min(j)], b[i.max(j)]);
                (s < e).then_some((s, e, l))
            })
            .collect();
        (t, spans)
    })
}
