"""Templates are data, validated when loaded; blanks are marked and listed; the writers declare
what Word, WPS and PDF readers need (East Asian fonts, page numbers, an embedded CJK font)."""

from __future__ import annotations

import io
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from dispute.documents.compose import compose, number_label
from dispute.documents.facts import Court, Decision, DocumentFacts, Exhibit, Person
from dispute.documents.kinds import KINDS
from dispute.documents.make import blanks, compose_document, render_document
from dispute.documents.template import (TEMPLATE_DIR, TemplateInvalid, load_common,
                                        load_template, parse_template)
from dispute.documents.values import SCALARS, build
from dispute.errors import UserError
from dispute.vocab import Resolution
from tests.documents_case import docx_text, docx_xml, pdf_fonts, pdf_text, squeeze

GOOD = """kind = "complaint_letter"
lang = "zh_CN"
title = "投诉书"

[[blocks]]
type = "paragraph"
text = "致：{lender.name}"
"""


def write(tmp_path: Path, text: str, name: str = "complaint_letter.zh_CN.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_kind_has_a_valid_template_in_each_of_its_languages():
    for kind in KINDS:
        for lang in kind.languages:
            template = load_template(kind.name, lang)
            assert (template.kind, template.lang) == (kind.name, lang)
    names = {p.name for p in TEMPLATE_DIR.glob("*.toml")} - {"common.zh_CN.toml",
                                                              "common.en.toml"}
    assert names == {f"{k.name}.{lang}.toml" for k in KINDS for lang in k.languages}
    assert load_common("zh_CN").blank == "【待填：{label}】"
    assert load_common("en").blank == "[to be completed: {label}]"


def test_a_good_file_parses(tmp_path):
    assert parse_template(write(tmp_path, GOOD)).title == "投诉书"


@pytest.mark.parametrize("change,field,problem", [
    (('"致：{lender.name}"', '"致：{lender.nmae}"'), "blocks.0.paragraph.text",
     "unknown placeholder {lender.nmae}"),
    (('type = "paragraph"', 'type = "poem"'), "blocks.0", "does not match any of the expected"),
    (('text = "致', 'colour = "red"\ntext = "致'), "blocks.0.paragraph.colour", "Extra inputs"),
    (('"致：{lender.name}"', '"致：{lender.name"'), "blocks.0.paragraph.text", "brace"),
    (('"致：{lender.name}"', '"{credit_requested}"'), "blocks.0.paragraph.text", "yes/no"),
    (('title = "投诉书"\n', ''), "title", "Field required"),
    (('"致：{lender.name}"', '"{cause}"'), "(the file)", "phrases.cause is needed"),
    (('[[blocks]]', '[phrases.requests]\napology = "道歉"\n\n[[blocks]]'), "phrases",
     "missing"),
    (('[[blocks]]', '[[blocks]]\ntype = "table"\nheader = ["a", "b"]\nrows = [["1", "2", "3"]]'
                    '\n\n[[blocks]]'), "blocks.0.table", "3 cells for 2 columns"),
    (('[[blocks]]', '[[blocks]]\ntype = "list"\neach = "contacts"\nitem = "{terms}"\n\n'
                    '[[blocks]]'), "blocks.0.list", "unknown placeholder {terms}"),
])
def test_a_malformed_template_is_refused_naming_the_file_and_the_field(tmp_path, change, field,
                                                                       problem):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(TemplateInvalid) as err:
        parse_template(path)
    message = err.value.render(lambda s: s)
    assert str(path) in message and f"field {field!r}" in message and problem in message, message


def test_a_file_that_is_not_toml_or_is_misnamed_is_refused(tmp_path):
    with pytest.raises(TemplateInvalid, match="cannot be read"):
        parse_template(write(tmp_path, "kind = "))
    with pytest.raises(TemplateInvalid, match="must be named complaint_letter.zh_CN.toml"):
        parse_template(write(tmp_path, GOOD, "defence.zh_CN.toml"))


def test_a_broken_shipped_template_is_refused_when_loaded(tmp_path):
    for path in TEMPLATE_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    broken = tmp_path / "civil_complaint.zh_CN.toml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("{court.name}", "{court}"),
                      encoding="utf-8")
    with pytest.raises(TemplateInvalid, match="unknown placeholder {court}"):
        load_template("civil_complaint", "zh_CN", tmp_path)
    with pytest.raises(UserError, match="no en template"):
        load_template("complaint_letter", "en", tmp_path / "nowhere")


def test_unknown_values_are_marked_blanks_and_listed_once():
    facts = DocumentFacts(borrower=Person(name="王芳"))
    found = blanks("civil_complaint", facts)
    paths = [b.path for b in found]
    assert len(paths) == len(set(paths))
    assert {"court.name", "lender.name", "borrower.id_number", "amounts.claim"} <= set(paths)
    assert "borrower.name" not in paths
    court = next(b for b in found if b.path == "court.name")
    assert court.text == "【待填：法院名称】"
    en = {b.path: b.text for b in blanks("civil_complaint", facts, "en")}
    assert en["court.name"] == "[to be completed: name of the court]"
    text = compose_document("civil_complaint", DocumentFacts(court=Court(name="某法院"))).text()
    assert "某法院" in text and "【待填：法院名称】" not in text


