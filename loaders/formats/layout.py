"""Text converted from PDF with its layout kept (``pdftotext -layout``, pdfplumber's
``extract_text(layout=True)``): tables are columns of text separated by runs of spaces.

Quirks handled here: pages separated by form feeds, "Page N" lines and running headers
repeated on every page, hard line breaks in the middle of sentences (a paragraph ends at
a blank line, a short line, a change of indentation, a bullet or a line that opens
something: a label, a heading, a rating line, an action heading), table headers repeated
after a page break (and laid out anew), rows whose title and bullets continue on the
next page.

Tables are found by what their header holds, not by exact words: a rating matrix
(Part B) is a header whose columns, read down a few lines, name two or more ratings; an
action table is a line of short header words ("No. | Measure | Status | Update") followed
by rows that start with action codes. Columns are the header's; each text segment goes
to the column whose start is nearest on its left (half-way between two starts decides).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from loaders.formats.text import decode, has_markup, is_text
from loaders.models import Block, RawCell, RawParagraph, RawReport, RawRow, RawTable, SourceInfo
from loaders.reference import reference
from loaders.tables import ACTION_CODE, is_rating_like
from loaders.textutil import BULLET_CHARS, fold, join_lines

NAME = "layout"
SUFFIXES = (".txt", ".text")

_PAGE_NUMBER = re.compile(
    r"^\s*(?:page|página|pagina)?\s*-?\s*\d{1,3}\s*(?:(?:of|de|sur|/)\s*\d{1,3})?\s*-?\s*$", re.I)
_BULLET = re.compile(rf"^[{BULLET_CHARS}-]\s*")
_ACTION = re.compile(rf"^{ACTION_CODE}\.?(?=[\s\[(]|$)")
_PILLAR = re.compile(r"^\d{1,2}\s*[.)](?:\s|$)")
_SHORT_LINE = 0.7  # a line ending before this share of the text width ends its paragraph
_HEADER_LINES = 6  # lines a header (labels wrapped over several lines) may take
_HEADER_CELL = 60  # longest header cell


@dataclass
class Line:
    """One line of the converted text, with its page."""

    text: str
    page: int

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip())


def sniff(data: bytes) -> bool:
    """Plain text without markup: what PDF-to-text converters write."""
    return is_text(data) and not has_markup(data)


def parse(path: Path, data: bytes, source: SourceInfo) -> RawReport:
    """Read layout text into paragraphs and tables."""
    return RawReport(source=source, blocks=tuple(read_layout(decode(path, data))))


def read_layout(text: str) -> list[Block]:
    """Blocks of a layout-preserving text (pages separated by form feeds)."""
    lines = _without_running_heads(text.replace("\r\n", "\n").replace("\r", "\n"))
    width = _text_width(lines)
    vocabulary = {w.lower() for w in re.findall(r"[^\W\d_]+", text)}
    blocks: list[Block] = []
    paragraph: list[Line] = []
    i = 0
    tables = 0
    while i < len(lines):
        header = _table_header(lines, i)
        if header is not None:
            header.right = max(width, len(lines[i].text))
            _flush(paragraph, blocks)
            table, i = _read_table(lines, i, header, tables, vocabulary)
            blocks.append(table)
            tables += 1
            continue
        line = lines[i]
        stripped = line.text.strip()
        i += 1
        if not stripped:
            _flush(paragraph, blocks)
            continue
        if paragraph and _breaks_before(paragraph, line, width):
            _flush(paragraph, blocks)
        paragraph.append(line)
        if _stands_alone(stripped):
            _flush(paragraph, blocks, heading=_is_heading(stripped))
    _flush(paragraph, blocks)
    return blocks


def _without_running_heads(text: str) -> list[Line]:
    """All lines with their page, less page numbers and lines repeated atop every page."""
    pages = [page.split("\n") for page in text.split("\f")]
    edge_counts: Counter[str] = Counter()
    for page in pages:
        content = [ln for ln in page if ln.strip()]
        for ln in {*content[:2], *content[-2:]}:
            edge_counts[re.sub(r"\d+", "#", ln.strip())] += 1
    repeated = {k for k, n in edge_counts.items() if n >= 3 and n >= len(pages) // 2}
    lines: list[Line] = []
    for number, page in enumerate(pages, start=1):
        kept = [ln.rstrip() for ln in page
                if not (ln.strip() and (_PAGE_NUMBER.match(ln) or re.sub(r"\d+", "#", ln.strip()) in repeated))]
        while kept and not kept[-1]:  # the bottom margin: a table may go on over the page
            kept.pop()
        while kept and not kept[0]:
            kept.pop(0)
        lines += [Line(ln, number) for ln in kept]
    return lines


def _text_width(lines: list[Line]) -> int:
    """Where prose lines end when they are full (the right margin), or 0 when unknown."""
    ends = sorted(len(ln.text) for ln in lines if len(_segments(ln.text)) == 1 and len(ln.text.strip()) > 40)
    return ends[int(len(ends) * 0.9)] if len(ends) >= 5 else 0


def _opens(stripped: str) -> bool:
    """A line that opens a paragraph: a label, a part heading, a rating line, an action or a pillar."""
    templates = reference().templates
    folded = fold(stripped)
    keys = ("party_label", "period_label", "prepared_by", "prepared_for", "part_a", "part_b", "part_c",
            "rating_line", "category_row", "metadata", "action_heading")
    return bool(_BULLET.match(stripped)) or any(templates.matches(k, folded) for k in keys) or _is_heading(stripped)


def _stands_alone(stripped: str) -> bool:
    """A line that is a paragraph on its own: a heading, a label line, a rating line, a pillar."""
    templates = reference().templates
    folded = fold(stripped)
    keys = ("party_label", "period_label", "prepared_for", "rating_line", "category_row", "metadata")
    return _is_heading(stripped) or any(templates.matches(k, folded) for k in keys)


def _is_heading(stripped: str) -> bool:
    templates = reference().templates
    folded = fold(stripped)
    if len(stripped) >= 120:
        return False
    if any(templates.matches(k, folded) for k in ("part_a", "part_b", "part_c")):
        return True
    return len(stripped) < 100 and (stripped.upper() == stripped or bool(re.match(r"\d{1,2}\s*[.)]\s", stripped))) \
        and any(templates.matches(k, folded) for k in ("section_a", "section_b", "section_c", "section_end"))


def _breaks_before(paragraph: list[Line], line: Line, width: int) -> bool:
    """Whether ``line`` starts a new paragraph after the lines gathered so far."""
    previous = paragraph[-1]
    stripped = line.text.strip()
    if _opens(stripped):
        return True
    if width and len(previous.text) < width * _SHORT_LINE:
        return True
    first = paragraph[0]
    hanging = _BULLET.match(first.text.strip()) and abs(line.indent - first.indent) <= 4
    return not hanging and abs(line.indent - previous.indent) > 4


def _flush(paragraph: list[Line], blocks: list[Block], heading: bool = False) -> None:
    if paragraph:
        text = paragraph[0].text.strip()
        for ln in paragraph[1:]:
            text = join_lines(text, ln.text.strip())
        bullet = bool(_BULLET.match(text))
        blocks.append(RawParagraph(text=_BULLET.sub("", text) if bullet else text, bullet=bullet,
                                   heading=heading, page=paragraph[0].page))
        paragraph.clear()


# --- tables ---------------------------------------------------------------------------


@dataclass
class Header:
    """A table header: its kind, the start column of each table column, lines used."""

    kind: str  # "matrix" (Part B: pillars x ratings) | "rows" (one action per row)
    starts: list[int]
    length: int
    labels: list[str] = field(default_factory=list)  # matrix: the rating of each rating column
    signature: str = ""  # the first header line's words, to know it when it is repeated
    right: int = 0  # where the table's lines end when full (the right margin)


def _segments(text: str) -> list[tuple[int, str]]:
    """(start column, text) of the runs of text separated by two or more spaces."""
    return [(m.start(), m.group()) for m in re.finditer(r"\S+(?: \S+)*", text)]


def _table_header(lines: list[Line], i: int) -> Header | None:
    """The header of a table starting at line ``i``, recognised by what it holds."""
    segments = _segments(lines[i].text)
    if not segments or any(_ACTION.match(text) for _, text in segments):
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
    segments = _segments(lines[i].text)
    if _is_heading(lines[i].text.strip()) or not any(
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
        for start, text in _segments(line.text):
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
        return _opens_row(_segments(line.text), starts, "rows")

    def wrapped(line: Line) -> bool:  # the rest of long header cells: never the first (action) column
        found = _segments(line.text)
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
    return " | ".join(fold(t) for _, t in _segments(text))


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


def _read_table(lines: list[Line], i: int, header: Header, index: int,
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
        again = _table_header(lines, j)
        if again is None and header.kind == "rows" and _signature(line.text) == header.signature:
            again = Header("rows", [s for s, _ in _segments(line.text)], header.length, signature=header.signature)
        if again is not None and again.kind == header.kind:  # the header again after a page break
            header.starts, header.labels = again.starts, again.labels or header.labels
            header.right = max(header.right, len(line.text))
            rows.append(_header_row(lines, j, again))
            j += again.length
            continue
        if again is not None or _is_heading(stripped):
            break
        segments = _split_at_columns(_segments(line.text), header.starts)
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
        for start, text in _segments(line.text):
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
    return kind == "rows" and any(_ACTION.match(t) for s, t in segments if _column(starts, s) == 1)


def _starts_row(text: str, kind: str) -> bool:
    templates = reference().templates
    if _ACTION.match(text):
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
    short = bool(cell) and 0 < row.ends[column] < left + (right - left) * _SHORT_LINE \
        and bool(re.search(r"[.!?:;]$", cell[-1]))
    new_paragraph = bool(_BULLET.match(text)) or (header.kind == "matrix" and bool(_ACTION.match(text))) or short
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
                RawParagraph(text=_BULLET.sub("", p).strip(), bullet=bool(_BULLET.match(p)), page=row.page)
                for p in paragraphs if p.strip()
            )
            cells.append(RawCell(raw="\n".join(paragraphs), paragraphs=parsed))
        raw_rows.append(RawRow(index=row_index, cells=tuple(cells), page=row.page))
    return RawTable(index=index, rows=tuple(raw_rows), page=rows[0].page if rows else None)
