"""Funding gaps: actions a Party seeks funding for and has not secured, and actions delayed
for lack of funding, by Party and pillar, with a table a partner can take away."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data, export, filters, queries, ui
from dashboard.db import current_db

GROUPINGS = {  # grouping -> (section title, axis title, chart title)
    "party": ("By Party", "Party", "Funding gaps by Party: actions seeking funds, and actions delayed for lack of it"),
    "pillar": ("By pillar", "Standard pillar",
               "Funding gaps by standard pillar: actions seeking funds, and actions delayed for lack of it"),
}
GAP_NOTE = (
    "Funding sought, not secured: the report says the Party is seeking funds for the action and "
    "does not say any were secured. Delayed for lack of funding: the report gives lack of funding "
    "as a cause of delay. An action can be both, so it can appear in both bars. Read from the "
    "reports' text by a lexicon (data/reference/causes.yaml)."
)


TABLE_COLUMNS = {
    "Party": st.column_config.TextColumn(width=110),
    "Meeting": st.column_config.TextColumn(width=70),
    "Action": st.column_config.TextColumn(width=60),
    "Funding gap": st.column_config.TextColumn(width=190),
    "Evidence": st.column_config.TextColumn(width="large", help="The report's own sentences, as text"),
    "Where found": st.column_config.TextColumn(width=90),
    "Title": st.column_config.TextColumn(width="medium"),
}


def chart(by: str, gaps: pd.DataFrame, source: str, figure_source: str) -> None:
    """Grouped bars of the two kinds of gap, per Party or pillar."""
    section, axis_title, title = GROUPINGS[by]
    st.subheader(section)
    long = data.count_funding_gaps(gaps, by)
    charted = data.first_parties(long, "key")
    more = ui.capped(long["key"].nunique(), charted["key"].nunique(), "those with the most funding gaps")
    table = long.assign(gap=long["gap"].map(data.GAP_LABELS)).rename(
        columns={"label": axis_title, "gap": "Funding gap", "actions": "Actions"})
    ui.chart_block(
        charts.gap_bars(charted, title, axis_title=axis_title, source=figure_source),
        alt=charts.gap_bars_alt(charted, title), key=f"funding_by_{by}",
        table=table[[axis_title, "Funding gap", "Actions"]],
        caption=f"{source} {GAP_NOTE}{more}", filename=f"niap_funding_gaps_by_{by}",
    )


def render() -> None:
    """The whole page."""
    selection = filters.current()  # first: it may hand the run over to the entrypoint
    st.title("Funding gaps")
    st.caption(
        "For funders and technical partners: NIAP actions that a Party is seeking funds for, or "
        "that are delayed for lack of funding, with the sentences that say so."
    )
    db = current_db()
    ui.filter_line()
    gaps = queries.funding_gaps(db, selection)
    if gaps.empty:
        ui.nothing_selected("funding gaps")
        return
    columns = st.columns(4)
    columns[0].metric("Actions with a funding gap", len(gaps))
    columns[1].metric(data.GAP_LABELS["sought"], int(gaps["sought_not_secured"].sum()))
    columns[2].metric(data.GAP_LABELS["delayed"], int(gaps["delayed_for_funding"].sum()))
    columns[3].metric("Parties", gaps["party_iso3"].nunique())
    demo = bool(gaps["is_demo"].any())
    views = "out_actions, out_funding and out_delay_causes views"
    source = ui.source_text(views, gaps["source_file"], demo=demo)
    short = ui.figure_source(views, gaps["source_file"], demo=demo)
    for by in GROUPINGS:
        chart(by, gaps, source, short)
    st.subheader(f"The actions: {len(gaps)}")
    table = data.funding_table(gaps)
    shown = st.multiselect(
        "Columns", list(table.columns), default=list(table.columns), key="funding_columns",
        help="The download has exactly the columns and rows shown.",
    )
    table = table[shown or list(table.columns)]
    st.dataframe(table, hide_index=True, column_config=TABLE_COLUMNS)
    st.caption(
        "One row per action. Evidence: the reports' own sentences, separated by ' | ', shown as "
        f"plain text. {source} Selection: {filters.describe()}."
    )
    st.download_button(
        "Download this table (CSV)", lambda: export.to_csv(table), file_name="niap_funding_gaps.csv",
        mime="text/csv", icon=":material/download:", on_click="ignore", key="funding_csv",
        help="Exactly the table above. Cells starting with = + - @, a tab or a carriage return get a "
             "leading apostrophe so spreadsheets show them as text and never run them.",
    )


render()
