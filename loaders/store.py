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

Dates: the models carry 'YYYY-MM' or 'YYYY' strings; the database stores the first day
of that month or year (DATE) and a precision ('month' or 'year') beside it.

The date check and the history of replaced versions: loaders.history. Writing the file
(the writer lock, a copy renamed over the database): loaders.writing.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

import duckdb
import pyarrow as pa

from loaders.database import (
    SCHEMA_PATH,
    connect,  # noqa: F401  (tests and tools open a database through this module)
    transaction,
    utc_now,
)
from loaders.errors import OlderReportError
from loaders.history import is_older, period_text, record_replacement, shown
from loaders.lock import default_who
from loaders.models import Meeting, Party, Period, RawParagraph, RawReport, RawTable, Report
from loaders.reference import DATA_DIR, PROJECT_ROOT, REFERENCE_DIR, read_csv

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
                              "sandbox_child.py", "writing.py"})


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
    *, upsert_key: Sequence[str] = (), keep: Sequence[str] = (),
) -> None:
    """Insert rows (tuples in ``columns`` order) in one statement.

    With ``upsert_key``, a row whose key exists updates its other columns (but ``keep``)
    instead, in place: rows that refer to it keep their foreign keys valid.
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


def _display_path(path: str) -> str:
    resolved = Path(path).resolve()
    try:
        return str(resolved.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


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
        insert_party(con, report.party)
        insert_meeting(con, report.meeting)
        _upsert_report_row(con, report)
        _delete_orphan_files(con)
        _insert_raw(con, raw)
        _insert_report_rows(con, report)
    return "replaced" if existing else "loaded"


def insert_party(con: duckdb.DuckDBPyConnection, party: Party) -> None:
    """Add a Party to core_parties unless it is there already.

    Parties of parties.csv are loaded with the reference tables; this adds the fictional
    Parties a report found in a demo_parties.csv beside it (and keeps a report loaded into
    an empty database visible in the views, which join core_parties).
    """
    con.execute(
        "INSERT INTO core_parties (party_iso3, party_name, is_demo, source) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        [party.iso3, party.name, party.is_demo, party.source or "report"],
    )


def insert_meeting(con: duckdb.DuckDBPyConnection, meeting: Meeting) -> None:
    """Add a meeting missing from meetings.csv to core_meetings, with its code and number only.

    A report for a meeting the reference list does not have yet is stored all the same
    (core_reports refers to core_meetings), and shows in out_meetings without a date.
    """
    con.execute(
        "INSERT INTO core_meetings (meeting_code, kind, number, note) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [meeting.code, meeting.code.rstrip("0123456789"), meeting.number,
         "not in data/reference/meetings.csv: added when a report for it was loaded"],
    )


def _delete_orphan_files(con: duckdb.DuckDBPyConnection) -> None:
    for table in ("raw_table_cells", "raw_paragraphs", "raw_files"):
        con.execute(
            f"DELETE FROM {table} WHERE file_sha256 NOT IN (SELECT file_sha256 FROM core_reports)"
        )


def _insert_raw(con: duckdb.DuckDBPyConnection, raw: RawReport) -> None:
    sha = raw.source.sha256
    con.execute("DELETE FROM raw_table_cells WHERE file_sha256 = ?", [sha])
    con.execute("DELETE FROM raw_paragraphs WHERE file_sha256 = ?", [sha])
    con.execute("DELETE FROM raw_files WHERE file_sha256 = ?", [sha])
    insert_rows(
        con, "raw_files",
        ("file_sha256", "file_name", "file_path", "format", "size_bytes", "loaded_at"),
        [(sha, raw.source.file, _display_path(raw.source.path), raw.source.format,
          raw.source.size_bytes, utc_now())],
    )
    paragraphs, cells = [], []
    for i, block in enumerate(raw.blocks):
        if isinstance(block, RawParagraph):
            paragraphs.append((sha, i, block.page, block.heading, block.text))
        elif isinstance(block, RawTable):
            for row in block.rows:
                for j, cell in enumerate(row.cells):
                    cells.append((sha, block.index, row.index, j, row.page, cell.raw, cell.text))
    insert_rows(con, "raw_paragraphs",
                ("file_sha256", "block_index", "page", "is_heading", "text"), paragraphs)
    insert_rows(con, "raw_table_cells",
                ("file_sha256", "table_index", "row_index", "cell_index", "page", "raw", "text"),
                cells)


def date_and_precision(value: str | None) -> tuple[date | None, str | None]:
    """'YYYY-MM' -> (first day of the month, 'month'); 'YYYY' -> (1 January, 'year'); None -> (None, None)."""
    if value is None:
        return None, None
    year, _, month = value.partition("-")
    return date(int(year), int(month or 1), 1), "month" if month else "year"


def _upsert_report_row(con: duckdb.DuckDBPyConnection, report: Report) -> None:
    """Insert the core_reports row, or update the stored one in place.

    report_id is the Party and the meeting, so those two never change; they are kept as
    they are because DuckDB updates a foreign key column by deleting and inserting the row.
    """
    insert_rows(
        con, "core_reports",
        ("report_id", "party_iso3", "meeting_code", *_dated("period_start"), *_dated("period_end"), "language",
         "rating_scale", "title", "prepared_by", "n_actions", "file_sha256", "source_file", "source_path", "format",
         "is_demo", "loader_version", "loaded_at", "text_chars", "used_chars", "coverage"),
        [(report.report_id, report.party.iso3, report.meeting.code, *date_and_precision(report.period.start),
          *date_and_precision(report.period.end), report.language, report.rating_scale, report.title,
          report.prepared_by, len(report.actions), report.source.sha256, report.source.file,
          _display_path(report.source.path), report.source.format, report.is_demo,
          loader_version(), utc_now(), report.coverage.total_chars, report.coverage.used_chars,
          report.coverage.share)],
        upsert_key=("report_id",), keep=("party_iso3", "meeting_code"),
    )


def _dated(column: str) -> tuple[str, str]:
    """A date column and its precision column (the pair `date_and_precision` fills)."""
    return column, f"{column}_precision"


def _insert_report_rows(con: duckdb.DuckDBPyConnection, report: Report) -> None:
    """The report's rows in the child tables of core_reports."""
    rid = report.report_id
    insert_rows(con, "core_unread_text", ("report_id", "item_index", "location", "text"),
                [(rid, i, u.where, u.text) for i, u in enumerate(report.coverage.unread)])
    insert_rows(con, "core_synopsis", ("report_id", "paragraph_index", "heading", "text"),
                [(rid, i, p.heading, p.text) for i, p in enumerate(report.synopsis)])
    actions, notes, causes, funding, timing = [], [], [], [], []
    for order, a in enumerate(report.actions):
        actions.append((rid, a.code, order, a.pillar.number, a.pillar.name, a.pillar.standard,
                        a.title, a.is_priority, a.rating, a.rating_labels.get("summary_table"),
                        a.rating_labels.get("detailed"), a.rating_source, a.delayed,
                        *date_and_precision(a.timing_value("planned_start")),
                        *date_and_precision(a.timing_value("expected_completion")), a.provenance))
        notes += [(rid, a.code, i, n.text, n.is_comment, n.provenance) for i, n in enumerate(a.notes)]
        causes += [(rid, a.code, i, c.cause, c.evidence.where, c.evidence.sentence,
                    c.evidence.matched) for i, c in enumerate(a.delay_causes)]
        funding += [(rid, a.code, i, f.status, f.evidence.where, f.evidence.sentence,
                     f.evidence.matched) for i, f in enumerate(a.funding)]
        timing += [(rid, a.code, i, t.kind, *date_and_precision(t.value), *date_and_precision(t.window_start),
                    *date_and_precision(t.window_end), t.evidence.where, t.evidence.sentence, t.evidence.matched)
                   for i, t in enumerate(a.timing)]
    insert_rows(con, "core_actions",
                ("report_id", "action_code", "sort_order", "pillar_number", "pillar_name",
                 "pillar_code", "title", "is_priority", "rating_code", "rating_label_summary",
                 "rating_label_detailed", "rating_source", "delayed", *_dated("planned_start"),
                 *_dated("expected_completion"), "provenance"), actions)
    insert_rows(con, "core_notes",
                ("report_id", "action_code", "note_index", "text", "is_comment", "provenance"),
                notes)
    fact = ("report_id", "action_code", "fact_index")
    evidence = ("found_in", "evidence", "matched")
    insert_rows(con, "core_delay_causes", (*fact, "cause", *evidence), causes)
    insert_rows(con, "core_funding", (*fact, "status", *evidence), funding)
    insert_rows(con, "core_timing",
                (*fact, "kind", *_dated("value"), *_dated("window_start"), *_dated("window_end"), *evidence), timing)
    insert_rows(con, "core_quality_issues",
                ("report_id", "issue_index", "issue_code", "action_code", "message", "evidence"),
                [(rid, i, q.code, q.action, q.message, q.evidence)
                 for i, q in enumerate(report.quality_issues)])

