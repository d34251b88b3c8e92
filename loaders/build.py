"""Rebuild the database from data/: reference tables, then every report file (data/raw,
data/demo, then the editors' uploads, which win), then the corrections of corrections.csv.

The new database is written beside the old one, under the writer lock, and swapped in at
the end, so a running dashboard is never left with a half-built file. Files are read in
the sandboxed child process (loaders.sandbox). The history of replaced reports is carried
over from the old database, with a row for each report the build replaced or dropped, and
so is the audit log (loaders.audit). A correction that no longer applies is listed in the
result (and on the Data quality page), never dropped.
"""

from __future__ import annotations

import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from loaders import audit, corrections, side_files
from loaders.corrections import corrections_path
from loaders.database import SCHEMA_VERSION, utc_now
from loaders.editing import upload_files, uploads_dir
from loaders.errors import BadInputError, OlderReportError, SideFileError
from loaders.history import HISTORY_COLUMNS
from loaders.lock import WaitCallback, default_who
from loaders.models import RawReport, Report
from loaders.progress import Progress
from loaders.reference import DATA_DIR, DEMO_PARTIES_FILE, side_parties
from loaders.sandbox import ParseWorker
from loaders.store import insert_party, insert_rows, load_reference, store_new_reports, store_report, transaction
from loaders.writing import writable_copy

REPORT_DIRS = ("raw", "demo")


@dataclass
class BuildResult:
    """What a build did."""

    db: Path
    files: int = 0
    reports: int = 0
    rating_rows: int = 0  # rows of demo Secretariat assessments (secretariat_ratings.csv)
    errors: list[BadInputError] = field(default_factory=list)
    skipped: list[OlderReportError] = field(default_factory=list)  # older versions of a report another file holds
    history_rows: int = 0  # reports this build replaced or dropped, added to core_report_history
    corrections_applied: int = 0
    corrections_not_applied: list[str] = field(default_factory=list)  # one line each: where and why
    seconds_by_format: dict[str, list[float]] = field(default_factory=dict)  # per loaded file, for benchmarks

    def summary(self) -> str:
        """One line for the terminal."""
        failed = f", {len(self.errors)} failed" if self.errors else ""
        ratings = f", {self.rating_rows} demo Secretariat rating rows" if self.rating_rows else ""
        skipped = f", {len(self.skipped)} older versions skipped" if self.skipped else ""
        fixed = (f", {self.corrections_applied} of {self.corrections_applied + len(self.corrections_not_applied)} "
                 "corrections applied") if self.corrections_applied or self.corrections_not_applied else ""
        return f"built {self.db}: {self.reports} reports from {self.files} files{ratings}{skipped}{fixed}{failed}"


def report_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """Report files under data/raw and data/demo, sorted (READMEs, dotfiles and side files skipped)."""
    files: list[Path] = []
    for name in REPORT_DIRS:
        folder = data_dir / name
        if folder.is_dir():
            files += [
                p for p in folder.rglob("*")
                if p.is_file() and not p.name.startswith((".", "README")) and not side_files.is_side_file(p)
            ]
    return sorted(files)


def found_side_files(data_dir: Path, name: str) -> list[Path]:
    """Every file called ``name`` (a side file) under data/raw and data/demo, sorted."""
    return sorted(p for d in REPORT_DIRS if (data_dir / d).is_dir() for p in (data_dir / d).rglob(name) if p.is_file())


def build(
    db: Path, *, max_bytes: int | None = None, data_dir: Path = DATA_DIR, wait: float | None = None,
    who: str | None = None, on_wait: WaitCallback | None = None,
) -> BuildResult:
    """Build a fresh database at ``db`` from the files under ``data_dir``.

    Two files of one Party and meeting: the one with the later reporting period is kept
    (the other is listed in ``skipped``), or the later file name when the periods are equal.
    """
    result = BuildResult(db=db)
    who = who or default_who()
    with ParseWorker() as worker, writable_copy(db, fresh=True, who=who, what="build", wait=wait,
                                                on_wait=on_wait) as copy:
        con = copy.con  # listed with the lock held: a write a killed writer left half done is settled by now
        files, uploaded = report_files(data_dir), upload_files(uploads_dir(data_dir))
        result.files = len(files) + len(uploaded)
        progress = Progress(result.files)
        load_reference(con)
        _load_side_parties(con, data_dir, result)
        batch = _Batch(con, who, result)
        started = time.perf_counter()
        for path, parsed in worker.read_many([*files, *uploaded], max_bytes=max_bytes):
            if isinstance(parsed, BadInputError):
                result.errors.append(parsed)
            else:
                # uploads come last and win: an editor loaded them over what data/raw holds
                batch.add(path, *parsed, replace_newer=path in uploaded)
                # per file, for benchmarks: reading (in the child, alongside the storing) and storing
                result.seconds_by_format.setdefault(parsed.raw.source.format, []).append(
                    time.perf_counter() - started)
            started = time.perf_counter()
            progress.step(path.name)
        batch.flush()
        _load_secretariat_ratings(con, data_dir, result)
        _apply_corrections(con, data_dir, result)
        result.history_rows = _carry_history(con, db, who)
        audit.record(con, editor=who, action="rebuilt", via="build", detail=result.summary())
    progress.close()
    return result


BATCH = 100  # reports stored together: one INSERT per table for all of them


