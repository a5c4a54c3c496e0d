// The peer: @recogito/text-annotator 4.1.1 over the same article, with the same annotations.
import { onFile, painted } from './measure.js';

const { createTextAnnotator, W3CTextFormat, serializeW3CTextAnnotation } = window.RecogitoBench;
let anno;

onFile(async (json) => {
  const { text, annotations } = JSON.parse(json);
  const doc = document.getElementById('doc');
  doc.classList.add('one-node');
  doc.textContent = text;
  anno = createTextAnnotator(doc);
  anno.setAnnotations(annotations);
});

// Hooks for the driver: the peer's own API for the same operations Spanmark is timed on.
window.bench = {
  async add(i) {
    const a = anno.getAnnotations()[i];
    const t0 = performance.now();
    anno.addAnnotation({ ...a, id: `new-${i}`, bodies: [], target: { ...a.target, annotation: `new-${i}` } });
    await painted();
    return performance.now() - t0;
  },
  async remove(i) {
    const t0 = performance.now();
    anno.removeAnnotation(`new-${i}`);
    await painted();
    return performance.now() - t0;
  },
  exportW3C() {
    const t0 = performance.now();
    // Without the container: TextQuote + TextPosition selectors, no prefix/suffix (the peer's cheapest export).
    const out = JSON.stringify(anno.getAnnotations().map((a) => serializeW3CTextAnnotation(a, 'bench')));
    return { ms: performance.now() - t0, bytes: out.length };
  },
};
window.benchReady = true;
void W3CTextFormat;
