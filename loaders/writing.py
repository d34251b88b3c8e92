"""Writing the database file: under the writer lock, on a copy renamed over the file.

`writable_copy` is how ``load``, ``build`` and the app write: it holds the lock of
loaders.lock, removes the copies killed writers left, copies the database (or starts a
new file), lets the caller write, and renames the copy over the database only when the
caller changed something. Readers (the dashboard opens the file read-only) see the old
file or the new one, never half of one. Problems of the file, its folder or the disk
become one-line `EnvironmentProblem` errors that name the user's file, never the copy.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import duckdb

from loaders import journal as journals
from loaders.database import check_schema_version, connect, is_damage, unusable_database
from loaders.errors import EnvironmentProblem
from loaders.lock import WaitCallback, check_writable, environment_problem, writer


def temp_path(db: Path) -> Path:
    """The private copy a writer works on: ``.NAME.PID.tmp`` beside the database."""
    return db.with_name(f".{db.name}.{os.getpid()}.tmp")


def stale_copies(db: Path) -> list[Path]:
    """Copies (and their WAL files) left beside ``db`` by writers that were killed."""
    pattern = re.compile(rf"^\.{re.escape(db.name)}\.\d+\.tmp(\.wal)?$")
    try:
        return sorted(p for p in db.parent.iterdir() if pattern.match(p.name))
    except OSError:
        return []


def remove_stale_copies(db: Path) -> None:
    """Remove the copies of killed writers. Called with the writer lock held: no other writer
    is working, so every such copy is stale (a crash or ``kill -9`` left it)."""
    for leftover in stale_copies(db):
        with suppress(FileNotFoundError):
            leftover.unlink()


@dataclass
class DatabaseCopy:
    """The copy a writer works on. Set ``changed`` when something was written: a copy that
    did not change is thrown away and the database file is left as it was (bytes and mtime)."""

    con: duckdb.DuckDBPyConnection
    path: Path  # the user's database file (name this one in messages, not the copy)
    changed: bool = False
    journal: journals.Journal | None = None

    def stage(self, event_id: str, files: Sequence[tuple[bytes, Path]], *,
              retire: Sequence[tuple[Path, Path]] = ()) -> None:
        """Files that go in place with this write, and only if it is committed (loaders.journal).
        The copy must hold ``event_id`` in core_audit_log; sets ``changed``."""
        if self.journal is not None:
            raise RuntimeError("one staged set of files per write")
        self.journal = journals.stage(self.path, event_id, files, retire=retire)
        self.changed = True


def _disk_full(error: BaseException) -> bool:
    text = str(error).lower()
    return "no space left" in text or "disk is full" in text or "disk quota" in text


def _fsync(path: Path, *, directory: bool = False) -> None:
    """Flush a file (or a folder's entries) to disk, so a rename survives a power cut."""
    with suppress(OSError):
        fd = os.open(path, os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextmanager
def writable_copy(
    path: Path, *, fresh: bool = False, who: str | None = None, what: str = "write",
    wait: float | None = None, on_wait: WaitCallback | None = None,
) -> Iterator[DatabaseCopy]:
    """Hold the writer lock, write a copy of the database (``fresh``: a new file) and rename
    it over the original at the end if something changed.

    The dashboard keeps the database open read-only; renaming a finished copy over the
    original never disturbs it (readers keep the old file until they reopen) and never shows
    half a write. A failure, an interruption or a write that changed nothing leaves the
    original as it was. Errors of the file, its folder or the disk raise `EnvironmentProblem`
    naming ``path``; another writer that keeps the lock past ``wait`` seconds,
    `DatabaseBusyError` (see `loaders.lock.writer`).
    """
    path = Path(path)
    with writer(path, who=who, what=what, wait=wait, on_wait=on_wait):
        remove_stale_copies(path)
        journals.recover(path)
        temp = temp_path(path)
        copy: DatabaseCopy | None = None
        committed = False
        try:
            try:
                if path.exists() and not fresh:
                    shutil.copyfile(path, temp)
                    shutil.copymode(path, temp)
            except OSError as e:
                raise environment_problem(path, e) from None
            con = _open_copy(temp, path)
            copy = DatabaseCopy(con=con, path=path, changed=fresh)
            try:
                try:
                    yield copy
                except duckdb.Error as e:
                    raise _database_problem(path, temp, e) from None
                if copy.changed:
                    try:
                        con.execute("CHECKPOINT")
                    except duckdb.Error as e:
                        raise _database_problem(path, temp, e) from None
            finally:
                con.close()
            if copy.changed:
                try:
                    _fsync(temp)
                    temp.replace(path)
                except OSError as e:
                    raise environment_problem(path, e) from None
                committed = True
                _fsync(path.parent, directory=True)
                if copy.journal is not None:
                    journals.finish(path, copy.journal)
        finally:
            if copy is not None and copy.journal is not None and not committed:
                journals.discard(path, copy.journal)
            for leftover in (temp, temp.with_name(temp.name + ".wal")):
                with suppress(OSError):
                    leftover.unlink()


def check_database(path: Path) -> None:
    """Before any work: ``path`` can be written (loaders.lock.check_writable) and, when it
    exists, opens as a DuckDB database of this schema version (`EnvironmentProblem` or
    `SchemaVersionError` otherwise). A load checks this before reading its files."""
    check_writable(path)
    if not path.exists():
        return
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as e:
        if is_damage(e):
            raise unusable_database(path, e) from None
        return  # another program holds it (DuckDB's own lock): the write says so, after waiting its turn
    try:
        check_schema_version(con, path)
    except duckdb.Error as e:
        if is_damage(e):
            raise unusable_database(path, e) from None
        raise
    finally:
        con.close()


def _open_copy(temp: Path, path: Path) -> duckdb.DuckDBPyConnection:
    try:
        return connect(temp, shown_as=path)
    except OSError as e:
        raise environment_problem(path, e) from None
    except duckdb.Error as e:
        raise _database_problem(path, temp, e) from None


def _database_problem(path: Path, temp: Path, error: duckdb.Error) -> Exception:
    """A DuckDB error met while writing the copy: the disk, a damaged file, or a bug (kept as it is)."""
    if _disk_full(error):
        return EnvironmentProblem(path, "the disk is full (no space left to write the database); free some space "
                                        "and try again; the database was not changed")
    if is_damage(error):
        return unusable_database(path, error)
    if isinstance(error, duckdb.IOException):
        detail = str(error).replace(str(temp), str(path)).splitlines()[0]
        return EnvironmentProblem(path, f"cannot write the database: {detail}")
    return error
