"""The real consumers read Spanmark's exports: spaCy, the W3C Web Annotation JSON
schemas (jsonschema with URI and date format checks), brat's standoff rule and a brat
parser from PyPI (pybrat), seqeval, Label Studio's SDK, and doccano's
relation JSONL rules.

The corpus (GUM news, the demo articles, a hostile-Unicode document) and its
exports are written by `cargo run -p spanmark-core --example interchange_fixtures`
into SPANMARK_FIXTURES; truth.spanmark.json holds every annotation with its quote.
Each test checks what the consumer computes, not just that it ran.
"""

import json
import multiprocessing
import os
import re
import shutil
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


def truth_relations():
    """Every relation of the canonical truth: (document name, type, source quote,
    target quote) with its note and attributes."""
    out = []
    for d in truth()["documents"]:
        by_id = {a["id"]: a for a in d["annotations"]}
        for r in d.get("relations", []):
            out.append(((d["name"], r["type"], by_id[r["from"]]["text"], by_id[r["to"]]["text"]), r.get("note"), r.get("attributes", {})))
    return out


def record_spans(record):
    """A JSONL record's spans as (start, end, label): doccano's plain `label` triples,
    or its relation shape's `entities`."""
    if "label" in record:
        return [tuple(s) for s in record["label"]]
    return [(e["start_offset"], e["end_offset"], e["label"]) for e in record["entities"]]


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
            got = sorted((s, e, l, text[s:e]) for s, e, l in record_spans(record))
            self.assertEqual(got, want, "JSONL spans and their quotes equal the canonical export")
            spans = []
            for start, end, label in record_spans(record):
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
            self.assertEqual(len(doc.spans["sc"]), len(record_spans(record)))
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
        every = collection["first"]["items"]
        self.assertEqual(collection["total"], len(every))
        # Spans here; relations (motivation "linking") in the next test. The schemas judge both.
        items = [a for a in every if a["motivation"] != "linking"]
        docs = truth()["documents"]
        self.assertEqual(len(items), sum(len(d["annotations"]) for d in docs))
        by_name = {d["name"]: d for d in docs}
        # jsonschema resolves every $ref anew, about 14 ms an annotation: use both cores.
        with multiprocessing.get_context("fork").Pool(2) as pool:
            failures = [f for chunk in pool.map(_w3c_failures, [every[i::2] for i in range(2)]) for f in chunk]
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
        print(f"\nW3C: {len(every)} annotations ({len(every) - len(items)} of them relations) pass all 54 MUST assertions")

    def test_relations_link_the_two_span_annotations(self):
        collection = json.loads((FIXTURES / "corpus.w3c.jsonld").read_text(encoding="utf-8"))
        every = collection["first"]["items"]
        spans = {a["id"]: a for a in every if a["motivation"] != "linking"}
        links = [a for a in every if a["motivation"] == "linking"]
        self.assertEqual(_w3c_failures(links), [])
        relation_ids = {r["id"] for d in truth()["documents"] for r in d.get("relations", [])}
        lost = {l["annotation"] for l in losses("corpus.w3c.jsonld") if l["code"] == "not-carried"} & relation_ids
        got = []
        for link in links:
            source, target = link["target"]
            self.assertIn(source, spans)
            self.assertIn(target, spans)
            tags = [b["value"] for b in link["body"] if b["purpose"] == "tagging"]
            notes = [b["value"] for b in link["body"] if b["purpose"] == "commenting"]
            self.assertEqual(len(tags), 1)
            quote = lambda a: a["target"]["selector"][0]["exact"]
            name = re.sub(r"%([0-9A-F]{2})", lambda m: chr(int(m.group(1), 16)), spans[source]["target"]["source"].rsplit(":", 1)[1])
            got.append(((bytes(name, "latin-1").decode("utf-8"), tags[0], quote(spans[source]), quote(spans[target])), notes[0] if notes else None))
        want = [(key, note) for key, note, _ in truth_relations()]
        self.assertEqual(sorted(got, key=str), sorted(want, key=str))
        # What W3C drops of them (the attributes) is in its loss report.
        with_attributes = sum(1 for _, _, attributes in truth_relations() if attributes)
        self.assertEqual(len(lost), with_attributes)
        print(f"\nW3C: {len(links)} linking annotations target two span annotations each")


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


