"""Chart builders: DataFrames in, Plotly figures out (no Streamlit here, so they can be tested).

Ratings always take their label, colour and position from the rating code table
(``core_codes_ratings``), so a rating looks the same on every page and in every export.
"""

from __future__ import annotations

from html import escape

import pandas as pd
import plotly.graph_objects as go

FONT = '"Source Sans", "Source Sans Pro", Helvetica, Arial, sans-serif'  # Streamlit's own font
TEXT_COLOUR = "#31333f"
BAR_HEIGHT_PX = 46
BASE_HEIGHT_PX = 190
_AXIS = {"gridcolor": "#EBF0F8", "linecolor": "#EBF0F8", "ticks": "", "title": {"standoff": 15},
         "zerolinecolor": "#EBF0F8", "automargin": True, "zerolinewidth": 2}
# The look of Plotly's "plotly_white" in the few settings these charts use: the full
# template is deep-copied into every figure, which cost a page a quarter of a second.
TEMPLATE = go.layout.Template(layout={
    "paper_bgcolor": "white", "plot_bgcolor": "white", "hovermode": "closest",
    "hoverlabel": {"align": "left"}, "xaxis": _AXIS, "yaxis": _AXIS,
})


def _plain(text: object) -> str:
    """Text for Plotly, which reads a subset of HTML in titles and labels: show it as is."""
    return escape(str(text), quote=False)


def _scale_codes(ratings: pd.DataFrame, scale: object) -> set[str]:
    column = f"in_{scale}_scale"
    if column not in ratings.columns:
        return set()
    return set(ratings.loc[ratings[column].astype(bool), "rating_code"])


def rating_counts(df: pd.DataFrame, ratings: pd.DataFrame) -> pd.DataFrame:
    """Actions per rating of one report, over the whole scale of its template.

    ``df`` holds out_rating_shares rows of one report (``rating_code``, ``action_count``,
    ``share_pct``, ``n_actions``, ``rating_scale``); ``ratings`` is the code table. The
    result has one row per rating of the report's scale (0 when unused) plus any other
    rating present (such as not_rated), in the order of the scale, with ``label``,
    ``colour``, ``actions`` and ``share_pct``.
    """
    present = set(df["rating_code"])
    unknown = present - set(ratings["rating_code"])
    if unknown:
        raise ValueError(f"ratings missing from the code table: {sorted(unknown)}")
    scale = df["rating_scale"].iloc[0] if len(df) else None
    shown = ratings[ratings["rating_code"].isin(present | _scale_codes(ratings, scale))]
    counts = df.set_index("rating_code")
    out = shown[["rating_code", "label", "colour", "sort_order"]].sort_values("sort_order")
    out = out.assign(
        actions=out["rating_code"].map(counts["action_count"]).fillna(0).astype(int),
        share_pct=out["rating_code"].map(counts["share_pct"]).fillna(0.0).astype(float),
    )
    return out.reset_index(drop=True)


def _total(df: pd.DataFrame) -> int:
    published = df["n_actions"].dropna() if "n_actions" in df.columns else []
    return int(published.iloc[0]) if len(published) else int(df["action_count"].sum())


def rating_title(df: pd.DataFrame) -> str:
    """"Cambodia, SC66: actions by self-assessed rating (13 actions)"."""
    total = _total(df)
    noun = "action" if total == 1 else "actions"
    first = df.iloc[0]
    return f"{first['party_name']}, {first['meeting_code']}: actions by self-assessed rating ({total} {noun})"


def rating_alt_text(df: pd.DataFrame, ratings: pd.DataFrame) -> str:
    """A one-sentence description of the rating chart for screen readers."""
    counts = rating_counts(df, ratings)
    parts = [f"{row.label} {row.actions}" for row in counts.itertuples()]
    return f"Bar chart. {rating_title(df)}: " + ", ".join(parts) + "."


