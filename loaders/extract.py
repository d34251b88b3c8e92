"""Facts from the text: delays and their causes, funding status, timing, with evidence.

Each sentence of Part A and of every action's notes is read once (`read_sentence`)
against the lexicon in data/reference/causes.yaml. A note's facts belong to its action;
a Part A sentence's facts belong to the actions it names ("activities 1.1, 1.2 and
3.1", "1.1-1.3"), each fact to the actions named in its own clause. Every fact keeps
the sentence, where it came from and the matched words, so a reader can see why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from loaders.lexicon import CAUSES, lexicon
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
from loaders.textutil import fold, fold_with_map, split_sentences


@dataclass(frozen=True, slots=True)
class Hit:
    """A lexicon match: what it says, where it is (in folded text), the original words."""

    kind: str  # delay | secured | sought | planned_start | expected_completion
    start: int
    end: int
    words: str
    value: str | None = None
    window: tuple[str | None, str | None] = (None, None)


@dataclass
class SentenceFacts:
    """What one sentence says, before it is attached to actions."""

    sentence: str
    hits: list[Hit] = field(default_factory=list)
    causes: dict[str, str] = field(default_factory=dict)  # cause -> matched words

    @property
    def delayed(self) -> bool:
        """The sentence says something is behind."""
        return any(h.kind == "delay" for h in self.hits)

    def statuses(self) -> list[str]:
        """Funding statuses stated, secured before sought."""
        kinds = {h.kind for h in self.hits}
        return [s for s in ("secured", "sought") if s in kinds]


def _spans(patterns: list[re.Pattern[str]], folded: str) -> list[tuple[int, int]]:
    return [m.span() for p in patterns for m in p.finditer(folded)]


def _inside(span: tuple[int, int], blockers: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e or s <= span[0] < e for s, e in blockers)


def _words(sentence: str, origin: list[int], start: int, end: int) -> str:
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
    facts = SentenceFacts(sentence=sentence)

    def hit(kind: str, span: tuple[int, int], **extra: object) -> None:
        facts.hits.append(Hit(kind, span[0], span[1], _words(sentence, origin, *span), **extra))

    denied = _spans(lex.not_delay, folded)
    delay_spans = sorted(s for s in _spans(lex.delay, folded) if not _inside(s, denied))
    for span in _merge(delay_spans):
        hit("delay", span)
    not_secured = _spans(lex.not_secured, folded)
    for kind, patterns in (("secured", lex.secured), ("sought", lex.sought)):
        for span in _merge(sorted(_spans(patterns, folded))):
            if kind == "secured" and _inside(span, not_secured):
                continue
            hit(kind, span)
    if facts.delayed:
        not_cause = _spans(lex.not_cause, folded)
        for cause in CAUSES:
            spans = [s for s in _spans(lex.causes[cause], folded) if not _inside(s, not_cause)]
            if spans:
                first = min(spans)
                facts.causes[cause] = _words(sentence, origin, *first)
    _timing(facts, folded, origin, period_end, hit)
    facts.hits.sort(key=lambda h: h.start)
    return facts


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans as one (two patterns matching the same words count once)."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _timing(facts: SentenceFacts, folded: str, origin: list[int], period_end: str | None, hit) -> None:
    lex = lexicon()
    for pattern in lex.planned_start:
        for match in pattern.finditer(folded):
            following = folded[match.end() : match.end() + 40]
            dates = dates_in(following)
            if dates:
                date_end = match.end() + len(following.split(".")[0])
                hit("planned_start", (match.start(), min(date_end, len(folded))), value=dates[0])
    if period_end is None or not any(p.search(folded) for p in lex.completion_cue):
        return
    for pattern in lex.within_months:
        for match in pattern.finditer(folded):
            low = int(match["low"])
            high = int(match["high"]) if match["high"] else None
            end = add_months(period_end, high or low)
            start = add_months(period_end, low) if high else None
            hit("expected_completion", match.span(), value=end, window=(start, end))


# --- attaching facts to actions -------------------------------------------------------


@lru_cache(maxsize=256)
def _code_patterns(known: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    """Patterns for a report's own action codes in folded text ("a.2", "2.3", "e9"), and ranges of them."""
    keys = {fold(code): code for code in known}
    alternation = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    code = rf"(?<![\w.,$€£])(?:{alternation})(?![\w%]|\.\d|\s*(?:million|%|per ?cent|km|ha)\b)"
    single = re.compile(code)
    ranged = re.compile(rf"({code}){lexicon().action_range}({code})")
    return single, ranged, keys


