"""The dashboard's layer stack holds: what a newcomer can rely on when reading the code.

out_* views are the only tables the app reads; pages are thin; one cache, one chart
style; the pure layers (queries, charts, panels, export) run without Streamlit, so the
export command line and the briefing pack make the very charts the pages show.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from dashboard.navigation import EDITOR_VIEWS, SIGN_IN, VIEWS
from tests.helpers import ROOT

DASHBOARD = ROOT / "dashboard"


def code_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, line) of a Python file, comments and docstring-only lines left out."""
    out, in_doc = [], False
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        quotes = stripped.count('"""')
        if in_doc:
            in_doc = quotes % 2 == 0
            continue
        if stripped.startswith('"""'):
            in_doc = quotes == 1
            continue
        if stripped.startswith("#"):
            continue
        out.append((n, line.split("  #")[0]))
    return out


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def test_the_app_reads_only_the_public_out_views() -> None:
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}" for p in python_files(DASHBOARD)
             for n, line in code_lines(p) if re.search(r"\b(core|raw)_", line)]
    assert not found, "\n".join(found)


def test_no_pages_folder_and_thin_views() -> None:
    assert not (DASHBOARD / "pages").exists(), "a pages/ folder switches Streamlit into legacy mode"
    views = python_files(DASHBOARD / "views")
    registered = {DASHBOARD / path for _, path, _, _ in (*VIEWS, SIGN_IN, *EDITOR_VIEWS)}
    assert set(views) == registered, "every file of views/ is a view registered in navigation.py"
    long = {p.name: n for p in views if (n := len(p.read_text().splitlines())) > 150}
    assert not long, f"views over 150 lines: {long}"


def test_only_the_editor_modules_reach_the_loaders() -> None:
    """The dashboard reads the database through out_* views; only the sign-in (accounts) and the
    editors' writes (upload, correction) call the loaders."""
    found = {str(p.relative_to(ROOT)) for p in python_files(DASHBOARD)
             if re.search(r"^\s*(from|import) loaders\b", p.read_text(), flags=re.M)}
    assert found == {"dashboard/auth.py", "dashboard/editing.py"}


def test_no_module_over_400_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for folder in (DASHBOARD, ROOT / "loaders")
            for p in python_files(folder) if (n := len(p.read_text().splitlines())) > 400}
    assert not long, long


def test_one_cache_one_chart_template_one_escaper_no_test_harness() -> None:
    caches, templates, harness, escapers = [], [], [], []
    for path in python_files(DASHBOARD):
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(ROOT))
        if "st.cache_data" in text or "st.cache_resource" in text:
            caches.append(name)
        if re.search(r"\btemplate\s*=", text):
            templates.append(name)
        if "streamlit.testing" in text or "AppTest" in text:
            harness.append(name)
        if re.search(r"^from html import escape|^import html\b", text, flags=re.M):
            escapers.append(name)
    assert caches == ["dashboard/db.py"]
    assert templates == [], "the Plotly template is set once as the default (charts/style.py)"
    assert harness == [], "no test harness in production code"
    assert escapers == ["dashboard/escape.py"]


def test_the_pure_layers_import_without_streamlit() -> None:
    code = (
        "import sys\n"
        "import dashboard.export.cli, dashboard.export.pack, dashboard.queries.options\n"
        "from dashboard.panels import compare, delays, funding, overview, quality, ratings, report\n"
        "print(sorted(m for m in sys.modules if m == 'streamlit' or m.startswith('streamlit.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
