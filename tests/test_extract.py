"""Facts from the notes: delays and causes, funding, timing, each with its evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.devtools.evaluate import evaluate
from loaders.extract import codes_named, read_sentence
from loaders.models import Report
from loaders.pipeline import read_report
from tests.helpers import ROOT, SAMPLE

TEXT = ROOT / "tests" / "data" / "text" / "sources"
LABELLED = ROOT / "tests" / "data" / "extract"


@pytest.fixture(scope="module")
def sample() -> Report:
    return read_report(SAMPLE)


def facts(report: Report) -> dict[str, tuple]:
    """Everything extracted per action, language-independent."""
    return {
        a.code: (a.delayed, sorted({c.cause for c in a.delay_causes}), a.funding_status,
                 a.timing_value("planned_start"), a.timing_value("expected_completion"))
        for a in report.actions
    }


def test_delayed_actions(sample: Report) -> None:
    assert {a.code for a in sample.actions if a.delayed} == {"1.1", "1.2", "2.4", "3.1"}


def test_causes(sample: Report) -> None:
    causes = {a.code: {c.cause for c in a.delay_causes} for a in sample.actions}
    assert {"coordination"} <= causes["1.2"] and {"coordination"} <= causes["2.4"]
    assert {"funding"} <= causes["3.1"]
    assert causes["1.1"] == {"funding", "coordination"}
    assert {c.evidence.where for c in next(a for a in sample.actions if a.code == "1.1").delay_causes} == {"synopsis"}
    assert all(not v for k, v in causes.items() if k not in {"1.1", "1.2", "2.4", "3.1"})


def test_funding(sample: Report) -> None:
    secured = {a.code for a in sample.actions if "secured" in a.funding_status}
    sought = {a.code for a in sample.actions if "sought" in a.funding_status}
    assert secured == {"1.1", "1.2", "2.4", "2.5", "3.1", "5.1"}
    assert sought == {"2.1", "2.3", "2.4", "2.5", "3.2"}


def test_timing(sample: Report) -> None:
    starts = {a.code: a.timing_value("planned_start") for a in sample.actions if a.timing_value("planned_start")}
    assert starts == {"2.1": "2015-10", "2.2": "2016", "2.3": "2016", "3.2": "2016-01", "5.2": "2015-11"}
    completion = {a.code: a.timing_value("expected_completion") for a in sample.actions}
    assert completion["1.1"] == "2016-09"  # "within 12 months" of September 2015
    assert completion["3.1"] == "2016-06"  # "within the next 6-9 months": the action's own note wins
    window = next(t for a in sample.actions if a.code == "3.1" for t in a.timing)
    assert (window.window_start, window.window_end) == ("2016-03", "2016-06")


def test_every_fact_has_its_sentence(sample: Report) -> None:
    for action in sample.actions:
        for fact in (*action.delay_causes, *action.funding, *action.timing):
            evidence = fact.evidence
            assert evidence.where in ("synopsis", "notes")
            assert evidence.matched and evidence.matched in evidence.sentence
            if evidence.where == "notes":
                assert any(evidence.sentence in n.text for n in action.notes)
            else:
                assert action.code in evidence.sentence or "these activities" in evidence.sentence


@pytest.mark.parametrize("translation", ["cambodia_sc66_fr.md", "cambodia_sc66_es.md"])
def test_translations_yield_the_same_facts(sample: Report, translation: str) -> None:
    other = read_report(TEXT / translation)
    assert other.language == translation[-5:-3]
    assert facts(other) == facts(sample)
    assert [(a.code, a.rating, a.pillar.number, a.is_priority) for a in other.actions] == [
        (a.code, a.rating, a.pillar.number, a.is_priority) for a in sample.actions]
    assert (other.party, other.meeting.code, other.period.start, other.period.end) == (
        sample.party.__class__(sample.party.name, sample.party.iso3, raw=other.party.raw),
        sample.meeting.code, sample.period.start, sample.period.end)
    assert [q.code for q in other.quality_issues] == [q.code for q in sample.quality_issues]


KNOWN = ["1.1", "1.2", "1.3", "1.4", "2.1", "2.3", "2.4", "2.5", "3.2"]


@pytest.mark.parametrize(("text", "codes"), [
    ("delays with the implementation of activities 1.1, 1.2, 2.4 and 3.1", ["1.1", "1.2", "2.4"]),
    ("for the following activities: 2.1, 2.3, 2.4, 2.5, 3.2.", ["2.1", "2.3", "2.4", "2.5", "3.2"]),
    ("actions 1.1 to 1.4 are delayed", ["1.1", "1.2", "1.3", "1.4"]),
    ("les activités 1.2–1.4 et 2.1", ["1.2", "1.3", "1.4", "2.1"]),
    ("las actividades 1.1 y 2.5", ["1.1", "2.5"]),
    ("a budget of US$ 1.5 million and 2.4 tonnes of ivory", ["2.4"]),
])
def test_codes_named_in_a_sentence(text: str, codes: list[str]) -> None:
    assert [c for _, c in codes_named(text, KNOWN)] == codes


@pytest.mark.parametrize(("sentence", "delayed", "causes", "funding"), [
    ("Implementation is not due to begin until October 2015.", False, set(), []),
    ("Funding has been secured and work is on schedule.", False, set(), ["secured"]),
    ("No delays were encountered.", False, set(), []),
    ("Progress has been delayed due to difficulties coordinating with Customs", True, {"coordination"}, []),
    ("Overall, progress is running a bit behind schedule", True, set(), []),
    ("La mise en œuvre a pris du retard faute de financement.", True, {"funding"}, []),
    ("La actividad se ha retrasado por falta de fondos y por las elecciones.", True, {"funding", "external"}, []),
])
def test_read_sentence(sentence: str, delayed: bool, causes: set[str], funding: list[str]) -> None:
    facts_ = read_sentence(sentence)
    assert facts_.delayed == delayed
    assert set(facts_.causes) == causes
    assert facts_.statuses() == funding


# Floors for `python -m loaders.devtools.evaluate`, each at most 0.03 below what was measured, so a
# change that lowers a figure fails here. The development set is ../shared/eval (written
# independently of the lexicon; read from ../shared, never copied); the tuning set is the
# one the lexicon's authors read while writing rules (tests/data/extract). Measured on
# both: tests/README.md and the issue notes say how recall looks on wording nobody tuned to.
DEV_SET = ROOT.parent / "shared" / "eval" / "note_sentences.csv"
DEV_FLOORS = {  # label: (precision, recall)
    "delayed": (0.97, 0.97), "funding": (0.97, 0.97), "coordination": (0.97, 0.97),
    "capacity": (0.97, 0.97), "approval": (0.97, 0.91), "external": (0.97, 0.97),
    "unspecified": (0.97, 0.97), "secured": (0.97, 0.97), "sought": (0.97, 0.97),
}
TUNING_FLOORS = {
    "delayed": (0.97, 0.95), "funding": (0.97, 0.94), "coordination": (0.97, 0.88),
    "capacity": (0.97, 0.88), "approval": (0.94, 0.90), "external": (0.97, 0.97),
    "unspecified": (0.76, 0.97), "secured": (0.94, 0.93), "sought": (0.96, 0.97),
}
TARGETS = {  # issue 11: label -> (precision, recall) on the development set
    "delayed": (0.95, 0.92), "unspecified": (0.80, 0.0),
    **{label: (0.90, 0.85) for label in ("funding", "coordination", "capacity", "approval", "external",
                                         "secured", "sought")},
}


@pytest.mark.parametrize(("path", "floors"), [(DEV_SET, DEV_FLOORS), (LABELLED / "labelled_sentences.csv",
                                                                        TUNING_FLOORS)], ids=["development", "tuning"])
def test_precision_and_recall_floors(path: Path, floors: dict[str, tuple[float, float]]) -> None:
    assert path.exists(), f"{path} is missing: the development set is read from ../shared/eval"
    result = evaluate(path)
    assert result.rows >= 150
    low = {label: (round(s.precision, 2), round(s.recall, 2)) for label, s in result.scores.items()
           if s.precision < floors[label][0] or s.recall < floors[label][1]}
    assert not low, f"below the floors {floors}: {low}"


def test_development_set_meets_the_targets() -> None:
    result = evaluate(DEV_SET)
    for label, (precision, recall) in TARGETS.items():
        score = result.scores[label]
        assert score.precision >= precision and score.recall >= recall, (label, score)


def test_no_sentence_is_shared_between_tuning_and_evaluation() -> None:
    """A tuning sentence repeated or closely paraphrased in an evaluation set, or in a shipped
    report, would turn a measurement into a memory test."""
    from tests.sentence_sets import EVALUATION, TUNING, near_duplicates, report_sentences, sentences

    others = [s for path in EVALUATION for _, s in sentences(path)] + list(report_sentences())
    assert not near_duplicates(sentences(TUNING), others)


def test_the_duplicate_check_sees_a_paraphrase() -> None:
    from tests.sentence_sets import near_duplicates

    found = near_duplicates([("x", "Cette action accuse un retard par rapport au calendrier initial.")],
                            ["Cette action est en retard par rapport au calendrier initial."])
    assert [f[0] for f in found] == ["x"]
    assert not near_duplicates([("y", "Funding was secured from the EU.")], ["The workshop took place in May."])


def test_labelled_set_covers_three_languages_and_every_cause() -> None:
    import csv

    rows = list(csv.DictReader((LABELLED / "labelled_sentences.csv").open(encoding="utf-8")))
    assert len(rows) >= 80
    assert {r["language"] for r in rows} == {"en", "fr", "es"}
    causes = {c for r in rows for c in r["causes"].split(";") if c}
    assert causes == {"funding", "coordination", "capacity", "approval", "external", "unspecified"}
