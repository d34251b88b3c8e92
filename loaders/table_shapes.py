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
from loaders.sections import PlacedTable, all_capitals
from loaders.table_cells import PILLAR_LETTER, action_start, clean_label, is_rating_like
from loaders.templates import key_group
from loaders.textutil import fold

_NUMBERED_HEADING = re.compile(r"^\s*\d{1,2}\s*[.:)\-–—]\s*[^\d\s]")
_NOTES_MIN_CHARS = 60  # mean text per row that makes a column the notes column
_MULTI_PARAGRAPH_SHARE = 0.3


class Row:
    """A table row with the text of each cell worked out once.

    What a piece is, and what each of its rows is, is asked of the same cells many times
    (shape, header, pillar and reader tests); a cell's text is its paragraphs joined, and
    folding it takes longer still, so both are kept here for the time a table is read.
    """

    __slots__ = ("raw", "texts", "code", "_folded", "_ratings")

    def __init__(self, raw: RawRow) -> None:
        self.raw = raw
        self.texts = tuple([cell.text for cell in raw.cells])
        self.code = next((j for j, text in enumerate(self.texts) if text and action_start(text)), None)
        self._folded: tuple[str, ...] | None = None
        self._ratings: dict[int, tuple[str, RatingLookup]] | None = None

    def text(self, i: int | None) -> str:
        """The text of cell ``i``; '' when the row is shorter (or ``i`` is None), as `RawRow.cell`."""
        if i is None or i >= len(self.texts):
            return ""
        return self.texts[i]

    @property
    def folded(self) -> tuple[str, ...]:
        """The cells' texts folded (see `loaders.textutil.fold`)."""
        if self._folded is None:
            self._folded = tuple([fold(text) for text in self.texts])
        return self._folded


def rows_of(table: RawTable) -> list[Row]:
    """The rows of a table piece, with their texts."""
    return [Row(row) for row in table.rows]


def rating_columns(row: Row) -> dict[int, tuple[str, RatingLookup]]:
    """Columns of a header row that name ratings (at least two), else nothing (worked out once
    per row: the shape of a piece and the reading of a matrix both ask)."""
    if row._ratings is None:
        ref = reference()
        columns = {}
        for i, text in enumerate(row.texts):
            if not text:  # an empty cell names no rating
                continue
            label = clean_label(text)
            lookup = ref.rating(label)
            if lookup.kind == "rating":
                columns[i] = (label, lookup)
        row._ratings = columns if len(columns) >= 2 else {}
    return row._ratings


def row_signature(row: Row) -> str:
    return " | ".join(row.folded)


_HEADER_KEYS = key_group("header_words", "summary_header", "detail_header")


def is_header_row(row: Row, known: set[str]) -> bool:
    """A header row: seen before (repeated after a page break), or short cells of header words."""
    if known and row_signature(row) in known:
        return True
    filled = [i for i, text in enumerate(row.texts) if text]
    if len(filled) < 2 or any(len(row.texts[i]) > 80 for i in filled):
        return False
    templates = reference().templates
    worded = sum(1 for i in filled if templates.matches_any(_HEADER_KEYS, row.folded[i]))
    return worded * 2 >= len(filled)


def is_pillar_row(row: Row) -> bool:
    """A row naming a pillar (category): one text, numbered, a category heading, or set in bold/capitals."""
    filled = [i for i, text in enumerate(row.texts) if text]
    if len({row.texts[i] for i in filled}) != 1 or len(row.texts[filled[0]]) > 150:
        return False
    text = row.texts[filled[0]]
    folded = row.folded[filled[0]]
    if reference().templates.matches("category_row", folded) or PILLAR_LETTER.match(text):
        return True
    if _NUMBERED_HEADING.match(text):
        return True
    return all(p.bold for p in row.raw.cells[filled[0]].paragraphs) or all_capitals(text)


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
            return _NO_CELL
        if not self.more_notes:
            return row.cell(self.notes)
        cells = [row.cell(j) for j in (self.notes, *self.more_notes)]
        return RawCell(raw="\n".join(c.raw for c in cells if c.raw),
                       paragraphs=tuple(p for c in cells for p in c.paragraphs))


