"""Exports for briefings: charts as PNG/SVG/PDF, tables as CSV/XLSX, a briefing pack.

Pure functions (no Streamlit): pages offer them as downloads and ``python -m
dashboard.export`` (see `dashboard.export_cli`) builds the same files from the command
line. Every exported chart carries its title, a subtitle with the filters, the source,
the date and, when it shows demo rows, "includes demo data"; every exported table has
plain-word headers and cells that a spreadsheet would run as a formula neutralised.
"""

from __future__ import annotations

import copy
import csv
import io
import shutil
import threading
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from html import escape

import pandas as pd
import plotly.graph_objects as go

IMAGE_FORMATS = ("png", "svg", "pdf")
PNG_SCALE = 2
EXPORT_WIDTH, EXPORT_HEIGHT = 1100, 650
DEMO_NOTE = "Includes demo data (fictional Parties): not real reports."
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CHROMIUM = ("chromium", "chromium-browser", "google-chrome", "chrome")


class ExportUnavailable(RuntimeError):
    """Images cannot be rendered here; the message says what to install."""


@dataclass
class ChartExport:
    """A chart ready to export: the figure and what it must say about itself."""

    name: str
    title: str
    figure: go.Figure
    data: pd.DataFrame
    source: str
    subtitle: str = ""
    includes_demo: bool = False
    columns: dict[str, str] = field(default_factory=dict)  # data column -> plain-word header


# --- tables ---------------------------------------------------------------------------


def neutralise(value: object) -> object:
    """A cell a spreadsheet would read as a formula (=, +, -, @, tab, CR first) gets a
    leading apostrophe, so it shows as text and never runs."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def plain_table(df: pd.DataFrame, columns: dict[str, str] | None = None) -> pd.DataFrame:
    """The table as exported: chosen columns renamed to plain words, formulas neutralised."""
    table = df[list(columns)].rename(columns=columns) if columns else df.copy()
    table.columns = [neutralise(str(c)) for c in table.columns]
    for column in table.columns:
        if table[column].dtype == object or pd.api.types.is_string_dtype(table[column]):
            table[column] = table[column].map(neutralise)
    return table


def to_csv(df: pd.DataFrame, columns: dict[str, str] | None = None) -> bytes:
    """RFC 4180 CSV in UTF-8 (with a BOM, so spreadsheets detect the encoding) of the plain table."""
    buffer = io.StringIO()
    plain_table(df, columns).to_csv(buffer, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(df: pd.DataFrame, columns: dict[str, str] | None = None, *, sheet: str = "data",
            notes: Iterable[str] = ()) -> bytes:
    """An XLSX workbook: the plain table, and a "about" sheet with the notes (source, filters)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    table = workbook.active
    table.title = sheet[:31]
    plain = plain_table(df, columns)
    table.append(list(plain.columns))
    for row in plain.itertuples(index=False):
        table.append([_cell(v) for v in row])
    for cell in table[1]:
        cell.font = Font(bold=True)
    about = workbook.create_sheet("about")
    for note in notes:
        about.append([neutralise(note)])
    for sheet_ in workbook.worksheets:  # strings only: never a formula
        for row in sheet_.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value: object) -> object:
    if value is None or (not isinstance(value, str | bytes) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


# --- charts ---------------------------------------------------------------------------


def chromium_available() -> bool:
    """Kaleido renders with a Chrome; Debian's ``chromium`` is what we support."""
    return any(shutil.which(name) for name in _CHROMIUM)


def install_hint() -> str:
    """What to install when images cannot be rendered."""
    return ("Chart images are rendered with Chromium. Install it (Debian/Ubuntu: "
            "`sudo apt-get install chromium`) and restart the app; until then use the "
            "camera icon in the chart's toolbar for a PNG.")


def annotated(chart: ChartExport, today: date | None = None) -> go.Figure:
    """A copy of the figure that carries its title, filters, source, date and demo note."""
    figure = copy.deepcopy(chart.figure)
    stamp = (today or date.today()).isoformat()
    footer = f"Source: {chart.source}. Exported {stamp}." + (f" {DEMO_NOTE}" if chart.includes_demo else "")
    title = escape(chart.title, quote=False)
    if chart.subtitle:
        title += f"<br><sup>{escape(chart.subtitle, quote=False)}</sup>"
    figure.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left", "y": 0.97, "yanchor": "top"},
        margin={"t": 110, "b": 110, "l": 90, "r": 40},
        width=EXPORT_WIDTH, height=EXPORT_HEIGHT,
    )
    existing = [a for a in (figure.layout.annotations or ()) if a.yref != "paper" or (a.y or 0) >= 0]
    figure.layout.annotations = existing
    figure.add_annotation(
        text=escape(footer, quote=False), xref="paper", yref="paper", x=0, y=-0.2,
        xanchor="left", yanchor="top", showarrow=False, align="left", font={"size": 11},
    )
    return figure


_server_lock = threading.Lock()
_server_started = False


