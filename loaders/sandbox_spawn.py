"""Starting the parse child of loaders.sandbox, with nothing but os, subprocess and sys.

Kept apart so that ``python -m loaders`` can start the child first thing (`prestart`): the
child imports the parsers while the parent imports the command line, side by side on two
cores, and a `loaders.sandbox.ParseWorker` with the same limits adopts it (`adopt`).
"""

from __future__ import annotations

import os
import subprocess
import sys

DEFAULT_MEMORY_MB = 1024
DEFAULT_SECONDS = 60.0
MEMORY_ENV = "NIAP_PARSE_MEMORY_MB"
SECONDS_ENV = "NIAP_PARSE_SECONDS"
PARENT_ENV = "NIAP_PARSE_PARENT"
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


def spawn(caps: Caps) -> subprocess.Popen[bytes]:
    """A new parse child (loaders.sandbox_child.serve) with these caps; it answers "ready"
    once it has imported the parsers."""
    memory_mb, seconds = caps
    env = {**os.environ, MEMORY_ENV: str(memory_mb), SECONDS_ENV: str(seconds), PARENT_ENV: str(os.getpid())}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PROJECT_ROOT, env.get("PYTHONPATH", "")) if p)
    return subprocess.Popen([sys.executable, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            env=env, close_fds=True)


_prestarted: tuple[Caps, subprocess.Popen[bytes]] | None = None


def prestart() -> None:
    """Start a parse child now with the caps of the environment. If no worker adopts it, it
    ends with this process (its stdin closes, or Linux kills it with its parent)."""
    global _prestarted
    if _prestarted is None:
        caps = caps_from_env()
        _prestarted = (caps, spawn(caps))


def adopt(caps: Caps) -> subprocess.Popen[bytes] | None:
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
