"""Report -> the JSON of ``python -m loaders parse``.

Its fields are a contract that scripts rely on: tests/test_golden.py compares the output
with the golden files tests/data/*/groundtruth/*.json.
"""

from __future__ import annotations

from typing import Any

from loaders.models import Action, Evidence, Report


def _evidence(evidence: Evidence) -> dict[str, str]:
    return {"evidence": evidence.sentence, "where": evidence.where, "matched": evidence.matched}


def action_json(action: Action) -> dict[str, Any]:
    """One action as in the contract, plus notes' flags and the evidence of every fact."""
    expected = next((t for t in action.timing if t.kind == "expected_completion"), None)
    return {
        "code": action.code,
        "pillar": {
            "number": action.pillar.number,
            "name": action.pillar.name,
            "standard": action.pillar.standard,
        },
        "title": action.title,
        "is_priority": action.is_priority,
        "rating": action.rating,
        "rating_labels": action.rating_labels,
        "rating_source": action.rating_source,
        "notes": [n.text for n in action.notes],
        "comments": [n.text for n in action.notes if n.is_comment],
        "delayed": action.delayed,
        "delay_causes": [{"cause": c.cause, **_evidence(c.evidence)} for c in action.delay_causes],
        "funding_status": action.funding_status,
        "funding": [{"status": f.status, **_evidence(f.evidence)} for f in action.funding],
        "planned_start": action.timing_value("planned_start"),
        "expected_completion": expected.value if expected else None,
        "timing": [
            {
                "kind": t.kind,
                "value": t.value,
                "window": [t.window_start, t.window_end],
                **_evidence(t.evidence),
            }
            for t in action.timing
        ],
        "provenance": action.provenance,
    }


def report_json(report: Report) -> dict[str, Any]:
    """The whole report as in the contract; ``source.path`` is left out (machine-specific)."""
    return {
        "source": {
            "file": report.source.file,
            "sha256": report.source.sha256,
            "format": report.source.format,
        },
        "party": {"name": report.party.name, "iso3": report.party.iso3},
        "meeting": {"code": report.meeting.code, "number": report.meeting.number},
        "reporting_period": {"start": report.period.start, "end": report.period.end},
        "language": report.language,
        "rating_scale": report.rating_scale,
        "title": report.title,
        "prepared_by": report.prepared_by,
        "is_demo": report.is_demo,
        "synopsis": [{"heading": p.heading, "text": p.text} for p in report.synopsis],
        "actions": [action_json(a) for a in report.actions],
        "coverage": {
            "share": round(report.coverage.share, 4),
            "used_chars": report.coverage.used_chars,
            "total_chars": report.coverage.total_chars,
            "unread": [{"where": u.where, "text": u.text} for u in report.coverage.unread],
        },
        "quality_issues": [
            {"code": q.code, "action": q.action, "message": q.message, "evidence": q.evidence}
            for q in report.quality_issues
        ],
    }
