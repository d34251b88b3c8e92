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
from loaders.errors import DatabaseBusyError, EnvironmentProblem, LoaderError
from loaders.reference import DATA_DIR

SCHEMA_PATH = DATA_DIR / "schema.sql"

# Version of the tables of data/schema.sql: raise it with any change to a table (views are
# replaced on every connection and need no bump). A database of another version is refused.
SCHEMA_VERSION = 4
REBUILD_HINT = "rebuild it with `python -m loaders build`"

# Words of DuckDB's errors that say the file itself is damaged (as opposed to a bad statement).
_DAMAGED = ("not a valid DuckDB database file", "Could not read enough bytes", "Corrupt database file",
            "checksum", "Serialization Error", "INTERNAL Error", "database file is corrupt")


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


def is_damage(error: duckdb.Error) -> bool:
    """Whether a DuckDB error says the database file is damaged, truncated or not a database."""
    text = str(error)
    return any(words.lower() in text.lower() for words in _DAMAGED)


def unusable_database(where: object, error: duckdb.Error) -> EnvironmentProblem:
    """The one-line message for a database file DuckDB cannot read (naming ``where``, the user's file)."""
    text = str(error)
    if "not a valid DuckDB database file" in text:
        what = "not a DuckDB database (another kind of file, or an empty one)"
    elif "Could not read enough bytes" in text:
        what = "a truncated DuckDB database (the file ends too early)"
    else:
        what = "a damaged DuckDB database (a checksum or a block does not read back)"
    return EnvironmentProblem(where, f"the file is {what}; {REBUILD_HINT} (it replaces the file), or restore a backup")


def connect(path: Path, *, shown_as: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-write connection with the schema applied.

    ``shown_as``: the path to name in errors when ``path`` is a private copy of it. A file
    that is not a usable DuckDB database raises `EnvironmentProblem`; one that another
    program holds open for writing, `DatabaseBusyError`.
    """
    where = shown_as or path
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path))
    except duckdb.Error as e:
        if "lock" in str(e).lower() and not is_damage(e):
            raise DatabaseBusyError(where, "the database is open for writing in another program (DuckDB's own "
                                           "lock); close it and try again") from None
        if is_damage(e):
            raise unusable_database(where, e) from None
        raise
    try:
        ensure_schema(con, where)
    except duckdb.Error as e:
        con.close()
        if is_damage(e):
            raise unusable_database(where, e) from None
        raise
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
