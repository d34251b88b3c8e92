"""Audit log (editors only): every report added or replaced, every correction and every
build, newest first, with who made it and from where (out_audit_log)."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, db, ui
from dashboard.export.tables import to_csv
from dashboard.queries import editing as queries

COLUMNS = {"event_at": "When (UTC)", "editor": "Who", "action": "What", "via": "How", "report_id": "Report",
           "party_name": "Party", "action_code": "Action", "source_file": "File", "detail": "Detail"}
ACTIONS = {"added": "Report added", "replaced": "Report replaced", "corrected": "Correction", "rebuilt": "Rebuild"}
VIA = {"app": "in the app", "cli": "command line", "build": "build"}


def render() -> None:
    auth.require_editor()
    st.title("Audit log")
    st.caption("Every report added or replaced, every correction and every rebuild of the database, newest first. "
               "Replaced versions of reports are kept in the database (out_report_history).")
    log = db.source().ask(queries.audit_log)
    if log.empty:
        st.info("Nothing has been written yet: the log starts with the next build, upload or correction.",
                icon=":material/history:")
        return
    kinds = st.pills("Show", list(ACTIONS), format_func=ACTIONS.__getitem__, selection_mode="multi",
                     default=list(ACTIONS), key="audit-kinds")
    shown = log[log["action"].isin(kinds)].assign(action=lambda f: f["action"].map(ACTIONS),
                                                   via=lambda f: f["via"].map(VIA))
    st.caption(f"{len(shown)} of {len(log)} entries.")
    ui.table(shown[list(COLUMNS)].rename(columns=COLUMNS), key="audit-table",
             column_config={"Detail": st.column_config.TextColumn(width="large")})
    st.download_button("Audit log (CSV)", to_csv(shown[list(COLUMNS)], COLUMNS), "niap_audit_log.csv",
                       mime="text/csv", icon=":material/download:", on_click="ignore")


render()
