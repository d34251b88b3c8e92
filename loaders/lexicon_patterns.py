"""The patterns of the extraction lexicon: what each must begin with, read from its text,
and the phrases, lists and searches `loaders.lexicon_scan` reads sentences with.

A phrase of data/reference/causes.yaml is tried only where a word may begin it
(`loaders.lexicon_scan`): these functions read, from a pattern's own text, the letters a
match must begin with and whether they make the whole word ("\\bdelays?" -> a word
beginning "delay"; "\\b(?:a|ont) pas" -> the word "a" or "ont"), or say that it may begin
anywhere (None). They never guess: a pattern they cannot read is searched everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from loaders import regex_cache
from loaders.errors import ReferenceDataError

Start = tuple[str, bool]  # letters a match begins with; True: they are the whole word
_LITERAL = re.compile(r"[a-z0-9]+")
# What is not a literal character of a pattern: escapes ("\W", "\S") and group names.
_NOT_LITERAL = re.compile(r"\\.|\(\?P<\w+>|\(\?P=\w+\)")


def compile_pattern(pattern: str, where: str) -> re.Pattern[str]:
    """``pattern`` compiled for folded text; a bad one fails loudly, naming it."""
    flags = re.IGNORECASE if has_capitals(pattern) else 0
    try:
        return regex_cache.compile(pattern, flags)
    except re.error as e:
        raise ReferenceDataError(f"causes.yaml: {where}: bad pattern {pattern!r}: {e}") from e


def has_capitals(pattern: str) -> bool:
    """Folded text has no capitals: a pattern with one is meant case-insensitively."""
    literal = _NOT_LITERAL.sub("", pattern)
    return literal != literal.lower()


def lowered(pattern: str) -> str:
    """A pattern with its letters in lower case, its escapes ("\\W", "\\S") as they are."""
    if not has_capitals(pattern):
        return pattern
    return re.sub(r"\\.|[^\\]+", lambda m: m.group() if m.group()[0] == "\\" else m.group().lower(), pattern)


# The parts of a pattern that matter to its structure: an escape, a character class,
# a parenthesis, a bar (everything else is one literal character or another).
_STRUCTURE = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*\]|[()|]")


def split_top(pattern: str) -> list[str]:
    """A pattern's alternatives at the outermost level."""
    parts, depth, start = [], 0, 0
    for token in _STRUCTURE.finditer(pattern):
        kind = token.group()
        if kind == "(":
            depth += 1
        elif kind == ")":
            depth -= 1
        elif kind == "|" and depth == 0:
            parts.append(pattern[start:token.start()])
            start = token.end()
    return [*parts, pattern[start:]]


def closing(pattern: str, open_at: int) -> int:
    """Where the group opened at ``open_at`` closes."""
    depth = 0
    for token in _STRUCTURE.finditer(pattern, open_at):
        kind = token.group()
        depth += kind == "("
        depth -= kind == ")"
        if depth == 0:
            return token.start()
    return len(pattern) - 1


_LEADING = re.compile(r"^(?:\\b|\^|\\s[*+?]?)+")  # what may come before the letters at a word start


def literal_starts(pattern: str, after: str = "") -> frozenset[Start] | None:
    """How any match of ``pattern``, tried at a word start, must begin, or None: the
    letters of the word, and whether they are the whole word ("\\bdelays?" -> the word
    begins "delay"; "\\b(?:a|ont) pas" -> the word is "a" or "ont"). ``after`` is what
    follows the pattern (in the pattern around it)."""
    pairs = word_pairs(pattern, after, next_words=False)
    return None if pairs is None else frozenset(pairs)


Seconds = frozenset[Start] | None  # how the next word must begin; None: the pattern does not say
K = TypeVar("K")


def word_pairs(pattern: str, after: str = "", *, next_words: bool = True) -> dict[Start, Seconds] | None:
    """`literal_starts`, each start with how the next word must begin when the match goes
    on with one space and a word ("\\ben retard" -> the word "en", then a word "retard";
    "\\b(?:has|had)(?: still)? not" -> "has" or "had", then "still" or "not"), else None.
    Without ``next_words``, every start's next word is None (`literal_starts`: cheaper)."""
    pairs: dict[Start, Seconds] = {}
    for alternative in split_top(pattern):
        text = _LEADING.sub("", alternative)
        if text.startswith("(?:"):
            close = closing(text, 0)
            if text[close + 1: close + 2] in ("?", "*", "{"):
                return None
            inner = word_pairs(text[3:close], text[close + 1:] + after, next_words=next_words)
            if inner is None:
                return None
            _join(pairs, inner)
            continue
        literal = _LITERAL.match(text)
        if not literal:
            return None
        word, rest = literal.group(), text[literal.end():]
        if rest[:2] in (" ?", "-?") and rest[2:3] not in ("?", "+"):
            # "n ?a pas", "co-?financing": the word is "n", or it goes on ("na", "cofinancing")
            more = literal_starts(rest[2:], after)
            _join(pairs, {(word, True): None})
            _join(pairs, {(word + w, whole): None for w, whole in more} if more is not None else {(word, False): None})
            continue
        seconds: Seconds = None
        if rest[:1] in ("?", "*", "{"):
            word, whole = word[:-1], False
        else:  # a word with a next word that the pattern names ends where the space is
            seconds = next_word_starts(rest + after) if next_words else None
            whole = _WORD_ENDS.match(rest or after) is not None or _space_follows(rest + after)
        if not word:
            return None
        _join(pairs, {(word, whole): seconds})
    return pairs


