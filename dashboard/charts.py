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
        template="plotly_white",
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
