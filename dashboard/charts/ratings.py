"""Self-assessed ratings: one report's actions per rating, 100 % stacked shares per group,
and the share achieved per Party and meeting.

A rating takes its label, colour and place from the rating code table; "Not rated" and
"No report" take their look from `style.NOT_A_RATING` (a hatch), so they read the same
as on every other page and never as a rating.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.coverage import MAX_TEXT_ROWS, grid_axes, matrix_axes
from dashboard.charts.style import (
    GRID,
    HATCH_INK,
    LINE,
    MUTED,
    NOT_A_RATING,
    hatch,
    ink,
    layout,
    pct,
    plain,
    rating_look,
    rows_height,
    wrap,
)

NOT_RATED, NO_REPORT = "not_rated", "no_report"
GAP_FILL = "#f0f0f0"


def _look(code: str, look: dict[str, tuple[str, str, int]]) -> tuple[str, str, str]:
    """Label, fill and hatch ("" for a rating) of a rating code or of what is not a rating."""
    if code in NOT_A_RATING:
        label, fill, shape, _ = NOT_A_RATING[code]
        return label, fill, shape
    label, colour, _ = look[code]
    return label, colour, ""


def rating_distribution(counts: pd.DataFrame, title: str, *, subtitle: str = "", source: str = "") -> go.Figure:
    """Horizontal bars: one report's actions per rating, best rating on top. ``counts`` is
    `dashboard.queries.ratings.scale_counts` (rating_code, label, colour, actions, share_pct);
    "Not rated" is hatched, as on every page."""
    total = int(counts["actions"].sum())
    fills, shapes = [], []
    for code, colour in zip(counts["rating_code"], counts["colour"], strict=True):
        fills.append(NOT_A_RATING[code][1] if code in NOT_A_RATING else colour)
        shapes.append(NOT_A_RATING[code][2] if code in NOT_A_RATING else "")
    labels = [plain(v) for v in counts["label"]]
    figure = go.Figure(go.Bar(
        orientation="h", x=[int(n) for n in counts["actions"]], y=labels,
        marker={"color": fills, "line": {"color": LINE, "width": 0.5}, "pattern": {**hatch(""), "shape": shapes}},
        text=[f"{n} ({pct(s)})" if n else "0" for n, s in zip(counts["actions"], counts["share_pct"], strict=True)],
        textposition="outside", cliponaxis=False,
        customdata=[[float(s), total] for s in counts["share_pct"]],
        hovertemplate="<b>%{y}</b><br>%{x} of %{customdata[1]} actions (%{customdata[0]:.1f}%)<extra></extra>",
    ))
    peak = max(int(counts["actions"].max()) if len(counts) else 0, 1)
    figure.update_xaxes(title={"text": "Number of actions"}, range=[0, peak * 1.18], dtick=1 if peak <= 12 else None,
                        tickformat="d", gridcolor=GRID, fixedrange=True)
    figure.update_yaxes(title={"text": "Self-assessed rating", "standoff": 12}, categoryorder="array",
                        categoryarray=labels, autorange="reversed", automargin=True, fixedrange=True)
    figure.update_layout(bargap=0.3)
    return layout(figure, title, height=rows_height(labels) + 12 * len(labels), subtitle=subtitle, source=source)


def rating_distribution_alt(counts: pd.DataFrame, title: str) -> str:
    """Text alternative of `rating_distribution`."""
    parts = [f"{label} {int(n)}" for label, n in zip(counts["label"], counts["actions"], strict=True)]
    return f"Bar chart. {title}: " + ", ".join(parts) + "."


def stacked_shares(shares: pd.DataFrame, ratings: pd.DataFrame, title: str, *, axis_title: str,
                   subtitle: str = "", source: str = "", x_title: str = "Share of the group's actions",
                   unit: str = "actions") -> go.Figure:
    """100 % stacked horizontal bars: the share of each group's actions per rating.

    ``shares`` is `dashboard.queries.ratings.rating_shares` (key, label, rating_code,
    actions, share_pct, group_actions). One trace per rating, in the order of the scale
    with the code table's colours; "Not rated" and "No report" (a group without any
    report: one whole bar, a category of its own rather than an empty bar) are hatched.
    ``x_title`` and ``unit`` (the hover's "9 of 13 <unit>") say what is counted.
    """
    look = rating_look(ratings)
    groups = shares.drop_duplicates("key")
    y_labels = [wrap(v) for v in groups["label"]]
    label_of = dict(zip(groups["key"], y_labels, strict=True))
    present = set(shares["rating_code"])
    order = [c for c in ratings.sort_values("sort_order")["rating_code"] if c in present and c not in NOT_A_RATING]
    order += [c for c in (NOT_RATED, NO_REPORT) if c in present]
    figure = go.Figure()
    for code in order:
        rows = shares[shares["rating_code"] == code]
        name, fill, shape = _look(code, look)
        if code == NO_REPORT:
            text = [NOT_A_RATING[NO_REPORT][3]] * len(rows)
            hover = "<b>%{y}</b><br>No report in this selection<extra></extra>"
        else:
            text = [f"{s:.0f}%" if s >= 6 else "" for s in rows["share_pct"]]
            hover = "<b>%{y}</b><br>" + plain(name) + ": %{customdata[0]} of %{customdata[1]} " + plain(unit) \
                    + " (%{x:.1f}%)<extra></extra>"
        marker: dict[str, object] = {"color": fill, "line": {"color": HATCH_INK, "width": 0.5}}
        if shape:
            marker["pattern"] = hatch(shape)
        figure.add_trace(go.Bar(
            orientation="h", name=plain(name), x=[float(v) for v in rows["share_pct"]],
            y=[label_of[k] for k in rows["key"]], marker=marker, text=text, textposition="inside",
            insidetextanchor="middle", textangle=0,  # never turned sideways: a small segment hides its text
            textfont={"color": ink(fill)},  # black or white, whichever reads on the segment (≥ 4.5:1)
            customdata=[[int(a), int(t)] for a, t in zip(rows["actions"], rows["group_actions"], strict=True)],
            hovertemplate=hover,
        ))
    figure.update_layout(barmode="stack", bargap=0.35, uniformtext={"minsize": 11, "mode": "hide"})
    figure.update_xaxes(range=[0, 100], ticksuffix="%", title={"text": plain(x_title)},
                        gridcolor=GRID, fixedrange=True)
    figure.update_yaxes(categoryorder="array", categoryarray=y_labels, autorange="reversed",
                        title={"text": axis_title, "standoff": 10}, automargin=True, fixedrange=True)
    height = max(rows_height(y_labels), 420)  # the legend needs ~9 rows
    return layout(figure, title, height=height, subtitle=subtitle, source=source, legend="right",
                  legend_title="Rating")


def stacked_shares_alt(shares: pd.DataFrame, ratings: pd.DataFrame, title: str) -> str:
    """Text alternative of `stacked_shares`: each group's largest rating."""
    look = rating_look(ratings)
    top = shares.sort_values("share_pct", ascending=False, kind="stable").drop_duplicates("key")
    top = top.set_index("key").loc[list(dict.fromkeys(shares["key"]))]
    parts = [
        f"{row.label}: no report" if row.rating_code == NO_REPORT
        else f"{row.label}: {row.share_pct:.0f}% {_look(row.rating_code, look)[0]} of {int(row.group_actions)} actions"
        for row in top.itertuples()
    ]
    return f"100% stacked bar chart. {title}. Largest rating per bar: " + "; ".join(parts) + "."


GAP_WORDS = {"summary": "published (all pillars only)", NO_REPORT: "no report"}


def achievement_heatmap(grid: pd.DataFrame, title: str, *, subtitle: str = "", source: str = "") -> go.Figure:
    """Party x meeting heatmap of the share of a report's actions achieved or substantially
    achieved. A share CITES published (no report loaded) is coloured too and marked
    "(published)"; other cells without a loaded report are grey and labelled ("no report"),
    never coloured as 0 %. ``grid`` is `dashboard.queries.overview.achievement_grid`."""
    parties, meetings = grid_axes(grid)
    cells = {(row["party_name"], row["meeting_code"]): row for row in grid.to_dict("records")}
    z, text, gap_z, gap_text = [], [], [], []
    for party in parties:
        z_row, text_row, gap_row, gap_text_row = [], [], [], []
        for meeting in meetings:
            cell = cells.get((party, meeting))
            share = None if cell is None or pd.isna(cell["share_pct"]) else float(cell["share_pct"])
            published = cell is not None and bool(cell.get("published", False))
            z_row.append(share)
            text_row.append("" if share is None else f"{share:.0f}%" + (" (published)" if published else ""))
            status = NO_REPORT if cell is None else cell["status"]
            gap_row.append(1 if share is None else None)
            gap_text_row.append("" if share is not None else
                                "no actions" if status in ("report", "demo") else GAP_WORDS.get(status, status))
        z.append(z_row)
        text.append(text_row)
        gap_z.append(gap_row)
        gap_text.append(gap_text_row)
    y = [plain(p) for p in parties]
    texttemplate = "%{text}" if len(parties) <= MAX_TEXT_ROWS else None
    figure = go.Figure()
    figure.add_trace(go.Heatmap(
        z=gap_z, x=meetings, y=y, text=gap_text, texttemplate=texttemplate, name="no report",
        colorscale=[[0, GAP_FILL], [1, GAP_FILL]], showscale=False, xgap=3, ygap=3,
        textfont={"color": MUTED, "size": 12}, hovertemplate="<b>%{y}, %{x}</b><br>%{text}<extra></extra>",
    ))
    figure.add_trace(go.Heatmap(
        z=z, x=meetings, y=y, text=text, texttemplate=texttemplate, name="share",
        colorscale="Blues", zmin=0, zmax=100, xgap=3, ygap=3,
        colorbar={"title": {"text": "Achieved or<br>substantially<br>achieved"}, "ticksuffix": "%", "len": 0.9},
        hovertemplate="<b>%{y}, %{x}</b><br>%{z:.1f}% of the actions achieved or substantially"
                      " achieved<br>%{text}<extra></extra>",
    ))
    matrix_axes(figure, meetings, y)
    figure.update_yaxes(title={"text": "Party"})
    return layout(figure, title, height=max(rows_height(y, extra=60), 360), subtitle=subtitle, source=source,
                  top=130 if subtitle else 100)


def achievement_alt(grid: pd.DataFrame, title: str) -> str:
    """Text alternative of `achievement_heatmap`."""
    reported = grid[grid["share_pct"].notna()]
    if reported.empty:
        return f"Heatmap. {title}. No report in the selection."
    best = reported.loc[reported["share_pct"].idxmax()]
    return (f"Heatmap. {title}. {len(reported)} reports, {len(grid) - len(reported)} Party-meeting cells "
            f"without a report. Highest: {best['party_name']} at {best['meeting_code']} ({best['share_pct']:.0f}%).")
