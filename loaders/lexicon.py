"""The extraction lexicon (data/reference/causes.yaml), compiled once.

Patterns of every language are merged: a report in French that quotes an English
sentence is still read, and the patterns are specific enough not to collide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import yaml

from loaders.errors import ReferenceDataError
from loaders.reference import LANGUAGES, REFERENCE_DIR

CAUSES = ("funding", "coordination", "capacity", "approval", "external")
NEAR_KEYS = ("delay", *CAUSES, "secured", "sought")
Patterns = list[re.Pattern[str]]
_WORD = re.compile(r"\w+")
# Where one clause ends and another begins: the two parts of a rule must be in one clause.
_CLAUSE_BREAK = re.compile(
    r"[;.]\s|,\s*(?:and|but|while|whereas|however|so|et|mais|tandis|alors|y|pero|mientras|aunque)\b"
    r"|\b(?:while|whereas|tandis que|alors que|mientras que)\b")


# A combined list is not scanned from every position of a sentence: each of its
# alternatives that must start with known letters is tried only at the starts of words
# beginning so (a dictionary lookup per word); the few that may start with anything are
# scanned as usual. This keeps extraction fast however long the lists grow.
_SCANNERS: dict[int, tuple[re.Pattern[str], Scanner]] = {}  # by id(): a Pattern hashes its whole text
_LITERAL = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Scanner:
    """The alternatives of a list by the letters they start with, and the rest."""

    by_start: dict[str, tuple[re.Pattern[str], ...]]
    anywhere: re.Pattern[str] | None
    starts: frozenset[str] = frozenset()

    @classmethod
    def build(cls, patterns: list[str]) -> Scanner:
        """Sort each pattern's alternatives by their literal start (see `literal_starts`)."""
        by_start: dict[str, list[re.Pattern[str]]] = {}
        anywhere: list[str] = []
        for pattern in patterns:
            for alternative in _split_top(pattern):
                starts = literal_starts(alternative.lower())
                if starts is None:
                    anywhere.append(alternative)
                    continue
                compiled = re.compile(alternative, re.IGNORECASE)
                for start in starts:
                    by_start.setdefault(start, []).append(compiled)
        rest = re.compile("|".join(f"(?:{a})" for a in anywhere), re.IGNORECASE) if anywhere else None
        return cls({k: tuple(v) for k, v in by_start.items()}, rest, frozenset(by_start))

    def spans(self, text: str) -> tuple[tuple[int, int], ...]:
        """Every match at a word start, and every match of the rest (in text order)."""
        found: set[tuple[int, int]] = set()
        index = _word_index(text)
        by_start = self.by_start
        for start in self.starts.intersection(index):
            positions = index[start]
            for pattern in by_start[start]:
                match_at = pattern.match
                for at in positions:
                    match = match_at(text, at)
                    if match:
                        found.add(match.span())
        if self.anywhere is not None:
            found.update(m.span() for m in self.anywhere.finditer(text))
        return tuple(sorted(found))


@lru_cache(maxsize=1024)
def _word_index(text: str) -> dict[str, list[int]]:
    """Where the words of a text start, by their first one, two and three characters."""
    index: dict[str, list[int]] = {}
    for word in _WORD_START.finditer(text):
        letters, at = word.group(1), word.start(1)
        index.setdefault(letters[:1], []).append(at)
        if len(letters) > 1:
            index.setdefault(letters[:2], []).append(at)
            if len(letters) > 2:
                index.setdefault(letters[:3], []).append(at)
    return index


_WORD_START = re.compile(r"(?<![a-z0-9])([a-z0-9]+)")


def matches(pattern: re.Pattern[str], text: str) -> tuple[tuple[int, int], ...]:
    """The spans of a compiled list in a text, remembered: rules share their word lists, so
    the same list is read once per sentence however many rules use it."""
    key = id(pattern)
    if key in _SCANNERS:
        return _scan(key, text)
    return tuple(m.span() for m in pattern.finditer(text))


@lru_cache(maxsize=8192)
def _scan(key: int, text: str) -> tuple[tuple[int, int], ...]:
    return _SCANNERS[key][1].spans(text)


