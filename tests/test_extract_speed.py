"""Extraction that does no wasted work still finds exactly what it found before.

Speed itself is measured by bench/floors.py, never here. These tests check that each
shortcut of loaders.lexicon_scan, loaders.spans and loaders.textutil gives the answer of
the plain way, and that huge cells are read in linear time: a regression to quadratic
reading turns the last tests from seconds into hours, which their generous time limits
(hang guards, not benchmarks) catch.
"""

from __future__ import annotations

import csv
import gc
import random
import re
import time
from pathlib import Path

import pytest

from bench.floors import tag  # the same tagging as the benchmark's 3 MB cell
from loaders import lexicon as lexicon_module
from loaders import textutil
from loaders.coverage import text_chars
from loaders.extract import read_sentence
from loaders.formats import read_raw
from loaders.lexicon import lexicon
from loaders.lexicon_patterns import first_chars, literal_starts, next_word_starts, search_starts, word_pairs
from loaders.pipeline import collector_paused, finish, read_report
from loaders.reference import reference
from loaders.spans import Cover
from loaders.textutil import _FOLD_CHAR, fold, fold_with_map, split_sentences, squash
from tests.helpers import ROOT, edited_sample

SETS = [ROOT / "tests" / "data" / "extract" / "labelled_sentences.csv",
        ROOT.parent / "shared" / "eval" / "note_sentences.csv"]
FIRST_NOTE = "<li>• Consultations have been held within FA and drafting of the Prakas has begun.</li>"
# Every character Windows-1252 can write (five of its bytes are undefined).
WINDOWS_CHARS = [bytes([b]).decode("cp1252") for b in range(256) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)]
HANG_GUARD = 60  # seconds: far above the few seconds it takes, far below a quadratic reading


def labelled() -> list[str]:
    sentences = []
    for path in SETS:
        if path.exists():
            with path.open(encoding="utf-8", newline="") as handle:
                sentences += [row["sentence"] for row in csv.DictReader(handle)]
    return sentences


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    return labelled()


def test_every_pattern_of_the_lexicon_compiles() -> None:
    # Patterns are compiled when first needed at run time; this compiles them all.
    assert lexicon().compile_all() > 500


def test_searches_tried_at_word_starts_find_what_a_whole_search_finds(sentences: list[str]) -> None:
    lex = lexicon()
    searches = [s for s in lex.table.searches]
    assert {lex.planned_start, lex.completion_cue} <= set(searches)  # both are tried at word starts
    for sentence in sentences:
        folded = fold(sentence)
        scan = lex.scan(folded)
        for search in searches:
            assert [m.span() for m in scan.finditer(search)] == [m.span() for m in search.regex.finditer(folded)]
            assert scan.search(search) == (search.regex.search(folded) is not None)


# Amounts written with a currency sign: the lists whose phrases may begin with one are read
# only when the sentence holds one of the signs (`loaders.lexicon_patterns.first_chars`).
MONEY = ["A grant of $50,000 was provided by USFWS for the training.",
         "€ 20 000 ont été accordés par l'UE pour les patrouilles.",
         "Funds of £15,000 were not released, so the training was postponed.",
         "We still need $200,000 to equip the new unit; a proposal has been submitted to the EU.",
         "Se necesitan $ 40.000 para el equipo y se ha presentado una solicitud al PNUD.",
         "A further $5,000 was received from WWF in March."]


def assert_every_list_matches_as_the_plain_way(folded: str) -> None:
    """The plain way: every phrase of a list tried at every word start, plus its phrases
    that may begin anywhere, searched through the text."""
    lex = lexicon()
    scan = lex.scan(folded)
    starts = [m.start() for m in re.finditer(r"(?<![a-z0-9])[a-z0-9]", folded)]
    for phrases in lex.table.lists:
        plain = {m.span() for phrase in lex.table.phrases.values() if phrases.key in phrase.lists
                 for at in starts if (m := phrase.compiled()(folded, at))}
        if phrases.anywhere is not None:
            plain |= {m.span() for m in phrases.anywhere.regex.finditer(folded)}
        assert scan.spans(phrases) == tuple(sorted(plain)), (phrases, folded)


