"""XML islands (greenmine_docs/docx/islands.py): finished table and paragraph XML kept as text
until the package is written must give exactly the document real elements give, keep data
literal, and never be ended or forged by data."""
from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document

from greenmine_docs.docx import islands
from greenmine_docs.docx.document import new_document, to_bytes
from greenmine_docs.docx.tables import Cell, add_table
from greenmine_docs.docx.writer import Writer

NASTY = ["a ?> b", "<?gm-xml x?>", "&amp; & <w:p/> \"q\" 'a'", "{{ x }} {% if %}", "]]> <!-- c -->"]


def _document_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read("word/document.xml")


def _build(enable: bool) -> bytes:
    doc = new_document()
    if enable:
        islands.enable(doc.part)
    w = Writer(doc)
    w.heading(1, "表格")
    w.table(["名称", "数值"], [[text, i] for i, text in enumerate(NASTY)], caption="数据")
    add_table(doc, ["编号", "组", "说明"], [["1", Cell("甲", bold=True), "x"], ["2", "", "y"],
                                           ["3", "", "z"]],
              merges=[(0, 2, 1)], row_height_mm=12)
    w.markdown("\n\n".join(NASTY), level=1)
    w.numbered_list(NASTY)
    w.page_break()
    return to_bytes(doc)


def test_islands_give_the_same_document_as_elements():
    with_islands, without = _build(True), _build(False)
    assert _document_xml(with_islands) == _document_xml(without)
    assert b"<?gm-xml" not in _document_xml(with_islands)


def test_data_stays_literal_in_islands():
    doc = Document(io.BytesIO(_build(True)))
    texts = [p.text for p in doc.paragraphs]
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    for value in NASTY:
        assert value in cells, value
        assert value in texts, value  # the bullet (Markdown has its own entities)


def test_merges_and_row_height_written_in_schema_order():
    doc = Document(io.BytesIO(_build(True)))
    table = doc.tables[1]
    assert [row.cells[1].text for row in table.rows[1:]] == ["甲", "甲", "甲"]  # one merged cell
    tc_pr = table.rows[1].cells[1]._tc.tcPr
    assert [child.tag.split("}")[1] for child in tc_pr] == ["tcW", "vMerge", "vAlign"]
    assert table.rows[1].height.mm == pytest.approx(12, abs=0.05)
    assert table.rows[0].height is None  # the header row keeps its natural height


def test_checking_mode_refuses_xml_that_is_not_well_formed(monkeypatch):
    from lxml import etree

    doc = new_document()
    islands.enable(doc.part)
    monkeypatch.setenv("GREENMINE_CHECK_ISLANDS", "1")
    with pytest.raises(etree.XMLSyntaxError):
        islands.island(doc.part, "<w:p><w:r>")
    monkeypatch.setenv("GREENMINE_CHECK_ISLANDS", "0")
    islands.island(doc.part, "<w:p><w:r>")  # not checked: the builders are trusted outside


def test_expand_puts_each_island_in_place():
    table = {7: "<b/>", 12: "<c>&amp;中</c>"}
    blob = b"<a>1<?gm-xml 7?>2<?other x?><?gm-xml 12?></a>"
    assert islands.expand(blob, table) == "<a>1<b/>2<?other x?><c>&amp;中</c></a>".encode()
    assert islands.expand(b"<a/>", table) == b"<a/>"


def test_an_island_used_twice_is_written_twice():
    import copy

    doc = new_document()
    islands.enable(doc.part)
    add_table(doc, ["甲"], [["1"]])
    pi = doc.element.body[-2]
    pi.addnext(copy.deepcopy(pi))  # a subdocument used twice copies its elements
    assert _document_xml(to_bytes(doc)).count(b"<w:tbl>") == 2


def test_materialize_turns_islands_into_elements():
    doc = new_document()
    islands.enable(doc.part)
    add_table(doc, ["甲"], [["1"], ["2"]])
    assert doc.tables == [] and islands.is_island(doc.element.body[-2])
    islands.materialize(doc.part, doc.element.body)
    assert [c.text for row in doc.tables[0].rows for c in row.cells] == ["甲", "1", "2"]


def test_a_document_without_islands_gets_python_docx_objects():
    doc = Document()
    assert add_table(doc, ["甲"], [["1"]]) is None  # one return type, islands or not
    assert doc.tables[0].rows[1].cells[0].text == "1"
