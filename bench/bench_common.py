"""Shared by the benchmarks: describe the machine, update one section of results.md."""

from __future__ import annotations

import os
import platform
import re
from datetime import date
from pathlib import Path


def machine() -> str:
    """One line: CPU model, cores, memory, Python, date."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = int(Path("/proc/meminfo").read_text().split()[1]) / 1048576
    except OSError:
        memory = 0
    return (f"Machine: {cpu}, {os.cpu_count()} cores, {memory:.0f} GB RAM, Python {platform.python_version()}, "
            f"measured {date.today().isoformat()}, load average {os.getloadavg()[0]:.1f} when written "
            "(other work on the machine slows the figures).")


def replace_section(path: Path, section: str, body: str) -> None:
    """Write ``## section`` with ``body`` into the file, replacing an older one."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n\nWritten by bench/*.py.\n"
    block = f"## {section}\n\n{body}\n"
    pattern = re.compile(rf"^## {re.escape(section)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block
    path.write_text(text, encoding="utf-8")
