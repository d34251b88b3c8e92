"""Funding gaps: actions a Party seeks funding for and has not secured, and actions delayed
for lack of funding, by Party and pillar, with a table a partner can take away."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import db, downloads, filters, ui
from dashboard.panels import files_source
from dashboard.panels import funding as panels
from dashboard.queries import funding

SECTIONS = {"party": "By Party", "pillar": "By pillar"}
TABLE_COLUMNS = {
    "Party": st.column_config.TextColumn(width=110),
    "Meeting": st.column_config.TextColumn(width=70),
    "Action": st.column_config.TextColumn(width=60),
    "Funding gap": st.column_config.TextColumn(width=190),
    "Evidence": st.column_config.TextColumn(width="large", help="The report's own sentences, as text"),
    "Where found": st.column_config.TextColumn(width=90),
    "Title": st.column_config.TextColumn(width="medium"),
}


def actions(gaps: pd.DataFrame) -> None:
    """The actions with a funding gap, with their evidence: choose the columns, download them."""
    st.subheader(f"The actions: {len(gaps)}")
    full = funding.funding_table(gaps)
    shown = st.multiselect("Columns", list(full.columns), default=list(full.columns), key="funding_columns",
                           help="The download of what is shown has exactly the columns and rows shown.")
    table = full[shown or list(full.columns)]
    ui.table(table, column_config=TABLE_COLUMNS)
    text = files_source(gaps["source_file"], panels.VIEW)
    st.caption(ui.markdown(
        "One row per action. Evidence: the reports' own sentences, separated by ' | ', shown as plain text. "
        f"Source: {text}. Selection: {filters.describe()}." + (f" {ui.DEMO_NOTE}" if gaps["is_demo"].any() else "")))
    downloads.table_downloads(table, "niap_funding_gaps", full=full, notes=[
        "Title: Actions with a funding gap", f"Source: {text}", f"Selection: {filters.describe()}",
        *([ui.DEMO_NOTE] if gaps["is_demo"].any() else [])])


def render() -> None:
    st.title("Funding gaps")
    st.caption("For funders and technical partners: NIAP actions that a Party is seeking funds for, or that are "
               "delayed for lack of funding, with the sentences that say so.")
    source, selection = db.source(), filters.current()
    ui.selection_line()
    gaps = source.ask(funding.funding_gaps, selection)
    if gaps.empty:
        ui.nothing_selected("funding gaps")
        return
    columns = st.columns(4)
    columns[0].metric("Actions with a funding gap", len(gaps))
    columns[1].metric(funding.GAP_LABELS["sought"], int(gaps["sought_not_secured"].sum()))
    columns[2].metric(funding.GAP_LABELS["delayed"], int(gaps["delayed_for_funding"].sum()))
    columns[3].metric("Parties", gaps["party_iso3"].nunique())
    for by, section in SECTIONS.items():
        st.subheader(section)
        ui.show(panels.gaps_by(source, selection, by))
    actions(gaps)


render()
