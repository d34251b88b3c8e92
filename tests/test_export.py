"""Exported files opened as their readers would open them: a spreadsheet, a PDF reader,
a slide deck, the briefing pack's README."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import zipfile
from datetime import date
from xml.etree import ElementTree

import duckdb
import pandas as pd
import pdfplumber
import plotly.graph_objects as go
import pypdfium2
import pytest
from openpyxl import load_workbook
from PIL import Image
from pptx import Presentation

from dashboard.export import images, layout, pack, pdfinfo, tables
from dashboard.panels import DEMO_NOTE, DEMO_SWITCHED_ON, NO_DEMO_NOTE, Panel
from dashboard.selection import Filters
from tests.helpers import ROOT, require_tool

TODAY = date(2026, 11, 28)
HOSTILE = ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "Cambodia"]
SELECTION = "Cambodia; SC66; all pillars; demo data included; each Party's latest report"


@pytest.fixture
def chromium() -> str:
    """Debian's Chromium, which kaleido renders with (CI fails without it)."""
    return require_tool("chromium", "make tools")


def chart(name: str = "ratings", demo: bool = True, source: str = "out_actions (cambodia_sc66_progress_report.md)",
          rows: int | None = None) -> Panel:
    labels = HOSTILE if rows is None else [f"Party number {i}" for i in range(rows)]
    data = pd.DataFrame({"Party": labels, "Number of actions": range(len(labels))})
    figure = go.Figure(go.Bar(x=list(data["Number of actions"]), y=list(data["Party"]), orientation="h"))
    return Panel(
        name=name, title="Actions by Party", figure=figure, table=data, alt="Bar chart.", caption="Select a bar.",
        source=source, selection=SELECTION, includes_demo=demo,
    )


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dashboard.export", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def about(workbook) -> dict[str, str]:
    return {row[0]: row[1] for row in workbook["about"].iter_rows(values_only=True)}


def no_formula_cells(workbook) -> bool:
    return all(cell.data_type != "f" for ws in workbook.worksheets for row in ws.iter_rows() for cell in row)


# ------------------------------------------------------------------------------------- tables

def test_csv_round_trips_with_plain_headers_and_no_formulas() -> None:
    rows = read_csv(tables.to_csv(chart().table))
    assert rows[0] == ["Party", "Number of actions"]
    parties = [r[0] for r in rows[1:]]
    assert parties[-1] == "Cambodia"
    assert all(p.startswith("'") for p in parties[:-1])
    assert [p[1:] for p in parties[:-1]] == HOSTILE[:-1]


def test_every_csv_row_says_the_export_date_and_whether_it_is_demo_data() -> None:
    by_party = pd.DataFrame({"Party": ["Mockovia (demo)", "Cambodia"], "Delayed actions": [3, 4]})
    rows = read_csv(tables.to_csv(tables.stamped(by_party, includes_demo=True, today=TODAY)))
    assert rows == [["Party", "Delayed actions", "Demo data (fictional Party)", "Exported"],
                    ["Mockovia (demo)", "3", "True", "2026-11-28"], ["Cambodia", "4", "False", "2026-11-28"]]
    by_cause = pd.DataFrame({"Cause of delay": ["Lack of funding"], "Delayed actions": [2]})
    rows = read_csv(tables.to_csv(tables.stamped(by_cause, includes_demo=False, today=TODAY)))
    assert rows == [["Cause of delay", "Delayed actions", "Includes demo data (fictional Parties)", "Exported"],
                    ["Lack of funding", "2", "False", "2026-11-28"]]
    flagged = pd.DataFrame({"Party": ["Cambodia"], "Demo data (fictional Party)": [False]})
    assert list(tables.stamped(flagged, includes_demo=True, today=TODAY).columns) == [
        "Party", "Demo data (fictional Party)", "Exported"]