def rating_distribution(df: pd.DataFrame, ratings: pd.DataFrame, *, source: str | None = None) -> go.Figure:
    """Horizontal bars: the number of actions per rating in one report, best rating on top.

    Each bar has its rating's colour from the code table; the text on a bar gives the
    count and the share of the report's actions. ``source``, when given, is written
    under the chart so that a downloaded image still names it.
    """
    if df.empty:
        raise ValueError("no ratings to chart: the report has no actions")
    counts = rating_counts(df, ratings)
    total = _total(df)
    texts = [
        f"{n} ({share:.0f}%)" if n else "0"
        for n, share in zip(counts["actions"], counts["share_pct"], strict=True)
    ]
    figure = go.Figure(
        go.Bar(
            orientation="h",
            x=counts["actions"].tolist(),  # plain lists: readable JSON, no binary arrays
            y=[_plain(label) for label in counts["label"]],
            marker={"color": list(counts["colour"]), "line": {"color": "#555555", "width": 0.5}},
            text=texts,
            textposition="outside",
            cliponaxis=False,
            customdata=[[share, total] for share in counts["share_pct"]],
            hovertemplate=(
                "<b>%{y}</b><br>%{x} of %{customdata[1]} actions (%{customdata[0]:.1f}%)<extra></extra>"
            ),
        )
    )
    peak = max(int(counts["actions"].max()), 1)
    figure.update_layout(
        title={"text": _plain(rating_title(df)), "x": 0, "xanchor": "left", "font": {"size": 18}},
        template=TEMPLATE,
        font={"family": FONT, "size": 14, "color": TEXT_COLOUR},
        height=BASE_HEIGHT_PX + BAR_HEIGHT_PX * len(counts),
        margin={"l": 10, "r": 30, "t": 60, "b": 95 if source else 60},
        bargap=0.3,
        showlegend=False,
        hoverlabel={"font": {"family": FONT}},
    )
    figure.update_xaxes(
        title={"text": "Number of actions"},
        range=[0, peak * 1.18],
        dtick=1 if peak <= 12 else None,
        tickformat="d",
        zeroline=True,
        zerolinecolor="#999999",
    )
    figure.update_yaxes(
        title={"text": "Self-assessed rating", "standoff": 12},
        categoryorder="array",
        categoryarray=[_plain(label) for label in counts["label"]],
        autorange="reversed",
        automargin=True,
        ticklabelstandoff=8,
    )
    if source:
        figure.add_annotation(
            text=_plain(source), xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
            yshift=-58, showarrow=False, font={"size": 12, "color": "#6b6f7b"}, align="left",
        )
    return figure


# ---------------------------------------------------------------- shared layout

NO_REPORT = "no_report"
NO_REPORT_LABEL = "No report"
SOURCE_COLOUR = "#6b6f7b"
GRID_COLOUR = "#e6e6e6"
ROW_HEIGHT_PX = 34
MAX_TEXT_ROWS = 60  # above this many rows, cell labels would be unreadable: hover only
COVERAGE_STYLE = {  # status -> (label, fill colour, text colour); text labels carry the meaning
    "report": ("Report", "#35618f", "#ffffff"),
    "demo": ("Demo report", "#a9c4e0", TEXT_COLOUR),
    "summary": ("Summary only", "#f3d9a4", TEXT_COLOUR),
    NO_REPORT: ("No report", "#ffffff", "#8a8a8a"),
}
GAP_STYLE = {  # funding gap -> (label, colour)
    "sought": ("Funding sought, not secured", "#7a5195"),
    "delayed": ("Delayed for lack of funding", "#e69f00"),
}
NEUTRAL_BAR = "#4a6fa5"


