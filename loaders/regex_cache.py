"""The reference data's regular expressions, compiled once per machine rather than once per process.

Reading one report compiles about 250 of the lexicon's and the template text's patterns
(data/reference/causes.yaml, template_text.yaml): 48 ms of the 64 ms a fresh process
takes to read the sample report, and so most of `python -m loaders parse`. Python keeps
no compiled pattern between processes, so this module does, the way it keeps bytecode:
``python -m loaders.regex_cache`` (run by ``make`` with ``compileall``) compiles every
pattern of the reference data as `re` does and writes the compiled programs beside the
loaders' bytecode, in ``loaders/__pycache__/``; `compile` then builds a pattern from its
program in a few microseconds.

Safe by construction: a program is written only when the pattern built from it is equal
to ``re.compile``'s (CPython compares patterns by their program), the file is tagged with
the Python version and the regular expression engine's version, and the engine checks a
program before it runs it. A pattern the file does not hold (an edited lexicon before
``make``), a missing or stale file, or another Python: `compile` is ``re.compile``.
"""

from __future__ import annotations

import marshal
import os
import re
import sys
from array import array
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

try:  # the engine's own compiler (CPython): without it, this module is re.compile
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover - another Python
    _sre = None

CACHE_DIR = Path(__file__).resolve().parent / "__pycache__"  # beside the loaders' bytecode (ignored by git)
_FORMAT = 1
_TAG = (sys.implementation.cache_tag, getattr(_sre, "MAGIC", 0), getattr(_sre, "CODESIZE", 0), _FORMAT)
_WORD = "I"  # array type of one program word (CODESIZE 4)

Parts = tuple[int, bytes, int, dict[str, int], tuple[str | None, ...]]  # flags, program, groups, names
_kept: dict[tuple[str, int], Parts] | None = None
asked: set[tuple[str, int]] = set()  # the patterns compiled in this process (what `main` writes)


def cache_path() -> Path:
    return CACHE_DIR / f"patterns.{sys.implementation.cache_tag}.bin"


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:  # noqa: A001 - the name of what it stands for
    """``re.compile(pattern, flags)``, from its compiled program when the cache holds it."""
    flags = int(flags)
    asked.add((pattern, flags))
    parts = _cache().get((pattern, flags))
    if parts is not None:
        with suppress(RuntimeError, TypeError, ValueError, OverflowError):  # a damaged program: compile it
            program = array(_WORD, parts[1]).tolist()
            return _sre.compile(pattern, parts[0], program, parts[2], parts[3], parts[4])
    return re.compile(pattern, flags)


def _cache() -> dict[tuple[str, int], Parts]:
    global _kept
    if _kept is None:
        _kept = _read()
    return _kept


def _read() -> dict[tuple[str, int], Parts]:
    if _sre is None or array(_WORD).itemsize != _sre.CODESIZE:
        return {}
    try:
        tag, entries = marshal.loads(cache_path().read_bytes())
    except (OSError, ValueError, EOFError, TypeError):  # none yet, or damaged
        return {}
    return entries if tag == _TAG and isinstance(entries, dict) else {}


def _parts(pattern: str, flags: int) -> Parts | None:
    """What ``re.compile`` hands the engine for ``pattern`` (re._compiler.compile, step by
    step), or None when the pattern built from it would not be ``re.compile``'s own."""
    try:
        parsed = _parser.parse(pattern, flags)
        program = _compiler._code(parsed, flags)
        names = dict(parsed.state.groupdict)
        by_number: list[str | None] = [None] * parsed.state.groups
        for name, number in names.items():
            by_number[number] = name
        parts = (int(flags | parsed.state.flags), array(_WORD, program).tobytes(), parsed.state.groups - 1,
                 names, tuple(by_number))
        built = _sre.compile(pattern, parts[0], program, parts[2], parts[3], parts[4])
    except (re.error, RuntimeError, TypeError, ValueError, OverflowError, AttributeError):
        return None
    return parts if built == re.compile(pattern, flags) else None


def write(patterns: Iterable[tuple[str, int]]) -> int:
    """Write the compiled programs of ``patterns`` (atomically); how many were kept."""
    if _sre is None:
        return 0
    keys = sorted({(pattern, int(flags)) for pattern, flags in patterns})
    entries = {key: parts for key in keys if (parts := _parts(*key)) is not None}
    path = cache_path()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(exist_ok=True)
        temporary.write_bytes(marshal.dumps((_TAG, entries)))
        temporary.replace(path)
    except OSError as e:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)
        sys.stderr.write(f"note: compiled patterns not kept ({e.strerror or e}): reading stays correct, only slower\n")
        return 0
    return len(entries)


def main() -> int:
    """Compile every pattern of the reference data and keep their programs."""
    import loaders.pipeline  # noqa: F401  (every reader, with the groups of template keys it searches)
    from loaders.errors import LoaderError
    from loaders.lexicon import lexicon
    from loaders.reference import reference

    try:
        lexicon().compile_all()
        reference().templates.compile_every()
    except LoaderError as e:  # a broken reference file: the commands that need it say so
        sys.stderr.write(f"note: compiled patterns not kept: {e}\n")
        return 0
    write(asked)
    return 0


if __name__ == "__main__":
    from loaders.regex_cache import main as main_of_module  # the module the loaders import, not this copy

    sys.exit(main_of_module())
