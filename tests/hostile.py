"""Hostile and damaged files, made small in the tests: bombs, broken archives, odd PDFs.

Shared by tests/test_hostile.py (one regression file per case of issue 14) and
tests/test_fuzz.py (seeded mutations). Nothing here is large on disk: a bomb is a few
hundred kilobytes that would inflate to far more.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCX_SAMPLE = ROOT / "tests" / "data" / "docx" / "sources" / "cambodia_sc66.docx"
PDF_SAMPLE = ROOT / "tests" / "data" / "pdf" / "sources" / "cambodia_sc66.pdf"
MARKUP_SAMPLE = ROOT / "data" / "raw" / "cambodia_sc66_progress_report.md"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# --- Word --------------------------------------------------------------------------


def docx_parts(source: Path = DOCX_SAMPLE) -> dict[str, bytes]:
    with zipfile.ZipFile(source) as z:
        return {name: z.read(name) for name in z.namelist()}


def docx_parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def docx_bytes(parts: dict[str, bytes], *, stored: set[str] = frozenset()) -> bytes:
    """A Word file of these parts (deflated, but those in ``stored``)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data, compress_type=zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED)
    return out.getvalue()


def docx_with_document(edit, source: Path = DOCX_SAMPLE) -> bytes:
    """The sample Word file with word/document.xml passed through ``edit(text) -> text``."""
    parts = docx_parts(source)
    parts["word/document.xml"] = edit(parts["word/document.xml"].decode("utf-8")).encode("utf-8")
    return docx_bytes(parts)


def with_grid_span(value: str):
    """An edit giving the first table cell a gridSpan of ``value``."""
    def edit(xml: str) -> str:
        return re.sub(r"<w:tc>(<w:tcPr>)?", lambda m: f'<w:tc><w:tcPr><w:gridSpan w:val="{value}"/>'
                      + ("" if m.group(1) else "</w:tcPr>"), xml, count=1)
    return edit


def grid_span_bomb() -> bytes:
    """Issue 14: one ``<w:gridSpan w:val="99999999"/>`` made docx.py create that many cells (3.6 GB)."""
    return docx_with_document(with_grid_span("99999999"))


