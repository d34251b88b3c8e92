"""Corrections: an editor's value for the rating, the delay causes or the funding status of one
action, kept in data/corrections.csv and applied again by every build and load.

The file is versioned with the repository (``$NIAP_CORRECTIONS_FILE`` points elsewhere), one
row per correction: Party, meeting, action, field, the value the loader had extracted, the
new value, the reason, the editor and the time. Values are codes: a rating code
(``not_rated`` for none), delay cause codes joined by ``;``, funding statuses (``secured``,
``sought``) joined by ``;``; ``''`` is none.

Applying a correction changes the core tables (so every view and chart counts the corrected
value) and records it in core_corrections with a status; out_actions marks the corrected
fields and keeps the original in ``correction_note``. A correction is applied only to the
value it corrected: if the report or the action is gone (``target_missing``), or the loader
now extracts another value (``original_changed``), it is not applied and the Data quality
page lists it.
"""

from __future__ import annotations

import csv
import io
import os
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from loaders import audit
from loaders.database import transaction, utc_now
from loaders.errors import BadInputError, SideFileError
from loaders.reference import DATA_DIR

CORRECTIONS_ENV = "NIAP_CORRECTIONS_FILE"
COLUMNS = ("correction_id", "party_iso3", "meeting_code", "action_code", "field", "old_value", "new_value",
           "reason", "editor", "corrected_at")
FIELDS = {"rating": "rating", "delay_causes": "delay causes", "funding": "funding status"}
FUNDING_STATUSES = ("secured", "sought")
NONE = ""
MAX_REASON = 500


class CorrectionError(BadInputError):
    """A correction that cannot be made: an unknown action, a value the code tables do not know,
    no reason given."""


@dataclass(frozen=True)
class Correction:
    """One row of data/corrections.csv (``problem``: why the row cannot be used, if it cannot)."""

    correction_id: str
    party_iso3: str
    meeting_code: str
    action_code: str
    field: str
    old_value: str
    new_value: str
    reason: str
    editor: str
    corrected_at: datetime
    line_number: int = 0
    problem: str | None = None

    @property
    def report_id(self) -> str:
        return f"{self.party_iso3}-{self.meeting_code}"

    def row(self) -> list[str]:
        stamp = self.corrected_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return [self.correction_id, self.party_iso3, self.meeting_code, self.action_code, self.field,
                self.old_value, self.new_value, self.reason, self.editor, stamp]


def corrections_path(data_dir: Path = DATA_DIR) -> Path:
    """``$NIAP_CORRECTIONS_FILE``, or corrections.csv in the data folder."""
    return Path(os.environ.get(CORRECTIONS_ENV) or data_dir / "corrections.csv")


# --- the file ----------------------------------------------------------------------------

