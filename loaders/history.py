"""Replacing a stored report: which of two versions is newer, and the history of replaced ones.

A report is one per Party and meeting. A file whose reporting period is older than the
stored report's is refused unless the caller says otherwise (loaders.store.store_report);
the version a file replaces is kept in core_report_history (out_report_history).
"""

from __future__ import annotations

from datetime import date

import duckdb

from loaders.database import utc_now
from loaders.models import Period, Report


def period_text(value: date | None, precision: str | None) -> str | None:
    """A stored date back as the model's 'YYYY-MM' or 'YYYY'."""
    if value is None:
        return None
    return f"{value.year:04d}" if precision == "year" else f"{value.year:04d}-{value.month:02d}"


def compare(new: str | None, stored: str | None) -> int:
    """-1, 0 or 1: ``new`` before, as, or after ``stored``; 0 when either is unknown. A year
    alone is compared with the year of the other ('2015' is not before '2015-09')."""
    if new is None or stored is None:
        return 0
    if len(new) == 4 or len(stored) == 4:
        new, stored = new[:4], stored[:4]
    return (new > stored) - (new < stored)


def is_older(new: Period, stored: Period) -> bool:
    """Whether reporting period ``new`` is older than ``stored``: by its end, then by its start."""
    by_end = compare(new.end, stored.end)
    return by_end < 0 if by_end else compare(new.start, stored.start) < 0


def shown(period: Period) -> str:
    """A period for a message: '2014-11 to 2015-09'."""
    return f"{period.start or '?'} to {period.end or '?'}"


HISTORY_COLUMNS = ("report_id", "file_sha256", "source_file", "source_path", "loaded_at", "replaced_at",
                   "replaced_by", "reason", "new_file_sha256", "new_source_file")


def record_replacement(con: duckdb.DuckDBPyConnection, report_id: str, who: str, reason: str,
                       new: Report | None) -> None:
    """Keep the stored version of a report in core_report_history before it is replaced (or dropped)."""
    con.execute(
        f"INSERT INTO core_report_history ({', '.join(HISTORY_COLUMNS)}) "
        "SELECT report_id, file_sha256, source_file, source_path, loaded_at, ?, ?, ?, ?, ? "
        "FROM core_reports WHERE report_id = ?",
        [utc_now(), who, reason, new.source.sha256 if new else None, new.source.file if new else None, report_id])
