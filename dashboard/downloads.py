"""Download buttons for panels, tables and the page's briefing pack (the Streamlit side of
dashboard/export/).

Files are made only when a button is clicked (deferred ``data`` callables), so a page
does not render images it is never asked for, and the export date is the click's. Every
CSV/XLSX row carries the date and the demo flag (`dashboard.export.tables.stamped`); every
XLSX has an "about" sheet. Without Chromium the page says what to install and offers the
data files; the chart toolbar's own PNG still works.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard import db, filters
from dashboard.export import images, lists, pack, tables
from dashboard.navigation import VIEWS
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
        table_downloads(panel.table, stem, notes=tables.panel_notes(panel), full=panel.full_data,
                        demo=panel.includes_demo)


def table_downloads(shown: pd.DataFrame, stem: str, *, notes: list[str], full: pd.DataFrame | None = None,
                    demo: bool | None = None) -> None:
    """CSV and XLSX of exactly what is shown, or of the full data on a choice; every row
    with the export date and the demo flag, the XLSX with an "about" sheet of ``notes``
    ("Title: …", "Selection: …", "Source: …"; the date is added). ``demo``: whether the table
    holds demo data (default: whether a note gives the demo warning)."""
    data = shown
    if full is not None:
        choice = st.radio("Rows", ["What is shown", "Full data"], horizontal=True, key=f"{stem}-rows")
        if choice == "Full data":
            data = full
    demo = any(DEMO_NOTE in note for note in notes) if demo is None else demo
    c1, c2 = st.columns(2)
    with c1:
        _button("CSV", lambda: tables.to_csv(tables.stamped(data, includes_demo=demo)), f"{stem}.csv", f"{stem}-csv")
    with c2:
        _button("XLSX", lambda: tables.to_xlsx(tables.stamped(data, includes_demo=demo), notes=notes),
                f"{stem}.xlsx", f"{stem}-xlsx")


def start_page() -> None:
    """Forget the panels of the previous run (called by app.py before the view runs)."""
    st.session_state[_PAGE_PANELS] = []


def page_lists(page: str) -> list[Panel]:
    """The action lists of the page titled ``page`` (Delays, Funding) for the sidebar's selection."""
    name = {title: view for view, _, title, _ in VIEWS}.get(page)
    source, selection = db.source(), filters.current()
    made = [make(source, selection) for make in lists.LISTS.get(name, ())]
    return [p for p in made if isinstance(p, Panel)]


def page_pack(page: str) -> None:
    """The briefing pack of the panels the page just drew and of its action lists, in the sidebar."""
    panels = list(st.session_state.get(_PAGE_PANELS, []))
    if not panels:
        return
    panels += page_lists(page)
    charts = sum(p.figure is not None for p in panels)
    with st.sidebar:
        st.divider()
        st.caption(f"Briefing pack of this page: {charts} chart{'s' if charts != 1 else ''}"
                   + (f" and {len(panels) - charts} action list{'s' if len(panels) - charts != 1 else ''}"
                      if len(panels) > charts else "") + " with their data, a README and slides.")
        if not images.chromium_available():
            st.caption(images.install_hint())
            return
        selection = filters.describe()  # now: the file is made later, outside this run
        _button("Briefing pack (ZIP)",
                lambda: pack.pack(panels, selection, sorted({p.source for p in panels})),
                f"niap_{_slug(page)}_briefing_pack.zip", f"pack-{_slug(page)}")
