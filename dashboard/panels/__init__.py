"""What each page shows, declared once: a panel is one chart with the table of its numbers,
its title, alt text, caption, source and the selection in words.

One module per page (`overview`, `ratings`, ...). Each holds functions
``panel(source, filters, ...) -> Panel | Empty`` and a ``PANELS`` tuple of the ones the
page's briefing pack holds; the page (dashboard/views/), the briefing pack and the export
command line (dashboard/export/) call the same functions, so an exported chart is the
chart on the page. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from dashboard.queries import Source, options
from dashboard.selection import UNMAPPED_PILLAR, UNMAPPED_PILLAR_NAME, Filters

DEMO_NOTE = "Includes demo data (fictional Parties): not real reports."


@dataclass(frozen=True)
class Empty:
    """Nothing to draw for this selection, and what to change (plain text)."""

    message: str


@dataclass
class Panel:
    """One chart ready to show or export."""

    name: str  # stable id: widget key, file name stem, `--chart` of the export CLI
    title: str
    figure: go.Figure
    table: pd.DataFrame  # the numbers the chart shows, plain-word columns (the Table tab and CSV)
    alt: str  # one-paragraph text alternative for screen readers
    caption: str  # plain text under the chart: what it counts, caveats
    source: str  # "3 progress report files (a.md, …) via out_actions" (no "Source:")
    selection: str  # the selection in words: "Cambodia; SC66; all pillars; demo data excluded"
    includes_demo: bool = False
    formats: dict[str, str] = field(default_factory=dict)  # table column -> "pct" | "points"
    full_data: pd.DataFrame | None = None  # the rows behind the chart, for "Full data" downloads
    selectable: bool = False  # bars carry their group key (customdata[0]) for selection


MAX_FILES_NAMED = 3
MAX_CHART_PARTIES = 40  # more rows than this make a chart no one can read: the table has them all


def files_source(files: Iterable[object], view: str, documents: Iterable[str] = ()) -> str:
    """"3 progress report files (a.md, b.docx, c.pdf) via the out_actions view; SC70 Doc. 27.4"
    (plain text, without "Source:")."""
    names = sorted({f for f in files if isinstance(f, str) and f})
    parts = []
    if names:
        shown = ", ".join(names[:MAX_FILES_NAMED]) + (f" and {len(names) - MAX_FILES_NAMED} more"
                                                      if len(names) > MAX_FILES_NAMED else "")
        parts.append(f"{len(names)} progress report file{'s' if len(names) != 1 else ''} ({shown}) via the {view}")
    parts += sorted(set(documents))
    return "; ".join(parts) or f"no loaded report (the {view})"


def capped(total: int, shown: int, order: str = "in the order of the chart") -> str:
    """Caption words when a chart shows only some of the selection's Parties."""
    if shown >= total:
        return ""
    return (f" The chart shows {shown} of {total} Parties ({order}) so that it stays readable; choose "
            "Parties in the sidebar to see others. The Table tab lists them all.")


def describe(source: Source, selection: Filters) -> str:
    """The selection in words, with Party and pillar names: "Cambodia; SC66; all pillars; …"."""
    names = source.ask(options.party_names, selection.parties) if selection.parties else {}
    if selection.pillars:
        pillars = source.ask(options.pillars)
        names |= dict(zip(pillars["pillar_code"], pillars["label"], strict=True))
        names[UNMAPPED_PILLAR] = UNMAPPED_PILLAR_NAME
    return selection.describe(names)
