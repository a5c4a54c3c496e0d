//! Gazetteers: lists of names with their labels (and optional entity ids), read from TSV.
//!
//! The format, one entry a line: `text<TAB>label[<TAB>entity id]`. Lines that start with
//! `#` are comments; blank lines are skipped; a line ending is LF or CRLF; a leading
//! byte-order mark is ignored. Fields are trimmed of surrounding spaces. A line that
//! cannot be read is left out and reported with its line number (counted from 1); the
//! rest of the file is still read.

/// The largest gazetteer file accepted, in UTF-8 bytes.
pub const MAX_GAZETTEER_BYTES: usize = 8 * 1024 * 1024;
/// The most entries a gazetteer may hold; later lines are reported and left out.
pub const MAX_GAZETTEER_ENTRIES: usize = 200_000;
/// The longest entry text, in UTF-8 bytes.
pub const MAX_GAZETTEER_TEXT_BYTES: usize = 512;

/// One entry: a name, the label it proposes, and the entity it names if known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GazetteerEntry {
    /// The name to find, exactly (or case-folded when suggestions ignore case).
    pub text: String,
    /// The label id it proposes.
    pub label: String,
    /// The entity's id (such as a Wikidata QID), if the line gives one.
    pub entity: Option<String>,
}

/// A parsed gazetteer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Gazetteer {
    entries: Vec<GazetteerEntry>,
}

impl Gazetteer {
    /// A gazetteer of these entries (no checks: the parser's rules are for files).
    pub fn from_entries(entries: Vec<GazetteerEntry>) -> Self {
        Gazetteer { entries }
    }

    /// Its entries, in file order.
    pub fn entries(&self) -> &[GazetteerEntry] {
        &self.entries
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// What is wrong with one line of a gazetteer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GazetteerProblem {
    /// The line has no tab, so no label.
    #[error("no label: a line is the text, a tab, the label and optionally a tab and an entity id")]
    MissingLabel,
    /// The text field is empty.
    #[error("the text is empty")]
    EmptyText,
    /// The label field is empty.
    #[error("the label is empty")]
    EmptyLabel,
    /// The line has more than three fields.
    #[error("{columns} tab-separated fields; a line has at most three (text, label, entity id)")]
    TooManyColumns {
        /// How many fields the line has.
        columns: usize,
    },
    /// The text is longer than [`MAX_GAZETTEER_TEXT_BYTES`].
    #[error("the text is {len_bytes} bytes long; the longest entry is {max_bytes} bytes")]
    TextTooLong {
        /// The text's length in UTF-8 bytes.
        len_bytes: usize,
        /// The limit in UTF-8 bytes.
        max_bytes: usize,
    },
    /// The same text and label appeared on an earlier line; the earlier one is kept.
    #[error("the same text and label as line {first_line}; that line is kept")]
    Duplicate {
        /// The line that is kept (counted from 1).
        first_line: usize,
    },
    /// The gazetteer already holds [`MAX_GAZETTEER_ENTRIES`]; this line and the rest are left out.
    #[error("the gazetteer already holds {max} entries; this line and the ones after it are left out")]
    TooManyEntries {
        /// The limit.
        max: usize,
    },
}

/// A line that was left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GazetteerDiagnostic {
    /// The line's number, counted from 1.
    pub line: usize,
    /// What is wrong with it.
    pub problem: GazetteerProblem,
}

/// Why a gazetteer file was refused whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GazetteerError {
    /// The file is larger than [`MAX_GAZETTEER_BYTES`].
    #[error("the gazetteer is {len_bytes} bytes long; the largest Spanmark reads is {max_bytes} bytes")]
    TooLarge {
        /// The file's length in bytes.
        len_bytes: usize,
        /// The limit in bytes.
        max_bytes: usize,
    },
}

/// Reads a gazetteer from TSV: the entries it could read, and a diagnostic for each line
/// it left out. Only a file over the size limit is refused whole.
pub fn parse_gazetteer(tsv: &str) -> Result<(Gazetteer, Vec<GazetteerDiagnostic>), GazetteerError> {
    if tsv.len() > MAX_GAZETTEER_BYTES {
        return Err(GazetteerError::TooLarge { len_bytes: tsv.len(), max_bytes: MAX_GAZETTEER_BYTES });
    }
    let tsv = tsv.strip_prefix('\u{feff}').unwrap_or(tsv);
    let mut entries = Vec::new();
    let mut diagnostics = Vec::new();
    let mut seen: std::collections::HashMap<(String, String), usize> = std::collections::HashMap::new();
    for (i, raw) in tsv.split('\n').enumerate() {
        let line = i + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        if entries.len() == MAX_GAZETTEER_ENTRIES {
            diagnostics.push(GazetteerDiagnostic { line, problem: GazetteerProblem::TooManyEntries { max: MAX_GAZETTEER_ENTRIES } });
            break;
        }
        match read_line(raw) {
            Ok(entry) => {
                let key = (entry.text.clone(), entry.label.clone());
                if let Some(&first_line) = seen.get(&key) {
                    diagnostics.push(GazetteerDiagnostic { line, problem: GazetteerProblem::Duplicate { first_line } });
                } else {
                    seen.insert(key, line);
                    entries.push(entry);
                }
            }
            Err(problem) => diagnostics.push(GazetteerDiagnostic { line, problem }),
        }
    }
    Ok((Gazetteer { entries }, diagnostics))
}

fn read_line(raw: &str) -> Result<GazetteerEntry, GazetteerProblem> {
    let fields: Vec<&str> = raw.split('\t').map(str::trim).collect();
    if fields.len() > 3 {
        return Err(GazetteerProblem::TooManyColumns { columns: fields.len() });
    }
    let (text, label) = match fields.as_slice() {
        [_] => return Err(GazetteerProblem::MissingLabel),
        [text, label, ..] => (*text, *label),
        [] => return Err(GazetteerProblem::EmptyText),
    };
    if text.is_empty() {
        return Err(GazetteerProblem::EmptyText);
    }
    if label.is_empty() {
        return Err(GazetteerProblem::EmptyLabel);
    }
    if text.len() > MAX_GAZETTEER_TEXT_BYTES {
        return Err(GazetteerProblem::TextTooLong { len_bytes: text.len(), max_bytes: MAX_GAZETTEER_TEXT_BYTES });
    }
    let entity = fields.get(2).filter(|e| !e.is_empty()).map(|e| (*e).to_owned());
    Ok(GazetteerEntry { text: text.to_owned(), label: label.to_owned(), entity })
}
