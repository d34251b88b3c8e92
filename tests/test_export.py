"""Exported files opened as their readers would open them."""

from __future__ import annotations

import csv
import io
import shutil
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

from dashboard import export

TODAY = date(2026, 11, 28)
HOSTILE = ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "Cambodia"]

needs_chromium = pytest.mark.skipif(not shutil.which("chromium"), reason="Debian chromium is not installed")


def chart(name: str = "ratings", demo: bool = True) -> export.ChartExport:
    data = pd.DataFrame({"party_name": HOSTILE, "actions": range(len(HOSTILE))})
    figure = go.Figure(go.Bar(x=data["party_name"], y=data["actions"]))
    return export.ChartExport(
        name=name, title="Actions by Party", figure=figure, data=data,
        source="out_actions (cambodia_sc66_progress_report.md)", subtitle="Parties: KHM; meetings: SC66",
        includes_demo=demo, columns={"party_name": "Party", "actions": "Number of actions"},
    )


def test_csv_round_trips_with_plain_headers_and_no_formulas() -> None:
    rows = list(csv.reader(io.StringIO(export.to_csv(chart().data, chart().columns).decode("utf-8-sig"))))
    assert rows[0] == ["Party", "Number of actions"]
    parties = [r[0] for r in rows[1:]]
    assert parties[-1] == "Cambodia"
    assert all(p.startswith("'") for p in parties[:-1])
    assert [p[1:] for p in parties[:-1]] == HOSTILE[:-1]


def test_xlsx_opens_with_no_formula_cells() -> None:
    workbook = load_workbook(io.BytesIO(export.to_xlsx(chart().data, chart().columns, notes=["Source: x"])))
    sheet = workbook["data"]
    assert [c.value for c in sheet[1]] == ["Party", "Number of actions"]
    assert sheet.max_row == len(HOSTILE) + 1
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            assert all(cell.data_type != "f" for cell in row)
    assert workbook["about"]["A1"].value == "Source: x"


def test_annotated_figure_carries_title_source_date_and_demo_note() -> None:
    figure = export.annotated(chart(), TODAY)
    texts = [a.text for a in figure.layout.annotations]
    assert "Actions by Party" in figure.layout.title.text
    assert "Parties: KHM; meetings: SC66" in figure.layout.title.text
    assert any("Source: out_actions" in t and "2026-11-28" in t and "demo data" in t for t in texts)
    assert not any("demo" in a.text for a in export.annotated(chart(demo=False), TODAY).layout.annotations)


@needs_chromium
def test_png_svg_pdf() -> None:
    png = Image.open(io.BytesIO(export.image(chart(), "png", today=TODAY)))
    assert png.format == "PNG"
    assert png.size == (export.EXPORT_WIDTH * export.PNG_SCALE, export.EXPORT_HEIGHT * export.PNG_SCALE)
    svg = ElementTree.fromstring(export.image(chart(), "svg", today=TODAY))
    assert svg.tag.endswith("svg")
    assert "Actions by Party" in ElementTree.tostring(svg, encoding="unicode")
    pdf_bytes = export.image(chart(), "pdf", today=TODAY)
    assert pdf_bytes.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        assert len(pdf.pages) == 1
        assert "Source: out_actions" in (pdf.pages[0].extract_text() or "")


@needs_chromium
def test_pack_has_charts_data_readme_and_slides() -> None:
    charts = [chart("ratings"), chart("delays", demo=False)]
    archive = zipfile.ZipFile(io.BytesIO(export.pack(charts, "Parties: KHM; meetings: SC66",
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
    monkeypatch.setattr(export, "_server_started", False)
    monkeypatch.setattr(export.shutil, "which", lambda name: None)
    with pytest.raises(export.ExportUnavailable, match="apt-get install chromium"):
        export.image(chart(), "png")


@needs_chromium
def test_command_line_pack(app_db, tmp_path) -> None:
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
    assert "KHM; SC66" in readme and "cambodia_sc66_progress_report.md" in readme
    charts = [n[:-4] for n in archive.namelist() if n.endswith(".png")]
    assert charts and all(f"{c}.csv" in archive.namelist() for c in charts)
    deck = Presentation(io.BytesIO(archive.read("slides.pptx")))
    assert len(deck.slides) == len(charts)
    bad = subprocess.run([sys.executable, "-m", "dashboard.export", "pack", "--party", "ZZZ", "--out",
                          str(tmp_path / "x.zip")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and bad.stderr.startswith("error: --party ZZZ: not in the database")
