"""Tables of contents written out (greenmine_docs/docx/toc.py, finish.py): the TOC field's
result holds the entries, never an instruction to the reader; without LibreOffice (the tests'
default, see conftest) the headings without page numbers."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any, Iterator

import pytest
from docx import Document
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import EXAMPLE
from greenmine_docs.docx.toc import TocEntry, fill_tocs, has_toc

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PLACEHOLDER = "更新域"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The example's plan and report, built without LibreOffice, and the build's notes."""
    from greenmine_docs.api import build

    result = build(EXAMPLE, tmp_path_factory.mktemp("toc"), only=["plan", "report"])
    assert result.ok
    docx = {("plan" if "实施方案" in p.name else "report"): p for p in result.written
            if p.suffix == ".docx"}
    return {**docx, "notes": result.notes}


def _toc_paragraphs(path: Path) -> list:
    """The paragraphs from the one holding the TOC field's begin to the one holding its end."""
    doc = Document(str(path))
    body = list(doc.element.body.iterchildren(qn("w:p")))
    start = next(i for i, p in enumerate(body) if " TOC " in "".join(
        t.text or "" for t in p.iter(qn("w:instrText"))))
    depth, out = 0, []
    for p in body[start:]:
        out.append(p)
        for fc in p.iter(qn("w:fldChar")):
            depth += {"begin": 1, "end": -1}.get(fc.get(qn("w:fldCharType")), 0)
        if depth == 0:
            return out
    raise AssertionError("TOC field does not end")


def _headings(path: Path) -> list[tuple[str, str]]:
    """(toc style id, text) of the level 1 and 2 headings of a document."""
    doc = Document(str(path))
    levels = {"Heading 1": "toc1", "Heading 2": "toc2"}
    return [(levels[p.style.name], p.text.strip()) for p in doc.paragraphs
            if p.style.name in levels and p.text.strip()]


@pytest.mark.parametrize("kind", ["plan", "report"])
def test_the_toc_lists_every_heading_and_no_instruction(built, kind) -> None:
    paragraphs = _toc_paragraphs(built[kind])
    texts = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in paragraphs]
    assert PLACEHOLDER not in "".join(texts)
    styles = [p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) for p in paragraphs]
    assert list(zip(styles, texts)) == _headings(built[kind])  # all, in order, nothing else
    assert len(texts) > 15
    # still a field Word rebuilds: the instruction, marked dirty, one begin and one end
    first, last = paragraphs[0], paragraphs[-1]
    begin = first.find(f"{qn('w:r')}/{qn('w:fldChar')}")
    assert begin.get(qn("w:fldCharType")) == "begin" and begin.get(qn("w:dirty")) == "true"
    assert "TOC \\o" in "".join(t.text for t in first.iter(qn("w:instrText")))
    assert last.findall(f"{qn('w:r')}/{qn('w:fldChar')}")[-1].get(qn("w:fldCharType")) == "end"
    # every entry run names its fonts (toc 1 黑体, toc 2 仿宋, from the styles)
    for p, style in zip(paragraphs, styles):
        for r in p.iter(qn("w:r")):
            if r.find(qn("w:t")) is not None:
                fonts = r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
                assert fonts.get(qn("w:eastAsia")) == ("黑体" if style == "toc1" else "仿宋")
    assert any("未填页码" in n and "未找到 LibreOffice" in n for n in built["notes"])


def test_only_the_document_part_changes(built) -> None:
    """The rest of the package is copied as it was: same members, order, stamps, bytes."""
    data = built["plan"].read_bytes()
    src = zipfile.ZipFile(io.BytesIO(data))
    refilled = fill_tocs(data, [[TocEntry(1, "一、总论", "1")]])
    dst = zipfile.ZipFile(io.BytesIO(refilled))
    assert [i.filename for i in src.infolist()] == [i.filename for i in dst.infolist()]
    for a, b in zip(src.infolist(), dst.infolist()):
        assert a.date_time == b.date_time and a.compress_type == b.compress_type
        if a.filename != "word/document.xml":
            assert src.read(a.filename) == dst.read(b.filename), a.filename
    assert fill_tocs(refilled, [[TocEntry(1, "一、总论", "1")]]) == refilled  # idempotent


