"""Compare: Parties side by side across meetings, self-rating vs Secretariat rating, and
one action followed across meetings."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard import compare_data as data
from dashboard import detail_charts as charts
from dashboard import filters
from dashboard.db import DbFile, current_db
from dashboard.detail_ui import chart_block, selection_line, sources_line
from dashboard.report_data import md_text

SHARE = st.column_config.NumberColumn(format="%.1f%%")
STATUS_WORDS = (
    "Counted: shares of the actions in the loaded report, by the Party's own rating. Published: the "
    "Party's own figures as printed in a CITES document, where no report is loaded. No report: no "
    "report is loaded and no figure was published for that meeting (it is not a rating)."
)


def side_by_side(db: DbFile, current: filters.Filters, choice: data.PartyChoice, ratings: pd.DataFrame) -> None:
    st.subheader("Parties side by side across meetings")
    cells = data.cached_ratings_by_meeting(db, current, choice.parties)
    title = "Each Party's own ratings at each meeting, as shares of its actions"
    files = sorted(cells.loc[cells["status"] == "counted", "source"].dropna().unique())
    documents = sorted(cells.loc[cells["status"] == "published", "source"].dropna().unique())
    source = sources_line(files, documents)
    demo = bool(cells["is_demo"].fillna(False).astype(bool).any())
    shown = replace(current, parties=choice.parties)  # the Parties drawn, chosen or not
    subtitle = shown.describe({**filters.names(), **choice.names})
    figure = charts.ratings_by_meeting(cells, ratings, title=title, subtitle=subtitle,
                                       source=source + (" · includes demo data (fictional Parties)" if demo else ""))
    table = charts.ratings_by_meeting_table(cells, ratings)
    pillar_note = (" A pillar filter is set: published figures cover all pillars, so they are not drawn."
                   if current.pillars else "")
    chart_block(figure, table, alt=charts.ratings_by_meeting_alt(table, title),
                caption=f"{source}. {STATUS_WORDS}{pillar_note}", key="compare-parties", includes_demo=demo,
                column_config={c: SHARE for c in table.columns if c not in ("Party", "Meeting", "What", "Actions",
                                                                             "Source")})


def self_vs_secretariat(db: DbFile, current: filters.Filters, choice: data.PartyChoice,
                        ratings: pd.DataFrame) -> None:
    st.subheader("Self-rating vs Secretariat rating")
    shown = replace(current, parties=choice.parties)  # the compared Parties, chosen or not
    shares = data.cached_self_vs_secretariat(db, shown)
    coverage = data.cached_secretariat_coverage(db, current.include_demo)
    known = "; ".join(f"{r.party_name} ({r.meetings})" for r in coverage.itertuples()) or "none"
    if shares.empty:
        st.info(md_text(
            f"No Secretariat rating for the compared Parties ({', '.join(choice.names.values())}) in the "
            f"selection. The Secretariat's figures that are loaded cover: {known}. Choose one of these "
            "Parties or meetings in the sidebar."
        ), icon=":material/filter_alt_off:")
        return
    title = "Party self-rating vs Secretariat rating, as shares of the actions"
    documents = sorted(shares.loc[shares["origin"] == "reference", "source"].unique())
    files = sorted(shares.loc[shares["origin"] == "report", "source"].unique())
    source = sources_line(files, documents)
    demo = bool(shares["is_demo"].any())
    subtitle = shown.describe({**filters.names(), **choice.names})
    figure = charts.self_vs_secretariat(shares, ratings, title=title, subtitle=subtitle,
                                        source=source + (" · includes demo data (fictional Parties)" if demo else ""))
    gaps = data.disagreements(shares)
    table = charts.self_vs_secretariat_table(shares, ratings)
    chart_block(
        figure, table, alt=charts.self_vs_secretariat_alt(gaps, ratings, title), key="compare-secretariat",
        includes_demo=demo,
        caption=(f"{source}. The Secretariat prints its own figure beside the Party's where it disagrees; "
                 "shares are as published (rounded). Pillar filters do not apply: the figures cover whole "
                 f"reports. Secretariat figures are loaded for: {known}."),
        column_config={c: SHARE for c in table.columns if c not in ("Party", "Meeting", "Rated by", "Actions",
                                                                     "Source")},
    )
    differ = gaps[gaps["gap_pp"].abs() >= 1]
    if not differ.empty:
        names = dict(zip(ratings["rating_code"], ratings["label"], strict=True))
        st.markdown("**Where they disagree** (percentage points, Party minus Secretariat)")
        st.dataframe(
            differ.assign(rating=differ["rating_code"].map(names))[
                ["party_name", "meeting_code", "rating", "party_pct", "secretariat_pct", "gap_pp"]
            ].set_axis(["Party", "Meeting", "Rating", "Party's share", "Secretariat's share", "Gap"], axis=1),
            hide_index=True, key="compare-gaps",
            column_config={"Party's share": SHARE, "Secretariat's share": SHARE,
                           "Gap": st.column_config.NumberColumn(format="%+.1f pp")},
        )


def follow_action(db: DbFile, current: filters.Filters, choice: data.PartyChoice, ratings: pd.DataFrame) -> None:
    st.subheader("One action followed across meetings")
    cells = data.cached_ratings_by_meeting(db, current, choice.parties)
    with_reports = [p for p in choice.parties
                    if cells.loc[cells["party_iso3"] == p, "status"].isin(["counted", "no_actions"]).any()]
    if not with_reports:
        st.info(md_text(
            "None of the compared Parties has a loaded report in the selection, so there are no actions to "
            "follow (published figures have no actions). Choose a Party with loaded reports in the sidebar."
        ), icon=":material/filter_alt_off:")
        return
    names = {p: choice.names[p] for p in with_reports}
    left, right = st.columns([1, 2])
    party_name = left.selectbox("Party", list(names.values()), key="compare_party", bind="query-params")
    party = next(p for p, n in names.items() if n == party_name)
    actions = data.cached_followable_actions(db, current, party)
    if actions.empty:
        st.info(md_text(f"{party_name} has no action in the chosen pillars ({filters.describe()})."),
                icon=":material/filter_alt_off:")
        return
    titles = dict(zip(actions["action_code"], actions["action_title"], strict=True))
    code = right.selectbox(
        "Action", list(titles), key="compare_action", bind="query-params",
        format_func=lambda c: f"{c} · {titles[c][:70]}{'…' if len(titles[c]) > 70 else ''}",
    )
    history = data.cached_action_history(db, current, party, code)
    title = f"{party_name}, action {code}: the Party's own rating at each meeting"
    files = sorted(history["source_file"].dropna().unique())
    demo = bool(history["is_demo"].fillna(False).astype(bool).any())
    figure = charts.action_history(history, ratings, title=title, subtitle=titles[code],
                                   source=sources_line(files, []) + (" · includes demo data" if demo else ""))
    table = charts.action_history_table(history, ratings)
    alt = f"Dot chart. {title}: " + "; ".join(f"{r.Meeting} {r.Rating}" for r in table.itertuples()) + "."
    chart_block(figure, table, alt=alt, key="compare-action", includes_demo=demo,
                caption=f"{sources_line(files, [])}. A red ring marks a meeting where the report says the action "
                        "is delayed. 'Not in this report': the Party reported but the report has no action "
                        "with this number.")
    reported = history[history["status"] == "counted"]
    if reported["action_title"].nunique() > 1:
        st.warning(md_text(
            f"The title of action {code} changes between meetings: the plan may have been revised, so "
            "the same number may not mean the same action. Compare the titles in the table."
        ), icon=":material/warning:")
    with st.expander("Notes and evidence at each meeting", expanded=True):
        for row in reported.itertuples():
            st.markdown(f"**{md_text(row.meeting_code)}** · {md_text(row.source_file)}")
            st.text(row.notes if isinstance(row.notes, str) else "No progress notes.")
            if isinstance(row.cause_evidence, str):
                st.caption("Delay causes and the sentences they were read from:")
                st.text(row.cause_evidence)


def render() -> None:
    current = filters.current()  # first: it may hand the run over to the entrypoint (see filters)
    st.title("Compare Parties")
    st.caption(
        "Parties side by side across Standing Committee meetings, the Party's own ratings against the "
        "Secretariat's, and one action followed from meeting to meeting."
    )
    db = current_db()
    ratings = data.cached_rating_codes(db)
    choice = data.cached_choice(db, current)
    selection_line()
    if not choice.parties:
        st.info(
            f"No Party has ratings in the selection ({md_text(filters.describe())}). Clear the meetings filter, "
            "turn on demo data, or load reports with `python -m loaders load FILE`.",
            icon=":material/filter_alt_off:")
        return
    if choice.note:
        st.info(md_text(choice.note), icon=":material/info:")
    side_by_side(db, current, choice, ratings)
    st.divider()
    self_vs_secretariat(db, current, choice, ratings)
    st.divider()
    follow_action(db, current, choice, ratings)


render()
