"""What each page shows, declared once: a panel is one chart with the table of its numbers,
its title, alt text, caption, source and the selection in words.

One module per page (`overview`, `ratings`, ...). Each holds functions
``panel(source, filters, ...) -> Panel | Empty`` and a ``PANELS`` tuple of the ones the
page's briefing pack holds; the page (dashboard/views/), the briefing pack and the export
command line (dashboard/export/) call the same functions, so an exported chart is the
chart on the page. A panel without a figure is a table only (an action list: see
`dashboard.export.lists`): it goes into exports and briefing packs as CSV and XLSX.
No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from dashboard.queries import DEMO_MARK, Source, options
from dashboard.selection import UNMAPPED_PILLAR, UNMAPPED_PILLAR_NAME, Filters

DEMO_NOTE = "Includes demo data (fictional Parties): not real reports."
NO_DEMO_NOTE = "No demo data: real Parties only."
DEMO_SWITCHED_ON = "demo data included"  # `Filters.describe` words for the demo switch on
NO_DEMO_SHOWN = "no demo data"  # what a panel's selection says instead when it shows no demo row


@dataclass(frozen=True)
class Empty:
    """Nothing to draw for this selection, and what to change (plain text)."""

    message: str


@dataclass
class Panel:
    """One chart ready to show or export (or, with ``figure=None``, a table only).

    ``selection`` says "no demo data" instead of "demo data included" when the panel
    shows no demo row (the switch is on but nothing fictional is in it); ``shown_selection``
    keeps the words the on-screen figure was drawn with."""

    name: str  # stable id: widget key, file name stem, `--chart` of the export CLI
    title: str
    figure: go.Figure | None  # None: a table only (no image, no slide)
    table: pd.DataFrame  # the numbers the chart shows, plain-word columns (the Table tab and CSV)
    alt: str  # one-paragraph text alternative for screen readers
    caption: str  # plain text under the chart: what it counts, caveats
    source: str  # "3 progress report files (a.md, …) via out_actions" (no "Source:")
    selection: str  # the selection in words: "Cambodia; SC66; all pillars; demo data excluded"
    includes_demo: bool = False
    formats: dict[str, str] = field(default_factory=dict)  # table column -> "pct" | "points"
    full_data: pd.DataFrame | None = None  # the rows behind the chart, for "Full data" downloads
    selectable: bool = False  # bars carry their group key (customdata[0]) for selection
    shown_selection: str = field(init=False, repr=False, default="")

    def __post_init__(self) -> None:
        self.shown_selection = self.selection
        if not self.includes_demo:
            self.selection = self.selection.replace(DEMO_SWITCHED_ON, NO_DEMO_SHOWN)

    @property
    def demo_note(self) -> str:
        """What exports say about demo data: the warning, or that there is none."""
        return DEMO_NOTE if self.includes_demo else NO_DEMO_NOTE


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
    parts += dict.fromkeys(part for d in sorted(set(map(str, documents))) for part in d.split("; ") if part)
    return "; ".join(parts) or f"no loaded report (the {view})"


def capped(total: int, shown: int, order: str = "in the order of the chart") -> str:
    """Caption words when a chart shows only some of the selection's Parties."""
    if shown >= total:
        return ""
    return (f" The chart shows {shown} of {total} Parties ({order}) so that it stays readable; choose "
            "Parties in the sidebar to see others. The Table tab lists them all.")


def describe(source: Source, selection: Filters) -> str:
    """The selection in words, with Party and pillar names: "Cambodia; SC66; all pillars; …";
    "no demo data" when the Parties chosen are all real (whatever the demo switch)."""
    names = source.ask(options.party_names, selection.parties) if selection.parties else {}
    real = bool(names) and not any(str(n).endswith(DEMO_MARK) for n in names.values())
    if selection.pillars:
        pillars = source.ask(options.pillars)
        names |= dict(zip(pillars["pillar_code"], pillars["label"], strict=True))
        names[UNMAPPED_PILLAR] = UNMAPPED_PILLAR_NAME
    words = selection.describe(names)
    return words.replace(DEMO_SWITCHED_ON, NO_DEMO_SHOWN) if real else words
