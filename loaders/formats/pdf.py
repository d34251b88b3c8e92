"""PDF reports, read with pdfplumber.

Tables with ruling lines are found per page; a table that runs over a page break
becomes one table per page, and its continuation row (title and bullets with an empty
evaluation cell) is merged downstream like any other. Words are read once per page with
their font, so italic comments and bold headings survive. Running headers, "Page N"
footers and repeated annex stamps are dropped. A PDF whose tables have no lines is read
as layout text instead (see `loaders.formats.layout`). Provenance includes the page.

Safety: a PDF of more than 500 pages is refused before any page is read, compressed
streams inflate within bounds (`loaders.formats.pdf_streams`), pdfminer's log records
never reach the terminal, and whatever pdfminer or pdfplumber raise on a damaged file
becomes one `ReportLoadError`.
"""

from __future__ import annotations

import gc
import io
import logging
import os
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
from pdfminer.layout import LTChar
from pdfminer.pdfpage import PDFPage

from loaders.errors import ReportLoadError
from loaders.formats import pdf_streams
from loaders.formats.kinds import PDF_NAME, PDF_SUFFIXES, sniff_pdf
from loaders.formats.layout import read_layout
from loaders.formats.limits import MAX_PAGES
from loaders.models import Block, RawCell, RawParagraph, RawReport, RawRow, RawTable, SourceInfo
from loaders.table_cells import ACTION_CODE
from loaders.textutil import BULLET_CHARS, join_lines

NAME, SUFFIXES = PDF_NAME, PDF_SUFFIXES
sniff = sniff_pdf

pdf_streams.install()
# pdfminer logs a warning for every oddity of a damaged file; with no handler of its own,
# Python would print them on stderr before our one-line error. They say nothing a user can act on.
_PDFMINER_LOG = logging.getLogger("pdfminer")
_PDFMINER_LOG.addHandler(logging.NullHandler())
_PDFMINER_LOG.propagate = False

_BULLET = re.compile(rf"^[{BULLET_CHARS}]\s*")
_ACTION = re.compile(rf"^{ACTION_CODE}\.?(?=[\s\[(]|$)")
_PAGE_NUMBER = re.compile(r"^\s*(?:page|página|pagina)?\s*-?\s*\d{1,3}\s*(?:(?:of|de|sur|/)\s*\d{1,3})?\s*-?\s*$", re.I)
_EDGE = 0.08  # share of the page height where running heads live
_SHORT_LINE = 0.7  # a cell line ending before this share of the cell's width ends its paragraph
_LABEL = re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ]+(?: [a-zà-ÿ]+)? ?: ")  # "Comment: ...", "Remarks: ..." open a paragraph


@dataclass
class _Line:
    """Words on one baseline, with the fonts that say italic or bold."""

    top: float
    bottom: float
    text: str
    italic: bool
    bold: bool
    size: float
    x0: float = 0.0
    x1: float = 0.0


@dataclass
class _CellWords:
    """The words of a table cell and the cell's right edge, made into paragraphs once the
    whole document's words are known (see `_paragraph`)."""

    words: list[dict]
    right: float


@dataclass
class _Page:
    number: int
    height: float
    items: list[tuple[float, object]] = field(default_factory=list)  # (top, _Line | rows of _CellWords)
    vocabulary: set[str] = field(default_factory=set)  # the page's words, lower-cased


