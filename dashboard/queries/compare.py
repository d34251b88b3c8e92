"""Compare: Parties side by side across meetings, the Party's own ratings against the
Secretariat's, and one action followed across meetings (out_reports, out_actions,
out_rating_shares, out_notes, out_delay_causes).

"Unclear", "not rated" and "no report" are kept apart on purpose (NIAP_DOMAIN.md): a
Party x meeting without ratings gets a row saying why, never a zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from dashboard.queries import Cursor, fetch, options
from dashboard.selection import Filters

MAX_PARTIES = 6

# Status of one Party at one meeting (codes of style.NOT_A_RATING where nothing is drawn).
COUNTED = "counted"  # counted from a loaded report
PUBLISHED = "published"  # a figure published in a CITES document (no loaded report)
NO_ACTIONS = "no_actions"  # a report is loaded but none of its actions is in the chosen pillars
PUBLISHED_ALL_PILLARS = "published_all_pillars"  # only a published figure (all pillars), pillar filter set
NO_REPORT = "no_report"  # nothing loaded and nothing published for this meeting
NOT_STATED = "not_stated"  # the part of a published figure the source does not break down
NOT_IN_REPORT = "not_in_report"  # the Party reported, but not on this action

CELL_COLUMNS = ["party_iso3", "party_name", "meeting_code", "status", "rating_code", "action_count",
                "n_actions", "share_pct", "source", "is_demo"]


@dataclass(frozen=True)
class PartyChoice:
    """The Parties the page compares, and why these."""

    parties: tuple[str, ...]
    names: dict[str, str]
    note: str = ""  # what was chosen for the user, when the sidebar did not say


def party_coverage(cur: Cursor, f: Filters) -> pd.DataFrame:
    """Parties with their own ratings in the selection (a loaded report or a self-rating
    published in a CITES document), with at how many meetings: party_iso3, party_name,
    is_demo, meetings, reports; real Parties first, then by meetings."""
    where, params = f.where(pillars=False)
    return fetch(cur, f"""
        WITH data AS (
            SELECT party_iso3, party_name, meeting_code, is_demo, 1 AS loaded FROM out_reports WHERE {where}
            UNION ALL
            SELECT party_iso3, party_name, meeting_code, is_demo, 0 FROM out_rating_shares
            WHERE assessor = 'party' AND {where}
        )
        SELECT party_iso3, any_value(party_name) AS party_name, bool_or(is_demo) AS is_demo,
               count(DISTINCT meeting_code) AS meetings,
               count(DISTINCT meeting_code) FILTER (WHERE loaded = 1) AS reports
        FROM data GROUP BY party_iso3
        ORDER BY is_demo, meetings DESC, reports DESC, party_name
    """, params + params)


def choose_parties(cur: Cursor, f: Filters, limit: int = MAX_PARTIES) -> PartyChoice:
    """The sidebar's Parties (at most ``limit``), or, when the sidebar names none, the
    ``limit`` Parties with their own ratings at the most meetings, real Parties before demo
    ones; ``note`` says which rule applied."""
    if f.parties:
        chosen = tuple(f.parties[:limit])
        note = ""
        if len(f.parties) > limit:
            note = (f"The sidebar names {len(f.parties)} Parties; the first {limit} are compared "
                    "(remove some to see the others).")
        return PartyChoice(chosen, options.party_names(cur, chosen), note)
    coverage = party_coverage(cur, Filters(meetings=f.meetings, include_demo=f.include_demo))
    chosen = tuple(coverage["party_iso3"].head(limit))
    names = dict(zip(coverage["party_iso3"], coverage["party_name"], strict=True))
    note = ""
    if chosen:
        shown = ", ".join(names[p] for p in chosen)
        note = (f"No Parties are chosen in the sidebar, so {len(chosen)} with their own ratings at the most "
                f"meetings are shown (real Parties first): {shown}. Choose up to {limit} Parties in the sidebar "
                "to compare others.")
    return PartyChoice(chosen, {p: names[p] for p in chosen}, note)


def ratings_by_meeting(cur: Cursor, f: Filters, parties: Sequence[str]) -> pd.DataFrame:
    """Each Party's own ratings at each meeting, as shares of its actions.

    One row per Party x meeting x rating with ``status`` counted (from a loaded report; the
    pillar filter applies) or published (the Party's figure printed in a CITES document,
    used when no report is loaded for that meeting; a ``not_stated`` row holds what such a
    figure leaves out). One row per Party x meeting with nothing to draw: ``no_actions``,
    ``published_all_pillars`` (only a published figure, which covers all pillars, while a
    pillar filter is set) or ``no_report``. The meetings are the sidebar's, or else every
    meeting where one of the Parties has its own ratings, in date order.
    """
    if not parties:
        return pd.DataFrame(columns=CELL_COLUMNS)
    scope = Filters(tuple(parties), f.meetings, f.pillars, f.include_demo)
    where, params = scope.where()
    counted = fetch(cur, f"""
        SELECT party_iso3, meeting_code, 'counted' AS status, rating_code,
               count(*) AS action_count, any_value(source_file) AS source, bool_or(is_demo) AS is_demo
        FROM out_actions WHERE {where}
        GROUP BY party_iso3, meeting_code, rating_code
    """, params)
    if not counted.empty:
        totals = counted.groupby(["party_iso3", "meeting_code"])["action_count"].transform("sum")
        counted = counted.assign(n_actions=totals, share_pct=100.0 * counted["action_count"] / totals)
    report_where, report_params = scope.where(pillars=False)
    loaded = fetch(cur, f"SELECT party_iso3, meeting_code, source_file, is_demo FROM out_reports WHERE {report_where}",
                   report_params)
    s_where, s_params = scope.where("s", pillars=False)
    published = fetch(cur, f"""
        SELECT s.party_iso3, s.meeting_code, 'published' AS status, s.rating_code,
               s.action_count, s.n_actions, s.share_pct, s.source, s.is_demo
        FROM out_rating_shares s
        WHERE s.assessor = 'party' AND s.origin = 'reference' AND {s_where}
          AND NOT EXISTS (SELECT 1 FROM out_reports r
                          WHERE r.party_iso3 = s.party_iso3 AND r.meeting_code = s.meeting_code)
    """, s_params)
    meetings = list(f.meetings) or sorted(
        set(counted["meeting_code"]) | set(published["meeting_code"]) | set(loaded["meeting_code"]))
    drawn = [counted] + ([] if f.pillars else [_with_not_stated(published)])
    frames = [frame for frame in drawn if not frame.empty]
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CELL_COLUMNS)
    have = set(zip(rows["party_iso3"], rows["meeting_code"], strict=True))
    reports = {(r.party_iso3, r.meeting_code): r for r in loaded.itertuples()}
    published_source = {(r.party_iso3, r.meeting_code): r.source for r in published.itertuples()}
    gaps = []
    for party in parties:
        for meeting in meetings:
            if (party, meeting) in have:
                continue
            report = reports.get((party, meeting))
            if report is not None:
                gap = {"status": NO_ACTIONS, "action_count": 0, "n_actions": 0, "source": report.source_file,
                       "is_demo": bool(report.is_demo)}
            elif (party, meeting) in published_source:
                gap = {"status": PUBLISHED_ALL_PILLARS, "source": published_source[(party, meeting)],
                       "is_demo": False}
            else:
                gap = {"status": NO_REPORT, "is_demo": False}
            gaps.append({"party_iso3": party, "meeting_code": meeting, **gap})
    if gaps:
        rows = pd.concat([frame for frame in (rows, pd.DataFrame(gaps)) if not frame.empty], ignore_index=True)
    rows = rows.reindex(columns=CELL_COLUMNS)
    order = options.meeting_order(cur, meetings)
    codes = options.rating_codes(cur)
    rank = dict(zip(codes["rating_code"], codes["sort_order"], strict=True))
    rows = rows.assign(
        party_name=rows["party_iso3"].map(options.party_names(cur, list(parties))),
        _party=rows["party_iso3"].map({p: i for i, p in enumerate(parties)}),
        _meeting=rows["meeting_code"].map({m: i for i, m in enumerate(order)}),
        _rating=rows["rating_code"].map(rank).fillna(99),
    )
    rows = rows.sort_values(["_party", "_meeting", "_rating"])
    return rows.reindex(columns=CELL_COLUMNS).reset_index(drop=True)


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
                "party_iso3": party, "meeting_code": meeting, "status": PUBLISHED, "rating_code": NOT_STATED,
                "action_count": None, "n_actions": first["n_actions"], "share_pct": rest,
                "source": first["source"], "is_demo": first["is_demo"],
            })
    return pd.concat([published, pd.DataFrame(extra)], ignore_index=True) if extra else published


def self_vs_secretariat(cur: Cursor, f: Filters) -> pd.DataFrame:
    """Party self-ratings and Secretariat ratings of the same Party and meeting.

    Every Party x meeting with a Secretariat figure in the selection (Parties, meetings,
    demo; pillars do not apply: the figures cover whole reports), with all of its
    out_rating_shares rows: the Secretariat's, the Party's as published and the Party's as
    counted from a loaded report. ``bar`` names the bar each row belongs to.
    """
    where, params = f.where("s", pillars=False)
    frame = fetch(cur, f"""
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
    """, params + params)
    frame["bar"] = [
        "Secretariat" if a == "secretariat" else ("Party, counted from report" if o == "report" else "Party, published")
        for a, o in zip(frame["assessor"], frame["origin"], strict=True)
    ]
    return frame


def secretariat_coverage(cur: Cursor, include_demo: bool) -> pd.DataFrame:
    """Parties and meetings with a Secretariat figure (to say what can be compared)."""
    return fetch(cur, """
        SELECT party_iso3, any_value(party_name) AS party_name,
               string_agg(DISTINCT meeting_code, ', ' ORDER BY meeting_code) AS meetings
        FROM out_rating_shares WHERE assessor = 'secretariat' AND (? OR NOT is_demo)
        GROUP BY party_iso3 ORDER BY party_name
    """, [include_demo])


def disagreements(shares: pd.DataFrame) -> pd.DataFrame:
    """Per Party x meeting x rating: the Party's share, the Secretariat's and the gap in
    percentage points (Party minus Secretariat), from `self_vs_secretariat` rows. The
    Party's published figure is preferred, being the one the Secretariat printed beside
    its own; the counted one stands in when nothing was published."""
    columns = ["party_iso3", "party_name", "meeting_code", "rating_code", "party_pct", "secretariat_pct", "gap_pp"]
    if shares.empty:
        return pd.DataFrame(columns=columns)
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
    return merged.sort_values(["meeting_code", "party_name", "rating_sort_order"]).reset_index(drop=True)[columns]


def followable_actions(cur: Cursor, f: Filters, party: str) -> pd.DataFrame:
    """The actions of one Party's loaded reports in the selection: action_code, the latest
    title, and at how many meetings the code appears (in report order)."""
    where, params = Filters((party,), f.meetings, f.pillars, f.include_demo).where()
    return fetch(cur, f"""
        SELECT action_code, arg_max(action_title, meeting_number) AS action_title,
               count(DISTINCT meeting_code) AS meetings, min(action_order) AS first_order
        FROM out_actions WHERE {where}
        GROUP BY action_code
        ORDER BY first_order, action_code
    """, params)


def action_history(cur: Cursor, f: Filters, party: str, action: str) -> pd.DataFrame:
    """One action of one Party at each meeting: rating, delay and causes, funding, timing,
    title and the report's notes, or the status ``no_report`` / ``not_in_report``.

    The meetings are those of the sidebar, or else those from the Party's first loaded report
    to its last, plus any later meeting where another Party reported (so a missed report shows).
    """
    where, params = Filters((party,), f.meetings, (), f.include_demo).where("o", pillars=False)
    rows = fetch(cur, f"""
        SELECT o.report_id, o.meeting_code, o.rating_scale, o.action_title, o.pillar_name, o.rating_code,
               o.rating_code_label, o.rating_label, o.delayed, array_to_string(o.delay_causes, ', ') AS delay_causes,
               o.funding_secured, o.funding_sought, o.planned_start_text AS planned_start,
               o.expected_completion_text AS expected_completion, o.is_demo, o.source_file,
               (SELECT string_agg(CASE WHEN n.is_comment THEN 'Comment: ' ELSE '• ' END || n.text, '\n'
                                  ORDER BY n.note_index)
                FROM out_notes n WHERE n.report_id = o.report_id AND n.action_code = o.action_code) AS notes,
               (SELECT string_agg(causes || ' – “' || evidence || '” (' || found_in || ')', '\n' ORDER BY first)
                FROM (SELECT d.evidence, d.found_in, min(d.fact_index) AS first,
                             string_agg(d.cause, ', ' ORDER BY d.fact_index) AS causes
                      FROM out_delay_causes d WHERE d.report_id = o.report_id AND d.action_code = o.action_code
                      GROUP BY d.evidence, d.found_in)) AS cause_evidence
        FROM out_actions o WHERE o.action_code = ? AND {where}
    """, [action, *params])
    reports = fetch(cur, f"SELECT meeting_code, report_id, source_file, is_demo FROM out_reports o WHERE {where}",
                    params)
    meetings = list(f.meetings) or _meetings_span(cur, f, reports["meeting_code"].tolist())
    by_meeting = {r.meeting_code: r for r in rows.itertuples(index=False)}
    report_of = {r.meeting_code: r for r in reports.itertuples(index=False)}
    out = []
    for meeting in options.meeting_order(cur, meetings):
        if meeting in by_meeting:
            out.append({**by_meeting[meeting]._asdict(), "status": COUNTED})
        elif meeting in report_of:
            r = report_of[meeting]
            out.append({"meeting_code": meeting, "report_id": r.report_id, "status": NOT_IN_REPORT,
                        "source_file": r.source_file, "is_demo": bool(r.is_demo)})
        else:
            out.append({"meeting_code": meeting, "status": NO_REPORT, "is_demo": False})
    columns = ["meeting_code", "status", *[c for c in rows.columns if c != "meeting_code"]]
    return pd.DataFrame(out, columns=columns)


def _meetings_span(cur: Cursor, f: Filters, own: list[str]) -> list[str]:
    if not own:
        return []
    where, params = Filters(include_demo=f.include_demo).where(pillars=False)
    others = fetch(cur, f"SELECT DISTINCT meeting_code FROM out_reports WHERE {where}", params)
    ordered = options.meeting_order(cur, sorted(set(own) | set(others["meeting_code"])))
    first = min(ordered.index(m) for m in own)
    return ordered[first:]
