"""Realistic bilingual demo data: one account per role, borrowers, disputes across every product
and error category, with generated evidence files (statement PDF, chat screenshot, call audio).

Allowed only while the database holds no disputes, so it can never mix into real cases.
"""

from __future__ import annotations

import io
import math
import random
import secrets
import struct
import wave
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

from dispute import accounts, cases, two_factor, workflow
from dispute.contacts import add_contact
from dispute.context import Context
from dispute.errors import UserError
from dispute.exhibits import Upload
from dispute.messages import send_message
from dispute.notes import add_note
from dispute.offers import answer_offer, make_offer
from dispute.proceedings import (add_hearing, add_session, record_judgment, update_litigation,
                                 update_mediation)
from dispute.i18n import N_
from dispute.models import User
from dispute.storage import disputes, users
from dispute.vocab import ErrorCategory, EvidenceKind, Product, Remedy, Role

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

INSTITUTIONS = ["招商银行信用卡中心", "中国工商银行", "平安普惠", "建设银行", "Citibank N.A.",
                "Wells Fargo Home Mortgage", "微众银行", "上汽通用汽车金融"]

STORIES: dict[ErrorCategory, tuple[str, str]] = {
    ErrorCategory.WRONG_AGENT_INFO: (
        "客服人员在电话中告知我最低还款额为 {amount} 元，我按此还款后却被记为逾期并收取违约金。",
        "The agent told me by phone that the minimum payment was {amount}; I paid it and was "
        "still marked overdue and charged a late fee."),
    ErrorCategory.DEFERRAL_NOT_RECORDED: (
        "我于疫情期间申请延期还款，客服口头同意延期三个月，但系统未登记，导致连续逾期。",
        "I was promised a three-month deferral on the phone, but it was never recorded and the "
        "account went overdue."),
    ErrorCategory.AUTOPAY_FAILED: (
        "绑定的工资卡余额充足，自动还款却未扣款，银行未通知我，产生逾期记录。",
        "Autopay did not take the payment although the linked account had funds; no notice was "
        "sent and the loan went overdue."),
    ErrorCategory.PAYMENT_NOT_CREDITED: (
        "我在还款日前两天通过手机银行转账还款，银行五天后才入账，并收取了罚息。",
        "I paid two days before the due date; the payment was credited five days late and "
        "penalty interest was charged."),
    ErrorCategory.PAYMENT_MISAPPLIED: (
        "我的还款被错误地计入了另一张卡，本卡因此显示逾期。",
        "My payment was applied to another card, so this account showed as overdue."),
    ErrorCategory.FEE_IN_ERROR: (
        "账单中出现两笔重复的分期手续费及罚息，合计 {amount} 元，我从未逾期。",
        "The statement shows a duplicated instalment fee and penalty interest totalling "
        "{amount}; I was never late."),
    ErrorCategory.WRONG_CREDIT_REPORT: (
        "征信报告显示我有一次逾期，但该笔款项已按时还清，影响了我的房贷审批。",
        "My credit report shows a late payment for an instalment I paid on time; it blocked my "
        "mortgage application."),
    ErrorCategory.COLLECTION_IN_ERROR: (
        "催收人员多次致电我的单位和家人，而我的账户并无逾期。",
        "Collectors repeatedly called my employer and family although my account was current."),
    ErrorCategory.ACCOUNT_CHANGED: (
        "银行未经我同意将账单日和还款方式更改，导致我错过还款。",
        "The bank changed my statement date and repayment method without my consent, and I "
        "missed a payment as a result."),
    ErrorCategory.OTHER: (
        "提前还款后银行仍继续扣款并计收利息，至今未退还。",
        "After I repaid early the lender kept debiting me and charging interest, and has not "
        "refunded it."),
}

SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄"]
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳"]
ENGLISH = ["Alice Chen", "Brian O'Neil", "Carmen Diaz", "David Wu"]


