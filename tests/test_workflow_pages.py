"""The workflow through the pages (AppTest): queue, workspace, docket, and the borrower's side."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dispute import cases, workflow
from dispute.messages import send_message
from dispute.notes import add_note
from dispute.offers import OfferStatus, list_offers, make_offer
from dispute.vocab import Role, Stage
from tests.conftest import each_tab, filing_form, make_user, open_form, open_tab
from tests.test_pages import app, portal, texts  # noqa: F401  (portal is a fixture)
from tests.test_workflow import FORMS


def open_page(user, path: str, number: str | None = None, lang: str = "en",
              tab: str | None = None) -> AppTest:
    """The page `path` (of dispute `number`); on a dispute's page, with the tab `tab` open."""
    at = app(user, lang)
    at.run()
    at.switch_page(path)
    if number:
        at.query_params["number"] = number
    at.run()
    return open_tab(at, tab, path) if tab else at


@pytest.fixture
def case(portal):
    borrower = make_user(portal)
    staff = make_user(portal, Role.STAFF, email="staff@example.com", name="李静")
    legal = make_user(portal, Role.LEGAL, email="legal@example.com", name="陈律师")
    number = cases.file_dispute(portal, borrower, filing_form())
    return portal, number, borrower, staff, legal


def test_staff_finds_the_dispute_in_the_queue_and_acknowledges_it(case):
    ctx, number, _, staff, _ = case
    at = open_page(staff, "pages/queue.py")
    assert not at.exception
    assert number in [link.label for link in at.get("page_link")]
    at.text_input(key="queue_text").input("no such words").run()
    assert "No dispute matches these filters." in texts(at)

    at = open_form(open_page(staff, "pages/workspace.py", number), "move_acknowledge")
    assert not at.exception
    at.button(key="move_acknowledge_submit").click().run()
    assert "This field is required." in texts(at)
    assert cases.get_dispute(ctx, staff, number).stage == Stage.FILED
    at.text_area(key="move_acknowledge_acknowledgment").input("已受理").run()
    at.button(key="move_acknowledge_submit").click().run()
    assert not at.exception
    d = cases.get_dispute(ctx, staff, number)
    assert d.stage == Stage.NEGOTIATION and d.handler_id == staff.id


def test_an_offer_recorded_by_staff_is_rejected_by_the_borrower(case):
    ctx, number, borrower, staff, _ = case
    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    at = open_page(staff, "pages/workspace.py", number, tab="Offers")
    at.text_input(key="offer_refund").input("85.00")
    at.button(key="offer_submit").click().run()
    assert not at.exception
    [offer] = list_offers(ctx, staff, number)
    assert offer.refund_minor == 8500

    at = open_page(borrower, "pages/dispute.py", number)
    assert "You have an offer to answer" in texts(at)
    open_tab(at, "Offers", "pages/dispute.py")
    at.button(key=f"offer_{offer.id}_rejected").click().run()
    at.button(key=f"offer_{offer.id}_confirm").click().run()
    assert not at.exception
    assert list_offers(ctx, staff, number)[0].status == OfferStatus.REJECTED


def test_a_request_for_information_shows_to_the_borrower_until_answered(case):
    ctx, number, borrower, staff, _ = case
    at = open_page(staff, "pages/workspace.py", number, tab="Conversation")
    at.text_area(key="msg_body").input("请上传3月份账单")
    at.checkbox(key="msg_request").check()
    at.button(key="msg_submit").click().run()
    assert not at.exception
    assert cases.get_dispute(ctx, staff, number).waiting_on_borrower

    at = open_page(borrower, "pages/dispute.py", number, lang="zh_CN")
    assert "处理团队请您补充材料" in texts(at)
    assert "请上传3月份账单" in texts(at)
    at.text_area(key="msg_body").input("已上传，请查收").run()
    at.button(key="msg_submit").click().run()
    assert not at.exception
    assert not cases.get_dispute(ctx, staff, number).waiting_on_borrower


def test_internal_notes_are_on_the_workspace_and_never_on_the_borrowers_page(case):
    ctx, number, borrower, staff, _ = case
    add_note(ctx, staff, number, {"body": "内部：借款人情绪激动"})
    assert "内部：借款人情绪激动" in texts(open_page(staff, "pages/workspace.py", number,
                                                  tab="Internal notes"))
    at = open_page(borrower, "pages/dispute.py", number)
    assert not at.exception
    for shown in each_tab(at, "pages/dispute.py"):
        assert "内部：借款人情绪激动" not in texts(shown)
        assert "Internal note" not in texts(shown)


def test_the_borrower_corrects_the_filing_while_it_is_filed(case):
    ctx, number, borrower, _, _ = case
    at = open_page(borrower, "pages/dispute.py", number, tab="Correct my filing")
    at.text_area(key="corr_description").input("更正：扣款失败发生在9月2日").run()
    at.button(key="corr_submit").click().run()
    assert not at.exception
    assert cases.get_dispute(ctx, borrower, number).description == "更正：扣款失败发生在9月2日"


