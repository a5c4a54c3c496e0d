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

/// The core's modules from the ground floor up: each may use only the modules before
/// it, so that there is no import loop (the interchange formats and persistence sit on
/// top of the workspace, which knows neither).
const LAYERS: [&str; 21] = [
    "offsets", "annotation", "relation", "entity", "document", "schema", "selection", "segments", "matching", "search", "suggest", "fingerprint", "ops", "report", "workspace", "replica", "stats",
    "interchange", "agreement", "curation", "persist",
];

#[test]
fn the_core_has_no_import_loops() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    for file in files {
        let rel = file.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        let module = rel.split(['/', '.']).next().unwrap().to_owned();
        if module == "lib" {
            continue;
        }
        let level = LAYERS.iter().position(|m| *m == module).unwrap_or_else(|| panic!("{rel}: add module {module:?} to LAYERS"));
        let text = std::fs::read_to_string(&file).unwrap();
        for used in LAYERS.iter().skip(level) {
            let code = text.lines().filter(|l| !l.trim_start().starts_with("//"));
            let mentions = code.filter(|l| l.contains(&format!("crate::{used}"))).count();
            assert!(*used == module || mentions == 0, "{rel} uses crate::{used}, which is above it: the core must have no import loops");
        }
    }
}

#[test]
fn the_workspace_keeps_its_fields_private() {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/workspace/mod.rs")).unwrap();
    let body = text.split("pub struct Workspace {").nth(1).unwrap().split("\n}").next().unwrap();
    assert!(!body.contains("pub"), "Workspace's fields are private; persistence and the formats use its methods:\n{body}");
}

/// Rules the core owns must not come back into the shell as copies.
#[test]
fn the_shell_holds_no_rule_the_core_owns() {
    let www = repo_root().join("www");
    let banned: [(&str, &str); 8] = [
        ("IOB2", "the CoNLL scheme names (the binding's formats() lists them)"),
        ("BIOES", "the CoNLL scheme names (the binding's formats() lists them)"),
        ("could not be recognised", "an error message to match (the core decides what a file is)"),
        ("1024 * 1024", "a size limit (the core's FileRefusal states the limits)"),
        ("TextDecoder", "decoding files (the binding reads them as bytes; the core checks UTF-8)"),
        ("blocksTouching", "which blocks a span touches (effects and annotations carry block indices)"),
        ("\\.(txt|html?)$", "which files are documents (the core's plan_intake decides)"),
        ("severity !== 'info'", "the export review rule (ExportResult.needsReview)"),
    ];
    for entry in std::fs::read_dir(&www).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "js") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (pattern, rule) in banned {
            assert!(!text.contains(pattern), "{} holds {pattern:?}: {rule}", path.display());
        }
    }
}
