"""Document templates are data: one TOML file per kind and language
(`dispute/documents/templates/<kind>.<lang>.toml`) listing the title and the blocks — headings,
paragraphs, label/value fields, numbered lists, tables, signature lines, notes — whose text holds
placeholders such as `{borrower.name}` or `{court.name}`. Words every document of a language
shares (yes/no boxes, the blank marker, the page footer) are in `common.<lang>.toml`.

Files are validated when loaded, like the rulebooks: a malformed file, an unknown block type or
field, a placeholder that names no value (`dispute.documents.values`), a stray brace or a phrase
table missing a case is refused with the file and the field named. Templates are trusted data
from the repository; user text never becomes template text (it is only ever a value).
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, \
    model_validator

from dispute.documents.values import BOOLEANS, LISTS, PHRASE_TABLES, SCALARS
from dispute.errors import NotFound, UserError
from dispute.i18n import N_

TEMPLATE_DIR = Path(__file__).parent / "templates"
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_.]*)(\?)?\}")
Numbering = Literal["1.", "一、", "（一）", "（1）", "(a)"]


class TemplateInvalid(UserError):
    """A template file that does not parse or validate; names the file and the field."""


def placeholders(text: str) -> list[tuple[str, bool]]:
    """The (path, is_question) pairs in `text`; ValueError for a brace that is not one."""
    rest = PLACEHOLDER.sub("", text)
    if "{" in rest or "}" in rest:
        raise ValueError(f"a brace that is not a placeholder in {text!r}")
    return [(m.group(1), bool(m.group(2))) for m in PLACEHOLDER.finditer(text)]


def check_text(text: str, item_fields: frozenset[str] = frozenset()) -> str:
    for path, question in placeholders(text):
        if path not in SCALARS and path not in item_fields:
            where = f" (item fields: {', '.join(sorted(item_fields))})" if item_fields else ""
            raise ValueError(f"unknown placeholder {{{path}}}{where}")
        if path in BOOLEANS and not question:
            raise ValueError(f"{{{path}}} is a yes/no value: write {{{path}?}}")
    return text


def _item_fields(each: str | None) -> frozenset[str]:
    if each is None:
        return frozenset()
    if each not in LISTS:
        raise ValueError(f"each: unknown list {each!r}; one of {sorted(LISTS)}")
    return frozenset(LISTS[each])


def _condition(value: str | None) -> str | None:
    if value is not None and value not in SCALARS and value not in LISTS:
        raise ValueError(f"unknown value {value!r}")
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Shown(Strict):
    """A block shown only when a value is present / true (`when`) or absent / false (`unless`)."""

    when: str | None = None
    unless: str | None = None
    _conditions = field_validator("when", "unless")(_condition)


class Heading(Shown):
    type: Literal["heading"]
    text: str
    level: Literal[1, 2] = 1
    _text = field_validator("text")(check_text)


class Paragraph(Shown):
    type: Literal["paragraph"]
    text: str
    align: Literal["left", "center", "right", "justify"] = "justify"
    indent: bool = True          # first-line indent of two characters (Chinese body text)
    bold: bool = False
    _text = field_validator("text")(check_text)


class Note(Shown):
    """Small print: instructions to the person filing, a reading version's caveat."""

    type: Literal["note"]
    text: str
    _text = field_validator("text")(check_text)


