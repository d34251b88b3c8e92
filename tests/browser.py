"""What the browser tests share: Debian's Chromium (required: in CI a missing one fails the
run), a Streamlit server on a free port started and stopped by its PID, Playwright helpers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import ROOT, require_tool

CHROMIUM = require_tool("chromium", "make tools")

from playwright.sync_api import Browser, Download, Locator, Page, expect, sync_playwright  # noqa: E402
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 900}
STARTUP_TIMEOUT_S = 60
RENDER_TIMEOUT_MS = 45_000  # generous: a fresh server imports everything on its first run, and CI machines are busy
SCREENSHOTS = ROOT / "tests" / "output" / "screenshots"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(db: Path, log: Path, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """``streamlit run dashboard/app.py`` on a free port reading ``db`` (not yet healthy);
    ``env``: more environment variables for the server (e.g. the editors' files)."""
    port = free_port()
    env = {**os.environ, **(env or {}), "NIAP_DB": str(db)}
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
        "--server.port", str(port), "--server.headless", "true",
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
    ]
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    return server, f"http://127.0.0.1:{port}"


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
    """Stop a server this process started, by its PID."""
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def serve(db: Path, log_dir: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """A healthy server reading ``db`` (with ``env`` added to its environment) for the
    duration of the generator; stopped by its PID."""
    log = log_dir / "server.log"
    server, url = start(db, log, env)
    try:
        wait_until_healthy(url, server, log)
        yield url
    finally:
        stop(server)


def launch() -> Iterator[Browser]:
    """Debian's Chromium under Playwright (never a downloaded browser)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def no_error_on(page: Page) -> None:
    """No exception box and no error alert on the page."""
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page.locator('[data-testid="stAlertContentError"]')).to_have_count(0)


def download(page: Page, button: Locator, *, timeout: int = RENDER_TIMEOUT_MS, attempts: int = 3) -> Download:
    """Click a download button once the app is idle and return the file. If no download
    starts (a rerun just before the click, on a busy machine, can retire the file the button
    pointed at), click again, as a person would: at most ``attempts`` times."""
    for attempt in range(1, attempts + 1):
        expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=RENDER_TIMEOUT_MS)
        try:
            with page.expect_download(timeout=timeout) as info:
                button.click()
            return info.value
        except PlaywrightTimeout:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")
