""":meth:`Writer.paragraph` keeps its paragraph as text in a document that allows it, and makes
the element when a caller changes the paragraph: the document, and where the Writer places a
report's tables after it, are those of a paragraph made as an element at once."""
from __future__ import annotations

from lxml import etree

from greenmine_docs.docx import Writer, add_text, islands
from greenmine_docs.docx.document import new_document

ROWS = [[f"{i}", "矿区道路硬化与绿化，按设计完成并验收" * (1 + i % 3), f"{i * 1.5:.2f}"]
        for i in range(60)]


def _write(kept_as_text: bool, changed: bool) -> tuple[bytes, int]:
    doc = new_document()
    if kept_as_text:
        islands.enable(doc.part)
    w = Writer(doc)
    w.continued_tables = True
    w.page_break()  # the position is known from here
    w.heading(1, "评估结论")
    par = w.paragraph("")
    if changed:
        add_text(par, "经评估，评估结论为：")
        add_text(par, "达标", bold=True)
        par.paragraph_format.keep_with_next = True
    w.paragraph("主要依据见下表。")
    w.table(["序号", "内容", "金额"], ROWS, caption="依据表")
    w.paragraph("以上。")
    w.finish()
    if kept_as_text:
        assert isinstance(par, type(par)) and par.text == ("经评估，评估结论为：达标" if changed
                                                           else "")
    body = doc.element.body
    held = sum(1 for e in body.iter(etree.PI))
    islands.materialize(doc.part, body)
    return etree.tostring(body), held


def test_a_paragraph_kept_as_text_and_changed_later_is_the_element_made_at_once():
    for changed in (False, True):
        as_text, held = _write(True, changed)
        assert held > 0  # headings, paragraphs and tables were kept as text
        assert as_text == _write(False, changed)[0]


def test_the_paragraph_becomes_an_element_in_its_place_when_read():
    doc = new_document()
    islands.enable(doc.part)
    w = Writer(doc)
    w.paragraph("甲")
    par = w.paragraph("乙")
    w.paragraph("丙")
    body = doc.element.body
    assert sum(1 for e in body.iter(etree.PI)) == 3
    assert par.text == "乙"  # read: made in its place
    kinds = [e.tag if e.tag is etree.PI else etree.QName(e).localname for e in body][:3]
    assert kinds == [etree.PI, "p", etree.PI]
    assert par._p is body[1]


def _lead_moved(kept_as_text: bool) -> str:
    """A long table that starts a page takes the heading and the announcing paragraph before
    it along (a page break before them), the paragraph having been read in between."""
    doc = new_document()
    if kept_as_text:
        islands.enable(doc.part)
    w = Writer(doc)
    w.continued_tables = True
    w.page_break()
    for _ in range(17):
        w.paragraph("本矿山的绿色矿山建设按方案推进。")
    w.heading(1, "评估依据")
    par = w.paragraph("主要依据如下：")
    assert par.text == "主要依据如下："  # read: made in its place
    w.table(["序号", "内容", "金额"], ROWS, caption="依据表")
    w.finish()
    body = doc.element.body
    islands.materialize(doc.part, body)
    return etree.tostring(body, encoding="unicode")


def test_a_paragraph_read_before_a_table_still_goes_overleaf_with_it():
    made = _lead_moved(True)
    assert made == _lead_moved(False)
    # the page break went in before the heading, not lost with the text the paragraph was
    heading = made.index("评估依据")
    assert made.rfind("w:pageBreakBefore", 0, heading) > made.rfind("按方案推进", 0, heading)
