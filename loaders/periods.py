"""Dates and reporting periods in English, French and Spanish.

Shapes seen in reports: "November 2014 – September 2015", "August 2017 June 2018" (the
dash lost in conversion), "1stJanuary 2018 to 30 June 2018", "novembre 2014 – septembre
2015", "noviembre de 2014 – septiembre de 2015", "01/2017 - 06/2018", "2015-2016",
"November – December 2015". Dates come out as ``YYYY-MM``, or ``YYYY`` when only a year
is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from loaders.models import Period
from loaders.reference import reference
from loaders.textutil import fold


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "month" | "year" | "month_year"
    month: int | None
    year: int | None
    start: int


@cache
def _date_pattern() -> re.Pattern[str]:
    names = "|".join(sorted((re.escape(m) for m in reference().months), key=len, reverse=True))
    return re.compile(
        rf"(?P<numeric>(?<!\d)(?P<nm>0?[1-9]|1[0-2])[/.](?P<ny>(?:19|20)\d\d)(?!\d))"
        rf"|(?P<iso>(?<!\d)(?P<iy>(?:19|20)\d\d)-(?P<im>0[1-9]|1[0-2])(?!\d))"
        rf"|(?P<name>(?<![a-z])(?:{names})(?![a-z]))\.?"
        rf"|(?P<year>(?<!\d)(?:19|20)\d\d(?!\d))"
    )


def _tokens(text: str) -> list[_Token]:
    months = reference().months
    folded = fold(text)
    folded = re.sub(r"(\d)(?:st|nd|rd|th|er|eme|e|º|o)(?=[a-z])", r"\1 ", folded)
    tokens: list[_Token] = []
    for m in _date_pattern().finditer(folded):
        if m.group("numeric"):
            tokens.append(_Token("month_year", int(m.group("nm")), int(m.group("ny")), m.start()))
        elif m.group("iso"):
            tokens.append(_Token("month_year", int(m.group("im")), int(m.group("iy")), m.start()))
        elif m.group("name"):
            tokens.append(_Token("month", months[m.group("name")], None, m.start()))
        else:
            tokens.append(_Token("year", None, int(m.group("year")), m.start()))
    return tokens


def dates_in(text: str) -> list[str]:
    """Every date in ``text`` in order, as YYYY-MM or YYYY.

    A month takes the next year written after it ("November – December 2015" gives
    2015-11 and 2015-12); a year right after a month belongs to that month.
    """
    tokens = _tokens(text)
    dates: list[str] = []
    consumed: set[int] = set()
    for i, token in enumerate(tokens):
        if i in consumed:
            continue
        if token.kind == "month_year":
            dates.append(f"{token.year:04d}-{token.month:02d}")
        elif token.kind == "month":
            year_index = next((j for j in range(i + 1, len(tokens)) if tokens[j].kind == "year"), None)
            if year_index is None:
                continue
            if year_index == i + 1:
                consumed.add(year_index)
            dates.append(f"{tokens[year_index].year:04d}-{token.month:02d}")
        else:
            dates.append(f"{token.year:04d}")
    return dates


def parse_period(text: str) -> Period:
    """The first and last dates of a reporting period line."""
    dates = dates_in(text)
    if not dates:
        return Period(start=None, end=None, raw=text)
    return Period(start=dates[0], end=dates[-1], raw=text)


def add_months(date: str, months: int) -> str:
    """``date`` (YYYY-MM) plus a number of months; a bare year is read as its December."""
    year, month = (int(date), 12) if len(date) == 4 else (int(date[:4]), int(date[5:7]))
    index = year * 12 + (month - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
