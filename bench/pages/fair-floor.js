// The fair floor: the article as Spanmark's view (www/view.js) puts it in the page, with
// nothing for annotations. The same blocks (one per line, the first non-blank one as the
// title), the same chunks of 8 blocks (content-visibility: auto, from www/style.css),
// the same attributes, built 2,000 blocks a frame; but no core, no Text node registry, no
// IntersectionObserver and no highlights. Spanmark's open ÷ this is what annotating costs.
import { onFile } from './measure.js';

// As in www/view.js.
const BLOCKS_PER_CHUNK = 2000;
const BLOCKS_PER_OBSERVED_CHUNK = 8;

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));

/** The lines of `text` as UTF-16 ranges without their terminators (\n, \r\n or \r), as the core's blocks. */
function lineBlocks(text) {
  const blocks = [];
  const re = /\r\n|\r|\n/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    blocks.push({ startUtf16: start, endUtf16: m.index });
    start = m.index + m[0].length;
  }
  blocks.push({ startUtf16: start, endUtf16: text.length });
  return blocks;
}

onFile(async (text) => {
  const root = document.getElementById('doc');
  const blocks = lineBlocks(text);
  const titleBlock = blocks.findIndex((b) => text.slice(b.startUtf16, b.endUtf16).trim() !== '');
  root.replaceChildren();
  for (let from = 0; from < blocks.length; from += BLOCKS_PER_CHUNK) {
    if (from > 0) await nextFrame();
    const frag = document.createDocumentFragment();
    const to = Math.min(blocks.length, from + BLOCKS_PER_CHUNK);
    let chunk = null;
    for (let i = from; i < to; i++) {
      if ((i - from) % BLOCKS_PER_OBSERVED_CHUNK === 0) {
        const last = Math.min(to, i + BLOCKS_PER_OBSERVED_CHUNK) - 1;
        chunk = document.createElement('div');
        chunk.className = 'chunk';
        chunk.dataset.first = i;
        chunk.dataset.last = last;
        chunk.dataset.startUtf16 = blocks[i].startUtf16;
        chunk.dataset.endUtf16 = blocks[last].endUtf16;
        frag.append(chunk);
      }
      const b = blocks[i];
      const el = document.createElement(i === titleBlock ? 'h2' : 'p');
      el.className = i === titleBlock ? 'block title' : 'block';
      if (b.startUtf16 === b.endUtf16) el.classList.add('blank');
      el.dataset.startUtf16 = b.startUtf16;
      el.dataset.endUtf16 = b.endUtf16;
      el.dataset.block = i;
      el.append(document.createTextNode(text.slice(b.startUtf16, b.endUtf16)));
      chunk.append(el);
    }
    root.append(frag);
  }
});
