"""Correct a fact (editors only): the rating, the delay causes or the funding status of one
action, with a reason. The correction is applied to the database at once and written to
data/corrections.csv, which every rebuild applies again; the Report page marks the value
as corrected and the Data quality page lists every correction.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import auth, db, editing, ui
from dashboard.queries import editing as queries

DONE = "_correct_done"
FIELD_WORDS = {"rating": "Rating", "delay_causes": "Delay causes", "funding": "Funding status"}
FUNDING = {"secured": "Funding secured", "sought": "Funding sought"}


def current(action: pd.Series, field: str) -> list[str]:
    if field == "rating":
        return [action["rating_code"]]
    if field == "delay_causes":
        return list(action["delay_causes"])
    return [s for s in FUNDING if action[f"funding_{s}"]]


def pick_action(source) -> tuple[str, pd.Series] | None:
    reports = source.ask(queries.reports)
    if reports.empty:
        st.info("No report is loaded: add one on 'Add a report' first.", icon=":material/upload_file:")
        return None
    ids = list(reports["report_id"])
    wanted = st.query_params.get("report")
    labels = {r.report_id: f"{r.party_name} · {r.meeting_code}" for r in reports.itertuples()}
    report_id = st.selectbox("Report", ids, index=ids.index(wanted) if wanted in ids else 0,
                             format_func=labels.__getitem__, key="correct-report")
    actions = source.ask(queries.actions, report_id)
    if actions.empty:
        st.info("This report has no actions to correct.", icon=":material/info:")
        return None
    codes = list(actions["action_code"])
    titles = dict(zip(codes, actions["action_title"], strict=True))
    code = st.selectbox("Action", codes, format_func=lambda c: f"{c} – {titles[c][:90]}", key="correct-action")
    return report_id, actions[actions["action_code"] == code].iloc[0]


def new_value(source, report_id: str, action: pd.Series, field: str, scale: str) -> str | list[str]:
    now = current(action, field)
    if field == "rating":
        codes = source.ask(queries.rating_codes, scale)
        labels = dict(zip(codes["rating_code"], codes["label"], strict=True))
        options = list(labels)
        return st.selectbox("New rating", options, index=options.index(now[0]) if now[0] in options else 0,
                            format_func=labels.__getitem__, key=f"correct-value-{report_id}-{field}")
    if field == "delay_causes":
        causes = source.ask(queries.delay_causes)
        labels = dict(zip(causes["cause"], causes["label"], strict=True))
    else:
        labels = FUNDING
    return st.multiselect(f"New {FIELD_WORDS[field].lower()} (none: leave empty)", list(labels), default=now,
                          format_func=labels.__getitem__, key=f"correct-value-{report_id}-{field}")


def render() -> None:
    editor = auth.require_editor()
    st.title("Correct a fact")
    st.caption("Correct what the loader read for one action. Every correction needs a reason; it is applied now, "
               "kept in data/corrections.csv for every rebuild, and listed on the Data quality page.")
    if done := st.session_state.pop(DONE, None):
        st.success(ui.markdown(done), icon=":material/check_circle:")
    source = db.source()
    picked = pick_action(source)
    if picked is None:
        return
    report_id, action = picked
    st.caption(ui.markdown(f"Now: rating {action['rating']}; delay causes "
                           f"{', '.join(action['delay_causes']) or 'none'}; funding "
                           f"{' and '.join(current(action, 'funding')) or 'none stated'}."),
               help=action["correction_note"] if isinstance(action["correction_note"], str) else None)
    field = st.radio("What to correct", list(FIELD_WORDS), format_func=FIELD_WORDS.__getitem__, horizontal=True,
                     key="correct-field")
    scale = source.ask(queries.reports).set_index("report_id").loc[report_id, "rating_scale"]
    with st.form("correct-form"):
        value = new_value(source, report_id, action, field, scale)
        reason = st.text_area("Reason (required)", max_chars=500, key="correct-reason",
                              placeholder="e.g. Part C says the law was adopted in March 2016")
        submitted = st.form_submit_button("Save the correction", type="primary", icon=":material/save:")
    if submitted:
        try:
            made = editing.correct(db.db_path(), report_id=report_id, action_code=action["action_code"],
                                   field=field, value=value, reason=reason, editor=editor)
        except editing.LoaderError as e:
            st.error(ui.markdown(f"Not saved: {e}"), icon=":material/error:")
        else:
            st.session_state[DONE] = (f"{report_id} action {made.action_code}: {FIELD_WORDS[field].lower()} "
                                      f"corrected from '{made.old_value or 'none'}' to '{made.new_value or 'none'}'.")
            st.rerun()
    done_here = source.ask(queries.corrections, None, report_id)
    if len(done_here):
        st.subheader("Corrections of this report")
        ui.table(done_here[["action_code", "field", "old_value", "new_value", "reason", "editor", "corrected_at",
                            "status"]], key="correct-table")


render()
