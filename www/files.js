// Reading files the analyst opens, and downloading exports. No network is involved.

/** The largest plain-text or HTML document the page opens, in bytes. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
/** The largest JSON file (an export or a backup of many documents) the page reads, in bytes. */
export const MAX_JSON_BYTES = 64 * 1024 * 1024;

const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;

// CORE RULE: how large a file may be. Read as text ('text'), a JSON file may have MAX_JSON_BYTES and a document
// MAX_DOCUMENT_BYTES; read as bytes for the core ('bytes'), a .txt file may have MAX_DOCUMENT_BYTES and any other MAX_JSON_BYTES.
function checkSize(file, reading) {
  if (reading === 'text') {
    const isJson = /\.json$/i.test(file.name);
    const limit = isJson ? MAX_JSON_BYTES : MAX_DOCUMENT_BYTES;
    if (file.size > limit) {
      throw new Error(
        `${file.name} is ${mb(file.size)}; Spanmark opens ${isJson ? 'JSON files' : 'documents'} up to ${mb(limit)}. Split it into smaller files.`,
      );
    }
  } else {
    const limit = /\.txt$/i.test(file.name) ? MAX_DOCUMENT_BYTES : MAX_JSON_BYTES;
    if (file.size > limit) {
      throw new Error(`${file.name} is ${mb(file.size)}; Spanmark reads such files up to ${mb(limit)}. Split it into smaller files.`);
    }
  }
}

// CORE RULE: text is strict UTF-8 (a leading byte order mark is dropped) and holds no NUL character.
function decodeText(name, bytes) {
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${name} is not UTF-8 text. Save it as UTF-8 and import it again.`);
  }
  if (text.includes('\0')) {
    throw new Error(`${name} looks like binary data, not text.`);
  }
  return text;
}

/**
 * Reads `file` as UTF-8 text (a leading byte order mark is dropped). Throws an Error
 * that names the file when it is too large, not valid UTF-8, or binary.
 */
export async function readTextFile(file) {
  checkSize(file, 'text');
  return decodeText(file.name, new Uint8Array(await file.arrayBuffer()));
}

/**
 * Reads an annotation file's bytes for the core (which checks the encoding and says
 * where it is wrong). Throws an Error that names the file when it is too large.
 */
export async function readFileBytes(file) {
  checkSize(file, 'bytes');
  return new Uint8Array(await file.arrayBuffer());
}

/** Whether a file is an HTML page, to be opened as its visible text. */
// CORE RULE: a file is an HTML page when its name ends in .htm or .html, or its text starts with an HTML doctype or <html>.
export function looksLikeHtml(name, text) {
  return /\.html?$/i.test(name) || /^\s*<(!doctype html|html[\s>])/i.test(text);
}

// Elements whose content is never visible text.
const INVISIBLE = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'IFRAME', 'OBJECT', 'EMBED', 'SVG', 'MATH', 'HEAD', 'TITLE', 'META', 'LINK']);
// Elements after which a line ends.
const BLOCKS = new Set(['P', 'DIV', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'LI', 'TR', 'SECTION', 'ARTICLE', 'HEADER', 'FOOTER', 'BLOCKQUOTE', 'PRE', 'FIGCAPTION', 'DT', 'DD', 'TABLE', 'UL', 'OL', 'ASIDE', 'MAIN', 'NAV', 'FIGURE', 'ADDRESS', 'HR']);

/**
 * The visible text of an HTML page: one line per block element, whitespace collapsed
 * as a browser would, without scripts, styles or markup. The page is parsed inert
 * (DOMParser runs no script and loads nothing) and never inserted into this page.
 */
export function htmlToText(html) {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const lines = [];
  let line = '';
  const endLine = () => {
    const trimmed = line.replace(/[ \t\n\r\f]+/g, ' ').trim();
    if (trimmed) lines.push(trimmed);
    line = '';
  };
  const walk = (node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) line += child.data;
      else if (child.nodeType === Node.ELEMENT_NODE && !INVISIBLE.has(child.tagName.toUpperCase())) {
        if (child.tagName === 'BR') endLine();
        else if (BLOCKS.has(child.tagName.toUpperCase())) {
          endLine();
          walk(child);
          endLine();
        } else walk(child);
      }
    }
  };
  const title = doc.title.trim();
  if (title) lines.push(title);
  walk(doc.body ?? doc.documentElement);
  endLine();
  if (title && lines[1] === title) lines.splice(1, 1);
  return lines.join('\n\n');
}

/** Offers `data` (text or bytes) to the analyst as a download named `filename`. */
export function download(filename, data, type = 'application/json') {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
