//! Tidy checks: the core stays pure Rust, and every Rust file says what it is for.

use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

#[test]
fn the_core_has_no_wasm_dependencies() {
    let manifest = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    for banned in ["wasm-bindgen", "js-sys", "web-sys", "gloo", "serde-wasm-bindgen", "wasm-bindgen-futures"] {
        let named = manifest.lines().any(|l| l.trim_start().starts_with(banned) && l.contains('='));
        assert!(!named, "crates/spanmark-core/Cargo.toml names {banned}: the core must stay pure Rust");
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_rust_file_opens_with_a_module_doc_line() {
    let root = repo_root();
    let mut files = Vec::new();
    for dir in ["src", "crates", "tests"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() >= 10, "found the sources ({})", files.len());
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.starts_with("//!"), "{} must open with a //! line saying what it is for", file.display());
    }
}
