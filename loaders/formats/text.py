"""Markup text: markdown paragraphs and headings, tab-separated table rows, HTML in cells.

This is the shape of text converted from a report by document mirror sites (see
data/raw/cambodia_sc66_progress_report.md): a table is a run of lines holding tabs, a
blank line ends it (a page break therefore splits a table in two), and a cell may hold
``<p>``, ``<ul><li>``, ``<i>`` and ``<b>`` markup.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from loaders.errors import ReportLoadError
from loaders.formats.limits import CellBudget
from loaders.models import Block, RawCell, RawParagraph, RawReport, RawRow, RawTable, SourceInfo
from loaders.textutil import BULLET_CHARS

NAME = "text"
SUFFIXES = (".md", ".markdown", ".txt", ".text", ".htm", ".html")

_BULLET = re.compile(rf"^\s*(?:[{BULLET_CHARS}-]|\*(?!\*))\s+")
_HEADING = re.compile(r"^\s*#{1,6}\s*")
# Markdown emphasis: **bold** / __bold__ (group 2) and *italic* (group 3).
EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])")


def is_text(data: bytes) -> bool:
    """True for text: no NUL bytes and few control characters at the start."""
    head = data[:8192]
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls <= len(head) // 100


def has_markup(data: bytes) -> bool:
    """Tab-separated table rows, HTML cells or markdown headings: this backend's text."""
    return (
        data.count(b"\t") >= 4
        or any(tag in data for tag in (b"<td", b"<li>", b"<p>"))
        or re.search(rb"(?m)^#{1,6} ", data[:200_000]) is not None
    )


def sniff(data: bytes) -> bool:
    """Text with markup (see `has_markup`)."""
    return is_text(data) and has_markup(data)


def decode(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, else Latin-1."""
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReportLoadError(path, "cannot decode the text (not UTF-8, Windows-1252 or Latin-1)")


def parse(path: Path, data: bytes, source: SourceInfo) -> RawReport:
    """Read a markup-text report into blocks of paragraphs and tables."""
    blocks, _ = blocks_with_markup(decode(path, data), path)
    return RawReport(source=source, blocks=tuple(blocks))


def blocks_with_markup(text: str, path: Path | str = "text") -> tuple[list[Block], list[str]]:
    """The blocks of a markup text, and the markup each paragraph was read from, in order.

    The markup keeps the inline emphasis the blocks drop (``loaders.devtools.render_model`` redraws it).
    """
    markup: list[str] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return _blocks(lines, markup, CellBudget(path)), markup


def _blocks(lines: list[str], markup: list[str], budget: CellBudget) -> list[Block]:
    blocks: list[Block] = []
    table_rows: list[RawRow] = []
    paragraph: list[str] = []
    table_count = 0

    def flush_paragraph() -> None:
        if paragraph:
            markup.append(" ".join(paragraph))
            blocks.append(_markdown_paragraph(markup[-1]))
            paragraph.clear()

    def flush_table() -> None:
        nonlocal table_count
        if table_rows:
            blocks.append(RawTable(index=table_count, rows=tuple(table_rows)))
            table_count += 1
            table_rows.clear()

    for line in lines:
        if "\t" in line:
            flush_paragraph()
            budget.row(line.count("\t") + 1)  # before splitting: a line of a million tabs is refused, not split
            budget.rows(len(table_rows) + 1)
            cells = tuple(_cell(raw) for raw in line.split("\t"))
            table_rows.append(RawRow(index=len(table_rows), cells=cells))
            continue
        flush_table()
        if not line.strip():
            flush_paragraph()
        elif _HEADING.match(line) or _BULLET.match(line):
            flush_paragraph()
            paragraph.append(line)
            flush_paragraph()
        else:
            paragraph.append(line.strip())
            if line.endswith("  ") or line.endswith("\\"):  # markdown hard line break
                flush_paragraph()
    flush_paragraph()
    flush_table()
    return blocks


def _markdown_paragraph(line: str) -> RawParagraph:
    heading = bool(_HEADING.match(line))
    bullet = bool(_BULLET.match(line)) and not heading
    text = _HEADING.sub("", line)
    text = _BULLET.sub("", text) if bullet else text
    bold = bool(re.fullmatch(r"\s*(\*\*|__).+\1\s*", text))
    italic = bool(re.fullmatch(r"\s*\*[^*].*\*\s*", text)) and not bold
    plain = EMPHASIS.sub(lambda m: m.group(2) or m.group(3), text).strip(" \\")
    return RawParagraph(text=plain, italic=italic, bold=bold, bullet=bullet, heading=heading or bold)


def _cell(raw: str) -> RawCell:
    if "<" not in raw and "&" not in raw:  # plain text: no need for the HTML parser
        text = raw.strip()
        if not text:
            return RawCell(raw=raw)
        bullet = bool(_BULLET.match(text))
        paragraph = RawParagraph(text=_BULLET.sub("", text).strip() if bullet else text, bullet=bullet)
        return RawCell(raw=raw, paragraphs=(paragraph,))
    parser = _CellParser()
    parser.feed(raw)
    parser.close()
    return RawCell(raw=raw, paragraphs=tuple(parser.paragraphs))


class _CellParser(HTMLParser):
    """Turns a cell's HTML into paragraphs, keeping italic/bold/bullet flags."""

    _BREAKS = frozenset({"p", "li", "br", "div", "ul", "ol", "tr", "td"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[RawParagraph] = []
        self._parts: list[tuple[str, bool, bool]] = []
        self._italic = 0
        self._bold = 0
        self._in_li = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BREAKS:
            self._flush()
            self._in_li = tag == "li"
        elif tag in ("i", "em"):
            self._italic += 1
        elif tag in ("b", "strong"):
            self._bold += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BREAKS:
            self._flush()
            self._in_li = False
        elif tag in ("i", "em"):
            self._italic = max(0, self._italic - 1)
        elif tag in ("b", "strong"):
            self._bold = max(0, self._bold - 1)

    def handle_data(self, data: str) -> None:
        self._parts.append((data, self._italic > 0, self._bold > 0))

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = "".join(p[0] for p in self._parts).replace("\n", " ").strip()
        if text:
            visible = [p for p in self._parts if _BULLET.sub("", p[0] + " ").strip()]
            bullet = self._in_li or bool(_BULLET.match(text))
            self.paragraphs.append(
                RawParagraph(
                    text=_BULLET.sub("", text).strip() if bullet else text,
                    italic=all(p[1] for p in visible),
                    bold=all(p[2] for p in visible),
                    bullet=bullet,
                )
            )
        self._parts = []
