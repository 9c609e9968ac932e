"""Which pages each kind of visitor sees: one declared table, used by portal.py and by the tests."""

from __future__ import annotations

from dataclasses import dataclass

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