def test_every_value_a_template_prints_has_a_label_for_its_blank():
    _ = __import__("dispute.i18n", fromlist=["translator"]).translator("zh_CN")
    for path, label in SCALARS.items():
        assert _(label) != label, path          # the Chinese blank names the value in Chinese


def test_an_empty_list_reads_none_not_a_blank():
    text = compose_document("complaint_letter", DocumentFacts()).text()
    assert "序号 | 编号" not in text and "无" in text.splitlines()
    text = compose_document("evidence_list", DocumentFacts(exhibits=[Exhibit(exhibit="E01")]),
                            "en").text()
    assert "E01 [to be completed: evidence]" in text


@pytest.mark.parametrize("outcome,shown,hidden", [
    (Resolution.MONETARY_RELIEF, "We corrected the error", "no error occurred"),
    (Resolution.EXPLANATION_ONLY, "We determined that no error occurred", "corrected the error"),
    (None, "☐ We corrected the error", None),
])
def test_the_error_response_says_corrected_or_no_error(outcome, shown, hidden):
    facts = DocumentFacts(decision=Decision(outcome=outcome, reasons="because"))
    text = compose_document("error_response", facts).text()
    assert shown in text
    if hidden:
        assert hidden not in text
    else:
        assert "☐ We determined that no error occurred" in text


def test_numbering_styles():
    assert [number_label("一、", n) for n in (1, 10, 11, 23)] == ["一、", "十、", "十一、",
                                                                   "二十三、"]
    assert number_label("（1）", 2) == "（2）" and number_label("(a)", 3) == "(c)"


def test_dates_and_amounts_are_written_the_local_way():
    facts = DocumentFacts(made_on=date(2026, 12, 2), currency="CNY", fees_minor=1234567,
                          remedies=["fee_reversal"])
    zh = compose_document("civil_complaint", facts).text()
    assert "2026年12月2日" in zh and "¥12,345.67（大写：人民币壹万贰仟叁佰肆拾伍元陆角柒分）" in zh
    en = compose_document("civil_complaint", facts, "en").text()
    assert "December 2, 2026" in en and "¥12,345.67" in en and "大写" not in en


def test_the_docx_declares_east_asian_fonts_page_numbers_and_highlights_blanks():
    data = render_document("complaint_letter", DocumentFacts(number="DSP-2026-000001"), "docx")
    styles = docx_xml(data, "word/styles.xml")
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S).group(0)
    assert 'w:eastAsia="宋体"' in defaults and 'w:eastAsia="zh-CN"' in defaults
    assert not re.search(r"w:(ascii|hAnsi|eastAsia)Theme=", styles)
    fonts = docx_xml(data, "word/fontTable.xml")
    assert re.search(r'<w:font w:name="宋体"><w:altName w:val="SimSun"/>', fonts)
    assert re.search(r'<w:font w:name="黑体"><w:altName w:val="SimHei"/>', fonts)
    footer = docx_xml(data, "word/footer1.xml")
    assert "PAGE" in footer and "NUMPAGES" in footer and "第 " in footer
    document = Document(io.BytesIO(data))
    assert document.paragraphs[0].text == "投诉书"
    assert document.paragraphs[0].style.name == "Title"
    assert document.core_properties.title == "投诉书"
    assert document.core_properties.subject == "DSP-2026-000001"
    highlighted = [r.text for p in document.paragraphs for r in p.runs
                   if r.font.highlight_color is not None]
    assert "【待填：机构名称】" in "".join(highlighted)
    signature = [p for p in document.paragraphs if p.text.startswith("投诉人（签名）")]
    assert signature and signature[0].alignment == 2      # right


def test_the_pdf_embeds_its_fonts_and_numbers_its_pages(tmp_path):
    pdf = tmp_path / "d.pdf"
    pdf.write_bytes(render_document("civil_complaint", DocumentFacts(), "pdf"))
    fonts = pdf_fonts(pdf)
    assert any(f["name"].endswith("WenQuanYi-Zen-Hei-Medium") for f in fonts)
    assert all(f["emb"] == "yes" for f in fonts)
    text = squeeze(pdf_text(pdf))
    pages = int(re.search(r"共(\d+)页", text).group(1))
    assert pages >= 3 and all(f"第{n}页共{pages}页" in text for n in range(1, pages + 1))


def test_an_unknown_format_is_refused():
    with pytest.raises(UserError, match="Documents are made as"):
        render_document("complaint_letter", DocumentFacts(), "odt")


def test_the_values_of_a_lists_items_stay_with_their_item():
    facts = DocumentFacts(exhibits=[Exhibit(exhibit="E01", description="对账单", pages=(3, 4)),
                                    Exhibit(exhibit="E02", description="录音", pages=(5, 5))])
    common = load_common("zh_CN")
    template = load_template("evidence_list", "zh_CN")
    doc = compose(template, common, build(facts, "zh_CN", {}, common.as_words()))
    table = next(b for b in doc.blocks if b.type == "table")
    rows = ["".join(r.text for r in row[4]) for row in table.rows]
    assert rows == ["3–4", "5"]
