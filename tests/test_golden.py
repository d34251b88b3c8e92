"""Golden JSON for every sample document: the whole parse, field by field.

Regenerate on purpose with ``NIAP_GEN_TEST_DATA=1 pytest tests/test_golden.py`` and
review the diff; CI refuses to run with the flag set (see conftest.py).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from loaders.pipeline import read_report
from loaders.serialise import report_json
from tests.helpers import ROOT, SAMPLE

SOURCES = [SAMPLE, *sorted((ROOT / "tests" / "data" / "text" / "sources").glob("*.md"))]
GROUNDTRUTH = ROOT / "tests" / "data" / "text" / "groundtruth"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_parse_matches_golden_json(source: Path) -> None:
    actual = report_json(read_report(source))
    golden = GROUNDTRUTH / f"{source.stem}.json"
    if os.environ.get("NIAP_GEN_TEST_DATA"):
        golden.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert actual == expected


def test_regeneration_flag_is_off() -> None:
    """A run with the flag set rewrites the golden files: never commit such a run."""
    assert not os.environ.get("NIAP_GEN_TEST_DATA") or not os.environ.get("CI")
