"""Editor sign-in: editors add reports and correct extracted facts; everyone else reads.

Signing in registers the editor views for this session (dashboard/app.py); signing out
removes them again.
"""

from __future__ import annotations

import streamlit as st

from dashboard import auth, ui
from dashboard.navigation import EDITOR_VIEWS


def signed_in(editor: str) -> None:
    st.success(ui.markdown(f"Signed in as {editor}."), icon=":material/verified_user:")
    for _, path, title, icon in EDITOR_VIEWS:
        st.page_link(path, label=title, icon=icon)
    if st.button("Sign out", icon=":material/logout:"):
        auth.sign_out()


def render() -> None:
    st.title("Editor sign-in")
    st.caption("Editors add progress reports and correct the rating, delay causes or funding status the loader "
               "read for an action. Everyone else reads the dashboard without signing in.")
    if editor := auth.current_editor():
        signed_in(editor)
        return
    if auth.oidc_configured():
        if getattr(st.user, "is_logged_in", False):
            st.warning(ui.markdown(f"{st.user.get('email') or 'Your account'} is not an editor's account. Ask "
                                   "whoever runs the dashboard to add your email to an editor account."),
                       icon=":material/person_off:")
        elif st.button("Sign in with your organisation's account", icon=":material/login:"):
            st.login()
        st.caption("Or with an editor name and password:")
    auth.sign_in_form()
    st.caption("No account? Whoever runs the dashboard adds editors with `python -m loaders editor add NAME` "
               "(see the README, 'Editors').")


render()
