// The plain floor: the article as plain paragraphs, all laid out (no content-visibility),
// no annotation tool, no highlights. A second reference beside the fair floor (fair-floor.js).
import { onFile } from './measure.js';

onFile((text) => {
  const doc = document.getElementById('doc');
  const frag = document.createDocumentFragment();
  for (const line of text.split('\n')) {
    const p = document.createElement('p');
    p.textContent = line;
    frag.append(p);
  }
  doc.replaceChildren(frag);
});
