"""Chart builders of the Compare, Report and Data quality pages: DataFrames in, Plotly
figures and plain tables out (no Streamlit here, so they can be tested alone).

Ratings take their label, colour and position from the rating code table
(``core_codes_ratings``) so a rating looks the same on every page. What is not a rating
has its own look, never a rating colour: "no report" (white, hatched), a published figure
that covers all pillars, a report with no action in the chosen pillars, and the part of a
published figure its source does not break down. Text from reports and documents is
escaped, since Plotly reads a subset of HTML in titles, labels and hover text.
"""

from __future__ import annotations

import textwrap
from html import escape

import pandas as pd
import plotly.graph_objects as go

FONT = '"Source Sans", "Source Sans Pro", Helvetica, Arial, sans-serif'  # Streamlit's own font
TEXT_COLOUR = "#31333f"
MUTED = "#6b6f7b"
LINE = "#555555"
SEVERITY_COLOURS = {"error": "#b2182b", "warning": "#e69f00", "info": "#56b4e9"}  # Okabe-Ito based
SEVERITY_ORDER = ["error", "warning", "info"]
NO_SELF_RATING = "Party: no figure"
SOURCE_WRAP = 110  # characters per line of the source under a chart (it must not be cut off)

# What is not a rating: label, fill, hatch pattern, and the words shown on the bar.
STATUS_LOOK = {
    "no_report": ("No report", "#ffffff", "/", "no report"),
    "published_all_pillars": ("Published figure (all pillars only)", "#f2f2f2", "x",
                              "published for all pillars only"),
    "no_actions": ("No action in the chosen pillars", "#ffffff", ".", "no action in these pillars"),
    "not_stated": ("Not stated in the source", "#ececec", ".", ""),
    "not_in_report": ("Action not in this report", "#ffffff", "\\", "not in this report"),
}


def pct(value: float) -> str:
    """A share as printed: whole percent, or one decimal when the figure has one (47.5%)."""
    rounded = round(float(value), 1)
    return f"{rounded:.0f}%" if rounded == int(rounded) else f"{rounded:.1f}%"


def bar_pct(value: float) -> str:
    """A share on a bar: whole percent, but a published half stays (47.5%) so it matches its source."""
    value = float(value)
    return pct(value) if abs(value * 2 - round(value * 2)) < 1e-9 else f"{value:.0f}%"


def plain(text: object) -> str:
    """Text for Plotly shown as written (Plotly reads tags such as <b> or <a>)."""
    return escape(str(text), quote=False)


def _ink(colour: str) -> str:
    """Black or white, whichever reads better on ``colour`` (#rrggbb)."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#ffffff" if luminance < 0.5 else TEXT_COLOUR


def _layout(figure: go.Figure, title: str, subtitle: str, source: str, height: int, *,
            bottom: int = 70, legend_title: str = "") -> go.Figure:
    lines = textwrap.wrap(source, SOURCE_WRAP) if source else []
    extra = 16 * max(len(lines) - 1, 0)  # the source's second and later lines
    height += extra
    figure.update_layout(
        title={"text": plain(title), "x": 0, "xanchor": "left", "font": {"size": 18},
               "subtitle": {"text": plain(subtitle), "font": {"size": 13, "color": MUTED}}},
        template="plotly_white",
        font={"family": FONT, "size": 13, "color": TEXT_COLOUR},
        height=height,
        margin={"l": 10, "r": 20, "t": 120, "b": bottom + 35 + extra},
        hoverlabel={"font": {"family": FONT}},
        legend={"orientation": "v", "x": 1.01, "xanchor": "left", "y": 1.0, "yanchor": "top",
                "traceorder": "normal", "title": {"text": legend_title}},
    )
    if lines:
        figure.add_annotation(
            text="<br>".join(plain(line) for line in lines), xref="paper", yref="paper", x=0, y=0,
            xanchor="left", yanchor="top",
            yshift=-bottom, showarrow=False, font={"size": 12, "color": MUTED}, align="left",
        )
    return figure


def _rating_look(ratings: pd.DataFrame) -> dict[str, tuple[str, str, int]]:
    return {r.rating_code: (r.label, r.colour, int(r.sort_order)) for r in ratings.itertuples()}


# ------------------------------------------------------------------------ Parties x meetings


def _meeting_tick(meeting: str, rows: list[dict]) -> str:
    """The label of one meeting's bar: "SC66 · 13 actions", "SC69 · published, 19 actions"."""
    status = rows[0]["status"] if rows else "no_report"
    if status == "counted":
        n = int(sum(r["action_count"] for r in rows))
        return f"{meeting} · {n} action{'s' if n != 1 else ''}"
    if status == "published":
        n = [r["n_actions"] for r in rows if pd.notna(r["n_actions"])]
        return f"{meeting} · published" + (f", {int(n[0])} actions" if n else "")
    return meeting


