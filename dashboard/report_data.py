"""Data of the Report and Data quality pages: one report in full, every quality issue,
and the reports whose facts look odd.

The plain functions take a DuckDB cursor (and the sidebar `Filters`) and return pandas
DataFrames or small dataclasses; they never call Streamlit. Values from users travel as
query parameters, never formatted into SQL. The cached wrappers at the end are what pages
call: they are keyed by the database file version (``DbFile``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dashboard.compare_data import run
from dashboard.db import PROJECT_ROOT, DbFile
from dashboard.selection import Filters

FOUND_IN = {"synopsis": "Part A (synopsis)", "notes": "the action's notes"}
FACT_KIND = {
    "delay": "Delay cause", "funding": "Funding", "planned_start": "Planned start",
    "expected_completion": "Expected completion",
}
TEMPLATES = {"2014": "2014–2016 template (SC65–SC67 scale)", "2017": "2017+ template (SC69 on)"}
LANGUAGES = {"en": "English", "fr": "French", "es": "Spanish"}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&\"'=^])")


def md_text(text: object) -> str:
    """``text`` for st.markdown shown exactly as written: every character Markdown, HTML or
    Streamlit's directives could read is escaped, line breaks are kept."""
    escaped = _MD_SPECIAL.sub(r"\\\1", str(text))
    return escaped.replace("\n", "  \n")


# ------------------------------------------------------------------------ report page


