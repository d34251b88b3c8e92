"""Bounds on what one report file may hold, checked while it is read.

A progress report has a few tables of a few columns and at most some hundred rows, on a
few dozen pages. A file far beyond that is damaged or hostile (one Word cell spanning
99,999,999 columns, a PDF stream that inflates to gigabytes): it is refused with a
one-line message as soon as a bound is crossed, before it can take the memory the
sandbox caps (loaders.sandbox) as a last resort.
"""

from __future__ import annotations

from pathlib import Path

from loaders.errors import ReportLoadError
from loaders.models import RawReport, RawTable

MAX_COLUMNS = 64  # grid columns of one table row (a cell's gridSpan counts its columns)
MAX_ROWS = 5_000  # rows of one table
MAX_CELLS = 250_000  # table cells of the whole document
MAX_BLOCKS = 200_000  # paragraphs and tables of the whole document
MAX_PAGES = 500  # pages of a PDF
MAX_ZIP_MEMBERS = 2_000  # parts of a Word file
MAX_INFLATED_STREAM = 64 * 1024 * 1024  # one decompressed PDF stream
MAX_INFLATED_TOTAL = 256 * 1024 * 1024  # all decompressed PDF streams of a document

_ADVICE = "not a progress report, or a damaged or hostile file"


def too_many(path: Path | str, what: str) -> ReportLoadError:
    """The error for a bound crossed: '<file>: a table row has 99,999,999 columns, more than 64: …'."""
    return ReportLoadError(path, f"{what}: {_ADVICE}")


class CellBudget:
    """Counts the table cells of a document as a parser makes them; refuses past the bounds."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        self.cells = 0

    def row(self, columns: int) -> None:
        """Account for a row of ``columns`` grid columns, before its cells are made."""
        if columns > MAX_COLUMNS:
            raise too_many(self.path, f"a table row has {columns:,} columns, more than {MAX_COLUMNS}")
        self.cells += columns
        if self.cells > MAX_CELLS:
            raise too_many(self.path, f"its tables hold more than {MAX_CELLS:,} cells")

    def rows(self, count: int) -> None:
        """Refuse a table of more than `MAX_ROWS` rows (call with the rows so far)."""
        if count > MAX_ROWS:
            raise too_many(self.path, f"a table has more than {MAX_ROWS:,} rows")


def check_report(raw: RawReport) -> RawReport:
    """Refuse a read document beyond the bounds (whatever format read it); return it otherwise."""
    path = raw.source.path or raw.source.file
    if len(raw.blocks) > MAX_BLOCKS:
        raise too_many(path, f"it has {len(raw.blocks):,} paragraphs and tables, more than {MAX_BLOCKS:,}")
    budget = CellBudget(path)
    for block in raw.blocks:
        if isinstance(block, RawTable):
            budget.rows(len(block.rows))
            for row in block.rows:
                budget.row(len(row.cells))
    return raw
