"""Chart builders and the pure data shaping behind them, without Streamlit (and, but for the
code table the app reads, without a database)."""

from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from dashboard.charts import bars, coverage
from dashboard.charts import ratings as charts
from dashboard.charts import trends as trend_charts
from dashboard.charts.style import NOT_A_RATING
from dashboard.export import tables
from dashboard.panels import MAX_CHART_PARTIES
from dashboard.queries import delays, funding, overview, ratings
from dashboard.selection import Filters

ROOT = Path(__file__).resolve().parent.parent
RATINGS_CSV = ROOT / "data" / "reference" / "ratings.csv"

RATINGS = pd.DataFrame({
    "rating_code": ["achieved", "on_track", "partial_progress", "challenging", "unclear", "not_rated"],
    "sort_order": [1, 3, 4, 7, 8, 9],
    "label": ["Achieved", "On track", "Partial progress", "Challenging", "Unclear", "Not rated"],
    "in_2014_scale": [False, True, False, True, True, False],
    "in_2017_scale": [True, True, True, False, False, False],
    "colour": ["#111111", "#222222", "#2a2a2a", "#333333", "#444444", "#555555"],
    "crosswalk_code": ["achieved", "on_track", "partial_progress", "partial_progress", "unclear", "not_rated"],
    "crosswalk_note": ["", "", "", "Analyst's convention", "Kept", ""],
})
COUNTS = pd.DataFrame({"rating_code": ["not_rated", "on_track"], "actions": [1, 3]})  # unsorted; one not rated


def reference_ratings() -> pd.DataFrame:
    return pd.read_csv(RATINGS_CSV, dtype=str, keep_default_na=False)


def trace_names(figure) -> list[str]:
    return [t.name for t in figure.data]


# ---------------------------------------------------------------- one report's ratings


def test_chart_follows_the_code_table_order_and_colours() -> None:
    shown = ratings.scale_counts(COUNTS, RATINGS, "2014")  # the whole 2014 scale, plus not rated
    assert list(shown["share_pct"]) == [75.0, 0.0, 0.0, 25.0]
    figure = charts.rating_distribution(shown, "Xland, SC70: actions (4 actions)", source="Source: x.md")
    bar = figure.data[0]
    assert list(bar.y) == ["On track", "Challenging", "Unclear", "Not rated"]
    assert list(bar.x) == [3, 0, 0, 1]
    _, fill, shape, _ = NOT_A_RATING["not_rated"]
    assert list(bar.marker.color) == ["#222222", "#333333", "#444444", fill]
    assert list(bar.marker.pattern.shape) == ["", "", "", shape]  # only what is not a rating is hatched
    assert list(bar.text) == ["3 (75%)", "0", "0", "1 (25%)"]
    assert figure.layout.xaxis.title.text and figure.layout.yaxis.title.text
    assert charts.rating_distribution_alt(shown, "T") == "Bar chart. T: On track 3, Challenging 0, Unclear 0, " \
                                                         "Not rated 1."


def test_chart_text_is_not_read_as_html() -> None:
    shown = ratings.scale_counts(COUNTS, RATINGS, "2014")
    figure = charts.rating_distribution(shown, "<b>X</b> & Y, SC70", source="<a href='x'>file</a>")
    assert figure.layout.title.text.startswith("&lt;b&gt;X&lt;/b&gt; &amp; Y, SC70")
    assert "<a" not in figure.layout.annotations[0].text


# ---------------------------------------------------------------- 100 % stacked ratings


def counts_and_groups() -> tuple[pd.DataFrame, pd.DataFrame]:
    counts = pd.DataFrame({
        "key": ["XA", "XA", "XA", "XB", "XB"],
        "rating_scale": ["2014", "2014", "2014", "2017", "2017"],
        "rating_code": ["unclear", "on_track", "not_rated", "partial_progress", "achieved"],
        "actions": [1, 2, 1, 3, 1],
    })
    groups = pd.DataFrame({"key": ["XA", "XB"], "label": ["Aland", "Bland"], "sort_key": [1, 1],
                           "reports": [1, 1], "files": [1, 1], "is_demo": [True, True]})
    return counts, groups


