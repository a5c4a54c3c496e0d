//! Times the phases of importing a canonical file and saving it, natively:
//! `cargo run --release -p spanmark-core --example import_bench -- bench/data/spanmark-100000.json`.
use spanmark_core::interchange::{ImportOptions, InputFile};
use spanmark_core::{restore, LabelSchema, Store, Workspace};
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "bench/data/spanmark-100000.json".into());
    let bytes = std::fs::read(&path).expect("read the file");
    for round in 0..3 {
        let mut ws = Workspace::new(LabelSchema::default());
        let mut store = Store::default();
        let files = vec![InputFile::new("spanmark.json", bytes.clone())];
        let t = Instant::now();
        let staged = ws.stage_import(&files, &ImportOptions::default()).expect("stage");
        let stage = t.elapsed();
        let t = Instant::now();
        ws.apply_import(staged).expect("apply");
        let apply = t.elapsed();
        let t = Instant::now();
        let mut n = 0;
        let mut bytes_out = 0;
        let mut saved: Vec<(String, String)> = Vec::new();
        loop {
            let recs = store.take_pending_up_to(&mut ws, 5000);
            if recs.is_empty() {
                break;
            }
            n += recs.len();
            bytes_out += recs.iter().map(|r| r.1.as_ref().map_or(0, |v| v.len())).sum::<usize>();
            saved.extend(recs.into_iter().filter_map(|(k, v)| Some((k, v?))));
        }
        let save = t.elapsed();
        let t = Instant::now();
        let restored = restore(saved).expect("restore");
        let reload = t.elapsed();
        assert!(restored.diagnostics.is_empty(), "{:?}", restored.diagnostics.first());
        let doc = ws.documents()[0].id().to_owned();
        let t = Instant::now();
        let segs = ws.segments(&doc, 0..20000).expect("segments");
        let seg = t.elapsed();
        println!("round {round}: stage {stage:?}, apply {apply:?}, records {n} ({bytes_out} bytes) {save:?}, restored {reload:?}, segments {} {seg:?}", segs.len());
    }
}
