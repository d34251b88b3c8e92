"""Self-assessed ratings: counts per group (Party, meeting, pillar) x rating from out_actions,
one report's counts over its whole scale, the rating crosswalk (2014 scale -> 2017+, the
``crosswalk_*`` columns of out_codes_ratings) and the shares the stacked bars show."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from dashboard.queries import Cursor, counted_reports, fetch
from dashboard.queries.overview import NO_REPORT
from dashboard.selection import UNMAPPED_PILLAR, UNMAPPED_PILLAR_NAME, Filters

# How rating counts can be grouped: key, label and sort key of a group, as SQL on one row of
# out_actions a joined with out_codes_pillars p (the two parameters: the unmapped pillar's code and name).
GROUPS = {
    "party": ("a.party_iso3", "a.party_name", "a.is_demo::INTEGER"),
    "meeting": ("a.meeting_code", "a.meeting_code", "a.meeting_number"),
    "pillar": ("COALESCE(a.pillar_code, ?)", "COALESCE(p.label, ?)", "COALESCE(p.sort_order, 99)"),
}
SCALE_NAMES = {"2014": "2014-2016 template", "2017": "2017+ template"}


def rating_counts(cur: Cursor, f: Filters, by: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Actions per group (``party``, ``meeting`` or ``pillar``) x template x rating.

    By Party or pillar, the actions of each Party's latest report in the selection, or of
    every report with ``f.history`` (`dashboard.queries.counted_reports`); by meeting, every
    report (a Party has one report per meeting). Returns the counts (key, rating_scale,
    rating_code, actions) and the groups, one row per group x template (key, rating_scale,
    label, sort_key, reports, meetings, files, is_demo), in the groups' order.
    """
    if by not in GROUPS:
        raise ValueError(f"unknown grouping {by!r}; use one of {sorted(GROUPS)}")
    key, label, sort_key = GROUPS[by]
    where, params = f.where("a")
    reports, report_params = counted_reports(replace(f, history=True) if by == "meeting" else f)
    rows = fetch(cur, f"""
        SELECT {key} AS key, {label} AS label, {sort_key} AS sort_key, a.party_name, a.report_id,
               a.meeting_code, a.meeting_number, a.rating_scale, a.rating_code, a.is_demo, a.source_file,
               count(*) AS actions
        FROM out_actions a LEFT JOIN out_codes_pillars p ON p.pillar_code = a.pillar_code
        WHERE {where} AND a.report_id IN ({reports})
        GROUP BY ALL ORDER BY a.meeting_number, a.report_id
    """, ([UNMAPPED_PILLAR, UNMAPPED_PILLAR_NAME] if by == "pillar" else []) + params + report_params)
    if by == "party":
        rows["label"] = rows["party_name"]  # marked "(demo)" for a demo Party
    counts = rows.groupby(["key", "rating_scale", "rating_code"], sort=False, as_index=False)["actions"].sum()
    groups = (
        rows.groupby(["key", "rating_scale"], sort=False)
        .agg(label=("label", "first"), sort_key=("sort_key", "min"), reports=("report_id", "nunique"),
             meetings=("meeting_code", lambda m: ", ".join(dict.fromkeys(m))), files=("source_file", "nunique"),
             is_demo=("is_demo", "any"))
        .reset_index()
        .sort_values(["sort_key", "label", "rating_scale"], kind="stable")
        .reset_index(drop=True)
    )
    return counts.astype({"actions": int}), groups


