"""Facts from the text: delays and their causes, funding status, timing, with evidence.

Each sentence of Part A and of every action's notes is read once (`read_sentence`)
against the lexicon in data/reference/causes.yaml. A note's facts belong to its action;
a Part A sentence's facts belong to the actions it names ("activities 1.1, 1.2 and
3.1", "1.1-1.3"), each fact to the actions named in its own clause. Every fact keeps
the sentence, where it came from and the matched words, so a reader can see why.

Reading is linear in the length of the text: a sentence is scanned once for all lists
(`loaders.lexicon_scan.Scan`), sets of spans are compared through sorted bounds rather
than pair by pair (`loaders.spans`), and what an action already holds is looked up, not
searched.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from loaders.lexicon import CAUSES, Near, lexicon
from loaders.lexicon_patterns import Phrases
from loaders.lexicon_scan import Scan, Span
from loaders.models import (
    Action,
    DelayCause,
    Evidence,
    FundingFact,
    Report,
    TimingFact,
    Where,
)
from loaders.periods import add_months, dates_in
from loaders.spans import Cover, clauses, merge
from loaders.textutil import fold, fold_with_map, split_sentences


class Hit(NamedTuple):
    """A lexicon match: what it says, where it is (in folded text), the original words.
    (A named tuple: a sentence dense with facts makes many, and a tuple is made fastest.)"""

    kind: str  # delay | secured | sought | planned_start | expected_completion
    start: int
    end: int
    words: str
    value: str | None = None
    window: tuple[str | None, str | None] = (None, None)


@dataclass(slots=True)
class SentenceFacts:
    """What one sentence says, before it is attached to actions."""

    sentence: str
    hits: list[Hit] = field(default_factory=list)
    known_causes: dict[str, str] | None = None  # cause -> matched words, once read
    folded: str = ""
    origin: Sequence[int] = field(default_factory=list)
    scan: Scan | None = None
    delayed: bool = False  # the sentence says something is behind (set once its hits are in)

    @property
    def causes(self) -> dict[str, str]:
        """The causes the sentence names, read when first asked (most sentences never are)."""
        if self.known_causes is None:
            self.known_causes = causes_in(self.sentence, self.folded, self.origin, self.scan)
        return self.known_causes

    def statuses(self) -> list[str]:
        """Funding statuses stated, secured before sought."""
        kinds = {h.kind for h in self.hits}
        return [s for s in ("secured", "sought") if s in kinds]


def _words(sentence: str, origin: Sequence[int], start: int, end: int) -> str:
    """The original words of a folded span, completed to whole words ("lack of fund" ->
    "lack of funding")."""
    stop = origin[max(start, end - 1)] + 1
    while stop < len(sentence) and (sentence[stop].isalnum() or sentence[stop] in "-'’"):
        stop += 1
    return sentence[origin[start] : stop].strip()


def read_sentence(sentence: str, period_end: str | None = None) -> SentenceFacts:
    """Delay, causes, funding and timing stated in one sentence."""
    lex = lexicon()
    folded, origin = fold_with_map(sentence)
    scan = lex.scan(folded)
    facts = SentenceFacts(sentence=sentence, folded=folded, origin=origin, scan=scan)

    def hit(kind: str, span: Span, **extra: object) -> None:
        facts.hits.append(Hit(kind, span[0], span[1], _words(sentence, origin, *span), **extra))

    delay = _found(scan, lex.delay, lex.near["delay"])
    if delay:  # what denies a delay, or cancels a funding phrase, is read only when needed
        denied = Cover(scan.spans(lex.not_delay) + tuple(clauses(scan.spans(lex.not_delay_clause), folded)))
        for span in merge(sorted(s for s in delay if not denied.inside(s))):
            hit("delay", span)
            facts.delayed = True
    secured = _found(scan, lex.secured, lex.near["secured"])
    if secured:
        not_secured = Cover(scan.spans(lex.not_secured))
        secured = [s for s in merge(sorted(secured)) if not not_secured.inside(s)]
    sought = _found(scan, lex.sought, lex.near["sought"])
    if sought:
        not_sought, secured_cover = Cover(scan.spans(lex.not_sought)), Cover(secured)
        sought = [s for s in merge(sorted(sought))
                  if not not_sought.overlaps(s)
                  and not secured_cover.within(s)]  # "the funds needed were obtained": secured, not sought
    for kind, spans in (("secured", secured), ("sought", sought)):
        for span in spans:
            hit(kind, span)
    _timing(facts, scan, period_end, hit)
    facts.hits.sort(key=lambda h: h.start)
    return facts


_REMEMBERED = 1000  # characters: longer sentences are rarely said twice
_SEEN_LIMIT = 200_000  # sentences seen once, remembered by their hash (a few MB)
_seen_once: set[int] = set()


def _read(sentence: str, period_end: str | None) -> SentenceFacts:
    """`read_sentence`, remembered once a sentence comes a second time: reports repeat
    sentences ("No progress to date."), within a report and across a build, and a sentence
    says the same every time. A sentence seen once is not kept: most are said only once,
    and keeping them costs more than it saves (7 % of a 3 MB cell of distinct sentences).
    The facts are shared, so they are read, never changed."""
    if len(sentence) > _REMEMBERED:
        return read_sentence(sentence, period_end)
    key = hash((sentence, period_end))  # a collision only remembers a sentence seen once
    if key in _seen_once:
        return _read_remembered(sentence, period_end)
    if len(_seen_once) >= _SEEN_LIMIT:
        _seen_once.clear()
    _seen_once.add(key)
    return read_sentence(sentence, period_end)


@lru_cache(maxsize=2048)
def _read_remembered(sentence: str, period_end: str | None) -> SentenceFacts:
    return read_sentence(sentence, period_end)


def _found(scan: Scan, phrases: Phrases, rules: list[Near]) -> list[Span]:
    """Spans of a label's phrases, then of its two-part rules (`loaders.lexicon.Near`) where
    no phrase already matched: a phrase quotes the words that say it best."""
    if phrases.label_keys is not None and phrases.label_keys.isdisjoint(scan.present(phrases.group)):
        return []  # neither its phrases nor the first part of any of its rules may match
    found = scan.spans(phrases)
    near = scan.near(rules)
    if near and found:
        matched = Cover(found)
        near = [span for span in near if not matched.overlaps(span)]
    return [*found, *near]


def causes_in(sentence: str, folded: str, origin: Sequence[int], scan: Scan | None = None) -> dict[str, str]:
    """The causes a sentence names (cause -> the words), whether or not it says what they delay."""
    lex = lexicon()
    scan = scan or lex.scan(folded)
    named: dict[str, str] = {}
    not_cause: Cover | None = None  # what denies a cause, read only when one is named
    for cause in CAUSES:
        spans = _found(scan, lex.causes[cause], lex.near[cause])
        if spans:
            not_cause = not_cause or Cover(scan.spans(lex.not_cause))
            kept = [span for span in spans if not not_cause.inside(span)]
            if kept:
                named[cause] = _words(sentence, origin, *kept[0])
    return named


def _timing(facts: SentenceFacts, scan: Scan, period_end: str | None, hit) -> None:
    lex = lexicon()
    folded = scan.text
    for match in scan.finditer(lex.planned_start):
        following = folded[match.end() : match.end() + 40]
        dates = dates_in(following)
        if dates:
            date_end = match.end() + len(following.split(".")[0])
            hit("planned_start", (match.start(), min(date_end, len(folded))), value=dates[0])
    if period_end is None or not scan.search(lex.completion_cue):
        return
    for within in lex.within_months:
        for match in within.regex.finditer(folded):
            low = int(match["low"])
            high = int(match["high"]) if match["high"] else None
            end = add_months(period_end, high or low)
            start = add_months(period_end, low) if high else None
            hit("expected_completion", match.span(), value=end, window=(start, end))


# --- attaching facts to actions -------------------------------------------------------


@lru_cache(maxsize=256)
def _code_patterns(known: tuple[str, ...]
                   ) -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str], dict[str, int]]:
    """Patterns for a report's own action codes in folded text ("a.2", "2.3", "e9"), and ranges
    of them; each folded code's code, and each code's first place in the report."""
    keys = {fold(code): code for code in known}
    alternation = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    code = rf"(?<![\w.,$€£])(?:{alternation})(?![\w%]|\.\d|\s*(?:million|%|per ?cent|km|ha)\b)"
    single = re.compile(code)
    ranged = re.compile(rf"({code}){lexicon().action_range}({code})")
    order = {code: i for i, code in reversed(list(enumerate(known)))}  # first place of each code
    return single, ranged, keys, order


def codes_named(text: str, known: list[str]) -> list[tuple[int, str]]:
    """(position, code) of the report's action codes named in ``text``, ranges expanded.

    Codes are the report's own, as written ("1.1", "A.2", "E9"): a number that is not one
    of them ("USD 1.5 million", "15.10.2015") is never taken for an action.
    """
    if not known:
        return []
    folded, _ = fold_with_map(text)
    single, ranged, keys, order = _code_patterns(tuple(known))
    ranges = {m.start(1): (keys[m.group(1)], keys[m.group(2)]) for m in ranged.finditer(folded)}
    found: list[tuple[int, str]] = []
    seen: set[str] = set()
    for match in single.finditer(folded):
        code = keys[match.group()]
        if match.start() in ranges:
            first, last = ranges[match.start()]
            if order[last] > order[first]:
                expanded = known[order[first] : order[last] + 1]
                found += [(match.start(), c) for c in expanded]
                seen.update(expanded)
                continue
        if code not in seen:
            found.append((match.start(), code))
            seen.add(code)
    return found


def _targets(facts: SentenceFacts, folded: str, named: list[tuple[int, str]]) -> dict[int, list[str]]:
    """For each hit, the actions of its clause: named after it (up to the next hit), or
    before the first hit, or named earlier when its clause refers back to them."""
    anaphora = lexicon().anaphora.regex
    positions = [pos for pos, _ in named]  # in text order
    targets: dict[int, list[str]] = {}
    for i, h in enumerate(facts.hits):
        stop = facts.hits[i + 1].start if i + 1 < len(facts.hits) else len(folded)
        start = 0 if i == 0 else h.start
        codes = [c for _, c in named[bisect_left(positions, start):bisect_left(positions, stop)]]
        if not codes:
            clause = folded[facts.hits[i - 1].end if i else 0 : stop]
            if anaphora.search(clause):
                codes = [c for _, c in named[:bisect_left(positions, h.start)]]
        targets[i] = list(dict.fromkeys(codes))
    return targets


class _Held:
    """An action and what it already holds, by (kind, sentence): a fact is stated once per
    sentence, however many hits of the sentence say it."""

    __slots__ = ("action", "causes", "funding", "timing")

    def __init__(self, action: Action) -> None:
        self.action = action
        self.causes = {(c.cause, c.evidence.sentence) for c in action.delay_causes}
        self.funding = {(f.status, f.evidence.sentence) for f in action.funding}
        self.timing = {(t.kind, t.evidence.sentence) for t in action.timing}

    def add_cause(self, cause: str, sentence: str, where: Where, words: str) -> None:
        if (cause, sentence) not in self.causes:
            self.causes.add((cause, sentence))
            self.action.delay_causes.append(DelayCause(cause, Evidence(sentence, where, words)))  # type: ignore[arg-type]


def _attach(held: _Held, facts: SentenceFacts, kinds: set[str], where: Where) -> None:
    action = held.action
    for h in facts.hits:
        if h.kind not in kinds:
            continue
        if h.kind == "delay":
            action.delayed = True
            causes = facts.causes or {"unspecified": h.words}
            for cause, words in causes.items():
                held.add_cause(cause, facts.sentence, where, words)
            continue
        key = (h.kind, facts.sentence)
        if h.kind in ("secured", "sought"):
            if key not in held.funding:
                held.funding.add(key)
                action.funding.append(FundingFact(h.kind, Evidence(facts.sentence, where, h.words)))  # type: ignore[arg-type]
        elif key not in held.timing:
            held.timing.add(key)
            action.timing.append(TimingFact(h.kind, h.value or "", h.window[0], h.window[1],  # type: ignore[arg-type]
                                            Evidence(facts.sentence, where, h.words)))


def _explain_neighbours(held: _Held, previous: SentenceFacts | None, facts: SentenceFacts) -> None:
    """A delay and its cause in two sentences next to each other in one action's notes:
    "X was postponed. The Police did not nominate ..." or "The funds were not disbursed.
    The action is a year behind schedule." The cause sentence is the evidence."""
    if previous is None or previous.delayed == facts.delayed:
        return
    cause_sentence = facts if previous.delayed else previous
    _explain(held, cause_sentence)


