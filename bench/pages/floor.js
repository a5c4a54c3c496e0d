// The floor: the article as plain paragraphs, no annotation tool, no highlights.
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