@contextmanager
def _gc_paused() -> Iterator[None]:
    """pdfminer allocates a few objects per character; pausing the cyclic garbage
    collector while a document is read saves about a quarter of the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse(path: Path, data: bytes, source: SourceInfo) -> RawReport:
    """Read paragraphs and ruled tables page by page."""
    with _gc_paused(), pdf_streams.budget(path):
        try:
            return _parse(path, data, source)
        except (ReportLoadError, MemoryError, RecursionError):
            raise
        except Exception as e:  # pdfminer and pdfplumber raise nearly any type on a damaged file
            raise _limit_error(e) or ReportLoadError(path, _why(e)) from e


def _parse(path: Path, data: bytes, source: SourceInfo) -> RawReport:
    pdf = pdfplumber.open(io.BytesIO(data))
    with pdf:
        _check_pages(path, pdf)
        read: list[_Page] = []
        layout_text: list[str] = []  # while no page has a ruled table: the PDF may be read as layout text
        ruled = False
        for n, page in enumerate(pdf.pages, start=1):
            read.append(_read_page(page, n))
            ruled = ruled or any(isinstance(item, list) for _, item in read[-1].items)
            if not ruled:
                layout_text.append(page.extract_text(layout=True) or "")
            page.close()  # drop the page's characters and layout: memory stays that of one page, not of all
        if not ruled:
            return RawReport(source=source, blocks=tuple(read_layout("\f".join(layout_text))))
    return RawReport(source=source, blocks=tuple(_blocks(read)))


def _check_pages(path: Path, pdf: pdfplumber.PDF) -> None:
    """Refuse a PDF of more than `MAX_PAGES` pages, counting no further than that."""
    for count, _ in enumerate(PDFPage.create_pages(pdf.doc), start=1):
        if count > MAX_PAGES:
            raise ReportLoadError(path, f"it has more than {MAX_PAGES} pages: not a progress report, or a damaged "
                                        "or hostile file")


def _limit_error(error: BaseException) -> ReportLoadError | None:
    """A bound crossed deep inside pdfminer, which pdfplumber may have wrapped in its own exception."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, ReportLoadError):
            return error
        inner = next((a for a in getattr(error, "args", ()) if isinstance(a, BaseException)), None)
        error = inner or error.__cause__ or error.__context__
        seen += 1
    return None


def _why(error: Exception) -> str:
    text = f"{type(error).__name__}: {error!r}".lower()
    if "password" in text or "encrypt" in text:
        return "the PDF is encrypted: remove the password and save it again"
    if os.environ.get("NIAP_DEBUG"):
        return f"damaged PDF ({type(error).__name__}: {error}): save or export it again"
    return f"damaged PDF (truncated or corrupt; {type(error).__name__}): save or export it again"


_CHAR_KEYS = ("adv", "height", "size", "width", "x0", "x1", "y0", "y1", "matrix", "upright", "fontname")


def _char_fast(page: pdfplumber.page.Page, obj: object) -> dict:
    """pdfplumber's ``Page.process_object`` for the common case, a character, without the
    generic attribute resolution that costs half the parse (pdfplumber 0.11.10 is pinned;
    other objects, and characters with unusual attributes, take pdfplumber's own path)."""
    if type(obj) is not LTChar or isinstance(obj.fontname, bytes):
        return pdfplumber.page.Page.process_object(page, obj)
    values = obj.__dict__
    attr = {key: values[key] for key in _CHAR_KEYS}
    attr["object_type"] = "char"
    attr["page_number"] = page.page_number
    attr["text"] = obj.get_text()
    graphics = obj.graphicstate
    attr["stroking_color"] = graphics.scolor if isinstance(graphics.scolor, tuple) else (graphics.scolor,)
    attr["non_stroking_color"] = graphics.ncolor if isinstance(graphics.ncolor, tuple) else (graphics.ncolor,)
    x0, top = page.mediabox[:2]
    attr["top"] = page.height - attr["y1"] + top
    attr["bottom"] = page.height - attr["y0"] + top
    attr["doctop"] = page.initial_doctop + attr["top"]
    if x0:
        attr["x0"] += x0
        attr["x1"] += x0
    return attr


