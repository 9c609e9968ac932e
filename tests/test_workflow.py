"""The lifecycle table (docs/product.md §2) walked whole, and what each move records."""

from __future__ import annotations

import pytest

from dispute import cases, workflow
from dispute.errors import Forbidden, InvalidInput, UserError
from dispute.proceedings import get_proceedings
from dispute.stages import BY_NAME, MOVES, STAGE_EXPLAINED
from dispute.timeline import timeline
from dispute.vocab import Role, Stage
from tests.conftest import filing_form, make_user

FORMS = {
    "acknowledge": {"acknowledgment": "已收到您的投诉，我们将在15日内答复。"},
    "to_mediation": {"reason": "银行拒绝退还违约金", "body": "上海银行业纠纷调解中心"},
    "skip_to_litigation": {"reason": "The lender refuses mediation", "court": "上海市浦东新区人民法院"},
    "to_litigation": {"mediation_result": "调解不成", "court": "上海市浦东新区人民法院"},
    "close": {"resolution": "monetary_relief", "summary": "违约金已退还 ¥85.00"},
    "withdraw": {"reason": "settled with the bank directly"},
    "reopen": {"reason": "银行没有履行和解协议"},
}
ROLES = [Role.BORROWER, Role.STAFF, Role.LEGAL, Role.ADMIN]


@pytest.fixture
def people(ctx):
    return {Role.BORROWER: make_user(ctx),
            Role.STAFF: make_user(ctx, Role.STAFF, email="staff@example.com", name="李静"),
            Role.LEGAL: make_user(ctx, Role.LEGAL, email="legal@example.com", name="陈律师"),
            Role.ADMIN: make_user(ctx, Role.ADMIN, email="admin@example.com", name="Admin")}


def put_in(ctx, number: str, stage: Stage, closed_from: Stage | None = None) -> None:
    """Jump a dispute to a stage (test set-up only: the moves themselves are under test)."""
    ctx.db.write(lambda uow: uow.execute(
        "UPDATE disputes SET stage = ?, closed_from = ? WHERE number = ?",
        (stage.value, closed_from.value if closed_from else None, number)))


CASES = [(move.name, stage, role) for move in MOVES for stage in Stage for role in ROLES]


@pytest.mark.parametrize("move_name,stage,role", CASES,
                         ids=[f"{m}-{s.value}-{r.value}" for m, s, r in CASES])
def test_every_move_from_every_stage_for_every_role(ctx, people, move_name, stage, role):
    number = cases.file_dispute(ctx, people[Role.BORROWER], filing_form())
    put_in(ctx, number, stage, Stage.NEGOTIATION if stage == Stage.CLOSED else None)
    spec = BY_NAME[move_name]
    if spec.allows(stage, role):
        d = workflow.move(ctx, people[role], number, move_name, FORMS[move_name])
        expected = Stage.NEGOTIATION if spec.target is None else spec.target
        assert d.stage == expected
        assert d.version == 2
    else:
        with pytest.raises(UserError) as err:
            workflow.move(ctx, people[role], number, move_name, FORMS[move_name])
        # A role the move is not for (administrators: any case action) is Forbidden; a move
        # merely not possible from this stage is a plain UserError naming the possible ones.
        assert isinstance(err.value, Forbidden) == (role not in spec.roles)
        assert cases.get_dispute(ctx, people[Role.STAFF], number).stage == stage


def test_a_move_not_in_the_table_is_refused_naming_the_allowed_ones(ctx, people):
    number = cases.file_dispute(ctx, people[Role.BORROWER], filing_form())
    with pytest.raises(UserError) as err:
        workflow.move(ctx, people[Role.STAFF], number, "to_litigation", FORMS["to_litigation"])
    message = err.value.render(lambda s: s)
    assert "Acknowledge and start negotiation" in message
    assert "Close with a resolution" in message and "Withdraw the dispute" in message
    assert "Escalate to mediation" not in message
    with pytest.raises(UserError) as err:
        workflow.move(ctx, people[Role.STAFF], number, "teleport", {})
    assert "teleport" in err.value.render(lambda s: s)


def test_the_table_covers_every_stage_and_explains_it():
    assert set(STAGE_EXPLAINED) == set(Stage)
    reachable = {m.target for m in MOVES if m.target} | {Stage.FILED}
    assert reachable == set(Stage)


def test_closing_needs_a_resolution_and_a_summary_and_reopening_returns(ctx, people):
    staff = people[Role.STAFF]
    number = cases.file_dispute(ctx, people[Role.BORROWER], filing_form())
    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    with pytest.raises(InvalidInput) as err:
        workflow.move(ctx, staff, number, "close", {"resolution": "", "summary": ""})
    assert set(err.value.fields) == {"resolution", "summary"}
    with pytest.raises(InvalidInput) as err:
        workflow.move(ctx, staff, number, "close", {"resolution": "withdrawn", "summary": "x"})
    assert "withdrawal" in err.value.fields["resolution"].render(lambda s: s)
    d = workflow.move(ctx, staff, number, "close", FORMS["close"])
    assert (d.stage, d.closed_from, d.resolution) == (Stage.CLOSED, Stage.NEGOTIATION,
                                                      "monetary_relief")
    assert d.closing_summary == FORMS["close"]["summary"]
    with pytest.raises(InvalidInput):
        workflow.move(ctx, staff, number, "reopen", {"reason": ""})
    d = workflow.move(ctx, staff, number, "reopen", FORMS["reopen"])
    assert (d.stage, d.resolution, d.closed_from) == (Stage.NEGOTIATION, None, None)
    kinds = [e.kind for e in timeline(ctx, staff, number)]
    assert kinds == ["DisputeFiled", "StageAdvanced", "Assigned", "DisputeClosed",
                     "DisputeReopened"]


def test_acknowledging_assigns_an_unassigned_dispute_to_the_acknowledger(ctx, people):
    number = cases.file_dispute(ctx, people[Role.BORROWER], filing_form())
    d = workflow.move(ctx, people[Role.STAFF], number, "acknowledge", FORMS["acknowledge"])
    assert d.handler_id == people[Role.STAFF].id


def test_escalations_open_the_mediation_and_litigation_records(ctx, people):
    staff, legal = people[Role.STAFF], people[Role.LEGAL]
    number = cases.file_dispute(ctx, people[Role.BORROWER], filing_form())
    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    workflow.move(ctx, staff, number, "to_mediation", FORMS["to_mediation"])
    assert get_proceedings(ctx, legal, number).mediation.body == "上海银行业纠纷调解中心"
    workflow.move(ctx, legal, number, "to_litigation", FORMS["to_litigation"])
    p = get_proceedings(ctx, people[Role.BORROWER], number)
    assert p.mediation.result == "调解不成"
    assert p.litigation.court == "上海市浦东新区人民法院"