def report_index(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Loaded reports in the sidebar's selection (Parties, meetings, demo), by Party and
    meeting date: report_id, party_iso3, party_name, meeting_code, period, is_demo."""
    where, params = filters.where("r", pillars=False)
    return cur.execute(
        f"""
        SELECT r.report_id, r.party_iso3, r.party_name, r.meeting_code, r.period_start, r.period_end,
               r.is_demo, r.n_actions, r.n_quality_issues
        FROM out_reports r LEFT JOIN core_meetings m USING (meeting_code)
        WHERE {where}
        ORDER BY r.party_name, m.start_date NULLS LAST, r.meeting_number, r.report_id
        """,
        params,
    ).df()


def count_reports(cur: duckdb.DuckDBPyConnection) -> int:
    """How many reports are loaded at all."""
    return int(cur.execute("SELECT count(*) FROM core_reports").fetchone()[0])


@dataclass(frozen=True)
class Report:
    """The title block of one report and where its file is."""

    report_id: str
    title: str
    party_iso3: str
    party_name: str
    meeting_code: str
    meeting_name: str
    period_start: str | None
    period_end: str | None
    language: str
    rating_scale: str
    prepared_by: str | None
    n_actions: int
    is_demo: bool
    source_file: str
    file_path: str
    file_sha256: str
    size_bytes: int | None
    format: str

    @property
    def period(self) -> str:
        if not self.period_start and not self.period_end:
            return "not stated"
        return f"{self.period_start or '?'} to {self.period_end or '?'}"


def report(cur: duckdb.DuckDBPyConnection, report_id: str) -> Report | None:
    """The title block of one report, or None when no such report is loaded."""
    row = cur.execute(
        """
        SELECT r.report_id, r.title, r.party_iso3, p.party_name, r.meeting_code,
               CASE WHEN m.city IS NULL THEN r.meeting_code
                    ELSE r.meeting_code || ' (' || m.city || COALESCE(', ' || strftime(m.start_date, '%B %Y'), '')
                         || ')' END AS meeting_name,
               r.period_start, r.period_end, r.language, r.rating_scale, r.prepared_by, r.n_actions, r.is_demo,
               r.source_file, COALESCE(f.file_path, r.source_path) AS file_path, r.file_sha256, f.size_bytes,
               r.format
        FROM core_reports r
        JOIN core_parties p USING (party_iso3)
        LEFT JOIN core_meetings m USING (meeting_code)
        LEFT JOIN raw_files f USING (file_sha256)
        WHERE r.report_id = ?
        """,
        [report_id],
    ).fetchone()
    return Report(*row) if row else None


def title_block(rep: Report) -> pd.DataFrame:
    """The title block as a two-column table (Field, Value) of plain text."""
    rows = [
        ("Title", rep.title),
        ("Party", rep.party_name + (" (fictional demo Party)" if rep.is_demo else "")),
        ("Meeting", rep.meeting_name),
        ("Reporting period", rep.period),
        ("Language", LANGUAGES.get(rep.language, rep.language)),
        ("Template", TEMPLATES.get(rep.rating_scale, rep.rating_scale)),
        ("Prepared by", rep.prepared_by or "not stated"),
        ("Actions", str(rep.n_actions)),
        ("Source file", f"{rep.source_file} ({rep.format})"),
    ]
    return pd.DataFrame(rows, columns=["Field", "Value"])


def synopsis(cur: duckdb.DuckDBPyConnection, report_id: str) -> pd.DataFrame:
    """Part A, paragraph by paragraph (heading, text)."""
    return cur.execute(
        "SELECT heading, text FROM core_synopsis WHERE report_id = ? ORDER BY paragraph_index", [report_id]
    ).df()


def actions(cur: duckdb.DuckDBPyConnection, report_id: str, filters: Filters) -> pd.DataFrame:
    """The report's actions in report order (the sidebar's pillar filter applies), with the
    canonical rating's label and colour and the report's own labels."""
    where, params = Filters(pillars=filters.pillars).where("o")
    return cur.execute(
        f"""
        SELECT o.action_code, o.action_title, o.pillar_number, o.pillar_name, o.pillar_code,
               pl.label AS standard_pillar, o.is_priority, o.rating_code, c.label AS rating,
               c.colour AS rating_colour, o.rating_label, o.rating_label_summary, o.rating_label_detailed,
               o.delayed, o.delay_causes, o.funding_secured, o.funding_sought, o.planned_start,
               o.expected_completion, o.n_quality_issues
        FROM out_actions o
        LEFT JOIN core_codes_ratings c USING (rating_code)
        LEFT JOIN core_codes_pillars pl ON pl.pillar_code = o.pillar_code
        WHERE o.report_id = ? AND {where}
        ORDER BY o.action_order
        """,
        [report_id, *params],
    ).df()


def notes(cur: duckdb.DuckDBPyConnection, report_id: str) -> pd.DataFrame:
    """Every note of the report's actions (action_code, text, is_comment, provenance)."""
    return cur.execute(
        """
        SELECT action_code, note_index, text, is_comment, provenance
        FROM core_notes WHERE report_id = ? ORDER BY action_code, note_index
        """,
        [report_id],
    ).df()


def facts(cur: duckdb.DuckDBPyConnection, report_id: str) -> pd.DataFrame:
    """Every fact extracted from the report (delay causes, funding, timing), each with the
    sentence that supports it, where that sentence was found and the words that matched."""
    frame = cur.execute(
        """
        SELECT action_code, 'delay' AS kind, cause AS value, found_in, evidence, matched, fact_index
        FROM core_delay_causes WHERE report_id = ?
        UNION ALL
        SELECT action_code, 'funding', status, found_in, evidence, matched, fact_index
        FROM core_funding WHERE report_id = ?
        UNION ALL
        SELECT action_code, kind,
               value || CASE WHEN window_start IS NOT NULL THEN ' (window ' || window_start || ' to '
                                  || COALESCE(window_end, value) || ')' ELSE '' END,
               found_in, evidence, matched, fact_index
        FROM core_timing WHERE report_id = ?
        ORDER BY action_code, kind, fact_index
        """,
        [report_id] * 3,
    ).df()
    frame["fact"] = [f"{FACT_KIND.get(k, k)}: {v}" for k, v in zip(frame["kind"], frame["value"], strict=True)]
    frame["where"] = frame["found_in"].map(lambda w: FOUND_IN.get(w, w))
    return frame


