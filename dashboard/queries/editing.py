"""What the editor views read: the reports and actions an editor can correct, the codes a
value can take, the corrections (out_corrections) and the audit log (out_audit_log)."""

from __future__ import annotations

import pandas as pd

from dashboard.queries import Cursor, fetch
from dashboard.selection import Filters


def reports(cur: Cursor) -> pd.DataFrame:
    """Every loaded report, by Party and meeting: report_id, party_name, meeting_code, rating_scale, ..."""
    return fetch(cur, """
        SELECT report_id, party_iso3, party_name, meeting_code, rating_scale, period_start_text, period_end_text,
               source_file, loaded_at, is_demo
        FROM out_reports ORDER BY party_name, meeting_number, report_id
    """)


def stored_report(cur: Cursor, report_id: str) -> pd.DataFrame:
    """The stored report an upload would replace (no row: none)."""
    return fetch(cur, """
        SELECT report_id, party_name, meeting_code, period_start_text, period_end_text, source_file, loaded_at,
               is_demo
        FROM out_reports WHERE report_id = ?
    """, [report_id])


def actions(cur: Cursor, report_id: str) -> pd.DataFrame:
    """The report's actions with the values an editor can correct and what was corrected."""
    return fetch(cur, """
        SELECT action_code, action_title, rating_code, rating_code_label AS rating, delay_causes,
               funding_secured, funding_sought, delayed, corrected_fields, correction_note
        FROM out_actions WHERE report_id = ? ORDER BY action_order
    """, [report_id])


def rating_codes(cur: Cursor, scale: str) -> pd.DataFrame:
    """The ratings of one template's scale (and not_rated), best first."""
    return fetch(cur, """
        SELECT rating_code, label FROM out_codes_ratings
        WHERE rating_code = 'not_rated' OR (? = '2014' AND in_2014_scale) OR (? = '2017' AND in_2017_scale)
        ORDER BY sort_order
    """, [scale, scale])


def delay_causes(cur: Cursor) -> pd.DataFrame:
    return fetch(cur, "SELECT cause, label FROM out_codes_delay_causes ORDER BY sort_order")


def corrections(cur: Cursor, f: Filters | None = None, report_id: str | None = None) -> pd.DataFrame:
    """Corrections, newest first: all, those of one report, or those of the selection's Parties
    and meetings (a correction of a report no longer loaded is kept: its status says so)."""
    where, params = ("TRUE", []) if f is None else f.where(pillars=False)
    if report_id is not None:
        where, params = "report_id = ?", [report_id]
    return fetch(cur, f"""
        SELECT correction_id, report_id, party_name, party_iso3, meeting_code, action_code, action_title, field,
               old_value, new_value, reason, editor, corrected_at, status, status_message, is_demo
        FROM out_corrections WHERE {where} ORDER BY corrected_at DESC, line_number DESC
    """, params)


def audit_log(cur: Cursor) -> pd.DataFrame:
    """Every write, newest first."""
    return fetch(cur, """
        SELECT event_at, editor, action, via, report_id, party_name, action_code, source_file, file_sha256, detail
        FROM out_audit_log ORDER BY event_at DESC, event_id
    """)
