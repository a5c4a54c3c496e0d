//! CoNLL 2003 style tags (docs/formats/conll.md): one `token TAG` per line, a blank
//! line between sentences, `-DOCSTART- O` before each document, in IOB2 (default),
//! IOB1 or BIOES. Tokens are UAX #29 words without whitespace; sentences end at
//! UAX #29 sentence boundaries and line breaks.
//!
//! Export keeps what token tags can hold and reports the rest (overlapping and
//! nested spans, spans that do not start and end on token boundaries, spans across
//! sentences). Import rebuilds character offsets against the original text when a
//! `.txt` is given with the file, and otherwise joins the tokens with spaces.

use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

use super::{Codec, DocIn, Export, ExportFile, ExportOptions, Format, ImportOptions, InputFile, Interchange, SpanIn, Target};
use crate::annotation::Annotation;
use crate::report::{Diagnostic, ImportError, Severity};
use crate::document::Document;
use crate::offsets::Unit;
use crate::schema::LabelSchema;

/// The CoNLL codec.
pub struct Conll;

/// A document's sentences, each a list of (token, tag).
type Sentences = Vec<Vec<(String, String)>>;

/// How entity tags are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum TagScheme {
    /// `B-` begins every entity, `I-` continues it (CoNLL 2003 as most tools use it).
    #[default]
    Iob2,
    /// `I-` everywhere; `B-` only where an entity follows one of the same type.
    Iob1,
    /// `S-` for one-token entities, else `B-`, `I-` … `E-`.
    Bioes,
}

impl TagScheme {
    /// Every scheme, in menu order.
    pub const ALL: [TagScheme; 3] = [TagScheme::Iob2, TagScheme::Iob1, TagScheme::Bioes];

    /// The stable id (`"iob2"`, `"iob1"`, `"bioes"`).
    pub fn id(self) -> &'static str {
        match self {
            TagScheme::Iob2 => "iob2",
            TagScheme::Iob1 => "iob1",
            TagScheme::Bioes => "bioes",
        }
    }

    /// Its name for people (`"IOB2"`).
    pub fn title(self) -> &'static str {
        match self {
            TagScheme::Iob2 => "IOB2",
            TagScheme::Iob1 => "IOB1",
            TagScheme::Bioes => "BIOES",
        }
    }

    /// The scheme with this id (`"iob2"`, `"iob1"`, `"bioes"`).
    pub fn from_id(id: &str) -> Option<TagScheme> {
        match id.to_ascii_lowercase().as_str() {
            "iob2" | "bio" => Some(TagScheme::Iob2),
            "iob1" | "iob" => Some(TagScheme::Iob1),
            "bioes" | "iobes" => Some(TagScheme::Bioes),
            _ => None,
        }
    }
}

/// One token: its byte range, and whether a sentence starts with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// First byte.
    pub start_byte: usize,
    /// End byte (exclusive).
    pub end_byte: usize,
    /// Whether a new sentence begins here.
    pub sentence_start: bool,
}

/// The tokens of a text: UAX #29 words that are not whitespace, with sentence starts
/// at UAX #29 sentence boundaries and after line breaks.
pub fn tokenize(text: &str) -> Vec<Token> {
    let sentence_starts: Vec<usize> = text.split_sentence_bound_indices().map(|(i, _)| i).collect();
    let mut next_sentence = 0;
    let mut out: Vec<Token> = Vec::new();
    let mut prev_end = 0;
    for (at, w) in text.split_word_bound_indices() {
        // A segment can begin with a space that a combining mark or format character
        // attaches to; the token is what is left without whitespace.
        let trimmed = w.trim_start();
        let i = at + (w.len() - trimmed.len());
        let w = trimmed.trim_end();
        if w.is_empty() {
            continue;
        }
        let mut starts = out.is_empty() || text[prev_end..i].contains(['\n', '\r', '\u{2028}', '\u{2029}', '\u{85}']);
        while next_sentence < sentence_starts.len() && sentence_starts[next_sentence] <= i {
            let b = sentence_starts[next_sentence];
            // A boundary inside the previous token (say, in "U.S.") does not count.
            if b > prev_end || b == i {
                starts = true;
            }
            next_sentence += 1;
        }
        out.push(Token { start_byte: i, end_byte: i + w.len(), sentence_start: starts });
        prev_end = i + w.len();
    }
    out
}