PANEL_ROW_PX, PANEL_GAP_PX = 30, 70  # height of one meeting's bar, and between two Parties' panels
STATUSES = ("not_stated", "published_all_pillars", "no_actions", "no_report")


def ratings_by_meeting(cells: pd.DataFrame, ratings: pd.DataFrame, *, title: str, subtitle: str = "",
                       source: str = "") -> go.Figure:
    """Small multiples, one panel per Party: a 100% bar per meeting of the Party's own
    ratings, in the order of the scale; meetings without ratings say why on the bar.

    ``cells`` is `compare_data.ratings_by_meeting` (party_iso3, party_name, meeting_code,
    status, rating_code, share_pct, action_count, n_actions, source).
    """
    if cells.empty:
        raise ValueError("nothing to chart: no Party chosen")
    look = _rating_look(ratings)
    records = cells.to_dict("records")  # plain Python from here: pandas slicing is slow at this size
    parties = list(dict.fromkeys(r["party_iso3"] for r in records))
    meetings = list(dict.fromkeys(r["meeting_code"] for r in records))
    names = {r["party_iso3"]: r["party_name"] for r in records}
    # The figure is built in one go from plain dicts (panels stacked by hand, one y axis
    # per Party, one shared x axis): adding traces and axes one by one re-validates
    # everything and takes seconds.
    panel_px = len(meetings) * PANEL_ROW_PX
    plot_px = len(parties) * panel_px + (len(parties) - 1) * PANEL_GAP_PX
    traces: list[dict] = []
    layout: dict = {"barmode": "stack", "bargap": 0.25, "annotations": []}
    seen: set[str] = set()
    for i, party in enumerate(parties):
        axis = "y" if i == 0 else f"y{i + 1}"
        top = 1 - i * (panel_px + PANEL_GAP_PX) / plot_px
        panel = [r for r in records if r["party_iso3"] == party]
        groups: dict[str, list[dict]] = {}
        for r in panel:
            key = r["rating_code"] if isinstance(r["rating_code"], str) else r["status"]
            groups.setdefault(key, []).append(r if r["status"] not in STATUSES else {**r, "share_pct": 100.0})
        order = sorted((k for k in groups if k in look), key=lambda k: look[k][2])
        order += [k for k in STATUSES if k in groups]
        for key in order:
            if key in look:
                name, colour, rank = look[key]
                pattern = text = ""
            else:
                name, colour, pattern, text = STATUS_LOOK[key]
                rank = 100 + STATUSES.index(key)
            traces.append(_segment(groups[key], name=name, colour=colour, pattern=pattern, text=text, group=key,
                                   rank=rank, axis=axis, legend=key not in seen))
            seen.add(key)
        ticks = [_meeting_tick(m, [r for r in panel if r["meeting_code"] == m]) for m in meetings]
        layout[f"yaxis{i + 1 if i else ''}"] = {
            "domain": [max(top - panel_px / plot_px, 0), top], "anchor": "x", "type": "category",
            "categoryorder": "array", "categoryarray": meetings, "tickvals": meetings,
            "ticktext": [plain(t) for t in ticks], "autorange": "reversed",
        }
        layout["annotations"].append({
            "text": plain(names[party]), "xref": "paper", "yref": "paper", "x": 0, "y": top, "xanchor": "left",
            "yanchor": "bottom", "showarrow": False, "font": {"size": 14},
        })
    layout["xaxis"] = {"anchor": f"y{len(parties)}" if len(parties) > 1 else "y", "range": [0, 100],
                       "ticksuffix": "%", "dtick": 25, "showgrid": True,
                       "title": {"text": "Share of the Party's actions (its own rating)"}}
    figure = go.Figure(data=traces, layout=layout)
    height = 190 + plot_px + PANEL_GAP_PX
    return _layout(figure, title, subtitle, source, height, legend_title="Rating")


