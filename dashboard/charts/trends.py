"""Trends across meetings: the share of each Party's actions rated achieved or substantially
achieved, one line per Party.

A point counted from a loaded report is a filled marker, and a line between two such points
is solid; a point published by the CITES Secretariat (no report loaded) is a hollow marker,
and the lines to it are dashed. Two grey legend entries say so, so the styles do not rest on
colour; each Party has its own colour (a colour-blind-safe palette) and legend entry.
"""

from __future__ import annotations

from itertools import pairwise

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.style import GRID, MUTED, layout, pct, plain

# Okabe & Ito's colour-blind-safe palette (without its yellow, too light on white).
PARTY_COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#7f7f00")
COUNTED, PUBLISHED = "counted", "published"
ORIGIN_LOOK = {  # origin -> (legend words, line dash, marker symbol)
    COUNTED: ("Counted from a loaded report", "solid", "circle"),
    PUBLISHED: ("Published by the CITES Secretariat (no report loaded)", "dash", "circle-open"),
}
Y_TITLE = "Share of the Party's actions"


def _hover(row: pd.Series) -> str:
    head = f"<b>{plain(row['party_name'])}</b>, {plain(row['meeting_code'])}<br>"
    if row["origin"] == COUNTED:
        return (head + f"{int(row['achieved'])} of {int(row['n_actions'])} actions ({pct(row['share_pct'])}) "
                f"achieved or substantially achieved<br>Counted from {plain(row['source'])}")
    return (head + f"{pct(row['share_pct'])} of actions achieved or substantially achieved"
            f"<br>Published by the CITES Secretariat: {plain(row['source'])}")


def _segments(rows: pd.DataFrame, solid: bool) -> tuple[list, list]:
    """x and y of the line segments between consecutive points that are (``solid``) both
    counted, or (not ``solid``) not both counted; None separates segments."""
    xs: list = []
    ys: list = []
    for (_, a), (_, b) in pairwise(rows.iterrows()):
        if (a["origin"] == b["origin"] == COUNTED) == solid:
            xs += [a["meeting_code"], b["meeting_code"], None]
            ys += [float(a["share_pct"]), float(b["share_pct"]), None]
    return xs, ys


def template_change(points: pd.DataFrame, meetings: list[str]) -> int | None:
    """Index in ``meetings`` of the first meeting on the 2017+ template after one on the 2014
    template (where a line crosses the change of rating scale), or None."""
    scale = dict(zip(points["meeting_code"], points["rating_scale"], strict=False))
    for i, (before, after) in enumerate(pairwise(meetings), 1):
        if scale.get(before) == "2014" and scale.get(after) == "2017":
            return i
    return None


def achieved_trend(points: pd.DataFrame, title: str, *, subtitle: str = "", source: str = "") -> go.Figure:
    """One line per Party across meetings. ``points`` is
    `dashboard.queries.trends.achieved_points`, in Party then meeting order."""
    meetings = list(dict.fromkeys(points.sort_values("meeting_number", kind="stable")["meeting_code"]))
    figure = go.Figure()
    for i, (party, rows) in enumerate(points.groupby("party_iso3", sort=False)):
        colour = PARTY_COLOURS[i % len(PARTY_COLOURS)]
        name = plain(rows["party_name"].iloc[0])
        for solid in (True, False):
            xs, ys = _segments(rows, solid)
            if xs:
                figure.add_trace(go.Scatter(
                    x=xs, y=ys, mode="lines", legendgroup=party, showlegend=False, hoverinfo="skip",
                    line={"color": colour, "width": 2.5, "dash": "solid" if solid else "dash"},
                ))
        figure.add_trace(go.Scatter(
            x=list(rows["meeting_code"]), y=[float(v) for v in rows["share_pct"]], mode="markers",
            name=name, legendgroup=party,
            marker={"color": colour, "size": 11, "line": {"color": colour, "width": 2.5},
                    "symbol": [ORIGIN_LOOK[o][2] for o in rows["origin"]]},
            hovertext=[_hover(row) for _, row in rows.iterrows()], hovertemplate="%{hovertext}<extra></extra>",
        ))
    for origin, (words, dash, symbol) in ORIGIN_LOOK.items():  # the two styles, explained once
        figure.add_trace(go.Scatter(
            x=[None], y=[None], mode="lines+markers", name=plain(words), legendgroup=origin,
            line={"color": MUTED, "width": 2, "dash": dash},
            marker={"color": MUTED, "size": 10, "symbol": symbol, "line": {"color": MUTED, "width": 2}},
        ))
    change = template_change(points, meetings)
    if change is not None:
        figure.add_vline(x=change - 0.5, line={"color": MUTED, "width": 1, "dash": "dot"})
        figure.add_annotation(x=change - 0.5, y=100, yref="y", text="2017+ template →", showarrow=False,
                              xanchor="left", yanchor="bottom", font={"size": 12, "color": MUTED})
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=meetings, title={"text": "Meeting"},
                        fixedrange=True)
    figure.update_yaxes(range=[-3, 108], ticksuffix="%", title={"text": Y_TITLE}, gridcolor=GRID, fixedrange=True)
    return layout(figure, title, height=480, subtitle=subtitle, source=source, legend="right")


def achieved_trend_alt(points: pd.DataFrame, title: str) -> str:
    """Text alternative of `achieved_trend`: each Party's points in order."""
    parts = []
    for _, rows in points.groupby("party_iso3", sort=False):
        values = ", ".join(f"{m} {pct(s)} ({o})" for m, s, o in
                           zip(rows["meeting_code"], rows["share_pct"], rows["origin"], strict=True))
        parts.append(f"{rows['party_name'].iloc[0]}: {values}")
    return f"Line chart. {title}. " + "; ".join(parts) + "."
