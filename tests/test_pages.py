"""Every page through Streamlit's AppTest: no exception, and its main behaviour."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dispute import accounts, cases, two_factor
from dispute.context import open_context
from dispute.exhibits import list_evidence
from dispute.vocab import Role, Stage
from tests.conftest import (NOW, filing_form, make_user, open_tab, pdf_bytes, png_bytes, raw, upload,
                            user_form)
from tests.second_factor import ready
from ui.navigation import BY_ROLE, pages_for

TIMEOUT = 30
APP = Path(__file__).resolve().parents[1] / "portal.py"  # the script app.py serves


@pytest.fixture
def portal(settings, monkeypatch):
    """The portal's own service context on a temp data dir, shared with the AppTest runs."""
    monkeypatch.setenv("DISPUTE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DISPUTE_MAX_UPLOAD_MB", str(settings.max_upload_mb))
    from ui import session

    ctx = session.context()
    yield ctx


def app(user=None, lang="en") -> AppTest:
    """The portal with `user` signed in (both steps passed: staff, legal and administrators are
    enrolled in two-step sign-in first, as they must be to get past the gate)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    if user is not None:
        from ui import session

        at.session_state["user_id"] = ready(session.context(), user).id
    return at


def texts(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.title]
    parts += [e.value for e in at.error] + [e.value for e in at.info] + [e.value for e in at.success]
    parts += [e.value for e in at.caption] + [e.value for e in at.warning]
    return re.sub(r"\\(.)", r"\1", "\n".join(str(p) for p in parts))  # undo md_escape


def fill_setup(at: AppTest) -> None:
    at.text_input(key="setup_name").input("Ops Admin")
    at.text_input(key="setup_email").input("admin@example.com")
    at.text_input(key="setup_phone").input("+86 138 0000 0000")
    at.text_input(key="setup_password").input("a long enough password")


def test_first_run_offers_admin_setup_and_signs_the_admin_in(portal):
    at = app().run()
    assert not at.exception
    assert at.title[0].value == "Welcome — set up the portal"
    fill_setup(at)
    at.button[0].click().run()
    assert not at.exception
    # an administrator sets up two-step sign-in before anything else
    assert at.title[0].value == "Set up two-step sign-in"
    assert len(at.get("image")) == 1  # the QR code
    finish_two_step_setup(at)
    assert at.title[0].value == "Accounts"
    assert "Load demo data" in [e.label for e in at.expander]


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def finish_two_step_setup(at: AppTest) -> list[str]:
    """Type the code of the secret the set-up form shows, then leave the recovery codes page;
    the codes that were shown."""
    from tests.second_factor import code_now

    at.text_input(key="setup2fa_code").input(code_now(at.session_state["two_step_secret"], 0))
    button(at, "Turn on two-step sign-in").click().run()
    assert not at.exception
    codes = at.code[0].value.split("\n")
    assert len(codes) == 10 and "shown only this once" in texts(at)
    button(at, "I have saved my recovery codes").click().run()
    assert not at.exception and not at.code
    return codes


def test_register_shows_the_problem_beside_the_field_then_signs_in(portal):
    make_user(portal, Role.ADMIN, email="admin@example.com")
    at = app().run()
    assert not at.exception
    at.text_input(key="register_name").input("李娜")
    at.text_input(key="register_email").input("li.na@example.com")
    at.text_input(key="register_phone").input("13800138000")
    at.text_input(key="register_password").input("short")
    at.button[1].click().run()
    assert "At least 10 characters." in texts(at)
    assert accounts.count_accounts(portal) == 1
    at.text_input(key="register_password").input("long enough secret")
    at.button[1].click().run()
    assert not at.exception
    assert at.title[0].value == "My disputes"
    assert "You have not filed a dispute yet" in texts(at)


def test_login_with_wrong_then_right_password(portal):
    user = make_user(portal)
    at = app().run()
    at.text_input(key="login_email").input(user.email)
    at.text_input(key="login_password").input("wrong password")
    at.button[0].click().run()
    assert "The email or password is not correct." in texts(at)
    at.text_input(key="login_password").input("correct horse battery")
    at.button[0].click().run()
    assert not at.exception and at.title[0].value == "My disputes"
    at.button(key="logout").click().run()
    assert at.title[0].value == "Dispute portal"
    assert at.session_state["user_id"] is None


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_own_pages(portal, role):
    user = make_user(portal, role, email=f"{role.value}@example.com")
    at = app(user).run()
    assert not at.exception
    landing = {Role.BORROWER: "My disputes", Role.STAFF: "Queue", Role.LEGAL: "Docket",
               Role.ADMIN: "Accounts"}
    assert at.title[0].value == landing[role]
    assert pages_for(role) == BY_ROLE[role]


def test_borrower_files_a_dispute_with_evidence_and_sees_it_listed(portal):
    user = make_user(portal)
    at = app(user).run()
    at.switch_page("pages/file_dispute.py").run()
    assert not at.exception
    form = filing_form()
    at.text_input(key="file_institution").input(form["institution"])
    at.text_input(key="file_account_ref").input(form["account_ref"])
    at.text_area(key="file_description").input(form["description"])
    at.date_input(key="file_discovered").set_value(form["discovered_on"])
    at.text_input(key="file_overdue_minor").input("1,234.50")
    at.multiselect(key="file_remedies").select("fee_reversal")
    at.file_uploader(key="file_files").upload("statement.pdf", pdf_bytes(), "application/pdf")
    at.run()
    next(w for w in at.text_input if (w.key or "").startswith("file_desc_")).input("3月对账单")
    at.button(key="file_submit").click().run()
    assert not at.exception, at.exception
    page = cases.list_my_disputes(portal, user)
    assert page.total == 1
    number = page.items[0].number
    assert at.title[0].value == number
    assert list_evidence(portal, user, number)[0].description == "3月对账单"
    at.switch_page("pages/my_disputes.py").run()
    assert number in [p.label for p in at.get("page_link")]


def test_filing_errors_are_shown_beside_their_fields_and_nothing_is_filed(portal):
    user = make_user(portal)
    at = app(user).run()
    at.switch_page("pages/file_dispute.py").run()
    at.text_input(key="file_overdue_minor").input("12.345")
    at.button(key="file_submit").click().run()
    assert not at.exception
    shown = texts(at)
    assert "Please correct the fields marked below." in shown
    assert "“12.345” has more decimal places than CNY has." in shown
    assert "Choose at least one." in shown
    assert cases.list_my_disputes(portal, user).total == 0


def _dispute_page(user, number, lang="en", tab: str | None = None) -> AppTest:
    """The borrower's page of dispute `number`, with the tab `tab` open (the first if None)."""
    at = app(user, lang)
    at.query_params["number"] = number
    at.run()
    at.switch_page("pages/dispute.py")
    at.query_params["number"] = number
    at.run()
    return open_tab(at, tab, "pages/dispute.py") if tab else at