def report_issues(cur: duckdb.DuckDBPyConnection, report_id: str) -> pd.DataFrame:
    """The report's quality issues in report order."""
    return cur.execute(
        """
        SELECT issue_index, issue_code, severity, issue_label, action_code, message, evidence
        FROM out_quality_issues WHERE report_id = ? ORDER BY issue_index
        """,
        [report_id],
    ).df()


@dataclass(frozen=True)
class SourceFile:
    """Where the report's file is now, and whether it is the file that was loaded."""

    path: Path
    status: str  # ok, missing, changed

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def file_digest(path: str, mtime_ns: int = 0, size: int = 0) -> str:
    """SHA-256 of a file (``mtime_ns`` and ``size`` only key the cache)."""
    del mtime_ns, size
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def locate_source(file_path: str, sha256: str, root: Path = PROJECT_ROOT,
                  digest: Callable[[str, int, int], str] = file_digest) -> SourceFile:
    """The report's file, found through raw_files.file_path (relative to the project when
    the file was inside it), checked against the SHA-256 recorded at load time so that only
    the very file that was read is offered."""
    path = (root / file_path).resolve()
    try:
        stat = path.stat()
    except OSError:
        return SourceFile(path, "missing")
    if not path.is_file():
        return SourceFile(path, "missing")
    same = digest(str(path), stat.st_mtime_ns, stat.st_size) == sha256
    return SourceFile(path, "ok" if same else "changed")


# ------------------------------------------------------------------------ data quality page


