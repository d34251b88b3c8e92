"""The dashboard's questions to the database: one module per topic, plain functions
``question(cur, *args) -> DataFrame`` that read ONLY the public ``out_*`` views.

No Streamlit here. Something that can ``ask`` (a `Source`) runs a question: in the app,
`dashboard.db.AppSource`, through the one cache (keyed by the database file's version);
in exports and tests, `Direct` on a plain DuckDB connection. Values chosen by users
reach DuckDB as query parameters only (`Filters.where`), never formatted into SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

import duckdb
import pandas as pd

Cursor = duckdb.DuckDBPyConnection
T = TypeVar("T")


class Source(Protocol):
    """Runs a question on the database: ``source.ask(question, *args)``."""

    def ask(self, question: Callable[..., T], *args: Any) -> T: ...


class Direct:
    """A `Source` over an open DuckDB connection, without a cache (exports, tests)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def ask(self, question: Callable[..., T], *args: Any) -> T:
        cursor = self.con.cursor()
        try:
            return question(cursor, *args)
        finally:
            cursor.close()


def fetch(cur: Cursor, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
    """Run one parameterised query and return all its rows."""
    return cur.execute(sql, list(params)).df()


def among(column: str, values: Sequence[object]) -> tuple[str, list[object]]:
    """``column IN (?, ?)`` and its parameters; FALSE for no values."""
    if not values:
        return "FALSE", []
    return f"{column} IN ({', '.join('?' * len(values))})", list(values)
