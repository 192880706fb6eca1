"""docxtpl rendering through the one sandboxed, autoescaped, strict Jinja environment."""
from __future__ import annotations

import io

import pytest
from docx import Document
from jinja2.sandbox import SandboxedEnvironment

from greenmine_docs.docx import Writer, new_document, to_bytes
from greenmine_docs.render.tpl import render_template
from greenmine_docs.errors import TemplateError
from greenmine_docs.render import make_env


def template(tmp_path, *lines: str):
    doc = new_document()
    for line in lines:
        doc.add_paragraph(line)
    path = tmp_path / "t.docx"
    path.write_bytes(to_bytes(doc))
    return path


def test_environment_is_sandboxed_strict_and_escaping():
    env = make_env()
    assert isinstance(env, SandboxedEnvironment)
    assert env.autoescape is True
    assert env.from_string("{{ x }}").render(x="a<b&c") == "a&lt;b&amp;c"
    with pytest.raises(Exception, match="undefined"):
        env.from_string("{{ missing }}").render()
    assert env.from_string("{{ d|cn_date }}").render(d="2023-09-01") == "2023年9月1日"
    assert env.from_string("{{ 1234.5|amount }}").render() == "1,234.50"


def test_user_data_is_never_rendered_as_template(tmp_path):
    path = template(tmp_path, "标题：{{ title }}", "{{p body }}")
    evil = "{{ 7*7 }} {% for i in range(3) %}x{% endfor %} <w:p>&amp;"

    def build(tpl):
        body = tpl.new_subdoc()
        w = Writer(tpl.docx, body)
        w.paragraph(evil)
        w.markdown(f"**{evil}**", level=1)
        return {"title": evil, "body": body}

    doc = Document(io.BytesIO(render_template(path, build)))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == f"标题：{evil}"
    assert texts[1] == evil
    # in Markdown "&amp;" is the entity for "&" (CommonMark); the template tags stay literal
    assert texts[2] == evil.replace("&amp;", "&")
    assert doc.paragraphs[2].runs[0].bold
    assert "49" not in "".join(texts) and "xxx" not in "".join(texts)


def test_template_errors_are_reported_with_context(tmp_path):
    undefined = template(tmp_path, "封面 {{ nonexistent_variable }}")
    with pytest.raises(TemplateError, match="nonexistent_variable"):
        render_template(undefined, lambda tpl: {})
    unsafe = template(tmp_path, "{{ title.__class__.__mro__ }}")
    with pytest.raises(TemplateError, match="不安全|未提供"):
        render_template(unsafe, lambda tpl: {"title": "x"})
    broken = template(tmp_path, "{% for x in %}")
    with pytest.raises(TemplateError, match="语法错误"):
        render_template(broken, lambda tpl: {})


def test_unusable_template_files(tmp_path):
    with pytest.raises(TemplateError, match="找不到模板"):
        render_template(tmp_path / "none.docx", lambda tpl: {})
    fake = tmp_path / "old.docx"
    fake.write_bytes(b"\xd0\xcf\x11\xe0 old word file")
    with pytest.raises(TemplateError, match="不是 .docx"):
        render_template(fake, lambda tpl: {})


def test_missing_styles_are_added_to_user_templates(tmp_path):
    from docx import Document as New

    bare = New()  # python-docx default: no "Table Text" / "Table Heading" styles
    bare.add_paragraph("{{p body }}")
    path = tmp_path / "bare.docx"
    bare.save(path)

    def build(tpl):
        body = tpl.new_subdoc()
        Writer(tpl.docx, body).table(["项目", "值"], [["a", 1]], caption="表")
        return {"body": body}

    doc = Document(io.BytesIO(render_template(path, build)))
    assert doc.tables[0].rows[1].cells[0].paragraphs[0].style.name == "Table Text"


