"""The page cursor knows where a report's body begins: the official templates put the body
(``{{p body}}``) after the contents' section break, so the body's first block is at the top of
a page; a centred chapter heading (前言) and narrative Markdown paragraphs move the position by
their lines instead of losing it (greenmine_docs/docx/page.py ``subdoc_place``,
``Writer.placed_at``)."""
from __future__ import annotations

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from greenmine_docs.docx import Writer, new_document
from greenmine_docs.docx.page import subdoc_place
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
    assert subdoc_place(_template(before), "body") == (starts, True)
    assert subdoc_place(_template(before), "annex") == (False, False)  # no such tag


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


@pytest.mark.parametrize("ends_document", [True, False])
def test_a_body_ending_in_landscape_ends_the_document_without_an_empty_page(
        ends_document: bool) -> None:
    """A plan whose annex table is its last part: the landscape part is the document's last
    section; a break back to portrait there left an empty portrait page at the end (the coal
    example's plan). Where the template has more after the body, the break stays."""
    from docx.oxml.ns import qn

    from greenmine_docs.render.tpl import open_template
    from greenmine_docs.resources import template_path

    tpl = open_template(template_path("implementation_plan", "plan-template.docx"))
    if not ends_document:
        tag = next(p for p in tpl.docx.paragraphs if "p body" in p.text)
        tag._p.addnext(parse_xml(f'<w:p {nsdecls("w")}><w:r><w:t>签字页</w:t></w:r></w:p>'))
    body = tpl.new_subdoc()
    w = Writer(tpl.docx, body)
    w.placed_at("body")
    w.paragraph("正文。")
    w.section_break(landscape=True)
    w.table(["编号", "任务"], [["1-1", "道路硬化"]], caption="附表")
    w.finish()
    blocks = list(body.element.body)
    breaks = [b for b in blocks if b.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None]
    final = tpl.docx.element.body.sectPr
    width, height = (int(final.find(qn("w:pgSz")).get(qn(f"w:{k}"))) for k in "wh")
    if ends_document:
        assert len(breaks) == 1 and width > height  # portrait text, then the last: landscape
    else:
        assert len(breaks) == 2 and width < height
