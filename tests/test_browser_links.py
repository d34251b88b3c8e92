"""Links in real Chromium, on the database `make run` builds from data/: every Party x
meeting pair on Compare draws without an exception box or error alert; odd addresses say
what they ignored or how they were read; the address names Parties by ISO code; a shared
Report link reopens the same report; a demo Party chosen then demo data switched off.

One server and one tab. The pair walk moves through the addresses as the browser's back
and forward buttons do (``history.pushState`` then ``popstate``: Streamlit reruns the page
with the new query string in the same session), which is several times faster than
loading the page afresh for each address; the other tests open addresses afresh.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import duckdb
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import RENDER_TIMEOUT_MS, VIEWPORT

pytestmark = pytest.mark.browser

DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
EXCEPTION, ERROR = '[data-testid="stException"]', '[data-testid="stAlertContentError"]'
WARNING, INFO = '[data-testid="stAlertContentWarning"]', '[data-testid="stAlertContentInfo"]'
SIDE_BY_SIDE = "Parties side by side across meetings"


@pytest.fixture(scope="module")
def page(browser: Browser) -> Iterator[Page]:
    """The one tab of this module."""
    tab = browser.new_page(viewport=VIEWPORT)
    yield tab
    tab.close()


def sidebar_parties(db: Path) -> list[tuple[str, str]]:
    """(ISO code, name as the page says it) of every Party the sidebar offers: a loaded
    report or published figures (an independent query on the database)."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("""
            SELECT party_iso3, party_name || CASE WHEN is_demo THEN ' (demo)' ELSE '' END
            FROM out_parties WHERE n_reports > 0 OR n_published > 0 ORDER BY is_demo, party_name
        """).fetchall()


def every_meeting(db: Path) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [r[0] for r in con.execute("""
            SELECT DISTINCT meeting_code FROM (SELECT meeting_code FROM out_reports
                                               UNION ALL SELECT meeting_code FROM out_rating_shares)
            ORDER BY meeting_code
        """).fetchall()]


def drawn(page: Page) -> None:
    """Wait until the run that draws the page is over."""
    expect(page.locator(DONE)).to_have_count(1, timeout=RENDER_TIMEOUT_MS)


def go(page: Page, url: str, heading: str) -> None:
    """Open ``url`` afresh (a new session, as a link pasted into a new tab) and wait for it."""
    page.goto(url)
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    drawn(page)


def errors(page: Page) -> int:
    return page.locator(EXCEPTION).count() + page.locator(ERROR).count()


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_every_party_and_meeting_pair_on_compare_draws_without_error(page: Page, app_url: str,
                                                                     built_db: Path) -> None:
    parties, meetings = sidebar_parties(built_db), every_meeting(built_db)
    assert {"MWI", "MYS", "MOZ", "TZA"} <= {code for code, _ in parties}  # published figures only
    go(page, f"{app_url}/compare", "Compare Parties")
    started, failed = time.monotonic(), []
    for code, name in parties:
        for meeting in meetings:
            page.evaluate("u => { history.pushState(null, '', u); dispatchEvent(new PopStateEvent('popstate')); }",
                          f"/compare?party={code}&meeting={meeting}")
            # the selection line names the pair once this run has drawn it
            expect(page.get_by_text(f"Showing: {name}; {meeting};")).to_be_visible(timeout=RENDER_TIMEOUT_MS)
            drawn(page)
            if errors(page) or page.locator(WARNING).filter(has_text="link").count():
                failed.append(f"{code} x {meeting}")
    seconds = time.monotonic() - started
    print(f"\n{len(parties)} Parties x {len(meetings)} meetings = {len(parties) * len(meetings)} pairs "
          f"in {seconds:.0f} s")
    assert not failed, failed


ODD_LINKS = {  # address -> (notice kind, words it must hold, the address's parameters afterwards)
    "party=Nonexistent": (WARNING, "Party “Nonexistent”", {}),
    "meeting=SC999": (WARNING, "meeting “SC999”", {}),
    "demo=maybe": (WARNING, "demo “maybe”", {}),
    "demo=0": (INFO, "demo=“0” as demo=false", {"demo": ["false"]}),
    "party=Cambodia": (INFO, "party=“Cambodia” as party=KHM", {"party": ["KHM"]}),
    "party=Republic+of+Examplia+(demo)&meeting=sc66": (
        INFO, "party=“Republic of Examplia (demo)” as party=XA", {"party": ["XA"], "meeting": ["SC66"]}),
    "party=KHM&party=Nonexistent": (WARNING, "Party “Nonexistent”", {"party": ["KHM"]}),
}


@pytest.mark.parametrize("link", list(ODD_LINKS))
def test_an_odd_link_says_what_it_ignored_or_how_it_was_read(page: Page, app_url: str, link: str) -> None:
    kind, words, params = ODD_LINKS[link]
    go(page, f"{app_url}/compare?{link}", "Compare Parties")
    expect(page.locator(kind).filter(has_text=words)).to_have_count(1)
    assert errors(page) == 0
    expect(page.get_by_text(SIDE_BY_SIDE)).to_be_visible()  # the rest of the page is drawn
    assert {k: v for k, v in query(page).items() if not k.startswith("compare_")} == params


def test_codes_in_the_address_labels_on_screen(page: Page, app_url: str) -> None:
    go(page, f"{app_url}/compare?party=KHM,XA&meeting=SC66", "Compare Parties")  # the comma form is read too
    assert page.locator(WARNING).count() == page.locator(INFO).filter(has_text="Read from the link").count() == 0
    assert query(page)["party"] == ["KHM", "XA"]  # written as repeated parameters
    sidebar = page.locator('[data-testid="stSidebar"]')
    for name in ("Cambodia", "Republic of Examplia (demo)"):  # the chosen Parties, by name
        expect(sidebar.get_by_text(name, exact=True)).to_be_visible()
    page.get_by_role("combobox", name="Parties").click()  # a Party known only from published figures can be chosen
    page.get_by_role("option", name="Malawi (published figures only)").click()
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"party=KHM&party=XA&party=MWI"), timeout=RENDER_TIMEOUT_MS)
    drawn(page)
    assert errors(page) == 0
    # another page keeps the filters, in the sidebar and in the address
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Data quality").click()
    expect(page.get_by_role("heading", name="Data quality", level=1)).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    drawn(page)
    expect(page).to_have_url(re.compile(r"party=KHM&party=XA&party=MWI"), timeout=RENDER_TIMEOUT_MS)
    assert query(page)["meeting"] == ["SC66"]
    assert errors(page) == 0


def test_a_demo_party_then_demo_data_switched_off(page: Page, app_url: str) -> None:
    go(page, f"{app_url}/compare?party=XA", "Compare Parties")
    page.locator('[data-testid="stSidebar"]').get_by_text("Include demo data").click()
    expect(page).to_have_url(re.compile(r"demo=false"), timeout=RENDER_TIMEOUT_MS)
    expect(page.get_by_text("demo data is switched off").first).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    drawn(page)
    assert errors(page) == 0


def test_a_shared_report_link_reopens_the_same_report(browser: Browser, page: Page, app_url: str) -> None:
    go(page, f"{app_url}/report?party=KHM", "Report")
    expect(page).to_have_url(re.compile(r"report=KHM-SC66"), timeout=RENDER_TIMEOUT_MS)
    shared = page.url.replace("party=KHM", "party=XA")  # a link whose sidebar filters leave the report out
    fresh = browser.new_context(viewport=VIEWPORT)  # another browser: no cookie, no session
    try:
        other = fresh.new_page()
        go(other, shared, "Report")
        expect(other.get_by_role("combobox", name="Report", exact=True)).to_have_value("Cambodia · SC66")
        expect(other.get_by_role("heading", name="Cambodia · SC66 progress report")).to_be_visible()
        expect(other.locator(INFO).filter(has_text="it is shown anyway")).to_have_count(1)
        assert query(other)["report"] == ["KHM-SC66"] and query(other)["party"] == ["XA"]
        assert errors(other) == 0
    finally:
        fresh.close()
