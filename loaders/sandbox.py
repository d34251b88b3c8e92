"""Untrusted files are read in a child process with a memory cap and a time cap.

A report file comes from outside: a Word file with one table cell spanning 99,999,999
columns, or a PDF whose compressed stream inflates to gigabytes, must not take the
server down. `ParseWorker` runs a child Python process (`loaders.sandbox_child`) that reads one
file at a time with ``RLIMIT_AS`` set to ``$NIAP_PARSE_MEMORY_MB`` (1024 by default); the parent
waits at most ``$NIAP_PARSE_SECONDS`` (60) per file and kills the child past that. The
formats bound their own sizes too (loaders.formats.limits); the caps are the backstop.

The child sends back the typed models (`RawReport`, `Report`) pickled over a pipe: only
our own child's output is ever unpickled, never a file's bytes, and only classes of
loaders.models may appear in it (anything else is refused). Every failure reaches the
parent as one `BadInputError`, library exceptions included; the child's stdout and
stderr go to /dev/null, so library warnings and pdfminer's logging never reach the user
(``NIAP_DEBUG=1`` keeps stderr and prints the traceback of an unexpected error).

The child dies with its parent (Linux ``PR_SET_PDEATHSIG``), so ``kill -9`` of a load
leaves no orphan behind. What runs in the child: loaders.sandbox_child.
"""

from __future__ import annotations

import io
import os
import pickle
import select
import signal
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from loaders import errors
from loaders.errors import BadInputError, LoaderError, ReportLoadError
from loaders.sandbox_spawn import (
    DEBUG_ENV,
    DEFAULT_MEMORY_MB,
    DEFAULT_SECONDS,
    FRAME_HEADER,
    MEMORY_ENV,
    SECONDS_ENV,
    Child,
    adopt,
    caps_from_env,
    spawn,
)

__all__ = ["DEBUG_ENV", "FRAME_HEADER", "Limits", "Parsed", "ParseWorker", "limits_from_env", "parse_file"]
_START_SECONDS = 60.0  # the child's imports: seconds on a slow machine, never a minute


@dataclass(frozen=True)
class Limits:
    """What one file may take: memory of the child process (MB) and wall time (seconds)."""

    memory_mb: int = DEFAULT_MEMORY_MB
    seconds: float = DEFAULT_SECONDS


def limits_from_env() -> Limits:
    """``$NIAP_PARSE_MEMORY_MB`` and ``$NIAP_PARSE_SECONDS``, or the defaults (1024 MB, 60 s)."""
    return Limits(*caps_from_env())


class Parsed(NamedTuple):
    """What reading a file gives: the format parser's blocks and the normalised report."""

    raw: Any  # loaders.models.RawReport (not imported here: the parent need not load the parsers)
    report: Any  # loaders.models.Report


def memory_message(limits: Limits) -> str:
    return (f"reading it exceeds the memory cap of {limits.memory_mb} MB ({MEMORY_ENV}); "
            "the file is damaged or hostile, or needs a higher cap")


def time_message(limits: Limits) -> str:
    return (f"reading it takes longer than {limits.seconds:g} s, the time cap for one file ({SECONDS_ENV}); "
            "the file is damaged or hostile, or needs a higher cap")


# --- the parent's side -----------------------------------------------------------------


