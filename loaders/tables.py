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

A table broken by a page break arrives as several tables: a piece without its own header
continues the table before it. Within action tables: header rows (repeated after a page
break), pillar rows, continuation rows (the rest of a title and more bullets, with an
empty rating cell) and bracketed template text are handled here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from loaders.coverage import Usage
from loaders.models import Note, RawCell, RawRow, RawTable
from loaders.reference import RatingLookup, label_key, reference
from loaders.sections import PlacedTable
from loaders.textutil import fold, join_lines, squash

ACTION_CODE = r"(?:\d{1,2}\.\d{1,2}(?:\.\d{1,2})?|[A-Z]\.?\d{1,2}(?:\.\d{1,2})?|[ivxlc]{1,6}\))"
_ACTION_START = re.compile(rf"^\s*(?P<code>{ACTION_CODE})\.?(?=[\s\[(:\-–]|$)")
_ACTION_SPLIT = re.compile(rf"(?:^|\s{{2,}}|\t)(?={ACTION_CODE}\.?[\s\[(])")
_PILLAR_WORD = r"(?:cat[eé]gor\w*|pillar|pilier|pilar|objective|objectif|objetivo|component|composante|componente)"
_PILLAR_NUMBER = re.compile(
    rf"^\s*(?:{_PILLAR_WORD}\s*)?(?P<number>\d{{1,2}})\s*[:.)\-–—]?\s*(?P<name>.*)$", re.IGNORECASE)
PILLAR_LETTER = re.compile(  # "Pillar A – Legislation", "A. Legislation" (a capital, then the name)
    rf"^\s*(?:(?i:{_PILLAR_WORD})\s+(?P<letter>[A-Z])\b\s*[:.)\-–—]?|(?P<bare>[A-Z])\s*[.)]\s+(?=[A-Z]))"
    r"\s*(?P<name>.*)$")
_NUMBERED_HEADING = re.compile(r"^\s*\d{1,2}\s*[.:)\-–—]\s*[^\d\s]")
_NOTES_MIN_CHARS = 60  # mean text per row that makes a column the notes column
_MULTI_PARAGRAPH_SHARE = 0.3


@dataclass
class PillarRef:
    """A pillar as one table names it."""

    number: int | None
    name: str | None
    is_placeholder: bool = False


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


def clean_label(text: str) -> str:
    """A label without brackets, asterisks or extra spaces: "[ON TRACK]" -> "ON TRACK"."""
    return squash(re.sub(r"[\[\]*]", " ", text))


def parse_pillar(text: str) -> PillarRef:
    """ "1. [Legislation]" / "CATEGORY 2: [Name]" / "Pillar A – Reporting" -> number and name."""
    text = squash(text)
    letter = PILLAR_LETTER.match(text)
    number_match = _PILLAR_NUMBER.match(text)
    if letter:
        number, name = ord((letter["letter"] or letter["bare"]).upper()) - ord("A") + 1, letter["name"]
    elif number_match:
        number, name = int(number_match["number"]), number_match["name"]
    else:
        number, name = None, text
    name = clean_label(name).strip(" –—-:")
    placeholder = label_key(name) in reference().templates.pillar_placeholders
    return PillarRef(number=number, name=None if placeholder or not name else name,
                     is_placeholder=placeholder)


def title_of(text: str) -> tuple[str, bool]:
    """Title without brackets, and whether it carries a priority mark ``*``."""
    priority = "*" in text
    return clean_label(text).strip(" –—-:"), priority


def action_start(text: str) -> re.Match[str] | None:
    """The action code a text starts with ("2.3 Enhance ...", "A.1", "E9 ...", "ix) ...")."""
    return _ACTION_START.match(text)


_NEXT_IN_PILLAR = re.compile(r"\s(?=(\d{1,2})\.(\d{1,2})\s+[A-ZÀ-Ý])")


def _split_run_together(piece: str) -> list[str]:
    """Split "5.1 Regular reporting ... agencies 5.2 Explore ..." where layout lost the gap.

    Only before a code of the same pillar with a higher number followed by a capital, so
    "No. 020 PR. MAFF" or a number inside a title stays whole.
    """
    start = _ACTION_START.match(piece)
    if not start or not re.fullmatch(r"\d{1,2}\.\d{1,2}", start["code"]):
        return [piece]
    major, minor = (int(x) for x in start["code"].split("."))
    for match in _NEXT_IN_PILLAR.finditer(piece, start.end()):
        if int(match[1]) == major and int(match[2]) > minor:
            return [piece[: match.start()], *_split_run_together(piece[match.end() :])]
    return [piece]


def leading_text(cell: RawCell) -> str:
    """Text before the cell's first action code: the end of a title cut by a page break."""
    text = " ".join(p.text for p in cell.paragraphs).strip()
    start = re.search(rf"(?:^|\s){ACTION_CODE}\.?[\s\[(]", text)
    return (text[: start.start()] if start else text).strip()


