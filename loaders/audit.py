"""The audit log: every report added or replaced, every correction and every build, with who
made it and how (core_audit_log, read as out_audit_log). A build carries it over from the
database it replaces, like the history of replaced reports (loaders.build).
"""

from __future__ import annotations

import uuid
from typing import Literal

import duckdb

from loaders.database import utc_now

Action = Literal["added", "replaced", "corrected", "rebuilt"]
Via = Literal["app", "cli", "build"]
COLUMNS = ("event_id", "event_at", "editor", "action", "via", "report_id", "action_code", "file_sha256",
           "source_file", "detail")


def new_event_id() -> str:
    return uuid.uuid4().hex


def record(con: duckdb.DuckDBPyConnection, *, editor: str, action: Action, via: Via, detail: str,
           report_id: str | None = None, action_code: str | None = None, file_sha256: str | None = None,
           source_file: str | None = None, event_id: str | None = None) -> str:
    """Add one event (in the caller's transaction, if any); returns its id."""
    event_id = event_id or new_event_id()
    con.execute(f"INSERT INTO core_audit_log ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                [event_id, utc_now(), editor, action, via, report_id, action_code, file_sha256, source_file, detail])
    return event_id