def test_xlsx_has_the_table_and_an_about_sheet_with_title_selection_source_date_demo() -> None:
    panel = chart()
    workbook = load_workbook(io.BytesIO(tables.to_xlsx(
        tables.stamped(panel.table, includes_demo=True, today=TODAY), notes=tables.panel_notes(panel, TODAY))))
    sheet = workbook["data"]
    assert [c.value for c in sheet[1]] == ["Party", "Number of actions", "Demo data (fictional Party)", "Exported"]
    assert sheet.max_row == len(HOSTILE) + 1
    assert no_formula_cells(workbook)
    assert about(workbook) == {"Title": "Actions by Party", "Selection": SELECTION,
                               "Source": "out_actions (cambodia_sc66_progress_report.md)",
                               "Exported": "2026-11-28", "Demo data": DEMO_NOTE}


def test_about_sheet_is_never_empty() -> None:
    table = tables.stamped(pd.DataFrame({"Party": ["Cambodia"]}), includes_demo=False, today=TODAY)
    workbook = load_workbook(io.BytesIO(tables.to_xlsx(table, today=TODAY)))
    assert about(workbook) == {"Exported": "2026-11-28", "Demo data": NO_DEMO_NOTE}


def test_a_panel_without_demo_rows_does_not_say_demo_data_included() -> None:
    assert DEMO_SWITCHED_ON in Filters().describe()  # the words a panel replaces
    real = chart(demo=False)
    assert real.selection == "Cambodia; SC66; all pillars; no demo data; each Party's latest report"
    assert real.demo_note == NO_DEMO_NOTE and tables.panel_notes(real, TODAY)[-1] == f"Demo data: {NO_DEMO_NOTE}"
    assert chart(demo=True).selection == SELECTION


def test_the_selection_of_real_parties_alone_says_no_demo_data(built_db) -> None:
    from dashboard.panels import describe
    from dashboard.queries import Direct

    con = duckdb.connect(str(built_db), read_only=True)
    source = Direct(con)
    assert describe(source, Filters(parties=("KHM",))) == (
        "Cambodia; all meetings; all pillars; no demo data; each Party's latest report")
    assert describe(source, Filters(parties=("KHM", "XA"))) == (
        "Cambodia, Republic of Examplia (demo); all meetings; all pillars; demo data included; "
        "each Party's latest report")
    assert "demo data excluded" in describe(source, Filters(parties=("KHM",), include_demo=False))
    con.close()


# ------------------------------------------------------------------------------------- images

def test_header_and_footer_words() -> None:
    panel = chart()
    title, subtitle = layout.header_lines(panel)
    assert title == ["Actions by Party"] and subtitle == [SELECTION]
    footer = " ".join(layout.footer_lines(panel, TODAY))
    assert footer == ("Source: out_actions (cambodia_sc66_progress_report.md). Exported 2026-11-28 from the NIAP "
                      f"progress dashboard. {DEMO_NOTE}")
    assert "Select" not in footer  # the caption is for the screen only
    assert "demo" not in " ".join(layout.footer_lines(chart(demo=False), TODAY)).lower()


def test_a_figure_subtitle_that_is_not_the_selection_is_kept_once() -> None:
    panel = chart()
    panel.figure.update_layout(title={"text": "x", "subtitle": {"text": "Revise the wildlife law &lt;2016&gt;"}})
    assert layout.header_lines(panel)[1] == ["Revise the wildlife law <2016>", SELECTION]
    panel.figure.update_layout(title={"subtitle": {"text": SELECTION}})
    assert layout.header_lines(panel)[1] == [SELECTION]


def test_many_rows_grow_the_canvas() -> None:
    figure = chart(rows=60).figure
    assert layout.rows_px(figure) >= 60 * layout.ROW_PX
    composed = layout.compose(chart(rows=60), TODAY)
    assert composed.layout.height >= 60 * layout.ROW_PX + composed.layout.margin.t + composed.layout.margin.b


