// Reading files the analyst opens, and downloading exports. No network is involved.

/** The largest file the page reads, in bytes. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Reads `file` as UTF-8 text (a leading byte order mark is dropped). Throws an Error
 * that names the file when it is too large, not valid UTF-8, or binary.
 */
export async function readTextFile(file) {
  if (file.size > MAX_FILE_BYTES) {
    const mb = (n) => (n / 1024 / 1024).toFixed(1);
    throw new Error(`${file.name} is ${mb(file.size)} MB; Spanmark opens files up to ${mb(MAX_FILE_BYTES)} MB.`);
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${file.name} is not UTF-8 text. Save it as UTF-8 and import it again.`);
  }
  if (text.includes('\0')) {
    throw new Error(`${file.name} looks like binary data, not text.`);
  }
  return text;
}

/** Whether a file should be read as Spanmark JSON rather than as a plain-text document. */
export function looksLikeJson(name, text) {
  return /\.json$/i.test(name) || /^\s*[{[]/.test(text);
}

/** Offers `text` to the analyst as a download named `filename`. */
export function download(filename, text, type = 'application/json') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name for the export of a document named `name`. */
export function exportName(name) {
  const base = name.replace(/\.[^.]+$/, '').replace(/[^\p{L}\p{N}._-]+/gu, '-') || 'document';
  return `${base}.spanmark.json`;
}
