"""Streamlit pieces every view uses: the selection line, empty states, a panel (chart, its
table, caption and downloads), links to one report, and bar selections."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import downloads, filters
from dashboard.escape import markdown  # noqa: F401  (views use ui.markdown)
from dashboard.navigation import url_path
from dashboard.panels import DEMO_NOTE, Empty, Panel  # noqa: F401  (DEMO_NOTE re-exported for views)

FORMATS = {
    "pct": st.column_config.NumberColumn(format="%.1f%%"),
    "points": st.column_config.NumberColumn(format="%+.1f"),
}


def selection_line() -> None:
    """Say what the sidebar selects, so a change of filter is announced on the page."""
    st.caption(markdown(f"Showing: {filters.describe()}."), help="Change the selection in the sidebar filters.")


def nothing_selected(what: str) -> None:
    """An empty selection explains itself: what is missing and what to change."""
    selection = filters.current()
    hints = []
    if selection.parties or selection.meetings or selection.pillars:
        hints.append("remove some Parties, meetings or pillars in the sidebar")
    if not selection.include_demo:
        hints.append("switch on 'Include demo data' (only one real report ships with the project)")
    if not hints:
        hints.append("load progress reports with `python -m loaders load FILE`")
    st.info(markdown(f"No {what} in this selection ({filters.describe()}). To see some, ")
            + ", or ".join(hints) + ".", icon=":material/filter_alt_off:")


def empty(state: Empty) -> None:
    """The empty state of a panel: what is missing and what to change."""
    st.info(markdown(state.message), icon=":material/filter_alt_off:")


def show(panel: Panel | Empty, *, on_select: Callable[[], None] | None = None,
         column_config: dict | None = None) -> bool:
    """A panel: the chart and, in a second tab, its numbers; then the caption and the
    downloads. Report text is shown as text. Returns False for an empty state.

    ``on_select``: a callback run when the user selects a bar (the selection is in
    ``st.session_state[panel.name]``)."""
    if isinstance(panel, Empty):
        empty(panel)
        return False
    chart_tab, table_tab = st.tabs(["Chart", "Table"])
    with chart_tab:
        st.plotly_chart(
            panel.figure, theme=None, alt=panel.alt, key=panel.name,
            on_select=on_select or "ignore", selection_mode="points",
            config={"displaylogo": False, "toImageButtonOptions": {"filename": f"niap_{panel.name}", "scale": 2}},
        )
    with table_tab:
        config = {c: FORMATS[f] for c, f in panel.formats.items() if c in panel.table.columns}
        st.dataframe(panel.table, hide_index=True, key=f"{panel.name}-table",
                     column_config=config | (column_config or {}))
    caption = f"Source: {panel.source}. {panel.caption}".strip()
    st.caption(markdown(caption + (f" {DEMO_NOTE}" if panel.includes_demo else "")))
    downloads.offer(panel)
    return True


def selected_keys(key: str) -> list[str]:
    """The group keys of the bars selected in chart ``key`` (customdata[0] of each point)."""
    state = st.session_state.get(key)
    if state is None:
        return []
    points = state.get("selection", {}).get("points", []) if isinstance(state, dict) else state.selection.points
    return [p["customdata"][0] for p in points if p.get("customdata")]


def report_query(report_id: str) -> dict[str, list[str] | str]:
    """Query parameters of the Report view showing one report, the sidebar filters kept."""
    return {**filters.query_params(), "report": report_id}


def report_url(report_id: str) -> str:
    """A relative link to the Report view showing one report (for table link columns)."""
    return f"{url_path('report')}?{urlencode(report_query(report_id), doseq=True)}"


def report_link(report_id: str, label: str) -> None:
    """A link to the Report view showing one report (``?report=KHM-SC66``), filters kept."""
    filters.page_link("report", markdown(label), icon=":material/description:", query={"report": report_id})


def table(frame: pd.DataFrame, **kwargs) -> None:
    """A table of report text (st.dataframe shows cells as text, never as HTML or Markdown)."""
    st.dataframe(frame, hide_index=True, **kwargs)
