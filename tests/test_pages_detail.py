"""The Compare, Report and Data quality pages, run headless by Streamlit's AppTest, and
their data functions and chart builders alone.

The pages run under a small entry script written for the tests (sidebar filters plus the
three pages), on the database `make run` builds and on a small database of known reports:
the Cambodia sample; a copy of it for SC70, where CITES also published the Party's own
figures; a hostile copy for SC67 whose note holds HTML; and two reports of the fictional
Examplia with a fictional Secretariat rating.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import compare_data, detail_charts, report_data
from dashboard.selection import Filters
from loaders.build import build
from loaders.store import connect
from tests.helpers import ROOT, SAMPLE, edited_sample

PAGES = ROOT / "dashboard" / "pages"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
HOSTILE_NOTE = f"Reports are completed {SCRIPT} {IMG} [link](javascript:alert(1)) **not bold**"
SECRETARIAT_CSV = "".join(
    "XA,Republic of Examplia,SC70,secretariat,sc65,{},,{},13,Demo data: fictional Secretariat assessment,"
    "fictional\n".format(*row) for row in (("substantially_achieved", 1), ("on_track", 9), ("challenging", 3))
)
SECRETARIAT_HEADER = ("party_iso3,party_name,meeting,assessor,rating_scale,rating,share_pct,action_count,"
                      "n_actions,source_document,note\n")


def _entity(text: str) -> str:
    # the text loader reads HTML markup inside cells; entities reach the note as literal text
    return text.replace("<", "&lt;").replace(">", "&gt;")


def hostile_report(folder: Path, *, version: str = "") -> Path:
    """Cambodia's sample turned into an SC67 report with HTML and Markdown in a note
    (``version`` makes a file with other bytes, which a load does not skip as unchanged)."""
    return edited_sample(
        folder, "cambodia_sc67_hostile.md",
        ("Prepared for the 66th meeting", "Prepared for the 67th meeting"),
        ("Reporting period: November 2014 – September 2015", "Reporting period: October 2015 – June 2016"),
        ("Reports are completed and submitted as required", _entity(HOSTILE_NOTE) + version),
    )


def build_detail_db(folder: Path) -> Path:
    """The small database of known reports (see the module docstring); the hostile report
    is loaded by the command line, as a user would."""
    data = folder / "data"
    (data / "raw").mkdir(parents=True)
    (data / "demo").mkdir()
    shutil.copyfile(SAMPLE, data / "raw" / SAMPLE.name)
    edited_sample(data / "raw", "cambodia_sc70_copy.md",
                  ("Prepared for the 66th meeting", "Prepared for the 70th meeting"),
                  ("Reporting period: November 2014 – September 2015", "Reporting period: July 2017 – June 2018"))
    edited_sample(data / "demo", "examplia_sc66.md", ("Party: CAMBODIA", "Party: EXAMPLIA"),
                  ("<b>[CHALLENGING]</b>", "<b>[ON TRACK]</b>"))
    edited_sample(data / "demo", "examplia_sc70.md", ("Party: CAMBODIA", "Party: EXAMPLIA"),
                  ("Prepared for the 66th meeting", "Prepared for the 70th meeting"),
                  ("Reporting period: November 2014 – September 2015", "Reporting period: July 2017 – June 2018"),
                  ("<b>[ON TRACK]</b>", "<b>[SUBSTANTIALLY ACHIEVED]</b>"))
    (data / "demo" / "secretariat_ratings.csv").write_text(SECRETARIAT_HEADER + SECRETARIAT_CSV, encoding="utf-8")
    db = folder / "detail.duckdb"
    result = build(db, data_dir=data)
    assert not result.errors, result.errors
    loaded = subprocess.run(
        [sys.executable, "-m", "loaders", "load", str(hostile_report(folder)), "--db", str(db)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert loaded.returncode == 0, loaded.stderr
    return db


ENTRY = """\
import sys
sys.path.insert(0, {root!r})
import streamlit as st
from dashboard import filters
from dashboard.db import connection, current_db