/// The annotations that token tags can hold, in order, with a loss diagnostic for
/// every other one. Each kept span is `(first token, last token, label)`.
fn representable<'a>(doc: &'a Document, tokens: &[Token], losses: &mut Vec<Diagnostic>) -> Vec<(usize, usize, &'a Annotation)> {
    let by_start: std::collections::HashMap<usize, usize> = tokens.iter().enumerate().map(|(i, t)| (t.start_byte, i)).collect();
    let by_end: std::collections::HashMap<usize, usize> = tokens.iter().enumerate().map(|(i, t)| (t.end_byte, i)).collect();
    let mut kept: Vec<(usize, usize, &Annotation)> = Vec::new();
    let mut last_end_token: Option<usize> = None;
    let loss = |losses: &mut Vec<Diagnostic>, a: &Annotation, code, why: String| {
        losses.push(Diagnostic::new(Severity::Error, code, Some(doc.id()), Some(&a.id), format!("{} “{}” is not in the CoNLL file: {why}", a.label, a.quote(doc.text()))));
    };
    // Position order puts outer spans first, so nested spans lose to their container.
    for a in doc.annotations().iter() {
        let (Some(&first), Some(&last)) = (by_start.get(&a.start_byte), by_end.get(&a.end_byte)) else {
            loss(losses, a, "conll-subtoken", "it does not start and end on token boundaries".to_owned());
            continue;
        };
        if last_end_token.is_some_and(|p| first <= p) {
            let holder = kept.iter().rev().find(|k| k.1 >= first).map(|k| format!("{} “{}”", k.2.label, crate::report::short(k.2.quote(doc.text()), 60))).unwrap_or_default();
            loss(losses, a, "conll-overlap", format!("it overlaps or is nested in {holder}, and a token has one tag"));
            continue;
        }
        if tokens[first + 1..=last].iter().any(|t| t.sentence_start) {
            loss(losses, a, "conll-crosses-sentence", "it crosses a sentence boundary".to_owned());
            continue;
        }
        kept.push((first, last, a));
        last_end_token = Some(last);
    }
    kept
}

/// A CoNLL tag holds no whitespace.
fn tag_label(label: &str) -> String {
    label.chars().map(|c| if c.is_whitespace() { '_' } else { c }).collect()
}

impl Codec for Conll {
    const FORMAT: Format = Format::Conll;

    fn export(_: &LabelSchema, docs: &[&Document], options: &ExportOptions) -> Export {
        let mut out = String::new();
        let mut losses = Vec::new();
        let mut written = 0;
        for doc in docs {
            let text = doc.text();
            let tokens = tokenize(text);
            let kept = representable(doc, &tokens, &mut losses);
            let mut tags: Vec<String> = vec!["O".to_owned(); tokens.len()];
            let mut prev: Option<(usize, &str)> = None;
            for &(first, last, a) in &kept {
                super::extra_losses(Format::Conll, doc, a, false, false, false, &mut losses);
                let label = tag_label(&a.label);
                if label != a.label {
                    losses.push(Diagnostic::new(Severity::Warning, "conll-label", Some(doc.id()), Some(&a.id), format!("tags hold no spaces, so label {:?} is written as {label:?}", a.label)));
                }
                let adjacent_same = prev.is_some_and(|(p, l)| p + 1 == first && l == a.label && !tokens[first].sentence_start);
                for (k, tag) in tags[first..=last].iter_mut().enumerate() {
                    let prefix = match options.scheme {
                        TagScheme::Iob2 => if k == 0 { "B" } else { "I" },
                        TagScheme::Iob1 => if k == 0 && adjacent_same { "B" } else { "I" },
                        TagScheme::Bioes => match (k == 0, first + k == last) {
                            (true, true) => "S",
                            (true, false) => "B",
                            (false, true) => "E",
                            (false, false) => "I",
                        },
                    };
                    *tag = format!("{prefix}-{label}");
                }
                prev = Some((last, &a.label));
                written += 1;
            }
            out.push_str("-DOCSTART- O\n");
            for (t, tag) in tokens.iter().zip(&tags) {
                if t.sentence_start {
                    out.push('\n');
                }
                out.push_str(&text[t.start_byte..t.end_byte]);
                out.push(' ');
                out.push_str(tag);
                out.push('\n');
            }
            out.push('\n');
        }
        if !docs.is_empty() {
            losses.push(Diagnostic::new(Severity::Info, "conll-text", None, None, "CoNLL keeps tokens, not the text: spacing, line breaks and document names are not in the file (import it with the .txt files to restore exact offsets)".to_owned()));
        }
        let scheme = match options.scheme {
            TagScheme::Iob2 => "iob2",
            TagScheme::Iob1 => "iob1",
            TagScheme::Bioes => "bioes",
        };
        let name = super::export_name(docs, &format!("{scheme}.conll"));
        Export { file: ExportFile { name, mime: "text/plain", bytes: out.into_bytes() }, losses, annotations_written: written }
    }

