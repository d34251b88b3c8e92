"""Precision and recall of the extraction lexicon on labelled sentences.

    python -m loaders.devtools.evaluate [CSV ...]

Each CSV (default: tests/data/extract/*.csv) has columns id, language, sentence,
delayed (0/1), causes and funding (semicolon lists). Every sentence is read as an
action's progress note. Prints one table per file and the sentences it gets wrong.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from loaders.extract import read_sentence
from loaders.lexicon import CAUSES
from loaders.reference import PROJECT_ROOT

LABELS = ("delayed", *CAUSES, "unspecified", "secured", "sought")
DEFAULT_DIR = PROJECT_ROOT / "tests" / "data" / "extract"


@dataclass
class Score:
    """True positives, false positives and false negatives of one label."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Evaluation:
    """Scores per label and the rows predicted wrongly."""

    name: str
    rows: int = 0
    scores: dict[str, Score] = field(default_factory=lambda: {label: Score() for label in LABELS})
    errors: list[tuple[str, str, set[str], set[str]]] = field(default_factory=list)


def _split(value: str) -> set[str]:
    return {v.strip() for v in value.split(";") if v.strip()}


def predicted_labels(sentence: str) -> set[str]:
    """The labels the extractor gives a sentence read as a note."""
    facts = read_sentence(sentence)
    labels = set(facts.statuses())
    if facts.delayed:
        labels |= {"delayed", *(facts.causes or {"unspecified": ""})}
    return labels


def evaluate(path: Path) -> Evaluation:
    """Score the extractor on one labelled CSV file."""
    result = Evaluation(name=path.name)
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            expected = _split(row["causes"]) | _split(row["funding"])
            if row["delayed"].strip() == "1":
                expected.add("delayed")
            predicted = predicted_labels(row["sentence"])
            result.rows += 1
            for label in LABELS:
                score = result.scores[label]
                if label in predicted and label in expected:
                    score.tp += 1
                elif label in predicted:
                    score.fp += 1
                elif label in expected:
                    score.fn += 1
            if predicted != expected:
                result.errors.append((row["id"], row["sentence"], expected, predicted))
    return result


def format_table(result: Evaluation) -> str:
    """A plain-text table: label, support, precision, recall."""
    lines = [f"{result.name}: {result.rows} sentences",
             f"  {'label':<13}{'support':>8}{'precision':>11}{'recall':>8}"]
    for label in LABELS:
        s = result.scores[label]
        lines.append(f"  {label:<13}{s.tp + s.fn:>8}{s.precision:>11.2f}{s.recall:>8.2f}")
    return "\n".join(lines)


def main(argv: Iterable[str] | None = None) -> int:
    """Print the tables (and, with --errors, the sentences the extractor gets wrong)."""
    parser = argparse.ArgumentParser(prog="python -m loaders.devtools.evaluate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--errors", action="store_true", help="list the misread sentences")
    args = parser.parse_args(list(argv) if argv is not None else None)
    files = args.files or sorted(DEFAULT_DIR.glob("*.csv"))
    for path in files:
        result = evaluate(path)
        print(format_table(result))
        if args.errors:
            for row_id, sentence, expected, predicted in result.errors:
                missing, extra = sorted(expected - predicted), sorted(predicted - expected)
                print(f"    {row_id}: missing {missing} extra {extra}: {sentence}")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
