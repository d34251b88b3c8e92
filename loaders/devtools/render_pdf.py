"""Draw the markup model as HTML with ruled tables and print it to an A4 PDF with Chromium.

The PDF has an annex stamp, a running header and "Page N" footers; its dates are set to
`FIXED_TIME`, so the same markup gives the same bytes. Playwright is a development
dependency (requirements-dev.txt), imported only when a `PdfPrinter` is entered.
"""

from __future__ import annotations

import os
import re
import shutil
from html import escape
from itertools import groupby
from pathlib import Path
from types import TracebackType
from typing import Any

from loaders.devtools.render_model import (
    DEFAULT_STYLE,
    FIXED_TIME,
    PART_HEADING,
    Block,
    Cell,
    RenderError,
    Run,
    Style,
    Table,
    read_markup,
)

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
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
            part = f' class="part-{block.text.split()[1][0].lower()}"' if PART_HEADING.match(block.text) else ""
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

    def markup_to_pdf(self, source: str, out: Path, style: Style = DEFAULT_STYLE) -> None:
        """Render markup text as a PDF."""
        self.print(html_document(read_markup(source), style), style, out)


def fix_pdf_dates(pdf: bytes) -> bytes:
    """The PDF with its creation and modification dates set to `FIXED_TIME`.

    The stamp has the length of Chromium's, so the cross-reference offsets stay valid.
    """
    stamp = FIXED_TIME.strftime("D:%Y%m%d%H%M%S").encode()
    return re.sub(rb"(/(?:CreationDate|ModDate) \()D:\d{14}", rb"\g<1>" + stamp, pdf)
