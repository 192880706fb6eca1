"""The self-check record table's Word version is written as one XML text
(:mod:`greenmine_docs.docx.textdoc`): it must give, byte for byte, the package python-docx writes
for the same blocks appended to the blank page (:func:`docx_table.write_body`, the element path
it replaced) — filled, blank, another indicator set, texts that need escaping."""
from __future__ import annotations

import dataclasses
import io
import zipfile

import pytest
from lxml import etree

from conftest import EXAMPLE


@pytest.fixture(scope="module")
def run():
    from greenmine_docs.api import check, load

    return check(load(EXAMPLE))


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setenv("GREENMINE_FIXED_CLOCK", "2023-09-20T08:00:00")


def _element_path(data) -> bytes:
    """The table as python-docx elements in :func:`base_document`, its tables as islands."""
    from greenmine_docs.docx import islands
    from greenmine_docs.docx.document import to_bytes
    from greenmine_docs.documents.selfcheck import docx_table

    doc = docx_table.base_document()
    islands.enable(doc.part)
    docx_table.write_body(doc, data)
    return to_bytes(doc)


def _same(data) -> bytes:
    from greenmine_docs.documents.selfcheck.docx_table import render_docx

    text = render_docx(data)
    assert text == _element_path(data)
    return text


def test_a_filled_table_is_the_element_paths_bytes(run) -> None:
    from greenmine_docs.documents.selfcheck.core import prepare

    data = prepare(run.submission, run.indicator_set, set_ref=run.indicator_ref,
                   result=run.scores.self_check)
    package = _same(data)
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    assert xml.count("<w:pageBreakBefore/>") >= 3  # a table of several pages
    assert xml.count("<w:tbl>") == xml.count("<w:pageBreakBefore/>") + 3  # + header, sign-off
    assert "自查结论" in xml and data.facts.text("name") in xml


def test_a_blank_table_and_another_set_are_the_element_paths_bytes(run) -> None:
    from greenmine_docs.documents.selfcheck.core import prepare
    from greenmine_docs.indicators.load import load_builtin

    _same(prepare(run.submission, run.indicator_set, set_ref=run.indicator_ref, blank=True))
    demo = load_builtin("province-demo")
    _same(prepare(None, demo, blank=True))
    _same(prepare(run.submission, demo, blank=True))


def test_texts_that_need_escaping_are_the_element_paths_bytes(run) -> None:
    from greenmine_docs.documents.selfcheck.core import prepare

    data = prepare(run.submission, run.indicator_set, set_ref=run.indicator_ref,
                   result=run.scores.self_check)
    sc = data.self_check
    first = next(iter(sc.items))
    odd = '  A&B <c> "d" \'e\'\t制度\n第二行 '
    entry = sc.items[first].model_copy(update={"situation": odd, "problem": "x>y&z"})
    changed = dataclasses.replace(data, self_check=sc.model_copy(update={
        "items": {**sc.items, first: entry}, "opinion": "同意\n<签字>"}))
    package = _same(changed)
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    assert "A&amp;B &lt;c&gt;" in xml and "x&gt;y&amp;z" in xml


def test_a_text_body_is_what_python_docx_writes_for_its_blocks() -> None:
    """The module on its own: a paragraph, a table and a table in parts, appended as text to
    a blank document's skeleton or as elements to the blank document, give the same package."""
    from greenmine_docs.docx import islands
    from greenmine_docs.docx.document import new_document, to_bytes
    from greenmine_docs.docx.tables import Cell
    from greenmine_docs.docx.textdoc import ElementBody, Skeleton, TextBody

    rows = [[Cell("一、组", span=3, bold=True)]] + [
        [str(i), "文字 & <标记>" * (i % 4 + 1), Cell(f"{i}.0", align="right")] for i in range(60)]

    def write(body) -> None:
        body.paragraph('<w:jc w:val="center"/>', '<w:r><w:t>标题</w:t></w:r>')
        body.table(["甲", "乙", "丙"], rows[:3], widths_mm=[20, 60, 20])
        body.paragraph(None)
        body.paged_table(["甲", "乙", "丙"], rows, merges=[(1, 4, 0)], page_pt=300,
                         first_page_pt=150, widths_mm=[20, 60, 20])

    skeleton = Skeleton(new_document())
    text = TextBody(skeleton.part)
    write(text)
    doc = new_document()
    islands.enable(doc.part)
    write(ElementBody(doc))
    package = skeleton.package(text)
    assert package == to_bytes(doc)
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        assert zf.read("word/document.xml").count(b"<w:pageBreakBefore/>") >= 2


def test_a_body_that_is_not_what_lxml_writes_fails_under_the_check(monkeypatch) -> None:
    from greenmine_docs.docx.document import new_document
    from greenmine_docs.docx.textdoc import Skeleton, TextBody

    monkeypatch.setenv("GREENMINE_CHECK_ISLANDS", "1")
    skeleton = Skeleton(new_document())
    body = TextBody(skeleton.part)
    body.paragraph(None, "<w:r><w:t>\"quoted\" &amp; 'single'</w:t></w:r>")
    skeleton.package(body)
    broken = TextBody(skeleton.part)
    broken.paragraph(None, "<w:r><w:t>a &gt b</w:t></w:r>")  # not well-formed
    with pytest.raises(etree.XMLSyntaxError):
        skeleton.package(broken)
    uncanonical = TextBody(skeleton.part)
    uncanonical.paragraph(None, "<w:r><w:t>a</w:t></w:r><w:r></w:r>")  # lxml writes <w:r/>
    with pytest.raises(ValueError, match="not as lxml writes it"):
        skeleton.package(uncanonical)
    undeclared = TextBody(skeleton.part)
    undeclared.paragraph('<w:pStyle w:val="Heading1"/>')  # its style not said
    with pytest.raises(ValueError, match="more than its builder declared"):
        skeleton.package(undeclared)


def test_the_toc_fill_after_a_build_reads_the_document_part_without_its_body(run) -> None:
    """The package keeps its document part with the body as one island: a TOC fill (after
    every build) finds nothing to fill without reading the body, and gives the package
    itself."""
    from greenmine_docs.docx.package import unexpanded
    from greenmine_docs.docx.toc import fill_tocs
    from greenmine_docs.documents.selfcheck.core import prepare
    from greenmine_docs.documents.selfcheck.docx_table import render_docx

    package = render_docx(prepare(run.submission, run.indicator_set, set_ref=run.indicator_ref,
                                  result=run.scores.self_check))
    part, kept = unexpanded(package, "word/document.xml")
    assert len(part) < 5000 and part.count(b"<?gm-xml ") == 1 and len(kept) == 1
    assert len(next(iter(kept.values()))) > 100_000
    assert fill_tocs(package) is package
