"""One Chinese term per thing, across pages, bundles and documents (issue 16 item 10).

The chosen terms:
- 对话: the conversation between the borrower and the handling team;
- 联系记录: the log of the borrower's contacts with the lender;
- 立案日期: the day a court accepted the case (never 提交时间, the day a dispute was filed here);
- 案件材料汇编: the case bundle, whoever makes it (never 材料包 or 证据材料汇编).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dispute.i18n import catalog
from tests.conftest import REPO

CHOSEN = {
    "Conversation": "对话",
    "Contact log": "联系记录",
    "Save contact": "保存联系记录",
    "Filed in court on": "立案日期",
    "Case bundle": "案件材料汇编",
    "Download my evidence bundle": "下载我的案件材料汇编",
    "Download the bundle (ZIP)": "下载案件材料汇编（ZIP）",
}
# Words that once named one of these things and must not come back.
RETIRED = {"材料包": "案件材料汇编", "证据材料汇编": "案件材料汇编", "证据包": "案件材料汇编",
           "沟通记录": "对话 or 联系记录"}


def test_the_chosen_terms_are_the_translations():
    zh = catalog("zh_CN")
    for msgid, term in CHOSEN.items():
        assert zh.get(msgid) == term, msgid


def test_no_translation_uses_a_retired_term():
    zh = catalog("zh_CN")
    for msgid, text in zh.items():
        for word, instead in RETIRED.items():
            assert word not in text, f"{msgid!r} says {word} (use {instead}): {text}"


# Column headers of court forms keep the form's own word: the 证据目录's 页码.
EXEMPT = {"pages in the case bundle"}


def test_every_bundle_is_a_case_bundle():
    zh = catalog("zh_CN")
    for msgid, text in zh.items():
        if msgid in EXEMPT:
            continue
        if re.search(r"\bbundles?\b", msgid, re.I) and not re.fullmatch(r".*bundle\.\w+.*", msgid):
            assert "材料汇编" in text, f"{msgid!r} → {text}"


def test_the_documents_and_bundle_templates_use_the_same_terms():
    files = [*REPO.glob("dispute/documents/templates/*.zh_CN.toml"),
             *REPO.glob("dispute/bundle/templates/*.html")]
    assert files
    for path in files:
        text = Path(path).read_text(encoding="utf-8")
        for word in RETIRED:
            assert word not in text, f"{path.name} says {word}"


# --- through the pages ------------------------------------------------------------------------

from tests.test_pages import portal  # noqa: E402,F401  (a fixture)


def test_the_workspace_and_the_borrowers_page_use_the_chosen_terms(portal):
    from dispute import cases
    from dispute.vocab import Role
    from tests.conftest import filing_form, make_user
    from tests.test_workflow_pages import open_page

    borrower = make_user(portal)
    staff = make_user(portal, Role.STAFF, email="staff@example.com", name="李静")
    number = cases.file_dispute(portal, borrower, filing_form())
    for user, path in ((staff, "pages/workspace.py"), (borrower, "pages/dispute.py")):
        at = open_page(user, path, number, lang="zh_CN", tab="Contact log")
        assert not at.exception
        tabs = [t.label for t in at.tabs]
        assert "对话" in tabs and "联系记录" in tabs, tabs
        buttons = [b.label for b in at.button]
        assert "保存联系记录" in buttons, buttons
        shown = " ".join(tabs + buttons)
        for word in RETIRED:
            assert word not in shown
    assert "下载我的案件材料汇编" in buttons
