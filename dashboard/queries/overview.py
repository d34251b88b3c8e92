"""What the selection holds: its reports, the reporting grid (Party x meeting), the
headline counts, the share achieved per report, and what changed at the latest meeting
(out_reports, out_actions, out_rating_shares, out_meetings)."""

from __future__ import annotations

import pandas as pd

from dashboard.queries import Cursor, among, counted_reports, fetch
from dashboard.selection import Filters

NO_REPORT = "no_report"  # a Party x meeting with no report: a category of its own, never a zero
ACHIEVED = ("achieved", "substantially_achieved")
_ACHIEVED_SQL = "rating_code IN ('achieved', 'substantially_achieved')"


def _period(start: object, end: object) -> str:
    if pd.isna(start) and pd.isna(end):
        return "period not stated"
    return f"{'?' if pd.isna(start) else start} to {'?' if pd.isna(end) else end}"


def reports(cur: Cursor, f: Filters) -> pd.DataFrame:
    """out_reports of the selection (pillars do not apply to whole reports), real reports
    first, with a ``label`` for pickers: "Cambodia – SC66 (2014-11 to 2015-09)"."""
    where, params = f.where(pillars=False)
    frame = fetch(cur, f"""
        SELECT * FROM out_reports WHERE {where}
        ORDER BY is_demo, party_name, meeting_number, report_id
    """, params)
    frame["label"] = [
        f"{row.party_name} – {row.meeting_code} ({_period(row.period_start_text, row.period_end_text)})"
        for row in frame.itertuples()
    ]
    return frame


def coverage(cur: Cursor, f: Filters) -> pd.DataFrame:
    """The reporting grid: one row per Party x meeting of the selection, with a ``status``.

    Rows: Parties with a loaded report (respecting the Party and demo filters). Columns:
    meetings where any of the shown Parties has a loaded report or a published rating
    figure (respecting the meeting filter), in time order. ``status`` is ``report``,
    ``demo``, ``summary`` (CITES published the Party's figures, no report loaded) or
    ``no_report`` – never a zero.
    """
    party_where, party_params = Filters(f.parties, (), (), f.include_demo).where(pillars=False)
    meeting_clause, meeting_params = among("x.meeting_code", f.meetings) if f.meetings else ("TRUE", [])
    return fetch(cur, f"""
        WITH parties AS (
            SELECT party_iso3, any_value(party_name) AS party_name, bool_or(is_demo) AS is_demo
            FROM out_reports WHERE {party_where} GROUP BY party_iso3
        ), summaries AS (
            SELECT DISTINCT party_iso3, meeting_code FROM out_rating_shares
            WHERE origin = 'reference' AND party_iso3 IN (SELECT party_iso3 FROM parties)
        ), loaded AS (
            SELECT * FROM out_reports WHERE party_iso3 IN (SELECT party_iso3 FROM parties)
        ), meetings AS (
            SELECT x.meeting_code,
                   COALESCE(any_value(m.number),
                            any_value(TRY_CAST(regexp_extract(x.meeting_code, '\\d+') AS INTEGER))) AS meeting_number
            FROM (SELECT meeting_code FROM loaded UNION SELECT meeting_code FROM summaries) x
            LEFT JOIN out_meetings m ON m.meeting_code = x.meeting_code
            WHERE {meeting_clause}
            GROUP BY x.meeting_code
        )
        SELECT p.party_iso3, p.party_name, p.is_demo, m.meeting_code, m.meeting_number,
               CASE WHEN r.report_id IS NOT NULL AND r.is_demo THEN 'demo'
                    WHEN r.report_id IS NOT NULL THEN 'report'
                    WHEN s.party_iso3 IS NOT NULL THEN 'summary'
                    ELSE '{NO_REPORT}' END AS status,
               r.report_id, r.n_actions, r.n_delayed, r.source_file
        FROM parties p CROSS JOIN meetings m
        LEFT JOIN loaded r ON r.party_iso3 = p.party_iso3 AND r.meeting_code = m.meeting_code
        LEFT JOIN summaries s ON s.party_iso3 = p.party_iso3 AND s.meeting_code = m.meeting_code
        ORDER BY p.is_demo, p.party_name, m.meeting_number, m.meeting_code
    """, party_params + meeting_params)


