"""Read actions out of the report's tables, recognising each table by what it holds.

Header words vary between template editions, translations and Parties, so they are a
hint, never a gate. A table is:

- a **rating matrix** (the template's Part B) when a row names two or more ratings of the
  scale as column headers: one row per pillar, the actions listed in the rating cells
  (several per cell, in paragraphs or run together on one line);
- an **action table** when rows start with an action code: one row per action, with a
  column whose cells are ratings and, for the detailed evaluation (Part C), a column of
  notes (long text, bullets). Without a notes column it is a summary list (a Party's own
  "No. | Action | Lead agency | Rating" table);
- nothing we read, otherwise (its text is counted as unread, see `loaders.coverage`).

What a piece is, and whether it continues the one before, is decided in
`loaders.table_shapes`; what its cells say (codes, titles, pillars) in `loaders.table_cells`.

A table broken by a page break arrives as several tables: a piece without its own header
continues the table before it. Within action tables: header rows (repeated after a page
break), pillar rows, continuation rows (the rest of a title and more bullets, with an
empty rating cell) and bracketed template text are handled here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from loaders.coverage import Usage
from loaders.models import Note, RawCell, RawRow, RawTable
from loaders.reference import RatingLookup, reference
from loaders.sections import PlacedTable
from loaders.table_cells import (
    PillarRef,
    action_start,
    clean_label,
    leading_text,
    parse_pillar,
    split_actions,
    starts_pillar,
    title_of,
)
from loaders.table_shapes import (
    Row,
    RowLayout,
    Shape,
    is_header_row,
    is_pillar_row,
    rating_columns,
    row_signature,
    rows_of,
    table_shape,
)
from loaders.textutil import fold, join_lines, squash


@dataclass
class Entry:
    """An action as one table gives it, before Part B and Part C are merged."""

    code: str
    title: str
    pillar: PillarRef
    rating_label: str
    rating: RatingLookup
    provenance: str
    notes: list[Note] = field(default_factory=list)
    instructions: list[str] = field(default_factory=list)
    is_priority: bool = False


@dataclass
class TableRead:
    """Entries of one part, in order, and codes seen more than once."""

    entries: dict[str, Entry] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)

    def add(self, entry: Entry) -> None:
        """Keep the first entry of a code; remember the duplicate."""
        if entry.code in self.entries:
            self.duplicates.append(entry.code)
        else:
            self.entries[entry.code] = entry

    def extend(self, other: TableRead) -> None:
        """Add another read's entries (a report with action tables and headed paragraphs)."""
        for entry in other.entries.values():
            self.add(entry)
        self.duplicates += other.duplicates


def where(table: RawTable, row: RawRow) -> str:
    """Provenance of a row: "page 5, table 3, row 2" (the page when the format has pages)."""
    page = f"page {row.page}, " if row.page else ""
    return f"{page}table {table.index}, row {row.index}"


# --- reading ---------------------------------------------------------------------------


@dataclass
class _MatrixState:
    columns: dict[int, tuple[str, RatingLookup]] = field(default_factory=dict)
    last_in_column: dict[int, Entry] = field(default_factory=dict)
    pillar: PillarRef = field(default_factory=lambda: PillarRef(None, None))


@dataclass
class _RowState:
    layout: RowLayout
    is_detail: bool
    pillar: PillarRef = field(default_factory=lambda: PillarRef(None, None))
    current: Entry | None = None
    headers: set[str] = field(default_factory=set)


@dataclass
class TablesRead:
    """What the tables gave: summary entries (Part B) and detailed entries (Part C)."""

    summary: TableRead = field(default_factory=TableRead)
    detail: TableRead = field(default_factory=TableRead)
    detail_tables: int = 0


def read_tables(tables: list[PlacedTable], usage: Usage) -> TablesRead:
    """Read every table piece that holds actions, in document order."""
    out = TablesRead()
    previous: Shape | None = None
    matrix = _MatrixState()
    rows: _RowState | None = None
    for placed in tables:
        piece = rows_of(placed.table)
        shape, continues = table_shape(placed, previous, piece)
        previous = shape
        if shape is None:
            continue
        if shape.kind == "matrix":
            if not continues:
                matrix = _MatrixState()
            _read_matrix(placed.table, piece, matrix, out.summary, usage, continues=continues)
            continue
        if not continues or rows is None:
            rows = _RowState(shape.layout, shape.is_detail)
            out.detail_tables += shape.is_detail
        rows.layout = shape.layout
        _read_rows(placed.table, piece, rows, out.detail if shape.is_detail else out.summary, usage)
    return out


def _read_matrix(table: RawTable, rows: list[Row], state: _MatrixState, read: TableRead, usage: Usage, *,
                 continues: bool) -> None:
    """Part B: one row per pillar, one column per rating, actions listed in the cells.

    In a piece that continues a table after a page break, a first row whose pillar cell
    is not a new pillar ("analysis]") finishes the pillar name the page cut.
    """
    first_row = continues
    for view in rows:
        row = view.raw
        if view.code is None:
            header = rating_columns(view)
            if header:
                state.columns = header
                usage.mark("heading", row)
                continue
            if not state.columns or is_header_row(view, set()) or reference().templates.matches(
                    "summary_header", row_signature(view)):
                usage.mark("heading", row)
                continue
        if not state.columns:
            continue
        pillar_column = min(set(range(len(row.cells))) - set(state.columns), default=None)
        first = view.text(pillar_column)
        if first and not action_start(first):
            if first_row and state.pillar.name and not starts_pillar(first):
                _finish_pillar_name(state.pillar, first)
            else:
                state.pillar = parse_pillar(first)
            usage.mark("heading", row.cell(pillar_column))
        first_row = False
        for index, (label, lookup) in state.columns.items():
            if not view.text(index):  # an empty cell lists nothing
                continue
            cell = row.cell(index)
            orphan = leading_text(cell)
            if orphan and index in state.last_in_column:  # a title continued after a page break
                entry = state.last_in_column[index]
                more, more_priority = title_of(orphan)
                entry.title = squash(f"{entry.title} {more}")
                entry.is_priority = entry.is_priority or more_priority
                usage.mark("title", cell)
            for code, title, priority in split_actions(cell):
                entry = Entry(code=code, title=title, pillar=state.pillar, rating_label=label,
                              rating=lookup, is_priority=priority, provenance=where(table, row))
                read.add(entry)
                state.last_in_column[index] = entry
                usage.mark("title", cell)


