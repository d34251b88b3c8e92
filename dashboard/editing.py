"""The editor views' way to the loaders: read an upload (in the capped child process), show
what it holds before saving, save it, correct one action. Every write goes through
loaders.editing, under the same writer lock as ``python -m loaders load`` and ``build``;
the app itself keeps the database open read-only (dashboard/db.py), and every session
sees a write on its next rerun (the database file's version keys the cache).

No Streamlit here: the views show what these functions return.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from loaders import editing
from loaders.corrections import FIELDS, Correction
from loaders.errors import BadInputError, LoaderError
from loaders.formats import max_bytes_from_env
from loaders.history import is_older, shown
from loaders.models import Period
from loaders.sandbox import Parsed

__all__ = ["FIELDS", "BadInputError", "LoaderError", "Parsed", "Preview", "correct", "parse", "preview", "save"]
UPLOAD_TYPES = [s.lstrip(".") for s in editing.SUFFIXES]


def max_megabytes() -> float:
    """The upload limit, as the command line's (``$NIAP_MAX_FILE_MB``, 25)."""
    return max_bytes_from_env() / 1048576


def parse(name: str, data: bytes) -> Parsed:
    """Read an uploaded file as ``load`` would (size limit, sandbox); raises `BadInputError`."""
    return editing.parse_upload(name, data, max_bytes=max_bytes_from_env())


@dataclass(frozen=True)
class Preview:
    """What a file holds, shown before it is saved."""

    report_id: str
    heading: str
    about: pd.DataFrame  # Field, Value
    actions: pd.DataFrame
    facts: pd.DataFrame
    issues: pd.DataFrame
    coverage: float
    period: Period


def preview(parsed: Parsed) -> Preview:
    r = parsed.report
    about = pd.DataFrame({"Field": ["Party", "Meeting", "Reporting period", "Language", "Template", "Title",
                                    "Prepared by", "Actions", "Text read"],
                          "Value": [r.party.name + (" (demo)" if r.is_demo else ""), r.meeting.code, shown(r.period),
                                    r.language, r.rating_scale, r.title, r.prepared_by or "not stated",
                                    str(len(r.actions)), f"{r.coverage.share:.1%}"]})
    actions = pd.DataFrame([{
        "Action": a.code, "Title": a.title, "Pillar": a.pillar.name or "", "Rating": a.rating or "not rated",
        "Delayed": "yes" if a.delayed else "",
        "Delay causes": ", ".join(dict.fromkeys(c.cause for c in a.delay_causes)),
        "Funding": " and ".join(dict.fromkeys(f.status for f in a.funding)),
    } for a in r.actions], columns=["Action", "Title", "Pillar", "Rating", "Delayed", "Delay causes", "Funding"])
    facts = pd.DataFrame([
        {"Action": a.code, "Fact": fact, "Found in": e.where, "Sentence": e.sentence}
        for a in r.actions
        for fact, e in ([(f"delay: {c.cause}", c.evidence) for c in a.delay_causes]
                        + [(f"funding {f.status}", f.evidence) for f in a.funding]
                        + [(f"{t.kind.replace('_', ' ')} {t.value}", t.evidence) for t in a.timing])
    ], columns=["Action", "Fact", "Found in", "Sentence"])
    issues = pd.DataFrame([{"Action": q.action or "report", "Issue": q.code, "Message": q.message,
                            "Evidence": q.evidence or ""} for q in r.quality_issues],
                          columns=["Action", "Issue", "Message", "Evidence"])
    return Preview(r.report_id, f"{r.party.name} · {r.meeting.code}", about, actions, facts, issues,
                   r.coverage.share, r.period)


def older_than_stored(new: Period, start: str | None, end: str | None) -> bool:
    """Whether an upload's period is older than the stored report's (then saving must be confirmed)."""
    return is_older(new, Period(start=start, end=end))


def save(db: Path, name: str, data: bytes, parsed: Parsed, *, editor: str, replace_newer: bool,
         reason: str | None) -> editing.Saved:
    """Store the report and its file; raises `LoaderError` (one line) when it cannot."""
    return editing.save_upload(db, name, data, parsed, editor=editor, replace_newer=replace_newer,
                               reason=reason or None, wait=10)


def correct(db: Path, *, report_id: str, action_code: str, field: str, value: str | list[str], reason: str,
            editor: str) -> Correction:
    """Correct one action; raises `LoaderError` (one line: the problem and what to do)."""
    return editing.correct(db, report_id=report_id, action_code=action_code, field=field, value=value,
                           reason=reason, editor=editor, wait=10)