def _layout(figure: go.Figure, title: str, *, height: int, source: str | None, legend: str | None = None) -> go.Figure:
    """Title, font, margins and the source line every chart shares (the source is part of
    the figure, so the toolbar's PNG still names it). ``legend``: "top", "right" or None."""
    figure.update_layout(
        title={"text": _plain(title), "x": 0, "xanchor": "left", "font": {"size": 18}},
        template=TEMPLATE,
        font={"family": FONT, "size": 14, "color": TEXT_COLOUR},
        height=height,
        margin={"l": 10, "r": 30, "t": 95 if legend == "top" else 60, "b": 105 if source else 60},
        showlegend=legend is not None,
        hoverlabel={"font": {"family": FONT}},
    )
    if legend == "top":
        figure.update_layout(legend={
            "orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom",
            "traceorder": "normal", "title": {"text": ""},
        })
    elif legend == "right":
        figure.update_layout(legend={
            "orientation": "v", "x": 1.01, "xanchor": "left", "y": 1.0, "yanchor": "top",
            "traceorder": "normal", "title": {"text": ""},
        })
    if source:
        figure.add_annotation(
            text=_plain(source), xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
            yshift=-62, showarrow=False, font={"size": 12, "color": SOURCE_COLOUR}, align="left",
        )
    return figure


def _wrap(text: str, width: int = 30) -> str:
    """A long axis label over several lines (Plotly breaks lines at <br> only)."""
    words, lines, line = text.split(" "), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(lines)


def _rows_height(rows: int, *, extra: int = 0, lines: int = 1) -> int:
    """Height for ``rows`` categories whose labels take up to ``lines`` lines."""
    return BASE_HEIGHT_PX + extra + max(ROW_HEIGHT_PX, 18 * lines + 12) * max(rows, 1)


def _lines(labels: list[str]) -> int:
    return max((label.count("<br>") + 1 for label in labels), default=1)


# ---------------------------------------------------------------- ratings: 100 % stacked bars


def _group_label(row: pd.Series) -> str:
    return _wrap(_plain(row["label"]))


def stacked_shares(shares: pd.DataFrame, ratings: pd.DataFrame, title: str, *, axis_title: str,
                   source: str | None = None) -> go.Figure:
    """100 % stacked horizontal bars: the share of each group's actions per rating.

    ``shares`` comes from `dashboard.data.rating_shares` (key, label, rating_code,
    actions, share_pct, group_actions). One trace per rating, in the order of the scale
    with the code table's colours; "Not rated" is hatched; a group without any report is
    one white bar marked "No report", a category of its own rather than an empty bar.
    """
    if shares.empty:
        raise ValueError("no ratings to chart")
    codes = ratings.set_index("rating_code")
    groups = shares.drop_duplicates("key")
    y_labels = [_group_label(row) for _, row in groups.iterrows()]
    label_of = dict(zip(groups["key"], y_labels, strict=True))
    present = set(shares["rating_code"])
    order = [c for c in ratings.sort_values("sort_order")["rating_code"] if c in present]
    if NO_REPORT in present:
        order.append(NO_REPORT)
    figure = go.Figure()
    for code in order:
        rows = shares[shares["rating_code"] == code]
        if code == NO_REPORT:
            name, colour = NO_REPORT_LABEL, "#ffffff"
            pattern = {"shape": ".", "fgcolor": "#b0b0b0", "size": 6}
            text = [NO_REPORT_LABEL] * len(rows)
            hover = "<b>%{y}</b><br>No report in this selection<extra></extra>"
        else:
            name, colour = codes.loc[code, "label"], codes.loc[code, "colour"]
            pattern = {"shape": "/", "fgcolor": "#9a9a9a", "size": 7} if code == "not_rated" else None
            text = [f"{s:.0f}%" if s >= 6 else "" for s in rows["share_pct"]]
            hover = ("<b>%{y}</b><br>" + _plain(name)
                     + ": %{customdata[0]} of %{customdata[1]} actions (%{x:.1f}%)<extra></extra>")
        figure.add_trace(go.Bar(
            orientation="h",
            name=_plain(name),
            x=[float(v) for v in rows["share_pct"]],
            y=[label_of[k] for k in rows["key"]],
            marker={"color": colour, "line": {"color": "#8a8a8a", "width": 0.5},
                    **({"pattern": pattern} if pattern else {})},
            text=text,
            textposition="inside",
            insidetextanchor="middle",
            textangle=0,  # never turned sideways: too small a segment hides its text instead
            customdata=[[int(a), int(t)] for a, t in zip(rows["actions"], rows["group_actions"], strict=True)],
            hovertemplate=hover,
        ))
    figure.update_layout(barmode="stack", bargap=0.35, uniformtext={"minsize": 11, "mode": "hide"})
    figure.update_xaxes(range=[0, 100], ticksuffix="%", title={"text": "Share of the group's actions"},
                        gridcolor=GRID_COLOUR, fixedrange=True)
    figure.update_yaxes(categoryorder="array", categoryarray=y_labels, autorange="reversed",
                        title={"text": axis_title, "standoff": 10}, automargin=True, fixedrange=True)
    height = max(_rows_height(len(groups), lines=_lines(y_labels)), 420)  # the legend needs ~9 rows
    return _layout(figure, title, height=height, source=source, legend="right")


