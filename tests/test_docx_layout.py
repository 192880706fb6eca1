"""The shared official-layout DOCX layer: page setup, styles and East Asian fonts, headings,
tables, figures, fields, sections — checked by saving and reopening with python-docx."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from PIL import Image

from greenmine_docs.docx import (Cell, Writer, add_toc, cn_date, cn_date_upper, cn_heading_number,
                                 cn_number, new_document, to_bytes)
from greenmine_docs.docx.fields import field_instructions
from greenmine_docs.errors import InputError

from docx_xml_order import assert_schema_order


def reopen(doc) -> Document:
    return Document(io.BytesIO(to_bytes(doc)))


def east_asia(rpr) -> str | None:
    if rpr is None or rpr.find(qn("w:rFonts")) is None:
        return None
    return rpr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def png(w: int = 400, h: int = 200) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (40, 120, 60)).save(buf, format="PNG")
    return buf.getvalue()


def test_page_setup_is_gbt9704_a4_with_margins():
    doc = reopen(new_document())
    s = doc.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    assert [round(x.mm) for x in (s.top_margin, s.bottom_margin, s.left_margin,
                                  s.right_margin)] == [37, 35, 28, 26]


def test_styles_carry_east_asian_fonts_and_sizes():
    doc = reopen(new_document())
    expected = {"Normal": ("仿宋", 16, None), "Heading 1": ("黑体", 16, False),
                "Heading 2": ("楷体", 16, False), "Heading 3": ("仿宋", 16, True),
                "Heading 4": ("仿宋", 16, False), "Title": ("方正小标宋简体", 22, False),
                "Table Text": ("宋体", 10.5, False), "Caption": ("黑体", 12, False)}
    for name, (font, size, bold) in expected.items():
        style = doc.styles[name]
        rfonts = style.element.rPr.find(qn("w:rFonts"))
        assert rfonts.get(qn("w:eastAsia")) == font, name
        assert rfonts.get(qn("w:asciiTheme")) is None, name  # theme would override the name
        assert style.font.size == Pt(size), name
        if bold is not None:
            assert bool(style.font.bold) is bold, name
    normal = doc.styles["Normal"].paragraph_format
    assert normal.line_spacing == Pt(28.9)
    ind = doc.styles["Normal"].element.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"
    # the document defaults say zh-CN and 仿宋 too
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}").get(
        qn("w:eastAsia")) == "zh-CN"


def test_title_font_falls_back_to_songti_in_font_table():
    doc = new_document()
    part = next(p for p in doc.part.package.iter_parts()
                if str(p.partname) == "/word/fontTable.xml")
    text = part.blob.decode("utf-8")
    assert "方正小标宋简体" in text and '<w:altName w:val="宋体"/>' in text


def test_headings_numbered_in_official_form_and_every_run_has_east_asia():
    doc = new_document()
    w = Writer(doc)
    w.heading(1, "总论")
    w.heading(2, "编制目的")
    w.heading(3, "法律法规")
    w.heading(4, "国家法律")
    w.heading(4, "地方法规")
    w.heading(2, "编制依据")
    w.heading(1, "矿山基本情况")
    w.heading(2, "企业概况")
    w.paragraph("正文 text & <tag>")
    doc = reopen(doc)
    texts = [p.text for p in doc.paragraphs]
    assert texts == ["一、总论", "（一）编制目的", "1.法律法规", "（1）国家法律", "（2）地方法规",
                     "（二）编制依据", "二、矿山基本情况", "（一）企业概况", "正文 text & <tag>"]
    assert [p.style.name for p in doc.paragraphs][:4] == ["Heading 1", "Heading 2", "Heading 3",
                                                          "Heading 4"]
    for p in doc.paragraphs:
        for r in p.runs:
            assert east_asia(r._r.rPr) in {"黑体", "楷体", "仿宋"}, p.text


def test_cn_numbers_and_dates():
    assert [cn_number(n) for n in (1, 10, 11, 20, 23, 101)] == ["一", "十", "十一", "二十",
                                                               "二十三", "一百零一"]
    assert cn_date(dt.date(2023, 9, 1)) == "2023年9月1日"
    assert cn_date_upper(dt.date(2023, 9, 1)) == "二〇二三年九月"
    assert cn_date_upper(dt.date(2020, 10, 30), day=True) == "二〇二〇年十月三十日"
    assert [cn_heading_number(lv, 3) for lv in (1, 2, 3, 4)] == ["三、", "（三）", "3.", "（3）"]
    with pytest.raises(ValueError):
        cn_heading_number(5, 1)


def test_table_header_repeats_borders_widths_and_spans():
    doc = new_document()
    w = Writer(doc)
    rows = [[i, f"任务{i}", 12.5 * i] for i in range(1, 60)]
    rows.append([Cell("合计", span=2, bold=True, align="center"), Cell("9,999.00", bold=True)])
    w.table(["序号", "内容", "投资（万元）"], rows, caption="投资表", widths_mm=[10, 100, 30])
    doc = reopen(doc)
    table = doc.tables[0]
    head = table.rows[0]._tr
    assert head.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.tag.split("}")[1] for b in borders} >= {"top", "bottom", "insideH", "insideV"}
    widths = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert abs(sum(widths) - Mm(156).twips) < 5  # scaled to the type area
    assert widths[1] > widths[2] > widths[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "内容", "投资（万元）"]
    assert table.rows[1].cells[2].text == "12.5"
    last = table.rows[-1]
    assert last.cells[0].text == "合计" and last.cells[0]._tc is last.cells[1]._tc  # merged
    assert last.cells[0].paragraphs[0].runs[0].bold
    cell_par = table.rows[2].cells[1].paragraphs[0]
    assert cell_par.style.name == "Table Text"
    assert east_asia(cell_par.runs[0]._r.rPr) == "宋体"
    assert table.rows[0].cells[0].paragraphs[0].style.name == "Table Heading"
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions == ["表1  投资表"]


def test_figure_with_numbered_caption_and_image_checks(tmp_path):
    doc = new_document()
    w = Writer(doc, base_dir=tmp_path)
    w.figure(png(), "矿区全景")
    (tmp_path / "b.png").write_bytes(png(100, 400))
    w.figure(w.resolve_image("b.png"), "排土场")
    doc = reopen(doc)
    assert [p.text for p in doc.paragraphs if p.style.name == "Caption"] == \
        ["图1  矿区全景", "图2  排土场"]
    assert len(doc.inline_shapes) == 2
    tall = doc.inline_shapes[1]
    assert tall.height.mm <= 225 * 0.8 + 0.5  # shrunk to fit the page
    with pytest.raises(InputError, match="输入文件所在目录之外"):
        w.resolve_image("../outside.png")
    with pytest.raises(InputError, match="不是本地文件"):
        w.resolve_image("https://example.com/a.png")
    (tmp_path / "bad.png").write_bytes(b"not an image")
    with pytest.raises(InputError, match="不是可识别的图片"):
        w.figure(w.resolve_image("bad.png"), "坏图")
    with pytest.raises(InputError, match="找不到图片"):
        w.figure(w.resolve_image("missing.png"), "缺图")


def test_page_numbers_toc_and_update_fields():
    doc = new_document(cover=True)
    w = Writer(doc)
    add_toc(w.paragraph(indent=False))
    doc = reopen(doc)
    section = doc.sections[0]
    footer_text = section.footer.paragraphs[0].text
    assert footer_text.startswith("— ") and footer_text.endswith(" —")
    assert "PAGE" in field_instructions(section.footer._element)
    assert "PAGE" in field_instructions(section.even_page_footer._element)
    assert doc.settings.odd_and_even_pages_header_footer
    assert section.different_first_page_header_footer  # the cover has no number
    assert field_instructions(section.first_page_footer._element) == []
    assert any(i.startswith("TOC") for i in field_instructions(doc.element.body))
    upd = doc.settings.element.find(qn("w:updateFields"))
    assert upd is not None and upd.get(qn("w:val")) == "true"


def test_landscape_part_keeps_cover_and_numbers_right():
    doc = new_document(cover=True)
    w = Writer(doc)
    w.paragraph("封面")
    w.section_break(landscape=True)
    w.table(["a", "b"], [[1, 2]])
    w.finish()
    w.paragraph("正文")
    doc = reopen(doc)
    orient = [s.orientation for s in doc.sections]
    assert orient == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    land = doc.sections[1]
    assert land.page_width > land.page_height
    assert doc.sections[0].different_first_page_header_footer  # cover section keeps it
    assert not doc.sections[2].different_first_page_header_footer  # later ones number page 1
    total = sum(int(c.get(qn("w:w"))) for c in doc.tables[0]._tbl.tblGrid.findall(qn("w:gridCol")))
    assert abs(total - Mm(225).twips) < 5  # landscape type width


def test_generated_xml_follows_schema_order(tmp_path):
    doc = new_document(cover=True)
    w = Writer(doc, base_dir=tmp_path)
    w.heading(1, "总论")
    w.markdown("正文**粗**\n\n1. 一\n2. 二\n\n| a | b |\n|--|--|\n| 1 | 2 |\n", level=1)
    w.table(["x", "y"], [[Cell("合", span=2)]], caption="表")
    w.figure(png(), "图")
    w.section_break(landscape=True)
    w.paragraph("横向")
    w.finish()
    data = to_bytes(doc)
    assert_schema_order(data)
