"""Trends: the share of a Party's actions rated achieved or substantially achieved at each
meeting, counted from loaded reports (out_actions) or, for a meeting without a loaded
report, as published in a CITES document (out_rating_shares, origin 'reference', assessor
'party': the Party's own ratings as the Secretariat published them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pandas as pd

from dashboard.queries import Cursor, fetch
from dashboard.queries.overview import ACHIEVED
from dashboard.selection import Filters

COUNTED, PUBLISHED = "counted", "published"
MAX_PARTIES = 8  # lines a reader can tell apart (one colour each)
DEFAULT_PARTIES = 6  # shown before anyone chooses
POINT_COLUMNS = ["party_iso3", "party_name", "meeting_code", "meeting_number", "origin", "rating_scale",
                 "share_pct", "achieved", "n_actions", "source", "is_demo"]
_ACHIEVED = ", ".join(f"'{code}'" for code in ACHIEVED)


def achieved_points(cur: Cursor, f: Filters, parties: Sequence[str]) -> pd.DataFrame:
    """One row per Party x meeting of ``parties`` with a share of actions achieved or
    substantially achieved, in meeting order: ``origin`` counted (from a loaded report; the
    pillar filter applies) or published (no report of that Party and meeting is loaded).
    Published figures cover all pillars, so none is given while a pillar filter is set.
    The Party filter of ``f`` is replaced by ``parties``; its meetings and demo switch apply."""
    if not parties:
        return pd.DataFrame(columns=POINT_COLUMNS)
    scope = replace(f, parties=tuple(parties))
    where, params = scope.where()
    counted = fetch(cur, f"""
        SELECT party_iso3, any_value(party_name) AS party_name, meeting_code,
               any_value(meeting_number) AS meeting_number, '{COUNTED}' AS origin,
               any_value(rating_scale) AS rating_scale,
               100.0 * count(*) FILTER (WHERE rating_code IN ({_ACHIEVED})) / count(*) AS share_pct,
               count(*) FILTER (WHERE rating_code IN ({_ACHIEVED})) AS achieved, count(*) AS n_actions,
               any_value(source_file) AS source, bool_or(is_demo) AS is_demo
        FROM out_actions WHERE {where} GROUP BY party_iso3, meeting_code
    """, params)
    frames = [counted]
    if not f.pillars:
        s_where, s_params = scope.where("s", pillars=False)
        frames.append(fetch(cur, f"""
            SELECT s.party_iso3, any_value(s.party_name) AS party_name, s.meeting_code,
                   any_value(s.meeting_number) AS meeting_number, '{PUBLISHED}' AS origin,
                   any_value(s.rating_scale) AS rating_scale,
                   COALESCE(sum(s.share_pct) FILTER (WHERE s.rating_code IN ({_ACHIEVED})), 0) AS share_pct,
                   sum(s.action_count) FILTER (WHERE s.rating_code IN ({_ACHIEVED})) AS achieved,
                   any_value(s.n_actions) AS n_actions, any_value(s.source) AS source, bool_or(s.is_demo) AS is_demo
            FROM out_rating_shares s
            WHERE s.assessor = 'party' AND s.origin = 'reference' AND {s_where}
              AND NOT EXISTS (SELECT 1 FROM out_reports r
                              WHERE r.party_iso3 = s.party_iso3 AND r.meeting_code = s.meeting_code)
            GROUP BY s.party_iso3, s.meeting_code
        """, s_params))
    points = pd.concat([frame for frame in frames if not frame.empty] or [counted], ignore_index=True)
    order = {p: i for i, p in enumerate(parties)}
    points = points.assign(_party=points["party_iso3"].map(order))
    return points.sort_values(["_party", "meeting_number"]).reindex(columns=POINT_COLUMNS).reset_index(drop=True)


def trend_parties(cur: Cursor, f: Filters) -> pd.DataFrame:
    """Every Party with a point in the selection's meetings (its own ratings counted from a
    loaded report or published by CITES), whatever the sidebar's Parties: party_iso3,
    party_name, is_demo, points, reports; real Parties first, then by number of points."""
    where, params = replace(f, parties=()).where(pillars=False)
    published = "" if f.pillars else f"""
        UNION SELECT party_iso3, party_name, meeting_code, is_demo, 0 FROM out_rating_shares
        WHERE assessor = 'party' AND origin = 'reference' AND {where}"""
    return fetch(cur, f"""
        WITH data AS (
            SELECT party_iso3, party_name, meeting_code, is_demo, 1 AS loaded FROM out_reports WHERE {where}
            {published}
        )
        SELECT party_iso3, any_value(party_name) AS party_name, bool_or(is_demo) AS is_demo,
               count(DISTINCT meeting_code) AS points, count(DISTINCT meeting_code) FILTER (WHERE loaded = 1) AS reports
        FROM data GROUP BY party_iso3
        ORDER BY is_demo, points DESC, reports DESC, party_name
    """, params + ([] if f.pillars else params))


def default_parties(cur: Cursor, f: Filters) -> tuple[str, ...]:
    """The Parties a trend shows first: the sidebar's that have a point (at most
    `MAX_PARTIES`), or else the `DEFAULT_PARTIES` with the most points (real Parties first)."""
    available = trend_parties(cur, f)["party_iso3"].tolist()
    if f.parties:
        return tuple(p for p in f.parties if p in available)[:MAX_PARTIES]
    return tuple(available[:DEFAULT_PARTIES])
