"""Every event kind says what it is, in both languages, in the timeline, the bundle's chronology
and the audit log (issue 16 item 2): its label is its own, and its line of detail names only the
vocabulary values its payload holds — a rejected offer is never the closing resolution
"Rejected (duplicate or out of scope)"."""

from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from dispute import event_kinds as ek
from dispute import event_words
from dispute.bundle import sections
from dispute.i18n import translator
from dispute.offers import STATUS_LABELS, OfferStatus
from dispute.vocab import _LABEL_PAIRS, label, Channel, EvidenceKind, HearingKind, Resolution, Stage
from ui import timeline_view
from tests.test_pages import portal  # noqa: F401  (a fixture)
from dispute.timeline import TimelineEntry

NOW = datetime(2026, 11, 22, 4, 0, tzinfo=timezone.utc)

# One payload per kind, as the services write them; each vocabulary value is one the detail
# must name (the second element). A kind missing here fails the test.
SAMPLES: dict[str, tuple[dict, list]] = {
    ek.DISPUTE_FILED: ({"number": "DSP-2026-000001", "institution": "Bank X"}, []),
    ek.DISPUTE_CORRECTED: ({"before": {"description": "a"}, "after": {"description": "b"}}, []),
    ek.STAGE_ADVANCED: ({"from": "negotiation", "to": "mediation", "move": "to_mediation"},
                        [Stage.NEGOTIATION, Stage.MEDIATION]),
    ek.DISPUTE_CLOSED: ({"from": "negotiation", "resolution": "rejected", "summary": "x"},
                        [Resolution.REJECTED]),
    ek.DISPUTE_WITHDRAWN: ({"from": "filed", "reason": "x"}, []),
    ek.DISPUTE_REOPENED: ({"to": "negotiation", "reason": "x"}, []),
    ek.ASSIGNED: ({"handler_id": None, "handler_name": "Li"}, []),
    ek.EVIDENCE_ATTACHED: ({"exhibit": "E01", "kind": "photo", "sha256": "ab"},
                           [EvidenceKind.PHOTO]),
    ek.EVIDENCE_WITHDRAWN: ({"exhibit": "E01", "reason": "x"}, []),
    ek.EXHIBIT_DESCRIBED: ({"exhibit": "E01", "before": {}, "after": {"proves": "x"}}, []),
    ek.EXHIBIT_RECLASSIFIED: ({"exhibit": "E01", "before": {"kind": "call_recording"},
                               "after": {"kind": "receipt"}},
                              [EvidenceKind.CALL_RECORDING, EvidenceKind.RECEIPT]),
    ek.CONTACT_LOGGED: ({"channel": "letter", "agent_name": "W", "summary": "x"},
                        [Channel.LETTER]),
    ek.DEMAND_RECORDED: ({"sent_on": "2026-10-01", "note": "x"}, []),
    ek.DOCUMENT_MADE: ({"kind": "complaint_letter", "format": "pdf"}, []),
    ek.MESSAGE_SENT: ({"message_id": "m1", "author_role": "staff"}, []),
    ek.INFORMATION_REQUESTED: ({"message_id": "m1"}, []),
    ek.INFORMATION_PROVIDED: ({"request_ids": ["m1"], "via": "message"}, []),
    ek.NOTE_ADDED: ({"note_id": "n1"}, []),
    ek.OFFER_MADE: ({"offer_id": "o1", "terms": {}}, []),
    ek.OFFER_ANSWERED: ({"offer_id": "o1", "answer": "rejected", "note": "x"},
                        [OfferStatus.REJECTED]),
    ek.MEDIATION_RECORDED: ({"body": "B", "reference": "R", "mediator": "M", "result": "x"}, []),
    ek.MEDIATION_SESSION_RECORDED: ({"held_on": "2026-10-10", "notes": "x"}, []),
    ek.LITIGATION_RECORDED: ({"court": "C", "case_number": "N", "filed_on": "2026-11-01"}, []),
    ek.HEARING_RECORDED: ({"held_on": "2026-11-15", "time": "09:30", "courtroom": "R3",
                           "hearing_kind": "judgment", "notes": "x"}, [HearingKind.JUDGMENT]),
    ek.JUDGMENT_RECORDED: ({"judgment": "x", "judgment_on": "2026-12-01",
                            "appeal_by": "2026-12-16"}, []),
    ek.CLAIM_LINES_SAVED: ({"charges": 2, "payments": 1, "dues": 1, "source": "csv"}, []),
    ek.CLAIM_CALCULATED: ({"refund_minor": 100, "fees_before": 200, "currency": "CNY"}, []),
    ek.DEADLINE_EXTENDED: ({"rule": "decision", "days": 15, "reason": "x"}, []),
    ek.DEADLINE_PAUSED: ({"rule": "decision", "reason": "x"}, []),
    ek.DEADLINE_RESUMED: ({"rule": "decision", "reason": "x"}, []),
    ek.DEADLINE_MOVED: ({"rule": "decision", "from": "2027-02-09", "to": "2027-02-15",
                         "reasons": [{"year": 2027, "cause": "published"}]}, []),
    ek.BUNDLE_EXPORTED: ({"include_notes": False, "unmasked": False, "reason": None}, []),
    ek.FIELD_UNMASKED: ({"field": "account_ref", "reason": "x"}, []),
    ek.ACCOUNT_CREATED: ({"user": "u", "role": "staff"}, []),
    ek.LOGGED_IN: ({"user": "u"}, []),
    ek.LOGIN_FAILED: ({"user": None, "reason": "password"}, []),
    ek.LOGIN_LOCKED: ({"user": None, "until": "2026-11-22T05:00:00"}, []),
    ek.LOGGED_OUT: ({"user": "u", "reason": "idle"}, []),
    ek.PASSWORD_CHANGED: ({"user": "u", "forced": False}, []),
    ek.PASSWORD_RESET: ({"user": "u"}, []),
    ek.ROLE_CHANGED: ({"user": "u", "from": "staff", "to": "legal"}, []),
    ek.ACCOUNT_DISABLED: ({"user": "u"}, []),
    ek.ACCOUNT_ENABLED: ({"user": "u"}, []),
    ek.EMAIL_VERIFIED: ({"user": "u"}, []),
    ek.SIGNUP_EXISTING: ({"user": "u"}, []),
    ek.RESET_REQUESTED: ({"user": "u", "sent": True}, []),
    ek.RESET_BY_LINK: ({"user": "u"}, []),
    ek.NAME_CHANGED: ({"user": "u"}, []),
    ek.PHONE_CHANGED: ({"user": "u"}, []),
    ek.DATA_DOWNLOADED: ({"user": "u", "files": 3, "disputes": 1}, []),
    ek.ERASURE_REQUESTED: ({"user": "u"}, []),
    ek.ERASURE_CARRIED_OUT: ({"user": "u", "objects": 2}, []),
    ek.TWO_FACTOR_ENROLLED: ({"user": "u"}, []),
    ek.RECOVERY_CODE_USED: ({"user": "u", "left": 9}, []),
    ek.TWO_FACTOR_RESET: ({"user": "u", "reason": "lost the phone"}, []),
    ek.TWO_FACTOR_TURNED_OFF: ({"user": "u"}, []),
    ek.RECOVERY_CODES_RENEWED: ({"user": "u"}, []),
}
LANGS = ("en", "zh_CN")


