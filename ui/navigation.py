"""Which pages each kind of visitor sees: one declared table, used by portal.py and by the tests.

Every page has one address (`/workspace`, `/dispute`, `/queue`, …) that works for every visitor:
a role that has no page there gets a hidden alias (`aliases`), so a reloaded or copied link never
ends in Streamlit's "Page not found". A visitor who is not signed in gets the login page there
and, once signed in, the page itself; a dispute's link opens the dispute's page of the role that
follows it (staff's workspace, the borrower's dispute page); any other page the role does not
have opens its landing page."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dispute.i18n import N_
from dispute.vocab import Role


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str  # msgid
    icon: str
    hidden: bool = False


LANDING = "home"  # the url_path of every visitor's first page

SETUP = [PageSpec("pages/setup.py", N_("First-run set-up"), "settings")]
# Pages that links in emails open, signed in or not (single-use tokens; a signed unsubscribe).
LINKS = [PageSpec("pages/verify_email.py", N_("Confirm your email address"), "mark_email_read",
                  hidden=True),
         PageSpec("pages/reset_password.py", N_("Forgot password"), "lock_reset", hidden=True),
         PageSpec("pages/unsubscribe.py", N_("Stop emails of one kind"), "unsubscribe",
                  hidden=True)]
ANONYMOUS = [PageSpec("pages/login.py", N_("Log in or register"), "login"), *LINKS]
ACCOUNT = PageSpec("pages/account.py", N_("My account"), "account_circle")
INBOX = PageSpec("pages/inbox.py", N_("Inbox"), "notifications")
QUEUE = PageSpec("pages/queue.py", N_("Queue"), "inbox")
DASHBOARD = PageSpec("pages/dashboard.py", N_("Dashboard"), "monitoring")
WORKSPACE = PageSpec("pages/workspace.py", N_("Dispute workspace"), "work", hidden=True)
BY_ROLE: dict[Role, list[PageSpec]] = {
    Role.BORROWER: [PageSpec("pages/my_disputes.py", N_("My disputes"), "folder_open"),
                    PageSpec("pages/file_dispute.py", N_("File a dispute"), "edit_document"),
                    PageSpec("pages/dispute.py", N_("Dispute"), "description", hidden=True),
                    INBOX, ACCOUNT, *LINKS],
    Role.STAFF: [QUEUE, DASHBOARD, WORKSPACE, INBOX, ACCOUNT, *LINKS],
    Role.LEGAL: [PageSpec("pages/docket.py", N_("Docket"), "gavel"), QUEUE, DASHBOARD,
                 WORKSPACE, INBOX, ACCOUNT, *LINKS],
    Role.ADMIN: [PageSpec("pages/admin_accounts.py", N_("Accounts"), "group"),
                 PageSpec("pages/admin_audit.py", N_("Audit log"), "history"), INBOX, ACCOUNT,
                 *LINKS],
}


def pages_for(role: Role | None, needs_setup: bool = False) -> list[PageSpec]:
    """The pages in the order shown; the first is the landing page."""
    if role is None:
        return SETUP if needs_setup else ANONYMOUS
    return BY_ROLE[role]


# A dispute's page has a different address per side of the case; a link to one opens the other.
_SAME_PAGE = {"workspace": "dispute", "dispute": "workspace"}


def url_path(spec: PageSpec) -> str:
    """The page's own address (Streamlit's default: the file name without .py)."""
    return Path(spec.path).stem


def _every_spec() -> list[PageSpec]:
    return SETUP + ANONYMOUS + [s for specs in BY_ROLE.values() for s in specs]


def aliases(role: Role | None, needs_setup: bool = False) -> dict[str, PageSpec]:
    """The addresses of other visitors' pages that this visitor's pages do not cover, each with
    the page it opens here (see the module's docstring). The landing page is at LANDING, so its
    own address is an alias too."""
    own = pages_for(role, needs_setup)
    covered = {url_path(s) for s in own[1:]}
    by_path = {url_path(s): s for s in own[1:]}
    found = {}
    for path in sorted({url_path(s) for s in _every_spec()}):
        if path in covered:
            continue
        twin = by_path.get(_SAME_PAGE.get(path, ""))
        found[path] = twin if twin is not None and role is not None else own[0]
    return found
