"""Page setup, footers with page numbers, section breaks (GB/T 9704-2012).

- A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (type area 156 × 225 mm);
- the document grid of official templates, 22 lines of 28 characters (:func:`set_doc_grid`);
- page numbers ``— N —`` in 4号 宋体, odd pages right and even pages left, one character in;
- a cover without a page number: :func:`suppress_first_page_number` (different first page) or
  its own section (:func:`section_break`);
- landscape sections for wide tables: :func:`section_break` with ``landscape=True`` writes a
  paragraph-level ``w:sectPr`` copied from a base section, so it works both in a
  python-docx ``Document`` and in a docxtpl subdocument (whose body is spliced into a template).
"""
from __future__ import annotations

import copy
import math
import re

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from ..memo import remember
from .fields import add_page_number
from .fonts import DEFAULT_FONTS, FontScheme
from .text import add_paragraph_xml, set_style

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TYPE_WIDTH_MM = PAGE_WIDTH_MM - MARGINS_MM["left"] - MARGINS_MM["right"]  # 156
TYPE_HEIGHT_MM = PAGE_HEIGHT_MM - MARGINS_MM["top"] - MARGINS_MM["bottom"]  # 225
LANDSCAPE_TYPE_WIDTH_MM = PAGE_HEIGHT_MM - MARGINS_MM["top"] - MARGINS_MM["bottom"]  # 225
LANDSCAPE_TYPE_HEIGHT_MM = PAGE_WIDTH_MM - MARGINS_MM["left"] - MARGINS_MM["right"]  # 156
GRID_LINES, GRID_CHARS = 22, 28  # a page of 3号 body text (GB/T 9704-2012)


def setup_page(section, *, landscape: bool = False) -> None:
    """A4 with the official margins. In landscape the page turns 90° and the margins turn
    with it (the binding edge stays the short side's top margin)."""
    section.header_distance = Mm(15)
    section.footer_distance = Mm(24)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(PAGE_HEIGHT_MM), Mm(PAGE_WIDTH_MM)
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.gutter = Mm(0)


def grid_pitches(body_size: float = 16.0) -> tuple[int, int]:
    """``(linePitch, charSpace)`` of the official grid on the portrait type area, as Word writes
    them: the line pitch in twips (22 lines on 225 mm, rounded down so that 22 fit) and the
    character pitch as the difference from the body size in 4096ths of a point (28 characters on
    156 mm, rounded down so that 28 fit): ``579`` and ``-842``."""
    width = Mm(PAGE_WIDTH_MM).twips - Mm(MARGINS_MM["left"]).twips - Mm(MARGINS_MM["right"]).twips
    height = Mm(PAGE_HEIGHT_MM).twips - Mm(MARGINS_MM["top"]).twips \
        - Mm(MARGINS_MM["bottom"]).twips
    char_pitch = width / 20 / GRID_CHARS  # points
    return height // GRID_LINES, math.floor((char_pitch - body_size) * 4096)


def set_doc_grid(section) -> None:
    """Word's document grid of official templates on a section (``w:docGrid``
    ``linesAndChars``): Page Setup shows 22 lines of 28 characters. The same pitches serve a
    landscape section (more lines of the same size). The paragraphs themselves do not snap to
    the grid (see :mod:`.styles`): LibreOffice gives every character two grid cells when the
    pitch is below the font size, so the 28 characters come from the body style's spacing."""
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.insert_element_before(grid, "w:printerSettings", "w:sectPrChange")
    line_pitch, char_space = grid_pitches()
    grid.attrib.clear()
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(line_pitch))
    grid.set(qn("w:charSpace"), str(char_space))


def _footer_paragraph(footer, align, fonts: FontScheme):
    par = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    for extra in footer.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    for child in list(par._p):
        if child.tag != qn("w:pPr"):
            par._p.remove(child)
    set_style(par, "Footer")  # a template without a Footer style keeps direct formatting
    par.alignment = align
    pf = par.paragraph_format
    pf.first_line_indent = Pt(0)
    pf.left_indent = Pt(14) if align == WD_ALIGN_PARAGRAPH.LEFT else Pt(0)
    pf.right_indent = Pt(14) if align == WD_ALIGN_PARAGRAPH.RIGHT else Pt(0)
    return par


