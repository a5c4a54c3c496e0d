// Seeded generator for the benchmark: a ~1 MB news-like article with non-ASCII text
// (typographic quotes and dashes, accented letters, Hangul, Cyrillic, emoji) and N
// annotations on word boundaries, about 10% of them nested in or crossing another.
//
// Writes, for each N, the same annotations in two shapes:
//   data/spanmark-N.json  canonical Spanmark JSON (code points)
//   data/recogito-N.json  {text, annotations} for @recogito/text-annotator (UTF-16 offsets)
// and data/article.txt (the plain text, for the floor). beyondFile(n, bytes) writes the
// same kind of canonical file for a larger article (the beyond scenario: 1,000,000
// annotations on 10 MB).

import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DATA = path.join(HERE, 'data');
export const SIZES = [2000, 20000, 100000];
/** The article size that also gets a file with RELATIONS relations. */
export const RELATIONS_ON = 100000;
export const RELATIONS = 10000;
const TARGET_BYTES = 1_000_000;
const LABELS = ['PERSON', 'ORG', 'GPE', 'LOC', 'FAC', 'DATE', 'EVENT', 'WEAPON'];

// mulberry32: small, fast, and the same sequence on every machine.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the of and to in a that said on for with as was by at from his it an were are which this be has have ' +
  'government minister president meeting talks forces border agreement officials sanctions ammunition ' +
  'missiles artillery satellite launch summit delegation spokesman according reported statement ' +
  'Kim Putin Shoigu Peskov Sullivan Lavrov Pyongyang Moscow Vladivostok Washington Seoul Beijing Kremlin ' +
  'Vostochny Cosmodrome Primorsky Korea Russia Ukraine September Tuesday Wednesday 2023 July forum ' +
  'José Müller Françoise Søren Çelik naïve café Zürich Kraków Dvořák ' +
  'Владимир Путин Москва Кремль Шойгу Песков Владивосток оружие ' +
  '김정은 평양 조선 위원장 러시아 회담 ' +
  '🚀 🇰🇵 🇷🇺 👨‍👩‍👧 👍🏽 📡'
).split(' ');

function phrase(r) {
  const w = WORDS[Math.floor(r() * WORDS.length)];
  const roll = r();
  if (roll < 0.04) return `“${w}”`;
  if (roll < 0.06) return `‘${w}’`;
  if (roll < 0.08) return `${w}’s`;
  if (roll < 0.1) return `${w} –`;
  return w;
}

/** Builds the article of about `targetBytes` UTF-8 bytes: returns the text and its word tokens (UTF-16 offsets). */
export function article(seed = 20230913, targetBytes = TARGET_BYTES) {
  const r = rng(seed);
  const parts = [];
  const tokens = [];
  let at = 0; // UTF-16 offset
  let bytes = 0;
  const push = (s) => {
    parts.push(s);
    at += s.length;
    bytes += Buffer.byteLength(s, 'utf8');
  };
  push('Kim Jong-un meets Putin at the Vostochny Cosmodrome – a generated briefing for the benchmark\n\n');
  while (bytes < targetBytes) {
    const sentences = 3 + Math.floor(r() * 5);
    for (let s = 0; s < sentences; s++) {
      const words = 8 + Math.floor(r() * 14);
      for (let w = 0; w < words; w++) {
        const p = phrase(r);
        // Token boundaries: the word itself, without quotes, dashes or the possessive.
        const core = p.replace(/^[“‘]|[”’]$|’s$| –$/gu, '');
        const lead = p.startsWith('“') || p.startsWith('‘') ? 1 : 0;
        tokens.push([at + lead, at + lead + core.length]);
        push(p);
        push(w === words - 1 ? '. ' : ' ');
      }
    }
    push('\n\n');
  }
  return { text: parts.join(''), tokens };
}

/** N annotations over whole tokens; about 10% nest in or cross an earlier one. */
export function annotations(tokens, n, seed) {
  const r = rng(seed);
  const seen = new Set();
  const spans = [];
  while (spans.length < n) {
    let start;
    let end;
    if (spans.length > 10 && r() < 0.1) {
      // Nested (a longer span around an existing one) or crossing (starting inside it).
      const base = spans[Math.floor(r() * spans.length)];
      const i = base.tokenStart;
      const j = base.tokenEnd;
      if (r() < 0.5) {
        start = Math.max(0, i - 1 - Math.floor(r() * 2));
        end = Math.min(tokens.length - 1, j + Math.floor(r() * 2));
      } else {
        start = Math.min(j, i + 1);
        end = Math.min(tokens.length - 1, j + 1 + Math.floor(r() * 2));
      }
    } else {
      start = Math.floor(r() * tokens.length);
      end = Math.min(tokens.length - 1, start + Math.floor(r() * r() * 3));
    }
    const label = LABELS[Math.floor(r() * LABELS.length)];
    const key = `${start}:${end}:${label}`;
    if (seen.has(key)) continue;
    seen.add(key);
    spans.push({ tokenStart: start, tokenEnd: end, startUtf16: tokens[start][0], endUtf16: tokens[end][1], label });
  }
  return spans;
}

