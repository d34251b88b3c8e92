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
        return f"{parties}; {meetings}; {pillars}; {demo}"

    def query_params(self, labels: dict[str, dict[str, str]] | None = None) -> dict[str, list[str] | str]:
        """The selection as URL query parameters (for links that keep the filters).

        Streamlit's URL-bound widgets keep the option as shown, not its code, so
        ``labels`` maps each parameter's codes to the labels the sidebar shows
        (``{"party": {"KHM": "Cambodia"}, "pillar": {...}}``); codes without a label stay.
        """
        labels = labels or {}

        def shown(param: str, codes: tuple[str, ...]) -> list[str]:
            return [labels.get(param, {}).get(c, c) for c in codes]

        params: dict[str, list[str] | str] = {}
        if self.parties:
            params["party"] = shown("party", self.parties)
        if self.meetings:
            params["meeting"] = shown("meeting", self.meetings)
        if self.pillars:
            params["pillar"] = shown("pillar", self.pillars)
        if not self.include_demo:
            params["demo"] = "false"
        return params

    @property
    def is_default(self) -> bool:
        """Nothing is filtered out."""
        return self == Filters()
