"""Editors write while readers browse, in real Chromium against one Streamlit server.

The acceptance of the editors' feature: 20 reader sessions browse while an editor signs in,
uploads a new report and saves it, then corrects a rating; no tab shows an exception box
or an error; after a rerun in the SAME session (a click in the app's navigation, never a
reload, which would start a new session) every reader's Report page shows the corrected
rating marked as corrected and lists the new report in its select box (which every 10th
reader then opens); and a session that is not signed in reaches none of the editor views,
even by typing their addresses, while an editor is signed in elsewhere.

Readers and editor share a 2-core machine in CI: about half the readers switch pages while
the editor works, and the whole module takes about 2.5 to 3 minutes.

The server of this module has its own copy of the built database and its own editor
accounts, uploads folder and corrections file (tmp folders: nothing shared is written);
it is started and stopped by its PID.
"""

from __future__ import annotations

import csv
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from loaders.editors import add_editor
from tests.browser import RENDER_TIMEOUT_MS, VIEWPORT, no_error_on, serve
from tests.helpers import edited_sample

pytestmark = pytest.mark.browser

EDITOR, PASSWORD = "ann", "correct horse battery"
CORRECTIONS_HEADER = ("correction_id,party_iso3,meeting_code,action_code,field,old_value,new_value,reason,"
                      "editor,corrected_at")
# The sample report, made Thailand's: THA has no report in the build, so it is a NEW report; it
# sorts after Cambodia, so KHM-SC66 stays the first report (the Report and Correct pages' default).
NEW_REPORT, NEW_LABEL = "THA-SC66", "Thailand · SC66"
NEW_REPORT_FILE = (("Party: CAMBODIA", "Party: THAILAND"), ("focal point for Cambodia", "focal point for Thailand"))
KHM_LABEL = "Cambodia · SC66"
CORRECTED = "✎ corrected by an editor"
CORRECTED_LINE = f"Rating: Challenging (Part C “ON TRACK”; Part B “On track”) {CORRECTED}"
READERS = 20
READER_VIEWPORT = {"width": 1100, "height": 700}  # smaller than VIEWPORT: 20 tabs draw on 2 cores
# What the readers browse: (address, navigation label, the page's h1)
BROWSE = (
    ("", "Overview", "NIAP progress reports"),
    ("ratings", "Ratings", "Ratings"),
    ("report?report=KHM-SC66", "Report", "Report"),
    ("data_quality", "Data quality", "Data quality"),
    ("compare", "Compare", "Compare Parties"),
    ("delays", "Delays & causes", "Delays & causes"),
    ("funding", "Funding gaps", "Funding gaps"),
)
ELSEWHERE = [b for b in BROWSE if b[1] != "Report"]  # where readers move while the editor works
OPEN_NEW = 10  # every 10th reader also opens the new report (a rerun each: CI machines have 2 cores)
TAB_MARK = "window.__niap_tab"  # set in each reader tab once: still there at the end = no reload, same session


@dataclass(frozen=True)
class EditorApp:
    url: str
    folder: Path  # the tmp folder with the database copy, editors.json, uploads/, corrections.csv


@pytest.fixture(scope="module")
def editor_app(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EditorApp]:
    """A server on a COPY of the built database, with one editor account (ann)."""
    folder = tmp_path_factory.mktemp("editors")
    db = folder / "niap.duckdb"
    shutil.copy2(built_db, db)
    con = duckdb.connect(str(db), read_only=True)
    try:  # what the test relies on: the new report is new, and 1.1 is on track before the correction
        assert con.execute("SELECT count(*) FROM out_reports WHERE report_id = ?", [NEW_REPORT]).fetchone() == (0,)
        assert con.execute("SELECT rating_code FROM out_actions WHERE report_id = 'KHM-SC66' AND action_code = '1.1'"
                           ).fetchone() == ("on_track",)
    finally:
        con.close()
    add_editor(EDITOR, PASSWORD, path=folder / "editors.json")
    (folder / "uploads").mkdir()
    (folder / "corrections.csv").write_text(CORRECTIONS_HEADER + "\n", encoding="utf-8")
    env = {"NIAP_EDITORS_FILE": str(folder / "editors.json"), "NIAP_UPLOADS_DIR": str(folder / "uploads"),
           "NIAP_CORRECTIONS_FILE": str(folder / "corrections.csv")}
    server = serve(db, folder, env=env)
    try:
        yield EditorApp(next(server), folder)
    finally:
        server.close()  # stops the server by its PID (tests.browser.serve)