def headline(cur: Cursor, f: Filters) -> pd.Series:
    """The counts of the selection: reports, parties, meetings, quality_issues and
    demo_reports over every report of the selection; actions, delayed and funding_gaps
    (sought, not secured) at each Party's latest report in the selection, or over every
    report with ``f.history`` (`dashboard.queries.counted_reports`)."""
    report_where, report_params = f.where(pillars=False)
    action_where, action_params = f.where()
    counted, counted_params = counted_reports(f)
    return fetch(cur, f"""
        WITH r AS (SELECT * FROM out_reports WHERE {report_where}),
             a AS (SELECT * FROM out_actions WHERE {action_where} AND report_id IN ({counted}))
        SELECT (SELECT count(*) FROM r) AS reports,
               (SELECT count(DISTINCT party_iso3) FROM r) AS parties,
               (SELECT count(DISTINCT meeting_code) FROM r) AS meetings,
               (SELECT count(*) FROM a) AS actions,
               (SELECT count(*) FROM a WHERE delayed) AS delayed,
               (SELECT count(*) FROM a WHERE funding_sought AND NOT funding_secured) AS funding_gaps,
               (SELECT COALESCE(sum(n_quality_issues), 0) FROM r) AS quality_issues,
               (SELECT count(*) FROM r WHERE is_demo) AS demo_reports
    """, report_params + action_params + counted_params).iloc[0]


def achievement_grid(cur: Cursor, f: Filters) -> pd.DataFrame:
    """Party x meeting: share of a report's actions rated achieved or substantially achieved.

    One row per cell of the reporting grid (`coverage`); cells without a loaded report
    keep their coverage ``status``. Where CITES published the Party's own figures instead
    (status ``summary``) and no pillar filter is set (a published figure covers all pillars),
    ``share_pct`` is the published share and ``published`` is true, as on the Compare page.
    """
    grid = coverage(cur, f)
    where, params = f.where()
    shares = fetch(cur, f"""
        SELECT report_id, count(*) AS actions, count(*) FILTER (WHERE {_ACHIEVED_SQL}) AS achieved,
               100.0 * count(*) FILTER (WHERE {_ACHIEVED_SQL}) / count(*) AS share_pct
        FROM out_actions WHERE {where} GROUP BY report_id
    """, params)
    out = grid.merge(shares, on="report_id", how="left")
    out["actions"] = out["actions"].fillna(0).astype(int)
    out["achieved"] = out["achieved"].fillna(0).astype(int)
    out["published"] = False
    if not f.pillars:
        published = fetch(cur, f"""
            SELECT party_iso3, meeting_code,
                   COALESCE(sum(share_pct) FILTER (WHERE {_ACHIEVED_SQL}), 0) AS published_pct
            FROM out_rating_shares WHERE assessor = 'party' AND origin = 'reference'
            GROUP BY party_iso3, meeting_code
        """)
        out = out.merge(published, on=["party_iso3", "meeting_code"], how="left")
        summary = (out["status"] == "summary") & out["published_pct"].notna()
        out.loc[summary, "share_pct"] = out.loc[summary, "published_pct"]
        out.loc[summary, "published"] = True
        out = out.drop(columns="published_pct")
    return out


SUMMARY_COLUMNS = ("share_pct", "previous_share_pct", "actions", "delayed", "previous_meeting",
                   "previous_report", "latest_report", "scale", "previous_scale")


def latest_changes(cur: Cursor, f: Filters) -> tuple[str | None, pd.DataFrame, pd.DataFrame]:
    """What changed at the latest meeting of the selection.

    Returns the meeting code, one row per Party of the grid (its latest report's share
    of actions achieved or substantially achieved against its previous loaded report,
    and how many actions became delayed), and the newly delayed actions (delayed now,
    and not delayed or not listed in the Party's previous report, matched by action
    code). The previous report is looked up among all the Party's loaded reports, so a
    meeting filter does not hide it.
    """
    grid = coverage(cur, f)
    loaded = grid[grid["report_id"].notna()]
    if loaded.empty:
        return None, pd.DataFrame(), pd.DataFrame()
    latest = loaded.sort_values(["meeting_number", "meeting_code"]).iloc[-1]["meeting_code"]
    latest_number = int(loaded.loc[loaded["meeting_code"] == latest, "meeting_number"].iloc[0])
    party_clause, party_params = among("r.party_iso3", list(grid["party_iso3"].unique()))
    pillar_where, pillar_params = Filters((), (), f.pillars, True).where("a")
    per_report = fetch(cur, f"""
        WITH ranked AS (
            SELECT r.report_id, r.party_iso3, r.party_name, r.meeting_code, r.meeting_number, r.rating_scale,
                   r.is_demo, row_number() OVER (PARTITION BY r.party_iso3 ORDER BY r.meeting_number DESC) AS back
            FROM out_reports r WHERE {party_clause} AND r.meeting_number <= ?
        )
        SELECT k.*, count(a.action_code) AS actions,
               count(*) FILTER (WHERE a.{_ACHIEVED_SQL}) AS achieved,
               count(*) FILTER (WHERE a.delayed) AS delayed
        FROM ranked k LEFT JOIN out_actions a ON a.report_id = k.report_id AND {pillar_where}
        WHERE k.back <= 2
        GROUP BY ALL
    """, party_params + [latest_number] + pillar_params)
    summary = pd.DataFrame([_party_change(group, latest) for _, group in per_report.groupby("party_iso3", sort=False)])
    for column in SUMMARY_COLUMNS:
        if column not in summary.columns:
            summary[column] = None
    summary["change_pts"] = summary["share_pct"].astype(float) - summary["previous_share_pct"].astype(float)
    newly = newly_delayed(cur, summary, f)
    counts = newly.groupby("party_iso3").size() if len(newly) else pd.Series(dtype=int)
    summary["newly_delayed"] = [
        int(counts.get(p, 0)) if s == "reported" and pd.notna(prev) else None
        for p, s, prev in zip(summary["party_iso3"], summary["status"], summary["previous_report"], strict=True)
    ]
    summary = summary.sort_values(["status", "is_demo", "party_name"], ascending=[False, True, True])
    return latest, summary.reset_index(drop=True), newly


