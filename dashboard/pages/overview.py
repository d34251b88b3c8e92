"""Overview: what is loaded, then one report's self-assessed ratings and quality issues."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, queries
from dashboard.db import DbFile, code, current_db

EMPTY_DATABASE = (
    "No reports are loaded yet. Load a progress report with "
    "`python -m loaders load FILE`, or rebuild the database from the reports shipped in "
    "data/ with `python -m loaders build`, then reload this page."
)
SELF_ASSESSMENT = (
    "Party self-assessment: the ratings the Party gave its own actions in the report "
    "(Part C's detailed evaluation, else Part B's summary table)."
)
NOT_RATED_NOTE = "Not rated: the report gives no rating (a blank cell or the template's placeholder)."
DEMO_NOTE = "Demo data: a generated report of a fictional Party, not a real report."


def headline_metrics(db: DbFile) -> None:
    """The counts of everything loaded, in one row."""
    counts = queries.headline(db).iloc[0]
    columns = st.columns(5)
    columns[0].metric("Reports", int(counts["reports"]), help="Progress reports loaded")
    columns[1].metric("Parties", int(counts["parties"]), help="Parties with at least one report")
    columns[2].metric("Meetings", int(counts["meetings"]), help="CITES meetings the reports were prepared for")
    columns[3].metric("Actions", int(counts["actions"]), help="NIAP actions read from all reports")
    columns[4].metric(
        "Quality issues", int(counts["quality_issues"]),
        help="Problems the loader found in the reports (placeholders, disagreements, ...)",
    )
    if counts["demo_reports"]:
        st.caption(
            f"Includes {int(counts['demo_reports'])} reports of fictional demo Parties, "
            "marked [demo]; they are not real data."
        )


def pick_report(reports: pd.DataFrame) -> pd.Series:
    """A select box of the loaded reports, kept in the URL as ?report=<report id>."""
    labels = dict(zip(reports["report_id"], reports["label"], strict=True))
    ids = list(labels)
    wanted = st.query_params.get("report")
    report_id = st.selectbox(
        "Report", ids, index=ids.index(wanted) if wanted in labels else 0,
        format_func=labels.__getitem__, key="report", help="Party – meeting (reporting period)",
    )
    # The id, not the label, goes in the URL: a shared link survives relabelling.
    st.query_params["report"] = report_id
    return reports.set_index("report_id").loc[report_id].rename(report_id)


def rating_section(db: DbFile, report: pd.Series) -> None:
    """The report's ratings as a chart and, for screen readers, as a table."""
    st.subheader("Self-assessed progress ratings")
    shares = queries.report_ratings(db, report.name)
    if shares.empty:
        st.warning("No actions were read from this report, so there are no ratings to show.")
        return
    ratings = queries.rating_codes(db)
    demo = "; DEMO DATA of a fictional Party" if report["is_demo"] else ""
    source = f"Source: {report['source_file']} (Party self-assessment{demo})"
    chart_tab, table_tab = st.tabs(["Chart", "Table"])
    with chart_tab:
        st.plotly_chart(
            charts.rating_distribution(shares, ratings, source=source),
            theme=None,
            alt=charts.rating_alt_text(shares, ratings),
            config={
                "displaylogo": False,
                "toImageButtonOptions": {"filename": f"niap_{report.name}_ratings"},
            },
        )
    with table_tab:
        table = charts.rating_counts(shares, ratings)
        st.dataframe(
            table[["label", "actions", "share_pct"]].set_axis(["Rating", "Actions", "Share"], axis=1),
            hide_index=True,
            column_config={"Share": st.column_config.NumberColumn(format="%.1f%%")},
            width="content",
        )
    notes = [f"Source: {code(report['source_file'])}.", SELF_ASSESSMENT]
    if (shares["rating_code"] == "not_rated").any():
        notes.append(NOT_RATED_NOTE)
    if report["is_demo"]:
        notes.append(DEMO_NOTE)
    st.caption(" ".join(notes))


def quality_section(db: DbFile, report: pd.Series) -> None:
    """What the loader found wrong or odd in the report, one row per issue."""
    issues = queries.quality_issues(db, report.name)
    st.subheader(f"Quality issues in this report: {len(issues)}")
    if issues.empty:
        st.success("The loader found no quality issues in this report.")
        return
    st.caption(
        "What the loader noticed while reading the report, and what it did about it. "
        "Evidence is the report's own text."
    )
    columns = {
        "severity": "Severity", "issue_label": "Issue", "action_code": "Action",
        "message": "Message", "evidence": "Evidence",
    }
    table = issues[list(columns)].rename(columns=columns)
    st.dataframe(
        table.assign(Action=table["Action"].fillna("whole report")),
        hide_index=True,
        placeholder="",
        column_config={
            "Severity": st.column_config.TextColumn(width=70),
            "Issue": st.column_config.TextColumn(width=265),
            "Action": st.column_config.TextColumn(width=60),
            "Message": st.column_config.TextColumn(width=540),
            "Evidence": st.column_config.TextColumn(width="large", help="The report's own text"),
        },
    )


def render() -> None:
    """The whole page."""
    st.title("NIAP progress reports")
    st.caption(
        "National Ivory Action Plans under CITES: how Parties rate the progress of their "
        "own actions, as read from their progress reports."
    )
    db = current_db()
    reports = queries.reports(db)
    if reports.empty:
        st.info(EMPTY_DATABASE, icon=":material/upload_file:")
        return
    headline_metrics(db)
    st.divider()
    report = pick_report(reports)
    rating_section(db, report)
    quality_section(db, report)


render()
