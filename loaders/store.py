"""Reports -> DuckDB: reference tables, one transaction per file (the schema: loaders.database).

A report is keyed by Party and meeting: loading a new version of the same report
replaces the old rows (the old version's file, hash and load time go to
core_report_history); loading a file already stored by the same loader version is a
no-op; a file whose reporting period is older than the stored report's is refused
unless the caller says to replace a newer report. Rows are inserted column-wise through
Arrow, which keeps large builds fast.

Foreign keys and DuckDB: a row cannot be deleted (nor its key columns updated) in a
transaction that deleted rows referring to it. So the code tables and reference facts
are upserted, never deleted, and a new version of a report updates its core_reports row
in place while its child rows are deleted and written again (docs/data-model.md).

The rows of a report (and how dates are stored): loaders.rows. A build writes many new
reports at once (`store_new_reports`: one INSERT per table, one transaction).

The date check and the history of replaced versions: loaders.history. Writing the file
(the writer lock, a copy renamed over the database): loaders.writing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import duckdb
import pyarrow as pa

from loaders.database import (
    SCHEMA_PATH,
    connect,  # noqa: F401  (tests and tools open a database through this module)
    transaction,
)
from loaders.errors import OlderReportError
from loaders.history import is_older, period_text, record_replacement, shown
from loaders.lock import default_who
from loaders.models import Meeting, Party, Period, RawReport, Report
from loaders.reference import DATA_DIR, PROJECT_ROOT, REFERENCE_DIR, read_csv
from loaders.rows import (
    MEETING_COLUMNS,
    PARTY_COLUMNS,
    TableRows,
    date_and_precision,  # noqa: F401  (tests and tools take it from here)
    meeting_row,
    party_row,
    report_rows,
)

DEFAULT_DB = DATA_DIR / "niap.duckdb"

StoreOutcome = Literal["loaded", "replaced", "unchanged"]

# Tables holding one report's rows besides core_reports, deleted and rewritten together.
REPORT_CHILD_TABLES = (
    "core_synopsis", "core_actions", "core_notes", "core_delay_causes", "core_funding",
    "core_timing", "core_quality_issues", "core_unread_text",
)


def default_db_path() -> Path:
    """``$NIAP_DB`` or data/niap.duckdb."""
    return Path(os.environ.get("NIAP_DB") or DEFAULT_DB)


# Under loaders/, what does not read reports: development tools, the command line, its progress bar,
# the writer lock and the child process that runs the readers (editing them changes no stored row).
NOT_READING_CODE = frozenset({"devtools", "cli.py", "__main__.py", "progress.py", "lock.py", "sandbox.py",
                              "sandbox_child.py", "writing.py", "journal.py", "audit.py", "editors.py",
                              "editing.py"})


def reading_code_files() -> list[Path]:
    """The modules that read reports: every loaders/**/*.py but those of `NOT_READING_CODE`."""
    package = Path(__file__).resolve().parent
    return sorted(p for p in package.rglob("*.py") if p.relative_to(package).parts[0] not in NOT_READING_CODE)


@cache
def loader_version() -> str:
    """Fingerprint of the code that reads reports and the reference data it reads: a change re-loads every file.

    Editing a development tool or the command line changes no stored row, so it is left out.
    """
    digest = hashlib.sha256()
    files = reading_code_files() + sorted(REFERENCE_DIR.iterdir())
    for path in [*files, SCHEMA_PATH]:
        digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def insert_rows(
    con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
    *, upsert_key: Sequence[str] = (), keep: Sequence[str] = (), ignore_existing: bool = False,
) -> None:
    """Insert rows (tuples in ``columns`` order) in one statement.

    With ``upsert_key``, a row whose key exists updates its other columns (but ``keep``)
    instead, in place: rows that refer to it keep their foreign keys valid. With
    ``ignore_existing``, a row whose key exists is left out.
    """
    if not rows:
        return
    data = pa.table({name: pa.array([r[i] for r in rows]) for i, name in enumerate(columns)})
    con.register("_rows", data)
    try:
        names = ", ".join(columns)
        conflict = ""
        if upsert_key:
            updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in (*upsert_key, *keep))
            conflict = f" ON CONFLICT ({', '.join(upsert_key)}) DO UPDATE SET {updates}"
        elif ignore_existing:
            conflict = " ON CONFLICT DO NOTHING"
        con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM _rows{conflict}")
    finally:
        with suppress(duckdb.Error):  # an aborted transaction refuses this too
            con.unregister("_rows")


# --- reference tables ----------------------------------------------------------------


def _csv_rows(name: str, columns: Sequence[str], booleans: Sequence[str] = ()) -> list[tuple]:
    out = []
    for row in read_csv(name):
        values = []
        for column in columns:
            value: Any = row.get(column, "")
            if column in booleans:
                value = value == "true"
            values.append(value if value != "" else None)
        out.append(tuple(values))
    return out


@dataclass(frozen=True, slots=True)
class ReferenceTable:
    """A table loaded from a CSV of data/reference/."""

    table: str
    csv_name: str
    columns: tuple[str, ...]  # CSV columns, renamed by _CSV_RENAMES to the table's
    key: tuple[str, ...] = ()  # rows refer to the table: upsert on this key; else delete and insert
    booleans: tuple[str, ...] = ()


_CSV_RENAMES = {"code": "meeting_code", "meeting": "meeting_code", "rating": "rating_code"}

# Parents before the tables that refer to them.
REFERENCE_TABLES = (
    ReferenceTable("core_codes_ratings", "ratings.csv",
                   ("rating_code", "sort_order", "label", "in_2014_scale", "in_2017_scale", "colour", "description"),
                   key=("rating_code",), booleans=("in_2014_scale", "in_2017_scale")),
    ReferenceTable("core_codes_quality_issues", "quality_issue_codes.csv",
                   ("issue_code", "severity", "label", "description"), key=("issue_code",)),
    ReferenceTable("core_codes_pillars", "pillars.csv", ("pillar_code", "sort_order", "label"), key=("pillar_code",)),
    ReferenceTable("core_codes_delay_causes", "delay_causes.csv",
                   ("cause", "sort_order", "label", "colour", "description"), key=("cause",)),
    ReferenceTable("core_parties", "parties.csv", ("party_iso3", "party_name", "is_demo", "source"),
                   key=("party_iso3",), booleans=("is_demo",)),
    ReferenceTable("core_meetings", "meetings.csv",
                   ("code", "kind", "number", "city", "country", "start_date", "end_date", "niap_document", "note"),
                   key=("meeting_code",)),
    ReferenceTable("core_rating_crosswalk", "rating_crosswalk.csv", ("rating_code", "crosswalk_code", "note")),
    ReferenceTable("core_party_categories", "party_categories.csv",
                   ("party_iso3", "category", "from_meeting", "source", "note")),
    ReferenceTable("core_rating_summaries", "rating_summaries.csv",
                   ("party_iso3", "meeting", "assessor", "rating_scale", "rating", "share_pct", "action_count",
                    "n_actions", "source_document", "note")),
)


def load_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Load the code tables and reference facts from data/reference/ in one transaction.

    Tables other rows refer to are upserted (DuckDB refuses to delete a referenced row), so
    a code removed from its CSV stays until the next build, which writes a fresh file;
    the others (crosswalk, categories, published summaries) are replaced.
    """
    with transaction(con):
        for ref in REFERENCE_TABLES:
            if not ref.key:
                con.execute(f"DELETE FROM {ref.table}")
            insert_rows(con, ref.table, [_CSV_RENAMES.get(c, c) for c in ref.columns],
                        _csv_rows(ref.csv_name, ref.columns, ref.booleans), upsert_key=ref.key)


