"""The dashboard's pages, run headless by Streamlit's AppTest against the database built
from data/ (the real Cambodia report, plus the demo Parties when they are there).

Expected numbers are Cambodia's (counted by hand from the report) with demo data switched
off, or counted from the database itself when demo data is on, so the tests hold whatever
demo corpus ships.
"""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import duckdb
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.charts.style import NOT_A_RATING
from dashboard.navigation import VIEWS
from dashboard.panels import DEMO_NOTE
from dashboard.panels.report import RATING_NOTE
from loaders.build import build
from loaders.store import connect
from tests.helpers import edited_sample

# AppTest resolves a relative path against this file, not the working directory.
APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
CROSSWALK = "Crosswalk to the 2017+ scale"


def open_page(page: str | None = None, query: dict[str, str | list[str]] | None = None) -> AppTest:
    """The app as a first visit to ``page`` (a view file under dashboard/) would show it."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def set_filter(at: AppTest, key: str, value: object) -> AppTest:
    """Change a sidebar filter as a user would, and rerun."""
    widget = at.sidebar.toggle(key=key) if key == "demo" else at.sidebar.multiselect(key=key)
    widget.set_value(value)
    return at.run()


def captions(at: AppTest) -> str:
    """The page's captions as read (Markdown escapes removed)."""
    return " ".join(c.value.replace("\\", "") for c in at.caption)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def dataframe_with(at: AppTest, *columns: str) -> pd.DataFrame:
    frames = [d.value for d in at.dataframe if set(columns) <= set(d.value.columns)]
    assert len(frames) == 1, f"expected one table with the columns {columns}"
    return frames[0]


def charts_by_title(at: AppTest) -> dict[str, tuple[dict, str]]:
    """Chart title -> (Plotly spec, alt text)."""
    out = {}
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        out[spec["layout"]["title"]["text"]] = (spec, chart.proto.alt)
    return out


def chart_starting(at: AppTest, prefix: str) -> dict:
    found = [spec for title, (spec, _) in charts_by_title(at).items() if title.startswith(prefix)]
    assert len(found) == 1, f"expected one chart titled {prefix!r}…, got {list(charts_by_title(at))}"
    return found[0]


def db_count(db: Path, sql: str, params: tuple = ()) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return int(con.execute(sql, params).fetchone()[0])


