"""Starting the parse child of loaders.sandbox, with nothing but os, struct, sys and time.

Kept apart so that ``python -m loaders`` can start the child first thing (`prestart`): the
child imports the parsers while the parent imports the command line, side by side on two
cores, and a `loaders.sandbox.ParseWorker` with the same limits adopts it (`adopt`). The
child is started with ``os.posix_spawn``, not the subprocess module, whose import alone
would hold the start back by 12 ms; `Child` is the little of ``subprocess.Popen`` a
worker needs.
"""

from __future__ import annotations

import os
import struct
import sys
import time

DEFAULT_MEMORY_MB = 1024
DEFAULT_SECONDS = 60.0
MEMORY_ENV = "NIAP_PARSE_MEMORY_MB"
SECONDS_ENV = "NIAP_PARSE_SECONDS"
PARENT_ENV = "NIAP_PARSE_PARENT"
DEBUG_ENV = "NIAP_DEBUG"
FRAME_HEADER = struct.Struct("!Q")  # the length of each message between parent and child
# os.path, not pathlib: this module is imported before anything else (pathlib costs 4 ms more).
_PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # noqa: PTH100, PTH120
_CHILD = "from loaders.sandbox_child import serve; serve()"

Caps = tuple[int, float]  # the child's memory cap (MB) and the time cap per file (seconds)


def _positive(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    try:
        value = float(raw) if raw else default
    except ValueError:
        return default
    return value if value > 0 else default


def caps_from_env() -> Caps:
    """``$NIAP_PARSE_MEMORY_MB`` and ``$NIAP_PARSE_SECONDS``, or the defaults (1024 MB, 60 s)."""
    return int(_positive(MEMORY_ENV, DEFAULT_MEMORY_MB)), _positive(SECONDS_ENV, DEFAULT_SECONDS)


class Child:
    """A running parse child: its pid, the pipes to its stdin and from its stdout, and the
    ``poll``, ``wait`` and ``kill`` of ``subprocess.Popen`` (``wait`` raises TimeoutError)."""

    def __init__(self, pid: int, stdin: int, stdout: int) -> None:
        self.pid = pid
        self.stdin = os.fdopen(stdin, "wb")
        self.stdout = os.fdopen(stdout, "rb")
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """The exit code (negative: the signal that ended it), or None while it runs."""
        if self.returncode is None:
            self._reap(os.WNOHANG)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if timeout is None:
            while self.returncode is None:
                self._reap(0)
            return self.returncode
        deadline, pause = time.monotonic() + timeout, 0.0005
        while self.poll() is None:
            if time.monotonic() >= deadline:
                raise TimeoutError(f"the parse child {self.pid} still runs after {timeout:g} s")
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
        return self.returncode  # type: ignore[return-value]

    def kill(self) -> None:
        from contextlib import suppress

        if self.poll() is None:
            with suppress(ProcessLookupError):  # it ended meanwhile: wait() collects it
                os.kill(self.pid, 9)  # SIGKILL (the signal module would import enum)

    def _reap(self, options: int) -> None:
        try:
            pid, status = os.waitpid(self.pid, options)
        except ChildProcessError:  # already collected elsewhere: its code is unknown
            self.returncode = self.returncode if self.returncode is not None else 0
            return
        if pid == self.pid:
            self.returncode = os.waitstatus_to_exitcode(status)


def spawn(caps: Caps) -> Child:
    """A new parse child (loaders.sandbox_child.serve) with these caps; it answers "ready"
    once it has imported the parsers. Only its stdin and stdout are inherited: Python makes
    every other descriptor close on exec."""
    memory_mb, seconds = caps
    env = {**os.environ, MEMORY_ENV: str(memory_mb), SECONDS_ENV: str(seconds), PARENT_ENV: str(os.getpid())}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PROJECT_ROOT, env.get("PYTHONPATH", "")) if p)
    to_child, requests = os.pipe()
    replies, from_child = os.pipe()
    to_child, from_child = _above_stdio(to_child), _above_stdio(from_child)
    try:
        pid = os.posix_spawn(sys.executable, [sys.executable, "-c", _CHILD], env,
                             file_actions=[(os.POSIX_SPAWN_DUP2, to_child, 0), (os.POSIX_SPAWN_DUP2, from_child, 1)])
    except OSError:
        for fd in (to_child, requests, replies, from_child):
            os.close(fd)
        raise
    os.close(to_child)
    os.close(from_child)
    return Child(pid, requests, replies)


def _above_stdio(fd: int) -> int:
    """``fd``, moved above 2 if it is 0, 1 or 2 (this process's own stdin or stdout was closed),
    so that duplicating it onto the child's stdin or stdout always makes a new descriptor."""
    if fd > 2:
        return fd
    import fcntl

    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3)
    os.close(fd)
    return moved


_prestarted: tuple[Caps, Child] | None = None


def prestart() -> None:
    """Start a parse child now with the caps of the environment. If no worker adopts it, it
    ends with this process (its stdin closes, or Linux kills it with its parent)."""
    global _prestarted
    if _prestarted is None:
        caps = caps_from_env()
        _prestarted = (caps, spawn(caps))


def adopt(caps: Caps) -> Child | None:
    """The prestarted child if it has these caps and still runs (once), else None."""
    global _prestarted
    if _prestarted is None:
        return None
    (started_with, process), _prestarted = _prestarted, None
    if started_with == caps and process.poll() is None:
        return process
    process.kill()
    process.wait()
    return None