# ---------------------------------------------------------------- helpers


def nav(page: Page, label: str) -> None:
    """Switch page through the app's navigation: a rerun in the same session, not a reload."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=label, exact=True).click()


def h1(page: Page, text: str) -> Locator:
    return page.get_by_role("heading", name=text, level=1, exact=True)


def drawn(page: Page, heading: str) -> None:
    """Wait until the page with h1 ``heading`` is drawn and no run shows as in progress (a rerun
    that has not started yet is not seen: callers wait for what the rerun draws)."""
    expect(page.locator('[data-testid="stApp"]')).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    expect(h1(page, heading)).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=RENDER_TIMEOUT_MS)


def choose(page: Page, box: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``box``, as a user would."""
    combo = page.get_by_role("combobox", name=box, exact=True)
    combo.click()
    combo.fill(option)
    page.get_by_role("option", name=option, exact=True).click()


def report_header(page: Page, label: str) -> Locator:
    return page.get_by_role("heading", name=f"{label} progress report", level=2)


def report_options(page: Page, typed: str) -> Locator:
    """Open the Report page's select box and type ``typed``: the options it lists (no rerun)."""
    combo = page.get_by_role("combobox", name="Report", exact=True)
    combo.click()
    combo.fill(typed)
    return page.get_by_role("option").filter(has_text=typed)


def action_card(page: Page, code: str) -> Locator:
    """The bordered card of one action on the Report page (the innermost block holding its
    code in bold: blocks nest, and a block comes before the blocks inside it)."""
    return page.locator('[data-testid="stVerticalBlock"]').filter(
        has=page.locator("strong", has_text=re.compile(rf"^{re.escape(code)}$"))).last


def move_on(readers: list[Page], where: list[tuple[str, str, str]], which: list[int]) -> None:
    """Click readers ``which`` to another page of ``ELSEWHERE`` (not the one they show); no waiting."""
    for i in which:
        target = next(b for k in range(len(ELSEWHERE)) if (b := ELSEWHERE[(i + k) % len(ELSEWHERE)]) != where[i])
        nav(readers[i], target[1])
        where[i] = target


def all_drawn(readers: list[Page], where: list[tuple[str, str, str]]) -> None:
    for page, (_, _, heading) in zip(readers, where, strict=True):
        drawn(page, heading)
        no_error_on(page)


# ---------------------------------------------------------------- the editor's steps


def sign_in(page: Page) -> None:
    drawn(page, "Editor sign-in")
    page.get_by_role("textbox", name="Editor name", exact=True).fill(EDITOR)
    page.get_by_role("textbox", name="Password", exact=True).fill("wrong horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Wrong name or password.")).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("Add a report")).to_have_count(0)
    page.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {EDITOR}.")).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    for title in ("Add a report", "Correct a fact", "Audit log"):
        expect(sidebar.get_by_role("link", name=title, exact=True)).to_be_visible()


def upload(page: Page, report: Path) -> None:
    nav(page, "Add a report")
    drawn(page, "Add a report")
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(report))
    expect(page.get_by_role("heading", name=f"What the loader reads: {NEW_LABEL}")).to_be_visible(
        timeout=RENDER_TIMEOUT_MS)
    for tab in ("Facts with their sentences", "Actions", "Quality issues"):
        expect(page.get_by_role("tab", name=re.compile(rf"^{tab} \(\d+\)$"))).to_be_visible()
    expect(page.get_by_text(f"{NEW_REPORT} is not in the database yet: saving adds it.")).to_be_visible()
    no_error_on(page)
    page.get_by_role("button", name="Save to the database").click()
    expect(page.get_by_text(f"{NEW_REPORT}: added.")).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    no_error_on(page)


