"""Entry point: ``streamlit run dashboard/app.py`` (or ``make run``).

Streamlit runs this file as a script with only ``dashboard/`` on ``sys.path``; the pages
import ``dashboard.*``, so the project folder is added first.

The sidebar filters are drawn here, before the page runs, so every page sees the same
selection and the selection stays in the URL when moving between pages. Pages link to
each other with `page_link`, which keeps the filters.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from dashboard import downloads, filters, queries  # noqa: E402
from dashboard.db import current_db  # noqa: E402
from dashboard.filters import page_link  # noqa: E402  (re-exported for pages)

__all__ = ["PAGES", "page_link", "run"]

APP_DIR = Path(__file__).resolve().parent

# file, title, icon: in navigation order. A page whose file does not exist (yet) is skipped.
PAGES = (
    ("pages/overview.py", "Overview", ":material/dashboard:"),
    ("pages/ratings.py", "Ratings", ":material/stacked_bar_chart:"),
    ("pages/delays.py", "Delays & causes", ":material/schedule:"),
    ("pages/funding.py", "Funding gaps", ":material/savings:"),
    ("pages/compare.py", "Compare", ":material/compare_arrows:"),
    ("pages/report.py", "Report", ":material/description:"),
    ("pages/data_quality.py", "Data quality", ":material/rule:"),
)


def navigation_pages() -> list[st.Page]:
    """The pages whose files exist, the first (Overview) as the default."""
    return [
        st.Page(path, title=title, icon=icon, default=(path == PAGES[0][0]))
        for path, title, icon in PAGES
        if (APP_DIR / path).is_file()
    ]


def run() -> None:
    """Configure the page, draw the shared filters and run the selected page."""
    st.set_page_config(page_title="NIAP progress", layout="wide")
    navigation = st.navigation(navigation_pages())
    db = current_db()
    filters.sidebar(queries.party_options(db), queries.meeting_options(db), queries.pillar_options(db))
    downloads.start_page()
    navigation.run()
    downloads.page_pack(getattr(navigation, "title", "page"))


if __name__ == "__main__":
    run()
