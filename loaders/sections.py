"""Find the parts of a report: title block, Part A synopsis, and the body that holds the actions.

Works on any `RawReport`, whatever its format and layout. Part headings are matched with
the template wording of data/reference/template_text.yaml ("PART A", "SECTION B", "PARTE
C") and with the section names Parties use in their own layouts ("1. SYNOPSIS", "2.
SUMMARY EVALUATION OF ACTIONS", "3. PROGRESS ON EACH ACTION", "4. NEXT STEPS"). Tables
are not classified here: `loaders.table_shapes` recognises them by what they hold, and the
part a table sits in is only a hint.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from loaders.coverage import Usage
from loaders.models import RawParagraph, RawReport, RawTable
from loaders.reference import reference
from loaders.templates import key_group
from loaders.textutil import fold

# Parts: "" before any part heading, A synopsis, B summary, C detail, Z after the detail.
AFTER_DETAIL = "Z"
_NUMBERED = re.compile(r"^\s*\d{1,2}\s*[.)]?\s+\S")


@dataclass(frozen=True)
class BodyParagraph:
    """A paragraph after the title block, with the part it sits in and, in Part A, its sub-heading."""

    part: str
    paragraph: RawParagraph
    index: int  # the paragraph's block index in the document
    subheading: str = ""
    is_subheading: bool = False


@dataclass(frozen=True)
class PlacedTable:
    """A table, the part it sits in, and whether it directly follows another table (a page break)."""

    part: str
    table: RawTable
    follows_table: bool


@dataclass
class Sections:
    """The parts of a report, in document order."""

    title_block: list[RawParagraph] = field(default_factory=list)
    title_folded: list[str] = field(default_factory=list)  # the title block's texts folded, in order
    body: list[BodyParagraph] = field(default_factory=list)
    tables: list[PlacedTable] = field(default_factory=list)
    headings_found: list[str] = field(default_factory=list)
    language_votes: Counter[str] = field(default_factory=Counter)


def is_heading_like(paragraph: RawParagraph) -> bool:
    """Set apart as a heading: a heading style, bold, all capitals or numbered."""
    return (paragraph.heading or paragraph.bold or all_capitals(paragraph.text)
            or bool(_NUMBERED.match(paragraph.text)))


def all_capitals(text: str) -> bool:
    """Whether a text has letters and every one is a capital (a letter without case is not one)."""
    if text.isascii():  # every ASCII letter has a case: str.isupper tells, without a list of letters
        return text.isupper()
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


_PART_KEYS = key_group("part_a", "part_b", "part_c")
_SECTION_KEYS = key_group("section_a", "section_b", "section_c", "section_end")


def part_of(paragraph: RawParagraph, current: str, folded: str | None = None) -> tuple[str, str] | None:
    """(part, language) when the paragraph is a part heading, else None (``folded``: its text
    folded, when the caller has it)."""
    templates = reference().templates
    folded = fold(paragraph.text) if folded is None else folded
    if len(folded) > 160 or paragraph.bullet:
        return None
    # One search for all the keys of a step rules out most paragraphs.
    if templates.matches_any(_PART_KEYS, folded):
        for part in ("a", "b", "c"):
            hit = templates.first_match(f"part_{part}", folded)
            if hit:
                return part.upper(), hit[0]
    if len(folded) > 100 or not is_heading_like(paragraph) or not templates.matches_any(_SECTION_KEYS, folded):
        return None
    marked = bool(_NUMBERED.match(paragraph.text)) or paragraph.text.upper() == paragraph.text
    for part in ("a", "b", "c"):
        if not marked and not (part == "a" and current == ""):
            continue
        hit = templates.first_match(f"section_{part}", folded)
        if hit:
            return part.upper(), hit[0]
    if current in ("B", "C"):
        hit = templates.first_match("section_end", folded)
        if hit:
            return AFTER_DETAIL, hit[0]
    return None


def split_sections(raw: RawReport, usage: Usage) -> Sections:
    """Walk the blocks once and file each one under its part; part headings are marked used."""
    sections = Sections()
    part = ""
    subheading = ""
    started = False  # past the title block: a part heading was seen
    previous_was_table = False
    title_indices: list[int] = []
    for index, block in enumerate(raw.blocks):
        if isinstance(block, RawTable):
            sections.tables.append(PlacedTable(part, block, previous_was_table))
            previous_was_table = True
            continue
        previous_was_table = False
        folded = fold(block.text)
        found = part_of(block, part, folded)
        if found:
            part, language = found
            sections.headings_found.append(part)
            sections.language_votes[language] += 1
            usage.mark("heading", block)
            subheading = ""
            started = True
            continue
        if not started:
            sections.title_block.append(block)
            sections.title_folded.append(folded)
            title_indices.append(index)
            continue
        is_sub = part == "A" and is_heading_like(block) and len(block.text) < 80 and not block.bullet
        if is_sub:
            subheading = block.text
        sections.body.append(BodyParagraph(part, block, index, subheading if part == "A" else "", is_sub))
    if not started:  # no part headings at all (a letter, say): the actions may be anywhere
        sections.body = [BodyParagraph("", p, i) for i, p in zip(title_indices, sections.title_block, strict=True)]
    _vote_language(raw, sections)
    return sections


def _vote_language(raw: RawReport, sections: Sections) -> None:
    """Count template cues per language in the title block and the tables' first rows."""
    templates = reference().templates
    texts = list(sections.title_folded)
    for placed in sections.tables:
        if placed.table.rows and not placed.follows_table:
            texts.extend(fold(c.text) for c in placed.table.rows[0].cells)
    texts = list(dict.fromkeys(texts))  # a text matches once however often it comes (empty cells)
    keys = ("report_title", "party_label", "period_label", "prepared_for", "prepared_by",
            "summary_header", "detail_header")
    found = set().union(*(templates.found(keys, t) for t in texts))
    for key in keys:
        for i, (language, _) in enumerate(templates.patterns(key)):
            if (key, i) in found:  # a pattern found in any of the texts is a vote for its language
                sections.language_votes[language] += 1
