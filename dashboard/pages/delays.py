"""Delays & causes: delayed actions by cause, pillar and Party; select a bar (or pick in
the list) to read the actions with the sentences that say they are delayed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data, export, filters, queries, ui
from dashboard.db import current_db

FOCUS_KEY = "focus"
ALL = "All delayed actions"
CHARTS = {  # grouping -> (chart key, section title, axis title, option prefix)
    "cause": ("delays_by_cause", "By cause", "Cause of delay", "Cause"),
    "pillar": ("delays_by_pillar", "By pillar", "Standard pillar", "Pillar"),
    "party": ("delays_by_party", "By Party", "Party", "Party"),
}
COLUMNS = {
    "party_name": "Party", "meeting_code": "Meeting", "action_code": "Action", "cause_label": "Cause",
    "found_in": "Where found", "evidence": "Evidence", "matched": "Matched words", "action_title": "Title",
    "source_file": "Source file",
}
TABLE_COLUMNS = {
    "Party": st.column_config.TextColumn(width=110),
    "Meeting": st.column_config.TextColumn(width=70),
    "Action": st.column_config.TextColumn(width=60),
    "Cause": st.column_config.TextColumn(width=170),
    "Where found": st.column_config.TextColumn(width=90),
    "Evidence": st.column_config.TextColumn(width="large", help="The report's own sentence, as text"),
    "Matched words": st.column_config.TextColumn(width=140),
    "Title": st.column_config.TextColumn(width="medium"),
}
EXTRACTION_NOTE = (
    "Delays and causes are read from the reports' text by a lexicon (data/reference/causes.yaml): "
    "a sentence saying an action is behind schedule gives its cause, or 'No cause stated'. "
    "An action delayed for two causes counts once under each cause, and once per pillar and Party."
)


def option(by: str, label: str) -> str:
    """The select box option for a group: "Cause: Lack of funding"."""
    return f"{CHARTS[by][3]}: {label}"


def options(counts: dict[str, pd.DataFrame]) -> dict[str, tuple[str, str] | None]:
    """Select box options -> (grouping, key); ALL -> None."""
    out: dict[str, tuple[str, str] | None] = {ALL: None}
    for by, frame in counts.items():
        for key, label in zip(frame["key"], frame["label"], strict=True):
            out[option(by, label)] = (by, key)
    return out


def on_bar_selected(by: str, labels: dict[str, str]) -> None:
    """Selecting a bar picks its group in the select box below (and so in the URL)."""
    keys = ui.selected_keys(CHARTS[by][0])
    st.session_state[FOCUS_KEY] = option(by, labels[keys[0]]) if keys and keys[0] in labels else ALL


def chart(by: str, counts: pd.DataFrame, source: str, figure_source: str) -> None:
    """One bar chart of delayed actions; selecting a bar lists its actions."""
    key, section, axis_title, _ = CHARTS[by]
    st.subheader(section)
    title = {
        "cause": "Delayed actions by cause of delay",
        "pillar": "Delayed actions by standard pillar",
        "party": "Delayed actions by Party",
    }[by]
    colours = dict(zip(data.causes()["cause"], data.causes()["colour"], strict=True)) if by == "cause" else None
    table = counts.rename(columns={"label": axis_title, "actions": "Delayed actions", "reports": "Reports"})
    labels = dict(zip(counts["key"], counts["label"], strict=True))
    charted = counts.head(data.MAX_CHART_PARTIES)
    more = ui.capped(len(counts), len(charted), "those with the most delayed actions")
    ui.chart_block(
        charts.count_bars(charted, title, axis_title=axis_title, colours=colours, source=figure_source),
        alt=charts.count_bars_alt(charted, title), key=key,
        table=table[[axis_title, "Delayed actions", "Reports"]],
        caption=f"{source} Select a bar to list its actions below.{more}",
        on_select=lambda: on_bar_selected(by, labels), filename=f"niap_{key}",
    )


def evidence(facts: pd.DataFrame, counts: dict[str, pd.DataFrame]) -> None:
    """The delayed actions of the chosen group, each cause with its evidence sentence."""
    st.subheader("The delayed actions and why")
    choices = options(counts)
    if st.session_state.get(FOCUS_KEY) not in choices:
        st.session_state.pop(FOCUS_KEY, None)
    focus = st.selectbox(
        "List the delayed actions for", list(choices), key=FOCUS_KEY, bind="query-params",
        help="Or select a bar in a chart above.",
    )
    chosen = choices.get(focus)
    rows = facts
    if chosen is not None:
        by, key = chosen
        column = {"cause": "cause", "pillar": "pillar_code", "party": "party_iso3"}[by]
        rows = facts[facts[column] == key]
    table = rows[list(COLUMNS)].rename(columns=COLUMNS)
    n_actions = rows.drop_duplicates(["report_id", "action_code"]).shape[0]
    st.markdown(f"**{focus}: {n_actions} delayed actions, {len(rows)} evidence sentences**")
    st.dataframe(table, hide_index=True, column_config=TABLE_COLUMNS)
    demo = bool(rows["is_demo"].any())
    st.caption(
        "Evidence and matched words are the reports' own text, shown as plain text. "
        + ui.source_text("out_delay_causes view", rows["source_file"], demo=demo)
    )
    st.download_button(
        "Download this table (CSV)", lambda: export.to_csv(table), file_name="niap_delayed_actions.csv",
        mime="text/csv", icon=":material/download:", on_click="ignore", key="delays_csv",
    )


def render() -> None:
    """The whole page."""
    selection = filters.current()  # first: it may hand the run over to the entrypoint
    st.title("Delays & causes")
    st.caption(
        "Actions the progress reports say are behind schedule, and the causes they give. "
        "Select a bar to read the sentences behind it."
    )
    db = current_db()
    ui.filter_line()
    facts = queries.delay_facts(db, selection)
    if facts.empty:
        ui.nothing_selected("delayed actions")
        return
    n_actions = facts.drop_duplicates(["report_id", "action_code"]).shape[0]
    columns = st.columns(3)
    columns[0].metric("Delayed actions", n_actions)
    columns[1].metric("Reports with a delayed action", facts["report_id"].nunique())
    top = data.count_delayed(facts, "cause").iloc[0]
    columns[2].metric(f"Most frequent cause: {top['label']}", int(top["actions"]),
                      help="Delayed actions giving this cause")
    demo = bool(facts["is_demo"].any())
    source = ui.source_text("out_delay_causes view", facts["source_file"], demo=demo)
    short = ui.figure_source("out_delay_causes view", facts["source_file"], demo=demo)
    counts = {by: data.count_delayed(facts, by) for by in CHARTS}
    for by in CHARTS:
        chart(by, counts[by], source, short)
    st.caption(EXTRACTION_NOTE)
    evidence(facts, counts)


render()
