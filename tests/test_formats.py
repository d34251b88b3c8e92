"""Every format of a report gives the same facts; broken or unsafe files are refused.

Fixtures are built by tests/make_fixtures.py from the markup sources (DOCX with merged
and nested cells, PDF printed by Chromium with a Part C row across a page break, the
PDF's ``pdftotext -layout`` output, a French version, a 2017+ template report).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from loaders.errors import ReportLoadError
from loaders.formats import read_raw
from loaders.models import Report
from loaders.pipeline import read_report
from tests.helpers import ROOT, SAMPLE, run_cli
from tests.test_cli import assert_one_line_error

DATA = ROOT / "tests" / "data"
SAME_REPORT = {
    SAMPLE: [DATA / "docx/sources/cambodia_sc66.docx", DATA / "pdf/sources/cambodia_sc66.pdf",
             DATA / "pdftotext/sources/cambodia_sc66_layout.txt"],
    DATA / "text/sources/cambodia_sc66_fr.md": [DATA / "docx/sources/cambodia_sc66_fr.docx",
                                                 DATA / "pdf/sources/cambodia_sc66_fr.pdf"],
    DATA / "text/sources/examplia_sc70.md": [DATA / "docx/sources/examplia_sc70.docx"],
}
CASES = [(markup, other) for markup, others in SAME_REPORT.items() for other in others]


def facts(report: Report) -> dict:
    """What a reader compares across formats (language and provenance aside)."""
    return {
        "party": (report.party.iso3, report.party.name),
        "meeting": report.meeting.code,
        "period": (report.period.start, report.period.end),
        "scale": report.rating_scale,
        "actions": [
            {
                "code": a.code, "title": a.title, "priority": a.is_priority, "rating": a.rating,
                "labels": a.rating_labels, "pillar": (a.pillar.number, a.pillar.name, a.pillar.standard),
                "notes": [n.text for n in a.notes], "delayed": a.delayed,
                "causes": sorted({(c.cause, c.evidence.where) for c in a.delay_causes}),
                "funding": a.funding_status, "start": a.timing_value("planned_start"),
                "completion": a.timing_value("expected_completion"),
            }
            for a in report.actions
        ],
        "issues": [(q.code, q.action) for q in report.quality_issues],
    }


@pytest.mark.parametrize(("markup", "other"), CASES, ids=[o.name for _, o in CASES])
def test_format_gives_same_facts_as_markup(markup: Path, other: Path) -> None:
    expected, actual = facts(read_report(markup)), facts(read_report(other))
    for key in ("party", "meeting", "period", "scale", "issues"):
        assert actual[key] == expected[key], key
    assert [a["code"] for a in actual["actions"]] == [a["code"] for a in expected["actions"]]
    for mine, theirs in zip(actual["actions"], expected["actions"], strict=True):
        assert mine == theirs, mine["code"]


@pytest.mark.parametrize("path", [DATA / "docx/sources/cambodia_sc66.docx", DATA / "pdf/sources/cambodia_sc66.pdf"],
                         ids=lambda p: p.suffix)
def test_italic_comments_survive(path: Path) -> None:
    comments = {a.code: [n.text for n in a.notes if n.is_comment] for a in read_report(path).actions}
    assert comments["3.1"] == ["This activity is a little delayed due to lack of funding but we anticipate "
                               "to have completed this activity within the next 6-9 months"]
    assert comments["2.1"] == []


def test_pdf_provenance_names_pages_and_the_row_across_the_break() -> None:
    report = read_report(DATA / "pdf/sources/cambodia_sc66.pdf")
    action = next(a for a in report.actions if a.code == "2.3")
    assert "Part C page 4" in action.provenance and "page 5" in action.provenance
    assert action.title.endswith("other relevant agencies of wildlife trafficking")
    assert {n.provenance.split(",")[0] for n in action.notes} == {"page 4", "page 5"}


def test_pdf_running_heads_are_not_paragraphs() -> None:
    raw = read_raw(DATA / "pdf/sources/cambodia_sc66.pdf")
    texts = [p.text for p in raw.paragraphs]
    assert not any(t.startswith("Page ") or t.startswith("CITES SC66 NIAP progress report") for t in texts)
    assert "Party: CAMBODIA" in texts


def test_docx_merged_cells_read_once() -> None:
    raw = read_raw(DATA / "docx/sources/cambodia_sc66.docx")
    summary, detail = raw.tables[0], raw.tables[1]
    assert [c.text for c in summary.rows[0].cells] == ["CATEGORY/PILLAR", "PROGRESS RATING", "", "", ""]
    category = next(r for r in detail.rows if r.cells[0].text.startswith("CATEGORY 2"))
    assert [c.text for c in category.cells[1:]] == ["", ""]


# --- unsafe and broken input ---------------------------------------------------------


def _docx_bytes(**members: bytes) -> bytes:
    source = io.BytesIO((DATA / "docx/sources/cambodia_sc66.docx").read_bytes())
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        for name, data in members.items():
            zout.writestr(name, data)
    return out.getvalue()


def bad_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    bomb = tmp / "bomb.docx"
    bomb.write_bytes(_docx_bytes(**{"word/media/filler.bin": bytes(30 * 1024 * 1024)}))
    truncated_docx = tmp / "truncated.docx"
    truncated_docx.write_bytes((DATA / "docx/sources/cambodia_sc66.docx").read_bytes()[:15000])
    protected = tmp / "protected.docx"
    protected.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptedPackage".encode("utf-16-le"))
    title_only = tmp / "title_only.docx"
    document = docx.Document()
    for line in ("CITES SC70 NATIONAL IVORY ACTION PLAN PROGRESS REPORT",
                 "Prepared for the 70th meeting of the CITES Standing Committee", "Party: Malawi",
                 "Reporting period: July 2017 – June 2018", "PART A: Synopsis of NIAP implementation",
                 "All actions are on track."):
        document.add_paragraph(line)
    document.save(title_only)
    latin1 = tmp / "not_a_report.txt"
    latin1.write_bytes("Compte rendu de la réunion du comité des fêtes.\n".encode("latin-1"))
    return {
        "zip bomb": (bomb, "zip bomb"),
        "truncated docx": (truncated_docx, "damaged"),
        "password docx": (protected, "password"),
        "truncated pdf": (DATA / "bad/truncated.pdf", "damaged PDF"),
        "encrypted pdf": (DATA / "bad/encrypted.pdf", "encrypted"),
        "partial docx": (title_only, "found Party Malawi and meeting SC70 but no action table"),
        "latin-1 non-report": (latin1, "not a NIAP progress report"),
    }


@pytest.mark.parametrize("case", ["zip bomb", "truncated docx", "password docx", "truncated pdf",
                                  "encrypted pdf", "partial docx", "latin-1 non-report"])
def test_unsafe_or_broken_input_is_refused(tmp_path: Path, case: str) -> None:
    path, words = bad_files(tmp_path)[case]
    assert_one_line_error(run_cli("parse", str(path)), path, words)
    db = tmp_path / "niap.duckdb"
    assert_one_line_error(run_cli("load", str(path), "--db", str(db)), path, words)
    assert not db.exists()  # a failed load writes nothing, not even an empty database


def test_zip_bomb_is_refused_from_its_directory(tmp_path: Path) -> None:
    """The declared sizes give the bomb away: nothing is decompressed to refuse it."""
    path = bad_files(tmp_path)["zip bomb"][0]
    with pytest.raises(ReportLoadError, match="filler.bin"):
        read_raw(path)


def test_latin1_text_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "latin1.md"
    path.write_bytes(SAMPLE.read_text(encoding="utf-8").replace("–", "-").replace("•", "-")
                     .replace("Heng Kimchhay", "Hèng Kimchhay").encode("latin-1"))
    assert read_report(path).prepared_by.startswith("Hèng Kimchhay")

