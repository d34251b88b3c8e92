"""The database the dashboard reads: where it is, one cached read-only connection, and
the one cache of query results (`AppSource.ask`) and of the panels built from them
(`AppSource.draw`).

Only ``loaders`` writes the database. A rebuild writes a new file and renames it over
the old one, so connections and results are keyed by the file's path and modification
time: the next rerun after a rebuild opens the new file.
"""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import duckdb
import streamlit as st

from dashboard.escape import code

T = TypeVar("T")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "data" / "niap.duckdb"
BUILD_COMMANDS = "`make run` (sets everything up and starts the app) or `python -m loaders build`"


class DbFile(NamedTuple):
    """One version of the database file: the cache key of connections and queries."""

    path: str
    mtime_ns: int


def db_path() -> Path:
    """``$NIAP_DB`` or data/niap.duckdb in the project."""
    return Path(os.environ.get("NIAP_DB") or DEFAULT_DB)


def current_db() -> DbFile:
    """The database file to read; stops the page with instructions when it is missing."""
    path = db_path().resolve()
    try:
        stat = path.stat()
    except FileNotFoundError:
        st.error(
            f"No database at {code(path)}. Build it from the reports in data/ with "
            f"{BUILD_COMMANDS}, then reload this page.",
            icon=":material/database:",
        )
        st.stop()
    return DbFile(str(path), stat.st_mtime_ns)


def _close(con: duckdb.DuckDBPyConnection) -> None:
    con.close()


@st.cache_resource(show_spinner=False, max_entries=4, on_release=_close)
def _open(path: str, mtime_ns: int) -> duckdb.DuckDBPyConnection:
    del mtime_ns  # part of the cache key only
    return duckdb.connect(path, read_only=True)


# The version of each file the cached connection was opened on.
_opened: dict[str, DbFile] = {}
_opened_lock = threading.Lock()


def _forget_older_version(db: DbFile) -> None:
    # DuckDB shares one database instance per path within a process: connecting to a
    # rebuilt file while a connection to the old one is open hands back the OLD file's
    # data. So the old connection is closed (by _close) before the new one is opened.
    with _opened_lock:
        previous = _opened.get(db.path)
        if previous is not None and previous != db:
            _open.clear(*previous)
            _drawn.clear()  # the panels of the older file
        _opened[db.path] = db


def connection(db: DbFile) -> duckdb.DuckDBPyConnection:
    """The shared read-only connection to ``db``; take a ``.cursor()`` per query."""
    _forget_older_version(db)
    try:
        return _open(db.path, db.mtime_ns)
    except duckdb.Error as e:
        st.error(
            f"Could not open the database {code(db.path)}: {code(e)}. If a loader is "
            f"writing to it, wait for it to finish; otherwise rebuild it with {BUILD_COMMANDS}.",
            icon=":material/database:",
        )
        st.stop()


def run(db: DbFile, question: Callable[..., T], *args: Any) -> T:
    """``question(cursor, *args)`` on the shared read-only connection, uncached.

    A cursor per query: Streamlit runs sessions on several threads, and DuckDB wants one
    cursor per thread. The result is fetched in full before the cursor closes.
    """
    cursor = connection(db).cursor()
    try:
        return question(cursor, *args)
    except duckdb.CatalogException as e:
        st.error(
            f"The database {code(db.path)} lacks a view this page needs "
            f"({code(str(e).splitlines()[0])}); it was probably built by an older version "
            f"of the loaders. Rebuild it with {BUILD_COMMANDS}.",
            icon=":material/database:",
        )
        st.stop()
    finally:
        cursor.close()


@st.cache_data(show_spinner=False, max_entries=2048)
def _cached(db: DbFile, question: str, args: tuple) -> Any:
    module, name = question.split(":")
    return run(db, getattr(importlib.import_module(module), name), *args)


@st.cache_resource(show_spinner=False, max_entries=512)
def _drawn(db: DbFile, key: str, args: tuple, _panel: Callable[..., Any]) -> Any:
    del key  # the cache key: the panel's name (the function itself is not hashed)
    return _panel(AppSource(db), *args)


@dataclass(frozen=True)
class AppSource:
    """The app's `dashboard.queries.Source`: every question goes through one cache, keyed by
    the database file's version, the question and its arguments (hashable: str, tuples,
    the frozen `Filters`)."""

    db: DbFile

    def ask(self, question: Callable[..., T], *args: Any) -> T:
        return _cached(self.db, f"{question.__module__}:{question.__qualname__}", args)

    def draw(self, panel: Callable[..., T], *args: Any) -> T:
        """``panel(self, *args)`` (a dashboard.panels function: its chart, table and words),
        built once per database version and arguments and shared by every session: Plotly
        builds a figure far slower than the app shows it. Nothing may change a figure it
        gets from here (the exports work on a deep copy)."""
        return _drawn(self.db, f"{panel.__module__}:{panel.__qualname__}", args, panel)


def source() -> AppSource:
    """The source of this run's data (stops the page with instructions when the database is missing)."""
    return AppSource(current_db())
