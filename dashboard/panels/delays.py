"""Delays & causes: delayed actions by cause, pillar and Party."""

from __future__ import annotations

from datetime import date

from dashboard.charts import bars
from dashboard.panels import DEMO_NOTE, MAX_CHART_PARTIES, Empty, Panel, capped, describe, files_source
from dashboard.queries import Source, action_word, counting, delays, options, scope_note
from dashboard.selection import Filters

VIEW = "out_delay_causes view"
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


def table_notes(title: str, selection: str, source: str, demo: bool) -> list[str]:
    """The "about" lines of a downloaded table of actions (the Delays and Funding pages'):
    title, selection in words, source, date and whether it holds demo data."""
    return [f"Title: {title}", f"Selection: {selection}", f"Source: {source}", f"Date: {date.today().isoformat()}",
            DEMO_NOTE if demo else "Demo data: none (real reports only)"]


def unit(f: Filters) -> str:
    """What the bars count: "delayed actions at each Party's latest report" or "delayed
    action-reports (an action counts once per report)"."""
    return counting(f, "delayed actions")


def delayed_by(source: Source, f: Filters, by: str) -> Panel | Empty:
    """One bar chart of delayed actions per ``by`` group; bars carry their group key."""
    facts = source.ask(delays.delay_facts, f)
    selection = describe(source, f)
    if facts.empty:
        return Empty(f"No delayed actions in this selection ({selection}).")
    name, title, axis_title = CHARTS[by]
    title = action_word(f, title)  # "Delayed action-reports by cause of delay" when every report counts
    counts = delays.count_delayed(facts, by)
    charted = counts.head(MAX_CHART_PARTIES)
    colours = None
    if by == "cause":
        codes = source.ask(options.delay_causes)
        colours = dict(zip(codes["cause"], codes["colour"], strict=True))
    demo = bool(facts["is_demo"].any())
    text = files_source(facts["source_file"], VIEW)
    figure = bars.count_bars(charted, title, axis_title=axis_title, unit=unit(f), colours=colours,
                             subtitle=selection, source=f"Source: {text}")
    column = action_word(f, "Delayed actions")
    table = counts.rename(columns={"label": axis_title, "actions": column, "reports": "Reports"})
    return Panel(
        name=name, title=title, figure=figure, table=table[[axis_title, column, "Reports"]],
        alt=bars.count_bars_alt(charted, title, unit(f)),
        caption=f"{EXTRACTION_NOTE} {scope_note(f)}" + capped(len(counts), len(charted),
                                                               "those with the most delayed actions"),
        source=text, selection=selection, includes_demo=demo, selectable=True,
    )


def by_cause(source: Source, f: Filters) -> Panel | Empty:
    return delayed_by(source, f, "cause")


def by_pillar(source: Source, f: Filters) -> Panel | Empty:
    return delayed_by(source, f, "pillar")


def by_party(source: Source, f: Filters) -> Panel | Empty:
    return delayed_by(source, f, "party")


PANELS = (by_cause, by_pillar, by_party)