def page_number_footers(doc, section, *, fonts: FontScheme = DEFAULT_FONTS,
                        odd_even: bool = True) -> None:
    """Footers with ``— N —``: odd pages right, even pages left (one 4号 character in), or
    centred on every page when ``odd_even`` is False."""
    section.footer.is_linked_to_previous = False
    font = (fonts.songti, 14.0)
    if odd_even:
        doc.settings.odd_and_even_pages_header_footer = True
        add_page_number(_footer_paragraph(section.footer, WD_ALIGN_PARAGRAPH.RIGHT, fonts),
                        font=font)
        section.even_page_footer.is_linked_to_previous = False
        add_page_number(_footer_paragraph(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT,
                                          fonts), font=font)
    else:
        add_page_number(_footer_paragraph(section.footer, WD_ALIGN_PARAGRAPH.CENTER, fonts),
                        font=font)


def empty_footers(section) -> None:
    """No page number in this section (the cover): its own, empty footers."""
    for footer in (section.footer, section.even_page_footer, section.first_page_footer):
        footer.is_linked_to_previous = False
        for par in footer.paragraphs:
            for child in list(par._p):
                if child.tag != qn("w:pPr"):
                    par._p.remove(child)


def suppress_first_page_number(section) -> None:
    """Different first page with an empty footer (a cover in the same section as the body)."""
    section.different_first_page_header_footer = True
    footer = section.first_page_footer
    footer.is_linked_to_previous = False
    for par in footer.paragraphs:
        for child in list(par._p):
            if child.tag != qn("w:pPr"):
                par._p.remove(child)


def page_numbering(section, *, start: int | None = None, fmt: str | None = None) -> None:
    """Restart page numbers at ``start`` and/or use format ``fmt`` (``decimal``,
    ``upperRoman``…) in a section."""
    sect_pr = section._sectPr
    pg = sect_pr.find(qn("w:pgNumType"))
    if pg is None:
        pg = OxmlElement("w:pgNumType")
        # schema: pgNumType comes after pgMar/paperSrc/pgBorders/lnNumType
        anchor = None
        for tag in ("w:lnNumType", "w:pgBorders", "w:paperSrc", "w:pgMar", "w:pgSz"):
            anchor = sect_pr.find(qn(tag))
            if anchor is not None:
                break
        if anchor is not None:
            anchor.addnext(pg)
        else:
            sect_pr.append(pg)
    if start is not None:
        pg.set(qn("w:start"), str(start))
    if fmt is not None:
        pg.set(qn("w:fmt"), fmt)


def section_break(container, base_sect_pr, *, landscape: bool = False):
    """End the current section here: append an empty paragraph carrying a copy of
    ``base_sect_pr`` (the ``w:sectPr`` that describes the current section — usually the
    document body's final one), turned to ``landscape`` or portrait. The copy keeps the footer
    references (page numbers continue), and it takes over what belongs to the section's start —
    a page-number restart and a different first page (the cover) — which are removed from
    ``base_sect_pr`` so the section that follows neither restarts nor hides its number.
    Returns the paragraph.

    To put content in landscape: ``section_break(c, base)`` (ends the portrait part), add the
    content, ``section_break(c, base, landscape=True)`` (ends the landscape part).

    The paragraph is what python-docx's ``add_paragraph``, ``first_line_indent = Pt(0)``,
    ``space_before = space_after = Pt(0)`` and the copy appended to its ``w:pPr`` make
    (:func:`_break_sect_pr`), written as XML and parsed once."""
    key = (etree.tostring(base_sect_pr), landscape)
    sect_xml = _BREAKS.get(key)
    if sect_xml is None:
        sect_xml = remember(_BREAKS, key, etree.tostring(
            _break_sect_pr(base_sect_pr, landscape), encoding="unicode"), BREAKS_KEPT)
    _hand_over_start(base_sect_pr)
    return add_paragraph_xml(container, '<w:spacing w:before="0" w:after="0"/>'
                             '<w:ind w:firstLine="0"/>' + sect_xml)


