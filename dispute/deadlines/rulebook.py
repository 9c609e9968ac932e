"""Rulebooks: the deadlines of one jurisdiction, as data files (`rulebooks/<name>.toml`).

A rulebook says for each rule where it starts, what meets it, how long it runs and how that
length is counted, because counting differs by law (民法典 art. 201–203 move a last day that is a
holiday; FCRA counts the day of receipt as day one; Reg X counts business days). Files are
validated on load; a malformed one is refused with the file, the rule and the field named.
"""

from __future__ import annotations

import re
import tomllib
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dispute import event_kinds
from dispute.errors import NotFound, UserError
from dispute.i18n import N_
from dispute.vocab import Role

RULEBOOK_DIR = Path(__file__).resolve().parents[2] / "rulebooks"
NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
KNOWN_EVENTS = frozenset(v for k, v in vars(event_kinds).items() if k.isupper()
                         and isinstance(v, str))
FACTS = frozenset({"filed_on", "discovered_on", "error_occurred_on", "payment_due_on"})
MATCH = re.compile(r"^(?P<kind>[A-Za-z]+)(?:\[(?P<key>[a-z_]+)=(?P<values>[^\]]+)\])?$")


class Unit(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    BUSINESS_DAYS = "business_days"
    MONTHS = "months"
    YEARS = "years"


class Party(StrEnum):
    LENDER = "lender"
    BORROWER = "borrower"


class DayOne(StrEnum):
    NEXT_DAY = "next_day"   # the day of the event is not counted (民法典 art. 201, FRCP 6(a))
    SAME_DAY = "same_day"   # "the period beginning on the date …" (FCRA 611(a)(1)(A))


class LastDay(StrEnum):
    NEXT_WORKING_DAY = "next_working_day"  # a last day off moves to the next working day
    AS_COUNTED = "as_counted"              # the law moves nothing


class Jurisdiction(StrEnum):
    CN = "CN"
    US = "US"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EventMatch(Strict):
    """An event kind, optionally with one payload key that must hold one of some values:
    written `Kind` or `Kind[key=a|b]` in the file."""

    kind: str
    key: str | None = None
    values: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> "EventMatch":
        m = MATCH.match(text.strip())
        if not m:
            raise ValueError(f"{text!r} is not `Kind` or `Kind[key=value|value]`")
        if m["kind"] not in KNOWN_EVENTS:
            raise ValueError(f"unknown event kind {m['kind']!r} (see dispute/event_kinds.py)")
        values = tuple(v.strip() for v in m["values"].split("|")) if m["values"] else ()
        return cls(kind=m["kind"], key=m["key"], values=values)

    def matches(self, kind: str, payload: dict[str, Any]) -> bool:
        if kind != self.kind:
            return False
        return self.key is None or str(payload.get(self.key)) in self.values


def _match(value: Any) -> Any:
    return EventMatch.parse(value) if isinstance(value, str) else value


class Start(Strict):
    """Where a rule starts: a fact of the dispute (`discovered_on`, `filed_on`) or an event —
    its time, or a date in its payload (`served_on`, `held_on`) — its first or last occurrence."""

    fact: str | None = None
    event: str | None = None
    date_key: str | None = None
    occurrence: str = "first"

    @model_validator(mode="after")
    def _one_source(self) -> "Start":
        if (self.fact is None) == (self.event is None):
            raise ValueError("give exactly one of `fact` or `event`")
        if self.fact is not None and self.fact not in FACTS:
            raise ValueError(f"unknown fact {self.fact!r}; one of {sorted(FACTS)}")
        if self.event is not None and self.event not in KNOWN_EVENTS:
            raise ValueError(f"unknown event kind {self.event!r} (see dispute/event_kinds.py)")
        if self.occurrence not in ("first", "last"):
            raise ValueError("occurrence is `first` or `last`")
        return self


class Restart(Strict):
    """An event that interrupts the period so it runs afresh from its date (民法典 art. 195)."""

    event: str
    date_key: str | None = None

    @field_validator("event")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in KNOWN_EVENTS:
            raise ValueError(f"unknown event kind {value!r} (see dispute/event_kinds.py)")
        return value


class Extension(Strict):
    """One allowed extension: its length (in the rule's unit) and the roles that may grant it."""

    length: Annotated[int, Field(gt=0)]
    roles: Annotated[tuple[Role, ...], Field(min_length=1)]
    why: str = ""

    @field_validator("roles")
    @classmethod
    def _case_roles(cls, value: tuple[Role, ...]) -> tuple[Role, ...]:
        if not set(value) <= {Role.STAFF, Role.LEGAL}:
            raise ValueError("only staff and legal may grant an extension")
        return value


class Rule(Strict):
    name: Annotated[str, Field(pattern=NAME.pattern)]
    label: Annotated[str, Field(min_length=1)]           # an English msgid, translated where shown
    what: Annotated[str, Field(min_length=1)]
    party: Party
    start: Start
    met_by: tuple[EventMatch, ...] = ()
    length: Annotated[int, Field(gt=0)]
    unit: Unit
    day_one: DayOne = DayOne.NEXT_DAY
    last_day: LastDay
    extensions: tuple[Extension, ...] = ()
    pauses_on_borrower: bool = False
    pause_roles: tuple[Role, ...] = ()
    applies_when: dict[str, tuple[str, ...]] = {}
    restart_on: Restart | None = None
    warn_months_before: Annotated[int, Field(ge=0)] = 0
    source: Annotated[str, Field(min_length=1)]

    @field_validator("met_by", mode="before")
    @classmethod
    def _parse_matches(cls, value: Any) -> Any:
        return [_match(v) for v in value] if isinstance(value, list) else value

    @model_validator(mode="after")
    def _consistent(self) -> "Rule":
        periodic = self.unit in (Unit.MONTHS, Unit.YEARS)
        if periodic and (self.pauses_on_borrower or self.pause_roles):
            raise ValueError("a period in months or years cannot pause here")
        if self.unit == Unit.BUSINESS_DAYS and self.last_day == LastDay.NEXT_WORKING_DAY:
            raise ValueError("a count of business days already ends on a working day: "
                             "use last_day = \"as_counted\"")
        for key in self.applies_when:
            if key not in ("error_category", "product"):
                raise ValueError(f"applies_when knows error_category and product, not {key!r}")
        return self


class Rulebook(Strict):
    name: str
    title: str
    jurisdiction: Jurisdiction
    counting: Annotated[str, Field(min_length=1)]   # how this jurisdiction counts, with sources
    rules: tuple[Rule, ...]

    @model_validator(mode="after")
    def _unique(self) -> "Rulebook":
        if not self.rules:
            raise ValueError("a rulebook needs at least one [[rules]] table")
        names = [r.name for r in self.rules]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"rule names must be unique; repeated: {dupes}")
        return self

    def rule(self, name: str) -> Rule:
        for rule in self.rules:
            if rule.name == name:
                return rule
        raise NotFound(N_("Rulebook {rulebook} has no rule {rule}; its rules are: {rules}."),
                       rulebook=self.name, rule=name,
                       rules=", ".join(r.name for r in self.rules))