def _share(row: pd.Series) -> float | None:
    return 100.0 * row["achieved"] / row["actions"] if row["actions"] else None


def _party_change(group: pd.DataFrame, latest: str) -> dict[str, object]:
    """One Party's latest report against its previous one (or "no report" at ``latest``)."""
    now = group[group["meeting_code"] == latest]
    before = group[group["meeting_code"] != latest].sort_values("meeting_number").tail(1)
    last = group.sort_values("meeting_number").iloc[-1]
    row: dict[str, object] = {"party_iso3": last["party_iso3"], "party_name": last["party_name"],
                              "is_demo": bool(last["is_demo"])}
    if now.empty:
        row.update(status=NO_REPORT, latest_report=None, previous_meeting=last["meeting_code"],
                   previous_report=last["report_id"])
        return row
    current = now.iloc[0]
    row.update(status="reported", latest_report=current["report_id"], share_pct=_share(current),
               actions=int(current["actions"]), delayed=int(current["delayed"]), scale=current["rating_scale"])
    if len(before):
        prev = before.iloc[0]
        row.update(previous_meeting=prev["meeting_code"], previous_report=prev["report_id"],
                   previous_share_pct=_share(prev), previous_scale=prev["rating_scale"])
    return row


NEWLY_COLUMNS = ["party_iso3", "party_name", "meeting_code", "action_code", "action_title", "delay_causes",
                 "was", "is_demo"]


def newly_delayed(cur: Cursor, summary: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """Actions delayed in a Party's latest report and not delayed (or absent) in its previous
    one; ``delay_causes`` in words ("Lack of funding, Coordination between agencies")."""
    pairs = summary[(summary["status"] == "reported") & summary["previous_report"].notna()]
    if pairs.empty:
        return pd.DataFrame(columns=NEWLY_COLUMNS)
    values = ", ".join("(?, ?)" for _ in range(len(pairs)))
    params: list[object] = []
    for latest_report, previous_report in zip(pairs["latest_report"], pairs["previous_report"], strict=True):
        params += [latest_report, previous_report]
    pillar_where, pillar_params = Filters((), (), f.pillars, True).where("now")
    return fetch(cur, f"""
        WITH pairs(latest_report, previous_report) AS (VALUES {values})
        SELECT now.party_iso3, now.party_name, now.meeting_code, now.action_code, now.action_title,
               (SELECT string_agg(COALESCE(c.label, u.cause), ', ' ORDER BY COALESCE(c.sort_order, 99))
                FROM unnest(now.delay_causes) AS u(cause)
                LEFT JOIN out_codes_delay_causes c ON c.cause = u.cause) AS delay_causes,
               CASE WHEN prev.action_code IS NULL THEN 'not in the previous report'
                    ELSE 'not delayed' END AS was,
               now.is_demo
        FROM pairs
        JOIN out_actions now ON now.report_id = pairs.latest_report
        LEFT JOIN out_actions prev ON prev.report_id = pairs.previous_report AND prev.action_code = now.action_code
        WHERE now.delayed AND NOT COALESCE(prev.delayed, false) AND {pillar_where}
        ORDER BY now.is_demo, now.party_name, now.action_order
    """, params + pillar_params)
