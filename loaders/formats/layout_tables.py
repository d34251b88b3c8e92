"""Tables in layout text: columns of text separated by runs of spaces.

Tables are found by what their header holds, not by exact words: a rating matrix
(Part B) is a header whose columns, read down a few lines, name two or more ratings; an
action table is a line of short header words ("No. | Measure | Status | Update") followed
by rows that start with action codes. Columns are the header's; each text segment goes
to the column whose start is nearest on its left (half-way between two starts decides).
Table headers repeated after a page break (and laid out anew) and rows whose title and
bullets continue on the next page are handled here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from loaders.formats.layout_lines import ACTION, BULLET, SHORT_LINE, Line, is_heading, text_segments
from loaders.models import RawCell, RawParagraph, RawRow, RawTable
from loaders.reference import reference
from loaders.table_cells import is_rating_like
from loaders.textutil import fold, join_lines

_PILLAR = re.compile(r"^\d{1,2}\s*[.)](?:\s|$)")
_HEADER_LINES = 6  # lines a header (labels wrapped over several lines) may take
_HEADER_CELL = 60  # longest header cell


@dataclass
class Header:
    """A table header: its kind, the start column of each table column, lines used."""

    kind: str  # "matrix" (Part B: pillars x ratings) | "rows" (one action per row)
    starts: list[int]
    length: int
    labels: list[str] = field(default_factory=list)  # matrix: the rating of each rating column
    signature: str = ""  # the first header line's words, to know it when it is repeated
    right: int = 0  # where the table's lines end when full (the right margin)


def table_header(lines: list[Line], i: int) -> Header | None:
    """The header of a table starting at line ``i``, recognised by what it holds."""
    segments = text_segments(lines[i].text)
    if not segments or any(ACTION.match(text) for _, text in segments):
        return None
    matrix = _matrix_header(lines, i)
    if matrix is not None:
        return matrix
    return _rows_header(lines, i, segments)


def _matrix_header(lines: list[Line], i: int) -> Header | None:
    """Rating columns of a Part B matrix: labels read down the header lines (possibly wrapped).

    The header may take one to a few lines, the labels starting on its first line or under
    a "PROGRESS RATING" line; the reading that names the most ratings wins (the fewest
    lines on a tie), so the first row of the table is never taken for a label.
    """
    segments = text_segments(lines[i].text)
    if is_heading(lines[i].text.strip()) or not any(
            _is_header_word(text) or reference().rating(text).kind == "rating" for _, text in segments):
        return None
    candidates = [i]  # the header's lines: blank lines between them are skipped
    j = i + 1
    while j < min(len(lines), i + _HEADER_LINES + 2) and len(candidates) < _HEADER_LINES:
        stripped = lines[j].text.strip()
        if stripped and _starts_row(stripped, "matrix"):
            break
        if stripped:
            candidates.append(j)
        j += 1
    best: Header | None = None
    for first in (0, 1):
        for end in range(first + 1, len(candidates) + 1):
            header = _matrix_labels(lines, i, candidates[first:end])
            if header is not None and (best is None or len(header.labels) > len(best.labels)):
                best = header
    return best


def _matrix_labels(lines: list[Line], i: int, used: list[int]) -> Header | None:
    """The matrix header read from the lines ``used``, if it names two ratings or more."""
    column_text: dict[int, list[str]] = {}
    for line in (lines[k] for k in used):
        for start, text in text_segments(line.text):
            key = next((k for k in column_text if abs(k - start) <= 3), start)
            column_text.setdefault(key, []).append(text)
    labels = {start: " ".join(parts) for start, parts in sorted(column_text.items())}
    rating_starts = [s for s, label in labels.items() if reference().rating(label).kind == "rating"]
    if len(rating_starts) < 2:
        return None
    pillar_start = min([s for s in labels if s not in rating_starts] + [0])
    return Header("matrix", [pillar_start, *rating_starts], used[-1] + 1 - i,
                  labels=[labels[s] for s in rating_starts], signature=_signature(lines[i].text))


def _is_header_word(text: str) -> bool:
    templates = reference().templates
    folded = fold(text)
    keys = ("header_words", "summary_header", "detail_header", "notes_header")
    return len(text) <= _HEADER_CELL and any(templates.matches(k, folded) for k in keys)


def _rows_header(lines: list[Line], i: int, segments: list[tuple[int, str]]) -> Header | None:
    """A line of short header words followed, within a few lines, by a row that starts with an action code.

    Header cells wrapped onto the next lines (aligned with the header's columns) belong to
    the header only when the first row follows them directly.
    """
    worded = sum(1 for _, text in segments if _is_header_word(text))
    if len(segments) < 2 or worded < 2 or worded * 2 < len(segments):
        return None
    starts = [s for s, _ in segments]
    signature = _signature(lines[i].text)

    def opens_row(line: Line) -> bool:
        return _opens_row(text_segments(line.text), starts, "rows")

    def wrapped(line: Line) -> bool:  # the rest of long header cells: never the first (action) column
        found = text_segments(line.text)
        return bool(found) and not opens_row(line) and all(_column(starts, s) > 0 for s, _ in found) \
            and all(any(abs(s - t) <= 3 for t in starts) for s, _ in found)

    k = i + 1
    while k < min(len(lines), i + 3) and wrapped(lines[k]):
        k += 1
    if k < len(lines) and opens_row(lines[k]):
        return Header("rows", starts, k - i, signature=signature)
    if any(opens_row(line) for line in lines[i + 1: i + 8]):
        return Header("rows", starts, 1, signature=signature)
    return None


def _signature(text: str) -> str:
    return " | ".join(fold(t) for _, t in text_segments(text))


def _column(starts: list[int], position: int) -> int:
    """The column a segment starting at ``position`` belongs to: the nearest start on its
    left, or the next one when the segment starts past half-way to it."""
    index = 0
    for k in range(1, len(starts)):
        if position >= (starts[k - 1] + starts[k]) / 2:
            index = k
    return index


@dataclass
class _Row:
    page: int
    cells: list[list[str]] = field(default_factory=list)  # per column: paragraphs
    ends: list[int] = field(default_factory=list)  # per column: where the last line of the cell ended
    last: list[str] = field(default_factory=list)  # per column: the cell's last line


def read_table(lines: list[Line], i: int, header: Header, index: int,
                vocabulary: set[str]) -> tuple[RawTable, int]:
    rows = [_header_row(lines, i, header)]
    current: _Row | None = None
    j = i + header.length
    blank_run = 0
    while j < len(lines):
        line = lines[j]
        stripped = line.text.strip()
        if not stripped:
            blank_run += 1
            j += 1
            if blank_run >= 3:
                break
            continue
        again = table_header(lines, j)
        if again is None and header.kind == "rows" and _signature(line.text) == header.signature:
            again = Header("rows", [s for s, _ in text_segments(line.text)], header.length, signature=header.signature)
        if again is not None and again.kind == header.kind:  # the header again after a page break
            header.starts, header.labels = again.starts, again.labels or header.labels
            header.right = max(header.right, len(line.text))
            rows.append(_header_row(lines, j, again))
            j += again.length
            continue
        if again is not None or is_heading(stripped):
            break
        segments = _split_at_columns(text_segments(line.text), header.starts)
        after_gap = blank_run or line.page != lines[j - 1].page
        if after_gap and current is not None and _is_prose(segments, header) and not _starts_row(stripped, header.kind):
            break
        blank_run = 0
        if _opens_row(segments, header.starts, header.kind) or current is None:
            current = _Row(line.page, [[] for _ in header.starts], [0 for _ in header.starts],
                           ["" for _ in header.starts])
            rows.append(current)
        for start, text in segments:
            _add(current, _column(header.starts, start), start, text, header, vocabulary)
        j += 1
    return _to_table(rows, index), j


def _header_row(lines: list[Line], i: int, header: Header) -> _Row:
    """The header lines as a row (Part B: the rating labels in their columns)."""
    row = _Row(lines[i].page, [[] for _ in header.starts], [0 for _ in header.starts], ["" for _ in header.starts])
    if header.kind == "matrix":
        row.cells[1:] = [[label] for label in header.labels]
        return row
    for line in lines[i: i + header.length]:
        for start, text in text_segments(line.text):
            cell = row.cells[_column(header.starts, start)]
            cell[-1:] = [f"{cell[-1]} {text}"] if cell else [text]
    return row


def _is_prose(segments: list[tuple[int, str]], header: Header) -> bool:
    """A line that starts at the table's left edge and runs across its columns: not the table."""
    if len(segments) != 1 or len(header.starts) < 2:
        return False
    start, text = segments[0]
    return start <= header.starts[0] + 1 and start + len(text) > header.starts[1] + 2


def _split_at_columns(segments: list[tuple[int, str]], starts: list[int]) -> list[tuple[int, str]]:
    """Split a segment that runs over a column start where one side is a rating: a converter
    puts one space between columns set close together ("Amend the Wildlife Act Achieved",
    "Substantially The Ivory Stockpile ..."). Only ratings decide: a title line that merely
    reaches the next column is never cut."""
    out: list[tuple[int, str]] = []
    for start, text in segments:
        for boundary in starts:
            cut = boundary - start
            if cut <= 2 or cut >= len(text) - 1:
                continue
            spaces = sorted((k for k in range(cut - 3, cut + 4) if 0 < k < len(text) - 1 and text[k] == " "),
                            key=lambda k: abs(k - cut))
            space = next((k for k in spaces if _opens_rating(text[k + 1:]) or is_rating_like(text[:k])), None)
            if space is not None:
                out.append((start, text[:space].rstrip()))
                start, text = start + space + 1, text[space + 1:]
        out.append((start, text))
    return out


def _opens_rating(text: str) -> bool:
    """Text that starts with a rating label or its first long word ("Partial", "[PROGRESS")."""
    if text.startswith("["):
        return True
    words = fold(text).split()
    return bool(words) and any(is_rating_like(" ".join(words[:n])) for n in range(1, min(len(words), 7) + 1)) \
        or bool(words) and len(words[0]) >= 6 and words[0] in _rating_first_words()


@cache
def _rating_first_words() -> frozenset[str]:
    return frozenset(label.split()[0] for label in reference().rating_label_keys())


def _opens_row(segments: list[tuple[int, str]], starts: list[int], kind: str) -> bool:
    """A line that opens a table row: its first column starts a row, or (one action per row) an
    action code opens the first or second column ("Pillar | Action | Rating" tables)."""
    first = [t for s, t in segments if _column(starts, s) == 0]
    if first and _starts_row(first[0], kind):
        return True
    return kind == "rows" and any(ACTION.match(t) for s, t in segments if _column(starts, s) == 1)


def _starts_row(text: str, kind: str) -> bool:
    templates = reference().templates
    if ACTION.match(text):
        return True
    if kind == "matrix":
        return bool(_PILLAR.match(text))
    return templates.matches("category_row", fold(text)) or bool(_PILLAR.match(text))


def _add(row: _Row, column: int, start: int, text: str, header: Header, vocabulary: set[str]) -> None:
    """Append a line of text to a cell: a bullet, an action code in a matrix, or a line after
    one that ended short (the last line of a paragraph) starts a paragraph. A word too long
    for a narrow column, broken across two lines without a hyphen ("enforceme" / "nt"), is
    joined back when the whole word occurs in the document."""
    cell = row.cells[column]
    left = header.starts[column]
    right = header.starts[column + 1] if column + 1 < len(header.starts) else header.right
    short = bool(cell) and 0 < row.ends[column] < left + (right - left) * SHORT_LINE \
        and bool(re.search(r"[.!?:;]$", cell[-1]))
    new_paragraph = bool(BULLET.match(text)) or (header.kind == "matrix" and bool(ACTION.match(text))) or short
    head = text.split(" ", 1)[0]
    broken = " " not in row.last[column] and head[:1].islower() and (row.last[column] + head).lower() in vocabulary
    if new_paragraph or not cell:
        cell.append(text)
    else:
        cell[-1] = cell[-1] + text if broken else join_lines(cell[-1], text)
    row.ends[column] = start + len(text)
    row.last[column] = text


def _to_table(rows: list[_Row], index: int) -> RawTable:
    raw_rows = []
    for row_index, row in enumerate(rows):
        cells = []
        for paragraphs in row.cells:
            parsed = tuple(
                RawParagraph(text=BULLET.sub("", p).strip(), bullet=bool(BULLET.match(p)), page=row.page)
                for p in paragraphs if p.strip()
            )
            cells.append(RawCell(raw="\n".join(paragraphs), paragraphs=parsed))
        raw_rows.append(RawRow(index=row_index, cells=tuple(cells), page=row.page))
    return RawTable(index=index, rows=tuple(raw_rows), page=rows[0].page if rows else None)
