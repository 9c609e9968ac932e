"""The dashboard in a real browser (issue 16 item 12): a click on a bar of "Disputes by stage"
opens the queue filtered to that stage."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dispute import cases, workflow
from dispute.i18n import translator
from dispute.vocab import Role, Stage, label
from tests.browser_support import (browser, data_dir, live_portal, press,  # noqa: F401
                                   services, settle, shown, sign_in)
from tests.conftest import filing_form, make_user
from tests.second_factor import KNOWN_SECRET, ready
from tests.test_workflow import FORMS

pytestmark = pytest.mark.browser
_ = translator("zh_CN")


def test_a_click_on_a_bar_opens_the_queue_filtered_to_it(data_dir, browser, request):
    with services(data_dir) as ctx:
        make_user(ctx, Role.ADMIN, email="admin@example.com")
        staff = ready(ctx, make_user(ctx, Role.STAFF, email="staff@example.com", name="李静"))
        borrower = make_user(ctx)
        numbers = [cases.file_dispute(ctx, borrower, filing_form()) for _i in range(3)]
        for number in numbers[:2]:   # two negotiating (the longest bar, drawn first), one filed
            workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    portal = request.getfixturevalue("live_portal")
    page = browser.page()
    sign_in(page, portal.url, "staff@example.com", "correct horse battery", _, KNOWN_SECRET)
    press(page, page.get_by_role("link", name=_("Dashboard")))
    shown(page, page.get_by_role("heading", name=_("Disputes by stage")))
    chart = page.get_by_test_id("stVegaLiteChart").nth(1)   # the second chart: by stage
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    settle(page)
    # the first band of a horizontal chart (38 px a bar), in the middle of the longest bar
    chart.click(position={"x": box["width"] * 0.5, "y": 19})
    shown(page, page.get_by_role("heading", name=_("Queue")))
    expect(page.get_by_test_id("stMain").get_by_text(label(Stage.NEGOTIATION, _)).first) \
        .to_be_visible()
    for number in numbers[:2]:
        shown(page, page.get_by_role("link", name=number))
    expect(page.get_by_role("link", name=numbers[2])).to_have_count(0)
