"""User text is inserted as text: template syntax ({{ }}, {% %}, a placeholder such as
{borrower.name}), HTML tags, comments and entities in every free-text field of a dispute — the
description, the borrower's and the lender's names, the contact log, offers and answers,
mediation and court records, the decision, the exhibits — come out literally in the DOCX and
the PDF of every kind that prints them."""

from __future__ import annotations

import pytest

from dispute.documents.compose import compose
from dispute.documents.facts import DocumentFacts, Person
from dispute.documents.kinds import BY_NAME, KINDS
from dispute.documents.make import compose_document, render_document
from dispute.documents.service import facts_for
from dispute.documents.template import load_common, load_template
from dispute.documents.to_pdf import render_html
from dispute.documents.values import build as build_values
from tests.documents_case import HOSTILE, build, docx_text, pdf_text, squeeze

CASES = [(k.name, lang) for k in KINDS for lang in k.languages]
# how many hostile fields each kind prints at least (description, contacts, offers, records …)
AT_LEAST = {"complaint_letter": 8, "decision_letter": 5, "reexamination_request": 20,
            "regulator_complaint": 10, "credit_objection": 12, "mediation_application": 11,
            "civil_complaint": 11, "defence": 13, "evidence_list": 4, "notice_of_error": 7,
            "billing_error_notice": 7, "fcra_dispute": 8, "error_response": 2}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = build(tmp_path_factory.mktemp("documents-hostile") / "data")
    yield w
    w.ctx.db.close()


def under_rulebook(world, name: str) -> None:
    """The hostile dispute under US rules for a US kind (no service changes a rulebook)."""
    world.ctx.db.write(lambda uow: uow.execute("UPDATE disputes SET rulebook = ? WHERE number = ?",
                                               (name, world.hostile)))


@pytest.mark.parametrize("kind,lang", CASES, ids=[f"{k}-{lang}" for k, lang in CASES])
def test_hostile_text_comes_out_literally(world, tmp_path, kind, lang):
    us = BY_NAME[kind].jurisdiction == "us"
    under_rulebook(world, "us-reg-x" if us else "cn-banking")
    facts = facts_for(world.ctx, world.legal, world.hostile, kind, lang=lang)
    pdf = tmp_path / "d.pdf"
    pdf.write_bytes(render_document(kind, facts, "pdf", lang))
    docx = docx_text(render_document(kind, facts, "docx", lang))
    counts = [text.count(squeeze(HOSTILE)) for text in (squeeze(docx), squeeze(pdf_text(pdf)))]
    assert counts[0] == counts[1] >= AT_LEAST[kind]


def test_the_html_given_to_weasyprint_escapes_user_text():
    common = load_common("zh_CN")
    template = load_template("complaint_letter", "zh_CN")
    facts = DocumentFacts(description=HOSTILE, borrower=Person(name="<b>王芳</b>"))
    markup = render_html(compose(template, common, build_values(
        facts, "zh_CN", template.phrases, common.as_words())))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup and "<script>" not in markup
    assert "&lt;!-- hidden --&gt;" in markup and "&lt;b&gt;王芳&lt;/b&gt;" in markup
    assert "{{ 7*7 }}" in markup and "{borrower.name}" in markup and "&amp;amp;" in markup


def test_a_placeholder_in_user_text_is_not_filled():
    facts = DocumentFacts(description="see {borrower.name} and {court.name}",
                          borrower=Person(name="王芳"))
    text = compose_document("complaint_letter", facts).text()
    assert "see {borrower.name} and {court.name}" in text
