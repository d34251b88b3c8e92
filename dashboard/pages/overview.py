"""Overview: what the selection holds, who reported to which meeting, what changed at the
latest meeting, then one report's self-assessed ratings and quality issues."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data, filters, queries, ui
from dashboard.data import COVERAGE, COVERAGE_HELP, NO_REPORT
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
ACHIEVED_NOTE = (
    "Achieved or substantially achieved, as a share of all the report's actions (not rated ones "
    "included). 'Achieved' exists only in the 2017+ template: across the change of template "
    "(SC67 to SC69) the shares are not like for like."
)


def headline_metrics(db: DbFile) -> None:
    """The counts of the selection, in one row."""
    counts = queries.selection_headline(db, filters.current()).iloc[0]
    columns = st.columns(7)
    columns[0].metric("Reports", int(counts["reports"]), help="Progress reports loaded")
    columns[1].metric("Parties", int(counts["parties"]), help="Parties with at least one report")
    columns[2].metric("Meetings", int(counts["meetings"]), help="CITES meetings the reports were prepared for")
    columns[3].metric("Actions", int(counts["actions"]), help="NIAP actions read from the reports")
    columns[4].metric("Delayed actions", int(counts["delayed"]),
                      help="Actions the report says are behind schedule (see Delays & causes)")
    columns[5].metric("Seeking funds", int(counts["funding_gaps"]),
                      help="Actions the Party seeks funding for and has not secured (see Funding gaps)")
    columns[6].metric(
        "Quality issues", int(counts["quality_issues"]),
        help="Problems the loader found in the reports (placeholders, disagreements, ...)",
    )
    if counts["demo_reports"]:
        st.caption(
            f"Includes {int(counts['demo_reports'])} reports of fictional demo Parties, "
            "marked (demo); they are not real data. Switch 'Include demo data' off in the sidebar to hide them."
        )


def coverage_section(db: DbFile) -> None:
    """Parties x meetings: reported, demo, summary only, no report."""
    grid = queries.coverage(db, filters.current())
    st.subheader("Who reported to which meeting")
    if grid.empty:
        ui.nothing_selected("Parties or meetings")
        return
    title = f"Progress reports by Party and meeting ({grid['party_iso3'].nunique()} Parties)"
    table = grid.pivot_table(
        index="party_name", columns="meeting_code", values="status", aggfunc="first", sort=False
    ).reindex(columns=list(dict.fromkeys(grid["meeting_code"])))
    table = table.map(lambda s: COVERAGE.get(s, s)).reset_index().rename(columns={"party_name": "Party"})
    demo = bool(grid["is_demo"].any())
    files = grid["source_file"].dropna()
    source = ui.source_text("out_reports view", files, demo=demo)
    legend = "; ".join(f"{COVERAGE[s]}: {COVERAGE_HELP[s]}" for s in COVERAGE)
    charted = data.first_parties(grid)
    more = ui.capped(grid["party_iso3"].nunique(), charted["party_iso3"].nunique(), "real Parties first, then by name")
    ui.chart_block(
        charts.coverage_matrix(charted, title, source=ui.figure_source("out_reports view", files, demo=demo)),
        alt=charts.coverage_alt(grid, title), table=table, key="coverage_chart",
        caption=f"{source} Summary only: from core_rating_summaries. {legend}.{more}",
        filename="niap_coverage",
    )


def changes_section(db: DbFile) -> None:
    """Per Party: the latest meeting against its previous report; newly delayed actions."""
    latest, summary, newly = queries.latest_changes(db, filters.current())
    if latest is None:
        return
    st.subheader(f"What changed at the latest meeting, {latest}")
    reported = summary[summary["status"] == "reported"]
    absent = summary[summary["status"] == NO_REPORT]
    columns = st.columns(3)
    columns[0].metric(f"Parties reporting to {latest}", f"{len(reported)} of {len(summary)}")
    columns[1].metric("Newly delayed actions", int(len(newly)),
                      help="Delayed in the latest report, and not delayed (or not listed) in the Party's previous one")
    columns[2].metric(f"No report for {latest}", len(absent),
                      help=", ".join(absent["party_name"]) or "every Party of the selection reported")
    table = pd.DataFrame({
        "Party": summary["party_name"],
        "Latest report": [latest if s == "reported" else f"no report (last: {m})"
                          for s, m in zip(summary["status"], summary["previous_meeting"], strict=True)],
        "Previous report": [m if s == "reported" else None
                            for s, m in zip(summary["status"], summary["previous_meeting"], strict=True)],
        "Achieved or substantially achieved, before": summary["previous_share_pct"].astype(float),
        "Achieved or substantially achieved, now": summary["share_pct"].astype(float),
        "Change (points)": summary["change_pts"].astype(float),
        "Delayed actions now": summary["delayed"],
        "Newly delayed actions": summary["newly_delayed"],
    })
    demo = bool(summary["is_demo"].any())
    files = queries.selected_reports(db, filters.current())["source_file"]
    source = ui.source_text("out_actions view", files, demo=demo)
    title = f"Share of actions achieved or substantially achieved: {latest} against each Party's previous report"
    if reported.empty:
        st.info(f"No Party of the selection reported to {latest}.", icon=":material/event_busy:")
    else:
        charted = data.first_parties(reported)
        more = ui.capped(len(reported), len(charted), "real Parties first, then by name")
        ui.chart_block(
            charts.change_chart(charted, title, source=ui.figure_source("out_actions view", files, demo=demo)),
            alt=_change_alt(summary, title), table=table, key="change_chart",
            column_config={c: ui.SHARE for c in table.columns if c.startswith("Achieved")}
            | {"Change (points)": st.column_config.NumberColumn(format="%+.1f")},
            caption=f"{source} {ACHIEVED_NOTE} The previous report is the Party's last loaded report "
                    f"before this meeting, whatever the meeting filter.{more}",
            filename=f"niap_changes_{latest}",
        )
    st.markdown(f"**Actions newly delayed at {latest}: {len(newly)}**")
    if newly.empty:
        st.caption("No action became delayed since each Party's previous report.")
        return
    st.dataframe(
        newly.rename(columns={
            "party_name": "Party", "meeting_code": "Meeting", "action_code": "Action",
            "action_title": "Title", "delay_causes": "Causes", "was": "Before",
        })[["Party", "Meeting", "Action", "Title", "Causes", "Before"]],
        hide_index=True,
    )
    st.caption("Report text, shown as written. " + ("Includes demo data (fictional Parties)." if demo else ""))


def _change_alt(summary: pd.DataFrame, title: str) -> str:
    parts = []
    for row in summary[summary["status"] == "reported"].itertuples():
        before = "no previous report" if pd.isna(row.previous_share_pct) else f"{row.previous_share_pct:.0f}%"
        parts.append(f"{row.party_name} {before} to {row.share_pct:.0f}%")
    return f"Dot chart. {title}: " + "; ".join(parts) + "."


def pick_report(reports: pd.DataFrame) -> pd.Series:
    """A select box of the selection's reports, kept in the URL as ?report=<report id>."""
    labels = dict(zip(reports["report_id"], reports["label"], strict=True))
    ids = list(labels)
    wanted = st.query_params.get("report")
    if st.session_state.get("report") not in labels:
        st.session_state.pop("report", None)  # the filters dropped it: start from the URL or the first
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
    table = charts.rating_counts(shares, ratings)
    notes = [f"Source: {code(report['source_file'])}.", SELF_ASSESSMENT]
    if (shares["rating_code"] == "not_rated").any():
        notes.append(NOT_RATED_NOTE)
    if report["is_demo"]:
        notes.append(DEMO_NOTE + " This view " + ui.DEMO_WORDS + ".")
    ui.chart_block(
        charts.rating_distribution(shares, ratings, source=source),
        alt=charts.rating_alt_text(shares, ratings),
        table=table[["label", "actions", "share_pct"]].set_axis(["Rating", "Actions", "Share"], axis=1),
        column_config={"Share": ui.SHARE}, key="report_rating_chart",
        caption=" ".join(notes), filename=f"niap_{report.name}_ratings",
    )
    filters.page_link("pages/report.py", "Open the whole report", icon=":material/description:",
                      query={"report": str(report.name)})


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


def report_section(db: DbFile) -> None:
    """One report of the selection: its ratings and quality issues."""
    st.subheader("One report")
    reports = queries.reports(db)
    chosen = queries.selected_reports(db, filters.current())
    reports = reports[reports["report_id"].isin(chosen["report_id"])]
    reports = reports.sort_values(["is_demo", "party_name", "meeting_number", "report_id"])  # real reports first
    if reports.empty:
        ui.nothing_selected("reports")
        return
    report = pick_report(reports)
    rating_section(db, report)
    quality_section(db, report)


def render() -> None:
    """The whole page."""
    selection = filters.current()  # first: it may hand the run over to the entrypoint
    st.title("NIAP progress reports")
    st.caption(
        "National Ivory Action Plans under CITES: which Parties reported, how they rate the "
        "progress of their own actions, and what changed, as read from their progress reports."
    )
    db = current_db()
    if queries.reports(db).empty:
        st.info(EMPTY_DATABASE, icon=":material/upload_file:")
        return
    ui.filter_line()
    if queries.selected_reports(db, selection).empty:
        ui.nothing_selected("reports")
        return
    headline_metrics(db)
    st.divider()
    coverage_section(db)
    changes_section(db)
    st.divider()
    report_section(db)


render()
