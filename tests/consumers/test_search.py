"""Python's `re` agrees with Spanmark's search: for each case written by
`cargo run -p spanmark-core --example search_fixtures -- target/search`, the core's
hits, converted to code points through the document's offset index, equal what
`re.finditer` finds with the same flags (re.IGNORECASE for ignoring case, `\\b...\\b`
for whole words, `re.escape` for plain text); and annotate-all offers exactly
re.finditer's hits less the occurrence already tagged.

Run on its own:
    cargo run -q -p spanmark-core --example search_fixtures -- target/search
    SPANMARK_SEARCH_FIXTURES=target/search .venv/bin/python -m unittest tests/consumers/test_search.py -v
`make test-consumers` runs both steps (the folder defaults to target/search).
"""

import json
import os
import re
import unittest
from pathlib import Path

FIXTURES = Path(os.environ.get("SPANMARK_SEARCH_FIXTURES", "target/search"))


def python_hits(case):
    pattern = case["pattern"] if case["mode"] == "regex" else re.escape(case["pattern"])
    if case["whole_word"]:
        pattern = r"\b(?:" + pattern + r")\b"
    flags = re.UNICODE | (re.IGNORECASE if case["ignore_case"] else 0)
    return [[m.start(), m.end()] for m in re.finditer(pattern, case["text"], flags) if m.end() > m.start()]


class PythonReAgrees(unittest.TestCase):
    def setUp(self):
        data = json.loads((FIXTURES / "search.json").read_text(encoding="utf-8"))
        self.assertEqual(data["offset_unit"], "code point")
        self.cases = data["cases"]

    def test_every_case_finds_what_re_finditer_finds(self):
        self.assertGreaterEqual(len(self.cases), 20)
        for case in self.cases:
            with self.subTest(pattern=case["pattern"], mode=case["mode"], ignore_case=case["ignore_case"], whole_word=case["whole_word"]):
                self.assertEqual(case["hits_cp"], python_hits(case))

    def test_annotate_all_offers_every_other_hit_of_re_finditer(self):
        # The first occurrence is tagged; the core offers the others, which are exactly
        # re.finditer's hits less the tagged one.
        others = json.loads((FIXTURES / "search.json").read_text(encoding="utf-8"))["occurrences"]
        self.assertGreaterEqual(len(others), 5)
        for case in others:
            with self.subTest(pattern=case["pattern"], ignore_case=case["ignore_case"], whole_word=case["whole_word"]):
                expected = [hit for hit in python_hits(case) if hit != case["tagged_cp"]]
                self.assertEqual(case["hits_cp"], expected)
                self.assertTrue(expected, "each case has other occurrences to offer")

    def test_the_cases_are_not_vacuous(self):
        # Most cases find something, several find more than one hit, and the texts hold
        # every kind of character the fixtures promise.
        found = [c for c in self.cases if c["hits_cp"]]
        self.assertGreaterEqual(len(found), len(self.cases) - 1)
        self.assertTrue(any(len(c["hits_cp"]) >= 3 for c in self.cases))
        texts = "".join({c["text"] for c in self.cases})
        for needle in ["\u200d", "\u0301", "\r\n", "\u1100", "김", "П", "\U0001F44B"]:
            self.assertIn(needle, texts)
        # Every hit quotes the text it points at, in code points.
        for case in found:
            for start, end in case["hits_cp"]:
                self.assertLess(start, end)
                self.assertLessEqual(end, len(case["text"]))


if __name__ == "__main__":
    unittest.main()
