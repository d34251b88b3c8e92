"""Median parse time per format on the test fixtures (prints figures; never fails).

    .venv/bin/python bench/parse.py [--runs N]

Each fixture is parsed once to warm caches (imports, compiled lexicons), then N times;
the table shows the median and the fastest run of the whole pipeline (read, normalise,
extract, check) and the format parser alone. Also times refusing a zip-bomb DOCX.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders.errors import ReportLoadError  # noqa: E402
from loaders.formats import read_raw  # noqa: E402
from loaders.pipeline import read_report  # noqa: E402

DATA = ROOT / "tests" / "data"
FIXTURES = [
    ("markup text", ROOT / "data/raw/cambodia_sc66_progress_report.md", 20),
    ("markup text (fr)", DATA / "text/sources/cambodia_sc66_fr.md", 20),
    ("markup text, 2017+", DATA / "text/sources/examplia_sc70.md", 20),
    ("docx", DATA / "docx/sources/cambodia_sc66.docx", 60),
    ("docx (fr)", DATA / "docx/sources/cambodia_sc66_fr.docx", 60),
    ("pdf, 6 pages", DATA / "pdf/sources/cambodia_sc66.pdf", 500),
    ("pdf (fr), 7 pages", DATA / "pdf/sources/cambodia_sc66_fr.pdf", None),
    ("pdftotext -layout", DATA / "pdftotext/sources/cambodia_sc66_layout.txt", None),
]


def timed(function, runs: int) -> list[float]:
    function()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def zip_bomb_refusal_ms() -> float:
    source = (DATA / "docx/sources/cambodia_sc66.docx").read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        with zout.open("word/media/filler.bin", "w") as member:
            for _ in range(1024):  # 1 GiB of zeros, written in chunks
                member.write(bytes(1 << 20))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bomb.docx"
        path.write_bytes(out.getvalue())
        start = time.perf_counter()
        with contextlib.suppress(ReportLoadError):
            read_raw(path)
        return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    lines = ["| format | pipeline median | min | parser alone, median | budget |", "|---|---|---|---|---|"]
    for name, path, budget in FIXTURES:
        whole = timed(lambda p=path: read_report(p), args.runs)
        parser_only = timed(lambda p=path: read_raw(p), args.runs)
        lines.append(f"| {name} | {statistics.median(whole):.1f} ms | {min(whole):.0f} ms | "
                     f"{statistics.median(parser_only):.1f} ms | {f'{budget} ms' if budget else ''} |")
    refusal = zip_bomb_refusal_ms()
    lines.append(f"\nA DOCX whose part would decompress to 1 GiB (zip bomb) is refused in {refusal:.1f} ms.")
    text = "\n".join(lines)
    print(text)
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_common import machine, replace_section

    header = f"{machine()} {args.runs} runs after one warm-up."
    replace_section(ROOT / "bench" / "results.md", "Parse", f"{header}\n\n{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
