"""No page shows an English msgid to a Chinese reader: every page of every role runs in zh_CN
through AppTest on a dispute with a history (evidence, an offer, mediation, a note), and no
visible text or widget label may contain a catalog msgid whose zh_CN translation differs — the
sign of a string someone forgot to pass through `_()`.

Streamlit's own widget strings ("Drag and drop file here", the date picker's month names) are
drawn by its frontend, not our catalog, and are not seen here; they stay English (known)."""

from __future__ import annotations

import re

import pytest

from dispute import cases, offers, workflow
from dispute.i18n import catalog
from dispute.notes import add_note
from dispute.vocab import Role
from tests.conftest import DISPUTE_TABS, each_tab, filing_form, make_user, pdf_bytes, upload
from tests.second_factor import ready
from tests.test_pages import portal  # noqa: F401  (fixture)
from tests.test_workflow import FORMS
from tests.test_workflow_pages import open_page
from ui.navigation import BY_ROLE

MIN_FRAGMENT = 12  # shorter English fragments ("Stage", "Name") also occur inside real data


def english_fragments() -> dict[str, str]:
    """The literal text of each msgid that zh_CN translates differently → that msgid."""
    found = {}
    for msgid, text in catalog("zh_CN").items():
        if text == msgid:
            continue
        for part in re.split(r"\{[^}]*\}", msgid):
            part = part.strip(" .:·…")
            if len(part) >= MIN_FRAGMENT or part == msgid.strip(" .:·…"):
                found.setdefault(part, msgid)
    return {k: v for k, v in found.items() if k}


def shown_strings(at) -> list[str]:
    """Every text and label the page draws."""
    out = []
    for kind in ("markdown", "title", "header", "subheader", "caption", "error", "info",
                 "success", "warning", "text"):
        out += [str(e.value) for e in getattr(at, kind)]
    for kind in ("button", "text_input", "text_area", "selectbox", "multiselect", "checkbox",
                 "date_input", "number_input", "radio", "toggle", "expander", "tabs", "metric"):
        out += [str(e.label) for e in getattr(at, kind)]
    for kind in ("selectbox", "multiselect", "radio"):
        for e in getattr(at, kind):
            out += [str(o) for o in e.options]
    out += [str(e.label) for e in at.get("page_link")]
    return [re.sub(r"\\(.)", r"\1", s) for s in out]  # undo md_escape


def untranslated(at) -> list[str]:
    fragments = english_fragments()
    hits = []
    for s in shown_strings(at):
        for fragment, msgid in fragments.items():
            if fragment == s.strip(" .:·…*") or (len(fragment) >= MIN_FRAGMENT and fragment in s):
                hits.append(f"{msgid!r} in {s[:80]!r}")
    return hits


@pytest.fixture
def history(portal):  # noqa: F811
    ctx = portal
    who = {Role.BORROWER: make_user(ctx),  # the others enrolled: past the two-step gate
           Role.STAFF: ready(ctx, make_user(ctx, Role.STAFF, email="staff@example.com",
                                            name="李静")),
           Role.LEGAL: ready(ctx, make_user(ctx, Role.LEGAL, email="legal@example.com",
                                            name="陈律师")),
           Role.ADMIN: ready(ctx, make_user(ctx, Role.ADMIN, email="admin@example.com",
                                            name="管理员"))}
    number = cases.file_dispute(ctx, who[Role.BORROWER], filing_form(),
                                [upload("statement.pdf", pdf_bytes())])
    workflow.move(ctx, who[Role.STAFF], number, "acknowledge", FORMS["acknowledge"])
    offers.make_offer(ctx, who[Role.STAFF], number, {"currency": "CNY", "refund_minor": "85.00"})
    add_note(ctx, who[Role.STAFF], number, {"body": "内部备注"})
    workflow.move(ctx, who[Role.STAFF], number, "to_mediation", FORMS["to_mediation"])
    return who, number


PAGES = [(role, spec.path) for role, specs in BY_ROLE.items() for spec in specs]


@pytest.mark.parametrize("role,path", PAGES, ids=[f"{r.value}-{p[6:-3]}" for r, p in PAGES])
def test_no_page_shows_an_english_msgid_in_chinese(history, role, path):
    who, number = history
    at = open_page(who[role], path, number, lang="zh_CN")
    assert not at.exception
    assert shown_strings(at), "the page drew nothing"
    assert untranslated(at) == []
    if path in DISPUTE_TABS:  # a dispute's page draws only its open tab: check each
        for shown in each_tab(at, path):
            assert untranslated(shown) == [], [t.label for t in shown.tabs]


def test_the_check_sees_english_when_the_page_is_in_english(history):
    """The same page in English must trip the check, or the check sees nothing."""
    who, number = history
    hits = untranslated(open_page(who[Role.STAFF], "pages/workspace.py", number, lang="en",
                                  tab="Offers"))
    assert any("'Record an offer from the lender'" in h for h in hits)
    assert any(h.startswith("'Mediation and court' in") for h in hits)  # a tab's label


def test_values_shared_by_two_vocabularies_keep_their_own_labels():
    from dispute.vocab import ErrorCategory, EvidenceKind, Product, label

    assert label(Product.OTHER) == "Other product"
    assert label(ErrorCategory.OTHER) == "Other error"
    assert label(EvidenceKind.OTHER) == "Other evidence"
