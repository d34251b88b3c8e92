"""Cached queries: one function per question, each returning a pandas DataFrame.

Every function takes the ``DbFile`` (path and modification time) as its first argument,
so the cache is keyed by the version of the database file as well as by the question
(and by the `Filters`, a frozen dataclass). The SQL itself lives in `dashboard.data`, as
plain functions of a connection, so exports can run it without Streamlit. Values from
users are passed as query parameters, never formatted into SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import duckdb
import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.db import BUILD_COMMANDS, DbFile, code, connection
from dashboard.selection import Filters

T = TypeVar("T")


def _fetch(db: DbFile, sql: str, params: tuple = ()) -> pd.DataFrame:
    return run(db, data.fetch, sql, params)


def run(db: DbFile, question: Callable[..., T], *args: Any) -> T:
    """``question(cursor, *args)`` on the shared read-only connection.

    A cursor per query: Streamlit runs sessions on several threads, and DuckDB wants
    one cursor per thread. The result is fetched in full before the cursor closes.
    """
    cursor = connection(db).cursor()
    try:
        return question(cursor, *args)
    except duckdb.CatalogException as e:
        st.error(
            f"The database {code(db.path)} lacks a table or view this page needs "
            f"({code(str(e).splitlines()[0])}); it was probably built by an older version "
            f"of the loaders. Rebuild it with {BUILD_COMMANDS}.",
            icon=":material/database:",
        )
        st.stop()
    finally:
        cursor.close()


def _period(start: object, end: object) -> str:
    if pd.isna(start) and pd.isna(end):
        return "period not stated"
    return f"{'?' if pd.isna(start) else start} to {'?' if pd.isna(end) else end}"


@st.cache_data(show_spinner=False, max_entries=8)
def reports(db: DbFile) -> pd.DataFrame:
    """Loaded reports (out_reports) by Party and meeting, with a ``label`` for pickers."""
    frame = _fetch(
        db,
        """
        SELECT * FROM out_reports
        ORDER BY party_name, meeting_number, report_id
        """,
    )
    frame["label"] = [
        f"{row.party_name} – {row.meeting_code} ({_period(row.period_start, row.period_end)})"
        + (" [demo]" if row.is_demo else "")
        for row in frame.itertuples()
    ]
    return frame


@st.cache_data(show_spinner=False, max_entries=8)
def rating_codes(db: DbFile) -> pd.DataFrame:
    """The rating code table (labels, colours, scales), best rating first."""
    return _fetch(db, "SELECT * FROM core_codes_ratings ORDER BY sort_order")


@st.cache_data(show_spinner=False, max_entries=256)
def report_ratings(db: DbFile, report_id: str) -> pd.DataFrame:
    """The Party's own ratings in one parsed report: out_rating_shares, one row per rating."""
    return _fetch(
        db,
        """
        SELECT s.*
        FROM out_rating_shares s
        JOIN out_reports r ON r.party_iso3 = s.party_iso3 AND r.meeting_code = s.meeting_code
        WHERE r.report_id = ? AND s.origin = 'report' AND s.assessor = 'party'
        ORDER BY s.rating_sort_order
        """,
        (report_id,),
    )


@st.cache_data(show_spinner=False, max_entries=256)
def quality_issues(db: DbFile, report_id: str) -> pd.DataFrame:
    """Quality issues the loader found in one report (out_quality_issues), in report order."""
    return _fetch(
        db,
        "SELECT * FROM out_quality_issues WHERE report_id = ? ORDER BY issue_index",
        (report_id,),
    )


# ---------------------------------------------------------------- sidebar options


@st.cache_data(show_spinner=False, max_entries=8)
def party_options(db: DbFile) -> pd.DataFrame:
    """Parties with a loaded report (party_iso3, party_name, is_demo), real ones first."""
    return run(db, data.party_options)


@st.cache_data(show_spinner=False, max_entries=8)
def meeting_options(db: DbFile) -> pd.DataFrame:
    """Meetings with a loaded report, in time order."""
    return run(db, data.meeting_options)


@st.cache_data(show_spinner=False, max_entries=8)
def pillar_options(db: DbFile) -> pd.DataFrame:
    """The standard pillars (pillar_code, label), in template order."""
    return run(db, data.pillar_options)


# ---------------------------------------------------------------- the selection's questions
# Each is `dashboard.data.<same name>` on the selection; see there for the columns.


@st.cache_data(show_spinner=False, max_entries=32)
def selected_reports(db: DbFile, f: Filters) -> pd.DataFrame:
    """out_reports of the selection."""
    return run(db, data.reports, f)


@st.cache_data(show_spinner=False, max_entries=32)
def selection_headline(db: DbFile, f: Filters) -> pd.DataFrame:
    """Counts of the selection: reports, Parties, meetings, actions, delayed, funding gaps."""
    return run(db, data.headline, f)


@st.cache_data(show_spinner=False, max_entries=32)
def coverage(db: DbFile, f: Filters) -> pd.DataFrame:
    """The reporting grid: Party x meeting with a status (report, demo, summary, no_report)."""
    return run(db, data.coverage, f)


@st.cache_data(show_spinner=False, max_entries=32)
def latest_changes(db: DbFile, f: Filters) -> tuple[str | None, pd.DataFrame, pd.DataFrame]:
    """The latest meeting, each Party's change since its previous report, newly delayed actions."""
    return run(db, data.latest_changes, f)


@st.cache_data(show_spinner=False, max_entries=64)
def rating_counts(db: DbFile, f: Filters, by: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Actions per group x template x rating, and the groups."""
    return run(db, data.rating_counts, f, by)


@st.cache_data(show_spinner=False, max_entries=32)
def achievement_grid(db: DbFile, f: Filters) -> pd.DataFrame:
    """Party x meeting share of actions achieved or substantially achieved."""
    return run(db, data.achievement_grid, f)


@st.cache_data(show_spinner=False, max_entries=32)
def delay_facts(db: DbFile, f: Filters) -> pd.DataFrame:
    """Causes of delay of the selection's actions, with their evidence."""
    return run(db, data.delay_facts, f)


@st.cache_data(show_spinner=False, max_entries=32)
def funding_gaps(db: DbFile, f: Filters) -> pd.DataFrame:
    """Actions sought-not-secured or delayed for lack of funding, with their evidence."""
    return run(db, data.funding_gaps, f)
