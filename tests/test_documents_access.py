"""Who may make which document, and which numbers it shows: facts_for refuses as dispute/access.py
does (NotFound for someone else's dispute, the same words as for no dispute; Forbidden for a kind
the role does not make), keeps numbers masked unless the document needs them whole and the person
may have them, and unmasks for legal only through the logged, reasoned unmasking."""

from __future__ import annotations

import json

import pytest

from dispute import access_matrix as am
from dispute import event_kinds
from dispute.access_matrix import Relation
from dispute.bundle.content import mask_value
from dispute.documents.kinds import KINDS
from dispute.documents.service import facts_for
from dispute.errors import Forbidden, InvalidInput, NotFound, UserError
from dispute.vocab import Role
from tests.conftest import raw, make_user
from tests.documents_case import build

ACCOUNT, MASKED = "6225880212345678", "6225********5678"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = build(tmp_path_factory.mktemp("documents-access") / "data")
    w.other = make_user(w.ctx, name="赵敏", email="zhao.min@example.com")
    w.admin = make_user(w.ctx, Role.ADMIN, name="Ops", email="ops@example.com")
    yield w
    w.ctx.db.close()


def unmaskings(ctx) -> list[dict]:
    return [json.loads(r["payload"]) for r in raw(ctx.db, 
        "SELECT payload FROM events WHERE kind = ? ORDER BY seq", (event_kinds.FIELD_UNMASKED,))]


def test_the_matrix_rows_agree_with_the_kinds_table():
    for kind in KINDS:
        row = am.BY_NAME[f"documents.service.facts_for:{kind.name}"]
        makers = {r for r in am.ROLES if am.expected(row, r, Relation.OWN) == am.Outcome.ALLOWED}
        assert makers == set(kind.makers), kind.name


def test_the_borrowers_own_letter_carries_their_own_numbers_whole(world):
    facts = facts_for(world.ctx, world.borrower, world.decided, "complaint_letter")
    assert facts.account_ref == ACCOUNT and not facts.account_masked
    assert facts.borrower.phone == "+86 138 0013 8000"
    assert facts.borrower.email == "wang.fang@example.com"


def test_staff_letters_to_the_borrower_show_numbers_masked(world):
    facts = facts_for(world.ctx, world.staff, world.decided, "decision_letter")
    assert facts.account_ref == MASKED and facts.account_masked
    assert facts.borrower.phone == mask_value("phone", "+86 138 0013 8000") == "+861******8000"
    assert facts.borrower.email is None


def test_legal_gets_numbers_whole_only_with_a_reason_which_is_logged(world):
    before = len(unmaskings(world.ctx))
    masked = facts_for(world.ctx, world.legal, world.decided, "civil_complaint")
    assert masked.account_ref == MASKED and len(unmaskings(world.ctx)) == before
    with pytest.raises(InvalidInput):
        facts_for(world.ctx, world.legal, world.decided, "civil_complaint", unmask_reason="x")
    assert len(unmaskings(world.ctx)) == before
    whole = facts_for(world.ctx, world.legal, world.decided, "civil_complaint",
                      unmask_reason="filing the complaint with the court")
    assert whole.account_ref == ACCOUNT and whole.borrower.phone == "+86 138 0013 8000"
    logged = unmaskings(world.ctx)[before:]
    assert [e["field"] for e in logged] == ["account_ref", "borrower_phone"]
    assert {e["reason"] for e in logged} == {"filing the complaint with the court"}


@pytest.mark.parametrize("actor,kind", [("borrower", "decision_letter"),
                                        ("borrower", "error_response"),
                                        ("staff", "complaint_letter"),
                                        ("staff", "civil_complaint")])
def test_a_role_may_not_make_a_kind_that_is_not_its_own(world, actor, kind):
    number = world.us if kind == "error_response" else world.decided
    with pytest.raises(Forbidden):
        facts_for(world.ctx, getattr(world, actor), number, kind)


def test_a_borrower_cannot_make_a_document_for_someone_elses_dispute(world):
    with pytest.raises(NotFound) as foreign:
        facts_for(world.ctx, world.other, world.decided, "complaint_letter")
    with pytest.raises(NotFound) as missing:
        facts_for(world.ctx, world.other, "DSP-2026-999999", "complaint_letter")
    assert foreign.value.msgid == missing.value.msgid == "No dispute {number} was found."


def test_administrators_see_no_documents(world):
    for kind in ("complaint_letter", "decision_letter"):
        with pytest.raises(Forbidden):
            facts_for(world.ctx, world.admin, world.decided, kind)


def test_a_document_follows_the_rulebooks_jurisdiction_and_languages(world):
    with pytest.raises(UserError, match="US rules"):
        facts_for(world.ctx, world.borrower, world.decided, "notice_of_error")
    with pytest.raises(UserError, match="CN rules"):
        facts_for(world.ctx, world.borrower, world.us, "complaint_letter")
    with pytest.raises(UserError, match="English only"):
        facts_for(world.ctx, world.borrower, world.us, "notice_of_error", lang="zh_CN")
    with pytest.raises(NotFound, match="No document kind"):
        facts_for(world.ctx, world.borrower, world.decided, "love_letter")


def test_only_legal_unmasks(world):
    for actor, kind in ((world.borrower, "complaint_letter"), (world.staff, "decision_letter"),
                        (world.legal, "decision_letter")):
        with pytest.raises(UserError, match="unmasked only by legal"):
            facts_for(world.ctx, actor, world.decided, kind, unmask_reason="I want to see it")


def test_facts_never_carry_internal_notes(world):
    facts = facts_for(world.ctx, world.legal, world.decided, "civil_complaint")
    assert "内部备注" not in facts.model_dump_json()