def codes_named(text: str, known: list[str]) -> list[tuple[int, str]]:
    """(position, code) of the report's action codes named in ``text``, ranges expanded.

    Codes are the report's own, as written ("1.1", "A.2", "E9"): a number that is not one
    of them ("USD 1.5 million", "15.10.2015") is never taken for an action.
    """
    if not known:
        return []
    folded, _ = fold_with_map(text)
    single, ranged, keys = _code_patterns(tuple(known))
    ranges = {m.start(1): (keys[m.group(1)], keys[m.group(2)]) for m in ranged.finditer(folded)}
    found: list[tuple[int, str]] = []
    for match in single.finditer(folded):
        code = keys[match.group()]
        if match.start() in ranges:
            first, last = ranges[match.start()]
            if known.index(last) > known.index(first):
                found += [(match.start(), c) for c in known[known.index(first) : known.index(last) + 1]]
                continue
        if all(code != c for _, c in found):
            found.append((match.start(), code))
    return found


def _targets(facts: SentenceFacts, folded: str, named: list[tuple[int, str]]) -> dict[int, list[str]]:
    """For each hit, the actions of its clause: named after it (up to the next hit), or
    before the first hit, or named earlier when its clause refers back to them."""
    lex = lexicon()
    targets: dict[int, list[str]] = {}
    for i, h in enumerate(facts.hits):
        stop = facts.hits[i + 1].start if i + 1 < len(facts.hits) else len(folded)
        start = 0 if i == 0 else h.start
        codes = [c for pos, c in named if start <= pos < stop]
        if not codes:
            clause = folded[facts.hits[i - 1].end if i else 0 : stop]
            if any(p.search(clause) for p in lex.anaphora):
                codes = [c for pos, c in named if pos < h.start]
        targets[i] = list(dict.fromkeys(codes))
    return targets


def _attach(action: Action, facts: SentenceFacts, kinds: set[str], where: Where) -> None:
    for h in facts.hits:
        if h.kind not in kinds:
            continue
        evidence = Evidence(sentence=facts.sentence, where=where, matched=h.words)
        if h.kind == "delay":
            action.delayed = True
            causes = facts.causes or {"unspecified": h.words}
            for cause, words in causes.items():
                if not any(c.cause == cause and c.evidence.sentence == facts.sentence
                           for c in action.delay_causes):
                    action.delay_causes.append(DelayCause(
                        cause, Evidence(facts.sentence, where, words)))  # type: ignore[arg-type]
        elif h.kind in ("secured", "sought"):
            if not any(f.status == h.kind for f in action.funding if f.evidence.sentence == facts.sentence):
                action.funding.append(FundingFact(h.kind, evidence))  # type: ignore[arg-type]
        elif not any(t.kind == h.kind and t.evidence.sentence == facts.sentence for t in action.timing):
            action.timing.append(TimingFact(h.kind, h.value or "", h.window[0], h.window[1], evidence))  # type: ignore[arg-type]


ALL_KINDS = {"delay", "secured", "sought", "planned_start", "expected_completion"}


def extract(report: Report) -> None:
    """Fill each action's delay, funding and timing facts from its notes and from Part A.

    Notes come first, so an action's own words decide its planned start and expected
    completion when Part A also gives one. A cause "unspecified" is dropped when another
    sentence names the cause.
    """
    end = report.period.end
    for action in report.actions:
        for note in action.notes:
            for sentence in split_sentences(note.text):
                _attach(action, read_sentence(sentence, end), ALL_KINDS, "notes")
    by_code = {a.code: a for a in report.actions}
    known = list(by_code)
    for paragraph in report.synopsis:
        for sentence in split_sentences(paragraph.text):
            named = codes_named(sentence, known)
            if not named:
                continue
            facts = read_sentence(sentence, end)
            folded, _ = fold_with_map(sentence)
            for i, codes in _targets(facts, folded, named).items():
                single = SentenceFacts(sentence, [facts.hits[i]], facts.causes)
                for code in codes:
                    _attach(by_code[code], single, ALL_KINDS, "synopsis")
    for action in report.actions:
        _tidy(action)


def _tidy(action: Action) -> None:
    if any(c.cause != "unspecified" for c in action.delay_causes):
        action.delay_causes = [c for c in action.delay_causes if c.cause != "unspecified"]
    action.timing.sort(key=lambda t: (t.kind, t.evidence.where != "notes"))