def test_dispute_page_shows_details_evidence_and_withdraws_after_confirmation(portal):
    user = make_user(portal)
    number = cases.file_dispute(portal, user, filing_form(),
                                [upload("a.pdf", pdf_bytes()), upload("b.png", png_bytes())])
    at = _dispute_page(user, number, tab="Evidence")
    assert not at.exception, at.exception
    assert at.title[0].value == number
    shown = texts(at)
    assert "6225********5678" in shown and "E01" in shown and "E02" in shown
    open_tab(at, "Withdraw", "pages/dispute.py")
    assert at.button(key="withdraw_submit").disabled
    at.text_area(key="withdraw_reason").input("银行已经更正")
    at.checkbox(key="withdraw_confirm").check().run()
    at.button(key="withdraw_submit").click().run()
    assert not at.exception
    assert cases.get_dispute(portal, user, number).stage == Stage.CLOSED


def test_an_image_over_the_pixel_limit_is_not_previewed(portal):
    """Issue 19, finding 5: an image stored before intake refused huge ones is not decoded for
    its preview; the page says why and still offers the download."""
    from tests.conftest import attach_without_intake, huge_png

    user = make_user(portal)
    number = cases.file_dispute(portal, user, filing_form())
    attach_without_intake(portal, user, number, "长截图.png", huge_png(13000, 13000), "image/png")
    at = _dispute_page(user, number, tab="Evidence")
    assert not at.exception, at.exception
    assert "This image is 13000 × 13000 pixels, too large to show here" in texts(at)
    assert not at.get("image")


HOSTILE_TEXTS = ["https://evil.example/login", "HTTP://EVIL.EXAMPLE", "www.evil.example/a",
                 "mailto:help@evil.example", "pay to refund@evil.example now",
                 "<https://evil.example>", "[refund](https://evil.example)",
                 "![x](https://evil.example/p.png)", "xmpp:bank@evil.example"]


