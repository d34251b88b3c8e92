"""Rebuild the database from data/: reference tables, then every report file.

The new database is written beside the old one and swapped in at the end, so a running
dashboard is never left with a half-built file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from loaders.errors import BadInputError
from loaders.formats import read_raw
from loaders.pipeline import finish
from loaders.progress import Progress
from loaders.reference import DATA_DIR
from loaders.store import load_reference, store_report, writable_copy

REPORT_DIRS = ("raw", "demo")


@dataclass
class BuildResult:
    """What a build did."""

    db: Path
    files: int = 0
    reports: int = 0
    errors: list[BadInputError] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the terminal."""
        failed = f", {len(self.errors)} failed" if self.errors else ""
        return f"built {self.db}: {self.reports} reports from {self.files} files{failed}"


def report_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """Report files under data/raw and data/demo, sorted (READMEs and dotfiles skipped)."""
    files: list[Path] = []
    for name in REPORT_DIRS:
        folder = data_dir / name
        if folder.is_dir():
            files += [
                p for p in folder.rglob("*")
                if p.is_file() and not p.name.startswith((".", "README"))
            ]
    return sorted(files)


def build(db: Path, *, max_bytes: int | None = None, data_dir: Path = DATA_DIR) -> BuildResult:
    """Build a fresh database at ``db`` from the files under ``data_dir``."""
    result = BuildResult(db=db)
    files = report_files(data_dir)
    result.files = len(files)
    progress = Progress(len(files))
    with writable_copy(db, fresh=True) as con:
        load_reference(con)
        for path in files:
            try:
                raw = read_raw(path, max_bytes=max_bytes)
                store_report(con, raw, finish(raw))
                result.reports += 1
            except BadInputError as e:
                result.errors.append(e)
            progress.step(path.name)
    progress.close()
    return result
