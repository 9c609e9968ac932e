"""What the real-browser tests share: the portal as a subprocess (`streamlit run app.py` on
127.0.0.1 with its own data directory), Debian's Chromium through Playwright, and the evidence
left behind when a journey fails (a screenshot and the HTML of every open page, saved under
test-artifacts/ and its path printed, so CI can show it).

Waits are always for elements (Playwright's auto-waiting, `expect`) or for the app's own script
runs, never for time: the timeouts are only upper bounds, generous because the machine may be
busy with other tests.

Why `press` counts runs. The page's "script state" attribute says whether a run is going on,
but a click only asks the server for a run; for a moment after it (longer on a loaded machine)
the page still says "not running", and so it does between a run that ended early for a rerun
and that rerun. A test that waited for "not running" after a click could go on before its run
began, and its next click then landed while the page was being redrawn (that is how the staff
journey once waited 60 s for "This field is required." after its click was swallowed). So
`press` waits for a run to *finish* — counted from the server's messages on the page's
websocket — after the click, and then for the page to be idle."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from dispute.config import Settings
from dispute.context import Context, open_context
from tests.conftest import REPO

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO / "test-artifacts"
VIEWPORT = {"width": 1280, "height": 800}
STEP_TIMEOUT_MS = 60_000      # one element to appear (a slow rerun under load)
EXPORT_TIMEOUT_MS = 180_000   # a whole bundle to be made
START_TIMEOUT_S = 90          # the portal to answer /_stcore/health


def settings_for(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, max_upload_mb=50, timezone="Asia/Shanghai")


@contextmanager
def services(data_dir: Path) -> Iterator[Context]:
    """The service layer on the portal's data directory — only while the portal is NOT running
    (DuckDB lets one process open the file)."""
    ctx = open_context(settings_for(data_dir))
    try:
        yield ctx
    finally:
        ctx.db.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


class Portal:
    """`streamlit run app.py` on a free local port; stopped by its PID."""

    def __init__(self, data_dir: Path, log: Path, env: dict[str, str] | None = None,
                 port: int | None = None) -> None:
        self.data_dir, self.log = data_dir, log
        self.extra_env, self.port = env or {}, port
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> "Portal":
        """Start on a free port and wait until *this* process serves it. A free port is only
        free when asked: another test run on the machine may take it before Streamlit binds it,
        and then /_stcore/health would answer from someone else's portal. So the portal counts
        as started only once its own log names the port; if the port was taken, another one."""
        if self.port:  # a port the test chose (e.g. behind a proxy): no other to try
            if self._start_on(self.port):
                return self
            raise RuntimeError(f"the portal did not start; its log: {self.log}")
        for _attempt in range(3):
            if self._start_on(_free_port()):
                return self
        raise RuntimeError(f"the portal did not start; its log: {self.log}")

    def _start_on(self, port: int) -> bool:
        env = {**os.environ, "DISPUTE_DATA_DIR": str(self.data_dir),
               "DISPUTE_MAX_UPLOAD_MB": "50", **self.extra_env}
        offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                 "--server.address", "127.0.0.1", "--server.headless", "true",
                 "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{port}"
        ours = f"URL: {self.url}".encode()
        deadline = time.monotonic() + START_TIMEOUT_S
        # polling a server that is starting: no element to wait on
        while not (ours in self.log.read_bytes()[offset:] and _healthy(self.url)):
            if self.proc.poll() is not None:
                return False  # most likely the port was taken meanwhile: try another
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the portal did not start; its log: {self.log}")
            time.sleep(0.2)
        return True

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.kill(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """The portal's data directory: set it up through `services()` before `live_portal` starts."""
    return tmp_path / "data"


@pytest.fixture
def live_portal(data_dir, tmp_path) -> Iterator[Portal]:
    running = Portal(data_dir, tmp_path / "streamlit.log").start()
    try:
        yield running
    finally:
        running.stop()