def _ensure_server() -> None:
    """One long-lived kaleido server per process: the browser starts once, not per image."""
    global _server_started
    with _server_lock:
        if _server_started:
            return
        if not chromium_available():
            raise ExportUnavailable(install_hint())
        import kaleido

        try:
            kaleido.start_sync_server(silence_warnings=True)
        except Exception as e:  # kaleido raises several types when no browser starts
            raise ExportUnavailable(f"{install_hint()} ({type(e).__name__}: {e})") from e
        _server_started = True


def image(chart: ChartExport, fmt: str, *, today: date | None = None) -> bytes:
    """The annotated chart as PNG (2x), SVG or PDF bytes."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; use one of {IMAGE_FORMATS}")
    _ensure_server()
    figure = annotated(chart, today)
    scale = PNG_SCALE if fmt == "png" else 1
    with warnings.catch_warnings():  # plotly warns that per-call options go unused with a server
        warnings.simplefilter("ignore", UserWarning)
        return figure.to_image(format=fmt, scale=scale, width=EXPORT_WIDTH, height=EXPORT_HEIGHT)


# --- briefing pack ------------------------------------------------------------------------


def readme(charts: list[ChartExport], selection: str, sources: list[str], today: date | None = None) -> str:
    """The pack's README: what was selected, where the data comes from, caveats, date."""
    stamp = (today or date.today()).isoformat()
    demo = any(c.includes_demo for c in charts)
    lines = [
        "# NIAP progress briefing pack", "",
        f"Exported {stamp} from the NIAP progress dashboard.", "",
        "## Selection", "", f"- {selection}", "",
        "## Contents", "",
    ]
    for chart in charts:
        lines.append(f"- `{chart.name}.png`, `{chart.name}.svg`: {chart.title}; numbers in "
                     f"`{chart.name}.csv` and `{chart.name}.xlsx`. Source: {chart.source}.")
    lines += ["- `slides.pptx`: one slide per chart, sources in the slide notes.", "",
              "## Sources", ""]
    lines += [f"- {s}" for s in sources] or ["- (none)"]
    lines += [
        "", "## Caveats", "",
        "- Ratings are the Parties' self-assessments unless a row says the Secretariat assessed them; "
        "the Secretariat sometimes disagrees (see the Compare page).",
        "- The 2014-2016 and 2017+ templates use different rating scales; any comparison across them "
        "uses the dashboard's documented crosswalk, an analyst's convention, not a CITES equivalence.",
        "- \"Unclear\", \"not rated\" and \"no report\" are different things and are kept apart.",
        "- Delays, causes, funding and timing are extracted from the reports' text by a lexicon; "
        "each fact comes with its evidence sentence in the tables.",
    ]
    if demo:
        lines.append(f"- {DEMO_NOTE}")
    return "\n".join(lines) + "\n"


def pptx(charts: list[ChartExport], *, today: date | None = None, pngs: dict[str, bytes] | None = None) -> bytes:
    """A deck with one slide per chart (PNG), its source in the slide notes."""
    from pptx import Presentation
    from pptx.util import Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    layout = deck.slide_layouts[5]  # title only
    for chart in charts:
        slide = deck.slides.add_slide(layout)
        slide.shapes.title.text = chart.title
        slide.shapes.title.text_frame.paragraphs[0].font.size = Pt(24)
        picture = io.BytesIO((pngs or {}).get(chart.name) or image(chart, "png", today=today))
        slide.shapes.add_picture(picture, Inches(0.8), Inches(1.3), height=Inches(5.9))
        notes = f"Source: {chart.source}."
        if chart.subtitle:
            notes += f"\nSelection: {chart.subtitle}."
        if chart.includes_demo:
            notes += f"\n{DEMO_NOTE}"
        slide.notes_slide.notes_text_frame.text = notes
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def pack(charts: list[ChartExport], selection: str, sources: list[str], *, today: date | None = None) -> bytes:
    """The briefing pack: a ZIP of charts (PNG, SVG), their data (CSV, XLSX), README.md, slides."""
    buffer = io.BytesIO()
    pngs: dict[str, bytes] = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", readme(charts, selection, sources, today))
        for chart in charts:
            notes = [f"Source: {chart.source}", f"Selection: {chart.subtitle or selection}"]
            if chart.includes_demo:
                notes.append(DEMO_NOTE)
            pngs[chart.name] = image(chart, "png", today=today)
            archive.writestr(f"{chart.name}.png", pngs[chart.name])
            archive.writestr(f"{chart.name}.svg", image(chart, "svg", today=today))
            archive.writestr(f"{chart.name}.csv", to_csv(chart.data, chart.columns or None))
            archive.writestr(f"{chart.name}.xlsx", to_xlsx(chart.data, chart.columns or None, notes=notes))
        archive.writestr("slides.pptx", pptx(charts, today=today, pngs=pngs))
    return buffer.getvalue()


if __name__ == "__main__":  # python -m dashboard.export ...
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from dashboard.export_cli import main

    sys.exit(main())