def test_members_copied_as_stored_equal_a_deflate_again(built) -> None:
    """The unchanged members are copied compressed as they are; the package is the same as
    when every member is inflated and deflated again at the project's level (the way before),
    and a member written with a data descriptor is deflated again rather than copied."""
    from greenmine_docs.docx import toc
    from greenmine_docs.outputs import PACKAGE_COMPRESSLEVEL

    data = built["report"].read_bytes()
    refilled = fill_tocs(data, [[TocEntry(1, "一、评估概况", "1")]])
    xml = zipfile.ZipFile(io.BytesIO(refilled)).read("word/document.xml")
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            blob = xml if info.filename == "word/document.xml" else src.read(info.filename)
            dst.writestr(info, blob, compress_type=info.compress_type,
                         compresslevel=PACKAGE_COMPRESSLEVEL)
    assert refilled == out.getvalue()
    streamed = io.BytesIO()
    with zipfile.ZipFile(streamed, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("a.xml", "w", force_zip64=False) as f:  # sizes after the data
            f.write(b"<a>" + b"x" * 5000 + b"</a>")
    unseekable = zipfile.ZipFile(io.BytesIO(streamed.getvalue()))
    info = unseekable.infolist()[0]
    info.flag_bits |= 0x08
    target = zipfile.ZipFile(io.BytesIO(), "w")
    assert not toc._copy_stored(unseekable, info, target) and not target.filelist


def _docx_with(body_xml: str) -> bytes:
    """A python-docx document whose body is ``body_xml`` (w: namespace) plus its sectPr."""
    from greenmine_docs.docx import new_document, to_bytes

    doc = new_document()
    body = doc.element.body
    for el in etree.fromstring(f'<w:body xmlns:w="{W}">{body_xml}</w:body>'):
        body.sectPr.addprevious(el)
    return to_bytes(doc)


_FIELD = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
          ' TOC \\o "1-2" \\h </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/>'
          '</w:r>')
_HEADINGS = ('<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>一、甲</w:t></w:r></w:p>'
             '<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>（一）乙</w:t></w:r></w:p>'
             '<w:p><w:pPr><w:pStyle w:val="Heading3"/></w:pPr><w:r><w:t>1.丙</w:t></w:r></w:p>'
             '<w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>附件</w:t></w:r></w:p>')


def _body(data: bytes):
    return etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))


def test_entries_with_pages_have_a_dotted_right_tab_at_the_type_width() -> None:
    data = _docx_with(f'<w:p><w:pPr><w:pStyle w:val="toc1"/></w:pPr>{_FIELD}<w:r><w:t>旧</w:t>'
                      '</w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>' + _HEADINGS)
    assert has_toc(data)
    out = fill_tocs(data, [[TocEntry(1, "一、甲", "1"), TocEntry(2, "（一）乙", "12")]])
    ps = [p for p in _body(out).iter(f"{{{W}}}p") if p.find(f".//{{{W}}}tab") is not None]
    assert len(ps) == 2
    for p, page in zip(ps, ("1", "12")):
        tab = p.find(f"{{{W}}}pPr/{{{W}}}tabs/{{{W}}}tab")
        assert (tab.get(f"{{{W}}}val"), tab.get(f"{{{W}}}leader")) == ("right", "dot")
        assert tab.get(f"{{{W}}}pos") == "8845"  # 156 mm
        assert [t.text for t in p.iter(f"{{{W}}}t")][-1] == page
    assert "旧" not in _text(out)


def _text(data: bytes) -> str:
    return "".join(t.text or "" for t in _body(data).iter(f"{{{W}}}t"))


def test_without_pages_the_headings_of_the_field_levels_are_listed() -> None:
    data = _docx_with(f'<w:p><w:pPr><w:pStyle w:val="toc1"/></w:pPr>{_FIELD}'
                      '<w:r><w:t>（目录将在打开文档时自动更新…）</w:t></w:r>'
                      '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>' + _HEADINGS)
    out = fill_tocs(data)
    text = _text(out)
    assert "自动更新" not in text
    # levels 1-2 by style, and a paragraph with its own outline level; not level 3
    assert text.startswith("一、甲（一）乙附件一、甲")


