"""Helpers shared by tests: run the CLI as a user would, edit copies of the sample."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "raw" / "cambodia_sc66_progress_report.md"


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m loaders ARGS`` in a subprocess, from the project root."""
    return subprocess.run(
        [sys.executable, "-m", "loaders", *args],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=120,
    )


def edited_sample(tmp_path: Path, name: str, *replacements: tuple[str, str]) -> Path:
    """A copy of the sample report with exact text replacements (each must apply)."""
    text = SAMPLE.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, f"replacement target not in sample: {old!r}"
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def require_tool(command: str, install: str) -> str:
    """The path of a command the test needs; in CI a missing one fails the test, elsewhere it skips."""
    path = shutil.which(command)
    if path is None:
        message = f"{command} is missing: install it with `{install}` (as root)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message, allow_module_level=True)
    return path
