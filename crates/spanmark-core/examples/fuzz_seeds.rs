//! Writes the fuzz seed corpus (fuzz/seeds/) from real documents: the demo articles and
//! GUM Wikinews articles with their nested entity mentions (CC-BY, see tests/data/gum-news).
//!
//! Run: `cargo run -p spanmark-core --example fuzz_seeds -- <tests/data/gum-news> <fuzz/seeds>`

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use spanmark_core::{Added, MemoryStorage, StorageBackend, Workspace};

/// How many GUM documents go into the seeds (each target gets each of them).
const GUM_DOCUMENTS: usize = 6;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let gum = PathBuf::from(args.get(1).map_or("tests/data/gum-news", String::as_str));
    let out = PathBuf::from(args.get(2).map_or("fuzz/seeds", String::as_str));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");

    let mut workspaces: Vec<(String, Workspace)> = Vec::new();

    // The demo articles, with a few entities each, some of them nested.
    let mut demo = Workspace::default();
    for (name, phrases) in [
        ("kim-jong-un-meets-putin-in-russia.txt", &["Vostochny Cosmodrome", "Kim Jong-un", "Russia", "North Korea’s dictator, Kim Jong-un"][..]),
        ("putin-seeks-north-korean-arms.txt", &["Vladimir Putin", "North Korean ruler Kim Jong Un", "Kim Jong Un", "Moscow"][..]),
    ] {
        let text = fs::read_to_string(root.join("www/demo").join(name)).expect("demo article");
        let doc = demo.add_document(name, &text).unwrap();
        for (i, phrase) in phrases.iter().enumerate() {
            let start = text.find(phrase).expect("phrase in article");
            let label = ["FAC", "PERSON", "GPE", "ORG"][i % 4];
            assert!(matches!(demo.add_annotation(&doc, start..start + phrase.len(), label).unwrap(), Added::New(_)));
        }
    }
    // Leave something to redo, so that the records hold both history stacks.
    demo.undo().unwrap();
    workspaces.push(("demo".into(), demo));

    // GUM documents: named entities, and all (nested, overlapping) mentions.
    for (file, tag) in [("gum_news_named.jsonl", "named"), ("gum_news_all_mentions.jsonl", "mentions")] {
        let jsonl = fs::read_to_string(gum.join(file)).expect("GUM JSONL");
        for line in jsonl.lines().take(GUM_DOCUMENTS) {
            let v: Value = serde_json::from_str(line).unwrap();
            let text = v["text"].as_str().unwrap();
            let mut ws = Workspace::new(spanmark_core::LabelSchema::empty());
            let labels: std::collections::BTreeSet<&str> =
                v["entities"].as_array().unwrap().iter().map(|e| e[2].as_str().unwrap()).collect();
            // Labels come in through an import, as an analyst's would.
            let canonical = serde_json::json!({
                "format": "spanmark", "version": 1, "offsetUnit": "codepoint",
                "labels": labels.iter().enumerate().map(|(i, l)| serde_json::json!({
                    "id": l, "name": l, "color": format!("#{:06x}", 0x336699 + i * 0x1f2f3f), "hotkey": null, "description": ""
                })).collect::<Vec<_>>(),
                "documents": [{
                    "id": v["id"], "name": format!("{}.txt", v["id"].as_str().unwrap()), "text": text,
                    "annotations": v["entities"].as_array().unwrap().iter().enumerate().map(|(i, e)| {
                        let (s, t) = (e[0].as_u64().unwrap() as usize, e[1].as_u64().unwrap() as usize);
                        let quote: String = text.chars().skip(s).take(t - s).collect();
                        serde_json::json!({"id": format!("g{i}"), "start": s, "end": t, "text": quote, "label": e[2]})
                    }).collect::<Vec<_>>()
                }]
            });
            let report = ws.import_canonical(&canonical.to_string()).unwrap();
            assert!(report.diagnostics.iter().all(|d| d.code == "duplicate"), "{:?}", report.diagnostics);
            workspaces.push((format!("{tag}-{}", v["id"].as_str().unwrap()), ws));
        }
    }

    for target in ["import_canonical", "restore_backup", "restore_records", "import_interchange"] {
        fs::create_dir_all(out.join(target)).unwrap();
    }
    for (name, ws) in &mut workspaces {
        fs::write(out.join("import_canonical").join(format!("{name}.json")), ws.export_canonical(None).unwrap()).unwrap();
        fs::write(out.join("restore_backup").join(format!("{name}.json")), ws.export_backup()).unwrap();
        let mut storage = MemoryStorage::default();
        let mut store = spanmark_core::Store::default();
        store.mark_all(ws);
        store.save_to(ws, &mut storage).unwrap();
        let records: String = storage.load().unwrap().into_iter().map(|(k, v)| format!("{k}\t{v}\n")).collect();
        fs::write(out.join("restore_records").join(format!("{name}.tsv")), records).unwrap();
        // One seed per format: the first byte picks the format (fuzz_checks::import_interchange).
        if name.starts_with("demo") || name.starts_with("named") {
            for (k, format) in spanmark_core::Format::ALL.into_iter().enumerate() {
                let export = ws.export_as(format, None, &Default::default()).unwrap();
                let seed = [&[k as u8][..], &export.file.bytes].concat();
                fs::write(out.join("import_interchange").join(format!("{name}.{}", format.id())), seed).unwrap();
            }
        }
    }
    // Broken files next to the good ones, so the fuzzer starts from both sides of every check.
    let demo_json = workspaces[0].1.export_canonical(None).unwrap();
    let broken = [
        ("truncated.json", demo_json[..demo_json.len() / 2].to_owned()),
        ("wrong-types.json", demo_json.replacen("\"start\": ", "\"start\": \"", 1)),
        ("utf16-offsets.json", demo_json.replace("\"start\": 1", "\"start\": 2")),
        ("bom.json", format!("\u{feff}{demo_json}")),
    ];
    for (name, text) in broken {
        fs::write(out.join("import_canonical").join(name), text).unwrap();
    }
    println!("wrote seeds for {} workspaces into {}", workspaces.len(), out.display());
}
