"""What each heavy backend reads, and how its files are recognised, without importing it:
pdfplumber and python-docx are loaded only when a PDF or a Word file is read
(loaders.formats picks the backend from these, then imports it)."""

from __future__ import annotations

PDF_NAME, PDF_SUFFIXES = "pdf", (".pdf",)
DOCX_NAME, DOCX_SUFFIXES = "docx", (".docx", ".docm")


def sniff_pdf(data: bytes) -> bool:
    """A PDF file (the signature may follow a few bytes of junk)."""
    return b"%PDF-" in data[:1024]


def sniff_docx(data: bytes) -> bool:
    """A ZIP archive that looks like an Office Open XML document."""
    head = data[:8192]
    return head.startswith(b"PK\x03\x04") and (b"word/" in head or b"[Content_Types].xml" in head)