def test_a_result_over_several_paragraphs_is_replaced() -> None:
    """A template whose TOC Word had already updated: the result spans paragraphs, with a
    nested PAGEREF field in each entry, and ends in a paragraph of its own."""
    old_entry = ('<w:p><w:pPr><w:pStyle w:val="toc2"/></w:pPr><w:r><w:t>旧条目</w:t></w:r>'
                 '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGEREF _Toc1 '
                 '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r>'
                 '<w:t>9</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    data = _docx_with(f'<w:p><w:pPr><w:pStyle w:val="toc1"/></w:pPr>{_FIELD}<w:r><w:t>旧一</w:t>'
                      f'</w:r></w:p>{old_entry}<w:p><w:r><w:fldChar w:fldCharType="end"/></w:r>'
                      '</w:p><w:p><w:r><w:t>正文</w:t></w:r></w:p>' + _HEADINGS)
    out = fill_tocs(data, [[TocEntry(1, "一、甲", "1")]])
    text = _text(out)
    assert "旧" not in text and "PAGEREF" not in out.decode("utf-8", "replace")
    assert text.startswith("一、甲1正文一、甲")


def test_a_document_without_toc_is_returned_as_it_is() -> None:
    data = _docx_with(_HEADINGS)
    assert not has_toc(data) and fill_tocs(data) is data


def test_build_without_libreoffice_fills_from_the_headings_and_says_so(tmp_path, runner) -> None:
    from conftest import run_cli

    result = run_cli(runner, "build", EXAMPLE, "-o", tmp_path, "--only", "plan")
    assert result.code == 0, result.output
    assert "注意：目录已列出各级标题，未填页码" in result.stdout
    result = run_cli(runner, "build", EXAMPLE, "-o", tmp_path / "p", "--pdf")
    assert result.code == 2 and "LibreOffice" in result.stderr
    assert not (tmp_path / "p").exists()


# -- the fill on the part before its islands were put in (docx/package.py) ------------------
FIXED_CLOCK = "2023-09-20T08:00:00"  # packages made seconds apart compare byte for byte


@pytest.fixture(scope="module")
def rendered() -> Iterator[dict[str, bytes]]:
    """Every Word document of the example as rendered (before its TOC is filled), under a
    fixed clock for the module (a picture's zip stamp is the moment it is written)."""
    from greenmine_docs import api
    from greenmine_docs.documents import DOCUMENTS
    from greenmine_docs.pipeline.spec import RenderOptions

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GREENMINE_FIXED_CLOCK", FIXED_CLOCK)
        run = api.check(api.load(EXAMPLE))
        yield {spec.key: spec.render(run, "docx", RenderOptions()) for spec in DOCUMENTS
               if "docx" in spec.formats and spec.supports(run)
               and not api.blockers(spec, run)}


def test_rendered_documents_remember_their_unexpanded_parts(rendered) -> None:
    from greenmine_docs.docx.package import Package, unexpanded

    with_toc = [key for key, data in rendered.items() if has_toc(data)]
    assert len(with_toc) >= 3
    for key in with_toc:
        data = rendered[key]
        assert isinstance(data, Package)
        part, islands = unexpanded(data, "word/document.xml")  # type: ignore[misc]
        assert islands and b"<?gm-xml " in part
        assert unexpanded(bytes(data), "word/document.xml") is None


def test_the_fill_on_the_unexpanded_part_gives_the_same_bytes(rendered) -> None:
    for key, data in rendered.items():
        plain = bytes(data)
        assert fill_tocs(data) == fill_tocs(plain), key
        if has_toc(plain):
            paged = [[TocEntry(1, "一、概况", "1"), TocEntry(2, "（一）位置", "iv")]]
            assert fill_tocs(data, paged) == fill_tocs(plain, paged), key
            assert fill_tocs(data) != plain


def test_headings_filled_as_the_package_is_written_give_the_same_bytes(rendered) -> None:
    """``build`` without LibreOffice's layout has the package writer fill the TOCs with their
    headings: the same bytes as the fill afterwards, which then leaves them alone (and with
    page numbers from a layout, still fills them)."""
    from greenmine_docs import api
    from greenmine_docs.documents import get
    from greenmine_docs.docx.toc import headings_when_packaged
    from greenmine_docs.pipeline.spec import RenderOptions

    run = api.check(api.load(EXAMPLE))
    with headings_when_packaged():
        packaged = {key: get(key).render(run, "docx", RenderOptions()) for key in rendered}
    for key, data in packaged.items():
        assert data == fill_tocs(rendered[key]), key
        assert data.tocs_filled is has_toc(rendered[key]), key
        assert fill_tocs(data) is data
    data = next(d for d in packaged.values() if d.tocs_filled)
    paged = [[TocEntry(1, "一、概况", "1")]]
    assert fill_tocs(data, paged) == fill_tocs(bytes(data), paged) != data


