"""File -> Report: read with the right format backend, normalise, extract, check."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from loaders import quality
from loaders.extract import extract
from loaders.formats import read_raw
from loaders.models import RawReport, Report
from loaders.normalise import normalise


def finish(raw: RawReport) -> Report:
    """Normalise what a format parser read, extract the facts, check quality."""
    with collector_paused():
        report = normalise(raw)
        extract(report)
        quality.check(report)
    return report


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector, paused while a report is read.

    Reading makes a great many small objects (a scan, its spans and facts for every
    sentence) and no reference cycles, so reference counting frees everything and the
    collector finds nothing; yet it walks the young objects every 700 allocations, which
    is 13 % of extracting a 3 MB cell. tests/test_extract_speed.py checks that reading
    leaves no cycles behind. (Another thread that pauses it meanwhile is harmless: the
    collector runs again once the first of them is done.)
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def read_report(path: Path, *, max_bytes: int | None = None) -> Report:
    """The normalised report of one file; raises `BadInputError` on unusable input."""
    return finish(read_raw(path, max_bytes=max_bytes))