class Fields(Shown):
    """Label / value rows (a parties block)."""

    type: Literal["fields"]
    rows: Annotated[list[tuple[str, str]], Field(min_length=1)]

    @field_validator("rows")
    @classmethod
    def _rows(cls, rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
        for label, value in rows:
            check_text(label)
            check_text(value)
        return rows


class ListBlock(Shown):
    """Numbered items: one per item of `each` (written by `item`), then the fixed `items`."""

    type: Literal["list"]
    each: str | None = None
    item: str = "{text}"
    items: list[str] = []
    numbering: Numbering = "1."
    empty: str | None = None

    @model_validator(mode="after")
    def _texts(self) -> "ListBlock":
        fields = _item_fields(self.each)
        if self.each is None and not self.items:
            raise ValueError("give `each` or `items`")
        if self.each is not None:
            check_text(self.item, fields)
        for text in self.items + ([self.empty] if self.empty else []):
            check_text(text)
        return self


class Table(Shown):
    """A grid: fixed `rows`, or a row per item of `each` written by `cells`. In fixed rows a row
    of one cell spans the table (a band such as 诉讼请求和依据)."""

    type: Literal["table"]
    header: list[str] = []
    widths: list[Annotated[int, Field(gt=0)]] = []
    rows: list[list[str]] = []
    each: str | None = None
    cells: list[str] = []
    empty: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> "Table":
        fields = _item_fields(self.each)
        if (self.each is None) == (not self.rows):
            raise ValueError("give either `rows` or `each` with `cells`")
        if self.each is not None and not self.cells:
            raise ValueError("`each` needs `cells`")
        columns = len(self.header) or len(self.cells) or max(len(r) for r in self.rows)
        if self.cells and len(self.cells) != columns:
            raise ValueError(f"cells: {len(self.cells)} cells for {columns} columns")
        for index, row in enumerate(self.rows):
            if len(row) not in (1, columns):
                raise ValueError(f"rows.{index}: {len(row)} cells for {columns} columns")
        if self.widths and len(self.widths) != columns:
            raise ValueError(f"widths: {len(self.widths)} widths for {columns} columns")
        for text in self.header + [c for r in self.rows for c in r] + \
                ([self.empty] if self.empty else []):
            check_text(text)
        for text in self.cells:
            check_text(text, fields)
        return self


class Signature(Shown):
    """Lines set to the right at the foot: who signs, and the date."""

    type: Literal["signature"]
    lines: Annotated[list[str], Field(min_length=1)]

    @field_validator("lines")
    @classmethod
    def _lines(cls, lines: list[str]) -> list[str]:
        return [check_text(text) for text in lines]


Block = Annotated[Union[Heading, Paragraph, Note, Fields, ListBlock, Table, Signature],
                  Field(discriminator="type")]


class Template(Strict):
    kind: str
    lang: str
    title: str
    subtitle: str = ""
    phrases: dict[str, dict[str, str]] = {}
    blocks: Annotated[list[Block], Field(min_length=1)]
    _subtitle = field_validator("subtitle")(check_text)

    @field_validator("phrases")
    @classmethod
    def _phrases(cls, tables: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for name, table in tables.items():
            if name not in PHRASE_TABLES:
                raise ValueError(f"unknown phrase table {name!r}; one of {sorted(PHRASE_TABLES)}")
            wanted = {v.value for v in PHRASE_TABLES[name]}
            if set(table) != wanted:
                raise ValueError(f"{name}: missing {sorted(wanted - set(table))}, unknown "
                                 f"{sorted(set(table) - wanted)}")
            for text in table.values():
                if any(p in ("cause",) for p, _ in placeholders(check_text(text))):
                    raise ValueError(f"{name}: a phrase cannot print another phrase")
        return tables

    @model_validator(mode="after")
    def _phrases_used(self) -> "Template":
        used = {p for t in [self.subtitle, *(t for b in self.blocks for t in _texts(b))]
                for p, _ in placeholders(t)}
        lists = {b.each for b in self.blocks if isinstance(b, (ListBlock, Table)) and b.each}
        for name in PHRASE_TABLES:
            if (name in used or name in lists) and name not in self.phrases:
                raise ValueError(f"phrases.{name} is needed: the template prints it")
        return self


def _texts(block) -> list[str]:
    if isinstance(block, (Heading, Paragraph, Note)):
        return [block.text]
    if isinstance(block, Fields):
        return [t for row in block.rows for t in row]
    if isinstance(block, ListBlock):
        return [block.item, *block.items]
    if isinstance(block, Table):
        return [*block.header, *(c for r in block.rows for c in r), *block.cells]
    return list(block.lines)


class Common(Strict):
    """Words every document of one language shares (`common.<lang>.toml`)."""

    lang: str
    yes: str
    no: str
    unanswered: str               # a yes/no the dispute cannot answer: both boxes empty
    blank: str                    # holds {label}
    join: str                     # between words of a list (、)
    sep: str                      # between the parts of one line (，)
    terms_sep: str                # between the terms of an offer (；)
    colon: str
    none: str
    original: str
    duplicate: str                # a copy, as opposed to the original
    offer_refund: str             # {amount}
    offer_credit: str
    offer_plan: str               # {count} {amount}
    offer_deferral: str           # {date}
    page_footer: str              # {page} {pages}
    font_note: str = ""

    @model_validator(mode="after")
    def _fields(self) -> "Common":
        for name, wanted in (("blank", {"label"}), ("offer_refund", {"amount"}),
                             ("offer_plan", {"count", "amount"}), ("offer_deferral", {"date"}),
                             ("page_footer", {"page", "pages"})):
            found = {p for p, _ in _format_fields(getattr(self, name))}
            if found != wanted:
                raise ValueError(f"{name}: needs exactly {sorted(wanted)}, has {sorted(found)}")
        return self

    def as_words(self) -> dict[str, str]:
        return self.model_dump()


def _format_fields(text: str) -> list[tuple[str, bool]]:
    return [(m.group(1), False) for m in re.finditer(r"\{([a-z_]+)\}", text)]


def _where(loc: tuple) -> str:
    return ".".join(str(p) for p in loc) or "(the file)"


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TemplateInvalid(N_("Document template {file} cannot be read: {problem}"),
                              file=str(path), problem=str(exc)) from None


def _validate(model: type[BaseModel], path: Path, data: dict) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"field {_where(tuple(e['loc']))!r}: {e['msg']}"
                             for e in exc.errors(include_url=False))
        raise TemplateInvalid(N_("Document template {file} is invalid: {problems}"),
                              file=str(path), problems=problems) from None


def parse_template(path: Path) -> Template:
    """Read and validate one template file; its name must be `<kind>.<lang>.toml` as declared."""
    data = _read(path)
    template = _validate(Template, path, data)
    if path.name != f"{template.kind}.{template.lang}.toml":
        raise TemplateInvalid(N_("Document template {file} is invalid: {problems}"),
                              file=str(path), problems=f"field 'kind'/'lang': the file must be "
                              f"named {template.kind}.{template.lang}.toml")
    return template


def parse_common(path: Path) -> Common:
    return _validate(Common, path, _read(path))


@lru_cache(maxsize=None)
def _cached_template(path: Path, mtime: float) -> Template:
    return parse_template(path)


@lru_cache(maxsize=None)
def _cached_common(path: Path, mtime: float) -> Common:
    return parse_common(path)


def load_template(kind: str, lang: str, directory: Path = TEMPLATE_DIR) -> Template:
    """The template of `kind` in `lang`, re-read when its file changes."""
    path = directory / f"{kind}.{lang}.toml"
    if not path.is_file():
        raise NotFound(N_("There is no {lang} template for the document {kind}."), lang=lang,
                       kind=kind)
    return _cached_template(path, path.stat().st_mtime)


def load_common(lang: str, directory: Path = TEMPLATE_DIR) -> Common:
    path = directory / f"common.{lang}.toml"
    if not path.is_file():
        raise NotFound(N_("There is no {lang} template for the document {kind}."), lang=lang,
                       kind="common")
    return _cached_common(path, path.stat().st_mtime)