class _Batch:
    """New reports stored together, in one transaction and one INSERT per table (a fresh
    database needs no DELETE and no check per report). A report already stored or waiting
    (two files of one report) is stored on its own by `store_report`, which keeps the
    newer; if a batch fails, each of its reports is stored on its own, naming the file."""

    def __init__(self, con: duckdb.DuckDBPyConnection, who: str, result: BuildResult) -> None:
        self.con, self.who, self.result = con, who, result
        self.waiting: dict[str, tuple[RawReport, Report]] = {}
        self.stored: set[str] = set()

    def add(self, path: Path, raw: RawReport, report: Report, *, replace_newer: bool) -> None:
        rid = report.report_id
        if rid in self.waiting or rid in self.stored:
            self.flush()
            self._one(raw, report, replace_newer=replace_newer)
            return
        self.waiting[rid] = (raw, report)
        if len(self.waiting) >= BATCH:
            self.flush()

    def flush(self) -> None:
        items, self.waiting = list(self.waiting.values()), {}
        if not items:
            return
        try:
            store_new_reports(self.con, items)
        except duckdb.Error:
            for raw, report in items:  # the same rows, one report at a time: the failing file is named
                self._one(raw, report, replace_newer=False)
            return
        self.stored.update(report.report_id for _, report in items)
        self.result.reports += len(items)

    def _one(self, raw: RawReport, report: Report, *, replace_newer: bool) -> None:
        try:
            outcome = store_report(self.con, raw, report, who=self.who, keep_history=False,
                                   replace_newer=replace_newer)
        except OlderReportError as e:
            self.result.skipped.append(e)
        except BadInputError as e:
            self.result.errors.append(e)
        else:
            if report.report_id not in self.stored and outcome != "unchanged":
                self.result.reports += 1
            self.stored.add(report.report_id)


def _apply_corrections(con: duckdb.DuckDBPyConnection, data_dir: Path, result: BuildResult) -> None:
    """Apply corrections.csv again; the ones that no longer apply are listed, not dropped."""
    path = corrections_path(data_dir)
    try:
        counts = corrections.apply(con, corrections.read_corrections(path))
    except SideFileError as e:
        result.errors.append(e)
        return
    result.corrections_applied = counts.pop("applied", 0)
    result.corrections_not_applied = [
        f"{path}: line {line}: {report_id} action {action}: {status.replace('_', ' ')}: {message}"
        for line, report_id, action, status, message in con.execute(
            "SELECT line_number, report_id, action_code, status, status_message FROM core_corrections "
            "WHERE status <> 'applied' ORDER BY line_number").fetchall()]


def _carry_history(con: duckdb.DuckDBPyConnection, db: Path, who: str) -> int:
    """Copy core_report_history from the database being replaced and add a row for each of
    its reports this build replaced (another file) or dropped (no file under data/ any more).

    An old database that cannot be read (damaged, another schema version) has no history to
    give: the build replaces it all the same. Returns the number of rows added.
    """
    if not db.is_file():
        return 0
    quoted = str(db).replace("'", "''")
    try:
        con.execute(f"ATTACH '{quoted}' AS previous (READ_ONLY)")
    except duckdb.Error:
        return 0
    try:
        version = con.execute("SELECT max(schema_version) FROM previous.core_schema_info").fetchall()[0][0]
        if version != SCHEMA_VERSION:
            return 0
        columns = ", ".join(HISTORY_COLUMNS)
        with transaction(con):
            con.execute(f"INSERT INTO core_report_history ({columns}) SELECT {columns} "
                        "FROM previous.core_report_history")
            con.execute(f"INSERT INTO core_audit_log ({', '.join(audit.COLUMNS)}) "
                        f"SELECT {', '.join(audit.COLUMNS)} FROM previous.core_audit_log")
            added = con.execute(
                f"INSERT INTO core_report_history ({columns}) "
                "SELECT p.report_id, p.file_sha256, p.source_file, p.source_path, p.loaded_at, ?, ?, "
                "CASE WHEN n.report_id IS NULL THEN 'build: no file under data/ holds this report any more' "
                "ELSE 'build: another file under data/ holds this report' END, n.file_sha256, n.source_file "
                "FROM previous.core_reports p LEFT JOIN core_reports n USING (report_id) "
                "WHERE n.report_id IS NULL OR n.file_sha256 <> p.file_sha256",
                [utc_now(), who]).fetchall()[0][0]
        return int(added)
    except duckdb.Error:
        return 0
    finally:
        with suppress(duckdb.Error):
            con.execute("DETACH previous")


def _load_side_parties(con: duckdb.DuckDBPyConnection, data_dir: Path, result: BuildResult) -> None:
    """Add the fictional Parties of every demo_parties.csv to core_parties."""
    for path in found_side_files(data_dir, DEMO_PARTIES_FILE):
        try:
            parties = {p.iso3: p for p in side_parties(path.parent).values()}
        except SideFileError as e:
            result.errors.append(e)
            continue
        with transaction(con):
            for party in parties.values():
                insert_party(con, party)


def _load_secretariat_ratings(con: duckdb.DuckDBPyConnection, data_dir: Path, result: BuildResult) -> None:
    """Load every secretariat_ratings.csv into core_rating_summaries, one transaction per file."""
    demo = {code for (code,) in con.execute("SELECT party_iso3 FROM core_parties WHERE is_demo").fetchall()}
    for path in found_side_files(data_dir, side_files.SECRETARIAT_FILE):
        try:
            rows = side_files.secretariat_rows(path, demo)
            with transaction(con):
                insert_rows(con, "core_rating_summaries", side_files.RATING_COLUMNS, rows)
        except SideFileError as e:
            result.errors.append(e)
        except duckdb.ConstraintException as e:
            result.errors.append(SideFileError(path, "the database refuses a row (a figure given twice, or a meeting "
                                                     f"or rating scale it does not know): {str(e).splitlines()[0]}"))
        else:
            result.rating_rows += len(rows)
