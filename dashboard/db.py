"""The database the dashboard reads: where it is, and one cached read-only connection.

Only ``loaders`` writes the database. A rebuild writes a new file and renames it over
the old one, so connections are keyed by the file's path and modification time: the
next rerun after a rebuild opens the new file.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import NamedTuple

import duckdb
import streamlit as st

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


def code(text: object) -> str:
    """``text`` as a Markdown code span, so Streamlit shows it literally."""
    text = str(text)
    longest, run = 0, 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


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
