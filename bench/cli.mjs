// `make bench-cli`: the command line and the native core on a generated corpus of 10,000
// documents (GUM news, repeated with a numbered line so every text differs), beside a
// Python reference measured in the same run:
// - `spanmark convert` JSONL → CoNLL and `spanmark agree` of two annotator layers:
//   documents per second and peak memory (GNU time), against seqeval computing the same
//   F1 from the same CoNLL files;
// - suggestions over 1,000 documents (~5 MB) with a 10,000-entry gazetteer (the core's
//   own example, release build).
// Writes bench/results/cli.{json,md}.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const DATA = path.join(HERE, 'data', 'cli');
const RESULTS = path.join(HERE, 'results');
const DOCS = Number(process.env.BENCH_CLI_DOCS ?? 10_000);
const SPANMARK = path.join(ROOT, 'target/release/spanmark');
const PYTHON = path.join(ROOT, '.venv/bin/python');

mkdirSync(DATA, { recursive: true });
mkdirSync(RESULTS, { recursive: true });

/** Two layers of DOCS documents as doccano JSONL: B relabels every 5th span and drops every 7th. */
function generate() {
  const a = path.join(DATA, `a-${DOCS}.jsonl`);
  const b = path.join(DATA, `b-${DOCS}.jsonl`);
  if (existsSync(a) && existsSync(b)) return { a, b };
  const gum = readFileSync(path.join(ROOT, 'tests/data/gum-news/gum_news_named.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const labels = [...new Set(gum.flatMap((d) => d.entities.map((s) => s[2])))];
  const outA = [];
  const outB = [];
  for (let i = 0; i < DOCS; i++) {
    const src = gum[i % gum.length];
    const spans = src.entities.map((s) => [s[0], s[1], s[2]]);
    const text = `${src.text}\nCopy ${i}.`;
    outA.push(JSON.stringify({ text, label: spans }));
    const bSpans = spans
      .filter((_, k) => k % 7 !== 6)
      .map((s, k) => (k % 5 === 4 ? [s[0], s[1], labels[(labels.indexOf(s[2]) + 1) % labels.length]] : s));
    outB.push(JSON.stringify({ text, label: bSpans }));
  }
  writeFileSync(a, `${outA.join('\n')}\n`);
  writeFileSync(b, `${outB.join('\n')}\n`);
  return { a, b };
}

/** Runs a command under GNU time: seconds, peak memory in MB, and its stdout. */
function timed(cmd, args) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const last = r.stderr.trim().split('\n').pop();
  const [seconds, kb] = last.split(' ').map(Number);
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}: ${r.stderr.slice(-2000)}`);
  return { seconds, mb: kb / 1024, stdout: r.stdout };
}

execFileSync('cargo', ['build', '--release', '-q', '-p', 'spanmark-cli'], { cwd: ROOT, stdio: 'inherit' });
const { a, b } = generate();
const conllA = path.join(DATA, 'a.conll');
const conllB = path.join(DATA, 'b.conll');
const convert = timed(SPANMARK, ['convert', a, '-t', 'conll', '-o', conllA]);
timed(SPANMARK, ['convert', b, '-t', 'conll', '-o', conllB]);
const agree = timed(SPANMARK, ['agree', a, b, '--mode', 'exact', '--format', 'json']);
const ours = JSON.parse(agree.stdout);

const seqevalScript = `
import sys
from seqeval.metrics import f1_score
def read(p):
    out, cur = [], []
    for line in open(p, encoding="utf-8"):
        line = line.rstrip("\\n")
        if not line.strip():
            if cur: out.append(cur); cur = []
            continue
        if line.startswith("-DOCSTART-"): continue
        cur.append(line.split()[-1])
    if cur: out.append(cur)
    return out
a, b = read(sys.argv[1]), read(sys.argv[2])
print(f1_score(a, b))
`;
const seqeval = timed(PYTHON, ['-c', seqevalScript, conllA, conllB]);

let suggest = null;
try {
  const out = execFileSync('cargo', ['run', '--release', '-q', '-p', 'spanmark-core', '--example', 'suggest_bench'], { cwd: ROOT, encoding: 'utf8' });
  suggest = out.trim();
} catch (err) {
  suggest = `failed: ${err.message}`;
}

const rate = (s) => Math.round(DOCS / s);
const result = {
  date: new Date().toISOString(),
  documents: DOCS,
  convert: { seconds: convert.seconds, docsPerSecond: rate(convert.seconds), peakMB: Math.round(convert.mb) },
  agree: { seconds: agree.seconds, docsPerSecond: rate(agree.seconds), peakMB: Math.round(agree.mb), f1: ours.pairs?.[0]?.micro?.f1 ?? ours.micro?.f1 ?? null },
  seqeval: { seconds: seqeval.seconds, docsPerSecond: rate(seqeval.seconds), peakMB: Math.round(seqeval.mb), f1: Number(seqeval.stdout.trim()) },
  suggestions: suggest,
};
writeFileSync(path.join(RESULTS, 'cli.json'), `${JSON.stringify(result, null, 2)}\n`);
const md = [
  `Command line on ${DOCS} generated documents (GUM news repeated), ${result.date}:`,
  '',
  '| run | seconds | documents / s | peak memory |',
  '| --- | ---: | ---: | ---: |',
  `| spanmark convert JSONL → CoNLL | ${convert.seconds} | ${result.convert.docsPerSecond} | ${result.convert.peakMB} MB |`,
  `| spanmark agree (exact) | ${agree.seconds} | ${result.agree.docsPerSecond} | ${result.agree.peakMB} MB |`,
  `| seqeval f1_score on the same CoNLL (Python) | ${seqeval.seconds} | ${result.seqeval.docsPerSecond} | ${result.seqeval.peakMB} MB |`,
  '',
  `seqeval's F1 ${result.seqeval.f1}; spanmark agree's exact F1 ${result.agree.f1}.`,
  '',
  'Suggestions (native release, `examples/suggest_bench.rs`):',
  '',
  '```',
  suggest,
  '```',
  '',
].join('\n');
writeFileSync(path.join(RESULTS, 'cli.md'), md);
console.log(md);