def test_shares_add_up_to_100_per_group_in_scale_order() -> None:
    counts, groups = counts_and_groups()
    shares = ratings.rating_shares(counts, groups, RATINGS)
    assert shares.groupby("key")["share_pct"].sum().round(6).tolist() == [100.0, 100.0]
    aland = shares[shares["key"] == "XA"]
    assert list(aland["rating_code"]) == ["on_track", "unclear", "not_rated"]  # the scale's order
    assert list(aland["actions"]) == [2, 1, 1]


def test_a_group_without_report_is_its_own_category_never_a_zero() -> None:
    counts, groups = counts_and_groups()
    expected = pd.DataFrame({"key": ["XA", "XB", "XC"], "label": ["Aland", "Bland", "Cland"],
                             "sort_key": [1, 1, 1], "is_demo": [True, True, True]})
    shares = ratings.rating_shares(counts, groups, RATINGS, expected)
    cland = shares[shares["key"] == "XC"]
    assert list(cland["rating_code"]) == [overview.NO_REPORT]
    assert cland["share_pct"].iloc[0] == 100.0
    figure = charts.stacked_shares(shares, RATINGS, "Ratings by Party", axis_title="Party")
    label, fill, shape, words = NOT_A_RATING["no_report"]
    no_report = next(t for t in figure.data if t.name == label)
    assert list(no_report.y) == ["Cland"]
    assert list(no_report.text) == [words]
    assert no_report.marker.color == fill and no_report.marker.pattern.shape == shape == "/"


def test_unclear_not_rated_and_no_report_are_three_distinct_traces() -> None:
    counts, groups = counts_and_groups()
    expected = pd.DataFrame({"key": ["XC"], "label": ["Cland"], "sort_key": [2], "is_demo": [True]})
    figure = charts.stacked_shares(ratings.rating_shares(counts, groups, RATINGS, expected), RATINGS, "T",
                                   axis_title="Party")
    assert trace_names(figure) == ["Achieved", "On track", "Partial progress", "Unclear", "Not rated", "No report"]
    colours = {t.name: t.marker.color for t in figure.data}
    assert len({colours["Unclear"], colours["Not rated"], colours["No report"]}) == 3
    label, fill, shape, _ = NOT_A_RATING["not_rated"]
    not_rated = next(t for t in figure.data if t.name == label)
    assert (not_rated.marker.pattern.shape, not_rated.marker.color) == (shape, fill)  # Compare's look, too
    assert shape != NOT_A_RATING["no_report"][2]
    assert all(t.marker.pattern.shape is None for t in figure.data if t.name not in (label, "No report"))
    assert figure.layout.barmode == "stack" and list(figure.layout.xaxis.range) == [0, 100]


def test_stacked_bars_use_the_code_table_colours() -> None:
    counts, groups = counts_and_groups()
    figure = charts.stacked_shares(ratings.rating_shares(counts, groups, RATINGS), RATINGS, "T", axis_title="Party")
    label, fill, _, _ = NOT_A_RATING["not_rated"]
    table = {**RATINGS.set_index("label")["colour"].to_dict(), label: fill}
    assert all(t.marker.color == table[t.name] for t in figure.data)


def test_the_crosswalk_maps_2014_ratings_onto_the_2017_scale() -> None:
    counts = pd.DataFrame({
        "key": ["SC66", "SC66", "SC66", "SC70"], "rating_scale": ["2014", "2014", "2014", "2017"],
        "rating_code": ["challenging", "on_track", "unclear", "partial_progress"], "actions": [2, 5, 1, 4],
    })
    mapped = ratings.apply_crosswalk(counts, RATINGS)
    sc66 = mapped[mapped["key"] == "SC66"].set_index("rating_code")["actions"].to_dict()
    assert sc66 == {"partial_progress": 2, "on_track": 5, "unclear": 1}  # unclear is kept, not guessed
    assert set(mapped["rating_scale"]) == {"2017"}
    assert mapped["actions"].sum() == counts["actions"].sum()


