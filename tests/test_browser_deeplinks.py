"""Every view opened by a shared link as the FIRST request a freshly started server gets.

A link such as /report?report=KHM-SC66 is what people paste into e-mails; the first person
to open it after a restart must see the page (with the app's navigation and sidebar), not
an import error or Streamlit's raw file names. One fresh server per view, all started at
once, each stopped by its PID.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser import RENDER_TIMEOUT_MS, VIEWPORT, no_error_on, start, stop, wait_until_healthy

# view -> (link, what the page must show once drawn)
LINKS = {
    "overview": ("", "Who reported to which meeting"),
    "ratings": ("ratings?party=KHM", "Cambodia · SC66"),
    "delays": ("delays?party=KHM", "The delayed actions and why"),
    "funding": ("funding?party=KHM&demo=false", "Funding gaps"),
    "compare": ("compare?party=KHM", "Parties side by side across meetings"),
    "report": ("report?report=KHM-SC66", "Cambodia"),
    "quality": ("data_quality", "How much of each report was read"),
}
# A reader sees the dashboard's views and the editors' sign-in, never the editor views.
NAVIGATION = ["Overview", "Ratings", "Delays & causes", "Funding gaps", "Compare", "Report", "Data quality",
              "Editor sign-in"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def fresh_servers(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One server per view, none of which has answered a page request yet."""
    logs = tmp_path_factory.mktemp("deeplinks")
    servers = {view: (*start(built_db, logs / f"{view}.log"), logs / f"{view}.log") for view in LINKS}
    try:
        for server, url, log in servers.values():
            wait_until_healthy(url, server, log)
        yield {view: url for view, (_, url, _) in servers.items()}
    finally:
        for server, _, _ in servers.values():
            stop(server)


@pytest.mark.parametrize("view", list(LINKS))
def test_a_shared_link_opens_on_a_fresh_server(browser: Browser, fresh_servers: dict[str, str], view: str) -> None:
    link, shown = LINKS[view]
    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(f"{fresh_servers[view]}/{link}")
        expect(page.get_by_text(shown).first).to_be_visible(timeout=RENDER_TIMEOUT_MS)
        expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=RENDER_TIMEOUT_MS)
        no_error_on(page)
        assert page.get_by_text("ModuleNotFoundError").count() == 0
        nav = page.locator('[data-testid="stSidebarNav"] a')
        # the app's titles, not the files' names (an icon's name may precede a title while its font loads)
        expect(nav).to_have_text([re.compile(re.escape(title) + "$") for title in NAVIGATION])
        expect(page.locator('[data-testid="stSidebar"]').get_by_text("Filters", exact=True)).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
    finally:
        page.close()
