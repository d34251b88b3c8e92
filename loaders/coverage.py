"""Coverage accounting: which of the document's text the readers used, and what they did not.

Every reader marks the paragraphs it takes (as metadata, heading, synopsis, title, rating
or note) in one `Usage`. Whatever is left unmarked is counted as unread, so a table or a
section the loader did not understand shows up as a low coverage with its text listed,
never as a silent loss. Characters are letters and digits only: separators, bullets and
white space are layout, not text.
"""

from __future__ import annotations

import re

from loaders.models import Block, Coverage, RawCell, RawParagraph, RawReport, RawRow, RawTable, UnreadText
from loaders.textutil import WINDOWS_1252, windows_1252

_NOT_TEXT = re.compile(r"\W+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# Bytes of UTF-8 text that are not an ASCII letter, digit or underscore ("\w"): ASCII
# punctuation and space, and every byte of a non-ASCII character (counted apart).
_NOT_ASCII_TEXT = bytes(b for b in range(128) if not (chr(b).isalnum() or b == 0x5F)) + bytes(range(128, 256))
MAX_UNREAD_LISTED = 200  # the unread items kept with a report (the share counts them all)


# Windows-1252 bytes whose character is not a letter, digit or underscore ("\\W").
_NOT_WINDOWS_TEXT = bytes(byte for byte, ch in WINDOWS_1252.items() if not (ch.isalnum() or ch == "_"))


def text_chars(text: str) -> int:
    """Letters, digits and underscores in ``text``, counted without a list of millions of
    one-letter strings for a big cell: by deleting the other bytes (C speed) of text written
    in Windows-1252 (English, French, Spanish); for other text, the ASCII ones so and the
    rest among its non-ASCII characters only."""
    windows = windows_1252(text)
    if windows is not None:
        return len(windows.translate(None, _NOT_WINDOWS_TEXT))
    count = len(text.encode("utf-8", "surrogatepass").translate(None, _NOT_ASCII_TEXT))
    if not text.isascii():
        count += len(_NOT_TEXT.sub("", "".join(_NON_ASCII.findall(text))))
    return count


class Usage:
    """The paragraphs of one `RawReport` that a reader used, by identity, with the use."""

    def __init__(self) -> None:
        self._kinds: dict[int, str] = {}

    def mark(self, kind: str, *items: RawParagraph | RawCell | RawRow | None) -> None:
        """Mark paragraphs (or every paragraph of cells and rows) as used for ``kind``."""
        for item in items:
            for paragraph in _paragraphs_of(item):
                self._kinds.setdefault(id(paragraph), kind)

    def is_used(self, paragraph: RawParagraph) -> bool:
        """Whether a reader took this paragraph."""
        return id(paragraph) in self._kinds

    def measure(self, raw: RawReport) -> Coverage:
        """The coverage of ``raw``: used characters, all characters, and what was not read."""
        used = total = 0
        unread: list[UnreadText] = []
        for where, paragraph in _located_paragraphs(raw.blocks):
            n = text_chars(paragraph.text)
            total += n
            if self.is_used(paragraph):
                used += n
            elif n:
                unread.append(UnreadText(where, paragraph.text))
        return Coverage(used, total, tuple(unread[:MAX_UNREAD_LISTED]))


def _paragraphs_of(item: RawParagraph | RawCell | RawRow | None) -> tuple[RawParagraph, ...]:
    if item is None:
        return ()
    if isinstance(item, RawParagraph):
        return (item,)
    if isinstance(item, RawCell):
        return item.paragraphs
    return tuple(p for cell in item.cells for p in cell.paragraphs)


def _located_paragraphs(blocks: tuple[Block, ...]):
    """(where, paragraph) for every paragraph of the document, in tables too."""
    for index, block in enumerate(blocks):
        if isinstance(block, RawParagraph):
            page = f"page {block.page}, " if block.page else ""
            yield f"{page}paragraph {index}", block
            continue
        table: RawTable = block
        for row in table.rows:
            page = f"page {row.page}, " if row.page else ""
            for j, cell in enumerate(row.cells):
                for paragraph in cell.paragraphs:
                    yield f"{page}table {table.index}, row {row.index}, column {j + 1}", paragraph
