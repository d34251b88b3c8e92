"""Small text helpers shared by parsers, normalisation and extraction."""

from __future__ import annotations

import re
import unicodedata
from codecs import charmap_decode, charmap_encode
from collections.abc import Callable, Sequence
from encodings import cp1252

# Bullet glyphs: Unicode ones and the private-use code points of Word's Symbol and Wingdings
# bullets, which PDF text extraction often returns as they are (U+F0B7 is Symbol's "•").
BULLET_CHARS = "•●▪◦·‣⁃∙■□➢➤✓\uf0b7\uf0a7\uf0a8\uf0d8\uf076\uf0fc\uf06e\uf0e0\uf0b2"

_APOSTROPHES = re.compile(r"[\u2019\u2018\u02bc\u00b4`']")


# Long texts (a table cell that holds a whole report) are read by several steps, each of
# which folds or squashes them: the last few results are kept, so the work is done once.
_LONG = 20_000
_KEPT = 4
_long_results: dict[tuple[str, str], str] = {}


def _remembered(step: str, text: str, compute: Callable[[str], str]) -> str:
    key = (step, text)
    found = _long_results.get(key)
    if found is None:
        if len(_long_results) >= _KEPT:
            del _long_results[next(iter(_long_results))]  # the oldest
        found = _long_results[key] = compute(text)
    return found


