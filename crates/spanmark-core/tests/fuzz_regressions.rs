//! Replays the fuzz seed corpus and every committed fuzz finding through the importers'
//! properties (tests/fuzz_checks), so `make test` keeps what `make fuzz` found fixed.

mod fuzz_checks;

use std::path::Path;

#[test]
fn every_seed_and_finding_keeps_the_importer_properties() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut replayed = 0;
    for (target, check) in fuzz_checks::TARGETS {
        for kind in ["seeds", "regressions"] {
            let dir = fuzz.join(kind).join(target);
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries {
                let path = entry.unwrap().path();
                let data = std::fs::read(&path).unwrap();
                let result = std::panic::catch_unwind(|| check(&data));
                assert!(result.is_ok(), "{target}: {} breaks an importer property", path.display());
                replayed += 1;
            }
        }
    }
    assert!(replayed >= 30, "the seed corpus is present ({replayed} files)");
}