def stacked_shares_alt(shares: pd.DataFrame, ratings: pd.DataFrame, title: str) -> str:
    """Screen-reader summary of `stacked_shares`: each group's largest rating."""
    labels = dict(zip(ratings["rating_code"], ratings["label"], strict=True))
    top = shares.sort_values("share_pct", ascending=False, kind="stable").drop_duplicates("key")
    top = top.set_index("key").loc[list(dict.fromkeys(shares["key"]))]
    parts = [
        f"{row.label}: no report" if row.rating_code == NO_REPORT
        else f"{row.label}: {row.share_pct:.0f}% {labels[row.rating_code]} of {int(row.group_actions)} actions"
        for row in top.itertuples()
    ]
    return f"100% stacked bar chart. {title}. Largest rating per bar: " + "; ".join(parts) + "."


# ---------------------------------------------------------------- ratings: achievement heatmap


def achievement_heatmap(grid: pd.DataFrame, title: str, *, source: str | None = None) -> go.Figure:
    """Party x meeting heatmap of the share of a report's actions achieved or substantially
    achieved. Cells without a loaded report are grey and labelled ("no report", "summary
    only"), never coloured as 0 %."""
    if grid.empty:
        raise ValueError("no Parties or meetings to chart")
    parties = list(dict.fromkeys(grid["party_name"]))
    meetings = list(dict.fromkeys(grid.sort_values(["meeting_number", "meeting_code"])["meeting_code"]))
    cells = {(row["party_name"], row["meeting_code"]): row for row in grid.to_dict("records")}
    show_text = len(parties) <= MAX_TEXT_ROWS
    z, text, gap_z, gap_text = [], [], [], []
    for party in parties:
        z_row, text_row, gap_row, gap_text_row = [], [], [], []
        for meeting in meetings:
            cell = cells.get((party, meeting))
            share = None if cell is None or pd.isna(cell["share_pct"]) else float(cell["share_pct"])
            z_row.append(share)
            text_row.append("" if share is None else f"{share:.0f}%")
            if share is None:
                status = NO_REPORT if cell is None else cell["status"]
                label = "no actions" if status in ("report", "demo") else COVERAGE_STYLE[status][0].lower()
                gap_row.append(1)
                gap_text_row.append(label)
            else:
                gap_row.append(None)
                gap_text_row.append("")
        z.append(z_row)
        text.append(text_row)
        gap_z.append(gap_row)
        gap_text.append(gap_text_row)
    y = [_plain(p) for p in parties]
    figure = go.Figure()
    figure.add_trace(go.Heatmap(
        z=gap_z, x=meetings, y=y, text=gap_text, texttemplate="%{text}" if show_text else None,
        colorscale=[[0, "#f0f0f0"], [1, "#f0f0f0"]], showscale=False, xgap=3, ygap=3,
        textfont={"color": "#6b6f7b", "size": 12}, hovertemplate="<b>%{y}, %{x}</b><br>%{text}<extra></extra>",
        name="no report",
    ))
    figure.add_trace(go.Heatmap(
        z=z, x=meetings, y=y, text=text, texttemplate="%{text}" if show_text else None,
        colorscale="Blues", zmin=0, zmax=100, xgap=3, ygap=3,
        colorbar={"title": {"text": "Achieved or<br>substantially<br>achieved"}, "ticksuffix": "%", "len": 0.9},
        hovertemplate="<b>%{y}, %{x}</b><br>%{z:.1f}% of the report's actions achieved or substantially"
                      " achieved<extra></extra>",
        name="share",
    ))
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=meetings, side="top",
                        fixedrange=True, showgrid=False)
    figure.update_yaxes(type="category", categoryorder="array", categoryarray=y, autorange="reversed",
                        automargin=True, fixedrange=True, showgrid=False, title={"text": "Party"})
    figure.update_layout(plot_bgcolor="#ffffff")
    _layout(figure, title, height=max(_rows_height(len(parties), extra=60), 360), source=source)
    figure.update_layout(margin={"t": 100, "b": 70 if source else 30})
    if source:
        figure.layout.annotations[-1].yshift = -12
    return figure


