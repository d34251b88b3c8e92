"""Overview: what the selection holds, who reported to which meeting, what changed at the
latest meeting, then one report's self-assessed ratings and quality issues."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import db, filters, ui
from dashboard.panels import overview as panels
from dashboard.queries import action_word, counting, options, overview, scope_note
from dashboard.queries import reports as report_q
from dashboard.selection import Filters

EMPTY_DATABASE = (
    "No reports are loaded yet. Load a progress report with `python -m loaders load FILE`, or rebuild "
    "the database from the reports shipped in data/ with `python -m loaders build`, then reload this page."
)
HEADLINE = (  # metric label, column of `overview.headline`, help, counts actions (follows the history switch)
    ("Reports", "reports", "Progress reports loaded", False),
    ("Parties", "parties", "Parties with at least one report", False),
    ("Meetings", "meetings", "CITES meetings the reports were prepared for", False),
    ("Actions", "actions", "NIAP actions read from the reports", True),
    ("Delayed actions", "delayed", "Actions the report says are behind schedule (see Delays & causes)", True),
    ("Seeking funds", "funding_gaps", "Actions the Party seeks funding for and has not secured (see Funding gaps)",
     True),
    ("Quality issues", "quality_issues", "Problems the loader found in the reports (placeholders, disagreements, ...)",
     False),
)
NEWLY = {"party_name": "Party", "meeting_code": "Meeting", "action_code": "Action", "action_title": "Title",
         "delay_causes": "Causes", "was": "Before"}
ISSUES = {"severity": "Severity", "issue_label": "Issue", "action_code": "Action", "message": "Message",
          "evidence": "Evidence"}
ISSUE_COLUMNS = {
    "Severity": st.column_config.TextColumn(width=70), "Issue": st.column_config.TextColumn(width=265),
    "Action": st.column_config.TextColumn(width=60), "Message": st.column_config.TextColumn(width=540),
    "Evidence": st.column_config.TextColumn(width="large", help="The report's own text"),
}


def headline(counts: pd.Series, selection: Filters) -> None:
    """The counts of the selection, in one row; the counts of actions say what they count."""
    for column, (label, key, help_, actions) in zip(st.columns(len(HEADLINE)), HEADLINE, strict=True):
        if actions:
            shown = action_word(selection, label)
            label = shown if shown != label or not selection.history else f"{label} (action-reports)"
            help_ = f"{help_}: {counting(selection)}."
        column.metric(label, int(counts[key]), help=help_)
    st.caption(f"{scope_note(selection)} Reports, Parties, meetings and quality issues: every report of the selection.")
    if counts["demo_reports"]:
        st.caption(f"Includes {int(counts['demo_reports'])} reports of fictional demo Parties, marked (demo); they "
                   "are not real data. Switch 'Include demo data' off in the sidebar to hide them.")


def changes(source: db.AppSource, selection: Filters) -> None:
    """Per Party: the latest meeting against its previous report; newly delayed actions."""
    latest, summary, newly = source.ask(overview.latest_changes, selection)
    if latest is None:
        return
    st.header(f"What changed at the latest meeting, {latest}")
    absent = summary[summary["status"] == overview.NO_REPORT]
    columns = st.columns(3)
    columns[0].metric(f"Parties reporting to {latest}", f"{len(summary) - len(absent)} of {len(summary)}")
    columns[1].metric("Newly delayed actions", len(newly),
                      help="Delayed in the latest report, and not delayed (or not listed) in the Party's previous one")
    columns[2].metric(f"No report for {latest}", len(absent),
                      help=", ".join(absent["party_name"]) or "every Party of the selection reported")
    ui.show(source.draw(panels.changes, selection))
    st.markdown(f"**Actions newly delayed at {ui.markdown(latest)}: {len(newly)}**")
    if newly.empty:
        st.caption("No action became delayed since each Party's previous report.")
        return
    ui.table(newly[list(NEWLY)].rename(columns=NEWLY))
    st.caption("Report text, shown as written." + (f" {ui.DEMO_NOTE}" if newly["is_demo"].any() else ""))


def pick_report(reports: pd.DataFrame) -> str:
    """A select box of the selection's reports, kept in the URL as ?report=<report id>."""
    labels = dict(zip(reports["report_id"], reports["label"], strict=True))
    ids = list(labels)
    wanted = st.query_params.get("report")
    if st.session_state.get("report") not in labels:
        st.session_state.pop("report", None)  # the filters dropped it: start from the URL or the first
    report_id = st.selectbox("Report", ids, index=ids.index(wanted) if wanted in labels else 0,
                             format_func=labels.__getitem__, key="report", help="Party – meeting (reporting period)")
    st.query_params["report"] = report_id  # the id, not the label: a shared link survives relabelling
    return report_id


def quality(source: db.AppSource, report_id: str) -> None:
    """What the loader found wrong or odd in the report, one row per issue."""
    issues = source.ask(report_q.report_issues, report_id)
    st.subheader(f"Quality issues in this report: {len(issues)}")
    if issues.empty:
        st.success("The loader found no quality issues in this report.")
        return
    st.caption("What the loader noticed while reading the report, and what it did about it. "
               "Evidence is the report's own text.")
    table = issues[list(ISSUES)].rename(columns=ISSUES)
    ui.table(table.assign(Action=table["Action"].fillna("whole report")), placeholder="",
             column_config=ISSUE_COLUMNS)


def one_report(source: db.AppSource, selection: Filters, reports: pd.DataFrame) -> None:
    """One report of the selection: its ratings, a link to all of it, and its quality issues."""
    st.header("One report")
    report_id = pick_report(reports)
    st.subheader("Self-assessed progress ratings")
    ui.show(source.draw(panels.report_ratings, selection, report_id))
    ui.report_link(report_id, "Open the whole report")
    quality(source, report_id)


def render() -> None:
    st.title("NIAP progress reports")
    st.caption("National Ivory Action Plans under CITES: which Parties reported, how they rate the progress of "
               "their own actions, and what changed, as read from their progress reports.")
    source, selection = db.source(), filters.current()
    if source.ask(options.count_reports) == 0:
        st.info(EMPTY_DATABASE, icon=":material/upload_file:")
        return
    ui.selection_line()
    reports = source.ask(overview.reports, selection)
    if reports.empty:
        ui.nothing_selected("reports")
        return
    headline(source.ask(overview.headline, selection), selection)
    st.divider()
    st.header("Who reported to which meeting")
    ui.show(source.draw(panels.coverage, selection))
    changes(source, selection)
    st.divider()
    one_report(source, selection, reports)


render()