st.set_page_config(layout="wide")
navigation = st.navigation([
    st.Page(lambda: st.title("Home"), title="Home", url_path="home", default=True),
    st.Page({compare!r}, title="Compare"),
    st.Page({report!r}, title="Report"),
    st.Page({quality!r}, title="Data quality"),
])
cursor = connection(current_db()).cursor()
parties = cursor.execute(
    "SELECT party_iso3, party_name, is_demo FROM core_parties WHERE party_iso3 IN "
    "(SELECT party_iso3 FROM out_reports UNION SELECT party_iso3 FROM out_rating_shares) ORDER BY party_name"
).df()
meetings = cursor.execute("SELECT meeting_code FROM core_meetings ORDER BY start_date").df()
pillars = cursor.execute("SELECT pillar_code, label FROM core_codes_pillars ORDER BY sort_order").df()
cursor.close()
filters.sidebar(parties, meetings, pillars)
navigation.run()
"""


@pytest.fixture(scope="module")
def entry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An entry script like dashboard/app.py with the sidebar filters and the three pages."""
    path = tmp_path_factory.mktemp("entry") / "entry.py"
    path.write_text(ENTRY.format(root=str(ROOT), compare=str(PAGES / "compare.py"),
                                 report=str(PAGES / "report.py"), quality=str(PAGES / "data_quality.py")))
    return path


@pytest.fixture(scope="module")
def detail_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_detail_db(tmp_path_factory.mktemp("detail"))


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Each test starts from empty caches and leaves no open connection behind."""
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def open_page(entry: Path, db: Path, page: str, query: dict[str, str | list[str]] | None = None) -> AppTest:
    """The page run once through the entry script, with ``query`` in the URL."""
    at = AppTest.from_file(str(entry), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NIAP_DB", str(db))
        at.run()
        at.switch_page(str(PAGES / f"{page}.py"))
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rerun(at: AppTest, db: Path) -> AppTest:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NIAP_DB", str(db))
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart_specs(at: AppTest) -> dict[str, dict]:
    """Every chart's Plotly spec by its title."""
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return {s["layout"]["title"]["text"]: s for s in specs}


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def shown(markdown: str) -> str:
    """Markdown as a reader sees it (the pages escape every special character with a backslash)."""
    return markdown.replace("\\", "")


def captions(at: AppTest) -> str:
    return " ".join(shown(c.value) for c in at.caption)


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    assert frames, f"no table with a {column!r} column"
    return frames[0]


# ------------------------------------------------------------------------ default data


@pytest.mark.parametrize("page", ["compare", "report", "data_quality"])
def test_each_page_runs_on_the_default_data(entry: Path, app_db: Path, page: str) -> None:
    at = open_page(entry, app_db, page)
    assert not at.error
    assert at.get("plotly_chart"), "every page draws a chart"
    for chart in at.get("plotly_chart"):
        assert chart.proto.alt, "every chart has alt text"
    assert "Source: " in captions(at)


@pytest.mark.parametrize("page", ["compare", "report", "data_quality"])
def test_each_page_explains_an_empty_database(entry: Path, tmp_path: Path, page: str) -> None:
    db = tmp_path / "empty.duckdb"
    connect(db).close()  # the schema, no reports, no reference figures
    at = open_page(entry, db, page)
    assert not at.error
    assert at.info, "an empty page says what to do"
    assert not at.get("plotly_chart")


# ------------------------------------------------------------------------ Compare


def test_compare_falls_back_to_parties_with_data_and_says_so(entry: Path, detail_db: Path) -> None:
    at = open_page(entry, detail_db, "compare")
    assert "No Parties are chosen in the sidebar" in shown(at.info[0].value)
    table = frame_with(at, "What")
    assert list(dict.fromkeys(table["Party"]))[:2] == ["Cambodia", "United Republic of Tanzania"]
    cambodia = table[table["Party"] == "Cambodia"].set_index("Meeting")
    assert cambodia.loc["SC66", "What"] == "Counted from the report"
    assert cambodia.loc["SC69", "What"] == "Published by CITES"  # no report loaded: the published figure
    assert cambodia.loc["SC66", "On track"] == pytest.approx(69.2)
    examplia = table[table["Party"] == "Republic of Examplia"].set_index("Meeting")
    assert examplia.loc["SC67", "What"] == "No report"  # shown, not left out
    assert "Includes demo data (fictional Parties)" in captions(at)