def test_copies_of_a_template_share_its_style_answers() -> None:
    """Every copy of a prepared template takes its style ids and fonts from one table (their
    styles are the template's); each indexes its own styles when asked something new. A
    blank new_document's copies do not share: their callers may change the styles."""
    from pathlib import Path

    from docx.enum.style import WD_STYLE_TYPE

    from greenmine_docs.docx.text import _cache, style_fonts, style_id_of
    from greenmine_docs.render.tpl import open_template

    template = Path(__file__).resolve().parents[1] / "templates" / "implementation_plan" / \
        "plan-template.docx"
    a, b = (open_template(template, lint=False).docx for _ in range(2))
    assert a.part is not b.part
    for doc in (a, b):
        for name in ("Heading 1", "Caption", "Table Text", "没有的样式"):
            try:
                expected = doc.part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH)
            except KeyError:
                expected = False
            assert style_id_of(doc.part, name) == expected, name
        assert style_fonts(doc.part, style_id_of(doc.part, "Heading 1"))[0] == "黑体"
    assert _cache(a.part)["ids"] is _cache(b.part)["ids"]
    assert _cache(a.part)["fonts"] is _cache(b.part)["fonts"]
    blank = [new_document() for _ in range(2)]
    for doc in blank:
        style_id_of(doc.part, "Caption")
    assert _cache(blank[0].part)["ids"] is not _cache(blank[1].part)["ids"]
    shared = [new_document(shared_styles=True) for _ in range(2)]  # unless asked to
    for doc in shared:
        style_id_of(doc.part, "Caption")
    assert _cache(shared[0].part)["ids"] is _cache(shared[1].part)["ids"]
    assert _cache(shared[0].part)["ids"] is not _cache(blank[0].part)["ids"]
    assert shared[0].styles.element is shared[1].styles.element
    assert blank[0].styles.element is not blank[1].styles.element


def _plan_template():
    from pathlib import Path

    return Path(__file__).resolve().parents[1] / "templates" / "implementation_plan" / \
        "plan-template.docx"


def test_copies_of_a_template_share_the_parts_no_copy_changes() -> None:
    """The styles part, the settings (completed when the template is prepared) and the parts
    held as bytes are the same objects in every copy of a prepared template; the parts a
    render writes (document, numbering, footers with tags, core properties) are each copy's
    own, and lead to the shared parts."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.part import Part
    from docx.parts.hdrftr import FooterPart
    from docx.parts.settings import SettingsPart
    from docx.parts.styles import StylesPart

    from greenmine_docs.docx.document import part_blob
    from greenmine_docs.render.tpl import open_template

    a, b = (open_template(_plan_template(), lint=False).docx for _ in range(2))
    parts_a = {str(p.partname): p for p in a.part.package.iter_parts()}
    parts_b = {str(p.partname): p for p in b.part.package.iter_parts()}
    assert parts_a.keys() == parts_b.keys()
    shared = {name for name in parts_a if parts_a[name] is parts_b[name]}
    assert {"/word/styles.xml", "/word/theme/theme1.xml", "/word/footer1.xml",
            "/word/settings.xml"} <= shared
    assert {"/word/document.xml", "/word/numbering.xml", "/docProps/core.xml"}.isdisjoint(shared)
    assert all(type(parts_a[n]) in (Part, StylesPart, FooterPart, SettingsPart)
               and not len(parts_a[n].rels) for n in shared)
    styles = parts_a["/word/styles.xml"]
    assert a.part.part_related_by(RT.STYLES) is b.part.part_related_by(RT.STYLES) is styles
    assert part_blob(styles) is part_blob(styles) and part_blob(styles) == styles.blob


def test_a_footer_with_a_tag_is_each_copys_own_and_rendered(tmp_path) -> None:
    """Footers with a template tag are rendered, so copies do not share them; those without
    are shared and written as they are."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    from greenmine_docs.render.tpl import open_template

    doc = new_document(page_numbers=False)
    doc.add_paragraph("{{ mine }}")
    doc.sections[0].footer.paragraphs[0].text = "页脚 {{ mine }}"
    doc.sections[0].first_page_footer.paragraphs[0].text = "首页页脚"
    path = tmp_path / "footer.docx"
    path.write_bytes(to_bytes(doc))

    def footers(tpl_doc):
        return {r.target_part.partname: r.target_part for r in tpl_doc.part.rels.values()
                if r.reltype == RT.FOOTER}

    a, b = (footers(open_template(path, lint=False).docx) for _ in range(2))
    texts = {name: a[name].blob for name in a}
    tagged = {name for name, blob in texts.items() if b"{" in blob}
    assert len(tagged) == 1 and len(a) == 2
    assert all((a[name] is b[name]) is (name not in tagged) for name in a)
    for mine in ("甲矿", "乙矿"):
        out = Document(io.BytesIO(render_template(path, lambda tpl, mine=mine: {"mine": mine})))
        assert out.sections[0].footer.paragraphs[0].text == f"页脚 {mine}"
        assert out.sections[0].first_page_footer.paragraphs[0].text == "首页页脚"


