// Seeded generator for the benchmark: a ~1 MB news-like article with non-ASCII text
// (typographic quotes and dashes, accented letters, Hangul, Cyrillic, emoji) and N
// annotations on word boundaries, about 10% of them nested in or crossing another.
//
// Writes, for each N, the same annotations in two shapes:
//   data/spanmark-N.json  canonical Spanmark JSON (code points)
//   data/recogito-N.json  {text, annotations} for @recogito/text-annotator (UTF-16 offsets)
// and data/article.txt (the plain text, for the floor).

import { mkdirSync, writeFileSync } from 'node:fs';
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

/** Builds the article: returns the text and its word tokens (UTF-16 offsets). */
export function article(seed = 20230913) {
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
  while (bytes < TARGET_BYTES) {
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

export function generate() {
  mkdirSync(DATA, { recursive: true });
  const { text, tokens } = article();
  writeFileSync(path.join(DATA, 'article.txt'), text);
  const cp = codePointTable(text);
  const labels = LABELS.map((id, i) => ({ id, name: id, color: ['#4e79a7', '#f28e2b', '#59a14f', '#76b7b2', '#c9a227', '#b07aa1', '#ff7f9f', '#e15759'][i], hotkey: String(i + 1), description: '' }));
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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(generate());
}
