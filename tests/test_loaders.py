"""The sample report and its variants: what a reader of the parsed report would see."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from loaders.formats.text import _cell
from loaders.models import Report
from loaders.pipeline import read_report
from loaders.reference import label_key, reference
from loaders.table_cells import split_actions
from tests.helpers import SAMPLE, edited_sample


@pytest.fixture(scope="module")
def sample() -> Report:
    return read_report(SAMPLE)


def by_code(report: Report) -> dict:
    return {a.code: a for a in report.actions}


def issues(report: Report, code: str) -> list:
    return [q for q in report.quality_issues if q.code == code]


# --- the acceptance facts of the sample ----------------------------------------------


def test_sample_title_block(sample: Report) -> None:
    assert (sample.party.iso3, sample.party.name) == ("KHM", "Cambodia")
    assert sample.meeting.code == "SC66"
    assert (sample.period.start, sample.period.end) == ("2014-11", "2015-09")
    assert sample.language == "en"
    assert sample.rating_scale == "2014"
    assert sample.prepared_by.startswith("Heng Kimchhay")


def test_sample_ratings(sample: Report) -> None:
    ratings = {a.code: a.rating for a in sample.actions}
    assert len(ratings) == 13
    assert Counter(ratings.values()) == {"on_track": 9, "substantially_achieved": 2, "challenging": 2}
    assert {c for c, r in ratings.items() if r == "substantially_achieved"} == {"4.1", "6.1"}
    assert {c for c, r in ratings.items() if r == "challenging"} == {"1.2", "2.4"}


def test_pillar_names_come_from_part_b_where_part_c_has_placeholders(sample: Report) -> None:
    names = {a.pillar.number: a.pillar.name for a in sample.actions}
    assert names == {1: "Legislation", 2: "Enforcement", 3: "Judiciary and prosecutions",
                     4: "Drivers and Prevention", 5: "Data reporting and analysis", 6: "Other"}
    assert {q.action for q in issues(sample, "pillar_placeholder")} == {"2.1", "3.1", "4.1", "5.1"}


def test_action_split_by_page_break_is_whole(sample: Report) -> None:
    action = by_code(sample)["2.3"]
    assert action.title == ("Enhance awareness and capacity of Customs and other relevant "
                            "agencies of wildlife trafficking")
    assert [n.text for n in action.notes] == [
        "No implementation to date, implementation is not due to begin until 2016",
        "We are currently seeking funding to implement this activity",
    ]


def test_rating_placeholder_uses_part_b_and_is_flagged(sample: Report) -> None:
    action = by_code(sample)["5.2"]
    assert action.rating == "on_track"
    assert action.rating_labels == {"summary_table": "On track", "detailed": "PROGRESS RATING"}
    (issue,) = issues(sample, "rating_placeholder")
    assert issue.action == "5.2"


def test_template_instruction_is_flagged_and_not_a_note(sample: Report) -> None:
    notes = [n.text for n in by_code(sample)["1.2"].notes]
    assert not any(n.startswith("Progress summary") for n in notes)
    (issue,) = issues(sample, "template_instruction")
    assert issue.action == "1.2" and issue.evidence.startswith("Progress summary – if required")


def test_italic_comments_and_priority_marks(sample: Report) -> None:
    actions = by_code(sample)
    assert [n.is_comment for n in actions["1.1"].notes] == [False, False, True]
    assert actions["1.1"].is_priority and not actions["2.2"].is_priority
    assert not any("*" in a.title or "[" in a.title for a in sample.actions)


def test_synopsis_counts_agree_with_tables(sample: Report) -> None:
    assert issues(sample, "synopsis_count_mismatch") == []


# --- invariants ------------------------------------------------------------------------


def test_every_action_has_one_rating_or_an_issue(sample: Report) -> None:
    flagged = {q.action for q in sample.quality_issues if q.code.startswith("rating_")}
    for action in sample.actions:
        assert (action.rating is not None) or (action.code in flagged)
        assert action.rating is None or action.rating in reference().ratings


def test_codes_unique_and_pillars_named(sample: Report) -> None:
    codes = [a.code for a in sample.actions]
    assert len(codes) == len(set(codes))
    assert all(a.pillar.number and a.pillar.name for a in sample.actions)
    assert all(a.title and a.notes for a in sample.actions)


# --- quality checks on edited copies of the sample -----------------------------------


def test_part_b_part_c_disagreement_keeps_both_labels(tmp_path: Path) -> None:
    path = edited_sample(tmp_path, "disagree.md", ("Endangered species*]\t<b>[ON TRACK]</b>",
                                                   "Endangered species*]\t<b>[CHALLENGING]</b>"))
    report = read_report(path)
    action = by_code(report)["1.1"]
    assert action.rating == "challenging"
    assert action.rating_labels == {"summary_table": "On track", "detailed": "CHALLENGING"}
    assert [q.action for q in issues(report, "rating_disagreement")] == ["1.1"]


def test_synopsis_count_mismatch(tmp_path: Path) -> None:
    path = edited_sample(tmp_path, "counts.md", ("Nine out of the thirteen", "Ten out of the fourteen"))
    (issue,) = issues(read_report(path), "synopsis_count_mismatch")
    assert "10 on track (tables: 9)" in issue.message and "14 actions" in issue.message
    assert issue.evidence.startswith("Ten out of the fourteen")


def test_action_in_one_part_only(tmp_path: Path) -> None:
    path = edited_sample(tmp_path, "onepart.md", (
        "6. Other\t6.1 Explore implementation of the ICCWC Wildlife and Forest Crime Analytic "
        "Toolkit in Cambodia\t\t\t", "6. Other\t\t\t\t"))
    report = read_report(path)
    assert [q.action for q in issues(report, "action_only_in_detail")] == ["6.1"]
    assert by_code(report)["6.1"].rating == "substantially_achieved"


def test_duplicate_action_code(tmp_path: Path) -> None:
    path = edited_sample(tmp_path, "dup.md", ("2.2 [Determine ways", "2.1 [Determine ways"))
    report = read_report(path)
    assert [q.action for q in issues(report, "duplicate_action_code")] == ["2.1"]
    assert [q.action for q in issues(report, "action_only_in_summary")] == ["2.2"]


def test_missing_rating_is_not_rated_with_issue(tmp_path: Path) -> None:
    path = edited_sample(tmp_path, "norating.md", (
        "5. [Data reporting and analysis]\t\t5.1 Regular reporting and information sharing with "
        "relevant agencies  5.2 Explore sharing of intelligence related to wildlife crimes through "
        "international mechanisms\t\t",
        "5. [Data reporting and analysis]\t\t5.1 Regular reporting and information sharing with "
        "relevant agencies\t\t"))
    report = read_report(path)
    assert by_code(report)["5.2"].rating is None
    assert {q.code for q in report.quality_issues if q.action == "5.2"} >= {
        "rating_placeholder", "action_only_in_detail"}


def test_meeting_from_prepared_for_not_title(tmp_path: Path) -> None:
    path = edited_sample(tmp_path, "reused.md", ("Prepared for the 66th meeting", "Prepared for the 67th meeting"))
    report = read_report(path)
    assert report.meeting.code == "SC67"
    assert report.title.startswith("CITES SC66")


def test_meeting_from_annex_stamp(tmp_path: Path) -> None:
    path = edited_sample(tmp_path, "stamp.md",
                         ("Prepared for the 66th meeting of the CITES Standing Committee",
                          "SC69 Doc. 29.3 Annex 14"))
    assert read_report(path).meeting.code == "SC69"


def test_meeting_from_title_is_flagged(tmp_path: Path) -> None:
    path = edited_sample(tmp_path, "title.md",
                         ("Prepared for the 66th meeting of the CITES Standing Committee", ""))
    report = read_report(path)
    assert report.meeting.code == "SC66"
    assert issues(report, "meeting_from_title")


@pytest.mark.parametrize(("written", "iso3"), [
    ("CAMBODIA", "KHM"), ("CAMBODGE", "KHM"), ("Viet Nam", "VNM"), ("Vietnam", "VNM"),
    ("United Republic of Tanzania", "TZA"), ("Lao People's Democratic Republic", "LAO"),
    ("Lao People’s Democratic Republic", "LAO"), ("République démocratique du Congo", "COD"),
    ("Hong Kong SAR", "HKG"), ("Nigéria", "NGA"),
])
def test_party_spellings(written: str, iso3: str) -> None:
    assert reference().party(written).iso3 == iso3


@pytest.mark.parametrize(("label", "code"), [
    ("[ON TRACK]", "on_track"), ("On-Track", "on_track"), ("Substantively implemented", "substantially_achieved"),
    ("Partial progress", "partial_progress"), ("Pending completion of another action", "pending"),
    ("Not commenced", "not_commenced"), ("Réalisée", "achieved"), ("EN BONNE VOIE", "on_track"),
    ("Progrès partiels", "partial_progress"), ("Peu clair", "unclear"), ("Sustancialmente logrado",
    "substantially_achieved"), ("Bien encaminado", "on_track"), ("No iniciado", "not_commenced"),
    ("Difícil", "challenging"), ("En attente de l'achèvement d'une autre action", "pending"),
])
def test_rating_labels_in_three_languages(label: str, code: str) -> None:
    assert reference().rating(label).code == code


def test_rating_placeholders_and_unknown_labels() -> None:
    assert reference().rating("[PROGRESS RATING]").kind == "placeholder"
    assert reference().rating("[NOTE D'ÉVALUATION]").kind == "placeholder"
    assert reference().rating("").kind == "blank"
    assert reference().rating("Excellent").kind == "unknown"


@pytest.mark.parametrize("label", ["[ON-TRACK]*", "Réalisée", "  Peu  clair ", "N/A"])
def test_label_key_is_idempotent(label: str) -> None:
    assert label_key(label_key(label)) == label_key(label)


def test_unknown_rating_label_becomes_issue(tmp_path: Path) -> None:
    path = edited_sample(tmp_path, "unknown.md", ("<b>[SUBSTANTIALLY ACHIEVED]</b>", "<b>[NEARLY THERE]</b>"))
    report = read_report(path)
    (issue,) = issues(report, "rating_unknown_label")
    assert issue.action == "4.1" and "NEARLY THERE" in issue.message
    assert by_code(report)["4.1"].rating == "substantially_achieved"  # Part B's


def test_several_actions_run_together_in_one_cell() -> None:
    cell = _cell("5.1 Regular reporting and information sharing with relevant agencies  "
                 "5.2 Explore sharing of intelligence related to wildlife crimes")
    assert [(c, t) for c, t, _ in split_actions(cell)] == [
        ("5.1", "Regular reporting and information sharing with relevant agencies"),
        ("5.2", "Explore sharing of intelligence related to wildlife crimes"),
    ]


def test_actions_in_paragraphs_keep_priority_marks() -> None:
    cell = _cell("<p>2.2 Determine ways</p> <p>2.3 Enhance awareness of trafficking *</p>")
    assert split_actions(cell) == [("2.2", "Determine ways", False),
                                   ("2.3", "Enhance awareness of trafficking", True)]


def test_windows_1252_text_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "cp1252.txt"
    path.write_bytes(SAMPLE.read_text(encoding="utf-8").encode("cp1252"))
    report = read_report(path)
    assert report.period.raw == "November 2014 – September 2015"
    assert len(report.actions) == 13


def test_a_code_column_cell_without_a_code_is_untitled_not_a_crash() -> None:
    """Regression (found by the fuzz run): a row of the code column whose cell starts with no
    action code made the table reader call .end() on None."""
    from loaders.table_shapes import _after_code

    assert _after_code("no code in this cell") == ""
    assert _after_code("1.1 Revise the law") == "Revise the law"