/** Code point offsets for UTF-16 offsets of `text` (a prefix table, built once). */
function codePointTable(text) {
  const table = new Uint32Array(text.length + 1);
  let cp = 0;
  for (let i = 0; i < text.length; i++) {
    table[i] = cp;
    const c = text.charCodeAt(i);
    if (!(c >= 0xdc00 && c <= 0xdfff && i > 0 && text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) <= 0xdbff)) cp++;
  }
  table[text.length] = cp;
  return table;
}

const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#76b7b2', '#c9a227', '#b07aa1', '#ff7f9f', '#e15759'];
const labelSchema = () => LABELS.map((id, i) => ({ id, name: id, color: COLORS[i], hotkey: String(i + 1), description: '' }));

export function generate() {
  mkdirSync(DATA, { recursive: true });
  const { text, tokens } = article();
  writeFileSync(path.join(DATA, 'article.txt'), text);
  const cp = codePointTable(text);
  const labels = labelSchema();
  for (const n of SIZES) {
    const spans = annotations(tokens, n, 1000 + n);
    const canonical = {
      format: 'spanmark',
      version: 1,
      offsetUnit: 'codepoint',
      labels,
      documents: [
        {
          id: 'bench',
          name: `bench-${n}.txt`,
          text,
          annotations: spans.map((s, i) => ({ id: `b${i}`, start: cp[s.startUtf16], end: cp[s.endUtf16], text: text.slice(s.startUtf16, s.endUtf16), label: s.label })),
        },
      ],
    };
    writeFileSync(path.join(DATA, `spanmark-${n}.json`), JSON.stringify(canonical));
    if (n === RELATIONS_ON) {
      // The same article and annotations with 10,000 relations between neighbouring spans,
      // of a type that takes any label (hotkey k), for the relations figures.
      const anns = canonical.documents[0].annotations;
      const relations = [];
      for (let i = 0; relations.length < RELATIONS && i + 1 < anns.length; i += Math.max(1, Math.floor(anns.length / RELATIONS))) {
        relations.push({ id: `r${relations.length}`, type: 'LINKED', from: anns[i].id, to: anns[i + 1].id });
      }
      const withRelations = {
        ...canonical,
        relationTypes: [{ id: 'LINKED', name: 'linked', color: '#444444', hotkey: 'k', directed: true, fromLabels: [], toLabels: [], description: '' }],
        documents: [{ ...canonical.documents[0], relations }],
      };
      writeFileSync(path.join(DATA, `spanmark-${n}-relations.json`), JSON.stringify(withRelations));
    }
    const recogito = {
      text,
      annotations: spans.map((s, i) => ({
        id: `b${i}`,
        bodies: [{ id: `b${i}-body`, annotation: `b${i}`, purpose: 'tagging', value: s.label }],
        target: { annotation: `b${i}`, selector: [{ quote: text.slice(s.startUtf16, s.endUtf16), start: s.startUtf16, end: s.endUtf16 }] },
      })),
    };
    writeFileSync(path.join(DATA, `recogito-${n}.json`), JSON.stringify(recogito));
  }
  return { bytes: Buffer.byteLength(text, 'utf8'), utf16: text.length, tokens: tokens.length };
}

// ---- The beyond scenario (bench/scenarios/beyond.mjs) ---------------------------------------
// An article of about `bytes` (10,000,000 by default: under the core's 10 MiB document
// limit, MAX_DOCUMENT_BYTES), made as the 1 MB one, with `n` annotations made as those
// of spanmark-N.json, in the same canonical JSON. At 1,000,000 annotations the file is
// ~90 MB: it is written in pieces (no one string of it all), and only when it is absent
// or older than this generator.

/** The largest document the core opens (crates/spanmark-core interchange/input.rs MAX_DOCUMENT_BYTES). */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