def test_annotated_figure_has_one_footer_and_no_on_screen_source(chromium: str) -> None:
    panel = chart()
    panel.figure.add_annotation(text="Source: on screen", name="source", x=0, y=0, showarrow=False)
    figure = images.annotated(panel, TODAY)
    names = [a.name for a in figure.layout.annotations]
    assert names == ["footer"]
    assert "2026-11-28" in figure.layout.annotations[0].text and "demo data" in figure.layout.annotations[0].text
    assert figure.layout.title.text == "Actions by Party"
    assert figure.layout.title.subtitle.text == SELECTION


def test_a_long_footer_wraps_inside_the_image(chromium: str) -> None:
    panel = chart(source="; ".join(f"progress report file number {i} (a_long_file_name_{i}.docx)" for i in range(12)))
    assert len(layout.footer_lines(panel, TODAY)) >= 4
    pdf = images.image(panel, "pdf", today=TODAY)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        lines = sorted(page.extract_text_lines(), key=lambda line: line["top"])
        text = " ".join(line["text"] for line in lines)
        assert all(line["x0"] >= 0 and line["x1"] <= page.width and line["bottom"] <= page.height for line in lines)
    assert "a_long_file_name_11.docx). Exported 2026-11-28 from the NIAP progress dashboard." in text
    assert text.endswith(DEMO_NOTE)


def test_png_svg_pdf(chromium: str) -> None:
    files = images.images(chart(), images.IMAGE_FORMATS, today=TODAY)
    png = Image.open(io.BytesIO(files["png"]))
    assert png.format == "PNG"
    assert png.size[0] == images.EXPORT_WIDTH * images.PNG_SCALE
    assert png.size[1] >= images.EXPORT_HEIGHT * images.PNG_SCALE
    svg = ElementTree.fromstring(files["svg"])
    assert svg.tag.endswith("svg") and svg.get("height") == str(png.size[1] // images.PNG_SCALE)
    assert "Actions by Party" in ElementTree.tostring(svg, encoding="unicode")
    with pdfplumber.open(io.BytesIO(files["pdf"])) as pdf:
        assert len(pdf.pages) == 1
        assert "Source: out_actions" in (pdf.pages[0].extract_text() or "")
        assert pdf.metadata["Title"] == "Actions by Party"  # not kaleido's "Kaleido-fier"
        assert pdf.metadata["Subject"] == SELECTION
    assert pypdfium2.PdfDocument(files["pdf"]).get_metadata_dict()["Title"] == "Actions by Party"


def test_pdf_title_rewrite_keeps_every_object_where_the_table_says(chromium: str) -> None:
    original = images._render(go.Figure(go.Bar(x=[1], y=[2])), "pdf")
    assert b"Kaleido-fier" in original
    titled = pdfinfo.with_info(original, "Évolution des actions : 中文 (demo)")
    assert b"Kaleido-fier" not in titled
    xref = int(re.search(rb"startxref\s*(\d+)\s*%%EOF\s*$", titled).group(1))
    assert titled[xref:xref + 4] == b"xref"
    first = int(re.search(rb"xref\s+(\d+) \d+", titled[xref:]).group(1))
    entries = re.findall(rb"(\d{10}) \d{5} ([nf])", titled[xref:].split(b"trailer")[0])
    for number, (offset, kind) in enumerate(entries, start=first):
        if kind == b"n":
            assert titled[int(offset):].startswith(b"%d 0 obj" % number)
    with pdfplumber.open(io.BytesIO(titled)) as pdf:
        assert pdf.metadata["Title"] == "Évolution des actions : 中文 (demo)"
    assert pdfinfo.with_info(b"%PDF-1.7 not from Chrome", "x") == b"%PDF-1.7 not from Chrome"


def test_no_chromium_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "_server_started", False)
    monkeypatch.setattr(images.shutil, "which", lambda name: None)
    with pytest.raises(images.ExportUnavailable, match="apt-get install chromium"):
        images.image(chart(), "png")


