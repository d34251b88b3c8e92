"""One writer at a time: an OS-level lock file beside the database.

Every write of a database file (``load``, ``build``, and the app's uploads and corrections)
runs inside `writer(db)`: an exclusive ``flock`` on ``.NAME.lock`` beside the database
(through filelock). The kernel drops the lock when its process ends, even on ``kill -9``,
so a writer that crashed never blocks the next one. While it holds the lock, a writer
records in the lock file who it is, so a writer that waits can say whom it waits for.

Readers never take the lock: a writer writes a copy of the database and renames it over
the file (`loaders.writing.writable_copy`), so a reader opens the old file or the new one,
never half of either.
"""

from __future__ import annotations

import errno
import getpass
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from loaders.errors import DatabaseBusyError, EnvironmentProblem

DEFAULT_WAIT_SECONDS = 60.0
WAIT_ENV = "NIAP_LOCK_WAIT_SECONDS"
EDITOR_ENV = "NIAP_EDITOR"
_POLL = 0.2  # seconds between two attempts to take the lock

# One lock per database path and process: flock already keeps two processes apart; this keeps
# two threads of one process (two sessions of the app saving at once) apart too.
_THREAD_LOCKS: dict[str, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


def wait_seconds_from_env() -> float:
    """How long a writer waits for another one: ``$NIAP_LOCK_WAIT_SECONDS``, 60 by default."""
    raw = os.environ.get(WAIT_ENV, "")
    try:
        return max(float(raw), 0.0) if raw else DEFAULT_WAIT_SECONDS
    except ValueError:
        return DEFAULT_WAIT_SECONDS


def default_who() -> str:
    """Who is writing: ``$NIAP_EDITOR``, else user@host."""
    editor = os.environ.get(EDITOR_ENV, "").strip()
    if editor:
        return editor
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # a container user without a passwd entry
        user = f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"
    return f"{user}@{socket.gethostname()}"


def lock_path(db: Path) -> Path:
    """The lock file of a database: ``.NAME.lock`` in the database's folder."""
    return db.with_name(f".{db.name}.lock")


@dataclass(frozen=True)
class Holder:
    """Who holds the lock: written into the lock file by the holder."""

    who: str
    pid: int
    host: str
    what: str
    since: str  # ISO 8601, UTC

    def describe(self) -> str:
        """'alice@host (pid 42, load) since 2025-11-30 07:31:02 UTC'."""
        since = self.since.replace("T", " ")[:19] + " UTC" if self.since else "an unknown time"
        return f"{self.who} (pid {self.pid}, {self.what}) since {since}"

    def to_bytes(self) -> bytes:
        return json.dumps(self.__dict__).encode()


def current_holder(db: Path) -> Holder | None:
    """Who holds (or last held) the lock of ``db``, as it wrote in the lock file; None when unknown."""
    try:
        data = json.loads(lock_path(db).read_bytes()[:4096] or b"null")
        return Holder(str(data["who"]), int(data["pid"]), str(data["host"]), str(data["what"]), str(data["since"]))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def check_db_path(db: Path) -> None:
    """Refuse a database path a writer cannot use, with a message that says why (`EnvironmentProblem`)."""
    if db.is_dir():
        raise EnvironmentProblem(db, f"is a folder, not a database file; give a file path such as {db / 'niap.duckdb'}")
    if db.exists() and not db.is_file():
        raise EnvironmentProblem(db, "is not a regular file; give the path of a database file")
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise environment_problem(db, e, db.parent) from None
    if not db.parent.is_dir():
        raise EnvironmentProblem(db, f"{db.parent} is not a folder")


def check_writable(db: Path) -> None:
    """Before any work: the database path is a file path and its folder takes the lock file
    (`EnvironmentProblem` otherwise), so a load says at once what is wrong with ``--db``."""
    check_db_path(db)
    try:
        os.close(os.open(lock_path(db), os.O_RDWR | os.O_CREAT, 0o644))
    except OSError as e:
        raise environment_problem(db, e) from None


def environment_problem(db: Path, error: OSError, where: Path | None = None) -> EnvironmentProblem:
    """The one-line message of an OS error met while writing ``db`` (never naming a temporary copy)."""
    folder = where or db.parent
    if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return EnvironmentProblem(db, "the disk is full (no space left to write the database); free some space "
                                      "and try again; the database was not changed")
    if error.errno == errno.EROFS:
        return EnvironmentProblem(db, f"the folder {folder} is on a read-only file system; give --db a path "
                                      "where you can write")
    if error.errno in (errno.EACCES, errno.EPERM):
        return EnvironmentProblem(db, f"permission denied: cannot write in {folder}; give --db a path where you "
                                      "can write, or change the folder's permissions")
    if error.errno == errno.ENOENT:
        return EnvironmentProblem(db, f"cannot create files in {folder}; give --db a path where you can write")
    if error.errno == errno.ENOTDIR:
        return EnvironmentProblem(db, "a part of the path is a file, not a folder")
    if error.errno == errno.EISDIR:
        return EnvironmentProblem(db, "is a folder, not a database file")
    return EnvironmentProblem(db, f"cannot write the database: {error.strerror or error}")


def _thread_lock(db: Path) -> threading.Lock:
    key = str(db.resolve())
    with _THREAD_LOCKS_GUARD:
        return _THREAD_LOCKS.setdefault(key, threading.Lock())


def _show_waiting(db: Path, holder: Holder | None, waited: float, limit: float) -> None:
    """The default progress while waiting: one line redrawn in place, on a terminal only (a
    script reading stderr gets no line but the final ``error:`` one, if it comes to that)."""
    if not sys.stderr.isatty():
        return
    who = holder.describe() if holder else "another writer"
    sys.stderr.write(f"\rwaiting for {db}: {who} is writing; {waited:.0f} s of {limit:.0f} s  ")
    sys.stderr.flush()


def _clear_waiting() -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\r" + " " * 120 + "\r")
        sys.stderr.flush()


WaitCallback = Callable[[Holder | None, float, float], None]


@contextmanager
def writer(
    db: Path, *, who: str | None = None, what: str = "write", wait: float | None = None,
    on_wait: WaitCallback | None = None,
) -> Iterator[Holder]:
    """Hold the database's writer lock for the block (the app uses it for uploads and corrections).

    A second writer waits up to ``wait`` seconds (default `wait_seconds_from_env`), calling
    ``on_wait(holder, waited, wait)`` about once a second (default: a line on a terminal),
    then raises `DatabaseBusyError` naming who holds the lock and since when. An unusable
    path (a folder, a read-only or unwritable folder) raises `EnvironmentProblem`.
    """
    db = Path(db)
    check_writable(db)  # a read-only or unwritable folder is said at once, not waited on
    limit = wait_seconds_from_env() if wait is None else max(wait, 0.0)
    held: list[Holder] = []

    def record(fd: int) -> None:  # with the lock just taken: say who holds it, since now
        held.append(Holder(who or default_who(), os.getpid(), socket.gethostname(), what,
                           datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")))
        os.ftruncate(fd, 0)
        os.pwrite(fd, held[-1].to_bytes(), 0)

    started = time.monotonic()
    deadline = started + limit
    shown = False
    notify = on_wait or (lambda holder, waited, total: _show_waiting(db, holder, waited, total))
    thread_lock = _thread_lock(db)
    if not (thread_lock.acquire(timeout=limit) if limit > 0 else thread_lock.acquire(blocking=False)):
        raise DatabaseBusyError(db, f"busy: {_holder_text(db)}; try again later")
    try:
        lock = FileLock(str(lock_path(db)), preserve_lock_file=True, on_acquired=record, fallback_to_soft=False)
        last_notice = 0.0
        while True:
            try:
                lock.acquire(timeout=0, blocking=False)
                break
            except Timeout:
                pass
            except OSError as e:
                raise environment_problem(db, e) from None
            now = time.monotonic()
            if now >= deadline:
                if shown:
                    _clear_waiting()
                raise DatabaseBusyError(db, f"busy: {_holder_text(db)}; try again later")
            if now - last_notice >= 1.0:
                notify(current_holder(db), now - started, limit)
                shown, last_notice = True, now
            time.sleep(min(_POLL, max(deadline - now, 0.01)))
        if shown and on_wait is None:
            _clear_waiting()
        try:
            yield held[-1]
        finally:
            lock.release()
    finally:
        thread_lock.release()


def _holder_text(db: Path) -> str:
    holder = current_holder(db)
    return f"held by {holder.describe()}" if holder else "held by another writer"