def test_the_crosswalk_covers_every_rating_and_explains_itself(built_db: Path) -> None:
    with duckdb.connect(str(built_db), read_only=True) as con:
        table = con.execute("SELECT * FROM out_codes_ratings ORDER BY sort_order").df()
    assert set(table["rating_code"]) == set(reference_ratings()["rating_code"])
    assert table["crosswalk_code"].notna().all()
    assert set(table["crosswalk_code"]) <= set(table.loc[table["in_2017_scale"], "rating_code"]) | {
        "unclear", "not_rated"}
    changed = table[table["rating_code"] != table["crosswalk_code"]]
    assert len(changed) >= 1
    for note in table.loc[table["rating_code"].isin(["challenging", "unclear", "on_track"]), "crosswalk_note"]:
        assert "Analyst's convention, not a CITES equivalence" in note
    shown = ratings.crosswalk_table(table, {"challenging", "achieved"})
    assert shown.to_dict("records") == [{
        "Rating in the report": "Challenging", "Shown as (2017+ scale)": "Partial progress",
        "Note": table.set_index("rating_code").loc["challenging", "crosswalk_note"],
    }]


def test_no_bar_pools_the_two_rating_scales() -> None:
    counts = pd.DataFrame({
        "key": ["XA", "XA", "XA", "XB"], "rating_scale": ["2014", "2014", "2017", "2017"],
        "rating_code": ["on_track", "challenging", "achieved", "achieved"], "actions": [3, 1, 2, 4],
    })
    groups = pd.DataFrame({
        "key": ["XA", "XA", "XB"], "rating_scale": ["2014", "2017", "2017"], "label": ["Aland", "Aland", "Bland"],
        "sort_key": [1, 1, 1], "reports": [2, 1, 1], "meetings": ["SC66, SC67", "SC69", "SC70"], "files": [2, 1, 1],
        "is_demo": [True] * 3,
    })
    own_counts, own_groups = ratings.keep_scales_apart(counts, groups)
    assert list(own_groups["key"]) == ["XA|2014", "XA|2017", "XB"]
    assert list(ratings.with_counts(own_groups, "party")["label"]) == [
        "Aland · 2014-2016 template · SC66, SC67", "Aland · 2017+ template · SC69", "Bland · SC70"]
    shares = ratings.rating_shares(own_counts, own_groups, RATINGS)
    assert shares.groupby("key")["share_pct"].sum().round(6).to_dict() == {"XA|2014": 100, "XA|2017": 100, "XB": 100}
    walked_counts, walked_groups = ratings.keep_scales_apart(ratings.apply_crosswalk(counts, RATINGS), groups)
    assert list(walked_groups["key"]) == ["XA", "XB"]  # one scale after the crosswalk: one bar
    assert walked_groups.set_index("key").loc["XA", ["reports", "meetings"]].tolist() == [3, "SC66, SC67, SC69"]
    assert walked_counts[walked_counts["key"] == "XA"]["actions"].sum() == 6


# ---------------------------------------------------------------- trends


POINTS = pd.DataFrame({
    "party_iso3": ["KHM", "KHM", "KHM", "XA", "XA"], "party_name": ["Cambodia"] * 3 + ["Aland (demo)"] * 2,
    "meeting_code": ["SC66", "SC69", "SC70", "SC69", "SC70"], "meeting_number": [66, 69, 70, 69, 70],
    "origin": ["counted", "published", "published", "counted", "counted"],
    "rating_scale": ["2014", "2017", "2017", "2017", "2017"], "share_pct": [100 * 2 / 13, 23.0, 69.0, 20.0, 40.0],
    "achieved": [2, None, 9, 2, 4], "n_actions": [13, None, 13, 10, 10],
    "source": ["khm.md", "SC70 Doc. 27.4", "SC70 Doc. 27.4", "xa69.md", "xa70.md"], "is_demo": [False] * 3 + [True] * 2,
})