class Runs:
    """The script runs the server finished for one page, counted from its websocket messages
    (a run that stopped early for a rerun does not count: the rerun will)."""

    def __init__(self, page) -> None:
        self.finished = 0
        self.fragment_alone: list[bool] = []  # per run counted: whether a fragment ran alone
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if isinstance(payload, str):
            return
        msg = ForwardMsg()
        try:
            msg.ParseFromString(payload)
        except Exception:  # not a ForwardMsg: nothing to count
            return
        if msg.WhichOneof("type") == "script_finished" and \
                msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            self.finished += 1
            self.fragment_alone.append(
                msg.script_finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


RUNS: dict = {}  # page → its Runs


def watch(page):
    """Count `page`'s script runs (call before its first navigation)."""
    RUNS[page] = Runs(page)
    return page


def after_run(page, action) -> None:
    """Do `action` (a click, a key press) and wait until a script run finished after it, then
    until the page is idle. Waits for the app's own signal, polled, never for a fixed time."""
    runs = RUNS[page]
    before = runs.finished
    action()
    deadline = time.monotonic() + STEP_TIMEOUT_MS / 1000
    while runs.finished <= before:
        if time.monotonic() > deadline:
            raise AssertionError("no script run finished after the action (was it lost?)")
        page.wait_for_timeout(50)  # lets Playwright deliver the websocket events
    settle(page)


def leave_for(page, field) -> None:
    """Click `field` after typing into a date field, and wait for the run that leaving the date
    field starts (a date is sent when its field loses the focus). Typing into the next field
    and pressing Enter while that run was under way lost the text once in eight loaded runs:
    the field came back empty and an empty note was saved. A person's typing takes longer than
    that run; the test's must wait for it."""
    after_run(page, field.click)


class Browser:
    """One Chromium; each `page()` is a fresh context (its own cookies: its own session)."""

    def __init__(self, browser) -> None:
        self.browser = browser
        self.pages: list = []

    def page(self, locale: str = "zh-CN"):
        context = self.browser.new_context(viewport=VIEWPORT, locale=locale,
                                           accept_downloads=True)
        page = watch(context.new_page())
        page.set_default_timeout(STEP_TIMEOUT_MS)
        self.pages.append(page)
        return page


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:120]


def save_artifacts(name: str, pages: list) -> Path:
    """A screenshot and the HTML of every page still open; returns the folder."""
    folder = ARTIFACTS / _safe(name)
    folder.mkdir(parents=True, exist_ok=True)
    for i, page in enumerate(pages):
        if page.is_closed():
            continue
        stem = folder / f"page{i + 1}"
        try:
            page.screenshot(path=str(stem.with_suffix(".png")), full_page=True)
            stem.with_suffix(".html").write_text(page.content(), encoding="utf-8")
        except Exception as exc:  # a crashed page must not hide the test's own failure
            stem.with_suffix(".txt").write_text(f"could not save: {exc}", encoding="utf-8")
    return folder


@contextmanager
def chromium() -> Iterator:
    """Debian's Chromium under Playwright (the test is skipped where it is not installed)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser(request) -> Iterator[Browser]:
    from playwright.sync_api import expect

    expect.set_options(timeout=STEP_TIMEOUT_MS)
    with chromium() as launched:
        b = Browser(launched)
        yield b
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            folder = save_artifacts(request.node.name, b.pages)
            print(f"\nbrowser artifacts (screenshot and HTML) saved in {folder}")


def settle(page) -> None:
    """Wait until the app's script run is over. Call it once what a run shows first is on the
    page: the rest of that run may still replace the elements the next step touches."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state",
                                                            "notRunning")


def shown(page, locator, timeout: int | None = None) -> None:
    """`locator` is visible and the run that drew it has finished."""
    from playwright.sync_api import expect

    expect(locator).to_be_visible(timeout=timeout)
    settle(page)


def press(page, locator, reruns: bool = True) -> None:
    """Click once the app is idle, so the click is not lost in a rerun's redraw; then, for a
    click that starts a run (buttons, links: `reruns`), wait for that run to finish. Tabs and
    expanders open in the browser alone: `reruns=False`."""
    settle(page)
    expanders_still(page)
    if reruns and page in RUNS:
        after_run(page, locator.click)
    else:
        locator.click()
        expanders_still(page)  # an expander opened: what is inside it stops moving first


