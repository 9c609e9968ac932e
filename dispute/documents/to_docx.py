"""A composed document as an editable Word file (python-docx), for Word and WPS alike.

Chinese text needs its font declared for East Asian script (`w:rFonts/@w:eastAsia`) in the
document defaults and in every style, or Word falls back to a Japanese or Western font for it; the
font table names 宋体 and 黑体 with their Latin names (SimSun, SimHei) as alternatives, so a Word
without the Chinese names still finds them and WPS uses its own. Page numbers are PAGE / NUMPAGES
fields in the footer ("第 1 页 共 3 页"), which Word and WPS update as the text is edited. Blanks
are highlighted in yellow so nobody files a letter with one left in. All text goes in as runs of
text: nothing the user typed is ever read as markup.
"""

from __future__ import annotations

import io
from datetime import datetime

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from dispute.documents.compose import Block, Composed, Line

SONG, HEI = "宋体", "黑体"                  # body and headings, East Asian script
LATIN = "Times New Roman"
ALTERNATIVES = {SONG: ("SimSun", "02010600030101010101"), HEI: ("SimHei", "02010609060101010101")}
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
         "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
SHADE = "E7ECF2"
GREY = RGBColor(0x55, 0x55, 0x55)


def _fonts(rpr, latin: str, east_asian: str) -> None:
    """Declare the fonts of one run-properties element for every script."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.lower().endswith("theme"):    # a theme font would override the names below
            del fonts.attrib[attr]
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:cs", latin),
                        ("w:eastAsia", east_asian)):
        fonts.set(qn(attr), value)
    fonts.set(qn("w:hint"), "eastAsia")


def _lang(rpr, lang: str) -> None:
    el = rpr.find(qn("w:lang"))
    if el is None:
        el = OxmlElement("w:lang")
        rpr.append(el)
    el.set(qn("w:val"), "zh-CN" if lang == "zh_CN" else "en-US")
    el.set(qn("w:eastAsia"), "zh-CN")


def _style_fonts(style, east_asian: str, size: float, bold: bool | None = None) -> None:
    style.font.name = LATIN
    style.font.size = Pt(size)
    style.font.color.rgb = RGBColor(0, 0, 0)
    if bold is not None:
        style.font.bold = bold
    _fonts(style.element.get_or_add_rPr(), LATIN, east_asian)


def _font_table(document) -> None:
    """Add 宋体 and 黑体 to the font table with their alternative Latin names and the GB2312
    character set, so Word and WPS resolve them on any system."""
    part = document.part.part_related_by(RT.FONT_TABLE)
    root = etree.fromstring(part.blob)
    for name, (alt, panose) in ALTERNATIVES.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", alt), ("w:panose1", panose), ("w:charset", "86"),
                           ("w:family", "auto"), ("w:pitch", "variable")):
            etree.SubElement(font, qn(tag)).set(qn("w:val"), value)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _setup(document, lang: str) -> float:
    """Page, defaults and styles; returns the body font size."""
    zh = lang == "zh_CN"
    size = 12.0 if zh else 11.5
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(25), Mm(22)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(10)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr, LATIN, SONG)
    _lang(rpr, lang)
    normal = document.styles["Normal"]
    _style_fonts(normal, SONG, size)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.5 if zh else 1.25
    for name, east_asian, pt in (("Title", HEI if zh else SONG, 20), ("Heading 1", HEI, size + 2),
                                 ("Heading 2", HEI, size + 1), ("Footer", SONG, 9)):
        style = document.styles[name]
        _style_fonts(style, east_asian, pt, bold=name != "Footer")
        style.font.italic = False
    title = document.styles["Title"]
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(6)
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):   # the default Title has a rule under it
        ppr.remove(border)
    for name in ("Heading 1", "Heading 2"):
        document.styles[name].paragraph_format.space_before = Pt(10)
        document.styles[name].paragraph_format.space_after = Pt(4)
        document.styles[name].paragraph_format.keep_with_next = True
    for fonts in document.styles.element.iter(qn("w:rFonts")):   # every other style too
        if any(a.lower().endswith("theme") for a in fonts.attrib):
            _fonts(fonts.getparent(), LATIN, fonts.get(qn("w:eastAsia")) or SONG)
        elif fonts.get(qn("w:eastAsia")) is None:
            fonts.set(qn("w:eastAsia"), SONG)
    _font_table(document)
    return size


def _field(paragraph, instruction: str) -> None:
    """A complex field (PAGE, NUMPAGES) with a cached result Word replaces on opening."""
    def char(kind: str):
        run = paragraph.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._r.append(el)

    char("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    char("separate")
    paragraph.add_run("1")
    char("end")


def _footer(document, pattern: str) -> None:
    """'第 {page} 页 共 {pages} 页' with the numbers as fields."""
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.style = document.styles["Footer"]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    rest = pattern
    while rest:
        positions = [(rest.find(tag), tag) for tag in ("{page}", "{pages}") if tag in rest]
        if not positions:
            paragraph.add_run(rest)
            break
        at, tag = min(positions)
        if at:
            paragraph.add_run(rest[:at])
        _field(paragraph, "PAGE" if tag == "{page}" else "NUMPAGES")
        rest = rest[at + len(tag):]


def _runs(paragraph, line: Line, bold: bool = False, size: float | None = None,
          grey: bool = False) -> None:
    """Text as runs; newlines become line breaks; blanks are highlighted."""
    for piece in line:
        for index, part in enumerate(piece.text.split("\n")):
            if index:
                paragraph.add_run().add_break(WD_BREAK.LINE)
            if not part:
                continue
            run = paragraph.add_run(part)
            run.bold = bold or None
            if size:
                run.font.size = Pt(size)
            if grey:
                run.font.color.rgb = GREY
            if piece.blank:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _shade(cell, fill: str = SHADE) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _cell(cell, line: Line, size: float, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.line_spacing = 1.15
    paragraph.paragraph_format.space_after = Pt(0)
    _runs(paragraph, line, bold=bold, size=size)


def _table(document, block: Block, size: float, text_width: float) -> None:
    columns = max([len(block.header)] + [len(r) for r in block.rows])
    table = document.add_table(rows=0, cols=columns)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    weights = block.widths or [1] * columns
    widths = [Mm(text_width * w / sum(weights)) for w in weights]
    cell_size = size - 1.5
    if block.header:
        row = table.add_row()
        _repeat_header(row)
        for cell, line in zip(row.cells, block.header):
            _cell(cell, line, cell_size, bold=True)
            _shade(cell)
    for values in block.rows:
        row = table.add_row()
        if len(values) == 1 and columns > 1:          # a band across the table
            merged = row.cells[0].merge(row.cells[-1])
            _cell(merged, values[0], cell_size, bold=True)
            _shade(merged)
            continue
        for index, (cell, line) in enumerate(zip(row.cells, values)):
            _cell(cell, line, cell_size)
            if block.type == "fields" and index == 0:
                _shade(cell)
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
    document.add_paragraph().paragraph_format.space_after = Pt(2)


def render_docx(doc: Composed, when: datetime | None = None) -> bytes:
    """The DOCX bytes of `doc`."""
    document = Document()
    size = _setup(document, doc.lang)
    text_width = 210 - 28 - 26
    props = document.core_properties
    props.title = doc.title
    props.subject = doc.number or ""
    props.author = props.last_modified_by = "dispute portal"
    props.language = "zh-CN" if doc.lang == "zh_CN" else "en-US"
    props.comments = ""
    if when is not None:
        props.created = props.modified = when.replace(tzinfo=None)
    document.add_paragraph(doc.title, style="Title")
    if doc.subtitle:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _runs(paragraph, doc.subtitle)
    _footer(document, doc.page_footer)
    first_signature = True
    for block in doc.blocks:
        if block.type == "heading":
            paragraph = document.add_paragraph(style=f"Heading {block.level}")
            _runs(paragraph, block.lines[0])
        elif block.type in ("paragraph", "note"):
            paragraph = document.add_paragraph()
            note = block.type == "note"
            paragraph.alignment = ALIGN["left" if note else block.align]
            if block.indent:
                paragraph.paragraph_format.first_line_indent = Pt(size * 2)
            _runs(paragraph, block.lines[0], bold=block.bold, size=size - 2.5 if note else None,
                  grey=note)
        elif block.type == "list":
            for number, line in zip(block.numbers, block.lines):
                paragraph = document.add_paragraph()
                paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                paragraph.paragraph_format.left_indent = Pt(size * 2)
                paragraph.paragraph_format.first_line_indent = Pt(-size * 2)
                gap = "" if number.endswith(("、", "）")) else " "
                paragraph.add_run(number + gap)
                _runs(paragraph, line)
        elif block.type in ("table", "fields"):
            _table(document, block, size, text_width)
        elif block.type == "signature":
            for line in block.lines:
                paragraph = document.add_paragraph()
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                if first_signature:
                    paragraph.paragraph_format.space_before = Pt(size * 2)
                    first_signature = False
                _runs(paragraph, line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
