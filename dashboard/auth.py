"""Who is an editor in this browser session.

Editors sign in with the name and password `python -m loaders editor add NAME` gave them
(accounts in ``$NIAP_EDITORS_FILE`` or instance/editors.json, outside git; salted scrypt
hashes, loaders.editors), or, when ``.streamlit/secrets.toml`` has an ``[auth]`` section,
through the identity provider (`st.login`) with an email an account lists. Everyone else
gets the read-only dashboard: the editor views are not registered for their session
(dashboard/navigation.py), so their addresses lead nowhere.

Failed sign-ins slow down: after `MAX_FAILURES` in a session, the form waits `LOCKOUT_SECONDS`.
"""

from __future__ import annotations

import time

import streamlit as st

from dashboard.escape import markdown
from dashboard.navigation import SIGN_IN
from loaders.editors import EditorError, editor_for_email, verify

EDITOR, FAILURES = "_editor", "_editor_failures"
MAX_FAILURES, LOCKOUT_SECONDS, FAILURE_DELAY = 5, 60.0, 0.5


def oidc_configured() -> bool:
    """Whether .streamlit/secrets.toml configures sign-in with an identity provider."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file, or one that does not parse: no identity provider
        return False


def current_editor() -> str | None:
    """The editor signed in to this session (None: a reader)."""
    if name := st.session_state.get(EDITOR):
        return name
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        try:
            return editor_for_email(str(st.user.get("email") or ""))
        except EditorError:
            return None
    return None


def _locked_for() -> float:
    failures = [t for t in st.session_state.get(FAILURES, []) if time.time() - t < LOCKOUT_SECONDS]
    st.session_state[FAILURES] = failures
    return LOCKOUT_SECONDS - (time.time() - failures[0]) if len(failures) >= MAX_FAILURES else 0.0


def sign_in_form() -> None:
    """Name and password; on success the session becomes an editor's and the app reruns."""
    with st.form("sign-in", clear_on_submit=False, enter_to_submit=True):
        name = st.text_input("Editor name", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if not submitted:
        return
    if (wait := _locked_for()) > 0:
        st.error(f"Too many failed attempts: try again in {wait:.0f} seconds.", icon=":material/timer:")
        return
    try:
        ok = bool(name.strip()) and verify(name.strip(), password)
    except EditorError as e:
        st.error(markdown(f"Sign-in is not available: {e}. Ask whoever runs the dashboard to fix the "
                          "accounts file."), icon=":material/key_off:")
        return
    if not ok:
        st.session_state[FAILURES] = [*st.session_state.get(FAILURES, []), time.time()]
        time.sleep(FAILURE_DELAY)
        st.error("Wrong name or password.", icon=":material/key_off:")
        return
    st.session_state[EDITOR] = name.strip()
    st.session_state.pop(FAILURES, None)
    st.rerun()


def sign_out() -> None:
    st.session_state.pop(EDITOR, None)
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()
    st.rerun()


def require_editor() -> str:
    """The editor signed in; for anyone else, a sign-in hint and the page stops (the editor
    views are not registered in a reader's session anyway: this guards against a mistake)."""
    editor = current_editor()
    if editor is None:
        st.warning("This page is for editors. Sign in first.", icon=":material/lock:")
        st.page_link(SIGN_IN[1], label=SIGN_IN[2], icon=SIGN_IN[3])
        st.stop()
    return editor