def _finish_pillar_name(pillar: PillarRef, more: str) -> None:
    """Append the rest of a pillar name cut by a page break (shared by the entries that use it)."""
    pillar.name = squash(f"{pillar.name} {clean_label(more)}").strip(" –—-:")


def _read_rows(table: RawTable, rows: list[Row], state: _RowState, read: TableRead, usage: Usage) -> None:
    """Action tables: action rows, header rows, pillar rows and continuation rows."""
    layout = state.layout
    ref = reference()
    for view in rows:
        row = view.raw
        code_text = view.text(layout.code)
        start = action_start(code_text)
        rating_cell = row.cell(layout.rating)
        notes_cell = layout.notes_cell(row) if state.is_detail else _NO_NOTES
        if start:
            here = where(table, row)
            _pillar_from_left(view, layout, state, usage)
            title_text = code_text[start.end():]
            if layout.title != layout.code:
                title_text = f"{title_text} {view.text(layout.title)}"
            title, priority = title_of(title_text)
            label = clean_label(view.text(layout.rating))
            state.current = Entry(code=start["code"], title=title, pillar=state.pillar, rating_label=label,
                                  rating=ref.rating(label), is_priority=priority, provenance=here)
            read.add(state.current)
            usage.mark("title", row.cell(layout.code), row.cell(layout.title))
            usage.mark("rating", rating_cell)
            add_notes(state.current, notes_cell, here, usage)
            continue
        if not any(view.texts):
            continue
        if is_header_row(view, state.headers):
            state.headers.add(row_signature(view))
            usage.mark("heading", row)
            continue
        rating_empty = not clean_label(view.text(layout.rating))
        if state.current is not None and rating_empty and notes_cell.text:
            _continue_row(view, state, where(table, row), notes_cell, usage)
        elif is_pillar_row(view):
            state.pillar, state.current = parse_pillar(next(t for t in view.texts if t)), None
            usage.mark("heading", row)
        elif state.current is not None and rating_empty:
            _continue_row(view, state, where(table, row), notes_cell, usage)


_NO_NOTES = RawCell(raw="")  # the notes of a row of a table without a notes column


def _pillar_from_left(row: Row, layout: RowLayout, state: _RowState, usage: Usage) -> None:
    """A pillar cell left of the code (merged down over its actions: empty on later rows)."""
    for j in range(min(layout.code, layout.title)):
        text = row.text(j)
        if text:
            if state.pillar.name and text[:1].islower() and not starts_pillar(text):
                _finish_pillar_name(state.pillar, text)  # the rest of a pillar name cut by a page break
            else:
                state.pillar = parse_pillar(text)
            usage.mark("heading", row.raw.cell(j))


def _continue_row(row: Row, state: _RowState, here: str, notes_cell: RawCell, usage: Usage) -> None:
    """The rest of an action cut by a page break: more title and more notes."""
    current = state.current
    layout = state.layout
    columns = sorted({layout.code, layout.title})
    more_text = " ".join(row.text(j) for j in columns).strip()
    if more_text:
        more, more_priority = title_of(more_text)
        current.title = squash(f"{current.title} {more}")
        current.is_priority = current.is_priority or more_priority
        usage.mark("title", *(row.raw.cell(j) for j in columns))
    current.provenance += f"; {here}"
    add_notes(current, notes_cell, here, usage, continued=True)


# A paragraph is the template's instruction when it begins with one ("Progress summary -
# if required ..."): those are a line long, so only the paragraph's beginning is folded to
# find out (not the whole of a note that fills a 3 MB cell).
_INSTRUCTION_SPAN = 1000


def add_notes(entry: Entry, cell: RawCell | Iterable, where: str, usage: Usage, *, continued: bool = False) -> None:
    """Add paragraphs as notes; after a page break, a first paragraph that is not a bullet
    finishes the note the previous page cut. Template instructions are kept apart."""
    instructions = reference().templates.any_instruction
    paragraphs = cell.paragraphs if isinstance(cell, RawCell) else tuple(cell)
    for i, paragraph in enumerate(paragraphs):
        text = squash(paragraph.text)
        if not text:
            continue
        if continued and i == 0 and not paragraph.bullet and entry.notes:
            last = entry.notes[-1]
            entry.notes[-1] = Note(join_lines(last.text, text), last.is_comment, f"{last.provenance}; {where}")
            usage.mark("note", paragraph)
            continue
        if instructions.match(fold(text[:_INSTRUCTION_SPAN])):
            entry.instructions.append(text)
            usage.mark("template", paragraph)
            continue
        entry.notes.append(Note(text=text, is_comment=paragraph.italic, provenance=where))
        usage.mark("note", paragraph)
