"""Server-side script time of every dashboard page, cold and warm, at 1x, 10x and 100x,
through Streamlit's AppTest; the time of each out_* view query; the peak memory of the
process that ran the pages (prints figures; never fails).

    .venv/bin/python bench/build.py --keep /tmp/niap-bench     # builds x1/x10/x100 databases
    .venv/bin/python bench/pages.py --dir /tmp/niap-bench [--runs 3]

Cold: caches cleared, first run of the page. Warm: median of the next runs (cached queries).
The table is also written to bench/results.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VIEWS = ("out_reports", "out_actions", "out_rating_shares", "out_delay_causes", "out_funding",
         "out_timing", "out_quality_issues")

CHILD = """
import json, os, resource, statistics, sys, time
sys.path.insert(0, {root!r})
os.environ["NIAP_DB"] = {db!r}
import duckdb
import streamlit as st
from streamlit.testing.v1 import AppTest
from dashboard.navigation import VIEWS
app = os.path.join({root!r}, "dashboard", "app.py")
pages = {{}}
for _, path, title, _ in VIEWS:
    st.cache_data.clear()
    at = AppTest.from_file(app, default_timeout=300)
    at.switch_page(path)
    started = time.perf_counter(); at.run(); cold = time.perf_counter() - started
    warm = []
    for _ in range({runs}):
        started = time.perf_counter(); at.run(); warm.append(time.perf_counter() - started)
    pages[title] = {{"cold": cold, "warm": statistics.median(warm), "errors": len(at.exception)}}
con = duckdb.connect({db!r}, read_only=True)
views = {{}}
for view in {views!r}:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        con.execute(f"SELECT * FROM {{view}}").df()
        times.append(time.perf_counter() - started)
    views[view] = min(times)
print(json.dumps({{"pages": pages, "views": views,
                   "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def measure(db: Path, runs: int) -> dict:
    code = CHILD.format(root=str(ROOT), db=str(db), runs=runs, views=VIEWS)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/niap-bench"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = {}
    for scale in (1, 10, 100):
        db = args.dir / f"x{scale}.duckdb"
        if db.exists():
            print(f"pages at {scale}x ...", flush=True)
            results[scale] = measure(db, args.runs)
    if not results:
        print(f"no databases in {args.dir}: run bench/build.py --keep {args.dir} first")
        return 0
    scales = list(results)
    lines = ["| page | " + " | ".join(f"{s}x cold | {s}x warm" for s in scales) + " |",
             "|---|" + "---|---|" * len(scales)]
    for title in results[scales[0]]["pages"]:
        cells = []
        for s in scales:
            p = results[s]["pages"][title]
            flag = " (error)" if p["errors"] else ""
            cells.append(f"{p['cold']:.2f} s | {p['warm']:.2f} s{flag}")
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    lines += ["", "| view | " + " | ".join(f"{s}x" for s in scales) + " |", "|---|" + "---|" * len(scales)]
    for view in VIEWS:
        lines.append(f"| {view} | " + " | ".join(f"{results[s]['views'][view] * 1000:.0f} ms" for s in scales) + " |")
    lines += ["", "Peak memory of the process that ran all pages: "
              + ", ".join(f"{s}x {results[s]['maxrss_mb']:.0f} MB" for s in scales) + "."]
    text = "\n".join(lines)
    print(text)
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_common import machine, replace_section

    replace_section(ROOT / "bench" / "results.md", "Pages", f"{machine()}\n\n{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
