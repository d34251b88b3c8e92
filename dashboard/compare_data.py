"""Data of the Compare page: Parties side by side across meetings, self vs Secretariat
ratings, one action followed across meetings.

The plain functions take a DuckDB cursor and the sidebar `Filters` and return pandas
DataFrames; they never call Streamlit, so tests run them on a bare connection. Values
from users travel as query parameters, never formatted into SQL. The cached wrappers at
the end are what pages call: they are keyed by the database file version (``DbFile``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd
import streamlit as st

from dashboard.db import DbFile
from dashboard.queries import run
from dashboard.selection import Filters

MAX_PARTIES = 6

# Status of one Party at one meeting in the side-by-side view. "Unclear", "not rated" and
# "no report" are kept apart on purpose (NIAP_DOMAIN.md): these are the last two kinds.
COUNTED = "counted"  # counted from a loaded report
PUBLISHED = "published"  # a figure published in a CITES document (no loaded report)
NO_ACTIONS = "no_actions"  # a report is loaded but none of its actions is in the chosen pillars
PUBLISHED_ALL_PILLARS = "published_all_pillars"  # only a published figure (all pillars), pillar filter set
NO_REPORT = "no_report"  # nothing loaded and nothing published for this meeting
NOT_STATED = "not_stated"  # the part of a published figure the source does not break down


@dataclass(frozen=True)
class PartyChoice:
    """The Parties the page compares, and why these."""

    parties: tuple[str, ...]
    names: dict[str, str]
    note: str = ""  # what was chosen for the user, when the sidebar did not say


def _in(column: str, values: Sequence[object]) -> tuple[str, list[object]]:
    if not values:
        return "FALSE", []
    return f"{column} IN ({', '.join('?' * len(values))})", list(values)


# ------------------------------------------------------------------------ plain functions


def rating_codes(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The rating code table: labels, colours and the order of the scale (best first)."""
    return cur.execute("SELECT * FROM core_codes_ratings ORDER BY sort_order").df()


