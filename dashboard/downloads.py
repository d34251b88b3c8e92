"""Download buttons for charts, tables and the briefing pack (the Streamlit side of export).

Files are made only when a button is clicked (deferred ``data`` callables), so a page
does not render images it is never asked for. Without Chromium the page says what to
install and offers the data files; the chart toolbar's own PNG still works.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard import export

MIME = {
    "png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "zip": "application/zip",
}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:60] or "niap"


def _button(label: str, data: Callable[[], bytes], file_name: str, key: str) -> None:
    st.download_button(label, data=data, file_name=file_name, mime=MIME[file_name.rsplit(".", 1)[-1]],
                       key=key, on_click="ignore", width="content")


def chart_downloads(chart: export.ChartExport, *, full_data: pd.DataFrame | None = None) -> None:
    """PNG / SVG / PDF of the chart with its title, filters, source and date; CSV / XLSX of
    its numbers (what the chart shows, or the full rows behind it when given)."""
    stem = f"niap_{_slug(chart.name)}"
    with st.popover("Download", icon=":material/download:"):
        if export.chromium_available():
            columns = st.columns(3)
            for column, fmt in zip(columns, export.IMAGE_FORMATS, strict=True):
                with column:
                    _button(fmt.upper(), lambda f=fmt: export.image(chart, f), f"{stem}.{fmt}", f"{stem}-{fmt}")
        else:
            st.caption(export.install_hint())
        table_downloads(chart.data, chart.columns or None, stem, notes=_notes(chart), full=full_data)


def table_downloads(shown: pd.DataFrame, columns: dict[str, str] | None, stem: str, *,
                    notes: list[str] | None = None, full: pd.DataFrame | None = None) -> None:
    """CSV and XLSX of exactly what is shown, or of the full data on a choice."""
    data = shown
    if full is not None:
        choice = st.radio("Rows", ["What is shown", "Full data"], horizontal=True, key=f"{stem}-rows")
        if choice == "Full data":
            data, columns = full, None
    c1, c2 = st.columns(2)
    with c1:
        _button("CSV", lambda: export.to_csv(data, columns), f"{stem}.csv", f"{stem}-csv")
    with c2:
        _button("XLSX", lambda: export.to_xlsx(data, columns, notes=notes or []), f"{stem}.xlsx", f"{stem}-xlsx")


def pack_download(charts: list[export.ChartExport], selection: str, sources: list[str], page: str) -> None:
    """The briefing pack of this page's charts: ZIP with images, data, README and slides."""
    if not charts:
        return
    if not export.chromium_available():
        st.caption("Briefing pack: " + export.install_hint())
        return
    _button("Briefing pack (ZIP)", lambda: export.pack(charts, selection, sources),
            f"niap_{_slug(page)}_briefing_pack.zip", f"pack-{_slug(page)}")


def _notes(chart: export.ChartExport) -> list[str]:
    notes = [f"Title: {chart.title}", f"Source: {chart.source}"]
    if chart.subtitle:
        notes.append(f"Selection: {chart.subtitle}")
    if chart.includes_demo:
        notes.append(export.DEMO_NOTE)
    return notes


# --- every chart block offers its downloads; the page's charts make the pack ----------------------

_PAGE_CHARTS = "_niap_page_charts"


def _title(figure) -> str:
    text = figure.layout.title.text or "NIAP chart"
    return html.unescape(re.sub(r"<br>.*", "", text, flags=re.S)).strip()


def offer(figure, table: pd.DataFrame, *, caption: str, key: str, includes_demo: bool) -> None:
    """Download buttons for a chart drawn on a page, and remember it for the page's pack."""
    from dashboard import filters

    chart = export.ChartExport(
        name=key, title=_title(figure), figure=figure, data=table,
        source=re.sub(r"^Source:\s*", "", caption).rstrip(". "),
        subtitle=filters.current().describe(), includes_demo=includes_demo,
    )
    st.session_state.setdefault(_PAGE_CHARTS, []).append(chart)
    chart_downloads(chart)


def start_page() -> None:
    """Forget the charts of the previous run (called by app.py before the page runs)."""
    st.session_state[_PAGE_CHARTS] = []


def page_pack(page: str) -> None:
    """The briefing pack of the charts the page just drew, in the sidebar."""
    from dashboard import filters

    charts = st.session_state.get(_PAGE_CHARTS, [])
    if not charts:
        return
    with st.sidebar:
        st.divider()
        st.caption(f"Briefing pack of this page: {len(charts)} charts with their data, a README and slides.")
        pack_download(charts, filters.current().describe(), sorted({c.source for c in charts}), page)
