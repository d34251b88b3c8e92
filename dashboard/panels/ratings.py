"""Ratings: how Parties rate their own actions, by Party, meeting and pillar (on each
report's own scale, or on the 2017+ scale through the crosswalk), and the share achieved
or substantially achieved per Party and meeting."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from dashboard.charts import ratings as charts
from dashboard.charts.coverage import COVERAGE_STYLE
from dashboard.charts.style import NOT_A_RATING
from dashboard.panels import MAX_CHART_PARTIES, Empty, Panel, capped, describe, files_source, trends
from dashboard.queries import Source, action_word, counting, options, overview, ratings, scope_note
from dashboard.selection import Filters

VIEW = "out_actions view"
GROUPINGS = {  # grouping -> (axis title, title noun)
    "party": ("Party", "Party"),
    "meeting": ("Meeting", "meeting"),
    "pillar": ("Standard pillar", "standard pillar"),
}
SCALE_WORDS = {"own": "each report's own scale", "crosswalk": "2017+ scale via the crosswalk"}
CATEGORIES_NOTE = (
    "Unclear: the report's own rating, saying progress could not be told (2014-2016 template). "
    f"{NOT_A_RATING['not_rated'][0]} (grey, cross-hatched): the report gives no rating, a blank cell or the "
    f"template's placeholder. {NOT_A_RATING['no_report'][0]} (white, hatched /): no report of that Party or "
    "meeting is in the selection. The three are never merged."
)
ACHIEVEMENT_NOTE = (
    "Grey cells have no report ('no report'); they are not 0 %. A share marked '(published)' is the "
    "Party's own figure as CITES published it where no report is loaded (as on the Compare page; not "
    "shown while a pillar filter is set, since it covers all pillars). 'Achieved' exists only in the "
    "2017+ template, so 2014-2016 reports can reach this share "
    "only through 'Substantially achieved'. The crosswalk does not change this chart."
)
FIRST_REAL = "real Parties first, then by name"
COUNTED_NOTE = {
    "meeting": "Each bar holds every report to the meeting (a Party reports once per meeting), whatever the "
               "'Count every report (history)' switch.",
}
SPLIT_NOTE = (
    "A Party or pillar whose reports use both templates (2014-2016 and 2017+) has one bar per template: the two "
    "rating scales are never added up. Choose 'Crosswalk to the 2017+ scale' to see one bar on one scale."
)


def _words(f: Filters, by: str) -> tuple[Filters, str, str, str]:
    """What a rating chart grouped ``by`` counts: the filters it describes, the title's words,
    the x axis title and the hover's unit."""
    if by == "meeting":  # one report per Party and meeting: every report, whatever the switch
        return replace(f, history=True), "share of the actions of each Party's report", \
            "Share of the actions reported to the meeting", "actions reported to the meeting"
    noun = "Party" if by == "party" else "pillar"
    unit = "actions at its latest report" if by == "party" and not f.history else counting(f)
    return f, f"share of {counting(f)}", f"Share of the {noun}'s {counting(f)}", unit


def distribution(source: Source, f: Filters, by: str, scale: str = "own") -> Panel | Empty:
    """One 100 % stacked bar chart of ratings grouped ``by`` party, meeting or pillar, on each
    report's own scale or (``scale="crosswalk"``) on the 2017+ scale. By Party or pillar the
    actions of each Party's latest report, or every report with ``f.history``; a group whose
    reports use both templates is one bar per template on the own scale, never pooled."""
    axis_title, noun = GROUPINGS[by]
    described, counted, x_title, unit = _words(f, by)
    words = replace(f, history=False) if by == "meeting" else f  # a meeting's actions are distinct actions
    codes = source.ask(options.rating_codes)
    counts, groups = source.ask(ratings.rating_counts, f, by)
    if scale == "crosswalk":
        counts = ratings.apply_crosswalk(counts, codes)
    counts, groups = ratings.keep_scales_apart(counts, groups)
    split = any("|" in str(key) for key in groups["key"])
    grid = source.ask(overview.coverage, f)
    shares = ratings.rating_shares(counts, ratings.with_counts(groups, by), codes, ratings.expected_groups(grid, by))
    selection = describe(source, described)
    if shares.empty:
        return Empty(f"No rated actions in this selection ({selection}).")
    title = f"Self-assessed ratings by {noun}: {counted}, {SCALE_WORDS[scale]}"
    labels = dict(zip(codes["rating_code"], codes["label"], strict=True)) | {
        code: look[0] for code, look in NOT_A_RATING.items()}
    table = pd.DataFrame({
        axis_title: shares["label"],
        "Rating": shares["rating_code"].map(labels),
        action_word(words, "Actions"): shares["actions"].astype(int),
        "Share": shares["share_pct"].where(shares["rating_code"] != "no_report"),
        action_word(words, "Actions in the group"): shares["group_actions"],
    })
    charted = ratings.first_parties(shares, MAX_CHART_PARTIES, "key") if by == "party" else shares
    text = files_source(source.ask(overview.reports, f)["source_file"], VIEW)
    caption = CATEGORIES_NOTE + " " + (COUNTED_NOTE[by] if by in COUNTED_NOTE else scope_note(f))
    if split:
        caption += " " + SPLIT_NOTE
    return Panel(
        name=f"ratings_by_{by}", title=title,
        figure=charts.stacked_shares(charted, codes, title, axis_title=axis_title, subtitle=selection,
                                     source=f"Source: {text}", x_title=x_title, unit=unit),
        table=table, alt=charts.stacked_shares_alt(charted, codes, title),
        caption=caption + capped(shares["key"].nunique(), charted["key"].nunique(), FIRST_REAL),
        source=text, selection=selection, includes_demo=bool(shares["is_demo"].fillna(False).any()),
        formats={"Share": "pct"},
    )


def by_party(source: Source, f: Filters) -> Panel | Empty:
    return distribution(source, f, "party")


def by_meeting(source: Source, f: Filters) -> Panel | Empty:
    return distribution(source, f, "meeting")


def by_pillar(source: Source, f: Filters) -> Panel | Empty:
    return distribution(source, f, "pillar")


def achievement(source: Source, f: Filters) -> Panel | Empty:
    """Party x meeting heatmap of the share achieved or substantially achieved."""
    grid = source.ask(overview.achievement_grid, f)
    selection = describe(source, f)
    if grid.empty:
        return Empty(f"No Parties or meetings in this selection ({selection}).")
    title = "Share of each report's actions achieved or substantially achieved"
    table = pd.DataFrame({
        "Party": grid["party_name"], "Meeting": grid["meeting_code"],
        "Report": grid["status"].map({status: look[0] for status, look in COVERAGE_STYLE.items()}),
        "Actions": grid["actions"], "Achieved or substantially achieved": grid["achieved"],
        "Share": grid["share_pct"],
    })
    charted = ratings.first_parties(grid, MAX_CHART_PARTIES)
    text = files_source(grid["source_file"].dropna(), VIEW)
    return Panel(
        name="achievement_heatmap", title=title,
        figure=charts.achievement_heatmap(charted, title, subtitle=selection, source=f"Source: {text}"),
        table=table, alt=charts.achievement_alt(charted, title),
        caption=ACHIEVEMENT_NOTE + capped(grid["party_iso3"].nunique(), charted["party_iso3"].nunique(), FIRST_REAL),
        source=text, selection=selection, includes_demo=bool(grid["is_demo"].any()), formats={"Share": "pct"},
    )


PANELS = (by_party, by_meeting, by_pillar, achievement, trends.achieved)
