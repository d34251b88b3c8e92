"""Small text helpers shared by parsers, normalisation and extraction."""

from __future__ import annotations

import re
import unicodedata

# Bullet glyphs: Unicode ones and the private-use code points of Word's Symbol and Wingdings
# bullets, which PDF text extraction often returns as they are (U+F0B7 is Symbol's "•").
BULLET_CHARS = "•●▪◦·‣⁃∙■□➢➤✓\uf0b7\uf0a7\uf0a8\uf0d8\uf076\uf0fc\uf06e\uf0e0\uf0b2"

_APOSTROPHES = re.compile(r"[\u2019\u2018\u02bc\u00b4`']")
_SPACES = re.compile(r"\s+")


def squash(text: str) -> str:
    """Collapse runs of white space (including non-breaking spaces) into one space."""
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()


def fold(text: str) -> str:
    """Lower-case, drop accents, turn apostrophes into spaces, squash spaces: a key for matching.

    Converted French text often loses accents and apostrophes ("RAPPORT DÉTAPE"), so
    lexicons are matched on folded text, where an apostrophe becomes a space:
    ``fold("D'ÉTAPE") == "d etape"`` and patterns write ``d ?etape`` to accept both.
    """
    return squash(_translate(text))


_FOLD_CHAR: dict[int, str] = {}
_SEEN: set[str] = set()


def _fold_char(ch: str) -> str:
    if ch.isspace() or _APOSTROPHES.match(ch):
        return " "
    if ch in "œŒ":
        return "oe"
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _translate(text: str) -> str:
    """``text`` with every character folded (through a table filled as characters appear)."""
    for ch in set(text) - _SEEN:
        _FOLD_CHAR[ord(ch)] = _fold_char(ch)
        _SEEN.add(ch)
    return text.translate(_FOLD_CHAR)


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` like `fold` and map each folded character to its index in ``text``.

    Used to quote the original words of a match found in folded text.
    """
    folded = _translate(text)
    if len(folded) == len(text) and "  " not in folded:  # one char each, no runs of space
        return folded, list(range(len(text)))
    return _fold_with_map_slow(text)


def _fold_with_map_slow(text: str) -> tuple[str, list[int]]:
    """Character by character, for text whose folding changes its length."""
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        piece = _FOLD_CHAR[ord(ch)]
        if piece == " " and out and out[-1] == " ":
            continue
        out.append(piece)
        origin.extend([i] * len(piece))
    return "".join(out), origin


# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = (
    "no", "nos", "pr", "doc", "e.g", "i.e", "mr", "mrs", "ms", "dr", "art", "vs", "cf",
    "approx", "rev", "st", "jan", "feb", "aug", "sept", "oct", "nov", "dec", "n°", "nº",
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“«(]?[A-ZÀ-ÖØ-Þ0-9])")


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences, keeping abbreviations such as "PR." whole."""
    text = squash(paragraph)
    if not text:
        return []
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start : match.start()]
        last_word = before.rsplit(" ", 1)[-1].rstrip(".").casefold()
        if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue
        sentences.append(before.strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [s for s in sentences if s]


def join_lines(before: str, after: str) -> str:
    """Join two lines of one sentence; a line ending in a hyphen ("anti-") joins without space."""
    if re.search(r"\w-$", before):
        return before + after
    return f"{before} {after}"
