//! CoNLL 2003 style tags (docs/formats/conll.md): one `token TAG` per line, a blank
//! line between sentences, `-DOCSTART- O` before each document, in IOB2 (default),
//! IOB1 or BIOES. Tokens are UAX #29 words without whitespace; sentences end at
//! UAX #29 sentence boundaries and line breaks, but not after the period of an
//! abbreviation, a title or an initial ("Mr.", "U.S.", "Thomas E. Meador").
//!
//! Export keeps what token tags can hold and reports the rest (overlapping and
//! nested spans, spans that do not start and end on token boundaries, spans across
//! sentences). Import rebuilds character offsets against the original text when a
//! `.txt` is given with the file, and otherwise joins the tokens with spaces. It
//! reads the tag column it is asked for or the last one that holds IOB-like tags
//! (flair's and CoNLL 2003's extra columns), spaCy's sentence-per-line
//! `word|POS|TAG`, and a `.txt` whose every line is a token and its tag.

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

/// Abbreviations (without their final period, lower case) after which a period does
/// not end a sentence: titles, name suffixes, company forms, months and the like, as
/// English news writes them.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "messrs", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm", "maj", "gov", "sen", "rep", "rev", "st", "jr", "sr",
    "hon", "pres", "supt", "det", "insp", "fr", "sec", "atty", "inc", "corp", "co", "ltd", "bros", "dept", "univ", "assn", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thurs", "fri", "sat", "sun", "no", "nos", "vs",
    "etc", "approx", "est", "ft", "mt", "ave", "blvd", "rd", "u.s", "u.k", "u.n", "e.g", "i.e", "a.m", "p.m",
];

/// Whether the word before a period (the period not included) is an abbreviation
/// whose period does not end a sentence: one in [`ABBREVIATIONS`], a single capital
/// letter (a middle initial, "E."), or letters joined by periods ("U.S", "N.Y").
fn is_abbreviation(word: &str) -> bool {
    let lower = word.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return true;
    }
    let mut chars = word.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_uppercase();
    }
    word.contains('.') && word.split('.').all(|part| (1..=2).contains(&part.chars().count()) && part.chars().all(char::is_alphabetic))
}

/// Whether a UAX #29 sentence boundary at byte `at` of `text` only follows the period
/// of an abbreviation, a title or an initial ("Mr.", "Thomas E. Meador", "U.S."), so
/// that it is not a sentence boundary after all.
fn after_abbreviation(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end();
    let Some(body) = before.strip_suffix('.') else { return false };
    // The word the period ends: back to whitespace, without opening brackets or quotes.
    let word = body.rsplit(char::is_whitespace).next().unwrap_or(body);
    let word = word.trim_start_matches(|c: char| !c.is_alphanumeric());
    !word.is_empty() && is_abbreviation(word)
}

/// The tokens of a text: UAX #29 words that are not whitespace, with sentence starts
/// at UAX #29 sentence boundaries and after line breaks. A boundary after the period of
/// an abbreviation, a title or an initial ("Mr.", "Dr.", "U.S.", "Thomas E. Meador",
/// "Jan. 5") is not a sentence start, so that no name is cut in two. Offsets are UTF-8
/// bytes of `text`.
pub fn tokenize(text: &str) -> Vec<Token> {
    let sentence_starts: Vec<usize> = text.split_sentence_bound_indices().map(|(i, _)| i).filter(|&i| !after_abbreviation(text, i)).collect();
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

/// Why token tags cannot hold a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unfit {
    /// It does not start and end on token boundaries.
    Subtoken,
    /// It overlaps or nests in the span at this index (of those given), which was kept.
    Overlap(usize),
    /// It crosses a sentence boundary.
    CrossesSentence,
}