def open_tab(page, name: str) -> None:
    """Open the tab `name` of a dispute's page. Those pages draw only the open tab, so a click
    on another one starts a run (waited for); a click on the open one would start none."""
    from playwright.sync_api import expect

    tab = page.get_by_role("tab", name=name, exact=True)
    settle(page)
    if tab.get_attribute("aria-selected") != "true":
        press(page, tab)
    expect(tab).to_have_attribute("aria-selected", "true")
    settle(page)


# Streamlit opens and closes an expander with a 500 ms height animation (Web Animations API);
# a click inside it meanwhile can land while the box grows under the pointer and be lost (no
# run followed the press of a move's button, once in a loaded suite run). The expanders'
# running animations that have an end are awaited: not a spinner's endless one, not one that is
# paused (its `finished` would never come). `page.evaluate` has no timeout of its own, so the
# wait is also bounded (a suite run once hung 20 minutes here in a browser test): past the
# bound the step goes on, and the next `settle` or `expect` says what is wrong.
_EXPANDERS_STILL = """(limitMs) => Promise.race([
    Promise.all(
        [...document.querySelectorAll('[data-testid="stExpander"]')]
            .flatMap(box => box.getAnimations({subtree: true}))
            .filter(a => a.playState === 'running' && a.effect
                         && Number.isFinite(a.effect.getComputedTiming().endTime))
            .map(a => a.finished.catch(() => null))).then(() => 'still'),
    new Promise(done => setTimeout(() => done('limit'), limitMs))])"""
EXPANDER_WAIT_LIMIT_MS = 5_000  # ten times the animation


def expanders_still(page) -> str:
    """Wait until no expander on the page is still opening or closing: "still", or "limit"
    when the bound ended the wait."""
    return page.evaluate(_EXPANDERS_STILL, EXPANDER_WAIT_LIMIT_MS)


def sign_in(page, url: str, email: str, password: str, _, secret: str | None = None) -> None:
    """Log in from the landing page (labels in the page's language, through `_`); with the
    account's two-step `secret`, also type the code an authenticator app would show (the next
    time step's: the one of the enrolment may still be current, and a code works once)."""
    page.goto(url + "/")
    log_in_here(page, email, password, _, secret)


def tab_field(page, label: str):
    """The field labelled `label` in the tab shown. Both of the login page's tabs ask for an
    email address, and the tab not shown stays in the page, inert and hidden; which panel's
    fields React mounts first varies, so the first field of that label is sometimes the hidden
    one, and Playwright waits on a hidden field until it times out (a bench run failed so after
    thirteen sign-ins). The shown panel alone has the role tabpanel."""
    return page.get_by_role("tabpanel").get_by_label(label, exact=True)


def log_in_here(page, email: str, password: str, _, secret: str | None = None) -> None:
    """Fill the login form on the page shown, whatever its address (a copied link asks for it
    too), then the two-step code when the account has a `secret`."""
    shown(page, page.get_by_role("tab", name=_("Log in")))
    press(page, page.get_by_role("tab", name=_("Log in")), reruns=False)
    tab_field(page, _("Email")).fill(email)
    page.get_by_label(_("Password"), exact=True).fill(password)
    press(page, page.get_by_role("button", name=_("Log in")))
    if secret is not None:
        from tests.second_factor import code_now

        code = page.get_by_label(_("Code"), exact=True)
        shown(page, code)
        code.fill(code_now(secret))
        press(page, page.get_by_role("button", name=_("Continue")))
    has_cookie(page.context)


def has_cookie(context, timeout_s: float = STEP_TIMEOUT_MS / 1000) -> None:
    """Wait until the browser holds the session cookie. The sign-in's page hands it over in a
    request of its own just after the sign-in's run, so an address typed (or a reload) before
    that finished would still find the browser signed out. The cookie is HttpOnly: the browser
    context is asked, not the page."""
    from ui.session_cookie import COOKIE

    deadline = time.monotonic() + timeout_s
    while not any(c["name"] == COOKIE for c in context.cookies()):
        if time.monotonic() > deadline:
            raise AssertionError("the browser never received the session cookie")
        time.sleep(0.05)
