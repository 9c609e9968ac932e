"""The Documents tab and the exhibit fields through the pages (AppTest): the borrower sees the
kinds they may make, what the letter leaves blank, makes a PDF that is kept on the dispute and
says they sent it (a written demand); legal makes a DOCX on the workspace; staff on a dispute with
no documents sees the empty state; 证明目的/证据来源 are edited on the evidence panel."""

from __future__ import annotations

import json
import subprocess
import pytest

from dispute import cases, event_kinds as ek
from dispute.documents.kept import list_documents, open_document
from dispute.exhibits import list_evidence
from dispute.vocab import Role
from tests.conftest import raw, filing_form, make_user, open_form, pdf_bytes, upload
from tests.test_pages import portal, texts  # noqa: F401  (portal is a fixture)
from tests.test_workflow_pages import open_page

@pytest.fixture
def case(portal):
    borrower = make_user(portal)
    staff = make_user(portal, Role.STAFF, email="staff@example.com", name="李静")
    legal = make_user(portal, Role.LEGAL, email="legal@example.com", name="陈律师")
    number = cases.file_dispute(portal, borrower, filing_form(),
                                [upload("statement.pdf", pdf_bytes("bank"))])
    return portal, number, borrower, staff, legal


def demands(ctx) -> list[dict]:
    return [json.loads(r["payload"]) for r in raw(ctx.db,
            "SELECT payload FROM events WHERE kind = ? ORDER BY seq", (ek.DEMAND_RECORDED,))]


def test_the_borrower_makes_a_pdf_keeps_it_and_records_that_it_was_sent(case, tmp_path):
    ctx, number, borrower, _, _ = case
    at = open_page(borrower, "pages/dispute.py", number, lang="zh_CN", tab="Documents")
    assert not at.exception
    kinds = at.selectbox(key="doc_kind").options
    assert "投诉书" in "".join(kinds) and not any("投诉处理决定" in k for k in kinds)
    assert "No documents" not in texts(at) and "此争议尚未生成任何文书" in texts(at)
    assert "此文书有" in texts(at) and "【待填" in texts(at)        # the blanks, before making
    at.button(key="doc_make_pdf").click().run()
    assert not at.exception
    [doc] = list_documents(ctx, borrower, number)
    assert (doc.kind, doc.format, doc.lang) == ("complaint_letter", "pdf", "zh_CN")
    assert "已生成" in texts(at)
    assert at.get("download_button")                                 # the kept one's download
    with open_document(ctx, borrower, number, doc.id) as fh:
        pdf = tmp_path / "letter.pdf"
        pdf.write_bytes(fh.read())
    # the first page renders (pdftoppm reads the kept bytes as a PDF)
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(tmp_path / "page1")], check=True)
    assert (tmp_path / "page1.png").stat().st_size > 1000

    key = f"sent_{doc.id}"
    open_form(at, key)
    at.button(key=f"{key}_submit").click().run()
    assert not at.exception and demands(ctx) == []                   # no date: refused
    at.date_input(key=f"{key}_on").set_value(ctx.today())
    at.selectbox(key=f"{key}_channel").select("post")
    at.text_input(key=f"{key}_proof").input("EMS 1234567890123")
    at.button(key=f"{key}_submit").click().run()
    assert not at.exception
    [demand] = demands(ctx)
    assert demand["proof"] == "EMS 1234567890123" and demand["document"] == str(doc.id)
    assert demand["channel"] == "post" and demand["sent_on"] == ctx.today().isoformat()


def test_legal_makes_a_docx_on_the_workspace_and_staff_sees_the_empty_state(case):
    ctx, number, _, staff, legal = case
    at = open_page(staff, "pages/workspace.py", number, tab="Documents")
    assert not at.exception
    kinds = at.selectbox(key="doc_kind").options                    # the lender's answers only
    assert [k for k in kinds if "Complaint decision" in k] and \
        not [k for k in kinds if k.startswith("Complaint letter")]
    assert "No documents have been made for this dispute yet." in texts(at)

    at = open_page(legal, "pages/workspace.py", number, tab="Documents")
    at.selectbox(key="doc_kind").select("evidence_list").run()
    at.radio(key="doc_lang_evidence_list").set_value("en").run()
    at.button(key="doc_make_docx").click().run()
    assert not at.exception
    [doc] = list_documents(ctx, legal, number)
    assert (doc.kind, doc.format, doc.lang) == ("evidence_list", "docx", "en")
    at.button(key="doc_make_pdf").click().run()
    pdf = next(d for d in list_documents(ctx, legal, number) if d.format == "pdf")
    # the Export tab offers the kept PDF (not the DOCX) for the bundle
    at = open_page(legal, "pages/workspace.py", number, tab="Export")
    [offered] = at.multiselect(key=f"export_panel_{number}_documents").options
    assert "Evidence" in offered or "List of evidence" in offered, (offered, pdf.kind)


def test_the_borrower_records_what_an_exhibit_proves_and_its_source(case):
    ctx, number, borrower, _, _ = case
    item = list_evidence(ctx, borrower, number)[0]
    at = open_form(open_page(borrower, "pages/dispute.py", number, lang="zh_CN", tab="Evidence"),
                   f"exd_{item.id}")
    at.text_area(key=f"exd_{item.id}_proves").input("被告重复扣款")
    at.text_input(key=f"exd_{item.id}_source").input("银行对账单")
    at.button(key=f"exd_{item.id}_submit").click().run()
    assert not at.exception
    again = list_evidence(ctx, borrower, number)[0]
    assert (again.proves, again.source) == ("被告重复扣款", "银行对账单")
    assert "证明目的: 被告重复扣款" in texts(at) and "证据来源: 银行对账单" in texts(at)
