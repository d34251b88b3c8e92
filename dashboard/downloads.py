"""Download buttons for panels, tables and the page's briefing pack (the Streamlit side of
dashboard/export/).

Files are made only when a button is clicked (deferred ``data`` callables), so a page
does not render images it is never asked for. Without Chromium the page says what to
install and offers the data files; the chart toolbar's own PNG still works.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard import filters
from dashboard.export import images, pack, tables
from dashboard.panels import DEMO_NOTE, Panel

MIME = {
    "png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "zip": "application/zip",
}
_PAGE_PANELS = "_niap_page_panels"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:60] or "niap"


def _button(label: str, data: Callable[[], bytes], file_name: str, key: str) -> None:
    st.download_button(label, data=data, file_name=file_name, mime=MIME[file_name.rsplit(".", 1)[-1]],
                       key=key, on_click="ignore", width="content")


def notes(panel: Panel) -> list[str]:
    """The "about" lines of a panel's data file."""
    lines = [f"Title: {panel.title}", f"Source: {panel.source}", f"Selection: {panel.selection}"]
    return lines + ([DEMO_NOTE] if panel.includes_demo else [])


def offer(panel: Panel) -> None:
    """PNG / SVG / PDF of the chart with its title, selection, source and date; CSV / XLSX of
    its numbers (or of the rows behind it); and remember it for the page's briefing pack."""
    st.session_state.setdefault(_PAGE_PANELS, []).append(panel)
    stem = f"niap_{_slug(panel.name)}"
    with st.popover("Download", icon=":material/download:"):
        if images.chromium_available():
            for column, fmt in zip(st.columns(3), images.IMAGE_FORMATS, strict=True):
                with column:
                    _button(fmt.upper(), lambda f=fmt: images.image(panel, f), f"{stem}.{fmt}", f"{stem}-{fmt}")
        else:
            st.caption(images.install_hint())
        table_downloads(panel.table, stem, notes=notes(panel), full=panel.full_data)


def table_downloads(shown: pd.DataFrame, stem: str, *, notes: list[str], full: pd.DataFrame | None = None) -> None:
    """CSV and XLSX of exactly what is shown, or of the full data on a choice."""
    data = shown
    if full is not None:
        choice = st.radio("Rows", ["What is shown", "Full data"], horizontal=True, key=f"{stem}-rows")
        if choice == "Full data":
            data = full
    c1, c2 = st.columns(2)
    with c1:
        _button("CSV", lambda: tables.to_csv(data), f"{stem}.csv", f"{stem}-csv")
    with c2:
        _button("XLSX", lambda: tables.to_xlsx(data, notes=notes), f"{stem}.xlsx", f"{stem}-xlsx")


def start_page() -> None:
    """Forget the panels of the previous run (called by app.py before the view runs)."""
    st.session_state[_PAGE_PANELS] = []


def page_pack(page: str) -> None:
    """The briefing pack of the panels the page just drew, in the sidebar."""
    panels = st.session_state.get(_PAGE_PANELS, [])
    if not panels:
        return
    with st.sidebar:
        st.divider()
        st.caption(f"Briefing pack of this page: {len(panels)} charts with their data, a README and slides.")
        if not images.chromium_available():
            st.caption(images.install_hint())
            return
        selection = filters.describe()  # now: the file is made later, outside this run
        _button("Briefing pack (ZIP)",
                lambda: pack.pack(panels, selection, sorted({p.source for p in panels})),
                f"niap_{_slug(page)}_briefing_pack.zip", f"pack-{_slug(page)}")
