"""The access matrix through the pages (AppTest): a borrower who types another borrower's
dispute number into a URL query parameter or a form, on any page, reaches nothing of it; nor does
an administrator. Two walks: through the portal's navigation (the pages a role has), and each
page script run on its own as that user — defence in depth, should a page ever be reachable
by a path the navigation does not list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

from dispute import cases, workflow
from dispute.accounts import get_user
from dispute.messages import send_message
from dispute.notes import add_note
from dispute.offers import make_offer
from dispute.vocab import Role
from tests.conftest import raw, filing_form, make_user
from tests.second_factor import ready
from tests.test_pages import TIMEOUT, app, portal  # noqa: F401  (portal is a fixture)
from tests.test_workflow import FORMS
from ui.navigation import BY_ROLE

REPO = Path(__file__).resolve().parents[1]
PAGES = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "pages").glob("*.py"))

# The other dispute: every one of these must stay out of the intruder's pages.
NAME = "钱多多"
DESCRIPTION = "受害人的秘密陈述 VICTIM-DESCRIPTION-7Q"
INSTITUTION = "秘密银行 VICTIM-BANK-7Q"
ACCOUNT = "6222 0299 8877 4455"
NOTE = "内部备注 VICTIM-NOTE-7Q"
SECRETS = [NAME, DESCRIPTION, "VICTIM-DESCRIPTION", INSTITUTION, "VICTIM-BANK", ACCOUNT,
           ACCOUNT.replace(" ", ""), "8877", "4455", NOTE, "VICTIM-NOTE"]


MEDIA_ADDRESS = re.compile(r"(/mock)?/media/[0-9a-f]+\.[a-z0-9]+")


def page_text(at: AppTest) -> str:
    """Everything the run put on the page: every string in every element's message (labels,
    bodies, options, values; markdown escapes undone), and the cells of data frames."""
    parts: list[str] = []

    def strings(value) -> None:
        if isinstance(value, str):
            # Not shown: a widget's id (a hash), or an image's address, named by a hash of its
            # bytes (My account's two-step QR code, new each run, once held "8877" by chance).
            if not value.startswith("$$ID-") and not MEDIA_ADDRESS.fullmatch(value):
                parts.append(value)
        elif isinstance(value, Message):
            for _field, v in value.ListFields():
                strings(v)
        elif not isinstance(value, (bytes, int, float, bool)):  # a repeated field
            for v in value:
                strings(v)

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            strings(proto)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    for frame in at.dataframe:
        parts.append(frame.value.to_string())
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


# Account pages show an administrator every account's name: account data, not case contents.
ACCOUNT_PAGES = {"pages/admin_accounts.py", "pages/admin_audit.py", "pages/account.py"}

# Running a page script outside the portal's navigation, these are the only acceptable ends:
# the service refused (Forbidden, in English), or a link to a page the bare run does not have.
REFUSALS = ("Your role may not do this.", "Only an administrator can list accounts.",
            "Administrators do not see the contents of disputes.")


def assert_nothing_of_it(at: AppTest, path: str = "", role: Role = Role.BORROWER,
                         alone: bool = False) -> None:
    for exc in at.exception:
        assert alone and (exc.message in REFUSALS
                          or exc.message.startswith("Could not find page:")), exc.message
    secrets = SECRETS
    if role == Role.ADMIN and path in ACCOUNT_PAGES:
        # Account pages list names, and ids whose hex digits can contain "4455" by chance: on
        # them the full account number stands for the digits.
        secrets = [s for s in SECRETS if s not in (NAME, "8877", "4455")]
    shown = page_text(at) + "\n".join(e.message for e in at.exception)
    leaked = [s for s in secrets if s in shown]
    assert not leaked, f"the page shows {leaked}"


@pytest.fixture
def victim(portal):
    """Someone else's dispute, worked on: acknowledged, an offer, a message and a note."""
    owner = make_user(portal, name=NAME, email="qian@example.com")
    staff = make_user(portal, Role.STAFF, email="staff@example.com", name="李静")
    number = cases.file_dispute(portal, owner, filing_form(
        description=DESCRIPTION, institution=INSTITUTION, account_ref=ACCOUNT))
    workflow.move(portal, staff, number, "acknowledge", FORMS["acknowledge"])
    make_offer(portal, staff, number, {"refund_minor": "85.00"})
    send_message(portal, owner, number, {"body": "请尽快处理"})
    add_note(portal, staff, number, {"body": NOTE})
    return number


