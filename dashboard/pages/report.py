"""Report: one progress report in full – title block, Part A synopsis, each action with its
rating, notes, extracted facts next to their evidence and quality issues – and its file.

Every piece of report text is shown as text (st.text, st.dataframe, or Markdown with every
special character escaped), never as HTML: reports are documents from outside.
"""

from __future__ import annotations

import mimetypes

import pandas as pd
import streamlit as st

from dashboard import compare_data, filters
from dashboard import detail_charts as charts
from dashboard import report_data as data
from dashboard.db import DbFile, code, current_db
from dashboard.detail_ui import DEMO_NOTE, MEETING_KEY, PARTY_KEY, chart_block, selection_line
from dashboard.report_data import md_text

NO_REPORTS = (
    "No reports are loaded yet. Load a progress report with `python -m loaders load FILE`, or rebuild "
    "the database from the reports shipped in data/ with `python -m loaders build`, then reload this page."
)
FACT_COLUMNS = {"fact": "Fact", "where": "Found in", "evidence": "Evidence (the report's sentence)",
                "matched": "Matched words"}


def pick_report(index: pd.DataFrame) -> str:
    """Party and meeting select boxes, kept in the URL (?report_party=…&report_meeting=…).
    A link may name the report by its id instead (?report=KHM-SC66, as the Overview does)."""
    wanted = st.query_params.get("report")
    if wanted is not None:
        chosen = index[index["report_id"] == wanted]
        if not chosen.empty:
            st.session_state[PARTY_KEY] = chosen["party_name"].iloc[0]
            st.session_state[MEETING_KEY] = chosen["meeting_code"].iloc[0]
        del st.query_params["report"]  # the two pickers carry the choice in the URL from here
    left, right = st.columns(2)
    parties = list(dict.fromkeys(index["party_name"]))
    party = left.selectbox("Party", parties, key=PARTY_KEY, bind="query-params")
    own = index[index["party_name"] == party]
    meetings = own["meeting_code"].tolist()
    latest = {} if MEETING_KEY in st.session_state else {"index": len(meetings) - 1}  # the latest by default
    meeting = right.selectbox("Meeting", meetings, key=MEETING_KEY, bind="query-params", **latest)
    return str(own.loc[own["meeting_code"] == meeting, "report_id"].iloc[0])


def title_section(rep: data.Report) -> None:
    st.header(md_text(f"{rep.party_name} · {rep.meeting_code} progress report"))
    if rep.is_demo:
        st.warning(md_text(f"{rep.party_name} is a fictional demo Party: {DEMO_NOTE}"), icon=":material/science:")
    block, file_column = st.columns([3, 2])
    with block:
        st.dataframe(data.title_block(rep), hide_index=True, key="report-title-block",
                     column_config={"Field": st.column_config.TextColumn(width=140),
                                    "Value": st.column_config.TextColumn(width="large")})
    with file_column:
        source_download(rep)


def source_download(rep: data.Report) -> None:
    """The original file, if it is still where it was loaded from and unchanged."""
    found = data.source_file(rep)
    st.markdown("**Source file**")
    st.text(rep.source_file)
    if found.status == "missing":
        st.warning(
            f"The file is not at {code(found.path)} any more, so it cannot be downloaded here. Put it back, "
            "or load it again with `python -m loaders load FILE`.", icon=":material/file_present:")
        return
    if found.status == "changed":
        st.warning(
            f"The file at {code(found.path)} has changed since it was loaded (its SHA-256 differs), so it is "
            "not offered: it may not say what is shown here. Load it again with `python -m loaders load FILE`.",
            icon=":material/file_present:")
        return
    mime = mimetypes.guess_type(rep.source_file)[0] or "application/octet-stream"
    size = f" ({max(rep.size_bytes / 1024, 1):.0f} KB)" if rep.size_bytes else ""
    st.download_button(f"Download the report file{size}", data=found.path.read_bytes,
                       file_name=rep.source_file, mime=mime, icon=":material/download:", on_click="ignore",
                       key="report-download")
    st.caption(md_text(f"The file as loaded (SHA-256 {rep.file_sha256[:12]}…), read by the {rep.format} reader."))