def open_new_report(page: Page) -> None:
    """The link the saved report's message gives: the new report in the editor's session."""
    page.get_by_role("link", name=f"Open {NEW_REPORT} on the Report page").click()
    expect(report_header(page, NEW_LABEL)).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    drawn(page, "Report")
    no_error_on(page)


def correct(page: Page) -> None:
    nav(page, "Correct a fact")
    drawn(page, "Correct a fact")
    expect(page.get_by_role("combobox", name="Report", exact=True)).to_have_value(KHM_LABEL)  # the first report
    expect(page.get_by_role("combobox", name="Action", exact=True)).to_have_value(re.compile(r"^1\.1 – "))
    page.get_by_role("radiogroup", name="What to correct").get_by_text("Rating", exact=True).click()
    choose(page, "New rating", "Challenging")
    page.get_by_role("textbox", name="Reason (required)").fill("Part C says the unit is not funded yet")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.get_by_text("KHM-SC66 action 1.1: rating corrected from 'on_track' to 'challenging'.")
           ).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    drawn(page, "Correct a fact")
    no_error_on(page)


# ---------------------------------------------------------------- tests


def test_readers_browse_while_an_editor_uploads_and_corrects(browser: Browser, editor_app: EditorApp,
                                                              tmp_path: Path) -> None:
    started = time.monotonic()
    report = edited_sample(tmp_path, "newland.md", *NEW_REPORT_FILE)
    editor_context = browser.new_context(viewport=VIEWPORT)
    reader_context = browser.new_context(viewport=READER_VIEWPORT)  # each tab is its own Streamlit session
    try:
        editor = editor_context.new_page()
        editor.goto(f"{editor_app.url}/editors", wait_until="commit")
        where = [BROWSE[i % len(BROWSE)] for i in range(READERS)]
        readers = []
        for path, _, _ in where:  # all 20 start at once; the editor signs in meanwhile
            reader = reader_context.new_page()
            reader.goto(f"{editor_app.url}/{path}", wait_until="commit")
            readers.append(reader)
        sign_in(editor)
        all_drawn(readers, where)
        for reader, (path, _, _) in zip(readers, where, strict=True):
            reader.evaluate(f"() => {{ {TAB_MARK} = true; }}")
            if path.startswith("report"):  # before the correction: KHM-SC66's 1.1 is not marked
                expect(report_header(reader, KHM_LABEL)).to_be_visible()
                expect(action_card(reader, "1.1")).to_contain_text("Rating: On track (Part C “ON TRACK”, used")
                expect(reader.get_by_text(CORRECTED)).to_have_count(0)
                expect(report_options(reader, "Thailand")).to_have_count(0)  # and the new report is not there yet
                reader.keyboard.press("Escape")

        # About half the readers switch pages while the editor works (every tab on the Report page among
        # them, so that the Report page is a page switch for every reader at the end): some while the
        # editor uploads and saves, the others while the editor corrects a rating.
        busy = [i for i, (_, label, _) in enumerate(where) if i % 2 == 0 or label == "Report"]
        move_on(readers, where, busy[0::2])
        upload(editor, report)
        move_on(readers, where, busy[1::2])
        open_new_report(editor)
        correct(editor)
        all_drawn(readers, where)

        # A rerun in each reader's own session: the Report page through the navigation. It shows
        # the first report, KHM-SC66, now with the corrected rating; its select box lists the new report.
        for reader in readers:
            nav(reader, "Report")
        for i, reader in enumerate(readers):
            expect(report_header(reader, KHM_LABEL)).to_be_visible(timeout=RENDER_TIMEOUT_MS)
            expect(action_card(reader, "1.1")).to_contain_text(CORRECTED_LINE, timeout=RENDER_TIMEOUT_MS)
            expect(reader.get_by_text(CORRECTED)).to_have_count(1)  # only the corrected rating is marked
            drawn(reader, "Report")
            option = report_options(reader, "Thailand")
            expect(option).to_have_text([NEW_LABEL])  # the new report, listed from the database at this rerun
            if i % OPEN_NEW:
                reader.keyboard.press("Escape")
            else:  # a rerun onto the new report itself
                option.click()
        for i, reader in enumerate(readers):
            label, report_id = (KHM_LABEL, "KHM-SC66") if i % OPEN_NEW else (NEW_LABEL, NEW_REPORT)
            expect(report_header(reader, label)).to_be_visible(timeout=RENDER_TIMEOUT_MS)
            expect(reader).to_have_url(re.compile(rf"[?&]report={report_id}(&|$)"))
            drawn(reader, "Report")
            no_error_on(reader)
            assert reader.evaluate(f"() => {TAB_MARK} === true"), "the tab was reloaded: a new session"
        no_error_on(editor)
    finally:
        editor_context.close()
        reader_context.close()

    # what the editor wrote went where the server was told, not into data/
    stored = [p for p in (editor_app.folder / "uploads").rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in stored] == [report.read_bytes()], stored
    with (editor_app.folder / "corrections.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["party_iso3"], r["meeting_code"], r["action_code"], r["field"], r["old_value"], r["new_value"],
             r["editor"]) for r in rows] == [("KHM", "SC66", "1.1", "rating", "on_track", "challenging", EDITOR)]
    print(f"\n{READERS} readers and an editor: {time.monotonic() - started:.0f} s")


