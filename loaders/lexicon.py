"""The extraction lexicon (data/reference/causes.yaml), compiled once.

Patterns of every language are merged: a report in French that quotes an English
sentence is still read, and the patterns are specific enough not to collide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import yaml

from loaders.errors import ReferenceDataError
from loaders.reference import LANGUAGES, REFERENCE_DIR

CAUSES = ("funding", "coordination", "capacity", "approval", "external")
Patterns = list[re.Pattern[str]]


@dataclass(frozen=True)
class Lexicon:
    """Compiled patterns for delays, causes, funding and timing."""

    delay: Patterns
    not_delay: Patterns
    causes: dict[str, Patterns]
    not_cause: Patterns
    secured: Patterns
    sought: Patterns
    not_secured: Patterns
    planned_start: Patterns
    completion_cue: Patterns
    within_months: Patterns
    anaphora: Patterns
    action_range: str


def _compile(patterns: list[str], where: str, *, combine: bool = True) -> Patterns:
    """Compile each pattern (a bad one fails loudly, naming it), then, for speed, join
    them into one alternation: a sentence is scanned once per list, not once per phrase."""
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE))
        except re.error as e:
            raise ReferenceDataError(f"causes.yaml: {where}: bad pattern {pattern!r}: {e}") from e
    if not combine or not compiled:
        return compiled
    # One "\b" in front of the alternation lets the engine try only word starts.
    bounded = [p.pattern[2:] for p in compiled if p.pattern.startswith("\\b")]
    others = [p.pattern for p in compiled if not p.pattern.startswith("\\b")]
    parts = ([r"\b(?:" + "|".join(f"(?:{p})" for p in bounded) + ")"] if bounded else []) + others
    return [re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)]


def _by_language(section: dict[str, list[str] | str], where: str, *, combine: bool = True) -> Patterns:
    unknown = set(section) - set(LANGUAGES)
    if unknown:
        raise ReferenceDataError(f"causes.yaml: {where}: unknown languages {sorted(unknown)}")
    patterns: list[str] = []
    for language in LANGUAGES:
        value = section.get(language, [])
        patterns += [value] if isinstance(value, str) else value
    return _compile(patterns, where, combine=combine)


@cache
def lexicon() -> Lexicon:
    """The lexicon, validated: an unknown cause or language fails loudly."""
    with (REFERENCE_DIR / "causes.yaml").open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    unknown = set(raw["causes"]) - set(CAUSES)
    if unknown:
        raise ReferenceDataError(f"causes.yaml: unknown causes {sorted(unknown)}; known: {CAUSES}")
    timing = raw["timing"]
    return Lexicon(
        delay=_by_language(raw["delay"], "delay"),
        not_delay=_by_language(raw["not_delay"], "not_delay"),
        causes={c: _by_language(raw["causes"][c], f"causes.{c}") for c in CAUSES},
        not_cause=_by_language(raw["not_cause"], "not_cause"),
        secured=_by_language(raw["funding"]["secured"], "funding.secured"),
        sought=_by_language(raw["funding"]["sought"], "funding.sought"),
        not_secured=_by_language(raw["funding"]["not_secured"], "funding.not_secured"),
        planned_start=_by_language(timing["planned_start"], "timing.planned_start"),
        completion_cue=_by_language(timing["completion_cue"], "timing.completion_cue"),
        within_months=_by_language(timing["within_months"], "timing.within_months", combine=False),
        anaphora=_compile(raw["anaphora"], "anaphora"),
        action_range=raw["action_range"],
    )
