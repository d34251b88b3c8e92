"""Data quality: every problem the loader found in the reports, filterable, counted by issue
type and by Party, each with a link to its report; how much of each report was read; the
reports whose facts look odd; and the corrections editors made (applied or not)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import db, filters, ui
from dashboard.panels import quality as panels
from dashboard.queries import Source, editing, options, quality
from dashboard.selection import Filters

MAX_LINKS = 24
ISSUE_COLUMNS = {
    "party_name": "Party", "meeting_code": "Meeting", "link": "Report", "action_code": "Action",
    "severity": "Severity", "issue_label": "Issue", "message": "Message", "evidence": "Evidence",
}
LINK = st.column_config.LinkColumn(display_text="Open report", help="The report on the Report page")
WIDE = st.column_config.TextColumn(width="large")
ISSUE_CONFIG, ODD_CONFIG = {"Report": LINK, "Message": WIDE, "Evidence": WIDE}, {"Report": LINK, "Detail": WIDE}


def with_links(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(link=[ui.report_url(r) for r in frame["report_id"]])


def report_links(reports: pd.DataFrame, label) -> None:
    """Links to the first reports, three to a row (the tables link to them all)."""
    columns = st.columns(3)
    for i, row in enumerate(reports.head(MAX_LINKS).itertuples()):
        with columns[i % 3]:
            ui.report_link(row.report_id, label(row))
    if len(reports) > MAX_LINKS:
        st.caption(f"… and {len(reports) - MAX_LINKS} more reports: use the links in the table.")


def narrow(source: Source) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Issue type and severity pickers, kept in the URL; empty means all."""
    codes = source.ask(options.issue_codes)
    labels = dict(zip(codes["issue_code"], codes["label"], strict=True))
    left, right = st.columns([3, 1])
    chosen = filters.url_multiselect(left, "Issue types", labels, "dq_issue", placeholder="All issue types")
    severities = filters.url_multiselect(right, "Severity", {s: s for s in quality.SEVERITY_ORDER}, "dq_severity",
                                         placeholder="All severities")
    return tuple(chosen), tuple(severities)


def issues_section(source: Source, selection: Filters, chosen: tuple[str, ...], severities: tuple[str, ...]) -> None:
    issues = source.ask(quality.quality_issues, selection, chosen, severities)
    if issues.empty:  # the panel says why and what to change
        ui.show(source.draw(panels.issues_by, selection, "issue_label", chosen, severities))
        return
    for column, (label, value) in zip(st.columns(4), (
            ("Issues", len(issues)), ("Reports with issues", issues["report_id"].nunique()),
            ("Warnings and errors", int(issues["severity"].isin(["warning", "error"]).sum())),
            ("Issue types", issues["issue_code"].nunique())), strict=True):
        column.metric(label, value)
    for by in panels.CHARTS:
        ui.show(source.draw(panels.issues_by, selection, by, chosen, severities))
    st.subheader("Every issue")
    table = with_links(issues).fillna({"action_code": "whole report"})[list(ISSUE_COLUMNS)]
    ui.table(table.rename(columns=ISSUE_COLUMNS), key="dq-issues", column_config=ISSUE_CONFIG)
    st.caption(ui.markdown("Evidence is the report's own text that shows the issue. The links keep the sidebar "
                           "filters." + (f" {ui.DEMO_NOTE}" if issues["is_demo"].any() else "")))
    reports = (issues.groupby(["report_id", "party_name", "meeting_code", "meeting_number"], as_index=False)
               .size().sort_values(["party_name", "meeting_number"]))
    st.markdown("**Open a report**")
    report_links(reports, lambda r: f"{r.party_name} · {r.meeting_code} ({r.size} issue{'s' if r.size != 1 else ''})")


