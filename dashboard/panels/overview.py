"""Overview: who reported to which meeting, what changed at the latest meeting, and one
report's self-assessed ratings."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from dashboard.charts import coverage as coverage_charts
from dashboard.panels import MAX_CHART_PARTIES, Empty, Panel, capped, describe, files_source, report
from dashboard.queries import Source, overview
from dashboard.queries import ratings as ratings_q
from dashboard.selection import Filters

COVERAGE_HELP = {
    "report": "a progress report is loaded",
    "demo": "a generated report of a fictional demo Party is loaded",
    "summary": "no report is loaded, but a CITES document publishes the Party's rating figures",
    "no_report": "no report is loaded for this Party and meeting (not submitted, or not loaded)",
}
ACHIEVED_NOTE = (
    "Achieved or substantially achieved, as a share of all the report's actions (not rated ones "
    "included). 'Achieved' exists only in the 2017+ template: across the change of template "
    "(SC67 to SC69) the shares are not like for like."
)
ACHIEVED_BEFORE = "Achieved or substantially achieved, before"
ACHIEVED_NOW = "Achieved or substantially achieved, now"
FIRST_REAL = "real Parties first, then by name"


def coverage(source: Source, f: Filters) -> Panel | Empty:
    """Parties x meetings: report, demo report, published by CITES or no report."""
    grid = source.ask(overview.coverage, f)
    selection = describe(source, replace(f, history=True))  # one cell per report, whatever the switch
    if grid.empty:
        return Empty(f"No Parties or meetings in this selection ({selection}).")
    n = grid["party_iso3"].nunique()
    title = f"Progress reports by Party and meeting ({n} Part{'y' if n == 1 else 'ies'})"
    labels = {status: look[0] for status, look in coverage_charts.COVERAGE_STYLE.items()}
    table = grid.pivot_table(index="party_name", columns="meeting_code", values="status", aggfunc="first",
                             sort=False).reindex(columns=list(dict.fromkeys(grid["meeting_code"])))
    table = table.map(lambda s: labels.get(s, s)).reset_index().rename(columns={"party_name": "Party"})
    table.columns.name = None
    charted = ratings_q.first_parties(grid, MAX_CHART_PARTIES)
    text = files_source(grid["source_file"].dropna(), "out_reports view")
    legend = "; ".join(f"{labels[s]}: {words}" for s, words in COVERAGE_HELP.items())
    return Panel(
        name="coverage_chart", title=title,
        figure=coverage_charts.coverage_matrix(charted, title, subtitle=selection, source=f"Source: {text}"),
        table=table, alt=coverage_charts.coverage_alt(grid, title),
        caption=("Published by CITES: the Party's rating figures as a CITES document prints them, no report "
                 f"loaded (the out_rating_shares view). {legend}."
                 + capped(grid["party_iso3"].nunique(), charted["party_iso3"].nunique(), FIRST_REAL)),
        source=text, selection=selection, includes_demo=bool(grid["is_demo"].any()),
    )


def change_table(latest: str, summary: pd.DataFrame) -> pd.DataFrame:
    """Per Party: its latest report against the previous one, in plain words."""
    reported = summary["status"] == "reported"
    return pd.DataFrame({
        "Party": summary["party_name"],
        "Latest report": [latest if r else f"no report (last: {m})"
                          for r, m in zip(reported, summary["previous_meeting"], strict=True)],
        "Previous report": [m if r else None for r, m in zip(reported, summary["previous_meeting"], strict=True)],
        ACHIEVED_BEFORE: summary["previous_share_pct"].astype(float),
        ACHIEVED_NOW: summary["share_pct"].astype(float),
        "Change (points)": summary["change_pts"].astype(float),
        "Delayed actions now": summary["delayed"],
        "Newly delayed actions": summary["newly_delayed"],
    })


def changes(source: Source, f: Filters) -> Panel | Empty:
    """Per Party: share achieved or substantially achieved at the latest meeting against its
    previous report."""
    latest, summary, _ = source.ask(overview.latest_changes, f)
    selection = describe(source, replace(f, history=False))  # each Party's latest report, whatever the switch
    if latest is None:
        return Empty(f"No reports in this selection ({selection}).")
    reported = summary[summary["status"] == "reported"]
    if reported.empty:
        return Empty(f"No Party of the selection reported to {latest}.")
    title = f"Share of actions achieved or substantially achieved: {latest} against each Party's previous report"
    charted = ratings_q.first_parties(reported, MAX_CHART_PARTIES)
    text = files_source(source.ask(overview.reports, f)["source_file"], "out_actions view")
    return Panel(
        name="change_chart", title=title,
        figure=coverage_charts.change_chart(charted, title, subtitle=selection, source=f"Source: {text}"),
        table=change_table(latest, summary), alt=coverage_charts.change_alt(summary, title),
        caption=f"{ACHIEVED_NOTE} The previous report is the Party's last loaded report before this meeting, "
                "whatever the meeting filter." + capped(len(reported), len(charted), FIRST_REAL),
        source=text, selection=selection, includes_demo=bool(summary["is_demo"].any()),
        formats={ACHIEVED_BEFORE: "pct", ACHIEVED_NOW: "pct", "Change (points)": "points"},
    )


def report_ratings(source: Source, f: Filters, report_id: str | None = None) -> Panel | Empty:
    """One report's actions per rating, over the whole scale of its template: the Report
    view's chart, of the first report of the selection unless ``report_id`` names one."""
    if report_id is None:
        reports = source.ask(overview.reports, f)
        if reports.empty:
            return Empty(f"No reports in this selection ({describe(source, f)}).")
        report_id = str(reports["report_id"].iloc[0])
    return report.ratings(source, f, report_id)


PANELS = (coverage, changes, report_ratings)
