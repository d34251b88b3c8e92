"""Bounded decompression of PDF streams for pdfminer (pdfminer.six, pinned in requirements.txt).

pdfminer inflates a compressed stream whole (``zlib.decompress``): a 1 MB PDF holding a
"flate bomb" inflates to gigabytes. `install` swaps pdfminer's decoders for bounded ones:
one stream may not inflate beyond `MAX_INFLATED_STREAM`, nor all the streams of a
document beyond `MAX_INFLATED_TOTAL`, and the decoders stop as soon as they would (they
never make the whole output first). The "corrupted stream" fallback of pdfminer, which
re-inflated byte by byte with a quadratic copy, is replaced by a linear one.

`budget(path)` opens the count for one document: `StreamTooLarge` (a `ReportLoadError`)
names the file.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path

from pdfminer import pdftypes
from pdfminer.lzw import LZWDecoder

from loaders.errors import ReportLoadError
from loaders.formats.limits import MAX_INFLATED_STREAM, MAX_INFLATED_TOTAL


class StreamTooLarge(ReportLoadError):
    """A compressed stream inflates beyond the bounds."""


class _Budget:
    """What the document being read has inflated so far."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        self.total = 0

    def refuse(self, what: str) -> StreamTooLarge:
        return StreamTooLarge(self.path, f"{what} (a compression bomb?): a damaged or hostile file; refused")

    def add(self, size: int) -> None:
        self.total += size
        if self.total > MAX_INFLATED_TOTAL:
            raise self.refuse(f"its compressed streams inflate beyond {MAX_INFLATED_TOTAL >> 20} MB")


_current: list[_Budget] = [_Budget("PDF")]


@contextmanager
def budget(path: Path | str) -> Iterator[None]:
    """Count what one document inflates (documents are read one at a time per process)."""
    _current.append(_Budget(path))
    try:
        yield
    finally:
        _current.pop()


def _stream_limit() -> StreamTooLarge:
    return _current[-1].refuse(f"a compressed stream inflates beyond {MAX_INFLATED_STREAM >> 20} MB")


def _inflate(data: bytes) -> bytes:
    """``zlib.decompress`` that stops past `MAX_INFLATED_STREAM` (and, like it, refuses a truncated stream)."""
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, MAX_INFLATED_STREAM + 1)
    if len(out) > MAX_INFLATED_STREAM:
        raise _stream_limit()
    if not inflater.eof:
        raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
    return out


def _inflate_corrupted(data: bytes) -> bytes:
    """pdfminer's ``decompress_corrupted`` (inflate, ignoring a bad checksum at the end), linear and bounded."""
    inflater = zlib.decompressobj()
    out = bytearray()
    chunk = 4096
    for start in range(0, len(data), chunk):
        piece = data[start:start + chunk]
        saved = inflater.copy()
        try:
            out += inflater.decompress(piece)
        except zlib.error:
            inflater = saved  # this chunk holds the error: feed it byte by byte to keep what precedes it
            for i in range(len(piece)):
                try:
                    out += inflater.decompress(piece[i:i + 1])
                except zlib.error:
                    if start + i < len(data) - 3:  # not in the checksum: really damaged
                        raise
                    return bytes(out)
        if len(out) > MAX_INFLATED_STREAM:
            raise _stream_limit()
    return bytes(out)


def _lzw(data: bytes) -> bytes:
    out = bytearray()
    for piece in LZWDecoder(BytesIO(data)).run():
        out += piece
        if len(out) > MAX_INFLATED_STREAM:
            raise _stream_limit()
    return bytes(out)


def _run_length(data: bytes) -> bytes:
    """RunLengthDecode (PDF 1.7, 7.4.5), bounded; a truncated stream ends the output."""
    out = bytearray()
    i, n = 0, len(data)
    while i < n:
        length = data[i]
        i += 1
        if length == 128:
            break
        if length < 128:
            out += data[i:i + length + 1]
            i += length + 1
        elif i < n:
            out += data[i:i + 1] * (257 - length)
            i += 1
        if len(out) > MAX_INFLATED_STREAM:
            raise _stream_limit()
    return bytes(out)


class _BoundedZlib:
    """Stands for the ``zlib`` module inside pdfminer.pdftypes."""

    error = zlib.error

    @staticmethod
    def decompress(data: bytes, *args: object, **kwargs: object) -> bytes:
        return _inflate(data)

    @staticmethod
    def decompressobj(*args: object, **kwargs: object):  # noqa: ANN205 (zlib's own type is private)
        return zlib.decompressobj(*args, **kwargs)

    def __getattr__(self, name: str) -> object:
        return getattr(zlib, name)


_original_decode = pdftypes.PDFStream.decode


def _decode(self: pdftypes.PDFStream) -> None:
    """pdfminer's ``PDFStream.decode``, with the decoded size added to the document's budget."""
    _original_decode(self)
    _current[-1].add(len(self.data or b""))


def install() -> None:
    """Swap pdfminer's decoders for the bounded ones (idempotent)."""
    pdftypes.zlib = _BoundedZlib()  # type: ignore[assignment]
    pdftypes.decompress_corrupted = _inflate_corrupted
    pdftypes.lzwdecode = _lzw
    pdftypes.rldecode = _run_length
    pdftypes.PDFStream.decode = _decode  # type: ignore[method-assign]