def test_an_island_holding_a_field_takes_the_whole_part(rendered) -> None:
    """An island that may hold a field (the TOC itself, or one in its result) is not read
    by the fill on the unexpanded part: the whole part is parsed instead."""
    from greenmine_docs.docx.package import Package

    data = next(d for d in rendered.values() if has_toc(d))
    assert isinstance(data, Package)
    key = next(iter(data.islands))
    odd = Package.of(bytes(data), data.parts, {**data.islands, key: '<w:p><w:r><w:fldChar '
                                                   'w:fldCharType="begin"/></w:r></w:p>'})
    assert fill_tocs(odd) == fill_tocs(bytes(data))


def test_a_package_pickles_as_plain_bytes(rendered) -> None:
    import pickle

    data = next(iter(rendered.values()))
    again = pickle.loads(pickle.dumps(data))
    assert type(again) is bytes and again == data


def test_islands_must_be_written_as_lxml_writes_them() -> None:
    from greenmine_docs.docx.islands import check_canonical

    check_canonical('<w:p><w:r><w:t xml:space="preserve">a &amp; &lt;b&gt; "c"</w:t></w:r></w:p>')
    for odd in ("<w:p><w:r></w:r></w:p>", "<w:p><w:r><w:t>&quot;</w:t></w:r></w:p>",
                "<w:p><w:pPr><w:jc w:val='left'/></w:pPr></w:p>"):
        with pytest.raises(ValueError):
            check_canonical(odd)


def test_an_island_holding_a_heading_is_read(rendered) -> None:
    """A heading kept as an island (as the generators write their headings: by its style, or
    with an outline level of its own) is listed by the fill on the unexpanded part."""
    from greenmine_docs.docx.islands import as_str
    from greenmine_docs.docx.package import Package

    data = next(d for d in rendered.values() if has_toc(d))
    assert isinstance(data, Package)
    key = next(k for k, text in data.islands.items() if "<w:tbl>" in as_str(text))
    assert key in data.declared  # a table's builder says which styles it holds
    heading1 = '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>新标题</w:t></w:r></w:p>'
    outlined = '<w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>新标题</w:t></w:r></w:p>'
    for heading, declared in ((heading1, {}), (outlined, {}),
                              (heading1, {key: frozenset({"Heading1"})})):
        odd = Package.of(bytes(data), data.parts, {**data.islands, key: heading},
                         {**data.declared, **declared} if declared else
                         {k: v for k, v in data.declared.items() if k != key})
        filled = fill_tocs(odd)
        assert "新标题" in zipfile.ZipFile(io.BytesIO(filled)).read(
            "word/document.xml").decode().split("TOC", 1)[1].split("fldCharType=\"end\"")[0]
        assert filled != fill_tocs(data)


def test_an_island_declared_by_its_styles_holds_no_more() -> None:
    from greenmine_docs.docx.islands import check_declared

    table = ('<w:tbl><w:tr><w:tc><w:p><w:pPr><w:pStyle w:val="TableText"/></w:pPr></w:p>'
             '</w:tc></w:tr></w:tbl>')
    check_declared(table, {"TableText", "TableHeading"})
    for styles, xml in (({"TableHeading"}, table),
                        ({"TableText"}, table.replace("</w:pPr>", '<w:outlineLvl w:val="0"/>'
                                                      "</w:pPr>")),
                        ({"TableText"}, table.replace("<w:p>", "<w:p><w:pPr><w:sectPr/></w:pPr>"))):
        with pytest.raises(ValueError):
            check_declared(xml, styles)


def test_headings_the_writer_wrote_are_listed_without_parsing_them(monkeypatch,
                                                                   tmp_path: Path) -> None:
    """A heading the Writer put in as an island carries its style and text for the TOC fill:
    the packaged fill lists it where it stands and leaves it as text (no island is parsed),
    and gives the bytes of the fill that parses the whole part — also for texts with tabs,
    line breaks and outer spaces, which the entry lists as the paragraph's text."""
    from greenmine_docs.docx import islands
    from greenmine_docs.docx.document import new_document, package_bytes
    from greenmine_docs.docx.fields import add_toc
    from greenmine_docs.docx.toc import headings_when_packaged
    from greenmine_docs.docx.writer import Writer

    def written() -> Any:
        doc = new_document()
        islands.enable(doc.part)
        add_toc(doc.add_paragraph())
        w = Writer(doc)
        w.heading(1, "概况")
        w.paragraph("正文。")
        w.heading(2, " 矿区\t范围\n（续） ")
        w.unnumbered_heading(1, "附表", align="center")
        w.heading(3, "三级")
        w.heading(4, "四级，不在目录中")
        return doc

    plain = fill_tocs(bytes(package_bytes(written())))
    parsed: list[set[int] | None] = []
    real_put_in = islands.put_in
    monkeypatch.setattr("greenmine_docs.docx.toc.put_in", lambda root, table, keys=None: (
        parsed.append(keys), real_put_in(root, table, keys)))
    with headings_when_packaged():
        packaged = package_bytes(written())
    assert packaged.tocs_filled and parsed == [set()]
    assert packaged == plain
    (tmp_path / "d.docx").write_bytes(packaged)
    texts = ["".join(t.text or "" for t in p.iter(f"{{{W}}}t"))
             for p in _toc_paragraphs(tmp_path / "d.docx")]
    assert texts == ["一、概况", "（一） 矿区范围（续）", "附表", "1.三级"]