def _read_page(page: pdfplumber.page.Page, number: int) -> _Page:
    page.process_object = _char_fast.__get__(page)  # type: ignore[method-assign]
    result = _Page(number=number, height=float(page.height))
    tables = page.find_tables(_closing_lines(page))
    words = page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False)
    cells: list[list[list[tuple[float, float, float, float] | None]]] = [
        [list(row.cells) for row in table.rows] for table in tables
    ]
    in_cell: dict[tuple[int, int, int], list[dict]] = {}
    outside: list[dict] = []
    boxes = [table.bbox for table in tables]
    for word in words:
        x, y = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
        place = _find_cell(cells, x, y) or _nearest_cell(cells, boxes, x, y)
        (in_cell.setdefault(place, []) if place else outside).append(word)
    for t, table in enumerate(tables):
        rows = []
        for r, row in enumerate(cells[t]):
            rows.append([_CellWords(in_cell.get((t, r, c), []), box[2]) if box else _CellWords([], 0.0)
                         for c, box in enumerate(row)])
        result.items.append((float(table.bbox[1]), rows))
    result.items += [(line.top, line) for line in _lines(outside)]
    result.items.sort(key=lambda item: item[0])
    result.vocabulary = {w["text"].lower() for w in words if w["text"].isalpha()}
    return result


def _nearest_cell(cells, boxes, x: float, y: float) -> tuple[int, int, int] | None:
    """For a word inside a table but in no cell (the grid pdfplumber found has a hole where
    rules are missing), or running past the table's right edge (text wider than its cell):
    the cell of its row that starts last before it, else the row's first cell."""
    for t, (x0, top, _x1, bottom) in enumerate(boxes):
        if not (x0 <= x and top <= y <= bottom):
            continue
        for r, row in enumerate(cells[t]):
            spans = [(c, box) for c, box in enumerate(row) if box and box[1] <= y <= box[3]]
            if spans:
                left = [(c, box) for c, box in spans if box[0] <= x]
                return t, r, (max(left, key=lambda cb: cb[1][0]) if left else spans[0])[0]
    return None


def _closing_lines(page: pdfplumber.page.Page) -> dict:
    """Table settings that close rows cut by a page break.

    Word and LibreOffice draw no border where a page cuts a row, so the row's part on
    either page has no top or bottom line and pdfplumber would drop it. The vertical
    rules show how far the table goes: horizontal lines at their ends close it.
    """
    verticals = [e for e in page.edges if e["orientation"] == "v" and e["height"] > 2]
    if not verticals:
        return {}
    return {"explicit_horizontal_lines": [min(e["top"] for e in verticals), max(e["bottom"] for e in verticals)]}


def _find_cell(cells, x: float, y: float) -> tuple[int, int, int] | None:
    for t, rows in enumerate(cells):
        for r, row in enumerate(rows):
            for c, box in enumerate(row):
                if box and box[0] <= x <= box[2] and box[1] <= y <= box[3]:
                    return t, r, c
    return None


def _lines(words: list[dict]) -> list[_Line]:
    """Words grouped into lines by their vertical position, left to right."""
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) <= 2:
            lines[-1].append(word)
        else:
            lines.append([word])
    out = []
    for group in lines:
        group.sort(key=lambda w: w["x0"])
        fonts = [w["fontname"] for w in group if not _BULLET.fullmatch(w["text"])] or ["x"]
        out.append(_Line(
            top=min(w["top"] for w in group), bottom=max(w["bottom"] for w in group),
            text=" ".join(w["text"] for w in group),
            italic=all(re.search(r"italic|oblique", f, re.I) for f in fonts),
            bold=all(re.search(r"bold|black|heavy", f, re.I) for f in fonts),
            size=max(w["size"] for w in group),
            x0=group[0]["x0"], x1=group[-1]["x1"],
        ))
    return out


