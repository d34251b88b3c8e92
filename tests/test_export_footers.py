"""Every chart of every page, exported, carries its title, subtitle and footer inside the
image and clear of the chart; no two texts overlap (Compare with six Parties included).

Checked on the PDF export with pdfplumber, because it is exact: Chromium lays the text out
with the font it really uses and the PDF keeps every glyph's box. An SVG has only
baselines and font sizes (text widths would be guessed) and a PNG only pixels. The PDF,
PNG and SVG of a chart are one laid-out figure rendered by one browser (`images.images`);
`test_png_is_the_pdf_layout` checks the PNG has the PDF's proportions.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pdfplumber
import pytest
from PIL import Image

from dashboard.export import images
from dashboard.export.cli import _pages
from dashboard.export.lists import LISTS
from dashboard.panels import DEMO_NOTE, Panel
from dashboard.queries import Direct
from dashboard.selection import Filters
from tests.helpers import require_tool

TODAY = date(2026, 11, 28)
PT_PER_PX = 0.75  # Chrome prints a px as 0.75 pt
SIX = ("KHM", "XA", "XB", "XC", "XD", "XE")
SELECTIONS = {  # page -> the selection its charts are exported with
    "overview": Filters(), "ratings": Filters(), "delays": Filters(), "funding": Filters(),
    "quality": Filters(), "compare": Filters(), "report": Filters(parties=("KHM",), meetings=("SC66",)),
}
TABLES = {make for made in LISTS.values() for make in made}  # action lists: tables, checked in test_export.py
CHARTS = {page: [make for make in made if make not in TABLES] for page, made in _pages().items()}
CASES = [(page, make.__name__, SELECTIONS[page]) for page, made in CHARTS.items() for make in made]
CASES += [("compare", make.__name__, Filters(parties=SIX)) for make in CHARTS["compare"]]
HINTS = re.compile(r"\b(select|click|choose|sidebar|table tab|hover)\b", re.I)  # on-screen words


@pytest.fixture(scope="module")
def chromium() -> str:
    """Debian's Chromium, which kaleido renders with (CI fails without it)."""
    return require_tool("chromium", "make tools")


@pytest.fixture(scope="module")
def source(built_db: Path) -> Iterator[Direct]:
    con = duckdb.connect(str(built_db), read_only=True)
    yield Direct(con)
    con.close()


def made(source: Direct, page: str, name: str, selection: Filters) -> Panel:
    panel = next(m for m in CHARTS[page] if m.__name__ == name)(source, selection)
    assert isinstance(panel, Panel), f"{page}.{name} draws nothing for {selection}: {panel}"
    return panel


def words(text: str) -> str:
    return " ".join(text.split())


def lines_of(pdf: bytes) -> tuple[list[dict], float, float]:
    """The text lines of a one-page PDF, top to bottom, and the page's size (pt)."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) == 1
        page = document.pages[0]
        lines = sorted(page.extract_text_lines(), key=lambda line: line["top"])
        return lines, page.width, page.height


@pytest.mark.parametrize(("page", "name", "selection"), CASES,
                         ids=[f"{p}-{n}{'-six' if s.parties == SIX else ''}" for p, n, s in CASES])
def test_title_subtitle_and_footer_inside_the_image(chromium: str, source: Direct, page: str, name: str,
                                                     selection: Filters) -> None:
    panel = made(source, page, name, selection)
    figure = images.annotated(panel, TODAY)
    lines, width, height = lines_of(images.image(panel, "pdf", today=TODAY, figure=figure))
    assert (width, height) == pytest.approx((figure.layout.width * PT_PER_PX, figure.layout.height * PT_PER_PX),
                                            abs=1)
    for line in lines:  # every text, the chart's own included, inside the page
        assert line["x0"] >= 0 and line["top"] >= 0, line["text"]
        assert line["x1"] <= width and line["bottom"] <= height, line["text"]
    title, subtitle = images.header_lines(panel)
    footer = images.footer_lines(panel, TODAY)
    head, body, foot = lines[:len(title) + len(subtitle)], lines[len(title) + len(subtitle):-len(footer)], \
        lines[-len(footer):]
    # what a reader sees: the title, one subtitle (the selection), then the footer, in full
    assert words(" ".join(line["text"] for line in head)) == words(" ".join(title + subtitle))
    assert words(" ".join(line["text"] for line in foot)) == words(" ".join(footer))
    said = words(" ".join(line["text"] for line in foot))
    assert f"Exported {TODAY.isoformat()}" in said and said.startswith(f"Source: {words(panel.source)}")
    assert (DEMO_NOTE in said) == panel.includes_demo
    assert not HINTS.search(" ".join(line["text"] for line in lines))  # no on-screen hint in an export
    assert " ".join(line["text"] for line in lines).count(words(panel.selection)[:40]) == 1
    # the title block above the chart, the footer under it, each with a gap
    assert max(line["bottom"] for line in head) < min(line["top"] for line in body)
    assert max(line["bottom"] for line in body) < min(line["top"] for line in foot)
    assert all(line["x0"] >= 8 for line in head + foot)  # starting at the left edge, not cut
    no_overlapping_words(lines)


def no_overlapping_words(lines: list[dict]) -> None:
    """No two words are drawn over each other (meeting labels of six Parties included)."""
    boxes = [c for line in lines for c in _words(line)]
    boxes.sort(key=lambda b: b[1])
    for i, (x0, top, x1, bottom, text) in enumerate(boxes):
        for other in boxes[i + 1:]:
            if other[1] >= bottom - 1.5:
                break
            overlap_x = min(x1, other[2]) - max(x0, other[0])
            overlap_y = min(bottom, other[3]) - max(top, other[1])
            assert overlap_x <= 1.5 or overlap_y <= 1.5, f"{text!r} overlaps {other[4]!r}"


def _words(line: dict) -> list[tuple[float, float, float, float, str]]:
    """The words of a text line (upright characters only: a vertical axis title is one word)."""
    out: list[tuple[float, float, float, float, str]] = []
    current: list[dict] = []
    for char in [*line["chars"], None]:
        if char is not None and char["text"].strip() and (not current or char["x0"] - current[-1]["x1"] < 1.5):
            current.append(char)
            continue
        if current:
            out.append((current[0]["x0"], min(c["top"] for c in current), current[-1]["x1"],
                        max(c["bottom"] for c in current), "".join(c["text"] for c in current)))
        current = [char] if char is not None and char["text"].strip() else []
    return out


def test_png_is_the_pdf_layout(chromium: str, source: Direct) -> None:
    """The PNG is the laid-out figure the PDF shows (same proportions, 2x), its bottom rows
    white: nothing runs off the bottom edge."""
    panel = made(source, "delays", "by_party", Filters())
    files = images.images(panel, ("png", "pdf"), today=TODAY)
    png = Image.open(io.BytesIO(files["png"])).convert("L")
    with pdfplumber.open(io.BytesIO(files["pdf"])) as document:
        size = (document.pages[0].width, document.pages[0].height)
    assert [v / images.PNG_SCALE for v in png.size] == pytest.approx([v / PT_PER_PX for v in size], abs=1.5)
    bottom = png.crop((0, png.size[1] - 8 * images.PNG_SCALE, png.size[0], png.size[1]))
    assert bottom.getextrema() == (255, 255)