def _segment(rows: list[dict], *, name: str, colour: str, pattern: str, text: str, group: str, rank: int,
             axis: str, legend: bool) -> dict:
    """One trace of a panel: a rating's shares, or (with ``text``) a whole bar saying why
    there is nothing to draw."""
    shares = [float(r["share_pct"]) for r in rows]
    texts = [text] * len(shares) if text else [bar_pct(s) if s >= 7 and not pattern else "" for s in shares]
    hover = []
    for r, share in zip(rows, shares, strict=True):
        what = plain(text) if text else pct(share)
        if not text and pd.notna(r["action_count"]) and pd.notna(r["n_actions"]):
            what += f" ({int(r['action_count'])} of {int(r['n_actions'])} actions)"
        line = f"<b>{plain(name)}</b><br>{plain(r['meeting_code'])}: {what}"
        if isinstance(r["source"], str) and r["source"]:
            line += f"<br>Source: {plain(r['source'])}"
        hover.append(line)
    marker: dict[str, object] = {"color": colour, "line": {"color": LINE, "width": 0.5}}
    if pattern:
        marker["pattern"] = {"shape": pattern, "fgcolor": "#9a9a9a", "size": 7, "solidity": 0.25}
    return {
        "type": "bar", "orientation": "h", "x": shares, "y": [r["meeting_code"] for r in rows], "name": name,
        "legendgroup": group, "legendrank": rank, "showlegend": legend, "xaxis": "x", "yaxis": axis,
        "marker": marker, "text": texts, "textposition": "inside", "insidetextanchor": "middle",
        "textfont": {"color": TEXT_COLOUR if pattern else _ink(colour)}, "hovertext": hover,
        "hoverinfo": "text", "cliponaxis": False,
    }


def ratings_by_meeting_table(cells: pd.DataFrame, ratings: pd.DataFrame) -> pd.DataFrame:
    """The numbers of `ratings_by_meeting`: one row per Party and meeting, one column per
    rating (share of actions in %, in the order of the scale), what the row is and its source."""
    look = _rating_look(ratings)
    kinds = {"counted": "Counted from the report", "published": "Published by CITES",
             **{k: v[0] for k, v in STATUS_LOOK.items()}}
    rows: dict[tuple[str, str], dict] = {}
    for r in cells.to_dict("records"):
        key = (r["party_name"], r["meeting_code"])
        if key not in rows:
            rows[key] = {"Party": r["party_name"], "Meeting": r["meeting_code"],
                         "What": kinds.get(r["status"], r["status"]), "Actions": 0 if r["status"] == "counted"
                         else (None if pd.isna(r["n_actions"]) else int(r["n_actions"])),
                         "Source": r["source"] if isinstance(r["source"], str) else ""}
        row = rows[key]
        if r["status"] == "counted":
            row["Actions"] += int(r["action_count"])
        code = r["rating_code"]
        if isinstance(code, str) and pd.notna(r["share_pct"]):
            row[look[code][0] if code in look else kinds[code]] = round(float(r["share_pct"]), 1)
    table = pd.DataFrame(list(rows.values()))
    order = [v[0] for v in sorted(look.values(), key=lambda v: v[2])] + [kinds["not_stated"]]
    present = [c for c in order if c in table.columns]
    table = table.reindex(columns=["Party", "Meeting", "What", "Actions", *present, "Source"])
    return table.astype({"Actions": "Int64"})


def ratings_by_meeting_alt(table: pd.DataFrame, title: str) -> str:
    """A description of the small multiples for screen readers, from `ratings_by_meeting_table`."""
    value_columns = [c for c in table.columns if c not in ("Party", "Meeting", "What", "Actions", "Source")]
    parts = []
    for row in table.itertuples(index=False):
        values = dict(zip(table.columns, row, strict=True))
        shares = ", ".join(f"{c} {pct(values[c])}" for c in value_columns if pd.notna(values[c]))
        parts.append(f"{values['Party']} {values['Meeting']}: {shares or values['What'].lower()}")
    return f"Bar charts, one per Party. {title}. " + "; ".join(parts) + "."


