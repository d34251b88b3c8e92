"""``python -m dashboard.export``: the dashboard's exports from the command line.

    python -m dashboard.export pack  --party KHM --meeting SC66 --out pack.zip [--page ratings]
    python -m dashboard.export chart --page delays --chart delays_by_cause --format png --out c.png
    python -m dashboard.export table --page funding --chart funding_by_party --format xlsx --out t.xlsx
    python -m dashboard.export list  --page ratings        # the charts a page draws

The page is run headless (Streamlit's AppTest) with the filters given, so the files are
exactly those the page offers: same charts, titles, filters, sources and demo notes.
Exit codes as for the loaders: 0 done, 2 bad usage with one ``error:`` line.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "overview": "pages/overview.py", "ratings": "pages/ratings.py", "delays": "pages/delays.py",
    "funding": "pages/funding.py", "compare": "pages/compare.py", "report": "pages/report.py",
    "quality": "pages/data_quality.py",
}


class UsageError(Exception):
    """Bad arguments: printed as one ``error:`` line, exit 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard.export", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("pack", "chart", "table", "list"):
        p = commands.add_parser(name)
        p.add_argument("--page", choices=sorted(PAGES), default="ratings")
        p.add_argument("--party", action="append", default=[], help="ISO3 code; repeat for several")
        p.add_argument("--meeting", action="append", default=[], help="e.g. SC66; repeat for several")
        p.add_argument("--pillar", action="append", default=[], help="standard pillar code; repeat")
        p.add_argument("--no-demo", action="store_true", help="leave demo data out")
        p.add_argument("--db", type=Path, help="database (default $NIAP_DB or data/niap.duckdb)")
        if name != "list":
            p.add_argument("--out", type=Path, required=True)
        if name in ("chart", "table"):
            p.add_argument("--chart", help="chart name (see `list`); default the page's first")
            p.add_argument("--format", required=True,
                           choices=("png", "svg", "pdf") if name == "chart" else ("csv", "xlsx"))
    return parser


def page_charts(args: argparse.Namespace) -> list:
    """Run the page with the filters and return the charts it drew (ChartExport objects)."""
    from streamlit.testing.v1 import AppTest

    if args.db:
        os.environ["NIAP_DB"] = str(args.db)
    db = Path(os.environ.get("NIAP_DB") or ROOT / "data" / "niap.duckdb")
    if not db.is_file():
        raise UsageError(f"{db}: no database; build it with `python -m loaders build`")
    unknown = _unknown_options(db, args)
    if unknown:
        raise UsageError(unknown)
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=300)
    app.session_state["party"] = args.party
    app.session_state["meeting"] = args.meeting
    app.session_state["pillar"] = args.pillar
    app.session_state["demo"] = not args.no_demo
    app.switch_page(PAGES[args.page])
    app.run()
    if app.exception:
        raise UsageError(f"the {args.page} page failed: {app.exception[0].value.splitlines()[0]}")
    return list(app.session_state["_niap_page_charts"]) if "_niap_page_charts" in app.session_state else []


def _unknown_options(db: Path, args: argparse.Namespace) -> str | None:
    """Codes the database does not know (checked before running the page)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        known = {
            "party": [r[0] for r in con.execute("SELECT DISTINCT party_iso3 FROM out_reports ORDER BY 1").fetchall()],
            "meeting": [r[0] for r in con.execute(
                "SELECT DISTINCT meeting_code, meeting_number FROM out_reports ORDER BY 2").fetchall()],
            "pillar": [r[0] for r in con.execute("SELECT pillar_code FROM core_codes_pillars").fetchall()] + ["other"],
        }
    finally:
        con.close()
    for key, wanted in (("party", args.party), ("meeting", args.meeting), ("pillar", args.pillar)):
        missing = sorted(set(wanted) - set(known[key]))
        if missing:
            return f"--{key} {', '.join(missing)}: not in the database (known: {', '.join(known[key][:40])})"
    return None


def _pick(charts: list, name: str | None):
    if not charts:
        raise UsageError("the page drew no chart for this selection")
    if name is None:
        return charts[0]
    for chart in charts:
        if chart.name == name:
            return chart
    raise UsageError(f"no chart {name!r} on this page; charts: {', '.join(c.name for c in charts)}")


def main(argv: list[str] | None = None) -> int:
    """Run a command; bad usage exits 2 with one ``error:`` line."""
    from dashboard import export

    args = _parser().parse_args(argv)
    try:
        charts = page_charts(args)
        if args.command == "list":
            for chart in charts:
                print(f"{chart.name}\t{chart.title}")
            return 0
        if args.command == "pack":
            if not charts:
                raise UsageError("the page drew no chart for this selection")
            selection = charts[0].subtitle
            data = export.pack(charts, selection, sorted({c.source for c in charts}))
        elif args.command == "chart":
            data = export.image(_pick(charts, args.chart), args.format)
        else:
            chart = _pick(charts, args.chart)
            columns = chart.columns or None
            data = export.to_csv(chart.data, columns) if args.format == "csv" else export.to_xlsx(chart.data, columns)
        args.out.write_bytes(data)
        print(f"wrote {args.out} ({len(data):,} bytes)")
        return 0
    except (UsageError, export.ExportUnavailable) as e:
        sys.stderr.write(f"error: {e}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
