"""Ratings: how Parties rate their own actions, by Party (each Party's latest report, or
every report with the history switch), meeting and pillar, on each report's own scale or
through the crosswalk; the share achieved or substantially achieved per Party and meeting;
and its trend across meetings, from loaded reports and the figures CITES published."""

from __future__ import annotations

import streamlit as st

from dashboard import db, filters, ui
from dashboard.panels import ratings as panels
from dashboard.panels import trends as trend_panels
from dashboard.queries import options, overview, ratings, trends
from dashboard.selection import Filters

# The URL keeps the option as shown (?scale=Crosswalk+to+the+2017%2B+scale), so the labels are the options.
SCALES = {"Each report's own scale": "own", "Crosswalk to the 2017+ scale": "crosswalk"}
SCALE_HELP = (
    "Reports for SC65-SC67 use the 2014 template's ratings (Substantially achieved, On track, "
    "Challenging, Unclear); from SC69 the 2017+ template's. 'Each report's own scale' shows the "
    "ratings as written. The crosswalk shows 2014 ratings on the 2017+ scale, following the rating "
    "code table (data/reference/rating_crosswalk.csv): an analyst's convention, not a CITES equivalence."
)
SECTIONS = {"party": "By Party", "meeting": "By meeting", "pillar": "By pillar"}
TREND_KEY, TREND_BASIS = "trend_parties", "_trend_parties_default"


def scale_choice() -> str:
    """The rating scale to show ("own" or "crosswalk"), kept in the URL as ?scale=<label>."""
    choice = st.segmented_control("Rating scale", list(SCALES), default=next(iter(SCALES)), required=True,
                                  key="scale", bind="query-params", help=SCALE_HELP)
    return SCALES.get(choice, "own")


def crosswalk_note(source: db.AppSource, selection: Filters) -> None:
    """Say how the crosswalk treats the ratings of this selection (shown when it is used)."""
    counts, _ = source.ask(ratings.rating_counts, selection, "meeting")
    table = ratings.crosswalk_table(source.ask(options.rating_codes), set(counts["rating_code"]))
    st.info(
        "**Crosswalk in use: 2014-2016 ratings are shown on the 2017+ scale.** This is an analyst's "
        "convention, not a CITES equivalence: CITES never mapped one scale onto the other. "
        "Switch to 'Each report's own scale' to see the ratings as written.",
        icon=":material/swap_horiz:",
    )
    ui.table(table, column_config={"Note": st.column_config.TextColumn(width="large")})


def trend(source: db.AppSource, selection: Filters) -> None:
    """The share achieved or substantially achieved across meetings, for Parties chosen here
    (any Party with a report or a published figure, not only the sidebar's)."""
    st.header("Trend across meetings: achieved or substantially achieved")
    available = source.ask(trends.trend_parties, selection)
    names = dict(zip(available["party_iso3"], available["party_name"], strict=True))
    default = list(source.ask(trends.default_parties, selection))
    kept = st.session_state.get(TREND_KEY)
    if st.session_state.get(TREND_BASIS) != default or (kept and not set(kept) <= set(names)):
        st.session_state.pop(TREND_KEY, None)  # the sidebar changed: start again from its Parties
        st.session_state[TREND_BASIS] = default
    chosen = st.multiselect(
        "Parties in the trend", list(names), default=default, format_func=names.__getitem__, key=TREND_KEY,
        max_selections=trends.MAX_PARTIES,
        help="Any Party with a loaded report or with its own ratings published by CITES, including Parties "
             "whose reports are not loaded. First shown: the sidebar's Parties, or else those with the most "
             "meetings (real Parties first).")
    ui.show(source.draw(trend_panels.achieved, selection, tuple(chosen)))


def render() -> None:
    st.title("Ratings")
    st.caption("How Parties rate the progress of their own NIAP actions (self-assessment), in the order of the "
               "rating scale, with the same colour for a rating on every page. The Secretariat's own ratings "
               "are on the Compare page.")
    source, selection = db.source(), filters.current()
    ui.selection_line()
    scale = scale_choice()
    if source.ask(overview.reports, selection).empty:
        ui.nothing_selected("reports")
        trend(source, selection)  # published figures may still draw a trend
        return
    if scale == "crosswalk":
        crosswalk_note(source, selection)
    for by, section in SECTIONS.items():
        st.header(section)
        ui.show(source.draw(panels.distribution, selection, by, scale))
    st.header("Achieved or substantially achieved, by Party and meeting")
    ui.show(source.draw(panels.achievement, selection))
    trend(source, selection)


render()