    fn read(files: &[InputFile], _: &ImportOptions) -> Result<Interchange, ImportError> {
        let mut out = Interchange::new(Self::FORMAT);
        let mut texts: Vec<&InputFile> = files.iter().filter(|f| f.extension() == "txt").collect();
        texts.sort_by(|a, b| a.name.cmp(&b.name));
        let mut docs: Vec<(String, Sentences)> = Vec::new();
        for file in files.iter().filter(|f| f.extension() != "txt") {
            let text = file.text()?;
            let mut tagged_lines = 0usize;
            let mut current: Option<(String, Sentences)> = None;
            for (n, line) in text.split('\n').enumerate() {
                let line = line.strip_suffix('\r').unwrap_or(line);
                let fields: Vec<&str> = line.split_whitespace().collect();
                if fields.first() == Some(&"-DOCSTART-") {
                    docs.extend(current.take());
                    current = Some((format!("{} document {}", file.stem(), docs.len() + 1), vec![Vec::new()]));
                    continue;
                }
                let doc = current.get_or_insert_with(|| (format!("{} document {}", file.stem(), docs.len() + 1), vec![Vec::new()]));
                match fields.as_slice() {
                    [] => {
                        if doc.1.last().is_some_and(|s| !s.is_empty()) {
                            doc.1.push(Vec::new());
                        }
                    }
                    [first, ..] if first.starts_with('#') && fields.len() != 2 => {}
                    [token, .., tag] => {
                        tagged_lines += 1;
                        doc.1.last_mut().expect("a sentence is always open").push(((*token).to_owned(), (*tag).to_owned()));
                    }
                    [_] => out.diagnostics.push(Diagnostic::new(Severity::Error, "bad-line", Some(&file.name), Some(&format!("line {}", n + 1)), format!("{:?} has a token but no tag, so it was left out", line))),
                }
            }
            docs.extend(current.take());
            if tagged_lines == 0 {
                return Err(ImportError::Malformed { format: "CoNLL", message: format!("{} has no line with a token and a tag", file.name) });
            }
        }
        docs.retain(|(_, sentences)| sentences.iter().any(|s| !s.is_empty()));
        if !texts.is_empty() && texts.len() != docs.len() {
            out.diagnostics.push(Diagnostic::new(Severity::Warning, "conll-texts", None, None, format!("{} .txt file(s) were given for {} document(s); they are paired in name order and the rest are rebuilt from tokens", texts.len(), docs.len())));
        }
        for (i, (name, sentences)) in docs.into_iter().enumerate() {
            // The .txt is the text byte for byte (a byte order mark included, as brat counts it).
            let original = texts.get(i).copied().and_then(|f| std::str::from_utf8(&f.bytes).ok().map(|t| (f, t)));
            out.documents.push(build_document(name, &sentences, original, &mut out.diagnostics));
        }
        Ok(out)
    }

