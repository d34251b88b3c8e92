"""Cached queries: one function per question, each returning a pandas DataFrame.

Every function takes the ``DbFile`` (path and modification time) as its first argument,
so the cache is keyed by the version of the database file as well as by the question.
Values from users are passed as query parameters, never formatted into SQL.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import streamlit as st

from dashboard.db import BUILD_COMMANDS, DbFile, code, connection


def _fetch(db: DbFile, sql: str, params: tuple = ()) -> pd.DataFrame:
    # A cursor per query: Streamlit runs sessions on several threads, and DuckDB wants
    # one cursor per thread. The result is fetched in full before the cursor closes.
    cursor = connection(db).cursor()
    try:
        return cursor.execute(sql, params).df()
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
def headline(db: DbFile) -> pd.DataFrame:
    """One row: how many reports, Parties, meetings, actions and quality issues are loaded."""
    return _fetch(
        db,
        """
        SELECT count(*) AS reports,
               count(DISTINCT party_iso3) AS parties,
               count(DISTINCT meeting_code) AS meetings,
               COALESCE(sum(n_actions), 0) AS actions,
               COALESCE(sum(n_quality_issues), 0) AS quality_issues,
               count(*) FILTER (WHERE is_demo) AS demo_reports
        FROM out_reports
        """,
    )


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