def read_corrections(path: Path) -> list[Correction]:
    """The corrections of ``path`` in file order (none when it does not exist). A malformed
    header raises `SideFileError`; a malformed row comes back with its ``problem``."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as e:
        raise SideFileError(path, f"cannot read the corrections file ({e}); fix or restore it") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return []
    if tuple(c.strip() for c in rows[0]) != COLUMNS:
        raise SideFileError(path, f"the first line must be the header {','.join(COLUMNS)}; restore it from git")
    return [_parse_row(row, line) for line, row in enumerate(rows[1:], start=2) if any(c.strip() for c in row)]


def _parse_row(row: list[str], line: int) -> Correction:
    values = [c.strip() for c in row] + [""] * (len(COLUMNS) - len(row))
    problem = None if len(row) == len(COLUMNS) else f"has {len(row)} columns instead of {len(COLUMNS)}"
    try:
        stamp = datetime.fromisoformat(values[9])
        stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    except ValueError:
        stamp = datetime(1970, 1, 1, tzinfo=UTC)
        problem = problem or f"corrected_at {values[9]!r} is not a date and time"
    if values[4] not in FIELDS:
        problem = problem or f"field {values[4]!r} is not one of {', '.join(FIELDS)}"
    if not all(values[i] for i in (0, 1, 2, 3, 7)):
        problem = problem or "an id, Party, meeting, action and reason are required"
    return Correction(*values[:9], corrected_at=stamp, line_number=line, problem=problem)


def csv_bytes(corrections: Iterable[Correction]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(c.row() for c in corrections)
    return out.getvalue().encode("utf-8")


# --- values ------------------------------------------------------------------------------

def current_value(con: duckdb.DuckDBPyConnection, report_id: str, action_code: str, field: str) -> str | None:
    """The value stored now, as a code string (None: the report or the action is not loaded)."""
    found = con.execute("SELECT COALESCE(rating_code, 'not_rated') FROM core_actions "
                        "WHERE report_id = ? AND action_code = ?", [report_id, action_code]).fetchall()
    if not found:
        return None
    if field == "rating":
        return found[0][0]
    table, column = ("core_delay_causes", "cause") if field == "delay_causes" else ("core_funding", "status")
    (value,) = con.execute(f"SELECT string_agg(DISTINCT {column}, ';' ORDER BY {column}) FROM {table} "
                           "WHERE report_id = ? AND action_code = ?", [report_id, action_code]).fetchall()[0]
    return value or NONE


def allowed_values(con: duckdb.DuckDBPyConnection, report_id: str, field: str) -> list[str]:
    """The codes a field of this report can take (ratings: those of the report's template)."""
    if field == "rating":
        return [code for (code,) in con.execute(
            "SELECT c.rating_code FROM core_codes_ratings c, core_reports r WHERE r.report_id = ? AND "
            "(c.rating_code = 'not_rated' OR (r.rating_scale = '2014' AND c.in_2014_scale) "
            "OR (r.rating_scale = '2017' AND c.in_2017_scale)) ORDER BY c.sort_order", [report_id]).fetchall()]
    if field == "delay_causes":
        return [code for (code,) in con.execute("SELECT cause FROM core_codes_delay_causes ORDER BY sort_order")
                .fetchall()]
    return list(FUNDING_STATUSES)


def normalise(con: duckdb.DuckDBPyConnection, report_id: str, field: str, value: str | Sequence[str]) -> str:
    """A value as stored: one rating code, or a sorted ``;``-joined set; raises `CorrectionError`."""
    if field not in FIELDS:
        raise CorrectionError(report_id, f"cannot correct {field!r}: only {', '.join(FIELDS)}")
    parts = value.replace(",", ";").split(";") if isinstance(value, str) else list(value)
    codes = sorted({p.strip().lower() for p in parts if p.strip()})
    allowed = allowed_values(con, report_id, field)
    unknown = [c for c in codes if c not in allowed]
    if unknown or (field == "rating" and len(codes) != 1):
        raise CorrectionError(report_id, f"{', '.join(unknown) or 'that'} is not a {FIELDS[field]} this report can "
                                         f"have: choose {'one of' if field == 'rating' else 'among'} "
                                         f"{', '.join(allowed)}")
    return ";".join(codes)


def _set_value(con: duckdb.DuckDBPyConnection, c: Correction) -> None:
    key = [c.report_id, c.action_code]
    if c.field == "rating":
        con.execute("UPDATE core_actions SET rating_code = NULLIF(?, 'not_rated'), rating_source = "
                    "CASE WHEN ? = 'not_rated' THEN NULL ELSE 'correction' END WHERE report_id = ? AND action_code = ?",
                    [c.new_value, c.new_value, *key])
        return
    table, column = ("core_delay_causes", "cause") if c.field == "delay_causes" else ("core_funding", "status")
    wanted = [v for v in c.new_value.split(";") if v]
    con.execute(f"DELETE FROM {table} WHERE report_id = ? AND action_code = ? AND NOT list_contains(?, {column})",
                [*key, wanted])
    have = {v for (v,) in con.execute(f"SELECT DISTINCT {column} FROM {table} WHERE report_id = ? AND action_code = ?",
                                      key).fetchall()}
    evidence = f"Corrected by {c.editor} on {c.corrected_at:%Y-%m-%d}: {c.reason}"
    for value in (v for v in wanted if v not in have):
        con.execute(f"INSERT INTO {table} (report_id, action_code, fact_index, {column}, found_in, evidence, matched) "
                    f"SELECT ?, ?, COALESCE(max(fact_index) + 1, 0), ?, 'correction', ?, '' FROM {table} "
                    "WHERE report_id = ? AND action_code = ?", [*key, value, evidence, *key])
    if c.field == "delay_causes" and wanted:
        con.execute("UPDATE core_actions SET delayed = true WHERE report_id = ? AND action_code = ?", key)


# --- applying ----------------------------------------------------------------------------

def _outcome(con: duckdb.DuckDBPyConnection, c: Correction) -> tuple[str, str]:
    if c.problem:
        return "invalid", f"the line {c.problem}; fix it"
    now = current_value(con, c.report_id, c.action_code, c.field)
    if now is None:
        loaded = con.execute("SELECT count(*) FROM core_reports WHERE report_id = ?", [c.report_id]).fetchall()[0][0]
        return "target_missing", (f"action {c.action_code} is not in the {c.report_id} report loaded now" if loaded
                                  else f"no {c.report_id} report is loaded")
    try:
        new = normalise(con, c.report_id, c.field, c.new_value)
    except CorrectionError as e:
        return "invalid", e.reason
    if now == new:
        return "applied", "the loader extracts this value itself now; nothing to change"
    if now != c.old_value:
        return "original_changed", (f"the loader now extracts {now or 'none'!r}, not {c.old_value or 'none'!r} as "
                                    "when the correction was made; review it and correct again if still needed")
    return "applied", f"{FIELDS[c.field]} set to {new or 'none'!r} (extracted: {c.old_value or 'none'!r})"


def apply(con: duckdb.DuckDBPyConnection, corrections: Sequence[Correction], *,
          fresh_reports: Iterable[str] | None = None) -> dict[str, int]:
    """Apply ``corrections`` in time order, in one transaction, and record each with its status.

    The values must be as the loader extracted them (after a build or a load of the reports)
    or as earlier corrections left them. ``fresh_reports``: reports just loaded again, whose
    recorded corrections are replaced (None: all of them, as in a build). Returns counts by status.
    """
    counts: dict[str, int] = {}
    seen: set[str] = set()
    with transaction(con):
        if fresh_reports is None:
            con.execute("DELETE FROM core_corrections")
        else:
            con.execute("DELETE FROM core_corrections WHERE list_contains(?, report_id)", [list(fresh_reports)])
        for c in sorted(corrections, key=lambda c: (c.corrected_at, c.line_number)):
            if c.correction_id in seen:
                c = replace(c, correction_id=f"{c.correction_id}-line{c.line_number}",
                            problem=c.problem or "uses the correction_id of an earlier line")
            seen.add(c.correction_id)
            status, message = _outcome(con, c)
            if status == "applied":
                _set_value(con, replace(c, new_value=normalise(con, c.report_id, c.field, c.new_value)))
            _record(con, c, status, message)
            counts[status] = counts.get(status, 0) + 1
    return counts


def _record(con: duckdb.DuckDBPyConnection, c: Correction, status: str, message: str) -> None:
    con.execute(
        "INSERT INTO core_corrections (correction_id, line_number, report_id, party_iso3, meeting_code, action_code, "
        "field, old_value, new_value, reason, editor, corrected_at, status, status_message) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [c.correction_id, c.line_number, c.report_id, c.party_iso3, c.meeting_code, c.action_code,
         c.field if c.field in FIELDS else "rating", c.old_value, c.new_value, c.reason, c.editor or "?",
         c.corrected_at.astimezone(UTC).replace(tzinfo=None), status, message])