def quality_issues(cur: duckdb.DuckDBPyConnection, filters: Filters, codes: tuple[str, ...] = (),
                   severities: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every quality issue in the selection. The pillar filter keeps the issues about
    actions of those pillars (issues about a whole report have no pillar and are left out
    while it is set); ``codes`` and ``severities`` narrow further when not empty."""
    where, params = filters.where("q", pillars=False)
    if filters.pillars:
        pillar_where, pillar_params = Filters(pillars=filters.pillars).where("a")
        where += f" AND q.action_code IS NOT NULL AND {pillar_where}"
        params += pillar_params
    if codes:
        where += f" AND q.issue_code IN ({', '.join('?' * len(codes))})"
        params += list(codes)
    if severities:
        where += f" AND q.severity IN ({', '.join('?' * len(severities))})"
        params += list(severities)
    return cur.execute(
        f"""
        SELECT q.report_id, q.party_iso3, q.party_name, q.meeting_code, q.meeting_number, q.issue_index,
               q.issue_code, q.severity, q.issue_label, q.action_code, q.message, q.evidence, q.is_demo,
               q.source_file
        FROM out_quality_issues q
        LEFT JOIN core_actions a ON a.report_id = q.report_id AND a.action_code = q.action_code
        WHERE {where}
        ORDER BY q.party_name, q.meeting_number, q.report_id, q.issue_index
        """,
        params,
    ).df()


def report_coverage(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Reports of the selection with the share of their text the loader used, lowest first."""
    where, params = filters.where("r", pillars=False)
    return cur.execute(
        f"""
        SELECT r.report_id, r.party_name, r.meeting_code, r.meeting_number, r.source_file, r.format,
               r.coverage, r.text_chars, r.unread_chars, r.is_demo,
               EXISTS (SELECT 1 FROM out_quality_issues q
                       WHERE q.report_id = r.report_id AND q.issue_code = 'low_coverage') AS flagged
        FROM out_reports r WHERE {where}
        ORDER BY r.coverage NULLS FIRST, r.party_name, r.meeting_number
        """,
        params,
    ).df()


def unread_text(cur: duckdb.DuckDBPyConnection, report_id: str) -> pd.DataFrame:
    """The paragraphs and cells of one report that no reader used (location, text)."""
    return cur.execute(
        "SELECT location, text FROM out_unread_text WHERE report_id = ? ORDER BY item_index", [report_id]
    ).df()


def issue_codes(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The quality issue code table (issue_code, severity, label, description)."""
    return cur.execute(
        """
        SELECT issue_code, severity, label, description FROM core_codes_quality_issues
        ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, label
        """
    ).df()


ODD_CHECKS = {
    "synopsis_counts": "Part A's counts disagree with the tables",
    "published_differs": "Counted ratings differ from the Party's figure published by CITES",
    "period_after_meeting": "Reporting period ends after the meeting began",
    "period_reversed": "Reporting period ends before it starts",
    "not_rated": "Actions without a rating",
    "delayed_but_achieved": "Rated achieved yet said to be delayed",
    "no_actions": "No actions read",
}


def odd_reports(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Reports whose facts look odd, one row per report and check (check, detail)."""
    where, params = filters.where("r", pillars=False)
    return cur.execute(
        f"""
        WITH r AS (SELECT * FROM out_reports r WHERE {where}),
        published AS (
            SELECT s.party_iso3, s.meeting_code, s.rating_code, s.share_pct, s.n_actions, s.source
            FROM out_rating_shares s WHERE s.assessor = 'party' AND s.origin = 'reference'
        ),
        counted AS (
            SELECT s.party_iso3, s.meeting_code, s.rating_code, s.share_pct, s.n_actions
            FROM out_rating_shares s WHERE s.assessor = 'party' AND s.origin = 'report'
        ),
        compared AS (
            SELECT COALESCE(p.party_iso3, c.party_iso3) AS party_iso3,
                   COALESCE(p.meeting_code, c.meeting_code) AS meeting_code,
                   COALESCE(p.rating_code, c.rating_code) AS rating_code,
                   COALESCE(p.share_pct, 0) AS published_pct, COALESCE(c.share_pct, 0) AS counted_pct,
                   p.n_actions AS published_n, c.n_actions AS counted_n, p.source
            FROM published p FULL JOIN counted c USING (party_iso3, meeting_code, rating_code)
        ),
        published_diff AS (
            SELECT party_iso3, meeting_code,
                   string_agg(cr.label || ' ' || round(counted_pct, 1) || '% counted vs '
                              || round(published_pct, 1) || '% published', '; ' ORDER BY cr.sort_order)
                       FILTER (WHERE abs(counted_pct - published_pct) > 1.0) AS diffs,
                   max(published_n) AS published_n, max(counted_n) AS counted_n, any_value(source) AS source
            FROM compared LEFT JOIN core_codes_ratings cr USING (rating_code)
            WHERE (party_iso3, meeting_code) IN (SELECT party_iso3, meeting_code FROM published)
            GROUP BY party_iso3, meeting_code
        )
        SELECT r.report_id, r.party_iso3, r.party_name, r.meeting_code, r.meeting_number, r.is_demo,
               x.check_code, x.detail
        FROM r, LATERAL (
            SELECT 'synopsis_counts' AS check_code,
                   (SELECT string_agg(q.message, ' ' ORDER BY q.issue_index) FROM core_quality_issues q
                    WHERE q.report_id = r.report_id AND q.issue_code = 'synopsis_count_mismatch') AS detail
            UNION ALL
            SELECT 'published_differs',
                   (SELECT CASE WHEN d.diffs IS NOT NULL OR d.published_n <> d.counted_n THEN
                        COALESCE(d.diffs, 'same shares') ||
                        CASE WHEN d.published_n <> d.counted_n
                             THEN '; ' || d.counted_n || ' actions read vs ' || d.published_n || ' published'
                             ELSE '' END || ' (source: ' || d.source || ')' END
                    FROM published_diff d WHERE d.party_iso3 = r.party_iso3 AND d.meeting_code = r.meeting_code)
            UNION ALL
            SELECT 'period_after_meeting',
                   CASE WHEN r.period_end IS NOT NULL AND r.meeting_start_date IS NOT NULL
                             AND r.period_end > strftime(r.meeting_start_date, '%Y-%m')
                        THEN 'period ends ' || r.period_end || ', meeting began '
                             || strftime(r.meeting_start_date, '%Y-%m-%d') END
            UNION ALL
            SELECT 'period_reversed',
                   CASE WHEN r.period_start IS NOT NULL AND r.period_end IS NOT NULL
                             AND left(r.period_end, length(r.period_start)) < r.period_start
                        THEN 'period ' || r.period_start || ' to ' || r.period_end END
            UNION ALL
            SELECT 'not_rated',
                   CASE WHEN r.n_rated < r.n_actions
                        THEN (r.n_actions - r.n_rated) || ' of ' || r.n_actions || ' actions have no rating' END
            UNION ALL
            SELECT 'delayed_but_achieved',
                   (SELECT 'action' || CASE WHEN count(*) > 1 THEN 's ' ELSE ' ' END
                           || string_agg(a.action_code, ', ' ORDER BY a.sort_order)
                    FROM core_actions a WHERE a.report_id = r.report_id AND a.delayed
                      AND a.rating_code = 'achieved'
                    HAVING count(*) > 0)
            UNION ALL
            SELECT 'no_actions', CASE WHEN r.n_actions = 0 THEN 'the loader read no actions from the report' END
        ) x
        WHERE x.detail IS NOT NULL
        ORDER BY r.party_name, r.meeting_number, r.report_id, x.check_code
        """,
        params,
    ).df().assign(check=lambda f: f["check_code"].map(ODD_CHECKS))


# ------------------------------------------------------------------------ cached wrappers


@st.cache_data(show_spinner=False, max_entries=64)
def cached_report_index(db: DbFile, filters: Filters) -> pd.DataFrame:
    return run(db, report_index, filters)


@st.cache_data(show_spinner=False, max_entries=8)
def cached_count_reports(db: DbFile) -> int:
    return run(db, count_reports)


@st.cache_data(show_spinner=False, max_entries=256)
def cached_report(db: DbFile, report_id: str) -> Report | None:
    return run(db, report, report_id)


@st.cache_data(show_spinner=False, max_entries=256)
def cached_synopsis(db: DbFile, report_id: str) -> pd.DataFrame:
    return run(db, synopsis, report_id)


@st.cache_data(show_spinner=False, max_entries=256)
def cached_actions(db: DbFile, report_id: str, filters: Filters) -> pd.DataFrame:
    return run(db, actions, report_id, Filters(pillars=filters.pillars))


@st.cache_data(show_spinner=False, max_entries=256)
def cached_notes(db: DbFile, report_id: str) -> pd.DataFrame:
    return run(db, notes, report_id)


@st.cache_data(show_spinner=False, max_entries=256)
def cached_facts(db: DbFile, report_id: str) -> pd.DataFrame:
    return run(db, facts, report_id)


@st.cache_data(show_spinner=False, max_entries=256)
def cached_report_issues(db: DbFile, report_id: str) -> pd.DataFrame:
    return run(db, report_issues, report_id)


_cached_digest = st.cache_data(show_spinner=False, max_entries=64)(file_digest)


def source_file(rep: Report) -> SourceFile:
    """The report's file on disk, its digest cached by path, modification time and size."""
    return locate_source(rep.file_path, rep.file_sha256, digest=_cached_digest)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_quality_issues(db: DbFile, filters: Filters, codes: tuple[str, ...],
                          severities: tuple[str, ...]) -> pd.DataFrame:
    return run(db, quality_issues, filters, codes, severities)


@st.cache_data(show_spinner=False, max_entries=8)
def cached_issue_codes(db: DbFile) -> pd.DataFrame:
    return run(db, issue_codes)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_odd_reports(db: DbFile, filters: Filters) -> pd.DataFrame:
    return run(db, odd_reports, filters)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_report_coverage(db: DbFile, filters: Filters) -> pd.DataFrame:
    return run(db, report_coverage, filters)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_unread_text(db: DbFile, report_id: str) -> pd.DataFrame:
    return run(db, unread_text, report_id)