class RulebookInvalid(UserError):
    """A rulebook file that does not parse or validate; names file, rule and field."""


def _where(data: dict[str, Any], loc: tuple[Any, ...]) -> str:
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rules = data.get("rules") or []
        name = rules[loc[1]].get("name", f"#{loc[1] + 1}") if loc[1] < len(rules) else loc[1]
        field = ".".join(str(p) for p in loc[2:]) or "(the rule)"
        return f"rule {name!r}, field {field!r}"
    return f"field {'.'.join(str(p) for p in loc) or '(the file)'!r}"


def parse_rulebook(path: Path) -> Rulebook:
    """Read and validate one file; RulebookInvalid names what is wrong and where."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RulebookInvalid(N_("Rulebook file {file} cannot be read: {problem}"),
                              file=str(path), problem=str(exc)) from None
    data.setdefault("name", path.stem)
    try:
        book = Rulebook.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{_where(data, tuple(e['loc']))}: {e['msg']}"
                             for e in exc.errors(include_url=False))
        raise RulebookInvalid(N_("Rulebook file {file} is not valid: {problem}"),
                              file=str(path), problem=problems) from None
    if book.name != path.stem:
        raise RulebookInvalid(N_("Rulebook file {file} is not valid: {problem}"), file=str(path),
                              problem=f"field 'name': {book.name!r} differs from the file name")
    return book


def available(directory: Path = RULEBOOK_DIR) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.toml"))


@lru_cache(maxsize=None)
def _cached(path: Path, mtime: float) -> Rulebook:
    return parse_rulebook(path)


def load_rulebook(name: str, directory: Path = RULEBOOK_DIR) -> Rulebook:
    """The named rulebook, re-read when its file changes."""
    path = directory / f"{name}.toml"
    if not NAME.match(name) or not path.is_file():
        raise NotFound(N_("No rulebook {name}; available: {names}."), name=name,
                       names=", ".join(available(directory)))
    return _cached(path, path.stat().st_mtime)