def party_coverage(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Parties with their own ratings in the selection (a loaded report or a self-rating
    published in a CITES document), with at how many meetings: party_iso3, party_name,
    is_demo, meetings, reports; real Parties first, then by meetings."""
    where, params = filters.where(pillars=False)
    return cur.execute(
        f"""
        WITH data AS (
            SELECT party_iso3, meeting_code, is_demo, 1 AS loaded FROM out_reports WHERE {where}
            UNION ALL
            SELECT party_iso3, meeting_code, is_demo, 0 FROM out_rating_shares
            WHERE assessor = 'party' AND {where}
        )
        SELECT d.party_iso3, any_value(p.party_name) AS party_name, bool_or(d.is_demo) AS is_demo,
               count(DISTINCT d.meeting_code) AS meetings,
               count(DISTINCT d.meeting_code) FILTER (WHERE d.loaded = 1) AS reports
        FROM data d JOIN core_parties p USING (party_iso3)
        GROUP BY d.party_iso3
        ORDER BY is_demo, meetings DESC, reports DESC, party_name
        """,
        params + params,
    ).df()


def party_names(cur: duckdb.DuckDBPyConnection, parties: Sequence[str]) -> dict[str, str]:
    """Names of Parties by ISO code (the code itself for a Party the database does not know)."""
    rows = cur.execute(
        "SELECT party_iso3, party_name FROM core_parties WHERE list_contains(?::VARCHAR[], party_iso3)",
        [list(parties)],
    ).fetchall()
    known = dict(rows)
    return {p: known.get(p, p) for p in parties}


def choose_parties(cur: duckdb.DuckDBPyConnection, filters: Filters, limit: int = MAX_PARTIES) -> PartyChoice:
    """The sidebar's Parties (at most ``limit``), or, when the sidebar names none, the
    ``limit`` Parties with their own ratings at the most meetings, real Parties before demo
    ones; ``note`` says which rule applied."""
    if filters.parties:
        chosen = tuple(filters.parties[:limit])
        note = ""
        if len(filters.parties) > limit:
            note = (f"The sidebar names {len(filters.parties)} Parties; the first {limit} are compared "
                    "(remove some to see the others).")
        return PartyChoice(chosen, party_names(cur, chosen), note)
    coverage = party_coverage(cur, Filters(meetings=filters.meetings, include_demo=filters.include_demo))
    chosen = tuple(coverage["party_iso3"].head(limit))
    names = dict(zip(coverage["party_iso3"], coverage["party_name"], strict=True))
    note = ""
    if chosen:
        shown = ", ".join(names[p] for p in chosen)
        note = (f"No Parties are chosen in the sidebar, so {len(chosen)} with their own ratings at the most "
                f"meetings are shown (real Parties first): {shown}. Choose up to {limit} Parties in the sidebar "
                "to compare others.")
    return PartyChoice(chosen, {p: names[p] for p in chosen}, note)


def _meeting_order(cur: duckdb.DuckDBPyConnection, meetings: Sequence[str]) -> list[str]:
    """Meetings in date order (then by number, for meetings without a known date)."""
    if not meetings:
        return []
    rows = cur.execute(
        """
        SELECT t.code FROM unnest(?::VARCHAR[]) AS t(code)
        LEFT JOIN core_meetings m ON m.meeting_code = t.code
        ORDER BY m.start_date NULLS LAST,
                 COALESCE(m.number, TRY_CAST(regexp_extract(t.code, '\\d+') AS INTEGER)), t.code
        """,
        [list(dict.fromkeys(meetings))],
    ).fetchall()
    return [r[0] for r in rows]


def ratings_by_meeting(cur: duckdb.DuckDBPyConnection, filters: Filters, parties: Sequence[str]) -> pd.DataFrame:
    """Each Party's own ratings at each meeting, as shares of its actions.

    One row per Party x meeting x rating with ``status`` counted (from a loaded report; the
    pillar filter applies) or published (the Party's figure printed in a CITES document,
    used when no report is loaded for that meeting; a ``not_stated`` row holds what such a
    figure leaves out). One row per Party x meeting with nothing to draw: ``no_actions``
    (the report has no action in the chosen pillars), ``published_all_pillars`` (only a
    published figure, which covers all pillars, while a pillar filter is set) or
    ``no_report``. The meetings are the sidebar's, or else every meeting where one of the
    Parties has its own ratings, in date order.
    """
    columns = ["party_iso3", "party_name", "meeting_code", "status", "rating_code", "action_count",
               "n_actions", "share_pct", "source", "is_demo"]
    if not parties:
        return pd.DataFrame(columns=columns)
    scope = Filters(tuple(parties), filters.meetings, filters.pillars, filters.include_demo)
    where, params = scope.where()
    counted = cur.execute(
        f"""
        SELECT party_iso3, meeting_code, 'counted' AS status, rating_code,
               count(*) AS action_count, any_value(source_file) AS source, bool_or(is_demo) AS is_demo
        FROM out_actions WHERE {where}
        GROUP BY party_iso3, meeting_code, rating_code
        """,
        params,
    ).df()
    if not counted.empty:
        totals = counted.groupby(["party_iso3", "meeting_code"])["action_count"].transform("sum")
        counted = counted.assign(n_actions=totals, share_pct=100.0 * counted["action_count"] / totals)
    report_where, report_params = scope.where(pillars=False)
    loaded = cur.execute(
        f"SELECT party_iso3, meeting_code, source_file, is_demo FROM out_reports WHERE {report_where}",
        report_params,
    ).df()
    s_where, s_params = scope.where("s", pillars=False)
    published = cur.execute(
        f"""
        SELECT s.party_iso3, s.meeting_code, 'published' AS status, s.rating_code,
               s.action_count, s.n_actions, s.share_pct, s.source, s.is_demo
        FROM out_rating_shares s
        WHERE s.assessor = 'party' AND s.origin = 'reference' AND {s_where}
          AND NOT EXISTS (SELECT 1 FROM out_reports r
                          WHERE r.party_iso3 = s.party_iso3 AND r.meeting_code = s.meeting_code)
        """,
        s_params,
    ).df()
    meetings = list(filters.meetings) or list(
        set(counted["meeting_code"]) | set(published["meeting_code"]) | set(loaded["meeting_code"])
    )
    drawn = [counted]
    if not filters.pillars:
        drawn.append(_with_not_stated(published))
    frames = [f for f in drawn if not f.empty]
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    have = set(zip(rows["party_iso3"], rows["meeting_code"], strict=True))
    reports = {(r.party_iso3, r.meeting_code): r for r in loaded.itertuples()}
    only_published = set(zip(published["party_iso3"], published["meeting_code"], strict=True))
    gaps = []
    for party in parties:
        for meeting in meetings:
            if (party, meeting) in have:
                continue
            report = reports.get((party, meeting))
            if report is not None:
                gap = {"status": NO_ACTIONS, "action_count": 0, "n_actions": 0, "source": report.source_file,
                       "is_demo": bool(report.is_demo)}
            elif (party, meeting) in only_published:
                source = published.loc[(published["party_iso3"] == party)
                                       & (published["meeting_code"] == meeting), "source"].iloc[0]
                gap = {"status": PUBLISHED_ALL_PILLARS, "source": source, "is_demo": False}
            else:
                gap = {"status": NO_REPORT, "is_demo": False}
            gaps.append({"party_iso3": party, "meeting_code": meeting, **gap})
    if gaps:
        rows = pd.concat([rows, pd.DataFrame(gaps)], ignore_index=True) if not rows.empty else pd.DataFrame(gaps)
    order = _meeting_order(cur, meetings)
    codes = rating_codes(cur)
    rank = dict(zip(codes["rating_code"], codes["sort_order"], strict=True))
    rows = rows.assign(
        party_name=rows["party_iso3"].map(party_names(cur, parties)),
        _party=rows["party_iso3"].map({p: i for i, p in enumerate(parties)}),
        _meeting=rows["meeting_code"].map({m: i for i, m in enumerate(order)}),
        _rating=rows["rating_code"].map(rank).fillna(99),
    )
    rows = rows.sort_values(["_party", "_meeting", "_rating"])
    return rows.reindex(columns=columns).reset_index(drop=True)


def _with_not_stated(published: pd.DataFrame) -> pd.DataFrame:
    """Add a not_stated row where a published figure leaves part of the actions out."""
    if published.empty:
        return published
    extra = []
    for (party, meeting), group in published.groupby(["party_iso3", "meeting_code"]):
        rest = 100.0 - float(group["share_pct"].sum())
        if rest > 1.0:  # published shares are rounded: 99 % is a whole
            first = group.iloc[0]
            extra.append({
                "party_iso3": party, "meeting_code": meeting,
                "status": PUBLISHED, "rating_code": NOT_STATED, "action_count": None,
                "n_actions": first["n_actions"], "share_pct": rest, "source": first["source"],
                "is_demo": first["is_demo"],
            })
    return pd.concat([published, pd.DataFrame(extra)], ignore_index=True) if extra else published


def self_vs_secretariat(cur: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Party self-ratings and Secretariat ratings of the same Party and meeting.

    Every Party x meeting with a Secretariat figure in the selection (Parties, meetings,
    demo; pillars do not apply: the figures cover whole reports), with all of its
    out_rating_shares rows: the Secretariat's, the Party's as published and the Party's as
    counted from a loaded report. ``bar`` names the bar each row belongs to.
    """
    where, params = filters.where("s", pillars=False)
    frame = cur.execute(
        f"""
        WITH pairs AS (
            SELECT DISTINCT party_iso3, meeting_code FROM out_rating_shares s
            WHERE s.assessor = 'secretariat' AND {where}
        )
        SELECT s.party_iso3, s.party_name, s.meeting_code, s.meeting_number, s.assessor, s.origin,
               s.rating_scale, s.rating_code, s.rating_sort_order, s.action_count, s.n_actions,
               s.share_pct, s.source, s.is_demo
        FROM out_rating_shares s JOIN pairs USING (party_iso3, meeting_code)
        WHERE {where}
        ORDER BY s.meeting_number, s.party_name, s.assessor, s.origin DESC, s.rating_sort_order
        """,
        params + params,
    ).df()
    frame["bar"] = [
        "Secretariat" if a == "secretariat" else ("Party, counted from report" if o == "report" else "Party, published")
        for a, o in zip(frame["assessor"], frame["origin"], strict=True)
    ]
    return frame


def secretariat_coverage(cur: duckdb.DuckDBPyConnection, include_demo: bool) -> pd.DataFrame:
    """Parties and meetings with a Secretariat figure (to say what can be compared)."""
    return cur.execute(
        """
        SELECT party_iso3, any_value(party_name) AS party_name,
               string_agg(DISTINCT meeting_code, ', ' ORDER BY meeting_code) AS meetings
        FROM out_rating_shares WHERE assessor = 'secretariat' AND (? OR NOT is_demo)
        GROUP BY party_iso3 ORDER BY party_name
        """,
        [include_demo],
    ).df()


def disagreements(shares: pd.DataFrame) -> pd.DataFrame:
    """Per Party x meeting x rating: the Party's share, the Secretariat's and the gap in
    percentage points (Party minus Secretariat), from `self_vs_secretariat` rows. The
    Party's published figure is preferred, being the one the Secretariat printed beside
    its own; the counted one stands in when nothing was published."""
    if shares.empty:
        return pd.DataFrame(columns=["party_name", "meeting_code", "rating_code", "party_pct",
                                     "secretariat_pct", "gap_pp"])
    party = shares[shares["assessor"] == "party"].copy()
    party["rank"] = (party["origin"] != "reference").astype(int)
    party = party[party["rank"] == party.groupby(["party_iso3", "meeting_code"])["rank"].transform("min")]
    keys = ["party_iso3", "party_name", "meeting_code", "rating_code", "rating_sort_order"]
    merged = pd.merge(
        party[keys + ["share_pct"]].rename(columns={"share_pct": "party_pct"}),
        shares[shares["assessor"] == "secretariat"][keys + ["share_pct"]].rename(
            columns={"share_pct": "secretariat_pct"}),
        on=keys, how="outer",
    )
    has_party = set(zip(party["party_iso3"], party["meeting_code"], strict=True))
    merged = merged[[(p, m) in has_party for p, m in zip(merged["party_iso3"], merged["meeting_code"], strict=True)]]
    merged = merged.fillna({"party_pct": 0.0, "secretariat_pct": 0.0})
    merged["gap_pp"] = merged["party_pct"] - merged["secretariat_pct"]
    return merged.sort_values(["meeting_code", "party_name", "rating_sort_order"]).reset_index(drop=True)[
        ["party_iso3", "party_name", "meeting_code", "rating_code", "party_pct", "secretariat_pct", "gap_pp"]
    ]


def followable_actions(cur: duckdb.DuckDBPyConnection, filters: Filters, party: str) -> pd.DataFrame:
    """The actions of one Party's loaded reports in the selection: action_code, the latest
    title, and at how many meetings the code appears (most-reported first in report order)."""
    scope = Filters((party,), filters.meetings, filters.pillars, filters.include_demo)
    where, params = scope.where()
    return cur.execute(
        f"""
        SELECT action_code, arg_max(action_title, meeting_number) AS action_title,
               count(DISTINCT meeting_code) AS meetings, min(action_order) AS first_order
        FROM out_actions WHERE {where}
        GROUP BY action_code
        ORDER BY first_order, action_code
        """,
        params,
    ).df()


def action_history(cur: duckdb.DuckDBPyConnection, filters: Filters, party: str, action: str) -> pd.DataFrame:
    """One action of one Party at each meeting: rating, delay and causes, funding, timing,
    title and the report's notes, or the status ``no_report`` / ``not_in_report``.

    The meetings are those of the sidebar, or else those from the Party's first loaded report
    to its last, plus any later meeting where another Party reported (so a missed report shows).
    """
    scope = Filters((party,), filters.meetings, (), filters.include_demo)
    where, params = scope.where("o", pillars=False)
    rows = cur.execute(
        f"""
        SELECT o.report_id, o.meeting_code, o.rating_scale, o.action_title, o.pillar_name, o.rating_code,
               o.rating_label,
               o.delayed, o.delay_causes, o.funding_secured, o.funding_sought, o.planned_start,
               o.expected_completion, o.is_demo, o.source_file,
               (SELECT string_agg(CASE WHEN n.is_comment THEN 'Comment: ' ELSE '• ' END || n.text, '\n'
                                  ORDER BY n.note_index)
                FROM core_notes n WHERE n.report_id = o.report_id AND n.action_code = o.action_code) AS notes,
               (SELECT string_agg(causes || ' – “' || evidence || '” (' || found_in || ')', '\n' ORDER BY first)
                FROM (SELECT d.evidence, d.found_in, min(d.fact_index) AS first,
                             string_agg(d.cause, ', ' ORDER BY d.fact_index) AS causes
                      FROM core_delay_causes d WHERE d.report_id = o.report_id AND d.action_code = o.action_code
                      GROUP BY d.evidence, d.found_in)) AS cause_evidence
        FROM out_actions o WHERE o.action_code = ? AND {where}
        """,
        [action, *params],
    ).df()
    reports = cur.execute(
        f"SELECT meeting_code, report_id, source_file, is_demo FROM out_reports o WHERE {where}", params
    ).df()
    meetings = list(filters.meetings) or _meetings_span(cur, filters, reports["meeting_code"].tolist())
    order = _meeting_order(cur, meetings)
    by_meeting = {r.meeting_code: r for r in rows.itertuples(index=False)}
    report_of = {r.meeting_code: r for r in reports.itertuples(index=False)}
    out = []
    for meeting in order:
        if meeting in by_meeting:
            out.append({**by_meeting[meeting]._asdict(), "status": COUNTED})
        elif meeting in report_of:
            r = report_of[meeting]
            out.append({"meeting_code": meeting, "report_id": r.report_id, "status": "not_in_report",
                        "source_file": r.source_file, "is_demo": bool(r.is_demo)})
        else:
            out.append({"meeting_code": meeting, "status": NO_REPORT, "is_demo": False})
    columns = ["meeting_code", "status", *[c for c in rows.columns if c != "meeting_code"]]
    return pd.DataFrame(out, columns=columns)


def _meetings_span(cur: duckdb.DuckDBPyConnection, filters: Filters, own: list[str]) -> list[str]:
    if not own:
        return []
    where, params = Filters(include_demo=filters.include_demo).where(pillars=False)
    others = [r[0] for r in cur.execute(f"SELECT DISTINCT meeting_code FROM out_reports WHERE {where}",
                                        params).fetchall()]
    ordered = _meeting_order(cur, sorted(set(own) | set(others)))
    first = min(ordered.index(m) for m in own)
    return ordered[first:]


# ------------------------------------------------------------------------ cached wrappers


@st.cache_data(show_spinner=False, max_entries=8)
def cached_rating_codes(db: DbFile) -> pd.DataFrame:
    return run(db, rating_codes)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_choice(db: DbFile, filters: Filters) -> PartyChoice:
    return run(db, choose_parties, filters)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_ratings_by_meeting(db: DbFile, filters: Filters, parties: tuple[str, ...]) -> pd.DataFrame:
    return run(db, ratings_by_meeting, filters, parties)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_self_vs_secretariat(db: DbFile, filters: Filters) -> pd.DataFrame:
    return run(db, self_vs_secretariat, filters)


@st.cache_data(show_spinner=False, max_entries=8)
def cached_secretariat_coverage(db: DbFile, include_demo: bool) -> pd.DataFrame:
    return run(db, secretariat_coverage, include_demo)


@st.cache_data(show_spinner=False, max_entries=64)
def cached_followable_actions(db: DbFile, filters: Filters, party: str) -> pd.DataFrame:
    return run(db, followable_actions, filters, party)


@st.cache_data(show_spinner=False, max_entries=128)
def cached_action_history(db: DbFile, filters: Filters, party: str, action: str) -> pd.DataFrame:
    return run(db, action_history, filters, party, action)