def test_a_list_matches_where_its_phrases_match_at_word_starts(sentences: list[str]) -> None:
    for sentence in [*sentences[::7], *MONEY]:
        assert_every_list_matches_as_the_plain_way(fold(sentence))


# Sentences whose spacing and punctuation stop a phrase at its next word: a phrase tried
# only where its next word follows (`loaders.phrase_table.Following`) must still find
# exactly what the plain way finds.
AWKWARD = ["Funds  have not been released.", "en\u00a0retard", "Le projet est en retard.", "en,retard",
           "The timeline(s) slipped; the  timeline slipped; the timeline.", "a cause du manque de fonds",
           "a  cause de", "a cause", "has", "has ", " has not", "has  not yet been released",
           "was (not) released", "was still not released", "was not-released", "due to the lack"]


def test_phrases_tried_where_their_next_word_follows_find_what_the_plain_way_finds(
        sentences: list[str]) -> None:
    variants = [v for s in sentences[::5]
                for v in (s, s.replace(" ", "  "), s.replace(" ", ", "), s.replace(" ", " ("))]
    for sentence in [*AWKWARD, *variants]:  # (a no-break space, unfolded, is not a space)
        assert_every_list_matches_as_the_plain_way(fold(sentence) if "\u00a0" not in sentence else sentence)


@pytest.mark.parametrize(("pattern", "pairs"), [
    (r"\ben retard\b", {("en", True): {("retard", True)}}),
    (r"\b(?:the|its) (?:timeline|target date)\b", {("the", True): {("timeline", True), ("target", True)},
                                                    ("its", True): {("timeline", True), ("target", True)}}),
    (r"\b(?:has|had)(?: still)? not\b", {("has", True): {("still", True), ("not", True)},
                                         ("had", True): {("still", True), ("not", True)}}),
    (r"\b(?:has|had) (?:been )?blocked", {("has", True): {("been", True), ("blocked", False)},
                                        ("had", True): {("been", True), ("blocked", False)}}),
    (r"\b(?:the state|government) (?:has|had)\b", {("the", True): {("state", True)},
                                                   ("government", True): {("has", True), ("had", True)}}),
    (r"\b(?:en|a) (?:cause|raison)|\ben retard", {("en", True): {("cause", False), ("raison", False),
                                                                ("retard", False)},
                                                 ("a", True): {("cause", False), ("raison", False)}}),
    (r"\b(?:has|had)(?: \w+)? not", {("has", True): None, ("had", True): None}),  # any word may come next
    (r"\b(?:has|had) ?not", {("has", False): None, ("had", False): None}),  # "hasnot" too
    (r"\ben\s+retard", {("en", True): None}),
    (r"\ben +retard", {("en", True): None}),
    (r"\ben ?retard", {("en", True): None, ("enretard", False): None}),
    (r"\bpostpon\w* until", {("postpon", False): None}),
    (r"\ben (?=retard)", {("en", True): None}),
    (r"\ben (?:\w+ )?retard", {("en", True): None}),
])
def test_word_pairs_say_how_the_next_word_begins_only_when_the_pattern_says_it_plainly(
        pattern: str, pairs: dict) -> None:
    found = word_pairs(pattern)
    assert found is not None
    assert {start: (set(seconds) if seconds is not None else None) for start, seconds in found.items()} == pairs
    assert set(found) == literal_starts(pattern)


def test_next_word_starts() -> None:
    assert next_word_starts(" (?:yet )?(?:been )?released") == {("yet", True), ("been", True), ("released", False)}
    assert next_word_starts("(?: still| yet)? not") == {("still", True), ("yet", True), ("not", False)}
    assert next_word_starts("") is None
    assert next_word_starts(" ") is None
    assert next_word_starts(" ?x") is None
    assert next_word_starts("\\s+x") is None
    assert next_word_starts("(?:still )? not") is None  # the group does not begin with the space


