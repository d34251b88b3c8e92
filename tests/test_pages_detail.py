"""The Compare, Report and Data quality views, run headless by Streamlit's AppTest through
the app itself (dashboard/app.py: its sidebar filters, then the view), and their questions
and chart builders alone.

The views run on the database `make run` builds and on a small database of known reports:
the Cambodia sample; a copy of it for SC70, where CITES also published the Party's own
figures; a hostile copy for SC67 whose note holds HTML; and two reports of the fictional
Examplia with a fictional Secretariat rating. The sidebar offers Parties and meetings with
a loaded report or with figures CITES published (as in the app); links name them by code.
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

from dashboard.charts import compare as compare_charts
from dashboard.escape import markdown
from dashboard.queries import compare, reports
from dashboard.selection import Filters, read_choices, read_flag
from loaders.build import build
from loaders.store import connect
from tests.helpers import ROOT, SAMPLE, edited_sample

APP = ROOT / "dashboard" / "app.py"
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


@pytest.fixture(scope="module")
def detail_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_detail_db(tmp_path_factory.mktemp("detail"))


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Each test starts from empty caches and leaves no open connection behind."""
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def open_page(db: Path, page: str, query: dict[str, str | list[str]] | None = None) -> AppTest:
    """The view (compare, report, data_quality) as a first visit to its link with ``query``
    shows it: the view is the first page the session runs, as when a shared link is opened."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page(f"views/{page}.py")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NIAP_DB", str(db))
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


def db_rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """An independent count on the database the page read."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def test_compare_on_the_default_data_shows_cambodias_counted_shares(app_db: Path) -> None:
    at = open_page(app_db, "compare")
    assert not at.error
    table = frame_with(at, "What").set_index(["Party", "Meeting"])
    ((on_track, total),) = db_rows(app_db, "SELECT count(*) FILTER (WHERE rating_code = 'on_track'), count(*) "
                                           "FROM out_actions WHERE report_id = 'KHM-SC66'")
    assert table.loc[("Cambodia", "SC66"), "On track"] == pytest.approx(round(100 * on_track / total, 1))
    assert table.loc[("Cambodia", "SC66"), "Actions"] == total
    for chart in at.get("plotly_chart"):
        assert chart.proto.alt.startswith(("Bar charts", "Paired bar chart", "Dot chart"))
    assert "Source: " in captions(at)


def test_report_on_the_default_data_shows_one_report_whole(app_db: Path) -> None:
    at = open_page(app_db, "report")
    report = at.query_params["report"]  # the view names the report it shows in the link
    ((actions, party),) = db_rows(app_db, "SELECT n_actions, party_name FROM out_reports WHERE report_id = ?",
                                  (report,))
    block = frame_with(at, "Field").set_index("Field")["Value"]
    assert block["Party"].startswith(party) and block["Actions"] == str(actions)
    assert len([m for m in at.markdown if m.value.startswith("Rating: ")]) == actions
    assert "Source: " in captions(at)


def test_data_quality_on_the_default_data_counts_every_issue(app_db: Path) -> None:
    at = open_page(app_db, "data_quality")
    ((issues, reports_with),) = db_rows(app_db, "SELECT count(*), count(DISTINCT report_id) FROM out_quality_issues")
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Issues"], metrics["Reports with issues"]) == (str(issues), str(reports_with))
    assert len(frame_with(at, "Evidence")) == issues
    assert any(t.startswith(f"Quality issues by Party ({issues} issues") for t in chart_specs(at))
    assert "Source: " in captions(at)


@pytest.mark.parametrize("page", ["compare", "report", "data_quality"])
def test_each_page_explains_an_empty_database(tmp_path: Path, page: str) -> None:
    db = tmp_path / "empty.duckdb"
    connect(db).close()  # the schema, no reports, no reference figures
    at = open_page(db, page)
    assert not at.error
    assert at.info, "an empty page says what to do"
    assert not at.get("plotly_chart")


# ------------------------------------------------------------------------ Compare


