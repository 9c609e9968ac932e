"""A journey in a real Chromium through nginx (configured by deploy/render_nginx.py, started on a
free loopback port) in front of two portal processes on one PostgreSQL database and one evidence
store: a borrower files a dispute through one process, staff working on the other sees it in the
queue and answers, and the borrower sees the answer. nginx's access log proves which process
served whom."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from dispute.config import Settings
from dispute.context import open_context
from dispute.i18n import translator
from dispute.vocab import Role
from tests.browser_support import browser, open_tab, press, settle, shown, sign_in  # noqa: F401
from tests.conftest import make_user
from tests.second_factor import KNOWN_SECRET, ready
from tests.deploy_support import Nginx, PortalProcess, route_to, served_by

pytestmark = pytest.mark.browser
_ = translator("zh_CN")
PASSWORD = "correct horse battery"  # make_user's default


@pytest.fixture
def two_portals(tmp_path, pg_url):
    """Accounts made through the services, then two portal processes and nginx."""
    data = tmp_path / "data"
    ctx = open_context(Settings(data_dir=data, max_upload_mb=50, timezone="Asia/Shanghai",
                                database_url=pg_url))
    try:
        make_user(ctx, Role.ADMIN, email="admin@example.com", name="Admin")
        ready(ctx, make_user(ctx, Role.STAFF, email="staff@example.com", name="李静"))
        make_user(ctx)  # the borrower, wang.fang@example.com
    finally:
        ctx.db.close()
    env = {"DISPUTE_DATA_DIR": str(data), "DISPUTE_DATABASE_URL": pg_url,
           "DISPUTE_MAX_UPLOAD_MB": "50", "STREAMLIT_SERVER_COOKIE_SECRET": uuid.uuid4().hex}
    portals = []
    nginx = None
    try:
        for i in range(2):
            portals.append(PortalProcess(env, tmp_path / f"portal{i}.log").start())
        nginx = Nginx(tmp_path / "nginx", [p.port for p in portals]).start()
        yield nginx, portals
    finally:
        if nginx is not None:
            nginx.stop()
        for p in portals:
            p.stop()


def test_a_borrower_files_on_one_process_staff_answers_on_the_other(two_portals, browser):
    nginx, (first, second) = two_portals
    on_first, on_second = route_to(nginx, first.port), route_to(nginx, second.port)

    borrower = browser.page()
    borrower.context.add_cookies([{"name": "dispute_route", "value": on_first,
                                   "url": nginx.url}])
    sign_in(borrower, nginx.url, "wang.fang@example.com", PASSWORD, _)
    press(borrower, borrower.get_by_role("link", name=_("File a dispute")).first)
    shown(borrower, borrower.get_by_role("heading", name=_("File a dispute")))
    borrower.get_by_label(_("Lender or servicer *")).fill("招商银行信用卡中心")
    borrower.get_by_role("textbox", name=_("Card or loan account number *")).fill(
        "6225 8802 1234 5678")
    borrower.get_by_label(_("Describe what happened, in Chinese or English *")).fill(
        "自动还款失败，银行却记录逾期并收取违约金。")
    borrower.get_by_role("spinbutton", name="year, " + _("When you discovered it *")).click()
    borrower.keyboard.type("20260910")
    borrower.keyboard.press("Tab")
    borrower.get_by_label(_("What do you want the lender to do? *")).click()
    borrower.get_by_role("option", name=_("Penalty or fee reversal")).click()
    borrower.keyboard.press("Escape")
    press(borrower, borrower.get_by_role("button", name=_("File the dispute")))
    before, after = _("Dispute {number} was filed.").split("{number}")
    success = borrower.get_by_text(re.compile(re.escape(before) + r"DSP-\S+" + re.escape(after)))
    shown(borrower, success)
    number = success.inner_text()[len(before):-len(after)]

    staff = browser.page()
    staff.context.add_cookies([{"name": "dispute_route", "value": on_second, "url": nginx.url}])
    sign_in(staff, nginx.url, "staff@example.com", PASSWORD, _, KNOWN_SECRET)
    shown(staff, staff.get_by_role("heading", name=_("Queue")))
    shown(staff, staff.get_by_role("link", name=number))  # filed on the other process
    press(staff, staff.get_by_role("link", name=number))
    shown(staff, staff.get_by_role("heading", name=number))
    open_tab(staff, _("Conversation"))
    answer = "您好，我们已收到投诉，正在核查自动还款记录。"
    staff.get_by_label(_("Write a message")).fill(answer)
    press(staff, staff.get_by_role("button", name=_("Send")))
    shown(staff, staff.get_by_text(answer).first)

    press(borrower, borrower.get_by_role("link", name=_("My disputes")))
    press(borrower, borrower.get_by_role("link", name=number))
    shown(borrower, borrower.get_by_role("heading", name=number))
    open_tab(borrower, _("Conversation"))
    shown(borrower, borrower.get_by_text(answer).first)

    routes = served_by(nginx)
    assert {port for route, port in routes if route == on_first} == {first.port}
    assert {port for route, port in routes if route == on_second} == {second.port}
    assert sum(route == on_first for route, _ in routes) > 3  # the page and its assets too
