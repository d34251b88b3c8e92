"""Opening the database file: the schema applied, its version checked; transactions.

data/schema.sql is applied on every read-write connection (tables created if missing,
views and their comments replaced). A file written with another version of the tables is
refused rather than mixed: `SchemaVersionError` says to rebuild it, which always works
(``python -m loaders build`` writes a fresh file).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from loaders.datamodel import comment_statements
from loaders.errors import LoaderError
from loaders.reference import DATA_DIR

SCHEMA_PATH = DATA_DIR / "schema.sql"

# Version of the tables of data/schema.sql: raise it with any change to a table (views are
# replaced on every connection and need no bump). A database of another version is refused.
SCHEMA_VERSION = 2
REBUILD_HINT = "rebuild it with `python -m loaders build`"


class DatabaseBusyError(LoaderError):
    """Another process holds the database file open for writing."""


class SchemaVersionError(LoaderError):
    """The database was written with another schema version: it must be rebuilt, not mixed."""

    def __init__(self, where: object, found: int | None) -> None:
        written = f"schema version {found}" if found is not None else "a schema from before versions were recorded"
        super().__init__(f"{where}: the database was written with {written}, these loaders use schema version "
                         f"{SCHEMA_VERSION}; {REBUILD_HINT}")
        self.found = found


def utc_now() -> datetime:
    """Now, in UTC, as the naive TIMESTAMP the tables hold."""
    return datetime.now(UTC).replace(tzinfo=None)


def stored_schema_version(con: duckdb.DuckDBPyConnection) -> tuple[bool, int | None]:
    """Whether the database has tables at all, and the schema version it records (None: none).

    Works on a read-only connection (the dashboard can tell an outdated file apart).
    """
    tables = {name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()}
    if "core_schema_info" not in tables:
        return bool(tables), None
    return True, con.execute("SELECT max(schema_version) FROM core_schema_info").fetchall()[0][0]


def check_schema_version(con: duckdb.DuckDBPyConnection, where: object = "database") -> None:
    """Raise `SchemaVersionError` when the database holds tables of another schema version."""
    has_tables, found = stored_schema_version(con)
    if has_tables and found != SCHEMA_VERSION:
        raise SchemaVersionError(where, found)


def ensure_schema(con: duckdb.DuckDBPyConnection, where: object = "database") -> None:
    """Create missing tables, replace the views and their comments (safe on every connection).

    A database written with another schema version is refused (`SchemaVersionError`).
    """
    check_schema_version(con, where)
    with transaction(con):  # a new file gets its tables and its version together, or neither
        con.execute(SCHEMA_PATH.read_text(encoding="utf-8"))
        con.execute("INSERT INTO core_schema_info SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM core_schema_info)",
                    [SCHEMA_VERSION, utc_now()])
        con.execute(comment_statements())


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection with the schema applied."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path))
    except duckdb.IOException as e:
        raise DatabaseBusyError(
            f"{path}: the database is in use by another process; stop it and try again"
        ) from e
    try:
        ensure_schema(con, path)
    except BaseException:
        con.close()
        raise
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
