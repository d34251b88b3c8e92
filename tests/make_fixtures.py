"""Build the Word, PDF and pdftotext test fixtures from the markup-text sources; rebuild with

    .venv/bin/python tests/make_fixtures.py

(needs python-docx, pdfplumber and playwright in the venv, Debian chromium at /usr/bin/chromium, poppler-utils).
Each source is rendered by ``loaders.devtools.render_*`` (markup -> DOCX, markup -> HTML -> PDF; see FIXTURES),
giving:

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

import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402
from docx import Document  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402

from loaders.devtools.render_docx import build_docx  # noqa: E402
from loaders.devtools.render_model import Style, read_markup  # noqa: E402
from loaders.devtools.render_pdf import PdfPrinter, html_document  # noqa: E402

DATA = ROOT / "tests" / "data"
_CODE = re.compile(r"^\s*(\d+\.\d+)")


class Fixture(NamedTuple):
    """One markup source and what to build from it."""

    name: str
    markup: Path
    text_bullets: str  # action whose bullets are "•" text paragraphs in the DOCX
    nested: str  # action whose progress sits in a one-cell table nested in its cell
    pdf_header: str | None = None  # running header of the PDF; None: no PDF
    stamp: str = ""
    lang: str = "en"

    @property
    def style(self) -> Style:
        """How loaders.devtools draws this fixture."""
        return Style(lang=self.lang, author="tests/make_fixtures.py", header=self.pdf_header or "",
                     stamp=self.stamp, text_bullets=self.text_bullets, nested=self.nested)


FIXTURES = [
    Fixture("cambodia_sc66", ROOT / "data/raw/cambodia_sc66_progress_report.md", "2.5", "6.1",
            "CITES SC66 NIAP progress report – Cambodia", "SC66 Doc. 29 (Rev. 1) Annex 3"),
    Fixture("cambodia_sc66_fr", DATA / "text/sources/cambodia_sc66_fr.md", "2.5", "6.1",
            "CITES SC66 Rapport d'étape du PANI – Cambodge", "SC66 Doc. 29 (Rev. 1) Annexe 3", "fr"),
    Fixture("examplia_sc70", DATA / "text/sources/examplia_sc70.md", "2.2", "5.1"),
]


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
    with PdfPrinter() as printer:
        for fixture in FIXTURES:
            blocks = read_markup(fixture.markup.read_text(encoding="utf-8"))
            docx_path = DATA / "docx/sources" / f"{fixture.name}.docx"
            build_docx(blocks, fixture.style, docx_path)
            print(check_docx(docx_path))
            if fixture.pdf_header is None:
                continue
            pdf_path = DATA / "pdf/sources" / f"{fixture.name}.pdf"
            printer.print(html_document(blocks, fixture.style), fixture.style, pdf_path)
            print(check_pdf(pdf_path))
            if fixture.name == "cambodia_sc66":
                layout = DATA / "pdftotext/sources/cambodia_sc66_layout.txt"
                layout.parent.mkdir(parents=True, exist_ok=True)
                subprocess.run(["pdftotext", "-layout", str(pdf_path), str(layout)], check=True)


if __name__ == "__main__":
    main()