@pytest.mark.parametrize(("pattern", "starts"), [
    (r"\bdelays?\b", {("delay", False)}),
    (r"\bpostpon(?:ed|ement)", {("postpon", False)}),
    (r"\b(?:due|planned) to", {("due", True), ("planned", True)}),
    (r"\b(?:a|ont|a deja) (?:finance|mobilise)\b", {("a", True), ("ont", True)}),
    (r"\bn ?(?:a|ont) pas", {("n", True), ("na", True), ("nont", True)}),
    (r"\bco-?financing", {("co", True), ("cofinancing", False)}),
    (r"\bab\s+c", {("ab", True)}),
    (r"\bab\s*c", {("ab", False)}),
    (r"\bab\Sc", {("ab", False)}),
    (r"\b(?:\w+ ){0,3}has", None),
])
def test_literal_starts(pattern: str, starts: set | None) -> None:
    found = literal_starts(pattern)
    assert (set(found) if found is not None else None) == starts


@pytest.mark.parametrize(("pattern", "chars"), [
    (r"(?:(?:\$|€|£) ?\d)", {"$", "€", "£"}),
    (r"x+y", {"x"}),
    (r"\.\.", {"."}),
    (r"\$?\d", None),  # optional: the match may begin with the digit
    (r"(?:a|)b", None),  # an empty alternative
    (r"[$€]", None),  # a class is not read
    (r"\b(?:\w+ ){0,3}has", None),
    (r"A", None),  # a capital: matched case-insensitively
    (r"(?=x)y", None),
])
def test_first_chars(pattern: str, chars: set | None) -> None:
    found = first_chars(pattern)
    assert (set(found) if found is not None else None) == chars


@pytest.mark.parametrize("sentence", MONEY)
def test_amounts_with_a_currency_sign_say_what_they_said_before(sentence: str) -> None:
    kinds = {h.kind for h in read_sentence(sentence).hits}
    expected = {MONEY[0]: {"secured"}, MONEY[1]: {"secured"}, MONEY[2]: {"delay"}, MONEY[3]: {"sought"},
                MONEY[4]: {"sought"}, MONEY[5]: {"secured"}}[sentence]
    assert expected <= kinds


def test_search_starts_allow_optional_words_in_front() -> None:
    assert search_starts(r"\b(?:to )?avoid(?:ing)? delays?") == {("to", True), ("avoid", False)}
    assert search_starts(r"\b(?:\w+ ){0,3}(?:has|have) not") is None
    assert search_starts(r"(?:\$|€|£) ?\d") is None
    assert search_starts(r"\b\s*x") is None


def test_cover_answers_like_a_pass_over_every_span() -> None:
    rng = random.Random(15)
    for _ in range(300):
        spans = [(s, s + rng.randint(0, 12)) for s in (rng.randint(0, 60) for _ in range(rng.randint(0, 8)))]
        cover = Cover(spans)
        for a in range(0, 70):
            for b in (a, a + 1, a + 5, a + 20):
                span = (a, b)
                assert cover.inside(span) == any(s <= a and b <= e or s <= a < e for s, e in spans)
                assert cover.overlaps(span) == any(s < b and a < e for s, e in spans)
                assert cover.within(span) == any(s <= a and b <= e for s, e in spans)


def test_two_part_rules_look_only_near_each_part_in_long_text(monkeypatch: pytest.MonkeyPatch,
                                                               sentences: list[str]) -> None:
    text = fold(" ".join(s.rstrip(".") + "," for s in sentences[:150]))  # one long sentence
    lex = lexicon()
    rules = [rule for rules in lex.near.values() for rule in rules]
    monkeypatch.setattr(lexicon_module, "FEW_PAIRS", 10**9)  # every pair compared
    every_pair = [rule.spans(lex.scan(text)) for rule in rules]
    monkeypatch.setattr(lexicon_module, "FEW_PAIRS", 0)  # only the pairs within reach
    assert [rule.spans(lex.scan(text)) for rule in rules] == every_pair
    assert sum(map(len, every_pair)) > 50


