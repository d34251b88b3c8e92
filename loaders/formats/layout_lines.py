"""Lines of text converted from PDF with its layout kept: pages, running heads, what a line opens.

Shared by the paragraph reader (`loaders.formats.layout`) and the table reader
(`loaders.formats.layout_tables`): pages separated by form feeds, "Page N" lines and
running headers repeated atop every page dropped, text segments separated by runs of
spaces, and the lines that open something (a label, a heading, a rating line, an action
heading).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from loaders.reference import reference
from loaders.table_cells import ACTION_CODE
from loaders.textutil import BULLET_CHARS, fold

_PAGE_NUMBER = re.compile(
    r"^\s*(?:page|página|pagina)?\s*-?\s*\d{1,3}\s*(?:(?:of|de|sur|/)\s*\d{1,3})?\s*-?\s*$", re.I)
BULLET = re.compile(rf"^[{BULLET_CHARS}-]\s*")
ACTION = re.compile(rf"^{ACTION_CODE}\.?(?=[\s\[(]|$)")
SHORT_LINE = 0.7  # a line ending before this share of the text width ends its paragraph


@dataclass
class Line:
    """One line of the converted text, with its page."""

    text: str
    page: int

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip())


def without_running_heads(text: str) -> list[Line]:
    """All lines with their page, less page numbers and lines repeated atop every page."""
    pages = [page.split("\n") for page in text.split("\f")]
    edge_counts: Counter[str] = Counter()
    for page in pages:
        content = [ln for ln in page if ln.strip()]
        for ln in {*content[:2], *content[-2:]}:
            edge_counts[re.sub(r"\d+", "#", ln.strip())] += 1
    repeated = {k for k, n in edge_counts.items() if n >= 3 and n >= len(pages) // 2}
    lines: list[Line] = []
    for number, page in enumerate(pages, start=1):
        kept = [ln.rstrip() for ln in page
                if not (ln.strip() and (_PAGE_NUMBER.match(ln) or re.sub(r"\d+", "#", ln.strip()) in repeated))]
        while kept and not kept[-1]:  # the bottom margin: a table may go on over the page
            kept.pop()
        while kept and not kept[0]:
            kept.pop(0)
        lines += [Line(ln, number) for ln in kept]
    return lines


def text_width(lines: list[Line]) -> int:
    """Where prose lines end when they are full (the right margin), or 0 when unknown."""
    ends = sorted(len(ln.text) for ln in lines if len(text_segments(ln.text)) == 1 and len(ln.text.strip()) > 40)
    return ends[int(len(ends) * 0.9)] if len(ends) >= 5 else 0


def opens(stripped: str) -> bool:
    """A line that opens a paragraph: a label, a part heading, a rating line, an action or a pillar."""
    templates = reference().templates
    folded = fold(stripped)
    keys = ("party_label", "period_label", "prepared_by", "prepared_for", "part_a", "part_b", "part_c",
            "rating_line", "category_row", "metadata", "action_heading")
    return bool(BULLET.match(stripped)) or any(templates.matches(k, folded) for k in keys) or is_heading(stripped)


def stands_alone(stripped: str) -> bool:
    """A line that is a paragraph on its own: a heading, a label line, a rating line, a pillar."""
    templates = reference().templates
    folded = fold(stripped)
    keys = ("party_label", "period_label", "prepared_for", "rating_line", "category_row", "metadata")
    return is_heading(stripped) or any(templates.matches(k, folded) for k in keys)


def is_heading(stripped: str) -> bool:
    templates = reference().templates
    folded = fold(stripped)
    if len(stripped) >= 120:
        return False
    if any(templates.matches(k, folded) for k in ("part_a", "part_b", "part_c")):
        return True
    return len(stripped) < 100 and (stripped.upper() == stripped or bool(re.match(r"\d{1,2}\s*[.)]\s", stripped))) \
        and any(templates.matches(k, folded) for k in ("section_a", "section_b", "section_c", "section_end"))


def text_segments(text: str) -> list[tuple[int, str]]:
    """(start column, text) of the runs of text separated by two or more spaces."""
    return [(m.start(), m.group()) for m in re.finditer(r"\S+(?: \S+)*", text)]

