"""Compare: Parties side by side across meetings, the Party's own ratings against the
Secretariat's, and one action followed from meeting to meeting with its notes."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard import db, filters, ui
from dashboard.panels import compare as panels
from dashboard.queries import Source, compare, options
from dashboard.selection import Filters

SHARE = st.column_config.NumberColumn(format="%.1f%%")
PARTY_KEY, ACTION_KEY = "compare_party", "compare_action"


def disagreements(source: Source, shown: Filters) -> None:
    """Where the Party and the Secretariat differ, in percentage points."""
    gaps = compare.disagreements(source.ask(compare.self_vs_secretariat, shown))
    differ = gaps[gaps["gap_pp"].abs() >= 1]
    if differ.empty:
        return
    ratings = source.ask(options.rating_codes)
    names = dict(zip(ratings["rating_code"], ratings["label"], strict=True))
    st.subheader("Where they disagree", help="Percentage points, the Party's share minus the Secretariat's.")
    table = differ.assign(rating=differ["rating_code"].map(names))[
        ["party_name", "meeting_code", "rating", "party_pct", "secretariat_pct", "gap_pp"]
    ].set_axis(["Party", "Meeting", "Rating", "Party's share", "Secretariat's share", "Gap"], axis=1)
    ui.table(table, key="compare-gaps", column_config={
        "Party's share": SHARE, "Secretariat's share": SHARE, "Gap": st.column_config.NumberColumn(format="%+.1f pp"),
    })


def action_label(code: str, titles: dict[str, str]) -> str:
    title = str(titles[code])
    return f"{code} · {title[:70]}{'…' if len(title) > 70 else ''}"


def notes_and_evidence(history: pd.DataFrame, code: str) -> None:
    """The report's notes on the action at each meeting, and the sentences giving its delays."""
    reported = history[history["status"] == compare.COUNTED]
    if reported["action_title"].nunique() > 1:
        st.warning(ui.markdown(
            f"The title of action {code} changes "
            "between meetings: the plan may have been revised, so the same number may not mean the same "
            "action. Compare the titles in the table."
        ), icon=":material/warning:")
    with st.expander("Notes and evidence at each meeting", expanded=True):
        for row in reported.itertuples():
            st.markdown(f"**{ui.markdown(row.meeting_code)}** · {ui.markdown(row.source_file)}")
            st.text(row.notes if isinstance(row.notes, str) else "No progress notes.")
            if isinstance(row.cause_evidence, str):
                st.caption("Delay causes and the sentences they were read from:")
                st.text(row.cause_evidence)


def follow_action(source: Source, selection: Filters) -> None:
    st.header("One action followed across meetings")
    parties = panels.parties_with_reports(source, selection)
    if not parties:
        ui.show(source.draw(panels.action, selection))
        return
    left, right = st.columns([1, 2])
    party = filters.url_selectbox(left, "Party", parties, PARTY_KEY)  # ?compare_party=KHM
    actions = source.ask(compare.followable_actions, selection, party)
    if actions.empty:
        ui.show(source.draw(panels.action, selection, party))
        return
    titles = dict(zip(actions["action_code"], actions["action_title"], strict=True))
    code = filters.url_selectbox(right, "Action", {c: action_label(c, titles) for c in titles}, ACTION_KEY)
    if ui.show(source.draw(panels.action, selection, party, code)):
        notes_and_evidence(source.ask(compare.action_history, selection, party, code), code)


def render() -> None:
    st.title("Compare Parties")
    st.caption("Parties side by side across Standing Committee meetings, the Party's own ratings against the "
               "Secretariat's, and one action followed from meeting to meeting.")
    source, selection = db.source(), filters.current()
    ui.selection_line()
    choice = source.ask(compare.choose_parties, selection)
    if not choice.parties:
        ui.empty(source.draw(panels.no_party, selection))
        return
    if choice.note:
        st.info(ui.markdown(choice.note), icon=":material/info:")
    st.header("Parties side by side across meetings")
    ui.show(source.draw(panels.side_by_side, selection))
    st.divider()
    st.header("Self-rating vs Secretariat rating")
    if ui.show(source.draw(panels.secretariat, selection)):
        disagreements(source, replace(selection, parties=choice.parties))
    st.divider()
    follow_action(source, selection)


render()