def test_compare_side_by_side_follows_the_order_and_colours_of_the_scale(entry: Path, detail_db: Path) -> None:
    at = open_page(entry, detail_db, "compare")
    spec = chart_specs(at)["Each Party's own ratings at each meeting, as shares of its actions"]
    entries = sorted((t for t in spec["data"] if t.get("showlegend")), key=lambda t: t["legendrank"])
    legend = [t["name"] for t in entries]
    assert legend[:3] == ["Achieved", "Substantially achieved", "On track"]  # the scale, best first
    assert legend[-1] == "No report" and "Not rated" not in legend
    assert len(legend) == len(set(legend))  # one entry per rating, not one per panel
    on_track = next(t for t in spec["data"] if t["name"] == "On track")
    assert on_track["marker"]["color"] == "#8cc5e3"  # core_codes_ratings


def test_choosing_parties_in_the_sidebar_changes_the_comparison(entry: Path, detail_db: Path) -> None:
    at = open_page(entry, detail_db, "compare")
    at.multiselect(key="party").set_value(["KHM"])
    rerun(at, detail_db)
    assert not any("No Parties are chosen" in shown(i.value) for i in at.info)
    table = frame_with(at, "What")
    assert set(table["Party"]) == {"Cambodia"}
    secretariat = frame_with(at, "Rated by")
    assert set(secretariat["Party"]) == {"Cambodia"}


def test_self_rating_against_secretariat_uses_the_published_figures(entry: Path, detail_db: Path) -> None:
    at = open_page(entry, detail_db, "compare", {"party": ["Cambodia", "United Republic of Tanzania"]})
    table = frame_with(at, "Rated by")
    rows = table.set_index(["Party", "Meeting", "Rated by"])
    assert rows.loc[("Cambodia", "SC69", "Party, published"), "Achieved"] == 15
    assert rows.loc[("Cambodia", "SC69", "Secretariat"), "Achieved"] == 8
    assert rows.loc[("United Republic of Tanzania", "SC70", "Secretariat"), "Achieved"] == 52.5
    # Cambodia SC70 is also loaded as a report: its counted ratings are a bar of their own
    assert rows.loc[("Cambodia", "SC70", "Party, counted from report"), "On track"] == pytest.approx(69.2)
    assert set(table["Source"]) >= {"SC70 Doc. 27.4 Annex 1, Table 1"}
    assert "SC70 Doc. 27.4 Annex 1, Table 1" in captions(at)


def test_demo_secretariat_figures_show_only_with_demo_data(entry: Path, detail_db: Path) -> None:
    at = open_page(entry, detail_db, "compare", {"party": ["Cambodia", "Republic of Examplia (demo)"]})
    assert "Republic of Examplia" in set(frame_with(at, "Rated by")["Party"])
    at.toggle(key="demo").set_value(False)
    rerun(at, detail_db)
    assert "Republic of Examplia" not in set(frame_with(at, "Rated by")["Party"])
    assert "Includes demo data" not in captions(at)


def test_one_action_followed_across_meetings_with_its_notes(entry: Path, detail_db: Path) -> None:
    at = open_page(entry, detail_db, "compare", {"party": "Cambodia"})
    at.selectbox(key="compare_action").set_value("1.2")
    rerun(at, detail_db)
    table = frame_with(at, "Report's label").set_index("Meeting")
    assert list(table.index) == ["SC66", "SC67", "SC70"]  # meetings with a loaded report
    assert table.loc["SC66", "Rating"] == "Challenging"
    assert table.loc["SC66", "Causes"] == "coordination, funding"
    assert any("difficulties coordinating with Customs" in t for t in texts(at))
    spec = chart_specs(at)["Cambodia, action 1.2: the Party's own rating at each meeting"]
    assert spec["data"][1]["y"] == ["Challenging", "Challenging", "Challenging"]


def test_an_action_of_a_party_that_missed_a_meeting_shows_no_report(entry: Path, detail_db: Path) -> None:
    at = open_page(entry, detail_db, "compare", {"party": ["Cambodia", "Republic of Examplia (demo)"]})
    at.selectbox(key="compare_party").set_value("Republic of Examplia")
    rerun(at, detail_db)
    at.selectbox(key="compare_action").set_value("1.2")
    rerun(at, detail_db)
    table = frame_with(at, "Report's label").set_index("Meeting")
    assert table["Rating"].to_dict() == {"SC66": "On track", "SC67": "No report", "SC70": "Challenging"}
    assert "Includes demo data" in captions(at)


# ------------------------------------------------------------------------ Report


