"""Read actions out of the Part B (summary) and Part C (detailed) tables.

Handles what real reports contain: several actions in one Part B cell (in separate
paragraphs or run together on one line), Part B tables split by a page break (the
header repeats), Part C category heading rows, Part C rows split by a page break (a
continuation row with an empty evaluation cell), bracketed template text, and ``*``
priority marks (kept as a flag; the template does not say what they mean).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loaders.models import Note, RawCell, RawRow, RawTable
from loaders.reference import RatingLookup, label_key, reference
from loaders.textutil import fold, join_lines, squash

ACTION_CODE = r"(?:\d{1,2}\.\d{1,2}(?:\.\d{1,2})?|[A-Z]\.?\d{1,2}(?:\.\d{1,2})?|[ivxlc]{1,6}\))"
_ACTION_START = re.compile(rf"^\s*(?P<code>{ACTION_CODE})\.?(?=[\s\[(:\-–]|$)")
_ACTION_SPLIT = re.compile(rf"(?:^|\s{{2,}}|\t)(?={ACTION_CODE}\.?[\s\[(])")
_NUMBERED = re.compile(r"^\D*?(?P<number>\d{1,2})\s*[:.)\-–]?\s*(?P<name>.*)$")


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


def where(table: RawTable, row: RawRow) -> str:
    """Provenance of a row: "page 5, table 3, row 2" (the page when the format has pages)."""
    page = f"page {row.page}, " if row.page else ""
    return f"{page}table {table.index}, row {row.index}"


def clean_label(text: str) -> str:
    """A label without brackets, asterisks or extra spaces: "[ON TRACK]" -> "ON TRACK"."""
    return squash(re.sub(r"[\[\]*]", " ", text))


def parse_pillar(text: str) -> PillarRef:
    """ "1. [Legislation]" / "CATEGORY 2: [Name]" -> number and name (None if placeholder)."""
    text = squash(text)
    match = _NUMBERED.match(text)
    number, name = (int(match["number"]), match["name"]) if match else (None, text)
    name = clean_label(name)
    placeholder = label_key(name) in reference().templates.pillar_placeholders
    return PillarRef(number=number, name=None if placeholder or not name else name,
                     is_placeholder=placeholder)


def _title(text: str) -> tuple[str, bool]:
    """Title without brackets, and whether it carries a priority mark ``*``."""
    priority = "*" in text
    return clean_label(text), priority


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
                title, priority = _title(piece[match.end():])
                found.append((match["code"], title, priority))
            elif piece.strip() and found:  # a title wrapped onto another paragraph
                code, title, priority = found[-1]
                more, more_priority = _title(piece)
                found[-1] = (code, f"{title} {more}".strip(), priority or more_priority)
    return found


def read_summary(tables: list[RawTable]) -> TableRead:
    """Part B: one row per pillar, one column per rating, actions listed in the cells."""
    read = TableRead()
    columns: dict[int, tuple[str, RatingLookup]] = {}
    last_in_column: dict[int, Entry] = {}
    pillar = PillarRef(None, None)
    for table in tables:
        for row in table.rows:
            header = _rating_columns(row)
            if header:
                columns = header
                continue
            if not columns or _is_title_row(row):
                continue
            first = row.cell(0).text
            if first and not _ACTION_START.match(first):
                pillar = parse_pillar(first)
            for index, (label, lookup) in columns.items():
                cell = row.cell(index)
                orphan = leading_text(cell)
                if orphan and index in last_in_column:  # a title continued after a page break
                    entry = last_in_column[index]
                    more, more_priority = _title(orphan)
                    entry.title = squash(f"{entry.title} {more}")
                    entry.is_priority = entry.is_priority or more_priority
                for code, title, priority in split_actions(cell):
                    entry = Entry(code=code, title=title, pillar=pillar, rating_label=label,
                                  rating=lookup, is_priority=priority,
                                  provenance=where(table, row))
                    read.add(entry)
                    last_in_column[index] = entry
    return read


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


def _is_title_row(row: RawRow) -> bool:
    """The first header row ("CATEGORY/PILLAR | PROGRESS RATING")."""
    templates = reference().templates
    joined = " | ".join(fold(c.text) for c in row.cells)
    return templates.matches("summary_header", joined)


def _detail_columns(row: RawRow) -> tuple[int, int, int] | None:
    """(action, evaluation, summary) column indexes when the row is a Part C header."""
    templates = reference().templates
    hits: list[int] = []
    for i, cell in enumerate(row.cells):
        folded = fold(cell.text)
        if templates.matches("detail_header", folded):
            hits.append(i)
    if len(hits) >= 2:
        action = hits[0]
        evaluation = hits[1] if len(hits) > 1 else action + 1
        summary = hits[2] if len(hits) > 2 else evaluation + 1
        return action, evaluation, summary
    return None


def read_detail(tables: list[RawTable]) -> TableRead:
    """Part C: category rows, action rows, and continuation rows after a page break."""
    read = TableRead()
    ref = reference()
    action_col, rating_col, notes_col = 0, 1, 2
    pillar = PillarRef(None, None)
    current: Entry | None = None
    for table in tables:
        for row in table.rows:
            header = _detail_columns(row)
            if header:
                action_col, rating_col, notes_col = header
                continue
            first = row.cell(action_col).text
            rating_text = clean_label(row.cell(rating_col).text)
            category = _category(first)
            if category and not rating_text and not row.cell(notes_col).text:
                pillar, current = category, None
                continue
            here = where(table, row)
            start = _ACTION_START.match(first)
            if start:
                title, priority = _title(first[start.end():])
                current = Entry(code=start["code"], title=title, pillar=pillar,
                                rating_label=rating_text, rating=ref.rating(rating_text),
                                is_priority=priority, provenance=here)
                read.add(current)
            elif current is not None and not rating_text:
                more, more_priority = _title(first)
                current.title = squash(f"{current.title} {more}")
                current.is_priority = current.is_priority or more_priority
                current.provenance += f"; {here}"
            else:
                continue
            _add_notes(current, row.cell(notes_col), here, continued=not start)
    return read


def _category(text: str) -> PillarRef | None:
    """A Part C category heading row ("CATEGORY 1: [Legislation]"), else None."""
    templates = reference().templates
    folded = fold(text)
    if templates.matches("category_row", folded):
        return parse_pillar(text)
    return None


def _add_notes(entry: Entry, cell: RawCell, where: str, *, continued: bool = False) -> None:
    """Add a cell's paragraphs as notes; after a page break, a first paragraph that is not
    a bullet finishes the note the previous page cut."""
    instructions = reference().templates.instructions
    for i, paragraph in enumerate(cell.paragraphs):
        text = squash(paragraph.text)
        if not text:
            continue
        if continued and i == 0 and not paragraph.bullet and entry.notes:
            last = entry.notes[-1]
            entry.notes[-1] = Note(join_lines(last.text, text), last.is_comment, f"{last.provenance}; {where}")
            continue
        if any(p.match(fold(text)) for p in instructions):
            entry.instructions.append(text)
            continue
        entry.notes.append(Note(text=text, is_comment=paragraph.italic, provenance=where))
