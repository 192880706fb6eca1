"""The page cursor knows where a report's body begins: the official templates put the body
(``{{p body}}``) after the contents' section break, so the body's first block is at the top of
a page; a centred chapter heading (前言) and narrative Markdown paragraphs move the position by
their lines instead of losing it (greenmine_docs/docx/page.py ``subdoc_starts_page``,
``Writer.placed_at``)."""
from __future__ import annotations

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from greenmine_docs.docx import Writer, new_document
from greenmine_docs.docx.page import subdoc_starts_page
from greenmine_docs.docx.styles import LINE_PITCH

SECTION_BREAK = (f'<w:p {nsdecls("w")}><w:pPr><w:sectPr>{{kind}}<w:pgSz w:w="11906" '
                 'w:h="16838"/></w:sectPr></w:pPr></w:p>')
PAGE_BREAK = f'<w:p {nsdecls("w")}><w:r><w:br w:type="page"/></w:r></w:p>'


def _template(before: str | None, tag: str = "{{p body }}") -> Document:
    doc = Document()
    doc.add_paragraph("封面")
    if before is not None:
        doc.element.body.sectPr.addprevious(parse_xml(before))
    doc.add_paragraph(tag)
    return doc


@pytest.mark.parametrize("before, starts", [
    (SECTION_BREAK.format(kind=""), True),  # a next-page section break, as the templates have
    (SECTION_BREAK.format(kind='<w:type w:val="nextPage"/>'), True),
    (SECTION_BREAK.format(kind='<w:type w:val="continuous"/>'), False),
    (PAGE_BREAK, True),
    (None, False),  # right after the cover's text
])
def test_a_body_starts_a_page_after_a_section_or_page_break(before: str | None,
                                                           starts: bool) -> None:
    assert subdoc_starts_page(_template(before), "body") is starts
    assert subdoc_starts_page(_template(before), "annex") is False  # no such tag


def test_every_bundled_template_starts_its_body_on_a_page_of_its_own() -> None:
    from greenmine_docs.render.tpl import open_template
    from greenmine_docs.resources import template_path

    for name in [("self_evaluation", "report-template.docx"),
                 ("implementation_plan", "plan-template.docx"),
                 ("third_party_report", "report.docx"), ("zone_plan", "zone-template.docx")]:
        tpl = open_template(template_path(*name))
        body = tpl.new_subdoc()  # sets the template's own content aside (render.subdoc)
        w = Writer(tpl.docx, body)
        w.placed_at("body")
        assert w.cursor.room(w._page_pt(), w.last_block()) == pytest.approx(w._page_pt()), name


def test_a_centred_heading_and_markdown_paragraphs_keep_the_position_known() -> None:
    w = Writer(new_document())
    w.page_break()
    w.unnumbered_heading(1, "前言", align="center")
    w.markdown("为申报省级绿色矿山，公司对照评价指标逐项自评。\n\n第二段。", level=1)
    w.markdown("带**强调**的一段。", level=1)  # read by the Markdown parser
    room = w.cursor.room(w._page_pt(), w.last_block())
    assert room == pytest.approx(w._page_pt() - 4 * LINE_PITCH)  # a line each
    w.markdown("- 列表项", level=1)  # a list item in Markdown: not measured
    assert w.cursor.room(w._page_pt(), w.last_block()) is None
