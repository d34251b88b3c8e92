"""Reading a folded sentence against every list of the extraction lexicon at once.

A sentence is read in one pass over its words (`Scan`). Most phrases must begin a word
with known letters ("\\bpostpon..." begins a word starting "postpon"; "\\b(?:a|ont) pas"
begins at the word "a" or "ont": `loaders.lexicon_patterns`), so each word is looked up,
by its letters, for the phrases of every list that may begin there, and only those are
tried; a match goes to every list holding the phrase. What a word (and a token: the text
between two spaces, "delayed,") begins is remembered, so a word seen before costs one
dictionary lookup. A pattern searched as a whole (the timing cues, the phrases that may
begin with an optional word) is tried only at the word starts where one of its
alternatives may begin, which gives exactly the matches a search of the whole text
would; the rare phrase that may begin anywhere is searched as usual. The phrases that
name causes are tried in a second pass, only for the sentences whose causes are asked
for. A phrase is compiled the first time a word could begin it (a report needs only some
of them); `loaders.lexicon.Lexicon.compile_all` compiles them all, so the tests catch a
bad one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from loaders.lexicon_patterns import (
    Matcher,
    Phrase,
    Phrases,
    Search,
    Start,
    literal_starts,
    lowered,
    needed_text,
    search_starts,
    split_top,
)

if TYPE_CHECKING:
    from loaders.lexicon import Near

Span = tuple[int, int]
_WORD = re.compile(r"\w+")
_WORD_START = re.compile(r"[a-z0-9]+")  # words, as finditer finds them: whole runs
# The passes over a sentence: the phrases of facts (delay, funding, timing), and those
# of causes, tried only when a sentence's causes are asked for.
FACTS, CAUSE_WORDS = 0, 1
_MEMO_LIMIT = 200_000  # words and tokens remembered (a huge text of unique numbers stays bounded)
_MEMO_LONGEST = 64  # characters: a longer token (a URL, a run of digits) is read, not remembered


# What the passes try at a word: (match, lists) of each phrase, and the searches, of the
# first pass; the phrases and searches of the second.
Begun = tuple[tuple[tuple[Matcher, tuple[int, ...]], ...], tuple[int, ...], tuple["Phrase", ...], tuple[int, ...]]
_NOTHING: Begun = ((), (), (), ())


class PhraseTable:
    """Every list's phrases and every search's word starts, by the letters they begin
    with, in the pass that needs them; and, per pass, what each word seen may begin."""

    def __init__(self) -> None:
        self.lists: list[Phrases] = []
        self.searches: list[Search] = []
        self.phrases: dict[str, Phrase] = {}  # by source: a phrase shared by lists is tried once
        self._phrase_starts: dict[str, frozenset[Start]] = {}
        self._cue_starts: list[tuple[Search, frozenset[Start]]] = []
        self._prefixes: tuple[dict[Start, tuple[list[Phrase], list[int]]], ...] = ({}, {})
        self._longest = [0, 0]
        self._initials: tuple[set[str], ...] = (set(), set())
        self.memo: dict[str, Begun] = {}  # by word
        self.tokens: dict[str, tuple[tuple[int, Begun], ...]] = {}  # by token: see `in_token`
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
        """A pattern's alternatives, each with how it must begin (read once: YAML anchors
        put one list of words, "*funds", in several rules)."""
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
                self._prefix(group, start)[0].append(phrase)
        for search, starts in self._cue_starts:
            for start in starts:
                self._prefix(search.group, start)[1].append(search.key)

    def _prefix(self, group: int, start: Start) -> tuple[list[Phrase], list[int]]:
        self._longest[group] = max(self._longest[group], len(start[0]))
        self._initials[group].add(start[0][0])
        return self._prefixes[group].setdefault(start, ([], []))

    def in_token(self, token: str) -> tuple[tuple[int, Begun], ...]:
        """The words of a token (text between spaces) that begin something, with their
        offsets in it (remembered: "delayed," is looked at once per build)."""
        memo = self.memo
        found = []
        for word in _WORD_START.finditer(token):
            begun = memo.get(word.group())
            if begun is None:
                begun = self.begun_by(word.group())
            if begun is not _NOTHING:
                found.append((word.start(), begun))
        words = tuple(found)
        if len(token) <= _MEMO_LONGEST:
            if len(self.tokens) >= _MEMO_LIMIT:
                self.tokens.clear()
            self.tokens[token] = words
        return words

    def begun_by(self, word: str) -> Begun:
        """What the passes try at a word (remembered): the first pass's phrases, compiled,
        each with the lists it belongs to, and its searches; then the second pass's
        phrases (compiled when that pass runs) and searches."""
        found: list[tuple] = []
        for group in (FACTS, CAUSE_WORDS):
            prefixes = self._prefixes[group]
            phrases: dict[Phrase, None] = {}
            searches: dict[int, None] = {}
            if word[0] in self._initials[group]:
                for size in range(1, min(len(word), self._longest[group]) + 1):
                    entry = prefixes.get((word[:size], False))
                    if entry is not None:
                        phrases.update(dict.fromkeys(entry[0]))
                        searches.update(dict.fromkeys(entry[1]))
                entry = prefixes.get((word, True))
                if entry is not None:
                    phrases.update(dict.fromkeys(entry[0]))
                    searches.update(dict.fromkeys(entry[1]))
            if group == FACTS:  # always tried: compiled now
                found += [tuple((p.compiled(), p.lists) for p in phrases), tuple(searches)]
            else:
                found += [tuple(phrases), tuple(searches)]
        begun = (found[0], found[1], found[2], found[3]) if any(found) else _NOTHING
        if len(word) <= _MEMO_LONGEST:
            if len(self.memo) >= _MEMO_LIMIT:
                self.memo.clear()
            self.memo[word] = begun
        return begun


class Scan:
    """Where the lexicon matches in one folded sentence (see the module notes).

    The first pass runs at once; the second, only when a list of its pass is read. The
    spans of a list are the matches of its phrases at word starts and of its
    ``anywhere`` search, in text order; each is read once, however many rules use it.
    """

    __slots__ = ("text", "_table", "_found", "_starts", "_later", "_passes", "_spans", "_runs", "_present",
                 "_matches")

    def __init__(self, text: str, table: PhraseTable) -> None:
        self.text = text
        self._table = table
        self._found: dict[int, set[Span]] = {}  # list -> spans of its phrases
        self._starts: dict[int, list[int]] = {}  # search -> word starts where it may match
        self._spans: dict[int, tuple[Span, ...]] = {}
        self._runs: tuple[list[int], list[int]] | None = None
        self._matches: dict[Search, list[re.Match[str]]] = {}  # of the searches done
        found, starts = self._found, self._starts
        later: list[tuple[int, tuple[Phrase, ...], tuple[int, ...]]] = []  # for the second pass
        memo, in_token = table.tokens, table.in_token
        at = 0
        for token in text.split(" "):  # a word never holds a space: each is inside one token
            words = memo.get(token)
            if words is None:
                words = in_token(token)
            for offset, (phrases, searches, more, more_searches) in words:
                start = at + offset
                for match_at, lists in phrases:
                    match = match_at(text, start)
                    if match is not None:  # each list holding the phrase gets the span (inline: 200k calls a 3 MB cell)
                        span = match.span()
                        for key in lists:
                            if key in found:
                                found[key].add(span)
                            else:
                                found[key] = {span}
                for key in searches:  # few: 3 a sentence
                    starts.setdefault(key, []).append(start)
                if more or more_searches:
                    later.append((start, more, more_searches))
            at += len(token) + 1
        self._later = later
        self._passes = 1
        present = self._present = set(table.everywhere)
        for gate, lists in table.gates:
            if gate(text) is not None:
                present.update(lists)
        self._may_match(present)

    def _may_match(self, present: set[int]) -> None:
        """Add to ``present`` the lists that may match after the passes run so far: those a
        phrase of which matched, and those whose ``anywhere`` search may (a list not in it
        surely has no match; one in it may have none). Those searched everywhere, or when
        the text holds what their search needs, are in it from the start."""
        present.update(self._found)
        by_search = self._table.by_search
        for key in self._starts:
            lists = by_search.get(key)
            if lists is not None:
                present.update(lists)

    def present(self, group: int) -> set[int]:
        """`_may_match` once the passes up to ``group`` have run."""
        if self._passes <= group:
            self._read(group)
        return self._present

    def spans(self, phrases: Phrases) -> tuple[Span, ...]:
        """The spans of a list's matches, sorted."""
        found = self._spans.get(phrases.key)
        if found is None:
            if self._passes <= phrases.group:
                self._read(phrases.group)
            if phrases.key not in self._present:
                return ()
            spans = self._found.get(phrases.key)
            if phrases.anywhere is not None:
                more = {m.span() for m in self.finditer(phrases.anywhere)}
                spans = spans | more if spans else more
            found = self._spans[phrases.key] = tuple(sorted(spans)) if spans else ()
        return found

    def near(self, rules: list[Near]) -> list[Span]:
        """The spans of the two-part rules (of one pass) whose two parts may both match."""
        if not rules:
            return []
        present = self.present(rules[0].a.group)
        spans: list[Span] = []
        for rule in rules:
            if rule.a.key in present and rule.b.key in present:
                spans += rule.spans(self)
        return spans

    def finditer(self, search: Search) -> list[re.Match[str]]:
        """The matches ``search.regex.finditer`` finds, trying only where they may begin
        (remembered: lists that share a search read its matches once)."""
        found = self._matches.get(search)
        if found is None:
            found = self._matches[search] = self._finditer(search)
        return found

    def _finditer(self, search: Search) -> list[re.Match[str]]:
        if search.key < 0:
            return list(search.regex.finditer(self.text))
        if self._passes <= search.group:
            self._read(search.group)
        starts = self._starts.get(search.key)
        if not starts:
            return []
        text, match_at = self.text, search.regex.match
        found, free = [], 0  # free: where the last match ended (matches do not overlap)
        for at in starts:
            if at >= free:
                match = match_at(text, at)
                if match is not None:
                    found.append(match)
                    free = max(match.end(), at + 1)
        return found

    def search(self, search: Search) -> bool:
        """``search.regex`` matches somewhere in the text."""
        if search.key < 0:
            return search.regex.search(self.text) is not None
        if self._passes <= search.group:
            self._read(search.group)
        match_at = search.regex.match
        return any(match_at(self.text, at) for at in self._starts.get(search.key, ()))

    def _read(self, group: int) -> None:
        """Run the second pass (the first ran when the scan was made)."""
        if self._passes > group:
            return
        text, found, starts = self.text, self._found, self._starts
        for at, phrases, searches in self._later:
            for phrase in phrases:
                match = (phrase.match or phrase.compiled())(text, at)
                if match is not None:
                    span = match.span()
                    for key in phrase.lists:
                        if key in found:
                            found[key].add(span)
                        else:
                            found[key] = {span}
            for key in searches:
                positions = starts.get(key)
                if positions is None:
                    starts[key] = [at]
                else:
                    positions.append(at)
        self._later = []
        self._passes = 2
        self._may_match(self._present)  # the second pass's lists join it

    def word_runs(self) -> tuple[list[int], list[int]]:
        """Starts and ends of the text's words (runs of \\w), in order."""
        if self._runs is None:
            spans = [m.span() for m in _WORD.finditer(self.text)]
            self._runs = ([s for s, _ in spans], [e for _, e in spans])
        return self._runs