# ------------------------------------------------------------------------ self vs Secretariat


def self_vs_secretariat(shares: pd.DataFrame, ratings: pd.DataFrame, *, title: str, subtitle: str = "",
                        source: str = "") -> go.Figure:
    """For each Party and meeting with a Secretariat figure, 100% bars of the Party's own
    ratings and of the Secretariat's, one above the other, in the order of the scale.

    ``shares`` is `compare_data.self_vs_secretariat` (party_name, meeting_code, bar,
    rating_code, share_pct, action_count, n_actions, source).
    """
    if shares.empty:
        raise ValueError("nothing to chart: no Secretariat figures in the selection")
    look = _rating_look(ratings)
    records = [{**r, "group": f"{r['party_name']} {r['meeting_code']}"} for r in shares.to_dict("records")]
    present = {(r["group"], r["bar"]) for r in records}
    bars: list[tuple[str, str]] = []
    for group in dict.fromkeys(r["group"] for r in records):
        own = [(group, b) for b in ("Party, counted from report", "Party, published") if (group, b) in present]
        bars += own or [(group, NO_SELF_RATING)]
        bars.append((group, "Secretariat"))
    # Plotly orders a two-level axis by the first appearance of each inner label across
    # groups, which mixes up the pairs: one category per bar, labelled by hand, instead.
    ids = [str(i) for i in range(len(bars))]
    index = {gb: i for i, gb in enumerate(bars)}
    ticks = [f"<b>{plain(g)}</b>  {plain(b)}" if i == 0 or bars[i - 1][0] != g else plain(b)
             for i, (g, b) in enumerate(bars)]
    traces = []
    totals = [0.0] * len(bars)
    for code in sorted({r["rating_code"] for r in records if r["rating_code"] in look}, key=lambda c: look[c][2]):
        label, colour, rank = look[code]
        x = [0.0] * len(bars)
        hover = [""] * len(bars)
        for r in records:
            if r["rating_code"] != code:
                continue
            i = index[(r["group"], r["bar"])]
            x[i] = float(r["share_pct"])
            totals[i] += x[i]
            count = (f" ({int(r['action_count'])} of {int(r['n_actions'])} actions)"
                     if pd.notna(r["action_count"]) and pd.notna(r["n_actions"]) else "")
            hover[i] = (f"<b>{plain(label)}</b><br>{plain(r['group'])}, {plain(r['bar'])}: "
                        f"{pct(r['share_pct'])}{count}<br>Source: {plain(r['source'])}")
        traces.append({
            "type": "bar", "orientation": "h", "x": x, "y": ids, "name": label, "legendrank": rank,
            "marker": {"color": colour, "line": {"color": LINE, "width": 0.5}},
            "text": [bar_pct(v) if v >= 6 else "" for v in x], "textposition": "inside",
            "insidetextanchor": "middle", "textfont": {"color": _ink(colour)}, "hovertext": hover,
            "hoverinfo": "text",
        })
    rest = [100.0 - t if 100.0 - t > 1.0 else 0.0 for t in totals]
    if any(rest):
        name, fill, pattern, _ = STATUS_LOOK["not_stated"]
        traces.append({
            "type": "bar", "orientation": "h", "x": rest, "y": ids, "name": name, "legendrank": 100,
            "marker": {"color": fill, "line": {"color": LINE, "width": 0.5},
                       "pattern": {"shape": pattern, "fgcolor": "#9a9a9a", "size": 7, "solidity": 0.25}},
            "text": ["no self-rating published" if b == NO_SELF_RATING else "" for _, b in bars],
            "textposition": "inside", "insidetextanchor": "middle", "textfont": {"color": TEXT_COLOUR},
            "hoverinfo": "text",
            "hovertext": [f"{plain(g)}, {plain(b)}: {pct(r)} not stated in the source"
                          for (g, b), r in zip(bars, rest, strict=True)],
        })
    layout = {
        "barmode": "stack", "bargap": 0.2,
        "xaxis": {"range": [0, 100], "ticksuffix": "%", "dtick": 25, "title": {"text": "Share of the actions"}},
        "yaxis": {"type": "category", "categoryorder": "array", "categoryarray": ids, "tickvals": ids,
                  "ticktext": ticks, "autorange": "reversed", "automargin": True},
        "shapes": [  # a rule between Party-and-meeting pairs
            {"type": "line", "xref": "paper", "x0": -0.4, "x1": 1, "yref": "y", "y0": i - 0.5, "y1": i - 0.5,
             "line": {"color": "#bbbbbb", "width": 1}}
            for i in range(1, len(bars)) if bars[i][0] != bars[i - 1][0]
        ],
    }
    figure = go.Figure(data=traces, layout=layout)
    return _layout(figure, title, subtitle, source, 230 + 34 * len(bars), bottom=75, legend_title="Rating")