def test_a_heading_island_must_be_the_heading_its_builder_declared() -> None:
    from greenmine_docs.docx.islands import check_heading

    ok = '<w:p><w:pPr><w:pStyle w:val="1"/></w:pPr><w:r><w:t>一、概况</w:t></w:r></w:p>'
    check_heading(ok, "1", "一、概况")
    for xml, style, text in ((ok, "2", "一、概况"), (ok, "1", "概况"), (ok + ok, "1", "一、概况"),
                             (ok.replace("</w:pPr>", '<w:outlineLvl w:val="0"/></w:pPr>'),
                              "1", "一、概况")):
        with pytest.raises(ValueError):
            check_heading(xml, style, text)


def _section_width_by_siblings(p: Any, body: Any) -> int:
    """The type width as the fill first found it: the section break of ``p`` or of the first
    sibling after it that has one (in its own properties), else the body's final section."""
    sect = None
    for later in [p, *p.itersiblings()]:
        sect = later.find(f"{{{W}}}pPr/{{{W}}}sectPr")
        if sect is not None:
            break
    sect = sect if sect is not None else body.find(f"{{{W}}}sectPr")
    try:
        size, margins = sect.find(f"{{{W}}}pgSz"), sect.find(f"{{{W}}}pgMar")
        return (int(size.get(f"{{{W}}}w")) - int(margins.get(f"{{{W}}}left"))
                - int(margins.get(f"{{{W}}}right")))
    except (AttributeError, TypeError, ValueError):
        return 8845


_BLOCKS = st.sampled_from(["p", "break", "break-nosize", "table-with-break", "island", "comment"])


def _block(kind: str, n: int) -> str:
    sect = (f'<w:sectPr><w:pgSz w:w="{11000 + n}"/><w:pgMar w:left="{n}" w:right="1000"/>'
            '</w:sectPr>')
    return {"p": "<w:p/>",
            "break": f"<w:p><w:pPr>{sect}</w:pPr></w:p>",
            "break-nosize": "<w:p><w:pPr><w:sectPr/></w:pPr></w:p>",
            "table-with-break": f"<w:tbl><w:tr><w:tc><w:p><w:pPr>{sect}</w:pPr></w:p></w:tc></w:tr>"
                                "</w:tbl>",
            "island": "<?greenmine-island 1?>",
            "comment": "<!-- x -->"}[kind]


@given(st.lists(_BLOCKS, min_size=1, max_size=12), st.integers(0, 11), st.booleans())
@settings(max_examples=300, deadline=None)
def test_the_entries_width_is_the_section_the_siblings_loop_found(kinds, at, final) -> None:
    """:func:`~greenmine_docs.docx.toc._text_width` finds the section break with one XPath:
    the same as the loop over the siblings it replaced, wherever the breaks, tables (whose
    inner breaks do not count), islands and comments are."""
    from greenmine_docs.docx.toc import _text_width

    final_sect = ('<w:sectPr><w:pgSz w:w="11906"/><w:pgMar w:left="1531" w:right="1531"/>'
                  '</w:sectPr>') if final else ""
    xml = (f'<w:body xmlns:w="{W}">{"".join(_block(k, i) for i, k in enumerate(kinds))}'
           f"{final_sect}</w:body>")
    body = etree.fromstring(xml)
    paragraphs = [el for el in body if el.tag == f"{{{W}}}p"]
    if not paragraphs:
        return
    p = paragraphs[at % len(paragraphs)]
    assert _text_width(p, body) == _section_width_by_siblings(p, body)