def test_the_docket_and_the_workspace_show_mediation_to_legal(case):
    ctx, number, _, staff, legal = case
    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    workflow.move(ctx, staff, number, "to_mediation", FORMS["to_mediation"])
    at = open_page(legal, "pages/docket.py")
    assert not at.exception and "上海银行业纠纷调解中心" in texts(at)
    # a card per dispute on a phone: one keyed list, a header line the phone stylesheet hides
    html = " ".join(str(h.proto.body) for h in at.get("html"))
    assert "@media (max-width: 640px)" in html and '[class*="st-key-list_docket"]' in html
    assert ('[class*="st-key-list_docket"] > [data-testid="stElementContainer"]:nth-child(-n+2) '
            "{ display: none; }") in html  # the header line, on a phone
    at = open_page(legal, "pages/workspace.py", number, lang="zh_CN", tab="Mediation and court")
    assert not at.exception
    open_form(at, "med")
    at.text_input(key="med_reference").input("沪银调〔2026〕118号")
    at.button(key="med_submit").click().run()
    assert not at.exception
    assert "沪银调〔2026〕118号" in texts(at)


def test_a_borrower_cannot_open_the_workspace_or_someone_elses_dispute(case):
    ctx, number, _, _, _ = case
    other = make_user(ctx, email="other@example.com")
    at = open_page(other, "pages/dispute.py", number)
    assert f"No dispute {number} was found." in texts(at)
    assert "自动还款" not in texts(at)


def test_legal_exports_a_bundle_from_the_workspace_and_the_borrower_gets_theirs(case, tmp_path):
    import io
    import zipfile

    from dispute.bundle import signing
    from dispute.bundle.verify import verify_bundle

    ctx, number, borrower, staff, legal = case
    portal_key = signing.public_pem(signing.load_key(ctx.settings.data_dir)).encode()
    add_note(ctx, staff, number, {"body": "内部备注：不应出现在借款人的材料包中"})
    at = open_page(legal, "pages/workspace.py", number, tab="Export")
    assert not at.exception
    at.checkbox(key=f"export_panel_{number}_notes").check()
    at.button(key=f"FormSubmitter:export_panel_{number}_form-Make the bundle").click().run()
    assert not at.exception
    name, data = at.session_state[f"export_panel_{number}"]
    path = tmp_path / name
    path.write_bytes(data)
    assert verify_bundle(path, portal_key).ok
    assert "不应出现在借款人的材料包中" in pdf_text(data)

    at = open_page(borrower, "pages/dispute.py", number)
    at.button(key=f"my_bundle_{number}_make").click().run()
    assert not at.exception
    name, data = at.session_state[f"my_bundle_{number}"]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "bundle.pdf" in z.namelist()
    (tmp_path / "mine.zip").write_bytes(data)
    assert verify_bundle(tmp_path / "mine.zip", portal_key).ok
    assert "不应出现在借款人的材料包中" not in pdf_text(data)


def pdf_text(zip_bytes: bytes) -> str:
    import io
    import zipfile

    from pypdf import PdfReader

    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as z:
        reader = PdfReader(io.BytesIO(z.read("bundle.pdf")))
        return "".join(page.extract_text() for page in reader.pages)


def test_an_offer_on_a_dollar_dispute_starts_in_dollars(portal):
    """Staff record a lender's offer in the dispute's own currency unless they choose another:
    the form no longer starts in yuan on a dispute filed in US dollars."""
    borrower = make_user(portal)
    staff = make_user(portal, Role.STAFF, email="staff@example.com")
    number = cases.file_dispute(portal, borrower, filing_form(currency="USD"))
    workflow.move(portal, staff, number, "acknowledge", FORMS["acknowledge"])
    at = open_page(staff, "pages/workspace.py", number, tab="Offers")
    assert not at.exception
    assert at.selectbox(key="offer_currency").value == "USD"


def test_the_disputes_holding_a_deletion_read_in_chinese_punctuation(portal):
    """Each hold is "number：reason（until）" in Chinese, not with an English colon and
    brackets."""
    borrower = make_user(portal)
    number = cases.file_dispute(portal, borrower, filing_form()).replace("-", "\\-")  # markdown
    at = open_page(borrower, "pages/account.py", lang="zh_CN")
    assert not at.exception
    [held] = [w.value for w in at.warning if number in w.value]
    assert f"{number}：尚未结案（直至结案，再加保存期）" in held, held
    at = open_page(borrower, "pages/account.py", lang="en")
    [held] = [w.value for w in at.warning if number in w.value]
    assert f"{number}: still open (until it closes, then the retention period)" in held, held
