"""Every kind of document, in every language it has, made from demo-like disputes (Chinese and
English text) through facts_for: the DOCX read back with python-docx and the PDF with pdftotext
hold each element of the kind's source row (issue 13); the PDF embeds a CJK font, the DOCX
declares an East Asian font, both number their pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from dispute.documents.kinds import BY_NAME, KINDS, LENDER
from dispute.documents.make import compose_document, render_document
from dispute.documents.service import facts_for
from dispute.documents.values import long_date
from tests.documents_case import (DECISION, US_DESCRIPTION, build, docx_text, docx_xml,
                                  pdf_fonts, pdf_text, squeeze)

NAME, PHONE, EMAIL = "王芳", "+86 138 0013 8000", "wang.fang@example.com"
ACCOUNT, MASKED = "6225880212345678", "6225********5678"
LENDER_NAME = "招商银行信用卡中心"
DESCRIPTION = "自动还款没有扣款，银行却记录我逾期并收取了违约金。Autopay failed."
EXHIBITS = ("E01", "2026年9月对账单 September statement", "E02")
COURT, CASE_NUMBER = "上海市浦东新区人民法院", "(2026)沪0115民初12345号"
US_LENDER, US_ACCOUNT = "Example Mortgage Servicing LLC", "001234567890"
TODAY = {"zh_CN": "2026年11月22日", "en": "November 22, 2026"}

# (kind, language) → element of the source row → what the document must say for it
ELEMENTS: dict[tuple[str, str], dict[str, list[str]]] = {
    ("complaint_letter", "zh_CN"): {
        "complainant's name": ["姓名", NAME],
        "ID type and number": ["有效身份证件类型【待填：证件类型】", "有效身份证件号码【待填：证件号码】"],
        "contact": [PHONE, EMAIL],
        "institution complained about": ["致：" + LENDER_NAME, "二、被投诉机构", ACCOUNT],
        "投诉请求": ["三、投诉请求", "退还或减免因上述差错收取的违约金、罚息等费用共计¥85.00",
                  "更正因上述差错向金融信用信息基础数据库报送的错误逾期记录"],
        "主要事实和相关依据": ["四、主要事实和相关依据", DESCRIPTION, "自动还款或扣款失败",
                       "《中华人民共和国民法典》第五百零九条", "客服 王小姐"],
        "attached evidence": ["五、附件：证据清单", *EXHIBITS],
        "signature and date": ["投诉人（签名）：王芳", TODAY["zh_CN"]],
    },
    ("complaint_letter", "en"): {
        "complainant's name": ["Name", NAME],
        "ID type and number": ["[to be completed: type of identity document]",
                               "[to be completed: identity document number]"],
        "contact": [PHONE, EMAIL],
        "institution complained about": ["To: " + LENDER_NAME, ACCOUNT],
        "requests": ["3. What I ask", "penalty interest charged because of this error, ¥85.00"],
        "facts and grounds": ["4. Main facts and grounds", DESCRIPTION,
                              "Autopay or deduction failed", "articles 509 and 577"],
        "attached evidence": ["5. Evidence attached", *EXHIBITS],
        "signature and date": ["Complainant (signature): 王芳", TODAY["en"]],
        "reading version": ["The Chinese letter (投诉书) is the one sent"],
    },
    ("decision_letter", "zh_CN"): {
        "to the borrower": ["王芳：", MASKED],
        "the decision": ["二、处理决定", "处理结果：金钱补救"],
        "its reasons": ["三、理由和依据", DECISION],
        "re-examination within 30 days": ["自收到本决定之日起30日内", "申请核查（复核）"],
        "mediation and the regulator": ["申请调解", "12378"],
        "signed by the lender": [LENDER_NAME, "【待填：投诉处理部门】（盖章）", TODAY["zh_CN"]],
    },
    ("decision_letter", "en"): {
        "to the borrower": ["Dear 王芳,", MASKED],
        "the decision": ["2. Our decision", "Outcome: Monetary relief."],
        "its reasons": ["3. Reasons", DECISION],
        "re-examination within 30 days": ["re-examine it within 30 days of receiving it"],
        "mediation and the regulator": ["apply for mediation", "12378"],
        "signed by the lender": [LENDER_NAME, TODAY["en"]],
    },
    ("reexamination_request", "zh_CN"): {
        "to the higher office": ["致：【待填：上级机构或总行】"],
        "the decision contested": ["二、申请复核的处理决定", "处理决定内容金钱补救", DECISION],
        "within 30 days of it": ["收到处理决定之日起30日内（{reexamination_by}前）"],
        "why": ["四、不服处理决定的事实和理由", DESCRIPTION, "原处理决定应予撤销或变更"],
        "requests": ["三、复核请求", "¥85.00"],
        "signature and date": ["申请人（签名）：王芳", TODAY["zh_CN"]],
    },
    ("reexamination_request", "en"): {
        "to the higher office": ["To: [to be completed: lender's higher office or head office]"],
        "the decision contested": ["2. The decision I ask you to re-examine", DECISION],
        "within 30 days of it": ["30 days from receiving the decision (by {reexamination_by})"],
        "why": ["4. Why the decision is wrong", DESCRIPTION],
        "signature and date": ["Applicant (signature): 王芳", TODAY["en"]],
    },
    ("regulator_complaint", "zh_CN"): {
        "to the regulator's local office": ["致：【待填：金融监管部门派出机构】", "12378"],
        "the facts": ["四、事实和理由", DESCRIPTION],
        "the lender's answer": ["被投诉机构于2026年11月22日作出处理决定：金钱补救", DECISION],
        "what is asked": ["三、投诉请求", "依法查处被投诉机构的上述违规行为"],
        "signature and date": ["投诉人（签名）：王芳", TODAY["zh_CN"]],
    },
    ("regulator_complaint", "en"): {
        "to the regulator's local office": ["To: [to be completed: local office of the financial "
                                            "regulator]", "12378"],
        "the facts": ["4. Facts and grounds", DESCRIPTION],
        "the lender's answer": ["the institution decided: Monetary relief", DECISION],
        "what is asked": ["3. What I ask", "investigate the institution's conduct"],
        "signature and date": ["Complainant (signature): 王芳", TODAY["en"]],
    },
    ("credit_objection", "zh_CN"): {
        "to the lender that reported": ["致：" + LENDER_NAME + "（信息提供者）", "中国人民银行征信中心"],
        "the record objected to": ["二、异议信息", "该账户于2026年9月5日前后被报送的逾期记录", ACCOUNT],
        "why": ["三、异议理由", DESCRIPTION],
        "evidence": ["四、证明材料", *EXHIBITS],
        "the 20-day reply": ["《征信业管理条例》第二十五条", "自收到异议之日起20日内"],
        "个人声明": ["六、个人声明", "并非本人恶意拖欠"],
        "signature and date": ["异议申请人（签名）：王芳", TODAY["zh_CN"]],
    },
    ("credit_objection", "en"): {
        "to the lender that reported": ["To: " + LENDER_NAME + " (information provider)"],
        "the record objected to": ["2. The information objected to", ACCOUNT],
        "why": ["3. Why it is wrong", DESCRIPTION],
        "evidence": ["4. Evidence", *EXHIBITS],
        "the 20-day reply": ["article 25", "within 20 days of receiving the objection"],
        "personal statement": ["6. Personal statement", "not by any default of mine"],
        "signature and date": ["Applicant (signature): 王芳", TODAY["en"]],
    },
    ("mediation_application", "zh_CN"): {
        "to the mediation centre": ["致：上海银行业纠纷调解中心"],
        "parties": ["一、当事人", "申请人", NAME, "被申请人", LENDER_NAME],
        "the request": ["二、调解请求", "被申请人退还或减免因其差错收取的违约金、罚息等费用¥85.00"],
        "facts and reasons": ["三、事实与理由", DESCRIPTION, "申请人自愿申请调解"],
        "signature and date": ["申请人（签名）：王芳", TODAY["zh_CN"]],
    },
    ("mediation_application", "en"): {
        "to the mediation centre": ["To: 上海银行业纠纷调解中心"],
        "parties": ["1. The parties", "Applicant", NAME, "Respondent", LENDER_NAME],
        "the request": ["2. What I ask", "¥85.00"],
        "facts and reasons": ["3. Facts and reasons", DESCRIPTION],
        "signature and date": ["Applicant (signature): 王芳", TODAY["en"]],
    },
    ("civil_complaint", "zh_CN"): {
        "element style": ["民事起诉状", "（信用卡纠纷）", "要素是否主张具体内容", "要素是／否具体情况"],
        "parties": ["原告（自然人）", "姓名王芳", "被告（法人、非法人组织）", "名称" + LENDER_NAME,
                    "证件号码【待填：证件号码】"],
        "诉讼请求 with amounts": [
            "1. 退还错误收取的违约金、罚息等费用☑是　☐否",
            "¥85.00（大写：人民币捌拾伍元整）", "¥1,000.00（大写：人民币壹仟元整）",
            "8. 标的总额—¥1,085.00（大写：人民币壹仟零捌拾伍元整）", "本案诉讼费用由被告负担"],
        "事实与理由 with 是/否": ["2. 被告是否存在服务差错☑是　☐否", "自动还款或扣款失败",
                            "7. 原告是否书面催告☑是　☐否2026年11月2日", DESCRIPTION],
        "evidence and its sources": ["证据和证据来源", "证据来源", "E01 2026年9月对账单"],
        "the court": ["此致", COURT],
        "signature and date": ["具状人（签字、盖章）：王芳", "日期：" + TODAY["zh_CN"]],
    },
    ("civil_complaint", "en"): {
        "element style": ["Civil Complaint", "credit card dispute", "ElementClaimedDetails"],
        "parties": ["Plaintiff (natural person)", NAME, "Defendant (legal person)", LENDER_NAME],
        "claims with amounts": ["¥85.00", "¥1,000.00", "8. Total amount claimed—¥1,085.00"],
        "facts and reasons": ["2. A servicing error by the defendant☑ Yes  ☐ No",
                              DESCRIPTION],
        "evidence and its sources": ["Evidence and its sources", "E01"],
        "the court": ["To: " + COURT],
        "signature and date": ["Plaintiff (signature or seal): 王芳", "Date: " + TODAY["en"]],
    },
    ("defence", "zh_CN"): {
        "element style": ["民事答辩状", "（信用卡纠纷）", "要素是否有异议事实和理由"],
        "the case": ["案号" + CASE_NUMBER, "受诉法院" + COURT],
        "parties": ["答辩人（本诉被告，自然人）", NAME, "被答辩人（本诉原告，法人）", LENDER_NAME],
        "each element confirmed or disputed": [
            "1. 对本金有无异议☐是　☐否原告主张截至【待填：原告主张的计算截止日】",
            "2. 对利息、复利、罚息有无异议☑是　☐否",
            "3. 对逾期事实有无异议☑是　☐否逾期系因原告的服务差错所致：自动还款或扣款失败"],
        "facts and reasons": ["《中华人民共和国民法典》第五百九十二条第二款", DESCRIPTION],
        "signature and date": ["答辩人（签字）：王芳", "日期：" + TODAY["zh_CN"]],
    },
    ("defence", "en"): {
        "element style": ["Statement of Defence", "ElementDisputedFacts and reasons"],
        "the case": ["Case number" + CASE_NUMBER, "Court" + COURT],
        "parties": ["Respondent (defendant, natural person)", NAME, LENDER_NAME],
        "each element confirmed or disputed": [
            "1. Principal☐ Yes  ☐ No",
            "2. Interest, compound interest, penalty interest☑ Yes  ☐ No"],
        "facts and reasons": ["Civil Code article 592(2)", DESCRIPTION],
        "signature and date": ["Respondent (signature): 王芳", "Date: " + TODAY["en"]],
    },
    ("evidence_list", "zh_CN"): {
        "columns": ["序号证据名称证据来源证明目的页码原件／复印件"],
        "each exhibit": ["1E01 2026年9月对账单 September statement【待填：证据来源】【待填：证明目的】",
                         "{pages_E01}【待填：原件／复印件】", "{pages_E02}"],
        "case number": ["案号" + CASE_NUMBER, "受理法院" + COURT],
        "signature and date": ["提交人（签名或盖章）：王芳", "提交日期：" + TODAY["zh_CN"]],
    },
    ("evidence_list", "en"): {
        "columns": ["No.EvidenceSourceWhat it provesPagesOriginal or copy"],
        "each exhibit": ["[to be completed: source of the evidence]", "{pages_E01}",
                         "{pages_E02}"],
        "case number": ["Case number" + CASE_NUMBER],
        "signature and date": ["Submitted by (signature or seal): 王芳", "Date: " + TODAY["en"]],
    },
    ("notice_of_error", "en"): {
        "name": ["From (borrower)" + NAME],
        "account": ["Loan number" + US_ACCOUNT],
        "the error believed to have occurred": ["The error I believe has occurred",
                                                "Payment misapplied", US_DESCRIPTION, "$75.00"],
        "sent to the designated address": [
            "Sent to the address designated for notices of error[to be completed: lender's "
            "designated address for error notices]", "the address you have designated"],
        "the servicer's duties": ["12 CFR 1024.35(d)", "12 CFR 1024.35(e)", "1024.35(i)"],
        "signature and date": ["Signature: 王芳", TODAY["en"]],
    },
    ("billing_error_notice", "en"): {
        "name": ["From (cardholder)" + NAME],
        "account": ["Account number" + US_ACCOUNT],
        "the amount and why it is an error": ["Amount in dispute$75.00",
                                              "Why I believe it is an error", US_DESCRIPTION],
        "within 60 days of the statement": [
            "within 60 days after you transmitted the first periodic statement",
            "[to be completed: date of the statement showing the error]"],
        "signature and date": ["Signature: 王芳", TODAY["en"]],
    },
    ("fcra_dispute", "en"): {
        "to the credit bureau": ["To (consumer reporting agency)",
                                 "[to be completed: name of the credit bureau]",
                                 "section 611 of the Fair Credit Reporting Act"],
        "the consumer": ["From" + NAME],
        "the item disputed": ["Furnisher (creditor)" + US_LENDER, "Account number" + US_ACCOUNT],
        "why it is inaccurate": ["Why it is inaccurate", US_DESCRIPTION],
        "reinvestigation": ["within 30 days of receiving this dispute", "section 611(a)(2)"],
        "signature and date": ["Signature: 王芳", TODAY["en"]],
    },
    ("error_response", "en"): {
        "to the borrower": ["Dear 王芳,", "Loan number0012****7890"],
        "no error, with the reasons": ["We determined that no error occurred",
                                       "Our reasons: The payment was applied as instructed."],
        "the right to ask for the documents relied on": [
            "You may ask us for the documents we relied on", "12 CFR 1024.35(e)(4)"],
        "signed by the servicer": [US_LENDER, TODAY["en"]],
    },
}
CASES = [(k.name, lang) for k in KINDS for lang in k.languages]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = build(tmp_path_factory.mktemp("documents") / "data")
    yield w
    w.ctx.db.close()


def maker(world, kind: str):
    return world.staff if BY_NAME[kind].makers == LENDER else world.borrower


def test_every_kind_and_language_has_its_elements_listed():
    assert set(ELEMENTS) == set(CASES)


@pytest.mark.parametrize("kind,lang", CASES, ids=[f"{k}-{lang}" for k, lang in CASES])
def test_each_element_of_the_source_row_is_in_the_docx_and_the_pdf(world, tmp_path, kind, lang):
    number = world.us if BY_NAME[kind].jurisdiction == "us" else world.decided
    facts = facts_for(world.ctx, maker(world, kind), number, kind, lang=lang)
    docx = render_document(kind, facts, "docx", lang, when=world.ctx.now())
    pdf = tmp_path / f"{kind}.pdf"
    pdf.write_bytes(render_document(kind, facts, "pdf", lang))
    texts = {"docx": squeeze(docx_text(docx)), "pdf": squeeze(pdf_text(pdf))}
    fill = {"reexamination_by": long_date(facts.deadlines.reexamination_by, lang) or "?",
            **{f"pages_{x.exhibit}": "–".join(dict.fromkeys(map(str, x.pages or ("?",))))
               for x in facts.exhibits}}
    missing = [(fmt, element, text) for element, wanted in ELEMENTS[(kind, lang)].items()
               for text in wanted for fmt, found in texts.items()
               if squeeze(text.format(**fill)) not in found]
    assert missing == []
    blanks = compose_document(kind, facts, lang).blanks
    for blank in blanks:                    # every blank the page will list is visibly marked
        marker = squeeze(blank.text)
        assert marker in texts["docx"]
        # pdftotext reads the two boxes of an unanswered yes/no (DejaVu glyphs) apart
        assert (marker if "☐" not in marker else marker[:2]) in texts["pdf"]
    footer = "第1页共" if lang == "zh_CN" else "Page1of"
    assert footer in texts["pdf"]
    assert "PAGE" in docx_xml(docx, "word/footer1.xml")
    assert "NUMPAGES" in docx_xml(docx, "word/footer1.xml")
    fonts = pdf_fonts(pdf)
    assert any("WenQuanYi" in f["name"] and f["emb"] == "yes" for f in fonts), fonts
    assert all(f["emb"] == "yes" for f in fonts), fonts
    styles = docx_xml(docx, "word/styles.xml")
    assert 'w:eastAsia="宋体"' in styles and 'w:eastAsia="黑体"' in styles


def test_the_regulator_hears_of_the_lenders_silence_past_its_deadline(world, tmp_path):
    facts = facts_for(world.ctx, world.borrower, world.silent, "regulator_complaint")
    assert facts.deadlines.decision_missed and facts.decision.outcome is None
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(render_document("regulator_complaint", facts, "pdf"))
    due = long_date(facts.deadlines.decision_due, "zh_CN")
    for text in (squeeze(pdf_text(pdf)),
                 squeeze(docx_text(render_document("regulator_complaint", facts, "docx")))):
        assert squeeze(f"本案应于{due}前）。截至本投诉提交之日，被投诉机构已逾期，仍未作出处理决定") in text
        assert "作出处理决定：" not in text


def test_a_credit_objection_gives_the_date_its_reply_is_due(world):
    facts = facts_for(world.ctx, world.borrower, world.silent, "credit_objection")
    assert facts.deadlines.credit_reply_due is not None     # wrong_credit_report: the rule runs
    text = squeeze(compose_document("credit_objection", facts).text())
    assert squeeze(f"答复期限届满日为{long_date(facts.deadlines.credit_reply_due, 'zh_CN')}") in text