class _ModelsOnly(pickle.Unpickler):
    """Unpickles the child's reply, which may only hold the typed models of loaders.models and
    plain values: a child taken over by a hostile file still cannot make the parent run code."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "loaders.models" and name[:1].isupper():
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"the parser's reply holds {module}.{name}, which it may not")


class _ChildDied(Exception):
    pass


class _TimedOut(Exception):
    pass


class ParseWorker:
    """A child process that reads untrusted files one at a time under `Limits`.

    Use as a context manager, or call `close`. A child that hits a cap is killed and a new
    one starts for the next file, so one hostile file costs only itself. Use a worker in the
    thread that made it (the app: within one script run): Linux kills the child when the
    thread that started it ends.
    """

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or limits_from_env()
        self._process: Child | None = None
        self._pending: tuple[Path, float] | None = None  # the file sent and when
        self.peak_kb = 0  # the child's peak resident memory after the last file it answered for (KB)

    def __enter__(self) -> ParseWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # The child ------------------------------------------------------------------------

    def _start(self) -> Child:
        caps = (self.limits.memory_mb, self.limits.seconds)
        process = adopt(caps) or spawn(caps)
        try:
            ready = self._receive(process, time.monotonic() + _START_SECONDS)
        except (_ChildDied, _TimedOut):
            self._kill(process)
            raise RuntimeError("the parser process did not start (see the messages above)") from None
        if ready != ("ready",):
            self._kill(process)
            raise RuntimeError(f"the parser process said {ready!r} instead of being ready")
        return process

    @staticmethod
    def _kill(process: Child) -> None:
        if process.poll() is None:
            process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            if stream:
                stream.close()

    def close(self) -> None:
        """Stop the child (it also stops by itself when this process ends)."""
        process, self._process, self._pending = self._process, None, None
        if process is None:
            return
        try:
            if process.stdin:
                process.stdin.write(FRAME_HEADER.pack(0))
                process.stdin.close()
            process.wait(timeout=5)
        except (OSError, TimeoutError):
            pass
        self._kill(process)

    @staticmethod
    def _receive(process: Child, deadline: float) -> object:
        """One reply of the child, or `_TimedOut` past ``deadline``, or `_ChildDied`."""
        fd = process.stdout.fileno()

        def read(size: int) -> bytes:
            chunks, left = [], size
            while left:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise _TimedOut
                ready, _, _ = select.select([fd], [], [], remaining)
                if not ready:
                    raise _TimedOut
                chunk = os.read(fd, min(left, 1 << 20))
                if not chunk:
                    raise _ChildDied
                chunks.append(chunk)
                left -= len(chunk)
            return b"".join(chunks)

        (size,) = FRAME_HEADER.unpack(read(FRAME_HEADER.size))
        return _ModelsOnly(io.BytesIO(read(size))).load()

    # Reading a file -------------------------------------------------------------------

    def read(self, path: Path, *, max_bytes: int | None = None) -> Parsed:
        """The models of ``path``; raises `BadInputError` (one line) on any failure to read it."""
        self.submit(path, max_bytes=max_bytes)
        return self.result()

    def read_many(self, paths: Iterable[Path], *, max_bytes: int | None = None
                  ) -> Iterator[tuple[Path, Parsed | BadInputError]]:
        """Each path with its models or its error, in order. The child reads the next file
        while the caller works on this one (a build stores a report meanwhile)."""
        queue = list(paths)
        if queue:
            self.submit(queue[0], max_bytes=max_bytes)
        for i, path in enumerate(queue):
            try:
                outcome: Parsed | BadInputError = self.result()
            except BadInputError as e:
                outcome = e
            if i + 1 < len(queue):
                self.submit(queue[i + 1], max_bytes=max_bytes)
            yield path, outcome

    def submit(self, path: Path, *, max_bytes: int | None = None) -> None:
        """Send ``path`` to the child; `result` gives its outcome (one file at a time)."""
        if self._pending is not None:
            raise RuntimeError("submit() twice without result()")
        if self._process is None or self._process.poll() is not None:
            self._process = self._start()
        self._pending = (path, time.monotonic())
        request = pickle.dumps((str(path), max_bytes))
        try:
            self._process.stdin.write(FRAME_HEADER.pack(len(request)) + request)
            self._process.stdin.flush()
        except OSError:
            pass  # the child died: result() tells why

    def result(self) -> Parsed:
        """The outcome of the file `submit` sent; raises `BadInputError` (one line) on any failure."""
        if self._pending is None:
            raise RuntimeError("result() without submit()")
        (path, started), self._pending = self._pending, None
        try:
            reply = self._receive(self._process, started + self.limits.seconds)
        except _TimedOut:
            self._discard()
            raise ReportLoadError(path, time_message(self.limits)) from None
        except (_ChildDied, OSError, EOFError, pickle.UnpicklingError):
            code = self._discard()
            raise ReportLoadError(path, self._death_message(code)) from None
        return self._result(path, reply)

    def _discard(self) -> int | None:
        process, self._process = self._process, None
        if process is None:
            return None
        self._kill(process)
        return process.returncode

    def _death_message(self, code: int | None) -> str:
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"the parser stopped on it ({name}); {memory_message(self.limits)}"
        return memory_message(self.limits)

    def _result(self, path: Path, reply: tuple) -> Parsed:
        *reply, self.peak_kb = reply
        kind = reply[0]
        if kind == "ok":
            return Parsed(reply[1], reply[2])
        if kind == "memory":
            self._discard()
            raise ReportLoadError(path, memory_message(self.limits))
        if kind == "loader":
            raise LoaderError(reply[1])
        _, name, where, reason = reply
        cls = getattr(errors, name, None)
        if not (isinstance(cls, type) and issubclass(cls, BadInputError)):
            cls = ReportLoadError
        error = cls.__new__(cls)
        BadInputError.__init__(error, where, reason)
        raise error


def parse_file(path: Path, *, max_bytes: int | None = None, limits: Limits | None = None) -> Parsed:
    """Read one untrusted file in a child process (a new one: see `ParseWorker` for several)."""
    with ParseWorker(limits) as worker:
        return worker.read(path, max_bytes=max_bytes)