/// Which tokens each span covers when written as one tag per token: `(first, last)`
/// token, or why it cannot be. `spans` are `(start_byte, end_byte)` in position order
/// (start ascending, the longer first), so a nested span loses to its container. The
/// CoNLL export and the agreement's token tags both follow this one rule.
pub(crate) fn fit_to_tokens(tokens: &[Token], spans: &[(usize, usize)]) -> Vec<Result<(usize, usize), Unfit>> {
    let by_start: std::collections::HashMap<usize, usize> = tokens.iter().enumerate().map(|(i, t)| (t.start_byte, i)).collect();
    let by_end: std::collections::HashMap<usize, usize> = tokens.iter().enumerate().map(|(i, t)| (t.end_byte, i)).collect();
    let mut out = Vec::with_capacity(spans.len());
    // The spans kept so far: (last token, index in `spans`).
    let mut kept: Vec<(usize, usize)> = Vec::new();
    for (i, &(start_byte, end_byte)) in spans.iter().enumerate() {
        let (Some(&first), Some(&last)) = (by_start.get(&start_byte), by_end.get(&end_byte)) else {
            out.push(Err(Unfit::Subtoken));
            continue;
        };
        // A reversed span ends before it starts: no run of tokens holds it.
        if first > last {
            out.push(Err(Unfit::Subtoken));
            continue;
        }
        if kept.last().is_some_and(|&(p, _)| first <= p) {
            let holder = kept.iter().rev().find(|k| k.0 >= first).map_or(i, |k| k.1);
            out.push(Err(Unfit::Overlap(holder)));
            continue;
        }
        if tokens[first + 1..=last].iter().any(|t| t.sentence_start) {
            out.push(Err(Unfit::CrossesSentence));
            continue;
        }
        kept.push((last, i));
        out.push(Ok((first, last)));
    }
    out
}

