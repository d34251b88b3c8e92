"""Add a report (editors only): upload a progress report, see what the loader reads from it
– facts with their sentences, quality issues – and save it. The file is read in a capped
child process, as ``python -m loaders load`` reads it, and saved under the same writer
lock; every open session shows the report on its next rerun.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from dashboard import auth, db, editing, ui
from dashboard.queries import editing as queries

PARSED, DONE, ROUND = "_upload_parsed", "_upload_done", "_upload_round"
WIDE = {c: st.column_config.TextColumn(width="large") for c in ("Title", "Sentence", "Message", "Value")}


def read(upload) -> tuple[str, bytes, editing.Parsed | str]:
    """The upload read once per file (kept while the editor looks at it): parsed, or the problem."""
    data = upload.getvalue()
    key = hashlib.sha256(data).hexdigest()
    kept = st.session_state.get(PARSED)
    if kept and kept[0] == key and kept[1] == upload.name:
        return upload.name, data, kept[2]
    with st.spinner("Reading the file (in a separate process, at most a minute)…"):
        try:
            parsed: editing.Parsed | str = editing.parse(upload.name, data)
        except editing.BadInputError as e:
            parsed = str(e)
    st.session_state[PARSED] = (key, upload.name, parsed)
    return upload.name, data, parsed


def show_preview(view: editing.Preview) -> None:
    st.subheader(ui.markdown(f"What the loader reads: {view.heading}"))
    about, counts = st.columns([3, 2])
    about.dataframe(view.about, hide_index=True, column_config=WIDE, key="upload-about")
    counts.metric("Actions", len(view.actions))
    counts.metric("Quality issues", len(view.issues))
    facts_tab, actions_tab, issues_tab = st.tabs([f"Facts with their sentences ({len(view.facts)})",
                                                  f"Actions ({len(view.actions)})",
                                                  f"Quality issues ({len(view.issues)})"])
    for tab, frame, what in ((facts_tab, view.facts, "No delay causes, funding or timing were read."),
                             (actions_tab, view.actions, "No actions were read."),
                             (issues_tab, view.issues, "The loader found no quality issues.")):
        with tab:
            if frame.empty:
                st.caption(what)
            else:
                ui.table(frame, column_config=WIDE)


def confirm(view: editing.Preview) -> tuple[bool, bool, str]:
    """Whether saving may go ahead, with --replace-newer, and the reason for a replacement."""
    stored = db.source().ask(queries.stored_report, view.report_id)
    if stored.empty:
        st.info(ui.markdown(f"{view.report_id} is not in the database yet: saving adds it."), icon=":material/add:")
        return True, False, ""
    row = stored.iloc[0]
    older = editing.older_than_stored(view.period, row["period_start_text"], row["period_end_text"])
    st.warning(ui.markdown(
        f"The database already holds {view.report_id} (from {row['source_file']}, period "
        f"{row['period_start_text'] or '?'} to {row['period_end_text'] or '?'}): saving replaces it; the stored "
        "version is kept in the report history." + (" This file's reporting period is OLDER." if older else "")),
        icon=":material/swap_horiz:")
    reason = st.text_input("Why replace it?", placeholder="e.g. the Party sent a corrected version",
                           key="upload-reason", max_chars=300)
    forced = st.checkbox("Replace the newer stored report with this older one", key="upload-force") if older else False
    return (forced or not older), forced, reason


def render() -> None:
    editor = auth.require_editor()
    st.title("Add a report")
    st.caption(f"Upload a progress report ({', '.join(editing.UPLOAD_TYPES)}; at most "
               f"{editing.max_megabytes():.4g} MB). Nothing is saved until you press Save.")
    if done := st.session_state.pop(DONE, None):
        st.success(ui.markdown(done[0]), icon=":material/check_circle:")
        ui.report_link(done[1], f"Open {done[1]} on the Report page")
    upload = st.file_uploader("Progress report file", type=editing.UPLOAD_TYPES,
                              key=f"upload-{st.session_state.get(ROUND, 0)}")
    if upload is None:
        return
    name, data, parsed = read(upload)
    if isinstance(parsed, str):
        st.error(ui.markdown(f"This file cannot be loaded: {parsed}"), icon=":material/error:")
        return
    view = editing.preview(parsed)
    show_preview(view)
    allowed, forced, reason = confirm(view)
    if st.button("Save to the database", type="primary", disabled=not allowed, icon=":material/save:"):
        with st.spinner("Saving (waiting for any other writer to finish)…"):
            try:
                saved = editing.save(db.db_path(), name, data, parsed, editor=editor, replace_newer=forced,
                                     reason=reason.strip())
            except editing.LoaderError as e:
                st.error(ui.markdown(f"Not saved: {e}"), icon=":material/error:")
                return
        words = {"loaded": "added", "replaced": "replaced", "unchanged": "already held this very file: nothing changed"}
        st.session_state[DONE] = (f"{saved.report_id}: {words[saved.outcome]}.", saved.report_id)
        st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
        st.session_state.pop(PARSED, None)
        st.rerun()


render()
