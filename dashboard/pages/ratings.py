"""Ratings: how Parties rate their own actions, by Party, meeting and pillar, and the
share achieved or substantially achieved per Party and meeting."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data, filters, queries, ui
from dashboard.db import DbFile, current_db

# The URL keeps the option as shown (?scale=Crosswalk+to+the+2017%2B+scale), so the labels are the options.
SCALES = {
    "Each report's own scale": "own",
    "Crosswalk to the 2017+ scale": "crosswalk",
}
SCALE_HELP = (
    "Reports for SC65-SC67 use the 2014 template's ratings (Substantially achieved, On track, "
    "Challenging, Unclear); from SC69 the 2017+ template's. 'Each report's own scale' shows "
    "the ratings as written. The crosswalk shows 2014 ratings on the 2017+ scale, following "
    "data/reference/rating_crosswalk.csv: an analyst's convention, not a CITES equivalence."
)
CATEGORIES_NOTE = (
    "Unclear: the report's own rating, saying progress could not be told (2014-2016 template). "
    "Not rated (hatched): the report gives no rating, a blank cell or the template's placeholder. "
    "No report (white, dotted): no report of that Party or meeting is in the selection. "
    "The three are never merged."
)
GROUPINGS = {  # grouping -> (section title, axis title, title noun)
    "party": ("By Party", "Party", "Party"),
    "meeting": ("By meeting", "Meeting", "meeting"),
    "pillar": ("By pillar", "Standard pillar", "standard pillar"),
}


def scale_choice() -> str:
    """The rating scale to show ("own" or "crosswalk"), kept in the URL as ?scale=<label>."""
    choice = st.segmented_control(
        "Rating scale", list(SCALES), default=next(iter(SCALES)), required=True,
        key="scale", bind="query-params", help=SCALE_HELP,
    )
    return SCALES.get(choice, "own")


def crosswalk_note(ratings: pd.DataFrame, used: set[str]) -> None:
    """Say how the crosswalk treats the ratings of this selection (shown when it is used)."""
    table = data.crosswalk_table(data.crosswalk(), ratings, used)
    st.info(
        "**Crosswalk in use: 2014-2016 ratings are shown on the 2017+ scale.** This is an analyst's "
        "convention, not a CITES equivalence: CITES never mapped one scale onto the other. "
        "Switch to 'Each report's own scale' to see the ratings as written.",
        icon=":material/swap_horiz:",
    )
    st.dataframe(table, hide_index=True, column_config={"Note": st.column_config.TextColumn(width="large")})


def distribution(db: DbFile, by: str, scale: str, ratings: pd.DataFrame, grid: pd.DataFrame) -> None:
    """One 100 % stacked bar chart of ratings, grouped ``by`` party, meeting or pillar."""
    section, axis_title, noun = GROUPINGS[by]
    st.subheader(section)
    counts, groups = queries.rating_counts(db, filters.current(), by)
    if scale == "crosswalk":
        counts = data.apply_crosswalk(counts, data.crosswalk())
    shares = data.rating_shares(counts, data.with_counts(groups), ratings, data.expected_groups(grid, by))
    if shares.empty:
        ui.nothing_selected("rated actions")
        return
    scale_words = "2017+ scale via the crosswalk" if scale == "crosswalk" else "each report's own scale"
    title = f"Self-assessed ratings by {noun}: share of actions ({scale_words})"
    demo = bool(groups["is_demo"].any())
    files = queries.selected_reports(db, filters.current())["source_file"]
    source = ui.source_text("out_actions view", files, demo=demo)
    labels = dict(zip(ratings["rating_code"], ratings["label"], strict=True)) | {data.NO_REPORT: data.NO_REPORT_LABEL}
    table = pd.DataFrame({
        axis_title: shares["label"],
        "Rating": shares["rating_code"].map(labels),
        "Actions": shares["actions"].astype(int),
        "Share": shares["share_pct"].where(shares["rating_code"] != data.NO_REPORT),
        "Actions in the group": shares["group_actions"],
    })
    charted = data.first_parties(shares, "key") if by == "party" else shares
    more = ui.capped(shares["key"].nunique(), charted["key"].nunique(), "real Parties first, then by name")
    ui.chart_block(
        charts.stacked_shares(charted, ratings, title, axis_title=axis_title,
                              source=ui.figure_source("out_actions view", files, demo=demo)),
        alt=charts.stacked_shares_alt(charted, ratings, title), table=table, key=f"ratings_by_{by}",
        column_config={"Share": ui.SHARE}, caption=f"{source} {CATEGORIES_NOTE}{more}",
        filename=f"niap_ratings_by_{by}",
    )


def achievement(db: DbFile) -> None:
    """Party x meeting heatmap of the share achieved or substantially achieved."""
    st.subheader("Achieved or substantially achieved, by Party and meeting")
    grid = queries.achievement_grid(db, filters.current())
    if grid.empty:
        ui.nothing_selected("Parties or meetings")
        return
    title = "Share of each report's actions achieved or substantially achieved"
    demo = bool(grid["is_demo"].any())
    files = grid["source_file"].dropna()
    source = ui.source_text("out_actions view", files, demo=demo)
    table = pd.DataFrame({
        "Party": grid["party_name"], "Meeting": grid["meeting_code"],
        "Report": grid["status"].map(data.COVERAGE),
        "Actions": grid["actions"], "Achieved or substantially achieved": grid["achieved"],
        "Share": grid["share_pct"],
    })
    charted = data.first_parties(grid)
    more = ui.capped(grid["party_iso3"].nunique(), charted["party_iso3"].nunique(), "real Parties first, then by name")
    ui.chart_block(
        charts.achievement_heatmap(charted, title, source=ui.figure_source("out_actions view", files, demo=demo)),
        alt=charts.achievement_alt(charted, title), table=table, key="achievement_heatmap",
        column_config={"Share": ui.SHARE},
        caption=f"{source} Grey cells have no report ('no report'), or only figures published by CITES "
                "('summary only'); they are not 0 %. 'Achieved' exists only in the 2017+ template, so "
                "2014-2016 reports can reach this share only through 'Substantially achieved'. "
                f"The crosswalk does not change this chart.{more}",
        filename="niap_achievement_heatmap",
    )


def render() -> None:
    """The whole page."""
    selection = filters.current()  # first: it may hand the run over to the entrypoint
    st.title("Ratings")
    st.caption(
        "How Parties rate the progress of their own NIAP actions (self-assessment), in the order "
        "of the rating scale, with the same colour for a rating on every page. The Secretariat's "
        "own ratings are on the Compare page."
    )
    db = current_db()
    ui.filter_line()
    scale = scale_choice()
    ratings = queries.rating_codes(db)
    if queries.selected_reports(db, selection).empty:
        ui.nothing_selected("reports")
        return
    if scale == "crosswalk":
        counts, _ = queries.rating_counts(db, selection, "meeting")
        crosswalk_note(ratings, set(counts["rating_code"]))
    grid = queries.coverage(db, selection)
    for by in GROUPINGS:
        distribution(db, by, scale, ratings, grid)
    achievement(db)


render()
