"""A PDF's document information (title, subject): Chrome's printer, which kaleido drives,
names every PDF "Kaleido-fier"; a reader's window and file list show the chart's title.

No PDF library is needed for this: a PDF from Chrome (Skia) has one classic
cross-reference table and an Info dictionary object; that object is rewritten and the
table's offsets after it shifted. A PDF of another shape is returned unchanged.
"""

from __future__ import annotations

import re

_TRAILER = re.compile(rb"trailer\s*<<(?P<dict>.*?)>>\s*startxref\s*(?P<xref>\d+)\s*%%EOF\s*$", re.S)
_KEPT = (b"/Producer", b"/CreationDate", b"/ModDate")


def text_string(text: str) -> bytes:
    """A PDF text string of any text (UTF-16BE with a byte order mark, in hex)."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def with_info(pdf: bytes, title: str, subject: str = "", creator: str = "NIAP progress dashboard") -> bytes:
    """``pdf`` with its document title, subject and creator set."""
    trailer = _TRAILER.search(pdf)
    info = re.search(rb"/Info\s+(\d+)\s+0\s+R", trailer.group("dict")) if trailer else None
    if not trailer or not info:
        return pdf
    number, xref = int(info.group(1)), int(trailer.group("xref"))
    old = re.compile(rb"(?m)^%d 0 obj\s*<<(?P<dict>.*?)>>\s*endobj" % number, re.S).search(pdf)
    if not old or old.end() > xref or pdf[xref:xref + 4] != b"xref":
        return pdf
    kept = []
    for key in _KEPT:  # a literal string: (...) with backslash escapes
        found = re.search(re.escape(key) + rb"\s*\((?:\\.|[^\\)])*\)", old.group("dict"))
        if found:
            kept.append(found.group(0))
    entries = [b"/Title " + text_string(title), b"/Creator " + text_string(creator), *kept]
    if subject:
        entries.insert(1, b"/Subject " + text_string(subject))
    new = b"%d 0 obj\n<<" % number + b"\n".join(entries) + b">>\nendobj"
    delta = len(new) - (old.end() - old.start())
    rest = pdf[old.end():xref]
    table, tail = pdf[xref:].split(b"trailer", 1)

    def shifted(entry: re.Match[bytes]) -> bytes:
        offset = int(entry.group(1))
        return b"%010d %s n" % (offset + delta if offset > old.start() else offset, entry.group(2))

    table = re.sub(rb"(\d{10}) (\d{5}) n", shifted, table)
    tail = re.sub(rb"startxref\s*\d+", b"startxref\n%d" % (xref + delta), tail)
    return pdf[:old.start()] + new + rest + table + b"trailer" + tail
