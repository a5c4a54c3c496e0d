"""Independent implementations compute the agreement figures Spanmark's core computes.

`cargo run -p spanmark-core --example interchange_fixtures` writes, in
SPANMARK_FIXTURES/agreement/, three annotators' layers of the GUM news articles (the
named entities, all mentions, and all mentions relabelled now and then), each as CoNLL
IOB2 holds it (so no span overlaps another of its own layer), as CoNLL files and as span
JSON (code points, half-open), and core.json: the core's figures for three pairs.

seqeval reads the CoNLL files; nervaluate (1.2.1) reads the span JSON (its `end` is
inclusive, so it gets `end - 1`). Every figure must equal the core's to 1e-9. The mapping
asserted, for B against reference A:

- seqeval's entity P/R/F1 (micro, per label, macro)  = the core's Exact mode
- nervaluate `strict`  (same bounds, same type)        = the core's Exact mode
- nervaluate `exact`   (same bounds, any type)         = the core's Boundary mode
- nervaluate `ent_type` (overlap, same type)           = the core's Overlap mode
- nervaluate `partial` (overlap, any type; exact bounds count 1, other overlaps 1/2)
  = (boundary matches + (unlabelled overlap matches - boundary matches) / 2) / spans,
  with the unlabelled overlap matches from the core's Overlap mode on the layers
  with their labels removed
- Cohen's kappa computed here from the two CoNLL files' tags = the core's kappa

Why the layers are flat: nervaluate matches greedily, prediction by prediction, and a
prediction that overlaps a reference span without matching it uses that span up. When
no span overlaps another of its own layer, no prediction can use up the span that
another prediction matches, so nervaluate's counts are the core's one-to-one matching.
The test checks that the layers are flat before it compares.
"""

import json
import os
import unittest
from collections import Counter
from pathlib import Path

FIXTURES = Path(os.environ.get("SPANMARK_FIXTURES", "target/interchange")) / "agreement"
TOLERANCE = 1e-9


def core():
    return json.loads((FIXTURES / "core.json").read_text(encoding="utf-8"))


def read_conll(name):
    """The sentences of a CoNLL file: lists of (token, tag), documents run together."""
    sentences, current = [], []
    for line in (FIXTURES / name).read_text(encoding="utf-8").split("\n"):
        if line.startswith("-DOCSTART-"):
            continue
        if not line.strip():
            if current:
                sentences.append(current)
                current = []
            continue
        token, tag = line.rsplit(" ", 1)
        current.append((token, tag))
    if current:
        sentences.append(current)
    return sentences


def spans(name):
    """A layer's spans per document, as nervaluate's dict loader takes them."""
    docs = json.loads((FIXTURES / f"{name}.spans.json").read_text(encoding="utf-8"))
    return [[{"label": s["label"], "start": s["start"], "end": s["end"] - 1} for s in d["spans"]] for d in docs]


def tags(name):
    return [[tag for _, tag in sentence] for sentence in read_conll(f"{name}.iob2.conll")]


class Figures(unittest.TestCase):
    def close(self, got, want, what):
        self.assertAlmostEqual(got, want, delta=TOLERANCE, msg=what)


