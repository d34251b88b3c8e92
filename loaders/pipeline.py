"""File -> Report: read with the right format backend, normalise, extract, check."""

from __future__ import annotations

from pathlib import Path

from loaders import quality
from loaders.extract import extract
from loaders.formats import read_raw
from loaders.models import RawReport, Report
from loaders.normalise import normalise


def finish(raw: RawReport) -> Report:
    """Normalise what a format parser read, extract the facts, check quality."""
    report = normalise(raw)
    extract(report)
    quality.check(report)
    return report


def read_report(path: Path, *, max_bytes: int | None = None) -> Report:
    """The normalised report of one file; raises `BadInputError` on unusable input."""
    return finish(read_raw(path, max_bytes=max_bytes))
