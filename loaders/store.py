"""Reports -> DuckDB: idempotent schema, reference tables, one transaction per file.

A report is keyed by Party and meeting: loading a new version of the same report
replaces the old rows; loading a file already stored by the same loader version is a
no-op. Rows are inserted column-wise through Arrow, which keeps large builds fast.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal

import duckdb
import pyarrow as pa

from loaders.errors import LoaderError
from loaders.models import Party, RawParagraph, RawReport, RawTable, Report
from loaders.reference import DATA_DIR, PROJECT_ROOT, REFERENCE_DIR, read_csv

SCHEMA_PATH = DATA_DIR / "schema.sql"
DEFAULT_DB = DATA_DIR / "niap.duckdb"

StoreOutcome = Literal["loaded", "replaced", "unchanged"]

# Tables holding one report's rows, deleted and rewritten together.
REPORT_TABLES = (
    "core_synopsis", "core_actions", "core_notes", "core_delay_causes", "core_funding",
    "core_timing", "core_quality_issues", "core_unread_text", "core_reports",
)


class DatabaseBusyError(LoaderError):
    """Another process holds the database file open for writing."""


def default_db_path() -> Path:
    """``$NIAP_DB`` or data/niap.duckdb."""
    return Path(os.environ.get("NIAP_DB") or DEFAULT_DB)


@cache
def loader_version() -> str:
    """Fingerprint of the loader code and reference data: a change re-loads every file."""
    digest = hashlib.sha256()
    files = sorted(Path(__file__).parent.rglob("*.py")) + sorted(REFERENCE_DIR.iterdir())
    for path in [*files, SCHEMA_PATH]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and replace the views (safe to run on every connection)."""
    con.execute(SCHEMA_PATH.read_text(encoding="utf-8"))


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection with the schema applied."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path))
    except duckdb.IOException as e:
        raise DatabaseBusyError(
            f"{path}: the database is in use by another process; stop it and try again"
        ) from e
    ensure_schema(con)
    return con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """BEGIN ... COMMIT, or ROLLBACK on any error so nothing partial is written."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def insert_rows(
    con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert rows (tuples in ``columns`` order) in one statement."""
    if not rows:
        return
    data = pa.table({name: pa.array([r[i] for r in rows]) for i, name in enumerate(columns)})
    con.register("_rows", data)
    try:
        names = ", ".join(columns)
        con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM _rows")
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