@pytest.fixture(scope="module", autouse=True)
def _app_db_for_module(built_db: Path) -> Iterator[Path]:
    """Every test reads the built database; the app's cached connections are closed after."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NIAP_DB", str(built_db))
        yield built_db
    st.cache_resource.clear()
    st.cache_data.clear()


# ---------------------------------------------------------------- navigation and filters


def test_every_page_is_in_the_navigation_in_order() -> None:
    assert [(path, title) for _, path, title, _ in VIEWS] == [
        ("views/overview.py", "Overview"), ("views/ratings.py", "Ratings"),
        ("views/delays.py", "Delays & causes"), ("views/funding.py", "Funding gaps"),
        ("views/compare.py", "Compare"), ("views/report.py", "Report"), ("views/data_quality.py", "Data quality"),
    ]
    assert all((APP.parent / path).is_file() for _, path, _, _ in VIEWS)


LEVELS = {"title": 1, "header": 2, "subheader": 3}


def heading_levels(node: object) -> list[tuple[int, str]]:
    """(level, text) of the headings under ``node``, in page order."""
    out = []
    children = getattr(node, "children", {})
    for key in sorted(children):
        child = children[key]
        if child.type in LEVELS:
            out.append((LEVELS[child.type], child.value))
        out += heading_levels(child)
    return out


@pytest.mark.parametrize("page", ["views/overview.py", "views/ratings.py", "views/delays.py", "views/funding.py"])
def test_headings_go_down_one_level_at_a_time(page: str) -> None:
    headings = heading_levels(open_page(page).main)
    levels = [level for level, _ in headings]
    assert levels[0] == 1 and levels.count(1) == 1, headings
    assert len(levels) > 2 and all(b <= a + 1 for a, b in itertools.pairwise(levels)), headings


def test_sidebar_offers_the_loaded_parties_and_the_standard_pillars(built_db: Path) -> None:
    at = open_page()
    parties = at.sidebar.multiselect(key="party")
    assert parties.options[0] == "Cambodia"  # real Parties first, demo ones marked "(demo)"
    names = db_count(built_db, "SELECT count(*) FROM out_parties WHERE n_reports > 0 AND is_demo")
    assert len([o for o in parties.options if o.endswith(" (demo)")]) == names
    loaded = [o for o in parties.options if not o.endswith(")")] + [o for o in parties.options if o.endswith(" (demo)")]
    assert len(loaded) == db_count(built_db, "SELECT count(DISTINCT party_iso3) FROM out_reports")
    assert at.sidebar.multiselect(key="pillar").options == [
        "Legislation and regulations", "National-level enforcement action and inter-agency collaboration",
        "International and regional enforcement collaboration", "Outreach, public awareness and education",
        "Reporting", "Other (a Party's own pillar)"]
    assert at.sidebar.toggle(key="demo").value is True


# ---------------------------------------------------------------- Overview


@pytest.fixture(scope="module")
def overview() -> AppTest:
    """The Overview page on the default data (one run for the read-only tests)."""
    return open_page()


def test_overview_shows_its_three_charts(overview: AppTest, built_db: Path) -> None:
    no_errors(overview)
    parties = db_count(built_db, "SELECT count(DISTINCT party_iso3) FROM out_reports")
    latest = db_count(built_db, "SELECT max(meeting_number) FROM out_reports")
    titles = list(charts_by_title(overview))
    assert titles[:2] == [
        f"Progress reports by Party and meeting ({parties} Parties)",
        f"Share of actions achieved or substantially achieved: SC{latest} against each Party's previous report"]
    assert len(titles) == 3 and titles[2].startswith("Cambodia, SC66: actions")  # the first report's ratings
    assert all(alt for _, alt in charts_by_title(overview).values())


LATEST = """
    WITH latest AS (SELECT party_iso3, max(meeting_number) AS meeting_number FROM out_reports GROUP BY party_iso3)
    SELECT count(*) FROM (SELECT DISTINCT a.party_iso3, a.action_code FROM out_actions a
                          JOIN latest USING (party_iso3, meeting_number) WHERE {condition})"""
LATEST_SEEKING = """
    WITH latest AS (SELECT party_iso3, max(meeting_number) AS meeting_number FROM out_reports GROUP BY party_iso3),
         facts AS (SELECT f.* FROM out_funding f JOIN latest USING (party_iso3, meeting_number))
    SELECT count(*) FROM (SELECT party_iso3, action_code FROM facts WHERE status = 'sought'
                          EXCEPT SELECT party_iso3, action_code FROM facts WHERE status = 'secured')"""


def test_headline_counts_distinct_actions_at_each_partys_latest_report(overview: AppTest, built_db: Path) -> None:
    """The acceptance count: "Delayed actions" is the number of distinct (Party, action) delayed
    at each Party's latest report, counted here without the app's query."""
    counts = metrics(overview)
    assert counts["Reports"] == str(db_count(built_db, "SELECT count(*) FROM out_reports"))
    assert counts["Actions"] == str(db_count(built_db, LATEST.format(condition="TRUE")))
    delayed = db_count(built_db, LATEST.format(condition="a.delayed"))
    assert counts["Delayed actions"] == str(delayed)
    with_cause = ("EXISTS (SELECT 1 FROM out_delay_causes d "
                  "WHERE d.report_id = a.report_id AND d.action_code = a.action_code)")
    assert delayed == db_count(built_db, LATEST.format(condition=with_cause))
    assert counts["Seeking funds"] == str(db_count(built_db, LATEST_SEEKING))
    assert counts["Quality issues"] == str(db_count(built_db, "SELECT count(*) FROM out_quality_issues"))
    assert "status at each Party's latest report" in captions(overview)
    helps = {m.label: m.proto.help for m in overview.metric}
    assert "at each Party's latest report" in helps["Delayed actions"]


def test_headline_with_history_counts_action_reports(built_db: Path) -> None:
    at = open_page(query={"history": "true"})
    no_errors(at)
    counts = metrics(at)
    assert "Delayed actions" not in counts  # the label says what it counts
    assert counts["Action-reports"] == str(
        db_count(built_db, "SELECT count(*) FROM out_actions"))
    assert counts["Delayed action-reports"] == str(db_count(built_db, "SELECT count(*) FROM out_actions WHERE delayed"))
    assert counts["Delayed action-reports"] == str(db_count(
        built_db, "SELECT count(DISTINCT (report_id, action_code)) FROM out_delay_causes"))
    assert counts["Seeking funds (action-reports)"] == str(db_count(built_db, """
        SELECT count(*) FROM (SELECT DISTINCT report_id, action_code FROM out_funding WHERE status = 'sought'
                              EXCEPT SELECT report_id, action_code FROM out_funding WHERE status = 'secured')"""))
    helps = {m.label: m.proto.help for m in at.metric}
    assert "an action counts once per report" in helps["Seeking funds (action-reports)"]
    assert "every report of the selection counts" in captions(at)


def test_headline_of_the_real_report_alone() -> None:
    at = set_filter(open_page(), "demo", False)
    no_errors(at)
    counts = metrics(at)
    assert {k: counts[k] for k in ("Reports", "Parties", "Meetings", "Actions", "Delayed actions",
                                   "Seeking funds", "Quality issues")} == {
        "Reports": "1", "Parties": "1", "Meetings": "1", "Actions": "13", "Delayed actions": "4",
        "Seeking funds": "3", "Quality issues": "6",
    }


def test_pillar_filter_narrows_the_actions_counted() -> None:
    at = set_filter(set_filter(open_page(), "demo", False), "pillar", ["legislation"])
    assert metrics(at)["Actions"] == "2"  # Cambodia's 1.1 and 1.2
    assert metrics(at)["Reports"] == "1"  # a pillar does not remove reports
    assert "Legislation and regulations" in captions(at)  # announced on the page


def test_coverage_matrix_keeps_no_report_apart_from_published_figures() -> None:
    at = set_filter(open_page(), "party", ["KHM"])
    no_errors(at)
    table = dataframe_with(at, "SC66").set_index("Party")
    assert table.loc["Cambodia", "SC66"] == "Report"
    # CITES published Cambodia's figures for SC69 and SC70; no report of it is loaded
    assert table.loc["Cambodia", "SC69"] == "Published by CITES"
    assert table.loc["Cambodia", "SC70"] == "Published by CITES"
    spec = chart_starting(at, "Progress reports by Party and meeting")
    assert spec["data"][0]["text"] == [["report", "published by CITES", "published by CITES"]]


def test_heatmap_shows_the_published_shares_compare_shows(built_db: Path) -> None:
    """Cambodia's SC69/SC70 shares published by CITES read the same on Ratings as on Compare."""
    at = set_filter(open_page(RATINGS_PAGE), "party", ["KHM"])
    no_errors(at)
    spec = chart_starting(at, "Share of each report's actions achieved or substantially achieved")
    values = spec["data"][1]
    published = db_count(built_db, """
        SELECT round(sum(share_pct)) FROM out_rating_shares WHERE party_iso3 = 'KHM' AND meeting_code = 'SC70'
          AND assessor = 'party' AND origin = 'reference' AND rating_code IN ('achieved', 'substantially_achieved')
    """)
    assert values["text"][0][-1] == f"{published}% (published)"


