"""The database: one transaction per file, dates and codes as stored, views that add up.

The schema against its description (data/schema.yaml), the constraints and the schema
version are checked in tests/test_schema.py.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import duckdb
import pytest

from loaders.build import build
from loaders.database import ensure_schema
from loaders.formats import read_raw
from loaders.pipeline import finish
from loaders.reference import DEMO_PARTIES_FILE
from loaders.serialise import report_json
from loaders.side_files import SECRETARIAT_FILE, summary_columns
from loaders.store import date_and_precision, load_reference, store_report
from tests.helpers import SAMPLE, edited_sample


def test_schema_and_reference_load_again_over_stored_reports(fresh_db: duckdb.DuckDBPyConnection) -> None:
    """Code tables are upserted: reloading them while reports refer to them works."""
    ensure_schema(fresh_db)
    load_reference(fresh_db)
    raw = read_raw(SAMPLE)
    store_report(fresh_db, raw, finish(raw))
    ensure_schema(fresh_db)
    load_reference(fresh_db)
    counts = [scalar(fresh_db, f"SELECT count(*) FROM {t}") for t in
              ("core_codes_ratings", "core_codes_delay_causes", "core_rating_crosswalk", "out_actions")]
    assert counts == [9, 6, 9, 13]


def test_dates_are_stored_as_first_days_with_their_precision() -> None:
    assert date_and_precision("2015-09") == (date(2015, 9, 1), "month")
    assert date_and_precision("2016") == (date(2016, 1, 1), "year")
    assert date_and_precision(None) == (None, None)


def stored_sample(con: duckdb.DuckDBPyConnection, path: Path = SAMPLE) -> dict:
    """Store a report file into ``con`` (with the reference tables) and return its parse JSON."""
    load_reference(con)
    raw = read_raw(path)
    report = finish(raw)
    assert store_report(con, raw, report) == "loaded"
    return report_json(report)


def test_dates_read_back_as_the_parse_json_gives_them(fresh_db: duckdb.DuckDBPyConnection) -> None:
    data = stored_sample(fresh_db)
    period = fresh_db.execute("SELECT period_start_text, period_end_text, period_start, period_end_precision "
                              "FROM out_reports").fetchall()
    assert period == [(data["reporting_period"]["start"], data["reporting_period"]["end"], date(2014, 11, 1),
                       "month")]
    actions = fresh_db.execute("SELECT action_code, planned_start_text, expected_completion_text FROM out_actions "
                               "ORDER BY action_order").fetchall()
    assert actions == [(a["code"], a["planned_start"], a["expected_completion"]) for a in data["actions"]]
    assert any(a["expected_completion"] for a in data["actions"])
    timing = fresh_db.execute("SELECT action_code, kind, value_text, window_start_text, window_end_text "
                              "FROM out_timing ORDER BY action_order, fact_index").fetchall()
    assert timing == [(a["code"], t["kind"], t["value"], *t["window"]) for a in data["actions"]
                      for t in a["timing"]] != []


def test_a_year_alone_is_kept_as_a_year(fresh_db: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    edited = edited_sample(tmp_path, "years.md", ("Reporting period: November 2014 – September 2015",
                                                  "Reporting period: 2014 – 2015"))
    data = stored_sample(fresh_db, edited)
    assert data["reporting_period"] == {"start": "2014", "end": "2015"}
    assert fresh_db.execute("SELECT period_start, period_start_precision, period_start_text, period_end_text "
                            "FROM out_reports").fetchall() == [(date(2014, 1, 1), "year", "2014", "2015")]


def test_a_report_for_a_meeting_missing_from_the_reference_is_stored(
    fresh_db: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    edited = edited_sample(tmp_path, "sc99.md", ("Prepared for the 66th meeting", "Prepared for the 99th meeting"))
    stored_sample(fresh_db, edited)
    assert fresh_db.execute("SELECT meeting_code, meeting_number, meeting_start_date FROM out_reports").fetchall() == [
        ("SC99", 99, None)]
    assert scalar(fresh_db, "SELECT n_reports FROM out_meetings WHERE meeting_code = 'SC99'") == 1


def test_a_code_missing_from_its_code_table_is_refused_and_nothing_is_written(
    fresh_db: duckdb.DuckDBPyConnection,
) -> None:
    load_reference(fresh_db)
    raw = read_raw(SAMPLE)
    report = finish(raw)
    report.actions[0].rating = "excellent"
    with pytest.raises(duckdb.ConstraintException, match="does not exist in the referenced table"):
        store_report(fresh_db, raw, report)
    for table in ("core_reports", "core_actions", "raw_files"):
        assert scalar(fresh_db, f"SELECT count(*) FROM {table}") == 0, table


def test_failed_report_leaves_nothing_behind(fresh_db: duckdb.DuckDBPyConnection) -> None:
    load_reference(fresh_db)
    raw = read_raw(SAMPLE)
    report = finish(raw)
    broken = dataclasses.replace(report, actions=[*report.actions, report.actions[0]])
    with pytest.raises(duckdb.ConstraintException):
        store_report(fresh_db, raw, broken)
    for table in ("core_reports", "core_actions", "core_notes", "raw_files", "raw_table_cells"):
        assert fresh_db.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] == 0, table


def test_store_outcomes(fresh_db: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    load_reference(fresh_db)
    raw = read_raw(SAMPLE)
    assert store_report(fresh_db, raw, finish(raw)) == "loaded"
    assert store_report(fresh_db, raw, finish(raw)) == "unchanged"
    newer = read_raw(edited_sample(tmp_path, "v2.md", ("Consultations have been held", "Consultations were held")))
    assert store_report(fresh_db, newer, finish(newer)) == "replaced"
    notes = fresh_db.execute("SELECT text FROM core_notes WHERE action_code = '1.1' ORDER BY note_index").fetchall()
    assert notes[0][0].startswith("Consultations were held")
    assert fresh_db.execute("SELECT count(*) FROM core_actions").fetchall()[0][0] == 13


@pytest.fixture(scope="module")
def db(built_db: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(built_db), read_only=True)
    yield con
    con.close()


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    return con.execute(sql).fetchall()[0][0]


def test_views_count_what_tables_hold(db: duckdb.DuckDBPyConnection) -> None:
    assert scalar(db, "SELECT count(*) FROM out_actions") == scalar(db, "SELECT count(*) FROM core_actions")
    assert scalar(db, "SELECT count(*) FROM out_delay_causes") == scalar(db, "SELECT count(*) FROM core_delay_causes")
    assert scalar(db, "SELECT count(*) FROM out_funding") == scalar(db, "SELECT count(*) FROM core_funding")
    issues = scalar(db, "SELECT count(*) FROM core_quality_issues")
    assert scalar(db, "SELECT count(*) FROM out_quality_issues") == issues
    assert scalar(db, "SELECT sum(n_actions) FROM out_reports") == scalar(db, "SELECT count(*) FROM core_actions")
    real = "WHERE NOT is_demo"  # the Cambodia sample; data/demo holds the fictional Parties
    assert scalar(db, f"SELECT count(*) FROM out_actions {real}") == 13
    assert scalar(db, f"SELECT count(*) FROM out_quality_issues {real}") == 6


def test_out_actions_columns_for_the_sample(db: duckdb.DuckDBPyConnection) -> None:
    rows = db.execute(
        "SELECT action_code, rating_code, delayed, delay_causes, funding_secured, funding_sought, planned_start "
        "FROM out_actions WHERE report_id = 'KHM-SC66' ORDER BY action_order").df()
    assert set(rows.loc[rows.delayed, "action_code"]) == {"1.1", "1.2", "2.4", "3.1"}
    assert list(rows.set_index("action_code").loc["1.1", "delay_causes"]) == ["coordination", "funding"]
    assert set(rows.loc[rows.funding_secured, "action_code"]) == {"1.1", "1.2", "2.4", "2.5", "3.1", "5.1"}
    assert set(rows.loc[rows.funding_sought, "action_code"]) == {"2.1", "2.3", "2.4", "2.5", "3.2"}
    assert scalar(db, "SELECT bool_and(NOT is_demo) FROM out_actions WHERE report_id = 'KHM-SC66'")


def test_delay_causes_list_is_the_distinct_causes_of_out_delay_causes(db: duckdb.DuckDBPyConnection) -> None:
    listed = db.execute("SELECT report_id, action_code, delay_causes FROM out_actions").fetchall()
    rows = db.execute("SELECT report_id, action_code, list(DISTINCT cause ORDER BY cause) FROM out_delay_causes "
                      "GROUP BY ALL").fetchall()
    assert {(r, a): c for r, a, c in listed if c} == {(r, a): c for r, a, c in rows}
    assert all(isinstance(c, list) for _, _, c in listed)
    assert scalar(db, "SELECT count(*) FROM out_actions WHERE len(delay_causes) = 0 AND NOT delayed") > 0  # not NULL


def test_report_counts_add_up(db: duckdb.DuckDBPyConnection) -> None:
    assert scalar(db, "SELECT sum(n_notes) FROM out_reports") == scalar(db, "SELECT count(*) FROM out_notes")
    assert scalar(db, "SELECT sum(n_notes) FROM out_actions") == scalar(db, "SELECT count(*) FROM core_notes")
    assert scalar(db, "SELECT sum(n_funding_sought) FROM out_reports") == scalar(
        db, "SELECT count(*) FROM out_actions WHERE funding_sought")
    assert scalar(db, "SELECT count(*) FROM out_synopsis") == scalar(db, "SELECT count(*) FROM core_synopsis")
    assert scalar(db, "SELECT sum(n_reports) FROM out_parties") == scalar(db, "SELECT count(*) FROM out_reports")
    assert scalar(db, "SELECT sum(n_reports) FROM out_meetings") == scalar(db, "SELECT count(*) FROM out_reports")
    khm = db.execute("SELECT source_path, size_bytes, n_published FROM out_reports JOIN out_parties USING "
                     "(party_iso3, party_name, is_demo) WHERE report_id = 'KHM-SC66'").fetchall()
    assert khm == [("data/raw/cambodia_sc66_progress_report.md", SAMPLE.stat().st_size, 3)]


def test_rating_labels_and_crosswalk_come_from_the_code_tables(db: duckdb.DuckDBPyConnection) -> None:
    rows = dict(db.execute("SELECT rating_code, crosswalk_code FROM out_codes_ratings").fetchall())
    assert rows["challenging"] == "partial_progress" and rows["unclear"] == "unclear"
    labels = db.execute("SELECT DISTINCT a.rating_code, a.rating_code_label, a.crosswalk_code, c.label "
                        "FROM out_actions a JOIN out_codes_ratings c USING (rating_code)").fetchall()
    assert all(label == code_label and rows[code] == walk for code, label, walk, code_label in labels)
    pillars = db.execute("SELECT DISTINCT pillar_code, pillar_label FROM out_actions WHERE report_id = 'KHM-SC66' "
                         "ORDER BY 1").fetchall()
    assert ("legislation", "Legislation and regulations") in pillars


def test_rating_shares_from_report_and_reference(db: duckdb.DuckDBPyConnection) -> None:
    parsed = db.execute(
        "SELECT rating_code, action_count, round(share_pct, 1) FROM out_rating_shares "
        "WHERE party_iso3 = 'KHM' AND meeting_code = 'SC66' AND origin = 'report' ORDER BY rating_sort_order"
    ).fetchall()
    assert parsed == [("substantially_achieved", 2, 15.4), ("on_track", 9, 69.2), ("challenging", 2, 15.4)]
    published = db.execute(
        "SELECT rating_code, action_count FROM out_rating_shares WHERE party_iso3 = 'KHM' "
        "AND meeting_code = 'SC66' AND origin = 'reference' ORDER BY rating_sort_order").fetchall()
    assert published == [("substantially_achieved", 2), ("on_track", 9), ("challenging", 2)]
    secretariat = db.execute(
        "SELECT rating_code, share_pct, source FROM out_rating_shares WHERE party_iso3 = 'MWI' "
        "AND meeting_code = 'SC70' AND assessor = 'secretariat' ORDER BY rating_sort_order").fetchall()
    assert [r[:2] for r in secretariat] == [("achieved", 42), ("substantially_achieved", 25),
                                            ("on_track", 25), ("partial_progress", 8)]
    assert all(r[2] == "SC70 Doc. 27.4 Annex 1, Table 1" for r in secretariat)


def test_reference_tables_keep_their_sources(db: duckdb.DuckDBPyConnection) -> None:
    assert scalar(db, "SELECT count(*) FROM core_rating_summaries WHERE source_document IS NULL") == 0
    assert scalar(db, "SELECT count(*) FROM core_party_categories WHERE source IS NULL") == 0
    assert scalar(db, "SELECT niap_document FROM core_meetings WHERE meeting_code = 'SC66'") == "SC66 Doc. 29 (Rev. 1)"


def test_rating_label_is_the_label_of_the_rating_used(db: duckdb.DuckDBPyConnection) -> None:
    """Regression: 5.2's Part C placeholder was shown as its label."""
    rows = dict(db.execute("SELECT action_code, rating_label FROM out_actions WHERE report_id = 'KHM-SC66'").fetchall())
    assert rows["5.2"] == "On track" and rows["1.1"] == "ON TRACK"


def test_a_demo_figure_for_an_unknown_meeting_names_its_file(tmp_path: Path) -> None:
    """A secretariat_ratings.csv row the foreign keys refuse is that file's error, not a crash."""
    folder = tmp_path / "data" / "demo"
    folder.mkdir(parents=True)
    (folder / DEMO_PARTIES_FILE).write_text(
        "party_iso3,party_name,aliases,is_demo,source\nXZ,Zedland,Zedland,true,test\n", encoding="utf-8")
    ratings = folder / SECRETARIAT_FILE
    ratings.write_text(f"{','.join(summary_columns())}\nXZ,Zedland,SC99,secretariat,cop17,on_track,,1,2,Demo data,\n",
                       encoding="utf-8")
    result = build(tmp_path / "x.duckdb", data_dir=tmp_path / "data")
    assert [str(e) for e in result.errors] == [
        f"{ratings}: the database refuses a row (a figure given twice, or a meeting or rating scale it does not "
        'know): Constraint Error: Violates foreign key constraint because key "meeting_code: SC99" does not exist '
        "in the referenced table"]
