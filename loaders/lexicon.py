"""The extraction lexicon (data/reference/causes.yaml), compiled for folded text.

Patterns of every language are merged: a report in French that quotes an English
sentence is still read, and the patterns are specific enough not to collide.

Sentences are read folded (lower case, no accents: `loaders.textutil.fold`), so patterns
are compiled without IGNORECASE, which would slow every comparison; a pattern that holds
an upper-case letter is still compiled case-insensitively, so it keeps its meaning. How
a sentence is read against every list at once: `loaders.lexicon_scan`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache

from loaders.errors import ReferenceDataError
from loaders.lexicon_patterns import Phrases, Search
from loaders.lexicon_scan import Scan, Span
from loaders.phrase_table import CAUSE_WORDS, FACTS, PhraseTable
from loaders.reference import LANGUAGES, REFERENCE_DIR
from loaders.yaml_files import read_yaml

CAUSES = ("funding", "coordination", "capacity", "approval", "external")
NEAR_KEYS = ("delay", *CAUSES, "secured", "sought")
# Where one clause ends and another begins: the two parts of a rule must be in one clause.
_CLAUSE_BREAK = re.compile(
    r"[;.]\s|,\s*(?:and|but|while|whereas|however|so|et|mais|tandis|alors|y|pero|mientras|aunque)\b"
    r"|\b(?:while|whereas|tandis que|alors que|mientras que)\b")
_WORD = re.compile(r"\w+")
FEW_PAIRS = 64  # a two-part rule compares every pair of parts up to this many pairs, then only near ones


def _searched(patterns: list[str], where: str, group: int = FACTS) -> Search:
    """A list searched as one pattern. One "\\b" in front of the alternation lets the
    engine try only word starts."""
    bounded = [p[2:] for p in patterns if p.startswith("\\b")]
    others = [p for p in patterns if not p.startswith("\\b")]
    parts = ([r"\b(?:" + "|".join(f"(?:{p})" for p in bounded) + ")"] if bounded else []) + others
    return Search("|".join(f"(?:{p})" for p in parts) or "(?!)", where, group)


def _searched_everywhere(phrases: Phrases) -> bool:
    return phrases.anywhere is not None and phrases.anywhere.key < 0


@dataclass(frozen=True)
class Near:
    """A kind of wording made of two parts said close together, in one clause: a thing
    ("funds", "the Police", "the Bill") and what went wrong with it ("not yet released",
    "have yet to nominate", "still awaiting"). Either part may come first."""

    a: Phrases
    b: Phrases
    window: int  # words between the two parts, at most
    why: str
    a_first: bool = False  # the first part must come before the second
    parts: tuple[int, bool, int, bool] = (0, False, 0, False)  # lists, and whether each is searched too

    def __post_init__(self) -> None:
        parts = (self.a.key, self.a.anywhere is not None, self.b.key, self.b.anywhere is not None)
        object.__setattr__(self, "parts", parts)

    def spans(self, scan: Scan) -> list[Span]:
        """The spans (first part's start to second part's end) where both parts are close:
        each second part with its nearest first part in the clause. (`Scan.near` asks
        only when both parts may match.)"""
        a, b = self.a, self.b
        if _searched_everywhere(a) and not _searched_everywhere(b):  # the cheaper part first
            seconds = scan.spans(b)
            firsts = scan.spans(a) if seconds else ()
        else:
            firsts = scan.spans(a)
            seconds = scan.spans(b) if firsts else ()
        if not firsts or not seconds:
            return []
        folded = scan.text
        few = len(firsts) * len(seconds) <= FEW_PAIRS
        if not few:  # a long text: look only at the first parts within reach of each second part
            starts = [start for start, _ in firsts]
            longest = max(end - start for start, end in firsts)
            runs = scan.word_runs()
        found = []
        for b_start, b_end in seconds:
            candidates = firsts
            if not few:
                low, high = self._reach(b_start, b_end, runs, longest, len(folded))
                candidates = firsts[bisect_left(starts, low):bisect_right(starts, high)]
            best: tuple[int, Span] | None = None
            for a_start, a_end in candidates:
                if a_start == b_start or (self.a_first and a_start > b_start):
                    continue
                gap = folded[min(a_end, b_end):max(a_start, b_start)]
                words = len(_WORD.findall(gap))  # the cheap tests first, the clause break last
                if words <= self.window and (best is None or words < best[0]) and not _CLAUSE_BREAK.search(gap):
                    best = (words, (min(a_start, b_start), max(a_end, b_end)))
            if best is not None:
                found.append(best[1])
        return found

    def _reach(self, b_start: int, b_end: int, runs: tuple[list[int], list[int]], longest: int,
               size: int) -> tuple[int, int]:
        """Bounds on the start of a first part that can be within `window` words of the
        second part (b_start, b_end); a looser bound is harmless, every candidate is checked.

        A first part after the second is at most `window` words past its end; one before
        it ends at most `window` words before its start, and starts at most `longest`
        characters before it ends; one overlapping the second has no words between them.
        """
        run_starts, run_ends = runs
        after = bisect_right(run_ends, b_end) + self.window  # words ended by b_end, plus the window
        high = max(run_starts[after], b_end) if after < len(run_starts) else size
        before = bisect_left(run_starts, b_start) - self.window - 1
        low = min(run_ends[before], b_start) - longest if before >= 0 else 0
        return low, high


@dataclass(frozen=True)
class Lexicon:
    """Compiled patterns for delays, causes, funding and timing."""

    delay: Phrases
    not_delay: Phrases
    not_delay_clause: Phrases
    causes: dict[str, Phrases]
    not_cause: Phrases
    secured: Phrases
    sought: Phrases
    not_secured: Phrases
    not_sought: Phrases
    planned_start: Search
    completion_cue: Search
    within_months: tuple[Search, ...]  # each on its own, with `low` and `high` groups
    anaphora: Search
    action_range: str
    near: dict[str, list[Near]]
    table: PhraseTable

    def scan(self, folded: str) -> Scan:
        """A folded sentence, ready to be read by every list."""
        return Scan(folded, self.table)

    def compile_all(self) -> int:
        """Compile every pattern now (a bad one fails, naming it); the number compiled."""
        for phrase in self.table.phrases.values():
            phrase.compiled()
        searched_everywhere = [p.anywhere for p in self.table.lists if p.anywhere is not None and p.anywhere.key < 0]
        searches = [*self.table.searches, *searched_everywhere, *self.within_months, self.anaphora]
        for search in searches:
            _ = search.regex
        re.compile(self.action_range)
        return len(self.table.phrases) + len(searches) + 1


def _patterns(section: dict[str, list[str] | str], where: str) -> list[str]:
    """A label's patterns in every language (an unknown language fails loudly)."""
    unknown = set(section) - set(LANGUAGES)
    if unknown:
        raise ReferenceDataError(f"causes.yaml: {where}: unknown languages {sorted(unknown)}")
    patterns: list[str] = []
    for language in LANGUAGES:
        value = section.get(language, [])
        patterns += [value] if isinstance(value, str) else value
    return patterns