def self_vs_secretariat_table(shares: pd.DataFrame, ratings: pd.DataFrame) -> pd.DataFrame:
    """The numbers of `self_vs_secretariat`: one row per Party, meeting and assessor, one
    column per rating (share in %), the number of actions and the source."""
    look = _rating_look(ratings)
    rows = []
    for (party, meeting, bar), group in shares.groupby(["party_name", "meeting_code", "bar"], sort=False):
        row = {"Party": party, "Meeting": meeting, "Rated by": bar}
        n = group["n_actions"].dropna()
        row["Actions"] = int(n.iloc[0]) if len(n) else None
        for rating in group.itertuples():
            row[look.get(rating.rating_code, (rating.rating_code,))[0]] = round(float(rating.share_pct), 1)
        row["Source"] = group["source"].iloc[0]
        rows.append(row)
    table = pd.DataFrame(rows)
    order = [v[0] for v in sorted(look.values(), key=lambda v: v[2])]
    present = [c for c in order if c in table.columns]
    table = table.reindex(columns=["Party", "Meeting", "Rated by", "Actions", *present, "Source"])
    return table.astype({"Actions": "Int64"})


def self_vs_secretariat_alt(gaps: pd.DataFrame, ratings: pd.DataFrame, title: str) -> str:
    """Where the Party and the Secretariat differ, in words (from `compare_data.disagreements`)."""
    look = _rating_look(ratings)
    parts = []
    for (party, meeting), group in gaps.groupby(["party_name", "meeting_code"], sort=False):
        diffs = [f"{look.get(r.rating_code, (r.rating_code,))[0]} {pct(r.party_pct)} vs {pct(r.secretariat_pct)}"
                 for r in group.itertuples() if abs(r.gap_pp) >= 1]
        parts.append(f"{party} {meeting}: " + (", ".join(diffs) if diffs else "same shares"))
    return (f"Paired bar chart. {title}. Party self-rating vs Secretariat rating: "
            + ("; ".join(parts) if parts else "no Party self-ratings to compare") + ".")


# ------------------------------------------------------------------------ one action over time


