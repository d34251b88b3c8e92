"""Shared fixtures: real files, a real DuckDB database built by the real loader."""

from __future__ import annotations

import hashlib
import os
import subprocess
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


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium under Playwright, one per browser-test module (tests/browser.py)."""
    from tests.browser import launch

    yield from launch()


@pytest.fixture(scope="module")
def app_url(built_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """The app served on the database built from data/, one server per module, stopped by its PID."""
    from tests.browser import serve

    yield from serve(built_db, tmp_path_factory.mktemp("streamlit"))


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


def _tracked_files() -> dict[str, str]:
    """SHA-256 of every file git tracks (empty outside a git checkout)."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    out = {}
    for name in filter(None, listed.decode().split("\0")):
        path = ROOT / name
        out[name] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    return out


_TRACKED = pytest.StashKey[dict[str, str]]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``make test`` runs two workers (pytest-xdist, ``--dist loadgroup``): the browser tests
    all go to one of them, one after another (each drives Chromium and a server of its own),
    while the other runs the rest."""
    for item in items:
        if item.path.name.startswith("test_browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI, remember the tracked files (other people's edits would confuse it elsewhere)."""
    if os.environ.get("CI"):
        session.config.stash[_TRACKED] = _tracked_files()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """No test rewrites a tracked file; in CI nothing may skip (a skipped test is a check
    that did not run): either fails the run."""
    before = session.config.stash.get(_TRACKED, {})
    changed = sorted(n for n, digest in _tracked_files().items() if before.get(n, digest) != digest) if before else []
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if changed:
        if reporter:
            reporter.write_line(f"tests changed tracked files: {', '.join(changed)}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CI") and skipped:
        reporter.write_line(f"CI=1: {len(skipped)} tests were skipped; in CI every test must run", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