/// The annotations that token tags can hold, in order, with a loss diagnostic for
/// every other one. Each kept span is `(first token, last token, label)`.
fn representable<'a>(doc: &'a Document, tokens: &[Token], losses: &mut Vec<Diagnostic>) -> Vec<(usize, usize, &'a Annotation)> {
    let annotations: Vec<&Annotation> = doc.annotations().iter().collect();
    let spans: Vec<(usize, usize)> = annotations.iter().map(|a| (a.start_byte, a.end_byte)).collect();
    let mut kept: Vec<(usize, usize, &Annotation)> = Vec::new();
    for (fit, a) in fit_to_tokens(tokens, &spans).into_iter().zip(&annotations) {
        let (code, why) = match fit {
            Ok((first, last)) => {
                kept.push((first, last, a));
                continue;
            }
            Err(Unfit::Subtoken) => ("conll-subtoken", "it does not start and end on token boundaries".to_owned()),
            Err(Unfit::Overlap(h)) => {
                let holder = annotations[h];
                ("conll-overlap", format!("it overlaps or is nested in {} “{}”, and a token has one tag", holder.label, crate::report::short(holder.quote(doc.text()), 60)))
            }
            Err(Unfit::CrossesSentence) => ("conll-crosses-sentence", "it crosses a sentence boundary".to_owned()),
        };
        losses.push(Diagnostic::new(Severity::Error, code, Some(doc.id()), Some(&a.id), format!("{} “{}” is not in the CoNLL file: {why}", a.label, a.quote(doc.text()))));
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
        for doc in docs {
            super::relation_losses(Format::Conll, doc, super::RelationCarry::NONE, &|_| false, &mut losses);
        }
        Export { file: ExportFile { name, mime: "text/plain", bytes: out.into_bytes() }, losses, annotations_written: written, relations_written: 0 }
    }

    fn read(files: &[InputFile], options: &ImportOptions) -> Result<Interchange, ImportError> {
        let mut out = Interchange::new(Self::FORMAT);
        let mut tag_files: Vec<&InputFile> = files.iter().filter(|f| is_tag_file(f)).collect();
        if tag_files.is_empty() && options.format == Some(Format::Conll) {
            // Asked to read CoNLL from .txt files only: read them all as tags, so that
            // the lines that are not say so.
            tag_files = files.iter().collect();
        }
        if tag_files.is_empty() {
            let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
            return Err(ImportError::Malformed {
                format: "CoNLL",
                message: format!("none of {} has one token per line with a tag column (a .txt is read as CoNLL only when every non-blank line is `token … TAG`)", names.join(", ")),
            });
        }
        let mut texts: Vec<&InputFile> = files.iter().filter(|f| !tag_files.iter().any(|t| std::ptr::eq(*t, *f))).collect();
        texts.sort_by(|a, b| a.name.cmp(&b.name));
        let mut docs: Vec<(String, Sentences)> = Vec::new();
        for file in tag_files {
            let text = file.text()?;
            let layout = read_layout(text, options.tag_column);
            let any_tag = layout.rows.iter().any(|r| matches!(r, Row::Fields(_, f) if f.len() >= 2 && f.last().is_some_and(|t| is_tag(t))));
            if layout.column.is_none() && !any_tag {
                return Err(ImportError::Malformed {
                    format: "CoNLL",
                    message: format!("{} has no column of IOB-like tags (O, B-X, I-X, E-X, S-X, L-X, U-X): CoNLL is one token and its tag a line", file.name),
                });
            }
            let mut tagged_lines = 0usize;
            let mut current: Option<(String, Sentences)> = None;
            let mut read_tags: Vec<String> = Vec::new();
            for row in &layout.rows {
                let (n, fields) = match row {
                    Row::DocStart => {
                        docs.extend(current.take());
                        current = Some((format!("{} document {}", file.stem(), docs.len() + 1), vec![Vec::new()]));
                        continue;
                    }
                    Row::Break => {
                        if let Some(doc) = current.as_mut() {
                            if doc.1.last().is_some_and(|s| !s.is_empty()) {
                                doc.1.push(Vec::new());
                            }
                        }
                        continue;
                    }
                    Row::Fields(n, fields) => (*n, fields),
                };
                let doc = current.get_or_insert_with(|| (format!("{} document {}", file.stem(), docs.len() + 1), vec![Vec::new()]));
                let tag = match layout.column {
                    Some(c) => fields.get(c).copied(),
                    None if fields.len() >= 2 => fields.last().copied(),
                    None => None,
                };
                match (fields.first(), tag) {
                    (Some(token), Some(tag)) if fields.len() >= 2 => {
                        tagged_lines += 1;
                        read_tags.push(tag.to_owned());
                        doc.1.last_mut().expect("a sentence is always open").push(((*token).to_owned(), tag.to_owned()));
                    }
                    _ => {
                        let why = match layout.column {
                            Some(c) if fields.len() >= 2 => format!("has {} column(s), so no tag in column {}", fields.len(), c + 1),
                            _ => "has a token but no tag".to_owned(),
                        };
                        out.diagnostics.push(Diagnostic::new(Severity::Error, "bad-line", Some(&file.name), Some(&format!("line {}", n + 1)), format!("{:?} {why}, so it was left out", fields.join(" "))));
                    }
                }
            }
            docs.extend(current.take());
            if tagged_lines == 0 {
                return Err(ImportError::Malformed { format: "CoNLL", message: format!("{} has no line with a token and a tag", file.name) });
            }
            let tags: Vec<&str> = read_tags.iter().map(String::as_str).collect();
            out.diagnostics.push(Diagnostic::new(Severity::Info, "conll-columns", Some(&file.name), None, layout.describe(scheme_of(&tags))));
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
        looks_like_conll(&file.bytes, false)
    }
}

/// The largest start of a file that sniffing reads, in bytes.
const SNIFF_BYTES: usize = 64 * 1024;

/// Whether a file holds CoNLL tags: any file that is not a `.txt`, and a `.txt` whose
/// every non-blank line is `token … TAG` (with one column of IOB-like tags on every
/// line: `O`, `B-X`, `I-X`, `E-X`, `S-X`, `L-X`, `U-X`) or spaCy's sentence-per-line
/// `word|POS|TAG`, with at least two tagged tokens or one entity tag. Such a `.txt`
/// (a `train.txt`, a `dev.txt`) is an annotation file, not a document.
pub(crate) fn is_tag_file(file: &InputFile) -> bool {
    file.extension() != "txt" || looks_like_conll(&file.bytes, true)
}

/// Whether the start of these bytes is CoNLL tags: every complete non-blank line of
/// the first [`SNIFF_BYTES`] is a document start, a comment or a tagged token (in one
/// tag column common to all lines), or every line is spaCy's `word|POS|TAG` form.
/// `strict` also asks for at least two tagged tokens or one entity tag.
fn looks_like_conll(bytes: &[u8], strict: bool) -> bool {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        Err(e) if e.valid_up_to() > 0 && bytes.len() > SNIFF_BYTES => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or(""),
        Err(_) => return false,
    };
    let text = text.trim_start_matches('\u{feff}');
    // A line cut by the sniffing limit is not judged.
    let text = if bytes.len() > SNIFF_BYTES { text.rsplit_once('\n').map_or(text, |(whole, _)| whole) } else { text };
    let layout = read_layout(text, None);
    let Some(column) = layout.column else { return false };
    let mut tagged = 0usize;
    let mut entity = false;
    for row in &layout.rows {
        if let Row::Fields(_, fields) = row {
            match fields.get(column) {
                Some(tag) if fields.len() >= 2 => {
                    tagged += 1;
                    entity |= *tag != "O";
                }
                _ => return false,
            }
        }
    }
    tagged > 0 && (!strict || tagged >= 2 || entity)
}

