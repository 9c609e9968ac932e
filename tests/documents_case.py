"""Disputes to make documents from, built once per test module through the real services (and
tests/bundle_case.py's records helpers): a Chinese dispute the lender has decided, one it has
left unanswered past its deadline, one under US rules, and one whose every free-text field is
hostile (template syntax, HTML, a comment, a placeholder)."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from docx import Document

from dispute import demands, workflow
from dispute.cases import file_dispute
from dispute.config import Settings
from dispute.contacts import add_contact
from dispute.context import Context, open_context
from dispute.exhibits import attach_evidence
from dispute.models import User
from dispute.vocab import Role
from tests import bundle_case as bc
from tests.conftest import NOW, Clock, filing_form, make_user, pdf_bytes, png_bytes, upload

HOSTILE = ("{{ 7*7 }} {% if 1 %}IF{% endif %} <b>bold</b> <!-- hidden --> "
           "<script>alert(1)</script> {borrower.name} &amp; ${x}")
DECISION = "经核查，自动扣款失败系本行系统升级所致，已退还违约金。The autopay failure was our fault."
US_DESCRIPTION = ("My August payment was sent on time by autopay, but the servicer posted it "
                  "to the wrong loan and charged a late fee. 我的还款被错误入账。")


@dataclass
class World:
    ctx: Context
    borrower: User
    legal: User
    staff: User
    decided: str        # cn-banking, closed with a decision
    silent: str         # cn-banking, open, the lender's deadline missed
    us: str             # us-reg-x, closed with a decision
    hostile: str        # cn-banking, every free text hostile
    hostile_owner: User


def build(data_dir: Path) -> World:
    ctx = open_context(Settings(data_dir=data_dir, max_upload_mb=2, timezone="Asia/Shanghai"))
    ctx.clock = Clock(NOW - timedelta(days=40))
    borrower, legal, staff = bc.people(ctx)

    silent = bc.file_case(ctx, borrower, error_category="wrong_credit_report",
                          remedies=["credit_record_correction", "compensation"],
                          compensation_minor="5,000.00", discovered_on=date(2026, 9, 10))
    add_contact(ctx, borrower, silent, {
        "contacted_at": datetime(2026, 10, 12, 2, 0, tzinfo=timezone.utc), "channel": "branch",
        "agent_name": "柜员 李", "agent_position": "营业部",
        "summary": "递交书面投诉，对方称15日内答复。Handed in a written complaint."})

    ctx.clock.now = NOW
    decided = bc.file_case(ctx, borrower, compensation_minor="1,000.00",
                           remedies=["fee_reversal", "credit_record_correction", "compensation",
                                     "apology"])
    attach_evidence(ctx, borrower, decided, [
        upload("statement.pdf", pdf_bytes("bank"), description="2026年9月对账单 September statement"),
        upload("sms.png", png_bytes(), kind="screenshot",
               description="扣款失败短信截图 SMS saying the debit failed"),
        upload("contract.pdf", pdf_pages(3), kind="contract",
               description="信用卡领用合约（三页）Card agreement, 3 pages")])
    bc.workflow_records(ctx, decided, borrower, staff)
    demands.record_demand(ctx, borrower, decided, {"sent_on": date(2026, 11, 2),
                                                   "note": "律师函 lawyer's letter"})
    workflow.move(ctx, staff, decided, "acknowledge",
                  {"acknowledgment": "已收到您的投诉。We have your complaint."})
    workflow.move(ctx, staff, decided, "close",
                  {"resolution": "monetary_relief", "summary": DECISION})

    us = file_dispute(ctx, borrower, filing_form(
        institution="Example Mortgage Servicing LLC", product="mortgage",
        account_ref="0012 3456 7890", error_category="payment_misapplied",
        description=US_DESCRIPTION, currency="USD", overdue_minor="1,850.00",
        fees_minor="75.00", remedies=["fee_reversal", "credit_record_correction"]),
        [upload("bank-record.pdf", pdf_bytes("us"), description="Bank record of the payment")])
    ctx.db.write(lambda uow: uow.execute("UPDATE disputes SET rulebook = 'us-reg-x' "
                                         "WHERE number = ?", (us,)))
    add_contact(ctx, borrower, us, {
        "contacted_at": datetime(2026, 11, 5, 15, 0, tzinfo=timezone.utc), "channel": "phone",
        "agent_name": "Dana", "agent_position": "Customer care",
        "summary": "Agent said the payment would be moved within 10 days."})
    workflow.move(ctx, staff, us, "acknowledge", {"acknowledgment": "We have your notice."})
    workflow.move(ctx, staff, us, "close", {"resolution": "explanation_only",
                                             "summary": "The payment was applied as instructed."})

    owner = make_user(ctx, name=HOSTILE[:60], email="hostile@example.com")
    hostile = file_dispute(ctx, owner, filing_form(
        institution=HOSTILE[:200], description=HOSTILE, account_ref="6225 0000 1111 2222",
        remedies=["fee_reversal", "credit_record_correction", "compensation",
                  "repayment_plan", "contract_rescission", "apology"],
        compensation_minor="10.00"),
        [upload("h.pdf", pdf_bytes("h"), description=HOSTILE)])
    add_contact(ctx, owner, hostile, {
        "contacted_at": datetime(2026, 11, 1, tzinfo=timezone.utc), "channel": "phone",
        "agent_name": HOSTILE[:200], "agent_position": HOSTILE, "summary": HOSTILE,
        "agreement": HOSTILE})
    demands.record_demand(ctx, owner, hostile, {"sent_on": date(2026, 11, 2), "note": HOSTILE})
    _hostile_records(ctx, hostile, owner, staff, legal)
    return World(ctx, borrower, legal, staff, decided, silent, us, hostile, owner)


def _hostile_records(ctx: Context, number: str, owner: User, staff: User, legal: User) -> None:
    """Offer, mediation and court records, each free-text field hostile, through the services."""
    from dispute import offers, proceedings

    workflow.move(ctx, staff, number, "acknowledge", {"acknowledgment": HOSTILE})
    offers.make_offer(ctx, staff, number, {"refund_minor": "85.00", "note": HOSTILE})
    offer = offers.list_offers(ctx, staff, number)[0].id
    offers.answer_offer(ctx, owner, number, offer, {"answer": "rejected", "note": HOSTILE})
    workflow.move(ctx, staff, number, "to_mediation", {"reason": HOSTILE, "body": HOSTILE[:200]})
    proceedings.update_mediation(ctx, legal, number, {
        "body": HOSTILE[:200], "reference": HOSTILE[:200], "mediator": HOSTILE[:200],
        "result": HOSTILE})
    proceedings.add_session(ctx, legal, number, {"held_on": date(2026, 11, 10), "notes": HOSTILE})
    workflow.move(ctx, legal, number, "to_litigation", {"mediation_result": HOSTILE,
                                                         "court": HOSTILE[:200]})
    proceedings.update_litigation(ctx, legal, number, {"court": HOSTILE[:200],
                                                        "case_number": HOSTILE[:200]})
    proceedings.add_hearing(ctx, legal, number, {"held_on": date(2026, 11, 15), "notes": HOSTILE})
    workflow.move(ctx, legal, number, "close", {"resolution": "explanation_only",
                                                 "summary": HOSTILE})


def pdf_pages(count: int) -> bytes:
    """A real PDF of `count` pages (an exhibit that spans pages in the bundle)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- reading documents back -----------------------------------------------------------------

def docx_text(data: bytes) -> str:
    """Every paragraph, table cell and footer of a DOCX, as python-docx reads it."""
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def docx_xml(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name).decode("utf-8")


def pdf_text(path: Path) -> str:
    """The PDF's text in the order it was written (-raw): the default mode joins a line ending
    in "-" to the next one, eating the hyphen of a wrapped "<!--"."""
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def pdf_fonts(path: Path) -> list[dict[str, Any]]:
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                         text=True).stdout.splitlines()[2:]
    return [{"name": line.split()[0], "emb": line.split()[-5]} for line in out if line.strip()]


def squeeze(text: str) -> str:
    """Text without whitespace: lines wrap differently in Word and in the PDF."""
    return re.sub(r"\s+", "", text)
