"""The loaders package keeps its runtime path apart from the development tools, in small modules.

What a user would notice if this broke: ``python -m loaders load`` failing on a machine
without the development dependencies (Playwright), or every stored report being re-loaded
because someone edited the demo generator.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from loaders import store
from loaders.store import PROJECT_ROOT, reading_code_files
from tests.helpers import ROOT

LOADERS = ROOT / "loaders"
MAX_MODULE_LINES = 400


def test_runtime_path_imports_no_development_tool() -> None:
    """Importing what parse, load, build and check use pulls in neither devtools nor Playwright."""
    code = ("import json, sys\n"
            "import loaders, loaders.cli, loaders.pipeline, loaders.store, loaders.build, loaders.formats\n"
            "print(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    modules = json.loads(done.stdout)
    assert "loaders.formats.text" in modules  # the check saw the real import graph
    leaked = [m for m in modules if m.startswith(("playwright", "loaders.devtools"))]
    assert leaked == []


def relative(paths: list[Path]) -> list[str]:
    return [p.relative_to(PROJECT_ROOT).as_posix() for p in paths]


def test_loader_version_hashes_only_the_code_that_reads_reports() -> None:
    files = relative(reading_code_files())
    assert "loaders/extract.py" in files and "loaders/formats/pdf.py" in files and "loaders/tables.py" in files
    assert not [f for f in files if f.startswith("loaders/devtools/")]
    not_reading = {"loaders/cli.py", "loaders/__main__.py", "loaders/progress.py", "loaders/lock.py",
                   "loaders/sandbox.py", "loaders/sandbox_child.py", "loaders/writing.py",
                   "loaders/journal.py", "loaders/audit.py", "loaders/editors.py", "loaders/editing.py"}
    assert not not_reading & set(files)
    every_module = relative(sorted(LOADERS.rglob("*.py")))
    left_out = {f for f in every_module if f not in files}
    assert {f for f in left_out if not f.startswith("loaders/devtools/")} == not_reading


def test_loader_version_is_computed_from_that_file_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """The version follows `reading_code_files` (it does not glob the package on its own)."""
    version = store.loader_version.__wrapped__()
    assert version == store.loader_version()
    monkeypatch.setattr(store, "reading_code_files", lambda: [])
    assert store.loader_version.__wrapped__() != version


def test_no_module_is_longer_than_the_limit() -> None:
    lengths = {p.relative_to(ROOT).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
               for p in LOADERS.rglob("*.py")}
    assert {name: n for name, n in lengths.items() if n > MAX_MODULE_LINES} == {}
