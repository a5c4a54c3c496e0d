//! Spanmark's WebAssembly binding: a thin `#[wasm_bindgen]` facade over `spanmark-core`,
//! and the only crate that knows JavaScript.
//!
//! JavaScript sees the class [`Spanmark`] (`spanmark`), the export handle
//! [`ExportResult`] (`export`), and the file I/O of `files` ([`read_files`],
//! [`FileSet`], downloads). The JS-shaped values (camelCase) live in `js`; offsets
//! cross this boundary as UTF-16 code units (every such name ends in `Utf16`) and are
//! converted in [`units`] only. Every fallible method returns `Result<_, JsError>`, so
//! JS receives a real `Error` whose message says what was wrong, and a refused call
//! changes nothing.

mod export;
mod files;
mod js;
mod spanmark;
pub mod units;

pub use export::ExportResult;
pub use files::{read_files, FileSet};
pub use spanmark::Spanmark;