def test_latest_meeting_section_compares_each_party(built_db: Path) -> None:
    at = set_filter(open_page(), "party", ["KHM"])
    assert "What changed at the latest meeting, SC66" in [h.value for h in at.header]
    table = dataframe_with(at, "Newly delayed actions")
    assert list(table["Party"]) == ["Cambodia"]
    assert table["Achieved or substantially achieved, now"].iloc[0] == pytest.approx(100 * 2 / 13)


def test_report_picker_lists_the_real_report_first_with_its_period(overview: AppTest) -> None:
    picker = overview.selectbox(key="report")
    assert picker.options[0] == "Cambodia – SC66 (2014-11 to 2015-09)"
    assert picker.value == "KHM-SC66"


def test_rating_chart_shows_the_reports_ratings(overview: AppTest) -> None:
    title = "Cambodia, SC66: actions by the Party's own rating (13 actions)"
    spec, alt = charts_by_title(overview)[title]
    bar = spec["data"][0]
    # the whole 2014 scale, best first, with the Party's own counts (Part A: 9 on track, 2 + 2)
    assert dict(zip(bar["y"], bar["x"], strict=True)) == {
        "Substantially achieved": 2, "On track": 9, "Challenging": 2, "Unclear": 0,
    }
    assert list(bar["y"]) == ["Substantially achieved", "On track", "Challenging", "Unclear"]
    assert "cambodia_sc66_progress_report.md" in json.dumps(spec["layout"]["annotations"])
    assert alt.startswith("Bar chart. Cambodia, SC66")
    assert "On track 9" in alt


def test_link_to_the_whole_report_keeps_the_filters() -> None:
    at = set_filter(set_filter(open_page(), "party", ["KHM"]), "demo", False)
    links = [link.proto for link in at.get("page_link") if link.proto.label == "Open the whole report"]
    assert len(links) == 1
    assert links[0].page == "report"
    assert parse_qs(links[0].query_string) == {"party": ["KHM"], "demo": ["false"], "report": ["KHM-SC66"]}


def test_table_view_has_the_same_numbers_as_the_chart(overview: AppTest) -> None:
    table = dataframe_with(overview, "Share")
    assert list(table.columns) == ["Rating", "Actions", "Share"]
    assert table["Actions"].sum() == 13
    on_track = table.set_index("Rating").loc["On track"]
    assert on_track["Actions"] == 9
    assert on_track["Share"] == pytest.approx(69.23, abs=0.01)


def test_caption_names_the_source_file(overview: AppTest) -> None:
    text = captions(overview)
    assert "cambodia_sc66_progress_report.md" in text
    assert RATING_NOTE.split(";")[0] in text  # where the ratings come from


def test_quality_issues_of_the_report_are_listed(overview: AppTest) -> None:
    assert "Quality issues in this report: 6" in [s.value for s in overview.subheader]
    issues = dataframe_with(overview, "Message")
    assert list(issues.columns) == ["Severity", "Issue", "Action", "Message", "Evidence"]
    assert len(issues) == 6
    assert "Rating left as template placeholder" in set(issues["Issue"])
    assert "5.2" in set(issues["Action"])


def test_unknown_report_in_the_url_falls_back_to_the_first() -> None:
    at = open_page(query={"report": "XX-SC99"})
    no_errors(at)
    assert at.selectbox(key="report").value == "KHM-SC66"
    assert at.query_params["report"] == "KHM-SC66"  # the URL now names what is shown


