"""Each floor of issue 15 next to the project's own figure, measured side by side in one run.

    .venv/bin/python bench/floors.py [--runs N] [--only a,c,...] [--db DB] [--pdf] [--no-write]

A floor is what a piece of work needs at minimum (reading a file and parsing its HTML;
one INSERT per table). The project's work and its floor run alternately, N times each
(20 by default, never fewer), and the table gives both medians and their ratio. The load
average at the start and the end is printed too: on a shared machine the absolute figures
move, the ratios much less. Prints figures, never fails on time; a row whose code cannot
run here (the dashboard in flux, no LibreOffice) says "n/a" and why.

    a  markup report, whole pipeline, warm in-process      vs read + split + HTML parse
       (twice: with the sentence cache warm, and cleared before every run)
    b  extraction of the sample, cold (fresh process)      vs the same extraction warm
    c  one 3 MB table cell, whole pipeline                 vs read + split + HTML parse
       (and a 1 MB cell with no full stop: one sentence)
    d  `python -m loaders parse sample.md`, whole process  vs `python -c pass`
    e  storing one report (store_report)                   vs the same rows, one transaction,
                                                              one INSERT per table
    f  dashboard pages, warm (AppTest; needs --db)         vs one query + one Plotly chart
    g  a ~300-page PDF report: time and peak memory (child process; needs --pdf)

The generated 3 MB cell holds the labelled note sentences of tests/data/extract (every
language: each states a delay, a cause or a funding fact, so this is the dense case),
each tagged so that no sentence repeats: nothing is read from a cache. The table is
written to bench/results.md under "Floors, <date>".
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import html.parser
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SAMPLE = ROOT / "data" / "raw" / "cambodia_sc66_progress_report.md"
SENTENCES = ROOT / "tests" / "data" / "extract" / "labelled_sentences.csv"
CACHE = Path(tempfile.gettempdir()) / "niap-bench-floors"  # generated inputs, kept between runs
FIRST_NOTE = "<li>• Consultations have been held within FA and drafting of the Prakas has begun.</li>"
MIN_RUNS = 20


# --- inputs -----------------------------------------------------------------------------


NATO = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett", "kilo",
        "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform", "victor",
        "whiskey", "xray", "yankee", "zulu")


def tag(i: int) -> str:
    """A different name for each number, from a small vocabulary ("alpha alpha alpha bravo"):
    the sentences differ, their words do not (a real text's vocabulary is bounded too)."""
    return " ".join(NATO[(i // 26**k) % 26] for k in range(4))


def note_sentences(size: int, *, no_stops: bool = False) -> list[str]:
    """Realistic note sentences, about ``size`` characters in all, each tagged so that
    none repeats (see `tag`); with ``no_stops``, their own full stops and semicolons
    become commas."""
    with SENTENCES.open(encoding="utf-8", newline="") as handle:
        sentences = [row["sentence"].strip() for row in csv.DictReader(handle)]
    out, total, i = [], 0, 0
    while total < size:
        sentence = sentences[i % len(sentences)].rstrip(".")
        if no_stops:
            sentence = re.sub(r"[.!?;]", ",", sentence)
        out.append(f"{sentence} (ref {tag(i)}).")
        total += len(out[-1]) + 1
        i += 1
    return out


def big_cell_report(size: int, *, one_sentence: bool = False) -> Path:
    """The sample report with the first note of action 1.1 replaced by ``size`` characters
    of note sentences in one table cell (joined by bullets, with no full stop, when
    ``one_sentence``)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"cell_{size}{'_one_sentence' if one_sentence else ''}.md"
    if not path.exists():
        sentences = note_sentences(size, no_stops=one_sentence)
        body = " • ".join(s.rstrip(".") for s in sentences) if one_sentence else " ".join(sentences)
        source = SAMPLE.read_text(encoding="utf-8")
        if FIRST_NOTE not in source:
            raise RuntimeError("the sample report changed: update FIRST_NOTE in bench/floors.py")
        path.write_text(source.replace(FIRST_NOTE, body, 1), encoding="utf-8")
    return path


# --- floors -----------------------------------------------------------------------------


class _Text(html.parser.HTMLParser):
    """Keeps the text of the HTML it is fed (what a cell parser needs at least)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def markup_floor(path: Path) -> int:
    """Read the file, split it into lines and cells, parse each cell's HTML."""
    text = path.read_bytes().decode("utf-8")
    parser = _Text()
    cells = 0
    for line in text.splitlines():
        for cell in line.split("\t"):
            if "<" in cell:
                parser.feed(cell)
                parser.close()
                parser.reset()
            cells += 1
    return cells


# --- measuring --------------------------------------------------------------------------


def side_by_side(work: Callable[[], object], floor: Callable[[], object], runs: int,
                 clock: Callable[[], float] = time.perf_counter) -> tuple[list[float], list[float]]:
    """Seconds of ``work`` and of ``floor``, run alternately (the first of each pair swaps)."""
    work(), floor()  # warm both
    mine, least = [], []
    for i in range(runs):
        pair = ((work, mine), (floor, least)) if i % 2 == 0 else ((floor, least), (work, mine))
        for function, times in pair:
            started = clock()
            function()
            times.append(clock() - started)
    return mine, least


def child(code: str, *args: str, timeout: float = 600) -> dict:
    """Run Python ``code`` in a fresh process (cwd: the project); its last line of output as JSON."""
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True,
                         timeout=timeout, check=False)
    if out.returncode != 0:
        raise RuntimeError((out.stderr.strip().splitlines() or ["no output"])[-1])
    return json.loads(out.stdout.strip().splitlines()[-1])


class Table:
    """The rows of the report: work, project, floor, ratio, target, runs."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, ...]] = []
        self.notes: list[str] = []

    def add(self, work: str, mine: float | str, floor: float | str, unit: str, target: str, runs: int | str,
            ratio: float | None = None) -> None:
        if isinstance(mine, str) or isinstance(floor, str):
            row = (work, str(mine), str(floor), "–", target, str(runs))
        else:
            ratio = ratio if ratio is not None else (mine / floor if floor else float("nan"))
            row = (work, _figure(mine, unit), _figure(floor, unit), f"{ratio:.1f}×", target, str(runs))
        self.rows.append(row)
        print("  " + " | ".join(row), flush=True)

    def unavailable(self, work: str, why: str) -> None:
        self.add(work, "n/a", "n/a", "", "", "–")
        self.notes.append(f"{work}: n/a ({why})")
        print(f"    n/a: {why}", flush=True)

    def markdown(self) -> str:
        lines = ["| work | project | floor | ratio | target | runs |", "|---|---|---|---|---|---|"]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines + ([""] + [f"- {note}" for note in self.notes] if self.notes else []))


def _figure(seconds: float, unit: str) -> str:
    if unit == "MB":
        return f"{seconds:.0f} MB"
    if unit == "s" or seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.1f} ms" if seconds >= 0.001 else f"{seconds * 1e6:.0f} µs"


def median(values: list[float]) -> float:
    return statistics.median(values)


# --- the rows ---------------------------------------------------------------------------


def forget_sentences() -> None:
    """Empty the caches of sentences read and of the template's lines recognised (and
    those of earlier versions of the loaders, so that they are measured the same way)."""
    from loaders import extract, lexicon, reference

    for holder, name in ((extract, "_read_remembered"), (lexicon, "_scan"), (lexicon, "_word_index")):
        cached = getattr(holder, name, None)
        if cached is not None:
            cached.cache_clear()
    seen = getattr(extract, "_seen_once", None)  # the sentences seen once (remembered the second time)
    if seen is not None:
        seen.clear()
    forget = getattr(reference.reference().templates, "forget", None)  # the template lines' answers
    if forget is not None:
        forget()


def markup_pipeline(table: Table, runs: int) -> None:
    from loaders.pipeline import read_report

    mine, least = side_by_side(lambda: read_report(SAMPLE), lambda: markup_floor(SAMPLE), runs)
    table.add("markup report, whole pipeline, warm in-process (sentence cache warm)", median(mine), median(least),
              "ms", "≤ 6×", runs)

    def fresh() -> None:
        forget_sentences()
        read_report(SAMPLE)

    mine, least = side_by_side(fresh, lambda: markup_floor(SAMPLE), runs)
    table.add("markup report, whole pipeline, warm in-process (caches of sentences and lines cleared)", median(mine),
              median(least), "ms", "≤ 6×", runs)


COLD_EXTRACTION = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, ".")
from loaders.formats import read_raw
from loaders.normalise import normalise
from loaders import extract
path = Path(sys.argv[1])
report = normalise(read_raw(path))
t0 = time.perf_counter()
extract.lexicon()
t1 = time.perf_counter()
extract.extract(report)
t2 = time.perf_counter()
sys.path.insert(0, "bench")
from floors import forget_sentences
warm = []
for _ in range(5):
    report = normalise(read_raw(path))
    forget_sentences()
    started = time.perf_counter()
    extract.extract(report)
    warm.append(time.perf_counter() - started)
warm.sort()
print(json.dumps({"cold": t2 - t0, "lexicon": t1 - t0, "warm": warm[len(warm) // 2]}))
"""


def cold_extraction(table: Table, runs: int) -> None:
    found = [child(COLD_EXTRACTION, str(SAMPLE)) for _ in range(runs)]
    cold = median([f["cold"] for f in found])
    warm = median([f["warm"] for f in found])
    table.add("extraction of the sample, cold (fresh process: lexicon loaded, phrases compiled as needed) "
              "vs warm (sentence cache cleared)", cold, warm, "ms", "–", runs)
    table.notes.append(f"b: of the cold extraction, loading the lexicon (YAML, no pattern compiled yet) took "
                       f"{median([f['lexicon'] for f in found]) * 1000:.1f} ms (median)")


def big_cell(table: Table, runs: int) -> None:
    from loaders.pipeline import read_report

    def fresh(path: Path) -> None:
        forget_sentences()
        read_report(path)

    path = big_cell_report(3_000_000)
    mine, least = side_by_side(lambda: fresh(path), lambda: markup_floor(path), runs)
    table.add("one 3 MB table cell (note sentences, none repeated), whole pipeline", median(mine), median(least),
              "s", "< 2 s", runs)
    path = big_cell_report(1_000_000, one_sentence=True)
    mine, least = side_by_side(lambda: fresh(path), lambda: markup_floor(path), runs)
    table.add("one 1 MB table cell with no full stop (one sentence), whole pipeline", median(mine),
              median(least), "s", "linear", runs)


def cli_parse(table: Table, runs: int) -> None:
    def run(*args: str) -> Callable[[], None]:
        command = [sys.executable, *args]
        return lambda: subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)

    # The project's bytecode and compiled patterns, as `make` writes them (where
    # PYTHONDONTWRITEBYTECODE is set, every run would otherwise compile the loaders again, in
    # the parent and in the parse child; every run compiles the patterns it needs otherwise).
    for prepare in (["-m", "compileall", "-q", "loaders"], ["-m", "loaders.regex_cache"]):
        subprocess.run([sys.executable, *prepare], cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
    mine, least = side_by_side(run("-m", "loaders", "parse", str(SAMPLE.relative_to(ROOT))),
                               run("-c", "pass"), runs)
    table.add("`python -m loaders parse sample.md`, whole process (vs `python -c pass`)", median(mine),
              median(least), "s", "≤ 0.3 s", runs)


def store_one_report(table: Table, runs: int) -> None:
    """As in a build: one open connection per side, the report stored again and again
    (its rows deleted between runs, off the clock). The floor commits like the project
    does (a file database syncs its log at every commit); the note gives the inserts
    alone, what each report costs when a bulk store commits once for all."""
    import duckdb

    from loaders.database import connect
    from loaders.formats import read_raw
    from loaders.pipeline import finish
    from loaders.store import load_reference, store_report

    work = Path(tempfile.mkdtemp(prefix="floors-store-"))
    try:
        template = work / "template.duckdb"
        con = connect(template)
        load_reference(con)
        con.close()
        raw = read_raw(SAMPLE)
        report = finish(read_raw(SAMPLE))
        rows = _rows_written(template, work / "probe.duckdb", lambda c: store_report(c, raw, report,
                                                                                     keep_history=False))
        sides = {}
        for kind in ("project", "floor"):
            shutil.copyfile(template, work / f"{kind}.duckdb")
            sides[kind] = duckdb.connect(str(work / f"{kind}.duckdb"))
        for name, data in rows:
            sides["floor"].register(f"_rows_{name}", data)
            if sides["floor"].execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]:
                raise RuntimeError(f"{name} has rows before the report is stored: the runs cannot be repeated")
        mine, least, inserts = [], [], []
        for i in range(runs + 1):
            order = (("project", mine), ("floor", least)) if i % 2 == 0 else (("floor", least), ("project", mine))
            for kind, times in order:
                con = sides[kind]
                for name, _ in reversed(rows):  # children first
                    con.execute(f"DELETE FROM {name}")
                started = time.perf_counter()
                if kind == "project":
                    store_report(con, raw, report, keep_history=False)
                else:
                    con.execute("BEGIN")
                    for name, _ in rows:
                        con.execute(f"INSERT INTO {name} SELECT * FROM _rows_{name}")
                    inserted = time.perf_counter()
                    con.execute("COMMIT")
                elapsed = time.perf_counter() - started
                if i:  # the first pair warms both
                    times.append(elapsed)
                    if kind == "floor":
                        inserts.append(inserted - started)
        for con in sides.values():
            con.close()
        table.add("storing one report (store_report, warm connection) vs the same rows, one transaction, "
                  "one INSERT per table", median(mine), median(least), "ms", "≤ 2×", runs)
        table.notes.append(f"e: the sample report writes {sum(d.num_rows for _, d in rows)} rows in {len(rows)} "
                           f"tables; the floor's inserts alone (a bulk store, one commit for all reports) took "
                           f"{median(inserts) * 1000:.1f} ms, its commit the rest")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _rows_written(template: Path, probe: Path, store: Callable) -> list[tuple[str, object]]:
    """(table, Arrow rows) of every table a store adds rows to, in creation order (parents first)."""
    import duckdb

    shutil.copyfile(template, probe)
    con = duckdb.connect(str(probe))
    store(con)
    con.execute(f"ATTACH '{template}' AS before (READ_ONLY)")
    names = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' ORDER BY table_oid").fetchall()]
    rows = []
    for name in names:
        relation = con.sql(f"SELECT * FROM main.{name} EXCEPT ALL SELECT * FROM before.main.{name}")
        data = (getattr(relation, "to_arrow_table", None) or relation.arrow)()  # DuckDB 2 / 1
        if data.num_rows:
            rows.append((name, data))
    con.close()
    return rows


PAGES = """
import json, os, statistics, sys, time
sys.path.insert(0, ".")
os.environ["NIAP_DB"] = sys.argv[1]
runs = int(sys.argv[2])
from streamlit.testing.v1 import AppTest
from dashboard.navigation import VIEWS
FLOOR = '''
import duckdb, plotly.express as px, streamlit as st
con = duckdb.connect(%r, read_only=True)
df = con.execute("SELECT rating_code, count(*) AS n FROM out_actions GROUP BY rating_code ORDER BY rating_code").df()
st.plotly_chart(px.bar(df, x="rating_code", y="n", title="Actions by rating"))
''' % sys.argv[1]
floor = AppTest.from_string(FLOOR, default_timeout=300)
floor.run()
found = {}
for _, path, title, _ in VIEWS:
    page = AppTest.from_file("dashboard/app.py", default_timeout=300)
    page.switch_page(path)
    page.run()
    mine, least = [], []
    for i in range(runs):
        for at, times in ((page, mine), (floor, least)) if i % 2 == 0 else ((floor, least), (page, mine)):
            started = time.perf_counter(); at.run(); times.append(time.perf_counter() - started)
    found[title] = [statistics.median(mine), statistics.median(least), len(page.exception)]
print(json.dumps(found))
"""


def pages(table: Table, runs: int, db: Path | None) -> None:
    if db is None:
        table.unavailable("dashboard pages, warm, vs one query + one Plotly chart",
                          "give --db with a built database, e.g. from `python -m loaders build --db ...`")
        return
    try:
        found = child(PAGES, str(db), str(runs), timeout=3600)
    except Exception as e:  # the dashboard may be in flux: say so, do not stop the other rows
        table.unavailable("dashboard pages, warm, vs one query + one Plotly chart", str(e)[:200])
        return
    for title, (mine, least, errors) in found.items():
        table.add(f"page {title}, warm (AppTest){' – raised' if errors else ''}", mine, least, "ms", "≤ 2×", runs)


LONG_PDF_PAGES = 300
PDF_CHILD = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, ".")
from loaders.pipeline import read_report
started = time.perf_counter()
report = read_report(Path(sys.argv[1]))
print(json.dumps({"seconds": time.perf_counter() - started, "actions": len(report.actions),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def long_pdf() -> Path:
    """A report of about 300 pages: the sample with long notes, as DOCX, printed by LibreOffice."""
    CACHE.mkdir(exist_ok=True)
    pdf = CACHE / f"long_report_{LONG_PDF_PAGES}.pdf"
    if pdf.exists():
        return pdf
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    from loaders.devtools.render_docx import markup_to_docx

    notes = note_sentences(LONG_PDF_PAGES * 1_350)  # LibreOffice sets about 1 350 characters of notes a page
    per_item = 10
    items = "".join(f"<li>{' '.join(notes[i:i + per_item])}</li>" for i in range(0, len(notes), per_item))
    source = SAMPLE.read_text(encoding="utf-8").replace(FIRST_NOTE, items, 1)
    docx = pdf.with_suffix(".docx")
    markup_to_docx(source, docx)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(CACHE), str(docx)], check=True, capture_output=True, timeout=1800)
    return pdf


def pdf_memory(table: Table, runs: int, wanted: bool) -> None:
    work = f"a ~{LONG_PDF_PAGES}-page PDF report, whole pipeline (child process): peak memory"
    if not wanted:
        table.unavailable(work, "slow: run with --pdf")
        return
    try:
        pdf = long_pdf()
        found = [child(PDF_CHILD, str(pdf), timeout=3600) for _ in range(min(runs, 3))]
    except Exception as e:
        table.unavailable(work, str(e)[:200])
        return
    pages_found = _pdf_pages(pdf)
    peak = median([f["peak_mb"] for f in found])
    table.add(work.replace(f"~{LONG_PDF_PAGES}", str(pages_found or "?")), f"{peak:.0f} MB", "–", "", "≤ 400 MB",
              len(found))
    table.notes.append(f"g: that PDF took {median([f['seconds'] for f in found]):.1f} s (median) "
                       f"and gave {found[0]['actions']} actions")


def _pdf_pages(pdf: Path) -> int | None:
    with contextlib.suppress(Exception):
        from pdfminer.pdfpage import PDFPage

        with pdf.open("rb") as handle:
            return sum(1 for _ in PDFPage.get_pages(handle))
    return None


ROWS = {
    "a": lambda t, a: markup_pipeline(t, a.runs),
    "b": lambda t, a: cold_extraction(t, a.runs),
    "c": lambda t, a: big_cell(t, a.runs),
    "d": lambda t, a: cli_parse(t, a.runs),
    "e": lambda t, a: store_one_report(t, a.runs),
    "f": lambda t, a: pages(t, a.runs, a.db),
    "g": lambda t, a: pdf_memory(t, a.runs, a.pdf),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=MIN_RUNS, help=f"runs of each side (at least {MIN_RUNS})")
    parser.add_argument("--only", default="".join(ROWS), help="rows to measure, e.g. a,c (default: all)")
    parser.add_argument("--db", type=Path, help="a built database, for the pages row (f)")
    parser.add_argument("--pdf", action="store_true", help="measure the long PDF (g): slow the first time")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results.md")
    parser.add_argument("--allow-few-runs", action="store_true", help=argparse.SUPPRESS)  # for a quick look
    args = parser.parse_args()
    if args.runs < MIN_RUNS and not args.allow_few_runs:
        parser.error(f"--runs must be at least {MIN_RUNS}: medians of fewer runs mislead on a shared machine")
    from bench_common import machine, replace_section

    start_load = os.getloadavg()
    print(f"load average at start: {_load(start_load)}", flush=True)
    table = Table()
    for key in [k for k in args.only.replace(",", "") if k in ROWS]:
        try:
            ROWS[key](table, args)
        except Exception as e:  # one row's failure does not lose the others
            table.unavailable(f"row {key}", f"{type(e).__name__}: {str(e)[:200]}")
    end_load = os.getloadavg()
    print(f"load average at end: {_load(end_load)}", flush=True)
    body = (f"{machine()} Load average (1, 5, 15 min) at the start {_load(start_load)}, at the end "
            f"{_load(end_load)}. Medians of runs alternating the project's work and its floor.\n\n"
            f"{table.markdown()}")
    print()
    print(body)
    if not args.no_write:
        replace_section(ROOT / "bench" / "results.md", f"Floors, {date.today().isoformat()}", body)
    return 0


def _load(values: tuple[float, float, float]) -> str:
    return ", ".join(f"{v:.1f}" for v in values)


if __name__ == "__main__":
    sys.exit(main())