def gfm_links(source: str) -> list[str]:
    r"""What Streamlit's Markdown renderer turns into a link in `source`: CommonMark links and
    autolinks, and GFM's literal autolinks, which remark-gfm finds in the text *after* backslash
    escapes are undone (StreamlitMarkdown.js uses these two regular expressions: `(https?:\/\/|
    www(?=\.))([-.\w]+)…` with the flags gi and `([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)` with u, both
    with an ASCII \w). A superset: the renderer's extra checks (the character before, the
    domain's last part) only ever drop a match."""
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", source)
    found = re.findall(r"(?:https?://|www(?=\.))[-.\w]+", text, re.ASCII | re.IGNORECASE)
    found += re.findall(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+", text, re.ASCII)
    found += re.findall(r"(?<!\\)\]\(|(?<!\\)<[A-Za-z][-A-Za-z0-9+.]{1,31}:[^\s<>]*>", source)
    return found


def markdown_sources(at: AppTest) -> list[str]:
    """Every piece of Markdown on the page (what the browser renders as Markdown)."""
    kinds = ("markdown", "caption", "info", "warning", "error", "success", "title", "subheader",
             "header")
    return [str(e.value) for kind in kinds for e in at.get(kind)]


def test_user_text_never_becomes_a_link(portal):
    """Issue 19, finding 7: escaped Markdown still auto-linked https://…, www.… and e-mail
    addresses, on the borrower's page and in "My disputes". User text must show as text."""
    from dispute.contacts import add_contact

    user = make_user(portal)
    number = cases.file_dispute(portal, user, filing_form(
        institution="www.evil.example", description="\n".join(HOSTILE_TEXTS)))
    cases.file_dispute(portal, user, filing_form(institution="https://evil.example/bank"))
    add_contact(portal, user, number, {
        "contacted_at": NOW, "channel": "phone", "agent_name": "agent@evil.example",
        "agent_position": "www.evil.example", "summary": " ".join(HOSTILE_TEXTS)})
    assert gfm_links(render_md_escape(" ".join(HOSTILE_TEXTS))) == []
    for at in (_dispute_page(user, number), _dispute_page(user, number, tab="Contact log"),
               app(user).run()):
        assert not at.exception, at.exception
        sources = markdown_sources(at)
        shown = "\n".join(sources)
        assert "evil" in shown
        assert [link for s in sources for link in gfm_links(s)] == []


def test_account_tables_show_user_text_as_text(portal):
    """st.dataframe: no column is a link column, so names and e-mails are plain cells."""
    admin = make_user(portal, Role.ADMIN, email="admin@example.com")
    make_user(portal, name="https://evil.example", email="www@evil.example")
    at = app(admin).run()
    assert not at.exception
    assert at.dataframe and all("link" not in f.proto.columns for f in at.dataframe)
    assert "https://evil.example" in at.dataframe[0].value.to_string()


def render_md_escape(text: str) -> str:
    from ui.render import md_escape

    return md_escape(text)


def test_borrower_logs_a_contact_on_the_dispute_page(portal):
    user = make_user(portal)
    number = cases.file_dispute(portal, user, filing_form())
    at = _dispute_page(user, number, tab="Contact log")
    at.text_input(key="contact_agent").input("工号 8812")
    at.text_input(key="contact_position").input("客服主管")
    at.text_area(key="contact_summary").input("承认扣款失败")
    at.button(key="contact_submit").click().run()
    assert not at.exception
    from dispute.contacts import list_contacts

    assert [e.agent_name for e in list_contacts(portal, user, number)] == ["工号 8812"]


def new_account(portal, email: str) -> AppTest:
    """The administrator's Accounts page, after submitting a new staff account for `email`."""
    admin = make_user(portal, Role.ADMIN, email="admin@example.com")
    at = app(admin).run()
    assert at.expander[0].proto.expanded is False  # closed until wanted
    at.text_input(key="newacct_name").input("周敏")
    at.text_input(key="newacct_email").input(email)
    at.text_input(key="newacct_phone").input("13800138001")
    at.selectbox(key="newacct_role").select("staff")
    at.text_input(key="newacct_password").input("staff password 1")
    at.button[0].click().run()
    assert not at.exception
    return at


def test_admin_accounts_page_creates_a_staff_account(portal):
    new_account(portal, "zhou@example.com")
    assert accounts.authenticate(portal, "zhou@example.com", "staff password 1").role == Role.STAFF


def test_a_refused_new_account_opens_its_form_again(portal):
    at = new_account(portal, "not an address")
    assert at.expander[0].proto.expanded is True


def test_the_language_switch_changes_the_language_and_is_remembered(portal):
    user = make_user(portal)
    at = app(user, lang="zh_CN").run()
    assert at.title[0].value == "我的争议"
    at.selectbox(key="lang_select").select("en").run()
    assert at.title[0].value == "My disputes"
    assert accounts.get_user(portal, user.id).language == "en"


def test_first_run_can_load_demo_data_and_shows_the_passwords_once(portal):
    at = app().run()
    fill_setup(at)
    at.checkbox(key="setup_demo").check()
    at.button[0].click().run(timeout=180)  # twenty disputes with their files
    assert not at.exception
    assert raw(portal.db, "SELECT count(*) FROM disputes").scalar() == 20
    finish_two_step_setup(at)  # the administrator's own, first
    shown = at.table[0].value
    assert "borrower@demo.example" in list(shown["Email"])
    staff_key = shown[shown["Email"] == "staff@demo.example"]["Two-step sign-in key"].iloc[0]
    staff = accounts.authenticate(portal, "staff@demo.example",
                                  shown[shown["Email"] == "staff@demo.example"]["Password"].iloc[0])
    assert two_factor.enrolled(staff)  # demo staff are enrolled, with the key shown
    from tests.second_factor import code_now
    assert two_factor.sign_in_code(portal, staff, code_now(staff_key)).id == staff.id
    at.run()
    assert len(at.table) == 0  # shown only once
    assert "Load demo data" not in [e.label for e in at.expander]  # the portal has disputes now
