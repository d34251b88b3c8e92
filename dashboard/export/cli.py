"""``python -m dashboard.export``: the dashboard's exports from the command line.

    python -m dashboard.export pack  --party KHM --meeting SC66 --out pack.zip [--page ratings]
    python -m dashboard.export chart --page delays --chart delays_by_cause --format png --out c.png
    python -m dashboard.export table --page funding --format xlsx --out t.xlsx   # the action list
    python -m dashboard.export table --page funding --chart funding_by_party --format csv --out t.csv
    python -m dashboard.export list  --page funding        # the charts and tables of a page

The files are made by the same panel functions the pages call (dashboard/panels/, and the
action lists of dashboard/export/lists.py), with the filters given, so they are the charts
and tables a page offers: same titles, selection, sources and demo notes. `table` writes a
page's action list when it has one (Delays, Funding), else the numbers of its first chart;
``--chart`` (or ``--table``) names another. Exit codes as for the loaders: 0 done, 2 bad
usage with one ``error:`` line.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class UsageError(Exception):
    """Bad arguments: printed as one ``error:`` line, exit 2."""


def _pages() -> dict[str, tuple]:
    """page -> the functions making its charts, then its action lists (tables only)."""
    from dashboard.export.lists import LISTS
    from dashboard.panels import compare, delays, funding, overview, quality, ratings, report

    charts = {"overview": overview.PANELS, "ratings": ratings.PANELS, "delays": delays.PANELS,
              "funding": funding.PANELS, "compare": compare.PANELS, "report": report.PANELS,
              "quality": quality.PANELS}
    return {page: (*made, *LISTS.get(page, ())) for page, made in charts.items()}


PAGE_NAMES = ("overview", "ratings", "delays", "funding", "compare", "report", "quality")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard.export", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("pack", "chart", "table", "list"):
        p = commands.add_parser(name)
        p.add_argument("--page", choices=PAGE_NAMES, default="ratings")
        p.add_argument("--party", action="append", default=[], help="ISO3 code; repeat for several")
        p.add_argument("--meeting", action="append", default=[], help="e.g. SC66; repeat for several")
        p.add_argument("--pillar", action="append", default=[], help="standard pillar code; repeat")
        p.add_argument("--no-demo", action="store_true", help="leave demo data out")
        p.add_argument("--history", action="store_true",
                       help="count every report (an action counts once per report), not each Party's latest")
        p.add_argument("--db", type=Path, help="database (default $NIAP_DB or data/niap.duckdb)")
        if name != "list":
            p.add_argument("--out", type=Path, required=True)
        if name in ("chart", "table"):
            p.add_argument("--chart", "--table", dest="chart",
                           help="chart or table name (see `list`); default: the page's first chart, or "
                                "for `table` its action list")
            p.add_argument("--format", required=True,
                           choices=("png", "svg", "pdf") if name == "chart" else ("csv", "xlsx"))
    return parser


def page_panels(args: argparse.Namespace) -> list:
    """The panels the page shows for the filters given (those with something to draw)."""
    import duckdb

    from dashboard.panels import Panel
    from dashboard.queries import Direct
    from dashboard.selection import Filters

    db = args.db or Path(os.environ.get("NIAP_DB") or ROOT / "data" / "niap.duckdb")
    if not db.is_file():
        raise UsageError(f"{db}: no database; build it with `python -m loaders build`")
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as e:
        raise UsageError(f"{db}: cannot open the database ({str(e).splitlines()[0]})") from e
    try:
        unknown = _unknown_options(con, args)
        if unknown:
            raise UsageError(unknown)
        source = Direct(con)
        selection = Filters(tuple(args.party), tuple(args.meeting), tuple(args.pillar), not args.no_demo,
                            args.history)
        made = [panel(source, selection) for panel in _pages()[args.page]]
    finally:
        con.close()
    return [p for p in made if isinstance(p, Panel)]


def _unknown_options(con, args: argparse.Namespace) -> str | None:
    """Codes the database does not know."""
    known = {
        "party": [r[0] for r in con.execute("SELECT party_iso3 FROM out_parties ORDER BY 1").fetchall()],
        "meeting": [r[0] for r in con.execute("SELECT meeting_code FROM out_meetings ORDER BY number").fetchall()],
        "pillar": [r[0] for r in con.execute("SELECT pillar_code FROM out_codes_pillars").fetchall()] + ["other"],
    }
    for key, wanted in (("party", args.party), ("meeting", args.meeting), ("pillar", args.pillar)):
        missing = sorted(set(wanted) - set(known[key]))
        if missing:
            return f"--{key} {', '.join(missing)}: not in the database (known: {', '.join(known[key][:40])})"
    return None


def _pick(panels: list, name: str | None, command: str):
    """The panel ``--chart`` names, or the command's default (see the module docstring)."""
    charts = [p for p in panels if p.figure is not None]
    lists = [p for p in panels if p.figure is None]
    if name is None:
        found = (lists or charts) if command == "table" else charts
        if not found:
            raise UsageError(f"the page has no {'table' if command == 'table' else 'chart'} for this selection")
        return found[0]
    for panel in panels:
        if panel.name == name:
            if command == "chart" and panel.figure is None:
                raise UsageError(f"{name} is a table: use `table --chart {name} --format csv|xlsx`")
            return panel
    raise UsageError(f"no chart or table {name!r} on this page for this selection; it has: "
                     f"{', '.join(p.name for p in panels) or 'nothing'}")


def main(argv: list[str] | None = None) -> int:
    """Run a command; bad usage exits 2 with one ``error:`` line."""
    from dashboard.export import images, pack, tables

    args = _parser().parse_args(argv)
    try:
        panels = page_panels(args)
        if args.command == "list":
            for panel in panels:
                print(f"{panel.name}\t{'chart' if panel.figure is not None else 'table'}\t{panel.title}")
            return 0
        if args.command == "pack":
            if not panels:
                raise UsageError("the page draws no chart for this selection")
            data = pack.pack(panels, panels[0].selection, sorted({p.source for p in panels}))
        elif args.command == "chart":
            data = images.image(_pick(panels, args.chart, "chart"), args.format)
        else:
            panel = _pick(panels, args.chart, "table")
            table = tables.stamped(panel.table, includes_demo=panel.includes_demo)
            data = (tables.to_csv(table) if args.format == "csv"
                    else tables.to_xlsx(table, notes=tables.panel_notes(panel)))
        if not args.out.parent.is_dir():
            raise UsageError(f"{args.out.parent}: no such folder for --out")
        args.out.write_bytes(data)
        print(f"wrote {args.out} ({len(data):,} bytes)")
        return 0
    except (UsageError, images.ExportUnavailable, OSError) as e:
        sys.stderr.write(f"error: {e}\n")
        return 2
    finally:
        images.stop()  # the browser kaleido started, before Python tidies up its temporary folder
