"""What runs in the parse child process of loaders.sandbox (and `read_untrusted`, also in-process).

The child reads requests (a path, a size limit) on stdin and answers on a private copy of
stdout, length-prefixed pickles; its own stdout and stderr go to /dev/null. Memory is
capped with ``RLIMIT_AS`` after the imports, which are the same for every file.
"""

from __future__ import annotations

import os
import pickle
from contextlib import suppress
from pathlib import Path

from loaders.errors import BadInputError, LoaderError
from loaders.sandbox_spawn import DEBUG_ENV, FRAME_HEADER, MEMORY_ENV, PARENT_ENV


def _one_line(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_untrusted(path: Path, *, max_bytes: int | None = None) -> tuple:
    """Read ``path`` into its models, turning every failure into a reply the parent understands.

    Replies: ``("ok", raw, report)``, ``("error", class name, path, reason)`` for a file the
    user must fix, ``("loader", message)`` for a problem of the project's own data, and
    ``("memory", path)`` when the memory cap was hit.
    """
    from loaders.formats import read_raw
    from loaders.pipeline import finish

    try:
        raw = read_raw(path, max_bytes=max_bytes)
        return ("ok", raw, finish(raw))
    except BadInputError as e:
        return ("error", type(e).__name__, e.path, _one_line(e.reason, 600))
    except LoaderError as e:
        return ("loader", _one_line(str(e), 600))
    except MemoryError:
        return ("memory", str(path))
    except RecursionError:
        return ("error", "ReportLoadError", str(path),
                "its structure nests too deeply to read (a damaged or hostile file); save or export it again")
    except Exception as e:  # a library choking on a damaged file, or a bug of ours: one line either way
        import traceback

        if os.environ.get(DEBUG_ENV):
            traceback.print_exc()
        if "memory" in str(e).lower() and "allocat" in str(e).lower():  # lxml: "Memory allocation failed"
            return ("memory", str(path))
        where = traceback.extract_tb(e.__traceback__)[-1] if e.__traceback__ else None
        at = f" in {Path(where.filename).name}:{where.lineno}" if where else ""
        return ("error", "ReportLoadError", str(path),
                f"cannot read it ({type(e).__name__}{at}: {_one_line(e, 100)}); the file may be damaged: "
                "save or export it again")


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when its parent dies (kill -9 of a load leaves no orphan)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL (the signal module would import enum)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the request above
        os._exit(0)


def _limit_memory(megabytes: int) -> None:
    import resource

    cap = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash leaves no core file of an untrusted document


def _quiet() -> None:
    """Library warnings and log records never reach the user."""
    import logging
    import warnings

    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)


def _load_reference() -> None:
    """The reference data and the lexicon, loaded while the parent imports its own modules
    (every file needs them). A broken reference file is left to the first request, which
    answers with what to fix."""
    from loaders.lexicon import lexicon
    from loaders.reference import reference

    with suppress(LoaderError):
        reference()
        lexicon()


def serve() -> None:
    """The child process: requests on stdin, replies on stdout (length-prefixed pickles)."""
    _die_with_parent(int(os.environ.get(PARENT_ENV, os.getppid())))
    memory_mb = int(os.environ[MEMORY_ENV])  # the time cap is the parent's to keep
    requests = os.fdopen(os.dup(0), "rb", buffering=0)
    replies = os.fdopen(os.dup(1), "wb", buffering=0)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)  # a library that prints would corrupt the replies, or the parent's JSON
    _quiet()
    import loaders.pipeline  # noqa: F401  (loaded before the cap: the same for every file)
    from loaders.formats import read_raw  # noqa: F401

    _load_reference()
    _limit_memory(memory_mb)
    if not os.environ.get(DEBUG_ENV):
        os.dup2(devnull, 2)
    _send(replies, ("ready",))
    while True:
        request = _receive_blocking(requests)
        if request is None:
            os._exit(0)  # nothing to tidy up (replies are unbuffered): skip the interpreter's teardown
        path, max_bytes = request
        _reset_peak()
        reply = read_untrusted(Path(path), max_bytes=max_bytes)
        try:
            _send(replies, (*reply, _peak_kb()))
        except MemoryError:
            _send(replies, ("memory", path, 0))
            reply = ("memory",)
        if reply[0] == "memory":
            return  # a process that ran out of memory may be in a bad state: the parent starts another


def _peak_kb() -> int:
    """The child's peak resident memory (KB) while reading the last file: the figure the tests
    and benchmarks report. Linux's VmHWM, reset before each file (``getrusage``'s maximum would
    include the parent's memory at the fork)."""
    try:
        with Path("/proc/self/status").open(encoding="ascii") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError, IndexError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reset_peak() -> None:
    """Start the next file's peak from the memory in use now (Linux: clear_refs 5)."""
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")


def _send(stream, message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(FRAME_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_exactly(stream, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _receive_blocking(stream) -> object | None:
    header = _read_exactly(stream, FRAME_HEADER.size)
    if header is None:
        return None
    (size,) = FRAME_HEADER.unpack(header)
    if size == 0:
        return None
    data = _read_exactly(stream, size)
    return None if data is None else pickle.loads(data)  # the parent's request: a path and a number
