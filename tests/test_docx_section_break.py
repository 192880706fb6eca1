"""The break paragraph of :func:`~greenmine_docs.docx.page.section_break`, written as XML with
its section remembered, is the paragraph python-docx's calls make (the way it was written
before), and the base section loses its start-of-section settings each time."""
from __future__ import annotations

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import etree

from greenmine_docs.docx import page
from greenmine_docs.docx.page import page_numbering, section_break


def _python_docx_break(container, base_sect_pr, landscape):
    """The break paragraph made as before: python-docx's paragraph and format calls, the
    section copied and set up each time (:func:`page._break_sect_pr`), element by element."""
    par = container.add_paragraph()
    sect_pr = page._break_sect_pr(base_sect_pr, landscape)
    page._hand_over_start(base_sect_pr)
    pf = par.paragraph_format
    pf.first_line_indent = Pt(0)
    pf.space_before = pf.space_after = Pt(0)
    par._p.get_or_add_pPr().append(sect_pr)
    return par


def _document(kind):
    doc = Document()
    doc.add_paragraph("封面")
    section = doc.sections[0]
    if kind in ("cover", "footer"):
        section.different_first_page_header_footer = True
        page_numbering(section, start=1)
    if kind == "footer":
        section.footer.paragraphs[0].text = "— 1 —"  # a footer reference in the section
    if kind == "typed":
        typ = OxmlElement("w:type")
        typ.set(qn("w:val"), "continuous")
        section._sectPr.insert(0, typ)
    return doc


@pytest.mark.parametrize("kind", ["plain", "cover", "footer", "typed"])
def test_the_break_paragraph_is_python_docx_s_and_the_base_loses_its_start(kind):
    page._BREAKS.clear()
    for turns in ([True, False], [True, False, True, False]):  # remembered the second time
        fast, plain = _document(kind), _document(kind)
        for landscape in turns:
            a = section_break(fast, fast.element.body.sectPr, landscape=landscape)
            b = _python_docx_break(plain, plain.element.body.sectPr, landscape)
            assert etree.tostring(a._p) == etree.tostring(b._p)
            fast.add_paragraph("正文")
            plain.add_paragraph("正文")
        assert etree.tostring(fast.element) == etree.tostring(plain.element)
    assert page._BREAKS  # the sections were remembered
