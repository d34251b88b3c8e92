"""Which phrases and searches of the extraction lexicon may begin at a word
(`PhraseTable`), read by `loaders.lexicon_scan.Scan`.

Phrases are sorted by the letters they must begin with (`loaders.lexicon_patterns`); what
a word, and a token (the text between two spaces, "delayed,"), begins is worked out once
and remembered. A phrase that goes on with one space and known letters ("\\ben retard")
is kept apart (`Following`) and tried only where the next word begins with them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from loaders.lexicon_patterns import (
    Matcher,
    Phrase,
    Phrases,
    Search,
    Seconds,
    Start,
    join_seconds,
    literal_starts,
    lowered,
    needed_text,
    search_starts,
    split_top,
    word_pairs,
)

_WORD_START = re.compile(r"[a-z0-9]+")  # words, as finditer finds them: whole runs
# The passes over a sentence: the phrases of facts (delay, funding, timing), and those
# of causes, tried only when a sentence's causes are asked for.
FACTS, CAUSE_WORDS = 0, 1
_MEMO_LIMIT = 200_000  # words and tokens remembered (a huge text of unique numbers stays bounded)
_MEMO_LONGEST = 64  # characters: a longer token (a URL, a run of digits) is read, not remembered


# What the passes try at a word: (match, lists) of each phrase, and the searches, of the
# first pass; the phrases and searches of the second, or None when it tries nothing there.
Later = tuple[tuple["Phrase", ...], tuple[int, ...]]
Begun = tuple[tuple[tuple[Matcher, tuple[int, ...]], ...], tuple[int, ...], Later | None]
NOTHING: Begun = ((), (), None)
_NEXT_WORDS_LIMIT = 10_000  # next words remembered after one word (one of the lexicon's few hundred whole first words)


class Following:
    """The phrases a word begins that go on with one space and a known next word ("en
    retard": the word "en", then a word beginning "retard"), and what to try at the word
    for each next word seen (remembered). Most tries of phrases at common words ("the",
    "a", "en", "has") fail on the next word: this is where they are left out."""

    __slots__ = ("phrases", "by_next")

    def __init__(self, phrases: tuple[tuple[Phrase, frozenset[Start], int], ...]) -> None:
        self.phrases = phrases  # (phrase, how the next word begins, its pass)
        self.by_next: dict[str, Begun] = {}

    def after(self, word: str | None) -> Begun:
        """What the passes try at the first word when the next word is ``word`` (None: the
        next token does not begin with a word), worked out the first time: look in
        ``by_next`` first."""
        if word is None:
            return NOTHING
        facts: list[tuple[Matcher, tuple[int, ...]]] = []
        causes: list[Phrase] = []
        for phrase, seconds, group in self.phrases:
            if any(word == letters if whole else word.startswith(letters) for letters, whole in seconds):
                if group == FACTS:
                    facts.append((phrase.compiled(), phrase.lists))
                else:
                    causes.append(phrase)
        begun = (tuple(facts), (), (tuple(causes), ()) if causes else None) if facts or causes else NOTHING
        if len(word) <= _MEMO_LONGEST:
            if len(self.by_next) >= _NEXT_WORDS_LIMIT:
                self.by_next.clear()
            self.by_next[word] = begun
        return begun


# What a token (the text between two spaces) holds: its words that begin something, with
# their offsets; its first word when the token begins with it; the word that ends it, when
# phrases of that word go on with the next token's first word (`Following`, offset).
Token = tuple[tuple[tuple[int, Begun], ...], str | None, tuple[Following, int] | None]
NO_TAIL = (None, 0)


class PhraseTable:
    """Every list's phrases and every search's word starts, by the letters they begin
    with, in the pass that needs them; and, per pass, what each word seen may begin."""

    def __init__(self) -> None:
        self.lists: list[Phrases] = []
        self.searches: list[Search] = []
        self.phrases: dict[str, Phrase] = {}  # by source: a phrase shared by lists is tried once
        self._phrase_starts: dict[str, frozenset[Start]] = {}
        self._next_words: dict[str, dict[Start, Seconds]] = {}  # by phrase: see `_seconds`
        self._cue_starts: list[tuple[Search, frozenset[Start]]] = []
        self._prefixes: tuple[dict[Start, tuple[list[tuple[Phrase, Start]], list[int]]], ...] = ({}, {})
        self._longest = [0, 0]
        self._initials: tuple[set[str], ...] = (set(), set())
        self.memo: dict[str, tuple[Begun, Following | None]] = {}  # by word
        self.tokens: dict[str, Token] = {}  # by token: see `in_token`
        self._shared: dict[tuple[str, int], Search] = {}  # an ``anywhere`` search, by source and pass
        self._patterns_read: dict[str, list[tuple[str, frozenset[Start] | None]]] = {}
        # The lists that may match in a sentence without a phrase of theirs matching: those
        # searched everywhere, always, or when the text holds one of the texts every match
        # of their search holds (" not ", "$" or "€"); those searched at word starts, by search.
        self.everywhere: frozenset[int] = frozenset()
        self.by_text: dict[frozenset[str], tuple[int, ...]] = {}
        self.gates: tuple[tuple[Callable[[str], object], tuple[int, ...]], ...] = ()  # see `seal`
        self.by_search: dict[int, tuple[int, ...]] = {}

    def add(self, patterns: list[str], where: str, group: int) -> Phrases:
        """A list of the lexicon; its phrases join the table."""
        phrases = Phrases(len(self.lists), where, group)
        self.lists.append(phrases)
        anywhere = []
        for pattern in patterns:
            for alternative, starts in self._read_pattern(pattern):
                if starts is None:
                    anywhere.append(alternative)
                    continue
                phrase = self.phrases.get(alternative)
                if phrase is None:
                    phrase = self.phrases[alternative] = Phrase(alternative, where)
                    self._phrase_starts[alternative] = starts
                if phrases.key not in phrase.lists:
                    phrase.lists += (phrases.key,)
        if anywhere:
            source = "|".join(f"(?:{a})" for a in anywhere)
            search = self._shared.get((source, group))
            if search is None:  # lists with the same ``anywhere`` share its search (and its matches)
                search = self._shared[source, group] = self.add_search(Search(source, where, group), anywhere)
            phrases.anywhere = search
            needs = needed_text(search.source) if search.key < 0 else None
            if needs is not None:
                self.by_text[needs] = (*self.by_text.get(needs, ()), phrases.key)
            elif search.key < 0:
                self.everywhere |= {phrases.key}
            else:
                self.by_search[search.key] = (*self.by_search.get(search.key, ()), phrases.key)
        return phrases

    def _read_pattern(self, pattern: str) -> list[tuple[str, frozenset[Start] | None]]:
        """A pattern's alternatives, each with how it must begin, and go on with the next
        word (read once: YAML anchors put one list of words, "*funds", in several rules)."""
        found = self._patterns_read.get(pattern)
        if found is None:
            found = self._patterns_read[pattern] = [(a, literal_starts(lowered(a))) for a in split_top(pattern)]
        return found

    def add_search(self, search: Search, patterns: list[str]) -> Search:
        """A search made of ``patterns``, tried only at the word starts they may begin
        at when every alternative of them must begin a word with known letters."""
        starts: set[Start] = set()
        for alternative in (a for pattern in patterns for a in split_top(pattern)):
            found = search_starts(lowered(alternative))
            if found is None:
                return search
            starts |= found
        search.key = len(self.searches)
        self.searches.append(search)
        self._cue_starts.append((search, frozenset(starts)))
        return search

    def seal(self) -> None:
        """Sort phrases and searches by the letters they begin with, each in the first
        pass that needs it; make one search for each group of texts that gates lists."""
        self.gates = tuple((re.compile("|".join(re.escape(need) for need in sorted(needs))).search, lists)
                           for needs, lists in self.by_text.items())
        for source, phrase in self.phrases.items():
            group = min(self.lists[key].group for key in phrase.lists)
            for start in self._phrase_starts[source]:
                self._prefix(group, start)[0].append((phrase, start))
        for search, starts in self._cue_starts:
            for start in starts:
                self._prefix(search.group, start)[1].append(search.key)

    def _seconds(self, phrase: Phrase, start: Start) -> Seconds:
        """How the next word must begin after a phrase's first word (read from the phrase
        when a word first begins it: most phrases are never tried in a report)."""
        pairs = self._next_words.get(phrase.source)
        if pairs is None:
            pairs = self._next_words[phrase.source] = word_pairs(lowered(phrase.source)) or {}
        return pairs.get(start)

    def _prefix(self, group: int, start: Start) -> tuple[list[tuple[Phrase, Start]], list[int]]:
        self._longest[group] = max(self._longest[group], len(start[0]))
        self._initials[group].add(start[0][0])
        return self._prefixes[group].setdefault(start, ([], []))

    def in_token(self, token: str) -> Token:
        """What a token (text between spaces) holds (`Token`; remembered: "delayed," is
        looked at once per build)."""
        memo = self.memo
        found = []
        lead: str | None = None
        tail: tuple[Following, int] | None = None
        for word in _WORD_START.finditer(token):
            letters = word.group()
            known = memo.get(letters)
            begun, following = known if known is not None else self.begun_by(letters)
            if begun is not NOTHING:
                found.append((word.start(), begun))
            if word.start() == 0:
                lead = letters
            if following is not None and word.end() == len(token):
                tail = (following, word.start())
        entry = (tuple(found), lead, tail)
        if len(token) <= _MEMO_LONGEST:
            if len(self.tokens) >= _MEMO_LIMIT:
                self.tokens.clear()
            self.tokens[token] = entry
        return entry

    def begun_by(self, word: str) -> tuple[Begun, Following | None]:
        """What the passes try at a word (remembered): the first pass's phrases, compiled,
        each with the lists it belongs to, and its searches; then the second pass's
        phrases (compiled when that pass runs) and searches. The phrases that go on with a
        known next word are apart (`Following`), tried only when that word follows."""
        found: list[tuple] = []
        going_on: list[tuple[Phrase, frozenset[Start], int]] = []
        for group in (FACTS, CAUSE_WORDS):
            prefixes = self._prefixes[group]
            phrases: dict[Phrase, Seconds] = {}
            searches: dict[int, None] = {}
            if word[0] in self._initials[group]:
                starts = [(word[:size], False) for size in range(1, min(len(word), self._longest[group]) + 1)]
                for start in [*starts, (word, True)]:
                    entry = prefixes.get(start)
                    if entry is not None:
                        for phrase, start in entry[0]:
                            join_seconds(phrases, phrase, self._seconds(phrase, start))
                        searches.update(dict.fromkeys(entry[1]))
            going_on += [(phrase, seconds, group) for phrase, seconds in phrases.items() if seconds is not None]
            always = [phrase for phrase, seconds in phrases.items() if seconds is None]
            if group == FACTS:  # always tried: compiled now
                found += [tuple((p.compiled(), p.lists) for p in always), tuple(searches)]
            else:
                found += [tuple(always), tuple(searches)]
        later = (found[2], found[3]) if found[2] or found[3] else None
        begun = (found[0], found[1], later) if found[0] or found[1] or later else NOTHING
        entry = (begun, Following(tuple(going_on)) if going_on else None)
        if len(word) <= _MEMO_LONGEST:
            if len(self.memo) >= _MEMO_LIMIT:
                self.memo.clear()
            self.memo[word] = entry
        return entry