# the section a break paragraph carries, as XML, by the base section's XML and the orientation:
# every plan of a batch turns to landscape and back from the same template's section
_BREAKS: dict[tuple[bytes, bool], str] = {}
BREAKS_KEPT = 64


def _hand_over_start(base_sect_pr) -> None:
    """Remove from ``base_sect_pr`` what belongs to a section's start (a different first page, a
    page-number restart): the copy a break paragraph carries has taken them over."""
    title_pg = base_sect_pr.find(qn("w:titlePg"))
    if title_pg is not None:
        base_sect_pr.remove(title_pg)
    pg = base_sect_pr.find(qn("w:pgNumType"))
    if pg is not None and qn("w:start") in pg.attrib:
        del pg.attrib[qn("w:start")]


def _break_sect_pr(base_sect_pr, landscape: bool):
    """The ``w:sectPr`` a break paragraph after a section of ``base_sect_pr`` carries: a copy
    starting on the next page, turned to ``landscape`` or portrait (its page set up by
    python-docx's section properties)."""
    from docx.section import Section

    sect_pr = copy.deepcopy(base_sect_pr)
    typ = sect_pr.find(qn("w:type"))
    if typ is None:
        typ = OxmlElement("w:type")
        # w:type follows the header/footer references
        refs = [c for c in sect_pr if c.tag in (qn("w:headerReference"), qn("w:footerReference"),
                                                qn("w:footnotePr"), qn("w:endnotePr"))]
        if refs:
            refs[-1].addnext(typ)
        else:
            sect_pr.insert(0, typ)
    typ.set(qn("w:val"), "nextPage")
    # setting the page needs no document part (python-docx's annotation asks for one)
    setup_page(Section(sect_pr, None), landscape=landscape)  # type: ignore[arg-type]
    return sect_pr



def end_in_landscape(base_sect_pr) -> None:
    """Turn the document's final section ``base_sect_pr`` to landscape, as the break
    paragraphs' copies are (:func:`section_break`): for a body that ends in a landscape part
    with nothing after it, which then is the last section; a break back to portrait there
    left an empty portrait page at the end of the document."""
    base_sect_pr[:] = list(_break_sect_pr(base_sect_pr, True))


_SUBDOC_TAG = re.compile(r"\{\{\s*p\s+(\w+)\s*\}\}")


def subdoc_place(doc, name: str) -> tuple[bool, bool]:
    """Where the paragraph tag ``{{p name}}`` stands in the template ``doc`` (python-docx
    ``Document``): (it comes right after a section break that starts a page, or a page break —
    the subdocument written there begins at the top of a page, as the official templates put
    the body after the contents' section; nothing but the final section follows it — the
    subdocument ends the document). (False, False) where the tag is not found. The template's
    content may have been set aside in a second ``w:body`` while the subdocument is written in
    the first (render.subdoc): both are read."""
    w_p, w_t = qn("w:p"), qn("w:t")
    for body in doc.element.iterchildren(qn("w:body")):
        for p in reversed(body):  # from the end: the body's tag follows cover and contents
            if p.tag != w_p:
                continue
            found = _SUBDOC_TAG.search("".join(p.itertext(w_t)))
            if found is None or found.group(1) != name:
                continue
            after = p.getnext()
            return _starts_page(p.getprevious()), after is None or after.tag == qn("w:sectPr")
    return False, False


def _starts_page(before) -> bool:
    """Whether what follows the block ``before`` starts a page: a section break (not
    ``continuous``) or a page break ends it."""
    if before is None or before.tag != qn("w:p"):
        return False
    sect = before.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
    if sect is not None:
        kind = sect.find(qn("w:type"))
        return kind is None or kind.get(qn("w:val")) != "continuous"
    return bool(before.xpath(".//w:br[@w:type='page']"))
