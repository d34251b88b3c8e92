"""Text converted from PDF with its layout kept (``pdftotext -layout``, pdfplumber's
``extract_text(layout=True)``): tables are columns of text separated by runs of spaces.

Quirks handled here: pages separated by form feeds, "Page N" lines and running headers
repeated on every page, hard line breaks in the middle of sentences, table headers
repeated after a page break, rows whose title and bullets continue on the next page.
Columns are found from the table's header line(s); rows start where the first column
starts an action ("1.1 ...", a category heading or a pillar number).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from loaders.formats.text import decode, has_markup, is_text
from loaders.models import Block, RawCell, RawParagraph, RawReport, RawRow, RawTable, SourceInfo
from loaders.reference import reference
from loaders.tables import ACTION_CODE
from loaders.textutil import fold, join_lines

NAME = "layout"
SUFFIXES = (".txt", ".text")

_SEGMENT = re.compile(r"\S+(?: \S+)*")
_PAGE_NUMBER = re.compile(r"^\s*(?:page|página|pagina)?\s*-?\s*\d{1,3}\s*(?:(?:of|de|sur|/)\s*\d{1,3})?\s*-?\s*$", re.I)
_BULLET = re.compile(r"^[•●▪◦·‣-]\s*")
_ACTION = re.compile(rf"^{ACTION_CODE}\.?(?=[\s\[(]|$)")
_PILLAR = re.compile(r"^\d{1,2}\s*[.)]\s*\S")


@dataclass
class Line:
    """One line of the converted text, with its page."""

    text: str
    page: int


def sniff(data: bytes) -> bool:
    """Plain text without markup: what PDF-to-text converters write."""
    return is_text(data) and not has_markup(data)


def parse(path: Path, data: bytes, source: SourceInfo) -> RawReport:
    """Read layout text into paragraphs and tables."""
    return RawReport(source=source, blocks=tuple(read_layout(decode(path, data))))


def read_layout(text: str) -> list[Block]:
    """Blocks of a layout-preserving text (pages separated by form feeds)."""
    lines = _without_running_heads(text.replace("\r\n", "\n").replace("\r", "\n"))
    blocks: list[Block] = []
    paragraph: list[Line] = []
    i = 0
    tables = 0
    while i < len(lines):
        header = _table_header(lines, i)
        if header is not None:
            _flush(paragraph, blocks)
            table, i = _read_table(lines, i, header, tables)
            blocks.append(table)
            tables += 1
            continue
        line = lines[i]
        stripped = line.text.strip()
        if not stripped:
            _flush(paragraph, blocks)
        elif _starts_paragraph(stripped):
            _flush(paragraph, blocks)
            paragraph.append(line)
            if _is_heading(stripped):
                _flush(paragraph, blocks, heading=True)
        else:
            paragraph.append(line)
        i += 1
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


def _starts_paragraph(stripped: str) -> bool:
    templates = reference().templates
    folded = fold(stripped)
    keys = ("party_label", "period_label", "prepared_by", "prepared_for", "part_a", "part_b", "part_c")
    return bool(_BULLET.match(stripped)) or any(templates.matches(k, folded) for k in keys)


def _is_heading(stripped: str) -> bool:
    templates = reference().templates
    folded = fold(stripped)
    return len(stripped) < 120 and any(templates.matches(k, folded) for k in ("part_a", "part_b", "part_c"))


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

    kind: str  # "summary" | "detail"
    starts: list[int]
    length: int
    signature: str = ""
    labels: list[str] = field(default_factory=list)  # Part B: the rating of each rating column


def _segments(text: str) -> list[tuple[int, str]]:
    """(start column, text) of the runs of text separated by two or more spaces."""
    return [(m.start(), m.group()) for m in re.finditer(r"\S+(?: \S+)*", text)]


def _table_header(lines: list[Line], i: int) -> Header | None:
    templates = reference().templates
    folded = fold(lines[i].text)
    segments = _segments(lines[i].text)
    detail_hits = [s for s in segments
                   if templates.matches("detail_header", fold(s[1]))]
    if len(detail_hits) >= 2:
        return Header("detail", [s[0] for s in segments], 1, _signature(lines[i].text))
    if templates.matches("summary_header", folded):
        return _summary_header(lines, i)
    return None


def _summary_header(lines: list[Line], i: int) -> Header | None:
    """The rating columns of Part B, from the header lines under "PROGRESS RATING"."""
    ref = reference()
    column_text: dict[int, list[str]] = {}
    j = i + 1
    while j < len(lines) and j < i + 8:
        stripped = lines[j].text.strip()
        if _PILLAR.match(stripped) or _ACTION.match(stripped) or (not stripped and column_text):
            break
        for start, text in _segments(lines[j].text):
            key = next((k for k in column_text if abs(k - start) <= 3), start)
            column_text.setdefault(key, []).append(text)
        j += 1
    labels = {start: " ".join(parts) for start, parts in sorted(column_text.items())}
    rating_starts = [s for s, label in labels.items() if ref.rating(label).kind == "rating"]
    if len(rating_starts) < 2:
        return None
    return Header("summary", [0, *rating_starts], j - i, _signature(lines[i].text),
                  labels=[labels[s] for s in rating_starts])


def _signature(text: str) -> str:
    return " ".join(text.split()).casefold()


def _column(starts: list[int], position: int) -> int:
    """The column a segment starting at ``position`` belongs to."""
    index = 0
    for k, start in enumerate(starts):
        if position >= start - 2:
            index = k
    return index


@dataclass
class _Row:
    page: int
    cells: list[list[str]] = field(default_factory=list)  # per column: paragraphs


def _read_table(lines: list[Line], i: int, header: Header, index: int) -> tuple[RawTable, int]:
    page = lines[i].page
    rows = [_Row(page, [[text] for _, text in _segments(lines[i].text)])]
    if header.kind == "summary":
        rows.append(_Row(page, [[], *([label] for label in header.labels)]))
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
        repeated = _table_header(lines, j) if _signature(line.text) == header.signature else None
        if repeated is not None:  # the header again after a page break, columns laid out anew
            header.starts = repeated.starts
            j += repeated.length
            continue
        if _is_heading(stripped) or _table_header(lines, j) is not None:
            break
        segments = _segments(line.text)
        first_col = [t for s, t in segments if _column(header.starts, s) == 0]
        if blank_run and not first_col and current is not None and _is_prose(line.text, header):
            break
        blank_run = 0
        if first_col and _starts_row(first_col[0], header.kind):
            current = _Row(line.page, [[] for _ in header.starts])
            rows.append(current)
        if current is None:
            current = _Row(line.page, [[] for _ in header.starts])
            rows.append(current)
        for start, text in segments:
            _add(current.cells[_column(header.starts, start)], text, header.kind)
        j += 1
    return _to_table(rows, index, header), j


def _is_prose(text: str, header: Header) -> bool:
    """A line that starts at the left margin and runs across the columns: not the table."""
    return text.startswith(text.lstrip()) and len(_segments(text)) == 1 and len(text.strip()) > 90


def _starts_row(text: str, kind: str) -> bool:
    templates = reference().templates
    if _ACTION.match(text):
        return True
    if kind == "summary":
        return bool(_PILLAR.match(text))
    return templates.matches("category_row", fold(text))


def _add(cell: list[str], text: str, kind: str) -> None:
    """Append a line of text to a cell: a bullet or an action code starts a paragraph."""
    new_paragraph = bool(_BULLET.match(text)) or (kind == "summary" and bool(_ACTION.match(text)))
    if new_paragraph or not cell:
        cell.append(text)
    else:
        cell[-1] = join_lines(cell[-1], text)



def _to_table(rows: list[_Row], index: int, header: Header) -> RawTable:
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