@cache
def lexicon() -> Lexicon:
    """The lexicon, validated: an unknown cause, language or label fails loudly."""
    raw = read_yaml(REFERENCE_DIR / "causes.yaml")
    unknown = set(raw["causes"]) - set(CAUSES)
    if unknown:
        raise ReferenceDataError(f"causes.yaml: unknown causes {sorted(unknown)}; known: {CAUSES}")
    table = PhraseTable()

    def phrases(section: dict, where: str, group: int = FACTS) -> Phrases:
        return table.add(_patterns(section, where), where, group)

    def searched(section: dict, where: str) -> Search:
        patterns = _patterns(section, where)
        return table.add_search(_searched(patterns, where), patterns)

    timing = raw["timing"]
    lex = Lexicon(
        delay=phrases(raw["delay"], "delay"),
        not_delay=phrases(raw["not_delay"], "not_delay"),
        not_delay_clause=phrases(raw.get("not_delay_clause", {}), "not_delay_clause"),
        causes={c: phrases(raw["causes"][c], f"causes.{c}", CAUSE_WORDS) for c in CAUSES},
        not_cause=phrases(raw["not_cause"], "not_cause", CAUSE_WORDS),
        secured=phrases(raw["funding"]["secured"], "funding.secured"),
        sought=phrases(raw["funding"]["sought"], "funding.sought"),
        not_secured=phrases(raw["funding"]["not_secured"], "funding.not_secured"),
        not_sought=phrases(raw["funding"].get("not_sought", {}), "funding.not_sought"),
        planned_start=searched(timing["planned_start"], "timing.planned_start"),
        completion_cue=searched(timing["completion_cue"], "timing.completion_cue"),
        within_months=tuple(Search(p, "timing.within_months", FACTS)
                            for p in _patterns(timing["within_months"], "timing.within_months")),
        anaphora=_searched(raw["anaphora"], "anaphora"),  # searched in parts of sentences
        action_range=raw["action_range"],
        near=_near(raw.get("near", {}), table),
        table=table,
    )
    table.seal()
    label_keys(lex)
    return lex


def label_keys(lex: Lexicon) -> None:
    """Give each label's list the lists one of which must match for the label to: its own,
    or the first part of one of its two-part rules (both parts must match for a rule)."""
    labels = {"delay": lex.delay, "secured": lex.secured, "sought": lex.sought, **lex.causes}
    for label, phrases in labels.items():
        phrases.label_keys = frozenset({phrases.key, *(rule.a.key for rule in lex.near[label])})


def _near(section: dict[str, list[dict]], table: PhraseTable) -> dict[str, list[Near]]:
    """The two-part rules of each label (an unknown label fails loudly)."""
    unknown = set(section) - set(NEAR_KEYS)
    if unknown:
        raise ReferenceDataError(f"causes.yaml: near: unknown labels {sorted(unknown)}; known: {NEAR_KEYS}")
    rules: dict[str, list[Near]] = {key: [] for key in NEAR_KEYS}
    for key, entries in section.items():
        group = CAUSE_WORDS if key in CAUSES else FACTS
        for i, entry in enumerate(entries or []):
            where = f"near.{key}[{i}]"
            a = table.add(_flat(entry["a"]), where + ".a", group)
            b = table.add(_flat(entry["b"]), where + ".b", group)
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
