"""Entry point: ``streamlit run dashboard/app.py`` (or ``make run``).

Every request runs this file: it draws the shared sidebar filters, then the view
`st.navigation` picks (dashboard/views/), so a shared link opened first on a fresh
server works like any other. Streamlit runs it with only ``dashboard/`` on
``sys.path``; the views import ``dashboard.*``, so the project folder is added first.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from dashboard import db, downloads, filters  # noqa: E402
from dashboard.navigation import VIEWS  # noqa: E402
from dashboard.queries import options  # noqa: E402


def run() -> None:
    """Configure the page, draw the shared filters and run the selected view."""
    st.set_page_config(page_title="NIAP progress", layout="wide")
    navigation = st.navigation([
        st.Page(path, title=title, icon=icon, default=(i == 0))
        for i, (_, path, title, icon) in enumerate(VIEWS)
    ])
    source = db.source()
    filters.sidebar(source.ask(options.parties), source.ask(options.meetings), source.ask(options.pillars))
    downloads.start_page()
    navigation.run()
    downloads.page_pack(getattr(navigation, "title", "page"))


if __name__ == "__main__":  # Streamlit runs the file as __main__
    run()
