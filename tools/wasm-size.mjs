// `make size-report`: what the wasm's bytes are, by feature. Reads twiggy's item sizes of
// the release module before wasm-opt (target/wasm32-unknown-unknown/release/spanmark.wasm,
// which keeps function names), groups them by the crate or core module they belong to, and
// writes bench/results/wasm-size.md beside the shipped module's raw and gzipped size.
// Generic code (Vec, iterators, hash maps) instantiated for Spanmark's types is named after
// core/alloc/hashbrown, not after the feature that instantiated it: that row is shared.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MODULE = path.join(ROOT, 'target/wasm32-unknown-unknown/release/spanmark.wasm');
const SHIPPED = path.join(ROOT, 'pkg/spanmark_bg.wasm');

// First match wins: [feature, test on the item's name].
const FEATURES = [
  ['names and wasm-bindgen metadata (stripped from the shipped module)', (n) => /"function names" subsection|__wasm_bindgen_unstable|custom section/.test(n)],
  ['static data (.rodata: Unicode tables, strings)', (n) => /^data segment/.test(n)],
  ['team sync (yrs, replica.rs)', (n) => /\byrs::|spanmark_core::replica|\barc_swap|\bdashmap|\bsmallvec|async_lock|event_listener/.test(n)],
  ['search and suggestions (regex, aho-corasick, search.rs, suggest/)', (n) => /regex_automata|regex_syntax|\bregex::|aho_corasick|memchr|spanmark_core::search|spanmark_core::suggest/.test(n)],
  ['zip (zip, flate2, miniz_oxide, crc32fast)', (n) => /\bzip::|miniz_oxide|flate2|crc32fast/.test(n)],
  ['formats (interchange/, roxmltree)', (n) => /spanmark_core::interchange|roxmltree/.test(n)],
  ['UAX #29 and NFKD (unicode-segmentation, unicode-normalization)', (n) => /unicode_segmentation|unicode_normalization/.test(n)],
  ['agreement and curation', (n) => /spanmark_core::agreement|spanmark_core::curation|spanmark_core::stats/.test(n)],
  ['serde and serde_json (parsers, serializers, their impls)', (n) => /serde/.test(n)],
  ['the rest of the core (workspace, ops, persist, offsets, …)', (n) => /spanmark_core::/.test(n)],
  ['the binding (src/, wasm-bindgen, js-sys, web-sys, gloo)', (n) => /\bspanmark::|wasm_bindgen|js_sys|web_sys|gloo/.test(n)],
  ['generic std code (core, alloc, hashbrown, dlmalloc, fmt)', () => true],
];

const csv = execFileSync('twiggy', ['top', '-n', '1000000', '--format', 'csv', MODULE], { maxBuffer: 1 << 28 }).toString();
const rows = csv.trim().split('\n').slice(1).map((line) => {
  const m = line.match(/^(.*),(\d+),([\d.]+),([\d.]*),([\d.]*)$/);
  return m ? { name: m[1].replace(/^"|"$/g, '').replaceAll('""', '"'), bytes: Number(m[2]) } : null;
}).filter(Boolean);
const totals = new Map(FEATURES.map(([f]) => [f, 0]));
for (const r of rows) {
  if (/^Σ|and \d+ more/.test(r.name)) continue;
  const [feature] = FEATURES.find(([, test]) => test(r.name));
  totals.set(feature, totals.get(feature) + r.bytes);
}
const all = [...totals.values()].reduce((a, b) => a + b, 0);
const shipped = readFileSync(SHIPPED);
const kib = (b) => `${(b / 1024).toFixed(0)} KiB`;
const lines = [
  `Shipped module (pkg/spanmark_bg.wasm, after wasm-opt): ${kib(shipped.length)} raw, ${kib(gzipSync(shipped, { level: 9 }).length)} gzipped.`,
  '',
  `Before wasm-opt (${kib(all)}), by feature:`,
  '',
  '| feature | bytes | share |',
  '| --- | ---: | ---: |',
  ...[...totals].sort((a, b) => b[1] - a[1]).map(([f, b]) => `| ${f} | ${kib(b)} | ${((100 * b) / all).toFixed(1)}% |`),
];
mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(path.join(ROOT, 'bench/results/wasm-size.md'), `${lines.join('\n')}\n`);
console.log(lines.join('\n'));