    fn sniff(file: &InputFile) -> bool {
        let head = String::from_utf8_lossy(&file.bytes[..file.bytes.len().min(8192)]);
        let mut lines = head.lines().filter(|l| !l.trim().is_empty()).take(20).peekable();
        if lines.peek().is_none() {
            return false;
        }
        lines.all(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.first() == Some(&"-DOCSTART-") || (f.len() >= 2 && is_tag(f[f.len() - 1]))
        })
    }
}

fn is_tag(tag: &str) -> bool {
    tag == "O" || tag.split_once('-').is_some_and(|(p, l)| matches!(p, "B" | "I" | "E" | "S" | "L" | "U") && !l.is_empty())
}

/// Decodes tags leniently: an entity starts at `B-`/`S-`/`U-`, or at `I-`/`E-`/`L-`
/// when the previous token is not inside the same type; it ends at `E-`/`S-`/`L-`/`U-`
/// or where the next tag does not continue it. Returns `(first, last, type)`.
pub fn decode_tags(tags: &[&str]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (i, tag) in tags.iter().enumerate() {
        let (prefix, label) = tag.split_once('-').unwrap_or((tag, ""));
        let continues = matches!(prefix, "I" | "E" | "L") && open.as_ref().is_some_and(|(_, l)| l == label);
        if !continues {
            if let Some((s, l)) = open.take() {
                out.push((s, i - 1, l));
            }
            if matches!(prefix, "B" | "I" | "E" | "S" | "L" | "U") && !label.is_empty() {
                open = Some((i, label.to_owned()));
            }
        }
        if matches!(prefix, "E" | "S" | "L" | "U") {
            if let Some((s, l)) = open.take() {
                out.push((s, i, l));
            }
        }
    }
    if let Some((s, l)) = open {
        out.push((s, tags.len() - 1, l));
    }
    out
}

fn build_document(name: String, sentences: &[Vec<(String, String)>], original: Option<(&InputFile, &str)>, diagnostics: &mut Vec<Diagnostic>) -> DocIn {
    let tokens: Vec<&str> = sentences.iter().flatten().map(|(t, _)| t.as_str()).collect();
    let tags: Vec<&str> = sentences.iter().flatten().map(|(_, t)| t.as_str()).collect();
    // Where each token lies: in the original text if every token is found in order
    // with only whitespace skipped, otherwise in a text rebuilt from the tokens.
    let aligned = original.and_then(|(file, text)| {
        let mut at = 0;
        let mut places = Vec::with_capacity(tokens.len());
        for (i, tok) in tokens.iter().enumerate() {
            let skipped = text[at..].len() - text[at..].trim_start().len();
            let s = at + skipped;
            if !text[s..].starts_with(tok) {
                diagnostics.push(Diagnostic::new(Severity::Warning, "conll-unaligned", Some(&file.name), None, format!("token {} {:?} is not the next word of {} (found {:?}), so {name} was rebuilt from its tokens instead", i + 1, tok, file.name, text[s..].chars().take(12).collect::<String>())));
                return None;
            }
            places.push((s, s + tok.len()));
            at = s + tok.len();
        }
        Some((file.base_name().to_owned(), text.to_owned(), places))
    });
    let (name, text, places) = aligned.unwrap_or_else(|| {
        let mut text = String::new();
        let mut places = Vec::with_capacity(tokens.len());
        for (k, sentence) in sentences.iter().filter(|s| !s.is_empty()).enumerate() {
            if k > 0 {
                text.push('\n');
            }
            for (j, (tok, _)) in sentence.iter().enumerate() {
                if j > 0 {
                    text.push(' ');
                }
                places.push((text.len(), text.len() + tok.len()));
                text.push_str(tok);
            }
        }
        (name, text, places)
    });
    // Entities never cross sentences: decode each sentence on its own.
    let mut spans = Vec::new();
    let mut base = 0;
    for sentence in sentences {
        for (first, last, label) in decode_tags(&tags[base..base + sentence.len()]) {
            spans.push(SpanIn {
                id: Some(format!("c{}", spans.len() + 1)),
                start: places[base + first].0 as i64,
                end: places[base + last].1 as i64,
                label,
                ..SpanIn::default()
            });
        }
        base += sentence.len();
    }
    DocIn { file_ref: name.clone(), target: Target::New { id: None, name, text }, unit: Unit::Byte, spans }
}
