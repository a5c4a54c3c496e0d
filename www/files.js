// The one file job that needs the DOM: an HTML page to its visible text, through the
// browser's inert DOMParser. Reading files and downloading exports happen in the binding
// (Rust, with gloo-file), and the core decides what each file is.

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
