"""Streamlit pieces shared by the Compare, Report and Data quality pages: a chart with its
table view and caption, and links to one report that keep the sidebar filters."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.errors import StreamlitAPIException

from dashboard import downloads, filters
from dashboard.report_data import md_text

REPORT_PAGE = Path(__file__).resolve().parent / "pages" / "report.py"
REPORT_URL_PATH = "report"  # st.Page("pages/report.py") is served at /report
DEMO_NOTE = "Includes demo data (fictional Parties): not real reports."
PARTY_KEY, MEETING_KEY = "report_party", "report_meeting"


def sources_line(files: list[str], documents: list[str], *, limit: int = 3) -> str:
    """"Source: 2 progress reports (a.md, b.md); SC70 Doc. 27.4 Annex 1, Table 1" as plain text."""
    parts = []
    if files:
        shown = ", ".join(files[:limit]) + (f" and {len(files) - limit} more" if len(files) > limit else "")
        parts.append(f"{len(files)} progress report{'s' if len(files) != 1 else ''} ({shown})")
    parts += documents
    return "Source: " + ("; ".join(parts) if parts else "none")


def chart_block(figure: go.Figure, table: pd.DataFrame, *, alt: str, caption: str, key: str,
                includes_demo: bool, column_config: dict | None = None) -> None:
    """The chart and, in a second tab, the numbers it shows; then a caption with the
    source, which says so when demo data is included. ``caption`` is plain text."""
    chart_tab, table_tab = st.tabs(["Chart", "Table"])
    with chart_tab:
        st.plotly_chart(
            figure, theme=None, alt=alt, key=f"{key}-chart",
            config={"displaylogo": False, "toImageButtonOptions": {"filename": f"niap_{key}", "scale": 2}},
        )
    with table_tab:
        st.dataframe(table, hide_index=True, key=f"{key}-table", column_config=column_config or {})
    st.caption(md_text(caption + (" " + DEMO_NOTE if includes_demo else "")))
    downloads.offer(figure, table, caption=caption, key=key, includes_demo=includes_demo)


def selection_line() -> None:
    """Say what the sidebar selects, so a change of filter is announced on the page."""
    st.caption(md_text(f"Selection: {filters.describe()}."))


def report_link_params(party_name: str, meeting_code: str) -> dict[str, list[str] | str]:
    """Query parameters of the Report page showing one report, with the sidebar filters kept."""
    return {**filters.query_params(), PARTY_KEY: party_name, MEETING_KEY: meeting_code}


def report_url(party_name: str, meeting_code: str) -> str:
    """A relative link to the Report page showing one report (for table link columns)."""
    return f"{REPORT_URL_PATH}?{urlencode(report_link_params(party_name, meeting_code), doseq=True)}"


def report_link(party_name: str, meeting_code: str, label: str) -> None:
    """A page link to the Report page showing one report, keeping the sidebar filters."""
    try:
        st.page_link(str(REPORT_PAGE), label=md_text(label), icon=":material/description:",
                     query_params=report_link_params(party_name, meeting_code))
    except StreamlitAPIException:  # the Report page is not in this app's navigation
        st.caption(md_text(f"{label} (the Report page is not part of this app)"))
