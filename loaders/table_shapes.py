"""What a table piece is, judged by its content: a rating matrix, an action table, or neither.

A rating matrix (Part B) has a row naming two or more ratings as column headers; an
action table has rows that start with an action code, and its columns (code, title,
rating, notes) are found by what their cells hold, header words being a hint only. A
piece broken off by a page break continues the table before it (`table_shape`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from loaders.models import RawCell, RawRow, RawTable
from loaders.reference import RatingLookup, reference
from loaders.sections import PlacedTable
from loaders.table_cells import PILLAR_LETTER, action_start, clean_label, is_rating_like
from loaders.textutil import fold

_NUMBERED_HEADING = re.compile(r"^\s*\d{1,2}\s*[.:)\-–—]\s*[^\d\s]")
_NOTES_MIN_CHARS = 60  # mean text per row that makes a column the notes column
_MULTI_PARAGRAPH_SHARE = 0.3


def rating_columns(row: RawRow) -> dict[int, tuple[str, RatingLookup]]:
    """Columns of a header row that name ratings (at least two), else nothing."""
    ref = reference()
    columns = {}
    for i, cell in enumerate(row.cells):
        label = clean_label(cell.text)
        lookup = ref.rating(label)
        if lookup.kind == "rating":
            columns[i] = (label, lookup)
    return columns if len(columns) >= 2 else {}


def code_column(row: RawRow) -> int | None:
    """The first cell that starts with an action code, if any."""
    return next((j for j, cell in enumerate(row.cells) if action_start(cell.text)), None)


def row_signature(row: RawRow) -> str:
    return " | ".join(fold(c.text) for c in row.cells)


def is_header_row(row: RawRow, known: set[str]) -> bool:
    """A header row: seen before (repeated after a page break), or short cells of header words."""
    if row_signature(row) in known:
        return True
    cells = [c.text for c in row.cells if c.text]
    if len(cells) < 2 or any(len(c) > 80 for c in cells):
        return False
    templates = reference().templates
    keys = ("header_words", "summary_header", "detail_header")
    worded = sum(1 for c in cells if any(templates.matches(k, fold(c)) for k in keys))
    return worded * 2 >= len(cells)


def is_pillar_row(row: RawRow) -> bool:
    """A row naming a pillar (category): one text, numbered, a category heading, or set in bold/capitals."""
    cells = [c for c in row.cells if c.text]
    if len({c.text for c in cells}) != 1 or len(cells[0].text) > 150:
        return False
    text = cells[0].text
    folded = fold(text)
    if reference().templates.matches("category_row", folded) or PILLAR_LETTER.match(text):
        return True
    if _NUMBERED_HEADING.match(text):
        return True
    letters = [c for c in text if c.isalpha()]
    return all(p.bold for p in cells[0].paragraphs) or bool(letters) and all(c.isupper() for c in letters)


@dataclass
class RowLayout:
    """Column roles of an action table."""

    code: int
    title: int
    rating: int | None
    notes: int | None
    width: int
    more_notes: tuple[int, ...] = ()  # further columns right of the rating that a page's grid split off the notes

    def notes_cell(self, row: RawRow) -> RawCell:
        """The notes of a row: the notes column and any column split off it, as one cell."""
        if self.notes is None:
            return RawCell(raw="")
        cells = [row.cell(j) for j in (self.notes, *self.more_notes)]
        return RawCell(raw="\n".join(c.raw for c in cells if c.raw),
                       paragraphs=tuple(p for c in cells for p in c.paragraphs))


@dataclass
class Shape:
    """What a table piece is: a rating matrix or an action table (with its layout)."""

    kind: str  # "matrix" | "rows"
    width: int
    layout: RowLayout | None = None
    is_detail: bool = False
    matrix_columns: frozenset[int] = frozenset()


def _width(table: RawTable) -> int:
    return max((len(r.cells) for r in table.rows), default=0)


def _header_text(rows: Iterable[RawRow], column: int) -> str:
    return fold(" ".join(r.cell(column).text for r in rows))


def _after_code(text: str) -> str:
    """What a code cell holds after its action code ('' when it starts with none)."""
    start = action_start(text)
    return text[start.end():].strip() if start else ""


def _detect_layout(table: RawTable, action_rows: list[RawRow]) -> RowLayout:
    """Which column holds the code, the title, the rating and the notes, by their content."""
    templates = reference().templates
    width = _width(table)
    code = Counter(code_column(r) for r in action_rows).most_common(1)[0][0]
    first_action = table.rows.index(action_rows[0])
    headers = [r for r in table.rows[:first_action] if not is_pillar_row(r)]
    ratings = Counter(j for r in action_rows for j, c in enumerate(r.cells) if j != code and is_rating_like(c.text))
    rating = ratings.most_common(1)[0][0] if ratings else next(
        (j for j in range(code + 1, width) if re.search(r"rating|evaluation|status|note|calificacion|estado|statut",
                                                         _header_text(headers, j))), None)
    titled = sum(1 for r in action_rows if _after_code(r.cell(code).text))
    title = code if titled * 2 >= len(action_rows) else next(
        (j for j in range(code + 1, width) if j != rating and any(r.cell(j).text for r in action_rows)), code)
    notes = None
    candidates = [j for j in range(code + 1, width) if j not in (title, rating)]
    if candidates:
        best = max(candidates, key=lambda j: sum(len(r.cell(j).text) for r in action_rows))
        header = _header_text(headers, best)
        mean = sum(len(r.cell(best).text) for r in action_rows) / len(action_rows)
        multi = sum(1 for r in action_rows if len(r.cell(best).paragraphs) > 1) / len(action_rows)
        says_notes = bool(header) and templates.matches("notes_header", header)
        says_other = bool(header) and templates.matches("other_header", header)
        if not says_other and (says_notes or mean >= _NOTES_MIN_CHARS or multi >= _MULTI_PARAGRAPH_SHARE):
            notes = best
    more = ()
    if notes is not None:
        after = rating if rating is not None else title
        more = tuple(j for j in candidates if j != notes and j > after
                     and not templates.matches("other_header", _header_text(headers, j) or "-"))
    return RowLayout(code=code, title=title, rating=rating, notes=notes, width=width, more_notes=more)


def table_shape(placed: PlacedTable, previous: Shape | None) -> tuple[Shape | None, bool]:
    """The shape of a table piece, and whether it continues the previous piece.

    A piece continues the previous one (a table broken by a page break) when it has the
    same number of columns and follows it directly, or holds its action codes in the same
    columns; a repeated header row does not start a new table.
    """
    table = placed.table
    width = _width(table)
    rows_with_codes = [r for r in table.rows if code_column(r) is not None]
    header = next((c for r in table.rows if code_column(r) is None and (c := rating_columns(r))), None)
    if previous is not None:
        codes = {code_column(r) for r in rows_with_codes}
        own = previous.matrix_columns if previous.kind == "matrix" else {previous.layout.code}
        same_kind = (header is not None) == (previous.kind == "matrix")
        if same_kind and previous.width == width and (placed.follows_table or codes and codes <= own):
            return previous, True
        if previous.kind == "rows" and header is None and placed.follows_table:
            # the same table, drawn with another number of columns on this page
            if not rows_with_codes:
                return previous, True
            layout = _detect_layout(table, rows_with_codes)
            return Shape("rows", width, layout, is_detail=previous.is_detail), True
    if header is not None:
        return Shape("matrix", width, matrix_columns=frozenset(header)), False
    if not rows_with_codes:
        return None, False
    layout = _detect_layout(table, rows_with_codes)
    if layout.rating is None and layout.notes is None and len(rows_with_codes) < 2:
        return None, False  # one numbered line in some other table
    return Shape("rows", width, layout, is_detail=layout.notes is not None or placed.part == "C"), False

