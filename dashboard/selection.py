"""The selection a user makes in the sidebar: which Parties, meetings and pillars, and
whether demo data is in. Pure (no Streamlit), so queries and exports can share it.
"""

from __future__ import annotations

from dataclasses import dataclass

UNMAPPED_PILLAR = "other"  # a Party's own pillar that maps to no standard pillar
UNMAPPED_PILLAR_NAME = "Other (a Party's own pillar)"


@dataclass(frozen=True)
class Filters:
    """What the user selected; an empty tuple means "all"."""

    parties: tuple[str, ...] = ()
    meetings: tuple[str, ...] = ()
    pillars: tuple[str, ...] = ()
    include_demo: bool = True
    history: bool = False  # count every report of the selection, not only each Party's latest

    def where(self, alias: str = "", *, pillars: bool = True) -> tuple[str, list[object]]:
        """A SQL condition on an out_* view (``party_iso3``, ``meeting_code``, ``pillar_code``,
        ``is_demo``) and its parameters. ``pillars=False`` for views without pillars."""
        prefix = f"{alias}." if alias else ""
        clauses: list[str] = []
        params: list[object] = []
        if self.parties:
            clauses.append(f"{prefix}party_iso3 IN ({', '.join('?' * len(self.parties))})")
            params += self.parties
        if self.meetings:
            clauses.append(f"{prefix}meeting_code IN ({', '.join('?' * len(self.meetings))})")
            params += self.meetings
        if pillars and self.pillars:
            mapped = [p for p in self.pillars if p != UNMAPPED_PILLAR]
            parts = []
            if mapped:
                parts.append(f"{prefix}pillar_code IN ({', '.join('?' * len(mapped))})")
                params += mapped
            if UNMAPPED_PILLAR in self.pillars:
                parts.append(f"{prefix}pillar_code IS NULL")
            clauses.append("(" + " OR ".join(parts) + ")")
        if not self.include_demo:
            clauses.append(f"NOT {prefix}is_demo")
        return (" AND ".join(clauses) or "TRUE"), params

    def describe(self, names: dict[str, str] | None = None) -> str:
        """The selection in words, for chart subtitles, captions and exports."""
        names = names or {}
        parties = ", ".join(names.get(p, p) for p in self.parties) if self.parties else "all Parties"
        meetings = ", ".join(self.meetings) if self.meetings else "all meetings"
        pillars = ", ".join(names.get(p, p) for p in self.pillars) if self.pillars else "all pillars"
        demo = "demo data included" if self.include_demo else "demo data excluded"
        scope = "all reports (an action counts once per report)" if self.history else "each Party's latest report"
        return f"{parties}; {meetings}; {pillars}; {demo}; {scope}"

    def query_params(self) -> dict[str, list[str] | str]:
        """The selection as URL query parameters, by code (``?party=KHM&party=XA&meeting=SC66&
        pillar=reporting&demo=false&history=true``); defaults are left out."""
        params: dict[str, list[str] | str] = {}
        if self.parties:
            params["party"] = list(self.parties)
        if self.meetings:
            params["meeting"] = list(self.meetings)
        if self.pillars:
            params["pillar"] = list(self.pillars)
        if not self.include_demo:
            params["demo"] = "false"
        if self.history:
            params["history"] = "true"
        return params

    @property
    def is_default(self) -> bool:
        """Nothing is filtered out."""
        return self == Filters()


# ---------------------------------------------------------------- reading a link

TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off"})
MARKS = (" (demo)", " (published figures only)")  # what the sidebar adds to a Party's name


def _plain(text: str) -> str:
    text = " ".join(text.split()).casefold()
    for mark in MARKS:
        text = text.removesuffix(mark.casefold())
    return text


@dataclass(frozen=True)
class Reading:
    """What the values of one URL parameter were read as: the codes, the values that name
    nothing known (``ignored``), and the values read other than as written (``read_as``,
    e.g. 'Cambodia' as KHM)."""

    codes: tuple[str, ...]
    ignored: tuple[str, ...] = ()
    read_as: tuple[tuple[str, str], ...] = ()


def read_choices(values: list[str], known: dict[str, str]) -> Reading:
    """The codes named by URL values, given ``known`` code -> label (as the sidebar shows it).

    A value is a code (any case) or a label (any case, with or without its "(demo)" mark);
    one value may list several, comma-separated (``?party=KHM,XA``), as long as the whole
    value is not itself a label ("China, Hong Kong SAR")."""
    by_code = {_plain(c): c for c in known}
    by_label = {_plain(label): c for c, label in known.items()}
    codes: list[str] = []
    ignored: list[str] = []
    read_as: list[tuple[str, str]] = []

    def one(value: str) -> str | None:
        key = _plain(value)
        if not key:
            return None
        code = by_code.get(key) or by_label.get(key)
        if code is None:
            return None
        if value.strip() != code:
            read_as.append((value, code))
        return code

    for value in values:
        found = one(value)
        if found is None and "," in value:
            parts = [p.strip() for p in value.split(",") if p.strip()]
            found_parts = [(p, one(p)) for p in parts]
            codes += [c for _, c in found_parts if c]
            ignored += [p for p, c in found_parts if c is None]
            continue
        if found is None:
            if value.strip():
                ignored.append(value)
            continue
        codes.append(found)
    return Reading(tuple(dict.fromkeys(codes)), tuple(ignored), tuple(read_as))


def read_flag(values: list[str], default: bool) -> tuple[bool, Reading]:
    """A true/false URL value (true/false, 1/0, yes/no, on/off, any case; the last one counts):
    the flag (``default`` when the value is none of these), and how it was read."""
    if not values:
        return default, Reading(())
    value = values[-1]
    word = value.strip().casefold()
    if word not in TRUE_WORDS | FALSE_WORDS:
        return default, Reading((), ignored=(value,))
    flag = word in TRUE_WORDS
    canonical = "true" if flag else "false"
    return flag, Reading((canonical,), read_as=((value, canonical),) if value != canonical else ())
