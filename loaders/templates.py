"""The template's wording, compiled (data/reference/template_text.yaml, loaded by loaders.reference).

A progress report follows the Secretariat's template in English, French or Spanish: its
title, labels, headings and instructions are recognised by these patterns, in every
language at once. Short lines come again and again (a header row after every page break,
the same labels in report after report), so the answers about them are remembered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

from loaders import regex_cache
from loaders.errors import ReferenceDataError
from loaders.textutil import fold_with_map, squash

T = TypeVar("T")
_REMEMBERED_CHARS = 200  # texts up to this length have their template matches remembered
_REMEMBERED_ANSWERS = 4096  # answers remembered per question, before they are forgotten at once


@dataclass(frozen=True)
class Templates:  # noqa: PLW1641 - the cached_property below needs a __dict__
    """Patterns of the template wording, per language (see template_text.yaml), compiled
    when first needed: a key's patterns one by one only once their union has matched (most
    keys' never, for a report), so a fresh process does not compile them all."""

    by_language: dict[str, dict[str, list[str]]]
    annex_stamp: re.Pattern[str]
    title_meeting: re.Pattern[str]
    rating_placeholders: frozenset[str]
    pillar_placeholders: frozenset[str]
    instructions: list[re.Pattern[str]]

    def patterns(self, key: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
        """Every language's patterns for one key, tagged with the language."""
        found = self._patterns_cache.get(key)
        if found is None:
            found = self._patterns_cache[key] = tuple(
                (lang, _compile(p)) for lang, keys in self.by_language.items() for p in keys.get(key, []))
        return found

    def compile_every(self) -> int:
        """Compile every pattern now, and the union of every group of keys searched at once
        (a bad one fails, naming it); the number compiled."""
        keys = {key for keys in self.by_language.values() for key in keys}
        return (sum(len(self.patterns(key)) + bool(self._combined((key,))) for key in keys)
                + sum(bool(self._combined(group)) for group in KEY_GROUPS) + bool(self.any_instruction))

    def matches(self, key: str, folded: str) -> bool:
        """Whether any language's pattern for ``key`` is found in folded text."""
        return self.matches_any((key,), folded)

    def matches_any(self, keys: tuple[str, ...], folded: str) -> bool:
        """Whether any pattern of any of ``keys`` is found in folded text (one search for all)."""
        return self._remembered(("any", keys), folded, lambda: self._combined(keys).search(folded) is not None)

    def found(self, keys: tuple[str, ...], folded: str) -> frozenset[tuple[str, int]]:
        """(key, place in `patterns`) of every pattern of ``keys`` found in folded text."""
        def search() -> frozenset[tuple[str, int]]:
            return frozenset((key, i) for key in keys if self.matches(key, folded)
                             for i, (_, pattern) in enumerate(self.patterns(key)) if pattern.search(folded))
        return self._remembered(("each", keys), folded, search)

    def _remembered(self, question: tuple, folded: str, answer: Callable[[], T]) -> T:
        """The answer to a question about folded text, remembered for short texts: the same
        lines come again and again (a header row after every page break; the template's
        title, labels and headings in report after report), and a search costs a few
        microseconds per key and line."""
        if len(folded) > _REMEMBERED_CHARS:
            return answer()
        remembered = self._answers.get(question)
        if remembered is None:
            remembered = self._answers[question] = {}
        found = remembered.get(folded)
        if found is None:
            if len(remembered) >= _REMEMBERED_ANSWERS:
                remembered.clear()
            found = remembered[folded] = answer()
        return found

    @cached_property
    def _answers(self) -> dict[tuple, dict[str, object]]:
        """Per question, the answers by text."""
        return {}

    def forget(self) -> None:
        """Forget the answers remembered (bench/floors.py reads a report as if for the first time)."""
        self._answers.clear()

    @cached_property
    def _patterns_cache(self) -> dict[str, tuple[tuple[str, re.Pattern[str]], ...]]:
        return {}

    @cached_property
    def _combined_cache(self) -> dict[tuple[str, ...], re.Pattern[str]]:
        return {}

    def _combined(self, keys: tuple[str, ...]) -> re.Pattern[str]:
        """One pattern that matches where any pattern of the keys does (named groups dropped)."""
        combined = self._combined_cache.get(keys)
        if combined is None:
            combined = self._combined_cache[keys] = union(
                [p for key in keys for keys_of in self.by_language.values() for p in keys_of.get(key, [])])
        return combined

    @cached_property
    def any_instruction(self) -> re.Pattern[str]:
        """One pattern that matches (at the start) where any of `instructions` does."""
        return union([p.pattern for p in self.instructions])

    def value(self, key: str, text: str) -> str | None:
        """The ``value`` group of a key's first matching pattern, in the text's own spelling.

        "Reporting period: November 2014 – September 2015" -> "November 2014 – September 2015".
        """
        text = squash(text)
        return self.value_in(key, text, *fold_with_map(text))

    def value_in(self, key: str, text: str, folded: str, origin: Sequence[int]) -> str | None:
        """`value` of a squashed text whose folded form and map (`fold_with_map`) the caller has."""
        if not self.matches(key, folded):  # most lines: one search instead of one per pattern
            return None
        for _, pattern in self.patterns(key):
            match = pattern.search(folded)
            if match and match.start("value") < len(origin):
                return squash(text[origin[match.start("value")]:]) or None
        return None

    def first_match(self, key: str, text: str) -> tuple[str, re.Match[str]] | None:
        """The first (language, match) of a key's patterns in folded ``text``."""
        if not self.matches(key, text):  # most texts: one search instead of one per pattern
            return None
        for lang, pattern in self.patterns(key):
            match = pattern.search(text)
            if match:
                return lang, match
        return None


KEY_GROUPS: set[tuple[str, ...]] = set()  # see `key_group`


def key_group(*keys: str) -> tuple[str, ...]:
    """Keys searched at once (`Templates.matches_any`, `Templates.found`), made known to
    `Templates.compile_every`."""
    KEY_GROUPS.add(keys)
    return keys


def union(patterns: list[str]) -> re.Pattern[str]:
    """One pattern that matches where any of ``patterns`` does (their named groups dropped)."""
    parts = [re.sub(r"\(\?P<\w+>", "(?:", p) for p in patterns]
    return _compile("|".join(f"(?:{p})" for p in parts) or "(?!)")


def compile_all(patterns: list[str]) -> list[re.Pattern[str]]:
    """Template wording, compiled to match case-insensitively, line by line."""
    return [_compile(p) for p in patterns]


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return regex_cache.compile(pattern, re.IGNORECASE | re.MULTILINE)
    except re.error as e:
        raise ReferenceDataError(f"template_text.yaml: bad pattern {pattern!r}: {e}") from e
