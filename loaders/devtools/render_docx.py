"""Draw the markup model as a Word document with python-docx.

Heading-styled Part headings, real Word tables (page-broken chunks already joined by
``render_model``), repeating header rows, merged rating and category cells, "List
Bullet" bullets; optionally one action's bullets typed as "•" text and one action's
progress in a nested table (variations real reports show). Zip entries and document
properties carry fixed values, so the same markup gives the same bytes.
"""

from __future__ import annotations

import weakref
import zipfile
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.styles.style import BaseStyle
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph

from loaders.devtools.render_model import (
    DEFAULT_STYLE,
    FIXED_TIME,
    Block,
    Para,
    Style,
    Table,
    action_code,
    read_markup,
)

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


def markup_to_docx(source: str, out: Path, style: Style = DEFAULT_STYLE) -> None:
    """Render markup text as a Word document."""
    build_docx(read_markup(source), style, out)
