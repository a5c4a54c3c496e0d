"""The real consumers read Spanmark's exports: spaCy, the W3C Web Annotation JSON
schemas (jsonschema with URI and date format checks), brat's standoff rule, seqeval,
and Label Studio's SDK.

The corpus (GUM news, the demo articles, a hostile-Unicode document) and its
exports are written by `cargo run -p spanmark-core --example interchange_fixtures`
into SPANMARK_FIXTURES; truth.spanmark.json holds every annotation with its quote.
Each test checks what the consumer computes, not just that it ran.
"""

import json
import multiprocessing
import os
import re
import tempfile
import unittest
import zipfile
from pathlib import Path

FIXTURES = Path(os.environ.get("SPANMARK_FIXTURES", "target/interchange"))
SCHEMAS = Path(os.environ.get("W3C_SCHEMAS", "tests/data/w3c-annotation-schemas"))


def truth():
    return json.loads((FIXTURES / "truth.spanmark.json").read_text(encoding="utf-8"))


def losses(name):
    return json.loads((FIXTURES / f"{name}.losses.json").read_text(encoding="utf-8"))


class SpacyReadsJsonl(unittest.TestCase):
    def test_every_span_resolves_with_char_span(self):
        import spacy

        nlp = spacy.blank("en")
        lines = (FIXTURES / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
        docs = truth()["documents"]
        self.assertEqual(len(lines), len(docs))
        strict = expanded = 0
        for line, expected in zip(lines, docs):
            record = json.loads(line)
            text = record["text"]
            self.assertEqual(text, expected["text"])
            doc = nlp.make_doc(text)
            starts = {t.idx for t in doc}
            ends = {t.idx + len(t) for t in doc}
            want = sorted((a["start"], a["end"], a["label"], a["text"]) for a in expected["annotations"])
            got = sorted((s, e, l, text[s:e]) for s, e, l in record["label"])
            self.assertEqual(got, want, "JSONL spans and their quotes equal the canonical export")
            spans = []
            for start, end, label in record["label"]:
                span = doc.char_span(start, end, label=label, alignment_mode="strict")
                if start in starts and end in ends:
                    self.assertIsNotNone(span, f"strict char_span({start}, {end}) on token boundaries")
                    self.assertEqual(span.text, text[start:end])
                    strict += 1
                else:
                    self.assertIsNone(span)
                    wide = doc.char_span(start, end, label=label, alignment_mode="expand")
                    self.assertIsNotNone(wide, f"expand char_span({start}, {end})")
                    self.assertLessEqual(wide.start_char, start)
                    self.assertGreaterEqual(wide.end_char, end)
                    span = wide
                    expanded += 1
                spans.append(span)
            # Overlapping spans are what span groups are for.
            doc.spans["sc"] = spans
            self.assertEqual(len(doc.spans["sc"]), len(record["label"]))
        self.assertGreater(strict, 4000)
        print(f"\nspaCy: {strict} spans on token boundaries (strict), {expanded} inside tokens (expand)")


class W3cSchemasValidateEveryAnnotation(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        from jsonschema import Draft4Validator
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4

        # The suite names its files relatively ("id.json#/definitions/..."), and a
        # draft-04 schema with a root $ref ignores its own id, so the definition files
        # are registered under those relative names.
        def load(path):
            return json.loads(path.read_text(encoding="utf-8"))

        registry = Registry().with_resources(
            (path.name, Resource.from_contents(load(path), default_specification=DRAFT4)) for path in (SCHEMAS / "definitions").glob("*.json")
        )
        musts = load(SCHEMAS / "annotations" / "annotationMusts.test")["assertions"]
        cls.validators = [
            (rel, Draft4Validator(load(SCHEMAS / rel), registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)) for rel in musts
        ]

    def test_format_checks_are_live(self):
        from jsonschema import Draft4Validator

        # Without rfc3987 and rfc3339-validator these formats are silently not checked.
        checker = Draft4Validator.FORMAT_CHECKER
        self.assertIn("uri", checker.checkers)
        self.assertIn("date-time", checker.checkers)
        self.assertFalse(checker.conforms("not a uri", "uri"))
        self.assertFalse(checker.conforms("2023-09-13 noon", "date-time"))
        self.assertEqual(len(self.validators), 54)

    def test_the_suites_own_samples_behave(self):
        def passes(anno):
            return all(v.is_valid(anno) for _, v in self.validators)

        def annotations(folder):
            out = []
            for p in sorted((SCHEMAS / "samples" / folder).glob("*.json")):
                try:
                    doc = json.loads(p.read_text())
                except json.JSONDecodeError:
                    continue  # some incorrect samples are not JSON at all
                if isinstance(doc, dict) and doc.get("type") == "Annotation":
                    out.append((p.name, doc))
            return out

        correct, incorrect = annotations("correct"), annotations("incorrect")
        # anno11-13 target the draft-era Composite, List and Independents sets, which
        # the suite's own 3.2-targetObjectsRecognized schema rejects.
        rejected = [name for name, doc in correct if not passes(doc)]
        self.assertEqual(rejected, ["anno11.json", "anno12.json", "anno13.json"])
        self.assertGreater(len(correct), 30)
        failing = [name for name, doc in incorrect if not passes(doc)]
        self.assertEqual(len(failing), len(incorrect), "the validators reject every incorrect Annotation sample")
        self.assertGreater(len(incorrect), 10)

    def test_every_exported_annotation_passes_every_must(self):
        collection = json.loads((FIXTURES / "corpus.w3c.jsonld").read_text(encoding="utf-8"))
        self.assertEqual(collection["type"], "AnnotationCollection")
        items = collection["first"]["items"]
        docs = truth()["documents"]
        self.assertEqual(len(items), sum(len(d["annotations"]) for d in docs))
        self.assertEqual(collection["total"], len(items))
        by_name = {d["name"]: d for d in docs}
        # jsonschema resolves every $ref anew, about 14 ms an annotation: use both cores.
        with multiprocessing.get_context("fork").Pool(2) as pool:
            failures = [f for chunk in pool.map(_w3c_failures, [items[i::2] for i in range(2)]) for f in chunk]
        self.assertEqual(failures, [])
        for anno in items:
            # The selectors agree with the text: positions count code points.
            source = anno["target"]["source"]
            name = re.sub(r"%([0-9A-F]{2})", lambda m: chr(int(m.group(1), 16)), source.rsplit(":", 1)[1])
            text = by_name[bytes(name, "latin-1").decode("utf-8")]["text"]
            quote, position = anno["target"]["selector"]
            self.assertEqual(text[position["start"]:position["end"]], quote["exact"])
            self.assertTrue(text[: position["start"]].endswith(quote["prefix"]))
            self.assertTrue(text[position["end"]:].startswith(quote["suffix"]))
        print(f"\nW3C: {len(items)} annotations pass all 54 MUST assertions")


def _w3c_failures(items):
    return [
        (anno["id"], rel, error.message)
        for anno in items
        for rel, validator in W3cSchemasValidateEveryAnnotation.validators
        for error in validator.iter_errors(anno)
    ]


class BratStandoffRule(unittest.TestCase):
    def test_text_after_the_second_tab_is_the_slice_of_the_txt(self):
        checked = 0
        with zipfile.ZipFile(FIXTURES / "corpus.brat.zip") as z:
            names = set(z.namelist())
            self.assertIn("annotation.conf", names)
            conf = z.read("annotation.conf").decode("utf-8")
            for ann_name in sorted(n for n in names if n.endswith(".ann")):
                txt_name = ann_name[:-4] + ".txt"
                self.assertIn(txt_name, names)
                # brat reads the .txt as UTF-8 with its line endings untouched.
                text = z.read(txt_name).decode("utf-8")
                for line in z.read(ann_name).decode("utf-8").split("\n"):
                    if not line.startswith("T"):
                        continue
                    tid, type_offsets, quote = line.split("\t")
                    type_, offsets = type_offsets.split(" ", 1)
                    self.assertIn(f"\n{type_}\n", conf, "every type is declared")
                    fragments = [tuple(map(int, f.split())) for f in offsets.split(";")]
                    for s, e in fragments:
                        self.assertTrue(0 <= s < e <= len(text))
                        self.assertNotIn("\n", text[s:e])
                    self.assertEqual(" ".join(text[s:e] for s, e in fragments), quote, f"{ann_name} {tid}")
                    checked += 1
        written = json.loads((FIXTURES / "summary.json").read_text())["corpus.brat.zip"]["written"]
        fragmented = sum(1 for l in losses("corpus.brat.zip") if l["code"] == "brat-fragments")
        self.assertEqual(checked, written)
        print(f"\nbrat: {checked} T lines hold ({fragmented} written as fragments)")

    def test_notes_references_and_attributes_are_written(self):
        with zipfile.ZipFile(FIXTURES / "corpus.brat.zip") as z:
            ann = z.read("unicode-stress.ann").decode("utf-8")
        self.assertRegex(ann, r"(?m)^#1\tAnnotatorNotes T\d+\tHangul name$")
        self.assertRegex(ann, r"(?m)^N1\tReference T\d+ Wikidata:Q56226\tKim Jong Un$")
        self.assertRegex(ann, r"(?m)^A\d\tNegated T\d+$")
        self.assertRegex(ann, r"(?m)^A\d\tConfidence T\d+ high$")


class SeqevalReadsConll(unittest.TestCase):
    def read(self, name):
        documents, sentence = [], []
        for line in (FIXTURES / name).read_text(encoding="utf-8").split("\n"):
            fields = line.split()
            if fields[:1] == ["-DOCSTART-"]:
                documents.append([])
                continue
            if not fields:
                if sentence:
                    documents[-1].append(sentence)
                sentence = []
                continue
            self.assertEqual(len(fields), 2, repr(line))
            sentence.append((fields[0], fields[1]))
        if sentence:
            documents[-1].append(sentence)
        return documents

    def expected_entities(self, name):
        """Character spans of what the loss report does not list, from the canonical truth."""
        lost = {(l["document"], l["annotation"]) for l in losses(name) if l["code"].startswith("conll-") and l["annotation"]}
        return [
            sorted((a["start"], a["end"], a["label"]) for a in d["annotations"] if (d["id"], a["id"]) not in lost)
            for d in truth()["documents"]
        ]

    def test_every_scheme_decodes_to_the_exported_spans(self):
        from seqeval.metrics import classification_report, f1_score
        from seqeval.metrics.sequence_labeling import get_entities
        from seqeval.scheme import IOB2, IOBES

        docs = truth()["documents"]
        for name, scheme in [("corpus.iob2.conll", IOB2), ("corpus.bioes.conll", IOBES), ("corpus.iob1.conll", None)]:
            conll = self.read(name)
            self.assertEqual(len(conll), len(docs))
            expected = self.expected_entities(name)
            total = 0
            for doc, sentences, want in zip(docs, conll, expected):
                # Walk the text to find where each token lies: tokens are verbatim and in order.
                text, at, got = doc["text"], 0, []
                for sentence in sentences:
                    places = []
                    for token, _ in sentence:
                        found = text.index(token, at)
                        self.assertEqual(text[at:found].strip(), "", "only whitespace lies between tokens")
                        at = found
                        places.append((at, at + len(token)))
                        at += len(token)
                    tags = [t for _, t in sentence]
                    for label, first, last in get_entities(tags):
                        got.append((places[first][0], places[last][1], label))
                self.assertEqual(sorted(got), want, f"{name}: {doc['name']}")
                total += len(got)
            y = [[t for _, t in s] for d in conll for s in d]
            if scheme is not None:
                # Strict mode raises on a sequence that breaks the scheme.
                self.assertEqual(f1_score(y, y, mode="strict", scheme=scheme), 1.0)
                report = classification_report(y, y, mode="strict", scheme=scheme, output_dict=True)
                self.assertEqual(sum(v["support"] for k, v in report.items() if k not in ("micro avg", "macro avg", "weighted avg")), total)
            written = json.loads((FIXTURES / "summary.json").read_text())[name]["written"]
            self.assertEqual(total, written)
            print(f"\nseqeval {name}: {total} entities; {len([l for l in losses(name) if l['code'].startswith('conll-') and l['annotation']])} annotations listed as not representable")


class SeqevalFindsEveryNewsName(unittest.TestCase):
    """A news text full of titles, initials and abbreviations ("Mr.", "Thomas E.
    Meador", "U.S. Army", "Jan. 5"): the CoNLL export cuts no name at a period."""

    def test_every_name_is_one_entity(self):
        from seqeval.metrics.sequence_labeling import get_entities
        from seqeval.scheme import IOB2
        from seqeval.metrics import f1_score

        truth_news = json.loads((FIXTURES / "news.truth.json").read_text(encoding="utf-8"))
        text = truth_news["text"]
        sentences = SeqevalReadsConll.read(self, "news.iob2.conll")[0]
        at, got = 0, []
        for sentence in sentences:
            places = []
            for token, _ in sentence:
                found = text.index(token, at)
                self.assertEqual(text[at:found].strip(), "")
                places.append((found, found + len(token)))
                at = found + len(token)
            for label, first, last in get_entities([t for _, t in sentence]):
                got.append((places[first][0], places[last][1], label))
        want = [(n["start"], n["end"], n["label"]) for n in truth_news["names"]]
        self.assertEqual(sorted(got), sorted(want))
        self.assertEqual([text[s:e] for s, e, _ in sorted(got)], [n["text"] for n in truth_news["names"]])
        y = [[t for _, t in s] for s in sentences]
        self.assertEqual(f1_score(y, y, mode="strict", scheme=IOB2), 1.0)
        print(f"\nseqeval news: {len(got)} of {len(want)} names found, in {len(sentences)} sentences")


class RecogitoRoundTripValidates(unittest.TestCase):
    """A Recogito-shaped W3C file (a highlight without a body, a comment thread,
    refinedBy selectors), imported and exported again, passes every MUST schema."""

    def test_reexport_passes_every_must(self):
        W3cSchemasValidateEveryAnnotation.setUpClass()
        collection = json.loads((FIXTURES / "recogito.w3c.jsonld").read_text(encoding="utf-8"))
        items = collection["first"]["items"]
        self.assertEqual(len(items), 4)
        self.assertEqual(_w3c_failures(items), [])
        text = json.loads((FIXTURES / "news.truth.json").read_text(encoding="utf-8"))["text"]
        got = []
        for anno in items:
            quote, position = anno["target"]["selector"]
            self.assertEqual(text[position["start"] : position["end"]], quote["exact"])
            tags = [b["value"] for b in anno.get("body", []) if b["purpose"] == "tagging"]
            notes = [b["value"] for b in anno.get("body", []) if b["purpose"] == "commenting"]
            got.append((quote["exact"], anno["motivation"], tags, notes))
        self.assertEqual(
            got,
            [
                ("Mr. Carlucci", "highlighting", [], []),
                ("Dr. Kim Jong-un", "commenting", [], ["Who is he?\nThe defence secretary."]),
                ("Thomas E. Meador", "tagging", ["PERSON"], []),
                ("U.S. Army", "tagging", ["ORG"], []),
            ],
        )
        print(f"\nW3C Recogito round trip: {len(items)} annotations pass all {len(W3cSchemasValidateEveryAnnotation.validators)} MUST schemas")


class LabelStudioSdkLoadsTheExport(unittest.TestCase):
    def test_tasks_validate_and_convert(self):
        from label_studio_sdk.converter import Converter
        from label_studio_sdk.label_interface import LabelInterface

        config = (FIXTURES / "label-studio-config.xml").read_text(encoding="utf-8")
        tasks = json.loads((FIXTURES / "corpus.label-studio.json").read_text(encoding="utf-8"))
        docs = truth()["documents"]
        self.assertEqual(len(tasks), len(docs))
        interface = LabelInterface(config)
        regions = 0
        # The SDK's validate_task calls validate_annotation() without its argument when
        # a task holds annotations (label-studio-sdk 2.1.2), so the task's data and each
        # annotation are validated apart.
        bogus = {"result": [dict(tasks[0]["annotations"][0]["result"][0], value=dict(tasks[0]["annotations"][0]["result"][0]["value"], labels=["NOT_A_LABEL"]))]}
        self.assertFalse(interface.validate_annotation(bogus), "the validator rejects a label the config lacks")
        for task, doc in zip(tasks, docs):
            self.assertTrue(interface.validate_task({"data": task["data"]}), f"task {task['id']}")
            for annotation in task["annotations"]:
                self.assertTrue(interface.validate_annotation(annotation), [interface.validate_region(r, return_errors=True) for r in annotation["result"]][:3])
                for r in annotation["result"]:
                    v = r["value"]
                    self.assertEqual(doc["text"][v["start"]:v["end"]], v["text"])
                    regions += 1
        self.assertEqual(regions, sum(len(d["annotations"]) for d in docs))
        with tempfile.TemporaryDirectory() as out:
            Converter(config, project_dir=out, download_resources=False).convert_to_json_min(str(FIXTURES / "corpus.label-studio.json"), out, is_dir=False)
            converted = json.loads(next(Path(out).glob("*.json")).read_text(encoding="utf-8"))
        got = sorted((item["id"], l["start"], l["end"], l["labels"][0], l["text"]) for item in converted for l in item.get("label", []))
        want = sorted((t["id"], a["start"], a["end"], a["label"], a["text"]) for t, d in zip(tasks, docs) for a in d["annotations"])
        self.assertEqual(got, want)
        print(f"\nLabel Studio SDK: {len(tasks)} tasks and {regions} regions validate; its converter gives back every span")


if __name__ == "__main__":
    unittest.main(verbosity=2)