# --- reports -------------------------------------------------------------------------


def store_report(
    con: duckdb.DuckDBPyConnection, raw: RawReport, report: Report, *,
    replace_newer: bool = False, who: str | None = None, reason: str | None = None, keep_history: bool = True,
) -> StoreOutcome:
    """Write one report in one transaction; replace an older version of it.

    The report's rows in the child tables are deleted and written again; its core_reports
    row, which they refer to, is updated in place (DuckDB would refuse to delete it). The
    version replaced is kept in core_report_history (``who`` replaced it, and why:
    ``reason``, or what this function knows). A file whose reporting period is older than
    the stored report's raises `OlderReportError` unless ``replace_newer``. A build, which
    replays the same files every time, passes ``keep_history=False`` (it records what it
    replaced itself, against the database it replaces).
    """
    report_id = report.report_id
    existing = con.execute(
        "SELECT file_sha256, loader_version, source_file, period_start, period_start_precision, period_end, "
        "period_end_precision FROM core_reports WHERE report_id = ?", [report_id]
    ).fetchall()
    if existing and existing[0][:2] == (report.source.sha256, loader_version()):
        return "unchanged"
    older = False
    if existing:
        sha, _, stored_file, start, start_precision, end, end_precision = existing[0]
        stored = Period(start=period_text(start, start_precision), end=period_text(end, end_precision))
        older = sha != report.source.sha256 and is_older(report.period, stored)
        if older and not replace_newer:
            raise OlderReportError(report.source.path, (
                f"its reporting period ({shown(report.period)}) is older than that of the {report_id} report "
                f"already stored ({shown(stored)}, from {stored_file}); load it with --replace-newer to replace "
                "the newer report"))
    with transaction(con):
        if keep_history and existing and existing[0][0] != report.source.sha256:
            default = ("an older reporting period replaced it (--replace-newer)" if older
                       else "a new version of the report (same or later reporting period)")
            record_replacement(con, report_id, who or default_who(), reason or default, report)
        for table in REPORT_CHILD_TABLES:
            con.execute(f"DELETE FROM {table} WHERE report_id = ?", [report_id])
        _delete_raw(con, raw.source.sha256)
        _write(con, report_rows(raw, report, loader_version()))
        _delete_orphan_files(con)  # the replaced version's file, now that core_reports points at the new one
    return "replaced" if existing else "loaded"