@pytest.fixture
def intruder(portal):
    """A borrower with a dispute of their own, so their pages have something to show."""
    user = make_user(portal, name="张伟", email="zhang.wei@example.com")
    cases.file_dispute(portal, user, filing_form())
    return user


def typed(number: str) -> list[str]:
    """The ways one might type the number into a URL."""
    return [number, number.lower(), f" {number} "]


def run_nav(user, path: str, params: dict[str, str]) -> AppTest:
    at = app(user)
    at.run()
    at.switch_page(path)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def run_alone(user, path: str, params: dict[str, str]) -> AppTest:
    """The page script on its own, as `user`, as if its URL had been typed."""
    at = AppTest.from_file(str(REPO / path), default_timeout=TIMEOUT)
    at.session_state["lang"] = "en"
    from ui import session

    at.session_state["user_id"] = ready(session.context(), user).id
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


PARAM_NAMES = ("number", "dispute", "id", "q")


@pytest.mark.parametrize("role", [Role.BORROWER, Role.ADMIN])
def test_every_page_in_the_navigation_with_the_other_number_in_the_url(portal, victim,
                                                                       intruder, role):
    user = intruder if role == Role.BORROWER else make_user(portal, Role.ADMIN,
                                                            email="admin@example.com")
    tried = 0
    for spec in BY_ROLE[role]:
        tries = [{"number": v} for v in typed(victim)] + [{n: victim} for n in PARAM_NAMES[1:]]
        for params in tries:
            assert_nothing_of_it(run_nav(user, spec.path, params), spec.path, role)
            tried += 1
    assert tried == len(BY_ROLE[role]) * (len(typed(victim)) + len(PARAM_NAMES) - 1)


@pytest.mark.parametrize("role", list(Role))
def test_pages_outside_a_roles_navigation_cannot_be_switched_to(portal, role):
    user = make_user(portal, role, email=f"{role.value}@example.com")
    mine = {s.path for s in BY_ROLE[role]}
    at = app(user)
    at.run()
    for path in PAGES:
        if path in mine or path in ("pages/login.py", "pages/setup.py"):
            continue
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(path)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("role", [Role.BORROWER, Role.ADMIN])
def test_each_page_run_on_its_own_shows_nothing_of_someone_elses_dispute(portal, victim,
                                                                         intruder, role, path):
    user = intruder if role == Role.BORROWER else make_user(portal, Role.ADMIN,
                                                            email="admin@example.com")
    at = run_alone(user, path, {"number": victim})
    assert_nothing_of_it(at, path, role, alone=True)


def test_the_borrowers_dispute_page_says_not_found_for_the_other_number(portal, victim,
                                                                       intruder):
    at = run_nav(intruder, "pages/dispute.py", {"number": victim})
    assert f"No dispute {victim} was found." in page_text(at)
    missing = run_nav(intruder, "pages/dispute.py", {"number": "DSP-2026-999999"})
    assert "No dispute DSP-2026-999999 was found." in page_text(missing)


def test_the_audit_log_filtered_by_a_dispute_number_shows_no_contents(portal, victim):
    admin = make_user(portal, Role.ADMIN, email="admin@example.com")
    at = run_nav(admin, "pages/admin_audit.py", {})
    at.text_input(key="audit_number").input(victim).run()
    assert victim in page_text(at)   # the events are listed ...
    assert_nothing_of_it(at, "pages/admin_audit.py", Role.ADMIN)  # ... not what they say


def test_the_sanity_of_the_walk_the_owner_does_see_it(portal, victim):
    """The walk's eyes work: the same pages show the owner their dispute."""
    owner_id = raw(portal.db, "SELECT borrower_id FROM disputes WHERE number = ?",
                               (victim,)).scalar()
    at = run_nav(get_user(portal, owner_id), "pages/dispute.py", {"number": victim})
    shown = page_text(at)
    assert DESCRIPTION in shown and INSTITUTION in shown and "4455" in shown