def test_fold_with_map_takes_shortcuts_only_where_they_give_the_same_map() -> None:
    rng = random.Random(15)
    alphabet = [*"ab cD.,'’‘ é", "œ", "\u0301", "ß", "\u00a0", "\t", "ﬁ", "İ", "  ", "\ufdfa"]
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        folded, origin = fold_with_map(text)
        assert (folded, list(origin)) == one_by_one(text), text


def test_folding_windows_1252_text_as_bytes_folds_each_character_as_alone() -> None:
    # Every character Windows-1252 can write ("é", "’", "–", "€", "œ", "…"), among others.
    rng = random.Random(16)
    alphabet = [*WINDOWS_CHARS, *WINDOWS_CHARS, "İ", "ﬁ", "\u0301", "\u2028", "ā", "ł"]
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 16)))
        assert textutil._translate(text) == "".join(textutil._fold_one(ch) for ch in text), repr(text)


def one_by_one(text: str) -> tuple[str, list[int]]:
    """`fold_with_map` the plain way: character by character."""
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        piece = _FOLD_CHAR[ord(ch)]
        if piece == " " and out and out[-1] == " ":
            continue
        out.append(piece)
        origin.extend([i] * len(piece))
    return "".join(out), origin


def test_squash_collapses_exactly_what_a_regex_would() -> None:
    text = " a\u00a0\u2003b\t\n c\u2028d\x1c e \u3000"
    assert squash(text) == re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip() == "a b c d e"


def test_a_paragraph_of_abbreviations_is_split_in_linear_time() -> None:
    # Every "Art. 1", "Doc. 2", "Mr. S" is a full stop that does not end the sentence.
    text = "Art. 1 of Doc. 2 cf. Mr. Smith and " * 20_000 + "it ends here. Next one."
    started = time.perf_counter()
    found = split_sentences(text)
    assert time.perf_counter() - started < HANG_GUARD
    assert found == [text[: -len(" Next one.")], "Next one."]


def big_cell(size: int, *, one_sentence: bool) -> str:
    """``size`` characters of note sentences, each tagged so that none repeats; with
    ``one_sentence``, joined by bullets with no full stop anywhere."""
    sentences, out, total, i = labelled(), [], 0, 0
    while total < size:
        sentence = sentences[i % len(sentences)].rstrip(".")
        if one_sentence:
            sentence = re.sub(r"[.!?;]", ",", sentence)
        out.append(f"{sentence} (ref {tag(i)})")
        total += len(out[-1]) + 3
        i += 1
    return " • ".join(out) if one_sentence else ". ".join(out) + "."


def test_a_3_mb_cell_of_notes_is_read_in_linear_time(tmp_path: Path) -> None:
    path = edited_sample(tmp_path, "big.md", (FIRST_NOTE, big_cell(3_000_000, one_sentence=False)))
    started = time.perf_counter()
    report = read_report(path)
    assert time.perf_counter() - started < HANG_GUARD
    action = next(a for a in report.actions if a.code == "1.1")
    assert action.delayed
    assert {"funding", "coordination", "capacity", "approval", "external"} <= {c.cause for c in action.delay_causes}
    assert len(action.delay_causes) > 1000  # one per sentence and cause, each with its evidence


def test_a_1_mb_cell_without_a_full_stop_is_read_in_linear_time(tmp_path: Path) -> None:
    # One sentence of a million characters: every rule must look only near each match.
    path = edited_sample(tmp_path, "one_sentence.md", (FIRST_NOTE, big_cell(1_000_000, one_sentence=True)))
    started = time.perf_counter()
    report = read_report(path)
    assert time.perf_counter() - started < HANG_GUARD
    action = next(a for a in report.actions if a.code == "1.1")
    note = max(action.notes, key=lambda n: len(n.text))
    assert len(note.text) > 1_000_000 and len(split_sentences(note.text)) == 1
    # Read as one sentence: its funding phrases are found (its delay words are mostly
    # denied by an "if ... may ..." that, with no full stop, runs to the end).
    assert {"secured", "sought"} <= set(action.funding_status)
    facts = read_sentence(note.text[:300_000])
    assert len(facts.hits) > 100 and len(facts.causes) == 5


