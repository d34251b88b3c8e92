"""Rebuild the database from data/: reference tables, then every report file.

The new database is written beside the old one and swapped in at the end, so a running
dashboard is never left with a half-built file.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from loaders import side_files
from loaders.errors import BadInputError, SideFileError
from loaders.formats import read_raw
from loaders.pipeline import finish
from loaders.progress import Progress
from loaders.reference import DATA_DIR, DEMO_PARTIES_FILE, side_parties
from loaders.store import insert_party, insert_rows, load_reference, store_report, transaction, writable_copy

REPORT_DIRS = ("raw", "demo")


@dataclass
class BuildResult:
    """What a build did."""

    db: Path
    files: int = 0
    reports: int = 0
    rating_rows: int = 0  # rows of demo Secretariat assessments (secretariat_ratings.csv)
    errors: list[BadInputError] = field(default_factory=list)
    seconds_by_format: dict[str, list[float]] = field(default_factory=dict)  # per loaded file, for benchmarks

    def summary(self) -> str:
        """One line for the terminal."""
        failed = f", {len(self.errors)} failed" if self.errors else ""
        ratings = f", {self.rating_rows} demo Secretariat rating rows" if self.rating_rows else ""
        return f"built {self.db}: {self.reports} reports from {self.files} files{ratings}{failed}"


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


def build(db: Path, *, max_bytes: int | None = None, data_dir: Path = DATA_DIR) -> BuildResult:
    """Build a fresh database at ``db`` from the files under ``data_dir``."""
    result = BuildResult(db=db)
    files = report_files(data_dir)
    result.files = len(files)
    progress = Progress(len(files))
    with writable_copy(db, fresh=True) as con:
        load_reference(con)
        _load_side_parties(con, data_dir, result)
        for path in files:
            started = time.perf_counter()
            try:
                raw = read_raw(path, max_bytes=max_bytes)
                store_report(con, raw, finish(raw))
                result.reports += 1
                result.seconds_by_format.setdefault(raw.source.format, []).append(time.perf_counter() - started)
            except BadInputError as e:
                result.errors.append(e)
            progress.step(path.name)
        _load_secretariat_ratings(con, data_dir, result)
    progress.close()
    return result


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
