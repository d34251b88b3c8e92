"""Charts as PNG/SVG/PDF through one long-lived kaleido server (Chromium)."""

from __future__ import annotations

import copy
import shutil
import textwrap
import threading
import warnings
from datetime import date

import plotly.graph_objects as go

from dashboard.charts.style import MUTED
from dashboard.escape import plotly as plain
from dashboard.panels import DEMO_NOTE, Panel

IMAGE_FORMATS = ("png", "svg", "pdf")
PNG_SCALE = 2
EXPORT_WIDTH, EXPORT_HEIGHT = 1100, 650
FOOTER_WRAP = 150  # characters per footer line at the export width
FOOTER_LINE_PX = 17
AXIS_SPACE_PX = 62  # tick labels and axis title under the plot area
_CHROMIUM = ("chromium", "chromium-browser", "google-chrome", "chrome")


class ExportUnavailable(RuntimeError):
    """Images cannot be rendered here; the message says what to install."""



def chromium_available() -> bool:
    """Kaleido renders with a Chrome; Debian's ``chromium`` is what we support."""
    return any(shutil.which(name) for name in _CHROMIUM)


def install_hint() -> str:
    """What to install when images cannot be rendered."""
    return ("Chart images are rendered with Chromium. Install it (Debian/Ubuntu: "
            "`sudo apt-get install chromium`) and restart the app; until then use the "
            "camera icon in the chart's toolbar for a PNG.")


def footer_lines(panel: Panel, today: date | None = None) -> list[str]:
    """What an exported chart says under it: source, export date, demo note (wrapped)."""
    stamp = (today or date.today()).isoformat()
    text = f"Source: {panel.source}. Exported {stamp} from the NIAP progress dashboard."
    if panel.includes_demo:
        text += f" {DEMO_NOTE}"
    return textwrap.wrap(text, FOOTER_WRAP)


def annotated(panel: Panel, today: date | None = None) -> go.Figure:
    """A copy of the figure that carries its title, the selection, source, date and demo note.

    The on-screen source line is replaced by the footer, whose lines all fit in the image.
    """
    figure = copy.deepcopy(panel.figure)
    lines = footer_lines(panel, today)
    height = max(int(figure.layout.height or 0), EXPORT_HEIGHT)
    title: dict[str, object] = {"text": plain(panel.title), "x": 0.01, "xanchor": "left", "font": {"size": 18}}
    if panel.selection:
        title["subtitle"] = {"text": plain(panel.selection), "font": {"size": 13, "color": MUTED}}
    bottom = AXIS_SPACE_PX + FOOTER_LINE_PX * len(lines) + 16
    figure.update_layout(title=title, width=EXPORT_WIDTH, height=height,
                         margin={"t": 110, "b": bottom, "l": 90, "r": 40})
    figure.layout.annotations = [a for a in (figure.layout.annotations or ()) if a.name != "source"]
    figure.add_annotation(
        text="<br>".join(plain(line) for line in lines), xref="paper", yref="paper", x=0, y=0,
        xanchor="left", yanchor="top", yshift=-AXIS_SPACE_PX, showarrow=False, align="left",
        font={"size": 12, "color": MUTED}, name="footer",
    )
    return figure


_server_lock = threading.Lock()
_server_started = False


def _ensure_server() -> None:
    """One long-lived kaleido server per process: the browser starts once, not per image."""
    global _server_started
    with _server_lock:
        if _server_started:
            return
        if not chromium_available():
            raise ExportUnavailable(install_hint())
        import kaleido

        try:
            kaleido.start_sync_server(silence_warnings=True)
        except Exception as e:  # kaleido raises several types when no browser starts
            raise ExportUnavailable(f"{install_hint()} ({type(e).__name__}: {e})") from e
        _server_started = True


def image(panel: Panel, fmt: str, *, today: date | None = None) -> bytes:
    """The annotated chart as PNG (2x), SVG or PDF bytes."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; use one of {IMAGE_FORMATS}")
    _ensure_server()
    figure = annotated(panel, today)
    scale = PNG_SCALE if fmt == "png" else 1
    with warnings.catch_warnings():  # plotly warns that per-call options go unused with a server
        warnings.simplefilter("ignore", UserWarning)
        return figure.to_image(format=fmt, scale=scale, width=EXPORT_WIDTH, height=figure.layout.height)


