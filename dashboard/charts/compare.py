"""Charts of the Compare page: each Party's own ratings at each meeting (small multiples),
the Party's own ratings against the Secretariat's, and one action followed across meetings.

Ratings take their look from the rating code table; what is not a rating (no report, a
published figure for all pillars only, not stated, not in this report...) takes its one
look from `style.NOT_A_RATING`.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.style import LINE, NOT_A_RATING, TEXT_COLOUR, bar_pct, hatch, ink, layout, pct, plain, rating_look

NO_SELF_RATING = "Party: no figure"
DELAY_RING = "#b2182b"
# Bars that are not a rating, drawn whole (100%) with words on them, in legend order.
STATUSES = ("not_stated", "published_all_pillars", "no_actions", "no_report")
KINDS = {"counted": "Counted from the report", "published": "Published by CITES",
         **{code: look[0] for code, look in NOT_A_RATING.items()}}
PANEL_ROW_PX, PANEL_GAP_PX = 30, 70  # height of one meeting's bar, and between two Parties' panels


def _look(code: str, look: dict[str, tuple[str, str, int]]) -> tuple[str, str, str, str, int]:
    """(label, fill, hatch shape, words on the bar, legend rank) of a rating or a status."""
    if code in NOT_A_RATING:
        label, fill, shape, words = NOT_A_RATING[code]
        rank = 100 + STATUSES.index(code) if code in STATUSES else look[code][2] if code in look else 99
        return label, fill, shape, words, rank
    label, colour, rank = look[code]
    return label, colour, "", "", rank


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


def ratings_by_meeting(cells: pd.DataFrame, ratings: pd.DataFrame, *, title: str, subtitle: str = "",
                       source: str = "") -> go.Figure:
    """Small multiples, one panel per Party: a 100% bar per meeting of the Party's own
    ratings, in the order of the scale; meetings without ratings say why on the bar.
    ``cells`` is `dashboard.queries.compare.ratings_by_meeting`."""
    look = rating_look(ratings)
    records = cells.to_dict("records")  # plain Python from here: pandas slicing is slow at this size
    parties = list(dict.fromkeys(r["party_iso3"] for r in records))
    meetings = list(dict.fromkeys(r["meeting_code"] for r in records))
    names = {r["party_iso3"]: r["party_name"] for r in records}
    # Built in one go from plain dicts (panels stacked by hand, one y axis per Party, one
    # shared x axis): adding traces and axes one by one re-validates everything, slowly.
    # bars grow (up to twice) until the legend beside them fits without scrolling
    legend_px = 24 * len({r["rating_code"] if isinstance(r["rating_code"], str) else r["status"] for r in records})
    rows, gaps = len(parties) * max(len(meetings), 1), (len(parties) - 1) * PANEL_GAP_PX
    row_px = min(max(PANEL_ROW_PX, (legend_px - gaps) / max(rows, 1)), 2 * PANEL_ROW_PX)
    panel_px = max(len(meetings), 1) * row_px
    plot_px = max(len(parties) * panel_px + gaps, 1)
    traces: list[dict] = []
    spec: dict = {"barmode": "stack", "bargap": 0.25, "annotations": []}
    seen: set[str] = set()
    for i, party in enumerate(parties):
        axis = "y" if i == 0 else f"y{i + 1}"
        top = 1 - i * (panel_px + PANEL_GAP_PX) / plot_px
        panel = [r for r in records if r["party_iso3"] == party]
        groups: dict[str, list[dict]] = {}
        for r in panel:
            key = r["rating_code"] if isinstance(r["rating_code"], str) else r["status"]
            groups.setdefault(key, []).append(r if r["status"] not in STATUSES else {**r, "share_pct": 100.0})
        for key in sorted(groups, key=lambda k: _look(k, look)[4]):
            traces.append(_segment(groups[key], *_look(key, look)[:4], group=key, rank=_look(key, look)[4],
                                   axis=axis, legend=key not in seen))
            seen.add(key)
        ticks = [_meeting_tick(m, [r for r in panel if r["meeting_code"] == m]) for m in meetings]
        spec[f"yaxis{i + 1 if i else ''}"] = {
            "domain": [max(top - panel_px / plot_px, 0), top], "anchor": "x", "type": "category",
            "categoryorder": "array", "categoryarray": meetings, "tickvals": meetings,
            "ticktext": [plain(t) for t in ticks], "autorange": "reversed", "fixedrange": True,
        }
        spec["annotations"].append({
            "text": plain(names[party]), "xref": "paper", "yref": "paper", "x": 0, "y": top, "xanchor": "left",
            "yanchor": "bottom", "showarrow": False, "font": {"size": 14},
        })
    spec["xaxis"] = {"anchor": f"y{len(parties)}" if len(parties) > 1 else "y", "range": [0, 100],
                     "ticksuffix": "%", "dtick": 25, "showgrid": True, "fixedrange": True,
                     "title": {"text": "Share of the Party's actions (its own rating)"}}
    figure = go.Figure(data=traces, layout=spec)
    return layout(figure, title, height=160 + plot_px + PANEL_GAP_PX, subtitle=subtitle, source=source,
                  legend="right", legend_title="Rating", top=125 if subtitle else 95)


def _segment(rows: list[dict], name: str, colour: str, shape: str, words: str, *, group: str, rank: int,
             axis: str, legend: bool) -> dict:
    """One trace of a panel: a rating's shares, or (with ``words``) a whole bar saying why
    there is nothing to draw."""
    shares = [float(r["share_pct"]) for r in rows]
    texts = [words] * len(shares) if words else [bar_pct(s) if s >= 7 and not shape else "" for s in shares]
    hover = []
    for r, share in zip(rows, shares, strict=True):
        what = plain(words) if words else pct(share)
        if not words and pd.notna(r["action_count"]) and pd.notna(r["n_actions"]):
            what += f" ({int(r['action_count'])} of {int(r['n_actions'])} actions)"
        line = f"<b>{plain(name)}</b><br>{plain(r['meeting_code'])}: {what}"
        if isinstance(r["source"], str) and r["source"]:
            line += f"<br>Source: {plain(r['source'])}"
        hover.append(line)
    marker: dict[str, object] = {"color": colour, "line": {"color": LINE, "width": 0.5}}
    if shape:
        marker["pattern"] = hatch(shape)
    return {
        "type": "bar", "orientation": "h", "x": shares, "y": [r["meeting_code"] for r in rows], "name": name,
        "legendgroup": group, "legendrank": rank, "showlegend": legend, "xaxis": "x", "yaxis": axis,
        "marker": marker, "text": texts, "textposition": "inside", "insidetextanchor": "middle",
        "textfont": {"color": TEXT_COLOUR if shape else ink(colour)}, "hovertext": hover,
        "hoverinfo": "text", "cliponaxis": False,
    }


def ratings_by_meeting_table(cells: pd.DataFrame, ratings: pd.DataFrame) -> pd.DataFrame:
    """The numbers of `ratings_by_meeting`: one row per Party and meeting, one column per
    rating (share of actions in %, in the order of the scale), what the row is and its source."""
    look = rating_look(ratings)
    rows: dict[tuple[str, str], dict] = {}
    for r in cells.to_dict("records"):
        key = (r["party_name"], r["meeting_code"])
        if key not in rows:
            rows[key] = {"Party": r["party_name"], "Meeting": r["meeting_code"],
                         "What": KINDS.get(r["status"], r["status"]), "Actions": 0 if r["status"] == "counted"
                         else (None if pd.isna(r["n_actions"]) else int(r["n_actions"])),
                         "Source": r["source"] if isinstance(r["source"], str) else ""}
        row = rows[key]
        if r["status"] == "counted":
            row["Actions"] += int(r["action_count"])
        code = r["rating_code"]
        if isinstance(code, str) and pd.notna(r["share_pct"]):
            row[_look(code, look)[0]] = round(float(r["share_pct"]), 1)
    table = pd.DataFrame(list(rows.values()))
    order = [v[0] for v in sorted(look.values(), key=lambda v: v[2])] + [KINDS["not_stated"]]
    present = [c for c in dict.fromkeys(order) if c in table.columns]
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


def self_vs_secretariat(shares: pd.DataFrame, ratings: pd.DataFrame, *, title: str, subtitle: str = "",
                        source: str = "") -> go.Figure:
    """For each Party and meeting with a Secretariat figure, 100% bars of the Party's own
    ratings and of the Secretariat's, one above the other, in the order of the scale.
    ``shares`` is `dashboard.queries.compare.self_vs_secretariat`."""
    look = rating_look(ratings)
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
        label, colour, shape, _, rank = _look(code, look)
        x, hover = [0.0] * len(bars), [""] * len(bars)
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
        marker: dict[str, object] = {"color": colour, "line": {"color": LINE, "width": 0.5}}
        if shape:
            marker["pattern"] = hatch(shape)
        traces.append({
            "type": "bar", "orientation": "h", "x": x, "y": ids, "name": label, "legendrank": rank,
            "marker": marker, "text": [bar_pct(v) if v >= 6 and not shape else "" for v in x],
            "textposition": "inside", "insidetextanchor": "middle", "textfont": {"color": ink(colour)},
            "hovertext": hover, "hoverinfo": "text",
        })
    rest = [100.0 - t if 100.0 - t > 1.0 else 0.0 for t in totals]
    if any(rest):
        name, fill, shape, _ = NOT_A_RATING["not_stated"]
        traces.append({
            "type": "bar", "orientation": "h", "x": rest, "y": ids, "name": name, "legendrank": 200,
            "marker": {"color": fill, "line": {"color": LINE, "width": 0.5}, "pattern": hatch(shape)},
            "text": ["no self-rating published" if b == NO_SELF_RATING else "" for _, b in bars],
            "textposition": "inside", "insidetextanchor": "middle", "textfont": {"color": TEXT_COLOUR},
            "hoverinfo": "text",
            "hovertext": [f"{plain(g)}, {plain(b)}: {pct(r)} not stated in the source"
                          for (g, b), r in zip(bars, rest, strict=True)],
        })
    spec = {
        "barmode": "stack", "bargap": 0.2,
        "xaxis": {"range": [0, 100], "ticksuffix": "%", "dtick": 25, "fixedrange": True,
                  "title": {"text": "Share of the actions"}},
        "yaxis": {"type": "category", "categoryorder": "array", "categoryarray": ids, "tickvals": ids,
                  "ticktext": ticks, "autorange": "reversed", "automargin": True, "fixedrange": True},
        "shapes": [  # a rule between Party-and-meeting pairs
            {"type": "line", "xref": "paper", "x0": -0.4, "x1": 1, "yref": "y", "y0": i - 0.5, "y1": i - 0.5,
             "line": {"color": "#bbbbbb", "width": 1}}
            for i in range(1, len(bars)) if bars[i][0] != bars[i - 1][0]
        ],
    }
    figure = go.Figure(data=traces, layout=spec)
    return layout(figure, title, height=200 + 34 * len(bars), subtitle=subtitle, source=source,
                  legend="right", legend_title="Rating")


def self_vs_secretariat_table(shares: pd.DataFrame, ratings: pd.DataFrame) -> pd.DataFrame:
    """The numbers of `self_vs_secretariat`: one row per Party, meeting and assessor, one
    column per rating (share in %), the number of actions and the source."""
    look = rating_look(ratings)
    rows = []
    for (party, meeting, bar), group in shares.groupby(["party_name", "meeting_code", "bar"], sort=False):
        n = group["n_actions"].dropna()
        row = {"Party": party, "Meeting": meeting, "Rated by": bar, "Actions": int(n.iloc[0]) if len(n) else None}
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
    """Where the Party and the Secretariat differ, in words (from `queries.compare.disagreements`)."""
    look = rating_look(ratings)
    parts = []
    for (party, meeting), group in gaps.groupby(["party_name", "meeting_code"], sort=False):
        diffs = [f"{look.get(r.rating_code, (r.rating_code,))[0]} {pct(r.party_pct)} vs {pct(r.secretariat_pct)}"
                 for r in group.itertuples() if abs(r.gap_pp) >= 1]
        parts.append(f"{party} {meeting}: " + (", ".join(diffs) if diffs else "same shares"))
    return (f"Paired bar chart. {title}. Party self-rating vs Secretariat rating: "
            + ("; ".join(parts) if parts else "no Party self-ratings to compare") + ".")


def _scale_rows(history: pd.DataFrame, ratings: pd.DataFrame) -> list[str]:
    """The rows of `action_history`, best rating on top: the ratings of the reports' scales
    and any other present, then "not in this report" and "no report" when they occur."""
    look = rating_look(ratings)
    codes = set(history["rating_code"].dropna())
    for scale in set(history["rating_scale"].dropna()) if "rating_scale" in history else ():
        column = f"in_{scale}_scale"
        if column in ratings.columns:
            codes |= set(ratings.loc[ratings[column].astype(bool), "rating_code"])
    rows = [look[c][0] for c, _ in sorted(look.items(), key=lambda kv: kv[1][2]) if c in codes]
    return rows + [NOT_A_RATING[s][0] for s in ("not_in_report", "no_report") if (history["status"] == s).any()]


def action_history(history: pd.DataFrame, ratings: pd.DataFrame, *, title: str, subtitle: str = "",
                   source: str = "") -> go.Figure:
    """One action's rating at each meeting: a marker in the rating's colour on a scale axis
    (best on top), with rows below the scale for "not in this report" and "no report".
    ``history`` is `dashboard.queries.compare.action_history`."""
    look = rating_look(ratings)
    rows = _scale_rows(history, ratings)
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
                causes = row.delay_causes if isinstance(row.delay_causes, str) and row.delay_causes else ""
                detail.append("Delayed" + (f": {plain(causes)}" if causes else ""))
            hover.append(f"<b>{plain(row.meeting_code)}: {plain(label)}</b><br>" + "<br>".join(detail))
        else:
            ys.append(NOT_A_RATING[row.status][0])
            colours.append("#8a8a8a")  # open symbols take this as their line colour
            symbols.append("circle-open" if row.status == "not_in_report" else "x-thin-open")
            hover.append(f"<b>{plain(row.meeting_code)}</b>: {plain(NOT_A_RATING[row.status][0])}")
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
            marker={"size": 34, "symbol": "circle-open", "color": DELAY_RING, "line": {"width": 2.5}},
        ))
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=history["meeting_code"].tolist(),
                        title={"text": "Meeting"}, fixedrange=True)
    figure.update_yaxes(type="category", categoryorder="array", categoryarray=rows[::-1],
                        range=[-0.6, len(rows) - 0.4], title={"text": "Rating"}, automargin=True, fixedrange=True)
    return layout(figure, title, height=170 + 42 * len(rows), subtitle=subtitle, source=source,
                  legend="top" if delayed.any() else None)


def action_history_table(history: pd.DataFrame, ratings: pd.DataFrame) -> pd.DataFrame:
    """The numbers and words of `action_history`, one row per meeting."""
    look = rating_look(ratings)
    rows = []
    for row in history.itertuples():
        reported = row.status == "counted"
        funding = [word for word, flag in (("secured", getattr(row, "funding_secured", False)),
                                           ("sought", getattr(row, "funding_sought", False))) if reported and flag]

        def text(column: str, row=row, reported=reported) -> str:
            value = getattr(row, column, None)
            return value if reported and isinstance(value, str) else ""

        rows.append({
            "Meeting": row.meeting_code,
            "Rating": look[row.rating_code][0] if reported else NOT_A_RATING[row.status][0],
            "Report's label": text("rating_label"),
            "Delayed": ("yes" if row.delayed else "no") if reported else "",
            "Causes": text("delay_causes"),
            "Funding": ", ".join(funding),
            "Expected completion": text("expected_completion"),
            "Title": text("action_title"),
            "Source": row.source_file if isinstance(row.source_file, str) else "",
        })
    return pd.DataFrame(rows)


def action_history_alt(table: pd.DataFrame, title: str) -> str:
    """Text alternative of `action_history`, from `action_history_table`."""
    return f"Dot chart. {title}: " + "; ".join(f"{r.Meeting} {r.Rating}" for r in table.itertuples()) + "."
