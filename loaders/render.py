"""Render a markup-text report (the shape of data/raw/*.md) as a Word document or a PDF.

The markup is read with ``loaders.formats.text`` into a small drawing model (paragraphs
of formatted runs, tables of cells), then drawn:

- as DOCX with python-docx: Heading-styled Part headings, real Word tables with the
  page-broken markup chunks joined into one table (a row continued after a page break
  merged back into its action), repeating header rows, merged rating and category
  cells, "List Bullet" bullets; optionally one action's bullets typed as "•" text and
  one action's progress in a nested table (variations real reports show);
- as HTML with ruled tables, printed to A4 by Chromium through Playwright, with an annex
  stamp, a running header and "Page N" footers.

Output is reproducible: DOCX zip entries and properties and the PDF dates carry fixed
values, so the same markup gives the same bytes. Playwright is a development dependency
(requirements-dev.txt), imported only when a PDF is printed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import weakref
import zipfile
from dataclasses import dataclass, field
from html import escape, unescape
from itertools import groupby
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.styles.style import BaseStyle
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph

from loaders.errors import LoaderError
from loaders.formats import text
from loaders.models import RawCell, RawParagraph, RawTable

FIXED_TIME = dt.datetime(2018, 1, 1)  # stamped into every document so output is reproducible
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
_HEADING = re.compile(r"^\s*(#{1,6})\s*")
_PART = re.compile(r"^(PART|SECTION)\s+[A-Z]\b")
_CODE = re.compile(r"^\s*(\d+\.\d+)")
_TAG = re.compile(r"<(/?)(\w+)[^>]*>")
_LIST_MARK = re.compile(r"^\s*(?:[•●▪◦·‣-]|\*(?!\*))\s+")


class RenderError(LoaderError):
    """A document cannot be rendered: a tool is missing or failed."""


@dataclass(frozen=True)
class Style:
    """How to draw one document: language, author, PDF header and stamp, DOCX variations."""

    lang: str = "en"
    author: str = "loaders.render"
    header: str = ""  # running header of the PDF pages (and the HTML title)
    stamp: str = ""  # annex stamp printed above the title block of the PDF
    text_bullets: str | None = None  # action whose DOCX bullets are typed "•" text paragraphs
    nested: str | None = None  # action whose DOCX progress sits in a one-cell nested table


# --- model: what both renderers draw ----------------------------------------------------------------------------


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
    if not level and parsed.bold and _PART.match(parsed.text):
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


# --- DOCX -------------------------------------------------------------------------------------------------------


_STYLES: weakref.WeakKeyDictionary[Any, dict[str, BaseStyle]] = weakref.WeakKeyDictionary()


def _style(p: Paragraph, name: str) -> BaseStyle:
    """A style of ``p``'s document by name, looked up once per document (python-docx searches every time)."""
    cache = _STYLES.setdefault(p.part, {})
    if name not in cache:
        cache[name] = p.part.document.styles[name]
    return cache[name]


def write_para(p: Paragraph, para: Para, text_bullets: bool = False) -> None:
    """Draw one paragraph into a Word paragraph (heading style, bullet, centring, runs)."""
    if para.level:
        p.style = _style(p, f"Heading {para.level}")
    elif para.bullet and not text_bullets:
        p.style = _style(p, "List Bullet")
    elif para.bullet:
        p.paragraph_format.left_indent, p.paragraph_format.first_line_indent = Cm(0.5), Cm(-0.5)
        p.add_run("•\t")
    if para.centre:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in para.runs:
        r = p.add_run(run.text)
        r.italic, r.bold = run.italic or None, run.bold or None


def fill_cell(cell: _Cell, paras: list[Para], text_bullets: bool = False) -> None:
    """Draw paragraphs into a Word table cell (its first, empty paragraph is reused)."""
    for i, para in enumerate(paras):
        write_para(cell.paragraphs[0] if i == 0 else cell.add_paragraph(), para, text_bullets)


def nest_table(cell: _Cell, paras: list[Para]) -> None:
    """The paragraphs in a one-cell table nested in ``cell`` (python-docx adds the closing paragraph)."""
    inner = cell.add_table(rows=1, cols=1)
    inner.style = "Table Grid"
    fill_cell(inner.cell(0, 0), paras)
    empty = cell.paragraphs[0]._p
    empty.getparent().remove(empty)


def shade(row: _Row, fill: str, repeat: bool) -> None:
    """Shade a row's cells; ``repeat`` makes it a header row repeated on each page."""
    if repeat:
        row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for tc in row._tr.tc_lst:
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:fill"), fill)
        tc.get_or_add_tcPr().append(shd)