/** Writes (when absent or stale) data/spanmark-beyond-N-BYTES.json; returns its path and sizes. */
export function beyondFile(n, bytes) {
  mkdirSync(DATA, { recursive: true });
  const file = path.join(DATA, `spanmark-beyond-${n}-${bytes}.json`);
  const meta = `${file}.meta.json`;
  const generator = statSync(fileURLToPath(import.meta.url)).mtimeMs;
  if (existsSync(file) && existsSync(meta) && statSync(file).mtimeMs > generator && statSync(meta).mtimeMs > generator) {
    return { file, ...JSON.parse(String(readFileSync(meta))) };
  }
  const { text, tokens } = article(20230913, bytes);
  const textBytes = Buffer.byteLength(text, 'utf8');
  if (textBytes > MAX_DOCUMENT_BYTES) throw new Error(`the beyond article is ${textBytes} bytes, over the core's document limit of ${MAX_DOCUMENT_BYTES}`);
  if (n > tokens.length * 2) throw new Error(`${n} annotations on ${tokens.length} words: too dense for the generator (at most twice the words)`);
  const cp = codePointTable(text);
  const spans = annotations(tokens, n, 1000 + n);
  const head = JSON.stringify({ format: 'spanmark', version: 1, offsetUnit: 'codepoint', labels: labelSchema() }).slice(0, -1);
  const doc = JSON.stringify({ id: 'bench', name: `beyond-${n}.txt`, text }).slice(0, -1);
  // The same bytes as JSON.stringify of the whole, written a batch of annotations at a time.
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, `${head},"documents":[${doc},"annotations":[`);
    const BATCH = 50_000;
    for (let from = 0; from < spans.length; from += BATCH) {
      const piece = spans
        .slice(from, from + BATCH)
        .map((s, k) => JSON.stringify({ id: `b${from + k}`, start: cp[s.startUtf16], end: cp[s.endUtf16], text: text.slice(s.startUtf16, s.endUtf16), label: s.label }))
        .join(',');
      writeSync(fd, from ? `,${piece}` : piece);
    }
    writeSync(fd, ']}]}');
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const info = { annotations: n, textBytes, words: tokens.length, fileBytes: statSync(file).size };
  writeFileSync(meta, JSON.stringify(info));
  return { file, ...info };
}

// ---- The suggestions corpus ---------------------------------------------------------------
// The corpus of the core's own suggestions example (crates/spanmark-core/examples/
// suggest_bench.rs), generated here with the same seeded generator so that the page's
// figures sit beside the native ones on the same text: 1,000 documents of about 5,000
// bytes (names, dates, identifiers, Cyrillic, Hangul, emoji), about 2,000 analyst
// annotations of the corpus's 300 regular names, and a 10,000-entry gazetteer.

/** xorshift64*, as the example's Rng: `below(n)` is the same sequence as in Rust. */
function xorshift64(seed) {
  const M = (1n << 64n) - 1n;
  let s = BigInt(seed);
  return {
    below(n) {
      s ^= s >> 12n;
      s ^= (s << 25n) & M;
      s ^= s >> 27n;
      return Number(((s * 0x2545f4914f6cdd1dn) & M) % BigInt(n));
    },
    pick(items) {
      return items[this.below(items.length)];
    },
  };
}

const SYLLABLES = ['ka', 'mi', 'ro', 'len', 'dor', 'vas', 'ti', 'an', 'sel', 'po', 'gru', 'ne', 'zha', 'ok', 'bre', 'li', 'mon', 'ta', 'vi', 'ush'];
const FILLER = ['the', 'said', 'on', 'a', 'meeting', 'with', 'officials', 'in', 'and', 'of', 'reported', 'that', 'after', 'talks', 'state', 'media', 'visit', 'to', 'missile',
  'launch', 'near', 'border', 'agency', 'minister', 'forces', 'told', 'reporters', 'during', 'week', 'government'];
const EXTRAS = ['Путин', 'Москва', '김정은', '평양', 'Jose\u0301', '👍🏽', '👩\u200d👩\u200d👧', '“quoted”', '—'];
const IDENTIFIERS = ['12 September 2023', 'Sept. 13, 2023', '2023-09-13', 'press@example.org', 'https://example.org/news/1', '+44 20 7946 0958',
  'DE89 3704 0044 0532 0130 00', '39.0392, 125.7625'];
const GAZETTEER_LABELS = ['PERSON', 'ORG', 'GPE', 'LOC', 'FAC'];
export const SUGGEST_DOCS = 1000;

function syllableName(rng) {
  const word = () => {
    const n = 2 + rng.below(2);
    let w = '';
    for (let i = 0; i < n; i++) w += rng.pick(SYLLABLES);
    return w[0].toUpperCase() + w.slice(1);
  };
  const first = word();
  return `${first} ${word()}`;
}

/**
 * Writes data/suggest-corpus.json (canonical JSON: the 1,000 documents with their
 * annotations) and data/suggest-gazetteer.tsv; returns their paths and sizes.
 */
