"""Read a markup-text report (the shape of data/raw/*.md) into the drawing model both renderers draw.

The markup is read with ``loaders.formats.text`` into a small model: paragraphs of
formatted runs, tables of cells, with the page-broken markup chunks of a table joined
into one table (a row continued after a page break merged back into its action).
``render_docx`` draws the model as a Word document, ``render_pdf`` as HTML printed to a
PDF by Chromium. Output is reproducible: both stamp `FIXED_TIME` where a tool would
write the current time, so the same markup gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html import unescape
from typing import NamedTuple

from loaders.errors import LoaderError
from loaders.formats import text
from loaders.models import RawCell, RawParagraph, RawTable

FIXED_TIME = dt.datetime(2018, 1, 1)  # stamped into every document so output is reproducible
_HEADING = re.compile(r"^\s*(#{1,6})\s*")
PART_HEADING = re.compile(r"^(PART|SECTION)\s+[A-Z]\b")
_CODE = re.compile(r"^\s*(\d+\.\d+)")
_TAG = re.compile(r"<(/?)(\w+)[^>]*>")
_LIST_MARK = re.compile(r"^\s*(?:[•●▪◦·‣-]|\*(?!\*))\s+")


class RenderError(LoaderError):
    """A document cannot be rendered: a tool is missing or failed."""


@dataclass(frozen=True)
class Style:
    """How to draw one document: language, author, PDF header and stamp, DOCX variations."""

    lang: str = "en"
    author: str = "loaders.devtools"
    header: str = ""  # running header of the PDF pages (and the HTML title)
    stamp: str = ""  # annex stamp printed above the title block of the PDF
    text_bullets: str | None = None  # action whose DOCX bullets are typed "•" text paragraphs
    nested: str | None = None  # action whose DOCX progress sits in a one-cell nested table


DEFAULT_STYLE = Style()  # English, no running header or stamp, no DOCX variations



class Run(NamedTuple):
    """A stretch of text in one format."""

    text: str
    italic: bool = False
    bold: bool = False


@dataclass
class Para:
    """A paragraph: formatted runs, a bullet or heading level, centred or not."""

    runs: list[Run]
    bullet: bool = False
    level: int = 0  # heading level, 0 for body text
    centre: bool = False

    @property
    def text(self) -> str:
        """The paragraph's text without formatting."""
        return "".join(r.text for r in self.runs)


@dataclass
class Cell:
    """A table cell's paragraphs and how many columns it spans."""

    paras: list[Para]
    span: int = 1


@dataclass
class Table:
    """A table: header rows (repeated on each page) and body rows."""

    header: list[list[Cell]]
    body: list[list[Cell]] = field(default_factory=list)

    @property
    def ncols(self) -> int:
        """Number of columns (from the first header row)."""
        return sum(c.span for c in self.header[0])


Block = Para | Table


def tidy(runs: list[Run]) -> list[Run]:
    """Merge neighbouring runs of the same format and trim the paragraph's ends."""
    out: list[Run] = []
    for run in (r._replace(text=r.text.replace("\n", " ")) for r in runs):
        if out and out[-1][1:] == run[1:]:
            out[-1] = out[-1]._replace(text=out[-1].text + run.text)
        elif run.text:
            out.append(run)
    while out and not out[0].text.strip():
        out.pop(0)
    while out and not out[-1].text.strip():
        out.pop()
    if out:
        out[0] = out[0]._replace(text=out[0].text.lstrip())
        out[-1] = out[-1]._replace(text=out[-1].text.rstrip())
    return out


def cell_paras(raw: str) -> list[Para]:
    """A cell's HTML as paragraphs of formatted runs (the loader keeps only whole-paragraph flags)."""
    paras: list[Para] = []
    runs: list[Run] = []
    depth, li, pos = {"i": 0, "b": 0}, False, 0
    for m in [*_TAG.finditer(raw), None]:
        runs.append(Run(unescape(raw[pos:m.start() if m else None]), depth["i"] > 0, depth["b"] > 0))
        tag = {"em": "i", "strong": "b"}.get(m.group(2).lower(), m.group(2).lower()) if m else "p"
        if tag in ("p", "li", "br", "div", "ul", "ol"):
            paras += cell_para(runs, li)
            runs, li = [], tag == "li" and not m.group(1)
        elif tag in depth:
            depth[tag] = max(0, depth[tag] + (-1 if m.group(1) else 1))
        pos = m.end() if m else pos
    return paras


