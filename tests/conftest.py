"""Shared fixtures: real files, a real DuckDB database built by the real loader."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from loaders.build import build
from loaders.store import connect

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "raw" / "cambodia_sc66_progress_report.md"
TEXT_SOURCES = ROOT / "tests" / "data" / "text" / "sources"
OUTPUT = ROOT / "tests" / "output"


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database `make run` builds from data/, in a temporary folder."""
    db = tmp_path_factory.mktemp("db") / "niap.duckdb"
    result = build(db)
    assert not result.errors, result.errors
    return db


@pytest.fixture
def app_db(built_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the dashboard at the built database through $NIAP_DB."""
    monkeypatch.setenv("NIAP_DB", str(built_db))
    return built_db


@pytest.fixture
def fresh_db(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """An empty database file with the schema applied."""
    con = connect(tmp_path / "fresh.duckdb")
    yield con
    con.close()


@pytest.fixture(scope="session", autouse=True)
def _no_regeneration_in_ci() -> None:
    """Golden files are regenerated only on purpose, never in CI."""
    if os.environ.get("CI") and os.environ.get("NIAP_GEN_TEST_DATA"):
        pytest.fail("NIAP_GEN_TEST_DATA is set in CI: golden files would be rewritten")



def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI nothing may skip: a skipped test is a check that did not run, so the run fails."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CI") and skipped:
        reporter.write_line(f"CI=1: {len(skipped)} tests were skipped; in CI every test must run", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