def add_table(doc: DocxDocument, table: Table, style: Style) -> None:
    """Draw a table: header rows shaded and repeated, category rows shaded, merged cells spanned."""
    n = table.ncols
    widths = [Cm(4.5), Cm(3.2), Cm(9.3)] if n == 3 else [Cm(3.2)] + [Cm(13.8 / (n - 1))] * (n - 1)
    t = doc.add_table(rows=0, cols=n)
    t.style, t.autofit = "Table Grid", False
    for r, row in enumerate(table.header + table.body):
        cells, col, code = t.add_row().cells, 0, action_code(row)
        for cell in row:
            target = cells[col].merge(cells[col + cell.span - 1]) if cell.span > 1 else cells[col]
            target.width = sum(widths[col:col + cell.span])
            if code and code == style.nested and col == n - 1:
                nest_table(target, cell.paras)
            else:
                fill_cell(target, cell.paras, text_bullets=code is not None and code == style.text_bullets)
            col += cell.span
        if r < len(table.header) or len(row) == 1:
            shade(t.rows[r], "D9E2F3" if r < len(table.header) else "F2F2F2", repeat=r < len(table.header))


def build_docx(blocks: list[Block], style: Style, out: Path) -> None:
    """Write the blocks as an A4 Word document at ``out`` (same blocks, same bytes)."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(2)
    doc.styles["Normal"].font.size = Pt(10)
    props = doc.core_properties
    props.title = next(b.text for b in blocks if isinstance(b, Para))
    props.author = props.last_modified_by = style.author
    props.created = props.modified = props.last_printed = FIXED_TIME
    props.revision, props.language = 1, style.lang
    for block in blocks:
        if isinstance(block, Table):
            add_table(doc, block, style)
        else:
            write_para(doc.add_paragraph(), block)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    freeze_zip(out)


def freeze_zip(path: Path) -> None:
    """Rewrite the archive with fixed entry dates and modes (python-docx stamps the current time)."""
    with zipfile.ZipFile(path) as z:
        entries = [(info.filename, z.read(info)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w") as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            z.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)


def markup_to_docx(source: str, out: Path, style: Style = Style()) -> None:
    """Render markup text as a Word document."""
    build_docx(read_markup(source), style, out)


# --- HTML and PDF -----------------------------------------------------------------------------------------------

CSS = """
body { font-family: 'Liberation Sans', Arial, sans-serif; font-size: 10.5pt; line-height: 1.35; }
.stamp { text-align: right; font-size: 9pt; margin: 0 0 18pt; } .centre { text-align: center; }
h1 { font-size: 12.5pt; margin: 16pt 0 6pt; } h2 { font-size: 11pt; } h1, h2 { break-after: avoid; }
h1.part-c { break-before: page; margin-top: 0; }
table { border-collapse: separate; border-spacing: 0; width: 100%; margin-bottom: 12pt; }
table.summary { font-size: 9pt; }
th, td { border: 0.5pt solid #000; padding: 4pt 5pt; vertical-align: top; text-align: left;
         box-decoration-break: clone; -webkit-box-decoration-break: clone; }