def test_missing_database_says_how_to_build_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIAP_DB", str(tmp_path / "missing.duckdb"))
    at = open_page()
    assert not at.exception
    assert len(at.error) == 1
    assert "missing.duckdb" in at.error[0].value
    assert "python -m loaders build" in at.error[0].value
    assert "make run" in at.error[0].value
    assert not at.metric


def test_empty_database_explains_how_to_load_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "empty.duckdb"
    connect(db).close()
    monkeypatch.setenv("NIAP_DB", str(db))
    at = open_page()
    no_errors(at)
    assert "python -m loaders load FILE" in at.info[0].value
    assert not at.get("plotly_chart")


def test_a_rebuilt_database_is_picked_up_on_the_next_run(
    built_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "niap.duckdb"
    shutil.copyfile(built_db, db)
    monkeypatch.setenv("NIAP_DB", str(db))
    at = open_page()
    assert metrics(at)["Reports"] == str(db_count(built_db, "SELECT count(*) FROM out_reports"))
    rebuilt = tmp_path / "rebuilt.duckdb"
    connect(rebuilt).close()
    rebuilt.replace(db)  # what `python -m loaders build` does at its end
    at.run()
    assert not at.exception
    assert "python -m loaders load FILE" in at.info[0].value


# ---------------------------------------------------------------- Ratings

RATINGS_PAGE = "views/ratings.py"
BY_PARTY = "Self-assessed ratings by Party"
BY_MEETING = "Self-assessed ratings by meeting"
TREND = "Share of actions achieved or substantially achieved, by Party across meetings"


def by_party_traces(at: AppTest, party: str = "Cambodia") -> dict[str, float]:
    """Rating label -> share of ``party``'s actions in the by-Party chart, in trace order."""
    out = {}
    for trace in chart_starting(at, BY_PARTY)["data"]:
        for label, share in zip(trace["y"], trace["x"], strict=True):
            if label.startswith(party):
                out[trace["name"]] = share
    return out


@pytest.fixture(scope="module")
def ratings_page() -> AppTest:
    return open_page(RATINGS_PAGE)


def test_ratings_page_shows_its_five_charts(ratings_page: AppTest) -> None:
    no_errors(ratings_page)
    titles = list(charts_by_title(ratings_page))
    assert [t.split(":")[0] for t in titles] == [
        BY_PARTY, BY_MEETING, "Self-assessed ratings by standard pillar",
        "Share of each report's actions achieved or substantially achieved", TREND]
    assert all(alt for _, alt in charts_by_title(ratings_page).values())
    assert len(ratings_page.get("tab")) >= 10  # Chart | Table for each


def demo_party_on_both_templates(db: Path) -> tuple[str, str]:
    """ISO code and name of a demo Party whose reports use both templates."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("""SELECT party_iso3, party_name FROM out_reports WHERE is_demo GROUP BY ALL
                              HAVING count(DISTINCT rating_scale) = 2 ORDER BY party_iso3 LIMIT 1""").fetchone()


def by_party_groups(at: AppTest) -> dict[str, int]:
    """Bar label (as in the Table tab) -> actions in the group, of the by-Party chart."""
    table = dataframe_with(at, "Party", "Rating")
    groups = table.drop_duplicates("Party")
    return dict(zip(groups["Party"], groups[groups.columns[-1]], strict=True))


def test_ratings_by_party_are_each_partys_latest_report(ratings_page: AppTest, built_db: Path) -> None:
    code, name = demo_party_on_both_templates(built_db)
    with duckdb.connect(str(built_db), read_only=True) as con:
        latest, actions = con.execute("""SELECT meeting_code, n_actions FROM out_reports WHERE party_iso3 = ?
                                         ORDER BY meeting_number DESC LIMIT 1""", [code]).fetchone()
    groups = by_party_groups(ratings_page)
    assert groups[f"{name} (demo) · {latest}"] == actions  # one bar, its latest report only
    assert groups["Cambodia · SC66"] == 13
    spec = chart_starting(ratings_page, BY_PARTY)
    assert spec["layout"]["xaxis"]["title"]["text"] == "Share of the Party's actions at each Party's latest report"
    assert all("actions at its latest report" in t["hovertemplate"] for t in spec["data"] if t["name"] != "No report")


def test_ratings_by_party_with_history_keep_the_two_scales_apart(built_db: Path) -> None:
    code, name = demo_party_on_both_templates(built_db)
    with duckdb.connect(str(built_db), read_only=True) as con:
        per_scale = dict(con.execute("SELECT rating_scale, count(*) FROM out_actions WHERE party_iso3 = ? GROUP BY 1",
                                     [code]).fetchall())
    at = open_page(RATINGS_PAGE, {"history": "true"})
    no_errors(at)
    groups = {label.split(" · ")[1]: n for label, n in by_party_groups(at).items() if label.startswith(name)}
    assert groups == {"2014-2016 template": per_scale["2014"], "2017+ template": per_scale["2017"]}
    assert "never added up" in captions(at)
    assert "action-reports" in chart_starting(at, BY_PARTY)["layout"]["xaxis"]["title"]["text"]
    at.segmented_control(key="scale").set_value(CROSSWALK).run()
    groups = [n for label, n in by_party_groups(at).items() if label.startswith(name)]
    assert groups == [sum(per_scale.values())]  # one scale after the crosswalk: one bar


def test_ratings_follow_the_scale_order_and_code_table_colours(ratings_page: AppTest, built_db: Path) -> None:
    with duckdb.connect(str(built_db), read_only=True) as con:
        codes = con.execute("SELECT label, colour FROM out_codes_ratings ORDER BY sort_order").fetchall()
    order = [label for label, _ in codes]
    colour = dict(codes)
    for spec in (chart_starting(ratings_page, BY_PARTY), chart_starting(ratings_page, BY_MEETING)):
        names = [t["name"] for t in spec["data"] if t["name"] != "No report"]
        assert names == sorted(names, key=order.index)
        assert all(t["marker"]["color"] == colour[t["name"]] for t in spec["data"] if t["name"] in colour)
    assert by_party_traces(ratings_page) == pytest.approx({
        "Substantially achieved": 100 * 2 / 13, "On track": 100 * 9 / 13, "Challenging": 100 * 2 / 13})


@pytest.fixture(scope="module")
def unrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Cambodia's report with 5.2 left unrated: Part C keeps the template's placeholder and
    Part B's table no longer lists it."""
    folder = tmp_path_factory.mktemp("unrated")
    (folder / "data" / "raw").mkdir(parents=True)
    edited_sample(folder / "data" / "raw", "cambodia_sc66_unrated.md",
                  ("5.1 Regular reporting and information sharing with relevant agencies  5.2 Explore sharing of "
                   "intelligence related to wildlife crimes through international mechanisms",
                   "5.1 Regular reporting and information sharing with relevant agencies"))
    db = folder / "unrated.duckdb"
    assert not build(db, data_dir=folder / "data").errors
    assert db_count(db, "SELECT count(*) FROM out_actions WHERE rating_code = 'not_rated'") == 1
    return db


def test_not_rated_and_no_report_have_the_hatches_they_have_on_every_page(
        unrated_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIAP_DB", str(unrated_db))
    at = open_page(RATINGS_PAGE)
    no_errors(at)
    label, fill, shape, _ = NOT_A_RATING["not_rated"]
    not_rated = [t for t in chart_starting(at, BY_PARTY)["data"] if t["name"] == label]
    assert [(t["x"], t["marker"]["color"], t["marker"]["pattern"]["shape"]) for t in not_rated] == [
        ([pytest.approx(100 / 13)], fill, shape)]
    assert shape == "x" and all("pattern" not in t["marker"] for t in chart_starting(at, BY_PARTY)["data"]
                                if t["name"] != label)  # a rating never has a hatch
    label, fill, shape, words = NOT_A_RATING["no_report"]  # SC69 and SC70: CITES published figures, no report
    no_report = [t for t in chart_starting(at, BY_MEETING)["data"] if t["name"] == label]
    assert [(t["text"], t["marker"]["color"], t["marker"]["pattern"]["shape"]) for t in no_report] == [
        ([words, words], fill, shape)]
    overview_bar = chart_starting(open_page(), "Cambodia, SC66")["data"][0]
    assert overview_bar["y"][-1] == "Not rated" and overview_bar["x"][-1] == 1
    assert overview_bar["marker"]["pattern"]["shape"][-1] == NOT_A_RATING["not_rated"][2]


def test_crosswalk_shows_2014_ratings_on_the_2017_scale_with_its_note() -> None:
    at = open_page(RATINGS_PAGE)
    at.segmented_control(key="scale").set_value(CROSSWALK).run()
    no_errors(at)
    assert all("2017+ scale via the crosswalk" in t for t in list(charts_by_title(at))[:3])
    assert by_party_traces(at) == pytest.approx({
        "Substantially achieved": 100 * 2 / 13, "On track": 100 * 9 / 13, "Partial progress": 100 * 2 / 13})
    assert any("analyst's convention, not a CITES equivalence" in i.value for i in at.info)
    notes = dataframe_with(at, "Shown as (2017+ scale)").set_index("Rating in the report")
    assert notes.loc["Challenging", "Shown as (2017+ scale)"] == "Partial progress"
    assert "Analyst's convention" in notes.loc["Challenging", "Note"]


def test_crosswalk_choice_is_read_from_the_url() -> None:
    at = open_page(RATINGS_PAGE, {"scale": CROSSWALK})
    assert at.segmented_control(key="scale").value == CROSSWALK
    assert "Partial progress" in by_party_traces(at)


def test_pillar_filter_changes_the_ratings_shown() -> None:
    at = set_filter(open_page(RATINGS_PAGE), "pillar", ["legislation"])
    no_errors(at)
    table = dataframe_with(at, "Party", "Actions in the group")
    cambodia = table[table["Party"].str.startswith("Cambodia")]
    assert set(cambodia["Actions in the group"]) == {2}  # 1.1 on track, 1.2 challenging
    assert by_party_traces(at) == pytest.approx({"On track": 50.0, "Challenging": 50.0})


def test_a_party_with_reports_but_no_action_in_a_pillar_is_not_no_report() -> None:
    at = set_filter(open_page(RATINGS_PAGE), "pillar", ["outreach"])  # Cambodia has no outreach action
    no_errors(at)
    assert by_party_traces(at) == {}
    assert all(t["name"] != "No report" for t in chart_starting(at, BY_PARTY)["data"])


def test_a_pillar_without_actions_leaves_empty_states_not_errors() -> None:
    at = set_filter(set_filter(open_page(RATINGS_PAGE), "demo", False), "pillar", ["outreach"])
    no_errors(at)
    assert any(i.value.startswith("No rated actions in this selection") for i in at.info)
    assert any("published figures cover all pillars" in i.value.replace("\\", "") for i in at.info)


def test_meetings_without_a_report_show_as_no_report() -> None:
    at = set_filter(open_page(RATINGS_PAGE), "party", ["KHM"])
    no_report = [t for t in chart_starting(at, BY_MEETING)["data"] if t["name"] == "No report"]
    assert len(no_report) == 1
    assert [y.split(" ")[0] for y in no_report[0]["y"]] == ["SC69", "SC70"]
    heatmap = chart_starting(at, "Share of each report's actions achieved")
    gaps, values = heatmap["data"]
    assert gaps["text"] == [["", "", ""]]  # no grey gap: SC69 and SC70 have CITES's published figures
    assert values["text"][0][0] == "15%"  # 2 of 13 substantially achieved
    assert values["text"][0][1].endswith("% (published)") and values["text"][0][2].endswith("% (published)")


def test_trend_counts_cambodias_report_and_takes_its_published_shares(built_db: Path) -> None:
    at = open_page(RATINGS_PAGE, {"party": "KHM"})
    no_errors(at)
    assert at.multiselect(key="trend_parties").value == ["KHM"]  # the sidebar's Parties first
    with duckdb.connect(str(built_db), read_only=True) as con:
        counted = con.execute("""SELECT 100.0 * count(*) FILTER (WHERE rating_code IN ('achieved',
                                 'substantially_achieved')) / count(*) FROM out_actions
                                 WHERE report_id = 'KHM-SC66'""").fetchone()[0]
        published = dict(con.execute("""
            SELECT meeting_code, sum(share_pct) FROM out_rating_shares
            WHERE party_iso3 = 'KHM' AND origin = 'reference' AND assessor = 'party'
              AND rating_code IN ('achieved', 'substantially_achieved') AND meeting_code IN ('SC69', 'SC70')
            GROUP BY 1""").fetchall())
    trend = chart_starting(at, TREND)
    cambodia = next(t for t in trend["data"] if t.get("name") == "Cambodia")
    assert cambodia["x"] == ["SC66", "SC69", "SC70"]
    assert cambodia["y"] == pytest.approx([counted, published["SC69"], published["SC70"]])
    assert cambodia["y"] == pytest.approx([100 * 2 / 13, 23.0, 69.0])
    assert cambodia["marker"]["symbol"] == ["circle", "circle-open", "circle-open"]  # published: hollow
    dashed = [t for t in trend["data"] if t.get("line", {}).get("dash") == "dash" and t.get("legendgroup") == "KHM"]
    assert dashed and dashed[0]["x"][:2] == ["SC66", "SC69"]
    table = dataframe_with(at, "What", "Template").set_index("Meeting")
    assert table["What"].to_dict() == {"SC66": "Counted from the report", "SC69": "Published by CITES",
                                      "SC70": "Published by CITES"}
    assert "SC70 Doc. 27.4" in table.loc["SC70", "Source"]


def test_a_party_with_published_figures_only_can_be_chosen_in_the_trend(ratings_page: AppTest) -> None:
    at = open_page(RATINGS_PAGE)
    chooser = at.multiselect(key="trend_parties")
    assert {"Malawi", "United Republic of Tanzania"} <= set(chooser.options)  # no report loaded for either
    chooser.set_value(["MWI"]).run()
    no_errors(at)
    malawi = [t for t in chart_starting(at, TREND)["data"] if t.get("mode") == "markers"]
    assert [(t["name"], t["x"], t["y"], t["marker"]["symbol"]) for t in malawi] == [
        ("Malawi", ["SC70"], [75.0], ["circle-open"])]
    chooser = at.multiselect(key="trend_parties").set_value([])
    at.run()
    assert any("choose Parties above" in i.value for i in at.info)


# ---------------------------------------------------------------- Delays & causes

DELAYS_PAGE = "views/delays.py"


def test_delays_page_shows_three_charts_and_counts_every_delayed_action(built_db: Path) -> None:
    at = open_page(DELAYS_PAGE)
    no_errors(at)
    assert [t for t in charts_by_title(at)] == [
        "Delayed actions by cause of delay", "Delayed actions by standard pillar", "Delayed actions by Party"]
    # every delayed action has at least one cause ("No cause stated" when none is given), so the
    # page counts what Overview counts: the actions out_actions marks delayed, at each Party's latest report
    delayed = db_count(built_db, LATEST.format(condition="a.delayed"))
    assert metrics(at)["Delayed actions"] == str(delayed)
    assert metrics(at)["Parties with a delayed action"] == str(db_count(
        built_db, LATEST.replace("a.party_iso3, a.action_code", "a.party_iso3").format(condition="a.delayed")))
    causes = chart_starting(at, "Delayed actions by cause")
    unspecified = db_count(built_db, "SELECT count(*) FROM out_actions WHERE delayed AND len(delay_causes) = 0")
    assert unspecified == 0, "a delayed action without a cause would be missing from the Delays page"
    assert max(causes["data"][0]["x"]) <= delayed
    assert causes["layout"]["xaxis"]["title"]["text"] == "Number of delayed actions at each Party's latest report"
    assert "status at each Party's latest report" in captions(at)


def delayed_per_party(db: Path, latest: bool) -> dict[str, int]:
    """Party name -> delayed actions at its latest report (or delayed action rows of every report)."""
    with duckdb.connect(str(db), read_only=True) as con:
        return dict(con.execute(f"""
            SELECT party_name || CASE WHEN is_demo THEN ' (demo)' ELSE '' END, count(*) FROM out_actions a
            WHERE delayed {"AND meeting_number = (SELECT max(meeting_number) FROM out_reports r "
                           "WHERE r.party_iso3 = a.party_iso3)" if latest else ""}
            GROUP BY ALL""").fetchall())


def test_delays_by_party_count_each_action_once_unless_history_is_asked_for(built_db: Path) -> None:
    at = open_page(DELAYS_PAGE)
    by_party = chart_starting(at, "Delayed actions by Party")["data"][0]
    assert dict(zip(by_party["y"], by_party["x"], strict=True)) == delayed_per_party(built_db, latest=True)
    at = open_page(DELAYS_PAGE, {"history": "true"})
    no_errors(at)
    assert metrics(at)["Delayed action-reports"] == str(db_count(
        built_db, "SELECT count(*) FROM out_actions WHERE delayed"))
    spec = chart_starting(at, "Delayed action-reports by Party")
    assert dict(zip(spec["data"][0]["y"], spec["data"][0]["x"], strict=True)) == delayed_per_party(built_db, False)
    assert "action-reports (an action counts once per report)" in spec["data"][0]["hovertemplate"]
    assert "an action reported to several meetings counts once per report" in captions(at)


def test_party_filter_changes_the_delays_shown() -> None:
    at = set_filter(open_page(DELAYS_PAGE), "party", ["KHM"])
    no_errors(at)
    assert metrics(at)["Delayed actions"] == "4"  # 1.1, 1.2, 2.4, 3.1
    causes = chart_starting(at, "Delayed actions by cause")["data"][0]
    assert dict(zip(causes["y"], causes["x"], strict=True)) == {
        "Lack of funding": 4, "Coordination between agencies": 4}


def test_choosing_a_cause_lists_its_actions_with_evidence() -> None:
    at = set_filter(open_page(DELAYS_PAGE), "party", ["KHM"])
    at.selectbox(key="focus").set_value("Cause: Lack of funding").run()
    no_errors(at)
    table = dataframe_with(at, "Evidence")
    assert list(table.columns[:7]) == ["Party", "Meeting", "Action", "Cause", "Where found", "Evidence",
                                       "Matched words"]
    assert set(table["Cause"]) == {"Lack of funding"}
    assert sorted(set(table["Action"])) == ["1.1", "1.2", "2.4", "3.1"]
    assert table["Evidence"].str.contains("funding", case=False).all()


def test_an_empty_selection_says_what_to_change() -> None:
    at = set_filter(set_filter(open_page(DELAYS_PAGE), "demo", False), "pillar", ["outreach"])
    no_errors(at)
    assert not at.get("plotly_chart")
    assert "No delayed actions in this selection" in at.info[0].value
    assert "remove some Parties, meetings or pillars" in at.info[0].value


# ---------------------------------------------------------------- Funding gaps

FUNDING_PAGE = "views/funding.py"


GAPS = """
    SELECT count(*) FROM out_actions a WHERE ((funding_sought AND NOT funding_secured) OR EXISTS (
      SELECT 1 FROM out_delay_causes d WHERE d.report_id = a.report_id AND d.action_code = a.action_code
      AND d.cause = 'funding')) AND {condition}"""
AT_LATEST = "meeting_number = (SELECT max(meeting_number) FROM out_reports r WHERE r.party_iso3 = a.party_iso3)"


def test_funding_page_shows_charts_table_and_download(built_db: Path) -> None:
    at = open_page(FUNDING_PAGE)
    no_errors(at)
    assert [t.split(":")[0] for t in charts_by_title(at)] == [
        "Funding gaps by Party", "Funding gaps by standard pillar"]
    table = dataframe_with(at, "Evidence", "Funding gap")
    assert len(table) == db_count(built_db, GAPS.format(condition=AT_LATEST))
    assert f"The actions: {len(table)}" in [h.value for h in at.header]
    table_buttons = {b.proto.label for b in at.get("download_button") if "-niap_funding_gaps-" in b.proto.id}
    assert table_buttons == {"CSV", "XLSX"}, "the table of actions downloads as shown"
    at = open_page(FUNDING_PAGE, {"history": "true"})  # the action list obeys the history switch
    no_errors(at)
    assert len(dataframe_with(at, "Evidence", "Funding gap")) == db_count(built_db, GAPS.format(condition="TRUE"))
    assert metrics(at)["Action-reports with a funding gap"] == str(db_count(built_db, GAPS.format(condition="TRUE")))


def test_actions_still_seeking_funds_at_their_latest_report(built_db: Path) -> None:
    at = open_page(FUNDING_PAGE, {"history": "true"})  # whatever the switch
    no_errors(at)
    assert "Actions still seeking funds at their latest report" in [h.value for h in at.header]
    seeking = dataframe_with(at, "Seeking funds at")
    assert len(seeking) == db_count(built_db, LATEST_SEEKING)
    assert seeking["Evidence"].str.len().gt(20).all()  # the report's sentences (some in French)
    cambodia = seeking[seeking["Party"] == "Cambodia"].set_index("Action")
    assert sorted(cambodia.index) == ["2.1", "2.3", "3.2"]
    assert set(cambodia["Seeking funds at"]) == {"SC66"} and set(cambodia["Latest report"]) == {"SC66"}
    assert seeking["Demo data (fictional Party)"].sum() == len(seeking) - 3
    buttons = {b.proto.label for b in at.get("download_button") if "-niap_seeking_funds-" in b.proto.id}
    assert buttons == {"CSV", "XLSX"}


def test_party_filter_changes_the_funding_gaps_shown() -> None:
    at = set_filter(open_page(FUNDING_PAGE), "party", ["KHM"])
    no_errors(at)
    assert metrics(at)["Actions with a funding gap"] == "7"
    table = dataframe_with(at, "Evidence", "Funding gap").set_index("Action")
    assert sorted(table.index) == ["1.1", "1.2", "2.1", "2.3", "2.4", "3.1", "3.2"]
    assert table.loc["2.1", "Funding gap"] == "Funding sought, not secured"
    assert table.loc["1.1", "Funding gap"] == "Delayed for lack of funding"
    assert table["Evidence"].str.len().gt(20).all()
    assert not table["Demo data (fictional Party)"].any()
    by_party = chart_starting(at, "Funding gaps by Party")["data"]
    assert [(t["name"], t["x"]) for t in by_party] == [
        ("Funding sought, not secured", [3]), ("Delayed for lack of funding", [4])]


def test_demo_data_is_said_in_captions_when_shown(built_db: Path) -> None:
    at = open_page(FUNDING_PAGE)
    note = DEMO_NOTE.split(":")[0]  # "Includes demo data (fictional Parties)", escaped in captions
    has_demo = db_count(built_db, "SELECT count(*) FROM out_reports WHERE is_demo") > 0
    assert (note in captions(at)) == has_demo
    at = set_filter(at, "demo", False)
    assert note not in captions(at)


# ---------------------------------------------------------------- report text stays text

HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(1)> **bold** Progress has been delayed " \
          "due to a lack of funding"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Cambodia's report for SC67 with HTML and Markdown in a note that gives a delay cause."""
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "data" / "raw").mkdir(parents=True)
    edited_sample(folder / "data" / "raw", "cambodia_sc67_hostile.md",
                  ("Prepared for the 66th meeting", "Prepared for the 67th meeting"),
                  ("Reports are completed and submitted as required",
                   HOSTILE.replace("<", "&lt;").replace(">", "&gt;")))  # entities reach the note as text
    db = folder / "hostile.duckdb"
    assert not build(db, data_dir=folder / "data").errors
    return db


@pytest.mark.parametrize("page", [DELAYS_PAGE, FUNDING_PAGE])
def test_report_text_with_html_is_shown_as_inert_text(hostile_db: Path, page: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIAP_DB", str(hostile_db))
    at = open_page(page)
    no_errors(at)
    evidence = " ".join(dataframe_with(at, "Evidence", "Cause" if page == DELAYS_PAGE else "Funding gap")["Evidence"])
    assert "<script>alert(1)</script> <img src=x onerror=alert(1)> **bold**" in evidence  # as written
    rendered = [e.value for e in (*at.markdown, *at.caption, *at.header, *at.subheader, *at.info)]
    assert not any("<script" in text or "onerror" in text for text in rendered)
    assert all("<script" not in spec for spec in (c.proto.spec for c in at.get("plotly_chart")))