/// One line of a tag file, as read.
enum Row<'a> {
    /// `-DOCSTART-`: a new document begins.
    DocStart,
    /// A blank line: a new sentence begins.
    Break,
    /// A token's fields, with the number of its line counted from 0.
    Fields(usize, Vec<&'a str>),
}

/// The columns of a CoNLL file, for the analyst to choose the tag column from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnChoice {
    /// How many columns its token lines have (the token is column 0).
    pub columns: usize,
    /// The column the tags are read from, when one holds tags on every line.
    pub column: Option<usize>,
    /// Every column that holds IOB-like tags on every line.
    pub tag_columns: Vec<usize>,
}

/// The columns of the first CoNLL file among `files`, read as `wanted` asks (the tag
/// column counted from 0, or `None` for the default choice).
pub fn column_choice(files: &[InputFile], wanted: Option<usize>) -> Option<ColumnChoice> {
    let file = files.iter().find(|f| is_tag_file(f) && Conll::sniff(f))?;
    let text = file.text().ok()?;
    let layout = read_layout(text, wanted);
    let mut tag_columns = layout.other_columns.clone();
    tag_columns.extend(layout.column);
    tag_columns.sort_unstable();
    tag_columns.dedup();
    Some(ColumnChoice { columns: layout.columns, column: layout.column, tag_columns })
}

/// How a tag file is laid out: its rows, the column the tags are read from, and why.
struct Layout<'a> {
    rows: Vec<Row<'a>>,
    /// The tag column (counted from 0, the token being column 0), or `None` when no
    /// column holds tags on every line, so that each line's last field is read.
    column: Option<usize>,
    /// The number of columns of the shortest token line.
    columns: usize,
    /// Other columns that hold tags on every line.
    other_columns: Vec<usize>,
    /// Whether this is spaCy's sentence-per-line `word|POS|TAG` form.
    spacy: bool,
    /// Whether the column was given in the options.
    chosen: bool,
}

