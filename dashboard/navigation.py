"""The views of the app, in navigation order: name, file (under dashboard/), title, icon.

The folder is ``views/``, not ``pages/``: that name would switch Streamlit into its
legacy multipage mode. Every URL (/, /ratings, /report?report=KHM-SC66) runs app.py,
which draws the sidebar and then the view `st.navigation` picks.
"""

from __future__ import annotations

VIEWS = (
    ("overview", "views/overview.py", "Overview", ":material/dashboard:"),
    ("ratings", "views/ratings.py", "Ratings", ":material/stacked_bar_chart:"),
    ("delays", "views/delays.py", "Delays & causes", ":material/schedule:"),
    ("funding", "views/funding.py", "Funding gaps", ":material/savings:"),
    ("compare", "views/compare.py", "Compare", ":material/compare_arrows:"),
    ("report", "views/report.py", "Report", ":material/description:"),
    ("quality", "views/data_quality.py", "Data quality", ":material/rule:"),
)
# Editors: the sign-in view is there for everyone; the others only in an editor's session
# (dashboard/auth.py), so a reader's session has no page at their addresses.
SIGN_IN = ("editors", "views/editors.py", "Editor sign-in", ":material/login:")
EDITOR_VIEWS = (
    ("add_report", "views/add_report.py", "Add a report", ":material/upload_file:"),
    ("correct", "views/correct.py", "Correct a fact", ":material/edit_note:"),
    ("audit", "views/audit.py", "Audit log", ":material/history:"),
)
_PATHS = {name: path for name, path, _, _ in (*VIEWS, SIGN_IN, *EDITOR_VIEWS)}


def view_path(name: str) -> str:
    """The file of a view (relative to app.py), as st.page_link wants it."""
    return _PATHS[name]


def url_path(name: str) -> str:
    """The address of a view relative to the app's root ("report" for views/report.py)."""
    return "" if name == VIEWS[0][0] else _PATHS[name].removeprefix("views/").removesuffix(".py")
