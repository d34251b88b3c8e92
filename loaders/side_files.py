"""Data files that sit beside report files in a report folder (written by the demo generator).

- ``demo_parties.csv``: fictional Parties beyond those of data/reference/parties.csv,
  with the columns of parties.csv (read by `loaders.reference.side_parties`, so reports
  of these Parties load with ``parse``, ``load`` and ``build`` alike).
- ``secretariat_ratings.csv``: fictional Secretariat assessments of demo reports, with
  the columns of data/reference/rating_summaries.csv; ``build`` loads them into
  core_rating_summaries marked ``is_demo``. Only demo Parties may appear in it.

Neither file is a report: `is_side_file` keeps them out of the files a build parses.
"""

from __future__ import annotations

import csv
from pathlib import Path

from loaders.errors import SideFileError
from loaders.reference import DEMO_PARTIES_FILE, REFERENCE_DIR, reference

SECRETARIAT_FILE = "secretariat_ratings.csv"
SIDE_FILES = frozenset({DEMO_PARTIES_FILE, SECRETARIAT_FILE})
ASSESSORS = ("party", "secretariat")
RATING_COLUMNS = ("party_iso3", "meeting_code", "assessor", "rating_scale", "rating_code", "share_pct",
                  "action_count", "n_actions", "source_document", "note", "is_demo")


def is_side_file(path: Path) -> bool:
    """Whether a file in a report folder is one of the data files above, not a report."""
    return path.name in SIDE_FILES


def summary_columns() -> tuple[str, ...]:
    """The header of data/reference/rating_summaries.csv (a secretariat_ratings.csv must match it)."""
    with (REFERENCE_DIR / "rating_summaries.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(next(csv.reader(handle)))


def secretariat_rows(path: Path, demo_parties: set[str]) -> list[tuple]:
    """The rows of a secretariat_ratings.csv for core_rating_summaries (`RATING_COLUMNS` order).

    Raises `SideFileError` naming the line when a row is unusable: a Party that is not a
    demo Party (``demo_parties``: their codes), an unknown assessor or rating, a count
    that is not a whole number.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != summary_columns():
            raise SideFileError(path, f"expected the columns {', '.join(summary_columns())} "
                                      "(as in data/reference/rating_summaries.csv)")
        rows = [{k: (v or "").strip() for k, v in row.items()} for row in reader]
    return [_rating_row(path, line, row, demo_parties) for line, row in enumerate(rows, start=2)]


def _rating_row(path: Path, line: int, row: dict[str, str], demo_parties: set[str]) -> tuple:
    where = f"line {line}"
    if row["party_iso3"] not in demo_parties:
        raise SideFileError(path, f"{where}: {row['party_iso3']!r} is not a demo Party; "
                                  "only fictional Parties may have figures here")
    if row["assessor"] not in ASSESSORS:
        raise SideFileError(path, f"{where}: assessor must be one of {', '.join(ASSESSORS)}")
    if row["rating"] not in reference().ratings:
        raise SideFileError(path, f"{where}: unknown rating {row['rating']!r} (see data/reference/ratings.csv)")
    if not row["meeting"] or not row["source_document"]:
        raise SideFileError(path, f"{where}: meeting and source_document are required")
    return (row["party_iso3"], row["meeting"], row["assessor"], row["rating_scale"], row["rating"],
            _number(path, where, row["share_pct"], float), _number(path, where, row["action_count"], int),
            _number(path, where, row["n_actions"], int), row["source_document"], row["note"] or None, True)


def _number(path: Path, where: str, value: str, kind: type) -> float | int | None:
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        raise SideFileError(path, f"{where}: {value!r} is not a number") from None
