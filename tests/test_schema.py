"""The schema against its one description, data/schema.yaml: columns, types, codes, constraints, docs, version."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from loaders import corrections
from loaders.build import build
from loaders.database import REBUILD_HINT, SCHEMA_VERSION, SchemaVersionError, connect
from loaders.datamodel import (
    DOC_END,
    DOC_PATH,
    DOC_START,
    SCHEMA_SQL_PATH,
    Column,
    doc_with_generated_part,
    relations,
    schema_sql_with_comments,
)
from loaders.formats import read_raw
from loaders.pipeline import finish
from loaders.store import load_reference, store_report
from tests.helpers import SAMPLE, run_cli

RELATIONS = relations()
TABLES = {name: rel for name, rel in RELATIONS.items() if not rel.is_view}
VIEWS = {name: rel for name, rel in RELATIONS.items() if rel.is_view}


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """A new database with the reference tables and the Cambodia sample: a row in every table."""
    con = connect(tmp_path_factory.mktemp("schema") / "sample.duckdb")
    load_reference(con)
    raw = read_raw(SAMPLE)
    store_report(con, raw, finish(raw))
    fix = corrections.new_correction(con, report_id="KHM-SC66", action_code="1.1", field="rating", value="challenging",
                                     reason="a correction, so that core_corrections has a row", editor="test",
                                     line_number=2)
    corrections.record_new(con, fix, [], via="cli")  # and core_audit_log
    yield con
    con.close()


def columns_in(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_schema = 'main'").fetchall()
    return {(table, column): kind for table, column, kind in rows}


def described() -> dict[tuple[str, str], str]:
    return {(rel.name, c.name): c.type for rel in RELATIONS.values() for c in rel.columns.values()}


# --- the metadata file against the database -------------------------------------------


def test_every_column_is_in_the_metadata_with_its_type(sample_db: duckdb.DuckDBPyConnection) -> None:
    actual, expected = columns_in(sample_db), described()
    assert sorted(actual.keys() - expected.keys()) == [], "columns missing from data/schema.yaml"
    assert sorted(expected.keys() - actual.keys()) == [], "columns in data/schema.yaml but not in the database"
    assert {k: v for k, v in actual.items() if expected[k] != v} == {}, "types differ from data/schema.yaml"


def test_columns_come_in_the_metadata_order(sample_db: duckdb.DuckDBPyConnection) -> None:
    for rel in RELATIONS.values():
        order = [c for (c,) in sample_db.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            [rel.name]).fetchall()]
        assert order == list(rel.columns), rel.name


def test_every_table_view_and_column_is_described() -> None:
    for rel in RELATIONS.values():
        assert rel.description.strip(), rel.name
        for column in rel.columns.values():
            assert column.description.strip(), f"{rel.name}.{column.name}"


def test_code_columns_name_a_code_table_that_exists() -> None:
    for rel in RELATIONS.values():
        for column in rel.columns.values():
            if column.code_table:
                table, _, key = column.code_table.partition(".")
                assert key in RELATIONS[table].columns, f"{rel.name}.{column.name}: {column.code_table}"
                assert table.startswith("out_") == rel.is_view, "views point at views, tables at tables"


def test_every_out_view_is_in_the_metadata_and_only_views_are_out(sample_db: duckdb.DuckDBPyConnection) -> None:
    views = {v for (v,) in sample_db.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND database_name = current_database()").fetchall()}
    assert views == set(VIEWS)
    assert all(v.startswith("out_") for v in views)


def test_descriptions_are_stored_in_the_database(sample_db: duckdb.DuckDBPyConnection) -> None:
    comments = dict(((t, c), comment) for t, c, comment in sample_db.execute(
        "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE database_name = current_database()"
    ).fetchall())
    column = RELATIONS["out_actions"].columns["rating_code"]
    assert comments[("out_actions", "rating_code")] == f"{column.description} (values: {column.values_text()})"
    assert all(comments.values()), [k for k, v in comments.items() if not v]


# --- constraints: every code column rejects a value outside its list ------------------


def code_columns() -> list[tuple[str, Column]]:
    return [(rel.name, c) for rel in TABLES.values() for c in rel.columns.values() if c.values or c.code_table]


def write(con: duckdb.DuckDBPyConnection, table: str, values: dict[str, object]) -> None:
    """Give one stored row these values. core_reports is referred to by every report table and
    DuckDB updates a foreign key column by deleting the row: there, a copy under a new report_id."""
    names, params = list(values), list(values.values())
    if table == "core_reports":
        replaced = ", ".join(["'XX-SC1' AS report_id", *(f"? AS {n}" for n in names)])
        con.execute(f"INSERT INTO core_reports SELECT * REPLACE ({replaced}) FROM core_reports LIMIT 1", params)
    else:
        assignments = ", ".join(f"{n} = ?" for n in names)
        con.execute(f"UPDATE {table} SET {assignments} WHERE rowid = (SELECT min(rowid) FROM {table})", params)


def rejects(con: duckdb.DuckDBPyConnection, table: str, **values: object) -> str:
    """The constraint error of giving a row these values ('' when accepted); nothing is kept."""
    assert con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0], f"{table} has no row to try"
    con.execute("BEGIN TRANSACTION")
    try:
        write(con, table, values)
    except duckdb.ConstraintException as e:
        return str(e)
    finally:
        con.execute("ROLLBACK")
    return ""


@pytest.mark.parametrize(("table", "column"), [(t, c) for t, c in code_columns()], ids=lambda x: getattr(x, "name", x))
def test_a_code_outside_the_list_is_rejected(sample_db: duckdb.DuckDBPyConnection, table: str, column: Column) -> None:
    error = rejects(sample_db, table, **{column.name: "no_such_code"})
    if column.code_table:
        assert "does not exist in the referenced table" in error, f"{table}.{column.name}: no foreign key? {error}"
    else:
        assert "CHECK constraint failed" in error, f"{table}.{column.name}: no CHECK? {error}"


def check_lists(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], list[str]]:
    """Each "column IN ('a', 'b')" CHECK of the database, by table and column."""
    lists = {}
    for table, expression in con.execute(
            "SELECT table_name, expression FROM duckdb_constraints() WHERE constraint_type = 'CHECK' "
            "AND database_name = current_database()").fetchall():
        match = re.fullmatch(r"\(\"?(\w+)\"? IN \((.*)\)\)", expression, re.S)
        if match:
            lists[(table, match[1])] = re.findall(r"'([^']*)'", match[2])
    return lists


def test_check_lists_are_the_listed_values(sample_db: duckdb.DuckDBPyConnection) -> None:
    listed = {(t, c.name): list(c.values) for t, c in code_columns() if c.values}
    assert check_lists(sample_db) == listed


def date_columns() -> list[tuple[str, str]]:
    return [(rel.name, c) for rel in TABLES.values() for c in rel.columns if f"{c}_precision" in rel.columns]


@pytest.mark.parametrize(("table", "column"), date_columns())
def test_a_date_is_the_first_day_of_its_month_or_year_with_its_precision(
    sample_db: duckdb.DuckDBPyConnection, table: str, column: str
) -> None:
    precision = f"{column}_precision"
    assert not rejects(sample_db, table, **{column: "2015-03-01", precision: "month"})
    assert not rejects(sample_db, table, **{column: "2015-01-01", precision: "year"})
    assert "CHECK" in rejects(sample_db, table, **{column: "2015-03-02", precision: "month"})
    assert "CHECK" in rejects(sample_db, table, **{column: "2015-03-01", precision: "year"})
    assert rejects(sample_db, table, **{column: "2015-03-01", precision: None})
    if column != "value":  # core_timing.value is never NULL
        assert not rejects(sample_db, table, **{column: None, precision: None})
        assert "CHECK" in rejects(sample_db, table, **{column: None, precision: "month"})


# --- generated text: schema.sql comments and docs/data-model.md -----------------------


def test_schema_sql_comments_are_those_of_the_metadata() -> None:
    sql = SCHEMA_SQL_PATH.read_text(encoding="utf-8")
    assert schema_sql_with_comments(sql) == sql, "run `python -m loaders.datamodel` after editing data/schema.yaml"


def test_data_model_doc_lists_every_out_view_and_column() -> None:
    doc = DOC_PATH.read_text(encoding="utf-8")
    assert doc_with_generated_part(doc) == doc, "run `python -m loaders.datamodel` after editing data/schema.yaml"
    generated = doc.split(DOC_START)[1].split(DOC_END)[0]
    for view in VIEWS.values():
        section = generated.split(f"### {view.name}\n")[1].split("\n### ")[0]
        listed = re.findall(r"^\| `(\w+)` \|", section, re.M)
        assert listed == list(view.columns), view.name


# --- the real database: every view's columns, and only allowed codes in them ----------


@pytest.fixture(scope="module")
def built(built_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(built_db), read_only=True)
    yield con
    con.close()


# A fresh build has replaced no report yet (tests/test_writers.py fills this view), and the
# project ships no correction (tests/test_corrections.py fills that one).
EMPTY_IN_A_FRESH_BUILD = {"out_report_history", "out_corrections"}


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_each_out_view_has_the_metadata_columns_and_rows_that_count(
    built: duckdb.DuckDBPyConnection, view: str
) -> None:
    columns = [(name, kind) for name, kind, *_ in built.execute(f"DESCRIBE {view}").fetchall()]
    assert columns == [(c.name, c.type) for c in VIEWS[view].columns.values()]
    if view not in EMPTY_IN_A_FRESH_BUILD:
        assert built.execute(f"SELECT count(*) FROM {view}").fetchall()[0][0] > 0, f"{view} is empty in the build"


def allowed(con: duckdb.DuckDBPyConnection, column: Column) -> set[str]:
    if column.values:
        return set(column.values)
    table, _, key = column.code_table.partition(".")
    return {v for (v,) in con.execute(f"SELECT {key} FROM {table}").fetchall()}


@pytest.mark.parametrize(("view", "column"), [(v.name, c) for v in VIEWS.values() for c in v.columns.values()
                                              if c.values or c.code_table], ids=lambda x: getattr(x, "name", x))
def test_view_codes_are_allowed_values(built: duckdb.DuckDBPyConnection, view: str, column: Column) -> None:
    values = f"unnest({column.name})" if column.type.endswith("[]") else column.name
    found = {v for (v,) in built.execute(f"SELECT DISTINCT {values} FROM {view}").fetchall() if v is not None}
    assert found <= allowed(built, column), f"{view}.{column.name}"


# --- schema version -------------------------------------------------------------------


def old_database(path: Path) -> Path:
    """A database as the loaders wrote it before schema versions: dates as text."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE core_reports (report_id VARCHAR PRIMARY KEY, period_start VARCHAR)")
    con.execute("INSERT INTO core_reports VALUES ('KHM-SC66', '2014-11')")
    con.close()
    return path