def test_compare_falls_back_to_parties_with_data_and_says_so(detail_db: Path) -> None:
    at = open_page(detail_db, "compare")
    assert "No Parties are chosen in the sidebar" in shown(at.info[0].value)
    table = frame_with(at, "What")
    assert list(dict.fromkeys(table["Party"]))[:2] == ["Cambodia", "United Republic of Tanzania"]
    cambodia = table[table["Party"] == "Cambodia"].set_index("Meeting")
    assert cambodia.loc["SC66", "What"] == "Counted from the report"
    assert cambodia.loc["SC69", "What"] == "Published by CITES"  # no report loaded: the published figure
    assert cambodia.loc["SC66", "On track"] == pytest.approx(69.2)
    examplia = table[table["Party"] == "Republic of Examplia (demo)"].set_index("Meeting")
    assert examplia.loc["SC67", "What"] == "No report"  # shown, not left out
    assert "Includes demo data (fictional Parties)" in captions(at)


def test_compare_side_by_side_follows_the_order_and_colours_of_the_scale(detail_db: Path) -> None:
    at = open_page(detail_db, "compare")
    spec = chart_specs(at)["Each Party's own ratings at each meeting, as shares of its actions"]
    entries = sorted((t for t in spec["data"] if t.get("showlegend")), key=lambda t: t["legendrank"])
    legend = [t["name"] for t in entries]
    assert legend[:3] == ["Achieved", "Substantially achieved", "On track"]  # the scale, best first
    assert legend[-1] == "No report" and "Not rated" not in legend
    assert len(legend) == len(set(legend))  # one entry per rating, not one per panel
    on_track = next(t for t in spec["data"] if t["name"] == "On track")
    assert [(on_track["marker"]["color"],)] == db_rows(
        detail_db, "SELECT colour FROM out_codes_ratings WHERE rating_code = 'on_track'")
    no_report = next(t for t in spec["data"] if t["name"] == "No report")
    assert no_report["marker"]["pattern"]["shape"] == "/"  # the one hatch of "no report", on every page
    assert set(no_report["text"]) == {"no report"}


def test_choosing_parties_in_the_sidebar_changes_the_comparison(detail_db: Path) -> None:
    at = open_page(detail_db, "compare")
    at.multiselect(key="party").set_value(["KHM"])
    rerun(at, detail_db)
    assert not any("No Parties are chosen" in shown(i.value) for i in at.info)
    table = frame_with(at, "What")
    assert set(table["Party"]) == {"Cambodia"}
    secretariat = frame_with(at, "Rated by")
    assert set(secretariat["Party"]) == {"Cambodia"}


def test_self_rating_against_secretariat_uses_the_published_figures(detail_db: Path) -> None:
    # Tanzania has only published figures: it is among the Parties compared when none is chosen
    at = open_page(detail_db, "compare")
    table = frame_with(at, "Rated by")
    rows = table.set_index(["Party", "Meeting", "Rated by"])
    assert rows.loc[("Cambodia", "SC69", "Party, published"), "Achieved"] == 15
    assert rows.loc[("Cambodia", "SC69", "Secretariat"), "Achieved"] == 8
    assert rows.loc[("United Republic of Tanzania", "SC70", "Secretariat"), "Achieved"] == 52.5
    # Cambodia SC70 is also loaded as a report: its counted ratings are a bar of their own
    assert rows.loc[("Cambodia", "SC70", "Party, counted from report"), "On track"] == pytest.approx(69.2)
    assert set(table["Source"]) >= {"SC70 Doc. 27.4 Annex 1, Table 1"}
    assert "SC70 Doc. 27.4 Annex 1, Table 1" in captions(at)


def test_a_party_at_a_meeting_it_did_not_report_to_shows_no_report(app_db: Path) -> None:
    assert not db_rows(app_db, "SELECT 1 FROM out_reports WHERE party_iso3 = 'KHM' AND meeting_code = 'SC77'")
    assert db_rows(app_db, "SELECT 1 FROM out_reports WHERE meeting_code = 'SC77'"), "SC77 is in the sidebar"
    at = open_page(app_db, "compare", {"party": "KHM", "meeting": "SC77"})
    assert not at.error
    assert at.multiselect(key="meeting").value == ["SC77"]
    table = frame_with(at, "What")
    assert table[["Party", "Meeting", "What"]].values.tolist() == [["Cambodia", "SC77", "No report"]]
    infos = " ".join(shown(i.value) for i in at.info)
    assert "No Secretariat rating for the compared Parties (Cambodia)" in infos
    assert "None of the compared Parties has a loaded report in the selection" in infos


