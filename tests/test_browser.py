"""The dashboard in real Chromium: one Streamlit server on the built database for the
module (started and stopped here, by its PID), driven by Playwright.

Every page of this module's pages renders a Plotly chart with no error; a sidebar filter
goes into the URL and the URL, opened in a new page, gives the same view; selecting a bar
lists its actions. Full-page screenshots land in tests/output/screenshots/ (never in tracked
files: `make screenshots` copies the Overview and Ratings ones to dashboard/assets/ for the README).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import RENDER_TIMEOUT_MS, SCREENSHOTS, VIEWPORT, download, no_error_on

ROOT = Path(__file__).resolve().parent.parent
PAGES = {  # screenshot name -> (URL path, navigation label, a chart title every load of the page shows)
    "overview": ("", "Overview", "Progress reports by Party and meeting"),
    "ratings": ("ratings", "Ratings", "Self-assessed ratings by Party"),
    "delays": ("delays", "Delays & causes", "Delayed actions by cause of delay"),
    "funding": ("funding", "Funding gaps", "Funding gaps by Party"),
}
BY_PARTY = "Self-assessed ratings by Party"
KHM_LATEST = "Cambodia · SC66"  # a Party's bar is its latest report in the selection

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    page = browser.new_page(viewport=VIEWPORT)
    yield page
    page.close()


@pytest.fixture(scope="module")
def tour(browser: Browser) -> Iterator[Page]:
    """One tab that visits every page through the app's navigation: loading Plotly takes
    seconds per browser page, moving between the app's pages does not."""
    page = browser.new_page(viewport=VIEWPORT)
    yield page
    page.close()


def chart(page: Page, title: str):
    """The Plotly chart whose title starts with ``title``."""
    return page.locator(".js-plotly-plot").filter(
        has=page.locator(".gtitle", has_text=re.compile("^" + re.escape(title))))


def load(page: Page, url: str, title: str) -> None:
    """Open ``url`` and wait until the chart titled ``title`` has drawn."""
    page.goto(url)
    expect(chart(page, title).locator(".main-svg").first).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=RENDER_TIMEOUT_MS)


def y_labels(page: Page, title: str) -> list[str]:
    return chart(page, title).locator(".yaxislayer-above .ytick text").evaluate_all(
        "els => els.map(e => e.textContent)")


def chart_titles(page: Page) -> list[str]:
    return page.locator(".js-plotly-plot .gtitle").evaluate_all("els => els.map(e => e.textContent)")


