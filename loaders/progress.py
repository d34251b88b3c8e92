"""A small progress bar on stderr for multi-file work (only on a terminal)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """``[#####-----] 5/10 file.md`` redrawn in place; silent when stderr is not a TTY."""

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 30) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.width = width
        self.done = 0
        self.started = time.monotonic()
        self.enabled = total > 1 and self.stream.isatty()

    def step(self, label: str) -> None:
        """Count one item as done and redraw."""
        self.done += 1
        if not self.enabled:
            return
        filled = self.width * self.done // max(self.total, 1)
        elapsed = time.monotonic() - self.started
        bar = "#" * filled + "-" * (self.width - filled)
        line = f"\r[{bar}] {self.done}/{self.total} {elapsed:5.1f}s {label[:40]:<40}"
        self.stream.write(line)
        self.stream.flush()

    def message(self, text: str) -> None:
        """Print a line above the bar."""
        if self.enabled:
            self.stream.write("\r" + " " * (self.width + 60) + "\r")
        self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        """Clear the bar."""
        if self.enabled:
            self.stream.write("\r" + " " * (self.width + 60) + "\r")
            self.stream.flush()
