"""One report in full: its title block (out_reports), Part A (out_synopsis), its actions
(out_actions) with their notes (out_notes), every extracted fact with its evidence
(out_delay_causes, out_funding, out_timing), its quality issues (out_quality_issues), and
its file on disk, offered only if it is the very file that was loaded.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from dashboard.escape import code
from dashboard.queries import DEMO_MARK, Cursor, demo_name, fetch
from dashboard.selection import Filters

PROJECT_ROOT = Path(__file__).resolve().parents[2]
FOUND_IN = {"synopsis": "Part A (synopsis)", "notes": "the action's notes", "correction": "an editor's correction"}
FACT_KIND = {
    "delay": "Delay cause", "funding": "Funding", "planned_start": "Planned start",
    "expected_completion": "Expected completion",
}
TEMPLATES = {"2014": "2014–2016 template (SC65–SC67 scale)", "2017": "2017+ template (SC69 on)"}
LANGUAGES = {"en": "English", "fr": "French", "es": "Spanish"}


def report_index(cur: Cursor, f: Filters) -> pd.DataFrame:
    """Loaded reports in the sidebar's selection (Parties, meetings, demo), by Party and
    meeting date: report_id, party_iso3, party_name, meeting_code, is_demo, n_actions, ..."""
    where, params = f.where("r", pillars=False)
    return fetch(cur, f"""
        SELECT r.report_id, r.party_iso3, r.party_name, r.meeting_code, r.meeting_number,
               r.period_start_text, r.period_end_text, r.is_demo, r.n_actions, r.n_quality_issues
        FROM out_reports r
        WHERE {where}
        ORDER BY r.party_name, r.meeting_start_date NULLS LAST, r.meeting_number, r.report_id
    """, params)


@dataclass(frozen=True)
class Report:
    """The title block of one report and where its file is."""

    report_id: str
    title: str | None
    party_iso3: str
    party_name: str
    meeting_code: str
    meeting_name: str
    period_start: str | None  # as written: "2014-11"
    period_end: str | None
    language: str | None
    rating_scale: str | None
    prepared_by: str | None
    n_actions: int
    is_demo: bool
    source_file: str
    file_path: str  # as loaded, relative to the project when the file was inside it
    file_sha256: str
    format: str

    @property
    def period(self) -> str:
        if not self.period_start and not self.period_end:
            return "not stated"
        return f"{self.period_start or '?'} to {self.period_end or '?'}"


def report(cur: Cursor, report_id: str) -> Report | None:
    """The title block of one report, or None when no such report is loaded."""
    row = cur.execute("""
        SELECT report_id, title, party_iso3, party_name, meeting_code,
               CASE WHEN meeting_city IS NULL THEN meeting_code
                    ELSE meeting_code || ' (' || meeting_city
                         || COALESCE(', ' || strftime(meeting_start_date, '%B %Y'), '') || ')' END,
               period_start_text, period_end_text, language, rating_scale, prepared_by, n_actions, is_demo,
               source_file, source_path, file_sha256, format
        FROM out_reports WHERE report_id = ?
    """, [report_id]).fetchone()
    if not row:
        return None
    rep = Report(*row)
    return replace(rep, party_name=demo_name(rep.party_name, rep.is_demo))  # "(demo)" as on every label


def title_block(rep: Report) -> pd.DataFrame:
    """The title block as a two-column table (Field, Value) of plain text."""
    rows = [
        ("Title", rep.title or "not stated"),
        ("Party", rep.party_name.removesuffix(DEMO_MARK) + (" (fictional demo Party)" if rep.is_demo else "")),
        ("Meeting", rep.meeting_name),
        ("Reporting period", rep.period),
        ("Language", LANGUAGES.get(rep.language or "", rep.language or "not stated")),
        ("Template", TEMPLATES.get(rep.rating_scale or "", rep.rating_scale or "not stated")),
        ("Prepared by", rep.prepared_by or "not stated"),
        ("Actions", str(rep.n_actions)),
        ("Source file", f"{rep.source_file} ({rep.format})"),
    ]
    return pd.DataFrame(rows, columns=["Field", "Value"])


def synopsis(cur: Cursor, report_id: str) -> pd.DataFrame:
    """Part A, paragraph by paragraph (heading, text)."""
    return fetch(cur, "SELECT heading, text FROM out_synopsis WHERE report_id = ? ORDER BY paragraph_index",
                 [report_id])


def actions(cur: Cursor, report_id: str, pillars: tuple[str, ...] = ()) -> pd.DataFrame:
    """The report's actions in report order (only those of ``pillars`` when given), with the
    canonical rating's label and colour, the report's own labels and the extracted facts."""
    where, params = Filters(pillars=pillars).where("o")
    return fetch(cur, f"""
        SELECT o.action_code, o.action_title, o.pillar_number, o.pillar_name, o.pillar_code,
               o.pillar_label AS standard_pillar, o.is_priority, o.rating_scale, o.rating_code,
               o.rating_code_label AS rating, c.colour AS rating_colour, o.rating_label, o.rating_label_summary,
               o.rating_label_detailed, o.delayed, array_to_string(o.delay_causes, ', ') AS delay_causes,
               o.funding_secured, o.funding_sought, o.planned_start_text AS planned_start,
               o.expected_completion_text AS expected_completion, o.n_quality_issues, o.is_demo, o.source_file,
               array_to_string(o.corrected_fields, ', ') AS corrected_fields, o.correction_note
        FROM out_actions o LEFT JOIN out_codes_ratings c USING (rating_code)
        WHERE o.report_id = ? AND {where}
        ORDER BY o.action_order
    """, [report_id, *params])


def notes(cur: Cursor, report_id: str) -> pd.DataFrame:
    """Every note of the report's actions (action_code, text, is_comment, provenance)."""
    return fetch(cur, """
        SELECT action_code, note_index, text, is_comment, provenance
        FROM out_notes WHERE report_id = ? ORDER BY action_order, note_index
    """, [report_id])