def test_a_database_without_a_schema_version_is_refused(tmp_path: Path) -> None:
    db = old_database(tmp_path / "old.duckdb")
    with pytest.raises(SchemaVersionError) as raised:
        connect(db)
    message = str(raised.value)
    assert message.startswith(f"{db}: ") and message.endswith(REBUILD_HINT) and "\n" not in message
    assert REBUILD_HINT == "rebuild it with `python -m loaders build`"


def test_a_database_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "other.duckdb"
    connect(db).close()
    con = duckdb.connect(str(db))
    con.execute("UPDATE core_schema_info SET schema_version = ?", [SCHEMA_VERSION - 1])
    con.close()
    with pytest.raises(SchemaVersionError, match=f"schema version {SCHEMA_VERSION - 1}, "):
        connect(db)
    connect(tmp_path / "new.duckdb").close()  # a new file gets the current version and opens again
    connect(tmp_path / "new.duckdb").close()


def test_load_into_an_old_database_says_rebuild_and_changes_nothing(tmp_path: Path) -> None:
    db = old_database(tmp_path / "old.duckdb")
    before = db.read_bytes()
    result = run_cli("load", str(SAMPLE), "--db", str(db))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"error: {db}: ") and lines[0].endswith("rebuild it with `python -m loaders build`")
    assert db.read_bytes() == before
    assert not list(tmp_path.glob(".old.duckdb.*.tmp*")), "the working copy is left behind"


