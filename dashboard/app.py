"""Entry point: ``streamlit run dashboard/app.py`` (or ``make run``).

Streamlit runs this file as a script with only ``dashboard/`` on ``sys.path``; the pages
import ``dashboard.*``, so the project folder is added first.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def run() -> None:
    """Configure the page and run the selected page of the navigation."""
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    st.set_page_config(page_title="NIAP progress", layout="wide")
    pages = [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    ]
    st.navigation(pages).run()


run()
