"""The Compare, Report and Data quality pages in real Chromium: the app (dashboard/app.py)
served on the small database of known reports of test_pages_detail, driven by Playwright."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import SCREENSHOTS, VIEWPORT, serve
from tests.test_pages_detail import IMG, SCRIPT, build_detail_db

ROOT = Path(__file__).resolve().parent.parent
RENDER_TIMEOUT_MS = 25_000
BARS = ".js-plotly-plot .bars path"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``streamlit run dashboard/app.py`` on a free port, reading the database of known reports."""
    db = build_detail_db(tmp_path_factory.mktemp("detail-browser"))
    yield from serve(db, tmp_path_factory.mktemp("streamlit-detail"))


def open_page(browser: Browser, url: str, ready: str) -> tuple[Page, list[str]]:
    """A new tab on ``url``, once ``ready`` (a text) and a chart are shown; and the list the
    tab's dialogs (alert, confirm) are written to."""
    page = browser.new_page(viewport=VIEWPORT)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    expect(page.get_by_text(ready).first).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    expect(page.locator(BARS).filter(visible=True).first).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    return page, dialogs


def assert_no_error(page: Page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0


def screenshot(page: Page, name: str) -> Path:
    """The whole page: the app scrolls inside its main container, so the viewport is grown
    to the content first."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], section, div')]"
        ".map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(int(height), 6000)})
    page.wait_for_timeout(600)  # let Plotly and the tables re-lay out at the new size
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def test_compare_renders_its_charts(browser: Browser, app_url: str) -> None:
    page, _ = open_page(browser, f"{app_url}/compare", "Parties side by side across meetings")
    titles = page.locator(".js-plotly-plot .gtitle")  # charts draw one after another: wait for each
    for title in ("Each Party's own ratings at each meeting, as shares of its actions",
                  "Party self-rating vs Secretariat rating, as shares of the actions"):
        expect(titles.filter(has_text=title)).to_have_count(1, timeout=RENDER_TIMEOUT_MS)
    expect(page.get_by_text("no report").first).to_be_visible()  # a missed meeting says so on its bar
    assert_no_error(page)
    screenshot(page, "compare")
    page.close()


def test_compare_filter_goes_in_the_url_and_the_url_reproduces_it(browser: Browser, app_url: str) -> None:
    page, _ = open_page(browser, f"{app_url}/compare", "Parties side by side across meetings")
    page.get_by_role("combobox", name="Parties").click()
    page.get_by_role("option", name="Cambodia", exact=True).click()
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"[?&]party=KHM(&|$)"), timeout=RENDER_TIMEOUT_MS)  # the code, not the name
    expect(page.get_by_text("No Parties are chosen in the sidebar")).to_have_count(0, timeout=RENDER_TIMEOUT_MS)
    shared = page.url
    page.close()
    again, _ = open_page(browser, shared, "Parties side by side across meetings")
    expect(again.get_by_text("No Parties are chosen in the sidebar")).to_have_count(0)
    panels = again.locator(".js-plotly-plot").first.locator(".annotation-text").all_text_contents()
    assert "Cambodia" in panels and "United Republic of Tanzania" not in panels
    again.close()


def test_report_shows_hostile_text_inert(browser: Browser, app_url: str) -> None:
    query = urlencode({"report": "KHM-SC67"})
    page, dialogs = open_page(browser, f"{app_url}/report?{query}", "Part A: synopsis")
    note = page.get_by_text(SCRIPT)
    expect(note).to_have_count(1)
    expect(note).to_be_visible()
    expect(note).to_contain_text(IMG)  # the literal characters, on screen
    assert page.locator('img[src="x"]').count() == 0
    assert page.evaluate("() => [...document.scripts].filter(s => s.text.includes('alert(1)')).length") == 0
    assert page.locator('a[href^="javascript"]').count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []
    with page.expect_download() as download:  # the original file, byte for byte
        page.get_by_role("button", name="Download the report file").click()
    assert download.value.suggested_filename == "cambodia_sc67_hostile.md"
    assert b"Prepared for the 67th meeting" in Path(download.value.path()).read_bytes()
    assert_no_error(page)
    note.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "report_hostile_note.png"))  # the note as a reader sees it
    screenshot(page, "report")
    page.close()


def test_data_quality_renders_and_links_to_a_report(browser: Browser, app_url: str) -> None:
    page, _ = open_page(browser, f"{app_url}/data_quality", "Every issue")
    titles = page.locator(".js-plotly-plot .gtitle")
    expect(titles.filter(has_text=re.compile("^Quality issues by issue type"))).to_have_count(
        1, timeout=RENDER_TIMEOUT_MS)
    expect(page.get_by_text("How much of each report was read")).to_be_visible()  # coverage per report
    assert_no_error(page)
    screenshot(page, "data_quality")
    page.get_by_role("link", name="Republic of Examplia (demo) · SC70").first.click()
    expect(page).to_have_url(re.compile(r"/report(\?|$)"), timeout=RENDER_TIMEOUT_MS)
    expect(page).to_have_url(re.compile(r"[?&]report=[A-Z]+-SC70\b"))
    # The Report page draws after the address changed: under load, later than the default 5 s.
    expect(page.get_by_role("combobox", name="Report", exact=True)).to_have_value(
        "Republic of Examplia (demo) · SC70", timeout=RENDER_TIMEOUT_MS)
    expect(page.get_by_text("Republic of Examplia (demo) · SC70 progress report")).to_be_visible(
        timeout=RENDER_TIMEOUT_MS)
    page.close()
