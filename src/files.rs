//! The browser's file I/O, in Rust: reading the `File`s the analyst chose into wasm
//! memory (gloo-file), and handing an export to the browser as a download (a
//! `web_sys::Blob` made from the bytes, served through gloo-file's object URL, clicked
//! from Rust and revoked later with gloo-timers). JS never decodes or copies the bytes.

use gloo_file::futures::read_as_bytes;
use gloo_file::ObjectUrl;
use gloo_timers::callback::Timeout;
use js_sys::{Array, Uint8Array};
use spanmark_core::{FileRefusal, InputFile};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, File, HtmlAnchorElement};

/// How long an object URL of a download stays valid: long enough for the browser to
/// start the download, short enough not to hold the bytes all session.
const REVOKE_AFTER_MS: u32 = 10_000;

/// Files read into wasm memory, and the ones refused before reading (too large).
/// Hand it to `Spanmark.intake`, which takes it over.
#[wasm_bindgen]
#[derive(Default)]
pub struct FileSet {
    pub(crate) files: Vec<InputFile>,
    pub(crate) refused: Vec<FileRefusal>,
}

#[wasm_bindgen]
impl FileSet {
    /// How many files were read.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.files.len()
    }
}

impl FileSet {
    /// A set of files already in memory (for tests and tools).
    pub fn from_files(files: Vec<InputFile>) -> Self {
        FileSet { files, refused: Vec::new() }
    }
}

fn js_error(context: &str, value: JsValue) -> JsError {
    let detail = value.as_string().or_else(|| value.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message()))).unwrap_or_else(|| format!("{value:?}"));
    JsError::new(&format!("{context}: {detail}"))
}

/// Reads `files` (an array or `FileList` of `File`s) into wasm memory. A file larger
/// than its kind may be is refused before any byte of it is read.
#[wasm_bindgen(js_name = readFiles)]
pub async fn read_files(files: JsValue) -> Result<FileSet, JsError> {
    let list = Array::from(&files);
    let mut set = FileSet::default();
    for value in list.iter() {
        let file: File = value.dyn_into().map_err(|v| js_error("readFiles takes File objects", v))?;
        let name = file.name();
        if let Err(refusal) = FileRefusal::check_size(&name, file.size() as u64) {
            set.refused.push(refusal);
            continue;
        }
        let bytes = read_as_bytes(&gloo_file::Blob::from(Blob::from(file)))
            .await
            .map_err(|e| JsError::new(&format!("{name} could not be read: {e}")))?;
        set.files.push(InputFile::new(name, bytes));
    }
    Ok(set)
}

/// A `Blob` holding exactly `bytes`, of media type `mime`.
pub fn blob_of(bytes: &[u8], mime: &str) -> Result<Blob, JsError> {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    // A view of the bytes in wasm memory; the Blob copies them once, into the browser's store.
    let parts = Array::of1(&Uint8Array::from(bytes));
    Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(|e| js_error("the download could not be prepared", e))
}

/// Offers `bytes` to the analyst as a download named `name`.
pub fn download(name: &str, bytes: &[u8], mime: &str) -> Result<(), JsError> {
    let blob = blob_of(bytes, mime)?;
    let url = ObjectUrl::from(gloo_file::Blob::from(blob));
    let document = web_sys::window().and_then(|w| w.document()).ok_or_else(|| JsError::new("there is no document to download from"))?;
    let anchor: HtmlAnchorElement =
        document.create_element("a").map_err(|e| js_error("the download link could not be made", e))?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    let body = document.body().ok_or_else(|| JsError::new("the page has no body"))?;
    body.append_child(&anchor).map_err(|e| js_error("the download link could not be placed", e))?;
    anchor.click();
    anchor.remove();
    Timeout::new(REVOKE_AFTER_MS, move || drop(url)).forget();
    Ok(())
}
