"""Action lists for briefings: the delayed actions with the sentences that say so (Delays),
the actions with a funding gap and those still seeking funds at their Party's latest
report (Funding), one row per action, as table-only panels
(``figure=None``). They go into the page's briefing pack and the export command line
(``python -m dashboard.export table --page funding --chart funding_actions``) as CSV and
XLSX with title, selection, source, date and demo flag, and are made from the same
questions the pages ask (`dashboard.queries.delays`, `dashboard.queries.funding`).
"""

from __future__ import annotations

import pandas as pd

from dashboard.panels import Empty, Panel, describe, files_source
from dashboard.queries import Source, action_word, delays, funding
from dashboard.selection import Filters

DELAY_VIEW = "out_delay_causes view"
FUNDING_VIEW = "out_actions, out_funding and out_delay_causes views"
DELAY_COLUMNS = {  # delay_facts column -> exported header
    "party_name": "Party", "meeting_code": "Meeting", "action_code": "Action", "action_title": "Title",
    "cause_label": "Cause", "found_in": "Where found", "evidence": "Evidence", "matched": "Matched words",
    "pillar_label": "Pillar", "source_file": "Source file", "is_demo": "Demo data (fictional Party)",
}


def delayed_table(facts: pd.DataFrame) -> pd.DataFrame:
    """One row per cause of a delayed action, with the report's sentence (`delays.delay_facts`)."""
    table = facts[list(DELAY_COLUMNS)].rename(columns=DELAY_COLUMNS).reset_index(drop=True)
    return table.astype({"Demo data (fictional Party)": bool})


def action_list(source: Source, f: Filters, rows: pd.DataFrame, *, name: str, title: str, what: str,
                table: pd.DataFrame, view: str) -> Panel | Empty:
    """A table-only panel of ``rows`` (one per action, or per cause of a delayed action):
    ``what`` names them ("delayed actions") in the empty state and the text alternative."""
    selection = describe(source, f)
    if rows.empty:
        return Empty(f"No {what} in this selection ({selection}).")
    return Panel(name=name, title=title, figure=None, table=table, caption="",
                 alt=f"Table of {len(table)} rows: {what}, with the sentences that say so.",
                 source=files_source(rows["source_file"], view), selection=selection,
                 includes_demo=bool(rows["is_demo"].any()))


def delayed_actions(source: Source, f: Filters) -> Panel | Empty:
    """The delayed actions of the selection and why: one row per cause, with its evidence."""
    facts = source.ask(delays.delay_facts, f)
    return action_list(source, f, facts, name="delayed_actions", what="delayed actions", view=DELAY_VIEW,
                       title=f"{action_word(f, 'Delayed actions')} and the sentences that say so",
                       table=delayed_table(facts) if len(facts) else facts)


def funding_actions(source: Source, f: Filters) -> Panel | Empty:
    """The actions with a funding gap of the selection, with the sentences that say so."""
    gaps = source.ask(funding.funding_gaps, f)
    return action_list(source, f, gaps, name="funding_actions", what="actions with a funding gap",
                       title=f"{action_word(f, 'Actions')} with a funding gap and the sentences that say so",
                       table=funding.funding_table(gaps), view=FUNDING_VIEW)


def seeking_funds(source: Source, f: Filters) -> Panel | Empty:
    """The actions still seeking funds at their Party's latest report in the selection."""
    rows = source.ask(funding.seeking_funds, f)
    return action_list(source, f, rows, name="seeking_funds", what="actions still seeking funds",
                       title="Actions still seeking funds at their Party's latest report",
                       table=funding.seeking_table(rows), view="out_actions and out_funding views")


LISTS = {"delays": (delayed_actions,), "funding": (funding_actions, seeking_funds)}  # page -> its action lists
