"""Labelled sentence sets and the check that keeps tuning and evaluation apart.

The tuning set (tests/data/extract/labelled_sentences.csv) is what the lexicon's authors
read while writing rules. Evaluation sets are never read that way: ../shared/eval/ (the
development set of issue 11, read from ../shared, never copied) and tests/data/eval/
(written later by someone who saw neither the lexicon nor the other sets). A sentence of
the tuning set that appears in, or closely paraphrases, an evaluation set or a shipped
report would make a measurement on it a measurement of memory; `near_duplicates` finds
them (normalised text: word-set overlap, then character similarity).
"""

from __future__ import annotations

import csv
import difflib
import re
from functools import cache
from pathlib import Path

from loaders.textutil import fold

ROOT = Path(__file__).resolve().parent.parent
TUNING = ROOT / "tests" / "data" / "extract" / "labelled_sentences.csv"
EVALUATION = [ROOT.parent / "shared" / "eval" / "note_sentences.csv",
              *sorted((ROOT / "tests" / "data" / "eval").glob("*.csv"))]
JACCARD = 0.6  # share of words two sentences have in common, above which they are one sentence
SIMILARITY = 0.8  # character similarity (difflib ratio) above which they are one sentence


def normalise(text: str) -> str:
    """Lower-case words without accents or punctuation: "N'a pas" -> "n a pas"."""
    return " ".join(re.findall(r"\w+", fold(text)))


def sentences(path: Path) -> list[tuple[str, str]]:
    """(id, sentence) of a labelled CSV file."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["id"], row["sentence"]) for row in csv.DictReader(handle)]


@cache
def report_sentences() -> tuple[str, ...]:
    """Every sentence of the shipped reports (data/raw and data/demo): synopsis and notes."""
    from loaders.pipeline import read_report
    from loaders.textutil import split_sentences

    found: set[str] = set()
    files = [p for folder in ("raw", "demo") for p in sorted((ROOT / "data" / folder).iterdir())
             if p.suffix in (".md", ".docx", ".pdf") and p.name != "README.md"]
    for path in files:
        report = read_report(path)
        texts = [p.text for p in report.synopsis] + [n.text for a in report.actions for n in a.notes]
        found.update(s for text in texts for s in split_sentences(text))
    return tuple(sorted(found))


def near_duplicates(candidates: list[tuple[str, str]], others: list[str]) -> list[tuple[str, str, str]]:
    """(id, sentence, the other sentence) for each candidate that repeats or paraphrases one of ``others``."""
    prepared = [(normalise(o), set(normalise(o).split()), o) for o in others]
    found = []
    for key, sentence in candidates:
        text = normalise(sentence)
        words = set(text.split())
        for other_text, other_words, other in prepared:
            overlap = len(words & other_words) / max(1, len(words | other_words))
            if overlap >= JACCARD or overlap >= 0.3 and difflib.SequenceMatcher(
                    None, text, other_text).ratio() >= SIMILARITY:
                found.append((key, sentence, other))
                break
    return found
