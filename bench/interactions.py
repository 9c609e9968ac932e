"""Click-to-settled in a real browser: how long a person waits after each kind of click.

Debian's Chromium under Playwright against `streamlit run app.py` (one process, the embedded
DuckDB) on a data folder this script fills: demo disputes (`dispute demo`), or with `--data DIR`
a folder made by `bench/queue.py --keep DIR` (e.g. a million disputes), to which it adds its
own accounts and a few disputes. Each interaction is timed from the click (or the Enter key)
until the script run it started has finished and the page is idle (the app's
`data-test-script-state`), and what the run draws is on the page, checked in the page at every
animation frame (`Shows`); 20 runs each, after one warm-up. The button is found before the time
starts, and whatever a person's typing gives the page first is done before it: the login page's
preload of the next pages' code, the run a date field starts once it is whole. Legal opens its dispute from the docket's first page, or, on a book whose docket holds
more sittings today than a page, from the queue after searching its number. The floor is the
same round trip on an empty Streamlit page (one button, no work), measured in the same run:
what any click costs before the portal does anything. The day's reminders are queued before
the portal starts (as by a portal running since the day began), so its once-a-day pass does not
run beside the interactions timed.

    .venv/bin/python bench/interactions.py                 # demo data (120 disputes)
    .venv/bin/python bench/interactions.py --data DIR      # a folder from bench/queue.py --keep

Targets (issue 17, on an idle 2-core machine): median < 400 ms and p95 < 800 ms for every
interaction, and median ≤ 3× the empty page's. The machine's load average is printed beside
the figures.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]  # bench/queue.py
sys.path.insert(0, str(HERE.parent))

from playwright.sync_api import expect  # noqa: E402

from dispute import cases, demo, proceedings, workflow  # noqa: E402
from dispute.i18n import translator  # noqa: E402
from dispute.notify.reminders import remind  # noqa: E402
from dispute.vocab import Role  # noqa: E402
from tests.browser_support import (CHROMIUM, CHROMIUM_ARGS, RUNS, VIEWPORT, Portal,  # noqa: E402
                                   _free_port, _healthy, log_in_here, open_tab, services, settle,
                                   tab_field, watch)
from tests.conftest import filing_form, make_user  # noqa: E402
from tests.second_factor import KNOWN_SECRET, ready  # noqa: E402

_ = translator("zh_CN")
PASSWORD = "correct horse battery"  # make_user's default
RUNS_EACH = 20
MEDIAN_MS, P95_MS, FLOOR_TIMES = 400, 800, 3.0
FORMS = {"acknowledge": {"acknowledgment": "已收到您的投诉，我们将在15日内答复。"},
         "to_mediation": {"reason": "银行拒绝退还违约金", "body": "上海银行业纠纷调解中心"},
         "to_litigation": {"mediation_result": "调解不成", "court": "上海市浦东新区人民法院"}}
# Accounts of this run: a kept million-dispute folder (--data) is filled again on every run.
RUN = os.urandom(3).hex()
EMPTY_PAGE = 'import streamlit as st\nst.button("Go")\nst.write("ok")\n'


# ---------------------------------------------------------------- the data


def fill(data_dir: Path, demo_cases: int, staff_logins: int) -> dict[str, str]:
    """Accounts of our own (known passwords; staff and legal enrolled with the tests' known
    two-step secret) and the disputes each interaction needs; returns their numbers."""
    with services(data_dir) as ctx:
        if demo_cases and demo.can_load_demo(ctx):
            demo.create_demo(ctx, cases_count=demo_cases, seed=7)
        staff = ready(ctx, make_user(ctx, Role.STAFF, email=f"bench-staff-{RUN}@bench.example",
                                     name="李静", phone="+86 138 0000 9990"))
        legal = ready(ctx, make_user(ctx, Role.LEGAL, email=f"bench-legal-{RUN}@bench.example",
                                     name="陈律师", phone="+86 138 0000 9991"))
        for i in range(staff_logins):
            ready(ctx, make_user(ctx, Role.STAFF, email=f"bench-login-{i}-{RUN}@bench.example",
                                 name=f"Staff {i}", phone=f"+86 138 0001 {i:04d}"))
        borrower = make_user(ctx, email=f"bench-borrower-{RUN}@bench.example", name="王芳",
                             phone="+86 138 0000 9992")
        numbers = {k: cases.file_dispute(ctx, borrower, filing_form())
                   for k in ("negotiation", "litigation", "messages")}
        for k in ("negotiation", "litigation"):
            workflow.move(ctx, staff, numbers[k], "acknowledge", FORMS["acknowledge"])
        workflow.move(ctx, staff, numbers["litigation"], "to_mediation", FORMS["to_mediation"])
        workflow.move(ctx, legal, numbers["litigation"], "to_litigation", FORMS["to_litigation"])
        # A sitting today puts the dispute at the top of the docket (ordered by next sitting), so
        # the legal pass finds its link on the first page whatever the demo data holds.
        proceedings.add_hearing(ctx, legal, numbers["litigation"], {"held_on": ctx.today()})
        # The day's reminders, queued now as by a portal running since the day began: the
        # portal's own pass at its start then finds them taken and writes nothing, instead of
        # queueing a million-dispute day beside the first interactions timed.
        remind(ctx, ctx.today())
    return numbers


# ---------------------------------------------------------------- timing


class Shows:
    """What the run a click starts draws: an element matching `css` whose text holds `text`
    (is `text` when `exact`), visible. Checked in the page at every animation frame, so the
    time ends within a frame of the page showing it. (Playwright's own waits poll at growing
    intervals, 20, 50, 100 ms…: timed with them, a page that needs a little longer to draw was
    counted up to 100 ms late.) `locator` is the same thing as Playwright finds it, checked
    once afterwards, untimed."""

    def __init__(self, css: str, text: str, locator, exact: bool = False) -> None:
        self.css, self.text, self.exact, self.locator = css, text, exact, locator


def heading(page, name: str) -> Shows:
    return Shows("h1, h2, h3, h4, h5, h6", name, page.get_by_role("heading", name=name))


def tab_named(page, name: str) -> Shows:
    return Shows('[role="tab"]', name, page.get_by_role("tab", name=name))


def text_shown(page, text: str, exact: bool = False) -> Shows:
    return Shows("p", text, page.get_by_text(text, exact=exact), exact)


def label_shown(page, text: str) -> Shows:
    return Shows("label", text, page.get_by_label(text, exact=True), exact=True)


SETTLED = """([css, text, exact]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
  if (css === null) return true;
  for (const el of document.querySelectorAll(css)) {
    const words = el.textContent.trim();
    if ((exact ? words === text : words.toLowerCase().includes(text.toLowerCase()))
        && el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
      return true;
  }
  return false;
}"""


def clicked(page, action, then: Shows | None = None) -> float:
    """Seconds from `action` (a locator to click, or a function: a key pressed) until the script
    run it started has finished, the page is idle and shows `then`. A locator is found on the
    page before the time starts: a person knows where the button is, while Playwright's search
    by role and name reads the whole page (tens of ms on a dispute's page, little on the empty
    one)."""
    runs = RUNS[page]
    if not callable(action):
        action = action.element_handle().click
    before = runs.finished
    began = time.perf_counter()
    action()
    deadline = began + 120
    while runs.finished <= before:
        if time.perf_counter() > deadline:
            raise RuntimeError("no script run finished after the click")
        page.wait_for_timeout(5)  # lets Playwright deliver the websocket's messages
    page.wait_for_function(SETTLED, arg=[then.css, then.text, then.exact] if then else
                           [None, None, False], polling="raf", timeout=120_000)
    took = time.perf_counter() - began
    settle(page)  # the same, as the tests check it (untimed)
    if then is not None:
        expect(then.locator).to_be_visible()
    return took


class Tally:
    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = {}

    def add(self, name: str, seconds: float) -> None:
        self.samples.setdefault(name, []).append(seconds * 1000)

    def repeat(self, name: str, once, warm_up: int = 1) -> None:
        """`once()` returns the seconds of one interaction (after whatever puts the page back
        where the interaction starts, untimed)."""
        for i in range(warm_up + RUNS_EACH):
            took = once()
            if i >= warm_up:
                self.add(name, took)
        print(f"  {name}: median {statistics.median(self.samples[name]):.0f} ms", flush=True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


# ---------------------------------------------------------------- the browser


def new_page(browser):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = watch(context.new_page())
    page.set_default_timeout(120_000)
    return page


def link(page, name: str):
    return page.get_by_role("link", name=name).first


def signed_in(browser, url: str, email: str, secret: str | None):
    page = new_page(browser)
    page.goto(url + "/")
    log_in_here(page, email, PASSWORD, _, secret)
    settle(page)
    return page


def floor(browser, tally: Tally, work: Path) -> None:
    """The empty page: one button and nothing else, on its own Streamlit server."""
    script = work / "empty_page.py"
    script.write_text(EMPTY_PAGE)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(script),
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--server.headless", "true", "--browser.gatherUsageStats", "false",
                             "--server.fileWatcherType", "none"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while not _healthy(url):  # a server starting: nothing to wait on but its answer
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("the empty page's server did not start")
            time.sleep(0.2)
        page = new_page(browser)
        page.goto(url)
        button = page.get_by_role("button", name="Go")
        expect(button).to_be_visible()
        settle(page)
        tally.repeat("empty page (floor)", lambda: clicked(page, button))
        page.context.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


PRELOADED = """names => names.every(name => performance.getEntriesByType("resource").some(
  entry => entry.name.endsWith(name) && entry.responseEnd > 0))"""


def typed_in(page) -> None:
    """What a person's seconds of typing on the login page give the browser: the login page's
    preload of the signed-in pages' code (ui/preload.py) is done, and the browser idle. Timed
    from a click just after the page opened, the sign-in was also timed loading that code."""
    from ui import preload

    names = [f.rsplit("/", 1)[-1] for f in preload.files()]
    page.wait_for_function(PRELOADED, arg=names, polling="raf", timeout=120_000)
    page.evaluate("() => new Promise(done => (window.requestIdleCallback || setTimeout)(done))")


def sign_ins(browser, url: str, tally: Tally, staff_logins: int) -> None:
    """Staff sign in with a password then a two-step code (each account once: a code works
    once); a borrower with a password only."""
    for i in range(staff_logins):
        page = new_page(browser)
        page.goto(url + "/")
        tab = page.get_by_role("tab", name=_("Log in"))
        expect(tab).to_be_visible()
        settle(page)
        tab.click()
        tab_field(page, _("Email")).fill(f"bench-login-{i}-{RUN}@bench.example")
        page.get_by_label(_("Password"), exact=True).fill(PASSWORD)
        typed_in(page)
        code = page.get_by_label(_("Code"), exact=True)
        password_step = clicked(page, page.get_by_role("button", name=_("Log in")),
                                label_shown(page, _("Code")))
        from tests.second_factor import code_now

        code.fill(code_now(KNOWN_SECRET))
        code_step = clicked(page, page.get_by_role("button", name=_("Continue")),
                            heading(page, _("Queue")))
        if i > 0:  # the first is the warm-up
            tally.add("sign-in, staff: password", password_step)
            tally.add("sign-in, staff: two-step code", code_step)
        page.context.close()
    for i in range(RUNS_EACH + 1):
        page = new_page(browser)
        page.goto(url + "/")
        tab = page.get_by_role("tab", name=_("Log in"))
        expect(tab).to_be_visible()
        settle(page)
        tab.click()
        tab_field(page, _("Email")).fill(f"bench-borrower-{RUN}@bench.example")
        page.get_by_label(_("Password"), exact=True).fill(PASSWORD)
        typed_in(page)
        took = clicked(page, page.get_by_role("button", name=_("Log in")),
                       heading(page, _("My disputes")))
        if i > 0:
            tally.add("sign-in, borrower", took)
        page.context.close()


def staff_pass(browser, url: str, tally: Tally, numbers: dict[str, str]) -> None:
    page = signed_in(browser, url, f"bench-staff-{RUN}@bench.example", KNOWN_SECRET)
    queue_heading = heading(page, _("Queue"))

    def open_queue() -> float:
        clicked(page, link(page, _("Dashboard")), heading(page, _("Dashboard")))
        return clicked(page, link(page, _("Queue")), queue_heading)

    tally.repeat("open the queue (staff)", open_queue)

    def open_dashboard() -> float:
        clicked(page, link(page, _("Queue")), queue_heading)
        return clicked(page, link(page, _("Dashboard")), heading(page, _("Dashboard")))

    tally.repeat("open the dashboard (staff)", open_dashboard)
    clicked(page, link(page, _("Queue")), queue_heading)

    def next_page() -> float:
        took = clicked(page, page.get_by_role("button", name=_("Next")).first)
        clicked(page, page.get_by_role("button", name=_("Previous")).first)
        return took

    tally.repeat("next page of the queue", next_page)

    search = page.get_by_label(_("Search by number, borrower name or description"))
    words = ["逾期", "autopay"]

    def a_search(i=[0]) -> float:
        i[0] += 1
        search.fill(words[i[0] % 2])
        return clicked(page, lambda: search.press("Enter"))

    tally.repeat("a search in the queue", a_search)
    search.fill("")
    clicked(page, lambda: search.press("Enter"))

    def open_dispute() -> float:
        clicked(page, link(page, _("Queue")), queue_heading)
        rows = page.get_by_role("link", name=re.compile(r"^DSP-"))
        expect(rows.first).to_be_visible()
        return clicked(page, rows.nth(3), tab_named(page, _("Timeline")))

    tally.repeat("open a dispute (staff)", open_dispute)

    goto_dispute(page, url, numbers["negotiation"])
    amount = page.get_by_label(_("Amount refunded or waived"))
    done = text_shown(page, _("The offer was recorded; the borrower can answer it."))

    def offer(i=[0]) -> float:
        i[0] += 1
        open_tab(page, _("Offers"))
        amount.fill(f"{80 + i[0]}.00")
        return clicked(page, page.get_by_role("button", name=_("Record the offer")), done)

    tally.repeat("record an offer (staff)", offer)
    page.context.close()


def goto_dispute(page, url: str, number: str) -> None:
    page.goto(f"{url}/workspace?number={number}")
    expect(page.get_by_role("heading", name=number)).to_be_visible()
    settle(page)


def legal_pass(browser, url: str, tally: Tally, numbers: dict[str, str]) -> None:
    page = signed_in(browser, url, f"bench-legal-{RUN}@bench.example", KNOWN_SECRET)
    number = numbers["litigation"]

    def open_dispute() -> float:
        clicked(page, link(page, _("Docket")), heading(page, _("Docket")))
        if not page.get_by_role("link", name=number).count():
            # A million-dispute book has more sittings today than the docket's first page
            # shows: find the dispute by its number in the queue instead (not timed).
            clicked(page, link(page, _("Queue")), heading(page, _("Queue")))
            search = page.get_by_label(_("Search by number, borrower name or description"))
            search.fill(number)
            clicked(page, lambda: search.press("Enter"))
        return clicked(page, link(page, number), heading(page, number))

    tally.repeat("open a dispute (legal)", open_dispute)
    box = page.get_by_test_id("stExpander").filter(
        has=page.locator("summary", has_text=_("Record a hearing")))
    saved = Shows('[data-testid="stExpander"] p', _("Saved."),
                  box.get_by_text(_("Saved."), exact=True), exact=True)
    day = date.today() + timedelta(days=30)

    def hearing(i=[0]) -> float:
        i[0] += 1
        open_tab(page, _("Mediation and court"))
        runs = RUNS[page]
        if box.locator("details").get_attribute("open") is None:
            before = runs.finished
            box.locator("summary").click()  # the form's fields are drawn by the run it starts
            while runs.finished <= before:
                page.wait_for_timeout(5)
            settle(page)
        held = day + timedelta(days=i[0])
        before = runs.finished
        box.get_by_role("spinbutton", name="year, " + _("Date")).click()
        page.keyboard.type(held.strftime("%Y%m%d"))
        page.keyboard.press("Tab")
        box.get_by_label(_("Courtroom")).fill(f"第{i[0]}法庭")
        while runs.finished <= before:  # the date, once whole, is sent: the form's own run
            page.wait_for_timeout(5)
        settle(page)  # a person types for longer than that run takes
        return clicked(page, box.get_by_role("button", name=_("Save the hearing")), saved)

    tally.repeat("save a hearing (legal)", hearing)
    page.context.close()


def borrower_pass(browser, url: str, tally: Tally, numbers: dict[str, str]) -> None:
    page = signed_in(browser, url, f"bench-borrower-{RUN}@bench.example", None)
    number = numbers["messages"]

    def open_dispute() -> float:
        clicked(page, link(page, _("My disputes")), heading(page, _("My disputes")))
        return clicked(page, link(page, number), heading(page, number))

    tally.repeat("open a dispute (borrower)", open_dispute)
    body = page.get_by_label(_("Write a message"))
    sent = text_shown(page, _("Message sent."))

    def message(i=[0]) -> float:
        i[0] += 1
        open_tab(page, _("Conversation"))
        body.fill(f"第{i[0]}条消息：银行扣款日期与通知不符。")
        return clicked(page, page.get_by_role("button", name=_("Send")), sent)

    # 20 messages at once is the posting limit's burst: no warm-up here
    tally.repeat("send a message (borrower)", message, warm_up=0)
    page.context.close()


# ---------------------------------------------------------------- report


def report(tally: Tally, label: str) -> bool:
    floor_ms = statistics.median(tally.samples["empty page (floor)"])
    one, five, _fifteen = os.getloadavg()
    print(f"\n### click-to-settled, {label} (ms; {RUNS_EACH} runs each; load average "
          f"{one:.2f} / {five:.2f} on {os.cpu_count()} cores)\n")
    print(f"| interaction | median | p95 | × floor | target: median < {MEDIAN_MS}, p95 < "
          f"{P95_MS}, ≤ {FLOOR_TIMES:g}× floor | |")
    print("|---|---:|---:|---:|---|---|")
    every = True
    for name, values in tally.samples.items():
        med, p95 = statistics.median(values), pct(values, .95)
        ok = med < MEDIAN_MS and p95 < P95_MS and med <= FLOOR_TIMES * floor_ms
        every &= ok or name.startswith("empty")
        print(f"| {name} | {med:.0f} | {p95:.0f} | {med / floor_ms:.1f}× | | "
              f"{'' if name.startswith('empty') else 'ok' if ok else 'MISS'} |")
    return every


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="a data folder made by bench/queue.py --keep "
                        "(used as it is, with accounts added; default: a demo folder)")
    parser.add_argument("--demo-cases", type=int, default=120)
    parser.add_argument("--runs", type=int, default=RUNS_EACH, help="runs of each interaction")
    parser.add_argument("--passes", default="signin,staff,legal,borrower",
                        help="which roles' interactions to time (the floor always)")
    args = parser.parse_args()
    globals()["RUNS_EACH"] = args.runs
    args.staff_logins = args.runs + 1  # one account per sign-in (a code works once), + warm-up
    if not Path(CHROMIUM).exists():
        raise SystemExit("Debian's chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-interactions-") as tmp:
        work = Path(tmp)
        data = args.data or work / "data"
        numbers = fill(data, 0 if args.data else args.demo_cases, args.staff_logins)
        label = (f"{args.data}" if args.data else f"demo data ({args.demo_cases} disputes)")
        portal = Portal(data, work / "portal.log").start()
        tally = Tally()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                print(f"bench/interactions.py on {label}, portal at {portal.url}", flush=True)
                floor(browser, tally, work)
                passes = {"signin": lambda: sign_ins(browser, portal.url, tally,
                                                     args.staff_logins),
                          "staff": lambda: staff_pass(browser, portal.url, tally, numbers),
                          "legal": lambda: legal_pass(browser, portal.url, tally, numbers),
                          "borrower": lambda: borrower_pass(browser, portal.url, tally, numbers)}
                try:
                    for name in args.passes.split(","):
                        passes[name]()
                except Exception:
                    for context in browser.contexts:  # what the page showed when it failed
                        for i, page in enumerate(context.pages):
                            page.screenshot(path=f"interactions-failure-{i}.png", full_page=True)
                    print("screenshots of the failure: interactions-failure-*.png")
                    raise
                browser.close()
        finally:
            portal.stop()
        return 0 if report(tally, label) else 1


if __name__ == "__main__":
    sys.exit(main())
