"""Delays and their causes: one row per cause of a delayed action, with its evidence
(out_delay_causes), and counts of distinct delayed actions per group."""

from __future__ import annotations

import pandas as pd

from dashboard.queries import Cursor, counted_reports, fetch
from dashboard.selection import UNMAPPED_PILLAR, UNMAPPED_PILLAR_NAME, Filters

GROUPS = {  # grouping -> (key column, label column, order column or None = by count)
    "cause": ("cause", "cause_label", "cause_order"),
    "pillar": ("pillar_code", "pillar_label", "pillar_order"),
    "party": ("party_iso3", "party_name", None),
}


def delay_facts(cur: Cursor, f: Filters) -> pd.DataFrame:
    """out_delay_causes of the selection, with the cause's and the standard pillar's labels
    and order (an unmapped pillar is "other"): of each Party's latest report in the selection,
    or of every report with ``f.history`` (`dashboard.queries.counted_reports`)."""
    where, params = f.where("d")
    reports, report_params = counted_reports(f)
    return fetch(
        cur,
        f"""
        SELECT d.report_id, d.party_iso3, d.party_name, d.meeting_code, d.meeting_number,
               d.action_code, d.action_title, d.pillar_name,
               COALESCE(d.pillar_code, ?) AS pillar_code, COALESCE(p.label, ?) AS pillar_label,
               COALESCE(p.sort_order, 99) AS pillar_order, d.rating_code, d.cause,
               COALESCE(c.label, d.cause) AS cause_label, COALESCE(c.sort_order, 99) AS cause_order,
               d.found_in, d.evidence, d.matched, d.is_demo, d.source_file
        FROM out_delay_causes d
        LEFT JOIN out_codes_pillars p ON p.pillar_code = d.pillar_code
        LEFT JOIN out_codes_delay_causes c ON c.cause = d.cause
        WHERE {where} AND d.report_id IN ({reports})
        ORDER BY d.is_demo, d.party_name, d.meeting_number, d.report_id, d.action_order, d.cause
        """,
        [UNMAPPED_PILLAR, UNMAPPED_PILLAR_NAME, *params, *report_params],
    )


def count_delayed(facts: pd.DataFrame, by: str) -> pd.DataFrame:
    """Delayed actions per ``cause``, ``pillar`` or ``party``: distinct actions (report x action),
    not facts (an action delayed for two causes counts once per cause, once per pillar or Party);
    at each Party's latest report, distinct (Party, action).
    Causes and pillars in code table order; Parties by number of delayed actions.
    Columns: key, label, actions, reports, is_demo."""
    key, label, order = GROUPS[by]
    if facts.empty:
        return pd.DataFrame(columns=["key", "label", "actions", "reports", "is_demo"])
    actions = facts.drop_duplicates(["report_id", "action_code", key])
    out = (
        actions.groupby(key, sort=False)
        .agg(label=(label, "first"), actions=("action_code", "size"), reports=("report_id", "nunique"),
             is_demo=("is_demo", "any"), order=(order or label, "min"))
        .reset_index()
        .rename(columns={key: "key"})
    )
    out = out.sort_values(["actions", "label"], ascending=[False, True]) if order is None else out.sort_values("order")
    return out.drop(columns="order").reset_index(drop=True)


def distinct_actions(facts: pd.DataFrame) -> int:
    """How many actions (report x action) the facts are about."""
    return int(facts.drop_duplicates(["report_id", "action_code"]).shape[0])