@dataclass(frozen=True)
class DemoAccount:
    role: Role
    email: str
    password: str
    totp_secret: str | None = None  # staff, legal, admin: enrolled in two-step sign-in


def statement_pdf(title: str, lines: list[str]) -> bytes:
    """A small statement PDF with Chinese text, made with WeasyPrint like the bundles."""
    from html import escape

    from weasyprint import HTML

    rows = "".join(f"<li>{escape(line)}</li>" for line in lines)
    html = (f"<html><head><style>body{{font-family:'WenQuanYi Zen Hei',sans-serif}}</style>"
            f"</head><body><h1>{escape(title)}</h1><ul>{rows}</ul></body></html>")
    return HTML(string=html).write_pdf()


def chat_screenshot(lines: list[str], seed: int) -> bytes:
    """A phone-sized chat screenshot (PNG) with Chinese and English bubbles."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (540, 960), (237, 237, 237))
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(CJK_FONT, 22)
    y = 40
    for i, line in enumerate(lines):
        left = i % 2 == 0
        x0, x1 = (20, 420) if left else (120, 520)
        draw.rounded_rectangle((x0, y, x1, y + 90), 12,
                               fill=(255, 255, 255) if left else (149, 236, 105))
        for j in range(0, len(line), 16):
            draw.text((x0 + 14, y + 12 + (j // 16) * 28), line[j:j + 16], font=font,
                      fill=(20, 20, 20))
        y += 110
    draw.text((20, 920), f"#{seed}", font=font, fill=(150, 150, 150))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def call_wav(seconds: float, pitch: int) -> bytes:
    """A short mono WAV standing in for a call recording."""
    rate = 8000
    frames = b"".join(struct.pack("<h", int(3000 * math.sin(2 * math.pi * pitch * n / rate)))
                      for n in range(int(rate * seconds)))
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return out.getvalue()


def can_load_demo(ctx: Context) -> bool:
    return not ctx.db.read(disputes.count)


def create_demo(ctx: Context, cases_count: int = 20, seed: int = 1) -> list[DemoAccount]:
    """Fill an empty portal; returns the accounts (with passwords) to print once. Each dispute
    gets a history of its own (see PLOTS), dated over the past months."""
    if not can_load_demo(ctx):
        raise UserError(N_("Demo data can only be loaded while the database holds no disputes."))
    rng = random.Random(seed)
    made: list[DemoAccount] = []

    def account(role: Role, email: str, name: str) -> User:
        password = secrets.token_urlsafe(12)
        user = accounts.create_account(ctx, None, {"name": name, "email": email,
                                                  "phone": f"+86 138{rng.randrange(10**8):08d}",
                                                  "password": password, "role": role.value})
        secret = None
        if two_factor.required(user):  # as they must be; the key is printed once with the password
            secret = two_factor.new_secret()
            two_factor.enrol(ctx, user, secret, two_factor.code_for(secret, ctx.now()))
        made.append(DemoAccount(role, email, password, secret))
        return user

    for role, name in ((Role.ADMIN, "系统管理员 Admin"), (Role.STAFF, "周敏 Zhou Min"),
                       (Role.LEGAL, "林律师 Lin Lawyer")):
        account(role, f"{role.value}@demo.example", name)
    names = [rng.choice(SURNAMES) + rng.choice(GIVEN) for _ in range(3)] + ENGLISH[:2]
    borrowers = [account(Role.BORROWER, "borrower@demo.example", names[0])]
    borrowers += [account(Role.BORROWER, f"borrower{i}@demo.example", n)
                  for i, n in enumerate(names[1:], start=2)]

    statements = [statement_pdf(f"{bank} 对账单 Statement",
                                [f"2026-0{m}-15 还款 Payment ¥{rng.randrange(500, 9000)}.00"
                                 for m in range(1, 6)]) for bank in INSTITUTIONS[:3]]
    products, categories = list(Product), list(ErrorCategory)
    staff, legal = ctx_users(ctx)
    real_clock, now = ctx.clock, ctx.now()
    try:
        for i in range(cases_count):
            clock = DemoClock(now - timedelta(days=rng.randrange(20, 240), hours=rng.randrange(24)),
                              now)
            ctx.clock = clock
            number = _file_one(ctx, rng, i, seed, borrowers, statements, products, categories)
            _history(ctx, rng, i, number, borrowers[i % len(borrowers)], staff, legal, clock)
    finally:
        ctx.clock = real_clock
    return made


class DemoClock:
    """The demo's time: each dispute starts months ago and its history moves forward, never
    past the real now."""

    def __init__(self, start: datetime, limit: datetime) -> None:
        self.at, self.limit = start, limit

    def __call__(self) -> datetime:
        return self.at

    def advance(self, rng: random.Random, low: int = 1, high: int = 9) -> None:
        self.at = min(self.at + timedelta(days=rng.randrange(low, high), hours=rng.randrange(8)),
                      self.limit)


def ctx_users(ctx: Context) -> tuple[User, User]:
    ids = [ctx.db.read(users.first_of_role, role) for role in ("staff", "legal")]
    return accounts.get_user(ctx, ids[0]), accounts.get_user(ctx, ids[1])


# The histories the demo shows, one per dispute in turn: every stage, open requests, offers
# waiting for an answer, a settlement, a withdrawal, a judgment.
PLOTS = ["filed", "asked", "offered", "replied", "mediation", "litigation", "settled",
         "withdrawn", "judgment"]


def _history(ctx, rng, i, number, borrower, staff, legal, clock: DemoClock) -> None:
    plot = PLOTS[i % len(PLOTS)]
    if plot == "filed":
        return
    clock.advance(rng)
    workflow.move(ctx, staff, number, "acknowledge", {
        "acknowledgment": "您好，您的投诉已受理，我们将在15日内给出处理意见。We have received your "
                          "complaint and will answer within 15 days."})
    if plot == "withdrawn":
        clock.advance(rng)
        workflow.move(ctx, borrower, number, "withdraw",
                      {"reason": "银行已主动退还违约金 / the bank refunded the fee on its own"})
        return
    if plot in ("asked", "replied"):
        clock.advance(rng)
        send_message(ctx, staff, number, {"body": "请上传3月份的账单和扣款失败的短信截图。"
                                                  "Please upload your March statement.",
                                          "is_request": True})
        if plot == "replied":
            clock.advance(rng)
            send_message(ctx, borrower, number, {"body": "已上传，请查收。Uploaded, thank you."})
        return
    clock.advance(rng)
    add_note(ctx, staff, number, {"body": "已联系银行投诉部，对方称系统批量扣款失败。"})
    clock.advance(rng)
    offer = make_offer(ctx, staff, number, {
        "currency": cases.get_dispute(ctx, staff, number).currency.value,  # the dispute's own
        "refund_minor": rng.randrange(50, 500) * 100, "credit_correction": True,
        "note": "银行同意退还违约金并向人民银行征信中心申请更正。",
        "expires_on": (clock() + timedelta(days=14)).date()})
    if plot == "offered":
        return
    clock.advance(rng)
    answer = "accepted" if plot == "settled" else "rejected"
    answer_offer(ctx, borrower, number, offer, {"answer": answer})
    if plot == "settled":
        clock.advance(rng)
        workflow.move(ctx, staff, number, "close", {
            "resolution": "monetary_relief",
            "summary": "借款人接受和解：违约金退还，征信记录已更正。Fee refunded, record corrected."})
        return
    clock.advance(rng)
    workflow.move(ctx, staff, number, "to_mediation", {
        "reason": "银行只同意退还一半违约金，借款人不接受。", "body": "上海银行业纠纷调解中心"})
    clock.advance(rng)
    update_mediation(ctx, legal, number, {"body": "上海银行业纠纷调解中心",
                                          "reference": f"沪银调〔2026〕{100 + i}号",
                                          "mediator": "张调解员"})
    add_session(ctx, legal, number, {"held_on": clock().date(),
                                     "notes": "双方到场陈述意见，银行坚持原方案。"})
    if plot == "mediation":
        return
    clock.advance(rng)
    workflow.move(ctx, legal, number, "to_litigation", {
        "mediation_result": "调解不成 / no settlement", "court": "上海市浦东新区人民法院"})
    clock.advance(rng)
    update_litigation(ctx, legal, number, {"court": "上海市浦东新区人民法院",
                                           "case_number": f"(2026)沪0115民初{12000 + i}号",
                                           "filed_on": clock().date()})
    add_hearing(ctx, legal, number, {"held_on": (clock() + timedelta(days=30)).date(),
                                     "starts_at": "09:30", "courtroom": "第三法庭 Courtroom 3",
                                     "kind": "trial", "notes": "第一次开庭 / first hearing"})
    if plot == "litigation":
        return
    clock.advance(rng)
    served = clock().date()
    record_judgment(ctx, legal, number, {"judgment": "判决被告退还违约金及利息。",
                                         "judgment_on": served, "served_on": served,
                                         "appeal_by": served + timedelta(days=15)})


def _file_one(ctx, rng, i, seed, borrowers, statements, products, categories) -> str:
    today = ctx.today()
    borrower = borrowers[i % len(borrowers)]
    category = categories[i % len(categories)]
    chinese = i % 3 != 2
    amount = rng.randrange(200, 20_000)
    story = STORIES[category][0 if chinese else 1].format(amount=amount)
    discovered = today - timedelta(days=rng.randrange(3, 60))
    form = {
        "institution": rng.choice(INSTITUTIONS),
        "product": products[i % len(products)].value,
        "account_ref": f"6222{rng.randrange(10**12):012d}",
        "error_category": category.value,
        "description": story,
        "error_occurred_on": discovered - timedelta(days=rng.randrange(0, 40)),
        "payment_due_on": discovered - timedelta(days=rng.randrange(0, 20)),
        "discovered_on": discovered,
        "currency": "CNY" if chinese else "USD",
        "overdue_minor": amount * 100,
        "fees_minor": rng.randrange(0, 50_000),
        "compensation_minor": rng.choice([0, 50_000, 100_000]),
        "remedies": rng.sample([r.value for r in Remedy], k=rng.randrange(1, 4)),
    }
    uploads = [
        Upload("statement.pdf", io.BytesIO(statements[i % len(statements)]),
               EvidenceKind.STATEMENT.value, "银行对账单 / bank statement", discovered),
        Upload("chat.png", io.BytesIO(chat_screenshot(
            ["您好，您的最低还款额是多少？", f"您本期最低还款 {amount} 元", "好的，已还款",
             "已收到，谢谢"], seed * 1000 + i)),
            EvidenceKind.SCREENSHOT.value, "与客服的聊天记录 / chat with the agent",
            discovered),
    ]
    if i % 2 == 0:
        uploads.append(Upload("call.wav", io.BytesIO(call_wav(1.0, 300 + i * 10)),
                              EvidenceKind.CALL_RECORDING.value,
                              "客服电话录音 / call recording", discovered))
    number = cases.file_dispute(ctx, borrower, form, uploads)
    add_contact(ctx, borrower, number, {
        "contacted_at": datetime.combine(discovered, time(2, 30), tzinfo=timezone.utc),
        "channel": "phone", "agent_name": "客服 0{}".format(rng.randrange(100, 999)),
        "agent_position": "信用卡中心客服 / card centre agent",
        "summary": "要求撤销罚息 / asked to reverse the penalty interest",
        "agreement": "客服承诺 3 个工作日内回复 / promised an answer within 3 business days",
        "follow_up_on": discovered + timedelta(days=3)})
    return number