export function suggestCorpus() {
  mkdirSync(DATA, { recursive: true });
  const rng = xorshift64(0x5eed1234abcd0001n);
  const names = Array.from({ length: 10_000 }, () => syllableName(rng));
  const gazetteer = names.map((n, i) => `${n}\t${GAZETTEER_LABELS[i % GAZETTEER_LABELS.length]}\tQ${i}\n`).join('');
  const documents = [];
  let bytes = 0;
  let annotations = 0;
  for (let d = 0; d < SUGGEST_DOCS; d++) {
    // Lengths in UTF-8 bytes (the example's loop bound) and in code points (the file's offsets).
    let text = '';
    let length = 0;
    let cps = 0;
    const toTag = [];
    const push = (piece) => {
      text += piece;
      length += Buffer.byteLength(piece, 'utf8');
      cps += [...piece].length;
    };
    while (length < 5000) {
      const roll = rng.below(100);
      let piece;
      if (roll <= 2) {
        // The first 300 names are the corpus's regulars; two a document are tagged.
        piece = names[rng.below(300)];
        if (toTag.length < 2) toTag.push([cps, cps + piece.length, piece]);
      } else if (roll <= 6) piece = names[rng.below(names.length)];
      else if (roll <= 8) piece = rng.pick(IDENTIFIERS);
      else if (roll <= 11) piece = rng.pick(EXTRAS);
      else if (roll <= 14) piece = syllableName(rng);
      else piece = rng.pick(FILLER);
      push(piece);
      push(rng.below(12) === 0 ? '.\r\n' : ' ');
    }
    bytes += length;
    const anns = toTag.map(([start, end, quote], k) => ({ id: `d${d}a${k}`, start, end, text: quote, label: rng.below(3) === 0 ? 'ORG' : 'PERSON' }));
    annotations += anns.length;
    documents.push({ id: `doc${d}`, name: `doc${d}.txt`, text, annotations: anns });
  }
  const corpus = path.join(DATA, 'suggest-corpus.json');
  const tsv = path.join(DATA, 'suggest-gazetteer.tsv');
  writeFileSync(corpus, JSON.stringify({ format: 'spanmark', version: 1, offsetUnit: 'codepoint', documents }));
  writeFileSync(tsv, gazetteer);
  return { corpus, gazetteer: tsv, documents: documents.length, bytes, annotations, entries: names.length };
}

// ---- The corpus-scale workspace ---------------------------------------------------------
// Many small documents (issue "Speed", corpus scale): each a few sentences of the article's
// words with a few annotations, under the article's labels (hotkeys 1–8).

/** The canonical JSON of `n` small documents (ids s0, s1, …). */
export function smallDocuments(n, seed = 4242) {
  const next = rng(seed);
  // Words of the Basic Multilingual Plane only: a code point is then one UTF-16 unit.
  const words = WORDS.filter((w) => w && [...w].length === w.length);
  const labels = LABELS.map((id, i) => ({ id, name: id, color: ['#4e79a7', '#f28e2b', '#59a14f', '#76b7b2', '#c9a227', '#b07aa1', '#ff7f9f', '#e15759'][i], hotkey: String(i + 1), description: '' }));
  const documents = [];
  for (let d = 0; d < n; d++) {
    const sentences = [];
    for (let s = 0, count = 3 + Math.floor(next() * 3); s < count; s++) {
      const length = 8 + Math.floor(next() * 10);
      const sentence = Array.from({ length }, () => words[Math.floor(next() * words.length)]).join(' ');
      sentences.push(`${sentence[0].toUpperCase()}${sentence.slice(1)}.`);
    }
    const title = `Report ${d + 1}: ${words[Math.floor(next() * words.length)]} ${words[Math.floor(next() * words.length)]}`;
    const text = `${title}\n\n${sentences.join(' ')}\n`;
    // A few annotations on words of four letters or more, in order, never overlapping (ASCII text: code points are UTF-16 units).
    const annotations = [];
    for (const m of text.matchAll(/[A-Za-z]{4,}/g)) {
      if (annotations.length >= 4 || m.index < title.length) continue;
      if (next() < 0.15) annotations.push({ id: `s${d}a${annotations.length}`, start: m.index, end: m.index + m[0].length, text: m[0], label: LABELS[Math.floor(next() * LABELS.length)] });
    }
    documents.push({ id: `s${d}`, name: `small-${String(d + 1).padStart(5, '0')}.txt`, text, annotations });
  }
  return { format: 'spanmark', version: 1, offsetUnit: 'codepoint', labels, documents };
}

/** Writes data/small-docs-N.json (see smallDocuments) and returns its path. */
export function smallDocumentsFile(n) {
  mkdirSync(DATA, { recursive: true });
  const file = path.join(DATA, `small-docs-${n}.json`);
  writeFileSync(file, JSON.stringify(smallDocuments(n)));
  return file;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(generate());
}
