"""Streamlit pieces every page uses: the filter line, empty states, a chart with its
table view, and the caption that names the source and says when demo data is in."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import downloads, filters

DEMO_WORDS = "includes demo data (fictional Parties)"
MAX_FILES_NAMED = 3


def filter_line() -> None:
    """Say what the sidebar filters select, so a change is announced on the page."""
    st.caption(f"Showing: {filters.describe()}.", help="Change the selection in the sidebar filters.")


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
    st.info(f"No {what} in this selection ({filters.describe()}). To see some, " + ", or ".join(hints) + ".",
            icon=":material/filter_alt_off:")


def source_text(view: str, files: Iterable[str], *, demo: bool, what: str = "progress report") -> str:
    """"Source: 3 progress report files (a.md, b.docx, c.pdf) via the out_actions view; includes
    demo data (fictional Parties)." ``view`` names the view(s): "out_actions view"."""
    names = sorted({f for f in files if isinstance(f, str) and f})
    if not names:
        listed = f"the selected {what}s"
    else:
        shown = ", ".join(names[:MAX_FILES_NAMED]) + (", …" if len(names) > MAX_FILES_NAMED else "")
        noun = "file" if len(names) == 1 else "files"
        listed = f"{len(names)} {what} {noun} ({shown})"
    text = f"Source: {listed} via the {view}"
    return text + (f"; {DEMO_WORDS}." if demo else ".")


def figure_source(view: str, files: Iterable[str], *, demo: bool) -> str:
    """The short source line drawn inside a chart (so a saved PNG still names it)."""
    n = len({f for f in files if isinstance(f, str) and f})
    listed = f"{n} progress report file{'s' if n != 1 else ''}" if n else "the selected progress reports"
    return f"Source: {listed}, {view}" + (f"; {DEMO_WORDS}." if demo else ".")


def chart_block(figure: go.Figure, *, alt: str, table: pd.DataFrame, caption: str, key: str,
                column_config: dict[str, Any] | None = None, on_select: Callable[[], None] | None = None,
                filename: str = "niap_chart") -> None:
    """A chart and the table of its numbers in tabs (Chart | Table), then the caption.

    ``on_select``: a callback run when the user selects a bar (the selection is in
    ``st.session_state[key]``)."""
    chart_tab, table_tab = st.tabs(["Chart", "Table"])
    with chart_tab:
        st.plotly_chart(
            figure, theme=None, alt=alt, key=key,
            on_select=on_select or "ignore", selection_mode="points",
            config={"displaylogo": False, "toImageButtonOptions": {"filename": filename}},
        )
    with table_tab:
        st.dataframe(table, hide_index=True, column_config=column_config)
    st.caption(caption)
    downloads.offer(figure, table, caption=caption, key=key, includes_demo=DEMO_WORDS in caption)


def selected_keys(key: str) -> list[str]:
    """The group keys of the bars selected in chart ``key`` (customdata[0] of each point)."""
    state = st.session_state.get(key)
    if state is None:
        return []
    points = state.get("selection", {}).get("points", []) if isinstance(state, dict) else state.selection.points
    return [p["customdata"][0] for p in points if p.get("customdata")]


SHARE = st.column_config.NumberColumn(format="%.1f%%")


def capped(total: int, shown: int, order: str = "in the order of the chart") -> str:
    """Caption words when a chart shows only some of the selection's Parties."""
    if shown >= total:
        return ""
    return (f" The chart shows {shown} of {total} Parties ({order}) so that it stays readable; choose "
            "Parties in the sidebar to see others. The Table tab lists them all.")
