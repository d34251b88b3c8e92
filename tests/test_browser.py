"""The Overview page in real Chromium: a Streamlit server on the built database, driven by Playwright."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (install it with `make chromium`)", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "tests" / "output" / "screenshots"
README_SCREENSHOT = ROOT / "dashboard" / "assets" / "overview.png"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 900}
STARTUP_TIMEOUT_S = 30
RENDER_TIMEOUT_MS = 20_000

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    pytest.fail(f"streamlit did not answer on {url} within {STARTUP_TIMEOUT_S} s:\n{log.read_text()}")


def stop(server: subprocess.Popen) -> None:
    """Stop the server this module started, by its PID."""
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def app_url(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``streamlit run dashboard/app.py`` on a free port, reading the built database."""
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    env = {**os.environ, "NIAP_DB": str(built_db)}
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
        "--server.port", str(port), "--server.headless", "true",
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
    ]
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, server, log)
        yield url
    finally:
        stop(server)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def overview(browser: Browser, app_url: str) -> Iterator[Page]:
    """The Overview page, loaded once and fully rendered."""
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(app_url)
    expect(page.locator(".js-plotly-plot .bars path").first).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    expect(page.get_by_text("Quality issues in this report: 6")).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    yield page
    page.close()


def test_overview_shows_the_rating_chart(overview: Page) -> None:
    chart = overview.locator(".js-plotly-plot")
    expect(chart).to_have_count(1)
    expect(chart).to_be_visible()
    assert overview.locator(".js-plotly-plot .bars path").count() > 0
    expect(chart.locator(".gtitle")).to_have_text("Cambodia, SC66: actions by self-assessed rating (13 actions)")


def test_overview_shows_the_report_and_no_error(overview: Page) -> None:
    picker = overview.get_by_role("combobox", name="Report")
    expect(picker).to_have_value("Cambodia – SC66 (2014-11 to 2015-09)")
    expect(overview).to_have_url(re.compile(r"[?&]report=KHM-SC66\b"))  # a link to share
    expect(overview.locator('[data-testid="stMetricValue"]').first).to_have_text("1")
    assert overview.locator('[data-testid="stException"]').count() == 0
    assert overview.locator('[data-testid="stAlertContentError"]').count() == 0


def test_overview_screenshot(overview: Page) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    README_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    # The app scrolls inside its main container, not the document: grow the viewport to
    # the content so that the "full page" holds all of it.
    height = overview.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], section, div')]"
        ".map(e => e.scrollHeight))"
    )
    overview.set_viewport_size({"width": VIEWPORT["width"], "height": min(int(height), 4000)})
    overview.wait_for_timeout(500)  # let Plotly and the tables re-lay out at the new size
    path = SCREENSHOTS / "overview.png"
    overview.screenshot(path=str(path), full_page=True)
    shutil.copyfile(path, README_SCREENSHOT)
    assert path.stat().st_size > 10_000