def test_report_shows_the_hostile_note_as_inert_text(entry: Path, detail_db: Path) -> None:
    at = open_page(entry, detail_db, "report", {"report_party": "Cambodia", "report_meeting": "SC67"})
    note = next(t for t in texts(at) if SCRIPT in t)
    assert IMG in note and "[link](javascript:alert(1))" in note and "**not bold**" in note
    for element in [*at.markdown, *at.caption, *at.warning, *at.info]:  # no Markdown carries it unescaped
        assert SCRIPT not in element.value and IMG not in element.value


def test_report_shows_title_block_synopsis_actions_facts_and_issues(entry: Path, detail_db: Path) -> None:
    at = open_page(entry, detail_db, "report", {"report_party": "Cambodia", "report_meeting": "SC66"})
    block = frame_with(at, "Field").set_index("Field")["Value"]
    assert block["Title"] == "CITES SC66 NATIONAL IVORY ACTION PLAN PROGRESS REPORT"
    assert block["Reporting period"] == "2014-11 to 2015-09"
    assert block["Prepared by"].startswith("Heng Kimchhay")
    assert block["Source file"] == "cambodia_sc66_progress_report.md (text)"
    assert any(t.startswith("Nine out of the thirteen actions") for t in texts(at))  # Part A
    ratings = [m.value for m in at.markdown if m.value.startswith("Rating: ")]
    assert len(ratings) == 13
    assert any("Comment (in italics in the report): Overall, progress has been delayed" in t for t in texts(at))
    # a fact next to the sentence it was read from
    facts = frame_with(at, "Found in")
    funding = facts[(facts["Action"] == "2.3") & (facts["Fact"] == "Funding: sought")]
    assert "the action's notes" in set(funding["Found in"])
    evidence = set(funding["Evidence (the report's sentence)"])
    assert "We are currently seeking funding to implement this activity" in evidence
    assert any("Rating left as template placeholder" in shown(w.value) for w in at.warning)
    chart_buttons = ("PNG", "SVG", "PDF", "CSV", "XLSX", "Briefing pack (ZIP)")
    download = [b for b in at.get("download_button") if b.label not in chart_buttons]
    assert len(download) == 1
    assert "cambodia_sc66_progress_report.md" in [t for t in texts(at)]


def test_report_picker_follows_the_url_and_the_pillar_filter(entry: Path, detail_db: Path) -> None:
    at = open_page(entry, detail_db, "report", {"report_party": "Republic of Examplia", "report_meeting": "SC66"})
    assert at.selectbox(key="report_party").value == "Republic of Examplia"
    assert any("fictional demo Party" in shown(w.value) for w in at.warning)
    assert len([m for m in at.markdown if m.value.startswith("Rating: ")]) == 13
    at.multiselect(key="pillar").set_value(["legislation"])
    rerun(at, detail_db)
    assert len([m for m in at.markdown if m.value.startswith("Rating: ")]) == 2  # actions 1.1 and 1.2


def test_report_opened_by_its_id_as_the_overview_links_it(entry: Path, detail_db: Path) -> None:
    at = open_page(entry, detail_db, "report", {"report": "XA-SC66"})
    assert at.selectbox(key="report_party").value == "Republic of Examplia"
    assert at.selectbox(key="report_meeting").value == "SC66"
    assert "report" not in at.query_params  # the pickers carry the choice from here
    assert not any("Session State" in w.value for w in at.warning)


