"""The Overview page, run headless by Streamlit's AppTest against real databases."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import charts
from loaders.store import connect

# AppTest resolves a relative path against this file, not the working directory.
APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


def run_app(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def dataframe_with(at: AppTest, column: str) -> pd.DataFrame:
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(frames) == 1, f"expected one table with a {column!r} column"
    return frames[0]


def chart(at: AppTest):
    charts_ = at.get("plotly_chart")
    assert len(charts_) == 1, "expected one chart"
    return charts_[0].proto


@pytest.fixture(scope="module", autouse=True)
def _close_connections() -> Iterator[None]:
    """Close the app's cached DuckDB connections, so later tests may open the files."""
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture(scope="module")
def overview(built_db: Path) -> AppTest:
    """The Overview page on the database `make run` builds (one run for the module)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NIAP_DB", str(built_db))
        return run_app()


def test_overview_runs_without_error(overview: AppTest) -> None:
    assert not overview.exception
    assert not overview.error


def test_headline_metrics_count_what_is_loaded(overview: AppTest) -> None:
    metrics = {m.label: m.value for m in overview.metric}
    assert metrics == {
        "Reports": "1", "Parties": "1", "Meetings": "1", "Actions": "13", "Quality issues": "6",
    }


def test_report_picker_lists_cambodia_with_period(overview: AppTest) -> None:
    picker = overview.selectbox(key="report")
    assert picker.options == ["Cambodia – SC66 (2014-11 to 2015-09)"]
    assert picker.value == "KHM-SC66"


def test_rating_chart_shows_the_reports_ratings(overview: AppTest) -> None:
    proto = chart(overview)
    spec = json.loads(proto.spec)
    assert spec["layout"]["title"]["text"] == "Cambodia, SC66: actions by self-assessed rating (13 actions)"
    bar = spec["data"][0]
    # the whole 2014 scale, best first, with the Party's own counts (Part A: 9 on track, 2 + 2)
    assert dict(zip(bar["y"], bar["x"], strict=True)) == {
        "Substantially achieved": 2, "On track": 9, "Challenging": 2, "Unclear": 0,
    }
    assert list(bar["y"]) == ["Substantially achieved", "On track", "Challenging", "Unclear"]
    assert "cambodia_sc66_progress_report.md" in json.dumps(spec["layout"]["annotations"])
    assert proto.alt.startswith("Bar chart. Cambodia, SC66")
    assert "On track 9" in proto.alt


def test_table_view_has_the_same_numbers_as_the_chart(overview: AppTest) -> None:
    table = dataframe_with(overview, "Rating")
    assert list(table.columns) == ["Rating", "Actions", "Share"]
    assert table["Actions"].sum() == 13
    on_track = table.set_index("Rating").loc["On track"]
    assert on_track["Actions"] == 9
    assert on_track["Share"] == pytest.approx(69.23, abs=0.01)


def test_caption_names_the_source_file(overview: AppTest) -> None:
    captions = " ".join(c.value for c in overview.caption)
    assert "cambodia_sc66_progress_report.md" in captions
    assert "Party self-assessment" in captions


def test_quality_issues_of_the_report_are_listed(overview: AppTest) -> None:
    assert "Quality issues in this report: 6" in [s.value for s in overview.subheader]
    issues = dataframe_with(overview, "Message")
    assert list(issues.columns) == ["Severity", "Issue", "Action", "Message", "Evidence"]
    assert len(issues) == 6
    assert "Rating left as template placeholder" in set(issues["Issue"])
    assert "5.2" in set(issues["Action"])


def test_unknown_report_in_the_url_falls_back_to_the_first(app_db: Path) -> None:
    at = run_app({"report": "XX-SC99"})
    assert not at.exception
    assert at.selectbox(key="report").value == "KHM-SC66"
    assert at.query_params["report"] == "KHM-SC66"  # the URL now names what is shown


def test_missing_database_says_how_to_build_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NIAP_DB", str(tmp_path / "missing.duckdb"))
    at = run_app()
    assert not at.exception
    assert len(at.error) == 1
    assert "missing.duckdb" in at.error[0].value
    assert "python -m loaders build" in at.error[0].value
    assert "make run" in at.error[0].value
    assert not at.metric


def test_empty_database_explains_how_to_load_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "empty.duckdb"
    connect(db).close()
    monkeypatch.setenv("NIAP_DB", str(db))
    at = run_app()
    assert not at.exception
    assert not at.error
    assert "python -m loaders load FILE" in at.info[0].value
    assert not at.get("plotly_chart")


def test_a_rebuilt_database_is_picked_up_on_the_next_run(
    built_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "niap.duckdb"
    shutil.copyfile(built_db, db)
    monkeypatch.setenv("NIAP_DB", str(db))
    at = run_app()
    assert {m.label: m.value for m in at.metric}["Reports"] == "1"
    rebuilt = tmp_path / "rebuilt.duckdb"
    connect(rebuilt).close()
    rebuilt.replace(db)  # what `python -m loaders build` does at its end
    at.run()
    assert not at.exception
    assert "python -m loaders load FILE" in at.info[0].value


# ---------------------------------------------------------------- chart builder alone

RATINGS = pd.DataFrame({
    "rating_code": ["achieved", "on_track", "challenging", "unclear", "not_rated"],
    "sort_order": [1, 3, 7, 8, 9],
    "label": ["Achieved", "On track", "Challenging", "Unclear", "Not rated"],
    "in_2014_scale": [False, True, True, True, False],
    "in_2017_scale": [True, True, False, False, False],
    "colour": ["#111111", "#222222", "#333333", "#444444", "#555555"],
})
SHARES = pd.DataFrame({  # unsorted on purpose; one action not rated
    "party_name": ["Xland"] * 2, "meeting_code": ["SC70"] * 2, "rating_scale": ["2014"] * 2,
    "rating_code": ["not_rated", "on_track"], "action_count": [1, 3], "n_actions": [4, 4],
    "share_pct": [25.0, 75.0],
})


def test_chart_follows_the_code_table_order_and_colours() -> None:
    figure = charts.rating_distribution(SHARES, RATINGS, source="Source: x.md")
    bar = figure.data[0]
    assert list(bar.y) == ["On track", "Challenging", "Unclear", "Not rated"]
    assert list(bar.x) == [3, 0, 0, 1]
    assert list(bar.marker.color) == ["#222222", "#333333", "#444444", "#555555"]
    assert figure.layout.title.text == "Xland, SC70: actions by self-assessed rating (4 actions)"
    assert figure.layout.xaxis.title.text and figure.layout.yaxis.title.text


def test_chart_text_is_not_read_as_html() -> None:
    shares = SHARES.assign(party_name="<b>X</b> & Y")
    figure = charts.rating_distribution(shares, RATINGS, source="<a href='x'>file</a>")
    assert figure.layout.title.text.startswith("&lt;b&gt;X&lt;/b&gt; &amp; Y, SC70")
    assert "<a" not in figure.layout.annotations[0].text