def action_history(history: pd.DataFrame, ratings: pd.DataFrame, *, title: str, subtitle: str = "",
                   source: str = "") -> go.Figure:
    """One action's rating at each meeting: a marker in the rating's colour on a scale axis
    (best on top), with rows below the scale for "not rated", "not in this report" and
    "no report". ``history`` is `compare_data.action_history`."""
    if history.empty:
        raise ValueError("nothing to chart: no meetings")
    look = _rating_look(ratings)
    present = set(history["rating_code"].dropna())
    scales = set(history["rating_scale"].dropna()) if "rating_scale" in history else set()
    in_scales = set()
    for scale in scales:
        column = f"in_{scale}_scale"
        if column in ratings.columns:
            in_scales |= set(ratings.loc[ratings[column].astype(bool), "rating_code"])
    shown_codes = [c for c, _ in sorted(look.items(), key=lambda kv: kv[1][2]) if c in present | in_scales]
    rows = [look[c][0] for c in shown_codes]
    extra = {"not_in_report": STATUS_LOOK["not_in_report"][0], "no_report": STATUS_LOOK["no_report"][0]}
    rows += [extra[s] for s in ("not_in_report", "no_report") if (history["status"] == s).any()]
    ys, colours, symbols, hover = [], [], [], []
    for row in history.itertuples():
        if row.status == "counted":
            label, colour, _ = look[row.rating_code]
            ys.append(label)
            colours.append(colour)
            symbols.append("circle")
            detail = [f"Report's label: {plain(row.rating_label)}" if isinstance(row.rating_label, str) else
                      "No rating in the report"]
            if row.delayed:
                detail.append("Delayed" + (f": {plain(row.delay_causes)}" if isinstance(row.delay_causes, str)
                                           else ""))
            hover.append(f"<b>{plain(row.meeting_code)}: {plain(label)}</b><br>" + "<br>".join(detail))
        else:
            ys.append(extra[row.status])
            colours.append("#8a8a8a")  # open symbols take this as their line colour
            symbols.append("circle-open" if row.status == "not_in_report" else "x-thin-open")
            hover.append(f"<b>{plain(row.meeting_code)}</b>: {plain(extra[row.status])}")
    figure = go.Figure()
    rated = history["status"] == "counted"
    figure.add_trace(go.Scatter(
        x=history.loc[rated, "meeting_code"].tolist(), y=[y for y, r in zip(ys, rated, strict=True) if r],
        mode="lines", line={"color": "#bbbbbb", "width": 2, "dash": "dot"}, hoverinfo="skip", showlegend=False,
    ))
    figure.add_trace(go.Scatter(
        x=history["meeting_code"].tolist(), y=ys, mode="markers", showlegend=False,
        marker={"color": colours, "size": 22, "symbol": symbols, "line": {"color": LINE, "width": 1.5}},
        hovertext=hover, hoverinfo="text",
    ))
    # delayed actions get a ring of their own so the delay shows without hovering
    delayed = history["delayed"].eq(True) if "delayed" in history else rated & False
    if delayed.any():
        figure.add_trace(go.Scatter(
            x=history.loc[delayed, "meeting_code"].tolist(), y=[y for y, d in zip(ys, delayed, strict=True) if d],
            mode="markers", name="Said to be delayed", hoverinfo="skip",
            marker={"size": 34, "symbol": "circle-open", "color": SEVERITY_COLOURS["error"],
                    "line": {"width": 2.5}},
        ))
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=history["meeting_code"].tolist(),
                        title={"text": "Meeting"})
    figure.update_yaxes(type="category", categoryorder="array", categoryarray=rows[::-1], range=[-0.6, len(rows) - 0.4],
                        title={"text": "Rating"}, automargin=True)
    return _layout(figure, title, subtitle, source, 200 + 42 * len(rows), bottom=75)


def action_history_table(history: pd.DataFrame, ratings: pd.DataFrame) -> pd.DataFrame:
    """The numbers and words of `action_history`, one row per meeting."""
    look = _rating_look(ratings)
    status = {"counted": "", "not_in_report": STATUS_LOOK["not_in_report"][0], "no_report": "No report"}
    rows = []
    for row in history.itertuples():
        reported = row.status == "counted"
        funding = []
        if reported and row.funding_secured:
            funding.append("secured")
        if reported and row.funding_sought:
            funding.append("sought")
        rows.append({
            "Meeting": row.meeting_code,
            "Rating": look[row.rating_code][0] if reported else status[row.status],
            "Report's label": row.rating_label if reported and isinstance(row.rating_label, str) else "",
            "Delayed": ("yes" if row.delayed else "no") if reported else "",
            "Causes": row.delay_causes if reported and isinstance(row.delay_causes, str) else "",
            "Funding": ", ".join(funding),
            "Expected completion": row.expected_completion if reported and isinstance(row.expected_completion, str)
            else "",
            "Title": row.action_title if reported else "",
            "Source": row.source_file if isinstance(row.source_file, str) else "",
        })
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------ one report