def test_a_change_to_a_shared_part_is_caught(monkeypatch) -> None:
    """With GREENMINE_CHECK_SHARED=1 (the suite's setting) writing a copy whose shared styles
    were changed fails instead of writing the bytes kept from before the change."""
    from docx.oxml.ns import qn

    from greenmine_docs.docx.document import package_bytes
    from greenmine_docs.render.tpl import open_template

    doc = open_template(_plan_template(), lint=False).docx
    package_bytes(doc)  # the styles' bytes are kept by now
    style = doc.styles.element.find(qn("w:style"))
    style_id = style.get(qn("w:styleId"))
    style.set(qn("w:styleId"), "changed")
    try:
        with pytest.raises(AssertionError, match="styles.xml"):
            package_bytes(doc)
        monkeypatch.setenv("GREENMINE_CHECK_SHARED", "0")
        package_bytes(doc)  # unchecked: written (with the kept bytes)
    finally:
        style.set(qn("w:styleId"), style_id)  # the template's prepared copy is shared on
    monkeypatch.setenv("GREENMINE_CHECK_SHARED", "1")
    package_bytes(doc)


def test_the_templates_body_text_is_made_once_for_its_copies(tmp_path, monkeypatch) -> None:
    """Every copy of a prepared template renders from one text of its body (by its final
    section), made by the first; a copy whose set-aside body differs fails the check the
    suite runs (GREENMINE_CHECK_SHARED=1) instead of rendering the text kept from before."""
    from greenmine_docs.render.subdoc import share_body_texts
    from greenmine_docs.render.tpl import open_template

    doc = new_document(page_numbers=False)
    doc.add_paragraph("封面 {{ mine }}")
    doc.add_paragraph("{{p body }}")
    path = tmp_path / "body.docx"
    path.write_bytes(to_bytes(doc))

    def rendered(tpl, mine: str, change: bool = False) -> str:
        sub = tpl.new_subdoc()
        sub.add_paragraph(f"正文{mine}")
        if change:
            tpl._template_body[0].append(tpl._template_body[0][-1].__copy__())
        tpl.render({"mine": mine, "body": sub})
        return "".join(p.text for p in tpl.docx.paragraphs)

    first, second = (open_template(path, lint=False) for _ in range(2))
    texts = share_body_texts(first.docx.part)
    assert texts is share_body_texts(second.docx.part) and not texts
    assert rendered(first, "甲矿") == "封面 甲矿正文甲矿"
    assert len(texts) == 1
    assert rendered(second, "乙矿") == "封面 乙矿正文乙矿"
    assert len(texts) == 1
    with pytest.raises(AssertionError, match="template's body changed"):
        rendered(open_template(path, lint=False), "丙矿", change=True)
    monkeypatch.setenv("GREENMINE_CHECK_SHARED", "0")
    assert rendered(open_template(path, lint=False), "丁矿", change=True) == "封面 丁矿正文丁矿"


def test_only_the_shared_part_itself_has_its_bytes_kept() -> None:
    """The kept bytes belong to the shared styles part, not to a copy of it made otherwise
    (a plain deepcopy of the template's document): that copy's styles are its own to change,
    and are written as they are then."""
    import copy

    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn

    from greenmine_docs.docx.document import package_bytes, part_blob
    from greenmine_docs.render.tpl import open_template

    doc = open_template(_plan_template(), lint=False).docx
    package_bytes(doc)  # the shared styles' bytes are kept by now
    own = copy.deepcopy(doc)
    styles = own.part.part_related_by(RT.STYLES)
    assert styles is not doc.part.part_related_by(RT.STYLES)
    own.styles.element.find(qn("w:style")).set(qn("w:styleId"), "changed")
    assert b'w:styleId="changed"' in part_blob(styles)
    package_bytes(own)


