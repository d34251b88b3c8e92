"""Format backends: one module per input format behind one interface.

Each backend module exposes ``NAME``, ``SUFFIXES``, ``sniff(data: bytes) -> bool`` and
``parse(path: Path, data: bytes) -> RawReport``. `read_raw` checks the file (size,
emptiness), picks a backend by content first (the suffix only breaks ties) and returns
its `RawReport`, refused past the bounds of `loaders.formats.limits`. Format quirks stay
inside the backend (and its helper modules, such as `layout_lines` and `layout_tables` of
the layout-text backend). The PDF and Word backends are imported on first use (their
names, suffixes and sniffers are in `kinds`): reading a markup file never loads
pdfplumber or python-docx.
"""

from __future__ import annotations

import hashlib
import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from loaders.errors import ReportLoadError
from loaders.formats import kinds, layout, text
from loaders.formats.limits import check_report
from loaders.models import RawReport, SourceInfo

DEFAULT_MAX_MB = 25.0


@dataclass(frozen=True)
class Backend:
    """A format parser registered for some suffixes and recognised by content."""

    name: str
    suffixes: tuple[str, ...]
    sniff: Callable[[bytes], bool]
    parse: Callable[[Path, bytes, SourceInfo], RawReport]


def _lazy(module: str) -> Callable[[Path, bytes, SourceInfo], RawReport]:
    """The ``parse`` of a backend module imported on first use (pdfplumber, python-docx)."""
    def parse(path: Path, data: bytes, source: SourceInfo) -> RawReport:
        return importlib.import_module(module).parse(path, data, source)
    return parse


BACKENDS: list[Backend] = [
    Backend(kinds.PDF_NAME, kinds.PDF_SUFFIXES, kinds.sniff_pdf, _lazy("loaders.formats.pdf")),
    Backend(kinds.DOCX_NAME, kinds.DOCX_SUFFIXES, kinds.sniff_docx, _lazy("loaders.formats.docx")),
    Backend(text.NAME, text.SUFFIXES, text.sniff, text.parse),
    Backend(layout.NAME, layout.SUFFIXES, layout.sniff, layout.parse),
]

# Formats we recognise but cannot read (yet): a clear message beats "binary data".
_KNOWN_UNSUPPORTED = {
    b"PK\x03\x04": "a ZIP archive, not a Word document",
    b"\xd0\xcf\x11\xe0": "a legacy Word/Office file (.doc) or a password-protected one; save it as .docx "
    "without a password",
    b"{\\rtf": "an RTF file; save it as text",
}


def max_bytes_from_env() -> int:
    """The size limit: ``$NIAP_MAX_FILE_MB`` megabytes, 25 by default."""
    raw = os.environ.get("NIAP_MAX_FILE_MB", "")
    try:
        megabytes = float(raw) if raw else DEFAULT_MAX_MB
    except ValueError:
        megabytes = DEFAULT_MAX_MB
    return round(megabytes * 1024 * 1024)


def read_raw(path: Path, *, max_bytes: int | None = None) -> RawReport:
    """Read ``path`` with the backend its content calls for."""
    limit = max_bytes if max_bytes is not None else max_bytes_from_env()
    if not path.is_file():
        raise ReportLoadError(path, "no such file")
    size = path.stat().st_size
    if size == 0:
        raise ReportLoadError(path, "the file is empty")
    if size > limit:
        raise ReportLoadError(
            path,
            f"the file is {size / 1048576:.1f} MB, over the {limit / 1048576:.4g} MB limit "
            "(raise it with --max-mb or NIAP_MAX_FILE_MB)",
        )
    data = path.read_bytes()
    backend = pick_backend(path, data)
    source = SourceInfo(
        file=path.name,
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        format=backend.name,
        size_bytes=size,
    )
    return check_report(backend.parse(path, data, source))


def pick_backend(path: Path, data: bytes) -> Backend:
    """The backend that recognises the content; the suffix decides between several."""
    head = data[:8192]
    candidates = [b for b in BACKENDS if b.sniff(data)]
    if not candidates and head.startswith(b"\xd0\xcf\x11\xe0") and "EncryptedPackage".encode("utf-16-le") in data:
        raise ReportLoadError(path, "the Word file is password-protected: remove the password and save it again")
    if not candidates:
        for magic, what in _KNOWN_UNSUPPORTED.items():
            if head.startswith(magic):
                raise ReportLoadError(path, f"this is {what}")
        raise ReportLoadError(
            path, "binary data, not a progress report (expected text, markup, DOCX or PDF)"
        )
    suffix = path.suffix.lower()
    return next((b for b in candidates if suffix in b.suffixes), candidates[0])
