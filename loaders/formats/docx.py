"""Word (.docx) reports, read with python-docx at the XML level.

Quirks handled here and nowhere else: horizontally merged cells (``gridSpan``: a
"PROGRESS RATING" header over the rating columns, a category row over the whole table)
keep their text in the first grid column and leave the others empty, as a reader sees
them; vertically merged continuation cells are empty; tables nested in a cell are read
into that cell; bullets come as list paragraphs (``numPr`` or a "List" style) or as
"•" text; italic runs mark the Party's comments.

Safety: the archive is checked before python-docx sees it. A part that decompresses
beyond the limit (a zip bomb) is refused after reading at most the limit, never whole;
so is an archive of too many parts. python-docx parses XML with lxml, entities not
resolved, no DTD loaded, no network, and lxml's default depth and text-size limits
(``resolve_entities=False``, ``huge_tree=False``): no entity expansion. A table row is
measured before its cells are made: a cell spanning more than 64 grid columns (gridSpan)
or a document beyond the cell bounds of `loaders.formats.limits` is refused.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from loaders.errors import ReportLoadError
from loaders.formats.kinds import DOCX_NAME, DOCX_SUFFIXES, sniff_docx
from loaders.formats.limits import MAX_COLUMNS, MAX_ZIP_MEMBERS, CellBudget
from loaders.models import Block, RawCell, RawParagraph, RawReport, RawRow, RawTable, SourceInfo
from loaders.textutil import BULLET_CHARS

NAME, SUFFIXES = DOCX_NAME, DOCX_SUFFIXES
sniff = sniff_docx
MAX_UNCOMPRESSED = 100 * 1024 * 1024  # all parts together
MAX_XML_PART = 32 * 1024 * 1024  # one XML part, parsed into a tree many times its size
MAX_RATIO = 200  # uncompressed / compressed, per part
_BULLET = re.compile(rf"^\s*[{BULLET_CHARS}-]\s+")


def parse(path: Path, data: bytes, source: SourceInfo) -> RawReport:
    """Read the body's paragraphs and tables, in document order."""
    _check_archive(path, data)
    try:
        document = Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises many types on corrupt input
        raise ReportLoadError(path, f"cannot read the Word document ({type(e).__name__}): is it damaged?") from e
    root = document.element
    body = root.find(qn("w:body")) if root.tag == qn("w:document") else None
    if body is None:
        raise ReportLoadError(path, "damaged Word file: its main part is not a Word document body (w:document)")
    blocks: list[Block] = []
    tables = 0
    budget = CellBudget(path)
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = _paragraph(child)
            if paragraph.text:
                blocks.append(paragraph)
        elif child.tag == qn("w:tbl"):
            blocks.append(_table(child, tables, budget))
            tables += 1
    return RawReport(source=source, blocks=tuple(blocks))