@pytest.mark.parametrize("name", ["cambodia_sc66_word.docx", "cambodia_sc66_es.pdf", "testonia_sc77_es.md",
                                  "fictoria_sc75_own.md"])
def test_reading_a_report_leaves_no_reference_cycles(name: str) -> None:
    # loaders.pipeline pauses the cyclic collector while it reads, which is only free if
    # reading makes no cycles: a cycle added later would hold its memory until the next
    # collection. Reading with the collector off, then collecting, must find nothing.
    raw = read_raw(ROOT / "tests" / "data" / "handmade" / name)
    gc.collect()
    finish(raw)  # pauses the collector itself
    gc.disable()
    try:
        finish(raw)
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_a_paused_collector_runs_again_after_reading_even_when_reading_fails() -> None:
    with pytest.raises(ZeroDivisionError), collector_paused():
        assert not gc.isenabled()
        _ = 1 / 0
    assert gc.isenabled()


def test_text_chars_counts_what_a_regex_counts() -> None:
    rng = random.Random(15)
    for alphabet in ("aZ9_ -’.,\u00a0Œé\u0301\t\n•😀ß\u2003١", WINDOWS_CHARS, [*WINDOWS_CHARS, "ā", "١", "😀"]):
        for _ in range(5000):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
            assert text_chars(text) == len(re.sub(r"\W+", "", text)), repr(text)


def test_every_pattern_of_the_template_compiles() -> None:
    # Template patterns are compiled when first needed at run time; this compiles them all.
    assert reference().templates.compile_every() > 100


def test_sentence_ends_are_found_where_a_look_behind_finds_them() -> None:
    # textutil matches the stop instead of looking behind for it (faster); the ends must not move.
    behind = re.compile(r"(?<=[.!?])\s+(?=[\"'“«(]?[A-ZÀ-ÖØ-Þ0-9])")
    rng = random.Random(15)
    alphabet = ["a", "B", "1", ".", "!", "?", " ", "  ", "\u00a0", "\n", "«", "“", "(", "É", "x."]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        assert [(m.start(1), m.end()) for m in textutil._SENTENCE_END.finditer(text)] == \
            [m.span() for m in behind.finditer(text)], repr(text)


def test_a_sentence_is_remembered_once_it_comes_a_second_time() -> None:
    from loaders import extract

    sentence = f"The training was postponed for lack of funds (ref {tag(987_654)})."
    first = extract._read(sentence, "2015-06-30")
    second = extract._read(sentence, "2015-06-30")
    third = extract._read(sentence, "2015-06-30")
    assert first is not second and second is third  # read twice, then kept
    assert [h.kind for h in first.hits] == [h.kind for h in third.hits] == ["delay"]
    assert first.causes == third.causes == {"funding": "lack of funds"}
    other_period = extract._read(sentence, "2016-06-30")
    assert other_period is not third  # remembered per reporting period


def test_a_label_none_of_whose_lists_may_match_has_no_match(sentences: list[str]) -> None:
    # `extract._found` skips a label when neither its list nor the first part of any of its
    # rules may match: reading them anyway finds nothing.
    lex = lexicon()
    labels = {"delay": lex.delay, "secured": lex.secured, "sought": lex.sought, **lex.causes}
    skipped = 0
    for sentence in [*sentences[::3], *MONEY]:
        scan = lex.scan(fold(sentence))
        for label, phrases in labels.items():
            if phrases.label_keys.isdisjoint(scan.present(phrases.group)):
                skipped += 1
                assert scan.spans(phrases) == () and scan.near(lex.near[label]) == [], (label, sentence)
    assert skipped > 100
