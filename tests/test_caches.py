"""What the loaders keep between processes gives exactly what it stands for.

The compiled patterns of the reference data (loaders.regex_cache) and the JSON copies of
its YAML files (loaders.yaml_files) only save time: a pattern from the cache is the
pattern ``re.compile`` makes, a copy holds the data the YAML holds, and a cache that is
missing, stale, damaged or unwritable changes nothing but the time.
"""

from __future__ import annotations

import datetime
import json
import marshal
import re
import subprocess
import sys
from pathlib import Path

import pytest

from loaders import regex_cache, yaml_files
from loaders.errors import ReferenceDataError
from loaders.lexicon_patterns import compile_pattern
from loaders.reference import REFERENCE_DIR
from tests.helpers import ROOT


@pytest.fixture()
def cache_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The pattern cache in a folder of the test's own, read afresh."""
    monkeypatch.setattr(regex_cache, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(regex_cache, "_kept", None)
    return tmp_path


def reference_patterns() -> list[tuple[str, int]]:
    """Every pattern of the lexicon and of the template text, with its flags (compiled in a
    fresh process: this one may have compiled them already)."""
    code = ("import json\n"
            "import loaders.pipeline\n"
            "from loaders import regex_cache\n"
            "from loaders.lexicon import lexicon\n"
            "from loaders.reference import reference\n"
            "lexicon().compile_all(); reference().templates.compile_every()\n"
            "print(json.dumps(sorted(regex_cache.asked)))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return [(pattern, flags) for pattern, flags in json.loads(done.stdout)]


def test_a_pattern_from_the_cache_is_the_pattern_re_compile_makes(cache_in: Path) -> None:
    patterns = reference_patterns()
    assert len(patterns) > 500  # the lexicon's phrases and the template's wording
    assert regex_cache.write(patterns) == len(patterns)  # every one is kept
    regex_cache._kept = None
    for pattern, flags in patterns:
        cached = regex_cache.compile(pattern, flags)
        # CPython compares patterns by their text, flags and compiled program.
        assert cached == re.compile(pattern, flags), pattern
        assert cached.groupindex == re.compile(pattern, flags).groupindex
    assert regex_cache._kept, "the patterns came from the cache"


def test_a_cached_pattern_finds_what_the_plain_one_finds(cache_in: Path) -> None:
    regex_cache.write([(r"\b(?P<low>\d+)(?:-(?P<high>\d+))? months?\b", 0), (r"^Action (\d+)\.(\d+)", re.I | re.M)])
    regex_cache._kept = None
    months = regex_cache.compile(r"\b(?P<low>\d+)(?:-(?P<high>\d+))? months?\b")
    assert months.search("within 6-12 months of the meeting").group("low", "high") == ("6", "12")
    action = regex_cache.compile(r"^Action (\d+)\.(\d+)", re.I | re.M)
    assert action.findall("x\nACTION 2.3 done\naction 4.1") == [("2", "3"), ("4", "1")]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other python", "bad program", "missing"])
def test_a_damaged_or_foreign_cache_changes_nothing_but_the_time(cache_in: Path, damage: str) -> None:
    patterns = [(r"\bdelay(?:s|ed)?\b", 0), (r"funds? (?:were|was) not released", 0)]
    regex_cache.write(patterns)
    path = regex_cache.cache_path()
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"\x00\xff not a cache" * 100)
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "other python":
        tag, entries = marshal.loads(data)
        path.write_bytes(marshal.dumps((("cpython-299", *tag[1:]), entries)))
    elif damage == "bad program":  # words the engine refuses: it checks a program before running it
        tag, entries = marshal.loads(data)
        entries = {key: (parts[0], b"\xff\xff\x00\x00" * 8, *parts[2:]) for key, parts in entries.items()}
        path.write_bytes(marshal.dumps((tag, entries)))
    else:
        path.unlink()
    regex_cache._kept = None
    for pattern, flags in patterns:
        assert regex_cache.compile(pattern, flags) == re.compile(pattern, flags)
    assert regex_cache.compile(r"\bdelay(?:s|ed)?\b").search("it was delayed").group() == "delayed"


def test_a_bad_pattern_still_fails_loudly_naming_it(cache_in: Path) -> None:
    with pytest.raises(ReferenceDataError, match=r"causes.yaml: delay: bad pattern '\(unclosed'"):
        compile_pattern("(unclosed", "delay")


def test_an_unwritable_cache_folder_is_one_note_and_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setattr(regex_cache, "CACHE_DIR", blocked / "cache")
    assert regex_cache.write([(r"\bx\b", 0)]) == 0
    err = capsys.readouterr().err
    assert err.startswith("note: compiled patterns not kept") and err.count("\n") == 1


def test_make_s_step_writes_the_cache_the_loaders_read() -> None:
    done = subprocess.run([sys.executable, "-m", "loaders.regex_cache"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and done.stderr == ""
    code = ("import sys; from pathlib import Path\n"
            "from loaders import regex_cache\n"
            "from loaders.pipeline import read_report\n"
            "report = read_report(Path(sys.argv[1]))\n"
            "missed = [p for p in regex_cache.asked if p not in regex_cache._cache()]\n"
            "print(len(regex_cache.asked), len(missed), report.party.iso3)")
    done = subprocess.run([sys.executable, "-c", code, str(ROOT / "data" / "raw" / "cambodia_sc66_progress_report.md")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    asked, missed, party = done.stdout.split()
    assert int(asked) > 100 and int(missed) == 0 and party == "KHM", done.stderr


# --- YAML through JSON copies -----------------------------------------------------------


@pytest.fixture()
def copies_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "copies"
    monkeypatch.setattr(yaml_files, "CACHE_DIR", folder)
    return folder


def test_a_yaml_file_reads_the_same_from_its_copy(tmp_path: Path, copies_in: Path) -> None:
    for name in ("causes.yaml", "template_text.yaml"):
        source = REFERENCE_DIR / name
        first = yaml_files.read_yaml(source)
        assert list(copies_in.iterdir()), "a copy was kept"
        assert yaml_files.read_yaml(source) == first


def test_an_edited_yaml_file_is_read_again(tmp_path: Path, copies_in: Path) -> None:
    source = tmp_path / "words.yaml"
    source.write_text("delay: [postponed]\n", encoding="utf-8")
    assert yaml_files.read_yaml(source) == {"delay": ["postponed"]}
    source.write_text("delay: [deferred]\n", encoding="utf-8")  # same size, other words
    assert yaml_files.read_yaml(source) == {"delay": ["deferred"]}


def test_data_json_cannot_hold_is_read_from_the_yaml_every_time(tmp_path: Path, copies_in: Path) -> None:
    source = tmp_path / "odd.yaml"
    source.write_text("when: 2015-06-30\n1: one\n", encoding="utf-8")
    assert yaml_files.read_yaml(source) == {"when": datetime.date(2015, 6, 30), 1: "one"}
    assert not copies_in.exists() or not list(copies_in.iterdir())
    assert yaml_files.read_yaml(source) == {"when": datetime.date(2015, 6, 30), 1: "one"}


def test_a_damaged_copy_is_replaced(tmp_path: Path, copies_in: Path) -> None:
    source = tmp_path / "words.yaml"
    source.write_text("a: [1, 2]\n", encoding="utf-8")
    yaml_files.read_yaml(source)
    (copy,) = copies_in.iterdir()
    copy.write_text('{"key": [', encoding="utf-8")
    assert yaml_files.read_yaml(source) == {"a": [1, 2]}
    assert yaml_files.read_yaml(source) == {"a": [1, 2]}


def test_a_broken_yaml_file_is_one_error_naming_it(tmp_path: Path, copies_in: Path) -> None:
    source = tmp_path / "causes.yaml"
    source.write_text("delay: [postponed\nnot_delay: x\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError) as raised:
        yaml_files.read_yaml(source)
    assert str(raised.value).startswith("causes.yaml: not valid YAML: ")
    assert "\n" not in str(raised.value)


def test_a_second_process_reads_the_reference_data_without_parsing_yaml() -> None:
    code = ("import sys\n"
            "from loaders.lexicon import lexicon\n"
            "from loaders.reference import reference\n"
            "reference(); lexicon()\n"
            "print('yaml' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
            for _ in range(2)]
    assert [r.stdout.strip() for r in runs][-1] == "False", runs[-1].stderr
