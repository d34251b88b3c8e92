"""Delays & causes: delayed actions by cause, pillar and Party; select a bar (or pick in
the list) to read the actions with the sentences that say they are delayed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import db, downloads, filters, ui
from dashboard.panels import delays as panels
from dashboard.panels import files_source
from dashboard.queries import action_word, counting, delays, scope_note

FOCUS_KEY = "focus"
ALL = "All delayed actions"
PREFIX = {"cause": "Cause", "pillar": "Pillar", "party": "Party"}
COLUMNS = {
    "party_name": "Party", "meeting_code": "Meeting", "action_code": "Action", "cause_label": "Cause",
    "found_in": "Where found", "evidence": "Evidence", "matched": "Matched words", "action_title": "Title",
    "source_file": "Source file", "is_demo": "Demo data (fictional Party)",
}
TABLE_COLUMNS = {
    "Evidence": st.column_config.TextColumn(width="large", help="The report's own sentence, as text"),
    "Title": st.column_config.TextColumn(width="medium"),
}


def option(by: str, label: str) -> str:
    """The select box option for a group: "Cause: Lack of funding"."""
    return f"{PREFIX[by]}: {label}"


def choices(counts: dict[str, pd.DataFrame]) -> dict[str, tuple[str, str] | None]:
    """Select box options -> (grouping, key); ALL -> None."""
    out: dict[str, tuple[str, str] | None] = {ALL: None}
    for by, frame in counts.items():
        for key, label in zip(frame["key"], frame["label"], strict=True):
            out[option(by, label)] = (by, key)
    return out


def on_bar_selected(by: str, name: str, labels: dict[str, str]) -> None:
    """Selecting a bar picks its group in the select box below (and so in the URL)."""
    keys = ui.selected_keys(name)
    st.session_state[FOCUS_KEY] = option(by, labels[keys[0]]) if keys and keys[0] in labels else ALL


def evidence(facts: pd.DataFrame, counts: dict[str, pd.DataFrame]) -> None:
    """The delayed actions of the chosen group, each cause with its evidence sentence."""
    st.header("The delayed actions and why")
    options = choices(counts)
    if st.session_state.get(FOCUS_KEY) not in options:
        st.session_state.pop(FOCUS_KEY, None)
    focus = st.selectbox("List the delayed actions for", list(options), key=FOCUS_KEY, bind="query-params",
                         help="Or select a bar in a chart above.")
    rows = facts
    if options.get(focus) is not None:
        by, key = options[focus]
        rows = facts[facts[delays.GROUPS[by][0]] == key]
    table = rows[list(COLUMNS)].rename(columns=COLUMNS)
    selection = filters.current()
    st.markdown(f"**{ui.markdown(focus)}: {delays.distinct_actions(rows)} {action_word(selection, 'delayed actions')}, "
                f"{len(rows)} evidence sentences**")
    ui.table(table, column_config=TABLE_COLUMNS)
    demo = bool(rows["is_demo"].any())
    text = files_source(rows["source_file"], panels.VIEW)
    st.caption(ui.markdown(f"Evidence and matched words are the reports' own text, shown as plain text. Source: {text}."
                           + (f" {ui.DEMO_NOTE}" if demo else "")))
    title = f"{counting(selection, 'Delayed actions')}, and why: {focus}"
    downloads.table_downloads(table, "niap_delayed_actions",
                              notes=panels.table_notes(title, filters.describe(), text, demo))


def render() -> None:
    st.title("Delays & causes")
    st.caption("Actions the progress reports say are behind schedule, and the causes they give. "
               "Select a bar to read the sentences behind it.")
    source, selection = db.source(), filters.current()
    ui.selection_line()
    facts = source.ask(delays.delay_facts, selection)
    if facts.empty:
        ui.nothing_selected("delayed actions")
        return
    counts = {by: delays.count_delayed(facts, by) for by in panels.CHARTS}
    columns = st.columns(3)
    columns[0].metric(action_word(selection, "Delayed actions"), delays.distinct_actions(facts),
                      help=f"Actions the reports say are behind schedule: {panels.unit(selection)}.")
    columns[1].metric("Reports with a delayed action" if selection.history else "Parties with a delayed action",
                      facts["report_id"].nunique(),
                      help="Reports of the selection" if selection.history else "At each Party's latest report")
    top = counts["cause"].iloc[0]
    columns[2].metric(f"Most frequent cause: {top['label']}", int(top["actions"]),
                      help=f"{panels.unit(selection).capitalize()} giving this cause")
    st.caption(scope_note(selection))
    for by, (name, _, _) in panels.CHARTS.items():
        st.header(f"By {PREFIX[by].lower() if by != 'party' else 'Party'}")
        labels = dict(zip(counts[by]["key"], counts[by]["label"], strict=True))
        ui.show(source.draw(panels.delayed_by, selection, by),
                on_select=lambda by=by, name=name, labels=labels: on_bar_selected(by, name, labels))
    evidence(facts, counts)


render()