def achievement_alt(grid: pd.DataFrame, title: str) -> str:
    """Screen-reader summary of `achievement_heatmap`."""
    reported = grid[grid["share_pct"].notna()]
    missing = len(grid) - len(reported)
    if reported.empty:
        return f"Heatmap. {title}. No report in the selection."
    best = reported.loc[reported["share_pct"].idxmax()]
    return (f"Heatmap. {title}. {len(reported)} reports, {missing} Party-meeting cells without a report. "
            f"Highest: {best['party_name']} at {best['meeting_code']} ({best['share_pct']:.0f}%).")


# ---------------------------------------------------------------- overview: coverage matrix


def coverage_matrix(grid: pd.DataFrame, title: str, *, source: str | None = None) -> go.Figure:
    """Parties x meetings: which reports are loaded (real or demo), which meetings only have
    figures published by CITES, and where there is no report. Every cell is labelled."""
    if grid.empty:
        raise ValueError("no Parties or meetings to chart")
    statuses = list(COVERAGE_STYLE)
    parties = list(dict.fromkeys(grid["party_name"]))
    meetings = list(dict.fromkeys(grid.sort_values(["meeting_number", "meeting_code"])["meeting_code"]))
    cells = {(row["party_name"], row["meeting_code"]): row for row in grid.to_dict("records")}
    show_text = len(parties) <= MAX_TEXT_ROWS
    z, text, hover = [], [], []
    for party in parties:
        z_row, text_row, hover_row = [], [], []
        for meeting in meetings:
            cell = cells.get((party, meeting))
            status = NO_REPORT if cell is None else cell["status"]
            z_row.append(statuses.index(status))
            label = COVERAGE_STYLE[status][0]
            text_row.append(label.lower() if status != "report" else "report")
            detail = label
            if cell is not None and pd.notna(cell["report_id"]):
                detail += f": {int(cell['n_actions'])} actions, {int(cell['n_delayed'])} delayed"
            hover_row.append(_plain(detail))
        z.append(z_row)
        text.append(text_row)
        hover.append(hover_row)
    n = len(statuses)
    colourscale = []
    for i, status in enumerate(statuses):  # a step per status
        colour = COVERAGE_STYLE[status][1]
        colourscale += [[i / n, colour], [(i + 1) / n, colour]]
    y = [_plain(p) for p in parties]
    figure = go.Figure(go.Heatmap(
        z=z, x=meetings, y=y, zmin=-0.5, zmax=n - 0.5, colorscale=colourscale, showscale=False,
        text=text, customdata=hover, texttemplate="%{text}" if show_text else None,
        textfont={"size": 12}, xgap=3, ygap=3,
        hovertemplate="<b>%{y}, %{x}</b><br>%{customdata}<extra></extra>",
    ))
    for status in statuses:  # legend entries (a heatmap has none of its own)
        label, colour, _ = COVERAGE_STYLE[status]
        figure.add_trace(go.Scatter(
            x=[None], y=[None], mode="markers", name=label, hoverinfo="skip",
            marker={"symbol": "square", "size": 14, "color": colour, "line": {"color": "#8a8a8a", "width": 1}},
        ))
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=meetings, side="top",
                        fixedrange=True, showgrid=False)
    figure.update_yaxes(type="category", categoryorder="array", categoryarray=y, autorange="reversed",
                        automargin=True, fixedrange=True, showgrid=False)
    figure.update_layout(plot_bgcolor="#ffffff")
    _layout(figure, title, height=_rows_height(len(parties), extra=40), source=source, legend="right")
    figure.update_layout(margin={"t": 100, "b": 70 if source else 30})
    if source:
        figure.layout.annotations[-1].yshift = -12
    return figure