def split_actions(cell: RawCell) -> list[tuple[str, str, bool]]:
    """(code, title, priority) of each action listed in a Part B cell."""
    found: list[tuple[str, str, bool]] = []
    for paragraph in cell.paragraphs:
        pieces = [p for strong in _ACTION_SPLIT.split(paragraph.text) for p in _split_run_together(strong)]
        for piece in pieces:
            match = _ACTION_START.match(piece)
            if match:
                title, priority = title_of(piece[match.end():])
                found.append((match["code"], title, priority))
            elif piece.strip() and found:  # a title wrapped onto another paragraph
                code, title, priority = found[-1]
                more, more_priority = title_of(piece)
                found[-1] = (code, f"{title} {more}".strip(), priority or more_priority)
    return found


# --- what a table holds ------------------------------------------------------------------


def _rating_columns(row: RawRow) -> dict[int, tuple[str, RatingLookup]]:
    """Columns of a header row that name ratings (at least two), else nothing."""
    ref = reference()
    columns = {}
    for i, cell in enumerate(row.cells):
        label = clean_label(cell.text)
        lookup = ref.rating(label)
        if lookup.kind == "rating":
            columns[i] = (label, lookup)
    return columns if len(columns) >= 2 else {}


def _code_column(row: RawRow) -> int | None:
    """The first cell that starts with an action code, if any."""
    return next((j for j, cell in enumerate(row.cells) if _ACTION_START.match(cell.text)), None)


def is_rating_like(text: str) -> bool:
    """A rating of the scale or a template placeholder standing for one ("[ON TRACK]", "[PROGRESS RATING]")."""
    return reference().rating(clean_label(text)).kind in ("rating", "placeholder")


def _signature(row: RawRow) -> str:
    return " | ".join(fold(c.text) for c in row.cells)


def _is_header_row(row: RawRow, known: set[str]) -> bool:
    """A header row: seen before (repeated after a page break), or short cells of header words."""
    if _signature(row) in known:
        return True
    cells = [c.text for c in row.cells if c.text]
    if len(cells) < 2 or any(len(c) > 80 for c in cells):
        return False
    templates = reference().templates
    keys = ("header_words", "summary_header", "detail_header")
    worded = sum(1 for c in cells if any(templates.matches(k, fold(c)) for k in keys))
    return worded * 2 >= len(cells)


def _is_pillar_row(row: RawRow) -> bool:
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


def _detect_layout(table: RawTable, action_rows: list[RawRow]) -> RowLayout:
    """Which column holds the code, the title, the rating and the notes, by their content."""
    templates = reference().templates
    width = _width(table)
    code = Counter(_code_column(r) for r in action_rows).most_common(1)[0][0]
    first_action = table.rows.index(action_rows[0])
    headers = [r for r in table.rows[:first_action] if not _is_pillar_row(r)]
    ratings = Counter(j for r in action_rows for j, c in enumerate(r.cells) if j != code and is_rating_like(c.text))
    rating = ratings.most_common(1)[0][0] if ratings else next(
        (j for j in range(code + 1, width) if re.search(r"rating|evaluation|status|note|calificacion|estado|statut",
                                                         _header_text(headers, j))), None)
    titled = sum(1 for r in action_rows if r.cell(code).text[_ACTION_START.match(r.cell(code).text).end():].strip())
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
    rows_with_codes = [r for r in table.rows if _code_column(r) is not None]
    header = next((c for r in table.rows if _code_column(r) is None and (c := _rating_columns(r))), None)
    if previous is not None:
        codes = {_code_column(r) for r in rows_with_codes}
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
        shape, continues = table_shape(placed, previous)
        previous = shape
        if shape is None:
            continue
        if shape.kind == "matrix":
            if not continues:
                matrix = _MatrixState()
            _read_matrix(placed.table, matrix, out.summary, usage, continues=continues)
            continue
        if not continues or rows is None:
            rows = _RowState(shape.layout, shape.is_detail)
            out.detail_tables += shape.is_detail
        rows.layout = shape.layout
        _read_rows(placed.table, rows, out.detail if shape.is_detail else out.summary, usage)
    return out


