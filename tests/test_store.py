"""The database: documented schema, one transaction per file, views that add up."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import duckdb
import pytest

from loaders.formats import read_raw
from loaders.pipeline import finish
from loaders.store import SCHEMA_PATH, ensure_schema, load_reference, store_report
from tests.helpers import SAMPLE, edited_sample

SCHEMA = SCHEMA_PATH.read_text(encoding="utf-8")


def test_every_table_column_is_described() -> None:
    for table, body in re.findall(r"CREATE TABLE IF NOT EXISTS (\w+) \((.*?)\n\);", SCHEMA, re.S):
        for line in body.strip().splitlines():
            line = line.strip()
            if line.startswith("PRIMARY KEY"):
                continue
            assert re.search(r"--\s*\S", line), f"{table}: column without description: {line}"


def test_every_view_column_is_described(fresh_db: duckdb.DuckDBPyConnection) -> None:
    views = re.findall(r"((?:--.*\n)+)CREATE OR REPLACE VIEW (\w+)", SCHEMA)
    assert {v for _, v in views} >= {"out_actions", "out_rating_shares", "out_delay_causes",
                                      "out_funding", "out_quality_issues", "out_reports"}
    for comment, view in views:
        described = set(re.findall(r"--\s{2,}(\w+):", comment))
        columns = {row[0] for row in fresh_db.execute(f"DESCRIBE {view}").fetchall()}
        assert columns == described, f"{view}: undocumented {columns - described}, stale {described - columns}"


def test_schema_is_idempotent(fresh_db: duckdb.DuckDBPyConnection) -> None:
    ensure_schema(fresh_db)
    ensure_schema(fresh_db)
    load_reference(fresh_db)
    load_reference(fresh_db)
    assert fresh_db.execute("SELECT count(*) FROM core_codes_ratings").fetchall()[0][0] == 9


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
    assert rows.set_index("action_code").loc["1.1", "delay_causes"] == "coordination, funding"
    assert set(rows.loc[rows.funding_secured, "action_code"]) == {"1.1", "1.2", "2.4", "2.5", "3.1", "5.1"}
    assert set(rows.loc[rows.funding_sought, "action_code"]) == {"2.1", "2.3", "2.4", "2.5", "3.2"}
    assert scalar(db, "SELECT bool_and(NOT is_demo) FROM out_actions WHERE report_id = 'KHM-SC66'")


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
