//! The export handle: one exported file held in wasm memory, downloaded from there,
//! with the loss report beside it. JS frees it when done.

use spanmark_core::{short, Diagnostic, Export, Workspace};
use wasm_bindgen::prelude::*;

use crate::files;
use crate::js::{to_js, DiagnosticsJs};

/// One exported file, with what the format could not carry.
#[wasm_bindgen]
pub struct ExportResult {
    export: Export,
}

impl ExportResult {
    /// Holds `export`, with its loss report speaking the analyst's words: each document
    /// named by its title, each annotation by its label and quote, never by an id.
    pub(crate) fn new(mut export: Export, ws: &Workspace) -> Self {
        for loss in &mut export.losses {
            let Some(doc) = loss.document.as_deref().and_then(|id| ws.document(id).ok()) else { continue };
            loss.annotation = loss.annotation.as_deref().and_then(|id| doc.annotations().get(id)).map(|a| format!("{} “{}”", a.label, short(a.quote(doc.text()), 60)));
            loss.document = Some(format!("“{}”", doc.shown_title()));
        }
        ExportResult { export }
    }

    /// The file's bytes, exactly as the download holds them.
    pub fn bytes(&self) -> &[u8] {
        &self.export.file.bytes
    }

    /// The diagnostics of the loss report.
    pub fn loss_diagnostics(&self) -> &[Diagnostic] {
        &self.export.losses
    }
}

#[wasm_bindgen]
impl ExportResult {
    /// A file name for the download.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.export.file.name.clone()
    }

    /// The file's media type.
    #[wasm_bindgen(getter)]
    pub fn mime(&self) -> String {
        self.export.file.mime.to_owned()
    }

    /// The file's size in bytes.
    #[wasm_bindgen(getter, js_name = byteLength)]
    pub fn byte_length(&self) -> usize {
        self.export.file.bytes.len()
    }

    /// How many annotations the file holds.
    #[wasm_bindgen(getter, js_name = annotationsWritten)]
    pub fn annotations_written(&self) -> usize {
        self.export.annotations_written
    }

    /// The loss report, summarised: `{diagnosticCount, summary: [{severity, code, count,
    /// example}], diagnostics}` with the first page of the annotations (or parts of
    /// them) that the file does not carry; `lossesPage` gives the rest.
    #[wasm_bindgen(getter)]
    pub fn losses(&self) -> Result<JsValue, JsError> {
        to_js(&DiagnosticsJs::new(&self.export.losses))
    }

    /// `count` entries of the loss report from position `skip` on, in reading order.
    #[wasm_bindgen(js_name = lossesPage)]
    pub fn losses_page(&self, skip: usize, count: usize) -> Result<JsValue, JsError> {
        to_js(&crate::js::page(&self.export.losses, skip, count))
    }

    /// How many annotations are not in the file at all.
    #[wasm_bindgen(getter, js_name = annotationsLeftOut)]
    pub fn annotations_left_out(&self) -> usize {
        self.export.annotations_left_out()
    }

    /// Whether the analyst should read the loss report: something was left out or
    /// written differently (notes alone need no review).
    #[wasm_bindgen(getter, js_name = needsReview)]
    pub fn needs_review(&self) -> bool {
        self.export.needs_review()
    }

    /// The file as a `Blob`, made straight from the bytes in wasm memory.
    pub fn blob(&self) -> Result<web_sys::Blob, JsError> {
        files::blob_of(&self.export.file.bytes, self.export.file.mime)
    }

    /// Offers the file to the analyst as a download, from wasm memory.
    pub fn download(&self) -> Result<(), JsError> {
        files::download(&self.export.file.name, &self.export.file.bytes, self.export.file.mime)
    }
}
