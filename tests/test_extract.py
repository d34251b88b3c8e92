"""Facts from the notes: delays and causes, funding, timing, each with its evidence."""

from __future__ import annotations

import pytest

from loaders.evaluate import evaluate
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


# Regression floors for `python -m loaders.evaluate`: the lexicon was written with the
# labelled set in view (in-sample figures); the held-out set was written separately and
# never used to tune it. A change that lowers a figure below its floor fails here.
FLOORS = {
    "labelled_sentences.csv": {"precision": 0.95, "recall": 0.85},
    "heldout_sentences.csv": {"precision": 0.90, "recall": 0.20},
}
HELDOUT_DELAYED_RECALL = 0.80


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_lexicon_precision_and_recall(name: str) -> None:
    result = evaluate(LABELLED / name)
    assert result.rows >= 75
    floors = FLOORS[name]
    for label, score in result.scores.items():
        if label == "unspecified":  # by definition, what the other causes miss
            continue
        assert score.precision >= floors["precision"], (label, score)
        assert score.recall >= floors["recall"], (label, score)
    if name.startswith("heldout"):
        assert result.scores["delayed"].recall >= HELDOUT_DELAYED_RECALL


def test_labelled_set_covers_three_languages_and_every_cause() -> None:
    import csv

    rows = list(csv.DictReader((LABELLED / "labelled_sentences.csv").open(encoding="utf-8")))
    assert len(rows) >= 80
    assert {r["language"] for r in rows} == {"en", "fr", "es"}
    causes = {c for r in rows for c in r["causes"].split(";") if c}
    assert causes == {"funding", "coordination", "capacity", "approval", "external", "unspecified"}