def test_report_says_when_its_file_is_missing(entry: Path, detail_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(detail_db, db)
    moved = hostile_report(tmp_path, version=" (second version)")
    subprocess.run([sys.executable, "-m", "loaders", "load", str(moved), "--db", str(db)], cwd=ROOT, check=True,
                   capture_output=True, timeout=120)
    moved.unlink()
    at = open_page(entry, db, "report", {"report_party": "Cambodia", "report_meeting": "SC67"})
    assert not [b for b in at.get("download_button") if "source" in b.label.lower() or "report" in b.label.lower()]
    assert any("cannot be downloaded" in w.value for w in at.warning)


def test_report_with_filters_matching_nothing_explains_itself(entry: Path, detail_db: Path) -> None:
    at = open_page(entry, detail_db, "report", {"party": "Malawi"})  # only published figures
    assert "No report matches the sidebar selection" in at.info[0].value
    assert not at.get("plotly_chart")


# ------------------------------------------------------------------------ Data quality


def test_data_quality_lists_issues_with_links_to_their_reports(entry: Path, detail_db: Path) -> None:
    at = open_page(entry, detail_db, "data_quality")
    issues = frame_with(at, "Evidence")
    assert {"Party", "Meeting", "Action", "Issue", "Message", "Evidence", "Report"} <= set(issues.columns)
    assert issues["Report"].iloc[0].startswith("report?")
    links = at.get("page_link")
    assert len(links) >= 4
    assert any("report_meeting=SC67" in link.proto.query_string for link in links)
    specs = chart_specs(at)
    assert any(t.startswith("Quality issues by issue type") for t in specs)
    assert any(t.startswith("Quality issues by Party") for t in specs)


def test_data_quality_filters_change_the_counts(entry: Path, detail_db: Path) -> None:
    at = open_page(entry, detail_db, "data_quality")
    total = int(at.metric[0].value)
    at.multiselect(key="dq_severity").set_value(["warning"])
    rerun(at, detail_db)
    warnings = int(at.metric[0].value)
    assert 0 < warnings < total
    assert set(frame_with(at, "Evidence")["Severity"]) == {"warning"}
    at.multiselect(key="party").set_value(["XA"])
    rerun(at, detail_db)
    assert set(frame_with(at, "Evidence")["Party"]) == {"Republic of Examplia"}


def test_data_quality_lists_reports_whose_facts_look_odd(entry: Path, detail_db: Path) -> None:
    at = open_page(entry, detail_db, "data_quality")
    odd = frame_with(at, "Check")
    checks = set(zip(odd["Party"], odd["Meeting"], odd["Check"], strict=True))
    assert ("Republic of Examplia", "SC66", "Part A's counts disagree with the tables") in checks
    assert ("Cambodia", "SC70", "Counted ratings differ from the Party's figure published by CITES") in checks
    assert not any(p == "Cambodia" and m == "SC66" for p, m, _ in checks)  # the sample agrees with itself


def test_data_quality_with_nothing_selected_explains_itself(entry: Path, detail_db: Path) -> None:
    at = open_page(entry, detail_db, "data_quality", {"party": "Malawi"})
    assert "No quality issue matches" in at.info[0].value


# ------------------------------------------------------------------------ data functions and charts alone


@pytest.fixture(scope="module")
def cursor(detail_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(detail_db), read_only=True)
    yield con
    con.close()


def test_published_figures_stand_in_only_where_no_report_is_loaded(cursor: duckdb.DuckDBPyConnection) -> None:
    cells = compare_data.ratings_by_meeting(cursor, Filters(), ("KHM",))
    status = cells.drop_duplicates("meeting_code").set_index("meeting_code")["status"]
    assert status.to_dict() == {"SC66": "counted", "SC67": "counted", "SC69": "published", "SC70": "counted"}
    with_pillar = compare_data.ratings_by_meeting(cursor, Filters(pillars=("legislation",)), ("KHM",))
    status = with_pillar.drop_duplicates("meeting_code").set_index("meeting_code")["status"]
    assert status["SC69"] == "published_all_pillars"  # a published figure cannot be cut by pillar


def test_a_published_figure_that_leaves_actions_out_is_completed_as_not_stated(
    cursor: duckdb.DuckDBPyConnection,
) -> None:
    cells = compare_data.ratings_by_meeting(cursor, Filters(parties=("MOZ",)), ("MOZ",))
    shares = cells.set_index("rating_code")["share_pct"]
    assert shares["substantially_achieved"] == pytest.approx(48.72, abs=0.01)  # 19 of 39
    assert shares["not_stated"] == pytest.approx(51.28, abs=0.01)


def test_disagreements_are_party_minus_secretariat(cursor: duckdb.DuckDBPyConnection) -> None:
    gaps = compare_data.disagreements(compare_data.self_vs_secretariat(cursor, Filters(parties=("MYS",))))
    row = gaps.set_index("rating_code").loc["on_track"]
    assert (row["party_pct"], row["secretariat_pct"], row["gap_pp"]) == (27, 73, -46)


def test_md_text_shows_markdown_and_html_literally() -> None:
    escaped = report_data.md_text("<b>x</b> **y** [a](b) :red[c] $d$ `e` # f")
    for special in "<>*[]():$`#":
        assert f"\\{special}" in escaped
    assert escaped.replace("\\", "") == "<b>x</b> **y** [a](b) :red[c] $d$ `e` # f"


def test_locate_source_offers_only_the_file_that_was_loaded(tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    path.write_text("report", encoding="utf-8")
    sha = report_data.file_digest(str(path))
    assert report_data.locate_source(str(path), sha).status == "ok"
    assert report_data.locate_source("r.md", sha, root=tmp_path).status == "ok"  # relative to the project
    path.write_text("changed", encoding="utf-8")
    assert report_data.locate_source(str(path), sha).status == "changed"
    path.unlink()
    assert report_data.locate_source(str(path), sha).status == "missing"


RATINGS = pd.DataFrame({
    "rating_code": ["achieved", "on_track", "challenging"], "sort_order": [1, 3, 7],
    "label": ["Achieved", "On track", "Challenging"], "in_2014_scale": [False, True, True],
    "in_2017_scale": [True, True, False], "colour": ["#111111", "#222222", "#333333"],
})


def test_self_vs_secretariat_keeps_each_pair_together() -> None:
    shares = pd.DataFrame({
        "party_name": ["<b>X</b>", "<b>X</b>", "Y", "Y"], "meeting_code": ["SC69"] * 4,
        "bar": ["Secretariat", "Party, published", "Secretariat", "Secretariat"],
        "rating_code": ["on_track", "achieved", "on_track", "challenging"],
        "share_pct": [100.0, 100.0, 60.0, 40.0], "action_count": [None] * 4, "n_actions": [None] * 4,
        "source": ["doc"] * 4,
    })
    figure = detail_charts.self_vs_secretariat(shares, RATINGS, title="t")
    ticks = list(figure.layout.yaxis.ticktext)
    assert ticks == ["<b>&lt;b&gt;X&lt;/b&gt; SC69</b>  Party, published", "Secretariat",
                     "<b>Y SC69</b>  Party: no figure", "Secretariat"]
    assert [t.name for t in figure.data] == ["Achieved", "On track", "Challenging", "Not stated in the source"]


def test_action_history_draws_the_scale_and_the_gaps() -> None:
    history = pd.DataFrame({
        "meeting_code": ["SC66", "SC67", "SC69"], "status": ["counted", "not_in_report", "no_report"],
        "rating_scale": ["2014", None, None], "rating_code": ["on_track", None, None],
        "rating_label": ["ON TRACK", None, None], "delayed": [True, None, None],
        "delay_causes": ["funding", None, None],
    })
    figure = detail_charts.action_history(history, RATINGS, title="t")
    assert list(figure.layout.yaxis.categoryarray) == [
        "No report", "Action not in this report", "Challenging", "On track"]  # bottom to top
    assert list(figure.data[1].y) == ["On track", "Action not in this report", "No report"]
    assert figure.data[2].name == "Said to be delayed"


def test_data_quality_shows_how_much_of_each_report_was_read(entry: Path, tmp_path: Path) -> None:
    from tests.test_coverage import notes_lost

    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    (data / "demo").mkdir()
    shutil.copyfile(SAMPLE, data / "raw" / SAMPLE.name)
    lost = notes_lost(tmp_path)
    (data / "demo" / "examplia_sc66_prose.md").write_text(
        lost.read_text(encoding="utf-8").replace("Party: CAMBODIA", "Party: EXAMPLIA"), encoding="utf-8")
    db = tmp_path / "coverage.duckdb"
    assert not build(db, data_dir=data).errors
    at = open_page(entry, db, "data_quality")
    coverage = frame_with(at, "Text read (%)")
    read = dict(zip(coverage["Party"], coverage["Text read (%)"], strict=True))
    assert read["Cambodia"] > 99 and read["Republic of Examplia"] < 90
    assert coverage["Party"].iloc[0] == "Republic of Examplia"  # the least read first
    assert any(m.label == "Flagged as not read in part" and m.value == "1" for m in at.metric)
    unread = frame_with(at, "Text not read")
    assert unread["Text not read"].iloc[1].startswith("Concerning objective 1.1")
    issues = frame_with(at, "Evidence")
    assert {"Progress notes missing", "Part of the document not read"} <= set(issues["Issue"])
    at.selectbox(key="dq_unread").set_value("KHM-SC66")
    rerun(at, db)
    assert frame_with(at, "Text not read")["Text not read"].tolist() == ["3"]
