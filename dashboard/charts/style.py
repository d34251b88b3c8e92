"""The one look of every chart: fonts, colours, hatches, template and title/source layout.

Ratings take their label, colour and position from the rating code table (the
``out_codes_ratings`` view), so a rating looks the same on every page and in every export.
Those colours stay apart for red-green colour-blind readers (tests/test_accessibility.py
simulates them), and words written on a coloured bar take `ink` (4.5:1 or more).
What is not a rating has one look, and one meaning, on every page (`NOT_A_RATING`): each
hatch means one thing only.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.escape import plotly as plain

__all__ = [
    "FONT", "MUTED", "NOT_A_RATING", "TEXT_COLOUR", "bar_pct", "contrast", "ink", "layout", "luminance", "pct",
    "plain", "rating_look", "rows_height", "wrap",
]

FONT = '"Source Sans", "Source Sans Pro", Helvetica, Arial, sans-serif'  # Streamlit's own font
TEXT_COLOUR = "#0e1117"  # the page's text colour (.streamlit/config.toml [theme] textColor): 18.9:1 on white
MUTED = "#5f6270"  # sources and subtitles: 6.1:1 on white (WCAG AA needs 4.5:1; tests/test_accessibility.py)
LINE = "#555555"
GRID = "#e6e6e6"
HATCH_INK = "#8a8a8a"
NEUTRAL_BAR = "#4a6fa5"
SOURCE_WRAP = 110  # characters per line of the source under a chart (it must not be cut off)
ROW_HEIGHT_PX = 34
BASE_HEIGHT_PX = 190

# What is not a rating: code -> (label, fill, hatch, words written on the bar). One hatch,
# one meaning, on every page; a rating never has a hatch.
NOT_A_RATING: dict[str, tuple[str, str, str, str]] = {
    "not_rated": ("Not rated", "#d9d9d9", "x", ""),
    "no_report": ("No report", "#ffffff", "/", "no report"),
    "not_in_report": ("Action not in this report", "#ffffff", "\\", "not in this report"),
    "no_actions": ("No action in the chosen pillars", "#ffffff", ".", "no action in these pillars"),
    "published_all_pillars": ("Published figure (all pillars only)", "#f2f2f2", "+",
                              "published for all pillars only"),
    "not_stated": ("Not stated in the source", "#ececec", "-", ""),
}

_AXIS = {"gridcolor": GRID, "linecolor": GRID, "ticks": "", "title": {"standoff": 15},
         "zerolinecolor": GRID, "automargin": True, "zerolinewidth": 2}

# Set once for the whole process: figures reference the template by name instead of
# carrying (and deep-copying) a copy of it each.
pio.templates["niap"] = go.layout.Template(layout={
    "paper_bgcolor": "white", "plot_bgcolor": "white", "hovermode": "closest",
    "hoverlabel": {"align": "left", "font": {"family": FONT}},
    "font": {"family": FONT, "size": 14, "color": TEXT_COLOUR},
    "xaxis": _AXIS, "yaxis": _AXIS,
})
pio.templates.default = "niap"


def hatch(shape: str) -> dict[str, object]:
    """The marker pattern of a hatch (the same ink and size everywhere)."""
    return {"shape": shape, "fgcolor": HATCH_INK, "size": 7, "solidity": 0.25}


def rating_look(ratings: pd.DataFrame) -> dict[str, tuple[str, str, int]]:
    """rating_code -> (label, colour, sort order) from the rating code table."""
    return {r.rating_code: (r.label, r.colour, int(r.sort_order)) for r in ratings.itertuples()}


def pct(value: float) -> str:
    """A share as printed: whole percent, or one decimal when the figure has one (47.5%)."""
    rounded = round(float(value), 1)
    return f"{rounded:.0f}%" if rounded == int(rounded) else f"{rounded:.1f}%"


def bar_pct(value: float) -> str:
    """A share on a bar: whole percent, but a published half stays (47.5%) so it matches its source."""
    value = float(value)
    return pct(value) if abs(value * 2 - round(value * 2)) < 1e-9 else f"{value:.0f}%"


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of ``colour`` (#rrggbb): 0 for black, 1 for white."""
    channels = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two colours (#rrggbb), from 1 to 21; text needs 4.5 (AA)."""
    darker, lighter = sorted((luminance(first), luminance(second)))
    return (lighter + 0.05) / (darker + 0.05)


def ink(colour: str) -> str:
    """The text colour for words on ``colour`` (#rrggbb): white or the chart text colour,
    whichever contrasts more. Charts that write on a coloured bar set it (Plotly's own
    choice can fall below 4.5:1)."""
    return "#ffffff" if contrast("#ffffff", colour) > contrast(TEXT_COLOUR, colour) else TEXT_COLOUR


def wrap(text: str, width: int = 30) -> str:
    """A long axis label on several lines (Plotly breaks lines at <br>); ``text`` is escaped."""
    return "<br>".join(plain(line) for line in textwrap.wrap(str(text), width)) or plain(text)


def rows_height(labels: list[str], *, extra: int = 0) -> int:
    """Height of a chart with one row per label (labels from `wrap`, maybe several lines)."""
    lines = max((label.count("<br>") + 1 for label in labels), default=1)
    return BASE_HEIGHT_PX + extra + max(ROW_HEIGHT_PX, 18 * lines + 12) * max(len(labels), 1)


def layout(figure: go.Figure, title: str, *, height: int, subtitle: str = "", source: str = "",
           legend: str | None = None, legend_title: str = "", top: int | None = None) -> go.Figure:
    """Title, subtitle, margins, legend place and the source line every chart shares.

    The source is drawn inside the figure (so the toolbar's PNG still names it), wrapped
    so that it is never cut off. ``legend``: "top", "right" or None (no legend).
    """
    lines = textwrap.wrap(source, SOURCE_WRAP) if source else []
    bottom = 70 + 17 * len(lines)
    title_spec: dict[str, object] = {"text": plain(title), "x": 0, "xanchor": "left", "font": {"size": 18}}
    if subtitle:
        title_spec["subtitle"] = {"text": plain(subtitle), "font": {"size": 13, "color": MUTED}}
    margin_top = top or (95 if legend == "top" else 60) + (30 if subtitle else 0)
    figure.update_layout(
        title=title_spec, height=height + 17 * max(len(lines) - 1, 0),
        margin={"l": 10, "r": 30, "t": margin_top, "b": bottom}, showlegend=legend is not None,
    )
    if legend == "top":
        figure.update_layout(legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0,
                                     "yanchor": "bottom", "traceorder": "normal", "title": {"text": legend_title}})
    elif legend == "right":
        figure.update_layout(legend={"orientation": "v", "x": 1.01, "xanchor": "left", "y": 1.0,
                                     "yanchor": "top", "traceorder": "normal", "title": {"text": legend_title}})
    if lines:
        figure.add_annotation(
            text="<br>".join(plain(line) for line in lines), xref="paper", yref="paper", x=0, y=0,
            xanchor="left", yanchor="top", yshift=-(bottom - 17 * len(lines) - 8), showarrow=False,
            font={"size": 12, "color": MUTED}, align="left", name="source",
        )
    return figure
