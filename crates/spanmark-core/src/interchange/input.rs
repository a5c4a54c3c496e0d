//! The files an import is given: their names and bytes, read as strict UTF-8; the
//! limits on them; and the one rule that decides which files are documents of their
//! own and which are annotation files (and which `.txt` files go with them).

use super::{detect_format, Format};
use crate::document::Document;
use crate::report::ImportError;

/// The largest document (a `.txt` or `.html` file, or a document inside an
/// annotation file) Spanmark opens, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

/// The largest annotation file (an export or a backup of many documents) Spanmark
/// reads, in bytes: room for the largest document with the most annotations a document
/// holds (a canonical file of 1,000,000 annotations on 10 MB of text is about 90 MB).
pub const MAX_DATA_FILE_BYTES: usize = 128 * 1024 * 1024;

/// Extensions of files that are documents of their own unless an annotation format
/// reads them as its texts.
const DOCUMENT_EXTENSIONS: [&str; 3] = ["txt", "htm", "html"];

/// Extensions that only annotation files have: such a file is never opened as a
/// document, even when its content is in no format Spanmark reads.
const ANNOTATION_EXTENSIONS: [&str; 8] = ["json", "jsonl", "jsonld", "ann", "zip", "conll", "conllu", "iob"];

/// Why a file was refused before anything was read from it. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileRefusal {
    /// The file is larger than files of its kind may be.
    #[error("{name} is {size_mb:.1} MB; Spanmark opens {what} up to {limit_mb:.1} MB. Split it into smaller files.", size_mb = *size as f64 / 1048576.0, limit_mb = *limit as f64 / 1048576.0)]
    TooLarge {
        /// The file's name.
        name: String,
        /// Its size in bytes.
        size: u64,
        /// The limit for its kind, in bytes.
        limit: usize,
        /// What the limit is for ("documents", "annotation files").
        what: &'static str,
    },
    /// The bytes are not UTF-8.
    #[error("{name} is not UTF-8 text. Save it as UTF-8 and import it again.")]
    NotUtf8 {
        /// The file's name.
        name: String,
        /// The offset of the first byte that is not UTF-8.
        valid_up_to: usize,
    },
    /// The text holds NUL characters: it is binary data.
    #[error("{name} looks like binary data, not text.")]
    Binary {
        /// The file's name.
        name: String,
    },
}

impl FileRefusal {
    /// A stable id for the kind of refusal: `"too-large"`, `"not-utf8"` or `"binary"`.
    pub fn kind(&self) -> &'static str {
        match self {
            FileRefusal::TooLarge { .. } => "too-large",
            FileRefusal::NotUtf8 { .. } => "not-utf8",
            FileRefusal::Binary { .. } => "binary",
        }
    }

    /// Whether a file of this name and size may be read at all: the limit is the one
    /// of its kind as its name suggests (documents for `.txt` and `.html`, annotation
    /// files otherwise), checked before any byte is read.
    pub fn check_size(name: &str, size: u64) -> Result<(), FileRefusal> {
        let ext = extension(base_name(name));
        let (limit, what) = if DOCUMENT_EXTENSIONS.contains(&ext.as_str()) {
            (MAX_DOCUMENT_BYTES, "documents")
        } else if ext == "json" {
            (MAX_DATA_FILE_BYTES, "JSON files")
        } else {
            (MAX_DATA_FILE_BYTES, "such files")
        };
        if size > limit as u64 {
            return Err(FileRefusal::TooLarge { name: name.to_owned(), size, limit, what });
        }
        Ok(())
    }
}

/// How a file that is a document of its own becomes text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// Plain text, opened exactly as it is.
    Text,
    /// An HTML page: its visible text is the document.
    Html,
}

impl DocumentKind {
    /// The stable id: `"text"` or `"html"`.
    pub fn id(self) -> &'static str {
        match self {
            DocumentKind::Text => "text",
            DocumentKind::Html => "html",
        }
    }
}

/// What to do with a set of files the analyst chose or dropped, decided by their
/// content (and, where content cannot tell, their names).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Intake {
    /// The annotation files to stage as one import, as indices into the files given.
    pub annotation_files: Vec<usize>,
    /// The `.txt` files that go with them as their documents' texts.
    pub text_files: Vec<usize>,
    /// The format the annotation files look like, if they look like one.
    pub format: Option<Format>,
    /// The files to open as documents of their own, with how to read each.
    pub documents: Vec<(usize, DocumentKind)>,
}

