"""Text converted from PDF with its layout kept (``pdftotext -layout``, pdfplumber's
``extract_text(layout=True)``): tables are columns of text separated by runs of spaces.

Quirks handled here: hard line breaks in the middle of sentences (a paragraph ends at a
blank line, a short line, a change of indentation, a bullet or a line that opens
something: a label, a heading, a rating line, an action heading). Pages and running
heads are dropped in `loaders.formats.layout_lines`; tables, found by what their header
holds, are read in `loaders.formats.layout_tables`.
"""

from __future__ import annotations

import re
from pathlib import Path

from loaders.formats.layout_lines import (
    BULLET,
    SHORT_LINE,
    Line,
    is_heading,
    opens,
    stands_alone,
    text_width,
    without_running_heads,
)
from loaders.formats.layout_tables import read_table, table_header
from loaders.formats.text import decode, has_markup, is_text
from loaders.models import Block, RawParagraph, RawReport, SourceInfo
from loaders.textutil import join_lines

NAME = "layout"
SUFFIXES = (".txt", ".text")


def sniff(data: bytes) -> bool:
    """Plain text without markup: what PDF-to-text converters write."""
    return is_text(data) and not has_markup(data)


def parse(path: Path, data: bytes, source: SourceInfo) -> RawReport:
    """Read layout text into paragraphs and tables."""
    return RawReport(source=source, blocks=tuple(read_layout(decode(path, data))))


def read_layout(text: str) -> list[Block]:
    """Blocks of a layout-preserving text (pages separated by form feeds)."""
    lines = without_running_heads(text.replace("\r\n", "\n").replace("\r", "\n"))
    width = text_width(lines)
    vocabulary = {w.lower() for w in re.findall(r"[^\W\d_]+", text)}
    blocks: list[Block] = []
    paragraph: list[Line] = []
    i = 0
    tables = 0
    while i < len(lines):
        header = table_header(lines, i)
        if header is not None:
            header.right = max(width, len(lines[i].text))
            _flush(paragraph, blocks)
            table, i = read_table(lines, i, header, tables, vocabulary)
            blocks.append(table)
            tables += 1
            continue
        line = lines[i]
        stripped = line.text.strip()
        i += 1
        if not stripped:
            _flush(paragraph, blocks)
            continue
        if paragraph and _breaks_before(paragraph, line, width):
            _flush(paragraph, blocks)
        paragraph.append(line)
        if stands_alone(stripped):
            _flush(paragraph, blocks, heading=is_heading(stripped))
    _flush(paragraph, blocks)
    return blocks


def _breaks_before(paragraph: list[Line], line: Line, width: int) -> bool:
    """Whether ``line`` starts a new paragraph after the lines gathered so far."""
    previous = paragraph[-1]
    stripped = line.text.strip()
    if opens(stripped):
        return True
    if width and len(previous.text) < width * SHORT_LINE:
        return True
    first = paragraph[0]
    hanging = BULLET.match(first.text.strip()) and abs(line.indent - first.indent) <= 4
    return not hanging and abs(line.indent - previous.indent) > 4


def _flush(paragraph: list[Line], blocks: list[Block], heading: bool = False) -> None:
    if paragraph:
        text = paragraph[0].text.strip()
        for ln in paragraph[1:]:
            text = join_lines(text, ln.text.strip())
        bullet = bool(BULLET.match(text))
        blocks.append(RawParagraph(text=BULLET.sub("", text) if bullet else text, bullet=bullet,
                                   heading=heading, page=paragraph[0].page))
        paragraph.clear()