def _join(pairs: dict[Start, Seconds], more: dict[Start, Seconds]) -> None:
    for start, seconds in more.items():
        join_seconds(pairs, start, seconds)


def join_seconds(found: dict[K, Seconds], key: K, seconds: Seconds) -> None:
    """Add ``key`` going on with ``seconds`` to ``found``: a key said twice (a start in two
    alternatives, a phrase begun by two starts of a word) may go on with the next words of
    both; None (any next word) wins."""
    if key not in found:
        found[key] = seconds
    else:
        known = found[key]
        found[key] = None if known is None or seconds is None else known | seconds


def _space_follows(following: str) -> bool:
    """``following`` surely begins with a space: " x", "(?: still)? not"."""
    if following[:1] == " ":
        return following[1:2] not in ("?", "*", "{")
    if not following.startswith("(?:"):
        return False
    close = closing(following, 0)
    return (following[close + 1: close + 2] == "?" and following[close + 2: close + 3] not in ("?", "+")
            and all(_space_follows(alternative + following[close + 2:])
                    for alternative in [*split_top(following[3:close]), ""]))


def next_word_starts(following: str) -> Seconds:
    """How the next word must begin when ``following`` (what comes after a whole word in a
    pattern) is one space and then a word, perhaps after optional words (" (?:been )?blocked",
    "(?: still)? not"); None otherwise ("\\s+x", " ?x", "(?: \\w+)? not")."""
    if following[:1] == " " and following[1:2] not in ("", "?", "*", "+", "{"):
        return search_starts("\\b" + following[1:])
    if following.startswith("(?:"):
        close = closing(following, 0)
        if following[close + 1: close + 2] == "?" and following[close + 2: close + 3] not in ("?", "+"):
            rest = following[close + 2:]
            starts: set[Start] = set()
            for alternative in [*split_top(following[3:close]), ""]:  # each way through the group, or none
                found = next_word_starts(alternative + rest)
                if found is None:
                    return None
                starts |= found
            return frozenset(starts)
    return None


# After letters, what ends the word for sure: a space, a hyphen, a comma, an apostrophe,
# "\s", "\b", "\W" (not made optional).
_WORD_ENDS = re.compile(r"(?:[ ,'-]|\\[sbW])(?![?*{])")


def search_starts(alternative: str) -> frozenset[Start] | None:
    """How a match of a searched alternative must begin, when it must begin a word: a
    word boundary, optional groups, then letters ("\\b(?:to )?avoid" -> the word "to",
    or a word beginning "avoid"); None when a match may begin anywhere else."""
    if not alternative.startswith("\\b"):
        return None
    text = alternative[2:]
    starts: set[Start] = set()
    while text.startswith("(?:"):
        close = closing(text, 0)
        if text[close + 1: close + 2] != "?":
            break
        inner = literal_starts(text[3:close], text[close + 2:])
        if inner is None or text[close + 2: close + 3] in ("?", "+"):
            return None
        starts |= inner
        text = text[close + 2:]
    if text.startswith(("\\", "^")):  # "\s*", a second "\b": a match may begin before the letters
        return None
    rest = literal_starts(text)
    return None if rest is None else frozenset(starts | rest)


def needed_text(pattern: str) -> frozenset[str] | None:
    """Texts one of which every match of ``pattern`` holds: in each alternative, its
    longest run of plain characters, of three or more ("\\b(?:\\w+ ){0,3}had not (?:yet )?paid"
    -> " had not "), or else the characters a match must begin with (`first_chars`); None
    when the pattern says neither plainly."""
    needs = _literal_needs(pattern)
    return needs if needs is not None else first_chars(pattern)


