"""The demo corpus: fictional Parties, generated deterministically, read back as planned.

data/demo/ is what ``python -m loaders demo`` writes with its defaults; the database built
from data/ marks every demo row ``is_demo`` and no demo Party carries a real country's code.
"""

from __future__ import annotations

import builtins
import csv
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from loaders.build import build
from loaders.cli import main
from loaders.devtools.demo import generate, readme_text
from loaders.devtools.demo_markup import report_markup
from loaders.devtools.demo_plan import ReportPlan, plan_corpus
from loaders.devtools.demo_simulate import MEETINGS
from loaders.devtools.render_model import RenderError
from loaders.devtools.render_pdf import PdfPrinter
from loaders.errors import BadInputError
from loaders.pipeline import read_report
from loaders.reference import DEMO_PARTIES_FILE, is_user_assigned, read_csv
from tests.helpers import ROOT, run_cli

DEMO_DIR = ROOT / "data" / "demo"
REAL_CODES = {r["party_iso3"] for r in read_csv("parties.csv") if r["is_demo"] != "true"}
CAUSES = {"funding", "coordination", "capacity", "approval", "external", "unspecified"}


def can_print_pdf() -> bool:
    """Playwright installed and Chromium present (PDF demo reports need both)."""
    return importlib.util.find_spec("playwright") is not None and Path(PdfPrinter().executable).is_file()


def read_facts(path: Path) -> tuple[dict, list]:
    """What a report says per action, and its quality issues, as the plan states them."""
    report = read_report(path)
    actions = {
        a.code: {"rating": a.rating, "delayed": a.delayed, "causes": sorted({c.cause for c in a.delay_causes}),
                 "funding": a.funding_status, "planned_start": a.timing_value("planned_start"),
                 "expected_completion": a.timing_value("expected_completion")}
        for a in report.actions
    }
    issues = sorted(((q.code, q.action) for q in report.quality_issues), key=lambda i: (i[0], i[1] or ""))
    return actions, issues


def assert_reads_as_planned(folder: Path, plan: ReportPlan) -> None:
    report = read_report(folder / plan.file_name)
    assert (report.party.iso3, report.meeting.code, report.language) == (
        plan.party.code, plan.meeting, plan.party.language), plan.file_name
    assert (report.period.start, report.period.end) == plan.period, plan.file_name
    actions, issues = read_facts(folder / plan.file_name)
    assert actions == plan.expected(), plan.file_name
    assert issues == plan.expected_issues(), plan.file_name


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --- the generator -------------------------------------------------------------------------


def test_same_arguments_give_the_same_bytes(tmp_path: Path) -> None:
    """Two processes with different hash seeds write identical files (DOCX and PDF included)."""
    share = "0.2" if can_print_pdf() else "0"
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "loaders", "demo", "--parties", "1", "--seed", "7", "--pdf-share", share,
             "--out", str(tmp_path / name)],
            cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": hash_seed}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for name, hash_seed in (("a", "1"), ("b", "2"))
    ]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    a, b = files(tmp_path / "a"), files(tmp_path / "b")
    assert a == b
    assert {name.rsplit(".", 1)[-1] for name in a} >= ({"md", "docx", "pdf"} if share != "0" else {"md", "docx"})


def test_generated_reports_read_back_as_planned(tmp_path: Path) -> None:
    """Every delay, cause, funding status, date, rating and template leftover is read as written."""
    result = generate(tmp_path, n_parties=3, seed=5, pdf_share=0.0)
    for plan in result.corpus.reports:
        assert_reads_as_planned(tmp_path, plan)


def test_data_demo_is_the_default_corpus_and_reads_back_as_planned() -> None:
    corpus = plan_corpus()
    names = {p.name for p in DEMO_DIR.iterdir() if not p.name.startswith(".")}
    assert names == {r.file_name for r in corpus.reports} | {"README.md", "secretariat_ratings.csv"}
    assert (DEMO_DIR / "README.md").read_text(encoding="utf-8") == readme_text(corpus)
    for plan in corpus.reports:
        if plan.format == "md":  # the markup is what the generator writes today
            assert (DEMO_DIR / plan.file_name).read_text(encoding="utf-8") == report_markup(plan), plan.file_name
        assert_reads_as_planned(DEMO_DIR, plan)
    assert sum(p.stat().st_size for p in DEMO_DIR.iterdir()) < 5 * 1024 * 1024