def test_a_render_is_the_same_when_its_copy_shares_no_part(monkeypatch) -> None:
    """The bytes of rendered templates are those of copies that copy every part. The clock is
    fixed: renders on either side of a two-second step differ in their zip times."""
    monkeypatch.setenv("GREENMINE_FIXED_CLOCK", "2024-11-12T13:14:15")
    from greenmine_docs.docx import document
    from greenmine_docs.render import tpl

    def build(t):
        body = t.new_subdoc()
        Writer(t.docx, body).table(["项目", "值"], [["a", 1]], caption="表")
        body.add_paragraph("正文", style="Heading 1")
        return {"body": body, "title": "标题", "enterprise": "企业", "compiler": "编制单位",
                "date_upper": "二〇二四年一月"}

    shared = [render_template(_plan_template(), build) for _ in range(2)]
    monkeypatch.setattr(document, "unchanged_parts", lambda doc, also=None: [])
    monkeypatch.setattr(tpl, "unchanged_parts", lambda doc, also=None: [])
    tpl._prepared_copyable.cache_clear()
    tpl._prepared.cache_clear()
    try:
        copied = render_template(_plan_template(), build)
    finally:
        tpl._prepared_copyable.cache_clear()
        tpl._prepared.cache_clear()
    assert shared[0] == shared[1] == copied


def test_a_property_without_a_tag_renders_as_it_is() -> None:
    """render_properties leaves a property without ``{`` or a carriage return as it is: what
    rendering it with the properties' environment gives (checked over generated texts)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from greenmine_docs.render.jinja_env import compile_template
    from greenmine_docs.render.tplguard import _plain_env

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=st.characters(blacklist_characters="{\r",
                                          blacklist_categories=("Cs",))))
    def same(text: str) -> None:
        assert compile_template(_plain_env(), text).render({"x": 1}) == text

    same()
    for text in ("结尾换行\n", "%} }} #} 百分号 % 与 #", "  \n\n  "):
        assert compile_template(_plain_env(), text).render({}) == text


def test_a_rendered_body_is_parsed_once_and_as_docxtpl_fixes_it() -> None:
    """fix_tables: a body without a table is the strict parse itself (docxtpl's fix would
    parse it again and change nothing); a table with more cells than grid columns still
    gets docxtpl's fix."""
    import zipfile
    from pathlib import Path

    from docxtpl import DocxTemplate
    from lxml import etree

    from greenmine_docs.render.tplguard import GuardedDocxTemplate

    template = Path(__file__).resolve().parents[1] / "templates" / "implementation_plan" / \
        "plan-template.docx"
    tpl = GuardedDocxTemplate(str(template))
    xml = zipfile.ZipFile(template).read("word/document.xml").decode()
    xml = xml[xml.index("?>") + 2:].lstrip()  # as docxtpl passes it: no declaration
    body_end = xml.index("</w:body>")
    odd = (xml[:body_end] + "<w:tbl><w:tblGrid><w:gridCol w:w=\"2000\"/></w:tblGrid><w:tr>"
           "<w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>" + xml[body_end:])
    for text in (xml, odd):
        ours = GuardedDocxTemplate.fix_tables(tpl, text)
        theirs = DocxTemplate.fix_tables(tpl, text)
        assert etree.tostring(ours) == etree.tostring(theirs)
    assert b'w:w="1000"' in etree.tostring(GuardedDocxTemplate.fix_tables(tpl, odd))


@pytest.mark.parametrize("xml", [
    '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:b/></w:rPr>'
    '<w:t xml:space="preserve">矿山 A&amp;B</w:t></w:r></w:p>',
    '<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>第一行\n第二行\t制表\a新段\f新页</w:t></w:r></w:p>',
    "<w:p><w:r><w:t>只有换行\n</w:t></w:r></w:p><w:p/>",
    "",
])
def test_listing_characters_are_resolved_as_docxtpl_does(xml: str) -> None:
    """Rendered XML without a tab, line, paragraph or page break character is returned as it is;
    with one, docxtpl resolves it: either way what docxtpl's own resolve_listing gives."""
    from docxtpl import DocxTemplate

    from greenmine_docs.render.tplguard import GuardedDocxTemplate

    tpl = object.__new__(GuardedDocxTemplate)  # (resolve_listing reads nothing of it)
    assert tpl.resolve_listing(xml) == DocxTemplate.resolve_listing(tpl, xml)
