"""Trends: the share of each Party's actions achieved or substantially achieved across
meetings, from loaded reports and the figures the CITES Secretariat published (the Ratings
page and its briefing pack)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from dashboard.charts import trends as charts
from dashboard.panels import Empty, Panel, describe, files_source
from dashboard.queries import Source, options, trends
from dashboard.queries.ratings import SCALE_NAMES
from dashboard.selection import Filters

WHAT = {trends.COUNTED: "Counted from the report", trends.PUBLISHED: "Published by CITES"}
SHARE = "Achieved or substantially achieved"
TREND_NOTE = (
    "Share of all the actions of the Party's report (not rated ones included) that the Party rates achieved or "
    "substantially achieved. Filled markers and solid lines: counted from a loaded report. Hollow markers and "
    "dashed lines: the Party's own ratings as the CITES Secretariat published them, for a meeting whose report "
    "is not loaded. 'Achieved' exists only in the 2017+ template (from SC69), so across the change of template "
    "the shares are not like for like. Every report counts, whatever the history switch."
)
PILLAR_NOTE = " Published figures cover all pillars, so they are left out while pillars are chosen."


def achieved(source: Source, f: Filters, parties: Sequence[str] | None = None) -> Panel | Empty:
    """Lines of the share achieved or substantially achieved per Party across meetings, for
    ``parties`` (default: `dashboard.queries.trends.default_parties`)."""
    chosen = tuple(parties) if parties is not None else source.ask(trends.default_parties, f)
    selection = describe(source, replace(f, parties=chosen, history=True))
    if not chosen:
        return Empty("No Party to show: choose Parties above, or in the sidebar Parties that have a report or a "
                     f"published figure ({selection}).")
    points = source.ask(trends.achieved_points, f, chosen)
    if points.empty:
        return Empty(f"No report or published figure of these Parties in this selection ({selection}). "
                     "Choose other Parties or meetings" + (", or no pillar: published figures cover all pillars, "
                                                           "so they are left out while pillars are chosen."
                                                           if f.pillars else "."))
    title = "Share of actions achieved or substantially achieved, by Party across meetings"
    counted = points[points["origin"] == trends.COUNTED]
    text = files_source(counted["source"], "out_actions view",
                        points.loc[points["origin"] == trends.PUBLISHED, "source"])
    table = pd.DataFrame({
        "Party": points["party_name"], "Meeting": points["meeting_code"], SHARE: points["share_pct"].astype(float),
        "What": points["origin"].map(WHAT), "Actions": points["n_actions"],
        "Template": points["rating_scale"].map(SCALE_NAMES), "Source": points["source"],
    })
    missing = [p for p in chosen if p not in set(points["party_iso3"])]
    caption = TREND_NOTE + (PILLAR_NOTE if f.pillars else "")
    if missing:
        names = source.ask(options.party_names, tuple(missing))
        caption += f" No point in this selection for: {', '.join(names.values())}."
    return Panel(
        name="achieved_trend", title=title,
        figure=charts.achieved_trend(points, title, subtitle=selection, source=f"Source: {text}"),
        table=table, alt=charts.achieved_trend_alt(points, title), caption=caption, source=text,
        selection=selection, includes_demo=bool(points["is_demo"].astype(bool).any()), formats={SHARE: "pct"},
    )