def test_build_replaces_an_old_database(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    (data / "raw" / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    db = old_database(tmp_path / "old.duckdb")
    result = build(db, data_dir=data)
    assert result.reports == 1 and not result.errors
    con = connect(db)
    assert con.execute("SELECT period_start_text FROM out_reports").fetchall() == [("2014-11",)]
    con.close()


def tables_fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """A digest of the tables' columns and constraints (not of the views, which are replaced every time)."""
    columns = con.execute(
        "SELECT c.table_name, c.column_name, c.data_type, c.is_nullable, c.column_default "
        "FROM information_schema.columns c JOIN information_schema.tables t USING (table_catalog, table_schema, "
        "table_name) WHERE t.table_type = 'BASE TABLE' AND c.table_catalog = current_database() ORDER BY ALL"
    ).fetchall()
    constraints = con.execute(
        "SELECT table_name, constraint_type, constraint_column_names, referenced_table, expression "
        "FROM duckdb_constraints() WHERE database_name = current_database() ORDER BY ALL").fetchall()
    return hashlib.sha256(repr((columns, constraints)).encode()).hexdigest()[:16]


# The tables' fingerprint for each SCHEMA_VERSION. A failure here means a table changed:
# raise SCHEMA_VERSION in loaders/database.py (old databases must be rebuilt) and add its line.
TABLES_AT_VERSION = {2: "3c8ee6661e8977b6", 3: "7803687f5cba3963", 4: "59a25b597f9c9c42"}


def test_a_table_change_raises_the_schema_version(sample_db: duckdb.DuckDBPyConnection) -> None:
    assert TABLES_AT_VERSION.get(SCHEMA_VERSION) == tables_fingerprint(sample_db), (
        "the tables changed: raise SCHEMA_VERSION in loaders/database.py and record the fingerprint here")
