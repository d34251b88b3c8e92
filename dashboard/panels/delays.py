"""Delays & causes: delayed actions by cause, pillar and Party."""

from __future__ import annotations

from dashboard.charts import bars
from dashboard.panels import MAX_CHART_PARTIES, Empty, Panel, capped, describe, files_source
from dashboard.queries import Source, delays, options
from dashboard.selection import Filters

VIEW = "out_delay_causes view"
UNIT = "delayed actions"
CHARTS = {  # grouping -> (panel name, title, axis title)
    "cause": ("delays_by_cause", "Delayed actions by cause of delay", "Cause of delay"),
    "pillar": ("delays_by_pillar", "Delayed actions by standard pillar", "Standard pillar"),
    "party": ("delays_by_party", "Delayed actions by Party", "Party"),
}
EXTRACTION_NOTE = (
    "Delays and causes are read from the reports' text by a lexicon (data/reference/causes.yaml): "
    "a sentence saying an action is behind schedule gives its cause, or 'No cause stated'. "
    "An action delayed for two causes counts once under each cause, and once per pillar and Party."
)


def delayed_by(source: Source, f: Filters, by: str) -> Panel | Empty:
    """One bar chart of delayed actions per ``by`` group; bars carry their group key."""
    facts = source.ask(delays.delay_facts, f)
    selection = describe(source, f)
    if facts.empty:
        return Empty(f"No delayed actions in this selection ({selection}).")
    name, title, axis_title = CHARTS[by]
    counts = delays.count_delayed(facts, by)
    charted = counts.head(MAX_CHART_PARTIES)
    colours = None
    if by == "cause":
        codes = source.ask(options.delay_causes)
        colours = dict(zip(codes["cause"], codes["colour"], strict=True))
    demo = bool(facts["is_demo"].any())
    text = files_source(facts["source_file"], VIEW)
    figure = bars.count_bars(charted, title, axis_title=axis_title, unit=UNIT, colours=colours,
                             subtitle=selection, source=f"Source: {text}")
    table = counts.rename(columns={"label": axis_title, "actions": "Delayed actions", "reports": "Reports"})
    return Panel(
        name=name, title=title, figure=figure, table=table[[axis_title, "Delayed actions", "Reports"]],
        alt=bars.count_bars_alt(charted, title, UNIT),
        caption=EXTRACTION_NOTE + capped(len(counts), len(charted), "those with the most delayed actions"),
        source=text, selection=selection, includes_demo=demo, selectable=True,
    )


def by_cause(source: Source, f: Filters) -> Panel | Empty:
    return delayed_by(source, f, "cause")


def by_pillar(source: Source, f: Filters) -> Panel | Empty:
    return delayed_by(source, f, "pillar")


def by_party(source: Source, f: Filters) -> Panel | Empty:
    return delayed_by(source, f, "party")


PANELS = (by_cause, by_pillar, by_party)