def coverage_alt(grid: pd.DataFrame, title: str) -> str:
    """Screen-reader summary of `coverage_matrix`."""
    counts = grid["status"].value_counts()
    parts = [f"{COVERAGE_STYLE[s][0].lower()} {int(counts.get(s, 0))}" for s in COVERAGE_STYLE]
    return (f"Matrix. {title}. {grid['party_name'].nunique()} Parties x {grid['meeting_code'].nunique()} "
            f"meetings: " + ", ".join(parts) + ".")


# ---------------------------------------------------------------- overview: what changed


def change_chart(summary: pd.DataFrame, title: str, *, source: str | None = None) -> go.Figure:
    """Per Party: share achieved or substantially achieved in its previous report (hollow
    dot) and at the latest meeting (filled dot), joined by a line."""
    rows = summary[summary["share_pct"].notna()].copy()
    if rows.empty:
        raise ValueError("no Party reported at the latest meeting")
    y = [_plain(p) for p in rows["party_name"]]
    figure = go.Figure()
    for label, before, after in zip(y, rows["previous_share_pct"], rows["share_pct"], strict=True):
        if pd.notna(before):
            figure.add_trace(go.Scatter(
                x=[float(before), float(after)], y=[label, label], mode="lines", showlegend=False,
                line={"color": "#b0b0b0", "width": 3}, hoverinfo="skip",
            ))
    prev = rows[rows["previous_share_pct"].notna()]
    figure.add_trace(go.Scatter(
        x=[float(v) for v in prev["previous_share_pct"]], y=[_plain(p) for p in prev["party_name"]],
        mode="markers", name="Previous report",
        marker={"size": 17, "color": "#ffffff", "line": {"color": "#1b4f8a", "width": 2}},
        customdata=[[m] for m in prev["previous_meeting"]],
        hovertemplate="<b>%{y}</b><br>%{customdata[0]}: %{x:.0f}%<extra></extra>",
    ))
    figure.add_trace(go.Scatter(
        x=[float(v) for v in rows["share_pct"]], y=y, mode="markers", name="Latest meeting",
        marker={"size": 9, "color": "#1b4f8a"},  # smaller than the ring, so "no change" shows both
        hovertemplate="<b>%{y}</b><br>latest: %{x:.0f}%<extra></extra>",
    ))
    figure.update_xaxes(range=[-3, 103], ticksuffix="%", gridcolor=GRID_COLOUR, fixedrange=True,
                        title={"text": "Share of the report's actions achieved or substantially achieved"})
    figure.update_yaxes(categoryorder="array", categoryarray=y, autorange="reversed", automargin=True,
                        fixedrange=True)
    return _layout(figure, title, height=_rows_height(len(rows), extra=40), source=source, legend="top")


# ---------------------------------------------------------------- delays and funding