def test_trend_draws_published_points_hollow_with_dashed_lines() -> None:
    figure = trend_charts.achieved_trend(POINTS, "Trend")
    markers = {t.name: t for t in figure.data if t.mode == "markers"}
    assert list(markers) == ["Cambodia", "Aland (demo)"]
    assert list(markers["Cambodia"].x) == ["SC66", "SC69", "SC70"]
    assert list(markers["Cambodia"].marker.symbol) == ["circle", "circle-open", "circle-open"]
    assert list(markers["Aland (demo)"].marker.symbol) == ["circle", "circle"]
    lines = [t for t in figure.data if t.mode == "lines" and t.showlegend is False]
    dashed = {t.legendgroup: list(t.x) for t in lines if t.line.dash == "dash"}
    solid = {t.legendgroup: list(t.x) for t in lines if t.line.dash == "solid"}
    assert dashed == {"KHM": ["SC66", "SC69", None, "SC69", "SC70", None]}  # every segment touching a published point
    assert solid == {"XA": ["SC69", "SC70", None]}
    assert markers["Cambodia"].marker.color != markers["Aland (demo)"].marker.color
    legend = [t.name for t in figure.data if t.showlegend is not False and t.mode == "lines+markers"]
    assert legend == [look[0] for look in trend_charts.ORIGIN_LOOK.values()]  # the two styles, explained
    assert [s.x0 for s in figure.layout.shapes] == [0.5]  # the change of template between SC66 and SC69
    assert list(figure.layout.xaxis.categoryarray) == ["SC66", "SC69", "SC70"]
    alt = trend_charts.achieved_trend_alt(POINTS, "Trend")
    assert "Cambodia: SC66 15.4% (counted), SC69 23% (published), SC70 69% (published)" in alt


# ---------------------------------------------------------------- colours


MACHADO = {  # Machado et al. (2009), severity 1.0
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}