def test_demo_secretariat_figures_show_only_with_demo_data(detail_db: Path) -> None:
    at = open_page(detail_db, "compare", {"party": ["KHM", "XA"]})
    assert "Republic of Examplia (demo)" in set(frame_with(at, "Rated by")["Party"])
    at.toggle(key="demo").set_value(False)
    rerun(at, detail_db)
    assert "Republic of Examplia (demo)" not in set(frame_with(at, "Rated by")["Party"])
    assert "Includes demo data" not in captions(at)


def test_one_action_followed_across_meetings_with_its_notes(detail_db: Path) -> None:
    at = open_page(detail_db, "compare", {"party": "KHM"})
    at.selectbox(key="compare_action").set_value("1.2")
    rerun(at, detail_db)
    table = frame_with(at, "Report's label").set_index("Meeting")
    assert list(table.index) == ["SC66", "SC67", "SC70"]  # meetings with a loaded report
    assert table.loc["SC66", "Rating"] == "Challenging"
    assert table.loc["SC66", "Causes"] == "coordination, funding"
    assert any("difficulties coordinating with Customs" in t for t in texts(at))
    spec = chart_specs(at)["Cambodia, action 1.2: the Party's own rating at each meeting"]
    assert spec["data"][1]["y"] == ["Challenging", "Challenging", "Challenging"]


def test_an_action_of_a_party_that_missed_a_meeting_shows_no_report(detail_db: Path) -> None:
    at = open_page(detail_db, "compare", {"party": ["KHM", "XA"]})
    at.selectbox(key="compare_party").set_value("XA")  # chosen by code, shown by name
    rerun(at, detail_db)
    at.selectbox(key="compare_action").set_value("1.2")
    rerun(at, detail_db)
    table = frame_with(at, "Report's label").set_index("Meeting")
    assert table["Rating"].to_dict() == {"SC66": "On track", "SC67": "No report", "SC70": "Challenging"}
    assert "Includes demo data" in captions(at)


def test_compare_draws_every_party_and_every_meeting_without_error(app_db: Path) -> None:
    # the AppTest twin of the browser pair walk (tests/test_browser_links.py), cheaper: every
    # Party at a meeting it has neither a report nor a figure for (the pairs that crashed),
    # and every meeting with a Party that reported to it; one session, moved by the address
    parties = db_rows(app_db, """
        SELECT p.party_iso3, (SELECT min(m.meeting_code) FROM out_reports m WHERE m.meeting_code NOT IN (
                  SELECT meeting_code FROM out_rating_shares WHERE party_iso3 = p.party_iso3
                  UNION SELECT meeting_code FROM out_reports WHERE party_iso3 = p.party_iso3))
        FROM out_parties p WHERE n_reports > 0 OR n_published > 0""")
    reported = db_rows(app_db, "SELECT min(party_iso3), meeting_code FROM out_reports GROUP BY meeting_code")
    pairs = [(p, m) for p, m in parties if m]
    pairs += [(p, m) for p, m in reported if m not in {m for _, m in pairs}]  # every meeting at least once
    assert len(pairs) > 15 and {m for _, m in pairs} == {m for _, m in reported}
    at = open_page(app_db, "compare")
    for party, meeting in pairs:
        at.query_params.clear()
        at.query_params.update({"party": party, "meeting": meeting})
        rerun(at, app_db)
        assert not at.error and not at.warning, (party, meeting)
        assert (at.multiselect(key="party").value, at.multiselect(key="meeting").value) == ([party], [meeting])
        assert "Parties side by side across meetings" in [h.value for h in at.main.header]


def test_a_demo_party_with_demo_data_switched_off_says_what_to_change(detail_db: Path) -> None:
    at = open_page(detail_db, "compare", {"party": "XA"})
    at.toggle(key="demo").set_value(False)
    rerun(at, detail_db)
    assert not at.error
    infos = " ".join(shown(i.value) for i in at.info)
    assert "Republic of Examplia (demo) is a demo Party and demo data is switched off" in infos
    assert at.query_params["demo"] == "false" and at.query_params["party"] == "XA"


