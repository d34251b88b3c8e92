"""Data quality: every problem the loader found in the reports, filterable, counted by
issue type and by Party, each with a link to its report; and the reports whose facts look odd."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import detail_charts as charts
from dashboard import filters
from dashboard import report_data as data
from dashboard.db import DbFile, current_db
from dashboard.detail_ui import chart_block, report_link, report_url, selection_line, sources_line
from dashboard.report_data import md_text

MAX_LINKS = 24
ISSUE_COLUMNS = {
    "party_name": "Party", "meeting_code": "Meeting", "link": "Report", "action_code": "Action",
    "severity": "Severity", "issue_label": "Issue", "message": "Message", "evidence": "Evidence",
}


def narrow(codes: pd.DataFrame) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Issue type and severity pickers, kept in the URL; empty means all."""
    labels = dict(zip(codes["issue_code"], codes["label"], strict=True))
    left, right = st.columns([3, 1])
    chosen = left.multiselect("Issue types", list(labels), key="dq_issue", bind="query-params",
                              format_func=labels.__getitem__, placeholder="All issue types")
    severities = right.multiselect("Severity", charts.SEVERITY_ORDER, key="dq_severity", bind="query-params",
                                   placeholder="All severities")
    return tuple(chosen), tuple(severities)


def count_charts(issues: pd.DataFrame, current: filters.Filters) -> None:
    files = sorted(issues["source_file"].unique())
    source = sources_line(files, []) + " · checks by the loaders (python -m loaders check)"
    demo = bool(issues["is_demo"].any())
    stamp = " · includes demo data (fictional Parties)" if demo else ""
    n_reports = issues["report_id"].nunique()
    for by, what, key in (("issue_label", "issue type", "dq-by-type"), ("party_name", "Party", "dq-by-party")):
        title = f"Quality issues by {what} ({len(issues)} issues in {n_reports} reports)"
        counts = charts.issues_count_table(issues, by)
        figure = charts.issues_by(issues, by, title=title, subtitle=filters.describe(), source=source + stamp,
                                  axis_title=what[0].upper() + what[1:])
        chart_block(figure, counts.rename(columns={by: what[0].upper() + what[1:]}),
                    alt=charts.issues_alt(counts, by, title), caption=f"{source}.", key=key, includes_demo=demo)


def issue_table(issues: pd.DataFrame) -> None:
    st.subheader("Every issue")
    table = issues.assign(
        link=[report_url(p, m) for p, m in zip(issues["party_name"], issues["meeting_code"], strict=True)],
        action_code=issues["action_code"].fillna("whole report"),
    )[list(ISSUE_COLUMNS)].rename(columns=ISSUE_COLUMNS)
    st.dataframe(
        table, hide_index=True, key="dq-issues",
        column_config={
            "Report": st.column_config.LinkColumn(display_text="Open report", help="The report on the Report page"),
            "Message": st.column_config.TextColumn(width="large"),
            "Evidence": st.column_config.TextColumn(width="large", help="The report's own text"),
        },
    )
    st.caption(md_text(
        "Evidence is the report's own text that shows the issue. The links keep the sidebar filters."
        + (" " + "Includes demo data (fictional Parties): not real reports." if issues["is_demo"].any() else "")
    ))
    reports = (issues.groupby(["report_id", "party_name", "meeting_code", "meeting_number"], as_index=False)
               .size().sort_values(["party_name", "meeting_number"]))
    st.markdown("**Open a report**")
    columns = st.columns(3)
    for i, row in enumerate(reports.head(MAX_LINKS).itertuples()):
        with columns[i % 3]:
            report_link(row.party_name, row.meeting_code,
                        f"{row.party_name} · {row.meeting_code} ({row.size} issue{'s' if row.size != 1 else ''})")
    if len(reports) > MAX_LINKS:
        st.caption(f"… and {len(reports) - MAX_LINKS} more reports: use the links in the table.")