def for_reports(corrections: Sequence[Correction], report_ids: Iterable[str]) -> list[Correction]:
    wanted = set(report_ids)
    return [c for c in corrections if c.report_id in wanted]


# --- a new correction --------------------------------------------------------------------

def new_correction(con: duckdb.DuckDBPyConnection, *, report_id: str, action_code: str, field: str,
                   value: str | Sequence[str], reason: str, editor: str, line_number: int) -> Correction:
    """A correction of the value stored now, checked; raises `CorrectionError`."""
    where = f"{report_id} action {action_code}"
    reason = " ".join(reason.split())
    if not reason:
        raise CorrectionError(where, "say why in the reason (it is kept with the correction)")
    if len(reason) > MAX_REASON:
        raise CorrectionError(where, f"the reason is {len(reason)} characters; keep it under {MAX_REASON}")
    now = current_value(con, report_id, action_code, field if field in FIELDS else "rating")
    if now is None:
        raise CorrectionError(where, "no such action in the database; reload the page and pick it again")
    new = normalise(con, report_id, field, value)
    if new == now:
        raise CorrectionError(where, f"the {FIELDS[field]} is already {new or 'none'!r}: nothing to correct")
    party, _, meeting = report_id.partition("-")
    return Correction(uuid.uuid4().hex, party, meeting, action_code, field, now, new, reason, editor,
                      utc_now().replace(tzinfo=UTC), line_number=line_number)


def record_new(con: duckdb.DuckDBPyConnection, correction: Correction, existing: Sequence[Correction], *,
               via: audit.Via) -> bytes:
    """Apply a new correction to the stored values, log it, and return the corrections file's new bytes."""
    apply(con, [correction], fresh_reports=())
    with transaction(con):
        audit.record(con, editor=correction.editor, action="corrected", via=via, report_id=correction.report_id,
                     action_code=correction.action_code, event_id=correction.correction_id,
                     detail=f"{FIELDS[correction.field]} {correction.old_value or 'none'!r} -> "
                            f"{correction.new_value or 'none'!r}: {correction.reason}")
    return csv_bytes([*existing, correction])
