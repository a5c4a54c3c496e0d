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

/// Opens an archive and checks its limits from its directory, before anything is unpacked.
fn open(file: &InputFile) -> Result<zip::ZipArchive<Cursor<&Vec<u8>>>, ImportError> {
    let bad = |e: String| ImportError::Malformed { format: "zip", message: format!("{}: {e}", file.name) };
    let mut archive = zip::ZipArchive::new(Cursor::new(&file.bytes)).map_err(|e| bad(e.to_string()))?;
    if archive.len() > MAX_ENTRIES {
        return Err(bad(format!("it holds {} entries; Spanmark reads zips of at most {MAX_ENTRIES} entries", archive.len())));
    }
    // What the archive says it unpacks to; a lying archive is still cut at the limit when read.
    let mut declared = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| bad(e.to_string()))?;
        declared = declared.saturating_add(entry.size());
    }
    if declared > MAX_UNPACKED_BYTES {
        return Err(bad(format!("it would unpack to {} MB; Spanmark unpacks zips of at most {} MB", declared >> 20, MAX_UNPACKED_BYTES >> 20)));
    }
    Ok(archive)
}

/// The names of the entries of a zip archive, read from its directory without unpacking
/// anything, or why the archive is refused.
pub(crate) fn names(file: &InputFile) -> Result<Vec<String>, ImportError> {
    let archive = open(file)?;
    let bad = |e: zip::result::ZipError| ImportError::Malformed { format: "zip", message: format!("{}: {e}", file.name) };
    archive.file_names().map(|n| n.map(|n| n.into_owned()).map_err(bad)).collect()
}

/// The files in a zip archive (directories skipped, paths kept as names).
pub(crate) fn read(file: &InputFile) -> Result<Vec<InputFile>, ImportError> {
    let bad = |e: String| ImportError::Malformed { format: "zip", message: format!("{}: {e}", file.name) };
    let mut archive = open(file)?;
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
            return Err(bad(format!("it unpacks to more than {} MB; Spanmark unpacks zips of at most {} MB", MAX_UNPACKED_BYTES >> 20, MAX_UNPACKED_BYTES >> 20)));
        }
        out.push(InputFile { name, bytes });
    }
    Ok(out)
}
