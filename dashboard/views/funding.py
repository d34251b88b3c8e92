"""Funding gaps: actions a Party seeks funding for and has not secured, and actions delayed
for lack of funding, by Party and pillar; the actions still seeking funds at their Party's
latest report; and a table of the actions a partner can take away."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import db, downloads, filters, ui
from dashboard.panels import files_source
from dashboard.panels import funding as panels
from dashboard.panels.delays import table_notes
from dashboard.queries import action_word, counting, funding, scope_note
from dashboard.selection import Filters

SECTIONS = {"party": "By Party", "pillar": "By pillar"}
SEEKING = "Actions still seeking funds at their latest report"
TABLE_COLUMNS = {
    "Party": st.column_config.TextColumn(width=110),
    "Meeting": st.column_config.TextColumn(width=70),
    "Latest report": st.column_config.TextColumn(width=100),
    "Action": st.column_config.TextColumn(width=60),
    "Funding gap": st.column_config.TextColumn(width=190),
    "Evidence": st.column_config.TextColumn(width="large", help="The report's own sentences, as text"),
    "Where found": st.column_config.TextColumn(width=90),
    "Title": st.column_config.TextColumn(width="medium"),
    "Seeking funds at": st.column_config.TextColumn(
        width=120, help="Meetings of the selection at which the Party's report said funds were sought for the "
                        "action (matched by action number) and not secured"),
}


def seeking(source: db.AppSource, selection: Filters) -> None:
    """The actions whose funding is sought and not secured in their Party's latest report."""
    rows = source.ask(funding.seeking_funds, selection)
    st.header(SEEKING)
    if rows.empty:
        st.info("No action of the selection is seeking funds at its Party's latest report.",
                icon=":material/filter_alt_off:")
        return
    table = funding.seeking_table(rows)
    parties = rows["party_iso3"].nunique()
    st.markdown(f"**{len(rows)} actions of {parties} Part{'y' if parties == 1 else 'ies'}**")
    ui.table(table, column_config=TABLE_COLUMNS)
    text = files_source(rows["source_file"], "out_actions and out_funding views")
    demo = bool(rows["is_demo"].any())
    st.caption(ui.markdown(
        "One row per action whose funding the Party's latest report in the selection says is sought and not "
        "secured, whatever the history switch. Evidence: the report's sentences saying funds are sought, as "
        "plain text. 'Seeking funds at' lists the meetings of the selection whose report said the same for "
        f"this action number. Source: {text}." + (f" {ui.DEMO_NOTE}" if demo else "")))
    downloads.table_downloads(table, "niap_seeking_funds", notes=table_notes(SEEKING, filters.describe(), text, demo))


def actions(gaps: pd.DataFrame, selection: Filters) -> None:
    """The actions with a funding gap, with their evidence: choose the columns, download them."""
    st.header(f"The {action_word(selection, 'actions')}: {len(gaps)}")
    full = funding.funding_table(gaps)
    shown = st.multiselect("Columns", list(full.columns), default=list(full.columns), key="funding_columns",
                           help="The download of what is shown has exactly the columns and rows shown.")
    table = full[shown or list(full.columns)]
    ui.table(table, column_config=TABLE_COLUMNS)
    text = files_source(gaps["source_file"], panels.VIEW)
    demo = bool(gaps["is_demo"].any())
    st.caption(ui.markdown(
        "One row per action and report with a funding gap: " + counting(selection) + ". Evidence: the reports' "
        "own sentences, separated by ' | ', shown as plain text. "
        f"Source: {text}. Selection: {filters.describe()}." + (f" {ui.DEMO_NOTE}" if demo else "")))
    title = counting(selection, "Actions with a funding gap")
    downloads.table_downloads(table, "niap_funding_gaps", full=full,
                              notes=table_notes(title, filters.describe(), text, demo))


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
    words = counting(selection)
    columns = st.columns(4)
    columns[0].metric(action_word(selection, "Actions with a funding gap"), len(gaps),
                      help=f"Funding sought and not secured, or delayed for lack of funding: {words}.")
    columns[1].metric(funding.GAP_LABELS["sought"], int(gaps["sought_not_secured"].sum()), help=words)
    columns[2].metric(funding.GAP_LABELS["delayed"], int(gaps["delayed_for_funding"].sum()), help=words)
    columns[3].metric("Parties", gaps["party_iso3"].nunique())
    st.caption(scope_note(selection))
    for by, section in SECTIONS.items():
        st.header(section)
        ui.show(source.draw(panels.gaps_by, selection, by))
    seeking(source, selection)
    actions(gaps, selection)


render()