def coverage_section(db: DbFile, current: filters.Filters) -> None:
    st.subheader("How much of each report was read")
    st.caption(
        "Coverage is the share of a report's text (letters and digits) that the loader used as metadata, "
        "headings, synopsis, action titles, ratings or notes. Text it did not read is listed below: facts in "
        "it are missing from every chart. A report under 90% gets a warning (Part of the document not read)."
    )
    reports = data.cached_report_coverage(db, current)
    if reports.empty:
        st.info(f"No report matches the sidebar selection ({md_text(filters.describe())}).",
                icon=":material/filter_alt_off:")
        return
    measured = reports.dropna(subset=["coverage"])
    if measured.empty:
        st.warning("Coverage was not measured for these reports: the database was built by an older loader. "
                   "Rebuild it with `python -m loaders build` (or `make run`).")
        return
    metrics = st.columns(3)
    metrics[0].metric("Reports", len(reports))
    metrics[1].metric("Flagged as not read in part", int(reports["flagged"].sum()))
    metrics[2].metric("Lowest coverage", f"{measured['coverage'].min():.1%}")
    table = reports.assign(
        link=[report_url(p, m) for p, m in zip(reports["party_name"], reports["meeting_code"], strict=True)],
        percent=reports["coverage"] * 100,
    )[["party_name", "meeting_code", "link", "percent", "unread_chars", "format", "source_file"]]
    st.dataframe(
        table.set_axis(["Party", "Meeting", "Report", "Text read (%)", "Characters not read", "Format",
                        "Source file"], axis=1),
        hide_index=True, key="dq-coverage",
        column_config={"Report": st.column_config.LinkColumn(display_text="Open report"),
                       "Text read (%)": st.column_config.ProgressColumn(min_value=0, max_value=100,
                                                                         format="%.1f%%")},
    )
    labels = {r.report_id: f"{r.party_name} · {r.meeting_code} ({r.unread_chars or 0:,.0f} characters not read)"
              for r in reports.itertuples()}
    chosen = st.selectbox("Show the text not read in", list(labels), format_func=labels.__getitem__,
                          key="dq_unread")
    unread = data.cached_unread_text(db, chosen)
    if unread.empty:
        st.success("Every paragraph and cell of this report was read.")
    else:
        st.dataframe(unread.set_axis(["Where", "Text not read"], axis=1), hide_index=True, key="dq-unread",
                     column_config={"Text not read": st.column_config.TextColumn(width="large")})


def odd_section(db: DbFile, current: filters.Filters) -> None:
    st.subheader("Reports whose facts look odd")
    odd = data.cached_odd_reports(db, current)
    st.caption(
        "Checks across a report's facts: counts stated in Part A against the tables, counted ratings against "
        "the Party's figures published by CITES, the reporting period against the meeting date, actions "
        "without a rating, actions rated achieved yet said to be delayed."
    )
    if odd.empty:
        st.success("No report in the selection looks odd on these checks.")
        return
    table = odd.assign(link=[report_url(p, m) for p, m in zip(odd["party_name"], odd["meeting_code"], strict=True)])
    st.dataframe(
        table[["party_name", "meeting_code", "link", "check", "detail"]]
        .set_axis(["Party", "Meeting", "Report", "Check", "Detail"], axis=1),
        hide_index=True, key="dq-odd",
        column_config={"Report": st.column_config.LinkColumn(display_text="Open report"),
                       "Detail": st.column_config.TextColumn(width="large")},
    )
    columns = st.columns(3)
    reports = odd.drop_duplicates("report_id")
    for i, row in enumerate(reports.head(MAX_LINKS).itertuples()):
        with columns[i % 3]:
            report_link(row.party_name, row.meeting_code, f"{row.party_name} · {row.meeting_code}")


def render() -> None:
    current = filters.current()  # first: it may hand the run over to the entrypoint (see filters)
    st.title("Data quality")
    st.caption("What the loader found wrong or odd while reading the reports, and what it did about it: "
               "placeholders left in, ratings the two tables disagree on, counts that do not add up.")
    db = current_db()
    selection_line()
    codes = data.cached_issue_codes(db)
    chosen, severities = narrow(codes)
    issues = data.cached_quality_issues(db, current, chosen, severities)
    if issues.empty:
        narrowed = " and the issue type and severity pickers" if chosen or severities else ""
        st.info(f"No quality issue matches the sidebar selection ({md_text(filters.describe())}){narrowed}. "
                "Widen the selection to see more.", icon=":material/filter_alt_off:")
    else:
        if current.pillars:
            st.caption("A pillar filter is set: issues about a whole report (not about one action) are left out.")
        metrics = st.columns(4)
        metrics[0].metric("Issues", len(issues))
        metrics[1].metric("Reports with issues", issues["report_id"].nunique())
        metrics[2].metric("Warnings and errors", int(issues["severity"].isin(["warning", "error"]).sum()))
        metrics[3].metric("Issue types", issues["issue_code"].nunique())
        count_charts(issues, current)
        issue_table(issues)
    st.divider()
    coverage_section(db, current)
    st.divider()
    odd_section(db, current)


render()