def _cell_paragraphs(cell: _CellWords, page: int, vocabulary: set[str]) -> tuple[RawParagraph, ...]:
    """A cell's lines joined into paragraphs: a bullet, an action code, a gap, or a line after
    one that ended short with a full stop (the last line of a paragraph) starts one."""
    paragraphs: list[list[_Line]] = []
    previous: _Line | None = None
    lines = _lines(cell.words)
    right = cell.right
    left = min((line.x0 for line in lines), default=0.0)
    for line in lines:
        gap = line.top - previous.bottom if previous else 0
        ended = previous is not None and previous.x1 < left + (right - left) * _SHORT_LINE \
            and re.search(r"[.!?:;]$", previous.text) is not None
        starts = (_BULLET.match(line.text) or _ACTION.match(line.text) or _LABEL.match(line.text)
                  or gap > line.size * 0.9 or ended)
        if starts or not paragraphs or line.italic != paragraphs[-1][-1].italic:
            paragraphs.append([line])
        else:
            paragraphs[-1].append(line)
        previous = line
    return tuple(_paragraph(lines, page, vocabulary=vocabulary) for lines in paragraphs)


def _paragraph(lines: list[_Line], page: int, heading: bool = False,
               vocabulary: set[str] | frozenset[str] = frozenset()) -> RawParagraph:
    """Lines joined into one paragraph. A word too long for a narrow cell that the producer
    broke across two lines without a hyphen ("enforceme" / "nt action") is joined back when
    the whole word occurs in the document."""
    text = lines[0].text
    for before, line in zip(lines, lines[1:], strict=False):
        head = line.text.split(" ", 1)[0]
        broken = " " not in before.text and head[:1].islower() and (before.text + head).lower() in vocabulary
        text = text + line.text if broken else join_lines(text, line.text)
    bullet = bool(_BULLET.match(text))
    return RawParagraph(
        text=_BULLET.sub("", text).strip() if bullet else text,
        italic=all(line.italic for line in lines),
        bold=all(line.bold for line in lines),
        bullet=bullet,
        heading=heading,
        page=page,
    )


def _running_heads(pages: list[_Page]) -> set[str]:
    """Texts of lines near the top or bottom edge that repeat on several pages."""
    seen: Counter[str] = Counter()
    for page in pages:
        keys = {re.sub(r"\d+", "#", item.text) for top, item in page.items if isinstance(item, _Line)
                and (top < page.height * _EDGE or top > page.height * (1 - _EDGE))}
        seen.update(keys)
    return {key for key, n in seen.items() if n >= 2}


def _blocks(pages: list[_Page]) -> list[Block]:
    """Paragraphs and tables in reading order, running heads and page numbers dropped."""
    heads = _running_heads(pages)
    vocabulary = set().union(*(page.vocabulary for page in pages))
    blocks: list[Block] = []
    pending: list[_Line] = []
    page_of_pending = 0
    tables = 0

    def flush() -> None:
        if pending:
            heading = all(line.bold for line in pending) and len(pending) <= 2
            blocks.append(_paragraph(pending, page_of_pending, heading=heading))
            pending.clear()

    for page in pages:
        for _, item in page.items:
            if isinstance(item, list):
                flush()
                rows = tuple(RawRow(index=i, page=page.number, cells=tuple(
                    _raw_cell(_cell_paragraphs(cell, page.number, vocabulary)) for cell in row))
                    for i, row in enumerate(item))
                blocks.append(RawTable(index=tables, rows=rows, page=page.number))
                tables += 1
                continue
            line: _Line = item
            if _PAGE_NUMBER.match(line.text) or re.sub(r"\d+", "#", line.text) in heads:
                continue
            if pending and _new_paragraph(pending[-1], line):
                flush()
            if not pending:
                page_of_pending = page.number
            pending.append(line)
        flush()
    return blocks


def _raw_cell(paragraphs: tuple[RawParagraph, ...]) -> RawCell:
    return RawCell(raw="\n".join(p.text for p in paragraphs), paragraphs=paragraphs)


def _new_paragraph(previous: _Line, line: _Line) -> bool:
    gap = line.top - previous.bottom
    return (gap > previous.size * 0.6 or previous.bold != line.bold or abs(previous.size - line.size) > 0.5
            or bool(_BULLET.match(line.text)))