def vocabulary_labels(_) -> dict[str, object]:
    """Every label of the closed vocabularies and of the offers' statuses, translated: the
    words an event may borrow only for the values its own payload holds."""
    found = {_(text): (type(value), value.value) for value, text in _LABEL_PAIRS}
    found.update({_(text): (OfferStatus, status.value) for status, text in
                  STATUS_LABELS.items()})
    return found


def word_for(value, _) -> str:
    return _(STATUS_LABELS[value]) if isinstance(value, OfferStatus) else label(value, _)


def test_every_kind_has_a_sample_and_a_label():
    assert set(SAMPLES) == set(ek.ALL_KINDS)
    assert set(ek.ALL_KINDS) <= set(ek.LABELS)


@pytest.mark.parametrize("lang", LANGS)
def test_each_label_is_its_own_and_not_another_vocabulary_word(lang):
    _ = translator(lang)
    labels = {kind: event_words.label(kind, _) for kind in ek.ALL_KINDS}
    others = vocabulary_labels(_)
    for kind, text in labels.items():
        assert text and text != kind or lang == "en", (kind, text)
        same = [k for k, t in labels.items() if t == text and k != kind]
        assert not same, f"{kind} reads {text!r}, the label of {same}"
        assert text not in others, f"{kind} reads {text!r}, the word for {others[text]!r}"
        if lang == "zh_CN":  # translated, not the English msgid
            assert text != ek.LABELS[kind], kind


