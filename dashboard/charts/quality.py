"""Charts of the Data quality page: quality issues per issue type or Party, by severity."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.style import GRID, LINE, layout, plain, rows_height, wrap

SEVERITY_COLOURS = {"error": "#b2182b", "warning": "#e69f00", "info": "#56b4e9"}  # Okabe-Ito based


def issues_by(counts: pd.DataFrame, by: str, title: str, *, axis_title: str, subtitle: str = "",
              source: str = "") -> go.Figure:
    """Horizontal bars of the number of quality issues per ``by`` group, stacked by severity,
    the largest on top. ``counts`` is `dashboard.queries.quality.count_issues`."""
    labels = [wrap(v, 40) for v in counts[by]]
    figure = go.Figure()
    for severity, colour in SEVERITY_COLOURS.items():
        if severity not in counts.columns or not counts[severity].any():
            continue
        figure.add_trace(go.Bar(
            orientation="h", x=[int(v) for v in counts[severity]], y=labels, name=severity.title(),
            marker={"color": colour, "line": {"color": LINE, "width": 0.5}},
            hovertemplate=f"<b>%{{y}}</b><br>{severity}: %{{x}}<extra></extra>",
        ))
    figure.add_trace(go.Scatter(  # the total at the end of each bar
        x=[int(v) for v in counts["Total"]], y=labels, mode="text", text=[f"  {int(t)}" for t in counts["Total"]],
        textposition="middle right", showlegend=False, hoverinfo="skip", cliponaxis=False,
    ))
    peak = max(int(counts["Total"].max()) if len(counts) else 0, 1)
    figure.update_layout(barmode="stack", bargap=0.3)
    figure.update_xaxes(range=[0, peak * 1.15], title={"text": "Quality issues"}, tickformat="d",
                        dtick=1 if peak <= 10 else None, gridcolor=GRID, fixedrange=True)
    figure.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed", automargin=True,
                        title={"text": plain(axis_title), "standoff": 10}, fixedrange=True)
    return layout(figure, title, height=rows_height(labels, extra=40), subtitle=subtitle, source=source,
                  legend="top", legend_title="Severity")


def issues_alt(counts: pd.DataFrame, by: str, title: str) -> str:
    """Text alternative of `issues_by`: the total per group, and its errors and warnings."""
    parts = []
    for row in counts.to_dict("records"):
        detail = [f"{int(row[s])} {s}" for s in SEVERITY_COLOURS if s in row and row[s]]
        parts.append(f"{row[by]} {int(row['Total'])}" + (f" ({', '.join(detail)})" if detail else ""))
    return f"Stacked bar chart. {title}: " + ", ".join(parts) + "."
