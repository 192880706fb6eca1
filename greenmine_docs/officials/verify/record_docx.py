"""The on-site record as a printable document (A4 landscape, official fonts): the same header
facts, conditions and items as the workbook, with empty answer columns and signature lines."""
from __future__ import annotations

from . import layout as L
from .config import Round
from .sample_read import SampledMine

_FACT_WIDTHS = (30, 95, 30, 95)
_TABLE_WIDTHS = (20, 70, 24, 48, 18, 48, 45)


def render_record_docx(rnd: Round, mine: SampledMine) -> bytes:
    from docx.shared import Pt

    from ...docx.document import new_document, to_bytes
    from ...docx.page import LANDSCAPE_TYPE_WIDTH_MM
    from ...docx.tables import add_table
    from ...docx.text import add_text, no_indent

    doc = new_document(landscape=True, page_numbers=True)
    title = doc.add_paragraph(style="Title")
    add_text(title, L.TITLE)
    no_indent(title)
    p = doc.add_paragraph(style="Table Text")
    add_text(p, f"核查单位：{rnd.bureau_of(mine.level, mine.city)}")
    place = " ".join(x for x in (mine.city, mine.county) if x)
    facts = [["矿山名称", mine.name, "名录级别", mine.level],
             ["采矿权人", "", "所在地", place],
             ["开采矿种", mine.mineral, "开采方式", mine.method],
             ["核查组成员", "", "核查日期", "　　　　年　　月　　日至　　　　年　　月　　日"],
             ["核查复核得分", "（可选）", "企业签收日期", "　　　　年　　月　　日"]]
    add_table(doc, ["项目", "内容", "项目", "内容"], facts, widths_mm=_FACT_WIDTHS,
              aligns=("center", "left", "center", "left"), total_width_mm=LANDSCAPE_TYPE_WIDTH_MM,
              row_height_mm=9)

    def section(text: str) -> None:
        h = doc.add_paragraph(style="Heading 1")
        add_text(h, text)
        h.paragraph_format.space_before = Pt(6)

    aligns = ("center", "left", "center", "left", "center", "left", "left")
    section(L.SECTION_CONDITIONS)
    add_table(doc, L.CONDITION_HEADERS, [[c.id, c.text, "", "", "", "", ""]
                                         for c in rnd.rules.conditions],
              widths_mm=_TABLE_WIDTHS, aligns=aligns, total_width_mm=LANDSCAPE_TYPE_WIDTH_MM,
              row_height_mm=12)
    section(L.SECTION_ITEMS)
    add_table(doc, L.ITEM_HEADERS, [[i.id, i.text, "", "", "", "", ""] for i in rnd.items],
              widths_mm=_TABLE_WIDTHS, aligns=aligns, total_width_mm=LANDSCAPE_TYPE_WIDTH_MM,
              row_height_mm=14)
    note = doc.add_paragraph(style="Table Text")
    add_text(note, "注：核查方式填写查阅资料、现场查看、人员询问；问题描述写明具体对象和位置；"
                   "遴选条件不符合的写明依据。")
    note.paragraph_format.space_before = Pt(6)
    for text in (f"{L.SIGN_TEAM}　　　　　　　　　　　　　　　　　　{L.SIGN_MINE}",
                 "日期：　　年　　月　　日　　　　　　　　　　　　　　　　日期：　　年　　月　　日"):
        p = doc.add_paragraph(style="Table Text")
        add_text(p, text, size=14)
        p.paragraph_format.space_before = Pt(18)
    return to_bytes(doc)
