"""``python -m dashboard.export``: the dashboard's exports from the command line.

    python -m dashboard.export pack  --party KHM --meeting SC66 --out pack.zip [--page ratings]
    python -m dashboard.export chart --page delays --chart delays_by_cause --format png --out c.png
    python -m dashboard.export table --page funding --chart funding_by_party --format xlsx --out t.xlsx
    python -m dashboard.export list  --page ratings        # the charts a page draws

The files are made by the same panel functions the pages call (dashboard/panels/), with
the filters given, so they are the charts a page offers: same titles, selection, sources
and demo notes. Exit codes as for the loaders: 0 done, 2 bad usage with one ``error:`` line.
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
    from dashboard.panels import compare, delays, funding, overview, quality, ratings, report

    return {"overview": overview.PANELS, "ratings": ratings.PANELS, "delays": delays.PANELS,
            "funding": funding.PANELS, "compare": compare.PANELS, "report": report.PANELS,
            "quality": quality.PANELS}


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
        p.add_argument("--db", type=Path, help="database (default $NIAP_DB or data/niap.duckdb)")
        if name != "list":
            p.add_argument("--out", type=Path, required=True)
        if name in ("chart", "table"):
            p.add_argument("--chart", help="chart name (see `list`); default the page's first")
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
        selection = Filters(tuple(args.party), tuple(args.meeting), tuple(args.pillar), not args.no_demo)
        made = [panel(source, selection) for panel in _pages()[args.page]]
    finally:
        con.close()
    return [p for p in made if isinstance(p, Panel)]


def _unknown_options(con, args: argparse.Namespace) -> str | None:
    """Codes the database does not know."""
    known = {
        "party": [r[0] for r in con.execute(
            "SELECT party_iso3 FROM out_parties WHERE n_reports > 0 ORDER BY 1").fetchall()],
        "meeting": [r[0] for r in con.execute(
            "SELECT meeting_code FROM out_meetings WHERE n_reports > 0 ORDER BY number").fetchall()],
        "pillar": [r[0] for r in con.execute("SELECT pillar_code FROM out_codes_pillars").fetchall()] + ["other"],
    }
    for key, wanted in (("party", args.party), ("meeting", args.meeting), ("pillar", args.pillar)):
        missing = sorted(set(wanted) - set(known[key]))
        if missing:
            return f"--{key} {', '.join(missing)}: not in the database (known: {', '.join(known[key][:40])})"
    return None


def _pick(panels: list, name: str | None):
    if not panels:
        raise UsageError("the page draws no chart for this selection")
    if name is None:
        return panels[0]
    for panel in panels:
        if panel.name == name:
            return panel
    raise UsageError(f"no chart {name!r} on this page; charts: {', '.join(p.name for p in panels)}")


def main(argv: list[str] | None = None) -> int:
    """Run a command; bad usage exits 2 with one ``error:`` line."""
    from dashboard.export import images, pack, tables

    args = _parser().parse_args(argv)
    try:
        panels = page_panels(args)
        if args.command == "list":
            for panel in panels:
                print(f"{panel.name}\t{panel.title}")
            return 0
        if args.command == "pack":
            if not panels:
                raise UsageError("the page draws no chart for this selection")
            data = pack.pack(panels, panels[0].selection, sorted({p.source for p in panels}))
        elif args.command == "chart":
            data = images.image(_pick(panels, args.chart), args.format)
        else:
            panel = _pick(panels, args.chart)
            data = tables.to_csv(panel.table) if args.format == "csv" else tables.to_xlsx(panel.table)
        if not args.out.parent.is_dir():
            raise UsageError(f"{args.out.parent}: no such folder for --out")
        args.out.write_bytes(data)
        print(f"wrote {args.out} ({len(data):,} bytes)")
        return 0
    except (UsageError, images.ExportUnavailable, OSError) as e:
        sys.stderr.write(f"error: {e}\n")
        return 2
