"""Spans of folded text compared as sets, in time that does not grow with their number
squared: which spans a set covers or overlaps, the clauses around them, their union."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

Span = tuple[int, int]


class Cover:
    """Spans, with the furthest end reached by those starting at or before each start:
    "does a span cover this one" in logarithmic time instead of a pass over them all."""

    __slots__ = ("starts", "reach")

    def __init__(self, spans: list[Span] | tuple[Span, ...]) -> None:
        ordered = sorted(spans)
        self.starts = [start for start, _ in ordered]
        self.reach: list[int] = []
        furthest = -1
        for _, end in ordered:
            if end > furthest:
                furthest = end
            self.reach.append(furthest)

    def furthest(self, position: int, *, inclusive: bool) -> int:
        """The furthest end of the spans starting before ``position`` (or at it)."""
        i = bisect_right(self.starts, position) if inclusive else bisect_left(self.starts, position)
        return self.reach[i - 1] if i else -1

    def inside(self, span: Span) -> bool:
        """A span starts inside one of these (or lies within it)."""
        reach = self.furthest(span[0], inclusive=True)
        return reach > span[0] or reach >= span[1]

    def overlaps(self, span: Span) -> bool:
        """A span shares characters with one of these."""
        return self.furthest(span[1], inclusive=False) > span[0]

    def within(self, span: Span) -> bool:
        """A span lies within one of these."""
        return self.furthest(span[0], inclusive=True) >= span[1]


_STOP, _SEMICOLON = re.compile(r"\. "), re.compile(";")


def clauses(spans: tuple[Span, ...] | list[Span], folded: str) -> list[Span]:
    """The whole clauses (between full stops and semicolons) around each span."""
    if not spans:
        return []
    stops = [m.start() for m in _STOP.finditer(folded)]
    semicolons = [m.start() for m in _SEMICOLON.finditer(folded)]
    found = []
    for start, end in spans:
        left = max(_last_before(stops, start - 1), _last_before(semicolons, start))
        following = [i for i in (_first_from(stops, end), _first_from(semicolons, end)) if i >= 0]
        found.append((left + 1, min(following, default=len(folded))))
    return found


def _last_before(positions: list[int], limit: int) -> int:
    """The last position < limit, or -1."""
    i = bisect_left(positions, limit)
    return positions[i - 1] if i else -1


def _first_from(positions: list[int], limit: int) -> int:
    """The first position >= limit, or -1."""
    i = bisect_left(positions, limit)
    return positions[i] if i < len(positions) else -1


def merge(spans: list[Span]) -> list[Span]:
    """Overlapping spans as one (two patterns matching the same words count once)."""
    merged: list[Span] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