def squash(text: str) -> str:
    """Collapse runs of white space (including non-breaking spaces) into one space."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # already squashed (most text is): its only white space is single spaces inside
    return _squash(text) if len(text) < _LONG else _remembered("squash", text, _squash)


def _squash(text: str) -> str:
    # str.split() splits on exactly what "\s" matches, and is several times faster than
    # a substitution on long text.
    return " ".join(text.split())


def fold(text: str) -> str:
    """Lower-case, drop accents, turn apostrophes into spaces, squash spaces: a key for matching.

    Converted French text often loses accents and apostrophes ("RAPPORT DÉTAPE"), so
    lexicons are matched on folded text, where an apostrophe becomes a space:
    ``fold("D'ÉTAPE") == "d etape"`` and patterns write ``d ?etape`` to accept both.
    """
    return _fold(text) if len(text) < _LONG else _remembered("fold", text, _fold)


def _fold(text: str) -> str:
    return _squash(_translate(text))


_FOLD_CHAR: dict[int, str] = {}
_SEEN: set[str] = set()
_UNEVEN: set[str] = set()  # characters that fold to more or fewer than one ("œ", a combining accent)


def _fold_char(ch: str) -> str:
    folded = _fold_one(ch)
    if len(folded) != 1:
        _UNEVEN.add(ch)
    return folded


def _fold_one(ch: str) -> str:
    if ch.isspace() or _APOSTROPHES.match(ch):
        return " "
    if ch in "œŒ":
        return "oe"
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _translate(text: str) -> str:
    """``text`` with every character folded (through a table filled as characters appear;
    the ASCII ones from the start). ASCII text without white space other than spaces and
    without apostrophes folds to its lower case, which is several times faster to get;
    text written in Windows-1252's characters ("é", "’", "–") is folded as bytes, several
    times faster than character by character."""
    if text.isascii():
        lowered = text.lower()
        return lowered if _ASCII_ODD.search(lowered) is None else lowered.translate(_FOLD_CHAR)
    return _fold_as_bytes(text) or _fold_each(text)


# Windows-1252 (English, French and Spanish text: "é", "’", "–", "œ", "€"): text written
# in its characters is folded and counted as bytes, with C's speed (bytes.translate).
WINDOWS_1252 = {byte: bytes([byte]).decode("cp1252") for byte in range(256)
                if byte not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}  # those five are undefined in it


def windows_1252(text: str) -> bytes | None:
    """``text`` as Windows-1252 bytes, or None when it holds a character outside it."""
    try:  # the codec's own function: text.encode("cp1252") goes through a Python wrapper
        return charmap_encode(text, "strict", cp1252.encoding_table)[0]
    except UnicodeEncodeError:
        return None


def _fold_as_bytes(text: str) -> str:
    """``text`` folded as Windows-1252 bytes, when each of its characters is one of those
    and folds to one of them (then each character folds to exactly one); else ""."""
    raw = windows_1252(text)
    if raw is None or _NOT_ONE_BYTE.search(raw):
        return ""
    return charmap_decode(raw.translate(_FOLD_BYTE), "strict", cp1252.decoding_table)[0]


def _fold_each(text: str) -> str:
    if not _SEEN.issuperset(text):  # issuperset: no set of the text's characters
        for ch in set(text) - _SEEN:
            _FOLD_CHAR[ord(ch)] = _fold_char(ch)
            _SEEN.add(ch)
    return text.translate(_FOLD_CHAR)


for _code in range(128):
    _FOLD_CHAR[_code] = _fold_char(chr(_code))
    _SEEN.add(chr(_code))
# The ASCII characters that fold to something else than their lower case.
_ASCII_ODD = re.compile("[" + re.escape("".join(chr(c) for c in range(128) if _FOLD_CHAR[c] != chr(c).lower()))
                        + "]")


def _byte_folds() -> tuple[bytes, re.Pattern[bytes]]:
    """Windows-1252 bytes -> the byte of their character's fold, and a pattern for the
    bytes whose character does not fold to one character of Windows-1252 ("œ", "½")."""
    table, odd = bytearray(range(256)), bytearray()
    for byte, ch in WINDOWS_1252.items():
        folded = _FOLD_CHAR[ord(ch)] = _fold_char(ch)
        _SEEN.add(ch)
        encoded = folded.encode("cp1252", errors="replace") if len(folded) == 1 else b""
        if len(encoded) == 1 and encoded.decode("cp1252") == folded:
            table[byte] = encoded[0]
        else:
            odd.append(byte)
    return bytes(table), re.compile(b"[" + b"".join(re.escape(bytes([b])) for b in odd) + b"]" if odd else b"(?!)")


_FOLD_BYTE, _NOT_ONE_BYTE = _byte_folds()


def fold_with_map(text: str) -> tuple[str, Sequence[int]]:
    """Fold ``text`` like `fold` and map each folded character to its index in ``text``.

    Used to quote the original words of a match found in folded text.
    """
    if text.isascii():
        folded, even = _translate(text), True  # each character folds to one
    else:
        folded = _fold_as_bytes(text)
        even = bool(folded)  # folded as bytes: each character to one
        if not even:
            folded = _fold_each(text)  # fills the table: every character of the text is seen
            even = _UNEVEN.isdisjoint(text)
    if even:
        if "  " not in folded:
            return folded, range(len(text))
        return _squash_runs(folded)  # a run of spaces becomes one
    return _fold_with_map_slow(text)


_SPACE_RUNS = re.compile(" {2,}")


def _squash_runs(folded: str) -> tuple[str, list[int]]:
    """Folded text whose characters each come from one character: a run of spaces (from
    "‘quoted’ words", "l' accord") is kept as its first space."""
    pieces: list[str] = []
    origin: list[int] = []
    start = 0
    for run in _SPACE_RUNS.finditer(folded):
        pieces.append(folded[start : run.start() + 1])
        origin.extend(range(start, run.start() + 1))
        start = run.end()
    pieces.append(folded[start:])
    origin.extend(range(start, len(folded)))
    return "".join(pieces), origin


def _fold_with_map_slow(text: str) -> tuple[str, list[int]]:
    """For text with characters that fold to more or fewer than one ("œ" -> "oe", a
    combining accent -> ""): those one by one, the runs between them as in `_squash_runs`.
    A space is dropped when the piece before it is a space (not when it is empty)."""
    pieces: list[str] = []
    origin: list[int] = []
    after_space = False
    start = 0
    for uneven in _uneven_pattern().finditer(text):
        after_space = _even_run(text, start, uneven.start(), after_space, pieces, origin)
        piece = _FOLD_CHAR[ord(uneven.group())]
        pieces.append(piece)
        origin.extend([uneven.start()] * len(piece))
        after_space = piece == " "
        start = uneven.end()
    _even_run(text, start, len(text), after_space, pieces, origin)
    return "".join(pieces), origin


def _even_run(text: str, start: int, end: int, after_space: bool, pieces: list[str], origin: list[int]) -> bool:
    """Fold text[start:end], whose characters each fold to one; whether it ends with a space."""
    folded = text[start:end].translate(_FOLD_CHAR)
    if after_space:  # its leading spaces follow a space
        kept = folded.lstrip(" ")
        start += len(folded) - len(kept)
        folded = kept
    if not folded:
        return after_space
    squashed, places = _squash_runs(folded)
    pieces.append(squashed)
    origin.extend(start + i for i in places)
    return folded.endswith(" ")


_uneven_patterns: dict[int, re.Pattern[str]] = {}


def _uneven_pattern() -> re.Pattern[str]:
    """A pattern for the characters seen so far that fold to more or fewer than one."""
    pattern = _uneven_patterns.get(len(_UNEVEN))
    if pattern is None:
        _uneven_patterns.clear()
        pattern = _uneven_patterns[len(_UNEVEN)] = re.compile(
            "[" + "".join(re.escape(ch) for ch in sorted(_UNEVEN)) + "]" if _UNEVEN else "(?!)")
    return pattern


# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = (
    "no", "nos", "pr", "doc", "e.g", "i.e", "mr", "mrs", "ms", "dr", "art", "vs", "cf",
    "approx", "rev", "st", "jan", "feb", "aug", "sept", "oct", "nov", "dec", "n°", "nº",
)
# A stop, then the white space that ends the sentence (group 1) before a capital or a digit.
# The stop is matched, not looked behind for: the engine then jumps from stop to stop.
_SENTENCE_END = re.compile(r"[.!?](\s+)(?=[\"'“«(]?[A-ZÀ-ÖØ-Þ0-9])")


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences, keeping abbreviations such as "PR." whole."""
    text = squash(paragraph)
    if not text:
        return []
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start(1)
        # The last word before the stop, found from the right: a paragraph's length does
        # not matter (slicing all of it at every abbreviation would).
        space = text.rfind(" ", start, end)
        last_word = text[space + 1 if space >= 0 else start : end].rstrip(".").casefold()
        if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue
        sentences.append(text[start:end].strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [s for s in sentences if s]


def join_lines(before: str, after: str) -> str:
    """Join two lines of one sentence; a line ending in a hyphen ("anti-") joins without space."""
    if re.search(r"\w-$", before):
        return before + after
    return f"{before} {after}"
