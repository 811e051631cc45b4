"""Small python-docx helpers shared by the notice and the minutes: page, fonts, rules, fields."""

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from ketluan.settings import Settings

LAYOUTS = Path(__file__).parent / "data" / "layouts"
CELL_PADDING_MM = 3.8  # Word's default left and right cell margins (0.08 in each)
DIGIT_HYPHEN = re.compile(r"(?<=\d)-(?=\d)")  # "15-9-2026": not broken across lines
# The body font by story part (the document new_document made, its headers): add_run reads it
# here, not from the Normal style, whose lookup by name cost a third of a notice's rendering.
_FONTS: "WeakKeyDictionary[Part, str]" = WeakKeyDictionary()
ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def layout(fmt: str) -> dict[str, Any]:
    """The layout data of a format ("party" or "state")."""
    return tomllib.loads((LAYOUTS / f"{fmt}.toml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class PageStyle:
    """Font, body size and margins of every document ketluan writes. Built from Settings once at
    the edge (`from_settings`) and given to `new_document`; the defaults are the settings'."""

    font: str = "Times New Roman"
    body_pt: float = 14.0
    margins_mm: tuple[float, float, float, float] = (20.0, 20.0, 30.0, 15.0)  # top, bottom, l, r

    @classmethod
    def from_settings(cls, settings: Settings) -> "PageStyle":
        return cls(settings.docx_font, settings.docx_body_pt, settings.docx_margins_mm)


def new_document(page: PageStyle | None = None) -> DocumentType:
    """An empty A4 document in the page style's font and margins. The document then carries
    them: `text_width_mm` reads its margins and `add_run` its Normal font."""
    page = page or PageStyle()
    doc = Document()
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    top, bottom, left, right = page.margins_mm
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.header_distance = Mm(10)
    style = doc.styles["Normal"]
    style.font.name = page.font
    style.font.size = Pt(page.body_pt)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), page.font)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)
    pf = style.paragraph_format
    pf.space_before, pf.space_after, pf.line_spacing = Pt(0), Pt(0), 1.0
    _FONTS[doc.part] = page.font
    return doc


def text_width_mm(doc: DocumentType) -> float:
    """The width between the first section's margins."""
    section = doc.sections[0]
    width = (section.page_width or Mm(210)) - (section.left_margin or 0) - (section.right_margin or 0)
    return Length(width).mm


def add_run(
    p: Paragraph,
    text: str,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
):
    text = xml_safe(text)
    run = p.add_run(text)
    if DIGIT_HYPHEN.search(text):
        _no_break_hyphens(run, text)
    font = _body_font(p)
    run.font.name = font
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    if size:
        run.font.size = Pt(size)
    run.bold = bold or None
    run.italic = italic or None
    run.underline = underline or None
    return run


def _body_font(p: Paragraph) -> str:
    """The Normal style's font of the document `p` is in (its body, a table or a header)."""
    font = _FONTS.get(p.part)
    if font is None:  # a header or footer, or a document new_document did not make
        main = p.part.package.main_document_part
        font = _FONTS.get(main) or main.styles["Normal"].font.name or PageStyle.font
        _FONTS[p.part] = font
    return font


def _no_break_hyphens(run, text: str) -> None:
    """Hyphens between digits as Word's non-breaking hyphen (read back as "-")."""
    for el in list(run._r):
        if el.tag in (qn("w:t"), qn("w:br"), qn("w:tab")):
            run._r.remove(el)
    parts = DIGIT_HYPHEN.split(text)
    for k, part in enumerate(parts):
        if k:
            run._r.append(OxmlElement("w:noBreakHyphen"))
        for j, line in enumerate(part.split("\n")):
            if j:
                run._r.append(OxmlElement("w:br"))
            if line:
                t = OxmlElement("w:t")
                t.set(qn("xml:space"), "preserve")
                t.text = line
                run._r.append(t)


def xml_safe(text: str) -> str:
    """Drop characters XML cannot hold (a recogniser or a pasted text may carry them)."""
    return _CONTROL.sub("", text)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def para(
    container,
    text: str = "",
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align: str = "justify",
    indent_mm: float = 0,
    after_pt: float = 0,
    before_pt: float = 0,
) -> Paragraph:
    p = container.add_paragraph()
    p.alignment = ALIGN[align]
    if indent_mm:
        p.paragraph_format.first_line_indent = Mm(indent_mm)
    p.paragraph_format.space_after = Pt(after_pt)
    p.paragraph_format.space_before = Pt(before_pt)
    if text:
        add_run(p, text, size, bold, italic, underline)
    return p


def cell_para(cell: _Cell, first: bool, **kw) -> Paragraph:
    if first:
        p = cell.paragraphs[0]
        p.alignment = ALIGN[kw.pop("align", "center")]
        text = kw.pop("text", "")
        if text:
            add_run(p, text, **kw)
        return p
    return para(cell, align=kw.pop("align", "center"), **kw)


def rule_under(p: Paragraph, width_fraction: float = 0.4, cell_width_mm: float = 80) -> None:
    """A short centred line under a paragraph (a bottom border on an indented paragraph)."""
    p_pr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(k), v)
    borders.append(bottom)
    p_pr.append(borders)
    side = Mm(cell_width_mm * (1 - width_fraction) / 2)
    p.paragraph_format.left_indent = side
    p.paragraph_format.right_indent = side


def rule_para(container, length_mm: float, box_mm: float, after_pt: float = 0) -> Paragraph:
    """A rule of `length_mm`, centred in a box (a cell or the text width), set a little below
    the line above so it does not touch the letters."""
    p = para(container, align="center", after_pt=after_pt, before_pt=1)
    rule_under(p, min(1.0, length_mm / box_mm), box_mm)
    p.paragraph_format.line_spacing = Pt(3)
    return p


# Average advance widths of Times New Roman, in ems: capitals, small letters, other.
_WIDTH = {"upper": 0.70, "lower": 0.47, "space": 0.25, "other": 0.50}


def text_length_mm(text: str, size_pt: float, bold: bool = False) -> float:
    """About how long a line of text is when printed (for rules ⅓–½ of the words)."""
    ems = sum(
        _WIDTH["space"]
        if c.isspace()
        else _WIDTH["upper"]
        if c.isupper()
        else _WIDTH["lower"]
        if c.isalpha()
        else _WIDTH["other"]
        for c in text
    )
    return ems * size_pt * (1.04 if bold else 1.0) * 25.4 / 72


def keep_row(row) -> None:
    """A table row that is not split across pages."""
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def fixed_widths(table, widths_mm: list[float]) -> None:
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(w)
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=False):
        col.set(qn("w:w"), str(int(Mm(w).twips)))


def repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def page_numbers(doc: DocumentType, size: float, align: str = "center", where: str = "header") -> None:
    """Page numbers from page 2: nothing on the first page."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    target = section.header if where == "header" else section.footer
    p = target.paragraphs[0]
    p.alignment = ALIGN[align]
    run = add_run(p, "", size)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)


def mark_ours(doc: DocumentType, meeting_date: str, fmt: str) -> None:
    """Core properties that let import-docx find the meeting date again after editing
    (`stored_date` reads it back)."""
    props = doc.core_properties
    props.comments = f"ketluan; meeting_date={meeting_date}; format={fmt}"
    props.author = "ketluan"


def stored_date(doc: DocumentType) -> date | None:
    """The meeting date `mark_ours` stored in the document's properties."""
    m = re.search(r"meeting_date=(\d{4}-\d{2}-\d{2})", doc.core_properties.comments or "")
    return date.fromisoformat(m.group(1)) if m else None
