"""Charts as PNG/SVG/PDF through one long-lived kaleido server (Chromium).

Every image carries the panel's title, one subtitle (the selection in words), the source,
the export date and, when the chart shows demo rows, the demo warning, all inside the
image: `dashboard.export.layout` measures a first SVG render and grows the canvas to fit.
PDFs have the chart's title as their document title.
"""

from __future__ import annotations

import atexit
import shutil
import threading
import warnings
from datetime import date

import plotly.graph_objects as go

from dashboard.export import layout, pdfinfo
from dashboard.export.layout import footer_lines, header_lines  # noqa: F401  (tests and callers)
from dashboard.panels import Panel

IMAGE_FORMATS = ("png", "svg", "pdf")
PNG_SCALE = 2
EXPORT_WIDTH, EXPORT_HEIGHT = layout.WIDTH, layout.MIN_HEIGHT  # the width, and the least height
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
        atexit.register(stop)


def stop() -> None:
    """Stop the kaleido server (and its browser), so a command ends without leftovers."""
    global _server_started
    with _server_lock:
        if not _server_started:
            return
        import kaleido

        kaleido.stop_sync_server(silence_warnings=True)
        _server_started = False


def _render(figure: go.Figure, fmt: str) -> bytes:
    scale = PNG_SCALE if fmt == "png" else 1
    with warnings.catch_warnings():  # plotly warns that per-call options go unused with a server
        warnings.simplefilter("ignore", UserWarning)
        return figure.to_image(format=fmt, scale=scale, width=figure.layout.width, height=figure.layout.height)


def annotated(panel: Panel, today: date | None = None) -> go.Figure:
    """The chart as exported: its figure with title, subtitle and footer placed where a first
    SVG render shows there is room (the canvas grows to fit)."""
    if panel.figure is None:
        raise ValueError(f"{panel.name} is a table: it has no image")
    _ensure_server()
    geometry = layout.measure(_render(layout.compose(panel, today, footer=False), "svg"))
    return layout.compose(panel, today, geometry)


def image(panel: Panel, fmt: str, *, today: date | None = None, figure: go.Figure | None = None) -> bytes:
    """The annotated chart as PNG (2x), SVG or PDF bytes (``figure``: an `annotated` one)."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; use one of {IMAGE_FORMATS}")
    _ensure_server()
    data = _render(figure or annotated(panel, today), fmt)
    if fmt == "pdf":
        data = pdfinfo.with_info(data, panel.title, panel.selection)
    return data


def images(panel: Panel, formats: tuple[str, ...], *, today: date | None = None) -> dict[str, bytes]:
    """Several formats of one chart, laid out once."""
    figure = annotated(panel, today)
    return {fmt: image(panel, fmt, today=today, figure=figure) for fmt in formats}