def _literal_needs(pattern: str) -> frozenset[str] | None:
    if has_capitals(pattern):
        return None
    needs: set[str] = set()
    for alternative in split_top(pattern):
        if alternative.startswith("(?:") and closing(alternative, 0) == len(alternative) - 1:
            inner = _literal_needs(alternative[3:-1])  # a group that is the whole alternative
            if inner is None:
                return None
            needs |= inner
            continue
        literal = _longest_literal(alternative)
        if len(literal) < 3:
            return None
        needs.add(literal)
    return frozenset(needs)


def _longest_literal(alternative: str) -> str:
    """The longest run of plain characters every match of an alternative holds: characters
    outside groups and classes, not made optional by a quantifier."""
    best, run, depth, position = "", "", 0, 0
    for token in [*_STRUCTURE.finditer(alternative), None]:
        segment = alternative[position: token.start() if token else len(alternative)]
        skip = 0
        for i, ch in enumerate(segment):
            if i < skip:
                continue
            if depth:
                continue
            if ch in "?*{":  # the character before is optional
                run = run[:-1]
                best, run = max(best, run, key=len), ""
                if ch == "{":
                    skip = segment.find("}", i) + 1 or len(segment)
            elif ch == "+" or ch in ".^$":
                best, run = max(best, run, key=len), ""
            else:
                run += ch
        if token is None:
            break
        kind = token.group()
        escaped = kind[0] == "\\" and len(kind) == 2 and not kind[1].isalnum() and not kind[1].isspace()
        following = alternative[token.end(): token.end() + 1]
        if depth == 0 and escaped and following not in ("?", "*", "{"):
            run += kind[1]
        else:
            best, run = max(best, run, key=len), ""
            depth += (kind == "(") - (kind == ")")
        position = token.end()
    return max(best, run, key=len)


_FIRST = re.compile(r"\\(?P<escaped>[^\w\s])|(?P<plain>[^\\\[\]().^$|?*+{}])")


def first_chars(pattern: str) -> frozenset[str] | None:
    """The characters a match of ``pattern`` must begin with, when the pattern says so
    plainly ("(?:\\$|€|£) ?\\d" -> "$", "€", "£"); None when it does not (a letter of a
    case-insensitive pattern, a class, an escape such as "\\w", an optional start)."""
    if has_capitals(pattern):
        return None
    chars: set[str] = set()
    for alternative in split_top(pattern):
        if alternative.startswith("(?:"):
            close = closing(alternative, 0)
            if alternative[close + 1: close + 2] in ("?", "*", "{"):
                return None
            inner = first_chars(alternative[3:close])
            if inner is None:
                return None
            chars |= inner
            continue
        first = _FIRST.match(alternative)
        if first is None or alternative[first.end(): first.end() + 1] in ("?", "*", "{"):
            return None
        chars.add(first["escaped"] or first["plain"])
    return frozenset(chars)


Matcher = Callable[[str, int], "re.Match[str] | None"]


class Phrase:
    """One alternative of a list's patterns, tried where a word may begin it, compiled
    when first tried; the lists holding it get its matches."""

    __slots__ = ("source", "where", "lists", "match")

    def __init__(self, source: str, where: str) -> None:
        self.source = source
        self.where = where
        self.lists: tuple[int, ...] = ()
        self.match: Matcher | None = None

    def compiled(self) -> Matcher:
        """The bound ``match`` of the compiled phrase (compiling it the first time)."""
        if self.match is None:
            self.match = compile_pattern(self.source, self.where).match
        return self.match


class Search:
    """A pattern searched through a text as a whole (`Scan.finditer`, `Scan.search`).

    ``key`` is its number among the lexicon's searches when every alternative must
    begin a word with known letters, so only those word starts need trying; -1 when
    it must be searched everywhere.
    """

    def __init__(self, source: str, where: str, group: int) -> None:
        self.source = source
        self.where = where
        self.group = group
        self.key = -1
        self._regex: re.Pattern[str] | None = None

    @property
    def regex(self) -> re.Pattern[str]:
        if self._regex is None:
            self._regex = compile_pattern(self.source, self.where)
        return self._regex

    def __repr__(self) -> str:
        return f"Search({self.where})"


class Phrases:
    """One list of the lexicon (a label's patterns in every language), read through a
    `Scan` (`Scan.spans`): its phrases tried at word starts, and ``anywhere``, those of
    its alternatives that may begin elsewhere, searched as one pattern."""

    def __init__(self, key: int, where: str, group: int) -> None:
        self.key = key
        self.where = where
        self.group = group
        self.anywhere: Search | None = None
        # A label's own list (delay, a cause...): its key and the first parts of its two-part
        # rules; when none of them may match, neither can the label (`loaders.lexicon.label_keys`).
        self.label_keys: frozenset[int] | None = None

    def __repr__(self) -> str:
        return f"Phrases({self.where})"
