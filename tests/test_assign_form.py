"""The workspace's handler and its assign form (AppTest): the handler's name is read alone on
every run; the list of handlers, which scans every account by role, only while the form is
open."""

from __future__ import annotations

import pytest

from dispute import account_admin, cases
from dispute.assignment import assign, handler_name
from dispute.errors import Forbidden
from dispute.vocab import Role
from tests.conftest import make_user
from tests.test_pages import portal, texts  # noqa: F401  (portal is a fixture)
from tests.test_workflow_pages import case, open_page  # noqa: F401  (case is a fixture)
from ui.assign_form import OPEN_KEY


def handler_line(at) -> str:
    [line] = [m.value for m in at.markdown if "**Handler**" in str(m.value)]
    return line


def test_the_handler_is_named_and_the_handlers_are_listed_only_in_the_open_form(case):
    ctx, number, _, staff, legal = case
    at = open_page(staff, "pages/workspace.py", number)
    assert not at.exception
    assert handler_line(at).endswith("Unassigned")
    assert "assign_handler" not in [s.key for s in at.selectbox]  # closed: nothing listed

    at.session_state[OPEN_KEY] = True  # as a click on the expander does
    at.run()
    pick = at.selectbox(key="assign_handler")
    assert "陈律师" in pick.options and "李静" in pick.options
    pick.set_value(legal.id)
    at.button(key="assign_submit").click().run()
    assert not at.exception
    assert "Assignment saved." in texts(at)
    assert cases.get_dispute(ctx, staff, number).handler_id == legal.id
    assert handler_line(at).endswith("陈律师")


def test_a_disabled_handler_is_still_named_but_can_no_longer_be_chosen(case):
    ctx, number, borrower, staff, legal = case
    admin = make_user(ctx, Role.ADMIN, email="admin@example.com")
    assign(ctx, staff, number, legal.id)
    account_admin.set_disabled(ctx, admin, legal.id, True)
    d = cases.get_dispute(ctx, staff, number)
    assert handler_name(ctx, staff, d) == "陈律师"  # the record says who handled it
    with pytest.raises(Forbidden):
        handler_name(ctx, borrower, d)

    at = open_page(staff, "pages/workspace.py", number)
    assert handler_line(at).endswith("陈律师")
    at.session_state[OPEN_KEY] = True
    at.run()
    assert not at.exception
    assert "陈律师" not in at.selectbox(key="assign_handler").options


def test_the_choice_follows_the_dispute_after_it_changed(case):
    """The handler box showed "Unassigned" after an acknowledgment made the user the handler
    (a widget keeps its value by its key): it now starts again from the dispute's handler."""
    from dispute import workflow
    from tests.test_workflow import FORMS

    ctx, number, _, staff, legal = case
    at = open_page(staff, "pages/workspace.py", number)
    at.session_state[OPEN_KEY] = True
    at.run()
    box = at.selectbox(key="assign_handler")
    assert box.value == "" and box.index == 0 and box.options[0] == "Unassigned"  # not blank
    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])  # staff now handles it
    at.run()
    assert at.selectbox(key="assign_handler").value == staff.id
    at.selectbox(key="assign_handler").set_value(legal.id).run()     # a pick not yet saved stays
    assert at.selectbox(key="assign_handler").value == legal.id
    at.button(key="assign_submit").click().run()
    assert not at.exception and cases.get_dispute(ctx, staff, number).handler_id == legal.id
    assert at.selectbox(key="assign_handler").value == legal.id