@pytest.fixture(scope="module")
def editor_on_the_editor_views(browser: Browser, editor_app: EditorApp) -> Iterator[Page]:
    """An editor signed in meanwhile, in a session of its own: the server has the editor views
    registered for that session, not for anyone else's."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(f"{editor_app.url}/editors")
        sign_in(page)
        nav(page, "Audit log")
        drawn(page, "Audit log")
        yield page
    finally:
        context.close()


@pytest.mark.parametrize("address", ["add_report", "correct?report=KHM-SC66", "audit"])
def test_a_session_not_signed_in_reaches_no_editor_view_by_its_address(
        browser: Browser, editor_app: EditorApp, editor_on_the_editor_views: Page, address: str) -> None:
    context = browser.new_context(viewport=VIEWPORT)  # another browser: no cookie, no session of the editor's
    try:
        page = context.new_page()
        page.goto(f"{editor_app.url}/{address}")
        # Streamlit's "page not found": a notice, and the default page
        expect(page.get_by_role("dialog")).to_contain_text("Page not found", timeout=RENDER_TIMEOUT_MS)
        drawn(page, "NIAP progress reports")
        assert urlparse(page.url).path == "/"
        expect(page.locator('[data-testid="stFileUploader"]')).to_have_count(0)
        expect(page.get_by_role("button", name="Save to the database")).to_have_count(0)
        expect(page.get_by_role("radiogroup", name="What to correct")).to_have_count(0)
        expect(page.get_by_role("button", name="Save the correction")).to_have_count(0)
        expect(page.get_by_role("button", name="Audit log (CSV)")).to_have_count(0)
        expect(page.get_by_text("Every report added or replaced")).to_have_count(0)  # the audit log's caption
        for title in ("Add a report", "Correct a fact", "Audit log"):
            expect(h1(page, title)).to_have_count(0)
        sidebar = page.locator('[data-testid="stSidebar"]')
        expect(sidebar.get_by_role("link", name="Editor sign-in", exact=True)).to_be_visible()
        for title in ("Add a report", "Correct a fact", "Audit log"):
            expect(sidebar.get_by_text(title)).to_have_count(0)
        no_error_on(page)
    finally:
        context.close()
    expect(h1(editor_on_the_editor_views, "Audit log")).to_be_visible()  # the editor's session still has it
