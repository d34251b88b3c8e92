"""Writes an editor makes: a report file uploaded in the app, a correction of one action.

Both run under the writer lock on a copy of the database (loaders.writing), like ``load``
and ``build``, and put their file in place only when the database write is committed
(loaders.journal): an upload goes to data/uploads (``$NIAP_UPLOADS_DIR``) as
``<report id><suffix>``, which every build loads after data/raw and data/demo; a
correction goes to data/corrections.csv (loaders.corrections), which every build applies.
Each write is logged in core_audit_log. The command line's ``load`` stores reports through
`store_logged` too, so the two ways in behave the same.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from loaders import audit
from loaders import corrections as fixes
from loaders.errors import BadInputError, ReportLoadError
from loaders.formats import kinds, layout, text
from loaders.models import RawReport, Report
from loaders.reference import DATA_DIR
from loaders.sandbox import Parsed, parse_file
from loaders.store import StoreOutcome, load_reference, store_report
from loaders.writing import writable_copy

UPLOADS_ENV = "NIAP_UPLOADS_DIR"
SUFFIXES = tuple(dict.fromkeys((*kinds.PDF_SUFFIXES, *kinds.DOCX_SUFFIXES, *text.SUFFIXES, *layout.SUFFIXES)))
HISTORY = ".history"  # replaced uploads, kept (a dot folder: builds do not read it)


def uploads_dir(data_dir: Path = DATA_DIR) -> Path:
    """``$NIAP_UPLOADS_DIR``, or uploads/ in the data folder."""
    return Path(os.environ.get(UPLOADS_ENV) or data_dir / "uploads")


def upload_files(folder: Path) -> list[Path]:
    """The report files of the uploads folder, sorted (dot files and folders skipped)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
                  and p.suffix.lower() in SUFFIXES)


def ensure_reference(con: duckdb.DuckDBPyConnection) -> None:
    """A new database gets the code tables the views join before its first report."""
    if not con.execute("SELECT count(*) FROM core_codes_ratings").fetchall()[0][0]:
        load_reference(con)


def store_logged(con: duckdb.DuckDBPyConnection, raw: RawReport, report: Report, *, who: str, via: audit.Via,
                 replace_newer: bool = False, reason: str | None = None,
                 corrections: list[fixes.Correction] | None = None, event_id: str | None = None,
                 shown_name: str | None = None) -> StoreOutcome:
    """Store one report, apply the corrections made to it, and log it (unless unchanged)."""
    outcome = store_report(con, raw, report, replace_newer=replace_newer, who=who, reason=reason)
    if outcome == "unchanged":
        return outcome
    fixes.apply(con, fixes.for_reports(corrections or [], [report.report_id]), fresh_reports=[report.report_id])
    action: audit.Action = "added" if outcome == "loaded" else "replaced"
    audit.record(con, editor=who, action=action, via=via, report_id=report.report_id, event_id=event_id,
                 file_sha256=report.source.sha256, source_file=shown_name or report.source.file,
                 detail=f"{report.report_id} {action} from {shown_name or report.source.file}"
                        + (f" ({reason})" if reason else ""))
    return outcome


# --- uploads ------------------------------------------------------------------------------

def _suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ReportLoadError(name, f"files of type {suffix or '(none)'} cannot be read; upload one of "
                                    f"{', '.join(SUFFIXES)}")
    return suffix


def parse_upload(name: str, data: bytes, *, max_bytes: int | None = None) -> Parsed:
    """Read an uploaded file in the capped child process (loaders.sandbox), as the CLI does.
    Errors name the uploaded file, never the temporary copy."""
    suffix = _suffix(name)
    with tempfile.TemporaryDirectory(prefix="niap-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            return parse_file(path, max_bytes=max_bytes)
        except BadInputError as e:
            error = type(e).__new__(type(e))
            BadInputError.__init__(error, name, e.reason.replace(str(path), name))
            raise error from None


@dataclass(frozen=True)
class Saved:
    """What saving an upload did: loaded, replaced or unchanged, and where the file is."""

    outcome: StoreOutcome
    report_id: str
    path: Path | None


def _placed(parsed: Parsed, target: Path) -> tuple[RawReport, Report]:
    """The models with the file's place under uploads/ as their source (what a rebuild will read)."""
    source = replace(parsed.report.source, file=target.name, path=str(target))
    return replace(parsed.raw, source=source), replace(parsed.report, source=source)


def save_upload(db: Path, name: str, data: bytes, parsed: Parsed, *, editor: str, replace_newer: bool = False,
                reason: str | None = None, data_dir: Path = DATA_DIR, wait: float | None = None) -> Saved:
    """Store an uploaded report (read by `parse_upload`) under the writer lock and put its file
    under uploads/; an earlier upload of the same report moves to uploads/.history/."""
    folder = uploads_dir(data_dir)
    report_id = parsed.report.report_id
    target = folder / f"{report_id}{_suffix(name)}"
    with writable_copy(db, who=editor, what="upload", wait=wait) as copy:
        ensure_reference(copy.con)
        raw, report = _placed(parsed, target)
        event_id = audit.new_event_id()
        outcome = store_logged(copy.con, raw, report, who=editor, via="app", replace_newer=replace_newer,
                               reason=reason, event_id=event_id, shown_name=name,
                               corrections=fixes.read_corrections(fixes.corrections_path(data_dir)))
        if outcome == "unchanged":
            return Saved(outcome, report_id, None)
        earlier = [p for p in upload_files(folder) if p.stem == report_id]
        copy.stage(event_id, [(data, target)],
                   retire=[(p, folder / HISTORY / f"{p.stem}.{_stamp(p)}{p.suffix}") for p in earlier])
    return Saved(outcome, report_id, target)


def _stamp(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


# --- corrections --------------------------------------------------------------------------

def correct(db: Path, *, report_id: str, action_code: str, field: str, value: str | list[str], reason: str,
            editor: str, via: audit.Via = "app", data_dir: Path = DATA_DIR,
            wait: float | None = None) -> fixes.Correction:
    """Correct one action's rating, delay causes or funding status: the database now, and
    corrections.csv for every later build. Raises `CorrectionError` for a correction that cannot be made."""
    path = fixes.corrections_path(data_dir)
    with writable_copy(db, who=editor, what="correction", wait=wait) as copy:
        existing = fixes.read_corrections(path)
        correction = fixes.new_correction(copy.con, report_id=report_id, action_code=action_code, field=field,
                                          value=value, reason=reason, editor=editor,
                                          line_number=len(existing) + 2)
        data = fixes.record_new(copy.con, correction, existing, via=via)
        copy.stage(correction.correction_id, [(data, path)])
    return correction
