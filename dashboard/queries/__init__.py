"""The dashboard's questions to the database: one module per topic, plain functions
``question(cur, *args) -> DataFrame`` that read ONLY the public ``out_*`` views.

No Streamlit here. Something that can ``ask`` (a `Source`) runs a question: in the app,
`dashboard.db.AppSource`, through the one cache (keyed by the database file's version);
in exports and tests, `Direct` on a plain DuckDB connection. Values chosen by users
reach DuckDB as query parameters only (`Filters.where`), never formatted into SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

import duckdb
import pandas as pd

from dashboard.selection import Filters

Cursor = duckdb.DuckDBPyConnection
T = TypeVar("T")


class Source(Protocol):
    """Runs a question on the database: ``source.ask(question, *args)``."""

    def ask(self, question: Callable[..., T], *args: Any) -> T: ...


class Direct:
    """A `Source` over an open DuckDB connection, without a cache (exports, tests)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def ask(self, question: Callable[..., T], *args: Any) -> T:
        cursor = self.con.cursor()
        try:
            return question(cursor, *args)
        finally:
            cursor.close()


DEMO_MARK = " (demo)"


def demo_name(name: object, is_demo: object) -> object:
    """A Party's name as every label shows it: "Republic of Examplia (demo)" for a demo Party."""
    if isinstance(name, str) and bool(is_demo) and not name.endswith(DEMO_MARK):
        return name + DEMO_MARK
    return name


def fetch(cur: Cursor, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
    """Run one parameterised query and return all its rows.

    Wherever a row names a Party and says it is demo data (``party_name`` and ``is_demo``),
    the name is marked "(demo)", so every chart label, table and export says so.
    """
    frame = cur.execute(sql, list(params)).df()
    if "party_name" in frame.columns and "is_demo" in frame.columns and len(frame):
        frame["party_name"] = [demo_name(n, d) for n, d in zip(frame["party_name"], frame["is_demo"], strict=True)]
    return frame


def among(column: str, values: Sequence[object]) -> tuple[str, list[object]]:
    """``column IN (?, ?)`` and its parameters; FALSE for no values."""
    if not values:
        return "FALSE", []
    return f"{column} IN ({', '.join('?' * len(values))})", list(values)


# ---------------------------------------------------------------- what a count of actions counts
# Counts of actions are, by default, the status at each Party's latest report in the selection:
# each action once. With ``Filters.history`` every report of the selection counts, so an action
# reported to three meetings counts three times ("action-reports"). Every count of actions that
# follows the switch takes its reports from `counted_reports` and its words from `counting`.

LATEST_WORDS = "at each Party's latest report"
HISTORY_WORDS = "(an action counts once per report)"


def counted_reports(f: Filters) -> tuple[str, list[object]]:
    """SQL listing the ``report_id`` of the reports a count of actions takes, and its parameters:
    each Party's latest report among the selection's reports (its Parties, meetings and demo
    switch; pillars do not remove reports), or every report of the selection with ``f.history``."""
    where, params = f.where(pillars=False)
    if f.history:
        return f"SELECT report_id FROM out_reports WHERE {where}", params
    return f"""SELECT report_id FROM out_reports WHERE {where}
               QUALIFY row_number() OVER (PARTITION BY party_iso3
                                          ORDER BY meeting_number DESC, meeting_code DESC) = 1""", params


def action_word(f: Filters, words: str = "actions") -> str:
    """``words`` as a short label under ``f``: "Delayed actions", or "Delayed action-reports"
    when every report counts."""
    if not f.history:
        return words
    return words.replace("actions", "action-reports").replace("Actions", "Action-reports")


def counting(f: Filters, words: str = "actions") -> str:
    """``words`` saying what they count: "delayed actions at each Party's latest report", or
    "delayed action-reports (an action counts once per report)" (axis titles, hover, captions)."""
    return f"{action_word(f, words)} {HISTORY_WORDS if f.history else LATEST_WORDS}"


def scope_note(f: Filters) -> str:
    """One sentence for captions and help: how the counts of actions count."""
    if f.history:
        return ("Counts are action-reports: every report of the selection counts, so an action reported to "
                "several meetings counts once per report. Switch off 'Count every report (history)' in the "
                "sidebar for the status at each Party's latest report.")
    return ("Counts are the status at each Party's latest report in the selection: each action once. Switch on "
            "'Count every report (history)' in the sidebar to count every report.")