def test_default_corpus_has_the_variety_the_dashboard_shows() -> None:
    corpus = plan_corpus()
    counts = corpus.counts()
    assert len(corpus.parties) == 8 and {p.code for p in corpus.parties} == {f"X{c}" for c in "ABCDEFGH"}
    assert 0.10 <= len(corpus.missing) / (8 * len(MEETINGS)) <= 0.15
    assert counts["format"]["pdf"] >= 3 and counts["format"]["docx"] >= 8 and counts["format"]["md"] >= 30
    assert {p.code for p in corpus.parties if p.language == "fr"} == {"XE", "XH"}
    assert {p.trajectory for p in corpus.parties} >= {"improving", "stalling", "slipping"}
    assert any(p.pillar_set is not None for p in corpus.parties)
    quirks = [r.quirks for r in corpus.reports]
    assert any(q.pillar_placeholders for q in quirks) and any(q.rating_placeholder for q in quirks)
    assert any(q.instruction for q in quirks) and any(q.disagreement for q in quirks)
    assert any(q.count_error for q in quirks) and any(q.count_sentence and not q.count_error for q in quirks)
    assert any(r.missed for r in corpus.reports)  # a late report covering a missed one


def test_french_report_is_read_as_french(tmp_path: Path) -> None:
    plan = next(r for r in plan_corpus(8, 1, 0.0).reports if r.party.code == "XE" and r.meeting == "SC70")
    path = tmp_path / plan.file_name
    path.write_text(report_markup(plan), encoding="utf-8")
    report = read_report(path)
    assert report.language == "fr" and report.party.iso3 == "XE" and report.rating_scale == "2017"
    assert "Préparé pour la 70e session" in path.read_text(encoding="utf-8")
    assert {a.pillar.standard for a in report.actions} == {
        "legislation", "national_enforcement", "international_enforcement", "outreach", "reporting"}
    assert all(a.rating for a in report.actions)


def test_more_parties_than_parties_csv_are_made_up_with_user_assigned_codes(tmp_path: Path) -> None:
    generated = tmp_path / "generated"
    generate(generated, n_parties=20, seed=3, pdf_share=0.0, docx_share=0.0)
    extra = read_csv_rows(generated / DEMO_PARTIES_FILE)
    assert len(extra) == 12 and all(r["is_demo"] == "true" for r in extra)
    assert all(is_user_assigned(r["party_iso3"]) and r["party_iso3"] not in REAL_CODES for r in extra)
    assert all(r["party_name"].startswith("Demo Party ") for r in extra)
    # a build finds the side files beside the reports (one report per made-up Party, to keep this quick)
    folder = tmp_path / "data" / "demo"
    folder.mkdir(parents=True)
    for name in (DEMO_PARTIES_FILE, "secretariat_ratings.csv"):
        shutil.copy(generated / name, folder / name)
    codes = {r["party_iso3"] for r in extra}
    for row in extra:
        shutil.copy(min(generated.glob(f"{row['party_iso3'].lower()}_sc*")), folder)
    result = build(tmp_path / "x.duckdb", data_dir=tmp_path / "data")
    assert not result.errors, result.errors
    assert result.reports == 12 and result.rating_rows > 0
    con = duckdb.connect(str(tmp_path / "x.duckdb"), read_only=True)
    assert set(rows(con, "SELECT party_iso3, is_demo FROM out_reports")) == {(c, True) for c in codes}
    shares = rows(con, "SELECT party_iso3, is_demo FROM out_rating_shares WHERE assessor = 'secretariat' AND is_demo")
    assert shares and {c for c, _ in shares} <= codes | {"XA", "XB", "XC", "XD", "XE", "XF", "XG", "XH"}
    con.close()
    # and `load` finds them too
    one = next(folder.glob(f"{extra[0]['party_iso3'].lower()}_sc*"))
    loaded = run_cli("load", str(one), "--db", str(tmp_path / "y.duckdb"))
    assert loaded.returncode == 0, loaded.stderr
    con = duckdb.connect(str(tmp_path / "y.duckdb"), read_only=True)
    assert rows(con, "SELECT party_iso3, is_demo FROM out_reports") == [(extra[0]["party_iso3"], True)]
    con.close()


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(("args", "words"), [
    (["--parties", "0"], "--parties"),
    (["--parties", "5000"], "--parties"),
    (["--pdf-share", "1.5"], "--pdf-share"),
    (["--pdf-share", "0.5", "--docx-share", "0.6"], "--pdf-share"),
    (["--parties", "many"], "--parties"),
])
def test_bad_arguments_give_one_error_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      args: list[str], words: str) -> None:
    with pytest.raises(SystemExit) as exited:
        raise SystemExit(main(["demo", "--out", str(tmp_path / "out"), *args]))
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and words in err
    assert not (tmp_path / "out").exists()