# ------------------------------------------------------------------------------------- the pack

def action_list() -> Panel:
    table = pd.DataFrame({"Party": ["Cambodia"], "Action": ["1.1"], "Evidence": ["=cmd()"],
                          "Demo data (fictional Party)": [False]})
    return Panel(name="delayed_actions", title="Delayed actions and the sentences that say so", figure=None,
                 table=table, alt="Table.", caption="", source="1 progress report file (a.md)",
                 selection="Cambodia; all meetings; all pillars; demo data included; each Party's latest report")


def test_pack_has_charts_tables_readme_and_centred_slides(chromium: str) -> None:
    charts = [chart("ratings"), chart("delays", demo=False), action_list()]
    archive = zipfile.ZipFile(io.BytesIO(pack.pack(charts, SELECTION, ["data/raw/cambodia_sc66_progress_report.md"],
                                                   today=TODAY)))
    names = set(archive.namelist())
    for name in ("ratings", "delays"):
        assert {f"{name}.png", f"{name}.svg", f"{name}.csv", f"{name}.xlsx"} <= names
    assert {"delayed_actions.csv", "delayed_actions.xlsx"} <= names and "delayed_actions.png" not in names
    listed = load_workbook(io.BytesIO(archive.read("delayed_actions.xlsx")))
    assert about(listed)["Title"] == "Delayed actions and the sentences that say so"
    assert about(listed)["Exported"] == "2026-11-28" and about(listed)["Demo data"] == NO_DEMO_NOTE
    assert "no demo data" in about(listed)["Selection"]
    assert read_csv(archive.read("delayed_actions.csv"))[1] == ["Cambodia", "1.1", "'=cmd()", "False", "2026-11-28"]
    readme = archive.read("README.md").decode()
    assert f"- {SELECTION}" in readme  # one chart has demo rows: the selection says so
    assert "data/raw/cambodia_sc66_progress_report.md" in readme
    assert "2026-11-28" in readme and DEMO_NOTE in readme and "crosswalk" in readme
    assert "`delayed_actions.csv`, `delayed_actions.xlsx`: Delayed actions and the sentences that say so" in readme
    deck = Presentation(io.BytesIO(archive.read("slides.pptx")))
    assert deck.slide_width * 9 == deck.slide_height * 16  # 16:9
    assert len(deck.slides) == 2  # the table has no slide
    for slide, panel in zip(deck.slides, charts, strict=False):
        picture = next(s for s in slide.shapes if s.shape_type == 13)  # MSO_SHAPE_TYPE.PICTURE
        assert abs(2 * picture.left + picture.width - deck.slide_width) <= 2  # centred
        assert picture.top + picture.height <= deck.slide_height
        png = Image.open(io.BytesIO(archive.read(f"{panel.name}.png")))
        assert picture.width / picture.height == pytest.approx(png.size[0] / png.size[1], rel=0.002)
        assert picture._element.nvPicPr.cNvPr.get("descr") == panel.title  # the alt text
        assert slide.shapes.title.text == panel.title
        notes = slide.notes_slide.notes_text_frame.text
        assert "Exported: 2026-11-28" in notes and f"Source: {panel.source}" in notes
        assert f"Selection: {panel.selection}" in notes
        assert (DEMO_NOTE in notes) == panel.includes_demo and (NO_DEMO_NOTE in notes) != panel.includes_demo


# ------------------------------------------------------------------------------ the command line

