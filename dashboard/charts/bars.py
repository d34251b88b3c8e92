"""Bar charts of counts: delayed actions per group, funding gaps per group."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.style import GRID, LINE, NEUTRAL_BAR, layout, plain, rows_height, wrap

GAP_STYLE = {  # funding gap -> (label, colour)
    "sought": ("Funding sought, not secured", "#7a5195"),
    "delayed": ("Delayed for lack of funding", "#e69f00"),
}


def _count_axes(figure: go.Figure, labels: list[str], peak: int, *, x_title: str, y_title: str) -> None:
    figure.update_xaxes(range=[0, max(peak, 1) * 1.15], title={"text": x_title}, tickformat="d",
                        dtick=1 if peak <= 10 else None, gridcolor=GRID, fixedrange=True)
    figure.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed", automargin=True,
                        title={"text": y_title, "standoff": 10}, fixedrange=True)


def count_bars(counts: pd.DataFrame, title: str, *, axis_title: str, unit: str, colours: dict[str, str] | None = None,
               subtitle: str = "", source: str = "") -> go.Figure:
    """Horizontal bars of ``actions`` per group (``key``, ``label``), in the frame's order; the
    group's key rides in ``customdata`` so a selected bar names its group."""
    labels = [wrap(v) for v in counts["label"]]
    colour = [colours.get(k, NEUTRAL_BAR) for k in counts["key"]] if colours else NEUTRAL_BAR
    figure = go.Figure(go.Bar(
        orientation="h", x=[int(v) for v in counts["actions"]], y=labels,
        marker={"color": colour, "line": {"color": LINE, "width": 0.5}},
        text=[str(int(v)) for v in counts["actions"]], textposition="outside", cliponaxis=False,
        customdata=[[k] for k in counts["key"]],
        hovertemplate="<b>%{y}</b><br>%{x} " + plain(unit) + "<extra></extra>",
    ))
    _count_axes(figure, labels, int(counts["actions"].max()) if len(counts) else 0,
                x_title=f"Number of {unit}", y_title=axis_title)
    figure.update_layout(bargap=0.3, clickmode="event+select", dragmode=False)
    return layout(figure, title, height=rows_height(labels), subtitle=subtitle, source=source)


def count_bars_alt(counts: pd.DataFrame, title: str, unit: str) -> str:
    """Text alternative of `count_bars`."""
    parts = [f"{label} {int(n)}" for label, n in zip(counts["label"], counts["actions"], strict=True)]
    return f"Bar chart. {title}. Number of {unit}: " + ", ".join(parts) + "."


def gap_bars(long: pd.DataFrame, title: str, *, axis_title: str, subtitle: str = "", source: str = "",
             unit: str = "actions") -> go.Figure:
    """Grouped horizontal bars: per group, actions whose funding is sought and not secured,
    and actions delayed for lack of funding (an action can be both). ``unit`` says what is
    counted (axis title and hover)."""
    groups = long.drop_duplicates("key")
    labels = [wrap(v) for v in groups["label"]]
    label_of = dict(zip(groups["key"], labels, strict=True))
    figure = go.Figure()
    for gap, (name, colour) in GAP_STYLE.items():
        rows = long[long["gap"] == gap]
        figure.add_trace(go.Bar(
            orientation="h", name=name, x=[int(v) for v in rows["actions"]],
            y=[label_of[k] for k in rows["key"]], marker={"color": colour},
            text=[str(int(v)) for v in rows["actions"]], textposition="outside", cliponaxis=False,
            hovertemplate="<b>%{y}</b><br>" + name + ": %{x} " + plain(unit) + "<extra></extra>",
        ))
    figure.update_layout(barmode="group", bargap=0.25, bargroupgap=0.05)
    _count_axes(figure, labels, int(long["actions"].max()) if len(long) else 0,
                x_title=f"Number of {unit}", y_title=axis_title)
    return layout(figure, title, height=rows_height(labels, extra=40), subtitle=subtitle, source=source,
                  legend="top")


def gap_bars_alt(long: pd.DataFrame, title: str) -> str:
    """Text alternative of `gap_bars`."""
    wide = long.pivot_table(index="label", columns="gap", values="actions", aggfunc="sum", sort=False)
    parts = [f"{label}: {int(row.get('sought', 0))} sought and not secured, "
             f"{int(row.get('delayed', 0))} delayed for lack of funding" for label, row in wide.iterrows()]
    return f"Grouped bar chart. {title}. " + "; ".join(parts) + "."
