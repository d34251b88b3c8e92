"""Exported files opened as their readers would open them."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from xml.etree import ElementTree

import pandas as pd
import pdfplumber
import plotly.graph_objects as go
import pytest
from openpyxl import load_workbook
from PIL import Image
from pptx import Presentation

from dashboard.export import images, pack, tables
from dashboard.panels import Panel
from tests.helpers import require_tool

TODAY = date(2026, 11, 28)
HOSTILE = ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "Cambodia"]



@pytest.fixture
def chromium() -> str:
    """Debian's Chromium, which kaleido renders with (CI fails without it)."""
    return require_tool("chromium", "make tools")


def chart(name: str = "ratings", demo: bool = True) -> Panel:
    data = pd.DataFrame({"Party": HOSTILE, "Number of actions": range(len(HOSTILE))})
    figure = go.Figure(go.Bar(x=data["Party"], y=data["Number of actions"]))
    return Panel(
        name=name, title="Actions by Party", figure=figure, table=data, alt="Bar chart.", caption="",
        source="out_actions (cambodia_sc66_progress_report.md)", selection="Parties: KHM; meetings: SC66",
        includes_demo=demo,
    )


def test_csv_round_trips_with_plain_headers_and_no_formulas() -> None:
    rows = list(csv.reader(io.StringIO(tables.to_csv(chart().table).decode("utf-8-sig"))))
    assert rows[0] == ["Party", "Number of actions"]
    parties = [r[0] for r in rows[1:]]
    assert parties[-1] == "Cambodia"
    assert all(p.startswith("'") for p in parties[:-1])
    assert [p[1:] for p in parties[:-1]] == HOSTILE[:-1]


def test_xlsx_opens_with_no_formula_cells() -> None:
    workbook = load_workbook(io.BytesIO(tables.to_xlsx(chart().table, notes=["Source: x"])))
    sheet = workbook["data"]
    assert [c.value for c in sheet[1]] == ["Party", "Number of actions"]
    assert sheet.max_row == len(HOSTILE) + 1
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            assert all(cell.data_type != "f" for cell in row)
    assert workbook["about"]["A1"].value == "Source: x"


def test_annotated_figure_carries_title_source_date_and_demo_note() -> None:
    figure = images.annotated(chart(), TODAY)
    texts = " ".join(a.text for a in figure.layout.annotations).replace("<br>", " ")
    assert "Actions by Party" in figure.layout.title.text
    assert "Parties: KHM; meetings: SC66" in figure.layout.title.subtitle.text
    assert "Source: out_actions" in texts and "2026-11-28" in texts and "demo data" in texts
    assert "demo" not in " ".join(a.text for a in images.annotated(chart(demo=False), TODAY).layout.annotations)


def test_the_footer_fits_under_the_chart_however_long_the_source() -> None:
    long = chart()
    long.source = "; ".join(f"progress report file number {i} (a_long_file_name_{i}.docx)" for i in range(12))
    figure = images.annotated(long, TODAY)
    footer = [a for a in figure.layout.annotations if a.name == "footer"][0]
    lines = footer.text.count("<br>") + 1
    assert lines > 2
    assert "2026-11-28" in footer.text.rsplit("<br>", 2)[-2] + footer.text.rsplit("<br>", 1)[-1]
    # the footer starts under the axis and its last line ends inside the bottom margin
    assert -footer.yshift + lines * images.FOOTER_LINE_PX <= figure.layout.margin.b


def test_png_svg_pdf(chromium: str) -> None:
    png = Image.open(io.BytesIO(images.image(chart(), "png", today=TODAY)))
    assert png.format == "PNG"
    assert png.size == (images.EXPORT_WIDTH * images.PNG_SCALE, images.EXPORT_HEIGHT * images.PNG_SCALE)
    svg = ElementTree.fromstring(images.image(chart(), "svg", today=TODAY))
    assert svg.tag.endswith("svg")
    assert "Actions by Party" in ElementTree.tostring(svg, encoding="unicode")
    pdf_bytes = images.image(chart(), "pdf", today=TODAY)
    assert pdf_bytes.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        assert len(pdf.pages) == 1
        assert "Source: out_actions" in (pdf.pages[0].extract_text() or "")


def test_pack_has_charts_data_readme_and_slides(chromium: str) -> None:
    charts = [chart("ratings"), chart("delays", demo=False)]
    archive = zipfile.ZipFile(io.BytesIO(pack.pack(charts, "Parties: KHM; meetings: SC66",
                                                      ["data/raw/cambodia_sc66_progress_report.md"], today=TODAY)))
    names = set(archive.namelist())
    for name in ("ratings", "delays"):
        assert {f"{name}.png", f"{name}.svg", f"{name}.csv", f"{name}.xlsx"} <= names
    readme = archive.read("README.md").decode()
    assert "Parties: KHM; meetings: SC66" in readme
    assert "data/raw/cambodia_sc66_progress_report.md" in readme
    assert "2026-11-28" in readme and "demo data" in readme and "crosswalk" in readme
    deck = Presentation(io.BytesIO(archive.read("slides.pptx")))
    assert len(deck.slides) == 2
    assert "Source: out_actions" in deck.slides[0].notes_slide.notes_text_frame.text


def test_no_chromium_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "_server_started", False)
    monkeypatch.setattr(images.shutil, "which", lambda name: None)
    with pytest.raises(images.ExportUnavailable, match="apt-get install chromium"):
        images.image(chart(), "png")


def test_command_line_pack(chromium: str, app_db, tmp_path) -> None:
    """``python -m dashboard.export pack --party KHM --meeting SC66`` as a briefing writer runs it."""
    import subprocess
    import sys

    from tests.helpers import ROOT

    out = tmp_path / "pack.zip"
    result = subprocess.run([sys.executable, "-m", "dashboard.export", "pack", "--party", "KHM", "--meeting", "SC66",
                             "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    archive = zipfile.ZipFile(out)
    readme = archive.read("README.md").decode()
    assert "Cambodia; SC66" in readme and "cambodia_sc66_progress_report.md" in readme
    charts = [n[:-4] for n in archive.namelist() if n.endswith(".png")]
    assert charts and all(f"{c}.csv" in archive.namelist() for c in charts)
    deck = Presentation(io.BytesIO(archive.read("slides.pptx")))
    assert len(deck.slides) == len(charts)
    bad = subprocess.run([sys.executable, "-m", "dashboard.export", "pack", "--party", "ZZZ", "--out",
                          str(tmp_path / "x.zip")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and bad.stderr.startswith("error: --party ZZZ: not in the database")


def test_command_line_lists_the_charts_the_page_shows(app_db) -> None:
    """The export CLI makes its files from the same panel functions the Delays page calls."""
    import subprocess
    import sys

    from tests.helpers import ROOT

    result = subprocess.run([sys.executable, "-m", "dashboard.export", "list", "--page", "delays"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    names = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert names == ["delays_by_cause", "delays_by_pillar", "delays_by_party"]
