"""Data quality: every problem the loader found (out_quality_issues), how much of each
report's text was read (out_reports, out_unread_text), and the reports whose facts look
odd on checks across them (out_reports, out_actions, out_rating_shares)."""

from __future__ import annotations

import pandas as pd

from dashboard.queries import Cursor, among, fetch
from dashboard.selection import Filters

SEVERITY_ORDER = ("error", "warning", "info")


def quality_issues(cur: Cursor, f: Filters, codes: tuple[str, ...] = (),
                   severities: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every quality issue in the selection. The pillar filter keeps the issues about
    actions of those pillars (issues about a whole report have no pillar and are left out
    while it is set); ``codes`` and ``severities`` narrow further when not empty."""
    where, params = f.where("q")
    if f.pillars:
        where += " AND q.action_code IS NOT NULL"
    for column, values in (("q.issue_code", codes), ("q.severity", severities)):
        if values:
            clause, more = among(column, values)
            where += f" AND {clause}"
            params += more
    return fetch(cur, f"""
        SELECT q.report_id, q.party_iso3, q.party_name, q.meeting_code, q.meeting_number, q.issue_index,
               q.issue_code, q.severity, q.issue_label, q.action_code, q.action_title, q.message, q.evidence,
               q.is_demo, q.source_file
        FROM out_quality_issues q
        WHERE {where}
        ORDER BY q.party_name, q.meeting_number, q.report_id, q.issue_index
    """, params)


def count_issues(issues: pd.DataFrame, by: str) -> pd.DataFrame:
    """Issues per ``by`` (a column of `quality_issues`) and severity: columns ``by``, error,
    warning, info (those present) and Total, largest first."""
    if issues.empty:
        return pd.DataFrame(columns=[by, "Total"])
    table = pd.crosstab(issues[by], issues["severity"])
    table = table.reindex(columns=[s for s in SEVERITY_ORDER if s in table.columns])
    table["Total"] = table.sum(axis=1)
    table = table.reset_index().sort_values(["Total", by], ascending=[False, True])
    table.columns.name = None
    return table.reset_index(drop=True)


def report_coverage(cur: Cursor, f: Filters) -> pd.DataFrame:
    """Reports of the selection with the share of their text the loader used, lowest first."""
    where, params = f.where("r", pillars=False)
    return fetch(cur, f"""
        SELECT r.report_id, r.party_name, r.meeting_code, r.meeting_number, r.source_file, r.format,
               r.coverage, r.text_chars, r.unread_chars, r.is_demo,
               EXISTS (SELECT 1 FROM out_quality_issues q
                       WHERE q.report_id = r.report_id AND q.issue_code = 'low_coverage') AS flagged
        FROM out_reports r WHERE {where}
        ORDER BY r.coverage NULLS FIRST, r.party_name, r.meeting_number
    """, params)


def unread_text(cur: Cursor, report_id: str) -> pd.DataFrame:
    """The paragraphs and cells of one report that no reader used (location, text)."""
    return fetch(cur, "SELECT location, text FROM out_unread_text WHERE report_id = ? ORDER BY item_index",
                 [report_id])


ODD_CHECKS = {
    "synopsis_counts": "Part A's counts disagree with the tables",
    "published_differs": "Counted ratings differ from the Party's figure published by CITES",
    "period_after_meeting": "Reporting period ends after the meeting began",
    "period_reversed": "Reporting period ends before it starts",
    "not_rated": "Actions without a rating",
    "delayed_but_achieved": "Rated achieved yet said to be delayed",
    "no_actions": "No actions read",
}

# The day after a period given to the month or the year ends ("2015-09" ends on 2015-09-30).
_AFTER_END = ("CASE r.period_end_precision WHEN 'year' THEN r.period_end + INTERVAL 1 YEAR "
              "WHEN 'month' THEN r.period_end + INTERVAL 1 MONTH ELSE r.period_end + INTERVAL 1 DAY END")


def odd_reports(cur: Cursor, f: Filters) -> pd.DataFrame:
    """Reports whose facts look odd, one row per report and check (check_code, check, detail)."""
    where, params = f.where("r", pillars=False)
    return fetch(cur, f"""
        WITH r AS (SELECT * FROM out_reports r WHERE {where}),
        published AS (
            SELECT party_iso3, meeting_code, rating_code, share_pct, n_actions, source
            FROM out_rating_shares WHERE assessor = 'party' AND origin = 'reference'
        ),
        counted AS (
            SELECT party_iso3, meeting_code, rating_code, share_pct, n_actions
            FROM out_rating_shares WHERE assessor = 'party' AND origin = 'report'
        ),
        compared AS (
            SELECT COALESCE(p.party_iso3, c.party_iso3) AS party_iso3,
                   COALESCE(p.meeting_code, c.meeting_code) AS meeting_code,
                   COALESCE(p.rating_code, c.rating_code) AS rating_code,
                   COALESCE(p.share_pct, 0) AS published_pct, COALESCE(c.share_pct, 0) AS counted_pct,
                   p.n_actions AS published_n, c.n_actions AS counted_n, p.source
            FROM published p FULL JOIN counted c USING (party_iso3, meeting_code, rating_code)
        ),
        published_diff AS (
            SELECT party_iso3, meeting_code,
                   string_agg(cr.label || ' ' || round(counted_pct, 1) || '% counted vs '
                              || round(published_pct, 1) || '% published', '; ' ORDER BY cr.sort_order)
                       FILTER (WHERE abs(counted_pct - published_pct) > 1.0) AS diffs,
                   max(published_n) AS published_n, max(counted_n) AS counted_n, any_value(source) AS source
            FROM compared LEFT JOIN out_codes_ratings cr USING (rating_code)
            WHERE (party_iso3, meeting_code) IN (SELECT party_iso3, meeting_code FROM published)
            GROUP BY party_iso3, meeting_code
        )
        SELECT r.report_id, r.party_iso3, r.party_name, r.meeting_code, r.meeting_number, r.is_demo,
               x.check_code, x.detail
        FROM r, LATERAL (
            SELECT 'synopsis_counts' AS check_code,
                   (SELECT string_agg(q.message, ' ' ORDER BY q.issue_index) FROM out_quality_issues q
                    WHERE q.report_id = r.report_id AND q.issue_code = 'synopsis_count_mismatch') AS detail
            UNION ALL
            SELECT 'published_differs',
                   (SELECT CASE WHEN d.diffs IS NOT NULL OR d.published_n <> d.counted_n THEN
                        COALESCE(d.diffs, 'same shares') ||
                        CASE WHEN d.published_n <> d.counted_n
                             THEN '; ' || d.counted_n || ' actions read vs ' || d.published_n || ' published'
                             ELSE '' END || ' (source: ' || d.source || ')' END
                    FROM published_diff d WHERE d.party_iso3 = r.party_iso3 AND d.meeting_code = r.meeting_code)
            UNION ALL
            SELECT 'period_after_meeting',
                   CASE WHEN r.period_end IS NOT NULL AND r.meeting_start_date IS NOT NULL
                             AND r.period_end > date_trunc(COALESCE(r.period_end_precision, 'day'),
                                                           r.meeting_start_date)
                        THEN 'period ends ' || r.period_end_text || ', meeting began '
                             || strftime(r.meeting_start_date, '%Y-%m-%d') END
            UNION ALL
            SELECT 'period_reversed',
                   CASE WHEN r.period_start IS NOT NULL AND r.period_end IS NOT NULL
                             AND {_AFTER_END} <= r.period_start
                        THEN 'period ' || r.period_start_text || ' to ' || r.period_end_text END
            UNION ALL
            SELECT 'not_rated',
                   CASE WHEN r.n_rated < r.n_actions
                        THEN (r.n_actions - r.n_rated) || ' of ' || r.n_actions || ' actions have no rating' END
            UNION ALL
            SELECT 'delayed_but_achieved',
                   (SELECT 'action' || CASE WHEN count(*) > 1 THEN 's ' ELSE ' ' END
                           || string_agg(a.action_code, ', ' ORDER BY a.action_order)
                    FROM out_actions a WHERE a.report_id = r.report_id AND a.delayed
                      AND a.rating_code = 'achieved'
                    HAVING count(*) > 0)
            UNION ALL
            SELECT 'no_actions', CASE WHEN r.n_actions = 0 THEN 'the loader read no actions from the report' END
        ) x
        WHERE x.detail IS NOT NULL
        ORDER BY r.party_name, r.meeting_number, r.report_id, x.check_code
    """, params).assign(check=lambda frame: frame["check_code"].map(ODD_CHECKS))