def _read_matrix(table: RawTable, state: _MatrixState, read: TableRead, usage: Usage, *, continues: bool) -> None:
    """Part B: one row per pillar, one column per rating, actions listed in the cells.

    In a piece that continues a table after a page break, a first row whose pillar cell
    is not a new pillar ("analysis]") finishes the pillar name the page cut.
    """
    first_row = continues
    for row in table.rows:
        if _code_column(row) is None:
            header = _rating_columns(row)
            if header:
                state.columns = header
                usage.mark("heading", row)
                continue
            if not state.columns or _is_header_row(row, set()) or reference().templates.matches(
                    "summary_header", _signature(row)):
                usage.mark("heading", row)
                continue
        if not state.columns:
            continue
        pillar_column = min(set(range(len(row.cells))) - set(state.columns), default=None)
        first = row.cell(pillar_column).text
        if first and not _ACTION_START.match(first):
            if first_row and state.pillar.name and not _starts_pillar(first):
                _finish_pillar_name(state.pillar, first)
            else:
                state.pillar = parse_pillar(first)
            usage.mark("heading", row.cell(pillar_column))
        first_row = False
        for index, (label, lookup) in state.columns.items():
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


def _starts_pillar(text: str) -> bool:
    """Whether a pillar cell opens a pillar ("2. Enforcement", "CATEGORY 3"), not ends one."""
    number = _PILLAR_NUMBER.match(text)
    return bool(number and number["number"] or PILLAR_LETTER.match(text)
                or reference().templates.matches("category_row", fold(text)))


def _finish_pillar_name(pillar: PillarRef, more: str) -> None:
    """Append the rest of a pillar name cut by a page break (shared by the entries that use it)."""
    pillar.name = squash(f"{pillar.name} {clean_label(more)}").strip(" –—-:")


def _read_rows(table: RawTable, state: _RowState, read: TableRead, usage: Usage) -> None:
    """Action tables: action rows, header rows, pillar rows and continuation rows."""
    layout = state.layout
    ref = reference()
    for row in table.rows:
        code_cell = row.cell(layout.code)
        start = _ACTION_START.match(code_cell.text)
        rating_cell = row.cell(layout.rating)
        notes_cell = layout.notes_cell(row) if state.is_detail else RawCell(raw="")
        here = where(table, row)
        if start:
            _pillar_from_left(row, layout, state, usage)
            title_text = code_cell.text[start.end():]
            if layout.title != layout.code:
                title_text = f"{title_text} {row.cell(layout.title).text}"
            title, priority = title_of(title_text)
            label = clean_label(rating_cell.text)
            state.current = Entry(code=start["code"], title=title, pillar=state.pillar, rating_label=label,
                                  rating=ref.rating(label), is_priority=priority, provenance=here)
            read.add(state.current)
            usage.mark("title", code_cell, row.cell(layout.title))
            usage.mark("rating", rating_cell)
            add_notes(state.current, notes_cell, here, usage)
            continue
        if not any(c.text for c in row.cells):
            continue
        if _is_header_row(row, state.headers):
            state.headers.add(_signature(row))
            usage.mark("heading", row)
            continue
        rating_empty = not clean_label(rating_cell.text)
        if state.current is not None and rating_empty and notes_cell.text:
            _continue_row(row, state, here, notes_cell, usage)
        elif _is_pillar_row(row):
            state.pillar, state.current = parse_pillar(next(c.text for c in row.cells if c.text)), None
            usage.mark("heading", row)
        elif state.current is not None and rating_empty:
            _continue_row(row, state, here, notes_cell, usage)


def _pillar_from_left(row: RawRow, layout: RowLayout, state: _RowState, usage: Usage) -> None:
    """A pillar cell left of the code (merged down over its actions: empty on later rows)."""
    for j in range(min(layout.code, layout.title)):
        text = row.cell(j).text
        if text:
            if state.pillar.name and text[:1].islower() and not _starts_pillar(text):
                _finish_pillar_name(state.pillar, text)  # the rest of a pillar name cut by a page break
            else:
                state.pillar = parse_pillar(text)
            usage.mark("heading", row.cell(j))


def _continue_row(row: RawRow, state: _RowState, here: str, notes_cell: RawCell, usage: Usage) -> None:
    """The rest of an action cut by a page break: more title and more notes."""
    current = state.current
    layout = state.layout
    columns = sorted({layout.code, layout.title})
    more_text = " ".join(row.cell(j).text for j in columns).strip()
    if more_text:
        more, more_priority = title_of(more_text)
        current.title = squash(f"{current.title} {more}")
        current.is_priority = current.is_priority or more_priority
        usage.mark("title", *(row.cell(j) for j in columns))
    current.provenance += f"; {here}"
    add_notes(current, notes_cell, here, usage, continued=True)


def add_notes(entry: Entry, cell: RawCell | Iterable, where: str, usage: Usage, *, continued: bool = False) -> None:
    """Add paragraphs as notes; after a page break, a first paragraph that is not a bullet
    finishes the note the previous page cut. Template instructions are kept apart."""
    instructions = reference().templates.instructions
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
        if any(p.match(fold(text)) for p in instructions):
            entry.instructions.append(text)
            usage.mark("template", paragraph)
            continue
        entry.notes.append(Note(text=text, is_comment=paragraph.italic, provenance=where))
        usage.mark("note", paragraph)
