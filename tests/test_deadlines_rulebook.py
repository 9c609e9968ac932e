"""Rulebook files: the shipped ones match docs/product.md §4; a malformed one is refused precisely."""

from pathlib import Path

import pytest

from dispute.deadlines.rulebook import (RULEBOOK_DIR, RulebookInvalid, Unit, available,
                                        load_rulebook, parse_rulebook)
from dispute.errors import NotFound

DESIGN_RULES = {
    "cn-banking": ["decision", "reexamination_request", "credit_objection", "mediation",
                   "limitation", "appeal"],
    "us-reg-x": ["acknowledge", "respond"],
    "us-reg-z": ["acknowledge", "resolve"],
    "us-fcra": ["reinvestigate"],
}


def test_the_shipped_rulebooks_have_the_rules_of_the_design():
    assert available() == sorted(DESIGN_RULES)
    for name, rules in DESIGN_RULES.items():
        book = load_rulebook(name)
        assert [r.name for r in book.rules] == rules
        assert all(r.source and r.label for r in book.rules)


@pytest.mark.parametrize("book,rule,length,unit,extensions", [
    ("cn-banking", "decision", 15, Unit.CALENDAR_DAYS, [15, 30]),   # 15 → 30 → 60 days
    ("cn-banking", "reexamination_request", 30, Unit.CALENDAR_DAYS, []),
    ("cn-banking", "credit_objection", 20, Unit.CALENDAR_DAYS, []),
    ("cn-banking", "mediation", 30, Unit.CALENDAR_DAYS, [30]),
    ("cn-banking", "limitation", 3, Unit.YEARS, []),
    ("cn-banking", "appeal", 15, Unit.CALENDAR_DAYS, []),
    ("us-reg-x", "acknowledge", 5, Unit.BUSINESS_DAYS, []),
    ("us-reg-x", "respond", 30, Unit.BUSINESS_DAYS, [15]),
    ("us-reg-z", "acknowledge", 30, Unit.CALENDAR_DAYS, []),
    ("us-reg-z", "resolve", 90, Unit.CALENDAR_DAYS, []),
    ("us-fcra", "reinvestigate", 30, Unit.CALENDAR_DAYS, [15]),
])
def test_lengths_and_extensions_follow_the_design_table(book, rule, length, unit, extensions):
    r = load_rulebook(book).rule(rule)
    assert (r.length, r.unit, [e.length for e in r.extensions]) == (length, unit, extensions)


GOOD_RULE = """
[[rules]]
name = "decision"
label = "Decision"
what = "x"
party = "lender"
start = { event = "DisputeFiled" }
length = 15
unit = "calendar_days"
last_day = "next_working_day"
source = "somewhere"
"""


def write_book(tmp_path: Path, rule_text: str, name: str = "test-book") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(f'title = "t"\njurisdiction = "CN"\ncounting = "c"\n{rule_text}',
                    encoding="utf-8")
    return path


def test_a_well_formed_file_loads(tmp_path):
    assert parse_rulebook(write_book(tmp_path, GOOD_RULE)).rule("decision").length == 15


@pytest.mark.parametrize("change,field", [
    (('unit = "calendar_days"', 'unit = "fortnights"'), "unit"),
    (('length = 15', 'length = -1'), "length"),
    (('source = "somewhere"', ''), "source"),
    (('{ event = "DisputeFiled" }', '{ event = "DisputeFiledd" }'), "start"),
    (('party = "lender"', 'party = "mediator"'), "party"),
    (('last_day = "next_working_day"', 'last_day = "next_working_day"\nmet_by = ["Nope"]'),
     "met_by"),
])
def test_a_malformed_rule_is_refused_naming_file_rule_and_field(tmp_path, change, field):
    path = write_book(tmp_path, GOOD_RULE.replace(*change))
    with pytest.raises(RulebookInvalid) as err:
        parse_rulebook(path)
    message = err.value.render(lambda s: s)
    assert str(path) in message
    assert "rule 'decision'" in message and f"field '{field}" in message


def test_a_file_that_is_not_toml_is_refused_with_its_name(tmp_path):
    path = write_book(tmp_path, "[[rules]\nname = ")
    with pytest.raises(RulebookInvalid, match="cannot be read"):
        parse_rulebook(path)


def test_business_days_with_a_moving_last_day_is_refused(tmp_path):
    path = write_book(tmp_path, GOOD_RULE.replace('unit = "calendar_days"',
                                                  'unit = "business_days"'))
    with pytest.raises(RulebookInvalid, match="already ends on a working day"):
        parse_rulebook(path)


def test_unknown_rulebook_and_rule_name_what_exists():
    with pytest.raises(NotFound, match="available: cn-banking"):
        load_rulebook("../etc/passwd")
    with pytest.raises(NotFound, match="its rules are: acknowledge, respond"):
        load_rulebook("us-reg-x").rule("decision")


def test_rulebooks_live_in_the_repository():
    assert RULEBOOK_DIR.name == "rulebooks" and (RULEBOOK_DIR / "cn-banking.toml").is_file()
