"""Funding gaps: actions whose funding is sought and not secured, or that are delayed for
lack of funding, with the sentences that say so (out_actions, out_funding, out_delay_causes)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from dashboard.queries import Cursor, counted_reports, fetch
from dashboard.selection import UNMAPPED_PILLAR, UNMAPPED_PILLAR_NAME, Filters

GAP_LABELS = {"sought": "Funding sought, not secured", "delayed": "Delayed for lack of funding"}
GROUPS = {  # grouping -> (key column, label column, order column or None = by number of gaps)
    "party": ("party_iso3", "party_name", None),
    "pillar": ("pillar_code", "pillar_label", "pillar_order"),
}


def funding_gaps(cur: Cursor, f: Filters) -> pd.DataFrame:
    """One row per action with a funding gap: sought and not secured, or delayed for lack of
    funding; with the supporting sentences (" | "-separated) and where they were found. The
    actions of each Party's latest report in the selection, or of every report with
    ``f.history`` (`dashboard.queries.counted_reports`)."""
    where, params = f.where("a")
    reports, report_params = counted_reports(f)
    return fetch(cur, f"""
        WITH evidence AS (
            SELECT report_id, action_code, 'sought' AS kind, found_in, evidence FROM out_funding
            WHERE status = 'sought'
            UNION ALL
            SELECT report_id, action_code, 'delayed' AS kind, found_in, evidence FROM out_delay_causes
            WHERE cause = 'funding'
        ), per_action AS (
            SELECT report_id, action_code,
                   bool_or(kind = 'delayed') AS delayed_for_funding,
                   string_agg(DISTINCT evidence, ' | ' ORDER BY evidence) AS evidence,
                   string_agg(DISTINCT found_in, ', ' ORDER BY found_in) AS found_in
            FROM evidence GROUP BY report_id, action_code
        )
        SELECT a.report_id, a.party_iso3, a.party_name, a.meeting_code, a.meeting_number,
               COALESCE(a.pillar_code, ?) AS pillar_code, COALESCE(p.label, ?) AS pillar_label,
               COALESCE(p.sort_order, 99) AS pillar_order, a.pillar_name,
               a.action_code, a.action_title, a.rating_code, cr.label AS rating_label,
               a.funding_sought AND NOT a.funding_secured AS sought_not_secured,
               e.delayed_for_funding, a.funding_secured, e.evidence, e.found_in,
               a.is_demo, a.source_file
        FROM out_actions a
        JOIN per_action e ON e.report_id = a.report_id AND e.action_code = a.action_code
        LEFT JOIN out_codes_pillars p ON p.pillar_code = a.pillar_code
        LEFT JOIN out_codes_ratings cr ON cr.rating_code = a.rating_code
        WHERE ((a.funding_sought AND NOT a.funding_secured) OR e.delayed_for_funding) AND {where}
          AND a.report_id IN ({reports})
        ORDER BY a.is_demo, a.party_name, a.meeting_number, a.action_order
    """, [UNMAPPED_PILLAR, UNMAPPED_PILLAR_NAME, *params, *report_params])


def seeking_funds(cur: Cursor, f: Filters) -> pd.DataFrame:
    """Actions still seeking funds: funding sought and not secured in the latest report of
    their Party in the selection (whatever ``f.history``), with the sentences saying funds
    are sought (" | "-separated), where they were found, and ``sought_at``: the meetings of the
    selection at which the Party's report said the same (by action number) sought, not secured."""
    where, params = f.where("a")
    history_where, history_params = f.where("h", pillars=False)
    latest, latest_params = counted_reports(replace(f, history=False))
    return fetch(cur, f"""
        WITH evidence AS (
            SELECT report_id, action_code, string_agg(DISTINCT evidence, ' | ' ORDER BY evidence) AS evidence,
                   string_agg(DISTINCT found_in, ', ' ORDER BY found_in) AS found_in
            FROM out_funding WHERE status = 'sought' GROUP BY report_id, action_code
        ), sought AS (
            SELECT h.party_iso3, h.action_code, string_agg(h.meeting_code, ', ' ORDER BY h.meeting_number) AS sought_at,
                   count(*) AS reports
            FROM out_actions h WHERE h.funding_sought AND NOT h.funding_secured AND {history_where}
            GROUP BY h.party_iso3, h.action_code
        )
        SELECT a.report_id, a.party_iso3, a.party_name, a.meeting_code, a.meeting_number, a.action_code,
               a.action_title, COALESCE(p.label, ?) AS pillar_label, a.pillar_name, cr.label AS rating_label,
               a.delayed, e.evidence, e.found_in, s.sought_at, s.reports, a.is_demo, a.source_file
        FROM out_actions a
        LEFT JOIN evidence e ON e.report_id = a.report_id AND e.action_code = a.action_code
        LEFT JOIN sought s ON s.party_iso3 = a.party_iso3 AND s.action_code = a.action_code
        LEFT JOIN out_codes_pillars p ON p.pillar_code = a.pillar_code
        LEFT JOIN out_codes_ratings cr ON cr.rating_code = a.rating_code
        WHERE a.funding_sought AND NOT a.funding_secured AND {where} AND a.report_id IN ({latest})
        ORDER BY a.is_demo, a.party_name, a.action_order
    """, [*history_params, UNMAPPED_PILLAR_NAME, *params, *latest_params])