def synopsis_section(db: DbFile, rep: data.Report) -> None:
    st.subheader("Part A: synopsis")
    paragraphs = data.cached_synopsis(db, rep.report_id)
    if paragraphs.empty:
        st.caption("The loader found no Part A synopsis in this report.")
        return
    heading = None
    for row in paragraphs.itertuples():
        if row.heading and row.heading != heading:
            st.markdown(f"**{md_text(row.heading)}**")
        heading = row.heading
        st.text(row.text)


def ratings_section(rep: data.Report, actions: pd.DataFrame, ratings: pd.DataFrame, shown_all: bool) -> None:
    st.subheader("Ratings")
    n = len(actions)
    scope = "" if shown_all else " in the chosen pillars"
    title = f"{rep.party_name}, {rep.meeting_code}: actions{scope} by the Party's own rating ({n} actions)"
    source = f"Source: {rep.source_file} (Party self-assessment)"
    figure = charts.report_ratings(actions, ratings, rep.rating_scale, title=title,
                                   subtitle=data.TEMPLATES.get(rep.rating_scale, ""), source=source)
    counts = charts.report_rating_counts(actions, ratings, rep.rating_scale)
    alt = f"Bar chart. {title}: " + ", ".join(f"{r.Rating} {r.Actions}" for r in counts.itertuples()) + "."
    chart_block(figure, counts[["Rating", "Actions"]], alt=alt, key="report-ratings", includes_demo=rep.is_demo,
                caption=f"{source}. Ratings from Part C's detailed evaluation, else Part B's summary table; "
                        "'Not rated' means the report gives no rating.")


def action_card(action: pd.Series, notes: pd.DataFrame, facts: pd.DataFrame, issues: pd.DataFrame) -> None:
    with st.container(border=True):
        star = " \\*" if action["is_priority"] else ""
        st.markdown(f"**{md_text(action['action_code'])}** {md_text(action['action_title'])}{star}")
        rating = action["rating"] if isinstance(action["rating"], str) else "Not rated"
        detailed, summary, used = (action["rating_label_detailed"], action["rating_label_summary"],
                                   action["rating_label"])
        source = "Part C" if used == detailed else "Part B" if used == summary else None
        labels = [f"{part} “{label}”" + (", used" if part == source else "")
                  for part, label in (("Part C", detailed), ("Part B", summary)) if isinstance(label, str) and label]
        st.markdown(f"Rating: **{md_text(rating)}**" + (f" ({md_text('; '.join(labels))})" if labels else ""))
        status = []
        if action["delayed"]:
            causes = action["delay_causes"] if isinstance(action["delay_causes"], str) else "no cause given"
            status.append(f"delayed ({causes})")
        funding = [w for w, flag in (("secured", action["funding_secured"]), ("sought", action["funding_sought"]))
                   if flag]
        if funding:
            status.append("funding " + " and ".join(funding))
        for label, column in (("planned start", "planned_start"), ("expected completion", "expected_completion")):
            if isinstance(action[column], str):
                status.append(f"{label} {action[column]}")
        if status:
            st.caption(md_text("Extracted: " + "; ".join(status)))
        own = notes[notes["action_code"] == action["action_code"]]
        if own.empty:
            st.caption("No progress notes.")
        else:
            st.text("\n".join(("Comment (in italics in the report): " if n.is_comment else "• ") + n.text
                              for n in own.itertuples()))
        own_facts = facts[facts["action_code"] == action["action_code"]]
        if not own_facts.empty:
            st.markdown("*Extracted facts, each with the sentence it was read from*")
            # a sentence of Part A often gives several facts: show it once, under all of them
            for (evidence, where), group in own_facts.groupby(["evidence", "where"], sort=False):
                found = "; ".join(dict.fromkeys(group["fact"]))
                matched = ", ".join(f"“{m}”" for m in dict.fromkeys(group["matched"]))
                st.caption(md_text(f"{found} · found in {where} · matched {matched}"))
                st.text(f"“{evidence}”")
        for issue in issues[issues["action_code"] == action["action_code"]].itertuples():
            st.warning(md_text(f"{issue.issue_label}: {issue.message}"), icon=":material/report:")


