"""Time and peak memory of building the database at 1x, 10x and 100x (prints figures).

    .venv/bin/python bench/build.py [--scales 1,10,100] [--keep DIR]

1x is data/ as shipped (the real Cambodia report and the demo corpus of 8 fictional
Parties). 10x and 100x are generated with ``python -m loaders demo --parties 80/800``
into a temporary folder (not committed). Each build runs in a fresh process, so its
peak memory (max RSS) is its own. The table is also written to bench/results.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARTIES = {1: None, 10: 80, 100: 800}
PDF_SHARE = {10: 0.01, 100: 0.005}

CHILD = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from loaders.build import build
started = time.perf_counter()
result = build(Path({db!r}), data_dir=Path({data!r}))
seconds = time.perf_counter() - started
print(json.dumps({{"seconds": seconds, "reports": result.reports, "files": result.files,
                   "errors": len(result.errors),
                   "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                   "by_format": {{k: [len(v), sum(v)] for k, v in result.seconds_by_format.items()}}}}))
"""


def corpus(scale: int, tmp: Path) -> Path:
    """The data folder of a scale: data/ itself at 1x, a generated corpus beside the real report otherwise."""
    if scale == 1:
        return ROOT / "data"
    folder = tmp / f"x{scale}"
    (folder / "raw").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "raw" / "cambodia_sc66_progress_report.md", folder / "raw")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "loaders", "demo", "--out", str(folder / "demo"),
                    "--parties", str(PARTIES[scale]), "--pdf-share", str(PDF_SHARE[scale])],
                   cwd=ROOT, check=True)
    print(f"  generated {scale}x corpus in {time.perf_counter() - started:.0f} s", flush=True)
    return folder


def measure(scale: int, tmp: Path) -> dict:
    data = corpus(scale, tmp)
    db = tmp / f"x{scale}.duckdb"
    code = CHILD.format(root=str(ROOT), db=str(db), data=str(data))
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["db_mb"] = db.stat().st_size / 1048576
    result["db"] = str(db)
    return result


def table(results: dict[int, dict]) -> str:
    lines = ["| scale | reports | build time | peak memory | database | reports/s: text | docx | pdf |",
             "|---|---|---|---|---|---|---|---|"]
    for scale, r in results.items():
        rates = []
        for fmt in ("text", "docx", "pdf"):
            n, seconds = r["by_format"].get(fmt, [0, 0])
            rates.append(f"{n / seconds:.0f} ({n})" if seconds else "–")
        lines.append(f"| {scale}x | {r['reports']} ({r['errors']} failed) | {r['seconds']:.1f} s | "
                      f"{r['maxrss_mb']:.0f} MB | {r['db_mb']:.1f} MB | " + " | ".join(rates) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--keep", type=Path, help="keep the corpora and databases here (for bench/pages.py)")
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="niap-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    results = {}
    for scale in scales:
        print(f"building {scale}x ...", flush=True)
        results[scale] = measure(scale, tmp)
    text = table(results)
    print(text)
    write_results("Build", text)
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def write_results(section: str, text: str) -> None:
    """Replace the section of bench/results.md with the new table (machine described on top)."""
    from bench_common import machine, replace_section

    replace_section(ROOT / "bench" / "results.md", section, f"{machine()}\n\n{text}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
