"""What the cells of a report's tables say: action codes, titles, pillar names, ratings.

Shared by the table reader (`loaders.tables`), the headed-paragraph reader
(`loaders.headed`) and the layout-text format, which all meet the same writing: an
action code opening a cell ("2.3", "A.1", "ix)"), several actions run together in one
Part B cell, titles in brackets with a priority mark ``*``, pillars named "1. [Legislation]",
"CATEGORY 2: ..." or "Pillar A – Reporting", ratings with template brackets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.models import RawCell
from loaders.reference import label_key, reference
from loaders.textutil import fold, squash

ACTION_CODE = r"(?:\d{1,2}\.\d{1,2}(?:\.\d{1,2})?|[A-Z]\.?\d{1,2}(?:\.\d{1,2})?|[ivxlc]{1,6}\))"
_ACTION_START = re.compile(rf"^\s*(?P<code>{ACTION_CODE})\.?(?=[\s\[(:\-–]|$)")
_ACTION_SPLIT = re.compile(rf"(?:^|\s{{2,}}|\t)(?={ACTION_CODE}\.?[\s\[(])")
_PILLAR_WORD = r"(?:cat[eé]gor\w*|pillar|pilier|pilar|objective|objectif|objetivo|component|composante|componente)"
_PILLAR_NUMBER = re.compile(
    rf"^\s*(?:{_PILLAR_WORD}\s*)?(?P<number>\d{{1,2}})\s*[:.)\-–—]?\s*(?P<name>.*)$", re.IGNORECASE)
PILLAR_LETTER = re.compile(  # "Pillar A – Legislation", "A. Legislation" (a capital, then the name)
    rf"^\s*(?:(?i:{_PILLAR_WORD})\s+(?P<letter>[A-Z])\b\s*[:.)\-–—]?|(?P<bare>[A-Z])\s*[.)]\s+(?=[A-Z]))"
    r"\s*(?P<name>.*)$")


@dataclass
class PillarRef:
    """A pillar as one table names it."""

    number: int | None
    name: str | None
    is_placeholder: bool = False


def clean_label(text: str) -> str:
    """A label without brackets, asterisks or extra spaces: "[ON TRACK]" -> "ON TRACK"."""
    if "[" in text or "]" in text or "*" in text:  # three replaces beat a substitution or str.translate
        text = text.replace("[", " ").replace("]", " ").replace("*", " ")
    return squash(text)


def parse_pillar(text: str) -> PillarRef:
    """ "1. [Legislation]" / "CATEGORY 2: [Name]" / "Pillar A – Reporting" -> number and name."""
    text = squash(text)
    letter = PILLAR_LETTER.match(text)
    number_match = _PILLAR_NUMBER.match(text)
    if letter:
        number, name = ord((letter["letter"] or letter["bare"]).upper()) - ord("A") + 1, letter["name"]
    elif number_match:
        number, name = int(number_match["number"]), number_match["name"]
    else:
        number, name = None, text
    name = clean_label(name).strip(" –—-:")
    placeholder = label_key(name) in reference().templates.pillar_placeholders
    return PillarRef(number=number, name=None if placeholder or not name else name,
                     is_placeholder=placeholder)


def title_of(text: str) -> tuple[str, bool]:
    """Title without brackets, and whether it carries a priority mark ``*``."""
    priority = "*" in text
    return clean_label(text).strip(" –—-:"), priority


def action_start(text: str) -> re.Match[str] | None:
    """The action code a text starts with ("2.3 Enhance ...", "A.1", "E9 ...", "ix) ...")."""
    return _ACTION_START.match(text)


_NEXT_IN_PILLAR = re.compile(r"\s(?=(\d{1,2})\.(\d{1,2})\s+[A-ZÀ-Ý])")
_NUMBERED_CODE = re.compile(r"\d{1,2}\.\d{1,2}")
_CODE_INSIDE = re.compile(rf"(?:^|\s){ACTION_CODE}\.?[\s\[(]")


def _split_run_together(piece: str) -> list[str]:
    """Split "5.1 Regular reporting ... agencies 5.2 Explore ..." where layout lost the gap.

    Only before a code of the same pillar with a higher number followed by a capital, so
    "No. 020 PR. MAFF" or a number inside a title stays whole.
    """
    start = _ACTION_START.match(piece)
    if not start or not _NUMBERED_CODE.fullmatch(start["code"]) or piece.find(".", start.end()) < 0:
        return [piece]  # (a next code has its full stop: most titles need no search)
    major, minor = (int(x) for x in start["code"].split("."))
    for match in _NEXT_IN_PILLAR.finditer(piece, start.end()):
        if int(match[1]) == major and int(match[2]) > minor:
            return [piece[: match.start()], *_split_run_together(piece[match.end() :])]
    return [piece]


def leading_text(cell: RawCell) -> str:
    """Text before the cell's first action code: the end of a title cut by a page break."""
    text = " ".join(p.text for p in cell.paragraphs).strip()
    start = _CODE_INSIDE.search(text)
    return (text[: start.start()] if start else text).strip()


def split_actions(cell: RawCell) -> list[tuple[str, str, bool]]:
    """(code, title, priority) of each action listed in a Part B cell."""
    found: list[tuple[str, str, bool]] = []
    for paragraph in cell.paragraphs:
        pieces = [p for strong in _ACTION_SPLIT.split(paragraph.text) for p in _split_run_together(strong)]
        for piece in pieces:
            match = _ACTION_START.match(piece)
            if match:
                title, priority = title_of(piece[match.end():])
                found.append((match["code"], title, priority))
            elif piece.strip() and found:  # a title wrapped onto another paragraph
                code, title, priority = found[-1]
                more, more_priority = title_of(piece)
                found[-1] = (code, f"{title} {more}".strip(), priority or more_priority)
    return found


MAX_RATING_CHARS = 200  # far above the longest label of rating_labels.csv or placeholder (about 40)


def is_rating_like(text: str) -> bool:
    """A rating of the scale or a template placeholder standing for one ("[ON TRACK]", "[PROGRESS RATING]").
    A long text is neither, and is not folded to find out (a 3 MB cell would take a third of a second)."""
    if len(text) > MAX_RATING_CHARS:
        return False
    return reference().rating(clean_label(text)).kind in ("rating", "placeholder")


def starts_pillar(text: str) -> bool:
    """Whether a pillar cell opens a pillar ("2. Enforcement", "CATEGORY 3"), not ends one."""
    number = _PILLAR_NUMBER.match(text)
    return bool(number and number["number"] or PILLAR_LETTER.match(text)
                or reference().templates.matches("category_row", fold(text)))

