"""Reading a folded sentence against every list of the extraction lexicon at once.

A sentence is read in one pass over its words (`Scan`). Most phrases must begin a word
with known letters ("\\bpostpon..." begins a word starting "postpon"; "\\b(?:a|ont) pas"
begins at the word "a" or "ont": `loaders.lexicon_patterns`), so each word is looked up,
by its letters, for the phrases of every list that may begin there, and only those are
tried; a match goes to every list holding the phrase. A phrase that goes on with one
space and known letters ("\\ben retard", "\\b(?:the|its) (?:timeline|deadline)") is tried
only where the next word begins with them (`loaders.phrase_table`): most tries at common words ("the",
"a", "en", "has") failed on the next word. What a word (and a token: the text between
two spaces, "delayed,") begins is remembered, so a word seen before costs one
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
from typing import TYPE_CHECKING

from loaders.lexicon_patterns import Phrases, Search
from loaders.phrase_table import NO_TAIL, NOTHING, Following, Later, PhraseTable

if TYPE_CHECKING:
    from loaders.lexicon import Near

Span = tuple[int, int]
_WORD = re.compile(r"\w+")


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
        self._later = self._first_pass(text, table)
        self._passes = 1
        present = self._present = set(table.everywhere)
        for gate, lists in table.gates:
            if gate(text) is not None:
                present.update(lists)
        self._may_match(present)

    def _first_pass(self, text: str, table: PhraseTable) -> list[tuple[int, Later]]:
        """Try the first pass's phrases at the words that may begin them; note the word
        starts of the searches, and what the second pass is to try (returned)."""
        found, starts = self._found, self._starts
        later: list[tuple[int, Later]] = []
        memo, in_token = table.tokens, table.in_token
        at = 0
        pending: Following | None = None  # what the word that ended the last token may go on with
        pending_at = 0  # where that word begins
        for token in text.split(" "):  # a word never holds a space: each is inside one token
            words, lead, tail = memo.get(token) or in_token(token)
            if pending is not None:
                begun = pending.by_next.get(lead) or pending.after(lead)  # (a Begun is never empty)
                if begun is not NOTHING:
                    words = ((pending_at - at, begun), *words)
            pending, pending_at = tail if tail is not None else NO_TAIL
            pending_at += at
            for offset, (phrases, searches, rest) in words:
                start = at + offset
                for match_at, lists in phrases:
                    match = match_at(text, start)
                    if match is not None:  # each list holding the phrase gets the span (inline: 200k calls a 3 MB cell)
                        span = match.span()
                        for key in lists:
                            found.setdefault(key, set()).add(span)
                for key in searches:  # few: 3 a sentence
                    starts.setdefault(key, []).append(start)
                if rest is not None:
                    later.append((start, rest))
            at += len(token) + 1
        return later

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
        for at, (phrases, searches) in self._later:
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