def cell_para(runs: list[Run], li: bool) -> list[Para]:
    """The paragraph of a cell's runs (none if empty); a typed "•" is dropped, the renderers draw bullets."""
    runs = tidy(runs)
    marked = bool(runs) and bool(_LIST_MARK.match(runs[0].text + " "))
    if marked:
        runs = tidy([runs[0]._replace(text=_LIST_MARK.sub("", runs[0].text + " ")), *runs[1:]])
    return [Para(runs, bullet=li or marked)] if runs else []


def markdown_para(raw: str, parsed: RawParagraph) -> Para:
    """A paragraph's runs from the markup it was read from (the loader keeps the plain text only)."""
    heading = _HEADING.match(raw)
    line = _HEADING.sub("", raw).rstrip(" \\")
    line = _LIST_MARK.sub("", line) if parsed.bullet and not heading else line
    runs, pos = [], 0
    for m in text.EMPHASIS.finditer(line):
        runs += [Run(line[pos:m.start()]), Run(m.group(2) or m.group(3), italic=not m.group(2), bold=bool(m.group(2)))]
        pos = m.end()
    level = max(1, len(heading.group(1)) - 1) if heading else 0
    if not level and parsed.bold and PART_HEADING.match(parsed.text):
        level = 1
    return Para(tidy([*runs, Run(line[pos:])]), bullet=parsed.bullet, level=level)


# --- reading the markup into the model --------------------------------------------------------------------------


def read_markup(source: str) -> list[Block]:
    """Paragraphs with their runs, and tables with page-broken chunks joined, in document order."""
    raw_blocks, markup = text.blocks_with_markup(source)
    lines = iter(markup)
    blocks: list[Block] = []
    chunks: list[RawTable] = []
    for block in (*raw_blocks, None):
        if isinstance(block, RawTable):
            chunks.append(block)
            continue
        if chunks:
            blocks.append(join_chunks(chunks))
            chunks = []
        if block is not None:
            blocks.append(markdown_para(next(lines), block))
    for b in blocks[:next((i for i, b in enumerate(blocks) if isinstance(b, Para) and b.level), 0)]:
        b.centre = True  # the title block
    return blocks


def row_cells(cells: tuple[RawCell, ...], header: bool) -> list[Cell]:
    """A row's cells; a header cell followed by empty ones, or a lone bold category cell, spans them."""
    filled = [i for i, c in enumerate(cells) if c.raw.strip()] or [0]
    last = filled[-1]
    category = filled == [0] and all(p.bold for p in cells[0].paragraphs)
    if (header or category) and last < len(cells) - 1:
        return [Cell(cell_paras(c.raw)) for c in cells[:last]] + [Cell(cell_paras(cells[last].raw), len(cells) - last)]
    return [Cell(cell_paras(c.raw)) for c in cells]


def join_chunks(chunks: list[RawTable]) -> Table:
    """One table from page-broken chunks: header rows once, a continued row merged into its action."""
    rows = chunks[0].rows
    n_header = 1 + next((i for i, r in enumerate(rows[1:]) if r.cells[0].raw.strip()), len(rows) - 1)
    header_raw = [[c.raw for c in r.cells] for r in rows[:n_header]]
    table = Table(header=[row_cells(r.cells, True) for r in rows[:n_header]])
    for chunk_no, chunk in enumerate(chunks):
        body = list(chunk.rows)
        while body and [c.raw for c in body[0].cells] in header_raw:
            body.pop(0)
        for i, row in enumerate(body):
            cells = row_cells(row.cells, False)
            first = chunk_no > 0 and i == 0 and table.body and len(cells) > 1
            if first and not _CODE.match(row.cells[0].text) and not row.cell(1).text:
                continue_row(table.body[-1], cells)
            else:
                table.body.append(cells)
    return table


def continue_row(previous: list[Cell], cells: list[Cell]) -> None:
    """Append a row continued after a page break to the row it continues (title text joined by a space)."""
    for before, after in zip(previous, cells, strict=False):
        if before.paras and after.paras and not after.paras[0].bullet:
            head = after.paras.pop(0)
            before.paras[-1].runs = tidy([*before.paras[-1].runs, Run(" "), *head.runs])
        before.paras += after.paras


def action_code(row: list[Cell]) -> str | None:
    """The action code a table row starts with ("2.3"), if any."""
    m = _CODE.match(row[0].paras[0].text) if row[0].paras else None
    return m.group(1) if m else None
