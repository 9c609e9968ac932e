"""Pydantic errors → one translatable message per field, for the form that showed the field."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from dispute.errors import InvalidInput, UserError
from dispute.i18n import N_

M = TypeVar("M", bound=BaseModel)

FORM = "__form__"  # errors that belong to no single field

_BY_TYPE = {
    "missing": N_("This field is required."),
    "string_type": N_("This field is required."),
    "string_too_long": N_("At most {max_length} characters."),
    "greater_than_equal": N_("Must be {ge} or more."),
    "less_than_equal": N_("Must be {le} or less."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "enum": N_("Choose one of the listed options."),
    "date_type": N_("Enter a date."),
    "date_parsing": N_("Enter a date."),
    "datetime_type": N_("Enter a date and time."),
    "value_error": N_("Enter a valid value."),
    "uuid_parsing": N_("Choose one of the listed options."),
    "extra_forbidden": N_("Unexpected field."),
}


def _message(err: dict[str, Any]) -> UserError:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind.startswith("dispute"):
        return UserError(err["msg"] if not ctx else _template(err), **ctx)
    if kind.endswith("_type") and err.get("input") is None:
        return UserError(N_("This field is required."))
    if kind == "too_short":
        return UserError(N_("Choose at least one."))
    if kind == "string_too_short":
        if ctx.get("min_length", 1) <= 1:
            return UserError(N_("This field is required."))
        return UserError(N_("At least {min_length} characters."), min_length=ctx["min_length"])
    if kind == "value_error" and "email" in err["msg"].lower():
        return UserError(N_("Enter a valid email address."))
    msgid = _BY_TYPE.get(kind, N_("Enter a valid value."))
    return UserError(msgid, **{k: v for k, v in ctx.items() if "{" + k + "}" in msgid})


def _template(err: dict[str, Any]) -> str:
    # PydanticCustomError formats its template with ctx; recover the template for translation.
    return err.get("msg_template") or err["msg"]


def field_errors(exc: ValidationError) -> dict[str, UserError]:
    """The first error of each field (a model-level error goes under FORM)."""
    out: dict[str, UserError] = {}
    for err in exc.errors(include_url=False):
        field = str(err["loc"][0]) if err["loc"] else FORM
        out.setdefault(field, _message(err))
    return out


def parse(model: type[M], data: dict[str, Any], **context: Any) -> M:
    """Validate `data`, raising InvalidInput with per-field messages instead of ValidationError."""
    try:
        return model.model_validate(data, context=context or None)
    except ValidationError as exc:
        raise InvalidInput(field_errors(exc)) from None