def store_new_reports(con: duckdb.DuckDBPyConnection, items: Sequence[tuple[RawReport, Report]]) -> None:
    """Store reports the database does not hold yet (distinct reports, distinct files) in one
    transaction, with one INSERT per table: how a build writes a fresh database. Any error
    rolls all of them back (the caller may then store them one by one, to name the file)."""
    tables: dict[str, TableRows] = {}
    for raw, report in items:
        for rows in report_rows(raw, report, loader_version()):
            if rows.table in tables:
                tables[rows.table].rows.extend(rows.rows)
            else:
                tables[rows.table] = TableRows(rows.table, rows.columns, list(rows.rows))
    with transaction(con):
        _write(con, list(tables.values()))


def _write(con: duckdb.DuckDBPyConnection, tables: Sequence[TableRows]) -> None:
    """One INSERT per table, parents first: Parties and meetings are added if missing, the
    core_reports row is inserted or updated in place (see `_upsert_report_row`'s reason)."""
    for t in tables:
        if t.table in ("core_parties", "core_meetings"):
            insert_rows(con, t.table, t.columns, list(dict.fromkeys(t.rows)), ignore_existing=True)
        elif t.table == "core_reports":
            insert_rows(con, t.table, t.columns, t.rows, upsert_key=("report_id",), keep=("party_iso3", "meeting_code"))
        else:
            insert_rows(con, t.table, t.columns, t.rows)


def insert_party(con: duckdb.DuckDBPyConnection, party: Party) -> None:
    """Add a Party to core_parties unless it is there already.

    Parties of parties.csv are loaded with the reference tables; this adds the fictional
    Parties a report found in a demo_parties.csv beside it (and keeps a report loaded into
    an empty database visible in the views, which join core_parties).
    """
    insert_rows(con, "core_parties", PARTY_COLUMNS, [party_row(party)], ignore_existing=True)


def insert_meeting(con: duckdb.DuckDBPyConnection, meeting: Meeting) -> None:
    """Add a meeting missing from meetings.csv to core_meetings, with its code and number only.

    A report for a meeting the reference list does not have yet is stored all the same
    (core_reports refers to core_meetings), and shows in out_meetings without a date.
    """
    insert_rows(con, "core_meetings", MEETING_COLUMNS, [meeting_row(meeting)], ignore_existing=True)


def _delete_orphan_files(con: duckdb.DuckDBPyConnection) -> None:
    for table in ("raw_table_cells", "raw_paragraphs", "raw_files"):
        con.execute(
            f"DELETE FROM {table} WHERE file_sha256 NOT IN (SELECT file_sha256 FROM core_reports)"
        )


def _delete_raw(con: duckdb.DuckDBPyConnection, sha: str) -> None:
    """The raw rows of a file stored before (by an older loader version), written again."""
    for table in ("raw_table_cells", "raw_paragraphs", "raw_files"):
        con.execute(f"DELETE FROM {table} WHERE file_sha256 = ?", [sha])