def corrupt_deflate_docx() -> bytes:
    """word/document.xml's deflate data starts with an invalid block type (zlib.error)."""
    data = bytearray(DOCX_SAMPLE.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("word/document.xml")
    header = info.header_offset
    name_len = int.from_bytes(data[header + 26:header + 28], "little")
    extra_len = int.from_bytes(data[header + 28:header + 30], "little")
    start = header + 30 + name_len + extra_len  # the member's compressed data
    data[start] = 0x07  # BFINAL=1, BTYPE=11: "invalid block type"
    return bytes(data)


def not_a_document_docx() -> bytes:
    """The main part's root is not w:document."""
    return docx_with_document(lambda xml: f'<?xml version="1.0"?><w:body xmlns:w="{W}"><w:p/></w:body>')


def zip_bomb_docx(inflated_mb: int = 200) -> bytes:
    """A part of zeros stated honestly in the header (the ratio check) ..."""
    parts = docx_parts()
    parts["word/media/zeros.bin"] = bytes(inflated_mb << 20)
    return docx_bytes(parts)


def lying_zip_bomb_docx(inflated_mb: int = 200) -> bytes:
    """... and one whose header claims a small size (only decompressing finds out)."""
    data = bytearray(zip_bomb_docx(inflated_mb))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("word/media/zeros.bin")
    small = (1000).to_bytes(4, "little")
    data[info.header_offset + 22:info.header_offset + 26] = small  # local header: uncompressed size
    name = info.filename.encode()
    pos = 0
    while (pos := bytes(data).find(b"PK\x01\x02", pos)) != -1:  # its central directory entry too
        if bytes(data[pos + 46:pos + 46 + len(name)]) == name:
            data[pos + 24:pos + 28] = small
        pos += 4
    return bytes(data)


def billion_laughs_docx() -> bytes:
    """XML entity expansion: refused or ignored, never expanded."""
    laughs = '<!DOCTYPE w:document [<!ENTITY a "hahahahahahahahahaha">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)) + "]>"
    return docx_with_document(lambda xml: xml.replace("<w:document", laughs + "<w:document", 1)
                              .replace("<w:t>", "<w:t>&i;", 1))


# --- PDF ---------------------------------------------------------------------------


def pdf_bytes(pages: list[bytes], *, media_box: bytes = b"[0 0 595 842]", compress: bool = True,
              extra_streams: list[tuple[bytes, bytes]] = ()) -> bytes:
    """A minimal PDF: one Helvetica font, one content stream per page, and ``extra_streams``
    (dictionary entries, data) drawn on the first page as further content streams."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(data: bytes, entries: bytes = b"") -> int:
        if compress and not entries:
            data, entries = zlib.compress(data), b"/Filter /FlateDecode"
        return add(b"<< /Length %d %s >>\nstream\n" % (len(data), entries) + data + b"\nendstream")

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    pages_id = add(b"")  # filled in below
    kids = []
    for n, content in enumerate(pages):
        contents = [stream(content)] + ([stream(data, entries) for entries, data in extra_streams] if n == 0 else [])
        refs = b" ".join(b"%d 0 R" % c for c in contents)
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox %s /Resources << /Font << /F1 %d 0 R >> >> "
                        b"/Contents [%s] >>" % (pages_id, media_box, font, refs)))
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    return bytes(out)


def _escape(text: str) -> bytes:
    return text.encode("latin-1", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def text_page(lines: list[str], *, table_rows: int = 0) -> bytes:
    """A page of text lines, and a ruled table of ``table_rows`` rows and three columns under them."""
    out = [b"BT /F1 10 Tf 26 TL 50 800 Td"]  # a gap between lines: one paragraph each
    out += [b"(%s) '" % _escape(line) for line in lines]
    out.append(b"ET")
    top = 790 - 26 * len(lines)
    for r in range(table_rows):
        y = top - 20 * r
        out.append(b"50 %d m 545 %d l S" % (y, y))
        out.append(b"BT /F1 9 Tf 55 %d Td (%s) Tj 150 0 Td (Action %s title) Tj 250 0 Td (On track) Tj ET"
                   % (y - 14, _escape(f"1.{r + 1}"), _escape(f"1.{r + 1}")))
    if table_rows:
        bottom = top - 20 * table_rows
        out.append(b"50 %d m 545 %d l S" % (bottom, bottom))
        for x in (50, 145, 395, 545):
            out.append(b"%d %d m %d %d l S" % (x, top, x, bottom))
    return b"\n".join(out)


def report_pdf(pages: int = 1) -> bytes:
    """A small text PDF in the shape of a report (title lines and a ruled action table)."""
    head = ["CITES National Ivory Action Plan progress report", "Party: CAMBODIA",
            "Prepared for the 66th meeting of the Standing Committee",
            "Reporting period: November 2014 - September 2015"]
    return pdf_bytes([text_page(head if n == 0 else [f"Page {n + 1} of the report"] * 20, table_rows=8)
                      for n in range(pages)])


def flate_bomb_pdf(inflated_mb: int = 300) -> bytes:
    """Issue 14: a content stream of zeros that inflates far beyond its size (a 1.1 MB PDF peaked at 2.2 GB)."""
    compressor = zlib.compressobj(9)
    chunk = bytes(1 << 20)
    data = b"".join(compressor.compress(chunk) for _ in range(inflated_mb)) + compressor.flush()
    return pdf_bytes([text_page(["Party: CAMBODIA"])], extra_streams=[(b"/Filter /FlateDecode", data)])


def many_streams_pdf(streams: int = 6, each_mb: int = 50) -> bytes:
    """Streams each under the per-stream bound whose total is over the per-document one."""
    compressor_data = zlib.compress(bytes(each_mb << 20), 9)
    return pdf_bytes([text_page(["Party: CAMBODIA"])],
                     extra_streams=[(b"/Filter /FlateDecode", compressor_data)] * streams)


def many_pages_pdf(pages: int) -> bytes:
    """A PDF of ``pages`` short pages (the page bound)."""
    return pdf_bytes([text_page([f"Page {n + 1}"]) for n in range(pages)])


def malformed_mediabox_pdf() -> bytes:
    """Issue 14: a MediaBox that is not four numbers (a TypeError deep in pdfplumber)."""
    return pdf_bytes([text_page(["Party: CAMBODIA"])], media_box=b"[0 0 /Foo (bar)]")


def noisy_pdf() -> bytes:
    """A PDF that makes pdfminer log warnings (a line width and a matrix that are not numbers)."""
    page = b"(bad) w\n1 0 0 (x) 0 0 cm\n" + text_page(["Annual report of the staff canteen"])
    return pdf_bytes([page] * 3)
