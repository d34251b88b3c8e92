"""Entry point: ``streamlit run dashboard/app.py`` (or ``make run``).

Every request runs this file: it draws the shared sidebar filters, then the view
`st.navigation` picks (dashboard/views/), so a shared link opened first on a fresh
server works like any other. Streamlit runs it with only ``dashboard/`` on
``sys.path``; the views import ``dashboard.*``, so the project folder is added first.

A bug never shows a traceback to a user: .streamlit/config.toml sets
``client.showErrorDetails = "none"``, and a view that raises gets a short apology saying
what to try, its traceback going to the server log.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st
from streamlit.errors import FragmentHandledException
from streamlit.logger import get_logger

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from dashboard import auth, db, downloads, filters  # noqa: E402
from dashboard.navigation import EDITOR_VIEWS, SIGN_IN, VIEWS  # noqa: E402
from dashboard.queries import options  # noqa: E402

LOG = get_logger("dashboard.app")
APOLOGY = (
    "Sorry: this page failed to draw for this selection. Try other Parties or meetings in the sidebar "
    "filters, or another page; if it keeps happening, report the page address (the details are in the "
    "server log)."
)


def run_view(navigation) -> bool:
    """Run the selected view (True if it drew); a bug in it is logged with its traceback, and
    the user reads a short apology. Streamlit's own control flow (st.stop, st.rerun, st.switch_page: not
    `Exception`s) and fragment errors it has already shown pass through."""
    try:
        navigation.run()
        return True
    except FragmentHandledException:
        raise
    except Exception:
        LOG.exception("The %s view failed (address: ?%s)", getattr(navigation, "title", "?"),
                      "&".join(f"{k}={v}" for k in st.query_params for v in st.query_params.get_all(k)))
        st.error(APOLOGY, icon=":material/sentiment_dissatisfied:")
        return False


def pages(editor: str | None) -> dict[str, list]:
    """The dashboard's views, then the editors': sign-in for everyone, the rest for editors only."""
    def page(view: tuple[str, str, str, str], default: bool = False):
        _, path, title, icon = view
        return st.Page(path, title=title, icon=icon, default=default)

    editors = [page(SIGN_IN), *(page(v) for v in EDITOR_VIEWS)] if editor else [page(SIGN_IN)]
    return {"Dashboard": [page(v, default=(i == 0)) for i, v in enumerate(VIEWS)], "Editors": editors}


def run() -> None:
    """Configure the page, draw the shared filters and run the selected view."""
    st.set_page_config(page_title="NIAP progress", page_icon="📊", layout="wide")  # an emoji: nothing fetched
    navigation = st.navigation(pages(editor=auth.current_editor()))
    source = db.source()
    filters.sidebar(source.ask(options.parties), source.ask(options.meetings), source.ask(options.pillars))
    downloads.start_page()
    if run_view(navigation):  # no briefing pack of a page that failed half-way
        downloads.page_pack(getattr(navigation, "title", "page"))


if __name__ == "__main__":  # Streamlit runs the file as __main__
    run()