def _split_top(pattern: str) -> list[str]:
    """A pattern's alternatives at the outermost level."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = pattern.index("]", i + 2) if "]" in pattern[i + 2:] else len(pattern)
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*parts, pattern[start:]]


def _closing(pattern: str, open_at: int) -> int:
    depth, i = 0, open_at
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
            continue
        depth += pattern[i] == "("
        depth -= pattern[i] == ")"
        if depth == 0:
            return i
        i += 1
    return len(pattern) - 1


def literal_starts(pattern: str) -> frozenset[str] | None:
    """The first (up to three) letters any match of ``pattern`` must start with, or None."""
    starts: set[str] = set()
    for alternative in _split_top(pattern):
        text = re.sub(r"^(?:\\b|\^|\\s[*+?]?)+", "", alternative)
        if text.startswith("(?:"):
            close = _closing(text, 0)
            if text[close + 1: close + 2] in ("?", "*", "{"):
                return None
            inner = literal_starts(text[3:close])
            if inner is None:
                return None
            starts |= inner
            continue
        literal = _LITERAL.match(text)
        if not literal:
            return None
        word = literal.group()
        if text[literal.end(): literal.end() + 1] in ("?", "*", "{"):
            word = word[:-1]
        if not word:
            return None
        starts.add(word[:3])
    return frozenset(starts)


@dataclass(frozen=True)
class Near:
    """A kind of wording made of two parts said close together, in one clause: a thing
    ("funds", "the Police", "the Bill") and what went wrong with it ("not yet released",
    "have yet to nominate", "still awaiting"). Either part may come first."""

    a: re.Pattern[str]
    b: re.Pattern[str]
    window: int  # words between the two parts, at most
    why: str
    a_first: bool = False  # the first part must come before the second

    def spans(self, folded: str) -> list[tuple[int, int]]:
        """The spans (first part's start to second part's end) where both parts are close."""
        firsts = matches(self.a, folded)
        if not firsts:
            return []
        seconds = matches(self.b, folded)
        found = []
        for b_start, b_end in seconds:  # each second part with its nearest first part in the clause
            best: tuple[int, tuple[int, int]] | None = None
            for a_start, a_end in firsts:
                gap = folded[min(a_end, b_end):max(a_start, b_start)]
                words = len(_WORD.findall(gap))
                if a_start != b_start and not _CLAUSE_BREAK.search(gap) and words <= self.window \
                        and (not self.a_first or a_start < b_start) and (best is None or words < best[0]):
                    best = (words, (min(a_start, b_start), max(a_end, b_end)))
            if best is not None:
                found.append(best[1])
        return found


@dataclass(frozen=True)
class Lexicon:
    """Compiled patterns for delays, causes, funding and timing."""

    delay: Patterns
    not_delay: Patterns
    not_delay_clause: Patterns
    causes: dict[str, Patterns]
    not_cause: Patterns
    secured: Patterns
    sought: Patterns
    not_secured: Patterns
    not_sought: Patterns
    planned_start: Patterns
    completion_cue: Patterns
    within_months: Patterns
    anaphora: Patterns
    action_range: str
    near: dict[str, list[Near]]


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
    combined = re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)
    _SCANNERS[id(combined)] = (combined, Scanner.build(patterns))
    return [combined]


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
        not_delay_clause=_by_language(raw.get("not_delay_clause", {}), "not_delay_clause"),
        causes={c: _by_language(raw["causes"][c], f"causes.{c}") for c in CAUSES},
        not_cause=_by_language(raw["not_cause"], "not_cause"),
        secured=_by_language(raw["funding"]["secured"], "funding.secured"),
        sought=_by_language(raw["funding"]["sought"], "funding.sought"),
        not_secured=_by_language(raw["funding"]["not_secured"], "funding.not_secured"),
        not_sought=_by_language(raw["funding"].get("not_sought", {}), "funding.not_sought"),
        planned_start=_by_language(timing["planned_start"], "timing.planned_start"),
        completion_cue=_by_language(timing["completion_cue"], "timing.completion_cue"),
        within_months=_by_language(timing["within_months"], "timing.within_months", combine=False),
        anaphora=_compile(raw["anaphora"], "anaphora"),
        action_range=raw["action_range"],
        near=_near(raw.get("near", {})),
    )


def _near(section: dict[str, list[dict]]) -> dict[str, list[Near]]:
    """The two-part rules of each label, compiled (an unknown label fails loudly)."""
    unknown = set(section) - set(NEAR_KEYS)
    if unknown:
        raise ReferenceDataError(f"causes.yaml: near: unknown labels {sorted(unknown)}; known: {NEAR_KEYS}")
    rules: dict[str, list[Near]] = {key: [] for key in NEAR_KEYS}
    for key, entries in section.items():
        for i, entry in enumerate(entries or []):
            where = f"near.{key}[{i}]"
            (a,), (b,) = _compile(_flat(entry["a"]), where + ".a"), _compile(_flat(entry["b"]), where + ".b")
            order = entry.get("order", "any")
            if order not in ("any", "a first"):
                raise ReferenceDataError(f"causes.yaml: {where}: order must be 'any' or 'a first', not {order!r}")
            rules[key].append(Near(a, b, int(entry.get("window", 6)), entry.get("why", ""), order == "a first"))
    return rules


def _flat(patterns: list) -> list[str]:
    """A list of patterns, where YAML anchors may have put lists inside the list."""
    out: list[str] = []
    for item in patterns:
        out += _flat(item) if isinstance(item, list) else [item]
    return out