def test_a_bug_in_a_view_shows_an_apology_and_logs_the_traceback(detail_db: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import logging

    from dashboard.panels import compare as compare_panels

    def broken(*args: object) -> None:
        raise KeyError("rating_code")

    logged: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = logged.append
    logging.getLogger("dashboard.app").addHandler(handler)
    monkeypatch.setattr(compare_panels, "side_by_side", broken)
    try:
        at = open_page(detail_db, "compare", {"party": "KHM"})  # asserts no exception box
    finally:
        logging.getLogger("dashboard.app").removeHandler(handler)
    assert [e.value for e in at.error] and at.error[0].value.startswith("Sorry: this page failed to draw")
    assert not any("KeyError" in e.value or "rating_code" in e.value for e in at.error)
    assert logged and logged[0].exc_info[0] is KeyError and "party=KHM" in logged[0].getMessage()


# ------------------------------------------------------------------------ links


def test_links_name_parties_by_code_and_old_links_still_work(detail_db: Path) -> None:
    at = open_page(detail_db, "compare", {"party": "KHM,XA", "meeting": "SC66"})  # the comma form
    assert at.multiselect(key="party").value == ["KHM", "XA"]
    assert at.multiselect(key="party").format_func("XA") == "Republic of Examplia (demo)"  # names on screen
    assert at.query_params["party"] == ["KHM", "XA"] and not any("Read from" in i.value for i in at.info)
    old = open_page(detail_db, "compare", {"party": ["Cambodia", "Republic of Examplia (demo)"], "demo": "0"})
    assert old.multiselect(key="party").value == ["KHM", "XA"] and old.toggle(key="demo").value is False
    read = shown(old.info[0].value)
    assert "party=“Cambodia” as party=KHM" in read and "demo=“0” as demo=false" in read
    assert old.query_params["party"] == ["KHM", "XA"] and old.query_params["demo"] == "false"


def test_a_link_naming_what_is_not_there_says_so(detail_db: Path) -> None:
    at = open_page(detail_db, "compare", {"party": ["KHM", "Nonexistent"], "meeting": "SC999", "pillar": "x",
                                          "history": "maybe"})
    warning = shown(at.warning[0].value)
    for words in ("Party “Nonexistent”", "meeting “SC999”", "pillar “x”", "history “maybe”"):
        assert words in warning
    assert at.multiselect(key="party").value == ["KHM"] and at.multiselect(key="meeting").value == []
    assert dict(at.query_params) == {"party": "KHM", "compare_party": "KHM", "compare_action": "1.1"}
    rerun(at, detail_db)  # said once, when the link is opened
    assert not at.warning


def test_the_sidebar_offers_parties_known_only_from_published_figures(detail_db: Path) -> None:
    at = open_page(detail_db, "compare", {"party": "TZA"})
    parties = at.multiselect(key="party")
    published = db_rows(detail_db, "SELECT party_iso3 FROM out_parties WHERE n_reports = 0 AND n_published > 0")
    assert {"TZA", "MWI", "MYS", "MOZ"} <= {p for (p,) in published}
    assert {parties.format_func(p) for (p,) in published} <= set(parties.options)  # AppTest lists the labels
    assert parties.format_func("MWI") == "Malawi (published figures only)"
    assert set(frame_with(at, "What")["What"]) == {"Published by CITES"}
    report = open_page(detail_db, "report", {"party": "TZA"})  # a page that needs a report says so
    assert "No report matches the sidebar selection" in report.info[0].value


def test_a_views_own_choice_is_in_the_address_by_code(detail_db: Path) -> None:
    at = open_page(detail_db, "compare", {"party": ["KHM", "XA"], "compare_party": "Republic of Examplia (demo)"})
    assert at.selectbox(key="compare_party").value == "XA"
    assert at.query_params["compare_party"] == "XA"
    at.selectbox(key="compare_action").set_value("1.2")
    rerun(at, detail_db)
    assert at.query_params["compare_action"] == "1.2"  # the code, not the cut title


def test_read_choices_takes_codes_labels_and_commas() -> None:
    known = {"KHM": "Cambodia", "HKG": "China, Hong Kong SAR", "XA": "Republic of Examplia (demo)"}
    reading = read_choices(["khm", "China, Hong Kong SAR", "Republic of Examplia", "XA,Nowhere", ""], known)
    assert reading.codes == ("KHM", "HKG", "XA")
    assert reading.ignored == ("Nowhere",)
    assert dict(reading.read_as) == {"khm": "KHM", "China, Hong Kong SAR": "HKG", "Republic of Examplia": "XA"}
    flags = [read_flag([v], True)[0] for v in ("0", "no", "OFF", "False", "1", "yes", "true")]
    assert flags == [False] * 4 + [True] * 3
    kept, reading = read_flag(["maybe"], True)
    assert kept is True and reading.ignored == ("maybe",)


# ------------------------------------------------------------------------ Report


def test_report_shows_the_hostile_note_as_inert_text(detail_db: Path) -> None:
    at = open_page(detail_db, "report", {"report": "KHM-SC67"})
    note = next(t for t in texts(at) if SCRIPT in t)
    assert IMG in note and "[link](javascript:alert(1))" in note and "**not bold**" in note
    for element in [*at.markdown, *at.caption, *at.warning, *at.info]:  # no Markdown carries it unescaped
        assert SCRIPT not in element.value and IMG not in element.value


def test_report_shows_title_block_synopsis_actions_facts_and_issues(detail_db: Path) -> None:
    at = open_page(detail_db, "report", {"report": "KHM-SC66"})
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


def test_report_picker_follows_the_url_and_the_pillar_filter(detail_db: Path) -> None:
    at = open_page(detail_db, "report", {"report": "XA-SC66"})
    assert at.selectbox(key="report_pick").value == "XA-SC66"
    assert any("fictional demo Party" in shown(w.value) for w in at.warning)
    assert len([m for m in at.markdown if m.value.startswith("Rating: ")]) == 13
    at.multiselect(key="pillar").set_value(["legislation"])
    rerun(at, detail_db)
    assert len([m for m in at.markdown if m.value.startswith("Rating: ")]) == 2  # actions 1.1 and 1.2
    assert at.query_params["report"] == "XA-SC66"  # the link still names the report


def test_report_opened_by_its_link_shows_its_title_block(detail_db: Path) -> None:
    at = open_page(detail_db, "report", {"report": "KHM-SC66"})
    assert [shown(h.value) for h in at.main.header] == ["Cambodia · SC66 progress report"]
    block = frame_with(at, "Field").set_index("Field")["Value"]
    assert (block["Party"], block["Meeting"], block["Actions"]) == ("Cambodia", "SC66 (Geneva, January 2016)", "13")
    assert at.selectbox(key="report_pick").value == "KHM-SC66"
    assert not any("Session State" in w.value for w in at.warning)
    at.selectbox(key="report_pick").set_value("KHM-SC70")  # choosing another report changes the link
    rerun(at, detail_db)
    assert at.query_params["report"] == "KHM-SC70"
    assert frame_with(at, "Field").set_index("Field")["Value"]["Reporting period"] == "2017-07 to 2018-06"


def test_report_named_by_a_link_outside_the_selection_is_shown_and_says_so(detail_db: Path) -> None:
    at = open_page(detail_db, "report", {"report": "KHM-SC66", "party": "XA"})
    infos = " ".join(shown(i.value) for i in at.info)
    assert "The link names Cambodia · SC66 (KHM-SC66), which the sidebar selection" in infos
    assert "it is shown anyway" in infos
    assert at.selectbox(key="report_pick").value == "KHM-SC66"  # the shared link reopens the same report
    assert [shown(h.value) for h in at.main.header] == ["Cambodia · SC66 progress report"]
    assert at.query_params["report"] == "KHM-SC66"
    at.multiselect(key="meeting").set_value(["SC70"])  # a change of the sidebar filters: the selection wins
    rerun(at, detail_db)
    assert at.selectbox(key="report_pick").value == "XA-SC70"
    assert "Cambodia · SC66 is not in the sidebar selection" in " ".join(shown(i.value) for i in at.info)


def test_report_link_naming_no_loaded_report_says_so(detail_db: Path) -> None:
    at = open_page(detail_db, "report", {"report": "KHM-SC99"})
    assert "The link names a report “KHM-SC99” that is not loaded" in " ".join(shown(w.value) for w in at.warning)
    assert at.query_params["report"] == at.selectbox(key="report_pick").value != "KHM-SC99"


def test_report_says_when_its_file_is_missing(detail_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(detail_db, db)
    moved = hostile_report(tmp_path, version=" (second version)")
    subprocess.run([sys.executable, "-m", "loaders", "load", str(moved), "--db", str(db)], cwd=ROOT, check=True,
                   capture_output=True, timeout=120)
    moved.unlink()
    at = open_page(db, "report", {"report": "KHM-SC67"})
    assert not [b for b in at.get("download_button") if "source" in b.label.lower() or "report" in b.label.lower()]
    assert any("cannot be downloaded" in w.value for w in at.warning)


NOTHING = {"party": "XA", "meeting": "SC67"}  # Examplia did not report to SC67


def test_report_with_filters_matching_nothing_explains_itself(detail_db: Path) -> None:
    at = open_page(detail_db, "report", NOTHING)
    assert "No report matches the sidebar selection" in at.info[0].value
    assert not at.get("plotly_chart")


# ------------------------------------------------------------------------ Data quality


def test_data_quality_lists_issues_with_links_to_their_reports(detail_db: Path) -> None:
    at = open_page(detail_db, "data_quality")
    issues = frame_with(at, "Evidence")
    assert {"Party", "Meeting", "Action", "Issue", "Message", "Evidence", "Report"} <= set(issues.columns)
    assert issues["Report"].iloc[0].startswith("report?")
    links = at.get("page_link")
    assert len(links) >= 4
    assert any("report=KHM-SC67" in link.proto.query_string for link in links)
    specs = chart_specs(at)
    assert any(t.startswith("Quality issues by issue type") for t in specs)
    assert any(t.startswith("Quality issues by Party") for t in specs)


def test_data_quality_filters_change_the_counts(detail_db: Path) -> None:
    at = open_page(detail_db, "data_quality")
    total = int(at.metric[0].value)
    at.multiselect(key="dq_severity").set_value(["warning"])
    rerun(at, detail_db)
    warnings = int(at.metric[0].value)
    assert 0 < warnings < total
    assert set(frame_with(at, "Evidence")["Severity"]) == {"warning"}
    at.multiselect(key="party").set_value(["XA"])
    rerun(at, detail_db)
    assert set(frame_with(at, "Evidence")["Party"]) == {"Republic of Examplia (demo)"}


def test_data_quality_lists_reports_whose_facts_look_odd(detail_db: Path) -> None:
    at = open_page(detail_db, "data_quality")
    odd = frame_with(at, "Check")
    checks = set(zip(odd["Party"], odd["Meeting"], odd["Check"], strict=True))
    assert ("Republic of Examplia (demo)", "SC66", "Part A's counts disagree with the tables") in checks
    assert ("Cambodia", "SC70", "Counted ratings differ from the Party's figure published by CITES") in checks
    assert not any(p == "Cambodia" and m == "SC66" for p, m, _ in checks)  # the sample agrees with itself


def test_data_quality_with_nothing_selected_explains_itself(detail_db: Path) -> None:
    at = open_page(detail_db, "data_quality", NOTHING)
    assert "No quality issue matches" in at.info[0].value


# ------------------------------------------------------------------------ data functions and charts alone


@pytest.fixture(scope="module")
def cursor(detail_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(detail_db), read_only=True)
    yield con
    con.close()


def test_published_figures_stand_in_only_where_no_report_is_loaded(cursor: duckdb.DuckDBPyConnection) -> None:
    cells = compare.ratings_by_meeting(cursor, Filters(), ("KHM",))
    status = cells.drop_duplicates("meeting_code").set_index("meeting_code")["status"]
    assert list(status.index) == ["SC66", "SC67", "SC69", "SC70"]  # in date order
    assert status.to_dict() == {"SC66": "counted", "SC67": "counted", "SC69": "published", "SC70": "counted"}
    with_pillar = compare.ratings_by_meeting(cursor, Filters(pillars=("legislation",)), ("KHM",))
    status = with_pillar.drop_duplicates("meeting_code").set_index("meeting_code")["status"]
    assert status["SC69"] == "published_all_pillars"  # a published figure cannot be cut by pillar


def test_a_published_figure_that_leaves_actions_out_is_completed_as_not_stated(
    cursor: duckdb.DuckDBPyConnection,
) -> None:
    cells = compare.ratings_by_meeting(cursor, Filters(parties=("MOZ",)), ("MOZ",))
    shares = cells.set_index("rating_code")["share_pct"]
    assert shares["substantially_achieved"] == pytest.approx(48.72, abs=0.01)  # 19 of 39
    assert shares["not_stated"] == pytest.approx(51.28, abs=0.01)


def test_a_meeting_without_report_or_figure_is_no_report_not_an_error(cursor: duckdb.DuckDBPyConnection) -> None:
    cells = compare.ratings_by_meeting(cursor, Filters(meetings=("SC77",)), ("KHM", "XA"))
    assert cells[["party_name", "meeting_code", "status"]].values.tolist() == [
        ["Cambodia", "SC77", "no_report"], ["Republic of Examplia (demo)", "SC77", "no_report"]]
    history = compare.action_history(cursor, Filters(meetings=("SC77",)), "KHM", "1.1")
    assert history[["meeting_code", "status"]].values.tolist() == [["SC77", "no_report"]]


def test_disagreements_are_party_minus_secretariat(cursor: duckdb.DuckDBPyConnection) -> None:
    gaps = compare.disagreements(compare.self_vs_secretariat(cursor, Filters(parties=("MYS",))))
    row = gaps.set_index("rating_code").loc["on_track"]
    assert (row["party_pct"], row["secretariat_pct"], row["gap_pp"]) == (27, 73, -46)


def test_markdown_shows_markdown_and_html_literally() -> None:
    escaped = markdown("<b>x</b> **y** [a](b) :red[c] $d$ `e` # f")
    for special in "<>*[]():$`#":
        assert f"\\{special}" in escaped
    assert escaped.replace("\\", "") == "<b>x</b> **y** [a](b) :red[c] $d$ `e` # f"


def test_locate_source_offers_only_the_file_that_was_loaded(tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    path.write_text("report", encoding="utf-8")
    sha = reports.file_digest(str(path))
    assert reports.locate_source(str(path), sha).status == "ok"
    assert reports.locate_source("r.md", sha, root=tmp_path).status == "ok"  # relative to the project
    path.write_text("changed", encoding="utf-8")
    assert reports.locate_source(str(path), sha).status == "changed"
    path.unlink()
    assert reports.locate_source(str(path), sha).status == "missing"


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
    figure = compare_charts.self_vs_secretariat(shares, RATINGS, title="t")
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
    figure = compare_charts.action_history(history, RATINGS, title="t")
    assert list(figure.layout.yaxis.categoryarray) == [
        "No report", "Action not in this report", "Challenging", "On track"]  # bottom to top
    assert list(figure.data[1].y) == ["On track", "Action not in this report", "No report"]
    assert figure.data[2].name == "Said to be delayed"


def test_data_quality_shows_how_much_of_each_report_was_read(tmp_path: Path) -> None:
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
    at = open_page(db, "data_quality")
    coverage = frame_with(at, "Text read (%)")
    read = dict(zip(coverage["Party"], coverage["Text read (%)"], strict=True))
    assert read["Cambodia"] > 99 and read["Republic of Examplia (demo)"] < 90
    assert coverage["Party"].iloc[0] == "Republic of Examplia (demo)"  # the least read first
    assert any(m.label == "Flagged as not read in part" and m.value == "1" for m in at.metric)
    unread = frame_with(at, "Text not read")
    assert unread["Text not read"].iloc[1].startswith("Concerning objective 1.1")
    issues = frame_with(at, "Evidence")
    assert {"Progress notes missing", "Part of the document not read"} <= set(issues["Issue"])
    at.selectbox(key="dq_unread").set_value("KHM-SC66")
    rerun(at, db)
    assert frame_with(at, "Text not read")["Text not read"].tolist() == ["3"]