def load_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the code tables and reference facts from data/reference/ in one transaction."""
    tables = {
        "core_codes_ratings": (
            "ratings.csv",
            ("rating_code", "sort_order", "label", "in_2014_scale", "in_2017_scale", "colour",
             "description"),
            ("in_2014_scale", "in_2017_scale"),
        ),
        "core_codes_quality_issues": (
            "quality_issue_codes.csv", ("issue_code", "severity", "label", "description"), ()),
        "core_codes_pillars": ("pillars.csv", ("pillar_code", "sort_order", "label"), ()),
        "core_parties": ("parties.csv", ("party_iso3", "party_name", "is_demo", "source"),
                         ("is_demo",)),
        "core_party_categories": (
            "party_categories.csv", ("party_iso3", "category", "from_meeting", "source", "note"), ()),
        "core_rating_summaries": (
            "rating_summaries.csv",
            ("party_iso3", "meeting", "assessor", "rating_scale", "rating", "share_pct",
             "action_count", "n_actions", "source_document", "note"),
            (),
        ),
    }
    renames = {"meeting": "meeting_code", "rating": "rating_code"}
    with transaction(con):
        for table, (csv_name, columns, booleans) in tables.items():
            con.execute(f"DELETE FROM {table}")
            rows = _csv_rows(csv_name, columns, booleans)
            insert_rows(con, table, [renames.get(c, c) for c in columns], rows)
        con.execute("DELETE FROM core_meetings")
        insert_rows(
            con, "core_meetings",
            ("meeting_code", "kind", "number", "city", "country", "start_date", "end_date",
             "niap_document", "note"),
            _csv_rows("meetings.csv", ("code", "kind", "number", "city", "country", "start_date",
                                       "end_date", "niap_document", "note")),
        )


# --- reports -------------------------------------------------------------------------


def _display_path(path: str) -> str:
    resolved = Path(path).resolve()
    try:
        return str(resolved.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def store_report(con: duckdb.DuckDBPyConnection, raw: RawReport, report: Report) -> StoreOutcome:
    """Write one report in one transaction; replace an older version of it."""
    report_id = report.report_id
    existing = con.execute(
        "SELECT file_sha256, loader_version FROM core_reports WHERE report_id = ?", [report_id]
    ).fetchall()
    if existing and existing[0] == (report.source.sha256, loader_version()):
        return "unchanged"
    with transaction(con):
        for table in REPORT_TABLES:
            con.execute(f"DELETE FROM {table} WHERE report_id = ?", [report_id])
        _delete_orphan_files(con)
        insert_party(con, report.party)
        _insert_raw(con, raw)
        _insert_report(con, report)
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
          raw.source.size_bytes, _now())],
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


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _insert_report(con: duckdb.DuckDBPyConnection, report: Report) -> None:
    rid = report.report_id
    insert_rows(
        con, "core_reports",
        ("report_id", "party_iso3", "meeting_code", "period_start", "period_end", "language",
         "rating_scale", "title", "prepared_by", "n_actions", "file_sha256", "source_file",
         "source_path", "format", "is_demo", "loader_version", "loaded_at", "text_chars", "used_chars",
         "coverage"),
        [(rid, report.party.iso3, report.meeting.code, report.period.start, report.period.end,
          report.language, report.rating_scale, report.title, report.prepared_by,
          len(report.actions), report.source.sha256, report.source.file,
          _display_path(report.source.path), report.source.format, report.is_demo,
          loader_version(), _now(), report.coverage.total_chars, report.coverage.used_chars,
          report.coverage.share)],
    )
    insert_rows(con, "core_unread_text", ("report_id", "item_index", "location", "text"),
                [(rid, i, u.where, u.text) for i, u in enumerate(report.coverage.unread)])
    insert_rows(con, "core_synopsis", ("report_id", "paragraph_index", "heading", "text"),
                [(rid, i, p.heading, p.text) for i, p in enumerate(report.synopsis)])
    actions, notes, causes, funding, timing = [], [], [], [], []
    for order, a in enumerate(report.actions):
        actions.append((rid, a.code, order, a.pillar.number, a.pillar.name, a.pillar.standard,
                        a.title, a.is_priority, a.rating, a.rating_labels.get("summary_table"),
                        a.rating_labels.get("detailed"), a.rating_source, a.delayed, a.timing_value("planned_start"),
                        a.timing_value("expected_completion"), a.provenance))
        notes += [(rid, a.code, i, n.text, n.is_comment, n.provenance) for i, n in enumerate(a.notes)]
        causes += [(rid, a.code, i, c.cause, c.evidence.where, c.evidence.sentence,
                    c.evidence.matched) for i, c in enumerate(a.delay_causes)]
        funding += [(rid, a.code, i, f.status, f.evidence.where, f.evidence.sentence,
                     f.evidence.matched) for i, f in enumerate(a.funding)]
        timing += [(rid, a.code, i, t.kind, t.value, t.window_start, t.window_end,
                    t.evidence.where, t.evidence.sentence, t.evidence.matched)
                   for i, t in enumerate(a.timing)]
    insert_rows(con, "core_actions",
                ("report_id", "action_code", "sort_order", "pillar_number", "pillar_name",
                 "pillar_code", "title", "is_priority", "rating_code", "rating_label_summary",
                 "rating_label_detailed", "rating_source", "delayed", "planned_start", "expected_completion",
                 "provenance"), actions)
    insert_rows(con, "core_notes",
                ("report_id", "action_code", "note_index", "text", "is_comment", "provenance"),
                notes)
    fact = ("report_id", "action_code", "fact_index")
    evidence = ("found_in", "evidence", "matched")
    insert_rows(con, "core_delay_causes", (*fact, "cause", *evidence), causes)
    insert_rows(con, "core_funding", (*fact, "status", *evidence), funding)
    insert_rows(con, "core_timing",
                (*fact, "kind", "value", "window_start", "window_end", *evidence), timing)
    insert_rows(con, "core_quality_issues",
                ("report_id", "issue_index", "issue_code", "action_code", "message", "evidence"),
                [(rid, i, q.code, q.action, q.message, q.evidence)
                 for i, q in enumerate(report.quality_issues)])


# --- whole-file operations -----------------------------------------------------------


@contextmanager
def writable_copy(path: Path, *, fresh: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Write to a copy of the database (or, ``fresh``, a new file) and swap it in at the end.

    The dashboard keeps the database open read-only; writing a copy and renaming it over
    the original never disturbs it (readers keep the old file until they reopen), and a
    failure leaves the original as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.unlink(missing_ok=True)
    if path.exists() and not fresh:
        shutil.copyfile(path, temp)
    try:
        con = connect(temp)
        try:
            yield con
            con.execute("CHECKPOINT")
        finally:
            con.close()
        temp.replace(path)
    finally:
        for leftover in (temp, temp.with_name(temp.name + ".wal")):
            leftover.unlink(missing_ok=True)