def _explain(held: _Held, facts: SentenceFacts) -> None:
    """Add the causes a sentence states to an action already said to be delayed."""
    for cause, words in facts.causes.items():
        held.add_cause(cause, facts.sentence, "notes", words)


ALL_KINDS = {"delay", "secured", "sought", "planned_start", "expected_completion"}


def extract(report: Report) -> None:
    """Fill each action's delay, funding and timing facts from its notes and from Part A.

    Notes come first, so an action's own words decide its planned start and expected
    completion when Part A also gives one. A cause "unspecified" is dropped when another
    sentence names the cause.
    """
    end = report.period.end
    held = {a.code: _Held(a) for a in report.actions}
    for action in report.actions:
        previous: SentenceFacts | None = None
        own = _Held(action) if held[action.code].action is not action else held[action.code]
        for note in action.notes:
            for sentence in split_sentences(note.text):
                facts = _read(sentence, end)
                _attach(own, facts, ALL_KINDS, "notes")
                _explain_neighbours(own, previous, facts)
                previous = facts
    by_code = {a.code: a for a in report.actions}
    known = list(by_code)
    for paragraph in report.synopsis:
        for sentence in split_sentences(paragraph.text):
            named = codes_named(sentence, known)
            if not named:
                continue
            facts = _read(sentence, end)
            for i, codes in _targets(facts, facts.folded, named).items():
                single = SentenceFacts(sentence, [facts.hits[i]], known_causes=facts.causes,
                                       delayed=facts.hits[i].kind == "delay")
                for code in codes:
                    _attach(held[code], single, ALL_KINDS, "synopsis")
    for action in report.actions:
        _tidy(action)


def _tidy(action: Action) -> None:
    if any(c.cause != "unspecified" for c in action.delay_causes):
        action.delay_causes = [c for c in action.delay_causes if c.cause != "unspecified"]
    action.timing.sort(key=lambda t: (t.kind, t.evidence.where != "notes"))