def _check_archive(path: Path, data: bytes) -> None:
    """Refuse archives that are not Word documents or decompress beyond the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, OSError, zlib.error) as e:
        raise ReportLoadError(path, "damaged ZIP/Word file (truncated or corrupt)") from e
    with archive:
        if len(archive.infolist()) > MAX_ZIP_MEMBERS:
            raise ReportLoadError(path, f"the Word file has more than {MAX_ZIP_MEMBERS:,} parts: a damaged or "
                                        "hostile file")
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            raise ReportLoadError(path, "a ZIP archive but not a Word document (no word/document.xml)")
        total = 0
        for info in archive.infolist():
            if info.flag_bits & 0x1:
                raise ReportLoadError(path, "the Word file is encrypted: remove the password and save again")
            ratio = info.file_size / max(info.compress_size, 1)
            limit = MAX_XML_PART if info.filename.endswith((".xml", ".rels")) else MAX_UNCOMPRESSED
            if info.file_size > limit or ratio > MAX_RATIO:
                raise ReportLoadError(path, f"part {info.filename} would decompress to {info.file_size:,} bytes "
                                            "(a zip bomb?); refused")
            size = _measured_size(path, archive, info, min(limit, MAX_UNCOMPRESSED - total))
            total += size
            if size > limit or size > MAX_RATIO * max(info.compress_size, 1):  # the header lied about the size
                raise ReportLoadError(path, f"part {info.filename} decompresses beyond its stated size "
                                            "(a zip bomb?); refused")
            if total > MAX_UNCOMPRESSED:
                raise ReportLoadError(path, "the Word file decompresses beyond 100 MB (a zip bomb?); refused")


def _measured_size(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> int:
    """Decompress a part in chunks, stopping as soon as it exceeds ``budget`` bytes."""
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(1 << 20):
                size += len(chunk)
                if size > budget:
                    return size
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error, ValueError, NotImplementedError) as e:
        what = "zlib.error" if isinstance(e, zlib.error) else type(e).__name__
        raise ReportLoadError(path, f"damaged Word file: part {info.filename} cannot be read ({what})") from e
    return size


def _runs(p: etree._Element) -> list[tuple[str, bool, bool]]:
    """(text, italic, bold) of each run with text, following hyperlinks and fields."""
    runs = []
    for run in p.iter(qn("w:r")):
        text = "".join(_BREAKS.get(t.tag, t.text or "") for t in run.iter(qn("w:t"), *_BREAKS))
        if not text:
            continue
        props = run.find(qn("w:rPr"))
        runs.append((text, _flag(props, "w:i"), _flag(props, "w:b")))
    return runs


_BREAKS = {qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n"}


def _flag(props: etree._Element | None, tag: str) -> bool:
    if props is None:
        return False
    element = props.find(qn(tag))
    return element is not None and element.get(qn("w:val"), "true") not in ("0", "false", "off")


def _style(p: etree._Element) -> str:
    style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return (style.get(qn("w:val")) or "") if style is not None else ""


def _paragraph(p: etree._Element) -> RawParagraph:
    """A body paragraph: a line break inside it (``w:br``) is a space."""
    return _paragraphs(p, split_lines=False)[0]


def _paragraphs(p: etree._Element, *, split_lines: bool = True) -> list[RawParagraph]:
    """A paragraph, or in a table cell one per line when it holds line breaks: Parties list
    several actions or notes in one cell paragraph, one per line."""
    runs = _runs(p)
    text = "".join(r[0] for r in runs).replace("\t", " ")
    lines = [line for line in text.split("\n") if line.strip()] if split_lines else [text.replace("\n", " ")]
    return [_one_paragraph(p, runs, line.strip()) for line in lines] or [_one_paragraph(p, runs, "")]


def _one_paragraph(p: etree._Element, runs: list[tuple[str, bool, bool]], text: str) -> RawParagraph:
    visible = [r for r in runs if _BULLET.sub("", r[0] + " ").strip()]
    style = _style(p).lower()
    numbered = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is not None
    bullet = numbered or "list" in style or bool(_BULLET.match(text))
    return RawParagraph(
        text=_BULLET.sub("", text).strip() if bullet else text,
        italic=bool(visible) and all(r[1] for r in visible),
        bold=bool(visible) and all(r[2] for r in visible),
        bullet=bullet,
        heading=style.startswith("heading") or style == "title",
    )


def _cell_paragraphs(tc: etree._Element) -> list[RawParagraph]:
    """Paragraphs of a cell, including those of tables nested in it."""
    paragraphs = []
    for child in tc.iterchildren():
        if child.tag == qn("w:p"):
            paragraphs += [p for p in _paragraphs(child) if p.text]
        elif child.tag == qn("w:tbl"):
            for nested in child.iter(qn("w:tc")):
                paragraphs += [p for par in nested.iterchildren(qn("w:p")) for p in _paragraphs(par) if p.text]
    return paragraphs


def _span(props: etree._Element | None, path: Path | str) -> int:
    """The grid columns a cell spans (``gridSpan``), refused when not a number or over the bound."""
    span_el = props.find(qn("w:gridSpan")) if props is not None else None
    if span_el is None:
        return 1
    value = (span_el.get(qn("w:val")) or "1").strip()
    shown = value if len(value) <= 20 else value[:19] + "…"
    if not re.fullmatch(r"[0-9]+", value):
        raise ReportLoadError(path, f"damaged Word file: a table cell's column span (gridSpan) is {shown!r}, "
                                    "not a number")
    if len(value) > 9:  # int() of a thousand digits is slow: the bound is crossed anyway
        raise ReportLoadError(path, f"a table cell spans {shown} columns, more than {MAX_COLUMNS}: "
                                    "not a progress report, or a damaged or hostile file")
    return max(int(value), 1)


def _table(tbl: etree._Element, index: int, budget: CellBudget) -> RawTable:
    rows = []
    path = budget.path
    for row_index, tr in enumerate(tbl.iterchildren(qn("w:tr"))):
        budget.rows(row_index + 1)
        cell_elements = [(tc, tc.find(qn("w:tcPr"))) for tc in tr.iterchildren(qn("w:tc"))]
        spans = [_span(props, path) for _, props in cell_elements]
        budget.row(sum(spans))  # before the cells are made: a span of 99,999,999 is refused, not built
        cells: list[RawCell] = []
        for (tc, props), span in zip(cell_elements, spans, strict=True):
            vmerge = props.find(qn("w:vMerge")) if props is not None else None
            continued = vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue"
            paragraphs = () if continued else tuple(_cell_paragraphs(tc))
            raw = "\n".join(p.text for p in paragraphs)
            cells.append(RawCell(raw=raw, paragraphs=paragraphs))
            cells.extend(RawCell(raw="") for _ in range(span - 1))
        rows.append(RawRow(index=row_index, cells=tuple(cells)))
    return RawTable(index=index, rows=tuple(rows))
