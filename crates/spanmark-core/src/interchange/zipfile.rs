//! Reading and writing zip archives (for brat collections), through the `zip` crate,
//! with limits so that a hostile archive cannot exhaust memory.

use std::io::{Cursor, Read, Write};

use super::InputFile;
use crate::report::ImportError;

/// The most an archive may hold once unpacked.
const MAX_UNPACKED_BYTES: u64 = 256 << 20;
/// The most entries an archive may hold.
const MAX_ENTRIES: usize = 20_000;

/// Whether the bytes start like a zip archive.
pub(crate) fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Writes files into a zip archive (deflated).
pub(crate) fn write(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options).expect("writing to memory cannot fail");
        zip.write_all(bytes).expect("writing to memory cannot fail");
    }
    zip.finish().expect("writing to memory cannot fail").into_inner()
}

/// The files in a zip archive (directories skipped, paths kept as names).
pub(crate) fn read(file: &InputFile) -> Result<Vec<InputFile>, ImportError> {
    let bad = |e: String| ImportError::Malformed { format: "zip", message: format!("{}: {e}", file.name) };
    let mut archive = zip::ZipArchive::new(Cursor::new(&file.bytes)).map_err(|e| bad(e.to_string()))?;
    if archive.len() > MAX_ENTRIES {
        return Err(bad(format!("it holds {} entries; Spanmark reads at most {MAX_ENTRIES}", archive.len())));
    }
    let mut total = 0u64;
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|e| bad(e.to_string()))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().map_err(|e| bad(e.to_string()))?.into_owned();
        let mut bytes = Vec::new();
        // Never trust the declared size: read at most what is left of the budget.
        let budget = MAX_UNPACKED_BYTES - total;
        entry.take(budget + 1).read_to_end(&mut bytes).map_err(|e| bad(format!("{name}: {e}")))?;
        total += bytes.len() as u64;
        if total > MAX_UNPACKED_BYTES {
            return Err(bad(format!("it unpacks to more than {} MB", MAX_UNPACKED_BYTES >> 20)));
        }
        out.push(InputFile { name, bytes });
    }
    Ok(out)
}