_NO_CELL = RawCell(raw="")


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


def _header_text(rows: Iterable[Row], column: int) -> str:
    return fold(" ".join(r.text(column) for r in rows))


def _after_code(text: str) -> str:
    """What a code cell holds after its action code ('' when it starts with none)."""
    start = action_start(text)
    return text[start.end():].strip() if start else ""


_RATING_HEADER = re.compile(r"rating|evaluation|status|note|calificacion|estado|statut")


def _detect_layout(table: RawTable, rows: list[Row], action_rows: list[Row]) -> RowLayout:
    """Which column holds the code, the title, the rating and the notes, by their content."""
    templates = reference().templates
    width = _width(table)
    code = Counter(r.code for r in action_rows).most_common(1)[0][0]
    first_action = table.rows.index(action_rows[0].raw)
    headers = [r for r in rows[:first_action] if not is_pillar_row(r)]
    ratings = Counter(j for r in action_rows for j, text in enumerate(r.texts) if j != code and is_rating_like(text))
    rating = ratings.most_common(1)[0][0] if ratings else next(
        (j for j in range(code + 1, width) if _RATING_HEADER.search(_header_text(headers, j))), None)
    titled = sum(1 for r in action_rows if _after_code(r.text(code)))
    title = code if titled * 2 >= len(action_rows) else next(
        (j for j in range(code + 1, width) if j != rating and any(r.text(j) for r in action_rows)), code)
    notes = None
    candidates = [j for j in range(code + 1, width) if j not in (title, rating)]
    if candidates:
        best = max(candidates, key=lambda j: sum(len(r.text(j)) for r in action_rows))
        header = _header_text(headers, best)
        mean = sum(len(r.text(best)) for r in action_rows) / len(action_rows)
        multi = sum(1 for r in action_rows if len(r.raw.cell(best).paragraphs) > 1) / len(action_rows)
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


def table_shape(placed: PlacedTable, previous: Shape | None, rows: list[Row] | None = None
                ) -> tuple[Shape | None, bool]:
    """The shape of a table piece, and whether it continues the previous piece.

    A piece continues the previous one (a table broken by a page break) when it has the
    same number of columns and follows it directly, or holds its action codes in the same
    columns; a repeated header row does not start a new table. ``rows`` are the piece's
    rows (`rows_of`), when the caller has them already.
    """
    table = placed.table
    rows = rows_of(table) if rows is None else rows
    width = _width(table)
    rows_with_codes = [r for r in rows if r.code is not None]
    header = next((c for r in rows if r.code is None and (c := rating_columns(r))), None)
    if previous is not None:
        codes = {r.code for r in rows_with_codes}
        own = previous.matrix_columns if previous.kind == "matrix" else {previous.layout.code}
        same_kind = (header is not None) == (previous.kind == "matrix")
        if same_kind and previous.width == width and (placed.follows_table or codes and codes <= own):
            return previous, True
        if previous.kind == "rows" and header is None and placed.follows_table:
            # the same table, drawn with another number of columns on this page
            if not rows_with_codes:
                return previous, True
            layout = _detect_layout(table, rows, rows_with_codes)
            return Shape("rows", width, layout, is_detail=previous.is_detail), True
    if header is not None:
        return Shape("matrix", width, matrix_columns=frozenset(header)), False
    if not rows_with_codes:
        return None, False
    layout = _detect_layout(table, rows, rows_with_codes)
    if layout.rating is None and layout.notes is None and len(rows_with_codes) < 2:
        return None, False  # one numbered line in some other table
    return Shape("rows", width, layout, is_detail=layout.notes is not None or placed.part == "C"), False
