"""A template filled with one dispute's values: a neutral document (title, blocks of runs of text)
that the DOCX and PDF writers both draw, so the two always say the same thing.

The template's text is split at its placeholders and each value becomes a run of its own; values
are never parsed again, so a description holding `{{ … }}`, `{court.name}` or `<b>` is printed as
those characters. A value the facts do not know becomes a blank run ("【待填：法院名称】") that
both writers mark, and every blank is listed once in `Composed.blanks`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dispute.documents import template as tpl
from dispute.documents.template import Common, Template
from dispute.documents.values import LISTS, SCALARS, Phrase, Scalar, Values
from dispute.i18n import translator

CN_NUMERALS = "零一二三四五六七八九"


@dataclass(frozen=True)
class Run:
    text: str
    blank: str | None = None       # the value's path, when this run marks a blank


Line = tuple[Run, ...]


@dataclass(frozen=True)
class Blank:
    path: str
    label: str                     # msgid
    text: str                      # the marker as printed


@dataclass
class Block:
    type: str                                   # heading paragraph note fields list table signature
    lines: list[Line] = field(default_factory=list)
    rows: list[list[Line]] = field(default_factory=list)
    header: list[Line] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)   # list: each item's number
    align: str = "justify"
    indent: bool = False
    bold: bool = False
    level: int = 1


@dataclass
class Composed:
    kind: str
    lang: str
    title: str
    subtitle: Line
    blocks: list[Block]
    blanks: list[Blank]
    page_footer: str                # "第 {page} 页 共 {pages} 页"
    number: str | None = None

    def text(self) -> str:
        """Everything the document says, as plain text (tests and previews)."""
        out = [self.title, _plain(self.subtitle)]
        for b in self.blocks:
            out += [_plain(line) for line in b.header + b.lines]
            out += [" | ".join(_plain(c) for c in row) for row in b.rows]
        return "\n".join(x for x in out if x)


def _plain(line: Line) -> str:
    return "".join(r.text for r in line)


def number_label(style: str, n: int) -> str:
    if style == "一、":
        return f"{cn_numeral(n)}、"
    if style == "（一）":
        return f"（{cn_numeral(n)}）"
    if style == "（1）":
        return f"（{n}）"
    if style == "(a)":
        return f"({chr(ord('a') + (n - 1) % 26)})"
    return f"{n}."


def cn_numeral(n: int) -> str:
    """1–99 in Chinese numerals, as headings count (一, 十, 十一, 二十三)."""
    if n < 10:
        return CN_NUMERALS[n]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else CN_NUMERALS[tens]) + "十" + (CN_NUMERALS[units] if units else "")


class _Filler:
    """Expands text against the values, collecting blanks."""

    def __init__(self, values: Values, common: Common, lang: str) -> None:
        self.values, self.common = values, common
        self._ = translator(lang)
        self.blanks: dict[str, Blank] = {}

    def blank(self, path: str, label: str, question: bool = False) -> Run:
        """A marked blank: the label in brackets, or for a yes/no question two empty boxes
        (which fit the narrow column of an element table)."""
        text = self.common.unanswered if question else self.common.blank.format(
            label=self._(label))
        self.blanks.setdefault(path, Blank(path, label, text))
        return Run(text, blank=path)

    def value(self, path: str, question: bool, item: dict[str, Scalar] | None,
              list_name: str | None, depth: int) -> list[Run]:
        if item is not None and list_name and path in LISTS[list_name]:
            value, full, label = item.get(path), f"{list_name}.{path}", LISTS[list_name][path]
        else:
            value, full, label = self.values.scalars.get(path), path, SCALARS[path]
        if value is None or value == "":
            return [self.blank(full, label, question)]
        if question or isinstance(value, bool):
            return [Run(self.common.yes if value else self.common.no)]
        if isinstance(value, Phrase):
            return list(self.line(value.text, item, list_name, depth + 1)) if depth < 2 else []
        return [Run(str(value))]

    def line(self, text: str, item: dict[str, Scalar] | None = None,
             list_name: str | None = None, depth: int = 0) -> Line:
        runs: list[Run] = []
        pos = 0
        for m in tpl.PLACEHOLDER.finditer(text):
            if m.start() > pos:
                runs.append(Run(text[pos:m.start()]))
            runs += self.value(m.group(1), bool(m.group(2)), item, list_name, depth)
            pos = m.end()
        if pos < len(text):
            runs.append(Run(text[pos:]))
        return tuple(runs)

    def shown(self, block) -> bool:
        def truthy(path: str) -> bool:
            if path in LISTS:
                return bool(self.values.lists.get(path))
            value = self.values.scalars.get(path)
            return bool(value) and value != ""

        if block.when is not None and not truthy(block.when):
            return False
        return block.unless is None or not truthy(block.unless)

    def items(self, each: str) -> list[dict[str, Scalar]]:
        return self.values.lists.get(each, [])


def compose(template: Template, common: Common, values: Values, number: str | None = None
            ) -> Composed:
    """The document `template` describes, filled with `values`."""
    f = _Filler(values, common, template.lang)
    subtitle = f.line(template.subtitle)
    blocks: list[Block] = []
    for b in template.blocks:
        if not f.shown(b):
            continue
        if isinstance(b, tpl.Heading):
            blocks.append(Block("heading", [f.line(b.text)], level=b.level))
        elif isinstance(b, tpl.Paragraph):
            blocks.append(Block("paragraph", [f.line(b.text)], align=b.align, indent=b.indent,
                                bold=b.bold))
        elif isinstance(b, tpl.Note):
            blocks.append(Block("note", [f.line(b.text)]))
        elif isinstance(b, tpl.Fields):
            blocks.append(Block("fields", rows=[[f.line(k), f.line(v)] for k, v in b.rows],
                                widths=[30, 70]))
        elif isinstance(b, tpl.ListBlock):
            lines = [f.line(b.item, item, b.each) for item in f.items(b.each)] if b.each else []
            lines += [f.line(text) for text in b.items]
            if not lines:
                first = next(iter(LISTS[b.each]))
                lines = [f.line(b.empty)] if b.empty else \
                    [(f.blank(f"{b.each}.{first}", LISTS[b.each][first]),)]
            blocks.append(Block("list", lines,
                                numbers=[number_label(b.numbering, i)
                                         for i in range(1, len(lines) + 1)]))
        elif isinstance(b, tpl.Table):
            if b.each:
                rows = [[f.line(c, item, b.each) for c in b.cells] for item in f.items(b.each)]
                if not rows:
                    rows = [[f.line(b.empty)]] if b.empty else \
                        [[f.line(c, {}, b.each) for c in b.cells]]
            else:
                rows = [[f.line(c) for c in row] for row in b.rows]
            blocks.append(Block("table", rows=rows, header=[f.line(h) for h in b.header],
                                widths=list(b.widths)))
        elif isinstance(b, tpl.Signature):
            blocks.append(Block("signature", [f.line(text) for text in b.lines], align="right"))
    return Composed(kind=template.kind, lang=template.lang, title=template.title,
                    subtitle=subtitle, blocks=blocks, blanks=list(f.blanks.values()),
                    page_footer=common.page_footer, number=number)
