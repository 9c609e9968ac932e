"""The kinds of document the portal writes (issue 13), as one declared table: the jurisdiction each
belongs to, who may make it, the languages it is written in (the first is the one filed; a Chinese
document has an English version for reading) and the rule it follows.

Who may make what: the borrower makes their own papers (letters to the lender, the regulator, the
credit bureau, the mediator and the court) for their own dispute; staff write the lender's answers
(the complaint decision and the Reg X error response) — the portal serves a lender's complaints
unit too; legal may make every kind, on any dispute. The access matrix has one row per kind
(`dispute/access_matrix.py`), checked against this table by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispute.errors import NotFound
from dispute.i18n import N_
from dispute.vocab import Role

CN, US = "cn", "us"
PARTY = frozenset({Role.BORROWER, Role.LEGAL})     # the borrower's side
LENDER = frozenset({Role.STAFF, Role.LEGAL})       # the lender's answers
CN_LANGUAGES = ("zh_CN", "en")
US_LANGUAGES = ("en",)


@dataclass(frozen=True)
class Kind:
    name: str
    jurisdiction: str              # "cn" or "us": must match the dispute's rulebook
    makers: frozenset[Role]
    languages: tuple[str, ...]     # the first is the language the document is filed in
    title: str                     # msgid
    recipient: str                 # msgid: to whom it goes
    source: str                    # the rule it follows (cited as written, not translated)
    whole_numbers: bool = True     # carries the borrower's ID and account number in full
    exhibit_pages: bool = False    # lists each exhibit's pages in the case bundle

    @property
    def primary_language(self) -> str:
        return self.languages[0]


KINDS: tuple[Kind, ...] = (
    Kind("complaint_letter", CN, PARTY, CN_LANGUAGES, N_("Complaint letter (投诉书)"),
         N_("the lender"),
         "银行业保险业消费投诉处理管理办法（原银保监会令2020年第3号）第十三条"),
    Kind("decision_letter", CN, LENDER, CN_LANGUAGES, N_("Complaint decision (投诉处理决定)"),
         N_("the borrower"),
         "银行业保险业消费投诉处理管理办法（原银保监会令2020年第3号）：处理决定及理由；"
         "30日内申请核查；调解、监管投诉等途径", whole_numbers=False),
    Kind("reexamination_request", CN, PARTY, CN_LANGUAGES,
         N_("Request for re-examination (复核申请书)"), N_("the lender's higher office"),
         "银行业保险业消费投诉处理管理办法（原银保监会令2020年第3号）：收到处理决定之日起30日内"
         "向上级机构或总行申请核查"),
    Kind("regulator_complaint", CN, PARTY, CN_LANGUAGES,
         N_("Complaint to the financial regulator (监管投诉)"),
         N_("the local office of the financial regulator (12378)"),
         "银行业保险业消费投诉处理管理办法（原银保监会令2020年第3号）；国家金融监督管理总局"
         "12378 消费者投诉"),
    Kind("credit_objection", CN, PARTY, CN_LANGUAGES,
         N_("Credit report objection (征信异议申请)"),
         N_("the credit bureau or the lender that reported"),
         "征信业管理条例（国务院令第631号）第二十五条：20日内核查并书面答复"),
    Kind("mediation_application", CN, PARTY, CN_LANGUAGES,
         N_("Application for mediation (调解申请书)"),
         N_("a banking dispute mediation centre"),
         "所选调解组织（如银行业纠纷调解中心）的调解规则：当事人、调解请求、事实与理由"),
    Kind("civil_complaint", CN, PARTY, CN_LANGUAGES, N_("Civil complaint (民事起诉状)"),
         N_("the court"),
         "民事诉讼法第一百二十四条；最高人民法院民事起诉状示范文本（要素式：金融借款合同纠纷、"
         "信用卡纠纷）"),
    Kind("defence", CN, PARTY, CN_LANGUAGES, N_("Statement of defence (民事答辩状)"),
         N_("the court"),
         "民事诉讼法第一百二十八条；最高人民法院民事答辩状示范文本（要素式：金融借款合同纠纷、"
         "信用卡纠纷）"),
    Kind("evidence_list", CN, PARTY, CN_LANGUAGES, N_("List of evidence (证据目录)"),
         N_("the court or the mediator"),
         "最高人民法院关于民事诉讼证据的若干规定（法释〔2019〕19号）第十九条",
         exhibit_pages=True),
    Kind("notice_of_error", US, PARTY, US_LANGUAGES, N_("Notice of error (Regulation X)"),
         N_("the servicer's designated address"),
         "12 CFR 1024.35(a)-(e) (RESPA section 6(k), Regulation X)"),
    Kind("billing_error_notice", US, PARTY, US_LANGUAGES,
         N_("Billing error notice (Regulation Z)"), N_("the creditor's billing-error address"),
         "12 CFR 1026.13(b) (Truth in Lending Act section 161, Regulation Z)"),
    Kind("fcra_dispute", US, PARTY, US_LANGUAGES, N_("Credit report dispute (FCRA)"),
         N_("the credit bureau"),
         "Fair Credit Reporting Act section 611, 15 U.S.C. 1681i"),
    Kind("error_response", US, LENDER, US_LANGUAGES, N_("Response to a notice of error"),
         N_("the borrower"),
         "12 CFR 1024.35(e)(1)(i) and (e)(4) (Regulation X)", whole_numbers=False),
)
BY_NAME = {k.name: k for k in KINDS}


def get_kind(name: str) -> Kind:
    """The declared kind; NotFound names the kinds there are."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise NotFound(N_("No document kind {kind}; available: {kinds}."), kind=name,
                       kinds=", ".join(BY_NAME)) from None


def kinds_for(jurisdiction: str) -> list[Kind]:
    return [k for k in KINDS if k.jurisdiction == jurisdiction]


def document_title(name: str | None, _) -> str:
    """The translated title of a kind (`_` a translator); an unknown name shows as itself."""
    spec = BY_NAME.get(name or "")
    return _(spec.title) if spec else (name or "")
