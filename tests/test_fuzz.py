"""Seeded fuzzing (issue 14): 300 mutated markup, Word and PDF files through the parse entry
point, a handful through the command line. Every outcome is the report or one `error:` line
naming the file; no traceback, no hang (the child's time cap). ``make fuzz`` runs 5000.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from tests import fuzz
from tests.helpers import run_cli

CASES = 300


def test_mutated_files_give_the_report_or_one_line(tmp_path: Path) -> None:
    summary = fuzz.run(CASES, seed=14, out=tmp_path)
    print(summary.report())
    assert len(summary.outcomes) == CASES
    assert summary.broken == []
    kinds = {o.kind for o in summary.outcomes}
    assert kinds == {"markup", "docx", "pdf"}
    assert all(any(o.kind == k and o.result == "ok" for o in summary.outcomes) for k in kinds), \
        "some mutated files of each format still read: the mutations reach past the first check"
    assert not [o for o in summary.outcomes if "time cap" in o.message], "a case ran into the time cap"


def test_mutated_files_through_the_command_line(tmp_path: Path) -> None:
    made = fuzz.cases(60, seed=1414, out=tmp_path)
    rng = random.Random(14)
    picked = [rng.choice([m for m in made if m[0] == kind]) for kind in ("markup", "docx", "pdf") for _ in range(2)]
    for kind, mutators, path in picked:
        result = run_cli("parse", str(path))
        assert result.returncode in (0, 2), (kind, mutators, result.stderr)
        assert "Traceback" not in result.stderr
        if result.returncode == 2:
            lines = result.stderr.splitlines()
            assert len(lines) == 1 and lines[0].startswith(f"error: {path}: "), (kind, mutators, result.stderr)
        else:
            assert json.loads(result.stdout)["source"]["file"] == path.name
