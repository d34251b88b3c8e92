"""Build the Word, PDF and pdftotext test fixtures from the markup-text sources; rebuild with

    .venv/bin/python tests/make_fixtures.py

(needs python-docx, pdfplumber and playwright in the venv, Debian chromium at /usr/bin/chromium, poppler-utils).
Each source is read with ``loaders.formats.text`` and rendered generically (see FIXTURES), giving:

- ``tests/data/docx/sources/<name>.docx``: title block, Heading-styled Part headings, synopsis with its italic
  words, and Parts B and C as real Word tables: page-broken markup chunks joined into one table (a row continued
  after a page break merged back into its action), repeating header rows, merged "PROGRESS RATING" and category
  cells, "List Bullet" bullets (typed "•" bullets in one action), one action's progress in a nested table.
- ``tests/data/pdf/sources/<name>.pdf``: the same blocks as ruled HTML tables printed to A4 by chromium, with an
  annex stamp, running header and "Page N" footers; the build fails unless a Part C row crosses a page break.
- ``tests/data/pdftotext/sources/cambodia_sc66_layout.txt``: ``pdftotext -layout`` of the English PDF.

Rebuilding gives the same bytes: DOCX zip entries and properties and the PDF dates carry fixed values.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from html import escape, unescape
from itertools import groupby
from pathlib import Path
from typing import NamedTuple
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402
from docx import Document  # noqa: E402
from docx.document import Document as DocxDocument  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Cm, Mm, Pt  # noqa: E402
from docx.table import _Cell, _Row  # noqa: E402
from docx.text.paragraph import Paragraph  # noqa: E402
from playwright.sync_api import Browser, sync_playwright  # noqa: E402

from loaders.formats import read_raw, text  # noqa: E402
from loaders.models import RawCell, RawParagraph, RawTable  # noqa: E402

DATA = ROOT / "tests" / "data"
FIXED_TIME = dt.datetime(2018, 1, 1)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
_HEADING = re.compile(r"^\s*(#{1,6})\s*")
_PART = re.compile(r"^(PART|SECTION)\s+[A-Z]\b")
_CODE = re.compile(r"^\s*(\d+\.\d+)")
_TAG = re.compile(r"<(/?)(\w+)[^>]*>")
_LIST_MARK = re.compile(r"^\s*(?:[•●▪◦·‣-]|\*(?!\*))\s+")


class Fixture(NamedTuple):
    """One markup source and what to build from it."""

    name: str
    markup: Path
    text_bullets: str  # action whose bullets are "•" text paragraphs in the DOCX
    nested: str  # action whose progress sits in a one-cell table nested in its cell
    pdf_header: str | None = None  # running header of the PDF; None: no PDF
    stamp: str = ""
    lang: str = "en"


FIXTURES = [
    Fixture("cambodia_sc66", ROOT / "data/raw/cambodia_sc66_progress_report.md", "2.5", "6.1",
            "CITES SC66 NIAP progress report – Cambodia", "SC66 Doc. 29 (Rev. 1) Annex 3"),
    Fixture("cambodia_sc66_fr", DATA / "text/sources/cambodia_sc66_fr.md", "2.5", "6.1",
            "CITES SC66 Rapport d'étape du PANI – Cambodge", "SC66 Doc. 29 (Rev. 1) Annexe 3", "fr"),
    Fixture("examplia_sc70", DATA / "text/sources/examplia_sc70.md", "2.2", "5.1"),
]


# --- model: what both renderers draw ----------------------------------------------------------------------------


class Run(NamedTuple):
    text: str
    italic: bool = False
    bold: bool = False


@dataclass
class Para:
    runs: list[Run]
    bullet: bool = False
    level: int = 0  # heading level, 0 for body text
    centre: bool = False

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class Cell:
    paras: list[Para]
    span: int = 1


@dataclass
class Table:
    header: list[list[Cell]]
    body: list[list[Cell]] = field(default_factory=list)

    @property
    def ncols(self) -> int:
        return sum(c.span for c in self.header[0])


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
    for m in text._EMPHASIS.finditer(line):
        runs += [Run(line[pos:m.start()]), Run(m.group(2) or m.group(3), italic=not m.group(2), bold=bool(m.group(2)))]
        pos = m.end()
    level = max(1, len(heading.group(1)) - 1) if heading else 0
    if not level and parsed.bold and _PART.match(parsed.text):
        level = 1
    return Para(tidy([*runs, Run(line[pos:])]), bullet=parsed.bullet, level=level)


# --- reading the markup into the model --------------------------------------------------------------------------


def read_markup(path: Path) -> list[Para | Table]:
    """Paragraphs with their runs, and tables with page-broken chunks joined, in document order."""
    with mock.patch.object(text, "_markdown_paragraph", wraps=text._markdown_paragraph) as spy:
        raw = read_raw(path)
    lines = iter(c.args[0] for c in spy.call_args_list)  # the markup of each paragraph, in order
    if len(spy.call_args_list) != len(raw.paragraphs):
        raise RuntimeError("loaders.formats.text changed how it builds paragraphs: update read_markup")
    blocks: list[Para | Table] = []
    chunks: list[RawTable] = []
    for block in (*raw.blocks, None):
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
    m = _CODE.match(row[0].paras[0].text) if row[0].paras else None
    return m.group(1) if m else None


# --- DOCX -------------------------------------------------------------------------------------------------------


def write_para(p: Paragraph, para: Para, text_bullets: bool = False) -> None:
    if para.level:
        p.style = f"Heading {para.level}"
    elif para.bullet and not text_bullets:
        p.style = "List Bullet"
    elif para.bullet:
        p.paragraph_format.left_indent, p.paragraph_format.first_line_indent = Cm(0.5), Cm(-0.5)
        p.add_run("•\t")
    if para.centre:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in para.runs:
        r = p.add_run(run.text)
        r.italic, r.bold = run.italic or None, run.bold or None


def fill_cell(cell: _Cell, paras: list[Para], text_bullets: bool = False) -> None:
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
    if repeat:
        row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for tc in row._tr.tc_lst:
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:fill"), fill)
        tc.get_or_add_tcPr().append(shd)


def add_table(doc: DocxDocument, table: Table, fixture: Fixture) -> None:
    n = table.ncols
    widths = [Cm(4.5), Cm(3.2), Cm(9.3)] if n == 3 else [Cm(3.2)] + [Cm(13.8 / (n - 1))] * (n - 1)
    t = doc.add_table(rows=0, cols=n)
    t.style, t.autofit = "Table Grid", False
    for r, row in enumerate(table.header + table.body):
        cells, col, code = t.add_row().cells, 0, action_code(row)
        for cell in row:
            target = cells[col].merge(cells[col + cell.span - 1]) if cell.span > 1 else cells[col]
            target.width = sum(widths[col:col + cell.span])
            if code and code == fixture.nested and col == n - 1:
                nest_table(target, cell.paras)
            else:
                fill_cell(target, cell.paras, text_bullets=code == fixture.text_bullets)
            col += cell.span
        if r < len(table.header) or len(row) == 1:
            shade(t.rows[r], "D9E2F3" if r < len(table.header) else "F2F2F2", repeat=r < len(table.header))


def build_docx(blocks: list[Para | Table], fixture: Fixture, out: Path) -> None:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(2)
    doc.styles["Normal"].font.size = Pt(10)
    props = doc.core_properties
    props.title = next(b.text for b in blocks if isinstance(b, Para))
    props.author = props.last_modified_by = "tests/make_fixtures.py"
    props.created = props.modified = props.last_printed = FIXED_TIME
    props.revision, props.language = 1, fixture.lang
    for block in blocks:
        if isinstance(block, Table):
            add_table(doc, block, fixture)
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
    out = []
    for run in runs:
        t = f"<b>{escape(run.text)}</b>" if run.bold else escape(run.text)
        out.append(f"<i>{t}</i>" if run.italic else t)
    return "".join(out)


def html_cell(cell: Cell, tag: str) -> str:
    parts = []
    for bullet, paras in groupby(cell.paras, key=lambda p: p.bullet):
        items = "".join(f"<li>{html_runs(p.runs)}</li>" if bullet else f"<p>{html_runs(p.runs)}</p>" for p in paras)
        parts.append(f"<ul>{items}</ul>" if bullet else items)
    span = f' colspan="{cell.span}"' if cell.span > 1 else ""
    category = ' class="category"' if tag == "td" and cell.span > 1 else ""
    return f"<{tag}{span}{category}>{''.join(parts)}</{tag}>"


def html_table(table: Table) -> str:
    n = table.ncols
    widths = [27, 17, 56] if n == 3 else [15] + [85 / (n - 1)] * (n - 1)
    cols = "".join(f'<col style="width:{w:.2f}%">' for w in widths)
    head = "".join(f"<tr>{''.join(html_cell(c, 'th') for c in row)}</tr>" for row in table.header)
    body = "".join(f"<tr>{''.join(html_cell(c, 'td') for c in row)}</tr>" for row in table.body)
    kind = "detail" if n == 3 else "summary"
    return f'<table class="{kind}"><colgroup>{cols}</colgroup><thead>{head}</thead><tbody>{body}</tbody></table>'


def html_document(blocks: list[Para | Table], fixture: Fixture) -> str:
    parts = [f'<p class="stamp">{escape(fixture.stamp)}</p>']
    for block in blocks:
        if isinstance(block, Table):
            parts.append(html_table(block))
        elif block.level:
            part = f' class="part-{block.text.split()[1][0].lower()}"' if _PART.match(block.text) else ""
            parts.append(f"<h{block.level}{part}>{html_runs(block.runs)}</h{block.level}>")
        else:
            parts.append(f'<p{" class=centre" if block.centre else ""}>{html_runs(block.runs)}</p>')
    head = f'<head><meta charset="utf-8"><title>{escape(fixture.pdf_header or "")}</title><style>{CSS}</style></head>'
    return f'<!DOCTYPE html><html lang="{fixture.lang}">{head}<body>{"".join(parts)}</body></html>'


def print_pdf(browser: Browser, html: str, fixture: Fixture, out: Path) -> None:
    page = browser.new_page()
    page.set_content(html, wait_until="load")
    out.parent.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(out), format="A4", print_background=True, display_header_footer=True,
             margin={"top": "20mm", "bottom": "18mm", "left": "18mm", "right": "18mm"},
             header_template=HEADER.format(escape(fixture.pdf_header or "")), footer_template=FOOTER)
    page.close()
    stamp = FIXED_TIME.strftime("D:%Y%m%d%H%M%S").encode()  # same length as chromium's: offsets stay valid
    out.write_bytes(re.sub(rb"(/(?:CreationDate|ModDate) \()D:\d{14}", rb"\g<1>" + stamp, out.read_bytes()))


# --- checks -----------------------------------------------------------------------------------------------------


def crossing_rows(pdf_path: Path) -> list[str]:
    """Part C action rows split by a page break, with the text of their part on the later page.

    Such a part is a page's first row after the repeated header, with an empty EVALUATION cell ("", whereas a
    category row spans that cell and pdfplumber gives None) and no action code.
    """
    found, last = [], None
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            for tab in page.find_tables():
                rows = tab.extract()
                if len(rows[0]) != 3:  # not Part C
                    continue
                for k, (action, rating, summary) in enumerate(rows[1:]):  # rows[0]: the repeated header
                    code = _CODE.match(action or "")
                    if k == 0 and last and not code and rating == "":
                        fragment = " ".join((action or summary or "").split())[:70]
                        found.append(f"action {last} continues from page {number - 1} to page {number}: {fragment!r}")
                    last = code.group(1) if code else last
    return found


def check_docx(path: Path) -> str:
    body = Document(str(path)).element.body
    top, every = len(body.findall(qn("w:tbl"))), len(body.findall(f".//{qn('w:tbl')}"))
    return f"{path.name}: {top} tables (+{every - top} nested), {path.stat().st_size:,} bytes"


def check_pdf(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        tables = [len(p.find_tables()) for p in pdf.pages]
    crossing = crossing_rows(path)
    if not crossing:
        raise SystemExit(f"{path.name}: no Part C action row crosses a page break; adjust the CSS")
    return (f"{path.name}: {len(tables)} pages, tables per page {tables}, {path.stat().st_size:,} bytes; "
            f"crossing: {'; '.join(crossing)}")


def main() -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for fixture in FIXTURES:
            blocks = read_markup(fixture.markup)
            docx_path = DATA / "docx/sources" / f"{fixture.name}.docx"
            build_docx(blocks, fixture, docx_path)
            print(check_docx(docx_path))
            if fixture.pdf_header is None:
                continue
            pdf_path = DATA / "pdf/sources" / f"{fixture.name}.pdf"
            print_pdf(browser, html_document(blocks, fixture), fixture, pdf_path)
            print(check_pdf(pdf_path))
            if fixture.name == "cambodia_sc66":
                layout = DATA / "pdftotext/sources/cambodia_sc66_layout.txt"
                layout.parent.mkdir(parents=True, exist_ok=True)
                subprocess.run(["pdftotext", "-layout", str(pdf_path), str(layout)], check=True)
        browser.close()


if __name__ == "__main__":
    main()
