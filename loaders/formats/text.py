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
_BULLET_MARKS = frozenset(f"{BULLET_CHARS}-*")  # what a stripped text starts with when _BULLET matches it
_HEADING = re.compile(r"^\s*#{1,6}\s*")
_ALL_BOLD = re.compile(r"\s*(\*\*|__).+\1\s*")
_ALL_ITALIC = re.compile(r"\s*\*[^*].*\*\s*")
# Markdown emphasis: **bold** / __bold__ (group 2) and *italic* (group 3).
EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])")
# Control bytes other than tab, line feed, form feed and carriage return (counted by
# deleting them: a loop over 8 KB in Python took a tenth of a markup report's parse).
_CONTROLS = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def is_text(data: bytes) -> bool:
    """True for text: no NUL bytes and few control characters at the start."""
    head = data[:8192]
    if b"\x00" in head:
        return False
    controls = len(head) - len(head.translate(None, _CONTROLS))
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
    parser = _CellParser()  # one for the document: reset before each cell

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
            cells = tuple([_cell(raw, parser) for raw in line.split("\t")])
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
    heading = _HEADING.match(line)
    bullet = bool(_BULLET.match(line)) and not heading
    text = line[heading.end():] if heading else line  # what _HEADING.sub would leave (it is anchored)
    text = _BULLET.sub("", text) if bullet else text
    bold = italic = False
    if "*" in text or "_" in text:  # emphasis needs one of them: most paragraphs skip three patterns
        bold = bool(_ALL_BOLD.fullmatch(text))
        italic = bool(_ALL_ITALIC.fullmatch(text)) and not bold
        text = EMPHASIS.sub(lambda m: m.group(2) or m.group(3), text)
    return RawParagraph(text=text.strip(" \\"), italic=italic, bold=bold, bullet=bullet,
                        heading=bool(heading) or bold)


_EMPTY_CELL = RawCell(raw="")  # one for all the empty cells of a document (cells are frozen)


def _cell(raw: str, parser: _CellParser | None = None) -> RawCell:
    if "<" not in raw and "&" not in raw:  # plain text: no need for the HTML parser
        text = raw.strip()
        if not text:
            return RawCell(raw=raw) if raw else _EMPTY_CELL
        bullet = _is_bullet(text)
        paragraph = RawParagraph(text=_BULLET.sub("", text).strip() if bullet else text, bullet=bullet)
        return RawCell(raw=raw, paragraphs=(paragraph,))
    return RawCell(raw=raw, paragraphs=(parser or _CellParser()).read(raw))


# Tags html.parser treats alike in every version: none holds raw text (as ``<script>`` does).
_PLAIN_TAGS = ("p", "li", "br", "div", "ul", "ol", "tr", "td", "th", "i", "em", "b", "strong", "u", "span", "font",
               "sup", "sub", "a")
# A cell's markup made of those tags only, in lower case: ``<p>``, ``</li>``, ``<ul style="...">``
# (attributes in double quotes). Anything else (another tag, an entity, a comment, a self-closing
# tag, a stray "<") is the bare "<" of the last alternative, and the cell goes to html.parser.
_NAMES = "|".join(_PLAIN_TAGS)
_PLAIN_MARKUP = re.compile(rf'([^<]+)|</({_NAMES})>|<({_NAMES})(?: [a-zA-Z][-a-zA-Z0-9]*="[^"<>&]*")*>|<')
_NOT_PLAIN = ("", "", "")  # the bare "<"


class _CellParser(HTMLParser):
    """Turns a cell's HTML into paragraphs, keeping italic/bold/bullet flags."""

    _BREAKS = frozenset({"p", "li", "br", "div", "ul", "ol", "tr", "td"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # calls `reset`, which sets the fields

    def reset(self) -> None:
        """Forget the previous cell (html.parser's state and ours)."""
        super().reset()
        self._start()

    def _start(self) -> None:
        """Our own state, empty for a new cell."""
        self.paragraphs: list[RawParagraph] = []
        self._parts: list[tuple[str, bool, bool]] = []
        self._italic = 0
        self._bold = 0
        self._in_li = False

    def read(self, raw: str) -> tuple[RawParagraph, ...]:
        """The paragraphs of one cell's HTML."""
        self._start()
        if not self._read_plain(raw):
            self.reset()
            self.feed(raw)
            self.close()
        return tuple(self.paragraphs)

    def _read_plain(self, raw: str) -> bool:
        """Read markup of plain tags only (most cells) with one regular expression, giving the
        handlers the events `feed` would; False, having read nothing, for any other markup.

        html.parser runs several regular expressions and calls per tag: this is the bulk of a
        markup report's reading time otherwise."""
        if "&" in raw:
            return False
        tokens = _PLAIN_MARKUP.findall(raw)
        if _NOT_PLAIN in tokens:
            return False
        for data, end, start in tokens:
            if data:
                self.handle_data(data)
            elif end:
                self.handle_endtag(end)
            else:
                self.handle_starttag(start, [])
        self._flush()
        return True

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
        parts = self._parts
        if not parts:
            return
        self._parts = []
        text = (parts[0][0] if len(parts) == 1 else "".join([p[0] for p in parts])).replace("\n", " ").strip()
        if text:
            bullet = self._in_li or _is_bullet(text)
            italic, bold = _emphasis(parts)
            self.paragraphs.append(RawParagraph(text=_BULLET.sub("", text).strip() if bullet else text,
                                                italic=italic, bold=bold, bullet=bullet))


def _emphasis(parts: list[tuple[str, bool, bool]]) -> tuple[bool, bool]:
    """Italic and bold: whether every visible run is (a run of only a bullet or spaces does not
    count; with none visible, both hold). When all runs are alike, as they mostly are, whether
    one is visible is all there is to find out."""
    _, italic, bold = parts[0]
    if len(parts) == 1 or all(p[1] == italic and p[2] == bold for p in parts):
        if italic and bold:
            return True, True
        shown = _visible(parts[0][0]) or any(_visible(p[0]) for p in parts)
        return italic or not shown, bold or not shown
    visible = [p for p in parts if _visible(p[0])]
    return all(p[1] for p in visible), all(p[2] for p in visible)


def _visible(run: str) -> bool:
    """Whether a run shows more than a bullet and spaces."""
    text = run.strip()
    return bool(text) and (text[0] not in _BULLET_MARKS or bool(_BULLET.sub("", run + " ").strip()))


def _is_bullet(text: str) -> bool:
    """Whether a stripped text opens with a bullet (the first character rules most texts out)."""
    return bool(text) and text[0] in _BULLET_MARKS and bool(_BULLET.match(text))