/// Decides which files are annotation files and which are documents of their own.
///
/// Files named `.txt`, `.htm` or `.html` are documents unless the annotation files
/// beside them are in a format that reads `.txt` files as its texts (brat, CoNLL,
/// W3C). Other files are annotation files; when their content is in no format
/// Spanmark reads and none of them has an annotation file's extension (`.json`,
/// `.ann`, …), they are documents too (a `.md` or `.csv` note, say).
///
/// A `.txt` whose every non-blank line is a token and its tag (`token … TAG`, one
/// column of IOB-like tags on every line, or spaCy's `word|POS|TAG` sentence per line;
/// at least two tagged tokens or one entity tag) is a CoNLL annotation file, given
/// alone or with others: `train.txt`, `dev.txt`. Any other `.txt` beside it is its text.
pub fn plan_intake(files: &[InputFile]) -> Intake {
    let is_document_name = |f: &InputFile| DOCUMENT_EXTENSIONS.contains(&f.extension().as_str()) && !(f.extension() == "txt" && super::conll::is_tag_file(f));
    let data: Vec<usize> = (0..files.len()).filter(|&i| !is_document_name(&files[i])).collect();
    let named_documents: Vec<usize> = (0..files.len()).filter(|&i| is_document_name(&files[i])).collect();
    let kind = |i: usize| files[i].document_kind();
    if data.is_empty() {
        return Intake { documents: named_documents.into_iter().map(|i| (i, kind(i))).collect(), ..Intake::default() };
    }
    let format = detect_format(files).ok();
    let texts_go_along = match format {
        Some(f) => f.reads_text_files(),
        None => data.iter().any(|&i| ANNOTATION_EXTENSIONS.contains(&files[i].extension().as_str())),
    };
    if format.is_none() && !texts_go_along {
        // Nothing here is an annotation file: every file is a document.
        return Intake { documents: (0..files.len()).map(|i| (i, kind(i))).collect(), ..Intake::default() };
    }
    let mut text_files = Vec::new();
    let mut documents = Vec::new();
    for i in named_documents {
        if texts_go_along && files[i].extension() == "txt" {
            text_files.push(i);
        } else {
            documents.push((i, kind(i)));
        }
    }
    Intake { annotation_files: data, text_files, format, documents }
}

/// One file handed to an import.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// Its name (only the extension and stem are used).
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

impl InputFile {
    /// A file from a name and text.
    pub fn new(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        InputFile { name: name.into(), bytes: bytes.into() }
    }

    /// The file's name without any folder (`a/b.ann` → `b.ann`): the one rule for it.
    pub fn base_name(&self) -> &str {
        base_name(&self.name)
    }

    /// The extension, lower case, without the dot (`""` when there is none).
    pub fn extension(&self) -> String {
        extension(self.base_name())
    }

    /// The base name without its extension.
    pub fn stem(&self) -> &str {
        strip_extension(self.base_name())
    }

    /// Whether the file is an HTML page (by its name or its first tag) or plain text.
    pub fn document_kind(&self) -> DocumentKind {
        let ext = self.extension();
        let head = String::from_utf8_lossy(&self.bytes[..self.bytes.len().min(256)]).to_ascii_lowercase();
        let head = head.trim_start_matches('\u{feff}').trim_start();
        let html_tag = head.starts_with("<!doctype html") || head.strip_prefix("<html").is_some_and(|r| r.starts_with(|c: char| c == '>' || c.is_whitespace()));
        if ext == "htm" || ext == "html" || html_tag {
            DocumentKind::Html
        } else {
            DocumentKind::Text
        }
    }

    /// The text of a file that is a document of its own: at most [`MAX_DOCUMENT_BYTES`],
    /// strict UTF-8 (a byte order mark is dropped, as browsers do), and free of NUL.
    pub fn document_text(&self) -> Result<&str, FileRefusal> {
        let name = self.base_name().to_owned();
        if self.bytes.len() > MAX_DOCUMENT_BYTES {
            return Err(FileRefusal::TooLarge { name, size: self.bytes.len() as u64, limit: MAX_DOCUMENT_BYTES, what: "documents" });
        }
        let text = std::str::from_utf8(&self.bytes).map_err(|e| FileRefusal::NotUtf8 { name: name.clone(), valid_up_to: e.valid_up_to() })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Document::check_text(text).map_err(|_| FileRefusal::Binary { name })?;
        Ok(text)
    }

    /// Like [`InputFile::document_text`], but takes the bytes over as the text, without copying them.
    pub fn into_document_text(self) -> Result<String, FileRefusal> {
        let name = self.base_name().to_owned();
        if self.bytes.len() > MAX_DOCUMENT_BYTES {
            return Err(FileRefusal::TooLarge { name, size: self.bytes.len() as u64, limit: MAX_DOCUMENT_BYTES, what: "documents" });
        }
        // One pass checks the UTF-8 and makes the text, without a copy.
        let mut text = String::from_utf8(self.bytes).map_err(|e| FileRefusal::NotUtf8 { name: name.clone(), valid_up_to: e.utf8_error().valid_up_to() })?;
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        Document::check_text(&text).map_err(|_| FileRefusal::Binary { name })?;
        Ok(text)
    }

    /// The text of the file: strict UTF-8, without a byte order mark.
    pub(crate) fn text(&self) -> Result<&str, ImportError> {
        let text = self.exact_text()?;
        Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
    }

    /// The text of a document file, byte for byte: a byte order mark is part of it,
    /// as brat and Python's `utf-8` codec count it.
    pub(crate) fn exact_text(&self) -> Result<&str, ImportError> {
        std::str::from_utf8(&self.bytes).map_err(|e| {
            ImportError::Encoding(format!(
                "{} is not UTF-8: the bytes at offset {} are not valid UTF-8 (save it as UTF-8 and import it again)",
                self.name,
                e.valid_up_to()
            ))
        })
    }
}

/// A path's last component (`a/b.ann` → `b.ann`; both `/` and `\\` separate).
pub(crate) fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// A name without its extension (`b.ann` → `b`; a name without a dot stays as it is).
pub(crate) fn strip_extension(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(s, _)| s)
}

/// The extension of a name, lower case, without the dot (`""` when there is none).
fn extension(name: &str) -> String {
    name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default()
}
