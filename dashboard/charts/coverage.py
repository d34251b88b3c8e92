"""Who reported to which meeting (a Party x meeting matrix), and what changed at the latest
meeting (a dot chart of each Party's share achieved, before and now)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.style import GRID, HATCH_INK, MUTED, NOT_A_RATING, TEXT_COLOUR, layout, plain, rows_height

MAX_TEXT_ROWS = 60  # above this many rows, cell labels would be unreadable: hover only
# Coverage of a Party x meeting, in legend order: status -> (label, fill, text colour). Every
# cell is labelled in words, so the meaning never rests on the colour alone.
COVERAGE_STYLE = {
    "report": ("Report", "#35618f", "#ffffff"),
    "demo": ("Demo report", "#a9c4e0", TEXT_COLOUR),
    "summary": ("Published by CITES", "#f3d9a4", TEXT_COLOUR),
    "no_report": (NOT_A_RATING["no_report"][0], NOT_A_RATING["no_report"][1], MUTED),
}
DOT_COLOUR = "#1b4f8a"


def matrix_axes(figure: go.Figure, meetings: list[str], parties: list[str]) -> None:
    """Meetings along the top, Parties down the side, in the given orders (no zoom)."""
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=meetings, side="top",
                        fixedrange=True, showgrid=False)
    figure.update_yaxes(type="category", categoryorder="array", categoryarray=parties, autorange="reversed",
                        automargin=True, fixedrange=True, showgrid=False)


def grid_axes(grid: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The Parties (in the frame's order) and meetings (in time order) of a Party x meeting grid."""
    parties = list(dict.fromkeys(grid["party_name"]))
    meetings = list(dict.fromkeys(grid.sort_values(["meeting_number", "meeting_code"])["meeting_code"]))
    return parties, meetings


def coverage_matrix(grid: pd.DataFrame, title: str, *, subtitle: str = "", source: str = "") -> go.Figure:
    """Parties x meetings: which reports are loaded (real or demo), which meetings only have
    figures published by CITES, and where there is no report. Every cell is labelled.
    ``grid`` is `dashboard.queries.overview.coverage`."""
    statuses = list(COVERAGE_STYLE)
    parties, meetings = grid_axes(grid)
    cells = {(row["party_name"], row["meeting_code"]): row for row in grid.to_dict("records")}
    z, text, hover = [], [], []
    for party in parties:
        z_row, text_row, hover_row = [], [], []
        for meeting in meetings:
            cell = cells.get((party, meeting))
            status = "no_report" if cell is None else cell["status"]
            label = COVERAGE_STYLE[status][0]
            z_row.append(statuses.index(status))
            text_row.append(label[0].lower() + label[1:])
            if cell is not None and pd.notna(cell["report_id"]):
                label += f": {int(cell['n_actions'])} actions, {int(cell['n_delayed'])} delayed"
            hover_row.append(plain(label))
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    n = len(statuses)
    scale = [step for i, s in enumerate(statuses) for step in ([i / n, COVERAGE_STYLE[s][1]],
                                                                [(i + 1) / n, COVERAGE_STYLE[s][1]])]
    y = [plain(p) for p in parties]
    figure = go.Figure(go.Heatmap(
        z=z, x=meetings, y=y, zmin=-0.5, zmax=n - 0.5, colorscale=scale, showscale=False,
        text=text, customdata=hover, texttemplate="%{text}" if len(parties) <= MAX_TEXT_ROWS else None,
        textfont={"size": 12}, xgap=3, ygap=3, hovertemplate="<b>%{y}, %{x}</b><br>%{customdata}<extra></extra>",
    ))
    for label, colour, _ in COVERAGE_STYLE.values():  # legend entries (a heatmap has none of its own)
        figure.add_trace(go.Scatter(
            x=[None], y=[None], mode="markers", name=label, hoverinfo="skip",
            marker={"symbol": "square", "size": 14, "color": colour, "line": {"color": HATCH_INK, "width": 1}},
        ))
    matrix_axes(figure, meetings, y)
    return layout(figure, title, height=rows_height(y, extra=40), subtitle=subtitle, source=source,
                  legend="right", top=130 if subtitle else 100)


def coverage_alt(grid: pd.DataFrame, title: str) -> str:
    """Text alternative of `coverage_matrix`."""
    counts = grid["status"].value_counts()
    parts = [f"{label[0].lower() + label[1:]} {int(counts.get(s, 0))}" for s, (label, _, _) in COVERAGE_STYLE.items()]
    return (f"Matrix. {title}. {grid['party_name'].nunique()} Parties x {grid['meeting_code'].nunique()} "
            f"meetings: " + ", ".join(parts) + ".")


def change_chart(summary: pd.DataFrame, title: str, *, subtitle: str = "", source: str = "") -> go.Figure:
    """Per Party: share achieved or substantially achieved in its previous report (ring) and
    at the latest meeting (dot), joined by a line. ``summary`` is the second frame of
    `dashboard.queries.overview.latest_changes` (Parties that reported)."""
    rows = summary[summary["share_pct"].notna()]
    y = [plain(p) for p in rows["party_name"]]
    figure = go.Figure()
    for label, before, after in zip(y, rows["previous_share_pct"], rows["share_pct"], strict=True):
        if pd.notna(before):
            figure.add_trace(go.Scatter(x=[float(before), float(after)], y=[label, label], mode="lines",
                                        showlegend=False, line={"color": "#b0b0b0", "width": 3}, hoverinfo="skip"))
    prev = rows[rows["previous_share_pct"].notna()]
    figure.add_trace(go.Scatter(
        x=[float(v) for v in prev["previous_share_pct"]], y=[plain(p) for p in prev["party_name"]],
        mode="markers", name="Previous report",
        marker={"size": 17, "color": "#ffffff", "line": {"color": DOT_COLOUR, "width": 2}},
        customdata=[[plain(m)] for m in prev["previous_meeting"]],
        hovertemplate="<b>%{y}</b><br>%{customdata[0]}: %{x:.0f}%<extra></extra>",
    ))
    figure.add_trace(go.Scatter(
        x=[float(v) for v in rows["share_pct"]], y=y, mode="markers", name="Latest meeting",
        marker={"size": 9, "color": DOT_COLOUR},  # smaller than the ring, so "no change" shows both
        hovertemplate="<b>%{y}</b><br>latest: %{x:.0f}%<extra></extra>",
    ))
    figure.update_xaxes(range=[-3, 103], ticksuffix="%", gridcolor=GRID, fixedrange=True,
                        title={"text": "Share of the report's actions achieved or substantially achieved"})
    figure.update_yaxes(categoryorder="array", categoryarray=y, autorange="reversed", automargin=True,
                        fixedrange=True)
    return layout(figure, title, height=rows_height(y, extra=40), subtitle=subtitle, source=source, legend="top")


def change_alt(summary: pd.DataFrame, title: str) -> str:
    """Text alternative of `change_chart`."""
    parts = []
    for row in summary[summary["share_pct"].notna()].itertuples():
        before = "no previous report" if pd.isna(row.previous_share_pct) else f"{row.previous_share_pct:.0f}%"
        parts.append(f"{row.party_name} {before} to {row.share_pct:.0f}%")
    return f"Dot chart. {title}: " + "; ".join(parts) + "."