def keep_scales_apart(counts: pd.DataFrame, groups: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counts and groups (one row per group) where no group pools the two rating scales.

    A group whose counts hold ratings of both templates (on each report's own scale; after
    `apply_crosswalk` every rating is on the 2017+ scale) becomes one group per template,
    keyed "XA|2014" and labelled "Examplia · 2014-2016 template". ``counts`` and ``groups``
    come from `rating_counts`."""
    scales = counts.groupby("key")["rating_scale"].nunique()
    mixed = set(scales[scales > 1].index)

    def rekey(frame: pd.DataFrame) -> list[str]:
        return [f"{k}|{s}" if k in mixed else k for k, s in zip(frame["key"], frame["rating_scale"], strict=True)]

    counts = counts.assign(key=rekey(counts))
    labels = [f"{label} · {SCALE_NAMES.get(s, s)}" if k in mixed else label
              for k, s, label in zip(groups["key"], groups["rating_scale"], groups["label"], strict=True)]
    merged = (
        groups.assign(key=rekey(groups), label=labels)
        .groupby("key", sort=False)
        .agg(label=("label", "first"), sort_key=("sort_key", "min"), reports=("reports", "sum"),
             meetings=("meetings", lambda m: ", ".join(dict.fromkeys(", ".join(m).split(", ")))),
             files=("files", "sum"), is_demo=("is_demo", "any"))
        .reset_index()
    )
    return counts, merged


def scale_counts(counts: pd.DataFrame, ratings: pd.DataFrame, scale: str) -> pd.DataFrame:
    """Actions per rating over the whole scale of the report's template (0 when unused),
    plus any other rating present (such as not_rated), in the order of the scale:
    rating_code, label, colour, actions, share_pct. ``counts``: rating_code, actions."""
    present = dict(zip(counts["rating_code"], counts["actions"], strict=True))
    unknown = set(present) - set(ratings["rating_code"])
    if unknown:
        raise ValueError(f"ratings missing from the code table: {sorted(unknown)}")
    column = f"in_{scale}_scale"
    in_scale = set(ratings.loc[ratings[column].astype(bool), "rating_code"]) if column in ratings else set()
    shown = ratings[ratings["rating_code"].isin(in_scale | set(present))].sort_values("sort_order")
    actions = [int(present.get(code, 0)) for code in shown["rating_code"]]
    total = sum(actions)
    return pd.DataFrame({
        "rating_code": shown["rating_code"].tolist(), "label": shown["label"].tolist(),
        "colour": shown["colour"].tolist(), "actions": actions,
        "share_pct": [100.0 * n / total if total else 0.0 for n in actions],
    })


def apply_crosswalk(counts: pd.DataFrame, ratings: pd.DataFrame) -> pd.DataFrame:
    """Counts with each rating replaced by its crosswalk rating (2014 scale -> 2017+), as the
    rating code table (out_codes_ratings' ``crosswalk_code``) says."""
    mapping = dict(zip(ratings["rating_code"], ratings["crosswalk_code"], strict=True))
    unknown = set(counts["rating_code"]) - {code for code, to in mapping.items() if isinstance(to, str)}
    if unknown:
        raise ValueError(f"ratings missing from the crosswalk: {sorted(unknown)}")
    out = counts.assign(rating_code=counts["rating_code"].map(mapping), rating_scale="2017")
    return out.groupby(["key", "rating_scale", "rating_code"], sort=False, as_index=False)["actions"].sum()


def crosswalk_table(ratings: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """How the crosswalk treats the ratings of a view that are not 2017+-only: rating,
    shown as, note (a 2017+-only rating is unchanged and needs no note)."""
    labels = dict(zip(ratings["rating_code"], ratings["label"], strict=True))
    older = ratings["in_2014_scale"].astype(bool) | ~ratings["in_2017_scale"].astype(bool)
    rows = ratings[older & ratings["rating_code"].isin(used)].sort_values("sort_order")
    return pd.DataFrame({
        "Rating in the report": rows["rating_code"].map(labels),
        "Shown as (2017+ scale)": rows["crosswalk_code"].map(labels),
        "Note": rows["crosswalk_note"],
    }).reset_index(drop=True)


def rating_shares(counts: pd.DataFrame, groups: pd.DataFrame, ratings: pd.DataFrame,
                  expected: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per group x rating with ``actions`` and ``share_pct`` of the group's actions.

    ``counts`` and ``groups`` come from `rating_counts`; ``ratings`` is the code table.
    ``expected`` (key, label, sort_key, is_demo) lists groups that must appear even
    without actions: they get one row of rating ``no_report`` at 100 %, so "no report"
    is a category of its own, never a zero. Rows follow the groups' order, then the
    rating scale's.
    """
    per_rating = counts.groupby(["key", "rating_code"], sort=False, as_index=False)["actions"].sum()
    totals = per_rating.groupby("key")["actions"].sum()
    per_rating["share_pct"] = 100.0 * per_rating["actions"] / per_rating["key"].map(totals)
    meta = groups.set_index("key")[["label", "sort_key", "is_demo"]]
    if expected is not None:
        missing = expected[~expected["key"].isin(totals.index)]
        if len(missing):
            per_rating = pd.concat([
                per_rating,
                pd.DataFrame({"key": missing["key"], "rating_code": NO_REPORT, "actions": 0, "share_pct": 100.0}),
            ], ignore_index=True)
            meta = pd.concat([meta, missing.set_index("key")[["label", "sort_key", "is_demo"]]])
    order = {code: i for i, code in enumerate(ratings.sort_values("sort_order")["rating_code"])}
    order[NO_REPORT] = len(order)
    unknown = set(per_rating["rating_code"]) - set(order)
    if unknown:
        raise ValueError(f"ratings missing from the code table: {sorted(unknown)}")
    out = per_rating.join(meta, on="key")
    out["rating_order"] = out["rating_code"].map(order)
    out["group_actions"] = out["key"].map(totals).fillna(0).astype(int)
    return out.sort_values(["sort_key", "label", "rating_order"], kind="stable").reset_index(drop=True)


def expected_groups(grid: pd.DataFrame, by: str) -> pd.DataFrame | None:
    """The Parties, or meetings, of the reporting grid (`overview.coverage`) that have no
    loaded report in the selection: a rating chart shows them as "No report". (A Party
    whose reports have no action in the selected pillars is not one of them.) None for pillars."""
    if by not in ("party", "meeting"):
        return None
    key = "party_iso3" if by == "party" else "meeting_code"
    reported = set(grid.loc[grid["report_id"].notna(), key])
    rows = grid[~grid[key].isin(reported)].drop_duplicates(key)
    if by == "party":
        return pd.DataFrame({"key": rows["party_iso3"], "label": rows["party_name"],
                             "sort_key": rows["is_demo"].astype(int), "is_demo": rows["is_demo"]})
    return pd.DataFrame({"key": rows["meeting_code"], "label": rows["meeting_code"],
                         "sort_key": rows["meeting_number"], "is_demo": False})


def with_counts(groups: pd.DataFrame, by: str = "meeting") -> pd.DataFrame:
    """Group labels that say what is behind each bar: a Party's meetings, "Examplia · SC70, SC74",
    or the number of reports, "SC66 (8 reports)"."""
    if groups.empty:
        return groups
    if by == "party":
        labels = [f"{label} · {meetings}" for label, meetings in zip(groups["label"], groups["meetings"], strict=True)]
    else:
        labels = [f"{label} ({int(n)} report{'s' if int(n) != 1 else ''})"
                  for label, n in zip(groups["label"], groups["reports"], strict=True)]
    return groups.assign(label=labels)


def first_parties(frame: pd.DataFrame, n: int, column: str = "party_iso3") -> pd.DataFrame:
    """The rows of the first ``n`` Parties (or groups, by ``column``) of ``frame``, in its
    order: a chart shows that many (`dashboard.panels.MAX_CHART_PARTIES`), its table all."""
    keep = list(dict.fromkeys(frame[column]))[:n]
    return frame[frame[column].isin(keep)]
