"""Documents nobody on the loader wrote, against facts written by hand.

tests/data/handmade/ holds reports written independently of the loader (see its README):
markup, Word files built with python-docx in layouts unlike ours, the PDFs LibreOffice
prints from them and their ``pdftotext -layout`` text. Beside each, ``<file>.facts.yaml``
was written by hand by reading the document; this test compares the parse with it, in
every format the document exists in. ``test_live_producers`` converts the Word files
again with the LibreOffice and poppler installed here, so a new producer version is
checked too (``make test`` installs both; in CI a missing tool fails, never skips).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from loaders.models import Report
from loaders.pipeline import read_report
from loaders.quality import MIN_COVERAGE
from loaders.textutil import fold
from tests.helpers import ROOT, require_tool

HANDMADE = ROOT / "tests" / "data" / "handmade"
FACTS = sorted(HANDMADE.glob("*.facts.yaml"))


def _facts(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _cases() -> list[tuple[Path, Path]]:
    cases = []
    for facts_path in FACTS:
        facts = _facts(facts_path)
        names = facts.get("files") or [facts_path.name.removesuffix(".facts.yaml")]
        cases += [(facts_path, HANDMADE / name) for name in names]
    return cases


CASES = _cases()


def mismatches(report: Report, facts: dict) -> list[str]:
    """Every hand-written fact the parse does not reproduce, as readable lines."""
    bad: list[str] = []

    def check(ok: bool, what: str) -> None:
        if not ok:
            bad.append(what)

    actions = {a.code: a for a in report.actions}
    check(report.party.iso3 == facts["party_iso3"], f"party {report.party.iso3}")
    check(report.meeting.code == facts["meeting"], f"meeting {report.meeting.code}")
    check((report.period.start, report.period.end) == (facts["period_start"], facts["period_end"]),
          f"period {report.period.start}..{report.period.end}")
    check(report.language == facts["language"], f"language {report.language}")
    check(report.rating_scale == str(facts["rating_scale"]), f"rating scale {report.rating_scale}")
    check(sorted(actions) == sorted(facts["actions"]), f"actions {sorted(actions)}")
    for code, rating in (facts.get("ratings") or {}).items():
        got = actions[code].rating if code in actions else "missing"
        check(got == rating, f"rating of {code}: {got}, want {rating}")
    disagreements = {q.action for q in report.quality_issues if q.code == "rating_disagreement"}
    for code in facts.get("rating_disagreements") or {}:
        check(code in disagreements, f"no rating_disagreement issue for {code}")
    for code, name in (facts.get("pillars") or {}).items():
        got = actions[code].pillar.name if code in actions else None
        check(fold(got or "") == fold(name), f"pillar of {code}: {got!r}, want {name!r}")
    with_notes = sorted(c for c, a in actions.items() if a.notes)
    if "notes_actions" in facts:
        check(with_notes == sorted(facts["notes_actions"]), f"actions with notes {with_notes}")
    delayed = sorted(c for c, a in actions.items() if a.delayed)
    want_delayed = sorted(facts.get("delayed") or [])
    check(delayed == want_delayed, f"delayed {delayed}, want {want_delayed}")
    for code, causes in (facts.get("causes") or {}).items():
        got = sorted({c.cause for c in actions[code].delay_causes}) if code in actions else ["missing"]
        check(got == sorted(causes), f"causes of {code}: {got}, want {sorted(causes)}")
    for status, key in (("secured", "funding_secured"), ("sought", "funding_sought")):
        got = sorted(c for c, a in actions.items() if status in a.funding_status)
        check(got == sorted(facts.get(key) or []), f"funding {status} {got}, want {sorted(facts.get(key) or [])}")
    for code, date in (facts.get("planned_start") or {}).items():
        got = actions[code].timing_value("planned_start") if code in actions else "missing"
        check(got == str(date), f"planned start of {code}: {got}, want {date}")
    flagged = {q.action for q in report.quality_issues}
    for code in facts.get("quality_issue_actions") or []:
        check(code in flagged, f"no quality issue for {code}")
    for code, title in (facts.get("action_titles") or {}).items():
        got = actions[code].title if code in actions else None
        check(fold(got or "") == fold(title), f"title of {code}: {got!r}")
    return bad


def test_there_are_enough_independent_documents() -> None:
    formats = {path.suffix if not path.name.endswith(".layout.txt") else ".layout.txt" for _, path in CASES}
    assert len(CASES) >= 8
    assert {".md", ".docx", ".pdf", ".layout.txt"} <= formats
    languages = {_facts(f)["language"] for f in FACTS}
    assert {"en", "fr", "es"} & languages >= {"en", "es"}


@pytest.mark.parametrize(("facts_path", "document"), CASES, ids=[d.name for _, d in CASES])
def test_hand_written_facts_hold(facts_path: Path, document: Path) -> None:
    report = read_report(document)
    bad = mismatches(report, _facts(facts_path))
    assert not bad, f"{document.name}:\n  " + "\n  ".join(bad)


@pytest.mark.parametrize(("facts_path", "document"), CASES, ids=[d.name for _, d in CASES])
def test_nothing_is_lost_silently(facts_path: Path, document: Path) -> None:
    """Either the loader read nearly all of the text, or it says what it missed."""
    report = read_report(document)
    codes = {q.code for q in report.quality_issues}
    assert report.coverage.share >= MIN_COVERAGE or "low_coverage" in codes
    assert sum(1 for a in report.actions if a.notes) * 2 >= len(report.actions) or "notes_missing" in codes


WORD_FILES = sorted({d for _, d in CASES if d.suffix == ".docx"})


@pytest.mark.parametrize("docx", WORD_FILES, ids=[d.name for d in WORD_FILES])
def test_live_producers(docx: Path, tmp_path: Path) -> None:
    """This machine's LibreOffice and pdftotext make files the loader reads with the same facts."""
    require_tool("soffice", "make office")
    require_tool("pdftotext", "make office")
    from tests.data.handmade.build import to_layout_text, to_pdf

    facts_path = HANDMADE / f"{docx.name}.facts.yaml"
    facts = _facts(facts_path)
    pdf = to_pdf(docx, tmp_path)
    text = to_layout_text(pdf, tmp_path / f"{docx.stem}.layout.txt")
    for made in (pdf, text):
        if any(name.endswith(made.suffix) for name in facts.get("files", [])):
            bad = mismatches(read_report(made), facts)
            assert not bad, f"{made.name} (made here):\n  " + "\n  ".join(bad)


