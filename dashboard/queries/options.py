"""Code tables and the sidebar's options: ratings, causes, pillars, issue codes, the rating
crosswalk, Parties and meetings (out_codes_* and out_parties / out_meetings views)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dashboard.queries import Cursor, demo_name, fetch


def rating_codes(cur: Cursor) -> pd.DataFrame:
    """The rating code table, best rating first: rating_code, sort_order, label, colour,
    description, in_2014_scale, in_2017_scale, crosswalk_code, crosswalk_label, crosswalk_note."""
    return fetch(cur, "SELECT * FROM out_codes_ratings ORDER BY sort_order")


def delay_causes(cur: Cursor) -> pd.DataFrame:
    """The causes of delay in legend order: cause, sort_order, label, colour, description."""
    return fetch(cur, "SELECT * FROM out_codes_delay_causes ORDER BY sort_order")


def issue_codes(cur: Cursor) -> pd.DataFrame:
    """The quality issue codes, errors first: issue_code, severity, label, description."""
    return fetch(cur, """
        SELECT issue_code, severity, label, description FROM out_codes_quality_issues
        ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, label
    """)


def pillars(cur: Cursor) -> pd.DataFrame:
    """The standard pillars of the 2017+ template, in template order (pillar_code, label)."""
    return fetch(cur, "SELECT pillar_code, label FROM out_codes_pillars ORDER BY sort_order")


def parties(cur: Cursor) -> pd.DataFrame:
    """Parties with a loaded report or with rating figures CITES published (party_iso3,
    party_name (demo ones marked), is_demo, n_reports, n_published): real ones first, then
    demo, by name."""
    return fetch(cur, """
        SELECT party_iso3, party_name, is_demo, n_reports, n_published FROM out_parties
        WHERE n_reports > 0 OR n_published > 0
        ORDER BY is_demo, party_name
    """)


def meetings(cur: Cursor) -> pd.DataFrame:
    """Meetings with a loaded report or with rating figures published for them, in time order
    (meeting_code, meeting_number)."""
    return fetch(cur, """
        SELECT meeting_code, number AS meeting_number FROM out_meetings m
        WHERE n_reports > 0 OR EXISTS (SELECT 1 FROM out_rating_shares s WHERE s.meeting_code = m.meeting_code)
        ORDER BY start_date NULLS LAST, number, meeting_code
    """)


def party_names(cur: Cursor, codes: Sequence[str]) -> dict[str, str]:
    """Names of Parties by ISO code, demo ones marked (the code itself for a Party the database does not know)."""
    rows = cur.execute(
        "SELECT party_iso3, party_name, is_demo FROM out_parties WHERE list_contains(?::VARCHAR[], party_iso3)",
        [list(codes)],
    ).fetchall()
    known = {code: demo_name(name, is_demo) for code, name, is_demo in rows}
    return {p: known.get(p, p) for p in codes}


def meeting_order(cur: Cursor, codes: Sequence[str]) -> list[str]:
    """Meetings in date order (then by number, for meetings without a known date)."""
    if not codes:
        return []
    rows = cur.execute(
        """
        SELECT t.code FROM unnest(?::VARCHAR[]) AS t(code)
        LEFT JOIN out_meetings m ON m.meeting_code = t.code
        ORDER BY m.start_date NULLS LAST,
                 COALESCE(m.number, TRY_CAST(regexp_extract(t.code, '\\d+') AS INTEGER)), t.code
        """,
        [list(dict.fromkeys(codes))],
    ).fetchall()
    return [r[0] for r in rows]


def count_reports(cur: Cursor) -> int:
    """How many reports are loaded at all."""
    return int(cur.execute("SELECT count(*) FROM out_reports").fetchall()[0][0])