def _bundle_detail(kind, payload, lang):
    w = sections.Words(lang, "Asia/Shanghai")
    content = SimpleNamespace(messages={"m1": "body of the message"})
    return sections.event_details(kind, payload, content, w)


def _timeline_detail(kind, payload, lang):
    entry = TimelineEntry(seq=1, occurred_at=NOW, kind=kind, actor_name="A", actor_role=None,
                          payload=payload)
    return timeline_view._detail(entry, translator(lang), lang)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("view", [_bundle_detail, _timeline_detail])
def test_each_detail_names_only_its_own_vocabulary_values(lang, view):
    _ = translator(lang)
    words = vocabulary_labels(_)
    for kind, (payload, expected) in SAMPLES.items():
        text = view(kind, payload, lang)
        template = _(event_words.DETAILS.get(kind, ""))
        for word, value in words.items():
            own = [word_for(v, _) for v in expected]
            if (value in {(type(v), v.value) for v in expected} or word in template
                    or any(word in o for o in own)):
                continue
            assert word not in text, (f"{kind} ({lang}) says {text!r}: {word!r} is the word "
                                      f"for {value!r}")
        for value in expected:
            assert word_for(value, _) in text, (kind, text)


@pytest.mark.parametrize("lang", LANGS)
def test_an_answered_offer_says_whether_it_was_accepted_or_rejected(lang):
    _ = translator(lang)
    rejected = _bundle_detail(ek.OFFER_ANSWERED, {"answer": "rejected", "note": ""}, lang)
    accepted = _timeline_detail(ek.OFFER_ANSWERED, {"answer": "accepted", "note": ""}, lang)
    assert rejected == _("Rejected") and accepted == _("Accepted")
    assert label(Resolution.REJECTED, _) not in rejected


# --- through the pages and a real bundle ------------------------------------------------------

def test_a_rejected_offer_reads_as_one_on_the_page_and_in_the_chinese_bundle(portal, tmp_path):
    import zipfile
    import io as _io

    from pypdf import PdfReader

    from dispute import cases, workflow
    from dispute.bundle.content import BundleOptions
    from dispute.bundle.export import export_bundle
    from dispute.offers import list_offers, make_offer
    from dispute.vocab import Role
    from tests.conftest import each_tab, filing_form, make_user
    from tests.test_workflow import FORMS
    from tests.test_workflow_pages import open_page, texts

    ctx = portal
    borrower = make_user(ctx)
    staff = make_user(ctx, Role.STAFF, email="staff@example.com", name="李静")
    legal = make_user(ctx, Role.LEGAL, email="legal@example.com", name="陈律师")
    number = cases.file_dispute(ctx, borrower, filing_form())
    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    make_offer(ctx, staff, number, {"refund_minor": "85.00"})
    [offer] = list_offers(ctx, staff, number)

    at = open_page(borrower, "pages/dispute.py", number, lang="zh_CN", tab="Offers")
    at.button(key=f"offer_{offer.id}_rejected").click().run()
    at.button(key=f"offer_{offer.id}_confirm").click().run()  # an answer is asked once more
    at = open_page(borrower, "pages/dispute.py", number, lang="zh_CN")
    assert not at.exception
    page = " ".join(texts(shown) for shown in each_tab(at, "pages/dispute.py"))
    assert "**已答复和解方案**" in page and "已拒绝" in page
    assert "不予受理" not in page

    out = tmp_path / "b.zip"
    export_bundle(ctx, legal, number, out, BundleOptions(lang="zh_CN"))
    with zipfile.ZipFile(out) as zf:
        reader = PdfReader(_io.BytesIO(zf.read("bundle.pdf")))
        text = "\n".join(p.extract_text() for p in reader.pages)
    assert "已答复和解方案" in text and "不予受理" not in text