def test_refuses_a_folder_it_did_not_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["demo", "--out", str(tmp_path), "--parties", "1", "--pdf-share", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "not empty" in err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_pdf_without_playwright_names_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_playwright(name: str, *args, **kwargs):
        if name.startswith("playwright"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_playwright)
    with pytest.raises(RenderError, match="requirements-dev.txt"), PdfPrinter():
        pass


def test_a_side_file_cannot_add_a_real_party(tmp_path: Path) -> None:
    report = tmp_path / "xe_sc70.md"
    plan = next(r for r in plan_corpus(8, 1, 0.0).reports if r.party.code == "XE" and r.meeting == "SC70")
    report.write_text(report_markup(plan).replace("RÉPUBLIQUE DE SAMPLANDIE", "KENYA REPUBLIC"), encoding="utf-8")
    (tmp_path / DEMO_PARTIES_FILE).write_text(
        "party_iso3,party_name,aliases,is_demo,source\nKEN,Kenya Republic,,true,test\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="not an ISO 3166 user-assigned code"):
        read_report(report)
    (tmp_path / DEMO_PARTIES_FILE).write_text(
        "party_iso3,party_name,aliases,is_demo,source\nXZZ,Kenya Republic,Kenya,true,test\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="already names a Party"):
        read_report(report)


# --- the database built from data/ -----------------------------------------------------------


@pytest.fixture(scope="module")
def db(built_db: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(built_db), read_only=True)
    yield con
    con.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_six_demo_parties_have_five_meetings_or_more(db: duckdb.DuckDBPyConnection) -> None:
    parties = rows(db, "SELECT party_iso3 FROM out_reports WHERE is_demo GROUP BY 1 "
                       "HAVING count(DISTINCT meeting_code) >= 5")
    assert len(parties) >= 6


def test_every_demo_row_is_marked_and_real_rows_are_not(db: duckdb.DuckDBPyConnection) -> None:
    demo_parties = "SELECT party_iso3 FROM core_parties WHERE is_demo"
    for view in ("out_reports", "out_actions", "out_rating_shares", "out_delay_causes", "out_funding",
                 "out_quality_issues"):
        marked = rows(db, f"SELECT bool_and(is_demo), count(*) FROM {view} WHERE party_iso3 IN ({demo_parties})")
        assert marked[0][0] is True and marked[0][1] > 0, view
        real = rows(db, f"SELECT count(*) FROM {view} WHERE is_demo AND party_iso3 NOT IN ({demo_parties})")
        assert real == [(0,)], view
    assert rows(db, "SELECT is_demo FROM out_reports WHERE party_iso3 = 'KHM'") == [(False,)]
    assert rows(db, "SELECT bool_or(is_demo) FROM core_rating_summaries WHERE source_document NOT LIKE 'Demo data%'"
                ) == [(False,)]


def test_no_demo_party_has_a_real_code(db: duckdb.DuckDBPyConnection) -> None:
    codes = [c for (c,) in rows(db, "SELECT party_iso3 FROM core_parties WHERE is_demo")]
    assert codes and all(is_user_assigned(c) and c not in REAL_CODES for c in codes)
    reported = {c for (c,) in rows(db, "SELECT DISTINCT party_iso3 FROM out_reports WHERE is_demo")}
    assert reported <= set(codes)


def test_demo_data_covers_every_cause_funding_status_format_and_language(db: duckdb.DuckDBPyConnection) -> None:
    assert {c for (c,) in rows(db, "SELECT DISTINCT cause FROM out_delay_causes WHERE is_demo")} == CAUSES
    assert {s for (s,) in rows(db, "SELECT DISTINCT status FROM out_funding WHERE is_demo")} == {"secured", "sought"}
    assert {f for (f,) in rows(db, "SELECT DISTINCT format FROM out_reports WHERE is_demo")} == {"text", "docx", "pdf"}
    assert rows(db, "SELECT DISTINCT language FROM out_reports WHERE party_iso3 IN ('XE', 'XH')") == [("fr",)]
    assert {k for (k,) in rows(db, "SELECT DISTINCT kind FROM out_timing WHERE is_demo")} == {
        "planned_start", "expected_completion"}


def test_secretariat_disagrees_with_some_demo_self_ratings(db: duckdb.DuckDBPyConnection) -> None:
    differ = rows(db, """
        SELECT s.party_iso3, s.meeting_code FROM out_rating_shares s
        JOIN out_rating_shares p ON p.party_iso3 = s.party_iso3 AND p.meeting_code = s.meeting_code
         AND p.rating_code = s.rating_code AND p.assessor = 'party' AND p.origin = 'report'
        WHERE s.assessor = 'secretariat' AND s.is_demo AND s.action_count <> p.action_count
        GROUP BY ALL""")
    assert len(differ) >= 5
    assert rows(db, "SELECT DISTINCT source FROM out_rating_shares WHERE is_demo AND assessor = 'secretariat'") == [
        ("Demo data: fictional Secretariat assessment",)]


def test_one_action_can_be_followed_across_meetings(db: duckdb.DuckDBPyConnection) -> None:
    followed = rows(db, """
        SELECT party_iso3, action_code FROM out_actions WHERE is_demo
        GROUP BY ALL HAVING count(DISTINCT meeting_code) >= 5 AND count(DISTINCT action_title) = 1""")
    assert len(followed) >= 40


def test_build_of_data_loads_every_report(built_db: Path) -> None:
    con = duckdb.connect(str(built_db), read_only=True)
    expected = len(plan_corpus().reports) + 1  # and the Cambodia report
    assert rows(con, "SELECT count(*) FROM core_reports") == [(expected,)]
    con.close()