def report_ratings(actions: pd.DataFrame, ratings: pd.DataFrame, scale: str, *, title: str,
                   subtitle: str = "", source: str = "") -> go.Figure:
    """Horizontal bars: how many of the report's actions have each rating of its scale."""
    counts = report_rating_counts(actions, ratings, scale)
    figure = go.Figure(go.Bar(
        orientation="h", x=counts["Actions"].tolist(), y=[plain(v) for v in counts["Rating"]],
        marker={"color": counts["colour"].tolist(), "line": {"color": LINE, "width": 0.5}},
        text=[str(n) for n in counts["Actions"]], textposition="outside", cliponaxis=False,
        hovertemplate="<b>%{y}</b>: %{x} actions<extra></extra>",
    ))
    peak = max(int(counts["Actions"].max()) if len(counts) else 0, 1)
    figure.update_xaxes(range=[0, peak * 1.15], dtick=1 if peak <= 12 else None, title={"text": "Actions"})
    figure.update_yaxes(autorange="reversed", automargin=True)
    figure.update_layout(showlegend=False, bargap=0.3)
    return _layout(figure, title, subtitle, source, 200 + 34 * len(counts), bottom=60)


def report_rating_counts(actions: pd.DataFrame, ratings: pd.DataFrame, scale: str) -> pd.DataFrame:
    """Actions per rating over the whole scale of the report's template (0 when unused),
    plus any other rating present (such as not rated), in the order of the scale."""
    column = f"in_{scale}_scale"
    in_scale = set(ratings.loc[ratings[column].astype(bool), "rating_code"]) if column in ratings else set()
    present = actions["rating_code"].value_counts()
    shown = ratings[ratings["rating_code"].isin(in_scale | set(present.index))].sort_values("sort_order")
    return pd.DataFrame({
        "Rating": shown["label"].tolist(),
        "Actions": [int(present.get(c, 0)) for c in shown["rating_code"]],
        "colour": shown["colour"].tolist(),
    })


# ------------------------------------------------------------------------ data quality


def issues_by(issues: pd.DataFrame, by: str, *, title: str, subtitle: str = "", source: str = "",
              axis_title: str = "") -> go.Figure:
    """Horizontal bars of the number of quality issues per ``by`` (a column of
    `report_data.quality_issues`, e.g. issue_label or party_name), stacked by severity,
    the largest on top."""
    counts = issues_count_table(issues, by)
    categories = counts[by].tolist()
    figure = go.Figure()
    for severity in SEVERITY_ORDER:
        if severity not in counts.columns or not counts[severity].any():
            continue
        figure.add_trace(go.Bar(
            orientation="h", x=counts[severity].tolist(), y=[plain(c) for c in categories], name=severity.title(),
            marker={"color": SEVERITY_COLOURS[severity], "line": {"color": LINE, "width": 0.5}},
            hovertemplate=f"<b>%{{y}}</b><br>{severity}: %{{x}}<extra></extra>",
        ))
    figure.add_trace(go.Scatter(  # the total at the end of each bar
        x=counts["Total"].tolist(), y=[plain(c) for c in categories], mode="text",
        text=[f"  {t}" for t in counts["Total"]], textposition="middle right", showlegend=False, hoverinfo="skip",
        cliponaxis=False,
    ))
    peak = max(int(counts["Total"].max()) if len(counts) else 0, 1)
    figure.update_layout(barmode="stack", bargap=0.3)
    figure.update_xaxes(range=[0, peak * 1.15], title={"text": "Quality issues"}, rangemode="tozero")
    figure.update_yaxes(categoryorder="array", categoryarray=[plain(c) for c in categories],
                        autorange="reversed", automargin=True, title={"text": axis_title})
    return _layout(figure, title, subtitle, source, max(330, 220 + 30 * len(categories)), legend_title="Severity")


def issues_count_table(issues: pd.DataFrame, by: str) -> pd.DataFrame:
    """Issues per ``by`` and severity (columns error / warning / info / Total), largest first."""
    table = pd.crosstab(issues[by], issues["severity"]) if len(issues) else pd.DataFrame()
    table = table.reindex(columns=[s for s in SEVERITY_ORDER if s in table.columns])
    table["Total"] = table.sum(axis=1)
    table = table.reset_index().sort_values(["Total", by], ascending=[False, True])
    return table.reset_index(drop=True)


def issues_alt(counts: pd.DataFrame, by: str, title: str) -> str:
    """The issue counts in words, for screen readers."""
    parts = [f"{row[by]} {int(row['Total'])}" for _, row in counts.iterrows()]
    return f"Bar chart. {title}: " + ", ".join(parts) + "."