def pybrat_documents(names):
    """Each exported brat document whose .ann name `names` accepts, as pybrat parses it (one
    folder per document: pybrat reads a folder), with the zip's exact text:
    yields (ann name, pybrat Example, text)."""
    from pybrat.parser import BratParser

    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(FIXTURES / "corpus.brat.zip") as z:
        z.extractall(tmp)
        for ann_name in sorted(n for n in z.namelist() if n.endswith(".ann") and names(n)):
            one = Path(tmp) / "one"
            shutil.rmtree(one, ignore_errors=True)
            one.mkdir()
            for ext in (".ann", ".txt"):
                shutil.copy(Path(tmp) / (ann_name[:-4] + ext), one / (Path(ann_name[:-4]).name + ext))
            [example] = BratParser(error="raise").parse(one)
            yield ann_name, example, z.read(ann_name[:-4] + ".txt").decode("utf-8"), z


def brat_conf_sections(conf):
    """annotation.conf by section: each line's type and its `key:value|value` arguments."""
    sections, section = {}, None
    for line in conf.split("\n"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = sections.setdefault(line.strip("[]"), {})
            continue
        type_, _, args = line.partition("\t")
        section[type_] = {k: v.split("|") for k, v in (a.strip().split(":", 1) for a in args.split(",") if a.strip())}
    return sections


class BratParserReadsTheExport(unittest.TestCase):
    """A brat parser from PyPI (pybrat, which reads T, R, *, E and N lines and raises on
    any it cannot parse) reads every exported .ann: the relations are the canonical ones
    between the right spans, and annotation.conf declares every type they use for the
    labels of their ends. pybrat skips A and # lines, so those are read by the standoff
    rule (brat's documented line shapes) and checked against the same truth."""

    A_LINE = re.compile(r"^(A\d+)\t([A-Za-z0-9_-]+) ([TR]\d+)(?: ([^\t\n ]+))?$")
    NOTE_LINE = re.compile(r"^(#\d+)\tAnnotatorNotes ([TR]\d+)\t([^\n]*)$")

    def test_relations_attributes_and_notes_as_a_brat_parser_reads_them(self):
        got, textbounds, attributes_checked = [], 0, 0
        with zipfile.ZipFile(FIXTURES / "corpus.brat.zip") as z:
            conf = brat_conf_sections(z.read("annotation.conf").decode("utf-8"))
            visual = z.read("visual.conf").decode("utf-8")
        for ann_name, example, text, z in pybrat_documents(lambda n: True):
            # pybrat opens the .txt with universal newlines (CRLF reads as LF); brat's
            # offsets count the file's own characters, so spans are checked on those.
            self.assertEqual(example.text, text.replace("\r\n", "\n"))
            spans = {e.id: e for e in example.entities}
            textbounds += len(spans)
            for e in spans.values():
                self.assertIn(e.type, conf["entities"])
                self.assertEqual(e.mention, " ".join(text[sp.start:sp.end] for sp in e.spans))
            relations = {r.id: r for r in example.relations}
            source = z.read(ann_name).decode("utf-8")
            notes, attributes = {}, {}
            for line in source.split("\n"):
                if line.startswith("#"):
                    m = self.NOTE_LINE.match(line)
                    self.assertIsNotNone(m, line)
                    notes[m.group(2)] = m.group(3)
                elif line.startswith("A"):
                    m = self.A_LINE.match(line)
                    self.assertIsNotNone(m, line)
                    _, kind, target, value = m.groups()
                    attributes.setdefault(target, {})[kind] = value or "true"
                    declared = conf["attributes"][kind]
                    if target in relations:
                        self.assertTrue({"<RELATION>", relations[target].type} & set(declared["Arg"]), (kind, declared))
                    else:
                        self.assertIn(target, spans)
                        self.assertTrue({"<ENTITY>", spans[target].type} & set(declared["Arg"]), (kind, declared))
                    if value is not None:
                        self.assertIn(value, declared["Value"])
                    attributes_checked += 1
            for r in relations.values():
                declared = conf["relations"][r.type]
                for role, end in (("Arg1", r.arg1), ("Arg2", r.arg2)):
                    self.assertTrue({"<ENTITY>", end.type} & set(declared[role]), (r.type, role, end.type))
                self.assertIn(f"\n{r.type}\tcolor:#", visual)
                got.append(((ann_name[:-4], r.type, r.arg1.mention, r.arg2.mention), notes.get(r.id), attributes.get(r.id, {})))
        names = {Path(d["name"]).stem: d["name"] for d in truth()["documents"]}
        got = [((names.get(n, n), *rest), note, attrs) for (n, *rest), note, attrs in got]
        # brat notes are one line and its names hold no spaces: the loss report says so.
        changed = [l for l in losses("corpus.brat.zip") if l["code"] == "brat-changed"]
        want = [
            (key, note.replace("\r", " ").replace("\n", " ") if note else None, {k: v.replace(" ", "_") for k, v in attributes.items()})
            for key, note, attributes in truth_relations()
        ]
        self.assertEqual(sorted(got, key=str), sorted(want, key=str))
        self.assertGreaterEqual(len(changed), 2)
        self.assertEqual(json.loads((FIXTURES / "summary.json").read_text())["corpus.brat.zip"]["relations_written"], len(got))
        print(f"\npybrat: {textbounds} T lines, {len(got)} R lines; standoff rule: {attributes_checked} A lines")


class BratSchemaConf(unittest.TestCase):
    def test_the_schema_conf_declares_relations_with_their_argument_labels(self):
        conf = brat_conf_sections((FIXTURES / "schema.annotation.conf").read_text(encoding="utf-8"))
        self.assertEqual(conf["relations"]["MEETS"], {"Arg1": ["PERSON"], "Arg2": ["PERSON"], "<REL-TYPE>": ["symmetric"]})
        self.assertEqual(conf["relations"]["LOCATED_IN"]["Arg2"], ["GPE", "LOC", "FAC"])
        self.assertEqual(conf["attributes"]["negated"], {"Arg": ["<ENTITY>", "<RELATION>"]})
        self.assertIn("head_of_state", conf["attributes"]["role"]["Value"])
        # brat's storage form: [a-zA-Z0-9_-] for every type and attribute name.
        for section in ("entities", "relations", "attributes"):
            for name in conf.get(section, {}):
                self.assertRegex(name, r"^(<OVERLAP>|[A-Za-z0-9_-]+)$")


class DoccanoRelationJsonl(unittest.TestCase):
    """doccano's relation-extraction import: `entities` of {id, label, start_offset,
    end_offset} and `relations` of {id, from_id, to_id, type}, integer ids, offsets in
    characters, each relation between two entities of its record."""

    def test_relation_records_follow_doccanos_shape(self):
        lines = (FIXTURES / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
        docs = truth()["documents"]
        got = []
        for line, doc in zip(lines, docs):
            record = json.loads(line)
            if "relations" not in record:
                self.assertFalse(doc.get("relations"), doc["name"])
                continue
            self.assertNotIn("label", record, "one shape a record")
            text = record["text"]
            entities = {}
            for e in record["entities"]:
                self.assertEqual(set(e), {"id", "label", "start_offset", "end_offset"})
                self.assertIsInstance(e["id"], int)
                self.assertNotIn(e["id"], entities)
                self.assertTrue(0 <= e["start_offset"] < e["end_offset"] <= len(text))
                entities[e["id"]] = e
            ids = set()
            for r in record["relations"]:
                self.assertEqual(set(r), {"id", "from_id", "to_id", "type"})
                self.assertTrue(all(isinstance(r[k], int) for k in ("id", "from_id", "to_id")))
                self.assertNotIn(r["id"], ids)
                ids.add(r["id"])
                self.assertIsInstance(r["type"], str)
                quote = lambda e: text[e["start_offset"] : e["end_offset"]]
                got.append((doc["name"], r["type"], quote(entities[r["from_id"]]), quote(entities[r["to_id"]])))
        self.assertEqual(sorted(got), sorted(key for key, _, _ in truth_relations()))
        # doccano's relations have no notes or attributes: the loss report lists each one that had some.
        had = sum(1 for _, note, attributes in truth_relations() if note or attributes)
        self.assertEqual(len([l for l in losses("corpus.jsonl") if l["code"] == "not-carried" and l["annotation"].startswith("r")]), had)
        print(f"\ndoccano: {len(got)} relations between entities of their records")


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
                    if r["type"] != "labels":
                        continue
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

    def test_relations_validate_against_the_config(self):
        import xml.etree.ElementTree as ET

        from label_studio_sdk.label_interface import LabelInterface

        config = (FIXTURES / "label-studio-config.xml").read_text(encoding="utf-8")
        relation_types = {r.get("value") for r in ET.fromstring(config).iter("Relation")}
        interface = LabelInterface(config)
        tasks = json.loads((FIXTURES / "corpus.label-studio.json").read_text(encoding="utf-8"))
        symmetric = {"MEETS"}
        got = []
        for task in tasks:
            for annotation in task["annotations"]:
                regions = {r["id"]: r for r in annotation["result"] if r["type"] != "relation"}
                for r in (r for r in annotation["result"] if r["type"] == "relation"):
                    # The SDK checks the type, the direction and that both ends are regions of the annotation.
                    self.assertEqual(interface.validate_relation(r, list(regions.values()), return_errors=True), [])
                    self.assertEqual(len(r["labels"]), 1)
                    self.assertIn(r["labels"][0], relation_types)
                    self.assertEqual(r["direction"], "bi" if r["labels"][0] in symmetric else "right")
                    quote = lambda id: regions[id]["value"]["text"]
                    got.append((task["data"]["name"], r["labels"][0], quote(r["from_id"]), quote(r["to_id"])))
                # A relation to a region that is not there is refused.
                if any(r["type"] == "relation" for r in annotation["result"]):
                    bad = dict(annotation, result=annotation["result"] + [{"type": "relation", "from_id": "nowhere", "to_id": next(iter(regions)), "direction": "right", "labels": ["MEETS"]}])
                    self.assertFalse(interface.validate_annotation(bad))
        self.assertEqual(sorted(got), sorted(key for key, _, _ in truth_relations()))
        print(f"\nLabel Studio SDK: {len(got)} relation results validate against the exported config")

    def test_span_attributes_are_per_region_choices_of_the_config(self):
        from label_studio_sdk.label_interface import LabelInterface

        config = (FIXTURES / "label-studio-config.xml").read_text(encoding="utf-8")
        interface = LabelInterface(config)
        tasks = json.loads((FIXTURES / "corpus.label-studio.json").read_text(encoding="utf-8"))
        got = []
        for task in tasks:
            for annotation in task["annotations"]:
                labels = {r["id"]: r for r in annotation["result"] if r["type"] == "labels"}
                for r in annotation["result"]:
                    if r["type"] not in ("choices", "textarea"):
                        continue
                    # The SDK checks the control exists and the choice is one of it.
                    self.assertEqual(interface.validate_region(r, return_errors=True), [], r)
                    region = labels[r["id"]]["value"]
                    self.assertEqual((r["value"]["start"], r["value"]["end"]), (region["start"], region["end"]))
                    value = r["value"]["choices"] if r["type"] == "choices" else r["value"]["text"]
                    got.append((task["data"]["name"], region["text"], r["from_name"], value[0]))
        schema = {a["id"] for a in truth()["attributes"]}
        want = [
            (d["name"], a["text"], name, value)
            for d in truth()["documents"]
            for a in d["annotations"]
            for name, value in a.get("attributes", {}).items()
            if name in schema
        ]
        self.assertEqual(sorted(got), sorted(want))
        self.assertGreater(len(got), 0)
        print(f"\nLabel Studio SDK: {len(got)} span attributes validate as per-region controls")


if __name__ == "__main__":
    unittest.main(verbosity=2)


class EntityLinksReachTheirConsumers(unittest.TestCase):
    """An annotation linked to a registry entity with a Wikidata identifier carries it:
    spaCy reads the JSONL kb_ids as Span.kb_id_, pybrat reads brat's N lines as the
    entity's references, and the W3C export has an identifying body whose source is the
    item's IRI (which the schemas validate with every other annotation)."""

    def test_spacy_reads_kb_id(self):
        import spacy

        nlp = spacy.blank("en")
        linked = 0
        for line in (FIXTURES / "corpus.jsonl").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            doc = nlp.make_doc(record["text"])
            for start, end, kb_id in record.get("kb_ids", []):
                label = next(l for s, e, l in record_spans(record) if (s, e) == (start, end))
                span = doc.char_span(start, end, label=label, kb_id=kb_id, alignment_mode="expand")
                self.assertEqual(span.kb_id_, kb_id)
                if record["text"][start:end] == "Vladimir Putin":
                    self.assertEqual(kb_id, "Wikidata:Q7747")
                    linked += 1
        self.assertGreaterEqual(linked, 2, "every Vladimir Putin of both demo articles")

    def test_pybrat_reads_the_n_lines(self):
        found = 0
        for _, example, _, _ in pybrat_documents(lambda n: "putin" in n or "kim-jong-un" in n):
            for e in example.entities:
                if e.mention == "Vladimir Putin" and e.type == "PERSON":
                    self.assertEqual([(r.rid, r.eid) for r in e.references], [("Wikidata", "Q7747")])
                    found += 1
        self.assertGreaterEqual(found, 2)

    def test_w3c_identifying_bodies_name_the_item(self):
        collection = json.loads((FIXTURES / "corpus.w3c.jsonld").read_text(encoding="utf-8"))
        items = collection["first"]["items"] if "first" in collection else collection.get("items", [])
        sources = [b.get("source") for a in items for b in (a.get("body") if isinstance(a.get("body"), list) else [a.get("body")]) if isinstance(b, dict) and b.get("purpose") == "identifying"]
        self.assertIn("http://www.wikidata.org/entity/Q7747", sources)