def count_bars(counts: pd.DataFrame, title: str, *, axis_title: str, colours: dict[str, str] | None = None,
               source: str | None = None, unit: str = "delayed actions") -> go.Figure:
    """Horizontal bars of ``actions`` per group (``key``, ``label``), largest first or in the
    given order; the group's key rides in ``customdata`` so a selected bar names its group."""
    if counts.empty:
        raise ValueError("nothing to chart")
    labels = [_wrap(_plain(v)) for v in counts["label"]]
    colour = [colours.get(k, NEUTRAL_BAR) for k in counts["key"]] if colours else NEUTRAL_BAR
    figure = go.Figure(go.Bar(
        orientation="h", x=[int(v) for v in counts["actions"]], y=labels,
        marker={"color": colour, "line": {"color": "#555555", "width": 0.5}},
        text=[str(int(v)) for v in counts["actions"]], textposition="outside", cliponaxis=False,
        customdata=[[k] for k in counts["key"]],
        hovertemplate="<b>%{y}</b><br>%{x} " + unit + "<br><i>select the bar to list them</i><extra></extra>",
    ))
    peak = max(int(counts["actions"].max()), 1)
    figure.update_xaxes(range=[0, peak * 1.15], title={"text": f"Number of {unit}"}, tickformat="d",
                        dtick=1 if peak <= 10 else None, gridcolor=GRID_COLOUR, fixedrange=True)
    figure.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed", automargin=True,
                        title={"text": axis_title, "standoff": 10}, fixedrange=True)
    figure.update_layout(bargap=0.3, clickmode="event+select", dragmode=False)
    return _layout(figure, title, height=_rows_height(len(counts), lines=_lines(labels)), source=source)


def count_bars_alt(counts: pd.DataFrame, title: str, unit: str = "delayed actions") -> str:
    """Screen-reader summary of `count_bars`."""
    parts = [f"{label} {int(n)}" for label, n in zip(counts["label"], counts["actions"], strict=True)]
    return f"Bar chart. {title}. Number of {unit}: " + ", ".join(parts) + "."


def gap_bars(long: pd.DataFrame, title: str, *, axis_title: str, source: str | None = None) -> go.Figure:
    """Grouped horizontal bars: per group, actions whose funding is sought and not secured,
    and actions delayed for lack of funding (an action can be both)."""
    if long.empty:
        raise ValueError("nothing to chart")
    groups = long.drop_duplicates("key")
    labels = [_wrap(_plain(v)) for v in groups["label"]]
    label_of = dict(zip(groups["key"], labels, strict=True))
    figure = go.Figure()
    for gap, (name, colour) in GAP_STYLE.items():
        rows = long[long["gap"] == gap]
        figure.add_trace(go.Bar(
            orientation="h", name=name, x=[int(v) for v in rows["actions"]],
            y=[label_of[k] for k in rows["key"]], marker={"color": colour},
            text=[str(int(v)) for v in rows["actions"]], textposition="outside", cliponaxis=False,
            hovertemplate="<b>%{y}</b><br>" + name + ": %{x} actions<extra></extra>",
        ))
    peak = max(int(long["actions"].max()), 1)
    figure.update_layout(barmode="group", bargap=0.25, bargroupgap=0.05)
    figure.update_xaxes(range=[0, peak * 1.15], title={"text": "Number of actions"}, tickformat="d",
                        dtick=1 if peak <= 10 else None, gridcolor=GRID_COLOUR, fixedrange=True)
    figure.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed", automargin=True,
                        title={"text": axis_title, "standoff": 10}, fixedrange=True)
    height = _rows_height(len(groups), extra=20, lines=max(_lines(labels), 2))
    return _layout(figure, title, height=height, source=source, legend="top")


def gap_bars_alt(long: pd.DataFrame, title: str) -> str:
    """Screen-reader summary of `gap_bars`."""
    wide = long.pivot_table(index="label", columns="gap", values="actions", aggfunc="sum", sort=False)
    parts = [f"{label}: {int(row.get('sought', 0))} sought and not secured, "
             f"{int(row.get('delayed', 0))} delayed for lack of funding" for label, row in wide.iterrows()]
    return f"Grouped bar chart. {title}. " + "; ".join(parts) + "."