def seeking_table(rows: pd.DataFrame) -> pd.DataFrame:
    """`seeking_funds` as a partner takes it away: one row per action, plain-word columns."""
    return pd.DataFrame({
        "Party": rows["party_name"],
        "Latest report": rows["meeting_code"],
        "Action": rows["action_code"],
        "Title": rows["action_title"],
        "Evidence": rows["evidence"],
        "Where found": rows["found_in"],
        "Seeking funds at": rows["sought_at"],
        "Also delayed": rows["delayed"].astype(bool),
        "Rating": rows["rating_label"].fillna("Not rated"),
        "Pillar": rows["pillar_label"],
        "Party's pillar": rows["pillar_name"],
        "Source file": rows["source_file"],
        "Demo data (fictional Party)": rows["is_demo"].astype(bool),
    }).reset_index(drop=True)


def count_funding_gaps(gaps: pd.DataFrame, by: str) -> pd.DataFrame:
    """Funding gaps per ``party`` or ``pillar``: actions sought-not-secured and actions
    delayed for lack of funding (an action can be both), in long form for a chart
    (key, label, is_demo, gap, actions). Parties by number of actions with a gap; pillars
    in code table order."""
    key, label, order = GROUPS[by]
    if gaps.empty:
        return pd.DataFrame(columns=["key", "label", "is_demo", "gap", "actions"])
    out = (
        gaps.groupby(key, sort=False)
        .agg(label=(label, "first"), sought=("sought_not_secured", "sum"), delayed=("delayed_for_funding", "sum"),
             total=("action_code", "size"), is_demo=("is_demo", "any"), order=(order or label, "min"))
        .reset_index()
        .rename(columns={key: "key"})
    )
    out = out.sort_values(["total", "label"], ascending=[False, True]) if order is None else out.sort_values("order")
    long = out.melt(id_vars=["key", "label", "is_demo"], value_vars=["sought", "delayed"],
                    var_name="gap", value_name="actions")
    long["actions"] = long["actions"].astype(int)
    return long.reset_index(drop=True)


def funding_table(gaps: pd.DataFrame) -> pd.DataFrame:
    """The funding gaps as a partner takes them away: one row per action, plain-word
    columns, the gap in words, the evidence sentences, and whether the row is demo data."""
    flags = zip(gaps["sought_not_secured"].astype(bool), gaps["delayed_for_funding"].astype(bool), strict=True)
    gap = [" and ".join(GAP_LABELS[k] for k, on in (("sought", s), ("delayed", d)) if on) for s, d in flags]
    return pd.DataFrame({
        "Party": gaps["party_name"],
        "Meeting": gaps["meeting_code"],
        "Action": gaps["action_code"],
        "Funding gap": gap,
        "Evidence": gaps["evidence"],
        "Where found": gaps["found_in"],
        "Title": gaps["action_title"],
        "Rating": gaps["rating_label"].fillna("Not rated"),
        "Some funding secured": gaps["funding_secured"].astype(bool),
        "Pillar": gaps["pillar_label"],
        "Party's pillar": gaps["pillar_name"],
        "Source file": gaps["source_file"],
        "Demo data (fictional Party)": gaps["is_demo"].astype(bool),
    }).reset_index(drop=True)
