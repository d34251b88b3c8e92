"""Report: one progress report in full – title block, Part A synopsis, each action with its
rating, notes, extracted facts next to their evidence and quality issues – and its file.

Opened as ``report?report=KHM-SC66`` (the one report-link format). Report text is shown as
text (st.text, st.dataframe, or Markdown with every special character escaped), never as HTML.
"""

from __future__ import annotations

import mimetypes

import pandas as pd
import streamlit as st

from dashboard import db, filters, ui
from dashboard.panels import report as panels
from dashboard.queries import Source, options, reports
from dashboard.selection import Filters

PICK, PARAM, SHOWN = "report_pick", "report", "_report_shown"  # SHOWN: the report last put in the URL
WIDE = {"Value": st.column_config.TextColumn(width="large"), "Field": st.column_config.TextColumn(width=140)}


def pick_report(source: Source, index: pd.DataFrame) -> str | None:
    """One select box of the reports in the selection, kept in the URL as ``?report=KHM-SC66``
    (by default the first Party's latest report); a report a link just opened is shown even if
    the sidebar selection leaves it out. None: no report to show."""
    wanted = st.query_params.get(PARAM)
    chosen = panels.pick(index, source.ask(reports.report_index, Filters()), wanted,
                         linked=wanted != st.session_state.get(SHOWN), selection=filters.describe())
    if chosen.note:
        (st.warning if chosen.level == "warning" else st.info)(ui.markdown(chosen.note), icon=":material/link:")
    if chosen.report_id is None:
        return None
    st.session_state[PICK] = chosen.report_id  # the URL decides; the select box writes it back (on_change)
    report_id = st.selectbox("Report", list(chosen.labels), key=PICK, format_func=chosen.labels.__getitem__,
                             on_change=lambda: st.query_params.update({PARAM: st.session_state[PICK]}))
    st.query_params[PARAM] = st.session_state[SHOWN] = report_id
    return report_id


def title_section(rep: reports.Report) -> None:
    st.header(ui.markdown(f"{rep.party_name} · {rep.meeting_code} progress report"))
    if rep.is_demo:
        st.warning(ui.markdown(f"{rep.party_name} is a fictional demo Party: {ui.DEMO_NOTE}"),
                   icon=":material/science:")
    block, file_column = st.columns([3, 2])
    block.dataframe(reports.title_block(rep), hide_index=True, key="report-title-block", column_config=WIDE)
    with file_column:
        source_download(rep)


def source_download(rep: reports.Report) -> None:
    """The original file, if it is still where it was loaded from and unchanged."""
    found = reports.locate_source(rep.file_path, rep.file_sha256)
    st.markdown("**Source file**")
    st.text(rep.source_file)
    if not found.ok:
        st.warning(found.problem, icon=":material/file_present:")
        return
    mime = mimetypes.guess_type(rep.source_file)[0] or "application/octet-stream"
    st.download_button(f"Download the report file ({max((found.size_bytes or 0) / 1024, 1):.0f} KB)",
                       data=found.path.read_bytes, file_name=rep.source_file, mime=mime, icon=":material/download:",
                       on_click="ignore", key="report-download")
    st.caption(ui.markdown(f"The file as loaded (SHA-256 {rep.file_sha256[:12]}…), read by the {rep.format} reader."))


def synopsis_section(source: Source, rep: reports.Report) -> None:
    st.subheader("Part A: synopsis")
    paragraphs = source.ask(reports.synopsis, rep.report_id)
    if paragraphs.empty:
        st.caption("The loader found no Part A synopsis in this report.")
    heading = None
    for row in paragraphs.itertuples():
        if row.heading and row.heading != heading:
            st.markdown(f"**{ui.markdown(row.heading)}**")
        heading = row.heading
        st.text(row.text)


def action_card(action: pd.Series, notes: pd.DataFrame, facts: pd.DataFrame, issues: pd.DataFrame) -> None:
    with st.container(border=True):
        star = " \\*" if action["is_priority"] else ""
        st.markdown(f"**{ui.markdown(action['action_code'])}** {ui.markdown(action['action_title'])}{star}")
        st.markdown(f"Rating: {ui.markdown(panels.rating_line(action))}", help=panels.correction_note(action))
        if extracted := panels.extracted_line(action):
            st.caption(ui.markdown(f"Extracted: {extracted}"), help=panels.correction_note(action))
        own = notes[notes["action_code"] == action["action_code"]]
        (st.caption if own.empty else st.text)(panels.note_text(own) or "No progress notes.")
        groups = panels.evidence_groups(facts[facts["action_code"] == action["action_code"]])
        if groups:
            st.markdown("*Extracted facts, each with the sentence it was read from*")
        for found, evidence in groups:
            st.caption(ui.markdown(found))
            st.text(evidence)
        for issue in issues[issues["action_code"] == action["action_code"]].itertuples():
            st.warning(ui.markdown(f"{issue.issue_label}: {issue.message}"), icon=":material/report:")


def actions_section(source: Source, rep: reports.Report, pillars: tuple[str, ...]) -> None:
    st.subheader("Part C: actions")
    actions = source.ask(reports.actions, rep.report_id, pillars)
    if pillars:
        st.caption(ui.markdown(f"Only the actions of the chosen pillars: {len(actions)} of {rep.n_actions}."))
    notes, facts, issues = (source.ask(q, rep.report_id) for q in (reports.notes, reports.facts, reports.report_issues))
    pillar = None
    for _, action in actions.iterrows():
        if (action["pillar_number"], action["pillar_name"]) != pillar:
            pillar = (action["pillar_number"], action["pillar_name"])
            heading, standard = panels.pillar_heading(action)
            st.markdown(f"#### {ui.markdown(heading)}")  # h4, under the h3 "Part C: actions"
            if standard:
                st.caption(ui.markdown(f"Standard pillar: {standard}"))
        action_card(action, notes, facts, issues)


def all_facts_section(source: Source, rep: reports.Report) -> None:
    facts, issues = source.ask(reports.facts, rep.report_id), source.ask(reports.report_issues, rep.report_id)
    facts_tab, issues_tab = st.tabs([f"All extracted facts ({len(facts)})", f"All quality issues ({len(issues)})"])
    if facts.empty:
        facts_tab.caption("No delay causes, funding or timing were read from this report.")
    else:
        facts_tab.dataframe(panels.facts_table(facts), hide_index=True, key="report-facts")
    if issues.empty:
        issues_tab.success("The loader found no quality issues in this report.")
    else:
        issues_tab.dataframe(panels.issues_table(issues), hide_index=True, key="report-issues")


def render() -> None:
    st.title("Report")
    st.caption("One progress report in full, every extracted fact next to the sentence it was read from, "
               "and the file itself.")
    source, selection = db.source(), filters.current()
    ui.selection_line()
    report_id = pick_report(source, source.ask(reports.report_index, selection))
    if report_id is None:
        total = source.ask(options.count_reports)
        st.info(ui.markdown(panels.no_report(total, filters.describe())),
                icon=":material/filter_alt_off:" if total else ":material/upload_file:")
        return
    title_section(rep := source.ask(reports.report, report_id))
    synopsis_section(source, rep)
    st.subheader("Ratings")
    if ui.show(source.draw(panels.ratings, selection, rep.report_id)):
        actions_section(source, rep, selection.pillars)
    all_facts_section(source, rep)


render()