def coverage_section(source: Source, selection: Filters) -> None:
    st.header("How much of each report was read")
    st.caption("Coverage is the share of a report's text (letters and digits) that the loader used as metadata, "
               "headings, synopsis, action titles, ratings or notes. Text it did not read is listed below: facts in "
               "it are missing from every chart. A report under 90% gets a warning (Part of the document not read).")
    reports = source.ask(quality.report_coverage, selection)
    if reports.empty:
        ui.nothing_selected("reports")
        return
    measured = reports.dropna(subset=["coverage"])
    if measured.empty:
        st.warning("Coverage was not measured for these reports: the database was built by an older loader. "
                   "Rebuild it with `python -m loaders build` (or `make run`).")
        return
    for column, label, value in zip(st.columns(3), ("Reports", "Flagged as not read in part", "Lowest coverage"), (
            len(reports), int(reports["flagged"].sum()), f"{measured['coverage'].min():.1%}"), strict=True):
        column.metric(label, value)
    table = with_links(reports).assign(percent=reports["coverage"] * 100)[
        ["party_name", "meeting_code", "link", "percent", "unread_chars", "format", "source_file"]]
    ui.table(table.set_axis(["Party", "Meeting", "Report", "Text read (%)", "Characters not read", "Format",
                             "Source file"], axis=1), key="dq-coverage",
             column_config={"Report": LINK, "Text read (%)": st.column_config.ProgressColumn(
                 min_value=0, max_value=100, format="%.1f%%")})
    labels = {r.report_id: f"{r.party_name} · {r.meeting_code} ({r.unread_chars or 0:,.0f} characters not read)"
              for r in reports.itertuples()}
    unread = source.ask(quality.unread_text, st.selectbox("Show the text not read in", list(labels),
                                                          format_func=labels.__getitem__, key="dq_unread"))
    if unread.empty:
        st.success("Every paragraph and cell of this report was read.")
    else:
        ui.table(unread.set_axis(["Where", "Text not read"], axis=1), key="dq-unread",
                 column_config={"Text not read": WIDE})


def odd_section(source: Source, selection: Filters) -> None:
    st.header("Reports whose facts look odd")
    st.caption("Checks across a report's facts: counts stated in Part A against the tables, counted ratings against "
               "the Party's figures published by CITES, the reporting period against the meeting date, actions "
               "without a rating, actions rated achieved yet said to be delayed.")
    odd = source.ask(quality.odd_reports, selection)
    if odd.empty:
        st.success("No report in the selection looks odd on these checks.")
        return
    ui.table(with_links(odd)[["party_name", "meeting_code", "link", "check", "detail"]].set_axis(
        ["Party", "Meeting", "Report", "Check", "Detail"], axis=1), key="dq-odd", column_config=ODD_CONFIG)
    report_links(odd.drop_duplicates("report_id"), lambda r: f"{r.party_name} · {r.meeting_code}")


def corrections_section(source: Source, selection: Filters) -> None:
    st.header("Corrections by editors")
    fixes = with_links(source.ask(editing.corrections, selection))
    if missed := int((fixes["status"] != "applied").sum()):
        st.warning(f"{missed} of {len(fixes)} corrections are not applied (their report or action is gone, or the "
                   "loader now reads another value): see their status.", icon=":material/edit_off:")
    if fixes.empty:
        st.success("No editor has corrected a fact of the reports in this selection.")
    else:
        ui.table(fixes.drop(columns=["correction_id", "report_id", "party_iso3", "is_demo"]), key="dq-corrections",
                 column_config={"link": LINK, "status_message": WIDE})


def render() -> None:
    st.title("Data quality")
    st.caption("What the loader found wrong or odd while reading the reports, and what it did about it: "
               "placeholders left in, ratings the two tables disagree on, counts that do not add up.")
    source, selection = db.source(), filters.current()
    ui.selection_line()
    st.header("Quality issues")
    issues_section(source, selection, *narrow(source))
    st.divider()
    coverage_section(source, selection)
    st.divider()
    odd_section(source, selection)
    st.divider()
    corrections_section(source, selection)


render()
