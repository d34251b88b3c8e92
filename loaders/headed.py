"""Actions written as headed paragraphs: the detailed evaluation of Parties' own layouts.

Instead of the template's Part C table, several Parties write one heading per action
("Action 2.3 – Enhance awareness ...", "**A.1 Carry out a gap analysis**"), a rating line
("Progress rating: On track", "Note de progrès : En bonne voie", "Calificación: En
curso") and the notes as bullets or paragraphs, with pillar headings in between ("Pillar
A – Legislation", "CATEGORY 2: ..."). A paragraph that starts with an action code is
taken as an action heading when a rating line follows it, or when it is set as a heading
inside the detailed-evaluation section; everything up to the next heading is its notes.
"""

from __future__ import annotations

from dataclasses import dataclass

from loaders.coverage import Usage
from loaders.models import RawParagraph
from loaders.reference import RatingLookup, reference
from loaders.sections import AFTER_DETAIL, BodyParagraph, is_heading_like
from loaders.table_cells import PILLAR_LETTER, PillarRef, action_start, clean_label, parse_pillar, title_of
from loaders.tables import Entry, TableRead, add_notes
from loaders.textutil import fold, fold_with_map, squash

_LOOKAHEAD = 3  # paragraphs after an action heading in which its rating line may come
_MAX_HEADING = 300


@dataclass(frozen=True)
class _Heading:
    code: str
    title: str
    priority: bool


def action_heading(paragraph: RawParagraph) -> _Heading | None:
    """The action a paragraph opens ("Action 2.3 – Title", "A.1 Title"), if it opens one."""
    if paragraph.bullet or len(paragraph.text) > _MAX_HEADING:
        return None
    text = squash(paragraph.text)
    folded, origin = fold_with_map(text)
    hit = reference().templates.first_match("action_heading", folded)
    rest = text[origin[hit[1].end()]:] if hit and hit[1].end() < len(origin) else text
    start = action_start(rest)
    if not start:
        return None
    title, priority = title_of(rest[start.end():])
    return _Heading(start["code"], title, priority)


def rating_value(paragraph: RawParagraph) -> str | None:
    """The label of a rating line ("Progress rating: [ON TRACK]" -> "ON TRACK"), else None."""
    if paragraph.bullet or len(paragraph.text) > 200:
        return None
    value = reference().templates.value("rating_line", paragraph.text)
    return clean_label(value) if value is not None else None


def _is_pillar_heading(paragraph: RawParagraph) -> bool:
    """ "Category 2: Enforcement" or "Pillar A – ..." (in any style), or a heading naming a pillar."""
    if paragraph.bullet or len(paragraph.text) > 150:
        return False
    if reference().templates.matches("category_row", fold(paragraph.text)) or PILLAR_LETTER.match(paragraph.text):
        return True
    return is_heading_like(paragraph) and reference().standard_pillar(parse_pillar(paragraph.text).name) is not None


def _accepted(body: list[BodyParagraph], heads: dict[int, _Heading]) -> list[int]:
    """Indexes of the action headings: followed by a rating line, or headings in the detail part."""
    accepted = []
    for i in heads:
        window = []
        for j in range(i + 1, min(i + 1 + _LOOKAHEAD, len(body))):
            if j in heads:
                break
            window.append(body[j].paragraph)
        rated = any(rating_value(p) is not None for p in window)
        if rated or body[i].part == "C" and is_heading_like(body[i].paragraph):
            accepted.append(i)
    return accepted


def _where(item: BodyParagraph) -> str:
    page = f"page {item.paragraph.page}, " if item.paragraph.page else ""
    return f"{page}paragraph {item.index}"


def read_headed(body: list[BodyParagraph], usage: Usage) -> TableRead:
    """Actions given as headed paragraphs, with their rating lines, pillars and notes."""
    read = TableRead()
    heads = {i: h for i, item in enumerate(body) if (h := action_heading(item.paragraph))}
    accepted = _accepted(body, heads)
    if not accepted:
        return read
    first = accepted[0]
    templates = reference().templates
    pillar = PillarRef(None, None)
    current: Entry | None = None
    for i, item in enumerate(body):
        paragraph = item.paragraph
        if i in heads and i in accepted:
            head = heads[i]
            current = Entry(code=head.code, title=head.title, pillar=pillar, rating_label="",
                            rating=RatingLookup("blank"), provenance=_where(item), is_priority=head.priority)
            read.add(current)
            usage.mark("title", paragraph)
            continue
        if item.part == AFTER_DETAIL or (item.part == "A" and i < first):
            current = None
            continue
        if _is_pillar_heading(paragraph) and (current is not None or item.part != "A"):
            pillar, current = parse_pillar(paragraph.text), None
            usage.mark("heading", paragraph)
            continue
        if current is None:
            continue
        value = rating_value(paragraph)
        if value is not None and not current.rating_label:
            current.rating_label, current.rating = value, reference().rating(value)
            usage.mark("rating", paragraph)
        elif not paragraph.bullet and templates.matches("metadata", fold(paragraph.text)):
            current = None  # a closing "Date: ..." or "Contact: ..." line ends the detail
        else:
            add_notes(current, [paragraph], _where(item), usage)
    return read