thead { display: table-header-group; } thead th { background: #d9e2f3; font-weight: normal; }
td.category { background: #f2f2f2; }
td p, th p { margin: 0 0 3pt; } ul { margin: 0; padding-left: 14pt; list-style: none; } li { margin-bottom: 5pt; }
li::before { content: "•"; display: inline-block; width: 9pt; margin-left: -11pt; margin-right: 2pt; }
"""
HEADER = '<div style="font-size:8px;width:100%;margin:0 15mm;color:#444">{}</div>'
FOOTER = '<div style="font-size:8px;width:100%;text-align:center">Page <span class="pageNumber"></span></div>'


def html_runs(runs: list[Run]) -> str:
    """Runs as escaped HTML with <i> and <b>."""
    out = []
    for run in runs:
        t = f"<b>{escape(run.text)}</b>" if run.bold else escape(run.text)
        out.append(f"<i>{t}</i>" if run.italic else t)
    return "".join(out)


def html_cell(cell: Cell, tag: str) -> str:
    """A cell as <td>/<th>: paragraphs as <p>, bullets as one <ul>."""
    parts = []
    for bullet, paras in groupby(cell.paras, key=lambda p: p.bullet):
        items = "".join(f"<li>{html_runs(p.runs)}</li>" if bullet else f"<p>{html_runs(p.runs)}</p>" for p in paras)
        parts.append(f"<ul>{items}</ul>" if bullet else items)
    span = f' colspan="{cell.span}"' if cell.span > 1 else ""
    category = ' class="category"' if tag == "td" and cell.span > 1 else ""
    return f"<{tag}{span}{category}>{''.join(parts)}</{tag}>"


def html_table(table: Table) -> str:
    """A table with a repeating <thead>; three columns is Part C, more is Part B."""
    n = table.ncols
    widths = [27, 17, 56] if n == 3 else [15] + [85 / (n - 1)] * (n - 1)
    cols = "".join(f'<col style="width:{w:.2f}%">' for w in widths)
    head = "".join(f"<tr>{''.join(html_cell(c, 'th') for c in row)}</tr>" for row in table.header)
    body = "".join(f"<tr>{''.join(html_cell(c, 'td') for c in row)}</tr>" for row in table.body)
    kind = "detail" if n == 3 else "summary"
    return f'<table class="{kind}"><colgroup>{cols}</colgroup><thead>{head}</thead><tbody>{body}</tbody></table>'


def html_document(blocks: list[Block], style: Style) -> str:
    """The whole report as one HTML page ready to print (Part C starts on a new page)."""
    parts = [f'<p class="stamp">{escape(style.stamp)}</p>']
    for block in blocks:
        if isinstance(block, Table):
            parts.append(html_table(block))
        elif block.level:
            part = f' class="part-{block.text.split()[1][0].lower()}"' if _PART.match(block.text) else ""
            parts.append(f"<h{block.level}{part}>{html_runs(block.runs)}</h{block.level}>")
        else:
            parts.append(f'<p{" class=centre" if block.centre else ""}>{html_runs(block.runs)}</p>')
    head = f'<head><meta charset="utf-8"><title>{escape(style.header)}</title><style>{CSS}</style></head>'
    return f'<!DOCTYPE html><html lang="{style.lang}">{head}<body>{"".join(parts)}</body></html>'


def chromium_path() -> str:
    """``$NIAP_CHROMIUM``, else ``chromium`` on the PATH, else Debian's /usr/bin/chromium."""
    return os.environ.get("NIAP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


class PdfPrinter:
    """Chromium driven by Playwright, launched once to print many documents.

    Use as a context manager. Playwright is imported only here: without it (or without
    Chromium) entering raises `RenderError` naming what to install.
    """

    def __init__(self, executable: str | None = None) -> None:
        self.executable = executable or chromium_path()
        self._playwright: Any = None
        self._browser: Any = None

    def __enter__(self) -> PdfPrinter:
        try:
            from playwright.sync_api import Error as PlaywrightError
            from playwright.sync_api import sync_playwright
        except ImportError as e:
            raise RenderError(
                "playwright: not installed; PDF rendering needs the development dependencies "
                "(.venv/bin/pip install -r requirements-dev.txt) and Chromium (apt-get install chromium)"
            ) from e
        if not Path(self.executable).is_file():
            raise RenderError(f"{self.executable}: Chromium not found; install it (apt-get install chromium) "
                              "or point $NIAP_CHROMIUM at it")
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(executable_path=self.executable, args=CHROMIUM_ARGS)
        except PlaywrightError as e:
            self._playwright.stop()
            raise RenderError(f"{self.executable}: Chromium did not start: {str(e).splitlines()[0]}") from e
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._browser.close()
        self._playwright.stop()

    def print(self, html: str, style: Style, out: Path) -> None:
        """Print an HTML page to an A4 PDF at ``out`` with header, footer and fixed dates."""
        page = self._browser.new_page()
        try:
            page.set_content(html, wait_until="load")
            pdf = page.pdf(format="A4", print_background=True, display_header_footer=True,
                           margin={"top": "20mm", "bottom": "18mm", "left": "18mm", "right": "18mm"},
                           header_template=HEADER.format(escape(style.header)), footer_template=FOOTER)
        finally:
            page.close()
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(fix_pdf_dates(pdf))

    def markup_to_pdf(self, source: str, out: Path, style: Style = Style()) -> None:
        """Render markup text as a PDF."""
        self.print(html_document(read_markup(source), style), style, out)


def fix_pdf_dates(pdf: bytes) -> bytes:
    """The PDF with its creation and modification dates set to `FIXED_TIME`.

    The stamp has the length of Chromium's, so the cross-reference offsets stay valid.
    """
    stamp = FIXED_TIME.strftime("D:%Y%m%d%H%M%S").encode()
    return re.sub(rb"(/(?:CreationDate|ModDate) \()D:\d{14}", rb"\g<1>" + stamp, pdf)