OUR_WORD_FILES = {  # Word files of our renderer -> the markup they were rendered from
    ROOT / "tests/data/docx/sources/cambodia_sc66.docx": ROOT / "data/raw/cambodia_sc66_progress_report.md",
    ROOT / "tests/data/docx/sources/cambodia_sc66_fr.docx": ROOT / "tests/data/text/sources/cambodia_sc66_fr.md",
    ROOT / "tests/data/docx/sources/examplia_sc70.docx": ROOT / "tests/data/text/sources/examplia_sc70.md",
}


def key_facts(report: Report) -> dict:
    """What a reader compares between two producers of one document (paragraphing aside)."""
    return {
        "report": (report.party.iso3, report.meeting.code, report.period.start, report.period.end),
        "actions": {a.code: (a.title, a.rating, a.pillar.name, a.delayed, sorted({c.cause for c in a.delay_causes}),
                             a.funding_status, a.timing_value("planned_start"), bool(a.notes))
                    for a in report.actions},
        "issues": sorted({(q.code, q.action) for q in report.quality_issues if q.code != "low_coverage"}),
    }


@pytest.mark.parametrize("docx", list(OUR_WORD_FILES), ids=[d.name for d in OUR_WORD_FILES])
def test_another_pdf_producer_gives_the_same_facts(docx: Path, tmp_path: Path) -> None:
    """LibreOffice's PDF (and its pdftotext text) of our Word fixtures read like the markup
    they came from: rows cut by page breaks, words broken in narrow columns, grids that change."""
    require_tool("soffice", "make office")
    require_tool("pdftotext", "make office")
    from tests.data.handmade.build import to_layout_text, to_pdf

    expected = key_facts(read_report(OUR_WORD_FILES[docx]))
    pdf = to_pdf(docx, tmp_path)
    for made in (pdf, to_layout_text(pdf, tmp_path / f"{docx.stem}.layout.txt")):
        assert key_facts(read_report(made)) == expected, made.name