def facts(cur: Cursor, report_id: str) -> pd.DataFrame:
    """Every fact extracted from the report (delay causes, funding, timing), each with the
    sentence that supports it, where that sentence was found and the words that matched."""
    frame = fetch(cur, """
        WITH f AS (
            SELECT d.action_code, 'delay' AS kind, COALESCE(c.label, d.cause) AS value, d.found_in, d.evidence,
                   d.matched, d.fact_index
            FROM out_delay_causes d LEFT JOIN out_codes_delay_causes c USING (cause) WHERE d.report_id = $1
            UNION ALL
            SELECT action_code, 'funding', status, found_in, evidence, matched, fact_index
            FROM out_funding WHERE report_id = $1
            UNION ALL
            SELECT action_code, kind,
                   value_text || CASE WHEN window_start_text IS NOT NULL THEN ' (window ' || window_start_text
                                      || ' to ' || COALESCE(window_end_text, value_text) || ')' ELSE '' END,
                   found_in, evidence, matched, fact_index
            FROM out_timing WHERE report_id = $1
        )
        SELECT f.* FROM f LEFT JOIN out_actions o ON o.report_id = $1 AND o.action_code = f.action_code
        ORDER BY o.action_order, f.kind, f.fact_index
    """, [report_id])
    frame["fact"] = [f"{FACT_KIND.get(k, k)}: {v}" for k, v in zip(frame["kind"], frame["value"], strict=True)]
    frame["where"] = frame["found_in"].map(lambda w: FOUND_IN.get(w, w))
    return frame


def report_issues(cur: Cursor, report_id: str) -> pd.DataFrame:
    """The report's quality issues in report order."""
    return fetch(cur, """
        SELECT issue_index, issue_code, severity, issue_label, action_code, message, evidence
        FROM out_quality_issues WHERE report_id = ? ORDER BY issue_index
    """, [report_id])


def report_for(cur: Cursor, f: Filters) -> str | None:
    """The report the sidebar names, when it names exactly one Party and one meeting."""
    if len(f.parties) != 1 or len(f.meetings) != 1:
        return None
    index = report_index(cur, f)
    return str(index["report_id"].iloc[0]) if len(index) == 1 else None


@dataclass(frozen=True)
class SourceFile:
    """Where the report's file is now, and whether it is the file that was loaded."""

    path: Path
    status: str  # ok, missing, changed
    size_bytes: int | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def problem(self) -> str:
        """Why the file is not offered, and what to do (Markdown; "" when it is offered)."""
        where, load = code(self.path), "`python -m loaders load FILE`"
        if self.status == "missing":
            return (f"The file is not at {where} any more, so it cannot be downloaded here. Put it back, or "
                    f"load it again with {load}.")
        if self.status == "changed":
            return (f"The file at {where} has changed since it was loaded (its SHA-256 differs), so it is not "
                    f"offered: it may not say what is shown here. Load it again with {load}.")
        return ""


@functools.lru_cache(maxsize=64)
def file_digest(path: str, mtime_ns: int = 0, size: int = 0) -> str:
    """SHA-256 of a file (``mtime_ns`` and ``size`` only key the cache: a changed file is read again)."""
    del mtime_ns, size
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def locate_source(file_path: str, sha256: str, root: Path = PROJECT_ROOT,
                  digest: Callable[[str, int, int], str] = file_digest) -> SourceFile:
    """The report's file, found through its path as loaded (relative to the project when the
    file was inside it), checked against the SHA-256 recorded at load time so that only the
    very file that was read is offered."""
    path = (root / file_path).resolve()
    try:
        stat = path.stat()
    except OSError:
        return SourceFile(path, "missing")
    if not path.is_file():
        return SourceFile(path, "missing")
    same = digest(str(path), stat.st_mtime_ns, stat.st_size) == sha256
    return SourceFile(path, "ok" if same else "changed", stat.st_size)