class SeqevalAgreesWithTheCore(Figures):
    def test_entity_f1_from_the_conll_files_is_the_exact_mode(self):
        from seqeval.metrics import classification_report, f1_score, precision_score, recall_score

        figures = core()
        self.assertEqual(len(figures["pairs"]), 3)
        for pair in figures["pairs"]:
            a, b = pair["a"], pair["b"]
            # The same texts, tokenized the same way: the token columns are identical.
            tokens = lambda n: [[t for t, _ in s] for s in read_conll(f"{n}.iob2.conll")]
            self.assertEqual(tokens(a), tokens(b))
            y_true, y_pred = tags(a), tags(b)
            exact = pair["modes"]["exact"]
            self.close(precision_score(y_true, y_pred), exact["micro"]["precision"], f"{a}/{b} precision")
            self.close(recall_score(y_true, y_pred), exact["micro"]["recall"], f"{a}/{b} recall")
            self.close(f1_score(y_true, y_pred), exact["micro"]["f1"], f"{a}/{b} F1")
            report = classification_report(y_true, y_pred, output_dict=True, zero_division=0)
            labels = {k for k in report if not k.endswith(" avg")}
            self.assertEqual(labels, set(exact["per_label"]))
            for label in labels:
                self.close(report[label]["f1-score"], exact["per_label"][label]["f1"], f"{a}/{b} {label}")
                self.assertEqual(report[label]["support"], exact["per_label"][label]["reference"])
            self.close(report["macro avg"]["f1-score"], exact["macro_f1"], f"{a}/{b} macro F1")
            print(f"\nseqeval {a} vs {b}: F1 {f1_score(y_true, y_pred):.6f} (the core's exact mode: {exact['micro']['f1']:.6f})")

    def test_cohens_kappa_from_the_conll_tags_is_the_cores(self):
        for pair in core()["pairs"]:
            x = [t for s in tags(pair["a"]) for t in s]
            y = [t for s in tags(pair["b"]) for t in s]
            n = len(x)
            self.assertEqual(n, pair["kappa"]["tokens"])
            observed = sum(1 for p, q in zip(x, y) if p == q) / n
            cx, cy = Counter(x), Counter(y)
            expected = sum(cx[t] / n * cy[t] / n for t in cx)
            kappa = (observed - expected) / (1 - expected)
            self.close(observed, pair["kappa"]["observed"], "observed agreement")
            self.close(expected, pair["kappa"]["expected"], "chance agreement")
            self.close(kappa, pair["kappa"]["kappa"], "kappa")


class NervaluateAgreesWithTheCore(Figures):
    def assert_flat(self, layer, name):
        for doc in layer:
            ordered = sorted((e["start"], e["end"]) for e in doc)
            for (s1, e1), (s2, e2) in zip(ordered, ordered[1:]):
                self.assertLess(e1, s2, f"{name}: spans of one layer do not overlap")

    def test_every_scenario_maps_to_a_core_mode(self):
        from nervaluate import Evaluator

        for pair in core()["pairs"]:
            a, b = pair["a"], pair["b"]
            true, pred = spans(a), spans(b)
            self.assert_flat(true, a)
            self.assert_flat(pred, b)
            labels = sorted({e["label"] for doc in true + pred for e in doc})
            result = Evaluator(true, pred, tags=labels, loader="dict").evaluate()
            overall = result["overall"]
            modes = pair["modes"]
            for scenario, mode in [("strict", "exact"), ("exact", "boundary"), ("ent_type", "overlap")]:
                got, want = overall[scenario], modes[mode]["micro"]
                self.assertEqual(got.correct, want["matched_candidate"], f"{a}/{b} {scenario}: correct = the {mode} mode's matches")
                self.assertEqual(got.actual, want["candidate"])
                self.assertEqual(got.possible, want["reference"])
                self.close(got.precision, want["precision"], f"{a}/{b} {scenario} precision")
                self.close(got.recall, want["recall"], f"{a}/{b} {scenario} recall")
                self.close(got.f1, want["f1"], f"{a}/{b} {scenario} F1")
            # partial: exact bounds count 1, any other overlap 1/2, whatever the types.
            boundary, any_label = modes["boundary"]["micro"], pair["overlap_any_label"]
            credit = boundary["matched_candidate"] + (any_label["matched_candidate"] - boundary["matched_candidate"]) / 2
            partial = overall["partial"]
            self.assertEqual(partial.correct, boundary["matched_candidate"])
            self.assertEqual(partial.partial, any_label["matched_candidate"] - boundary["matched_candidate"])
            self.close(partial.precision, credit / boundary["candidate"], f"{a}/{b} partial precision")
            self.close(partial.recall, credit / boundary["reference"], f"{a}/{b} partial recall")
            # Per label, strict is the exact mode's per-label figures.
            for label, got in result["entities"].items():
                want = modes["exact"]["per_label"][label]
                self.close(got["strict"].f1, want["f1"], f"{a}/{b} {label} strict F1")
            print(
                f"\nnervaluate {a} vs {b}: strict F1 {overall['strict'].f1:.6f}, exact {overall['exact'].f1:.6f}, "
                f"ent_type {overall['ent_type'].f1:.6f}, partial {overall['partial'].f1:.6f}"
            )


if __name__ == "__main__":
    unittest.main()