def actions_section(db: DbFile, rep: data.Report, actions: pd.DataFrame, current: filters.Filters) -> None:
    st.subheader("Part C: actions")
    if current.pillars:
        st.caption(md_text(f"Only the actions of the chosen pillars: {len(actions)} of {rep.n_actions}."))
    notes = data.cached_notes(db, rep.report_id)
    facts = data.cached_facts(db, rep.report_id)
    issues = data.cached_report_issues(db, rep.report_id)
    pillar = None
    for _, action in actions.iterrows():
        key = (action["pillar_number"], action["pillar_name"])
        if key != pillar:
            number = "" if pd.isna(action["pillar_number"]) else f"{int(action['pillar_number'])}. "
            name = action["pillar_name"] if isinstance(action["pillar_name"], str) else "(no pillar name)"
            standard = action["standard_pillar"]
            st.markdown(f"##### {md_text(number + name)}")
            if isinstance(standard, str) and standard.lower() != name.lower():
                st.caption(md_text(f"Standard pillar: {standard}"))
            pillar = key
        action_card(action, notes, facts, issues)


def all_facts_section(db: DbFile, rep: data.Report) -> None:
    facts = data.cached_facts(db, rep.report_id)
    issues = data.cached_report_issues(db, rep.report_id)
    facts_tab, issues_tab = st.tabs([f"All extracted facts ({len(facts)})", f"All quality issues ({len(issues)})"])
    with facts_tab:
        if facts.empty:
            st.caption("No delay causes, funding or timing were read from this report.")
        else:
            st.dataframe(facts[["action_code", *FACT_COLUMNS]].rename(columns={"action_code": "Action",
                                                                               **FACT_COLUMNS}),
                         hide_index=True, key="report-facts")
    with issues_tab:
        if issues.empty:
            st.success("The loader found no quality issues in this report.")
        else:
            table = issues[["severity", "issue_label", "action_code", "message", "evidence"]]
            st.dataframe(table.set_axis(["Severity", "Issue", "Action", "Message", "Evidence"], axis=1)
                         .fillna({"Action": "whole report"}), hide_index=True, key="report-issues")


def render() -> None:
    current = filters.current()  # first: it may hand the run over to the entrypoint (see filters)
    st.title("Report")
    st.caption("One progress report in full, every extracted fact next to the sentence it was read from, "
               "and the file itself.")
    db = current_db()
    index = data.cached_report_index(db, current)
    if index.empty:
        total = data.cached_count_reports(db)
        if total == 0:
            st.info(NO_REPORTS, icon=":material/upload_file:")
        else:
            st.info(
                f"No report matches the sidebar selection ({md_text(filters.describe())}). {total} reports are "
                "loaded: clear the Parties or meetings filter, or turn on demo data.", icon=":material/filter_alt_off:")
        return
    selection_line()
    rep = data.cached_report(db, pick_report(index))
    actions = data.cached_actions(db, rep.report_id, current)
    title_section(rep)
    synopsis_section(db, rep)
    if actions.empty:
        st.info(
            f"None of the {rep.n_actions} actions of this report is in the chosen pillars "
            f"({md_text(filters.describe())}). Clear the pillar filter to see them all.",
            icon=":material/filter_alt_off:")
    else:
        ratings_section(rep, actions, compare_data.cached_rating_codes(db), shown_all=not current.pillars)
        actions_section(db, rep, actions, current)
    all_facts_section(db, rep)


render()
