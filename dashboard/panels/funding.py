"""Funding gaps: actions seeking funds and actions delayed for lack of them, by Party and
by standard pillar."""

from __future__ import annotations

from dashboard.charts import bars
from dashboard.panels import MAX_CHART_PARTIES, Empty, Panel, capped, describe, files_source
from dashboard.queries import Source, action_word, counting, funding, ratings, scope_note
from dashboard.selection import Filters

VIEW = "out_actions, out_funding and out_delay_causes views"
CHARTS = {  # grouping -> (panel name, axis title, chart title)
    "party": ("funding_by_party", "Party",
              "Funding gaps by Party: actions seeking funds, and actions delayed for lack of it"),
    "pillar": ("funding_by_pillar", "Standard pillar",
               "Funding gaps by standard pillar: actions seeking funds, and actions delayed for lack of it"),
}
GAP_NOTE = (
    "Funding sought, not secured: the report says the Party is seeking funds for the action and "
    "does not say any were secured. Delayed for lack of funding: the report gives lack of funding "
    "as a cause of delay. An action can be both, so it can appear in both bars. Read from the "
    "reports' text by a lexicon (data/reference/causes.yaml)."
)


def gaps_by(source: Source, f: Filters, by: str) -> Panel | Empty:
    """Grouped bars of the two kinds of funding gap, per Party or standard pillar."""
    gaps = source.ask(funding.funding_gaps, f)
    selection = describe(source, f)
    if gaps.empty:
        return Empty(f"No funding gaps in this selection ({selection}).")
    name, axis_title, title = CHARTS[by]
    title = action_word(f, title)  # "action-reports seeking funds" when every report counts
    long = funding.count_funding_gaps(gaps, by)
    charted = ratings.first_parties(long, MAX_CHART_PARTIES, "key")
    text = files_source(gaps["source_file"], VIEW)
    table = long.assign(gap=long["gap"].map(funding.GAP_LABELS)).rename(
        columns={"label": axis_title, "gap": "Funding gap", "actions": action_word(f, "Actions")})
    return Panel(
        name=name, title=title,
        figure=bars.gap_bars(charted, title, axis_title=axis_title, subtitle=selection, source=f"Source: {text}",
                             unit=counting(f)),
        table=table[[axis_title, "Funding gap", action_word(f, "Actions")]], alt=bars.gap_bars_alt(charted, title),
        caption=f"{GAP_NOTE} {scope_note(f)}"
                + capped(long["key"].nunique(), charted["key"].nunique(), "those with the most funding gaps"),
        source=text, selection=selection, includes_demo=bool(gaps["is_demo"].any()),
        full_data=funding.funding_table(gaps),
    )


def by_party(source: Source, f: Filters) -> Panel | Empty:
    return gaps_by(source, f, "party")


def by_pillar(source: Source, f: Filters) -> Panel | Empty:
    return gaps_by(source, f, "pillar")


PANELS = (by_party, by_pillar)
