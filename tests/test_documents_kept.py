"""Issue 13 on the dispute: what each exhibit proves and its source (edited, evented, in the
evidence list and the bundle's index), documents made and kept in the evidence store (listed,
read back only through the access check, kept from the start-up sweep), and "I sent this letter"
recorded as a written demand that restarts the limitation period."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date

import pytest
from pypdf import PdfReader

from dispute import event_kinds as ek
from dispute.bundle.content import BundleOptions
from dispute.bundle.export import export_bundle
from dispute.context import open_context
from dispute.deadlines.service import list_deadlines
from dispute.demands import record_demand
from dispute.documents.kept import list_documents, make_document, open_document
from dispute.documents.make import render_document
from dispute.documents.service import facts_for
from dispute.errors import Forbidden, InvalidInput, NotFound, UserError
from dispute.exhibits import describe_exhibit, list_evidence
from dispute.storage import evidence as evidence_rows
from dispute.vocab import Role
from tests import bundle_case as bc
from tests.conftest import raw, make_user, pdf_bytes, upload
from tests.documents_case import docx_xml, squeeze

PROVES = "被告重复扣款，原告已按时还款"
SOURCE = "原告手机银行截图"


@pytest.fixture
def case(ctx):
    borrower, legal, staff = bc.people(ctx)
    number = bc.file_case(ctx, borrower)
    from dispute.exhibits import attach_evidence
    attach_evidence(ctx, borrower, number, [upload("statement.pdf", pdf_bytes("bank"))])
    other = make_user(ctx, name="赵敏", email="zhao.min@example.com")
    return ctx, number, borrower, legal, staff, other


def events_of(ctx, kind: str) -> list[dict]:
    return [json.loads(r["payload"]) for r in raw(ctx.db,
            "SELECT payload FROM events WHERE kind = ? ORDER BY seq", (kind,))]


# --- 证明目的 / 证据来源 ---------------------------------------------------------------------

def test_describing_an_exhibit_keeps_the_earlier_values_in_its_event(case):
    ctx, number, borrower, legal, staff, other = case
    item = list_evidence(ctx, borrower, number)[0]
    describe_exhibit(ctx, borrower, number, item.id, {"proves": "扣款", "source": ""})
    changed = describe_exhibit(ctx, legal, number, item.id, {"proves": PROVES, "source": SOURCE})
    assert (changed.proves, changed.source) == (PROVES, SOURCE)
    again = list_evidence(ctx, staff, number)[0]
    assert (again.proves, again.source) == (PROVES, SOURCE)
    first, second = events_of(ctx, ek.EXHIBIT_DESCRIBED)
    assert first["before"] == {"proves": None, "source": None}
    assert first["after"] == {"proves": "扣款", "source": None}
    assert second["before"] == {"proves": "扣款", "source": None}
    assert second["exhibit"] == "E01"
    # the same values again change nothing and add no event
    describe_exhibit(ctx, legal, number, item.id, {"proves": PROVES, "source": SOURCE})
    assert len(events_of(ctx, ek.EXHIBIT_DESCRIBED)) == 2


def test_describing_is_refused_to_staff_a_foreign_borrower_and_another_disputes_exhibit(case):
    ctx, number, borrower, legal, staff, other = case
    item = list_evidence(ctx, borrower, number)[0]
    with pytest.raises(Forbidden):
        describe_exhibit(ctx, staff, number, item.id, {"proves": PROVES})
    with pytest.raises(NotFound):
        describe_exhibit(ctx, other, number, item.id, {"proves": PROVES})
    mine = bc.file_case(ctx, other)
    with pytest.raises(NotFound):
        describe_exhibit(ctx, other, mine, item.id, {"proves": PROVES})
    with pytest.raises(InvalidInput):
        describe_exhibit(ctx, borrower, number, item.id, {"proves": "长" * 5001})
    assert events_of(ctx, ek.EXHIBIT_DESCRIBED) == []


def test_the_evidence_list_and_the_bundle_index_show_what_it_proves_and_its_source(case,
                                                                                     tmp_path):
    ctx, number, borrower, legal, staff, other = case
    item = list_evidence(ctx, borrower, number)[0]
    describe_exhibit(ctx, borrower, number, item.id, {"proves": PROVES, "source": SOURCE})
    facts = facts_for(ctx, borrower, number, "evidence_list")
    assert (facts.exhibits[0].what_it_proves, facts.exhibits[0].source) == (PROVES, SOURCE)
    xml = squeeze(docx_xml(render_document("evidence_list", facts, "docx"), "word/document.xml"))
    assert PROVES in xml and SOURCE in xml and "待填：证明目的" not in xml
    for lang, words in (("zh_CN", ("证明目的", "证据来源")),
                        ("en", ("What it proves", "Source of the evidence"))):
        out = export_bundle(ctx, borrower, number, tmp_path / f"{lang}.zip",
                            BundleOptions(lang=lang)).path
        with zipfile.ZipFile(out) as zf:
            text = "\n".join(p.extract_text() for p in
                             PdfReader(io.BytesIO(zf.read("bundle.pdf"))).pages)
        flat = squeeze(text)
        assert squeeze(PROVES) in flat and squeeze(SOURCE) in flat, lang
        assert all(squeeze(w) in flat for w in words), (lang, words)


# --- documents kept on the dispute ---------------------------------------------------------

def test_a_made_document_is_kept_encrypted_listed_and_read_back(case):
    ctx, number, borrower, legal, staff, other = case
    pdf = make_document(ctx, borrower, number, "complaint_letter", "pdf", "zh_CN")
    docx = make_document(ctx, legal, number, "complaint_letter", "docx", "en")
    listed = list_documents(ctx, staff, number)
    assert [d.id for d in listed] == [docx.id, pdf.id]        # newest first
    assert listed[0].made_by_name == legal.name and listed[1].made_by_name == borrower.name
    with open_document(ctx, borrower, number, pdf.id) as fh:
        data = fh.read()
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == pdf.sha256
    assert len(data) == pdf.size
    with open_document(ctx, staff, number, docx.id) as fh:
        assert fh.read(2) == b"PK"
    # encrypted at rest: the stored file is not the document
    assert b"%PDF" not in ctx.store.ciphertext_path(pdf.sha256).read_bytes()[:64]
    made = events_of(ctx, ek.DOCUMENT_MADE)
    assert [(e["kind"], e["format"], e["lang"]) for e in made] == [
        ("complaint_letter", "pdf", "zh_CN"), ("complaint_letter", "docx", "en")]
    assert made[0]["document"] == str(pdf.id) and made[0]["sha256"] == pdf.sha256
    assert {pdf.sha256, docx.sha256} <= ctx.db.read(evidence_rows.referenced_objects)


def test_kept_documents_survive_the_start_up_sweep(case):
    ctx, number, borrower, legal, staff, other = case
    doc = make_document(ctx, borrower, number, "complaint_letter", "pdf")
    settings = ctx.settings
    ctx.db.close()
    again = open_context(settings)
    try:
        assert again.store.exists(doc.sha256)
        with open_document(again, borrower, number, doc.id) as fh:
            assert hashlib.sha256(fh.read()).hexdigest() == doc.sha256
    finally:
        again.db.close()


def test_making_is_refused_to_a_foreign_borrower_a_reserved_kind_and_a_bad_format(case):
    ctx, number, borrower, legal, staff, other = case
    before = set(ctx.store.object_ids())
    with pytest.raises(NotFound):
        make_document(ctx, other, number, "complaint_letter", "pdf")
    with pytest.raises(Forbidden):
        make_document(ctx, borrower, number, "decision_letter", "pdf")   # the lender's answer
    with pytest.raises(Forbidden):
        make_document(ctx, staff, number, "complaint_letter", "pdf")
    with pytest.raises(UserError):
        make_document(ctx, borrower, number, "notice_of_error", "pdf")   # US rules only
    with pytest.raises(UserError):
        make_document(ctx, borrower, number, "complaint_letter", "odt")
    assert set(ctx.store.object_ids()) == before
    assert events_of(ctx, ek.DOCUMENT_MADE) == []
    assert list_documents(ctx, legal, number) == []


def test_a_foreign_borrower_cannot_list_or_read_a_kept_document(case):
    ctx, number, borrower, legal, staff, other = case
    doc = make_document(ctx, borrower, number, "complaint_letter", "pdf")
    with pytest.raises(NotFound):
        list_documents(ctx, other, number)
    with pytest.raises(NotFound):
        open_document(ctx, other, number, doc.id)
    mine = bc.file_case(ctx, other)
    with pytest.raises(NotFound):                 # another dispute's document by its id
        open_document(ctx, other, mine, doc.id)


# --- "I sent this letter" ----------------------------------------------------------------------

def test_a_sent_letter_is_a_written_demand_that_restarts_limitation(case):
    ctx, number, borrower, legal, staff, other = case
    doc = make_document(ctx, borrower, number, "complaint_letter", "pdf")
    before = {d.rule: d for d in list_deadlines(ctx, borrower, number)}
    sent_on = ctx.today()
    record_demand(ctx, borrower, number, {"sent_on": sent_on, "channel": "post",
                                          "proof": "EMS 1234567890123", "document": doc.id})
    payload = events_of(ctx, ek.DEMAND_RECORDED)[-1]
    assert payload == {"sent_on": sent_on.isoformat(), "note": "", "channel": "post",
                       "proof": "EMS 1234567890123", "document": str(doc.id),
                       "document_kind": "complaint_letter"}
    after = {d.rule: d for d in list_deadlines(ctx, borrower, number)}
    if "limitation" in before:
        assert after["limitation"].due_by >= before["limitation"].due_by
    assert facts_for(ctx, borrower, number, "complaint_letter").demands == [sent_on]
    with pytest.raises(NotFound):
        record_demand(ctx, borrower, number, {"sent_on": sent_on, "document":
                                              "00000000-0000-0000-0000-000000000000"})
    with pytest.raises(InvalidInput):
        record_demand(ctx, borrower, number, {"sent_on": date(2999, 1, 1)})


# --- kept documents in legal's bundle ------------------------------------------------------

def test_legal_adds_a_kept_pdf_to_the_bundle_after_the_exhibits(case, tmp_path):
    ctx, number, borrower, legal, staff, other = case
    pdf = make_document(ctx, borrower, number, "complaint_letter", "pdf", "zh_CN")
    docx = make_document(ctx, borrower, number, "complaint_letter", "docx", "zh_CN")
    out = export_bundle(ctx, legal, number, tmp_path / "b.zip",
                        BundleOptions(lang="en", documents=(pdf.id,)))
    assert out.exhibits == 2
    with zipfile.ZipFile(out.path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        entry = next(f for f in manifest["files"] if f.get("exhibit") == "D01")
        assert entry["sha256"] == pdf.sha256
        assert hashlib.sha256(zf.read(entry["path"])).hexdigest() == pdf.sha256
        text = "\n".join(p.extract_text() for p in
                         PdfReader(io.BytesIO(zf.read("bundle.pdf"))).pages)
    assert "D01" in text and "投诉书" in squeeze(text)
    from dispute.bundle.verify import verify_bundle
    assert verify_bundle(out.path, allow_untrusted=True).problems == []
    with pytest.raises(InvalidInput):           # a DOCX cannot be paged into the PDF
        export_bundle(ctx, legal, number, tmp_path / "c.zip", BundleOptions(documents=(docx.id,)))
    with pytest.raises(Forbidden):              # the borrower's own bundle takes none
        export_bundle(ctx, borrower, number, tmp_path / "d.zip",
                      BundleOptions(documents=(pdf.id,)))
    assert not (tmp_path / "c.zip").exists() and not (tmp_path / "d.zip").exists()