def _lab(hex_colour: str, matrix: list[list[float]] | None) -> np.ndarray:
    rgb = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    if matrix is not None:
        linear = np.clip(np.array(matrix) @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_rating_colours_stay_apart_for_colour_blind_readers() -> None:
    """Every two ratings differ by at least 9 CIELAB units under simulated protanopia,
    deuteranopia and tritanopia (pending was lilac, 1.8 units from On track for deuteranopes)."""
    colours = dict(zip(*reference_ratings()[["rating_code", "colour"]].T.values, strict=True))
    colours["not_rated"] = NOT_A_RATING["not_rated"][1]
    colours["no_report"] = NOT_A_RATING["no_report"][1]
    for name, matrix in [("normal", None), *MACHADO.items()]:
        for (a, ca), (b, cb) in itertools.combinations(colours.items(), 2):
            distance = float(np.linalg.norm(_lab(ca, matrix) - _lab(cb, matrix)))
            assert distance >= 9, f"{a} and {b} look alike under {name} ({distance:.1f})"


def test_queries_and_charts_agree_on_what_is_not_a_rating() -> None:
    assert overview.NO_REPORT == charts.NO_REPORT and overview.NO_REPORT in NOT_A_RATING
    assert charts.NOT_RATED in NOT_A_RATING
    assert coverage.COVERAGE_STYLE[overview.NO_REPORT][:2] == NOT_A_RATING[overview.NO_REPORT][:2]


# ---------------------------------------------------------------- heatmaps


GRID = pd.DataFrame({
    "party_iso3": ["XA", "XA", "XB", "XB"], "party_name": ["Aland", "Aland", "Bland", "Bland"],
    "is_demo": [True] * 4, "meeting_code": ["SC66", "SC69", "SC66", "SC69"], "meeting_number": [66, 69, 66, 69],
    "status": ["demo", "demo", "demo", "no_report"], "report_id": ["XA-SC66", "XA-SC69", "XB-SC66", None],
    "n_actions": [10, 10, 8, None], "n_delayed": [2, 0, 1, None], "source_file": ["a", "b", "c", None],
    "actions": [10, 10, 8, 0], "achieved": [0, 4, 2, 0], "share_pct": [0.0, 40.0, 25.0, None],
})


def test_heatmap_labels_missing_reports_instead_of_colouring_them_zero() -> None:
    figure = charts.achievement_heatmap(GRID, "Share achieved")
    gaps, values = figure.data
    assert values.z[1][1] is None and gaps.z[1][1] == 1
    assert gaps.text[1][1] == "no report"
    assert values.text[0][0] == "0%"  # a real 0 % is a value, not a gap
    assert gaps.z[0][0] is None
    assert "1 Party-meeting cells without a report" in charts.achievement_alt(GRID, "Share achieved")


def test_coverage_matrix_labels_every_cell() -> None:
    figure = coverage.coverage_matrix(GRID, "Coverage")
    matrix = figure.data[0]
    assert [list(row) for row in matrix.text] == [["demo report", "demo report"], ["demo report", "no report"]]
    assert trace_names(figure)[1:] == ["Report", "Demo report", "Published by CITES", "No report"]
    assert "no report 1" in coverage.coverage_alt(GRID, "Coverage")


# ---------------------------------------------------------------- delays and funding


FACTS = pd.DataFrame({
    "report_id": ["XA-SC66", "XA-SC66", "XA-SC66", "XB-SC66"],
    "action_code": ["1.1", "1.1", "2.1", "1.1"],
    "party_iso3": ["XA", "XA", "XA", "XB"], "party_name": ["Aland", "Aland", "Aland", "Bland"],
    "pillar_code": ["legislation", "legislation", "other", "legislation"],
    "pillar_label": ["Legislation", "Legislation", "Own", "Legislation"], "pillar_order": [1, 1, 99, 1],
    "cause": ["funding", "coordination", "funding", "unspecified"],
    "cause_label": ["Lack of funding", "Coordination", "Lack of funding", "No cause stated"],
    "cause_order": [1, 2, 1, 6], "is_demo": [True] * 4,
})


def test_delayed_actions_are_counted_once_per_group() -> None:
    by_cause = delays.count_delayed(FACTS, "cause").set_index("key")["actions"].to_dict()
    assert by_cause == {"funding": 2, "coordination": 1, "unspecified": 1}
    by_pillar = delays.count_delayed(FACTS, "pillar").set_index("key")["actions"].to_dict()
    assert by_pillar == {"legislation": 2, "other": 1}  # XA 1.1 has two causes, counted once
    assert list(delays.count_delayed(FACTS, "party")["label"]) == ["Aland", "Bland"]


def test_bars_carry_their_group_key_for_selection_and_escape_text() -> None:
    counts = delays.count_delayed(FACTS.assign(party_name=["<script>x</script>"] * 3 + ["Bland"]), "party")
    figure = bars.count_bars(counts, "Delayed actions by Party", axis_title="Party", unit="delayed actions")
    bar = figure.data[0]
    assert [c[0] for c in bar.customdata] == ["XA", "XB"]
    assert "<script>" not in " ".join(bar.y) and "&lt;script&gt;" in bar.y[0]
    assert figure.layout.clickmode == "event+select"
    assert "Bland 1" in bars.count_bars_alt(counts, "Delayed actions by Party", "delayed actions")


GAPS = pd.DataFrame({
    "report_id": ["XA-SC66", "XA-SC66", "XB-SC66"], "party_iso3": ["XA", "XA", "XB"],
    "party_name": ["Aland", "Aland", "Bland"], "meeting_code": ["SC66"] * 3,
    "pillar_code": ["legislation", "outreach", "legislation"],
    "pillar_label": ["Legislation", "Outreach", "Legislation"],
    "pillar_order": [1, 4, 1], "pillar_name": ["Laws", "Awareness", "Laws"], "action_code": ["1.1", "4.1", "1.1"],
    "action_title": ["=cmd|' /C calc'!A0", "Campaign", "+Law"], "rating_label": ["On track", None, "Unclear"],
    "sought_not_secured": [True, False, True], "delayed_for_funding": [True, True, False],
    "funding_secured": [False, True, False], "evidence": ["-2 funds short", "@SUM(A1)", "\tseeking funds"],
    "found_in": ["notes", "synopsis", "notes"], "source_file": ["a.md", "a.md", "b.md"], "is_demo": [True] * 3,
})


def test_funding_gaps_count_both_kinds_per_group() -> None:
    long = funding.count_funding_gaps(GAPS, "party")
    assert long.set_index(["key", "gap"])["actions"].to_dict() == {
        ("XA", "sought"): 1, ("XB", "sought"): 1, ("XA", "delayed"): 2, ("XB", "delayed"): 0}
    figure = bars.gap_bars(long, "Funding gaps by Party", axis_title="Party")
    assert trace_names(figure) == ["Funding sought, not secured", "Delayed for lack of funding"]
    assert figure.layout.barmode == "group"


def test_funding_table_download_neutralises_formulas() -> None:
    table = funding.funding_table(GAPS)
    assert list(table["Funding gap"]) == [
        "Funding sought, not secured and Delayed for lack of funding", "Delayed for lack of funding",
        "Funding sought, not secured"]
    assert list(table["Rating"]) == ["On track", "Not rated", "Unclear"]
    rows = list(csv.reader(io.StringIO(tables.to_csv(table).decode("utf-8-sig"))))
    assert rows[0] == list(table.columns)
    assert len(rows) == len(table) + 1
    cells = {cell for row in rows[1:] for cell in row}
    assert {"'=cmd|' /C calc'!A0", "'+Law", "'-2 funds short", "'@SUM(A1)", "'\tseeking funds"} <= cells


# ---------------------------------------------------------------- filters


def test_filters_are_sql_parameters_never_sql_text() -> None:
    f = Filters(parties=("KHM", "x') OR 1=1 --"), pillars=("legislation", "other"), include_demo=False)
    where, params = f.where("a")
    assert "OR 1=1" not in where
    assert params == ["KHM", "x') OR 1=1 --", "legislation"]
    assert "a.pillar_code IS NULL" in where and "NOT a.is_demo" in where


def test_filter_links_name_codes_and_the_history_switch() -> None:
    f = Filters(parties=("KHM",), meetings=("SC66",), pillars=("reporting",), include_demo=False, history=True)
    assert f.query_params() == {
        "party": ["KHM"], "meeting": ["SC66"], "pillar": ["reporting"], "demo": "false", "history": "true"}
    assert f.describe().endswith("all reports (an action counts once per report)")
    assert Filters().describe().endswith("each Party's latest report")


def test_charts_keep_to_the_first_parties_and_tables_keep_all() -> None:
    many = pd.DataFrame({"party_iso3": [f"X{i:03d}" for i in range(100) for _ in range(2)]})
    charted = ratings.first_parties(many, MAX_CHART_PARTIES)
    assert charted["party_iso3"].nunique() == MAX_CHART_PARTIES
    assert list(dict.fromkeys(charted["party_iso3"]))[:2] == ["X000", "X001"]
    assert len(ratings.first_parties(many.head(6), MAX_CHART_PARTIES)) == 6


def test_only_parties_and_meetings_without_a_report_are_no_report() -> None:
    parties = ratings.expected_groups(GRID, "party")
    assert parties.empty  # both Parties reported at some meeting of the selection
    meetings = ratings.expected_groups(GRID.assign(report_id=["XA-SC66", None, "XB-SC66", None]), "meeting")
    assert list(meetings["key"]) == ["SC69"]
    assert ratings.expected_groups(GRID, "pillar") is None
