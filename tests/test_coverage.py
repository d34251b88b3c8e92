"""No silent loss: every paragraph and cell is used or listed as unread, and a report that
loses its notes says so (in `check`, in the database, on the Data quality page).

Also the regressions found on documents we did not write: a detail table whose header is
worded otherwise, a Party's own layout, a placeholder in a rating cell, words broken
across lines in narrow columns, columns set one space apart by pdftotext.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from loaders.formats.layout import read_layout
from loaders.models import RawTable
from loaders.pipeline import read_report
from loaders.reference import reference
from tests.helpers import SAMPLE, edited_sample, run_cli

PART_C = "## PART C: Detailed evaluation of actions"


def notes_lost(folder: Path, name: str = "khm_sc66_notes_as_prose.md") -> Path:
    """The sample with Part C's table rewritten as plain prose without ratings: the notes are
    there for a reader, but in no shape the loader reads."""
    text = SAMPLE.read_text(encoding="utf-8")
    head = text[: text.index(PART_C)]
    prose = "\n\n".join(
        f"Concerning objective {code}, the work continued during the period and more meetings were held "
        f"with the relevant departments on the next steps."
        for code in ("1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5", "3.1", "3.2", "4.1", "5.1", "5.2", "6.1")
    )
    path = folder / name
    path.write_text(head + PART_C + "\n\n" + prose + "\n", encoding="utf-8")
    return path


def test_sample_is_read_whole() -> None:
    report = read_report(SAMPLE)
    assert report.coverage.share > 0.99
    assert [u.text for u in report.coverage.unread] == ["3"]  # a stray page number in the title block
    assert {q.code for q in report.quality_issues}.isdisjoint({"low_coverage", "notes_missing"})


def test_check_prints_coverage_and_what_was_not_read(tmp_path: Path) -> None:
    result = run_cli("check", str(SAMPLE), str(notes_lost(tmp_path)))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any("KHM SC66, 13 actions" in line and "coverage 100.0%" in line for line in lines)
    assert "  not read (1 characters):" in lines and "    paragraph 3: 3" in lines
    lost = result.stdout[result.stdout.index("khm_sc66_notes_as_prose.md"):]
    assert "notes_missing (report): Progress notes were read for 0 of 13 actions" in lost
    assert "low_coverage (report): Only" in lost
    assert "Concerning objective 1.1, the work continued" in lost  # listed as not read


def test_a_report_that_loses_its_notes_is_flagged_as_a_warning_in_the_database(tmp_path: Path) -> None:
    db = tmp_path / "niap.duckdb"
    assert run_cli("load", str(notes_lost(tmp_path)), "--db", str(db)).returncode == 0
    con = duckdb.connect(str(db), read_only=True)
    issues = dict(con.execute(
        "SELECT issue_code, severity FROM out_quality_issues WHERE issue_code IN ('notes_missing', 'low_coverage')"
    ).fetchall())
    assert issues == {"notes_missing": "warning", "low_coverage": "warning"}
    coverage, unread = con.execute("SELECT coverage, unread_chars FROM out_reports").fetchall()[0]
    assert coverage < 0.9 and unread > 1000
    texts = [t for (t,) in con.execute("SELECT text FROM out_unread_text ORDER BY item_index").fetchall()]
    assert texts[0] == "3" and len(texts) == 14 and texts[1].startswith("Concerning objective 1.1")
    con.close()


def test_a_detail_table_is_found_by_what_it_holds_not_its_header(tmp_path: Path) -> None:
    renamed = edited_sample(
        tmp_path, "khm_other_header.md",
        ("ACTION\tEVALUATION\tSUMMARY OF PROGRESS (and <i>comments</i> )",
         "No. and measure\tAssessment this period\tWhat was done, with remarks"),
    )
    original, report = read_report(SAMPLE), read_report(renamed)
    assert [len(a.notes) for a in report.actions] == [len(a.notes) for a in original.actions]
    assert sorted(a.code for a in report.actions if a.delayed) == ["1.1", "1.2", "2.4", "3.1"]


def test_own_layout_with_lettered_codes_and_rating_lines(tmp_path: Path) -> None:
    path = tmp_path / "own.md"
    path.write_text(
        "NATIONAL IVORY ACTION PLAN – PROGRESS REPORT\n\nPrepared for the 77th meeting of the Standing Committee\n\n"
        "Party: Fictoria\n\nReporting period: January 2022 – June 2023\n\n## 1. SYNOPSIS\n\n"
        "Funding has been secured for E9.\n\n## 3. DETAILED EVALUATION OF ACTIONS\n\n"
        "### Pillar E – Reporting\n\nAction E9 – Report seizures to ETIS\n\nProgress rating: On track\n\n"
        "- Seizure data for 2022 were sent.\n\nAction F.2 – Destroy the stockpile\n\n"
        "Progress rating: [PROGRESS RATING]\n\n- Nothing was done yet.\n",
        encoding="utf-8",
    )
    report = read_report(path)
    actions = {a.code: a for a in report.actions}
    assert list(actions) == ["E9", "F.2"]
    assert actions["E9"].rating == "on_track" and actions["E9"].pillar.name == "Reporting"
    assert actions["E9"].funding_status == ["secured"]
    assert actions["F.2"].rating is None  # a placeholder is never a rating
    assert {(q.code, q.action) for q in report.quality_issues} >= {("rating_placeholder", "F.2")}


@pytest.mark.parametrize("label", ["[PROGRESS RATING]", "PROGRESS RAT ING", "[NOTE D'ÉVALUATION]",
                                   "CALIFICACIÓN DE PROGRESO"])
def test_placeholders_are_never_ratings(label: str) -> None:
    assert reference().rating(label).kind == "placeholder"


def test_a_rating_broken_inside_a_word_is_still_read() -> None:
    assert reference().rating("Substantielleme nt réalisé").code == "substantially_achieved"


LAYOUT = """\
No.      Action                Progress        Summary of progress and
                               rating          comments
Pillar 1 – Legislation and regulations
1.1    Amend the Wildlife Act Achieved          The Wildlife (Amendment) Act 2023
       to make possession of                    was passed in October 2023.
1.2    Revise the national    On track          The draft is with the national
       enforceme                                enforcement agencies for review.
       nt strategy
"""


def test_pdftotext_columns_one_space_apart_and_words_broken_in_narrow_columns() -> None:
    table = next(b for b in read_layout(LAYOUT) if isinstance(b, RawTable))
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[2] == ["1.1", "Amend the Wildlife Act to make possession of", "Achieved",
                       "The Wildlife (Amendment) Act 2023 was passed in October 2023."]
    assert rows[3][1] == "Revise the national enforcement strategy"
