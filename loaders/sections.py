"""Find the parts of a report: title block, Part A synopsis, Part B and Part C tables.

Works on any `RawReport`, whatever its format: headings are matched with the
template wording of data/reference/template_text.yaml, tables are classified by their
header row (and by the part they sit in when the header is missing).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from loaders.models import RawParagraph, RawReport, RawTable
from loaders.reference import reference
from loaders.textutil import fold


@dataclass
class Sections:
    """The parts of a report, in document order."""

    title_block: list[RawParagraph] = field(default_factory=list)
    synopsis: list[tuple[str, RawParagraph]] = field(default_factory=list)
    summary_tables: list[RawTable] = field(default_factory=list)
    detail_tables: list[RawTable] = field(default_factory=list)
    other_paragraphs: list[RawParagraph] = field(default_factory=list)
    headings_found: list[str] = field(default_factory=list)
    language_votes: Counter[str] = field(default_factory=Counter)


def _part_of(paragraph: RawParagraph) -> tuple[str, str] | None:
    """("A"|"B"|"C", language) when the paragraph is a part heading."""
    templates = reference().templates
    folded = fold(paragraph.text)
    if len(folded) > 160:
        return None
    for part in ("a", "b", "c"):
        hit = templates.first_match(f"part_{part}", folded)
        if hit:
            return part.upper(), hit[0]
    return None


def table_kind(table: RawTable) -> str | None:
    """"summary" (Part B), "detail" (Part C) or None, from the first rows' headers."""
    templates = reference().templates
    for row in table.rows[:2]:
        cells = [fold(c.text) for c in row.cells]
        joined = " | ".join(cells)
        if templates.matches("summary_header", joined):
            return "summary"
        detail_hits = sum(
            1 for cell in cells if templates.matches("detail_header", cell)
        )
        if detail_hits >= 2:
            return "detail"
    return None


def split_sections(raw: RawReport) -> Sections:
    """Walk the blocks once and file each one under its part."""
    sections = Sections()
    part = ""
    heading = ""
    for block in raw.blocks:
        if isinstance(block, RawTable):
            kind = table_kind(block) or {"B": "summary", "C": "detail"}.get(part)
            if kind == "summary":
                sections.summary_tables.append(block)
            elif kind == "detail":
                sections.detail_tables.append(block)
            continue
        found = _part_of(block)
        if found:
            part, language = found
            sections.headings_found.append(part)
            sections.language_votes[language] += 1
            heading = ""
            continue
        if part == "":
            sections.title_block.append(block)
        elif part == "A":
            if block.heading and len(block.text) < 80:
                heading = block.text
            else:
                sections.synopsis.append((heading, block))
        else:
            sections.other_paragraphs.append(block)
    _vote_language(raw, sections)
    return sections


def _vote_language(raw: RawReport, sections: Sections) -> None:
    """Count template cues per language in the title block and table headers."""
    templates = reference().templates
    texts = [fold(p.text) for p in sections.title_block]
    for table in (*sections.summary_tables[:1], *sections.detail_tables[:1]):
        texts.extend(fold(c.text) for c in table.rows[0].cells)
    keys = ("report_title", "party_label", "period_label", "prepared_for", "prepared_by")
    for key in (*keys, "summary_header", "detail_header"):
        for language, pattern in templates.patterns(key):
            if any(pattern.search(t) for t in texts):
                sections.language_votes[language] += 1