def test_command_line_pack_of_a_real_party_says_no_demo_data(chromium: str, app_db, tmp_path) -> None:
    """``python -m dashboard.export pack --party KHM`` (demo data switched on) as a briefing writer runs it."""
    out = tmp_path / "pack.zip"
    result = cli("pack", "--page", "delays", "--party", "KHM", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no traceback when the browser closes
    archive = zipfile.ZipFile(out)
    readme = archive.read("README.md").decode()
    assert "- Cambodia; all meetings; all pillars; no demo data" in readme
    assert "cambodia_sc66_progress_report.md" in readme
    assert "demo data included" not in readme and DEMO_NOTE not in readme
    charts = [n[:-4] for n in archive.namelist() if n.endswith(".png")]
    assert charts == ["delays_by_cause", "delays_by_pillar", "delays_by_party"]
    assert {"delayed_actions.csv", "delayed_actions.xlsx"} <= set(archive.namelist())
    for name in (n for n in archive.namelist() if n.endswith(".csv")):
        rows = read_csv(archive.read(name))
        demo = next(i for i, h in enumerate(rows[0]) if "demo" in h.lower())
        assert {r[demo] for r in rows[1:]} == {"False"} and rows[0][-1] == "Exported", name
    deck = Presentation(io.BytesIO(archive.read("slides.pptx")))
    assert len(deck.slides) == len(charts)
    assert all(DEMO_NOTE not in s.notes_slide.notes_text_frame.text for s in deck.slides)
    bad = cli("pack", "--party", "ZZZ", "--out", str(tmp_path / "x.zip"))
    assert bad.returncode == 2 and bad.stderr.startswith("error: --party ZZZ: not in the database")


def test_command_line_table_of_funding_is_the_action_list(app_db, tmp_path) -> None:
    out = tmp_path / "funding.xlsx"
    result = cli("table", "--page", "funding", "--format", "xlsx", "--out", str(out))
    assert result.returncode == 0, result.stderr
    workbook = load_workbook(out)
    header = [c.value for c in workbook["data"][1]]
    assert header[:4] == ["Party", "Meeting", "Action", "Funding gap"] and "Evidence" in header
    assert header[-2:] == ["Demo data (fictional Party)", "Exported"]
    said = about(workbook)
    assert said["Title"] == "Actions with a funding gap and the sentences that say so"
    assert said["Selection"].startswith("all Parties; all meetings; all pillars; demo data included")
    assert said["Exported"] == date.today().isoformat() and said["Demo data"] == DEMO_NOTE
    assert "out_funding" in said["Source"]
    con = duckdb.connect(str(app_db), read_only=True)
    expected = con.execute("""
        WITH latest AS (SELECT report_id FROM out_reports
                        QUALIFY row_number() OVER (PARTITION BY party_iso3 ORDER BY meeting_number DESC) = 1)
        SELECT count(*) FROM out_actions a WHERE a.report_id IN (SELECT report_id FROM latest)
          AND ((a.funding_sought AND NOT a.funding_secured)
               OR EXISTS (SELECT 1 FROM out_delay_causes d WHERE d.report_id = a.report_id
                          AND d.action_code = a.action_code AND d.cause = 'funding'))""").fetchone()[0]
    con.close()
    assert workbook["data"].max_row - 1 == expected
    totals = cli("table", "--page", "funding", "--table", "funding_by_party", "--format", "csv",
                 "--out", str(tmp_path / "t.csv"))
    assert totals.returncode == 0, totals.stderr
    assert read_csv((tmp_path / "t.csv").read_bytes())[0] == [
        "Party", "Funding gap", "Actions", "Demo data (fictional Party)", "Exported"]
    wrong = cli("chart", "--page", "funding", "--chart", "funding_actions", "--format", "png",
                "--out", str(tmp_path / "x.png"))
    assert wrong.returncode == 2 and wrong.stderr.startswith("error: funding_actions is a table")


def test_command_line_lists_the_charts_and_tables_the_page_shows(app_db) -> None:
    """The export CLI makes its files from the same panel functions the Delays page calls."""
    result = cli("list", "--page", "delays")
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t")[:2] for line in result.stdout.splitlines()]
    assert rows == [["delays_by_cause", "chart"], ["delays_by_pillar", "chart"], ["delays_by_party", "chart"],
                    ["delayed_actions", "table"]]