impl Layout<'_> {
    /// Says which column and which scheme were read.
    fn describe(&self, scheme: &str) -> String {
        let other = match self.other_columns.as_slice() {
            [] => String::new(),
            cols => format!("; column(s) {} also hold IOB-like tags (the option tag_column reads another)", cols.iter().map(|c| (c + 1).to_string()).collect::<Vec<_>>().join(", ")),
        };
        let how = if self.chosen { "as asked" } else { "the last column that holds IOB-like tags on every line" };
        match (self.spacy, self.column) {
            (true, Some(c)) => format!("read as spaCy's sentence-per-line IOB (word|POS|TAG, one sentence a line): tags from part {} of {} of each token ({how}), in {scheme}{other}", c + 1, self.columns),
            (false, Some(c)) => format!("tokens read from column 1 and tags from column {} of {} ({how}), in {scheme}{other}", c + 1, self.columns),
            (_, None) => format!("no column holds IOB-like tags on every line, so each line's last column was read as its tag, in {scheme}"),
        }
    }
}

/// Splits a tag file into rows and chooses its tag column: `wanted` (counted from 0,
/// the token being column 0) when given, otherwise the last column that holds an
/// IOB-like tag on every token line.
fn read_layout(text: &str, wanted: Option<usize>) -> Layout<'_> {
    let lines: Vec<(usize, &str)> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).enumerate().collect();
    let content = lines.iter().map(|(_, l)| *l).filter(|l| !l.trim().is_empty());
    // spaCy's form: every token of every line is `word|…|TAG`.
    let spacy = content.clone().take(20).count() > 0
        && content.clone().take(20).all(|l| l.split_whitespace().all(|t| t.contains('|') && t.rsplit('|').next().is_some_and(is_tag)));
    let mut rows = Vec::new();
    for (n, line) in lines {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if spacy {
            for token in &fields {
                rows.push(Row::Fields(n, token.split('|').collect()));
            }
            rows.push(Row::Break);
            continue;
        }
        match fields.first() {
            None => rows.push(Row::Break),
            Some(&"-DOCSTART-") => rows.push(Row::DocStart),
            Some(first) if first.starts_with('#') && fields.len() != 2 => {}
            Some(_) => rows.push(Row::Fields(n, fields)),
        }
    }
    let token_rows = || rows.iter().filter_map(|r| if let Row::Fields(_, f) = r { Some(f) } else { None });
    let columns = token_rows().map(Vec::len).min().unwrap_or(0);
    let candidates: Vec<usize> = (1..columns).filter(|&c| token_rows().all(|f| is_tag(f[c]))).collect();
    let (column, chosen) = match wanted {
        Some(c) => (Some(c), true),
        None => (candidates.last().copied(), false),
    };
    let other_columns = candidates.into_iter().filter(|&c| Some(c) != column).collect();
    Layout { rows, column, columns, other_columns, spacy, chosen }
}

/// The tagging scheme tags are in: `"BIOES"` (`E-`/`S-`), `"BILOU"` (`L-`/`U-`),
/// `"IOB1"` (an entity begins with `I-`), `"IOB2"`, or `"no entity tags"`.
fn scheme_of(tags: &[&str]) -> &'static str {
    fn prefix(t: &str) -> &str {
        t.split_once('-').map_or("", |(p, _)| p)
    }
    if tags.iter().any(|t| matches!(prefix(t), "E" | "S")) {
        return "BIOES";
    }
    if tags.iter().any(|t| matches!(prefix(t), "L" | "U")) {
        return "BILOU";
    }
    if tags.iter().all(|t| *t == "O" || prefix(t).is_empty()) {
        return "no entity tags";
    }
    let opens_with_i = tags.iter().enumerate().any(|(i, t)| {
        let Some(("I", label)) = t.split_once('-') else { return false };
        let prev = if i == 0 { "O" } else { tags[i - 1] };
        prev.split_once('-').is_none_or(|(_, l)| l != label)
    });
    if opens_with_i { "IOB1" } else { "IOB2" }
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
    DocIn { file_ref: name.clone(), target: Target::New { id: None, name, text }, unit: Unit::Byte, spans, relations: Vec::new() }
}