def choose(page: Page, box: str, option: str) -> None:
    """Pick ``option`` in the select or multiselect labelled ``box``, as a user would."""
    combo = page.get_by_role("combobox", name=box, exact=True)
    combo.click()
    combo.fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def full_page_screenshot(page: Page, name: str) -> Path:
    """The whole page: the app scrolls inside its main block, so the viewport grows to it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("() => document.querySelector('[data-testid=stMainBlockContainer]').scrollHeight")
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(int(height) + 120, 8000)})
    page.wait_for_timeout(600)  # let Plotly and the tables re-lay out at the new size
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# ---------------------------------------------------------------- tests (first one first: a fresh server)


def test_a_shared_link_is_the_first_thing_a_fresh_server_opens(page: Page, app_url: str) -> None:
    """Streamlit runs a page file alone on a fresh server's first request for it; the app
    must still draw its sidebar and apply the filters of the link."""
    load(page, f"{app_url}/ratings?party=KHM", BY_PARTY)
    no_error_on(page)
    expect(page.get_by_role("link", name="Overview")).to_be_visible()  # our navigation, not the folder's
    expect(page.locator('[data-testid="stSidebar"]').get_by_text("Cambodia", exact=True)).to_be_visible()
    assert y_labels(page, BY_PARTY) == [KHM_LATEST]


def visit(tour: Page, app_url: str, name: str) -> None:
    """Show page ``name`` in the tour tab: through the app's navigation once a page is
    loaded (fast, and what users do), by URL the first time."""
    path, label, title = PAGES[name]
    tour.set_viewport_size(VIEWPORT)
    if urlparse(tour.url).scheme != "http":
        load(tour, f"{app_url}/{path}", title)
        return
    tour.get_by_role("link", name=label, exact=True).click()
    expect(chart(tour, title).locator(".main-svg").first).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    expect(tour.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=RENDER_TIMEOUT_MS)


@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_its_charts_without_error(tour: Page, app_url: str, name: str) -> None:
    visit(tour, app_url, name)
    page = tour
    assert urlparse(page.url).path == f"/{PAGES[name][0]}"
    no_error_on(page)
    # charts draw one after another: wait for the second rather than count too early
    expect(page.locator(".js-plotly-plot").nth(1).locator(".main-svg").first).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    assert all(chart_titles(page)), "every chart has a title"
    assert page.get_by_text("includes demo data (fictional Parties)").count() >= 1
    shot = full_page_screenshot(page, name)
    assert shot.stat().st_size > 20_000


def test_a_filter_goes_into_the_url_and_the_url_reproduces_the_view(browser: Browser, tour: Page,
                                                                      app_url: str) -> None:
    visit(tour, app_url, "ratings")
    page = tour
    before = y_labels(page, BY_PARTY)
    choose(page, "Parties", "Cambodia")
    expect(page).to_have_url(re.compile(r"[?&]party=KHM\b"))  # the ISO code in the address, the name on screen
    expect(chart(page, BY_PARTY).locator(".ytick text")).to_have_count(1)
    page.get_by_text("Crosswalk to the 2017+ scale").click()
    expect(page).to_have_url(re.compile(r"[?&]scale=Crosswalk"))
    expect(chart(page, BY_PARTY).locator(".gtitle")).to_contain_text("2017+ scale via the crosswalk")
    titles = page.locator(".js-plotly-plot .gtitle")
    expect(titles.filter(has_text="2017+ scale via the crosswalk")).to_have_count(3)  # every rating chart redrawn
    # the page's last chart draws after the rating charts: wait for it before reading the titles
    expect(titles.filter(has_text="by Party across meetings")).to_have_count(1, timeout=RENDER_TIMEOUT_MS)
    shown = (y_labels(page, BY_PARTY), chart_titles(page))
    assert shown[0] == [KHM_LATEST] != before

    again = browser.new_page(viewport=VIEWPORT)
    try:
        load(again, page.url, BY_PARTY)
        expect(again.locator(".js-plotly-plot .gtitle")).to_have_text(shown[1])  # the same charts
        expect(chart(again, BY_PARTY).locator(".yaxislayer-above .ytick text")).to_have_text(shown[0])
        expect(again.get_by_role("radio", name="Crosswalk to the 2017+ scale")).to_have_attribute(
            "aria-checked", "true")
        no_error_on(again)
        # the filters stay in the URL when moving to another page
        again.get_by_role("link", name="Funding gaps", exact=True).click()
        expect(chart(again, "Funding gaps by Party").locator(".ytick text")).to_have_count(
            1, timeout=RENDER_TIMEOUT_MS)
        assert parse_qs(urlparse(again.url).query)["party"] == ["KHM"]
        assert urlparse(again.url).path == "/funding"
    finally:
        again.close()


def test_selecting_a_bar_lists_its_actions_with_evidence(tour: Page, app_url: str) -> None:
    visit(tour, app_url, "delays")
    page = tour
    if parse_qs(urlparse(page.url).query).get("party") != ["KHM"]:  # run on its own
        choose(page, "Parties", "Cambodia")
    expect(page.get_by_text("All delayed actions: 4 delayed actions")).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    causes = chart(page, "Delayed actions by cause of delay")
    first_bar = causes.locator(".bars .point path").first
    box = first_bar.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # Plotly takes clicks on its drag layer
    expect(page).to_have_url(re.compile(r"[?&]focus=Cause%3A\+Lack\+of\+funding"), timeout=RENDER_TIMEOUT_MS)
    expect(page.get_by_text("Cause: Lack of funding: 4 delayed actions")).to_be_visible()
    no_error_on(page)


def test_the_funding_table_downloads_as_the_csv_shown(tour: Page, app_url: str) -> None:
    visit(tour, app_url, "funding")
    heading = tour.get_by_role("heading", name=re.compile(r"^The actions: \d+$"))
    expect(heading).to_be_visible()
    shown = int(heading.text_content().rsplit(" ", 1)[1])
    got = download(tour, tour.get_by_role("button", name="CSV", exact=True).filter(visible=True).last,
                   timeout=RENDER_TIMEOUT_MS // 3)
    path = got.path()
    rows = list(csv.reader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))
    assert rows[0][:5] == ["Party", "Meeting", "Action", "Funding gap", "Evidence"]
    assert len(rows) == shown + 1
    assert got.suggested_filename == "niap_funding_gaps.csv"
    no_error_on(tour)
