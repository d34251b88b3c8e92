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

from loaders.lexicon import CAUSES, lexicon, matches
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
    known_causes: dict[str, str] | None = None  # cause -> matched words, once read
    folded: str = ""
    origin: list[int] = field(default_factory=list)

    @property
    def causes(self) -> dict[str, str]:
        """The causes the sentence names, read when first asked (most sentences never are)."""
        if self.known_causes is None:
            self.known_causes = causes_in(self.sentence, self.folded, self.origin)
        return self.known_causes

    @property
    def delayed(self) -> bool:
        """The sentence says something is behind."""
        return any(h.kind == "delay" for h in self.hits)

    def statuses(self) -> list[str]:
        """Funding statuses stated, secured before sought."""
        kinds = {h.kind for h in self.hits}
        return [s for s in ("secured", "sought") if s in kinds]


def _spans(patterns: list[re.Pattern[str]], folded: str) -> list[tuple[int, int]]:
    return [span for p in patterns for span in matches(p, folded)]


def _clauses(patterns: list[re.Pattern[str]], folded: str) -> list[tuple[int, int]]:
    """The whole clauses (between full stops and semicolons) in which a pattern matches."""
    found = []
    for start, end in _spans(patterns, folded):
        left = max(folded.rfind(". ", 0, start), folded.rfind(";", 0, start))
        right = min((i for i in (folded.find(". ", end), folded.find(";", end)) if i >= 0), default=len(folded))
        found.append((left + 1, right))
    return found


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
    facts = SentenceFacts(sentence=sentence, folded=folded, origin=origin)

    def hit(kind: str, span: tuple[int, int], **extra: object) -> None:
        facts.hits.append(Hit(kind, span[0], span[1], _words(sentence, origin, *span), **extra))

    denied = _spans(lex.not_delay, folded) + _clauses(lex.not_delay_clause, folded)
    delay_spans = sorted(s for s in _found(lex.delay, "delay", folded) if not _inside(s, denied))
    for span in _merge(delay_spans):
        hit("delay", span)
    secured = [s for s in _merge(sorted(_found(lex.secured, "secured", folded)))
               if not _inside(s, _spans(lex.not_secured, folded))]
    sought = [s for s in _merge(sorted(_found(lex.sought, "sought", folded)))
              if not _overlaps(s, _spans(lex.not_sought, folded))
              and not _within(s, secured)]  # "the funds needed were obtained": secured, not sought
    for kind, spans in (("secured", secured), ("sought", sought)):
        for span in spans:
            hit(kind, span)
    _timing(facts, folded, origin, period_end, hit)
    facts.hits.sort(key=lambda h: h.start)
    return facts


def _found(patterns: list[re.Pattern[str]], label: str, folded: str) -> list[tuple[int, int]]:
    """Spans of a label's phrases, then of its two-part rules (`loaders.lexicon.Near`) where
    no phrase already matched: a phrase quotes the words that say it best."""
    phrases = _spans(patterns, folded)
    near = [span for rule in lexicon().near[label] for span in rule.spans(folded) if not _overlaps(span, phrases)]
    return phrases + near


def causes_in(sentence: str, folded: str, origin: list[int]) -> dict[str, str]:
    """The causes a sentence names (cause -> the words), whether or not it says what they delay."""
    lex = lexicon()
    not_cause = _spans(lex.not_cause, folded)
    found = {cause: [s for s in _found(lex.causes[cause], cause, folded) if not _inside(s, not_cause)]
             for cause in CAUSES}
    return {cause: _words(sentence, origin, *spans[0]) for cause, spans in found.items() if spans}


def _within(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in others)


def _overlaps(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(start < span[1] and span[0] < end for start, end in others)


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


def _explain_neighbours(action: Action, previous: SentenceFacts | None, facts: SentenceFacts) -> None:
    """A delay and its cause in two sentences next to each other in one action's notes:
    "X was postponed. The Police did not nominate ..." or "The funds were not disbursed.
    The action is a year behind schedule." The cause sentence is the evidence."""
    if previous is None or previous.delayed == facts.delayed:
        return
    cause_sentence = facts if previous.delayed else previous
    _explain(action, cause_sentence)


def _explain(action: Action, facts: SentenceFacts) -> None:
    """Add the causes a sentence states to an action already said to be delayed."""
    for cause, words in facts.causes.items():
        if not any(c.cause == cause and c.evidence.sentence == facts.sentence for c in action.delay_causes):
            action.delay_causes.append(DelayCause(cause, Evidence(facts.sentence, "notes", words)))  # type: ignore[arg-type]


ALL_KINDS = {"delay", "secured", "sought", "planned_start", "expected_completion"}


def extract(report: Report) -> None:
    """Fill each action's delay, funding and timing facts from its notes and from Part A.

    Notes come first, so an action's own words decide its planned start and expected
    completion when Part A also gives one. A cause "unspecified" is dropped when another
    sentence names the cause.
    """
    end = report.period.end
    for action in report.actions:
        previous: SentenceFacts | None = None
        for note in action.notes:
            for sentence in split_sentences(note.text):
                facts = read_sentence(sentence, end)
                _attach(action, facts, ALL_KINDS, "notes")
                _explain_neighbours(action, previous, facts)
                previous = facts
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
                single = SentenceFacts(sentence, [facts.hits[i]], known_causes=facts.causes)
                for code in codes:
                    _attach(by_code[code], single, ALL_KINDS, "synopsis")
    for action in report.actions:
        _tidy(action)


def _tidy(action: Action) -> None:
    if any(c.cause != "unspecified" for c in action.delay_causes):
        action.delay_causes = [c for c in action.delay_causes if c.cause != "unspecified"]
    action.timing.sort(key=lambda t: (t.kind, t.evidence.where != "notes"))
